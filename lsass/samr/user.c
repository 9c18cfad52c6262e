/* User handles: open, query, set (fields, flags, passwords), groups,
 * create, delete. Each change is one transaction in the SAM, audited with
 * via=samr and the caller; a refused change is audited as refused. */
#include "lsass/samr/samr_private.h"

#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/log.h"

#define USER_NORMAL_ACCOUNT 0x00000010u
#define LOGON_HOURS_UNITS 168

static struct samr_object *user_of(struct dcerpc_call *call, const struct policy_handle *h, uint32_t *fault)
{
    return samr_handle_get(call, h, SAMR_USER, fault);
}

/* Opens a handle on user rid of domain d for the caller. */
static NTSTATUS open_user(struct dcerpc_call *call, const struct samr_object *d, uint32_t rid,
                          uint32_t desired, struct policy_handle *out, uint32_t *granted)
{
    struct sam_user u;
    if (d->builtin)
        return STATUS_NO_SUCH_USER;
    NTSTATUS status = sam_user_by_rid(samr_reg(call), rid, &u);
    if (!NT_SUCCESS(status))
        return status;
    struct samr_object obj = { .kind = SAMR_USER, .domain = d->domain, .rid = rid };
    status = samr_grant(call, SAMR_USER, samr_caller_is(call, &u.sid), desired, &obj.granted);
    sam_user_free(&u);
    if (NT_SUCCESS(status))
        status = samr_handle_new(call, &obj, out);
    if (NT_SUCCESS(status) && granted)
        *granted = obj.granted;
    return status;
}

SAMR_CALL(OpenUser, SamrOpenAccount)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, &r->DomainHandle, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    r->result = samr_need(d, DOMAIN_LOOKUP);
    if (!r->result)
        r->result = samr_status(open_user(call, d, r->Id, r->DesiredAccess, &r->Handle, NULL));
    return 0;
}

/* ---- query ---- */

struct user_values {
    struct sam_user u;
    struct sam_user_details d;
    struct old_large_integer last_logon, last_set, can_change, must_change, expires, never;
    struct samr_logon_hours hours;
};

static NTSTATUS user_values(struct dcerpc_call *call, const struct samr_object *obj, struct user_values *v)
{
    memset(v, 0, sizeof *v);
    NTSTATUS status = sam_user_by_rid(samr_reg(call), obj->rid, &v->u);
    if (!NT_SUCCESS(status))
        return status;
    status = sam_user_details_get(samr_reg(call), obj->rid, &v->d);
    if (!NT_SUCCESS(status)) {
        sam_user_free(&v->u);
        return status;
    }
    samr_nt_time(v->u.last_logon, &v->last_logon);
    samr_nt_time(v->u.password_last_set, &v->last_set);
    uint32_t min_age = samr_setting(call, "lsass.min-password-age");
    uint32_t max_age = samr_setting(call, "lsass.max-password-age");
    samr_nt_time(v->u.password_last_set ? v->u.password_last_set + (int64_t)min_age * 86400 : 0,
                 &v->can_change);
    samr_nt_time_never(&v->never);
    if ((v->u.flags & SAM_USER_PASSWORD_EXPIRED) || !v->u.has_password)
        memset(&v->must_change, 0, sizeof v->must_change);
    else if (!max_age || (v->u.flags & SAM_USER_PASSWORD_NEVER_EXPIRES))
        v->must_change = v->never;
    else
        samr_nt_time(v->u.password_last_set + (int64_t)max_age * 86400, &v->must_change);
    if (v->d.account_expires) {
        v->expires.LowPart = (uint32_t)(uint64_t)v->d.account_expires;
        v->expires.HighPart = (uint32_t)((uint64_t)v->d.account_expires >> 32);
    } else {
        v->expires = v->never;
    }
    /* As Windows reports a new account: no password yet means none is
     * required (PASSWORD_NOT_REQUIRED) and one must be set
     * (PASSWORD_EXPIRED, from a zero pwdLastSet). */
    if (!v->u.has_password)
        v->u.flags |= 0x00000004u | SAM_USER_PASSWORD_EXPIRED;
    /* Logon hours: the SAM's (every hour unless restricted). */
    v->hours.UnitsPerWeek = LOGON_HOURS_UNITS;
    v->hours.LogonHours = ndr_arena_alloc(dcerpc_call_arena(call), 1260);
    bool restricted = false;
    status = v->hours.LogonHours
                 ? sam_user_get_logon_hours(samr_reg(call), v->u.rid, v->hours.LogonHours, &restricted)
                 : STATUS_NO_MEMORY;
    if (!NT_SUCCESS(status)) {
        sam_user_free(&v->u);
        sam_user_details_free(&v->d);
    }
    return status;
}

/* Sets each counted string to its text (NULL: empty). */
struct text_field {
    const char *text;
    struct RPC_UNICODE_STRING *out;
};
static bool set_strings(struct dcerpc_call *call, const struct text_field *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!NT_SUCCESS(samr_set_string(call, f[i].text ? f[i].text : "", f[i].out)))
            return false;
    return true;
}
#define STRINGS(call, ...)                                                     \
    set_strings(call, (const struct text_field[]){ __VA_ARGS__ },                \
                sizeof((const struct text_field[]){ __VA_ARGS__ }) / sizeof(struct text_field))

static bool fill_all(struct dcerpc_call *call, const struct user_values *v,
                     struct samr_user_all_information *a)
{
    a->LastLogon = v->last_logon;
    a->PasswordLastSet = v->last_set;
    a->AccountExpires = v->expires;
    a->PasswordCanChange = v->can_change;
    a->PasswordMustChange = v->must_change;
    a->UserId = v->u.rid;
    a->PrimaryGroupId = SAMR_RID_DOMAIN_USERS;
    a->UserAccountControl = v->u.flags;
    a->WhichFields = 0x00FFFFFFu;
    a->LogonHours = v->hours;
    a->BadPasswordCount = (uint16_t)(v->u.bad_password_count > 0xFFFF ? 0xFFFF : v->u.bad_password_count);
    a->CountryCode = v->d.country_code;
    a->CodePage = v->d.code_page;
    a->NtPasswordPresent = v->u.has_password;
    a->PasswordExpired = (v->u.flags & SAM_USER_PASSWORD_EXPIRED) != 0;
    return STRINGS(call, { v->u.name, &a->UserName }, { v->u.full_name, &a->FullName }, { v->d.home_directory, &a->HomeDirectory }, { v->d.home_drive, &a->HomeDirectoryDrive }, { v->d.script_path, &a->ScriptPath }, { v->d.profile_path, &a->ProfilePath }, { v->u.description, &a->AdminComment }, { v->d.workstations, &a->WorkStations }, { v->d.user_comment, &a->UserComment }, { v->d.parameters, &a->Parameters }, { "", &a->PrivateData });
}

/* The access each query level needs ([MS-SAMR] 3.1.5.5.5). */
static uint32_t query_access(uint16_t level)
{
    switch (level) {
    case 1: case 6: case 7: case 8: case 9: case 13: return USER_READ_GENERAL;
    case 2: return USER_READ_GENERAL | USER_READ_PREFERENCES;
    case 3: case 5: return USER_READ_GENERAL | USER_READ_PREFERENCES | USER_READ_LOGON | USER_READ_ACCOUNT;
    case 4: case 10: case 11: case 12: case 14: return USER_READ_LOGON;
    case 16: case 17: case 20: return USER_READ_ACCOUNT;
    case 21: return USER_READ_GENERAL;
    default: return 0;
    }
}

SAMR_CALL(QueryInformationUser, SamrQueryInformationUser)
{
    uint32_t fault = 0;
    struct samr_object *obj = user_of(call, &r->UserHandle, &fault);
    if (!obj)
        return fault;
    uint16_t level = r->UserInformationClass;
    uint32_t need = query_access(level);
    if (!need) {
        r->result = STATUS_INVALID_INFO_CLASS;
        return 0;
    }
    if ((r->result = samr_need(obj, need)))
        return 0;
    struct user_values v;
    NTSTATUS status = user_values(call, obj, &v);
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status);
        return status == STATUS_NO_MEMORY ? DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY : 0;
    }
    union samr_user_info_buffer *b = SAMR_NEW(call, union samr_user_info_buffer);
    bool ok = b != NULL;
    const struct sam_user *u = &v.u;
    if (ok) {
        switch (level) {
        case 1:
            b->General.PrimaryGroupId = SAMR_RID_DOMAIN_USERS;
            ok = STRINGS(call, { u->name, &b->General.UserName }, { u->full_name, &b->General.FullName }, { u->description, &b->General.AdminComment }, { v.d.user_comment, &b->General.UserComment });
            break;
        case 2:
            b->Preferences.CountryCode = v.d.country_code;
            b->Preferences.CodePage = v.d.code_page;
            ok = STRINGS(call, { v.d.user_comment, &b->Preferences.UserComment }, { "", &b->Preferences.Reserved1 });
            break;
        case 3: {
            struct samr_user_logon_information *l = &b->Logon;
            l->UserId = u->rid;
            l->PrimaryGroupId = SAMR_RID_DOMAIN_USERS;
            l->LastLogon = v.last_logon;
            l->PasswordLastSet = v.last_set;
            l->PasswordCanChange = v.can_change;
            l->PasswordMustChange = v.must_change;
            l->LogonHours = v.hours;
            l->BadPasswordCount = (uint16_t)u->bad_password_count;
            l->UserAccountControl = u->flags;
            ok = STRINGS(call, { u->name, &l->UserName }, { u->full_name, &l->FullName }, { v.d.home_directory, &l->HomeDirectory }, { v.d.home_drive, &l->HomeDirectoryDrive }, { v.d.script_path, &l->ScriptPath }, { v.d.profile_path, &l->ProfilePath }, { v.d.workstations, &l->WorkStations });
            break;
        }
        case 4: b->LogonHours = v.hours; break;
        case 5: {
            struct samr_user_account_information *a = &b->Account;
            a->UserId = u->rid;
            a->PrimaryGroupId = SAMR_RID_DOMAIN_USERS;
            a->LastLogon = v.last_logon;
            a->LogonHours = v.hours;
            a->BadPasswordCount = (uint16_t)u->bad_password_count;
            a->PasswordLastSet = v.last_set;
            a->AccountExpires = v.expires;
            a->UserAccountControl = u->flags;
            ok = STRINGS(call, { u->name, &a->UserName }, { u->full_name, &a->FullName }, { v.d.home_directory, &a->HomeDirectory }, { v.d.home_drive, &a->HomeDirectoryDrive }, { v.d.script_path, &a->ScriptPath }, { v.d.profile_path, &a->ProfilePath }, { u->description, &a->AdminComment }, { v.d.workstations, &a->WorkStations });
            break;
        }
        case 6: ok = STRINGS(call, { u->name, &b->Name.UserName }, { u->full_name, &b->Name.FullName }); break;
        case 7: ok = STRINGS(call, { u->name, &b->AccountName }); break;
        case 8: ok = STRINGS(call, { u->full_name, &b->FullName }); break;
        case 9: b->PrimaryGroupId = SAMR_RID_DOMAIN_USERS; break;
        case 10: ok = STRINGS(call, { v.d.home_directory, &b->Home.HomeDirectory }, { v.d.home_drive, &b->Home.HomeDirectoryDrive }); break;
        case 11: ok = STRINGS(call, { v.d.script_path, &b->Script }); break;
        case 12: ok = STRINGS(call, { v.d.profile_path, &b->Profile }); break;
        case 13: ok = STRINGS(call, { u->description, &b->AdminComment }); break;
        case 14: ok = STRINGS(call, { v.d.workstations, &b->WorkStations }); break;
        case 16: b->UserAccountControl = u->flags; break;
        case 17: b->AccountExpires = v.expires; break;
        case 20: ok = STRINGS(call, { v.d.parameters, &b->Parameters }); break;
        case 21: ok = fill_all(call, &v, &b->All); break;
        }
    }
    sam_user_free(&v.u);
    sam_user_details_free(&v.d);
    if (!ok)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->Buffer = b;
    r->result = STATUS_SUCCESS;
    return 0;
}

SAMR_CALL(GetGroupsForUser, SamrGetGroupsForUser)
{
    uint32_t fault = 0;
    struct samr_object *obj = user_of(call, &r->UserHandle, &fault);
    if (!obj)
        return fault;
    if ((r->result = samr_need(obj, USER_LIST_GROUPS)))
        return 0;
    /* Every user is in None, its primary group, and in no other group:
     * local groups are aliases (GetAliasMembership). */
    struct samr_get_groups_buffer *b = SAMR_NEW(call, struct samr_get_groups_buffer);
    struct group_membership *g = SAMR_NEW(call, struct group_membership);
    if (!b || !g)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    g->RelativeId = SAMR_RID_DOMAIN_USERS;
    g->Attributes = 7; /* mandatory, enabled by default, enabled */
    b->MembershipCount = 1;
    b->Groups = g;
    r->Groups = b;
    r->result = STATUS_SUCCESS;
    return 0;
}

SAMR_CALL(GetUserDomainPasswordInformation, SamrGetUserDomainPasswordInformation)
{
    uint32_t fault = 0;
    struct samr_object *obj = user_of(call, &r->UserHandle, &fault);
    if (!obj)
        return fault;
    if ((r->result = samr_need(obj, USER_READ_ACCOUNT)))
        return 0;
    r->result = samr_status(samr_password_info(call, &r->PasswordInformation));
    return 0;
}

/* ---- create and delete ---- */

static uint32_t create_user(struct dcerpc_call *call, const struct policy_handle *domain,
                            const struct RPC_UNICODE_STRING *wire_name, uint32_t account_type,
                            uint32_t desired, struct policy_handle *out, uint32_t *granted, uint32_t *rid,
                            uint32_t *result)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, domain, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    const char *name = samr_string(call, wire_name);
    NTSTATUS status = samr_need(d, DOMAIN_CREATE_USER);
    if (NT_SUCCESS(status) && d->builtin)
        status = STATUS_ACCESS_DENIED;
    if (!NT_SUCCESS(status)) {
        samr_audit_refused(call, "user.add", name, "access denied");
        *result = status;
        return 0;
    }
    if (!name) {
        *result = STATUS_INVALID_ACCOUNT_NAME;
        return 0;
    }
    if (account_type != USER_NORMAL_ACCOUNT) {
        /* Machine and trust accounts belong to domain controllers. */
        *result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    /* As Windows creates it: disabled and without a password, until the
     * client sets one and enables the account (net rpc user add, MMC). */
    struct lsa_rpc_actor who;
    status = sam_user_add(samr_reg(call), samr_actor_of(call, &who), name, NULL, NULL, SAM_USER_DISABLED,
                          NULL, rid);
    samr_actor_done(&who);
    if (NT_SUCCESS(status)) {
        status = open_user(call, d, *rid, desired, out, granted);
        if (status == STATUS_ACCESS_DENIED) /* asked for more than it may have: keep what it may */
            status = open_user(call, d, *rid, SAMR_MAXIMUM_ALLOWED, out, granted);
    }
    *result = samr_status(status);
    return 0;
}

SAMR_CALL(CreateUser2InDomain, SamrCreateUser2InDomain)
{
    return create_user(call, &r->DomainHandle, &r->Name, r->AccountType, r->DesiredAccess, &r->UserHandle,
                       &r->GrantedAccess, &r->RelativeId, &r->result);
}

SAMR_CALL(CreateUserInDomain, SamrCreateInDomain)
{
    uint32_t granted;
    return create_user(call, &r->DomainHandle, &r->Name, USER_NORMAL_ACCOUNT, r->DesiredAccess, &r->Handle,
                       &granted, &r->RelativeId, &r->result);
}

SAMR_CALL(DeleteUser, SamrDeleteAccount)
{
    uint32_t fault = 0;
    struct samr_object *obj = user_of(call, &r->Handle, &fault);
    if (!obj)
        return fault;
    struct sam_user u;
    NTSTATUS status = sam_user_by_rid(samr_reg(call), obj->rid, &u);
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status);
        return 0;
    }
    status = samr_need(obj, SAMR_DELETE);
    if (!NT_SUCCESS(status)) {
        samr_audit_refused(call, "user.del", u.name, "access denied");
    } else {
        struct lsa_rpc_actor who;
        status = sam_user_delete(samr_reg(call), samr_actor_of(call, &who), obj->rid);
        samr_actor_done(&who);
        if (NT_SUCCESS(status)) {
            dcerpc_handle_close(call, &r->Handle);
            memset(&r->Handle, 0, sizeof r->Handle);
        }
    }
    sam_user_free(&u);
    r->result = samr_status(status);
    return 0;
}
