/* SMB2/SMB3 signing, key derivation, pre-authentication hash and encryption,
 * on OpenSSL 3 (EVP_MAC, EVP_KDF "KBKDF", EVP_Digest, EVP_CIPHER AEAD). */
#include "drivers/srv/smb2/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/smb2/smb2.h"

NTSTATUS smb2_kdf(const uint8_t *key, size_t key_len, const void *label, size_t label_len,
                  const void *context, size_t context_len, uint8_t *out, size_t out_len)
{
    NTSTATUS status = STATUS_INTERNAL_ERROR;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "KBKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    if (!ctx)
        goto out;
    /* OpenSSL's KBKDF calls the SP800-108 Label "salt" and the Context "info";
     * its defaults add the 0x00 separator and the 32-bit L that [MS-SMB2]
     * 3.1.4.2 asks for. */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, "counter", 0),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MAC, "HMAC", 0),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)key, key_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)label, label_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)context, context_len),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_derive(ctx, out, out_len, params) == 1)
        status = STATUS_SUCCESS;
out:
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return status;
}

size_t smb2_cipher_key_size(uint16_t cipher)
{
    switch (cipher) {
    case SMB2_ENCRYPTION_AES128_CCM:
    case SMB2_ENCRYPTION_AES128_GCM:
        return 16;
    case SMB2_ENCRYPTION_AES256_CCM:
    case SMB2_ENCRYPTION_AES256_GCM:
        return 32;
    default:
        return 0;
    }
}

size_t smb2_cipher_nonce_size(uint16_t cipher)
{
    switch (cipher) {
    case SMB2_ENCRYPTION_AES128_CCM:
    case SMB2_ENCRYPTION_AES256_CCM:
        return 11;
    case SMB2_ENCRYPTION_AES128_GCM:
    case SMB2_ENCRYPTION_AES256_GCM:
        return 12;
    default:
        return 0;
    }
}

#define LABEL(s) s, sizeof s /* a spec label with its terminating NUL */

NTSTATUS smb2_derive_keys(uint16_t dialect, uint16_t cipher, const uint8_t *session_key,
                          size_t session_key_len, const uint8_t preauth_hash[64],
                          struct smb2_keys *keys)
{
    NTSTATUS status = STATUS_SUCCESS;
    uint8_t key16[16] = { 0 };
    memset(keys, 0, sizeof *keys);
    /* Session.SessionKey is the first 16 bytes of the GSS key, zero padded. */
    memcpy(key16, session_key, session_key_len < 16 ? session_key_len : 16);

    if (!SMB2_DIALECT_IS_3(dialect)) {
        memcpy(keys->signing, key16, 16);
        goto out;
    }
    size_t cipher_len = smb2_cipher_key_size(cipher);
    if (dialect < SMB2_DIALECT_311 && cipher_len == 0)
        cipher_len = 16; /* 3.0/3.0.2 always have AES-128-CCM keys */
    keys->cipher_key_len = cipher_len;
    /* AES-256 keys come from Session.FullSessionKey ([MS-SMB2] 3.3.5.5.3). */
    const uint8_t *cipher_ki = cipher_len == 32 ? session_key : key16;
    size_t cipher_ki_len = cipher_len == 32 ? session_key_len : 16;

    if (dialect == SMB2_DIALECT_311) {
        status = smb2_kdf(key16, 16, LABEL("SMBSigningKey"), preauth_hash, 64, keys->signing, 16);
        if (status == STATUS_SUCCESS)
            status = smb2_kdf(key16, 16, LABEL("SMBAppKey"), preauth_hash, 64,
                              keys->application, 16);
        if (status == STATUS_SUCCESS && cipher_len)
            status = smb2_kdf(cipher_ki, cipher_ki_len, LABEL("SMBS2CCipherKey"), preauth_hash,
                              64, keys->encryption, cipher_len);
        if (status == STATUS_SUCCESS && cipher_len)
            status = smb2_kdf(cipher_ki, cipher_ki_len, LABEL("SMBC2SCipherKey"), preauth_hash,
                              64, keys->decryption, cipher_len);
    } else {
        status = smb2_kdf(key16, 16, LABEL("SMB2AESCMAC"), LABEL("SmbSign"), keys->signing, 16);
        if (status == STATUS_SUCCESS)
            status = smb2_kdf(key16, 16, LABEL("SMB2APP"), LABEL("SmbRpc"), keys->application, 16);
        if (status == STATUS_SUCCESS)
            status = smb2_kdf(key16, 16, LABEL("SMB2AESCCM"), LABEL("ServerOut"),
                              keys->encryption, 16);
        if (status == STATUS_SUCCESS)
            status = smb2_kdf(key16, 16, LABEL("SMB2AESCCM"), LABEL("ServerIn "),
                              keys->decryption, 16);
    }
out:
    OPENSSL_cleanse(key16, sizeof key16);
    if (status != STATUS_SUCCESS)
        OPENSSL_cleanse(keys, sizeof *keys);
    return status;
}

/* One MAC over up to three pieces of data. nonce is GMAC's 12-byte IV. */
static NTSTATUS mac_pieces(uint16_t alg, const uint8_t key[16], const uint8_t nonce[12],
                           const uint8_t *const data[3], const size_t len[3], uint8_t out[16])
{
    NTSTATUS status = STATUS_INTERNAL_ERROR;
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *ctx = NULL;
    uint8_t full[32];
    size_t full_len = 0;
    OSSL_PARAM params[3];

    switch (alg) {
    case SMB2_SIGNING_HMAC_SHA256:
        mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
        params[1] = OSSL_PARAM_construct_end();
        break;
    case SMB2_SIGNING_AES_CMAC:
        mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-CBC", 0);
        params[1] = OSSL_PARAM_construct_end();
        break;
    case SMB2_SIGNING_AES_GMAC:
        mac = EVP_MAC_fetch(NULL, "GMAC", NULL);
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, "AES-128-GCM", 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_IV, (void *)nonce, 12);
        params[2] = OSSL_PARAM_construct_end();
        break;
    default:
        return STATUS_INVALID_PARAMETER;
    }
    ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    if (!ctx || EVP_MAC_init(ctx, key, 16, params) != 1)
        goto out;
    for (int i = 0; i < 3; i++)
        if (len[i] && EVP_MAC_update(ctx, data[i], len[i]) != 1)
            goto out;
    if (EVP_MAC_final(ctx, full, &full_len, sizeof full) != 1 || full_len < 16)
        goto out;
    memcpy(out, full, 16);
    status = STATUS_SUCCESS;
out:
    OPENSSL_cleanse(full, sizeof full);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return status;
}

NTSTATUS smb2_mac(uint16_t alg, const uint8_t key[16], const uint8_t nonce[12],
                  const uint8_t *data, size_t len, uint8_t out[16])
{
    const uint8_t *const pieces[3] = { data, NULL, NULL };
    const size_t lens[3] = { len, 0, 0 };
    return mac_pieces(alg, key, nonce, pieces, lens, out);
}

NTSTATUS smb2_signature(uint16_t alg, const uint8_t key[16], const uint8_t *msg, size_t len,
                        uint8_t signature[16])
{
    static const uint8_t zeros[SMB2_SIGNATURE_SIZE];
    uint8_t nonce[12] = { 0 };
    if (len < SMB2_HEADER_SIZE)
        return STATUS_INVALID_PARAMETER;
    if (alg == SMB2_SIGNING_AES_GMAC) {
        /* 3.1.4.1: MessageId, then bit 0 = sent by the server, bit 1 = CANCEL. */
        uint32_t flags = le32_load(msg + SMB2_HDR_OFF_FLAGS);
        uint16_t command = le16_load(msg + SMB2_HDR_OFF_COMMAND);
        uint32_t role = 0;
        if (flags & SMB2_FLAGS_SERVER_TO_REDIR)
            role |= 1;
        else if (command == SMB2_CANCEL)
            role |= 2;
        memcpy(nonce, msg + SMB2_HDR_OFF_MESSAGE_ID, 8);
        le32_store(nonce + 8, role);
    }
    /* The signature covers the message with a zeroed Signature field: feed it
     * in three pieces rather than modifying the caller's bytes. */
    const uint8_t *const pieces[3] = { msg, zeros, msg + SMB2_HEADER_SIZE };
    const size_t lens[3] = { SMB2_HDR_OFF_SIGNATURE, sizeof zeros, len - SMB2_HEADER_SIZE };
    return mac_pieces(alg, key, nonce, pieces, lens, signature);
}

NTSTATUS smb2_sign(uint16_t alg, const uint8_t key[16], uint8_t *msg, size_t len)
{
    uint8_t signature[16];
    NTSTATUS status = smb2_signature(alg, key, msg, len, signature);
    if (status == STATUS_SUCCESS)
        memcpy(msg + SMB2_HDR_OFF_SIGNATURE, signature, 16);
    return status;
}

bool smb2_verify(uint16_t alg, const uint8_t key[16], const uint8_t *msg, size_t len)
{
    uint8_t signature[16];
    if (smb2_signature(alg, key, msg, len, signature) != STATUS_SUCCESS)
        return false;
    return CRYPTO_memcmp(signature, msg + SMB2_HDR_OFF_SIGNATURE, 16) == 0;
}

NTSTATUS smb2_preauth_update(uint8_t hash[64], const uint8_t *msg, size_t len)
{
    NTSTATUS status = STATUS_INTERNAL_ERROR;
    unsigned int out_len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) == 1 &&
        EVP_DigestUpdate(ctx, hash, 64) == 1 && EVP_DigestUpdate(ctx, msg, len) == 1 &&
        EVP_DigestFinal_ex(ctx, hash, &out_len) == 1 && out_len == 64)
        status = STATUS_SUCCESS;
    EVP_MD_CTX_free(ctx);
    return status;
}

static const EVP_CIPHER *cipher_of(uint16_t cipher)
{
    switch (cipher) {
    case SMB2_ENCRYPTION_AES128_CCM: return EVP_aes_128_ccm();
    case SMB2_ENCRYPTION_AES128_GCM: return EVP_aes_128_gcm();
    case SMB2_ENCRYPTION_AES256_CCM: return EVP_aes_256_ccm();
    case SMB2_ENCRYPTION_AES256_GCM: return EVP_aes_256_gcm();
    default: return NULL;
    }
}

static bool is_ccm(uint16_t cipher)
{
    return cipher == SMB2_ENCRYPTION_AES128_CCM || cipher == SMB2_ENCRYPTION_AES256_CCM;
}

/* One AEAD pass over data with the 32-byte transform AAD. encrypt: tag is
 * written; decrypt: tag is checked (returns STATUS_ACCESS_DENIED on mismatch). */
static NTSTATUS aead(bool encrypt, uint16_t cipher, const uint8_t *key, const uint8_t *nonce,
                     const uint8_t *aad, const uint8_t *in, size_t len, uint8_t *out,
                     uint8_t tag[16])
{
    NTSTATUS status = STATUS_INTERNAL_ERROR;
    const EVP_CIPHER *evp = cipher_of(cipher);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    size_t nonce_len = smb2_cipher_nonce_size(cipher);
    bool ccm = is_ccm(cipher);

    if (!evp || !ctx || len > INT32_MAX)
        goto out;
    if (EVP_CipherInit_ex(ctx, evp, NULL, NULL, NULL, encrypt) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonce_len, NULL) != 1)
        goto out;
    /* CCM needs the tag length (and on decryption the tag) before the key. */
    if (ccm && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, encrypt ? NULL : tag) != 1)
        goto out;
    if (EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, encrypt) != 1)
        goto out;
    if (ccm && EVP_CipherUpdate(ctx, NULL, &n, NULL, (int)len) != 1)
        goto out;
    if (EVP_CipherUpdate(ctx, NULL, &n, aad, SMB2_TRANSFORM_AAD_SIZE) != 1)
        goto out;
    if (!encrypt && !ccm && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1)
        goto out;
    if (EVP_CipherUpdate(ctx, out, &n, in, (int)len) != 1) {
        /* CCM authenticates inside the update call. */
        status = encrypt ? STATUS_INTERNAL_ERROR : STATUS_ACCESS_DENIED;
        goto out;
    }
    if (!ccm && EVP_CipherFinal_ex(ctx, out + n, &n) != 1) {
        status = encrypt ? STATUS_INTERNAL_ERROR : STATUS_ACCESS_DENIED;
        goto out;
    }
    if (encrypt && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1)
        goto out;
    status = STATUS_SUCCESS;
out:
    EVP_CIPHER_CTX_free(ctx);
    return status;
}

NTSTATUS smb2_encrypt_in_place(uint16_t cipher, const uint8_t *key, const uint8_t nonce_field[16],
                               uint64_t session_id, uint8_t *frame, size_t plain_len)
{
    if (!cipher_of(cipher) || plain_len > UINT32_MAX)
        return STATUS_INVALID_PARAMETER;
    uint8_t *h = frame;
    memcpy(h, SMB2_TRANSFORM_PROTOCOL_ID, 4);
    memset(h + SMB2_TRANSFORM_OFF_SIGNATURE, 0, 16); /* filled in below */
    memcpy(h + 20, nonce_field, 16);
    le32_store(h + 36, (uint32_t)plain_len);
    le16_store(h + 40, 0);
    le16_store(h + 42, SMB2_TRANSFORM_FLAG_ENCRYPTED);
    le64_store(h + 44, session_id);
    uint8_t tag[16];
    /* OpenSSL's AEAD ciphers take the same buffer as input and output. */
    uint8_t *body = frame + SMB2_TRANSFORM_HEADER_SIZE;
    NTSTATUS status = aead(true, cipher, key, nonce_field, frame + SMB2_TRANSFORM_AAD_OFFSET, body,
                           plain_len, body, tag);
    if (status == STATUS_SUCCESS)
        memcpy(h + SMB2_TRANSFORM_OFF_SIGNATURE, tag, 16);
    return status;
}

NTSTATUS smb2_encrypt(uint16_t cipher, const uint8_t *key, const uint8_t nonce_field[16],
                      uint64_t session_id, const uint8_t *plain, size_t plain_len,
                      struct buf *out)
{
    if (!cipher_of(cipher) || plain_len > UINT32_MAX)
        return STATUS_INVALID_PARAMETER;
    size_t start = wr_reserve(out, SMB2_TRANSFORM_HEADER_SIZE);
    wr_bytes(out, plain, plain_len);
    if (!wr_ok(out))
        return STATUS_NO_MEMORY;
    NTSTATUS status = smb2_encrypt_in_place(cipher, key, nonce_field, session_id,
                                            out->data + start, plain_len);
    if (status != STATUS_SUCCESS)
        out->len = start;
    return status;
}

NTSTATUS smb2_transform_parse(const uint8_t *frame, size_t len, struct smb2_transform *t)
{
    struct buf_reader r;
    rd_init(&r, frame, len);
    const uint8_t *magic = rd_bytes(&r, 4);
    rd_copy(&r, t->signature, 16);
    rd_copy(&r, t->nonce, 16);
    t->original_size = rd_u32(&r);
    rd_skip(&r, 2);
    t->flags = rd_u16(&r);
    t->session_id = rd_u64(&r);
    if (!rd_ok(&r) || memcmp(magic, SMB2_TRANSFORM_PROTOCOL_ID, 4) != 0)
        return STATUS_INVALID_PARAMETER;
    if (t->flags != SMB2_TRANSFORM_FLAG_ENCRYPTED || t->original_size == 0 ||
        t->original_size != rd_remaining(&r))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

NTSTATUS smb2_decrypt(uint16_t cipher, const uint8_t *key, const uint8_t *frame, size_t len,
                      uint8_t **plain, size_t *plain_len)
{
    *plain = NULL;
    *plain_len = 0;
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return STATUS_NO_MEMORY;
    memcpy(copy, frame, len);
    uint8_t *body;
    size_t body_len;
    NTSTATUS status = smb2_decrypt_in_place(cipher, key, copy, len, &body, &body_len);
    if (status != STATUS_SUCCESS) {
        free(copy);
        return status;
    }
    memmove(copy, body, body_len);
    *plain = copy;
    *plain_len = body_len;
    return STATUS_SUCCESS;
}

NTSTATUS smb2_decrypt_in_place(uint16_t cipher, const uint8_t *key, uint8_t *frame, size_t len,
                               uint8_t **plain, size_t *plain_len)
{
    struct smb2_transform t;
    NTSTATUS status = smb2_transform_parse(frame, len, &t);
    *plain = NULL;
    *plain_len = 0;
    if (status != STATUS_SUCCESS)
        return status;
    if (!cipher_of(cipher))
        return STATUS_INVALID_PARAMETER;
    uint8_t *body = frame + SMB2_TRANSFORM_HEADER_SIZE;
    status = aead(false, cipher, key, t.nonce, frame + SMB2_TRANSFORM_AAD_OFFSET, body,
                  t.original_size, body, t.signature);
    if (status != STATUS_SUCCESS) {
        /* Whatever was decrypted before the tag failed is not to be used. */
        OPENSSL_cleanse(body, t.original_size);
        return status;
    }
    *plain = body;
    *plain_len = t.original_size;
    return STATUS_SUCCESS;
}
