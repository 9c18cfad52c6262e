/* Account rights in the registry (sam.h, the tables of
 * lsass/lsarpc/migrations/): the shipped defaults, grant and revoke (atomic,
 * audited with the account's name), account create and delete, listings by
 * right, and the rights a token's user and groups hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsass/sam/sam.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-sam-rights.XXXXXX";
static struct audit_actor actor = { "lsarpc", (uid_t)-1, "bob", NULL };

static const char *joined(char **list, size_t n)
{
    static char text[512];
    text[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(text, ",", sizeof text - strlen(text) - 1);
        strncat(text, list[i], sizeof text - strlen(text) - 1);
    }
    return text;
}

static const char *rights_of(struct registry *reg, const char *sid_text)
{
    static char text[512];
    struct sid sid;
    sid_parse(sid_text, &sid);
    char **list = NULL;
    size_t n = 0;
    NTSTATUS status = sam_account_rights(reg, &sid, &list, &n);
    if (status != STATUS_SUCCESS)
        snprintf(text, sizeof text, "%s", nt_status_name(status));
    else
        snprintf(text, sizeof text, "%s", joined(list, n));
    sam_strings_free(list, n);
    return text;
}

static const char *last_audit(struct registry *reg)
{
    static char text[512];
    struct audit_entry *entries;
    size_t n = 0;
    text[0] = 0;
    if (registry_audit_list(reg, 0, 1, &entries, &n) == STATUS_SUCCESS && n == 1)
        snprintf(text, sizeof text, "%s %s %s %s", entries[0].via, entries[0].action, entries[0].object,
                 entries[0].detail ? entries[0].detail : "");
    registry_audit_list_free(entries, n);
    return text;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char db[256];
    snprintf(db, sizeof db, "%s/registry.db", dir);
    struct registry *reg = NULL;
    struct audit_actor self;
    if (!ok(registry_open(db, &reg) == STATUS_SUCCESS && sam_init(reg, audit_actor_self(&self, "cli", NULL), NULL) ==
                                                              STATUS_SUCCESS,
            "a new registry with a SAM"))
        return done_testing();
    uint32_t rid;
    sam_user_add(reg, &self, "alice", NULL, NULL, 0, NULL, &rid);
    struct sam_user alice;
    sam_user_by_rid(reg, rid, &alice);
    char alice_sid[SID_STRING_MAX];
    sid_format(&alice.sid, alice_sid, sizeof alice_sid);

    is_str(rights_of(reg, "S-1-5-32-544"),
           "SeBackupPrivilege,SeNetworkLogonRight,SeRestorePrivilege,SeSecurityPrivilege,SeTakeOwnershipPrivilege",
           "Administrators hold Windows' backup, restore, ownership and security privileges");
    is_str(rights_of(reg, "S-1-1-0"), "SeChangeNotifyPrivilege,SeNetworkLogonRight", "Everyone: traverse, network logon");
    is_str(rights_of(reg, alice_sid), "STATUS_OBJECT_NAME_NOT_FOUND", "alice is no account yet");

    const char *grant[] = { "SeBackupPrivilege", "SeRestorePrivilege" };
    is_int(sam_account_grant(reg, &actor, &alice.sid, grant, 2), STATUS_SUCCESS, "grant alice two rights");
    is_str(rights_of(reg, alice_sid), "SeBackupPrivilege,SeRestorePrivilege", "... she holds them");
    is_str(last_audit(reg), "lsarpc account.add alice SeBackupPrivilege,SeRestorePrivilege",
           "... audited with her name, by the actor's front end");
    is_int(sam_account_grant(reg, &actor, &alice.sid, grant, 1), STATUS_SUCCESS, "granting a held right again is fine");
    is_str(rights_of(reg, alice_sid), "SeBackupPrivilege,SeRestorePrivilege", "... and changes nothing");
    is_int(sam_account_revoke(reg, &actor, &alice.sid, grant + 1, 1), STATUS_SUCCESS, "revoke one");
    is_str(rights_of(reg, alice_sid), "SeBackupPrivilege", "... the other stays");
    is_int(sam_account_revoke(reg, &actor, &alice.sid, grant, 2), STATUS_SUCCESS, "revoke both (one not held)");
    is_str(rights_of(reg, alice_sid), "", "... the account stays, with no rights");

    struct sid other;
    sid_parse("S-1-5-21-9-9-9-1001", &other);
    is_int(sam_account_revoke(reg, &actor, &other, grant, 1), STATUS_OBJECT_NAME_NOT_FOUND,
           "revoking from a SID that is no account");
    is_int(sam_account_add(reg, &actor, &other), STATUS_SUCCESS, "create an account for a foreign SID");
    is_int(sam_account_add(reg, &actor, &other), STATUS_OBJECT_NAME_COLLISION, "... twice: a collision");
    is_str(last_audit(reg), "lsarpc account.create S-1-5-21-9-9-9-1001 S-1-5-21-9-9-9-1001",
           "... audited once, by its SID string (no name)");

    struct sid *sids = NULL;
    size_t n = 0;
    is_int(sam_account_list(reg, NULL, &sids, &n), STATUS_SUCCESS, "list the accounts");
    ok(n == 5, "Everyone, Administrators, Users, alice, the foreign SID (%zu)", n);
    free(sids);
    is_int(sam_account_list(reg, "SeBackupPrivilege", &sids, &n), STATUS_SUCCESS, "list who holds SeBackupPrivilege");
    ok(n == 1 && sid_equal(&sids[0], &SID_BUILTIN_ADMINISTRATORS), "... Administrators alone");
    free(sids);

    is_int(sam_account_delete(reg, &actor, &other), STATUS_SUCCESS, "delete the account");
    is_str(last_audit(reg), "lsarpc account.del S-1-5-21-9-9-9-1001 all rights", "... audited as all its rights removed");
    is_int(sam_account_delete(reg, &actor, &other), STATUS_OBJECT_NAME_NOT_FOUND, "... twice: not found");

    /* A token: alice, in Everyone and Users. */
    sam_account_grant(reg, &actor, &alice.sid, grant, 1);
    struct access_token *t = token_new(&alice.sid, &alice.sid);
    token_add_group(t, &SID_EVERYONE);
    token_add_group(t, &SID_BUILTIN_USERS);
    char **list = NULL;
    is_int(sam_token_rights(reg, t, &list, &n), STATUS_SUCCESS, "the rights of alice's token");
    is_str(joined(list, n), "SeBackupPrivilege,SeChangeNotifyPrivilege,SeNetworkLogonRight",
           "... her own and her groups', each once");
    sam_strings_free(list, n);
    token_free(t);
    sam_user_free(&alice);
    registry_close(reg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
