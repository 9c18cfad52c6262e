/* GlobalOpenTable, durable and resilient opens ([MS-SMB2] 3.3.1.10,
 * 3.3.5.9.6, 3.3.5.9.7, 3.3.5.9.10, 3.3.5.9.12, 3.3.5.15.9, 3.3.7.1). See
 * server.h for the model.
 *
 * engine->durable_lock is a leaf: opens are closed, and references dropped,
 * after it is released. The table holds one reference on each open in it;
 * for a disconnected open it is the only owner. */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "drivers/srv/durable_state.h"
#include "drivers/srv/server.h"
#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

/* A durable open of the previous run (engine->restored, under
 * durable_lock): only its record until a client reclaims it. */
struct srv_restored_open {
    struct srv_durable_record record;
    uint64_t deadline;          /* monotonic ms */
};

/* Windows keeps a v1 durable open 16 minutes ([MS-SMB2] 3.3.5.9.6 note);
 * a v2 one the Timeout asked, 60 s when 0, at most srv.durable-max-timeout
 * (300 s by default, as Windows and Samba: smbtorture's durable-v2-open
 * expects 300000 for UINT32_MAX). */
#define DURABLE_V1_TIMEOUT_MS (16u * 60u * 1000u)
#define DURABLE_V2_DEFAULT_MS 60000u
/* Disconnected opens closed per pass of one lock hold. */
#define CLOSE_BATCH 32

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool guid_is_zero(const uint8_t guid[16])
{
    static const uint8_t zero[16];
    return memcmp(guid, zero, 16) == 0;
}

static uint32_t bucket_of(uint64_t persistent)
{
    return (uint32_t)((persistent * 0x9E3779B97F4A7C15ull) >> 54) % SRV_OPEN_BUCKETS;
}

static void unlist(struct srv_engine *e, struct srv_open *o)
{
    if (o->global_prev)
        o->global_prev->global_next = o->global_next;
    else
        e->global_opens[bucket_of(o->persistent_id)] = o->global_next;
    if (o->global_next)
        o->global_next->global_prev = o->global_prev;
    o->global_prev = o->global_next = NULL;
    o->global_listed = false;
    if (o->disconnected) {
        o->disconnected = false;
        e->durable_disconnected--;
    }
}

static struct srv_open *find_locked(struct srv_engine *e, uint64_t persistent)
{
    for (struct srv_open *o = e->global_opens[bucket_of(persistent)]; o; o = o->global_next)
        if (o->persistent_id == persistent)
            return o;
    return NULL;
}

static bool restored_has(struct srv_engine *e, uint64_t persistent)
{
    for (size_t i = 0; i < e->restored_count; i++)
        if (e->restored[i].record.persistent_id == persistent)
            return true;
    return false;
}

/* Lists o under persistent, or under a fresh id if that one is 0 or taken
 * (by an open of this run or a record of the previous one). */
static void list_locked(struct srv_engine *e, struct srv_open *o, uint64_t persistent)
{
    /* An engine-wide counter from a random start: a FileId of another
     * server instance or a guessed small number names nothing. Never 0 or
     * all ones (the related-compound "previous" value), never in use. */
    if (e->next_persistent_id == 0) {
        uint32_t start = 0;
        RAND_bytes((unsigned char *)&start, sizeof start);
        e->next_persistent_id = (uint64_t)start << 8 | 1;
    }
    uint64_t id = persistent;
    while (id == 0 || id == UINT64_MAX || find_locked(e, id) || restored_has(e, id))
        id = e->next_persistent_id++;
    o->persistent_id = id;
    uint32_t b = bucket_of(id);
    o->global_prev = NULL;
    o->global_next = e->global_opens[b];
    if (o->global_next)
        o->global_next->global_prev = o;
    e->global_opens[b] = o;
    o->global_listed = true;
}

void srv_durable_register(struct srv_open *o)
{
    srv_durable_register_as(o, 0);
}

void srv_durable_register_as(struct srv_open *o, uint64_t persistent)
{
    struct srv_engine *e = o->engine;
    srv_open_ref(o);
    pthread_mutex_lock(&e->durable_lock);
    list_locked(e, o, persistent);
    pthread_mutex_unlock(&e->durable_lock);
}

void srv_durable_unregister(struct srv_open *o)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->durable_lock);
    bool listed = o->global_listed;
    if (listed)
        unlist(e, o);
    pthread_mutex_unlock(&e->durable_lock);
    if (listed)
        srv_open_unref(o);
}

uint32_t srv_durable_grant(struct srv_open *o, bool v2, uint32_t timeout_ms,
                           const uint8_t *create_guid, const uint8_t client_guid[16],
                           const struct sid *owner)
{
    struct srv_engine *e = o->engine;
    const struct srv_config *settings = srv_settings_hold(e);
    uint32_t max_ms = settings->durable_max_timeout ? settings->durable_max_timeout * 1000u
                                                    : 300000u;
    srv_settings_release(settings);
    if (timeout_ms == 0)
        timeout_ms = DURABLE_V2_DEFAULT_MS;
    uint32_t granted = !v2 ? DURABLE_V1_TIMEOUT_MS : timeout_ms > max_ms ? max_ms : timeout_ms;
    pthread_mutex_lock(&e->durable_lock);
    o->durable = true;
    o->durable_v2 = v2;
    o->durable_timeout_ms = granted;
    if (create_guid) {
        o->has_create_guid = true;
        memcpy(o->create_guid, create_guid, 16);
        atomic_store(&o->replay_eligible, true);
    }
    memcpy(o->client_guid, client_guid, 16);
    o->owner = *owner;
    pthread_mutex_unlock(&e->durable_lock);
    return granted;
}

void srv_durable_set_resilient(struct srv_open *o, uint32_t timeout_ms, const struct sid *owner)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->durable_lock);
    o->resilient = true;
    /* Durable already: the longer of the two holds it. */
    if (!o->durable || timeout_ms > o->durable_timeout_ms)
        o->durable_timeout_ms = timeout_ms;
    if (!o->durable)
        o->owner = *owner;
    pthread_mutex_unlock(&e->durable_lock);
}

bool srv_durable_lock_sequence_applies(struct srv_open *o)
{
    pthread_mutex_lock(&o->engine->durable_lock);
    bool applies = o->durable || o->resilient;
    pthread_mutex_unlock(&o->engine->durable_lock);
    return applies;
}

bool srv_durable_detach(struct srv_open *o)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->durable_lock);
    bool durable = o->durable, resilient = o->resilient;
    pthread_mutex_unlock(&e->durable_lock);
    if (!durable && !resilient)
        return false;
    /* A durable open is only worth keeping while it holds its batch oplock
     * or a lease with handle caching (a broken one caches nothing the
     * client could lose); a resilient one is kept anyway, without it. */
    bool kept = durable && srv_oplock_detach(o, true);
    if (!kept && resilient) {
        srv_oplock_detach(o, false); /* kept, without its oplock */
        kept = true;
    }
    if (!kept)
        return false;
    pthread_mutex_lock(&o->lock);
    bool closed = o->closed;
    pthread_mutex_unlock(&o->lock);
    pthread_mutex_lock(&e->durable_lock);
    kept = o->global_listed && !closed;
    if (kept) {
        o->disconnected = true;
        o->session_id = 0;
        e->durable_disconnected++;
        o->durable_deadline = now_ms() + o->durable_timeout_ms;
    }
    pthread_mutex_unlock(&e->durable_lock);
    if (kept)
        log_debug("srv: keeping durable open %s for %u ms", o->path, o->durable_timeout_ms);
    return kept;
}

NTSTATUS srv_durable_reclaim(struct srv_engine *e, const struct srv_durable_reclaim *r,
                             struct srv_open **out)
{
    NTSTATUS status = STATUS_OBJECT_NAME_NOT_FOUND;
    *out = NULL;
    pthread_mutex_lock(&e->durable_lock);
    struct srv_open *o = find_locked(e, r->persistent);
    if (!o || !o->disconnected || !(o->durable || o->resilient)) {
        /* Unknown, still in use by its session, or never durable. */
    } else if (r->v2 && (o->has_create_guid ? memcmp(o->create_guid, r->create_guid, 16) != 0
                                            : !guid_is_zero(r->create_guid))) {
        /* 3.3.5.9.12: the CreateGuid must match (a DHnC, with none, may
         * reclaim a v2 open too, as with Windows; a DH2C with a zero one a
         * v1 open, which has none, as smbd lets it). */
    } else if (strcasecmp(o->tree->share.name, r->share_name) != 0) {
        /* Another share: that name is not open there. */
    } else if (o->lease_req.present && memcmp(o->client_guid, r->client_guid, 16) != 0) {
        /* 3.3.5.9.7: a lease belongs to its client (ClientGuid). */
    } else if (o->lease_req.present != (r->lease_key != NULL) ||
               (r->lease_key && memcmp(o->lease_req.key, r->lease_key, 16) != 0)) {
        /* 3.3.5.9.7: a lease open comes back with its key, an oplock one
         * without a lease (lease_req is set before the open is shared and
         * never changes; a durable open that asked for a lease holds one). */
    } else if (r->lease_key && (!r->name || strcasecmp(o->path, r->name) != 0)) {
        status = STATUS_INVALID_PARAMETER; /* the right key, another name */
    } else if (!sid_equal(&o->owner, r->user)) {
        status = STATUS_ACCESS_DENIED; /* 3.3.5.9.7: Open.DurableOwner */
    } else {
        o->disconnected = false;
        e->durable_disconnected--;
        o->session_id = r->session_id;
        memcpy(o->client_guid, r->client_guid, 16);
        srv_open_ref(o);
        *out = o;
        status = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&e->durable_lock);
    return status;
}

struct srv_open *srv_durable_find_open(struct srv_engine *e, uint64_t persistent,
                                       uint64_t *session_id)
{
    pthread_mutex_lock(&e->durable_lock);
    struct srv_open *o = find_locked(e, persistent);
    if (o && o->disconnected)
        o = NULL; /* nobody's open until it is reclaimed */
    if (o) {
        srv_open_ref(o);
        *session_id = o->session_id;
    }
    pthread_mutex_unlock(&e->durable_lock);
    return o;
}

struct srv_open *srv_durable_find_create_guid(struct srv_engine *e, const uint8_t create_guid[16],
                                              const uint8_t client_guid[16])
{
    struct srv_open *found = NULL;
    pthread_mutex_lock(&e->durable_lock);
    for (uint32_t i = 0; i < SRV_OPEN_BUCKETS && !found; i++)
        for (struct srv_open *o = e->global_opens[i]; o && !found; o = o->global_next)
            if (o->has_create_guid && atomic_load(&o->replay_eligible) &&
                memcmp(o->create_guid, create_guid, 16) == 0 &&
                memcmp(o->client_guid, client_guid, 16) == 0)
                found = o;
    if (found)
        srv_open_ref(found);
    pthread_mutex_unlock(&e->durable_lock);
    return found;
}

/* Takes up to max disconnected opens (all, or only expired ones) out of the
 * table; their table references go to the caller. */
static size_t take_disconnected(struct srv_engine *e, bool expired_only, struct srv_open **out,
                                size_t max)
{
    size_t n = 0;
    uint64_t now = now_ms();
    pthread_mutex_lock(&e->durable_lock);
    for (uint32_t i = 0; e->durable_disconnected && i < SRV_OPEN_BUCKETS && n < max; i++) {
        struct srv_open *o = e->global_opens[i];
        while (o && n < max) {
            struct srv_open *next = o->global_next;
            if (o->disconnected && (!expired_only || now >= o->durable_deadline)) {
                unlist(e, o);
                out[n++] = o;
            }
            o = next;
        }
    }
    pthread_mutex_unlock(&e->durable_lock);
    return n;
}

static void close_taken(struct srv_open **opens, size_t n, const char *why)
{
    for (size_t i = 0; i < n; i++) {
        log_ratelimited(LOG_LEVEL_INFO, "srv: closing disconnected durable open %s: %s",
                        opens[i]->path, why);
        srv_open_close(opens[i], NULL, NULL);
        srv_open_unref(opens[i]);
    }
}

void srv_durable_for_each_disconnected(struct srv_engine *e,
                                       void (*fn)(struct srv_open *open, void *context),
                                       void *context)
{
    pthread_mutex_lock(&e->durable_lock);
    for (uint32_t i = 0; e->durable_disconnected && i < SRV_OPEN_BUCKETS; i++)
        for (struct srv_open *o = e->global_opens[i]; o; o = o->global_next)
            if (o->disconnected)
                fn(o, context);
    pthread_mutex_unlock(&e->durable_lock);
}

/* Records of the previous run whose time is up are forgotten. */
static void expire_restored(struct srv_engine *e)
{
    uint64_t now = now_ms();
    size_t expired = 0;
    pthread_mutex_lock(&e->durable_lock);
    for (size_t i = 0; i < e->restored_count;) {
        if (now >= e->restored[i].deadline) {
            e->restored[i] = e->restored[--e->restored_count];
            expired++;
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&e->durable_lock);
    if (expired)
        log_info("srv: %zu durable open(s) of the previous run not reclaimed in time", expired);
}

void srv_durable_sweep(struct srv_engine *e)
{
    struct srv_open *batch[CLOSE_BATCH];
    size_t n;
    expire_restored(e);
    while ((n = take_disconnected(e, true, batch, CLOSE_BATCH)) > 0)
        close_taken(batch, n, "timeout");
}

void srv_durable_close_all(struct srv_engine *e)
{
    struct srv_open *batch[CLOSE_BATCH];
    size_t n;
    while ((n = take_disconnected(e, false, batch, CLOSE_BATCH)) > 0)
        close_taken(batch, n, "server stopping");
}

void srv_durable_purge(struct srv_open *o)
{
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->durable_lock);
    bool take = o->global_listed && o->disconnected;
    if (take)
        unlist(e, o);
    pthread_mutex_unlock(&e->durable_lock);
    if (take)
        close_taken(&o, 1, "another open needs its oplock broken");
}

void srv_durable_set_app_instance(struct srv_open *o, const uint8_t id[16])
{
    pthread_mutex_lock(&o->engine->durable_lock);
    o->has_app_instance = true;
    memcpy(o->app_instance_id, id, 16);
    pthread_mutex_unlock(&o->engine->durable_lock);
}

bool srv_durable_close_app_instance(struct srv_engine *e, const uint8_t id[16],
                                    const struct sid *user, srv_open_closed_fn fn, void *context)
{
    struct srv_open *found = NULL;
    bool was_disconnected = false;
    uint64_t session_id = 0;
    pthread_mutex_lock(&e->durable_lock);
    for (uint32_t i = 0; i < SRV_OPEN_BUCKETS && !found; i++)
        for (struct srv_open *o = e->global_opens[i]; o && !found; o = o->global_next)
            if (o->has_app_instance && memcmp(o->app_instance_id, id, 16) == 0 &&
                sid_equal(&o->owner, user))
                found = o;
    if (found) {
        /* The caller's reference: the table's one is dropped by the
         * close (or taken over here for a disconnected open). */
        was_disconnected = found->disconnected;
        session_id = found->session_id;
        if (was_disconnected)
            unlist(e, found);
        else
            srv_open_ref(found);
        found->has_app_instance = false; /* closed once */
    }
    pthread_mutex_unlock(&e->durable_lock);
    if (!found)
        return false;
    struct srv_open *taken = NULL;
    if (!was_disconnected) {
        /* Out of its session's table first, so its FileId names nothing. */
        struct srv_conn *conn;
        struct srv_session *session;
        if (srv_engine_find_session(e, session_id, &conn, &session) == STATUS_SUCCESS) {
            taken = srv_session_take_open(session, found->persistent_id, found->id);
            if (taken) /* what waits on it there ends, as with a CLOSE */
                smb2_cancel_on(conn, NULL, NULL, taken);
            srv_session_unref(session);
            srv_conn_unref(conn);
        }
    }
    log_ratelimited(LOG_LEVEL_INFO,
                    "srv: closing durable open %s for another instance of its application",
                    found->path);
    srv_open_close(found, fn, context);
    if (taken)
        srv_open_unref(taken);
    srv_open_unref(found);
    return true;
}

/* ---- Across a restart (durable_state.h, docs/srv.md "Restart") ---------- */

void srv_durable_restore(struct srv_engine *e)
{
    const char *path = e->config.durable_state_path;
    if (!path)
        return;
    struct srv_durable_state state;
    NTSTATUS status = srv_durable_state_load(path, &state);
    if (status != STATUS_SUCCESS) {
        log_error("srv: ignoring the durable opens of the previous run (%s): %s", path,
                  nt_status_name(status));
        return;
    }
    if (state.count == 0)
        return;
    struct srv_restored_open *restored = calloc(state.count, sizeof *restored);
    if (!restored) {
        srv_durable_state_free(&state);
        return;
    }
    /* The timeout counts on from the shutdown: time spent stopped (by the
     * wall clock; a clock set back counts as none) is time gone. */
    uint64_t wall = wall_ms(), now = now_ms();
    uint64_t stopped = wall > state.saved_at_ms ? wall - state.saved_at_ms : 0;
    size_t n = 0;
    for (size_t i = 0; i < state.count; i++) {
        const struct srv_durable_record *r = &state.records[i];
        uint64_t spent = (uint64_t)r->disconnected_ms + stopped;
        if (spent >= r->timeout_ms)
            continue;
        restored[n].record = *r;
        restored[n].deadline = now + (r->timeout_ms - spent);
        n++;
    }
    srv_durable_state_free(&state);
    pthread_mutex_lock(&e->durable_lock);
    e->restored = restored;
    e->restored_count = n;
    pthread_mutex_unlock(&e->durable_lock);
    log_info("srv: %zu durable open(s) of the previous run may be reclaimed", n);
}

/* One open as a record; false if it is not worth keeping (a durable open
 * whose batch oplock is gone or going, as srv_durable_detach decides). */
static bool record_of(struct srv_open *o, uint64_t now, struct srv_durable_record *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_lock(&o->lock);
    bool closed = o->closed;
    pthread_mutex_unlock(&o->lock);
    struct srv_engine *e = o->engine;
    pthread_mutex_lock(&e->oplock_lock);
    bool batch = o->oplock_level == SMB2_OPLOCK_LEVEL_BATCH && !o->oplock_breaking;
    pthread_mutex_unlock(&e->oplock_lock);
    if (closed || !o->tree || o->tree->share.type != SRV_SHARE_DISK || o->is_directory)
        return false;
    pthread_mutex_lock(&e->durable_lock);
    bool durable = o->durable && batch, resilient = o->resilient;
    if (durable) {
        r->flags |= SRV_DURABLE_RECORD_DURABLE;
        r->oplock_level = SMB2_OPLOCK_LEVEL_BATCH;
        if (o->durable_v2 && o->has_create_guid) {
            r->flags |= SRV_DURABLE_RECORD_V2 | SRV_DURABLE_RECORD_CREATE_GUID;
            memcpy(r->create_guid, o->create_guid, 16);
        }
    }
    if (resilient)
        r->flags |= SRV_DURABLE_RECORD_RESILIENT;
    r->persistent_id = o->persistent_id;
    memcpy(r->client_guid, o->client_guid, 16);
    r->timeout_ms = o->durable_timeout_ms;
    if (r->timeout_ms > SRV_DURABLE_STATE_MAX_TIMEOUT_MS)
        r->timeout_ms = SRV_DURABLE_STATE_MAX_TIMEOUT_MS;
    if (o->disconnected) {
        uint64_t left = o->durable_deadline > now ? o->durable_deadline - now : 0;
        r->disconnected_ms = left >= r->timeout_ms ? 0 : r->timeout_ms - (uint32_t)left;
    }
    r->owner = o->owner;
    bool listed = o->global_listed;
    pthread_mutex_unlock(&e->durable_lock);
    r->desired_access = o->access;
    r->share_access = o->share_access;
    r->create_options = o->create_options;
    snprintf(r->share, sizeof r->share, "%s", o->tree->share.name);
    snprintf(r->path, sizeof r->path, "%s", o->path);
    return listed && (durable || resilient) && r->owner.revision == 1 && r->timeout_ms > 0 &&
           r->disconnected_ms < r->timeout_ms;
}

void srv_durable_save(struct srv_engine *e)
{
    const char *path = e->config.durable_state_path;
    /* The candidates, referenced under the (leaf) table lock, looked at
     * after it. */
    pthread_mutex_lock(&e->durable_lock);
    size_t max = e->restored_count;
    for (uint32_t i = 0; i < SRV_OPEN_BUCKETS; i++)
        for (struct srv_open *o = e->global_opens[i]; o; o = o->global_next)
            if (o->durable || o->resilient)
                max++;
    struct srv_open **opens = path && max ? calloc(max, sizeof *opens) : NULL;
    struct srv_durable_record *records = path && max ? calloc(max, sizeof *records) : NULL;
    size_t n_opens = 0, n = 0;
    uint64_t now = now_ms();
    if (opens && records) {
        for (uint32_t i = 0; i < SRV_OPEN_BUCKETS; i++)
            for (struct srv_open *o = e->global_opens[i]; o && n_opens < max; o = o->global_next)
                if (o->durable || o->resilient) {
                    srv_open_ref(o);
                    opens[n_opens++] = o;
                }
        /* Records of the previous run not reclaimed yet keep what is left
         * of their time. */
        for (size_t i = 0; i < e->restored_count && n < max; i++) {
            const struct srv_restored_open *ro = &e->restored[i];
            if (ro->deadline <= now)
                continue;
            records[n] = ro->record;
            uint64_t left = ro->deadline - now;
            records[n].disconnected_ms =
                left >= ro->record.timeout_ms ? 0 : ro->record.timeout_ms - (uint32_t)left;
            n++;
        }
    }
    free(e->restored);
    e->restored = NULL;
    e->restored_count = 0;
    pthread_mutex_unlock(&e->durable_lock);
    for (size_t i = 0; i < n_opens; i++) {
        if (n < max && record_of(opens[i], now, &records[n]))
            n++;
        srv_open_unref(opens[i]);
    }
    if (path && (!max || (opens && records))) {
        if (srv_durable_state_save(path, wall_ms(), records, n) == STATUS_SUCCESS && n)
            log_info("srv: %zu durable open(s) kept for the next start in %s", n, path);
    } else if (path) {
        log_error("srv: out of memory: durable opens not kept across the restart");
    }
    free(opens);
    free(records);
}

NTSTATUS srv_durable_take_restored(struct srv_engine *e, const struct srv_durable_reclaim *r,
                                   struct srv_durable_record *record)
{
    NTSTATUS status = STATUS_OBJECT_NAME_NOT_FOUND;
    uint64_t now = now_ms();
    pthread_mutex_lock(&e->durable_lock);
    for (size_t i = 0; i < e->restored_count; i++) {
        struct srv_restored_open *ro = &e->restored[i];
        const struct srv_durable_record *rec = &ro->record;
        if (rec->persistent_id != r->persistent)
            continue;
        if (now >= ro->deadline) {
            /* Its time is up; the sweep forgets it. */
        } else if (r->v2 && (!(rec->flags & SRV_DURABLE_RECORD_V2) ||
                             memcmp(rec->create_guid, r->create_guid, 16) != 0)) {
            /* 3.3.5.9.12: the CreateGuid must match. */
        } else if (strcasecmp(rec->share, r->share_name) != 0) {
            /* Another share: that name is not open there. */
        } else if (!sid_equal(&rec->owner, r->user)) {
            status = STATUS_ACCESS_DENIED; /* kept for its owner */
        } else {
            *record = *rec;
            e->restored[i] = e->restored[--e->restored_count];
            status = STATUS_SUCCESS;
        }
        break;
    }
    pthread_mutex_unlock(&e->durable_lock);
    return status;
}
