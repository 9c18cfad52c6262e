/* A share's grants against its folder's own permissions.
 *
 * The share descriptor is a ceiling checked at tree connect; every open then
 * meets the folder's NT descriptor, which pvfs reads from the folder's
 * security.NTACL xattr or, when there is none, derives from the owner and
 * mode. So a `change` grant on a root-owned 0755 folder with no stored
 * descriptor promises writes that every client then sees fail with
 * ACCESS_DENIED. These calls find that (with pvfs's own access check, so the
 * answer is the one clients get) and fix it by storing, the way pvfs stores
 * it, an inheritable descriptor that matches the grants. */
#ifndef SW_PROVISION_SHARE_FOLDER_H
#define SW_PROVISION_SHARE_FOLDER_H

#include <stddef.h>

#include "lib/ntstatus.h"
#include "registry/registry.h"
#include "share-db/share_db.h"

/* One line per grant that allows writing through the share but cannot create
 * a file in its folder ("share data: alice's change grant lets her write,
 * but the folder ... does not; run 'lwadmin share fix-permissions data'").
 * Read-only shares and IPC$ have none. *warnings is NULL-terminated,
 * malloc'd (registry_strv_free); a folder that cannot be read gives one
 * warning saying so. */
NTSTATUS prov_share_folder_warnings(struct registry *reg, const struct share *share,
                                    char ***warnings, size_t *count);

/* Stores on the share's folder an NT descriptor built from the share's
 * grants: owner Administrators, group SYSTEM; a DACL of the share's deny ACEs,
 * then SYSTEM and Administrators full control, CREATOR OWNER full control on
 * what it creates (inherit only), then each grant with its mask (read:
 * read and execute, change: modify, full: full control), every ACE
 * inheritable by files and folders (OBJECT_INHERIT | CONTAINER_INHERIT), so
 * new files and folders carry the grants. Existing files below keep their
 * own descriptors. Audited as share.fix-permissions; *summary (may be NULL)
 * gets the grants written, malloc'd. */
NTSTATUS prov_share_fix_permissions(struct registry *reg, const struct share *share,
                                    const struct audit_actor *actor, char **summary,
                                    char **error_message);

#endif
