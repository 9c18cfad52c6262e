/* SAM accounts as Unix ids and passwd/group entries (see idmap.h). The ids
 * themselves are the SAM's (lsass/sam/ids.c); this file reads them the way
 * NSS, pvfs and tokens need them. */
#include "lsass/idmap/idmap.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"

/* ---- the range ----------------------------------------------------------- */

NTSTATUS idmap_range_parse(const char *text, struct idmap_range *range, const char **why)
{
    return sam_id_range_parse(text, &range->first, &range->last, why);
}

NTSTATUS idmap_range_get(struct registry *reg, struct idmap_range *range)
{
    return sam_id_range(reg, &range->first, &range->last);
}

NTSTATUS idmap_range_check(struct registry *reg, const struct idmap_range *range, char **why)
{
    return sam_id_range_check(reg, range->first, range->last, why);
}

/* ---- helpers ------------------------------------------------------------- */

/* Every entry point starts here: the SAM must exist, and accounts older than
 * Unix ids get settled once. */
static NTSTATUS ready(struct registry *reg, struct sid *domain, uint32_t *base)
{
    NTSTATUS status = sam_domain_sid(reg, domain);
    if (!NT_SUCCESS(status))
        return status;
    /* Not fatal: a reader that cannot write (a read-only registry, a busy
     * writer) still answers; unsettled accounts read as unmapped until a
     * writer settles them. */
    NTSTATUS settled = sam_ids_settle(reg);
    if (!NT_SUCCESS(settled))
        log_warning("idmap: cannot settle accounts older than Unix ids yet: %s",
                    nt_status_name(settled));
    return sam_id_base(reg, base);
}

/* A mapped user's Unix account: its uid and primary gid. */
static NTSTATUS unix_account_ids(const char *account, uid_t *uid, gid_t *gid)
{
    struct passwd pw, *found = NULL;
    char buffer[4096];
    if (getpwnam_r(account, &pw, buffer, sizeof buffer, &found) != 0 || !found)
        return STATUS_NONE_MAPPED; /* the account went away: no identity */
    if (uid)
        *uid = found->pw_uid;
    if (gid)
        *gid = found->pw_gid;
    return STATUS_SUCCESS;
}

/* The uid a SAM user acts as: its mapped account's, else its own. */
static NTSTATUS user_uid(const struct sam_user *user, uid_t *uid)
{
    if (user->unix_account)
        return unix_account_ids(user->unix_account, uid, NULL);
    if (!user->uid)
        return STATUS_NONE_MAPPED;
    *uid = user->uid;
    return STATUS_SUCCESS;
}

static char *dup_or_null(const char *s, bool *failed)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        *failed = true;
    return copy;
}

static NTSTATUS passwd_fill(struct idmap_passwd *pw, const char *name, uid_t uid, gid_t gid,
                            const char *gecos, const struct sid *sid)
{
    bool failed = false;
    memset(pw, 0, sizeof *pw);
    pw->name = dup_or_null(name, &failed);
    pw->gecos = dup_or_null(gecos, &failed);
    pw->home = dup_or_null(IDMAP_HOME, &failed);
    pw->shell = dup_or_null(IDMAP_SHELL, &failed);
    pw->uid = uid;
    pw->gid = gid;
    pw->sid = *sid;
    if (failed) {
        idmap_passwd_free(pw);
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

/* The passwd entry of a SAM user with its own uid (mapped users have none
 * here: STATUS_NO_SUCH_USER). */
static NTSTATUS passwd_of_user(const struct sam_user *user, uint32_t base, struct idmap_passwd *pw)
{
    if (user->unix_account || !user->uid)
        return STATUS_NO_SUCH_USER;
    return passwd_fill(pw, user->name, user->uid, base + IDMAP_RID_NONE, user->full_name, &user->sid);
}

/* The rowless accounts: Guest and anonymous. which: 0 Guest, 1 anonymous. */
static NTSTATUS passwd_builtin(int which, const struct sid *domain, uint32_t base,
                               struct idmap_passwd *pw)
{
    struct sid sid;
    if (which == 0) {
        NTSTATUS status = sid_append(&sid, domain, IDMAP_RID_GUEST);
        if (!NT_SUCCESS(status))
            return status;
        return passwd_fill(pw, "Guest", base + IDMAP_RID_GUEST, base + IDMAP_RID_DOMAIN_GUESTS,
                           "Built-in account for guest access", &sid);
    }
    return passwd_fill(pw, IDMAP_ANONYMOUS_NAME, base + IDMAP_ANONYMOUS_OFFSET,
                       base + IDMAP_ANONYMOUS_OFFSET, "ANONYMOUS LOGON", &SID_ANONYMOUS);
}

/* Whether a SAM user takes the rowless account's name (the SAM user wins). */
static bool sam_name_exists(struct registry *reg, const char *name)
{
    struct sam_user user;
    if (!NT_SUCCESS(sam_user_by_name(reg, name, &user)))
        return false;
    sam_user_free(&user);
    return true;
}

/* ---- ids and SIDs --------------------------------------------------------- */

NTSTATUS idmap_sid_to_uid(struct registry *reg, const struct sid *sid, uid_t *uid)
{
    struct sid domain;
    uint32_t base, rid;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    if (sid_equal(sid, &SID_ANONYMOUS)) {
        *uid = base + IDMAP_ANONYMOUS_OFFSET;
        return STATUS_SUCCESS;
    }
    if (!sid_split_rid(sid, &domain, &rid))
        return STATUS_NONE_MAPPED;
    if (rid == IDMAP_RID_GUEST) {
        *uid = base + IDMAP_RID_GUEST;
        return STATUS_SUCCESS;
    }
    struct sam_user user;
    status = sam_user_by_rid(reg, rid, &user);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_USER ? STATUS_NONE_MAPPED : status;
    status = user_uid(&user, uid);
    sam_user_free(&user);
    return status;
}

NTSTATUS idmap_sid_to_gid(struct registry *reg, const struct sid *sid, gid_t *gid)
{
    struct sid domain;
    uint32_t base, rid;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    if (sid_equal(sid, &SID_ANONYMOUS)) {
        *gid = base + IDMAP_ANONYMOUS_OFFSET;
        return STATUS_SUCCESS;
    }
    if (sid_split_rid(sid, &domain, &rid) &&
        (rid == IDMAP_RID_NONE || rid == IDMAP_RID_DOMAIN_GUESTS)) {
        *gid = base + rid;
        return STATUS_SUCCESS;
    }
    struct sam_group group;
    status = sam_group_by_sid(reg, sid, &group);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_ALIAS ? STATUS_NONE_MAPPED : status;
    *gid = group.gid;
    status = group.gid ? STATUS_SUCCESS : STATUS_NONE_MAPPED;
    sam_group_free(&group);
    return status;
}

NTSTATUS idmap_uid_to_sid(struct registry *reg, uid_t uid, struct sid *sid)
{
    struct sid domain;
    uint32_t base;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    if (uid == base + IDMAP_ANONYMOUS_OFFSET) {
        *sid = SID_ANONYMOUS;
        return STATUS_SUCCESS;
    }
    if (uid == base + IDMAP_RID_GUEST)
        return sid_append(sid, &domain, IDMAP_RID_GUEST);
    struct sam_user user;
    status = sam_user_by_uid(reg, (uint32_t)uid, &user);
    if (status == STATUS_NO_SUCH_USER) {
        /* A mapped Unix account's uid names the SAM user mapped to it. */
        struct passwd pw, *found = NULL;
        char buffer[4096];
        if (getpwuid_r(uid, &pw, buffer, sizeof buffer, &found) == 0 && found)
            status = sam_user_by_unix_account(reg, found->pw_name, &user);
    }
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_USER ? STATUS_NONE_MAPPED : status;
    *sid = user.sid;
    sam_user_free(&user);
    return STATUS_SUCCESS;
}

NTSTATUS idmap_gid_to_sid(struct registry *reg, gid_t gid, struct sid *sid)
{
    struct sid domain;
    uint32_t base;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    if (gid == base + IDMAP_ANONYMOUS_OFFSET) {
        *sid = SID_ANONYMOUS;
        return STATUS_SUCCESS;
    }
    if (gid == base + IDMAP_RID_NONE || gid == base + IDMAP_RID_DOMAIN_GUESTS)
        return sid_append(sid, &domain, gid - base);
    struct sam_group group;
    status = sam_group_by_gid(reg, (uint32_t)gid, &group);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_ALIAS ? STATUS_NONE_MAPPED : status;
    *sid = group.sid;
    sam_group_free(&group);
    return STATUS_SUCCESS;
}

NTSTATUS idmap_token_ids(struct registry *reg, const struct access_token *token, uid_t *uid,
                         gid_t *gid)
{
    struct sid domain;
    uint32_t base, rid;
    uid_t u = 0;
    gid_t g = 0;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    if (token->is_anonymous || sid_equal(&token->user, &SID_ANONYMOUS)) {
        u = g = base + IDMAP_ANONYMOUS_OFFSET;
    } else if (sid_split_rid(&token->user, &domain, &rid) && rid != IDMAP_RID_GUEST) {
        struct sam_user user;
        status = sam_user_by_rid(reg, rid, &user);
        if (!NT_SUCCESS(status))
            return status == STATUS_NO_SUCH_USER ? STATUS_NONE_MAPPED : status;
        if (user.unix_account)
            /* A Unix account acts with its own primary group. */
            status = unix_account_ids(user.unix_account, &u, &g);
        else {
            u = user.uid;
            status = u ? idmap_sid_to_gid(reg, &token->primary_group, &g) : STATUS_NONE_MAPPED;
        }
        sam_user_free(&user);
    } else {
        status = idmap_sid_to_uid(reg, &token->user, &u);
        if (NT_SUCCESS(status))
            status = idmap_sid_to_gid(reg, &token->primary_group, &g);
    }
    if (!NT_SUCCESS(status))
        return status;
    /* Nobody acts as root over the network, whatever the SAM or
     * /etc/passwd came to say after a mapping was made. */
    if (u == 0 || g == 0)
        return STATUS_ACCESS_DENIED;
    *uid = u;
    *gid = g;
    return STATUS_SUCCESS;
}

/* ---- the Unix account mapping -------------------------------------------- */

NTSTATUS idmap_user_set_unix_account(struct registry *reg, const struct audit_actor *actor,
                                     const char *user, const char *account)
{
    return idmap_user_set_unix_account_why(reg, actor, user, account, NULL);
}

NTSTATUS idmap_user_set_unix_account_why(struct registry *reg, const struct audit_actor *actor,
                                         const char *user, const char *account, char **why)
{
    struct sid domain;
    uint32_t base;
    struct sam_user found;
    if (why)
        *why = NULL;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_name(reg, user, &found);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_set_unix_account(reg, actor, found.rid, account, why);
    sam_user_free(&found);
    return status;
}

NTSTATUS idmap_user_unix_account(struct registry *reg, const char *user, char **account)
{
    struct sid domain;
    uint32_t base;
    struct sam_user found;
    *account = NULL;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_name(reg, user, &found);
    if (!NT_SUCCESS(status))
        return status;
    if (found.unix_account) {
        *account = found.unix_account;
        found.unix_account = NULL;
    }
    sam_user_free(&found);
    return STATUS_SUCCESS;
}

/* ---- passwd ------------------------------------------------------------- */

NTSTATUS idmap_passwd_by_name(struct registry *reg, const char *name, struct idmap_passwd *pw)
{
    struct sid domain;
    uint32_t base;
    memset(pw, 0, sizeof *pw);
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    struct sam_user user;
    status = sam_user_by_name(reg, name, &user);
    if (NT_SUCCESS(status)) {
        status = passwd_of_user(&user, base, pw);
        sam_user_free(&user);
        return status;
    }
    if (status != STATUS_NO_SUCH_USER)
        return status;
    if (strcmp(name, "Guest") == 0)
        return passwd_builtin(0, &domain, base, pw);
    if (strcmp(name, IDMAP_ANONYMOUS_NAME) == 0)
        return passwd_builtin(1, &domain, base, pw);
    return STATUS_NO_SUCH_USER;
}

NTSTATUS idmap_passwd_by_uid(struct registry *reg, uid_t uid, struct idmap_passwd *pw)
{
    struct sid domain;
    uint32_t base;
    memset(pw, 0, sizeof *pw);
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    if (uid == base + IDMAP_RID_GUEST && !sam_name_exists(reg, "Guest"))
        return passwd_builtin(0, &domain, base, pw);
    if (uid == base + IDMAP_ANONYMOUS_OFFSET && !sam_name_exists(reg, IDMAP_ANONYMOUS_NAME))
        return passwd_builtin(1, &domain, base, pw);
    struct sam_user user;
    status = sam_user_by_uid(reg, (uint32_t)uid, &user);
    if (!NT_SUCCESS(status))
        return status;
    status = passwd_of_user(&user, base, pw);
    sam_user_free(&user);
    return status;
}

static int compare_passwd(const void *a, const void *b)
{
    uid_t x = ((const struct idmap_passwd *)a)->uid, y = ((const struct idmap_passwd *)b)->uid;
    return x < y ? -1 : x > y;
}

NTSTATUS idmap_passwd_list(struct registry *reg, struct idmap_passwd **list, size_t *count)
{
    struct sid domain;
    uint32_t base;
    struct sam_user_list users;
    *list = NULL;
    *count = 0;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_list(reg, &users);
    if (!NT_SUCCESS(status))
        return status;
    struct idmap_passwd *entries = calloc(users.count + 2, sizeof *entries);
    size_t n = 0;
    if (!entries)
        status = STATUS_NO_MEMORY;
    bool guest_taken = false, anonymous_taken = false;
    for (size_t i = 0; NT_SUCCESS(status) && i < users.count; i++) {
        guest_taken |= strcasecmp(users.users[i].name, "Guest") == 0;
        anonymous_taken |= strcasecmp(users.users[i].name, IDMAP_ANONYMOUS_NAME) == 0;
        status = passwd_of_user(&users.users[i], base, &entries[n]);
        if (NT_SUCCESS(status))
            n++;
        else if (status == STATUS_NO_SUCH_USER)
            status = STATUS_SUCCESS; /* mapped: /etc/passwd lists it */
    }
    if (NT_SUCCESS(status) && !guest_taken && NT_SUCCESS(status = passwd_builtin(0, &domain, base, &entries[n])))
        n++;
    if (NT_SUCCESS(status) && !anonymous_taken &&
        NT_SUCCESS(status = passwd_builtin(1, &domain, base, &entries[n])))
        n++;
    sam_user_list_free(&users);
    if (!NT_SUCCESS(status)) {
        idmap_passwd_list_free(entries, n);
        return status;
    }
    qsort(entries, n, sizeof *entries, compare_passwd);
    *list = entries;
    *count = n;
    return STATUS_SUCCESS;
}

void idmap_passwd_free(struct idmap_passwd *pw)
{
    if (!pw)
        return;
    free(pw->name);
    free(pw->gecos);
    free(pw->home);
    free(pw->shell);
    memset(pw, 0, sizeof *pw);
}

void idmap_passwd_list_free(struct idmap_passwd *list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        idmap_passwd_free(&list[i]);
    free(list);
}

/* ---- groups ------------------------------------------------------------- */

/* The passwd name of a member SID, or NULL (not a user NSS can name). */
static char *member_name(struct registry *reg, const struct sid *domain, const struct sid *member,
                         bool *failed)
{
    uint32_t rid;
    if (!sid_split_rid(member, domain, &rid))
        return NULL;
    if (rid == IDMAP_RID_GUEST && !sam_name_exists(reg, "Guest"))
        return dup_or_null("Guest", failed);
    struct sam_user user;
    if (!NT_SUCCESS(sam_user_by_rid(reg, rid, &user)))
        return NULL;
    char *name = dup_or_null(user.unix_account ? user.unix_account : user.name, failed);
    sam_user_free(&user);
    return name;
}

static NTSTATUS group_fill(struct registry *reg, const struct sid *domain, const char *name,
                           gid_t gid, const struct sid *sid, bool with_members,
                           struct idmap_group *group)
{
    bool failed = false;
    memset(group, 0, sizeof *group);
    group->name = dup_or_null(name, &failed);
    group->gid = gid;
    group->sid = *sid;
    struct sid *members = NULL;
    size_t count = 0;
    NTSTATUS status = STATUS_SUCCESS;
    if (with_members)
        status = sam_group_members(reg, sid, &members, &count);
    if (NT_SUCCESS(status) && count) {
        group->members = calloc(count, sizeof *group->members);
        if (!group->members)
            failed = true;
        for (size_t i = 0; !failed && i < count; i++) {
            char *member = member_name(reg, domain, &members[i], &failed);
            if (member)
                group->members[group->member_count++] = member;
        }
    }
    free(members);
    if (NT_SUCCESS(status) && failed)
        status = STATUS_NO_MEMORY;
    if (!NT_SUCCESS(status))
        idmap_group_free(group);
    return status;
}

static NTSTATUS group_of_sam(struct registry *reg, const struct sid *domain,
                             const struct sam_group *g, struct idmap_group *group)
{
    if (!g->gid)
        return STATUS_NO_SUCH_GROUP;
    return group_fill(reg, domain, g->name, g->gid, &g->sid, true, group);
}

/* The rowless groups: 0 None, 1 Domain Guests, 2 anonymous. */
#define ROWLESS_GROUPS 3
static NTSTATUS group_rowless(struct registry *reg, int which, const struct sid *domain,
                              uint32_t base, struct idmap_group *group)
{
    struct sid sid;
    NTSTATUS status;
    if (which == 2)
        return group_fill(reg, domain, IDMAP_ANONYMOUS_NAME, base + IDMAP_ANONYMOUS_OFFSET,
                          &SID_ANONYMOUS, false, group);
    uint32_t rid = which == 0 ? IDMAP_RID_NONE : IDMAP_RID_DOMAIN_GUESTS;
    status = sid_append(&sid, domain, rid);
    if (!NT_SUCCESS(status))
        return status;
    status = group_fill(reg, domain, which == 0 ? "None" : "Domain Guests", base + rid, &sid, false,
                        group);
    /* Guest's primary group: name it as its member, as /etc/group does. */
    if (NT_SUCCESS(status) && which == 1) {
        bool failed = false;
        group->members = calloc(1, sizeof *group->members);
        char *guest = group->members ? dup_or_null("Guest", &failed) : NULL;
        if (!guest) {
            idmap_group_free(group);
            return STATUS_NO_MEMORY;
        }
        group->members[group->member_count++] = guest;
    }
    return status;
}

static const char *const rowless_group_names[ROWLESS_GROUPS] = { "None", "Domain Guests",
                                                                 IDMAP_ANONYMOUS_NAME };
static const uint32_t rowless_group_offsets[ROWLESS_GROUPS] = { IDMAP_RID_NONE,
                                                                IDMAP_RID_DOMAIN_GUESTS,
                                                                IDMAP_ANONYMOUS_OFFSET };

NTSTATUS idmap_group_by_name(struct registry *reg, const char *name, struct idmap_group *group)
{
    struct sid domain;
    uint32_t base;
    memset(group, 0, sizeof *group);
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    struct sam_group g;
    status = sam_group_by_name(reg, name, &g);
    if (NT_SUCCESS(status)) {
        status = group_of_sam(reg, &domain, &g, group);
        sam_group_free(&g);
        return status;
    }
    if (status != STATUS_NO_SUCH_ALIAS)
        return status;
    for (int i = 0; i < ROWLESS_GROUPS; i++)
        if (strcmp(name, rowless_group_names[i]) == 0)
            return group_rowless(reg, i, &domain, base, group);
    return STATUS_NO_SUCH_GROUP;
}

NTSTATUS idmap_group_by_gid(struct registry *reg, gid_t gid, struct idmap_group *group)
{
    struct sid domain;
    uint32_t base;
    memset(group, 0, sizeof *group);
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    for (int i = 0; i < ROWLESS_GROUPS; i++)
        if (gid == base + rowless_group_offsets[i])
            return group_rowless(reg, i, &domain, base, group);
    struct sam_group g;
    status = sam_group_by_gid(reg, (uint32_t)gid, &g);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_ALIAS ? STATUS_NO_SUCH_GROUP : status;
    status = group_of_sam(reg, &domain, &g, group);
    sam_group_free(&g);
    return status;
}

static int compare_group(const void *a, const void *b)
{
    gid_t x = ((const struct idmap_group *)a)->gid, y = ((const struct idmap_group *)b)->gid;
    return x < y ? -1 : x > y;
}

NTSTATUS idmap_group_list(struct registry *reg, struct idmap_group **list, size_t *count)
{
    struct sid domain;
    uint32_t base;
    struct sam_group_list groups;
    *list = NULL;
    *count = 0;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_group_list(reg, &groups);
    if (!NT_SUCCESS(status))
        return status;
    struct idmap_group *entries = calloc(groups.count + ROWLESS_GROUPS, sizeof *entries);
    size_t n = 0;
    if (!entries)
        status = STATUS_NO_MEMORY;
    for (size_t i = 0; NT_SUCCESS(status) && i < groups.count; i++) {
        status = group_of_sam(reg, &domain, &groups.groups[i], &entries[n]);
        if (NT_SUCCESS(status))
            n++;
        else if (status == STATUS_NO_SUCH_GROUP)
            status = STATUS_SUCCESS;
    }
    for (int i = 0; NT_SUCCESS(status) && i < ROWLESS_GROUPS; i++) {
        status = group_rowless(reg, i, &domain, base, &entries[n]);
        if (NT_SUCCESS(status))
            n++;
    }
    sam_group_list_free(&groups);
    if (!NT_SUCCESS(status)) {
        idmap_group_list_free(entries, n);
        return status;
    }
    qsort(entries, n, sizeof *entries, compare_group);
    *list = entries;
    *count = n;
    return STATUS_SUCCESS;
}

void idmap_group_free(struct idmap_group *group)
{
    if (!group)
        return;
    free(group->name);
    for (size_t i = 0; i < group->member_count; i++)
        free(group->members[i]);
    free(group->members);
    memset(group, 0, sizeof *group);
}

void idmap_group_list_free(struct idmap_group *list, size_t count)
{
    if (!list)
        return;
    for (size_t i = 0; i < count; i++)
        idmap_group_free(&list[i]);
    free(list);
}

/* ---- initgroups --------------------------------------------------------- */

static bool gid_add(gid_t *gids, size_t *count, gid_t gid)
{
    for (size_t i = 0; i < *count; i++)
        if (gids[i] == gid)
            return false;
    gids[(*count)++] = gid;
    return true;
}

NTSTATUS idmap_user_gids(struct registry *reg, const char *name, gid_t **gids, size_t *count)
{
    struct sid domain;
    uint32_t base;
    *gids = NULL;
    *count = 0;
    NTSTATUS status = ready(reg, &domain, &base);
    if (!NT_SUCCESS(status))
        return status;
    struct sid sids[4];
    size_t sid_count = 0;
    gid_t primary;
    struct sam_user user;
    bool guest = false;
    status = sam_user_by_name(reg, name, &user);
    if (status == STATUS_NO_SUCH_USER)
        status = sam_user_by_unix_account(reg, name, &user);
    if (NT_SUCCESS(status)) {
        sids[sid_count++] = user.sid;
        sids[sid_count++] = SID_AUTHENTICATED_USERS;
        if (user.unix_account)
            status = unix_account_ids(user.unix_account, NULL, &primary);
        else
            primary = base + IDMAP_RID_NONE;
        sam_user_free(&user);
    } else if (status == STATUS_NO_SUCH_USER && strcmp(name, "Guest") == 0) {
        guest = true;
        status = sid_append(&sids[sid_count++], &domain, IDMAP_RID_GUEST);
        primary = base + IDMAP_RID_DOMAIN_GUESTS;
    }
    if (!NT_SUCCESS(status))
        return status;
    sids[sid_count++] = SID_EVERYONE;

    struct sid *aliases = NULL;
    size_t alias_count = 0;
    status = sam_alias_membership(reg, sids, sid_count, &aliases, &alias_count);
    if (!NT_SUCCESS(status))
        return status;
    gid_t *out = calloc(alias_count + 2, sizeof *out);
    size_t n = 0;
    if (!out) {
        free(aliases);
        return STATUS_NO_MEMORY;
    }
    gid_add(out, &n, primary);
    if (guest) {
        /* Guest's token carries BUILTIN\Guests whatever the table says. */
        gid_t g;
        if (NT_SUCCESS(idmap_sid_to_gid(reg, &SID_BUILTIN_GUESTS, &g)))
            gid_add(out, &n, g);
    }
    for (size_t i = 0; i < alias_count; i++) {
        gid_t g;
        if (NT_SUCCESS(idmap_sid_to_gid(reg, &aliases[i], &g)))
            gid_add(out, &n, g);
    }
    free(aliases);
    *gids = out;
    *count = n;
    return STATUS_SUCCESS;
}
