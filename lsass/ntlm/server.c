/* The NTLM acceptor: NEGOTIATE -> CHALLENGE, then AUTHENTICATE checked in two
 * steps around the caller's credential check ([MS-NLMP] 3.2.5). */
#include "lsass/ntlm/ntlm.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

enum server_state { SERVER_WANT_NEGOTIATE, SERVER_WANT_AUTHENTICATE, SERVER_VERIFYING, SERVER_DONE,
                    SERVER_FAILED };

struct ntlm_server {
    enum server_state state;
    char *nb_computer_name;
    char *nb_domain_name;
    char *dns_computer_name;
    char *dns_domain_name;
    bool fixed_challenge;
    bool omit_timestamp;
    uint8_t challenge[8];
    uint32_t challenge_flags;
    /* Copies of the three messages: the MIC covers all of them. */
    struct buf negotiate;
    struct buf challenge_msg;
    struct buf authenticate;
    struct ntlm_authenticate auth;
    struct ntlm_logon_request req;
    uint32_t flags; /* negotiated: AUTHENTICATE's flags within what we offered */
    struct ntlm_keys keys;
};

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

struct ntlm_server *ntlm_server_new(const struct ntlm_server_config *config)
{
    struct ntlm_server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->nb_computer_name = dup_or_empty(config->nb_computer_name);
    s->nb_domain_name = dup_or_empty(config->nb_domain_name);
    s->dns_computer_name = dup_or_empty(config->dns_computer_name);
    s->dns_domain_name = dup_or_empty(config->dns_domain_name);
    s->fixed_challenge = config->fixed_challenge;
    s->omit_timestamp = config->omit_timestamp;
    memcpy(s->challenge, config->challenge, 8);
    buf_init_limit(&s->negotiate, NTLM_MAX_MESSAGE);
    buf_init_limit(&s->challenge_msg, NTLM_MAX_MESSAGE);
    buf_init_limit(&s->authenticate, NTLM_MAX_MESSAGE);
    if (!s->nb_computer_name || !s->nb_domain_name || !s->dns_computer_name || !s->dns_domain_name) {
        ntlm_server_free(s);
        return NULL;
    }
    return s;
}

static void clear_request(struct ntlm_server *s)
{
    free(s->req.user);
    free(s->req.domain);
    free(s->req.workstation);
    memset(&s->req, 0, sizeof s->req);
}

void ntlm_server_free(struct ntlm_server *s)
{
    if (!s)
        return;
    clear_request(s);
    free(s->nb_computer_name);
    free(s->nb_domain_name);
    free(s->dns_computer_name);
    free(s->dns_domain_name);
    buf_free(&s->negotiate);
    buf_free(&s->challenge_msg);
    crypto_wipe(s->authenticate.data, s->authenticate.len);
    buf_free(&s->authenticate);
    crypto_wipe(&s->keys, sizeof s->keys);
    free(s);
}

/* Flags the acceptor echoes when the initiator asks for them. */
#define ECHOED_FLAGS (NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_ALWAYS_SIGN | \
                      NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_IDENTIFY |       \
                      NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_KEY_EXCH |    \
                      NTLMSSP_REQUEST_TARGET)

static void write_target_info(struct ntlm_server *s, struct buf *b)
{
    /* The order Windows uses: NetBIOS domain and computer, DNS domain and
     * computer, timestamp. */
    ntlm_av_write_string(b, MsvAvNbDomainName, s->nb_domain_name);
    ntlm_av_write_string(b, MsvAvNbComputerName, s->nb_computer_name);
    if (*s->dns_domain_name)
        ntlm_av_write_string(b, MsvAvDnsDomainName, s->dns_domain_name);
    if (*s->dns_computer_name)
        ntlm_av_write_string(b, MsvAvDnsComputerName, s->dns_computer_name);
    if (!s->omit_timestamp) {
        uint8_t now[8];
        le64_store(now, ntlm_filetime_now());
        ntlm_av_write(b, MsvAvTimestamp, now, 8);
    }
    ntlm_av_write_eol(b);
}

NTSTATUS ntlm_server_negotiate(struct ntlm_server *s, const uint8_t *in, size_t len, struct buf *out)
{
    struct ntlm_negotiate neg;
    struct ntlm_challenge chal;
    struct buf target_info;
    uint8_t *name16 = NULL;
    size_t name16_len = 0;
    NTSTATUS status;

    if (s->state != SERVER_WANT_NEGOTIATE)
        return STATUS_INVALID_PARAMETER;
    s->state = SERVER_FAILED;
    buf_init(&target_info);
    status = ntlm_negotiate_parse(in, len, &neg);
    if (!NT_SUCCESS(status))
        goto out;
    /* OEM strings depend on the client's code page; every initiator since
     * Windows 2000 offers Unicode. */
    if (!(neg.flags & NTLMSSP_NEGOTIATE_UNICODE)) {
        status = STATUS_NOT_SUPPORTED;
        goto out;
    }
    wr_bytes(&s->negotiate, in, len);

    memset(&chal, 0, sizeof chal);
    chal.flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_TARGET_TYPE_SERVER |
                 NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION | (neg.flags & ECHOED_FLAGS);
    if (!s->fixed_challenge && crypto_random(s->challenge, 8) != 0) {
        status = STATUS_INTERNAL_ERROR;
        goto out;
    }
    memcpy(chal.server_challenge, s->challenge, 8);
    if (chal.flags & NTLMSSP_REQUEST_TARGET) {
        status = utf8_to_utf16le(s->nb_computer_name, strlen(s->nb_computer_name), &name16, &name16_len);
        if (!NT_SUCCESS(status))
            goto out;
        chal.target_name.data = name16;
        chal.target_name.len = name16_len;
    }
    write_target_info(s, &target_info);
    chal.target_info.data = target_info.data;
    chal.target_info.len = target_info.len;
    ntlm_challenge_write(&s->challenge_msg, &chal);
    if (!wr_ok(&target_info) || !wr_ok(&s->negotiate) || !wr_ok(&s->challenge_msg)) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    s->challenge_flags = chal.flags;
    wr_bytes(out, s->challenge_msg.data, s->challenge_msg.len);
    status = wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    if (NT_SUCCESS(status))
        s->state = SERVER_WANT_AUTHENTICATE;
out:
    free(name16);
    buf_free(&target_info);
    return status;
}

static bool is_anonymous(const struct ntlm_authenticate *a)
{
    /* [MS-NLMP] 3.2.5.1.2: empty user, empty NT response, and an LM response
     * that is empty or the single zero byte. */
    return a->user.len == 0 && a->nt_response.len == 0 &&
           (a->lm_response.len == 0 || (a->lm_response.len == 1 && a->lm_response.data[0] == 0));
}

/* The client's AV pairs must be well formed and name us as we named
 * ourselves: a response computed for another server is refused. */
static NTSTATUS check_client_av_pairs(struct ntlm_server *s, struct ntlm_field av)
{
    struct ntlm_field value;
    char *name = NULL;
    NTSTATUS status = STATUS_INVALID_PARAMETER;
    static const uint16_t required[2] = { MsvAvNbComputerName, MsvAvNbDomainName };

    if (!ntlm_av_list_valid(av.data, av.len))
        return STATUS_INVALID_PARAMETER;
    for (int i = 0; i < 2; i++) {
        const char *expected = required[i] == MsvAvNbComputerName ? s->nb_computer_name : s->nb_domain_name;
        if (!ntlm_av_find(av.data, av.len, required[i], &value))
            return STATUS_INVALID_PARAMETER;
        status = ntlm_field_to_utf8(NTLMSSP_NEGOTIATE_UNICODE, value, &name);
        if (!NT_SUCCESS(status))
            return STATUS_INVALID_PARAMETER;
        bool match = utf8_casecmp(name, expected) == 0;
        free(name);
        name = NULL;
        if (!match)
            return STATUS_LOGON_FAILURE;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ntlm_server_begin_authenticate(struct ntlm_server *s, const uint8_t *in, size_t len,
                                        const struct ntlm_logon_request **req)
{
    NTSTATUS status;
    *req = NULL;
    if (s->state != SERVER_WANT_AUTHENTICATE)
        return STATUS_INVALID_PARAMETER;
    s->state = SERVER_FAILED;
    wr_bytes(&s->authenticate, in, len);
    if (!wr_ok(&s->authenticate))
        return STATUS_INVALID_PARAMETER;
    /* Parse our own copy: the request's fields point into it. */
    status = ntlm_authenticate_parse(s->authenticate.data, s->authenticate.len, &s->auth);
    if (!NT_SUCCESS(status))
        return status;
    const struct ntlm_authenticate *a = &s->auth;
    s->flags = a->flags & (s->challenge_flags | NTLMSSP_ANONYMOUS);

    if (a->encrypted_random_session_key.len > 16)
        return STATUS_INVALID_PARAMETER;
    if ((s->flags & NTLMSSP_NEGOTIATE_KEY_EXCH) && a->encrypted_random_session_key.len != 16)
        return STATUS_INVALID_PARAMETER;

    clear_request(s);
    memcpy(s->req.server_challenge, s->challenge, 8);
    s->req.nt_response = a->nt_response;
    s->req.lm_response = a->lm_response;
    if (is_anonymous(a)) {
        s->req.kind = NTLM_LOGON_ANONYMOUS;
    } else {
        /* 24 bytes is an NTLMv1 response; no NT response at all means LM only.
         * Both are refused: only NTLMv2 is accepted. */
        if (a->nt_response.len == 24 || a->nt_response.len == 0)
            return STATUS_LOGON_FAILURE;
        if (a->nt_response.len < NTLMV2_RESPONSE_FIXED + 4)
            return STATUS_INVALID_PARAMETER;
        /* NTLMv2_CLIENT_CHALLENGE: RespType and HiRespType are both 1. */
        if (a->nt_response.data[16] != 1 || a->nt_response.data[17] != 1)
            return STATUS_INVALID_PARAMETER;
        struct ntlm_field av = { a->nt_response.data + NTLMV2_RESPONSE_FIXED,
                                 a->nt_response.len - NTLMV2_RESPONSE_FIXED };
        status = check_client_av_pairs(s, av);
        if (!NT_SUCCESS(status))
            return status;
        s->req.kind = NTLM_LOGON_NTLMV2;
    }
    status = ntlm_field_to_utf8(a->flags, a->user, &s->req.user);
    if (NT_SUCCESS(status))
        status = ntlm_field_to_utf8(a->flags, a->domain, &s->req.domain);
    if (NT_SUCCESS(status))
        status = ntlm_field_to_utf8(a->flags, a->workstation, &s->req.workstation);
    if (!NT_SUCCESS(status))
        return status;
    s->state = SERVER_VERIFYING;
    *req = &s->req;
    return STATUS_SUCCESS;
}

NTSTATUS ntlm_server_finish_authenticate(struct ntlm_server *s, const uint8_t session_base_key[16])
{
    uint8_t zeros[16] = { 0 }, exported[16], mic[16];
    NTSTATUS status;
    if (s->state != SERVER_VERIFYING)
        return STATUS_INVALID_PARAMETER;
    s->state = SERVER_FAILED;
    if (s->req.kind == NTLM_LOGON_ANONYMOUS)
        session_base_key = zeros;
    else if (!session_base_key)
        return STATUS_INVALID_PARAMETER;
    /* For NTLMv2 the KeyExchangeKey is the SessionBaseKey ([MS-NLMP] 3.4.5.1). */
    status = ntlm_exported_session_key(s->flags, session_base_key, s->auth.encrypted_random_session_key,
                                       exported);
    if (!NT_SUCCESS(status))
        return status;
    if (s->auth.has_mic) {
        ntlm_mic(exported, s->negotiate.data, s->negotiate.len, s->challenge_msg.data,
                 s->challenge_msg.len, s->authenticate.data, s->authenticate.len, mic);
        if (crypto_memcmp(mic, s->auth.mic, 16) != 0) {
            crypto_wipe(exported, sizeof exported);
            return STATUS_LOGON_FAILURE;
        }
    }
    ntlm_keys_init(&s->keys, s->flags, exported);
    crypto_wipe(exported, sizeof exported);
    s->state = SERVER_DONE;
    return STATUS_SUCCESS;
}

struct ntlm_keys *ntlm_server_keys(struct ntlm_server *s)
{
    return s->state == SERVER_DONE ? &s->keys : NULL;
}

bool ntlm_server_had_mic(const struct ntlm_server *s) { return s->auth.has_mic; }
