/* SMB2 READ ([MS-SMB2] 2.2.19, 2.2.20, 3.3.5.12). A pipe read may wait for
 * data indefinitely; a CANCEL or the pipe's CLOSE ends it.
 *
 * The driver reads straight into the response: room for the fixed part and
 * Length bytes is made in req->out (smb2_rsp_room) before the call, the data
 * lands where it will be signed, encrypted and sent from, and the response
 * is then only closed around it. Nothing else writes to req->out while the
 * call is in flight (the request is parked). */
#include "drivers/srv/smb2/io.h"

#define SMB2_READ_RESPONSE_SIZE 17

/* StructureSize .. Reserved2: the data follows at once. */
#define SMB2_READ_FIXED 16

struct read_state {
    uint32_t minimum;
    uint32_t length;
    bool is_pipe;
};

static void read_done(struct smb2_io *io)
{
    struct read_state *st = io->state;
    NTSTATUS status = io->iosb.status;
    uint64_t n = io->iosb.information;
    if (n > st->length)
        n = st->length;
    /* A zero-length read succeeds anywhere, even past the end, unless a
     * minimum was asked for (3.3.5.12); fewer bytes than MinimumCount, or
     * none when some were asked, is the end of the file. STATUS_BUFFER_OVERFLOW
     * (a pipe message longer than the read) returns the part read. */
    if (status == STATUS_END_OF_FILE && st->length == 0 && st->minimum == 0)
        status = STATUS_SUCCESS, n = 0;
    if (status == STATUS_SUCCESS && !st->is_pipe &&
        (n < st->minimum || (n == 0 && st->length > 0)))
        status = STATUS_END_OF_FILE;
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        struct buf *out = &io->req->out;
        wr_u16(out, SMB2_READ_RESPONSE_SIZE);
        wr_u8(out, (uint8_t)(SMB2_HEADER_SIZE + 16)); /* DataOffset: right after the fixed part */
        wr_u8(out, 0);
        wr_u32(out, (uint32_t)n);
        wr_u32(out, 0); /* DataRemaining */
        wr_u32(out, 0);
        /* The data is already in place behind the fixed part (the room
         * smb2_rsp_room made holds it): only the length moves. */
        if (n == 0)
            wr_u8(out, 0);
        else if (wr_ok(out) && out->cap - out->len >= n)
            out->len += (size_t)n;
        else
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    smb2_io_finish(io, status);
}

NTSTATUS smb2_read(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2 + 1 + 1);             /* StructureSize, Padding, Flags */
    uint32_t length = rd_u32(r);
    uint64_t offset = rd_u64(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    uint32_t minimum = rd_u32(r);
    uint32_t channel = rd_u32(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_read = req->conn->max_read_size;
    pthread_mutex_unlock(&req->conn->lock);
    if (length > max_read || channel != 0)
        return STATUS_INVALID_PARAMETER;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    /* A file offset is a signed 64-bit quantity (3.3.5.12). */
    if (!open->is_pipe && (offset > INT64_MAX || length > (uint64_t)INT64_MAX - offset)) {
        srv_open_unref(open);
        return STATUS_INVALID_PARAMETER;
    }
    struct read_state *st = smb2_request_alloc(req, sizeof *st, NULL);
    /* The handler runs right after the element's header was reserved, so
     * the data goes at DataOffset = header + fixed part. */
    uint8_t *room = st ? smb2_rsp_room(req, SMB2_READ_FIXED + (length ? length : 1)) : NULL;
    struct smb2_io *io = NULL;
    status = room ? smb2_io_begin(req, open, read_done, 0, &io) : STATUS_INSUFFICIENT_RESOURCES;
    if (status == STATUS_SUCCESS) {
        st->minimum = minimum;
        st->length = length;
        st->is_pipe = open->is_pipe;
        io->state = st;
        smb2_io_issued(io, IoReadFile(open->file, &io->async, &io->iosb, io->token,
                                      room + SMB2_READ_FIXED, length,
                                      open->is_pipe ? NULL : &offset, 0));
    }
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
