/* IRPs: dispatch to a driver, pending, completion, cancellation.
 *
 * An IRP's state moves NEW -> DISPATCHING -> (PENDING ->) COMPLETED under
 * irp->lock. A driver may call IoIrpComplete before its dispatch routine has
 * returned STATUS_PENDING (from a worker that was quick); the IRP then counts
 * as finished synchronously, so a caller's callback only ever runs after its
 * call returned STATUS_PENDING. */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lwiod/internal.h"

static struct irp *irp_from_pub(struct io_irp *pub)
{
    /* pub is the first member of struct irp. */
    return (struct irp *)(void *)pub;
}

struct irp *irp_new(enum io_irp_type type, struct io_file *file, const struct access_token *token,
                    struct io_async_control *async, struct io_status_block *status_block)
{
    struct irp *irp = calloc(1, sizeof *irp);
    if (!irp)
        return NULL;
    if (token) {
        /* Shared, not copied: the caller's token outlives the call
         * unchanged (a copy per READ was two allocations for nothing). */
        irp->token = token_ref(token);
        if (!irp->token) {
            free(irp);
            return NULL;
        }
    }
    pthread_mutex_init(&irp->lock, NULL);
    pthread_cond_init(&irp->done_cond, NULL);
    atomic_init(&irp->refs, 1);
    irp->state = IRP_STATE_NEW;
    irp->pub.type = type;
    irp->pub.file = file;
    irp->pub.token = irp->token;
    irp->async = async;
    irp->caller_status = status_block;
    file_ref(file);
    return irp;
}

static void irp_free(struct irp *irp)
{
    struct io_file *file = irp->pub.file;
    token_free(irp->token);
    free(irp->owned_path);
    free(irp->owned_pattern);
    pthread_mutex_destroy(&irp->lock);
    pthread_cond_destroy(&irp->done_cond);
    free(irp);
    file_unref(file);
}

void irp_free_unsent(struct irp *irp) { irp_free(irp); }

void irp_ref(struct irp *irp) { atomic_fetch_add(&irp->refs, 1); }

void irp_unref(struct irp *irp)
{
    if (atomic_fetch_sub(&irp->refs, 1) == 1)
        irp_free(irp);
}

/* The final status is in irp->pub.status_block and the state is COMPLETED:
 * tell the file, the caller, and drop the in-flight reference. */
static void irp_finish(struct irp *irp, bool call_back)
{
    struct irp *due_close = file_irp_done(irp->pub.file, irp);

    if (irp->caller_status)
        *irp->caller_status = irp->pub.status_block;
    if (irp->caller_file)
        *irp->caller_file = NT_SUCCESS(irp->pub.status_block.status) ? irp->pub.file : NULL;

    /* Read the callback before signalling: the caller may free its async
     * control block as soon as it learns of the completion. */
    io_completion_fn callback = NULL;
    void *context = NULL;
    if (call_back && irp->async) {
        callback = irp->async->callback;
        context = irp->async->context;
    }
    pthread_mutex_lock(&irp->lock);
    irp->finished = true;
    pthread_cond_broadcast(&irp->done_cond);
    pthread_mutex_unlock(&irp->lock);
    if (callback)
        callback(context);

    /* A close waiting for this IRP goes after this IRP's completion, so that a
     * caller sees the completion of its read before that of its close. */
    if (due_close)
        irp_dispatch_deferred(due_close);
    irp_unref(irp);
}

/* Calls the driver; returns the final status, or STATUS_PENDING. */
static NTSTATUS irp_dispatch(struct irp *irp)
{
    struct io_device *device = irp->pub.file->device;
    NTSTATUS status;

    pthread_mutex_lock(&irp->lock);
    irp->state = IRP_STATE_DISPATCHING;
    pthread_mutex_unlock(&irp->lock);

    status = device->driver->dispatch(device, &irp->pub);

    pthread_mutex_lock(&irp->lock);
    if (status == STATUS_PENDING && !irp->marked_pending) {
        log_error("driver %s returned STATUS_PENDING without IoIrpMarkPending",
                  device->driver->name);
        irp->marked_pending = true;
    }
    if (status != STATUS_PENDING && irp->marked_pending && !irp->completed_early) {
        /* The driver marked it pending but answered at once: take the answer;
         * a later IoIrpComplete is refused as a double completion. */
        log_error("driver %s marked an IRP pending but returned %s", device->driver->name,
                  nt_status_name(status));
    }
    if (status == STATUS_PENDING && irp->completed_early)
        status = irp->pub.status_block.status;
    if (status != STATUS_PENDING) {
        irp->pub.status_block.status = status;
        irp->state = IRP_STATE_COMPLETED;
        bool call_back = irp->deliver_async;
        pthread_mutex_unlock(&irp->lock);
        irp_finish(irp, call_back);
        return status;
    }
    irp->state = IRP_STATE_PENDING;
    irp->deliver_async = true;
    io_irp_cancel_fn cancel = NULL;
    if (irp->cancel_requested && irp->cancel_fn && !irp->cancel_delivered) {
        irp->cancel_delivered = true;
        cancel = irp->cancel_fn;
        irp_ref(irp);
    }
    void *cancel_context = irp->cancel_context;
    pthread_mutex_unlock(&irp->lock);
    if (cancel) {
        cancel(&irp->pub, cancel_context);
        irp_unref(irp);
    }
    return STATUS_PENDING;
}

void irp_prepare_caller(struct irp *irp)
{
    /* The caller's reference: a synchronous waiter's, or the io_cancel_ref. It
     * is handed out before dispatch because the completion (and the caller's
     * callback, which may free its control block) can run before dispatch
     * returns to us. */
    irp_ref(irp);
    if (irp->async)
        irp->async->cancel = (struct io_cancel_ref *)irp;
}

void (*irp_test_after_pending_dispatch)(void);

NTSTATUS irp_run(struct irp *irp, bool dispatch)
{
    /* Decided before dispatch: once an asynchronous IRP is pending, it may
     * complete on another thread, whose callback may release the caller's
     * reference, and the IRP is gone before dispatch returns here. */
    bool asynchronous = irp->async != NULL;
    NTSTATUS status = dispatch ? irp_dispatch(irp) : STATUS_PENDING;
    if (status != STATUS_PENDING) {
        if (asynchronous)
            irp->async->cancel = NULL;
        irp_unref(irp);
        return status;
    }
    if (irp_test_after_pending_dispatch)
        irp_test_after_pending_dispatch();
    if (asynchronous)
        return STATUS_PENDING;
    pthread_mutex_lock(&irp->lock);
    while (!irp->finished)
        pthread_cond_wait(&irp->done_cond, &irp->lock);
    status = irp->pub.status_block.status;
    pthread_mutex_unlock(&irp->lock);
    irp_unref(irp);
    return status;
}

NTSTATUS irp_call(struct irp *irp)
{
    irp_prepare_caller(irp);
    return irp_run(irp, true);
}

void irp_dispatch_deferred(struct irp *irp)
{
    pthread_mutex_lock(&irp->lock);
    irp->deliver_async = true;
    pthread_mutex_unlock(&irp->lock);
    (void)irp_dispatch(irp);
}

NTSTATUS irp_submit(struct irp *irp)
{
    NTSTATUS status = file_start_irp(irp->pub.file, irp);
    if (status != STATUS_SUCCESS) {
        if (irp->caller_status) {
            irp->caller_status->status = status;
            irp->caller_status->information = 0;
        }
        irp_free_unsent(irp);
        return status;
    }
    return irp_call(irp);
}

void irp_cancel(struct irp *irp)
{
    pthread_mutex_lock(&irp->lock);
    if (irp->state == IRP_STATE_COMPLETED || irp->cancel_requested) {
        pthread_mutex_unlock(&irp->lock);
        return;
    }
    irp->cancel_requested = true;
    if (irp->state != IRP_STATE_PENDING || !irp->cancel_fn || irp->cancel_delivered) {
        /* Dispatching: irp_dispatch delivers it once the driver returns. */
        pthread_mutex_unlock(&irp->lock);
        return;
    }
    irp->cancel_delivered = true;
    io_irp_cancel_fn cancel = irp->cancel_fn;
    void *cancel_context = irp->cancel_context;
    irp_ref(irp);
    pthread_mutex_unlock(&irp->lock);
    cancel(&irp->pub, cancel_context);
    irp_unref(irp);
}

/* ---- The driver's side ---- */

void IoIrpMarkPending(struct io_irp *pub, io_irp_cancel_fn cancel, void *cancel_context)
{
    struct irp *irp = irp_from_pub(pub);
    pthread_mutex_lock(&irp->lock);
    irp->marked_pending = true;
    irp->cancel_fn = cancel;
    irp->cancel_context = cancel_context;
    pthread_mutex_unlock(&irp->lock);
}

void IoIrpComplete(struct io_irp *pub)
{
    struct irp *irp = irp_from_pub(pub);
    pthread_mutex_lock(&irp->lock);
    if (irp->state == IRP_STATE_DISPATCHING && !irp->completed_early) {
        irp->completed_early = true;
        pthread_mutex_unlock(&irp->lock);
        return;
    }
    if (irp->state != IRP_STATE_PENDING) {
        pthread_mutex_unlock(&irp->lock);
        log_error("IoIrpComplete on an IRP that is not pending (completed twice?)");
        return;
    }
    irp->state = IRP_STATE_COMPLETED;
    pthread_mutex_unlock(&irp->lock);
    irp_finish(irp, true);
}

bool IoIrpIsCancelled(struct io_irp *pub)
{
    struct irp *irp = irp_from_pub(pub);
    pthread_mutex_lock(&irp->lock);
    bool cancelled = irp->cancel_requested;
    pthread_mutex_unlock(&irp->lock);
    return cancelled;
}

void *IoIrpGetFileContext(struct io_irp *pub) { return IoFileGetContext(pub->file); }

/* ---- The caller's side ---- */

void IoCancel(struct io_cancel_ref *ref)
{
    if (ref)
        irp_cancel((struct irp *)ref);
}

void IoCancelRefRelease(struct io_cancel_ref *ref)
{
    if (ref)
        irp_unref((struct irp *)ref);
}

bool irp_cancel_settled(struct irp *irp)
{
    pthread_mutex_lock(&irp->lock);
    bool settled = irp->state == IRP_STATE_COMPLETED || irp->cancel_requested;
    pthread_mutex_unlock(&irp->lock);
    return settled;
}
