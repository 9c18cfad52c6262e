/* File objects: create, close with rundown, and the shutdown sweep.
 *
 * A close does not race with the file's IRPs: IoCloseFile moves the file to
 * CLOSING (new IRPs fail with STATUS_FILE_CLOSED), cancels the IRPs in flight,
 * and the close IRP is dispatched only when the last of them has completed,
 * by whichever thread completes it. So a driver's close routine never runs
 * while another IRP of the same file is inside the driver. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/utf16.h"
#include "lwiod/internal.h"

struct io_file *file_new(struct io_device *device, const char *path,
                         const struct access_token *token)
{
    struct io_file *file = calloc(1, sizeof *file);
    if (!file)
        return NULL;
    file->path = strdup(path);
    file->token = token ? token_copy(token) : NULL;
    if (!file->path || (token && !file->token)) {
        free(file->path);
        token_free(file->token);
        free(file);
        return NULL;
    }
    pthread_mutex_init(&file->lock, NULL);
    atomic_init(&file->refs, 1); /* the opener's */
    file->state = IO_FILE_OPENING;
    file->device = device;

    pthread_mutex_lock(&iomgr.files_lock);
    file->next = iomgr.files;
    if (iomgr.files)
        iomgr.files->prev = file;
    iomgr.files = file;
    iomgr.file_count++;
    pthread_mutex_unlock(&iomgr.files_lock);
    return file;
}

void file_ref(struct io_file *file) { atomic_fetch_add(&file->refs, 1); }

/* A reference from the files list, which may hold a file whose last reference
 * is being dropped right now: only take one if some remain. */
static bool file_ref_if_alive(struct io_file *file)
{
    unsigned refs = atomic_load(&file->refs);
    while (refs != 0)
        if (atomic_compare_exchange_weak(&file->refs, &refs, refs + 1))
            return true;
    return false;
}

void file_unref(struct io_file *file)
{
    if (atomic_fetch_sub(&file->refs, 1) != 1)
        return;
    pthread_mutex_lock(&iomgr.files_lock);
    if (file->prev)
        file->prev->next = file->next;
    else
        iomgr.files = file->next;
    if (file->next)
        file->next->prev = file->prev;
    iomgr.file_count--;
    pthread_cond_broadcast(&iomgr.files_cond);
    pthread_mutex_unlock(&iomgr.files_lock);
    pthread_mutex_destroy(&file->lock);
    token_free(file->token);
    free(file->path);
    free(file);
}

NTSTATUS file_start_irp(struct io_file *file, struct irp *irp)
{
    pthread_mutex_lock(&file->lock);
    if (file->state != IO_FILE_OPEN) {
        pthread_mutex_unlock(&file->lock);
        return STATUS_FILE_CLOSED;
    }
    irp->prev = NULL;
    irp->next = file->in_flight;
    if (file->in_flight)
        file->in_flight->prev = irp;
    file->in_flight = irp;
    file->in_flight_count++;
    pthread_mutex_unlock(&file->lock);
    return STATUS_SUCCESS;
}

struct irp *file_irp_done(struct io_file *file, struct irp *irp)
{
    struct irp *due_close = NULL;
    bool drop_opener = false;

    pthread_mutex_lock(&file->lock);
    if (irp->pub.type == IRP_TYPE_CLOSE) {
        if (!NT_SUCCESS(irp->pub.status_block.status))
            log_warning("closing %s\\%s: %s", file->device->name, file->path,
                        nt_status_name(irp->pub.status_block.status));
        file->state = IO_FILE_CLOSED;
        drop_opener = true;
    } else {
        if (irp->prev)
            irp->prev->next = irp->next;
        else
            file->in_flight = irp->next;
        if (irp->next)
            irp->next->prev = irp->prev;
        irp->prev = irp->next = NULL;
        file->in_flight_count--;
        if (irp->pub.type == IRP_TYPE_CREATE) {
            if (NT_SUCCESS(irp->pub.status_block.status)) {
                file->state = IO_FILE_OPEN;
            } else {
                file->state = IO_FILE_CLOSED;
                drop_opener = true;
            }
        }
        if (file->state == IO_FILE_CLOSING && file->in_flight_count == 0 && file->close_irp &&
            !file->close_dispatched) {
            file->close_dispatched = true;
            due_close = file->close_irp;
        }
    }
    pthread_mutex_unlock(&file->lock);
    if (drop_opener) {
        /* Shutdown waits for files to reach CLOSED (see file_close_all). */
        pthread_mutex_lock(&iomgr.files_lock);
        pthread_cond_broadcast(&iomgr.files_cond);
        pthread_mutex_unlock(&iomgr.files_lock);
        /* The IRP still holds a reference, so this never frees the file under it. */
        file_unref(file);
    }
    return due_close;
}

/* Cancels the file's IRPs in flight, one at a time, without holding the file
 * lock while a driver's cancel routine runs. */
static void file_cancel_in_flight(struct io_file *file)
{
    /* The last cancelled IRP may complete at once, which runs the close,
     * and the IRP's reference was what kept the file: hold one of our own
     * until the loop is done with file->lock. */
    file_ref(file);
    for (;;) {
        struct irp *victim = NULL;
        pthread_mutex_lock(&file->lock);
        for (struct irp *irp = file->in_flight; irp; irp = irp->next) {
            if (!irp_cancel_settled(irp)) {
                victim = irp;
                irp_ref(victim);
                break;
            }
        }
        pthread_mutex_unlock(&file->lock);
        if (!victim)
            break;
        irp_cancel(victim);
        irp_unref(victim);
    }
    file_unref(file);
}

/* Splits "\device\rest" into the device and "rest". */
static NTSTATUS parse_path(const char *path, struct io_device **device, const char **rest)
{
    if (!path || path[0] != '\\')
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    if (!utf8_valid(path))
        return STATUS_OBJECT_NAME_INVALID;
    const char *name = path + 1;
    size_t len = strcspn(name, "\\");
    if (len == 0)
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    *rest = name[len] == '\\' ? name + len + 1 : name + len;
    if (**rest == '\\')
        return STATUS_OBJECT_NAME_INVALID;
    *device = device_lookup(name, len);
    return *device ? STATUS_SUCCESS : STATUS_OBJECT_PATH_NOT_FOUND;
}

static NTSTATUS check_create_params(const struct io_create_params *params)
{
    if (params->create_disposition > FILE_MAXIMUM_DISPOSITION)
        return STATUS_INVALID_PARAMETER;
    if (params->share_access & ~FILE_SHARE_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if ((params->create_options & FILE_DIRECTORY_FILE) &&
        (params->create_options & FILE_NON_DIRECTORY_FILE))
        return STATUS_INVALID_PARAMETER;
    if ((params->security_descriptor_size && !params->security_descriptor) ||
        (params->ea_size && !params->ea_buffer))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

NTSTATUS IoCreateFile(struct io_file **file_out, struct io_async_control *async,
                      struct io_status_block *status_block, const struct access_token *token,
                      const struct io_create_params *params)
{
    struct io_device *device = NULL;
    const char *rest = NULL;
    struct io_file *file = NULL;
    struct irp *irp = NULL;
    NTSTATUS status;

    *file_out = NULL;
    if (!token || !params || !status_block) {
        status = STATUS_INVALID_PARAMETER;
        goto fail;
    }
    status = check_create_params(params);
    if (status)
        goto fail;
    pthread_rwlock_rdlock(&iomgr.namespace_lock);
    bool accepting = iomgr.running && !iomgr.shutting_down;
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    if (!accepting) {
        status = STATUS_INVALID_DEVICE_STATE;
        goto fail;
    }
    status = parse_path(params->path, &device, &rest);
    if (status)
        goto fail;
    file = file_new(device, rest, token);
    if (!file) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    irp = irp_new(IRP_TYPE_CREATE, file, token, async, status_block);
    if (!irp) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    irp->pub.args.create = *params;
    irp->pub.args.create.path = file->path;
    irp->caller_file = file_out;
    pthread_mutex_lock(&file->lock);
    irp->next = NULL;
    file->in_flight = irp;
    file->in_flight_count = 1;
    pthread_mutex_unlock(&file->lock);
    /* The IRP holds the file now; the opener's reference stays until the
     * create fails or the close completes. */
    return irp_call(irp);

fail:
    if (file) {
        file->state = IO_FILE_CLOSED;
        file_unref(file);
    }
    if (status_block) {
        status_block->status = status;
        status_block->information = 0;
    }
    return status;
}

NTSTATUS IoCloseFile(struct io_file *file, struct io_async_control *async,
                     struct io_status_block *status_block)
{
    NTSTATUS status;
    struct irp *irp = irp_new(IRP_TYPE_CLOSE, file, file->token, async, status_block);
    if (!irp) {
        /* Without memory for a close IRP the file cannot be closed; say so
         * rather than leak silently. */
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    irp_prepare_caller(irp);

    pthread_mutex_lock(&file->lock);
    if (file->state != IO_FILE_OPEN) {
        pthread_mutex_unlock(&file->lock);
        if (async)
            async->cancel = NULL;
        irp_unref(irp); /* the caller's */
        irp_free_unsent(irp);
        status = STATUS_FILE_CLOSED;
        goto fail;
    }
    file->state = IO_FILE_CLOSING;
    file->close_irp = irp;
    bool dispatch_now = file->in_flight_count == 0;
    if (dispatch_now)
        file->close_dispatched = true;
    pthread_mutex_unlock(&file->lock);

    if (!dispatch_now) {
        /* Cancelling may complete the last IRP in flight, which dispatches
         * the close; an asynchronous close may then be complete already and
         * its caller's reference released by its callback: the IRP is not
         * ours to touch any more. (A synchronous caller's reference is ours,
         * held until irp_run has waited.) */
        bool asynchronous = async != NULL;
        file_cancel_in_flight(file);
        if (asynchronous)
            return STATUS_PENDING;
    }
    return irp_run(irp, dispatch_now);

fail:
    if (status_block) {
        status_block->status = status;
        status_block->information = 0;
    }
    return status;
}

/* ---- Shutdown ---- */

/* References to the files selected by keep(), taken under the list lock. */
static struct io_file **file_snapshot(struct io_driver *driver, bool open_only, size_t *count)
{
    pthread_mutex_lock(&iomgr.files_lock);
    struct io_file **files = calloc(iomgr.file_count + 1, sizeof *files);
    size_t n = 0;
    for (struct io_file *f = iomgr.files; files && f; f = f->next) {
        if (driver && f->device->driver != driver)
            continue;
        if (open_only) {
            pthread_mutex_lock(&f->lock);
            bool open = f->state == IO_FILE_OPEN;
            pthread_mutex_unlock(&f->lock);
            if (!open)
                continue;
        }
        if (file_ref_if_alive(f))
            files[n++] = f;
    }
    pthread_mutex_unlock(&iomgr.files_lock);
    *count = n;
    return files;
}

void file_cancel_all(void)
{
    size_t n;
    struct io_file **files = file_snapshot(NULL, false, &n);
    for (size_t i = 0; i < n; i++) {
        file_cancel_in_flight(files[i]);
        file_unref(files[i]);
    }
    free(files);
}

struct shutdown_close {
    struct io_async_control async;
    struct io_status_block status;
};

static void shutdown_close_done(void *context)
{
    struct shutdown_close *c = context;
    IoCancelRefRelease(c->async.cancel);
    free(c);
}

/* Files of a driver not yet closed; under files_lock. A CLOSED file may stay
 * in the list while a caller still holds a cancel reference to one of its
 * IRPs: the driver is done with it, so it does not count. */
static size_t files_of(struct io_driver *driver)
{
    size_t n = 0;
    for (struct io_file *f = iomgr.files; f; f = f->next) {
        if (driver && f->device->driver != driver)
            continue;
        pthread_mutex_lock(&f->lock);
        n += f->state != IO_FILE_CLOSED;
        pthread_mutex_unlock(&f->lock);
    }
    return n;
}

bool file_close_all(struct io_driver *driver, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
        size_t n;
        struct io_file **files = file_snapshot(driver, true, &n);
        for (size_t i = 0; i < n; i++) {
            struct shutdown_close *c = calloc(1, sizeof *c);
            if (c) {
                c->async.callback = shutdown_close_done;
                c->async.context = c;
                /* When pending, the callback frees c (perhaps before we return). */
                if (IoCloseFile(files[i], &c->async, &c->status) != STATUS_PENDING)
                    free(c);
            }
            file_unref(files[i]);
        }
        free(files);
        /* Files still opening or closing finish on their own (their IRPs were
         * cancelled); wait for the list to change, then sweep again. */
        pthread_mutex_lock(&iomgr.files_lock);
        size_t left = files_of(driver);
        int rc = 0;
        if (left)
            rc = pthread_cond_timedwait(&iomgr.files_cond, &iomgr.files_lock, &deadline);
        left = files_of(driver);
        pthread_mutex_unlock(&iomgr.files_lock);
        if (!left)
            return true;
        if (rc == ETIMEDOUT)
            return false;
    }
}

/* ---- Accessors for drivers ---- */

void IoFileSetContext(struct io_file *file, void *context) { file->context = context; }
void *IoFileGetContext(struct io_file *file) { return file->context; }
struct io_device *IoFileGetDevice(struct io_file *file) { return file->device; }
const char *IoFileGetPath(struct io_file *file) { return file->path; }

bool IoFileIsClosing(struct io_file *file)
{
    pthread_mutex_lock(&file->lock);
    bool closing = file->state == IO_FILE_CLOSING || file->state == IO_FILE_CLOSED;
    pthread_mutex_unlock(&file->lock);
    return closing;
}
