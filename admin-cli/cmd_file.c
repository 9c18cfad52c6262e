/* lwadmin file: the files and pipes SMB clients hold open on the running
 * server (live, from srv through srvctl).
 *
 *   file list        every open: who, which share, where on the server
 *   file close ID    forced close of one open
 *
 * The ids are srv's (the ones srvsvc shows too), unique while srv runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "lib/paths.h"
#include "srvctl/srvctl.h"

static const struct option plain_options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };

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

/* "read,write,create", or "-". */
static void access_text(uint32_t flags, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s%s%s", (flags & SRVCTL_FILE_READ) ? "read" : "",
             (flags & SRVCTL_FILE_READ) && (flags & (SRVCTL_FILE_WRITE | SRVCTL_FILE_CREATE))
                 ? ","
                 : "",
             (flags & SRVCTL_FILE_WRITE) ? "write" : "",
             (flags & SRVCTL_FILE_WRITE) && (flags & SRVCTL_FILE_CREATE) ? "," : "",
             (flags & SRVCTL_FILE_CREATE) ? "create" : "");
    if (!out[0])
        snprintf(out, size, "-");
}

static json_t *file_json(const struct srvctl_file *f)
{
    char access[32];
    access_text(f->flags, access, sizeof access);
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:b, s:I, s:s}", "id", (json_int_t)f->id,
                     "user", cli_json_string(f->user), "domain", cli_json_string(f->domain),
                     "share", cli_json_string(f->share), "path", cli_json_string(f->path),
                     "pipe", (f->flags & SRVCTL_FILE_PIPE) != 0, "locks",
                     (json_int_t)f->lock_count, "access", access);
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", plain_options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    struct srvctl *ctl = NULL;
    int rc = connect_server(cli, &ctl);
    if (rc != CLI_OK)
        return rc;
    struct srvctl_file *files = NULL;
    size_t count = 0;
    NTSTATUS status = srvctl_files(ctl, &files, &count);
    srvctl_close(ctl);
    if (status != STATUS_SUCCESS) {
        const char *message = srvctl_status_message(status);
        return message ? cli_fail(cli, "%s", message)
                       : cli_fail_status(cli, status, NULL, "cannot list the open files");
    }
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
        static const char *const headings[] = { "ID", "USER", "SHARE", "PATH", "LOCKS", "ACCESS" };
        cli_table_init(&table, 6, headings);
        for (size_t i = 0; i < count; i++) {
            const struct srvctl_file *f = &files[i];
            char id[16], user[600], locks[16], access[32];
            snprintf(id, sizeof id, "%u", f->id);
            snprintf(user, sizeof user, "%s%s%s", f->domain, f->domain[0] ? "\\" : "",
                     f->user[0] ? f->user : "(anonymous)");
            snprintf(locks, sizeof locks, "%u", f->lock_count);
            access_text(f->flags, access, sizeof access);
            const char *row[] = { id, user, f->share, f->path, locks, access };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    srvctl_files_free(files, count);
    return rc;
}

static int run_close(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", plain_options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    uint64_t id;
    if (!cli_parse_uint(argv[optind], UINT32_MAX, &id) || id == 0)
        return cli_usage_error(cli, "'%s' is not a file id (see 'lwadmin file list')",
                               argv[optind]);
    /* The close is recorded in the audit log, in this command's transaction. */
    int rc;
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct srvctl *ctl = NULL;
    if ((rc = connect_server(cli, &ctl)) != CLI_OK)
        return rc;
    /* What it was, for the audit record. */
    struct srvctl_file *files = NULL;
    size_t count = 0;
    char detail[1200] = "";
    if (srvctl_files(ctl, &files, &count) == STATUS_SUCCESS) {
        for (size_t i = 0; i < count; i++)
            if (files[i].id == id)
                snprintf(detail, sizeof detail, "%s on %s, opened by %s%s%s", files[i].path,
                         files[i].share, files[i].domain, files[i].domain[0] ? "\\" : "",
                         files[i].user);
    }
    srvctl_files_free(files, count);
    NTSTATUS status = srvctl_close_file(ctl, (uint32_t)id);
    srvctl_close(ctl);
    if (status == STATUS_NOT_FOUND)
        return cli_fail(cli, "no open file %s (see 'lwadmin file list')", argv[optind]);
    if (status != STATUS_SUCCESS) {
        const char *message = srvctl_status_message(status);
        return message ? cli_fail(cli, "%s", message)
                       : cli_fail_status(cli, status, NULL, "cannot close the file");
    }
    char object[32];
    snprintf(object, sizeof object, "file %u", (unsigned)id);
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
      .usage = "ID\n", .run = run_close },
    { .name = NULL },
};

const struct cli_command cli_command_file = {
    .name = "file",
    .summary = "list and close the files SMB clients hold open",
    .subcommands = file_subcommands,
};
