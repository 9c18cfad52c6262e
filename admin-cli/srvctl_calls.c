/* What lwadmin session and lwadmin file share: reaching the running server
 * through srvctl, and saying why a call failed. */
#include <stdio.h>
#include <stdlib.h>

#include "admin-cli/cli.h"
#include "lib/paths.h"
#include "srvctl/srvctl.h"

int cli_srvctl_open(struct cli *cli, struct srvctl **ctl)
{
    char *db_path = sw_db_path(cli->db_argument);
    NTSTATUS status = db_path ? srvctl_open(db_path, ctl) : STATUS_NO_MEMORY;
    free(db_path);
    if (status == STATUS_SUCCESS)
        return CLI_OK;
    const char *message = srvctl_status_message(status);
    if (srvctl_server_not_running(status))
        return cli_fail(cli, "%s; 'lwadmin start' starts it", message);
    if (message)
        return cli_fail(cli, "%s", message);
    return cli_fail_status(cli, status, NULL, "cannot reach the SMB server");
}

int cli_srvctl_fail(struct cli *cli, NTSTATUS status, const char *what)
{
    const char *message = srvctl_status_message(status);
    if (message)
        return cli_fail(cli, "%s", message);
    return cli_fail_status(cli, status, NULL, "%s", what);
}

void cli_reload_shares(struct cli *cli)
{
    char *db_path = sw_db_path(cli->db_argument);
    struct srvctl *ctl = NULL;
    NTSTATUS status = db_path ? srvctl_open(db_path, &ctl) : STATUS_NO_MEMORY;
    free(db_path);
    uint32_t dropped = 0;
    if (status == STATUS_SUCCESS) {
        status = srvctl_reload_shares(ctl, &dropped);
        srvctl_close(ctl);
    }
    if (status == STATUS_SUCCESS || srvctl_server_not_running(status))
        return;
    const char *message = srvctl_status_message(status);
    fprintf(stderr,
            "lwadmin %s: warning: saved; the running SMB server was not told at once (%s) "
            "and applies the change within a few seconds by itself\n",
            cli->command_path ? cli->command_path : "", message ? message : nt_status_name(status));
}
