/* The access check of [MS-DTYP] 2.5.3.2, as lib/access.h describes it. */
#include "lib/access.h"

#include "lib/secdesc.h"

const struct generic_mapping file_generic_mapping = {
    .generic_read = FILE_GENERIC_READ,
    .generic_write = FILE_GENERIC_WRITE,
    .generic_execute = FILE_GENERIC_EXECUTE,
    .generic_all = FILE_ALL_ACCESS,
};

uint32_t access_map_generic(uint32_t mask, const struct generic_mapping *mapping)
{
    if (mask & GENERIC_READ)
        mask |= mapping->generic_read;
    if (mask & GENERIC_WRITE)
        mask |= mapping->generic_write;
    if (mask & GENERIC_EXECUTE)
        mask |= mapping->generic_execute;
    if (mask & GENERIC_ALL)
        mask |= mapping->generic_all;
    return mask & ~GENERIC_RIGHTS_MASK;
}

/* Does the ACE's SID name the caller? OWNER RIGHTS stands for the object's
 * owner; CREATOR OWNER/GROUP never match (they only matter for inheritance,
 * and no token holds them). */
static bool ace_sid_matches(const struct security_descriptor *sd, const struct access_token *token,
                            const struct sid *sid)
{
    if (sid_equal(sid, &SID_OWNER_RIGHTS))
        return sd->has_owner && token_has_sid(token, &sd->owner);
    return token_has_sid(token, sid);
}

/* Does the ACE take part in a check of an object without object types? */
static bool ace_applies(const struct ace *ace)
{
    if (ace->flags & INHERIT_ONLY_ACE)
        return false;
    if (!ace_is_allow(ace->type) && !ace_is_deny(ace->type))
        return false;
    if (ace_is_object(ace->type) && (ace->object_flags & ACE_OBJECT_TYPE_PRESENT))
        return false;
    /* An unevaluated condition is UNKNOWN: it never allows, it always denies. */
    if (ace_is_callback(ace->type) && ace_is_allow(ace->type))
        return false;
    return true;
}

static bool dacl_has_owner_rights(const struct acl *dacl)
{
    for (size_t i = 0; i < dacl->count; i++)
        if (!(dacl->aces[i].flags & INHERIT_ONLY_ACE) &&
            sid_equal(&dacl->aces[i].sid, &SID_OWNER_RIGHTS))
            return true;
    return false;
}

NTSTATUS access_check(const struct security_descriptor *sd, const struct access_token *token,
                      uint32_t desired, const struct generic_mapping *mapping, uint32_t flags,
                      uint32_t *granted)
{
    if (!mapping)
        mapping = &file_generic_mapping;
    *granted = 0;
    bool max_allowed = (desired & MAXIMUM_ALLOWED) != 0;
    desired = access_map_generic(desired, mapping) & ~MAXIMUM_ALLOWED;
    /* Asking for nothing gets nothing, as SeAccessCheck answers. */
    if (!max_allowed && desired == 0)
        return STATUS_ACCESS_DENIED;
    bool backup_intent = (flags & ACCESS_CHECK_BACKUP_INTENT) != 0;

    /* Rights that come from privileges: granted before, and whatever, the DACL says. */
    uint32_t privileged = 0;
    if (token->privileges & SE_PRIV_TAKE_OWNERSHIP)
        privileged |= WRITE_OWNER;
    if (backup_intent && (token->privileges & SE_PRIV_BACKUP))
        privileged |= BACKUP_PRIVILEGE_ACCESS;
    if (backup_intent && (token->privileges & SE_PRIV_RESTORE))
        privileged |= RESTORE_PRIVILEGE_ACCESS;
    if (token->privileges & SE_PRIV_SECURITY)
        privileged |= ACCESS_SYSTEM_SECURITY;
    /* ACCESS_SYSTEM_SECURITY is never granted by a DACL: without a privilege
     * that confers it, Windows fails with STATUS_PRIVILEGE_NOT_HELD. */
    if ((desired & ACCESS_SYSTEM_SECURITY) && !(privileged & ACCESS_SYSTEM_SECURITY))
        return STATUS_PRIVILEGE_NOT_HELD;
    /* MAXIMUM_ALLOWED reports ACCESS_SYSTEM_SECURITY only when asked for it. */
    if (!(desired & ACCESS_SYSTEM_SECURITY))
        privileged &= ~ACCESS_SYSTEM_SECURITY;

    const struct acl *dacl = (sd->control & SE_DACL_PRESENT) ? sd->dacl : NULL;
    if (!dacl) {
        /* No DACL: no protection at all. */
        *granted = max_allowed ? (mapping->generic_all | privileged | desired) : desired;
        return STATUS_SUCCESS;
    }

    uint32_t allowed = privileged;
    if (sd->has_owner && token_has_sid(token, &sd->owner) && !dacl_has_owner_rights(dacl))
        allowed |= READ_CONTROL | WRITE_DAC;
    uint32_t remaining = desired & ~allowed;
    uint32_t denied = 0;

    for (size_t i = 0; i < dacl->count && (max_allowed || remaining); i++) {
        const struct ace *ace = &dacl->aces[i];
        if (!ace_applies(ace) || !ace_sid_matches(sd, token, &ace->sid))
            continue;
        uint32_t mask = access_map_generic(ace->mask, mapping);
        if (ace_is_allow(ace->type)) {
            allowed |= mask & ~denied;
            remaining &= ~mask;
        } else {
            /* Only bits no earlier ACE granted are refused: order matters. */
            if (!max_allowed && (mask & remaining))
                return STATUS_ACCESS_DENIED;
            denied |= mask & ~allowed;
        }
    }

    if (max_allowed) {
        if ((desired & ~allowed) || allowed == 0)
            return STATUS_ACCESS_DENIED;
        *granted = allowed | desired;
        return STATUS_SUCCESS;
    }
    if (remaining)
        return STATUS_ACCESS_DENIED;
    *granted = desired;
    return STATUS_SUCCESS;
}
