/* Oplocks: level II, exclusive and batch ([MS-SMB2] 3.3.1.10, 3.3.4.6,
 * 3.3.5.22.1; [MS-FSA] 2.1.5.1.2 for which opens break which). See server.h for the model. engine->oplock_lock is a leaf:
 * break notifications are sent and waiters woken after it is released. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/srv/server.h"
#include "lib/log.h"

/* How long a CREATE waits for the holder's acknowledgment (Windows: 35 s). */
#define OPLOCK_BREAK_TIMEOUT 35
/* 2.2.23.2 Flags. */
#define SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED 0x01u

struct srv_oplock_waiter {
    struct srv_oplock_waiter *next;
    char *key;
    srv_oplock_wake_fn fn;
    void *context;
};

/* A break notification to send once the lock is released. */
struct pending_break {
    struct pending_break *next;
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

/* The bucket of a path, case-insensitively (ASCII folding: names differing
 * in other letters' case share a bucket or not, and are compared with
 * strcasecmp anyway, which folds ASCII only too). */
static uint32_t bucket_of(const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        unsigned char c = *p >= 'A' && *p <= 'Z' ? (unsigned char)(*p + 32) : *p;
        h = (h ^ c) * 16777619u;
    }
    return h % SRV_OPLOCK_BUCKETS;
}

static void unlist(struct srv_engine *e, struct srv_open *o)
{
    if (o->oplock_prev)
        o->oplock_prev->oplock_next = o->oplock_next;
    else
        e->oplock_opens[o->oplock_bucket] = o->oplock_next;
    if (o->oplock_next)
        o->oplock_next->oplock_prev = o->oplock_prev;
    o->oplock_prev = o->oplock_next = NULL;
    o->oplock_listed = false;
}

/* Moves the waiters for key onto *woken (engine->oplock_lock held). */
void srv_oplock_take_waiters(struct srv_engine *e, const char *key, struct srv_oplock_waiter **woken)
{
    struct srv_oplock_waiter **pp = &e->oplock_waiters;
    while (*pp) {
        struct srv_oplock_waiter *w = *pp;
        if (strcasecmp(w->key, key) == 0) {
            *pp = w->next;
            w->next = *woken;
            *woken = w;
        } else {
            pp = &w->next;
        }
    }
}

void srv_oplock_wake(struct srv_oplock_waiter *w)
{
    while (w) {
        struct srv_oplock_waiter *next = w->next;
        srv_oplock_wake_fn fn = w->fn;
        void *context = w->context;
        free(w->key);
        free(w);
        fn(context);
        w = next;
    }
}

/* The holder gives its oplock up (engine->oplock_lock held); the references
 * it kept go to *conn and *session for the caller to drop unlocked. */
static void drop_oplock(struct srv_open *o, struct srv_conn **conn, struct srv_session **session)
{
    if (o->oplock_breaking)
        o->engine->oplock_breaks--;
    o->oplock_level = SMB2_OPLOCK_LEVEL_NONE;
    o->oplock_breaking = false;
    if (o->lease) {
        srv_lease_release_locked(o->engine, o->lease);
        o->lease = NULL;
    }
    *conn = o->oplock_conn;
    *session = o->oplock_session;
    o->oplock_conn = NULL;
    o->oplock_session = NULL;
}

static void drop_refs(struct srv_conn *conn, struct srv_session *session)
{
    if (session)
        srv_session_unref(session);
    if (conn)
        srv_conn_unref(conn);
}

/* 2.2.23.1 Oplock Break Notification: MessageId all ones, no session, no
 * tree, unsigned; sealed with the holder's session when it encrypts. */
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
        /* 2.2.23.2: NewEpoch, Flags, LeaseKey, CurrentLeaseState,
         * NewLeaseState, BreakReason, AccessMaskHint, ShareMaskHint. */
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
    drop_refs(b->conn, b->session);
}

/* Whether one open's access and the other's share mode refuse each other
 * ([MS-FSA] 2.1.5.1.2 share access check, as the file system will do it). */
static bool share_conflict(const struct srv_open *a, const struct srv_open *b)
{
    const uint32_t read = FILE_READ_DATA | FILE_EXECUTE;
    const uint32_t write = FILE_WRITE_DATA | FILE_APPEND_DATA;
    for (int i = 0; i < 2; i++) {
        const struct srv_open *x = i ? b : a, *y = i ? a : b;
        if (((x->access & read) && !(y->share_access & FILE_SHARE_READ)) ||
            ((x->access & write) && !(y->share_access & FILE_SHARE_WRITE)) ||
            ((x->access & DELETE) && !(y->share_access & FILE_SHARE_DELETE)))
            return true;
    }
    return false;
}

/* Fills b for a break of h's oplock to level (engine->oplock_lock held;
 * session->lock is taken inside it, as before: sessions never take the
 * oplock lock). With take, the holder's references move into b (the
 * oplock is gone); else b gets new ones. */
static void fill_break(struct pending_break *b, struct srv_open *h, uint8_t level, bool take)
{
    b->level = level;
    b->persistent = h->persistent_id;
    b->volatile_id = h->id;
    if (take) {
        drop_oplock(h, &b->conn, &b->session);
    } else {
        b->conn = h->oplock_conn;
        srv_conn_ref(b->conn);
        b->session = h->oplock_session;
        srv_session_ref(b->session);
    }
    if (!b->session)
        return;
    pthread_mutex_lock(&b->session->lock);
    b->encrypt = b->session->encrypt_data ||
                 (h->tree->share.encrypt_data && SMB2_DIALECT_IS_3(b->session->dialect));
    pthread_mutex_unlock(&b->session->lock);
}

static void send_breaks(struct pending_break *list)
{
    while (list) {
        struct pending_break *next = list->next;
        if (list->conn && list->session)
            send_break(list);
        else
            drop_refs(list->conn, list->session);
        free(list);
        list = next;
    }
}

/* Starts the break of lease l to state to (engine->oplock_lock held): a
 * notification through one of its opens, onto *out, which must be
 * acknowledged when W or H goes (3.3.4.7; then true: the break is awaited).
 * A lease already breaking only lowers the state it breaks to. */
static bool break_lease_locked(struct srv_engine *e, struct srv_lease *l, uint32_t bucket,
                               uint32_t to, struct pending_break **out)
{
    if (l->breaking) {
        l->break_to &= to;
        return true;
    }
    if (to == l->state)
        return false;
    struct srv_open *via = NULL;
    for (struct srv_open *h = e->oplock_opens[bucket]; h && !via; h = h->oplock_next)
        if (h->lease == l && h->oplock_conn)
            via = h;
    bool ack = l->state & (SRV_LEASE_W | SRV_LEASE_H);
    struct pending_break *b = via ? calloc(1, sizeof *b) : NULL;
    if (l->version == 2)
        l->epoch++;
    if (b) {
        fill_break(b, via, SMB2_OPLOCK_LEVEL_NONE, false);
        b->lease = true;
        memcpy(b->lease_key, l->key, 16);
        b->lease_flags = ack ? SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED : 0;
        b->lease_current = l->state;
        b->lease_new = to;
        b->lease_epoch = l->version == 2 ? l->epoch : 0;
        b->next = *out;
        *out = b;
    }
    if (ack && b) {
        l->breaking = true;
        l->break_to = to;
        l->break_deadline = srv_monotonic_seconds() + OPLOCK_BREAK_TIMEOUT;
        e->oplock_breaks++;
        return true;
    }
    l->state = to; /* nothing to wait for, or nobody to tell */
    return false;
}

/* Every level II oplock on key except skip's is broken to none, and with
 * leases every read lease but skip_lease, onto *out (engine->oplock_lock
 * held). */
static void break_level2_locked(struct srv_engine *e, const char *key, uint32_t bucket,
                                const struct srv_open *skip, bool leases,
                                const struct srv_lease *skip_lease, struct pending_break **out)
{
    for (struct srv_open *h = e->oplock_opens[bucket]; h; h = h->oplock_next) {
        if (h == skip || strcasecmp(h->oplock_key, key) != 0)
            continue;
        if (leases && h->lease && h->lease != skip_lease && (h->lease->state & SRV_LEASE_R)) {
            break_lease_locked(e, h->lease, bucket, 0, out);
            continue;
        }
        if (h->oplock_level != SMB2_OPLOCK_LEVEL_II || h->oplock_breaking)
            continue;
        struct pending_break *b = calloc(1, sizeof *b);
        if (!b) {
            log_ratelimited(LOG_LEVEL_ERROR, "srv: no memory to break a level II oplock of %s",
                            key);
            continue;
        }
        fill_break(b, h, SMB2_OPLOCK_LEVEL_NONE, true);
        b->next = *out;
        *out = b;
    }
}

void srv_oplock_break_level2(struct srv_open *o)
{
    struct srv_engine *e = o->engine;
    struct pending_break *list = NULL;
    pthread_mutex_lock(&e->oplock_lock);
    if (o->oplock_listed)
        break_level2_locked(e, o->oplock_key, o->oplock_bucket, NULL, true, o->lease, &list);
    pthread_mutex_unlock(&e->oplock_lock);
    send_breaks(list);
}

bool srv_oplock_enter(struct srv_open *o, const char *key, srv_oplock_wake_fn fn, void *context)
{
    struct srv_engine *e = o->engine;
    struct srv_oplock_waiter *w = calloc(1, sizeof *w);
    struct pending_break *b = calloc(1, sizeof *b);
    struct pending_break *list = NULL;
    char *key_copy = strdup(key);
    char *waiter_key = strdup(key);
    struct srv_open *purge = NULL;
    bool wait = false;
    uint32_t bucket = bucket_of(key);
    pthread_mutex_lock(&e->oplock_lock);
    /* At most one open holds exclusive or batch. */
    struct srv_open *holder = NULL;
    for (struct srv_open *h = e->oplock_opens[bucket]; h && !holder; h = h->oplock_next)
        if (h != o && (h->oplock_level == SMB2_OPLOCK_LEVEL_EXCLUSIVE ||
                       h->oplock_level == SMB2_OPLOCK_LEVEL_BATCH) &&
            strcasecmp(h->oplock_key, key) == 0)
            holder = h;
    /* [MS-FSA] 2.1.5.1.2: a stat open breaks nothing; an exclusive oplock
     * is not broken for an open its share mode refuses anyway (a batch one
     * is: its holder may close the handle it keeps for caching). */
    if (holder && o->stat_open && !o->overwrite)
        holder = NULL;
    if (holder && holder->oplock_level == SMB2_OPLOCK_LEVEL_EXCLUSIVE && !holder->oplock_breaking &&
        share_conflict(holder, o))
        holder = NULL;
    if (o->overwrite)
        break_level2_locked(e, key, bucket, o, false, NULL, &list);
    /* Leases of other keys ([MS-FSA] 2.1.5.1.2, 3.3.4.7): W goes for any
     * open, H too for one their share mode refuses, all for an overwrite. */
    bool lease_wait = false;
    for (struct srv_open *h = e->oplock_opens[bucket]; h && !(o->stat_open && !o->overwrite);
         h = h->oplock_next) {
        if (h == o || !h->lease || strcasecmp(h->oplock_key, key) != 0 ||
            (o->lease_req.present && srv_lease_matches(h->lease, &o->lease_req)))
            continue;
        uint32_t to = h->lease->state & ~SRV_LEASE_W;
        if (share_conflict(h, o))
            to &= ~SRV_LEASE_H;
        if (o->overwrite)
            to = 0;
        if (break_lease_locked(e, h->lease, bucket, to, &list))
            lease_wait = true;
    }
    if ((holder || lease_wait) && w && waiter_key &&
        (!holder || b || holder->oplock_breaking || !holder->oplock_conn)) {
        wait = true;
        w->key = waiter_key;
        waiter_key = NULL;
        w->fn = fn;
        w->context = context;
        w->next = e->oplock_waiters;
        e->oplock_waiters = w;
        w = NULL;
        if (!holder) {
            /* only leases to wait for */
        } else if (!holder->oplock_breaking && holder->oplock_conn) {
            holder->oplock_breaking = true;
            holder->oplock_break_to = o->overwrite ? SMB2_OPLOCK_LEVEL_NONE : SMB2_OPLOCK_LEVEL_II;
            e->oplock_breaks++;
            holder->oplock_break_deadline = srv_monotonic_seconds() + OPLOCK_BREAK_TIMEOUT;
            fill_break(b, holder, holder->oplock_break_to, false);
            b->next = list;
            list = b;
            b = NULL;
        } else if (!holder->oplock_breaking && !holder->oplock_conn) {
            /* A durable open whose session is gone: nobody can answer a
             * break, so the open is closed (its close wakes us). */
            purge = holder;
            srv_open_ref(purge);
        }
    } else if (holder) {
        /* No memory to wait: take the oplock away without a break rather
         * than let two opens share a cached file. */
        struct srv_conn *c;
        struct srv_session *s;
        drop_oplock(holder, &c, &s);
        pthread_mutex_unlock(&e->oplock_lock);
        drop_refs(c, s);
        pthread_mutex_lock(&e->oplock_lock);
    }
    if (!wait && !o->oplock_listed && key_copy) {
        free(o->oplock_key);
        o->oplock_key = key_copy;
        key_copy = NULL;
        o->oplock_listed = true;
        o->oplock_bucket = bucket;
        o->oplock_prev = NULL;
        o->oplock_next = e->oplock_opens[bucket];
        if (o->oplock_next)
            o->oplock_next->oplock_prev = o;
        e->oplock_opens[bucket] = o;
    }
    pthread_mutex_unlock(&e->oplock_lock);
    free(w);
    free(b);
    free(key_copy);
    free(waiter_key);
    if (list)
        log_debug("srv: breaking oplocks of %s", key);
    send_breaks(list);
    if (purge) {
        srv_durable_purge(purge);
        srv_open_unref(purge);
    }
    return wait;
}

uint8_t srv_oplock_grant(struct srv_open *o, uint8_t requested, struct srv_conn *conn,
                         struct srv_session *session)
{
    if (requested != SMB2_OPLOCK_LEVEL_II && requested != SMB2_OPLOCK_LEVEL_EXCLUSIVE &&
        requested != SMB2_OPLOCK_LEVEL_BATCH)
        return SMB2_OPLOCK_LEVEL_NONE;
    struct srv_engine *e = o->engine;
    uint8_t granted = SMB2_OPLOCK_LEVEL_NONE;
    pthread_mutex_lock(&e->oplock_lock);
    bool alone = o->oplock_listed, exclusive_held = false;
    for (struct srv_open *h = o->oplock_listed ? e->oplock_opens[o->oplock_bucket] : NULL; h;
         h = h->oplock_next)
        if (h != o && strcasecmp(h->oplock_key, o->oplock_key) == 0) {
            alone = false;
            if (h->oplock_level == SMB2_OPLOCK_LEVEL_EXCLUSIVE ||
                h->oplock_level == SMB2_OPLOCK_LEVEL_BATCH ||
                (h->lease && (h->lease->state & SRV_LEASE_W)))
                exclusive_held = true;
        }
    if (alone)
        granted = requested;
    else if (o->oplock_listed && !exclusive_held)
        granted = SMB2_OPLOCK_LEVEL_II; /* others read too: shared caching only */
    if (granted != SMB2_OPLOCK_LEVEL_NONE) {
        o->oplock_level = granted;
        o->oplock_breaking = false;
        srv_conn_ref(conn);
        o->oplock_conn = conn;
        srv_session_ref(session);
        o->oplock_session = session;
    }
    pthread_mutex_unlock(&e->oplock_lock);
    return granted;
}

void srv_oplock_leave(struct srv_open *o)
{
    struct srv_engine *e = o->engine;
    struct srv_oplock_waiter *woken = NULL;
    struct srv_conn *c = NULL;
    struct srv_session *s = NULL;
    pthread_mutex_lock(&e->oplock_lock);
    if (o->oplock_listed) {
        drop_oplock(o, &c, &s);
        unlist(e, o);
        srv_oplock_take_waiters(e, o->oplock_key, &woken);
    }
    free(o->oplock_key);
    o->oplock_key = NULL;
    pthread_mutex_unlock(&e->oplock_lock);
    drop_refs(c, s);
    srv_oplock_wake(woken);
}

NTSTATUS srv_oplock_ack(struct srv_open *o, uint8_t level, uint8_t *new_level)
{
    struct srv_engine *e = o->engine;
    struct srv_oplock_waiter *woken = NULL;
    struct srv_conn *c = NULL;
    struct srv_session *s = NULL;
    NTSTATUS status = STATUS_SUCCESS;
    *new_level = SMB2_OPLOCK_LEVEL_NONE;
    pthread_mutex_lock(&e->oplock_lock);
    if (!o->oplock_listed || !o->oplock_breaking) {
        status = STATUS_INVALID_OPLOCK_PROTOCOL; /* no break outstanding */
    } else if (level == SMB2_OPLOCK_LEVEL_II && o->oplock_break_to == SMB2_OPLOCK_LEVEL_II) {
        /* 3.3.5.22.1: the holder keeps level II. */
        o->oplock_breaking = false;
        e->oplock_breaks--;
        o->oplock_level = SMB2_OPLOCK_LEVEL_II;
        *new_level = SMB2_OPLOCK_LEVEL_II;
        srv_oplock_take_waiters(e, o->oplock_key, &woken);
    } else {
        /* Anything above the level broken to is a protocol error, and the
         * oplock is gone either way. */
        if (level != SMB2_OPLOCK_LEVEL_NONE)
            status = STATUS_INVALID_OPLOCK_PROTOCOL;
        drop_oplock(o, &c, &s);
        srv_oplock_take_waiters(e, o->oplock_key, &woken);
    }
    pthread_mutex_unlock(&e->oplock_lock);
    drop_refs(c, s);
    srv_oplock_wake(woken);
    return status;
}

bool srv_oplock_detach(struct srv_open *o, bool keep)
{
    struct srv_engine *e = o->engine;
    struct srv_oplock_waiter *woken = NULL;
    struct srv_conn *c = NULL;
    struct srv_session *s = NULL;
    pthread_mutex_lock(&e->oplock_lock);
    bool kept = keep && o->oplock_listed && o->oplock_level == SMB2_OPLOCK_LEVEL_BATCH &&
                !o->oplock_breaking;
    if (kept) {
        c = o->oplock_conn;
        s = o->oplock_session;
        o->oplock_conn = NULL;
        o->oplock_session = NULL;
    } else if (!keep && o->oplock_listed && o->oplock_level != SMB2_OPLOCK_LEVEL_NONE) {
        /* The open stays without its oplock: a CREATE waiting for the
         * break goes on (and meets the open's share mode). */
        drop_oplock(o, &c, &s);
        srv_oplock_take_waiters(e, o->oplock_key, &woken);
    }
    /* keep but not kept: the open is about to be closed, and its close
     * ends the break as for any open. */
    pthread_mutex_unlock(&e->oplock_lock);
    drop_refs(c, s);
    srv_oplock_wake(woken);
    return kept;
}

uint8_t srv_oplock_reattach(struct srv_open *o, struct srv_conn *conn, struct srv_session *session)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->oplock_lock);
    uint8_t level = o->oplock_listed ? o->oplock_level : SMB2_OPLOCK_LEVEL_NONE;
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
    srv_durable_sweep(e);
    uint64_t now = srv_monotonic_seconds();
    for (;;) {
        struct srv_oplock_waiter *woken = NULL;
        struct srv_conn *c = NULL;
        struct srv_session *s = NULL;
        pthread_mutex_lock(&e->oplock_lock);
        struct srv_open *late = NULL;
        for (uint32_t i = 0; e->oplock_breaks && i < SRV_OPLOCK_BUCKETS && !late; i++)
            for (struct srv_open *h = e->oplock_opens[i]; h && !late; h = h->oplock_next)
                if (h->oplock_breaking && now >= h->oplock_break_deadline)
                    late = h;
        struct srv_lease *late_lease = NULL;
        for (struct srv_lease *l = e->leases; e->oplock_breaks && l && !late && !late_lease;
             l = l->next)
            if (l->breaking && now >= l->break_deadline)
                late_lease = l;
        if (late) {
            drop_oplock(late, &c, &s);
            srv_oplock_take_waiters(e, late->oplock_key, &woken);
        } else if (late_lease) {
            /* 3.3.6.5: the lease is broken as if acknowledged. */
            late_lease->state = late_lease->break_to;
            late_lease->breaking = false;
            e->oplock_breaks--;
            srv_oplock_take_waiters(e, late_lease->file_key, &woken);
        }
        pthread_mutex_unlock(&e->oplock_lock);
        if (!late && !late_lease)
            return;
        drop_refs(c, s);
        srv_oplock_wake(woken);
    }
}
