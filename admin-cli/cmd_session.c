/* lwadmin session: the SMB sessions of the running server (live, from srv
 * through srvctl; nothing here is in the registry).
 *
 *   session list          who is logged on, from where, how
 *   session close ID      log a session off (its opens are closed)
 *
 * When the server is not running both fail with exit status 1 and say so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin-cli/cli.h"
#include "lib/paths.h"
#include "srvctl/srvctl.h"

static const struct option plain_options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };

static int parse_plain(struct cli *cli, const struct cli_command *command, int argc, char **argv,
                       int positional)
{
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", plain_options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, positional, positional))
        return CLI_USAGE;
    return -1;
}

/* Connects to the instance's server; on failure says why (exit 1). */
static int connect_server(struct cli *cli, struct srvctl **ctl)
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

static int fail_call(struct cli *cli, NTSTATUS status, const char *what)
{
    const char *message = srvctl_status_message(status);
    if (message)
        return cli_fail(cli, "%s", message);
    return cli_fail_status(cli, status, NULL, "%s", what);
}

/* "12s", "5m03s", "3h07m", "2d04h". */
static void format_duration(int64_t seconds, char *out, size_t size)
{
    if (seconds < 60)
        snprintf(out, size, "%llds", (long long)seconds);
    else if (seconds < 3600)
        snprintf(out, size, "%lldm%02llds", (long long)(seconds / 60), (long long)(seconds % 60));
    else if (seconds < 86400)
        snprintf(out, size, "%lldh%02lldm", (long long)(seconds / 3600),
                 (long long)(seconds % 3600 / 60));
    else
        snprintf(out, size, "%lldd%02lldh", (long long)(seconds / 86400),
                 (long long)(seconds % 86400 / 3600));
}

/* "SAMEWISE\alice", "(anonymous)", "alice (guest)". */
static void user_text(const struct srvctl_session *s, char *out, size_t size)
{
    if (s->flags & SRVCTL_SESSION_ANONYMOUS)
        snprintf(out, size, "(anonymous)");
    else
        snprintf(out, size, "%s%s%s%s", s->domain, s->domain[0] ? "\\" : "", s->user,
                 (s->flags & SRVCTL_SESSION_GUEST) ? " (guest)" : "");
}

static json_t *session_json(const struct srvctl_session *s, int64_t now)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:o, s:I, s:I, s:I}", "id",
                     (json_int_t)s->id, "user", cli_json_string(s->user), "domain",
                     cli_json_string(s->domain), "client", cli_json_string(s->client),
                     "dialect", srvctl_dialect_name(s->dialect), "encrypted",
                     (s->flags & SRVCTL_SESSION_ENCRYPTED) != 0, "guest",
                     (s->flags & SRVCTL_SESSION_GUEST) != 0, "anonymous",
                     (s->flags & SRVCTL_SESSION_ANONYMOUS) != 0, "logon_time",
                     cli_json_time(now - (int64_t)s->connected_seconds), "connected_seconds",
                     (json_int_t)s->connected_seconds, "idle_seconds",
                     (json_int_t)s->idle_seconds, "open_files", (json_int_t)s->open_count);
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = parse_plain(cli, command, argc, argv, 0);
    if (rc >= 0)
        return rc;
    struct srvctl *ctl = NULL;
    if ((rc = connect_server(cli, &ctl)) != CLI_OK)
        return rc;
    struct srvctl_session *sessions = NULL;
    size_t count = 0;
    NTSTATUS status = srvctl_sessions(ctl, &sessions, &count);
    srvctl_close(ctl);
    if (status != STATUS_SUCCESS)
        return fail_call(cli, status, "cannot list the sessions");
    int64_t now = (int64_t)time(NULL);
    if (cli->json) {
        json_t *array = json_array();
        for (size_t i = 0; array && i < count; i++)
            if (json_array_append_new(array, session_json(&sessions[i], now)) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
    } else {
        struct cli_table table;
        static const char *const headings[] = { "ID",        "USER",  "CLIENT",    "DIALECT",
                                                "ENCRYPTED", "OPENS", "CONNECTED", "IDLE" };
        cli_table_init(&table, 8, headings);
        for (size_t i = 0; i < count; i++) {
            const struct srvctl_session *s = &sessions[i];
            char id[16], user[600], opens[16], connected[32], idle[32];
            snprintf(id, sizeof id, "%u", s->id);
            user_text(s, user, sizeof user);
            snprintf(opens, sizeof opens, "%u", s->open_count);
            format_duration(s->connected_seconds, connected, sizeof connected);
            format_duration(s->idle_seconds, idle, sizeof idle);
            const char *row[] = { id,
                                  user,
                                  s->client,
                                  srvctl_dialect_name(s->dialect),
                                  (s->flags & SRVCTL_SESSION_ENCRYPTED) ? "yes" : "no",
                                  opens,
                                  connected,
                                  idle };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    srvctl_sessions_free(sessions, count);
    return rc;
}

static int run_close(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = parse_plain(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    uint64_t id;
    if (!cli_parse_uint(argv[optind], UINT32_MAX, &id) || id == 0)
        return cli_usage_error(cli, "'%s' is not a session id (see 'lwadmin session list')",
                               argv[optind]);
    /* The close is recorded in the audit log, in this command's transaction. */
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct srvctl *ctl = NULL;
    if ((rc = connect_server(cli, &ctl)) != CLI_OK)
        return rc;
    /* Who it was, for the audit record. */
    struct srvctl_session *sessions = NULL;
    size_t count = 0;
    char detail[700] = "";
    if (srvctl_sessions(ctl, &sessions, &count) == STATUS_SUCCESS) {
        for (size_t i = 0; i < count; i++) {
            if (sessions[i].id != id)
                continue;
            char user[600];
            user_text(&sessions[i], user, sizeof user);
            snprintf(detail, sizeof detail, "%s from %s", user, sessions[i].client);
        }
    }
    srvctl_sessions_free(sessions, count);
    NTSTATUS status = srvctl_close_session(ctl, (uint32_t)id);
    srvctl_close(ctl);
    if (status == STATUS_NOT_FOUND)
        return cli_fail(cli, "no session %s (see 'lwadmin session list')", argv[optind]);
    if (status != STATUS_SUCCESS)
        return fail_call(cli, status, "cannot close the session");
    char object[32];
    snprintf(object, sizeof object, "session %u", (unsigned)id);
    status = registry_audit(cli->reg, &cli->actor, "session.close", object,
                            detail[0] ? detail : NULL);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL,
                               "the session is closed, but the audit log could not record it");
    return CLI_OK;
}

static const struct cli_command session_subcommands[] = {
    { .name = "list", .summary = "the sessions logged on to the running server",
      .usage = "\n", .run = run_list },
    { .name = "close", .summary = "log a session off (its open files are closed)",
      .usage = "ID\n", .run = run_close },
    { .name = NULL },
};

const struct cli_command cli_command_session = {
    .name = "session",
    .summary = "list and close the SMB sessions of the running server",
    .subcommands = session_subcommands,
};
