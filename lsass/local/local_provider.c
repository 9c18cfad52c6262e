/* The local provider over the SAM (see local_provider.h). */
#include "lsass/local/local_provider.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/idmap/idmap.h"
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

/* Logon hours and the workstations list set over samr (MMC's "Logon
 * Hours...", "Log On To..."): outside the hours (UTC, as Windows computes
 * them) STATUS_INVALID_LOGON_HOURS; from a workstation the list does not
 * name, STATUS_INVALID_WORKSTATION. The workstation is known only for NTLM
 * (the name in AUTHENTICATE); NULL skips that check. */
static NTSTATUS check_logon_restrictions(struct registry *reg, const struct sam_user *user, int64_t now,
                                         const char *workstation)
{
    uint8_t hours[SAM_LOGON_HOURS_BYTES];
    bool restricted = false;
    NTSTATUS status = sam_user_get_logon_hours(reg, user->rid, hours, &restricted);
    if (!NT_SUCCESS(status))
        return status;
    if (restricted && !sam_logon_hours_allow(hours, now))
        return STATUS_INVALID_LOGON_HOURS;
    if (!workstation || !workstation[0])
        return STATUS_SUCCESS;
    struct sam_user_details details;
    status = sam_user_details_get(reg, user->rid, &details);
    if (!NT_SUCCESS(status))
        return status;
    /* The list is comma-separated NetBIOS names ([MS-SAMR] 2.2.6.1
     * WorkStations); empty: any. */
    const char *list = details.workstations ? details.workstations : "";
    bool listed = !list[0];
    size_t want = strlen(workstation);
    for (const char *p = list; *p && !listed;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, ",");
        size_t m = n;
        while (m && p[m - 1] == ' ')
            m--;
        listed = m && m == want && strncasecmp(p, workstation, m) == 0;
        p += n;
    }
    sam_user_details_free(&details);
    return listed ? STATUS_SUCCESS : STATUS_INVALID_WORKSTATION;
}

static NTSTATUS build_token(struct registry *reg, const struct sid *user_sid, uint32_t primary_rid, bool guest,
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
        status = sam_token_apply_rights(reg, result->token);
    if (!NT_SUCCESS(status))
        return status;
    /* The account's own Unix identity (lsass/idmap): its uid, or the Unix
     * account it is mapped to; its primary group's gid. */
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    status = idmap_token_ids(reg, result->token, &uid, &gid);
    if (!NT_SUCCESS(status) && status != STATUS_NONE_MAPPED && status != STATUS_ACCESS_DENIED)
        return status;
    if (status == STATUS_ACCESS_DENIED) {
        uid = 0; /* privileged: lsa_token_finish says so and never acts on it */
        gid = 0;
    } else if (!NT_SUCCESS(status)) {
        char sid[SID_STRING_MAX];
        sid_format(user_sid, sid, sizeof sid);
        log_warning("local: %s has no unix identity (%s: a mapped Unix account that is gone?)",
                    sid, nt_status_name(status));
        uid = (uid_t)-1;
        gid = (gid_t)-1;
    }
    return lsa_token_finish(result->token, uid, gid);
}

/* How a logon proves the password: NTLMv2 (the network) or the password
 * itself (PAM). Answers STATUS_WRONG_PASSWORD when it does not match. */
struct password_proof {
    const struct ntlm_logon_request *ntlm; /* or */
    const char *password;
};

/* Checks the proof against the account's NT hash; *blank tells whether that
 * hash is the empty password's. An NTLMv2 proof yields the session base key. */
static NTSTATUS verify_password(struct registry *reg, const struct sam_user *user,
                                const struct password_proof *proof, uint8_t session_base_key[16], bool *blank)
{
    uint8_t hash[SAM_NT_HASH_LENGTH], key[16], empty[SAM_NT_HASH_LENGTH], given[SAM_NT_HASH_LENGTH];
    *blank = false;
    NTSTATUS status = sam_user_get_nt_hash(reg, user->rid, hash);
    if (status == STATUS_NOT_FOUND)
        return STATUS_WRONG_PASSWORD; /* no password: nothing can match */
    if (!NT_SUCCESS(status))
        return status;
    *blank = crypto_nt_hash("", empty) == 0 && memcmp(hash, empty, sizeof hash) == 0;
    if (proof->ntlm) {
        /* NTOWFv2 uses the user and domain exactly as the client sent them. */
        status = ntlm_ntowfv2(hash, proof->ntlm->user, proof->ntlm->domain, key);
        if (NT_SUCCESS(status))
            status = ntlm_v2_verify(key, proof->ntlm->server_challenge, proof->ntlm->nt_response.data,
                                    proof->ntlm->nt_response.len, session_base_key);
    } else if (crypto_nt_hash(proof->password, given) != 0) {
        status = STATUS_NO_MEMORY;
    } else {
        status = crypto_memcmp(hash, given, sizeof hash) == 0 ? STATUS_SUCCESS : STATUS_WRONG_PASSWORD;
    }
    crypto_wipe(hash, sizeof hash);
    crypto_wipe(key, sizeof key);
    crypto_wipe(given, sizeof given);
    return status;
}

static struct sam_lockout_policy lockout_policy(const struct lsa_settings *settings)
{
    return (struct sam_lockout_policy){ .threshold = settings->lockout_threshold,
                                        .duration = settings->lockout_duration,
                                        .observation_window = settings->lockout_reset };
}

/* Counts a bad password (and logs a lockout it causes). lp->lock held. */
static void record_bad_password(struct local_provider *lp, const struct sam_user *user,
                                const struct sam_lockout_policy *policy, int64_t now)
{
    bool locked = false;
    NTSTATUS recorded = sam_user_logon_failure(lp->reg, user->rid, now, policy, &locked);
    if (!NT_SUCCESS(recorded))
        log_error("local: cannot record a bad password for %s: %s", user->name, nt_status_name(recorded));
    else if (locked) {
        log_event(LOG_EVENT_LOCKOUT, LOG_LEVEL_WARNING, "local: account %s is now locked out", user->name);
        lsa_stats_lockout("local");
    }
}

/* Finds the account (lp->lock held): an uninitialised SAM has none. */
static NTSTATUS find_user(struct local_provider *lp, const char *name, struct sam_user *user)
{
    memset(user, 0, sizeof *user);
    NTSTATUS status = sam_user_by_name(lp->reg, name, user);
    return status == STATUS_INVALID_DEVICE_STATE ? STATUS_NO_SUCH_USER : status;
}

/* One logon, network or local: the order of the checks is in
 * local_provider.h, and is the same whichever way the password is proved. */
static NTSTATUS local_logon(struct lsa_provider *p, const struct lsa_settings *settings, const char *name,
                            const struct password_proof *proof, struct lsa_logon_result *result)
{
    struct local_provider *lp = local_of(p);
    struct sam_user user;
    struct sam_lockout_policy policy = lockout_policy(settings);
    int64_t now = (int64_t)time(NULL);
    NTSTATUS status;
    bool have_user = false;

    pthread_mutex_lock(&lp->lock);
    status = find_user(lp, name, &user);
    if (!NT_SUCCESS(status))
        goto out;
    have_user = true;

    if (sam_user_is_locked_out(&user, &policy, now)) {
        status = STATUS_ACCOUNT_LOCKED_OUT;
        goto out;
    }
    bool blank = false;
    status = verify_password(lp->reg, &user, proof, result->session_base_key, &blank);
    if (status == STATUS_WRONG_PASSWORD) {
        record_bad_password(lp, &user, &policy, now);
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
    if (NT_SUCCESS(status))
        status = check_logon_restrictions(lp->reg, &user, now, proof->ntlm ? proof->ntlm->workstation : NULL);
    if (!NT_SUCCESS(status))
        goto out;
    status = sam_user_logon_success(lp->reg, user.rid, now);
    if (!NT_SUCCESS(status))
        goto out;
    result->has_session_base_key = proof->ntlm != NULL;
    result->user = strdup(user.name);
    result->domain = strdup(settings->server_name);
    if (!result->user || !result->domain) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    status = build_token(lp->reg, &user.sid, DOMAIN_RID_NONE, false, result);
out:
    pthread_mutex_unlock(&lp->lock);
    if (!NT_SUCCESS(status))
        crypto_wipe(result->session_base_key, sizeof result->session_base_key);
    if (have_user)
        sam_user_free(&user);
    return status;
}

static NTSTATUS local_ntlm_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                 const struct ntlm_logon_request *req, struct lsa_logon_result *result)
{
    struct password_proof proof = { .ntlm = req };
    return local_logon(p, settings, req->user, &proof, result);
}

static NTSTATUS local_password_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                     const char *user, const char *password, struct lsa_logon_result *result)
{
    struct password_proof proof = { .password = password ? password : "" };
    return local_logon(p, settings, user, &proof, result);
}

/* A principal a mechanism (Kerberos) proved: name@REALM of the machine's
 * realm is the SAM user name. The KDC checked the password; the SAM still
 * decides whether the account may log on (locked out, disabled). */
static NTSTATUS local_principal_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                      const struct lsa_mech_result *mech, struct lsa_logon_result *result)
{
    struct local_provider *lp = local_of(p);
    struct sam_user user;
    struct sam_lockout_policy policy = lockout_policy(settings);
    int64_t now = (int64_t)time(NULL);
    if (!mech->own_realm || !mech->account || !mech->account[0] || strchr(mech->account, '/'))
        return STATUS_NO_SUCH_USER; /* another realm's, or a service's: not a SAM user */
    pthread_mutex_lock(&lp->lock);
    NTSTATUS status = find_user(lp, mech->account, &user);
    if (!NT_SUCCESS(status)) {
        pthread_mutex_unlock(&lp->lock);
        return status;
    }
    if (sam_user_is_locked_out(&user, &policy, now))
        status = STATUS_ACCOUNT_LOCKED_OUT;
    else if (user.flags & SAM_USER_DISABLED)
        status = STATUS_ACCOUNT_DISABLED;
    if (NT_SUCCESS(status))
        status = check_logon_restrictions(lp->reg, &user, now, NULL);
    if (NT_SUCCESS(status))
        status = sam_user_logon_success(lp->reg, user.rid, now);
    if (NT_SUCCESS(status)) {
        result->user = strdup(user.name);
        result->domain = strdup(settings->server_name);
        status = result->user && result->domain ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(status))
        status = build_token(lp->reg, &user.sid, DOMAIN_RID_NONE, false, result);
    pthread_mutex_unlock(&lp->lock);
    sam_user_free(&user);
    return status;
}

static NTSTATUS local_account_check(struct lsa_provider *p, const struct lsa_settings *settings, const char *name)
{
    struct local_provider *lp = local_of(p);
    struct sam_user user;
    struct sam_lockout_policy policy = lockout_policy(settings);
    int64_t now = (int64_t)time(NULL);
    pthread_mutex_lock(&lp->lock);
    NTSTATUS status = find_user(lp, name, &user);
    if (NT_SUCCESS(status)) {
        status = sam_user_is_locked_out(&user, &policy, now) ? STATUS_ACCOUNT_LOCKED_OUT
                                                             : check_account_policy(&user, settings, now);
        if (NT_SUCCESS(status))
            status = check_logon_restrictions(lp->reg, &user, now, NULL);
        sam_user_free(&user);
    }
    pthread_mutex_unlock(&lp->lock);
    return status;
}

/* A user's own change checks the old password as a logon would (lockout
 * first, a wrong one counted), but not disabled or expired: changing an
 * expired password is the way out of that state. A disabled account stays
 * shut: its owner cannot change its password either (an administrator's
 * reset, old_password NULL, can). */
static NTSTATUS local_change_password(struct lsa_provider *p, const struct lsa_settings *settings,
                                      const char *name, const char *old_password, const char *new_password,
                                      const struct audit_actor *actor, const char **why)
{
    struct local_provider *lp = local_of(p);
    struct sam_user user;
    struct sam_lockout_policy policy = lockout_policy(settings);
    int64_t now = (int64_t)time(NULL);
    *why = NULL;
    pthread_mutex_lock(&lp->lock);
    NTSTATUS status = find_user(lp, name, &user);
    if (!NT_SUCCESS(status)) {
        pthread_mutex_unlock(&lp->lock);
        return status;
    }
    if (old_password) {
        struct password_proof proof = { .password = old_password };
        uint8_t unused[16];
        bool blank = false;
        if (sam_user_is_locked_out(&user, &policy, now)) {
            status = STATUS_ACCOUNT_LOCKED_OUT;
        } else {
            status = verify_password(lp->reg, &user, &proof, unused, &blank);
            if (status == STATUS_WRONG_PASSWORD)
                record_bad_password(lp, &user, &policy, now);
            else if (NT_SUCCESS(status) && (user.flags & SAM_USER_DISABLED))
                status = STATUS_ACCOUNT_DISABLED;
        }
        bool denied = false;
        if (NT_SUCCESS(status))
            status = sam_user_may_change_password(lp->reg, user.rid, &user.sid, &denied);
        if (NT_SUCCESS(status) && denied) {
            status = STATUS_ACCESS_DENIED; /* "User cannot change password" */
            *why = "the account's descriptor denies the user a change of his own password";
        }
        crypto_wipe(unused, sizeof unused);
    }
    if (NT_SUCCESS(status) && new_password) {
        struct sam_password_policy pw_policy;
        status = sam_password_policy_load(lp->reg, &pw_policy);
        if (NT_SUCCESS(status))
            status = sam_password_check(&pw_policy, user.name, user.full_name, new_password, why);
        /* A user's own change (he proved the old password) is bound by the
         * minimum age and the history too, as samr's; root's reset is not. */
        if (NT_SUCCESS(status) && old_password) {
            status = sam_user_change_password(lp->reg, actor, user.rid, new_password, now);
            if (status == STATUS_PASSWORD_RESTRICTION && !*why)
                *why = "changed too recently (lsass.min-password-age), or one of the last passwords "
                       "(lsass.password-history)";
        } else if (NT_SUCCESS(status)) {
            status = sam_user_set_password(lp->reg, actor, user.rid, new_password);
        }
    }
    pthread_mutex_unlock(&lp->lock);
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
        status = build_token(lp->reg, &guest, DOMAIN_RID_GUESTS, true, result);
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
    .password_logon = local_password_logon,
    .account_check = local_account_check,
    .change_password = local_change_password,
    .principal_logon = local_principal_logon,
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
