/* The NTLM initiator ([MS-NLMP] 3.1.5): used by the test suite to produce
 * exchanges with a MIC, and by an SMB client later. */
#include "lsass/ntlm/ntlm.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

struct ntlm_client {
    char *user;
    char *domain;
    char *workstation;
    bool anonymous;
    uint8_t nt_hash[16];
    uint32_t flags;
    bool send_mic;
    bool corrupt_mic;
    bool fixed_client_challenge, fixed_session_key;
    uint8_t client_challenge[8];
    uint8_t random_session_key[16];
    struct buf negotiate;
    struct ntlm_keys keys;
    bool done;
};

#define DEFAULT_FLAGS (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN |   \
                       NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN | \
                       NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_TARGET_INFO |    \
                       NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH | \
                       NTLMSSP_NEGOTIATE_56)

struct ntlm_client *ntlm_client_new(const struct ntlm_client_config *config)
{
    struct ntlm_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->user = strdup(config->user ? config->user : "");
    c->domain = strdup(config->domain ? config->domain : "");
    c->workstation = strdup(config->workstation ? config->workstation : "");
    c->anonymous = config->nt_hash == NULL;
    if (config->nt_hash)
        memcpy(c->nt_hash, config->nt_hash, 16);
    c->flags = config->flags ? config->flags : DEFAULT_FLAGS;
    c->send_mic = config->send_mic;
    c->corrupt_mic = config->corrupt_mic;
    if (config->client_challenge) {
        c->fixed_client_challenge = true;
        memcpy(c->client_challenge, config->client_challenge, 8);
    }
    if (config->random_session_key) {
        c->fixed_session_key = true;
        memcpy(c->random_session_key, config->random_session_key, 16);
    }
    buf_init(&c->negotiate);
    if (!c->user || !c->domain || !c->workstation) {
        ntlm_client_free(c);
        return NULL;
    }
    return c;
}

void ntlm_client_free(struct ntlm_client *c)
{
    if (!c)
        return;
    free(c->user);
    free(c->domain);
    free(c->workstation);
    buf_free(&c->negotiate);
    crypto_wipe(c, sizeof *c);
    free(c);
}

NTSTATUS ntlm_client_negotiate(struct ntlm_client *c, struct buf *out)
{
    buf_reset(&c->negotiate);
    ntlm_negotiate_write(&c->negotiate, c->flags);
    if (!wr_ok(&c->negotiate))
        return STATUS_NO_MEMORY;
    wr_bytes(out, c->negotiate.data, c->negotiate.len);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS to_utf16(const char *s, uint8_t **out, size_t *len)
{
    return utf8_to_utf16le(s, strlen(s), out, len);
}

/* The AV pairs the client returns: the server's, minus EOL, plus MsvAvFlags. */
static bool client_av_pairs(struct buf *b, const struct ntlm_challenge *chal, bool send_mic)
{
    struct buf_reader r;
    rd_init(&r, chal->target_info.data, chal->target_info.len);
    for (;;) {
        uint16_t id = rd_u16(&r), len = rd_u16(&r);
        const uint8_t *value = rd_bytes(&r, len);
        if (!value)
            return false;
        if (id == MsvAvEOL)
            break;
        if (id != MsvAvFlags)
            ntlm_av_write(b, id, value, len);
    }
    if (send_mic) {
        uint8_t flags[4];
        le32_store(flags, MSV_AV_FLAG_MIC_PRESENT);
        ntlm_av_write(b, MsvAvFlags, flags, 4);
    }
    ntlm_av_write_eol(b);
    return wr_ok(b);
}

NTSTATUS ntlm_client_authenticate(struct ntlm_client *c, const uint8_t *challenge, size_t len,
                                  struct buf *out)
{
    struct ntlm_challenge chal;
    struct ntlm_authenticate auth;
    struct buf av, nt, msg;
    uint8_t *user16 = NULL, *domain16 = NULL, *ws16 = NULL;
    size_t user16_len = 0, domain16_len = 0, ws16_len = 0;
    uint8_t key[16], session_base_key[16] = { 0 }, exported[16], encrypted[16], lm[24];
    uint8_t zero_lm = 0;
    NTSTATUS status;

    buf_init(&av);
    buf_init(&nt);
    buf_init(&msg);
    memset(&auth, 0, sizeof auth);
    status = ntlm_challenge_parse(challenge, len, &chal);
    if (!NT_SUCCESS(status))
        goto out;
    status = STATUS_INVALID_PARAMETER;
    if (!chal.target_info.len || !ntlm_av_list_valid(chal.target_info.data, chal.target_info.len))
        goto out;
    uint32_t flags = c->flags & (chal.flags | NTLMSSP_NEGOTIATE_VERSION);
    bool mic = c->send_mic && !c->anonymous;

    if (!NT_SUCCESS(status = to_utf16(c->user, &user16, &user16_len)) ||
        !NT_SUCCESS(status = to_utf16(c->domain, &domain16, &domain16_len)) ||
        !NT_SUCCESS(status = to_utf16(c->workstation, &ws16, &ws16_len)))
        goto out;

    if (c->anonymous) {
        auth.lm_response.data = &zero_lm;
        auth.lm_response.len = 1;
        flags |= NTLMSSP_ANONYMOUS;
    } else {
        struct ntlm_field ts;
        uint64_t timestamp = ntlm_filetime_now();
        bool server_time = ntlm_av_find(chal.target_info.data, chal.target_info.len, MsvAvTimestamp, &ts) &&
                           ts.len == 8;
        if (server_time)
            timestamp = le64_load(ts.data);
        if (!c->fixed_client_challenge && crypto_random(c->client_challenge, 8) != 0) {
            status = STATUS_INTERNAL_ERROR;
            goto out;
        }
        status = ntlm_ntowfv2(c->nt_hash, c->user, c->domain, key);
        if (!NT_SUCCESS(status))
            goto out;
        if (!client_av_pairs(&av, &chal, mic)) {
            status = STATUS_INVALID_PARAMETER;
            goto out;
        }
        ntlm_v2_response(&nt, key, chal.server_challenge, c->client_challenge, timestamp, av.data, av.len,
                         session_base_key);
        /* With a server timestamp the LMv2 response is zeros ([MS-NLMP] 3.1.5.1.2). */
        if (server_time)
            memset(lm, 0, sizeof lm);
        else
            ntlm_lmv2_response(key, chal.server_challenge, c->client_challenge, lm);
        auth.lm_response.data = lm;
        auth.lm_response.len = 24;
        auth.nt_response.data = nt.data;
        auth.nt_response.len = nt.len;
    }

    if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
        struct rc4_state rc4;
        if (c->fixed_session_key)
            memcpy(exported, c->random_session_key, 16);
        else if (crypto_random(exported, 16) != 0) {
            status = STATUS_INTERNAL_ERROR;
            goto out;
        }
        memcpy(encrypted, exported, 16);
        crypto_rc4_init(&rc4, session_base_key, 16);
        crypto_rc4(&rc4, encrypted, 16);
        auth.encrypted_random_session_key.data = encrypted;
        auth.encrypted_random_session_key.len = 16;
    } else {
        memcpy(exported, session_base_key, 16);
    }

    auth.flags = flags;
    auth.user.data = user16;
    auth.user.len = user16_len;
    auth.domain.data = domain16;
    auth.domain.len = domain16_len;
    auth.workstation.data = ws16;
    auth.workstation.len = ws16_len;
    ntlm_authenticate_write(&msg, &auth, mic);
    if (!wr_ok(&nt) || !wr_ok(&msg)) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    if (mic) {
        uint8_t value[16];
        ntlm_mic(exported, c->negotiate.data, c->negotiate.len, challenge, len, msg.data, msg.len, value);
        if (c->corrupt_mic)
            value[0] ^= 1;
        wr_put_bytes_at(&msg, NTLM_AUTHENTICATE_MIC_OFFSET, value, 16);
    }
    ntlm_keys_init(&c->keys, flags, exported);
    wr_bytes(out, msg.data, msg.len);
    status = wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    c->done = NT_SUCCESS(status);
out:
    crypto_wipe(key, sizeof key);
    crypto_wipe(exported, sizeof exported);
    crypto_wipe(session_base_key, sizeof session_base_key);
    free(user16);
    free(domain16);
    free(ws16);
    buf_free(&av);
    buf_free(&nt);
    buf_free(&msg);
    return status;
}

struct ntlm_keys *ntlm_client_keys(struct ntlm_client *c) { return c->done ? &c->keys : NULL; }
