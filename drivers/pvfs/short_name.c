/* 8.3 short names ("mangled names"), computed, never stored.
 *
 * A name that is already a valid 8.3 name ([MS-FSCC] 2.1.5.2.1, with the
 * characters FAT allows) is its own short name. Any other name gets
 *
 *     PPHHHH~H.EXT
 *
 * PP   the first two characters of the name that an 8.3 name may hold,
 *      upper case ('_' for one it may not, spaces and dots left out, '_'
 *      padding when the name has fewer);
 * HHHH~H  five base-36 digits of a hash of the whole name (ASCII letters
 *      upper-cased, so names that differ only in case agree);
 * EXT  up to three characters after the name's last dot, mapped the same
 *      way (none if the name has no dot, or only a leading one).
 *
 * This is the shape of Samba's "mangling method = hash2" with a two
 * character prefix: the name depends on the long name alone, so it is the
 * same on every listing and after a restart without keeping anything on
 * disk, and a short name given back to us is found again by computing the
 * short names of a directory's entries. The price is that two long names
 * can share a short name (one chance in 36^5 for any two names of a
 * directory), where NTFS would number them ~1, ~2; a lookup by such a short
 * name then opens whichever the directory lists first. */
#include "drivers/pvfs/pvfs_private.h"

#include <string.h>

static const char base36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Characters FAT allows in an 8.3 name besides letters and digits. */
static bool fat_char(unsigned char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr("!#$%&'()-@^_`{}~", c) != NULL;
}

static unsigned char ascii_upper(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

bool pvfs_name_is_8dot3(const char *name)
{
    size_t base = 0, ext = 0;
    bool dot = false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '.') {
            if (dot)
                return false;
            dot = true;
        } else if (!fat_char(*p)) {
            return false;
        } else if (dot) {
            ext++;
        } else {
            base++;
        }
    }
    return base >= 1 && base <= 8 && ext <= 3 && !(dot && ext == 0);
}

/* FNV-1a, 32 bits: fixed forever, as short names must not change. */
static uint32_t name_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= ascii_upper(*p);
        h *= 16777619u;
    }
    return h;
}

/* Appends up to max characters of [s, end) as an 8.3 name may hold them:
 * spaces and dots left out, a character FAT refuses (or '~', which would
 * blur the shape) as one '_' per code point. Returns the count written. */
static size_t take_chars(const char *s, const char *end, char *out, size_t max)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p < (const unsigned char *)end && n < max) {
        unsigned char c = *p;
        if (c >= 0x80) {
            /* One '_' for the whole multi-byte sequence. */
            do
                p++;
            while (p < (const unsigned char *)end && (*p & 0xC0) == 0x80);
            out[n++] = '_';
            continue;
        }
        p++;
        if (c == ' ' || c == '.')
            continue;
        out[n++] = fat_char(c) && c != '~' ? (char)ascii_upper(c) : '_';
    }
    return n;
}

bool pvfs_short_name(const char *name, char out[PVFS_SHORT_NAME_SIZE])
{
    out[0] = '\0';
    if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || pvfs_name_is_8dot3(name))
        return false;
    const char *end = name + strlen(name);
    const char *dot = strrchr(name, '.');
    if (dot == name || (dot && dot[1] == '\0'))
        dot = NULL; /* ".profile", "name.": no extension */
    char ext[3];
    size_t ext_len = dot ? take_chars(dot + 1, end, ext, sizeof ext) : 0;
    size_t n = take_chars(name, dot && ext_len ? dot : end, out, 2);
    while (n < 2)
        out[n++] = '_';
    uint32_t v = name_hash(name) % (36u * 36u * 36u * 36u * 36u);
    out[7] = base36[v % 36];
    v /= 36;
    out[6] = '~';
    for (int i = 5; i >= 2; i--) {
        out[i] = base36[v % 36];
        v /= 36;
    }
    n = 8;
    if (ext_len) {
        out[n++] = '.';
        memcpy(out + n, ext, ext_len);
        n += ext_len;
    }
    out[n] = '\0';
    return true;
}

static bool base36_char(unsigned char c)
{
    c = ascii_upper(c);
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

bool pvfs_short_name_shaped(const char *name)
{
    size_t len = strlen(name);
    if (len < 8 || len > 12 || len == 9 || name[6] != '~' || !base36_char((unsigned char)name[7]))
        return false;
    for (size_t i = 0; i < 2; i++)
        if (!fat_char((unsigned char)name[i]) || name[i] == '~')
            return false;
    for (size_t i = 2; i < 6; i++)
        if (!base36_char((unsigned char)name[i]))
            return false;
    if (len > 8) {
        if (name[8] != '.')
            return false;
        for (size_t i = 9; i < len; i++)
            if (!fat_char((unsigned char)name[i]))
                return false;
    }
    return true;
}

bool pvfs_short_name_is(const char *long_name, const char *short_name)
{
    char mine[PVFS_SHORT_NAME_SIZE];
    if (!pvfs_short_name(long_name, mine))
        return false;
    for (size_t i = 0;; i++) {
        if (ascii_upper((unsigned char)mine[i]) != ascii_upper((unsigned char)short_name[i]))
            return false;
        if (!mine[i])
            return true;
    }
}
