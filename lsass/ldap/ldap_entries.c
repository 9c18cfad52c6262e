/* Directory entries: the attributes asked for, posixAccount and posixGroup
 * entries decoded into struct ldap_account (every value through
 * ldap_values.h), algorithmic SIDs, filters, and one-entry searches. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lsass/ldap/ldap_internal.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/ldap/ldap_values.h"

/* ---- Entries ------------------------------------------------------------ */

static bool check_name(const char *v, size_t len, void *out, size_t size) { return ldap_value_name(v, len, out, size); }
static bool check_text(const char *v, size_t len, void *out, size_t size) { return ldap_value_text(v, len, out, size); }
static bool check_id(const char *v, size_t len, void *out, size_t size) { return ldap_value_id(v, len, out); }
static bool check_sid(const char *v, size_t len, void *out, size_t size) { return ldap_value_sid(v, len, out); }
static bool check_hash(const char *v, size_t len, void *out, size_t size) { return ldap_value_nt_hash(v, len, out); }
static bool check_disabled(const char *v, size_t len, void *out, size_t size)
{
    *(bool *)out = ldap_value_disabled(v, len);
    return true;
}

char *ldap_user_attrs[] = { "uid", "uidNumber", "gidNumber", "cn", "gecos", "homeDirectory", "loginShell",
                              "sambaSID", "sambaAcctFlags", NULL };
char *ldap_user_attrs_hash[] = { "uid", "uidNumber", "gidNumber", "cn", "gecos", "homeDirectory", "loginShell",
                                   "sambaSID", "sambaAcctFlags", "sambaNTPassword", NULL };
char *ldap_group_attrs[] = { "cn", "gidNumber", "memberUid", "sambaSID", NULL };

/* The algorithmic SID of an id (ldap_provider.h "SIDs"). */
void ldap_algorithmic_sid(const struct ldap_conf *conf, uint32_t id, bool group, struct sid *sid)
{
    uint64_t rid = (uint64_t)id * 2 + (group ? 1001 : 1000);
    if (rid > UINT32_MAX)
        rid = UINT32_MAX; /* ids above 2^31 - 501 share one RID: documented */
    sid_append(sid, &conf->domain_sid, (uint32_t)rid);
}

/* A posixAccount entry; false (and a log line) when it is unusable. */
bool ldap_parse_user(const struct ldap_conf *conf, LDAP *ld, LDAPMessage *e, struct ldap_account *a,
                       bool *has_hash, uint8_t hash[16], bool *disabled)
{
    char name[LDAP_NAME_MAX + 1], text[LDAP_TEXT_MAX + 1];
    memset(a, 0, sizeof *a);
    if (!ldap_entry_value(ld, e, "uid", check_name, name, sizeof name) ||
        !ldap_entry_value(ld, e, "uidNumber", check_id, &a->id, 0) ||
        !ldap_entry_value(ld, e, "gidNumber", check_id, &a->gid, 0)) {
        char *dn = ldap_get_dn(ld, e);
        log_warning("ldap: ignoring user entry %.200s: no usable uid, uidNumber or gidNumber (never 0)",
                    dn ? dn : "?");
        ldap_memfree(dn);
        return false;
    }
    if (!ldap_conf_id_allowed(conf, a->id) || !ldap_conf_id_allowed(conf, a->gid)) {
        log_warning("ldap: ignoring user %s: uid %u or gid %u is below ldap.min-id or inside lsass.id-range",
                    name, (unsigned)a->id, (unsigned)a->gid);
        return false;
    }
    a->name = strdup(name);
    a->gecos = strdup(ldap_entry_value(ld, e, "gecos", check_text, text, sizeof text) ||
                              ldap_entry_value(ld, e, "cn", check_text, text, sizeof text)
                          ? text
                          : "");
    a->home = strdup(ldap_entry_value(ld, e, "homeDirectory", check_text, text, sizeof text) ? text : "/nonexistent");
    a->shell = strdup(ldap_entry_value(ld, e, "loginShell", check_text, text, sizeof text) ? text
                                                                                          : "/usr/sbin/nologin");
    if (!ldap_entry_value(ld, e, "sambaSID", check_sid, &a->sid, 0))
        ldap_algorithmic_sid(conf, a->id, false, &a->sid);
    if (has_hash)
        *has_hash = ldap_entry_value(ld, e, "sambaNTPassword", check_hash, hash, 16);
    if (disabled) {
        *disabled = false;
        ldap_entry_value(ld, e, "sambaAcctFlags", check_disabled, disabled, 0);
    }
    if (!a->name || !a->gecos || !a->home || !a->shell) {
        ldap_account_clear(a);
        return false;
    }
    return true;
}

bool ldap_parse_group(const struct ldap_conf *conf, LDAP *ld, LDAPMessage *e, struct ldap_account *a)
{
    char name[LDAP_NAME_MAX + 1];
    memset(a, 0, sizeof *a);
    if (!ldap_entry_value(ld, e, "cn", check_name, name, sizeof name) ||
        !ldap_entry_value(ld, e, "gidNumber", check_id, &a->id, 0))
        return false;
    if (!ldap_conf_id_allowed(conf, a->id)) {
        log_warning("ldap: ignoring group %s: gid %u is below ldap.min-id or inside lsass.id-range", name,
                    (unsigned)a->id);
        return false;
    }
    a->gid = a->id;
    a->name = strdup(name);
    a->gecos = strdup("");
    a->home = strdup("");
    a->shell = strdup("");
    if (!ldap_entry_value(ld, e, "sambaSID", check_sid, &a->sid, 0))
        ldap_algorithmic_sid(conf, a->id, true, &a->sid);
    struct berval **values = ldap_get_values_len(ld, e, "memberUid");
    size_t n = values ? (size_t)ldap_count_values_len(values) : 0;
    if (n > LDAP_MAX_MEMBERS) {
        log_warning("ldap: group %s has %zu members; only the first %d are used", name, n, LDAP_MAX_MEMBERS);
        n = LDAP_MAX_MEMBERS;
    }
    a->members = n ? calloc(n, sizeof *a->members) : NULL;
    for (size_t i = 0; i < n && a->members; i++) {
        char member[LDAP_NAME_MAX + 1];
        if (ldap_value_name(values[i]->bv_val, values[i]->bv_len, member, sizeof member) &&
            (a->members[a->member_count] = strdup(member)))
            a->member_count++;
    }
    ldap_value_free_len(values);
    if (!a->name || !a->gecos || !a->home || !a->shell || (n && !a->members)) {
        ldap_account_clear(a);
        return false;
    }
    return true;
}

NTSTATUS ldap_account_copy(const struct ldap_account *from, struct ldap_account *to)
{
    memset(to, 0, sizeof *to);
    to->id = from->id;
    to->gid = from->gid;
    to->sid = from->sid;
    to->name = strdup(from->name);
    to->gecos = strdup(from->gecos ? from->gecos : "");
    to->home = strdup(from->home ? from->home : "");
    to->shell = strdup(from->shell ? from->shell : "");
    if (from->member_count) {
        to->members = calloc(from->member_count, sizeof *to->members);
        if (!to->members)
            goto fail;
        for (size_t i = 0; i < from->member_count; i++, to->member_count++)
            if (!(to->members[i] = strdup(from->members[i])))
                goto fail;
    }
    if (to->name && to->gecos && to->home && to->shell)
        return STATUS_SUCCESS;
fail:
    ldap_account_clear(to);
    return STATUS_NO_MEMORY;
}

/* Fetches one user by filter from the directory. */
NTSTATUS ldap_fetch_user(struct ldap_pool *pool, const struct ldap_conf *conf, const char *filter,
                           struct ldap_account *a, bool *has_hash, uint8_t hash[16], bool *disabled)
{
    LDAP *ld;
    LDAPMessage *res;
    NTSTATUS status = ldap_pool_search(pool, conf, conf->user_base, filter,
                                       has_hash ? ldap_user_attrs_hash : ldap_user_attrs, 2, &ld, &res);
    if (!NT_SUCCESS(status))
        return status;
    int entries = ldap_count_entries(ld, res);
    status = STATUS_NO_SUCH_USER;
    if (entries > 1) {
        log_warning("ldap: more than one posixAccount matches %s: refused", filter);
    } else if (entries == 1 && ldap_parse_user(conf, ld, ldap_first_entry(ld, res), a, has_hash, hash, disabled)) {
        status = STATUS_SUCCESS;
    }
    ldap_msgfree(res);
    ldap_pool_give(pool, ld, false);
    return status;
}

NTSTATUS ldap_fetch_group(struct ldap_pool *pool, const struct ldap_conf *conf, const char *filter,
                            struct ldap_account *a)
{
    LDAP *ld;
    LDAPMessage *res;
    NTSTATUS status = ldap_pool_search(pool, conf, conf->group_base, filter, ldap_group_attrs, 2, &ld, &res);
    if (!NT_SUCCESS(status))
        return status;
    int entries = ldap_count_entries(ld, res);
    status = STATUS_NO_SUCH_GROUP;
    if (entries > 1)
        log_warning("ldap: more than one posixGroup matches %s: refused", filter);
    else if (entries == 1 && ldap_parse_group(conf, ld, ldap_first_entry(ld, res), a))
        status = STATUS_SUCCESS;
    ldap_msgfree(res);
    ldap_pool_give(pool, ld, false);
    return status;
}

/* "(&(objectClass=CLASS)(ATTR=escaped name))" or with a number. */
bool ldap_make_filter(char *out, size_t size, const char *klass, const char *attr, const char *name,
                        uint32_t id)
{
    char escaped[3 * LDAP_NAME_MAX + 1];
    if (name && (strlen(name) > LDAP_NAME_MAX || !ldap_filter_escape(name, escaped, sizeof escaped)))
        return false;
    int n = name ? snprintf(out, size, "(&(objectClass=%s)(%s=%s))", klass, attr, escaped)
                 : snprintf(out, size, "(&(objectClass=%s)(%s=%" PRIu32 "))", klass, attr, id);
    return n > 0 && (size_t)n < size;
}

