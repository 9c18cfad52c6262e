/* A small bounds-checked DER reader and writer (X.690), enough for SPNEGO.
 *
 * The reader works on lib/buf.h readers: der_read() takes one tag-length-value
 * from a reader and hands back a fresh reader over exactly its contents, so a
 * nested structure can never read past its parent. Refused on purpose:
 * indefinite lengths (BER, not DER), high tag numbers (tag byte 0x1f form),
 * lengths of more than four bytes and lengths beyond what is left. */
#ifndef SW_LSASS_DER_H
#define SW_LSASS_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define DER_BOOLEAN        0x01
#define DER_INTEGER        0x02
#define DER_BIT_STRING     0x03
#define DER_OCTET_STRING   0x04
#define DER_OID            0x06
#define DER_ENUMERATED     0x0a
#define DER_GENERAL_STRING 0x1b
#define DER_SEQUENCE       0x30
/* Constructed context-specific [n] and application [n] tags (n < 31). */
#define DER_CONTEXT(n)     (0xa0 | (n))
#define DER_APPLICATION(n) (0x60 | (n))

/* Nothing SPNEGO carries comes near this: a token is bounded by the IPC
 * message that brought it anyway, this only makes absurd lengths fail early. */
#define DER_MAX_LENGTH (16u * 1024 * 1024)

/* One decoded element: its tag, a reader over its contents, and the raw bytes of
 * the whole element (tag and length included), which SPNEGO's mechListMIC needs. */
struct der_element {
    uint8_t tag;
    struct buf_reader content;
    const uint8_t *raw;
    size_t raw_len;
};

/* Reads one element from r. False (and r failed) on malformed input. */
bool der_read(struct buf_reader *r, struct der_element *element);
/* Reads one element that must carry tag; false otherwise. */
bool der_read_expect(struct buf_reader *r, uint8_t tag, struct der_element *element);
/* The tag of the next element without consuming it; false at the end. */
bool der_peek_tag(const struct buf_reader *r, uint8_t *tag);
/* An ENUMERATED or INTEGER content of one to four bytes, as a signed value. */
bool der_read_small_int(struct buf_reader *content, int32_t *value);

/* Writers: der_write() appends tag, minimal length and content. Nested
 * structures are built inside out: write the contents to a scratch buf, then
 * wrap it with der_write(). */
void der_write_length(struct buf *b, size_t len);
void der_write(struct buf *b, uint8_t tag, const void *content, size_t len);
/* Wraps a finished scratch buffer (inner) as one element, then resets inner.
 * Propagates inner's failure into b. */
void der_wrap(struct buf *b, uint8_t tag, struct buf *inner);
void der_write_enumerated(struct buf *b, int32_t value);

#endif
