/* libregistry: the one SQLite database (registry.db) that holds every setting,
 * the shares, the SAM and the audit log.
 *
 * Opening
 *   registry_open() creates the file (mode 0600) if missing, turns on WAL,
 *   foreign keys and a busy timeout, and migrates the schema forward. A handle
 *   belongs to one thread (or is used under the caller's lock); open one per
 *   process after fork(), never share one across a fork.
 *
 * Schema migrations (how a module adds its tables)
 *   Every module keeps its tables as numbered SQL files in its own folder:
 *
 *       <module>/migrations/001-first.sql, 002-next.sql, ...
 *       e.g. share-db/migrations/001-shares.sql, lsass/sam/migrations/001-sam.sql
 *
 *   registry/module.mk embeds every such file (one or two folders deep) into
 *   libregistry at build time; nothing
 *   has to be registered in code. The module name is the folder that holds
 *   migrations/ ("share-db", "lsass/sam"). registry_open() applies, in one
 *   BEGIN IMMEDIATE transaction, the registry's own steps first (their version
 *   is PRAGMA user_version), then every other module's missing steps in folder
 *   order (their versions are rows of the table schema_versions(module,
 *   version)). Numbers start at 1 and have no gaps; a shipped file is never
 *   edited, a change is a new file. A database newer than this build is refused
 *   (STATUS_REVISION_MISMATCH) and left untouched. Migrations are SQL only:
 *   data that needs C code (a machine SID, a GUID) is made by the module's own
 *   init function, which `lwadmin init` calls.
 *
 * Settings
 *   Dotted names ("srv.port"), stored in a Windows-style tree: keys(id,
 *   parent, name) and reg_values(key, name, type, data) with REG_SZ, REG_DWORD,
 *   REG_QWORD, REG_MULTI_SZ and REG_BINARY values. Every setting is described in
 *   a shipped schema (registry/settings.schema and any <module>/settings.schema,
 *   embedded at build time; format in docs/registry.md). A setting never set
 *   reads as its default. Unknown names and invalid values are refused and
 *   change nothing.
 *
 *   Text forms (what the CLI, YAML and the getters use): REG_SZ as is;
 *   REG_DWORD/REG_QWORD decimal (0x-hex accepted on input); REG_MULTI_SZ the
 *   elements joined with ','; REG_BINARY lower-case hex.
 *
 * Change detection
 *   registry_change_counter() is cheap (one PRAGMA, no table read) and changes
 *   after every commit made by any connection in any process: a daemon polls
 *   it (e.g. once per second or per new tree connect) and re-reads settings
 *   only when it moved.
 *
 * Concurrency
 *   Writers use registry_begin() (BEGIN IMMEDIATE: the write lock is taken at
 *   the start, so no read-then-write race can lose an update) and wait up to
 *   the busy timeout for another writer. Readers never block writers (WAL).
 *
 * Errors: NTSTATUS. Functions taking `char **error_message` set it, on
 * failure, to a one-line malloc'd explanation for a human (the caller frees
 * it); on success they set it to NULL. error_message may be NULL. */
#ifndef SW_REGISTRY_H
#define SW_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#include "lib/ntstatus.h"

struct registry;

/* How long a writer waits for another process's write transaction. */
#define REGISTRY_BUSY_TIMEOUT_MS 10000

/* ---- Opening ---------------------------------------------------------- */

/* Opens (creating if needed, mode 0600) and migrates the database at db_path.
 * STATUS_REVISION_MISMATCH: the file was written by a newer Samewise. */
NTSTATUS registry_open(const char *db_path, struct registry **out);
/* Rolls back an unfinished transaction and closes. NULL is fine. */
void registry_close(struct registry *reg);
/* The connection, for modules that own tables (share-db, the SAM). Use
 * registry_begin/commit/rollback around writes rather than raw BEGIN/COMMIT,
 * so that nesting keeps working. */
sqlite3 *registry_sqlite(struct registry *reg);
/* The path given to registry_open. */
const char *registry_path(struct registry *reg);

/* The latest schema version this build knows for a module ("registry" for the
 * registry's own, which is PRAGMA user_version), and the version the open
 * database is at. -1 if the module is unknown. */
int registry_schema_latest(const char *module);
int registry_schema_version(struct registry *reg, const char *module);

/* ---- Transactions ----------------------------------------------------- */

/* Outermost begin is BEGIN IMMEDIATE; a nested begin is a SAVEPOINT, so a
 * nested rollback undoes only the nested part. Every begin must be matched by
 * exactly one commit or rollback. */
NTSTATUS registry_begin(struct registry *reg);
NTSTATUS registry_commit(struct registry *reg);
NTSTATUS registry_rollback(struct registry *reg);
/* Nesting depth (0: no transaction open). */
unsigned registry_transaction_depth(struct registry *reg);

/* ---- Change detection ------------------------------------------------- */

/* Changes (grows) whenever this connection or any other has committed since the
 * last call. Cheap enough to call per request. */
uint64_t registry_change_counter(struct registry *reg);

/* ---- Audit ------------------------------------------------------------ */

/* Who made a change and through which front end. */
struct audit_actor {
    const char *via;    /* "cli", "yaml", "console", "rpc", "daemon", "lsarpc", "samr" */
    uid_t uid;          /* local uid; (uid_t)-1 for a remote (rpc) caller */
    const char *user;   /* user name ("root", "WORKGROUP\\alice") */
    const char *source; /* e.g. the YAML file name; may be NULL */
};

/* Fills *actor for this process: uid = getuid(), user from getpwuid_r() (or
 * "uid N"); user points to thread-local storage valid until the next call on
 * this thread. source may be NULL. Returns actor.
 * The person, not the account: run as root through sudo (real uid 0 and
 * SUDO_USER set), user is "SUDO_USER (via sudo as root)", e.g. "alice (via
 * sudo as root)". SUDO_USER is believed only for root, since any other user
 * could set it; uid stays the real uid. */
struct audit_actor *audit_actor_self(struct audit_actor *actor, const char *via,
                                     const char *source);

/* Appends one audit record (now, actor, action, object, detail) inside the
 * caller's transaction if one is open (so it commits or rolls back with the
 * change), else on its own. action is a short verb ("setting.set",
 * "share.add"); object what it acted on; detail what changed (may be NULL).
 * Never pass a secret. STATUS_INVALID_PARAMETER for a missing actor or an
 * unknown via. */
NTSTATUS registry_audit(struct registry *reg, const struct audit_actor *actor,
                        const char *action, const char *object, const char *detail);

/* Records an attempt that was refused (permission denied, a value that failed
 * validation): outcome "refused", reason in detail. Call it outside the
 * attempt's transaction (after its rollback), or the record is rolled back
 * with it; on its own it is a transaction of its own. */
NTSTATUS registry_audit_refused(struct registry *reg, const struct audit_actor *actor,
                                const char *action, const char *object, const char *reason);

struct audit_entry {
    int64_t id;      /* increasing */
    int64_t at_ms;   /* Unix time, milliseconds */
    int64_t uid;     /* -1 if none */
    char *user;
    char *via;
    char *source;    /* may be NULL */
    char *action;
    char *object;    /* may be NULL */
    char *detail;    /* may be NULL */
    char *outcome;   /* "ok" (the change was made) or "refused" */
};

/* Records with at_ms >= since_ms (0: all), oldest first; at most limit of the
 * newest matching ones (0: no limit). */
NTSTATUS registry_audit_list(struct registry *reg, int64_t since_ms, size_t limit,
                             struct audit_entry **entries, size_t *count);
void registry_audit_list_free(struct audit_entry *entries, size_t count);

/* ---- Settings --------------------------------------------------------- */

/* Windows registry value types ([MS-RRP] 2.2.6 / winnt.h numbers). */
enum reg_type {
    REG_NONE = 0,
    REG_SZ = 1,
    REG_BINARY = 3,
    REG_DWORD = 4,
    REG_MULTI_SZ = 7,
    REG_QWORD = 11,
};

enum setting_constraint {
    SETTING_ANY,     /* "-" */
    SETTING_RANGE,   /* "range:MIN..MAX" (numbers; for sz/multi_sz/binary: length) */
    SETTING_ENUM,    /* "enum:a|b|c" (case-insensitive; stored as the schema spells it) */
    SETTING_IPADDR,  /* "ipaddr": an IPv4 or IPv6 literal */
    SETTING_ABSPATH, /* "abspath": an absolute path (or empty) */
    SETTING_GUID,    /* "guid": empty or xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */
    SETTING_UNIXUSER, /* "unixuser": a unix account name (1..32 characters) that, if
                         the account exists here, is not uid 0 nor in group 0 */
};

struct setting_def {
    const char *name;          /* "srv.port" */
    enum reg_type type;
    const char *default_text;  /* text form of the default */
    enum setting_constraint constraint;
    const char *constraint_text; /* as written in the schema: "range:1..65535" */
    uint64_t min, max;         /* SETTING_RANGE */
    const char *const *enum_values; /* SETTING_ENUM */
    size_t enum_count;
    const char *doc;           /* one line */
    bool needs_restart;        /* the running daemons take a new value only at
                                  their next start ("apply:restart" in the schema) */
    const char *schema_file;   /* "registry/settings.schema" */
};

/* The schema, sorted by name. NULL / out of range if unknown. */
/* NULL if every embedded schema file parsed cleanly, else the first problem
 * ("file:line: what"); bad lines are left out of the schema. */
const char *registry_schema_problem(void);
const struct setting_def *registry_setting_find(const char *name);
size_t registry_setting_count(void);
const struct setting_def *registry_setting_at(size_t index);
/* "REG_DWORD" etc. and the schema file's short names ("dword"). */
const char *reg_type_name(enum reg_type type);
const char *reg_type_short_name(enum reg_type type);

/* Checks text against def and gives its normalised text form (malloc'd, may
 * be NULL if not wanted). STATUS_INVALID_PARAMETER with a message if invalid. */
NTSTATUS registry_setting_validate(const struct setting_def *def, const char *text,
                                   char **normalized, char **error_message);

/* The current value in text form (malloc'd) and whether it is the default
 * (never set). STATUS_OBJECT_NAME_NOT_FOUND for an unknown name. */
NTSTATUS registry_setting_get_text(struct registry *reg, const char *name, char **value,
                                   bool *is_default);
/* Typed getters; STATUS_OBJECT_TYPE_MISMATCH if the setting has another type. */
NTSTATUS registry_setting_get_dword(struct registry *reg, const char *name, uint32_t *value);
NTSTATUS registry_setting_get_qword(struct registry *reg, const char *name, uint64_t *value);
/* REG_SZ; malloc'd. */
NTSTATUS registry_setting_get_string(struct registry *reg, const char *name, char **value);
/* REG_MULTI_SZ; a malloc'd NULL-terminated array of malloc'd strings (free
 * with registry_strv_free); count may be NULL. */
NTSTATUS registry_setting_get_multi(struct registry *reg, const char *name, char ***items,
                                    size_t *count);
void registry_strv_free(char **items);
/* REG_BINARY; malloc'd (non-NULL even when empty). */
NTSTATUS registry_setting_get_binary(struct registry *reg, const char *name, uint8_t **data,
                                     size_t *len);
/* An on/off setting: REG_SZ "on"/"off" (also yes/no, true/false, enabled/
 * disabled, 1/0), or a REG_DWORD (non-zero = true). */
NTSTATUS registry_setting_get_bool(struct registry *reg, const char *name, bool *value);

/* Validates text against the schema and stores it, with an audit record, in
 * one transaction (joining the caller's if open). Unknown name:
 * STATUS_OBJECT_NAME_NOT_FOUND; invalid value: STATUS_INVALID_PARAMETER. On
 * failure nothing changes. */
NTSTATUS registry_setting_set(struct registry *reg, const char *name, const char *text,
                              const struct audit_actor *actor, char **error_message);
/* Back to the default (audited; not an error if it was never set). */
NTSTATUS registry_setting_unset(struct registry *reg, const char *name,
                                const struct audit_actor *actor, char **error_message);

#endif
