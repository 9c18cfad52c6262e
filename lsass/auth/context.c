/* The security context: SPNEGO (or raw NTLMSSP) across SESSION_SETUP round
 * trips ([RFC 4178] 5, [MS-SPNG] 3.2.5).
 *
 *   START --empty--------------------> WANT_INIT       (we sent NegTokenInit2)
 *   START/WANT_INIT --negTokenInit---> WANT_MECH_TOKEN (no usable optimistic token)
 *                                  \-> WANT_NTLM_AUTH  (NTLM NEGOTIATE answered)
 *                                  \-> WANT_GSS        (a provider's mechanism continues)
 *   START --raw NTLMSSP NEGOTIATE----> WANT_NTLM_AUTH  (no SPNEGO framing from here on)
 *   WANT_MECH_TOKEN --negTokenResp---> WANT_NTLM_AUTH / WANT_GSS
 *   WANT_NTLM_AUTH --AUTHENTICATE----> DONE (STATUS_SUCCESS) or FAILED
 *   WANT_GSS --negTokenResp----------> WANT_GSS / DONE / FAILED
 *                                  \-> WANT_GSS_MIC    (complete, but the initiator's
 *                                                       mechListMIC is still owed)
 *   WANT_GSS_MIC --mechListMIC-------> DONE or FAILED
 *
 * Any error moves to FAILED, which accepts nothing more. */
#include "lsass/auth/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

enum ctx_state { CTX_START, CTX_WANT_INIT, CTX_WANT_MECH_TOKEN, CTX_WANT_NTLM_AUTH, CTX_WANT_GSS,
                 CTX_WANT_GSS_MIC, CTX_DONE, CTX_FAILED };

struct lsa_context {
    enum ctx_state state;
    bool spnego;            /* false: raw NTLMSSP, no SPNEGO framing */
    bool sent_first_reply;  /* supportedMech goes only in the first negTokenResp */
    bool mic_required;      /* the mechanism chosen was not the initiator's first */
    struct buf mech_types;  /* the initiator's DER MechTypeList, for mechListMIC */
    struct lsa_provider *const *providers;
    size_t provider_count;
    struct lsa_settings settings;
    struct lsa_provider *mech_provider; /* NULL: NTLMSSP */
    size_t mech_oid_index;              /* which of its OIDs the initiator named */
    void *mech_state;
    struct ntlm_server *ntlm;
    char account[160]; /* DOMAIN\user (or principal) of the logon attempted: for the audit log */
    const char *decided_by; /* lsa_context_provider: for the metrics */
    /* WANT_GSS_MIC: the logon made, held until the initiator's MIC verifies. */
    struct lsa_logon_result pending;
    uint8_t pending_key[32];
    size_t pending_key_len;
};

static const uint8_t ntlmssp_signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

const char *lsa_context_account(const struct lsa_context *ctx)
{
    return ctx->account;
}

void lsa_logon_result_clear(struct lsa_logon_result *r)
{
    token_free(r->token);
    free(r->user);
    free(r->domain);
    crypto_wipe(r, sizeof *r);
}

void lsa_mech_result_clear(struct lsa_mech_result *m)
{
    free(m->principal);
    free(m->account);
    free(m->authz_data);
    free(m->pac_groups);
    crypto_wipe(m, sizeof *m);
}

void lsa_accept_result_init(struct lsa_accept_result *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->output);
}

void lsa_accept_result_clear(struct lsa_accept_result *r)
{
    buf_free(&r->output);
    lsa_logon_result_clear(&r->logon);
    crypto_wipe(r, sizeof *r);
    buf_init(&r->output);
}

struct lsa_context *lsa_context_new(struct lsa_provider *const *providers, size_t count,
                                    const struct lsa_settings *settings)
{
    struct lsa_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->providers = providers;
    ctx->provider_count = count;
    ctx->settings = *settings;
    buf_init(&ctx->mech_types);
    return ctx;
}

static void release_mechanisms(struct lsa_context *ctx)
{
    if (ctx->mech_provider && ctx->mech_state && ctx->mech_provider->ops->mech_free)
        ctx->mech_provider->ops->mech_free(ctx->mech_provider, ctx->mech_state);
    ctx->mech_state = NULL;
    ntlm_server_free(ctx->ntlm);
    ctx->ntlm = NULL;
}

void lsa_context_free(struct lsa_context *ctx)
{
    if (!ctx)
        return;
    release_mechanisms(ctx);
    buf_free(&ctx->mech_types);
    lsa_logon_result_clear(&ctx->pending);
    crypto_wipe(ctx->pending_key, sizeof ctx->pending_key);
    free(ctx);
}

void lsa_negotiate_token(struct lsa_provider *const *providers, size_t count, struct buf *out)
{
    /* Providers' mechanisms (Kerberos) first, as Windows orders them: a
     * client picks the first it can use. NTLMSSP last. */
    struct spnego_bytes mechs[SPNEGO_MAX_MECHS];
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < providers[i]->ops->mech_oid_count && n < SPNEGO_MAX_MECHS - 1; j++)
            mechs[n++] = providers[i]->ops->mech_oids[j];
    mechs[n++] = SPNEGO_OID_NTLMSSP;
    spnego_write_neg_token_init2(out, mechs, n);
}

/* A negTokenResp around token (may be NULL) and mic (may be NULL). */
static void write_resp(struct lsa_context *ctx, int neg_state, const struct buf *token, const struct buf *mic,
                       struct buf *out)
{
    struct spnego_neg_token_resp resp = { .neg_state = neg_state };
    if (!ctx->sent_first_reply) {
        resp.has_supported_mech = true;
        resp.supported_mech = ctx->mech_provider ? ctx->mech_provider->ops->mech_oids[ctx->mech_oid_index]
                                                 : SPNEGO_OID_NTLMSSP;
        ctx->sent_first_reply = true;
    }
    if (token && token->len) {
        resp.has_response_token = true;
        resp.response_token.data = token->data;
        resp.response_token.len = token->len;
    }
    if (mic && mic->len) {
        resp.has_mech_list_mic = true;
        resp.mech_list_mic.data = mic->data;
        resp.mech_list_mic.len = mic->len;
    }
    spnego_write_neg_token_resp(out, &resp);
}

/* Emits a mechanism's token, SPNEGO-wrapped or raw. */
static NTSTATUS emit(struct lsa_context *ctx, int neg_state, const struct buf *token, const struct buf *mic,
                     struct buf *out)
{
    if (ctx->spnego)
        write_resp(ctx, neg_state, token, mic, out);
    else if (token)
        wr_bytes(out, token->data, token->len);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

/* ---- NTLMSSP ---------------------------------------------------------- */

static NTSTATUS ntlm_negotiate_step(struct lsa_context *ctx, const uint8_t *in, size_t len, struct buf *out)
{
    struct ntlm_server_config config = {
        .nb_computer_name = ctx->settings.server_name,
        .nb_domain_name = ctx->settings.server_name, /* a standalone server is its own domain */
        .dns_computer_name = ctx->settings.dns_computer_name,
        .dns_domain_name = ctx->settings.dns_domain_name,
    };
    struct buf challenge;
    NTSTATUS status;
    ctx->ntlm = ntlm_server_new(&config);
    if (!ctx->ntlm)
        return STATUS_NO_MEMORY;
    buf_init(&challenge);
    status = ntlm_server_negotiate(ctx->ntlm, in, len, &challenge);
    if (NT_SUCCESS(status))
        status = emit(ctx, SPNEGO_ACCEPT_INCOMPLETE, &challenge, NULL, out);
    buf_free(&challenge);
    if (NT_SUCCESS(status)) {
        ctx->state = CTX_WANT_NTLM_AUTH;
        status = STATUS_MORE_PROCESSING_REQUIRED;
    }
    return status;
}

static NTSTATUS guest_logon(struct lsa_context *ctx, struct lsa_logon_result *logon)
{
    for (size_t i = 0; i < ctx->provider_count; i++) {
        struct lsa_provider *p = ctx->providers[i];
        if (!p->ops->guest_logon)
            continue;
        NTSTATUS status = p->ops->guest_logon(p, &ctx->settings, logon);
        ctx->decided_by = p->ops->name;
        if (NT_SUCCESS(status))
            logon->is_guest = true;
        return status;
    }
    return STATUS_LOGON_FAILURE;
}

static NTSTATUS anonymous_logon(struct lsa_context *ctx, struct lsa_logon_result *logon)
{
    if (!ctx->settings.allow_anonymous)
        return ctx->settings.guest ? guest_logon(ctx, logon) : STATUS_LOGON_FAILURE;
    ctx->decided_by = "anonymous";
    logon->token = lsa_token_anonymous(&ctx->settings);
    logon->user = strdup("ANONYMOUS LOGON");
    logon->domain = strdup("NT AUTHORITY");
    if (!logon->token || !logon->user || !logon->domain)
        return STATUS_NO_MEMORY;
    logon->is_anonymous = true;
    return STATUS_SUCCESS;
}

/* Runs the providers for an NTLMv2 logon, inside the account's gate. */
static NTSTATUS ntlm_provider_logon(struct lsa_context *ctx, const struct ntlm_logon_request *req,
                                    struct lsa_logon_result *logon)
{
    NTSTATUS status = STATUS_NO_SUCH_USER;
    for (size_t i = 0; i < ctx->provider_count && status == STATUS_NO_SUCH_USER; i++) {
        struct lsa_provider *p = ctx->providers[i];
        if (p->ops->ntlm_logon) {
            lsa_logon_result_clear(logon);
            status = p->ops->ntlm_logon(p, &ctx->settings, req, logon);
            if (status != STATUS_NO_SUCH_USER)
                ctx->decided_by = p->ops->name;
        }
    }
    if (status == STATUS_NO_SUCH_USER) {
        lsa_logon_result_clear(logon);
        status = ctx->settings.guest ? guest_logon(ctx, logon) : STATUS_LOGON_FAILURE;
    }
    /* The client learns only "wrong user or password", never which. */
    if (status == STATUS_NO_SUCH_USER || status == STATUS_WRONG_PASSWORD)
        status = STATUS_LOGON_FAILURE;
    if (NT_SUCCESS(status) && !logon->is_guest && !logon->has_session_base_key)
        status = STATUS_INTERNAL_ERROR; /* a provider must prove the password */
    return status;
}

/* mechListMIC ([RFC 4178] 5): verify the initiator's, produce ours. */
static NTSTATUS ntlm_mech_list_mic(struct lsa_context *ctx, const struct spnego_neg_token_resp *resp,
                                   struct buf *mic)
{
    struct ntlm_keys *keys = ntlm_server_keys(ctx->ntlm);
    bool client_sent = resp && resp->has_mech_list_mic;
    if (!ctx->spnego || !keys || (!client_sent && !ctx->mic_required))
        return STATUS_SUCCESS;
    if (!client_sent)
        return STATUS_LOGON_FAILURE; /* the mechanism choice would go unprotected */
    if (resp->mech_list_mic.len != NTLM_SIGNATURE_SIZE ||
        ntlm_verify(keys, true, ctx->mech_types.data, ctx->mech_types.len, resp->mech_list_mic.data) !=
            STATUS_SUCCESS)
        return STATUS_LOGON_FAILURE;
    uint8_t signature[NTLM_SIGNATURE_SIZE];
    ntlm_sign(keys, true, ctx->mech_types.data, ctx->mech_types.len, signature);
    wr_bytes(mic, signature, sizeof signature);
    return wr_ok(mic) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS ntlm_authenticate_step(struct lsa_context *ctx, const uint8_t *in, size_t len,
                                       const struct spnego_neg_token_resp *resp, struct lsa_accept_result *result)
{
    const struct ntlm_logon_request *req = NULL;
    struct lsa_logon_result *logon = &result->logon;
    struct buf mic;
    NTSTATUS status;

    buf_init(&mic);
    status = ntlm_server_begin_authenticate(ctx->ntlm, in, len, &req);
    if (!NT_SUCCESS(status)) {
        log_info("ntlm: AUTHENTICATE refused: %s", nt_status_name(status));
        goto out;
    }
    if (req->kind != NTLM_LOGON_ANONYMOUS)
        snprintf(ctx->account, sizeof ctx->account, "%s%s%s", req->domain ? req->domain : "",
                 req->domain && *req->domain ? "\\" : "", req->user ? req->user : "");
    if (req->kind == NTLM_LOGON_ANONYMOUS) {
        status = anonymous_logon(ctx, logon);
        if (NT_SUCCESS(status) && logon->is_anonymous)
            status = ntlm_server_finish_authenticate(ctx->ntlm, NULL);
    } else {
        struct lsa_gate_entry *gate = NULL;
        status = lsa_gate_enter(req->user, ctx->settings.max_delayed_logons, &gate);
        if (!NT_SUCCESS(status)) {
            if (status == STATUS_INSUFF_SERVER_RESOURCES)
                log_debug("logon refused: too many logons held waiting (lsass.max-delayed-logons)");
            goto out;
        }
        status = ntlm_provider_logon(ctx, req, logon);
        if (NT_SUCCESS(status) && logon->has_session_base_key) {
            status = ntlm_server_finish_authenticate(ctx->ntlm, logon->session_base_key);
            if (!NT_SUCCESS(status))
                status = STATUS_LOGON_FAILURE;
        }
        /* A locked-out answer tells a guesser nothing: only failures that
         * checked a password pay the delay. */
        lsa_gate_leave(gate, lsa_failed_logon_delay(status, &ctx->settings), ctx->settings.max_delayed_logons);
    }
    char domain[64], user[64], workstation[64];
    log_event(NT_SUCCESS(status) ? LOG_EVENT_LOGON : LOG_EVENT_LOGON_FAILED, LOG_LEVEL_INFO,
              "logon %s\\%s from %s: %s%s", lsa_log_safe(req->domain, domain, sizeof domain),
             lsa_log_safe(req->user, user, sizeof user), lsa_log_safe(req->workstation, workstation, sizeof workstation),
             nt_status_name(status), NT_SUCCESS(status) && logon->is_guest ? " (as Guest)" : "");
    if (!NT_SUCCESS(status))
        goto out;

    struct ntlm_keys *keys = ntlm_server_keys(ctx->ntlm);
    if (keys && !logon->is_guest) {
        memcpy(result->session_key, keys->exported_session_key, 16);
        result->session_key_len = 16;
    }
    status = ntlm_mech_list_mic(ctx, resp, &mic);
    if (NT_SUCCESS(status))
        status = emit(ctx, SPNEGO_ACCEPT_COMPLETED, NULL, &mic, &result->output);
out:
    buf_free(&mic);
    return status;
}

/* ---- A provider's GSS mechanism -------------------------------------- */

/* The principal a mechanism proved, to a user: the providers' principal_logon
 * in their order, the first that does not answer STATUS_NO_SUCH_USER decides;
 * the PAC's groups then join the token. */
static NTSTATUS principal_logon(struct lsa_context *ctx, const struct lsa_mech_result *mech,
                                struct lsa_logon_result *logon)
{
    NTSTATUS status = STATUS_NO_SUCH_USER;
    for (size_t i = 0; i < ctx->provider_count && status == STATUS_NO_SUCH_USER; i++) {
        struct lsa_provider *q = ctx->providers[i];
        if (!q->ops->principal_logon)
            continue;
        status = q->ops->principal_logon(q, &ctx->settings, mech, logon);
        if (!NT_SUCCESS(status))
            lsa_logon_result_clear(logon);
    }
    if (!NT_SUCCESS(status))
        return status;
    for (size_t i = 0; i < mech->pac_group_count; i++)
        if (!token_has_sid(logon->token, &mech->pac_groups[i]) &&
            token_add_group(logon->token, &mech->pac_groups[i]) != 0)
            return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

static NTSTATUS gss_step(struct lsa_context *ctx, const uint8_t *in, size_t len,
                         const struct spnego_neg_token_resp *resp, struct lsa_accept_result *result)
{
    struct lsa_provider *p = ctx->mech_provider;
    struct lsa_mech_result mech;
    struct buf token, mic;
    NTSTATUS status;
    memset(&mech, 0, sizeof mech);
    buf_init(&token);
    buf_init(&mic);
    ctx->decided_by = p->ops->name; /* its mechanism decides, failure or not */
    status = p->ops->mech_accept(p, &ctx->mech_state, in, len, &token, &mech);
    if (status == STATUS_MORE_PROCESSING_REQUIRED) {
        NTSTATUS emitted = emit(ctx, SPNEGO_ACCEPT_INCOMPLETE, &token, NULL, &result->output);
        if (!NT_SUCCESS(emitted))
            status = emitted;
        ctx->state = CTX_WANT_GSS;
        goto out;
    }
    if (!NT_SUCCESS(status))
        goto out;
    snprintf(ctx->account, sizeof ctx->account, "%s", mech.principal ? mech.principal : "");
    status = principal_logon(ctx, &mech, &result->logon);
    char principal[128];
    lsa_log_safe(mech.principal ? mech.principal : "?", principal, sizeof principal);
    if (status == STATUS_NO_SUCH_USER) {
        /* Authenticated, but nobody's: refused, never Guest. */
        log_event(LOG_EVENT_LOGON_FAILED, LOG_LEVEL_WARNING,
                  "logon %s (%s) refused: no user for this principal (%s)", principal, p->ops->name,
                    mech.own_realm ? "no SAM user of that name, and no provider knows it"
                                   : "not the machine's realm, and no provider knows it");
        status = STATUS_LOGON_FAILURE;
    } else {
        log_event(NT_SUCCESS(status) ? LOG_EVENT_LOGON : LOG_EVENT_LOGON_FAILED, LOG_LEVEL_INFO,
                  "logon %s (%s): %s", principal, p->ops->name, nt_status_name(status));
    }
    if (!NT_SUCCESS(status))
        goto out;
    if (mech.session_key_len > sizeof result->session_key) {
        status = STATUS_INTERNAL_ERROR;
        goto out;
    }
    memcpy(result->session_key, mech.session_key, mech.session_key_len);
    result->session_key_len = mech.session_key_len;
    bool client_sent = resp && resp->has_mech_list_mic;
    if (ctx->spnego && ctx->mic_required && !client_sent) {
        /* A mechanism that completes in one leg (Kerberos) when it was not
         * the initiator's first choice: our MIC goes with its last token and
         * the initiator's comes next ([RFC 4178] 5 (d)); the logon is held
         * until it verifies. */
        status = p->ops->mech_get_mic ? p->ops->mech_get_mic(p, ctx->mech_state, ctx->mech_types.data,
                                                             ctx->mech_types.len, &mic)
                                      : STATUS_LOGON_FAILURE;
        if (!NT_SUCCESS(status)) {
            status = STATUS_LOGON_FAILURE;
            goto out;
        }
        ctx->pending = result->logon;
        memset(&result->logon, 0, sizeof result->logon);
        memcpy(ctx->pending_key, result->session_key, result->session_key_len);
        ctx->pending_key_len = result->session_key_len;
        crypto_wipe(result->session_key, sizeof result->session_key);
        result->session_key_len = 0;
        status = emit(ctx, SPNEGO_ACCEPT_INCOMPLETE, &token, &mic, &result->output);
        if (NT_SUCCESS(status)) {
            ctx->state = CTX_WANT_GSS_MIC;
            status = STATUS_MORE_PROCESSING_REQUIRED;
        }
        goto out;
    }
    if (ctx->spnego && (client_sent || ctx->mic_required)) {
        if (!client_sent || !p->ops->mech_verify_mic || !p->ops->mech_get_mic ||
            !NT_SUCCESS(p->ops->mech_verify_mic(p, ctx->mech_state, ctx->mech_types.data, ctx->mech_types.len,
                                                resp->mech_list_mic.data, resp->mech_list_mic.len)) ||
            !NT_SUCCESS(p->ops->mech_get_mic(p, ctx->mech_state, ctx->mech_types.data, ctx->mech_types.len,
                                             &mic))) {
            status = STATUS_LOGON_FAILURE;
            goto out;
        }
    }
    status = emit(ctx, SPNEGO_ACCEPT_COMPLETED, &token, &mic, &result->output);
out:
    lsa_mech_result_clear(&mech);
    buf_free(&token);
    buf_free(&mic);
    return status;
}

/* WANT_GSS_MIC: the initiator's mechListMIC for a logon already made. */
static NTSTATUS gss_mic_step(struct lsa_context *ctx, const uint8_t *in, size_t len, struct lsa_accept_result *result)
{
    struct lsa_provider *p = ctx->mech_provider;
    struct spnego_token token;
    NTSTATUS status = spnego_parse(in, len, &token);
    if (!NT_SUCCESS(status))
        return status;
    if (token.type != SPNEGO_NEG_TOKEN_RESP || !token.resp.has_mech_list_mic ||
        token.resp.neg_state == SPNEGO_REJECT)
        return STATUS_INVALID_PARAMETER;
    if (!p->ops->mech_verify_mic ||
        !NT_SUCCESS(p->ops->mech_verify_mic(p, ctx->mech_state, ctx->mech_types.data, ctx->mech_types.len,
                                            token.resp.mech_list_mic.data, token.resp.mech_list_mic.len)))
        return STATUS_LOGON_FAILURE;
    status = emit(ctx, SPNEGO_ACCEPT_COMPLETED, NULL, NULL, &result->output);
    if (!NT_SUCCESS(status))
        return status;
    result->logon = ctx->pending;
    memset(&ctx->pending, 0, sizeof ctx->pending);
    memcpy(result->session_key, ctx->pending_key, ctx->pending_key_len);
    result->session_key_len = ctx->pending_key_len;
    crypto_wipe(ctx->pending_key, sizeof ctx->pending_key);
    ctx->pending_key_len = 0;
    return STATUS_SUCCESS;
}

/* ---- Mechanism choice and dispatch ----------------------------------- */

/* The first mechanism in the initiator's list that we have: NTLMSSP, or a
 * provider's. Returns its index in the list, -1 if none. */
static int choose_mechanism(struct lsa_context *ctx, const struct spnego_neg_token_init *init)
{
    for (size_t i = 0; i < init->mech_count; i++) {
        if (spnego_oid_equal(init->mechs[i], SPNEGO_OID_NTLMSSP)) {
            ctx->mech_provider = NULL;
            return (int)i;
        }
        for (size_t j = 0; j < ctx->provider_count; j++) {
            const struct lsa_provider_ops *ops = ctx->providers[j]->ops;
            for (size_t k = 0; k < ops->mech_oid_count; k++)
                if (ops->mech_accept && spnego_oid_equal(init->mechs[i], ops->mech_oids[k])) {
                    ctx->mech_provider = ctx->providers[j];
                    ctx->mech_oid_index = k;
                    return (int)i;
                }
        }
    }
    return -1;
}

/* The first token of the chosen mechanism. */
static NTSTATUS mech_first_step(struct lsa_context *ctx, const uint8_t *in, size_t len,
                                struct lsa_accept_result *result)
{
    if (ctx->mech_provider)
        return gss_step(ctx, in, len, NULL, result);
    return ntlm_negotiate_step(ctx, in, len, &result->output);
}

static NTSTATUS handle_init(struct lsa_context *ctx, const struct spnego_neg_token_init *init,
                            struct lsa_accept_result *result)
{
    int chosen = choose_mechanism(ctx, init);
    if (chosen < 0)
        return STATUS_NOT_SUPPORTED;
    wr_bytes(&ctx->mech_types, init->mech_types_der.data, init->mech_types_der.len);
    if (!wr_ok(&ctx->mech_types))
        return STATUS_NO_MEMORY;
    /* A mechanism other than the initiator's favourite makes the MIC
     * exchange mandatory: it is what protects the list from a downgrade. */
    ctx->mic_required = chosen != 0;
    if (chosen == 0 && init->has_mech_token)
        return mech_first_step(ctx, init->mech_token.data, init->mech_token.len, result);
    /* The optimistic token (if any) was for another mechanism: ask for ours. */
    ctx->state = CTX_WANT_MECH_TOKEN;
    NTSTATUS status =
        emit(ctx, ctx->mic_required ? SPNEGO_REQUEST_MIC : SPNEGO_ACCEPT_INCOMPLETE, NULL, NULL, &result->output);
    return NT_SUCCESS(status) ? STATUS_MORE_PROCESSING_REQUIRED : status;
}

static NTSTATUS parse_resp_token(const uint8_t *in, size_t len, struct spnego_token *token)
{
    NTSTATUS status = spnego_parse(in, len, token);
    if (!NT_SUCCESS(status))
        return status;
    if (token->type != SPNEGO_NEG_TOKEN_RESP || !token->resp.has_response_token ||
        token->resp.neg_state == SPNEGO_REJECT)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

static NTSTATUS init_step(struct lsa_context *ctx, const uint8_t *in, size_t len,
                          struct lsa_accept_result *result)
{
    struct spnego_token token;
    NTSTATUS status = spnego_parse(in, len, &token);
    if (!NT_SUCCESS(status))
        return status;
    if (token.type != SPNEGO_NEG_TOKEN_INIT)
        return STATUS_INVALID_PARAMETER;
    return handle_init(ctx, &token.init, result);
}

static NTSTATUS step(struct lsa_context *ctx, const uint8_t *in, size_t len, struct lsa_accept_result *result)
{
    struct spnego_token token;
    NTSTATUS status;

    switch (ctx->state) {
    case CTX_START:
        if (len == 0) {
            ctx->spnego = true;
            lsa_negotiate_token(ctx->providers, ctx->provider_count, &result->output);
            ctx->state = CTX_WANT_INIT;
            return wr_ok(&result->output) ? STATUS_MORE_PROCESSING_REQUIRED : STATUS_NO_MEMORY;
        }
        if (len >= sizeof ntlmssp_signature && memcmp(in, ntlmssp_signature, sizeof ntlmssp_signature) == 0) {
            ctx->spnego = false;
            return ntlm_negotiate_step(ctx, in, len, &result->output);
        }
        /* Otherwise the initiator starts with its negTokenInit. */
        ctx->spnego = true;
        return init_step(ctx, in, len, result);
    case CTX_WANT_INIT:
        return init_step(ctx, in, len, result);
    case CTX_WANT_MECH_TOKEN:
        status = parse_resp_token(in, len, &token);
        if (!NT_SUCCESS(status))
            return status;
        return mech_first_step(ctx, token.resp.response_token.data, token.resp.response_token.len, result);
    case CTX_WANT_NTLM_AUTH:
        if (!ctx->spnego)
            return ntlm_authenticate_step(ctx, in, len, NULL, result);
        status = parse_resp_token(in, len, &token);
        if (!NT_SUCCESS(status))
            return status;
        return ntlm_authenticate_step(ctx, token.resp.response_token.data, token.resp.response_token.len,
                                      &token.resp, result);
    case CTX_WANT_GSS:
        status = parse_resp_token(in, len, &token);
        if (!NT_SUCCESS(status))
            return status;
        return gss_step(ctx, token.resp.response_token.data, token.resp.response_token.len, &token.resp, result);
    case CTX_WANT_GSS_MIC:
        return gss_mic_step(ctx, in, len, result);
    case CTX_DONE:
    case CTX_FAILED:
        break;
    }
    return STATUS_INVALID_PARAMETER;
}

NTSTATUS lsa_context_accept(struct lsa_context *ctx, const uint8_t *in, size_t len, struct lsa_accept_result *result)
{
    buf_reset(&result->output);
    NTSTATUS status = step(ctx, in, len, result);
    if (status == STATUS_SUCCESS) {
        ctx->state = CTX_DONE;
        release_mechanisms(ctx);
    } else if (status != STATUS_MORE_PROCESSING_REQUIRED) {
        ctx->state = CTX_FAILED;
        release_mechanisms(ctx);
        /* Nothing of a failed logon leaves the context. */
        buf_reset(&result->output);
        lsa_logon_result_clear(&result->logon);
        crypto_wipe(result->session_key, sizeof result->session_key);
        result->session_key_len = 0;
    }
    return status;
}

const char *lsa_context_provider(const struct lsa_context *ctx)
{
    return ctx ? ctx->decided_by : NULL;
}
