/* lsarpc through the C client runtime against lsassd's RPC server on a
 * scratch registry: the access each kind of caller gets, malformed and
 * out-of-range requests answered with a fault (never a crash, nothing
 * changed), the bound on a client's context handles, and handles of the
 * wrong kind. The protocol answers themselves are checked with real clients
 * (t/lsarpc-rpcclient.t, t/lsarpc-impacket.t). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "lsass/lsarpc/lsarpc.h"
#include "lsass/sam/sam.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-lsarpc-calls.XXXXXX";
static struct lsa_rpc_server *rpc;
static struct ndr_arena *arena;

struct conn {
    struct dcerpc_loopback *loop;
    struct dcerpc_client *client;
    uint16_t context;
};

static void conn_open(struct conn *c, const struct access_token *token)
{
    struct dcerpc_caller caller = { .token = token, .endpoint = "\\PIPE\\lsarpc" };
    struct dcerpc_client_transport t;
    c->loop = dcerpc_loopback_new(lsa_rpc_server_dcerpc(rpc), &caller, &t);
    c->client = dcerpc_client_new(&t, NULL);
    uint32_t reject = 0;
    dcerpc_client_bind(c->client, &lsarpc_interface, &c->context, &reject);
}

static void conn_close(struct conn *c)
{
    dcerpc_client_free(c->client);
    dcerpc_loopback_free(c->loop);
}

/* The fault of a call, 0 if it was answered. */
static uint32_t call(struct conn *c, uint16_t opnum, void *r)
{
    uint32_t fault = 0;
    NTSTATUS st = dcerpc_client_call(c->client, c->context, &lsarpc_interface, opnum, r, arena, &fault);
    if (st != STATUS_SUCCESS && !fault)
        fault = 0xFFFFFFFFu;
    return fault;
}

static uint32_t open_policy(struct conn *c, uint32_t access, struct policy_handle *h)
{
    struct LsarOpenPolicy r = { 0 };
    r.ObjectAttributes.Length = 24;
    r.DesiredAccess = access;
    uint32_t fault = call(c, LSA_OpenPolicy2, &r);
    *h = r.PolicyHandle;
    return fault ? fault : r.Result;
}

static struct RPC_UNICODE_STRING ustr(const char *text)
{
    struct RPC_UNICODE_STRING u;
    ndr_unicode_string_from_utf8(arena, text, &u);
    return u;
}

static uint32_t add_rights(struct conn *c, const struct policy_handle *h, const struct sid *sid, const char *right,
                           uint32_t *fault)
{
    struct RPC_UNICODE_STRING name = ustr(right);
    struct LsarAccountRights r = { .PolicyHandle = *h };
    r.AccountSid = *ndr_sid_to_rpc(arena, sid);
    r.UserRights.EntriesRead = 1;
    r.UserRights.UserRights = &name;
    *fault = call(c, LSA_AddAccountRights, &r);
    return r.Result;
}

static size_t rights_count(struct registry *reg, const struct sid *sid)
{
    char **list = NULL;
    size_t n = 0;
    sam_account_rights(reg, sid, &list, &n);
    sam_strings_free(list, n);
    return n;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char db[256];
    snprintf(db, sizeof db, "%s/registry.db", dir);
    struct registry *reg = NULL;
    struct audit_actor self;
    uint32_t rid = 0;
    if (registry_open(db, &reg) != STATUS_SUCCESS || sam_init(reg, audit_actor_self(&self, "cli", NULL), NULL) ||
        sam_user_add(reg, &self, "alice", NULL, NULL, 0, NULL, &rid))
        return 1;
    struct sam_user alice;
    sam_user_by_rid(reg, rid, &alice);
    ok(lsa_rpc_server_new(db, 16, &rpc) == STATUS_SUCCESS, "lsassd's RPC server on a scratch registry");
    arena = ndr_arena_new(1 << 24);

    struct access_token *admin = token_new(&alice.sid, &alice.sid);
    token_add_group(admin, &SID_BUILTIN_ADMINISTRATORS);
    struct access_token *user = token_new(&alice.sid, &alice.sid);
    token_add_group(user, &SID_BUILTIN_USERS);

    /* ---- Access ---- */
    struct conn a, u, n;
    conn_open(&a, admin);
    conn_open(&u, user);
    conn_open(&n, NULL);
    struct policy_handle ha, hu, hn, tmp;
    is_int(open_policy(&a, 0x02000000, &ha), STATUS_SUCCESS, "an administrator opens the policy");
    is_int(open_policy(&u, 0x02000000, &hu), STATUS_SUCCESS, "a user opens it (MAXIMUM_ALLOWED)");
    is_int(open_policy(&u, 0x10, &tmp), STATUS_ACCESS_DENIED, "... but not asking POLICY_CREATE_ACCOUNT");
    is_int(open_policy(&n, 0x02000000, &hn), STATUS_SUCCESS, "anonymous opens it");
    struct LsarQueryInformationPolicy q = { .PolicyHandle = hn, .InformationClass = PolicyAccountDomainInformation };
    ok(call(&n, LSA_QueryInformationPolicy, &q) == 0 && q.Result == STATUS_ACCESS_DENIED,
       "anonymous may not view the policy");
    q.PolicyHandle = hu;
    ok(call(&u, LSA_QueryInformationPolicy, &q) == 0 && q.Result == STATUS_SUCCESS && q.PolicyInformation,
       "a user may");
    uint32_t fault;
    is_int(add_rights(&u, &hu, &alice.sid, "SeBackupPrivilege", &fault), STATUS_ACCESS_DENIED,
           "a user may not add rights");
    is_int((int)rights_count(reg, &alice.sid), 0, "... nothing was stored");
    is_int(add_rights(&a, &ha, &alice.sid, "SeBackupPrivilege", &fault), STATUS_SUCCESS, "an administrator may");
    is_int((int)rights_count(reg, &alice.sid), 1, "... stored");

    /* ---- Malformed and out of range: faults ---- */
    struct LsarLookupNames ln = { .PolicyHandle = hu, .Count = 1001, .LookupLevel = 1 };
    ln.Names = ndr_arena_array(arena, 1001, sizeof *ln.Names);
    for (int i = 0; i < 1001; i++)
        ln.Names[i] = ustr("alice");
    is_int((int)call(&u, LSA_LookupNames, &ln), (int)DCERPC_FAULT_NDR, "LookupNames of 1001 names ([range(0,1000)]): a fault");
    struct RPC_UNICODE_STRING names[257];
    for (int i = 0; i < 257; i++)
        names[i] = ustr("SeTcbPrivilege");
    struct LsarAccountRights ar = { .PolicyHandle = ha };
    ar.AccountSid = *ndr_sid_to_rpc(arena, &alice.sid);
    ar.UserRights.EntriesRead = 257;
    ar.UserRights.UserRights = names;
    is_int((int)call(&a, LSA_AddAccountRights, &ar), (int)DCERPC_FAULT_NDR, "AddAccountRights of 257 rights: a fault");
    is_int((int)rights_count(reg, &alice.sid), 1, "... nothing changed");
    uint32_t subs[16] = { 21, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    struct LsarAccountRights er = { .PolicyHandle = ha };
    er.AccountSid = (struct RPC_SID){ 1, 16, { 0, 0, 0, 0, 0, 5 }, subs };
    is_int((int)call(&a, LSA_EnumerateAccountRights, &er), (int)DCERPC_FAULT_NDR, "a SID of 16 sub-authorities: a fault");
    struct LsarAccountRights bad = { .PolicyHandle = ha };
    struct RPC_UNICODE_STRING odd = ustr("SeNoSuchRight");
    bad.AccountSid = *ndr_sid_to_rpc(arena, &alice.sid);
    bad.UserRights.EntriesRead = 1;
    bad.UserRights.UserRights = &odd;
    ok(call(&a, LSA_AddAccountRights, &bad) == 0 && bad.Result == STATUS_NO_SUCH_PRIVILEGE,
       "an unknown right: STATUS_NO_SUCH_PRIVILEGE");
    uint16_t lone[1] = { 0xD800 };
    struct RPC_UNICODE_STRING surrogate = { 2, 2, lone };
    bad.UserRights.UserRights = &surrogate;
    ok(call(&a, LSA_AddAccountRights, &bad) == 0 && bad.Result == STATUS_NO_SUCH_PRIVILEGE,
       "a name that is not UTF-16: no such privilege either");
    ln.Count = 1;
    ln.Names[0] = surrogate;
    ok(call(&u, LSA_LookupNames, &ln) == 0 && ln.Result == STATUS_NONE_MAPPED, "... and no name to look up");
    is_int((int)rights_count(reg, &alice.sid), 1, "nothing changed");

    /* ---- Handles ---- */
    struct LsarOpenAccount oa = { .PolicyHandle = ha, .DesiredAccess = 0x02000000 };
    oa.AccountSid = *ndr_sid_to_rpc(arena, &alice.sid);
    ok(call(&a, LSA_OpenAccount, &oa) == 0 && oa.Result == STATUS_SUCCESS, "OpenAccount");
    q.PolicyHandle = oa.AccountHandle;
    ok(call(&a, LSA_QueryInformationPolicy, &q) == 0 && q.Result == STATUS_INVALID_HANDLE,
       "an account handle where a policy handle goes: STATUS_INVALID_HANDLE");
    q.PolicyHandle = ha;
    is_int((int)call(&u, LSA_QueryInformationPolicy, &q), (int)DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH,
           "another client's handle: context mismatch");
    /* The association holds ha and the account handle; 16 in all. */
    int opened = 0;
    uint32_t last = STATUS_SUCCESS;
    for (int i = 0; i < 20 && last == STATUS_SUCCESS; i++)
        if ((last = open_policy(&a, 0x02000000, &tmp)) == STATUS_SUCCESS)
            opened++;
    ok(opened == 14 && last == STATUS_INSUFFICIENT_RESOURCES,
       "the 17th handle is refused: STATUS_INSUFFICIENT_RESOURCES (%d opened)", opened);
    struct LsarClose cl = { .ObjectHandle = ha };
    ok(call(&a, LSA_Close, &cl) == 0 && cl.Result == STATUS_SUCCESS, "closing one ...");
    ok(open_policy(&a, 0x02000000, &tmp) == STATUS_SUCCESS, "... makes room for another");
    cl.ObjectHandle = ha;
    is_int((int)call(&a, LSA_Close, &cl), (int)DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH, "closing it twice: context mismatch");

    conn_close(&a);
    conn_close(&u);
    conn_close(&n);
    token_free(admin);
    token_free(user);
    sam_user_free(&alice);
    ndr_arena_free(arena);
    lsa_rpc_server_free(rpc);
    registry_close(reg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
