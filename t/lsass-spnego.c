/* SPNEGO and the DER reader/writer: round trips, hand-encoded tokens, and
 * malformed input (truncations, indefinite and absurd lengths, wrong tags). */
#include <stdlib.h>
#include <string.h>

#include "lsass/spnego/der.h"
#include "lsass/spnego/spnego.h"
#include "t/tap/tap.h"

static NTSTATUS parse_hex(const char *h, struct spnego_token *t, uint8_t *storage, size_t size)
{
    size_t len = tap_hex(h, storage, size);
    return spnego_parse(storage, len, t);
}

static int all_prefixes_fail(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        struct spnego_token t;
        uint8_t *copy = malloc(i ? i : 1);
        memcpy(copy, data, i);
        NTSTATUS s = spnego_parse(copy, i, &t);
        free(copy);
        if (s == STATUS_SUCCESS)
            return 0;
    }
    return 1;
}

int main(void)
{
    struct spnego_token t;
    uint8_t storage[512];
    struct buf b;
    buf_init(&b);

    /* DER lengths: short, long, minimal on output. */
    der_write_length(&b, 0x7f);
    der_write_length(&b, 0x80);
    der_write_length(&b, 0x1234);
    is_mem(b.data, b.len, "\x7f\x81\x80\x82\x12\x34", 6, "DER lengths are written in minimal form");
    buf_reset(&b);
    der_write_enumerated(&b, 1);
    der_write_enumerated(&b, 200);
    der_write_enumerated(&b, -1);
    is_mem(b.data, b.len, "\x0a\x01\x01\x0a\x02\x00\xc8\x0a\x01\xff", 10, "ENUMERATED in minimal two's complement");
    buf_reset(&b);

    /* The acceptor's NegTokenInit2. */
    struct spnego_bytes mechs[2] = { SPNEGO_OID_NTLMSSP, SPNEGO_OID_KRB5 };
    spnego_write_neg_token_init2(&b, mechs, 1);
    ok(wr_ok(&b) && b.data[0] == 0x60, "NegTokenInit2 is an InitialContextToken");
    ok(spnego_parse(b.data, b.len, &t) == STATUS_SUCCESS && t.type == SPNEGO_NEG_TOKEN_INIT &&
       t.init.mech_count == 1 && spnego_oid_equal(t.init.mechs[0], SPNEGO_OID_NTLMSSP) &&
       !t.init.has_mech_token, "NegTokenInit2 parses back: NTLMSSP offered, negHints skipped");
    ok(all_prefixes_fail(b.data, b.len), "every truncation of NegTokenInit2 is refused");
    buf_reset(&b);

    /* An initiator's negTokenInit with two mechanisms and an optimistic token. */
    spnego_write_neg_token_init(&b, mechs, 2, (const uint8_t *)"NTLMSSP\0token", 13);
    ok(spnego_parse(b.data, b.len, &t) == STATUS_SUCCESS && t.init.mech_count == 2 &&
       spnego_oid_equal(t.init.mechs[1], SPNEGO_OID_KRB5) && t.init.has_mech_token &&
       t.init.mech_token.len == 13 && memcmp(t.init.mech_token.data, "NTLMSSP\0token", 13) == 0,
       "negTokenInit round trip (mechTypes, mechToken)");
    struct buf list;
    buf_init(&list);
    spnego_write_mech_type_list(&list, mechs, 2);
    is_mem(t.init.mech_types_der.data, t.init.mech_types_der.len, list.data, list.len,
           "mech_types_der is the DER MechTypeList that mechListMIC covers");
    buf_free(&list);
    ok(all_prefixes_fail(b.data, b.len), "every truncation of a negTokenInit is refused");
    /* Trailing garbage after the token. */
    wr_u8(&b, 0);
    is_int(spnego_parse(b.data, b.len, &t), STATUS_INVALID_PARAMETER, "a trailing byte is refused");
    buf_reset(&b);

    /* negTokenResp round trips. */
    struct spnego_neg_token_resp resp = { .neg_state = SPNEGO_ACCEPT_INCOMPLETE, .has_supported_mech = true,
                                          .supported_mech = SPNEGO_OID_NTLMSSP, .has_response_token = true,
                                          .response_token = { (const uint8_t *)"challenge", 9 },
                                          .has_mech_list_mic = true,
                                          .mech_list_mic = { (const uint8_t *)"0123456789abcdef", 16 } };
    spnego_write_neg_token_resp(&b, &resp);
    ok(spnego_parse(b.data, b.len, &t) == STATUS_SUCCESS && t.type == SPNEGO_NEG_TOKEN_RESP &&
       t.resp.neg_state == SPNEGO_ACCEPT_INCOMPLETE && t.resp.has_supported_mech &&
       spnego_oid_equal(t.resp.supported_mech, SPNEGO_OID_NTLMSSP) && t.resp.has_response_token &&
       t.resp.response_token.len == 9 && t.resp.has_mech_list_mic && t.resp.mech_list_mic.len == 16,
       "negTokenResp round trip (all four fields)");
    ok(all_prefixes_fail(b.data, b.len), "every truncation of a negTokenResp is refused");
    buf_reset(&b);
    resp = (struct spnego_neg_token_resp){ .neg_state = SPNEGO_ACCEPT_COMPLETED };
    spnego_write_neg_token_resp(&b, &resp);
    is_mem(b.data, b.len, "\xa1\x07\x30\x05\xa0\x03\x0a\x01\x00", 9, "accept-completed encodes as RFC 4178 says");
    buf_reset(&b);

    /* A large token uses long-form lengths. */
    uint8_t *big = calloc(1, 70000);
    resp = (struct spnego_neg_token_resp){ .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_response_token = true,
                                           .response_token = { big, 70000 } };
    spnego_write_neg_token_resp(&b, &resp);
    ok(spnego_parse(b.data, b.len, &t) == STATUS_SUCCESS && t.resp.response_token.len == 70000 &&
       t.resp.neg_state == SPNEGO_NEG_STATE_ABSENT, "a 70000-byte responseToken round trips");
    free(big);
    buf_free(&b);

    /* Hand-made malformed tokens. */
    static const struct { const char *hex; const char *name; } bad[] = {
        { "a180", "indefinite length" },
        { "a1803005a0030a010000000000", "indefinite length with contents" },
        { "a18500000000053005a0030a0100", "a five-byte length" },
        { "a184ffffffff3005a0030a0100", "a length of 4 GiB" },
        { "a1083005a0030a0100", "a length past the end" },
        { "bf1f053003a00100", "a high tag number" },
        { "a1073005a0030a0107", "negState 7" },
        { "a1093007a0030a0100a000", "a repeated field" },
        { "a10b3009a2020400a0030a0100", "fields out of order" },
        { "a1053003a50100", "an unknown field" },
        { "a10730050a0100", "a field without its context tag" },
        { "600d06062b0601050502a0033001", "an InitialContextToken with a truncated body" },
        { "6010060a2b06010401823702020aa0023000", "a thisMech that is not SPNEGO" },
        { "600e06062b0601050502a0043002a000", "an empty MechTypeList" },
        { "6012" "06062b0601050502" "a0083006a0043002" "0600", "a zero-length OID" },
        { "6014" "06062b0601050502" "a00a3008a2060404" "41424344", "a negTokenInit without mechTypes" },
        { "04024142", "an OCTET STRING at top level" },
        { "", "an empty token" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        is_int(parse_hex(bad[i].hex, &t, storage, sizeof storage), STATUS_INVALID_PARAMETER,
               "refused: %s", bad[i].name);

    /* 17 mechanisms: one more than SPNEGO_MAX_MECHS. */
    struct spnego_bytes many[SPNEGO_MAX_MECHS + 1];
    for (size_t i = 0; i <= SPNEGO_MAX_MECHS; i++)
        many[i] = SPNEGO_OID_NTLMSSP;
    buf_init(&b);
    spnego_write_neg_token_init(&b, many, SPNEGO_MAX_MECHS + 1, NULL, 0);
    is_int(spnego_parse(b.data, b.len, &t), STATUS_INVALID_PARAMETER, "refused: 17 mechanisms");
    buf_reset(&b);
    spnego_write_neg_token_init(&b, many, SPNEGO_MAX_MECHS, NULL, 0);
    is_int(spnego_parse(b.data, b.len, &t), STATUS_SUCCESS, "16 mechanisms are fine");
    buf_free(&b);

    /* A negTokenInit as impacket sends it (NTLMSSP only, mechToken = NEGOTIATE prefix). */
    is_int(parse_hex("6022" "06062b0601050502" "a0183016" "a00e300c060a2b06010401823702020a"
                     "a2040402" "4e54", &t, storage, sizeof storage), STATUS_SUCCESS,
           "a hand-encoded negTokenInit parses");
    ok(t.init.mech_count == 1 && t.init.has_mech_token && t.init.mech_token.len == 2, "with its fields");
    return done_testing();
}
