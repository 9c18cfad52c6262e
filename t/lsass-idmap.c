/* Unix ids of SAM accounts (lsass/idmap/idmap.h) against a real registry:
 * allocation from lsass.id-range by RID, fixity across a change of the
 * range, the range refusals, the Unix account mapping and its refusals
 * (root, taken, missing), the same-name rule at creation and for accounts
 * older than the ids, reverse lookups, the passwd/group view and
 * initgroups, and the ids a token acts as (Guest and anonymous included).
 * A registry from before the ids (SAM version 1) is migrated: the default
 * range's ids, the old same-name rule recorded. Uses the accounts every
 * Debian system has: root, daemon, bin, nobody. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsass/idmap/idmap.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-lsass-idmap.XXXXXX";
static char db_path[256];
static struct audit_actor actor = { "cli", 0, "tester", NULL };
static struct sid domain;

static bool have_account(const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam(name);
    if (!pw)
        return false;
    if (uid)
        *uid = pw->pw_uid;
    if (gid)
        *gid = pw->pw_gid;
    return true;
}

static uid_t uid_of(struct registry *reg, const char *name)
{
    struct sam_user user;
    uid_t uid = (uid_t)-1;
    if (sam_user_by_name(reg, name, &user) == STATUS_SUCCESS) {
        if (idmap_sid_to_uid(reg, &user.sid, &uid) != STATUS_SUCCESS)
            uid = (uid_t)-1;
        sam_user_free(&user);
    }
    return uid;
}

static struct access_token *token_for(const struct sid *user, uint32_t primary_rid)
{
    struct sid primary;
    sid_append(&primary, &domain, primary_rid);
    return token_new(user, &primary);
}

static bool gids_contain(const gid_t *gids, size_t n, gid_t gid)
{
    for (size_t i = 0; i < n; i++)
        if (gids[i] == gid)
            return true;
    return false;
}

static void test_allocation(struct registry *reg)
{
    uint32_t alice = 0, bob = 0, staff = 0;
    is_int(sam_user_add(reg, &actor, "alice", NULL, NULL, 0, NULL, &alice), STATUS_SUCCESS,
           "add alice");
    is_int(sam_user_add(reg, &actor, "bob", "Bob Builder", NULL, 0, NULL, &bob), STATUS_SUCCESS,
           "add bob");
    is_int(sam_group_add(reg, &actor, "staff-sw", NULL, &staff), STATUS_SUCCESS, "add group staff-sw");
    struct sam_user user;
    sam_user_by_rid(reg, alice, &user);
    is_int(user.uid, IDMAP_DEFAULT_FIRST + alice, "alice's uid is FIRST + RID (%u)", user.uid);
    ok(user.unix_account == NULL, "  and she is mapped to no Unix account");
    sam_user_free(&user);
    is_int(uid_of(reg, "bob"), IDMAP_DEFAULT_FIRST + bob, "bob's uid is FIRST + his RID");
    ok(uid_of(reg, "alice") != uid_of(reg, "bob"), "  two users, two uids");

    struct sam_group group;
    sam_group_by_name(reg, "staff-sw", &group);
    is_int(group.gid, IDMAP_DEFAULT_FIRST + staff, "a local group's gid is FIRST + RID");
    sam_group_free(&group);
    gid_t gid = 0;
    is_int(idmap_sid_to_gid(reg, &SID_BUILTIN_ADMINISTRATORS, &gid), STATUS_SUCCESS,
           "Administrators has a gid");
    is_int(gid, IDMAP_DEFAULT_FIRST + 544, "  FIRST + 544");
    idmap_sid_to_gid(reg, &SID_BUILTIN_USERS, &gid);
    is_int(gid, IDMAP_DEFAULT_FIRST + 545, "Users FIRST + 545");
    idmap_sid_to_gid(reg, &SID_BUILTIN_GUESTS, &gid);
    is_int(gid, IDMAP_DEFAULT_FIRST + 546, "Guests FIRST + 546");
    struct sid none, guest;
    sid_append(&none, &domain, 513);
    sid_append(&guest, &domain, 501);
    idmap_sid_to_gid(reg, &none, &gid);
    is_int(gid, IDMAP_DEFAULT_FIRST + 513, "None (every user's primary group) FIRST + 513");
    uid_t uid = 0;
    is_int(idmap_sid_to_uid(reg, &guest, &uid), STATUS_SUCCESS, "Guest has a uid");
    is_int(uid, IDMAP_DEFAULT_FIRST + 501, "  FIRST + 501");
    idmap_sid_to_uid(reg, &SID_ANONYMOUS, &uid);
    is_int(uid, IDMAP_DEFAULT_FIRST, "anonymous has uid FIRST + 0, which no RID can take");
    idmap_sid_to_gid(reg, &SID_ANONYMOUS, &gid);
    is_int(gid, IDMAP_DEFAULT_FIRST, "  and gid FIRST + 0");
    struct sid foreign;
    sid_parse("S-1-5-21-9-9-9-1000", &foreign);
    is_int(idmap_sid_to_uid(reg, &foreign, &uid), STATUS_NONE_MAPPED, "a foreign SID has no uid");
}

static void test_range(struct registry *reg)
{
    char *why = NULL;
    uint32_t old_rid = 0, new_rid = 0;
    sam_user_add(reg, &actor, "carol", NULL, NULL, 0, NULL, &old_rid);
    uid_t before = uid_of(reg, "carol");

    is_int(registry_setting_set(reg, "lsass.id-range", "500-99999", &actor, &why),
           STATUS_INVALID_PARAMETER, "a range reaching below 1000 (system accounts) is refused");
    diag("%s", why ? why : "");
    free(why);
    is_int(registry_setting_set(reg, "lsass.id-range", "2000000-2001500", &actor, &why),
           STATUS_INVALID_PARAMETER, "a range too small for the RIDs in use is refused");
    ok(why && strstr(why, "too small"), "  saying it is too small");
    diag("%s", why ? why : "");
    free(why);
    is_int(registry_setting_set(reg, "lsass.id-range", "999000-1999999", &actor, &why),
           STATUS_INVALID_PARAMETER, "a range that would hand out ids existing accounts have is refused");
    diag("%s", why ? why : "");
    free(why);
    uid_t nobody;
    if (have_account("nobody", &nobody, NULL) && nobody > 3000 && nobody < 2000000000u) {
        char text[64];
        snprintf(text, sizeof text, "%u-%u", nobody - 2500, nobody + 2500);
        is_int(registry_setting_set(reg, "lsass.id-range", text, &actor, &why),
               STATUS_INVALID_PARAMETER, "a range over an /etc/passwd account (nobody) is refused");
        ok(why && strstr(why, "nobody"), "  naming it");
        free(why);
    } else {
        skip(2, "no unix account nobody above 3000");
    }
    char *value = NULL;
    registry_setting_get_text(reg, "lsass.id-range", &value, NULL);
    is_str(value, IDMAP_DEFAULT_RANGE, "after the refusals the range is still the default");
    free(value);

    is_int(registry_setting_set(reg, "lsass.id-range", "3000000-3999999", &actor, &why),
           STATUS_SUCCESS, "a new range 3000000-3999999 is accepted");
    free(why);
    is_int(uid_of(reg, "carol"), before, "carol keeps her uid: a new range moves no one");
    is_int(sam_user_add(reg, &actor, "dave", NULL, NULL, 0, NULL, &new_rid), STATUS_SUCCESS, "add dave");
    is_int(uid_of(reg, "dave"), 3000000 + new_rid, "dave, made afterwards, gets 3000000 + RID");
    struct sid guest;
    uid_t uid;
    sid_append(&guest, &domain, 501);
    idmap_sid_to_uid(reg, &guest, &uid);
    is_int(uid, IDMAP_DEFAULT_FIRST + 501, "Guest stays at the id base (the range when the SAM began)");
    struct idmap_passwd pw;
    is_int(idmap_passwd_by_uid(reg, before, &pw), STATUS_SUCCESS, "carol is found by her old uid");
    is_str(pw.name, "carol", "  by name");
    idmap_passwd_free(&pw);
    /* Back to the default: the ids it hands out from here on (FIRST + next
     * RID and up) are nobody's yet, so it is accepted, and moves no one. */
    is_int(registry_setting_unset(reg, "lsass.id-range", &actor, &why), STATUS_SUCCESS,
           "back to the default range is accepted");
    free(why);
    ok(uid_of(reg, "dave") == 3000000 + new_rid && uid_of(reg, "carol") == before,
       "  dave and carol keep their uids");
}

static void test_mapping(struct registry *reg)
{
    uid_t duid, buid;
    gid_t dgid, bgid;
    if (!have_account("daemon", &duid, &dgid) || !have_account("bin", &buid, &bgid) || duid == 0 ||
        dgid == 0 || buid == 0 || bgid == 0) {
        skip(20, "this system lacks unprivileged daemon and bin accounts");
        return;
    }
    char *why = NULL;
    uid_t own = uid_of(reg, "alice");
    is_int(idmap_user_set_unix_account_why(reg, &actor, "alice", "daemon", &why), STATUS_SUCCESS,
           "map alice to Unix account daemon");
    free(why);
    is_int(uid_of(reg, "alice"), duid, "  alice now acts as daemon's uid");
    char *account = NULL;
    idmap_user_unix_account(reg, "alice", &account);
    is_str(account, "daemon", "  and the mapping reads back");
    free(account);
    struct sid sid;
    struct sam_user alice;
    sam_user_by_name(reg, "alice", &alice);
    is_int(idmap_uid_to_sid(reg, duid, &sid), STATUS_SUCCESS, "daemon's uid maps back to a SID");
    ok(sid_equal(&sid, &alice.sid), "  alice's");
    struct access_token *t = token_for(&alice.sid, 513);
    uid_t uid;
    gid_t gid;
    is_int(idmap_token_ids(reg, t, &uid, &gid), STATUS_SUCCESS, "alice's token has ids");
    ok(uid == duid && gid == dgid, "  daemon's uid and primary gid (%u:%u)", uid, gid);
    token_free(t);
    struct idmap_passwd pw;
    is_int(idmap_passwd_by_name(reg, "alice", &pw), STATUS_NO_SUCH_USER,
           "a mapped user has no passwd entry of ours (/etc/passwd's daemon is hers)");

    is_int(idmap_user_set_unix_account_why(reg, &actor, "bob", "daemon", &why), STATUS_USER_EXISTS,
           "bob may not act as daemon too");
    ok(why && strstr(why, "alice"), "  the refusal names alice");
    free(why);
    is_int(idmap_user_set_unix_account_why(reg, &actor, "bob", "root", &why),
           STATUS_INVALID_PARAMETER, "nobody acts as root over the network: mapping to root is refused");
    ok(why && strstr(why, "privileged"), "  saying why");
    free(why);
    /* An account in group root (Debian has none by default). */
    const char *group_root = NULL;
    static char group_root_name[64];
    struct passwd *entry;
    setpwent();
    while (!group_root && (entry = getpwent()) != NULL)
        if (entry->pw_uid != 0 && entry->pw_gid == 0 && strlen(entry->pw_name) < sizeof group_root_name) {
            strcpy(group_root_name, entry->pw_name);
            group_root = group_root_name;
        }
    endpwent();
    if (group_root) {
        is_int(idmap_user_set_unix_account(reg, &actor, "bob", group_root), STATUS_INVALID_PARAMETER,
               "nor to an account in group root (%s)", group_root);
    } else {
        skip(1, "no account in group root here");
    }
    is_int(idmap_user_set_unix_account_why(reg, &actor, "bob", "no-such-unix-acct", &why),
           STATUS_INVALID_PARAMETER, "a Unix account that does not exist is refused");
    free(why);
    is_int(idmap_user_set_unix_account(reg, &actor, "nobody-in-sam", "bin"), STATUS_NO_SUCH_USER,
           "mapping an unknown SAM user: STATUS_NO_SUCH_USER");

    is_int(idmap_user_set_unix_account(reg, &actor, "alice", NULL), STATUS_SUCCESS,
           "--no-unix-account: alice back to her own uid");
    is_int(uid_of(reg, "alice"), own, "  the same one she had");
    is_int(idmap_user_set_unix_account(reg, &actor, "bob", "daemon"), STATUS_SUCCESS,
           "  and daemon is free for bob now");
    idmap_user_set_unix_account(reg, &actor, "bob", NULL);

    /* Samba's expectation: a SAM user made while a Unix account of the same
     * name exists is that account (recorded at creation). */
    uint32_t rid;
    is_int(sam_user_add(reg, &actor, "bin", NULL, NULL, 0, NULL, &rid), STATUS_SUCCESS,
           "add SAM user bin (a Unix account bin exists)");
    is_int(uid_of(reg, "bin"), buid, "  it acts as the Unix account bin");
    is_int(sam_user_add(reg, &actor, "root", NULL, NULL, 0, NULL, &rid), STATUS_SUCCESS,
           "add SAM user root");
    uid_t root_uid = uid_of(reg, "root");
    ok(root_uid != 0 && root_uid != (uid_t)-1, "  it is never the Unix root: uid %u", root_uid);
    sam_user_free(&alice);
}

static void test_settle(struct registry *reg)
{
    /* Accounts made before Unix ids: migration 002 marks them '' and they
     * settle to the same-name Unix account, if any, at the next use. */
    uid_t duid;
    if (!have_account("daemon", &duid, NULL)) {
        skip(3, "no Unix account daemon");
        return;
    }
    uint32_t rid;
    sam_user_add(reg, &actor, "legacy-sw", NULL, NULL, 0, NULL, &rid);
    sam_user_add(reg, &actor, "daemon", NULL, NULL, 0, NULL, &rid);
    /* daemon may already be mapped (by the creation rule): put both back in
     * the pre-002 state. */
    sqlite3_exec(registry_sqlite(reg),
                 "UPDATE sam_users SET unix_account = '' WHERE name IN ('legacy-sw', 'daemon')",
                 NULL, NULL, NULL);
    is_int(uid_of(reg, "daemon"), duid, "an old SAM user daemon settles to the Unix account daemon");
    char *account = NULL;
    idmap_user_unix_account(reg, "legacy-sw", &account);
    ok(account == NULL, "  one without a Unix account of its name settles to its own uid");
    free(account);
    sqlite3_stmt *stmt;
    sqlite3_prepare_v2(registry_sqlite(reg), "SELECT count(*) FROM sam_users WHERE unix_account = ''",
                       -1, &stmt, NULL);
    sqlite3_step(stmt);
    is_int(sqlite3_column_int(stmt, 0), 0, "  and none is left unsettled");
    sqlite3_finalize(stmt);
}

static void test_views(struct registry *reg)
{
    struct sam_group admins;
    struct sam_user bob;
    sam_group_by_name(reg, "Administrators", &admins);
    sam_user_by_name(reg, "bob", &bob);
    sam_group_add_member(reg, &actor, &admins.sid, &bob.sid);

    struct idmap_passwd pw;
    is_int(idmap_passwd_by_name(reg, "bob", &pw), STATUS_SUCCESS, "passwd entry of bob");
    ok(pw.uid == bob.uid && pw.gid == IDMAP_DEFAULT_FIRST + 513, "  his uid, None's gid");
    is_str(pw.gecos, "Bob Builder", "  his full name as gecos");
    is_str(pw.home, IDMAP_HOME, "  home " IDMAP_HOME);
    ok(sid_equal(&pw.sid, &bob.sid), "  and his SID");
    idmap_passwd_free(&pw);
    is_int(idmap_passwd_by_name(reg, "Guest", &pw), STATUS_SUCCESS, "passwd entry of Guest");
    ok(pw.uid == IDMAP_DEFAULT_FIRST + 501 && pw.gid == IDMAP_DEFAULT_FIRST + 514,
       "  FIRST + 501, Domain Guests' gid");
    idmap_passwd_free(&pw);
    is_int(idmap_passwd_by_uid(reg, IDMAP_DEFAULT_FIRST, &pw), STATUS_SUCCESS, "uid FIRST is someone");
    is_str(pw.name, IDMAP_ANONYMOUS_NAME, "  anonymous");
    idmap_passwd_free(&pw);
    is_int(idmap_passwd_by_uid(reg, 4242, &pw), STATUS_NO_SUCH_USER, "an id of nobody's: not found");

    struct idmap_passwd *list;
    size_t n;
    is_int(idmap_passwd_list(reg, &list, &n), STATUS_SUCCESS, "passwd list");
    bool sorted = true, has_bob = false, has_bin = false, has_guest = false;
    for (size_t i = 0; i < n; i++) {
        if (i && list[i - 1].uid >= list[i].uid)
            sorted = false;
        has_bob |= strcmp(list[i].name, "bob") == 0;
        has_bin |= strcmp(list[i].name, "bin") == 0;
        has_guest |= strcmp(list[i].name, "Guest") == 0;
    }
    ok(sorted && has_bob && has_guest, "  sorted by uid, with bob and Guest");
    ok(!has_bin, "  without bin (mapped: /etc/passwd lists it)");
    idmap_passwd_list_free(list, n);

    struct idmap_group group;
    is_int(idmap_group_by_name(reg, "Administrators", &group), STATUS_SUCCESS, "group Administrators");
    ok(group.gid == admins.gid && group.member_count == 1 && strcmp(group.members[0], "bob") == 0,
       "  its gid and its member bob");
    idmap_group_free(&group);
    is_int(idmap_group_by_gid(reg, IDMAP_DEFAULT_FIRST + 513, &group), STATUS_SUCCESS, "gid of None");
    is_str(group.name, "None", "  is None");
    idmap_group_free(&group);
    struct idmap_group *groups;
    is_int(idmap_group_list(reg, &groups, &n), STATUS_SUCCESS, "group list");
    ok(n >= 7, "  the three aliases, the local groups, None, Domain Guests, anonymous (%zu)", n);
    idmap_group_list_free(groups, n);
    struct sid sid;
    is_int(idmap_gid_to_sid(reg, admins.gid, &sid), STATUS_SUCCESS, "Administrators' gid maps back");
    ok(sid_equal(&sid, &SID_BUILTIN_ADMINISTRATORS), "  to S-1-5-32-544");
    is_int(idmap_uid_to_sid(reg, bob.uid, &sid), STATUS_SUCCESS, "bob's uid maps back");
    ok(sid_equal(&sid, &bob.sid), "  to bob");
    is_int(idmap_uid_to_sid(reg, 4242, &sid), STATUS_NONE_MAPPED, "an unknown uid: STATUS_NONE_MAPPED");

    gid_t *gids;
    is_int(idmap_user_gids(reg, "bob", &gids, &n), STATUS_SUCCESS, "bob's gids");
    ok(n >= 3 && gids[0] == IDMAP_DEFAULT_FIRST + 513, "  None first");
    ok(gids_contain(gids, n, admins.gid), "  Administrators (a direct member)");
    ok(gids_contain(gids, n, IDMAP_DEFAULT_FIRST + 545), "  Users (through Authenticated Users)");
    free(gids);
    is_int(idmap_user_gids(reg, "bin", &gids, &n), STATUS_SUCCESS,
           "initgroups by a mapped Unix account's name (bin)");
    ok(n >= 1 && gids_contain(gids, n, IDMAP_DEFAULT_FIRST + 545), "  its SAM user's aliases");
    free(gids);

    struct access_token *t = token_for(&bob.sid, 513);
    uid_t uid;
    gid_t gid;
    is_int(idmap_token_ids(reg, t, &uid, &gid), STATUS_SUCCESS, "bob's token ids");
    ok(uid == bob.uid && gid == IDMAP_DEFAULT_FIRST + 513, "  his uid and None's gid");
    token_free(t);
    struct sid guest;
    sid_append(&guest, &domain, 501);
    t = token_for(&guest, 514);
    idmap_token_ids(reg, t, &uid, &gid);
    ok(uid == IDMAP_DEFAULT_FIRST + 501 && gid == IDMAP_DEFAULT_FIRST + 514,
       "Guest's token: its own ids, shared with no user");
    token_free(t);
    t = token_new(&SID_ANONYMOUS, &SID_ANONYMOUS);
    t->is_anonymous = true;
    idmap_token_ids(reg, t, &uid, &gid);
    ok(uid == IDMAP_DEFAULT_FIRST && gid == IDMAP_DEFAULT_FIRST, "anonymous's token: FIRST + 0");
    token_free(t);
    sam_group_free(&admins);
    sam_user_free(&bob);
}

/* A registry as it was before migration 002 (made here by undoing 002 on a
 * new one, then adding two users the old way), opened by this build: the
 * migration gives them FIRST + RID of the default range, and the first use
 * settles the one whose name is a Unix account to that account. */
static void test_migration(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/old.db", dir);
    struct registry *reg = NULL;
    if (!ok(registry_open(path, &reg) == STATUS_SUCCESS && sam_init(reg, &actor, NULL) == STATUS_SUCCESS,
            "a second registry"))
        return;
    bool have_daemon = have_account("daemon", NULL, NULL);
    char *error = NULL;
    int rc = sqlite3_exec(registry_sqlite(reg),
                          "DROP INDEX sam_users_by_uid; DROP INDEX sam_groups_by_gid;"
                          "DROP INDEX sam_users_by_unix_account;"
                          "ALTER TABLE sam_users DROP COLUMN uid;"
                          "ALTER TABLE sam_users DROP COLUMN unix_account;"
                          "ALTER TABLE sam_groups DROP COLUMN gid;"
                          "ALTER TABLE sam_domain DROP COLUMN id_base;"
                          /* and what 003 (samr's user details) and 004 (user
                           * descriptors, logon hours) added after it */
                          "ALTER TABLE sam_users DROP COLUMN security_descriptor;"
                          "ALTER TABLE sam_users DROP COLUMN logon_hours;"
                          "DROP TABLE sam_password_history;"
                          "ALTER TABLE sam_users DROP COLUMN home_directory;"
                          "ALTER TABLE sam_users DROP COLUMN home_drive;"
                          "ALTER TABLE sam_users DROP COLUMN script_path;"
                          "ALTER TABLE sam_users DROP COLUMN profile_path;"
                          "ALTER TABLE sam_users DROP COLUMN workstations;"
                          "ALTER TABLE sam_users DROP COLUMN user_comment;"
                          "ALTER TABLE sam_users DROP COLUMN account_expires;"
                          "ALTER TABLE sam_users DROP COLUMN parameters;"
                          "ALTER TABLE sam_users DROP COLUMN country_code;"
                          "ALTER TABLE sam_users DROP COLUMN code_page;"
                          "UPDATE schema_versions SET version = 1 WHERE module = 'lsass/sam';"
                          "INSERT INTO sam_users(rid, name, name_key, flags, created) "
                          "  VALUES (1000, 'old-sw', 'OLD-SW', 16, 0), (1001, 'daemon', 'DAEMON', 16, 0);"
                          "UPDATE sam_domain SET next_rid = 1002;",
                          NULL, NULL, &error);
    if (!ok(rc == SQLITE_OK, "the registry put back to SAM version 1")) {
        diag("%s", error ? error : "");
        sqlite3_free(error);
        registry_close(reg);
        return;
    }
    registry_close(reg);
    reg = NULL;
    if (!ok(registry_open(path, &reg) == STATUS_SUCCESS && registry_schema_version(reg, "lsass/sam") >= 2,
            "reopened: migration 002 ran (a later SAM migration must be undone above too)")) {
        if (reg)
            registry_close(reg);
        return;
    }
    struct sam_user user;
    sam_user_by_name(reg, "old-sw", &user);
    is_int(user.uid, IDMAP_DEFAULT_FIRST + 1000, "an old user got FIRST + RID of the default range");
    sam_user_free(&user);
    gid_t gid = 0;
    idmap_sid_to_gid(reg, &SID_BUILTIN_USERS, &gid);
    is_int(gid, IDMAP_DEFAULT_FIRST + 545, "an old built-in alias got its gid");
    uid_t uid = 0;
    struct sid guest, domain2;
    sam_domain_sid(reg, &domain2);
    sid_append(&guest, &domain2, 501);
    idmap_sid_to_uid(reg, &guest, &uid);
    is_int(uid, IDMAP_DEFAULT_FIRST + 501, "the id base is the default range's");
    if (have_daemon) {
        char *account = NULL;
        idmap_user_unix_account(reg, "daemon", &account);
        is_str(account, "daemon", "the old user daemon keeps acting as the Unix account daemon");
        free(account);
    } else {
        skip(1, "no Unix account daemon");
    }
    registry_close(reg);
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
    ok(registry_schema_version(reg, "lsass/sam") >= 2, "the SAM's Unix id migration ran");
    struct idmap_passwd pw;
    is_int(idmap_passwd_by_name(reg, "Guest", &pw), STATUS_INVALID_DEVICE_STATE,
           "before lwadmin init there is no SAM to answer from");
    is_int(sam_init(reg, &actor, NULL), STATUS_SUCCESS, "sam_init");
    sam_domain_sid(reg, &domain);
    test_allocation(reg);
    test_range(reg);
    test_mapping(reg);
    test_settle(reg);
    test_views(reg);
    registry_close(reg);
    test_migration();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
