/* SPNEGO token parsing and building ([RFC 4178] 4.2, [MS-SPNG] 2.2). */
#include "lsass/spnego/spnego.h"

#include <string.h>

#include "lsass/spnego/der.h"

static const uint8_t oid_spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t oid_ntlmssp[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };
static const uint8_t oid_krb5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
static const uint8_t oid_ms_krb5[] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 };
static const uint8_t oid_negoex[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e };

const struct spnego_bytes SPNEGO_OID_SPNEGO = { oid_spnego, sizeof oid_spnego };
const struct spnego_bytes SPNEGO_OID_NTLMSSP = { oid_ntlmssp, sizeof oid_ntlmssp };
const struct spnego_bytes SPNEGO_OID_KRB5 = { oid_krb5, sizeof oid_krb5 };
const struct spnego_bytes SPNEGO_OID_MS_KRB5 = { oid_ms_krb5, sizeof oid_ms_krb5 };
const struct spnego_bytes SPNEGO_OID_NEGOEX = { oid_negoex, sizeof oid_negoex };

/* Windows and Samba send this hint; some initiators expect negHints present. */
static const char neg_hint_name[] = "not_defined_in_RFC4178@please_ignore";

bool spnego_oid_equal(struct spnego_bytes a, struct spnego_bytes b)
{
    return a.len == b.len && a.len > 0 && memcmp(a.data, b.data, a.len) == 0;
}

static struct spnego_bytes content_bytes(struct der_element *e)
{
    struct spnego_bytes out;
    out.len = rd_remaining(&e->content);
    out.data = rd_bytes(&e->content, out.len);
    return out;
}

/* An element that must be [n] { OCTET STRING }. */
static bool read_explicit_octets(struct der_element *outer, struct spnego_bytes *out)
{
    struct der_element inner;
    if (!der_read_expect(&outer->content, DER_OCTET_STRING, &inner) ||
        rd_remaining(&outer->content) != 0)
        return false;
    *out = content_bytes(&inner);
    return out->data != NULL;
}

static bool read_mech_type_list(struct der_element *outer, struct spnego_neg_token_init *init)
{
    struct der_element list;
    if (!der_read_expect(&outer->content, DER_SEQUENCE, &list) ||
        rd_remaining(&outer->content) != 0)
        return false;
    init->mech_types_der.data = list.raw;
    init->mech_types_der.len = list.raw_len;
    init->mech_count = 0;
    while (rd_remaining(&list.content) > 0) {
        struct der_element oid;
        if (init->mech_count == SPNEGO_MAX_MECHS ||
            !der_read_expect(&list.content, DER_OID, &oid))
            return false;
        struct spnego_bytes mech = content_bytes(&oid);
        if (mech.len == 0)
            return false;
        init->mechs[init->mech_count++] = mech;
    }
    return rd_ok(&list.content);
}

static bool parse_neg_token_init(struct buf_reader *r, struct spnego_neg_token_init *init)
{
    struct der_element seq;
    bool have_mech_types = false;
    int last_tag = -1;
    memset(init, 0, sizeof *init);
    if (!der_read_expect(r, DER_SEQUENCE, &seq))
        return false;
    while (rd_remaining(&seq.content) > 0) {
        struct der_element field;
        if (!der_read(&seq.content, &field))
            return false;
        int n = field.tag - DER_CONTEXT(0);
        /* DER puts the fields in tag order, each at most once. */
        if (field.tag < DER_CONTEXT(0) || n > 4 || n <= last_tag)
            return false;
        last_tag = n;
        switch (n) {
        case 0:
            if (!read_mech_type_list(&field, init))
                return false;
            have_mech_types = true;
            break;
        case 1: /* reqFlags: advisory, ignored ([MS-SPNG] 3.2.5.1). */
            break;
        case 2:
            if (!read_explicit_octets(&field, &init->mech_token))
                return false;
            init->has_mech_token = true;
            break;
        case 3: {
            /* [3] is mechListMIC in RFC 4178 but negHints (a SEQUENCE) in
             * [MS-SPNG] NegTokenInit2; the inner tag tells them apart. */
            uint8_t inner;
            if (!der_peek_tag(&field.content, &inner))
                return false;
            if (inner == DER_SEQUENCE)
                break;
            if (!read_explicit_octets(&field, &init->mech_list_mic))
                return false;
            init->has_mech_list_mic = true;
            break;
        }
        case 4:
            if (!read_explicit_octets(&field, &init->mech_list_mic))
                return false;
            init->has_mech_list_mic = true;
            break;
        }
    }
    return rd_ok(&seq.content) && have_mech_types && init->mech_count > 0;
}

static bool parse_neg_token_resp(struct buf_reader *r, struct spnego_neg_token_resp *resp)
{
    struct der_element seq;
    int last_tag = -1;
    memset(resp, 0, sizeof *resp);
    resp->neg_state = SPNEGO_NEG_STATE_ABSENT;
    if (!der_read_expect(r, DER_SEQUENCE, &seq))
        return false;
    while (rd_remaining(&seq.content) > 0) {
        struct der_element field, inner;
        if (!der_read(&seq.content, &field))
            return false;
        int n = field.tag - DER_CONTEXT(0);
        if (field.tag < DER_CONTEXT(0) || n > 3 || n <= last_tag)
            return false;
        last_tag = n;
        switch (n) {
        case 0: {
            int32_t state;
            if (!der_read_expect(&field.content, DER_ENUMERATED, &inner) ||
                rd_remaining(&field.content) != 0 || !der_read_small_int(&inner.content, &state) ||
                state < SPNEGO_ACCEPT_COMPLETED || state > SPNEGO_REQUEST_MIC)
                return false;
            resp->neg_state = state;
            break;
        }
        case 1:
            if (!der_read_expect(&field.content, DER_OID, &inner) ||
                rd_remaining(&field.content) != 0)
                return false;
            resp->supported_mech = content_bytes(&inner);
            if (resp->supported_mech.len == 0)
                return false;
            resp->has_supported_mech = true;
            break;
        case 2:
            if (!read_explicit_octets(&field, &resp->response_token))
                return false;
            resp->has_response_token = true;
            break;
        case 3:
            if (!read_explicit_octets(&field, &resp->mech_list_mic))
                return false;
            resp->has_mech_list_mic = true;
            break;
        }
    }
    return rd_ok(&seq.content);
}

bool spnego_looks_like(const uint8_t *data, size_t len)
{
    return len > 0 && (data[0] == DER_APPLICATION(0) || data[0] == DER_CONTEXT(0) ||
                       data[0] == DER_CONTEXT(1));
}

NTSTATUS spnego_parse(const uint8_t *data, size_t len, struct spnego_token *token)
{
    struct buf_reader r;
    struct der_element outer, choice;
    bool parsed = false;

    memset(token, 0, sizeof *token);
    rd_init(&r, data, len);
    if (!der_read(&r, &outer) || rd_remaining(&r) != 0)
        return STATUS_INVALID_PARAMETER;

    if (outer.tag == DER_APPLICATION(0)) {
        /* GSS-API framing ([RFC 2743] 3.1): thisMech, then the negTokenInit. */
        struct der_element mech;
        if (!der_read_expect(&outer.content, DER_OID, &mech))
            return STATUS_INVALID_PARAMETER;
        if (!spnego_oid_equal(content_bytes(&mech), SPNEGO_OID_SPNEGO))
            return STATUS_INVALID_PARAMETER;
        if (!der_read_expect(&outer.content, DER_CONTEXT(0), &choice) ||
            rd_remaining(&outer.content) != 0)
            return STATUS_INVALID_PARAMETER;
    } else {
        choice = outer;
    }

    if (choice.tag == DER_CONTEXT(0)) {
        token->type = SPNEGO_NEG_TOKEN_INIT;
        parsed = parse_neg_token_init(&choice.content, &token->init);
    } else if (choice.tag == DER_CONTEXT(1)) {
        token->type = SPNEGO_NEG_TOKEN_RESP;
        parsed = parse_neg_token_resp(&choice.content, &token->resp);
    }
    if (!parsed || rd_remaining(&choice.content) != 0)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

void spnego_write_mech_type_list(struct buf *b, const struct spnego_bytes *mechs, size_t count)
{
    struct buf list;
    buf_init(&list);
    for (size_t i = 0; i < count; i++)
        der_write(&list, DER_OID, mechs[i].data, mechs[i].len);
    der_wrap(b, DER_SEQUENCE, &list);
    buf_free(&list);
}

/* [APPLICATION 0] { thisMech, [0] negTokenInit-SEQUENCE-contents } around seq. */
static void wrap_initial_context_token(struct buf *b, struct buf *seq)
{
    struct buf tmp, app;
    buf_init(&tmp);
    buf_init(&app);
    der_wrap(&tmp, DER_SEQUENCE, seq);
    der_write(&app, DER_OID, SPNEGO_OID_SPNEGO.data, SPNEGO_OID_SPNEGO.len);
    der_wrap(&app, DER_CONTEXT(0), &tmp);
    der_wrap(b, DER_APPLICATION(0), &app);
    buf_free(&tmp);
    buf_free(&app);
}

void spnego_write_neg_token_init2(struct buf *b, const struct spnego_bytes *mechs, size_t count)
{
    struct buf seq, field, hints;
    buf_init(&seq);
    buf_init(&field);
    buf_init(&hints);

    spnego_write_mech_type_list(&field, mechs, count);
    der_wrap(&seq, DER_CONTEXT(0), &field);

    /* negHints [3] SEQUENCE { hintName [0] GeneralString } */
    der_write(&field, DER_GENERAL_STRING, neg_hint_name, sizeof neg_hint_name - 1);
    der_wrap(&hints, DER_CONTEXT(0), &field);
    der_wrap(&field, DER_SEQUENCE, &hints);
    der_wrap(&seq, DER_CONTEXT(3), &field);

    wrap_initial_context_token(b, &seq);
    buf_free(&seq);
    buf_free(&field);
    buf_free(&hints);
}

void spnego_write_neg_token_init(struct buf *b, const struct spnego_bytes *mechs, size_t count,
                                 const uint8_t *mech_token, size_t mech_token_len)
{
    struct buf seq, field;
    buf_init(&seq);
    buf_init(&field);

    spnego_write_mech_type_list(&field, mechs, count);
    der_wrap(&seq, DER_CONTEXT(0), &field);
    if (mech_token) {
        der_write(&field, DER_OCTET_STRING, mech_token, mech_token_len);
        der_wrap(&seq, DER_CONTEXT(2), &field);
    }
    wrap_initial_context_token(b, &seq);
    buf_free(&seq);
    buf_free(&field);
}

void spnego_write_neg_token_resp(struct buf *b, const struct spnego_neg_token_resp *resp)
{
    struct buf seq, field;
    buf_init(&seq);
    buf_init(&field);

    if (resp->neg_state != SPNEGO_NEG_STATE_ABSENT) {
        der_write_enumerated(&field, resp->neg_state);
        der_wrap(&seq, DER_CONTEXT(0), &field);
    }
    if (resp->has_supported_mech) {
        der_write(&field, DER_OID, resp->supported_mech.data, resp->supported_mech.len);
        der_wrap(&seq, DER_CONTEXT(1), &field);
    }
    if (resp->has_response_token) {
        der_write(&field, DER_OCTET_STRING, resp->response_token.data, resp->response_token.len);
        der_wrap(&seq, DER_CONTEXT(2), &field);
    }
    if (resp->has_mech_list_mic) {
        der_write(&field, DER_OCTET_STRING, resp->mech_list_mic.data, resp->mech_list_mic.len);
        der_wrap(&seq, DER_CONTEXT(3), &field);
    }
    der_wrap(&field, DER_SEQUENCE, &seq);
    der_wrap(b, DER_CONTEXT(1), &field);
    buf_free(&seq);
    buf_free(&field);
}
