/* The local provider over the SAM (see local_provider.h). */
#include "lsass/local/local_provider.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"

#define DOMAIN_RID_NONE   513 /* a local account's primary group, "None" */
#define DOMAIN_RID_GUESTS 514
#define USER_RID_GUEST    501

struct local_provider {
    struct lsa_provider provider;
    pthread_mutex_t lock; /* the registry connection is used by one thread at a time */
    struct registry *reg;
};

static struct local_provider *local_of(struct lsa_provider *p) { return p->data; }

/* The account policy that decides before and after the password check. */
static NTSTATUS check_account_policy(const struct sam_user *user, const struct lsa_settings *settings,
                                     int64_t now)
{
    if (user->flags & SAM_USER_DISABLED)
        return STATUS_ACCOUNT_DISABLED;
    /* "User must change password at next logon" (set by an administrator,
     * or by samr's PasswordExpired): Windows answers MUST_CHANGE, and
     * clients (smbpasswd -r) then change it on a null session. */
    if (user->flags & SAM_USER_PASSWORD_EXPIRED)
        return STATUS_PASSWORD_MUST_CHANGE;
    if (settings->max_password_age_days && !(user->flags & SAM_USER_PASSWORD_NEVER_EXPIRES) &&
        user->password_last_set > 0 &&
        now - user->password_last_set > (int64_t)settings->max_password_age_days * 86400)
        return STATUS_PASSWORD_EXPIRED;
    return STATUS_SUCCESS;
}

/* An expiry set over samr (MMC's "Account expires"): an NT time, 0 never. */
static NTSTATUS check_account_expiry(struct registry *reg, const struct sam_user *user, int64_t now)
{
    struct sam_user_details details;
    NTSTATUS status = sam_user_details_get(reg, user->rid, &details);
    if (!NT_SUCCESS(status))
        return status;
    int64_t now_nt = (now + 11644473600LL) * 10000000LL; /* seconds since 1970 to 100 ns since 1601 */
    if (details.account_expires && now_nt >= details.account_expires)
        status = STATUS_ACCOUNT_EXPIRED;
    sam_user_details_free(&details);
    return status;
}

/* The account rights of the user and its groups (lsarpc's "User Rights
 * Assignment"): their privileges go into the token (those the file server
 * consults: backup, restore, take ownership, security, change notify), and
 * SeDenyNetworkLogonRight refuses the logon, as on Windows. */
static NTSTATUS apply_rights(struct registry *reg, struct access_token *token)
{
    char **rights;
    size_t count;
    NTSTATUS status = sam_token_rights(reg, token, &rights, &count);
    if (!NT_SUCCESS(status))
        return status;
    for (size_t i = 0; i < count; i++) {
        token->privileges |= token_privilege_bit(rights[i]);
        if (strcmp(rights[i], "SeDenyNetworkLogonRight") == 0)
            status = STATUS_LOGON_TYPE_NOT_GRANTED;
    }
    sam_strings_free(rights, count);
    return status;
}

static NTSTATUS build_token(struct registry *reg, const struct sid *user_sid, uint32_t primary_rid, bool guest,
                            const char *unix_name, const struct lsa_settings *settings,
                            struct lsa_logon_result *result)
{
    struct sid domain, primary;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    status = sid_append(&primary, &domain, primary_rid);
    if (!NT_SUCCESS(status))
        return status;
    result->token = token_new(user_sid, &primary);
    if (!result->token)
        return STATUS_NO_MEMORY;
    result->token->is_guest = guest;
    if (token_add_group(result->token, &primary) || (guest && token_add_group(result->token, &SID_BUILTIN_GUESTS)))
        return STATUS_NO_MEMORY;
    status = lsa_token_add_logon_groups(result->token, guest);
    if (NT_SUCCESS(status))
        status = sam_token_add_aliases(reg, result->token);
    if (NT_SUCCESS(status))
        status = apply_rights(reg, result->token);
    if (NT_SUCCESS(status))
        status = lsa_token_finish(result->token, unix_name, settings);
    return status;
}

/* Checks the NTLMv2 response against the account's NT hash; *blank tells
 * whether that hash is the empty password's. */
static NTSTATUS verify_password(struct registry *reg, const struct sam_user *user,
                                const struct ntlm_logon_request *req, uint8_t session_base_key[16], bool *blank)
{
    uint8_t hash[SAM_NT_HASH_LENGTH], key[16], empty[SAM_NT_HASH_LENGTH];
    *blank = false;
    NTSTATUS status = sam_user_get_nt_hash(reg, user->rid, hash);
    if (status == STATUS_NOT_FOUND)
        return STATUS_WRONG_PASSWORD; /* no password: nothing can match */
    if (!NT_SUCCESS(status))
        return status;
    *blank = crypto_nt_hash("", empty) == 0 && memcmp(hash, empty, sizeof hash) == 0;
    /* NTOWFv2 uses the user and domain exactly as the client sent them. */
    status = ntlm_ntowfv2(hash, req->user, req->domain, key);
    if (NT_SUCCESS(status))
        status = ntlm_v2_verify(key, req->server_challenge, req->nt_response.data, req->nt_response.len,
                                session_base_key);
    crypto_wipe(hash, sizeof hash);
    crypto_wipe(key, sizeof key);
    return status;
}

static NTSTATUS local_ntlm_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                 const struct ntlm_logon_request *req, struct lsa_logon_result *result)
{
    struct local_provider *lp = local_of(p);
    struct sam_user user;
    struct sam_lockout_policy policy = { .threshold = settings->lockout_threshold,
                                         .duration = settings->lockout_duration,
                                         .observation_window = settings->lockout_reset };
    int64_t now = (int64_t)time(NULL);
    NTSTATUS status;
    bool have_user = false;

    memset(&user, 0, sizeof user);
    pthread_mutex_lock(&lp->lock);
    status = sam_user_by_name(lp->reg, req->user, &user);
    if (status == STATUS_INVALID_DEVICE_STATE)
        status = STATUS_NO_SUCH_USER; /* an uninitialised SAM has no accounts */
    if (!NT_SUCCESS(status))
        goto out;
    have_user = true;

    if (sam_user_is_locked_out(&user, &policy, now)) {
        status = STATUS_ACCOUNT_LOCKED_OUT;
        goto out;
    }
    bool blank = false;
    status = verify_password(lp->reg, &user, req, result->session_base_key, &blank);
    if (status == STATUS_WRONG_PASSWORD) {
        bool locked = false;
        NTSTATUS recorded = sam_user_logon_failure(lp->reg, user.rid, now, &policy, &locked);
        if (!NT_SUCCESS(recorded))
            log_error("local: cannot record a bad password for %s: %s", user.name, nt_status_name(recorded));
        else if (locked)
            log_warning("local: account %s is now locked out", user.name);
        status = STATUS_LOGON_FAILURE;
        goto out;
    }
    if (!NT_SUCCESS(status))
        goto out;
    /* The right password, but an empty one: like Windows' "Accounts: Limit
     * local account use of blank passwords to console logon only", such an
     * account may not log on over the network unless the administrator
     * allowed it. Not a bad password: the count is left alone. */
    if (blank && !settings->allow_blank_passwords) {
        status = STATUS_ACCOUNT_RESTRICTION;
        goto out;
    }
    status = check_account_policy(&user, settings, now);
    if (NT_SUCCESS(status))
        status = check_account_expiry(lp->reg, &user, now);
    if (!NT_SUCCESS(status))
        goto out;
    status = sam_user_logon_success(lp->reg, user.rid, now);
    if (!NT_SUCCESS(status))
        goto out;
    result->has_session_base_key = true;
    result->user = strdup(user.name);
    result->domain = strdup(settings->server_name);
    if (!result->user || !result->domain) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    status = build_token(lp->reg, &user.sid, DOMAIN_RID_NONE, false, user.name, settings, result);
out:
    pthread_mutex_unlock(&lp->lock);
    if (!NT_SUCCESS(status))
        crypto_wipe(result->session_base_key, sizeof result->session_base_key);
    if (have_user)
        sam_user_free(&user);
    return status;
}

static NTSTATUS local_guest_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                  struct lsa_logon_result *result)
{
    struct local_provider *lp = local_of(p);
    struct sid domain, guest;
    pthread_mutex_lock(&lp->lock);
    NTSTATUS status = sam_domain_sid(lp->reg, &domain);
    if (NT_SUCCESS(status))
        status = sid_append(&guest, &domain, USER_RID_GUEST);
    if (NT_SUCCESS(status)) {
        result->user = strdup("Guest");
        result->domain = strdup(settings->server_name);
        status = result->user && result->domain ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(status))
        status = build_token(lp->reg, &guest, DOMAIN_RID_GUESTS, true, NULL, settings, result);
    pthread_mutex_unlock(&lp->lock);
    if (NT_SUCCESS(status))
        result->is_guest = true;
    return status;
}

static void local_free(struct lsa_provider *p)
{
    struct local_provider *lp = local_of(p);
    registry_close(lp->reg);
    pthread_mutex_destroy(&lp->lock);
    free(lp);
}

static const struct lsa_provider_ops local_ops = {
    .name = "local",
    .ntlm_logon = local_ntlm_logon,
    .guest_logon = local_guest_logon,
    .free = local_free,
};

NTSTATUS lsa_local_provider_new(const char *db_path, struct lsa_provider **provider)
{
    struct local_provider *lp = calloc(1, sizeof *lp);
    *provider = NULL;
    if (!lp)
        return STATUS_NO_MEMORY;
    NTSTATUS status = registry_open(db_path, &lp->reg);
    if (!NT_SUCCESS(status)) {
        free(lp);
        return status;
    }
    pthread_mutex_init(&lp->lock, NULL);
    lp->provider.ops = &local_ops;
    lp->provider.data = lp;
    *provider = &lp->provider;
    return STATUS_SUCCESS;
}
