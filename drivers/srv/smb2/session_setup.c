/* SMB2 SESSION_SETUP ([MS-SMB2] 2.2.5, 2.2.6, 3.3.5.5): one leg of a GSS
 * (SPNEGO) exchange per request. The security token goes to srv_auth on a
 * worker thread (a logon may wait on lsassd, a domain controller, a KDC);
 * the request is parked meanwhile and resumed with the answer. On success the
 * session gets its keys, its signing and encryption requirements. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "drivers/srv/smb2/request.h"
#include "lib/log.h"
#include "lib/sid.h"
#include "lib/token.h"

struct setup {
    struct buf_reader token;
    uint8_t security_mode;
    bool reauth;
    uint64_t previous_session_id;
};

/* 3.3.5.5.3: a client reconnecting after a network failure names the session
 * it had (PreviousSessionId); once the new logon succeeds, the old session
 * goes as if logged off (its opens close, its requests end), so the files it
 * held are free again. Only when both sessions are the same user; anonymous
 * and guest logons have no identity to match, so they never end another
 * session. */
static void end_previous_session(struct srv_conn *conn, struct srv_session *s, uint64_t previous_id)
{
    if (previous_id == 0 || previous_id == s->id)
        return;
    struct sid user;
    pthread_mutex_lock(&s->lock);
    bool usable = s->token && !s->is_anonymous && !s->is_guest && !s->dead;
    if (usable)
        user = s->token->user;
    pthread_mutex_unlock(&s->lock);
    if (!usable)
        return;
    struct srv_conn *old_conn;
    struct srv_session *old;
    if (srv_engine_find_session(conn->engine, previous_id, &old_conn, &old) != STATUS_SUCCESS)
        return;
    pthread_mutex_lock(&old->lock);
    bool same = old->token && !old->is_anonymous && !old->is_guest &&
                old->state == SRV_SESSION_VALID && sid_equal(&old->token->user, &user);
    pthread_mutex_unlock(&old->lock);
    if (same) {
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: session 0x%llx replaces previous session 0x%llx",
                        conn->peer, (unsigned long long)s->id, (unsigned long long)previous_id);
        smb2_cancel_on(old_conn, old, NULL, NULL);
        srv_conn_remove_session(old_conn, old);
    }
    srv_session_unref(old);
    srv_conn_unref(old_conn);
}

void smb2_session_setup_write_body(struct smb2_request *req, uint16_t session_flags,
                                   const struct buf *token)
{
    struct buf *out = &req->out;
    wr_u16(out, SMB2_SESSION_SETUP_RESPONSE_SIZE);
    wr_u16(out, session_flags);
    size_t offset = smb2_rsp_offset(req) + 4;
    wr_u16(out, token->len ? (uint16_t)offset : 0);
    wr_u16(out, (uint16_t)token->len);
    wr_bytes(out, token->data, token->len);
    if (token->len == 0)
        wr_u8(out, 0); /* the buffer byte StructureSize 9 counts */
}

/* Everything a successful logon decides (3.3.5.5.3); session->lock held. */
static NTSTATUS logon(struct smb2_request *req, struct srv_session *s,
                      struct srv_auth_result *result, uint8_t security_mode,
                      uint16_t *session_flags)
{
    struct srv_conn *conn = req->conn;
    /* Signing and encryption as set now: a changed setting applies from the
     * next SESSION_SETUP, as on Windows. */
    const struct srv_config *now = srv_settings_hold(conn->engine);
    enum srv_signing_policy signing = now->signing;
    enum srv_encryption_policy encryption = now->encryption;
    srv_settings_release(now);
    pthread_mutex_lock(&conn->lock);
    uint32_t client_caps = conn->client_capabilities;
    pthread_mutex_unlock(&conn->lock);

    bool anonymous = result->is_anonymous;
    bool guest = result->is_guest;
    bool can_encrypt = SMB2_DIALECT_IS_3(s->dialect) && s->cipher != SMB2_ENCRYPTION_NONE &&
                       (s->dialect == SMB2_DIALECT_311 ||
                        (client_caps & SMB2_GLOBAL_CAP_ENCRYPTION));
    if (encryption == SRV_ENCRYPTION_REQUIRED && (!can_encrypt || anonymous || guest)) {
        /* Session encryption required and impossible: refuse the logon. */
        return STATUS_ACCESS_DENIED;
    }
    s->token = result->token;
    result->token = NULL;
    memcpy(s->user_name, result->user_name, sizeof s->user_name);
    s->user_name[sizeof s->user_name - 1] = 0;
    s->is_anonymous = anonymous;
    s->is_guest = guest;
    *session_flags = anonymous ? SMB2_SESSION_FLAG_IS_NULL : guest ? SMB2_SESSION_FLAG_IS_GUEST : 0;
    if (anonymous || guest || result->session_key_len == 0)
        return STATUS_SUCCESS; /* no keys: nothing is signed or sealed */

    size_t key_len = result->session_key_len;
    if (key_len > sizeof s->session_key)
        key_len = sizeof s->session_key;
    memcpy(s->session_key, result->session_key, key_len);
    s->session_key_len = key_len;
    NTSTATUS status = smb2_derive_keys(s->dialect, s->cipher, s->session_key, key_len,
                                       s->preauth_hash, &s->keys);
    if (status != STATUS_SUCCESS)
        return status;
    s->has_keys = true;
    s->signing_required = signing == SRV_SIGNING_REQUIRED ||
                          (security_mode & SMB2_NEGOTIATE_SIGNING_REQUIRED);
    if (can_encrypt && encryption != SRV_ENCRYPTION_OFF) {
        s->encrypt_data = true;
        *session_flags |= SMB2_SESSION_FLAG_ENCRYPT_DATA;
    }
    /* 3.x: the final response is signed so the client can check that nobody
     * tampered with the exchange (for 3.1.1 this closes the pre-auth hash). */
    if (SMB2_DIALECT_IS_3(s->dialect))
        req->sign_response = true;
    return STATUS_SUCCESS;
}

NTSTATUS smb2_auth_leg(struct srv_conn *conn, void **exchange, struct buf_reader *token,
                       struct buf *token_out, struct srv_auth_result *result)
{
    const struct srv_auth *auth = &conn->engine->config.auth;
    NTSTATUS status = STATUS_SUCCESS;
    if (!*exchange)
        status = auth->begin(auth->context, conn->peer, exchange);
    if (status == STATUS_SUCCESS) {
        size_t len = rd_remaining(token);
        status = auth->step(auth->context, *exchange, rd_bytes(token, len), len, token_out,
                            result);
        if (!wr_ok(token_out) && status == STATUS_MORE_PROCESSING_REQUIRED)
            status = STATUS_INSUFFICIENT_RESOURCES;
    }
    return status;
}

static void setup_work(void *context)
{
    struct smb2_request *req = context;
    struct setup *st = req->handler_state;
    struct srv_session *s = req->session;
    struct srv_conn *conn = req->conn;
    const struct srv_auth *auth = &conn->engine->config.auth;
    struct srv_auth_result result;
    struct buf token_out;
    memset(&result, 0, sizeof result);
    buf_init_limit(&token_out, 0xFFFF);
    NTSTATUS status = STATUS_SUCCESS;
    uint16_t session_flags = 0;

    /* The exchange and its leg run without session->lock: auth_busy keeps a
     * second SESSION_SETUP off this session meanwhile. */
    void *exchange = s->auth_exchange;
    status = smb2_auth_leg(conn, &exchange, &st->token, &token_out, &result);

    bool drop = false;
    pthread_mutex_lock(&s->lock);
    s->auth_exchange = status == STATUS_MORE_PROCESSING_REQUIRED ? exchange : NULL;
    if (status == STATUS_SUCCESS) {
        if (st->reauth) {
            /* Re-authentication keeps the keys; only the identity refreshes. */
            if (result.token) {
                token_free(s->token);
                s->token = result.token;
                result.token = NULL;
            }
            session_flags = s->is_anonymous ? SMB2_SESSION_FLAG_IS_NULL
                            : s->is_guest   ? SMB2_SESSION_FLAG_IS_GUEST
                                            : 0;
            if (s->encrypt_data)
                session_flags |= SMB2_SESSION_FLAG_ENCRYPT_DATA;
            s->state = SRV_SESSION_VALID;
            req->sign_response = s->has_keys && SMB2_DIALECT_IS_3(s->dialect);
        } else {
            status = logon(req, s, &result, st->security_mode, &session_flags);
            if (status == STATUS_SUCCESS && !s->dead) {
                s->state = SRV_SESSION_VALID;
                atomic_fetch_add(&s->engine->sessions_valid, 1);
            }
        }
    }
    if (status == STATUS_MORE_PROCESSING_REQUIRED && s->dialect == SMB2_DIALECT_311 &&
        s->state == SRV_SESSION_IN_PROGRESS)
        req->preauth_kind = SMB2_PREAUTH_SESSION;
    if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED)
        drop = true; /* 3.3.5.5.3: a failed logon removes the session */
    s->auth_busy = false;
    pthread_mutex_unlock(&s->lock);

    if (exchange && status != STATUS_MORE_PROCESSING_REQUIRED && auth->end)
        auth->end(auth->context, exchange);
    if (status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED) {
        smb2_session_setup_write_body(req, session_flags, &token_out);
        req->keep_body = true;
    }
    if (status == STATUS_SUCCESS && !st->reauth)
        end_previous_session(conn, s, st->previous_session_id);
    if (status == STATUS_SUCCESS) {
        pthread_mutex_lock(&conn->lock);
        conn->has_valid_session = true;
        pthread_mutex_unlock(&conn->lock);
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: session 0x%llx logged on as %s", conn->peer,
                        (unsigned long long)s->id, s->user_name[0] ? s->user_name : "(anonymous)");
    } else if (drop && st->reauth) {
        /* A failed re-authentication ends the session, but (as Windows
         * does) it stays in the tables of its channels, dead: requests
         * naming it are answered STATUS_USER_SESSION_DELETED, still signed
         * with its key, which a signing client insists on. The table
         * references go with the connections. */
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: re-authentication of session 0x%llx failed: %s",
                        conn->peer, (unsigned long long)s->id, nt_status_name(status));
        srv_session_kill(s);
    } else if (drop) {
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: logon failed: %s", conn->peer,
                        nt_status_name(status));
        srv_conn_remove_session(conn, s);
    }
    if (result.token)
        token_free(result.token);
    OPENSSL_cleanse(&result, sizeof result);
    buf_free(&token_out);
    free(st);
    req->handler_state = NULL;
    smb2_request_resume(req, status);
}

NTSTATUS smb2_session_setup(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);                 /* StructureSize */
    uint8_t flags = rd_u8(r);
    uint8_t security_mode = rd_u8(r);
    rd_skip(r, 4 + 4);             /* Capabilities, Channel */
    uint16_t token_offset = rd_u16(r);
    uint16_t token_len = rd_u16(r);
    uint64_t previous_session_id = rd_u64(r);
    struct buf_reader token = smb2_req_area(req, token_offset, token_len);
    if (!rd_ok(r) || !rd_ok(&token))
        return STATUS_INVALID_PARAMETER;

    if (flags & SMB2_SESSION_FLAG_BINDING)
        return smb2_session_bind(req, token); /* session_bind.c */
    if (req->session_elsewhere)
        return STATUS_USER_SESSION_DELETED; /* not a channel of this connection */

    struct srv_session *s = req->session;
    bool reauth = false;
    if (req->hdr.session_id == 0) {
        s = srv_session_new(conn->engine, conn);
        if (!s)
            return STATUS_INSUFFICIENT_RESOURCES;
        NTSTATUS status = srv_conn_add_session(conn, s);
        if (status != STATUS_SUCCESS) {
            srv_session_unref(s);
            return status;
        }
        req->session = s;
    } else if (!s) {
        return STATUS_USER_SESSION_DELETED;
    }
    req->rsp_session_id = s->id;

    pthread_mutex_lock(&s->lock);
    NTSTATUS status = STATUS_SUCCESS;
    if (s->dead)
        status = STATUS_USER_SESSION_DELETED;
    else if (s->auth_busy)
        status = STATUS_REQUEST_NOT_ACCEPTED;
    if (status == STATUS_SUCCESS) {
        reauth = s->state != SRV_SESSION_IN_PROGRESS;
        if (reauth && !SMB2_DIALECT_IS_3(s->dialect) && s->dialect != SMB2_DIALECT_210)
            status = STATUS_REQUEST_NOT_ACCEPTED; /* 2.0.2 has no re-authentication */
    }
    if (status == STATUS_SUCCESS) {
        s->auth_busy = true;
        if (s->dialect == SMB2_DIALECT_311 && !reauth)
            smb2_preauth_update(s->preauth_hash, req->msg + req->elem_offset, req->elem_len);
    }
    pthread_mutex_unlock(&s->lock);
    if (status != STATUS_SUCCESS)
        return status;

    struct setup *st = calloc(1, sizeof *st);
    if (!st) {
        pthread_mutex_lock(&s->lock);
        s->auth_busy = false;
        pthread_mutex_unlock(&s->lock);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    st->token = token;
    st->security_mode = security_mode;
    st->reauth = reauth;
    st->previous_session_id = previous_session_id;
    req->handler_state = st;
    smb2_request_park(req, NULL, NULL);
    if (srv_engine_queue_work(conn->engine, setup_work, req) != STATUS_SUCCESS) {
        pthread_mutex_lock(&s->lock);
        s->auth_busy = false;
        pthread_mutex_unlock(&s->lock);
        free(st);
        req->handler_state = NULL;
        smb2_request_resume(req, STATUS_INSUFFICIENT_RESOURCES);
    }
    return STATUS_PENDING;
}
