/* Fuzz target: token_read (lib/token.c), the access-token decoder that reads
 * what lsassd sends lwiod after a logon (the ACCEPT response's token) and
 * what lwiod's clients pass on. A token that decodes must re-encode to bytes
 * that decode to a token re-encoding to the same bytes (a fixed point), and
 * the reader must have consumed no more than it was given. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy, so that reads past the end are caught exactly. */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    struct buf_reader r;
    rd_init(&r, copy, size);
    struct access_token *t = token_read(&r);
    if (t) {
        if (rd_remaining(&r) > size)
            abort();
        struct buf once, twice;
        buf_init(&once);
        buf_init(&twice);
        token_write(&once, t);
        if (!wr_ok(&once))
            abort();
        struct buf_reader again;
        rd_init(&again, once.data, once.len);
        struct access_token *t2 = token_read(&again);
        if (!t2 || rd_remaining(&again) != 0)
            abort();
        token_write(&twice, t2);
        if (!wr_ok(&twice) || twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0)
            abort();
        if (t2->uid != t->uid || t2->gid != t->gid || t2->privileges != t->privileges ||
            t2->is_guest != t->is_guest || t2->is_anonymous != t->is_anonymous)
            abort();
        token_free(t2);
        buf_free(&once);
        buf_free(&twice);
        token_free(t);
    }
    free(copy);
    return 0;
}
