/* srv's objects: engine, connection, session, tree connect, and how they
 * live, die and lock. Private to drivers/srv (and its tests).
 *
 * LIFETIME. Every object is reference counted (atomic). A table holds one
 * reference on each object in it: the engine's connection list, a
 * connection's session table, a session's tree table. A request element holds
 * one reference on each object it resolved (its connection, and for the
 * element being processed its session and tree), looked up afresh by id for
 * every compound element. Removing an object from its table (logoff, tree
 * disconnect, connection teardown) marks it dead and drops the table's
 * reference; a request still holding one sees the dead flag and fails cleanly
 * with STATUS_USER_SESSION_DELETED / STATUS_NETWORK_NAME_DELETED; the memory
 * goes when the last reference does.
 *
 * LOCK ORDER (take left before right, never the other way):
 *
 *     engine->lock -> conn->lock -> session->lock -> tree->lock -> open->lock
 *
 * and conn->send_lock and engine->oplock_lock are leaves: nothing is taken
 * (and nothing called out of srv) while one is held, except that under
 * engine->oplock_lock an open's lock may be taken to see whether it is
 * closing (open->lock holders never take oplock_lock). No lock
 * is held while calling out of srv (srv_auth, srv_shares, the I/O manager,
 * queue_work) or while calling a request's completion, so those may call back
 * into srv on any thread. Reference counts are plain atomics and need no lock;
 * an object's fields that never change after creation (ids, share info) are
 * read without a lock.
 *
 * THREADS. The network thread owns the socket read side and the epoll set;
 * it runs the dispatcher for each received frame. Workers (queue_work) run
 * blocking calls; I/O manager completions arrive on driver threads. Any of
 * them may finish a parked request and send its response: sends go through
 * conn->send_lock. */
#ifndef SW_SRV_SERVER_H
#define SW_SRV_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "drivers/srv/smb2/credits.h"
#include "drivers/srv/smb2/crypto.h"
#include "drivers/srv/smb2/smb2.h"
#include "drivers/srv/srv.h"
#include "drivers/srv/stats.h"
#include "lib/buf.h"
#include "lib/sid.h"

struct io_file;
struct smb2_request;
struct srv_conn;
struct srv_open;
struct srv_workers;
struct srv_lease;
struct srv_oplock_watch;
#define SRV_OPEN_BUCKETS 1024

/* ---- Engine ------------------------------------------------------------- */

/* The settings in force: an immutable copy of the configuration, replaced
 * whole when the settings change (srv_engine_reconfigure) and freed with its
 * last holder. Network threads hold one while they use it; a connection
 * holds the one in force when it was accepted (its NEGOTIATE, validation and
 * binding checks use it), a SESSION_SETUP takes the one in force then. */
struct srv_settings {
    atomic_int refs;
    struct srv_config config;
};

struct srv_engine {
    /* Fixed at start: auth, shares, queue_work, I/O sizes, credits, ciphers,
     * server_guid. The fields that change live (dialects, signing,
     * encryption, multichannel, limits, listen address and port) are read
     * from the settings snapshot, never from here. */
    struct srv_config config;
    pthread_mutex_t settings_lock; /* a leaf: guards the pointer below only */
    struct srv_settings *settings;
    pthread_mutex_t lock;          /* conns list, counters */
    struct srv_conn *conns;        /* doubly linked, each holds a reference */
    uint64_t connections_total;
    uint64_t connections_live;     /* allocated, in the list or not */
    pthread_cond_t conns_gone;     /* signalled as connections_live drops */
    atomic_uint_fast64_t next_session_id;
    atomic_int sessions_valid;
    atomic_uint_fast64_t next_list_id; /* srv_open.list_id */
    atomic_int trees_open;
    uint64_t start_time;           /* FILETIME */
    struct srv_stats stats;        /* stats.h: the metrics endpoint's counters */
    struct srv_workers *workers;   /* NULL when config.queue_work is set */
    /* network side (net.c); listen_fd < 0 for an engine without network
     * (unit tests, fuzzing) */
    int listen_fd;
    int epoll_fd;
    int wake_fd;
    uint16_t port;
    char listen_address[64];       /* what listen_fd is bound to */
    /* A listener change srv_engine_reconfigure asks the network thread for
     * (under lock; rebind_cond signals it done). */
    bool rebind_asked, rebind_done;
    char rebind_address[64];
    uint16_t rebind_port;
    NTSTATUS rebind_status;
    pthread_cond_t rebind_cond;
    pthread_t net_thread;
    bool net_running;
    /* The event loops (net.c): loop 0 is the thread above, with epoll_fd
     * and wake_fd; each accepted connection lives on one loop, chosen in
     * turn. */
    struct srv_net_loop *loops;
    unsigned loop_count;
    unsigned next_loop;            /* loop 0's thread only */
    atomic_bool stopping;
    /* Accepting paused because descriptors ran out (EMFILE/ENFILE): the
     * listening socket is out of the epoll set until a connection's
     * descriptor is closed (which bumps descriptors_freed and wakes the
     * network thread) or a second has passed. */
    atomic_bool accept_paused;
    atomic_uint_fast64_t descriptors_freed;
    uint64_t accept_paused_ms;     /* network thread: when, and the count */
    uint64_t freed_at_pause;       /* of descriptors freed then */
    /* oplock.c, lease.c: what srv knows of its opens' oplocks and leases
     * (which open conflicts with which is pvfs's, on the file's node). */
    pthread_mutex_t oplock_lock;
    /* The identity srv's own oplock IRPs go under (the I/O manager wants
     * one; pvfs checks none for them): made on first use (oplock.c), freed
     * with the engine. */
    _Atomic(struct access_token *) oplock_token;
    struct srv_lease *leases;      /* lease.c: LeaseTable, under oplock_lock */
    /* durable.c: GlobalOpenTable, every open by its persistent FileId (a
     * leaf lock), and the durable opens that lost their session. */
    pthread_mutex_t durable_lock;
    struct srv_open *global_opens[SRV_OPEN_BUCKETS];
    uint64_t next_persistent_id;
    unsigned durable_disconnected;
    /* Durable opens of the previous run (durable_state.h), reclaimable until
     * their deadline (monotonic ms); no file is open for them. */
    struct srv_restored_open *restored;
    size_t restored_count;
    /* open_quota.c: opens charged per user (a leaf lock). */
    pthread_mutex_t quota_lock;
    struct srv_open_quota *user_quotas;
};

/* The settings in force, held (a new reference): read-only; give it back
 * with srv_settings_release. Any thread; never blocks for long. */
const struct srv_config *srv_settings_hold(struct srv_engine *engine);
void srv_settings_release(const struct srv_config *settings);

/* An engine without a listener, for tests and fuzzing: connections are made
 * with srv_conn_new and fed with srv_conn_receive. */
NTSTATUS srv_engine_create(const struct srv_config *config, struct srv_engine **engine);
void srv_engine_destroy(struct srv_engine *engine);
/* Queues blocking work (config.queue_work or srv's own pool). */
NTSTATUS srv_engine_queue_work(struct srv_engine *engine, srv_work_fn fn, void *context);
/* Now as a Windows FILETIME (100 ns since 1601). */
uint64_t srv_filetime_now(void);
/* Seconds on the monotonic clock. */
uint64_t srv_monotonic_seconds(void);

struct srv_net_loop;
/* net.c: the listener and the network thread. srv_net_release closes what
 * stop leaves for the connections still finishing (engine destroy, once
 * they are gone). */
NTSTATUS srv_net_start(struct srv_engine *engine);
void srv_net_stop(struct srv_engine *engine);
/* Moves the listener to address:port: the new socket is bound before the old
 * one is closed (unless the two overlap, as 0.0.0.0 and 127.0.0.1 on one port
 * do: then the old one goes first, and comes back if the new one cannot be
 * bound); accepted connections are not touched. Done by the network thread;
 * the caller waits (bounded). STATUS_SUCCESS, or the old listener stays. */
NTSTATUS srv_net_rebind(struct srv_engine *engine, const char *address, uint16_t port);
void srv_net_release(struct srv_engine *engine);

/* worker.c: a small fixed pool. */
struct srv_workers *srv_workers_start(unsigned threads);
NTSTATUS srv_workers_queue(struct srv_workers *workers, srv_work_fn fn, void *context);
/* Runs what is queued, then joins the threads. */
void srv_workers_stop(struct srv_workers *workers);

/* ---- Connection --------------------------------------------------------- */

/* How a connection's bytes leave (the TCP socket in net.c; a capture buffer
 * in tests). */
struct srv_transport {
    /* Sends one frame (4-byte length included); takes ownership of data.
     * Called from any thread, under no srv lock except possibly none. */
    void (*send)(struct srv_conn *conn, uint8_t *data, size_t len);
    /* Stops reading and writing (the connection is being torn down). */
    void (*shutdown)(struct srv_conn *conn);
    /* Frees the transport's state (last reference gone). */
    void (*release)(struct srv_conn *conn);
    /* conn->inflight_bytes dropped: reading may resume (back-pressure,
     * net.c). Any thread, no srv lock held. May be NULL. */
    void (*inflight_released)(struct srv_conn *conn);
    /* Sends bytes [start, start + len) of block, a frame with its 4-byte
     * length; takes ownership of block (srv_bufpool_put frees it). What lets
     * a response built behind reserved header room go out without being
     * moved. May be NULL: the frame is then moved to the block's start and
     * given to send. */
    void (*send_at)(struct srv_conn *conn, uint8_t *block, size_t start, size_t len);
};

struct srv_conn {
    atomic_int refs;
    struct srv_engine *engine;
    const struct srv_transport *transport;
    void *transport_state;
    uint64_t id;                    /* engine-wide, never reused (channels name it) */
    char peer[64];                  /* "127.0.0.1:51234", for logs */
    atomic_uint_fast64_t last_activity; /* monotonic seconds of the last frame */
    /* Bytes of responses the requests being processed may still produce:
     * each element reserves its CreditCharge x 64 KiB (the most a response
     * to it may carry, 3.3.5.2.5) until its request is freed or goes async.
     * With the send queue it bounds what the connection holds (net.c). */
    atomic_size_t inflight_bytes;
    struct srv_conn *prev, *next;   /* engine->conns, under engine->lock */
    const struct srv_config *settings; /* held: the settings in force when it was
                                          accepted (its NEGOTIATE uses them) */

    pthread_mutex_t lock;           /* everything below */
    bool dead;                      /* torn down: drop everything new */
    /* [MS-SMB2] 3.3.1.7 Connection.* */
    uint16_t dialect;               /* 0 until NEGOTIATE; 0x02FF after the SMB1 wildcard */
    bool negotiated;                /* a final dialect is chosen */
    uint32_t client_capabilities;
    uint16_t client_security_mode;
    uint8_t client_guid[16];
    uint16_t client_dialects[64];
    size_t client_dialect_count;
    uint32_t server_capabilities;
    uint16_t server_security_mode;
    uint16_t cipher;                /* SMB2_ENCRYPTION_*, 0 if none */
    uint16_t signing_algorithm;     /* SMB2_SIGNING_* */
    bool supports_multi_credit;
    uint32_t max_transact_size, max_read_size, max_write_size;
    uint8_t preauth_hash[SMB2_PREAUTH_HASH_SIZE];
    struct smb2_credits credits;
    struct srv_session **sessions;  /* table; each entry holds a reference */
    size_t session_count, session_capacity;
    struct smb2_request *pending;   /* parked requests (CANCEL looks here) */
    uint64_t next_async_id;
    bool has_valid_session;         /* raises the frame size limit */
};

/* A new connection with one reference for the caller (the transport). */
struct srv_conn *srv_conn_new(struct srv_engine *engine, const struct srv_transport *transport,
                              void *transport_state, const char *peer);
void srv_conn_ref(struct srv_conn *conn);
void srv_conn_unref(struct srv_conn *conn);
/* Feeds one received frame (without its 4-byte length). Takes ownership of
 * data (malloc'd). Runs the dispatcher; may send responses. */
void srv_conn_receive(struct srv_conn *conn, uint8_t *data, size_t len);
/* Tears the connection down: transport shut, sessions logged off, parked
 * requests cancelled. Idempotent; any thread. */
void srv_conn_disconnect(struct srv_conn *conn, const char *why);
bool srv_conn_is_dead(struct srv_conn *conn);
/* True if nothing holds the connection: no open file, no parked request. */
bool srv_conn_is_idle(struct srv_conn *conn);
/* The largest frame this connection accepts now. */
size_t srv_conn_max_frame(struct srv_conn *conn);
/* Sends a complete SMB2 message (compound); adds the 4-byte length. */
void srv_conn_send_message(struct srv_conn *conn, const uint8_t *msg, size_t len);
/* Sends the message at block + start (len bytes) without copying it: the
 * 4-byte length goes into the SMB2_TRANSPORT_HEADER_SIZE bytes before start,
 * which the caller left free. Takes ownership of block (malloc'd). */
void srv_conn_send_block(struct srv_conn *conn, uint8_t *block, size_t start, size_t len);
/* The most a frame may carry before a logon on the connection: a NEGOTIATE
 * or a SESSION_SETUP, whose security buffer has a 16-bit length. */
#define SRV_MAX_FRAME_BEFORE_LOGON (68 * 1024)
/* Back-pressure accounting of responses to come (inflight_bytes). */
void srv_conn_reserve_inflight(struct srv_conn *conn, size_t bytes);
void srv_conn_release_inflight(struct srv_conn *conn, size_t bytes);

/* ---- Session ------------------------------------------------------------ */

enum srv_session_state { SRV_SESSION_IN_PROGRESS, SRV_SESSION_VALID, SRV_SESSION_EXPIRED };

/* [MS-SMB2] 3.3.1.8 Channel: one connection a session is used on
 * (Session.ChannelList, multichannel). The connection that created the
 * session is its first channel and signs with Session.SigningKey; a
 * connection bound later (SESSION_SETUP with SMB2_SESSION_FLAG_BINDING,
 * channel.c) signs with its own Channel.SigningKey, derived from the
 * binding's own authentication. Encryption keys stay the session's.
 *
 * A channel is "bound" while the session is in that connection's session
 * table; teardown of the connection removes the channel, and the session
 * ends with its last bound channel (3.3.7.1). A binding still authenticating
 * names its connection by id only (the connection may go away between legs)
 * and keeps its own GSS exchange and 3.1.1 pre-authentication hash. */
#define SRV_MAX_CHANNELS 32

struct srv_channel {
    uint64_t conn_id;               /* srv_conn.id */
    bool bound;                     /* in that connection's session table */
    bool has_key;                   /* Channel.SigningKey (false: the session's) */
    uint16_t signing_algorithm;     /* with has_key: the connection's */
    uint8_t signing_key[16];
    bool auth_busy;                 /* a binding leg is running */
    void *auth_exchange;            /* srv_auth exchange of the binding, between legs */
    uint8_t preauth_hash[SMB2_PREAUTH_HASH_SIZE]; /* 3.1.1 binding's own hash */
};

struct srv_session {
    atomic_int refs;
    uint64_t id;                    /* never changes */
    uint64_t created;               /* monotonic seconds */
    atomic_uint_fast64_t last_used; /* monotonic seconds of the last request */
    char client[64];                /* the client's address, no port */
    struct srv_engine *engine;

    pthread_mutex_t lock;           /* everything below */
    enum srv_session_state state;
    bool dead;                      /* logged off or connection gone */
    bool auth_busy;                 /* a SESSION_SETUP leg is running */
    void *auth_exchange;            /* srv_auth exchange, between legs */
    struct access_token *token;
    char user_name[256];
    bool is_guest, is_anonymous;
    bool signing_required;
    bool encrypt_data;
    uint8_t session_key[64];        /* Session.FullSessionKey */
    size_t session_key_len;
    bool has_keys;
    struct smb2_keys keys;
    uint16_t dialect;               /* copied from the connection at creation */
    uint16_t cipher;
    uint16_t signing_algorithm;
    uint8_t preauth_hash[SMB2_PREAUTH_HASH_SIZE];
    uint64_t nonce_counter;         /* encryption nonces: counter + salt */
    uint8_t nonce_salt[4];
    struct srv_tree **trees;        /* table; each entry holds a reference */
    size_t tree_count, tree_capacity;
    uint32_t next_tree_id;
    struct srv_open **opens;        /* Session.OpenTable; each holds a reference */
    size_t open_count, open_capacity;
    uint64_t next_open_id;
    struct srv_open_quota *open_quota; /* open_quota.c, under engine->quota_lock */
    struct srv_channel channels[SRV_MAX_CHANNELS]; /* Session.ChannelList */
    size_t channel_count;
};

struct srv_session *srv_session_new(struct srv_engine *engine, struct srv_conn *conn);
void srv_session_ref(struct srv_session *session);
void srv_session_unref(struct srv_session *session);

/* conn->session table. Lookups return a new reference, or NULL. Adding a
 * session makes the connection one of its channels (bound; for a binding,
 * call srv_session_bind_channel first so its key is kept). */
NTSTATUS srv_conn_add_session(struct srv_conn *conn, struct srv_session *session);
struct srv_session *srv_conn_find_session(struct srv_conn *conn, uint64_t id);
/* The session with this id on any connection, with new references on it and
 * its connection; STATUS_NOT_FOUND if none (or its connection is dead). */
NTSTATUS srv_engine_find_session(struct srv_engine *engine, uint64_t id,
                                 struct srv_conn **conn_out, struct srv_session **session_out);
/* Removes it from the table, marks it dead, disconnects its trees (logoff);
 * its other channels' connections drop it too (3.3.5.6). */
void srv_conn_remove_session(struct srv_conn *conn, struct srv_session *session);
/* Marks a session dead and disconnects its trees (it may stay referenced). */
void srv_session_kill(struct srv_session *session);

/* Copies what signing a message for this session on this connection needs
 * (the channel's key once bound, else Session.SigningKey); false if the
 * session has no keys (yet). */
bool srv_session_signing_key(struct srv_session *session, const struct srv_conn *conn,
                             uint16_t *alg, uint8_t key[16]);

/* ---- Channels (channel.c) ----------------------------------------------- */

/* The signing algorithm of the session's own keys (2.x: HMAC-SHA256, 3.0.x:
 * AES-CMAC, 3.1.1: as negotiated on its first connection). */
uint16_t srv_session_signing_algorithm(const struct srv_session *session);
/* session->lock held. The channel of this connection, or NULL. */
struct srv_channel *srv_session_find_channel(struct srv_session *session, uint64_t conn_id);
/* session->lock held. A new channel record, or NULL at SRV_MAX_CHANNELS
 * (unbound bindings not running are dropped first to make room). */
struct srv_channel *srv_session_new_channel(struct srv_session *session, uint64_t conn_id);
/* session->lock held. Forgets a channel (ending its binding exchange). */
void srv_session_drop_channel(struct srv_session *session, struct srv_channel *channel);
/* Removes the connection's channel; returns how many bound channels the
 * session still has. */
size_t srv_session_remove_channel(struct srv_session *session, uint64_t conn_id);
/* The ids of the connections of the session's bound channels. */
size_t srv_session_channel_conns(struct srv_session *session, uint64_t ids[SRV_MAX_CHANNELS]);
/* session->lock held. Whether walks over every connection's sessions
 * (srvsvc listings) count the session on this connection: on one of its
 * channels only, so a bound session is listed once. */
bool srv_session_listed_on(const struct srv_session *session, uint64_t conn_id);
/* The live connection with this id (a new reference), or NULL. */
struct srv_conn *srv_engine_find_conn(struct srv_engine *engine, uint64_t id);
/* Where to send the session something unasked (an oplock break): conn if
 * it is alive, else another live channel of the session; a new reference,
 * or NULL if the session has none. */
struct srv_conn *srv_session_live_conn(struct srv_session *session, struct srv_conn *conn);
/* Encrypts a message for the session into out (transform header added). */
/* The same in place: frame has SMB2_TRANSFORM_HEADER_SIZE bytes of room,
 * then the len-byte message, encrypted where it lies. */
NTSTATUS srv_session_encrypt_in_place(struct srv_session *session, uint8_t *frame, size_t len);
NTSTATUS srv_session_encrypt(struct srv_session *session, const uint8_t *msg, size_t len,
                             struct buf *out);

/* ---- Tree connect ------------------------------------------------------- */

struct srv_tree {
    atomic_int refs;
    uint32_t id;                    /* never changes */
    uint64_t created;
    struct srv_share_info share;    /* copied at connect */
    /* What the share's permissions let this session do (TREE_CONNECT's
     * MaximalAccess): the ceiling of every open on the tree. Under lock:
     * it may change while the tree lives (the share's permissions change);
     * read it with srv_tree_maximal_access at each request, never keep it. */
    uint32_t maximal_access;
    struct srv_engine *engine;
    struct srv_share_stats *share_stats; /* its share's byte counters (stats.h) */
    pthread_mutex_t lock;
    bool dead;
};

/* What a session (its token) may do on a share (3.3.5.7: the share's
 * security descriptor, with writing taken away on a read-only share); 0:
 * nothing. Used at TREE_CONNECT and again when the share changes. */
uint32_t srv_share_maximal_access(const struct srv_share_info *info,
                                  const struct access_token *token);
/* ---- Open limits (open_quota.c) ----------------------------------------- */

struct srv_open_quota;
/* Charges a new open, before its IoCreateFile, to its session and to its
 * session's user: STATUS_TOO_MANY_OPENED_FILES past srv.max-opens-per-session
 * or srv.max-opens-per-user (that CREATE only). The charges last until the
 * open object is freed (srv_open_unref releases them). */
NTSTATUS srv_open_charge(struct srv_open *open, struct srv_session *session);
void srv_open_uncharge(struct srv_open *open);
/* The session's part, when the session is freed (its charged opens may
 * outlive it). */
void srv_session_release_open_quota(struct srv_session *session);
void srv_open_quotas_free(struct srv_engine *engine);
/* The limits in force: config 0 for the user limit is a quarter of lwiod's
 * RLIMIT_NOFILE (srv_open_limit_nofile); the session limit is at most the
 * user limit. */
void srv_open_limits_resolve(const struct srv_config *config, uint32_t *per_session,
                             uint32_t *per_user);
/* The descriptors lwiod can hold: its RLIMIT_NOFILE soft limit (which lwiod
 * raises to the hard limit at start), counted as at most 1048576. */
uint32_t srv_open_limit_nofile(void);

struct srv_tree *srv_tree_new(struct srv_engine *engine, const struct srv_share_info *share);
void srv_tree_ref(struct srv_tree *tree);
void srv_tree_unref(struct srv_tree *tree);
/* Marks a tree connect dead (TREE_DISCONNECT, logoff, teardown). */
void srv_tree_kill(struct srv_tree *tree);
/* The tree's maximal access now (see struct srv_tree). */
uint32_t srv_tree_maximal_access(struct srv_tree *tree);
/* Whether the share is read-only now: nothing that changes data or
 * metadata is done through the tree. */
bool srv_tree_read_only(struct srv_tree *tree);

/* session->tree table. */
NTSTATUS srv_session_add_tree(struct srv_session *session, struct srv_tree *tree);
struct srv_tree *srv_session_find_tree(struct srv_session *session, uint32_t id);
void srv_session_remove_tree(struct srv_session *session, struct srv_tree *tree);

/* ---- Leases (lease.c, [MS-SMB2] 3.3.1.4) -------------------------------- */

#define SRV_LEASE_R 0x01u /* SMB2_LEASE_READ_CACHING */
#define SRV_LEASE_H 0x02u /* SMB2_LEASE_HANDLE_CACHING */
#define SRV_LEASE_W 0x04u /* SMB2_LEASE_WRITE_CACHING */

/* A CREATE's lease request context (2.2.13.2.8, 2.2.13.2.10). */
struct srv_lease_request {
    bool present;
    uint8_t version;                /* 1 or 2 */
    uint8_t client_guid[16];        /* the connection's ClientGuid */
    uint8_t key[16];
    uint32_t state;
    bool has_parent;
    uint8_t parent_key[16];
    uint16_t epoch;
};

/* A lease (Lease in 3.3.1.4) as SMB knows it: its key, version, epoch and
 * the state last told to the client; shared by the opens of one client
 * that give its key; under engine->oplock_lock, freed with its last open.
 * pvfs keeps the lease itself (which opens it conflicts with, breaks). */
struct srv_lease {
    struct srv_lease *next;         /* engine->leases */
    uint8_t client_guid[16];
    uint8_t key[16];
    uint8_t parent_key[16];
    bool has_parent;
    uint8_t version;
    uint16_t epoch;
    uint32_t state;                 /* SRV_LEASE_* */
    bool breaking;                  /* break sent, acknowledgment awaited */
    struct srv_open *opens;         /* through open->lease_next */
};

/* ---- Opens -------------------------------------------------------------- */

/* An open file or pipe (Open in [MS-SMB2] 3.3.1.10): one I/O manager file.
 * I/O on it is counted (inflight); a CLOSE, logoff, tree disconnect or
 * teardown marks it closed (no new I/O), asks pending requests on it to
 * finish, and closes the I/O manager file once the last call in flight has
 * completed. */
typedef void (*srv_open_closed_fn)(void *context, NTSTATUS status);

struct srv_open {
    atomic_int refs;
    struct srv_open_quota *session_quota, *user_quota; /* open_quota.c: its charges */
    uint64_t id;                    /* FileId.Volatile, per session (changes on reconnect) */
    uint64_t list_id;               /* engine-wide, never reused: the id listings show
                                       and administrators close by (devctl.c) */
    uint64_t persistent_id;         /* FileId.Persistent, engine-wide, never changes */
    uint32_t access;                /* DesiredAccess of the CREATE */
    uint32_t create_options;        /* CreateOptions of the CREATE (kept across a restart) */
    bool created;                   /* the CREATE made the file */
    struct srv_engine *engine;
    struct srv_tree *tree;          /* reference */
    struct io_file *file;
    bool is_pipe;
    bool is_directory;              /* set once the CREATE succeeded */
    char path[512];                 /* share-relative, for listings and logs */
    pthread_mutex_t lock;           /* below */
    bool closed;
    bool close_issued;
    unsigned inflight;
    srv_open_closed_fn closed_fn;   /* who waits for the close (CLOSE) */
    void *closed_context;
    /* Under engine->oplock_lock (oplock.c): what pvfs granted the open
     * and who hears of its breaks. */
    uint8_t oplock_level;           /* SMB2_OPLOCK_LEVEL_* held */
    bool oplock_breaking;           /* break sent, no acknowledgment yet */
    uint32_t share_access;          /* ShareAccess of the CREATE */
    struct srv_lease_request lease_req; /* the CREATE's RqLs */
    struct srv_lease *lease;        /* the lease the open belongs to, or NULL */
    struct srv_open *lease_next;    /* lease->opens */
    struct srv_conn *oplock_conn;   /* holder's connection and session (references) */
    struct srv_session *oplock_session;
    /* Under engine->durable_lock (durable.c): GlobalOpenTable membership
     * (the table holds a reference) and durability ([MS-SMB2] 3.3.1.10). */
    bool global_listed;
    struct srv_open *global_prev, *global_next;
    uint64_t session_id;            /* Open.Session's id; 0 while disconnected */
    bool durable, durable_v2, resilient;
    uint32_t durable_timeout_ms;    /* Open.DurableOpenTimeout / ResiliencyTimeout */
    bool has_create_guid;
    uint8_t create_guid[16];        /* Open.CreateGuid (DH2Q) */
    bool has_app_instance;
    uint8_t app_instance_id[16];    /* Open.AppInstanceId */
    /* Open.IsReplayEligible: a CREATE with its CreateGuid is a replay until
     * the first request on the open (3.3.5.9.10, 3.3.5.21). */
    atomic_bool replay_eligible;
    uint8_t client_guid[16];        /* Open.ClientGuid */
    struct sid owner;               /* Open.DurableOwner: the user's SID */
    bool disconnected;              /* kept after its session ended */
    uint64_t durable_deadline;      /* monotonic ms: closed then if still disconnected */
    uint32_t create_action;         /* for a replayed CREATE's response */
    /* Under open->lock: Open.LockSequenceArray (3.3.5.14), bit i of
     * lock_sequence_valid for entry i. */
    uint8_t lock_sequence[64];
    uint64_t lock_sequence_valid;
};

struct srv_open *srv_open_new(struct srv_engine *engine, struct srv_tree *tree,
                              struct io_file *file);
void srv_open_ref(struct srv_open *open);
void srv_open_unref(struct srv_open *open);
/* Starts an I/O call on the open: false if it is closing. */
bool srv_open_begin_io(struct srv_open *open);
void srv_open_end_io(struct srv_open *open);
/* Closes: no new I/O; the I/O manager file is closed once nothing is in
 * flight, then fn(context, status) runs (fn may be NULL). Idempotent. */
void srv_open_close(struct srv_open *open, srv_open_closed_fn fn, void *context);

/* ---- Oplocks and leases (oplock.c, lease.c; [MS-SMB2] 3.3.1.10, 3.3.4.6,
 * 3.3.4.7, 3.3.5.22) -----------------------------------------------------------
 *
 * pvfs arbitrates them on the file's node (drivers/pvfs/pvfs.h): a disk
 * CREATE asks through the ECP samewise.pvfs.oplock and learns what it got;
 * a CREATE that must wait for a break pends in pvfs. srv keeps, per open,
 * what it was granted and who hears of its breaks (the connection and
 * session it was granted on), and one pending PVFS_FSCTL_OPLOCK_BREAK_WAIT
 * per open holding something (the watch); a break coming back through it
 * becomes an OPLOCK_BREAK or LEASE_BREAK notification, and the client's
 * acknowledgment a PVFS_FSCTL_OPLOCK_ACK. */
/* The ECP data asking for requested (an SMB2_OPLOCK_LEVEL_*, with the
 * open's lease_req for a lease): false when nothing is asked. */
bool srv_oplock_ecp(const struct srv_open *open, uint8_t requested, uint8_t data[40]);
/* After the CREATE succeeded: reads pvfs's answer from the ECP data (NULL:
 * none), records what the open holds and starts its watch; returns the
 * SMB2 oplock level (SMB2_OPLOCK_LEVEL_LEASE for a lease answer; then
 * *lease_state, *epoch, *flags for the response context). */
uint8_t srv_oplock_granted(struct srv_open *open, const uint8_t *answer, size_t answer_size,
                           struct srv_conn *conn, struct srv_session *session,
                           uint32_t *lease_state, uint16_t *epoch, uint32_t *flags);
/* OPLOCK_BREAK acknowledgment: STATUS_SUCCESS and the new level, or
 * STATUS_INVALID_OPLOCK_PROTOCOL. */
NTSTATUS srv_oplock_ack(struct srv_open *open, uint8_t level, uint8_t *new_level);
/* LEASE_BREAK acknowledgment (3.3.5.22.2): STATUS_SUCCESS, or
 * STATUS_OBJECT_NAME_NOT_FOUND (no such lease), STATUS_UNSUCCESSFUL (no
 * break outstanding), STATUS_REQUEST_NOT_ACCEPTED (state above the break). */
NTSTATUS srv_lease_ack(struct srv_engine *engine, const uint8_t client_guid[16],
                       const uint8_t key[16], uint32_t state);
/* The open is gone: it leaves its lease (lease.c) and drops its holder
 * references. */
void srv_oplock_leave(struct srv_open *open);
/* lease.c (engine->oplock_lock held): the open joins the lease of its key
 * with the state pvfs granted; the lease an acknowledgment goes through. */
struct srv_lease *srv_lease_join_locked(struct srv_engine *engine, struct srv_open *open,
                                        uint32_t state);
void srv_lease_leave_locked(struct srv_engine *engine, struct srv_open *open);
struct srv_lease *srv_lease_find_locked(struct srv_engine *engine, const uint8_t client_guid[16],
                                        const uint8_t key[16]);
/* Ends what waits on time (network thread): disconnected durable opens. */
void srv_oplock_sweep(struct srv_engine *engine);

/* ---- Change notification (smb2/change_notify.c) ---------------------------
 *
 * CHANGE_NOTIFY is an I/O manager notify request (IoReadDirectoryChangeFile):
 * the driver sees every change on the disk, srv's own included, so srv keeps
 * no watch of its own. */

/* session->opens. */
NTSTATUS srv_session_add_open(struct srv_session *session, struct srv_open *open);
struct srv_open *srv_session_find_open(struct srv_session *session, uint64_t persistent,
                                       uint64_t volatile_id);
/* Takes it out of the table (new) reference returned, or NULL. */
struct srv_open *srv_session_take_open(struct srv_session *session, uint64_t persistent,
                                       uint64_t volatile_id);
/* Closes every open of the tree (tree disconnect); with tree NULL (the
 * session ends: logoff, connection loss) durable and resilient opens are
 * kept, disconnected, for a reconnect. */
void srv_session_close_tree_opens(struct srv_session *session, struct srv_tree *tree);
/* A reconnected open moves to the tree connect of its new session. */
void srv_open_set_tree(struct srv_open *open, struct srv_tree *tree);

/* ---- Durable and resilient opens (durable.c, [MS-SMB2] 3.3.5.9.6-12,
 * 3.3.5.15.9, 3.3.7.1) ------------------------------------------------------
 *
 * Every open is in the engine's GlobalOpenTable by its persistent FileId
 * from its CREATE until its close. A durable open (batch oplock and DHnQ or
 * DH2Q) or a resilient one (FSCTL_LMR_REQUEST_RESILIENCY) outlives its
 * session: it stays open, detached from session and tree connect, until a
 * new session of the same user reclaims it with DHnC/DH2C, its timeout
 * passes (the network thread's sweep), or another CREATE of the file would
 * need its batch oplock broken (the open is closed then). */
/* Gives the open its persistent FileId and lists it. */
void srv_durable_register(struct srv_open *open);
/* Unlists it (its close). */
void srv_durable_unregister(struct srv_open *open);
/* Marks it durable after the CREATE (v2: create_guid, timeout_ms as asked,
 * 0 = default); returns the timeout granted (ms). */
uint32_t srv_durable_grant(struct srv_open *open, bool v2, uint32_t timeout_ms,
                           const uint8_t *create_guid, const uint8_t client_guid[16],
                           const struct sid *owner);
/* FSCTL_LMR_REQUEST_RESILIENCY. */
void srv_durable_set_resilient(struct srv_open *open, uint32_t timeout_ms,
                               const struct sid *owner);
/* The session's end: true if the open is kept (disconnected). */
bool srv_durable_detach(struct srv_open *open);
/* Whether LOCK checks lock sequence numbers on the open (3.3.5.14). */
bool srv_durable_lock_sequence_applies(struct srv_open *open);
/* DHnC/DH2C: the disconnected open with this persistent FileId, if the
 * checks of 3.3.5.9.7 / 3.3.5.9.12 pass; a new reference. */
struct srv_durable_reclaim {
    uint64_t persistent;
    bool v2;
    uint8_t create_guid[16];
    uint8_t client_guid[16];
    const struct sid *user;
    const char *share_name;
    uint64_t session_id;
    /* The request's lease context (its key) and name (share-relative): an
     * open with a lease is reclaimed only with its key (else not found)
     * and its name (else STATUS_INVALID_PARAMETER), 3.3.5.9.7. */
    const uint8_t *lease_key;       /* NULL: no lease context */
    const char *name;
};
NTSTATUS srv_durable_reclaim(struct srv_engine *engine, const struct srv_durable_reclaim *r,
                             struct srv_open **open);
/* The open with this persistent FileId in the GlobalOpenTable, unless it is
 * disconnected (a resume key's source, [MS-SMB2] 3.3.5.15.6), with the id
 * of its session; a new reference, or NULL. */
struct srv_open *srv_durable_find_open(struct srv_engine *engine, uint64_t persistent,
                                       uint64_t *session_id);
/* The open a DH2Q's CreateGuid names for this client, if any (replay
 * detection, 3.3.5.9.10); a new reference. */
struct srv_open *srv_durable_find_create_guid(struct srv_engine *engine,
                                              const uint8_t create_guid[16],
                                              const uint8_t client_guid[16]);
/* 3.3.5.9.13: a durable open of this user with this AppInstanceId (another
 * instance of a failed-over application) is closed, in whatever session;
 * true if a close started (fn(context) runs once it is done, on any
 * thread), false if there was none. */
void srv_durable_set_app_instance(struct srv_open *open, const uint8_t id[16]);
bool srv_durable_close_app_instance(struct srv_engine *engine, const uint8_t id[16],
                                    const struct sid *user, srv_open_closed_fn fn,
                                    void *context);
/* Another CREATE needs the file: a disconnected durable open is closed. */
void srv_durable_purge(struct srv_open *open);
/* Calls fn(open, context) for every disconnected open, with
 * engine->durable_lock held (fn takes no srv lock and calls nothing out). */
void srv_durable_for_each_disconnected(struct srv_engine *engine,
                                       void (*fn)(struct srv_open *open, void *context),
                                       void *context);
/* Closes disconnected opens whose timeout passed, and forgets records of
 * the previous run whose timeout passed (network thread). */
void srv_durable_sweep(struct srv_engine *engine);
/* Restart (durable_state.h): at engine start, the previous run's records
 * become reclaimable; at shutdown, before connections go, every durable or
 * resilient open (connected or not) and every record not yet reclaimed is
 * written to config.durable_state_path. */
void srv_durable_restore(struct srv_engine *engine);
void srv_durable_save(struct srv_engine *engine);
/* A DHnC/DH2C that named no open of this run: the previous run's record it
 * names (same persistent FileId, share, CreateGuid for v2), taken out of
 * the list into *record; STATUS_ACCESS_DENIED (and the record stays) for
 * another user; else STATUS_OBJECT_NAME_NOT_FOUND. */
struct srv_durable_record;
NTSTATUS srv_durable_take_restored(struct srv_engine *engine, const struct srv_durable_reclaim *r,
                                   struct srv_durable_record *record);
/* Lists a newly opened file that reclaims a record under the record's
 * persistent FileId (a new one if that is in use again). */
void srv_durable_register_as(struct srv_open *open, uint64_t persistent);
/* Closes every disconnected open (engine shutdown). */
void srv_durable_close_all(struct srv_engine *engine);
/* oplock.c: the session is gone. keep: the open keeps its batch oplock or
 * its lease with handle caching, with nobody to break it to (true), unless
 * it has none or a break is outstanding (false: the caller closes it).
 * !keep: the open stays but gives its oplock up (false). */
bool srv_oplock_detach(struct srv_open *open, bool keep);
/* oplock.c: a reclaimed open's oplock belongs to its new connection;
 * returns the level held. */
uint8_t srv_oplock_reattach(struct srv_open *open, struct srv_conn *conn,
                            struct srv_session *session);

#endif
