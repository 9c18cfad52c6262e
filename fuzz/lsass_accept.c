/* Fuzz target: the body of an lsassd ACCEPT request (lsass/client/protocol.h),
 * as lsassd reads what srv sends: version 1 (flags 0) and version 2 (the
 * connection string). Whatever the bytes, the reader refuses or succeeds
 * without reading outside them and frees what it allocated; what it accepts
 * writes back into a request that reads the same again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/client/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_string(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf_reader r;
    struct lsass_accept_request req, again;
    rd_init(&r, data, size);
    if (lsass_read_accept_request(&r, &req) != STATUS_SUCCESS) {
        lsass_accept_request_clear(&req);
        return 0;
    }
    struct buf b;
    buf_init(&b);
    lsass_write_accept_request(&b, req.handle, req.token, req.token_len, req.client, req.connection);
    if (!wr_ok(&b))
        abort();
    rd_init(&r, b.data, b.len);
    if (lsass_read_accept_request(&r, &again) != STATUS_SUCCESS || again.handle != req.handle ||
        again.token_len != req.token_len || memcmp(again.token, req.token, req.token_len) != 0 ||
        !same_string(again.client, req.client) || !same_string(again.connection, req.connection))
        abort();
    lsass_accept_request_clear(&again);
    lsass_accept_request_clear(&req);
    buf_free(&b);
    return 0;
}
