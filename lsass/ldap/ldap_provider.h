/* The LDAP directory provider: users and groups of an RFC 2307 directory
 * (OpenLDAP, 389-ds, ...) next to the local SAM (docs/ldap.md).
 *
 * Accounts
 *   Users are posixAccount entries under ldap.user-base (uid, uidNumber,
 *   gidNumber, cn, gecos, homeDirectory, loginShell), groups posixGroup
 *   entries under ldap.group-base (cn, gidNumber, memberUid). A user's groups
 *   are those naming it in memberUid, plus the group of its gidNumber.
 *   NTLM (and PAM) logons compare with the NT hash in sambaNTPassword (32 hex
 *   digits); a user without one can log on only with Kerberos
 *   (principal_logon: the krb5 mechanism's principal NAME@REALM, any realm,
 *   when no provider before this one took it). sambaAcctFlags with 'D'
 *   disables an account, for NTLM and Kerberos alike.
 *
 * SIDs
 *   sambaSID when the entry has a valid one; otherwise an algorithmic SID
 *   under the provider's domain SID (ldap.domain-sid, or when unset
 *   S-1-5-21-A-B-C with A, B, C the first 12 bytes of MD5("samewise-ldap:" +
 *   the lower-cased ldap.user-base), so every server using one directory
 *   agrees): RID uidNumber * 2 + 1000 for a user, gidNumber * 2 + 1001 for a
 *   group (Samba's algorithmic mapping: users and groups never collide).
 *
 * Trust
 *   Every value from the directory is untrusted: lengths, counts and numbers
 *   are bounded (ldap_values.h), uid and gid 0 are refused, and every name
 *   put into a search filter is escaped (RFC 4515).
 *
 * Availability
 *   Connections come from a small pool (ldap.pool-size); each operation has
 *   ldap.timeout seconds. When the directory cannot be reached, logons of
 *   directory users fail with STATUS_NO_LOGON_SERVERS (local users are not
 *   affected: they are the SAM's), and lookups answer from the cache
 *   (ldap.cache-ttl) even past its TTL; the next operation after a short
 *   back-off (LDAP_RETRY_SECONDS) reconnects.
 *
 * The provider keeps its own registry connection (settings, the bind
 * password, the SAM's aliases for tokens) and may be called from several
 * threads. */
#ifndef SW_LSASS_LDAP_PROVIDER_H
#define SW_LSASS_LDAP_PROVIDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"
#include "lsass/auth/auth.h"

struct registry;
struct audit_actor;

#define LDAP_RETRY_SECONDS 2

/* Opens the registry at db_path for the provider (no connection is made
 * until the first lookup). Free with provider->ops->free. */
NTSTATUS lsa_ldap_provider_new(const char *db_path, struct lsa_provider **provider);
/* The provider behind p, or NULL when p is not an LDAP provider. */
bool lsa_is_ldap_provider(const struct lsa_provider *p);

/* A directory account as the NSS lookups and the tools see it. */
struct ldap_account {
    char *name;
    uint32_t id;          /* uidNumber or gidNumber */
    uint32_t gid;         /* users: gidNumber */
    char *gecos, *home, *shell; /* users */
    char **members;       /* groups: memberUid */
    size_t member_count;
    struct sid sid;
};
void ldap_account_clear(struct ldap_account *a);
void ldap_account_list_free(struct ldap_account *list, size_t count);

/* Lookups (from the cache when fresh; from a stale cache entry when the
 * directory is down). name NULL: by id. STATUS_NO_SUCH_USER /
 * STATUS_NO_SUCH_GROUP when unknown, STATUS_NO_LOGON_SERVERS when unknown to
 * the cache and the directory cannot be reached. */
NTSTATUS ldap_lookup_user(struct lsa_provider *p, const char *name, uint32_t uid, struct ldap_account *out);
NTSTATUS ldap_lookup_group(struct lsa_provider *p, const char *name, uint32_t gid, struct ldap_account *out);
/* The gids of the user's groups (its primary first). */
NTSTATUS ldap_user_gids(struct lsa_provider *p, const char *name, uint32_t **gids, size_t *count);
/* Every user (or group), with paged searches (RFC 2696), at most
 * ldap.max-entries, sorted by id. */
NTSTATUS ldap_list_users(struct lsa_provider *p, struct ldap_account **list, size_t *count);
NTSTATUS ldap_list_groups(struct lsa_provider *p, struct ldap_account **list, size_t *count);
/* A name ("alice", "engineers", "LDAP\\engineers") to a SID, and back. */
NTSTATUS ldap_name_to_sid(struct lsa_provider *p, const char *name, struct sid *sid, bool *is_group);
NTSTATUS ldap_sid_to_name(struct lsa_provider *p, const struct sid *sid, char **name, bool *is_group);

/* `lwadmin provider test ldap`: connects, binds, and looks up user (or any
 * one posixAccount when user is NULL). Writes a human report of each step
 * into report (what is wrong, when something is). STATUS_SUCCESS if all
 * worked. */
NTSTATUS ldap_provider_test(struct registry *reg, const char *user, char *report, size_t report_size);

/* The bind password (a secret: stored in the registry's provider_secrets
 * table, never logged, exported or shown). NULL password: remove it. */
NTSTATUS ldap_secret_set(struct registry *reg, const struct audit_actor *actor, const char *provider,
                         const char *name, const char *password);
/* STATUS_NOT_FOUND when unset. *value is freed by the caller with
 * crypto_wipe + free. */
NTSTATUS ldap_secret_get(struct registry *reg, const char *provider, const char *name, char **value);

/* A share_principal_resolver / share_sid_namer (share-db) that asks the SAM
 * first, then the LDAP provider when lsass.providers lists it. Pass the
 * struct registry * as the context. */
NTSTATUS ldap_sam_principal_resolver(void *registry, const char *name, struct sid *sid);
char *ldap_sam_principal_namer(void *registry, const struct sid *sid);

/* For lsarpc's LookupNames and LookupSids: a name the SAM does not know
 * ("carol", "LDAP\\carol") or a SID, found in the directory when
 * lsass.providers lists ldap, with the domain it belongs to (the SID without
 * its RID, named ldap.domain-name). STATUS_NONE_MAPPED otherwise. Free
 * out->name. */
struct ldap_principal {
    struct sid sid;
    struct sid domain_sid;
    char domain_name[16];
    char *name;
    bool is_group;
};
NTSTATUS ldap_principal_by_name(struct registry *reg, const char *name, struct ldap_principal *out);
NTSTATUS ldap_principal_by_sid(struct registry *reg, const struct sid *sid, struct ldap_principal *out);

#endif
