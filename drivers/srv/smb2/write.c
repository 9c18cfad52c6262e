/* SMB2 WRITE ([MS-SMB2] 2.2.21, 2.2.22, 3.3.5.13). The data is written from
 * the request buffer itself (it lives as long as the request). */
#include "drivers/srv/smb2/io.h"

#define SMB2_WRITE_RESPONSE_SIZE 17

static void write_done(struct smb2_io *io)
{
    NTSTATUS status = io->iosb.status;
    if (status == STATUS_SUCCESS) {
        struct buf *out = &io->req->out;
        wr_u16(out, SMB2_WRITE_RESPONSE_SIZE);
        wr_u16(out, 0);
        wr_u32(out, (uint32_t)io->iosb.information); /* Count */
        wr_u32(out, 0);                              /* Remaining */
        wr_u16(out, 0);
        wr_u16(out, 0);
        wr_u8(out, 0);
    }
    smb2_io_finish(io, status);
}

NTSTATUS smb2_write(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);
    uint16_t data_offset = rd_u16(r);
    uint32_t length = rd_u32(r);
    uint64_t offset = rd_u64(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    uint32_t channel = rd_u32(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    struct buf_reader data = smb2_req_area(req, data_offset, length);
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_write = req->conn->max_write_size;
    pthread_mutex_unlock(&req->conn->lock);
    if (!rd_ok(&data) || length > max_write || channel != 0)
        return STATUS_INVALID_PARAMETER;
    if (srv_tree_read_only(req->tree))
        return STATUS_ACCESS_DENIED;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    /* A file offset is a signed 64-bit quantity (3.3.5.13); there is no
     * "append" offset in SMB2. */
    if (!open->is_pipe && (offset > INT64_MAX || length > (uint64_t)INT64_MAX - offset)) {
        srv_open_unref(open);
        return STATUS_INVALID_PARAMETER;
    }
    struct smb2_io *io;
    status = smb2_io_begin(req, open, write_done, 0, &io);
    if (status == STATUS_SUCCESS)
        smb2_io_issued(io, IoWriteFile(open->file, &io->async, &io->iosb, io->token,
                                       rd_bytes(&data, length), length,
                                       open->is_pipe ? NULL : &offset, 0));
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
