/* Local user accounts: create, change, delete, look up. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/utf16.h"

#define USER_COLUMNS \
    "rid, name, full_name, description, flags, nt_hash IS NOT NULL, created, " \
    "password_last_set, last_logon, bad_password_count, last_bad_password, lockout_time, " \
    "uid, unix_account"

static NTSTATUS user_from_row(struct registry *reg, sqlite3_stmt *stmt, const struct sid *domain,
                              struct sam_user *user)
{
    memset(user, 0, sizeof *user);
    int64_t rid = sqlite3_column_int64(stmt, 0);
    if (rid <= 0 || rid > (int64_t)UINT32_MAX)
        return STATUS_INTERNAL_ERROR;
    user->rid = (uint32_t)rid;
    if (!NT_SUCCESS(sid_append(&user->sid, domain, user->rid)))
        return STATUS_INTERNAL_ERROR;
    user->name = sam_column_strdup(stmt, 1);
    user->full_name = sam_column_strdup(stmt, 2);
    user->description = sam_column_strdup(stmt, 3);
    if (!user->name || !user->full_name || !user->description) {
        sam_user_free(user);
        return STATUS_NO_MEMORY;
    }
    user->flags = (uint32_t)sqlite3_column_int64(stmt, 4);
    user->has_password = sqlite3_column_int(stmt, 5) != 0;
    user->created = sqlite3_column_int64(stmt, 6);
    user->password_last_set = sqlite3_column_int64(stmt, 7);
    user->last_logon = sqlite3_column_int64(stmt, 8);
    int64_t bad = sqlite3_column_int64(stmt, 9);
    user->bad_password_count = bad < 0 ? 0 : bad > UINT32_MAX ? UINT32_MAX : (uint32_t)bad;
    user->last_bad_password = sqlite3_column_int64(stmt, 10);
    user->lockout_time = sqlite3_column_int64(stmt, 11);
    int64_t uid = sqlite3_column_int64(stmt, 12);
    user->uid = uid > 0 && uid <= UINT32_MAX ? (uint32_t)uid : 0;
    /* '' is a pre-002 account not yet settled (sam_ids_settle): none yet. */
    const char *account = (const char *)sqlite3_column_text(stmt, 13);
    if (account && *account) {
        user->unix_account = strdup(account);
        if (!user->unix_account) {
            sam_user_free(user);
            return STATUS_NO_MEMORY;
        }
    }
    (void)reg;
    return STATUS_SUCCESS;
}

/* Runs a one-row user query whose parameter 1 is already bound. */
static NTSTATUS user_query_one(struct registry *reg, sqlite3_stmt *stmt, struct sam_user *user)
{
    memset(user, 0, sizeof *user);
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    struct sid domain;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        goto out;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        status = user_from_row(reg, stmt, &domain, user);
    else if (rc == SQLITE_DONE)
        status = STATUS_NO_SUCH_USER;
    else
        status = sam_sqlite_status(reg, rc);
out:
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS sam_user_by_rid(struct registry *reg, uint32_t rid, struct sam_user *user)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT " USER_COLUMNS " FROM sam_users WHERE rid = ?1");
    if (stmt)
        sqlite3_bind_int64(stmt, 1, rid);
    return user_query_one(reg, stmt, user);
}

NTSTATUS sam_user_by_name(struct registry *reg, const char *name, struct sam_user *user)
{
    memset(user, 0, sizeof *user);
    char *key = sam_name_key(name);
    if (!key)
        return STATUS_NO_MEMORY;
    sqlite3_stmt *stmt =
        sam_prepare(reg, "SELECT " USER_COLUMNS " FROM sam_users WHERE name_key = ?1");
    if (stmt)
        sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
    free(key);
    return user_query_one(reg, stmt, user);
}

NTSTATUS sam_user_by_uid(struct registry *reg, uint32_t uid, struct sam_user *user)
{
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT " USER_COLUMNS " FROM sam_users WHERE uid = ?1");
    if (stmt)
        sqlite3_bind_int64(stmt, 1, uid);
    return user_query_one(reg, stmt, user);
}

NTSTATUS sam_user_by_unix_account(struct registry *reg, const char *account, struct sam_user *user)
{
    /* Unix names are case-sensitive: an exact match. */
    sqlite3_stmt *stmt = sam_prepare(
        reg, "SELECT " USER_COLUMNS " FROM sam_users WHERE unix_account = ?1 AND ?1 <> ''");
    if (stmt)
        sqlite3_bind_text(stmt, 1, account, -1, SQLITE_TRANSIENT);
    return user_query_one(reg, stmt, user);
}

NTSTATUS sam_user_by_sid(struct registry *reg, const struct sid *sid, struct sam_user *user)
{
    memset(user, 0, sizeof *user);
    struct sid domain;
    uint32_t rid;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    if (!sid_split_rid(sid, &domain, &rid))
        return STATUS_NO_SUCH_USER;
    return sam_user_by_rid(reg, rid, user);
}

NTSTATUS sam_user_list(struct registry *reg, struct sam_user_list *list)
{
    memset(list, 0, sizeof *list);
    struct sid domain;
    NTSTATUS status = sam_domain_sid(reg, &domain);
    if (!NT_SUCCESS(status))
        return status;
    sqlite3_stmt *stmt =
        sam_prepare(reg, "SELECT " USER_COLUMNS " FROM sam_users ORDER BY name_key");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    size_t capacity = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (list->count == capacity) {
            size_t grown = capacity ? capacity * 2 : 16;
            struct sam_user *users = realloc(list->users, grown * sizeof *users);
            if (!users) {
                status = STATUS_NO_MEMORY;
                goto out;
            }
            list->users = users;
            capacity = grown;
        }
        status = user_from_row(reg, stmt, &domain, &list->users[list->count]);
        if (!NT_SUCCESS(status))
            goto out;
        list->count++;
    }
    if (rc != SQLITE_DONE)
        status = sam_sqlite_status(reg, rc);
out:
    sqlite3_finalize(stmt);
    if (!NT_SUCCESS(status))
        sam_user_list_free(list);
    return status;
}

void sam_user_free(struct sam_user *user)
{
    if (!user)
        return;
    free(user->name);
    free(user->full_name);
    free(user->description);
    free(user->unix_account);
    memset(user, 0, sizeof *user);
}

void sam_user_list_free(struct sam_user_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        sam_user_free(&list->users[i]);
    free(list->users);
    memset(list, 0, sizeof *list);
}

NTSTATUS sam_user_get_nt_hash(struct registry *reg, uint32_t rid,
                              uint8_t nt_hash[SAM_NT_HASH_LENGTH])
{
    memset(nt_hash, 0, SAM_NT_HASH_LENGTH);
    sqlite3_stmt *stmt = sam_prepare(reg, "SELECT nt_hash FROM sam_users WHERE rid = ?1");
    if (!stmt)
        return STATUS_INTERNAL_ERROR;
    sqlite3_bind_int64(stmt, 1, rid);
    NTSTATUS status;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(stmt, 0);
        int len = sqlite3_column_bytes(stmt, 0);
        if (sqlite3_column_type(stmt, 0) == SQLITE_NULL)
            status = STATUS_NOT_FOUND;
        else if (!blob || len != SAM_NT_HASH_LENGTH)
            status = STATUS_INTERNAL_ERROR;
        else {
            struct buf_reader r;
            rd_init(&r, blob, (size_t)len);
            rd_copy(&r, nt_hash, SAM_NT_HASH_LENGTH);
            status = rd_ok(&r) ? STATUS_SUCCESS : STATUS_INTERNAL_ERROR;
        }
    } else if (rc == SQLITE_DONE) {
        status = STATUS_NO_SUCH_USER;
    } else {
        status = sam_sqlite_status(reg, rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

/* Free text fields (full name, description): valid UTF-8, bounded, no control
 * characters (they would garble listings and logs). */
NTSTATUS sam_check_text(const char *text, size_t max)
{
    if (!text)
        return STATUS_SUCCESS;
    if (!utf8_valid(text))
        return STATUS_INVALID_PARAMETER;
    long units = utf8_utf16_units(text, strlen(text));
    if (units < 0 || (size_t)units > max)
        return STATUS_INVALID_PARAMETER;
    for (const char *p = text; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* Policy check plus hash. Wipes nothing of the caller's; the hash is the
 * caller's to wipe. */
static NTSTATUS hash_new_password(struct registry *reg, const char *name, const char *full_name,
                                  const char *password, uint8_t hash[16])
{
    struct sam_password_policy policy;
    NTSTATUS status = sam_password_policy_load(reg, &policy);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_password_check(&policy, name, full_name, password, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (crypto_nt_hash(password, hash) != 0)
        return STATUS_PASSWORD_RESTRICTION;
    return STATUS_SUCCESS;
}

static void flags_text(uint32_t flags, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s%s", (flags & SAM_USER_DISABLED) ? "disabled" : "enabled",
             (flags & SAM_USER_PASSWORD_NEVER_EXPIRES) ? ",password-never-expires" : "",
             (flags & SAM_USER_LOCKED_OUT) ? ",locked-out" : "",
             (flags & SAM_USER_PASSWORD_EXPIRED) ? ",password-expired" : "");
}

NTSTATUS sam_user_add(struct registry *reg, const struct audit_actor *actor, const char *name,
                      const char *full_name, const char *description, uint32_t flags,
                      const char *password, uint32_t *rid)
{
    uint8_t hash[16];
    bool have_hash = false;
    char *key = NULL;
    NTSTATUS status = sam_name_check(name, SAM_USER_NAME_MAX, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (!NT_SUCCESS(sam_check_text(full_name, SAM_FULL_NAME_MAX)) ||
        !NT_SUCCESS(sam_check_text(description, SAM_DESCRIPTION_MAX)) ||
        (flags & ~(SAM_USER_DISABLED | SAM_USER_PASSWORD_NEVER_EXPIRES)))
        return STATUS_INVALID_PARAMETER;
    flags |= SAM_USER_NORMAL_ACCOUNT;
    if (password) {
        status = hash_new_password(reg, name, full_name, password, hash);
        if (!NT_SUCCESS(status))
            goto wipe;
        have_hash = true;
    }
    key = sam_name_key(name);
    if (!key) {
        status = STATUS_NO_MEMORY;
        goto wipe;
    }
    status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        goto wipe;
    uint32_t new_rid = 0, uid = 0;
    bool same_name_account = false;
    status = sam_name_taken(reg, key, 0);
    if (NT_SUCCESS(status))
        status = sam_next_rid(reg, &new_rid);
    if (NT_SUCCESS(status))
        status = sam_id_for_rid(reg, new_rid, &uid);
    /* Samba's expectation: SAM user "bob" is the Unix account "bob" when
     * there is one (and it may be: not root, not taken). Recorded now, so a
     * Unix account made later moves no one. */
    if (NT_SUCCESS(status))
        same_name_account = NT_SUCCESS(sam_unix_account_check(reg, name, 0, NULL, NULL, NULL));
    if (NT_SUCCESS(status)) {
        int64_t now = sam_now();
        sqlite3_stmt *stmt = sam_prepare(
            reg, "INSERT INTO sam_users(rid, name, name_key, nt_hash, flags, full_name, "
                 "description, created, password_last_set, uid, unix_account) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, new_rid);
            sqlite3_bind_text(stmt, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 3, key, -1, SQLITE_TRANSIENT);
            if (have_hash)
                sqlite3_bind_blob(stmt, 4, hash, sizeof hash, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(stmt, 4);
            sqlite3_bind_int64(stmt, 5, flags);
            sqlite3_bind_text(stmt, 6, full_name ? full_name : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(stmt, 7, description ? description : "", -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(stmt, 8, now);
            sqlite3_bind_int64(stmt, 9, have_hash ? now : 0);
            sqlite3_bind_int64(stmt, 10, uid);
            if (same_name_account)
                sqlite3_bind_text(stmt, 11, name, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(stmt, 11);
        }
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status) && have_hash)
        status = sam_password_history_add(reg, new_rid, hash);
    if (NT_SUCCESS(status)) {
        char flag_text[96], detail[200];
        flags_text(flags, flag_text, sizeof flag_text);
        snprintf(detail, sizeof detail, "rid=%u uid=%u%s%s %s password=%s", new_rid, uid,
                 same_name_account ? " unix-account=" : "", same_name_account ? name : "",
                 flag_text, have_hash ? "set" : "none");
        status = registry_audit(reg, actor, "user.add", name, detail);
    }
    status = sam_end(reg, status);
    if (NT_SUCCESS(status) && rid)
        *rid = new_rid;
wipe:
    crypto_wipe(hash, sizeof hash);
    free(key);
    return status;
}

NTSTATUS sam_user_set_password(struct registry *reg, const struct audit_actor *actor,
                               uint32_t rid, const char *password)
{
    uint8_t hash[16];
    struct sam_user user;
    if (!password)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status))
        status = hash_new_password(reg, user.name, user.full_name, password, hash);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(
            reg, "UPDATE sam_users SET nt_hash = ?2, password_last_set = ?3, "
                 "flags = flags & ~?4 WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            sqlite3_bind_blob(stmt, 2, hash, sizeof hash, SQLITE_TRANSIENT);
            sqlite3_bind_int64(stmt, 3, sam_now());
            sqlite3_bind_int64(stmt, 4, SAM_USER_PASSWORD_EXPIRED);
        }
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status))
        status = sam_password_history_add(reg, rid, hash);
    if (NT_SUCCESS(status))
        status = registry_audit(reg, actor, "user.passwd", user.name, "password set");
    status = sam_end(reg, status);
    crypto_wipe(hash, sizeof hash);
    sam_user_free(&user);
    return status;
}

/* Appends "what=value" to an audit detail. */
static void detail_add(struct buf *detail, const char *what, const char *value)
{
    if (detail->len)
        wr_u8(detail, ' ');
    wr_bytes(detail, what, strlen(what));
    wr_u8(detail, '=');
    wr_u8(detail, '"');
    wr_bytes(detail, value, strlen(value));
    wr_u8(detail, '"');
}

NTSTATUS sam_user_update(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                         const struct sam_user_change *change)
{
    struct sam_user user;
    struct buf detail;
    char *new_key = NULL;
    buf_init(&detail);
    memset(&user, 0, sizeof user);
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    if ((change->flags_set | change->flags_clear) & ~SAM_USER_SETTABLE_FLAGS ||
        (change->flags_set & SAM_USER_LOCKED_OUT) || (change->flags_set & change->flags_clear))
        goto out;
    if (!NT_SUCCESS(sam_check_text(change->full_name, SAM_FULL_NAME_MAX)) ||
        !NT_SUCCESS(sam_check_text(change->description, SAM_DESCRIPTION_MAX)))
        goto out;
    if (change->new_name) {
        status = sam_name_check(change->new_name, SAM_USER_NAME_MAX, NULL);
        if (!NT_SUCCESS(status))
            goto out;
        new_key = sam_name_key(change->new_name);
        if (!new_key) {
            status = STATUS_NO_MEMORY;
            goto out;
        }
    }
    status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        goto out;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status) && new_key)
        status = sam_name_taken(reg, new_key, rid);
    if (NT_SUCCESS(status)) {
        uint32_t flags = (user.flags | change->flags_set) & ~change->flags_clear;
        bool unlock = (change->flags_clear & SAM_USER_LOCKED_OUT) != 0;
        sqlite3_stmt *stmt = sam_prepare(
            reg, "UPDATE sam_users SET name = coalesce(?2, name), "
                 "name_key = coalesce(?3, name_key), full_name = coalesce(?4, full_name), "
                 "description = coalesce(?5, description), flags = ?6, "
                 "bad_password_count = CASE WHEN ?7 THEN 0 ELSE bad_password_count END, "
                 "lockout_time = CASE WHEN ?7 THEN 0 ELSE lockout_time END WHERE rid = ?1");
        if (stmt) {
            sqlite3_bind_int64(stmt, 1, rid);
            if (new_key) {
                sqlite3_bind_text(stmt, 2, change->new_name, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(stmt, 3, new_key, -1, SQLITE_TRANSIENT);
            }
            if (change->full_name)
                sqlite3_bind_text(stmt, 4, change->full_name, -1, SQLITE_TRANSIENT);
            if (change->description)
                sqlite3_bind_text(stmt, 5, change->description, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(stmt, 6, flags);
            sqlite3_bind_int(stmt, 7, unlock);
        }
        status = sam_exec_stmt(reg, stmt);
        if (change->new_name)
            detail_add(&detail, "name", change->new_name);
        if (change->full_name)
            detail_add(&detail, "full-name", change->full_name);
        if (change->description)
            detail_add(&detail, "description", change->description);
        if (flags != user.flags) {
            char flag_text[96];
            flags_text(flags, flag_text, sizeof flag_text);
            detail_add(&detail, "flags", flag_text);
        }
        wr_u8(&detail, 0);
        if (!wr_ok(&detail) && NT_SUCCESS(status))
            status = STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(status))
        status = registry_audit(reg, actor, "user.set", user.name, (const char *)detail.data);
    status = sam_end(reg, status);
out:
    buf_free(&detail);
    free(new_key);
    sam_user_free(&user);
    return status;
}

NTSTATUS sam_user_delete(struct registry *reg, const struct audit_actor *actor, uint32_t rid)
{
    struct sam_user user;
    NTSTATUS status = sam_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_by_rid(reg, rid, &user);
    if (NT_SUCCESS(status)) {
        sqlite3_stmt *stmt = sam_prepare(reg, "DELETE FROM sam_users WHERE rid = ?1");
        if (stmt)
            sqlite3_bind_int64(stmt, 1, rid);
        status = sam_exec_stmt(reg, stmt);
    }
    if (NT_SUCCESS(status))
        status = sam_members_forget(reg, &user.sid);
    if (NT_SUCCESS(status)) {
        char detail[32];
        snprintf(detail, sizeof detail, "rid=%u", rid);
        status = registry_audit(reg, actor, "user.del", user.name, detail);
    }
    status = sam_end(reg, status);
    sam_user_free(&user);
    return status;
}
