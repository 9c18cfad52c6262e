/* lwadmin kerberos: the Kerberos mechanism's settings and keytab
 * (lsass/krb5/krb5_mech.h; docs/lsass.md "Kerberos"). No key is ever
 * printed: entries show principal, kvno and encryption type.
 *
 *   kerberos show            realm, keytab, service principals with their kvnos
 *   kerberos import KEYTAB   copies KEYTAB's entries into the keytab (0600, root's)
 *   kerberos check           readable keytab, a key per principal, the KDC
 *                            accepting it and the clock skew (exit 1 on a problem)
 *
 * The settings are read by lsassd when it starts (lwadmin restart). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin-cli/cli.h"
#include "lsass/krb5/krb5_mech.h"

/* Every subcommand's start: its arguments, the registry, the settings as
 * lsassd resolves them. -1: go on; otherwise the exit status. */
static int start(struct cli *cli, const struct cli_command *command, int argc, char **argv, int positional,
                 struct krb5_settings *s)
{
    int rc = cli_plain_args(cli, command, argc, argv, positional);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    krb5_settings_load(cli->reg, cli->db_path, s);
    return -1;
}

/* The keytab's kvnos and types of one principal, "3 (aes256-cts-hmac-sha1-96, ...)". */
static void describe(const struct krb5_keytab_entry *entries, size_t count, const char *full, uint32_t *kvno,
                     char *types, size_t size)
{
    *kvno = 0;
    types[0] = 0;
    for (size_t i = 0; i < count; i++)
        if (strcasecmp(entries[i].principal, full) == 0 && entries[i].kvno > *kvno)
            *kvno = entries[i].kvno;
    size_t used = 0;
    for (size_t i = 0; i < count && *kvno; i++)
        if (strcasecmp(entries[i].principal, full) == 0 && entries[i].kvno == *kvno && used < size) {
            int n = snprintf(types + used, size - used, "%s%s", used ? "," : "", entries[i].enctype_name);
            used += n > 0 ? (size_t)n : 0;
        }
}

static int run_show(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    struct krb5_settings s;
    int rc = start(cli, command, argc, argv, 0, &s);
    if (rc >= 0)
        return rc;
    struct krb5_keytab_entry *entries = NULL;
    size_t count = 0;
    char err[1200] = "";
    bool readable = NT_SUCCESS(krb5_keytab_list(s.keytab, &entries, &count, err, sizeof err));
    bool active = krb5_settings_active(&s);
    if (cli->json) {
        json_t *principals = json_array(), *all = json_array();
        for (size_t i = 0; principals && i < s.principal_count; i++) {
            char full[600], types[512];
            uint32_t kvno;
            snprintf(full, sizeof full, "%s@%s", s.principals[i], s.realm);
            describe(entries, count, full, &kvno, types, sizeof types);
            json_array_append_new(principals, json_pack("{s:s, s:o, s:s}", "principal", full, "kvno",
                                                        kvno ? json_integer(kvno) : json_null(), "enctypes", types));
        }
        for (size_t i = 0; all && i < count; i++)
            json_array_append_new(all, json_pack("{s:s, s:I, s:s}", "principal", entries[i].principal, "kvno",
                                                 (json_int_t)entries[i].kvno, "enctype", entries[i].enctype_name));
        free(entries);
        return cli_print_json(cli, json_pack("{s:s, s:b, s:s, s:s, s:b, s:o, s:o}", "enabled", s.mode, "active",
                                             active, "realm", s.realm, "keytab", s.keytab, "keytab_readable",
                                             readable, "principals", principals ? principals : json_array(),
                                             "entries", all ? all : json_array()));
    }
    printf("enabled:    %s (%s)\n", s.mode, active ? "SPNEGO offers Kerberos" : "NTLMSSP only");
    printf("realm:      %s\n", s.realm[0] ? s.realm : "(none: set kerberos.realm)");
    printf("keytab:     %s%s%s\n", s.keytab, readable ? "" : " -- ", readable ? "" : err);
    static const char *const heads[] = { "PRINCIPAL", "KVNO", "ENCTYPES" };
    struct cli_table t;
    cli_table_init(&t, 3, heads);
    for (size_t i = 0; i < s.principal_count; i++) {
        char full[600], types[512], kv[16];
        uint32_t kvno;
        snprintf(full, sizeof full, "%s@%s", s.principals[i], s.realm);
        describe(entries, count, full, &kvno, types, sizeof types);
        snprintf(kv, sizeof kv, "%u", kvno);
        const char *cells[] = { full, kvno ? kv : "-", kvno ? types : "(no key)" };
        cli_table_add(&t, cells);
    }
    free(entries);
    rc = cli_table_print(cli, &t);
    cli_table_free(&t);
    return rc;
}

static int run_import(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    struct krb5_settings s;
    int rc = start(cli, command, argc, argv, 1, &s);
    if (rc >= 0)
        return rc;
    const char *src = argv[optind];
    cli->object = src;
    size_t imported = 0;
    char err[1200] = "";
    NTSTATUS status = krb5_keytab_import(src, s.keytab, &imported, err, sizeof err);
    if (!NT_SUCCESS(status))
        return cli_fail(cli, "cannot import %s into %s: %s", src, s.keytab, err);
    char detail[1200];
    snprintf(detail, sizeof detail, "%zu entries into %s", imported, s.keytab);
    registry_audit(cli->reg, &cli->actor, "kerberos.import", src, detail);
    if (cli->json)
        return cli_print_json(cli, json_pack("{s:s, s:I}", "keytab", s.keytab, "imported", (json_int_t)imported));
    printf("imported %zu entries into %s (lwadmin restart to start offering Kerberos if it was off)\n", imported,
           s.keytab);
    return CLI_OK;
}

struct check_out {
    struct cli *cli;
    json_t *findings;
};

static void report(void *arg, bool ok, const char *what, const char *detail)
{
    struct check_out *o = arg;
    if (o->cli->json)
        json_array_append_new(o->findings, json_pack("{s:b, s:s, s:s}", "ok", ok, "check", what, "detail", detail));
    else
        printf("%-5s %-10s %s\n", ok ? "ok" : "FAIL", what, detail);
}

static int run_check(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    struct krb5_settings s;
    int rc = start(cli, command, argc, argv, 0, &s);
    if (rc >= 0)
        return rc;
    struct check_out o = { cli, cli->json ? json_array() : NULL };
    unsigned problems = krb5_check(&s, report, &o);
    if (cli->json) {
        rc = cli_print_json(cli, json_pack("{s:I, s:o}", "problems", (json_int_t)problems, "findings",
                                           o.findings ? o.findings : json_array()));
        return rc != CLI_OK ? rc : problems ? CLI_FAILED : CLI_OK;
    }
    if (problems)
        printf("%u problem%s\n", problems, problems == 1 ? "" : "s");
    return problems ? CLI_FAILED : CLI_OK;
}

static const struct cli_command kerberos_subcommands[] = {
    { .name = "show", .summary = "the realm, the keytab and the service principals with their key versions",
      .usage = "\n", .run = run_show },
    { .name = "import", .summary = "copy a keytab's entries into the appliance's keytab (0600, root's)",
      .usage = "KEYTAB\n", .run = run_import },
    { .name = "check", .summary = "whether the keytab is usable: readable, a key per principal, the KDC, clock skew",
      .usage = "\n", .run = run_check },
    { .name = NULL },
};

const struct cli_command cli_command_kerberos = {
    .name = "kerberos",
    .summary = "the Kerberos keytab and service principals (never prints a key)",
    .subcommands = kerberos_subcommands,
};
