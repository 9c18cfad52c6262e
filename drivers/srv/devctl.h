/* The \srv device's controls: what administrators and srvsvcd ask the running
 * SMB server (enumerate sessions, tree connects and open files; close a
 * session or a file; reload shares), and the wire format of their requests
 * and answers (docs/srvctl.md).
 *
 * Two sides share this header: srv answers the controls (devctl.c, under the
 * driver's dispatch routine) and the client library srvctl/ asks them. The
 * format is written and read by one codec (devctl_wire.c, built into both
 * srv.so and libsrvctl), always with lib/buf.h's writers and bounds-checked
 * readers. The records are srvctl's public structures (srvctl/srvctl.h).
 *
 * In short: a request is a small fixed header (version, then the control's
 * arguments); an answer is a version, a count and that many records, each
 * prefixed by its length so that a newer server may append fields an older
 * client skips. Every integer is little-endian; every string is a 16-bit
 * byte length and that many bytes of UTF-8, no NUL. */
#ifndef SW_SRV_DEVCTL_H
#define SW_SRV_DEVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lwiod/ntfile.h"
#include "srvctl/srvctl.h"

/* The format's version: the first field of every request and answer. */
#define SRV_DEVCTL_VERSION 1u

/* A vendor device type (>= 0x8000) and vendor function numbers (>= 0x800),
 * so no Windows control code can collide. Enumerations need no particular
 * access; the others change server state. Sent with IoDeviceIoControlFile (or
 * IoFsControlFile) on a file opened as \srv. */
#define SRV_DEVCTL_DEVICE_TYPE 0x00008053u /* 'S' */
#define SRV_DEVCTL_ENUM_SESSIONS \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_DEVCTL_ENUM_CONNECTIONS \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_DEVCTL_ENUM_FILES \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x803, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The counters for the metrics endpoint: u32 version, then a sample list
 * (lib/samples.h; the names are in docs/metrics.md). */
#define SRV_DEVCTL_STATS \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x804, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define SRV_DEVCTL_CLOSE_SESSION \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x810, METHOD_BUFFERED, FILE_WRITE_ACCESS)
#define SRV_DEVCTL_CLOSE_FILE \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x811, METHOD_BUFFERED, FILE_WRITE_ACCESS)
#define SRV_DEVCTL_RELOAD_SHARES \
    CTL_CODE(SRV_DEVCTL_DEVICE_TYPE, 0x812, METHOD_BUFFERED, FILE_WRITE_ACCESS)

/* Limits a reader enforces (a writer never produces more). */
#define SRV_DEVCTL_MAX_STRING 65535u          /* bytes, by the 16-bit length */
#define SRV_DEVCTL_MAX_ANSWER (16u << 20)     /* lwio's largest data block */
#define SRV_DEVCTL_MAX_RECORDS (1u << 20)

/* ---- Requests ------------------------------------------------------------- */

/* The arguments of any control (unused ones are zero). */
struct srv_devctl_request {
    uint64_t session_id;   /* CLOSE_SESSION; CLOSE_FILE (0: any session) */
    uint64_t file_id;      /* CLOSE_FILE */
};

/* Appends the request of a control to b. */
void srv_devctl_request_write(struct buf *b, uint32_t control,
                              const struct srv_devctl_request *request);
/* Reads the request of a control: STATUS_INVALID_PARAMETER if it is
 * malformed or the control unknown, STATUS_REVISION_MISMATCH for another
 * version. Bytes after the known fields are ignored (a newer client). */
NTSTATUS srv_devctl_request_read(uint32_t control, const void *data, size_t size,
                                 struct srv_devctl_request *request);

/* ---- Answers ---------------------------------------------------------------- */

/* A list answer: srv_devctl_list_begin, one srv_devctl_write_* per record,
 * srv_devctl_list_end with the count. */
size_t srv_devctl_list_begin(struct buf *b);
void srv_devctl_list_end(struct buf *b, size_t begin, uint32_t count);
void srv_devctl_write_session(struct buf *b, const struct srvctl_session *s);
void srv_devctl_write_connection(struct buf *b, const struct srvctl_connection *c);
void srv_devctl_write_file(struct buf *b, const struct srvctl_file *f);

/* Reads a list answer into a new array (free with srv_devctl_free_*).
 * STATUS_INVALID_NETWORK_RESPONSE if malformed (truncated, a count larger
 * than the data can hold, a string with a NUL, ...), STATUS_REVISION_MISMATCH
 * for another version, STATUS_NO_MEMORY. */
NTSTATUS srv_devctl_read_sessions(const void *data, size_t size,
                                  struct srvctl_session **sessions, size_t *count);
NTSTATUS srv_devctl_read_connections(const void *data, size_t size,
                                     struct srvctl_connection **connections, size_t *count);
NTSTATUS srv_devctl_read_files(const void *data, size_t size, struct srvctl_file **files,
                               size_t *count);
/* Frees an array and the strings of its records (srvctl_*_free call these). */
void srv_devctl_free_sessions(struct srvctl_session *sessions, size_t count);
void srv_devctl_free_connections(struct srvctl_connection *connections, size_t count);
void srv_devctl_free_files(struct srvctl_file *files, size_t count);

/* The answer of a close or a reload: how many objects it affected. */
void srv_devctl_write_result(struct buf *b, uint32_t affected);
NTSTATUS srv_devctl_read_result(const void *data, size_t size, uint32_t *affected);

/* ---- Who may ---------------------------------------------------------------- */

struct access_token;

/* Whether a caller with this token may use the control: enumerations, any
 * token; closes and the share reload, SYSTEM (S-1-5-18) or a member of
 * Administrators (S-1-5-32-544), never a guest or anonymous token. */
bool srv_devctl_allowed(uint32_t control, const struct access_token *token);

/* ---- srv's side ------------------------------------------------------------ */

struct srv_engine;
struct io_irp;

/* Handles an IRP sent to the \srv device (the driver's dispatch routine
 * passes every one here): CREATE of the device itself, CLOSE, and the
 * controls above as DEVICE_IO_CONTROL or FS_CONTROL; anything else is
 * STATUS_INVALID_DEVICE_REQUEST. engine is NULL while the engine is not
 * running: every control then fails with STATUS_NO_SUCH_DEVICE. */
NTSTATUS srv_devctl_dispatch(struct srv_engine *engine, struct io_irp *irp);

#endif
