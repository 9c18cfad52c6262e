/* Access tokens for network logons: well-known groups, privileges, and the
 * unix identity pvfs acts as. */
#include "lsass/auth/auth.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

/* What Windows gives every logon: bypass traverse checking. */
#define PRIV_EVERYONE SE_PRIV_CHANGE_NOTIFY
/* What Administrators hold by default on a Windows server (the subset a file
 * server consults). */
#define PRIV_ADMINISTRATORS (SE_PRIV_BACKUP | SE_PRIV_RESTORE | SE_PRIV_TAKE_OWNERSHIP | SE_PRIV_SECURITY)

/* Where the unix identity falls back when even the fallback user is missing. */
#define NOBODY_ID 65534

NTSTATUS lsa_token_add_logon_groups(struct access_token *token, bool guest_or_anonymous)
{
    if (token_add_group(token, &SID_EVERYONE) || token_add_group(token, &SID_NETWORK))
        return STATUS_NO_MEMORY;
    if (!guest_or_anonymous && token_add_group(token, &SID_AUTHENTICATED_USERS))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

int lsa_unix_identity(const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *found = NULL;
    char buffer[4096];
    if (!name || !*name || getpwnam_r(name, &pw, buffer, sizeof buffer, &found) != 0 || !found)
        return -1;
    *uid = found->pw_uid;
    *gid = found->pw_gid;
    return 0;
}

bool lsa_unix_identity_privileged(uid_t uid, gid_t gid)
{
    return uid == 0 || gid == 0;
}

/* The identity every user without a unix account of its own shares. A
 * fallback account of uid 0 or gid 0 (lsass.unix-fallback-user root, or an
 * account in group root) is refused here whatever the registry says (the
 * schema refuses it when it is set, but the account may change later):
 * Guest and anonymous would otherwise act as root on disk. */
static void fallback_identity(const struct lsa_settings *settings, uid_t *uid, gid_t *gid)
{
    static bool warned;
    if (lsa_unix_identity(settings->unix_fallback_user, uid, gid) == 0) {
        if (!lsa_unix_identity_privileged(*uid, *gid))
            return;
        if (!__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
            log_warning("lsass.unix-fallback-user %s is uid %lu gid %lu: a privileged "
                        "account is never the fallback; using %d:%d",
                        settings->unix_fallback_user, (unsigned long)*uid, (unsigned long)*gid,
                        NOBODY_ID, NOBODY_ID);
    }
    *uid = NOBODY_ID;
    *gid = NOBODY_ID;
}

NTSTATUS lsa_token_finish(struct access_token *token, const char *unix_name,
                          const struct lsa_settings *settings)
{
    token->privileges |= PRIV_EVERYONE;
    if (token_has_sid(token, &SID_BUILTIN_ADMINISTRATORS))
        token->privileges |= PRIV_ADMINISTRATORS;
    /* Nobody logs on over the network as root: a SAM user named "root" (or
     * one whose unix account's primary group is root) would otherwise act
     * as uid or gid 0 on disk, bypassing every permission. */
    bool own = lsa_unix_identity(unix_name, &token->uid, &token->gid) == 0 &&
               !lsa_unix_identity_privileged(token->uid, token->gid);
    if (!own)
        fallback_identity(settings, &token->uid, &token->gid);
    token->unix_id_shared = !own;
    return STATUS_SUCCESS;
}

struct access_token *lsa_token_anonymous(const struct lsa_settings *settings)
{
    struct access_token *token = token_new(&SID_ANONYMOUS, &SID_ANONYMOUS);
    if (!token)
        return NULL;
    token->is_anonymous = true;
    if (!NT_SUCCESS(lsa_token_add_logon_groups(token, true)) ||
        !NT_SUCCESS(lsa_token_finish(token, NULL, settings))) {
        token_free(token);
        return NULL;
    }
    return token;
}

char *lsa_log_safe(const char *in, char *out, size_t size)
{
    size_t n = 0;
    if (!size)
        return out;
    for (; in && in[n] && n + 1 < size; n++) {
        unsigned char ch = (unsigned char)in[n];
        out[n] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    out[n] = 0;
    return out;
}
