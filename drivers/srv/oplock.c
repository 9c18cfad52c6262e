/* Oplocks and leases as SMB2 messages ([MS-SMB2] 3.3.1.10, 3.3.4.6, 3.3.4.7,
 * 3.3.5.22). pvfs decides who gets what and which opens break which, on the
 * file's node (drivers/pvfs/oplock.c); srv asks with the CREATE (the ECP
 * samewise.pvfs.oplock), keeps one PVFS_FSCTL_OPLOCK_BREAK_WAIT pending per
 * open that holds something (the watch), turns what comes back into an
 * OPLOCK_BREAK or LEASE_BREAK notification, and passes the client's
 * acknowledgment on as PVFS_FSCTL_OPLOCK_ACK. See server.h.
 *
 * engine->oplock_lock is a leaf: messages are sent, IRPs issued and opens
 * closed after it is released. */
#include <stdlib.h>
#include <string.h>

#include "drivers/pvfs/pvfs.h"
#include "drivers/srv/server.h"
#include "lib/log.h"
#include "lib/token.h"
#include "lwiod/driver.h"

/* 2.2.23.2 Flags. */
#define SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED 0x01u
/* 2.2.14.2.10/.11 Flags. */
#define SMB2_LEASE_FLAG_BREAK_IN_PROGRESS 0x02u
#define SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET 0x04u

/* One pending break wait of an open (it holds a reference on the open). */
struct srv_oplock_watch {
    struct srv_open *open;
    struct io_async_control async;
    struct io_status_block iosb;
    uint8_t out[PVFS_OPLOCK_BREAK_WAIT_SIZE];
};

/* The identity srv's own oplock IRPs go under: the engine's, made on first
 * use (whoever loses the race frees his copy). It lives with the engine, not
 * in srv.so's statics, which lwiod unloads. */
static const struct access_token *oplock_token(struct srv_engine *e)
{
    struct access_token *token = atomic_load(&e->oplock_token);
    if (token)
        return token;
    struct access_token *made = token_new_system();
    if (!made)
        return NULL;
    struct access_token *expected = NULL;
    if (!atomic_compare_exchange_strong(&e->oplock_token, &expected, made)) {
        token_free(made);
        return expected;
    }
    return made;
}

static uint8_t level_to_pvfs(uint8_t smb2)
{
    switch (smb2) {
    case SMB2_OPLOCK_LEVEL_II:
        return PVFS_OPLOCK_LEVEL_II;
    case SMB2_OPLOCK_LEVEL_EXCLUSIVE:
        return PVFS_OPLOCK_EXCLUSIVE;
    case SMB2_OPLOCK_LEVEL_BATCH:
        return PVFS_OPLOCK_BATCH;
    default:
        return PVFS_OPLOCK_NONE;
    }
}

static uint8_t level_from_pvfs(uint8_t level)
{
    switch (level) {
    case PVFS_OPLOCK_LEVEL_II:
        return SMB2_OPLOCK_LEVEL_II;
    case PVFS_OPLOCK_EXCLUSIVE:
        return SMB2_OPLOCK_LEVEL_EXCLUSIVE;
    case PVFS_OPLOCK_BATCH:
        return SMB2_OPLOCK_LEVEL_BATCH;
    case PVFS_OPLOCK_LEASE:
        return SMB2_OPLOCK_LEVEL_LEASE;
    default:
        return SMB2_OPLOCK_LEVEL_NONE;
    }
}

bool srv_oplock_ecp(const struct srv_open *o, uint8_t requested, uint8_t data[40])
{
    memset(data, 0, PVFS_ECP_OPLOCK_SIZE);
    if (requested == SMB2_OPLOCK_LEVEL_LEASE && o->lease_req.present) {
        /* The lease's owner for pvfs: the client's GUID and its key. */
        data[0] = PVFS_OPLOCK_LEASE;
        le32_store(data + 4, o->lease_req.state);
        memcpy(data + 8, o->lease_req.client_guid, 16);
        memcpy(data + 24, o->lease_req.key, 16);
        return true;
    }
    data[0] = level_to_pvfs(requested);
    return data[0] != PVFS_OPLOCK_NONE;
}

static void drop_refs(struct srv_conn *conn, struct srv_session *session)
{
    if (session)
        srv_session_unref(session);
    if (conn)
        srv_conn_unref(conn);
}

/* ---- Break notifications ---- */

/* A break notification to send (no lock held while it is sent). */
struct pending_break {
    struct srv_conn *conn;       /* references */
    struct srv_session *session;
    uint64_t persistent, volatile_id;
    uint8_t level;               /* broken to */
    bool encrypt;
    bool lease;                  /* a lease break (2.2.23.2), these below */
    uint8_t lease_key[16];
    uint32_t lease_flags, lease_current, lease_new;
    uint16_t lease_epoch;
};

/* 2.2.23.1 Oplock Break Notification, 2.2.23.2 Lease Break Notification:
 * MessageId all ones, no session, no tree, unsigned; sealed with the
 * holder's session when it encrypts. */
static void send_break(struct pending_break *b)
{
    /* The holder's connection, or another channel of its session. */
    struct srv_conn *live = srv_session_live_conn(b->session, b->conn);
    if (live) {
        srv_conn_unref(b->conn);
        b->conn = live;
    }
    srv_stats_event(&b->conn->engine->stats,
                    b->lease ? SRV_STAT_LEASE_BREAKS : SRV_STAT_OPLOCK_BREAKS);
    uint8_t msg[SMB2_HEADER_SIZE + 44];
    size_t len = SMB2_HEADER_SIZE + (b->lease ? 44 : 24);
    memset(msg, 0, sizeof msg);
    memcpy(msg, SMB2_PROTOCOL_ID, 4);
    le16_store(msg + 4, SMB2_HEADER_SIZE);
    le16_store(msg + 12, SMB2_OPLOCK_BREAK);
    le32_store(msg + 16, SMB2_FLAGS_SERVER_TO_REDIR);
    le64_store(msg + 24, UINT64_MAX);
    uint8_t *body = msg + SMB2_HEADER_SIZE;
    if (b->lease) {
        /* NewEpoch, Flags, LeaseKey, CurrentLeaseState, NewLeaseState,
         * BreakReason, AccessMaskHint, ShareMaskHint. */
        le16_store(body, 44);
        le16_store(body + 2, b->lease_epoch);
        le32_store(body + 4, b->lease_flags);
        memcpy(body + 8, b->lease_key, 16);
        le32_store(body + 24, b->lease_current);
        le32_store(body + 28, b->lease_new);
    } else {
        le16_store(body, 24);
        body[2] = b->level;
        le64_store(body + 8, b->persistent);
        le64_store(body + 16, b->volatile_id);
    }
    if (b->encrypt) {
        struct buf enc;
        buf_init(&enc);
        if (srv_session_encrypt(b->session, msg, len, &enc) == STATUS_SUCCESS)
            srv_conn_send_message(b->conn, enc.data, enc.len);
        buf_free(&enc);
    } else {
        srv_conn_send_message(b->conn, msg, len);
    }
}

/* What a break that came back through o's watch means: the notification
 * (into *b, false if nobody is there to hear it) and srv's own record of
 * the state (engine->oplock_lock held). */
static bool note_break_locked(struct srv_open *o, const uint8_t *out, struct pending_break *b)
{
    bool lease = out[0] & 0x01, ack = out[0] & 0x02;
    memset(b, 0, sizeof *b);
    b->persistent = o->persistent_id;
    b->volatile_id = o->id;
    if (lease && o->lease) {
        struct srv_lease *l = o->lease;
        uint32_t from = le32_load(out + 4), to = le32_load(out + 8);
        if (l->version == 2)
            l->epoch++;
        b->lease = true;
        memcpy(b->lease_key, l->key, 16);
        b->lease_flags = ack ? SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED : 0;
        b->lease_current = from;
        b->lease_new = to;
        b->lease_epoch = l->version == 2 ? l->epoch : 0;
        l->breaking = ack;
        if (!ack)
            l->state = to;
    } else {
        b->level = level_from_pvfs(out[1]);
        o->oplock_breaking = ack;
        if (!ack)
            o->oplock_level = b->level;
    }
    if (!o->oplock_conn || !o->oplock_session)
        return false;
    b->conn = o->oplock_conn;
    srv_conn_ref(b->conn);
    b->session = o->oplock_session;
    srv_session_ref(b->session);
    return true;
}

static void watch_issue(struct srv_oplock_watch *w);

/* A break (or the end of the wait) came back. */
static void watch_done(void *context)
{
    struct srv_oplock_watch *w = context;
    struct srv_open *o = w->open;
    if (w->async.cancel) {
        IoCancelRefRelease(w->async.cancel);
        w->async.cancel = NULL;
    }
    if (w->iosb.status != STATUS_SUCCESS || w->iosb.information < PVFS_OPLOCK_BREAK_WAIT_SIZE) {
        /* The open is closing, or holds nothing any more. */
        srv_open_unref(o);
        free(w);
        return;
    }
    struct pending_break b;
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->oplock_lock);
    bool tell = note_break_locked(o, w->out, &b);
    pthread_mutex_unlock(&e->oplock_lock);
    bool ack = w->out[0] & 0x02;
    if (tell) {
        pthread_mutex_lock(&b.session->lock);
        b.encrypt = b.session->encrypt_data ||
                    (o->tree->share.encrypt_data && SMB2_DIALECT_IS_3(b.session->dialect));
        pthread_mutex_unlock(&b.session->lock);
        log_debug("srv: breaking the %s of %s", b.lease ? "lease" : "oplock", o->path);
        send_break(&b);
        drop_refs(b.conn, b.session);
    } else if (ack) {
        /* A durable open whose session is gone: nobody can answer the
         * break, so the open is closed (its close ends the break). */
        srv_durable_purge(o);
    }
    watch_issue(w);
}

/* Waits for the next break (the watch keeps its reference on the open).
 * The call is counted as I/O on the open (srv_open_begin_io) while it is
 * being issued, so the file stays valid meanwhile, not while it pends: a
 * pending watch must not hold the open's close back (the close cancels
 * it). */
static void watch_issue(struct srv_oplock_watch *w)
{
    struct srv_open *o = w->open;
    if (!srv_open_begin_io(o)) {
        w->iosb.status = STATUS_FILE_CLOSED;
        w->iosb.information = 0;
        watch_done(w);
        return;
    }
    srv_open_ref(o); /* for end_io: w and its reference may be gone by then */
    w->async.callback = watch_done;
    w->async.context = w;
    w->async.cancel = NULL;
    memset(&w->iosb, 0, sizeof w->iosb);
    NTSTATUS status = IoFsControlFile(o->file, &w->async, &w->iosb, oplock_token(o->engine),
                                      PVFS_FSCTL_OPLOCK_BREAK_WAIT, NULL, 0, w->out,
                                      sizeof w->out);
    srv_open_end_io(o);
    if (status != STATUS_PENDING) {
        /* Finished at once (the callback is not called): a break was
         * waiting, or the open holds nothing. */
        w->iosb.status = status;
        if (status == STATUS_SUCCESS)
            w->iosb.information = sizeof w->out;
        watch_done(w);
    }
    srv_open_unref(o);
}

static NTSTATUS send_ack(struct srv_open *o, uint8_t what, uint8_t level, uint32_t state,
                         uint8_t *kept);

static void watch_start(struct srv_open *o)
{
    struct srv_oplock_watch *w = calloc(1, sizeof *w);
    if (!w) {
        /* Nobody would hear of a break: give the oplock up instead. */
        log_ratelimited(LOG_LEVEL_ERROR, "srv: no memory to watch the oplock of %s", o->path);
        (void)send_ack(o, PVFS_OPLOCK_ACK_RELEASE, 0, 0, NULL);
        return;
    }
    srv_open_ref(o);
    w->open = o;
    watch_issue(w);
}

/* ---- Granting and acknowledging ---- */

uint8_t srv_oplock_granted(struct srv_open *o, const uint8_t *answer, size_t answer_size,
                           struct srv_conn *conn, struct srv_session *session,
                           uint32_t *lease_state, uint16_t *epoch, uint32_t *flags)
{
    struct srv_engine *e = o->engine;
    uint8_t type = answer && answer_size >= PVFS_ECP_OPLOCK_ANSWER_SIZE ? answer[0]
                                                                         : PVFS_OPLOCK_NONE;
    *lease_state = 0;
    *epoch = 0;
    *flags = 0;
    uint8_t level = SMB2_OPLOCK_LEVEL_NONE;
    pthread_mutex_lock(&e->oplock_lock);
    if (type == PVFS_OPLOCK_LEASE && o->lease_req.present) {
        uint32_t state = le32_load(answer + 4);
        struct srv_lease *l = srv_lease_join_locked(e, o, state);
        if (l) {
            level = SMB2_OPLOCK_LEVEL_LEASE;
            *lease_state = l->state;
            *epoch = l->version == 2 ? l->epoch : 0;
            if (answer[1] & 0x01)
                *flags |= SMB2_LEASE_FLAG_BREAK_IN_PROGRESS;
            if (l->has_parent && l->version == 2)
                *flags |= SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET;
        }
    } else if (o->lease_req.present) {
        /* No lease for this open: the answer names the key's epoch. */
        struct srv_lease *l = srv_lease_find_locked(e, o->lease_req.client_guid, o->lease_req.key);
        if (l && l->version == 2)
            *epoch = l->epoch;
    } else {
        level = level_from_pvfs(type);
        if (level == SMB2_OPLOCK_LEVEL_LEASE)
            level = SMB2_OPLOCK_LEVEL_NONE;
    }
    if (level != SMB2_OPLOCK_LEVEL_NONE) {
        o->oplock_level = level;
        o->oplock_breaking = false;
        srv_conn_ref(conn);
        o->oplock_conn = conn;
        srv_session_ref(session);
        o->oplock_session = session;
    }
    pthread_mutex_unlock(&e->oplock_lock);
    if (level != SMB2_OPLOCK_LEVEL_NONE)
        watch_start(o);
    return level;
}

static NTSTATUS send_ack(struct srv_open *o, uint8_t what, uint8_t level, uint32_t state,
                         uint8_t *kept)
{
    uint8_t in[PVFS_OPLOCK_ACK_SIZE] = { what, level };
    le32_store(in + 4, state);
    uint8_t out = 0;
    struct io_status_block iosb;
    /* As any I/O on the open: not once its close has begun (the file may
     * be gone). Answered in pvfs's dispatch, with no wait: fine on this
     * thread. */
    if (!srv_open_begin_io(o))
        return STATUS_FILE_CLOSED;
    NTSTATUS status = IoFsControlFile(o->file, NULL, &iosb, oplock_token(o->engine), PVFS_FSCTL_OPLOCK_ACK,
                                      in, sizeof in, &out, sizeof out);
    srv_open_end_io(o);
    if (kept)
        *kept = out;
    return status;
}

NTSTATUS srv_oplock_ack(struct srv_open *o, uint8_t level, uint8_t *new_level)
{
    uint8_t kept = PVFS_OPLOCK_NONE;
    *new_level = SMB2_OPLOCK_LEVEL_NONE;
    if (o->is_pipe || !o->file)
        return STATUS_INVALID_OPLOCK_PROTOCOL;
    NTSTATUS status = send_ack(o, PVFS_OPLOCK_ACK_OPLOCK, level_to_pvfs(level), 0, &kept);
    if (status == STATUS_INVALID_DEVICE_REQUEST || status == STATUS_INVALID_PARAMETER)
        status = STATUS_INVALID_OPLOCK_PROTOCOL;
    pthread_mutex_lock(&o->engine->oplock_lock);
    if (o->oplock_level != SMB2_OPLOCK_LEVEL_LEASE) {
        o->oplock_level = level_from_pvfs(kept);
        o->oplock_breaking = false;
    }
    pthread_mutex_unlock(&o->engine->oplock_lock);
    *new_level = level_from_pvfs(kept);
    return status;
}

NTSTATUS srv_lease_ack(struct srv_engine *e, const uint8_t client_guid[16], const uint8_t key[16],
                       uint32_t state)
{
    /* Through any open of the lease that is not closing. */
    pthread_mutex_lock(&e->oplock_lock);
    struct srv_lease *l = srv_lease_find_locked(e, client_guid, key);
    struct srv_open *via = NULL;
    for (struct srv_open *o = l ? l->opens : NULL; o && !via; o = o->lease_next) {
        pthread_mutex_lock(&o->lock);
        if (!o->closed)
            via = o;
        pthread_mutex_unlock(&o->lock);
    }
    if (via)
        srv_open_ref(via);
    pthread_mutex_unlock(&e->oplock_lock);
    if (!via)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    NTSTATUS status = send_ack(via, PVFS_OPLOCK_ACK_LEASE, 0, state, NULL);
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&e->oplock_lock);
        if (via->lease) {
            via->lease->state = state;
            via->lease->breaking = false;
        }
        pthread_mutex_unlock(&e->oplock_lock);
    }
    srv_open_unref(via);
    return status;
}

void srv_oplock_leave(struct srv_open *o)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->oplock_lock);
    srv_lease_leave_locked(e, o);
    struct srv_conn *c = o->oplock_conn;
    struct srv_session *s = o->oplock_session;
    o->oplock_conn = NULL;
    o->oplock_session = NULL;
    o->oplock_level = SMB2_OPLOCK_LEVEL_NONE;
    pthread_mutex_unlock(&e->oplock_lock);
    drop_refs(c, s);
}

/* ---- Durable opens ---- */

bool srv_oplock_detach(struct srv_open *o, bool keep)
{
    struct srv_engine *e = o->engine;
    struct srv_conn *c = NULL;
    struct srv_session *s = NULL;
    pthread_mutex_lock(&e->oplock_lock);
    /* Worth keeping: a batch oplock or a lease with handle caching, no
     * break outstanding ([MS-SMB2] 3.3.5.9.6, 3.3.5.9.10). */
    bool kept = keep && !o->oplock_breaking &&
                (o->oplock_level == SMB2_OPLOCK_LEVEL_BATCH ||
                 (o->lease && (o->lease->state & SRV_LEASE_H) && !o->lease->breaking));
    bool release = !keep && o->oplock_level != SMB2_OPLOCK_LEVEL_NONE;
    if (kept || release) {
        c = o->oplock_conn;
        s = o->oplock_session;
        o->oplock_conn = NULL;
        o->oplock_session = NULL;
    }
    if (release) {
        srv_lease_leave_locked(e, o);
        o->oplock_level = SMB2_OPLOCK_LEVEL_NONE;
        o->oplock_breaking = false;
    }
    pthread_mutex_unlock(&e->oplock_lock);
    drop_refs(c, s);
    /* The open stays without its oplock: a CREATE waiting for the break
     * goes on (and meets the open's share mode). */
    if (release)
        (void)send_ack(o, PVFS_OPLOCK_ACK_RELEASE, 0, 0, NULL);
    return kept;
}

uint8_t srv_oplock_reattach(struct srv_open *o, struct srv_conn *conn, struct srv_session *session)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->oplock_lock);
    uint8_t level = o->oplock_level;
    if (level != SMB2_OPLOCK_LEVEL_NONE && !o->oplock_conn) {
        srv_conn_ref(conn);
        o->oplock_conn = conn;
        srv_session_ref(session);
        o->oplock_session = session;
    }
    pthread_mutex_unlock(&e->oplock_lock);
    return level;
}

void srv_oplock_sweep(struct srv_engine *e)
{
    /* Breaks nobody answers end in pvfs (its timer); what is left here is
     * the durable opens whose time is up. */
    srv_durable_sweep(e);
}
