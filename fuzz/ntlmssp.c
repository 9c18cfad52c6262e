/* Fuzz target: the NTLMSSP parsers and the acceptor. The input is parsed as
 * each message type, its AV pairs are walked, and it is fed to an acceptor as
 * the AUTHENTICATE that follows a fixed NEGOTIATE, through verification and
 * key derivation. */
#include <stdint.h>
#include <string.h>

#include "lsass/ntlm/ntlm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

static void touch(struct ntlm_field f)
{
    for (size_t i = 0; i < f.len; i++)
        sink ^= f.data[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ntlm_negotiate neg;
    struct ntlm_challenge chal;
    struct ntlm_authenticate auth;
    struct ntlm_field value;

    if (ntlm_negotiate_parse(data, size, &neg) == STATUS_SUCCESS) {
        touch(neg.domain);
        touch(neg.workstation);
    }
    if (ntlm_challenge_parse(data, size, &chal) == STATUS_SUCCESS) {
        touch(chal.target_name);
        if (ntlm_av_list_valid(chal.target_info.data, chal.target_info.len) &&
            ntlm_av_find(chal.target_info.data, chal.target_info.len, MsvAvTimestamp, &value))
            touch(value);
    }
    if (ntlm_authenticate_parse(data, size, &auth) == STATUS_SUCCESS) {
        touch(auth.lm_response);
        touch(auth.nt_response);
        touch(auth.user);
    }
    if (ntlm_av_list_valid(data, size) && ntlm_av_find(data, size, MsvAvNbComputerName, &value))
        touch(value);

    /* The acceptor, as lsassd runs it. */
    struct ntlm_server_config config = { .nb_computer_name = "Server", .nb_domain_name = "Domain",
                                         .fixed_challenge = true, .omit_timestamp = true };
    memcpy(config.challenge, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
    struct ntlm_server *server = ntlm_server_new(&config);
    struct buf negotiate, challenge;
    buf_init(&negotiate);
    buf_init(&challenge);
    ntlm_negotiate_write(&negotiate, 0xe2888235);
    const struct ntlm_logon_request *req;
    if (server && ntlm_server_negotiate(server, negotiate.data, negotiate.len, &challenge) == STATUS_SUCCESS &&
        ntlm_server_begin_authenticate(server, data, size, &req) == STATUS_SUCCESS) {
        uint8_t hash[16], key[16], sbk[16];
        crypto_nt_hash("Password", hash);
        if (req->kind == NTLM_LOGON_ANONYMOUS) {
            ntlm_server_finish_authenticate(server, NULL);
        } else if (ntlm_ntowfv2(hash, req->user, req->domain, key) == STATUS_SUCCESS &&
                   ntlm_v2_verify(key, req->server_challenge, req->nt_response.data, req->nt_response.len,
                                  sbk) == STATUS_SUCCESS) {
            ntlm_server_finish_authenticate(server, sbk);
        }
    }
    buf_free(&negotiate);
    buf_free(&challenge);
    ntlm_server_free(server);
    return 0;
}
