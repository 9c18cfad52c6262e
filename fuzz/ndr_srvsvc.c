/* Fuzz target: the stub data of every srvsvc, wkssvc and winreg request. The
 * first byte picks the interface (modulo 3: srvsvc, wkssvc, winreg) and the
 * second the opnum; the rest is the stub.
 * It is unmarshalled as the request ([in]) and, when that succeeds,
 * marshalled again and dispatched through a bound association (so each
 * handler sees it); it is also unmarshalled as a response ([out]), the way
 * the client runtime reads replies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc/dcerpc.h"
#include "dcerpc/pdu.h"
#include "lib/sid.h"
#include "srvsvc/srvsvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dispatch(const struct dcerpc_interface *iface, uint16_t opnum, const uint8_t *stub, size_t len)
{
    struct srvsvc_memory *mem = srvsvc_memory_new("FUZZ");
    struct srvsvc_share share = { .name = "data", .path = "/tmp", .comment = "fuzz", .max_uses = 1 };
    struct srvsvc_session session = { .id = 1, .client = "10.0.0.1", .user = "FUZZ\\alice" };
    struct srvsvc_file file = { .id = 7, .path = "/tmp/x", .user = "FUZZ\\alice" };
    struct srvsvc_connection conn = { .id = 3, .share = "data", .client = "10.0.0.1", .user = "alice" };
    srvsvc_memory_add_share(mem, &share);
    srvsvc_memory_add_session(mem, &session);
    srvsvc_memory_add_file(mem, &file);
    srvsvc_memory_add_connection(mem, &conn);
    struct srvsvc_backend backend;
    srvsvc_memory_backend(mem, &backend);
    struct dcerpc_server *server = dcerpc_server_new(NULL);
    srvsvc_register(server, &backend);
    struct sid admin;
    sid_parse("S-1-5-21-1-2-3-500", &admin);
    struct access_token *token = token_new(&admin, &admin);
    token_add_group(token, &SID_BUILTIN_ADMINISTRATORS);
    struct dcerpc_caller caller = { .token = token };
    struct dcerpc_association *assoc = dcerpc_association_new(server, &caller);

    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem elem = { 0, iface->syntax, 1, &ndr20 };
    struct dcerpc_bind bind = { 4280, 4280, 0, 1, &elem };
    dcerpc_bind_write(&in, DCERPC_PKT_BIND, 1, &bind);
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, opnum, stub, len, 4280);
    if (wr_ok(&in))
        dcerpc_association_input(assoc, in.data, in.len, &out);
    buf_free(&in);
    buf_free(&out);
    dcerpc_association_free(assoc);
    token_free(token);
    dcerpc_server_free(server);
    srvsvc_memory_free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    static const struct dcerpc_interface *const ifaces[] = { &srvsvc_interface, &wkssvc_interface,
                                                             &winreg_interface };
    const struct dcerpc_interface *iface = ifaces[data[0] % 3];
    uint16_t opnum = (uint16_t)(data[1] % iface->op_count);
    const uint8_t *stub = data + 2;
    size_t len = size - 2;
    const struct ndr_type *params = iface->ops[opnum].params;
    if (!params)
        return 0;
    struct ndr_arena *arena = ndr_arena_new(1u << 22);
    void *r = ndr_arena_alloc(arena, params->size);
    if (r && ndr_pull(arena, stub, len, params, r, NDR_IN) == STATUS_SUCCESS) {
        struct buf again;
        buf_init(&again);
        if (ndr_push(&again, params, r, NDR_IN) == STATUS_SUCCESS)
            dispatch(iface, opnum, again.data, again.len);
        buf_free(&again);
    } else if (r) {
        /* A failed pull leaves half-read members behind: start clean. */
        memset(r, 0, params->size);
    }
    /* As a reply: the [in] members (levels) stay as the pull above left them. */
    if (r)
        ndr_pull(arena, stub, len, params, r, NDR_OUT);
    ndr_arena_free(arena);
    return 0;
}
