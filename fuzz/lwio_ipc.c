/* The lwiod socket protocol decoders (lwiod/client/protocol.c): the server
 * decodes every request a local process sends, the client every response.
 * Input: one selector byte (even: request, odd: response), then a frame body.
 * A decoded message must re-encode to a frame that decodes to the same
 * fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lwiod/client/protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request(const uint8_t *body, size_t size)
{
    struct lwio_request q, again;
    if (lwio_request_decode(body, size, &q) != STATUS_SUCCESS)
        return;
    struct buf b;
    buf_init(&b);
    lwio_request_encode(&b, &q);
    uint32_t len;
    if (!wr_ok(&b) || b.len < 4 || !lwio_frame_length(b.data, &len) || len != b.len - 4 ||
        lwio_request_decode(b.data + 4, len, &again) != STATUS_SUCCESS)
        abort();
    if (again.opcode != q.opcode || again.request_id != q.request_id ||
        again.handle != q.handle || again.data_size != q.data_size ||
        again.ecp_count != q.ecp_count || again.length != q.length ||
        (q.path && (!again.path || strcmp(q.path, again.path) != 0)))
        abort();
    lwio_request_clear(&again);
    lwio_request_clear(&q);
    buf_free(&b);
}

static void check_response(const uint8_t *body, size_t size)
{
    struct lwio_response p, again;
    if (lwio_response_decode(body, size, &p) != STATUS_SUCCESS)
        return;
    struct buf b;
    buf_init(&b);
    lwio_response_encode(&b, &p);
    if (!wr_ok(&b) || b.len < 4 || lwio_response_decode(b.data + 4, b.len - 4, &again) ||
        again.opcode != p.opcode || again.status != p.status ||
        again.data_size != p.data_size || again.handle != p.handle ||
        (p.data_size && memcmp(again.data, p.data, p.data_size) != 0))
        abort();
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* A private copy, so that reads past the end are caught exactly. */
    uint8_t *body = malloc(size - 1 ? size - 1 : 1);
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    if (data[0] & 1)
        check_response(body, size - 1);
    else
        check_request(body, size - 1);
    if (size >= 5) {
        uint32_t len;
        (void)lwio_frame_length(data + 1, &len);
    }
    free(body);
    return 0;
}
