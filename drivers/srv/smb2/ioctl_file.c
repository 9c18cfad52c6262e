/* SMB2 IOCTL on an open: the FSCTL goes to the file's driver through
 * IoFsControlFile (FSCTL_PIPE_TRANSCEIVE on a pipe carries an RPC call and
 * may return STATUS_BUFFER_OVERFLOW with the first part of a long answer). */
#include "drivers/pvfs/pvfs.h"
#include "drivers/srv/smb2/io.h"

struct ioctl_state {
    uint32_t ctl_code;
    uint64_t persistent, volatile_id;
};

static void ioctl_done(struct smb2_io *io)
{
    struct ioctl_state *st = io->state;
    NTSTATUS status = io->iosb.status;
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        uint64_t n = io->iosb.information;
        if (n > io->buffer_size)
            n = io->buffer_size;
        smb2_ioctl_response(io->req, st->ctl_code, st->persistent, st->volatile_id, io->buffer,
                            (size_t)n);
    }
    smb2_io_finish(io, status);
}

NTSTATUS smb2_ioctl_file(struct smb2_request *req, uint32_t ctl_code, uint64_t persistent,
                         uint64_t volatile_id, struct buf_reader *input, uint32_t max_output)
{
    /* pvfs's private oplock FSCTLs are srv's own conversation with the
     * file system: a client acknowledges with OPLOCK_BREAK. */
    if (ctl_code == PVFS_FSCTL_OPLOCK_BREAK_WAIT || ctl_code == PVFS_FSCTL_OPLOCK_ACK)
        return STATUS_INVALID_DEVICE_REQUEST;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct ioctl_state *st = smb2_request_alloc(req, sizeof *st, NULL);
    struct smb2_io *io = NULL;
    status = st ? smb2_io_begin(req, open, ioctl_done, max_output ? max_output : 1, &io)
                : STATUS_INSUFFICIENT_RESOURCES;
    if (status == STATUS_SUCCESS) {
        st->ctl_code = ctl_code;
        st->persistent = open->persistent_id;
        st->volatile_id = open->id;
        io->state = st;
        size_t in_len = rd_remaining(input);
        smb2_io_issued(io, IoFsControlFile(open->file, &io->async, &io->iosb, io->token,
                                           ctl_code, rd_bytes(input, in_len), (uint32_t)in_len,
                                           io->buffer, max_output));
    }
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
