/* Query/set information and volume information on pipe ends
 * ([MS-FSCC] 2.4.5, 2.4.29, 2.4.30, 2.4.31, 2.4.41, 2.5.10). */
#include <string.h>

#include "drivers/npfs/npfs.h"
#include "lib/buf.h"

/* Writes a fixed-size structure built in b to the caller's buffer. */
static NTSTATUS put(struct io_irp *irp, struct buf *b)
{
    NTSTATUS status = STATUS_SUCCESS;
    if (!wr_ok(b))
        status = STATUS_INSUFFICIENT_RESOURCES;
    else if (b->len > irp->args.query_information.length)
        status = STATUS_INFO_LENGTH_MISMATCH;
    else {
        memcpy(irp->args.query_information.buffer, b->data, b->len);
        irp->status_block.information = b->len;
    }
    buf_free(b);
    return status;
}

static void pipe_local_information(struct buf *b, struct npfs_ccb *ccb)
{
    struct npfs_instance *instance = ccb->instance;
    struct npfs_pipe *pipe = instance->pipe;
    wr_u32(b, pipe->named_pipe_type);
    wr_u32(b, FILE_PIPE_FULL_DUPLEX);
    wr_u32(b, pipe->maximum_instances);
    wr_u32(b, pipe->instance_count);
    wr_u32(b, pipe->inbound_quota);
    wr_u32(b, (uint32_t)npfs_inbound(instance, ccb->end)->bytes);
    wr_u32(b, pipe->outbound_quota);
    size_t queued = npfs_outbound(instance, ccb->end)->bytes;
    wr_u32(b, queued < pipe->outbound_quota ? pipe->outbound_quota - (uint32_t)queued : 0);
    wr_u32(b, instance->state);
    wr_u32(b, ccb->end == NPFS_END_SERVER ? FILE_PIPE_SERVER_END : FILE_PIPE_CLIENT_END);
}

NTSTATUS npfs_query_information(struct io_irp *irp, struct npfs_ccb *ccb)
{
    struct buf b;
    NTSTATUS status = STATUS_SUCCESS;
    buf_init(&b);
    pthread_mutex_lock(&npfs.lock);
    switch (irp->args.query_information.info_class) {
    case FileBasicInformation:
        wr_zeros(&b, 32); /* a pipe has no times */
        wr_u32(&b, FILE_ATTRIBUTE_NORMAL);
        wr_u32(&b, 0);
        break;
    case FileStandardInformation:
        wr_u64(&b, 0);
        wr_u64(&b, 0);
        wr_u32(&b, 1);
        wr_u8(&b, 0);
        wr_u8(&b, ccb->is_root);
        wr_u16(&b, 0);
        break;
    case FileNetworkOpenInformation:
        wr_zeros(&b, 48);
        wr_u32(&b, ccb->is_root ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_NORMAL);
        wr_u32(&b, 0);
        break;
    case FilePipeInformation:
        if (ccb->is_root)
            status = STATUS_INVALID_PARAMETER;
        wr_u32(&b, ccb->read_mode);
        wr_u32(&b, ccb->completion_mode);
        break;
    case FilePipeLocalInformation:
        if (ccb->is_root)
            status = STATUS_INVALID_PARAMETER;
        else if (!ccb->instance)
            status = ccb->detached_status;
        else
            pipe_local_information(&b, ccb);
        break;
    default:
        status = STATUS_INVALID_INFO_CLASS;
        break;
    }
    pthread_mutex_unlock(&npfs.lock);
    if (status) {
        buf_free(&b);
        return status;
    }
    return put(irp, &b);
}

NTSTATUS npfs_set_information(struct io_irp *irp, struct npfs_ccb *ccb)
{
    if (irp->args.set_information.info_class != FilePipeInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (ccb->is_root)
        return STATUS_INVALID_PARAMETER;
    if (irp->args.set_information.length < 8)
        return STATUS_INFO_LENGTH_MISMATCH;
    struct buf_reader r;
    rd_init(&r, irp->args.set_information.buffer, irp->args.set_information.length);
    uint32_t read_mode = rd_u32(&r);
    uint32_t completion_mode = rd_u32(&r);
    if (read_mode > FILE_PIPE_MESSAGE_MODE || completion_mode > FILE_PIPE_COMPLETE_OPERATION)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&npfs.lock);
    if (!ccb->instance)
        status = ccb->detached_status;
    else if (read_mode == FILE_PIPE_MESSAGE_MODE &&
             ccb->instance->pipe->named_pipe_type != FILE_PIPE_MESSAGE_TYPE)
        status = STATUS_INVALID_PARAMETER;
    else {
        ccb->read_mode = read_mode;
        ccb->completion_mode = completion_mode;
    }
    pthread_mutex_unlock(&npfs.lock);
    return status;
}

NTSTATUS npfs_query_volume_information(struct io_irp *irp, struct npfs_ccb *ccb)
{
    (void)ccb;
    if (irp->args.query_information.info_class != FileFsDeviceInformation)
        return STATUS_INVALID_INFO_CLASS;
    struct buf b;
    buf_init(&b);
    wr_u32(&b, FILE_DEVICE_NAMED_PIPE);
    wr_u32(&b, 0);
    return put(irp, &b);
}
