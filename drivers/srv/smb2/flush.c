/* SMB2 FLUSH ([MS-SMB2] 2.2.17, 3.3.5.11). */
#include "drivers/srv/smb2/io.h"

static void flushed(struct smb2_io *io)
{
    if (io->iosb.status == STATUS_SUCCESS) {
        wr_u16(&io->req->out, 4);
        wr_u16(&io->req->out, 0);
    }
    smb2_io_finish(io, io->iosb.status);
}

NTSTATUS smb2_flush(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2 + 2 + 4);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct smb2_io *io;
    status = smb2_io_begin(req, open, flushed, 0, &io);
    if (status == STATUS_SUCCESS)
        smb2_io_issued(io, IoFlushBuffersFile(open->file, &io->async, &io->iosb, io->token));
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
