/* The security package for RPC-level authentication (lsa_rpc.h): NTLMSSP,
 * raw (auth type 10) or inside SPNEGO (9), accepted by the same security
 * context state machine as SMB session setup, so an RPC bind is a network
 * logon like any other (account policy, lockout, failed-logon delay):
 * in lsassd, lsa_context_accept with its providers and settings; in another
 * daemon (srvsvcd), lsassd's through the lsass client library.
 *
 * Signing and sealing use lsass/ntlm's keys. The context hands out the
 * ExportedSessionKey; the negotiated flags the keys need are the
 * AUTHENTICATE's within the CHALLENGE's ([MS-NLMP] 3.2.5.1.2), read here
 * from the two messages as they pass. The keys are derived afresh once the
 * context is complete, so the RC4 handles are those the mechListMIC
 * started from ([MS-SPNG] 3.3.5.1: the first message the application
 * signs uses the RC4 state the mechListMIC used), while each direction's
 * sequence number counts the mechListMIC it carried. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include "lib/log.h"
#include "lsass/auth/auth.h"
#include "lsass/client/lsass_client.h"
#include "lsass/rpc/lsa_rpc.h"

struct lsa_rpc_auth {
    /* In lsassd: */
    struct lsa_provider *const *providers;
    size_t count;
    lsa_rpc_settings_fn settings;
    lsa_rpc_logon_failed_fn logon_failed;
    void *arg;
    /* Elsewhere: lsassd through its client (opened at the first bind, and
     * again after a failure: lsassd may start later). */
    char *db_path;
    pthread_mutex_t lock;
    struct lsass_client *client;
};

struct rpc_auth_ctx {
    struct lsa_rpc_auth *auth;
    uint8_t type;
    unsigned legs;
    struct lsa_context *lsa;     /* in lsassd */
    uint64_t remote;             /* lsassd's context handle (0: none) */
    char address[64];
    bool have_challenge, have_authenticate;
    bool mic_in, mic_out; /* a SPNEGO mechListMIC came from the client / went to it */
    uint32_t challenge_flags, authenticate_flags;
    bool keyed;
    struct ntlm_keys keys;
    uint8_t session_key[32];
    size_t session_key_len;
};

/* At most this many legs (NTLMSSP needs three, SPNEGO's mechListMIC four). */
#define MAX_LEGS 4

struct lsa_rpc_auth *lsa_rpc_auth_new(struct lsa_provider *const *providers, size_t count,
                                      lsa_rpc_settings_fn settings, lsa_rpc_logon_failed_fn logon_failed,
                                      void *arg)
{
    struct lsa_rpc_auth *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->providers = providers;
    a->count = count;
    a->settings = settings;
    a->logon_failed = logon_failed;
    a->arg = arg;
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

struct lsa_rpc_auth *lsa_rpc_auth_new_client(const char *db_path)
{
    struct lsa_rpc_auth *a = calloc(1, sizeof *a);
    if (!a || !(a->db_path = strdup(db_path))) {
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

void lsa_rpc_auth_free(struct lsa_rpc_auth *auth)
{
    if (!auth)
        return;
    lsass_client_close(auth->client);
    pthread_mutex_destroy(&auth->lock);
    free(auth->db_path);
    free(auth);
}

/* The lsass client, connecting if need be (NULL if lsassd is not there). */
static struct lsass_client *remote_client(struct lsa_rpc_auth *auth)
{
    pthread_mutex_lock(&auth->lock);
    if (!auth->client) {
        NTSTATUS status = lsass_client_open(auth->db_path, &auth->client);
        if (status != STATUS_SUCCESS) {
            log_warning("rpc: cannot reach lsassd to authenticate a bind: %s", nt_status_name(status));
            auth->client = NULL;
        }
    }
    struct lsass_client *client = auth->client;
    pthread_mutex_unlock(&auth->lock);
    return client;
}

static void *auth_start(void *arg, uint8_t auth_type, const char *client_address)
{
    struct lsa_rpc_auth *auth = arg;
    if (auth_type != DCERPC_AUTH_TYPE_NTLMSSP && auth_type != DCERPC_AUTH_TYPE_SPNEGO)
        return NULL;
    struct rpc_auth_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->auth = auth;
    c->type = auth_type;
    snprintf(c->address, sizeof c->address, "%s", client_address ? client_address : "");
    if (auth->db_path) {
        if (!remote_client(auth)) {
            free(c);
            return NULL;
        }
        return c;
    }
    struct lsa_settings settings;
    if (auth->settings)
        auth->settings(auth->arg, &settings);
    else
        lsa_settings_default(&settings);
    c->lsa = lsa_context_new(auth->providers, auth->count, &settings);
    if (!c->lsa) {
        free(c);
        return NULL;
    }
    return c;
}

/* The NTLM message inside a token (raw, or a SPNEGO token's mechToken or
 * responseToken); false if there is none. */
static bool ntlm_message(const uint8_t *token, size_t len, const uint8_t **msg, size_t *msg_len, bool *mic)
{
    static const uint8_t signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
    if (spnego_looks_like(token, len)) {
        struct spnego_token t;
        if (spnego_parse(token, len, &t) != STATUS_SUCCESS)
            return false;
        if ((t.type == SPNEGO_NEG_TOKEN_INIT && t.init.has_mech_list_mic) ||
            (t.type == SPNEGO_NEG_TOKEN_RESP && t.resp.has_mech_list_mic))
            *mic = true;
        if (t.type == SPNEGO_NEG_TOKEN_INIT && t.init.has_mech_token) {
            token = t.init.mech_token.data;
            len = t.init.mech_token.len;
        } else if (t.type == SPNEGO_NEG_TOKEN_RESP && t.resp.has_response_token) {
            token = t.resp.response_token.data;
            len = t.resp.response_token.len;
        } else {
            return false;
        }
    }
    if (len < 12 || memcmp(token, signature, sizeof signature) != 0)
        return false;
    *msg = token;
    *msg_len = len;
    return true;
}

/* Notes the flags of a CHALLENGE (ours) or AUTHENTICATE (the client's),
 * and a mechListMIC either way. */
static void note_flags(struct rpc_auth_ctx *c, const uint8_t *token, size_t len, bool *mic)
{
    const uint8_t *msg;
    size_t msg_len;
    if (!ntlm_message(token, len, &msg, &msg_len, mic))
        return;
    uint32_t type = (uint32_t)msg[8] | (uint32_t)msg[9] << 8 | (uint32_t)msg[10] << 16 | (uint32_t)msg[11] << 24;
    if (type == NtLmChallenge) {
        struct ntlm_challenge ch;
        if (ntlm_challenge_parse(msg, msg_len, &ch) == STATUS_SUCCESS) {
            c->challenge_flags = ch.flags;
            c->have_challenge = true;
        }
    } else if (type == NtLmAuthenticate) {
        struct ntlm_authenticate au;
        if (ntlm_authenticate_parse(msg, msg_len, &au) == STATUS_SUCCESS) {
            c->authenticate_flags = au.flags;
            c->have_authenticate = true;
        }
    }
}

/* One leg's outcome, whichever way it was accepted. */
struct leg {
    struct buf output;
    uint8_t session_key[32];
    size_t session_key_len;
    struct access_token *token;
    bool is_anonymous;
    char *user, *domain; /* borrowed from the result until leg_done */
};

/* In lsassd: the context itself. */
static NTSTATUS accept_local(struct rpc_auth_ctx *c, const uint8_t *in, size_t len, struct leg *leg,
                             struct lsa_accept_result *result)
{
    NTSTATUS status = lsa_context_accept(c->lsa, in, len, result);
    if (result->output.len)
        wr_bytes(&leg->output, result->output.data, result->output.len);
    if (status == STATUS_SUCCESS) {
        memcpy(leg->session_key, result->session_key, sizeof leg->session_key);
        leg->session_key_len = result->session_key_len;
        leg->token = result->logon.token;
        result->logon.token = NULL;
        leg->is_anonymous = result->logon.is_anonymous;
        leg->user = result->logon.user;
        leg->domain = result->logon.domain;
    }
    if (status != STATUS_MORE_PROCESSING_REQUIRED)
        lsa_stats_logon(lsa_context_provider(c->lsa), status);
    if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED && c->auth->logon_failed &&
        lsa_context_account(c->lsa)[0])
        c->auth->logon_failed(c->auth->arg, lsa_context_account(c->lsa), c->address[0] ? c->address : NULL,
                              status);
    return status;
}

/* Elsewhere: lsassd's context through the client. */
static NTSTATUS accept_remote(struct rpc_auth_ctx *c, const uint8_t *in, size_t len, struct leg *leg,
                              struct lsass_logon *logon)
{
    struct lsass_client *client = remote_client(c->auth);
    if (!client)
        return STATUS_NO_LOGON_SERVERS;
    uint8_t *out = NULL;
    size_t out_len = 0;
    NTSTATUS status = lsass_accept_security_context(client, &c->remote, in, len, c->address[0] ? c->address : NULL,
                                                    &out, &out_len, logon);
    if (out_len)
        wr_bytes(&leg->output, out, out_len);
    free(out);
    if (status != STATUS_MORE_PROCESSING_REQUIRED)
        c->remote = 0; /* finished either way: lsassd forgot it */
    if (status == STATUS_SUCCESS) {
        memcpy(leg->session_key, logon->session_key, sizeof leg->session_key);
        leg->session_key_len = logon->session_key_len;
        leg->token = logon->token;
        logon->token = NULL;
        leg->is_anonymous = logon->is_anonymous;
        leg->user = logon->user;
        leg->domain = logon->domain;
    }
    return status;
}

static NTSTATUS auth_accept(void *ctx, const uint8_t *in, size_t len, struct buf *out, struct access_token **token)
{
    struct rpc_auth_ctx *c = ctx;
    *token = NULL;
    if (++c->legs > MAX_LEGS || (!c->lsa && !c->auth->db_path))
        return STATUS_LOGON_FAILURE;
    /* The token must be what the auth type says: raw NTLMSSP for 10, SPNEGO
     * for 9 (the context itself would take either). */
    if (c->legs == 1 && spnego_looks_like(in, len) != (c->type == DCERPC_AUTH_TYPE_SPNEGO))
        return STATUS_INVALID_PARAMETER;
    note_flags(c, in, len, &c->mic_in);
    struct lsa_accept_result result;
    lsa_accept_result_init(&result);
    struct lsass_logon logon;
    memset(&logon, 0, sizeof logon);
    struct leg leg;
    memset(&leg, 0, sizeof leg);
    buf_init(&leg.output);
    NTSTATUS status = c->lsa ? accept_local(c, in, len, &leg, &result) : accept_remote(c, in, len, &leg, &logon);
    if (leg.output.len)
        wr_bytes(out, leg.output.data, leg.output.len);
    note_flags(c, leg.output.data, leg.output.len, &c->mic_out);
    if (status == STATUS_SUCCESS) {
        uint32_t flags = c->authenticate_flags & (c->challenge_flags | NTLMSSP_ANONYMOUS);
        if (leg.session_key_len == 16 && c->have_challenge && c->have_authenticate && !leg.is_anonymous &&
            (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
            ntlm_keys_init(&c->keys, flags, leg.session_key);
            c->keys.client_seq = c->mic_in ? 1 : 0;
            c->keys.server_seq = c->mic_out ? 1 : 0;
            c->keyed = true;
        }
        *token = leg.token;
        leg.token = NULL;
        memcpy(c->session_key, leg.session_key, sizeof c->session_key);
        c->session_key_len = leg.session_key_len <= sizeof c->session_key ? leg.session_key_len : 0;
        char user[128], domain[64];
        log_info("rpc: bind authenticated %s\\%s", lsa_log_safe(leg.domain ? leg.domain : "", domain, sizeof domain),
                 lsa_log_safe(leg.user ? leg.user : "?", user, sizeof user));
    }
    memset(leg.session_key, 0, sizeof leg.session_key);
    buf_free(&leg.output);
    lsa_accept_result_clear(&result);
    lsass_logon_clear(&logon);
    if (!wr_ok(out)) {
        token_free(*token);
        *token = NULL;
        return STATUS_NO_MEMORY;
    }
    return status;
}

static bool auth_can_protect(void *ctx) { return ((struct rpc_auth_ctx *)ctx)->keyed; }

static size_t auth_session_key(void *ctx, uint8_t key[32])
{
    struct rpc_auth_ctx *c = ctx;
    memcpy(key, c->session_key, c->session_key_len);
    return c->session_key_len;
}

static void auth_sign(void *ctx, const uint8_t *pdu, size_t len, uint8_t sig[DCERPC_AUTH_SIG_SIZE])
{
    struct rpc_auth_ctx *c = ctx;
    ntlm_sign(&c->keys, true, pdu, len, sig);
}

static NTSTATUS auth_verify(void *ctx, const uint8_t *pdu, size_t len, const uint8_t sig[DCERPC_AUTH_SIG_SIZE])
{
    struct rpc_auth_ctx *c = ctx;
    return ntlm_verify(&c->keys, true, pdu, len, sig);
}

/* Sealing a PDU ([MS-RPCE] 3.3.1.5.2): only the stub is encrypted, but the
 * signature covers the whole PDU as plaintext. RC4 runs over the stub
 * before it runs over the checksum, as ntlm_seal orders them. */
static void auth_seal(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n, uint8_t sig[DCERPC_AUTH_SIG_SIZE])
{
    struct rpc_auth_ctx *c = ctx;
    struct buf plain;
    buf_init(&plain);
    wr_bytes(&plain, pdu, len);
    crypto_rc4(&c->keys.server_seal, pdu + off, n);
    if (wr_ok(&plain))
        ntlm_sign(&c->keys, true, plain.data, plain.len, sig);
    else
        memset(sig, 0, DCERPC_AUTH_SIG_SIZE); /* the client will refuse it */
    buf_free(&plain);
}

static NTSTATUS auth_unseal(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n,
                            const uint8_t sig[DCERPC_AUTH_SIG_SIZE])
{
    struct rpc_auth_ctx *c = ctx;
    crypto_rc4(&c->keys.client_seal, pdu + off, n);
    return ntlm_verify(&c->keys, true, pdu, len, sig);
}

static void auth_free(void *ctx)
{
    struct rpc_auth_ctx *c = ctx;
    lsa_context_free(c->lsa);
    if (c->remote) {
        struct lsass_client *client = remote_client(c->auth);
        if (client)
            lsass_delete_security_context(client, c->remote);
    }
    memset(&c->keys, 0, sizeof c->keys);
    memset(c->session_key, 0, sizeof c->session_key);
    free(c);
}

const struct dcerpc_auth_ops lsa_rpc_auth_ops = {
    .start = auth_start,
    .accept = auth_accept,
    .can_protect = auth_can_protect,
    .session_key = auth_session_key,
    .sign = auth_sign,
    .verify = auth_verify,
    .seal = auth_seal,
    .unseal = auth_unseal,
    .free = auth_free,
};
