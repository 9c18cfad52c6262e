/* The lwiod socket protocol codec: every request round-trips, limits and
 * malformed fields are refused, and the fuzz seeds are valid messages. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lwiod/client/protocol.h"
#include "lwiod/ntfile.h"
#include "t/tap/tap.h"

static NTSTATUS round_trip(const struct lwio_request *in, struct lwio_request *out,
                           struct buf *b)
{
    buf_init(b);
    lwio_request_encode(b, in);
    uint32_t len;
    if (!wr_ok(b) || !lwio_frame_length(b->data, &len) || len != b->len - 4)
        return STATUS_UNSUCCESSFUL;
    return lwio_request_decode(b->data + 4, len, out);
}

static void seeds(void)
{
    const char *src = getenv("SW_SRC");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/fuzz/corpus/lwio_ipc", src ? src : ".");
    DIR *dh = opendir(dir);
    if (!dh) {
        skip(1, "no seed corpus");
        return;
    }
    int total = 0, good = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        uint8_t data[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        size_t n = f ? fread(data, 1, sizeof data, f) : 0;
        if (f)
            fclose(f);
        total++;
        if (n < 1)
            continue;
        if (data[0] & 1) {
            struct lwio_response p;
            good += lwio_response_decode(data + 1, n - 1, &p) == STATUS_SUCCESS;
        } else {
            struct lwio_request q;
            if (lwio_request_decode(data + 1, n - 1, &q) == STATUS_SUCCESS) {
                good++;
                lwio_request_clear(&q);
            } else {
                diag("seed %s does not decode", e->d_name);
            }
        }
    }
    closedir(dh);
    ok(total > 0 && good == total, "all %d fuzz seeds are valid messages", total);
}

int main(void)
{
    struct lwio_request in, out;
    struct buf b;

    memset(&in, 0, sizeof in);
    in.opcode = LWIO_OP_CREATE;
    in.request_id = 42;
    in.path = "\\npfs\\srvsvc";
    in.desired_access = FILE_GENERIC_READ;
    in.create_disposition = FILE_OPEN;
    in.create_options = FILE_NON_DIRECTORY_FILE;
    in.security_descriptor = (const uint8_t *)"sd";
    in.security_descriptor_size = 2;
    in.ecp_count = 1;
    in.ecps[0].type = IO_ECP_TYPE_SESSION_KEY;
    in.ecps[0].data = (const uint8_t *)"0123456789abcdef";
    in.ecps[0].size = 16;
    ok(round_trip(&in, &out, &b) == STATUS_SUCCESS, "CREATE round-trips");
    ok(out.request_id == 42 && strcmp(out.path, in.path) == 0 &&
           out.desired_access == FILE_GENERIC_READ && out.create_options == FILE_NON_DIRECTORY_FILE &&
           out.security_descriptor_size == 2 && out.ecp_count == 1 &&
           strcmp(out.ecps[0].type, IO_ECP_TYPE_SESSION_KEY) == 0 && out.ecps[0].size == 16 &&
           memcmp(out.ecps[0].data, "0123456789abcdef", 16) == 0,
       "with every field");
    lwio_request_clear(&out);

    /* Every byte cut off the end makes it malformed. */
    int refused = 0;
    for (size_t cut = 1; cut < b.len - 4; cut++) {
        struct lwio_request r;
        if (lwio_request_decode(b.data + 4, b.len - 4 - cut, &r) != STATUS_SUCCESS)
            refused++;
        else
            lwio_request_clear(&r);
    }
    is_int(refused, (long long)(b.len - 5), "every truncation of it is refused");
    buf_free(&b);

    memset(&in, 0, sizeof in);
    in.opcode = LWIO_OP_QUERY_DIRECTORY;
    in.handle = 0x500000003ull;
    in.code = FileIdBothDirectoryInformation;
    in.length = 65536;
    in.flags = SL_RESTART_SCAN;
    in.pattern = "*.txt";
    ok(round_trip(&in, &out, &b) == STATUS_SUCCESS && out.handle == in.handle &&
           out.flags == SL_RESTART_SCAN && out.pattern && strcmp(out.pattern, "*.txt") == 0,
       "QUERY_DIRECTORY round-trips with its pattern");
    lwio_request_clear(&out);
    buf_free(&b);

    in.pattern = NULL;
    ok(round_trip(&in, &out, &b) == STATUS_SUCCESS && out.pattern == NULL,
       "and without one");
    buf_free(&b);

    memset(&in, 0, sizeof in);
    in.opcode = LWIO_OP_READ;
    in.length = LWIO_MAX_DATA + 1;
    ok(round_trip(&in, &out, &b) == STATUS_INVALID_PARAMETER, "a READ past the limit is refused");
    buf_free(&b);

    memset(&in, 0, sizeof in);
    in.opcode = LWIO_OP_LOCK;
    in.flags = 0x10;
    ok(round_trip(&in, &out, &b) == STATUS_INVALID_PARAMETER, "unknown lock flags are refused");
    buf_free(&b);

    memset(&in, 0, sizeof in);
    in.opcode = LWIO_OP_CREATE;
    in.path = "\\npfs\\a\xff";
    ok(round_trip(&in, &out, &b) == STATUS_INVALID_PARAMETER, "a path that is not UTF-8");
    buf_free(&b);

    memset(&in, 0, sizeof in);
    in.opcode = LWIO_OP_CREATE;
    in.path = "\\npfs\\a";
    in.ecp_count = 1;
    in.ecps[0].type = "";
    ok(round_trip(&in, &out, &b) == STATUS_INVALID_PARAMETER, "an ECP without a type");
    buf_free(&b);

    uint8_t prefix[4];
    uint32_t len;
    le32_store(prefix, 7);
    ok(!lwio_frame_length(prefix, &len), "a frame shorter than a header");
    le32_store(prefix, LWIO_MAX_MESSAGE + 1);
    ok(!lwio_frame_length(prefix, &len), "a frame longer than the limit");

    struct lwio_response p = { .opcode = LWIO_OP_READ, .request_id = 9,
                               .status = STATUS_BUFFER_OVERFLOW, .information = 3,
                               .data = (const uint8_t *)"abc", .data_size = 3 };
    struct lwio_response q;
    buf_init(&b);
    lwio_response_encode(&b, &p);
    ok(lwio_response_decode(b.data + 4, b.len - 4, &q) == STATUS_SUCCESS && q.request_id == 9 &&
           q.status == STATUS_BUFFER_OVERFLOW && q.data_size == 3 &&
           memcmp(q.data, "abc", 3) == 0,
       "a READ response round-trips with its data");
    b.data[5] = 0x00; /* clear the response bit (opcode high byte) */
    ok(lwio_response_decode(b.data + 4, b.len - 4, &q) == STATUS_INVALID_PARAMETER,
       "a request is not a response");
    buf_free(&b);

    seeds();
    return done_testing();
}
