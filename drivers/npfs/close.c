/* IRP_TYPE_CLOSE. The I/O manager has completed every other IRP of this file
 * first, so nothing of this end is parked any more; the peer's may be. */
#include <stdlib.h>

#include "drivers/npfs/npfs.h"

void npfs_instance_forget_client(struct npfs_instance *instance)
{
    token_free(instance->client_token);
    free(instance->session_key);
    free(instance->peer_address);
    instance->client_token = NULL;
    instance->session_key = NULL;
    instance->session_key_size = 0;
    instance->peer_address = NULL;
}

static void free_instance(struct npfs_instance *instance)
{
    struct npfs_pipe *pipe = instance->pipe;
    for (struct npfs_instance **link = &pipe->instances; *link; link = &(*link)->next) {
        if (*link == instance) {
            *link = instance->next;
            break;
        }
    }
    pipe->instance_count--;
    npfs_queue_clear(&instance->to_server);
    npfs_queue_clear(&instance->to_client);
    npfs_instance_forget_client(instance);
    free(instance);
    if (pipe->instance_count == 0) {
        for (struct npfs_pipe **link = &npfs.pipes; *link; link = &(*link)->next) {
            if (*link == pipe) {
                *link = pipe->next;
                break;
            }
        }
        free(pipe->name);
        free(pipe);
    }
}

static void close_server_end(struct npfs_instance *instance, struct npfs_done *done)
{
    struct npfs_ccb *client = instance->client;
    if (client) {
        /* The client end lives on, cut off: its reads and writes fail. */
        client->instance = NULL;
        client->detached_status = STATUS_PIPE_BROKEN;
    }
    npfs_wait_fail_all(&instance->client_reads, done, STATUS_PIPE_BROKEN);
    npfs_wait_fail_all(&instance->server_reads, done, STATUS_PIPE_BROKEN);
    npfs_wait_fail_all(&instance->listeners, done, STATUS_PIPE_BROKEN);
    free_instance(instance);
}

static void close_client_end(struct npfs_instance *instance, struct npfs_done *done)
{
    instance->client = NULL;
    instance->state = FILE_PIPE_CLOSING_STATE;
    npfs_queue_clear(&instance->to_client);
    npfs_wait_fail_all(&instance->client_reads, done, STATUS_PIPE_BROKEN);
    /* The server may still read what the client wrote; a parked server read
     * has nothing left to wait for. */
    npfs_wait_fail_all(&instance->server_reads, done, STATUS_PIPE_BROKEN);
}

NTSTATUS npfs_close(struct io_irp *irp, struct npfs_ccb *ccb)
{
    struct npfs_done done = { NULL };
    pthread_mutex_lock(&npfs.lock);
    if (ccb->instance) {
        if (ccb->end == NPFS_END_SERVER)
            close_server_end(ccb->instance, &done);
        else
            close_client_end(ccb->instance, &done);
    }
    pthread_mutex_unlock(&npfs.lock);
    npfs_done_complete(&done);
    IoFileSetContext(irp->file, NULL);
    free(ccb);
    return STATUS_SUCCESS;
}
