/* The server object: connect, close, the two domains (the machine's
 * account domain and Builtin), security descriptors, RidToSid. */
#include "lsass/samr/samr_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/secdesc.h"

static uint32_t connect_common(struct dcerpc_call *call, uint32_t desired, struct policy_handle *out,
                               uint32_t *result)
{
    struct samr_object obj = { .kind = SAMR_SERVER };
    NTSTATUS status = samr_grant(call, SAMR_SERVER, false, desired, &obj.granted);
    if (NT_SUCCESS(status))
        status = samr_handle_new(call, &obj, out);
    *result = status;
    return 0;
}

SAMR_CALL(Connect, SamrConnect)
{
    return connect_common(call, r->DesiredAccess, &r->ServerHandle, &r->result);
}

SAMR_CALL(Connect2, SamrConnect2)
{
    return connect_common(call, r->DesiredAccess, &r->ServerHandle, &r->result);
}

SAMR_CALL(Connect3, SamrConnect3)
{
    return connect_common(call, r->DesiredAccess, &r->ServerHandle, &r->result);
}

SAMR_CALL(Connect4, SamrConnect4)
{
    return connect_common(call, r->DesiredAccess, &r->ServerHandle, &r->result);
}

SAMR_CALL(Connect5, SamrConnect5)
{
    /* [MS-SAMR] 3.1.5.1.1: version 1 only; the reply says revision 3 and
     * no optional features. */
    if (r->InVersion != 1) {
        r->result = STATUS_NOT_SUPPORTED;
        r->OutVersion = 1;
        return 0;
    }
    r->OutVersion = 1;
    r->OutRevisionInfo.V1.Revision = 3;
    r->OutRevisionInfo.V1.SupportedFeatures = 0;
    return connect_common(call, r->DesiredAccess, &r->ServerHandle, &r->result);
}

SAMR_CALL(CloseHandle, SamrCloseHandle)
{
    if (!dcerpc_handle_close(call, &r->SamHandle))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    memset(&r->SamHandle, 0, sizeof r->SamHandle);
    r->result = STATUS_SUCCESS;
    return 0;
}

/* Which domain a name or SID is: the account domain, or Builtin. */
static bool domain_by_name(struct dcerpc_call *call, const char *name, struct sid *sid)
{
    char mine[64];
    samr_domain_name(samr_reg(call), mine, sizeof mine);
    if (strcasecmp(name, "Builtin") == 0) {
        *sid = SID_BUILTIN;
        return true;
    }
    return strcasecmp(name, mine) == 0 && NT_SUCCESS(sam_domain_sid(samr_reg(call), sid));
}

SAMR_CALL(LookupDomainInSamServer, SamrLookupDomainInSamServer)
{
    uint32_t fault = 0;
    struct samr_object *server = samr_handle_get(call, &r->ServerHandle, SAMR_SERVER, &fault);
    if (!server)
        return fault;
    r->result = samr_need(server, SAM_SERVER_LOOKUP_DOMAIN);
    if (r->result)
        return 0;
    const char *name = r->Name.Buffer ? samr_string(call, &r->Name) : NULL;
    struct sid sid;
    if (!name)
        r->result = STATUS_INVALID_PARAMETER;
    else if (!domain_by_name(call, name, &sid))
        r->result = STATUS_NO_SUCH_DOMAIN;
    else if (!(r->DomainId = ndr_sid_to_rpc(dcerpc_call_arena(call), &sid)))
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    return 0;
}

SAMR_CALL(EnumerateDomainsInSamServer, SamrEnumerate)
{
    uint32_t fault = 0;
    struct samr_object *server = samr_handle_get(call, &r->Handle, SAMR_SERVER, &fault);
    if (!server)
        return fault;
    r->result = samr_need(server, SAM_SERVER_ENUMERATE_DOMAINS);
    if (r->result)
        return 0;
    char mine[64];
    samr_domain_name(samr_reg(call), mine, sizeof mine);
    const char *names[2] = { mine, "Builtin" };
    uint32_t first = r->EnumerationContext > 2 ? 2 : r->EnumerationContext;
    struct samr_enumeration_buffer *b = SAMR_NEW(call, struct samr_enumeration_buffer);
    struct samr_rid_enumeration *e = SAMR_NEW_ARRAY(call, 2, struct samr_rid_enumeration);
    if (!b || !e)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (uint32_t i = first; i < 2; i++)
        if (!NT_SUCCESS(samr_set_string(call, names[i], &e[i - first].Name)))
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    b->EntriesRead = 2 - first;
    b->Buffer = e;
    r->Buffer = b;
    r->CountReturned = b->EntriesRead;
    r->EnumerationContext = 2;
    r->result = STATUS_SUCCESS;
    return 0;
}

SAMR_CALL(OpenDomain, SamrOpenDomain)
{
    uint32_t fault = 0;
    /* Any server handle will do ([MS-SAMR] 3.1.5.1.5 checks the handle's
     * type, not its access: smbtorture's handletype opens a domain through
     * a handle granted SAM_SERVER_CONNECT alone); the domain's own access
     * is checked below. */
    struct samr_object *server = samr_handle_get(call, &r->ServerHandle, SAMR_SERVER, &fault);
    if (!server)
        return fault;
    struct samr_object obj = { .kind = SAMR_DOMAIN };
    struct sid account;
    if (!ndr_sid_from_rpc(&r->DomainId, &obj.domain)) {
        r->result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (sid_equal(&obj.domain, &SID_BUILTIN))
        obj.builtin = true;
    else if (!NT_SUCCESS(sam_domain_sid(samr_reg(call), &account)) || !sid_equal(&obj.domain, &account)) {
        r->result = STATUS_NO_SUCH_DOMAIN;
        return 0;
    }
    r->result = samr_grant(call, SAMR_DOMAIN, false, r->DesiredAccess, &obj.granted);
    if (NT_SUCCESS(r->result))
        r->result = samr_handle_new(call, &obj, &r->DomainHandle);
    return 0;
}

SAMR_CALL(RidToSid, SamrRidToSid)
{
    uint32_t kind = 0;
    struct samr_object *obj = dcerpc_handle_find(call, &r->ObjectHandle, &kind);
    if (!obj)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    struct sid sid;
    if (obj->kind == SAMR_SERVER || !NT_SUCCESS(sid_append(&sid, &obj->domain, r->Rid))) {
        r->result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (!(r->Sid = ndr_sid_to_rpc(dcerpc_call_arena(call), &sid)))
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->result = STATUS_SUCCESS;
    return 0;
}

SAMR_CALL(QuerySecurityObject, SamrQuerySecurityObject)
{
    uint32_t kind = 0;
    struct samr_object *obj = dcerpc_handle_find(call, &r->ObjectHandle, &kind);
    if (!obj)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    r->result = samr_need(obj, SAMR_READ_CONTROL);
    if (r->result)
        return 0;
    uint8_t *bytes = NULL;
    size_t len = 0;
    NTSTATUS status = samr_object_descriptor(call, obj, r->SecurityInformation, &bytes, &len);
    if (!NT_SUCCESS(status)) {
        r->result = status;
        return 0;
    }
    struct samr_sr_security_descriptor *sd = SAMR_NEW(call, struct samr_sr_security_descriptor);
    if (!sd)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    sd->Length = (uint32_t)len;
    sd->SecurityDescriptor = bytes;
    r->SecurityDescriptor = sd;
    r->result = STATUS_SUCCESS;
    return 0;
}

/* [MS-SAMR] 3.1.5.12.1. A user's descriptor is stored (MMC's "User cannot
 * change password" denies him USER_CHANGE_PASSWORD in it, which his own
 * change honours: sam_user_may_change_password); the rest of his access
 * still follows the fixed rules above. Other objects keep no descriptor of
 * their own, so a change to them cannot be honoured. */
SAMR_CALL(SetSecurityObject, SamrSetSecurityObject)
{
    uint32_t kind = 0;
    struct samr_object *obj = dcerpc_handle_find(call, &r->ObjectHandle, &kind);
    if (!obj)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    uint32_t secinfo = r->SecurityInformation;
    uint32_t need = 0;
    if (secinfo & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION))
        need |= SAMR_WRITE_OWNER;
    if (secinfo & DACL_SECURITY_INFORMATION)
        need |= SAMR_WRITE_DAC;
    if (secinfo & SACL_SECURITY_INFORMATION)
        need |= SAMR_ACCESS_SYSTEM_SECURITY;
    if (!need || !r->SecurityDescriptor.SecurityDescriptor || !r->SecurityDescriptor.Length) {
        r->result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    r->result = samr_need(obj, need);
    if (r->result) {
        samr_audit_refused(call, "user.set", "security descriptor", "access denied");
        return 0;
    }
    if (obj->kind != SAMR_USER) {
        r->result = STATUS_NOT_SUPPORTED;
        return 0;
    }
    struct security_descriptor update, full;
    NTSTATUS status = secdesc_parse(r->SecurityDescriptor.SecurityDescriptor, r->SecurityDescriptor.Length,
                                    &update);
    if (!NT_SUCCESS(status)) {
        r->result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    status = samr_object_descriptor_full(call, obj, &full);
    if (NT_SUCCESS(status)) {
        status = secdesc_merge(&full, &update, secinfo);
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (NT_SUCCESS(status))
            status = secdesc_to_bytes(&full, &bytes, &len);
        if (NT_SUCCESS(status)) {
            struct lsa_rpc_actor who;
            status = sam_user_set_descriptor(samr_reg(call), samr_actor_of(call, &who), obj->rid, bytes, len);
            samr_actor_done(&who);
        }
        free(bytes);
        secdesc_free(&full);
    }
    secdesc_free(&update);
    if (status == STATUS_NO_MEMORY)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    r->result = samr_status(status);
    return 0;
}
