/* Placeholder core: the driver interface compiles and links while the real
 * I/O manager is being written. Every call fails with STATUS_NOT_IMPLEMENTED. */
#include "lwiod/driver.h"
#include "lwiod/iomgr.h"

#include <stdlib.h>

#define NI return STATUS_NOT_IMPLEMENTED

NTSTATUS IoDriverInitialize(struct io_driver *d, void *c, io_driver_shutdown_fn s,
                            io_driver_dispatch_fn f) { NI; }
void *IoDriverGetContext(struct io_driver *d) { return NULL; }
const char *IoDriverGetName(struct io_driver *d) { return ""; }
char *IoDriverGetSetting(struct io_driver *d, const char *n) { return NULL; }
const char *IoGetDatabasePath(void) { return ""; }
NTSTATUS IoDeviceCreate(struct io_device **dev, struct io_driver *d, const char *n, void *c) { NI; }
void *IoDeviceGetContext(struct io_device *d) { return NULL; }
const char *IoDeviceGetName(struct io_device *d) { return ""; }
void IoFileSetContext(struct io_file *f, void *c) {}
void *IoFileGetContext(struct io_file *f) { return NULL; }
struct io_device *IoFileGetDevice(struct io_file *f) { return NULL; }
const char *IoFileGetPath(struct io_file *f) { return ""; }
NTSTATUS IoEcpListCreate(struct io_ecp_list **l) { NI; }
void IoEcpListFree(struct io_ecp_list *l) {}
NTSTATUS IoEcpListAdd(struct io_ecp_list *l, const char *t, const void *d, size_t s) { NI; }
NTSTATUS IoEcpListFind(const struct io_ecp_list *l, const char *t, const void **d, size_t *s)
{ return STATUS_NOT_FOUND; }
size_t IoEcpListCount(const struct io_ecp_list *l) { return 0; }
void IoEcpListGet(const struct io_ecp_list *l, size_t i, const char **t, const void **d,
                  size_t *s) {}
void IoEcpAcknowledge(struct io_ecp_list *l, const char *t) {}
bool IoEcpIsAcknowledged(const struct io_ecp_list *l, const char *t) { return false; }
void IoIrpMarkPending(struct io_irp *i, io_irp_cancel_fn c, void *x) {}
void IoIrpComplete(struct io_irp *i) {}
bool IoIrpIsCancelled(struct io_irp *i) { return false; }
void *IoIrpGetFileContext(struct io_irp *i) { return NULL; }
NTSTATUS IoWorkQueue(io_work_fn f, void *c) { return STATUS_INSUFFICIENT_RESOURCES; }
void IoCancel(struct io_cancel_ref *r) {}
void IoCancelRefRelease(struct io_cancel_ref *r) {}
NTSTATUS IoCreateFile(struct io_file **f, struct io_async_control *a, struct io_status_block *s,
                      const struct access_token *t, const struct io_create_params *p) { NI; }
NTSTATUS IoCloseFile(struct io_file *f, struct io_async_control *a, struct io_status_block *s)
{ NI; }
NTSTATUS iomgr_init(const struct lwiod_config *c) { NI; }
NTSTATUS iomgr_register_static_driver(const char *n, io_driver_entry_fn e) { NI; }
NTSTATUS iomgr_load_drivers(void) { NI; }
NTSTATUS iomgr_reconfigure(const struct lwiod_config *c) { NI; }
void iomgr_shutdown(void) {}
