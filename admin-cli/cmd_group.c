/* lwadmin group add | set | del | list | show | add-member | remove-member
 *
 * Groups are Windows local groups (aliases): the built-in Administrators,
 * Users and Guests, and groups an administrator adds. Members are local users
 * or well-known principals (Everyone, Authenticated Users, ...) or SIDs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin-cli/cli.h"
#include "lib/sid.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/sam/sam.h"

enum { OPT_DESCRIPTION = 0x2101 };

static int find_group(struct cli *cli, const char *name, struct sam_group *group)
{
    NTSTATUS status = sam_group_by_name(cli->reg, name, group);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", name);
    return CLI_OK;
}

static json_t *group_json(struct cli *cli, const struct sam_group *group)
{
    char sid[SID_STRING_MAX];
    sid_format(&group->sid, sid, sizeof sid);
    json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s}", "name", group->name, "rid",
                          (json_int_t)group->rid, "sid", sid, "type",
                          group->builtin ? "builtin" : "local", "description", group->description);
    json_t *members = json_array();
    struct sid *sids = NULL;
    size_t count = 0;
    if (!o || !members || !NT_SUCCESS(sam_group_members(cli->reg, &group->sid, &sids, &count))) {
        json_decref(o);
        json_decref(members);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        /* A directory account by its name too (docs/ldap.md). */
        char *name = ldap_sam_principal_namer(cli->reg, &sids[i]);
        if (!name)
            name = sam_sid_display(cli->reg, &sids[i]);
        char member_sid[SID_STRING_MAX];
        sid_format(&sids[i], member_sid, sizeof member_sid);
        json_array_append_new(members, json_pack("{s:s, s:s}", "name", name ? name : member_sid,
                                                 "sid", member_sid));
        free(name);
    }
    free(sids);
    json_object_set_new(o, "members", members);
    /* Its Unix gid (lsass/idmap), what ls -l and the NSS module show. */
    json_object_set_new(o, "gid", group->gid ? json_integer((json_int_t)group->gid) : json_null());
    return o;
}

static int run_add(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "description", required_argument, NULL, OPT_DESCRIPTION },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    const char *description = NULL;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_DESCRIPTION: description = optarg; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    const char *name = argv[optind];
    const char *why = NULL;
    if (!NT_SUCCESS(sam_name_check(name, SAM_GROUP_NAME_MAX, &why)))
        return cli_fail(cli, "'%s': %s", name, why);
    int rc = cli_open(cli, false);
    if (rc != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct sid existing;
    if (NT_SUCCESS(sam_principal_to_sid(cli->reg, name, &existing, NULL)))
        return cli_fail(cli, "'%s' already exists (a user, group or well-known name)", name);
    NTSTATUS status = sam_group_add(cli->reg, &cli->actor, name, description, NULL);
    if (status == STATUS_INVALID_PARAMETER)
        return cli_fail(cli, "%s: invalid description (no control characters; at most 1024 "
                             "characters)", name);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", name);
    return CLI_OK;
}

static int run_set(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    static const struct option options[] = {
        { "description", required_argument, NULL, OPT_DESCRIPTION },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    const char *description = NULL;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        switch (c) {
        case OPT_DESCRIPTION: description = optarg; break;
        case CLI_GETOPT_HELP: return CLI_OK;
        default: return CLI_USAGE;
        }
    }
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    if (!description)
        return cli_usage_error(cli, "nothing to change: give --description TEXT");
    int rc = cli_open(cli, false);
    if (rc != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct sam_group group;
    if ((rc = find_group(cli, argv[optind], &group)) != CLI_OK)
        return rc;
    NTSTATUS status = sam_group_set_description(cli->reg, &cli->actor, &group.sid, description);
    if (status == STATUS_INVALID_PARAMETER)
        rc = cli_fail(cli, "%s: invalid description (no control characters; at most 1024 "
                           "characters)", group.name);
    else if (!NT_SUCCESS(status))
        rc = cli_fail_status(cli, status, NULL, "%s", group.name);
    sam_group_free(&group);
    return rc;
}

static int lookup_group(struct cli *cli, const char *name, struct sid *sid, char **display)
{
    struct sam_group group;
    int rc = find_group(cli, name, &group);
    if (rc != CLI_OK)
        return rc;
    *sid = group.sid;
    *display = strdup(group.name);
    sam_group_free(&group);
    return *display ? CLI_OK : cli_fail(cli, "out of memory");
}

static int run_del(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    return cli_delete_account(cli, command, argc, argv, lookup_group);
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 0);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    struct sam_group_list list;
    NTSTATUS status = sam_group_list(cli->reg, &list);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot list the groups");
    if (cli->json) {
        json_t *array = json_array();
        for (size_t i = 0; array && i < list.count; i++)
            if (json_array_append_new(array, group_json(cli, &list.groups[i])) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
    } else {
        struct cli_table table;
        static const char *const headings[] = { "NAME", "TYPE", "MEMBERS", "SID", "DESCRIPTION" };
        cli_table_init(&table, 5, headings);
        for (size_t i = 0; i < list.count; i++) {
            const struct sam_group *g = &list.groups[i];
            char members[16], sid[SID_STRING_MAX];
            snprintf(members, sizeof members, "%zu", g->member_count);
            sid_format(&g->sid, sid, sizeof sid);
            const char *row[] = { g->name, g->builtin ? "builtin" : "local", members, sid,
                                  g->description };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    sam_group_list_free(&list);
    return rc;
}

static int run_show(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    struct sam_group group;
    if ((rc = find_group(cli, argv[optind], &group)) != CLI_OK)
        return rc;
    json_t *o = group_json(cli, &group);
    if (cli->json) {
        rc = cli_print_json(cli, o);
    } else if (!o) {
        rc = cli_fail(cli, "cannot read the members");
    } else {
        char sid[SID_STRING_MAX];
        sid_format(&group.sid, sid, sizeof sid);
        char gid[16];
        snprintf(gid, sizeof gid, "%u", group.gid);
        const char *fields[] = {
            "Name", group.name,
            "Type", group.builtin ? "builtin" : "local",
            "SID", sid,
            "Description", group.description,
            "Unix gid", gid,
            NULL,
        };
        cli_print_fields(fields);
        json_t *members = json_object_get(o, "members");
        printf("Members:%s\n", json_array_size(members) ? "" : " (none)");
        for (size_t i = 0; i < json_array_size(members); i++) {
            json_t *m = json_array_get(members, i);
            printf("  %s (%s)\n", json_string_value(json_object_get(m, "name")),
                   json_string_value(json_object_get(m, "sid")));
        }
        json_decref(o);
    }
    sam_group_free(&group);
    return rc;
}

static int change_member(struct cli *cli, const struct cli_command *command, int argc,
                         char **argv, bool add)
{
    int rc = cli_plain_args(cli, command, argc, argv, 2);
    if (rc >= 0)
        return rc;
    const char *member_name = argv[optind + 1];
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct sam_group group;
    if ((rc = find_group(cli, argv[optind], &group)) != CLI_OK)
        return rc;
    struct sid member;
    /* A SAM account, a well-known principal, a SID, or a directory user or
     * group (as Windows puts domain accounts into local groups). */
    NTSTATUS status = ldap_sam_principal_resolver(cli->reg, member_name, &member);
    if (!NT_SUCCESS(status)) {
        rc = cli_fail_status(cli, status, NULL, "%s", member_name);
        goto out;
    }
    status = add ? sam_group_add_member(cli->reg, &cli->actor, &group.sid, &member)
                 : sam_group_remove_member(cli->reg, &cli->actor, &group.sid, &member);
    if (status == STATUS_INVALID_PARAMETER)
        rc = cli_fail(cli, "%s: groups cannot be members of groups (add users or well-known "
                           "principals)", member_name);
    else if (!NT_SUCCESS(status))
        rc = cli_fail_status(cli, status, NULL, "%s %s", group.name, member_name);
out:
    sam_group_free(&group);
    return rc;
}

static int run_add_member(struct cli *cli, const struct cli_command *command, int argc,
                          char **argv)
{
    return change_member(cli, command, argc, argv, true);
}

static int run_remove_member(struct cli *cli, const struct cli_command *command, int argc,
                             char **argv)
{
    return change_member(cli, command, argc, argv, false);
}

static const struct cli_command group_subcommands[] = {
    { .name = "add", .summary = "create a local group",
      .usage = "NAME [--description TEXT]\n", .run = run_add },
    { .name = "set", .summary = "change a group's description",
      .usage = "NAME --description TEXT\n", .run = run_set },
    { .name = "del", .summary = "delete a local group (built-in groups stay)",
      .usage = "NAME [--force]\n"
               "    --force  also remove the group's grants from share permissions (without\n"
               "             it a group that a share's permissions name is not deleted)\n",
      .run = run_del },
    { .name = "list", .summary = "all groups, built-in first", .usage = "\n", .run = run_list },
    { .name = "show", .summary = "one group and its members", .usage = "NAME\n",
      .run = run_show },
    { .name = "add-member", .summary = "add a user (or Everyone, Authenticated Users, a SID)",
      .usage = "GROUP USER\n", .run = run_add_member },
    { .name = "remove-member", .summary = "remove a member", .usage = "GROUP USER\n",
      .run = run_remove_member },
    { .name = NULL },
};

const struct cli_command cli_command_group = {
    .name = "group",
    .summary = "manage local groups and their members",
    .subcommands = group_subcommands,
};
