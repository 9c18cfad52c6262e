/* Account rights: the [MS-LSAD] account objects lsarpc serves and logons
 * read (sam.h). SIDs are stored in string form, rights by name. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sam_strings_free(char **strings, size_t count)
{
    for (size_t i = 0; strings && i < count; i++)
        free(strings[i]);
    free(strings);
}

/* Runs stmt (bound) and collects its first column as strings. */
static NTSTATUS collect_strings(struct registry *reg, sqlite3_stmt *stmt, char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    char **list = NULL;
    size_t n = 0, cap = 0;
    NTSTATUS status = STATUS_SUCCESS;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n == cap) {
            size_t grown_cap = cap ? cap * 2 : 8;
            char **grown = realloc(list, grown_cap * sizeof *grown);
            if (!grown) {
                status = STATUS_NO_MEMORY;
                break;
            }
            list = grown;
            cap = grown_cap;
        }
        if (!(list[n] = sam_column_strdup(stmt, 0))) {
            status = STATUS_NO_MEMORY;
            break;
        }
        n++;
    }
    if (status == STATUS_SUCCESS && rc != SQLITE_DONE)
        status = sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    if (status != STATUS_SUCCESS) {
        sam_strings_free(list, n);
        return status;
    }
    *out = list;
    *count = n;
    return STATUS_SUCCESS;
}

static bool account_exists(struct registry *reg, const char *sid, NTSTATUS *status)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT 1 FROM lsa_accounts WHERE sid = ?1");
    *status = STATUS_INTERNAL_ERROR;
    if (!stmt)
        return false;
    sqlite3_bind_text(stmt, 1, sid, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    *status = rc == SQLITE_ROW || rc == SQLITE_DONE ? STATUS_SUCCESS : sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    return rc == SQLITE_ROW;
}

NTSTATUS sam_account_rights(struct registry *reg, const struct sid *sid, char ***rights, size_t *count)
{
    char text[SID_STRING_MAX];
    sid_format(sid, text, sizeof text);
    *rights = NULL;
    *count = 0;
    NTSTATUS status;
    if (!account_exists(reg, text, &status))
        return status == STATUS_SUCCESS ? STATUS_OBJECT_NAME_NOT_FOUND : status;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT name FROM lsa_account_rights WHERE sid = ?1 ORDER BY name");
    if (stmt)
        sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
    return collect_strings(reg, stmt, rights, count);
}

/* The audit record's object: the account's name, else its SID string. The
 * actions are the event log's user-rights ones (docs/eventlog.md): rights
 * assigned "account.add" (Windows' 4704), removed "account.del" (4705). */
static NTSTATUS audit(struct registry *reg, const struct audit_actor *actor, const char *action,
                      const struct sid *sid, const char *detail)
{
    char *name = sam_sid_display(reg, sid);
    if (!name)
        return STATUS_NO_MEMORY;
    NTSTATUS status = registry_audit(reg, actor, action, name, detail);
    free(name);
    return status;
}

static NTSTATUS insert_account(struct registry *reg, const char *sid)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "INSERT INTO lsa_accounts(sid) VALUES (?1)");
    if (stmt)
        sqlite3_bind_text(stmt, 1, sid, -1, SQLITE_TRANSIENT);
    return sam_exec_stmt(reg, stmt);
}

NTSTATUS sam_account_add(struct registry *reg, const struct audit_actor *actor, const struct sid *sid)
{
    char text[SID_STRING_MAX];
    sid_format(sid, text, sizeof text);
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    if (account_exists(reg, text, &status))
        status = STATUS_OBJECT_NAME_COLLISION;
    if (NT_SUCCESS(status))
        status = insert_account(reg, text);
    if (NT_SUCCESS(status))
        status = audit(reg, actor, "account.create", sid, text);
    return sam_end(reg, status);
}

NTSTATUS sam_account_delete(struct registry *reg, const struct audit_actor *actor, const struct sid *sid)
{
    char text[SID_STRING_MAX];
    sid_format(sid, text, sizeof text);
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    if (!account_exists(reg, text, &status) && NT_SUCCESS(status))
        status = STATUS_OBJECT_NAME_NOT_FOUND;
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(reg, "DELETE FROM lsa_accounts WHERE sid = ?1");
        if (stmt)
            sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status))
        status = audit(reg, actor, "account.del", sid, "all rights");
    return sam_end(reg, status);
}

/* "SeBackupPrivilege,SeRestorePrivilege": the detail of an audit record. */
static char *joined(const char *const *rights, size_t count)
{
    size_t len = 1;
    for (size_t i = 0; i < count; i++)
        len += strlen(rights[i]) + 1;
    char *out = malloc(len);
    if (!out)
        return NULL;
    out[0] = 0;
    for (size_t i = 0; i < count; i++) {
        if (i)
            strcat(out, ",");
        strcat(out, rights[i]);
    }
    return out;
}

static NTSTATUS change(struct registry *reg, const struct audit_actor *actor, const struct sid *sid,
                       const char *const *rights, size_t count, bool grant)
{
    char text[SID_STRING_MAX];
    sid_format(sid, text, sizeof text);
    char *detail = joined(rights, count);
    if (!detail)
        return STATUS_NO_MEMORY;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status)) {
        free(detail);
        return status;
    }
    bool exists = account_exists(reg, text, &status);
    if (NT_SUCCESS(status) && !exists)
        status = grant ? insert_account(reg, text) : STATUS_OBJECT_NAME_NOT_FOUND;
    for (size_t i = 0; NT_SUCCESS(status) && i < count; i++) {
        sqlite3_stmt *stmt = sam_prepare(reg, grant ? "INSERT OR IGNORE INTO lsa_account_rights(sid, name) VALUES (?1, ?2)"
                                                    : "DELETE FROM lsa_account_rights WHERE sid = ?1 AND name = ?2");
        if (stmt) {
            sqlite3_bind_text(stmt, 1, text, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 2, rights[i], -1, SQLITE_TRANSIENT);
        }
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status))
        status = audit(reg, actor, grant ? "account.add" : "account.del", sid, detail);
    free(detail);
    return sam_end(reg, status);
}

NTSTATUS sam_account_grant(struct registry *reg, const struct audit_actor *actor, const struct sid *sid,
                           const char *const *rights, size_t count)
{
    return change(reg, actor, sid, rights, count, true);
}

NTSTATUS sam_account_revoke(struct registry *reg, const struct audit_actor *actor, const struct sid *sid,
                            const char *const *rights, size_t count)
{
    return change(reg, actor, sid, rights, count, false);
}

NTSTATUS sam_account_list(struct registry *reg, const char *right, struct sid **sids, size_t *count)
{
    *sids = NULL;
    *count = 0;
    sqlite3_stmt *stmt = right ? sam_prepare(reg, "SELECT DISTINCT sid FROM lsa_account_rights WHERE name = ?1 ORDER BY sid")
                               : sam_prepare(reg, "SELECT sid FROM lsa_accounts ORDER BY sid");
    if (stmt && right)
        sqlite3_bind_text(stmt, 1, right, -1, SQLITE_TRANSIENT);
    char **texts;
    size_t n;
    NTSTATUS status = collect_strings(reg, stmt, &texts, &n);
    if (!NT_SUCCESS(status))
        return status;
    struct sid *out = calloc(n ? n : 1, sizeof *out);
    size_t kept = 0;
    for (size_t i = 0; out && i < n; i++)
        if (sid_parse(texts[i], &out[kept]) == STATUS_SUCCESS)
            kept++; /* a row no SID parses from is skipped (never written by this code) */
    sam_strings_free(texts, n);
    if (!out)
        return STATUS_NO_MEMORY;
    *sids = out;
    *count = kept;
    return STATUS_SUCCESS;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

NTSTATUS sam_token_rights(struct registry *reg, const struct access_token *token, char ***rights, size_t *count)
{
    *rights = NULL;
    *count = 0;
    /* Asked per SID and merged: a token has at most TOKEN_MAX_GROUPS + 1
     * SIDs, and an IN list of them would be SQL built at run time. */
    char **all = NULL;
    size_t n = 0;
    for (size_t i = 0; i <= token->group_count; i++) {
        const struct sid *sid = i == 0 ? &token->user : &token->groups[i - 1];
        char **some;
        size_t m;
        NTSTATUS status = sam_account_rights(reg, sid, &some, &m);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND)
            continue;
        if (!NT_SUCCESS(status)) {
            sam_strings_free(all, n);
            return status;
        }
        for (size_t k = 0; k < m; k++) {
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(all[j], some[k]) == 0;
            if (seen)
                continue;
            char **grown = realloc(all, (n + 1) * sizeof *grown);
            if (!grown) {
                sam_strings_free(some, m);
                sam_strings_free(all, n);
                return STATUS_NO_MEMORY;
            }
            all = grown;
            all[n++] = some[k];
            some[k] = NULL;
        }
        sam_strings_free(some, m);
    }
    if (n)
        qsort(all, n, sizeof *all, compare_strings);
    *rights = all;
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS sam_token_apply_rights(struct registry *reg, struct access_token *token)
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
