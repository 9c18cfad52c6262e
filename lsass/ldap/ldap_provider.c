/* The LDAP directory provider (see ldap_provider.h): lookups through a cache,
 * NTLM, password and Kerberos-principal logons, tokens. */
#include "lsass/ldap/ldap_provider.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/ldap/ldap_internal.h"
#include "lsass/ldap/ldap_values.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"

#define CACHE_MAX 1024 /* users (and groups) remembered; the oldest goes first */

/* One remembered account: a user (with its groups' gids and SIDs once a
 * logon or initgroups asked) or a group. */
struct cached {
    bool used;
    struct ldap_account account;
    int64_t fetched;
    bool groups_known;
    uint32_t *group_gids;
    struct sid *group_sids;
    size_t group_count;
};

/* A name or id the directory said it does not have, so that `ls -l` over
 * files of unknown uids does not search once per file (NEGATIVE_MAX kept,
 * for at most NEGATIVE_TTL seconds or ldap.cache-ttl if shorter). */
#define NEGATIVE_MAX 256
#define NEGATIVE_TTL 60
struct negative {
    bool used, group;
    char name[LDAP_NAME_MAX + 1]; /* "" when by id */
    uint32_t id;
    int64_t at;
};

struct ldap_provider {
    struct lsa_provider provider;
    pthread_mutex_t lock;       /* reg, conf, the caches */
    struct registry *reg;
    uint64_t conf_counter;
    bool conf_loaded;
    struct ldap_conf conf;
    struct ldap_pool pool;
    struct cached users[CACHE_MAX];
    struct cached groups[CACHE_MAX];
    struct negative negatives[NEGATIVE_MAX];
    /* The last enumeration of each kind: getent pages through it one
     * request at a time, and each page would otherwise search it all. */
    struct ldap_account *listed[2];
    size_t listed_count[2];
    int64_t listed_at[2];
    size_t negative_next;   /* the slot the next one takes (round robin) */
};

static const struct lsa_provider_ops ldap_ops;

static struct ldap_provider *ldap_of(struct lsa_provider *p) { return p->data; }

bool lsa_is_ldap_provider(const struct lsa_provider *p) { return p && p->ops == &ldap_ops; }

void ldap_account_clear(struct ldap_account *a)
{
    free(a->name);
    free(a->gecos);
    free(a->home);
    free(a->shell);
    for (size_t i = 0; i < a->member_count; i++)
        free(a->members[i]);
    free(a->members);
    memset(a, 0, sizeof *a);
}

void ldap_account_list_free(struct ldap_account *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        ldap_account_clear(&list[i]);
    free(list);
}

static void cached_clear(struct cached *c)
{
    ldap_account_clear(&c->account);
    free(c->group_gids);
    free(c->group_sids);
    memset(c, 0, sizeof *c);
}

/* The settings, re-read when the registry changed; a change of settings
 * drops the pooled connections and the cache (lp->lock held). */
static void refresh_conf(struct ldap_provider *lp)
{
    uint64_t counter = registry_change_counter(lp->reg);
    if (lp->conf_loaded && counter == lp->conf_counter)
        return;
    struct ldap_conf conf;
    if (!NT_SUCCESS(ldap_conf_load(lp->reg, &conf))) {
        ldap_conf_clear(&conf);
        return;
    }
    bool changed = !lp->conf_loaded || strcmp(conf.uris, lp->conf.uris) || strcmp(conf.user_base, lp->conf.user_base) ||
                   strcmp(conf.group_base, lp->conf.group_base) || strcmp(conf.bind_dn, lp->conf.bind_dn) ||
                   conf.starttls != lp->conf.starttls || strcmp(conf.ca_file, lp->conf.ca_file) ||
                   !sid_equal(&conf.domain_sid, &lp->conf.domain_sid) ||
                   (conf.bind_password == NULL) != (lp->conf.bind_password == NULL) ||
                   (conf.bind_password && strcmp(conf.bind_password, lp->conf.bind_password));
    ldap_conf_clear(&lp->conf);
    lp->conf = conf;
    lp->conf_counter = counter;
    lp->conf_loaded = true;
    if (changed) {
        ldap_pool_reset(&lp->pool);
        for (size_t i = 0; i < CACHE_MAX; i++) {
            cached_clear(&lp->users[i]);
            cached_clear(&lp->groups[i]);
        }
        memset(lp->negatives, 0, sizeof lp->negatives);
        for (int k = 0; k < 2; k++) {
            ldap_account_list_free(lp->listed[k], lp->listed_count[k]);
            lp->listed[k] = NULL;
            lp->listed_count[k] = 0;
            lp->listed_at[k] = 0;
        }
    }
}

/* A copy of the settings for one operation outside the lock (the bind
 * password duplicated: free with ldap_conf_clear). */
static NTSTATUS conf_snapshot(struct ldap_provider *lp, struct ldap_conf *conf)
{
    pthread_mutex_lock(&lp->lock);
    refresh_conf(lp);
    *conf = lp->conf;
    conf->bind_password = lp->conf.bind_password ? strdup(lp->conf.bind_password) : NULL;
    bool configured = lp->conf.uris[0] && lp->conf.user_base[0];
    bool no_memory = lp->conf.bind_password && !conf->bind_password;
    pthread_mutex_unlock(&lp->lock);
    if (no_memory)
        return STATUS_NO_MEMORY;
    if (!configured) {
        ldap_conf_clear(conf);
        return STATUS_NO_SUCH_USER; /* not configured: knows nobody */
    }
    return STATUS_SUCCESS;
}

/* ---- The cache (lp->lock held) ------------------------------------------- */

static struct cached *cache_find(struct cached *table, const char *name, uint32_t id)
{
    for (size_t i = 0; i < CACHE_MAX; i++) {
        if (!table[i].used)
            continue;
        if (name ? strcasecmp(table[i].account.name, name) == 0 : table[i].account.id == id)
            return &table[i];
    }
    return NULL;
}

static struct cached *cache_find_sid(struct cached *table, const struct sid *sid)
{
    for (size_t i = 0; i < CACHE_MAX; i++)
        if (table[i].used && sid_equal(&table[i].account.sid, sid))
            return &table[i];
    return NULL;
}

/* Stores a copy of a (replacing the entry of the same id, or the oldest). */
static struct cached *cache_put(struct cached *table, const struct ldap_account *a)
{
    struct cached *slot = cache_find(table, NULL, a->id);
    if (!slot) {
        slot = &table[0];
        for (size_t i = 0; i < CACHE_MAX; i++) {
            if (!table[i].used) {
                slot = &table[i];
                break;
            }
            if (table[i].fetched < slot->fetched)
                slot = &table[i];
        }
    }
    struct cached *by_name = cache_find(table, a->name, 0);
    if (by_name && by_name != slot)
        cached_clear(by_name);
    struct ldap_account copy;
    if (!NT_SUCCESS(ldap_account_copy(a, &copy)))
        return NULL;
    cached_clear(slot);
    slot->used = true;
    slot->account = copy;
    slot->fetched = ldap_now();
    return slot;
}

static void cache_forget(struct cached *table, const char *name, uint32_t id)
{
    struct cached *c = cache_find(table, name, id);
    if (c)
        cached_clear(c);
}

static struct negative *negative_find(struct ldap_provider *lp, bool group, const char *name, uint32_t id,
                                      unsigned ttl)
{
    int64_t now = ldap_now();
    for (size_t i = 0; i < NEGATIVE_MAX; i++) {
        struct negative *n = &lp->negatives[i];
        if (!n->used || n->group != group || now - n->at >= (int64_t)ttl)
            continue;
        if (name ? strcasecmp(n->name, name) == 0 : (!n->name[0] && n->id == id))
            return n;
    }
    return NULL;
}

static void negative_add(struct ldap_provider *lp, bool group, const char *name, uint32_t id)
{
    if (name && strlen(name) > LDAP_NAME_MAX)
        return;
    struct negative *n = &lp->negatives[lp->negative_next];
    lp->negative_next = (lp->negative_next + 1) % NEGATIVE_MAX;
    *n = (struct negative){ .used = true, .group = group, .id = id, .at = ldap_now() };
    if (name)
        snprintf(n->name, sizeof n->name, "%s", name);
}

/* ---- Lookups ------------------------------------------------------------- */

/* A lookup of one account through the cache. group: groups, else users. */
static NTSTATUS lookup(struct ldap_provider *lp, bool group, const char *name, uint32_t id, struct ldap_account *out)
{
    NTSTATUS missing = group ? STATUS_NO_SUCH_GROUP : STATUS_NO_SUCH_USER;
    struct ldap_conf conf;
    memset(out, 0, sizeof *out);
    NTSTATUS status = conf_snapshot(lp, &conf);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_USER ? missing : status;
    struct cached *table = group ? lp->groups : lp->users;
    unsigned negative_ttl = conf.cache_ttl < NEGATIVE_TTL ? conf.cache_ttl : NEGATIVE_TTL;
    pthread_mutex_lock(&lp->lock);
    if (negative_find(lp, group, name, id, negative_ttl)) {
        pthread_mutex_unlock(&lp->lock);
        ldap_conf_clear(&conf);
        return missing;
    }
    struct cached *c = cache_find(table, name, id);
    if (c && ldap_now() - c->fetched < (int64_t)conf.cache_ttl) {
        status = ldap_account_copy(&c->account, out);
        pthread_mutex_unlock(&lp->lock);
        ldap_conf_clear(&conf);
        return status;
    }
    pthread_mutex_unlock(&lp->lock);

    char filter[1024];
    if (!ldap_make_filter(filter, sizeof filter, group ? "posixGroup" : "posixAccount",
                     name ? (group ? "cn" : "uid") : (group ? "gidNumber" : "uidNumber"), name, id)) {
        ldap_conf_clear(&conf);
        return missing;
    }
    struct ldap_account a;
    status = group ? ldap_fetch_group(&lp->pool, &conf, filter, &a) : ldap_fetch_user(&lp->pool, &conf, filter, &a, NULL, NULL, NULL);
    pthread_mutex_lock(&lp->lock);
    if (NT_SUCCESS(status)) {
        cache_put(table, &a);
        *out = a;
    } else if (status == missing) {
        cache_forget(table, name, id);
        negative_add(lp, group, name, id);
    } else if ((c = cache_find(table, name, id))) {
        /* The directory is away: a known identity keeps resolving. */
        status = ldap_account_copy(&c->account, out);
    }
    pthread_mutex_unlock(&lp->lock);
    ldap_conf_clear(&conf);
    return status;
}

NTSTATUS ldap_lookup_user(struct lsa_provider *p, const char *name, uint32_t uid, struct ldap_account *out)
{
    return lookup(ldap_of(p), false, name, uid, out);
}

NTSTATUS ldap_lookup_group(struct lsa_provider *p, const char *name, uint32_t gid, struct ldap_account *out)
{
    return lookup(ldap_of(p), true, name, gid, out);
}

/* The user's groups (memberUid, and the group of its gidNumber), fetched and
 * cached; from the cache when the directory is away. */
static NTSTATUS user_groups(struct ldap_provider *lp, const struct ldap_conf *conf, const struct ldap_account *user,
                            uint32_t **gids_out, struct sid **sids_out, size_t *count_out)
{
    char escaped[3 * LDAP_NAME_MAX + 1], filter[1200];
    *gids_out = NULL;
    *sids_out = NULL;
    *count_out = 0;
    if (!ldap_filter_escape(user->name, escaped, sizeof escaped))
        return STATUS_NO_SUCH_USER;
    snprintf(filter, sizeof filter, "(&(objectClass=posixGroup)(|(memberUid=%s)(gidNumber=%" PRIu32 ")))", escaped,
             user->gid);
    uint32_t *gids = calloc(LDAP_MAX_USER_GROUPS + 1, sizeof *gids);
    struct sid *sids = calloc(LDAP_MAX_USER_GROUPS + 1, sizeof *sids);
    if (!gids || !sids) {
        free(gids);
        free(sids);
        return STATUS_NO_MEMORY;
    }
    /* The primary group first, even without an entry. */
    size_t n = 1;
    gids[0] = user->gid;
    ldap_algorithmic_sid(conf, user->gid, true, &sids[0]);
    LDAP *ld;
    LDAPMessage *res;
    NTSTATUS status = ldap_pool_search(&lp->pool, conf, conf->group_base, filter, ldap_group_attrs,
                                       LDAP_MAX_USER_GROUPS, &ld, &res);
    if (NT_SUCCESS(status)) {
        for (LDAPMessage *e = ldap_first_entry(ld, res); e && n <= LDAP_MAX_USER_GROUPS; e = ldap_next_entry(ld, e)) {
            struct ldap_account g;
            if (!ldap_parse_group(conf, ld, e, &g))
                continue;
            if (g.id == user->gid)
                sids[0] = g.sid;
            else
                gids[n] = g.id, sids[n] = g.sid, n++;
            pthread_mutex_lock(&lp->lock);
            cache_put(lp->groups, &g);
            pthread_mutex_unlock(&lp->lock);
            ldap_account_clear(&g);
        }
        ldap_msgfree(res);
        ldap_pool_give(&lp->pool, ld, false);
    }
    pthread_mutex_lock(&lp->lock);
    struct cached *c = cache_find(lp->users, user->name, 0);
    if (NT_SUCCESS(status)) {
        if (!c)
            c = cache_put(lp->users, user);
        if (c) {
            free(c->group_gids);
            free(c->group_sids);
            c->group_gids = malloc(n * sizeof *gids);
            c->group_sids = malloc(n * sizeof *sids);
            c->groups_known = c->group_gids && c->group_sids;
            if (c->groups_known) {
                memcpy(c->group_gids, gids, n * sizeof *gids);
                memcpy(c->group_sids, sids, n * sizeof *sids);
                c->group_count = n;
            }
        }
    } else if (c && c->groups_known) {
        n = c->group_count < LDAP_MAX_USER_GROUPS ? c->group_count : LDAP_MAX_USER_GROUPS;
        memcpy(gids, c->group_gids, n * sizeof *gids);
        memcpy(sids, c->group_sids, n * sizeof *sids);
        status = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&lp->lock);
    if (!NT_SUCCESS(status)) {
        free(gids);
        free(sids);
        return status;
    }
    *gids_out = gids;
    *sids_out = sids;
    *count_out = n;
    return STATUS_SUCCESS;
}

NTSTATUS ldap_user_gids(struct lsa_provider *p, const char *name, uint32_t **gids, size_t *count)
{
    struct ldap_provider *lp = ldap_of(p);
    struct ldap_account user;
    *gids = NULL;
    *count = 0;
    NTSTATUS status = lookup(lp, false, name, 0, &user);
    if (!NT_SUCCESS(status))
        return status;
    struct ldap_conf conf;
    status = conf_snapshot(lp, &conf);
    struct sid *sids = NULL;
    if (NT_SUCCESS(status)) {
        pthread_mutex_lock(&lp->lock);
        struct cached *c = cache_find(lp->users, name, 0);
        bool fresh = c && c->groups_known && ldap_now() - c->fetched < (int64_t)conf.cache_ttl;
        if (fresh) {
            *gids = malloc(c->group_count * sizeof **gids);
            if (*gids) {
                memcpy(*gids, c->group_gids, c->group_count * sizeof **gids);
                *count = c->group_count;
            }
            status = *gids ? STATUS_SUCCESS : STATUS_NO_MEMORY;
        }
        pthread_mutex_unlock(&lp->lock);
        if (!fresh) {
            status = user_groups(lp, &conf, &user, gids, &sids, count);
            free(sids);
        }
        ldap_conf_clear(&conf);
    }
    ldap_account_clear(&user);
    return status;
}

/* ---- Enumeration --------------------------------------------------------- */

struct list_ctx {
    const struct ldap_conf *conf;
    bool group;
    struct ldap_account *list;
    size_t count, capacity;
};

static bool list_add(LDAP *ld, LDAPMessage *e, void *ctx)
{
    struct list_ctx *l = ctx;
    if (l->count == l->capacity) {
        size_t capacity = l->capacity ? l->capacity * 2 : 64;
        struct ldap_account *bigger = realloc(l->list, capacity * sizeof *bigger);
        if (!bigger)
            return false;
        l->list = bigger;
        l->capacity = capacity;
    }
    struct ldap_account *a = &l->list[l->count];
    if (l->group ? ldap_parse_group(l->conf, ld, e, a) : ldap_parse_user(l->conf, ld, e, a, NULL, NULL, NULL))
        l->count++;
    return true;
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = ((const struct ldap_account *)a)->id, y = ((const struct ldap_account *)b)->id;
    return x < y ? -1 : x > y;
}

#define LIST_TTL 10 /* seconds an enumeration is reused (or ldap.cache-ttl if shorter) */

static NTSTATUS list_copy(const struct ldap_account *from, size_t n, struct ldap_account **list, size_t *count)
{
    *list = n ? calloc(n, sizeof **list) : NULL;
    if (n && !*list)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        if (!NT_SUCCESS(ldap_account_copy(&from[i], &(*list)[i]))) {
            ldap_account_list_free(*list, i);
            *list = NULL;
            return STATUS_NO_MEMORY;
        }
    }
    *count = n;
    return STATUS_SUCCESS;
}

static NTSTATUS list_accounts(struct ldap_provider *lp, bool group, struct ldap_account **list, size_t *count)
{
    struct ldap_conf conf;
    *list = NULL;
    *count = 0;
    NTSTATUS status = conf_snapshot(lp, &conf);
    if (status == STATUS_NO_SUCH_USER)
        return STATUS_SUCCESS; /* not configured: nobody */
    if (!NT_SUCCESS(status))
        return status;
    unsigned ttl = conf.cache_ttl < LIST_TTL ? conf.cache_ttl : LIST_TTL;
    pthread_mutex_lock(&lp->lock);
    if (lp->listed_at[group] && ldap_now() - lp->listed_at[group] < (int64_t)ttl) {
        status = list_copy(lp->listed[group], lp->listed_count[group], list, count);
        pthread_mutex_unlock(&lp->lock);
        ldap_conf_clear(&conf);
        return status;
    }
    pthread_mutex_unlock(&lp->lock);
    struct list_ctx l = { .conf = &conf, .group = group };
    status = ldap_pool_search_paged(&lp->pool, &conf, group ? conf.group_base : conf.user_base,
                                    group ? "(objectClass=posixGroup)" : "(objectClass=posixAccount)",
                                    group ? ldap_group_attrs : ldap_user_attrs, conf.max_entries, list_add, &l);
    ldap_conf_clear(&conf);
    if (!NT_SUCCESS(status)) {
        ldap_account_list_free(l.list, l.count);
        return status;
    }
    qsort(l.list, l.count, sizeof *l.list, by_id);
    /* Ids are unique in the answer (getent pages by id): a duplicate is dropped. */
    size_t kept = 0;
    for (size_t i = 0; i < l.count; i++) {
        if (kept && l.list[kept - 1].id == l.list[i].id) {
            ldap_account_clear(&l.list[i]);
            continue;
        }
        l.list[kept++] = l.list[i];
    }
    *list = l.list;
    *count = kept;
    struct ldap_account *keep = NULL;
    size_t keep_count = 0;
    if (NT_SUCCESS(list_copy(l.list, kept, &keep, &keep_count))) {
        pthread_mutex_lock(&lp->lock);
        ldap_account_list_free(lp->listed[group], lp->listed_count[group]);
        lp->listed[group] = keep;
        lp->listed_count[group] = keep_count;
        lp->listed_at[group] = ldap_now();
        pthread_mutex_unlock(&lp->lock);
    }
    return STATUS_SUCCESS;
}

NTSTATUS ldap_list_users(struct lsa_provider *p, struct ldap_account **list, size_t *count)
{
    return list_accounts(ldap_of(p), false, list, count);
}

NTSTATUS ldap_list_groups(struct lsa_provider *p, struct ldap_account **list, size_t *count)
{
    return list_accounts(ldap_of(p), true, list, count);
}

/* ---- Names and SIDs ------------------------------------------------------ */

/* "LDAP\\name" or "name": the bare name when the domain is ours (or absent). */
static const char *strip_domain(struct ldap_provider *lp, const char *name)
{
    const char *slash = strchr(name, '\\');
    if (!slash)
        return name;
    pthread_mutex_lock(&lp->lock);
    refresh_conf(lp);
    bool ours = strncasecmp(name, lp->conf.domain_name, (size_t)(slash - name)) == 0 &&
                strlen(lp->conf.domain_name) == (size_t)(slash - name);
    pthread_mutex_unlock(&lp->lock);
    return ours ? slash + 1 : NULL;
}

NTSTATUS ldap_name_to_sid(struct lsa_provider *p, const char *name, struct sid *sid, bool *is_group)
{
    struct ldap_provider *lp = ldap_of(p);
    const char *bare = strip_domain(lp, name);
    if (!bare || !bare[0])
        return STATUS_NONE_MAPPED;
    struct ldap_account a;
    NTSTATUS status = lookup(lp, true, bare, 0, &a);
    bool group = NT_SUCCESS(status);
    if (status == STATUS_NO_SUCH_GROUP)
        status = lookup(lp, false, bare, 0, &a);
    if (!NT_SUCCESS(status))
        return status == STATUS_NO_SUCH_USER ? STATUS_NONE_MAPPED : status;
    *sid = a.sid;
    if (is_group)
        *is_group = group;
    ldap_account_clear(&a);
    return STATUS_SUCCESS;
}

NTSTATUS ldap_sid_to_name(struct lsa_provider *p, const struct sid *sid, char **name, bool *is_group)
{
    struct ldap_provider *lp = ldap_of(p);
    *name = NULL;
    pthread_mutex_lock(&lp->lock);
    refresh_conf(lp);
    struct sid domain = lp->conf.domain_sid;
    struct cached *c = cache_find_sid(lp->users, sid);
    bool group = false;
    if (!c && (c = cache_find_sid(lp->groups, sid)))
        group = true;
    if (c)
        *name = strdup(c->account.name);
    pthread_mutex_unlock(&lp->lock);
    if (c) {
        if (is_group)
            *is_group = group;
        return *name ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    /* An algorithmic SID names its id; otherwise ask for the sambaSID. */
    uint32_t rid;
    struct ldap_account a;
    NTSTATUS status = STATUS_NONE_MAPPED;
    if (sid_split_rid(sid, &domain, &rid) && rid >= 1000) {
        group = rid % 2 == 1;
        status = lookup(lp, group, NULL, (rid - (group ? 1001 : 1000)) / 2, &a);
        if (NT_SUCCESS(status) && !sid_equal(&a.sid, sid)) {
            ldap_account_clear(&a);
            status = STATUS_NONE_MAPPED;
        }
    } else {
        struct ldap_conf conf;
        char text[SID_STRING_MAX], filter[300];
        sid_format(sid, text, sizeof text);
        if (NT_SUCCESS(conf_snapshot(lp, &conf))) {
            snprintf(filter, sizeof filter, "(&(objectClass=posixGroup)(sambaSID=%s))", text);
            status = ldap_fetch_group(&lp->pool, &conf, filter, &a);
            group = NT_SUCCESS(status);
            if (!group) {
                snprintf(filter, sizeof filter, "(&(objectClass=posixAccount)(sambaSID=%s))", text);
                status = ldap_fetch_user(&lp->pool, &conf, filter, &a, NULL, NULL, NULL);
            }
            ldap_conf_clear(&conf);
        }
    }
    if (!NT_SUCCESS(status))
        return STATUS_NONE_MAPPED;
    *name = a.name;
    a.name = NULL;
    ldap_account_clear(&a);
    if (is_group)
        *is_group = group;
    return STATUS_SUCCESS;
}

/* ---- Logons -------------------------------------------------------------- */

/* The token of a directory user: its SID, its groups' SIDs (the primary
 * group first), the logon groups, the SAM aliases that hold any of them, the
 * rights, and its directory uid and gid. */
static NTSTATUS build_token(struct ldap_provider *lp, const struct ldap_conf *conf, const struct ldap_account *user,
                            struct lsa_logon_result *result)
{
    uint32_t *gids;
    struct sid *sids;
    size_t count;
    NTSTATUS status = user_groups(lp, conf, user, &gids, &sids, &count);
    if (!NT_SUCCESS(status))
        return status;
    result->token = token_new(&user->sid, &sids[0]);
    if (!result->token)
        status = STATUS_NO_MEMORY;
    for (size_t i = 0; NT_SUCCESS(status) && i < count; i++)
        if (token_add_group(result->token, &sids[i]))
            status = STATUS_NO_MEMORY;
    free(gids);
    free(sids);
    if (NT_SUCCESS(status))
        status = lsa_token_add_logon_groups(result->token, false);
    if (NT_SUCCESS(status)) {
        pthread_mutex_lock(&lp->lock);
        status = sam_token_add_aliases(lp->reg, result->token);
        if (status == STATUS_INVALID_DEVICE_STATE)
            status = STATUS_SUCCESS; /* no SAM: no aliases */
        if (NT_SUCCESS(status))
            status = sam_token_apply_rights(lp->reg, result->token);
        pthread_mutex_unlock(&lp->lock);
    }
    if (NT_SUCCESS(status)) {
        result->user = strdup(user->name);
        result->domain = strdup(conf->domain_name);
        if (!result->user || !result->domain)
            status = STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(status))
        status = lsa_token_finish(result->token, (uid_t)user->id, (gid_t)user->gid);
    return status;
}

/* A logon proved by NTLMv2 (req) or by the password: the user and its NT
 * hash always come from the directory (a changed password or a disabled
 * account applies at once). */
static NTSTATUS ldap_logon(struct lsa_provider *p, const struct lsa_settings *settings, const char *name,
                           const struct ntlm_logon_request *req, const char *password,
                           struct lsa_logon_result *result)
{
    struct ldap_provider *lp = ldap_of(p);
    struct ldap_conf conf;
    char filter[1024];
    NTSTATUS status = conf_snapshot(lp, &conf);
    if (!NT_SUCCESS(status))
        return status;
    if (!ldap_make_filter(filter, sizeof filter, "posixAccount", "uid", name, 0)) {
        ldap_conf_clear(&conf);
        return STATUS_NO_SUCH_USER;
    }
    struct ldap_account user;
    uint8_t hash[16] = { 0 }, key[16], given[16], empty[16];
    bool has_hash = false, disabled = false;
    status = ldap_fetch_user(&lp->pool, &conf, filter, &user, &has_hash, hash, &disabled);
    if (status == STATUS_NO_LOGON_SERVERS) {
        /* Not ours to say "no such user": if the directory knew this name,
         * its logon fails here rather than falling through to Guest. */
        pthread_mutex_lock(&lp->lock);
        bool known = cache_find(lp->users, name, 0) != NULL;
        pthread_mutex_unlock(&lp->lock);
        log_warning("ldap: logon of %s: the directory is unreachable (%s)", name,
                    known ? "a known directory user" : "unknown here");
        ldap_conf_clear(&conf);
        return STATUS_NO_LOGON_SERVERS;
    }
    if (!NT_SUCCESS(status)) {
        ldap_conf_clear(&conf);
        return status == STATUS_UNSUCCESSFUL ? STATUS_NO_LOGON_SERVERS : status;
    }
    if (!has_hash) {
        log_info("ldap: %s has no sambaNTPassword: only a Kerberos logon can work", user.name);
        status = STATUS_LOGON_FAILURE;
    } else if (req) {
        status = ntlm_ntowfv2(hash, req->user, req->domain, key);
        if (NT_SUCCESS(status))
            status = ntlm_v2_verify(key, req->server_challenge, req->nt_response.data, req->nt_response.len,
                                    result->session_base_key);
        if (status == STATUS_WRONG_PASSWORD)
            status = STATUS_LOGON_FAILURE;
    } else if (crypto_nt_hash(password, given) != 0) {
        status = STATUS_NO_MEMORY;
    } else {
        status = crypto_memcmp(hash, given, sizeof hash) == 0 ? STATUS_SUCCESS : STATUS_LOGON_FAILURE;
    }
    if (NT_SUCCESS(status) && crypto_nt_hash("", empty) == 0 && memcmp(hash, empty, 16) == 0 &&
        !settings->allow_blank_passwords)
        status = STATUS_ACCOUNT_RESTRICTION;
    if (NT_SUCCESS(status) && disabled)
        status = STATUS_ACCOUNT_DISABLED;
    crypto_wipe(hash, sizeof hash);
    crypto_wipe(key, sizeof key);
    crypto_wipe(given, sizeof given);
    if (NT_SUCCESS(status)) {
        pthread_mutex_lock(&lp->lock);
        cache_put(lp->users, &user);
        pthread_mutex_unlock(&lp->lock);
        result->has_session_base_key = req != NULL;
        status = build_token(lp, &conf, &user, result);
    }
    if (!NT_SUCCESS(status))
        crypto_wipe(result->session_base_key, sizeof result->session_base_key);
    ldap_account_clear(&user);
    ldap_conf_clear(&conf);
    return status;
}

static NTSTATUS ldap_ntlm_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                const struct ntlm_logon_request *req, struct lsa_logon_result *result)
{
    if (!req->user || !req->user[0])
        return STATUS_NO_SUCH_USER;
    return ldap_logon(p, settings, req->user, req, NULL, result);
}

static NTSTATUS ldap_password_logon(struct lsa_provider *p, const struct lsa_settings *settings, const char *user,
                                    const char *password, struct lsa_logon_result *result)
{
    return ldap_logon(p, settings, user, NULL, password ? password : "", result);
}

static NTSTATUS ldap_account_check(struct lsa_provider *p, const struct lsa_settings *settings, const char *name)
{
    struct ldap_account a;
    NTSTATUS status = ldap_lookup_user(p, name, 0, &a);
    if (NT_SUCCESS(status))
        ldap_account_clear(&a);
    return status;
}

/* A Kerberos principal (the krb5 mechanism asks, after the SAM for one of the
 * machine's realm): "name@REALM" is the directory user "name". The ticket
 * proved who it is; the directory says whether the account may log on and
 * which groups it has. As for NTLM, the entry is read from the directory at
 * each logon, so a disabled account (sambaAcctFlags) is refused at once, not
 * after ldap.cache-ttl; only while the directory is away does the cache
 * answer (a known identity keeps working, its groups as last seen). */
static NTSTATUS ldap_principal_logon(struct lsa_provider *p, const struct lsa_settings *settings,
                                     const struct lsa_mech_result *mech, struct lsa_logon_result *result)
{
    (void)settings;
    struct ldap_provider *lp = ldap_of(p);
    char name[LDAP_NAME_MAX + 1], filter[1024];
    const char *at = mech->principal ? strrchr(mech->principal, '@') : NULL;
    size_t len = at ? (size_t)(at - mech->principal) : (mech->principal ? strlen(mech->principal) : 0);
    if (!ldap_value_name(mech->principal, len, name, sizeof name))
        return STATUS_NO_SUCH_USER;
    struct ldap_conf conf;
    NTSTATUS status = conf_snapshot(lp, &conf);
    if (!NT_SUCCESS(status))
        return status;
    if (!ldap_make_filter(filter, sizeof filter, "posixAccount", "uid", name, 0)) {
        ldap_conf_clear(&conf);
        return STATUS_NO_SUCH_USER;
    }
    struct ldap_account user;
    bool disabled = false;
    memset(&user, 0, sizeof user);
    status = ldap_fetch_user(&lp->pool, &conf, filter, &user, NULL, NULL, &disabled);
    pthread_mutex_lock(&lp->lock);
    if (NT_SUCCESS(status)) {
        cache_put(lp->users, &user);
    } else if (status == STATUS_NO_SUCH_USER) {
        cache_forget(lp->users, name, 0); /* gone from the directory: gone here */
    } else if (status == STATUS_NO_LOGON_SERVERS || status == STATUS_UNSUCCESSFUL) {
        /* The directory is away: a user it knew keeps logging on. */
        struct cached *c = cache_find(lp->users, name, 0);
        status = c ? ldap_account_copy(&c->account, &user) : STATUS_NO_LOGON_SERVERS;
        if (!c)
            log_warning("ldap: Kerberos logon of %s: the directory is unreachable", name);
    }
    pthread_mutex_unlock(&lp->lock);
    if (NT_SUCCESS(status) && disabled) {
        log_info("ldap: %s is disabled (sambaAcctFlags): Kerberos logon refused", user.name);
        status = STATUS_ACCOUNT_DISABLED;
    }
    if (NT_SUCCESS(status))
        status = build_token(lp, &conf, &user, result);
    ldap_account_clear(&user);
    ldap_conf_clear(&conf);
    return status;
}

static void ldap_free(struct lsa_provider *p)
{
    struct ldap_provider *lp = ldap_of(p);
    ldap_pool_destroy(&lp->pool);
    for (size_t i = 0; i < CACHE_MAX; i++) {
        cached_clear(&lp->users[i]);
        cached_clear(&lp->groups[i]);
    }
    for (int k = 0; k < 2; k++)
        ldap_account_list_free(lp->listed[k], lp->listed_count[k]);
    ldap_conf_clear(&lp->conf);
    registry_close(lp->reg);
    pthread_mutex_destroy(&lp->lock);
    free(lp);
}

static const struct lsa_provider_ops ldap_ops = {
    .name = "ldap",
    .ntlm_logon = ldap_ntlm_logon,
    .password_logon = ldap_password_logon,
    .account_check = ldap_account_check,
    .principal_logon = ldap_principal_logon,
    .free = ldap_free,
};

NTSTATUS lsa_ldap_provider_new(const char *db_path, struct lsa_provider **provider)
{
    struct ldap_provider *lp = calloc(1, sizeof *lp);
    *provider = NULL;
    if (!lp)
        return STATUS_NO_MEMORY;
    NTSTATUS status = registry_open(db_path, &lp->reg);
    if (!NT_SUCCESS(status)) {
        free(lp);
        return status;
    }
    pthread_mutex_init(&lp->lock, NULL);
    ldap_pool_init(&lp->pool);
    lp->provider.ops = &ldap_ops;
    lp->provider.data = lp;
    *provider = &lp->provider;
    return STATUS_SUCCESS;
}
