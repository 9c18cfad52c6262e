/* NEGOTIATE, CHALLENGE and AUTHENTICATE messages ([MS-NLMP] 2.2.1). */
#include "lsass/ntlm/ntlm.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

static const uint8_t ntlmssp_signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

#define NEGOTIATE_HEADER 32
#define CHALLENGE_HEADER 48
#define AUTHENTICATE_HEADER 64
#define VERSION_SIZE 8

/* Reads the signature and message type; false if either is wrong. */
static bool read_preamble(struct buf_reader *r, uint32_t type)
{
    const uint8_t *sig = rd_bytes(r, 8);
    uint32_t got = rd_u32(r);
    return sig && memcmp(sig, ntlmssp_signature, 8) == 0 && rd_ok(r) && got == type;
}

/* A (Len, MaxLen, BufferOffset) triple, checked against the whole message.
 * A non-empty field must lie after the fixed header (header_end), so that no
 * payload can alias the header's own fields; *payload_start tracks the lowest
 * payload offset seen. */
static bool read_field(struct buf_reader *r, size_t header_end, size_t *payload_start,
                       struct ntlm_field *field)
{
    uint16_t len = rd_u16(r);
    (void)rd_u16(r); /* MaxLen: ignored on receipt */
    uint32_t offset = rd_u32(r);
    field->data = NULL;
    field->len = 0;
    if (!rd_ok(r))
        return false;
    if (len == 0)
        return true;
    if (offset < header_end || !range_ok(offset, len, r->size))
        return false;
    field->data = r->data + offset;
    field->len = len;
    if (offset < *payload_start)
        *payload_start = offset;
    return true;
}

NTSTATUS ntlm_negotiate_parse(const uint8_t *msg, size_t len, struct ntlm_negotiate *out)
{
    struct buf_reader r;
    size_t payload_start = len;
    memset(out, 0, sizeof *out);
    if (len > NTLM_MAX_MESSAGE)
        return STATUS_INVALID_PARAMETER;
    rd_init(&r, msg, len);
    if (!read_preamble(&r, NtLmNegotiate))
        return STATUS_INVALID_PARAMETER;
    out->flags = rd_u32(&r);
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    /* Very old initiators stop after the flags; the fields are then absent. */
    if (len < NEGOTIATE_HEADER)
        return len == 16 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    if (!read_field(&r, NEGOTIATE_HEADER, &payload_start, &out->domain) ||
        !read_field(&r, NEGOTIATE_HEADER, &payload_start, &out->workstation))
        return STATUS_INVALID_PARAMETER;
    if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && payload_start >= NEGOTIATE_HEADER + VERSION_SIZE &&
        len >= NEGOTIATE_HEADER + VERSION_SIZE) {
        rd_copy(&r, out->version, VERSION_SIZE);
        out->has_version = true;
    }
    return rd_ok(&r) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

NTSTATUS ntlm_challenge_parse(const uint8_t *msg, size_t len, struct ntlm_challenge *out)
{
    struct buf_reader r;
    size_t payload_start = len;
    memset(out, 0, sizeof *out);
    if (len > NTLM_MAX_MESSAGE)
        return STATUS_INVALID_PARAMETER;
    rd_init(&r, msg, len);
    if (!read_preamble(&r, NtLmChallenge))
        return STATUS_INVALID_PARAMETER;
    if (!read_field(&r, CHALLENGE_HEADER, &payload_start, &out->target_name))
        return STATUS_INVALID_PARAMETER;
    out->flags = rd_u32(&r);
    rd_copy(&r, out->server_challenge, 8);
    rd_skip(&r, 8); /* Reserved */
    if (!read_field(&r, CHALLENGE_HEADER, &payload_start, &out->target_info))
        return STATUS_INVALID_PARAMETER;
    if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) && payload_start >= CHALLENGE_HEADER + VERSION_SIZE &&
        len >= CHALLENGE_HEADER + VERSION_SIZE) {
        rd_copy(&r, out->version, VERSION_SIZE);
        out->has_version = true;
    }
    return rd_ok(&r) ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

/* The AvPairs inside an NTLMv2 response (NTProofStr, then the fixed part of
 * NTLMv2_CLIENT_CHALLENGE), or an empty field if nt is not NTLMv2-shaped. */
static struct ntlm_field ntlmv2_av_pairs(struct ntlm_field nt)
{
    struct ntlm_field av = { NULL, 0 };
    if (nt.len > NTLMV2_RESPONSE_FIXED) {
        av.data = nt.data + NTLMV2_RESPONSE_FIXED;
        av.len = nt.len - NTLMV2_RESPONSE_FIXED;
    }
    return av;
}

NTSTATUS ntlm_authenticate_parse(const uint8_t *msg, size_t len, struct ntlm_authenticate *out)
{
    struct buf_reader r;
    size_t payload_start = len;
    memset(out, 0, sizeof *out);
    if (len > NTLM_MAX_MESSAGE)
        return STATUS_INVALID_PARAMETER;
    rd_init(&r, msg, len);
    if (!read_preamble(&r, NtLmAuthenticate))
        return STATUS_INVALID_PARAMETER;
    if (!read_field(&r, AUTHENTICATE_HEADER, &payload_start, &out->lm_response) ||
        !read_field(&r, AUTHENTICATE_HEADER, &payload_start, &out->nt_response) ||
        !read_field(&r, AUTHENTICATE_HEADER, &payload_start, &out->domain) ||
        !read_field(&r, AUTHENTICATE_HEADER, &payload_start, &out->user) ||
        !read_field(&r, AUTHENTICATE_HEADER, &payload_start, &out->workstation) ||
        !read_field(&r, AUTHENTICATE_HEADER, &payload_start, &out->encrypted_random_session_key))
        return STATUS_INVALID_PARAMETER;
    out->flags = rd_u32(&r);
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    out->payload_start = payload_start;

    if ((out->flags & NTLMSSP_NEGOTIATE_VERSION) &&
        payload_start >= AUTHENTICATE_HEADER + VERSION_SIZE) {
        rd_copy(&r, out->version, VERSION_SIZE);
        out->has_version = true;
    }

    /* Whether the MIC field exists is told only by the client's MsvAvFlags
     * inside the NTLMv2 response ([MS-NLMP] 2.2.1.3); if it says so, the
     * payload must leave room for it. */
    struct ntlm_field av = ntlmv2_av_pairs(out->nt_response);
    struct ntlm_field av_flags;
    if (av.len && ntlm_av_list_valid(av.data, av.len) &&
        ntlm_av_find(av.data, av.len, MsvAvFlags, &av_flags)) {
        if (av_flags.len != 4)
            return STATUS_INVALID_PARAMETER;
        if (le32_load(av_flags.data) & MSV_AV_FLAG_MIC_PRESENT) {
            if (payload_start < NTLM_AUTHENTICATE_HEADER_WITH_MIC)
                return STATUS_INVALID_PARAMETER;
            memcpy(out->mic, msg + NTLM_AUTHENTICATE_MIC_OFFSET, 16);
            out->has_mic = true;
        }
    }
    return STATUS_SUCCESS;
}

void ntlm_version_write(uint8_t version[8])
{
    /* ProductMajorVersion 10, ProductMinorVersion 0, ProductBuild 20348,
     * Reserved, NTLMRevisionCurrent. */
    memset(version, 0, 8);
    version[0] = 10;
    version[1] = 0;
    le16_store(version + 2, 20348);
    version[7] = NTLMSSP_REVISION_W2K3;
}

/* Writes a field header now and remembers where its payload will go. */
struct pending_field {
    size_t header_at;
    struct ntlm_field value;
};

static void put_payload(struct buf *b, struct pending_field *f)
{
    size_t offset = b->len;
    wr_put_u16_at(b, f->header_at, (uint16_t)f->value.len);
    wr_put_u16_at(b, f->header_at + 2, (uint16_t)f->value.len);
    wr_put_u32_at(b, f->header_at + 4, (uint32_t)offset);
    if (f->value.len > UINT16_MAX)
        b->failed = true;
    wr_bytes(b, f->value.data, f->value.len);
}

void ntlm_negotiate_write(struct buf *b, uint32_t flags)
{
    wr_bytes(b, ntlmssp_signature, 8);
    wr_u32(b, NtLmNegotiate);
    wr_u32(b, flags);
    /* Empty DomainNameFields and WorkstationFields, pointing at the payload. */
    size_t end = NEGOTIATE_HEADER + ((flags & NTLMSSP_NEGOTIATE_VERSION) ? VERSION_SIZE : 0);
    for (int i = 0; i < 2; i++) {
        wr_u16(b, 0);
        wr_u16(b, 0);
        wr_u32(b, (uint32_t)end);
    }
    if (flags & NTLMSSP_NEGOTIATE_VERSION) {
        uint8_t version[8];
        ntlm_version_write(version);
        wr_bytes(b, version, 8);
    }
}

void ntlm_challenge_write(struct buf *b, const struct ntlm_challenge *c)
{
    /* Offsets are relative to the message start: build it on its own. */
    struct buf m;
    buf_init(&m);
    wr_bytes(&m, ntlmssp_signature, 8);
    wr_u32(&m, NtLmChallenge);
    struct pending_field target_name = { wr_reserve(&m, 8), c->target_name };
    wr_u32(&m, c->flags);
    wr_bytes(&m, c->server_challenge, 8);
    wr_zeros(&m, 8);
    struct pending_field target_info = { wr_reserve(&m, 8), c->target_info };
    if (c->flags & NTLMSSP_NEGOTIATE_VERSION) {
        uint8_t version[8];
        ntlm_version_write(version);
        wr_bytes(&m, c->has_version ? c->version : version, 8);
    }
    put_payload(&m, &target_name);
    put_payload(&m, &target_info);
    if (!wr_ok(&m))
        b->failed = true;
    else
        wr_bytes(b, m.data, m.len);
    buf_free(&m);
}

void ntlm_authenticate_write(struct buf *b, const struct ntlm_authenticate *a, bool with_mic)
{
    struct buf m;
    buf_init(&m);
    wr_bytes(&m, ntlmssp_signature, 8);
    wr_u32(&m, NtLmAuthenticate);
    struct pending_field lm = { wr_reserve(&m, 8), a->lm_response };
    struct pending_field nt = { wr_reserve(&m, 8), a->nt_response };
    struct pending_field domain = { wr_reserve(&m, 8), a->domain };
    struct pending_field user = { wr_reserve(&m, 8), a->user };
    struct pending_field workstation = { wr_reserve(&m, 8), a->workstation };
    struct pending_field key = { wr_reserve(&m, 8), a->encrypted_random_session_key };
    wr_u32(&m, a->flags);
    if ((a->flags & NTLMSSP_NEGOTIATE_VERSION) || with_mic) {
        uint8_t version[8];
        ntlm_version_write(version);
        wr_bytes(&m, a->has_version ? a->version : version, 8);
    }
    if (with_mic)
        wr_zeros(&m, 16);
    /* The order of [MS-NLMP] 4.2.4.3: domain, user, workstation, LM, NT, key. */
    put_payload(&m, &domain);
    put_payload(&m, &user);
    put_payload(&m, &workstation);
    put_payload(&m, &lm);
    put_payload(&m, &nt);
    put_payload(&m, &key);
    if (!wr_ok(&m))
        b->failed = true;
    else
        wr_bytes(b, m.data, m.len);
    buf_free(&m);
}

NTSTATUS ntlm_field_to_utf8(uint32_t flags, struct ntlm_field field, char **out)
{
    *out = NULL;
    if (flags & NTLMSSP_NEGOTIATE_UNICODE) {
        if (field.len % 2)
            return STATUS_INVALID_PARAMETER;
        if (field.len == 0) {
            *out = strdup("");
            return *out ? STATUS_SUCCESS : STATUS_NO_MEMORY;
        }
        NTSTATUS status = utf16le_to_utf8(field.data, field.len, out);
        return NT_SUCCESS(status) ? status : STATUS_INVALID_PARAMETER;
    }
    /* OEM strings: the code page is the client's; only ASCII is unambiguous. */
    for (size_t i = 0; i < field.len; i++)
        if (field.data[i] == 0 || field.data[i] >= 0x80)
            return STATUS_INVALID_PARAMETER;
    *out = malloc(field.len + 1);
    if (!*out)
        return STATUS_NO_MEMORY;
    if (field.len)
        memcpy(*out, field.data, field.len);
    (*out)[field.len] = 0;
    return STATUS_SUCCESS;
}
