/* lwadmin export [-o FILE] [--with-secrets]: the configuration as a
 * provisioning file that lwadmin apply accepts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin-cli/cli.h"
#include "lib/crypto.h"
#include "provision/apply.h"

/* Writes through a temporary file and a rename, so a reader never sees half a
 * file; 0600 when it holds hashes. */
static int write_file(struct cli *cli, const char *path, const char *text, bool secret)
{
    size_t len = strlen(path) + 16;
    char *tmp = malloc(len);
    if (!tmp)
        return cli_fail(cli, "out of memory");
    snprintf(tmp, len, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int saved = errno;
        free(tmp);
        return cli_fail(cli, "cannot write %s: %s", path, strerror(saved));
    }
    size_t total = strlen(text), done = 0;
    bool good = fchmod(fd, secret ? 0600 : 0644) == 0;
    while (good && done < total) {
        ssize_t n = write(fd, text + done, total - done);
        if (n <= 0)
            good = false;
        else
            done += (size_t)n;
    }
    good = good && fsync(fd) == 0;
    int saved = errno;
    good = close(fd) == 0 && good;
    if (good && rename(tmp, path) != 0) {
        saved = errno;
        good = false;
    }
    if (!good)
        unlink(tmp);
    free(tmp);
    return good ? CLI_OK : cli_fail(cli, "cannot write %s: %s", path, strerror(saved));
}

static int run_export(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "output", required_argument, NULL, 'o' },
        { "with-secrets", no_argument, NULL, 's' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    const char *output = NULL;
    bool secrets = false;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "o:", options)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 's': secrets = true; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 0, 0))
        return CLI_USAGE;
    int rc = cli_open(cli, false);
    if (rc != CLI_OK)
        return rc;
    char *yaml = NULL, *error = NULL;
    NTSTATUS status = prov_export(cli->reg, secrets, &yaml, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "cannot export");
    if (output && strcmp(output, "-") != 0)
        rc = write_file(cli, output, yaml, secrets);
    else if (fputs(yaml, stdout) == EOF || fflush(stdout) != 0)
        rc = cli_fail(cli, "cannot write to standard output");
    crypto_wipe(yaml, strlen(yaml));
    free(yaml);
    return rc;
}

const struct cli_command cli_command_export = {
    .name = "export",
    .summary = "print the configuration as a provisioning file (no secrets by default)",
    .usage = "[-o FILE] [--with-secrets]\n"
             "    -o, --output FILE  write to FILE instead of standard output\n"
             "    --with-secrets     include the users' NT hashes (the file is made 0600)\n",
    .run = run_export,
};
