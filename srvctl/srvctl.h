/* srvctl: the live state of the SMB server, for administrators.
 *
 * The SMB server (srv, a driver in lwiod) knows who is connected: sessions,
 * tree connects and open files. This library asks it, through device controls
 * on the \srv device carried over lwiod's socket by the lwio client library
 * (docs/srvctl.md has the controls and their wire format). lwadmin (session,
 * file), lwconsole and srvsvcd (NetrSessionEnum, NetrConnectionEnum,
 * NetrFileEnum, NetrSessionDel, NetrFileClose) use it.
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
 * Who may do what is lwiod's and srv's decision: lwiod accepts local callers
 * it can map to a token (root is SYSTEM; today it refuses other users with
 * STATUS_ACCESS_DENIED); srv lets any accepted caller enumerate, and only
 * SYSTEM or members of Administrators (S-1-5-32-544) close sessions and files
 * or reload shares (else STATUS_ACCESS_DENIED).
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
 *   STATUS_OBJECT_NAME_COLLISION  a file id without a session id matches
 *                              opens in several sessions (give the session);
 *   STATUS_INVALID_NETWORK_RESPONSE  srv answered something malformed;
 *   STATUS_REVISION_MISMATCH   srv speaks another version of the format.
 *
 * A struct srvctl may be used by one thread at a time. Times are Unix seconds
 * (UTC); 0 means srv does not know. Strings are UTF-8, never NULL. */
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

#define SRVCTL_SESSION_GUEST            0x00000001u /* logged on as the guest account */
#define SRVCTL_SESSION_ANONYMOUS        0x00000002u /* null session */
#define SRVCTL_SESSION_SIGNING_REQUIRED 0x00000004u /* every message is signed */
#define SRVCTL_SESSION_ENCRYPT_DATA     0x00000008u /* the server requires encryption */

/* One authenticated SMB session ([MS-SMB2] 3.3.1.8). */
struct srvctl_session {
    uint64_t id;                /* SessionId */
    char *user;                 /* "alice"; "" for an anonymous session */
    char *domain;               /* "SAMEWISE" (the account's domain); may be "" */
    char *client;               /* the client's address: "127.0.0.1", "::1" */
    uint16_t client_port;
    uint16_t dialect;           /* 0x0202 ... 0x0311 (srvctl_dialect_name) */
    uint16_t cipher;            /* SMB2 cipher id, 0 if none negotiated */
    uint16_t signing_algorithm; /* SMB2 signing algorithm id */
    uint32_t flags;             /* SRVCTL_SESSION_* */
    int64_t logon_time;         /* when the logon completed */
    int64_t last_active_time;   /* its last request (idle = now - this) */
    uint32_t open_count;        /* open files and pipes */
    uint32_t tree_count;        /* tree connects */
};

NTSTATUS srvctl_sessions(struct srvctl *ctl, struct srvctl_session **sessions, size_t *count);
void srvctl_sessions_free(struct srvctl_session *sessions, size_t count);
/* Logs the session off: its tree connects and opens are closed, and the
 * client's next request on it fails with STATUS_USER_SESSION_DELETED. */
NTSTATUS srvctl_close_session(struct srvctl *ctl, uint64_t session_id);

/* ---- Tree connects ("connections" in srvsvc's words) --------------------- */

#define SRVCTL_SHARE_DISK  1u
#define SRVCTL_SHARE_PIPE  2u /* IPC$ */
#define SRVCTL_SHARE_PRINT 3u

/* Its messages are encrypted: the share requires encryption (share flag
 * --encrypt, SMB2_SHAREFLAG_ENCRYPT_DATA) or the whole session is. */
#define SRVCTL_CONNECTION_ENCRYPTED 0x00000001u

struct srvctl_connection {
    uint64_t session_id;
    uint32_t tree_id;           /* TreeId, unique within its session */
    uint32_t share_type;        /* SRVCTL_SHARE_* */
    char *share;                /* "data", "IPC$" */
    char *user;
    char *domain;
    char *client;
    uint32_t open_count;
    uint32_t flags;             /* SRVCTL_CONNECTION_* */
    int64_t connect_time;
};

NTSTATUS srvctl_connections(struct srvctl *ctl, struct srvctl_connection **connections,
                            size_t *count);
void srvctl_connections_free(struct srvctl_connection *connections, size_t count);

/* ---- Open files ----------------------------------------------------------- */

#define SRVCTL_FILE_PIPE 0x00000001u /* a named pipe on IPC$ */

struct srvctl_file {
    uint64_t id;                /* unique on the server (not the client's FileId):
                                   what srvctl_close_file takes */
    uint64_t session_id;
    uint32_t tree_id;
    uint32_t flags;             /* SRVCTL_FILE_* */
    uint32_t granted_access;    /* access mask granted at CREATE; 0 if unknown */
    uint32_t lock_count;        /* byte-range locks held */
    char *share;
    char *path;                 /* as the client named it, share-relative: "dir\a.txt" */
    char *local_path;           /* on the server: "/srv/data/dir/a.txt"; "" for pipes */
    char *user;
    char *domain;
    char *client;
};

NTSTATUS srvctl_files(struct srvctl *ctl, struct srvctl_file **files, size_t *count);
void srvctl_files_free(struct srvctl_file *files, size_t count);
/* Forced close of an open (its client's next use of the handle fails with
 * STATUS_FILE_CLOSED). file_id is srvctl_file.id, unique on the server, so
 * session_id may be 0; a non-zero one must be the open's session. */
NTSTATUS srvctl_close_file(struct srvctl *ctl, uint64_t session_id, uint64_t file_id);

/* ---- Shares --------------------------------------------------------------- */

/* Makes srv compare its tree connects with the share database now: tree
 * connects to a share that was deleted, or whose directory changed, are
 * disconnected (the client reconnects and sees the share as it is). New tree
 * connects always see the database as it is, without a reload. *dropped (may
 * be NULL) is the number of tree connects disconnected. */
NTSTATUS srvctl_reload_shares(struct srvctl *ctl, uint32_t *dropped);

/* ---- Counters --------------------------------------------------------------- */

struct sample_list;

/* srv's counters for the metrics endpoint and `lwadmin stats` (names, types
 * and labels in docs/metrics.md): appended to *samples (initialised by the
 * caller with sample_list_init, lib/samples.h). Any accepted caller may ask. */
NTSTATUS srvctl_stats(struct srvctl *ctl, struct sample_list *samples);

/* ---- Names ---------------------------------------------------------------- */

/* "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1"; "?" for anything else. */
const char *srvctl_dialect_name(uint16_t dialect);
/* "AES-128-CCM", "AES-128-GCM", "AES-256-CCM", "AES-256-GCM"; "" for 0. */
const char *srvctl_cipher_name(uint16_t cipher);
/* "HMAC-SHA256", "AES-CMAC", "AES-GMAC". */
const char *srvctl_signing_name(uint16_t algorithm);
/* The share names of a session's tree connects among conns, "test,secret
 * (encrypted)" (those whose messages are encrypted marked), as lwadmin
 * session list and lwconsole show them; malloc'd, NULL when out of memory. */
char *srvctl_session_shares_text(const struct srvctl_connection *conns, size_t count,
                                 uint64_t session);

#endif
