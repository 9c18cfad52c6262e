/* The policy object: LsarOpenPolicy, OpenPolicy2, LsarClose, LsarDeleteObject,
 * LsarQueryInformationPolicy (and 2), LsarQuerySecurityObject; and dssetup's
 * DsRolerGetPrimaryDomainInformation, which reports the same names. */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/sddl.h"
#include "lib/secdesc.h"
#include "lsass/lsarpc/lsarpc_private.h"

static uint32_t open_policy(struct dcerpc_call *call, struct LsarOpenPolicy *c)
{
    memset(&c->PolicyHandle, 0, sizeof c->PolicyHandle);
    uint32_t granted;
    c->Result = lsarpc_access(call, c->DesiredAccess, false, &granted);
    if (c->Result != STATUS_SUCCESS)
        return 0;
    struct lsa_object *o = calloc(1, sizeof *o);
    if (!o) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    o->granted = granted;
    c->Result = dcerpc_handle_create(call, LSA_HANDLE_POLICY, o, free, &c->PolicyHandle);
    if (c->Result != STATUS_SUCCESS)
        free(o);
    return 0;
}

/* SystemName and ObjectAttributes are ignored ([MS-LSAD] 3.1.4.4.1). */
LSARPC_HANDLER(OpenPolicy) { return open_policy(call, r); }
LSARPC_HANDLER(OpenPolicy2) { return open_policy(call, r); }

LSARPC_HANDLER(Close)
{
    struct LsarClose *c = r;
    if (!dcerpc_handle_close(call, &c->ObjectHandle))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    memset(&c->ObjectHandle, 0, sizeof c->ObjectHandle);
    c->Result = STATUS_SUCCESS;
    return 0;
}

/* LsarDelete (opnum 1): obsolete; Windows answers STATUS_NOT_SUPPORTED for
 * any live handle (LsarDeleteObject replaced it). */
LSARPC_HANDLER(Delete)
{
    struct LsarDelete *c = r;
    if (!dcerpc_handle_find(call, &c->ObjectHandle, NULL))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    c->Result = STATUS_NOT_SUPPORTED;
    return 0;
}

/* A standalone server trusts no domain: the list is empty. */
LSARPC_HANDLER(EnumerateTrustedDomains)
{
    struct LsarEnumerateTrustedDomains *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->EnumerationBuffer, 0, sizeof c->EnumerationBuffer);
    struct lsa_object *o = lsarpc_object(call, &c->PolicyHandle, LSA_HANDLE_POLICY, &fault, &c->Result);
    if (!o)
        return fault;
    c->Result = (o->granted & POLICY_VIEW_LOCAL_INFORMATION) ? STATUS_NO_MORE_ENTRIES : STATUS_ACCESS_DENIED;
    return 0;
}

static bool fill_domain(struct dcerpc_call *call, const char *name, const struct sid *sid,
                        struct LSAPR_POLICY_DOMAIN_INFO *out)
{
    if (!lsarpc_ustring(call, name, &out->Name))
        return false;
    if (sid && !(out->Sid = ndr_sid_to_rpc(dcerpc_call_arena(call), sid)))
        return false;
    return true;
}

LSARPC_HANDLER(QueryInformationPolicy)
{
    struct LsarQueryInformationPolicy *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    c->PolicyInformation = NULL;
    struct lsa_object *o = lsarpc_object(call, &c->PolicyHandle, LSA_HANDLE_POLICY, &fault, &c->Result);
    if (!o)
        return fault;
    /* The access each class needs ([MS-LSAD] 3.1.4.4.4). */
    uint32_t need;
    switch (c->InformationClass) {
    case PolicyAuditLogInformation:
    case PolicyAuditEventsInformation:
    case PolicyAuditFullQueryInformation: need = POLICY_VIEW_AUDIT_INFORMATION; break;
    case PolicyPdAccountInformation: need = POLICY_GET_PRIVATE_INFORMATION; break;
    default: need = POLICY_VIEW_LOCAL_INFORMATION; break;
    }
    /* Classes Windows refuses outright: the modification counter, and the
     * full-audit ones (set-only, or obsolete). */
    if (c->InformationClass == PolicyModificationInformation ||
        c->InformationClass == PolicyAuditFullSetInformation ||
        c->InformationClass == PolicyAuditFullQueryInformation) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (c->InformationClass < PolicyAuditLogInformation ||
        c->InformationClass > PolicyLocalAccountDomainInformation) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if ((o->granted & need) != need) {
        c->Result = STATUS_ACCESS_DENIED;
        return 0;
    }
    struct lsarpc_state *state = lsarpc_state_of(call);
    struct lsarpc_names names;
    pthread_mutex_lock(&state->ctx->reg_lock);
    lsarpc_names_load(state, &names);
    pthread_mutex_unlock(&state->ctx->reg_lock);

    union LSAPR_POLICY_INFORMATION *info = ndr_arena_alloc(dcerpc_call_arena(call), sizeof *info);
    if (!info) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    bool ok = true;
    switch (c->InformationClass) {
    case PolicyAuditLogInformation:
        break; /* no Windows event log: all zero */
    case PolicyAuditEventsInformation: {
        /* Auditing off; one option per AuditCategory* (9 of them). */
        struct LSAPR_POLICY_AUDIT_EVENTS_INFO *e = &info->PolicyAuditEventsInfo;
        e->MaximumAuditEventCount = 9;
        e->EventAuditingOptions = ndr_arena_array(dcerpc_call_arena(call), 9, sizeof(uint32_t));
        ok = e->EventAuditingOptions != NULL;
        break;
    }
    case PolicyPrimaryDomainInformation:
        /* A standalone server: its workgroup, and no domain SID. */
        ok = fill_domain(call, names.workgroup, NULL, &info->PolicyPrimaryDomainInfo);
        break;
    case PolicyPdAccountInformation:
        ok = lsarpc_ustring(call, "", &info->PolicyPdAccountInfo.Name);
        break;
    case PolicyAccountDomainInformation:
    case PolicyLocalAccountDomainInformation:
        if (!names.have_sid) {
            c->Result = STATUS_INVALID_DEVICE_STATE; /* never initialised (lwadmin init) */
            return 0;
        }
        ok = fill_domain(call, names.account_domain, &names.domain_sid, &info->PolicyAccountDomainInfo);
        break;
    case PolicyLsaServerRoleInformation:
        info->PolicyServerRoleInfo.LsaServerRole = 3; /* PolicyServerRolePrimary */
        break;
    case PolicyReplicaSourceInformation:
        ok = lsarpc_ustring(call, "", &info->PolicyReplicaSourceInfo.ReplicaSource) &&
             lsarpc_ustring(call, "", &info->PolicyReplicaSourceInfo.ReplicaAccountName);
        break;
    case PolicyDefaultQuotaInformation:
        break; /* no quotas: all zero */
    case PolicyDnsDomainInformation:
    case PolicyDnsDomainInformationInt: {
        /* Not in a domain: the workgroup, no DNS names, no GUID, no SID,
         * as a standalone Windows server answers. */
        struct LSAPR_POLICY_DNS_DOMAIN_INFO *d = &info->PolicyDnsDomainInfo;
        ok = lsarpc_ustring(call, names.workgroup, &d->Name) && lsarpc_ustring(call, "", &d->DnsDomainName) &&
             lsarpc_ustring(call, "", &d->DnsForestName);
        break;
    }
    default:
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (!ok) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    c->PolicyInformation = info;
    return 0;
}

/* The descriptor of the policy and account objects as a client reads it:
 * Windows' defaults (owner and group Administrators; Administrators all,
 * Everyone execute, Anonymous look-up). */
LSARPC_HANDLER(QuerySecurityObject)
{
    struct LsarQuerySecurityObject *c = r;
    uint32_t kind = 0;
    c->SecurityDescriptor = NULL;
    struct lsa_object *o = dcerpc_handle_find(call, &c->ObjectHandle, &kind);
    if (!o)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    /* Reading the owner, group or DACL needs READ_CONTROL; the SACL
     * SeSecurityPrivilege, which no RPC caller holds here. */
    if (c->SecurityInformation & 0x8u) { /* SACL_SECURITY_INFORMATION */
        c->Result = STATUS_PRIVILEGE_NOT_HELD;
        return 0;
    }
    if ((c->SecurityInformation & 0x7u) && !(o->granted & LSA_READ_CONTROL)) {
        c->Result = STATUS_ACCESS_DENIED;
        return 0;
    }
    const char *sddl = kind == LSA_HANDLE_POLICY ? "O:BAG:BAD:(A;;0xf0fff;;;BA)(A;;0x20801;;;WD)(A;;0x801;;;AN)"
                                                 : "O:BAG:BAD:(A;;0xf000f;;;BA)(A;;0x20001;;;WD)";
    struct security_descriptor full, selected;
    uint8_t *sd = NULL;
    size_t len = 0;
    c->Result = sddl_parse(sddl, &full);
    if (c->Result != STATUS_SUCCESS)
        return 0;
    c->Result = secdesc_select(&selected, &full, c->SecurityInformation);
    secdesc_free(&full);
    if (c->Result != STATUS_SUCCESS)
        return 0;
    c->Result = secdesc_to_bytes(&selected, &sd, &len);
    secdesc_free(&selected);
    if (c->Result != STATUS_SUCCESS)
        return 0;
    struct LSAPR_SR_SECURITY_DESCRIPTOR *out = ndr_arena_alloc(dcerpc_call_arena(call), sizeof *out);
    uint8_t *bytes = out ? ndr_arena_alloc(dcerpc_call_arena(call), len) : NULL;
    if (!bytes) {
        free(sd);
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    memcpy(bytes, sd, len);
    free(sd);
    out->Length = (uint32_t)len;
    out->SecurityDescriptor = bytes;
    c->SecurityDescriptor = out;
    return 0;
}

/* ---- dssetup ---- */

uint32_t dssetup_DsRolerGetPrimaryDomainInformation(struct dcerpc_call *call, void *r)
{
    struct DsRolerGetPrimaryDomainInformation *c = r;
    c->DomainInfo = NULL;
    if (c->InfoLevel < DsRolePrimaryDomainInfoBasic || c->InfoLevel > DsRoleOperationState) {
        c->Result = 87; /* ERROR_INVALID_PARAMETER */
        return 0;
    }
    union DSROLER_PRIMARY_DOMAIN_INFORMATION *info = ndr_arena_alloc(dcerpc_call_arena(call), sizeof *info);
    if (!info) {
        c->Result = 8; /* ERROR_NOT_ENOUGH_MEMORY */
        return 0;
    }
    if (c->InfoLevel == DsRolePrimaryDomainInfoBasic) {
        struct lsarpc_state *state = lsarpc_state_of(call);
        struct lsarpc_names names;
        pthread_mutex_lock(&state->ctx->reg_lock);
        lsarpc_names_load(state, &names);
        pthread_mutex_unlock(&state->ctx->reg_lock);
        info->DomainInfoBasic.MachineRole = DSROLE_ROLE_STANDALONE_SERVER;
        info->DomainInfoBasic.DomainNameFlat = ndr_arena_strdup(dcerpc_call_arena(call), names.workgroup);
        if (!info->DomainInfoBasic.DomainNameFlat) {
            c->Result = 8;
            return 0;
        }
    }
    /* Levels 2 and 3: no upgrade in progress (0), no operation (0:
     * DsRoleOperationIdle). */
    c->DomainInfo = info;
    c->Result = 0;
    return 0;
}
