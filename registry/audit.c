/* The audit log: one row per change, written in the same transaction as the
 * change itself so the log never claims a change that was rolled back nor
 * misses one that was committed. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "registry/internal.h"

static const char *const known_vias[] = { "cli", "yaml", "console", "rpc", "daemon", "lsarpc", "samr", "pam" };

static bool via_known(const char *via)
{
    for (size_t i = 0; i < sizeof(known_vias) / sizeof(known_vias[0]); i++)
        if (via && strcmp(via, known_vias[i]) == 0)
            return true;
    return false;
}

struct audit_actor *audit_actor_self(struct audit_actor *actor, const char *via,
                                     const char *source)
{
    static _Thread_local char user[256];
    struct passwd pw, *found = NULL;
    char buffer[1024];
    uid_t uid = getuid();

    const char *sudo_user = getenv("SUDO_USER");

    if (getpwuid_r(uid, &pw, buffer, sizeof(buffer), &found) == 0 && found &&
        strlen(found->pw_name) < sizeof(user))
        strcpy(user, found->pw_name);
    else
        snprintf(user, sizeof(user), "uid %lu", (unsigned long)uid);
    /* sudo ran us: the log names the person who typed the command. Only root
     * is believed, since anyone can set SUDO_USER in their own environment. */
    if (uid == 0 && sudo_user && *sudo_user && strlen(sudo_user) < 128 &&
        strcmp(sudo_user, user) != 0) {
        char account[64];
        snprintf(account, sizeof(account), "%.63s", user);
        snprintf(user, sizeof(user), "%.127s (via sudo as %s)", sudo_user, account);
    }
    actor->via = via;
    actor->uid = uid;
    actor->user = user;
    actor->source = source;
    return actor;
}

/* Which log a record belongs to, by its action (docs/eventlog.md): what
 * Windows writes to its Security log (logons, lockouts, account and group
 * management, user rights, share changes) goes there; the daemons' starts and stops go
 * to System, as the Service Control Manager's do; the rest (settings,
 * closed sessions and files, provisioning) to Application. The migration
 * 005-audit-eventlog.sql applies the same rule to older rows. */
enum audit_log registry_audit_log_of(const char *action)
{
    static const char *const security[] = { "user.", "group.", "share.", "logon.", "sam.", "account.", "kerberos.", "provider." };
    if (!action)
        return AUDIT_LOG_APPLICATION;
    if (strncmp(action, "daemon.", 7) == 0)
        return AUDIT_LOG_SYSTEM;
    for (size_t i = 0; i < sizeof security / sizeof security[0]; i++)
        if (strncmp(action, security[i], strlen(security[i])) == 0)
            return AUDIT_LOG_SECURITY;
    return AUDIT_LOG_APPLICATION;
}

static const char *const log_names[AUDIT_LOG_COUNT] = { "Application", "System", "Security" };

const char *registry_audit_log_name(enum audit_log log)
{
    return (unsigned)log < AUDIT_LOG_COUNT ? log_names[log] : "Application";
}

bool registry_audit_log_parse(const char *name, enum audit_log *log)
{
    for (unsigned i = 0; name && i < AUDIT_LOG_COUNT; i++)
        if (strcasecmp(name, log_names[i]) == 0) {
            *log = (enum audit_log)i;
            return true;
        }
    return false;
}

/* Runs one statement with up to two integer and two text parameters; for the
 * small fixed statements of the event log view. *value gets the first
 * column of the first row when value is not NULL (0 when there is none). */
static NTSTATUS run_sql(struct registry *reg, const char *sql, const char *text1, int64_t int2,
                        int64_t int3, int64_t *value, const char *what)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        int params = sqlite3_bind_parameter_count(stmt);
        if (params >= 1)
            sqlite3_bind_text(stmt, 1, text1, -1, SQLITE_STATIC);
        if (params >= 2)
            sqlite3_bind_int64(stmt, 2, int2);
        if (params >= 3)
            sqlite3_bind_int64(stmt, 3, int3);
        rc = sqlite3_step(stmt);
        if (value)
            *value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
        if (rc == SQLITE_ROW)
            rc = SQLITE_DONE;
    }
    sqlite3_finalize(stmt);
    return registry_sql_status(reg, rc, what);
}

static NTSTATUS audit_insert_row(struct registry *reg, const struct audit_actor *actor,
                                 const char *action, const char *object, const char *detail,
                                 const char *outcome, const char *log, int64_t record)
{
    static const char sql[] =
        "INSERT INTO audit (at, uid, user, via, source, action, object, detail, outcome, log, "
        "record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, registry_now_ms());
        if (actor->uid == (uid_t)-1)
            sqlite3_bind_int64(stmt, 2, -1);
        else
            sqlite3_bind_int64(stmt, 2, (int64_t)actor->uid);
        sqlite3_bind_text(stmt, 3, actor->user ? actor->user : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 4, actor->via, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 5, actor->source, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 6, action, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 7, object, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 8, detail, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 9, outcome, -1, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 10, log, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 11, record);
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return registry_sql_status(reg, rc, "writing the audit log");
}

/* Numbers the record in its log, writes it, and prunes that log's oldest
 * records past audit.max-records, all in one transaction (nested in the
 * caller's when one is open), so that two writers never take one number and
 * the table never holds more than the bound. */
static NTSTATUS audit_insert(struct registry *reg, const struct audit_actor *actor,
                             const char *action, const char *object, const char *detail,
                             const char *outcome)
{
    if (!actor || !via_known(actor->via) || !action || !*action)
        return STATUS_INVALID_PARAMETER;
    const char *log = registry_audit_log_name(registry_audit_log_of(action));
    NTSTATUS status = registry_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    int64_t last = 0;
    status = run_sql(reg, "SELECT MAX(record) FROM audit WHERE log = ?1", log, 0, 0, &last,
                     "numbering the audit log");
    if (NT_SUCCESS(status))
        status = audit_insert_row(reg, actor, action, object, detail, outcome, log, last + 1);
    uint32_t keep = REGISTRY_AUDIT_DEFAULT_MAX_RECORDS;
    if (NT_SUCCESS(status) &&
        (!NT_SUCCESS(registry_setting_get_dword(reg, "audit.max-records", &keep)) || keep == 0))
        keep = REGISTRY_AUDIT_DEFAULT_MAX_RECORDS;
    if (NT_SUCCESS(status) && last + 1 > (int64_t)keep)
        status = run_sql(reg, "DELETE FROM audit WHERE log = ?1 AND record <= ?2", log,
                         last + 1 - (int64_t)keep, 0, NULL, "pruning the audit log");
    if (NT_SUCCESS(status))
        return registry_commit(reg);
    registry_rollback(reg);
    return status;
}

NTSTATUS registry_audit(struct registry *reg, const struct audit_actor *actor,
                        const char *action, const char *object, const char *detail)
{
    return audit_insert(reg, actor, action, object, detail, "ok");
}

NTSTATUS registry_audit_refused(struct registry *reg, const struct audit_actor *actor,
                                const char *action, const char *object, const char *reason)
{
    return audit_insert(reg, actor, action, object, reason, "refused");
}

/* A copy of a text column; NULL stays NULL. *failed is set on no memory. */
static char *column_text(sqlite3_stmt *stmt, int column, bool *failed)
{
    const unsigned char *text = sqlite3_column_text(stmt, column);
    char *copy;

    if (!text)
        return NULL;
    copy = strdup((const char *)text);
    if (!copy)
        *failed = true;
    return copy;
}

#define ENTRY_COLUMNS "id, at, uid, user, via, source, action, object, detail, outcome, log, record"

/* Runs a prepared SELECT of ENTRY_COLUMNS and collects its rows, in the order
 * they come. Finalizes stmt. */
static NTSTATUS collect_entries(struct registry *reg, sqlite3_stmt *stmt, struct audit_entry **entries,
                                size_t *count)
{
    struct audit_entry *list = NULL, *grown;
    size_t n = 0, capacity = 0;
    bool failed = false;
    NTSTATUS status;
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct audit_entry *e;
        if (n == capacity) {
            capacity = capacity ? capacity * 2 : 16;
            grown = realloc(list, capacity * sizeof(*list));
            if (!grown) {
                status = STATUS_NO_MEMORY;
                goto out;
            }
            list = grown;
        }
        e = &list[n++];
        memset(e, 0, sizeof(*e));
        e->id = sqlite3_column_int64(stmt, 0);
        e->at_ms = sqlite3_column_int64(stmt, 1);
        e->uid = sqlite3_column_int64(stmt, 2);
        e->user = column_text(stmt, 3, &failed);
        e->via = column_text(stmt, 4, &failed);
        e->source = column_text(stmt, 5, &failed);
        e->action = column_text(stmt, 6, &failed);
        e->object = column_text(stmt, 7, &failed);
        e->detail = column_text(stmt, 8, &failed);
        e->outcome = column_text(stmt, 9, &failed);
        const unsigned char *log = sqlite3_column_text(stmt, 10);
        if (!log || !registry_audit_log_parse((const char *)log, &e->log))
            e->log = AUDIT_LOG_APPLICATION;
        e->record = sqlite3_column_int64(stmt, 11);
        if (failed) {
            status = STATUS_NO_MEMORY;
            goto out;
        }
    }
    status = registry_sql_status(reg, rc, "reading the audit log");
    if (NT_SUCCESS(status)) {
        *entries = list;
        *count = n;
        list = NULL;
        n = 0;
    }
out:
    sqlite3_finalize(stmt);
    registry_audit_list_free(list, n);
    return status;
}

/* Prepares sql (ENTRY_COLUMNS with up to three integer parameters after an
 * optional text one) and collects its rows. */
static NTSTATUS query_entries(struct registry *reg, const char *sql, const char *text, int64_t a,
                              int64_t b, int64_t c, struct audit_entry **entries, size_t *count)
{
    sqlite3_stmt *stmt = NULL;
    *entries = NULL;
    *count = 0;
    int rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return registry_sql_status(reg, rc, "reading the audit log");
    }
    int first = 1;
    if (text)
        sqlite3_bind_text(stmt, first++, text, -1, SQLITE_STATIC);
    int params = sqlite3_bind_parameter_count(stmt);
    int64_t values[3] = { a, b, c };
    for (int i = 0; i < 3 && first + i <= params; i++)
        sqlite3_bind_int64(stmt, first + i, values[i]);
    return collect_entries(reg, stmt, entries, count);
}

static int64_t sql_limit(size_t limit)
{
    return limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit;
}

NTSTATUS registry_audit_list(struct registry *reg, int64_t since_ms, size_t limit,
                             struct audit_entry **entries, size_t *count)
{
    /* The newest `limit` rows, returned oldest first. */
    return query_entries(reg,
                         "SELECT " ENTRY_COLUMNS " FROM (SELECT * FROM audit WHERE at >= ?1 "
                         "ORDER BY id DESC LIMIT ?2) ORDER BY id",
                         NULL, since_ms, sql_limit(limit), 0, entries, count);
}

NTSTATUS registry_audit_list_after(struct registry *reg, int64_t after_id, size_t limit,
                                   struct audit_entry **entries, size_t *count)
{
    return query_entries(reg, "SELECT " ENTRY_COLUMNS " FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2",
                         NULL, after_id, sql_limit(limit), 0, entries, count);
}

NTSTATUS registry_audit_log_read(struct registry *reg, enum audit_log log, int64_t from_record,
                                 bool forwards, size_t limit, struct audit_entry **entries,
                                 size_t *count)
{
    const char *sql = forwards ? "SELECT " ENTRY_COLUMNS " FROM audit WHERE log = ?1 AND record >= ?2 "
                                 "ORDER BY record LIMIT ?3"
                               : "SELECT " ENTRY_COLUMNS " FROM audit WHERE log = ?1 AND record <= ?2 "
                                 "ORDER BY record DESC LIMIT ?3";
    return query_entries(reg, sql, registry_audit_log_name(log), from_record, sql_limit(limit), 0,
                         entries, count);
}

NTSTATUS registry_audit_log_bounds(struct registry *reg, enum audit_log log, int64_t *oldest,
                                   int64_t *newest, int64_t *count)
{
    sqlite3_stmt *stmt = NULL;
    *oldest = *newest = *count = 0;
    int rc = sqlite3_prepare_v2(reg->db,
                                "SELECT COALESCE(MIN(record), 0), COALESCE(MAX(record), 0), COUNT(*) "
                                "FROM audit WHERE log = ?1",
                                -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, registry_audit_log_name(log), -1, SQLITE_STATIC);
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            *oldest = sqlite3_column_int64(stmt, 0);
            *newest = sqlite3_column_int64(stmt, 1);
            *count = sqlite3_column_int64(stmt, 2);
            rc = SQLITE_DONE;
        }
    }
    sqlite3_finalize(stmt);
    return registry_sql_status(reg, rc, "reading the audit log");
}

NTSTATUS registry_audit_daemon(const char *db_path, const char *daemon, const char *action,
                               const char *detail)
{
    struct registry *reg = NULL;
    NTSTATUS status = registry_open(db_path, &reg);
    if (!NT_SUCCESS(status))
        return status;
    const struct audit_actor actor = { "daemon", getuid(), daemon, NULL };
    status = registry_audit(reg, &actor, action, daemon, detail);
    registry_close(reg);
    return status;
}

void registry_audit_entry_clear(struct audit_entry *e)
{
    free(e->user);
    free(e->via);
    free(e->source);
    free(e->action);
    free(e->object);
    free(e->detail);
    free(e->outcome);
    memset(e, 0, sizeof *e);
}

void registry_audit_list_free(struct audit_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++)
        registry_audit_entry_clear(&entries[i]);
    free(entries);
}
