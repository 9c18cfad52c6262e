/* Fuzz target: the stub data of every samr request. The first byte picks the
 * opnum, the second which live handle (none, server, domain, Builtin, user,
 * alias) replaces the stub's first 20 bytes, so that handlers behind a
 * handle check are reached; the rest is the stub.
 * Each input is served on a fresh association of a registry made once (a
 * scratch SAM with a user and a local group), after a Connect5, OpenDomain,
 * OpenUser and OpenAlias made through the client runtime; the stub is also
 * unmarshalled as a reply ([out]), the way the client runtime reads one. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "dcerpc/pdu.h"
#include "lsass/sam/sam.h"
#include "lsass/samr/samr.h"
#include "registry/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lsa_rpc_context ctx = { .reg_lock = PTHREAD_MUTEX_INITIALIZER };
static struct access_token *admin;
static struct sid domain_sid;
static uint32_t user_rid, alias_rid;

static char dir[] = "/tmp/sw-fuzz-samr.XXXXXX";

/* The scratch registry goes when the fuzzer ends. */
static void cleanup(void)
{
    registry_close(ctx.reg);
    token_free(admin);
    char cmd[sizeof dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "ndr_samr: could not remove %s\n", dir);
}

static void setup(void)
{
    static char db[300];
    if (!mkdtemp(dir))
        abort();
    atexit(cleanup);
    snprintf(db, sizeof db, "%s/registry.db", dir);
    struct audit_actor actor = { "cli", 0, "fuzz", NULL };
    if (registry_open(db, &ctx.reg) != STATUS_SUCCESS || sam_init(ctx.reg, &actor, NULL) != STATUS_SUCCESS)
        abort();
    ctx.db_path = db;
    sam_user_add(ctx.reg, &actor, "alice", "Alice A", NULL, 0, "Alice-pass1", &user_rid);
    sam_group_add(ctx.reg, &actor, "staff", "the staff", &alias_rid);
    sam_domain_sid(ctx.reg, &domain_sid);
    struct sid user;
    sid_append(&user, &domain_sid, user_rid);
    admin = token_new(&user, &user);
    token_add_group(admin, &SID_BUILTIN_ADMINISTRATORS);
}

/* Opens the handles the input may use. */
static void open_handles(struct dcerpc_client *client, uint16_t cid, struct ndr_arena *arena,
                         struct policy_handle h[6])
{
    uint32_t fault;
    struct SamrConnect5 c5 = { .DesiredAccess = 0x02000000, .InVersion = 1 };
    if (dcerpc_client_call(client, cid, &samr_interface, 64, &c5, arena, &fault) != STATUS_SUCCESS)
        return;
    h[1] = c5.ServerHandle;
    const struct sid *domains[2] = { &domain_sid, &SID_BUILTIN };
    for (int i = 0; i < 2; i++) {
        struct SamrOpenDomain od = { .ServerHandle = h[1], .DesiredAccess = 0x02000000 };
        struct RPC_SID *s = ndr_sid_to_rpc(arena, domains[i]);
        if (!s)
            return;
        od.DomainId = *s;
        if (dcerpc_client_call(client, cid, &samr_interface, 7, &od, arena, &fault) != STATUS_SUCCESS)
            return;
        h[2 + i] = od.DomainHandle;
    }
    struct SamrOpenAccount ou = { .DomainHandle = h[2], .DesiredAccess = 0x02000000, .Id = user_rid };
    if (dcerpc_client_call(client, cid, &samr_interface, 34, &ou, arena, &fault) == STATUS_SUCCESS)
        h[4] = ou.Handle;
    struct SamrOpenAccount oa = { .DomainHandle = h[2], .DesiredAccess = 0x02000000, .Id = alias_rid };
    if (dcerpc_client_call(client, cid, &samr_interface, 27, &oa, arena, &fault) == STATUS_SUCCESS)
        h[5] = oa.Handle;
}

static void dispatch(uint16_t opnum, unsigned which, const uint8_t *stub, size_t len)
{
    struct dcerpc_server *server = dcerpc_server_new(NULL);
    lsa_rpc_unregister_fn unregister = NULL;
    void *state = NULL;
    samr_interface_register(server, &ctx, &unregister, &state);
    static const uint8_t key[16] = { 1 };
    struct dcerpc_caller caller = { .token = admin, .session_key = key, .session_key_len = sizeof key };
    struct dcerpc_client_transport t;
    struct dcerpc_loopback *loop = dcerpc_loopback_new(server, &caller, &t);
    struct dcerpc_client *client = dcerpc_client_new(&t, NULL);
    struct ndr_arena *arena = ndr_arena_new(1u << 22);
    uint16_t cid = 0;
    uint32_t reject = 0;
    struct policy_handle h[6];
    memset(h, 0, sizeof h);
    if (dcerpc_client_bind(client, &samr_interface, &cid, &reject) == STATUS_SUCCESS) {
        open_handles(client, cid, arena, h);
        uint8_t *copy = malloc(len ? len : 1);
        if (copy) {
            memcpy(copy, stub, len);
            if (which && len >= 20) {
                uint8_t raw[20];
                memcpy(raw, &h[which].attributes, 4); /* little-endian hosts only, as the fuzzers run */
                memcpy(raw + 4, h[which].uuid, 16);
                memcpy(copy, raw, 20);
            }
            struct buf pdu, reply;
            buf_init(&pdu);
            buf_init(&reply);
            dcerpc_fragments_write(&pdu, DCERPC_PKT_REQUEST, 0, 99, cid, opnum, copy, len, 4280);
            if (wr_ok(&pdu))
                dcerpc_client_raw(client, pdu.data, pdu.len, &reply);
            buf_free(&pdu);
            buf_free(&reply);
            free(copy);
        }
    }
    ndr_arena_free(arena);
    dcerpc_client_free(client);
    dcerpc_loopback_free(loop);
    dcerpc_server_free(server);
    if (unregister)
        unregister(state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, setup);
    if (size < 2)
        return 0;
    uint16_t opnum = (uint16_t)(data[0] % samr_interface.op_count);
    const struct ndr_type *params = samr_interface.ops[opnum].params;
    dispatch(opnum, data[1] % 6, data + 2, size - 2);
    if (!params)
        return 0;
    struct ndr_arena *arena = ndr_arena_new(1u << 22);
    void *r = ndr_arena_alloc(arena, params->size);
    if (r)
        ndr_pull(arena, data + 2, size - 2, params, r, NDR_OUT);
    ndr_arena_free(arena);
    return 0;
}
