/* The cryptography of samr's password calls ([MS-SAMR] 2.2.11, 3.2.2):
 * RC4 of SAMPR_ENCRYPTED_USER_PASSWORD with the session key (or with
 * MD5(salt || key) for the _NEW form, levels 25 and 26), and the DES
 * encryption of one OWF with another (SamrUnicodeChangePasswordUser2). */
#define OPENSSL_SUPPRESS_DEPRECATED /* single DES: DES_ecb_encrypt, as NTLM's era requires */
#include "lsass/samr/samr_private.h"

#include <openssl/des.h>
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

NTSTATUS samr_decrypt_password_aes(const struct samr_encrypted_password_aes *in, const uint8_t *key,
                                   size_t key_len, char **out)
{
    (void)in;
    (void)key;
    (void)key_len;
    *out = NULL;
    /* Not implemented yet (docs/samr.md): the client falls back to the
     * RC4 levels when the server refuses these. */
    return STATUS_NOT_SUPPORTED;
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
