/* lwadmin apply -f FILE... [--dry-run] [--prune]: declarative provisioning
 * (docs/provisioning.md). The work is provision/apply.c's; this file only reads
 * the options, prints the plan and maps the outcome to the exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "provision/apply.h"

/* How a file is named in messages and in the audit log. */
static const char *shown_name(const char *file)
{
    return strcmp(file, "-") == 0 ? "<stdin>" : file;
}

static int run_apply(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "file", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "prune", no_argument, NULL, 'p' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    bool dry_run = false, prune = false;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t file_count = 0;
    if (!files)
        return cli_fail(cli, "out of memory");
    cli_getopt_reset();
    int c, rc = CLI_OK;
    while (rc == CLI_OK && (c = cli_getopt(cli, command, argc, argv, "f:", options)) != -1) {
        switch (c) {
        case 'f': files[file_count++] = optarg; break;
        case 'n': dry_run = true; break;
        case 'p': prune = true; break;
        case CLI_GETOPT_HELP: free(files); return CLI_OK;
        default: rc = CLI_USAGE;
        }
    }
    if (rc == CLI_OK && !cli_positional(cli, argc, argv, 0, 0))
        rc = CLI_USAGE;
    if (rc == CLI_OK && file_count == 0)
        rc = cli_usage_error(cli, "give at least one file with -f FILE (-f - reads standard input)");
    if (rc != CLI_OK) {
        free(files);
        return rc;
    }

    /* Every file is read and checked before the registry is opened. */
    struct prov_spec *spec = prov_spec_new();
    char *error = NULL;
    size_t sources_len = 1;
    for (size_t i = 0; spec && i < file_count; i++) {
        if (prov_spec_load(spec, files[i], &error) != 0) {
            fprintf(stderr, "lwadmin apply: %s\nNothing was changed.\n",
                    error ? error : "out of memory");
            free(error);
            prov_spec_free(spec);
            free(files);
            return CLI_FAILED;
        }
        sources_len += strlen(shown_name(files[i])) + 2;
    }
    char *sources = calloc(1, sources_len);
    for (size_t i = 0; sources && i < file_count; i++) {
        if (i)
            strcat(sources, ", ");
        strcat(sources, shown_name(files[i]));
    }
    free(files);
    rc = spec && sources ? cli_open(cli, false) : cli_fail(cli, "out of memory");
    if (rc != CLI_OK) {
        prov_spec_free(spec);
        free(sources);
        return rc;
    }
    struct audit_actor actor;
    audit_actor_self(&actor, "yaml", sources);
    struct prov_options opt = { .dry_run = dry_run, .prune = prune, .actor = &actor };
    struct prov_plan plan;
    NTSTATUS status = prov_apply(cli->reg, spec, &opt, &plan, &error);
    prov_spec_free(spec);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lwadmin apply: %s\nNothing was changed.\n",
                error ? error : nt_status_name(status));
        free(error);
        free(sources);
        return CLI_FAILED;
    }
    /* A pruned or moved share drops its tree connects (cheap when none did). */
    cli->reload_shares = !dry_run && plan.count > 0;
    if (cli->json) {
        char *text = prov_plan_json(&plan);
        if (text)
            printf("%s\n", text);
        else
            rc = cli_fail(cli, "out of memory");
        free(text);
    } else if (plan.count == 0) {
        printf("Nothing to do: the registry already matches %s.\n", sources);
    } else {
        prov_plan_print(&plan, stdout);
        printf("%s: %zu change%s%s.\n", dry_run ? "Dry run" : "Applied", plan.count,
               plan.count == 1 ? "" : "s", dry_run ? " planned, nothing changed" : "");
    }
    prov_plan_free(&plan);
    free(sources);
    return rc;
}

const struct cli_command cli_command_apply = {
    .name = "apply",
    .summary = "make the registry match YAML provisioning files (all or nothing)",
    .usage = "-f FILE [-f FILE]... [--dry-run] [--prune]\n"
             "    -f, --file FILE  a provisioning file (docs/provisioning.md); - reads\n"
             "                     standard input; several files merge in order\n"
             "    --dry-run        print the plan, change nothing\n"
             "    --prune          also remove shares, users, groups and settings the\n"
             "                     files leave out (never built-ins)\n",
    .run = run_apply,
};
