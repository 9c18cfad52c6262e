/* Deleting a local user or group that share permissions may name.
 *
 * A share's descriptor keeps a SID, not a name: deleting an account that a
 * grant names would leave a raw SID behind that nobody can read or give again
 * (RIDs are never reused). So every front end that deletes accounts (lwadmin
 * user del and group del, apply --prune, lwconsole) goes through this one call,
 * and the rule lives here: without force the delete is refused and the
 * message names the shares; with force the grants are removed from every
 * share's descriptor in the same transaction as the delete, and the caller
 * gets the names of the shares that changed to tell the administrator. */
#ifndef SW_PROVISION_ACCOUNTS_H
#define SW_PROVISION_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"
#include "registry/registry.h"

/* The shares whose permissions name sid, by name (NULL-terminated, malloc'd,
 * free with registry_strv_free; *count may be NULL). */
NTSTATUS prov_shares_naming(struct registry *reg, const struct sid *sid, char ***shares,
                            size_t *count);

/* Deletes the local user or group sid (with its memberships) in one
 * transaction (joining the caller's if open). When shares name it: without
 * force STATUS_CANNOT_DELETE and *error_message says which shares; with force
 * those ACEs are removed first (each share change audited) and *changed gets
 * the share names (may be NULL). Other statuses as sam_user_delete and
 * sam_group_delete (STATUS_SPECIAL_ACCOUNT for a built-in group,
 * STATUS_NO_SUCH_USER if sid is neither a user nor a group). */
NTSTATUS prov_account_delete(struct registry *reg, const struct audit_actor *actor,
                             const struct sid *sid, bool force, char ***changed,
                             size_t *changed_count, char **error_message);

#endif
