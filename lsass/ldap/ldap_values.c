/* Bounded decoding of directory values (ldap_values.h). */
#include "lsass/ldap/ldap_values.h"

#include <string.h>

#include "lib/ntstatus.h"

/* Control characters (C0 and DEL) never belong in a name or passwd field:
 * they would forge lines in logs and in getent's output. */
static bool has_control(const char *value, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 || c == 0x7f)
            return true;
    }
    return false;
}

/* Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
static bool valid_utf8(const char *value, size_t len)
{
    const unsigned char *s = (const unsigned char *)value;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            n = 1, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

static bool copy_out(const char *value, size_t len, char *out, size_t out_size)
{
    if (len >= out_size)
        return false;
    memcpy(out, value, len);
    out[len] = '\0';
    return true;
}

bool ldap_value_name(const char *value, size_t len, char *out, size_t out_size)
{
    if (!value || len == 0 || len > LDAP_NAME_MAX || has_control(value, len) || !valid_utf8(value, len))
        return false;
    if (value[0] == '-' || value[0] == ' ' || value[len - 1] == ' ')
        return false;
    for (size_t i = 0; i < len; i++)
        if (strchr(":,/\\@", value[i]))
            return false;
    return copy_out(value, len, out, out_size);
}

bool ldap_value_text(const char *value, size_t len, char *out, size_t out_size)
{
    if (!value || len > LDAP_TEXT_MAX || has_control(value, len) || !valid_utf8(value, len) ||
        memchr(value, ':', len))
        return false;
    return copy_out(value, len, out, out_size);
}

bool ldap_value_id(const char *value, size_t len, uint32_t *id)
{
    if (!value || len == 0 || len > 10)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (value[i] < '0' || value[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(value[i] - '0');
    }
    if (v == 0 || v >= 0xffffffffu)
        return false;
    *id = (uint32_t)v;
    return true;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool ldap_value_nt_hash(const char *value, size_t len, uint8_t hash[16])
{
    if (!value || len != 32)
        return false;
    for (size_t i = 0; i < 16; i++) {
        int hi = hex_digit(value[2 * i]), lo = hex_digit(value[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            memset(hash, 0, 16);
            return false;
        }
        hash[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool ldap_value_sid(const char *value, size_t len, struct sid *sid)
{
    char text[SID_STRING_MAX];
    if (!value || len < 5 || len >= sizeof text || has_control(value, len))
        return false;
    memcpy(text, value, len);
    text[len] = '\0';
    return NT_SUCCESS(sid_parse(text, sid));
}

bool ldap_value_disabled(const char *value, size_t len)
{
    /* "[UD  ]": the letters between the brackets (Samba's format). */
    if (!value || len < 2 || len > 64 || value[0] != '[')
        return false;
    for (size_t i = 1; i < len && value[i] != ']'; i++)
        if (value[i] == 'D')
            return true;
    return false;
}

bool ldap_filter_escape(const char *name, char *out, size_t out_size)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (!out_size)
        return false;
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        bool plain = *s > 0x20 && *s < 0x7f && !strchr("*()\\", *s);
        size_t need = plain ? 1 : 3;
        if (o + need >= out_size)
            return false;
        if (plain) {
            out[o++] = (char)*s;
        } else {
            out[o++] = '\\';
            out[o++] = hex[*s >> 4];
            out[o++] = hex[*s & 15];
        }
    }
    out[o] = '\0';
    return true;
}
