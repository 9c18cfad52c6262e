/* Opening: file mode, pragmas, migrations (from an older schema, refusing a
 * newer one), nested transactions and change detection across connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "registry/embedded.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-registry-open.XXXXXX";

static char *path_in_dir(const char *name)
{
    static char path[4][300];
    static int next;
    char *p = path[next++ % 4];

    snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
    return p;
}

static long long pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    long long v = -12345;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW)
            v = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
    }
    return v;
}

static const char *pragma_text(sqlite3 *db, const char *sql)
{
    static char out[64];
    sqlite3_stmt *stmt;

    strcpy(out, "?");
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW)
            snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
    }
    return out;
}

/* Expected failures log an error: keep it out of the test output. */
static int saved_stderr = -1;

static void quiet(bool on)
{
    if (on) {
        int null = open("/dev/null", O_WRONLY);
        fflush(stderr);
        saved_stderr = dup(2);
        dup2(null, 2);
        close(null);
    } else if (saved_stderr >= 0) {
        fflush(stderr);
        dup2(saved_stderr, 2);
        close(saved_stderr);
        saved_stderr = -1;
    }
}

static const char *embedded_migration(const char *path)
{
    for (size_t i = 0; i < registry_embedded_migration_count; i++)
        if (strcmp(registry_embedded_migrations[i].path, path) == 0)
            return registry_embedded_migrations[i].text;
    return NULL;
}

static void test_new_file(void)
{
    struct registry *reg = NULL;
    struct audit_actor actor;
    struct stat st;
    const char *path = path_in_dir("new.db");
    char *wal = path_in_dir("new.db-wal");
    mode_t old_mask = umask(0); /* the mode must not depend on the umask */

    ok(registry_open(path, &reg) == STATUS_SUCCESS, "a new registry is created");
    umask(old_mask);
    if (!reg) {
        skip(8, "no registry");
        return;
    }
    ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600, "the file is mode 0600 (%o)",
       (unsigned)(st.st_mode & 07777));
    registry_setting_set(reg, "srv.port", "1445", audit_actor_self(&actor, "cli", NULL), NULL);
    ok(stat(wal, &st) == 0 && (st.st_mode & 077) == 0, "so is its WAL file (%o)",
       (unsigned)(st.st_mode & 07777));
    is_str(pragma_text(registry_sqlite(reg), "PRAGMA journal_mode"), "wal", "journal mode is WAL");
    is_int(pragma_int(registry_sqlite(reg), "PRAGMA foreign_keys"), 1, "foreign keys are on");
    is_int(pragma_int(registry_sqlite(reg), "PRAGMA busy_timeout"), REGISTRY_BUSY_TIMEOUT_MS,
           "a busy timeout is set");
    is_int(pragma_int(registry_sqlite(reg), "PRAGMA user_version"), registry_schema_latest("registry"),
           "user_version is the registry's latest schema");
    ok(registry_schema_latest("registry") >= 3 && registry_schema_version(reg, "registry") ==
                                                      registry_schema_latest("registry"),
       "registry_schema_version agrees");
    ok(registry_schema_latest("share-db") >= 1 &&
           registry_schema_version(reg, "share-db") == registry_schema_latest("share-db"),
       "other modules' tables (share-db) are migrated too");
    registry_close(reg);
    ok(registry_open(path, &reg) == STATUS_SUCCESS, "reopening an up-to-date registry works");
    registry_close(reg);
}

/* A registry left at schema version 1 (only the settings tree) by an older
 * build, holding a value: opening it adds the later tables and keeps the data. */
static void test_migrate_from_v1(void)
{
    const char *path = path_in_dir("old.db");
    const char *v1 = embedded_migration("registry/migrations/001-settings-tree.sql");
    struct registry *reg = NULL;
    struct audit_actor actor;
    struct audit_entry *entries;
    sqlite3 *db = NULL;
    uint32_t port = 0;
    size_t n = 0;
    int rc;

    ok(v1 != NULL, "the version-1 schema is embedded");
    rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK && v1)
        rc = sqlite3_exec(db, v1, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
                          "INSERT INTO keys (id, parent, name) VALUES (2, 1, 'srv');"
                          "INSERT INTO reg_values VALUES (2, 'port', 4, 4450, 0);"
                          "PRAGMA user_version = 1;",
                          NULL, NULL, NULL);
    sqlite3_close(db);
    ok(rc == SQLITE_OK, "made a version-1 registry with srv.port = 4450");
    ok(registry_open(path, &reg) == STATUS_SUCCESS, "it opens");
    if (!reg) {
        skip(4, "no registry");
        return;
    }
    is_int(registry_schema_version(reg, "registry"), registry_schema_latest("registry"),
           "it was migrated to the latest version");
    ok(registry_setting_get_dword(reg, "srv.port", &port) == STATUS_SUCCESS && port == 4450,
       "the old value survived (%u)", port);
    ok(registry_setting_set(reg, "srv.port", "4451", audit_actor_self(&actor, "cli", NULL),
                            NULL) == STATUS_SUCCESS &&
           registry_audit_list(reg, 0, 0, &entries, &n) == STATUS_SUCCESS && n == 1,
       "the audit table added by the migration works");
    if (n)
        registry_audit_list_free(entries, n);
    is_int(registry_schema_version(reg, "share-db"), registry_schema_latest("share-db"),
           "share-db's tables were added");
    registry_close(reg);
}

static void test_newer_refused(void)
{
    const char *path = path_in_dir("newer.db");
    struct registry *reg = NULL;
    sqlite3 *db;
    char sql[64];
    int latest = registry_schema_latest("registry");
    NTSTATUS status;

    registry_open(path, &reg);
    registry_close(reg);
    sqlite3_open(path, &db);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", latest + 1);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    reg = NULL;
    quiet(true);
    status = registry_open(path, &reg);
    quiet(false);
    ok(status == STATUS_REVISION_MISMATCH && reg == NULL, "a registry from a newer build is refused");
    sqlite3_open(path, &db);
    is_int(pragma_int(db, "PRAGMA user_version"), latest + 1, "... and left as it was");
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", latest);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_exec(db, "UPDATE schema_versions SET version = 999 WHERE module = 'share-db'", NULL,
                 NULL, NULL);
    sqlite3_close(db);
    quiet(true);
    status = registry_open(path, &reg);
    quiet(false);
    ok(status == STATUS_REVISION_MISMATCH, "so is one whose share-db tables are newer");
    quiet(true);
    status = registry_open(path_in_dir("no-such-dir/x.db"), &reg);
    quiet(false);
    ok(status != STATUS_SUCCESS && reg == NULL, "a registry in a missing directory fails to open");
}

static void test_transactions(struct registry *reg)
{
    struct audit_actor actor;
    struct audit_entry *entries;
    uint32_t port = 0;
    size_t before = 0, after = 0;

    audit_actor_self(&actor, "cli", NULL);
    registry_audit_list(reg, 0, 0, &entries, &before);
    registry_audit_list_free(entries, before);
    ok(registry_begin(reg) == STATUS_SUCCESS && registry_transaction_depth(reg) == 1, "begin");
    registry_setting_set(reg, "srv.port", "1000", &actor, NULL);
    ok(registry_begin(reg) == STATUS_SUCCESS && registry_transaction_depth(reg) == 2,
       "nested begin");
    registry_setting_set(reg, "srv.port", "2000", &actor, NULL);
    registry_setting_get_dword(reg, "srv.port", &port);
    is_int(port, 2000, "inside the nested level the new value shows");
    ok(registry_rollback(reg) == STATUS_SUCCESS && registry_transaction_depth(reg) == 1,
       "nested rollback");
    registry_setting_get_dword(reg, "srv.port", &port);
    is_int(port, 1000, "undoes only the nested part");
    ok(registry_commit(reg) == STATUS_SUCCESS && registry_transaction_depth(reg) == 0, "commit");
    registry_setting_get_dword(reg, "srv.port", &port);
    is_int(port, 1000, "the outer change is kept");
    registry_audit_list(reg, 0, 0, &entries, &after);
    registry_audit_list_free(entries, after);
    is_int((long long)after, (long long)before + 1, "the rolled-back change left no audit record");

    registry_begin(reg);
    registry_setting_set(reg, "srv.port", "3000", &actor, NULL);
    registry_rollback(reg);
    registry_setting_get_dword(reg, "srv.port", &port);
    is_int(port, 1000, "an outer rollback undoes everything");
    ok(registry_commit(reg) == STATUS_INVALID_PARAMETER &&
           registry_rollback(reg) == STATUS_INVALID_PARAMETER,
       "commit or rollback without begin is an error");
}

static void test_change_counter(struct registry *a)
{
    const char *path = registry_path(a);
    struct registry *b = NULL;
    struct audit_actor actor;
    uint64_t c0, c1, c2, c3;
    pid_t pid;
    int status = -1;

    audit_actor_self(&actor, "cli", NULL);
    if (registry_open(path, &b) != STATUS_SUCCESS) {
        skip(4, "no second connection");
        return;
    }
    c0 = registry_change_counter(a);
    ok(registry_change_counter(a) == c0, "the counter is stable while nothing changes");
    registry_setting_set(b, "srv.idle-timeout", "60", &actor, NULL);
    c1 = registry_change_counter(a);
    ok(c1 != c0, "it moves when another connection commits");
    registry_setting_set(a, "srv.idle-timeout", "61", &actor, NULL);
    c2 = registry_change_counter(a);
    ok(c2 != c1, "and when this connection commits");
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct registry *c = NULL;
        int rc = 1;
        if (registry_open(path, &c) == STATUS_SUCCESS &&
            registry_setting_set(c, "srv.idle-timeout", "62", &actor, NULL) == STATUS_SUCCESS)
            rc = 0;
        registry_close(c);
        _exit(rc);
    }
    waitpid(pid, &status, 0);
    c3 = registry_change_counter(a);
    ok(status == 0 && c3 != c2, "and when another process commits");
    registry_close(b);
}

int main(void)
{
    struct registry *reg = NULL;
    char command[400];

    if (!mkdtemp(dir))
        return 1;
    test_new_file();
    test_migrate_from_v1();
    test_newer_refused();
    if (registry_open(path_in_dir("tx.db"), &reg) == STATUS_SUCCESS) {
        test_transactions(reg);
        test_change_counter(reg);
        registry_close(reg);
    }
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    if (system(command) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
