/* The cryptography of samr's password calls ([MS-SAMR] 2.2.11, 3.2.2):
 * RC4 of SAMPR_ENCRYPTED_USER_PASSWORD with the session key (or with
 * MD5(salt || key) for the _NEW form, levels 25 and 26), and the DES
 * encryption of one OWF with another (SamrUnicodeChangePasswordUser2), and
 * the AES form of levels 31 and 32 and SamrUnicodeChangePasswordUser4. */
#define OPENSSL_SUPPRESS_DEPRECATED /* single DES: DES_ecb_encrypt, as NTLM's era requires */
#include "lsass/samr/samr_private.h"

#include <openssl/des.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/utf16.h"

/* SAMPR_USER_PASSWORD: 512 bytes of buffer, the password at its end, then
 * its length in bytes (little-endian). */
static NTSTATUS password_from_plain(const uint8_t plain[516], char **out)
{
    uint32_t len = (uint32_t)plain[512] | (uint32_t)plain[513] << 8 | (uint32_t)plain[514] << 16 |
                   (uint32_t)plain[515] << 24;
    if (len > 512 || len % 2 || len / 2 > SAM_PASSWORD_MAX)
        return STATUS_WRONG_PASSWORD;
    if (!NT_SUCCESS(utf16le_to_utf8(plain + 512 - len, len, out)))
        return STATUS_WRONG_PASSWORD;
    return STATUS_SUCCESS;
}

NTSTATUS samr_decrypt_password(const uint8_t *buffer, size_t buffer_len, const uint8_t *key,
                               size_t key_len, char **out)
{
    uint8_t plain[516];
    uint8_t salted[16];
    struct rc4_state rc4;
    *out = NULL;
    if (buffer_len == 532) {
        /* The last 16 bytes are a clear salt: the key is MD5(salt || key). */
        uint8_t material[16 + 64];
        if (key_len > 64)
            return STATUS_INVALID_PARAMETER;
        memcpy(material, buffer + 516, 16);
        memcpy(material + 16, key, key_len);
        crypto_md5(material, 16 + key_len, salted);
        crypto_wipe(material, sizeof material);
        key = salted;
        key_len = 16;
    } else if (buffer_len != 516) {
        return STATUS_INVALID_PARAMETER;
    }
    memcpy(plain, buffer, 516);
    crypto_rc4_init(&rc4, key, key_len);
    crypto_rc4(&rc4, plain, 516);
    NTSTATUS status = password_from_plain(plain, out);
    crypto_wipe(plain, sizeof plain);
    crypto_wipe(salted, sizeof salted);
    crypto_wipe(&rc4, sizeof rc4);
    return status;
}

/* AEAD-AES-256-CBC-HMAC-SHA512 ([MS-SAMR] 2.2.6.32, 3.2.2.4): from the
 * content encryption key K, an encryption key HMAC-SHA512(K, ENC)[0..32)
 * and a MAC key HMAC-SHA512(K, MAC), the strings with their NUL; AuthData
 * is HMAC-SHA512(mac key, version || salt || cipher || version length);
 * the cipher is AES-256-CBC with the salt as IV and PKCS#7 padding. */
static const char sam_enc_key_string[] = "Microsoft SAM encryption key AEAD-AES-256-CBC-HMAC-SHA512 16";
static const char sam_mac_key_string[] = "Microsoft SAM MAC key AEAD-AES-256-CBC-HMAC-SHA512 16";
#define AES_VERSION_BYTE 0x01
#define AES_VERSION_BYTE_LENGTH 1
#define AES_PLAIN_LENGTH 514 /* SAMPR_USER_PASSWORD_AES: length, 512 bytes of buffer */

static bool hmac_sha512(const uint8_t *key, size_t key_len, const uint8_t *a, size_t a_len,
                        const uint8_t *b, size_t b_len, uint8_t out[64])
{
    HMAC_CTX *ctx = HMAC_CTX_new();
    unsigned int len = 0;
    bool ok = ctx && HMAC_Init_ex(ctx, key, (int)key_len, EVP_sha512(), NULL) && HMAC_Update(ctx, a, a_len) &&
              (!b_len || HMAC_Update(ctx, b, b_len)) && HMAC_Final(ctx, out, &len) && len == 64;
    HMAC_CTX_free(ctx);
    return ok;
}

NTSTATUS samr_decrypt_password_aes(const struct samr_encrypted_password_aes *in, const uint8_t *key,
                                   size_t key_len, char **out)
{
    *out = NULL;
    if (!in->Cipher || in->cbCipher < 16 || in->cbCipher % 16 || in->cbCipher > SAMR_MAX_AES_CIPHER)
        return STATUS_INVALID_PARAMETER;
    uint8_t enc_key[64], mac_key[64], mac[64];
    uint8_t *plain = NULL;
    NTSTATUS status = STATUS_WRONG_PASSWORD;
    if (!hmac_sha512(key, key_len, (const uint8_t *)sam_enc_key_string, sizeof sam_enc_key_string, NULL, 0, enc_key) ||
        !hmac_sha512(key, key_len, (const uint8_t *)sam_mac_key_string, sizeof sam_mac_key_string, NULL, 0, mac_key))
        goto out;
    /* The authenticator first: nothing is decrypted that was not sent with the key. */
    uint8_t head[1 + 16], tail = AES_VERSION_BYTE_LENGTH;
    head[0] = AES_VERSION_BYTE;
    memcpy(head + 1, in->Salt, 16);
    HMAC_CTX *ctx = HMAC_CTX_new();
    unsigned int len = 0;
    bool ok = ctx && HMAC_Init_ex(ctx, mac_key, 64, EVP_sha512(), NULL) && HMAC_Update(ctx, head, sizeof head) &&
              HMAC_Update(ctx, in->Cipher, in->cbCipher) && HMAC_Update(ctx, &tail, 1) &&
              HMAC_Final(ctx, mac, &len) && len == 64;
    HMAC_CTX_free(ctx);
    if (!ok || crypto_memcmp(mac, in->AuthData, 64) != 0)
        goto out;
    plain = malloc(in->cbCipher);
    EVP_CIPHER_CTX *aes = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    ok = plain && aes && EVP_DecryptInit_ex(aes, EVP_aes_256_cbc(), NULL, enc_key, in->Salt) &&
         EVP_DecryptUpdate(aes, plain, &n1, in->Cipher, (int)in->cbCipher) &&
         EVP_DecryptFinal_ex(aes, plain + n1, &n2);
    EVP_CIPHER_CTX_free(aes);
    if (!ok || n1 + n2 != AES_PLAIN_LENGTH)
        goto out;
    /* SAMPR_USER_PASSWORD_AES: the length in bytes, then the password. */
    size_t pw_len = (size_t)plain[0] | (size_t)plain[1] << 8;
    if (pw_len > AES_PLAIN_LENGTH - 2 || pw_len % 2 || pw_len / 2 > SAM_PASSWORD_MAX)
        goto out;
    if (NT_SUCCESS(utf16le_to_utf8(plain + 2, pw_len, out)))
        status = STATUS_SUCCESS;
out:
    if (plain) {
        crypto_wipe(plain, in->cbCipher);
        free(plain);
    }
    crypto_wipe(enc_key, sizeof enc_key);
    crypto_wipe(mac_key, sizeof mac_key);
    return status;
}

/* SamrUnicodeChangePasswordUser4's key: PBKDF2-HMAC-SHA512 of the old NT
 * hash with the salt, iterations as the client chose within Windows' bounds. */
NTSTATUS samr_change_key_aes(const uint8_t old_hash[16], const struct samr_encrypted_password_aes *in,
                             uint8_t key[16])
{
    if (in->PBKDF2Iterations < 5000 || in->PBKDF2Iterations > 1000000)
        return STATUS_INVALID_PARAMETER;
    return PKCS5_PBKDF2_HMAC((const char *)old_hash, 16, in->Salt, 16, (int)in->PBKDF2Iterations, EVP_sha512(),
                             16, key)
               ? STATUS_SUCCESS
               : STATUS_INTERNAL_ERROR;
}

/* [MS-SAMR] 2.2.11.1.2: a 7-byte key spread over the 8 bytes of a DES
 * key, 7 bits each (the parity bit left 0, as DES ignores it). */
static void des_key(const uint8_t in[7], DES_cblock *out)
{
    uint8_t *k = *out;
    k[0] = in[0] >> 1;
    k[1] = (uint8_t)(((in[0] & 0x01) << 6) | (in[1] >> 2));
    k[2] = (uint8_t)(((in[1] & 0x03) << 5) | (in[2] >> 3));
    k[3] = (uint8_t)(((in[2] & 0x07) << 4) | (in[3] >> 4));
    k[4] = (uint8_t)(((in[3] & 0x0F) << 3) | (in[4] >> 5));
    k[5] = (uint8_t)(((in[4] & 0x1F) << 2) | (in[5] >> 6));
    k[6] = (uint8_t)(((in[5] & 0x3F) << 1) | (in[6] >> 7));
    k[7] = in[6] & 0x7F;
    for (int i = 0; i < 8; i++)
        k[i] = (uint8_t)(k[i] << 1);
}

static void owf_crypt(const uint8_t owf[16], const uint8_t key[16], uint8_t out[16], int direction)
{
    for (int half = 0; half < 2; half++) {
        DES_cblock k;
        DES_key_schedule schedule;
        des_key(key + 7 * half, &k);
        DES_set_key_unchecked(&k, &schedule);
        DES_ecb_encrypt((const_DES_cblock *)(owf + 8 * half), (DES_cblock *)(out + 8 * half), &schedule,
                        direction);
        crypto_wipe(&k, sizeof k);
        crypto_wipe(&schedule, sizeof schedule);
    }
}

void samr_owf_encrypt(const uint8_t owf[16], const uint8_t key[16], uint8_t out[16])
{
    owf_crypt(owf, key, out, DES_ENCRYPT);
}

void samr_owf_decrypt(const uint8_t encrypted[16], const uint8_t key[16], uint8_t out[16])
{
    owf_crypt(encrypted, key, out, DES_DECRYPT);
}
