/* Connections: creation, teardown, the session table, framing of sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/bufpool.h"
#include "drivers/srv/server.h"
#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

struct srv_conn *srv_conn_new(struct srv_engine *engine, const struct srv_transport *transport,
                              void *transport_state, const char *peer)
{
    struct srv_conn *conn = calloc(1, sizeof *conn);
    if (!conn)
        return NULL;
    if (!smb2_credits_init(&conn->credits, engine->config.max_credits)) {
        free(conn);
        return NULL;
    }
    /* One reference for the caller, one for the engine's list. */
    atomic_init(&conn->refs, 2);
    conn->engine = engine;
    conn->transport = transport;
    conn->transport_state = transport_state;
    snprintf(conn->peer, sizeof conn->peer, "%s", peer ? peer : "?");
    atomic_init(&conn->last_activity, srv_monotonic_seconds());
    atomic_init(&conn->inflight_bytes, 0);
    pthread_mutex_init(&conn->lock, NULL);
    conn->settings = srv_settings_hold(engine);
    pthread_mutex_lock(&engine->lock);
    conn->next = engine->conns;
    if (engine->conns)
        engine->conns->prev = conn;
    engine->conns = conn;
    engine->connections_total++;
    conn->id = engine->connections_total;
    engine->connections_live++;
    pthread_mutex_unlock(&engine->lock);
    return conn;
}

void srv_conn_ref(struct srv_conn *conn)
{
    atomic_fetch_add(&conn->refs, 1);
}

void srv_conn_unref(struct srv_conn *conn)
{
    if (atomic_fetch_sub(&conn->refs, 1) != 1)
        return;
    struct srv_engine *engine = conn->engine;
    /* A connection freed without a disconnect (tests) still drops its
     * sessions here; normally the table is already empty. */
    for (size_t i = 0; i < conn->session_count; i++) {
        srv_session_remove_channel(conn->sessions[i], conn->id);
        srv_session_unref(conn->sessions[i]);
    }
    free(conn->sessions);
    smb2_credits_free(&conn->credits);
    if (conn->transport && conn->transport->release)
        conn->transport->release(conn);
    srv_settings_release(conn->settings);
    pthread_mutex_destroy(&conn->lock);
    free(conn);
    pthread_mutex_lock(&engine->lock);
    engine->connections_live--;
    pthread_cond_broadcast(&engine->conns_gone);
    pthread_mutex_unlock(&engine->lock);
}

bool srv_conn_is_dead(struct srv_conn *conn)
{
    pthread_mutex_lock(&conn->lock);
    bool dead = conn->dead;
    pthread_mutex_unlock(&conn->lock);
    return dead;
}

void srv_conn_disconnect(struct srv_conn *conn, const char *why)
{
    pthread_mutex_lock(&conn->lock);
    if (conn->dead) {
        pthread_mutex_unlock(&conn->lock);
        return;
    }
    conn->dead = true;
    struct srv_session **sessions = conn->sessions;
    size_t count = conn->session_count;
    conn->sessions = NULL;
    conn->session_count = conn->session_capacity = 0;
    pthread_mutex_unlock(&conn->lock);

    log_ratelimited(LOG_LEVEL_INFO, "srv: %s: disconnecting: %s", conn->peer, why);
    if (conn->transport && conn->transport->shutdown)
        conn->transport->shutdown(conn);
    for (size_t i = 0; i < count; i++) {
        /* 3.3.7.1: the connection's channel goes; the session with it only
         * if that was its last one. */
        if (srv_session_remove_channel(sessions[i], conn->id) == 0)
            srv_session_kill(sessions[i]);
        srv_session_unref(sessions[i]);
    }
    free(sessions);
    smb2_cancel_all(conn);

    struct srv_engine *engine = conn->engine;
    pthread_mutex_lock(&engine->lock);
    if (conn->prev)
        conn->prev->next = conn->next;
    else
        engine->conns = conn->next;
    if (conn->next)
        conn->next->prev = conn->prev;
    conn->prev = conn->next = NULL;
    pthread_mutex_unlock(&engine->lock);
    srv_conn_unref(conn); /* the engine list's reference */
}

bool srv_conn_is_idle(struct srv_conn *conn)
{
    pthread_mutex_lock(&conn->lock);
    bool idle = !conn->dead && conn->pending == NULL;
    for (size_t i = 0; idle && i < conn->session_count; i++) {
        struct srv_session *s = conn->sessions[i];
        pthread_mutex_lock(&s->lock);
        idle = s->open_count == 0;
        pthread_mutex_unlock(&s->lock);
    }
    pthread_mutex_unlock(&conn->lock);
    return idle;
}

size_t srv_conn_max_frame(struct srv_conn *conn)
{
    /* Before anyone has logged on, a frame only needs to carry NEGOTIATE or
     * a SESSION_SETUP token: keep unauthenticated memory use small. */
    pthread_mutex_lock(&conn->lock);
    bool authenticated = conn->has_valid_session;
    pthread_mutex_unlock(&conn->lock);
    if (!authenticated)
        return SRV_MAX_FRAME_BEFORE_LOGON;
    const struct srv_config *c = &conn->engine->config;
    size_t largest = c->max_write_size > c->max_transact_size ? c->max_write_size
                                                               : c->max_transact_size;
    if (c->max_read_size > largest)
        largest = c->max_read_size;
    size_t limit = largest + 1024 * 1024; /* headers, compound, transform */
    return limit > SMB2_TRANSPORT_MAX_LENGTH ? SMB2_TRANSPORT_MAX_LENGTH : limit;
}

void srv_conn_reserve_inflight(struct srv_conn *conn, size_t bytes)
{
    atomic_fetch_add(&conn->inflight_bytes, bytes);
}

void srv_conn_release_inflight(struct srv_conn *conn, size_t bytes)
{
    if (!bytes)
        return;
    atomic_fetch_sub(&conn->inflight_bytes, bytes);
    if (conn->transport && conn->transport->inflight_released)
        conn->transport->inflight_released(conn);
}

void srv_conn_send_message(struct srv_conn *conn, const uint8_t *msg, size_t len)
{
    if (len > SMB2_TRANSPORT_MAX_LENGTH) {
        srv_conn_disconnect(conn, "response larger than the transport allows");
        return;
    }
    if (srv_conn_is_dead(conn))
        return;
    uint8_t *frame = malloc(len + SMB2_TRANSPORT_HEADER_SIZE);
    if (!frame) {
        srv_conn_disconnect(conn, "out of memory");
        return;
    }
    /* 2.1: a zero byte, then the length in 24 bits, big-endian. */
    frame[0] = 0;
    frame[1] = (uint8_t)(len >> 16);
    frame[2] = (uint8_t)(len >> 8);
    frame[3] = (uint8_t)len;
    memcpy(frame + SMB2_TRANSPORT_HEADER_SIZE, msg, len);
    conn->transport->send(conn, frame, len + SMB2_TRANSPORT_HEADER_SIZE);
}

void srv_conn_send_block(struct srv_conn *conn, uint8_t *block, size_t start, size_t len)
{
    if (len > SMB2_TRANSPORT_MAX_LENGTH || start < SMB2_TRANSPORT_HEADER_SIZE) {
        srv_bufpool_put(block);
        srv_conn_disconnect(conn, "response larger than the transport allows");
        return;
    }
    if (srv_conn_is_dead(conn)) {
        srv_bufpool_put(block);
        return;
    }
    uint8_t *frame = block + start - SMB2_TRANSPORT_HEADER_SIZE;
    frame[0] = 0;
    frame[1] = (uint8_t)(len >> 16);
    frame[2] = (uint8_t)(len >> 8);
    frame[3] = (uint8_t)len;
    size_t frame_len = len + SMB2_TRANSPORT_HEADER_SIZE;
    if (conn->transport->send_at) {
        conn->transport->send_at(conn, block, start - SMB2_TRANSPORT_HEADER_SIZE, frame_len);
    } else {
        memmove(block, frame, frame_len);
        conn->transport->send(conn, block, frame_len);
    }
}

/* ---- The session table -------------------------------------------------- */

/* Sessions one connection may have in SESSION_SETUP at once. Each holds an
 * authentication exchange in srv and in lsassd; a client that starts
 * thousands and never finishes them would otherwise hold that memory for as
 * long as its connection lives. Real clients have one or two. */
#define SRV_MAX_SESSIONS_IN_PROGRESS 64

static size_t sessions_in_progress_locked(struct srv_conn *conn)
{
    size_t n = 0;
    for (size_t i = 0; i < conn->session_count; i++) {
        struct srv_session *s = conn->sessions[i];
        pthread_mutex_lock(&s->lock);
        n += s->state == SRV_SESSION_IN_PROGRESS && !s->dead;
        pthread_mutex_unlock(&s->lock);
    }
    return n;
}

NTSTATUS srv_conn_add_session(struct srv_conn *conn, struct srv_session *session)
{
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&conn->lock);
    if (conn->dead) {
        status = STATUS_USER_SESSION_DELETED;
    } else if (sessions_in_progress_locked(conn) >= SRV_MAX_SESSIONS_IN_PROGRESS) {
        status = STATUS_REQUEST_NOT_ACCEPTED;
    } else if (conn->session_count == conn->session_capacity) {
        size_t cap = conn->session_capacity ? conn->session_capacity * 2 : 4;
        struct srv_session **grown = cap > 4096 ? NULL
                                                : realloc(conn->sessions, cap * sizeof *grown);
        if (!grown) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else {
            conn->sessions = grown;
            conn->session_capacity = cap;
        }
    }
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&session->lock);
        struct srv_channel *c = srv_session_find_channel(session, conn->id);
        if (!c)
            c = srv_session_new_channel(session, conn->id);
        if (c)
            c->bound = true;
        else
            status = STATUS_INSUFFICIENT_RESOURCES;
        pthread_mutex_unlock(&session->lock);
    }
    if (status == STATUS_SUCCESS) {
        srv_session_ref(session);
        conn->sessions[conn->session_count++] = session;
    }
    pthread_mutex_unlock(&conn->lock);
    return status;
}

struct srv_session *srv_conn_find_session(struct srv_conn *conn, uint64_t id)
{
    struct srv_session *found = NULL;
    pthread_mutex_lock(&conn->lock);
    for (size_t i = 0; i < conn->session_count && !found; i++)
        if (conn->sessions[i]->id == id)
            found = conn->sessions[i];
    if (found)
        srv_session_ref(found);
    pthread_mutex_unlock(&conn->lock);
    return found;
}

/* Takes the session out of the connection's table; true if it was there
 * (the caller then owns the table's reference). */
static bool table_take(struct srv_conn *conn, struct srv_session *session)
{
    bool found = false;
    pthread_mutex_lock(&conn->lock);
    for (size_t i = 0; i < conn->session_count; i++) {
        if (conn->sessions[i] == session) {
            conn->sessions[i] = conn->sessions[--conn->session_count];
            found = true;
            break;
        }
    }
    pthread_mutex_unlock(&conn->lock);
    return found;
}

struct srv_conn *srv_engine_find_conn(struct srv_engine *e, uint64_t id)
{
    struct srv_conn *found = NULL;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *conn = e->conns; conn && !found; conn = conn->next)
        if (conn->id == id && !srv_conn_is_dead(conn))
            found = conn;
    if (found)
        srv_conn_ref(found);
    pthread_mutex_unlock(&e->lock);
    return found;
}

void srv_conn_remove_session(struct srv_conn *conn, struct srv_session *session)
{
    if (!table_take(conn, session))
        return;
    srv_session_kill(session);
    /* 3.3.5.6: a logoff on any channel ends the session on all of them. */
    uint64_t ids[SRV_MAX_CHANNELS];
    size_t n = srv_session_channel_conns(session, ids);
    srv_session_remove_channel(session, conn->id);
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == conn->id)
            continue;
        srv_session_remove_channel(session, ids[i]);
        struct srv_conn *other = srv_engine_find_conn(conn->engine, ids[i]);
        if (!other)
            continue;
        if (table_take(other, session))
            srv_session_unref(session);
        srv_conn_unref(other);
    }
    srv_session_unref(session);
}

NTSTATUS srv_engine_find_session(struct srv_engine *e, uint64_t id, struct srv_conn **conn_out,
                                 struct srv_session **session_out)
{
    *conn_out = NULL;
    *session_out = NULL;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *conn = e->conns; conn && !*session_out; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        for (size_t i = 0; !conn->dead && i < conn->session_count; i++) {
            if (conn->sessions[i]->id == id) {
                *session_out = conn->sessions[i];
                srv_session_ref(*session_out);
                *conn_out = conn;
                srv_conn_ref(conn);
                break;
            }
        }
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&e->lock);
    return *session_out ? STATUS_SUCCESS : STATUS_NOT_FOUND;
}
