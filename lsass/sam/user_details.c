/* An account's profile fields (home folder, script, profile, workstations,
 * comment, expiry) and its password history, kept by migration 003. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"

#define SAM_HISTORY_KEPT 24 /* Windows' largest lsass.password-history */

#define TEXT_FIELDS 7
static const char *const detail_columns[TEXT_FIELDS] = { "home_directory", "home_drive", "script_path",
                                                         "profile_path", "workstations", "user_comment",
                                                         "parameters" };

void sam_user_details_free(struct sam_user_details *d)
{
    if (!d)
        return;
    free(d->home_directory);
    free(d->home_drive);
    free(d->script_path);
    free(d->profile_path);
    free(d->workstations);
    free(d->user_comment);
    free(d->parameters);
    memset(d, 0, sizeof *d);
}

NTSTATUS sam_user_details_get(struct registry *reg, uint32_t rid, struct sam_user_details *d)
{
    memset(d, 0, sizeof *d);
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT home_directory, home_drive, script_path, profile_path, "
                                          "workstations, user_comment, parameters, account_expires, "
                                          "country_code, code_page FROM sam_users WHERE rid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    NTSTATUS status;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        char **fields[TEXT_FIELDS] = { &d->home_directory, &d->home_drive, &d->script_path, &d->profile_path,
                                       &d->workstations, &d->user_comment, &d->parameters };
        status = STATUS_SUCCESS;
        for (int i = 0; i < TEXT_FIELDS; i++)
            if (!(*fields[i] = sam_column_strdup(stmt, i)))
                status = STATUS_NO_MEMORY;
        d->account_expires = sqlite3_column_int64(stmt, 7);
        d->country_code = (uint16_t)sqlite3_column_int(stmt, 8);
        d->code_page = (uint16_t)sqlite3_column_int(stmt, 9);
    } else {
        status = rc == SQLITE_DONE ? STATUS_NO_SUCH_USER : sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    if (!NT_SUCCESS(status))
        sam_user_details_free(d);
    return status;
}

NTSTATUS sam_user_details_set(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                              const struct sam_user_details_change *c)
{
    const char *values[TEXT_FIELDS] = { c->home_directory, c->home_drive, c->script_path, c->profile_path,
                                        c->workstations, c->user_comment, c->parameters };
    for (int i = 0; i < TEXT_FIELDS; i++)
        if (!NT_SUCCESS(sam_check_text(values[i], SAM_DETAIL_MAX)))
            return STATUS_INVALID_PARAMETER;
    if (c->set_account_expires && c->account_expires < 0)
        return STATUS_INVALID_PARAMETER;
    struct sam_user user;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    struct buf detail;
    buf_init(&detail);
    status = sam_user_by_rid(reg, rid, &user);
    for (int i = 0; NT_SUCCESS(status) && i < TEXT_FIELDS; i++) {
        if (!values[i])
            continue;
        char sql[96];
        snprintf(sql, sizeof sql, "UPDATE sam_users SET %s = ?2 WHERE rid = ?1", detail_columns[i]);
        sqlite3_stmt *stmt = sam_prepare(reg, sql);
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            sqlite3_bind_text(stmt, 2, values[i], -1, SQLITE_TRANSIENT);
        }
        status = sam_exec_stmt(reg, stmt);
        if (detail.len)
            wr_u8(&detail, ' ');
        wr_bytes(&detail, detail_columns[i], strlen(detail_columns[i]));
        wr_bytes(&detail, "=\"", 2);
        wr_bytes(&detail, values[i], strlen(values[i]));
        wr_u8(&detail, '"');
    }
    if (NT_SUCCESS(status) && c->set_account_expires) {
        sqlite3_stmt *stmt = sam_prepare(reg, "UPDATE sam_users SET account_expires = ?2 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            sqlite3_bind_int64(stmt, 2, c->account_expires);
        }
        status = sam_exec_stmt(reg, stmt);
        char text[48];
        snprintf(text, sizeof text, "%saccount-expires=%lld", detail.len ? " " : "",
                 (long long)c->account_expires);
        wr_bytes(&detail, text, strlen(text));
    }
    if (NT_SUCCESS(status) && c->set_codes) {
        sqlite3_stmt *stmt = sam_prepare(reg, "UPDATE sam_users SET country_code = ?2, code_page = ?3 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            sqlite3_bind_int(stmt, 2, c->country_code);
            sqlite3_bind_int(stmt, 3, c->code_page);
        }
        status = sam_exec_stmt(reg, stmt);
        char text[64];
        snprintf(text, sizeof text, "%scountry-code=%u code-page=%u", detail.len ? " " : "", c->country_code,
                 c->code_page);
        wr_bytes(&detail, text, strlen(text));
    }
    wr_u8(&detail, 0);
    if (NT_SUCCESS(status) && !wr_ok(&detail))
        status = STATUS_NO_MEMORY;
    if (NT_SUCCESS(status) && detail.len > 1)
        status = registry_audit(reg, actor, "user.set", user.name, (const char *)detail.data);
    status = sam_end(reg, status);
    buf_free(&detail);
    sam_user_free(&user); /* zeroed by a failed lookup */
    return status;
}

NTSTATUS sam_password_history_add(struct registry *reg, uint32_t rid, const uint8_t nt_hash[16])
{
    sqlite3_stmt *stmt = sam_prepare(
        reg, "INSERT INTO sam_password_history(rid, seq, nt_hash) "
             "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM sam_password_history WHERE rid = ?1), ?2)");
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, rid);
        sqlite3_bind_blob(stmt, 2, nt_hash, 16, SQLITE_TRANSIENT);
    }
    NTSTATUS status = sam_exec_stmt(reg, stmt);
    if (!NT_SUCCESS(status))
        return status;
    stmt = sam_prepare(reg, "DELETE FROM sam_password_history WHERE rid = ?1 AND seq <= "
                            "(SELECT max(seq) FROM sam_password_history WHERE rid = ?1) - ?2");
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, rid);
        sqlite3_bind_int64(stmt, 2, SAM_HISTORY_KEPT);
    }
    return sam_exec_stmt(reg, stmt);
}

/* True if nt_hash is among the newest `depth` passwords of rid. */
static NTSTATUS in_history(struct registry *reg, uint32_t rid, uint32_t depth, const uint8_t nt_hash[16],
                           bool *found)
{
    *found = false;
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT nt_hash FROM sam_password_history WHERE rid = ?1 "
                                          "ORDER BY seq DESC LIMIT ?2");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    sqlite3_bind_int64(stmt, 2, depth);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(stmt, 0);
        if (blob && sqlite3_column_bytes(stmt, 0) == 16 && crypto_memcmp(blob, nt_hash, 16) == 0)
            *found = true;
    }
    NTSTATUS status = rc == SQLITE_DONE ? STATUS_SUCCESS : sam_sqlite_status(reg, rc);
    sqlite3_finalize(stmt);
    return status;
}

/* The checks that bind a user's own change only: his descriptor, the
 * minimum age, the history (hash: the new NT hash). */
static NTSTATUS own_change_checks(struct registry *reg, const struct sam_user *user, const uint8_t hash[16],
                                  int64_t now)
{
    uint32_t history = 0, min_age = 0;
    bool denied = false;
    NTSTATUS status = sam_user_may_change_password(reg, user->rid, &user->sid, &denied);
    if (NT_SUCCESS(status) && denied)
        return STATUS_ACCESS_DENIED; /* "User cannot change password" */
    if (!NT_SUCCESS(status))
        return status;
    if (!NT_SUCCESS(registry_setting_get_dword(reg, "lsass.password-history", &history)))
        history = 0;
    if (!NT_SUCCESS(registry_setting_get_dword(reg, "lsass.min-password-age", &min_age)))
        min_age = 0;
    /* Minimum age: not while the password is expired (the user must be able
     * to change it), nor for one never set. */
    if (min_age && user->password_last_set && !(user->flags & SAM_USER_PASSWORD_EXPIRED) &&
        now < user->password_last_set + (int64_t)min_age * 86400)
        return STATUS_PASSWORD_RESTRICTION;
    bool reused = false;
    if (history) {
        status = in_history(reg, user->rid, history, hash, &reused);
        if (NT_SUCCESS(status) && reused)
            status = STATUS_PASSWORD_RESTRICTION;
    }
    return status;
}

NTSTATUS sam_user_change_password(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                  const char *password, int64_t now)
{
    struct sam_user user;
    NTSTATUS status = sam_user_by_rid(reg, rid, &user);
    if (!NT_SUCCESS(status))
        return status;
    uint8_t hash[16];
    if (crypto_nt_hash(password, hash) != 0)
        status = STATUS_PASSWORD_RESTRICTION;
    else
        status = own_change_checks(reg, &user, hash, now);
    crypto_wipe(hash, sizeof hash);
    sam_user_free(&user);
    if (!NT_SUCCESS(status))
        return status;
    return sam_user_set_password(reg, actor, rid, password);
}

NTSTATUS sam_user_change_nt_hash(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                 const uint8_t nt_hash[16], int64_t now)
{
    struct sam_user user;
    NTSTATUS status = sam_user_by_rid(reg, rid, &user);
    if (!NT_SUCCESS(status))
        return status;
    status = own_change_checks(reg, &user, nt_hash, now);
    sam_user_free(&user);
    /* A hash proves nothing of length or complexity: with either rule on,
     * refuse rather than let the rules be bypassed. */
    struct sam_password_policy policy;
    if (NT_SUCCESS(status))
        status = sam_password_policy_load(reg, &policy);
    if (NT_SUCCESS(status) && (policy.min_length || policy.complexity))
        status = STATUS_PASSWORD_RESTRICTION;
    if (!NT_SUCCESS(status))
        return status;
    return sam_user_set_nt_hash(reg, actor, rid, nt_hash);
}
