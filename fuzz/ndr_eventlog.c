/* Fuzz target: the stub data of every eventlog ([MS-EVEN]) request. The
 * first byte picks the opnum (modulo the interface's count); when its high
 * bit is set and the stub starts with a 20-byte handle, those bytes are
 * replaced by a live handle (an administrator's open Security log), so the
 * handlers behind the handle lookup see the fuzzed rest; the rest is the
 * stub. It is sent as a request over an association bound as a client
 * would (faults are answers, not failures), and unmarshalled on its own as
 * request and as reply. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc/dcerpc.h"
#include "dcerpc/pdu.h"
#include "eventlog/even_idl.h"
#include "lib/sid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void dispatch(uint8_t selector, uint16_t opnum, const uint8_t *stub, size_t len)
{
    static struct audit_entry entries[3];
    entries[0] = (struct audit_entry){ .id = 1, .at_ms = 1000, .user = "root", .via = "cli", .action = "share.add",
                                       .object = "data", .outcome = "ok", .log = AUDIT_LOG_SECURITY, .record = 1 };
    entries[1] = (struct audit_entry){ .id = 2, .at_ms = 2000, .user = "lsassd", .via = "daemon",
                                       .action = "logon.failure", .object = "bob", .detail = "STATUS_LOGON_FAILURE",
                                       .outcome = "refused", .log = AUDIT_LOG_SECURITY, .record = 2 };
    entries[2] = (struct audit_entry){ .id = 3, .at_ms = 3000, .user = "lwiod", .via = "daemon",
                                       .action = "daemon.start", .object = "lwiod", .outcome = "ok",
                                       .log = AUDIT_LOG_SYSTEM, .record = 1 };
    struct eventlog_memory memory = { entries, 3, "FUZZ" };
    struct eventlog_backend backend;
    eventlog_memory_backend(&memory, &backend);
    struct dcerpc_server *server = dcerpc_server_new(NULL);
    eventlog_register(server, &backend);
    struct sid admin;
    sid_parse("S-1-5-21-1-2-3-500", &admin);
    struct access_token *token = token_new(&admin, &admin);
    token_add_group(token, &SID_BUILTIN_ADMINISTRATORS);
    struct dcerpc_caller caller = { .token = token };
    struct dcerpc_client_transport transport;
    struct dcerpc_loopback *loop = dcerpc_loopback_new(server, &caller, &transport);
    struct dcerpc_client *client = dcerpc_client_new(&transport, NULL);
    struct ndr_arena *arena = ndr_arena_new(1u << 22);
    uint16_t context = 0;
    uint32_t reject = 0, fault = 0;
    struct buf in, reply;
    buf_init(&in);
    buf_init(&reply);
    if (client && arena && dcerpc_client_bind(client, &eventlog_interface, &context, &reject) == STATUS_SUCCESS) {
        uint16_t name[] = { 'S', 'e', 'c', 'u', 'r', 'i', 't', 'y', 0 };
        struct ElfrOpenELW open = { .ModuleName = { 18, 18, name }, .RegModuleName = { 0, 0, NULL },
                                    .MajorVersion = 1, .MinorVersion = 1 };
        uint8_t *copy = malloc(len ? len : 1);
        if (copy && dcerpc_client_call(client, context, &eventlog_interface, EVEN_ElfrOpenELW, &open, arena,
                                       &fault) == STATUS_SUCCESS) {
            memcpy(copy, stub, len);
            if ((selector & 0x80) && len >= 20)
                memcpy(copy, &open.LogHandle, 20);
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 100, context, opnum, copy, len,
                                   dcerpc_client_max_xmit(client));
            if (wr_ok(&in))
                dcerpc_client_raw(client, in.data, in.len, &reply);
        }
        free(copy);
    }
    buf_free(&in);
    buf_free(&reply);
    ndr_arena_free(arena);
    dcerpc_client_free(client);
    dcerpc_loopback_free(loop);
    token_free(token);
    dcerpc_server_free(server);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint16_t opnum = (uint16_t)((data[0] & 0x7F) % eventlog_interface.op_count);
    const uint8_t *stub = data + 1;
    size_t len = size - 1;
    dispatch(data[0], opnum, stub, len);
    const struct ndr_type *params = eventlog_interface.ops[opnum].params;
    if (!params)
        return 0;
    struct ndr_arena *arena = ndr_arena_new(1u << 22);
    void *r = ndr_arena_alloc(arena, params->size);
    if (r && ndr_pull(arena, stub, len, params, r, NDR_IN) != STATUS_SUCCESS)
        memset(r, 0, params->size);
    if (r)
        ndr_pull(arena, stub, len, params, r, NDR_OUT);
    ndr_arena_free(arena);
    return 0;
}
