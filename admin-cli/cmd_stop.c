/* lwadmin stop [--timeout SECONDS]: stops the instance's daemons, newest
 * first (srvsvcd, lwiod, lsassd): SIGTERM, a bounded wait, SIGKILL as the
 * last resort. A pid file whose pid is not that daemon of this registry is
 * removed and its pid left alone. Needs no registry: an instance whose
 * registry is gone can still be stopped. Where systemd runs the installed
 * registry's daemons, `systemctl stop` stops them, with the same output. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "admin-cli/cli.h"
#include "lib/paths.h"
#include "supervise/supervise.h"

int cli_stop_daemons(struct cli *cli, const char *db_path, const bool *which,
                     unsigned timeout_ms)
{
    int rc = CLI_OK;
    for (size_t i = SUPERVISE_DAEMON_COUNT; i-- > 0;) {
        const char *name = supervise_daemon_names[i];
        if (which && !which[i])
            continue;
        enum supervise_stopped how;
        pid_t pid;
        char *error = NULL;
        NTSTATUS status = supervise_stop(db_path, name, timeout_ms, &how, &pid, &error);
        if (!NT_SUCCESS(status)) {
            rc = cli_fail_status(cli, status, error, "cannot stop %s", name);
            continue;
        }
        switch (how) {
        case SUPERVISE_NOT_RUNNING:
            break;
        case SUPERVISE_STALE:
            cli_note(cli, "removed a stale pid file of %s (pid %ld is not running it)", name,
                     (long)pid);
            break;
        case SUPERVISE_TERMINATED:
            printf("Stopped %s (pid %ld).\n", name, (long)pid);
            break;
        case SUPERVISE_KILLED:
            printf("Killed %s (pid %ld): it did not stop within %u s of SIGTERM.\n", name,
                   (long)pid, (timeout_ms + 999) / 1000);
            break;
        }
    }
    return rc;
}

int cli_stop_instance(struct cli *cli, const char *db_path, unsigned timeout_ms)
{
    int lock;
    char *error = NULL;
    NTSTATUS status = supervise_lock(db_path, timeout_ms + 10000, &lock, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "cannot stop");
    int rc = cli_stop_daemons(cli, db_path, NULL, timeout_ms);
    supervise_unlock(lock);
    return rc;
}

/* Under systemd: the units stop (each within its TimeoutStopSec, then
 * SIGKILL), then lwadmin reports what stopped as it would have. */
static int systemd_stop(struct cli *cli, const char *db_path, unsigned timeout_ms)
{
    struct supervise_process before[SUPERVISE_DAEMON_COUNT];
    bool any = false;
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
        if (!NT_SUCCESS(supervise_find(db_path, supervise_daemon_names[i], &before[i])))
            return cli_fail(cli, "out of memory");
        any = any || before[i].running;
    }
    const char *args[SUPERVISE_DAEMON_COUNT + 3];
    size_t n = 0;
    args[n++] = "stop";
    args[n++] = SUPERVISE_SYSTEMD_TARGET;
    for (size_t i = SUPERVISE_DAEMON_COUNT; i-- > 0;)
        args[n++] = supervise_systemd_unit(i);
    args[n] = NULL;
    char *output = NULL;
    int status = supervise_run_tool("systemctl", args,
                                    timeout_ms * SUPERVISE_DAEMON_COUNT + 5000, &output);
    int rc = status == 0 ? CLI_OK
                         : cli_fail(cli, "systemctl stop failed%s%s",
                                    output && *output ? ": " : "", output ? output : "");
    free(output);
    for (size_t i = SUPERVISE_DAEMON_COUNT; i-- > 0;) {
        struct supervise_process now;
        if (!before[i].running)
            continue;
        if (NT_SUCCESS(supervise_find(db_path, supervise_daemon_names[i], &now)) &&
            now.running && now.pid == before[i].pid)
            rc = cli_fail(cli, "cannot stop %s (pid %ld): it still runs",
                          supervise_daemon_names[i], (long)before[i].pid);
        else
            printf("Stopped %s (pid %ld).\n", supervise_daemon_names[i], (long)before[i].pid);
    }
    if (rc == CLI_OK && !any)
        printf("Nothing was running for %s.\n", db_path);
    return rc;
}

static int run_stop(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "timeout", required_argument, NULL, 't' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    uint64_t timeout = 10;
    int c;
    cli_getopt_reset();
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case 't':
            if (!cli_parse_uint(optarg, 3600, &timeout))
                return cli_usage_error(cli, "--timeout wants seconds from 0 to 3600");
            break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    /* The path only: the registry itself is not opened (see above). */
    char *db_path = sw_db_path(cli->db_argument);
    if (!db_path)
        return cli_fail(cli, "out of memory");
    if (supervise_systemd_manages(db_path)) {
        int rc = systemd_stop(cli, db_path, (unsigned)timeout * 1000);
        free(db_path);
        return rc;
    }
    /* No run directory: this instance never ran (do not create one to lock). */
    char *run_dir = sw_run_dir(db_path);
    struct stat st;
    bool exists = run_dir && stat(run_dir, &st) == 0;
    free(run_dir);
    if (!exists) {
        printf("Nothing was running for %s.\n", db_path);
        free(db_path);
        return CLI_OK;
    }
    bool any = false;
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
        struct supervise_process process;
        if (NT_SUCCESS(supervise_find(db_path, supervise_daemon_names[i], &process)) &&
            process.running)
            any = true;
    }
    int rc = cli_stop_instance(cli, db_path, (unsigned)timeout * 1000);
    if (rc == CLI_OK && !any)
        printf("Nothing was running for %s.\n", db_path);
    free(db_path);
    return rc;
}

const struct cli_command cli_command_stop = {
    .name = "stop",
    .summary = "stop the daemons (SIGTERM, then SIGKILL after the timeout)",
    .usage = "[--timeout SECONDS]\n"
             "    --timeout SECONDS  how long each daemon has to exit after SIGTERM (10)\n",
    .run = run_stop,
};
