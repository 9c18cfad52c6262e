/* IRP_TYPE_WRITE: into the peer's queue, straight to a parked reader if any.
 * Writes complete at once; a peer that does not read makes them fail once
 * NPFS_MAX_QUEUED bytes wait. */
#include "drivers/npfs/npfs.h"

NTSTATUS npfs_send(struct npfs_ccb *ccb, const void *data, uint32_t length,
                   struct npfs_done *done)
{
    struct npfs_instance *instance = ccb->instance;
    struct npfs_queue *out = npfs_outbound(instance, ccb->end);
    enum npfs_end peer_end = ccb->end == NPFS_END_SERVER ? NPFS_END_CLIENT : NPFS_END_SERVER;
    struct npfs_ccb *peer = peer_end == NPFS_END_SERVER ? instance->server : instance->client;

    if (length > NPFS_MAX_QUEUED - out->bytes)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* A byte stream has no empty messages: a zero-length write is a no-op
     * (queued, it would complete a parked read with zero bytes). */
    if (length == 0 && instance->pipe->named_pipe_type == FILE_PIPE_BYTE_STREAM_TYPE)
        return STATUS_SUCCESS;
    if (!npfs_queue_push(out, data, length))
        return STATUS_INSUFFICIENT_RESOURCES;
    if (peer)
        npfs_feed_readers(out, npfs_readers(instance, peer_end), peer->read_mode, done);
    return STATUS_SUCCESS;
}

NTSTATUS npfs_write(struct io_irp *irp, struct npfs_ccb *ccb)
{
    struct npfs_done done = { NULL };
    pthread_mutex_lock(&npfs.lock);
    NTSTATUS status = npfs_check_connected(ccb, true);
    if (status == STATUS_SUCCESS)
        status = npfs_send(ccb, irp->args.write.buffer, irp->args.write.length, &done);
    if (status == STATUS_SUCCESS)
        irp->status_block.information = irp->args.write.length;
    pthread_mutex_unlock(&npfs.lock);
    npfs_done_complete(&done);
    return status;
}
