/* lwadmin init: create or upgrade the registry (idempotent).
 *
 * Opening the registry creates the file (0600) and applies every module's
 * schema migrations (settings tree, shares with IPC$ -- made by share-db's
 * migration, which also keeps it from being deleted --, SAM tables); what needs
 * C code (the random machine SID, the built-in aliases) is made by sam_init().
 * Settings need nothing: a setting never set reads as its schema default. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin-cli/cli.h"
#include "lsass/sam/sam.h"

/* The registry holds password hashes: owner-only, even if someone widened it. */
static int keep_private(struct cli *cli)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s%s", cli->db_path, suffixes[i]) >= sizeof path)
            return cli_fail(cli, "registry path too long");
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if ((st.st_mode & 077) && chmod(path, st.st_mode & 0700) != 0)
            return cli_fail(cli, "cannot make %s private (mode 0600): %s", path, strerror(errno));
    }
    return CLI_OK;
}

static int run_init(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;

    int rc = cli_open(cli, true);
    if (rc != CLI_OK)
        return rc;
    if ((rc = keep_private(cli)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    bool created = false;
    NTSTATUS status = sam_init(cli->reg, &cli->actor, &created);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot initialise the accounts database");
    struct sid domain;
    status = sam_domain_sid(cli->reg, &domain);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "no machine SID");
    char sid_text[SID_STRING_MAX];
    sid_format(&domain, sid_text, sizeof sid_text);

    if (cli->json) {
        json_t *out = json_pack("{s:s, s:b, s:s}", "path", cli->db_path, "created", created,
                                "machine_sid", sid_text);
        return cli_print_json(cli, out);
    }
    if (created)
        printf("Initialised the registry %s\n", cli->db_path);
    else
        printf("The registry %s is up to date\n", cli->db_path);
    printf("Machine SID: %s\n", sid_text);
    return CLI_OK;
}

const struct cli_command cli_command_init = {
    .name = "init",
    .summary = "create or upgrade the registry (machine SID, built-in groups, IPC$)",
    .usage = "\n",
    .run = run_init,
};
