/* Settings in the registry tree: "srv.port" is the value "port" of the key
 * "srv" (a child of the root key); "a.b.c" is value "c" of key a\b. Only
 * values that were set are stored; a missing value reads as its default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "registry/internal.h"

#define ROOT_KEY 1

/* Finds (or with create, makes) the key holding a setting's value; *key_id 0
 * if it does not exist. *value_name points into name. */
static NTSTATUS find_key(struct registry *reg, const char *name, bool create, int64_t *key_id,
                         const char **value_name)
{
    sqlite3_stmt *select = NULL, *insert = NULL;
    const char *part = name, *dot;
    int64_t key = ROOT_KEY;
    NTSTATUS status = STATUS_SUCCESS;
    int rc;

    *key_id = 0;
    rc = sqlite3_prepare_v2(reg->db, "SELECT id FROM keys WHERE parent = ? AND name = ?", -1,
                            &select, NULL);
    if (rc == SQLITE_OK && create)
        rc = sqlite3_prepare_v2(reg->db, "INSERT INTO keys (parent, name) VALUES (?, ?)", -1,
                                &insert, NULL);
    if (rc != SQLITE_OK) {
        status = registry_sql_status(reg, rc, "looking up a key");
        goto out;
    }
    while ((dot = strchr(part, '.')) != NULL) {
        int len = (int)(dot - part);
        sqlite3_reset(select);
        sqlite3_bind_int64(select, 1, key);
        sqlite3_bind_text(select, 2, part, len, SQLITE_STATIC);
        rc = sqlite3_step(select);
        if (rc == SQLITE_ROW) {
            key = sqlite3_column_int64(select, 0);
        } else if (rc != SQLITE_DONE) {
            status = registry_sql_status(reg, rc, "looking up a key");
            goto out;
        } else if (!create) {
            goto out; /* no key: nothing stored under it */
        } else {
            sqlite3_reset(insert);
            sqlite3_bind_int64(insert, 1, key);
            sqlite3_bind_text(insert, 2, part, len, SQLITE_STATIC);
            rc = sqlite3_step(insert);
            if (rc != SQLITE_DONE) {
                status = registry_sql_status(reg, rc, "creating a key");
                goto out;
            }
            key = sqlite3_last_insert_rowid(reg->db);
        }
        part = dot + 1;
    }
    *key_id = key;
out:
    *value_name = part;
    sqlite3_finalize(select);
    sqlite3_finalize(insert);
    return status;
}

/* The stored value as text, or NULL (*stored false) if none. A value whose
 * stored type no longer matches the schema is ignored: the default applies. */
static NTSTATUS read_stored(struct registry *reg, const struct setting_def *def, char **text,
                            bool *stored)
{
    sqlite3_stmt *stmt = NULL;
    const char *value_name;
    int64_t key;
    NTSTATUS status;
    int rc;

    *text = NULL;
    *stored = false;
    status = find_key(reg, def->name, false, &key, &value_name);
    if (!NT_SUCCESS(status) || key == 0)
        return status;
    rc = sqlite3_prepare_v2(reg->db, "SELECT type, data FROM reg_values WHERE key = ? AND name = ?",
                            -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, key);
        sqlite3_bind_text(stmt, 2, value_name, -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt);
    }
    if (rc == SQLITE_DONE) {
        status = STATUS_SUCCESS;
        goto out;
    }
    if (rc != SQLITE_ROW) {
        status = registry_sql_status(reg, rc, "reading a setting");
        goto out;
    }
    if (sqlite3_column_int(stmt, 0) != (int)def->type) {
        log_warning("registry: %s is stored as %s, the schema says %s: using the default",
                    def->name, reg_type_name((enum reg_type)sqlite3_column_int(stmt, 0)),
                    reg_type_name(def->type));
        goto out;
    }
    switch (def->type) {
    case REG_DWORD:
    case REG_QWORD:
        if (asprintf(text, "%llu", (unsigned long long)sqlite3_column_int64(stmt, 1)) < 0)
            *text = NULL;
        break;
    case REG_BINARY:
        *text = registry_hex_encode(sqlite3_column_blob(stmt, 1),
                                    (size_t)sqlite3_column_bytes(stmt, 1));
        break;
    default: {
        const unsigned char *value = sqlite3_column_text(stmt, 1);
        *text = strdup(value ? (const char *)value : "");
        break;
    }
    }
    if (!*text) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    *stored = true;
out:
    sqlite3_finalize(stmt);
    return status;
}

static NTSTATUS write_stored(struct registry *reg, const struct setting_def *def,
                             const char *normalized)
{
    static const char sql[] =
        "INSERT INTO reg_values (key, name, type, data, changed_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (key, name) DO UPDATE SET type = excluded.type, data = excluded.data, "
        "changed_at = excluded.changed_at";
    sqlite3_stmt *stmt = NULL;
    const char *value_name;
    uint8_t *bytes = NULL;
    size_t len;
    uint64_t number;
    int64_t key;
    NTSTATUS status;
    int rc;

    status = find_key(reg, def->name, true, &key, &value_name);
    if (!NT_SUCCESS(status))
        return status;
    rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        status = registry_sql_status(reg, rc, "writing a setting");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, key);
    sqlite3_bind_text(stmt, 2, value_name, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 3, (int)def->type);
    switch (def->type) {
    case REG_DWORD:
    case REG_QWORD:
        if (!registry_parse_u64(normalized, &number)) {
            status = STATUS_INTERNAL_ERROR;
            goto out;
        }
        sqlite3_bind_int64(stmt, 4, (int64_t)number);
        break;
    case REG_BINARY:
        status = registry_hex_decode(normalized, &bytes, &len);
        if (!NT_SUCCESS(status))
            goto out;
        sqlite3_bind_blob(stmt, 4, bytes, (int)len, SQLITE_STATIC);
        break;
    default:
        sqlite3_bind_text(stmt, 4, normalized, -1, SQLITE_STATIC);
        break;
    }
    sqlite3_bind_int64(stmt, 5, registry_now_ms());
    rc = sqlite3_step(stmt);
    status = registry_sql_status(reg, rc, "writing a setting");
out:
    sqlite3_finalize(stmt);
    free(bytes);
    return status;
}

static NTSTATUS delete_stored(struct registry *reg, const struct setting_def *def)
{
    sqlite3_stmt *stmt = NULL;
    const char *value_name;
    int64_t key;
    NTSTATUS status;
    int rc;

    status = find_key(reg, def->name, false, &key, &value_name);
    if (!NT_SUCCESS(status) || key == 0)
        return status;
    rc = sqlite3_prepare_v2(reg->db, "DELETE FROM reg_values WHERE key = ? AND name = ?", -1,
                            &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, key);
        sqlite3_bind_text(stmt, 2, value_name, -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return registry_sql_status(reg, rc, "unsetting a setting");
}

static const struct setting_def *find_or_explain(const char *name, char **error_message)
{
    const struct setting_def *def = registry_setting_find(name);

    if (!def)
        registry_error(error_message, "no such setting '%s' (see `lwadmin config list`)",
                       name ? name : "");
    return def;
}

NTSTATUS registry_setting_get_text(struct registry *reg, const char *name, char **value,
                                   bool *is_default)
{
    const struct setting_def *def = registry_setting_find(name);
    bool stored;
    NTSTATUS status;

    *value = NULL;
    if (is_default)
        *is_default = true;
    if (!def)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    status = read_stored(reg, def, value, &stored);
    if (!NT_SUCCESS(status))
        return status;
    if (!stored) {
        *value = strdup(def->default_text);
        if (!*value)
            return STATUS_NO_MEMORY;
    }
    if (is_default)
        *is_default = !stored;
    return STATUS_SUCCESS;
}

/* The text of a setting that must have the given type. */
static NTSTATUS get_typed(struct registry *reg, const char *name, enum reg_type type,
                          char **text)
{
    const struct setting_def *def = registry_setting_find(name);

    *text = NULL;
    if (!def)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (def->type != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    return registry_setting_get_text(reg, name, text, NULL);
}

NTSTATUS registry_setting_get_dword(struct registry *reg, const char *name, uint32_t *value)
{
    uint64_t number = 0;
    char *text;
    NTSTATUS status = get_typed(reg, name, REG_DWORD, &text);

    if (NT_SUCCESS(status) && (!registry_parse_u64(text, &number) || number > UINT32_MAX))
        status = STATUS_DATA_ERROR;
    *value = (uint32_t)number;
    free(text);
    return status;
}

NTSTATUS registry_setting_get_qword(struct registry *reg, const char *name, uint64_t *value)
{
    uint64_t number = 0;
    char *text;
    NTSTATUS status = get_typed(reg, name, REG_QWORD, &text);

    if (NT_SUCCESS(status) && !registry_parse_u64(text, &number))
        status = STATUS_DATA_ERROR;
    *value = number;
    free(text);
    return status;
}

NTSTATUS registry_setting_get_string(struct registry *reg, const char *name, char **value)
{
    return get_typed(reg, name, REG_SZ, value);
}

void registry_strv_free(char **items)
{
    if (!items)
        return;
    for (char **p = items; *p; p++)
        free(*p);
    free(items);
}

NTSTATUS registry_setting_get_multi(struct registry *reg, const char *name, char ***items,
                                    size_t *count)
{
    char *text, **list = NULL;
    size_t n = 0;
    NTSTATUS status = get_typed(reg, name, REG_MULTI_SZ, &text);

    *items = NULL;
    if (count)
        *count = 0;
    if (!NT_SUCCESS(status))
        return status;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    n += *text ? 1 : 0;
    list = calloc(n + 1, sizeof(*list));
    if (!list) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    for (size_t i = 0, start = 0; i < n; i++) {
        size_t len = strcspn(text + start, ",");
        list[i] = strndup(text + start, len);
        if (!list[i]) {
            status = STATUS_NO_MEMORY;
            goto out;
        }
        start += len + 1;
    }
    *items = list;
    list = NULL;
    if (count)
        *count = n;
out:
    registry_strv_free(list);
    free(text);
    return status;
}

NTSTATUS registry_setting_get_binary(struct registry *reg, const char *name, uint8_t **data,
                                     size_t *len)
{
    char *text;
    NTSTATUS status = get_typed(reg, name, REG_BINARY, &text);

    *data = NULL;
    *len = 0;
    if (NT_SUCCESS(status))
        status = registry_hex_decode(text, data, len);
    free(text);
    return status;
}

NTSTATUS registry_setting_get_bool(struct registry *reg, const char *name, bool *value)
{
    static const char *const yes[] = { "on", "yes", "true", "enabled", "1" };
    static const char *const no[] = { "off", "no", "false", "disabled", "0" };
    const struct setting_def *def = registry_setting_find(name);
    char *text = NULL;
    NTSTATUS status;

    *value = false;
    if (!def)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (def->type == REG_DWORD) {
        uint32_t number;
        status = registry_setting_get_dword(reg, name, &number);
        *value = number != 0;
        return status;
    }
    if (def->type != REG_SZ)
        return STATUS_OBJECT_TYPE_MISMATCH;
    status = registry_setting_get_text(reg, name, &text, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = STATUS_OBJECT_TYPE_MISMATCH;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *value = true;
            status = STATUS_SUCCESS;
        } else if (strcasecmp(text, no[i]) == 0) {
            status = STATUS_SUCCESS;
        }
    }
    free(text);
    return status;
}

/* "445 (default)" or "8445", for audit details. */
static char *describe(const char *text, bool is_default)
{
    char *out;

    if (asprintf(&out, "%s%s%s%s", *text ? "" : "\"", text, *text ? "" : "\"",
                 is_default ? " (default)" : "") < 0)
        return NULL;
    return out;
}

/* Writes (normalized) or deletes (NULL) a setting's value and audits it, in
 * one transaction. */
struct setting_checker {
    const char *name;
    registry_setting_checker check;
};
static struct setting_checker checkers[REGISTRY_MAX_CHECKERS];
static size_t checker_count;

void registry_setting_add_checker(const char *name, registry_setting_checker check)
{
    /* Called from constructors, before any thread exists. */
    if (checker_count < REGISTRY_MAX_CHECKERS)
        checkers[checker_count++] = (struct setting_checker){ name, check };
}

static NTSTATUS run_checkers(struct registry *reg, const struct setting_def *def,
                             const char *value, char **error_message)
{
    for (size_t i = 0; i < checker_count; i++)
        if (strcmp(checkers[i].name, def->name) == 0) {
            NTSTATUS status = checkers[i].check(reg, def->name, value, error_message);
            if (!NT_SUCCESS(status))
                return status;
        }
    return STATUS_SUCCESS;
}

static NTSTATUS change_setting(struct registry *reg, const struct setting_def *def,
                               const char *normalized, const struct audit_actor *actor,
                               char **error_message)
{
    char *old = NULL, *before = NULL, *after = NULL, *detail = NULL;
    bool was_default = true;
    NTSTATUS status;

    status = registry_begin(reg);
    if (!NT_SUCCESS(status)) {
        registry_error(error_message, "cannot start a registry transaction: %s",
                       nt_status_name(status));
        return status;
    }
    status = registry_setting_get_text(reg, def->name, &old, &was_default);
    if (!NT_SUCCESS(status))
        goto out;
    if (!normalized && was_default)
        goto out; /* unsetting a value that was never set: nothing changes */
    status = run_checkers(reg, def, normalized ? normalized : def->default_text, error_message);
    if (!NT_SUCCESS(status))
        goto out;
    status = normalized ? write_stored(reg, def, normalized) : delete_stored(reg, def);
    if (!NT_SUCCESS(status))
        goto out;
    before = describe(old, was_default);
    after = describe(normalized ? normalized : def->default_text, !normalized);
    if (!before || !after || asprintf(&detail, "%s -> %s", before, after) < 0) {
        detail = NULL;
        status = STATUS_NO_MEMORY;
        goto out;
    }
    status = registry_audit(reg, actor, normalized ? "setting.set" : "setting.unset", def->name,
                            detail);
out:
    if (NT_SUCCESS(status)) {
        status = registry_commit(reg);
    } else {
        registry_rollback(reg);
    }
    if (!NT_SUCCESS(status) && error_message && !*error_message)
        registry_error(error_message, "%s: not changed: %s", def->name, nt_status_name(status));
    free(old);
    free(before);
    free(after);
    free(detail);
    return status;
}

NTSTATUS registry_setting_set(struct registry *reg, const char *name, const char *text,
                              const struct audit_actor *actor, char **error_message)
{
    const struct setting_def *def;
    char *normalized = NULL;
    NTSTATUS status;

    if (error_message)
        *error_message = NULL;
    def = find_or_explain(name, error_message);
    if (!def)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (!actor) {
        registry_error(error_message, "%s: no actor given for the audit log", def->name);
        return STATUS_INVALID_PARAMETER;
    }
    status = registry_setting_validate(def, text, &normalized, error_message);
    if (NT_SUCCESS(status))
        status = change_setting(reg, def, normalized, actor, error_message);
    free(normalized);
    return status;
}

NTSTATUS registry_setting_unset(struct registry *reg, const char *name,
                                const struct audit_actor *actor, char **error_message)
{
    const struct setting_def *def;

    if (error_message)
        *error_message = NULL;
    def = find_or_explain(name, error_message);
    if (!def)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (!actor) {
        registry_error(error_message, "%s: no actor given for the audit log", def->name);
        return STATUS_INVALID_PARAMETER;
    }
    return change_setting(reg, def, NULL, actor, error_message);
}
