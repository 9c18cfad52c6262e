/* Opening registry.db: the file, its pragmas, and the helpers every other file
 * of registry/ uses to turn SQLite results into NTSTATUS. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "registry/internal.h"

NTSTATUS registry_sql_status(struct registry *reg, int rc, const char *what)
{
    NTSTATUS status;

    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return STATUS_SUCCESS;
    case SQLITE_NOMEM:
        return STATUS_NO_MEMORY;
    case SQLITE_CONSTRAINT:
        /* An expected outcome (duplicate name, protected row): the caller
         * reports it in its own words. */
        return STATUS_OBJECT_NAME_COLLISION;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        status = STATUS_IO_TIMEOUT;
        break;
    case SQLITE_FULL:
        status = STATUS_DISK_FULL;
        break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        status = STATUS_ACCESS_DENIED;
        break;
    case SQLITE_CANTOPEN:
        status = STATUS_OBJECT_PATH_NOT_FOUND;
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        status = STATUS_FILE_CORRUPT_ERROR;
        break;
    default:
        status = STATUS_UNSUCCESSFUL;
        break;
    }
    log_error("registry %s: %s: %s", reg && reg->path ? reg->path : "", what,
              reg && reg->db ? sqlite3_errmsg(reg->db) : sqlite3_errstr(rc));
    return status;
}

NTSTATUS registry_exec(struct registry *reg, const char *sql)
{
    int rc = sqlite3_exec(reg->db, sql, NULL, NULL, NULL);
    return registry_sql_status(reg, rc, sql);
}

void registry_error(char **error_message, const char *fmt, ...)
{
    va_list ap;

    if (!error_message)
        return;
    free(*error_message);
    *error_message = NULL;
    va_start(ap, fmt);
    if (vasprintf(error_message, fmt, ap) < 0)
        *error_message = NULL;
    va_end(ap);
}

int64_t registry_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Every commit on this connection moves the change counter: PRAGMA
 * data_version only notices other connections' commits. */
static int count_own_commit(void *context)
{
    struct registry *reg = context;

    reg->changes++;
    return 0; /* 0: let the commit proceed */
}

/* Creates the file ourselves so that it is 0600 whatever the umask, before
 * SQLite opens it (SQLite gives its -wal and -shm files the same mode). */
static NTSTATUS create_private_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0) {
        if (errno == EEXIST)
            return STATUS_SUCCESS;
        return nt_status_from_errno(errno);
    }
    if (fchmod(fd, 0600) != 0) {
        NTSTATUS status = nt_status_from_errno(errno);
        close(fd);
        return status;
    }
    close(fd);
    return STATUS_SUCCESS;
}

/* PRAGMA journal_mode's answer ("wal", "delete", ...) into mode. */
static int journal_mode(struct registry *reg, const char *sql, char *mode, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(reg->db, sql, -1, &stmt, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        snprintf(mode, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
        rc = SQLITE_OK;
    }
    sqlite3_finalize(stmt);
    return rc;
}

static NTSTATUS set_pragmas(struct registry *reg)
{
    NTSTATUS status;
    char mode[16] = "";
    int rc;

    sqlite3_busy_timeout(reg->db, REGISTRY_BUSY_TIMEOUT_MS);
    status = registry_exec(reg, "PRAGMA foreign_keys = ON");
    if (!NT_SUCCESS(status))
        return status;
    rc = journal_mode(reg, "PRAGMA journal_mode", mode, sizeof(mode));
    /* Switching to WAL needs an exclusive lock and SQLite does not call the
     * busy handler for it: when several processes open a new registry at
     * once, the losers retry here (bounded by the busy timeout). */
    for (int waited_ms = 0; rc == SQLITE_OK && strcmp(mode, "wal") != 0; waited_ms += 10) {
        rc = journal_mode(reg, "PRAGMA journal_mode = WAL", mode, sizeof(mode));
        if ((rc & 0xff) == SQLITE_BUSY && waited_ms < REGISTRY_BUSY_TIMEOUT_MS) {
            usleep(10000);
            rc = SQLITE_OK;
            mode[0] = '\0';
        } else if (rc == SQLITE_OK && strcmp(mode, "wal") != 0) {
            log_error("registry %s: cannot use WAL journal mode", reg->path);
            return STATUS_NOT_SUPPORTED;
        }
    }
    return registry_sql_status(reg, rc, "PRAGMA journal_mode = WAL");
}

NTSTATUS registry_open(const char *db_path, struct registry **out)
{
    struct registry *reg = NULL;
    NTSTATUS status;
    int rc;

    *out = NULL;
    if (!db_path || !*db_path)
        return STATUS_INVALID_PARAMETER;
    reg = calloc(1, sizeof(*reg));
    if (!reg || !(reg->path = strdup(db_path))) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    status = create_private_file(db_path);
    if (!NT_SUCCESS(status)) {
        log_error("registry %s: cannot create: %s", db_path, strerror(nt_status_to_errno(status)));
        goto out;
    }
    /* SQLite would only say "unable to open database file". */
    if (access(db_path, R_OK | W_OK) != 0) {
        status = nt_status_from_errno(errno);
        log_error("registry %s: cannot open: %s", db_path, strerror(errno));
        goto out;
    }
    rc = sqlite3_open_v2(db_path, &reg->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc != SQLITE_OK) {
        status = registry_sql_status(reg, rc, "open");
        goto out;
    }
    sqlite3_extended_result_codes(reg->db, 1);
    status = set_pragmas(reg);
    if (!NT_SUCCESS(status))
        goto out;
    status = registry_migrate(reg);
    if (!NT_SUCCESS(status))
        goto out;
    rc = sqlite3_prepare_v3(reg->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                            &reg->data_version_stmt, NULL);
    if (rc != SQLITE_OK) {
        status = registry_sql_status(reg, rc, "PRAGMA data_version");
        goto out;
    }
    sqlite3_commit_hook(reg->db, count_own_commit, reg);
    reg->changes = 1;
    (void)registry_change_counter(reg);
    *out = reg;
    reg = NULL;
out:
    registry_close(reg);
    return status;
}

void registry_close(struct registry *reg)
{
    if (!reg)
        return;
    if (reg->db && !sqlite3_get_autocommit(reg->db))
        sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(reg->data_version_stmt);
    sqlite3_close(reg->db);
    free(reg->path);
    free(reg);
}

sqlite3 *registry_sqlite(struct registry *reg)
{
    return reg->db;
}

const char *registry_path(struct registry *reg)
{
    return reg->path;
}

uint64_t registry_change_counter(struct registry *reg)
{
    sqlite3_stmt *stmt = reg->data_version_stmt;

    sqlite3_reset(stmt);
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        int64_t version = sqlite3_column_int64(stmt, 0);
        if (version != reg->data_version) {
            reg->data_version = version;
            reg->changes++;
        }
    }
    sqlite3_reset(stmt);
    return reg->changes;
}
