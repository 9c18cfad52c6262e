/* SMB2 CLOSE ([MS-SMB2] 2.2.15, 2.2.16, 3.3.5.10): the open leaves the
 * table at once (new requests on its FileId fail), requests still parked on
 * it are cancelled, and the response goes out once the I/O manager has closed
 * the file, so a following CREATE never meets this open's share mode. */
#include <string.h>

#include "drivers/srv/smb2/io.h"

#define SMB2_CLOSE_RESPONSE_SIZE 60
#define SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB 0x0001
#define NETWORK_OPEN_INFO_SIZE 56

struct close_state {
    struct srv_open *open;   /* the table's former reference */
    bool postquery;
    bool have_info;
};

static void state_cleanup(void *data)
{
    struct close_state *st = data;
    if (st->open)
        srv_open_unref(st->open);
}

static void closed(void *context, NTSTATUS status)
{
    struct smb2_io *io = context;
    struct close_state *st = io->state;
    struct buf *out = &io->req->out;
    wr_u16(out, SMB2_CLOSE_RESPONSE_SIZE);
    wr_u16(out, st->have_info ? SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB : 0);
    wr_u32(out, 0);
    if (st->have_info) {
        wr_bytes(out, io->buffer, 48);
        wr_u32(out, le32_load(io->buffer + 48));
    } else {
        wr_zeros(out, 48 + 4);
    }
    /* A driver's close error is logged by the I/O manager; the handle is gone
     * for the client either way. */
    smb2_io_finish(io, STATUS_SUCCESS);
}

static void do_close(struct smb2_io *io)
{
    struct close_state *st = io->state;
    srv_open_close(st->open, closed, io);
}

static void query_done(struct smb2_io *io)
{
    struct close_state *st = io->state;
    st->have_info = io->iosb.status == STATUS_SUCCESS &&
                    io->iosb.information >= NETWORK_OPEN_INFO_SIZE;
    /* The query's I/O must end before the close can go out. */
    struct srv_open *open = io->open;
    io->open = NULL;
    io->req->io_open = NULL;
    srv_open_end_io(open);
    srv_open_unref(open);
    do_close(io);
}

NTSTATUS smb2_close(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);
    uint16_t flags = rd_u16(r);
    rd_skip(r, 4);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    struct srv_open *found;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &found);
    if (status != STATUS_SUCCESS)
        return status;
    struct srv_open *open = srv_session_take_open(req->session, found->persistent_id, found->id);
    srv_open_unref(found);
    if (!open)
        return STATUS_FILE_CLOSED; /* a concurrent CLOSE won */

    struct close_state *st = smb2_request_alloc(req, sizeof *st, state_cleanup);
    if (!st) {
        srv_open_close(open, NULL, NULL);
        srv_open_unref(open);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    st->open = open;
    st->postquery = flags & SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB;
    /* Whatever else waits on this open (a pipe read, a blocking lock) ends. */
    smb2_cancel_on(req->conn, NULL, NULL, open);

    struct smb2_io *io;
    status = smb2_io_begin(req, NULL, query_done, NETWORK_OPEN_INFO_SIZE, &io);
    if (status != STATUS_SUCCESS) {
        srv_open_close(open, NULL, NULL);
        return status;
    }
    io->state = st;
    if (st->postquery && srv_open_begin_io(open)) {
        srv_open_ref(open);
        io->open = open;
        smb2_io_issued(io, IoQueryInformationFile(open->file, &io->async, &io->iosb, io->token,
                                                  io->buffer, NETWORK_OPEN_INFO_SIZE,
                                                  FileNetworkOpenInformation));
    } else {
        do_close(io);
        smb2_io_detach(io);
    }
    return STATUS_PENDING;
}
