/* The shares table: add, set, delete, get, list. Every change validates
 * everything before it writes, runs in one registry transaction (joining the
 * caller's) and leaves an audit record in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/utf16.h"
#include "share-db/internal.h"

#define SHARE_COLUMNS "id, name, path, comment, type, flags, max_uses, sd"
#define SHARE_SD_MAX 65536

/* Unix milliseconds, as the registry's other time columns. */
static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void share_free(struct share *share)
{
    if (!share)
        return;
    free(share->name);
    free(share->path);
    free(share->comment);
    free(share->sd);
    free(share);
}

void share_list_free(struct share **shares, size_t count)
{
    if (!shares)
        return;
    for (size_t i = 0; i < count; i++)
        share_free(shares[i]);
    free(shares);
}

static bool name_ends_with_dollar(const char *name)
{
    size_t len = name ? strlen(name) : 0;
    return len > 0 && name[len - 1] == '$';
}

bool share_is_hidden(const struct share *share)
{
    return (share->flags & SHARE_FLAG_HIDDEN) || name_ends_with_dollar(share->name);
}

static const char *const caching_words[] = { "manual", "documents", "programs", "none" };

bool share_caching_parse(const char *word, uint32_t *caching)
{
    for (uint32_t i = 0; i < 4; i++) {
        if (word && strcasecmp(word, caching_words[i]) == 0) {
            *caching = i << 4;
            return true;
        }
    }
    return false;
}

char *share_flags_describe(uint32_t flags)
{
    char *out;

    if (asprintf(&out, "%s%s%s%s%scaching=%s", (flags & SHARE_FLAG_READ_ONLY) ? "read-only," : "",
                 (flags & SHARE_FLAG_HIDDEN) ? "hidden," : "",
                 (flags & SHARE_FLAG_ENCRYPT_DATA) ? "encrypt-data," : "",
                 (flags & SHARE_FLAG_ACCESS_BASED_ENUM) ? "access-based-enumeration," : "",
                 (flags & SHARE_FLAG_GUEST_OK) ? "guest-ok," : "",
                 caching_words[(flags & SHARE_CACHING_MASK) >> 4]) < 0)
        return NULL;
    return out;
}

/* A copy of a row; the SD blob is copied as opaque bytes (consumers parse it
 * with lib/secdesc, which checks every offset). */
static NTSTATUS row_to_share(sqlite3_stmt *stmt, struct share **out)
{
    struct share *share = calloc(1, sizeof(*share));
    const unsigned char *name = sqlite3_column_text(stmt, 1);
    const unsigned char *path = sqlite3_column_text(stmt, 2);
    const unsigned char *comment = sqlite3_column_text(stmt, 3);
    const void *sd = sqlite3_column_blob(stmt, 7);
    int sd_len = sqlite3_column_bytes(stmt, 7);

    *out = NULL;
    if (!share)
        return STATUS_NO_MEMORY;
    share->name = strdup(name ? (const char *)name : "");
    share->path = strdup(path ? (const char *)path : "");
    share->comment = strdup(comment ? (const char *)comment : "");
    share->type = (uint32_t)sqlite3_column_int64(stmt, 4);
    share->flags = (uint32_t)sqlite3_column_int64(stmt, 5);
    share->max_uses = (int32_t)sqlite3_column_int64(stmt, 6);
    if (sd && sd_len > 0) {
        share->sd = malloc((size_t)sd_len);
        if (share->sd) {
            memcpy(share->sd, sd, (size_t)sd_len);
            share->sd_len = (size_t)sd_len;
        }
    }
    if (!share->name || !share->path || !share->comment || (sd && sd_len > 0 && !share->sd)) {
        share_free(share);
        return STATUS_NO_MEMORY;
    }
    if (name_ends_with_dollar(share->name))
        share->flags |= SHARE_FLAG_HIDDEN;
    *out = share;
    return STATUS_SUCCESS;
}

static NTSTATUS sql_status(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return STATUS_SUCCESS;
    case SQLITE_NOMEM:
        return STATUS_NO_MEMORY;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STATUS_IO_TIMEOUT;
    case SQLITE_CONSTRAINT:
        return STATUS_OBJECT_NAME_COLLISION;
    default:
        return STATUS_UNSUCCESSFUL;
    }
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The stored share whose name equals name case-insensitively (NTFS-style
 * folding), with its row id. STATUS_BAD_NETWORK_NAME if none. SQLite's NOCASE
 * folds ASCII only, so a non-ASCII name falls back to comparing every row. */
static NTSTATUS find_share(struct registry *reg, const char *name, int64_t *id, struct share **out)
{
    sqlite3 *db = registry_sqlite(reg);
    sqlite3_stmt *stmt = NULL;
    NTSTATUS status = STATUS_BAD_NETWORK_NAME;
    int rc;

    if (out)
        *out = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT " SHARE_COLUMNS " FROM shares WHERE name = ?", -1, &stmt,
                            NULL);
    if (rc != SQLITE_OK)
        return sql_status(rc);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE && !is_ascii(name)) {
        sqlite3_finalize(stmt);
        rc = sqlite3_prepare_v2(db, "SELECT " SHARE_COLUMNS " FROM shares", -1, &stmt, NULL);
        if (rc != SQLITE_OK)
            return sql_status(rc);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const unsigned char *stored = sqlite3_column_text(stmt, 1);
            if (stored && utf8_casecmp((const char *)stored, name) == 0)
                break;
        }
    }
    if (rc == SQLITE_ROW) {
        if (id)
            *id = sqlite3_column_int64(stmt, 0);
        status = out ? row_to_share(stmt, out) : STATUS_SUCCESS;
    } else if (rc != SQLITE_DONE) {
        status = sql_status(rc);
    }
    sqlite3_finalize(stmt);
    return status;
}

NTSTATUS share_db_get(struct registry *reg, const char *name, struct share **out)
{
    *out = NULL;
    if (!name)
        return STATUS_INVALID_PARAMETER;
    return find_share(reg, name, NULL, out);
}

static int compare_names(const void *a, const void *b)
{
    return utf8_casecmp((*(struct share *const *)a)->name, (*(struct share *const *)b)->name);
}

NTSTATUS share_db_list(struct registry *reg, struct share ***out, size_t *count)
{
    struct share **list = NULL, **grown;
    sqlite3_stmt *stmt = NULL;
    size_t n = 0, capacity = 0;
    NTSTATUS status;
    int rc;

    *out = NULL;
    *count = 0;
    rc = sqlite3_prepare_v2(registry_sqlite(reg), "SELECT " SHARE_COLUMNS " FROM shares", -1,
                            &stmt, NULL);
    if (rc != SQLITE_OK)
        return sql_status(rc);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            grown = realloc(list, capacity * sizeof(*list));
            if (!grown) {
                status = STATUS_NO_MEMORY;
                goto out;
            }
            list = grown;
        }
        status = row_to_share(stmt, &list[n]);
        if (!NT_SUCCESS(status))
            goto out;
        n++;
    }
    status = sql_status(rc);
    if (!NT_SUCCESS(status))
        goto out;
    if (n)
        qsort(list, n, sizeof(*list), compare_names);
    *out = list;
    *count = n;
    list = NULL;
    n = 0;
out:
    sqlite3_finalize(stmt);
    share_list_free(list, n);
    return status;
}

/* The fields of a share after validation, ready to store. */
struct checked_share {
    char *path;
    const char *comment;
    uint32_t flags;
    uint8_t *sd; /* owned when sd_owned */
    size_t sd_len;
    bool sd_owned;
};

static void checked_free(struct checked_share *c)
{
    free(c->path);
    if (c->sd_owned)
        free(c->sd);
    memset(c, 0, sizeof(*c));
}

/* Validates everything but the name. old is the share being replaced (NULL
 * for add): a NULL path, comment or sd in share then keeps old's. */
static NTSTATUS check_fields(const struct share *share, const struct share *old,
                             struct checked_share *c, char **error_message)
{
    bool ipc = old && old->type == STYPE_IPC;
    long units;
    NTSTATUS status;

    memset(c, 0, sizeof(*c));
    if (!ipc && share->type != STYPE_DISKTREE) {
        share_error(error_message, "share '%s': only disk shares can be %s (IPC$ is the only "
                    "IPC share)", share->name, old ? "changed" : "added");
        return STATUS_INVALID_PARAMETER;
    }
    if (ipc) {
        c->path = strdup(old->path);
        if (!c->path)
            return STATUS_NO_MEMORY;
    } else if (share->path || !old) {
        status = share_validate_path(share->path, &c->path, error_message);
        if (!NT_SUCCESS(status))
            return status;
    } else {
        c->path = strdup(old->path);
        if (!c->path)
            return STATUS_NO_MEMORY;
    }
    c->comment = share->comment ? share->comment : old ? old->comment : "";
    units = utf8_utf16_units(c->comment, strlen(c->comment));
    if (units < 0 || units > SHARE_COMMENT_MAX) {
        share_error(error_message, "share '%s': the comment is not UTF-8 or longer than %d "
                    "characters", share->name, SHARE_COMMENT_MAX);
        status = STATUS_INVALID_PARAMETER;
        goto fail;
    }
    for (const unsigned char *p = (const unsigned char *)c->comment; *p; p++) {
        if (*p < 0x20) {
            share_error(error_message, "share '%s': the comment contains a control character",
                        share->name);
            status = STATUS_INVALID_PARAMETER;
            goto fail;
        }
    }
    if (share->flags & ~SHARE_FLAGS_VALID) {
        share_error(error_message, "share '%s': unknown flags 0x%08x", share->name,
                    (unsigned)(share->flags & ~SHARE_FLAGS_VALID));
        status = STATUS_INVALID_PARAMETER;
        goto fail;
    }
    c->flags = share->flags;
    if (name_ends_with_dollar(share->name))
        c->flags |= SHARE_FLAG_HIDDEN;
    if (share->max_uses != SHARE_MAX_USES_UNLIMITED && share->max_uses < 1) {
        share_error(error_message, "share '%s': max uses must be at least 1 (or unlimited)",
                    share->name);
        status = STATUS_INVALID_PARAMETER;
        goto fail;
    }
    if (share->sd) {
        if (share->sd_len > SHARE_SD_MAX || !NT_SUCCESS(share_sd_check(share->sd, share->sd_len))) {
            share_error(error_message, "share '%s': the security descriptor is malformed",
                        share->name);
            status = STATUS_INVALID_SECURITY_DESCR;
            goto fail;
        }
        c->sd = share->sd;
        c->sd_len = share->sd_len;
    } else if (old) {
        c->sd = old->sd;
        c->sd_len = old->sd_len;
    } else {
        status = share_sd_default(&c->sd, &c->sd_len);
        if (!NT_SUCCESS(status))
            goto fail;
        c->sd_owned = true;
    }
    return STATUS_SUCCESS;
fail:
    checked_free(c);
    return status;
}

/* "Administrators:full,Everyone:read" (or "none" for no descriptor). */
static char *describe_sd(const uint8_t *sd, size_t sd_len)
{
    char **grants = NULL, *out;
    size_t n = 0, len = 1;

    if (!sd)
        return strdup("none");
    if (!NT_SUCCESS(share_sd_to_grants(sd, sd_len, NULL, NULL, &grants, &n)))
        return strdup("(unreadable)");
    if (n == 0) {
        registry_strv_free(grants);
        return strdup("nobody");
    }
    for (size_t i = 0; i < n; i++)
        len += strlen(grants[i]) + 1;
    out = malloc(len);
    if (out) {
        out[0] = '\0';
        for (size_t i = 0; i < n; i++) {
            if (i)
                strcat(out, ",");
            strcat(out, grants[i]);
        }
    }
    registry_strv_free(grants);
    return out;
}

static char *describe_max_uses(int32_t max_uses)
{
    char *out;

    if (max_uses == SHARE_MAX_USES_UNLIMITED)
        return strdup("unlimited");
    if (asprintf(&out, "%ld", (long)max_uses) < 0)
        return NULL;
    return out;
}

/* Appends "label: before -> after; " to *detail when the two differ. */
static bool note_change(char **detail, const char *label, const char *before, const char *after)
{
    char *grown;

    if (!before || !after)
        return false;
    if (strcmp(before, after) == 0)
        return true;
    if (asprintf(&grown, "%s%s%s: %s -> %s", *detail ? *detail : "", *detail ? "; " : "", label,
                 before, after) < 0)
        return false;
    free(*detail);
    *detail = grown;
    return true;
}

static char *quoted(const char *text)
{
    char *out;
    if (asprintf(&out, "\"%s\"", text) < 0)
        return NULL;
    return out;
}

/* The audit detail of a change from old to new (old NULL: a new share). */
static char *describe_change(const struct share *old, const char *path, const char *comment,
                             uint32_t flags, int32_t max_uses, const uint8_t *sd, size_t sd_len)
{
    char *text[2][5] = { { NULL } };
    char *detail = NULL;
    bool good = true;

    text[1][0] = strdup(path);
    text[1][1] = quoted(comment);
    text[1][2] = share_flags_describe(flags);
    text[1][3] = describe_max_uses(max_uses);
    text[1][4] = describe_sd(sd, sd_len);
    if (old) {
        text[0][0] = strdup(old->path);
        text[0][1] = quoted(old->comment);
        text[0][2] = share_flags_describe(old->flags);
        text[0][3] = describe_max_uses(old->max_uses);
        text[0][4] = describe_sd(old->sd, old->sd_len);
    }
    if (old) {
        static const char *const labels[] = { "path", "comment", "flags", "max-uses", "grants" };
        for (int i = 0; i < 5 && good; i++)
            good = note_change(&detail, labels[i], text[0][i], text[1][i]);
        if (good && !detail)
            detail = strdup("no change");
    } else {
        for (int i = 0; i < 5 && good; i++)
            good = text[1][i] != NULL;
        if (good && asprintf(&detail, "path=%s comment=%s flags=%s max-uses=%s grants=%s",
                             text[1][0], text[1][1], text[1][2], text[1][3], text[1][4]) < 0)
            detail = NULL;
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 5; j++)
            free(text[i][j]);
    if (!good) {
        free(detail);
        return NULL;
    }
    return detail;
}

/* Ends the transaction that a mutating call began: commit on success. */
static NTSTATUS finish(struct registry *reg, NTSTATUS status, char **error_message,
                       const char *name)
{
    if (NT_SUCCESS(status)) {
        status = registry_commit(reg);
        if (!NT_SUCCESS(status))
            share_error(error_message, "share '%s': not changed: %s", name,
                        nt_status_name(status));
        return status;
    }
    registry_rollback(reg);
    if (error_message && !*error_message)
        share_error(error_message, "share '%s': not changed: %s", name, nt_status_name(status));
    return status;
}

static NTSTATUS begin(struct registry *reg, const struct audit_actor *actor, const char *name,
                      char **error_message)
{
    NTSTATUS status;

    if (!actor || !actor->via) {
        share_error(error_message, "share '%s': no actor given for the audit log", name);
        return STATUS_INVALID_PARAMETER;
    }
    status = registry_begin(reg);
    if (!NT_SUCCESS(status))
        share_error(error_message, "cannot start a registry transaction: %s",
                    nt_status_name(status));
    return status;
}

NTSTATUS share_db_add(struct registry *reg, const struct share *share,
                      const struct audit_actor *actor, char **error_message)
{
    static const char sql[] =
        "INSERT INTO shares (name, path, comment, type, flags, max_uses, sd, created_at, "
        "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    struct checked_share c = { 0 };
    sqlite3_stmt *stmt = NULL;
    char *detail = NULL;
    int64_t now;
    NTSTATUS status;
    int rc;

    if (error_message)
        *error_message = NULL;
    if (!share)
        return STATUS_INVALID_PARAMETER;
    status = share_check_name(share->name, false, error_message);
    if (!NT_SUCCESS(status))
        return status;
    status = check_fields(share, NULL, &c, error_message);
    if (!NT_SUCCESS(status))
        return status;
    status = begin(reg, actor, share->name, error_message);
    if (!NT_SUCCESS(status))
        goto out_unlocked;
    status = find_share(reg, share->name, NULL, NULL);
    if (status != STATUS_BAD_NETWORK_NAME) {
        if (NT_SUCCESS(status)) {
            share_error(error_message, "share '%s' already exists", share->name);
            status = STATUS_OBJECT_NAME_COLLISION;
        }
        goto out;
    }
    rc = sqlite3_prepare_v2(registry_sqlite(reg), sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        now = now_ms();
        sqlite3_bind_text(stmt, 1, share->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, c.path, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, c.comment, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, STYPE_DISKTREE);
        sqlite3_bind_int64(stmt, 5, c.flags);
        sqlite3_bind_int64(stmt, 6, share->max_uses);
        sqlite3_bind_blob(stmt, 7, c.sd, (int)c.sd_len, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 8, now);
        sqlite3_bind_int64(stmt, 9, now);
        rc = sqlite3_step(stmt);
    }
    status = sql_status(rc);
    if (status == STATUS_OBJECT_NAME_COLLISION)
        share_error(error_message, "share '%s' already exists", share->name);
    if (!NT_SUCCESS(status))
        goto out;
    detail = describe_change(NULL, c.path, c.comment, c.flags, share->max_uses, c.sd, c.sd_len);
    status = detail ? registry_audit(reg, actor, "share.add", share->name, detail)
                    : STATUS_NO_MEMORY;
out:
    sqlite3_finalize(stmt);
    status = finish(reg, status, error_message, share->name);
out_unlocked:
    checked_free(&c);
    free(detail);
    return status;
}

NTSTATUS share_db_set(struct registry *reg, const struct share *share,
                      const struct audit_actor *actor, char **error_message)
{
    static const char sql[] =
        "UPDATE shares SET name = ?, path = ?, comment = ?, flags = ?, max_uses = ?, sd = ?, "
        "changed_at = ? WHERE id = ?";
    struct checked_share c = { 0 };
    struct share *old = NULL;
    sqlite3_stmt *stmt = NULL;
    char *detail = NULL;
    int64_t id = 0;
    NTSTATUS status;
    int rc;

    if (error_message)
        *error_message = NULL;
    if (!share)
        return STATUS_INVALID_PARAMETER;
    status = share_check_name(share->name, share_name_is_ipc(share->name), error_message);
    if (!NT_SUCCESS(status))
        return status;
    status = begin(reg, actor, share->name, error_message);
    if (!NT_SUCCESS(status))
        return status;
    status = find_share(reg, share->name, &id, &old);
    if (status == STATUS_BAD_NETWORK_NAME)
        share_error(error_message, "no share named '%s'", share->name);
    if (!NT_SUCCESS(status))
        goto out;
    status = check_fields(share, old, &c, error_message);
    if (!NT_SUCCESS(status))
        goto out;
    rc = sqlite3_prepare_v2(registry_sqlite(reg), sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, share->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 2, c.path, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 3, c.comment, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 4, c.flags);
        sqlite3_bind_int64(stmt, 5, share->max_uses);
        if (c.sd)
            sqlite3_bind_blob(stmt, 6, c.sd, (int)c.sd_len, SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, 6);
        sqlite3_bind_int64(stmt, 7, now_ms());
        sqlite3_bind_int64(stmt, 8, id);
        rc = sqlite3_step(stmt);
    }
    status = sql_status(rc);
    if (!NT_SUCCESS(status))
        goto out;
    detail = describe_change(old, c.path, c.comment, c.flags, share->max_uses, c.sd, c.sd_len);
    status = detail ? registry_audit(reg, actor, "share.set", share->name, detail)
                    : STATUS_NO_MEMORY;
out:
    sqlite3_finalize(stmt);
    status = finish(reg, status, error_message, share->name);
    checked_free(&c);
    share_free(old);
    free(detail);
    return status;
}

NTSTATUS share_db_delete(struct registry *reg, const char *name,
                         const struct audit_actor *actor, char **error_message)
{
    struct share *old = NULL;
    sqlite3_stmt *stmt = NULL;
    char *detail = NULL;
    int64_t id = 0;
    NTSTATUS status;
    int rc;

    if (error_message)
        *error_message = NULL;
    if (!name)
        return STATUS_INVALID_PARAMETER;
    if (share_name_is_ipc(name)) {
        share_error(error_message, "IPC$ cannot be deleted");
        return STATUS_ACCESS_DENIED;
    }
    status = begin(reg, actor, name, error_message);
    if (!NT_SUCCESS(status))
        return status;
    status = find_share(reg, name, &id, &old);
    if (status == STATUS_BAD_NETWORK_NAME)
        share_error(error_message, "no share named '%s'", name);
    if (!NT_SUCCESS(status))
        goto out;
    rc = sqlite3_prepare_v2(registry_sqlite(reg), "DELETE FROM shares WHERE id = ?", -1, &stmt,
                            NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, id);
        rc = sqlite3_step(stmt);
    }
    status = sql_status(rc);
    if (!NT_SUCCESS(status))
        goto out;
    if (asprintf(&detail, "path=%s", old->path) < 0) {
        detail = NULL;
        status = STATUS_NO_MEMORY;
        goto out;
    }
    status = registry_audit(reg, actor, "share.delete", old->name, detail);
out:
    sqlite3_finalize(stmt);
    status = finish(reg, status, error_message, name);
    share_free(old);
    free(detail);
    return status;
}
