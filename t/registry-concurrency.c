/* Several processes writing one registry at once: no update is lost, every
 * audit record is kept, a contested share name goes to exactly one writer,
 * and the file stays consistent. Also: processes creating and migrating a
 * new registry at the same moment. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "share-db/share_db.h"
#include "t/tap/tap.h"

#define WRITERS 4
#define ROUNDS 40

static char dir[] = "/tmp/sw-registry-concurrency.XXXXXX";
static char db_path[300];

/* One writer: ROUNDS read-modify-write increments of a setting, each with an
 * extra audit record of its own, in one transaction each; then a few shares
 * of its own and one name every writer wants. Exit status: 0 ok, 1 failed,
 * 2 lost the contested name (expected for all but one). */
static int writer(int index, int start_fd)
{
    struct registry *reg = NULL;
    struct audit_actor actor;
    char go, name[32], data_dir[320];
    int result = 0;

    if (read(start_fd, &go, 1) != 1) /* all writers start together */
        return 1;
    if (registry_open(db_path, &reg) != STATUS_SUCCESS)
        return 1;
    audit_actor_self(&actor, "daemon", "concurrency test");
    for (int i = 0; i < ROUNDS && result == 0; i++) {
        uint32_t value = 0;
        char text[16];
        if (registry_begin(reg) != STATUS_SUCCESS) {
            result = 1;
            break;
        }
        snprintf(text, sizeof(text), "%u", 0u);
        if (registry_setting_get_dword(reg, "srv.max-connections", &value) != STATUS_SUCCESS)
            result = 1;
        snprintf(text, sizeof(text), "%u", value + 1);
        if (result == 0 &&
            registry_setting_set(reg, "srv.max-connections", text, &actor, NULL) != STATUS_SUCCESS)
            result = 1;
        if (result == 0 &&
            registry_audit(reg, &actor, "test.increment", "writer", text) != STATUS_SUCCESS)
            result = 1;
        if (result == 0 ? registry_commit(reg) != STATUS_SUCCESS : (registry_rollback(reg), 1))
            result = 1;
    }
    snprintf(data_dir, sizeof(data_dir), "%s/data", dir);
    for (int i = 0; i < 3 && result == 0; i++) {
        struct share share = { .name = name, .path = data_dir, .max_uses = -1 };
        snprintf(name, sizeof(name), "w%d-s%d", index, i);
        if (share_db_add(reg, &share, &actor, NULL) != STATUS_SUCCESS)
            result = 1;
    }
    if (result == 0) {
        struct share share = { .name = "contested", .path = data_dir, .max_uses = -1 };
        NTSTATUS status = share_db_add(reg, &share, &actor, NULL);
        if (status == STATUS_OBJECT_NAME_COLLISION)
            result = 2;
        else if (status != STATUS_SUCCESS)
            result = 1;
    }
    registry_close(reg);
    return result;
}

static size_t count_rows(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt;
    size_t n = (size_t)-1;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        if (sqlite3_step(stmt) == SQLITE_ROW)
            n = (size_t)sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
    }
    return n;
}

int main(void)
{
    pid_t pids[WRITERS];
    int start[2], failed = 0, winners = 0;
    struct registry *reg = NULL;
    uint32_t value = 0;
    char command[400];
    sqlite3_stmt *stmt;
    struct stat st;

    if (!mkdtemp(dir) || pipe(start) != 0)
        return 1;
    snprintf(db_path, sizeof(db_path), "%s/registry.db", dir);
    snprintf(command, sizeof(command), "%s/data", dir);
    mkdir(command, 0700);
    fflush(stdout);
    for (int i = 0; i < WRITERS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            close(start[1]);
            alarm(60); /* a hung writer must not hang the test run */
            _exit(writer(i, start[0]));
        }
    }
    close(start[0]);
    /* Release everyone at once: they race to create and migrate the file. */
    for (int i = 0; i < WRITERS; i++)
        if (write(start[1], "g", 1) != 1)
            failed++;
    close(start[1]);
    for (int i = 0; i < WRITERS; i++) {
        int status = 0;
        waitpid(pids[i], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) == 1)
            failed++;
        else if (WEXITSTATUS(status) == 0)
            winners++;
    }
    is_int(failed, 0, "%d writers created, migrated and wrote the registry at once", WRITERS);
    is_int(winners, 1, "exactly one writer got the contested share name");

    if (!ok(registry_open(db_path, &reg) == STATUS_SUCCESS, "the registry opens afterwards"))
        return done_testing();
    ok(stat(db_path, &st) == 0 && (st.st_mode & 07777) == 0600, "it is still mode 0600");
    registry_setting_get_dword(reg, "srv.max-connections", &value);
    /* The writers counted up from the schema's default. */
    const struct setting_def *def = registry_setting_find("srv.max-connections");
    long long initial = def ? strtoll(def->default_text, NULL, 10) : 0;
    is_int(value, initial + WRITERS * ROUNDS, "no increment was lost (%d x %d)", WRITERS, ROUNDS);
    is_int((long long)count_rows(registry_sqlite(reg),
                                 "SELECT count(*) FROM audit WHERE action = 'setting.set'"),
           WRITERS * ROUNDS, "every setting change has its audit record");
    is_int((long long)count_rows(registry_sqlite(reg),
                                 "SELECT count(*) FROM audit WHERE action = 'test.increment'"),
           WRITERS * ROUNDS, "every extra audit record is there");
    is_int((long long)count_rows(registry_sqlite(reg),
                                 "SELECT count(DISTINCT detail) FROM audit WHERE action = 'test.increment'"),
           WRITERS * ROUNDS, "and each increment saw a different value (no two read the same)");
    is_int((long long)count_rows(registry_sqlite(reg), "SELECT count(*) FROM shares"),
           1 + WRITERS * 3 + 1, "every share was added once (plus IPC$)");
    is_int((long long)count_rows(registry_sqlite(reg),
                                 "SELECT count(*) FROM audit WHERE action = 'share.add'"),
           WRITERS * 3 + 1, "and audited once");
    /* Each step ran once: a second run of a CREATE TABLE would have failed a
     * writer, and a second run of share-db's would have made a second IPC$. */
    is_int((long long)count_rows(registry_sqlite(reg),
                                 "SELECT count(*) FROM shares WHERE name = 'IPC$'"),
           1, "the migrations ran once (one IPC$)");
    is_int(registry_schema_version(reg, "share-db"), registry_schema_latest("share-db"),
           "and left share-db at its latest version");
    if (sqlite3_prepare_v2(registry_sqlite(reg), "PRAGMA integrity_check", -1, &stmt, NULL) ==
            SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        is_str((const char *)sqlite3_column_text(stmt, 0), "ok", "the file passes integrity_check");
        sqlite3_finalize(stmt);
    } else {
        ok(0, "integrity_check ran");
    }
    registry_close(reg);
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    if (system(command) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
