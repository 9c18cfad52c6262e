/* Fuzz target: bytes a client writes to an RPC pipe. The input is fed, in
 * chunks whose sizes come from its first byte, to one server association
 * serving srvsvc and wkssvc from the in-memory back end, and then to every
 * PDU parser the client runtime uses. Whatever the bytes, the server answers
 * with PDUs or closes, and nothing reads or allocates out of bounds. */
#include <stdint.h>
#include <stdlib.h>

#include "dcerpc/dcerpc.h"
#include "dcerpc/pdu.h"
#include "lib/sid.h"
#include "srvsvc/srvsvc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parsers(const uint8_t *data, size_t size)
{
    struct dcerpc_header h;
    if (dcerpc_header_read(data, size, &h) != STATUS_SUCCESS || h.frag_length > size)
        return;
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct dcerpc_bind bind;
    dcerpc_bind_read(data, h.frag_length, arena, &bind);
    ndr_arena_free(arena);
    struct dcerpc_bind_ack *ack = malloc(sizeof *ack);
    if (ack)
        dcerpc_bind_ack_read(data, h.frag_length, ack);
    free(ack);
    uint16_t reason;
    dcerpc_bind_nak_read(data, h.frag_length, &reason);
    struct dcerpc_request req;
    dcerpc_request_read(data, h.frag_length, &req);
    struct dcerpc_response resp;
    dcerpc_response_read(data, h.frag_length, &resp);
    struct dcerpc_fault fault;
    dcerpc_fault_read(data, h.frag_length, &fault);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t chunk = (size_t)data[0] * 7 + 1; /* 1 .. 1786 bytes per write */
    data++;
    size--;
    struct srvsvc_memory *mem = srvsvc_memory_new("FUZZ");
    struct srvsvc_backend backend;
    srvsvc_memory_backend(mem, &backend);
    struct dcerpc_server_config config = { .call_memory = 1u << 22, .max_request = 1u << 20 };
    struct dcerpc_server *server = dcerpc_server_new(&config);
    srvsvc_register(server, &backend);
    struct sid admin;
    sid_parse("S-1-5-21-1-2-3-500", &admin);
    struct access_token *token = token_new(&admin, &admin);
    token_add_group(token, &SID_BUILTIN_ADMINISTRATORS);
    struct dcerpc_caller caller = { .token = token, .endpoint = "\\PIPE\\srvsvc" };
    struct dcerpc_association *assoc = dcerpc_association_new(server, &caller);
    struct buf out;
    buf_init(&out);
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        buf_reset(&out);
        if (dcerpc_association_input(assoc, data + off, n, &out) != STATUS_SUCCESS)
            break;
    }
    buf_free(&out);
    dcerpc_association_free(assoc);
    token_free(token);
    dcerpc_server_free(server);
    srvsvc_memory_free(mem);
    parsers(data, size);
    return 0;
}
