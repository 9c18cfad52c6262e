/* Access tokens: who a caller is, as the access check and pvfs see it.
 *
 * lsassd builds one at logon; lwiod carries it on every IRP; the access check
 * in lib/secdesc.h evaluates a security descriptor against it. */
#ifndef SW_TOKEN_H
#define SW_TOKEN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "lib/sid.h"

/* Privileges as bits (a subset of the Windows privilege set that a file server
 * consults). */
#define SE_PRIV_BACKUP          (1u << 0) /* SeBackupPrivilege: read anything */
#define SE_PRIV_RESTORE         (1u << 1) /* SeRestorePrivilege: write anything */
#define SE_PRIV_TAKE_OWNERSHIP  (1u << 2) /* SeTakeOwnershipPrivilege */
#define SE_PRIV_SECURITY        (1u << 3) /* SeSecurityPrivilege: SACLs */
#define SE_PRIV_CHANGE_NOTIFY   (1u << 4) /* SeChangeNotifyPrivilege (traverse) */

/* The SE_PRIV_* bit of a privilege's name ("SeBackupPrivilege"); 0 for any
 * other name (a privilege the file server does not consult, a logon right). */
uint32_t token_privilege_bit(const char *name);

#define TOKEN_MAX_GROUPS 1024

struct access_token {
    struct sid user;
    struct sid primary_group;
    size_t group_count;
    struct sid *groups;     /* includes Everyone, Authenticated Users, Network, ... */
    uint32_t privileges;    /* SE_PRIV_* */
    uid_t uid;              /* the unix identity pvfs acts as: the user's uid */
    gid_t gid;              /*   and its primary group's gid */
    bool is_anonymous;
    bool is_guest;
    /* uid/gid are a stand-in (nobody), not the token's own identity:
     * lsassd found that identity privileged (uid or gid 0) or missing. They
     * say where files go on disk, never who owns what (pvfs gives such a
     * token no Unix User/Group SIDs). Every account normally has its own
     * (lsass/idmap/idmap.h), Guest and anonymous included. */
    bool unix_id_shared;
    /* References beyond the first (token_ref); zero for a token with one
     * owner, which is what calloc and token_copy give. */
    atomic_uint extra_refs;
};

/* A new empty token for user; groups are added with token_add_group. */
struct access_token *token_new(const struct sid *user, const struct sid *primary_group);
/* Adds a group SID unless already present. 0 on success, -1 on failure. */
int token_add_group(struct access_token *token, const struct sid *group);
bool token_has_sid(const struct access_token *token, const struct sid *sid);
/* SYSTEM, or a member of BUILTIN\Administrators (never anonymous or Guest):
 * who may administer the machine over RPC. NULL is false. */
bool token_is_administrator(const struct access_token *token);
struct access_token *token_copy(const struct access_token *token);
/* Another reference to the same token (no copy): what a call carries while
 * it runs. A token with more than one reference is never changed; token_free
 * drops one reference and frees the token with the last. */
struct access_token *token_ref(const struct access_token *token);
void token_free(struct access_token *token);
/* The SYSTEM token (root callers of lwiod): S-1-5-18 with Administrators and
 * every privilege. */
struct access_token *token_new_system(void);

/* Serialised form, for IPC between lsassd, lwiod and the RPC services. */
void token_write(struct buf *b, const struct access_token *token);
struct access_token *token_read(struct buf_reader *r);

#endif
