#include "lib/utf16.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"

size_t utf8_decode(const char *str, size_t len, uint32_t *code_point)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len == 0)
        return 0;
    uint32_t c = s[0];
    size_t n;
    uint32_t min;
    if (c < 0x80) {
        *code_point = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2; c &= 0x1F; min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3; c &= 0x0F; min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4; c &= 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    /* Overlong forms, UTF-16 surrogates and values past Unicode are ill-formed. */
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *code_point = c;
    return n;
}

int utf8_valid(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

long utf8_utf16_units(const char *utf8, size_t len)
{
    long units = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(utf8 + i, len - i, &cp);
        if (!n)
            return -1;
        units += cp >= 0x10000 ? 2 : 1;
        i += n;
    }
    return units;
}

NTSTATUS utf8_to_utf16le(const char *utf8, size_t len, uint8_t **out, size_t *out_len)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(utf8 + i, len - i, &cp);
        if (!n) {
            buf_free(&b);
            return STATUS_ILLEGAL_CHARACTER;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            wr_u16(&b, (uint16_t)(0xD800 | cp >> 10));
            wr_u16(&b, (uint16_t)(0xDC00 | (cp & 0x3FF)));
        } else {
            wr_u16(&b, (uint16_t)cp);
        }
        i += n;
    }
    if (!wr_ok(&b)) {
        buf_free(&b);
        return STATUS_NO_MEMORY;
    }
    if (!b.data) {
        /* Empty string: hand back a valid allocation so callers may free it. */
        b.data = malloc(1);
        if (!b.data)
            return STATUS_NO_MEMORY;
    }
    *out = buf_steal(&b, out_len);
    return STATUS_SUCCESS;
}

static void put_utf8(struct buf *b, uint32_t cp)
{
    if (cp < 0x80) {
        wr_u8(b, (uint8_t)cp);
    } else if (cp < 0x800) {
        wr_u8(b, (uint8_t)(0xC0 | cp >> 6));
        wr_u8(b, (uint8_t)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        wr_u8(b, (uint8_t)(0xE0 | cp >> 12));
        wr_u8(b, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        wr_u8(b, (uint8_t)(0x80 | (cp & 0x3F)));
    } else {
        wr_u8(b, (uint8_t)(0xF0 | cp >> 18));
        wr_u8(b, (uint8_t)(0x80 | (cp >> 12 & 0x3F)));
        wr_u8(b, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        wr_u8(b, (uint8_t)(0x80 | (cp & 0x3F)));
    }
}

NTSTATUS utf16le_to_utf8(const uint8_t *utf16, size_t len, char **out)
{
    if (len % 2)
        return STATUS_INVALID_PARAMETER;
    struct buf_reader r;
    rd_init(&r, utf16, len);
    struct buf b;
    buf_init(&b);
    NTSTATUS status = STATUS_SUCCESS;
    while (rd_remaining(&r) > 0) {
        uint32_t cp = rd_u16(&r);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (rd_remaining(&r) < 2) {
                status = STATUS_ILLEGAL_CHARACTER;
                break;
            }
            uint32_t low = rd_u16(&r);
            if (low < 0xDC00 || low > 0xDFFF) {
                status = STATUS_ILLEGAL_CHARACTER;
                break;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            status = STATUS_ILLEGAL_CHARACTER;
            break;
        } else if (cp == 0) {
            status = STATUS_OBJECT_NAME_INVALID;
            break;
        }
        put_utf8(&b, cp);
    }
    wr_u8(&b, 0);
    if (status == STATUS_SUCCESS && !wr_ok(&b))
        status = STATUS_NO_MEMORY;
    if (status != STATUS_SUCCESS) {
        buf_free(&b);
        return status;
    }
    *out = (char *)buf_steal(&b, NULL);
    return STATUS_SUCCESS;
}

/* Simple upper-case mapping of one code point. towupper() is locale-dependent,
 * so the common scripts are mapped here by rule; other code points stay as they
 * are, which matches NTFS's upcase table for them closely enough for name
 * comparison (and exactly for ASCII, which NTLM hashing depends on). */
static uint32_t upcase(uint32_t c)
{
    if (c >= 'a' && c <= 'z') return c - 32;
    if (c < 0x80) return c;
    if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 32;          /* Latin-1 */
    if (c == 0xFF) return 0x178;
    if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
        c != 0x17F) {                                                  /* Latin Ext-A */
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c & 1) ? c : c - 1;
        return (c & 1) ? c - 1 : c;
    }
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 32;         /* Greek */
    if (c >= 0x430 && c <= 0x44F) return c - 32;                       /* Cyrillic */
    if (c >= 0x450 && c <= 0x45F) return c - 80;
    if (c >= 0xFF41 && c <= 0xFF5A) return c - 32;                     /* fullwidth */
    return c;
}

int utf8_casecmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t i = 0, j = 0;
    while (i < la && j < lb) {
        uint32_t ca, cb;
        size_t na = utf8_decode(a + i, la - i, &ca);
        size_t nb = utf8_decode(b + j, lb - j, &cb);
        if (!na || !nb)
            return strcmp(a + i, b + j);
        ca = upcase(ca);
        cb = upcase(cb);
        if (ca != cb)
            return ca < cb ? -1 : 1;
        i += na;
        j += nb;
    }
    return (i < la) - (j < lb);
}

char *utf8_upper(const char *s)
{
    size_t len = strlen(s);
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (!n) {
            wr_u8(&b, (uint8_t)s[i]);
            i++;
            continue;
        }
        put_utf8(&b, upcase(cp));
        i += n;
    }
    wr_u8(&b, 0);
    if (!wr_ok(&b)) {
        buf_free(&b);
        return NULL;
    }
    return (char *)buf_steal(&b, NULL);
}
