/* The I/O manager's objects, private to the lwiod core (the files in lwiod/, not its clients).
 *
 * Lifetimes
 *   driver, device  live from load until iomgr_shutdown() unloads them; no
 *                   reference counts (nothing outlives shutdown).
 *   file            one reference for its opener (dropped when its close
 *                   completes, or when its create fails) plus one per IRP in
 *                   flight on it. Freed at zero.
 *   irp             one reference for the request in flight (dropped after
 *                   completion is delivered), one for a synchronous waiter,
 *                   one per io_cancel_ref handed out, one while a cancel
 *                   callback runs. Freed at zero.
 *
 * Lock order (a thread holding a lock may take only locks further right):
 *
 *   iomgr.namespace_lock -> iomgr.files_lock -> file->lock -> irp->lock
 *   worker_pool.lock is a leaf (nothing is taken while holding it).
 *   lwiod/server.c: conn->lock is taken before none of the above (the socket
 *   server never calls into the I/O manager while holding it).
 *
 * No lock of the I/O manager is held while it calls out: driver dispatch,
 * cancel callbacks, shutdown routines, and callers' completion callbacks all
 * run with no I/O manager lock held, so they may call back into any Io*
 * function. */
#ifndef SW_LWIOD_INTERNAL_H
#define SW_LWIOD_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "lwiod/driver.h"
#include "lwiod/iomgr.h"

struct io_driver {
    char *name;
    void *dl_handle;                 /* NULL for a static driver */
    void *context;
    io_driver_dispatch_fn dispatch;
    io_driver_shutdown_fn shutdown;
    io_driver_reconfigure_fn reconfigure; /* NULL: the driver reads settings as it goes */
    struct io_driver *next;          /* load order */
};

struct io_device {
    char *name;
    struct io_driver *driver;
    void *context;
    struct io_device *next;
};

enum io_file_state {
    IO_FILE_OPENING,   /* its create IRP is in flight */
    IO_FILE_OPEN,
    IO_FILE_CLOSING,   /* close requested: waiting for IRPs in flight, then the close IRP */
    IO_FILE_CLOSED,    /* the close IRP has completed, or the create failed */
};

struct irp;

struct io_file {
    pthread_mutex_t lock;
    atomic_uint refs;
    enum io_file_state state;        /* under lock */
    struct io_device *device;
    char *path;                      /* relative to the device */
    void *context;                   /* the driver's; set during create */
    struct irp *in_flight;           /* IRPs dispatched and not completed (not the close) */
    unsigned in_flight_count;
    struct irp *close_irp;           /* set once closing; dispatched when in_flight_count == 0 */
    bool close_dispatched;
    struct access_token *token;      /* the opener's (carried by the close IRP) */
    struct io_file *prev, *next;     /* iomgr.files, under files_lock */
};

enum irp_state {
    IRP_STATE_NEW,          /* built, not yet dispatched */
    IRP_STATE_DISPATCHING,  /* inside the driver's dispatch routine */
    IRP_STATE_PENDING,      /* dispatch returned STATUS_PENDING */
    IRP_STATE_COMPLETED,    /* final status known */
};

struct irp {
    struct io_irp pub;               /* first: io_irp pointers are irp pointers */
    pthread_mutex_t lock;
    pthread_cond_t done_cond;        /* for a synchronous waiter */
    atomic_uint refs;
    enum irp_state state;            /* under lock */
    bool marked_pending;             /* IoIrpMarkPending was called */
    bool completed_early;            /* IoIrpComplete ran before dispatch returned */
    bool cancel_requested;
    bool cancel_delivered;
    bool finished;                   /* completion delivered to the caller */
    bool deliver_async;              /* the caller was told STATUS_PENDING: call back */
    io_irp_cancel_fn cancel_fn;
    void *cancel_context;
    /* The caller's side. */
    struct io_async_control *async;  /* NULL: a synchronous caller waits on done_cond */
    struct io_status_block *caller_status;
    struct io_file **caller_file;    /* create: where the new file goes */
    /* What the I/O manager owns for the IRP's life. */
    struct access_token *token;
    char *owned_path;
    char *owned_pattern;
    struct irp *prev, *next;         /* file->in_flight, under file->lock */
};

/* The process-wide I/O manager. */
struct iomgr {
    pthread_rwlock_t namespace_lock; /* drivers, devices, config */
    struct lwiod_config config;
    struct io_driver *drivers;       /* newest first */
    struct io_device *devices;
    bool running;
    bool shutting_down;

    pthread_mutex_t files_lock;      /* files list and open_count */
    pthread_cond_t files_cond;       /* signalled when a file is freed */
    struct io_file *files;
    unsigned file_count;
};

extern struct iomgr iomgr;

/* lwiod/irp.c */
/* A new IRP on file (which it references), with a copy of token (may be NULL
 * for a close) and the caller's completion arguments. */
struct irp *irp_new(enum io_irp_type type, struct io_file *file, const struct access_token *token,
                    struct io_async_control *async, struct io_status_block *status_block);
void irp_free_unsent(struct irp *irp);
void irp_ref(struct irp *irp);
void irp_unref(struct irp *irp);
/* Sends an IRP on an open file and returns what the Io* call returns (waits
 * for a synchronous caller). Consumes the IRP. */
NTSTATUS irp_submit(struct irp *irp);
/* The same for an IRP already linked into its file (create). */
NTSTATUS irp_call(struct irp *irp);
/* irp_call in two steps, for a close that may have to wait for the file's
 * IRPs in flight: take the caller's reference (and publish the cancel ref),
 * then dispatch now or not (irp_dispatch_deferred does it later) and wait or
 * return STATUS_PENDING. */
void irp_prepare_caller(struct irp *irp);
NTSTATUS irp_run(struct irp *irp, bool dispatch);
/* For tests only (t/lwiod-core.c); NULL otherwise: called in irp_run right
 * after a dispatch that left the IRP pending, to widen the window in which
 * its completion on another thread may free it. */
extern void (*irp_test_after_pending_dispatch)(void);
/* Dispatches an IRP whose caller was already told STATUS_PENDING (a deferred
 * close). */
void irp_dispatch_deferred(struct irp *irp);
void irp_cancel(struct irp *irp);
/* Under irp->lock: completed, or cancellation already requested. */
bool irp_cancel_settled(struct irp *irp);

/* lwiod/file.c */
struct io_file *file_new(struct io_device *device, const char *path,
                         const struct access_token *token);
void file_ref(struct io_file *file);
void file_unref(struct io_file *file);
/* Links an IRP in flight on an open file; STATUS_FILE_CLOSED if it is not. */
NTSTATUS file_start_irp(struct io_file *file, struct irp *irp);
/* Bookkeeping when an IRP on the file completes (no lock held). Returns a close
 * IRP that is now due for dispatch, or NULL. */
struct irp *file_irp_done(struct io_file *file, struct irp *irp);
/* Cancels every IRP in flight on every file. */
void file_cancel_all(void);
/* Closes every open file on the devices of a driver (NULL: every driver) and
 * waits up to timeout_ms for them to go away. false on timeout. */
bool file_close_all(struct io_driver *driver, int timeout_ms);

/* lwiod/workpool.c */
int workpool_start(unsigned min_threads, unsigned max_threads);
void workpool_stop(void);

/* lwiod/driver.c */
struct io_device *device_lookup(const char *name, size_t name_len);
/* Frees every device and driver (dlclose unless leaked: then a driver's code
 * might still run). */
void driver_unload_all(bool leaked);

#endif
