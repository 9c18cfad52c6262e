/* lsassd request handlers: one function per opcode (protocol.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "registry/registry.h"
#include "lib/samples.h"
#include "lsass/client/protocol.h"
#include "lsass/daemon/lsassd.h"

/* Who may ask for what: HELLO is open to anyone who can reach the socket;
 * everything that authenticates is for lwiod, which runs as root or as
 * lsassd's own user. */
static bool may_authenticate(const struct lsassd *d, uid_t uid)
{
    return uid == 0 || uid == d->trusted_uid;
}

static NTSTATUS handle_hello(struct lsassd *d, struct buf_reader *r, struct buf *out)
{
    if (rd_remaining(r) != 0)
        return STATUS_INVALID_PARAMETER;
    wr_u32(out, LSASS_PROTOCOL_VERSION);
    return STATUS_SUCCESS;
}

static NTSTATUS handle_negotiate_token(struct lsassd *d, struct buf_reader *r, struct buf *out)
{
    struct buf token;
    if (rd_remaining(r) != 0)
        return STATUS_INVALID_PARAMETER;
    buf_init(&token);
    lsa_negotiate_token(d->providers, d->provider_count, &token);
    lsass_put_bytes(out, token.data, token.len);
    NTSTATUS status = wr_ok(&token) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    buf_free(&token);
    return status;
}

/* The logon counters (and whatever else lsassd counts), for the metrics
 * endpoint in lwiod and `lwadmin stats`: root and our own uid only, as the
 * numbers say who fails to log on and how often. */
static NTSTATUS handle_stats(struct lsassd *d, struct buf_reader *r, struct buf *out)
{
    (void)d;
    if (rd_remaining(r) != 0)
        return STATUS_INVALID_PARAMETER;
    struct sample_list samples;
    sample_list_init(&samples);
    lsa_stats_samples(&samples);
    NTSTATUS status = samples.failed ? STATUS_NO_MEMORY : STATUS_SUCCESS;
    if (status == STATUS_SUCCESS)
        sample_list_write(out, &samples);
    sample_list_free(&samples);
    return status == STATUS_SUCCESS && !wr_ok(out) ? STATUS_NO_MEMORY : status;
}

static void put_logon(struct buf *out, const struct lsa_accept_result *result)
{
    struct buf token;
    buf_init(&token);
    token_write(&token, result->logon.token);
    uint32_t flags = (result->logon.is_guest ? LSASS_LOGON_GUEST : 0) |
                     (result->logon.is_anonymous ? LSASS_LOGON_ANONYMOUS : 0);
    lsass_put_bytes(out, result->session_key, result->session_key_len);
    wr_u32(out, flags);
    lsass_put_string(out, result->logon.user);
    lsass_put_string(out, result->logon.domain);
    if (!wr_ok(&token))
        out->failed = true;
    lsass_put_bytes(out, token.data, token.len);
    buf_free(&token);
}

static NTSTATUS handle_accept(struct lsassd *d, uid_t uid, struct buf_reader *r, struct buf *out)
{
    struct lsass_accept_request req;
    struct lsa_context *ctx = NULL;
    struct lsa_accept_result result;
    NTSTATUS status = lsass_read_accept_request(r, &req);
    uint64_t handle = req.handle;
    const uint8_t *token = req.token;
    size_t token_len = req.token_len;
    const char *client = req.client ? req.client : "";

    lsa_accept_result_init(&result);
    if (!NT_SUCCESS(status))
        goto fail;
    if (handle == 0) {
        struct lsa_settings settings;
        lsassd_settings(d, &settings); /* also brings the table's limits up to date */
        ctx = lsa_context_new(d->providers, d->provider_count, &settings);
        if (!ctx) {
            status = STATUS_NO_MEMORY;
            goto fail;
        }
    } else {
        ctx = lsa_context_table_take(d->contexts, handle, uid);
        if (!ctx) {
            status = STATUS_INVALID_HANDLE;
            goto fail;
        }
    }
    char safe_client[64];
    log_debug("accept: context %016llx, %zu-byte token from %s", (unsigned long long)handle, token_len,
              client[0] ? lsa_log_safe(client, safe_client, sizeof safe_client) : "?");
    status = lsa_context_accept(ctx, token, token_len, &result);
    if (status == STATUS_MORE_PROCESSING_REQUIRED) {
        if (handle == 0) {
            NTSTATUS added = lsa_context_table_add(d->contexts, ctx, uid, client, req.connection, &handle);
            if (!NT_SUCCESS(added)) {
                log_debug("accept: no room for a half-finished logon from %s",
                          client[0] ? lsa_log_safe(client, safe_client, sizeof safe_client) : "?");
                lsa_context_free(ctx);
                status = added;
                goto fail;
            }
        } else {
            lsa_context_table_put(d->contexts, handle);
        }
    } else {
        /* The logon is over, one way or the other: count it. */
        lsa_stats_logon(lsa_context_provider(ctx), status);
        if (handle != 0)
            lsa_context_table_forget(d->contexts, handle);
        if (status != STATUS_SUCCESS && lsa_context_account(ctx)[0])
            lsassd_audit_logon_failure(d->events, lsa_context_account(ctx), client, status);
        lsa_context_free(ctx);
        handle = 0;
    }
    if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED)
        goto fail;
    wr_u64(out, handle);
    lsass_put_bytes(out, result.output.data, result.output.len);
    if (status == STATUS_SUCCESS)
        put_logon(out, &result);
    lsa_accept_result_clear(&result);
    lsass_accept_request_clear(&req);
    return wr_ok(out) ? status : STATUS_NO_MEMORY;
fail:
    wr_u64(out, 0);
    lsass_put_bytes(out, NULL, 0);
    lsa_accept_result_clear(&result);
    lsass_accept_request_clear(&req);
    return status;
}

static NTSTATUS handle_delete(struct lsassd *d, uid_t uid, struct buf_reader *r, struct buf *out)
{
    uint64_t handle = rd_u64(r);
    if (!rd_ok(r) || rd_remaining(r) != 0)
        return STATUS_INVALID_PARAMETER;
    return lsa_context_table_delete(d->contexts, handle, uid);
}

/* ---- Local logons (the PAM module) -------------------------------------- */

/* Reads the strings of a request body, all of it: false if malformed. The
 * strings are malloc'd (NULL where reading stopped); free_strings frees them. */
static bool get_strings(struct buf_reader *r, char **out, size_t count)
{
    bool ok = true;
    for (size_t i = 0; i < count; i++)
        out[i] = ok ? lsass_get_string(r) : NULL;
    for (size_t i = 0; i < count; i++)
        ok = ok && out[i];
    return ok && rd_ok(r) && rd_remaining(r) == 0;
}

static void free_strings(char **strings, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (strings[i])
            crypto_wipe(strings[i], strlen(strings[i]));
        free(strings[i]);
    }
}

static NTSTATUS handle_pam_authenticate(struct lsassd *d, struct buf_reader *r, struct buf *out)
{
    char *field[4] = { NULL }; /* user, password, service, remote host */
    struct lsa_logon_result logon;
    struct lsa_settings settings;
    NTSTATUS status;
    memset(&logon, 0, sizeof logon);
    if (!get_strings(r, field, 4) || !field[0][0]) {
        free_strings(field, 4);
        return STATUS_INVALID_PARAMETER;
    }
    lsassd_settings(d, &settings);
    status = lsa_password_logon(d->providers, d->provider_count, &settings, field[0], field[1], &logon);
    char user[64], service[64], host[64];
    log_event(NT_SUCCESS(status) ? LOG_EVENT_LOGON : LOG_EVENT_LOGON_FAILED, LOG_LEVEL_INFO,
              "local logon %s (pam service %s%s%s): %s", lsa_log_safe(field[0], user, sizeof user),
             lsa_log_safe(field[2], service, sizeof service), field[3][0] ? " from " : "",
             lsa_log_safe(field[3], host, sizeof host), nt_status_name(status));
    if (NT_SUCCESS(status))
        lsass_put_string(out, logon.user);
    lsa_logon_result_clear(&logon);
    free_strings(field, 4);
    return NT_SUCCESS(status) && !wr_ok(out) ? STATUS_NO_MEMORY : status;
}

static NTSTATUS handle_pam_account(struct lsassd *d, struct buf_reader *r, struct buf *out)
{
    char *user = NULL;
    struct lsa_settings settings;
    if (!get_strings(r, &user, 1) || !user[0]) {
        free(user);
        return STATUS_INVALID_PARAMETER;
    }
    lsassd_settings(d, &settings);
    NTSTATUS status = lsa_account_check(d->providers, d->provider_count, &settings, user);
    free(user);
    return status;
}

static NTSTATUS handle_pam_change_password(struct lsassd *d, uid_t uid, struct buf_reader *r, struct buf *out)
{
    char *field[4] = { NULL }; /* user, old, new, service */
    struct lsa_settings settings;
    uint32_t flags = rd_u32(r);
    if (!rd_ok(r) || (flags & ~LSASS_PASSWORD_FLAGS_KNOWN) ||
        (flags & LSASS_PASSWORD_FLAGS_KNOWN) == LSASS_PASSWORD_FLAGS_KNOWN || !get_strings(r, field, 4) ||
        !field[0][0]) {
        free_strings(field, 4);
        return STATUS_INVALID_PARAMETER;
    }
    /* The audit log names the account whose password changed and, for a
     * reset, that an administrator (root, through PAM) did it. */
    char who[160];
    snprintf(who, sizeof who, "%s", field[0]);
    struct audit_actor actor = { "pam", uid, (flags & LSASS_PASSWORD_RESET) ? "root" : who, field[3] };
    const char *why = NULL;
    lsassd_settings(d, &settings);
    NTSTATUS status = lsa_change_password(d->providers, d->provider_count, &settings, field[0],
                                          (flags & LSASS_PASSWORD_RESET) ? NULL : field[1],
                                          (flags & LSASS_PASSWORD_CHECK_ONLY) ? NULL : field[2], &actor, &why);
    char user[64];
    log_info("password %s for %s (pam): %s", (flags & LSASS_PASSWORD_CHECK_ONLY) ? "check" : "change",
             lsa_log_safe(field[0], user, sizeof user), nt_status_name(status));
    lsass_put_string(out, why ? why : "");
    free_strings(field, 4);
    return status;
}

/* The opcodes any local user may call: HELLO and the lookups. */
static bool public_opcode(uint32_t opcode)
{
    return opcode == LSASS_OP_HELLO || (opcode >= LSASS_OP_GETPWNAM && opcode <= LSASS_OP_INITGROUPS);
}

void lsassd_handle_public(struct lsassd *d, uid_t uid, const uint8_t *message, size_t len, struct buf *response)
{
    struct buf_reader r;
    rd_init(&r, message, len);
    uint32_t opcode = rd_u32(&r), id = rd_u32(&r);
    if (public_opcode(opcode)) {
        lsassd_handle(d, uid, message, len, response);
        return;
    }
    lsass_msg_begin(response, opcode, id);
    wr_u32(response, STATUS_ACCESS_DENIED);
}

void lsassd_handle(struct lsassd *d, uid_t uid, const uint8_t *message, size_t len, struct buf *response)
{
    struct buf_reader r;
    struct buf body;
    NTSTATUS status;
    rd_init(&r, message, len);
    uint32_t opcode = rd_u32(&r), id = rd_u32(&r);
    buf_init(&body);
    switch (opcode) {
    case LSASS_OP_HELLO:
        status = handle_hello(d, &r, &body);
        break;
    case LSASS_OP_NEGOTIATE_TOKEN:
        status = may_authenticate(d, uid) ? handle_negotiate_token(d, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    case LSASS_OP_ACCEPT:
        status = may_authenticate(d, uid) ? handle_accept(d, uid, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    case LSASS_OP_DELETE_CONTEXT:
        status = may_authenticate(d, uid) ? handle_delete(d, uid, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    case LSASS_OP_GETPWNAM:
    case LSASS_OP_GETPWUID:
    case LSASS_OP_GETGRNAM:
    case LSASS_OP_GETGRGID:
    case LSASS_OP_ENUM_PASSWD:
    case LSASS_OP_ENUM_GROUP:
    case LSASS_OP_INITGROUPS:
        status = lsassd_lookup(d, opcode, &r, &body);
        break;
    case LSASS_OP_PAM_AUTHENTICATE:
        status = may_authenticate(d, uid) ? handle_pam_authenticate(d, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    case LSASS_OP_PAM_ACCOUNT:
        status = may_authenticate(d, uid) ? handle_pam_account(d, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    case LSASS_OP_PAM_CHANGE_PASSWORD:
        status = may_authenticate(d, uid) ? handle_pam_change_password(d, uid, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    case LSASS_OP_STATS:
        status = may_authenticate(d, uid) ? handle_stats(d, &r, &body) : STATUS_ACCESS_DENIED;
        break;
    default:
        status = STATUS_NOT_IMPLEMENTED;
        break;
    }
    if (status == STATUS_ACCESS_DENIED)
        log_warning("uid %u may not call opcode %u", (unsigned)uid, opcode);
    lsass_msg_begin(response, opcode, id);
    wr_u32(response, status);
    /* A failed handler's partial body is dropped, except ACCEPT's fixed
     * part (handle, empty token), which callers parse for every status, and
     * PAM_CHANGE_PASSWORD's reason, which says why a password was refused. */
    if (NT_SUCCESS(status) || status == STATUS_MORE_PROCESSING_REQUIRED || opcode == LSASS_OP_ACCEPT ||
        (opcode == LSASS_OP_PAM_CHANGE_PASSWORD && status != STATUS_ACCESS_DENIED &&
         status != STATUS_INVALID_PARAMETER))
        wr_bytes(response, body.data, body.len);
    crypto_wipe(body.data, body.len);
    buf_free(&body);
}
