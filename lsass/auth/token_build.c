/* Access tokens for network logons: well-known groups, privileges, and the
 * unix identity pvfs acts as. */
#include "lsass/auth/auth.h"

#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

/* What Windows gives every logon: bypass traverse checking. */
#define PRIV_EVERYONE SE_PRIV_CHANGE_NOTIFY
/* What Administrators hold by default on a Windows server (the subset a file
 * server consults). */
#define PRIV_ADMINISTRATORS (SE_PRIV_BACKUP | SE_PRIV_RESTORE | SE_PRIV_TAKE_OWNERSHIP | SE_PRIV_SECURITY)

/* The identity of a logon whose own is privileged or missing: nobody. */
#define NOBODY_ID 65534

NTSTATUS lsa_token_add_logon_groups(struct access_token *token, bool guest_or_anonymous)
{
    if (token_add_group(token, &SID_EVERYONE) || token_add_group(token, &SID_NETWORK))
        return STATUS_NO_MEMORY;
    if (!guest_or_anonymous && token_add_group(token, &SID_AUTHENTICATED_USERS))
        return STATUS_NO_MEMORY;
    return STATUS_SUCCESS;
}

bool lsa_unix_identity_privileged(uid_t uid, gid_t gid)
{
    return uid == 0 || gid == 0;
}

NTSTATUS lsa_token_finish(struct access_token *token, uid_t uid, gid_t gid)
{
    token->privileges |= PRIV_EVERYONE;
    if (token_has_sid(token, &SID_BUILTIN_ADMINISTRATORS))
        token->privileges |= PRIV_ADMINISTRATORS;
    /* Nobody logs on over the network as root: an id map that came to say
     * uid or gid 0 (a mapped Unix account changed after it was mapped) would
     * otherwise bypass every permission on disk. Nor does a logon without an
     * identity (a mapped account that went away) borrow anyone's: both act as
     * nobody, which owns nothing. */
    if (uid == (uid_t)-1 || gid == (gid_t)-1 || lsa_unix_identity_privileged(uid, gid)) {
        char sid[SID_STRING_MAX];
        sid_format(&token->user, sid, sizeof sid);
        log_warning("%s: unix identity %ld:%ld is %s; acting as %d:%d, which owns nothing",
                    sid, uid == (uid_t)-1 ? -1L : (long)uid, gid == (gid_t)-1 ? -1L : (long)gid,
                    uid == (uid_t)-1 || gid == (gid_t)-1 ? "missing" : "privileged",
                    NOBODY_ID, NOBODY_ID);
        token->uid = NOBODY_ID;
        token->gid = NOBODY_ID;
        token->unix_id_shared = true;
        return STATUS_SUCCESS;
    }
    token->uid = uid;
    token->gid = gid;
    token->unix_id_shared = false;
    return STATUS_SUCCESS;
}

struct access_token *lsa_token_anonymous(const struct lsa_settings *settings)
{
    struct access_token *token = token_new(&SID_ANONYMOUS, &SID_ANONYMOUS);
    if (!token)
        return NULL;
    token->is_anonymous = true;
    if (!NT_SUCCESS(lsa_token_add_logon_groups(token, true)) ||
        !NT_SUCCESS(lsa_token_finish(token, settings->anonymous_uid, settings->anonymous_gid))) {
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
