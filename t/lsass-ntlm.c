/* NTLMSSP against the published [MS-NLMP] 4.2.4 NTLMv2 vectors (NTOWFv2,
 * NTProofStr, session base key, LMv2, KEY_EXCH, the AUTHENTICATE_MESSAGE of
 * 4.2.4.3, the GSS_WrapEx example of 4.2.4.4), then the acceptor driven by our
 * initiator with a MIC, and malformed AUTHENTICATE messages. */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lsass/ntlm/ntlm.h"
#include "t/tap/tap.h"

/* [MS-NLMP] 4.2.4.3: the CHALLENGE_MESSAGE and AUTHENTICATE_MESSAGE. */
static const char spec_challenge_hex[] =
    "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef"
    "00000000000000002400240044000000060070170000000f5300650072007600"
    "6500720002000c0044006f006d00610069006e0001000c005300650072007600"
    "6500720000000000";
static const char spec_authenticate_hex[] =
    "4e544c4d535350000300000018001800"
    "6c00000054005400840000000c000c00"
    "48000000080008005400000010001000"
    "5c00000010001000d8000000358288e2"
    "0501280a0000000f44006f006d006100"
    "69006e00550073006500720043004f00"
    "4d005000550054004500520086c35097"
    "ac9cec102554764a57cccc19aaaaaaaa"
    "aaaaaaaa68cd0ab851e51c96aabc927b"
    "ebef6a1c010100000000000000000000"
    "00000000aaaaaaaaaaaaaaaa00000000"
    "02000c0044006f006d00610069006e00"
    "01000c00530065007200760065007200"
    "0000000000000000c5dad2544fc97990"
    "94ce1ce90bc9d03e";

static uint8_t spec_challenge[256], spec_authenticate[512];
static size_t spec_challenge_len, spec_authenticate_len;
static uint8_t password_hash[16];

static void hex(const char *h, uint8_t *out, size_t size) { tap_hex(h, out, size); }

static void spec_vectors(void)
{
    uint8_t want[32], got[32], key[16], sbk[16];
    const uint8_t server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
    const uint8_t client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };

    hex("a4f49c406510bdcab6824ee7c30fd852", want, 16);
    is_mem(password_hash, 16, want, 16, "4.2.2.1.2 NTOWFv1(\"Password\")");

    ok(ntlm_ntowfv2(password_hash, "User", "Domain", key) == STATUS_SUCCESS, "NTOWFv2 runs");
    hex("0c868a403bfd7a93a3001ef22ef02e3f", want, 16);
    is_mem(key, 16, want, 16, "4.2.4.1.1 NTOWFv2(\"Password\", \"User\", \"Domain\")");
    /* Uppercase(User): the user's case does not matter, the domain's does. */
    ntlm_ntowfv2(password_hash, "uSeR", "Domain", got);
    is_mem(got, 16, want, 16, "NTOWFv2 upper-cases the user name");
    ntlm_ntowfv2(password_hash, "User", "DOMAIN", got);
    ok(memcmp(got, want, 16) != 0, "NTOWFv2 keeps the domain's case");

    struct ntlm_challenge chal;
    ok(ntlm_challenge_parse(spec_challenge, spec_challenge_len, &chal) == STATUS_SUCCESS,
       "4.2.4.3 CHALLENGE_MESSAGE parses");
    is_int(chal.flags, 0xe28a8233, "its NegotiateFlags");
    is_mem(chal.server_challenge, 8, server_challenge, 8, "its ServerChallenge");
    ok(chal.target_info.len == 36 && ntlm_av_list_valid(chal.target_info.data, chal.target_info.len),
       "its TargetInfo is a valid AV pair list");

    struct buf nt;
    buf_init(&nt);
    ntlm_v2_response(&nt, key, server_challenge, client_challenge, 0, chal.target_info.data,
                     chal.target_info.len, sbk);
    hex("68cd0ab851e51c96aabc927bebef6a1c", want, 16);
    ok(wr_ok(&nt) && nt.len == 84, "NTLMv2 response is 84 bytes");
    is_mem(nt.data, 16, want, 16, "4.2.4.2.2 NTProofStr");
    hex("8de40ccadbc14a82f15cb0ad0de95ca3", want, 16);
    is_mem(sbk, 16, want, 16, "4.2.4.1.2 session base key");

    uint8_t lm[24];
    ntlm_lmv2_response(key, server_challenge, client_challenge, lm);
    hex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa", want, 24);
    is_mem(lm, 24, want, 24, "4.2.4.2.1 LMv2 response");

    /* KEY_EXCH: RandomSessionKey 0x55 * 16 encrypted with the KeyExchangeKey. */
    uint8_t random_key[16], enc[16];
    memset(random_key, 0x55, 16);
    memcpy(enc, random_key, 16);
    struct rc4_state rc4;
    crypto_rc4_init(&rc4, sbk, 16);
    crypto_rc4(&rc4, enc, 16);
    hex("c5dad2544fc9799094ce1ce90bc9d03e", want, 16);
    is_mem(enc, 16, want, 16, "4.2.4.2.3 encrypted session key");
    struct ntlm_field enc_field = { enc, 16 };
    uint8_t exported[16];
    ok(ntlm_exported_session_key(0xe28a8233, sbk, enc_field, exported) == STATUS_SUCCESS &&
       memcmp(exported, random_key, 16) == 0, "KEY_EXCH recovers the random session key");
    ok(ntlm_exported_session_key(0x00088201, sbk, enc_field, exported) == STATUS_SUCCESS &&
       memcmp(exported, sbk, 16) == 0, "without KEY_EXCH the exported key is the session base key");
    uint8_t long_key[17] = { 0 };
    struct ntlm_field long_field = { long_key, 17 };
    is_int(ntlm_exported_session_key(0xe28a8233, sbk, long_field, exported), STATUS_INVALID_PARAMETER,
           "a 17-byte EncryptedRandomSessionKey is refused");
    struct ntlm_field short_field = { long_key, 8 };
    is_int(ntlm_exported_session_key(0xe28a8233, sbk, short_field, exported), STATUS_INVALID_PARAMETER,
           "an 8-byte EncryptedRandomSessionKey with KEY_EXCH is refused");

    /* The AUTHENTICATE_MESSAGE: parse it, verify it, and rebuild it byte for byte. */
    struct ntlm_authenticate auth;
    ok(ntlm_authenticate_parse(spec_authenticate, spec_authenticate_len, &auth) == STATUS_SUCCESS,
       "4.2.4.3 AUTHENTICATE_MESSAGE parses");
    is_int(auth.flags, 0xe2888235, "its NegotiateFlags");
    ok(auth.has_version && !auth.has_mic, "it has a Version and no MIC");
    char *user = NULL, *domain = NULL, *ws = NULL;
    ntlm_field_to_utf8(auth.flags, auth.user, &user);
    ntlm_field_to_utf8(auth.flags, auth.domain, &domain);
    ntlm_field_to_utf8(auth.flags, auth.workstation, &ws);
    is_str(user, "User", "its UserName");
    is_str(domain, "Domain", "its DomainName");
    is_str(ws, "COMPUTER", "its Workstation");
    is_mem(auth.lm_response.data, auth.lm_response.len, lm, 24, "its LmChallengeResponse");
    is_mem(auth.nt_response.data, auth.nt_response.len, nt.data, nt.len, "its NtChallengeResponse");
    is_mem(auth.encrypted_random_session_key.data, auth.encrypted_random_session_key.len, enc, 16,
           "its EncryptedRandomSessionKey");
    uint8_t verified[16];
    ok(ntlm_v2_verify(key, server_challenge, auth.nt_response.data, auth.nt_response.len, verified) ==
           STATUS_SUCCESS && memcmp(verified, sbk, 16) == 0,
       "its NTLMv2 response verifies and yields the session base key");
    uint8_t wrong_key[16];
    uint8_t wrong_hash[16];
    crypto_nt_hash("password", wrong_hash);
    ntlm_ntowfv2(wrong_hash, "User", "Domain", wrong_key);
    is_int(ntlm_v2_verify(wrong_key, server_challenge, auth.nt_response.data, auth.nt_response.len,
                          verified), STATUS_WRONG_PASSWORD, "a wrong password does not verify");

    struct buf rebuilt;
    buf_init(&rebuilt);
    ntlm_authenticate_write(&rebuilt, &auth, false);
    is_mem(rebuilt.data, rebuilt.len, spec_authenticate, spec_authenticate_len,
           "the writer reproduces the 4.2.4.3 AUTHENTICATE_MESSAGE");
    buf_free(&rebuilt);
    free(user);
    free(domain);
    free(ws);
    buf_free(&nt);

    /* 4.2.4.4 GSS_WrapEx: keys from RandomSessionKey, then SEAL("Plaintext"). */
    struct ntlm_keys keys;
    ntlm_keys_init(&keys, 0xe28a8233, random_key);
    hex("59f600973cc4960a25480a7c196e4c58", want, 16);
    is_mem(keys.client_sealing_key, 16, want, 16, "4.2.4.4 client sealing key");
    hex("4788dc861b4782f35d43fd98fe1a2d39", want, 16);
    is_mem(keys.client_signing_key, 16, want, 16, "4.2.4.4 client signing key");
    uint8_t msg[18], sig[16];
    hex("50006c00610069006e007400650078007400", msg, sizeof msg);
    ntlm_seal(&keys, false, msg, sizeof msg, sig);
    hex("54e50165bf1936dc996020c1811b0f06fb5f", want, 18);
    is_mem(msg, 18, want, 18, "4.2.4.4 sealed data");
    hex("010000007fb38ec5c55d497600000000", want, 16);
    is_mem(sig, 16, want, 16, "4.2.4.4 signature");
}

/* The acceptor with the spec's challenge accepts the spec's AUTHENTICATE. */
static void spec_acceptor(void)
{
    struct ntlm_server_config config = { .nb_computer_name = "Server", .nb_domain_name = "Domain",
                                         .fixed_challenge = true, .omit_timestamp = true };
    tap_hex("0123456789abcdef", config.challenge, 8);
    struct ntlm_server *server = ntlm_server_new(&config);
    struct ntlm_client_config cc = { .user = "User", .domain = "Domain", .nt_hash = password_hash };
    struct ntlm_client *client = ntlm_client_new(&cc);
    struct buf neg, chal;
    buf_init(&neg);
    buf_init(&chal);
    ntlm_client_negotiate(client, &neg);
    ok(ntlm_server_negotiate(server, neg.data, neg.len, &chal) == STATUS_SUCCESS, "acceptor: NEGOTIATE");
    struct ntlm_challenge parsed;
    ok(ntlm_challenge_parse(chal.data, chal.len, &parsed) == STATUS_SUCCESS &&
       memcmp(parsed.server_challenge, config.challenge, 8) == 0, "acceptor: CHALLENGE with the fixed challenge");
    const struct ntlm_logon_request *req;
    ok(ntlm_server_begin_authenticate(server, spec_authenticate, spec_authenticate_len, &req) ==
           STATUS_SUCCESS, "acceptor: spec AUTHENTICATE accepted for verification");
    is_str(req ? req->user : NULL, "User", "acceptor: user");
    uint8_t key[16], sbk[16], want[16];
    ntlm_ntowfv2(password_hash, req->user, req->domain, key);
    ok(ntlm_v2_verify(key, req->server_challenge, req->nt_response.data, req->nt_response.len, sbk) ==
           STATUS_SUCCESS, "acceptor: response verified");
    ok(ntlm_server_finish_authenticate(server, sbk) == STATUS_SUCCESS, "acceptor: finished");
    memset(want, 0x55, 16);
    struct ntlm_keys *keys = ntlm_server_keys(server);
    ok(keys && memcmp(keys->exported_session_key, want, 16) == 0,
       "acceptor: exported session key is the spec's RandomSessionKey");
    buf_free(&neg);
    buf_free(&chal);
    ntlm_client_free(client);
    ntlm_server_free(server);
}

/* A full exchange; returns the acceptor's final status. */
struct exchange {
    struct ntlm_client_config client;
    /* Mutates the AUTHENTICATE before the acceptor sees it. */
    void (*mutate)(struct buf *auth);
    const uint8_t *verify_hash; /* the hash the "provider" holds */
    NTSTATUS begin_status;
    NTSTATUS status;
    bool keys_match;
    enum ntlm_logon_kind kind;
};

static void run_exchange(struct exchange *x)
{
    struct ntlm_server_config config = { .nb_computer_name = "SAMEWISE", .nb_domain_name = "SAMEWISE",
                                         .dns_computer_name = "samewise.example",
                                         .dns_domain_name = "example" };
    struct ntlm_server *server = ntlm_server_new(&config);
    struct ntlm_client *client = ntlm_client_new(&x->client);
    struct buf neg, chal, auth;
    const struct ntlm_logon_request *req = NULL;
    buf_init(&neg);
    buf_init(&chal);
    buf_init(&auth);
    x->keys_match = false;
    x->status = STATUS_UNSUCCESSFUL;
    ntlm_client_negotiate(client, &neg);
    if (ntlm_server_negotiate(server, neg.data, neg.len, &chal) != STATUS_SUCCESS ||
        ntlm_client_authenticate(client, chal.data, chal.len, &auth) != STATUS_SUCCESS)
        goto out;
    if (x->mutate)
        x->mutate(&auth);
    x->begin_status = x->status = ntlm_server_begin_authenticate(server, auth.data, auth.len, &req);
    if (x->status != STATUS_SUCCESS)
        goto out;
    x->kind = req->kind;
    uint8_t sbk[16];
    if (req->kind == NTLM_LOGON_NTLMV2) {
        uint8_t key[16];
        ntlm_ntowfv2(x->verify_hash, req->user, req->domain, key);
        x->status = ntlm_v2_verify(key, req->server_challenge, req->nt_response.data, req->nt_response.len,
                                   sbk);
        if (x->status != STATUS_SUCCESS)
            goto out;
        x->status = ntlm_server_finish_authenticate(server, sbk);
    } else {
        x->status = ntlm_server_finish_authenticate(server, NULL);
    }
    if (x->status == STATUS_SUCCESS) {
        struct ntlm_keys *s = ntlm_server_keys(server), *c = ntlm_client_keys(client);
        x->keys_match = s && c && memcmp(s->exported_session_key, c->exported_session_key, 16) == 0;
        /* Each side verifies what the other signed. */
        uint8_t sig[16];
        const uint8_t data[] = "mechListMIC payload";
        ntlm_sign(c, false, data, sizeof data, sig);
        x->keys_match = x->keys_match && ntlm_verify(s, true, data, sizeof data, sig) == STATUS_SUCCESS;
        ntlm_sign(s, true, data, sizeof data, sig);
        x->keys_match = x->keys_match && ntlm_verify(c, false, data, sizeof data, sig) == STATUS_SUCCESS;
        ntlm_sign(s, true, data, sizeof data, sig);
        sig[5] ^= 1;
        x->keys_match = x->keys_match && ntlm_verify(c, false, data, sizeof data, sig) != STATUS_SUCCESS;
    }
out:
    buf_free(&neg);
    buf_free(&chal);
    buf_free(&auth);
    ntlm_client_free(client);
    ntlm_server_free(server);
}

/* Mutations of an AUTHENTICATE built by our client (KEY_EXCH, MIC, Version):
 * header fields are at fixed offsets (LM 12, NT 20, ..., key 52). */
static void set_field(struct buf *auth, size_t at, uint16_t len, uint32_t offset)
{
    le16_store(auth->data + at, len);
    le16_store(auth->data + at + 2, len);
    le32_store(auth->data + at + 4, offset);
}
static void key_17_bytes(struct buf *auth)
{
    /* Append 17 bytes and point the key field at them. */
    size_t at = auth->len;
    wr_zeros(auth, 17);
    set_field(auth, 52, 17, (uint32_t)at);
}
static void key_far_away(struct buf *auth) { set_field(auth, 52, 16, 0x7fffffff); }
static void nt_length_overflow(struct buf *auth) { set_field(auth, 20, 0xffff, le32_load(auth->data + 24)); }
static void nt_into_header(struct buf *auth) { set_field(auth, 20, 24, 8); }
static void truncate_last(struct buf *auth) { auth->len -= 1; }
static void ntlmv1_response(struct buf *auth)
{
    set_field(auth, 20, 24, le32_load(auth->data + 24));
}
static void flip_proof(struct buf *auth) { auth->data[le32_load(auth->data + 24)] ^= 0x80; }
/* Rewrites the client's AV pairs inside the NT response: the pair with the id
 * given is renamed to an unknown id (so it is missing), or the EOL is lost. */
static uint16_t av_victim;
static void av_mutate(struct buf *auth)
{
    uint32_t nt_at = le32_load(auth->data + 24);
    uint16_t nt_len = le16_load(auth->data + 20);
    size_t pos = nt_at + NTLMV2_RESPONSE_FIXED, end = nt_at + nt_len;
    while (pos + 4 <= end) {
        uint16_t id = le16_load(auth->data + pos), len = le16_load(auth->data + pos + 2);
        if (id == av_victim) {
            le16_store(auth->data + pos, id == MsvAvEOL ? MsvAvSingleHost : 0x77);
            if (id == MsvAvEOL)
                le16_store(auth->data + pos + 2, 0x7fff); /* runs past the end */
            return;
        }
        if (id == MsvAvEOL)
            return;
        pos += 4 + len;
    }
}
static void remove_mic_room(struct buf *auth)
{
    /* Claim the payload starts at 72 (a field pointing there): no room for a
     * MIC although MsvAvFlags announces one. */
    set_field(auth, 44, 2, 72);
}

int main(void)
{
    crypto_nt_hash("Password", password_hash);
    spec_challenge_len = tap_hex(spec_challenge_hex, spec_challenge, sizeof spec_challenge);
    spec_authenticate_len = tap_hex(spec_authenticate_hex, spec_authenticate, sizeof spec_authenticate);
    spec_vectors();
    spec_acceptor();

    uint8_t other_hash[16];
    crypto_nt_hash("Wrong-Password", other_hash);
    struct ntlm_client_config alice = { .user = "alice", .domain = "SAMEWISE", .workstation = "WS1",
                                        .nt_hash = password_hash, .send_mic = true };
    struct exchange x = { .client = alice, .verify_hash = password_hash };
    run_exchange(&x);
    ok(x.status == STATUS_SUCCESS && x.kind == NTLM_LOGON_NTLMV2, "exchange with MIC and KEY_EXCH succeeds");
    ok(x.keys_match, "both sides derive the same keys; signatures verify both ways; a flipped bit fails");

    x = (struct exchange){ .client = alice, .verify_hash = other_hash };
    run_exchange(&x);
    is_int(x.status, STATUS_WRONG_PASSWORD, "wrong password refused");

    x = (struct exchange){ .client = alice, .verify_hash = password_hash };
    x.client.corrupt_mic = true;
    run_exchange(&x);
    is_int(x.status, STATUS_LOGON_FAILURE, "a wrong MIC is refused");

    x = (struct exchange){ .client = alice, .verify_hash = password_hash };
    x.client.send_mic = false;
    x.client.flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM |
                     NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_128 |
                     NTLMSSP_NEGOTIATE_SIGN;
    run_exchange(&x);
    ok(x.status == STATUS_SUCCESS && x.keys_match, "exchange without MIC, KEY_EXCH or Version succeeds");

    struct ntlm_client_config anon = { .user = "", .domain = "", .workstation = "WS1" };
    x = (struct exchange){ .client = anon };
    run_exchange(&x);
    ok(x.status == STATUS_SUCCESS && x.kind == NTLM_LOGON_ANONYMOUS, "anonymous AUTHENTICATE recognised");

    struct {
        void (*mutate)(struct buf *);
        NTSTATUS want;
        const char *name;
    } bad[] = {
        { key_17_bytes, STATUS_INVALID_PARAMETER, "a 17-byte session key is refused" },
        { key_far_away, STATUS_INVALID_PARAMETER, "a session key offset past the end is refused" },
        { nt_length_overflow, STATUS_INVALID_PARAMETER, "an NT response longer than the message is refused" },
        { nt_into_header, STATUS_INVALID_PARAMETER, "a field pointing into the header is refused" },
        { truncate_last, STATUS_INVALID_PARAMETER, "a truncated message is refused" },
        { ntlmv1_response, STATUS_LOGON_FAILURE, "an NTLMv1 (24-byte) response is refused" },
        { flip_proof, STATUS_WRONG_PASSWORD, "a tampered NTProofStr does not verify" },
        { remove_mic_room, STATUS_INVALID_PARAMETER, "MsvAvFlags announcing a MIC without room is refused" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        x = (struct exchange){ .client = alice, .verify_hash = password_hash, .mutate = bad[i].mutate };
        run_exchange(&x);
        is_int(x.status, bad[i].want, "%s", bad[i].name);
    }
    static const struct { uint16_t id; const char *name; } av[] = {
        { MsvAvNbComputerName, "missing MsvAvNbComputerName" },
        { MsvAvNbDomainName, "missing MsvAvNbDomainName" },
        { MsvAvEOL, "AV pairs without an EOL" },
    };
    for (size_t i = 0; i < sizeof av / sizeof av[0]; i++) {
        av_victim = av[i].id;
        x = (struct exchange){ .client = alice, .verify_hash = password_hash, .mutate = av_mutate };
        run_exchange(&x);
        is_int(x.status, STATUS_INVALID_PARAMETER, "%s is refused", av[i].name);
    }

    /* Every prefix of the spec AUTHENTICATE parses cleanly or fails cleanly. */
    int clean = 1;
    for (size_t len = 0; len < spec_authenticate_len; len++) {
        struct ntlm_authenticate a;
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, spec_authenticate, len);
        if (ntlm_authenticate_parse(copy, len, &a) == STATUS_SUCCESS)
            clean = 0; /* every field ends at the last byte or before, so none passes */
        free(copy);
    }
    ok(clean, "every truncation of the spec AUTHENTICATE is refused");
    return done_testing();
}
