/* Session.ChannelList ([MS-SMB2] 3.3.1.8): the connections a session is used
 * on, and the key each signs with. See server.h for the model. */
#include <string.h>

#include <openssl/crypto.h>

#include "drivers/srv/server.h"

uint16_t srv_session_signing_algorithm(const struct srv_session *s)
{
    /* 2.x signs with HMAC-SHA256 over the session key; 3.0/3.0.2 with
     * AES-CMAC; 3.1.1 with what was negotiated. */
    return !SMB2_DIALECT_IS_3(s->dialect) ? SMB2_SIGNING_HMAC_SHA256
           : s->dialect == SMB2_DIALECT_311 ? s->signing_algorithm
                                            : SMB2_SIGNING_AES_CMAC;
}

struct srv_channel *srv_session_find_channel(struct srv_session *s, uint64_t conn_id)
{
    for (size_t i = 0; i < s->channel_count; i++)
        if (s->channels[i].conn_id == conn_id)
            return &s->channels[i];
    return NULL;
}

static void end_exchange(struct srv_session *s, struct srv_channel *c)
{
    const struct srv_auth *auth = &s->engine->config.auth;
    if (c->auth_exchange && auth->end)
        auth->end(auth->context, c->auth_exchange);
    c->auth_exchange = NULL;
}

void srv_session_drop_channel(struct srv_session *s, struct srv_channel *c)
{
    size_t i = (size_t)(c - s->channels);
    if (i >= s->channel_count)
        return;
    end_exchange(s, c);
    s->channels[i] = s->channels[--s->channel_count];
    OPENSSL_cleanse(&s->channels[s->channel_count], sizeof s->channels[0]);
}

struct srv_channel *srv_session_new_channel(struct srv_session *s, uint64_t conn_id)
{
    if (s->channel_count == SRV_MAX_CHANNELS) {
        /* Bindings abandoned between legs (their connection may be gone)
         * must not keep a live one out. */
        for (size_t i = s->channel_count; i-- > 0;) {
            struct srv_channel *c = &s->channels[i];
            if (!c->bound && !c->auth_busy)
                srv_session_drop_channel(s, c);
        }
    }
    if (s->channel_count == SRV_MAX_CHANNELS)
        return NULL;
    struct srv_channel *c = &s->channels[s->channel_count++];
    memset(c, 0, sizeof *c);
    c->conn_id = conn_id;
    return c;
}

size_t srv_session_remove_channel(struct srv_session *s, uint64_t conn_id)
{
    pthread_mutex_lock(&s->lock);
    struct srv_channel *c = srv_session_find_channel(s, conn_id);
    if (c)
        srv_session_drop_channel(s, c);
    size_t bound = 0;
    for (size_t i = 0; i < s->channel_count; i++)
        bound += s->channels[i].bound;
    pthread_mutex_unlock(&s->lock);
    return bound;
}

size_t srv_session_channel_conns(struct srv_session *s, uint64_t ids[SRV_MAX_CHANNELS])
{
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->channel_count; i++)
        if (s->channels[i].bound)
            ids[n++] = s->channels[i].conn_id;
    pthread_mutex_unlock(&s->lock);
    return n;
}

bool srv_session_signing_key(struct srv_session *s, const struct srv_conn *conn, uint16_t *alg,
                             uint8_t key[16])
{
    pthread_mutex_lock(&s->lock);
    bool ok = s->has_keys;
    if (ok) {
        const struct srv_channel *c = conn ? srv_session_find_channel(s, conn->id) : NULL;
        if (c && c->has_key) {
            *alg = c->signing_algorithm;
            memcpy(key, c->signing_key, 16);
        } else {
            *alg = srv_session_signing_algorithm(s);
            memcpy(key, s->keys.signing, 16);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

struct srv_conn *srv_session_live_conn(struct srv_session *s, struct srv_conn *conn)
{
    if (conn && !srv_conn_is_dead(conn)) {
        srv_conn_ref(conn);
        return conn;
    }
    uint64_t ids[SRV_MAX_CHANNELS];
    size_t n = srv_session_channel_conns(s, ids);
    for (size_t i = 0; i < n; i++) {
        struct srv_conn *other = srv_engine_find_conn(s->engine, ids[i]);
        if (other)
            return other;
    }
    return NULL;
}

bool srv_session_listed_on(const struct srv_session *s, uint64_t conn_id)
{
    for (size_t i = 0; i < s->channel_count; i++)
        if (s->channels[i].bound)
            return s->channels[i].conn_id == conn_id;
    return true; /* no channel (tests): wherever it is */
}
