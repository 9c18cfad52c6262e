/* The shared NT constants agree with the specs' derivations, and the named
 * pipe ECP round-trips through its wire form. */
#include <string.h>

#include "lwiod/driver.h"
#include "lwiod/ntfile.h"
#include "t/tap/tap.h"

int main(void)
{
    is_int(FileBasicInformation, 4, "FileBasicInformation = 4");
    is_int(FileIdBothDirectoryInformation, 37, "FileIdBothDirectoryInformation = 37");
    is_int(FileFsSizeInformation, 3, "FileFsSizeInformation = 3");
    is_int(FSCTL_PIPE_TRANSCEIVE,
           CTL_CODE(FILE_DEVICE_NAMED_PIPE, 5, METHOD_NEITHER, FILE_READ_ACCESS | FILE_WRITE_ACCESS),
           "FSCTL_PIPE_TRANSCEIVE is CTL_CODE(pipe, 5, neither, rw)");
    is_int(FSCTL_PIPE_PEEK, CTL_CODE(FILE_DEVICE_NAMED_PIPE, 3, METHOD_BUFFERED, FILE_READ_ACCESS),
           "FSCTL_PIPE_PEEK");
    is_int(FSCTL_PIPE_LISTEN, CTL_CODE(FILE_DEVICE_NAMED_PIPE, 2, METHOD_BUFFERED, FILE_ANY_ACCESS),
           "FSCTL_PIPE_LISTEN");
    is_int(FSCTL_PIPE_DISCONNECT,
           CTL_CODE(FILE_DEVICE_NAMED_PIPE, 1, METHOD_BUFFERED, FILE_ANY_ACCESS),
           "FSCTL_PIPE_DISCONNECT");
    is_int(FILE_GENERIC_READ, READ_CONTROL | SYNCHRONIZE | FILE_READ_DATA | FILE_READ_ATTRIBUTES |
           FILE_READ_EA, "FILE_GENERIC_READ");
    is_int(FILE_ALL_ACCESS, STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF, "FILE_ALL_ACCESS");

    struct io_ecp_named_pipe in = { FILE_PIPE_MESSAGE_TYPE, FILE_PIPE_MESSAGE_MODE,
                                    FILE_PIPE_QUEUE_OPERATION, 10, 4096, 4096, 500000000ull, 1 };
    struct io_ecp_named_pipe out;
    struct buf b;
    buf_init(&b);
    io_ecp_named_pipe_write(&b, &in);
    is_int((long long)b.len, IO_ECP_NAMED_PIPE_SIZE, "named pipe ECP is 40 bytes");
    ok(io_ecp_named_pipe_read(b.data, b.len, &out) == STATUS_SUCCESS, "it parses back");
    ok(memcmp(&in, &out, sizeof in) == 0, "to the same values");
    ok(io_ecp_named_pipe_read(b.data, b.len - 1, &out) == STATUS_INVALID_PARAMETER,
       "a short one is refused");
    buf_free(&b);
    return done_testing();
}
