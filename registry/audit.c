/* The audit log: one row per change, written in the same transaction as the
 * change itself so the log never claims a change that was rolled back nor
 * misses one that was committed. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry/internal.h"

static const char *const known_vias[] = { "cli", "yaml", "console", "rpc", "daemon", "lsarpc", "samr" };

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

static NTSTATUS audit_insert(struct registry *reg, const struct audit_actor *actor,
                             const char *action, const char *object, const char *detail,
                             const char *outcome)
{
    static const char sql[] =
        "INSERT INTO audit (at, uid, user, via, source, action, object, detail, outcome) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *stmt = NULL;
    int rc;

    if (!actor || !via_known(actor->via) || !action || !*action)
        return STATUS_INVALID_PARAMETER;
    rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
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
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return registry_sql_status(reg, rc, "writing the audit log");
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

NTSTATUS registry_audit_list(struct registry *reg, int64_t since_ms, size_t limit,
                             struct audit_entry **entries, size_t *count)
{
    /* The newest `limit` rows, returned oldest first. */
    static const char sql[] =
        "SELECT id, at, uid, user, via, source, action, object, detail, outcome FROM "
        "(SELECT * FROM audit WHERE at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id";
    struct audit_entry *list = NULL, *grown;
    size_t n = 0, capacity = 0;
    sqlite3_stmt *stmt = NULL;
    bool failed = false;
    NTSTATUS status;
    int rc;

    *entries = NULL;
    *count = 0;
    rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        status = registry_sql_status(reg, rc, "reading the audit log");
        goto out;
    }
    sqlite3_bind_int64(stmt, 1, since_ms);
    sqlite3_bind_int64(stmt, 2, limit == 0 || limit > INT64_MAX ? -1 : (int64_t)limit);
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

void registry_audit_list_free(struct audit_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(entries[i].user);
        free(entries[i].via);
        free(entries[i].source);
        free(entries[i].action);
        free(entries[i].object);
        free(entries[i].detail);
        free(entries[i].outcome);
    }
    free(entries);
}
