/* lwadmin provider list | show NAME | set NAME KEY VALUE | test NAME [--user USER]
 *
 * The account providers lsassd asks (lsass.providers, in order): local (the
 * SAM) and ldap (a directory, docs/ldap.md). `set ldap KEY VALUE` sets the
 * setting ldap.KEY; KEY bind-password takes the secret from standard input
 * (VALUE "-"), never from argv ("none" removes it); KEY enabled (on|off) adds the provider to or
 * removes it from lsass.providers. `test ldap` connects, binds, searches one
 * user and says what is wrong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "lib/crypto.h"
#include "lsass/ldap/ldap_provider.h"

static const struct option no_options[] = { CLI_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };

static const char *const known[] = { "local", "ldap" };

static int common_options(struct cli *cli, const struct cli_command *command, int argc, char **argv, int min,
                          int max)
{
    cli_getopt_reset();
    int c = cli_getopt(cli, command, argc, argv, "", no_options);
    if (c == CLI_GETOPT_HELP)
        return CLI_OK;
    if (c != -1 || !cli_positional(cli, argc, argv, min, max))
        return CLI_USAGE;
    return -1;
}

static bool known_provider(const char *name)
{
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strcmp(known[i], name) == 0)
            return true;
    return false;
}

/* The position of name in lsass.providers (1-based; local is always asked,
 * first unless listed later); 0 when not enabled. */
static int position(struct cli *cli, const char *name)
{
    char **list = NULL;
    size_t count = 0;
    int at = 0;
    if (NT_SUCCESS(registry_setting_get_multi(cli->reg, "lsass.providers", &list, &count)) && list)
        for (size_t i = 0; i < count && !at; i++)
            if (strcmp(list[i], name) == 0)
                at = (int)i + 1;
    registry_strv_free(list);
    if (!at && strcmp(name, "local") == 0)
        at = 1;
    return at;
}

static const char *describe(const char *name)
{
    return strcmp(name, "local") == 0 ? "the SAM in the registry (lwadmin user/group)"
                                      : "an RFC 2307 LDAP directory (ldap.* settings)";
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 0, 0);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    json_t *array = json_array();
    struct cli_table table;
    static const char *const headings[] = { "NAME", "ENABLED", "ORDER", "DESCRIPTION" };
    cli_table_init(&table, 4, headings);
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        int at = position(cli, known[i]);
        char order[16];
        snprintf(order, sizeof order, "%d", at);
        json_array_append_new(array, json_pack("{s:s, s:b, s:i, s:s}", "name", known[i], "enabled", at > 0, "order",
                                               at, "description", describe(known[i])));
        const char *row[] = { known[i], at ? "yes" : "no", at ? order : "-", describe(known[i]) };
        cli_table_add(&table, row);
    }
    if (cli->json) {
        cli_table_free(&table);
        return cli_print_json(cli, array);
    }
    json_decref(array);
    return cli_table_print(cli, &table);
}

static int run_show(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 1, 1);
    if (rc >= 0)
        return rc;
    const char *name = argv[optind];
    if (!known_provider(name))
        return cli_fail(cli, "unknown provider '%s' (local or ldap)", name);
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    int at = position(cli, name);
    json_t *obj = json_pack("{s:s, s:b, s:i}", "name", name, "enabled", at > 0, "order", at);
    char order[16];
    snprintf(order, sizeof order, "%d", at);
    if (!cli->json) {
        const char *pairs[] = { "name", name, "enabled", at ? "yes" : "no", "order", at ? order : "-",
                                "description", describe(name), NULL };
        cli_print_fields(pairs);
    }
    if (strcmp(name, "ldap") == 0) {
        for (size_t i = 0; i < registry_setting_count(); i++) {
            const struct setting_def *def = registry_setting_at(i);
            if (!def || strncmp(def->name, "ldap.", 5) != 0)
                continue;
            char *value = NULL;
            bool is_default = false;
            if (!NT_SUCCESS(registry_setting_get_text(cli->reg, def->name, &value, &is_default)))
                continue;
            json_object_set_new(obj, def->name + 5, cli_json_string(value));
            if (!cli->json) {
                const char *pairs[] = { def->name + 5, value ? value : "", NULL };
                cli_print_fields(pairs);
            }
            free(value);
        }
        char *secret = NULL;
        bool stored = NT_SUCCESS(ldap_secret_get(cli->reg, "ldap", "bind-password", &secret));
        if (secret) {
            crypto_wipe(secret, strlen(secret));
            free(secret);
        }
        /* Whether it is set; never what it is. */
        json_object_set_new(obj, "bind-password", json_string(stored ? "(set)" : "(not set)"));
        if (!cli->json) {
            const char *pairs[] = { "bind-password", stored ? "(set)" : "(not set)", NULL };
            cli_print_fields(pairs);
        }
    }
    if (cli->json)
        return cli_print_json(cli, obj);
    json_decref(obj);
    return CLI_OK;
}

/* enabled on|off: edits lsass.providers (local stays first and always on). */
static int set_enabled(struct cli *cli, const char *name, const char *value)
{
    bool on = strcmp(value, "on") == 0 || strcmp(value, "yes") == 0;
    if (!on && strcmp(value, "off") && strcmp(value, "no"))
        return cli_fail(cli, "enabled takes on or off");
    if (strcmp(name, "local") == 0)
        return on ? CLI_OK : cli_fail(cli, "the local provider cannot be disabled (the SAM's built-in accounts)");
    char **list = NULL;
    size_t count = 0;
    char text[256] = "";
    if (NT_SUCCESS(registry_setting_get_multi(cli->reg, "lsass.providers", &list, &count)) && list)
        for (size_t i = 0; i < count; i++)
            if (strcmp(list[i], name) != 0)
                snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", text[0] ? "," : "", list[i]);
    registry_strv_free(list);
    if (on)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", text[0] ? "," : "local,", name);
    if (!text[0])
        snprintf(text, sizeof text, "local");
    char *error = NULL;
    NTSTATUS status = registry_setting_set(cli->reg, "lsass.providers", text, &cli->actor, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "lsass.providers");
    cli_note(cli, "lsass.providers is now %s; it applies when the server next starts (lwadmin restart)", text);
    return CLI_OK;
}

static int run_set(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = common_options(cli, command, argc, argv, 3, 3);
    if (rc >= 0)
        return rc;
    const char *name = argv[optind], *key = argv[optind + 1], *value = argv[optind + 2];
    if (!known_provider(name))
        return cli_fail(cli, "unknown provider '%s' (local or ldap)", name);
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    if (strcmp(key, "enabled") == 0)
        return set_enabled(cli, name, value);
    if (strcmp(name, "ldap") != 0)
        return cli_fail(cli, "the local provider has no settings of its own here (see lwadmin config list lsass)");
    if (strcmp(key, "bind-password") == 0) {
        if (strcmp(value, "none") == 0) { /* forget it (an anonymous bind needs none) */
            NTSTATUS status = ldap_secret_set(cli->reg, &cli->actor, "ldap", "bind-password", NULL);
            return NT_SUCCESS(status) ? CLI_OK : cli_fail_status(cli, status, NULL, "bind-password");
        }
        if (strcmp(value, "-") != 0)
            return cli_usage_error(cli, "bind-password is read from standard input: give '-' as VALUE "
                                        "('none' removes it)");
        char *password = NULL;
        if ((rc = cli_read_password(cli, true, "the LDAP bind DN", &password)) != CLI_OK)
            return rc;
        if (!password)
            return cli_fail(cli, "no password on standard input");
        NTSTATUS status = ldap_secret_set(cli->reg, &cli->actor, "ldap", "bind-password", password);
        cli_password_free(password);
        return NT_SUCCESS(status) ? CLI_OK : cli_fail_status(cli, status, NULL, "bind-password");
    }
    char setting[128];
    snprintf(setting, sizeof setting, "ldap.%s", key);
    if (!registry_setting_find(setting))
        return cli_fail(cli, "unknown key '%s' (see lwadmin provider show ldap)", key);
    char *error = NULL;
    NTSTATUS status = registry_setting_set(cli->reg, setting, value, &cli->actor, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "%s", setting);
    return CLI_OK;
}

static int run_test(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = { CLI_COMMON_OPTIONS, { "user", required_argument, NULL, 'u' },
                                             { NULL, 0, NULL, 0 } };
    const char *user = NULL;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        if (c == CLI_GETOPT_HELP)
            return CLI_OK;
        if (c != 'u')
            return CLI_USAGE;
        user = optarg;
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    const char *name = argv[optind];
    if (!known_provider(name))
        return cli_fail(cli, "unknown provider '%s' (local or ldap)", name);
    int rc = cli_open(cli, false);
    if (rc != CLI_OK)
        return rc;
    if (strcmp(name, "local") == 0) {
        printf("local: ok (the SAM in %s)\n", cli->db_path);
        return CLI_OK;
    }
    char report[4096];
    NTSTATUS status = ldap_provider_test(cli->reg, user, report, sizeof report);
    if (cli->json) {
        rc = cli_print_json(cli, json_pack("{s:s, s:b, s:s}", "provider", "ldap", "ok", NT_SUCCESS(status) ? 1 : 0,
                                           "report", report));
    } else {
        fputs(report, stdout);
    }
    if (!NT_SUCCESS(status))
        return cli_fail(cli, "the ldap provider does not work (see above)");
    return rc;
}

static const struct cli_command provider_subcommands[] = {
    { .name = "list", .summary = "the account providers and their order (lsass.providers)", .usage = "\n",
      .run = run_list },
    { .name = "show", .summary = "a provider's settings (never its secrets)", .usage = "NAME\n", .run = run_show },
    { .name = "set", .summary = "change a provider's setting (bind-password: read from stdin, VALUE -)",
      .usage = "NAME KEY VALUE\n    enabled on|off        ask the provider (lsass.providers)\n"
               "    bind-password -       the bind DN's password, from standard input ('none' removes it)\n"
               "    uri, user-base, ...   the setting ldap.KEY (lwadmin config list ldap)\n",
      .run = run_set },
    { .name = "test", .summary = "connect, bind and find one user; say what is wrong",
      .usage = "NAME [--user USER]\n    --user USER   the user to look for (default: any posixAccount)\n",
      .run = run_test },
    { .name = NULL },
};

const struct cli_command cli_command_provider = {
    .name = "provider",
    .summary = "account providers: the local SAM and an LDAP directory",
    .subcommands = provider_subcommands,
};
