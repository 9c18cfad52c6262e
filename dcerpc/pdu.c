/* Connection-oriented PDU encoding and decoding ([C706] 12.6.4, [MS-RPCE]
 * 2.2.2). Every field is read through lib/buf.h; a body never extends past
 * frag_length minus the auth verifier. */
#include <stdio.h>
#include <string.h>

#include "dcerpc/pdu.h"

const struct dcerpc_syntax_id dcerpc_ndr20_syntax = {
    { 0x8a885d04, 0x1ceb, 0x11c9, { 0x9f, 0xe8 }, { 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } }, 2, 0
};
const struct dcerpc_syntax_id dcerpc_ndr64_syntax = {
    { 0x71710533, 0xbeba, 0x4937, { 0x83, 0x19 }, { 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36 } }, 1, 0
};

int dcerpc_uuid_parse(const char *text, struct dcerpc_uuid *uuid)
{
    /* 8-4-4-4-12 hex digits. */
    static const int dash_at[] = { 8, 13, 18, 23 };
    if (strlen(text) != 36)
        return -1;
    uint8_t bytes[16];
    size_t n = 0;
    for (size_t i = 0, d = 0; i < 36;) {
        if (d < 4 && (int)i == dash_at[d]) {
            if (text[i] != '-')
                return -1;
            i++, d++;
            continue;
        }
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char c = text[i + (size_t)k];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= c - '0';
            else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
            else return -1;
        }
        bytes[n++] = (uint8_t)v;
        i += 2;
    }
    uuid->time_low = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    uuid->time_mid = (uint16_t)(bytes[4] << 8 | bytes[5]);
    uuid->time_hi_and_version = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(uuid->clock_seq, bytes + 8, 2);
    memcpy(uuid->node, bytes + 10, 6);
    return 0;
}

bool dcerpc_uuid_equal(const struct dcerpc_uuid *a, const struct dcerpc_uuid *b)
{
    return a->time_low == b->time_low && a->time_mid == b->time_mid &&
           a->time_hi_and_version == b->time_hi_and_version &&
           memcmp(a->clock_seq, b->clock_seq, 2) == 0 && memcmp(a->node, b->node, 6) == 0;
}

bool dcerpc_syntax_equal(const struct dcerpc_syntax_id *a, const struct dcerpc_syntax_id *b)
{
    return dcerpc_uuid_equal(&a->uuid, &b->uuid) && a->major == b->major && a->minor == b->minor;
}

bool dcerpc_syntax_is_btfn(const struct dcerpc_syntax_id *syntax, uint8_t *bitmask)
{
    /* The prefix is the first three fields; the eight octets after it are
     * the bitmask, of which the first carries the defined bits. */
    if (syntax->uuid.time_low != DCERPC_BTFN_TIME_LOW || syntax->uuid.time_mid != DCERPC_BTFN_TIME_MID ||
        syntax->uuid.time_hi_and_version != DCERPC_BTFN_TIME_HI || syntax->major != 1 || syntax->minor != 0)
        return false;
    *bitmask = syntax->uuid.clock_seq[0];
    return true;
}

void dcerpc_uuid_write(struct buf *b, const struct dcerpc_uuid *uuid)
{
    wr_u32(b, uuid->time_low);
    wr_u16(b, uuid->time_mid);
    wr_u16(b, uuid->time_hi_and_version);
    wr_bytes(b, uuid->clock_seq, 2);
    wr_bytes(b, uuid->node, 6);
}

void dcerpc_syntax_write(struct buf *b, const struct dcerpc_syntax_id *syntax)
{
    dcerpc_uuid_write(b, &syntax->uuid);
    wr_u16(b, syntax->major);
    wr_u16(b, syntax->minor);
}

static void uuid_read(struct buf_reader *r, struct dcerpc_uuid *uuid)
{
    uuid->time_low = rd_u32(r);
    uuid->time_mid = rd_u16(r);
    uuid->time_hi_and_version = rd_u16(r);
    rd_copy(r, uuid->clock_seq, 2);
    rd_copy(r, uuid->node, 6);
}

void dcerpc_syntax_read(struct buf_reader *r, struct dcerpc_syntax_id *syntax)
{
    uuid_read(r, &syntax->uuid);
    syntax->major = rd_u16(r);
    syntax->minor = rd_u16(r);
}

NTSTATUS dcerpc_header_read(const uint8_t *data, size_t len, struct dcerpc_header *h)
{
    struct buf_reader r;
    rd_init(&r, data, len);
    h->rpc_vers = rd_u8(&r);
    h->rpc_vers_minor = rd_u8(&r);
    h->ptype = rd_u8(&r);
    h->pfc_flags = rd_u8(&r);
    rd_copy(&r, h->drep, 4);
    h->frag_length = rd_u16(&r);
    h->auth_length = rd_u16(&r);
    h->call_id = rd_u32(&r);
    if (!rd_ok(&r))
        return STATUS_DATA_ERROR;
    /* drep[0] high nibble: integer representation, 1 = little-endian; low
     * nibble: character set, 0 = ASCII. Floating point is never used here. */
    if (h->rpc_vers != DCERPC_RPC_VERS || h->rpc_vers_minor > 1 || (h->drep[0] & 0xF0) != 0x10 ||
        (h->drep[0] & 0x0F) != 0)
        return STATUS_DATA_ERROR;
    if (h->frag_length < DCERPC_HEADER_LEN)
        return STATUS_DATA_ERROR;
    /* The verifier is auth_length bytes after an 8-byte sec_trailer. */
    if (h->auth_length && (size_t)h->auth_length + 8 > (size_t)h->frag_length - DCERPC_HEADER_LEN)
        return STATUS_DATA_ERROR;
    return STATUS_SUCCESS;
}

/* A reader over a PDU's body: after the header, before the auth verifier. */
static NTSTATUS body_reader(const uint8_t *data, size_t len, struct buf_reader *r)
{
    struct dcerpc_header h;
    NTSTATUS status = dcerpc_header_read(data, len, &h);
    if (status != STATUS_SUCCESS)
        return status;
    if (h.frag_length != len)
        return STATUS_DATA_ERROR;
    size_t end = len - (h.auth_length ? (size_t)h.auth_length + 8 : 0);
    rd_init(r, data, end);
    rd_seek(r, DCERPC_HEADER_LEN);
    return rd_ok(r) ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

NTSTATUS dcerpc_bind_read(const uint8_t *data, size_t len, struct ndr_arena *arena,
                          struct dcerpc_bind *bind)
{
    struct buf_reader r;
    NTSTATUS status = body_reader(data, len, &r);
    if (status != STATUS_SUCCESS)
        return status;
    bind->max_xmit_frag = rd_u16(&r);
    bind->max_recv_frag = rd_u16(&r);
    bind->assoc_group_id = rd_u32(&r);
    bind->context_count = rd_u8(&r);
    rd_skip(&r, 3);
    if (!rd_ok(&r))
        return STATUS_DATA_ERROR;
    /* Each element takes at least 24 bytes (id, count, abstract syntax). */
    if ((size_t)bind->context_count * 24 > rd_remaining(&r))
        return STATUS_DATA_ERROR;
    bind->contexts = ndr_arena_array(arena, bind->context_count ? bind->context_count : 1,
                                     sizeof *bind->contexts);
    if (!bind->contexts)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (unsigned i = 0; i < bind->context_count; i++) {
        struct dcerpc_context_elem *e = &bind->contexts[i];
        e->context_id = rd_u16(&r);
        e->transfer_count = rd_u8(&r);
        rd_skip(&r, 1);
        dcerpc_syntax_read(&r, &e->abstract);
        if (!rd_ok(&r) || (size_t)e->transfer_count * 20 > rd_remaining(&r))
            return STATUS_DATA_ERROR;
        e->transfer = ndr_arena_array(arena, e->transfer_count ? e->transfer_count : 1, sizeof *e->transfer);
        if (!e->transfer)
            return STATUS_INSUFFICIENT_RESOURCES;
        for (unsigned k = 0; k < e->transfer_count; k++)
            dcerpc_syntax_read(&r, &e->transfer[k]);
    }
    return rd_ok(&r) ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

NTSTATUS dcerpc_bind_ack_read(const uint8_t *data, size_t len, struct dcerpc_bind_ack *ack)
{
    struct buf_reader r;
    NTSTATUS status = body_reader(data, len, &r);
    if (status != STATUS_SUCCESS)
        return status;
    ack->max_xmit_frag = rd_u16(&r);
    ack->max_recv_frag = rd_u16(&r);
    ack->assoc_group_id = rd_u32(&r);
    uint16_t addr_len = rd_u16(&r);
    const uint8_t *addr = rd_bytes(&r, addr_len);
    if (!addr)
        return STATUS_DATA_ERROR;
    size_t copy = addr_len < sizeof ack->secondary_address ? addr_len : sizeof ack->secondary_address - 1;
    memcpy(ack->secondary_address, addr, copy);
    ack->secondary_address[copy] = 0;
    rd_align(&r, 4);
    ack->result_count = rd_u8(&r);
    rd_skip(&r, 3);
    for (unsigned i = 0; i < ack->result_count; i++) {
        ack->results[i].result = rd_u16(&r);
        ack->results[i].reason = rd_u16(&r);
        dcerpc_syntax_read(&r, &ack->results[i].transfer);
    }
    return rd_ok(&r) ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

NTSTATUS dcerpc_bind_nak_read(const uint8_t *data, size_t len, uint16_t *reason)
{
    struct buf_reader r;
    NTSTATUS status = body_reader(data, len, &r);
    if (status != STATUS_SUCCESS)
        return status;
    *reason = rd_u16(&r);
    return rd_ok(&r) ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

NTSTATUS dcerpc_request_read(const uint8_t *data, size_t len, struct dcerpc_request *req)
{
    struct buf_reader r;
    NTSTATUS status = body_reader(data, len, &r);
    if (status != STATUS_SUCCESS)
        return status;
    req->alloc_hint = rd_u32(&r);
    req->context_id = rd_u16(&r);
    req->opnum = rd_u16(&r);
    req->has_object = (data[3] & DCERPC_PFC_OBJECT_UUID) != 0;
    if (req->has_object)
        uuid_read(&r, &req->object);
    if (!rd_ok(&r))
        return STATUS_DATA_ERROR;
    req->stub_len = rd_remaining(&r);
    req->stub = rd_bytes(&r, req->stub_len);
    return req->stub ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

NTSTATUS dcerpc_response_read(const uint8_t *data, size_t len, struct dcerpc_response *resp)
{
    struct buf_reader r;
    NTSTATUS status = body_reader(data, len, &r);
    if (status != STATUS_SUCCESS)
        return status;
    resp->alloc_hint = rd_u32(&r);
    resp->context_id = rd_u16(&r);
    resp->cancel_count = rd_u8(&r);
    rd_skip(&r, 1);
    if (!rd_ok(&r))
        return STATUS_DATA_ERROR;
    resp->stub_len = rd_remaining(&r);
    resp->stub = rd_bytes(&r, resp->stub_len);
    return resp->stub ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

NTSTATUS dcerpc_fault_read(const uint8_t *data, size_t len, struct dcerpc_fault *fault)
{
    struct buf_reader r;
    NTSTATUS status = body_reader(data, len, &r);
    if (status != STATUS_SUCCESS)
        return status;
    fault->alloc_hint = rd_u32(&r);
    fault->context_id = rd_u16(&r);
    fault->cancel_count = rd_u8(&r);
    rd_skip(&r, 1);
    fault->status = rd_u32(&r);
    return rd_ok(&r) ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

size_t dcerpc_pdu_begin(struct buf *b, uint8_t ptype, uint8_t minor, uint8_t flags, uint32_t call_id)
{
    size_t start = b->len;
    wr_u8(b, DCERPC_RPC_VERS);
    wr_u8(b, minor);
    wr_u8(b, ptype);
    wr_u8(b, flags);
    wr_u8(b, 0x10); /* little-endian integers, ASCII characters */
    wr_u8(b, 0);    /* IEEE floating point */
    wr_u16(b, 0);
    wr_u16(b, 0); /* frag_length, patched by dcerpc_pdu_end */
    wr_u16(b, 0); /* auth_length: no authentication on these associations */
    wr_u32(b, call_id);
    return start;
}

void dcerpc_pdu_end(struct buf *b, size_t start)
{
    size_t len = b->len - start;
    if (len > UINT16_MAX) {
        b->failed = true;
        return;
    }
    wr_put_u16_at(b, start + 8, (uint16_t)len);
}

/* Pads to 4 relative to the PDU start, as the PDU's own fields align. */
static void pdu_align4(struct buf *b, size_t start)
{
    size_t rem = (b->len - start) % 4;
    if (rem)
        wr_zeros(b, 4 - rem);
}

void dcerpc_bind_write(struct buf *b, uint8_t ptype, uint32_t call_id, const struct dcerpc_bind *bind)
{
    size_t start = dcerpc_pdu_begin(b, ptype, 0, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, call_id);
    wr_u16(b, bind->max_xmit_frag);
    wr_u16(b, bind->max_recv_frag);
    wr_u32(b, bind->assoc_group_id);
    wr_u8(b, bind->context_count);
    wr_zeros(b, 3);
    for (unsigned i = 0; i < bind->context_count; i++) {
        const struct dcerpc_context_elem *e = &bind->contexts[i];
        wr_u16(b, e->context_id);
        wr_u8(b, e->transfer_count);
        wr_u8(b, 0);
        dcerpc_syntax_write(b, &e->abstract);
        for (unsigned k = 0; k < e->transfer_count; k++)
            dcerpc_syntax_write(b, &e->transfer[k]);
    }
    dcerpc_pdu_end(b, start);
}

void dcerpc_bind_ack_write(struct buf *b, uint8_t ptype, uint8_t minor, uint32_t call_id,
                           const struct dcerpc_bind_ack *ack)
{
    size_t start = dcerpc_pdu_begin(b, ptype, minor, DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, call_id);
    wr_u16(b, ack->max_xmit_frag);
    wr_u16(b, ack->max_recv_frag);
    wr_u32(b, ack->assoc_group_id);
    /* port_any_t: length including the NUL, or 0 for no address (alter
     * context responses). */
    size_t addr_len = strlen(ack->secondary_address);
    if (addr_len) {
        wr_u16(b, (uint16_t)(addr_len + 1));
        wr_bytes(b, ack->secondary_address, addr_len + 1);
    } else {
        wr_u16(b, 0);
    }
    pdu_align4(b, start);
    wr_u8(b, ack->result_count);
    wr_zeros(b, 3);
    for (unsigned i = 0; i < ack->result_count; i++) {
        wr_u16(b, ack->results[i].result);
        wr_u16(b, ack->results[i].reason);
        dcerpc_syntax_write(b, &ack->results[i].transfer);
    }
    dcerpc_pdu_end(b, start);
}

void dcerpc_bind_nak_write(struct buf *b, uint8_t minor, uint32_t call_id, uint16_t reason)
{
    size_t start = dcerpc_pdu_begin(b, DCERPC_PKT_BIND_NAK, minor,
                                    DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG, call_id);
    wr_u16(b, reason);
    /* p_rt_versions_supported: the one version served, 5.0. */
    wr_u8(b, 1);
    wr_u8(b, DCERPC_RPC_VERS);
    wr_u8(b, 0);
    pdu_align4(b, start);
    dcerpc_pdu_end(b, start);
}

void dcerpc_fault_write(struct buf *b, uint8_t minor, uint32_t call_id, uint16_t context_id,
                        uint8_t extra_flags, uint32_t status)
{
    size_t start = dcerpc_pdu_begin(b, DCERPC_PKT_FAULT, minor,
                                    DCERPC_PFC_FIRST_FRAG | DCERPC_PFC_LAST_FRAG | extra_flags, call_id);
    wr_u32(b, 0); /* alloc_hint */
    wr_u16(b, context_id);
    wr_u8(b, 0); /* cancel_count */
    wr_u8(b, 0);
    wr_u32(b, status);
    wr_u32(b, 0);
    dcerpc_pdu_end(b, start);
}

void dcerpc_fragments_write(struct buf *b, uint8_t ptype, uint8_t minor, uint32_t call_id,
                            uint16_t context_id, uint16_t opnum, const uint8_t *stub,
                            size_t stub_len, uint16_t max_frag)
{
    dcerpc_fragments_write_auth(b, ptype, minor, call_id, context_id, opnum, stub, stub_len, max_frag, NULL);
}

void dcerpc_fragments_write_auth(struct buf *b, uint8_t ptype, uint8_t minor, uint32_t call_id,
                                 uint16_t context_id, uint16_t opnum, const uint8_t *stub, size_t stub_len,
                                 uint16_t max_frag, const struct dcerpc_fragment_auth *auth)
{
    /* Both request and response headers are 24 bytes; a non-last fragment
     * carries a multiple of 8 stub bytes so the next one stays aligned, of
     * 16 with a verifier (the stub padded to 16 before the sec_trailer). */
    size_t overhead = 24 + (auth ? DCERPC_SEC_TRAILER_LEN + DCERPC_AUTH_SIG_SIZE : 0);
    size_t align = auth ? 16 : 8;
    size_t room = max_frag > overhead + align ? ((size_t)max_frag - overhead) & ~(align - 1) : align;
    size_t offset = 0;
    do {
        size_t chunk = stub_len - offset < room ? stub_len - offset : room;
        uint8_t flags = 0;
        if (offset == 0)
            flags |= DCERPC_PFC_FIRST_FRAG;
        if (offset + chunk == stub_len)
            flags |= DCERPC_PFC_LAST_FRAG;
        size_t start = dcerpc_pdu_begin(b, ptype, minor, flags, call_id);
        size_t remaining = stub_len - offset;
        wr_u32(b, remaining > UINT32_MAX ? UINT32_MAX : (uint32_t)remaining); /* alloc_hint */
        wr_u16(b, context_id);
        if (ptype == DCERPC_PKT_REQUEST) {
            wr_u16(b, opnum);
        } else {
            wr_u8(b, 0); /* cancel_count */
            wr_u8(b, 0);
        }
        if (chunk)
            wr_bytes(b, stub + offset, chunk);
        if (auth) {
            static const uint8_t zeros[DCERPC_AUTH_SIG_SIZE];
            uint8_t pad = (uint8_t)((16 - chunk % 16) % 16);
            wr_zeros(b, pad);
            dcerpc_auth_append(b, start, pad, auth->auth_type, auth->auth_level, auth->auth_context_id, zeros,
                               sizeof zeros);
            if (!wr_ok(b))
                return;
            /* The signature covers everything before it. */
            uint8_t *pdu = b->data + start;
            size_t signed_len = b->len - start - DCERPC_AUTH_SIG_SIZE;
            auth->protect(auth->arg, pdu, signed_len, 24, chunk + pad, pdu + signed_len);
        } else {
            dcerpc_pdu_end(b, start);
        }
        offset += chunk;
    } while (offset < stub_len && wr_ok(b));
}

NTSTATUS dcerpc_auth_read(const uint8_t *data, size_t len, struct dcerpc_auth *auth)
{
    struct dcerpc_header h;
    NTSTATUS status = dcerpc_header_read(data, len, &h);
    if (status != STATUS_SUCCESS)
        return status;
    /* dcerpc_header_read checked that the trailer and verifier fit after
     * the header. */
    if (h.frag_length != len || !h.auth_length)
        return STATUS_DATA_ERROR;
    auth->trailer_offset = len - h.auth_length - DCERPC_SEC_TRAILER_LEN;
    struct buf_reader r;
    rd_init(&r, data, len);
    rd_seek(&r, auth->trailer_offset);
    auth->auth_type = rd_u8(&r);
    auth->auth_level = rd_u8(&r);
    auth->auth_pad_length = rd_u8(&r);
    rd_skip(&r, 1); /* auth_reserved */
    auth->auth_context_id = rd_u32(&r);
    auth->token_len = h.auth_length;
    auth->token = rd_bytes(&r, auth->token_len);
    return auth->token && rd_ok(&r) ? STATUS_SUCCESS : STATUS_DATA_ERROR;
}

void dcerpc_auth_append(struct buf *b, size_t start, uint8_t pad_before, uint8_t auth_type,
                        uint8_t auth_level, uint32_t auth_context_id, const uint8_t *token, size_t len)
{
    /* The sec_trailer starts 4-aligned ([MS-RPCE] 2.2.2.11). */
    size_t rem = (b->len - start) % 4;
    uint8_t pad = (uint8_t)(pad_before + (rem ? 4 - rem : 0));
    if (rem)
        wr_zeros(b, 4 - rem);
    wr_u8(b, auth_type);
    wr_u8(b, auth_level);
    wr_u8(b, pad);
    wr_u8(b, 0);
    wr_u32(b, auth_context_id);
    if (len)
        wr_bytes(b, token, len);
    if (len > UINT16_MAX) {
        b->failed = true;
        return;
    }
    if (wr_ok(b))
        wr_put_u16_at(b, start + 10, (uint16_t)len);
    dcerpc_pdu_end(b, start);
}
