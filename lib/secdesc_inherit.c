/* Security descriptors of new objects: inheritance from the parent's ACLs
 * ([MS-DTYP] 2.5.3.4, CreateSecurityDescriptor and ComputeInheritedACLfromParent,
 * with automatic inheritance as NTFS uses it). The rules are listed at
 * secdesc_inherit() in lib/secdesc.h. */
#include "lib/secdesc.h"

#include <stdlib.h>

struct inherit_context {
    const struct sid *owner;
    const struct sid *group;
    const struct generic_mapping *mapping;
};

/* An ACE whose effective form differs from its inheritable form: a CREATOR
 * OWNER/GROUP placeholder or generic rights, which the object cannot use as
 * they are. */
static bool needs_substitution(const struct ace *ace)
{
    return sid_equal(&ace->sid, &SID_CREATOR_OWNER) || sid_equal(&ace->sid, &SID_CREATOR_GROUP) ||
           (ace->mask & GENERIC_RIGHTS_MASK);
}

/* Appends the effective form of ace: placeholders replaced, generic rights
 * mapped, inheritance flags dropped, extra_flags added. A CREATOR GROUP ACE
 * with no group to stand for is dropped. */
static NTSTATUS add_effective(struct acl *acl, const struct ace *ace, uint8_t extra_flags,
                              const struct inherit_context *ctx)
{
    struct ace e = *ace;
    if (sid_equal(&ace->sid, &SID_CREATOR_OWNER))
        e.sid = *ctx->owner;
    else if (sid_equal(&ace->sid, &SID_CREATOR_GROUP)) {
        if (!ctx->group)
            return STATUS_SUCCESS;
        e.sid = *ctx->group;
    }
    e.mask = access_map_generic(ace->mask, ctx->mapping);
    e.flags = (uint8_t)((ace->flags & ~INHERITANCE_ACE_FLAGS) | extra_flags);
    return acl_add(acl, &e);
}

static NTSTATUS add_with_flags(struct acl *acl, const struct ace *ace, uint8_t flags)
{
    struct ace copy = *ace;
    copy.flags = flags;
    return acl_add(acl, &copy);
}

/* What one ACE of the parent gives the child. */
static NTSTATUS inherit_ace(struct acl *acl, const struct ace *ace, bool is_container,
                            const struct inherit_context *ctx)
{
    uint8_t f = ace->flags;
    bool effective = is_container ? (f & CONTAINER_INHERIT_ACE) : (f & OBJECT_INHERIT_ACE);
    /* A directory passes the ACE on to its own children unless told not to. */
    bool propagates = is_container && !(f & NO_PROPAGATE_INHERIT_ACE) &&
                      (f & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE));
    NTSTATUS status = STATUS_SUCCESS;
    if (!effective && !propagates)
        return STATUS_SUCCESS;
    if (!effective) /* OBJECT_INHERIT only, on a directory: for its files alone */
        return add_with_flags(acl, ace, (uint8_t)(f | INHERIT_ONLY_ACE | INHERITED_ACE));
    if (propagates && !needs_substitution(ace))
        return add_with_flags(acl, ace,
                              (uint8_t)((f & ~(INHERIT_ONLY_ACE | NO_PROPAGATE_INHERIT_ACE)) |
                                        INHERITED_ACE));
    /* Effective here; and where it must pass on a placeholder or generic
     * rights, an inherit-only copy keeps them for the grandchildren. */
    status = add_effective(acl, ace, INHERITED_ACE, ctx);
    if (status == STATUS_SUCCESS && propagates)
        status = add_with_flags(acl, ace, (uint8_t)(f | INHERIT_ONLY_ACE | INHERITED_ACE));
    return status;
}

/* One of the creator's own ACEs, as the new object keeps it. */
static NTSTATUS explicit_ace(struct acl *acl, const struct ace *ace,
                             const struct inherit_context *ctx)
{
    if ((ace->flags & INHERIT_ONLY_ACE) || !needs_substitution(ace))
        return acl_add(acl, ace);
    NTSTATUS status = add_effective(acl, ace, 0, ctx);
    if (status == STATUS_SUCCESS && (ace->flags & (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)))
        status = add_with_flags(acl, ace, (uint8_t)(ace->flags | INHERIT_ONLY_ACE));
    return status;
}

/* Computes one ACL (DACL or SACL) of the child. *present says whether the child
 * has it; *out is the ACL (NULL with *present: a NULL ACL); *inherited whether
 * the parent's ACL was inherited from. */
static NTSTATUS compute_acl(const struct acl *parent_acl, bool parent_present,
                            const struct acl *creator_acl, bool creator_present,
                            bool creator_protected, bool is_container,
                            const struct inherit_context *ctx, struct acl **out, bool *present,
                            bool *inherited)
{
    *out = NULL;
    *present = false;
    *inherited = false;
    if (creator_present && !creator_acl) {
        *present = true; /* the creator asked for a NULL ACL */
        return STATUS_SUCCESS;
    }
    NTSTATUS status = STATUS_NO_MEMORY;
    struct acl *acl = acl_new();
    if (!acl)
        goto out;
    if (creator_present) {
        acl->revision = creator_acl->revision;
        for (size_t i = 0; i < creator_acl->count; i++) {
            if (creator_acl->aces[i].flags & INHERITED_ACE)
                continue; /* re-inherited below, from the parent as it is now */
            if ((status = explicit_ace(acl, &creator_acl->aces[i], ctx)))
                goto out;
        }
    }
    if (parent_present && parent_acl && !(creator_present && creator_protected)) {
        *inherited = true;
        for (size_t i = 0; i < parent_acl->count; i++)
            if ((status = inherit_ace(acl, &parent_acl->aces[i], is_container, ctx)))
                goto out;
    }
    *present = creator_present || acl->count > 0;
    status = STATUS_SUCCESS;
out:
    if (status == STATUS_SUCCESS && *present) {
        *out = acl;
        acl = NULL;
    }
    acl_free(acl);
    return status;
}

NTSTATUS secdesc_inherit(struct security_descriptor *child,
                         const struct security_descriptor *parent,
                         const struct security_descriptor *creator, const struct sid *owner,
                         const struct sid *group, bool is_container,
                         const struct generic_mapping *mapping)
{
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    secdesc_init(child);
    if (creator && creator->has_owner)
        owner = &creator->owner;
    if (creator && creator->has_group)
        group = &creator->group;
    if (!owner)
        goto out;
    secdesc_set_owner(child, owner);
    if (group)
        secdesc_set_group(child, group);
    struct inherit_context ctx = { owner, group, mapping ? mapping : &file_generic_mapping };

    uint16_t cc = creator ? creator->control : 0;
    uint16_t pc = parent ? parent->control : 0;
    struct acl *acl;
    bool present, inherited;
    status = compute_acl(parent ? parent->dacl : NULL, pc & SE_DACL_PRESENT,
                         creator ? creator->dacl : NULL, cc & SE_DACL_PRESENT,
                         cc & SE_DACL_PROTECTED, is_container, &ctx, &acl, &present, &inherited);
    if (status)
        goto out;
    if (!present) {
        /* Nothing from anyone: the token's default DACL. */
        status = STATUS_NO_MEMORY;
        if (!(acl = acl_new()))
            goto out;
        secdesc_set_dacl(child, acl);
        if ((status = acl_add_simple(acl, ACCESS_ALLOWED_ACE_TYPE, 0, ctx.mapping->generic_all,
                                     owner)) ||
            (status = acl_add_simple(acl, ACCESS_ALLOWED_ACE_TYPE, 0, ctx.mapping->generic_all,
                                     &SID_LOCAL_SYSTEM)))
            goto out;
    } else {
        secdesc_set_dacl(child, acl);
    }
    if (inherited)
        child->control |= SE_DACL_AUTO_INHERITED;
    child->control |= cc & SE_DACL_PROTECTED;

    status = compute_acl(parent ? parent->sacl : NULL, pc & SE_SACL_PRESENT,
                         creator ? creator->sacl : NULL, cc & SE_SACL_PRESENT,
                         cc & SE_SACL_PROTECTED, is_container, &ctx, &acl, &present, &inherited);
    if (status)
        goto out;
    if (present)
        secdesc_set_sacl(child, acl);
    if (present && inherited)
        child->control |= SE_SACL_AUTO_INHERITED;
    child->control |= cc & SE_SACL_PROTECTED;
    status = STATUS_SUCCESS;
out:
    if (status != STATUS_SUCCESS)
        secdesc_free(child);
    return status;
}
