/* Requests of lwio clients, issued to the I/O manager on the caller's token.
 * An op lives from decode to the response: one reference for the loop thread
 * that submits it, one for its completion. */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lwiod/server_conn.h"

static void op_unref(struct op *op)
{
    if (atomic_fetch_sub(&op->refs, 1) != 1)
        return;
    IoCancelRefRelease(op->async.cancel);
    IoEcpListFree(op->ecps);
    lwio_request_clear(&op->req);
    free(op->frame);
    free(op->output);
    conn_unref(op->conn);
    free(op);
}

struct orphan_close {
    struct io_async_control async;
    struct io_status_block status;
};

static void orphan_closed(void *context)
{
    struct orphan_close *c = context;
    IoCancelRefRelease(c->async.cancel);
    free(c);
}

void ops_close_orphan(struct io_file *file)
{
    struct orphan_close *c = calloc(1, sizeof *c);
    if (!c) {
        /* Without memory, close synchronously rather than leak the open. */
        struct io_status_block status;
        IoCloseFile(file, NULL, &status);
        return;
    }
    c->async.callback = orphan_closed;
    c->async.context = c;
    /* When pending, orphan_closed frees c, perhaps before this returns. */
    if (IoCloseFile(file, &c->async, &c->status) != STATUS_PENDING)
        free(c);
}

/* The request is finished (op->status is final): answer it. Any thread. */
static void op_finish(struct op *op)
{
    struct conn *conn = op->conn;
    struct lwio_response response = {
        .opcode = op->req.opcode,
        .request_id = op->req.request_id,
        .status = op->status.status,
        .information = op->status.information,
    };
    if (op->req.opcode == LWIO_OP_CREATE && op->new_file) {
        bool orphan = false;
        pthread_mutex_lock(&conn->lock);
        if (conn->dead)
            orphan = true;
        else if (!(response.handle = conn_handle_add_locked(conn, op->new_file)))
            orphan = true;
        pthread_mutex_unlock(&conn->lock);
        if (orphan) {
            ops_close_orphan(op->new_file);
            response.status = STATUS_TOO_MANY_OPENED_FILES;
            response.information = 0;
        }
        op->new_file = NULL;
    }
    if (lwio_opcode_has_output(op->req.opcode) && !NT_ERROR(response.status) && op->output) {
        response.data = op->output;
        response.data_size = response.information < op->output_length
                                 ? (uint32_t)response.information
                                 : op->output_length;
    }
    conn_send(conn, &response);
    pthread_mutex_lock(&conn->lock);
    if (op->prev)
        op->prev->next = op->next;
    else
        conn->ops = op->next;
    if (op->next)
        op->next->prev = op->prev;
    conn->op_count--;
    pthread_mutex_unlock(&conn->lock);
    op_unref(op);
}

static void op_completed(void *context) { op_finish(context); }

static NTSTATUS alloc_output(struct op *op, uint32_t length)
{
    op->output = malloc(length ? length : 1);
    op->output_length = length;
    return op->output ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS issue_create(struct op *op)
{
    struct lwio_request *q = &op->req;
    NTSTATUS status = STATUS_SUCCESS;
    if (q->ecp_count) {
        status = IoEcpListCreate(&op->ecps);
        for (uint32_t i = 0; status == STATUS_SUCCESS && i < q->ecp_count; i++)
            status = IoEcpListAdd(op->ecps, q->ecps[i].type, q->ecps[i].data, q->ecps[i].size);
        if (status)
            return status;
    }
    struct io_create_params params = {
        .path = q->path,
        .desired_access = q->desired_access,
        .share_access = q->share_access,
        .create_disposition = q->create_disposition,
        .create_options = q->create_options,
        .file_attributes = q->file_attributes,
        .allocation_size = q->allocation_size,
        .security_descriptor = q->security_descriptor,
        .security_descriptor_size = q->security_descriptor_size,
        .ea_buffer = q->ea,
        .ea_size = q->ea_size,
        .ecps = op->ecps,
    };
    return IoCreateFile(&op->new_file, &op->async, &op->status, op->conn->token, &params);
}

/* Calls the I/O manager; returns its status (STATUS_PENDING: op_completed
 * follows) or an immediate failure. */
static NTSTATUS op_issue(struct op *op)
{
    struct lwio_request *q = &op->req;
    const struct access_token *token = op->conn->token;
    struct io_async_control *async = &op->async;
    struct io_status_block *sb = &op->status;
    const uint64_t *offset = q->has_offset ? &q->offset : NULL;
    struct io_file *file = NULL;
    NTSTATUS status;

    if (q->opcode == LWIO_OP_CREATE)
        return issue_create(op);
    if (q->opcode == LWIO_OP_CLOSE) {
        file = conn_handle_take(op->conn, q->handle);
        return file ? IoCloseFile(file, async, sb) : STATUS_INVALID_HANDLE;
    }
    file = conn_handle_lookup(op->conn, q->handle);
    if (!file)
        return STATUS_INVALID_HANDLE;
    switch (q->opcode) {
    case LWIO_OP_READ:
        if ((status = alloc_output(op, q->length)))
            return status;
        return IoReadFile(file, async, sb, token, op->output, q->length, offset, q->key);
    case LWIO_OP_WRITE:
        return IoWriteFile(file, async, sb, token, q->data, q->data_size, offset, q->key);
    case LWIO_OP_DEVICE_IO_CONTROL:
    case LWIO_OP_FS_CONTROL:
        if ((status = alloc_output(op, q->length)))
            return status;
        if (q->opcode == LWIO_OP_FS_CONTROL)
            return IoFsControlFile(file, async, sb, token, q->code, q->data, q->data_size,
                                   op->output, q->length);
        return IoDeviceIoControlFile(file, async, sb, token, q->code, q->data, q->data_size,
                                     op->output, q->length);
    case LWIO_OP_FLUSH:
        return IoFlushBuffersFile(file, async, sb, token);
    case LWIO_OP_QUERY_INFORMATION:
        if ((status = alloc_output(op, q->length)))
            return status;
        return IoQueryInformationFile(file, async, sb, token, op->output, q->length, q->code);
    case LWIO_OP_SET_INFORMATION:
        return IoSetInformationFile(file, async, sb, token, q->data, q->data_size, q->code);
    case LWIO_OP_QUERY_DIRECTORY:
        if ((status = alloc_output(op, q->length)))
            return status;
        return IoQueryDirectoryFile(file, async, sb, token, op->output, q->length, q->code,
                                    (q->flags & SL_RETURN_SINGLE_ENTRY) != 0, q->pattern,
                                    (q->flags & SL_RESTART_SCAN) != 0);
    case LWIO_OP_QUERY_VOLUME_INFORMATION:
        if ((status = alloc_output(op, q->length)))
            return status;
        return IoQueryVolumeInformationFile(file, async, sb, token, op->output, q->length,
                                            q->code);
    case LWIO_OP_SET_VOLUME_INFORMATION:
        return IoSetVolumeInformationFile(file, async, sb, token, q->data, q->data_size,
                                          q->code);
    case LWIO_OP_LOCK:
        return IoLockFile(file, async, sb, token, q->offset, q->lock_length, q->key, q->flags);
    case LWIO_OP_UNLOCK:
        return IoUnlockFile(file, async, sb, token, q->offset, q->lock_length, q->key);
    case LWIO_OP_QUERY_SECURITY:
        if ((status = alloc_output(op, q->length)))
            return status;
        return IoQuerySecurityFile(file, async, sb, token, q->code, op->output, q->length);
    case LWIO_OP_SET_SECURITY:
        return IoSetSecurityFile(file, async, sb, token, q->code, q->data, q->data_size);
    default:
        return STATUS_NOT_IMPLEMENTED;
    }
}

void ops_submit(struct conn *conn, uint8_t *frame, struct lwio_request *request)
{
    struct op *op = calloc(1, sizeof *op);
    if (!op) {
        struct lwio_response response = { .opcode = request->opcode,
                                          .request_id = request->request_id,
                                          .status = STATUS_INSUFFICIENT_RESOURCES };
        conn_send(conn, &response);
        lwio_request_clear(request);
        free(frame);
        return;
    }
    atomic_init(&op->refs, 2);
    conn_ref(conn);
    op->conn = conn;
    op->frame = frame;
    op->req = *request; /* the op owns the request's strings now */
    op->async.callback = op_completed;
    op->async.context = op;

    pthread_mutex_lock(&conn->lock);
    bool full = conn->op_count >= CONN_MAX_IN_FLIGHT;
    op->next = conn->ops;
    if (conn->ops)
        conn->ops->prev = op;
    conn->ops = op;
    conn->op_count++;
    pthread_mutex_unlock(&conn->lock);

    NTSTATUS status = full ? STATUS_INSUFF_SERVER_RESOURCES : op_issue(op);
    if (status != STATUS_PENDING) {
        op->status.status = status; /* information: as the call left it */
        op_finish(op);
    }
    op_unref(op);
}

void ops_cancel(struct conn *conn, uint32_t request_id)
{
    struct op *found = NULL;
    pthread_mutex_lock(&conn->lock);
    for (struct op *op = conn->ops; op; op = op->next) {
        if (op->req.request_id == request_id) {
            found = op;
            atomic_fetch_add(&found->refs, 1);
            break;
        }
    }
    pthread_mutex_unlock(&conn->lock);
    if (found) {
        IoCancel(found->async.cancel);
        op_unref(found);
    }
}

void ops_cancel_all(struct conn *conn)
{
    pthread_mutex_lock(&conn->lock);
    unsigned n = conn->op_count;
    struct op **ops = calloc(n ? n : 1, sizeof *ops);
    unsigned count = 0;
    for (struct op *op = conn->ops; ops && op && count < n; op = op->next) {
        atomic_fetch_add(&op->refs, 1);
        ops[count++] = op;
    }
    pthread_mutex_unlock(&conn->lock);
    for (unsigned i = 0; i < count; i++) {
        IoCancel(ops[i]->async.cancel);
        op_unref(ops[i]);
    }
    free(ops);
}
