#include "provision/spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "provision/yaml_doc.h"

/* Parsing state for one file: the first problem found wins. */
struct parse {
    const struct ydoc *doc;
    const char *file; /* owned by the spec being built */
    char *error;
};

static void fail_at(struct parse *p, const struct ydoc_node *node, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail_at(struct parse *p, const struct ydoc_node *node, const char *field,
                    const char *fmt, ...)
{
    if (p->error)
        return;
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (asprintf(&p->error, "%s:%d:%d: %s%s%s", p->doc->name, node ? node->line : 1,
                 node ? node->column : 1, field ? field : "", field ? ": " : "", message) < 0)
        p->error = NULL;
}

static struct prov_origin origin(const struct parse *p, const struct ydoc_node *node)
{
    struct prov_origin o = { p->file, node->line, node->column };
    return o;
}

/* Refuses any key of map not in the NULL-terminated list. */
static bool only_known(struct parse *p, const struct ydoc_node *map, const char *where,
                       const char *const *known)
{
    for (size_t i = 0; i < map->count; i++) {
        bool found = false;
        for (const char *const *k = known; *k; k++)
            if (strcmp(map->keys[i]->text, *k) == 0)
                found = true;
        if (!found) {
            char list[256] = "";
            for (const char *const *k = known; *k; k++) {
                strncat(list, *k, sizeof list - strlen(list) - 1);
                if (k[1])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            fail_at(p, map->keys[i], where, "unknown field '%s' (known fields: %s)",
                    map->keys[i]->text, list);
            return false;
        }
    }
    return true;
}

static char *scalar_dup(struct parse *p, const struct ydoc_node *node, const char *field)
{
    if (!node)
        return NULL;
    if (node->kind != YDOC_SCALAR) {
        fail_at(p, node, field, "must be a single value, not a %s",
                node->kind == YDOC_MAPPING ? "mapping" : "list");
        return NULL;
    }
    char *s = strdup(node->text);
    if (!s)
        fail_at(p, node, field, "out of memory");
    return s;
}

static bool required_string(struct parse *p, const struct ydoc_node *map, const char *key,
                            const char *where, char **out)
{
    const struct ydoc_node *node = ydoc_map_get(map, key);
    if (!node) {
        fail_at(p, map, where, "the field '%s' is required", key);
        return false;
    }
    char field[128];
    snprintf(field, sizeof field, "%s.%s", where, key);
    *out = scalar_dup(p, node, field);
    if (*out && !**out) {
        fail_at(p, node, field, "must not be empty");
        free(*out);
        *out = NULL;
    }
    return *out != NULL;
}

static bool optional_string(struct parse *p, const struct ydoc_node *map, const char *key,
                            const char *where, char **out)
{
    const struct ydoc_node *node = ydoc_map_get(map, key);
    *out = NULL;
    if (!node)
        return true;
    char field[128];
    snprintf(field, sizeof field, "%s.%s", where, key);
    *out = scalar_dup(p, node, field);
    return *out != NULL;
}

/* YAML 1.1 booleans, unquoted only: a quoted "yes" is a string, and a typo must
 * not silently become false. */
static bool optional_bool(struct parse *p, const struct ydoc_node *map, const char *key,
                          const char *where, bool *out)
{
    const struct ydoc_node *node = ydoc_map_get(map, key);
    if (!node)
        return true;
    char field[128];
    snprintf(field, sizeof field, "%s.%s", where, key);
    static const char *const yes[] = { "true", "yes", "on" }, *const no[] = { "false", "no", "off" };
    if (node->kind == YDOC_SCALAR && node->plain)
        for (int i = 0; i < 3; i++) {
            if (strcasecmp(node->text, yes[i]) == 0) { *out = true; return true; }
            if (strcasecmp(node->text, no[i]) == 0) { *out = false; return true; }
        }
    fail_at(p, node, field, "must be true or false");
    return false;
}

static bool string_list(struct parse *p, const struct ydoc_node *map, const char *key,
                        const char *where, char ***out, size_t *count)
{
    const struct ydoc_node *node = ydoc_map_get(map, key);
    *out = NULL;
    *count = 0;
    if (!node)
        return true;
    char field[128];
    snprintf(field, sizeof field, "%s.%s", where, key);
    if (node->kind != YDOC_SEQUENCE) {
        fail_at(p, node, field, "must be a list of names");
        return false;
    }
    *out = calloc(node->count ? node->count : 1, sizeof **out);
    if (!*out) {
        fail_at(p, node, field, "out of memory");
        return false;
    }
    for (size_t i = 0; i < node->count; i++) {
        char *s = scalar_dup(p, node->items[i], field);
        if (!s)
            return false;
        (*out)[(*count)++] = s;
    }
    return true;
}

static void free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

static bool parse_settings(struct parse *p, const struct ydoc_node *node, struct prov_spec *s)
{
    if (node->kind != YDOC_MAPPING) {
        fail_at(p, node, "settings", "must be a mapping of setting name to value");
        return false;
    }
    s->settings = calloc(node->count ? node->count : 1, sizeof *s->settings);
    if (!s->settings)
        return false;
    for (size_t i = 0; i < node->count; i++) {
        struct prov_setting *st = &s->settings[s->setting_count];
        char field[160];
        snprintf(field, sizeof field, "settings.%s", node->keys[i]->text);
        st->value = scalar_dup(p, node->items[i], field);
        if (!st->value)
            return false;
        st->name = strdup(node->keys[i]->text);
        st->at = origin(p, node->items[i]);
        s->setting_count++;
        if (!st->name)
            return false;
    }
    return true;
}

static bool parse_groups(struct parse *p, const struct ydoc_node *node, struct prov_spec *s)
{
    static const char *const known[] = { "name", "description", "members", NULL };
    if (node->kind != YDOC_SEQUENCE) {
        fail_at(p, node, "groups", "must be a list of groups");
        return false;
    }
    s->groups = calloc(node->count ? node->count : 1, sizeof *s->groups);
    if (!s->groups)
        return false;
    for (size_t i = 0; i < node->count; i++) {
        const struct ydoc_node *g = node->items[i];
        char where[64];
        snprintf(where, sizeof where, "groups[%zu]", i);
        if (g->kind != YDOC_MAPPING) {
            fail_at(p, g, where, "must be a mapping with at least 'name'");
            return false;
        }
        struct prov_group *out = &s->groups[s->group_count++];
        out->at = origin(p, g);
        if (!only_known(p, g, where, known) || !required_string(p, g, "name", where, &out->name) ||
            !optional_string(p, g, "description", where, &out->description) ||
            !string_list(p, g, "members", where, &out->members, &out->member_count))
            return false;
    }
    return true;
}

static bool is_hex32(const char *s)
{
    if (strlen(s) != 32)
        return false;
    for (int i = 0; i < 32; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

static bool parse_password(struct parse *p, const struct ydoc_node *node, const char *where,
                           struct prov_user *u)
{
    static const char *const known[] = { "nt_hash", "file", "env", NULL };
    char field[96];
    snprintf(field, sizeof field, "%s.password", where);
    if (node->kind != YDOC_MAPPING || node->count != 1) {
        fail_at(p, node, field,
                "must be one of {nt_hash: HEX}, {file: PATH} or {env: VARIABLE}; "
                "a plain-text password is not accepted");
        return false;
    }
    if (!only_known(p, node, field, known))
        return false;
    const char *kind = node->keys[0]->text;
    snprintf(field, sizeof field, "%s.password.%s", where, kind);
    u->password_source = scalar_dup(p, node->items[0], field);
    if (!u->password_source)
        return false;
    if (strcmp(kind, "nt_hash") == 0) {
        u->password_kind = PROV_PASSWORD_NT_HASH;
        if (!is_hex32(u->password_source)) {
            fail_at(p, node->items[0], field, "must be 32 hexadecimal digits");
            return false;
        }
    } else {
        u->password_kind = strcmp(kind, "file") == 0 ? PROV_PASSWORD_FILE : PROV_PASSWORD_ENV;
        if (!*u->password_source) {
            fail_at(p, node->items[0], field, "must not be empty");
            return false;
        }
    }
    return true;
}

static bool parse_users(struct parse *p, const struct ydoc_node *node, struct prov_spec *s)
{
    static const char *const known[] = { "name", "full_name", "description", "enabled",
                                         "password_never_expires", "groups", "password",
                                         "unix_account", NULL };
    if (node->kind != YDOC_SEQUENCE) {
        fail_at(p, node, "users", "must be a list of users");
        return false;
    }
    s->users = calloc(node->count ? node->count : 1, sizeof *s->users);
    if (!s->users)
        return false;
    for (size_t i = 0; i < node->count; i++) {
        const struct ydoc_node *u = node->items[i];
        char where[64];
        snprintf(where, sizeof where, "users[%zu]", i);
        if (u->kind != YDOC_MAPPING) {
            fail_at(p, u, where, "must be a mapping with at least 'name'");
            return false;
        }
        struct prov_user *out = &s->users[s->user_count++];
        out->at = origin(p, u);
        out->enabled = true;
        const struct ydoc_node *pw = ydoc_map_get(u, "password");
        if (!only_known(p, u, where, known) || !required_string(p, u, "name", where, &out->name) ||
            !optional_string(p, u, "full_name", where, &out->full_name) ||
            !optional_string(p, u, "description", where, &out->description) ||
            !optional_string(p, u, "unix_account", where, &out->unix_account) ||
            !optional_bool(p, u, "enabled", where, &out->enabled) ||
            !optional_bool(p, u, "password_never_expires", where, &out->password_never_expires) ||
            !string_list(p, u, "groups", where, &out->groups, &out->group_count) ||
            (pw && !parse_password(p, pw, where, out)))
            return false;
    }
    return true;
}

static bool parse_level(struct parse *p, const struct ydoc_node *node, const char *field,
                        enum prov_level *level)
{
    static const char *const names[] = { "read", "change", "full" };
    if (node->kind == YDOC_SCALAR)
        for (int i = 0; i < 3; i++)
            if (strcasecmp(node->text, names[i]) == 0) {
                *level = (enum prov_level)i;
                return true;
            }
    fail_at(p, node, field, "must be read, change or full");
    return false;
}

static bool parse_number(struct parse *p, const struct ydoc_node *node, const char *field,
                         long min, long max, int base, long *value)
{
    if (node->kind == YDOC_SCALAR && node->text[0]) {
        char *end;
        errno = 0;
        long v = strtol(node->text, &end, base);
        if (!errno && !*end && v >= min && v <= max) {
            *value = v;
            return true;
        }
    }
    fail_at(p, node, field, "must be a number from %ld to %ld", min, max);
    return false;
}

static bool parse_create(struct parse *p, const struct ydoc_node *node, const char *where,
                         struct prov_share *sh)
{
    static const char *const known[] = { "owner", "group", "mode", NULL };
    char field[96];
    snprintf(field, sizeof field, "%s.create", where);
    sh->create_mode = 0755;
    if (node->kind == YDOC_SCALAR) {
        bool b = false;
        if (node->plain && (strcasecmp(node->text, "true") == 0 || strcasecmp(node->text, "yes") == 0))
            b = true;
        else if (!(node->plain && (strcasecmp(node->text, "false") == 0 ||
                                   strcasecmp(node->text, "no") == 0))) {
            fail_at(p, node, field, "must be true, false or {owner, group, mode}");
            return false;
        }
        sh->create = b;
        return true;
    }
    if (node->kind != YDOC_MAPPING) {
        fail_at(p, node, field, "must be true, false or {owner, group, mode}");
        return false;
    }
    sh->create = true;
    if (!only_known(p, node, field, known) ||
        !optional_string(p, node, "owner", field, &sh->create_owner) ||
        !optional_string(p, node, "group", field, &sh->create_group))
        return false;
    const struct ydoc_node *mode = ydoc_map_get(node, "mode");
    long v;
    char mode_field[112];
    snprintf(mode_field, sizeof mode_field, "%s.mode", field);
    if (mode && !parse_number(p, mode, mode_field, 0, 07777, 8, &v))
        return false;
    if (mode)
        sh->create_mode = (uint32_t)v;
    return true;
}

static bool parse_shares(struct parse *p, const struct ydoc_node *node, struct prov_spec *s)
{
    static const char *const known[] = { "name", "path", "comment", "read_only", "hidden",
                                         "encrypt", "access_based_enumeration", "caching",
                                         "max_uses", "permissions", "create", "guest_ok",
                                         NULL };
    static const char *const caching[] = { "manual", "documents", "programs", "none" };
    if (node->kind != YDOC_SEQUENCE) {
        fail_at(p, node, "shares", "must be a list of shares");
        return false;
    }
    s->shares = calloc(node->count ? node->count : 1, sizeof *s->shares);
    if (!s->shares)
        return false;
    for (size_t i = 0; i < node->count; i++) {
        const struct ydoc_node *sh = node->items[i];
        char where[64];
        snprintf(where, sizeof where, "shares[%zu]", i);
        if (sh->kind != YDOC_MAPPING) {
            fail_at(p, sh, where, "must be a mapping with at least 'name' and 'path'");
            return false;
        }
        struct prov_share *out = &s->shares[s->share_count++];
        out->at = origin(p, sh);
        out->max_uses = -1;
        if (!only_known(p, sh, where, known) ||
            !required_string(p, sh, "name", where, &out->name) ||
            !required_string(p, sh, "path", where, &out->path) ||
            !optional_string(p, sh, "comment", where, &out->comment) ||
            !optional_bool(p, sh, "read_only", where, &out->read_only) ||
            !optional_bool(p, sh, "hidden", where, &out->hidden) ||
            !optional_bool(p, sh, "encrypt", where, &out->encrypt) ||
            !optional_bool(p, sh, "guest_ok", where, &out->guest_ok) ||
            !optional_bool(p, sh, "access_based_enumeration", where,
                           &out->access_based_enumeration) ||
            !optional_string(p, sh, "caching", where, &out->caching))
            return false;
        char field[96];
        if (out->caching) {
            bool good = false;
            for (int c = 0; c < 4; c++)
                good |= strcmp(out->caching, caching[c]) == 0;
            if (!good) {
                snprintf(field, sizeof field, "%s.caching", where);
                fail_at(p, ydoc_map_get(sh, "caching"), field,
                        "must be manual, documents, programs or none");
                return false;
            }
        }
        const struct ydoc_node *mu = ydoc_map_get(sh, "max_uses");
        if (mu) {
            snprintf(field, sizeof field, "%s.max_uses", where);
            long v;
            if (mu->kind == YDOC_SCALAR && strcmp(mu->text, "unlimited") == 0)
                out->max_uses = -1;
            else if (!parse_number(p, mu, field, 1, 0x7FFFFFFF, 10, &v))
                return false;
            else
                out->max_uses = (int32_t)v;
        }
        const struct ydoc_node *perms = ydoc_map_get(sh, "permissions");
        if (perms) {
            snprintf(field, sizeof field, "%s.permissions", where);
            if (perms->kind != YDOC_MAPPING) {
                fail_at(p, perms, field, "must be a mapping of principal to read, change or full");
                return false;
            }
            out->grants = calloc(perms->count ? perms->count : 1, sizeof *out->grants);
            if (!out->grants)
                return false;
            for (size_t g = 0; g < perms->count; g++) {
                struct prov_grant *gr = &out->grants[out->grant_count];
                char gfield[192];
                snprintf(gfield, sizeof gfield, "%s.%s", field, perms->keys[g]->text);
                if (!parse_level(p, perms->items[g], gfield, &gr->level))
                    return false;
                gr->principal = strdup(perms->keys[g]->text);
                gr->at = origin(p, perms->keys[g]);
                out->grant_count++;
                if (!gr->principal)
                    return false;
            }
        }
        const struct ydoc_node *create = ydoc_map_get(sh, "create");
        if (create && !parse_create(p, create, where, out))
            return false;
    }
    return true;
}

static void free_setting(struct prov_setting *st)
{
    free(st->name);
    free(st->value);
}

static void free_group(struct prov_group *g)
{
    free(g->name);
    free(g->description);
    free_list(g->members, g->member_count);
}

static void free_user(struct prov_user *u)
{
    free(u->name);
    free(u->full_name);
    free(u->description);
    free(u->unix_account);
    free_list(u->groups, u->group_count);
    free(u->password_source);
}

static void free_share(struct prov_share *sh)
{
    free(sh->name);
    free(sh->path);
    free(sh->comment);
    free(sh->caching);
    free(sh->create_owner);
    free(sh->create_group);
    for (size_t g = 0; g < sh->grant_count; g++)
        free(sh->grants[g].principal);
    free(sh->grants);
}

static void free_provider(struct prov_provider *pr)
{
    free(pr->name);
    free(pr->bind_password_source);
}

static void free_contents(struct prov_spec *s)
{
    for (size_t i = 0; i < s->setting_count; i++)
        free_setting(&s->settings[i]);
    free(s->settings);
    for (size_t i = 0; i < s->group_count; i++)
        free_group(&s->groups[i]);
    free(s->groups);
    for (size_t i = 0; i < s->user_count; i++)
        free_user(&s->users[i]);
    free(s->users);
    for (size_t i = 0; i < s->share_count; i++)
        free_share(&s->shares[i]);
    free(s->shares);
    for (size_t i = 0; i < s->provider_count; i++)
        free_provider(&s->providers[i]);
    free(s->providers);
}

struct prov_spec *prov_spec_new(void) { return calloc(1, sizeof(struct prov_spec)); }

void prov_spec_free(struct prov_spec *spec)
{
    if (!spec)
        return;
    free_contents(spec);
    free_list(spec->files, spec->file_count);
    free(spec);
}

/* Moves every object of from into to; an object whose name (case-insensitive,
 * as Windows names are) is already there replaces it in place. */
#define MERGE(to_arr, to_count, from_arr, from_count, type, free_one)                        \
    do {                                                                                     \
        for (size_t i_ = 0; i_ < (from_count); i_++) {                                       \
            size_t j_;                                                                       \
            for (j_ = 0; j_ < (to_count); j_++)                                              \
                if (strcasecmp((to_arr)[j_].name, (from_arr)[i_].name) == 0)                 \
                    break;                                                                   \
            if (j_ == (to_count)) {                                                          \
                type *grown_ = realloc((to_arr), ((to_count) + 1) * sizeof *grown_);         \
                if (!grown_)                                                                 \
                    return -1;                                                               \
                (to_arr) = grown_;                                                           \
                (to_count)++;                                                                \
            } else {                                                                         \
                free_one(&(to_arr)[j_]);                                                     \
            }                                                                                \
            (to_arr)[j_] = (from_arr)[i_];                                                   \
            memset(&(from_arr)[i_], 0, sizeof(from_arr)[i_]);                                \
        }                                                                                    \
        (from_count) = 0;                                                                    \
    } while (0)

static int merge(struct prov_spec *to, struct prov_spec *from)
{
    MERGE(to->settings, to->setting_count, from->settings, from->setting_count,
          struct prov_setting, free_setting);
    MERGE(to->groups, to->group_count, from->groups, from->group_count, struct prov_group,
          free_group);
    MERGE(to->users, to->user_count, from->users, from->user_count, struct prov_user, free_user);
    MERGE(to->shares, to->share_count, from->shares, from->share_count, struct prov_share,
          free_share);
    MERGE(to->providers, to->provider_count, from->providers, from->provider_count, struct prov_provider,
          free_provider);
    return 0;
}

/* Within one file, the same name twice is a mistake, not an override. */
#define CHECK_UNIQUE(p, arr, count, what, node_of)                                           \
    do {                                                                                     \
        for (size_t a_ = 0; a_ < (count); a_++)                                              \
            for (size_t b_ = 0; b_ < a_; b_++)                                               \
                if (strcasecmp((arr)[a_].name, (arr)[b_].name) == 0) {                       \
                    if (asprintf(&(p)->error, "%s:%d:%d: %s: '%s' is listed twice (also at line %d)", \
                                 (p)->doc->name, (arr)[a_].at.line, (arr)[a_].at.column, what, \
                                 (arr)[a_].name, (arr)[b_].at.line) < 0)                     \
                        (p)->error = NULL;                                                   \
                    return -1;                                                               \
                }                                                                            \
    } while (0)

/* providers: {ldap: {bind_password: {file: PATH} | {env: VARIABLE}}}. The
 * provider's other settings are ordinary settings (settings: ldap.uri ...). */
static bool parse_providers(struct parse *p, const struct ydoc_node *node, struct prov_spec *s)
{
    static const char *const names[] = { "ldap", NULL };
    static const char *const known[] = { "bind_password", NULL };
    if (node->kind != YDOC_MAPPING) {
        fail_at(p, node, "providers", "must be a mapping of provider name (ldap) to its secrets");
        return false;
    }
    if (!only_known(p, node, "providers", names))
        return false;
    s->providers = calloc(node->count ? node->count : 1, sizeof *s->providers);
    if (!s->providers)
        return false;
    for (size_t i = 0; i < node->count; i++) {
        const struct ydoc_node *item = node->items[i];
        char where[64];
        snprintf(where, sizeof where, "providers.%s", node->keys[i]->text);
        if (item->kind != YDOC_MAPPING) {
            fail_at(p, item, where, "must be a mapping (bind_password)");
            return false;
        }
        if (!only_known(p, item, where, known))
            return false;
        struct prov_provider *pr = &s->providers[s->provider_count];
        pr->name = strdup(node->keys[i]->text);
        pr->at = origin(p, item);
        s->provider_count++;
        if (!pr->name)
            return false;
        const struct ydoc_node *pw = ydoc_map_get(item, "bind_password");
        if (!pw)
            continue;
        /* The users' password forms, without nt_hash: a bind password is
         * sent to the directory, not a hash. */
        struct prov_user scratch = { 0 };
        bool good = parse_password(p, pw, where, &scratch);
        if (good && scratch.password_kind == PROV_PASSWORD_NT_HASH) {
            fail_at(p, pw, where, "bind_password must be {file: PATH} or {env: VARIABLE}");
            good = false;
        }
        pr->bind_password_kind = good ? scratch.password_kind : PROV_PASSWORD_NONE;
        pr->bind_password_source = scratch.password_source;
        if (!good)
            return false;
    }
    return true;
}

static int parse_document(struct parse *p, struct prov_spec *part)
{
    static const char *const known[] = { "settings", "groups", "users", "shares", "providers", NULL };
    const struct ydoc_node *root = p->doc->root;
    if (!root)
        return 0; /* an empty file describes nothing */
    if (root->kind != YDOC_MAPPING) {
        fail_at(p, root, NULL, "the file must be a mapping with settings, groups, users, shares");
        return -1;
    }
    if (!only_known(p, root, NULL, known))
        return -1;
    const struct ydoc_node *n;
    if ((n = ydoc_map_get(root, "settings")) && !parse_settings(p, n, part))
        return -1;
    if ((n = ydoc_map_get(root, "groups")) && !parse_groups(p, n, part))
        return -1;
    if ((n = ydoc_map_get(root, "users")) && !parse_users(p, n, part))
        return -1;
    if ((n = ydoc_map_get(root, "shares")) && !parse_shares(p, n, part))
        return -1;
    if ((n = ydoc_map_get(root, "providers")) && !parse_providers(p, n, part))
        return -1;
    CHECK_UNIQUE(p, part->groups, part->group_count, "groups", 0);
    CHECK_UNIQUE(p, part->users, part->user_count, "users", 0);
    CHECK_UNIQUE(p, part->shares, part->share_count, "shares", 0);
    return 0;
}

static int load_doc(struct prov_spec *spec, struct ydoc *doc, char **error)
{
    char **files = realloc(spec->files, (spec->file_count + 1) * sizeof *files);
    if (!files) {
        ydoc_free(doc);
        *error = strdup("out of memory");
        return -1;
    }
    spec->files = files;
    files[spec->file_count] = strdup(doc->name);
    if (!files[spec->file_count]) {
        ydoc_free(doc);
        *error = strdup("out of memory");
        return -1;
    }
    struct parse p = { .doc = doc, .file = files[spec->file_count] };
    struct prov_spec part = { 0 };
    int rc = parse_document(&p, &part);
    if (rc == 0 && merge(spec, &part) != 0) {
        p.error = strdup("out of memory");
        rc = -1;
    }
    if (rc == 0 && p.error)
        rc = -1;
    free_contents(&part);
    ydoc_free(doc);
    if (rc) {
        free(files[spec->file_count]);
        *error = p.error ? p.error : strdup("out of memory");
        return -1;
    }
    spec->file_count++;
    return 0;
}

int prov_spec_load(struct prov_spec *spec, const char *path, char **error)
{
    struct ydoc *doc = ydoc_load_file(path, NULL, error);
    return doc ? load_doc(spec, doc, error) : -1;
}

int prov_spec_load_string(struct prov_spec *spec, const char *name, const char *text,
                          char **error)
{
    struct ydoc *doc = ydoc_load_string(name, text, strlen(text), NULL, error);
    return doc ? load_doc(spec, doc, error) : -1;
}

const char *prov_level_name(enum prov_level level)
{
    return level == PROV_FULL ? "full" : level == PROV_CHANGE ? "change" : "read";
}
