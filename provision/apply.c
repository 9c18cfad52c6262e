#include "provision/apply.h"

#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/utf16.h"
#include "lsass/idmap/idmap.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/sam/sam.h"
#include "provision/accounts.h"
#include "provision/share_folder.h"
#include "share-db/share_db.h"

struct apply {
    struct registry *reg;
    const struct prov_spec *spec;
    const struct prov_options *opt;
    struct prov_plan *plan;
    char *error;
};

static void fail(struct apply *a, const struct prov_origin *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct apply *a, const struct prov_origin *at, const char *fmt, ...)
{
    if (a->error)
        return;
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    int rc = at && at->file ? asprintf(&a->error, "%s:%d:%d: %s", at->file, at->line, at->column,
                                       message)
                            : asprintf(&a->error, "%s", message);
    if (rc < 0)
        a->error = NULL;
}

static bool record(struct apply *a, char op, const char *kind, const char *name,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool record(struct apply *a, char op, const char *kind, const char *name,
                   const char *fmt, ...)
{
    struct prov_change *changes =
        realloc(a->plan->changes, (a->plan->count + 1) * sizeof *changes);
    if (!changes) {
        fail(a, NULL, "out of memory");
        return false;
    }
    a->plan->changes = changes;
    struct prov_change *c = &changes[a->plan->count];
    c->op = op;
    c->fields = NULL;
    c->field_count = 0;
    c->kind = strdup(kind);
    c->name = strdup(name);
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&c->detail, fmt, ap) < 0)
        c->detail = NULL;
    va_end(ap);
    a->plan->count++;
    if (!c->kind || !c->name || !c->detail) {
        fail(a, NULL, "out of memory");
        return false;
    }
    return true;
}

/* Fails with the callee's message (or the status name) and frees *message.
 * The message is passed by address so that it is read only after the call
 * that sets it has run (argument evaluation order is unspecified in C). */
static bool check(struct apply *a, NTSTATUS status, const struct prov_origin *at,
                  const char *what, char **message)
{
    char *text = message ? *message : NULL;
    if (message)
        *message = NULL;
    if (!NT_SUCCESS(status))
        fail(a, at, "%s: %s", what, text ? text : nt_status_name(status));
    free(text);
    return NT_SUCCESS(status);
}

static bool text_differs(const char *current, const char *desired)
{
    return strcmp(current ? current : "", desired ? desired : "") != 0;
}

/* ---- field-level differences (the plan's old -> new) ----------------------- */

struct diff {
    struct prov_field *fields;
    size_t count;
    bool failed;
};

/* Notes that field changes from old to new; secret: show neither value. */
static void diff_add(struct diff *d, const char *field, const char *old, const char *new,
                     bool secret)
{
    struct prov_field *grown = realloc(d->fields, (d->count + 1) * sizeof *grown);
    if (!grown) {
        d->failed = true;
        return;
    }
    d->fields = grown;
    struct prov_field *f = &grown[d->count++];
    f->field = strdup(field);
    f->old_value = secret ? NULL : strdup(old ? old : "");
    f->new_value = secret ? NULL : strdup(new ? new : "");
    if (!f->field || (!secret && (!f->old_value || !f->new_value)))
        d->failed = true;
}

static void fields_free(struct prov_field *fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(fields[i].field);
        free(fields[i].old_value);
        free(fields[i].new_value);
    }
    free(fields);
}

/* A value as the text plan shows it: quoted when empty or when spaces or
 * quotes would make the line ambiguous. */
static void append_value(char **text, size_t *len, const char *value)
{
    bool quote = !*value || strpbrk(value, " \t\"';,>") != NULL;
    char *grown = NULL;
    if (asprintf(&grown, "%s%s%s%s", *text ? *text : "", quote ? "\"" : "", value,
                 quote ? "\"" : "") < 0) {
        free(*text);
        *text = NULL;
        *len = 0;
        return;
    }
    free(*text);
    *text = grown;
    *len = strlen(grown);
}

static void append_text(char **text, size_t *len, const char *more)
{
    char *grown = NULL;
    if (asprintf(&grown, "%s%s", *text ? *text : "", more) < 0) {
        free(*text);
        *text = NULL;
        *len = 0;
        return;
    }
    free(*text);
    *text = grown;
    *len = strlen(grown);
}

/* "comment: \"Old\" -> \"New\"; password (changed)" */
static char *diff_text(const struct prov_field *fields, size_t count)
{
    char *text = strdup("");
    size_t len = 0;
    for (size_t i = 0; text && i < count; i++) {
        const struct prov_field *f = &fields[i];
        if (i)
            append_text(&text, &len, "; ");
        if (text)
            append_text(&text, &len, f->field);
        if (text && !f->old_value) {
            append_text(&text, &len, " (changed)");
            continue;
        }
        if (text)
            append_text(&text, &len, ": ");
        if (text)
            append_value(&text, &len, f->old_value);
        if (text)
            append_text(&text, &len, " -> ");
        if (text)
            append_value(&text, &len, f->new_value);
    }
    return text;
}

/* Records a '~' (or '-') change carrying the fields of d (which it takes). */
static bool record_diff(struct apply *a, char op, const char *kind, const char *name,
                        struct diff *d)
{
    char *text = d->failed ? NULL : diff_text(d->fields, d->count);
    bool good = text && record(a, op, kind, name, "%s", text);
    free(text);
    if (good) {
        struct prov_change *c = &a->plan->changes[a->plan->count - 1];
        c->fields = d->fields;
        c->field_count = d->count;
    } else {
        fail(a, NULL, "out of memory");
        fields_free(d->fields, d->count);
    }
    d->fields = NULL;
    d->count = 0;
    return good;
}

/* ---- settings ------------------------------------------------------------- */

static bool spec_has_setting(const struct prov_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->setting_count; i++)
        if (strcmp(spec->settings[i].name, name) == 0)
            return true;
    return false;
}

static bool apply_settings(struct apply *a)
{
    for (size_t i = 0; i < a->spec->setting_count; i++) {
        const struct prov_setting *s = &a->spec->settings[i];
        const struct setting_def *def = registry_setting_find(s->name);
        if (!def) {
            fail(a, &s->at, "settings.%s: unknown setting (lwadmin config list shows them all)",
                 s->name);
            return false;
        }
        char *normalized = NULL, *message = NULL, *current = NULL;
        char what[160];
        snprintf(what, sizeof what, "settings.%s", s->name);
        if (!check(a, registry_setting_validate(def, s->value, &normalized, &message), &s->at,
                   what, &message))
            return false;
        bool is_default = false;
        bool good = check(a, registry_setting_get_text(a->reg, s->name, &current, &is_default),
                          &s->at, what, NULL);
        if (good && strcmp(current, normalized) != 0) {
            struct diff d = { 0 };
            diff_add(&d, "value", current, normalized, false);
            good = record_diff(a, '~', "setting", s->name, &d) &&
                   check(a, registry_setting_set(a->reg, s->name, normalized, a->opt->actor,
                                                 &message),
                         &s->at, what, &message);
        }
        free(current);
        free(normalized);
        if (!good)
            return false;
    }
    if (!a->opt->prune)
        return true;
    for (size_t i = 0; i < registry_setting_count(); i++) {
        const struct setting_def *def = registry_setting_at(i);
        if (spec_has_setting(a->spec, def->name))
            continue;
        char *current = NULL, *message = NULL;
        bool is_default = true;
        if (!check(a, registry_setting_get_text(a->reg, def->name, &current, &is_default), NULL,
                   def->name, NULL))
            return false;
        bool good = true;
        if (!is_default) {
            struct diff d = { 0 };
            diff_add(&d, "value", current, def->default_text, false);
            good = record_diff(a, '-', "setting", def->name, &d) &&
                   check(a, registry_setting_unset(a->reg, def->name, a->opt->actor, &message),
                         NULL, def->name, &message);
        }
        free(current);
        if (!good)
            return false;
    }
    return true;
}

/* ---- groups --------------------------------------------------------------- */

static bool apply_groups(struct apply *a)
{
    for (size_t i = 0; i < a->spec->group_count; i++) {
        const struct prov_group *g = &a->spec->groups[i];
        struct sam_group cur;
        NTSTATUS status = sam_group_by_name(a->reg, g->name, &cur);
        if (status == STATUS_NO_SUCH_ALIAS) {
            const char *why = NULL;
            if (!NT_SUCCESS(sam_name_check(g->name, SAM_GROUP_NAME_MAX, &why))) {
                fail(a, &g->at, "groups: '%s': %s", g->name, why ? why : "invalid name");
                return false;
            }
            if (!record(a, '+', "group", g->name, "%s", g->description ? g->description : "") ||
                !check(a, sam_group_add(a->reg, a->opt->actor, g->name, g->description, NULL),
                       &g->at, g->name, NULL))
                return false;
            continue;
        }
        if (!check(a, status, &g->at, g->name, NULL))
            return false;
        /* A built-in alias keeps its own description unless the file gives one. */
        const char *desired = g->description ? g->description : cur.builtin ? cur.description : "";
        bool good = true;
        if (text_differs(cur.description, desired)) {
            struct diff d = { 0 };
            diff_add(&d, "description", cur.description, desired, false);
            good = record_diff(a, '~', "group", cur.name, &d) &&
                   check(a, sam_group_set_description(a->reg, a->opt->actor, &cur.sid, desired),
                         &g->at, g->name, NULL);
        }
        sam_group_free(&cur);
        if (!good)
            return false;
    }
    return true;
}

/* ---- users ---------------------------------------------------------------- */

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* A secret from a file (its first line) or an environment variable, for
 * field (the message's "users.bob.password"); newly allocated in *plain. */
static bool read_secret(struct apply *a, enum prov_password_kind kind, const char *source,
                        const struct prov_origin *at, const char *field, char **plain)
{
    *plain = NULL;
    if (kind == PROV_PASSWORD_ENV) {
        const char *value = getenv(source);
        if (!value) {
            fail(a, at, "%s: the environment variable %s is not set", field, source);
            return false;
        }
        *plain = strdup(value);
    } else {
        FILE *f = fopen(source, "r");
        char line[1024];
        if (!f || !fgets(line, sizeof line, f)) {
            fail(a, at, "%s: cannot read %s: %s", field, source, f ? "the file is empty" : strerror(errno));
            if (f)
                fclose(f);
            return false;
        }
        fclose(f);
        line[strcspn(line, "\r\n")] = '\0';
        *plain = strdup(line);
        crypto_wipe(line, sizeof line);
    }
    if (!*plain)
        fail(a, at, "out of memory");
    return *plain != NULL;
}

/* The password a spec user names, as an NT hash; *plain gets the password text
 * for file and environment sources (so policy can be checked), else NULL. */
static bool user_password(struct apply *a, const struct prov_user *u, uint8_t hash[16],
                          char **plain)
{
    *plain = NULL;
    char field[96];
    snprintf(field, sizeof field, "users.%s.password", u->name);
    switch (u->password_kind) {
    case PROV_PASSWORD_NONE:
        return false;
    case PROV_PASSWORD_NT_HASH:
        for (int i = 0; i < 16; i++)
            hash[i] = (uint8_t)(hex_digit(u->password_source[2 * i]) << 4 |
                                hex_digit(u->password_source[2 * i + 1]));
        return true;
    case PROV_PASSWORD_ENV:
    case PROV_PASSWORD_FILE:
        if (!read_secret(a, u->password_kind, u->password_source, &u->at, field, plain))
            return false;
        break;
    }
    if (!*plain || crypto_nt_hash(*plain, hash) != 0) {
        fail(a, &u->at, "users.%s.password: not valid UTF-8", u->name);
        return false;
    }
    return true;
}

static const char password_policy_message[] =
    "the password does not meet the password policy (lsass.min-password-length, "
    "lsass.password-complexity)";

static void free_secret(char *plain)
{
    if (plain) {
        crypto_wipe(plain, strlen(plain));
        free(plain);
    }
}

static bool set_user_password(struct apply *a, const struct prov_user *u, uint32_t rid,
                              const uint8_t hash[16], const char *plain)
{
    NTSTATUS status = plain ? sam_user_set_password(a->reg, a->opt->actor, rid, plain)
                            : sam_user_set_nt_hash(a->reg, a->opt->actor, rid, hash);
    char what[96];
    snprintf(what, sizeof what, "users.%s.password", u->name);
    char *message = status == STATUS_PASSWORD_RESTRICTION ? strdup(password_policy_message) : NULL;
    return check(a, status, &u->at, what, &message);
}

/* The user's Unix account as the file says: a mapping, or none (a field
 * left out is the default, its own uid, even where the SAM mapped a Unix
 * account of the same name when it made the user). */
static bool apply_unix_account(struct apply *a, const struct prov_user *u, uint32_t rid,
                               const char *current, struct diff *d)
{
    if (!text_differs(current, u->unix_account))
        return true;
    if (d)
        diff_add(d, "unix_account", current ? current : "", u->unix_account ? u->unix_account : "",
                 false);
    char *why = NULL;
    NTSTATUS status = sam_user_set_unix_account(a->reg, a->opt->actor, rid, u->unix_account, &why);
    char what[96];
    snprintf(what, sizeof what, "users.%s.unix_account", u->name);
    return check(a, status, &u->at, what, &why);
}

static bool apply_one_user(struct apply *a, const struct prov_user *u)
{
    uint32_t want_flags = (u->enabled ? 0 : SAM_USER_DISABLED) |
                          (u->password_never_expires ? SAM_USER_PASSWORD_NEVER_EXPIRES : 0);
    uint8_t hash[16];
    char *plain = NULL;
    bool has_password = u->password_kind != PROV_PASSWORD_NONE;
    if (has_password && !user_password(a, u, hash, &plain))
        return false;
    bool good = true;
    struct sam_user cur;
    NTSTATUS status = sam_user_by_name(a->reg, u->name, &cur);
    if (status == STATUS_NO_SUCH_USER) {
        const char *why = NULL;
        uint32_t rid = 0;
        if (!NT_SUCCESS(sam_name_check(u->name, SAM_USER_NAME_MAX, &why))) {
            fail(a, &u->at, "users: '%s': %s", u->name, why ? why : "invalid name");
            good = false;
        } else {
            status = sam_user_add(a->reg, a->opt->actor, u->name, u->full_name, u->description,
                                  want_flags, plain, &rid);
            char what[96];
            snprintf(what, sizeof what, "users.%s", u->name);
            char *message =
                status == STATUS_PASSWORD_RESTRICTION ? strdup(password_policy_message) : NULL;
            good = record(a, '+', "user", u->name, "%s%s", u->enabled ? "enabled" : "disabled",
                          has_password ? ", password set" : ", no password") &&
                   check(a, status, &u->at, what, &message);
            if (good && has_password && !plain)
                good = set_user_password(a, u, rid, hash, NULL);
            struct sam_user made;
            if (good && NT_SUCCESS(sam_user_by_rid(a->reg, rid, &made))) {
                good = apply_unix_account(a, u, rid, made.unix_account, NULL);
                sam_user_free(&made);
            }
        }
        free_secret(plain);
        crypto_wipe(hash, sizeof hash);
        return good;
    }
    if (!check(a, status, &u->at, u->name, NULL)) {
        free_secret(plain);
        return false;
    }
    struct sam_user_change change = { 0 };
    struct diff d = { 0 };
    if (text_differs(cur.full_name, u->full_name)) {
        change.full_name = u->full_name ? u->full_name : "";
        diff_add(&d, "full_name", cur.full_name, change.full_name, false);
    }
    if (text_differs(cur.description, u->description)) {
        change.description = u->description ? u->description : "";
        diff_add(&d, "description", cur.description, change.description, false);
    }
    uint32_t managed = SAM_USER_DISABLED | SAM_USER_PASSWORD_NEVER_EXPIRES;
    if ((cur.flags & managed) != want_flags) {
        change.flags_set = want_flags & ~cur.flags;
        change.flags_clear = (cur.flags & managed) & ~want_flags;
        if ((cur.flags ^ want_flags) & SAM_USER_DISABLED)
            diff_add(&d, "enabled", cur.flags & SAM_USER_DISABLED ? "no" : "yes",
                     want_flags & SAM_USER_DISABLED ? "no" : "yes", false);
        if ((cur.flags ^ want_flags) & SAM_USER_PASSWORD_NEVER_EXPIRES)
            diff_add(&d, "password_never_expires",
                     cur.flags & SAM_USER_PASSWORD_NEVER_EXPIRES ? "yes" : "no",
                     want_flags & SAM_USER_PASSWORD_NEVER_EXPIRES ? "yes" : "no", false);
    }
    if (has_password) {
        uint8_t current[16];
        bool same = NT_SUCCESS(sam_user_get_nt_hash(a->reg, cur.rid, current)) &&
                    crypto_memcmp(current, hash, 16) == 0;
        crypto_wipe(current, sizeof current);
        if (!same) {
            diff_add(&d, "password", NULL, NULL, true);
            good = set_user_password(a, u, cur.rid, hash, plain);
        }
    }
    if (good && (change.full_name || change.description || change.flags_set || change.flags_clear))
        good = check(a, sam_user_update(a->reg, a->opt->actor, cur.rid, &change), &u->at,
                     u->name, NULL);
    if (good)
        good = apply_unix_account(a, u, cur.rid, cur.unix_account, &d);
    if (good && d.count)
        good = record_diff(a, '~', "user", cur.name, &d);
    fields_free(d.fields, d.count);
    sam_user_free(&cur);
    free_secret(plain);
    crypto_wipe(hash, sizeof hash);
    return good;
}

/* ---- memberships ---------------------------------------------------------- */

static const struct prov_group *spec_group(const struct prov_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->group_count; i++)
        if (utf8_casecmp(spec->groups[i].name, name) == 0)
            return &spec->groups[i];
    return NULL;
}

static const struct prov_user *spec_user(const struct prov_spec *spec, const char *name)
{
    for (size_t i = 0; i < spec->user_count; i++)
        if (utf8_casecmp(spec->users[i].name, name) == 0)
            return &spec->users[i];
    return NULL;
}

static bool sid_in(const struct sid *sids, size_t count, const struct sid *sid)
{
    for (size_t i = 0; i < count; i++)
        if (sid_equal(&sids[i], sid))
            return true;
    return false;
}

static bool add_desired(struct apply *a, struct sid **desired, size_t *count, const char *member,
                        const struct prov_origin *at, const char *group)
{
    struct sid sid;
    if (!NT_SUCCESS(sam_principal_to_sid(a->reg, member, &sid, NULL))) {
        fail(a, at, "groups.%s.members: unknown user or principal '%s'", group, member);
        return false;
    }
    if (sid_in(*desired, *count, &sid))
        return true;
    struct sid *grown = realloc(*desired, (*count + 1) * sizeof *grown);
    if (!grown) {
        fail(a, NULL, "out of memory");
        return false;
    }
    grown[(*count)++] = sid;
    *desired = grown;
    return true;
}

/* The members the spec wants in group g: its own list plus the users that name
 * it. Checks that every group a user names exists. */
static bool desired_members(struct apply *a, const struct sam_group *g, struct sid **desired,
                            size_t *count)
{
    *desired = NULL;
    *count = 0;
    const struct prov_group *sg = spec_group(a->spec, g->name);
    for (size_t i = 0; sg && i < sg->member_count; i++)
        if (!add_desired(a, desired, count, sg->members[i], &sg->at, g->name))
            return false;
    for (size_t i = 0; i < a->spec->user_count; i++) {
        const struct prov_user *u = &a->spec->users[i];
        for (size_t j = 0; j < u->group_count; j++) {
            struct sam_group named;
            if (!NT_SUCCESS(sam_group_by_name(a->reg, u->groups[j], &named)))
                continue;
            bool same = sid_equal(&named.sid, &g->sid);
            sam_group_free(&named);
            if (same && !add_desired(a, desired, count, u->name, &u->at, g->name))
                return false;
        }
    }
    return true;
}

/* A current member leaves a group only where the spec speaks for that pair: the
 * group is listed with its members, or the member is a listed user with a
 * groups list. */
static bool spec_manages(struct apply *a, const struct sam_group *g, const struct sid *member)
{
    if (spec_group(a->spec, g->name))
        return true;
    char *name = NULL;
    if (!NT_SUCCESS(sam_sid_to_principal(a->reg, member, &name, NULL)))
        return false;
    const struct prov_user *u = spec_user(a->spec, name);
    free(name);
    return u && u->groups != NULL;
}

static bool apply_memberships(struct apply *a)
{
    for (size_t i = 0; i < a->spec->user_count; i++) {
        const struct prov_user *u = &a->spec->users[i];
        for (size_t j = 0; j < u->group_count; j++) {
            struct sam_group named;
            if (!NT_SUCCESS(sam_group_by_name(a->reg, u->groups[j], &named))) {
                fail(a, &u->at, "users.%s.groups: unknown group '%s'", u->name, u->groups[j]);
                return false;
            }
            sam_group_free(&named);
        }
    }
    struct sam_group_list groups;
    if (!check(a, sam_group_list(a->reg, &groups), NULL, "groups", NULL))
        return false;
    bool good = true;
    for (size_t i = 0; good && i < groups.count; i++) {
        const struct sam_group *g = &groups.groups[i];
        struct sid *desired = NULL, *current = NULL;
        size_t desired_count = 0, current_count = 0;
        good = desired_members(a, g, &desired, &desired_count) &&
               check(a, sam_group_members(a->reg, &g->sid, &current, &current_count), NULL,
                     g->name, NULL);
        for (size_t m = 0; good && m < desired_count; m++) {
            if (sid_in(current, current_count, &desired[m]))
                continue;
            char *who = sam_sid_display(a->reg, &desired[m]);
            good = record(a, '+', "member", g->name, "%s", who ? who : "?") &&
                   check(a, sam_group_add_member(a->reg, a->opt->actor, &g->sid, &desired[m]),
                         NULL, g->name, NULL);
            free(who);
        }
        for (size_t m = 0; good && m < current_count; m++) {
            if (sid_in(desired, desired_count, &current[m]) || !spec_manages(a, g, &current[m]))
                continue;
            char *who = sam_sid_display(a->reg, &current[m]);
            good = record(a, '-', "member", g->name, "%s", who ? who : "?") &&
                   check(a, sam_group_remove_member(a->reg, a->opt->actor, &g->sid, &current[m]),
                         NULL, g->name, NULL);
            free(who);
        }
        free(desired);
        free(current);
    }
    sam_group_list_free(&groups);
    return good;
}

/* ---- shares --------------------------------------------------------------- */

/* A SAM user's Unix identity (lsass/idmap): its uid and primary gid. */
static bool sam_owner(struct apply *a, const char *name, uid_t *uid, gid_t *gid)
{
    struct sam_user user;
    gid_t *gids = NULL;
    size_t count = 0;
    if (!NT_SUCCESS(sam_user_by_name(a->reg, name, &user)))
        return false;
    bool found = NT_SUCCESS(idmap_sid_to_uid(a->reg, &user.sid, uid)) &&
                 NT_SUCCESS(idmap_user_gids(a->reg, user.name, &gids, &count)) && count > 0;
    if (found)
        *gid = gids[0];
    free(gids);
    sam_user_free(&user);
    return found;
}

static bool lookup_owner(struct apply *a, const struct prov_share *sh, uid_t *uid, gid_t *gid)
{
    *uid = 0;
    *gid = 0;
    if (sh->create_owner) {
        struct passwd *pw = getpwnam(sh->create_owner);
        char *end;
        unsigned long n = strtoul(sh->create_owner, &end, 10);
        if (pw) {
            *uid = pw->pw_uid;
            *gid = pw->pw_gid;
        } else if (*end == '\0' && end != sh->create_owner) {
            *uid = (uid_t)n;
        } else if (sam_owner(a, sh->create_owner, uid, gid)) {
            /* a SAM user: its own uid from lsass.id-range, or its mapping */
        } else {
            fail(a, &sh->at, "shares.%s.create.owner: no unix or SAM user '%s'", sh->name,
                 sh->create_owner);
            return false;
        }
    }
    if (sh->create_group) {
        struct group *gr = getgrnam(sh->create_group);
        char *end;
        unsigned long n = strtoul(sh->create_group, &end, 10);
        struct idmap_group sam_group;
        if (gr)
            *gid = gr->gr_gid;
        else if (*end == '\0' && end != sh->create_group)
            *gid = (gid_t)n;
        else if (NT_SUCCESS(idmap_group_by_name(a->reg, sh->create_group, &sam_group))) {
            *gid = sam_group.gid; /* a SAM group's gid */
            idmap_group_free(&sam_group);
        } else {
            fail(a, &sh->at, "shares.%s.create.group: no unix or SAM group '%s'", sh->name,
                 sh->create_group);
            return false;
        }
    }
    return true;
}

/* Creates a missing share directory (and its parents) when the spec asks for
 * it. Returns false on error; *will_create is set in a dry run instead. */
static bool ensure_path(struct apply *a, const struct prov_share *sh, bool *will_create)
{
    struct stat st;
    *will_create = false;
    if (stat(sh->path, &st) == 0 || !sh->create || sh->path[0] != '/')
        return true; /* share_validate_path reports what is wrong */
    uid_t uid;
    gid_t gid;
    if (!lookup_owner(a, sh, &uid, &gid))
        return false;
    if (a->opt->dry_run) {
        *will_create = true;
        return true;
    }
    char *path = strdup(sh->path);
    if (!path) {
        fail(a, NULL, "out of memory");
        return false;
    }
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        bool last = saved == '\0';
        if (mkdir(path, last ? (mode_t)sh->create_mode : 0755) != 0 && errno != EEXIST) {
            fail(a, &sh->at, "shares.%s.path: cannot create %s: %s", sh->name, path,
                 strerror(errno));
            free(path);
            return false;
        }
        *p = saved;
        if (last)
            break;
    }
    free(path);
    /* mkdir's mode is filtered by the umask; the file asked for this one. */
    if (chmod(sh->path, (mode_t)sh->create_mode) != 0 || chown(sh->path, uid, gid) != 0) {
        fail(a, &sh->at, "shares.%s.path: cannot set owner and mode of %s: %s", sh->name,
             sh->path, strerror(errno));
        return false;
    }
    return true;
}

static uint32_t share_flags(const struct prov_share *sh)
{
    uint32_t flags = (sh->read_only ? SHARE_FLAG_READ_ONLY : 0) |
                     (sh->hidden ? SHARE_FLAG_HIDDEN : 0) |
                     (sh->encrypt ? SHARE_FLAG_ENCRYPT_DATA : 0) |
                     (sh->access_based_enumeration ? SHARE_FLAG_ACCESS_BASED_ENUM : 0) |
                     (sh->guest_ok ? SHARE_FLAG_GUEST_OK : 0);
    const char *caching = sh->caching ? sh->caching : "manual";
    if (strcmp(caching, "documents") == 0)
        flags |= SHARE_CACHING_DOCUMENTS;
    else if (strcmp(caching, "programs") == 0)
        flags |= SHARE_CACHING_PROGRAMS;
    else if (strcmp(caching, "none") == 0)
        flags |= SHARE_CACHING_NONE;
    return flags;
}

static bool share_sd(struct apply *a, const struct prov_share *sh, uint8_t **sd, size_t *len)
{
    const char **grants = calloc(sh->grant_count + 1, sizeof *grants);
    char **owned = calloc(sh->grant_count + 1, sizeof *owned);
    bool good = grants && owned;
    for (size_t i = 0; good && i < sh->grant_count; i++) {
        if (asprintf(&owned[i], "%s:%s", sh->grants[i].principal,
                     prov_level_name(sh->grants[i].level)) < 0) {
            owned[i] = NULL;
            good = false;
        }
        grants[i] = owned[i];
    }
    char *message = NULL;
    char what[128];
    snprintf(what, sizeof what, "shares.%s.permissions", sh->name);
    if (!good)
        fail(a, NULL, "out of memory");
    else
        good = check(a,
                     share_sd_from_grants(grants, sh->grant_count, ldap_sam_principal_resolver, a->reg,
                                          sd, len, &message),
                     sh->grant_count ? &sh->grants[0].at : &sh->at, what, &message);
    for (size_t i = 0; owned && i < sh->grant_count; i++)
        free(owned[i]);
    free(owned);
    free(grants);
    return good;
}

/* A descriptor's grants as "alice:change, Everyone:read" for the plan. */
static char *grants_text(struct registry *reg, const uint8_t *sd, size_t sd_len)
{
    char **grants = NULL;
    size_t count = 0;
    if (!sd)
        return strdup("(none)");
    if (!NT_SUCCESS(share_sd_to_grants(sd, sd_len, ldap_sam_principal_namer, reg, &grants, &count)))
        return NULL;
    char *text = strdup("");
    size_t len = 0;
    for (size_t i = 0; text && i < count; i++) {
        if (i)
            append_text(&text, &len, ", ");
        if (text)
            append_text(&text, &len, grants[i]);
    }
    registry_strv_free(grants);
    return text;
}

static bool apply_one_share(struct apply *a, const struct prov_share *sh)
{
    char *message = NULL;
    char what[128];
    snprintf(what, sizeof what, "shares.%s", sh->name);
    if (strcasecmp(sh->name, "IPC$") == 0) {
        fail(a, &sh->at, "%s: IPC$ is built in and cannot be provisioned", what);
        return false;
    }
    if (!check(a, share_validate_name(sh->name, &message), &sh->at, what, &message))
        return false;
    bool will_create = false;
    if (!ensure_path(a, sh, &will_create))
        return false;
    char *canonical = NULL;
    if (!will_create &&
        !check(a, share_validate_path(sh->path, &canonical, &message), &sh->at, what, &message))
        return false;
    struct share want = {
        .name = sh->name,
        .path = canonical ? canonical : sh->path,
        .comment = sh->comment ? sh->comment : (char *)"",
        .type = STYPE_DISKTREE,
        .flags = share_flags(sh),
        .max_uses = sh->max_uses,
    };
    bool good = share_sd(a, sh, &want.sd, &want.sd_len);
    struct share *cur = NULL;
    NTSTATUS status = good ? share_db_get(a->reg, sh->name, &cur) : STATUS_SUCCESS;
    if (!good) {
        /* reported by share_sd */
    } else if (status == STATUS_BAD_NETWORK_NAME) {
        good = record(a, '+', "share", sh->name, "path=%s%s", want.path,
                      will_create ? " (will be created)" : "");
        /* In a dry run a directory that would be created does not exist yet,
         * so the share cannot be added even tentatively. */
        if (good && !will_create)
            good = check(a, share_db_add(a->reg, &want, a->opt->actor, &message), &sh->at, what,
                         &message);
    } else if (check(a, status, &sh->at, what, NULL)) {
        /* Stored flags include HIDDEN for a $ name; so does what we compare. */
        uint32_t want_flags = want.flags | (share_is_hidden(&want) ? SHARE_FLAG_HIDDEN : 0);
        struct diff d = { 0 };
        if (strcmp(cur->name, want.name) != 0)
            diff_add(&d, "name", cur->name, want.name, false);
        if (text_differs(cur->path, want.path))
            diff_add(&d, "path", cur->path, want.path, false);
        if (text_differs(cur->comment, want.comment))
            diff_add(&d, "comment", cur->comment, want.comment, false);
        if (cur->flags != want_flags) {
            char *was = share_flags_describe(cur->flags), *will = share_flags_describe(want_flags);
            diff_add(&d, "flags", was ? was : "?", will ? will : "?", false);
            free(was);
            free(will);
        }
        if (cur->max_uses != want.max_uses) {
            char was[24], will[24];
            snprintf(was, sizeof was, "%d", (int)cur->max_uses);
            snprintf(will, sizeof will, "%d", (int)want.max_uses);
            diff_add(&d, "max_uses", cur->max_uses < 0 ? "unlimited" : was,
                     want.max_uses < 0 ? "unlimited" : will, false);
        }
        if (cur->sd_len != want.sd_len || memcmp(cur->sd, want.sd, want.sd_len) != 0) {
            char *was = grants_text(a->reg, cur->sd, cur->sd_len);
            char *will = grants_text(a->reg, want.sd, want.sd_len);
            diff_add(&d, "permissions", was ? was : "?", will ? will : "?", false);
            free(was);
            free(will);
        }
        if (d.count)
            good = record_diff(a, '~', "share", cur->name, &d) &&
                   check(a, share_db_set(a->reg, &want, a->opt->actor, &message), &sh->at, what,
                         &message);
        fields_free(d.fields, d.count);
        share_free(cur);
    } else {
        good = false;
    }
    free(want.sd);
    free(canonical);
    return good;
}

/* ---- prune ---------------------------------------------------------------- */

/* The account-deletion rule of provision/accounts.h without force: a share
 * the files keep must not name an account they remove. */
static bool prune_account(struct apply *a, const struct sid *sid, const char *name)
{
    char *message = NULL;
    NTSTATUS status = prov_account_delete(a->reg, a->opt->actor, sid, false, NULL, NULL, &message);
    if (status == STATUS_CANNOT_DELETE) {
        fail(a, NULL, "cannot prune %s: %s; list it in the files or take it out of those "
             "shares' permissions", name, message ? message : "share permissions name it");
        free(message);
        return false;
    }
    return check(a, status, NULL, name, &message);
}

static bool prune(struct apply *a)
{
    struct share **shares = NULL;
    size_t share_count = 0;
    if (!check(a, share_db_list(a->reg, &shares, &share_count), NULL, "shares", NULL))
        return false;
    bool good = true;
    for (size_t i = 0; good && i < share_count; i++) {
        const char *name = shares[i]->name;
        bool listed = false;
        for (size_t j = 0; j < a->spec->share_count; j++)
            listed |= utf8_casecmp(a->spec->shares[j].name, name) == 0;
        char *message = NULL;
        if (!listed && shares[i]->type != STYPE_IPC)
            good = record(a, '-', "share", name, "path=%s", shares[i]->path) &&
                   check(a, share_db_delete(a->reg, name, a->opt->actor, &message), NULL, name,
                         &message);
    }
    share_list_free(shares, share_count);

    struct sam_user_list users;
    if (!good || !check(a, sam_user_list(a->reg, &users), NULL, "users", NULL))
        return false;
    for (size_t i = 0; good && i < users.count; i++)
        if (!spec_user(a->spec, users.users[i].name))
            good = record(a, '-', "user", users.users[i].name, "%s", "") &&
                   prune_account(a, &users.users[i].sid, users.users[i].name);
    sam_user_list_free(&users);

    struct sam_group_list groups;
    if (!good || !check(a, sam_group_list(a->reg, &groups), NULL, "groups", NULL))
        return false;
    for (size_t i = 0; good && i < groups.count; i++) {
        const struct sam_group *g = &groups.groups[i];
        bool named_by_user = false;
        for (size_t u = 0; u < a->spec->user_count; u++)
            for (size_t j = 0; j < a->spec->users[u].group_count; j++)
                named_by_user |= utf8_casecmp(a->spec->users[u].groups[j], g->name) == 0;
        if (!g->builtin && !spec_group(a->spec, g->name) && !named_by_user)
            good = record(a, '-', "group", g->name, "%s", "") &&
                   prune_account(a, &g->sid, g->name);
    }
    sam_group_list_free(&groups);
    return good;
}

/* ---- folders that refuse what the grants promise ------------------------------ */

static bool folder_warnings(struct apply *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->spec->share_count; i++) {
        struct share *share = NULL;
        char **found = NULL;
        size_t count = 0;
        if (!NT_SUCCESS(share_db_get(a->reg, a->spec->shares[i].name, &share)))
            continue; /* a dry run of a share whose folder is still to be made */
        NTSTATUS status = prov_share_folder_warnings(a->reg, share, &found, &count);
        share_free(share);
        if (NT_SUCCESS(status) && count > 0) {
            char **grown = realloc(a->plan->warnings, (n + count + 1) * sizeof *grown);
            if (!grown)
                status = STATUS_NO_MEMORY;
            else {
                memcpy(grown + n, found, count * sizeof *grown);
                n += count;
                grown[n] = NULL;
                a->plan->warnings = grown;
                free(found); /* the strings moved */
                found = NULL;
            }
        }
        registry_strv_free(found);
        if (!NT_SUCCESS(status)) {
            fail(a, NULL, "out of memory");
            return false;
        }
    }
    return true;
}

/* ---- provider secrets ------------------------------------------------------ */

/* providers.NAME.bind_password: stored (lsass/ldap ldap_secret_set) when it
 * differs from the stored one; the plan says that it changes, never what. */
static bool apply_providers(struct apply *a)
{
    for (size_t i = 0; i < a->spec->provider_count; i++) {
        const struct prov_provider *pr = &a->spec->providers[i];
        if (pr->bind_password_kind == PROV_PASSWORD_NONE)
            continue;
        char *desired = NULL, *current = NULL, field[96];
        snprintf(field, sizeof field, "providers.%s.bind_password", pr->name);
        if (!read_secret(a, pr->bind_password_kind, pr->bind_password_source, &pr->at, field, &desired))
            return false;
        NTSTATUS status = ldap_secret_get(a->reg, pr->name, "bind-password", &current);
        bool good = true;
        if (status == STATUS_NOT_FOUND || (NT_SUCCESS(status) && strcmp(current, desired) != 0)) {
            struct diff d = { 0 };
            diff_add(&d, "bind_password", NULL, NULL, true);
            good = record_diff(a, current ? '~' : '+', "provider", pr->name, &d) &&
                   check(a, ldap_secret_set(a->reg, a->opt->actor, pr->name, "bind-password", desired), &pr->at,
                         field, NULL);
        } else if (!NT_SUCCESS(status)) {
            good = check(a, status, &pr->at, "providers", NULL);
        }
        free_secret(desired);
        free_secret(current);
        if (!good)
            return false;
    }
    return true;
}

/* ---- the whole ------------------------------------------------------------ */

NTSTATUS prov_apply(struct registry *reg, const struct prov_spec *spec,
                    const struct prov_options *options, struct prov_plan *plan, char **error)
{
    struct apply a = { .reg = reg, .spec = spec, .opt = options, .plan = plan };
    memset(plan, 0, sizeof *plan);
    *error = NULL;
    NTSTATUS status = registry_begin(reg);
    if (!NT_SUCCESS(status)) {
        if (asprintf(error, "cannot start a transaction: %s", nt_status_name(status)) < 0)
            *error = NULL;
        return status;
    }
    bool good = apply_settings(&a) && apply_providers(&a) && apply_groups(&a);
    for (size_t i = 0; good && i < spec->user_count; i++)
        good = apply_one_user(&a, &spec->users[i]);
    good = good && apply_memberships(&a);
    for (size_t i = 0; good && i < spec->share_count; i++)
        good = apply_one_share(&a, &spec->shares[i]);
    if (good && options->prune)
        good = prune(&a);
    if (good)
        good = folder_warnings(&a);
    if (good && !options->dry_run) {
        status = registry_commit(reg);
        if (!NT_SUCCESS(status))
            fail(&a, NULL, "cannot commit: %s", nt_status_name(status));
    } else {
        registry_rollback(reg);
    }
    if (a.error) {
        *error = a.error;
        prov_plan_free(plan);
        return NT_SUCCESS(status) ? STATUS_UNSUCCESSFUL : status;
    }
    return STATUS_SUCCESS;
}

void prov_plan_free(struct prov_plan *plan)
{
    for (size_t i = 0; i < plan->count; i++) {
        free(plan->changes[i].kind);
        free(plan->changes[i].name);
        free(plan->changes[i].detail);
        fields_free(plan->changes[i].fields, plan->changes[i].field_count);
    }
    free(plan->changes);
    plan->changes = NULL;
    plan->count = 0;
    registry_strv_free(plan->warnings);
    plan->warnings = NULL;
}

void prov_plan_print(const struct prov_plan *plan, FILE *out)
{
    for (size_t i = 0; i < plan->count; i++) {
        const struct prov_change *c = &plan->changes[i];
        fprintf(out, "%c %s %s%s%s\n", c->op, c->kind, c->name, c->detail[0] ? ": " : "",
                c->detail);
    }
}

char *prov_plan_json(const struct prov_plan *plan)
{
    json_t *array = json_array();
    for (size_t i = 0; array && i < plan->count; i++) {
        const struct prov_change *c = &plan->changes[i];
        char op[2] = { c->op, 0 };
        json_t *fields = json_array();
        for (size_t j = 0; fields && j < c->field_count; j++) {
            const struct prov_field *f = &c->fields[j];
            json_array_append_new(fields,
                                  f->old_value ? json_pack("{s:s, s:s, s:s}", "field", f->field,
                                                           "old", f->old_value, "new",
                                                           f->new_value)
                                               : json_pack("{s:s, s:b}", "field", f->field,
                                                           "secret", 1));
        }
        json_array_append_new(array, json_pack("{s:s, s:s, s:s, s:s, s:o*}", "op", op, "kind",
                                               c->kind, "name", c->name, "detail", c->detail,
                                               "changes", fields));
    }
    char *text = array ? json_dumps(array, JSON_INDENT(2)) : NULL;
    json_decref(array);
    return text;
}
