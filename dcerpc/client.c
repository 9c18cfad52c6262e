/* A connection-oriented client runtime: bind/alter_context, fragmented
 * requests, reassembled responses. Used by tests and tools; one call at a
 * time. Replies are parsed as strictly as requests are on the server. */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/pdu.h"

#define DEFAULT_FRAG 4280
#define DEFAULT_MAX_RESPONSE (16u << 20)
#define MAX_CLIENT_CONTEXTS 32

struct client_context {
    uint16_t id;
    const struct dcerpc_interface *iface;
};

struct dcerpc_client {
    struct dcerpc_client_transport transport;
    struct dcerpc_client_options options;
    bool bound;
    uint32_t next_call_id;
    uint16_t next_context_id;
    uint16_t max_xmit; /* the server's max_recv_frag */
    uint16_t max_recv;
    uint32_t assoc_group;
    uint8_t features;
    struct client_context contexts[MAX_CLIENT_CONTEXTS];
    size_t context_count;
    struct buf rx; /* received bytes beyond the last PDU handed out */
};

struct dcerpc_client *dcerpc_client_new(const struct dcerpc_client_transport *transport,
                                        const struct dcerpc_client_options *options)
{
    struct dcerpc_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->transport = *transport;
    if (options)
        c->options = *options;
    if (!c->options.max_xmit_frag)
        c->options.max_xmit_frag = DEFAULT_FRAG;
    if (!c->options.max_recv_frag)
        c->options.max_recv_frag = DEFAULT_FRAG;
    if (!c->options.max_response)
        c->options.max_response = DEFAULT_MAX_RESPONSE;
    c->next_call_id = 1;
    buf_init(&c->rx);
    return c;
}

void dcerpc_client_free(struct dcerpc_client *c)
{
    if (!c)
        return;
    buf_free(&c->rx);
    free(c);
}

uint16_t dcerpc_client_max_xmit(const struct dcerpc_client *c) { return c->max_xmit; }
uint32_t dcerpc_client_assoc_group(const struct dcerpc_client *c) { return c->assoc_group; }
uint8_t dcerpc_client_features(const struct dcerpc_client *c) { return c->features; }

/* Reads until rx holds at least want bytes. */
static NTSTATUS fill(struct dcerpc_client *c, size_t want)
{
    uint8_t chunk[8192];
    while (c->rx.len < want) {
        size_t got = 0;
        NTSTATUS status = c->transport.recv(c->transport.ctx, chunk, sizeof chunk, &got);
        if (status != STATUS_SUCCESS)
            return status;
        wr_bytes(&c->rx, chunk, got);
        if (!wr_ok(&c->rx))
            return STATUS_NO_MEMORY;
    }
    return STATUS_SUCCESS;
}

/* The next whole PDU into pdu (replacing its contents). */
static NTSTATUS recv_pdu(struct dcerpc_client *c, struct buf *pdu, struct dcerpc_header *h)
{
    NTSTATUS status = fill(c, DCERPC_HEADER_LEN);
    if (status != STATUS_SUCCESS)
        return status;
    if (dcerpc_header_read(c->rx.data, c->rx.len, h) != STATUS_SUCCESS)
        return STATUS_INVALID_NETWORK_RESPONSE;
    status = fill(c, h->frag_length);
    if (status != STATUS_SUCCESS)
        return status;
    buf_reset(pdu);
    wr_bytes(pdu, c->rx.data, h->frag_length);
    memmove(c->rx.data, c->rx.data + h->frag_length, c->rx.len - h->frag_length);
    c->rx.len -= h->frag_length;
    return wr_ok(pdu) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static const struct dcerpc_syntax_id btfn_syntax = {
    { DCERPC_BTFN_TIME_LOW, DCERPC_BTFN_TIME_MID, DCERPC_BTFN_TIME_HI,
      { DCERPC_BTFN_SECURITY_CONTEXT_MULTIPLEXING | DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN, 0 },
      { 0, 0, 0, 0, 0, 0 } },
    1, 0
};

NTSTATUS dcerpc_client_bind(struct dcerpc_client *c, const struct dcerpc_interface *iface,
                            uint16_t *context_id, uint32_t *reject)
{
    *reject = 0;
    if (c->context_count == MAX_CLIENT_CONTEXTS)
        return STATUS_INSUFFICIENT_RESOURCES;
    struct dcerpc_syntax_id transfers[2] = { dcerpc_ndr20_syntax, dcerpc_ndr64_syntax };
    struct dcerpc_context_elem elems[2];
    memset(elems, 0, sizeof elems);
    uint16_t id = c->next_context_id;
    elems[0].context_id = id;
    elems[0].abstract = iface->syntax;
    elems[0].transfer_count = c->options.offer_ndr64 ? 2 : 1;
    elems[0].transfer = transfers;
    struct dcerpc_syntax_id btfn = btfn_syntax;
    elems[1].context_id = (uint16_t)(id + 1);
    elems[1].abstract = iface->syntax;
    elems[1].transfer_count = 1;
    elems[1].transfer = &btfn;
    bool negotiate = !c->bound && c->options.feature_negotiation;
    struct dcerpc_bind bind = {
        .max_xmit_frag = c->options.max_xmit_frag,
        .max_recv_frag = c->options.max_recv_frag,
        .assoc_group_id = c->bound ? c->assoc_group : c->options.assoc_group_id,
        .context_count = negotiate ? 2 : 1,
        .contexts = elems,
    };
    uint32_t call_id = c->next_call_id++;
    struct buf b, pdu;
    buf_init(&b);
    buf_init(&pdu);
    struct dcerpc_bind_ack *ack = calloc(1, sizeof *ack);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (!ack)
        goto done;
    dcerpc_bind_write(&b, c->bound ? DCERPC_PKT_ALTER : DCERPC_PKT_BIND, call_id, &bind);
    if (!wr_ok(&b))
        goto done;
    status = c->transport.send(c->transport.ctx, b.data, b.len);
    if (status != STATUS_SUCCESS)
        goto done;
    struct dcerpc_header h;
    status = recv_pdu(c, &pdu, &h);
    if (status != STATUS_SUCCESS)
        goto done;
    if (h.call_id != call_id) {
        status = STATUS_INVALID_NETWORK_RESPONSE;
        goto done;
    }
    if (h.ptype == DCERPC_PKT_BIND_NAK) {
        uint16_t reason = 0;
        status = dcerpc_bind_nak_read(pdu.data, pdu.len, &reason);
        *reject = reason;
        if (status == STATUS_SUCCESS)
            status = STATUS_RPC_PROTOCOL_ERROR;
        goto done;
    }
    if (h.ptype == DCERPC_PKT_FAULT) {
        struct dcerpc_fault f;
        if (dcerpc_fault_read(pdu.data, pdu.len, &f) == STATUS_SUCCESS)
            *reject = f.status;
        status = STATUS_RPC_PROTOCOL_ERROR;
        goto done;
    }
    if (h.ptype != (c->bound ? DCERPC_PKT_ALTER_RESP : DCERPC_PKT_BIND_ACK)) {
        status = STATUS_INVALID_NETWORK_RESPONSE;
        goto done;
    }
    status = dcerpc_bind_ack_read(pdu.data, pdu.len, ack);
    if (status != STATUS_SUCCESS || ack->result_count != bind.context_count) {
        status = STATUS_INVALID_NETWORK_RESPONSE;
        goto done;
    }
    if (!c->bound) {
        c->bound = true;
        c->max_xmit = ack->max_recv_frag;
        c->max_recv = ack->max_xmit_frag;
        c->assoc_group = ack->assoc_group_id;
    }
    if (negotiate && ack->results[1].result == DCERPC_RESULT_NEGOTIATE_ACK)
        c->features = (uint8_t)ack->results[1].reason;
    c->next_context_id = (uint16_t)(id + bind.context_count);
    if (ack->results[0].result != DCERPC_RESULT_ACCEPTANCE) {
        *reject = (uint32_t)ack->results[0].result << 16 | ack->results[0].reason;
        status = STATUS_RPC_PROTOCOL_ERROR;
        goto done;
    }
    c->contexts[c->context_count].id = id;
    c->contexts[c->context_count].iface = iface;
    c->context_count++;
    *context_id = id;
    status = STATUS_SUCCESS;
done:
    free(ack);
    buf_free(&b);
    buf_free(&pdu);
    return status;
}

/* Receives the reply PDUs of call_id: response fragments into stub, or a fault. */
static NTSTATUS recv_reply(struct dcerpc_client *c, uint32_t call_id, struct buf *stub, uint32_t *fault)
{
    struct buf pdu;
    buf_init(&pdu);
    NTSTATUS status;
    bool first = true;
    for (;;) {
        struct dcerpc_header h;
        status = recv_pdu(c, &pdu, &h);
        if (status != STATUS_SUCCESS)
            break;
        if (h.call_id != call_id) {
            status = STATUS_INVALID_NETWORK_RESPONSE;
            break;
        }
        if (h.ptype == DCERPC_PKT_FAULT) {
            struct dcerpc_fault f;
            status = dcerpc_fault_read(pdu.data, pdu.len, &f);
            if (status == STATUS_SUCCESS) {
                *fault = f.status;
                status = STATUS_RPC_PROTOCOL_ERROR;
            }
            break;
        }
        struct dcerpc_response resp;
        if (h.ptype != DCERPC_PKT_RESPONSE || dcerpc_response_read(pdu.data, pdu.len, &resp) != STATUS_SUCCESS ||
            first != ((h.pfc_flags & DCERPC_PFC_FIRST_FRAG) != 0)) {
            status = STATUS_INVALID_NETWORK_RESPONSE;
            break;
        }
        first = false;
        if (resp.stub_len > c->options.max_response - stub->len) {
            status = STATUS_BUFFER_OVERFLOW;
            break;
        }
        if (resp.stub_len)
            wr_bytes(stub, resp.stub, resp.stub_len);
        if (h.pfc_flags & DCERPC_PFC_LAST_FRAG) {
            status = wr_ok(stub) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
            break;
        }
    }
    buf_free(&pdu);
    return status;
}

NTSTATUS dcerpc_client_call(struct dcerpc_client *c, uint16_t context_id,
                            const struct dcerpc_interface *iface, uint16_t opnum, void *r,
                            struct ndr_arena *arena, uint32_t *fault)
{
    *fault = 0;
    if (!c->bound || opnum >= iface->op_count || !iface->ops[opnum].params)
        return STATUS_INVALID_PARAMETER;
    const struct ndr_type *params = iface->ops[opnum].params;
    struct buf stub, b;
    buf_init(&stub);
    buf_init(&b);
    uint32_t call_id = c->next_call_id++;
    NTSTATUS status = ndr_push(&stub, params, r, NDR_IN);
    if (status != STATUS_SUCCESS)
        goto done;
    dcerpc_fragments_write(&b, DCERPC_PKT_REQUEST, 0, call_id, context_id, opnum, stub.data, stub.len,
                           c->max_xmit);
    if (!wr_ok(&b)) {
        status = STATUS_NO_MEMORY;
        goto done;
    }
    status = c->transport.send(c->transport.ctx, b.data, b.len);
    if (status != STATUS_SUCCESS)
        goto done;
    buf_reset(&stub);
    status = recv_reply(c, call_id, &stub, fault);
    if (status != STATUS_SUCCESS)
        goto done;
    status = ndr_pull(arena, stub.data, stub.len, params, r, NDR_OUT);
done:
    buf_free(&stub);
    buf_free(&b);
    return status;
}

NTSTATUS dcerpc_client_raw(struct dcerpc_client *c, const uint8_t *data, size_t len, struct buf *reply)
{
    NTSTATUS status = c->transport.send(c->transport.ctx, data, len);
    if (status != STATUS_SUCCESS)
        return status;
    struct buf pdu;
    buf_init(&pdu);
    for (;;) {
        struct dcerpc_header h;
        status = recv_pdu(c, &pdu, &h);
        if (status != STATUS_SUCCESS)
            break;
        wr_bytes(reply, pdu.data, pdu.len);
        /* Everything but a non-last response fragment ends the reply. */
        if (h.ptype != DCERPC_PKT_RESPONSE || (h.pfc_flags & DCERPC_PFC_LAST_FRAG))
            break;
    }
    buf_free(&pdu);
    return status;
}
