/* lsass/idmap: who a SAM account is on this machine — its Unix uid or gid —
 * and the passwd/group view of the SAM that the NSS module, `id`, `ls -l` and
 * pvfs see.
 *
 * Ids ([MS-SAMR] accounts, docs/lsass.md "Unix ids")
 *   Every SAM user has a uid and every group a gid of its own. By default it
 *   comes from the setting lsass.id-range ("FIRST-LAST", default
 *   IDMAP_DEFAULT_RANGE): id = FIRST + RID. The SAM stores the id in the
 *   account's row when the account is made (sam_users.uid, sam_groups.gid;
 *   accounts older than the range were filled in by migration 002 with the
 *   default range), so changing lsass.id-range later moves no existing account:
 *   it only decides the ids of accounts made afterwards.
 *
 *   uids and gids are two name spaces, and users and groups share one RID
 *   counter, so no two accounts of one kind share an id. Accounts without a
 *   SAM row get ids from the id base (the range's FIRST when the SAM was
 *   initialised or upgraded, kept in sam_domain.id_base, so they stay fixed
 *   too):
 *     Guest (RID 501)                  uid BASE+501, gid BASE+514 ("Domain Guests")
 *     None (RID 513), primary group    gid BASE+513
 *       of every other SAM user
 *     anonymous (S-1-5-7)              uid and gid BASE+0 (IDMAP_ANONYMOUS_OFFSET:
 *                                      no account ever has RID 0)
 *   The Builtin aliases (Administrators S-1-5-32-544, Users -545, Guests -546)
 *   are SAM rows: gid BASE+544, +545, +546.
 *
 *   Instead of its range uid, a SAM user may act as an existing Unix account
 *   (`lwadmin user set NAME --unix-account ACCOUNT`): the account's uid, and
 *   its primary gid. Refused (STATUS_INVALID_PARAMETER with a reason) when the
 *   account does not exist, is uid 0 or has gid 0 (nobody acts as root over
 *   the network), has a uid Samewise hands out itself (inside lsass.id-range,
 *   a stored uid, the id base's), or another SAM user is already mapped to it
 *   (by name or uid)
 *   (STATUS_USER_EXISTS). A user made while a Unix account of the same name
 *   exists (and qualifies) is mapped to it at creation, which is what Samba
 *   users expect of "bob" and /etc/passwd's "bob"; the mapping is recorded,
 *   shown by `lwadmin user show` and undone by --no-unix-account. A Unix
 *   account made later does not move an existing SAM user.
 *
 * The passwd/group view (for libnss_samewise through lsassd)
 *   Names are the SAM names. Users mapped to a Unix account are not listed
 *   here (their passwd entry is the Unix account's own, from /etc/passwd);
 *   every other user is, and so are Guest ("Guest") and anonymous
 *   (IDMAP_ANONYMOUS_NAME). Home directories are IDMAP_HOME ("/nonexistent",
 *   as Debian's nobody), shells IDMAP_SHELL (no interactive logon through
 *   NSS alone; PAM decides logons). Groups: the Builtin aliases, the local
 *   groups, None and Domain Guests, each with the names of its member users
 *   (a mapped member by its Unix account name; well-known SIDs such as
 *   Authenticated Users are not names and are left out of members, but count
 *   for idmap_user_gids).
 *
 * Callers: lsassd (tokens, and the NSS requests), lwadmin/lwconsole (the
 * mapping), tests. Every function takes an open registry used by one thread
 * at a time (registry.h). Migration 002 gave accounts older than Unix ids
 * their ids; the first call on such a registry also records, once, the
 * same-name Unix account each of them acted as before (one write
 * transaction, sam_ids_settle; later calls only read, and a reader that
 * cannot write still answers).
 *
 * Recursion: Unix accounts are looked up with getpwnam_r/getpwuid_r. An NSS
 * module that asks lsassd must not be consulted from inside lsassd (it
 * answers NSS_STATUS_UNAVAIL there), and results whose uid Samewise hands
 * out itself are never taken for Unix accounts. The SAM makes the same
 * lookup when a user is created (the same-name rule), so lsassd creating
 * users (samr) needs the same guard.
 *
 * Errors: STATUS_NO_SUCH_USER / STATUS_NO_SUCH_GROUP (no such name or id),
 * STATUS_NONE_MAPPED (a SID with no id, an id with no SID), STATUS_INVALID_PARAMETER,
 * STATUS_USER_EXISTS, STATUS_INVALID_DEVICE_STATE (SAM not initialised),
 * STATUS_NO_MEMORY, STATUS_INTERNAL_ERROR. */
#ifndef SW_LSASS_IDMAP_H
#define SW_LSASS_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"
#include "lib/token.h"

struct registry;
struct audit_actor;

#define IDMAP_RANGE_SETTING "lsass.id-range"
/* Above every Debian/systemd system and regular range (useradd's UID_MAX
 * 60000, nobody 65534, systemd's dynamic users 61184-65519), above the
 * first subordinate id blocks (/etc/subuid starts at 100000), below 2^31
 * (signed 32-bit ids in old tools), and big enough for a million RIDs.
 * FIRST + RID reads back easily: uid 1001000 is RID 1000. */
#define IDMAP_DEFAULT_FIRST 1000000u
#define IDMAP_DEFAULT_LAST 1999999u
#define IDMAP_DEFAULT_RANGE "1000000-1999999"
/* A range may not reach below this (system accounts live under 1000) nor
 * above IDMAP_MAX_ID (2^31 - 2: -1 is "no change" to chown/setfsuid, and
 * signed 32-bit ids in older tools). */
#define IDMAP_MIN_ID 1000u
#define IDMAP_MAX_ID 2147483646u

#define IDMAP_ANONYMOUS_OFFSET 0u
#define IDMAP_ANONYMOUS_NAME "anonymous"
#define IDMAP_HOME "/nonexistent"
#define IDMAP_SHELL "/usr/sbin/nologin"

/* The machine domain's well-known RIDs that have no SAM row. */
#define IDMAP_RID_GUEST 501u
#define IDMAP_RID_NONE 513u          /* "None": every SAM user's primary group */
#define IDMAP_RID_DOMAIN_GUESTS 514u /* Guest's primary group */

struct idmap_range {
    uint32_t first, last; /* inclusive */
};

struct idmap_passwd {
    char *name;
    uid_t uid;
    gid_t gid;     /* the primary group's gid */
    char *gecos;   /* the SAM full name ("" when unset) */
    char *home;
    char *shell;
    struct sid sid;
};

struct idmap_group {
    char *name;
    gid_t gid;
    struct sid sid;
    char **members; /* member_count user names */
    size_t member_count;
};

/* ---- the range ----------------------------------------------------------- */

/* Parses "FIRST-LAST" (decimal, optional spaces around '-'). Checks
 * IDMAP_MIN_ID <= FIRST <= LAST <= IDMAP_MAX_ID only. STATUS_INVALID_PARAMETER
 * with *why (may be NULL; a static string). */
NTSTATUS idmap_range_parse(const char *text, struct idmap_range *range, const char **why);
/* The current lsass.id-range. */
NTSTATUS idmap_range_get(struct registry *reg, struct idmap_range *range);
/* Whether range may become lsass.id-range on this registry: FIRST + the next
 * RID the SAM hands out, plus room for 1000 more accounts, must fit under
 * LAST; the ids the new range would hand out (FIRST + next RID .. LAST) must
 * not be an id already stored for an account, nor a uid or gid in
 * /etc/passwd or /etc/group. STATUS_INVALID_PARAMETER with a malloc'd *why
 * (may be NULL). `config set lsass.id-range` runs this check (the SAM
 * registers it with the registry) and refuses a range that fails it. */
NTSTATUS idmap_range_check(struct registry *reg, const struct idmap_range *range, char **why);

/* ---- ids and SIDs --------------------------------------------------------- */

/* A user SID (SAM user, Guest, anonymous) to its uid; a group SID (local
 * group, Builtin alias, None, Domain Guests, anonymous) to its gid. */
NTSTATUS idmap_sid_to_uid(struct registry *reg, const struct sid *sid, uid_t *uid);
NTSTATUS idmap_sid_to_gid(struct registry *reg, const struct sid *sid, gid_t *gid);
/* The reverse: ids Samewise hands out (range ids and mapped Unix accounts'
 * uids). STATUS_NONE_MAPPED for any other id. */
NTSTATUS idmap_uid_to_sid(struct registry *reg, uid_t uid, struct sid *sid);
NTSTATUS idmap_gid_to_sid(struct registry *reg, gid_t gid, struct sid *sid);

/* The uid and gid pvfs acts as for token (its user SID and primary group
 * SID): the SAM user's uid (or mapped account's) and its primary group's gid
 * (a mapped account: the Unix account's primary gid). Never 0: a token that
 * would get uid 0 or gid 0 fails with STATUS_ACCESS_DENIED. */
NTSTATUS idmap_token_ids(struct registry *reg, const struct access_token *token, uid_t *uid,
                         gid_t *gid);

/* ---- the Unix account mapping -------------------------------------------- */

/* Maps SAM user `user` to Unix account `account`, or back to its range uid
 * with account NULL. Audited; refusals as above. */
NTSTATUS idmap_user_set_unix_account(struct registry *reg, const struct audit_actor *actor,
                                     const char *user, const char *account);
/* The same, with a refusal's reason in a malloc'd *why (may be NULL; set to
 * NULL on success), for the front ends to print. */
NTSTATUS idmap_user_set_unix_account_why(struct registry *reg, const struct audit_actor *actor,
                                         const char *user, const char *account, char **why);
/* The user's mapped Unix account, malloc'd, or NULL in *account when it has
 * none. */
NTSTATUS idmap_user_unix_account(struct registry *reg, const char *user, char **account);

/* ---- passwd and group entries ---------------------------------------------- */

NTSTATUS idmap_passwd_by_name(struct registry *reg, const char *name, struct idmap_passwd *pw);
NTSTATUS idmap_passwd_by_uid(struct registry *reg, uid_t uid, struct idmap_passwd *pw);
/* Every entry, sorted by uid. */
NTSTATUS idmap_passwd_list(struct registry *reg, struct idmap_passwd **list, size_t *count);
void idmap_passwd_free(struct idmap_passwd *pw);
void idmap_passwd_list_free(struct idmap_passwd *list, size_t count);

NTSTATUS idmap_group_by_name(struct registry *reg, const char *name, struct idmap_group *group);
NTSTATUS idmap_group_by_gid(struct registry *reg, gid_t gid, struct idmap_group *group);
/* Every entry, sorted by gid. */
NTSTATUS idmap_group_list(struct registry *reg, struct idmap_group **list, size_t *count);
void idmap_group_free(struct idmap_group *group);
void idmap_group_list_free(struct idmap_group *list, size_t count);

/* The gids of user `name` (a SAM name, or the Unix account a SAM user is
 * mapped to) for initgroups: its primary gid first, then every group and
 * alias it belongs to directly or through Everyone / Authenticated Users
 * (BUILTIN\Users), without duplicates. Free *gids with free(). */
NTSTATUS idmap_user_gids(struct registry *reg, const char *name, gid_t **gids, size_t *count);

#endif
