/* The hash smbd keeps of a file's POSIX permissions in security.NTACL (see
 * samba_xattr.h). Its layout, NDR of librpc/idl/smb_acl.idl's
 * smb_acl_wrapper, was checked against what `samba-tool ntacl set` (Samba
 * 4.17, vfs_acl_xattr) writes for files with and without POSIX ACLs and
 * directories with and without default ACLs:
 *
 *   u32 referent access_acl, u32 referent default_acl (0 = none),
 *   align 8, hyper owner, hyper group, u32 mode,
 *   then each ACL: u32 conformance (count), align 8, int32 count,
 *   int32 next (0), and per entry: align 8, u16 tag, u16 tag again (the
 *   union's discriminant), for USER/GROUP entries align 8 and a hyper id,
 *   align 4, u32 perm (r=4 w=2 x=1).
 * Tags: USER 1, USER_OBJ 2, GROUP 3, GROUP_OBJ 4, OTHER 5, MASK 6. */
#include "drivers/pvfs/samba_xattr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <openssl/sha.h>

/* The kernel's system.posix_acl_* layout: u32 version 2, then u16 tag,
 * u16 perm, u32 id per entry. */
#define POSIX_ACL_XATTR_VERSION 2
#define ACL_USER_OBJ 0x01
#define ACL_USER 0x02
#define ACL_GROUP_OBJ 0x04
#define ACL_GROUP 0x08
#define ACL_MASK 0x10
#define ACL_OTHER 0x20
#define SMB_ACL_USER 1
#define SMB_ACL_USER_OBJ 2
#define SMB_ACL_GROUP 3
#define SMB_ACL_GROUP_OBJ 4
#define SMB_ACL_OTHER 5
#define SMB_ACL_MASK 6
#define MAX_ENTRIES 1024

static ssize_t get(int fd, const char *name, void *value, size_t size)
{
    ssize_t n = fgetxattr(fd, name, value, size);
    if (n < 0 && errno == EBADF) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        n = getxattr(proc, name, value, size);
    }
    return n;
}

static void align(struct buf *b, size_t n)
{
    wr_align(b, n);
}

static void put_entry(struct buf *b, uint16_t tag, uint32_t perm, uint32_t id)
{
    align(b, 8);
    wr_u16(b, tag);
    wr_u16(b, tag);
    if (tag == SMB_ACL_USER || tag == SMB_ACL_GROUP) {
        align(b, 8);
        wr_u64(b, id);
    }
    align(b, 4);
    wr_u32(b, perm & 7);
}

/* One ACL from its xattr; false if malformed. */
static bool put_xattr_acl(struct buf *b, const uint8_t *v, size_t len)
{
    if (len < 4 || (len - 4) % 8 || (len - 4) / 8 > MAX_ENTRIES ||
        le32_load(v) != POSIX_ACL_XATTR_VERSION)
        return false;
    uint32_t count = (uint32_t)((len - 4) / 8);
    wr_u32(b, count);
    align(b, 8);
    wr_u32(b, count);
    wr_u32(b, 0);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = v + 4 + 8 * i;
        uint16_t tag;
        switch (le16_load(e)) {
        case ACL_USER_OBJ: tag = SMB_ACL_USER_OBJ; break;
        case ACL_USER: tag = SMB_ACL_USER; break;
        case ACL_GROUP_OBJ: tag = SMB_ACL_GROUP_OBJ; break;
        case ACL_GROUP: tag = SMB_ACL_GROUP; break;
        case ACL_MASK: tag = SMB_ACL_MASK; break;
        case ACL_OTHER: tag = SMB_ACL_OTHER; break;
        default: return false;
        }
        put_entry(b, tag, le16_load(e + 2), le32_load(e + 4));
    }
    return true;
}

NTSTATUS samba_sys_acl_hash(int fd, uint8_t hash[XATTR_SD_HASH_SIZE])
{
    memset(hash, 0, XATTR_SD_HASH_SIZE);
    struct stat st;
    if (fstat(fd, &st) != 0)
        return nt_status_from_errno(errno);
    bool dir = S_ISDIR(st.st_mode);
    /* Without an ACL xattr (or with one we cannot read) the mode stands in,
     * as libacl does for smbd. */
    uint8_t access_acl[4 + 8 * MAX_ENTRIES], default_acl[4 + 8 * MAX_ENTRIES];
    ssize_t an = get(fd, "system.posix_acl_access", access_acl, sizeof access_acl);
    ssize_t dn = dir ? get(fd, "system.posix_acl_default", default_acl, sizeof default_acl) : -1;

    struct buf b;
    buf_init(&b);
    wr_u32(&b, 0x00020000);                 /* access_acl: always there */
    wr_u32(&b, dir ? 0x00020004 : 0);       /* default_acl: directories only */
    align(&b, 8);
    wr_u64(&b, st.st_uid);
    wr_u64(&b, st.st_gid);
    wr_u32(&b, st.st_mode);
    NTSTATUS status = STATUS_SUCCESS;
    if (an > 0) {
        if (!put_xattr_acl(&b, access_acl, (size_t)an))
            status = STATUS_INVALID_PARAMETER;
    } else {
        /* No ACL: the three entries the mode stands for. */
        wr_u32(&b, 3);
        align(&b, 8);
        wr_u32(&b, 3);
        wr_u32(&b, 0);
        put_entry(&b, SMB_ACL_USER_OBJ, (st.st_mode >> 6) & 7, 0);
        put_entry(&b, SMB_ACL_GROUP_OBJ, (st.st_mode >> 3) & 7, 0);
        put_entry(&b, SMB_ACL_OTHER, st.st_mode & 7, 0);
    }
    if (dir && status == STATUS_SUCCESS) {
        if (dn > 0) {
            if (!put_xattr_acl(&b, default_acl, (size_t)dn))
                status = STATUS_INVALID_PARAMETER;
        } else {
            wr_u32(&b, 0); /* an empty default ACL */
            align(&b, 8);
            wr_u32(&b, 0);
            wr_u32(&b, 0);
        }
    }
    if (status == STATUS_SUCCESS && !wr_ok(&b))
        status = STATUS_NO_MEMORY;
    if (status == STATUS_SUCCESS)
        SHA256(b.data, b.len, hash);
    buf_free(&b);
    return status;
}
