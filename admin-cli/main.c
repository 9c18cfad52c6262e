/* lwadmin: the command-line administration tool (see docs/lwadmin.8).
 *
 *   lwadmin [--db PATH] [--json] COMMAND [SUBCOMMAND] [ARGS...]
 *
 * Exit status: 0 success, 1 the operation failed (stderr says why), 2 bad
 * usage. Each command runs in one registry transaction, committed only when
 * the command succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "config.h"
#include "lib/log.h"

static void print_brief_usage(FILE *out)
{
    fputs("Usage: lwadmin [--db PATH] [--json] COMMAND ...\n"
          "Try 'lwadmin help' for the list of commands.\n",
          out);
}

/* A command that began a change and failed is recorded as refused, after
 * its rollback (so the record stays), under the action the change would have
 * been logged as: "share.add" for `share add`, "setting.set" for `config set`. */
static void audit_refused(struct cli *cli)
{
    static const struct {
        const char *command, *action;
    } renamed[] = {
        { "config set", "setting.set" },
        { "config unset", "setting.unset" },
        { "share del", "share.delete" },
    };
    char action[64];
    snprintf(action, sizeof action, "%s", cli->command_path ? cli->command_path : "?");
    for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
        if (strcmp(action, renamed[i].command) == 0)
            snprintf(action, sizeof action, "%s", renamed[i].action);
    for (char *p = action; *p; p++)
        if (*p == ' ')
            *p = '.';
    NTSTATUS status = registry_audit_refused(cli->reg, &cli->actor, action, cli->object,
                                             cli->failure[0] ? cli->failure : NULL);
    if (!NT_SUCCESS(status))
        fprintf(stderr, "lwadmin: cannot record the refused attempt in the audit log: %s\n",
                nt_status_name(status));
}

/* Commits or rolls back the command's transaction. */
static int finish(struct cli *cli, int rc)
{
    if (cli->in_transaction) {
        NTSTATUS status = rc == CLI_OK ? registry_commit(cli->reg) : registry_rollback(cli->reg);
        cli->in_transaction = false;
        if (rc == CLI_FAILED)
            audit_refused(cli);
        if (rc == CLI_OK && !NT_SUCCESS(status))
            rc = cli_fail_status(cli, status, NULL, "cannot save the change");
        if (rc == CLI_OK && cli->reload_shares)
            cli_reload_shares(cli);
    }
    registry_close(cli->reg);
    cli->reg = NULL;
    free(cli->db_path);
    cli->db_path = NULL;
    if (fflush(stdout) != 0 && rc == CLI_OK)
        rc = CLI_FAILED;
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        { "db", required_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    struct cli cli;
    memset(&cli, 0, sizeof cli);
    /* Library errors go to stderr too, but only when they matter: lwadmin
     * prints its own message for each failure. */
    log_open("lwadmin", LOG_LEVEL_ERROR, 0);
    if (getenv("LWADMIN_DEBUG"))
        log_set_level(LOG_LEVEL_DEBUG);

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+:h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            cli.db_argument = optarg;
            break;
        case 'j':
            cli.json = true;
            break;
        case 'h':
            cli_print_help(NULL, NULL);
            return CLI_OK;
        case 'V':
            printf("lwadmin (Samewise) %s\n", SW_VERSION);
            return CLI_OK;
        case ':':
            fprintf(stderr, "lwadmin: option '%s' needs a value\n", argv[optind - 1]);
            print_brief_usage(stderr);
            return CLI_USAGE;
        default:
            fprintf(stderr, "lwadmin: unknown option '%s'\n", argv[optind - 1]);
            print_brief_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind >= argc) {
        fputs("lwadmin: missing command\n", stderr);
        print_brief_usage(stderr);
        return CLI_USAGE;
    }
    const struct cli_command *command = cli_find_command(argv[optind]);
    if (!command) {
        fprintf(stderr, "lwadmin: unknown command '%s'\n", argv[optind]);
        print_brief_usage(stderr);
        return CLI_USAGE;
    }
    int rc = cli_dispatch(&cli, command, argc - optind, argv + optind);
    return finish(&cli, rc);
}
