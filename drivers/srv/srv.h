/* srv: the SMB2/SMB3 server protocol engine (the driver lwiod loads as srv.so).
 *
 * The engine listens on TCP (direct TCP, no NetBIOS), speaks SMB 2.0.2 to
 * 3.1.1, and reaches the outside world only through the narrow interfaces
 * below, each a struct of function pointers with a context:
 *
 *   srv_auth    turns SESSION_SETUP security tokens into a logon (lsassd's
 *               SPNEGO/NTLMSSP/Kerberos acceptor in production);
 *   srv_shares  looks a share name up (the share database in production);
 *   queue_work  runs a blocking call on a worker thread (lwiod's IoWorkQueue
 *               in production; srv has its own small pool when it is NULL).
 *
 * Files are opened through lwiod's I/O manager calls (lwiod/driver.h).
 *
 * Threading, in one paragraph (details in docs/srv.md): network threads read
 * frames and run the protocol, but never block: a request that must wait
 * (authentication, disk I/O) is parked and completes later on whatever
 * thread finishes the work. */
#ifndef SW_SRV_H
#define SW_SRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lib/token.h"

/* ---- Authentication ---------------------------------------------------- */

/* What a successful logon gives srv. */
struct srv_auth_result {
    struct access_token *token; /* handed to srv, which frees it */
    uint8_t session_key[64];    /* the GSS session key (NTLM: 16 bytes) */
    size_t session_key_len;
    bool is_guest;              /* logged on as the guest account */
    bool is_anonymous;          /* null session */
    char user_name[256];        /* "DOMAIN\user", for session listings */
};

struct srv_auth {
    void *context;
    /* The SPNEGO NegTokenInit2 for the NEGOTIATE response's security buffer
     * (mechanisms offered); append nothing for an empty buffer. Must not
     * block: it runs on a network thread. May be NULL. */
    NTSTATUS (*negotiate_token)(void *context, struct buf *out);
    /* Starts one authentication exchange (a SESSION_SETUP sequence) for a
     * client at client_address ("192.0.2.7:49152", for logs). Runs on a
     * worker thread, like step. */
    NTSTATUS (*begin)(void *context, const char *client_address, void **exchange);
    /* One leg: reads the client's token, appends the answer to out, returns
     * STATUS_MORE_PROCESSING_REQUIRED (another leg follows), STATUS_SUCCESS
     * (result filled in) or the logon error. May block: srv calls it from a
     * worker thread only, and never twice at once for one exchange. */
    NTSTATUS (*step)(void *context, void *exchange, const uint8_t *token, size_t token_len,
                     struct buf *out, struct srv_auth_result *result);
    void (*end)(void *context, void *exchange);
};

/* The production srv_auth: lsassd, through lsass/client/lsass_client.h.
 * Connects lazily (lsassd may start after srv) and caches the NEGOTIATE
 * token, so nothing blocks a network thread. Fills *auth. */
NTSTATUS srv_auth_lsass_open(const char *db_path, struct srv_auth *auth);
void srv_auth_lsass_close(struct srv_auth *auth);

/* ---- Shares ------------------------------------------------------------- */

enum srv_share_type { SRV_SHARE_DISK = 1, SRV_SHARE_PIPE = 2, SRV_SHARE_PRINT = 3 };

struct srv_share_info {
    char name[81];       /* as the database spells it */
    char path[1024];     /* I/O manager path: "\pvfs\srv\data", "\npfs" for IPC$ */
    enum srv_share_type type;
    bool read_only;
    bool encrypt_data;   /* SMB2_SHAREFLAG_ENCRYPT_DATA */
    bool guest_ok;       /* guest and null sessions may connect (SHARE_FLAG_GUEST_OK) */
    uint32_t max_uses;   /* 0: unlimited */
    uint8_t *sd;         /* share permissions, self-relative (malloc'd; the
                            holder frees it, see srv_share_info_clear);
                            NULL: no share-level check */
    size_t sd_len;
};

void srv_share_info_clear(struct srv_share_info *info);

struct srv_shares {
    void *context;
    /* Fills *info for a share name (compared without regard to case);
     * STATUS_BAD_NETWORK_NAME if there is none. Must not block for long: it
     * runs on a network thread (the share database is a local SQLite read).
     * info->sd, if set, becomes the caller's. */
    NTSTATUS (*lookup)(void *context, const char *name, struct srv_share_info *info);
};

/* ---- Configuration ------------------------------------------------------ */

enum srv_signing_policy { SRV_SIGNING_DISABLED, SRV_SIGNING_ENABLED, SRV_SIGNING_REQUIRED };
enum srv_encryption_policy { SRV_ENCRYPTION_OFF, SRV_ENCRYPTION_DESIRED, SRV_ENCRYPTION_REQUIRED };

typedef void (*srv_work_fn)(void *context);

struct srv_config {
    char listen_address[64];     /* "127.0.0.1", "0.0.0.0" */
    uint16_t port;               /* 0: any free port (see srv_engine_port) */
    uint16_t min_dialect;        /* SMB2_DIALECT_202 .. SMB2_DIALECT_311 */
    uint16_t max_dialect;
    enum srv_signing_policy signing;
    enum srv_encryption_policy encryption;
    uint8_t server_guid[16];
    char server_name[64];        /* NetBIOS-style name, for logs and listings */
    uint32_t max_transact_size;  /* 2.1+; 2.0.2 is held to 64 KiB */
    uint32_t max_read_size;
    uint32_t max_write_size;
    uint16_t max_credits;        /* per connection */
    uint16_t ciphers[4];         /* preference order, 0-terminated */
    uint16_t signing_algorithms[3]; /* 3.1.1 preference order; count below */
    size_t signing_algorithm_count;
    bool multichannel;           /* SMB2_GLOBAL_CAP_MULTI_CHANNEL for 3.x, session
                                    binding (srv.multichannel; default on) */
    /* Bounds on what clients can make srv hold (docs/srv.md, "Limits").
     * Read from the settings snapshot in force (srv_settings_hold) every
     * time they are used, so a changed setting applies at once. */
    uint32_t max_connections;    /* 0: no limit (default 2048) */
    uint32_t max_connections_per_address; /* from one client address; 0: no limit
                                    (default 256) */
    uint32_t idle_timeout;       /* seconds; a connection idle that long with no
                                    open file and nothing pending is dropped; 0: never */
    uint32_t max_opens_per_session; /* srv.max-opens-per-session (16384; 0: as per user) */
    uint32_t max_opens_per_user;    /* srv.max-opens-per-user (0: a quarter of RLIMIT_NOFILE) */
    uint32_t unauthenticated_timeout; /* seconds a connection may stay without a
                                    completed SESSION_SETUP; 0: forever (default 30) */
    uint32_t frame_timeout;      /* seconds a frame may take to arrive once begun
                                    (after a logon: without progress); 0: forever
                                    (default 30) */
    uint32_t durable_max_timeout; /* srv.durable-max-timeout: seconds a disconnected
                                    durable v2 open is kept at most, whatever
                                    Timeout it asked (default 300, as Windows) */
    uint32_t max_send_queue;     /* bytes of responses a connection may have queued
                                    or in flight before srv stops reading its requests
                                    (default 16 MiB) */
    /* Where durable opens are kept across a restart (docs/srv.md,
     * "Restart"; lwiod: srv-durable.state in the run directory); NULL:
     * nowhere, they end with the engine. Owned by the caller. */
    const char *durable_state_path;
    unsigned network_threads;    /* event loops (net.c); 0: one per CPU the process
                                    may run on (read at start, srv.network-threads) */
    unsigned worker_threads;     /* srv's own pool, when queue_work is NULL */
    struct srv_auth auth;
    struct srv_shares shares;
    /* Runs fn(context) on a worker thread; NULL: srv's own pool. A non-zero
     * status means it could not be queued. */
    NTSTATUS (*queue_work)(srv_work_fn fn, void *context);
};

/* Sensible defaults: all dialects, signing enabled, no encryption, multichannel, 8 MiB
 * I/O sizes, 8192 credits, ciphers AES-128-GCM, AES-128-CCM, AES-256-GCM,
 * AES-256-CCM, signing AES-GMAC, AES-CMAC, HMAC-SHA256, port 445 on 0.0.0.0. The
 * caller still sets auth, shares and server_guid. */
void srv_config_defaults(struct srv_config *config);

/* "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1" (also "0x0311", "SMB3_11") to the
 * dialect number; 0 on failure. */
uint16_t srv_dialect_parse(const char *text);

/* ---- The engine --------------------------------------------------------- */

struct srv_engine;

/* Starts listening and serving; the config is copied. */
NTSTATUS srv_engine_start(const struct srv_config *config, struct srv_engine **engine);
/* New settings while running (the registry changed): the dialect range,
 * signing and encryption apply from the next NEGOTIATE / SESSION_SETUP,
 * limits at once, a new listen address or port is bound now (connections
 * stay). What is fixed at start (auth, shares, sizes, ciphers, server_guid)
 * is ignored in config. STATUS_INVALID_PARAMETER (a bad dialect range): the
 * settings stay. */
NTSTATUS srv_engine_reconfigure(struct srv_engine *engine, const struct srv_config *config);
/* The TCP port the engine listens on (useful with config.port = 0). */
uint16_t srv_engine_port(const struct srv_engine *engine);
/* Stops accepting, disconnects every client, waits for parked requests and
 * threads, frees everything. */
void srv_engine_stop(struct srv_engine *engine);

/* ---- Registry changes reaching what is connected (reload.c) -------------- */

/* Every tree connect is checked against its share as the database has it
 * now: a deleted share, or one whose path or type changed, loses its tree
 * connects (the client's next request fails with
 * STATUS_NETWORK_NAME_DELETED, as after TREE_DISCONNECT), and so does one
 * that now requires encryption; one whose
 * permissions changed gets its maximal access recomputed for the session's
 * token (and is dropped if nothing is left). Calls the share lookup: not
 * from a network thread. Returns the number of tree connects dropped. */
uint32_t srv_engine_reload_shares(struct srv_engine *engine);
/* Every valid session whose user keep(context, token) refuses (disabled,
 * locked out, deleted) is logged off, as srvctl's session close does: its
 * next request fails with STATUS_USER_SESSION_DELETED. keep may block (a
 * database read); not from a network thread. Returns how many went. */
uint32_t srv_engine_logoff_users(struct srv_engine *engine,
                                 bool (*keep)(void *context, const struct access_token *token),
                                 void *context);

/* Live counters (for srvsvc and tests). */
struct srv_engine_stats {
    uint64_t connections;   /* open now */
    uint64_t sessions;      /* valid sessions now */
    uint64_t trees;
    uint64_t connections_total;
};
void srv_engine_get_stats(struct srv_engine *engine, struct srv_engine_stats *stats);

#endif
