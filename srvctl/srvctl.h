/* srvctl: the live state of the SMB server, for administrators.
 *
 * The SMB server (srv, a driver in lwiod) knows who is connected: sessions,
 * tree connects and open files. This library asks it through device
 * controls on the \srv device, carried over lwiod's socket by the lwio client
 * library: the listings and closes srvsvcd uses (srvsvc/srv_live.h, answered
 * by drivers/srv/live.c) and the share reload (drivers/srv/devctl.h). It
 * gives plain structures and says clearly when the server is not running.
 * lwadmin (session, file) and lwconsole use it; docs/srvctl.md has the
 * details.
 *
 *     struct srvctl *ctl;
 *     NTSTATUS status = srvctl_open(db_path, &ctl);
 *     if (srvctl_server_not_running(status)) ... say "server not running"
 *     struct srvctl_session *sessions; size_t count;
 *     status = srvctl_sessions(ctl, &sessions, &count);
 *     ...
 *     srvctl_sessions_free(sessions, count);
 *     srvctl_close(ctl);
 *
 * Who may: lwiod accepts local callers it can map to a token (root and its
 * own user, as SYSTEM; others get STATUS_ACCESS_DENIED), and srv lets only
 * SYSTEM open \srv at all (STATUS_ACCESS_DENIED); the share reload is also
 * checked for SYSTEM or Administrators (S-1-5-32-544).
 *
 * Errors (NTSTATUS):
 *   STATUS_PORT_DISCONNECTED   lwiod is not running for this registry (its
 *                              socket is missing or refuses connections);
 *   STATUS_NO_SUCH_DEVICE      lwiod runs without the srv driver;
 *                              srvctl_server_not_running() is true for both:
 *                              say "the SMB server is not running";
 *   STATUS_CONNECTION_DISCONNECTED  lwiod went away during a call;
 *   STATUS_ACCESS_DENIED       refused (see above);
 *   STATUS_NOT_FOUND           no such session or open file;
 *   STATUS_INVALID_NETWORK_RESPONSE  srv answered something malformed;
 *   STATUS_REVISION_MISMATCH   srv speaks another version of the reload.
 *
 * A struct srvctl may be used by one thread at a time. Ids are srv's 32-bit
 * engine-wide ids (the ones srvsvc shows); they are never reused while srv
 * runs. Strings are UTF-8, never NULL ("" when empty). */
#ifndef SW_SRVCTL_H
#define SW_SRVCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"

struct srvctl;

/* Connects to the lwiod of a registry (db_path NULL: $SAMEWISE_DB, then the
 * installed default) and opens \srv. */
NTSTATUS srvctl_open(const char *db_path, struct srvctl **ctl);
void srvctl_close(struct srvctl *ctl);
/* True for the statuses that mean "the SMB server is not running here". */
bool srvctl_server_not_running(NTSTATUS status);
/* A short explanation of a status from this library for a person ("the SMB
 * server is not running (no lwiod for this registry)"), or NULL when the
 * status has nothing specific to srvctl. */
const char *srvctl_status_message(NTSTATUS status);

/* ---- Sessions ------------------------------------------------------------ */

#define SRVCTL_SESSION_GUEST     0x00000001u /* logged on as the guest account */
#define SRVCTL_SESSION_ANONYMOUS 0x00000002u /* null session */
#define SRVCTL_SESSION_ENCRYPTED 0x00000004u /* the server encrypts the session */

/* One authenticated SMB session ([MS-SMB2] 3.3.1.8). */
struct srvctl_session {
    uint32_t id;
    char *user;                 /* "alice"; "" for an anonymous session */
    char *domain;               /* "SAMEWISE" (the account's domain); may be "" */
    char *client;               /* the client's address: "127.0.0.1", "::1" */
    uint16_t dialect;           /* 0x0202 ... 0x0311 (srvctl_dialect_name); 0 unknown */
    uint32_t flags;             /* SRVCTL_SESSION_* */
    uint32_t open_count;        /* open files and pipes */
    uint32_t connected_seconds; /* since the logon */
    uint32_t idle_seconds;      /* since its last request */
};

NTSTATUS srvctl_sessions(struct srvctl *ctl, struct srvctl_session **sessions, size_t *count);
void srvctl_sessions_free(struct srvctl_session *sessions, size_t count);
/* Logs the session off: its tree connects and opens are closed, and the
 * client's next request on it fails with STATUS_USER_SESSION_DELETED. */
NTSTATUS srvctl_close_session(struct srvctl *ctl, uint32_t session_id);

/* ---- Tree connects ("connections" in srvsvc's words) --------------------- */

#define SRVCTL_SHARE_DISK 1u
#define SRVCTL_SHARE_PIPE 2u /* IPC$ */

struct srvctl_connection {
    uint32_t id;
    uint32_t share_type;        /* SRVCTL_SHARE_* */
    char *share;                /* "data", "IPC$" */
    char *user;
    char *domain;
    char *client;
    uint32_t open_count;
    uint32_t connected_seconds;
};

NTSTATUS srvctl_connections(struct srvctl *ctl, struct srvctl_connection **connections,
                            size_t *count);
void srvctl_connections_free(struct srvctl_connection *connections, size_t count);

/* ---- Open files ----------------------------------------------------------- */

#define SRVCTL_FILE_READ   0x00000001u /* opened for reading (PERM_FILE_READ) */
#define SRVCTL_FILE_WRITE  0x00000002u /* for writing */
#define SRVCTL_FILE_CREATE 0x00000004u /* the open created the file */
#define SRVCTL_FILE_PIPE   0x00000100u /* a named pipe on IPC$ */

struct srvctl_file {
    uint32_t id;
    uint32_t flags;             /* SRVCTL_FILE_* */
    uint32_t lock_count;        /* byte-range locks, as srv reports them */
    char *path;                 /* on the server: "/srv/data/dir/a.txt"; "\PIPE\srvsvc" */
    char *share;
    char *user;
    char *domain;
};

NTSTATUS srvctl_files(struct srvctl *ctl, struct srvctl_file **files, size_t *count);
void srvctl_files_free(struct srvctl_file *files, size_t count);
/* Forced close of an open (its client's next use of the handle fails with
 * STATUS_FILE_CLOSED). */
NTSTATUS srvctl_close_file(struct srvctl *ctl, uint32_t file_id);

/* ---- Shares --------------------------------------------------------------- */

/* Makes srv compare its tree connects with the share database now: tree
 * connects to a share that was deleted, or whose directory changed, are
 * disconnected (the client reconnects and sees the share as it is). New tree
 * connects always see the database as it is, without a reload. *dropped (may
 * be NULL) is the number of tree connects disconnected. */
NTSTATUS srvctl_reload_shares(struct srvctl *ctl, uint32_t *dropped);

/* ---- Names ---------------------------------------------------------------- */

/* "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"; "?" for anything else. */
const char *srvctl_dialect_name(uint16_t dialect);

/* ---- Answers, for tests and fuzzing ----------------------------------------- */

/* The readers srvctl_sessions, _connections and _files use on srv's answers
 * (srvsvc/srv_live.h's format): STATUS_INVALID_NETWORK_RESPONSE for anything
 * malformed, with nothing returned. */
NTSTATUS srvctl_parse_sessions(const void *data, size_t size, struct srvctl_session **sessions,
                               size_t *count);
NTSTATUS srvctl_parse_connections(const void *data, size_t size,
                                  struct srvctl_connection **connections, size_t *count);
NTSTATUS srvctl_parse_files(const void *data, size_t size, struct srvctl_file **files,
                            size_t *count);

#endif
