/* NTLMSSP ([MS-NLMP]): the three messages, NTLMv2 response verification, the
 * session keys, message signatures and sealing, and a server (acceptor) and
 * client (initiator) driven one message at a time.
 *
 * Only NTLMv2 is accepted: an NTLMv1 or LM response is refused. Credentials
 * never enter this module on the server side: ntlm_server_begin_authenticate()
 * hands the caller the user, domain and challenge/response, the caller (the
 * provider) verifies them with ntlm_v2_verify() against its own NT hash and
 * passes the resulting session base key to ntlm_server_finish_authenticate().
 *
 * Every message is read with the lib/buf.h reader; every payload field's
 * offset and length are checked against the message before use. */
#ifndef SW_LSASS_NTLM_H
#define SW_LSASS_NTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/ntstatus.h"

/* NegotiateFlags ([MS-NLMP] 2.2.2.5). */
#define NTLMSSP_NEGOTIATE_UNICODE                  0x00000001u
#define NTLM_NEGOTIATE_OEM                         0x00000002u
#define NTLMSSP_REQUEST_TARGET                     0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN                     0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL                     0x00000020u
#define NTLMSSP_NEGOTIATE_DATAGRAM                 0x00000040u
#define NTLMSSP_NEGOTIATE_LM_KEY                   0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM                     0x00000200u
#define NTLMSSP_ANONYMOUS                          0x00000800u
#define NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED      0x00001000u
#define NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED 0x00002000u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN              0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN                 0x00010000u
#define NTLMSSP_TARGET_TYPE_SERVER                 0x00020000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_IDENTIFY                 0x00100000u
#define NTLMSSP_REQUEST_NON_NT_SESSION_KEY         0x00400000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO              0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION                  0x02000000u
#define NTLMSSP_NEGOTIATE_128                      0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH                 0x40000000u
#define NTLMSSP_NEGOTIATE_56                       0x80000000u

/* MessageType. */
#define NtLmNegotiate    1u
#define NtLmChallenge    2u
#define NtLmAuthenticate 3u

/* AvId ([MS-NLMP] 2.2.2.1). */
#define MsvAvEOL             0
#define MsvAvNbComputerName  1
#define MsvAvNbDomainName    2
#define MsvAvDnsComputerName 3
#define MsvAvDnsDomainName   4
#define MsvAvDnsTreeName     5
#define MsvAvFlags           6
#define MsvAvTimestamp       7
#define MsvAvSingleHost      8
#define MsvAvTargetName      9
#define MsvAvChannelBindings 10

/* MsvAvFlags bits. */
#define MSV_AV_FLAG_CONSTRAINED   0x1u
#define MSV_AV_FLAG_MIC_PRESENT   0x2u
#define MSV_AV_FLAG_UNTRUSTED_SPN 0x4u

#define NTLMSSP_REVISION_W2K3 0x0F

/* Fixed header sizes: AUTHENTICATE is 64 bytes, + Version 8, + MIC 16. */
#define NTLM_AUTHENTICATE_MIC_OFFSET 72
#define NTLM_AUTHENTICATE_HEADER_WITH_MIC 88

/* Messages longer than this are refused outright (Windows caps tokens well
 * below; SMB2 security buffers are at most 64 KiB). */
#define NTLM_MAX_MESSAGE 65535

/* A payload field: points into the message it came from. */
struct ntlm_field {
    const uint8_t *data;
    size_t len;
};

struct ntlm_negotiate {
    uint32_t flags;
    struct ntlm_field domain;      /* OEM, if NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED */
    struct ntlm_field workstation; /* OEM, if ..._OEM_WORKSTATION_SUPPLIED */
    bool has_version;
    uint8_t version[8];
};

struct ntlm_challenge {
    uint32_t flags;
    uint8_t server_challenge[8];
    struct ntlm_field target_name;
    struct ntlm_field target_info; /* AV pairs */
    bool has_version;
    uint8_t version[8];
};

struct ntlm_authenticate {
    uint32_t flags;
    struct ntlm_field lm_response;
    struct ntlm_field nt_response;
    struct ntlm_field domain;      /* UTF-16LE (or OEM without NTLMSSP_NEGOTIATE_UNICODE) */
    struct ntlm_field user;
    struct ntlm_field workstation;
    struct ntlm_field encrypted_random_session_key;
    bool has_version;
    uint8_t version[8];
    /* The MIC field exists when the NTLMv2 response's MsvAvFlags say so and the
     * payload leaves room for it ([MS-NLMP] 2.2.1.3); has_mic is set by
     * ntlm_authenticate_parse() only if the caller asks for it (see there). */
    bool has_mic;
    uint8_t mic[16];
    /* Lowest payload offset: where the fixed header ends. */
    size_t payload_start;
};

/* Parsers: STATUS_INVALID_PARAMETER if the signature, type, or any field is
 * wrong or out of bounds. */
NTSTATUS ntlm_negotiate_parse(const uint8_t *msg, size_t len, struct ntlm_negotiate *out);
NTSTATUS ntlm_challenge_parse(const uint8_t *msg, size_t len, struct ntlm_challenge *out);
/* The MIC is read when the payload starts at or past 88 bytes and the NTLMv2
 * response announces MIC_PRESENT in its MsvAvFlags. */
NTSTATUS ntlm_authenticate_parse(const uint8_t *msg, size_t len, struct ntlm_authenticate *out);

/* Writers (payload laid out in field order after the fixed header). */
void ntlm_negotiate_write(struct buf *b, uint32_t flags);
void ntlm_challenge_write(struct buf *b, const struct ntlm_challenge *c);
/* with_mic reserves the 16-byte MIC field (zeroed, patched later at offset 72). */
void ntlm_authenticate_write(struct buf *b, const struct ntlm_authenticate *a, bool with_mic);

/* The Version structure we send: Windows Server 2022 numbers, NTLMSSP rev 15. */
void ntlm_version_write(uint8_t version[8]);

/* AV pairs ([MS-NLMP] 2.2.2.1). */
/* True if list is a well-formed sequence of AV_PAIRs ending with MsvAvEOL, with
 * no pair repeated (bytes after the EOL are ignored, as Windows does). */
bool ntlm_av_list_valid(const uint8_t *list, size_t len);
/* Finds the first pair with id in a list already validated. */
bool ntlm_av_find(const uint8_t *list, size_t len, uint16_t id, struct ntlm_field *value);
void ntlm_av_write(struct buf *b, uint16_t id, const void *value, size_t len);
/* A UTF-8 string written as UTF-16LE. */
void ntlm_av_write_string(struct buf *b, uint16_t id, const char *utf8);
void ntlm_av_write_eol(struct buf *b);

/* UTF-16LE or OEM (ASCII only) payload string to a new UTF-8 string, by flags. */
NTSTATUS ntlm_field_to_utf8(uint32_t flags, struct ntlm_field field, char **out);

/* Current time as a FILETIME (100 ns ticks since 1601-01-01 UTC). */
uint64_t ntlm_filetime_now(void);

/* NTLMv2 ([MS-NLMP] 3.3.2). user and domain are UTF-8. */
/* NTOWFv2 = HMAC_MD5(NT hash, UNICODE(Uppercase(user) || domain)). */
NTSTATUS ntlm_ntowfv2(const uint8_t nt_hash[16], const char *user, const char *domain,
                      uint8_t response_key[16]);
/* Size of NTProofStr + the fixed part of NTLMv2_CLIENT_CHALLENGE (before AvPairs). */
#define NTLMV2_RESPONSE_FIXED 44
/* Checks an NtChallengeResponse (NTProofStr || temp) against response_key:
 * STATUS_SUCCESS and the session base key, or STATUS_WRONG_PASSWORD. Compares
 * in constant time. */
NTSTATUS ntlm_v2_verify(const uint8_t response_key[16], const uint8_t server_challenge[8],
                        const uint8_t *nt_response, size_t nt_len, uint8_t session_base_key[16]);
/* Initiator side: builds NTProofStr || temp into b and the session base key. */
void ntlm_v2_response(struct buf *b, const uint8_t response_key[16], const uint8_t server_challenge[8],
                      const uint8_t client_challenge[8], uint64_t timestamp,
                      const uint8_t *av_pairs, size_t av_len, uint8_t session_base_key[16]);
/* LMv2 response (24 bytes). */
void ntlm_lmv2_response(const uint8_t response_key[16], const uint8_t server_challenge[8],
                        const uint8_t client_challenge[8], uint8_t out[24]);

/* Keys ([MS-NLMP] 3.4.5). */
struct ntlm_keys {
    uint32_t flags;
    uint8_t exported_session_key[16];
    uint8_t client_signing_key[16];
    uint8_t server_signing_key[16];
    uint8_t client_sealing_key[16];
    uint8_t server_sealing_key[16];
    struct rc4_state client_seal; /* RC4 handle for client-to-server messages */
    struct rc4_state server_seal; /* ... and server-to-client */
    uint32_t client_seq;
    uint32_t server_seq;
};

/* The ExportedSessionKey: with NTLMSSP_NEGOTIATE_KEY_EXCH, RC4(KeyExchangeKey,
 * EncryptedRandomSessionKey), which must be exactly 16 bytes
 * (STATUS_INVALID_PARAMETER otherwise); without it, the KeyExchangeKey. For
 * NTLMv2 the KeyExchangeKey is the session base key. */
NTSTATUS ntlm_exported_session_key(uint32_t flags, const uint8_t key_exchange_key[16],
                                   struct ntlm_field encrypted_random_session_key,
                                   uint8_t exported_session_key[16]);
/* Derives the signing and sealing keys and the RC4 handles (sequence numbers 0). */
void ntlm_keys_init(struct ntlm_keys *keys, uint32_t flags, const uint8_t exported_session_key[16]);
/* MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE),
 * with the AUTHENTICATE's MIC field taken as zeros. */
void ntlm_mic(const uint8_t exported_session_key[16], const uint8_t *negotiate, size_t negotiate_len,
              const uint8_t *challenge, size_t challenge_len, const uint8_t *authenticate,
              size_t authenticate_len, uint8_t mic[16]);

/* Message signatures ([MS-NLMP] 3.4.4.2, extended session security only).
 * A side signs with its own key and sequence number and verifies with the
 * peer's; both advance the sequence number. */
#define NTLM_SIGNATURE_SIZE 16
void ntlm_sign(struct ntlm_keys *keys, bool as_server, const uint8_t *msg, size_t len,
               uint8_t signature[16]);
NTSTATUS ntlm_verify(struct ntlm_keys *keys, bool as_server, const uint8_t *msg, size_t len,
                     const uint8_t signature[16]);
/* Sealing: encrypts msg in place and writes its signature (GSS_WrapEx). */
void ntlm_seal(struct ntlm_keys *keys, bool as_server, uint8_t *msg, size_t len, uint8_t signature[16]);
NTSTATUS ntlm_unseal(struct ntlm_keys *keys, bool as_server, uint8_t *msg, size_t len,
                     const uint8_t signature[16]);

/* ---- The acceptor ---- */

struct ntlm_server_config {
    const char *nb_computer_name; /* MsvAvNbComputerName, and the TargetName */
    const char *nb_domain_name;   /* MsvAvNbDomainName */
    const char *dns_computer_name; /* may be NULL or "" to leave out */
    const char *dns_domain_name;   /* may be NULL or "" to leave out */
    /* For tests with published vectors: a fixed ServerChallenge, and no
     * MsvAvTimestamp in the CHALLENGE. Never set in production. */
    bool fixed_challenge;
    uint8_t challenge[8];
    bool omit_timestamp;
};

/* What the AUTHENTICATE_MESSAGE asks for, to verify against an account. */
enum ntlm_logon_kind { NTLM_LOGON_ANONYMOUS, NTLM_LOGON_NTLMV2 };

struct ntlm_logon_request {
    enum ntlm_logon_kind kind;
    char *user;        /* UTF-8, as the client typed it (may be "") */
    char *domain;      /* UTF-8 (may be "") */
    char *workstation; /* UTF-8 (may be "") */
    uint8_t server_challenge[8];
    struct ntlm_field nt_response; /* points into the server's copy of AUTHENTICATE */
    struct ntlm_field lm_response;
};

struct ntlm_server;

struct ntlm_server *ntlm_server_new(const struct ntlm_server_config *config);
void ntlm_server_free(struct ntlm_server *server);
/* NEGOTIATE in, CHALLENGE appended to out. */
NTSTATUS ntlm_server_negotiate(struct ntlm_server *server, const uint8_t *in, size_t len,
                               struct buf *out);
/* AUTHENTICATE in: parses and checks it and fills req (owned by the server;
 * valid until the next call or ntlm_server_free). Refuses NTLMv1 and LM-only
 * responses (STATUS_LOGON_FAILURE), malformed messages, missing or malformed AV
 * pairs, absurd key lengths (STATUS_INVALID_PARAMETER). */
NTSTATUS ntlm_server_begin_authenticate(struct ntlm_server *server, const uint8_t *in, size_t len,
                                        const struct ntlm_logon_request **req);
/* After the caller verified the response: session_base_key from ntlm_v2_verify
 * (NULL for an anonymous logon, whose key is zeros). Derives the exported
 * session key, checks the MIC if one was sent (STATUS_LOGON_FAILURE if wrong),
 * and sets up signing and sealing. */
NTSTATUS ntlm_server_finish_authenticate(struct ntlm_server *server,
                                         const uint8_t session_base_key[16]);
/* After a successful finish: the negotiated flags and keys (for mechListMIC). */
struct ntlm_keys *ntlm_server_keys(struct ntlm_server *server);
/* True if the client sent an AUTHENTICATE MIC (it then also expects SPNEGO's
 * mechListMIC exchange, [MS-SPNG] 3.3.5.1). */
bool ntlm_server_had_mic(const struct ntlm_server *server);

/* ---- The initiator (for the SMB client and for tests) ---- */

struct ntlm_client_config {
    const char *user;        /* "" with no nt_hash: anonymous */
    const char *domain;
    const char *workstation;
    const uint8_t *nt_hash;  /* 16 bytes, or NULL for anonymous */
    uint32_t flags;          /* 0: a Windows-like default set */
    bool send_mic;           /* announce MIC_PRESENT and send a MIC */
    /* Tests: fixed client challenge and random session key (else random). */
    const uint8_t *client_challenge;
    const uint8_t *random_session_key;
    /* Tests: corrupt what is sent (to see the acceptor refuse it). */
    bool corrupt_mic;
};

struct ntlm_client;

struct ntlm_client *ntlm_client_new(const struct ntlm_client_config *config);
void ntlm_client_free(struct ntlm_client *client);
NTSTATUS ntlm_client_negotiate(struct ntlm_client *client, struct buf *out);
NTSTATUS ntlm_client_authenticate(struct ntlm_client *client, const uint8_t *challenge, size_t len,
                                  struct buf *out);
struct ntlm_keys *ntlm_client_keys(struct ntlm_client *client);

#endif
