/* rdr's connections as the driver shares them: one per (server, user),
 * each negotiated ([MS-SMB2] 3.2.4.2.2) and authenticated (SPNEGO wrapping
 * NTLMSSP, 3.2.4.2.3 and 3.2.5.3) before anyone else sees it; tree connects
 * made once per share; idle ones logged off and closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/rdr/rdr.h"
#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/sid.h"
#include "lsass/ntlm/ntlm.h"
#include "lsass/spnego/spnego.h"

static const uint16_t dialects[] = { SMB2_DIALECT_202, SMB2_DIALECT_210, SMB2_DIALECT_300,
                                     SMB2_DIALECT_302, SMB2_DIALECT_311 };
/* GCM first: it is the faster where both are offered. */
static const uint16_t ciphers[] = { SMB2_ENCRYPTION_AES128_GCM, SMB2_ENCRYPTION_AES128_CCM,
                                    SMB2_ENCRYPTION_AES256_GCM, SMB2_ENCRYPTION_AES256_CCM };
/* 3.1.1 signing: GMAC is the cheaper; CMAC is what a server without the
 * context uses anyway. */
static const uint16_t signing_algorithms[] = { SMB2_SIGNING_AES_GMAC, SMB2_SIGNING_AES_CMAC };

static NTSTATUS negotiate(struct rdr_conn *conn)
{
    struct rdr_negotiate_request req = {
        .security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED,
        .capabilities = SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_ENCRYPTION,
        .dialects = dialects,
        .dialect_count = sizeof dialects / sizeof dialects[0],
        .ciphers = ciphers,
        .cipher_count = sizeof ciphers / sizeof ciphers[0],
        .signing_algorithms = signing_algorithms,
        .signing_count = sizeof signing_algorithms / sizeof signing_algorithms[0],
    };
    if (crypto_random(req.client_guid, sizeof req.client_guid) ||
        crypto_random(req.salt, sizeof req.salt))
        return STATUS_INTERNAL_ERROR;
    struct rdr_call call;
    rdr_call_init(&call, SMB2_NEGOTIATE, 0);
    rdr_negotiate_write(&call.req, &req);
    NTSTATUS status = rdr_call_run(conn, &call, NULL);
    if (status == STATUS_SUCCESS)
        status = call.hdr.status;
    struct rdr_negotiate_response rsp;
    if (status == STATUS_SUCCESS)
        status = rdr_negotiate_parse(call.rsp, call.rsp_len, &rsp);
    if (status == STATUS_SUCCESS) {
        conn->dialect = rsp.dialect;
        conn->server_security_mode = rsp.security_mode;
        conn->capabilities = rsp.capabilities;
        /* A server that announces nothing useful gets the 2.0.2 minimum. */
        conn->max_read = rsp.max_read_size >= 4096 ? rsp.max_read_size : 65536;
        conn->max_write = rsp.max_write_size >= 4096 ? rsp.max_write_size : 65536;
        conn->max_transact = rsp.max_transact_size >= 4096 ? rsp.max_transact_size : 65536;
        if (rsp.dialect == SMB2_DIALECT_311) {
            conn->cipher = rsp.cipher;
            if (conn->cipher && smb2_cipher_key_size(conn->cipher) == 0)
                status = STATUS_INVALID_NETWORK_RESPONSE; /* one we did not offer */
            memset(conn->preauth, 0, sizeof conn->preauth);
            smb2_preauth_update(conn->preauth, call.req.data, call.req.len);
            smb2_preauth_update(conn->preauth, call.rsp, call.rsp_len);
        } else if (SMB2_DIALECT_IS_3(rsp.dialect) &&
                   (rsp.capabilities & SMB2_GLOBAL_CAP_ENCRYPTION)) {
            conn->cipher = SMB2_ENCRYPTION_AES128_CCM;
        }
        conn->signing_alg = SMB2_DIALECT_IS_3(rsp.dialect) ? SMB2_SIGNING_AES_CMAC
                                                           : SMB2_SIGNING_HMAC_SHA256;
        if (rsp.dialect == SMB2_DIALECT_311 && rsp.has_signing) {
            if (rsp.signing_algorithm != SMB2_SIGNING_AES_GMAC &&
                rsp.signing_algorithm != SMB2_SIGNING_AES_CMAC)
                status = STATUS_INVALID_NETWORK_RESPONSE; /* one we did not offer */
            conn->signing_alg = rsp.signing_algorithm;
        }
    }
    if (status == STATUS_SUCCESS)
        log_debug("rdr: %s: dialect 0x%04x, signing algorithm %u, cipher %u, max read %u write %u",
                  conn->host, conn->dialect, conn->signing_alg, conn->cipher, conn->max_read,
                  conn->max_write);
    rdr_call_free(&call);
    return status;
}

/* One SESSION_SETUP round trip; the response stays in *call for the caller. */
static NTSTATUS session_setup_step(struct rdr_conn *conn, struct rdr_call *call,
                                   const struct buf *token, uint8_t preauth[64],
                                   struct rdr_session_setup_response *rsp)
{
    rdr_call_init(call, SMB2_SESSION_SETUP, 0);
    rdr_session_setup_write(&call->req, SMB2_NEGOTIATE_SIGNING_ENABLED, token->data, token->len);
    NTSTATUS status = rdr_call_send(conn, call);
    /* The hash covers the request as sent (ids and credits filled in). */
    if (status == STATUS_SUCCESS && conn->dialect == SMB2_DIALECT_311)
        smb2_preauth_update(preauth, call->req.data, call->req.len);
    if (status == STATUS_SUCCESS)
        status = rdr_call_wait(conn, call, NULL);
    if (status)
        return status;
    /* The session id arrives with the first answer and is used from then on. */
    if (conn->session_id == 0)
        conn->session_id = call->hdr.session_id;
    else if (call->hdr.session_id != conn->session_id)
        return STATUS_INVALID_NETWORK_RESPONSE;
    status = call->hdr.status;
    if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED)
        return status;
    if (rdr_session_setup_parse(call->rsp, call->rsp_len, rsp))
        return STATUS_INVALID_NETWORK_RESPONSE;
    if (status == STATUS_MORE_PROCESSING_REQUIRED && conn->dialect == SMB2_DIALECT_311)
        smb2_preauth_update(preauth, call->rsp, call->rsp_len);
    return status;
}

/* The NTLMSSP token inside the server's SPNEGO answer. */
static NTSTATUS inner_token(const struct rdr_bytes *security_buffer, struct spnego_bytes *out)
{
    struct spnego_token token;
    if (spnego_parse(security_buffer->data, security_buffer->len, &token) ||
        token.type != SPNEGO_NEG_TOKEN_RESP || !token.resp.has_response_token ||
        token.resp.neg_state == SPNEGO_REJECT)
        return STATUS_LOGON_FAILURE;
    *out = token.resp.response_token;
    return STATUS_SUCCESS;
}

static NTSTATUS authenticate(struct rdr_conn *conn, const struct rdr_credentials *creds)
{
    char workstation[64] = "SAMEWISE";
    gethostname(workstation, sizeof workstation - 1);
    workstation[sizeof workstation - 1] = 0;
    struct ntlm_client_config config = {
        .user = creds->anonymous ? "" : creds->user,
        .domain = creds->anonymous ? "" : creds->domain,
        .workstation = workstation,
        .nt_hash = creds->anonymous ? NULL : creds->nt_hash,
    };
    struct ntlm_client *ntlm = ntlm_client_new(&config);
    if (!ntlm)
        return STATUS_INSUFFICIENT_RESOURCES;
    uint8_t preauth[SMB2_PREAUTH_HASH_SIZE];
    memcpy(preauth, conn->preauth, sizeof preauth);
    struct buf ntlm_msg, token;
    buf_init(&ntlm_msg);
    buf_init(&token);
    struct rdr_call first = { 0 }, second = { 0 };
    struct rdr_session_setup_response rsp;
    struct spnego_bytes challenge;
    NTSTATUS status = ntlm_client_negotiate(ntlm, &ntlm_msg);
    if (status == STATUS_SUCCESS) {
        spnego_write_neg_token_init(&token, &SPNEGO_OID_NTLMSSP, 1, ntlm_msg.data, ntlm_msg.len);
        status = wr_ok(&token) ? session_setup_step(conn, &first, &token, preauth, &rsp)
                               : STATUS_INSUFFICIENT_RESOURCES;
    }
    if (status == STATUS_MORE_PROCESSING_REQUIRED)
        status = inner_token(&rsp.security_buffer, &challenge);
    else if (status == STATUS_SUCCESS)
        status = STATUS_LOGON_FAILURE; /* NTLM always takes two legs */
    if (status == STATUS_SUCCESS) {
        buf_reset(&ntlm_msg);
        status = ntlm_client_authenticate(ntlm, challenge.data, challenge.len, &ntlm_msg);
    }
    if (status == STATUS_SUCCESS) {
        buf_reset(&token);
        struct spnego_neg_token_resp resp = {
            .neg_state = SPNEGO_NEG_STATE_ABSENT,
            .has_response_token = true,
            .response_token = { ntlm_msg.data, ntlm_msg.len },
        };
        spnego_write_neg_token_resp(&token, &resp);
        status = wr_ok(&token) ? session_setup_step(conn, &second, &token, preauth, &rsp)
                               : STATUS_INSUFFICIENT_RESOURCES;
        if (status == STATUS_MORE_PROCESSING_REQUIRED)
            status = STATUS_LOGON_FAILURE; /* a third leg is not NTLM */
    }
    if (status == STATUS_SUCCESS) {
        conn->session_flags = rsp.session_flags;
        bool guest = rsp.session_flags & (SMB2_SESSION_FLAG_IS_GUEST | SMB2_SESSION_FLAG_IS_NULL);
        const struct ntlm_keys *keys = ntlm_client_keys(ntlm);
        status = smb2_derive_keys(conn->dialect, conn->cipher, keys->exported_session_key, 16,
                                  preauth, &conn->keys);
        /* [MS-SMB2] 3.2.5.3.1: sign when the server requires it, unless the
         * session is a guest's or anonymous (it has no key). 3.1.1 sessions
         * always sign: the tree connect must be signed (3.2.4.1.1) and
         * Samba requires every request of an authenticated 3.1.1 session
         * to be. */
        conn->signing = !guest && ((conn->server_security_mode & SMB2_NEGOTIATE_SIGNING_REQUIRED) ||
                                   conn->dialect == SMB2_DIALECT_311);
        conn->encrypt = !guest && (rsp.session_flags & SMB2_SESSION_FLAG_ENCRYPT_DATA);
        if (conn->encrypt && conn->cipher == 0) {
            log_ratelimited(LOG_LEVEL_WARNING,
                            "rdr: %s: the server asks for encryption without a cipher", conn->host);
            status = STATUS_ACCESS_DENIED;
        }
        /* The final answer of an authenticated session is signed with the new
         * key (3.1.1 always); check it so a man in the middle cannot have
         * stripped the negotiation. */
        if (status == STATUS_SUCCESS && !guest && (second.hdr.flags & SMB2_FLAGS_SIGNED) &&
            !smb2_verify(conn->signing_alg, conn->keys.signing, second.rsp, second.rsp_len)) {
            log_ratelimited(LOG_LEVEL_WARNING,
                            "rdr: %s: the session setup answer's signature is wrong", conn->host);
            status = STATUS_ACCESS_DENIED;
        }
    }
    rdr_call_free(&first);
    rdr_call_free(&second);
    crypto_wipe(ntlm_msg.data, ntlm_msg.len);
    buf_free(&ntlm_msg);
    buf_free(&token);
    ntlm_client_free(ntlm);
    return status;
}

int rdr_setting_int(const char *name, int fallback, int min, int max)
{
    char *text = rdr_setting(name);
    int value = fallback;
    if (text && *text) {
        char *end;
        long v = strtol(text, &end, 10);
        if (*end == 0 && v >= min && v <= max)
            value = (int)v;
    }
    free(text);
    return value;
}

char *rdr_setting(const char *name)
{
    return rdr.driver ? IoDriverGetSetting(rdr.driver, name) : NULL;
}

static NTSTATUS conn_create(const char *host, uint16_t port, const struct rdr_credentials *given,
                            struct rdr_conn **out)
{
    int timeout = rdr_setting_int("request-timeout", 60, 1, 3600);
    struct rdr_conn *conn;
    NTSTATUS status = rdr_conn_open(host, port, timeout, &conn);
    if (status)
        return status;
    status = negotiate(conn);
    if (status == STATUS_SUCCESS && given) {
        status = authenticate(conn, given);
    } else if (status == STATUS_SUCCESS) {
        struct rdr_credentials creds;
        char *path = rdr_setting("credentials-file");
        status = rdr_credentials_find(path, host, port, &creds);
        free(path);
        if (status == STATUS_SUCCESS) {
            status = authenticate(conn, &creds);
            rdr_credentials_clear(&creds);
        }
    }
    if (status) {
        log_ratelimited(LOG_LEVEL_INFO, "rdr: %s:%u: %s", host, port, nt_status_name(status));
        rdr_conn_free(conn);
        return status;
    }
    *out = conn;
    return STATUS_SUCCESS;
}

NTSTATUS rdr_conn_get(const char *host, uint16_t port, const struct access_token *token,
                      const struct rdr_credentials *creds, struct rdr_conn **out)
{
    char sid[192] = "";
    if (token)
        sid_format(&token->user, sid, sizeof sid);
    /* Explicit credentials get their own session: the key names their user
     * (and a hash of the password, so a wrong one is not reused for a right
     * one); the credentials file's sessions have none. */
    char key[1024];
    int n;
    if (creds)
        n = snprintf(key, sizeof key, "%s:%u|%s|%s\\%s|%02x%02x%02x%02x", host, port, sid,
                     creds->domain, creds->user, creds->nt_hash[0], creds->nt_hash[1],
                     creds->nt_hash[2], creds->nt_hash[3]);
    else
        n = snprintf(key, sizeof key, "%s:%u|%s", host, port, sid);
    if (n < 0 || (size_t)n >= sizeof key)
        return STATUS_OBJECT_NAME_INVALID;
    pthread_mutex_lock(&rdr.lock);
    for (struct rdr_conn *c = rdr.conns; c; c = c->next) {
        if (strcasecmp(c->key, key) == 0 && !rdr_conn_is_dead(c)) {
            c->refs++;
            pthread_mutex_unlock(&rdr.lock);
            *out = c;
            return STATUS_SUCCESS;
        }
    }
    pthread_mutex_unlock(&rdr.lock);
    /* Connect without the list lock: a slow server must not stall the others.
     * Two callers racing here make two connections; the loser's is used once
     * and reaped when idle. */
    struct rdr_conn *conn;
    NTSTATUS status = conn_create(host, port, creds, &conn);
    if (status)
        return status;
    conn->key = strdup(key);
    if (!conn->key) {
        rdr_conn_free(conn);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_mutex_lock(&rdr.lock);
    conn->refs = 1;
    conn->next = rdr.conns;
    rdr.conns = conn;
    pthread_mutex_unlock(&rdr.lock);
    *out = conn;
    return STATUS_SUCCESS;
}

void rdr_conn_put(struct rdr_conn *conn)
{
    pthread_mutex_lock(&rdr.lock);
    if (--conn->refs == 0)
        conn->idle_since = time(NULL);
    pthread_mutex_unlock(&rdr.lock);
}

NTSTATUS rdr_tree_get(struct rdr_conn *conn, const char *share, struct rdr_tree **out)
{
    pthread_mutex_lock(&conn->setup_lock);
    for (struct rdr_tree *t = conn->trees; t; t = t->next) {
        if (strcasecmp(t->share, share) == 0) {
            pthread_mutex_unlock(&conn->setup_lock);
            *out = t;
            return STATUS_SUCCESS;
        }
    }
    char unc[1024];
    NTSTATUS status = STATUS_SUCCESS;
    if ((size_t)snprintf(unc, sizeof unc, "\\\\%s\\%s", conn->host, share) >= sizeof unc)
        status = STATUS_OBJECT_NAME_INVALID;
    struct rdr_call call;
    rdr_call_init(&call, SMB2_TREE_CONNECT, 0);
    if (status == STATUS_SUCCESS)
        status = rdr_tree_connect_write(&call.req, unc);
    if (status == STATUS_SUCCESS)
        status = rdr_call_run(conn, &call, NULL);
    if (status == STATUS_SUCCESS)
        status = call.hdr.status;
    struct rdr_tree_connect_response rsp;
    if (status == STATUS_SUCCESS && rdr_tree_connect_parse(call.rsp, call.rsp_len, &rsp))
        status = STATUS_INVALID_NETWORK_RESPONSE;
    struct rdr_tree *tree = NULL;
    if (status == STATUS_SUCCESS) {
        tree = calloc(1, sizeof *tree);
        if (tree)
            tree->share = strdup(share);
        if (!tree || !tree->share) {
            free(tree);
            status = STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    if (status == STATUS_SUCCESS) {
        tree->tree_id = call.hdr.tree_id;
        tree->share_type = rsp.share_type;
        tree->share_flags = rsp.share_flags;
        tree->encrypt = SMB2_DIALECT_IS_3(conn->dialect) &&
                        (rsp.share_flags & SMB2_SHAREFLAG_ENCRYPT_DATA);
        if (tree->encrypt && conn->cipher == 0)
            status = STATUS_ACCESS_DENIED;
        tree->next = conn->trees;
        conn->trees = tree;
        *out = tree;
    }
    pthread_mutex_unlock(&conn->setup_lock);
    rdr_call_free(&call);
    return status;
}

/* Best effort LOGOFF before closing an idle connection (short wait). */
static void logoff(struct rdr_conn *conn)
{
    if (rdr_conn_is_dead(conn) || conn->session_id == 0)
        return;
    struct rdr_call call;
    rdr_call_init(&call, SMB2_LOGOFF, 0);
    rdr_empty_body_write(&call.req);
    conn->request_timeout = 2;
    rdr_call_run(conn, &call, NULL);
    rdr_call_free(&call);
}

void rdr_reap(bool force)
{
    int idle = rdr_setting_int("idle-timeout", 300, 0, 86400);
    time_t now = time(NULL);
    struct rdr_conn *victims = NULL;
    pthread_mutex_lock(&rdr.lock);
    for (struct rdr_conn **p = &rdr.conns; *p;) {
        struct rdr_conn *c = *p;
        bool unused = c->refs == 0;
        if (unused && (force || rdr_conn_is_dead(c) || now - c->idle_since >= idle)) {
            *p = c->next;
            c->next = victims;
            victims = c;
        } else {
            p = &c->next;
        }
    }
    pthread_mutex_unlock(&rdr.lock);
    while (victims) {
        struct rdr_conn *c = victims;
        victims = c->next;
        log_debug("rdr: closing the connection to %s", c->host);
        logoff(c);
        rdr_conn_free(c);
    }
}
