/* rdr's READ, WRITE and FLUSH. A large IRP is split into requests of the
 * server's maximum size (bounded by the credits it granted), all sent before
 * the first answer is awaited, so the transfer runs at the server's pace
 * rather than one round trip per chunk ([MS-SMB2] 3.2.4.6, 3.2.4.7). */
#include <stdlib.h>
#include <string.h>

#include "drivers/rdr/rdr.h"
#include "lib/log.h"

/* Requests one IRP keeps in flight at once. */
#define RDR_WINDOW 16u

struct chunk {
    struct rdr_call call;
    uint32_t length;
    NTSTATUS sent;
};

/* Sends chunks [0, n) of a transfer; returns how many were sent. */
static uint32_t send_chunks(struct rdr_handle *h, struct chunk *chunks, uint32_t n)
{
    uint32_t sent = 0;
    for (; sent < n; sent++) {
        chunks[sent].sent = rdr_call_send(h->conn, &chunks[sent].call);
        if (chunks[sent].sent) {
            for (uint32_t i = sent + 1; i < n; i++)
                chunks[i].sent = chunks[sent].sent;
            break;
        }
    }
    return sent;
}

NTSTATUS rdr_read(struct io_irp *irp, struct rdr_file *f)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    uint8_t *buffer = irp->args.read.buffer;
    uint32_t length = irp->args.read.length;
    uint64_t offset = irp->args.read.has_offset ? irp->args.read.offset : f->position;
    uint32_t chunk_size = rdr_conn_io_size(h.conn, h.conn->max_read);
    /* A pipe read returns one message: never split it. */
    if (f->is_pipe && length > chunk_size)
        length = chunk_size;
    struct chunk *chunks = calloc(RDR_WINDOW, sizeof *chunks);
    if (!chunks) {
        rdr_handle_put(&h);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    uint32_t done = 0;
    bool short_read = false;
    status = STATUS_SUCCESS;
    while (done < length && !short_read && status == STATUS_SUCCESS) {
        uint32_t n = 0;
        for (uint32_t at = done; at < length && n < RDR_WINDOW; n++) {
            uint32_t len = length - at < chunk_size ? length - at : chunk_size;
            rdr_handle_call_init(&h, &chunks[n].call, SMB2_READ);
            rdr_read_write(&chunks[n].call.req, h.file_id, offset + at, len);
            chunks[n].length = len;
            at += len;
        }
        uint32_t sent = send_chunks(&h, chunks, n);
        log_debug("rdr: read of %u bytes: %u requests of up to %u in flight", length - done, sent,
                  chunk_size);
        for (uint32_t i = 0; i < n; i++) {
            NTSTATUS s = i < sent ? rdr_call_wait(h.conn, &chunks[i].call, irp) : chunks[i].sent;
            if (i < sent)
                s = rdr_call_status(s, &chunks[i].call);
            struct rdr_bytes data = { 0 };
            if ((s == STATUS_SUCCESS || s == STATUS_BUFFER_OVERFLOW) &&
                (rdr_read_parse(chunks[i].call.rsp, chunks[i].call.rsp_len, &data) ||
                 data.len > chunks[i].length))
                s = STATUS_INVALID_NETWORK_RESPONSE;
            if (status == STATUS_SUCCESS && !short_read) {
                if (s == STATUS_SUCCESS || s == STATUS_BUFFER_OVERFLOW) {
                    memcpy(buffer + done, data.data, data.len);
                    done += (uint32_t)data.len;
                    short_read = data.len < chunks[i].length || s == STATUS_BUFFER_OVERFLOW;
                    if (s == STATUS_BUFFER_OVERFLOW)
                        status = s; /* a longer pipe message: the rest comes next read */
                } else if (s == STATUS_END_OF_FILE && done > 0) {
                    short_read = true;
                } else {
                    status = s;
                }
            }
            rdr_call_free(&chunks[i].call);
        }
    }
    free(chunks);
    rdr_handle_put(&h);
    if (status && status != STATUS_BUFFER_OVERFLOW)
        return status;
    if (!irp->args.read.has_offset)
        f->position = offset + done;
    irp->status_block.information = done;
    return status;
}

NTSTATUS rdr_write(struct io_irp *irp, struct rdr_file *f)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    const uint8_t *buffer = irp->args.write.buffer;
    uint32_t length = irp->args.write.length;
    uint64_t offset = irp->args.write.has_offset ? irp->args.write.offset : f->position;
    uint32_t chunk_size = rdr_conn_io_size(h.conn, h.conn->max_write);
    if (f->is_pipe && length > chunk_size) {
        rdr_handle_put(&h);
        return STATUS_INVALID_PARAMETER; /* one message must go in one WRITE */
    }
    struct chunk *chunks = calloc(RDR_WINDOW, sizeof *chunks);
    if (!chunks) {
        rdr_handle_put(&h);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    uint32_t done = 0;
    bool short_write = false;
    do {
        uint32_t n = 0;
        for (uint32_t at = done; (at < length || (length == 0 && n == 0)) && n < RDR_WINDOW; n++) {
            uint32_t len = length - at < chunk_size ? length - at : chunk_size;
            rdr_handle_call_init(&h, &chunks[n].call, SMB2_WRITE);
            rdr_write_write(&chunks[n].call.req, h.file_id, offset + at, buffer + at, len);
            chunks[n].length = len;
            at += len;
        }
        uint32_t sent = send_chunks(&h, chunks, n);
        log_debug("rdr: write of %u bytes: %u requests of up to %u in flight", length - done,
                  sent, chunk_size);
        for (uint32_t i = 0; i < n; i++) {
            NTSTATUS s = i < sent ? rdr_call_wait(h.conn, &chunks[i].call, irp) : chunks[i].sent;
            if (i < sent)
                s = rdr_call_status(s, &chunks[i].call);
            uint32_t count = 0;
            if (s == STATUS_SUCCESS &&
                (rdr_write_parse(chunks[i].call.rsp, chunks[i].call.rsp_len, &count) ||
                 count > chunks[i].length))
                s = STATUS_INVALID_NETWORK_RESPONSE;
            if (status == STATUS_SUCCESS && !short_write) {
                if (s == STATUS_SUCCESS) {
                    done += count;
                    short_write = count < chunks[i].length;
                } else {
                    status = s;
                }
            }
            rdr_call_free(&chunks[i].call);
        }
    } while (done < length && !short_write && status == STATUS_SUCCESS);
    free(chunks);
    rdr_handle_put(&h);
    if (status)
        return status;
    if (!irp->args.write.has_offset)
        f->position = offset + done;
    irp->status_block.information = done;
    return STATUS_SUCCESS;
}

NTSTATUS rdr_flush(struct io_irp *irp, struct rdr_file *f)
{
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_FLUSH);
    rdr_flush_write(&call.req, h.file_id);
    status = rdr_call_status(rdr_call_run(h.conn, &call, irp), &call);
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}

/* NtLockFile/NtUnlockFile as SMB2 LOCK. A lock that must wait makes the
 * server answer STATUS_PENDING first: the worker waits for the final answer,
 * and a cancelled IRP sends SMB2 CANCEL (rdr_call_wait). */
NTSTATUS rdr_lock(struct io_irp *irp, struct rdr_file *f)
{
    uint32_t flags;
    if (irp->args.lock_control.operation == IO_LOCK_CONTROL_UNLOCK) {
        flags = SMB2_LOCKFLAG_UNLOCK;
    } else {
        flags = (irp->args.lock_control.flags & SL_EXCLUSIVE_LOCK) ? SMB2_LOCKFLAG_EXCLUSIVE_LOCK
                                                                   : SMB2_LOCKFLAG_SHARED_LOCK;
        if (irp->args.lock_control.flags & SL_FAIL_IMMEDIATELY)
            flags |= SMB2_LOCKFLAG_FAIL_IMMEDIATELY;
    }
    struct rdr_handle h;
    NTSTATUS status = rdr_handle_get(f, irp->token, &h);
    if (status)
        return status;
    struct rdr_call call;
    rdr_handle_call_init(&h, &call, SMB2_LOCK);
    rdr_lock_write(&call.req, h.file_id, irp->args.lock_control.offset,
                   irp->args.lock_control.length, flags);
    status = rdr_call_status(rdr_call_run(h.conn, &call, irp), &call);
    rdr_call_free(&call);
    rdr_handle_put(&h);
    return status;
}
