/* Database plumbing shared by the SAM's files: statements, transactions, keys. */
#include "lsass/sam/sam_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lib/utf16.h"

NTSTATUS sam_begin(struct registry *reg)
{
    return registry_begin(reg);
}

NTSTATUS sam_end(struct registry *reg, NTSTATUS status)
{
    if (NT_SUCCESS(status)) {
        NTSTATUS commit = registry_commit(reg);
        if (!NT_SUCCESS(commit))
            status = commit;
    } else {
        registry_rollback(reg);
    }
    return status;
}

NTSTATUS sam_sqlite_status(struct registry *reg, int rc)
{
    sqlite3 *db = registry_sqlite(reg);
    switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return STATUS_SUCCESS;
    case SQLITE_NOMEM:
        return STATUS_NO_MEMORY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_error("sam: the registry is busy: %s", sqlite3_errmsg(db));
        return STATUS_IO_TIMEOUT;
    case SQLITE_FULL:
        return STATUS_DISK_FULL;
    case SQLITE_READONLY:
        return STATUS_ACCESS_DENIED;
    default:
        log_error("sam: database error: %s", sqlite3_errmsg(db));
        return STATUS_INTERNAL_ERROR;
    }
}

sqlite3_stmt *sam_prepare(struct registry *reg, const char *sql)
{
    sqlite3 *db = registry_sqlite(reg);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        /* A missing table means the database never got the SAM migration. */
        log_error("sam: cannot prepare a statement: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        return NULL;
    }
    return stmt;
}

NTSTATUS sam_exec_stmt(struct registry *reg, sqlite3_stmt *stmt)
{
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    int rc = sqlite3_step(stmt);
    NTSTATUS status = rc == SQLITE_DONE ? STATUS_SUCCESS : sam_sqlite_status(reg, rc);
    if (rc == SQLITE_ROW)
        status = STATUS_INTERNAL_ERROR;
    sqlite3_finalize(stmt);
    return status;
}

char *sam_column_strdup(sqlite3_stmt *stmt, int column)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    return strdup(text ? (const char *)text : "");
}

char *sam_name_key(const char *name)
{
    return utf8_upper(name);
}

int64_t sam_now(void)
{
    return (int64_t)time(NULL);
}

NTSTATUS sam_next_rid(struct registry *reg, uint32_t *rid)
{
    NTSTATUS status = STATUS_INVALID_DEVICE_STATE;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT next_rid FROM sam_domain WHERE id = 1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        int64_t next = sqlite3_column_int64(stmt, 0);
        /* RIDs are 32-bit; running out is a corruption, not a normal error. */
        if (next < SAM_FIRST_RID || next >= (int64_t)UINT32_MAX)
            status = STATUS_INTERNAL_ERROR;
        else {
            *rid = (uint32_t)next;
            status = STATUS_SUCCESS;
        }
    } else if (rc != SQLITE_DONE) {
        status = sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    if (!NT_SUCCESS(status))
        return status;
    stmt = sam_prepare(reg, "UPDATE sam_domain SET next_rid = next_rid + 1 WHERE id = 1");
    return sam_exec_stmt(reg, stmt);
}

static NTSTATUS key_in_table(struct registry *reg, const char *sql, const char *name_key,
                             uint32_t except_rid, bool *found)
{
    sqlite3_stmt *stmt = sam_prepare(reg, sql);
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_text(stmt, 1, name_key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, except_rid);
    int rc = sqlite3_step(stmt);
    *found = rc == SQLITE_ROW;
    NTSTATUS status = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? STATUS_SUCCESS
                                                              : sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_name_taken(struct registry *reg, const char *name_key, uint32_t except_user_rid)
{
    bool found = false;
    NTSTATUS status = key_in_table(
        reg, "SELECT 1 FROM sam_users WHERE name_key = ?1 AND rid <> ?2", name_key,
        except_user_rid, &found);
    if (!NT_SUCCESS(status))
        return status;
    if (found)
        return STATUS_USER_EXISTS;
    status = key_in_table(reg, "SELECT 1 FROM sam_groups WHERE name_key = ?1 AND rid <> ?2",
                          name_key, 0, &found);
    if (!NT_SUCCESS(status))
        return status;
    return found ? STATUS_ALIAS_EXISTS : STATUS_SUCCESS;
}

NTSTATUS sam_members_forget(struct registry *reg, const struct sid *member)
{
    char text[SID_STRING_MAX];
    sid_format(member, text, sizeof text);
    sqlite3_stmt *stmt = sam_prepare(reg, "DELETE FROM sam_members WHERE member_sid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
    return sam_exec_stmt(reg, stmt);
}
