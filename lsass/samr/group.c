/* The group calls. The account domain has one global group of its own,
 * None (RID 513), every user's primary group, whose membership follows the
 * accounts. A standalone server has no other global groups, but Samba's
 * `net rpc group add NAME` (without -L) and `addmem`/`members` speak the
 * group calls for a group they created: so CreateGroupInDomain makes a
 * local group (the one kind the SAM has; LookupNames then names it an
 * alias), and the group calls on such a RID act on that local group, its
 * members given by RID. */
#include "lsass/samr/samr_private.h"

#include <stdlib.h>
#include <string.h>

#define GROUP_ATTRIBUTES 7u /* mandatory, enabled by default, enabled */
static const char none_comment[] = "Ordinary users";

static struct samr_object *group_of(struct dcerpc_call *call, const struct policy_handle *h, uint32_t *fault)
{
    return samr_handle_get(call, h, SAMR_GROUP, fault);
}

/* The local group behind a group handle (not None); *sid its SID. */
static NTSTATUS local_group(struct dcerpc_call *call, const struct samr_object *obj, struct sid *sid,
                            struct sam_group *g)
{
    memset(g, 0, sizeof *g);
    if (obj->rid == SAMR_RID_DOMAIN_USERS || !NT_SUCCESS(sid_append(sid, &obj->domain, obj->rid)) ||
        !NT_SUCCESS(sam_group_by_sid(samr_reg(call), sid, g)) || g->builtin) {
        sam_group_free(g);
        return STATUS_NO_SUCH_GROUP;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS open_group(struct dcerpc_call *call, const struct samr_object *d, uint32_t rid, uint32_t desired,
                           struct policy_handle *out)
{
    if (d->builtin)
        return STATUS_NO_SUCH_GROUP;
    struct samr_object obj = { .kind = SAMR_GROUP, .domain = d->domain, .rid = rid };
    if (rid != SAMR_RID_DOMAIN_USERS) {
        struct sid sid;
        struct sam_group g;
        NTSTATUS status = local_group(call, &obj, &sid, &g);
        sam_group_free(&g);
        if (!NT_SUCCESS(status))
            return status;
    }
    NTSTATUS status = samr_grant(call, SAMR_GROUP, false, desired, &obj.granted);
    return NT_SUCCESS(status) ? samr_handle_new(call, &obj, out) : status;
}

SAMR_CALL(OpenGroup, SamrOpenAccount)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, &r->DomainHandle, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    r->result = samr_need(d, DOMAIN_LOOKUP);
    if (!r->result)
        r->result = samr_status(open_group(call, d, r->Id, r->DesiredAccess, &r->Handle));
    return 0;
}

SAMR_CALL(CreateGroupInDomain, SamrCreateInDomain)
{
    uint32_t fault = 0;
    struct samr_object *d = samr_handle_get(call, &r->DomainHandle, SAMR_DOMAIN, &fault);
    if (!d)
        return fault;
    const char *name = samr_string(call, &r->Name);
    NTSTATUS status = samr_need(d, DOMAIN_CREATE_GROUP);
    if (NT_SUCCESS(status) && d->builtin)
        status = STATUS_ACCESS_DENIED;
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
    if (status == STATUS_ALIAS_EXISTS)
        status = STATUS_GROUP_EXISTS;
    if (NT_SUCCESS(status)) {
        status = open_group(call, d, r->RelativeId, r->DesiredAccess, &r->Handle);
        if (status == STATUS_ACCESS_DENIED)
            status = open_group(call, d, r->RelativeId, SAMR_MAXIMUM_ALLOWED, &r->Handle);
    }
    r->result = samr_status(status);
    return 0;
}

SAMR_CALL(QueryInformationGroup, SamrQueryInformationGroup)
{
    uint32_t fault = 0;
    struct samr_object *obj = group_of(call, &r->GroupHandle, &fault);
    if (!obj)
        return fault;
    uint16_t level = r->GroupInformationClass;
    if (level < 1 || level > 5) {
        r->result = STATUS_INVALID_INFO_CLASS;
        return 0;
    }
    if ((r->result = samr_need(obj, GROUP_READ_INFORMATION)))
        return 0;
    const char *name = "None", *comment = none_comment;
    uint32_t members = 0;
    struct sam_group g = { 0 };
    struct sam_user_list users = { 0 };
    NTSTATUS status;
    if (obj->rid == SAMR_RID_DOMAIN_USERS) {
        status = sam_user_list(samr_reg(call), &users);
        members = (uint32_t)users.count;
    } else {
        struct sid sid;
        status = local_group(call, obj, &sid, &g);
        name = g.name;
        comment = g.description;
        members = (uint32_t)g.member_count;
    }
    union samr_group_info_buffer *b = SAMR_NEW(call, union samr_group_info_buffer);
    bool ok = b != NULL;
    if (ok && NT_SUCCESS(status)) {
        switch (level) {
        case 1: case 5:
            b->General.Attributes = GROUP_ATTRIBUTES;
            b->General.MemberCount = members;
            ok = NT_SUCCESS(samr_set_string(call, name, &b->General.Name)) &&
                 NT_SUCCESS(samr_set_string(call, comment, &b->General.AdminComment));
            break;
        case 2: ok = NT_SUCCESS(samr_set_string(call, name, &b->Name)); break;
        case 3: b->Attributes = GROUP_ATTRIBUTES; break;
        case 4: ok = NT_SUCCESS(samr_set_string(call, comment, &b->AdminComment)); break;
        }
    }
    sam_user_list_free(&users);
    sam_group_free(&g);
    if (!ok)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->result = samr_status(status);
    if (NT_SUCCESS(status))
        r->Buffer = b;
    return 0;
}

SAMR_CALL(GetMembersInGroup, SamrGetMembersInGroup)
{
    uint32_t fault = 0;
    struct samr_object *obj = group_of(call, &r->GroupHandle, &fault);
    if (!obj)
        return fault;
    if ((r->result = samr_need(obj, GROUP_LIST_MEMBERS)))
        return 0;
    uint32_t *rids = NULL, n = 0;
    NTSTATUS status;
    if (obj->rid == SAMR_RID_DOMAIN_USERS) {
        struct sam_user_list users;
        status = sam_user_list(samr_reg(call), &users);
        if (NT_SUCCESS(status)) {
            rids = SAMR_NEW_ARRAY(call, users.count, uint32_t);
            for (size_t i = 0; rids && i < users.count; i++)
                rids[n++] = users.users[i].rid;
            sam_user_list_free(&users);
        }
    } else {
        /* A local group's members of this domain, by RID (others have none). */
        struct sid sid, *members = NULL;
        struct sam_group g;
        size_t count = 0;
        status = local_group(call, obj, &sid, &g);
        sam_group_free(&g);
        if (NT_SUCCESS(status))
            status = sam_group_members(samr_reg(call), &sid, &members, &count);
        if (NT_SUCCESS(status)) {
            rids = SAMR_NEW_ARRAY(call, count, uint32_t);
            for (size_t i = 0; rids && i < count; i++)
                if (sid_split_rid(&members[i], &obj->domain, &rids[n]))
                    n++;
            free(members);
        }
    }
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status);
        return 0;
    }
    struct samr_get_members_buffer *b = SAMR_NEW(call, struct samr_get_members_buffer);
    uint32_t *attributes = SAMR_NEW_ARRAY(call, n, uint32_t);
    if (!b || !rids || !attributes)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (uint32_t i = 0; i < n; i++)
        attributes[i] = GROUP_ATTRIBUTES;
    *b = (struct samr_get_members_buffer){ n, rids, attributes };
    r->Members = b;
    r->result = STATUS_SUCCESS;
    return 0;
}

/* A change of a group: refused for None (its membership follows the
 * accounts), else made on the local group. */
static NTSTATUS group_change(struct dcerpc_call *call, struct samr_object *obj, uint32_t need, const char *action,
                             struct sid *sid, struct sam_group *g)
{
    memset(g, 0, sizeof *g);
    if (obj->rid == SAMR_RID_DOMAIN_USERS) {
        samr_audit_refused(call, action, "None", "the membership of None follows the accounts");
        return STATUS_ACCESS_DENIED;
    }
    NTSTATUS status = local_group(call, obj, sid, g);
    if (NT_SUCCESS(status) && !NT_SUCCESS(status = samr_need(obj, need)))
        samr_audit_refused(call, action, g->name, "access denied");
    return status;
}

static uint32_t member_change(struct dcerpc_call *call, const struct policy_handle *h, uint32_t rid, bool add,
                              uint32_t *result)
{
    uint32_t fault = 0;
    struct samr_object *obj = group_of(call, h, &fault);
    if (!obj)
        return fault;
    struct sid sid, member;
    struct sam_group g;
    NTSTATUS status = group_change(call, obj, add ? GROUP_ADD_MEMBER : GROUP_REMOVE_MEMBER,
                                   add ? "group.add-member" : "group.remove-member", &sid, &g);
    if (NT_SUCCESS(status) && !NT_SUCCESS(sid_append(&member, &obj->domain, rid)))
        status = STATUS_NO_SUCH_USER;
    if (NT_SUCCESS(status)) {
        struct lsa_rpc_actor who;
        const struct audit_actor *actor = samr_actor_of(call, &who);
        status = add ? sam_group_add_member(samr_reg(call), actor, &sid, &member)
                     : sam_group_remove_member(samr_reg(call), actor, &sid, &member);
        samr_actor_done(&who);
        if (status == STATUS_MEMBER_IN_ALIAS)
            status = STATUS_MEMBER_IN_GROUP;
        else if (status == STATUS_MEMBER_NOT_IN_ALIAS)
            status = STATUS_MEMBER_NOT_IN_GROUP;
        else if (status == STATUS_NONE_MAPPED)
            status = STATUS_NO_SUCH_USER;
    }
    sam_group_free(&g);
    *result = samr_status(status);
    return 0;
}

SAMR_CALL(AddMemberToGroup, SamrAddMemberToGroup)
{
    return member_change(call, &r->GroupHandle, r->MemberId, true, &r->result);
}

SAMR_CALL(RemoveMemberFromGroup, SamrRemoveMemberFromGroup)
{
    return member_change(call, &r->GroupHandle, r->MemberId, false, &r->result);
}

SAMR_CALL(SetInformationGroup, SamrSetInformationGroup)
{
    uint32_t fault = 0;
    struct samr_object *obj = group_of(call, &r->GroupHandle, &fault);
    if (!obj)
        return fault;
    struct sid sid;
    struct sam_group g;
    NTSTATUS status = group_change(call, obj, GROUP_WRITE_ACCOUNT, "group.set", &sid, &g);
    if (NT_SUCCESS(status)) {
        switch (r->GroupInformationClass) {
        case 3: break; /* attributes: a local group's are fixed */
        case 4: {
            const char *text = samr_string(call, &r->Buffer.AdminComment);
            struct lsa_rpc_actor who;
            status = text ? sam_group_set_description(samr_reg(call), samr_actor_of(call, &who), &sid, text)
                          : STATUS_INVALID_PARAMETER;
            if (text)
                samr_actor_done(&who);
            break;
        }
        case 2: status = STATUS_NOT_SUPPORTED; break; /* the SAM does not rename groups */
        default: status = STATUS_INVALID_INFO_CLASS;
        }
    }
    sam_group_free(&g);
    r->result = samr_status(status);
    return 0;
}

SAMR_CALL(DeleteGroup, SamrDeleteAccount)
{
    uint32_t fault = 0;
    struct samr_object *obj = group_of(call, &r->Handle, &fault);
    if (!obj)
        return fault;
    struct sid sid;
    struct sam_group g;
    NTSTATUS status = group_change(call, obj, SAMR_DELETE, "group.del", &sid, &g);
    if (NT_SUCCESS(status)) {
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
