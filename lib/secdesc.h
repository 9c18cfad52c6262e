/* Security descriptors, ACLs and ACEs ([MS-DTYP] 2.4.4 - 2.4.6) in their
 * self-relative binary form: parse with full bounds checks, build, compare,
 * select parts of (SECURITY_INFORMATION), merge, and inherit from a parent.
 *
 * A parsed descriptor is a plain struct that owns its ACLs (free it with
 * secdesc_free). Parsing refuses every malformation with
 * STATUS_INVALID_SECURITY_DESCR (truncation, offsets into the header or past the
 * end or unaligned, overlapping parts, wrong revisions, AclSize smaller than its
 * ACEs or not a multiple of 4, AceSize below the minimum for its type or not a
 * multiple of 4, more than 15 sub-authorities, compound or unknown ACE types);
 * it never reads outside the buffer and allocates at most what the buffer can
 * describe (an ACE takes at least 16 bytes, an ACL at most 64 KiB).
 *
 * Serialization is canonical: header, then SACL, DACL, owner, group (the order
 * Windows' RtlMakeSelfRelativeSD and NTFS write, and impacket too), each part
 * exactly as long as its contents (no slack in ACLs), SE_SELF_RELATIVE set.
 * parse(serialize(x)) == x for every x that serializes, and a descriptor that
 * Windows wrote compactly round-trips byte for byte.
 *
 * Presence: the owner and group are optional (has_owner, has_group). A DACL is
 * present when control has SE_DACL_PRESENT; then dacl == NULL is the "NULL
 * DACL" (everyone gets everything) and a dacl with count 0 is the empty DACL
 * (no one gets anything). Without SE_DACL_PRESENT, dacl must be NULL (parsing
 * ignores a DACL offset when the flag is clear, as Windows does). The same
 * holds for the SACL with SE_SACL_PRESENT. */
#ifndef SW_SECDESC_H
#define SW_SECDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/access.h"
#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lib/sid.h"

#define SECURITY_DESCRIPTOR_REVISION 1
#define SECURITY_DESCRIPTOR_MIN_LENGTH 20 /* the self-relative header */

/* SECURITY_DESCRIPTOR Control ([MS-DTYP] 2.4.6). */
#define SE_OWNER_DEFAULTED        0x0001u
#define SE_GROUP_DEFAULTED        0x0002u
#define SE_DACL_PRESENT           0x0004u
#define SE_DACL_DEFAULTED         0x0008u
#define SE_SACL_PRESENT           0x0010u
#define SE_SACL_DEFAULTED         0x0020u
#define SE_DACL_TRUSTED           0x0040u
#define SE_SERVER_SECURITY        0x0080u
#define SE_DACL_AUTO_INHERIT_REQ  0x0100u
#define SE_SACL_AUTO_INHERIT_REQ  0x0200u
#define SE_DACL_AUTO_INHERITED    0x0400u
#define SE_SACL_AUTO_INHERITED    0x0800u
#define SE_DACL_PROTECTED         0x1000u
#define SE_SACL_PROTECTED         0x2000u
#define SE_RM_CONTROL_VALID       0x4000u
#define SE_SELF_RELATIVE          0x8000u

/* SECURITY_INFORMATION ([MS-DTYP] 2.4.7): which parts a query or set touches.
 * lwiod/ntfile.h defines the first eight too, token for token, under
 * #ifndef OWNER_SECURITY_INFORMATION: keep them identical. */
#define OWNER_SECURITY_INFORMATION            0x00000001u
#define GROUP_SECURITY_INFORMATION            0x00000002u
#define DACL_SECURITY_INFORMATION             0x00000004u
#define SACL_SECURITY_INFORMATION             0x00000008u
#define LABEL_SECURITY_INFORMATION            0x00000010u
#define ATTRIBUTE_SECURITY_INFORMATION        0x00000020u
#define SCOPE_SECURITY_INFORMATION            0x00000040u
#define BACKUP_SECURITY_INFORMATION           0x00010000u
#define UNPROTECTED_SACL_SECURITY_INFORMATION 0x10000000u
#define UNPROTECTED_DACL_SECURITY_INFORMATION 0x20000000u
#define PROTECTED_SACL_SECURITY_INFORMATION   0x40000000u
#define PROTECTED_DACL_SECURITY_INFORMATION   0x80000000u

/* ACL revisions ([MS-DTYP] 2.4.5): 2 for basic ACEs, 4 when object ACEs occur. */
#define ACL_REVISION    2
#define ACL_REVISION_DS 4
#define ACL_HEADER_SIZE 8
#define ACL_MAX_SIZE    0xFFFFu
/* An ACE is at least header + mask + a SID with no sub-authority. */
#define ACE_MIN_SIZE    16
#define ACL_MAX_ACES    ((ACL_MAX_SIZE - ACL_HEADER_SIZE) / ACE_MIN_SIZE)

/* ACE types ([MS-DTYP] 2.4.4.1). */
#define ACCESS_ALLOWED_ACE_TYPE                  0x00
#define ACCESS_DENIED_ACE_TYPE                   0x01
#define SYSTEM_AUDIT_ACE_TYPE                    0x02
#define SYSTEM_ALARM_ACE_TYPE                    0x03
#define ACCESS_ALLOWED_COMPOUND_ACE_TYPE         0x04 /* reserved: refused */
#define ACCESS_ALLOWED_OBJECT_ACE_TYPE           0x05
#define ACCESS_DENIED_OBJECT_ACE_TYPE            0x06
#define SYSTEM_AUDIT_OBJECT_ACE_TYPE             0x07
#define SYSTEM_ALARM_OBJECT_ACE_TYPE             0x08
#define ACCESS_ALLOWED_CALLBACK_ACE_TYPE         0x09
#define ACCESS_DENIED_CALLBACK_ACE_TYPE          0x0A
#define ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE  0x0B
#define ACCESS_DENIED_CALLBACK_OBJECT_ACE_TYPE   0x0C
#define SYSTEM_AUDIT_CALLBACK_ACE_TYPE           0x0D
#define SYSTEM_ALARM_CALLBACK_ACE_TYPE           0x0E
#define SYSTEM_AUDIT_CALLBACK_OBJECT_ACE_TYPE    0x0F
#define SYSTEM_ALARM_CALLBACK_OBJECT_ACE_TYPE    0x10
#define SYSTEM_MANDATORY_LABEL_ACE_TYPE          0x11
#define SYSTEM_RESOURCE_ATTRIBUTE_ACE_TYPE       0x12
#define SYSTEM_SCOPED_POLICY_ID_ACE_TYPE         0x13

/* ACE flags ([MS-DTYP] 2.4.4.1). */
#define OBJECT_INHERIT_ACE         0x01
#define CONTAINER_INHERIT_ACE      0x02
#define NO_PROPAGATE_INHERIT_ACE   0x04
#define INHERIT_ONLY_ACE           0x08
#define INHERITED_ACE              0x10
#define CRITICAL_ACE_FLAG          0x20
#define SUCCESSFUL_ACCESS_ACE_FLAG 0x40
#define FAILED_ACCESS_ACE_FLAG     0x80
#define INHERITANCE_ACE_FLAGS (OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE | \
                               NO_PROPAGATE_INHERIT_ACE | INHERIT_ONLY_ACE)

/* Object ACE Flags ([MS-DTYP] 2.4.4.3). */
#define ACE_OBJECT_TYPE_PRESENT           0x1u
#define ACE_INHERITED_OBJECT_TYPE_PRESENT 0x2u

struct ace {
    uint8_t type;  /* *_ACE_TYPE */
    uint8_t flags; /* *_ACE, *_ACE_FLAG */
    uint32_t mask;
    struct sid sid;
    /* Object ACE types only: which GUIDs follow (zeroes when absent). */
    uint32_t object_flags;
    uint8_t object_type[16];
    uint8_t inherited_object_type[16];
    /* Bytes after the SID up to AceSize: a callback ACE's condition, a resource
     * attribute ACE's attribute. Kept opaque so such ACEs survive a round trip;
     * owned by the ACE (NULL when app_data_len is 0). Serialization pads it with
     * zeros to a multiple of 4. */
    uint16_t app_data_len;
    uint8_t *app_data;
};

struct acl {
    uint8_t revision; /* ACL_REVISION or ACL_REVISION_DS (3 is accepted too) */
    uint16_t count;
    struct ace *aces;
};

struct security_descriptor {
    uint8_t sbz1;     /* resource manager bits, meaningful with SE_RM_CONTROL_VALID */
    uint16_t control; /* SE_* */
    bool has_owner;
    bool has_group;
    struct sid owner;
    struct sid group;
    struct acl *sacl; /* see "Presence" above */
    struct acl *dacl;
};

/* An ACE type class, for callers that must not care about the variants. */
bool ace_is_allow(uint8_t type);   /* ACCESS_ALLOWED{,_OBJECT,_CALLBACK,_CALLBACK_OBJECT} */
bool ace_is_deny(uint8_t type);    /* ACCESS_DENIED{...} */
bool ace_is_object(uint8_t type);  /* has object_flags and GUIDs on the wire */
bool ace_is_callback(uint8_t type);

/* An empty ACL (revision ACL_REVISION), or NULL when out of memory. */
struct acl *acl_new(void);
/* Appends a deep copy of ace. STATUS_INVALID_PARAMETER past ACL_MAX_ACES. */
NTSTATUS acl_add(struct acl *acl, const struct ace *ace);
/* Appends a plain ACE (no object data, no app data). */
NTSTATUS acl_add_simple(struct acl *acl, uint8_t type, uint8_t flags, uint32_t mask,
                        const struct sid *sid);
struct acl *acl_copy(const struct acl *acl); /* NULL in, or out of memory: NULL */
void acl_free(struct acl *acl);
bool acl_equal(const struct acl *a, const struct acl *b); /* NULL == NULL */
/* Bytes the ACL takes on the wire, or 0 if it cannot be written (over 64 KiB,
 * a bad SID). */
size_t acl_wire_size(const struct acl *acl);

/* An empty descriptor: no owner, group, DACL or SACL; control SE_SELF_RELATIVE. */
void secdesc_init(struct security_descriptor *sd);
/* Frees what sd owns and re-initialises it. */
void secdesc_free(struct security_descriptor *sd);
/* dst (uninitialised) becomes a deep copy of src. */
NTSTATUS secdesc_copy(struct security_descriptor *dst, const struct security_descriptor *src);
bool secdesc_equal(const struct security_descriptor *a, const struct security_descriptor *b);

/* Sets (replacing) the DACL: takes ownership of dacl (NULL = NULL DACL) and
 * sets SE_DACL_PRESENT. secdesc_set_sacl does the same for the SACL. */
void secdesc_set_dacl(struct security_descriptor *sd, struct acl *dacl);
void secdesc_set_sacl(struct security_descriptor *sd, struct acl *sacl);
void secdesc_set_owner(struct security_descriptor *sd, const struct sid *owner);
void secdesc_set_group(struct security_descriptor *sd, const struct sid *group);

/* Parses a self-relative descriptor from data[0, size) into sd (uninitialised;
 * on failure sd is left empty). Bytes after the parts are ignored. */
NTSTATUS secdesc_parse(const void *data, size_t size, struct security_descriptor *sd);
/* Appends the canonical self-relative form. STATUS_INVALID_SECURITY_DESCR if sd
 * cannot be written (an ACL over 64 KiB, a SID with more than 15
 * sub-authorities, a present part with its flag clear...). */
NTSTATUS secdesc_write(struct buf *b, const struct security_descriptor *sd);
/* The same into a new malloc'd buffer. */
NTSTATUS secdesc_to_bytes(const struct security_descriptor *sd, uint8_t **data, size_t *size);
/* Bytes secdesc_write would produce, or 0 if it would fail. */
size_t secdesc_wire_size(const struct security_descriptor *sd);

/* dst (uninitialised) = the parts of src that secinfo selects, as a
 * QUERY_INFO for SecurityInformation returns them: unselected parts are absent
 * and their control flags cleared. */
NTSTATUS secdesc_select(struct security_descriptor *dst, const struct security_descriptor *src,
                        uint32_t secinfo);
/* Replaces in sd the parts of update that secinfo selects (a SET_INFO); a
 * selected owner or group that update does not have is left as it is (the
 * caller checks whether the new owner is allowed).
 * PROTECTED_/UNPROTECTED_DACL_SECURITY_INFORMATION set or clear
 * SE_DACL_PROTECTED (likewise for the SACL); otherwise the protected and
 * auto-inherited bits come from update with its ACL. */
NTSTATUS secdesc_merge(struct security_descriptor *sd, const struct security_descriptor *update,
                       uint32_t secinfo);

/* One entry of a simple descriptor (share permissions and the like). */
struct secdesc_entry {
    struct sid sid;
    uint32_t mask;
    bool deny;
};

/* sd (uninitialised) = owner and group (each may be NULL) and a DACL holding one
 * ACE per entry, deny entries first (canonical order), each group in the order
 * given. No entries gives an empty DACL. */
NTSTATUS secdesc_build_simple(struct security_descriptor *sd, const struct sid *owner,
                              const struct sid *group, const struct secdesc_entry *entries,
                              size_t count);

/* The descriptor of a new object (a file, or a directory when is_container)
 * created under parent ([MS-DTYP] 2.5.3.4 CreateSecurityDescriptor with
 * automatic inheritance, as NTFS does):
 *   - owner and group come from creator when it has them (the caller checks
 *     the creator may name that owner), else from the given
 *     owner and group (the creating token's user and primary group). An owner
 *     is required (else STATUS_INVALID_PARAMETER); without a group, effective
 *     CREATOR GROUP ACEs are dropped;
 *   - the DACL is creator's explicit ACEs (inherited ones dropped), then, unless
 *     creator's DACL is SE_DACL_PROTECTED, the ACEs inherited from parent's DACL:
 *     OBJECT_INHERIT ACEs reach files, CONTAINER_INHERIT ACEs reach directories,
 *     OBJECT_INHERIT-only ACEs reach directories as INHERIT_ONLY ones to pass on
 *     to their files, NO_PROPAGATE_INHERIT stops at the child; every inherited
 *     ACE carries INHERITED_ACE. CREATOR OWNER and CREATOR GROUP become owner and
 *     group and generic rights are mapped in effective ACEs; where such an ACE
 *     must also pass on further, an INHERIT_ONLY copy keeps the original SID and
 *     mask (as Windows splits it);
 *   - when creator gives no DACL and nothing is inherited (no parent, a NULL
 *     parent DACL, nothing inheritable) the DACL is the default one a Windows
 *     token carries: full access (mapping->generic_all) for owner and SYSTEM;
 *   - a creator DACL that is present and NULL stays a NULL DACL;
 *   - SE_DACL_AUTO_INHERITED is set when parent's DACL was inherited from;
 *     SE_DACL_PROTECTED comes from creator;
 *   - the SACL follows the same rules from parent's SACL and creator's SACL;
 *     with nothing in it there is no SACL.
 * parent, creator and mapping may be NULL (mapping: file_generic_mapping). */
NTSTATUS secdesc_inherit(struct security_descriptor *child,
                         const struct security_descriptor *parent,
                         const struct security_descriptor *creator, const struct sid *owner,
                         const struct sid *group, bool is_container,
                         const struct generic_mapping *mapping);

#endif
