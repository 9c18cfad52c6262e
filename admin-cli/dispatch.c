/* Finding and running a command or subcommand, and the help texts. */
#include <stdio.h>
#include <string.h>

#include "admin-cli/cli.h"

static const struct cli_command *find_subcommand(const struct cli_command *command,
                                                 const char *name)
{
    for (const struct cli_command *sub = command->subcommands; sub && sub->name; sub++)
        if (strcmp(sub->name, name) == 0)
            return sub;
    return NULL;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 || strcmp(arg, "help") == 0;
}

int cli_dispatch(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static char path[64];
    cli->command_path = command->name;
    if (command->run)
        return command->run(cli, command, argc, argv);
    if (argc < 2)
        return cli_usage_error(cli, "missing subcommand");
    if (is_help(argv[1])) {
        cli_print_help(command->name, command);
        return CLI_OK;
    }
    const struct cli_command *sub = find_subcommand(command, argv[1]);
    if (!sub)
        return cli_usage_error(cli, "unknown subcommand '%s'", argv[1]);
    snprintf(path, sizeof path, "%s %s", command->name, sub->name);
    cli->command_path = path;
    /* The object a refused attempt is recorded against: the first argument
     * that is not an option (or an option's value, which follows "--x"). */
    for (int i = 2; i < argc && !cli->object; i++) {
        if (argv[i][0] != '-')
            cli->object = argv[i];
        else if (!strchr(argv[i], '='))
            break;
    }
    return sub->run(cli, sub, argc - 1, argv + 1);
}

void cli_print_help(const char *path, const struct cli_command *command)
{
    if (!command) {
        puts("Usage: lwadmin [--db PATH] [--json] COMMAND ...\n"
             "\n"
             "Administers a Samewise file server through its registry: settings, shares,\n"
             "local users and groups, and the audit log.\n"
             "\n"
             "Commands:");
        for (size_t i = 0; cli_commands[i]; i++)
            printf("  %-8s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
        puts("\n"
             "Global options (also accepted after the command):\n"
             "  --db PATH   the registry (default: $SAMEWISE_DB, else the installed registry)\n"
             "  --json      machine-readable output for listings and show\n"
             "  --help      this text; 'lwadmin COMMAND --help' describes one command\n"
             "  --version   the version\n"
             "\n"
             "Exit status: 0 success, 1 the operation failed (the message says why),\n"
             "2 bad usage. Passwords are read with --password-stdin or from the terminal,\n"
             "never from the command line. See lwadmin(8).");
        return;
    }
    if (!command->subcommands) {
        printf("lwadmin %s: %s.\n\nUsage: lwadmin [--db PATH] [--json] %s%s%s", path,
               command->summary, path, command->usage[0] == '\n' ? "" : " ", command->usage);
        return;
    }
    printf("lwadmin %s: %s.\n\nUsage: lwadmin [--db PATH] [--json] %s SUBCOMMAND ...\n", path,
           command->summary, path);
    for (const struct cli_command *sub = command->subcommands; sub->name; sub++)
        printf("\n%s %s: %s.\n  lwadmin %s %s%s%s", path, sub->name, sub->summary, path,
               sub->name, sub->usage[0] == '\n' ? "" : " ", sub->usage);
    printf("\n'lwadmin %s SUBCOMMAND --help' describes one subcommand.\n", path);
}
