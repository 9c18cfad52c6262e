/* IRP_TYPE_CREATE: \npfs itself, a server end (a new instance) or a client
 * end (connects to a listening instance). */
#include <stdlib.h>
#include <string.h>

#include "drivers/npfs/npfs.h"
#include "lib/utf16.h"

static struct npfs_pipe *find_pipe(const char *name)
{
    for (struct npfs_pipe *p = npfs.pipes; p; p = p->next)
        if (utf8_casecmp(p->name, name) == 0)
            return p;
    return NULL;
}

static NTSTATUS check_pipe_ecp(const struct io_ecp_named_pipe *e)
{
    if (e->named_pipe_type > FILE_PIPE_MESSAGE_TYPE || e->read_mode > FILE_PIPE_MESSAGE_MODE ||
        e->completion_mode > FILE_PIPE_COMPLETE_OPERATION || e->maximum_instances == 0)
        return STATUS_INVALID_PARAMETER;
    /* Message reads need message boundaries. */
    if (e->read_mode == FILE_PIPE_MESSAGE_MODE && e->named_pipe_type != FILE_PIPE_MESSAGE_TYPE)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

static NTSTATUS create_server_end(struct io_irp *irp, const struct io_ecp_named_pipe *e)
{
    const struct io_create_params *c = &irp->args.create;
    struct npfs_pipe *pipe;
    struct npfs_instance *instance = NULL;
    struct npfs_ccb *ccb = NULL;
    bool new_pipe = false;
    NTSTATUS status = check_pipe_ecp(e);
    if (status)
        return status;
    if (c->create_disposition != FILE_CREATE && c->create_disposition != FILE_OPEN_IF &&
        c->create_disposition != FILE_OPEN)
        return STATUS_INVALID_PARAMETER;

    pthread_mutex_lock(&npfs.lock);
    pipe = find_pipe(c->path);
    if (pipe) {
        if (c->create_disposition == FILE_CREATE) {
            status = STATUS_ACCESS_DENIED; /* FILE_FLAG_FIRST_PIPE_INSTANCE */
            goto out;
        }
        if (pipe->named_pipe_type != e->named_pipe_type) {
            status = STATUS_ACCESS_DENIED;
            goto out;
        }
        if (pipe->maximum_instances != FILE_PIPE_UNLIMITED_INSTANCES &&
            pipe->instance_count >= pipe->maximum_instances) {
            status = STATUS_INSTANCE_NOT_AVAILABLE;
            goto out;
        }
    } else {
        if (c->create_disposition == FILE_OPEN) {
            status = STATUS_OBJECT_NAME_NOT_FOUND;
            goto out;
        }
        pipe = calloc(1, sizeof *pipe);
        if (!pipe || !(pipe->name = strdup(c->path))) {
            free(pipe);
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto out;
        }
        pipe->named_pipe_type = e->named_pipe_type;
        pipe->read_mode = e->read_mode;
        pipe->completion_mode = e->completion_mode;
        pipe->maximum_instances = e->maximum_instances;
        pipe->inbound_quota = e->inbound_quota;
        pipe->outbound_quota = e->outbound_quota;
        new_pipe = true;
    }
    instance = calloc(1, sizeof *instance);
    ccb = calloc(1, sizeof *ccb);
    if (!instance || !ccb) {
        free(instance);
        free(ccb);
        if (new_pipe) {
            free(pipe->name);
            free(pipe);
        }
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto out;
    }
    if (new_pipe) {
        pipe->next = npfs.pipes;
        npfs.pipes = pipe;
    }
    ccb->end = NPFS_END_SERVER;
    ccb->instance = instance;
    ccb->read_mode = e->read_mode;
    ccb->completion_mode = e->completion_mode;
    instance->pipe = pipe;
    instance->server = ccb;
    /* A new instance takes clients at once; FSCTL_PIPE_LISTEN waits for one. */
    instance->state = FILE_PIPE_LISTENING_STATE;
    instance->next = pipe->instances;
    pipe->instances = instance;
    pipe->instance_count++;
    IoFileSetContext(irp->file, ccb);
    IoEcpAcknowledge(c->ecps, IO_ECP_TYPE_NAMED_PIPE);
    irp->status_block.information = new_pipe ? FILE_CREATED : FILE_OPENED;
out:
    pthread_mutex_unlock(&npfs.lock);
    return status;
}

/* Copies what the RPC services ask about the client into the instance. */
static NTSTATUS record_client(struct npfs_instance *instance, struct io_irp *irp)
{
    struct io_ecp_list *ecps = irp->args.create.ecps;
    const void *data;
    size_t size;
    if (irp->token && !(instance->client_token = token_copy(irp->token)))
        goto nomem;
    if (IoEcpListFind(ecps, IO_ECP_TYPE_SESSION_KEY, &data, &size) == STATUS_SUCCESS) {
        if (!(instance->session_key = malloc(size ? size : 1)))
            goto nomem;
        if (size)
            memcpy(instance->session_key, data, size);
        instance->session_key_size = size;
        IoEcpAcknowledge(ecps, IO_ECP_TYPE_SESSION_KEY);
    }
    if (IoEcpListFind(ecps, IO_ECP_TYPE_PEER_ADDRESS, &data, &size) == STATUS_SUCCESS) {
        if (!(instance->peer_address = strndup(data, size)))
            goto nomem;
        IoEcpAcknowledge(ecps, IO_ECP_TYPE_PEER_ADDRESS);
    }
    return STATUS_SUCCESS;
nomem:
    npfs_instance_forget_client(instance);
    return STATUS_INSUFFICIENT_RESOURCES;
}

static NTSTATUS create_client_end(struct io_irp *irp)
{
    const struct io_create_params *c = &irp->args.create;
    struct npfs_done done = { NULL };
    NTSTATUS status = STATUS_SUCCESS;

    if (c->create_disposition != FILE_OPEN && c->create_disposition != FILE_OPEN_IF)
        return c->create_disposition > FILE_MAXIMUM_DISPOSITION ? STATUS_INVALID_PARAMETER
                                                                : STATUS_OBJECT_NAME_COLLISION;
    struct npfs_ccb *ccb = calloc(1, sizeof *ccb);
    if (!ccb)
        return STATUS_INSUFFICIENT_RESOURCES;

    pthread_mutex_lock(&npfs.lock);
    struct npfs_pipe *pipe = find_pipe(c->path);
    struct npfs_instance *instance = NULL;
    if (!pipe) {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
        goto out;
    }
    for (instance = pipe->instances; instance; instance = instance->next)
        if (instance->state == FILE_PIPE_LISTENING_STATE && !instance->client)
            break;
    if (!instance) {
        status = STATUS_PIPE_NOT_AVAILABLE;
        goto out;
    }
    status = record_client(instance, irp);
    if (status)
        goto out;
    ccb->end = NPFS_END_CLIENT;
    ccb->instance = instance;
    /* A client of a message pipe reads messages: that is what transceive,
     * and every RPC client, expects. */
    ccb->read_mode = pipe->named_pipe_type == FILE_PIPE_MESSAGE_TYPE ? FILE_PIPE_MESSAGE_MODE
                                                                     : FILE_PIPE_BYTE_STREAM_MODE;
    ccb->completion_mode = FILE_PIPE_QUEUE_OPERATION;
    instance->client = ccb;
    instance->state = FILE_PIPE_CONNECTED_STATE;
    npfs_wait_fail_all(&instance->listeners, &done, STATUS_SUCCESS);
    IoFileSetContext(irp->file, ccb);
    irp->status_block.information = FILE_OPENED;
    ccb = NULL;
out:
    pthread_mutex_unlock(&npfs.lock);
    free(ccb);
    npfs_done_complete(&done);
    return status;
}

NTSTATUS npfs_create(struct io_irp *irp)
{
    const struct io_create_params *c = &irp->args.create;
    const void *data;
    size_t size;

    if (c->path[0] == '\0') {
        struct npfs_ccb *root = calloc(1, sizeof *root);
        if (!root)
            return STATUS_INSUFFICIENT_RESOURCES;
        root->is_root = true;
        IoFileSetContext(irp->file, root);
        irp->status_block.information = FILE_OPENED;
        return STATUS_SUCCESS;
    }
    if (c->create_options & FILE_DIRECTORY_FILE)
        return STATUS_NOT_A_DIRECTORY;
    if (IoEcpListFind(c->ecps, IO_ECP_TYPE_NAMED_PIPE, &data, &size) == STATUS_SUCCESS) {
        struct io_ecp_named_pipe e;
        if (io_ecp_named_pipe_read(data, size, &e) != STATUS_SUCCESS)
            return STATUS_INVALID_PARAMETER;
        return create_server_end(irp, &e);
    }
    return create_client_end(irp);
}
