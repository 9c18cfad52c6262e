/* The command table: one line per top-level command, in the order `lwadmin
 * help` lists them. Later commands (start, stop, status, session, file,
 * apply, export) are added here and declared in cli.h. */
#include "admin-cli/cli.h"

#include <string.h>

const struct cli_command *const cli_commands[] = {
    &cli_command_init,
    &cli_command_config,
    &cli_command_share,
    &cli_command_user,
    &cli_command_group,
    &cli_command_kerberos,
    &cli_command_log,
    &cli_command_apply,
    &cli_command_export,
    &cli_command_start,
    &cli_command_stop,
    &cli_command_restart,
    &cli_command_status,
    &cli_command_session,
    &cli_command_file,
    &cli_command_stats,
    &cli_command_provider,
    &cli_command_help,
    NULL,
};

const struct cli_command *cli_find_command(const char *name)
{
    for (size_t i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}
