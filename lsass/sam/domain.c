/* The machine domain: its SID, the RID counter and the built-in aliases. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"

struct builtin_alias {
    uint32_t rid;
    const char *name;
    const char *description;
    const struct sid *initial_member; /* may be NULL */
};

/* The descriptions Windows gives these aliases. */
static const struct builtin_alias builtin_aliases[] = {
    { 544, "Administrators",
      "Administrators have complete and unrestricted access to the computer/domain", NULL },
    { 545, "Users",
      "Users are prevented from making accidental or intentional system-wide changes and "
      "can run most applications",
      &SID_AUTHENTICATED_USERS },
    { 546, "Guests",
      "Guests have the same access as members of the Users group by default, except for "
      "the Guest account which is further restricted",
      NULL },
};

NTSTATUS sam_domain_sid(struct registry *reg, struct sid *sid)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT sid FROM sam_domain WHERE id = 1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    NTSTATUS status;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        status = sid_parse(text ? text : "", sid);
        if (!NT_SUCCESS(status))
            status = STATUS_INTERNAL_ERROR;
    } else if (rc == SQLITE_DONE) {
        status = STATUS_INVALID_DEVICE_STATE;
    } else {
        status = sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

/* S-1-5-21-x-y-z with random x, y, z, as Windows setup makes a machine SID. */
static NTSTATUS create_domain(struct registry *reg, const struct audit_actor *actor)
{
    uint32_t random_parts[3];
    if (crypto_random(random_parts, sizeof random_parts) != 0)
        return STATUS_INTERNAL_ERROR;
    char text[SID_STRING_MAX];
    snprintf(text, sizeof text, "S-1-5-21-%u-%u-%u", random_parts[0], random_parts[1],
             random_parts[2]);
    sqlite3_stmt *stmt = sam_prepare(
        reg, "INSERT INTO sam_domain(id, sid, next_rid, created) VALUES (1, ?1, ?2, ?3)");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, SAM_FIRST_RID);
    sqlite3_bind_int64(stmt, 3, sam_now());
    NTSTATUS status = sam_exec_stmt(reg, stmt);
    if (NT_SUCCESS(status))
        status = registry_audit(reg, actor, "sam.init", text, "machine domain SID created");
    return status;
}

static NTSTATUS create_builtin(struct registry *reg, const struct audit_actor *actor,
                               const struct builtin_alias *alias)
{
    NTSTATUS status;
    char *key = sam_name_key(alias->name);
    if (!key)
        return STATUS_NO_MEMORY;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT 1 FROM sam_groups WHERE rid = ?1");
    if (!stmt) {
        status = STATUS_INTERNAL_ERROR;
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, alias->rid);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc == SQLITE_ROW) {
        status = STATUS_SUCCESS; /* already there: an administrator's edits stay */
        goto out;
    }
    if (rc != SQLITE_DONE) {
        status = sam_sqlite_status(reg, rc);
        goto out;
    }
    status = sam_name_taken(reg, key, 0);
    if (!NT_SUCCESS(status))
        goto out;
    uint32_t base;
    status = sam_id_base(reg, &base);
    if (!NT_SUCCESS(status))
        goto out;
    stmt = sam_prepare(reg, "INSERT INTO sam_groups(rid, builtin, name, name_key, description, gid) "
                            "VALUES (?1, 1, ?2, ?3, ?4, ?5)");
    if (!stmt) {
        status = STATUS_INTERNAL_ERROR;
        goto out;
    }
    sqlite3_bind_int64(stmt, 5, (int64_t)base + alias->rid);
    sqlite3_bind_int64(stmt, 1, alias->rid);
    sqlite3_bind_text(stmt, 2, alias->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 3, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, alias->description, -1, SQLITE_STATIC);
    status = sam_exec_stmt(reg, stmt);
    if (!NT_SUCCESS(status))
        goto out;
    if (alias->initial_member) {
        char member[SID_STRING_MAX];
        sid_format(alias->initial_member, member, sizeof member);
        stmt = sam_prepare(reg, "INSERT INTO sam_members(group_rid, member_sid) VALUES (?1, ?2)");
        if (!stmt) {
            status = STATUS_INTERNAL_ERROR;
            goto out;
        }
        sqlite3_bind_int64(stmt, 1, alias->rid);
        sqlite3_bind_text(stmt, 2, member, -1, SQLITE_TRANSIENT);
        status = sam_exec_stmt(reg, stmt);
        if (!NT_SUCCESS(status))
            goto out;
    }
    char object[64];
    snprintf(object, sizeof object, "BUILTIN\\%s", alias->name);
    status = registry_audit(reg, actor, "group.add", object, "built-in alias");
out:
    free(key);
    return status;
}

NTSTATUS sam_init(struct registry *reg, const struct audit_actor *actor, bool *created)
{
    bool made = false;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    struct sid domain;
    status = sam_domain_sid(reg, &domain);
    if (status == STATUS_INVALID_DEVICE_STATE) {
        status = create_domain(reg, actor);
        made = NT_SUCCESS(status);
    }
    if (NT_SUCCESS(status))
        status = sam_id_base_init(reg);
    if (NT_SUCCESS(status))
        status = sam_ids_settle(reg);
    for (size_t i = 0; NT_SUCCESS(status) && i < sizeof builtin_aliases / sizeof *builtin_aliases;
         i++)
        status = create_builtin(reg, actor, &builtin_aliases[i]);
    status = sam_end(reg, status);
    if (created)
        *created = NT_SUCCESS(status) && made;
    return status;
}
