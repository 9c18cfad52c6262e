/* AV_PAIR lists ([MS-NLMP] 2.2.2.1): the CHALLENGE's TargetInfo and the
 * client's copy of it inside the NTLMv2 response. */
#include "lsass/ntlm/ntlm.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/utf16.h"

bool ntlm_av_list_valid(const uint8_t *list, size_t len)
{
    struct buf_reader r;
    /* AvIds 0..10 are defined; a bitmap catches repeats of any of them. */
    uint32_t seen = 0;
    rd_init(&r, list, len);
    for (;;) {
        uint16_t id = rd_u16(&r);
        uint16_t value_len = rd_u16(&r);
        if (!rd_ok(&r))
            return false;
        if (id == MsvAvEOL)
            return value_len == 0;
        if (!rd_bytes(&r, value_len))
            return false;
        if (id <= MsvAvChannelBindings) {
            if (seen & (1u << id))
                return false;
            seen |= 1u << id;
        }
    }
}

bool ntlm_av_find(const uint8_t *list, size_t len, uint16_t id, struct ntlm_field *value)
{
    struct buf_reader r;
    rd_init(&r, list, len);
    for (;;) {
        uint16_t got = rd_u16(&r);
        uint16_t value_len = rd_u16(&r);
        const uint8_t *data = rd_bytes(&r, value_len);
        if (!data || got == MsvAvEOL)
            return false;
        if (got == id) {
            value->data = data;
            value->len = value_len;
            return true;
        }
    }
}

void ntlm_av_write(struct buf *b, uint16_t id, const void *value, size_t len)
{
    if (len > UINT16_MAX) {
        b->failed = true;
        return;
    }
    wr_u16(b, id);
    wr_u16(b, (uint16_t)len);
    wr_bytes(b, value, len);
}

void ntlm_av_write_string(struct buf *b, uint16_t id, const char *utf8)
{
    uint8_t *utf16 = NULL;
    size_t utf16_len = 0;
    if (!NT_SUCCESS(utf8_to_utf16le(utf8, strlen(utf8), &utf16, &utf16_len))) {
        b->failed = true;
        return;
    }
    ntlm_av_write(b, id, utf16, utf16_len);
    free(utf16);
}

void ntlm_av_write_eol(struct buf *b)
{
    wr_u16(b, MsvAvEOL);
    wr_u16(b, 0);
}

uint64_t ntlm_filetime_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    /* 11644473600 seconds from 1601-01-01 to 1970-01-01. */
    return ((uint64_t)now.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)now.tv_nsec / 100;
}
