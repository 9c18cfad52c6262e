/* rdr: the SMB2/3 client driver (the redirector). It serves
 * \rdr\HOST[:PORT]\SHARE\path through the same IRPs pvfs serves, by sending
 * SMB2 requests to the server HOST. docs/rdr.md describes behaviour and
 * settings; this header is the driver's own (no other module includes it).
 *
 * Objects
 *   rdr_conn   one TCP connection with one authenticated session, per
 *              (server, caller's user SID). Shared by that user's opens;
 *              reference counted (opens and IRPs in progress); closed by
 *              the idle reaper after rdr.idle-timeout seconds unused, or
 *              marked dead when the transport fails (a new one is made on
 *              the next use: the reconnect).
 *   rdr_tree   one tree connect on a connection (lives as long as it).
 *   rdr_call   one request in flight: its message, then its response.
 *   rdr_file   the per-open context of an io_file.
 *
 * Threads: every IRP is handed to the I/O manager's worker pool, which runs
 * the request synchronously (send, wait for the response); each connection
 * has a receiver thread that reads frames and hands each response to the
 * call waiting for its message id. Several workers share one connection, and
 * one READ/WRITE IRP sends several requests before waiting: several requests
 * are in flight per connection, bounded by the server's credits.
 *
 * Lock order: file->lock (an open's connection and file id; held across a
 * reconnect, so the open's other IRPs wait for it) -> rdr.lock (the
 * connection list and reference counts) -> conn->setup_lock (tree
 * connects) -> conn->send_lock (the socket's write side) -> conn->lock
 * (credits, message ids, pending calls, the dead flag). Only file->lock and
 * setup_lock are held while waiting for a response (a reconnect, a tree
 * connect); none while completing an IRP. */
#ifndef SW_RDR_H
#define SW_RDR_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "drivers/rdr/wire.h"
#include "drivers/srv/smb2/crypto.h"
#include "lib/buf.h"
#include "lwiod/driver.h"

struct rdr_call {
    struct buf req;           /* the whole message, from its SMB2 header */
    bool encrypt;             /* send in a TRANSFORM_HEADER (tree or session asks) */
    /* Filled by the connection. */
    uint64_t message_id;
    uint16_t charge;
    bool done;
    bool async;               /* an interim STATUS_PENDING arrived */
    uint64_t async_id;
    NTSTATUS transport;       /* not SUCCESS: no response (connection lost, timeout) */
    uint8_t *rsp;             /* the response message (malloc'd), rsp_len bytes */
    size_t rsp_len;
    struct rdr_header hdr;    /* its parsed header; hdr.status is the server's */
    struct rdr_call *next;    /* in conn->pending */
};

struct rdr_tree {
    struct rdr_tree *next;
    char *share;
    uint32_t tree_id;
    uint8_t share_type;
    uint32_t share_flags;
    bool encrypt;
};

struct rdr_conn {
    struct rdr_conn *next;    /* rdr.conns, under rdr.lock */
    char *key;                /* "host:port|S-1-5-..." */
    char *host;
    uint16_t port;
    int refs;                 /* under rdr.lock */
    time_t idle_since;        /* under rdr.lock: when refs fell to 0 */

    int fd;
    pthread_t receiver;
    bool receiver_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_mutex_t send_lock;
    pthread_mutex_t setup_lock;
    bool dead;                /* under lock; set once, never cleared */
    uint64_t next_message_id; /* under lock */
    uint32_t credits;         /* under lock: credits we may still spend */
    uint32_t in_flight;       /* under lock: credits charged to pending calls */
    struct rdr_call *pending; /* under lock */
    int request_timeout;      /* seconds */

    /* Negotiated, then fixed (set before the connection is shared). */
    uint16_t dialect;
    uint16_t server_security_mode;
    uint32_t capabilities;
    uint32_t max_read, max_write, max_transact;
    uint16_t cipher;
    uint8_t preauth[SMB2_PREAUTH_HASH_SIZE];
    uint64_t session_id;
    uint16_t session_flags;
    bool signing;             /* sign requests, verify responses */
    bool encrypt;             /* the session asks for encryption */
    uint16_t signing_alg;
    struct smb2_keys keys;

    struct rdr_tree *trees;   /* under setup_lock */
};

/* Who rdr logs on as (creds.c). */
struct rdr_credentials {
    char *user;
    char *domain;
    uint8_t nt_hash[16];
    bool anonymous;
};

/* The driver's state. */
struct rdr {
    pthread_mutex_t lock;
    struct rdr_conn *conns;
    struct io_driver *driver;
    pthread_t reaper;
    pthread_cond_t reaper_cond;
    bool stopping;
};
extern struct rdr rdr;

/* ---- conn.c: the transport, credits, signing, encryption ---- */
/* Connects TCP (bounded by timeout_seconds) and starts the receiver. */
NTSTATUS rdr_conn_open(const char *host, uint16_t port, int timeout_seconds,
                       struct rdr_conn **out);
/* Stops the receiver, fails every pending call, frees everything. */
void rdr_conn_free(struct rdr_conn *conn);
/* Marks the connection dead (transport error), failing its pending calls. */
void rdr_conn_kill(struct rdr_conn *conn, NTSTATUS why);
bool rdr_conn_is_dead(struct rdr_conn *conn);
/* Starts a call: a message id and credits, signing or encryption, sent.
 * STATUS_SUCCESS means it is in flight (wait for it with rdr_call_wait). */
NTSTATUS rdr_call_send(struct rdr_conn *conn, struct rdr_call *call);
/* Waits for the response (irp may be NULL: then not cancellable). Returns the
 * transport status; on STATUS_SUCCESS call->hdr.status is the server's. */
NTSTATUS rdr_call_wait(struct rdr_conn *conn, struct rdr_call *call, struct io_irp *irp);
/* Send and wait. */
NTSTATUS rdr_call_run(struct rdr_conn *conn, struct rdr_call *call, struct io_irp *irp);
/* A call with a new request header (command, tree) in call->req. */
void rdr_call_init(struct rdr_call *call, uint16_t command, uint32_t tree_id);
void rdr_call_free(struct rdr_call *call);
/* The largest READ/WRITE payload to send now: the server's maximum, bounded
 * by the credits the server has granted so far. */
uint32_t rdr_conn_io_size(struct rdr_conn *conn, uint32_t server_max);

/* ---- session.c: negotiate, session setup, tree connect, the cache ---- */
/* The connection for (host, port, token's user, and the explicit
 * credentials' user if any), made and authenticated if needed (with creds,
 * or else the credentials file); one reference for the caller
 * (rdr_conn_put). */
NTSTATUS rdr_conn_get(const char *host, uint16_t port, const struct access_token *token,
                      const struct rdr_credentials *creds, struct rdr_conn **out);
void rdr_conn_put(struct rdr_conn *conn);
NTSTATUS rdr_tree_get(struct rdr_conn *conn, const char *share, struct rdr_tree **out);
/* Logs off and closes connections idle longer than the idle timeout (all
 * unused ones with force). */
void rdr_reap(bool force);

/* ---- creds.c: the credentials file ---- */
/* The credentials for host[:port] from the file named by rdr.credentials-file
 * (docs/rdr.md): the first line whose server matches, else anonymous. */
NTSTATUS rdr_credentials_find(const char *path, const char *host, uint16_t port,
                              struct rdr_credentials *out);
void rdr_credentials_clear(struct rdr_credentials *creds);
/* The credentials of an IO_ECP_TYPE_RDR_CREDENTIALS ECP;
 * STATUS_INVALID_PARAMETER if malformed. */
NTSTATUS rdr_credentials_from_ecp(const void *data, size_t size, struct rdr_credentials *out);
NTSTATUS rdr_credentials_copy(const struct rdr_credentials *from, struct rdr_credentials *to);

/* ---- file.c: opens ---- */
struct rdr_file {
    bool is_root;             /* \rdr itself: no server behind it */
    char *host;
    uint16_t port;
    char *share;
    char *name;               /* relative to the share, "" for its root */
    uint32_t desired_access, share_access, create_options, file_attributes;
    uint64_t position;        /* for reads/writes without an offset */
    pthread_mutex_t lock;     /* conn, tree, file_id (swapped by a reopen) */
    struct rdr_conn *conn;    /* one reference */
    struct rdr_tree *tree;
    uint8_t file_id[16];
    bool is_pipe;
    bool has_credentials;     /* the create's ECP, kept for reconnects */
    struct rdr_credentials credentials;
};
/* An IRP's view of its open: a reference to a live connection (reopening
 * the file on a new connection if the old one died), the tree and file id. */
struct rdr_handle {
    struct rdr_conn *conn;
    struct rdr_tree *tree;
    uint8_t file_id[16];
};
NTSTATUS rdr_handle_get(struct rdr_file *f, const struct access_token *token,
                        struct rdr_handle *h);
void rdr_handle_put(struct rdr_handle *h);
void rdr_conn_ref(struct rdr_conn *conn);
/* A call on the handle's tree (encrypted when the tree asks). */
void rdr_handle_call_init(const struct rdr_handle *h, struct rdr_call *call, uint16_t command);
/* The server's status of a finished call, or its transport failure. */
NTSTATUS rdr_call_status(NTSTATUS transport, const struct rdr_call *call);

NTSTATUS rdr_create(struct io_irp *irp);
NTSTATUS rdr_close(struct io_irp *irp, struct rdr_file *f);
/* io.c */
NTSTATUS rdr_read(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_write(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_flush(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_lock(struct io_irp *irp, struct rdr_file *f);
/* info.c */
NTSTATUS rdr_query_information(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_set_information(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_query_directory(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_query_security(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_query_ea(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_set_security(struct io_irp *irp, struct rdr_file *f);
NTSTATUS rdr_fs_control(struct io_irp *irp, struct rdr_file *f);

/* ---- settings ---- */
int rdr_setting_int(const char *name, int fallback, int min, int max);
char *rdr_setting(const char *name);

#endif
