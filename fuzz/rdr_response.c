/* Fuzz target: rdr's SMB2 response parsers (drivers/rdr/wire.c), what a
 * server's bytes meet first in the client. The input is one response
 * message (from its SMB2 header); it goes through the header parser, the
 * parser its command names, and every body parser regardless of command
 * (a hostile server chooses the command too). Nothing may read outside the
 * input, and any pointer a parser returns must lie inside it. */
#include <stdint.h>
#include <stdlib.h>

#include "drivers/rdr/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *data, size_t size, struct rdr_bytes b)
{
    if (b.len && (b.data < data || b.data + b.len > data + size))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rdr_header h;
    (void)rdr_header_parse(data, size, &h);
    (void)rdr_response_parse_any(data, size);

    struct rdr_negotiate_response n;
    if (rdr_negotiate_parse(data, size, &n) == STATUS_SUCCESS)
        inside(data, size, n.security_buffer);
    struct rdr_session_setup_response s;
    if (rdr_session_setup_parse(data, size, &s) == STATUS_SUCCESS)
        inside(data, size, s.security_buffer);
    struct rdr_tree_connect_response t;
    (void)rdr_tree_connect_parse(data, size, &t);
    struct rdr_create_response c;
    (void)rdr_create_parse(data, size, &c);
    struct rdr_bytes b;
    if (rdr_read_parse(data, size, &b) == STATUS_SUCCESS)
        inside(data, size, b);
    uint32_t count;
    (void)rdr_write_parse(data, size, &count);
    if (rdr_output_buffer_parse(data, size, 65536, &b) == STATUS_SUCCESS) {
        inside(data, size, b);
        if (b.len > 65536)
            abort();
    }
    if (rdr_ioctl_parse(data, size, 4096, &b) == STATUS_SUCCESS) {
        inside(data, size, b);
        if (b.len > 4096)
            abort();
    }
    if (rdr_error_parse(data, size, &b) == STATUS_SUCCESS)
        inside(data, size, b);
    return 0;
}
