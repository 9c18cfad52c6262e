/* Domain handles: information, enumeration, name and RID lookups, display
 * information, alias membership. The account domain holds the SAM's users
 * and local groups (aliases) and one group, None (RID 513), every user's
 * primary group, as on a standalone Windows server; Builtin holds the
 * built-in aliases. */
#include "lsass/samr/samr_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/utf16.h"

#define DOMAIN_PASSWORD_COMPLEX 0x1u
#define SID_TYPE_USER 1
#define SID_TYPE_GROUP 2
#define SID_TYPE_ALIAS 4
#define SID_TYPE_UNKNOWN 8

static struct samr_object *domain_of(struct dcerpc_call *call, const struct policy_handle *h,
                                     uint32_t need, uint32_t *fault, uint32_t *result)
{
    struct samr_object *d = samr_handle_get(call, h, SAMR_DOMAIN, fault);
    if (d)
        *result = samr_need(d, need);
    return d;
}

/* A negative delta of days as an OLD_LARGE_INTEGER (0 days: the given
 * "zero" value: never for maximum ages, 0 for minimum ages). */
static void days_delta(uint32_t days, bool zero_is_never, struct old_large_integer *out)
{
    if (!days) {
        out->LowPart = 0;
        out->HighPart = zero_is_never ? 0x80000000u : 0;
        return;
    }
    int64_t t = -(int64_t)days * 86400 * 10000000;
    out->LowPart = (uint32_t)(uint64_t)t;
    out->HighPart = (uint32_t)((uint64_t)t >> 32);
}

static uint64_t minutes_delta(uint32_t minutes)
{
    return (uint64_t)(-(int64_t)minutes * 60 * 10000000);
}

NTSTATUS samr_password_info(struct dcerpc_call *call, struct user_domain_password_information *out)
{
    struct sam_password_policy p;
    NTSTATUS status = sam_password_policy_load(samr_reg(call), &p);
    if (!NT_SUCCESS(status))
        return status;
    out->MinPasswordLength = (uint16_t)p.min_length;
    out->PasswordProperties = p.complexity ? DOMAIN_PASSWORD_COMPLEX : 0;
    return STATUS_SUCCESS;
}

static NTSTATUS counts(struct dcerpc_call *call, bool builtin, uint32_t *users, uint32_t *groups,
                       uint32_t *aliases)
{
    struct sam_user_list ul;
    struct sam_group_list gl;
    *users = *groups = *aliases = 0;
    if (!builtin) {
        NTSTATUS status = sam_user_list(samr_reg(call), &ul);
        if (!NT_SUCCESS(status))
            return status;
        *users = (uint32_t)ul.count;
        sam_user_list_free(&ul);
        *groups = 1;
    }
    NTSTATUS status = sam_group_list(samr_reg(call), &gl);
    if (!NT_SUCCESS(status))
        return status;
    for (size_t i = 0; i < gl.count; i++)
        if (gl.groups[i].builtin == builtin)
            (*aliases)++;
    sam_group_list_free(&gl);
    return STATUS_SUCCESS;
}

static NTSTATUS general_info(struct dcerpc_call *call, const struct samr_object *d,
                             struct samr_domain_general_information *g)
{
    char name[64];
    if (d->builtin)
        snprintf(name, sizeof name, "Builtin");
    else
        samr_domain_name(samr_reg(call), name, sizeof name);
    g->ForceLogoff.HighPart = 0x80000000u; /* never */
    NTSTATUS status = samr_set_string(call, "", &g->OemInformation);
    if (NT_SUCCESS(status))
        status = samr_set_string(call, name, &g->DomainName);
    if (NT_SUCCESS(status))
        status = samr_set_string(call, "", &g->ReplicaSourceNodeName);
    g->DomainModifiedCount.LowPart = (uint32_t)registry_change_counter(samr_reg(call));
    g->DomainServerState = 1; /* enabled */
    g->DomainServerRole = 3;  /* primary: a standalone server is its own authority */
    g->UasCompatibilityRequired = 1;
    if (NT_SUCCESS(status))
        status = counts(call, d->builtin, &g->UserCount, &g->GroupCount, &g->AliasCount);
    return status;
}

static void lockout_info(struct dcerpc_call *call, uint64_t *duration, uint64_t *window, uint16_t *threshold)
{
    *duration = minutes_delta(samr_setting(call, "lsass.lockout-duration"));
    *window = minutes_delta(samr_setting(call, "lsass.lockout-reset"));
    *threshold = (uint16_t)samr_setting(call, "lsass.lockout-threshold");
}

SAMR_CALL(QueryInformationDomain, SamrQueryInformationDomain)
{
    uint32_t fault = 0;
    uint16_t level = r->DomainInformationClass;
    uint32_t need = level == 1 || level == 12 ? DOMAIN_READ_PASSWORD_PARAMETERS
                                               : DOMAIN_READ_OTHER_PARAMETERS;
    struct samr_object *d = domain_of(call, &r->DomainHandle, need, &fault, &r->result);
    if (!d || r->result)
        return fault;
    union samr_domain_info_buffer *b = SAMR_NEW(call, union samr_domain_info_buffer);
    if (!b)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    char name[64];
    switch (level) {
    case 1: {
        struct user_domain_password_information p;
        status = samr_password_info(call, &p);
        b->Password.MinPasswordLength = p.MinPasswordLength;
        b->Password.PasswordProperties = p.PasswordProperties;
        b->Password.PasswordHistoryLength = (uint16_t)samr_setting(call, "lsass.password-history");
        days_delta(samr_setting(call, "lsass.max-password-age"), true, &b->Password.MaxPasswordAge);
        days_delta(samr_setting(call, "lsass.min-password-age"), false, &b->Password.MinPasswordAge);
        break;
    }
    case 2: status = general_info(call, d, &b->General); break;
    case 3: b->Logoff.HighPart = 0x80000000u; break;
    case 4: status = samr_set_string(call, "", &b->Oem); break;
    case 5:
        if (d->builtin)
            snprintf(name, sizeof name, "Builtin");
        else
            samr_domain_name(samr_reg(call), name, sizeof name);
        status = samr_set_string(call, name, &b->Name);
        break;
    case 6: status = samr_set_string(call, "", &b->Replication); break;
    case 7: b->Role = 3; break;
    case 8:
    case 13:
        b->Modified2.DomainModifiedCount.LowPart = (uint32_t)registry_change_counter(samr_reg(call));
        break;
    case 9: b->State = 1; break;
    case 11:
        status = general_info(call, d, &b->General2.I1);
        lockout_info(call, &b->General2.LockoutDuration, &b->General2.LockoutObservationWindow,
                     &b->General2.LockoutThreshold);
        break;
    case 12:
        lockout_info(call, &b->Lockout.LockoutDuration, &b->Lockout.LockoutObservationWindow,
                     &b->Lockout.LockoutThreshold);
        break;
    default: r->result = STATUS_INVALID_INFO_CLASS; return 0;
    }
    if (status == STATUS_NO_MEMORY)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->result = samr_status(status);
    if (NT_SUCCESS(status))
        r->Buffer = b;
    return 0;
}

/* ---- SetInformationDomain: the policy levels onto lsass.* settings ---- */

#define NT_TICKS_PER_SECOND 10000000ll
#define NT_NEVER INT64_MIN /* 0x8000000000000000: "never" / "forever" */

static int64_t old_large(const struct old_large_integer *v)
{
    return (int64_t)(((uint64_t)v->HighPart << 32) | v->LowPart);
}

/* A negative NT delta as whole units of unit_seconds (rounded to the
 * nearest), 0 for "never" and for 0 itself: the settings' 0 means never
 * (maximum password age) or at once / until an administrator unlocks (the
 * others). A positive delta is no delta at all: STATUS_INVALID_PARAMETER. */
static NTSTATUS delta_units(int64_t delta, int64_t unit_seconds, uint32_t *out)
{
    if (delta == NT_NEVER || delta == 0) {
        *out = 0;
        return STATUS_SUCCESS;
    }
    if (delta > 0)
        return STATUS_INVALID_PARAMETER;
    uint64_t ticks = (uint64_t)-delta;
    uint64_t unit = (uint64_t)unit_seconds * NT_TICKS_PER_SECOND;
    uint64_t units = (ticks + unit / 2) / unit;
    if (units == 0)
        units = 1; /* a delta under half a unit is not "never" */
    if (units > UINT32_MAX)
        return STATUS_INVALID_PARAMETER;
    *out = (uint32_t)units;
    return STATUS_SUCCESS;
}

struct policy_change {
    const char *name;
    char value[16];
};

/* Sets each setting whose value differs, in the caller's transaction; the
 * schema checks the ranges (STATUS_INVALID_PARAMETER) and each change is a
 * setting.set audit record by the samr caller. */
static NTSTATUS set_changed(struct dcerpc_call *call, const struct audit_actor *actor,
                            const struct policy_change *c, size_t n)
{
    struct registry *reg = samr_reg(call);
    for (size_t i = 0; i < n; i++) {
        char *now = NULL;
        bool same = NT_SUCCESS(registry_setting_get_text(reg, c[i].name, &now, NULL)) && now &&
                    strcmp(now, c[i].value) == 0;
        free(now);
        if (same)
            continue;
        char *error = NULL;
        NTSTATUS status = registry_setting_set(reg, c[i].name, c[i].value, actor, &error);
        if (!NT_SUCCESS(status)) {
            log_info("samr: SetInformationDomain: %s=%s refused: %s", c[i].name, c[i].value,
                     error ? error : nt_status_name(status));
            free(error);
            return status == STATUS_OBJECT_NAME_NOT_FOUND ? STATUS_INTERNAL_ERROR
                                                          : STATUS_INVALID_PARAMETER;
        }
        free(error);
    }
    return STATUS_SUCCESS;
}

/* [MS-SAMR] 3.1.5.6.1: level 1, the password policy. The minimum age must
 * not exceed the maximum (unless the maximum is never). Of the properties
 * only DOMAIN_PASSWORD_COMPLEX is kept; the others (no anonymous change,
 * no clear change, lockout of administrators, reversible storage, refuse
 * changes) are not implemented and are refused rather than dropped. */
static NTSTATUS password_policy_changes(const struct domain_password_information *p,
                                        struct policy_change *c, size_t *n)
{
    uint32_t max_days, min_days;
    int64_t max_age = old_large(&p->MaxPasswordAge), min_age = old_large(&p->MinPasswordAge);
    if (p->PasswordProperties & ~DOMAIN_PASSWORD_COMPLEX)
        return STATUS_NOT_SUPPORTED;
    NTSTATUS status = delta_units(max_age, 86400, &max_days);
    if (NT_SUCCESS(status))
        status = delta_units(min_age, 86400, &min_days);
    if (!NT_SUCCESS(status))
        return status;
    if (max_days && min_days >= max_days)
        return STATUS_INVALID_PARAMETER; /* a password could never be changed in time */
    *n = 0;
    c[*n].name = "lsass.min-password-length";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", p->MinPasswordLength);
    c[*n].name = "lsass.password-history";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", p->PasswordHistoryLength);
    c[*n].name = "lsass.max-password-age";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", max_days);
    c[*n].name = "lsass.min-password-age";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", min_days);
    c[*n].name = "lsass.password-complexity";
    snprintf(c[(*n)++].value, sizeof c->value, "%s",
             (p->PasswordProperties & DOMAIN_PASSWORD_COMPLEX) ? "on" : "off");
    return STATUS_SUCCESS;
}

/* Level 12, the lockout policy: the duration must be at least the
 * observation window (unless accounts stay locked until unlocked). */
static NTSTATUS lockout_policy_changes(const struct samr_domain_lockout_information *l,
                                       struct policy_change *c, size_t *n)
{
    uint32_t duration, window;
    NTSTATUS status = delta_units((int64_t)l->LockoutDuration, 60, &duration);
    if (NT_SUCCESS(status))
        status = delta_units((int64_t)l->LockoutObservationWindow, 60, &window);
    if (!NT_SUCCESS(status))
        return status;
    if (duration && duration < window)
        return STATUS_INVALID_PARAMETER;
    *n = 0;
    c[*n].name = "lsass.lockout-duration";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", duration);
    c[*n].name = "lsass.lockout-reset";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", window);
    c[*n].name = "lsass.lockout-threshold";
    snprintf(c[(*n)++].value, sizeof c->value, "%u", l->LockoutThreshold);
    return STATUS_SUCCESS;
}

SAMR_CALL(SetInformationDomain, SamrSetInformationDomain)
{
    uint32_t fault = 0;
    uint16_t level = r->DomainInformationClass;
    uint32_t need = level == 1 || level == 12 ? DOMAIN_WRITE_PASSWORD_PARAMS
                                               : DOMAIN_WRITE_OTHER_PARAMETERS;
    struct samr_object *d = domain_of(call, &r->DomainHandle, need, &fault, &r->result);
    if (!d || r->result) {
        if (d)
            samr_audit_refused(call, "setting.set", "samr domain policy", "access denied");
        return fault;
    }
    union samr_domain_info_buffer *b = &r->DomainInformation;
    struct policy_change c[5];
    size_t n = 0;
    NTSTATUS status;
    switch (level) {
    case 1: status = password_policy_changes(&b->Password, c, &n); break;
    case 12: status = lockout_policy_changes(&b->Lockout, c, &n); break;
    case 3:
        /* Forced logoff is not implemented: only "never" is what the
         * server already does. */
        status = old_large(&b->Logoff) == NT_NEVER ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
        break;
    case 4:
    case 6:
    case 7:
    case 9:
        /* OEM text, replica source, role and state: nothing a standalone
         * server keeps. */
        status = STATUS_NOT_SUPPORTED;
        break;
    default: r->result = STATUS_INVALID_INFO_CLASS; return 0;
    }
    if (NT_SUCCESS(status) && n) {
        if (d->builtin) {
            /* Builtin's policy is the account domain's: one set of settings. */
            status = STATUS_NOT_SUPPORTED;
        } else {
            struct registry *reg = samr_reg(call);
            struct lsa_rpc_actor who;
            const struct audit_actor *actor = samr_actor_of(call, &who);
            status = registry_begin(reg);
            if (NT_SUCCESS(status)) {
                status = set_changed(call, actor, c, n);
                if (NT_SUCCESS(status))
                    status = registry_commit(reg);
                else
                    registry_rollback(reg);
            }
            samr_actor_done(&who);
        }
    }
    if (!NT_SUCCESS(status))
        samr_audit_refused(call, "setting.set", "samr domain policy", nt_status_name(status));
    r->result = samr_status(status);
    return 0;
}

/* ---- the accounts of a domain, sorted by RID, as enumerations list them ---- */

struct account {
    uint32_t rid;
    char *name;
    char *comment;
    char *full_name;
    uint32_t flags;
};

struct accounts {
    struct account *items;
    size_t count;
    struct sam_user_list users;
    struct sam_group_list groups;
};

enum account_kinds { KIND_USERS = 1, KIND_GROUPS = 2, KIND_ALIASES = 4 };

static int by_rid(const void *a, const void *b)
{
    const struct account *x = a, *y = b;
    return x->rid < y->rid ? -1 : x->rid > y->rid;
}

static int by_name(const void *a, const void *b)
{
    const struct account *x = a, *y = b;
    return utf8_casecmp(x->name, y->name);
}

static char none_name[] = "None";
static char none_comment[] = "Ordinary users";
static char empty[] = "";

static NTSTATUS accounts_load(struct dcerpc_call *call, const struct samr_object *d, unsigned kinds,
                              struct accounts *a)
{
    memset(a, 0, sizeof *a);
    NTSTATUS status = STATUS_SUCCESS;
    if (!d->builtin && (kinds & KIND_USERS))
        status = sam_user_list(samr_reg(call), &a->users);
    if (NT_SUCCESS(status) && (kinds & KIND_ALIASES))
        status = sam_group_list(samr_reg(call), &a->groups);
    if (!NT_SUCCESS(status))
        return status;
    a->items = calloc(a->users.count + a->groups.count + 1, sizeof *a->items);
    if (!a->items)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < a->users.count; i++) {
        struct sam_user *u = &a->users.users[i];
        a->items[a->count++] = (struct account){ u->rid, u->name, u->description, u->full_name, u->flags };
    }
    if (!d->builtin && (kinds & KIND_GROUPS))
        a->items[a->count++] = (struct account){ SAMR_RID_DOMAIN_USERS, none_name, none_comment, empty, 7 };
    for (size_t i = 0; i < a->groups.count; i++) {
        struct sam_group *g = &a->groups.groups[i];
        if (g->builtin == d->builtin)
            a->items[a->count++] = (struct account){ g->rid, g->name, g->description, empty, 0 };
    }
    qsort(a->items, a->count, sizeof *a->items, by_rid);
    return STATUS_SUCCESS;
}

static void accounts_free(struct accounts *a)
{
    free(a->items);
    sam_user_list_free(&a->users);
    sam_group_list_free(&a->groups);
}

/* Entries from *context on, as many as fit prefmax (at least one); the
 * context is the index of the next entry. */
static uint32_t enumerate(struct dcerpc_call *call, const struct samr_object *d, unsigned kinds,
                          uint32_t want_flags, uint32_t *context, uint32_t prefmax,
                          struct samr_enumeration_buffer **out, uint32_t *returned, uint32_t *result)
{
    struct accounts a;
    NTSTATUS status = accounts_load(call, d, kinds, &a);
    if (!NT_SUCCESS(status)) {
        accounts_free(&a);
        *result = samr_status(status);
        return status == STATUS_NO_MEMORY ? DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY : 0;
    }
    /* Users filtered by account control bits ([MS-SAMR] 3.1.5.2.5): every
     * SAM user is a normal account. */
    size_t keep = 0;
    for (size_t i = 0; i < a.count; i++)
        if (!want_flags || (a.items[i].flags & want_flags) || (kinds & ~KIND_USERS))
            a.items[keep++] = a.items[i];
    a.count = keep;
    struct samr_enumeration_buffer *b = SAMR_NEW(call, struct samr_enumeration_buffer);
    struct samr_rid_enumeration *e = SAMR_NEW_ARRAY(call, a.count, struct samr_rid_enumeration);
    uint32_t fault = 0;
    if (!b || !e) {
        fault = DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        goto out;
    }
    size_t first = *context < a.count ? *context : a.count, n = 0, bytes = 0;
    for (size_t i = first; i < a.count; i++) {
        size_t size = 12 + 2 * strlen(a.items[i].name);
        if (n && bytes + size > prefmax)
            break;
        e[n].RelativeId = a.items[i].rid;
        if (!NT_SUCCESS(samr_set_string(call, a.items[i].name, &e[n].Name))) {
            fault = DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
            goto out;
        }
        bytes += size;
        n++;
    }
    b->EntriesRead = (uint32_t)n;
    b->Buffer = e;
    *out = b;
    *returned = (uint32_t)n;
    *context = (uint32_t)(first + n);
    *result = first + n < a.count ? SAMR_STATUS_MORE_ENTRIES : STATUS_SUCCESS;
out:
    accounts_free(&a);
    return fault;
}

SAMR_CALL(EnumerateUsersInDomain, SamrEnumerateUsersInDomain)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->DomainHandle, DOMAIN_LIST_ACCOUNTS, &fault, &r->result);
    if (!d || r->result)
        return fault;
    return enumerate(call, d, KIND_USERS, r->UserAccountControl, &r->EnumerationContext,
                     r->PreferedMaximumLength, &r->Buffer, &r->CountReturned, &r->result);
}

SAMR_CALL(EnumerateGroupsInDomain, SamrEnumerate)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->Handle, DOMAIN_LIST_ACCOUNTS, &fault, &r->result);
    if (!d || r->result)
        return fault;
    return enumerate(call, d, KIND_GROUPS, 0, &r->EnumerationContext, r->PreferedMaximumLength,
                     &r->Buffer, &r->CountReturned, &r->result);
}

SAMR_CALL(EnumerateAliasesInDomain, SamrEnumerate)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->Handle, DOMAIN_LIST_ACCOUNTS, &fault, &r->result);
    if (!d || r->result)
        return fault;
    return enumerate(call, d, KIND_ALIASES, 0, &r->EnumerationContext, r->PreferedMaximumLength,
                     &r->Buffer, &r->CountReturned, &r->result);
}

/* ---- lookups ---- */

static uint32_t lookup_name(struct dcerpc_call *call, const struct samr_object *d, const char *name,
                            uint32_t *rid)
{
    if (!d->builtin) {
        struct sam_user u;
        if (NT_SUCCESS(sam_user_by_name(samr_reg(call), name, &u))) {
            *rid = u.rid;
            sam_user_free(&u);
            return SID_TYPE_USER;
        }
        if (utf8_casecmp(name, none_name) == 0) {
            *rid = SAMR_RID_DOMAIN_USERS;
            return SID_TYPE_GROUP;
        }
    }
    struct sam_group g;
    if (NT_SUCCESS(sam_group_by_name(samr_reg(call), name, &g))) {
        bool here = g.builtin == d->builtin;
        *rid = g.rid;
        sam_group_free(&g);
        if (here)
            return SID_TYPE_ALIAS;
    }
    *rid = 0;
    return SID_TYPE_UNKNOWN;
}

SAMR_CALL(LookupNamesInDomain, SamrLookupNamesInDomain)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->DomainHandle, DOMAIN_LOOKUP, &fault, &r->result);
    if (!d || r->result)
        return fault;
    uint32_t n = r->Count, found = 0;
    uint32_t *rids = SAMR_NEW_ARRAY(call, n, uint32_t), *use = SAMR_NEW_ARRAY(call, n, uint32_t);
    if (!rids || !use)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (uint32_t i = 0; i < n; i++) {
        const char *name = samr_string(call, &r->Names[i]);
        use[i] = name ? lookup_name(call, d, name, &rids[i]) : SID_TYPE_UNKNOWN;
        if (use[i] != SID_TYPE_UNKNOWN)
            found++;
    }
    r->RelativeIds = (struct samr_ulong_array){ n, rids };
    r->Use = (struct samr_ulong_array){ n, use };
    r->result = !n ? STATUS_SUCCESS : found == n ? STATUS_SUCCESS : found ? STATUS_SOME_NOT_MAPPED
                                                                           : STATUS_NONE_MAPPED;
    return 0;
}

/* The name and type of a RID in the domain; NULL if unknown. */
static char *rid_name(struct dcerpc_call *call, const struct samr_object *d, uint32_t rid, uint32_t *use)
{
    char *name = NULL;
    if (!d->builtin) {
        struct sam_user u;
        if (NT_SUCCESS(sam_user_by_rid(samr_reg(call), rid, &u))) {
            name = ndr_arena_strdup(dcerpc_call_arena(call), u.name);
            sam_user_free(&u);
            *use = SID_TYPE_USER;
            return name;
        }
        if (rid == SAMR_RID_DOMAIN_USERS) {
            *use = SID_TYPE_GROUP;
            return ndr_arena_strdup(dcerpc_call_arena(call), none_name);
        }
    }
    struct sid sid;
    struct sam_group g;
    if (NT_SUCCESS(sid_append(&sid, &d->domain, rid)) && NT_SUCCESS(sam_group_by_sid(samr_reg(call), &sid, &g))) {
        name = ndr_arena_strdup(dcerpc_call_arena(call), g.name);
        sam_group_free(&g);
        *use = SID_TYPE_ALIAS;
        return name;
    }
    *use = SID_TYPE_UNKNOWN;
    return NULL;
}

SAMR_CALL(LookupIdsInDomain, SamrLookupIdsInDomain)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->DomainHandle, DOMAIN_LOOKUP, &fault, &r->result);
    if (!d || r->result)
        return fault;
    uint32_t n = r->Count, found = 0;
    struct RPC_UNICODE_STRING *names = SAMR_NEW_ARRAY(call, n, struct RPC_UNICODE_STRING);
    uint32_t *use = SAMR_NEW_ARRAY(call, n, uint32_t);
    if (!names || !use)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (uint32_t i = 0; i < n; i++) {
        char *name = rid_name(call, d, r->RelativeIds[i], &use[i]);
        if (name) {
            found++;
            if (!NT_SUCCESS(samr_set_string(call, name, &names[i])))
                return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        }
    }
    r->Names = (struct samr_returned_ustring_array){ n, names };
    r->Use = (struct samr_ulong_array){ n, use };
    r->result = !n ? STATUS_SUCCESS : found == n ? STATUS_SUCCESS : found ? STATUS_SOME_NOT_MAPPED
                                                                           : STATUS_NONE_MAPPED;
    return 0;
}

SAMR_CALL(GetAliasMembership, SamrGetAliasMembership)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->DomainHandle, DOMAIN_GET_ALIAS_MEMBERSHIP, &fault, &r->result);
    if (!d || r->result)
        return fault;
    uint32_t n = r->SidArray.Count;
    struct sid *sids = calloc(n ? n : 1, sizeof *sids);
    if (!sids)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (uint32_t i = 0; i < n; i++) {
        if (!r->SidArray.Sids || !ndr_sid_from_rpc(r->SidArray.Sids[i].Sid, &sids[i])) {
            free(sids);
            r->result = STATUS_INVALID_SID;
            return 0;
        }
    }
    struct sid *aliases = NULL;
    size_t count = 0;
    NTSTATUS status = sam_alias_membership(samr_reg(call), sids, n, &aliases, &count);
    free(sids);
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status);
        return 0;
    }
    uint32_t *rids = SAMR_NEW_ARRAY(call, count, uint32_t);
    if (!rids) {
        free(aliases);
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    }
    uint32_t kept = 0;
    for (size_t i = 0; i < count; i++)
        if (sid_split_rid(&aliases[i], &d->domain, &rids[kept]))
            kept++;
    free(aliases);
    r->Membership = (struct samr_ulong_array){ kept, rids };
    r->result = STATUS_SUCCESS;
    return 0;
}

/* ---- display information ---- */

/* An entry's wire size: the fixed part and its strings. */
static size_t display_size(const struct account *x)
{
    return 40 + 2 * (strlen(x->name) + strlen(x->comment) + strlen(x->full_name));
}

SAMR_CALL(QueryDisplayInformation, SamrQueryDisplayInformation)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->DomainHandle, DOMAIN_LIST_ACCOUNTS, &fault, &r->result);
    if (!d || r->result)
        return fault;
    uint16_t level = r->DisplayInformationClass;
    unsigned kinds = level == 1 || level == 4 ? KIND_USERS : level == 3 || level == 5 ? KIND_GROUPS : 0;
    if (!kinds) {
        /* Machines (2): the SAM holds no machine accounts. */
        r->result = level == 2 ? STATUS_SUCCESS : STATUS_INVALID_INFO_CLASS;
        if (level != 2)
            r->DisplayInformationClass = 0; /* the empty default arm */
        return 0;
    }
    struct accounts a;
    NTSTATUS status = accounts_load(call, d, kinds, &a);
    if (!NT_SUCCESS(status)) {
        accounts_free(&a);
        r->result = samr_status(status);
        r->DisplayInformationClass = 0;
        return 0;
    }
    /* Display information is sorted by name ([MS-SAMR] 3.1.5.3.3). */
    qsort(a.items, a.count, sizeof *a.items, by_name);
    size_t first = r->Index < a.count ? r->Index : a.count;
    size_t n = a.count - first;
    if (n > r->EntryCount)
        n = r->EntryCount;
    if (!n && first < a.count)
        n = 1;
    /* TotalAvailable and TotalReturned are bytes ([MS-SAMR] 3.1.5.3.3):
     * the listing's size by the same estimate that pages it. */
    size_t bytes = 0, all = 0, i;
    for (i = 0; i < a.count; i++)
        all += display_size(&a.items[i]);
    for (i = 0; i < n; i++) {
        size_t size = display_size(&a.items[first + i]);
        if (i && bytes + size > r->PreferredMaximumLength)
            break;
        bytes += size;
    }
    n = i;
    struct samr_domain_display_user *users = NULL;
    struct samr_domain_display_group *groups = NULL;
    struct samr_domain_display_oem *oem = NULL;
    if (level == 1)
        users = SAMR_NEW_ARRAY(call, n, struct samr_domain_display_user);
    else if (level == 3)
        groups = SAMR_NEW_ARRAY(call, n, struct samr_domain_display_group);
    else
        oem = SAMR_NEW_ARRAY(call, n, struct samr_domain_display_oem);
    if (!users && !groups && !oem) {
        accounts_free(&a);
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    }
    bool ok = true;
    for (i = 0; i < n && ok; i++) {
        const struct account *x = &a.items[first + i];
        uint32_t index = (uint32_t)(first + i + 1);
        if (users) {
            users[i].Index = index;
            users[i].Rid = x->rid;
            users[i].AccountControl = x->flags;
            ok = NT_SUCCESS(samr_set_string(call, x->name, &users[i].AccountName)) &&
                 NT_SUCCESS(samr_set_string(call, x->comment, &users[i].AdminComment)) &&
                 NT_SUCCESS(samr_set_string(call, x->full_name, &users[i].FullName));
        } else if (groups) {
            groups[i].Index = index;
            groups[i].Rid = x->rid;
            groups[i].AccountControl = x->flags;
            ok = NT_SUCCESS(samr_set_string(call, x->name, &groups[i].AccountName)) &&
                 NT_SUCCESS(samr_set_string(call, x->comment, &groups[i].AdminComment));
        } else {
            oem[i].Index = index;
            size_t len = strlen(x->name);
            oem[i].OemAccountName.Buffer = ndr_arena_alloc(dcerpc_call_arena(call), len + 1);
            ok = oem[i].OemAccountName.Buffer != NULL;
            if (ok) {
                memcpy(oem[i].OemAccountName.Buffer, x->name, len);
                oem[i].OemAccountName.Length = oem[i].OemAccountName.MaximumLength = (uint16_t)len;
            }
        }
    }
    r->TotalAvailable = all > UINT32_MAX ? UINT32_MAX : (uint32_t)all;
    r->TotalReturned = (uint32_t)bytes;
    if (users)
        r->Buffer.UserInformation = (struct samr_display_user_buffer){ (uint32_t)n, users };
    else if (groups)
        r->Buffer.GroupInformation = (struct samr_display_group_buffer){ (uint32_t)n, groups };
    else
        r->Buffer.OemUserInformation = (struct samr_display_oem_buffer){ (uint32_t)n, oem };
    r->result = first + n < a.count ? SAMR_STATUS_MORE_ENTRIES : STATUS_SUCCESS;
    accounts_free(&a);
    return ok ? 0 : DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
}

SAMR_CALL(GetDisplayEnumerationIndex, SamrGetDisplayEnumerationIndex)
{
    uint32_t fault = 0;
    struct samr_object *d = domain_of(call, &r->DomainHandle, DOMAIN_LIST_ACCOUNTS, &fault, &r->result);
    if (!d || r->result)
        return fault;
    uint16_t level = r->DisplayInformationClass;
    if (level == 2) {
        r->result = STATUS_NO_MORE_ENTRIES; /* no machine accounts to find */
        return 0;
    }
    if (level != 1 && level != 3) {
        r->result = STATUS_INVALID_INFO_CLASS;
        return 0;
    }
    const char *prefix = samr_string(call, &r->Prefix);
    struct accounts a;
    NTSTATUS status = prefix ? accounts_load(call, d, level == 1 ? KIND_USERS : KIND_GROUPS, &a)
                             : STATUS_INVALID_PARAMETER;
    r->result = STATUS_NO_MORE_ENTRIES;
    if (NT_SUCCESS(status)) {
        qsort(a.items, a.count, sizeof *a.items, by_name);
        for (size_t i = 0; i < a.count; i++)
            if (strncasecmp(a.items[i].name, prefix, strlen(prefix)) == 0) {
                r->Index = (uint32_t)i;
                r->result = STATUS_SUCCESS;
                break;
            }
    } else {
        r->result = samr_status(status);
    }
    if (prefix)
        accounts_free(&a);
    return 0;
}

SAMR_CALL(GetDomainPasswordInformation, SamrGetDomainPasswordInformation)
{
    /* Needs no handle: any caller may learn the policy before changing a
     * password ([MS-SAMR] 3.1.5.13.3). */
    r->result = samr_status(samr_password_info(call, &r->PasswordInformation));
    return 0;
}
