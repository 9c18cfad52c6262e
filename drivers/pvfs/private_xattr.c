/* The xattrs pvfs keeps for itself, in one table, and the one rule that
 * keeps every client-chosen name away from them.
 *
 * A client names xattrs indirectly: an EA NAME is the xattr user.NAME
 * (ea.c), a stream NAME is user.DosStream.NAME:$DATA (streams.c). Were
 * user.NTACL (the descriptor of an unprivileged lwiod) or user.DOSATTRIB
 * reachable as an EA, FILE_WRITE_EA would be WRITE_DAC: a user could store
 * a descriptor granting himself full control. So:
 *
 *  - every name pvfs (or Samba, whose trees we share) keeps is listed in
 *    pvfs_private_xattrs[], exactly or as a prefix for a family;
 *  - pvfs_xattr_is_private() is that list, case-insensitively (a name that
 *    differs only in case is refused too: it is never a legitimate EA, and
 *    a case-folding file system would make it the same xattr);
 *  - pvfs_ea_xattr_name() is the only way an EA name becomes an xattr name,
 *    and refuses a private one; pvfs_stream_xattr_name() the only way a
 *    stream name does, always inside the stream family;
 *  - pvfs_private_xattr_set() is the only way pvfs writes its own xattrs,
 *    and refuses a name that is not in the list, so a private xattr added
 *    later without being listed fails at once in every test rather than
 *    being silently writable as an EA.
 *
 * Both names of the descriptor are listed whichever one this process uses
 * (security.NTACL as root, user.NTACL otherwise): a tree moves between a
 * root and an unprivileged instance, and smbd may have used either. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "drivers/pvfs/samba_xattr.h"

#define USER_PREFIX "user."

static const struct pvfs_private_xattr pvfs_private_xattrs[] = {
    /* Ours. */
    { XATTR_NTACL_NAME, false },                /* descriptors, as root */
    { PVFS_XATTR_NTACL_UNPRIVILEGED, false },   /* descriptors, not root */
    { XATTR_DOSATTRIB_NAME, false },            /* DOS attributes, creation time */
    { XATTR_DOSSTREAM_PREFIX, true },           /* alternate data streams */
    { PVFS_XATTR_SAMEWISE_PREFIX, true },       /* ChangeTime and whatever comes next */
    /* Samba's (smbd's samba_private_attr_name()), kept out of reach too. */
    { "user.SAMBA_PAI", false },
    { "user.SAMBA_STREAMS", false },
    { "user.SmbReparse", false },
    { "user.org.netatalk.Metadata", false },
    { "user.org.netatalk.ResourceFork", false },
};
static const size_t pvfs_private_xattr_count =
    sizeof pvfs_private_xattrs / sizeof pvfs_private_xattrs[0];

const struct pvfs_private_xattr *pvfs_private_xattr_at(size_t i)
{
    return i < pvfs_private_xattr_count ? &pvfs_private_xattrs[i] : NULL;
}

bool pvfs_xattr_is_private(const char *xattr_name)
{
    for (size_t i = 0; i < pvfs_private_xattr_count; i++) {
        const struct pvfs_private_xattr *p = &pvfs_private_xattrs[i];
        if (p->prefix ? strncasecmp(xattr_name, p->name, strlen(p->name)) == 0
                      : strcasecmp(xattr_name, p->name) == 0)
            return true;
    }
    return false;
}

const char *pvfs_xattr_ntacl_name_for(bool privileged)
{
    /* security.* needs CAP_SYS_ADMIN to write; an unprivileged lwiod (a
     * test, a personal instance) uses user.NTACL, the name smbd's
     * acl_xattr:security_acl_name option offers for the same purpose. */
    return privileged ? XATTR_NTACL_NAME : PVFS_XATTR_NTACL_UNPRIVILEGED;
}

const char *pvfs_xattr_ntacl_name(void)
{
    return pvfs_xattr_ntacl_name_for(geteuid() == 0);
}

NTSTATUS pvfs_ea_xattr_name(const char *ea_name, char *out, size_t size)
{
    int n = snprintf(out, size, USER_PREFIX "%s", ea_name);
    if (n < 0 || (size_t)n >= size)
        return STATUS_INVALID_EA_NAME;
    return pvfs_xattr_is_private(out) ? STATUS_ACCESS_DENIED : STATUS_SUCCESS;
}

char *pvfs_stream_xattr_name(const char *stream)
{
    /* Always inside the stream family: no stream name can spell another
     * private xattr, nor an EA. */
    size_t prefix = strlen(XATTR_DOSSTREAM_PREFIX), n = strlen(stream);
    size_t suffix = strlen(XATTR_DOSSTREAM_SUFFIX);
    char *name = malloc(prefix + n + suffix + 1);
    if (!name)
        return NULL;
    memcpy(name, XATTR_DOSSTREAM_PREFIX, prefix);
    memcpy(name + prefix, stream, n);
    memcpy(name + prefix + n, XATTR_DOSSTREAM_SUFFIX, suffix + 1);
    return name;
}

int pvfs_private_xattr_set(int fd, const char *name, const void *value, size_t size, int flags)
{
    if (!pvfs_xattr_is_private(name)) {
        errno = EPERM; /* a bug: list it in pvfs_private_xattrs[] first */
        return -1;
    }
    int r = fsetxattr(fd, name, value, size, flags);
    if (r < 0 && errno == EBADF) {
        /* An O_PATH fd has no xattr calls of its own; its /proc link
         * reaches the same inode. */
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        r = setxattr(proc, name, value, size, flags);
    }
    return r;
}
