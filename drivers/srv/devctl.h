/* srvctl's controls on the \srv device (docs/srvctl.md): what administrators
 * ask the running SMB server beyond srvsvcd's listings and closes
 * (srvsvc/srv_live.h, drivers/srv/live.c). Today one control: reload the
 * shares, i.e. disconnect the tree connects whose share was deleted or moved.
 *
 * Two sides share this header: srv answers the controls (devctl.c, reached
 * from the driver's dispatch routine through srv_devctl_handles) and the
 * client library srvctl/ asks them. The format is written and read by one
 * codec (devctl_wire.c, built into both srv.so and libsrvctl), with
 * lib/buf.h's writers and bounds-checked readers: a request is a version and
 * a reserved word; an answer is a version and a count. Integers are
 * little-endian. */
#ifndef SW_SRV_DEVCTL_H
#define SW_SRV_DEVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lwiod/ntfile.h"

/* The format's version: the first field of every request and answer. */
#define SRV_DEVCTL_VERSION 1u

/* A vendor device type (>= 0x8000) and vendor function numbers (>= 0x800),
 * so no Windows control code, nor srv_live.h's, can collide. Sent with
 * IoDeviceIoControlFile (or IoFsControlFile) on a file opened as \srv. */
#define SRV_DEVCTL_DEVICE_TYPE 0x00008053u /* 'S' */
#define SRV_DEVCTL_RELOAD_SHARES \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x812, METHOD_BUFFERED, FILE_WRITE_ACCESS)

/* ---- The codec -------------------------------------------------------------- */

/* Appends the request of a control to b. */
void srv_devctl_request_write(struct buf *b, uint32_t control);
/* Reads the request of a control: STATUS_INVALID_PARAMETER if it is
 * malformed or the control unknown, STATUS_REVISION_MISMATCH for another
 * version. Bytes after the known fields are ignored (a newer client). */
NTSTATUS srv_devctl_request_read(uint32_t control, const void *data, size_t size);

/* The answer of a reload: how many objects it affected. */
void srv_devctl_write_result(struct buf *b, uint32_t affected);
/* STATUS_INVALID_NETWORK_RESPONSE if malformed, STATUS_REVISION_MISMATCH for
 * another version. */
NTSTATUS srv_devctl_read_result(const void *data, size_t size, uint32_t *affected);

/* ---- Who may ---------------------------------------------------------------- */

struct access_token;

/* Whether a caller with this token may use the control: SYSTEM (S-1-5-18) or
 * a member of Administrators (S-1-5-32-544), never a guest or anonymous
 * token. (srv lets only SYSTEM open \srv in the first place.) */
bool srv_devctl_allowed(uint32_t control, const struct access_token *token);

/* ---- srv's side ------------------------------------------------------------ */

struct srv_engine;
struct io_irp;

/* Whether an IRP on \srv is one of these controls (a DEVICE_IO_CONTROL or
 * FS_CONTROL of SRV_DEVCTL_DEVICE_TYPE): the driver's dispatch routine
 * hands those to srv_devctl_dispatch, everything else to live.c. */
bool srv_devctl_handles(const struct io_irp *irp);
/* Handles one of them: STATUS_INVALID_DEVICE_REQUEST for an unknown code of
 * the device type, STATUS_NO_SUCH_DEVICE while the engine is not running
 * (engine NULL); the reload pends while a worker compares the tree connects
 * with the share database. */
NTSTATUS srv_devctl_dispatch(struct srv_engine *engine, struct io_irp *irp);

#endif
