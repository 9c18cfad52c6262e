/* The SAM against a real registry: the machine domain, users (NT hash per
 * [MS-NLMP] 4.2.2.1.2, RIDs, flags, case-insensitive lookups), groups and
 * membership, principal resolution, logon bookkeeping and lockout, password
 * policy from settings, atomicity and the audit trail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-sam-accounts.XXXXXX";
static char db_path[256];
static struct audit_actor actor = { "cli", 0, "tester", NULL };

static size_t audit_count(struct registry *reg)
{
    struct audit_entry *entries;
    size_t n = 0;
    if (registry_audit_list(reg, 0, 0, &entries, &n) != STATUS_SUCCESS)
        return (size_t)-1;
    registry_audit_list_free(entries, n);
    return n;
}

/* The newest audit record's action and object, "action object". */
static const char *last_audit(struct registry *reg)
{
    static char text[512];
    struct audit_entry *entries;
    size_t n = 0;
    text[0] = '\0';
    if (registry_audit_list(reg, 0, 1, &entries, &n) == STATUS_SUCCESS && n == 1)
        snprintf(text, sizeof text, "%s %s", entries[0].action,
                 entries[0].object ? entries[0].object : "");
    registry_audit_list_free(entries, n);
    return text;
}

/* True if any audit record's detail or object contains needle. */
static bool audit_mentions(struct registry *reg, const char *needle)
{
    struct audit_entry *entries;
    size_t n = 0;
    bool found = false;
    if (registry_audit_list(reg, 0, 0, &entries, &n) != STATUS_SUCCESS)
        return true;
    for (size_t i = 0; i < n; i++)
        if ((entries[i].detail && strstr(entries[i].detail, needle)) ||
            (entries[i].object && strstr(entries[i].object, needle)))
            found = true;
    registry_audit_list_free(entries, n);
    return found;
}

static void test_domain(struct registry *reg)
{
    struct sid domain, again;
    is_int(sam_domain_sid(reg, &domain), STATUS_INVALID_DEVICE_STATE,
           "no domain SID before sam_init");
    bool created = false;
    is_int(sam_init(reg, &actor, &created), STATUS_SUCCESS, "sam_init");
    ok(created, "sam_init made the domain");
    is_int(sam_domain_sid(reg, &domain), STATUS_SUCCESS, "domain SID readable");
    char text[SID_STRING_MAX];
    sid_format(&domain, text, sizeof text);
    ok(domain.sub_authority_count == 4 && domain.sub_authority[0] == 21 &&
           strncmp(text, "S-1-5-21-", 9) == 0,
       "domain SID has the form S-1-5-21-x-y-z (%s)", text);
    size_t audits = audit_count(reg);
    is_int(sam_init(reg, &actor, &created), STATUS_SUCCESS, "sam_init again");
    ok(!created, "  reports nothing created");
    sam_domain_sid(reg, &again);
    ok(sid_equal(&domain, &again), "  keeps the domain SID");
    is_int((long long)audit_count(reg), (long long)audits, "  and audits nothing");
    struct sam_group_list groups;
    is_int(sam_group_list(reg, &groups), STATUS_SUCCESS, "group list");
    is_int((long long)groups.count, 3, "three built-in aliases, once");
    sam_group_list_free(&groups);
}

static void test_users(struct registry *reg)
{
    uint32_t rid = 0, rid2 = 0;
    size_t audits = audit_count(reg);
    is_int(sam_user_add(reg, &actor, "Alice", "Alice Liddell", "test user", 0, "Password", &rid),
           STATUS_SUCCESS, "add Alice with a password");
    is_int(rid, SAM_FIRST_RID, "first RID is 1000");
    is_int((long long)audit_count(reg), (long long)audits + 1, "user add is audited once");
    is_str(last_audit(reg), "user.add Alice", "  as user.add Alice");

    uint8_t hash[16], want[16];
    tap_hex("a4f49c406510bdcab6824ee7c30fd852", want, sizeof want);
    is_int(sam_user_get_nt_hash(reg, rid, hash), STATUS_SUCCESS, "NT hash readable");
    is_mem(hash, 16, want, 16, "stored NT hash of \"Password\" matches [MS-NLMP] 4.2.2.1.2");
    ok(!audit_mentions(reg, "a4f49c40") && !audit_mentions(reg, "Password"),
       "neither the hash nor the password is in the audit log");

    struct sam_user user;
    is_int(sam_user_by_name(reg, "ALICE", &user), STATUS_SUCCESS, "lookup is case-insensitive");
    is_str(user.name, "Alice", "  keeps the name's case");
    is_str(user.full_name, "Alice Liddell", "  full name");
    is_str(user.description, "test user", "  description");
    ok(user.has_password && user.password_last_set > 0, "  password set, with its time");
    ok(user.flags & SAM_USER_NORMAL_ACCOUNT, "  a normal account");
    struct sid user_sid = user.sid;
    sam_user_free(&user);
    is_int(sam_user_by_sid(reg, &user_sid, &user), STATUS_SUCCESS, "lookup by SID");
    is_int(user.rid, rid, "  same RID");
    sam_user_free(&user);
    is_int(sam_user_by_rid(reg, 4242, &user), STATUS_NO_SUCH_USER, "unknown RID");
    is_int(sam_user_by_name(reg, "nobody", &user), STATUS_NO_SUCH_USER, "unknown name");

    is_int(sam_user_add(reg, &actor, "alice", NULL, NULL, 0, NULL, NULL), STATUS_USER_EXISTS,
           "a second alice (other case) is refused");
    is_int(sam_user_add(reg, &actor, "Users", NULL, NULL, 0, NULL, NULL), STATUS_ALIAS_EXISTS,
           "a user named like a group is refused");
    is_int(sam_user_add(reg, &actor, "bad/name", NULL, NULL, 0, NULL, NULL),
           STATUS_INVALID_ACCOUNT_NAME, "a bad name is refused");
    is_int(sam_user_add(reg, &actor, "abcdefghijklmnopqrstu", NULL, NULL, 0, NULL, NULL),
           STATUS_INVALID_ACCOUNT_NAME, "a 21-character name is refused");
    is_int(sam_user_add(reg, &actor, "flagged", NULL, NULL, SAM_USER_LOCKED_OUT, NULL, NULL),
           STATUS_INVALID_PARAMETER, "a new user cannot start locked out");

    is_int(sam_user_add(reg, &actor, "bob", NULL, NULL, SAM_USER_DISABLED, NULL, &rid2),
           STATUS_SUCCESS, "add bob, disabled, without a password");
    is_int(rid2, SAM_FIRST_RID + 1, "RIDs count up");
    is_int(sam_user_get_nt_hash(reg, rid2, hash), STATUS_NOT_FOUND,
           "no password: no NT hash");
    sam_user_by_rid(reg, rid2, &user);
    ok((user.flags & SAM_USER_DISABLED) && !user.has_password, "bob is disabled, no password");
    sam_user_free(&user);

    struct sam_user_change change = { .flags_clear = SAM_USER_DISABLED,
                                      .flags_set = SAM_USER_PASSWORD_NEVER_EXPIRES,
                                      .full_name = "Bob B", .new_name = "robert" };
    is_int(sam_user_update(reg, &actor, rid2, &change), STATUS_SUCCESS, "enable and rename bob");
    is_str(last_audit(reg), "user.set bob", "  audited under the old name");
    is_int(sam_user_by_name(reg, "bob", &user), STATUS_NO_SUCH_USER, "old name gone");
    is_int(sam_user_by_name(reg, "Robert", &user), STATUS_SUCCESS, "new name found");
    ok(!(user.flags & SAM_USER_DISABLED) && (user.flags & SAM_USER_PASSWORD_NEVER_EXPIRES),
       "  enabled, password never expires");
    is_str(user.full_name, "Bob B", "  full name changed");
    sam_user_free(&user);
    struct sam_user_change clash = { .new_name = "ALICE" };
    is_int(sam_user_update(reg, &actor, rid2, &clash), STATUS_USER_EXISTS,
           "renaming onto another user is refused");
    struct sam_user_change lock = { .flags_set = SAM_USER_LOCKED_OUT };
    is_int(sam_user_update(reg, &actor, rid2, &lock), STATUS_INVALID_PARAMETER,
           "an administrator cannot lock an account");

    is_int(sam_user_set_password(reg, &actor, rid2, "Secret123"), STATUS_SUCCESS,
           "set robert's password");
    uint8_t expected[16];
    crypto_nt_hash("Secret123", expected);
    sam_user_get_nt_hash(reg, rid2, hash);
    is_mem(hash, 16, expected, 16, "  the stored hash is the new password's");
    is_str(last_audit(reg), "user.passwd robert", "  audited");

    /* Provisioning sets hashes directly (no password, so no policy check). */
    uint8_t given[16];
    tap_hex("00112233445566778899aabbccddeeff", given, sizeof given);
    is_int(sam_user_set_nt_hash(reg, &actor, rid2, given), STATUS_SUCCESS, "set an NT hash");
    sam_user_get_nt_hash(reg, rid2, hash);
    is_mem(hash, 16, given, 16, "  stored as given");
    ok(!audit_mentions(reg, "00112233"), "  and not in the audit log");
    is_int(sam_user_set_nt_hash(reg, &actor, 99999, given), STATUS_NO_SUCH_USER,
           "  unknown RID refused");
    is_int(sam_user_set_password(reg, &actor, rid2, "Secret123"), STATUS_SUCCESS,
           "  and back to the password");

    struct sam_user_list list;
    is_int(sam_user_list(reg, &list), STATUS_SUCCESS, "list users");
    ok(list.count == 2 && strcmp(list.users[0].name, "Alice") == 0 &&
           strcmp(list.users[1].name, "robert") == 0,
       "  sorted by name");
    sam_user_list_free(&list);
}

static void test_policy(struct registry *reg)
{
    uint32_t rid;
    is_int(registry_setting_set(reg, "lsass.min-password-length", "8", &actor, NULL),
           STATUS_SUCCESS, "set min password length 8");
    struct sam_password_policy policy;
    is_int(sam_password_policy_load(reg, &policy), STATUS_SUCCESS, "policy loads");
    ok(policy.min_length == 8 && !policy.complexity, "  min 8, no complexity");
    size_t audits = audit_count(reg);
    is_int(sam_user_add(reg, &actor, "shorty", NULL, NULL, 0, "short", &rid),
           STATUS_PASSWORD_RESTRICTION, "a 5-character password is refused");
    struct sam_user user;
    is_int(sam_user_by_name(reg, "shorty", &user), STATUS_NO_SUCH_USER, "  no user was made");
    is_int((long long)audit_count(reg), (long long)audits, "  nothing audited");
    sam_user_by_name(reg, "alice", &user);
    is_int(sam_user_set_password(reg, &actor, user.rid, "tiny"), STATUS_PASSWORD_RESTRICTION,
           "a short new password is refused");
    uint8_t hash[16], want[16];
    tap_hex("a4f49c406510bdcab6824ee7c30fd852", want, sizeof want);
    sam_user_get_nt_hash(reg, user.rid, hash);
    is_mem(hash, 16, want, 16, "  the old hash stays");
    registry_setting_set(reg, "lsass.password-complexity", "on", &actor, NULL);
    is_int(sam_user_set_password(reg, &actor, user.rid, "alicepassword"),
           STATUS_PASSWORD_RESTRICTION, "complexity on: a simple password is refused");
    is_int(sam_user_set_password(reg, &actor, user.rid, "Wonder-Land9"), STATUS_SUCCESS,
           "complexity on: a complex one is taken");
    sam_user_free(&user);
    registry_setting_unset(reg, "lsass.password-complexity", &actor, NULL);
    registry_setting_unset(reg, "lsass.min-password-length", &actor, NULL);
}

static void test_groups(struct registry *reg)
{
    struct sam_user alice;
    sam_user_by_name(reg, "alice", &alice);
    uint32_t rid = 0;
    is_int(sam_group_add(reg, &actor, "Editors", "people who edit", &rid), STATUS_SUCCESS,
           "add group Editors");
    ok(rid > alice.rid, "groups share the RID counter (%u)", rid);
    is_str(last_audit(reg), "group.add Editors", "  audited");
    is_int(sam_group_add(reg, &actor, "EDITORS", NULL, NULL), STATUS_ALIAS_EXISTS,
           "same name in other case refused");
    is_int(sam_group_add(reg, &actor, "alice", NULL, NULL), STATUS_USER_EXISTS,
           "a group named like a user is refused");
    is_int(sam_group_add(reg, &actor, "a<b", NULL, NULL), STATUS_INVALID_ACCOUNT_NAME,
           "a bad group name is refused");

    struct sam_group editors, admins, users;
    is_int(sam_group_by_name(reg, "editors", &editors), STATUS_SUCCESS, "group lookup by name");
    ok(!editors.builtin && editors.rid == rid, "  a local group with its RID");
    is_int(sam_group_by_name(reg, "BUILTIN\\administrators", &admins), STATUS_SUCCESS,
           "BUILTIN\\Administrators");
    char text[SID_STRING_MAX];
    sid_format(&admins.sid, text, sizeof text);
    is_str(text, "S-1-5-32-544", "  is S-1-5-32-544");
    is_int(sam_group_by_name(reg, "BUILTIN\\Editors", &users), STATUS_NO_SUCH_ALIAS,
           "a local group is not in BUILTIN");

    is_int(sam_group_add_member(reg, &actor, &editors.sid, &alice.sid), STATUS_SUCCESS,
           "alice joins Editors");
    is_int(sam_group_add_member(reg, &actor, &editors.sid, &alice.sid), STATUS_MEMBER_IN_ALIAS,
           "  twice is refused");
    is_int(sam_group_add_member(reg, &actor, &admins.sid, &alice.sid), STATUS_SUCCESS,
           "alice joins Administrators");
    is_int(sam_group_add_member(reg, &actor, &admins.sid, &editors.sid), STATUS_INVALID_PARAMETER,
           "a local group cannot join a group");
    is_int(sam_group_add_member(reg, &actor, &editors.sid, &SID_BUILTIN_USERS),
           STATUS_INVALID_PARAMETER, "a built-in alias cannot join a group");
    is_int(sam_group_add_member(reg, &actor, &editors.sid, &SID_EVERYONE), STATUS_SUCCESS,
           "Everyone can join a group");
    struct sid ghost;
    ghost = alice.sid;
    ghost.sub_authority[ghost.sub_authority_count - 1] = 999999;
    is_int(sam_group_add_member(reg, &actor, &editors.sid, &ghost), STATUS_NO_SUCH_USER,
           "an unknown local account cannot join");

    struct sid *members = NULL;
    size_t count = 0;
    is_int(sam_group_members(reg, &editors.sid, &members, &count), STATUS_SUCCESS, "members");
    is_int((long long)count, 2, "  Editors has alice and Everyone");
    free(members);

    /* The token view: alice's own aliases plus Users through Authenticated Users. */
    struct access_token *token = token_new(&alice.sid, &alice.sid);
    token_add_group(token, &SID_EVERYONE);
    token_add_group(token, &SID_AUTHENTICATED_USERS);
    is_int(sam_token_add_aliases(reg, token), STATUS_SUCCESS, "token aliases");
    ok(token_has_sid(token, &SID_BUILTIN_ADMINISTRATORS), "  Administrators (direct)");
    ok(token_has_sid(token, &editors.sid), "  Editors (direct)");
    ok(token_has_sid(token, &SID_BUILTIN_USERS), "  Users (through Authenticated Users)");
    ok(!token_has_sid(token, &SID_BUILTIN_GUESTS), "  not Guests");
    token_free(token);

    is_int(sam_group_remove_member(reg, &actor, &admins.sid, &alice.sid), STATUS_SUCCESS,
           "alice leaves Administrators");
    is_str(last_audit(reg), "group.remove-member Administrators", "  audited");
    is_int(sam_group_remove_member(reg, &actor, &admins.sid, &alice.sid),
           STATUS_MEMBER_NOT_IN_ALIAS, "  leaving twice is refused");
    is_int(sam_group_delete(reg, &actor, &admins.sid), STATUS_SPECIAL_ACCOUNT,
           "built-in aliases cannot be deleted");
    is_int(sam_group_set_description(reg, &actor, &editors.sid, "new text"), STATUS_SUCCESS,
           "change a description");

    /* Deleting a user takes its memberships along; its RID is not reused. */
    is_int(sam_user_delete(reg, &actor, alice.rid), STATUS_SUCCESS, "delete alice");
    is_str(last_audit(reg), "user.del Alice", "  audited");
    sam_group_members(reg, &editors.sid, &members, &count);
    ok(count == 1 && sid_equal(&members[0], &SID_EVERYONE), "  her membership went with her");
    free(members);
    uint32_t new_rid = 0;
    sam_user_add(reg, &actor, "alice", NULL, NULL, 0, NULL, &new_rid);
    ok(new_rid > rid, "a new alice gets a new RID (%u), never the old one", new_rid);
    is_int(sam_group_delete(reg, &actor, &editors.sid), STATUS_SUCCESS, "delete Editors");
    is_int(sam_group_by_name(reg, "Editors", &users), STATUS_NO_SUCH_ALIAS, "  gone");
    sam_group_free(&editors);
    sam_group_free(&admins);
    sam_user_free(&alice);
}

static void test_principals(struct registry *reg)
{
    struct sid sid;
    enum sam_principal_type type;
    char text[SID_STRING_MAX];
    struct { const char *name; const char *sid; enum sam_principal_type type; } cases[] = {
        { "Everyone", "S-1-1-0", SAM_PRINCIPAL_WELL_KNOWN },
        { "everyone", "S-1-1-0", SAM_PRINCIPAL_WELL_KNOWN },
        { "Authenticated Users", "S-1-5-11", SAM_PRINCIPAL_WELL_KNOWN },
        { "NT AUTHORITY\\SYSTEM", "S-1-5-18", SAM_PRINCIPAL_WELL_KNOWN },
        { "Administrators", "S-1-5-32-544", SAM_PRINCIPAL_BUILTIN_GROUP },
        { "BUILTIN\\Guests", "S-1-5-32-546", SAM_PRINCIPAL_BUILTIN_GROUP },
        { "S-1-5-32-545", "S-1-5-32-545", SAM_PRINCIPAL_BUILTIN_GROUP },
        { "S-1-5-21-1-2-3-500", "S-1-5-21-1-2-3-500", SAM_PRINCIPAL_UNKNOWN },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        is_int(sam_principal_to_sid(reg, cases[i].name, &sid, &type), STATUS_SUCCESS,
               "resolve '%s'", cases[i].name);
        sid_format(&sid, text, sizeof text);
        is_str(text, cases[i].sid, "  to %s", cases[i].sid);
        is_int(type, cases[i].type, "  of the right type");
    }
    struct sam_user robert;
    sam_user_by_name(reg, "robert", &robert);
    is_int(sam_principal_to_sid(reg, ".\\ROBERT", &sid, &type), STATUS_SUCCESS, ".\\ROBERT");
    ok(sid_equal(&sid, &robert.sid) && type == SAM_PRINCIPAL_USER, "  is robert, a user");
    registry_setting_set(reg, "srv.server-name", "FILER1", &actor, NULL);
    is_int(sam_principal_to_sid(reg, "filer1\\robert", &sid, NULL), STATUS_SUCCESS,
           "SERVER-NAME\\robert (srv.server-name, any case)");
    ok(sid_equal(&sid, &robert.sid), "  is robert");
    registry_setting_unset(reg, "srv.server-name", &actor, NULL);
    is_int(sam_principal_to_sid(reg, "FILER1\\robert", &sid, NULL), STATUS_NONE_MAPPED,
           "  not once the server has another name");
    is_int(sam_principal_to_sid(reg, "nobody", &sid, NULL), STATUS_NONE_MAPPED, "unknown name");
    is_int(sam_principal_to_sid(reg, "OTHERDOM\\robert", &sid, NULL), STATUS_NONE_MAPPED,
           "a foreign domain is not ours");
    is_int(sam_principal_to_sid(reg, "BUILTIN\\robert", &sid, NULL), STATUS_NONE_MAPPED,
           "a user is not in BUILTIN");
    char *name = NULL;
    is_int(sam_sid_to_principal(reg, &robert.sid, &name, &type), STATUS_SUCCESS, "SID -> name");
    is_str(name, "robert", "  robert");
    free(name);
    sam_sid_to_principal(reg, &SID_BUILTIN_ADMINISTRATORS, &name, NULL);
    is_str(name, "Administrators", "S-1-5-32-544 -> Administrators");
    free(name);
    sid_parse("S-1-5-21-9-9-9-1234", &sid);
    is_int(sam_sid_to_principal(reg, &sid, &name, NULL), STATUS_NONE_MAPPED, "unknown SID");
    name = sam_sid_display(reg, &sid);
    is_str(name, "S-1-5-21-9-9-9-1234", "  displayed as its string");
    free(name);
    sam_user_free(&robert);
}

static void test_logon(struct registry *reg)
{
    struct sam_user user;
    sam_user_by_name(reg, "robert", &user);
    uint32_t rid = user.rid;
    sam_user_free(&user);
    size_t audits = audit_count(reg);
    struct sam_lockout_policy policy = { .threshold = 3, .duration = 600,
                                         .observation_window = 1800 };
    bool locked = true;
    is_int(sam_user_logon_failure(reg, rid, 1000, &policy, &locked), STATUS_SUCCESS,
           "bad password 1");
    ok(!locked, "  not locked");
    sam_user_logon_failure(reg, rid, 1010, &policy, &locked);
    sam_user_by_rid(reg, rid, &user);
    is_int(user.bad_password_count, 2, "two bad passwords counted");
    sam_user_free(&user);
    is_int((long long)audit_count(reg), (long long)audits, "bad passwords are not audited");
    sam_user_logon_failure(reg, rid, 1020, &policy, &locked);
    ok(locked, "third bad password locks the account");
    is_str(last_audit(reg), "user.lockout robert", "  the lockout is audited");
    sam_user_by_rid(reg, rid, &user);
    ok((user.flags & SAM_USER_LOCKED_OUT) && user.lockout_time == 1020, "  flag and time stored");
    ok(sam_user_is_locked_out(&user, &policy, 1500), "  locked at t=1500");
    ok(!sam_user_is_locked_out(&user, &policy, 1620), "  lock expired at t=1620");
    sam_user_free(&user);
    is_int(sam_user_logon_success(reg, rid, 2000), STATUS_SUCCESS, "logon after expiry");
    sam_user_by_rid(reg, rid, &user);
    ok(!(user.flags & SAM_USER_LOCKED_OUT) && user.bad_password_count == 0 &&
           user.last_logon == 2000,
       "  clears the lockout and the count, records the logon");
    sam_user_free(&user);
    sam_user_logon_failure(reg, rid, 3000, &policy, &locked);
    sam_user_logon_failure(reg, rid, 3000 + 1800, &policy, &locked);
    sam_user_by_rid(reg, rid, &user);
    is_int(user.bad_password_count, 1, "the count restarts after the observation window");
    sam_user_free(&user);
    for (int i = 0; i < 3; i++)
        sam_user_logon_failure(reg, rid, 5000 + i, &policy, &locked);
    struct sam_user_change unlock = { .flags_clear = SAM_USER_LOCKED_OUT };
    is_int(sam_user_update(reg, &actor, rid, &unlock), STATUS_SUCCESS, "administrator unlocks");
    sam_user_by_rid(reg, rid, &user);
    ok(!(user.flags & SAM_USER_LOCKED_OUT) && user.bad_password_count == 0 &&
           user.lockout_time == 0,
       "  unlocked, count reset");
    sam_user_free(&user);
    is_int(sam_user_logon_success(reg, 99999, 1), STATUS_NO_SUCH_USER, "logon of unknown RID");
}

static void test_atomic(struct registry *reg)
{
    /* Inside a caller's transaction, SAM changes roll back with it. */
    size_t audits = audit_count(reg);
    is_int(registry_begin(reg), STATUS_SUCCESS, "outer transaction");
    is_int(sam_user_add(reg, &actor, "temp", NULL, NULL, 0, NULL, NULL), STATUS_SUCCESS,
           "  add temp");
    is_int(sam_group_add(reg, &actor, "tempgroup", NULL, NULL), STATUS_SUCCESS,
           "  add tempgroup");
    is_int(sam_user_add(reg, &actor, "temp", NULL, NULL, 0, NULL, NULL), STATUS_USER_EXISTS,
           "  a failing step inside");
    is_int(registry_rollback(reg), STATUS_SUCCESS, "roll back");
    struct sam_user user;
    struct sam_group group;
    is_int(sam_user_by_name(reg, "temp", &user), STATUS_NO_SUCH_USER, "temp is gone");
    is_int(sam_group_by_name(reg, "tempgroup", &group), STATUS_NO_SUCH_ALIAS,
           "tempgroup is gone");
    is_int((long long)audit_count(reg), (long long)audits, "and so are their audit records");
    is_int(registry_transaction_depth(reg), 0, "no transaction left open");
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db_path, sizeof db_path, "%s/registry.db", dir);
    struct registry *reg = NULL;
    if (!ok(registry_open(db_path, &reg) == STATUS_SUCCESS, "open a new registry"))
        return done_testing();
    ok(registry_schema_version(reg, "lsass/sam") >= 1, "the SAM migration ran");
    test_domain(reg);
    test_users(reg);
    test_policy(reg);
    test_groups(reg);
    test_principals(reg);
    test_logon(reg);
    test_atomic(reg);
    registry_close(reg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
