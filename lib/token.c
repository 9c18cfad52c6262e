#include "lib/token.h"

#include <stdlib.h>
#include <string.h>

struct access_token *token_new(const struct sid *user, const struct sid *primary_group)
{
    struct access_token *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->user = *user;
    t->primary_group = *primary_group;
    t->uid = (uid_t)-1;
    t->gid = (gid_t)-1;
    return t;
}

bool token_has_sid(const struct access_token *token, const struct sid *sid)
{
    if (sid_equal(&token->user, sid))
        return true;
    for (size_t i = 0; i < token->group_count; i++)
        if (sid_equal(&token->groups[i], sid))
            return true;
    return false;
}

uint32_t token_privilege_bit(const char *name)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } bits[] = {
        { "SeBackupPrivilege", SE_PRIV_BACKUP },
        { "SeRestorePrivilege", SE_PRIV_RESTORE },
        { "SeTakeOwnershipPrivilege", SE_PRIV_TAKE_OWNERSHIP },
        { "SeSecurityPrivilege", SE_PRIV_SECURITY },
        { "SeChangeNotifyPrivilege", SE_PRIV_CHANGE_NOTIFY },
    };
    for (size_t i = 0; name && i < sizeof bits / sizeof bits[0]; i++)
        if (strcmp(bits[i].name, name) == 0)
            return bits[i].bit;
    return 0;
}

bool token_is_administrator(const struct access_token *token)
{
    if (!token || token->is_anonymous || token->is_guest)
        return false;
    return sid_equal(&token->user, &SID_LOCAL_SYSTEM) || token_has_sid(token, &SID_BUILTIN_ADMINISTRATORS);
}

int token_add_group(struct access_token *token, const struct sid *group)
{
    for (size_t i = 0; i < token->group_count; i++)
        if (sid_equal(&token->groups[i], group))
            return 0;
    if (token->group_count >= TOKEN_MAX_GROUPS)
        return -1;
    struct sid *groups = realloc(token->groups, (token->group_count + 1) * sizeof *groups);
    if (!groups)
        return -1;
    groups[token->group_count++] = *group;
    token->groups = groups;
    return 0;
}

struct access_token *token_copy(const struct access_token *token)
{
    struct access_token *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    *t = *token;
    atomic_init(&t->extra_refs, 0);
    t->groups = NULL;
    if (token->group_count) {
        t->groups = malloc(token->group_count * sizeof *t->groups);
        if (!t->groups) {
            free(t);
            return NULL;
        }
        memcpy(t->groups, token->groups, token->group_count * sizeof *t->groups);
    }
    return t;
}

struct access_token *token_ref(const struct access_token *token)
{
    if (!token)
        return NULL;
    /* The count lives in the token; sharing it is what const promises
     * callers it will not be changed for. */
    struct access_token *t = (struct access_token *)token;
    atomic_fetch_add(&t->extra_refs, 1);
    return t;
}

void token_free(struct access_token *token)
{
    if (!token)
        return;
    /* Another holder remains: drop this reference only (the count wraps
     * below zero only for the last one, which frees). */
    if (atomic_fetch_sub(&token->extra_refs, 1) != 0)
        return;
    free(token->groups);
    free(token);
}

struct access_token *token_new_system(void)
{
    struct access_token *t = token_new(&SID_LOCAL_SYSTEM, &SID_LOCAL_SYSTEM);
    if (!t)
        return NULL;
    if (token_add_group(t, &SID_BUILTIN_ADMINISTRATORS) || token_add_group(t, &SID_EVERYONE) ||
        token_add_group(t, &SID_AUTHENTICATED_USERS)) {
        token_free(t);
        return NULL;
    }
    t->privileges = SE_PRIV_BACKUP | SE_PRIV_RESTORE | SE_PRIV_TAKE_OWNERSHIP |
                    SE_PRIV_SECURITY | SE_PRIV_CHANGE_NOTIFY;
    t->uid = 0;
    t->gid = 0;
    return t;
}

void token_write(struct buf *b, const struct access_token *token)
{
    sid_write(b, &token->user);
    sid_write(b, &token->primary_group);
    wr_u32(b, token->privileges);
    wr_u32(b, (uint32_t)token->uid);
    wr_u32(b, (uint32_t)token->gid);
    wr_u8(b, token->is_anonymous);
    wr_u8(b, token->is_guest);
    wr_u8(b, token->unix_id_shared);
    wr_u32(b, (uint32_t)token->group_count);
    for (size_t i = 0; i < token->group_count; i++)
        sid_write(b, &token->groups[i]);
}

struct access_token *token_read(struct buf_reader *r)
{
    struct sid user, group;
    if (sid_read(r, &user) || sid_read(r, &group))
        return NULL;
    struct access_token *t = token_new(&user, &group);
    if (!t)
        return NULL;
    t->privileges = rd_u32(r);
    t->uid = (uid_t)rd_u32(r);
    t->gid = (gid_t)rd_u32(r);
    t->is_anonymous = rd_u8(r) != 0;
    t->is_guest = rd_u8(r) != 0;
    t->unix_id_shared = rd_u8(r) != 0;
    uint32_t count = rd_u32(r);
    if (!rd_ok(r) || count > TOKEN_MAX_GROUPS) {
        token_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < count; i++) {
        struct sid g;
        if (sid_read(r, &g) || token_add_group(t, &g)) {
            token_free(t);
            return NULL;
        }
    }
    return t;
}
