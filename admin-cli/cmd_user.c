/* lwadmin user add | passwd | set | del | list | show
 *
 * Passwords come from --password-stdin or the terminal (password.c), never
 * from argv; the NT hash they become is never printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "lib/sid.h"
#include "lsass/idmap/idmap.h"
#include "lsass/sam/sam.h"

enum {
    OPT_PASSWORD_STDIN = 0x2001,
    OPT_FULL_NAME,
    OPT_DESCRIPTION,
    OPT_DISABLED,
    OPT_ENABLE,
    OPT_DISABLE,
    OPT_NEVER_EXPIRES,
    OPT_EXPIRES,
    OPT_UNLOCK,
    OPT_RENAME,
    OPT_UNIX_ACCOUNT,
    OPT_NO_UNIX_ACCOUNT,
};

/* ---- output ------------------------------------------------------------------- */

static const char *user_state(const struct sam_user *user)
{
    if (user->flags & SAM_USER_DISABLED)
        return "disabled";
    if (user->flags & SAM_USER_LOCKED_OUT)
        return "locked-out";
    if (!user->has_password)
        return "no-password";
    return "enabled";
}

/* Names of the groups the user is a direct member of; a JSON array. */
static json_t *user_groups(struct cli *cli, const struct sam_user *user)
{
    struct sid *aliases = NULL;
    size_t count = 0;
    json_t *array = json_array();
    if (!array || !NT_SUCCESS(sam_alias_membership(cli->reg, &user->sid, 1, &aliases, &count))) {
        json_decref(array);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        char *name = sam_sid_display(cli->reg, &aliases[i]);
        json_array_append_new(array, cli_json_string(name));
        free(name);
    }
    free(aliases);
    return array;
}

static json_t *user_json(struct cli *cli, const struct sam_user *user)
{
    char sid[SID_STRING_MAX];
    sid_format(&user->sid, sid, sizeof sid);
    json_t *o = json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:I}", "name", user->name, "rid",
        (json_int_t)user->rid, "sid", sid, "full_name", user->full_name, "description",
        user->description, "state", user_state(user), "enabled",
        !(user->flags & SAM_USER_DISABLED), "locked_out", (user->flags & SAM_USER_LOCKED_OUT) != 0,
        "password_never_expires", (user->flags & SAM_USER_PASSWORD_NEVER_EXPIRES) != 0,
        "password_expired", (user->flags & SAM_USER_PASSWORD_EXPIRED) != 0, "has_password",
        user->has_password, "bad_password_count", (json_int_t)user->bad_password_count);
    if (!o)
        return NULL;
    json_object_set_new(o, "created", cli_json_time(user->created));
    json_object_set_new(o, "password_last_set", cli_json_time(user->password_last_set));
    json_object_set_new(o, "last_logon", cli_json_time(user->last_logon));
    json_object_set_new(o, "lockout_time", cli_json_time(user->lockout_time));
    json_t *groups = user_groups(cli, user);
    if (!groups) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "groups", groups);
    /* The Unix identity it acts as on disk (lsass/idmap): its own uid, or
     * the Unix account it is mapped to (null uid if that account is gone). */
    uid_t uid;
    json_object_set_new(o, "unix_account", user->unix_account ? cli_json_string(user->unix_account)
                                                                : json_null());
    json_object_set_new(o, "uid", NT_SUCCESS(idmap_sid_to_uid(cli->reg, &user->sid, &uid))
                                      ? json_integer((json_int_t)uid)
                                      : json_null());
    return o;
}

static const char bad_text_message[] =
    "invalid full name or description (no control characters; at most 256 and 1024 "
    "characters)";

/* ---- shared steps ---------------------------------------------------------------- */

static int find_user(struct cli *cli, const char *name, struct sam_user *user)
{
    NTSTATUS status = sam_user_by_name(cli->reg, name, user);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", name);
    return CLI_OK;
}

/* The policy check with its reason, before anything is written. */
static int check_password(struct cli *cli, const char *name, const char *full_name,
                          const char *password)
{
    struct sam_password_policy policy;
    NTSTATUS status = sam_password_policy_load(cli->reg, &policy);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot read the password policy");
    const char *why = NULL;
    status = sam_password_check(&policy, name, full_name, password, &why);
    if (!NT_SUCCESS(status))
        return cli_fail(cli, "%s: %s; nothing was changed", name, why ? why : "password refused");
    return CLI_OK;
}

/* ---- add ------------------------------------------------------------------------ */

static int run_add(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
        { "full-name", required_argument, NULL, OPT_FULL_NAME },
        { "description", required_argument, NULL, OPT_DESCRIPTION },
        { "disabled", no_argument, NULL, OPT_DISABLED },
        { "password-never-expires", no_argument, NULL, OPT_NEVER_EXPIRES },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    bool from_stdin = false;
    const char *full_name = NULL, *description = NULL;
    uint32_t flags = 0;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_PASSWORD_STDIN: from_stdin = true; break;
        case OPT_FULL_NAME: full_name = optarg; break;
        case OPT_DESCRIPTION: description = optarg; break;
        case OPT_DISABLED: flags |= SAM_USER_DISABLED; break;
        case OPT_NEVER_EXPIRES: flags |= SAM_USER_PASSWORD_NEVER_EXPIRES; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    const char *name = argv[optind];
    const char *why = NULL;
    if (!NT_SUCCESS(sam_name_check(name, SAM_USER_NAME_MAX, &why)))
        return cli_fail(cli, "'%s': %s", name, why);
    int rc = cli_open(cli, false);
    if (rc != CLI_OK)
        return rc;
    /* Refuse a taken name before asking for a password. */
    struct sid existing;
    if (NT_SUCCESS(sam_principal_to_sid(cli->reg, name, &existing, NULL)))
        return cli_fail(cli, "'%s' already exists (a user, group or well-known name)", name);
    char *password = NULL;
    if ((rc = cli_read_password(cli, from_stdin, name, &password)) != CLI_OK)
        return rc;
    if (password && (rc = check_password(cli, name, full_name, password)) != CLI_OK)
        goto out;
    if ((rc = cli_begin(cli)) != CLI_OK)
        goto out;
    uint32_t rid = 0;
    NTSTATUS status = sam_user_add(cli->reg, &cli->actor, name, full_name, description, flags,
                                   password, &rid);
    if (status == STATUS_INVALID_PARAMETER) {
        rc = cli_fail(cli, "%s: %s", name, bad_text_message);
        goto out;
    }
    if (!NT_SUCCESS(status)) {
        rc = cli_fail_status(cli, status, NULL, "%s", name);
        goto out;
    }
    if (!password)
        cli_note(cli, "no password given: '%s' cannot log on until 'lwadmin user passwd %s'",
                 name, name);
    /* The same-name rule mapped it: say so, since it decides who owns its files. */
    struct sam_user made;
    if (NT_SUCCESS(sam_user_by_rid(cli->reg, rid, &made))) {
        if (made.unix_account)
            cli_note(cli, "'%s' acts on disk as the Unix account of the same name ('lwadmin "
                          "user set %s --no-unix-account' gives it its own uid)",
                     made.name, made.name);
        sam_user_free(&made);
    }
out:
    cli_password_free(password);
    return rc;
}

/* ---- passwd --------------------------------------------------------------------- */

static int run_passwd(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    bool from_stdin = false;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_PASSWORD_STDIN: from_stdin = true; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    const char *name = argv[optind];
    int rc = cli_open(cli, false);
    if (rc != CLI_OK)
        return rc;
    struct sam_user user;
    if ((rc = find_user(cli, name, &user)) != CLI_OK)
        return rc;
    char *password = NULL;
    rc = cli_read_password(cli, from_stdin, user.name, &password);
    if (rc == CLI_OK && !password)
        rc = cli_usage_error(cli, "no password: give it with --password-stdin, or run on a "
                                  "terminal to be asked");
    if (rc == CLI_OK)
        rc = check_password(cli, user.name, user.full_name, password);
    if (rc == CLI_OK)
        rc = cli_begin(cli);
    if (rc == CLI_OK) {
        NTSTATUS status = sam_user_set_password(cli->reg, &cli->actor, user.rid, password);
        if (!NT_SUCCESS(status))
            rc = cli_fail_status(cli, status, NULL, "%s", user.name);
    }
    cli_password_free(password);
    sam_user_free(&user);
    return rc;
}

/* ---- set ------------------------------------------------------------------------- */

static int run_set(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "enable", no_argument, NULL, OPT_ENABLE },
        { "disable", no_argument, NULL, OPT_DISABLE },
        { "full-name", required_argument, NULL, OPT_FULL_NAME },
        { "description", required_argument, NULL, OPT_DESCRIPTION },
        { "password-never-expires", no_argument, NULL, OPT_NEVER_EXPIRES },
        { "password-expires", no_argument, NULL, OPT_EXPIRES },
        { "unlock", no_argument, NULL, OPT_UNLOCK },
        { "rename", required_argument, NULL, OPT_RENAME },
        { "unix-account", required_argument, NULL, OPT_UNIX_ACCOUNT },
        { "no-unix-account", no_argument, NULL, OPT_NO_UNIX_ACCOUNT },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    struct sam_user_change change;
    memset(&change, 0, sizeof change);
    bool any = false, account_change = false, other_change = false;
    const char *unix_account = NULL;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        any = true;
        switch (c) {
        case OPT_ENABLE: change.flags_clear |= SAM_USER_DISABLED; break;
        case OPT_DISABLE: change.flags_set |= SAM_USER_DISABLED; break;
        case OPT_FULL_NAME: change.full_name = optarg; break;
        case OPT_DESCRIPTION: change.description = optarg; break;
        case OPT_NEVER_EXPIRES: change.flags_set |= SAM_USER_PASSWORD_NEVER_EXPIRES; break;
        case OPT_EXPIRES: change.flags_clear |= SAM_USER_PASSWORD_NEVER_EXPIRES; break;
        case OPT_UNLOCK: change.flags_clear |= SAM_USER_LOCKED_OUT; break;
        case OPT_RENAME: change.new_name = optarg; break;
        case OPT_UNIX_ACCOUNT:
        case OPT_NO_UNIX_ACCOUNT:
            if (account_change)
                return cli_usage_error(cli, "give one of --unix-account and --no-unix-account, once");
            account_change = true;
            unix_account = c == OPT_UNIX_ACCOUNT ? optarg : NULL;
            break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
        if (c != OPT_UNIX_ACCOUNT && c != OPT_NO_UNIX_ACCOUNT)
            other_change = true;
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    if (!any)
        return cli_usage_error(cli, "nothing to change: give at least one option");
    if (change.flags_set & change.flags_clear)
        return cli_usage_error(cli, "contradictory options (--enable with --disable, or "
                                    "--password-expires with --password-never-expires)");
    const char *why = NULL;
    if (change.new_name && !NT_SUCCESS(sam_name_check(change.new_name, SAM_USER_NAME_MAX, &why)))
        return cli_fail(cli, "'%s': %s", change.new_name, why);
    const char *name = argv[optind];
    int rc = cli_open(cli, false);
    if (rc != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct sam_user user;
    if ((rc = find_user(cli, name, &user)) != CLI_OK)
        return rc;
    NTSTATUS status = STATUS_SUCCESS;
    if (other_change) {
        status = sam_user_update(cli->reg, &cli->actor, user.rid, &change);
        if (status == STATUS_INVALID_PARAMETER)
            rc = cli_fail(cli, "%s: %s", user.name, bad_text_message);
        else if (!NT_SUCCESS(status))
            rc = cli_fail_status(cli, status, NULL, "%s", user.name);
    }
    if (NT_SUCCESS(status) && account_change) {
        /* One transaction with the changes above: a refused mapping
         * leaves the account as it was. */
        char *reason = NULL;
        status = sam_user_set_unix_account(cli->reg, &cli->actor, user.rid, unix_account, &reason);
        if (!NT_SUCCESS(status))
            rc = reason ? cli_fail(cli, "%s: %s", user.name, reason)
                        : cli_fail_status(cli, status, NULL, "%s", user.name);
        free(reason);
    }
    sam_user_free(&user);
    return rc;
}

/* ---- del, list, show -------------------------------------------------------------- */

static int lookup_user(struct cli *cli, const char *name, struct sid *sid, char **display)
{
    struct sam_user user;
    int rc = find_user(cli, name, &user);
    if (rc != CLI_OK)
        return rc;
    *sid = user.sid;
    *display = strdup(user.name);
    sam_user_free(&user);
    return *display ? CLI_OK : cli_fail(cli, "out of memory");
}

static int run_del(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    return cli_delete_account(cli, command, argc, argv, lookup_user);
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 0);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    struct sam_user_list list;
    NTSTATUS status = sam_user_list(cli->reg, &list);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot list the users");
    if (cli->json) {
        json_t *array = json_array();
        for (size_t i = 0; array && i < list.count; i++)
            if (json_array_append_new(array, user_json(cli, &list.users[i])) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
    } else {
        struct cli_table table;
        static const char *const headings[] = { "NAME", "RID", "STATE", "LAST LOGON",
                                                "FULL NAME" };
        cli_table_init(&table, 5, headings);
        for (size_t i = 0; i < list.count; i++) {
            const struct sam_user *u = &list.users[i];
            char rid[16], logon[32];
            snprintf(rid, sizeof rid, "%u", u->rid);
            cli_format_time(u->last_logon, logon, sizeof logon);
            const char *row[] = { u->name, rid, user_state(u), logon, u->full_name };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    sam_user_list_free(&list);
    return rc;
}

static int run_show(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    struct sam_user user;
    if ((rc = find_user(cli, argv[optind], &user)) != CLI_OK)
        return rc;
    json_t *o = user_json(cli, &user);
    if (cli->json) {
        rc = cli_print_json(cli, o);
    } else if (!o) {
        rc = cli_fail(cli, "cannot read the user's groups");
    } else {
        char rid[16], sid[SID_STRING_MAX], created[32], set[32], logon[32], locked[32], bad[16];
        snprintf(rid, sizeof rid, "%u", user.rid);
        sid_format(&user.sid, sid, sizeof sid);
        cli_format_time(user.created, created, sizeof created);
        cli_format_time(user.password_last_set, set, sizeof set);
        cli_format_time(user.last_logon, logon, sizeof logon);
        cli_format_time(user.lockout_time, locked, sizeof locked);
        snprintf(bad, sizeof bad, "%u", user.bad_password_count);
        char identity[96];
        json_t *uid = json_object_get(o, "uid");
        if (user.unix_account && json_is_integer(uid))
            snprintf(identity, sizeof identity, "Unix account %s (uid %lld)", user.unix_account,
                     (long long)json_integer_value(uid));
        else if (user.unix_account)
            snprintf(identity, sizeof identity, "Unix account %s (missing: acts as nobody)",
                     user.unix_account);
        else
            snprintf(identity, sizeof identity, "uid %u (its own)", user.uid);
        char *groups = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&groups, &len);
        json_t *g = json_object_get(o, "groups");
        for (size_t i = 0; mem && i < json_array_size(g); i++)
            fprintf(mem, "%s%s", i ? ", " : "", json_string_value(json_array_get(g, i)));
        if (mem)
            fclose(mem);
        const char *fields[] = {
            "Name", user.name,
            "Full name", user.full_name,
            "Description", user.description,
            "RID", rid,
            "SID", sid,
            "State", user_state(&user),
            "Password", user.has_password ? "set" : "none (cannot log on)",
            "Password never expires", (user.flags & SAM_USER_PASSWORD_NEVER_EXPIRES) ? "yes" : "no",
            "Password last set", set,
            "Last logon", logon,
            "Bad passwords", bad,
            "Locked out since", (user.flags & SAM_USER_LOCKED_OUT) ? locked : "not locked",
            "Created", created,
            "Groups", groups && *groups ? groups : "(none)",
            "Unix identity", identity,
            NULL,
        };
        cli_print_fields(fields);
        free(groups);
        json_decref(o);
    }
    sam_user_free(&user);
    return rc;
}

static const struct cli_command user_subcommands[] = {
    { .name = "add", .summary = "create a local user",
      .usage = "NAME [--password-stdin] [--full-name TEXT] [--description TEXT] [--disabled]\n"
               "          [--password-never-expires]\n"
               "    --password-stdin   read the password as one line of standard input; without\n"
               "                       it, a terminal asks twice, else no password is set\n"
               "    --full-name TEXT   the user's full name\n"
               "    --description TEXT\n"
               "    --disabled         create the account disabled\n"
               "    --password-never-expires\n",
      .run = run_add },
    { .name = "passwd", .summary = "set a user's password",
      .usage = "NAME [--password-stdin]\n"
               "    --password-stdin   read the password as one line of standard input;\n"
               "                       without it a terminal asks twice\n",
      .run = run_passwd },
    { .name = "set", .summary = "change a user's account",
      .usage = "NAME [--enable|--disable] [--full-name TEXT] [--description TEXT]\n"
               "          [--password-never-expires|--password-expires] [--unlock]\n"
               "          [--rename NEW-NAME] [--unix-account ACCOUNT|--no-unix-account]\n"
               "    --unlock           clear a lockout and the bad-password count\n"
               "    --unix-account ACCOUNT\n"
               "                       act on disk as this existing Unix account (not root,\n"
               "                       not in group root, not another SAM user's)\n"
               "    --no-unix-account  act as the user's own uid from lsass.id-range\n",
      .run = run_set },
    { .name = "del", .summary = "delete a user (and its group memberships)",
      .usage = "NAME [--force]\n"
               "    --force  also remove the user's grants from share permissions (without\n"
               "             it a user that a share's permissions name is not deleted)\n",
      .run = run_del },
    { .name = "list", .summary = "all local users", .usage = "\n", .run = run_list },
    { .name = "show", .summary = "one user's account, groups and logon information",
      .usage = "NAME\n", .run = run_show },
    { .name = NULL },
};

const struct cli_command cli_command_user = {
    .name = "user",
    .summary = "manage local users",
    .subcommands = user_subcommands,
};
