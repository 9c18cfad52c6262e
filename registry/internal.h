/* Internals shared by the files of registry/ (not a public header). */
#ifndef SW_REGISTRY_INTERNAL_H
#define SW_REGISTRY_INTERNAL_H

#include <stdarg.h>

#include "registry/registry.h"

struct registry {
    sqlite3 *db;
    char *path;
    unsigned depth;              /* registry_begin nesting */
    uint64_t changes;            /* what registry_change_counter returns */
    int64_t data_version;        /* last PRAGMA data_version seen */
    sqlite3_stmt *data_version_stmt;
};

/* Maps an SQLite result code to an NTSTATUS, logging the database's message
 * for anything but a constraint failure. what names the operation. */
NTSTATUS registry_sql_status(struct registry *reg, int rc, const char *what);
/* Runs SQL without results. */
NTSTATUS registry_exec(struct registry *reg, const char *sql);

/* Sets *error_message (if error_message is not NULL) to a formatted line. */
void registry_error(char **error_message, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Unix time in milliseconds (what audit.at and changed_at hold). */
int64_t registry_now_ms(void);

/* Applies every missing migration step; called by registry_open. */
NTSTATUS registry_migrate(struct registry *reg);

/* Parses one settings.schema text (format in docs/registry.md), appending to
 * *defs / *count (a malloc'd array the caller owns). On a bad line returns
 * STATUS_INVALID_PARAMETER and a message "file:line: what" in *problem. */
NTSTATUS registry_schema_parse(const char *file, const char *text, struct setting_def **defs,
                               size_t *count, char **problem);
/* Parses an unsigned decimal or 0x-hex number with no sign or spaces. */
bool registry_parse_u64(const char *text, uint64_t *value);
/* Hex text (even length) to bytes, malloc'd (non-NULL even when empty). */
NTSTATUS registry_hex_decode(const char *hex, uint8_t **data, size_t *len);
char *registry_hex_encode(const uint8_t *data, size_t len);

#endif
