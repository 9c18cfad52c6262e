/* Local groups and the built-in aliases, and their members.
 *
 * On Windows a standalone server's "local groups" are aliases: they hold users
 * and SIDs from outside the machine (well-known groups, domain accounts) but
 * not other local groups. The SAM keeps that rule. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/utf16.h"

#define GROUP_COLUMNS \
    "rid, builtin, name, description, " \
    "(SELECT count(*) FROM sam_members m WHERE m.group_rid = sam_groups.rid), gid"

/* The SID of a group row: S-1-5-32-rid for built-ins, else domain + rid. */
static NTSTATUS group_sid(const struct sid *domain, bool builtin, uint32_t rid, struct sid *sid)
{
    return sid_append(sid, builtin ? &SID_BUILTIN : domain, rid);
}

static NTSTATUS group_from_row(sqlite3_stmt *stmt, const struct sid *domain,
                               struct sam_group *group)
{
    memset(group, 0, sizeof *group);
    int64_t rid = sqlite3_column_int64(stmt, 0);
    if (rid <= 0 || rid > (int64_t)UINT32_MAX)
        return STATUS_INTERNAL_ERROR;
    group->rid = (uint32_t)rid;
    group->builtin = sqlite3_column_int(stmt, 1) != 0;
    if (!NT_SUCCESS(group_sid(domain, group->builtin, group->rid, &group->sid)))
        return STATUS_INTERNAL_ERROR;
    group->name = sam_column_strdup(stmt, 2);
    group->description = sam_column_strdup(stmt, 3);
    group->member_count = (size_t)sqlite3_column_int64(stmt, 4);
    int64_t gid = sqlite3_column_int64(stmt, 5);
    group->gid = gid > 0 && gid <= UINT32_MAX ? (uint32_t)gid : 0;
    if (!group->name || !group->description) {
        sam_group_free(group);
        return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS group_query_one(struct registry *reg, sqlite3_stmt *stmt, struct sam_group *group)
{
    memset(group, 0, sizeof *group);
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    struct sid domain;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        goto out;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        status = group_from_row(stmt, &domain, group);
    else if (rc == SQLITE_DONE)
        status = STATUS_NO_SUCH_ALIAS;
    else
        status = sam_sqlite_status(reg, rc);
out:
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_group_rid_of(struct registry *reg, const struct sid *sid, uint32_t *rid)
{
    struct sid domain;
    bool builtin;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    if (sid_split_rid(sid, &SID_BUILTIN, rid))
        builtin = true;
    else if (sid_split_rid(sid, &domain, rid))
        builtin = false;
    else
        return STATUS_NO_SUCH_ALIAS;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT 1 FROM sam_groups WHERE rid = ?1 AND builtin = ?2");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, *rid);
    sqlite3_bind_int(stmt, 2, builtin);
    int rc = sqlite3_step(stmt);
    status = rc == SQLITE_ROW    ? STATUS_SUCCESS
             : rc == SQLITE_DONE ? STATUS_NO_SUCH_ALIAS
                                 : sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_group_by_sid(struct registry *reg, const struct sid *sid, struct sam_group *group)
{
    memset(group, 0, sizeof *group);
    uint32_t rid;
    NTSTATUS status = sam_group_rid_of(reg, sid, &rid);
    if (!NT_SUCCESS(status))
        return status;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT " GROUP_COLUMNS " FROM sam_groups WHERE rid = ?1");
    if (stmt)
        sqlite3_bind_int64(stmt, 1, rid);
    return group_query_one(reg, stmt, group);
}

NTSTATUS sam_group_by_gid(struct registry *reg, uint32_t gid, struct sam_group *group)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT " GROUP_COLUMNS " FROM sam_groups WHERE gid = ?1");
    if (stmt)
        sqlite3_bind_int64(stmt, 1, gid);
    return group_query_one(reg, stmt, group);
}

NTSTATUS sam_group_by_name(struct registry *reg, const char *name, struct sam_group *group)
{
    memset(group, 0, sizeof *group);
    bool builtin_only = false;
    if (strncasecmp(name, "BUILTIN\\", 8) == 0) {
        name += 8;
        builtin_only = true;
    }
    char *key = sam_name_key(name);
    if (!key)
        return STATUS_NO_MEMORY;
    sqlite3_stmt *stmt = sam_prepare(
        reg, "SELECT " GROUP_COLUMNS " FROM sam_groups WHERE name_key = ?1 AND builtin >= ?2");
    if (stmt) {
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(stmt, 2, builtin_only);
    }
    free(key);
    return group_query_one(reg, stmt, group);
}

NTSTATUS sam_group_list(struct registry *reg, struct sam_group_list *list)
{
    memset(list, 0, sizeof *list);
    struct sid domain;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    sqlite3_stmt *stmt = sam_prepare(
        reg, "SELECT " GROUP_COLUMNS " FROM sam_groups ORDER BY builtin DESC, name_key");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    size_t capacity = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (list->count == capacity) {
            size_t grown = capacity ? capacity * 2 : 16;
            struct sam_group *groups = realloc(list->groups, grown * sizeof *groups);
            if (!groups) {
                status = STATUS_NO_MEMORY;
                goto out;
            }
            list->groups = groups;
            capacity = grown;
        }
        status = group_from_row(stmt, &domain, &list->groups[list->count]);
        if (!NT_SUCCESS(status))
            goto out;
        list->count++;
    }
    if (rc != SQLITE_DONE)
        status = sam_sqlite_status(reg, rc);
out:
    sqlite3_finalize(stmt);
    if (!NT_SUCCESS(status))
        sam_group_list_free(list);
    return status;
}

void sam_group_free(struct sam_group *group)
{
    if (!group)
        return;
    free(group->name);
    free(group->description);
    memset(group, 0, sizeof *group);
}

void sam_group_list_free(struct sam_group_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        sam_group_free(&list->groups[i]);
    free(list->groups);
    memset(list, 0, sizeof *list);
}

static bool description_ok(const char *description)
{
    if (!description)
        return true;
    if (!utf8_valid(description))
        return false;
    long units = utf8_utf16_units(description, strlen(description));
    if (units < 0 || units > SAM_DESCRIPTION_MAX)
        return false;
    for (const char *p = description; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            return false;
    return true;
}

NTSTATUS sam_group_add(struct registry *reg, const struct audit_actor *actor, const char *name,
                       const char *description, uint32_t *rid)
{
    NTSTATUS status = sam_name_check(name, SAM_GROUP_NAME_MAX, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (!description_ok(description))
        return STATUS_INVALID_PARAMETER;
    char *key = sam_name_key(name);
    if (!key)
        return STATUS_NO_MEMORY;
    uint32_t new_rid = 0, gid = 0;
    status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        goto out;
    status = sam_name_taken(reg, key, 0);
    if (NT_SUCCESS(status))
        status = sam_next_rid(reg, &new_rid);
    if (NT_SUCCESS(status))
        status = sam_id_for_rid(reg, new_rid, &gid);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(
            reg, "INSERT INTO sam_groups(rid, builtin, name, name_key, description, gid) "
                 "VALUES (?1, 0, ?2, ?3, ?4, ?5)");
        if (stmt) {
            sqlite3_bind_int64(stmt, 5, gid);
            sqlite3_bind_int64(stmt, 1, new_rid);
            sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 3, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 4, description ? description : "", -1, SQLITE_TRANSIENT);
        }
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status)) {
        char detail[48];
        snprintf(detail, sizeof detail, "rid=%u gid=%u", new_rid, gid);
        status = registry_audit(reg, actor, "group.add", name, detail);
    }
    status = sam_end(reg, status);
    if (NT_SUCCESS(status) && rid)
        *rid = new_rid;
out:
    free(key);
    return status;
}

NTSTATUS sam_group_set_description(struct registry *reg, const struct audit_actor *actor,
                                   const struct sid *sid, const char *description)
{
    if (!description || !description_ok(description))
        return STATUS_INVALID_PARAMETER;
    struct sam_group group;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_group_by_sid(reg, sid, &group);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(reg, "UPDATE sam_groups SET description = ?2 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, group.rid);
            sqlite3_bind_text(stmt, 2, description, -1, SQLITE_TRANSIENT);
        }
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status))
        status = registry_audit(reg, actor, "group.set", group.name, "description changed");
    status = sam_end(reg, status);
    sam_group_free(&group);
    return status;
}

NTSTATUS sam_group_delete(struct registry *reg, const struct audit_actor *actor,
                          const struct sid *sid)
{
    struct sam_group group;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_group_by_sid(reg, sid, &group);
    if (NT_SUCCESS(status) && group.builtin)
        status = STATUS_SPECIAL_ACCOUNT;
    if (NT_SUCCESS(status)) {
        /* Members go with the group (ON DELETE CASCADE). */
        sqlite3_stmt *stmt = sam_prepare(reg, "DELETE FROM sam_groups WHERE rid = ?1");
        if (stmt)
            sqlite3_bind_int64(stmt, 1, group.rid);
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(reg, "DELETE FROM sam_members WHERE group_rid = ?1");
        if (stmt)
            sqlite3_bind_int64(stmt, 1, group.rid);
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status))
        status = sam_members_forget(reg, &group.sid);
    if (NT_SUCCESS(status)) {
        char detail[32];
        snprintf(detail, sizeof detail, "rid=%u", group.rid);
        status = registry_audit(reg, actor, "group.del", group.name, detail);
    }
    status = sam_end(reg, status);
    sam_group_free(&group);
    return status;
}

/* A member must be a local user or a SID from outside this machine. */
static NTSTATUS check_member(struct registry *reg, const struct sid *member)
{
    struct sid domain;
    uint32_t rid;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    if (sid_split_rid(member, &SID_BUILTIN, &rid))
        return STATUS_INVALID_PARAMETER; /* aliases do not nest */
    if (sid_equal(member, &domain) || sid_equal(member, &SID_BUILTIN))
        return STATUS_INVALID_PARAMETER;
    if (!sid_split_rid(member, &domain, &rid))
        return STATUS_SUCCESS; /* well-known or foreign */
    struct sam_user user;
    status = sam_user_by_rid(reg, rid, &user);
    sam_user_free(&user);
    if (status == STATUS_NO_SUCH_USER) {
        uint32_t group_rid;
        if (NT_SUCCESS(sam_group_rid_of(reg, member, &group_rid)))
            return STATUS_INVALID_PARAMETER; /* a local group: no nesting */
    }
    return status;
}

static NTSTATUS change_member(struct registry *reg, const struct audit_actor *actor,
                              const struct sid *sid, const struct sid *member, bool add)
{
    struct sam_group group;
    char member_text[SID_STRING_MAX];
    char *member_name = NULL;
    sid_format(member, member_text, sizeof member_text);
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_group_by_sid(reg, sid, &group);
    if (NT_SUCCESS(status) && add)
        status = check_member(reg, member);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(
            reg, add ? "INSERT OR IGNORE INTO sam_members(group_rid, member_sid) VALUES (?1, ?2)"
                     : "DELETE FROM sam_members WHERE group_rid = ?1 AND member_sid = ?2");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, group.rid);
            sqlite3_bind_text(stmt, 2, member_text, -1, SQLITE_TRANSIENT);
        }
        status = sam_exec_stmt(reg, stmt);
        if (NT_SUCCESS(status) && sqlite3_changes(registry_sqlite(reg)) == 0)
            status = add ? STATUS_MEMBER_IN_ALIAS : STATUS_MEMBER_NOT_IN_ALIAS;
    }
    if (NT_SUCCESS(status)) {
        member_name = sam_sid_display(reg, member);
        char detail[SID_STRING_MAX + 300];
        snprintf(detail, sizeof detail, "%s (%s)", member_name ? member_name : "?", member_text);
        status = registry_audit(reg, actor, add ? "group.add-member" : "group.remove-member",
                                group.name, detail);
    }
    status = sam_end(reg, status);
    free(member_name);
    sam_group_free(&group);
    return status;
}

NTSTATUS sam_group_add_member(struct registry *reg, const struct audit_actor *actor,
                              const struct sid *group, const struct sid *member)
{
    return change_member(reg, actor, group, member, true);
}

NTSTATUS sam_group_remove_member(struct registry *reg, const struct audit_actor *actor,
                                 const struct sid *group, const struct sid *member)
{
    return change_member(reg, actor, group, member, false);
}

static int compare_sids(const void *a, const void *b)
{
    return sid_compare(a, b);
}

NTSTATUS sam_group_members(struct registry *reg, const struct sid *sid, struct sid **members,
                           size_t *count)
{
    *members = NULL;
    *count = 0;
    uint32_t rid;
    NTSTATUS status = sam_group_rid_of(reg, sid, &rid);
    if (!NT_SUCCESS(status))
        return status;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT member_sid FROM sam_members WHERE group_rid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    struct sid *list = NULL;
    size_t n = 0, capacity = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n == capacity) {
            size_t grown = capacity ? capacity * 2 : 16;
            struct sid *bigger = realloc(list, grown * sizeof *bigger);
            if (!bigger) {
                status = STATUS_NO_MEMORY;
                goto out;
            }
            list = bigger;
            capacity = grown;
        }
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        if (!NT_SUCCESS(sid_parse(text ? text : "", &list[n])))
            continue; /* never written by the SAM; skip rather than fail a logon */
        n++;
    }
    if (rc != SQLITE_DONE)
        status = sam_sqlite_status(reg, rc);
out:
    sqlite3_finalize(stmt);
    if (!NT_SUCCESS(status)) {
        free(list);
        return status;
    }
    if (n)
        qsort(list, n, sizeof *list, compare_sids);
    *members = list;
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS sam_alias_membership(struct registry *reg, const struct sid *sids, size_t sid_count,
                              struct sid **aliases, size_t *alias_count)
{
    *aliases = NULL;
    *alias_count = 0;
    struct sid domain;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    sqlite3_stmt *stmt = sam_prepare(
        reg, "SELECT g.rid, g.builtin FROM sam_members m JOIN sam_groups g ON g.rid = m.group_rid "
             "WHERE m.member_sid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    struct sid *list = NULL;
    size_t n = 0, capacity = 0;
    for (size_t i = 0; i < sid_count && NT_SUCCESS(status); i++) {
        char text[SID_STRING_MAX];
        sid_format(&sids[i], text, sizeof text);
        sqlite3_reset(stmt);
        sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            struct sid alias;
            if (!NT_SUCCESS(group_sid(&domain, sqlite3_column_int(stmt, 1) != 0,
                                      (uint32_t)sqlite3_column_int64(stmt, 0), &alias)))
                continue;
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = sid_equal(&list[k], &alias);
            if (seen)
                continue;
            if (n == capacity) {
                size_t grown = capacity ? capacity * 2 : 8;
                struct sid *bigger = realloc(list, grown * sizeof *bigger);
                if (!bigger) {
                    status = STATUS_NO_MEMORY;
                    break;
                }
                list = bigger;
                capacity = grown;
            }
            list[n++] = alias;
        }
        if (NT_SUCCESS(status) && rc != SQLITE_DONE)
            status = sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    if (!NT_SUCCESS(status)) {
        free(list);
        return status;
    }
    if (n)
        qsort(list, n, sizeof *list, compare_sids);
    *aliases = list;
    *alias_count = n;
    return STATUS_SUCCESS;
}

NTSTATUS sam_token_add_aliases(struct registry *reg, struct access_token *token)
{
    size_t count = token->group_count + 1;
    struct sid *sids = calloc(count, sizeof *sids);
    if (!sids)
        return STATUS_NO_MEMORY;
    sids[0] = token->user;
    for (size_t i = 0; i < token->group_count; i++)
        sids[i + 1] = token->groups[i];
    struct sid *aliases = NULL;
    size_t alias_count = 0;
    NTSTATUS status = sam_alias_membership(reg, sids, count, &aliases, &alias_count);
    for (size_t i = 0; NT_SUCCESS(status) && i < alias_count; i++)
        if (token_add_group(token, &aliases[i]) != 0)
            status = STATUS_NO_MEMORY;
    free(aliases);
    free(sids);
    return status;
}
