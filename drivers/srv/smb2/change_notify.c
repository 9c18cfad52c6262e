/* SMB2 CHANGE_NOTIFY ([MS-SMB2] 2.2.35, 2.2.36, 3.3.5.19) as an I/O manager
 * notify request (IoReadDirectoryChangeFile, NtNotifyChangeDirectoryFile):
 * the driver (pvfs, from inotify) sees every change on the disk, whoever
 * made it, buffers changes on the open between requests and answers with
 * FILE_NOTIFY_INFORMATION records ([MS-FSCC] 2.7.1), or
 * STATUS_NOTIFY_ENUM_DIR when they did not fit. The request goes async at
 * once (it may wait indefinitely, 3.3.4.2); CANCEL ends it with
 * STATUS_CANCELLED, the close of its directory (or logoff, teardown) with
 * STATUS_NOTIFY_CLEANUP. */
#include <stdlib.h>

#include "drivers/srv/smb2/io.h"


#define SMB2_WATCH_TREE 0x0001
#define SMB2_CHANGE_NOTIFY_RESPONSE_SIZE 9

static void notify_done(struct smb2_io *io)
{
    struct smb2_request *req = io->req;
    NTSTATUS status = io->iosb.status;
    if (status == STATUS_CANCELLED && req->cancelled_by_close)
        status = STATUS_NOTIFY_CLEANUP;
    if (status == STATUS_SUCCESS || status == STATUS_NOTIFY_ENUM_DIR) {
        /* 2.2.36; ENUM_DIR carries no records, just "look again". */
        uint64_t n = status == STATUS_SUCCESS ? io->iosb.information : 0;
        if (n > io->buffer_size)
            n = io->buffer_size;
        struct buf *out = &req->out;
        wr_u16(out, SMB2_CHANGE_NOTIFY_RESPONSE_SIZE);
        wr_u16(out, (uint16_t)(smb2_rsp_offset(req) + 6));
        wr_u32(out, (uint32_t)n);
        wr_bytes(out, io->buffer, (size_t)n);
        if (n == 0)
            wr_u8(out, 0);
    }
    smb2_io_finish(io, status);
}

NTSTATUS smb2_change_notify(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);                        /* StructureSize */
    uint16_t flags = rd_u16(r);
    uint32_t output_length = rd_u32(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    uint32_t filter = rd_u32(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_transact = req->conn->max_transact_size;
    pthread_mutex_unlock(&req->conn->lock);
    if (output_length > max_transact)
        return STATUS_INVALID_PARAMETER;
    /* A request that may wait forever cannot hold up the rest of a compound
     * (the dispatcher runs its elements in order): like Windows ([MS-SMB2]
     * <159>), only the last element of a compound may watch. */
    if (req->hdr.next_command != 0)
        return STATUS_INTERNAL_ERROR;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct smb2_io *io = NULL;
    /* 3.3.5.19: a directory (the driver checks: srv may not know, when the
     * open could not read attributes). Any filter, even 0: the first
     * request's is the one that counts (Windows). */
    if (open->is_pipe)
        status = STATUS_INVALID_PARAMETER;
    else
        status = smb2_io_begin(req, open, notify_done, output_length, &io);
    if (status == STATUS_SUCCESS) {
        /* Async before the call is made: its completion may come at once. */
        smb2_request_go_async(req);
        smb2_io_issued(io, IoReadDirectoryChangeFile(open->file, &io->async, &io->iosb,
                                                     io->token, io->buffer, output_length,
                                                     flags & SMB2_WATCH_TREE, filter));
    }
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
