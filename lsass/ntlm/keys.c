/* Session keys, MIC, signatures and sealing ([MS-NLMP] 3.4). */
#include "lsass/ntlm/ntlm.h"

#include <string.h>

NTSTATUS ntlm_exported_session_key(uint32_t flags, const uint8_t key_exchange_key[16],
                                   struct ntlm_field encrypted_random_session_key,
                                   uint8_t exported_session_key[16])
{
    /* The EncryptedRandomSessionKey is one RC4 block of the 16-byte key:
     * anything longer is an attempt to make us read or copy past it. */
    if (encrypted_random_session_key.len > 16)
        return STATUS_INVALID_PARAMETER;
    if (!(flags & NTLMSSP_NEGOTIATE_KEY_EXCH)) {
        memcpy(exported_session_key, key_exchange_key, 16);
        return STATUS_SUCCESS;
    }
    if (encrypted_random_session_key.len != 16)
        return STATUS_INVALID_PARAMETER;
    struct rc4_state rc4;
    memcpy(exported_session_key, encrypted_random_session_key.data, 16);
    crypto_rc4_init(&rc4, key_exchange_key, 16);
    crypto_rc4(&rc4, exported_session_key, 16);
    crypto_wipe(&rc4, sizeof rc4);
    return STATUS_SUCCESS;
}

static void md5_with_magic(const uint8_t *key, size_t key_len, const char *magic, uint8_t out[16])
{
    /* The magic constants include their terminating NUL ([MS-NLMP] 3.4.5.2). */
    uint8_t input[16 + 64];
    size_t magic_len = strlen(magic) + 1;
    memcpy(input, key, key_len);
    memcpy(input + key_len, magic, magic_len);
    crypto_md5(input, key_len + magic_len, out);
    crypto_wipe(input, sizeof input);
}

void ntlm_keys_init(struct ntlm_keys *keys, uint32_t flags, const uint8_t exported_session_key[16])
{
    memset(keys, 0, sizeof *keys);
    keys->flags = flags;
    memcpy(keys->exported_session_key, exported_session_key, 16);
    if (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) {
        md5_with_magic(exported_session_key, 16,
                       "session key to client-to-server signing key magic constant",
                       keys->client_signing_key);
        md5_with_magic(exported_session_key, 16,
                       "session key to server-to-client signing key magic constant",
                       keys->server_signing_key);
        /* SEALKEY: the key is weakened to 56 or 40 bits first unless 128 was
         * negotiated ([MS-NLMP] 3.4.5.3). */
        size_t seal_len = (flags & NTLMSSP_NEGOTIATE_128) ? 16 : (flags & NTLMSSP_NEGOTIATE_56) ? 7 : 5;
        md5_with_magic(exported_session_key, seal_len,
                       "session key to client-to-server sealing key magic constant",
                       keys->client_sealing_key);
        md5_with_magic(exported_session_key, seal_len,
                       "session key to server-to-client sealing key magic constant",
                       keys->server_sealing_key);
        crypto_rc4_init(&keys->client_seal, keys->client_sealing_key, 16);
        crypto_rc4_init(&keys->server_seal, keys->server_sealing_key, 16);
    } else {
        /* Without extended session security both directions share one key;
         * signatures then use the old CRC32 form, which is not supported. */
        uint8_t seal[16];
        size_t seal_len = 16;
        memcpy(seal, exported_session_key, 16);
        if (!(flags & NTLMSSP_NEGOTIATE_128)) {
            if (flags & NTLMSSP_NEGOTIATE_56) {
                seal[7] = 0xa0;
                seal_len = 8;
            } else {
                seal[5] = 0xe5;
                seal[6] = 0x38;
                seal[7] = 0xb0;
                seal_len = 8;
            }
        }
        memcpy(keys->client_sealing_key, seal, seal_len);
        memcpy(keys->server_sealing_key, seal, seal_len);
        crypto_rc4_init(&keys->client_seal, seal, seal_len);
        crypto_rc4_init(&keys->server_seal, seal, seal_len);
        crypto_wipe(seal, sizeof seal);
    }
}

void ntlm_mic(const uint8_t exported_session_key[16], const uint8_t *negotiate, size_t negotiate_len,
              const uint8_t *challenge, size_t challenge_len, const uint8_t *authenticate,
              size_t authenticate_len, uint8_t mic[16])
{
    struct buf all;
    buf_init(&all);
    wr_bytes(&all, negotiate, negotiate_len);
    wr_bytes(&all, challenge, challenge_len);
    size_t auth_at = all.len;
    wr_bytes(&all, authenticate, authenticate_len);
    /* The MIC is computed with its own field zeroed. */
    if (authenticate_len >= NTLM_AUTHENTICATE_HEADER_WITH_MIC)
        wr_put_bytes_at(&all, auth_at + NTLM_AUTHENTICATE_MIC_OFFSET, (const uint8_t[16]){ 0 }, 16);
    if (!wr_ok(&all) || crypto_hmac_md5(exported_session_key, 16, all.data, all.len, NULL, 0, mic))
        memset(mic, 0xff, 16); /* can never match a real MIC by accident */
    buf_free(&all);
}

/* MAC with extended session security ([MS-NLMP] 3.4.4.2). */
static void mac(const uint8_t signing_key[16], struct rc4_state *seal, uint32_t flags, uint32_t seq,
                const uint8_t *msg, size_t len, uint8_t signature[16])
{
    uint8_t seq_bytes[4], digest[16];
    le32_store(seq_bytes, seq);
    if (crypto_hmac_md5(signing_key, 16, seq_bytes, 4, msg, len, digest))
        memset(digest, 0xff, sizeof digest);
    if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
        crypto_rc4(seal, digest, 8);
    le32_store(signature, 1);
    memcpy(signature + 4, digest, 8);
    le32_store(signature + 12, seq);
}

void ntlm_sign(struct ntlm_keys *keys, bool as_server, const uint8_t *msg, size_t len,
               uint8_t signature[16])
{
    if (as_server)
        mac(keys->server_signing_key, &keys->server_seal, keys->flags, keys->server_seq++, msg, len,
            signature);
    else
        mac(keys->client_signing_key, &keys->client_seal, keys->flags, keys->client_seq++, msg, len,
            signature);
}

NTSTATUS ntlm_verify(struct ntlm_keys *keys, bool as_server, const uint8_t *msg, size_t len,
                     const uint8_t signature[16])
{
    uint8_t expected[16];
    if (!(keys->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY))
        return STATUS_NOT_SUPPORTED;
    /* The server checks what the client signed, and the other way round. */
    ntlm_sign(keys, !as_server, msg, len, expected);
    return crypto_memcmp(expected, signature, 16) == 0 ? STATUS_SUCCESS : STATUS_ACCESS_DENIED;
}

void ntlm_seal(struct ntlm_keys *keys, bool as_server, uint8_t *msg, size_t len, uint8_t signature[16])
{
    /* The checksum covers the plaintext; the message is encrypted first so
     * that the RC4 stream is used in the order the peer will use it. */
    struct rc4_state *seal = as_server ? &keys->server_seal : &keys->client_seal;
    uint8_t *plain = NULL;
    struct buf copy;
    buf_init(&copy);
    wr_bytes(&copy, msg, len);
    plain = copy.data;
    crypto_rc4(seal, msg, len);
    if (wr_ok(&copy))
        ntlm_sign(keys, as_server, plain ? plain : msg, len, signature);
    else
        memset(signature, 0, 16);
    buf_free(&copy);
}

NTSTATUS ntlm_unseal(struct ntlm_keys *keys, bool as_server, uint8_t *msg, size_t len,
                     const uint8_t signature[16])
{
    struct rc4_state *seal = as_server ? &keys->client_seal : &keys->server_seal;
    if (!(keys->flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY))
        return STATUS_NOT_SUPPORTED;
    crypto_rc4(seal, msg, len);
    return ntlm_verify(keys, as_server, msg, len, signature);
}
