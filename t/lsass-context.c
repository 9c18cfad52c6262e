/* The security context state machine, driven by our NTLM initiator over
 * SPNEGO and raw NTLMSSP, against an in-memory provider; a fake GSS
 * mechanism shows where Kerberos slots in; the context table; the
 * failed-logon gate under parallel threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"
#include "lsass/auth/auth.h"
#include "t/tap/tap.h"

/* ---- an in-memory provider: alice (password "Secret1!"), bob (disabled),
 * admin (an Administrator) ---- */

static const struct sid test_domain = { 1, 4, { 0, 0, 0, 0, 0, 5 }, { 21, 1, 2, 3 } };
static int memory_logons;

struct memory_account {
    const char *name;
    const char *password;
    uint32_t rid;
    NTSTATUS policy; /* what the account policy says once the password is right */
    bool admin;
};
static const struct memory_account accounts[] = {
    { "alice", "Secret1!", 1000, STATUS_SUCCESS, false },
    { "bob", "Secret2!", 1001, STATUS_ACCOUNT_DISABLED, false },
    { "admin", "Secret3!", 1002, STATUS_SUCCESS, true },
    { "root", "Secret4!", 1003, STATUS_SUCCESS, false },
};

static NTSTATUS build_token(const struct lsa_settings *settings, uint32_t rid, bool admin, bool guest,
                            const char *unix_name, struct lsa_logon_result *result)
{
    struct sid user, group;
    sid_append(&user, &test_domain, rid);
    sid_append(&group, &test_domain, 513);
    result->token = token_new(&user, &group);
    if (!result->token)
        return STATUS_NO_MEMORY;
    lsa_token_add_logon_groups(result->token, guest);
    if (admin)
        token_add_group(result->token, &SID_BUILTIN_ADMINISTRATORS);
    if (guest)
        token_add_group(result->token, &SID_BUILTIN_GUESTS);
    result->token->is_guest = guest;
    /* What a provider's id map would say: the account's own uid from the
     * default range, None's gid; "root" stands for an account whose map came
     * to say uid 0 (a mapped Unix account that changed). */
    bool as_root = unix_name && strcmp(unix_name, "root") == 0;
    return lsa_token_finish(result->token, as_root ? 0 : 1000000 + rid, 1000513);
}

static NTSTATUS memory_ntlm_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                  const struct ntlm_logon_request *req, struct lsa_logon_result *result)
{
    const struct memory_account *a = NULL;
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++)
        if (strcmp(accounts[i].name, req->user) == 0)
            a = &accounts[i];
    if (!a)
        return STATUS_NO_SUCH_USER;
    __atomic_add_fetch(&memory_logons, 1, __ATOMIC_SEQ_CST);
    uint8_t hash[16], key[16];
    crypto_nt_hash(a->password, hash);
    ntlm_ntowfv2(hash, req->user, req->domain, key);
    NTSTATUS status = ntlm_v2_verify(key, req->server_challenge, req->nt_response.data, req->nt_response.len,
                                     result->session_base_key);
    if (!NT_SUCCESS(status))
        return STATUS_LOGON_FAILURE;
    if (!NT_SUCCESS(a->policy))
        return a->policy;
    result->has_session_base_key = true;
    result->user = strdup(a->name);
    result->domain = strdup("TEST");
    return build_token(settings, a->rid, a->admin, false, a->name, result);
}

static NTSTATUS memory_guest_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                   struct lsa_logon_result *result)
{
    result->user = strdup("Guest");
    result->domain = strdup("TEST");
    return build_token(settings, 501, false, true, NULL, result);
}

static const struct lsa_provider_ops memory_ops = {
    .name = "memory", .ntlm_logon = memory_ntlm_logon, .guest_logon = memory_guest_logon };
static struct lsa_provider memory_provider = { &memory_ops, NULL };

/* ---- a fake two-leg GSS mechanism under the Kerberos OID ---- */

static bool fake_unmapped; /* fake_principal_logon knows nobody */
static bool fake_pac;      /* the mechanism reports a PAC group */
static NTSTATUS fake_accept(struct lsa_provider *p, void **state, const uint8_t *in, size_t len, struct buf *out,
                            struct lsa_mech_result *mech)
{
    if (!*state && len == 5 && memcmp(in, "hello", 5) == 0) {
        *state = malloc(1);
        wr_bytes(out, "world", 5);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (*state && len == 5 && memcmp(in, "again", 5) == 0) {
        wr_bytes(out, "done!", 5);
        mech->principal = strdup(fake_unmapped ? "nobody@ELSEWHERE" : "carol@EXAMPLE.COM");
        if (fake_pac) {
            mech->pac_groups = calloc(1, sizeof *mech->pac_groups);
            sid_parse("S-1-5-21-9-9-9-1234", mech->pac_groups);
            mech->pac_group_count = 1;
        }
        memset(mech->session_key, 0x42, 16);
        mech->session_key_len = 16;
        return STATUS_SUCCESS;
    }
    return STATUS_LOGON_FAILURE;
}
static NTSTATUS fake_get_mic(struct lsa_provider *p, void *state, const uint8_t *msg, size_t len, struct buf *mic)
{
    wr_bytes(mic, "server-mic", 10);
    return STATUS_SUCCESS;
}
static NTSTATUS fake_verify_mic(struct lsa_provider *p, void *state, const uint8_t *msg, size_t len,
                                const uint8_t *mic, size_t mic_len)
{
    return mic_len == 10 && memcmp(mic, "client-mic", 10) == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}
static void fake_free(struct lsa_provider *p, void *state) { free(state); }
static NTSTATUS fake_principal_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                     const struct lsa_mech_result *mech, struct lsa_logon_result *result)
{
    if (fake_unmapped)
        return STATUS_NO_SUCH_USER;
    result->user = strdup(mech->principal);
    return build_token(settings, 1100, false, false, NULL, result);
}
static const struct spnego_bytes fake_oids[1] = { { NULL, 0 } };
static struct spnego_bytes krb_oids[2];
static struct lsa_provider_ops fake_ops = {
    .name = "fake-krb5", .mech_oids = fake_oids, .mech_oid_count = 0, .mech_accept = fake_accept,
    .mech_get_mic = fake_get_mic, .mech_verify_mic = fake_verify_mic, .mech_free = fake_free,
    .principal_logon = fake_principal_logon };
static struct lsa_provider fake_provider = { &fake_ops, NULL };

/* ---- helpers ---- */

static struct lsa_settings settings;
static uint8_t alice_hash[16];

static struct lsa_provider *providers[2] = { &memory_provider, NULL };

/* Drives one whole SPNEGO exchange with our NTLM client. */
struct run {
    const char *user, *password;
    bool anonymous;
    bool raw;             /* raw NTLMSSP, no SPNEGO */
    bool client_mic;      /* send SPNEGO mechListMIC */
    bool krb5_first;      /* offer Kerberos first with an optimistic token */
    NTSTATUS status;
    struct lsa_accept_result result;
    bool server_mic_ok;   /* our mechListMIC verified by the client keys */
    bool server_mic_sent;
    bool session_key_match;
};

static void run_exchange(struct run *r)
{
    uint8_t hash[16];
    if (!r->anonymous)
        crypto_nt_hash(r->password, hash);
    struct ntlm_client_config cc = { .user = r->anonymous ? "" : r->user, .domain = "TEST",
                                     .workstation = "WS", .nt_hash = r->anonymous ? NULL : hash,
                                     .send_mic = true };
    struct ntlm_client *client = ntlm_client_new(&cc);
    struct lsa_context *ctx = lsa_context_new(providers, 1, &settings);
    struct buf neg, auth, token, mechs;
    struct spnego_token parsed;
    buf_init(&neg);
    buf_init(&auth);
    buf_init(&token);
    buf_init(&mechs);
    lsa_accept_result_init(&r->result);
    r->server_mic_ok = r->server_mic_sent = r->session_key_match = false;

    ntlm_client_negotiate(client, &neg);
    struct spnego_bytes list[2] = { SPNEGO_OID_NTLMSSP };
    size_t list_len = 1;
    if (r->krb5_first) {
        list[0] = SPNEGO_OID_KRB5;
        list[1] = SPNEGO_OID_NTLMSSP;
        list_len = 2;
    }
    spnego_write_mech_type_list(&mechs, list, list_len);
    if (r->raw)
        wr_bytes(&token, neg.data, neg.len);
    else if (r->krb5_first)
        spnego_write_neg_token_init(&token, list, list_len, (const uint8_t *)"krb5-ap-req", 11);
    else
        spnego_write_neg_token_init(&token, list, list_len, neg.data, neg.len);
    r->status = lsa_context_accept(ctx, token.data, token.len, &r->result);
    if (r->status != STATUS_MORE_PROCESSING_REQUIRED)
        goto out;

    if (r->krb5_first) {
        /* We must have answered request-mic, NTLMSSP, no token: send NEGOTIATE now. */
        if (spnego_parse(r->result.output.data, r->result.output.len, &parsed) != STATUS_SUCCESS ||
            parsed.resp.neg_state != SPNEGO_REQUEST_MIC || parsed.resp.has_response_token ||
            !spnego_oid_equal(parsed.resp.supported_mech, SPNEGO_OID_NTLMSSP)) {
            r->status = STATUS_UNSUCCESSFUL;
            goto out;
        }
        buf_reset(&token);
        struct spnego_neg_token_resp resp = { .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_response_token = true,
                                              .response_token = { neg.data, neg.len } };
        spnego_write_neg_token_resp(&token, &resp);
        r->status = lsa_context_accept(ctx, token.data, token.len, &r->result);
        if (r->status != STATUS_MORE_PROCESSING_REQUIRED)
            goto out;
    }

    const uint8_t *challenge = r->result.output.data;
    size_t challenge_len = r->result.output.len;
    if (!r->raw) {
        if (spnego_parse(r->result.output.data, r->result.output.len, &parsed) != STATUS_SUCCESS ||
            !parsed.resp.has_response_token) {
            r->status = STATUS_UNSUCCESSFUL;
            goto out;
        }
        challenge = parsed.resp.response_token.data;
        challenge_len = parsed.resp.response_token.len;
    }
    if (ntlm_client_authenticate(client, challenge, challenge_len, &auth) != STATUS_SUCCESS) {
        r->status = STATUS_UNSUCCESSFUL;
        goto out;
    }
    buf_reset(&token);
    uint8_t client_mic[16];
    if (r->raw) {
        wr_bytes(&token, auth.data, auth.len);
    } else {
        struct spnego_neg_token_resp resp = { .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_response_token = true,
                                              .response_token = { auth.data, auth.len } };
        if (r->client_mic && ntlm_client_keys(client)) {
            ntlm_sign(ntlm_client_keys(client), false, mechs.data, mechs.len, client_mic);
            resp.has_mech_list_mic = true;
            resp.mech_list_mic.data = client_mic;
            resp.mech_list_mic.len = 16;
        }
        spnego_write_neg_token_resp(&token, &resp);
    }
    r->status = lsa_context_accept(ctx, token.data, token.len, &r->result);
    if (r->status != STATUS_SUCCESS)
        goto out;
    struct ntlm_keys *keys = ntlm_client_keys(client);
    r->session_key_match = r->result.session_key_len == 16 && keys &&
                           memcmp(r->result.session_key, keys->exported_session_key, 16) == 0;
    if (!r->raw && spnego_parse(r->result.output.data, r->result.output.len, &parsed) == STATUS_SUCCESS &&
        parsed.resp.neg_state == SPNEGO_ACCEPT_COMPLETED && parsed.resp.has_mech_list_mic) {
        r->server_mic_sent = true;
        r->server_mic_ok = parsed.resp.mech_list_mic.len == 16 && keys &&
                           ntlm_verify(keys, false, mechs.data, mechs.len, parsed.resp.mech_list_mic.data) ==
                               STATUS_SUCCESS;
    }
    /* A finished context accepts nothing more. */
    struct lsa_accept_result extra;
    lsa_accept_result_init(&extra);
    if (lsa_context_accept(ctx, token.data, token.len, &extra) != STATUS_INVALID_PARAMETER)
        r->status = STATUS_UNSUCCESSFUL;
    lsa_accept_result_clear(&extra);
out:
    /* Only a success leaves something for the caller to look at (and clear). */
    if (r->status != STATUS_SUCCESS)
        lsa_accept_result_clear(&r->result);
    buf_free(&neg);
    buf_free(&auth);
    buf_free(&token);
    buf_free(&mechs);
    lsa_context_free(ctx);
    ntlm_client_free(client);
}

static void spnego_ntlm_tests(void)
{
    struct lsa_context *ctx = lsa_context_new(providers, 1, &settings);
    struct lsa_accept_result res;
    struct spnego_token parsed;
    lsa_accept_result_init(&res);
    is_int(lsa_context_accept(ctx, NULL, 0, &res), STATUS_MORE_PROCESSING_REQUIRED,
           "an empty first token continues");
    ok(spnego_parse(res.output.data, res.output.len, &parsed) == STATUS_SUCCESS &&
       parsed.type == SPNEGO_NEG_TOKEN_INIT && parsed.init.mech_count == 1 &&
       spnego_oid_equal(parsed.init.mechs[0], SPNEGO_OID_NTLMSSP), "... with a NegTokenInit2 offering NTLMSSP");
    is_int(lsa_context_accept(ctx, (const uint8_t *)"\xa1\x03\x30\x01", 4, &res), STATUS_INVALID_PARAMETER,
           "a truncated negTokenResp is refused");
    is_int(lsa_context_accept(ctx, NULL, 0, &res), STATUS_INVALID_PARAMETER, "a failed context stays failed");
    lsa_accept_result_clear(&res);
    lsa_context_free(ctx);

    struct run r = { .user = "alice", .password = "Secret1!", .client_mic = true };
    run_exchange(&r);
    is_int(r.status, STATUS_SUCCESS, "SPNEGO/NTLMv2 logon of alice with mechListMIC");
    ok(r.session_key_match, "the session key is the client's ExportedSessionKey");
    ok(r.server_mic_sent && r.server_mic_ok, "our mechListMIC verifies with the client's keys");
    struct access_token *t = r.result.logon.token;
    struct sid alice_sid;
    sid_append(&alice_sid, &test_domain, 1000);
    ok(t && sid_equal(&t->user, &alice_sid) && token_has_sid(t, &SID_EVERYONE) &&
       token_has_sid(t, &SID_AUTHENTICATED_USERS) && token_has_sid(t, &SID_NETWORK),
       "alice's token: her SID, Everyone, Authenticated Users, Network");
    ok(t && t->privileges == SE_PRIV_CHANGE_NOTIFY, "alice has only SeChangeNotifyPrivilege");
    ok(t && t->uid == 1001000 && t->gid == 1000513 && !t->unix_id_shared,
       "alice acts as her own uid and her primary group's gid, not a shared one");
    is_str(r.result.logon.user, "alice", "the logon names the user");
    lsa_accept_result_clear(&r.result);

    r = (struct run){ .user = "alice", .password = "Secret1!" };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && !r.server_mic_sent, "without a client mechListMIC none is required or sent");
    lsa_accept_result_clear(&r.result);

    r = (struct run){ .user = "alice", .password = "Secret1!", .raw = true };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && r.session_key_match && r.result.output.len == 0,
       "raw NTLMSSP logon (no SPNEGO) succeeds with no final token");
    lsa_accept_result_clear(&r.result);

    r = (struct run){ .user = "admin", .password = "Secret3!" };
    run_exchange(&r);
    t = r.result.logon.token;
    ok(r.status == STATUS_SUCCESS && t &&
       (t->privileges & (SE_PRIV_BACKUP | SE_PRIV_RESTORE | SE_PRIV_TAKE_OWNERSHIP)) ==
           (SE_PRIV_BACKUP | SE_PRIV_RESTORE | SE_PRIV_TAKE_OWNERSHIP),
       "an Administrator gets backup, restore and take-ownership");
    lsa_accept_result_clear(&r.result);

    r = (struct run){ .user = "root", .password = "Secret4!" };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && r.result.logon.token && r.result.logon.token->uid == 65534 &&
           r.result.logon.token->unix_id_shared,
       "an id map that says uid 0 is never acted on: nobody, marked a stand-in");
    lsa_accept_result_clear(&r.result);

    r = (struct run){ .user = "alice", .password = "wrong" };
    run_exchange(&r);
    is_int(r.status, STATUS_LOGON_FAILURE, "a wrong password: STATUS_LOGON_FAILURE");
    ok(r.result.logon.token == NULL && r.result.output.len == 0, "a failure leaves nothing in the result");

    r = (struct run){ .user = "bob", .password = "Secret2!" };
    run_exchange(&r);
    is_int(r.status, STATUS_ACCOUNT_DISABLED, "the provider's policy status reaches the caller");

    r = (struct run){ .user = "mallory", .password = "x" };
    run_exchange(&r);
    is_int(r.status, STATUS_LOGON_FAILURE, "an unknown user with guest off: STATUS_LOGON_FAILURE");
    settings.guest = true;
    r = (struct run){ .user = "mallory", .password = "x" };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && r.result.logon.is_guest && r.result.session_key_len == 0 &&
       r.result.logon.token && token_has_sid(r.result.logon.token, &SID_BUILTIN_GUESTS) &&
       !token_has_sid(r.result.logon.token, &SID_AUTHENTICATED_USERS),
       "an unknown user with srv.guest on: Guest, no session key, not Authenticated Users");
    lsa_accept_result_clear(&r.result);
    r = (struct run){ .user = "alice", .password = "wrong" };
    run_exchange(&r);
    is_int(r.status, STATUS_LOGON_FAILURE, "a known user with a wrong password never becomes Guest");
    settings.guest = false;

    r = (struct run){ .anonymous = true };
    run_exchange(&r);
    is_int(r.status, STATUS_LOGON_FAILURE, "anonymous refused while lsass.allow-anonymous is off");
    settings.allow_anonymous = true;
    r = (struct run){ .anonymous = true };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && r.result.logon.is_anonymous && r.result.logon.token &&
       sid_equal(&r.result.logon.token->user, &SID_ANONYMOUS), "anonymous allowed: the S-1-5-7 token");
    lsa_accept_result_clear(&r.result);
    settings.allow_anonymous = false;

    r = (struct run){ .user = "alice", .password = "Secret1!", .krb5_first = true };
    run_exchange(&r);
    is_int(r.status, STATUS_LOGON_FAILURE, "NTLMSSP chosen over the initiator's Kerberos: a missing MIC fails");
    r = (struct run){ .user = "alice", .password = "Secret1!", .krb5_first = true, .client_mic = true };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && r.server_mic_ok, "... and with the MIC exchange it succeeds");
    lsa_accept_result_clear(&r.result);
}

static void gss_tests(void)
{
    krb_oids[0] = SPNEGO_OID_MS_KRB5;
    krb_oids[1] = SPNEGO_OID_KRB5;
    fake_ops.mech_oids = krb_oids;
    fake_ops.mech_oid_count = 2;
    providers[1] = &fake_provider;
    struct lsa_provider *both[2] = { &memory_provider, &fake_provider };

    struct buf tok;
    struct spnego_token parsed;
    buf_init(&tok);
    lsa_negotiate_token(both, 2, &tok);
    ok(spnego_parse(tok.data, tok.len, &parsed) == STATUS_SUCCESS && parsed.init.mech_count == 3 &&
       spnego_oid_equal(parsed.init.mechs[0], SPNEGO_OID_MS_KRB5) &&
       spnego_oid_equal(parsed.init.mechs[2], SPNEGO_OID_NTLMSSP),
       "a provider's mechanism is offered before NTLMSSP");

    struct lsa_context *ctx = lsa_context_new(both, 2, &settings);
    struct lsa_accept_result res;
    lsa_accept_result_init(&res);
    struct spnego_bytes list[2] = { SPNEGO_OID_KRB5, SPNEGO_OID_NTLMSSP };
    buf_reset(&tok);
    spnego_write_neg_token_init(&tok, list, 2, (const uint8_t *)"hello", 5);
    is_int(lsa_context_accept(ctx, tok.data, tok.len, &res), STATUS_MORE_PROCESSING_REQUIRED,
           "the provider's mechanism takes the optimistic token");
    ok(spnego_parse(res.output.data, res.output.len, &parsed) == STATUS_SUCCESS &&
       spnego_oid_equal(parsed.resp.supported_mech, SPNEGO_OID_KRB5) && parsed.resp.response_token.len == 5,
       "... and answers under the OID the initiator named");
    buf_reset(&tok);
    struct spnego_neg_token_resp resp = { .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_response_token = true,
                                          .response_token = { (const uint8_t *)"again", 5 },
                                          .has_mech_list_mic = true,
                                          .mech_list_mic = { (const uint8_t *)"client-mic", 10 } };
    spnego_write_neg_token_resp(&tok, &resp);
    is_int(lsa_context_accept(ctx, tok.data, tok.len, &res), STATUS_SUCCESS, "the mechanism completes");
    ok(res.session_key_len == 16 && res.session_key[0] == 0x42 && res.logon.user &&
       strcmp(res.logon.user, "carol@EXAMPLE.COM") == 0, "principal_logon made the logon, with the mech's key");
    ok(spnego_parse(res.output.data, res.output.len, &parsed) == STATUS_SUCCESS &&
       parsed.resp.neg_state == SPNEGO_ACCEPT_COMPLETED && parsed.resp.mech_list_mic.len == 10,
       "accept-completed with the mechanism's final token and mechListMIC");
    lsa_accept_result_clear(&res);
    lsa_context_free(ctx);

    /* The PAC's groups join the token; a principal nobody maps is refused,
     * never Guest, even with Guest on. */
    for (int variant = 0; variant < 2; variant++) {
        fake_pac = variant == 0;
        fake_unmapped = variant == 1;
        settings.guest = variant == 1;
        ctx = lsa_context_new(both, 2, &settings);
        lsa_accept_result_init(&res);
        buf_reset(&tok);
        spnego_write_neg_token_init(&tok, list, 2, (const uint8_t *)"hello", 5);
        lsa_context_accept(ctx, tok.data, tok.len, &res);
        buf_reset(&tok);
        spnego_write_neg_token_resp(&tok, &resp);
        NTSTATUS status = lsa_context_accept(ctx, tok.data, tok.len, &res);
        if (variant == 0) {
            struct sid pac_group;
            sid_parse("S-1-5-21-9-9-9-1234", &pac_group);
            ok(status == STATUS_SUCCESS && res.logon.token && token_has_sid(res.logon.token, &pac_group),
               "the PAC's group SIDs join the token");
        } else {
            is_int(status, STATUS_LOGON_FAILURE, "an authenticated principal no provider maps: STATUS_LOGON_FAILURE");
            ok(!res.logon.token && !res.logon.is_guest, "... and not Guest");
        }
        lsa_accept_result_clear(&res);
        lsa_context_free(ctx);
    }
    fake_pac = fake_unmapped = false;
    settings.guest = false;

    /* Kerberos second in the initiator's list (after NegoEx, which we do not
     * speak): the MIC exchange is mandatory. The mechanism completes without
     * the initiator's MIC, so ours goes with its last token (accept-incomplete)
     * and the logon is held until the initiator's arrives. */
    struct spnego_bytes negoex_first[3] = { SPNEGO_OID_NEGOEX, SPNEGO_OID_KRB5, SPNEGO_OID_NTLMSSP };
    for (int good = 1; good >= 0; good--) {
        ctx = lsa_context_new(both, 2, &settings);
        lsa_accept_result_init(&res);
        buf_reset(&tok);
        spnego_write_neg_token_init(&tok, negoex_first, 3, NULL, 0);
        NTSTATUS status = lsa_context_accept(ctx, tok.data, tok.len, &res);
        ok(status == STATUS_MORE_PROCESSING_REQUIRED && spnego_parse(res.output.data, res.output.len, &parsed) ==
                                                          STATUS_SUCCESS &&
               parsed.resp.neg_state == SPNEGO_REQUEST_MIC,
           "NegoEx first: Kerberos chosen, request-mic");
        struct spnego_neg_token_resp leg = { .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_response_token = true,
                                             .response_token = { (const uint8_t *)"hello", 5 } };
        buf_reset(&tok);
        spnego_write_neg_token_resp(&tok, &leg);
        lsa_context_accept(ctx, tok.data, tok.len, &res);
        leg.response_token.data = (const uint8_t *)"again";
        buf_reset(&tok);
        spnego_write_neg_token_resp(&tok, &leg);
        status = lsa_context_accept(ctx, tok.data, tok.len, &res);
        ok(status == STATUS_MORE_PROCESSING_REQUIRED &&
               spnego_parse(res.output.data, res.output.len, &parsed) == STATUS_SUCCESS &&
               parsed.resp.neg_state == SPNEGO_ACCEPT_INCOMPLETE && parsed.resp.response_token.len == 5 &&
               parsed.resp.mech_list_mic.len == 10 && !res.logon.token && res.session_key_len == 0,
           "complete without the initiator's MIC: accept-incomplete with our token and MIC, nothing handed out");
        struct spnego_neg_token_resp mic_only = { .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_mech_list_mic = true,
                                                  .mech_list_mic = { (const uint8_t *)(good ? "client-mic"
                                                                                            : "forged-mic"),
                                                                     10 } };
        buf_reset(&tok);
        spnego_write_neg_token_resp(&tok, &mic_only);
        status = lsa_context_accept(ctx, tok.data, tok.len, &res);
        if (good)
            ok(status == STATUS_SUCCESS && res.logon.token && res.session_key_len == 16 &&
                   spnego_parse(res.output.data, res.output.len, &parsed) == STATUS_SUCCESS &&
                   parsed.resp.neg_state == SPNEGO_ACCEPT_COMPLETED,
               "the initiator's MIC verifies: the logon, its key, accept-completed");
        else
            ok(status == STATUS_LOGON_FAILURE && !res.logon.token && res.session_key_len == 0,
               "a wrong initiator MIC: STATUS_LOGON_FAILURE, nothing handed out");
        lsa_accept_result_clear(&res);
        lsa_context_free(ctx);
    }
    buf_free(&tok);
    providers[1] = NULL;
}

static void table_tests(void)
{
    struct lsa_context_table *table = lsa_context_table_new(2, 60);
    uint64_t h1 = 0, h2 = 0, h3 = 0;
    struct lsa_context *c1 = lsa_context_new(providers, 1, &settings);
    struct lsa_context *c2 = lsa_context_new(providers, 1, &settings);
    struct lsa_context *c3 = lsa_context_new(providers, 1, &settings);
    ok(lsa_context_table_add(table, c1, 0, NULL, NULL, &h1) == STATUS_SUCCESS && h1 != 0, "table: add gives a handle");
    ok(lsa_context_table_add(table, c2, 1000, NULL, NULL, &h2) == STATUS_SUCCESS && h2 != h1, "table: handles differ");
    is_int(lsa_context_table_add(table, c3, 0, NULL, NULL, &h3), STATUS_INSUFF_SERVER_RESOURCES, "table: full is refused");
    ok(lsa_context_table_take(table, h2, 0) == NULL, "table: another uid cannot take a context");
    ok(lsa_context_table_take(table, h1 ^ 1, 0) == NULL, "table: a wrong handle finds nothing");
    ok(lsa_context_table_take(table, h1, 0) == c1, "table: the owner takes it");
    ok(lsa_context_table_take(table, h1, 0) == NULL, "table: a context in use cannot be taken twice");
    lsa_context_table_put(table, h1);
    ok(lsa_context_table_take(table, h1, 0) == c1, "table: back after put");
    lsa_context_table_forget(table, h1);
    lsa_context_free(c1);
    is_int(lsa_context_table_delete(table, h2, 1000), STATUS_SUCCESS, "table: delete");
    is_int(lsa_context_table_delete(table, h2, 1000), STATUS_INVALID_HANDLE, "table: deleted twice");
    is_int((long long)lsa_context_table_count(table), 0, "table: empty");
    lsa_context_table_free(table);

    /* Timeout 0: everything idle is expired at once. */
    table = lsa_context_table_new(4, 0);
    lsa_context_table_add(table, c3, 0, NULL, NULL, &h3);
    ok(lsa_context_table_take(table, h3, 0) == NULL, "table: an abandoned context is not handed out");
    struct lsa_context *c4 = lsa_context_new(providers, 1, &settings);
    lsa_context_table_add(table, c4, 0, NULL, NULL, &h3);
    is_int((long long)lsa_context_table_reap(table), 1, "table: the reaper reclaims abandoned contexts");
    lsa_context_table_free(table);
}

/* Parallel wrong passwords through the gate: the delays add up. */
static void *wrong_password_thread(void *arg)
{
    struct run *r = arg;
    run_exchange(r);
    return NULL;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Adds a fresh context for address over connection; frees it if refused. */
static NTSTATUS add_from(struct lsa_context_table *table, const char *address, const char *connection,
                         uint64_t *handle)
{
    struct lsa_context *ctx = lsa_context_new(providers, 1, &settings);
    NTSTATUS status = lsa_context_table_add(table, ctx, 0, address, connection, handle);
    if (!NT_SUCCESS(status))
        lsa_context_free(ctx);
    return status;
}

/* Per-connection and per-address limits, IPv6 by /64, and eviction when
 * the table is full (the half-finished-logon defences). */
static void table_limit_tests(void)
{
    struct lsa_context_table *table = lsa_context_table_new(8, 60);
    struct lsa_pending_limits limits = { .max_total = 8, .max_per_address = 3, .max_per_connection = 2,
                                         .timeout_seconds = 60 };
    lsa_context_table_set_limits(table, &limits);
    uint64_t first = 0, second = 0, v6_first = 0, h = 0;
    is_int(add_from(table, "10.0.0.1", "10.0.0.1:1", &first), STATUS_SUCCESS, "limits: a first context");
    is_int(add_from(table, "10.0.0.1", "10.0.0.1:1", &second), STATUS_SUCCESS, "limits: a second on one connection");
    is_int(add_from(table, "10.0.0.1", "10.0.0.1:1", &h), STATUS_INSUFF_SERVER_RESOURCES,
           "limits: a third on that connection is refused (per connection 2)");
    is_int(add_from(table, "10.0.0.1", "10.0.0.1:2", &h), STATUS_SUCCESS,
           "limits: another connection of the address is not held by the first's limit");
    is_int(add_from(table, "10.0.0.1", "10.0.0.1:3", &h), STATUS_SUCCESS,
           "limits: a fourth from the address (per address 3) gets in ...");
    ok(lsa_context_table_take(table, first, 0) == NULL, "limits: ... in the place of the address's oldest");
    is_int((long long)lsa_context_table_count(table), 3, "limits: the address still holds 3");
    is_int(add_from(table, "2001:db8::1", "a", &v6_first), STATUS_SUCCESS, "limits: IPv6 1");
    is_int(add_from(table, "2001:db8::2", "b", &h), STATUS_SUCCESS, "limits: IPv6 2, same /64");
    is_int(add_from(table, "2001:db8::ffff:1", "c", &h), STATUS_SUCCESS, "limits: IPv6 3, same /64");
    is_int(add_from(table, "2001:db8:0:0:1::5", "d", &h), STATUS_SUCCESS, "limits: IPv6 4, same /64 ...");
    ok(lsa_context_table_take(table, v6_first, 0) == NULL,
       "limits: ... displaces the /64's oldest (a host cannot pick new addresses to get more)");
    is_int(add_from(table, "2001:db8:0:1::1", "e", &h), STATUS_SUCCESS, "limits: another /64 is another address");
    is_int(add_from(table, "", "", &h), STATUS_SUCCESS, "limits: a caller without an address (8 of 8)");
    is_int((long long)lsa_context_table_count(table), 8, "limits: the table is full");
    is_int((long long)lsa_context_table_evicted(table), 2, "limits: two displaced so far");

    limits.max_per_address = 100;
    lsa_context_table_set_limits(table, &limits);
    uint64_t newcomer = 0;
    is_int(add_from(table, "192.0.2.50", "x", &newcomer), STATUS_SUCCESS,
           "eviction: a newcomer address gets in although the table is full");
    ok(lsa_context_table_take(table, second, 0) == NULL,
       "eviction: the oldest context of the addresses holding the most made room");
    is_int((long long)lsa_context_table_evicted(table), 3, "eviction: counted");
    is_int((long long)lsa_context_table_count(table), 8, "eviction: the table stays at its maximum");
    is_int(add_from(table, "2001:db8::9", "f", &h), STATUS_INSUFF_SERVER_RESOURCES,
           "eviction: the address holding the most is refused rather than displacing others");
    is_int((long long)lsa_context_table_refused(table), 2, "limits: two first legs found no room");
    ok(lsa_context_table_take(table, newcomer, 0) != NULL, "eviction: the newcomer's context is still there");
    lsa_context_table_put(table, newcomer);
    lsa_context_table_free(table);
}

/* lsass.max-delayed-logons: the gate never holds more than the bound. */
static void gate_bound_tests(void)
{
    struct lsa_gate_entry *held = NULL, *second = NULL;
    is_int(lsa_gate_enter("carol", 0, &held), STATUS_SUCCESS, "gate bound: a free gate is entered at once");
    is_int(lsa_gate_enter("CAROL", 0, &second), STATUS_INSUFF_SERVER_RESOURCES,
           "gate bound: a logon that would queue beyond the bound is refused at once");
    ok(second == NULL, "gate bound: ... and holds nothing");
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    ok(!lsa_gate_leave(held, 5000, 0), "gate bound: a failure beyond the bound is not delayed");
    ok(seconds_since(&start) < 2.0, "gate bound: ... and answered at once (%.2f s)", seconds_since(&start));
    is_int(lsa_gate_enter("carol", 1, &held), STATUS_SUCCESS, "gate bound: the gate is free again");
    clock_gettime(CLOCK_MONOTONIC, &start);
    ok(lsa_gate_leave(held, 100, 1), "gate bound: within the bound a failure is delayed");
    ok(seconds_since(&start) >= 0.09, "gate bound: ... by the delay (%.2f s)", seconds_since(&start));
}

static void gate_tests(void)
{
    enum { THREADS = 5 };
    pthread_t threads[THREADS];
    struct run runs[THREADS];
    struct timespec start;
    settings.failed_logon_delay_ms = 100;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < THREADS; i++) {
        runs[i] = (struct run){ .user = "alice", .password = "wrong" };
        pthread_create(&threads[i], NULL, wrong_password_thread, &runs[i]);
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        failures += runs[i].status == STATUS_LOGON_FAILURE;
    }
    double elapsed = seconds_since(&start);
    is_int(failures, THREADS, "5 parallel wrong passwords all fail");
    ok(elapsed >= 0.5, "... and take at least 5 x 100 ms (%.2f s): parallelism does not bypass the delay",
       elapsed);

    /* Another account is not held up by alice's queue. */
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct run r = { .user = "admin", .password = "Secret3!" };
    run_exchange(&r);
    ok(r.status == STATUS_SUCCESS && seconds_since(&start) < 0.1, "a good logon is not delayed");
    lsa_accept_result_clear(&r.result);
    settings.failed_logon_delay_ms = 0;
}

int main(void)
{
    char safe[8];
    is_str(lsa_log_safe("a\nb\x1b[1mlong", safe, sizeof safe), "a?b?[1m",
           "client strings are made safe for log lines (no control characters, bounded)");
    lsa_settings_default(&settings);
    settings.failed_logon_delay_ms = 0; /* only gate_tests is about the delay */
    strcpy(settings.server_name, "SAMEWISE");
    crypto_nt_hash("Secret1!", alice_hash);
    spnego_ntlm_tests();
    gss_tests();
    table_tests();
    table_limit_tests();
    gate_bound_tests();
    gate_tests();
    return done_testing();
}
