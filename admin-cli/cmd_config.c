/* lwadmin config list [PREFIX] | get KEY | set KEY VALUE | unset KEY
 *
 * Settings are described by the registry's schema (name, type, default,
 * constraint, one line of documentation); the registry validates every value,
 * so a value outside its range is refused and nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"

static const struct option no_options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };

/* Parses only the common options; returns -1 to go on, or the exit status. */
static int common_options(struct cli *cli, const struct cli_command *command, int argc,
                          char **argv, int min, int max)
{
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", no_options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, min, max))
        return CLI_USAGE;
    return -1;
}

/* PREFIX matches a setting by its whole name or a leading part ending at a
 * dot: "srv" and "srv." match srv.port, not srvsvc.x. */
static bool prefix_matches(const char *prefix, const char *name)
{
    size_t len = strlen(prefix);
    if (len == 0)
        return true;
    if (strncmp(prefix, name, len) != 0)
        return false;
    return name[len] == '\0' || name[len] == '.' || prefix[len - 1] == '.';
}

static json_t *setting_json(const struct setting_def *def, const char *value, bool is_default)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "name", def->name, "type",
                     reg_type_name(def->type), "value", value ? value : "", "default",
                     def->default_text ? def->default_text : "", "is_default", is_default,
                     "constraint", def->constraint_text ? def->constraint_text : "-",
                     "description", def->doc ? def->doc : "", "applies",
                     def->needs_restart ? "restart" : "live");
}

/* The running daemons take most settings at once (lwiod, lsassd and srvsvcd
 * watch the registry); the few that need a restart say so. */
#define RESTART_MARK "(needs restart) "

static void restart_note(struct cli *cli, const struct setting_def *def)
{
    /* A deprecated setting is still accepted (scripts keep working) but
     * changes nothing: say so rather than let it look applied. */
    if (def && def->doc && strncmp(def->doc, "deprecated", 10) == 0)
        fprintf(stderr, "lwadmin %s: note: %s is %s\n",
                cli->command_path ? cli->command_path : "config", def->name, def->doc);
    if (def && def->needs_restart)
        fprintf(stderr,
                "lwadmin %s: note: %s applies when the server next starts (lwadmin restart)\n",
                cli->command_path ? cli->command_path : "config", def->name);
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 0, 1);
    if (rc >= 0)
        return rc;
    const char *prefix = optind < argc ? argv[optind] : "";
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    json_t *array = json_array();
    struct cli_table table;
    static const char *const headings[] = { "NAME", "VALUE", "DEFAULT", "TYPE", "DESCRIPTION" };
    cli_table_init(&table, 5, headings);
    size_t matched = 0;
    for (size_t i = 0; rc == CLI_OK && i < registry_setting_count(); i++) {
        const struct setting_def *def = registry_setting_at(i);
        if (!def || !prefix_matches(prefix, def->name))
            continue;
        char *value = NULL;
        bool is_default = false;
        NTSTATUS status = registry_setting_get_text(cli->reg, def->name, &value, &is_default);
        if (!NT_SUCCESS(status)) {
            rc = cli_fail_status(cli, status, NULL, "%s", def->name);
            break;
        }
        matched++;
        json_array_append_new(array, setting_json(def, value, is_default));
        char *doc = NULL;
        if (def->needs_restart && asprintf(&doc, RESTART_MARK "%s", def->doc) < 0)
            doc = NULL;
        const char *row[] = { def->name, value, def->default_text,
                              reg_type_short_name(def->type), doc ? doc : def->doc };
        cli_table_add(&table, row);
        free(doc);
        free(value);
    }
    if (rc == CLI_OK && matched == 0 && *prefix)
        rc = cli_fail(cli, "no setting is named '%s' or starts with '%s.' (see 'lwadmin config "
                           "list')", prefix, prefix);
    if (rc != CLI_OK || cli->json) {
        cli_table_free(&table);
        if (rc == CLI_OK)
            return cli_print_json(cli, array);
        json_decref(array);
        return rc;
    }
    json_decref(array);
    return cli_table_print(cli, &table);
}

static int run_get(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 1, 1);
    if (rc >= 0)
        return rc;
    const char *name = argv[optind];
    const struct setting_def *def = registry_setting_find(name);
    if (!def)
        return cli_fail(cli, "unknown setting '%s' (see 'lwadmin config list')", name);
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    char *value = NULL;
    bool is_default = false;
    NTSTATUS status = registry_setting_get_text(cli->reg, name, &value, &is_default);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", name);
    if (cli->json)
        rc = cli_print_json(cli, setting_json(def, value, is_default));
    else
        printf("%s\n", value ? value : "");
    free(value);
    return rc;
}

static int run_set(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 2, 2);
    if (rc >= 0)
        return rc;
    const char *name = argv[optind], *value = argv[optind + 1];
    /* The transaction first, so that a refused attempt is audited. */
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    if (!registry_setting_find(name))
        return cli_fail(cli, "unknown setting '%s' (see 'lwadmin config list')", name);
    char *error = NULL;
    NTSTATUS status = registry_setting_set(cli->reg, name, value, &cli->actor, &error);
    if (!NT_SUCCESS(status) && error) /* the registry's message names the setting */
        return cli_fail_status(cli, status, error, NULL);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", name);
    restart_note(cli, registry_setting_find(name));
    return CLI_OK;
}

static int run_unset(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 1, 1);
    if (rc >= 0)
        return rc;
    const char *name = argv[optind];
    /* The transaction first, so that a refused attempt is audited. */
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    if (!registry_setting_find(name))
        return cli_fail(cli, "unknown setting '%s' (see 'lwadmin config list')", name);
    char *error = NULL;
    NTSTATUS status = registry_setting_unset(cli->reg, name, &cli->actor, &error);
    if (!NT_SUCCESS(status) && error)
        return cli_fail_status(cli, status, error, NULL);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", name);
    restart_note(cli, registry_setting_find(name));
    return CLI_OK;
}

static const struct cli_command config_subcommands[] = {
    { .name = "list", .summary = "every setting (or those under PREFIX): value, default, type",
      .usage = "[PREFIX]\n", .run = run_list },
    { .name = "get", .summary = "the current value of a setting", .usage = "KEY\n",
      .run = run_get },
    { .name = "set", .summary = "change a setting (checked against its type and range)",
      .usage = "KEY VALUE\n", .run = run_set },
    { .name = "unset", .summary = "return a setting to its default", .usage = "KEY\n",
      .run = run_unset },
    { .name = NULL },
};

const struct cli_command cli_command_config = {
    .name = "config",
    .summary = "show and change settings",
    .subcommands = config_subcommands,
};
