/* lwadmin's shared helpers: options, opening the registry, messages, output. */
#include "admin-cli/cli.h"
#include "provision/accounts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lib/sid.h"
#include "lib/utf16.h"
#include "lsass/sam/sam.h"

/* ---- messages ---------------------------------------------------------------- */

static void vmessage(struct cli *cli, const char *fmt, va_list ap)
{
    fputs("lwadmin: ", stderr);
    if (cli->command_path)
        fprintf(stderr, "%s: ", cli->command_path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* Keeps the failure's message for the audit log's refused record (main.c). */
static void remember_failure(struct cli *cli, const char *message)
{
    snprintf(cli->failure, sizeof cli->failure, "%s", message);
}

int cli_fail(struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char message[sizeof cli->failure];
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    remember_failure(cli, message);
    fputs("lwadmin: ", stderr);
    if (cli->command_path)
        fprintf(stderr, "%s: ", cli->command_path);
    fprintf(stderr, "%s\n", message);
    return CLI_FAILED;
}

void cli_note(struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cli, fmt, ap);
    va_end(ap);
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cli, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'lwadmin %s%s--help'.\n", cli->command_path ? cli->command_path : "",
            cli->command_path ? " " : "");
    return CLI_USAGE;
}

/* What a status means to an administrator, and what to do about it. */
struct status_text {
    NTSTATUS status;
    const char *meaning;
    const char *hint; /* may be NULL */
};

static const struct status_text status_texts[] = {
    { STATUS_NO_SUCH_USER, "no such user", "'lwadmin user list' shows the users" },
    { STATUS_NO_SUCH_ALIAS, "no such group", "'lwadmin group list' shows the groups" },
    { STATUS_NO_SUCH_GROUP, "no such group", "'lwadmin group list' shows the groups" },
    { STATUS_USER_EXISTS, "a user with that name already exists", NULL },
    { STATUS_ALIAS_EXISTS, "a group with that name already exists", NULL },
    { STATUS_GROUP_EXISTS, "a group with that name already exists", NULL },
    { STATUS_INVALID_ACCOUNT_NAME, "invalid account name", NULL },
    { STATUS_PASSWORD_RESTRICTION, "the password does not meet the password policy",
      "see 'lwadmin config list lsass'" },
    { STATUS_SPECIAL_ACCOUNT, "built-in groups cannot be deleted", NULL },
    { STATUS_MEMBER_IN_ALIAS, "already a member of the group", NULL },
    { STATUS_MEMBER_NOT_IN_ALIAS, "not a member of the group", NULL },
    { STATUS_NONE_MAPPED, "unknown user, group or principal",
      "use a user or group name, a well-known name such as Everyone, or a SID" },
    { STATUS_INVALID_DEVICE_STATE, "the registry is not initialised", "run 'lwadmin init'" },
    { STATUS_BAD_NETWORK_NAME, "no such share", "'lwadmin share list' shows the shares" },
    { STATUS_OBJECT_NAME_COLLISION, "a share with that name already exists", NULL },
    { STATUS_OBJECT_NAME_INVALID, "invalid name", NULL },
    { STATUS_OBJECT_NAME_NOT_FOUND, "not found", NULL },
    { STATUS_FILE_CORRUPT_ERROR, "not a Samewise registry, or damaged", NULL },
    { STATUS_OBJECT_PATH_NOT_FOUND, "no such directory", "create the directory first" },
    { STATUS_NOT_A_DIRECTORY, "not a directory", NULL },
    { STATUS_INVALID_PARAMETER, "invalid value", NULL },
    { STATUS_ACCESS_DENIED, "access denied", "run as the registry's owner (usually root)" },
    { STATUS_REVISION_MISMATCH, "the registry was written by a newer Samewise",
      "use that version of lwadmin" },
    { STATUS_IO_TIMEOUT, "the registry is busy (another change is in progress)", "try again" },
    { STATUS_DISK_FULL, "the disk is full", NULL },
    { STATUS_NO_MEMORY, "out of memory", NULL },
};

int cli_fail_status(struct cli *cli, NTSTATUS status, char *error_message, const char *fmt, ...)
{
    const struct status_text *text = NULL;
    for (size_t i = 0; i < sizeof status_texts / sizeof *status_texts; i++)
        if (status_texts[i].status == status)
            text = &status_texts[i];
    char message[sizeof cli->failure] = "";
    size_t used = 0;
#define APPEND(...)                                                                     \
    do {                                                                                \
        if (used < sizeof message) {                                                    \
            int added = snprintf(message + used, sizeof message - used, __VA_ARGS__);   \
            used += added > 0 ? (size_t)added : 0;                                      \
        }                                                                               \
    } while (0)
    /* A library's own message already names what it is about. */
    if (fmt && *fmt && !(error_message && *error_message)) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        used = n > 0 ? (size_t)n : 0;
        APPEND(": ");
    }
    if (error_message && *error_message)
        APPEND("%s", error_message);
    else if (text)
        APPEND("%s", text->meaning);
    else
        APPEND("failed (%s)", nt_status_name(status));
    if (text && text->hint)
        APPEND(" (%s)", text->hint);
#undef APPEND
    remember_failure(cli, message);
    fputs("lwadmin: ", stderr);
    if (cli->command_path)
        fprintf(stderr, "%s: ", cli->command_path);
    fprintf(stderr, "%s\n", message);
    free(error_message);
    return CLI_FAILED;
}

/* ---- options ------------------------------------------------------------------- */

void cli_getopt_reset(void)
{
    optind = 0; /* glibc: 0 re-initialises getopt completely */
    opterr = 0; /* errors are reported by cli_getopt, with the command's name */
}

int cli_getopt(struct cli *cli, const struct cli_command *command, int argc, char **argv,
               const char *short_options, const struct option *long_options)
{
    char shorts[64];
    /* Leading ':' makes getopt report a missing argument as ':'. */
    snprintf(shorts, sizeof shorts, ":%sh", short_options ? short_options : "");
    for (;;) {
        int c = getopt_long(argc, argv, shorts, long_options, NULL);
        switch (c) {
        case CLI_OPT_JSON:
            cli->json = true;
            continue;
        case CLI_OPT_DB:
            cli->db_argument = optarg;
            continue;
        case CLI_OPT_HELP:
            cli_print_help(cli->command_path, command);
            return CLI_GETOPT_HELP;
        case ':':
            cli_usage_error(cli, "option '%s' needs a value", argv[optind - 1]);
            return CLI_GETOPT_ERROR;
        case '?':
            if (optopt)
                cli_usage_error(cli, "unknown option '-%c'", optopt);
            else
                cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
            return CLI_GETOPT_ERROR;
        default:
            return c;
        }
    }
}

bool cli_positional(struct cli *cli, int argc, char **argv, int min, int max)
{
    int count = argc - optind;
    if (count < min) {
        cli_usage_error(cli, "missing argument");
        return false;
    }
    if (count > max) {
        cli_usage_error(cli, "unexpected argument '%s'", argv[optind + max]);
        return false;
    }
    return true;
}

bool cli_parse_uint(const char *text, uint64_t max, uint64_t *value)
{
    if (!text || !(*text >= '0' && *text <= '9'))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > max)
        return false;
    *value = v;
    return true;
}

/* ---- the registry ------------------------------------------------------------- */

int cli_open(struct cli *cli, bool create)
{
    if (cli->reg)
        return CLI_OK;
    cli->db_path = sw_db_path(cli->db_argument);
    if (!cli->db_path)
        return cli_fail(cli, "out of memory");
    struct stat st;
    if (!create && stat(cli->db_path, &st) != 0) {
        if (errno == ENOENT)
            return cli_fail(cli, "no registry at %s (run 'lwadmin init' to create it, or "
                                 "choose another with --db PATH or $SAMEWISE_DB)",
                            cli->db_path);
        return cli_fail(cli, "cannot use the registry %s: %s", cli->db_path, strerror(errno));
    }
    NTSTATUS status = registry_open(cli->db_path, &cli->reg);
    if (!NT_SUCCESS(status)) {
        cli->reg = NULL;
        if (status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND)
            return cli_fail(cli, "cannot create the registry %s: its directory does not exist",
                            cli->db_path);
        return cli_fail_status(cli, status, NULL, "cannot open the registry %s", cli->db_path);
    }
    audit_actor_self(&cli->actor, "cli", NULL);
    if (!create) {
        struct sid domain;
        status = sam_domain_sid(cli->reg, &domain);
        if (!NT_SUCCESS(status))
            return cli_fail_status(cli, status, NULL, "%s", cli->db_path);
    }
    return CLI_OK;
}

int cli_begin(struct cli *cli)
{
    if (cli->in_transaction)
        return CLI_OK;
    NTSTATUS status = registry_begin(cli->reg);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot start a transaction");
    cli->in_transaction = true;
    return CLI_OK;
}

/* ---- output ------------------------------------------------------------------------- */

int cli_print_json(struct cli *cli, json_t *value)
{
    if (!value)
        return cli_fail(cli, "out of memory");
    int rc = json_dumpf(value, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
    json_decref(value);
    if (rc != 0 || fputc('\n', stdout) == EOF)
        return cli_fail(cli, "cannot write the output");
    return CLI_OK;
}

json_t *cli_json_string(const char *text)
{
    return json_string(text ? text : "");
}

json_t *cli_json_time(int64_t seconds)
{
    if (seconds <= 0)
        return json_null();
    time_t t = (time_t)seconds;
    struct tm tm;
    char text[32];
    if (!gmtime_r(&t, &tm) || !strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
    return json_string(text);
}

void cli_format_time(int64_t seconds, char *out, size_t size)
{
    struct tm tm;
    time_t t = (time_t)seconds;
    if (seconds <= 0 || !localtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm))
        snprintf(out, size, "never");
}

void cli_table_init(struct cli_table *table, size_t columns, const char *const *headings)
{
    memset(table, 0, sizeof *table);
    table->columns = columns;
    cli_table_add(table, headings);
}

void cli_table_add(struct cli_table *table, const char *const *cells)
{
    if (table->failed)
        return;
    char **grown = realloc(table->cells, (table->rows + 1) * table->columns * sizeof *grown);
    if (!grown) {
        table->failed = true;
        return;
    }
    table->cells = grown;
    char **row = table->cells + table->rows * table->columns;
    for (size_t i = 0; i < table->columns; i++) {
        row[i] = strdup(cells[i] ? cells[i] : "-");
        if (!row[i])
            table->failed = true;
    }
    table->rows++;
}

/* Width in characters (code points), so that non-ASCII names still align. */
static size_t text_width(const char *text)
{
    long units = utf8_utf16_units(text, strlen(text));
    return units < 0 ? strlen(text) : (size_t)units;
}

int cli_table_print(struct cli *cli, struct cli_table *table)
{
    int rc = table->failed ? CLI_FAILED : CLI_OK;
    size_t *widths = calloc(table->columns ? table->columns : 1, sizeof *widths);
    if (!widths)
        rc = CLI_FAILED;
    for (size_t r = 0; rc == CLI_OK && r < table->rows; r++)
        for (size_t c = 0; c < table->columns; c++) {
            size_t w = text_width(table->cells[r * table->columns + c]);
            if (w > widths[c])
                widths[c] = w;
        }
    for (size_t r = 0; rc == CLI_OK && r < table->rows; r++) {
        for (size_t c = 0; c < table->columns; c++) {
            const char *cell = table->cells[r * table->columns + c];
            bool last = c + 1 == table->columns;
            fputs(cell, stdout);
            if (!last)
                printf("%*s", (int)(widths[c] - text_width(cell) + 2), "");
        }
        putchar('\n');
    }
    if (rc == CLI_OK && (fflush(stdout) != 0 || ferror(stdout)))
        rc = CLI_FAILED;
    cli_table_free(table);
    free(widths);
    if (rc != CLI_OK)
        return cli_fail(cli, "cannot write the output");
    return rc;
}

void cli_table_free(struct cli_table *table)
{
    for (size_t i = 0; table->cells && i < table->rows * table->columns; i++)
        free(table->cells[i]);
    free(table->cells);
    memset(table, 0, sizeof *table);
}

void cli_print_fields(const char *const *pairs)
{
    size_t width = 0;
    for (size_t i = 0; pairs[i]; i += 2)
        if (strlen(pairs[i]) > width)
            width = strlen(pairs[i]);
    for (size_t i = 0; pairs[i]; i += 2)
        printf("%s:%*s %s\n", pairs[i], (int)(width - strlen(pairs[i])), "",
               pairs[i + 1] ? pairs[i + 1] : "-");
}

int cli_plain_args(struct cli *cli, const struct cli_command *command, int argc, char **argv,
                   int positional)
{
    static const struct option options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, positional, positional))
        return CLI_USAGE;
    return -1;
}

/* ---- accounts ---------------------------------------------------------------- */

int cli_delete_account(struct cli *cli, const struct cli_command *command, int argc,
                       char **argv, cli_account_lookup lookup)
{
    static const struct option options[] = {
        { "force", no_argument, NULL, 'f' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    bool force = false;
    int c, rc = CLI_OK;
    cli_getopt_reset();
    while (rc == CLI_OK && (c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case 'f': force = true; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: rc = CLI_USAGE;
        }
    }
    if (rc != CLI_OK || !cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct sid sid;
    char *display = NULL, *message = NULL, **changed = NULL;
    size_t changed_count = 0;
    if ((rc = lookup(cli, argv[optind], &sid, &display)) != CLI_OK)
        return rc;
    NTSTATUS status = prov_account_delete(cli->reg, &cli->actor, &sid, force, &changed,
                                          &changed_count, &message);
    if (status == STATUS_CANNOT_DELETE) {
        rc = cli_fail(cli, "%s; pass --force to remove those grants and delete it",
                      message ? message : display);
        free(message);
    } else if (!NT_SUCCESS(status)) {
        rc = cli_fail_status(cli, status, message, "%s", display);
    } else {
        for (size_t i = 0; i < changed_count; i++)
            printf("Removed %s's grant from share %s.\n", display, changed[i]);
        /* Tree connects made under the removed grant are looked at again. */
        cli->reload_shares = changed_count > 0;
    }
    registry_strv_free(changed);
    free(display);
    return rc;
}
