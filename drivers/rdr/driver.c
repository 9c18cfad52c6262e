/* rdr driver entry, dispatch and shutdown. Every IRP is network I/O that
 * waits for a server, so none runs on the dispatching thread: each is marked
 * pending and run on the I/O manager's worker pool. The idle reaper thread
 * closes connections nobody has used for rdr.idle-timeout seconds. */
#include <stdlib.h>

#include "drivers/rdr/rdr.h"
#include "lib/log.h"

struct rdr rdr = { .lock = PTHREAD_MUTEX_INITIALIZER, .reaper_cond = PTHREAD_COND_INITIALIZER };

static NTSTATUS run_once(struct io_irp *irp)
{
    if (irp->type == IRP_TYPE_CREATE)
        return rdr_create(irp);
    struct rdr_file *f = IoIrpGetFileContext(irp);
    if (!f)
        return STATUS_INVALID_HANDLE;
    switch (irp->type) {
    case IRP_TYPE_CLOSE:
        return rdr_close(irp, f);
    case IRP_TYPE_READ:
        return rdr_read(irp, f);
    case IRP_TYPE_WRITE:
        return rdr_write(irp, f);
    case IRP_TYPE_FLUSH_BUFFERS:
        return rdr_flush(irp, f);
    case IRP_TYPE_QUERY_INFORMATION:
    case IRP_TYPE_QUERY_VOLUME_INFORMATION:
        return rdr_query_information(irp, f);
    case IRP_TYPE_SET_INFORMATION:
    case IRP_TYPE_SET_VOLUME_INFORMATION:
        return rdr_set_information(irp, f);
    case IRP_TYPE_QUERY_DIRECTORY:
        return rdr_query_directory(irp, f);
    case IRP_TYPE_QUERY_SECURITY:
        return rdr_query_security(irp, f);
    case IRP_TYPE_SET_SECURITY:
        return rdr_set_security(irp, f);
    case IRP_TYPE_FS_CONTROL:
        return rdr_fs_control(irp, f);
    case IRP_TYPE_LOCK_CONTROL:
        return rdr_lock(irp, f);
    case IRP_TYPE_QUERY_EA:
        return rdr_query_ea(irp, f);
    default:
        return STATUS_NOT_SUPPORTED;
    }
}

/* A connection that drops under a request (a server restart, a network
 * outage) fails it with STATUS_CONNECTION_DISCONNECTED and is marked dead;
 * the request runs once more, which reconnects (and reopens the file by
 * name). Requests are repeatable here: reads and writes carry their offset,
 * the position only moves on success. */
static NTSTATUS run(struct io_irp *irp)
{
    NTSTATUS status = run_once(irp);
    if (status == STATUS_CONNECTION_DISCONNECTED && irp->type != IRP_TYPE_CLOSE &&
        !IoIrpIsCancelled(irp)) {
        irp->status_block.information = 0;
        status = run_once(irp);
    }
    return status;
}

static void work(void *context)
{
    struct io_irp *irp = context;
    NTSTATUS status = run(irp);
    irp->status_block.status = status;
    IoIrpComplete(irp);
}

/* Cancellation is noticed by the worker waiting for the server
 * (IoIrpIsCancelled), which then sends SMB2 CANCEL: nothing to do here. */
static void cancel(struct io_irp *irp, void *context)
{
    (void)irp;
    (void)context;
}

static NTSTATUS dispatch(struct io_device *device, struct io_irp *irp)
{
    (void)device;
    IoIrpMarkPending(irp, cancel, NULL);
    if (IoWorkQueue(work, irp) != STATUS_SUCCESS) {
        irp->status_block.status = STATUS_INSUFFICIENT_RESOURCES;
        irp->status_block.information = 0;
        IoIrpComplete(irp);
    }
    return STATUS_PENDING;
}

static void *reaper_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&rdr.lock);
    while (!rdr.stopping) {
        struct timespec tick;
        clock_gettime(CLOCK_REALTIME, &tick);
        tick.tv_sec += 1;
        pthread_cond_timedwait(&rdr.reaper_cond, &rdr.lock, &tick);
        if (rdr.stopping)
            break;
        pthread_mutex_unlock(&rdr.lock);
        rdr_reap(false);
        pthread_mutex_lock(&rdr.lock);
    }
    pthread_mutex_unlock(&rdr.lock);
    return NULL;
}

static void shutdown_driver(struct io_driver *driver)
{
    (void)driver;
    pthread_mutex_lock(&rdr.lock);
    rdr.stopping = true;
    pthread_cond_broadcast(&rdr.reaper_cond);
    pthread_mutex_unlock(&rdr.lock);
    pthread_join(rdr.reaper, NULL);
    /* Every file is closed by now, so every connection is unused. */
    rdr_reap(true);
    rdr.driver = NULL;
}

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version);

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version)
{
    if (interface_version != IO_DRIVER_INTERFACE_VERSION)
        return STATUS_REVISION_MISMATCH;
    rdr.driver = driver;
    rdr.stopping = false;
    NTSTATUS status = IoDriverInitialize(driver, &rdr, shutdown_driver, dispatch);
    if (status == STATUS_SUCCESS)
        status = IoDeviceCreate(NULL, driver, "rdr", &rdr);
    if (status == STATUS_SUCCESS && pthread_create(&rdr.reaper, NULL, reaper_main, NULL) != 0)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (status)
        rdr.driver = NULL;
    return status;
}
