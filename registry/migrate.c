/* Forward schema migrations (the rules are in registry.h).
 *
 * The steps are the embedded <module>/migrations/NNN-*.sql files. The
 * registry's own steps run first, since they create schema_versions, where
 * every other module's version is kept. Everything runs in one BEGIN IMMEDIATE
 * transaction that re-reads the versions after taking the write lock, so two
 * processes opening a fresh database at once apply each step exactly once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "registry/embedded.h"
#include "registry/internal.h"

#define REGISTRY_MODULE "registry"

struct migration_step {
    char module[64];
    int version;
    const char *path;
    const char *sql;
};

static struct migration_step *steps;
static size_t step_count;
static const char *steps_problem; /* a broken file name, found once */
static pthread_once_t steps_once = PTHREAD_ONCE_INIT;

/* "lsass/sam/migrations/001-sam.sql" -> module "lsass/sam", version 1. */
static bool parse_step_path(const char *path, struct migration_step *step)
{
    const char *mark = strstr(path, "/migrations/");
    const char *number;
    char *end;
    long version;

    if (!mark || (size_t)(mark - path) >= sizeof(step->module) || mark == path)
        return false;
    memcpy(step->module, path, (size_t)(mark - path));
    step->module[mark - path] = '\0';
    number = mark + strlen("/migrations/");
    version = strtol(number, &end, 10);
    if (end == number || *end != '-' || version < 1 || version > 100000)
        return false;
    step->version = (int)version;
    step->path = path;
    return true;
}

static int compare_steps(const void *a, const void *b)
{
    const struct migration_step *x = a, *y = b;
    bool x_core = strcmp(x->module, REGISTRY_MODULE) == 0;
    bool y_core = strcmp(y->module, REGISTRY_MODULE) == 0;
    int c;

    if (x_core != y_core)
        return x_core ? -1 : 1;
    c = strcmp(x->module, y->module);
    if (c)
        return c;
    return (x->version > y->version) - (x->version < y->version);
}

static void load_steps(void)
{
    size_t n = registry_embedded_migration_count;

    steps = calloc(n ? n : 1, sizeof(*steps));
    if (!steps) {
        steps_problem = "out of memory";
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (!parse_step_path(registry_embedded_migrations[i].path, &steps[step_count])) {
            steps_problem = registry_embedded_migrations[i].path;
            continue;
        }
        steps[step_count++].sql = registry_embedded_migrations[i].text;
    }
    qsort(steps, step_count, sizeof(*steps), compare_steps);
    /* Versions of a module must run 1, 2, 3, ... with no gap or repeat. */
    for (size_t i = 0; i < step_count; i++) {
        bool first = i == 0 || strcmp(steps[i - 1].module, steps[i].module) != 0;
        int expected = first ? 1 : steps[i - 1].version + 1;
        if (steps[i].version != expected && !steps_problem)
            steps_problem = steps[i].path;
    }
}

static NTSTATUS steps_ready(void)
{
    pthread_once(&steps_once, load_steps);
    if (steps_problem) {
        log_error("registry: bad migration file %s (want <module>/migrations/NNN-name.sql, "
                  "numbered from 001 without gaps)", steps_problem);
        return STATUS_INTERNAL_ERROR;
    }
    return STATUS_SUCCESS;
}

int registry_schema_latest(const char *module)
{
    int latest = -1;

    if (!NT_SUCCESS(steps_ready()))
        return -1;
    for (size_t i = 0; i < step_count; i++)
        if (strcmp(steps[i].module, module) == 0)
            latest = steps[i].version;
    return latest;
}

static NTSTATUS read_int(struct registry *reg, const char *sql, const char *text_arg, int *value)
{
    sqlite3_stmt *stmt = NULL;
    NTSTATUS status;
    int rc;

    *value = 0;
    rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        /* No schema_versions table yet: every module is at version 0. */
        status = (rc & 0xff) == SQLITE_ERROR ? STATUS_SUCCESS : registry_sql_status(reg, rc, sql);
        goto out;
    }
    if (text_arg)
        sqlite3_bind_text(stmt, 1, text_arg, -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        *value = sqlite3_column_int(stmt, 0);
    status = registry_sql_status(reg, rc, sql);
out:
    sqlite3_finalize(stmt);
    return status;
}

static NTSTATUS module_version(struct registry *reg, const char *module, int *version)
{
    if (strcmp(module, REGISTRY_MODULE) == 0)
        return read_int(reg, "PRAGMA user_version", NULL, version);
    return read_int(reg, "SELECT version FROM schema_versions WHERE module = ?", module, version);
}

int registry_schema_version(struct registry *reg, const char *module)
{
    int version;

    if (registry_schema_latest(module) < 0 || !NT_SUCCESS(module_version(reg, module, &version)))
        return -1;
    return version;
}

static NTSTATUS record_version(struct registry *reg, const char *module, int version)
{
    sqlite3_stmt *stmt = NULL;
    char sql[64];
    int rc;

    if (strcmp(module, REGISTRY_MODULE) == 0) {
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
        return registry_exec(reg, sql);
    }
    rc = sqlite3_prepare_v2(reg->db,
                            "INSERT INTO schema_versions (module, version) VALUES (?, ?) "
                            "ON CONFLICT (module) DO UPDATE SET version = excluded.version",
                            -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(stmt, 1, module, -1, SQLITE_STATIC);
        sqlite3_bind_int(stmt, 2, version);
        rc = sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return registry_sql_status(reg, rc, "recording a schema version");
}

/* Walks the modules in order; with apply false it only says whether any step
 * is missing (a read, so opening an up-to-date registry takes no write lock). */
static NTSTATUS walk_steps(struct registry *reg, bool apply, bool *needed)
{
    NTSTATUS status = STATUS_SUCCESS;
    size_t i = 0;

    *needed = false;
    while (i < step_count) {
        const char *module = steps[i].module;
        size_t end = i;
        int current;

        while (end < step_count && strcmp(steps[end].module, module) == 0)
            end++;
        status = module_version(reg, module, &current);
        if (!NT_SUCCESS(status))
            return status;
        if (current > steps[end - 1].version) {
            log_error("registry %s: schema of %s is at version %d, newer than this "
                      "build's %d: refusing to use it", reg->path, module, current,
                      steps[end - 1].version);
            return STATUS_REVISION_MISMATCH;
        }
        for (; i < end; i++) {
            if (steps[i].version <= current)
                continue;
            *needed = true;
            if (!apply)
                return STATUS_SUCCESS;
            status = registry_exec(reg, steps[i].sql);
            if (!NT_SUCCESS(status)) {
                log_error("registry %s: migration %s failed", reg->path, steps[i].path);
                return status;
            }
            status = record_version(reg, module, steps[i].version);
            if (!NT_SUCCESS(status))
                return status;
        }
    }
    return status;
}

NTSTATUS registry_migrate(struct registry *reg)
{
    NTSTATUS status;
    bool needed;

    status = steps_ready();
    if (!NT_SUCCESS(status))
        return status;
    status = walk_steps(reg, false, &needed);
    if (!NT_SUCCESS(status) || !needed)
        return status;
    status = registry_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    /* Again under the write lock: another process may have migrated since. */
    status = walk_steps(reg, true, &needed);
    if (NT_SUCCESS(status))
        status = registry_commit(reg);
    else
        registry_rollback(reg);
    return status;
}
