/* lwadmin file: the files and pipes SMB clients hold open on the running
 * server (live, from srv through srvctl).
 *
 *   file list                        every open, with its session and share
 *   file close ID [--session ID]     forced close of one open
 *
 * File ids are srv's server-wide ids for its opens (not the clients' FileIds,
 * which are per session), so an id names one open; --session is optional. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "lib/access.h"
#include "lib/paths.h"
#include "srvctl/srvctl.h"

#define OPT_SESSION 0x2001

/* What the granted access allows, "read,write,delete", or "-". */
static void access_text(uint32_t granted, char *out, size_t size)
{
    static const struct { uint32_t mask; const char *name; } rights[] = {
        { FILE_READ_DATA | GENERIC_READ | GENERIC_ALL, "read" },
        { FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE | GENERIC_ALL, "write" },
        { DELETE | GENERIC_ALL, "delete" },
    };
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof rights / sizeof rights[0]; i++) {
        if (!(granted & rights[i].mask))
            continue;
        int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", rights[i].name);
        if (n > 0 && (size_t)n < size - used)
            used += (size_t)n;
    }
    if (!used)
        snprintf(out, size, "-");
}

static json_t *file_json(const struct srvctl_file *f)
{
    char access[64];
    access_text(f->granted_access, access, sizeof access);
    return json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:I, s:I, s:s}",
                     "id", (json_int_t)f->id, "session_id", (json_int_t)f->session_id,
                     "tree_id", (json_int_t)f->tree_id, "user", cli_json_string(f->user),
                     "domain", cli_json_string(f->domain), "client",
                     cli_json_string(f->client), "share", cli_json_string(f->share), "path",
                     cli_json_string(f->path), "local_path", cli_json_string(f->local_path),
                     "pipe", (f->flags & SRVCTL_FILE_PIPE) != 0, "locks",
                     (json_int_t)f->lock_count, "granted_access", (json_int_t)f->granted_access,
                     "access", access);
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 0);
    if (rc >= 0)
        return rc;
    struct srvctl *ctl = NULL;
    rc = cli_srvctl_open(cli, &ctl);
    if (rc != CLI_OK)
        return rc;
    struct srvctl_file *files = NULL;
    size_t count = 0;
    NTSTATUS status = srvctl_files(ctl, &files, &count);
    srvctl_close(ctl);
    if (status != STATUS_SUCCESS)
        return cli_srvctl_fail(cli, status, "cannot list the open files");
    if (cli->json) {
        json_t *array = json_array();
        for (size_t i = 0; array && i < count; i++)
            if (json_array_append_new(array, file_json(&files[i])) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
    } else {
        struct cli_table table;
        static const char *const headings[] = { "ID",   "SESSION", "USER",  "CLIENT",
                                                "SHARE", "PATH",   "LOCKS", "ACCESS" };
        cli_table_init(&table, 8, headings);
        for (size_t i = 0; i < count; i++) {
            const struct srvctl_file *f = &files[i];
            char id[24], session[24], user[600], locks[16], access[64];
            snprintf(id, sizeof id, "%llu", (unsigned long long)f->id);
            snprintf(session, sizeof session, "%llu", (unsigned long long)f->session_id);
            snprintf(user, sizeof user, "%s%s%s", f->domain, f->domain[0] ? "\\" : "",
                     f->user[0] ? f->user : "(anonymous)");
            snprintf(locks, sizeof locks, "%u", f->lock_count);
            access_text(f->granted_access, access, sizeof access);
            const char *row[] = { id, session, user, f->client, f->share, f->path, locks,
                                  access };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    srvctl_files_free(files, count);
    return rc;
}

static int run_close(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "session", required_argument, NULL, OPT_SESSION },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    uint64_t session = 0, id;
    int c;
    cli_getopt_reset();
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_SESSION:
            if (!cli_parse_uint(optarg, UINT64_MAX, &session) || session == 0)
                return cli_usage_error(cli, "'%s' is not a session id", optarg);
            break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    if (!cli_parse_uint(argv[optind], UINT64_MAX, &id) || id == 0)
        return cli_usage_error(cli, "'%s' is not a file id (see 'lwadmin file list')",
                               argv[optind]);
    /* The close is recorded in the audit log, in this command's transaction. */
    int rc;
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct srvctl *ctl = NULL;
    if ((rc = cli_srvctl_open(cli, &ctl)) != CLI_OK)
        return rc;
    /* What it was, for the audit record. */
    struct srvctl_file *files = NULL;
    size_t count = 0;
    char detail[1200] = "";
    if (srvctl_files(ctl, &files, &count) == STATUS_SUCCESS) {
        for (size_t i = 0; i < count; i++)
            if (files[i].id == id && (!session || files[i].session_id == session))
                snprintf(detail, sizeof detail, "%s\\%s, opened by %s%s%s from %s",
                         files[i].share, files[i].path, files[i].domain,
                         files[i].domain[0] ? "\\" : "", files[i].user, files[i].client);
    }
    srvctl_files_free(files, count);
    NTSTATUS status = srvctl_close_file(ctl, session, id);
    srvctl_close(ctl);
    if (status == STATUS_NOT_FOUND)
        return cli_fail(cli, "no open file %s%s (see 'lwadmin file list')", argv[optind],
                        session ? " in that session" : "");
    if (status == STATUS_OBJECT_NAME_COLLISION)
        return cli_fail(cli, "file id %s is open in several sessions; say which with "
                             "--session (see 'lwadmin file list')", argv[optind]);
    if (status != STATUS_SUCCESS)
        return cli_srvctl_fail(cli, status, "cannot close the file");
    char object[64];
    snprintf(object, sizeof object, "file %llu", (unsigned long long)id);
    status = registry_audit(cli->reg, &cli->actor, "file.close", object,
                            detail[0] ? detail : NULL);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL,
                               "the file is closed, but the audit log could not record it");
    return CLI_OK;
}

static const struct cli_command file_subcommands[] = {
    { .name = "list", .summary = "the files and pipes open on the running server",
      .usage = "\n", .run = run_list },
    { .name = "close", .summary = "close an open file (the client loses its handle)",
      .usage = "ID [--session ID]\n"
               "    --session ID       the session the file belongs to (optional: file ids\n"
               "                       are unique on the server)\n",
      .run = run_close },
    { .name = NULL },
};

const struct cli_command cli_command_file = {
    .name = "file",
    .summary = "list and close the files SMB clients hold open",
    .subcommands = file_subcommands,
};
