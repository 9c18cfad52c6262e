/* lwadmin start [--foreground] [--timeout SECONDS]: starts the instance's
 * daemons (lsassd, lwiod, srvsvcd) and returns
 * once the SMB port accepts connections; on failure it stops what it started
 * and says why, with the end of the daemon's log. docs/appliance.md.
 * Where systemd runs the installed registry's daemons (the Debian package's
 * units), start and restart ask systemctl instead, with the same checks
 * before, the same wait for the port after and the same output
 * (docs/packaging.md). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin-cli/cli.h"
#include "supervise/supervise.h"

/* Before lwiod starts: is the SMB server there to start, and is its port
 * free? Refusing here means nothing was started for nothing. */
static int check_smb(struct cli *cli, const struct supervise_smb *smb)
{
    char *why = NULL;
    if (!supervise_driver_available("srv", &why)) {
        cli_fail(cli, "the SMB server driver is not available yet (%s); nothing was started",
                 why ? why : "srv.so is missing");
        free(why);
        return CLI_FAILED;
    }
    if (supervise_port_accepts(smb->listen, (uint16_t)smb->port, 500))
        return cli_fail(cli,
                        "%s port %u already accepts connections: another program uses it "
                        "(choose another with 'lwadmin config set srv.port N'); nothing was "
                        "started",
                        supervise_connect_address(smb->listen), smb->port);
    return CLI_OK;
}

/* Starts every daemon that is not running yet; on failure stops the ones it
 * started. The caller holds the instance's lock. */
static int start_daemons(struct cli *cli, const struct supervise_smb *smb, unsigned timeout_ms,
                         struct supervise_process *procs)
{
    const char *db = cli->db_path;
    bool started[SUPERVISE_DAEMON_COUNT] = { false };
    int rc = CLI_OK;

    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
        const char *name = supervise_daemon_names[i];
        if (!NT_SUCCESS(supervise_find(db, name, &procs[i])))
            return cli_fail(cli, "out of memory");
        if (procs[i].stale) {
            /* A pid file left by a crash: the daemon would refuse to start
             * over it, and its pid is not ours to signal. */
            enum supervise_stopped how;
            pid_t pid;
            supervise_stop(db, name, 0, &how, &pid, NULL);
            cli_note(cli, "removed a stale pid file of %s (pid %ld is not running it)", name,
                     (long)pid);
        }
    }
    const struct supervise_process *lwiod = &procs[SUPERVISE_LWIOD];
    if (!lwiod->running && smb->enabled && (rc = check_smb(cli, smb)) != CLI_OK)
        return rc;

    int64_t lwiod_log = supervise_log_size(db, "lwiod");
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT && rc == CLI_OK; i++) {
        const char *name = supervise_daemon_names[i];
        if (procs[i].running)
            continue;
        char *error = NULL;
        NTSTATUS status = supervise_start(db, name, timeout_ms, &procs[i], &error);
        if (!NT_SUCCESS(status)) {
            rc = error ? cli_fail(cli, "%s", error)
                       : cli_fail_status(cli, status, NULL, "cannot start %s", name);
            free(error);
        } else {
            started[i] = true;
        }
    }
    if (rc == CLI_OK && smb->enabled &&
        !supervise_wait_port(smb->listen, (uint16_t)smb->port, lwiod->pid, timeout_ms)) {
        char *tail = supervise_log_tail(db, "lwiod", lwiod_log, 20);
        const char *address = supervise_connect_address(smb->listen);
        rc = cli_fail(cli,
                      "nothing accepts connections on %s port %u%s: the SMB server driver is "
                      "not available yet, or it could not listen%s%s%s",
                      address, smb->port,
                      supervise_pid_alive(lwiod->pid) ? "" : " (lwiod exited)",
                      smb->port < 1024 && geteuid() != 0 ? " (ports below 1024 need root)" : "",
                      tail && *tail ? "\n" : "", tail ? tail : "");
        free(tail);
    }
    if (rc != CLI_OK) {
        cli_stop_daemons(cli, db, started, 10000);
        memset(procs, 0, SUPERVISE_DAEMON_COUNT * sizeof *procs);
    }
    return rc;
}

/* The units systemctl acts on: the three services, then the target that
 * groups them (ordering comes from the units' After=). */
static void systemd_units(const char **args, const char *verb)
{
    size_t n = 0;
    args[n++] = verb;
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++)
        args[n++] = supervise_systemd_unit(i);
    args[n++] = SUPERVISE_SYSTEMD_TARGET;
    args[n] = NULL;
}

/* Under systemd: `systemctl start` (or restart) of the units, then every
 * unit must be active and the SMB port accept connections. A start that
 * fails stops the units again if none of them ran before, so that
 * Restart=on-failure does not keep trying behind the administrator's back. */
static int systemd_start(struct cli *cli, const struct supervise_smb *smb, unsigned timeout_ms,
                         bool restart, struct supervise_process *procs)
{
    const char *db = cli->db_path;
    bool any_before = false;
    int rc = CLI_OK;
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
        if (!NT_SUCCESS(supervise_find(db, supervise_daemon_names[i], &procs[i])))
            return cli_fail(cli, "out of memory");
        any_before = any_before || procs[i].running;
    }
    if (!restart && !procs[SUPERVISE_LWIOD].running && smb->enabled &&
        (rc = check_smb(cli, smb)) != CLI_OK)
        return rc;

    const char *args[SUPERVISE_DAEMON_COUNT + 3];
    systemd_units(args, restart ? "restart" : "start");
    char *output = NULL;
    int status = supervise_run_tool("systemctl", args,
                                    timeout_ms * SUPERVISE_DAEMON_COUNT + 5000, &output);
    if (status == -2)
        cli_note(cli, "systemctl did not finish within the timeout; the units may still be starting");
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT && rc == CLI_OK; i++) {
        const char *unit = supervise_systemd_unit(i);
        char *state = supervise_systemd_state("is-active", unit);
        if (!state || strcmp(state, "active") != 0) {
            /* The reason is in the unit's journal (systemctl's own message
             * only says to look there); printed after the one-line failure,
             * whatever its length. */
            char *tail = supervise_journal_tail(i, 15);
            rc = cli_fail(cli, "%s could not start: systemd says %s is %s",
                          supervise_daemon_names[i], unit, state && *state ? state : "unknown");
            /* systemctl's own words matter when it could not ask at all
             * (not root, no polkit agent). */
            if (status != 0 && output && *output)
                fprintf(stderr, "  systemctl: %s\n", output);
            if (tail && *tail)
                fprintf(stderr, "%s\n", tail);
            free(tail);
        }
        free(state);
    }
    free(output);
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT && rc == CLI_OK; i++)
        if (!NT_SUCCESS(supervise_find(db, supervise_daemon_names[i], &procs[i])) ||
            !procs[i].running)
            rc = cli_fail(cli, "%s is active under systemd but no running %s has its pid file",
                          supervise_daemon_names[i], supervise_daemon_names[i]);
    const struct supervise_process *lwiod = &procs[SUPERVISE_LWIOD];
    if (rc == CLI_OK && smb->enabled &&
        !supervise_wait_port(smb->listen, (uint16_t)smb->port, lwiod->pid, timeout_ms)) {
        char *tail = supervise_journal_tail(SUPERVISE_LWIOD, 15);
        rc = cli_fail(cli,
                      "nothing accepts connections on %s port %u: the SMB server driver is "
                      "not available yet, or it could not listen",
                      supervise_connect_address(smb->listen), smb->port);
        if (tail && *tail)
            fprintf(stderr, "%s\n", tail);
        free(tail);
    }
    if (rc != CLI_OK) {
        if (!any_before) {
            systemd_units(args, "stop");
            supervise_run_tool("systemctl", args, timeout_ms * SUPERVISE_DAEMON_COUNT + 5000,
                               NULL);
        }
        memset(procs, 0, SUPERVISE_DAEMON_COUNT * sizeof *procs);
    }
    return rc;
}

static void print_started(const struct supervise_smb *smb, const struct supervise_process *procs)
{
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++)
        if (procs[i].running)
            printf("%-8s running, pid %ld\n", supervise_daemon_names[i], (long)procs[i].pid);
    if (smb->enabled)
        printf("SMB server accepts connections on %s port %u\n",
               supervise_connect_address(smb->listen), smb->port);
    else
        printf("SMB server not started: lwiod.drivers does not list srv\n");
}

/* --foreground: stays until SIGINT or SIGTERM, then stops the daemons.
 * SIGHUP is passed on (the daemons re-read their settings). A daemon that
 * dies meanwhile ends the whole instance, so a supervisor above lwadmin
 * (systemd, a container) sees the failure. */
static int run_foreground(struct cli *cli, const sigset_t *signals,
                          const struct supervise_process *procs)
{
    const char *db = cli->db_path;
    for (;;) {
        struct timespec second = { .tv_sec = 1 };
        int sig = sigtimedwait(signals, NULL, &second);
        if (sig == SIGHUP) {
            for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++)
                if (procs[i].running)
                    supervise_signal(db, supervise_daemon_names[i], SIGHUP);
            continue;
        }
        if (sig == SIGINT || sig == SIGTERM) {
            cli_note(cli, "%s: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
            return cli_stop_instance(cli, db, 10000);
        }
        for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
            struct supervise_process now;
            const char *name = supervise_daemon_names[i];
            if (!procs[i].running || !NT_SUCCESS(supervise_find(db, name, &now)) ||
                (now.running && now.pid == procs[i].pid))
                continue;
            char *tail = supervise_log_tail(db, name, 0, 10);
            cli_fail(cli, "%s (pid %ld) is no longer running; stopping the others%s%s", name,
                     (long)procs[i].pid, tail && *tail ? "\n" : "", tail ? tail : "");
            free(tail);
            cli_stop_instance(cli, db, 10000);
            return CLI_FAILED;
        }
    }
}

/* The options of start and restart: --timeout, and --foreground where
 * foreground is not NULL. -1 to go on, else the exit status to return. */
static int parse_start_options(struct cli *cli, const struct cli_command *command, int argc,
                               char **argv, bool *foreground, uint64_t *timeout)
{
    static const struct option with_foreground[] = {
        { "foreground", no_argument, NULL, 'f' },
        { "timeout", required_argument, NULL, 't' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    const struct option *options = foreground ? with_foreground : with_foreground + 1;
    int c;
    cli_getopt_reset();
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case 'f': *foreground = true; break;
        case 't':
            if (!cli_parse_uint(optarg, 3600, timeout) || *timeout == 0)
                return cli_usage_error(cli, "--timeout wants seconds from 1 to 3600");
            break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    return -1;
}

/* Reads what lwadmin waits for (the SMB address and port), then closes the
 * registry: the daemons read their own settings and open it themselves. */
static int read_smb_settings(struct cli *cli, struct supervise_smb *smb)
{
    int rc = cli_open(cli, false);
    if (rc != CLI_OK)
        return rc;
    NTSTATUS status = supervise_smb_settings(cli->reg, smb);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot read the settings");
    registry_close(cli->reg);
    cli->reg = NULL;
    return CLI_OK;
}

static int run_start(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    bool foreground = false;
    uint64_t timeout = 30;
    struct supervise_smb smb;
    struct supervise_process procs[SUPERVISE_DAEMON_COUNT];
    int rc, lock = -1;
    char *error = NULL;
    memset(&smb, 0, sizeof smb);

    if ((rc = parse_start_options(cli, command, argc, argv, &foreground, &timeout)) != -1)
        return rc;
    /* Blocked from the start, so that a SIGTERM in the middle of starting
     * still finds lwadmin there to stop what it started. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    if (foreground)
        sigprocmask(SIG_BLOCK, &signals, NULL);

    if ((rc = read_smb_settings(cli, &smb)) != CLI_OK)
        goto out;
    bool systemd = supervise_systemd_manages(cli->db_path);
    if (systemd && foreground) {
        rc = cli_fail(cli, "systemd runs the daemons of %s (%s): start them with 'lwadmin "
                           "start' or systemctl, without --foreground",
                      cli->db_path, SUPERVISE_SYSTEMD_TARGET);
        goto out;
    }
    NTSTATUS status = supervise_lock(cli->db_path, (unsigned)timeout * 1000, &lock, &error);
    if (!NT_SUCCESS(status)) {
        rc = cli_fail_status(cli, status, error, "cannot start");
        goto out;
    }
    rc = systemd ? systemd_start(cli, &smb, (unsigned)timeout * 1000, false, procs)
                 : start_daemons(cli, &smb, (unsigned)timeout * 1000, procs);
    supervise_unlock(lock);
    if (rc != CLI_OK)
        goto out;
    print_started(&smb, procs);
    if (foreground) {
        fflush(stdout);
        rc = run_foreground(cli, &signals, procs);
    }
out:
    supervise_smb_free(&smb);
    return rc;
}

const struct cli_command cli_command_start = {
    .name = "start",
    .summary = "start the daemons and wait until the SMB port accepts connections",
    .usage = "[--foreground] [--timeout SECONDS]\n"
             "    --foreground       stay until SIGINT or SIGTERM, then stop the daemons\n"
             "    --timeout SECONDS  how long each daemon and the SMB port may take (30)\n",
    .run = run_start,
};

/* lwadmin restart [--timeout SECONDS]: stop, then start, under the instance's
 * lock (so no other lwadmin starts or stops it in between), for the few
 * settings marked apply:restart (lwadmin config list). Everything else
 * applies live and needs no restart.
 *
 * What a restart keeps: everything in the registry (settings, shares, users,
 * the audit log) and every file on disk: lwiod closes each open file cleanly
 * before it exits (pending writes reach the disk, byte-range locks and
 * delete-on-close are released as on a close). What it cannot keep yet: srv's
 * open state lives in lwiod's memory (docs/srv.md, "Durable handles"), so
 * after a restart a client's durable or resilient handle is no longer
 * reclaimable: its DHnC/DH2C reconnect fails with STATUS_OBJECT_NAME_NOT_FOUND
 * and the client opens the file again (Windows and smbclient do so by
 * themselves); sessions log on again. */
static int run_restart(struct cli *cli, const struct cli_command *command, int argc,
                       char **argv)
{
    uint64_t timeout = 30;
    struct supervise_smb smb;
    struct supervise_process procs[SUPERVISE_DAEMON_COUNT];
    int rc, lock = -1;
    char *error = NULL;
    memset(&smb, 0, sizeof smb);

    if ((rc = parse_start_options(cli, command, argc, argv, NULL, &timeout)) != -1)
        return rc;
    if ((rc = read_smb_settings(cli, &smb)) != CLI_OK)
        goto out;
    NTSTATUS status = supervise_lock(cli->db_path, (unsigned)timeout * 1000 + 10000, &lock, &error);
    if (!NT_SUCCESS(status)) {
        rc = cli_fail_status(cli, status, error, "cannot restart");
        goto out;
    }
    /* Stopping waits for each daemon's clean exit (open files closed);
     * systemctl restart does the same, unit by unit. */
    if (supervise_systemd_manages(cli->db_path)) {
        rc = systemd_start(cli, &smb, (unsigned)timeout * 1000, true, procs);
    } else {
        rc = cli_stop_daemons(cli, cli->db_path, NULL, (unsigned)timeout * 1000);
        if (rc == CLI_OK)
            rc = start_daemons(cli, &smb, (unsigned)timeout * 1000, procs);
    }
    supervise_unlock(lock);
    if (rc == CLI_OK)
        print_started(&smb, procs);
out:
    supervise_smb_free(&smb);
    return rc;
}

const struct cli_command cli_command_restart = {
    .name = "restart",
    .summary = "stop and start the daemons (for the settings marked restart in config list)",
    .usage = "[--timeout SECONDS]\n"
             "    --timeout SECONDS  how long each daemon may take to stop, and to start (30)\n",
    .run = run_restart,
};
