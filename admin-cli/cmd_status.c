/* lwadmin status: which of the instance's daemons run (pid, since when), and
 * whether the SMB port accepts connections. Exit status 0 when any daemon
 * runs, 1 when none does, so scripts can test it. Where systemd runs the
 * installed registry's daemons, one more line says so: whether
 * samewise.target is active and enabled at boot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "admin-cli/cli.h"
#include "lib/paths.h"
#include "supervise/supervise.h"

struct smb_state {
    bool registry;   /* the registry file exists */
    bool known;      /* the registry could be read */
    struct supervise_smb settings;
    bool accepting;
};

/* samewise.target's state when systemd runs this instance. */
struct systemd_state {
    bool manages;
    char *active;  /* systemctl is-active: active, inactive, failed... */
    char *enabled; /* systemctl is-enabled: enabled, disabled... */
};

static void read_systemd(const char *db_path, struct systemd_state *sd)
{
    sd->manages = supervise_systemd_manages(db_path);
    if (!sd->manages)
        return;
    sd->active = supervise_systemd_state("is-active", SUPERVISE_SYSTEMD_TARGET);
    sd->enabled = supervise_systemd_state("is-enabled", SUPERVISE_SYSTEMD_TARGET);
}

/* The SMB settings, from the registry if there is one (status never creates
 * a registry). */
static void read_smb(struct cli *cli, const char *db_path, struct smb_state *smb)
{
    struct stat st;
    if (stat(db_path, &st) != 0)
        return;
    smb->registry = true;
    smb->known = cli_open(cli, false) == CLI_OK &&
                 NT_SUCCESS(supervise_smb_settings(cli->reg, &smb->settings));
}

static const char *state_name(const struct supervise_process *process, bool installed)
{
    if (process->running)
        return "running";
    if (process->stale)
        return "stale";
    return installed ? "stopped" : "not-installed";
}

static int print_json(struct cli *cli, const char *db_path, const char *run_dir, bool any,
                      const struct supervise_process *procs, const bool *installed,
                      const struct smb_state *smb, const struct systemd_state *sd)
{
    json_t *daemons = json_array();
    for (size_t i = 0; daemons && i < SUPERVISE_DAEMON_COUNT; i++) {
        json_t *d = json_pack("{s:s, s:s}", "name", supervise_daemon_names[i], "state",
                              state_name(&procs[i], installed[i]));
        if (d && procs[i].pid) {
            json_object_set_new(d, "pid", json_integer(procs[i].pid));
            if (procs[i].running)
                json_object_set_new(d, "since", cli_json_time(procs[i].started));
        }
        json_array_append_new(daemons, d);
    }
    const struct supervise_smb *settings = &smb->settings;
    json_t *smb_json = json_null();
    if (smb->known)
        smb_json = json_pack("{s:b, s:s, s:I, s:b}", "configured", settings->enabled, "listen",
                             settings->listen, "port", (json_int_t)settings->port, "accepting",
                             smb->accepting);
    json_t *systemd_json = json_null();
    if (sd->manages)
        systemd_json = json_pack("{s:s, s:s, s:s}", "unit", SUPERVISE_SYSTEMD_TARGET, "active",
                                 sd->active ? sd->active : "", "enabled",
                                 sd->enabled ? sd->enabled : "");
    return cli_print_json(cli, json_pack("{s:s, s:s, s:b, s:o, s:o, s:o}", "registry", db_path,
                                         "run_dir", run_dir, "running", any, "daemons",
                                         daemons, "smb", smb_json, "systemd", systemd_json));
}

static void print_text(const char *db_path, const char *run_dir,
                       const struct supervise_process *procs, const bool *installed,
                       const struct smb_state *smb, const struct systemd_state *sd)
{
    char lines[SUPERVISE_DAEMON_COUNT][128], since[32], smb_line[160], systemd_line[160];
    const char *pairs[2 * SUPERVISE_DAEMON_COUNT + 10];
    size_t n = 0;
    pairs[n++] = "registry";
    pairs[n++] = db_path;
    pairs[n++] = "run directory";
    pairs[n++] = run_dir;
    for (size_t i = 0; i < SUPERVISE_DAEMON_COUNT; i++) {
        const struct supervise_process *p = &procs[i];
        if (p->running) {
            cli_format_time(p->started, since, sizeof since);
            snprintf(lines[i], sizeof lines[i], "running (pid %ld, since %s)", (long)p->pid,
                     since);
        } else if (p->stale) {
            snprintf(lines[i], sizeof lines[i], "stopped (stale pid file naming pid %ld)",
                     (long)p->pid);
        } else {
            snprintf(lines[i], sizeof lines[i], "%s", installed[i] ? "stopped" : "not installed");
        }
        pairs[n++] = supervise_daemon_names[i];
        pairs[n++] = lines[i];
    }
    if (!smb->known)
        snprintf(smb_line, sizeof smb_line, "unknown (%s)",
                 smb->registry ? "the registry cannot be read" : "no registry");
    else if (!smb->settings.enabled)
        snprintf(smb_line, sizeof smb_line, "not configured (lwiod.drivers does not list srv)");
    else
        snprintf(smb_line, sizeof smb_line, "%s port %u, %s", smb->settings.listen,
                 smb->settings.port,
                 smb->accepting ? "accepting connections" : "not accepting connections");
    pairs[n++] = "smb";
    pairs[n++] = smb_line;
    if (sd->manages) {
        snprintf(systemd_line, sizeof systemd_line, "%s %s, %s at boot", SUPERVISE_SYSTEMD_TARGET,
                 sd->active && *sd->active ? sd->active : "unknown",
                 sd->enabled && strcmp(sd->enabled, "enabled") == 0 ? "started" : "not started");
        pairs[n++] = "systemd";
        pairs[n++] = systemd_line;
    }
    pairs[n] = NULL;
    cli_print_fields(pairs);
}

static int run_status(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
    struct supervise_process procs[SUPERVISE_DAEMON_COUNT];
    bool installed[SUPERVISE_DAEMON_COUNT], any = false;
    struct smb_state smb;
    struct systemd_state sd;
    int c, rc;
    memset(&smb, 0, sizeof smb);
    memset(&sd, 0, sizeof sd);
    cli_getopt_reset();
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    char *db_path = sw_db_path(cli->db_argument);
    char *run_dir = db_path ? sw_run_dir(db_path) : NULL;
    rc = run_dir ? CLI_OK : cli_fail(cli, "out of memory");
    for (size_t i = 0; rc == CLI_OK && i < SUPERVISE_DAEMON_COUNT; i++) {
        if (!NT_SUCCESS(supervise_find(db_path, supervise_daemon_names[i], &procs[i])))
            rc = cli_fail(cli, "out of memory");
        installed[i] = supervise_program_exists(supervise_daemon_names[i]);
        any = any || procs[i].running;
    }
    if (rc != CLI_OK)
        goto out;
    read_smb(cli, db_path, &smb);
    smb.accepting = smb.known && smb.settings.enabled && procs[SUPERVISE_LWIOD].running &&
                    supervise_port_accepts(smb.settings.listen, (uint16_t)smb.settings.port, 500);
    read_systemd(db_path, &sd);
    if (cli->json) {
        rc = print_json(cli, db_path, run_dir, any, procs, installed, &smb, &sd);
    } else {
        print_text(db_path, run_dir, procs, installed, &smb, &sd);
    }
out:
    free(db_path);
    free(run_dir);
    supervise_smb_free(&smb.settings);
    free(sd.active);
    free(sd.enabled);
    if (rc == CLI_OK && !any)
        rc = CLI_FAILED; /* nothing runs: said above, not an error message */
    return rc;
}

const struct cli_command cli_command_status = {
    .name = "status",
    .summary = "show which daemons run and whether the SMB port accepts connections",
    .usage = "\n"
             "    exit status 0 when a daemon runs, 1 when none does\n",
    .run = run_status,
};
