#include "lib/buf.h"

#include <stdlib.h>
#include <string.h>

void rd_init(struct buf_reader *r, const void *data, size_t size)
{
    r->data = data;
    r->size = data ? size : 0;
    r->pos = 0;
    r->failed = false;
}

bool rd_ok(const struct buf_reader *r) { return !r->failed; }

size_t rd_remaining(const struct buf_reader *r)
{
    return r->failed ? 0 : r->size - r->pos;
}

void rd_fail(struct buf_reader *r) { r->failed = true; }

bool range_ok(size_t offset, size_t len, size_t size)
{
    return offset <= size && len <= size - offset;
}

const uint8_t *rd_bytes(struct buf_reader *r, size_t len)
{
    if (r->failed || !range_ok(r->pos, len, r->size)) {
        r->failed = true;
        return NULL;
    }
    /* A zero-length read at the end of an empty buffer still needs a non-NULL
     * answer so callers can tell success from failure. */
    static const uint8_t empty[1];
    const uint8_t *p = r->data ? r->data + r->pos : empty;
    r->pos += len;
    return p;
}

bool rd_copy(struct buf_reader *r, void *dst, size_t len)
{
    const uint8_t *p = rd_bytes(r, len);
    if (!p) {
        if (len)
            memset(dst, 0, len);
        return false;
    }
    if (len)
        memcpy(dst, p, len);
    return true;
}

uint8_t rd_u8(struct buf_reader *r)
{
    const uint8_t *p = rd_bytes(r, 1);
    return p ? p[0] : 0;
}

uint16_t rd_u16(struct buf_reader *r)
{
    const uint8_t *p = rd_bytes(r, 2);
    return p ? le16_load(p) : 0;
}

uint32_t rd_u32(struct buf_reader *r)
{
    const uint8_t *p = rd_bytes(r, 4);
    return p ? le32_load(p) : 0;
}

uint64_t rd_u64(struct buf_reader *r)
{
    const uint8_t *p = rd_bytes(r, 8);
    return p ? le64_load(p) : 0;
}

uint16_t rd_u16be(struct buf_reader *r)
{
    const uint8_t *p = rd_bytes(r, 2);
    return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t rd_u32be(struct buf_reader *r)
{
    const uint8_t *p = rd_bytes(r, 4);
    return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

void rd_skip(struct buf_reader *r, size_t len) { (void)rd_bytes(r, len); }

void rd_align(struct buf_reader *r, size_t alignment)
{
    if (r->failed || alignment <= 1)
        return;
    size_t rem = r->pos % alignment;
    if (rem)
        rd_skip(r, alignment - rem);
}

void rd_seek(struct buf_reader *r, size_t pos)
{
    if (r->failed || pos > r->size)
        r->failed = true;
    else
        r->pos = pos;
}

struct buf_reader rd_sub(const struct buf_reader *r, size_t offset, size_t len)
{
    struct buf_reader sub;
    if (r->failed || !range_ok(offset, len, r->size)) {
        rd_init(&sub, NULL, 0);
        sub.failed = true;
    } else {
        rd_init(&sub, r->data ? r->data + offset : NULL, len);
    }
    return sub;
}

void buf_init(struct buf *b) { memset(b, 0, sizeof *b); }

void buf_init_limit(struct buf *b, size_t limit)
{
    buf_init(b);
    b->limit = limit;
}

void buf_free(struct buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->failed = false;
}

bool wr_ok(const struct buf *b) { return !b->failed; }

uint8_t *buf_steal(struct buf *b, size_t *len)
{
    uint8_t *data = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return data;
}

/* Makes room for len more bytes; returns a pointer to them or NULL (failed).
 * Callers never ask for 0 bytes: on an empty buffer data is NULL, and
 * NULL + 0 is undefined behaviour in C. */
static uint8_t *grow(struct buf *b, size_t len)
{
    if (b->failed || len == 0)
        return NULL;
    if (len > SIZE_MAX - b->len || (b->limit && b->len + len > b->limit)) {
        b->failed = true;
        return NULL;
    }
    size_t need = b->len + len;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        uint8_t *data = realloc(b->data, cap);
        if (!data) {
            b->failed = true;
            return NULL;
        }
        b->data = data;
        b->cap = cap;
    }
    uint8_t *p = b->data + b->len;
    b->len = need;
    return p;
}

void wr_bytes(struct buf *b, const void *data, size_t len)
{
    uint8_t *p = grow(b, len);
    if (p && len)
        memcpy(p, data, len);
}

void wr_zeros(struct buf *b, size_t len)
{
    uint8_t *p = grow(b, len);
    if (p && len)
        memset(p, 0, len);
}

void wr_u8(struct buf *b, uint8_t v) { wr_bytes(b, &v, 1); }

void wr_u16(struct buf *b, uint16_t v)
{
    uint8_t *p = grow(b, 2);
    if (p) le16_store(p, v);
}

void wr_u32(struct buf *b, uint32_t v)
{
    uint8_t *p = grow(b, 4);
    if (p) le32_store(p, v);
}

void wr_u64(struct buf *b, uint64_t v)
{
    uint8_t *p = grow(b, 8);
    if (p) le64_store(p, v);
}

void wr_u16be(struct buf *b, uint16_t v)
{
    uint8_t bytes[2] = { (uint8_t)(v >> 8), (uint8_t)v };
    wr_bytes(b, bytes, 2);
}

void wr_u32be(struct buf *b, uint32_t v)
{
    uint8_t bytes[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    wr_bytes(b, bytes, 4);
}

void wr_align(struct buf *b, size_t alignment)
{
    if (alignment > 1 && b->len % alignment)
        wr_zeros(b, alignment - b->len % alignment);
}

size_t wr_reserve(struct buf *b, size_t len)
{
    size_t offset = b->len;
    wr_zeros(b, len);
    return offset;
}

void wr_put_bytes_at(struct buf *b, size_t offset, const void *data, size_t len)
{
    if (b->failed || !range_ok(offset, len, b->len)) {
        b->failed = true;
        return;
    }
    if (len)
        memcpy(b->data + offset, data, len);
}

void wr_put_u16_at(struct buf *b, size_t offset, uint16_t v)
{
    uint8_t bytes[2];
    le16_store(bytes, v);
    wr_put_bytes_at(b, offset, bytes, 2);
}

void wr_put_u32_at(struct buf *b, size_t offset, uint32_t v)
{
    uint8_t bytes[4];
    le32_store(bytes, v);
    wr_put_bytes_at(b, offset, bytes, 4);
}

void wr_put_u64_at(struct buf *b, size_t offset, uint64_t v)
{
    uint8_t bytes[8];
    le64_store(bytes, v);
    wr_put_bytes_at(b, offset, bytes, 8);
}

uint16_t le16_load(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

uint32_t le32_load(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t le64_load(const uint8_t *p)
{
    return (uint64_t)le32_load(p) | (uint64_t)le32_load(p + 4) << 32;
}

void le16_store(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void le32_store(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void le64_store(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
