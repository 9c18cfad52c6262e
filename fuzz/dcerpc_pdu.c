/* Fuzz target: bytes a client writes to an RPC pipe. The input is fed, in
 * chunks whose sizes come from its first byte, to one server association
 * serving srvsvc and wkssvc from the in-memory back end, and then to every
 * PDU parser the client runtime uses. Whatever the bytes, the server answers
 * with PDUs or closes, and nothing reads or allocates out of bounds.
 *
 * The server has a security package that a fuzzer can satisfy (any first
 * token, then "OK"; a verifier whose first byte is 0 checks), so binds,
 * AUTH3, alter_context legs and signed or sealed fragments with any
 * sec_trailer and auth_pad_length reach the runtime's checks and the
 * dispatch behind them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    struct dcerpc_auth auth;
    if (dcerpc_auth_read(data, h.frag_length, &auth) == STATUS_SUCCESS && auth.token_len &&
        (auth.token[0] | auth.token[auth.token_len - 1]) == 0xFF)
        auth.auth_pad_length++; /* (the token is inside the PDU) */
}

/* ---- A security package a fuzzer can satisfy ---- */
struct fuzz_sec {
    unsigned legs;
};
static void *sec_start(void *arg, uint8_t type, const char *address)
{
    (void)arg, (void)address;
    return type == DCERPC_AUTH_TYPE_NTLMSSP || type == DCERPC_AUTH_TYPE_SPNEGO ? calloc(1, sizeof(struct fuzz_sec))
                                                                                 : NULL;
}
static NTSTATUS sec_accept(void *ctx, const uint8_t *in, size_t len, struct buf *out, struct access_token **token)
{
    struct fuzz_sec *s = ctx;
    if (++s->legs == 1) {
        wr_bytes(out, "CHALLENGE", 9);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (len == 2 && in[0] == 'O' && in[1] == 'K') {
        struct sid user;
        sid_parse("S-1-5-21-1-2-3-1000", &user);
        *token = token_new(&user, &user);
        return *token ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    return STATUS_LOGON_FAILURE;
}
static bool sec_can_protect(void *ctx) { return ctx != NULL; }
static void sec_sign(void *ctx, const uint8_t *pdu, size_t len, uint8_t sig[16])
{
    (void)ctx;
    memset(sig, 0, 16);
    sig[1] = len ? pdu[len - 1] : 0; /* reads the last signed byte */
}
static NTSTATUS sec_verify(void *ctx, const uint8_t *pdu, size_t len, const uint8_t sig[16])
{
    (void)ctx;
    return len && pdu[0] == 5 && sig[0] == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}
static void sec_seal(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n, uint8_t sig[16])
{
    sec_sign(ctx, pdu, len, sig);
    for (size_t i = 0; i < n; i++)
        pdu[off + i] ^= 0x5A; /* every byte of the region must be there */
}
static NTSTATUS sec_unseal(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n, const uint8_t sig[16])
{
    for (size_t i = 0; i < n; i++)
        pdu[off + i] ^= 0x5A;
    return sec_verify(ctx, pdu, len, sig);
}
static const struct dcerpc_auth_ops fuzz_auth = {
    .start = sec_start, .accept = sec_accept, .can_protect = sec_can_protect, .sign = sec_sign,
    .verify = sec_verify, .seal = sec_seal, .unseal = sec_unseal, .free = free,
};

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
    config.auth = &fuzz_auth;
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
