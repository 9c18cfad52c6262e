/* IRP_TYPE_FS_CONTROL: listen, disconnect, peek, transceive ([MS-FSCC] 2.3)
 * and the private calls that tell a server about its client. */
#include <stdlib.h>
#include <string.h>

#include "drivers/npfs/npfs.h"
#include "lib/buf.h"
#include "lib/utf16.h"

static NTSTATUS pipe_listen(struct io_irp *irp, struct npfs_ccb *ccb)
{
    struct npfs_instance *instance = ccb->instance;
    switch (instance->state) {
    case FILE_PIPE_CONNECTED_STATE:
        return STATUS_PIPE_CONNECTED;
    case FILE_PIPE_CLOSING_STATE:
        return STATUS_PIPE_CLOSING;
    case FILE_PIPE_DISCONNECTED_STATE:
        instance->state = FILE_PIPE_LISTENING_STATE;
        break;
    default:
        break;
    }
    return npfs_park(&instance->listeners, irp);
}

static NTSTATUS pipe_disconnect(struct npfs_ccb *ccb, struct npfs_done *done)
{
    struct npfs_instance *instance = ccb->instance;
    if (instance->state == FILE_PIPE_DISCONNECTED_STATE)
        return STATUS_PIPE_DISCONNECTED;
    if (instance->client) {
        instance->client->instance = NULL;
        instance->client->detached_status = STATUS_PIPE_DISCONNECTED;
        instance->client = NULL;
    }
    npfs_wait_fail_all(&instance->listeners, done, STATUS_PIPE_DISCONNECTED);
    npfs_wait_fail_all(&instance->client_reads, done, STATUS_PIPE_DISCONNECTED);
    npfs_wait_fail_all(&instance->server_reads, done, STATUS_PIPE_DISCONNECTED);
    npfs_queue_clear(&instance->to_server);
    npfs_queue_clear(&instance->to_client);
    npfs_instance_forget_client(instance);
    instance->state = FILE_PIPE_DISCONNECTED_STATE;
    return STATUS_SUCCESS;
}

/* FILE_PIPE_PEEK_BUFFER ([MS-FSCC] 2.3.38): state, bytes available, messages,
 * length of the next message, then as much data as fits. Consumes nothing. */
static NTSTATUS pipe_peek(struct io_irp *irp, struct npfs_ccb *ccb)
{
    uint8_t *out = irp->args.io_control.output_buffer;
    uint32_t out_len = irp->args.io_control.output_length;
    if (out_len < 16)
        return STATUS_BUFFER_TOO_SMALL;
    NTSTATUS status = npfs_check_connected(ccb, false);
    if (status)
        return status;
    struct npfs_instance *instance = ccb->instance;
    struct npfs_queue *in = npfs_inbound(instance, ccb->end);
    bool messages = instance->pipe->named_pipe_type == FILE_PIPE_MESSAGE_TYPE;
    size_t next = 0;
    if (in->head)
        next = messages ? in->head->size - in->head->consumed : in->bytes;
    size_t room = out_len - 16, copied = 0;
    for (struct npfs_message *m = in->head; m && copied < room && copied < next; m = m->next) {
        size_t left = m->size - m->consumed;
        size_t n = left < room - copied ? left : room - copied;
        memcpy(out + 16 + copied, m->data + m->consumed, n);
        copied += n;
        if (messages)
            break;
    }
    le32_store(out, instance->state);
    le32_store(out + 4, (uint32_t)in->bytes);
    le32_store(out + 8, messages ? (uint32_t)in->messages : 0);
    le32_store(out + 12, messages ? (uint32_t)next : 0);
    irp->status_block.information = 16 + copied;
    return copied < next ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
}

/* Writes the input as one message and reads the reply into the output: one
 * round trip of an RPC call. */
static NTSTATUS pipe_transceive(struct io_irp *irp, struct npfs_ccb *ccb, struct npfs_done *done)
{
    NTSTATUS status = npfs_check_connected(ccb, true);
    if (status)
        return status;
    struct npfs_instance *instance = ccb->instance;
    if (instance->pipe->named_pipe_type != FILE_PIPE_MESSAGE_TYPE)
        return STATUS_INVALID_PIPE_STATE;
    if (ccb->read_mode != FILE_PIPE_MESSAGE_MODE)
        return STATUS_INVALID_READ_MODE;
    struct npfs_queue *in = npfs_inbound(instance, ccb->end);
    struct npfs_wait_list *readers = npfs_readers(instance, ccb->end);
    /* A reply to an earlier request still unread would be taken for ours. */
    if (in->head || readers->head)
        return STATUS_PIPE_BUSY;
    status = npfs_send(ccb, irp->args.io_control.input_buffer,
                       irp->args.io_control.input_length, done);
    if (status)
        return status;
    if (in->head) {
        uint32_t got;
        status = npfs_queue_read(in, ccb->read_mode, irp->args.io_control.output_buffer,
                                 irp->args.io_control.output_length, &got);
        irp->status_block.information = got;
        return status;
    }
    return npfs_park(readers, irp);
}

/* FSCTL_PIPE_WAIT on \npfs: FILE_PIPE_WAIT_FOR_BUFFER ([MS-FSCC] 2.3.49) names
 * a pipe. Answered at once: STATUS_SUCCESS if an instance is listening,
 * STATUS_OBJECT_NAME_NOT_FOUND if there is no such pipe, else STATUS_IO_TIMEOUT
 * (waiting out the caller's timeout is not implemented; callers retry). */
static NTSTATUS pipe_wait(struct io_irp *irp)
{
    struct buf_reader r;
    rd_init(&r, irp->args.io_control.input_buffer, irp->args.io_control.input_length);
    rd_u64(&r); /* Timeout */
    uint32_t name_length = rd_u32(&r);
    rd_u8(&r);  /* TimeoutSpecified */
    rd_u8(&r);  /* Padding */
    const uint8_t *name16 = rd_bytes(&r, name_length);
    char *name = NULL;
    if (!rd_ok(&r) || name_length == 0 || (name_length & 1) ||
        utf16le_to_utf8(name16, name_length, &name) != STATUS_SUCCESS)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = STATUS_OBJECT_NAME_NOT_FOUND;
    for (struct npfs_pipe *p = npfs.pipes; p; p = p->next) {
        if (utf8_casecmp(p->name, name) != 0)
            continue;
        status = STATUS_IO_TIMEOUT;
        for (struct npfs_instance *i = p->instances; i; i = i->next)
            if (i->state == FILE_PIPE_LISTENING_STATE && !i->client)
                status = STATUS_SUCCESS;
    }
    free(name);
    return status;
}

static NTSTATUS copy_out(struct io_irp *irp, const void *data, size_t size)
{
    irp->status_block.information = size;
    if (size > irp->args.io_control.output_length)
        return STATUS_BUFFER_TOO_SMALL;
    if (size)
        memcpy(irp->args.io_control.output_buffer, data, size);
    return STATUS_SUCCESS;
}

static NTSTATUS client_info(struct io_irp *irp, struct npfs_ccb *ccb, uint32_t code)
{
    struct npfs_instance *instance = ccb->instance;
    if (instance->state != FILE_PIPE_CONNECTED_STATE &&
        instance->state != FILE_PIPE_CLOSING_STATE)
        return STATUS_PIPE_DISCONNECTED;
    if (code == FSCTL_NPFS_GET_SESSION_KEY)
        return instance->session_key
                   ? copy_out(irp, instance->session_key, instance->session_key_size)
                   : STATUS_NOT_FOUND;
    if (code == FSCTL_NPFS_GET_PEER_ADDRESS)
        return instance->peer_address
                   ? copy_out(irp, instance->peer_address, strlen(instance->peer_address))
                   : STATUS_NOT_FOUND;
    if (!instance->client_token)
        return STATUS_NOT_FOUND;
    struct buf b;
    buf_init(&b);
    token_write(&b, instance->client_token);
    NTSTATUS status = wr_ok(&b) ? copy_out(irp, b.data, b.len) : STATUS_INSUFFICIENT_RESOURCES;
    buf_free(&b);
    return status;
}

NTSTATUS npfs_fs_control(struct io_irp *irp, struct npfs_ccb *ccb)
{
    struct npfs_done done = { NULL };
    uint32_t code = irp->args.io_control.control_code;
    NTSTATUS status;
    bool server_only = code == FSCTL_PIPE_LISTEN || code == FSCTL_PIPE_DISCONNECT ||
                       code == FSCTL_NPFS_GET_CLIENT_TOKEN ||
                       code == FSCTL_NPFS_GET_SESSION_KEY || code == FSCTL_NPFS_GET_PEER_ADDRESS;

    if (ccb->is_root) {
        if (code != FSCTL_PIPE_WAIT)
            return STATUS_INVALID_DEVICE_REQUEST;
        pthread_mutex_lock(&npfs.lock);
        status = pipe_wait(irp);
        pthread_mutex_unlock(&npfs.lock);
        return status;
    }
    if (code == FSCTL_PIPE_WAIT)
        return STATUS_INVALID_DEVICE_REQUEST;
    pthread_mutex_lock(&npfs.lock);
    if (server_only && ccb->end != NPFS_END_SERVER) {
        status = STATUS_ILLEGAL_FUNCTION;
        goto out;
    }
    switch (code) {
    case FSCTL_PIPE_LISTEN:
        status = pipe_listen(irp, ccb);
        break;
    case FSCTL_PIPE_DISCONNECT:
        status = pipe_disconnect(ccb, &done);
        break;
    case FSCTL_PIPE_PEEK:
        status = pipe_peek(irp, ccb);
        break;
    case FSCTL_PIPE_TRANSCEIVE:
        status = pipe_transceive(irp, ccb, &done);
        break;
    case FSCTL_NPFS_GET_CLIENT_TOKEN:
    case FSCTL_NPFS_GET_SESSION_KEY:
    case FSCTL_NPFS_GET_PEER_ADDRESS:
        status = client_info(irp, ccb, code);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
out:
    pthread_mutex_unlock(&npfs.lock);
    npfs_done_complete(&done);
    return status;
}
