/* Fuzz target: the sample list wire format (lib/samples.h) that srvctl reads
 * from srv's STATS control and lsass_client from lsassd's STATS opcode.
 * Whatever the bytes, the reader refuses or succeeds without reading outside
 * them, and what it accepts writes back into exactly the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/samples.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sample_list l;
    if (sample_list_read(data, size, &l) != STATUS_SUCCESS)
        return 0;
    struct buf b;
    buf_init(&b);
    sample_list_write(&b, &l);
    if (!wr_ok(&b) || b.len != size || memcmp(b.data, data, size) != 0)
        abort();
    buf_free(&b);
    sample_list_free(&l);
    return 0;
}
