/* Security descriptors of files and the access check.
 *
 * A file's descriptor is the one stored in security.NTACL, or user.NTACL
 * when lwiod is not root (pvfs_xattr_ntacl_name()), in Samba's format, any
 * version; we trust it whatever its hash says, since we are the ones
 * enforcing it. A file without one gets a descriptor derived from its owner
 * and mode, the way smbd maps POSIX permissions: owner, group and Everyone
 * ACEs from the rwx bits, SYSTEM with full control, on directories all
 * inheritable plus a CREATOR OWNER full-control ACE for new children. Unix
 * owners appear as smbd's "Unix User" / "Unix Group" SIDs (S-1-22-1-uid,
 * S-1-22-2-gid), and an open's token carries those SIDs for its own unix
 * identity (pvfs_token_for_open), so the owner of such a file is recognised;
 * but only an identity that is the token's: never a stand-in lsassd gave a
 * token whose own was privileged or missing (unix_id_shared), nobody/nogroup,
 * or 0 for anyone but SYSTEM (pvfs_token_owns_unix_id).
 *
 * A new file's descriptor is built from the creator's (if any) and what it
 * inherits from its directory ([MS-DTYP] 2.5.3.4, lib/secdesc.h), owned by
 * the creating user. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "drivers/pvfs/samba_xattr.h"
#include "lib/access.h"
#include "lib/secdesc.h"

#define NTACL_DESCRIPTION "samewise"
#define SID_AUTHORITY_UNIX 22

static void unix_sid(struct sid *sid, uint32_t kind, uint32_t id)
{
    memset(sid, 0, sizeof *sid);
    sid->revision = 1;
    sid->sub_authority_count = 2;
    sid->authority[5] = SID_AUTHORITY_UNIX;
    sid->sub_authority[0] = kind; /* 1: user, 2: group */
    sid->sub_authority[1] = id;
}

bool pvfs_token_owns_unix_id(const struct access_token *token, uint32_t id)
{
    /* A token on a stand-in identity (lsassd found its own privileged or
     * missing: unix_id_shared) may be one of many on that id: where its
     * files go on disk, never what it owns. Every other token's ids are its
     * own (lsass/idmap: Guest and anonymous too), or its primary group's. */
    if (token->unix_id_shared)
        return false;
    /* nobody / nogroup stand for no one, whoever carries them. */
    if (id == (uint32_t)-1 || id == PVFS_NOBODY_ID)
        return false;
    /* Only SYSTEM (root callers of lwiod) is root on disk: a network
     * token with uid or gid 0 is a mistake upstream, never an owner. */
    if (id == 0 && !sid_equal(&token->user, &SID_LOCAL_SYSTEM))
        return false;
    return true;
}

struct access_token *pvfs_token_for_open(const struct access_token *token)
{
    struct access_token *t = token_copy(token);
    if (!t)
        return NULL;
    struct sid s;
    if (pvfs_token_owns_unix_id(t, (uint32_t)t->uid)) {
        unix_sid(&s, 1, (uint32_t)t->uid);
        if (token_add_group(t, &s) != 0)
            goto fail;
    }
    if (pvfs_token_owns_unix_id(t, (uint32_t)t->gid)) {
        unix_sid(&s, 2, (uint32_t)t->gid);
        if (token_add_group(t, &s) != 0)
            goto fail;
    }
    return t;
fail:
    token_free(t);
    return NULL;
}

/* fgetxattr, or through /proc for an O_PATH fd. Returns the length or -1. */
static ssize_t xattr_get(int fd, const char *name, void *value, size_t size)
{
    ssize_t n = fgetxattr(fd, name, value, size);
    if (n < 0 && errno == EBADF) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        n = getxattr(proc, name, value, size);
    }
    return n;
}

static uint32_t mode_rights(mode_t bits, bool dir)
{
    /* bits: rwx in the low three bits */
    if ((bits & 7) == 7)
        return FILE_ALL_ACCESS;
    uint32_t m = 0;
    if (bits & 4)
        m |= FILE_GENERIC_READ;
    if (bits & 2) {
        m |= FILE_GENERIC_WRITE;
        if (dir)
            m |= FILE_DELETE_CHILD;
    }
    if (bits & 1)
        m |= FILE_GENERIC_EXECUTE;
    return m;
}

static NTSTATUS derive_sd(const struct stat *st, struct security_descriptor *sd)
{
    bool dir = S_ISDIR(st->st_mode);
    uint8_t inherit = dir ? OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE : 0;
    struct sid owner, group;
    unix_sid(&owner, 1, (uint32_t)st->st_uid);
    unix_sid(&group, 2, (uint32_t)st->st_gid);
    secdesc_init(sd);
    secdesc_set_owner(sd, &owner);
    secdesc_set_group(sd, &group);
    struct acl *dacl = acl_new();
    if (!dacl)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    uint32_t um = mode_rights((st->st_mode >> 6) & 7, dir);
    uint32_t gm = mode_rights((st->st_mode >> 3) & 7, dir);
    uint32_t om = mode_rights(st->st_mode & 7, dir);
    if (um)
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, um, &owner);
    if (status == STATUS_SUCCESS && gm)
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, gm, &group);
    if (status == STATUS_SUCCESS && om)
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, om, &SID_EVERYONE);
    if (status == STATUS_SUCCESS)
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, FILE_ALL_ACCESS,
                                &SID_LOCAL_SYSTEM);
    if (status == STATUS_SUCCESS && dir)
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit | INHERIT_ONLY_ACE,
                                FILE_ALL_ACCESS, &SID_CREATOR_OWNER);
    secdesc_set_dacl(sd, dacl);
    if (status != STATUS_SUCCESS)
        secdesc_free(sd);
    return status;
}

/* The parsed descriptor of fd (any fd, O_PATH included). */
static NTSTATUS load_sd(int fd, struct security_descriptor *sd)
{
    uint8_t *blob = NULL;
    NTSTATUS status;
    ssize_t n = xattr_get(fd, pvfs_xattr_ntacl_name(), NULL, 0);
    if (n > 0 && (size_t)n <= PVFS_XATTR_MAX) {
        blob = malloc((size_t)n);
        if (!blob)
            return STATUS_NO_MEMORY;
        n = xattr_get(fd, pvfs_xattr_ntacl_name(), blob, (size_t)n);
    }
    if (blob && n > 0) {
        uint8_t *bytes;
        size_t len;
        status = samba_ntacl_decode(blob, (size_t)n, &bytes, &len);
        if (status == STATUS_SUCCESS) {
            status = secdesc_parse(bytes, len, sd);
            free(bytes);
        }
        free(blob);
        if (status == STATUS_SUCCESS)
            return status;
        /* A damaged xattr: fall back to the mode rather than lock everyone out. */
    } else {
        free(blob);
    }
    struct pvfs_stat st;
    status = pvfs_stat_fd(fd, NULL, &st);
    if (status != STATUS_SUCCESS)
        return status;
    return derive_sd(&st.st, sd);
}

NTSTATUS pvfs_security_read(int fd, uint8_t **bytes, size_t *size)
{
    struct security_descriptor sd;
    NTSTATUS status = load_sd(fd, &sd);
    if (status != STATUS_SUCCESS)
        return status;
    status = secdesc_to_bytes(&sd, bytes, size);
    secdesc_free(&sd);
    return status;
}

NTSTATUS pvfs_security_write(int fd, const uint8_t *bytes, size_t size)
{
    /* With the hash of the POSIX permissions as they are now, smbd takes our
     * descriptor as current (until someone changes the mode or owner). */
    uint8_t sys_acl_hash[XATTR_SD_HASH_SIZE];
    bool have_hash = samba_sys_acl_hash(fd, sys_acl_hash) == STATUS_SUCCESS;
    struct buf b;
    buf_init(&b);
    NTSTATUS status = samba_ntacl_encode(bytes, size, NTACL_DESCRIPTION,
                                         have_hash ? sys_acl_hash : NULL, &b);
    if (status == STATUS_SUCCESS &&
        pvfs_private_xattr_set(fd, pvfs_xattr_ntacl_name(), b.data, b.len, 0) != 0)
        status = nt_status_from_errno(errno);
    buf_free(&b);
    return status;
}

static NTSTATUS store_sd(int fd, const struct security_descriptor *sd)
{
    uint8_t *bytes;
    size_t size;
    NTSTATUS status = secdesc_to_bytes(sd, &bytes, &size);
    if (status != STATUS_SUCCESS)
        return status;
    status = pvfs_security_write(fd, bytes, size);
    free(bytes);
    return status;
}

static bool parent_grants_delete_child(int parent_fd, const struct access_token *token)
{
    if (parent_fd < 0)
        return false;
    struct security_descriptor psd;
    if (load_sd(parent_fd, &psd) != STATUS_SUCCESS)
        return false;
    uint32_t granted = 0;
    NTSTATUS status = access_check(&psd, token, FILE_DELETE_CHILD, NULL, 0, &granted);
    secdesc_free(&psd);
    return status == STATUS_SUCCESS;
}

NTSTATUS pvfs_access_check(int fd, int parent_fd, const struct access_token *token,
                           uint32_t desired, uint32_t create_options, uint32_t *granted)
{
    struct security_descriptor sd;
    NTSTATUS status = load_sd(fd, &sd);
    if (status != STATUS_SUCCESS)
        return status;
    uint32_t flags =
        (create_options & FILE_OPEN_FOR_BACKUP_INTENT) ? ACCESS_CHECK_BACKUP_INTENT : 0;
    uint32_t mapped = access_map_generic(desired, &file_generic_mapping);
    status = access_check(&sd, token, mapped, NULL, flags, granted);
    /* [MS-FSA] 2.1.5.1.2.1: DELETE may come from the parent's
     * FILE_DELETE_CHILD instead of the file's own descriptor. */
    if (status == STATUS_ACCESS_DENIED && (mapped & DELETE) &&
        parent_grants_delete_child(parent_fd, token)) {
        uint32_t rest = mapped & ~DELETE;
        *granted = 0;
        status = rest ? access_check(&sd, token, rest, NULL, flags, granted) : STATUS_SUCCESS;
        if (status == STATUS_SUCCESS)
            *granted |= DELETE;
    } else if (status == STATUS_SUCCESS && (mapped & MAXIMUM_ALLOWED) && !(*granted & DELETE) &&
               parent_grants_delete_child(parent_fd, token)) {
        *granted |= DELETE;
    }
    secdesc_free(&sd);
    return status;
}

NTSTATUS pvfs_access_check_parent(int parent_fd, const struct access_token *token,
                                  bool directory)
{
    struct security_descriptor sd;
    NTSTATUS status = load_sd(parent_fd, &sd);
    if (status != STATUS_SUCCESS)
        return status;
    uint32_t granted;
    status = access_check(&sd, token, directory ? FILE_ADD_SUBDIRECTORY : FILE_ADD_FILE, NULL, 0,
                          &granted);
    secdesc_free(&sd);
    return status;
}

NTSTATUS pvfs_security_new_file(int fd, int parent_fd, const struct access_token *token,
                                bool is_directory, const void *bytes, size_t size)
{
    struct security_descriptor parent, creator, child;
    bool have_parent = false, have_creator = false;
    NTSTATUS status = STATUS_SUCCESS;
    if (bytes && size) {
        status = secdesc_parse(bytes, size, &creator);
        if (status != STATUS_SUCCESS)
            return status;
        have_creator = true;
    }
    if (parent_fd >= 0) {
        status = load_sd(parent_fd, &parent);
        if (status != STATUS_SUCCESS)
            goto out;
        have_parent = true;
    }
    status = secdesc_inherit(&child, have_parent ? &parent : NULL, have_creator ? &creator : NULL,
                             &token->user, &token->primary_group, is_directory, NULL);
    if (status != STATUS_SUCCESS)
        goto out;
    /* An explicit DACL the creator gives is the file's DACL as given: NTFS
     * assigns a new file's security without automatic inheritance
     * (SeAssignSecurity), so the parent's inheritable ACEs are not merged
     * and the order is the creator's (smb2.create.aclfile, acldir). Only a
     * defaulted DACL or none at all lets the parent's ACEs in. */
    if (have_creator && (creator.control & SE_DACL_PRESENT) &&
        !(creator.control & SE_DACL_DEFAULTED)) {
        const uint16_t dacl_bits = SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED;
        secdesc_set_dacl(&child, creator.dacl);
        creator.dacl = NULL;
        child.control = (uint16_t)((child.control & ~dacl_bits) | (creator.control & dacl_bits));
    }
    status = store_sd(fd, &child);
    secdesc_free(&child);
out:
    if (have_parent)
        secdesc_free(&parent);
    if (have_creator)
        secdesc_free(&creator);
    return status;
}

NTSTATUS pvfs_query_security(struct pvfs_file *file, uint32_t secinfo, void *buffer,
                             uint32_t length, uint32_t *written)
{
    *written = 0;
    uint32_t need = 0;
    if (secinfo & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                   DACL_SECURITY_INFORMATION | LABEL_SECURITY_INFORMATION))
        need |= READ_CONTROL;
    if (secinfo & SACL_SECURITY_INFORMATION)
        need |= ACCESS_SYSTEM_SECURITY;
    if ((file->granted_access & need) != need)
        return STATUS_ACCESS_DENIED;
    struct security_descriptor sd, selected;
    NTSTATUS status = load_sd(file->fd, &sd);
    if (status != STATUS_SUCCESS)
        return status;
    status = secdesc_select(&selected, &sd, secinfo);
    secdesc_free(&sd);
    if (status != STATUS_SUCCESS)
        return status;
    struct buf b;
    buf_init(&b);
    status = secdesc_write(&b, &selected);
    secdesc_free(&selected);
    if (status == STATUS_SUCCESS) {
        if (b.len > UINT32_MAX) {
            status = STATUS_INVALID_SECURITY_DESCR;
        } else if (b.len > length) {
            *written = (uint32_t)b.len;
            status = STATUS_BUFFER_TOO_SMALL;
        } else {
            memcpy(buffer, b.data, b.len);
            *written = (uint32_t)b.len;
        }
    }
    buf_free(&b);
    return status;
}

NTSTATUS pvfs_set_security(struct pvfs_file *file, uint32_t secinfo, const void *buffer,
                           uint32_t length)
{
    uint32_t need = 0;
    if (secinfo & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION))
        need |= WRITE_OWNER;
    if (secinfo & (DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION |
                   UNPROTECTED_DACL_SECURITY_INFORMATION))
        need |= WRITE_DAC;
    if (secinfo & (SACL_SECURITY_INFORMATION | PROTECTED_SACL_SECURITY_INFORMATION |
                   UNPROTECTED_SACL_SECURITY_INFORMATION))
        need |= ACCESS_SYSTEM_SECURITY;
    if ((file->granted_access & need) != need)
        return STATUS_ACCESS_DENIED;
    struct security_descriptor update, sd;
    NTSTATUS status = secdesc_parse(buffer, length, &update);
    if (status != STATUS_SUCCESS)
        return status;
    /* Setting the DACL from a descriptor without one gives the NULL DACL
     * (present, no ACL: everyone allowed), as Windows does
     * (smb2.create.nulldacl, "set empty sd"). */
    if ((secinfo & DACL_SECURITY_INFORMATION) && !(update.control & SE_DACL_PRESENT))
        update.control |= SE_DACL_PRESENT;
    status = load_sd(file->fd, &sd);
    if (status == STATUS_SUCCESS) {
        status = secdesc_merge(&sd, &update, secinfo);
        if (status == STATUS_SUCCESS)
            status = store_sd(file->fd, &sd);
        secdesc_free(&sd);
    }
    secdesc_free(&update);
    return status;
}
