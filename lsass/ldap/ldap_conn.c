/* The LDAP provider's settings, connection pool and searches
 * (ldap_internal.h). */
#include "lsass/ldap/ldap_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/idmap/idmap.h"
#include "lsass/ldap/ldap_provider.h"
#include "registry/registry.h"

int64_t ldap_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

static void get_string(struct registry *reg, const char *name, char *out, size_t size)
{
    char *v = NULL;
    out[0] = '\0';
    if (NT_SUCCESS(registry_setting_get_string(reg, name, &v)) && v)
        snprintf(out, size, "%s", v);
    free(v);
}

static unsigned get_dword(struct registry *reg, const char *name, unsigned fallback)
{
    uint32_t v;
    return NT_SUCCESS(registry_setting_get_dword(reg, name, &v)) ? v : fallback;
}

/* The default domain SID: S-1-5-21 and three sub-authorities from
 * MD5("samewise-ldap:" + the lower-cased user base), so that every server
 * reading one directory derives the same SIDs (docs/ldap.md). */
static void derive_domain_sid(const char *user_base, struct sid *sid)
{
    char text[1100];
    size_t n = (size_t)snprintf(text, sizeof text, "samewise-ldap:%s", user_base);
    if (n >= sizeof text)
        n = sizeof text - 1;
    for (size_t i = 0; i < n; i++)
        text[i] = (char)tolower((unsigned char)text[i]);
    uint8_t digest[16];
    crypto_md5(text, n, digest);
    memset(sid, 0, sizeof *sid);
    sid->revision = 1;
    sid->authority[5] = 5;
    sid->sub_authority_count = 4;
    sid->sub_authority[0] = 21;
    for (int i = 0; i < 3; i++)
        sid->sub_authority[1 + i] = (uint32_t)digest[4 * i] | (uint32_t)digest[4 * i + 1] << 8 |
                                    (uint32_t)digest[4 * i + 2] << 16 | (uint32_t)digest[4 * i + 3] << 24;
}

NTSTATUS ldap_conf_load(struct registry *reg, struct ldap_conf *conf)
{
    memset(conf, 0, sizeof *conf);
    char **uris = NULL;
    size_t count = 0;
    if (NT_SUCCESS(registry_setting_get_multi(reg, "ldap.uri", &uris, &count)) && uris) {
        size_t used = 0;
        for (size_t i = 0; i < count; i++) {
            if (!uris[i][0])
                continue;
            int n = snprintf(conf->uris + used, sizeof conf->uris - used, "%s%s", used ? " " : "", uris[i]);
            if (n < 0 || (size_t)n >= sizeof conf->uris - used)
                break;
            used += (size_t)n;
        }
    }
    registry_strv_free(uris);
    get_string(reg, "ldap.user-base", conf->user_base, sizeof conf->user_base);
    get_string(reg, "ldap.group-base", conf->group_base, sizeof conf->group_base);
    if (!conf->group_base[0])
        snprintf(conf->group_base, sizeof conf->group_base, "%s", conf->user_base);
    get_string(reg, "ldap.bind-dn", conf->bind_dn, sizeof conf->bind_dn);
    char tls[16];
    get_string(reg, "ldap.tls", tls, sizeof tls);
    conf->starttls = strcmp(tls, "starttls") == 0;
    get_string(reg, "ldap.ca-file", conf->ca_file, sizeof conf->ca_file);
    conf->timeout = get_dword(reg, "ldap.timeout", 5);
    conf->cache_ttl = get_dword(reg, "ldap.cache-ttl", 300);
    conf->pool_size = get_dword(reg, "ldap.pool-size", 4);
    if (conf->pool_size < 1 || conf->pool_size > LDAP_MAX_POOL)
        conf->pool_size = 4;
    conf->max_entries = get_dword(reg, "ldap.max-entries", 10000);
    conf->page_size = get_dword(reg, "ldap.page-size", 500);
    get_string(reg, "ldap.domain-name", conf->domain_name, sizeof conf->domain_name);
    if (!conf->domain_name[0])
        snprintf(conf->domain_name, sizeof conf->domain_name, "LDAP");
    char sid[200];
    get_string(reg, "ldap.domain-sid", sid, sizeof sid);
    if (!sid[0] || !NT_SUCCESS(sid_parse(sid, &conf->domain_sid)) ||
        conf->domain_sid.sub_authority_count > SID_MAX_SUB_AUTHORITIES - 1)
        derive_domain_sid(conf->user_base, &conf->domain_sid);
    conf->min_id = get_dword(reg, "ldap.min-id", 1000);
    struct idmap_range range;
    if (NT_SUCCESS(idmap_range_get(reg, &range))) {
        conf->have_sam_range = true;
        conf->sam_first = (uint32_t)range.first;
        conf->sam_last = (uint32_t)range.last;
    }
    NTSTATUS status = ldap_secret_get(reg, "ldap", "bind-password", &conf->bind_password);
    if (status == STATUS_NOT_FOUND)
        status = STATUS_SUCCESS;
    return status;
}

bool ldap_conf_id_allowed(const struct ldap_conf *conf, uint32_t id)
{
    if (id < conf->min_id)
        return false;
    return !(conf->have_sam_range && id >= conf->sam_first && id <= conf->sam_last);
}

void ldap_conf_clear(struct ldap_conf *conf)
{
    if (conf->bind_password) {
        crypto_wipe(conf->bind_password, strlen(conf->bind_password));
        free(conf->bind_password);
        conf->bind_password = NULL;
    }
}

void ldap_pool_init(struct ldap_pool *pool)
{
    memset(pool, 0, sizeof *pool);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->freed, NULL);
}

void ldap_pool_reset(struct ldap_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    for (size_t i = 0; i < LDAP_MAX_POOL; i++) {
        if (pool->conns[i] && !pool->busy[i]) {
            ldap_unbind_ext_s(pool->conns[i], NULL, NULL);
            pool->conns[i] = NULL;
        }
    }
    pool->generation++;
    pool->down_until = 0;
    pthread_mutex_unlock(&pool->lock);
}

void ldap_pool_destroy(struct ldap_pool *pool)
{
    ldap_pool_reset(pool);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->freed);
}

/* The libldap errors that mean "the directory is not there". */
static bool unreachable(int rc)
{
    return rc == LDAP_SERVER_DOWN || rc == LDAP_TIMEOUT || rc == LDAP_CONNECT_ERROR || rc == LDAP_UNAVAILABLE ||
           rc == LDAP_BUSY;
}

int ldap_dir_connect(const struct ldap_conf *conf, LDAP **out, char *why, size_t why_size)
{
    LDAP *ld = NULL;
    *out = NULL;
    if (!conf->uris[0]) {
        snprintf(why, why_size, "ldap.uri is not set");
        return LDAP_PARAM_ERROR;
    }
    int rc = ldap_initialize(&ld, conf->uris);
    if (rc != LDAP_SUCCESS) {
        snprintf(why, why_size, "bad ldap.uri \"%s\": %s", conf->uris, ldap_err2string(rc));
        return rc;
    }
    int version = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
    struct timeval tv = { .tv_sec = (time_t)conf->timeout };
    ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    if (conf->ca_file[0])
        ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, conf->ca_file);
    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
    if (conf->starttls && strncmp(conf->uris, "ldaps:", 6) != 0) {
        rc = ldap_start_tls_s(ld, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            snprintf(why, why_size, "StartTLS with %s failed: %s", conf->uris, ldap_err2string(rc));
            ldap_unbind_ext_s(ld, NULL, NULL);
            return rc;
        }
    }
    struct berval cred = { 0, NULL };
    if (conf->bind_password) {
        cred.bv_val = conf->bind_password;
        cred.bv_len = strlen(conf->bind_password);
    }
    rc = ldap_sasl_bind_s(ld, conf->bind_dn[0] ? conf->bind_dn : NULL, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
    if (rc != LDAP_SUCCESS) {
        if (rc == LDAP_INVALID_CREDENTIALS)
            snprintf(why, why_size, "bind as \"%s\" refused: wrong ldap.bind-dn or bind password",
                     conf->bind_dn[0] ? conf->bind_dn : "(anonymous)");
        else if (unreachable(rc))
            snprintf(why, why_size, "cannot reach %s within %us: %s", conf->uris, conf->timeout,
                     ldap_err2string(rc));
        else
            snprintf(why, why_size, "bind as \"%s\" failed: %s", conf->bind_dn[0] ? conf->bind_dn : "(anonymous)",
                     ldap_err2string(rc));
        ldap_unbind_ext_s(ld, NULL, NULL);
        return rc;
    }
    *out = ld;
    return LDAP_SUCCESS;
}

/* A connection for one operation: an idle pooled one, or a new one in a free
 * slot (waiting at most the timeout for a slot). *fresh says whether it was
 * just made (a stale pooled one is worth one retry). */
static NTSTATUS pool_take(struct ldap_pool *pool, const struct ldap_conf *conf, LDAP **ld, bool *fresh)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)conf->timeout;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        if (pool->down_until && ldap_now() < pool->down_until) {
            pthread_mutex_unlock(&pool->lock);
            return STATUS_NO_LOGON_SERVERS;
        }
        int free_slot = -1;
        for (unsigned i = 0; i < conf->pool_size; i++) {
            if (pool->busy[i])
                continue;
            if (pool->conns[i]) {
                pool->busy[i] = true;
                *ld = pool->conns[i];
                *fresh = false;
                pthread_mutex_unlock(&pool->lock);
                return STATUS_SUCCESS;
            }
            if (free_slot < 0)
                free_slot = (int)i;
        }
        if (free_slot >= 0) {
            pool->busy[free_slot] = true;
            uint64_t generation = pool->generation; /* the settings conf holds */
            pthread_mutex_unlock(&pool->lock);
            char why[256];
            LDAP *made = NULL;
            int rc = ldap_dir_connect(conf, &made, why, sizeof why);
            pthread_mutex_lock(&pool->lock);
            if (rc != LDAP_SUCCESS) {
                pool->busy[free_slot] = false;
                snprintf(pool->last_error, sizeof pool->last_error, "%s", why);
                /* Unreachable or refusing our bind: either way nobody can
                 * log on through it now; wait a little before trying again. */
                pool->down_until = ldap_now() + LDAP_RETRY_SECONDS;
                pthread_cond_broadcast(&pool->freed);
                pthread_mutex_unlock(&pool->lock);
                log_warning("ldap: %s", why);
                return unreachable(rc) || rc == LDAP_INVALID_CREDENTIALS ? STATUS_NO_LOGON_SERVERS
                                                                         : STATUS_UNSUCCESSFUL;
            }
            if (pool->down_until)
                log_warning("ldap: the directory is reachable again");
            pool->down_until = 0;
            pool->conns[free_slot] = made;
            pool->made_in[free_slot] = generation;
            *ld = made;
            *fresh = true;
            pthread_mutex_unlock(&pool->lock);
            return STATUS_SUCCESS;
        }
        if (pthread_cond_timedwait(&pool->freed, &pool->lock, &deadline) != 0) {
            pthread_mutex_unlock(&pool->lock);
            return STATUS_NO_LOGON_SERVERS;
        }
    }
}

void ldap_pool_give(struct ldap_pool *pool, LDAP *ld, bool broken)
{
    if (!ld)
        return;
    pthread_mutex_lock(&pool->lock);
    for (size_t i = 0; i < LDAP_MAX_POOL; i++) {
        if (pool->conns[i] == ld) {
            pool->busy[i] = false;
            /* Made with settings that have changed since: not reused. */
            if (broken || pool->made_in[i] != pool->generation) {
                ldap_unbind_ext_s(ld, NULL, NULL);
                pool->conns[i] = NULL;
            }
            break;
        }
    }
    pthread_cond_broadcast(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}

static void mark_down(struct ldap_pool *pool, const struct ldap_conf *conf, int rc)
{
    pthread_mutex_lock(&pool->lock);
    snprintf(pool->last_error, sizeof pool->last_error, "%.120s: %.120s", conf->uris, ldap_err2string(rc));
    pool->down_until = ldap_now() + LDAP_RETRY_SECONDS;
    pthread_mutex_unlock(&pool->lock);
    log_warning("ldap: the directory %s is unreachable: %s", conf->uris, ldap_err2string(rc));
}

NTSTATUS ldap_pool_search(struct ldap_pool *pool, const struct ldap_conf *conf, const char *base,
                          const char *filter, char **attrs, int sizelimit, LDAP **ld_out, LDAPMessage **res)
{
    *res = NULL;
    *ld_out = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        LDAP *ld;
        bool fresh;
        NTSTATUS status = pool_take(pool, conf, &ld, &fresh);
        if (!NT_SUCCESS(status))
            return status;
        struct timeval tv = { .tv_sec = (time_t)conf->timeout };
        int rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, &tv, sizelimit, res);
        if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED || rc == LDAP_NO_SUCH_OBJECT) {
            if (rc == LDAP_NO_SUCH_OBJECT)
                log_warning("ldap: base DN \"%s\" does not exist", base);
            *ld_out = ld;
            return STATUS_SUCCESS;
        }
        if (*res) {
            ldap_msgfree(*res);
            *res = NULL;
        }
        ldap_pool_give(pool, ld, true);
        if (!unreachable(rc)) {
            log_warning("ldap: search under \"%s\" failed: %s", base, ldap_err2string(rc));
            return STATUS_UNSUCCESSFUL;
        }
        if (fresh) {
            mark_down(pool, conf, rc);
            return STATUS_NO_LOGON_SERVERS;
        }
        /* A pooled connection the server closed: one more try on a new one. */
    }
    return STATUS_NO_LOGON_SERVERS;
}

/* One paged search on one connection; *stale: it failed before any entry
 * on a pooled connection the server had closed (worth one more try). */
static NTSTATUS paged_once(struct ldap_pool *pool, const struct ldap_conf *conf, const char *base,
                           const char *filter, char **attrs, unsigned max,
                           bool (*each)(LDAP *ld, LDAPMessage *entry, void *ctx), void *ctx, bool *stale)
{
    LDAP *ld;
    bool fresh;
    *stale = false;
    NTSTATUS status = pool_take(pool, conf, &ld, &fresh);
    if (!NT_SUCCESS(status))
        return status;
    struct berval *cookie = NULL;
    unsigned seen = 0;
    bool broken = false, go_on = true;
    /* Bounded: each page holds at least one entry or ends the search, and
     * max bounds the entries. */
    for (unsigned pages = 0; go_on && pages <= max; pages++) {
        LDAPControl *page = NULL, *controls[2] = { NULL, NULL };
        int rc = ldap_create_page_control(ld, (ber_int_t)conf->page_size, cookie, 0, &page);
        if (rc != LDAP_SUCCESS) {
            status = STATUS_NO_MEMORY;
            break;
        }
        controls[0] = page;
        struct timeval tv = { .tv_sec = (time_t)conf->timeout };
        LDAPMessage *res = NULL;
        rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, controls, NULL, &tv,
                               (int)(max - seen), &res);
        ldap_control_free(page);
        if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
            if (res)
                ldap_msgfree(res);
            broken = unreachable(rc);
            status = broken ? STATUS_NO_LOGON_SERVERS : STATUS_UNSUCCESSFUL;
            if (rc == LDAP_NO_SUCH_OBJECT)
                status = STATUS_SUCCESS;
            else
                log_warning("ldap: paged search under \"%s\" failed: %s", base, ldap_err2string(rc));
            break;
        }
        unsigned in_page = 0;
        for (LDAPMessage *e = ldap_first_entry(ld, res); e && go_on; e = ldap_next_entry(ld, e)) {
            if (seen >= max) {
                go_on = false;
                break;
            }
            seen++, in_page++;
            go_on = each(ld, e, ctx);
        }
        LDAPControl **returned = NULL;
        int err = 0;
        ber_bvfree(cookie);
        cookie = NULL;
        if (ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &returned, 0) == LDAP_SUCCESS && returned) {
            LDAPControl *c = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, returned, NULL);
            ber_int_t estimate;
            struct berval value = { 0, NULL };
            if (c && ldap_parse_pageresponse_control(ld, c, &estimate, &value) == LDAP_SUCCESS) {
                if (value.bv_len)
                    cookie = ber_bvdup(&value);
                ber_memfree(value.bv_val);
            }
            ldap_controls_free(returned);
        }
        ldap_msgfree(res);
        if (!cookie || in_page == 0 || rc == LDAP_SIZELIMIT_EXCEEDED)
            break;
    }
    ber_bvfree(cookie);
    *stale = broken && !fresh && seen == 0;
    if (broken && !*stale)
        mark_down(pool, conf, LDAP_SERVER_DOWN);
    ldap_pool_give(pool, ld, broken);
    return status;
}

NTSTATUS ldap_pool_search_paged(struct ldap_pool *pool, const struct ldap_conf *conf, const char *base,
                                const char *filter, char **attrs, unsigned max,
                                bool (*each)(LDAP *ld, LDAPMessage *entry, void *ctx), void *ctx)
{
    bool stale;
    NTSTATUS status = paged_once(pool, conf, base, filter, attrs, max, each, ctx, &stale);
    if (stale)
        status = paged_once(pool, conf, base, filter, attrs, max, each, ctx, &stale);
    return status;
}

bool ldap_entry_value(LDAP *ld, LDAPMessage *entry, const char *attr,
                      bool (*check)(const char *v, size_t len, void *out, size_t out_size), void *out,
                      size_t out_size)
{
    struct berval **values = ldap_get_values_len(ld, entry, attr);
    bool found = false;
    if (!values)
        return false;
    /* Bounded: a hostile server's thousand values cost us at most 64 checks. */
    for (size_t i = 0; values[i] && i < 64 && !found; i++)
        found = check(values[i]->bv_val, values[i]->bv_len, out, out_size);
    ldap_value_free_len(values);
    return found;
}
