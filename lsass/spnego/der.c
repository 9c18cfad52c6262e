#include "lsass/spnego/der.h"

bool der_peek_tag(const struct buf_reader *r, uint8_t *tag)
{
    if (!rd_ok(r) || rd_remaining(r) == 0)
        return false;
    *tag = r->data[r->pos];
    return true;
}

bool der_read(struct buf_reader *r, struct der_element *element)
{
    size_t start = r->pos;
    uint8_t tag = rd_u8(r);
    uint8_t first = rd_u8(r);
    size_t len = 0;
    if (!rd_ok(r))
        goto fail;
    /* 0x1f in the low bits announces a multi-byte tag number: SPNEGO has none. */
    if ((tag & 0x1f) == 0x1f)
        goto fail;
    if (first < 0x80) {
        len = first;
    } else {
        unsigned count = first & 0x7f;
        /* count 0 is the indefinite form (BER only); more than four bytes is
         * more than any token could hold. */
        if (count == 0 || count > 4)
            goto fail;
        for (unsigned i = 0; i < count; i++)
            len = len << 8 | rd_u8(r);
        if (!rd_ok(r))
            goto fail;
    }
    if (len > DER_MAX_LENGTH || len > rd_remaining(r))
        goto fail;
    element->tag = tag;
    element->content = rd_sub(r, r->pos, len);
    rd_skip(r, len);
    if (!rd_ok(r) || !rd_ok(&element->content))
        goto fail;
    element->raw = r->data + start;
    element->raw_len = r->pos - start;
    return true;
fail:
    rd_fail(r);
    rd_init(&element->content, NULL, 0);
    rd_fail(&element->content);
    element->raw = NULL;
    element->raw_len = 0;
    return false;
}

bool der_read_expect(struct buf_reader *r, uint8_t tag, struct der_element *element)
{
    if (!der_read(r, element))
        return false;
    if (element->tag != tag) {
        rd_fail(r);
        return false;
    }
    return true;
}

bool der_read_small_int(struct buf_reader *content, int32_t *value)
{
    size_t len = rd_remaining(content);
    if (!rd_ok(content) || len == 0 || len > 4)
        return false;
    const uint8_t *p = rd_bytes(content, len);
    /* Two's complement, big-endian: sign-extend from the first byte. */
    uint32_t v = (p[0] & 0x80) ? 0xffffffffu : 0;
    for (size_t i = 0; i < len; i++)
        v = v << 8 | p[i];
    *value = (int32_t)v;
    return true;
}

void der_write_length(struct buf *b, size_t len)
{
    if (len < 0x80) {
        wr_u8(b, (uint8_t)len);
        return;
    }
    if (len > DER_MAX_LENGTH) {
        b->failed = true;
        return;
    }
    uint8_t bytes[4];
    unsigned count = 0;
    for (size_t v = len; v; v >>= 8)
        bytes[count++] = (uint8_t)v;
    wr_u8(b, (uint8_t)(0x80 | count));
    while (count)
        wr_u8(b, bytes[--count]);
}

void der_write(struct buf *b, uint8_t tag, const void *content, size_t len)
{
    wr_u8(b, tag);
    der_write_length(b, len);
    wr_bytes(b, content, len);
}

void der_wrap(struct buf *b, uint8_t tag, struct buf *inner)
{
    if (!wr_ok(inner))
        b->failed = true;
    else
        der_write(b, tag, inner->data, inner->len);
    buf_reset(inner);
}

void der_write_enumerated(struct buf *b, int32_t value)
{
    /* Minimal two's complement: drop leading bytes that only repeat the sign. */
    uint8_t bytes[4];
    for (int i = 0; i < 4; i++)
        bytes[i] = (uint8_t)((uint32_t)value >> (24 - 8 * i));
    int start = 0;
    while (start < 3 && ((bytes[start] == 0x00 && !(bytes[start + 1] & 0x80)) ||
                         (bytes[start] == 0xff && (bytes[start + 1] & 0x80))))
        start++;
    der_write(b, DER_ENUMERATED, bytes + start, (size_t)(4 - start));
}
