/* lwadmin's internals: the command table, the per-run context and the helpers
 * every command file uses. Not a library interface; only admin-cli/ includes it.
 *
 * Adding a command (start, stop, status, session, file, apply, export, ...):
 *   1. write admin-cli/cmd_NAME.c defining
 *        const struct cli_command cli_command_NAME = {
 *            .name = "NAME", .summary = "one line for lwadmin help",
 *            .usage = "ARGS...\n    --option  what it does\n", .run = run_NAME,
 *        };
 *      (a command with subcommands lists them in .subcommands instead of
 *      .run; see cmd_share.c);
 *   2. declare it below and add one line to the table in commands.c.
 * main() parses the global options (--db, --json, --help, --version), finds
 * the command, runs it, then commits the command's transaction if it returned
 * CLI_OK and rolls it back otherwise: one transaction per command, nothing
 * half-applied. */
#ifndef SW_ADMIN_CLI_H
#define SW_ADMIN_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "registry/registry.h"

/* Exit statuses of the INTERFACE.md contract. */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

struct cli {
    const char *db_argument;    /* --db, or NULL */
    char *db_path;              /* resolved (sw_db_path) when the registry is opened */
    bool json;                  /* --json */
    struct registry *reg;       /* open once cli_open() succeeded */
    struct audit_actor actor;   /* via "cli", this process's user */
    bool in_transaction;        /* cli_begin() was called */
    const char *command_path;   /* "share add", for messages */
    /* A share was deleted or moved: once the transaction is committed, the
     * running srv drops the tree connects that no longer match
     * (cli_reload_shares). */
    bool reload_shares;
    /* For the audit log's record of a refused attempt: the object the
     * command names (its first argument) and the last failure's message. */
    const char *object;
    char failure[512];
};

struct cli_command;
/* A command body. argv[0] is the command (or subcommand) name; options are
 * parsed with cli_getopt(). Returns CLI_OK, CLI_FAILED or CLI_USAGE. */
typedef int (*cli_run)(struct cli *cli, const struct cli_command *command, int argc, char **argv);

struct cli_command {
    const char *name;
    const char *summary;  /* one line without a final period, for `lwadmin help` */
    /* Arguments and options after the command's name: the first line is the
     * synopsis ("NAME PATH [OPTIONS]"), each further line an option
     * indented by four spaces; each line ends with a newline. */
    const char *usage;
    cli_run run;          /* NULL when the command has subcommands */
    const struct cli_command *subcommands; /* array ended by { .name = NULL } */
};

/* The table (commands.c), ended by NULL. */
extern const struct cli_command *const cli_commands[];
const struct cli_command *cli_find_command(const char *name);

extern const struct cli_command cli_command_init;
extern const struct cli_command cli_command_provider;
extern const struct cli_command cli_command_config;
extern const struct cli_command cli_command_share;
extern const struct cli_command cli_command_user;
extern const struct cli_command cli_command_group;
extern const struct cli_command cli_command_log;
extern const struct cli_command cli_command_apply;
extern const struct cli_command cli_command_export;
extern const struct cli_command cli_command_help;
extern const struct cli_command cli_command_start;
extern const struct cli_command cli_command_stop;
extern const struct cli_command cli_command_restart;
extern const struct cli_command cli_command_status;
extern const struct cli_command cli_command_session;
extern const struct cli_command cli_command_file;
extern const struct cli_command cli_command_stats;
extern const struct cli_command cli_command_kerberos;

/* Stops the instance's daemons, newest first (cmd_stop.c): those with
 * which[i] set (indexes of supervise_daemon_names), or all when which is
 * NULL; prints what it stopped. The caller holds the instance's lock. */
int cli_stop_daemons(struct cli *cli, const char *db_path, const bool *which,
                     unsigned timeout_ms);
/* Takes the instance's lock and stops all its daemons. */
int cli_stop_instance(struct cli *cli, const char *db_path, unsigned timeout_ms);

/* Runs a command, dispatching to its subcommand if it has them (also handles
 * `CMD --help`, `CMD help`, and a missing or unknown subcommand). */
int cli_dispatch(struct cli *cli, const struct cli_command *command, int argc, char **argv);
/* Prints `lwadmin help` (command NULL) or the usage of the command at path
 * ("share", "share add") to stdout. */
void cli_print_help(const char *path, const struct cli_command *command);

/* ---- options ---------------------------------------------------------------- */

/* Option codes for the options every (sub)command accepts besides its own:
 * --json, --db PATH and --help. Put CLI_COMMON_OPTIONS at the end of a long
 * option array (before the terminator) and call cli_getopt(). */
#define CLI_OPT_JSON 0x1001
#define CLI_OPT_DB 0x1002
#define CLI_OPT_HELP 'h'
#define CLI_COMMON_OPTIONS \
    { "json", no_argument, NULL, CLI_OPT_JSON }, \
    { "db", required_argument, NULL, CLI_OPT_DB }, \
    { "help", no_argument, NULL, CLI_OPT_HELP }

/* getopt_long() over argv (argv[0] is the (sub)command name), handling the
 * common options itself. Returns the next option of the command's own, -1 at
 * the end of options, or: CLI_GETOPT_HELP (usage printed: return CLI_OK),
 * CLI_GETOPT_ERROR (message printed: return CLI_USAGE). Call cli_getopt_reset
 * before the first call. */
#define CLI_GETOPT_HELP (-100)
#define CLI_GETOPT_ERROR (-101)
void cli_getopt_reset(void);
int cli_getopt(struct cli *cli, const struct cli_command *command, int argc, char **argv,
               const char *short_options, const struct option *long_options);

/* Checks the positional argument count after options; prints a usage error
 * and returns false if it is outside [min, max]. */
bool cli_positional(struct cli *cli, int argc, char **argv, int min, int max);

/* For a command with only the common options and exactly `positional`
 * arguments: -1 when the command should go on (argv[optind] is its first
 * argument), else the exit status to return (CLI_OK after --help, CLI_USAGE). */
int cli_plain_args(struct cli *cli, const struct cli_command *command, int argc, char **argv,
                   int positional);

/* srvctl_calls.c, for the commands that ask the running server (session,
 * file): connect, or fail saying why (exit 1; "not running" says how to start
 * it); and fail a srvctl call with its message, else "what: STATUS". */
struct srvctl;
int cli_srvctl_open(struct cli *cli, struct srvctl **ctl);
int cli_srvctl_fail(struct cli *cli, NTSTATUS status, const char *what);
/* After a committed share change: asks the running srv to compare its tree
 * connects with the share database (srvctl_reload_shares) now, so that the
 * change is in force when lwadmin returns. Not needed for correctness: lwiod
 * notices every registry change by itself within about a second (whoever
 * made it) and srv applies it then. A server that is not running has nothing
 * to drop; any other failure is a warning on stderr. */
void cli_reload_shares(struct cli *cli);

/* Parses a non-negative decimal number; false if not one or above max. */
bool cli_parse_uint(const char *text, uint64_t max, uint64_t *value);

/* ---- the registry ------------------------------------------------------------ */

/* Opens the registry. create: `lwadmin init` (make the file); otherwise the
 * file must exist and its SAM must be initialised. Prints why and returns
 * CLI_FAILED on failure. */
int cli_open(struct cli *cli, bool create);
/* Starts the command's transaction (the one main() commits). */
int cli_begin(struct cli *cli);

/* ---- messages and output -------------------------------------------------------- */

/* "lwadmin: share add: MESSAGE" on stderr; returns CLI_FAILED. */
int cli_fail(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure from a library call: "context: " (fmt, skipped when the library
 * gave a message, which names its object itself) and the library's message if
 * it gave one, else what the status means; then a hint of what to do when
 * there is one. Returns CLI_FAILED. Frees error_message. */
int cli_fail_status(struct cli *cli, NTSTATUS status, char *error_message, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "lwadmin: share add: MESSAGE" plus "Try 'lwadmin share add --help'." on
 * stderr; returns CLI_USAGE. */
int cli_usage_error(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A note on stderr that is not an error. */
void cli_note(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints a JSON value (and a newline) to stdout, then frees it. CLI_FAILED if
 * value is NULL (out of memory) or stdout fails. */
int cli_print_json(struct cli *cli, json_t *value);
/* A JSON string from possibly-NULL text ("" for NULL). */
json_t *cli_json_string(const char *text);
/* Unix seconds as an ISO 8601 UTC string, or JSON null for 0 ("never"). */
json_t *cli_json_time(int64_t seconds);
/* Unix seconds as local "YYYY-MM-DD HH:MM:SS", or "never" for 0. */
void cli_format_time(int64_t seconds, char *out, size_t size);

/* A text table: columns aligned on the widest cell (in characters). */
struct cli_table {
    size_t columns;
    size_t rows;
    char **cells; /* rows * columns, malloc'd copies */
    bool failed;
};
void cli_table_init(struct cli_table *table, size_t columns, const char *const *headings);
/* Adds a row of `columns` cells (NULL is printed as "-"). */
void cli_table_add(struct cli_table *table, const char *const *cells);
/* Prints and frees; CLI_FAILED on allocation or output failure. */
int cli_table_print(struct cli *cli, struct cli_table *table);
/* Frees without printing. */
void cli_table_free(struct cli_table *table);

/* Prints "key: value" lines aligned on the longest key; pairs ends at NULL. */
void cli_print_fields(const char *const *pairs);

/* ---- accounts ---------------------------------------------------------------- */

/* `user del` and `group del`: parses [--force] NAME (argv as the command got
 * it), finds the account with lookup, and deletes it through
 * prov_account_delete (the share-grant rule lives there); prints the shares
 * whose grants --force removed. */
struct sid;
typedef int (*cli_account_lookup)(struct cli *cli, const char *name, struct sid *sid,
                                  char **display);
int cli_delete_account(struct cli *cli, const struct cli_command *command, int argc,
                       char **argv, cli_account_lookup lookup);

/* ---- passwords ---------------------------------------------------------------- */

/* Gets a new password for account: with from_stdin, one line of standard input
 * (no echo if it is a terminal); otherwise, if standard input is a terminal,
 * asks twice on the terminal without echo. *password is NULL (with CLI_OK) when
 * neither applies (no --password-stdin and no terminal). Free with
 * cli_password_free. */
int cli_read_password(struct cli *cli, bool from_stdin, const char *account, char **password);
void cli_password_free(char *password);

#endif
