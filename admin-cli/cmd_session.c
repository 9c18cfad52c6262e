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

/* "12s", "5m03s", "3h07m", "2d04h". */
static void format_duration(int64_t seconds, char *out, size_t size)
{
    if (seconds < 0)
        seconds = 0;
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
    if ((s->flags & SRVCTL_SESSION_ANONYMOUS) || !s->user[0])
        snprintf(out, size, "(anonymous)");
    else
        snprintf(out, size, "%s%s%s%s", s->domain, s->domain[0] ? "\\" : "", s->user,
                 (s->flags & SRVCTL_SESSION_GUEST) ? " (guest)" : "");
}

static json_t *session_json(const struct srvctl_session *s, const struct srvctl_connection *conns,
                            size_t conn_count, int64_t now)
{
    json_t *shares = json_array();
    json_t *trees = json_array();
    for (size_t i = 0; shares && trees && i < conn_count; i++) {
        if (conns[i].session_id != s->id)
            continue;
        json_array_append_new(shares, cli_json_string(conns[i].share));
        /* Per tree connect: whether its messages are encrypted (the share
         * may require it when the session does not). */
        json_array_append_new(trees, json_pack("{s:I, s:o, s:b}", "tree_id",
                                               (json_int_t)conns[i].tree_id, "share",
                                               cli_json_string(conns[i].share), "encrypted",
                                               (conns[i].flags & SRVCTL_CONNECTION_ENCRYPTED) != 0));
    }
    bool encrypted = s->flags & SRVCTL_SESSION_ENCRYPT_DATA;
    json_t *o = json_pack(
        "{s:I, s:o, s:o, s:o, s:I, s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:o, s:o, s:I, s:I, s:o, s:o}",
        "id", (json_int_t)s->id, "user", cli_json_string(s->user), "domain",
        cli_json_string(s->domain), "client", cli_json_string(s->client), "client_port",
        (json_int_t)s->client_port, "dialect", srvctl_dialect_name(s->dialect), "signing",
        srvctl_signing_name(s->signing_algorithm), "cipher",
        s->cipher ? json_string(srvctl_cipher_name(s->cipher)) : json_null(),
        "signing_required", (s->flags & SRVCTL_SESSION_SIGNING_REQUIRED) != 0, "encrypted",
        encrypted, "guest", (s->flags & SRVCTL_SESSION_GUEST) != 0, "anonymous",
        (s->flags & SRVCTL_SESSION_ANONYMOUS) != 0, "logon_time", cli_json_time(s->logon_time),
        "idle_seconds",
        s->last_active_time > 0 ? json_integer(now - s->last_active_time) : json_null(),
        "open_files", (json_int_t)s->open_count, "tree_connects", (json_int_t)s->tree_count,
        "shares", shares ? shares : json_array(), "trees", trees ? trees : json_array());
    return o;
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 0);
    if (rc >= 0)
        return rc;
    struct srvctl *ctl = NULL;
    if ((rc = cli_srvctl_open(cli, &ctl)) != CLI_OK)
        return rc;
    struct srvctl_session *sessions = NULL;
    struct srvctl_connection *conns = NULL;
    size_t count = 0, conn_count = 0;
    NTSTATUS status = srvctl_sessions(ctl, &sessions, &count);
    if (status == STATUS_SUCCESS)
        status = srvctl_connections(ctl, &conns, &conn_count);
    srvctl_close(ctl);
    if (status != STATUS_SUCCESS) {
        rc = cli_srvctl_fail(cli, status, "cannot list the sessions");
        goto out;
    }
    int64_t now = (int64_t)time(NULL);
    if (cli->json) {
        json_t *array = json_array();
        for (size_t i = 0; array && i < count; i++)
            if (json_array_append_new(array, session_json(&sessions[i], conns, conn_count,
                                                          now)) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
        goto out;
    }
    struct cli_table table;
    static const char *const headings[] = { "ID",    "USER",  "CLIENT", "DIALECT", "SECURITY",
                                            "OPENS", "SHARES", "LOGON",  "IDLE" };
    cli_table_init(&table, 9, headings);
    for (size_t i = 0; i < count; i++) {
        const struct srvctl_session *s = &sessions[i];
        char id[24], user[600], security[64], opens[16], logon[32], idle[32];
        snprintf(id, sizeof id, "%llu", (unsigned long long)s->id);
        user_text(s, user, sizeof user);
        if (s->flags & SRVCTL_SESSION_ENCRYPT_DATA)
            snprintf(security, sizeof security, "encrypted (%s)", srvctl_cipher_name(s->cipher));
        else if (s->flags & SRVCTL_SESSION_SIGNING_REQUIRED)
            snprintf(security, sizeof security, "signed (%s)",
                     srvctl_signing_name(s->signing_algorithm));
        else
            snprintf(security, sizeof security, "-");
        snprintf(opens, sizeof opens, "%u", s->open_count);
        char *shares = srvctl_session_shares_text(conns, conn_count, s->id);
        if (s->logon_time > 0)
            cli_format_time(s->logon_time, logon, sizeof logon);
        else
            snprintf(logon, sizeof logon, "-");
        if (s->last_active_time > 0)
            format_duration(now - s->last_active_time, idle, sizeof idle);
        else
            snprintf(idle, sizeof idle, "-");
        const char *row[] = { id,    user,   s->client, srvctl_dialect_name(s->dialect), security,
                              opens, shares, logon,     idle };
        cli_table_add(&table, row);
        free(shares);
    }
    rc = cli_table_print(cli, &table);
out:
    srvctl_sessions_free(sessions, count);
    srvctl_connections_free(conns, conn_count);
    return rc;
}

static int run_close(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    uint64_t id;
    if (!cli_parse_uint(argv[optind], UINT64_MAX, &id) || id == 0)
        return cli_usage_error(cli, "'%s' is not a session id (see 'lwadmin session list')",
                               argv[optind]);
    /* The close is recorded in the audit log, in this command's transaction. */
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct srvctl *ctl = NULL;
    if ((rc = cli_srvctl_open(cli, &ctl)) != CLI_OK)
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
    NTSTATUS status = srvctl_close_session(ctl, id);
    srvctl_close(ctl);
    if (status == STATUS_NOT_FOUND)
        return cli_fail(cli, "no session %s (see 'lwadmin session list')", argv[optind]);
    if (status != STATUS_SUCCESS)
        return cli_srvctl_fail(cli, status, "cannot close the session");
    char object[40];
    snprintf(object, sizeof object, "session %llu", (unsigned long long)id);
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
