/* The connection-oriented runtimes against each other and against raw PDUs:
 * bind/alter negotiation (several contexts, NDR64 refused, bind time feature
 * negotiation, association groups, fragment sizes), fragmented requests and
 * responses, faults for what cannot be served, associations that end on
 * protocol violations, and RPC-level authentication (legs, signed and
 * sealed PDUs, what is refused) through a toy security package. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"
#include "dcerpc/pdu.h"
#include "dcerpc/server_private.h"
#include "lib/sid.h"
#include "t/tap/tap.h"

/* ---- A toy interface ---- */
struct add_call {
    uint32_t a, b; /* [in] */
    uint32_t sum;  /* [out] */
};
static const struct ndr_member add_members[] = {
    NDR_MEMBER(struct add_call, a, ndr_u32, .direction = NDR_IN),
    NDR_MEMBER(struct add_call, b, ndr_u32, .direction = NDR_IN),
    NDR_MEMBER(struct add_call, sum, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct add_call, add_params, add_members);

struct echo_call {
    uint32_t len;   /* [in, out] */
    uint8_t *data;  /* [in, out, size_is(len)] */
};
static NDR_POINTER_TYPE(bytes_ref, NDR_POINTER_REF, ndr_u8_array);
static const struct ndr_member echo_members[] = {
    NDR_MEMBER(struct echo_call, len, ndr_u32, .direction = NDR_IN | NDR_OUT),
    NDR_MEMBER(struct echo_call, data, bytes_ref, .direction = NDR_IN | NDR_OUT,
               .size_is = NDR_FIELD(struct echo_call, len)),
};
static NDR_PARAMS_TYPE(struct echo_call, echo_params, echo_members);

struct whoami_call {
    char *user;        /* [out, string, unique] */
    uint32_t key_len;  /* [out] */
    char *address;     /* [out, string, unique] */
};
static const struct ndr_member whoami_members[] = {
    NDR_MEMBER(struct whoami_call, user, ndr_wstring_unique, .direction = NDR_OUT),
    NDR_MEMBER(struct whoami_call, key_len, ndr_u32, .direction = NDR_OUT),
    NDR_MEMBER(struct whoami_call, address, ndr_wstring_unique, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct whoami_call, whoami_params, whoami_members);

static uint32_t do_add(struct dcerpc_call *call, void *r)
{
    struct add_call *c = r;
    c->sum = c->a + c->b;
    return 0;
}

static uint32_t do_echo(struct dcerpc_call *call, void *r)
{
    struct echo_call *c = r;
    for (uint32_t i = 0; i < c->len; i++)
        c->data[i] ^= 0xFF;
    return 0;
}

static uint32_t do_whoami(struct dcerpc_call *call, void *r)
{
    struct whoami_call *c = r;
    const struct access_token *t = dcerpc_call_token(call);
    if (t) {
        char text[SID_STRING_MAX];
        sid_format(&t->user, text, sizeof text);
        c->user = ndr_arena_strdup(dcerpc_call_arena(call), text);
    }
    size_t len;
    dcerpc_call_session_key(call, &len);
    c->key_len = (uint32_t)len;
    const char *addr = dcerpc_call_client_address(call);
    c->address = addr ? ndr_arena_strdup(dcerpc_call_arena(call), addr) : NULL;
    return 0;
}

static uint32_t do_deny(struct dcerpc_call *call, void *r) { return DCERPC_FAULT_ACCESS_DENIED; }

static const struct dcerpc_operation toy_ops[] = {
    { "Add", &add_params, do_add },
    { "Echo", &echo_params, do_echo },
    { "Whoami", &whoami_params, do_whoami },
    { "Unused", NULL, NULL },
    { "Deny", &add_params, do_deny },
};
static struct dcerpc_interface toy_iface = { "toy", { { 0 }, 1, 0 }, toy_ops, NDR_ARRAY_LEN(toy_ops) };
static struct dcerpc_interface toy2_iface = { "toy2", { { 0 }, 2, 1 }, toy_ops, 3 };
static struct dcerpc_interface absent_iface = { "absent", { { 0 }, 1, 0 }, toy_ops, 1 };

static struct dcerpc_server *server;

/* ---- helpers ---- */
struct conn {
    struct dcerpc_loopback *loop;
    struct dcerpc_client *client;
};

static void conn_open(struct conn *c, const struct dcerpc_client_options *opt, const struct dcerpc_caller *caller)
{
    struct dcerpc_client_transport t;
    c->loop = dcerpc_loopback_new(server, caller, &t);
    c->client = dcerpc_client_new(&t, opt);
}

static void conn_close(struct conn *c)
{
    dcerpc_client_free(c->client);
    dcerpc_loopback_free(c->loop);
}

/* Feeds raw bytes to a fresh association; returns its output. */
static NTSTATUS raw_session(const uint8_t *data, size_t len, size_t chunk, struct buf *out, bool *closed)
{
    struct dcerpc_association *a = dcerpc_association_new(server, NULL);
    NTSTATUS st = STATUS_SUCCESS;
    for (size_t off = 0; off < len && st == STATUS_SUCCESS; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        st = dcerpc_association_input(a, data + off, n, out);
    }
    *closed = dcerpc_association_closed(a);
    dcerpc_association_free(a);
    return st;
}

static void bind_pdu(struct buf *b, uint8_t ptype, uint32_t call_id, uint16_t max_frag, uint32_t group,
                     struct dcerpc_context_elem *elems, uint8_t count)
{
    struct dcerpc_bind bind = { max_frag, max_frag, group, count, elems };
    dcerpc_bind_write(b, ptype, call_id, &bind);
}

static struct dcerpc_context_elem elem(uint16_t id, const struct dcerpc_syntax_id *abstract,
                                       struct dcerpc_syntax_id *transfers, uint8_t n)
{
    struct dcerpc_context_elem e = { id, *abstract, n, transfers };
    return e;
}

/* The PDU at offset *pos of out: its header, and *pos moved past it. */
static bool next_pdu(const struct buf *out, size_t *pos, struct dcerpc_header *h, const uint8_t **pdu)
{
    if (*pos >= out->len || dcerpc_header_read(out->data + *pos, out->len - *pos, h) != STATUS_SUCCESS ||
        h->frag_length > out->len - *pos)
        return false;
    *pdu = out->data + *pos;
    *pos += h->frag_length;
    return true;
}

/* ---- tests ---- */

static void test_calls(void)
{
    struct conn c;
    conn_open(&c, NULL, NULL);
    uint16_t ctx;
    uint32_t reject, fault;
    ok(dcerpc_client_bind(c.client, &toy_iface, &ctx, &reject) == STATUS_SUCCESS, "bind");
    ok(dcerpc_client_assoc_group(c.client) != 0, "bind_ack gives an association group");
    struct ndr_arena *arena = ndr_arena_new(1 << 24);
    struct add_call add = { 40, 2, 0 };
    ok(dcerpc_client_call(c.client, ctx, &toy_iface, 0, &add, arena, &fault) == STATUS_SUCCESS && add.sum == 42,
       "a call returns its [out] values");

    /* 100000 bytes each way: both directions fragmented. */
    size_t n = 100000;
    uint8_t *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)(i * 7);
    struct echo_call echo = { (uint32_t)n, data };
    NTSTATUS st = dcerpc_client_call(c.client, ctx, &toy_iface, 1, &echo, arena, &fault);
    int same = st == STATUS_SUCCESS && echo.len == n;
    for (size_t i = 0; same && i < n; i++)
        same = echo.data[i] == (uint8_t)~(uint8_t)(i * 7);
    ok(same, "100000 bytes through fragmented request and response (%s)", nt_status_name(st));
    free(data);

    /* Faults leave the association usable. */
    struct add_call dummy = { 1, 2, 0 };
    st = dcerpc_client_call(c.client, ctx, &toy_iface, 4, &dummy, arena, &fault);
    ok(st == STATUS_RPC_PROTOCOL_ERROR && fault == DCERPC_FAULT_ACCESS_DENIED, "handler fault reaches the client");
    ok(dcerpc_client_call(c.client, ctx, &toy_iface, 0, &add, arena, &fault) == STATUS_SUCCESS,
       "association still serves after a fault");

    /* alter_context adds a second interface on the same association. */
    uint16_t ctx2;
    ok(dcerpc_client_bind(c.client, &toy2_iface, &ctx2, &reject) == STATUS_SUCCESS && ctx2 != ctx,
       "alter_context adds a presentation context");
    add.a = 1;
    ok(dcerpc_client_call(c.client, ctx2, &toy2_iface, 0, &add, arena, &fault) == STATUS_SUCCESS && add.sum == 3,
       "call on the altered context");
    st = dcerpc_client_bind(c.client, &absent_iface, &ctx2, &reject);
    ok(st == STATUS_RPC_PROTOCOL_ERROR &&
       reject == ((uint32_t)DCERPC_RESULT_PROVIDER_REJECTION << 16 | DCERPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED),
       "alter_context to an unknown interface is rejected (0x%x)", (unsigned)reject);
    ndr_arena_free(arena);
    conn_close(&c);
}

static void test_caller(void)
{
    struct sid user;
    sid_parse("S-1-5-21-1-2-3-1000", &user);
    struct access_token *token = token_new(&user, &user);
    uint8_t key[16] = { 1 };
    struct dcerpc_caller caller = { token, key, sizeof key, "127.0.0.1", "\\PIPE\\toy" };
    struct conn c;
    conn_open(&c, NULL, &caller);
    token_free(token); /* the association keeps its own copy */
    uint16_t ctx;
    uint32_t reject, fault;
    dcerpc_client_bind(c.client, &toy_iface, &ctx, &reject);
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct whoami_call who = { 0 };
    NTSTATUS st = dcerpc_client_call(c.client, ctx, &toy_iface, 2, &who, arena, &fault);
    ok(st == STATUS_SUCCESS && who.user && strcmp(who.user, "S-1-5-21-1-2-3-1000") == 0,
       "the handler sees the caller's token");
    ok(who.key_len == 16 && who.address && strcmp(who.address, "127.0.0.1") == 0,
       "and its session key and address");
    ndr_arena_free(arena);
    conn_close(&c);
}

static void test_negotiation(void)
{
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax, ndr64 = dcerpc_ndr64_syntax;
    struct dcerpc_syntax_id both[2] = { ndr64, ndr20 };
    struct dcerpc_syntax_id btfn = { { DCERPC_BTFN_TIME_LOW, DCERPC_BTFN_TIME_MID, DCERPC_BTFN_TIME_HI,
                                       { 0x03, 0 }, { 0 } }, 1, 0 };
    struct dcerpc_context_elem elems[5] = {
        elem(0, &toy_iface.syntax, &ndr64, 1),      /* NDR64 only */
        elem(1, &absent_iface.syntax, &ndr20, 1),   /* unknown interface */
        elem(2, &toy_iface.syntax, both, 2),        /* NDR64 and NDR 2.0 */
        elem(3, &toy_iface.syntax, &btfn, 1),       /* feature negotiation */
        elem(4, &toy2_iface.syntax, &ndr20, 1),
    };
    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    bind_pdu(&in, DCERPC_PKT_BIND, 7, 4280, 0, elems, 5);
    bool closed;
    NTSTATUS st = raw_session(in.data, in.len, 1, &out, &closed); /* one byte at a time */
    ok(st == STATUS_SUCCESS && !closed, "bind fed one byte at a time");
    struct dcerpc_bind_ack *ack = calloc(1, sizeof *ack);
    size_t pos = 0;
    struct dcerpc_header h;
    const uint8_t *pdu;
    ok(next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_BIND_ACK && h.call_id == 7 &&
       dcerpc_bind_ack_read(pdu, h.frag_length, ack) == STATUS_SUCCESS && pos == out.len, "one bind_ack");
    is_int(ack->result_count, 5, "a result per context");
    ok(ack->results[0].result == DCERPC_RESULT_PROVIDER_REJECTION &&
       ack->results[0].reason == DCERPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED, "NDR64 alone refused");
    ok(ack->results[1].result == DCERPC_RESULT_PROVIDER_REJECTION &&
       ack->results[1].reason == DCERPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED, "unknown interface refused");
    ok(ack->results[2].result == DCERPC_RESULT_ACCEPTANCE &&
       dcerpc_syntax_equal(&ack->results[2].transfer, &dcerpc_ndr20_syntax), "NDR 2.0 chosen over NDR64");
    ok(ack->results[3].result == DCERPC_RESULT_NEGOTIATE_ACK &&
       ack->results[3].reason == DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN, "feature negotiation acknowledged");
    ok(ack->results[4].result == DCERPC_RESULT_ACCEPTANCE, "second interface in the same bind");
    ok(ack->max_xmit_frag == 4280 && ack->max_recv_frag == 4280, "fragment sizes follow the client's");
    ok(ack->assoc_group_id != 0, "group id assigned");
    buf_free(&in);
    buf_free(&out);

    /* The client's options: feature negotiation and NDR64 offered. */
    struct dcerpc_client_options opt = { .feature_negotiation = true, .offer_ndr64 = true,
                                         .max_recv_frag = 2000, .max_xmit_frag = 1500 };
    struct conn c;
    conn_open(&c, &opt, NULL);
    uint16_t ctx;
    uint32_t reject;
    ok(dcerpc_client_bind(c.client, &toy_iface, &ctx, &reject) == STATUS_SUCCESS, "bind with options");
    is_int(dcerpc_client_features(c.client), DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN, "client learns features");
    is_int(dcerpc_client_max_xmit(c.client), 1500, "server receives what the client transmits");
    conn_close(&c);

    /* Fragment sizes below the minimum every implementation must accept. */
    buf_init(&in);
    buf_init(&out);
    bind_pdu(&in, DCERPC_PKT_BIND, 1, 1000, 0, elems + 2, 1);
    st = raw_session(in.data, in.len, in.len, &out, &closed);
    pos = 0;
    uint16_t reason = 0;
    ok(next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_BIND_NAK &&
       dcerpc_bind_nak_read(pdu, h.frag_length, &reason) == STATUS_SUCCESS &&
       reason == DCERPC_NAK_LOCAL_LIMIT_EXCEEDED && closed, "max frag below 1432: bind_nak");
    buf_free(&in);
    buf_free(&out);
    free(ack);
}

static void test_fragment_sizes(void)
{
    /* A client that can only receive 1500 bytes gets 1500-byte fragments. */
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem e = elem(0, &toy_iface.syntax, &ndr20, 1);
    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    struct dcerpc_bind bind = { 1500, 1500, 0, 1, &e };
    dcerpc_bind_write(&in, DCERPC_PKT_BIND, 1, &bind);
    /* Echo of 5000 bytes, itself sent in 1000-byte fragments. */
    struct echo_call echo = { 5000, calloc(1, 5000) };
    struct buf stub;
    buf_init(&stub);
    ndr_push(&stub, &echo_params, &echo, NDR_IN);
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 1, stub.data, stub.len, 1000);
    bool closed;
    raw_session(in.data, in.len, 333, &out, &closed);
    size_t pos = 0, frags = 0, total = 0;
    struct dcerpc_header h;
    const uint8_t *pdu;
    int sizes_ok = 1, flags_ok = 1;
    next_pdu(&out, &pos, &h, &pdu); /* bind_ack */
    while (next_pdu(&out, &pos, &h, &pdu)) {
        struct dcerpc_response resp;
        if (h.ptype != DCERPC_PKT_RESPONSE || dcerpc_response_read(pdu, h.frag_length, &resp) != STATUS_SUCCESS)
            break;
        sizes_ok &= h.frag_length <= 1500;
        flags_ok &= ((h.pfc_flags & DCERPC_PFC_FIRST_FRAG) != 0) == (frags == 0);
        flags_ok &= (resp.alloc_hint == stub.len - total);
        total += resp.stub_len;
        frags++;
        if (h.pfc_flags & DCERPC_PFC_LAST_FRAG)
            break;
    }
    ok(frags >= 4 && total == stub.len && pos == out.len, "response in %zu fragments, all of it", frags);
    ok(sizes_ok, "every fragment within the negotiated max_xmit");
    ok(flags_ok, "first/last flags and alloc_hint as specified");
    free(echo.data);
    buf_free(&stub);
    buf_free(&in);
    buf_free(&out);
}

static void test_faults(void)
{
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem e = elem(5, &toy_iface.syntax, &ndr20, 1);
    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    bind_pdu(&in, DCERPC_PKT_BIND, 1, 4280, 0, &e, 1);
    uint8_t add_stub[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 5, 3, add_stub, 8, 4280);  /* opnum not served */
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 3, 5, 99, add_stub, 8, 4280); /* beyond the table */
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 4, 5, 0, add_stub, 3, 4280);  /* short stub */
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 5, 9, 0, add_stub, 8, 4280);  /* unknown context */
    uint8_t huge[12] = { 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0 };
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 6, 5, 1, huge, 12, 4280);     /* huge array count */
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 7, 5, 0, add_stub, 8, 4280);  /* fine */
    bool closed;
    raw_session(in.data, in.len, in.len, &out, &closed);
    static const struct { uint32_t call_id; uint32_t status; const char *what; } expect[] = {
        { 2, DCERPC_NCA_S_OP_RNG_ERROR, "opnum without a routine" },
        { 3, DCERPC_NCA_S_OP_RNG_ERROR, "opnum beyond the interface" },
        { 4, DCERPC_FAULT_NDR, "truncated stub" },
        { 5, DCERPC_NCA_S_UNK_IF, "unknown presentation context" },
        { 6, DCERPC_FAULT_NDR, "conformant array with a huge count" },
    };
    size_t pos = 0;
    struct dcerpc_header h;
    const uint8_t *pdu;
    next_pdu(&out, &pos, &h, &pdu);
    for (size_t i = 0; i < NDR_ARRAY_LEN(expect); i++) {
        struct dcerpc_fault f = { 0 };
        bool good = next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_FAULT &&
                    h.call_id == expect[i].call_id && dcerpc_fault_read(pdu, h.frag_length, &f) == STATUS_SUCCESS &&
                    f.status == expect[i].status && (h.pfc_flags & DCERPC_PFC_DID_NOT_EXECUTE);
        ok(good, "%s: fault 0x%08x, did not execute", expect[i].what, (unsigned)f.status);
    }
    struct dcerpc_response resp;
    ok(next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_RESPONSE && h.call_id == 7 &&
       dcerpc_response_read(pdu, h.frag_length, &resp) == STATUS_SUCCESS && resp.stub_len == 4 &&
       resp.stub[0] == 3 && resp.context_id == 5, "and then a good call is answered");
    ok(!closed, "association survives call faults");
    buf_free(&in);
    buf_free(&out);
}

/* Each case: bytes after a good bind; the association must end, maybe after
 * a fault, and never with a response. */
static void test_protocol_errors(void)
{
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem e = elem(0, &toy_iface.syntax, &ndr20, 1);
    uint8_t stub[8] = { 0 };
    for (int which = 0; which < 8; which++) {
        struct buf in, out;
        buf_init(&in);
        buf_init(&out);
        if (which != 0)
            bind_pdu(&in, DCERPC_PKT_BIND, 1, 2048, 0, &e, 1);
        const char *what = "";
        size_t start = in.len;
        switch (which) {
        case 0:
            what = "request before bind";
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
            break;
        case 1:
            what = "second bind";
            bind_pdu(&in, DCERPC_PKT_BIND, 2, 2048, 0, &e, 1);
            break;
        case 2: {
            what = "fragment beyond max_recv";
            static uint8_t big[3000];
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 1, big, sizeof big, 4000);
            break;
        }
        case 3:
            what = "frag_length shorter than the header";
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
            wr_put_u16_at(&in, start + 8, 10);
            break;
        case 4:
            what = "wrong RPC version";
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
            in.data[start] = 4;
            break;
        case 5:
            what = "big-endian data representation";
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
            in.data[start + 4] = 0x00;
            break;
        case 6:
            what = "middle fragment of no call";
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
            in.data[start + 3] = 0;
            break;
        case 7:
            what = "server-to-client PDU";
            dcerpc_fault_write(&in, 0, 2, 0, 0, 5);
            break;
        }
        bool closed;
        NTSTATUS st = raw_session(in.data, in.len, in.len, &out, &closed);
        size_t pos = 0;
        struct dcerpc_header h;
        const uint8_t *pdu;
        int answered = 0;
        while (next_pdu(&out, &pos, &h, &pdu))
            answered |= h.ptype == DCERPC_PKT_RESPONSE;
        ok(closed && st == STATUS_CONNECTION_DISCONNECTED && !answered, "%s ends the association", what);
        buf_free(&in);
        buf_free(&out);
    }

    /* A fragment that claims more bytes than ever arrive: no answer, no crash;
     * the transport's end closes it. */
    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    bind_pdu(&in, DCERPC_PKT_BIND, 1, 4280, 0, &e, 1);
    size_t start = in.len;
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
    wr_put_u16_at(&in, start + 8, 2000);
    bool closed;
    raw_session(in.data, in.len, in.len, &out, &closed);
    size_t pos = 0;
    struct dcerpc_header h;
    const uint8_t *pdu;
    next_pdu(&out, &pos, &h, &pdu);
    ok(pos == out.len && !closed, "fragment length beyond the data: waits for the rest");
    buf_free(&in);
    buf_free(&out);
}

static void test_groups_and_orphans(void)
{
    struct conn a, b, c;
    conn_open(&a, NULL, NULL);
    uint16_t ctx;
    uint32_t reject;
    dcerpc_client_bind(a.client, &toy_iface, &ctx, &reject);
    uint32_t group = dcerpc_client_assoc_group(a.client);
    struct dcerpc_client_options opt = { .assoc_group_id = group };
    conn_open(&b, &opt, NULL);
    ok(dcerpc_client_bind(b.client, &toy_iface, &ctx, &reject) == STATUS_SUCCESS &&
       dcerpc_client_assoc_group(b.client) == group, "second association joins the group");
    struct dcerpc_client_options bad = { .assoc_group_id = group + 77 };
    conn_open(&c, &bad, NULL);
    NTSTATUS st = dcerpc_client_bind(c.client, &toy_iface, &ctx, &reject);
    ok(st == STATUS_RPC_PROTOCOL_ERROR && reject == DCERPC_NAK_REASON_NOT_SPECIFIED, "unknown group: bind_nak");
    conn_close(&c);
    conn_close(&a);
    conn_close(&b);
    conn_open(&c, &opt, NULL);
    ok(dcerpc_client_bind(c.client, &toy_iface, &ctx, &reject) == STATUS_RPC_PROTOCOL_ERROR,
       "group gone with its last association");
    conn_close(&c);

    /* An orphaned call is dropped; the next one is served. */
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem e = elem(0, &toy_iface.syntax, &ndr20, 1);
    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    bind_pdu(&in, DCERPC_PKT_BIND, 1, 4280, 0, &e, 1);
    uint8_t stub[8] = { 5, 0, 0, 0, 6, 0, 0, 0 };
    size_t start = in.len;
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 2, 0, 0, stub, 8, 4280);
    in.data[start + 3] = DCERPC_PFC_FIRST_FRAG; /* not the last */
    size_t o = dcerpc_pdu_begin(&in, DCERPC_PKT_ORPHANED, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, 2);
    dcerpc_pdu_end(&in, o);
    dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 3, 0, 0, stub, 8, 4280);
    bool closed;
    raw_session(in.data, in.len, in.len, &out, &closed);
    size_t pos = 0;
    struct dcerpc_header h;
    const uint8_t *pdu;
    next_pdu(&out, &pos, &h, &pdu);
    ok(next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_RESPONSE && h.call_id == 3 && pos == out.len &&
       !closed, "orphaned call dropped, next call answered");
    buf_free(&in);
    buf_free(&out);
}

struct serve_args {
    int fd;
};

/* ---- Context handles: a toy interface that opens, uses and closes them ---- */
struct hopen_call {
    uint32_t kind;               /* [in] */
    struct policy_handle handle; /* [out] */
    uint32_t status;             /* [out] */
};
static const struct ndr_member hopen_members[] = {
    NDR_MEMBER(struct hopen_call, kind, ndr_u32, .direction = NDR_IN),
    NDR_MEMBER(struct hopen_call, handle, ndr_policy_handle, .direction = NDR_OUT),
    NDR_MEMBER(struct hopen_call, status, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct hopen_call, hopen_params, hopen_members);
struct huse_call {
    struct policy_handle handle; /* [in, out]: Close zeroes it */
    uint32_t kind;               /* [out] */
};
static const struct ndr_member huse_members[] = {
    NDR_MEMBER(struct huse_call, handle, ndr_policy_handle, .direction = NDR_IN | NDR_OUT),
    NDR_MEMBER(struct huse_call, kind, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct huse_call, huse_params, huse_members);

static int destroyed;
static void count_destroy(void *data)
{
    destroyed++;
    free(data);
}

static uint32_t do_hopen(struct dcerpc_call *call, void *r)
{
    struct hopen_call *c = r;
    uint32_t *data = malloc(sizeof *data);
    *data = c->kind * 10;
    c->status = dcerpc_handle_create(call, c->kind, data, count_destroy, &c->handle);
    if (c->status != STATUS_SUCCESS)
        free(data);
    return 0;
}

static uint32_t do_huse(struct dcerpc_call *call, void *r)
{
    struct huse_call *c = r;
    uint32_t *data = dcerpc_handle_find(call, &c->handle, &c->kind);
    if (!data || *data != c->kind * 10)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    return 0;
}

static uint32_t do_huse_kind1(struct dcerpc_call *call, void *r)
{
    struct huse_call *c = r;
    if (!dcerpc_handle_find_kind(call, &c->handle, 1))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    c->kind = 1;
    return 0;
}

static uint32_t do_hclose(struct dcerpc_call *call, void *r)
{
    struct huse_call *c = r;
    if (!dcerpc_handle_close(call, &c->handle))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    memset(&c->handle, 0, sizeof c->handle);
    c->kind = (uint32_t)dcerpc_handle_count(call);
    return 0;
}

static const struct dcerpc_operation handle_ops[] = {
    { "Open", &hopen_params, do_hopen },
    { "Use", &huse_params, do_huse },
    { "UseKind1", &huse_params, do_huse_kind1 },
    { "Close", &huse_params, do_hclose },
};
static struct dcerpc_interface handle_iface = { "hnd", { { 0 }, 1, 0 }, handle_ops, NDR_ARRAY_LEN(handle_ops) };
static struct dcerpc_interface handle2_iface = { "hnd2", { { 0 }, 1, 0 }, handle_ops, NDR_ARRAY_LEN(handle_ops) };

struct hconn {
    struct conn c;
    uint16_t ctx, ctx2;
};

static void hconn_open(struct hconn *h, uint32_t group)
{
    struct dcerpc_client_options opt = { .assoc_group_id = group };
    uint32_t reject;
    conn_open(&h->c, &opt, NULL);
    dcerpc_client_bind(h->c.client, &handle_iface, &h->ctx, &reject);
    dcerpc_client_bind(h->c.client, &handle2_iface, &h->ctx2, &reject);
}

static NTSTATUS hcall(struct hconn *h, uint16_t opnum, struct policy_handle *handle, uint32_t *out,
                      uint32_t *fault)
{
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct huse_call c = { *handle, 0 };
    *fault = 0;
    NTSTATUS st = dcerpc_client_call(h->c.client, h->ctx, &handle_iface, opnum, &c, arena, fault);
    *handle = c.handle;
    *out = c.kind;
    ndr_arena_free(arena);
    return st;
}

static struct policy_handle hopen(struct hconn *h, uint16_t ctx, const struct dcerpc_interface *iface,
                                  uint32_t kind, uint32_t *status)
{
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct hopen_call c = { kind, { 0, { 0 } }, 0 };
    uint32_t fault;
    dcerpc_client_call(h->c.client, ctx, iface, 0, &c, arena, &fault);
    ndr_arena_free(arena);
    *status = c.status;
    return c.handle;
}

static bool is_mismatch(NTSTATUS st, const uint32_t *fault)
{
    return st == STATUS_RPC_PROTOCOL_ERROR && *fault == DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
}

static void test_context_handles(void)
{
    struct dcerpc_server_config config = { .max_handles = 4 };
    struct dcerpc_server *saved = server;
    server = dcerpc_server_new(&config);
    dcerpc_server_register(server, &handle_iface, NULL);
    dcerpc_server_register(server, &handle2_iface, NULL);
    destroyed = 0;

    struct hconn a, b;
    hconn_open(&a, 0);
    hconn_open(&b, 0);
    uint32_t status, kind, fault;
    struct policy_handle h1 = hopen(&a, a.ctx, &handle_iface, 1, &status);
    static const uint8_t zero[16];
    ok(status == STATUS_SUCCESS && h1.attributes == 0 && memcmp(h1.uuid, zero, 16) != 0,
       "a handle: attributes 0, a nonzero UUID");
    struct policy_handle h2 = hopen(&a, a.ctx, &handle_iface, 2, &status);
    ok(status == STATUS_SUCCESS && memcmp(h1.uuid, h2.uuid, 16) != 0, "two handles differ");
    struct policy_handle t = h2;
    ok(hcall(&a, 1, &t, &kind, &fault) == STATUS_SUCCESS && kind == 2, "found with its kind and data");
    t = h2;
    ok(is_mismatch(hcall(&a, 2, &t, &kind, &fault), &fault), "find_kind refuses another kind");
    t = h1;
    ok(is_mismatch(hcall(&b, 1, &t, &kind, &fault), &fault),
       "another association (another group) does not find it: context mismatch");
    t = h1;
    ok(is_mismatch(hcall(&b, 3, &t, &kind, &fault), &fault) && destroyed == 0,
       "nor close it");
    /* The same handle sent to another interface of the same association. */
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct huse_call other = { h1, 0 };
    NTSTATUS st = dcerpc_client_call(a.c.client, a.ctx2, &handle2_iface, 1, &other, arena, &fault);
    ndr_arena_free(arena);
    ok(is_mismatch(st, &fault), "another interface's handle: context mismatch");
    struct policy_handle nil = { 0, { 0 } };
    ok(is_mismatch(hcall(&a, 1, &nil, &kind, &fault), &fault), "the nil handle is no handle");
    struct policy_handle forged = h1;
    forged.uuid[15] ^= 1;
    ok(is_mismatch(hcall(&a, 1, &forged, &kind, &fault), &fault), "a changed UUID is no handle");
    forged = h1;
    forged.attributes = 1;
    ok(is_mismatch(hcall(&a, 1, &forged, &kind, &fault), &fault), "changed attributes: no handle");

    t = h1;
    ok(hcall(&a, 3, &t, &kind, &fault) == STATUS_SUCCESS && destroyed == 1 && kind == 1 &&
       memcmp(t.uuid, zero, 16) == 0, "close runs the destructor once");
    t = h1;
    ok(is_mismatch(hcall(&a, 1, &t, &kind, &fault), &fault), "a closed handle: context mismatch");
    t = h1;
    ok(is_mismatch(hcall(&a, 3, &t, &kind, &fault), &fault) && destroyed == 1, "closing it again: the same");

    /* The bound: four per group. */
    hopen(&a, a.ctx, &handle_iface, 3, &status);
    hopen(&a, a.ctx2, &handle2_iface, 4, &status);
    hopen(&a, a.ctx, &handle_iface, 5, &status);
    ok(status == STATUS_SUCCESS, "up to max_handles");
    hopen(&a, a.ctx, &handle_iface, 6, &status);
    ok(status == STATUS_INSUFFICIENT_RESOURCES && destroyed == 1,
       "one more: STATUS_INSUFFICIENT_RESOURCES, nothing created");
    t = h2;
    ok(hcall(&a, 1, &t, &kind, &fault) == STATUS_SUCCESS, "the old ones still work");
    struct policy_handle hb = hopen(&b, b.ctx, &handle_iface, 7, &status);
    ok(status == STATUS_SUCCESS, "another group has its own bound");

    /* An association that joins the group shares its handles (Windows'
     * rpc.handles lsarpc-shared), and they live while the group does. */
    struct hconn a2;
    hconn_open(&a2, dcerpc_client_assoc_group(a.c.client));
    t = h2;
    ok(hcall(&a2, 1, &t, &kind, &fault) == STATUS_SUCCESS && kind == 2, "a joined association uses them");
    conn_close(&a.c);
    ok(destroyed == 1, "the group outlives its first association");
    t = h2;
    ok(hcall(&a2, 1, &t, &kind, &fault) == STATUS_SUCCESS, "... and its handles work");
    conn_close(&a2.c);
    ok(destroyed == 5, "the last association's end closes the group's handles (%d)", destroyed);
    t = hb;
    ok(hcall(&b, 1, &t, &kind, &fault) == STATUS_SUCCESS && kind == 7, "another group's handle unaffected");
    conn_close(&b.c);
    ok(destroyed == 6, "every handle destroyed once");

    /* Freeing the server with a group alive still destroys its handles. */
    hconn_open(&a, 0);
    hopen(&a, a.ctx, &handle_iface, 8, &status);
    conn_close(&a.c);
    ok(destroyed == 7, "closing the association destroys its handle");
    dcerpc_server_free(server);
    server = saved;
}

static void *serve_thread(void *p)
{
    struct serve_args *args = p;
    dcerpc_serve_fd(server, NULL, args->fd, args->fd);
    close(args->fd);
    return NULL;
}

static void test_socketpair(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        skip(2, "socketpair");
        return;
    }
    struct serve_args args = { sv[1] };
    pthread_t thread;
    pthread_create(&thread, NULL, serve_thread, &args);
    struct dcerpc_fd_transport fdt;
    struct dcerpc_client_transport t;
    dcerpc_fd_transport_init(&fdt, sv[0], 5000, &t);
    struct dcerpc_client *client = dcerpc_client_new(&t, NULL);
    uint16_t ctx;
    uint32_t reject, fault;
    ok(dcerpc_client_bind(client, &toy_iface, &ctx, &reject) == STATUS_SUCCESS, "bind over a socketpair");
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct add_call add = { 2, 3, 0 };
    ok(dcerpc_client_call(client, ctx, &toy_iface, 0, &add, arena, &fault) == STATUS_SUCCESS && add.sum == 5,
       "call over a socketpair");
    ndr_arena_free(arena);
    dcerpc_client_free(client);
    close(sv[0]);
    pthread_join(thread, NULL);
}

/* The management interface, answered by every server without registering it. */
static void test_mgmt(void)
{
    struct conn c;
    conn_open(&c, NULL, NULL);
    uint16_t ctx, mctx;
    uint32_t reject, fault;
    dcerpc_client_bind(c.client, &toy_iface, &ctx, &reject);
    ok(dcerpc_client_bind(c.client, &dcerpc_mgmt_interface, &mctx, &reject) == STATUS_SUCCESS,
       "mgmt: alter_context to it is accepted");
    struct ndr_arena *arena = ndr_arena_new(1 << 20);
    struct add_call add = { 1, 2, 0 };
    dcerpc_client_call(c.client, ctx, &toy_iface, 0, &add, arena, &fault);

    struct mgmt_inq_if_ids ids = { 0 };
    NTSTATUS st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 0, &ids, arena, &fault);
    int found_toy = 0, found_mgmt = 0;
    for (uint32_t i = 0; st == STATUS_SUCCESS && ids.if_id_vector && i < ids.if_id_vector->count; i++) {
        const struct mgmt_if_id *id = ids.if_id_vector->if_id[i];
        if (id && dcerpc_uuid_equal(&id->uuid, &toy_iface.syntax.uuid) && id->vers_major == 1)
            found_toy = 1;
        if (id && dcerpc_uuid_equal(&id->uuid, &dcerpc_mgmt_interface.syntax.uuid))
            found_mgmt = 1;
    }
    ok(st == STATUS_SUCCESS && ids.status == 0 && found_toy && found_mgmt && ids.if_id_vector->count == 3,
       "inq_if_ids lists the registered interfaces and mgmt (%s)", nt_status_name(st));

    struct mgmt_inq_stats stats = { .max_count = 4 };
    st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 1, &stats, arena, &fault);
    ok(st == STATUS_SUCCESS && stats.count == 4 && stats.statistics[DCERPC_STATS_CALLS_IN] >= 2 &&
       stats.statistics[DCERPC_STATS_PKTS_IN] >= 4 && stats.statistics[DCERPC_STATS_PKTS_OUT] >= 3,
       "inq_stats: four counters that count (%u calls, %u in, %u out)",
       stats.count == 4 ? stats.statistics[0] : 0, stats.count == 4 ? stats.statistics[2] : 0,
       stats.count == 4 ? stats.statistics[3] : 0);
    struct mgmt_inq_stats two = { .max_count = 2 };
    st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 1, &two, arena, &fault);
    ok(st == STATUS_SUCCESS && two.count == 2, "inq_stats: no more than max_count");

    struct mgmt_is_server_listening listening = { 7, 0 };
    st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 2, &listening, arena, &fault);
    ok(st == STATUS_SUCCESS && listening.status == 0 && listening.result == 1, "is_server_listening: yes");

    struct mgmt_stop_server_listening stop = { 0 };
    st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 3, &stop, arena, &fault);
    ok(st == STATUS_SUCCESS && stop.status == DCERPC_FAULT_ACCESS_DENIED, "stop_server_listening: refused");

    /* (The client checks the reply's varying length against princ_name_len.) */
    struct mgmt_inq_princ_name princ = { .authn_proto = 10, .princ_name_size = 100, .princ_name_len = 1 };
    st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 4, &princ, arena, &fault);
    ok(st == STATUS_SUCCESS && princ.status == RPC_S_UNKNOWN_AUTHN_SERVICE && princ.princ_name &&
       princ.princ_name[0] == 0, "inq_princ_name: no authentication service, an empty name");
    struct mgmt_inq_princ_name zero = { .authn_proto = 10, .princ_name_size = 0 };
    st = dcerpc_client_call(c.client, mctx, &dcerpc_mgmt_interface, 4, &zero, arena, &fault);
    ok(st == STATUS_RPC_PROTOCOL_ERROR && fault == DCERPC_NCA_S_FAULT_INVALID_BOUND, "... a zero size faults");
    ndr_arena_free(arena);
    conn_close(&c);
}

/* ---- RPC-level authentication, with a toy security package ----
 * The runtime's part is tested here (legs, verifiers in sequence, padding,
 * what is refused); NTLMSSP itself is lsass/ntlm's, and real clients check
 * the two together (t/rpc-auth.t). The toy's "signature" is the direction,
 * the sequence number and a byte sum; its "sealing" XORs with 0x5A. */
struct toy_sec {
    unsigned legs;
    uint32_t seq_in, seq_out;
};

static void *toy_start(void *arg, uint8_t auth_type, const char *address)
{
    (void)arg, (void)address;
    return auth_type == DCERPC_AUTH_TYPE_NTLMSSP ? calloc(1, sizeof(struct toy_sec)) : NULL;
}

static NTSTATUS toy_accept(void *ctx, const uint8_t *in, size_t len, struct buf *out, struct access_token **token)
{
    struct toy_sec *t = ctx;
    if (++t->legs == 1) {
        if (len != 5 || memcmp(in, "HELLO", 5) != 0)
            return STATUS_INVALID_PARAMETER;
        wr_bytes(out, "CHALLENGE", 9);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (len == 4 && memcmp(in, "MORE", 4) == 0) { /* a package that never finishes */
        wr_bytes(out, "AGAIN", 5);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (len == 4 && memcmp(in, "GOOD", 4) == 0) {
        struct sid user;
        sid_parse("S-1-5-21-1-2-3-1001", &user);
        *token = token_new(&user, &user);
        wr_bytes(out, "DONE", 4);
        return STATUS_SUCCESS;
    }
    return STATUS_LOGON_FAILURE;
}

static bool toy_can_protect(void *ctx) { return ctx != NULL; }

static size_t toy_session_key(void *ctx, uint8_t key[32])
{
    (void)ctx;
    memset(key, 0x11, 24); /* not the SMB session's 16 */
    return 24;
}

static void toy_sig(char dir, uint32_t seq, const uint8_t *pdu, size_t len, uint8_t sig[16])
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = sum * 31 + pdu[i];
    memset(sig, 0, 16);
    sig[0] = (uint8_t)dir;
    memcpy(sig + 4, &seq, 4);
    memcpy(sig + 8, &sum, 4);
}

static void toy_sign(void *ctx, const uint8_t *pdu, size_t len, uint8_t sig[16])
{
    struct toy_sec *t = ctx;
    toy_sig('S', t->seq_out++, pdu, len, sig);
}

static NTSTATUS toy_verify(void *ctx, const uint8_t *pdu, size_t len, const uint8_t sig[16])
{
    struct toy_sec *t = ctx;
    uint8_t want[16];
    toy_sig('C', t->seq_in++, pdu, len, want);
    return memcmp(want, sig, 16) == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

static void toy_xor(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] ^= 0x5A;
}

static void toy_seal(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n, uint8_t sig[16])
{
    toy_sign(ctx, pdu, len, sig);
    toy_xor(pdu + off, n);
}

static NTSTATUS toy_unseal(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n, const uint8_t sig[16])
{
    toy_xor(pdu + off, n);
    return toy_verify(ctx, pdu, len, sig);
}

static const struct dcerpc_auth_ops toy_auth = {
    .start = toy_start, .accept = toy_accept, .can_protect = toy_can_protect, .session_key = toy_session_key,
    .sign = toy_sign, .verify = toy_verify, .seal = toy_seal, .unseal = toy_unseal, .free = free,
};

/* The client's side of the toy. */
struct toy_client {
    uint8_t level;
    uint32_t seq_out, seq_in;
};

static void auth_bind(struct buf *b, uint8_t ptype, uint32_t call_id, uint8_t type, uint8_t level, const char *token)
{
    struct dcerpc_syntax_id ndr20 = dcerpc_ndr20_syntax;
    struct dcerpc_context_elem e = elem(0, &toy_iface.syntax, &ndr20, 1);
    size_t start = b->len;
    bind_pdu(b, ptype, call_id, 2048, 0, &e, 1);
    dcerpc_auth_append(b, start, 0, type, level, 77, (const uint8_t *)token, strlen(token));
}

static void auth3(struct buf *b, uint8_t level, const char *token)
{
    size_t start = dcerpc_pdu_begin(b, DCERPC_PKT_AUTH3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, 2);
    wr_u32(b, 0); /* pad */
    dcerpc_auth_append(b, start, 0, DCERPC_AUTH_TYPE_NTLMSSP, level, 77, (const uint8_t *)token, strlen(token));
}

/* A request fragment with a verifier; tamper changes a signed byte after
 * signing; extra_pad claims more padding than there is stub. */
static void auth_request(struct buf *b, struct toy_client *c, uint32_t call_id, uint16_t opnum, uint8_t flags,
                         const uint8_t *stub, size_t len, bool tamper, uint8_t extra_pad)
{
    static const uint8_t zeros[16];
    size_t start = dcerpc_pdu_begin(b, DCERPC_PKT_REQUEST, 0, flags, call_id);
    wr_u32(b, (uint32_t)len);
    wr_u16(b, 0);
    wr_u16(b, opnum);
    if (len)
        wr_bytes(b, stub, len);
    uint8_t pad = (uint8_t)((16 - len % 16) % 16);
    wr_zeros(b, pad);
    dcerpc_auth_append(b, start, pad, DCERPC_AUTH_TYPE_NTLMSSP, c->level, 77, zeros, 16);
    uint8_t *pdu = b->data + start;
    size_t signed_len = b->len - start - 16;
    pdu[signed_len - 6] += extra_pad; /* auth_pad_length */
    uint8_t sig[16];
    toy_sig('C', c->seq_out++, pdu, signed_len, sig);
    if (c->level == DCERPC_AUTH_LEVEL_PRIVACY)
        toy_xor(pdu + 24, len + pad);
    if (tamper)
        pdu[20] ^= 1;
    memcpy(pdu + signed_len, sig, 16);
}

/* Checks a response fragment's verifier and appends its stub to stub. */
static bool auth_response(struct toy_client *c, const uint8_t *pdu, size_t len, struct buf *stub)
{
    struct dcerpc_auth auth;
    if (dcerpc_auth_read(pdu, len, &auth) != STATUS_SUCCESS || auth.token_len != 16 ||
        auth.auth_level != c->level || auth.auth_context_id != 77 || auth.trailer_offset < 24 ||
        (auth.trailer_offset - 24) % 16 != 0 || auth.auth_pad_length > auth.trailer_offset - 24)
        return false;
    uint8_t *copy = malloc(len);
    memcpy(copy, pdu, len);
    size_t n = auth.trailer_offset - 24;
    if (c->level == DCERPC_AUTH_LEVEL_PRIVACY)
        toy_xor(copy + 24, n);
    uint8_t want[16];
    toy_sig('S', c->seq_in++, copy, auth.trailer_offset + 8, want);
    bool good = memcmp(want, auth.token, 16) == 0;
    if (n - auth.auth_pad_length)
        wr_bytes(stub, copy + 24, n - auth.auth_pad_length);
    free(copy);
    return good;
}

static void test_auth(void)
{
    struct dcerpc_server *plain = server;
    server = dcerpc_server_new(NULL);
    dcerpc_server_register(server, &toy_iface, NULL);
    dcerpc_server_set_auth(server, &toy_auth, NULL);
    struct sid smb_user;
    sid_parse("S-1-5-21-1-2-3-1000", &smb_user);
    struct access_token *smb_token = token_new(&smb_user, &smb_user);
    static const uint8_t smb_key[16] = { 1 };
    struct dcerpc_caller caller = { .token = smb_token, .session_key = smb_key, .session_key_len = 16,
                                    .endpoint = "\\PIPE\\toy" };
    static const uint8_t add_stub[8] = { 40, 0, 0, 0, 2, 0, 0, 0 };

    for (uint8_t level = DCERPC_AUTH_LEVEL_INTEGRITY; level <= DCERPC_AUTH_LEVEL_PRIVACY; level++) {
        const char *name = level == DCERPC_AUTH_LEVEL_PRIVACY ? "privacy" : "integrity";
        struct dcerpc_association *a = dcerpc_association_new(server, &caller);
        struct toy_client c = { level, 0, 0 };
        struct buf in, out;
        buf_init(&in);
        buf_init(&out);
        auth_bind(&in, DCERPC_PKT_BIND, 1, DCERPC_AUTH_TYPE_NTLMSSP, level, "HELLO");
        dcerpc_association_input(a, in.data, in.len, &out);
        size_t pos = 0;
        struct dcerpc_header h;
        const uint8_t *pdu;
        struct dcerpc_auth auth;
        ok(next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_BIND_ACK && h.auth_length == 9 &&
           dcerpc_auth_read(pdu, h.frag_length, &auth) == STATUS_SUCCESS && auth.auth_level == level &&
           auth.auth_context_id == 77 && memcmp(auth.token, "CHALLENGE", 9) == 0 && auth.trailer_offset % 4 == 0,
           "%s: the bind_ack carries the package's answer in a sec_trailer", name);
        buf_reset(&in);
        buf_reset(&out);
        /* A request before the last leg is refused. */
        auth3(&in, level, "GOOD");
        auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 0);
        /* Whoami: the identity is the bind's. */
        auth_request(&in, &c, 4, 2, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, NULL, 0, false, 0);
        NTSTATUS st = dcerpc_association_input(a, in.data, in.len, &out);
        pos = 0;
        struct buf stub;
        buf_init(&stub);
        bool good = st == STATUS_SUCCESS && next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_RESPONSE &&
                    h.call_id == 3 && auth_response(&c, pdu, h.frag_length, &stub);
        ok(good && stub.len == 4 && stub.data[0] == 42, "%s: AUTH3 finishes; a signed request, a signed answer",
           name);
        buf_reset(&stub);
        good = next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_RESPONSE && h.call_id == 4 &&
               auth_response(&c, pdu, h.frag_length, &stub);
        struct ndr_arena *arena = ndr_arena_new(1 << 16);
        struct whoami_call who = { 0 };
        good = good && ndr_pull(arena, stub.data, stub.len, &whoami_params, &who, NDR_OUT) == STATUS_SUCCESS;
        ok(good && who.user && strcmp(who.user, "S-1-5-21-1-2-3-1001") == 0,
           "%s: the call's identity is the bind's, not the SMB session's", name);
        ok(good && who.key_len == 24, "%s: and so is its session key", name);
        ndr_arena_free(arena);
        /* A large answer: every fragment padded to 16 and signed in sequence. */
        buf_reset(&in);
        buf_reset(&out);
        buf_reset(&stub);
        struct buf echo;
        buf_init(&echo);
        wr_u32(&echo, 5000); /* len, then the array's max_count */
        wr_u32(&echo, 5000);
        for (int i = 0; i < 5000; i++)
            wr_u8(&echo, (uint8_t)i);
        auth_request(&in, &c, 5, 1, DCERPC_PFC_FIRST_FRAG, echo.data, 2000, false, 0);
        auth_request(&in, &c, 5, 1, 0, echo.data + 2000, 2000, false, 0);
        auth_request(&in, &c, 5, 1, DCERPC_PFC_LAST_FRAG, echo.data + 4000, echo.len - 4000, false, 0);
        st = dcerpc_association_input(a, in.data, in.len, &out);
        pos = 0;
        size_t frags = 0;
        good = st == STATUS_SUCCESS;
        while (good && next_pdu(&out, &pos, &h, &pdu)) {
            frags++;
            good = h.ptype == DCERPC_PKT_RESPONSE && h.frag_length <= 2048 &&
                   auth_response(&c, pdu, h.frag_length, &stub);
        }
        good = good && stub.len == 4 + 4 + 5000;
        for (int i = 0; good && i < 5000; i++)
            good = stub.data[8 + i] == (uint8_t)(i ^ 0xFF);
        ok(good && frags >= 3, "%s: a fragmented request and a %zu-fragment answer, each verified", name, frags);
        buf_free(&echo);
        /* A changed byte: fault sec_pkg_error, and the association ends. */
        buf_reset(&in);
        buf_reset(&out);
        auth_request(&in, &c, 6, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, true, 0);
        st = dcerpc_association_input(a, in.data, in.len, &out);
        pos = 0;
        struct dcerpc_fault f;
        ok(st == STATUS_CONNECTION_DISCONNECTED && next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_FAULT &&
           dcerpc_fault_read(pdu, h.frag_length, &f) == STATUS_SUCCESS && f.status == DCERPC_FAULT_SEC_PKG_ERROR,
           "%s: a changed signed byte: fault sec_pkg_error, association over", name);
        buf_free(&stub);
        buf_free(&in);
        buf_free(&out);
        dcerpc_association_free(a);
    }

    /* What is refused. */
    for (int which = 0; which < 6; which++) {
        const char *what = "";
        struct dcerpc_association *a = dcerpc_association_new(server, &caller);
        struct toy_client c = { DCERPC_AUTH_LEVEL_INTEGRITY, 0, 0 };
        struct buf in, out;
        buf_init(&in);
        buf_init(&out);
        uint32_t want = DCERPC_FAULT_ACCESS_DENIED;
        auth_bind(&in, DCERPC_PKT_BIND, 1, DCERPC_AUTH_TYPE_NTLMSSP, c.level, "HELLO");
        switch (which) {
        case 0:
            what = "a wrong password in AUTH3: the next request";
            auth3(&in, c.level, "BAD!");
            auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 0);
            break;
        case 1:
            what = "a request before the last leg";
            auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 0);
            break;
        case 2:
            what = "a request without a verifier at integrity";
            auth3(&in, c.level, "GOOD");
            dcerpc_fragments_write(&in, DCERPC_PKT_REQUEST, 0, 3, 0, 0, add_stub, 8, 2048);
            want = DCERPC_FAULT_SEC_PKG_ERROR;
            break;
        case 3:
            what = "auth_pad_length beyond the stub";
            auth3(&in, c.level, "GOOD");
            auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 40);
            want = DCERPC_FAULT_SEC_PKG_ERROR;
            break;
        case 4:
            what = "AUTH3 naming another context id";
            {
                size_t start = in.len;
                auth3(&in, c.level, "GOOD");
                in.data[in.len - 8] = 78; /* auth_context_id's low byte */
                (void)start;
            }
            auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 0);
            break;
        case 5:
            what = "the signature of a request replayed";
            auth3(&in, c.level, "GOOD");
            c.seq_out = 1; /* out of sequence */
            auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 0);
            want = DCERPC_FAULT_SEC_PKG_ERROR;
            break;
        }
        NTSTATUS st = dcerpc_association_input(a, in.data, in.len, &out);
        size_t pos = 0;
        struct dcerpc_header h;
        const uint8_t *pdu;
        struct dcerpc_fault f = { 0 };
        bool faulted = false;
        while (next_pdu(&out, &pos, &h, &pdu))
            if (h.ptype == DCERPC_PKT_FAULT && dcerpc_fault_read(pdu, h.frag_length, &f) == STATUS_SUCCESS)
                faulted = true;
        ok(st == STATUS_CONNECTION_DISCONNECTED && faulted && f.status == want,
           "%s: fault 0x%x, association over", what, (unsigned)f.status);
        buf_free(&in);
        buf_free(&out);
        dcerpc_association_free(a);
    }

    /* Binds: an unknown auth type, a first leg refused, a server with no
     * package; the third leg in alter_context (SPNEGO's way). */
    for (int which = 0; which < 3; which++) {
        struct dcerpc_server *s = which == 2 ? plain : server;
        struct dcerpc_association *a = dcerpc_association_new(s, &caller);
        struct buf in, out;
        buf_init(&in);
        buf_init(&out);
        auth_bind(&in, DCERPC_PKT_BIND, 1, which == 0 ? 99 : DCERPC_AUTH_TYPE_NTLMSSP, DCERPC_AUTH_LEVEL_PRIVACY,
                  which == 1 ? "HOWDY" : "HELLO");
        NTSTATUS st = dcerpc_association_input(a, in.data, in.len, &out);
        size_t pos = 0;
        struct dcerpc_header h;
        const uint8_t *pdu;
        uint16_t reason = 0xFFFF;
        ok(st == STATUS_CONNECTION_DISCONNECTED && next_pdu(&out, &pos, &h, &pdu) &&
           h.ptype == DCERPC_PKT_BIND_NAK && dcerpc_bind_nak_read(pdu, h.frag_length, &reason) == STATUS_SUCCESS &&
           reason == (which == 1 ? DCERPC_NAK_REASON_NOT_SPECIFIED : DCERPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED),
           "%s: bind_nak", which == 0 ? "an unknown auth type" : which == 1 ? "a first leg refused" :
           "no security package");
        buf_free(&in);
        buf_free(&out);
        dcerpc_association_free(a);
    }
    struct dcerpc_association *a = dcerpc_association_new(server, &caller);
    struct toy_client c = { DCERPC_AUTH_LEVEL_PRIVACY, 0, 0 };
    struct buf in, out;
    buf_init(&in);
    buf_init(&out);
    auth_bind(&in, DCERPC_PKT_BIND, 1, DCERPC_AUTH_TYPE_NTLMSSP, c.level, "HELLO");
    auth_bind(&in, DCERPC_PKT_ALTER, 2, DCERPC_AUTH_TYPE_NTLMSSP, c.level, "GOOD");
    auth_request(&in, &c, 3, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, add_stub, 8, false, 0);
    NTSTATUS st = dcerpc_association_input(a, in.data, in.len, &out);
    size_t pos = 0;
    struct dcerpc_header h;
    const uint8_t *pdu;
    struct dcerpc_auth auth;
    struct buf stub;
    buf_init(&stub);
    bool good = st == STATUS_SUCCESS && next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_BIND_ACK &&
                next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_ALTER_RESP &&
                dcerpc_auth_read(pdu, h.frag_length, &auth) == STATUS_SUCCESS && auth.token_len == 4 &&
                memcmp(auth.token, "DONE", 4) == 0;
    ok(good, "the last leg in alter_context: its answer in the alter_context_resp");
    {
        struct dcerpc_association *b = dcerpc_association_new(server, &caller);
        struct buf legs, answers;
        buf_init(&legs);
        buf_init(&answers);
        auth_bind(&legs, DCERPC_PKT_BIND, 1, DCERPC_AUTH_TYPE_NTLMSSP, c.level, "HELLO");
        for (uint32_t i = 0; i < 20; i++)
            auth_bind(&legs, DCERPC_PKT_ALTER, 2 + i, DCERPC_AUTH_TYPE_NTLMSSP, c.level, "MORE");
        NTSTATUS lst = dcerpc_association_input(b, legs.data, legs.len, &answers);
        size_t lpos = 0, alters = 0;
        struct dcerpc_header lh;
        const uint8_t *lpdu;
        bool faulted = false;
        while (next_pdu(&answers, &lpos, &lh, &lpdu)) {
            alters += lh.ptype == DCERPC_PKT_ALTER_RESP;
            faulted |= lh.ptype == DCERPC_PKT_FAULT;
        }
        ok(lst == STATUS_CONNECTION_DISCONNECTED && faulted && alters < 6,
           "legs are bounded: after %zu alter_context legs, a fault and the end", alters);
        buf_free(&legs);
        buf_free(&answers);
        dcerpc_association_free(b);
    }
    ok(next_pdu(&out, &pos, &h, &pdu) && h.ptype == DCERPC_PKT_RESPONSE && auth_response(&c, pdu, h.frag_length, &stub) &&
       stub.len == 4 && stub.data[0] == 42, "... then sealed calls");
    buf_free(&stub);
    buf_free(&in);
    buf_free(&out);
    dcerpc_association_free(a);

    token_free(smb_token);
    dcerpc_server_free(server);
    server = plain;
}

int main(void)
{
    dcerpc_uuid_parse("12345678-1234-abcd-ef00-0123456789ab", &toy_iface.syntax.uuid);
    dcerpc_uuid_parse("12345678-1234-abcd-ef00-0123456789ac", &toy2_iface.syntax.uuid);
    dcerpc_uuid_parse("12345678-1234-abcd-ef00-0123456789ad", &absent_iface.syntax.uuid);
    struct dcerpc_uuid u;
    ok(dcerpc_uuid_parse("4B324FC8-1670-01D3-1278-5A47BF6EE188", &u) == 0 && u.time_low == 0x4B324FC8 &&
       u.time_mid == 0x1670 && u.clock_seq[0] == 0x12 && u.node[5] == 0x88, "UUID parse");
    ok(dcerpc_uuid_parse("4B324FC8-1670-01D3-1278-5A47BF6EE18", &u) != 0, "short UUID refused");
    server = dcerpc_server_new(NULL);
    dcerpc_server_register(server, &toy_iface, NULL);
    dcerpc_server_register(server, &toy2_iface, NULL);
    test_calls();
    test_caller();
    test_negotiation();
    test_fragment_sizes();
    test_faults();
    test_protocol_errors();
    test_groups_and_orphans();
    test_socketpair();
    dcerpc_uuid_parse("12345678-1234-abcd-ef00-0123456789b0", &handle_iface.syntax.uuid);
    dcerpc_uuid_parse("12345678-1234-abcd-ef00-0123456789b1", &handle2_iface.syntax.uuid);
    test_context_handles();
    test_mgmt();
    test_auth();
    dcerpc_server_free(server);
    return done_testing();
}
