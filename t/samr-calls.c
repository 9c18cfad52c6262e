/* samr through the in-memory loopback against a scratch registry: connect,
 * domains, lookups, enumeration, queries, create/set/delete of users and
 * aliases, password resets (RC4 with the session key) and changes
 * (SamrUnicodeChangePasswordUser2), access refused to an ordinary user and
 * to anonymous, audit records via=samr.
 *
 * `samr-calls.t --serve ROLE DB` serves samr over stdin/stdout on registry DB
 * as ROLE (a SAM user name, or "anonymous"), with the session key
 * 000102...0f: the server half of t/samr-impacket.t. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "lib/crypto.h"
#include "lib/secdesc.h"
#include "lib/utf16.h"
#include "lsass/sam/sam.h"
#include "lsass/samr/samr.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static const uint8_t session_key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static struct audit_actor actor = { "cli", 0, "tester", NULL };

/* The token lsassd would build for a SAM user. */
static struct access_token *token_for(struct registry *reg, const char *name)
{
    if (strcmp(name, "anonymous") == 0) {
        struct access_token *t = token_new(&SID_ANONYMOUS, &SID_ANONYMOUS);
        t->is_anonymous = true;
        token_add_group(t, &SID_EVERYONE);
        return t;
    }
    struct sam_user u;
    if (sam_user_by_name(reg, name, &u) != STATUS_SUCCESS)
        return NULL;
    struct sid domain, none;
    sam_domain_sid(reg, &domain);
    sid_append(&none, &domain, 513);
    struct access_token *t = token_new(&u.sid, &none);
    token_add_group(t, &none);
    token_add_group(t, &SID_EVERYONE);
    token_add_group(t, &SID_AUTHENTICATED_USERS);
    sam_token_add_aliases(reg, t);
    sam_user_free(&u);
    return t;
}

static int serve(const char *role, const char *db)
{
    struct registry *reg = NULL;
    if (registry_open(db, &reg) != STATUS_SUCCESS)
        return 1;
    struct access_token *token = token_for(reg, role);
    struct lsa_rpc_context ctx = { .db_path = db, .reg = reg };
    pthread_mutex_init(&ctx.reg_lock, NULL);
    struct dcerpc_server *server = dcerpc_server_new(NULL);
    lsa_rpc_unregister_fn unregister = NULL;
    void *state = NULL;
    samr_interface_register(server, &ctx, &unregister, &state);
    struct dcerpc_caller caller = { .token = token, .session_key = session_key,
                                    .session_key_len = sizeof session_key, .endpoint = "\\PIPE\\samr" };
    NTSTATUS status = dcerpc_serve_fd(server, &caller, 0, 1);
    dcerpc_server_free(server);
    if (unregister)
        unregister(state);
    token_free(token);
    registry_close(reg);
    return status == STATUS_SUCCESS ? 0 : 1;
}

/* ---- a small client ---- */

struct conn {
    struct dcerpc_server *server;
    struct dcerpc_loopback *loop;
    struct dcerpc_client *client;
    struct access_token *token;
    uint16_t ctx;
    struct ndr_arena *arena;
    lsa_rpc_unregister_fn unregister;
    void *state;
};

static struct lsa_rpc_context rpc_ctx = { .reg_lock = PTHREAD_MUTEX_INITIALIZER };

static bool conn_open(struct conn *c, struct registry *reg, const char *role)
{
    memset(c, 0, sizeof *c);
    c->token = token_for(reg, role);
    c->server = dcerpc_server_new(NULL);
    samr_interface_register(c->server, &rpc_ctx, &c->unregister, &c->state);
    struct dcerpc_caller caller = { .token = c->token, .session_key = session_key,
                                    .session_key_len = sizeof session_key };
    struct dcerpc_client_transport t;
    c->loop = dcerpc_loopback_new(c->server, &caller, &t);
    c->client = dcerpc_client_new(&t, NULL);
    c->arena = ndr_arena_new(1 << 24);
    uint32_t reject = 0;
    return dcerpc_client_bind(c->client, &samr_interface, &c->ctx, &reject) == STATUS_SUCCESS;
}

static void conn_close(struct conn *c)
{
    dcerpc_client_free(c->client);
    dcerpc_loopback_free(c->loop);
    dcerpc_server_free(c->server);
    if (c->unregister)
        c->unregister(c->state);
    token_free(c->token);
    ndr_arena_free(c->arena);
}

/* Calls opnum; the fault (0 if none). */
static uint32_t call(struct conn *c, uint16_t opnum, void *r)
{
    uint32_t fault = 0;
    NTSTATUS st = dcerpc_client_call(c->client, c->ctx, &samr_interface, opnum, r, c->arena, &fault);
    if (st != STATUS_SUCCESS && !fault)
        fault = 0xFFFFFFFFu;
    return fault;
}

static struct RPC_UNICODE_STRING ustr(struct conn *c, const char *text)
{
    struct RPC_UNICODE_STRING s;
    ndr_unicode_string_from_utf8(c->arena, text, &s);
    return s;
}

static const char *text_of(struct conn *c, const struct RPC_UNICODE_STRING *s)
{
    const char *t = ndr_unicode_string_to_utf8(c->arena, s);
    return t ? t : "(bad)";
}

/* Connect5, then open the account domain (or Builtin). */
static bool open_domain(struct conn *c, bool builtin, uint32_t access, struct policy_handle *server,
                        struct policy_handle *domain, uint32_t *result)
{
    struct SamrConnect5 r5 = { .ServerName = (char *)"\\\\server", .DesiredAccess = 0x02000000,
                               .InVersion = 1, .InRevisionInfo.V1 = { 3, 0 } };
    if (call(c, 64, &r5) || r5.result)
        return false;
    *server = r5.ServerHandle;
    struct SamrLookupDomainInSamServer lk = { .ServerHandle = *server };
    char name[64] = "Builtin";
    if (!builtin) {
        struct SamrEnumerate e = { .Handle = *server, .PreferedMaximumLength = 0xFFFFFFFF };
        if (call(c, 6, &e) || e.result || !e.Buffer || e.Buffer->EntriesRead != 2)
            return false;
        snprintf(name, sizeof name, "%s", text_of(c, &e.Buffer->Buffer[0].Name));
    }
    lk.Name = ustr(c, name);
    if (call(c, 5, &lk) || lk.result || !lk.DomainId)
        return false;
    struct SamrOpenDomain od = { .ServerHandle = *server, .DesiredAccess = access, .DomainId = *lk.DomainId };
    if (call(c, 7, &od))
        return false;
    *result = od.result;
    *domain = od.DomainHandle;
    return true;
}

/* The plain SAMPR_ENCRYPTED_USER_PASSWORD of password, RC4 with key. */
static void encrypt_password(const char *password, const uint8_t *key, size_t key_len, uint8_t out[516])
{
    uint8_t *utf16 = NULL;
    size_t len = 0;
    utf8_to_utf16le(password, strlen(password), &utf16, &len);
    memset(out, 0x5A, 512); /* the filler is random on a real client */
    memcpy(out + 512 - len, utf16, len);
    out[512] = (uint8_t)len;
    out[513] = (uint8_t)(len >> 8);
    out[514] = out[515] = 0;
    free(utf16);
    struct rc4_state rc4;
    crypto_rc4_init(&rc4, key, key_len);
    crypto_rc4(&rc4, out, 516);
}

static const char *last_audit(struct registry *reg)
{
    static char text[512];
    struct audit_entry *entries;
    size_t n = 0;
    text[0] = '\0';
    if (registry_audit_list(reg, 0, 1, &entries, &n) == STATUS_SUCCESS && n == 1)
        snprintf(text, sizeof text, "%s %s %s %s %s", entries[0].via, entries[0].user, entries[0].action,
                 entries[0].object ? entries[0].object : "", entries[0].outcome ? entries[0].outcome : "");
    registry_audit_list_free(entries, n);
    return text;
}

static size_t audit_count(struct registry *reg)
{
    struct audit_entry *entries;
    size_t n = 0;
    if (registry_audit_list(reg, 0, 0, &entries, &n) != STATUS_SUCCESS)
        return (size_t)-1;
    registry_audit_list_free(entries, n);
    return n;
}

static void test_admin(struct registry *reg)
{
    struct conn c;
    struct policy_handle server, domain, builtin;
    uint32_t result = 1;
    ok(conn_open(&c, reg, "bob"), "bob binds samr");
    ok(open_domain(&c, false, 0x02000000, &server, &domain, &result) && result == 0,
       "Connect5, EnumerateDomains, LookupDomain, OpenDomain (account domain)");
    ok(open_domain(&c, true, 0x02000000, &server, &builtin, &result) && result == 0, "... and Builtin");

    struct SamrQueryInformationDomain qd = { .DomainHandle = domain, .DomainInformationClass = 2 };
    ok(!call(&c, 8, &qd) && qd.result == 0 && qd.Buffer && qd.Buffer->General.UserCount == 2 &&
           qd.Buffer->General.AliasCount == 0 && qd.Buffer->General.GroupCount == 1,
       "QueryInformationDomain 2: two users, None, no local group");
    for (uint16_t level = 1; level <= 13; level++) {
        if (level == 10)
            continue;
        struct SamrQueryInformationDomain q = { .DomainHandle = domain, .DomainInformationClass = level };
        ok(!call(&c, 46, &q) && q.result == 0 && q.Buffer, "QueryInformationDomain2 level %u", level);
    }
    struct SamrQueryInformationDomain q10 = { .DomainHandle = domain, .DomainInformationClass = 10 };
    ok(!call(&c, 8, &q10) && q10.result == STATUS_INVALID_INFO_CLASS && !q10.Buffer, "level 10: invalid class");

    /* Create a user as net rpc user add does: CreateUser2, password at 25, enable at 16. */
    struct SamrCreateUser2InDomain cu = { .DomainHandle = domain, .Name = ustr(&c, "carol"),
                                          .AccountType = 0x10, .DesiredAccess = 0x02000000 };
    ok(!call(&c, 50, &cu) && cu.result == 0 && cu.RelativeId >= 1000 && cu.GrantedAccess == 0x000F07FF,
       "CreateUser2InDomain carol (rid %u, granted 0x%x)", cu.RelativeId, cu.GrantedAccess);
    is_str(last_audit(reg), "samr bob user.add carol ok", "audited via samr as bob");
    struct SamrSetInformationUser s25 = { .UserHandle = cu.UserHandle, .UserInformationClass = 25 };
    uint8_t salt[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };
    uint8_t material[32], key[16];
    memcpy(material, salt, 16);
    memcpy(material + 16, session_key, 16);
    crypto_md5(material, 32, key);
    encrypt_password("Carol-pass1", key, 16, s25.Buffer.Internal4New.UserPassword.Buffer);
    memcpy(s25.Buffer.Internal4New.UserPassword.Buffer + 516, salt, 16);
    s25.Buffer.Internal4New.I1.WhichFields = 0x01000000 | 0x2; /* NT password present, full name */
    s25.Buffer.Internal4New.I1.FullName = ustr(&c, "Carol C");
    ok(!call(&c, 58, &s25) && s25.result == 0, "SetInformationUser2 level 25 (password and full name)");
    struct sam_user u;
    uint8_t hash[16], want[16];
    crypto_nt_hash("Carol-pass1", want);
    ok(sam_user_by_name(reg, "carol", &u) == 0 && strcmp(u.full_name, "Carol C") == 0 && u.has_password &&
           sam_user_get_nt_hash(reg, u.rid, hash) == 0 && memcmp(hash, want, 16) == 0,
       "the SAM has carol's password and full name");
    sam_user_free(&u);
    struct SamrSetInformationUser s16 = { .UserHandle = cu.UserHandle, .UserInformationClass = 16,
                                          .Buffer.UserAccountControl = 0x10 };
    ok(!call(&c, 37, &s16) && s16.result == 0, "SetInformationUser level 16: enabled");
    ok(sam_user_by_name(reg, "carol", &u) == 0 && !(u.flags & SAM_USER_DISABLED), "carol is enabled");
    sam_user_free(&u);
    struct SamrSetInformationUser s23 = { .UserHandle = cu.UserHandle, .UserInformationClass = 23 };
    encrypt_password("x", session_key, 16, s23.Buffer.Internal4.UserPassword.Buffer);
    s23.Buffer.Internal4.I1.WhichFields = 0x01000000;
    registry_setting_set(reg, "lsass.min-password-length", "6", &actor, NULL);
    ok(!call(&c, 58, &s23) && s23.result == STATUS_PASSWORD_RESTRICTION,
       "level 23 with a too short password: STATUS_PASSWORD_RESTRICTION");
    ok(strstr(last_audit(reg), "refused") != NULL, "  audited as refused");
    struct SamrSetInformationUser s24 = { .UserHandle = cu.UserHandle, .UserInformationClass = 24 };
    encrypt_password("Carol-pass2", session_key, 16, s24.Buffer.Internal5.UserPassword.Buffer);
    ok(!call(&c, 58, &s24) && s24.result == 0, "level 24 sets the password");

    /* The profile fields (MMC's Profile tab) at level 21, read back at 3 and 11. */
    struct SamrSetInformationUser s21 = { .UserHandle = cu.UserHandle, .UserInformationClass = 21 };
    s21.Buffer.All.WhichFields = 0x40 | 0x80 | 0x100 | 0x200 | 0x20; /* home, drive, script, profile, comment */
    s21.Buffer.All.HomeDirectory = ustr(&c, "\\\\filer\\carol");
    s21.Buffer.All.HomeDirectoryDrive = ustr(&c, "H:");
    s21.Buffer.All.ScriptPath = ustr(&c, "logon.cmd");
    s21.Buffer.All.ProfilePath = ustr(&c, "\\\\filer\\profiles\\carol");
    s21.Buffer.All.UserComment = ustr(&c, "a comment");
    ok(!call(&c, 37, &s21) && s21.result == 0, "SetInformationUser 21: home folder, drive, script, profile, comment");
    struct SamrQueryInformationUser q3 = { .UserHandle = cu.UserHandle, .UserInformationClass = 3 };
    ok(!call(&c, 36, &q3) && q3.result == 0 && strcmp(text_of(&c, &q3.Buffer->Logon.HomeDirectoryDrive), "H:") == 0 &&
           strcmp(text_of(&c, &q3.Buffer->Logon.ScriptPath), "logon.cmd") == 0,
       "  level 3 reads them back");
    struct SamrSetInformationUser s11 = { .UserHandle = cu.UserHandle, .UserInformationClass = 11,
                                          .Buffer.Script = ustr(&c, "other.cmd") };
    struct SamrQueryInformationUser q11 = { .UserHandle = cu.UserHandle, .UserInformationClass = 11 };
    ok(!call(&c, 37, &s11) && s11.result == 0 && !call(&c, 36, &q11) && q11.result == 0 &&
           strcmp(text_of(&c, &q11.Buffer->Script), "other.cmd") == 0,
       "  level 11 sets and reads the script");
    struct SamrSetInformationUser s20 = { .UserHandle = cu.UserHandle, .UserInformationClass = 20,
                                          .Buffer.Parameters = ustr(&c, "x") };
    struct SamrQueryInformationUser q20 = { .UserHandle = cu.UserHandle, .UserInformationClass = 20 };
    ok(!call(&c, 37, &s20) && s20.result == 0 && !call(&c, 36, &q20) && q20.result == 0 &&
           strcmp(text_of(&c, &q20.Buffer->Parameters), "x") == 0,
       "  level 20 sets and reads the parameters");

    /* Queries a client makes. */
    static const uint16_t levels[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 20, 21 };
    for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
        struct SamrQueryInformationUser q = { .UserHandle = cu.UserHandle, .UserInformationClass = levels[i] };
        ok(!call(&c, 36, &q) && q.result == 0 && q.Buffer, "QueryInformationUser level %u", levels[i]);
        if (levels[i] == 21 && q.Buffer)
            ok(strcmp(text_of(&c, &q.Buffer->All.UserName), "carol") == 0 &&
                   strcmp(text_of(&c, &q.Buffer->All.FullName), "Carol C") == 0 &&
                   q.Buffer->All.UserId == cu.RelativeId && q.Buffer->All.PrimaryGroupId == 513 &&
                   q.Buffer->All.UserAccountControl == 0x10,
               "  level 21: name, full name, rid, primary group, flags");
    }
    struct SamrQueryInformationUser q23 = { .UserHandle = cu.UserHandle, .UserInformationClass = 23 };
    ok(!call(&c, 47, &q23) && q23.result == STATUS_INVALID_INFO_CLASS, "level 23 cannot be read");

    /* Lookups. */
    struct RPC_UNICODE_STRING names[3] = { ustr(&c, "CAROL"), ustr(&c, "nobody-here"), ustr(&c, "None") };
    struct SamrLookupNamesInDomain ln = { .DomainHandle = domain, .Count = 3, .Names = names };
    ok(!call(&c, 17, &ln) && ln.result == STATUS_SOME_NOT_MAPPED && ln.Use.Count == 3 &&
           ln.Use.Element[0] == 1 && ln.RelativeIds.Element[0] == cu.RelativeId && ln.Use.Element[1] == 8 &&
           ln.Use.Element[2] == 2 && ln.RelativeIds.Element[2] == 513,
       "LookupNamesInDomain: a user, an unknown, None");
    uint32_t rids[2] = { cu.RelativeId, 4242 };
    struct SamrLookupIdsInDomain li = { .DomainHandle = domain, .Count = 2, .RelativeIds = rids };
    ok(!call(&c, 18, &li) && li.result == STATUS_SOME_NOT_MAPPED && li.Names.Count == 2 &&
           strcmp(text_of(&c, &li.Names.Element[0]), "carol") == 0 && li.Use.Element[1] == 8,
       "LookupIdsInDomain");

    /* Enumerations, paged. */
    struct SamrEnumerateUsersInDomain eu = { .DomainHandle = domain, .PreferedMaximumLength = 1 };
    ok(!call(&c, 13, &eu) && eu.result == 0x105 && eu.CountReturned == 1 && eu.EnumerationContext == 1,
       "EnumerateUsersInDomain pages: one entry, STATUS_MORE_ENTRIES");
    eu.PreferedMaximumLength = 0xFFFFFFFF;
    ok(!call(&c, 13, &eu) && eu.result == 0 && eu.CountReturned == 2, "  and the rest");
    struct SamrEnumerate eg = { .Handle = domain, .PreferedMaximumLength = 0xFFFFFFFF };
    ok(!call(&c, 11, &eg) && eg.result == 0 && eg.CountReturned == 1 && eg.Buffer->Buffer[0].RelativeId == 513,
       "EnumerateGroupsInDomain: None");
    struct SamrEnumerate ea = { .Handle = builtin, .PreferedMaximumLength = 0xFFFFFFFF };
    ok(!call(&c, 15, &ea) && ea.result == 0 && ea.CountReturned == 3, "EnumerateAliasesInDomain (Builtin): 3");

    struct SamrQueryDisplayInformation qdi = { .DomainHandle = domain, .DisplayInformationClass = 1,
                                               .EntryCount = 100, .PreferredMaximumLength = 0xFFFF };
    ok(!call(&c, 51, &qdi) && qdi.result == 0 && qdi.Buffer.UserInformation.EntriesRead == 3 &&
           qdi.TotalReturned == qdi.TotalAvailable && qdi.TotalReturned > 3 * 40 &&
           strcmp(text_of(&c, &qdi.Buffer.UserInformation.Buffer[0].AccountName), "alice") == 0,
       "QueryDisplayInformation3 users, by name");

    /* Aliases. */
    struct SamrCreateInDomain ca = { .DomainHandle = domain, .Name = ustr(&c, "staff"), .DesiredAccess = 0x02000000 };
    ok(!call(&c, 14, &ca) && ca.result == 0, "CreateAliasInDomain staff");
    struct sid carol_sid;
    struct sam_user cu_user;
    sam_user_by_name(reg, "carol", &cu_user);
    carol_sid = cu_user.sid;
    sam_user_free(&cu_user);
    struct SamrAliasMember am = { .AliasHandle = ca.Handle };
    am.MemberId = *ndr_sid_to_rpc(c.arena, &carol_sid);
    ok(!call(&c, 31, &am) && am.result == 0, "AddMemberToAlias carol");
    struct SamrGetMembersInAlias gm = { .AliasHandle = ca.Handle };
    ok(!call(&c, 33, &gm) && gm.result == 0 && gm.Members.Count == 1, "GetMembersInAlias: carol");
    struct RPC_SID_INFORMATION info = { ndr_sid_to_rpc(c.arena, &carol_sid) };
    struct SamrGetAliasMembership gam = { .DomainHandle = domain, .SidArray = { 1, &info } };
    ok(!call(&c, 16, &gam) && gam.result == 0 && gam.Membership.Count == 1 && gam.Membership.Element[0] == ca.RelativeId,
       "GetAliasMembership: staff");
    struct SamrQueryInformationAlias qa = { .AliasHandle = ca.Handle, .AliasInformationClass = 1 };
    ok(!call(&c, 28, &qa) && qa.result == 0 && qa.Buffer->General.MemberCount == 1, "QueryInformationAlias 1");
    struct SamrDeleteAccount da = { .Handle = ca.Handle };
    ok(!call(&c, 30, &da) && da.result == 0, "DeleteAlias");
    ok(call(&c, 28, &qa) == DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH, "  its handle is gone");

    struct SamrQuerySecurityObject qs = { .ObjectHandle = cu.UserHandle, .SecurityInformation = 7 };
    ok(!call(&c, 3, &qs) && qs.result == 0 && qs.SecurityDescriptor && qs.SecurityDescriptor->Length > 20,
       "QuerySecurityObject on a user");

    /* A group as net rpc group add makes it: a local group, used by RID. */
    struct SamrCreateInDomain cg = { .DomainHandle = domain, .Name = ustr(&c, "ops"), .DesiredAccess = 0x02000000 };
    ok(!call(&c, 10, &cg) && cg.result == 0, "CreateGroupInDomain ops (a local group)");
    struct SamrAddMemberToGroup ag = { .GroupHandle = cg.Handle, .MemberId = cu.RelativeId, .Attributes = 7 };
    ok(!call(&c, 22, &ag) && ag.result == 0, "AddMemberToGroup carol");
    ok(!call(&c, 22, &ag) && ag.result == STATUS_MEMBER_IN_GROUP, "  twice: STATUS_MEMBER_IN_GROUP");
    struct SamrGetMembersInGroup gg = { .GroupHandle = cg.Handle };
    ok(!call(&c, 25, &gg) && gg.result == 0 && gg.Members && gg.Members->MemberCount == 1 &&
           gg.Members->Members[0] == cu.RelativeId,
       "GetMembersInGroup: carol by RID");
    struct SamrQueryInformationGroup qg = { .GroupHandle = cg.Handle, .GroupInformationClass = 1 };
    ok(!call(&c, 20, &qg) && qg.result == 0 && strcmp(text_of(&c, &qg.Buffer->General.Name), "ops") == 0 &&
           qg.Buffer->General.MemberCount == 1,
       "QueryInformationGroup 1: ops, one member");
    struct SamrDeleteAccount dg = { .Handle = cg.Handle };
    ok(!call(&c, 23, &dg) && dg.result == 0, "DeleteGroup ops");
    struct sam_group gone;
    ok(sam_group_by_name(reg, "ops", &gone) == STATUS_NO_SUCH_ALIAS, "  ops is gone from the SAM");

    struct SamrDeleteAccount du = { .Handle = cu.UserHandle };
    ok(!call(&c, 35, &du) && du.result == 0, "DeleteUser carol");
    ok(sam_user_by_name(reg, "carol", &u) == STATUS_NO_SUCH_USER, "carol is gone from the SAM");
    is_str(last_audit(reg), "samr bob user.del carol ok", "  audited");
    struct SamrCloseHandle cl = { .SamHandle = domain };
    ok(!call(&c, 1, &cl) && cl.result == 0, "CloseHandle");
    ok(call(&c, 1, &cl) == DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH, "  twice: context mismatch");
    conn_close(&c);
}

static void test_ordinary(struct registry *reg)
{
    struct conn c;
    struct policy_handle server, domain;
    uint32_t result = 1;
    ok(conn_open(&c, reg, "alice"), "alice binds samr");
    ok(open_domain(&c, false, 0x02000000, &server, &domain, &result) && result == 0,
       "alice opens the domain with MAXIMUM_ALLOWED");
    struct SamrCreateUser2InDomain cu = { .DomainHandle = domain, .Name = ustr(&c, "mallory"),
                                          .AccountType = 0x10, .DesiredAccess = 0x02000000 };
    ok(!call(&c, 50, &cu) && cu.result == STATUS_ACCESS_DENIED, "alice may not create a user");
    is_str(last_audit(reg), "samr alice user.add mallory refused", "  audited as refused");
    registry_setting_set(reg, "lsass.samr-audit-refused-per-minute", "1", &actor, NULL);
    size_t before = audit_count(reg);
    struct SamrCreateUser2InDomain again = cu;
    again.Name = ustr(&c, "mallory2");
    ok(!call(&c, 50, &again) && again.result == STATUS_ACCESS_DENIED && audit_count(reg) == before,
       "  past lsass.samr-audit-refused-per-minute the refusal is not recorded again");
    registry_setting_set(reg, "lsass.samr-audit-refused-per-minute", "60", &actor, NULL);
    struct policy_handle d2;
    ok(open_domain(&c, false, 0x10, &server, &d2, &result) && result == STATUS_ACCESS_DENIED,
       "asking DOMAIN_CREATE_USER at OpenDomain: STATUS_ACCESS_DENIED");
    struct sam_user bob;
    sam_user_by_name(reg, "bob", &bob);
    struct SamrOpenAccount ou = { .DomainHandle = domain, .DesiredAccess = 0x02000000, .Id = bob.rid };
    ok(!call(&c, 34, &ou) && ou.result == 0, "alice opens bob");
    struct SamrQueryInformationUser q = { .UserHandle = ou.Handle, .UserInformationClass = 21 };
    ok(!call(&c, 36, &q) && q.result == 0, "  and reads his public information");
    struct SamrSetInformationUser s = { .UserHandle = ou.Handle, .UserInformationClass = 16,
                                        .Buffer.UserAccountControl = 0x11 };
    ok(!call(&c, 37, &s) && s.result == STATUS_ACCESS_DENIED, "  but may not disable him");
    struct SamrDeleteAccount du = { .Handle = ou.Handle };
    ok(!call(&c, 35, &du) && du.result == STATUS_ACCESS_DENIED, "  nor delete him");
    sam_user_free(&bob);
    ok(sam_user_by_name(reg, "bob", &bob) == 0 && !(bob.flags & SAM_USER_DISABLED), "bob is untouched");
    sam_user_free(&bob);

    /* Her own password, as smbpasswd -r changes it. */
    uint8_t old_hash[16], new_hash[16];
    crypto_nt_hash("Alice-pass1", old_hash);
    crypto_nt_hash("Alice-pass2", new_hash);
    struct samr_encrypted_user_password enc;
    encrypt_password("Alice-pass2", old_hash, 16, enc.Buffer);
    uint8_t owf[16];
    /* samr_owf_encrypt is the server's; the test's check is the result below. */
    extern void samr_owf_encrypt(const uint8_t owf[16], const uint8_t key[16], uint8_t out[16]);
    samr_owf_encrypt(old_hash, new_hash, owf);
    struct encrypted_owf_password verifier;
    memcpy(verifier.data, owf, 16);
    struct SamrUnicodeChangePasswordUser2 ch = { .UserName = ustr(&c, "alice"),
                                                 .NewPasswordEncryptedWithOldNt = &enc,
                                                 .OldNtOwfPasswordEncryptedWithNewNt = &verifier };
    ok(!call(&c, 55, &ch) && ch.result == 0, "SamrUnicodeChangePasswordUser2: alice's own change");
    struct sam_user a;
    uint8_t hash[16];
    ok(sam_user_by_name(reg, "alice", &a) == 0 && sam_user_get_nt_hash(reg, a.rid, hash) == 0 &&
           memcmp(hash, new_hash, 16) == 0,
       "  the SAM has the new password");
    sam_user_free(&a);
    ok(!call(&c, 55, &ch) && ch.result == STATUS_WRONG_PASSWORD, "  the same request again: wrong password");
    /* History: back to the first password is refused while it is among the
     * last two. */
    registry_setting_set(reg, "lsass.password-history", "2", &actor, NULL);
    encrypt_password("Alice-pass1", new_hash, 16, enc.Buffer);
    samr_owf_encrypt(new_hash, old_hash, owf);
    memcpy(verifier.data, owf, 16);
    ok(!call(&c, 55, &ch) && ch.result == STATUS_PASSWORD_RESTRICTION,
       "lsass.password-history 2: a previous password is STATUS_PASSWORD_RESTRICTION");
    registry_setting_set(reg, "lsass.password-history", "0", &actor, NULL);
    registry_setting_set(reg, "lsass.min-password-age", "1", &actor, NULL);
    ok(!call(&c, 55, &ch) && ch.result == STATUS_PASSWORD_RESTRICTION,
       "lsass.min-password-age 1: a second change the same day is STATUS_PASSWORD_RESTRICTION");
    registry_setting_set(reg, "lsass.min-password-age", "0", &actor, NULL);
    ok(!call(&c, 55, &ch) && ch.result == 0, "  without either, the change back is accepted");
    struct SamrGetDomainPasswordInformation gp = { 0 };
    ok(!call(&c, 56, &gp) && gp.result == 0 && gp.PasswordInformation.MinPasswordLength == 6,
       "GetDomainPasswordInformation: minimum length 6");
    conn_close(&c);

    ok(conn_open(&c, reg, "anonymous"), "anonymous binds");
    struct SamrConnect2 c2 = { .DesiredAccess = 0x02000000 };
    ok(!call(&c, 57, &c2) && c2.result == 0, "anonymous connects");
    struct SamrEnumerate e = { .Handle = c2.ServerHandle, .PreferedMaximumLength = 0xFFFFFFFF };
    ok(!call(&c, 6, &e) && e.result == STATUS_ACCESS_DENIED, "  but may not enumerate domains");
    conn_close(&c);
}

static struct old_large_integer nt_delta(int64_t v)
{
    return (struct old_large_integer){ (uint32_t)(uint64_t)v, (uint32_t)((uint64_t)v >> 32) };
}

static uint32_t setting_of(struct registry *reg, const char *name)
{
    uint32_t v = 0xFFFFFFFFu;
    registry_setting_get_dword(reg, name, &v);
    return v;
}

/* SetInformationDomain 1 and 12 onto the lsass.* settings, as secpol and
 * net accounts set them; QueryInformationDomain gives them back. */
static void test_domain_policy(struct registry *reg)
{
    struct conn c;
    struct policy_handle server, domain, builtin;
    uint32_t result = 1;
    const int64_t day = 86400ll * 10000000, minute = 60ll * 10000000;
    ok(conn_open(&c, reg, "bob"), "bob binds samr (domain policy)");
    ok(open_domain(&c, false, 0x02000000, &server, &domain, &result) && result == 0, "  opens the domain");
    size_t before = audit_count(reg);
    struct SamrSetInformationDomain s1 = { .DomainHandle = domain, .DomainInformationClass = 1 };
    s1.DomainInformation.Password = (struct domain_password_information){
        .MinPasswordLength = 8, .PasswordHistoryLength = 5, .PasswordProperties = 1,
        .MaxPasswordAge = nt_delta(-42 * day), .MinPasswordAge = nt_delta(-1 * day) };
    ok(!call(&c, 9, &s1) && s1.result == 0, "SetInformationDomain 1: 8 chars, history 5, 42/1 days, complex");
    ok(setting_of(reg, "lsass.min-password-length") == 8 && setting_of(reg, "lsass.password-history") == 5 &&
           setting_of(reg, "lsass.max-password-age") == 42 && setting_of(reg, "lsass.min-password-age") == 1,
       "  the lsass.* settings have them");
    bool complex = false;
    registry_setting_get_bool(reg, "lsass.password-complexity", &complex);
    ok(complex, "  lsass.password-complexity on");
    ok(audit_count(reg) == before + 5, "  five setting.set records (%zu)", audit_count(reg) - before);
    ok(strncmp(last_audit(reg), "samr bob setting.set lsass.", 27) == 0, "  by bob via samr: %s", last_audit(reg));
    struct SamrQueryInformationDomain q1 = { .DomainHandle = domain, .DomainInformationClass = 1 };
    ok(!call(&c, 8, &q1) && q1.result == 0 && q1.Buffer && q1.Buffer->Password.MinPasswordLength == 8 &&
           q1.Buffer->Password.PasswordHistoryLength == 5 && q1.Buffer->Password.PasswordProperties == 1 &&
           q1.Buffer->Password.MaxPasswordAge.HighPart == nt_delta(-42 * day).HighPart &&
           q1.Buffer->Password.MaxPasswordAge.LowPart == nt_delta(-42 * day).LowPart &&
           q1.Buffer->Password.MinPasswordAge.LowPart == nt_delta(-day).LowPart,
       "  QueryInformationDomain 1 gives them back");
    before = audit_count(reg);
    ok(!call(&c, 9, &s1) && s1.result == 0 && audit_count(reg) == before, "  the same again: nothing recorded");

    struct SamrSetInformationDomain bad = s1;
    bad.DomainInformation.Password.MinPasswordAge = nt_delta(-50 * day);
    ok(!call(&c, 9, &bad) && bad.result == STATUS_INVALID_PARAMETER, "minimum age over the maximum: invalid");
    bad = s1;
    bad.DomainInformation.Password.MinPasswordLength = 15;
    bad.DomainInformation.Password.PasswordHistoryLength = 7;
    ok(!call(&c, 9, &bad) && bad.result == STATUS_INVALID_PARAMETER &&
           setting_of(reg, "lsass.password-history") == 5,
       "length 15 (over 14): invalid, and the history in the same request is not set either");
    bad = s1;
    bad.DomainInformation.Password.PasswordProperties = 0x10;
    ok(!call(&c, 9, &bad) && bad.result == STATUS_NOT_SUPPORTED, "reversible storage: not supported");
    bad = s1;
    bad.DomainInformation.Password.MaxPasswordAge = nt_delta(day);
    ok(!call(&c, 9, &bad) && bad.result == STATUS_INVALID_PARAMETER, "a positive age: invalid");

    struct SamrSetInformationDomain never = s1;
    never.DomainInformation.Password = (struct domain_password_information){
        .MaxPasswordAge = nt_delta(INT64_MIN) };
    ok(!call(&c, 9, &never) && never.result == 0 && setting_of(reg, "lsass.max-password-age") == 0 &&
           setting_of(reg, "lsass.min-password-length") == 0,
       "back: maximum age never (0x8000000000000000) is lsass.max-password-age 0");
    ok(!call(&c, 8, &q1) && q1.result == 0 && q1.Buffer->Password.MaxPasswordAge.HighPart == 0x80000000u &&
           q1.Buffer->Password.MaxPasswordAge.LowPart == 0,
       "  and reads back as never");

    struct SamrSetInformationDomain s12 = { .DomainHandle = domain, .DomainInformationClass = 12 };
    s12.DomainInformation.Lockout = (struct samr_domain_lockout_information){
        .LockoutDuration = (uint64_t)(-30 * minute), .LockoutObservationWindow = (uint64_t)(-15 * minute),
        .LockoutThreshold = 4 };
    ok(!call(&c, 9, &s12) && s12.result == 0 && setting_of(reg, "lsass.lockout-duration") == 30 &&
           setting_of(reg, "lsass.lockout-reset") == 15 && setting_of(reg, "lsass.lockout-threshold") == 4,
       "SetInformationDomain 12: 30 minutes, window 15, threshold 4");
    struct SamrQueryInformationDomain q12 = { .DomainHandle = domain, .DomainInformationClass = 12 };
    ok(!call(&c, 8, &q12) && q12.result == 0 && q12.Buffer &&
           q12.Buffer->Lockout.LockoutDuration == (uint64_t)(-30 * minute) &&
           q12.Buffer->Lockout.LockoutObservationWindow == (uint64_t)(-15 * minute) &&
           q12.Buffer->Lockout.LockoutThreshold == 4,
       "  QueryInformationDomain 12 gives them back");
    bad = s12;
    bad.DomainInformation.Lockout.LockoutDuration = (uint64_t)(-5 * minute);
    ok(!call(&c, 9, &bad) && bad.result == STATUS_INVALID_PARAMETER, "a duration under the window: invalid");
    bad.DomainInformation.Lockout.LockoutThreshold = 1000;
    bad.DomainInformation.Lockout.LockoutDuration = (uint64_t)(-30 * minute);
    ok(!call(&c, 9, &bad) && bad.result == STATUS_INVALID_PARAMETER &&
           setting_of(reg, "lsass.lockout-threshold") == 4,
       "threshold 1000: invalid, nothing changed");
    struct SamrSetInformationDomain s4 = { .DomainHandle = domain, .DomainInformationClass = 4 };
    s4.DomainInformation.Oem = ustr(&c, "x");
    ok(!call(&c, 9, &s4) && s4.result == STATUS_NOT_SUPPORTED, "level 4 (OEM text): not supported");
    struct SamrSetInformationDomain s2 = { .DomainHandle = domain, .DomainInformationClass = 2 };
    ok(!call(&c, 9, &s2) && s2.result == STATUS_INVALID_INFO_CLASS, "level 2: invalid class");
    ok(open_domain(&c, true, 0x02000000, &server, &builtin, &result) && result == 0, "Builtin opened");
    struct SamrSetInformationDomain sb = s12;
    sb.DomainHandle = builtin;
    ok(!call(&c, 9, &sb) && sb.result == STATUS_NOT_SUPPORTED, "  its policy is the account domain's");
    conn_close(&c);

    ok(conn_open(&c, reg, "alice"), "alice binds samr (domain policy)");
    ok(open_domain(&c, false, 0x02000000, &server, &domain, &result) && result == 0, "  opens the domain");
    s12.DomainHandle = domain;
    s12.DomainInformation.Lockout.LockoutThreshold = 0;
    ok(!call(&c, 9, &s12) && s12.result == STATUS_ACCESS_DENIED && setting_of(reg, "lsass.lockout-threshold") == 4,
       "alice may not set the lockout policy");
    ok(strncmp(last_audit(reg), "samr alice setting.set ", 23) == 0 && strstr(last_audit(reg), " refused"),
       "  audited as refused: %s", last_audit(reg));
    conn_close(&c);
    registry_setting_unset(reg, "lsass.lockout-duration", &actor, NULL);
    registry_setting_unset(reg, "lsass.lockout-reset", &actor, NULL);
    registry_setting_unset(reg, "lsass.lockout-threshold", &actor, NULL);
}

/* The DACL MMC writes for "User cannot change password": USER_CHANGE_PASSWORD
 * denied to Everyone and SELF first, then the usual grants. */
static struct samr_sr_security_descriptor user_dacl(struct conn *c, const struct sid *user, bool deny)
{
    static const struct sid self = { 1, 1, { 0, 0, 0, 0, 0, 5 }, { 10 } };
    struct security_descriptor sd;
    secdesc_init(&sd);
    struct acl *dacl = acl_new();
    if (deny) {
        acl_add_simple(dacl, ACCESS_DENIED_ACE_TYPE, 0, 0x40, &SID_EVERYONE);
        acl_add_simple(dacl, ACCESS_DENIED_ACE_TYPE, 0, 0x40, &self);
    }
    acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, 0, 0x0002035B, &SID_EVERYONE);
    acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, 0, 0x000F07FF, &SID_BUILTIN_ADMINISTRATORS);
    acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, 0, 0x00020044, user);
    secdesc_set_dacl(&sd, dacl);
    uint8_t *bytes = NULL;
    size_t len = 0;
    secdesc_to_bytes(&sd, &bytes, &len);
    secdesc_free(&sd);
    struct samr_sr_security_descriptor out = { (uint32_t)len, ndr_arena_alloc(c->arena, len) };
    memcpy(out.SecurityDescriptor, bytes, len);
    free(bytes);
    return out;
}

/* Alice changes her own password from `from` to `to`: the result. */
static uint32_t own_change(struct conn *c, const char *from, const char *to)
{
    uint8_t old_hash[16], new_hash[16], owf[16];
    crypto_nt_hash(from, old_hash);
    crypto_nt_hash(to, new_hash);
    struct samr_encrypted_user_password *enc = ndr_arena_alloc(c->arena, sizeof *enc);
    struct encrypted_owf_password *verifier = ndr_arena_alloc(c->arena, sizeof *verifier);
    encrypt_password(to, old_hash, 16, enc->Buffer);
    extern void samr_owf_encrypt(const uint8_t owf[16], const uint8_t key[16], uint8_t out[16]);
    samr_owf_encrypt(old_hash, new_hash, owf);
    memcpy(verifier->data, owf, 16);
    struct SamrUnicodeChangePasswordUser2 ch = { .UserName = ustr(c, "alice"),
                                                 .NewPasswordEncryptedWithOldNt = enc,
                                                 .OldNtOwfPasswordEncryptedWithNewNt = verifier };
    return call(c, 55, &ch) ? 0xFFFFFFFFu : ch.result;
}

/* SetSecurityObject on a user: MMC's "User cannot change password". */
static void test_user_descriptor(struct registry *reg)
{
    struct conn c, a;
    struct policy_handle server, domain, adomain;
    uint32_t result = 1;
    struct sam_user alice;
    sam_user_by_name(reg, "alice", &alice);
    ok(conn_open(&c, reg, "bob"), "bob binds samr (user descriptor)");
    ok(open_domain(&c, false, 0x02000000, &server, &domain, &result) && result == 0, "  opens the domain");
    struct SamrOpenAccount ou = { .DomainHandle = domain, .DesiredAccess = 0x02000000, .Id = alice.rid };
    ok(!call(&c, 34, &ou) && ou.result == 0, "  opens alice");
    struct SamrSetSecurityObject ss = { .ObjectHandle = ou.Handle, .SecurityInformation = 4,
                                        .SecurityDescriptor = user_dacl(&c, &alice.sid, true) };
    ok(!call(&c, 2, &ss) && ss.result == 0, "SetSecurityObject DACL: Everyone and SELF denied the change");
    ok(strstr(last_audit(reg), "samr bob user.set alice ok") != NULL, "  audited: %s", last_audit(reg));
    struct SamrQuerySecurityObject qs = { .ObjectHandle = ou.Handle, .SecurityInformation = 4 };
    struct security_descriptor got;
    ok(!call(&c, 3, &qs) && qs.result == 0 && qs.SecurityDescriptor &&
           secdesc_parse(qs.SecurityDescriptor->SecurityDescriptor, qs.SecurityDescriptor->Length, &got) == 0 &&
           got.dacl && got.dacl->count == 5 && got.dacl->aces[0].type == ACCESS_DENIED_ACE_TYPE &&
           got.dacl->aces[0].mask == 0x40,
       "QuerySecurityObject gives the stored DACL back");
    secdesc_free(&got);
    struct SamrQuerySecurityObject qo = { .ObjectHandle = ou.Handle, .SecurityInformation = 1 };
    ok(!call(&c, 3, &qo) && qo.result == 0 && qo.SecurityDescriptor &&
           secdesc_parse(qo.SecurityDescriptor->SecurityDescriptor, qo.SecurityDescriptor->Length, &got) == 0 &&
           got.has_owner && sid_equal(&got.owner, &SID_BUILTIN_ADMINISTRATORS),
       "  the owner is still Administrators (only the DACL was set)");
    secdesc_free(&got);

    ok(conn_open(&a, reg, "alice"), "alice binds samr");
    ok(own_change(&a, "Alice-pass1", "Alice-pass3") == STATUS_ACCESS_DENIED,
       "alice's own change: STATUS_ACCESS_DENIED");
    uint8_t hash[16], want[16];
    crypto_nt_hash("Alice-pass1", want);
    ok(sam_user_get_nt_hash(reg, alice.rid, hash) == 0 && memcmp(hash, want, 16) == 0, "  her password is unchanged");
    ok(open_domain(&a, false, 0x02000000, &server, &adomain, &result) && result == 0, "alice opens the domain");
    struct SamrOpenAccount ao = { .DomainHandle = adomain, .DesiredAccess = 0x02000000, .Id = alice.rid };
    ok(!call(&a, 34, &ao) && ao.result == 0, "  and herself");
    struct SamrSetSecurityObject as = { .ObjectHandle = ao.Handle, .SecurityInformation = 4,
                                        .SecurityDescriptor = user_dacl(&a, &alice.sid, false) };
    ok(!call(&a, 2, &as) && as.result == STATUS_ACCESS_DENIED, "  but may not change her descriptor");

    ss.SecurityDescriptor = user_dacl(&c, &alice.sid, false);
    ok(!call(&c, 2, &ss) && ss.result == 0, "bob takes the deny out again");
    ok(own_change(&a, "Alice-pass1", "Alice-pass3") == 0, "  alice's own change is accepted");
    ok(own_change(&a, "Alice-pass3", "Alice-pass1") == 0, "  and back");
    struct SamrSetSecurityObject bad = ss;
    bad.SecurityDescriptor.Length = 7;
    ok(!call(&c, 2, &bad) && bad.result == STATUS_INVALID_PARAMETER, "a truncated descriptor: invalid");
    bad = ss;
    bad.SecurityInformation = 0;
    ok(!call(&c, 2, &bad) && bad.result == STATUS_INVALID_PARAMETER, "no security information: invalid");
    struct SamrSetSecurityObject sd = { .ObjectHandle = domain, .SecurityInformation = 4,
                                        .SecurityDescriptor = user_dacl(&c, &alice.sid, false) };
    ok(!call(&c, 2, &sd) && sd.result == STATUS_NOT_SUPPORTED, "a domain's descriptor: not supported");
    conn_close(&a);
    conn_close(&c);
    sam_user_free(&alice);
}

/* SamrChangePasswordUser (opnum 38): the NT hash pair on a user handle. */
static void test_change_hashes(struct registry *reg)
{
    struct conn c;
    struct policy_handle server, domain;
    uint32_t result = 1;
    struct sam_user alice;
    sam_user_by_name(reg, "alice", &alice);
    ok(conn_open(&c, reg, "alice"), "alice binds samr (opnum 38)");
    ok(open_domain(&c, false, 0x02000000, &server, &domain, &result) && result == 0, "  opens the domain");
    struct SamrOpenAccount ou = { .DomainHandle = domain, .DesiredAccess = 0x02000000, .Id = alice.rid };
    ok(!call(&c, 34, &ou) && ou.result == 0, "  and herself");
    extern void samr_owf_encrypt(const uint8_t owf[16], const uint8_t key[16], uint8_t out[16]);
    uint8_t old_hash[16], new_hash[16], hash[16];
    crypto_nt_hash("Alice-pass1", old_hash);
    crypto_nt_hash("Alice-pass5", new_hash);
    struct encrypted_owf_password old_with_new, new_with_old;
    samr_owf_encrypt(old_hash, new_hash, old_with_new.data);
    samr_owf_encrypt(new_hash, old_hash, new_with_old.data);
    struct SamrChangePasswordUser ch = { .UserHandle = ou.Handle, .NtPresent = 1,
                                         .OldNtEncryptedWithNewNt = &old_with_new,
                                         .NewNtEncryptedWithOldNt = &new_with_old };
    registry_setting_set(reg, "lsass.min-password-length", "6", &actor, NULL);
    ok(!call(&c, 38, &ch) && ch.result == STATUS_PASSWORD_RESTRICTION,
       "with a minimum length set: STATUS_PASSWORD_RESTRICTION (a hash shows no length)");
    registry_setting_set(reg, "lsass.min-password-length", "0", &actor, NULL);
    ok(!call(&c, 38, &ch) && ch.result == 0, "without: ChangePasswordUser sets the new hash");
    ok(sam_user_get_nt_hash(reg, alice.rid, hash) == 0 && memcmp(hash, new_hash, 16) == 0, "  the SAM has it");
    ok(strstr(last_audit(reg), "samr alice user.passwd alice ok") != NULL, "  audited: %s", last_audit(reg));
    ok(!call(&c, 38, &ch) && ch.result == STATUS_WRONG_PASSWORD, "  the same again: STATUS_WRONG_PASSWORD");
    /* With the LM pair too (as smbtorture sends it): not supported. */
    struct encrypted_owf_password lm1 = { { 1 } }, lm2 = { { 2 } };
    struct SamrChangePasswordUser with_lm = ch;
    with_lm.LmPresent = 1;
    with_lm.OldLmEncryptedWithNewLm = &lm1;
    with_lm.NewLmEncryptedWithOldLm = &lm2;
    ok(!call(&c, 38, &with_lm) && with_lm.result == STATUS_NOT_SUPPORTED, "with the LM pair: not supported");
    struct SamrChangePasswordUser lm_only = { .UserHandle = ou.Handle, .LmPresent = 1 };
    ok(!call(&c, 38, &lm_only) && lm_only.result == STATUS_INVALID_PARAMETER, "LM only: invalid parameter");
    /* back to Alice-pass1 */
    samr_owf_encrypt(new_hash, old_hash, old_with_new.data);
    samr_owf_encrypt(old_hash, new_hash, new_with_old.data);
    ok(!call(&c, 38, &ch) && ch.result == 0, "and back");
    conn_close(&c);
    sam_user_free(&alice);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--serve") == 0)
        return serve(argv[2], argv[3]);
    char dir[] = "/tmp/sw-samr-calls.XXXXXX", db[300];
    if (!mkdtemp(dir))
        return 1;
    snprintf(db, sizeof db, "%s/registry.db", dir);
    struct registry *reg = NULL;
    if (!ok(registry_open(db, &reg) == STATUS_SUCCESS, "scratch registry"))
        return done_testing();
    sam_init(reg, &actor, NULL);
    registry_setting_set(reg, "srv.server-name", "FILER", &actor, NULL);
    struct sid admins = SID_BUILTIN_ADMINISTRATORS, bob_sid;
    uint32_t rid;
    sam_user_add(reg, &actor, "bob", "Bob B", "the administrator", 0, "Bob-pass1", &rid);
    sam_user_add(reg, &actor, "alice", NULL, NULL, 0, "Alice-pass1", NULL);
    struct sid domain;
    sam_domain_sid(reg, &domain);
    sid_append(&bob_sid, &domain, rid);
    sam_group_add_member(reg, &actor, &admins, &bob_sid);
    rpc_ctx.reg = reg;
    rpc_ctx.db_path = db;
    test_admin(reg);
    test_ordinary(reg);
    test_domain_policy(reg);
    test_user_descriptor(reg);
    test_change_hashes(reg);
    registry_close(reg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
