/* npfs driver entry, dispatch and shutdown. */
#include <stdlib.h>

#include "drivers/npfs/npfs.h"

struct npfs npfs = { .lock = PTHREAD_MUTEX_INITIALIZER };

static NTSTATUS npfs_dispatch(struct io_device *device, struct io_irp *irp)
{
    (void)device;
    if (irp->type == IRP_TYPE_CREATE)
        return npfs_create(irp);
    struct npfs_ccb *ccb = IoIrpGetFileContext(irp);
    if (!ccb)
        return STATUS_INVALID_HANDLE;
    switch (irp->type) {
    case IRP_TYPE_CLOSE:
        return npfs_close(irp, ccb);
    case IRP_TYPE_READ:
        return npfs_read(irp, ccb);
    case IRP_TYPE_WRITE:
        return npfs_write(irp, ccb);
    case IRP_TYPE_FS_CONTROL:
        return npfs_fs_control(irp, ccb);
    case IRP_TYPE_QUERY_INFORMATION:
        return npfs_query_information(irp, ccb);
    case IRP_TYPE_SET_INFORMATION:
        return npfs_set_information(irp, ccb);
    case IRP_TYPE_QUERY_VOLUME_INFORMATION:
        return npfs_query_volume_information(irp, ccb);
    case IRP_TYPE_FLUSH_BUFFERS:
        /* Writes are in the peer's queue at once: nothing to flush. */
        return ccb->is_root ? STATUS_INVALID_DEVICE_REQUEST : STATUS_SUCCESS;
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

static void npfs_shutdown(struct io_driver *driver)
{
    (void)driver;
    /* Every file is closed before this runs, and closing the last instance of
     * a pipe frees it, so nothing is left; free defensively anyway. */
    pthread_mutex_lock(&npfs.lock);
    while (npfs.pipes) {
        struct npfs_pipe *p = npfs.pipes;
        npfs.pipes = p->next;
        free(p->name);
        free(p);
    }
    pthread_mutex_unlock(&npfs.lock);
}

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version);

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version)
{
    if (interface_version != IO_DRIVER_INTERFACE_VERSION)
        return STATUS_REVISION_MISMATCH;
    NTSTATUS status = IoDriverInitialize(driver, &npfs, npfs_shutdown, npfs_dispatch);
    if (status)
        return status;
    return IoDeviceCreate(NULL, driver, "npfs", &npfs);
}
