/* Fuzz target: the stub data of every lsarpc, dssetup and mgmt request. The
 * first byte picks the interface (modulo 3: lsarpc, dssetup, mgmt) and the
 * second the opnum (lsarpc's go past 255: the opnum is the second byte plus
 * 256 times the third's low bit); the rest is the stub.
 * It is unmarshalled as the request ([in]) and, when that succeeds,
 * marshalled again and dispatched through a bound association of lsassd's
 * RPC server (over a scratch registry with an initialised SAM), after an
 * OpenPolicy2 on the same association whose handle replaces the first 20
 * stub bytes when the first byte's high bit is set, so the handlers behind
 * the handle checks run too. It is also unmarshalled as a response ([out]). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "dcerpc/pdu.h"
#include "dcerpc/server_private.h"
#include "lib/sid.h"
#include "lsass/lsarpc/lsarpc.h"
#include "lsass/sam/sam.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lsa_rpc_server *rpc;
static char db_dir[64];

static void cleanup(void)
{
    lsa_rpc_server_free(rpc);
    char path[128];
    static const char *const files[] = { "registry.db", "registry.db-wal", "registry.db-shm" };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", db_dir, files[i]);
        unlink(path);
    }
    rmdir(db_dir);
}

/* One scratch registry for the whole run: made once, removed at exit. */
static struct dcerpc_server *server(void)
{
    if (rpc)
        return lsa_rpc_server_dcerpc(rpc);
    snprintf(db_dir, sizeof db_dir, "/tmp/sw-fuzz-lsarpc.XXXXXX");
    if (!mkdtemp(db_dir))
        abort();
    char db[128];
    snprintf(db, sizeof db, "%s/registry.db", db_dir);
    struct registry *reg = NULL;
    struct audit_actor actor;
    if (registry_open(db, &reg) != STATUS_SUCCESS || sam_init(reg, audit_actor_self(&actor, "cli", NULL), NULL) !=
                                                          STATUS_SUCCESS)
        abort();
    registry_close(reg);
    if (lsa_rpc_server_new(db, 64, &rpc) != STATUS_SUCCESS)
        abort();
    atexit(cleanup);
    return lsa_rpc_server_dcerpc(rpc);
}

/* The policy handle of an OpenPolicy2 reply (the first 20 stub bytes). */
static bool policy_handle_of(const struct buf *out, uint8_t handle[20])
{
    size_t pos = 0;
    while (out->len - pos >= DCERPC_HEADER_LEN) {
        struct dcerpc_header h;
        if (dcerpc_header_read(out->data + pos, out->len - pos, &h) != STATUS_SUCCESS || h.frag_length > out->len - pos)
            return false;
        if (h.ptype == DCERPC_PKT_RESPONSE && h.frag_length >= 24 + 20) {
            memcpy(handle, out->data + pos + 24, 20);
            return true;
        }
        pos += h.frag_length;
    }
    return false;
}

static void dispatch(const struct dcerpc_interface *iface, uint16_t opnum, uint8_t *stub, size_t len,
                     bool use_handle)
{
    struct sid admin;
    sid_parse("S-1-5-21-1-2-3-500", &admin);
    struct access_token *token = token_new(&admin, &admin);
    token_add_group(token, &SID_BUILTIN_ADMINISTRATORS);
    struct dcerpc_caller caller = { .token = token, .endpoint = "\\PIPE\\lsarpc" };
    struct dcerpc_association *assoc = dcerpc_association_new(server(), &caller);

    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem elems[2] = { { 0, iface->syntax, 1, &ndr20 }, { 1, lsarpc_interface.syntax, 1, &ndr20 } };
    struct dcerpc_bind bind = { 4280, 4280, 0, 2, elems };
    dcerpc_bind_write(&in, DCERPC_PKT_BIND, 1, &bind);
    /* OpenPolicy2(NULL, {24, ...}, MAXIMUM_ALLOWED) on context 1. */
    static const uint8_t open2[] = { 0, 0, 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 1, LSA_OpenPolicy2, open2, sizeof open2, 4280);
    if (wr_ok(&in))
        dcerpc_association_input(assoc, in.data, in.len, &out);
    uint8_t handle[20];
    if (use_handle && len >= 20 && policy_handle_of(&out, handle))
        memcpy(stub, handle, 20);
    buf_reset(&in);
    buf_reset(&out);
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 3, 0, opnum, stub, len, 4280);
    if (wr_ok(&in))
        dcerpc_association_input(assoc, in.data, in.len, &out);
    buf_free(&in);
    buf_free(&out);
    dcerpc_association_free(assoc);
    token_free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static const struct dcerpc_interface *const ifaces[] = { &lsarpc_interface, &dssetup_interface,
                                                             &dcerpc_mgmt_interface };
    const struct dcerpc_interface *iface = ifaces[(data[0] & 0x7F) % 3];
    uint16_t opnum = (uint16_t)((data[1] | (data[2] & 1) << 8) % iface->op_count);
    const uint8_t *stub = data + 3;
    size_t len = size - 3;
    const struct ndr_type *params = iface->ops[opnum].params;
    if (!params)
        return 0;
    struct ndr_arena *arena = ndr_arena_new(1u << 22);
    void *r = ndr_arena_alloc(arena, params->size);
    if (r && ndr_pull(arena, stub, len, params, r, NDR_IN) == STATUS_SUCCESS) {
        struct buf again;
        buf_init(&again);
        if (ndr_push(&again, params, r, NDR_IN) == STATUS_SUCCESS)
            dispatch(iface, opnum, again.data, again.len, (data[0] & 0x80) != 0);
        buf_free(&again);
    } else if (r) {
        memset(r, 0, params->size);
    }
    if (r)
        ndr_pull(arena, stub, len, params, r, NDR_OUT);
    ndr_arena_free(arena);
    return 0;
}
