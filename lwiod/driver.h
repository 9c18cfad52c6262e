/* The lwiod I/O manager as a driver sees it: the one header drivers/pvfs,
 * drivers/npfs, drivers/srv ... include.
 *
 * Objects (all opaque except the IRP):
 *   driver  one loaded .so; its DriverEntry registers a dispatch routine.
 *   device  a name in the namespace ("pvfs" is \pvfs), owned by a driver.
 *   file    one open of a path on a device; the driver keeps its per-open
 *           state in the file's context pointer.
 *   IRP     one request (create, read, ...) on a file, with typed arguments,
 *           the caller's access token and an io_status_block to fill.
 *
 * A driver side, in short:
 *
 *   NTSTATUS DriverEntry(struct io_driver *driver, uint32_t version)
 *   {
 *       if (version != IO_DRIVER_INTERFACE_VERSION)
 *           return STATUS_REVISION_MISMATCH;
 *       IoDriverInitialize(driver, my_state, my_shutdown, my_dispatch);
 *       return IoDeviceCreate(&device, driver, "pvfs", my_device_state);
 *   }
 *
 * my_dispatch(device, irp) either finishes the request at once (fills
 * irp->status_block.information and returns the status), or calls
 * IoIrpMarkPending(irp, cancel_fn, ctx), returns STATUS_PENDING and later, from
 * any thread, sets irp->status_block and calls IoIrpComplete(irp) exactly once.
 * Work that blocks (disk I/O, a lookup) goes to the I/O manager's worker pool
 * with IoWorkQueue(), never onto the dispatching thread, so a slow disk never
 * stalls unrelated requests.
 *
 * Rules that keep the locking simple (the lock order is documented in
 * lwiod/iomgr.c):
 *   - The I/O manager never holds one of its locks while it calls a driver
 *     (dispatch, cancel callback, shutdown) or a caller's completion callback.
 *   - A driver must not hold its own locks when it calls IoIrpComplete() or
 *     any Io* call that issues an IRP: completion runs the caller's callback on
 *     the completing thread, and that callback may issue the next request.
 *   - Synchronous Io* calls (async == NULL) block: never make them from a
 *     dispatch routine or a completion callback; use them from your own
 *     threads or from a worker (IoWorkQueue) only.
 *
 * The same file also declares the calls that issue IRPs (IoCreateFile,
 * IoReadFile, ...), which srv uses in-process and the lwiod socket server uses
 * on behalf of lwio clients. Constants (dispositions, access masks, info
 * classes, FSCTLs) are in lwiod/ntfile.h. */
#ifndef SW_LWIOD_DRIVER_H
#define SW_LWIOD_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/token.h"
#include "lwiod/ntfile.h"

/* Bumped on any incompatible change to this header. */
#define IO_DRIVER_INTERFACE_VERSION 1u

struct io_driver;
struct io_device;
struct io_file;
struct io_irp;
struct io_ecp_list;
struct io_cancel_ref;

/* ======================================================================
 * Drivers and devices
 * ====================================================================== */

/* Every driver .so exports this symbol (IO_DRIVER_ENTRY_NAME). It returns
 * STATUS_SUCCESS once it has called IoDriverInitialize and created its devices;
 * any other status makes lwiod log the failure and unload the driver. */
#define IO_DRIVER_ENTRY_NAME "DriverEntry"
typedef NTSTATUS (*io_driver_entry_fn)(struct io_driver *driver, uint32_t interface_version);

/* Handles every IRP sent to one of the driver's devices (see the top). */
typedef NTSTATUS (*io_driver_dispatch_fn)(struct io_device *device, struct io_irp *irp);
/* Called once at shutdown, after every file on the driver's devices is closed
 * and every IRP completed; frees the driver's state. */
typedef void (*io_driver_shutdown_fn)(struct io_driver *driver);

/* Registers the driver's dispatch and shutdown routines and its context. Call
 * once, from DriverEntry. */
NTSTATUS IoDriverInitialize(struct io_driver *driver, void *driver_context,
                            io_driver_shutdown_fn shutdown, io_driver_dispatch_fn dispatch);
void *IoDriverGetContext(struct io_driver *driver);
/* Called after lwiod re-read its settings: on SIGHUP and whenever the
 * registry changed (any committed change: a setting, a share, an account),
 * at most about once a second, from lwiod's main thread with no I/O manager
 * lock held (so it may block briefly: read the registry, wait for a network
 * thread). The driver applies what changed (srv: new settings, deleted
 * shares, disabled users). Optional: call once, after IoDriverInitialize. */
typedef void (*io_driver_reconfigure_fn)(struct io_driver *driver);
void IoDriverSetReconfigure(struct io_driver *driver, io_driver_reconfigure_fn reconfigure);
/* The name the driver was loaded as ("pvfs"). */
const char *IoDriverGetName(struct io_driver *driver);
/* A setting of this driver: a new copy (free() it) of the text value of
 * "<driver name>.<name>" (e.g. "srv.port"): the registry's value (its default
 * if never set), unless `lwiod --set srv.port=4450` overrides it; NULL if no
 * such setting. Values are re-read on SIGHUP and when the registry changes, so
 * read them where they apply (a new connection) rather than once. Drivers
 * that need more (shares) open the registry at IoGetDatabasePath(). */
char *IoDriverGetSetting(struct io_driver *driver, const char *name);
/* The registry path lwiod runs with (absolute). */
const char *IoGetDatabasePath(void);

/* Creates a device named `name` (ASCII, no backslash, matched without regard
 * to case): "pvfs" makes \pvfs\... paths reach this driver. Fails with
 * STATUS_OBJECT_NAME_COLLISION if the name is taken. */
NTSTATUS IoDeviceCreate(struct io_device **device, struct io_driver *driver, const char *name,
                        void *device_context);
void *IoDeviceGetContext(struct io_device *device);
const char *IoDeviceGetName(struct io_device *device);

/* ======================================================================
 * File objects
 * ====================================================================== */

/* The driver's per-open state: set it while handling IRP_TYPE_CREATE, free it
 * while handling IRP_TYPE_CLOSE (the last IRP a file ever sees). */
void IoFileSetContext(struct io_file *file, void *context);
void *IoFileGetContext(struct io_file *file);
struct io_device *IoFileGetDevice(struct io_file *file);
/* The path the file was opened with, relative to its device ("dir\name"). */
const char *IoFileGetPath(struct io_file *file);
/* True once IoCloseFile was called on the file: a cancel callback tells a
 * cancel from a close with it (a change notify then ends with
 * STATUS_NOTIFY_CLEANUP rather than STATUS_CANCELLED, [MS-FSA] 2.1.5.4). */
bool IoFileIsClosing(struct io_file *file);

/* ======================================================================
 * Extra create parameters (ECPs)
 * ====================================================================== */

/* A caller builds a list and passes it to IoCreateFile; the data is copied. */
NTSTATUS IoEcpListCreate(struct io_ecp_list **list);
void IoEcpListFree(struct io_ecp_list *list);
/* Adds (or replaces) the ECP of this type. */
NTSTATUS IoEcpListAdd(struct io_ecp_list *list, const char *type, const void *data, size_t size);
/* A driver looks an ECP up: STATUS_NOT_FOUND if absent (list may be NULL). */
NTSTATUS IoEcpListFind(const struct io_ecp_list *list, const char *type, const void **data,
                       size_t *size);
/* Iteration (for marshalling): index < IoEcpListCount(list). */
size_t IoEcpListCount(const struct io_ecp_list *list);
void IoEcpListGet(const struct io_ecp_list *list, size_t index, const char **type,
                  const void **data, size_t *size);
/* A driver marks the ECPs it understood; a caller may check afterwards. */
void IoEcpAcknowledge(struct io_ecp_list *list, const char *type);
bool IoEcpIsAcknowledged(const struct io_ecp_list *list, const char *type);

/* ======================================================================
 * IRPs
 * ====================================================================== */

enum io_irp_type {
    IRP_TYPE_CREATE = 1,
    IRP_TYPE_CLOSE,
    IRP_TYPE_READ,
    IRP_TYPE_WRITE,
    IRP_TYPE_DEVICE_IO_CONTROL,
    IRP_TYPE_FS_CONTROL,
    IRP_TYPE_FLUSH_BUFFERS,
    IRP_TYPE_QUERY_INFORMATION,
    IRP_TYPE_SET_INFORMATION,
    IRP_TYPE_QUERY_DIRECTORY,
    IRP_TYPE_QUERY_VOLUME_INFORMATION,
    IRP_TYPE_SET_VOLUME_INFORMATION,
    IRP_TYPE_LOCK_CONTROL,
    IRP_TYPE_QUERY_SECURITY,
    IRP_TYPE_SET_SECURITY,
    IRP_TYPE_QUERY_EA,          /* NtQueryEaFile; EAs are set with SET_INFORMATION,
                                   FileFullEaInformation */
    IRP_TYPE_READ_DIRECTORY_CHANGE, /* NtNotifyChangeDirectoryFile */
};

enum io_lock_operation {
    IO_LOCK_CONTROL_LOCK = 1,   /* lock [offset, offset+length) */
    IO_LOCK_CONTROL_UNLOCK,     /* unlock exactly that range, taken with that key */
};

/* What the caller asks to open (IoCreateFile) and what the driver sees in
 * irp->args.create. Unused fields are zero/NULL. */
struct io_create_params {
    /* IoCreateFile: the full path, "\device\dir\name" (backslashes).
     * In the IRP: the path relative to the device, "dir\name", without a
     * leading backslash; "" opens the device's root. Valid UTF-8, no NUL. */
    const char *path;
    uint32_t desired_access;        /* FILE_READ_DATA, GENERIC_READ, ... */
    uint32_t share_access;          /* FILE_SHARE_* */
    uint32_t create_disposition;    /* FILE_OPEN, FILE_CREATE, ... */
    uint32_t create_options;        /* FILE_DIRECTORY_FILE, ... */
    uint32_t file_attributes;       /* FILE_ATTRIBUTE_* for a new file */
    uint64_t allocation_size;
    const void *security_descriptor; /* self-relative, for a new file; may be NULL */
    size_t security_descriptor_size;
    const void *ea_buffer;           /* FILE_FULL_EA_INFORMATION chain; may be NULL */
    size_t ea_size;
    struct io_ecp_list *ecps;        /* may be NULL; the caller keeps ownership */
};

struct io_irp {
    enum io_irp_type type;
    struct io_file *file;
    /* The caller's access token; valid for the IRP's life, owned by the I/O
     * manager (token_copy it to keep it longer, e.g. in a file context). */
    const struct access_token *token;
    /* The driver fills this: status (also the dispatch return value when not
     * pending) and information (bytes transferred, create action, ...). */
    struct io_status_block status_block;
    union {
        struct io_create_params create;
        struct {
            void *buffer;       /* read: fill up to length bytes */
            uint32_t length;
            uint64_t offset;    /* byte offset (ignored by pipes) */
            bool has_offset;    /* false: use the file's current position */
            uint32_t key;       /* byte-range lock key */
        } read;
        struct {
            const void *buffer;
            uint32_t length;
            uint64_t offset;
            bool has_offset;
            uint32_t key;
        } write;
        struct {                /* IRP_TYPE_FS_CONTROL and IRP_TYPE_DEVICE_IO_CONTROL */
            uint32_t control_code;
            const void *input_buffer;
            uint32_t input_length;
            void *output_buffer; /* information = bytes written here */
            uint32_t output_length;
        } io_control;
        struct {                /* IRP_TYPE_QUERY_INFORMATION, IRP_TYPE_QUERY_VOLUME_INFORMATION */
            uint32_t info_class; /* enum file_information_class / fs_information_class */
            void *buffer;
            uint32_t length;
        } query_information;
        struct {                /* IRP_TYPE_SET_INFORMATION, IRP_TYPE_SET_VOLUME_INFORMATION */
            uint32_t info_class;
            const void *buffer;
            uint32_t length;
        } set_information;
        struct {
            uint32_t info_class; /* FileIdBothDirectoryInformation, ... */
            void *buffer;
            uint32_t length;
            const char *pattern; /* UTF-8 wildcard pattern, NULL = "*" */
            bool restart_scan;
            bool return_single_entry;
        } query_directory;
        struct {
            enum io_lock_operation operation;
            uint64_t offset;
            uint64_t length;
            uint32_t key;
            uint32_t flags;     /* SL_FAIL_IMMEDIATELY | SL_EXCLUSIVE_LOCK (lock only) */
        } lock_control;
        struct {
            uint32_t security_information; /* OWNER_SECURITY_INFORMATION | ... */
            void *buffer;       /* self-relative descriptor out; if too small:
                                   STATUS_BUFFER_TOO_SMALL, information = size needed */
            uint32_t length;
        } query_security;
        struct {
            uint32_t security_information;
            const void *buffer; /* self-relative descriptor */
            uint32_t length;
        } set_security;
        struct {                /* IRP_TYPE_QUERY_EA ([MS-FSA] 2.1.5.12.12) */
            void *buffer;       /* FILE_FULL_EA_INFORMATION entries out */
            uint32_t length;
            const void *ea_list; /* FILE_GET_EA_INFORMATION chain (untrusted), or NULL */
            uint32_t ea_list_length;
            uint32_t ea_index;  /* 1-based; only when has_ea_index */
            bool has_ea_index;
            bool return_single_entry;
            bool restart_scan;
        } query_ea;
        struct {                /* IRP_TYPE_READ_DIRECTORY_CHANGE ([MS-FSA] 2.1.5.11) */
            void *buffer;       /* FILE_NOTIFY_INFORMATION records out */
            uint32_t length;
            uint32_t completion_filter; /* FILE_NOTIFY_CHANGE_* */
            bool watch_tree;    /* also changes in subdirectories */
        } read_directory_change;
    } args;
};

/* Called (at most once, from any thread) when the caller cancels a pending
 * IRP or lwiod shuts down. The IRP stays valid during the call even if it
 * completes meanwhile, so: take your lock, if the IRP is still queued in your
 * state remove it, drop the lock, set status_block.status = STATUS_CANCELLED
 * and IoIrpComplete it; if it is already gone, do nothing. */
typedef void (*io_irp_cancel_fn)(struct io_irp *irp, void *cancel_context);

/* Declares that the dispatch routine will return STATUS_PENDING. cancel may
 * be NULL (the IRP cannot be cancelled; it must then complete on its own in
 * bounded time). A cancel requested before this call is delivered once the
 * dispatch routine has returned. */
void IoIrpMarkPending(struct io_irp *irp, io_irp_cancel_fn cancel, void *cancel_context);
/* Finishes a pending IRP with irp->status_block. After this call the IRP
 * belongs to the I/O manager again: do not touch it. */
void IoIrpComplete(struct io_irp *irp);
/* True once cancellation was requested (a worker may poll it between steps). */
bool IoIrpIsCancelled(struct io_irp *irp);
/* The driver's per-open state of the IRP's file (IoFileGetContext shortcut). */
void *IoIrpGetFileContext(struct io_irp *irp);

/* ======================================================================
 * The worker pool
 * ====================================================================== */

typedef void (*io_work_fn)(void *context);
/* Runs fn(context) on one of the I/O manager's worker threads (the pool grows
 * when every worker is busy, up to its configured maximum, then queues).
 * STATUS_INSUFFICIENT_RESOURCES if it cannot be queued (out of memory, or
 * lwiod is past the point of shutdown where the pool stops). */
NTSTATUS IoWorkQueue(io_work_fn fn, void *context);

/* ======================================================================
 * Issuing requests (srv in-process, the lwiod socket server, tests)
 * ====================================================================== */

/* Every call below takes an optional io_async_control and an io_status_block.
 *   async == NULL: synchronous; returns the final status, also stored in
 *     *status_block (see the rules above about where blocking is allowed).
 *   async != NULL: returns the final status at once when the driver finished
 *     the request synchronously (the callback is NOT called), or
 *     STATUS_PENDING: then *status_block, the output arguments (the new file
 *     of a create, the read buffer) are filled later and callback(context)
 *     runs once, on some thread, after that. Until then every buffer and
 *     output pointer passed in must stay valid. async->cancel receives a
 *     reference for IoCancel; release it with IoCancelRefRelease (also after
 *     completion). */
typedef void (*io_completion_fn)(void *context);
struct io_async_control {
    io_completion_fn callback;
    void *context;
    struct io_cancel_ref *cancel; /* out, set when STATUS_PENDING is returned */
};

/* Requests cancellation of a pending call (no-op once it has completed). */
void IoCancel(struct io_cancel_ref *ref);
void IoCancelRefRelease(struct io_cancel_ref *ref);

/* Opens params->path ("\npfs\srvsvc") for token. On success *file is the new
 * file and status_block->information the create action (FILE_OPENED, ...). */
NTSTATUS IoCreateFile(struct io_file **file, struct io_async_control *async,
                      struct io_status_block *status_block, const struct access_token *token,
                      const struct io_create_params *params);
/* Closes a file: new requests on it fail with STATUS_FILE_CLOSED, pending ones
 * are cancelled, and once they have all completed the driver gets
 * IRP_TYPE_CLOSE. The file pointer is invalid once the close completes. A
 * close always succeeds in the end (a driver's error is logged). */
NTSTATUS IoCloseFile(struct io_file *file, struct io_async_control *async,
                     struct io_status_block *status_block);

NTSTATUS IoReadFile(struct io_file *file, struct io_async_control *async,
                    struct io_status_block *status_block, const struct access_token *token,
                    void *buffer, uint32_t length, const uint64_t *offset, uint32_t key);
NTSTATUS IoWriteFile(struct io_file *file, struct io_async_control *async,
                     struct io_status_block *status_block, const struct access_token *token,
                     const void *buffer, uint32_t length, const uint64_t *offset, uint32_t key);
NTSTATUS IoDeviceIoControlFile(struct io_file *file, struct io_async_control *async,
                               struct io_status_block *status_block,
                               const struct access_token *token, uint32_t control_code,
                               const void *input, uint32_t input_length, void *output,
                               uint32_t output_length);
NTSTATUS IoFsControlFile(struct io_file *file, struct io_async_control *async,
                         struct io_status_block *status_block, const struct access_token *token,
                         uint32_t control_code, const void *input, uint32_t input_length,
                         void *output, uint32_t output_length);
NTSTATUS IoFlushBuffersFile(struct io_file *file, struct io_async_control *async,
                            struct io_status_block *status_block,
                            const struct access_token *token);
NTSTATUS IoQueryInformationFile(struct io_file *file, struct io_async_control *async,
                                struct io_status_block *status_block,
                                const struct access_token *token, void *buffer,
                                uint32_t length, uint32_t info_class);
NTSTATUS IoSetInformationFile(struct io_file *file, struct io_async_control *async,
                              struct io_status_block *status_block,
                              const struct access_token *token, const void *buffer,
                              uint32_t length, uint32_t info_class);
NTSTATUS IoQueryDirectoryFile(struct io_file *file, struct io_async_control *async,
                              struct io_status_block *status_block,
                              const struct access_token *token, void *buffer, uint32_t length,
                              uint32_t info_class, bool return_single_entry,
                              const char *pattern, bool restart_scan);
NTSTATUS IoQueryVolumeInformationFile(struct io_file *file, struct io_async_control *async,
                                      struct io_status_block *status_block,
                                      const struct access_token *token, void *buffer,
                                      uint32_t length, uint32_t info_class);
NTSTATUS IoSetVolumeInformationFile(struct io_file *file, struct io_async_control *async,
                                    struct io_status_block *status_block,
                                    const struct access_token *token, const void *buffer,
                                    uint32_t length, uint32_t info_class);
/* flags: SL_FAIL_IMMEDIATELY | SL_EXCLUSIVE_LOCK. A lock that must wait pends
 * until granted or cancelled. */
NTSTATUS IoLockFile(struct io_file *file, struct io_async_control *async,
                    struct io_status_block *status_block, const struct access_token *token,
                    uint64_t offset, uint64_t length, uint32_t key, uint32_t flags);
NTSTATUS IoUnlockFile(struct io_file *file, struct io_async_control *async,
                      struct io_status_block *status_block, const struct access_token *token,
                      uint64_t offset, uint64_t length, uint32_t key);
NTSTATUS IoQuerySecurityFile(struct io_file *file, struct io_async_control *async,
                             struct io_status_block *status_block,
                             const struct access_token *token, uint32_t security_information,
                             void *buffer, uint32_t length);
NTSTATUS IoSetSecurityFile(struct io_file *file, struct io_async_control *async,
                           struct io_status_block *status_block,
                           const struct access_token *token, uint32_t security_information,
                           const void *buffer, uint32_t length);
/* NtQueryEaFile: the file's extended attributes as FILE_FULL_EA_INFORMATION
 * entries. ea_list (a FILE_GET_EA_INFORMATION chain, may be NULL) names the
 * EAs wanted; else ea_index (1-based, may be NULL) or the open's scan
 * position (from the start with restart_scan) says where to begin. ea_list
 * must stay valid until the call completes. */
NTSTATUS IoQueryEaFile(struct io_file *file, struct io_async_control *async,
                       struct io_status_block *status_block, const struct access_token *token,
                       void *buffer, uint32_t length, bool return_single_entry,
                       const void *ea_list, uint32_t ea_list_length, const uint32_t *ea_index,
                       bool restart_scan);

/* NtNotifyChangeDirectoryFile ([MS-FSA] 2.1.5.11) on an open directory:
 * completes when something matching completion_filter (FILE_NOTIFY_CHANGE_*)
 * changes in the directory (or beneath it, with watch_tree), with
 * FILE_NOTIFY_INFORMATION records ([MS-FSCC] 2.7.1; names relative to the
 * directory) in buffer and information = their length; with
 * STATUS_NOTIFY_ENUM_DIR (nothing returned) when the changes did not fit or
 * were too many to keep. The first call arms the watch; changes between calls
 * are kept for the next one. Pends until then: cancel it with IoCancel
 * (STATUS_CANCELLED); closing the file ends it with STATUS_NOTIFY_CLEANUP.
 * buffer must stay valid until the call completes. */
NTSTATUS IoReadDirectoryChangeFile(struct io_file *file, struct io_async_control *async,
                                   struct io_status_block *status_block,
                                   const struct access_token *token, void *buffer,
                                   uint32_t length, bool watch_tree,
                                   uint32_t completion_filter);

#endif
