/* The SAM: local users, groups (aliases) and the machine domain, kept in the
 * registry database (tables sam_domain, sam_users, sam_groups, sam_members).
 *
 * The tables are made by the SQL files in lsass/sam/migrations/ (registry_open
 * applies them); the password policy comes from the settings
 * lsass.min-password-length and lsass.password-complexity. Password history and
 * minimum age apply to a user changing their own password (samr:
 * sam_user_change_password), not to an administrator's reset.
 *
 * Who uses it: lwadmin and lwconsole (administration), lsassd (authentication:
 * a user's NT hash and flags by name, bad-password and logon bookkeeping, the
 * alias SIDs that go into an access token), share-db callers (resolving the
 * principal names of share grants to SIDs and back), and later samr.
 *
 * Accounts ([MS-SAMR] 3.1.1): the machine domain SID S-1-5-21-x-y-z is made
 * once at sam_init() with random x, y, z. Users and local groups share one RID
 * counter that starts at SAM_FIRST_RID (1000), as on Windows; a RID is never
 * reused, even after a delete, so an old ACE never names a new account. The
 * built-in aliases Administrators (S-1-5-32-544), Users (-545) and Guests (-546)
 * live in the BUILTIN domain and cannot be deleted. Names are unique across users
 * and groups and compared case-insensitively (Unicode simple case folding).
 *
 * Every mutation is atomic (its own nested transaction: inside a caller's
 * transaction it commits or rolls back with it) and is written to the audit log
 * with the actor given. Logon bookkeeping (last logon, bad-password count) is
 * not an administrative change and is not audited, except a lockout.
 *
 * Secrets: the NT hash is only returned by sam_user_get_nt_hash(); struct
 * sam_user never carries it, so printing a struct sam_user cannot leak it.
 * Passwords given to this module are never stored, logged or audited.
 *
 * Errors (NTSTATUS): STATUS_NO_SUCH_USER, STATUS_NO_SUCH_ALIAS,
 * STATUS_USER_EXISTS / STATUS_ALIAS_EXISTS (name taken by a user / a group),
 * STATUS_INVALID_ACCOUNT_NAME, STATUS_PASSWORD_RESTRICTION,
 * STATUS_SPECIAL_ACCOUNT (built-in alias), STATUS_MEMBER_IN_ALIAS,
 * STATUS_MEMBER_NOT_IN_ALIAS, STATUS_NONE_MAPPED (unknown principal),
 * STATUS_INVALID_PARAMETER (a bad flag, full name or description; a group
 * as a member of a group),
 * STATUS_INVALID_DEVICE_STATE (the registry was never initialised: lwadmin init),
 * STATUS_NO_MEMORY, STATUS_INTERNAL_ERROR (database failure). */
#ifndef SW_SAM_H
#define SW_SAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"
#include "lib/token.h"

struct registry;
struct audit_actor;

#define SAM_FIRST_RID 1000
#define SAM_USER_NAME_MAX 20     /* characters (UTF-16 code units), as Windows */
#define SAM_GROUP_NAME_MAX 256
#define SAM_FULL_NAME_MAX 256
#define SAM_DESCRIPTION_MAX 1024
#define SAM_PASSWORD_MAX 256     /* characters; SamrUnicodeChangePasswordUser2's limit */
#define SAM_NT_HASH_LENGTH 16

/* User account control bits: the [MS-SAMR] 2.2.1.12 values, so samr can pass
 * them through unchanged. */
#define SAM_USER_DISABLED               0x00000001u /* USER_ACCOUNT_DISABLED */
#define SAM_USER_NORMAL_ACCOUNT         0x00000010u /* USER_NORMAL_ACCOUNT */
#define SAM_USER_PASSWORD_NEVER_EXPIRES 0x00000200u /* USER_DONT_EXPIRE_PASSWORD */
#define SAM_USER_LOCKED_OUT             0x00000400u /* USER_ACCOUNT_AUTO_LOCKED */
#define SAM_USER_PASSWORD_EXPIRED       0x00020000u /* USER_PASSWORD_EXPIRED */
/* The bits an administrator may set or clear through sam_user_update(). */
#define SAM_USER_SETTABLE_FLAGS \
    (SAM_USER_DISABLED | SAM_USER_PASSWORD_NEVER_EXPIRES | SAM_USER_LOCKED_OUT | \
     SAM_USER_PASSWORD_EXPIRED)

/* ---- the domain --------------------------------------------------------- */

/* Creates what is missing and leaves the rest: the machine domain SID, the
 * RID counter and the built-in aliases (Users starts with Authenticated Users
 * as a member, as on Windows). Idempotent; *created (may be NULL) says whether
 * the domain SID was made now. Audited when it changes something. */
NTSTATUS sam_init(struct registry *reg, const struct audit_actor *actor, bool *created);

/* The machine domain SID (STATUS_INVALID_DEVICE_STATE before sam_init). */
NTSTATUS sam_domain_sid(struct registry *reg, struct sid *sid);

/* ---- users --------------------------------------------------------------- */

struct sam_user {
    uint32_t rid;
    struct sid sid;
    char *name;
    char *full_name;            /* "" when unset, never NULL */
    char *description;          /* "" when unset, never NULL */
    uint32_t flags;             /* SAM_USER_* */
    bool has_password;          /* false: no password set, the account cannot log on */
    int64_t created;            /* unix seconds */
    int64_t password_last_set;  /* unix seconds; 0 never */
    int64_t last_logon;         /* unix seconds; 0 never */
    uint32_t bad_password_count;
    int64_t last_bad_password;  /* unix seconds; 0 never */
    int64_t lockout_time;       /* unix seconds when locked out; 0 not locked */
    uint32_t uid;               /* its own Unix uid: FIRST + RID of lsass.id-range
                                   when it was made (lsass/idmap/idmap.h) */
    char *unix_account;         /* the Unix account it acts as instead; NULL: none */
};

struct sam_user_list {
    size_t count;
    struct sam_user *users;
};

/* A new account. name, full_name, description: UTF-8 (full_name/description may
 * be NULL). flags: SAM_USER_DISABLED and/or SAM_USER_PASSWORD_NEVER_EXPIRES
 * (SAM_USER_NORMAL_ACCOUNT is always added). password may be NULL (no password:
 * the account exists but cannot log on until one is set); otherwise it is
 * checked against the registry's password policy. *rid (may be NULL) gets the
 * new RID. */
NTSTATUS sam_user_add(struct registry *reg, const struct audit_actor *actor, const char *name,
                      const char *full_name, const char *description, uint32_t flags,
                      const char *password, uint32_t *rid);

/* Sets a new password (checked against the policy), records the time, and
 * clears SAM_USER_PASSWORD_EXPIRED. */
NTSTATUS sam_user_set_password(struct registry *reg, const struct audit_actor *actor,
                               uint32_t rid, const char *password);

/* Sets the NT hash itself (provisioning files carry hashes, not passwords):
 * no policy check is possible; records the time and clears
 * SAM_USER_PASSWORD_EXPIRED like sam_user_set_password. */
NTSTATUS sam_user_set_nt_hash(struct registry *reg, const struct audit_actor *actor,
                              uint32_t rid, const uint8_t nt_hash[SAM_NT_HASH_LENGTH]);

/* Changes to an account; NULL / 0 fields are left alone. Clearing
 * SAM_USER_LOCKED_OUT unlocks (and resets the bad-password count); setting it is
 * refused (only bad passwords lock an account). */
struct sam_user_change {
    const char *new_name;
    const char *full_name;
    const char *description;
    uint32_t flags_set;
    uint32_t flags_clear;
};
NTSTATUS sam_user_update(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                         const struct sam_user_change *change);

/* Deletes the account and its group memberships. */
NTSTATUS sam_user_delete(struct registry *reg, const struct audit_actor *actor, uint32_t rid);

/* Lookups fill *user (free with sam_user_free) or return STATUS_NO_SUCH_USER. */
NTSTATUS sam_user_by_name(struct registry *reg, const char *name, struct sam_user *user);
NTSTATUS sam_user_by_rid(struct registry *reg, uint32_t rid, struct sam_user *user);
NTSTATUS sam_user_by_sid(struct registry *reg, const struct sid *sid, struct sam_user *user);
/* Every user, sorted by name. Free with sam_user_list_free. */
NTSTATUS sam_user_list(struct registry *reg, struct sam_user_list *list);
void sam_user_free(struct sam_user *user);
void sam_user_list_free(struct sam_user_list *list);

/* The NT hash (MD4 of the UTF-16LE password) for authentication. A secret:
 * compare it, derive keys from it, crypto_wipe() it; never print or log it.
 * STATUS_NO_SUCH_USER, or STATUS_NOT_FOUND if the account has no password. */
NTSTATUS sam_user_get_nt_hash(struct registry *reg, uint32_t rid,
                              uint8_t nt_hash[SAM_NT_HASH_LENGTH]);

/* An account's profile fields (migration 003): what MMC's Profile tab and
 * samr's user information levels carry. Strings are "" when unset. */
#define SAM_DETAIL_MAX 1024 /* characters of each text field */
struct sam_user_details {
    char *home_directory;
    char *home_drive;     /* "H:" */
    char *script_path;
    char *profile_path;
    char *workstations;   /* comma-separated NetBIOS names; "" any */
    char *user_comment;
    char *parameters;     /* Remote Desktop Services / RAS settings */
    uint16_t country_code, code_page;
    int64_t account_expires; /* NT time (100 ns since 1601, as samr sends it); 0 never */
};
NTSTATUS sam_user_details_get(struct registry *reg, uint32_t rid, struct sam_user_details *details);
void sam_user_details_free(struct sam_user_details *details);
/* NULL fields are left alone; account_expires only with set_account_expires.
 * Audited as user.set with what changed. */
struct sam_user_details_change {
    const char *home_directory, *home_drive, *script_path, *profile_path, *workstations, *user_comment,
        *parameters;
    bool set_codes; /* country_code and code_page */
    uint16_t country_code, code_page;
    bool set_account_expires;
    int64_t account_expires;
};
NTSTATUS sam_user_details_set(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                              const struct sam_user_details_change *change);

/* A user changing his own password (samr's SamrUnicodeChangePasswordUser2-4,
 * once the old password is proven): sam_user_set_password's checks, and
 * also the ones that bind the user only, as on Windows: not within
 * lsass.min-password-age days of the last set (unless it is expired), not
 * one of his last lsass.password-history passwords. Otherwise
 * STATUS_PASSWORD_RESTRICTION. Every password set is recorded in the
 * history (the newest 24). */
NTSTATUS sam_user_change_password(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                  const char *password, int64_t now);
/* The same own change with the new NT hash only (samr's SamrChangePasswordUser,
 * opnum 38): the descriptor, minimum age and history apply; since a hash
 * cannot show its password's length or complexity, it is
 * STATUS_PASSWORD_RESTRICTION while lsass.min-password-length or
 * lsass.password-complexity is set. */
NTSTATUS sam_user_change_nt_hash(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                 const uint8_t nt_hash[16], int64_t now);

/* A user's own security descriptor (self-relative bytes, migration 004),
 * set over samr (SetSecurityObject: MMC's "User cannot change password").
 * get: *bytes NULL when the account has the default (free() it otherwise);
 * STATUS_NO_SUCH_USER. set: NULL bytes go back to the default; a descriptor
 * that does not parse or is over SAM_DESCRIPTOR_MAX bytes is
 * STATUS_INVALID_PARAMETER; audited as user.set. */
#define SAM_DESCRIPTOR_MAX 65536
NTSTATUS sam_user_get_descriptor(struct registry *reg, uint32_t rid, uint8_t **bytes, size_t *len);
NTSTATUS sam_user_set_descriptor(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                 const uint8_t *bytes, size_t len);
/* Whether the account's descriptor denies its user USER_CHANGE_PASSWORD on
 * himself (as himself, SELF, Everyone, Authenticated Users; the first ACE
 * naming the right decides, none denies, no DACL allows). The default
 * allows. sam_user_change_password and the local provider's own change
 * refuse with STATUS_ACCESS_DENIED when *denied. */
NTSTATUS sam_user_may_change_password(struct registry *reg, uint32_t rid, const struct sid *user_sid,
                                      bool *denied);

/* Logon hours (migration 004): 168 bits, hour n of the week (UTC, from
 * Sunday 00:00) in bit n%8 of byte n/8, as [MS-SAMR] SAMPR_LOGON_HOURS
 * carries them at 168 units a week. get: every hour (all 0xFF,
 * *restricted false) unless set. set: all 0xFF (or NULL) takes the
 * restriction away; audited as user.set. allow: whether time now (seconds
 * since 1970) falls in an allowed hour; a logon outside them is
 * STATUS_INVALID_LOGON_HOURS. */
#define SAM_LOGON_HOURS_BYTES 21
NTSTATUS sam_user_get_logon_hours(struct registry *reg, uint32_t rid, uint8_t hours[SAM_LOGON_HOURS_BYTES],
                                  bool *restricted);
NTSTATUS sam_user_set_logon_hours(struct registry *reg, const struct audit_actor *actor, uint32_t rid,
                                  const uint8_t *hours);
bool sam_logon_hours_allow(const uint8_t hours[SAM_LOGON_HOURS_BYTES], int64_t now);

/* ---- logon bookkeeping (lsassd) ----------------------------------------- */

/* Account lockout policy, as lsassd reads it from its settings. */
struct sam_lockout_policy {
    uint32_t threshold;         /* bad passwords before lockout; 0 never locks */
    int64_t duration;           /* seconds an account stays locked; 0 until unlocked */
    int64_t observation_window; /* seconds after the last bad password that the
                                   count restarts from zero; 0 never restarts */
};

/* True if the account is locked out at time now: SAM_USER_LOCKED_OUT is set and
 * the lockout has not yet expired under the policy. */
bool sam_user_is_locked_out(const struct sam_user *user, const struct sam_lockout_policy *policy,
                            int64_t now);

/* A successful logon: last logon = now, bad-password count = 0, and the
 * lockout flag cleared (call it only after sam_user_is_locked_out() said the
 * account is not locked, so only an expired lockout is cleared). */
NTSTATUS sam_user_logon_success(struct registry *reg, uint32_t rid, int64_t now);

/* A bad password: counts it (restarting the count after the observation window)
 * and locks the account at the threshold (that one is audited). *locked_out (may
 * be NULL) says whether the account is now locked. */
NTSTATUS sam_user_logon_failure(struct registry *reg, uint32_t rid, int64_t now,
                                const struct sam_lockout_policy *policy, bool *locked_out);

/* ---- password policy ---------------------------------------------------- */

struct sam_password_policy {
    uint32_t min_length;        /* lsass.min-password-length */
    bool complexity;            /* lsass.password-complexity */
};

/* Reads the policy from the registry's settings (defaults if unset). */
NTSTATUS sam_password_policy_load(struct registry *reg, struct sam_password_policy *policy);

/* Checks a password against a policy, the way Windows does: length in
 * characters; with complexity, three of the five character classes (upper,
 * lower, digit, other symbol, other letter) and not containing the account name
 * or any 3+-character part of the full name. STATUS_PASSWORD_RESTRICTION with
 * *why (may be NULL; a static string that never contains the password) set. */
NTSTATUS sam_password_check(const struct sam_password_policy *policy, const char *user_name,
                            const char *full_name, const char *password, const char **why);

/* ---- names --------------------------------------------------------------- */

/* Windows' rules for account names: 1..max characters (SAM_USER_NAME_MAX for
 * users, SAM_GROUP_NAME_MAX for groups), not only dots and spaces, no leading or
 * trailing space, none of " / \ [ ] : ; | = , + * ? < > @ and no control
 * characters, well-formed UTF-8. STATUS_INVALID_ACCOUNT_NAME with *why. */
NTSTATUS sam_name_check(const char *name, size_t max, const char **why);

/* ---- groups (aliases) ---------------------------------------------------- */

struct sam_group {
    uint32_t rid;
    struct sid sid;             /* S-1-5-32-rid (built-in) or domain SID + rid */
    bool builtin;
    char *name;
    char *description;          /* "" when unset, never NULL */
    size_t member_count;
    uint32_t gid;               /* its Unix gid (built-in aliases too): FIRST + RID */
};

struct sam_group_list {
    size_t count;
    struct sam_group *groups;
};

/* A new local group in the machine domain. */
NTSTATUS sam_group_add(struct registry *reg, const struct audit_actor *actor, const char *name,
                       const char *description, uint32_t *rid);
NTSTATUS sam_group_set_description(struct registry *reg, const struct audit_actor *actor,
                                   const struct sid *group, const char *description);
/* Deletes a local group and its memberships; built-in aliases:
 * STATUS_SPECIAL_ACCOUNT. */
NTSTATUS sam_group_delete(struct registry *reg, const struct audit_actor *actor,
                          const struct sid *group);

/* Lookups fill *group (free with sam_group_free) or STATUS_NO_SUCH_ALIAS.
 * By name, "BUILTIN\Users" and "Users" both find the built-in alias. */
NTSTATUS sam_group_by_name(struct registry *reg, const char *name, struct sam_group *group);
NTSTATUS sam_group_by_sid(struct registry *reg, const struct sid *sid, struct sam_group *group);
/* Built-in aliases first, then local groups, each sorted by name. */
NTSTATUS sam_group_list(struct registry *reg, struct sam_group_list *list);
void sam_group_free(struct sam_group *group);
void sam_group_list_free(struct sam_group_list *list);

/* Membership. A member is a local user or a SID from outside the machine domain
 * (a well-known SID such as Authenticated Users, or a domain account); local
 * groups do not nest, as on Windows (STATUS_INVALID_PARAMETER). */
NTSTATUS sam_group_add_member(struct registry *reg, const struct audit_actor *actor,
                              const struct sid *group, const struct sid *member);
NTSTATUS sam_group_remove_member(struct registry *reg, const struct audit_actor *actor,
                                 const struct sid *group, const struct sid *member);
/* The member SIDs of a group, sorted (free *members with free()). */
NTSTATUS sam_group_members(struct registry *reg, const struct sid *group, struct sid **members,
                           size_t *count);

/* The aliases any of sids is a member of, like SamrGetAliasMembership (free
 * *aliases with free(); duplicates removed). */
NTSTATUS sam_alias_membership(struct registry *reg, const struct sid *sids, size_t sid_count,
                              struct sid **aliases, size_t *alias_count);
/* Adds to token the aliases its user or any of its groups belong to (call
 * after adding Everyone, Authenticated Users, Network, ...). */
NTSTATUS sam_token_add_aliases(struct registry *reg, struct access_token *token);

/* ---- Unix ids (how they are used: lsass/idmap/idmap.h) -------------------
 *
 * A new user or group gets FIRST + RID of lsass.id-range as its uid / gid,
 * stored with it and never changed. A new user is mapped at creation to the
 * Unix account of the same name when one exists and qualifies
 * (sam_unix_account_check). The accounts without a row take
 * sam_id_base() + RID. */

/* "FIRST-LAST" -> the two ids (1000 <= FIRST <= LAST <= 2147483646);
 * STATUS_INVALID_PARAMETER with *why (static, may be NULL). */
NTSTATUS sam_id_range_parse(const char *text, uint32_t *first, uint32_t *last, const char **why);
/* The current lsass.id-range. */
NTSTATUS sam_id_range(struct registry *reg, uint32_t *first, uint32_t *last);
/* Whether first-last may become lsass.id-range: room for the next RID and
 * 1000 accounts more, and none of the ids it would hand out already in use
 * (stored ids, the id base's well-known ids, /etc/passwd and /etc/group).
 * STATUS_INVALID_PARAMETER with a malloc'd *why (may be NULL). */
NTSTATUS sam_id_range_check(struct registry *reg, uint32_t first, uint32_t last, char **why);
/* The id base of the accounts without a row: Guest is base + 501, None base
 * + 513, Domain Guests base + 514, anonymous base + 0. */
NTSTATUS sam_id_base(struct registry *reg, uint32_t *base);

/* Whether SAM user except_rid (0: a user being made) may act as Unix account
 * `account`: it exists (getpwnam_r), is not uid 0 and not in group 0, its uid
 * is no id the SAM hands out (inside lsass.id-range, a stored uid, the id
 * base's), and no other SAM user is mapped to it (by name or uid:
 * STATUS_USER_EXISTS). *uid / *gid (may be NULL) get the account's ids.
 * STATUS_INVALID_PARAMETER / STATUS_USER_EXISTS with a malloc'd *why (may be
 * NULL). */
NTSTATUS sam_unix_account_check(struct registry *reg, const char *account, uint32_t except_rid,
                                uid_t *uid, gid_t *gid, char **why);
/* Maps user rid to Unix account `account` (checked as above), or back to its
 * own uid with NULL. Audited (user.set unix-account=...). */
NTSTATUS sam_user_set_unix_account(struct registry *reg, const struct audit_actor *actor,
                                   uint32_t rid, const char *account, char **why);
/* Users by their own uid, by the Unix account they are mapped to;
 * groups by gid. STATUS_NO_SUCH_USER / STATUS_NO_SUCH_ALIAS. */
NTSTATUS sam_user_by_uid(struct registry *reg, uint32_t uid, struct sam_user *user);
NTSTATUS sam_user_by_unix_account(struct registry *reg, const char *account, struct sam_user *user);
NTSTATUS sam_group_by_gid(struct registry *reg, uint32_t gid, struct sam_group *group);
/* Accounts made before Unix ids existed acted as the Unix account of their
 * name when there was one: settles each to that mapping (if it qualifies)
 * or to none, once (a cheap query when there is nothing to do). Called by
 * sam_init and by lsass/idmap before it answers. */
NTSTATUS sam_ids_settle(struct registry *reg);
/* ---- account rights ([MS-LSAD] account objects) ------------------------ */

/* An account is a SID that holds rights: privileges ("SeBackupPrivilege")
 * and logon rights ("SeNetworkLogonRight"), by name; the caller (lsarpc)
 * checks the names. Tables lsa_accounts and lsa_account_rights (made by
 * lsass/lsarpc/migrations/). Changes are atomic and audited, object the
 * SID's name: rights assigned "account.add", removed "account.del" (detail
 * the rights; "all rights" when the account goes), an empty account made
 * "account.create" (the event log's user-rights events 4704 and 4705).
 * Lists are malloc'd: free with sam_strings_free / free(). */

/* The rights of an account, sorted; STATUS_OBJECT_NAME_NOT_FOUND if the SID
 * is no account. */
NTSTATUS sam_account_rights(struct registry *reg, const struct sid *sid, char ***rights, size_t *count);
/* A new account with no rights: STATUS_OBJECT_NAME_COLLISION if it exists. */
NTSTATUS sam_account_add(struct registry *reg, const struct audit_actor *actor, const struct sid *sid);
/* Deletes the account and its rights: STATUS_OBJECT_NAME_NOT_FOUND. */
NTSTATUS sam_account_delete(struct registry *reg, const struct audit_actor *actor, const struct sid *sid);
/* Adds rights (the account is made if missing); those held already are left. */
NTSTATUS sam_account_grant(struct registry *reg, const struct audit_actor *actor, const struct sid *sid,
                           const char *const *rights, size_t count);
/* Removes rights (those not held are ignored): STATUS_OBJECT_NAME_NOT_FOUND
 * if the SID is no account. The account stays, even with no rights. */
NTSTATUS sam_account_revoke(struct registry *reg, const struct audit_actor *actor, const struct sid *sid,
                            const char *const *rights, size_t count);
/* Every account (sorted by SID string), or those holding right. */
NTSTATUS sam_account_list(struct registry *reg, const char *right, struct sid **sids, size_t *count);
/* The distinct rights token's user and groups hold, sorted. */
NTSTATUS sam_token_rights(struct registry *reg, const struct access_token *token, char ***rights, size_t *count);
void sam_strings_free(char **strings, size_t count);
/* What those rights do to a logon's token (every provider's): the
 * privileges among them go into token->privileges, and
 * SeDenyNetworkLogonRight refuses the logon (STATUS_LOGON_TYPE_NOT_GRANTED),
 * as on Windows. */
NTSTATUS sam_token_apply_rights(struct registry *reg, struct access_token *token);

/* ---- principals: names <-> SIDs ------------------------------------------ */

enum sam_principal_type {
    SAM_PRINCIPAL_USER,           /* a local user (SidTypeUser) */
    SAM_PRINCIPAL_GROUP,          /* a local group (SidTypeAlias) */
    SAM_PRINCIPAL_BUILTIN_GROUP,  /* a BUILTIN alias (SidTypeAlias) */
    SAM_PRINCIPAL_WELL_KNOWN,     /* Everyone, SYSTEM, ... (SidTypeWellKnownGroup) */
    SAM_PRINCIPAL_UNKNOWN,        /* a SID string naming no known account */
};

/* A principal as an administrator writes it: "alice", "SERVER\alice" (SERVER is
 * srv.server-name, or the host name while that is empty), ".\alice", "Administrators", "BUILTIN\Administrators", "Everyone",
 * "Authenticated Users", "NT AUTHORITY\SYSTEM", ... or a SID string
 * "S-1-5-21-...". Known accounts only: STATUS_NONE_MAPPED otherwise (a SID
 * string is accepted as is). type may be NULL. */
NTSTATUS sam_principal_to_sid(struct registry *reg, const char *principal, struct sid *sid,
                              enum sam_principal_type *type);

/* The short display name of a SID ("alice", "Administrators", "Everyone"),
 * newly allocated in *name; STATUS_NONE_MAPPED if unknown (callers show the SID
 * string instead: see sam_sid_display). */
NTSTATUS sam_sid_to_principal(struct registry *reg, const struct sid *sid, char **name,
                              enum sam_principal_type *type);

/* The name if known, else the SID string; newly allocated, NULL only on
 * allocation failure. */
char *sam_sid_display(struct registry *reg, const struct sid *sid);

/* Adapters with the signatures of share-db's share_principal_resolver and
 * share_sid_namer; pass the struct registry * as the context:
 *   share_sd_from_grants(grants, n, sam_principal_resolver, reg, ...)
 *   share_sd_to_grants(sd, len, sam_principal_namer, reg, ...) */
NTSTATUS sam_principal_resolver(void *registry, const char *name, struct sid *sid);
char *sam_principal_namer(void *registry, const struct sid *sid);

#endif
