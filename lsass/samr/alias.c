/* Alias handles: the SAM's local groups and Builtin's aliases (group.c
 * serves the group calls). */
#include "lsass/samr/samr_private.h"

#include <stdlib.h>
#include <string.h>

static struct samr_object *alias_of(struct dcerpc_call *call, const struct policy_handle *h, uint32_t *fault)
{
    return samr_handle_get(call, h, SAMR_ALIAS, fault);
}

static NTSTATUS alias_sid(const struct samr_object *obj, struct sid *sid)
{
    return sid_append(sid, &obj->domain, obj->rid);
}

/* The alias a handle names, and its SID; STATUS_NO_SUCH_ALIAS if it was
 * deleted since (free *group with sam_group_free). */
static NTSTATUS alias_load(struct dcerpc_call *call, const struct samr_object *obj, struct sid *sid,
                           struct sam_group *group)
{
    memset(group, 0, sizeof *group);
    NTSTATUS status = alias_sid(obj, sid);
    if (NT_SUCCESS(status))
        status = sam_group_by_sid(samr_reg(call), sid, group);
    return NT_SUCCESS(status) ? status : STATUS_NO_SUCH_ALIAS;
}

static NTSTATUS open_alias(struct dcerpc_call *call, const struct samr_object *d, uint32_t rid,
                           uint32_t desired, struct policy_handle *out)
{
    struct samr_object obj = { .kind = SAMR_ALIAS, .domain = d->domain, .rid = rid, .builtin = d->builtin };
    struct sid sid;
    struct sam_group g;
    NTSTATUS status = alias_sid(&obj, &sid);
    if (NT_SUCCESS(status))
        status = sam_group_by_sid(samr_reg(call), &sid, &g);
    if (!NT_SUCCESS(status))
        return STATUS_NO_SUCH_ALIAS;
    sam_group_free(&g);
    status = samr_grant(call, SAMR_ALIAS, false, desired, &obj.granted);
    if (NT_SUCCESS(status))
        status = samr_handle_new(call, &obj, out);
    return status;
}

SAMR_CALL(OpenAlias, SamrOpenAccount)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, &r->DomainHandle, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    r->result = samr_need(d, DOMAIN_LOOKUP);
    if (!r->result)
        r->result = samr_status(open_alias(call, d, r->Id, r->DesiredAccess, &r->Handle));
    return 0;
}

SAMR_CALL(CreateAliasInDomain, SamrCreateInDomain)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, &r->DomainHandle, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    const char *name = samr_string(call, &r->Name);
    NTSTATUS status = samr_need(d, DOMAIN_CREATE_ALIAS);
    if (NT_SUCCESS(status) && d->builtin)
        status = STATUS_ACCESS_DENIED; /* Builtin's aliases are fixed */
    if (!NT_SUCCESS(status)) {
        samr_audit_refused(call, "group.add", name, "access denied");
        r->result = status;
        return 0;
    }
    if (!name) {
        r->result = STATUS_INVALID_ACCOUNT_NAME;
        return 0;
    }
    struct lsa_rpc_actor who;
    status = sam_group_add(samr_reg(call), samr_actor_of(call, &who), name, NULL, &r->RelativeId);
    samr_actor_done(&who);
    if (NT_SUCCESS(status)) {
        status = open_alias(call, d, r->RelativeId, r->DesiredAccess, &r->Handle);
        if (status == STATUS_ACCESS_DENIED)
            status = open_alias(call, d, r->RelativeId, SAMR_MAXIMUM_ALLOWED, &r->Handle);
    }
    r->result = samr_status(status);
    return 0;
}

SAMR_CALL(QueryInformationAlias, SamrQueryInformationAlias)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, &r->AliasHandle, &fault);
    if (!obj)
        return fault;
    uint16_t level = r->AliasInformationClass;
    if (level < 1 || level > 3) {
        r->result = STATUS_INVALID_INFO_CLASS;
        return 0;
    }
    if ((r->result = samr_need(obj, ALIAS_READ_INFORMATION)))
        return 0;
    struct sid sid;
    struct sam_group g;
    NTSTATUS status = alias_load(call, obj, &sid, &g);
    if (!NT_SUCCESS(status)) {
        r->result = status;
        return 0;
    }
    union samr_alias_info_buffer *b = SAMR_NEW(call, union samr_alias_info_buffer);
    bool ok = b != NULL;
    if (ok && level == 1) {
        b->General.MemberCount = (uint32_t)g.member_count;
        ok = NT_SUCCESS(samr_set_string(call, g.name, &b->General.Name)) &&
             NT_SUCCESS(samr_set_string(call, g.description, &b->General.AdminComment));
    } else if (ok) {
        ok = NT_SUCCESS(samr_set_string(call, level == 2 ? g.name : g.description, &b->Name));
    }
    sam_group_free(&g);
    if (!ok)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->Buffer = b;
    r->result = STATUS_SUCCESS;
    return 0;
}

SAMR_CALL(SetInformationAlias, SamrSetInformationAlias)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, &r->AliasHandle, &fault);
    if (!obj)
        return fault;
    struct sid sid;
    struct sam_group g;
    NTSTATUS status = alias_load(call, obj, &sid, &g);
    if (!NT_SUCCESS(status)) {
        r->result = status;
        return 0;
    }
    status = samr_need(obj, ALIAS_WRITE_ACCOUNT);
    if (!NT_SUCCESS(status)) {
        samr_audit_refused(call, "group.set", g.name, "access denied");
    } else if (r->AliasInformationClass == 3) {
        const char *text = samr_string(call, &r->Buffer.AdminComment);
        struct lsa_rpc_actor who;
        status = text ? sam_group_set_description(samr_reg(call), samr_actor_of(call, &who), &sid, text)
                      : STATUS_INVALID_PARAMETER;
        if (text)
            samr_actor_done(&who);
    } else {
        /* Renaming (2) would change what share grants and lwadmin name;
         * the SAM does not rename groups. */
        status = r->AliasInformationClass == 2 ? STATUS_NOT_SUPPORTED : STATUS_INVALID_INFO_CLASS;
    }
    sam_group_free(&g);
    r->result = samr_status(status);
    return 0;
}

SAMR_CALL(DeleteAlias, SamrDeleteAccount)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, &r->Handle, &fault);
    if (!obj)
        return fault;
    struct sid sid;
    struct sam_group g;
    NTSTATUS status = alias_load(call, obj, &sid, &g);
    if (!NT_SUCCESS(status)) {
        r->result = status;
        return 0;
    }
    status = samr_need(obj, SAMR_DELETE);
    if (!NT_SUCCESS(status)) {
        samr_audit_refused(call, "group.del", g.name, "access denied");
    } else {
        struct lsa_rpc_actor who;
        status = sam_group_delete(samr_reg(call), samr_actor_of(call, &who), &sid);
        samr_actor_done(&who);
        if (NT_SUCCESS(status)) {
            dcerpc_handle_close(call, &r->Handle);
            memset(&r->Handle, 0, sizeof r->Handle);
        }
    }
    sam_group_free(&g);
    r->result = samr_status(status);
    return 0;
}

static NTSTATUS change_member(struct dcerpc_call *call, struct samr_object *obj, const struct RPC_SID *wire,
                              bool add)
{
    struct sid sid, member;
    NTSTATUS status = alias_sid(obj, &sid);
    if (!NT_SUCCESS(status))
        return status;
    if (!ndr_sid_from_rpc(wire, &member))
        return STATUS_INVALID_SID;
    status = samr_need(obj, add ? ALIAS_ADD_MEMBER : ALIAS_REMOVE_MEMBER);
    struct lsa_rpc_actor who;
    if (!NT_SUCCESS(status)) {
        char text[SID_STRING_MAX];
        sid_format(&sid, text, sizeof text);
        samr_audit_refused(call, add ? "group.add-member" : "group.remove-member", text, "access denied");
        return status;
    }
    const struct audit_actor *actor = samr_actor_of(call, &who);
    status = add ? sam_group_add_member(samr_reg(call), actor, &sid, &member)
                 : sam_group_remove_member(samr_reg(call), actor, &sid, &member);
    samr_actor_done(&who);
    return status;
}

SAMR_CALL(AddMemberToAlias, SamrAliasMember)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, &r->AliasHandle, &fault);
    if (!obj)
        return fault;
    r->result = samr_status(change_member(call, obj, &r->MemberId, true));
    return 0;
}

SAMR_CALL(RemoveMemberFromAlias, SamrAliasMember)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, &r->AliasHandle, &fault);
    if (!obj)
        return fault;
    r->result = samr_status(change_member(call, obj, &r->MemberId, false));
    return 0;
}

static uint32_t change_members(struct dcerpc_call *call, struct RPC_SID_ARRAY *sids,
                               const struct policy_handle *h, bool add, uint32_t *result)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, h, &fault);
    if (!obj)
        return fault;
    /* All or nothing, as one transaction. */
    NTSTATUS status = registry_begin(samr_reg(call));
    for (uint32_t i = 0; NT_SUCCESS(status) && i < sids->Count; i++)
        status = sids->Sids ? change_member(call, obj, sids->Sids[i].Sid, add) : STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status))
        status = registry_commit(samr_reg(call));
    else
        registry_rollback(samr_reg(call));
    *result = samr_status(status);
    return 0;
}

SAMR_CALL(AddMultipleMembersToAlias, SamrAliasMembers)
{
    return change_members(call, &r->MembersBuffer, &r->AliasHandle, true, &r->result);
}

SAMR_CALL(RemoveMultipleMembersFromAlias, SamrAliasMembers)
{
    return change_members(call, &r->MembersBuffer, &r->AliasHandle, false, &r->result);
}

SAMR_CALL(GetMembersInAlias, SamrGetMembersInAlias)
{
    uint32_t fault = 0;
    struct samr_object *obj = alias_of(call, &r->AliasHandle, &fault);
    if (!obj)
        return fault;
    if ((r->result = samr_need(obj, ALIAS_LIST_MEMBERS)))
        return 0;
    struct sid sid, *members = NULL;
    size_t count = 0;
    NTSTATUS status = alias_sid(obj, &sid);
    if (NT_SUCCESS(status))
        status = sam_group_members(samr_reg(call), &sid, &members, &count);
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status == STATUS_NO_SUCH_ALIAS ? status : status);
        return 0;
    }
    struct RPC_SID_INFORMATION *info = SAMR_NEW_ARRAY(call, count, struct RPC_SID_INFORMATION);
    bool ok = info != NULL;
    for (size_t i = 0; ok && i < count; i++)
        ok = (info[i].Sid = ndr_sid_to_rpc(dcerpc_call_arena(call), &members[i])) != NULL;
    free(members);
    if (!ok)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->Members.Count = (uint32_t)count;
    r->Members.Sids = info;
    r->result = STATUS_SUCCESS;
    return 0;
}

SAMR_CALL(RemoveMemberFromForeignDomain, SamrRemoveMemberFromForeignDomain)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, &r->DomainHandle, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    struct sid member;
    if (!ndr_sid_from_rpc(&r->MemberSid, &member)) {
        r->result = STATUS_INVALID_SID;
        return 0;
    }
    /* [MS-SAMR] 3.1.5.8.3: the member leaves every alias of this domain
     * (NetUserDel calls it on Builtin before deleting the account). */
    NTSTATUS status = samr_need(d, DOMAIN_LOOKUP);
    struct sam_group_list groups = { 0 };
    if (NT_SUCCESS(status))
        status = sam_group_list(samr_reg(call), &groups);
    struct registry *reg = samr_reg(call);
    if (NT_SUCCESS(status))
        status = registry_begin(reg);
    for (size_t i = 0; NT_SUCCESS(status) && i < groups.count; i++) {
        if (groups.groups[i].builtin != d->builtin)
            continue;
        struct samr_object alias = { .kind = SAMR_ALIAS, .domain = d->domain, .rid = groups.groups[i].rid,
                                     .granted = ALIAS_REMOVE_MEMBER };
        if (!samr_caller_is_admin(call))
            alias.granted = 0;
        struct RPC_SID *wire = ndr_sid_to_rpc(dcerpc_call_arena(call), &member);
        status = wire ? change_member(call, &alias, wire, false) : STATUS_NO_MEMORY;
        if (status == STATUS_MEMBER_NOT_IN_ALIAS)
            status = STATUS_SUCCESS;
    }
    if (registry_transaction_depth(reg) && NT_SUCCESS(status))
        status = registry_commit(reg);
    else if (registry_transaction_depth(reg))
        registry_rollback(reg);
    sam_group_list_free(&groups);
    r->result = samr_status(status);
    return 0;
}
