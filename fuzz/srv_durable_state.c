/* Fuzz target: the file of durable opens srv reads at start
 * (drivers/srv/durable_state.h), untrusted since anyone who could write the
 * run directory, or a crash mid-write, made it. Whatever the bytes, the
 * reader refuses or succeeds without reading outside them, and what it
 * accepts writes back into the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/durable_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct srv_durable_state s;
    if (srv_durable_state_decode(data, size, &s) != STATUS_SUCCESS) {
        if (s.count || s.records)
            abort();
        return 0;
    }
    struct buf b;
    buf_init(&b);
    srv_durable_state_encode(&b, s.saved_at_ms, s.records, s.count);
    /* The format has one spelling for each content. */
    if (!wr_ok(&b) || b.len != size || memcmp(b.data, data, size) != 0)
        abort();
    srv_durable_state_free(&s);
    buf_free(&b);
    return 0;
}
