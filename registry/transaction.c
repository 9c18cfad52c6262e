/* Transactions with nesting: the outermost level is BEGIN IMMEDIATE (the
 * write lock is taken at once, so two writers never both read a value and then
 * both write it: one waits), inner levels are savepoints so that a failed step
 * inside a larger change (one share of a YAML apply) can be undone alone. */
#include <stdio.h>

#include "lib/log.h"
#include "registry/internal.h"

static NTSTATUS savepoint_sql(struct registry *reg, const char *verb, unsigned level)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "%s sw_level_%u", verb, level);
    return registry_exec(reg, sql);
}

NTSTATUS registry_begin(struct registry *reg)
{
    NTSTATUS status;

    if (reg->depth == 0)
        status = registry_exec(reg, "BEGIN IMMEDIATE");
    else
        status = savepoint_sql(reg, "SAVEPOINT", reg->depth);
    if (NT_SUCCESS(status))
        reg->depth++;
    return status;
}

/* SQLite ends a transaction by itself after some errors (disk full, I/O
 * error); then there is nothing left to commit or roll back. */
static bool transaction_lost(struct registry *reg)
{
    return sqlite3_get_autocommit(reg->db) != 0;
}

NTSTATUS registry_commit(struct registry *reg)
{
    NTSTATUS status;

    if (reg->depth == 0)
        return STATUS_INVALID_PARAMETER;
    reg->depth--;
    if (transaction_lost(reg)) {
        reg->depth = 0;
        log_error("registry %s: the transaction was rolled back by an earlier error", reg->path);
        return STATUS_UNSUCCESSFUL;
    }
    if (reg->depth > 0)
        return savepoint_sql(reg, "RELEASE", reg->depth);
    status = registry_exec(reg, "COMMIT");
    if (!NT_SUCCESS(status) && !transaction_lost(reg))
        sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
    return status;
}

NTSTATUS registry_rollback(struct registry *reg)
{
    NTSTATUS status;

    if (reg->depth == 0)
        return STATUS_INVALID_PARAMETER;
    reg->depth--;
    if (transaction_lost(reg)) {
        reg->depth = 0;
        return STATUS_SUCCESS;
    }
    if (reg->depth == 0)
        return registry_exec(reg, "ROLLBACK");
    status = savepoint_sql(reg, "ROLLBACK TO", reg->depth);
    if (NT_SUCCESS(status))
        status = savepoint_sql(reg, "RELEASE", reg->depth);
    return status;
}

unsigned registry_transaction_depth(struct registry *reg)
{
    return reg->depth;
}
