/* lwio-tool cp SRC DST: copies one file between two lwiod paths (any
 * devices: /pvfs to /rdr, /rdr to /rdr, ...). Large chunks, so that a
 * network driver (rdr) can keep several requests in flight per call. */
#include <stdint.h>
#include <stdlib.h>

#include "lwiod/tool/tool.h"

#define COPY_CHUNK (4u * 1024u * 1024u)

int cmd_cp(struct lwio_context *lwio, int argc, char **argv)
{
    (void)argc;
    struct lwio_file *from, *to = NULL;
    NTSTATUS status = tool_open(lwio, argv[1], FILE_GENERIC_READ, FILE_OPEN,
                                FILE_NON_DIRECTORY_FILE, &from);
    if (status)
        return tool_fail(argv[1], status);
    status = tool_open(lwio, argv[2], FILE_GENERIC_WRITE, FILE_OVERWRITE_IF,
                       FILE_NON_DIRECTORY_FILE, &to);
    if (status) {
        tool_close(from);
        return tool_fail(argv[2], status);
    }
    uint8_t *buffer = malloc(COPY_CHUNK);
    uint64_t offset = 0;
    int rc = buffer ? TOOL_OK : tool_fail("cp", STATUS_INSUFFICIENT_RESOURCES);
    while (rc == TOOL_OK) {
        struct io_status_block sb;
        status = LwNtReadFile(from, NULL, &sb, buffer, COPY_CHUNK, &offset, NULL);
        if (status == STATUS_END_OF_FILE || (status == STATUS_SUCCESS && sb.information == 0))
            break;
        if (status) {
            rc = tool_fail(argv[1], status);
            break;
        }
        uint32_t got = (uint32_t)sb.information;
        status = LwNtWriteFile(to, NULL, &sb, buffer, got, &offset, NULL);
        if (status || sb.information != got) {
            rc = tool_fail(argv[2], status ? status : STATUS_DISK_FULL);
            break;
        }
        offset += got;
    }
    free(buffer);
    tool_close(from);
    tool_close(to);
    return rc;
}
