/* The LDAP provider's administration: its secret (the bind password), the
 * `lwadmin provider test` check, and name resolution for share grants. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lsass/ldap/ldap_internal.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/ldap/ldap_values.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"

NTSTATUS ldap_secret_set(struct registry *reg, const struct audit_actor *actor, const char *provider,
                         const char *name, const char *password)
{
    sqlite3 *db = registry_sqlite(reg);
    sqlite3_stmt *st = NULL;
    NTSTATUS status = registry_begin(reg);
    if (!NT_SUCCESS(status))
        return status;
    const char *sql = password ? "INSERT OR REPLACE INTO provider_secrets(provider, name, value) VALUES (?, ?, ?)"
                               : "DELETE FROM provider_secrets WHERE provider = ? AND name = ?";
    bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
              sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC) == SQLITE_OK &&
              (!password || sqlite3_bind_text(st, 3, password, -1, SQLITE_STATIC) == SQLITE_OK) &&
              sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (ok) {
        char object[128];
        snprintf(object, sizeof object, "%s.%s", provider, name);
        /* Never the secret itself: only that it changed. */
        status = registry_audit(reg, actor, "provider.secret", object, password ? "set" : "removed");
    } else {
        status = STATUS_UNSUCCESSFUL;
    }
    if (NT_SUCCESS(status))
        status = registry_commit(reg);
    else
        registry_rollback(reg);
    return status;
}

NTSTATUS ldap_secret_get(struct registry *reg, const char *provider, const char *name, char **value)
{
    sqlite3_stmt *st = NULL;
    *value = NULL;
    if (sqlite3_prepare_v2(registry_sqlite(reg), "SELECT value FROM provider_secrets WHERE provider = ? AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return STATUS_UNSUCCESSFUL;
    sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    NTSTATUS status = STATUS_NOT_FOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        *value = strdup(text ? text : "");
        status = *value ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    sqlite3_finalize(st);
    return status;
}

static void say(char *report, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *report, size_t size, const char *fmt, ...)
{
    size_t used = strlen(report);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(report + used, size - used, fmt, ap);
    va_end(ap);
}

NTSTATUS ldap_provider_test(struct registry *reg, const char *user, char *report, size_t size)
{
    struct ldap_conf conf;
    report[0] = '\0';
    NTSTATUS status = ldap_conf_load(reg, &conf);
    if (!NT_SUCCESS(status)) {
        say(report, size, "cannot read the settings: %s\n", nt_status_name(status));
        ldap_conf_clear(&conf);
        return status;
    }
    if (!conf.uris[0] || !conf.user_base[0]) {
        say(report, size, "not configured: set ldap.uri and ldap.user-base (lwadmin provider set ldap uri URI)\n");
        ldap_conf_clear(&conf);
        return STATUS_INVALID_PARAMETER;
    }
    if (conf.bind_dn[0] && !conf.bind_password)
        say(report, size, "warning: ldap.bind-dn is set but no bind password is stored "
                          "(lwadmin provider set ldap bind-password -)\n");
    LDAP *ld = NULL;
    char why[512];
    int rc = ldap_dir_connect(&conf, &ld, why, sizeof why);
    if (rc != LDAP_SUCCESS) {
        say(report, size, "connect/bind: FAILED: %s\n", why);
        ldap_conf_clear(&conf);
        return rc == LDAP_INVALID_CREDENTIALS ? STATUS_LOGON_FAILURE : STATUS_NO_LOGON_SERVERS;
    }
    say(report, size, "connect: ok (%s%s)\nbind: ok as %s\n", conf.uris, conf.starttls ? ", StartTLS" : "",
        conf.bind_dn[0] ? conf.bind_dn : "(anonymous)");
    char filter[1024], escaped[3 * LDAP_NAME_MAX + 1];
    if (user && (strlen(user) > LDAP_NAME_MAX || !ldap_filter_escape(user, escaped, sizeof escaped))) {
        say(report, size, "search: the name is too long\n");
        ldap_unbind_ext_s(ld, NULL, NULL);
        ldap_conf_clear(&conf);
        return STATUS_INVALID_PARAMETER;
    }
    snprintf(filter, sizeof filter, user ? "(&(objectClass=posixAccount)(uid=%s))" : "(objectClass=posixAccount)",
             user ? escaped : "");
    char *attrs[] = { "uid", "uidNumber", "gidNumber", "sambaNTPassword", NULL };
    struct timeval tv = { .tv_sec = (time_t)conf.timeout };
    LDAPMessage *res = NULL;
    rc = ldap_search_ext_s(ld, conf.user_base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, &tv, 1, &res);
    status = STATUS_SUCCESS;
    if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) {
        say(report, size, "search under %s: FAILED: %s%s\n", conf.user_base, ldap_err2string(rc),
            rc == LDAP_NO_SUCH_OBJECT ? " (wrong ldap.user-base?)" : "");
        status = STATUS_NOT_FOUND;
    } else if (ldap_count_entries(ld, res) < 1) {
        say(report, size, "search under %s: FAILED: no posixAccount%s%s%s found (wrong base, or the bind DN may "
                          "not read them?)\n",
            conf.user_base, user ? " \"" : "", user ? user : "", user ? "\"" : "");
        status = STATUS_NO_SUCH_USER;
    } else {
        LDAPMessage *e = ldap_first_entry(ld, res);
        char name[LDAP_NAME_MAX + 1] = "?";
        uint32_t uid = 0, gid = 0;
        uint8_t hash[16];
        struct berval **v = ldap_get_values_len(ld, e, "uid");
        bool good_name = v && v[0] && ldap_value_name(v[0]->bv_val, v[0]->bv_len, name, sizeof name);
        ldap_value_free_len(v);
        v = ldap_get_values_len(ld, e, "uidNumber");
        bool good_uid = v && v[0] && ldap_value_id(v[0]->bv_val, v[0]->bv_len, &uid);
        ldap_value_free_len(v);
        v = ldap_get_values_len(ld, e, "gidNumber");
        bool good_gid = v && v[0] && ldap_value_id(v[0]->bv_val, v[0]->bv_len, &gid);
        ldap_value_free_len(v);
        v = ldap_get_values_len(ld, e, "sambaNTPassword");
        bool has_hash = v && v[0] && ldap_value_nt_hash(v[0]->bv_val, v[0]->bv_len, hash);
        ldap_value_free_len(v);
        crypto_wipe(hash, sizeof hash);
        say(report, size, "search: ok, found %s (uid %u, gid %u)\n", name, (unsigned)uid, (unsigned)gid);
        if (!good_name || !good_uid || !good_gid) {
            say(report, size, "entry: UNUSABLE: needs a valid uid, and uidNumber and gidNumber other than 0\n");
            status = STATUS_INVALID_PARAMETER;
        }
        say(report, size, "NT hash: %s\n",
            has_hash ? "present (NTLM logons work)"
                     : "absent or unreadable (NTLM logons fail; Kerberos only; may the bind DN read sambaNTPassword?)");
    }
    if (res)
        ldap_msgfree(res);
    ldap_unbind_ext_s(ld, NULL, NULL);
    ldap_conf_clear(&conf);
    return status;
}

/* Whether lsass.providers lists ldap. */
static bool ldap_enabled(struct registry *reg)
{
    char **providers = NULL;
    size_t count = 0;
    bool on = false;
    if (NT_SUCCESS(registry_setting_get_multi(reg, "lsass.providers", &providers, &count)) && providers)
        for (size_t i = 0; i < count; i++)
            on = on || strcmp(providers[i], "ldap") == 0;
    registry_strv_free(providers);
    return on;
}

/* The front ends (lwadmin, lwconsole, srvsvcd) resolve many names in a row:
 * one provider per process (for the registry last asked about), so its
 * pooled connection, cache and back-off serve them all, and a dead directory
 * costs one timeout, not one per name. Used under resolver_lock. */
static pthread_mutex_t resolver_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lsa_provider *resolver_provider;
static char *resolver_path;

static struct lsa_provider *resolver_for(struct registry *reg)
{
    const char *path = registry_path(reg);
    if (!path)
        return NULL;
    if (resolver_provider && resolver_path && strcmp(resolver_path, path) == 0)
        return resolver_provider;
    if (resolver_provider)
        resolver_provider->ops->free(resolver_provider);
    free(resolver_path);
    resolver_provider = NULL;
    resolver_path = strdup(path);
    if (!resolver_path || !NT_SUCCESS(lsa_ldap_provider_new(path, &resolver_provider)))
        resolver_provider = NULL;
    return resolver_provider;
}

NTSTATUS ldap_sam_principal_resolver(void *registry, const char *name, struct sid *sid)
{
    struct registry *reg = registry;
    NTSTATUS status = sam_principal_to_sid(reg, name, sid, NULL);
    if (status != STATUS_NONE_MAPPED || !ldap_enabled(reg))
        return status;
    pthread_mutex_lock(&resolver_lock);
    struct lsa_provider *p = resolver_for(reg);
    NTSTATUS found = p ? ldap_name_to_sid(p, name, sid, NULL) : STATUS_NONE_MAPPED;
    pthread_mutex_unlock(&resolver_lock);
    return NT_SUCCESS(found) ? found : status;
}

char *ldap_sam_principal_namer(void *registry, const struct sid *sid)
{
    struct registry *reg = registry;
    char *name = sam_principal_namer(reg, sid);
    if (name || !ldap_enabled(reg))
        return name;
    pthread_mutex_lock(&resolver_lock);
    struct lsa_provider *p = resolver_for(reg);
    if (!p || !NT_SUCCESS(ldap_sid_to_name(p, sid, &name, NULL)))
        name = NULL;
    pthread_mutex_unlock(&resolver_lock);
    return name;
}

/* The domain half of a directory principal (out->sid set). */
static NTSTATUS principal_domain(struct registry *reg, struct ldap_principal *out)
{
    char *name = NULL;
    out->domain_name[0] = '\0';
    if (NT_SUCCESS(registry_setting_get_string(reg, "ldap.domain-name", &name)) && name)
        snprintf(out->domain_name, sizeof out->domain_name, "%s", name);
    free(name);
    if (!out->domain_name[0])
        snprintf(out->domain_name, sizeof out->domain_name, "LDAP");
    if (out->sid.sub_authority_count < 1)
        return STATUS_NONE_MAPPED;
    out->domain_sid = out->sid;
    out->domain_sid.sub_authority_count--;
    return STATUS_SUCCESS;
}

NTSTATUS ldap_principal_by_name(struct registry *reg, const char *name, struct ldap_principal *out)
{
    memset(out, 0, sizeof *out);
    if (!ldap_enabled(reg))
        return STATUS_NONE_MAPPED;
    pthread_mutex_lock(&resolver_lock);
    struct lsa_provider *p = resolver_for(reg);
    NTSTATUS status = p ? ldap_name_to_sid(p, name, &out->sid, &out->is_group) : STATUS_NONE_MAPPED;
    if (NT_SUCCESS(status))
        status = ldap_sid_to_name(p, &out->sid, &out->name, NULL);
    pthread_mutex_unlock(&resolver_lock);
    if (NT_SUCCESS(status))
        status = principal_domain(reg, out);
    if (!NT_SUCCESS(status)) {
        free(out->name);
        out->name = NULL;
        return STATUS_NONE_MAPPED;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ldap_principal_by_sid(struct registry *reg, const struct sid *sid, struct ldap_principal *out)
{
    memset(out, 0, sizeof *out);
    if (!ldap_enabled(reg))
        return STATUS_NONE_MAPPED;
    pthread_mutex_lock(&resolver_lock);
    struct lsa_provider *p = resolver_for(reg);
    NTSTATUS status = p ? ldap_sid_to_name(p, sid, &out->name, &out->is_group) : STATUS_NONE_MAPPED;
    pthread_mutex_unlock(&resolver_lock);
    out->sid = *sid;
    if (NT_SUCCESS(status))
        status = principal_domain(reg, out);
    if (!NT_SUCCESS(status)) {
        free(out->name);
        out->name = NULL;
        return STATUS_NONE_MAPPED;
    }
    return STATUS_SUCCESS;
}
