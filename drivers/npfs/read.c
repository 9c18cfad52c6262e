/* IRP_TYPE_READ: data queued for this end, else park until a write. */
#include "drivers/npfs/npfs.h"

NTSTATUS npfs_check_connected(struct npfs_ccb *ccb, bool for_write)
{
    if (ccb->is_root)
        return STATUS_INVALID_DEVICE_REQUEST;
    struct npfs_instance *instance = ccb->instance;
    if (!instance)
        return ccb->detached_status;
    switch (instance->state) {
    case FILE_PIPE_LISTENING_STATE:
        return STATUS_PIPE_LISTENING;
    case FILE_PIPE_DISCONNECTED_STATE:
        return STATUS_PIPE_DISCONNECTED;
    case FILE_PIPE_CLOSING_STATE:
        /* Only the server end is left; it may read what remains. */
        if (for_write)
            return STATUS_PIPE_CLOSING;
        return instance->to_server.head ? STATUS_SUCCESS : STATUS_PIPE_BROKEN;
    default:
        return STATUS_SUCCESS;
    }
}

NTSTATUS npfs_read(struct io_irp *irp, struct npfs_ccb *ccb)
{
    NTSTATUS status;
    pthread_mutex_lock(&npfs.lock);
    status = npfs_check_connected(ccb, false);
    if (status)
        goto out;
    struct npfs_queue *in = npfs_inbound(ccb->instance, ccb->end);
    struct npfs_wait_list *readers = npfs_readers(ccb->instance, ccb->end);
    if (in->head && !readers->head) {
        uint32_t got;
        status = npfs_queue_read(in, ccb->read_mode, irp->args.read.buffer,
                                 irp->args.read.length, &got);
        irp->status_block.information = got;
    } else if (ccb->completion_mode == FILE_PIPE_COMPLETE_OPERATION) {
        /* Non-blocking mode: nothing there now. */
        status = STATUS_PIPE_EMPTY;
    } else {
        status = npfs_park(readers, irp);
    }
out:
    pthread_mutex_unlock(&npfs.lock);
    return status;
}
