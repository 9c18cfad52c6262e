/* The \pvfs device: lwiod's IRPs mapped onto the pvfs engine (pvfs.h).
 *
 * Settings (lwiod --set or the registry, "pvfs.<name>"):
 *   pvfs.root   the directory \pvfs\ stands for (default "/"): \pvfs\a\b is
 *               root/a/b, and nothing outside root is reachable.
 *   pvfs.short-names  on (default) | off: 8.3 short names (pvfs_create_args),
 *               read at every create, so a change applies to the next open.
 *
 * Every request that touches the disk runs on the I/O manager's worker pool
 * (the IRP pends meanwhile), so a slow disk never holds up the thread that
 * dispatched it; if the pool cannot take work the request runs at once. A
 * byte-range lock that must wait pends without any thread: the engine keeps
 * the IRP as its waiter and completes it when the range is released or the
 * IRP is cancelled. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/pvfs/input.h"
#include "drivers/pvfs/pvfs.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lwiod/driver.h"

struct pvfs_driver {
    struct io_driver *driver; /* for its settings */
    struct pvfs_volume *volume;
};

/* ---- Requests run on a worker ---- */

/* pvfs.short-names: on unless the setting says off (as smbd's "mangled
 * names = yes" by default). */
static bool short_names_on(struct io_driver *driver)
{
    char *value = driver ? IoDriverGetSetting(driver, "short-names") : NULL;
    bool on = true;
    if (value) {
        static const char *const no[] = { "off", "no", "false", "disabled", "0" };
        for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
            if (strcasecmp(value, no[i]) == 0)
                on = false;
    }
    free(value);
    return on;
}

static NTSTATUS do_create(struct pvfs_driver *drv, struct io_irp *irp,
                          pvfs_oplock_ready_fn ready, void *ready_context)
{
    const struct io_create_params *p = &irp->args.create;
    char *beneath = NULL;
    const void *data;
    size_t size;
    if (!irp->token)
        return STATUS_ACCESS_DENIED;
    if (IoEcpListFind(p->ecps, PVFS_ECP_BENEATH, &data, &size) == STATUS_SUCCESS) {
        if (memchr(data, '\0', size))
            return STATUS_INVALID_PARAMETER;
        beneath = strndup(data, size);
        if (!beneath)
            return STATUS_NO_MEMORY;
        IoEcpAcknowledge(p->ecps, PVFS_ECP_BENEATH);
    }
    bool has_ceiling = false;
    uint32_t ceiling = 0;
    if (IoEcpListFind(p->ecps, PVFS_ECP_ACCESS_CEILING, &data, &size) == STATUS_SUCCESS) {
        if (size != 4) {
            free(beneath);
            return STATUS_INVALID_PARAMETER;
        }
        const uint8_t *b = data;
        ceiling = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                  (uint32_t)b[3] << 24;
        has_ceiling = true;
        IoEcpAcknowledge(p->ecps, PVFS_ECP_ACCESS_CEILING);
    }
    /* Asked for only when the caller attached PVFS_ECP_MAXIMAL_ACCESS. */
    uint32_t maximal_access = 0;
    bool want_maximal = IoEcpListFind(p->ecps, PVFS_ECP_MAXIMAL_ACCESS, &data, &size) ==
                        STATUS_SUCCESS;
    struct pvfs_oplock_request oplock;
    struct pvfs_oplock_granted granted = { 0 };
    bool want_oplock = IoEcpListFind(p->ecps, PVFS_ECP_OPLOCK, &data, &size) == STATUS_SUCCESS;
    if (want_oplock && pvfs_oplock_request_decode(data, size, &oplock) != STATUS_SUCCESS) {
        free(beneath);
        return STATUS_INVALID_PARAMETER;
    }
    bool no_wait = false;
    if (IoEcpListFind(p->ecps, PVFS_ECP_OPLOCK_NO_WAIT, &data, &size) == STATUS_SUCCESS) {
        no_wait = size == 1 && *(const uint8_t *)data != 0;
        IoEcpAcknowledge(p->ecps, PVFS_ECP_OPLOCK_NO_WAIT);
    }
    struct pvfs_create_args args = {
        .path = p->path,
        .maximal_access = want_maximal ? &maximal_access : NULL,
        .beneath = beneath,
        .has_access_ceiling = has_ceiling,
        .access_ceiling = ceiling,
        .short_names = short_names_on(drv->driver),
        .desired_access = p->desired_access,
        .share_access = p->share_access,
        .create_disposition = p->create_disposition,
        .create_options = p->create_options,
        .file_attributes = p->file_attributes,
        .allocation_size = p->allocation_size,
        .security_descriptor = p->security_descriptor,
        .security_descriptor_size = p->security_descriptor_size,
        .ea_buffer = p->ea_buffer,
        .ea_size = p->ea_size,
        .oplock = want_oplock ? &oplock : NULL,
        .oplock_granted = &granted,
        .oplock_ready = ready,
        .oplock_ready_context = ready_context,
        .oplock_no_wait = no_wait,
    };
    struct pvfs_file *file = NULL;
    uint32_t action = 0;
    NTSTATUS status = pvfs_create(drv->volume, irp->token, &args, &file, &action);
    free(beneath);
    if (status == STATUS_SUCCESS) {
        IoFileSetContext(irp->file, file);
        irp->status_block.information = action;
        uint8_t answer[4] = { (uint8_t)maximal_access, (uint8_t)(maximal_access >> 8),
                              (uint8_t)(maximal_access >> 16), (uint8_t)(maximal_access >> 24) };
        /* Out of memory here leaves the ECP unacknowledged: the caller
         * learns that the answer is missing, the open stands. */
        if (want_maximal &&
            IoEcpListAdd(p->ecps, PVFS_ECP_MAXIMAL_ACCESS, answer, sizeof answer) ==
                STATUS_SUCCESS)
            IoEcpAcknowledge(p->ecps, PVFS_ECP_MAXIMAL_ACCESS);
        uint8_t got[PVFS_ECP_OPLOCK_ANSWER_SIZE] = { granted.type, granted.breaking ? 1 : 0 };
        le32_store(got + 4, granted.lease_state);
        /* Without memory for the answer the open says it got nothing, and
         * so it must hold nothing. */
        if (want_oplock) {
            if (IoEcpListAdd(p->ecps, PVFS_ECP_OPLOCK, got, sizeof got) == STATUS_SUCCESS)
                IoEcpAcknowledge(p->ecps, PVFS_ECP_OPLOCK);
            else
                (void)pvfs_oplock_ack(file, PVFS_OPLOCK_ACK_RELEASE, 0, 0, NULL);
        }
    }
    return status;
}

struct work {
    struct pvfs_driver *drv;
    struct io_irp *irp;
};

static void work_run(void *context);

/* A create that waited for an oplock break goes again, on a worker. */
static void create_ready(void *context)
{
    struct work *w = context;
    if (IoWorkQueue(work_run, w) != STATUS_SUCCESS)
        work_run(w);
}

/* STATUS_PENDING only for a create waiting on a break (create_ready
 * follows). */
static NTSTATUS run(struct pvfs_driver *drv, struct io_irp *irp, struct work *w)
{
    if (irp->type == IRP_TYPE_CREATE)
        return do_create(drv, irp, w ? create_ready : NULL, w);
    struct pvfs_file *file = IoIrpGetFileContext(irp);
    if (!file)
        return STATUS_INVALID_HANDLE;
    uint32_t n = 0;
    NTSTATUS status;
    switch (irp->type) {
    case IRP_TYPE_CLOSE:
        pvfs_close(file);
        IoFileSetContext(irp->file, NULL);
        return STATUS_SUCCESS;
    case IRP_TYPE_READ:
        status = pvfs_read(file, irp->args.read.buffer, irp->args.read.length,
                           irp->args.read.has_offset ? &irp->args.read.offset : NULL,
                           irp->args.read.key, &n);
        break;
    case IRP_TYPE_WRITE:
        status = pvfs_write(file, irp->args.write.buffer, irp->args.write.length,
                            irp->args.write.has_offset ? &irp->args.write.offset : NULL,
                            irp->args.write.key, &n);
        break;
    case IRP_TYPE_FLUSH_BUFFERS:
        status = pvfs_flush(file);
        break;
    case IRP_TYPE_QUERY_INFORMATION:
        status = pvfs_query_information(file, irp->args.query_information.info_class,
                                        irp->args.query_information.buffer,
                                        irp->args.query_information.length, &n);
        break;
    case IRP_TYPE_SET_INFORMATION:
        status = pvfs_set_information(file, irp->args.set_information.info_class,
                                      irp->args.set_information.buffer,
                                      irp->args.set_information.length);
        break;
    case IRP_TYPE_QUERY_DIRECTORY: {
        uint32_t flags = (irp->args.query_directory.restart_scan ? SL_RESTART_SCAN : 0) |
                         (irp->args.query_directory.return_single_entry ? SL_RETURN_SINGLE_ENTRY
                                                                        : 0);
        status = pvfs_query_directory(file, irp->args.query_directory.info_class,
                                      irp->args.query_directory.pattern, flags,
                                      irp->args.query_directory.buffer,
                                      irp->args.query_directory.length, &n);
        break;
    }
    case IRP_TYPE_QUERY_VOLUME_INFORMATION:
        status = pvfs_query_volume_information(file, irp->args.query_information.info_class,
                                               irp->args.query_information.buffer,
                                               irp->args.query_information.length, &n);
        break;
    case IRP_TYPE_QUERY_SECURITY:
        status = pvfs_query_security(file, irp->args.query_security.security_information,
                                     irp->args.query_security.buffer,
                                     irp->args.query_security.length, &n);
        break;
    case IRP_TYPE_FS_CONTROL:
        status = pvfs_fs_control(file, irp->args.io_control.control_code,
                                 irp->args.io_control.input_buffer,
                                 irp->args.io_control.input_length,
                                 irp->args.io_control.output_buffer,
                                 irp->args.io_control.output_length, &n);
        break;
    case IRP_TYPE_QUERY_EA:
        status = pvfs_query_ea(file, irp->args.query_ea.buffer, irp->args.query_ea.length,
                               irp->args.query_ea.return_single_entry,
                               irp->args.query_ea.ea_list, irp->args.query_ea.ea_list_length,
                               irp->args.query_ea.has_ea_index ? &irp->args.query_ea.ea_index
                                                               : NULL,
                               irp->args.query_ea.restart_scan, &n);
        break;
    case IRP_TYPE_SET_SECURITY:
        status = pvfs_set_security(file, irp->args.set_security.security_information,
                                   irp->args.set_security.buffer,
                                   irp->args.set_security.length);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    irp->status_block.information = n;
    return status;
}

static void work_run(void *context)
{
    struct work *w = context;
    struct io_irp *irp = w->irp;
    NTSTATUS status = run(w->drv, irp, w);
    if (status == STATUS_PENDING)
        return; /* waits for a break; create_ready runs it again */
    free(w);
    irp->status_block.status = status;
    IoIrpComplete(irp);
}

/* Hands the IRP to a worker, or runs it here when the pool cannot take it. */
static NTSTATUS queue(struct pvfs_driver *drv, struct io_irp *irp)
{
    struct work *w = malloc(sizeof *w);
    if (w) {
        w->drv = drv;
        w->irp = irp;
        IoIrpMarkPending(irp, NULL, NULL);
        if (IoWorkQueue(work_run, w) == STATUS_SUCCESS)
            return STATUS_PENDING;
        /* Marked pending already: finish it here and say so by completing. */
        work_run(w);
        return STATUS_PENDING;
    }
    return run(drv, irp, NULL);
}

/* ---- Oplock breaks: the wait pends with no thread, the answer is memory ---- */

static void break_done(void *context, NTSTATUS status, const struct pvfs_oplock_break *brk)
{
    struct io_irp *irp = context;
    irp->status_block.status = status;
    irp->status_block.information = 0;
    if (status == STATUS_SUCCESS && brk &&
        irp->args.io_control.output_length >= PVFS_OPLOCK_BREAK_WAIT_SIZE) {
        uint8_t *out = irp->args.io_control.output_buffer;
        memset(out, 0, PVFS_OPLOCK_BREAK_WAIT_SIZE);
        out[0] = (uint8_t)((brk->lease ? 0x01 : 0) | (brk->ack_required ? 0x02 : 0));
        out[1] = brk->level;
        le32_store(out + 4, brk->lease_from);
        le32_store(out + 8, brk->lease_to);
        irp->status_block.information = PVFS_OPLOCK_BREAK_WAIT_SIZE;
    }
    IoIrpComplete(irp);
}

static void break_cancel(struct io_irp *irp, void *context)
{
    (void)pvfs_oplock_break_cancel(context, irp);
}

static NTSTATUS oplock_control(struct io_irp *irp)
{
    struct pvfs_file *file = IoIrpGetFileContext(irp);
    if (!file)
        return STATUS_INVALID_HANDLE;
    if (irp->args.io_control.control_code == PVFS_FSCTL_OPLOCK_BREAK_WAIT) {
        if (irp->args.io_control.output_length < PVFS_OPLOCK_BREAK_WAIT_SIZE)
            return STATUS_BUFFER_TOO_SMALL;
        /* Pending first: a break on another thread may complete it before
         * the engine call returns. */
        IoIrpMarkPending(irp, break_cancel, file);
        struct pvfs_oplock_break brk;
        NTSTATUS status = pvfs_oplock_break_wait(file, break_done, irp, &brk);
        if (status != STATUS_PENDING)
            break_done(irp, status, status == STATUS_SUCCESS ? &brk : NULL);
        return STATUS_PENDING;
    }
    uint8_t what, level, kept = 0;
    uint32_t state;
    NTSTATUS status = pvfs_oplock_ack_decode(irp->args.io_control.input_buffer,
                                             irp->args.io_control.input_length, &what, &level,
                                             &state);
    if (status != STATUS_SUCCESS)
        return status;
    status = pvfs_oplock_ack(file, what, level, state, &kept);
    irp->status_block.information = 0;
    if (irp->args.io_control.output_length >= 1) {
        *(uint8_t *)irp->args.io_control.output_buffer = kept;
        irp->status_block.information = 1;
    }
    return status;
}

/* ---- Byte-range locks: no worker, maybe no thread at all ---- */

static void lock_done(void *context, NTSTATUS status)
{
    struct io_irp *irp = context;
    irp->status_block.status = status;
    irp->status_block.information = 0;
    IoIrpComplete(irp);
}

static void lock_cancel(struct io_irp *irp, void *context)
{
    /* Completes the IRP (through lock_done) if it still waits. */
    (void)pvfs_lock_cancel(context, irp);
}

static NTSTATUS lock_control(struct io_irp *irp)
{
    struct pvfs_file *file = IoIrpGetFileContext(irp);
    if (!file)
        return STATUS_INVALID_HANDLE;
    if (irp->args.lock_control.operation == IO_LOCK_CONTROL_UNLOCK)
        return pvfs_unlock(file, irp->args.lock_control.offset, irp->args.lock_control.length,
                           irp->args.lock_control.key);
    if (irp->args.lock_control.operation != IO_LOCK_CONTROL_LOCK)
        return STATUS_INVALID_PARAMETER;
    if (irp->args.lock_control.flags & SL_FAIL_IMMEDIATELY)
        return pvfs_lock(file, irp->args.lock_control.offset, irp->args.lock_control.length,
                         irp->args.lock_control.key, irp->args.lock_control.flags, NULL, NULL);
    /* Pending before the engine sees it: an unlock on another thread may
     * grant (and complete) the lock before pvfs_lock even returns. */
    IoIrpMarkPending(irp, lock_cancel, file);
    NTSTATUS status = pvfs_lock(file, irp->args.lock_control.offset,
                                irp->args.lock_control.length, irp->args.lock_control.key,
                                irp->args.lock_control.flags, lock_done, irp);
    if (status != STATUS_PENDING)
        lock_done(irp, status);
    return STATUS_PENDING;
}

/* ---- Change notify: waits on the volume's inotify thread ---- */

static void notify_done(void *context, NTSTATUS status, uint32_t written)
{
    struct io_irp *irp = context;
    irp->status_block.status = status;
    irp->status_block.information = written;
    IoIrpComplete(irp);
}

static void notify_cancel(struct io_irp *irp, void *context)
{
    /* A close cancels the file's requests before it reaches the driver. */
    (void)pvfs_notify_cancel(context, irp,
                             IoFileIsClosing(irp->file) ? STATUS_NOTIFY_CLEANUP
                                                        : STATUS_CANCELLED);
}

static NTSTATUS read_directory_change(struct io_irp *irp)
{
    struct pvfs_file *file = IoIrpGetFileContext(irp);
    if (!file)
        return STATUS_INVALID_HANDLE;
    /* Arming a tree watch reads the tree: bounded (notify.c), and done once
     * per open, so it stays on this thread. */
    IoIrpMarkPending(irp, notify_cancel, file);
    uint32_t written = 0;
    NTSTATUS status = pvfs_notify_change(file, irp->args.read_directory_change.completion_filter,
                                         irp->args.read_directory_change.watch_tree,
                                         irp->args.read_directory_change.buffer,
                                         irp->args.read_directory_change.length, notify_done,
                                         irp, &written);
    if (status != STATUS_PENDING)
        notify_done(irp, status, written);
    return STATUS_PENDING;
}

static NTSTATUS pvfs_dispatch(struct io_device *device, struct io_irp *irp)
{
    struct pvfs_driver *drv = IoDeviceGetContext(device);
    switch (irp->type) {
    case IRP_TYPE_LOCK_CONTROL:
        return lock_control(irp);
    case IRP_TYPE_READ_DIRECTORY_CHANGE:
        return read_directory_change(irp);
    case IRP_TYPE_FS_CONTROL:
        if (irp->args.io_control.control_code == PVFS_FSCTL_OPLOCK_BREAK_WAIT ||
            irp->args.io_control.control_code == PVFS_FSCTL_OPLOCK_ACK)
            return oplock_control(irp);
        return queue(drv, irp);
    case IRP_TYPE_DEVICE_IO_CONTROL:
    case IRP_TYPE_SET_VOLUME_INFORMATION:
        return STATUS_INVALID_DEVICE_REQUEST;
    default:
        return queue(drv, irp);
    }
}

static void pvfs_shutdown(struct io_driver *driver)
{
    struct pvfs_driver *drv = IoDriverGetContext(driver);
    if (!drv)
        return;
    pvfs_volume_close(drv->volume);
    free(drv);
}

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version);

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version)
{
    if (interface_version != IO_DRIVER_INTERFACE_VERSION)
        return STATUS_REVISION_MISMATCH;
    char *root = IoDriverGetSetting(driver, "root");
    struct pvfs_driver *drv = calloc(1, sizeof *drv);
    if (!drv) {
        free(root);
        return STATUS_NO_MEMORY;
    }
    drv->driver = driver;
    NTSTATUS status = pvfs_volume_open(root && *root ? root : "/", &drv->volume);
    if (status != STATUS_SUCCESS) {
        log_error("pvfs: cannot use %s as the root: %s", root && *root ? root : "/",
                  nt_status_name(status));
        free(root);
        free(drv);
        return status;
    }
    log_info("pvfs: \\pvfs is %s", root && *root ? root : "/");
    free(root);
    status = IoDriverInitialize(driver, drv, pvfs_shutdown, pvfs_dispatch);
    if (status == STATUS_SUCCESS)
        status = IoDeviceCreate(NULL, driver, "pvfs", drv);
    if (status != STATUS_SUCCESS) {
        pvfs_volume_close(drv->volume);
        free(drv);
    }
    return status;
}
