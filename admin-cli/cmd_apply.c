/* lwadmin apply -f FILE... [--dry-run [--detailed-exitcode]] [--prune [--yes]]:
 * declarative provisioning (docs/provisioning.md). The work is
 * provision/apply.c's; this file only reads the options, asks before a prune
 * removes anything, prints the plan and maps the outcome to the exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin-cli/cli.h"
#include "provision/apply.h"

/* How a file is named in messages and in the audit log. */
static const char *shown_name(const char *file)
{
    return strcmp(file, "-") == 0 ? "<stdin>" : file;
}

/* --detailed-exitcode's "the dry run found changes" (same value as CLI_USAGE,
 * as in Terraform: a script tells them apart by the message on stderr). */
enum { APPLY_CHANGES_PENDING = 2 };

enum { CONFIRM_APPLY = 100, CONFIRM_DECLINED, CONFIRM_NOTHING_TO_DO };

/* Shows the plan of a prune (worked out by a dry run) and asks on the
 * terminal whether to make it; on out (stderr with --json, which keeps
 * standard output for the JSON). */
static int confirm_prune(const struct prov_plan *plan, FILE *out)
{
    size_t removals = 0;
    for (size_t i = 0; i < plan->count; i++)
        removals += plan->changes[i].op == '-';
    if (plan->count == 0)
        return CONFIRM_NOTHING_TO_DO;
    prov_plan_print(plan, out);
    fprintf(out, "Apply these %zu change%s, removing %zu object%s? [y/N] ", plan->count,
            plan->count == 1 ? "" : "s", removals, removals == 1 ? "" : "s");
    fflush(out);
    char answer[16];
    if (!fgets(answer, sizeof answer, stdin))
        return CONFIRM_DECLINED;
    return answer[0] == 'y' || answer[0] == 'Y' ? CONFIRM_APPLY : CONFIRM_DECLINED;
}

static int run_apply(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "file", required_argument, NULL, 'f' },
        { "dry-run", no_argument, NULL, 'n' },
        { "prune", no_argument, NULL, 'p' },
        { "yes", no_argument, NULL, 'y' },
        { "detailed-exitcode", no_argument, NULL, 'x' },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    bool dry_run = false, prune = false, yes = false, detailed = false;
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
        case 'y': yes = true; break;
        case 'x': detailed = true; break;
        case CLI_GETOPT_HELP: free(files); return CLI_OK;
        default: rc = CLI_USAGE;
        }
    }
    if (rc == CLI_OK && !cli_positional(cli, argc, argv, 0, 0))
        rc = CLI_USAGE;
    if (rc == CLI_OK && file_count == 0)
        rc = cli_usage_error(cli, "give at least one file with -f FILE (-f - reads standard input)");
    if (rc == CLI_OK && detailed && !dry_run)
        rc = cli_usage_error(cli, "--detailed-exitcode goes with --dry-run");
    /* A prune deletes what the files leave out, so a person confirms it; a
     * script says so with --yes. Without a terminal there is nobody to ask. */
    bool ask = rc == CLI_OK && prune && !dry_run && !yes;
    bool reads_stdin = false;
    for (size_t i = 0; i < file_count; i++)
        reads_stdin |= strcmp(files[i], "-") == 0;
    if (ask && (reads_stdin || !isatty(STDIN_FILENO)))
        rc = cli_usage_error(cli, "--prune removes what the files leave out; without a terminal "
                                  "to confirm on, pass --yes");
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
    struct prov_options opt = { .dry_run = dry_run || ask, .prune = prune, .actor = &actor };
    struct prov_plan plan;
    NTSTATUS status = prov_apply(cli->reg, spec, &opt, &plan, &error);
    if (NT_SUCCESS(status) && ask) {
        rc = confirm_prune(&plan, cli->json ? stderr : stdout);
        prov_plan_free(&plan);
        if (rc == CONFIRM_APPLY) {
            opt.dry_run = false;
            status = prov_apply(cli->reg, spec, &opt, &plan, &error);
        } else {
            prov_spec_free(spec);
            free(sources);
            if (cli->json && rc == CONFIRM_NOTHING_TO_DO)
                printf("[]\n");
            else if (rc == CONFIRM_NOTHING_TO_DO)
                printf("Nothing to do: the registry already matches.\n");
            else
                fprintf(cli->json ? stderr : stdout, "Nothing was changed.\n");
            return rc == CONFIRM_NOTHING_TO_DO ? CLI_OK : CLI_FAILED;
        }
        rc = CLI_OK;
    }
    prov_spec_free(spec);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lwadmin apply: %s\nNothing was changed.\n",
                error ? error : nt_status_name(status));
        /* A refused apply is in the audit log too (a dry run changes nothing
         * and is not an attempt). */
        if (!opt.dry_run &&
            !NT_SUCCESS(registry_audit_refused(cli->reg, &actor, "apply", sources,
                                               error ? error : nt_status_name(status))))
            fprintf(stderr, "lwadmin apply: cannot record the refused attempt in the audit "
                            "log\n");
        free(error);
        free(sources);
        return CLI_FAILED;
    }
    /* A share whose grants promise writes its folder refuses: a warning, the
     * apply is made all the same. */
    for (size_t i = 0; plan.warnings && plan.warnings[i]; i++)
        fprintf(stderr, "lwadmin apply: warning: %s\n", plan.warnings[i]);
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
    /* Terraform's convention, so scripts and Ansible tell "changed" from "ok":
     * 0 nothing to do, 2 changes pending, 1 an error. */
    if (rc == CLI_OK && detailed && plan.count > 0)
        rc = APPLY_CHANGES_PENDING;
    prov_plan_free(&plan);
    free(sources);
    return rc;
}

const struct cli_command cli_command_apply = {
    .name = "apply",
    .summary = "make the registry match YAML provisioning files (all or nothing)",
    .usage = "-f FILE [-f FILE]... [--dry-run [--detailed-exitcode]] [--prune [--yes]]\n"
             "    -f, --file FILE  a provisioning file (docs/provisioning.md); - reads\n"
             "                     standard input; several files merge in order\n"
             "    --dry-run        print the plan, change nothing\n"
             "    --detailed-exitcode  with --dry-run: exit 0 if nothing would change,\n"
             "                     2 if changes are pending, 1 on an error\n"
             "    --prune          also remove shares, users, groups and settings the\n"
             "                     files leave out (never built-ins); asks on the\n"
             "                     terminal first\n"
             "    --yes            prune without asking (needed without a terminal)\n",
    .run = run_apply,
};
