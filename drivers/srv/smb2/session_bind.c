/* SESSION_SETUP with SMB2_SESSION_FLAG_BINDING ([MS-SMB2] 3.3.5.5 step 4,
 * 3.3.5.5.2, 3.3.5.5.3): a client adds this connection as a channel of a
 * session it already has on another connection (multichannel). The binding
 * is a logon of its own (its own GSS exchange and, for 3.1.1, its own
 * pre-authentication hash, starting from this connection's), which must
 * authenticate the session's user; its session key gives the channel's
 * signing key. Until it succeeds, the session is not in this connection's
 * table, so nothing else can use it here.
 *
 * The checks come in the order Windows (and Samba, which copied it) answer
 * them, as smbtorture's smb2.session.bind_negative_* tests expect: signing
 * algorithms first, then the dialect and multichannel, the signature, the
 * dialect and cipher of the session against this connection's. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "drivers/srv/smb2/request.h"
#include "lib/log.h"
#include "lib/sid.h"
#include "lib/token.h"

struct bind_state {
    struct buf_reader token;
};

/* What the binding's success decides (3.3.5.5.3); session->lock held. */
static NTSTATUS bind_done(struct srv_session *s, struct srv_channel *c,
                          const struct srv_auth_result *result, uint16_t dialect,
                          uint16_t cipher, uint16_t signing_algorithm)
{
    /* The channel must be the session's own user ([MS-SMB2] 3.3.5.5.3:
     * "the server MUST fail ... with STATUS_ACCESS_DENIED"). */
    if (!s->token || !result->token || result->is_anonymous || result->is_guest ||
        !sid_equal(&s->token->user, &result->token->user))
        return STATUS_ACCESS_DENIED;
    if (result->session_key_len == 0)
        return STATUS_NOT_SUPPORTED; /* no key to sign with (3.3.5.2.4) */
    struct smb2_keys keys;
    NTSTATUS status = smb2_derive_keys(dialect, cipher, result->session_key,
                                       result->session_key_len, c->preauth_hash, &keys);
    if (status == STATUS_SUCCESS) {
        memcpy(c->signing_key, keys.signing, sizeof c->signing_key);
        c->signing_algorithm = signing_algorithm;
        c->has_key = true;
    }
    OPENSSL_cleanse(&keys, sizeof keys);
    return status;
}

static void bind_work(void *context)
{
    struct smb2_request *req = context;
    struct bind_state *st = req->handler_state;
    struct srv_session *s = req->session;
    struct srv_conn *conn = req->conn;
    const struct srv_auth *auth = &conn->engine->config.auth;
    struct srv_auth_result result;
    struct buf token_out;
    memset(&result, 0, sizeof result);
    buf_init_limit(&token_out, 0xFFFF);

    pthread_mutex_lock(&conn->lock);
    uint16_t dialect = conn->dialect;
    uint16_t cipher = conn->cipher;
    uint16_t signing_algorithm = conn->signing_algorithm;
    pthread_mutex_unlock(&conn->lock);

    /* The leg runs with the exchange taken out of the channel, so that a
     * logoff meanwhile does not end it under our feet. */
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&s->lock);
    struct srv_channel *c = srv_session_find_channel(s, conn->id);
    void *exchange = c ? c->auth_exchange : NULL;
    if (c)
        c->auth_exchange = NULL;
    else
        status = STATUS_USER_SESSION_DELETED;
    pthread_mutex_unlock(&s->lock);

    if (status == STATUS_SUCCESS)
        status = smb2_auth_leg(conn, &exchange, &st->token, &token_out, &result);

    pthread_mutex_lock(&s->lock);
    c = srv_session_find_channel(s, conn->id);
    if ((status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED) &&
        (!c || s->dead))
        status = STATUS_USER_SESSION_DELETED;
    if (status == STATUS_MORE_PROCESSING_REQUIRED) {
        c->auth_exchange = exchange;
        exchange = NULL;
        if (dialect == SMB2_DIALECT_311)
            req->preauth_kind = SMB2_PREAUTH_CHANNEL;
    } else if (status == STATUS_SUCCESS) {
        status = bind_done(s, c, &result, dialect, cipher, signing_algorithm);
    }
    if (c) {
        c->auth_busy = false;
        if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED)
            srv_session_drop_channel(s, c); /* a failed binding leaves nothing */
    }
    uint16_t session_flags = s->encrypt_data ? SMB2_SESSION_FLAG_ENCRYPT_DATA : 0;
    pthread_mutex_unlock(&s->lock);
    if (exchange && auth->end)
        auth->end(auth->context, exchange);

    if (status == STATUS_SUCCESS) {
        /* Into this connection's table: the channel is bound. */
        status = srv_conn_add_session(conn, s);
        if (status != STATUS_SUCCESS) {
            srv_session_remove_channel(s, conn->id);
        } else {
            pthread_mutex_lock(&conn->lock);
            conn->has_valid_session = true;
            pthread_mutex_unlock(&conn->lock);
            req->sign_response = true; /* with the new Channel.SigningKey */
            log_ratelimited(LOG_LEVEL_INFO, "srv: %s: connection bound to session 0x%llx (%s)",
                            conn->peer, (unsigned long long)s->id, s->user_name);
        }
    }
    if (status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED) {
        smb2_session_setup_write_body(req, status == STATUS_SUCCESS ? session_flags : 0,
                                      &token_out);
        req->keep_body = true;
    } else {
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: binding to session 0x%llx failed: %s", conn->peer,
                        (unsigned long long)s->id, nt_status_name(status));
    }
    if (result.token)
        token_free(result.token);
    OPENSSL_cleanse(&result, sizeof result);
    buf_free(&token_out);
    free(st);
    req->handler_state = NULL;
    smb2_request_resume(req, status);
}

NTSTATUS smb2_session_bind(struct smb2_request *req, struct buf_reader token)
{
    struct srv_conn *conn = req->conn;
    struct srv_session *s = req->session;
    if (req->hdr.session_id == 0)
        return STATUS_INVALID_PARAMETER;
    if (!s)
        return STATUS_USER_SESSION_DELETED;
    req->rsp_session_id = s->id;

    pthread_mutex_lock(&conn->lock);
    uint16_t dialect = conn->dialect;
    uint16_t cipher = conn->cipher;
    uint16_t conn_alg = conn->signing_algorithm;
    uint8_t preauth[SMB2_PREAUTH_HASH_SIZE];
    memcpy(preauth, conn->preauth_hash, sizeof preauth);
    pthread_mutex_unlock(&conn->lock);
    pthread_mutex_lock(&s->lock);
    uint16_t session_alg = srv_session_signing_algorithm(s);
    uint16_t session_dialect = s->dialect;
    uint16_t session_cipher = s->cipher;
    pthread_mutex_unlock(&s->lock);

    /* A GMAC session cannot be signed otherwise on another connection, and
     * a GMAC connection cannot carry another algorithm's session. */
    if (session_alg == SMB2_SIGNING_AES_GMAC && conn_alg != session_alg)
        return STATUS_REQUEST_OUT_OF_SEQUENCE;
    if (conn_alg == SMB2_SIGNING_AES_GMAC && session_alg != conn_alg)
        return STATUS_NOT_SUPPORTED;
    /* 2.x has no multichannel; nor has a server with it turned off. */
    if (!SMB2_DIALECT_IS_3(dialect) || !conn->settings->multichannel)
        return STATUS_REQUEST_NOT_ACCEPTED;
    if (req->sig_failed)
        return STATUS_ACCESS_DENIED; /* 3.3.5.2.4, with Session.SigningKey */
    if (!req->signed_ok)
        return STATUS_INVALID_PARAMETER; /* a binding must be signed */
    if (session_dialect != dialect || session_cipher != cipher)
        return STATUS_INVALID_PARAMETER;

    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&s->lock);
    struct srv_channel *c = srv_session_find_channel(s, conn->id);
    if (s->dead)
        status = STATUS_USER_SESSION_DELETED;
    else if (s->state == SRV_SESSION_IN_PROGRESS)
        status = STATUS_REQUEST_NOT_ACCEPTED;
    else if (s->state == SRV_SESSION_EXPIRED)
        status = STATUS_NETWORK_SESSION_EXPIRED;
    else if (s->is_guest || s->is_anonymous)
        status = STATUS_NOT_SUPPORTED;
    else if (c && (c->bound || c->auth_busy))
        status = STATUS_REQUEST_NOT_ACCEPTED; /* already a channel of this connection */
    if (status == STATUS_SUCCESS && !c) {
        c = srv_session_new_channel(s, conn->id);
        if (c)
            memcpy(c->preauth_hash, preauth, sizeof c->preauth_hash);
        else
            status = STATUS_INSUFFICIENT_RESOURCES; /* SRV_MAX_CHANNELS */
    }
    if (status == STATUS_SUCCESS) {
        c->auth_busy = true;
        if (dialect == SMB2_DIALECT_311)
            smb2_preauth_update(c->preauth_hash, req->msg + req->elem_offset, req->elem_len);
    }
    pthread_mutex_unlock(&s->lock);
    if (status != STATUS_SUCCESS)
        return status;

    struct bind_state *st = calloc(1, sizeof *st);
    if (!st) {
        srv_session_remove_channel(s, conn->id);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    st->token = token;
    req->handler_state = st;
    smb2_request_park(req, NULL, NULL);
    if (srv_engine_queue_work(conn->engine, bind_work, req) != STATUS_SUCCESS) {
        srv_session_remove_channel(s, conn->id);
        free(st);
        req->handler_state = NULL;
        smb2_request_resume(req, STATUS_INSUFFICIENT_RESOURCES);
    }
    return STATUS_PENDING;
}
