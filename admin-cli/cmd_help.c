/* lwadmin help [COMMAND [SUBCOMMAND]] */
#include <stdio.h>
#include <string.h>

#include "admin-cli/cli.h"

static int run_help(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1)
        return CLI_USAGE;
    if (!cli_positional(cli, argc, argv, 0, 2))
        return CLI_USAGE;
    if (optind == argc) {
        cli_print_help(NULL, NULL);
        return CLI_OK;
    }
    const struct cli_command *target = cli_find_command(argv[optind]);
    if (!target)
        return cli_usage_error(cli, "unknown command '%s'", argv[optind]);
    if (optind + 1 == argc || !target->subcommands) {
        cli_print_help(target->name, target);
        return CLI_OK;
    }
    for (const struct cli_command *sub = target->subcommands; sub->name; sub++) {
        if (strcmp(sub->name, argv[optind + 1]) == 0) {
            char path[64];
            snprintf(path, sizeof path, "%s %s", target->name, sub->name);
            cli_print_help(path, sub);
            return CLI_OK;
        }
    }
    return cli_usage_error(cli, "unknown subcommand '%s %s'", target->name, argv[optind + 1]);
}

const struct cli_command cli_command_help = {
    .name = "help",
    .summary = "describe the commands, or one command",
    .usage = "[COMMAND [SUBCOMMAND]]\n",
    .run = run_help,
};
