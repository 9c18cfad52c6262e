/* The I/O manager in-process, with a static test driver: synchronous and
 * pending IRPs, completion from a worker, cancellation (also before the driver
 * marked the IRP pending), close rundown order, ECPs, driver loading, and a
 * shutdown with requests still pending. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lwiod/driver.h"
#include "lwiod/internal.h"
#include "lwiod/iomgr.h"
#include "t/tap/tap.h"

/* ---- the test driver ---- */

struct test_file {
    char name[64];
};

static pthread_mutex_t drv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct io_irp *parked;           /* a pending read waiting for cancel/complete */
static int closes, shutdowns, cancels;
static struct io_async_control *cancel_me_during_dispatch;
static char events[256];                /* order of completions: "r" read, "c" close */

static void note(const char *what)
{
    pthread_mutex_lock(&drv_lock);
    strncat(events, what, sizeof events - strlen(events) - 1);
    pthread_mutex_unlock(&drv_lock);
}

/* "race" files park reads in a queue that a completer thread drains, while
 * the issuer cancels: cancel and completion race on every IRP. */
#define RACE_QUEUE 4096
static struct io_irp *race_queue[RACE_QUEUE];
static int race_count;
static bool race_stop;

static bool race_remove(struct io_irp *irp)
{
    for (int i = 0; i < race_count; i++) {
        if (race_queue[i] == irp) {
            race_queue[i] = race_queue[--race_count];
            return true;
        }
    }
    return false;
}

static void on_race_cancel(struct io_irp *irp, void *context)
{
    pthread_mutex_lock(&drv_lock);
    bool mine = race_remove(irp);
    pthread_mutex_unlock(&drv_lock);
    if (mine) {
        irp->status_block.status = STATUS_CANCELLED;
        IoIrpComplete(irp);
    }
}

static void *race_completer(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&drv_lock);
        struct io_irp *irp = race_count ? race_queue[--race_count] : NULL;
        bool stop = race_stop;
        pthread_mutex_unlock(&drv_lock);
        if (irp) {
            irp->status_block.status = STATUS_SUCCESS;
            irp->status_block.information = 1;
            IoIrpComplete(irp);
        } else if (stop) {
            return NULL;
        } else {
            sched_yield();
        }
    }
}

static void on_cancel(struct io_irp *irp, void *context)
{
    pthread_mutex_lock(&drv_lock);
    bool mine = parked == irp;
    if (mine)
        parked = NULL;
    cancels++;
    pthread_mutex_unlock(&drv_lock);
    if (mine) {
        irp->status_block.status = STATUS_CANCELLED;
        IoIrpComplete(irp);
    }
}

static void write_worker(void *context)
{
    struct io_irp *irp = context;
    usleep(1000);
    irp->status_block.status = STATUS_SUCCESS;
    irp->status_block.information = irp->args.write.length;
    IoIrpComplete(irp);
}

/* Completes at once from a worker: the completion often runs before the
 * dispatching thread has returned from the I/O manager. */
static void fast_write_worker(void *context)
{
    struct io_irp *irp = context;
    irp->status_block.status = STATUS_SUCCESS;
    irp->status_block.information = irp->args.write.length;
    IoIrpComplete(irp);
}

static NTSTATUS test_dispatch(struct io_device *device, struct io_irp *irp)
{
    struct test_file *tf = IoIrpGetFileContext(irp);
    switch (irp->type) {
    case IRP_TYPE_CREATE:
        if (strcmp(irp->args.create.path, "missing") == 0)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        tf = calloc(1, sizeof *tf);
        snprintf(tf->name, sizeof tf->name, "%s", irp->args.create.path);
        IoFileSetContext(irp->file, tf);
        if (IoEcpListFind(irp->args.create.ecps, "test.ecp", NULL, NULL) == STATUS_SUCCESS)
            IoEcpAcknowledge(irp->args.create.ecps, "test.ecp");
        irp->status_block.information = FILE_OPENED;
        return STATUS_SUCCESS;
    case IRP_TYPE_CLOSE:
        free(tf);
        pthread_mutex_lock(&drv_lock);
        closes++;
        pthread_mutex_unlock(&drv_lock);
        return STATUS_SUCCESS;
    case IRP_TYPE_READ:
        if (strcmp(tf->name, "now") == 0) {
            memset(irp->args.read.buffer, 'x', irp->args.read.length);
            irp->status_block.information = irp->args.read.length;
            return STATUS_SUCCESS;
        }
        if (strcmp(tf->name, "early") == 0) {
            /* Completes before dispatch returns: the caller must see it as
             * synchronous. */
            IoIrpMarkPending(irp, NULL, NULL);
            irp->status_block.status = STATUS_END_OF_FILE;
            IoIrpComplete(irp);
            return STATUS_PENDING;
        }
        if (strcmp(tf->name, "race") == 0) {
            pthread_mutex_lock(&drv_lock);
            bool room = race_count < RACE_QUEUE;
            if (room) {
                race_queue[race_count++] = irp;
                IoIrpMarkPending(irp, on_race_cancel, NULL);
            }
            pthread_mutex_unlock(&drv_lock);
            return room ? STATUS_PENDING : STATUS_INSUFFICIENT_RESOURCES;
        }
        if (cancel_me_during_dispatch)
            IoCancel(cancel_me_during_dispatch->cancel);
        pthread_mutex_lock(&drv_lock);
        parked = irp;
        pthread_mutex_unlock(&drv_lock);
        IoIrpMarkPending(irp, on_cancel, NULL);
        return STATUS_PENDING;
    case IRP_TYPE_WRITE:
        IoIrpMarkPending(irp, NULL, NULL);
        if (IoWorkQueue(strcmp(tf->name, "fast") == 0 ? fast_write_worker : write_worker, irp) !=
            STATUS_SUCCESS) {
            irp->status_block.status = STATUS_INSUFFICIENT_RESOURCES;
            IoIrpComplete(irp);
        }
        return STATUS_PENDING;
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}

static void test_shutdown(struct io_driver *driver) { shutdowns++; }
static struct io_driver *test_driver;

static NTSTATUS test_entry(struct io_driver *driver, uint32_t version)
{
    if (version != IO_DRIVER_INTERFACE_VERSION)
        return STATUS_REVISION_MISMATCH;
    IoDriverInitialize(driver, NULL, test_shutdown, test_dispatch);
    test_driver = driver;
    return IoDeviceCreate(NULL, driver, "test", NULL);
}

static NTSTATUS failing_entry(struct io_driver *driver, uint32_t version)
{
    IoDriverInitialize(driver, NULL, NULL, test_dispatch);
    IoDeviceCreate(NULL, driver, "broken", NULL);
    return STATUS_UNSUCCESSFUL;
}

/* ---- helpers ---- */

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls;
    const char *tag;
    struct io_async_control async;
    struct io_status_block status;
};

static void waiter_init(struct waiter *w, const char *tag)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->tag = tag;
}

static void waiter_done(void *context)
{
    struct waiter *w = context;
    if (w->tag)
        note(w->tag);
    pthread_mutex_lock(&w->lock);
    w->calls++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

static struct io_async_control *waiter_async(struct waiter *w)
{
    w->async.callback = waiter_done;
    w->async.context = w;
    return &w->async;
}

static int waiter_wait(struct waiter *w)
{
    pthread_mutex_lock(&w->lock);
    for (int i = 0; i < 500 && w->calls == 0; i++) {
        pthread_mutex_unlock(&w->lock);
        usleep(10000);
        pthread_mutex_lock(&w->lock);
    }
    int calls = w->calls;
    pthread_mutex_unlock(&w->lock);
    return calls;
}

static NTSTATUS open_file(struct access_token *token, const char *path, struct io_file **file)
{
    struct io_status_block sb;
    struct io_create_params p = { .path = path, .desired_access = FILE_GENERIC_READ,
                                  .create_disposition = FILE_OPEN };
    return IoCreateFile(file, NULL, &sb, token, &p);
}

static void *complete_later(void *arg)
{
    (void)arg;
    for (int i = 0; i < 500; i++) {
        pthread_mutex_lock(&drv_lock);
        struct io_irp *irp = parked;
        parked = NULL;
        pthread_mutex_unlock(&drv_lock);
        if (irp) {
            irp->status_block.status = STATUS_SUCCESS;
            irp->status_block.information = 3;
            IoIrpComplete(irp);
            return NULL;
        }
        usleep(2000);
    }
    return NULL;
}

/* ---- cancel racing completion ---- */

#define RACE_THREADS 4
#define RACE_ROUNDS 1500

struct race_call {
    struct io_async_control async;
    struct io_status_block status;
    atomic_int callbacks;
    uint8_t buf[4];
};

static struct io_file *race_file;
static struct access_token *race_token;

static void race_done(void *context)
{
    struct race_call *c = context;
    atomic_fetch_add(&c->callbacks, 1);
}

static void *race_issuer(void *arg)
{
    struct race_call *calls = arg;
    for (int i = 0; i < RACE_ROUNDS; i++) {
        struct race_call *c = &calls[i];
        c->async.callback = race_done;
        c->async.context = c;
        NTSTATUS status = IoReadFile(race_file, &c->async, &c->status, race_token, c->buf, 4,
                                     NULL, 0);
        if (status == STATUS_PENDING) {
            if (i & 1)
                IoCancel(c->async.cancel);
            IoCancelRefRelease(c->async.cancel);
        } else {
            /* Finished synchronously: no callback will come; count it here. */
            atomic_fetch_add(&c->callbacks, 1);
        }
    }
    return NULL;
}

/* A caller that releases its reference in the completion callback (srv
 * does): the I/O manager must not touch the IRP after a pending dispatch
 * returns, because by then the IRP may be gone. ASan catches a regression. */
struct release_call {
    struct io_async_control async;
    struct io_status_block status;
    atomic_int *done;
};

static void release_on_completion(void *context)
{
    struct release_call *c = context;
    IoCancelRefRelease(c->async.cancel);
    atomic_fetch_add(c->done, 1);
    free(c);
}

/* Lets the worker complete (and the callback free) the IRP before irp_run
 * goes on: without it the window is a few instructions wide. */
static void linger_after_dispatch(void)
{
    usleep(200);
}

static void release_in_callback_race(struct access_token *token)
{
    struct io_file *file;
    if (!ok(open_file(token, "\\test\\fast", &file) == STATUS_SUCCESS, "open 'fast'"))
        return;
    atomic_int done = 0;
    int pending = 0;
    irp_test_after_pending_dispatch = linger_after_dispatch;
    for (int i = 0; i < 2000; i++) {
        struct release_call *c = calloc(1, sizeof *c);
        if (!c)
            break;
        c->async.callback = release_on_completion;
        c->async.context = c;
        c->done = &done;
        NTSTATUS status = IoWriteFile(file, &c->async, &c->status, token, "data", 4, NULL, 0);
        if (status == STATUS_PENDING)
            pending++;
        else
            free(c); /* finished synchronously: no callback, no reference */
    }
    irp_test_after_pending_dispatch = NULL;
    for (int waited = 0; waited < 1000 && atomic_load(&done) < pending; waited++)
        usleep(10000);
    is_int(atomic_load(&done), pending,
           "2000 writes completed at once by a worker, the caller releasing in the callback");
    struct io_status_block sb;
    IoCloseFile(file, NULL, &sb);
}

static void cancel_race(struct access_token *token)
{
    race_token = token;
    if (!ok(open_file(token, "\\test\\race", &race_file) == STATUS_SUCCESS, "open 'race'"))
        return;
    static struct race_call calls[RACE_THREADS][RACE_ROUNDS];
    pthread_t completer, issuers[RACE_THREADS];
    race_stop = false;
    pthread_create(&completer, NULL, race_completer, NULL);
    for (int t = 0; t < RACE_THREADS; t++)
        pthread_create(&issuers[t], NULL, race_issuer, calls[t]);
    for (int t = 0; t < RACE_THREADS; t++)
        pthread_join(issuers[t], NULL);
    pthread_mutex_lock(&drv_lock);
    race_stop = true;
    pthread_mutex_unlock(&drv_lock);
    pthread_join(completer, NULL);
    int once = 0, cancelled = 0, completed = 0;
    for (int t = 0; t < RACE_THREADS; t++) {
        for (int i = 0; i < RACE_ROUNDS; i++) {
            once += atomic_load(&calls[t][i].callbacks) == 1;
            cancelled += calls[t][i].status.status == STATUS_CANCELLED;
            completed += calls[t][i].status.status == STATUS_SUCCESS;
        }
    }
    is_int(once, RACE_THREADS * RACE_ROUNDS,
           "cancel racing completion: every call finished exactly once");
    is_int(cancelled + completed, RACE_THREADS * RACE_ROUNDS,
           "each either cancelled (%d) or completed (%d)", cancelled, completed);
    struct io_status_block sb;
    IoCloseFile(race_file, NULL, &sb);
}

int main(void)
{
    struct lwiod_config config;
    struct access_token *token = token_new_system();
    struct io_file *file = NULL, *f2 = NULL;
    struct io_status_block sb;
    uint8_t buf[16];
    NTSTATUS status;

    log_open("lwiod-core-test", LOG_LEVEL_ERROR, 0);
    /* The failures this test provokes are logged; keep prove's output clean. */
    if (!getenv("LWIOD_TEST_VERBOSE") && !freopen("/dev/null", "w", stderr))
        return 1;
    lwiod_config_init(&config, "/nonexistent/registry.db");
    lwiod_config_set_list(&config.drivers, &config.driver_count, "test,broken,nosuchdriver");
    lwiod_config_set_list(&config.required_drivers, &config.required_count, "test");
    lwiod_config_add_setting(&config, "test.colour=blue");
    iomgr_register_static_driver("test", test_entry);
    iomgr_register_static_driver("broken", failing_entry);
    ok(iomgr_init(&config) == STATUS_SUCCESS, "iomgr starts");
    ok(iomgr_load_drivers() == STATUS_SUCCESS,
       "a failing and a missing optional driver do not stop startup");

    /* Namespace and create. */
    ok(open_file(token, "\\broken\\x", &file) == STATUS_OBJECT_PATH_NOT_FOUND,
       "the devices of a driver whose DriverEntry failed are gone");
    ok(open_file(token, "\\nope\\x", &file) == STATUS_OBJECT_PATH_NOT_FOUND && file == NULL,
       "unknown device: STATUS_OBJECT_PATH_NOT_FOUND");
    ok(open_file(token, "test\\x", &file) == STATUS_OBJECT_PATH_SYNTAX_BAD,
       "a path must start with a backslash");
    ok(open_file(token, "\\test\\\\x", &file) == STATUS_OBJECT_NAME_INVALID,
       "an empty component after the device is refused");
    ok(open_file(token, "\\TEST\\missing", &file) == STATUS_OBJECT_NAME_NOT_FOUND && !file,
       "a driver's create failure reaches the caller (device names ignore case)");

    struct io_ecp_list *ecps;
    IoEcpListCreate(&ecps);
    IoEcpListAdd(ecps, "test.ecp", "abc", 3);
    IoEcpListAdd(ecps, "other.ecp", "", 0);
    struct io_create_params p = { .path = "\\test\\now", .create_disposition = FILE_OPEN,
                                  .ecps = ecps };
    status = IoCreateFile(&file, NULL, &sb, token, &p);
    ok(status == STATUS_SUCCESS && file && sb.information == FILE_OPENED,
       "synchronous create returns the file and the create action");
    ok(IoEcpIsAcknowledged(ecps, "test.ecp") && !IoEcpIsAcknowledged(ecps, "other.ecp"),
       "the driver acknowledged the ECP it understood");
    is_int((long long)IoEcpListCount(ecps), 2, "two ECPs in the list");
    IoEcpListFree(ecps);
    is_str(IoFileGetPath(file), "now", "the driver sees the path relative to the device");
    char *colour = IoDriverGetSetting(test_driver, "colour");
    is_str(colour, "blue", "a driver reads its setting");
    free(colour);
    ok(IoDriverGetSetting(test_driver, "col") == NULL, "an unset setting is NULL");

    status = IoReadFile(file, NULL, &sb, token, buf, sizeof buf, NULL, 0);
    ok(status == STATUS_SUCCESS && sb.information == sizeof buf && buf[0] == 'x',
       "synchronous read completed by dispatch");

    /* Early completion: pending + completed inside dispatch = synchronous. */
    struct waiter w;
    ok(open_file(token, "\\test\\early", &f2) == STATUS_SUCCESS, "open 'early'");
    waiter_init(&w, NULL);
    status = IoReadFile(f2, waiter_async(&w), &w.status, token, buf, 4, NULL, 0);
    ok(status == STATUS_END_OF_FILE && w.status.status == STATUS_END_OF_FILE,
       "completion before dispatch returns is reported synchronously");
    usleep(20000);
    is_int(w.calls, 0, "and the callback is not called");
    ok(w.async.cancel == NULL, "no cancel reference is handed out");
    IoCloseFile(f2, NULL, &sb);

    /* Pending read, cancelled. */
    ok(open_file(token, "\\test\\slow", &f2) == STATUS_SUCCESS, "open 'slow'");
    waiter_init(&w, NULL);
    status = IoReadFile(f2, waiter_async(&w), &w.status, token, buf, 4, NULL, 0);
    ok(status == STATUS_PENDING && w.async.cancel, "a parked read is pending");
    IoCancel(w.async.cancel);
    ok(waiter_wait(&w) == 1 && w.status.status == STATUS_CANCELLED,
       "cancel reaches the driver and the callback reports STATUS_CANCELLED");
    IoCancel(w.async.cancel); /* after completion: a no-op */
    IoCancelRefRelease(w.async.cancel);

    /* Cancel requested inside dispatch, before IoIrpMarkPending. */
    waiter_init(&w, NULL);
    cancel_me_during_dispatch = &w.async;
    status = IoReadFile(f2, waiter_async(&w), &w.status, token, buf, 4, NULL, 0);
    cancel_me_during_dispatch = NULL;
    ok(status == STATUS_PENDING, "read pending");
    ok(waiter_wait(&w) == 1 && w.status.status == STATUS_CANCELLED,
       "a cancel that raced the dispatch is delivered once it returned");
    IoCancelRefRelease(w.async.cancel);

    /* A synchronous caller waits for completion from another thread. */
    pthread_t thread;
    pthread_create(&thread, NULL, complete_later, NULL);
    status = IoReadFile(f2, NULL, &sb, token, buf, 4, NULL, 0);
    pthread_join(thread, NULL);
    ok(status == STATUS_SUCCESS && sb.information == 3,
       "a synchronous read waits for IoIrpComplete from another thread");

    /* Completion from the worker pool. */
    waiter_init(&w, NULL);
    status = IoWriteFile(f2, waiter_async(&w), &w.status, token, "hello", 5, NULL, 0);
    ok(status == STATUS_PENDING, "write queued on the worker pool");
    ok(waiter_wait(&w) == 1 && w.status.status == STATUS_SUCCESS && w.status.information == 5,
       "the worker completes it");
    IoCancelRefRelease(w.async.cancel);

    /* Close while a read is pending: the read is cancelled first, then the
     * driver's close runs, and the caller sees them in that order. */
    struct waiter rw, cw;
    waiter_init(&rw, "r");
    waiter_init(&cw, "c");
    events[0] = '\0';
    int closes_before = closes;
    status = IoReadFile(f2, waiter_async(&rw), &rw.status, token, buf, 4, NULL, 0);
    ok(status == STATUS_PENDING, "read pending before close");
    status = IoCloseFile(f2, waiter_async(&cw), &cw.status);
    ok(status == STATUS_SUCCESS || status == STATUS_PENDING, "close accepted");
    if (status == STATUS_PENDING)
        waiter_wait(&cw);
    ok(rw.status.status == STATUS_CANCELLED, "the pending read was cancelled by the close");
    is_int(closes - closes_before, 1, "the driver got one close");
    ok(strncmp(events, "r", 1) == 0, "the read completed before the close (%s)", events);
    IoCancelRefRelease(rw.async.cancel);
    IoCancelRefRelease(cw.async.cancel);

    cancel_race(token);
    release_in_callback_race(token);

    /* Shutdown with a file open and a read pending. */
    ok(open_file(token, "\\test\\parked", &f2) == STATUS_SUCCESS, "open 'parked'");
    waiter_init(&w, NULL);
    status = IoReadFile(f2, waiter_async(&w), &w.status, token, buf, 4, NULL, 0);
    ok(status == STATUS_PENDING, "read pending at shutdown");
    closes_before = closes;
    iomgr_shutdown();
    ok(w.calls == 1 && w.status.status == STATUS_CANCELLED, "shutdown cancelled the read");
    is_int(closes - closes_before, 2, "shutdown closed both open files");
    is_int(shutdowns, 1, "the driver's shutdown routine ran once");
    IoCancelRefRelease(w.async.cancel);
    ok(open_file(token, "\\test\\now", &file) == STATUS_INVALID_DEVICE_STATE,
       "no create after shutdown");

    /* A required driver that fails stops startup. */
    lwiod_config_set_list(&config.drivers, &config.driver_count, "broken");
    lwiod_config_set_list(&config.required_drivers, &config.required_count, "broken");
    ok(iomgr_init(&config) == STATUS_SUCCESS, "iomgr starts again");
    ok(iomgr_load_drivers() != STATUS_SUCCESS, "a failing required driver fails startup");
    iomgr_shutdown();

    lwiod_config_free(&config);
    token_free(token);
    return done_testing();
}
