/* lwadmin share add | set | del | list | show
 *
 * Share permissions are grants "PRINCIPAL:read|change|full" (Windows' share
 * permission levels); share-db turns them into the share's security
 * descriptor, with the SAM resolving user and group names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin-cli/cli.h"
#include "provision/share_folder.h"
#include "lib/sid.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/sam/sam.h"
#include "share-db/share_db.h"

enum {
    OPT_COMMENT = 0x2201,
    OPT_READ_ONLY,
    OPT_READ_WRITE,
    OPT_MAX_USES,
    OPT_ENCRYPT,
    OPT_NO_ENCRYPT,
    OPT_HIDDEN,
    OPT_VISIBLE,
    OPT_GRANT,
    OPT_REVOKE,
    OPT_ABE,
    OPT_NO_ABE,
    OPT_CACHING,
    OPT_PATH,
    OPT_GUEST_OK,
    OPT_NO_GUEST_OK,
};

#define MAX_GRANTS 256

/* What the options of add/set asked for. */
struct share_options {
    const char *path;
    const char *comment;
    uint32_t flags_set, flags_clear;
    bool caching_given;
    uint32_t caching;
    bool max_uses_given;
    int32_t max_uses;
    const char *grants[MAX_GRANTS];
    size_t grant_count;
    const char *revokes[MAX_GRANTS];
    size_t revoke_count;
};

static const struct { const char *name; uint32_t value; } caching_modes[] = {
    { "manual", SHARE_CACHING_MANUAL },
    { "documents", SHARE_CACHING_DOCUMENTS },
    { "programs", SHARE_CACHING_PROGRAMS },
    { "none", SHARE_CACHING_NONE },
};

static const char *caching_name(uint32_t flags)
{
    for (size_t i = 0; i < sizeof caching_modes / sizeof *caching_modes; i++)
        if ((flags & SHARE_CACHING_MASK) == caching_modes[i].value)
            return caching_modes[i].name;
    return "manual";
}

/* PRINCIPAL:LEVEL with a level lwadmin knows; the principal is checked later. */
static bool grant_syntax_ok(const char *grant)
{
    const char *colon = strrchr(grant, ':');
    if (!colon || colon == grant)
        return false;
    const char *level = colon + 1;
    return strcasecmp(level, "read") == 0 || strcasecmp(level, "change") == 0 ||
           strcasecmp(level, "full") == 0;
}

/* Parses add/set options; set allows the negative forms and --revoke/--path.
 * Returns -1 to go on, or the exit status. */
static int parse_share_options(struct cli *cli, const struct cli_command *command, int argc,
                               char **argv, bool is_set, struct share_options *o, bool *any)
{
    static const struct option options[] = {
        { "comment", required_argument, NULL, OPT_COMMENT },
        { "read-only", no_argument, NULL, OPT_READ_ONLY },
        { "read-write", no_argument, NULL, OPT_READ_WRITE },
        { "max-uses", required_argument, NULL, OPT_MAX_USES },
        { "encrypt", no_argument, NULL, OPT_ENCRYPT },
        { "no-encrypt", no_argument, NULL, OPT_NO_ENCRYPT },
        { "hidden", no_argument, NULL, OPT_HIDDEN },
        { "visible", no_argument, NULL, OPT_VISIBLE },
        { "grant", required_argument, NULL, OPT_GRANT },
        { "revoke", required_argument, NULL, OPT_REVOKE },
        { "access-based-enumeration", no_argument, NULL, OPT_ABE },
        { "no-access-based-enumeration", no_argument, NULL, OPT_NO_ABE },
        { "caching", required_argument, NULL, OPT_CACHING },
        { "path", required_argument, NULL, OPT_PATH },
        { "guest-ok", no_argument, NULL, OPT_GUEST_OK },
        { "no-guest-ok", no_argument, NULL, OPT_NO_GUEST_OK },
        CLI_COMMON_OPTIONS,
        { NULL, 0, NULL, 0 },
    };
    memset(o, 0, sizeof *o);
    *any = false;
    cli_getopt_reset();
    int c;
    while ((c = cli_getopt(cli, command, argc, argv, "", options)) != -1) {
        if (c == CLI_GETOPT_HELP)
            return CLI_OK;
        if (c == CLI_GETOPT_ERROR)
            return CLI_USAGE;
        bool set_only = c == OPT_READ_WRITE || c == OPT_NO_ENCRYPT || c == OPT_VISIBLE ||
                        c == OPT_REVOKE || c == OPT_NO_ABE || c == OPT_PATH ||
                        c == OPT_NO_GUEST_OK;
        if (set_only && !is_set)
            return cli_usage_error(cli, "option '%s' is for 'share set'", argv[optind - 1]);
        *any = true;
        uint64_t n;
        switch (c) {
        case OPT_COMMENT: o->comment = optarg; break;
        case OPT_READ_ONLY: o->flags_set |= SHARE_FLAG_READ_ONLY; break;
        case OPT_READ_WRITE: o->flags_clear |= SHARE_FLAG_READ_ONLY; break;
        case OPT_ENCRYPT: o->flags_set |= SHARE_FLAG_ENCRYPT_DATA; break;
        case OPT_NO_ENCRYPT: o->flags_clear |= SHARE_FLAG_ENCRYPT_DATA; break;
        case OPT_HIDDEN: o->flags_set |= SHARE_FLAG_HIDDEN; break;
        case OPT_VISIBLE: o->flags_clear |= SHARE_FLAG_HIDDEN; break;
        case OPT_ABE: o->flags_set |= SHARE_FLAG_ACCESS_BASED_ENUM; break;
        case OPT_NO_ABE: o->flags_clear |= SHARE_FLAG_ACCESS_BASED_ENUM; break;
        case OPT_PATH: o->path = optarg; break;
        case OPT_GUEST_OK: o->flags_set |= SHARE_FLAG_GUEST_OK; break;
        case OPT_NO_GUEST_OK: o->flags_clear |= SHARE_FLAG_GUEST_OK; break;
        case OPT_MAX_USES:
            o->max_uses_given = true;
            if (strcmp(optarg, "unlimited") == 0)
                o->max_uses = SHARE_MAX_USES_UNLIMITED;
            else if (cli_parse_uint(optarg, INT32_MAX, &n) && n > 0)
                o->max_uses = (int32_t)n;
            else
                return cli_usage_error(cli, "--max-uses: expected a number from 1 or "
                                            "'unlimited', not '%s'", optarg);
            break;
        case OPT_CACHING:
            o->caching_given = false;
            for (size_t i = 0; i < sizeof caching_modes / sizeof *caching_modes; i++)
                if (strcasecmp(optarg, caching_modes[i].name) == 0) {
                    o->caching_given = true;
                    o->caching = caching_modes[i].value;
                }
            if (!o->caching_given)
                return cli_usage_error(cli, "--caching: expected manual, documents, programs "
                                            "or none, not '%s'", optarg);
            break;
        case OPT_GRANT:
            if (!grant_syntax_ok(optarg))
                return cli_usage_error(cli, "--grant: expected PRINCIPAL:read|change|full, not "
                                            "'%s'", optarg);
            if (o->grant_count == MAX_GRANTS)
                return cli_usage_error(cli, "too many --grant options");
            o->grants[o->grant_count++] = optarg;
            break;
        case OPT_REVOKE:
            if (o->revoke_count == MAX_GRANTS)
                return cli_usage_error(cli, "too many --revoke options");
            o->revokes[o->revoke_count++] = optarg;
            break;
        default:
            return CLI_USAGE;
        }
    }
    if (o->flags_set & o->flags_clear)
        return cli_usage_error(cli, "contradictory options (e.g. --encrypt with --no-encrypt)");
    return -1;
}

/* ---- output ----------------------------------------------------------------------- */

/* The share's permissions as "PRINCIPAL:LEVEL" strings (registry_strv_free). */
static NTSTATUS share_grants(struct cli *cli, const struct share *share, char ***grants,
                             size_t *count)
{
    *grants = NULL;
    *count = 0;
    if (!share->sd || share->sd_len == 0)
        return STATUS_SUCCESS;
    return share_sd_to_grants(share->sd, share->sd_len, ldap_sam_principal_namer, cli->reg, grants,
                              count);
}

static json_t *share_json(struct cli *cli, const struct share *share)
{
    bool ipc = share->type == STYPE_IPC;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:b}", "name", share->name, "type",
        ipc ? "ipc" : "disk", "path", share->path ? share->path : "", "comment",
        share->comment ? share->comment : "", "read_only",
        (share->flags & SHARE_FLAG_READ_ONLY) != 0, "encrypt",
        (share->flags & SHARE_FLAG_ENCRYPT_DATA) != 0, "hidden", share_is_hidden(share),
        "access_based_enumeration", (share->flags & SHARE_FLAG_ACCESS_BASED_ENUM) != 0,
        "caching", caching_name(share->flags), "guest_ok",
        (share->flags & SHARE_FLAG_GUEST_OK) != 0);
    if (!o)
        return NULL;
    json_object_set_new(o, "max_uses",
                        share->max_uses < 0 ? json_null() : json_integer(share->max_uses));
    if (!share->sd || share->sd_len == 0) {
        /* No share-level descriptor (IPC$): nothing is checked at tree connect. */
        json_object_set_new(o, "permissions", json_null());
        return o;
    }
    char **grants = NULL;
    size_t count = 0;
    json_t *permissions = json_array();
    if (!permissions || !NT_SUCCESS(share_grants(cli, share, &grants, &count))) {
        json_decref(permissions);
        json_decref(o);
        return NULL;
    }
    for (size_t i = 0; i < count; i++)
        json_array_append_new(permissions, json_string(grants[i]));
    registry_strv_free(grants);
    json_object_set_new(o, "permissions", permissions);
    return o;
}

static void flags_text(const struct share *share, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s%s%s", (share->flags & SHARE_FLAG_READ_ONLY) ? "read-only" : "read-write",
             (share->flags & SHARE_FLAG_ENCRYPT_DATA) ? ",encrypt" : "",
             share_is_hidden(share) ? ",hidden" : "",
             (share->flags & SHARE_FLAG_ACCESS_BASED_ENUM) ? ",abe" : "",
             (share->flags & SHARE_FLAG_GUEST_OK) ? ",guest-ok" : "");
}

/* ---- add / set ---------------------------------------------------------------------- */

/* Builds the descriptor from grant strings; the message names the bad one. */
static int build_sd(struct cli *cli, const char *const *grants, size_t count, struct share *share)
{
    char *error = NULL;
    NTSTATUS status = share_sd_from_grants(grants, count, ldap_sam_principal_resolver, cli->reg,
                                           &share->sd, &share->sd_len, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "--grant");
    return CLI_OK;
}

static void apply_flags(const struct share_options *o, struct share *share)
{
    share->flags = (share->flags | o->flags_set) & ~o->flags_clear;
    if (o->caching_given)
        share->flags = (share->flags & ~SHARE_CACHING_MASK) | o->caching;
    if (o->max_uses_given)
        share->max_uses = o->max_uses;
    if (o->comment)
        share->comment = (char *)o->comment;
}

/* After add and set: a grant that promises writes the folder does not allow
 * is worth a warning (the change is made all the same). */
static void warn_about_folder(struct cli *cli, const char *name)
{
    struct share *share = NULL;
    char **warnings = NULL;
    if (!NT_SUCCESS(share_db_get(cli->reg, name, &share)))
        return;
    if (NT_SUCCESS(prov_share_folder_warnings(cli->reg, share, &warnings, NULL)))
        for (size_t i = 0; warnings[i]; i++)
            cli_note(cli, "warning: %s", warnings[i]);
    registry_strv_free(warnings);
    share_free(share);
}

static int run_add(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    struct share_options o;
    bool any;
    int rc = parse_share_options(cli, command, argc, argv, false, &o, &any);
    if (rc >= 0)
        return rc;
    if (!cli_positional(cli, argc, argv, 2, 2))
        return CLI_USAGE;
    struct share share;
    memset(&share, 0, sizeof share);
    share.name = argv[optind];
    share.path = argv[optind + 1];
    share.type = STYPE_DISKTREE;
    share.max_uses = SHARE_MAX_USES_UNLIMITED;
    apply_flags(&o, &share);
    char *error = NULL;
    /* The transaction first, so that a refused attempt is audited. */
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    NTSTATUS status = share_validate_name(share.name, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "'%s'", share.name);
    status = share_validate_path(share.path, NULL, &error);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "%s", share.path);
    if (o.grant_count && (rc = build_sd(cli, o.grants, o.grant_count, &share)) != CLI_OK)
        return rc;
    status = share_db_add(cli->reg, &share, &cli->actor, &error);
    free(share.sd);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "%s", share.name);
    warn_about_folder(cli, share.name);
    return CLI_OK;
}

/* The share's permissions after --grant and --revoke, as "SID:level" strings:
 * a grant replaces the principal's earlier level, a revoke removes it. */
struct grant_entry {
    struct sid sid;
    char level[8];
};

static int merge_grants(struct cli *cli, const struct share *share, const struct share_options *o,
                        struct share *updated)
{
    char **current = NULL;
    size_t current_count = 0;
    struct grant_entry *entries = NULL;
    char **texts = NULL;
    size_t n = 0;
    int rc = CLI_OK;
    NTSTATUS status = share_grants(cli, share, &current, &current_count);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot read the share's permissions");
    size_t capacity = current_count + o->grant_count;
    entries = calloc(capacity ? capacity : 1, sizeof *entries);
    texts = calloc(capacity ? capacity : 1, sizeof *texts);
    if (!entries || !texts) {
        rc = cli_fail(cli, "out of memory");
        goto out;
    }
    /* The existing grants: each must be a plain level lwadmin can rebuild. */
    for (size_t i = 0; i < current_count; i++) {
        char *colon = strrchr(current[i], ':');
        if (!grant_syntax_ok(current[i]) || !colon) {
            rc = cli_fail(cli, "the share has a permission lwadmin cannot edit ('%s'); change "
                               "it with a Windows client", current[i]);
            goto out;
        }
        *colon = '\0';
        status = sam_principal_to_sid(cli->reg, current[i], &entries[n].sid, NULL);
        if (!NT_SUCCESS(status)) {
            rc = cli_fail_status(cli, status, NULL, "existing permission for '%s'", current[i]);
            goto out;
        }
        snprintf(entries[n].level, sizeof entries[n].level, "%s", colon + 1);
        n++;
    }
    for (size_t r = 0; r < o->revoke_count; r++) {
        struct sid sid;
        status = sam_principal_to_sid(cli->reg, o->revokes[r], &sid, NULL);
        if (!NT_SUCCESS(status)) {
            rc = cli_fail_status(cli, status, NULL, "--revoke %s", o->revokes[r]);
            goto out;
        }
        size_t kept = 0;
        for (size_t i = 0; i < n; i++)
            if (!sid_equal(&entries[i].sid, &sid))
                entries[kept++] = entries[i];
        if (kept == n) {
            rc = cli_fail(cli, "--revoke %s: it has no permission on the share", o->revokes[r]);
            goto out;
        }
        n = kept;
    }
    for (size_t g = 0; g < o->grant_count; g++) {
        char principal[512];
        const char *colon = strrchr(o->grants[g], ':');
        snprintf(principal, sizeof principal, "%.*s", (int)(colon - o->grants[g]), o->grants[g]);
        struct sid sid;
        status = sam_principal_to_sid(cli->reg, principal, &sid, NULL);
        if (!NT_SUCCESS(status)) {
            rc = cli_fail_status(cli, status, NULL, "--grant %s", o->grants[g]);
            goto out;
        }
        size_t i = 0;
        while (i < n && !sid_equal(&entries[i].sid, &sid))
            i++;
        if (i == n)
            entries[n++].sid = sid;
        snprintf(entries[i].level, sizeof entries[i].level, "%s", colon + 1);
    }
    if (n == 0) {
        rc = cli_fail(cli, "that would leave the share without any permission (nobody could "
                           "connect); grant another principal first");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char sid[SID_STRING_MAX];
        sid_format(&entries[i].sid, sid, sizeof sid);
        size_t len = strlen(sid) + strlen(entries[i].level) + 2;
        texts[i] = malloc(len);
        if (!texts[i]) {
            rc = cli_fail(cli, "out of memory");
            goto out;
        }
        snprintf(texts[i], len, "%s:%s", sid, entries[i].level);
    }
    rc = build_sd(cli, (const char *const *)texts, n, updated);
out:
    for (size_t i = 0; texts && i < capacity; i++)
        free(texts[i]);
    free(texts);
    free(entries);
    registry_strv_free(current);
    return rc;
}

static int run_set(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    struct share_options o;
    bool any;
    int rc = parse_share_options(cli, command, argc, argv, true, &o, &any);
    if (rc >= 0)
        return rc;
    if (!cli_positional(cli, argc, argv, 1, 1))
        return CLI_USAGE;
    if (!any)
        return cli_usage_error(cli, "nothing to change: give at least one option");
    char *error = NULL;
    NTSTATUS status;
    if (o.path) {
        status = share_validate_path(o.path, NULL, &error);
        if (!NT_SUCCESS(status))
            return cli_fail_status(cli, status, error, "%s", o.path);
    }
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct share *share = NULL;
    status = share_db_get(cli->reg, argv[optind], &share);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", argv[optind]);
    struct share updated = *share;
    apply_flags(&o, &updated);
    if (o.path)
        updated.path = (char *)o.path;
    updated.sd = NULL;
    updated.sd_len = 0;
    if (o.grant_count || o.revoke_count) {
        if ((rc = merge_grants(cli, share, &o, &updated)) != CLI_OK)
            goto out;
    } else {
        updated.sd = share->sd;
        updated.sd_len = share->sd_len;
    }
    status = share_db_set(cli->reg, &updated, &cli->actor, &error);
    if (!NT_SUCCESS(status))
        rc = cli_fail_status(cli, status, error, "%s", share->name);
    else
        warn_about_folder(cli, share->name);
    if (NT_SUCCESS(status)) /* a new path or new permissions: applied before lwadmin returns */
        cli->reload_shares = true;
out:
    if (updated.sd != share->sd)
        free(updated.sd);
    share_free(share);
    return rc;
}

/* ---- fix-permissions ---------------------------------------------------------------------- */

static int run_fix_permissions(struct cli *cli, const struct cli_command *command, int argc,
                               char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    struct share *share = NULL;
    char *error = NULL, *summary = NULL;
    NTSTATUS status = share_db_get(cli->reg, argv[optind], &share);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", argv[optind]);
    if (share->type == STYPE_IPC) {
        share_free(share);
        return cli_fail(cli, "%s has no folder (it is the named-pipe share)", argv[optind]);
    }
    status = prov_share_fix_permissions(cli->reg, share, &cli->actor, &summary, &error);
    if (!NT_SUCCESS(status))
        rc = cli_fail_status(cli, status, error, "%s", share->name);
    else
        printf("Share %s: folder %s now grants SYSTEM:full, Administrators:full, %s; new files "
               "and folders inherit it.\n",
               share->name, share->path, summary ? summary : "");
    free(summary);
    share_free(share);
    return rc;
}

/* ---- del, list, show -------------------------------------------------------------------- */

static int run_del(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK || (rc = cli_begin(cli)) != CLI_OK)
        return rc;
    char *error = NULL;
    NTSTATUS status = share_db_delete(cli->reg, argv[optind], &cli->actor, &error);
    if (status == STATUS_ACCESS_DENIED) { /* IPC$: not a permission problem */
        free(error);
        return cli_fail(cli, "%s cannot be deleted (every server has it)", argv[optind]);
    }
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, error, "%s", argv[optind]);
    cli->reload_shares = true;
    return CLI_OK;
}

static int run_list(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 0);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    struct share **shares = NULL;
    size_t count = 0;
    NTSTATUS status = share_db_list(cli->reg, &shares, &count);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "cannot list the shares");
    if (cli->json) {
        json_t *array = json_array();
        for (size_t i = 0; array && i < count; i++)
            if (json_array_append_new(array, share_json(cli, shares[i])) != 0) {
                json_decref(array);
                array = NULL;
            }
        rc = cli_print_json(cli, array);
    } else {
        struct cli_table table;
        static const char *const headings[] = { "NAME", "PATH", "FLAGS", "COMMENT" };
        cli_table_init(&table, 4, headings);
        for (size_t i = 0; i < count; i++) {
            char flags[64];
            flags_text(shares[i], flags, sizeof flags);
            const char *row[] = { shares[i]->name,
                                  shares[i]->type == STYPE_IPC ? "(IPC)" : shares[i]->path,
                                  flags, shares[i]->comment };
            cli_table_add(&table, row);
        }
        rc = cli_table_print(cli, &table);
    }
    share_list_free(shares, count);
    return rc;
}

static int run_show(struct cli *cli, const struct cli_command *command, int argc, char **argv)
{
    int rc = cli_plain_args(cli, command, argc, argv, 1);
    if (rc >= 0)
        return rc;
    if ((rc = cli_open(cli, false)) != CLI_OK)
        return rc;
    struct share *share = NULL;
    NTSTATUS status = share_db_get(cli->reg, argv[optind], &share);
    if (!NT_SUCCESS(status))
        return cli_fail_status(cli, status, NULL, "%s", argv[optind]);
    json_t *o = share_json(cli, share);
    if (cli->json) {
        rc = cli_print_json(cli, o);
    } else if (!o) {
        rc = cli_fail(cli, "cannot read the share's permissions");
    } else {
        char max_uses[16];
        if (share->max_uses < 0)
            snprintf(max_uses, sizeof max_uses, "unlimited");
        else
            snprintf(max_uses, sizeof max_uses, "%d", share->max_uses);
        bool ipc = share->type == STYPE_IPC;
        const char *fields[] = {
            "Name", share->name,
            "Type", ipc ? "ipc" : "disk",
            "Path", ipc ? "(named pipes)" : share->path,
            "Comment", share->comment,
            "Read-only", (share->flags & SHARE_FLAG_READ_ONLY) ? "yes" : "no",
            "Encrypt", (share->flags & SHARE_FLAG_ENCRYPT_DATA) ? "yes" : "no",
            "Hidden", share_is_hidden(share) ? "yes" : "no",
            "Access-based enumeration",
            (share->flags & SHARE_FLAG_ACCESS_BASED_ENUM) ? "yes" : "no",
            "Caching", caching_name(share->flags),
            "Guest access", (share->flags & SHARE_FLAG_GUEST_OK) ? "yes" : "no",
            "Max uses", max_uses,
            NULL,
        };
        cli_print_fields(fields);
        json_t *permissions = json_object_get(o, "permissions");
        printf("Permissions:%s\n", json_is_null(permissions)     ? " (no share-level check)"
                                    : json_array_size(permissions) ? ""
                                                                   : " (none: nobody may connect)");
        for (size_t i = 0; i < json_array_size(permissions); i++)
            printf("  %s\n", json_string_value(json_array_get(permissions, i)));
        json_decref(o);
    }
    share_free(share);
    return rc;
}

#define SHARE_OPTIONS_HELP \
    "    --comment TEXT     the comment clients see\n" \
    "    --read-only        no writes through this share\n" \
    "    --max-uses N       at most N connections at once (default unlimited)\n" \
    "    --encrypt          require SMB3 encryption for this share\n" \
    "    --hidden           leave it out of share lists (names ending in $ always are)\n" \
    "    --grant PRINCIPAL:read|change|full\n" \
    "                       share permission (repeat for several); PRINCIPAL is a user,\n" \
    "                       a group, Everyone, Authenticated Users, ... or a SID.\n" \
    "                       Default: Administrators:full and Everyone:read\n" \
    "    --access-based-enumeration\n" \
    "                       list only what the user may open\n" \
    "    --caching manual|documents|programs|none\n" \
    "                       offline files (client-side caching) mode\n" \
    "    --guest-ok         guest and anonymous sessions may connect (when srv.guest is\n" \
    "                       on), within the share's permissions; off by default\n"

static const struct cli_command share_subcommands[] = {
    { .name = "add", .summary = "share a directory",
      .usage = "NAME PATH [--comment TEXT] [--read-only] [--max-uses N] [--encrypt]\n"
               "          [--hidden] [--guest-ok] [--grant PRINCIPAL:read|change|full]...\n"
               SHARE_OPTIONS_HELP,
      .run = run_add },
    { .name = "set", .summary = "change a share; options not given keep their value",
      .usage = "NAME [the options of add] [--path PATH] [--read-write] [--no-encrypt]\n"
               "          [--visible] [--no-access-based-enumeration] [--no-guest-ok]\n"
               "          [--max-uses unlimited]\n"
               "          [--revoke PRINCIPAL]...\n"
               "    --grant P:LEVEL    gives P that level (replacing its previous one)\n"
               "    --revoke P         removes P's permission\n"
               "    --path PATH        share another directory\n",
      .run = run_set },
    { .name = "del", .summary = "stop sharing (the directory stays)", .usage = "NAME\n",
      .run = run_del },
    { .name = "list", .summary = "all shares, hidden ones included", .usage = "\n",
      .run = run_list },
    { .name = "show", .summary = "one share and its permissions", .usage = "NAME\n",
      .run = run_show },
    { .name = "fix-permissions",
      .summary = "make the share's folder allow what its grants promise",
      .usage = "NAME\n"
               "    Stores on the folder an NT descriptor built from the share's grants\n"
               "    (SYSTEM and Administrators full, each grant at its level), inherited\n"
               "    by new files and folders; files already there keep theirs.\n",
      .run = run_fix_permissions },
    { .name = NULL },
};

const struct cli_command cli_command_share = {
    .name = "share",
    .summary = "manage shares and their permissions",
    .subcommands = share_subcommands,
};
