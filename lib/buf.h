/* Bounds-checked byte buffers: the only way Samewise reads bytes that came from
 * outside (network, IPC, xattrs, database blobs).
 *
 * A reader fails once and stays failed: every later read returns zero/NULL, so a
 * parser may read a whole structure and check rd_ok() once at the end, and no
 * read ever touches memory outside [data, data+size). Little-endian unless the
 * name says _be. A writer grows as needed; on allocation failure or past its
 * limit it fails once and stays failed in the same way (check wr_ok()). */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf_reader {
    const uint8_t *data;
    size_t size;
    size_t pos;
    bool failed;
};

void rd_init(struct buf_reader *r, const void *data, size_t size);
bool rd_ok(const struct buf_reader *r);
size_t rd_remaining(const struct buf_reader *r);
/* Marks the reader failed (for a semantic error found by the caller). */
void rd_fail(struct buf_reader *r);

uint8_t rd_u8(struct buf_reader *r);
uint16_t rd_u16(struct buf_reader *r);
uint32_t rd_u32(struct buf_reader *r);
uint64_t rd_u64(struct buf_reader *r);
uint16_t rd_u16be(struct buf_reader *r);
uint32_t rd_u32be(struct buf_reader *r);
/* A pointer to the next len bytes (valid while the underlying data lives), or
 * NULL if fewer remain. len 0 returns a non-NULL pointer on a healthy reader. */
const uint8_t *rd_bytes(struct buf_reader *r, size_t len);
/* Copies len bytes into dst; on failure dst is zero-filled. */
bool rd_copy(struct buf_reader *r, void *dst, size_t len);
void rd_skip(struct buf_reader *r, size_t len);
/* Skips to the next multiple of alignment, counted from the reader's start. */
void rd_align(struct buf_reader *r, size_t alignment);
/* Moves to an absolute position (<= size). */
void rd_seek(struct buf_reader *r, size_t pos);
/* A new reader over data[offset, offset+len) of r's whole buffer, checked with
 * overflow-safe arithmetic; a failed reader if out of range (r is unchanged). */
struct buf_reader rd_sub(const struct buf_reader *r, size_t offset, size_t len);
/* True if [offset, offset+len) lies within size, without overflow. */
bool range_ok(size_t offset, size_t len, size_t size);

struct buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t limit; /* 0: no limit beyond memory */
    bool failed;
};

void buf_init(struct buf *b);
void buf_init_limit(struct buf *b, size_t limit);
void buf_free(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps memory, clears failure */
bool wr_ok(const struct buf *b);
/* Hands the bytes to the caller (who frees them); the buffer becomes empty. */
uint8_t *buf_steal(struct buf *b, size_t *len);

void wr_u8(struct buf *b, uint8_t v);
void wr_u16(struct buf *b, uint16_t v);
void wr_u32(struct buf *b, uint32_t v);
void wr_u64(struct buf *b, uint64_t v);
void wr_u16be(struct buf *b, uint16_t v);
void wr_u32be(struct buf *b, uint32_t v);
void wr_bytes(struct buf *b, const void *data, size_t len);
void wr_zeros(struct buf *b, size_t len);
/* Pads with zeros to a multiple of alignment, counted from the buffer start. */
void wr_align(struct buf *b, size_t alignment);
/* Appends len zero bytes and returns their offset, to be patched later. */
size_t wr_reserve(struct buf *b, size_t len);
/* Patch bytes already written (fails the writer if out of range). */
void wr_put_u16_at(struct buf *b, size_t offset, uint16_t v);
void wr_put_u32_at(struct buf *b, size_t offset, uint32_t v);
void wr_put_u64_at(struct buf *b, size_t offset, uint64_t v);
void wr_put_bytes_at(struct buf *b, size_t offset, const void *data, size_t len);

/* Plain little-endian loads/stores on memory the caller has already bounds-checked. */
uint16_t le16_load(const uint8_t *p);
uint32_t le32_load(const uint8_t *p);
uint64_t le64_load(const uint8_t *p);
void le16_store(uint8_t *p, uint16_t v);
void le32_store(uint8_t *p, uint32_t v);
void le64_store(uint8_t *p, uint64_t v);

#endif
