/* The small crypto primitives NTLM needs, plus randomness.
 *
 * OpenSSL 3 keeps MD4 and RC4 only in its "legacy" provider, which a minimal
 * install may lack; both are short, so they are written here and tested against
 * the published vectors (RFC 1320 for MD4, RFC 6229 for RC4). Everything else
 * comes from OpenSSL. */
#ifndef SW_CRYPTO_H
#define SW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define MD4_DIGEST_LENGTH_BYTES 16
#define MD5_DIGEST_LENGTH_BYTES 16

void crypto_md4(const void *data, size_t len, uint8_t digest[16]);

/* HMAC-MD5 over the concatenation of up to two pieces (NTLMv2 computes HMACs
 * over challenge || blob); second may be NULL with second_len 0. */
int crypto_hmac_md5(const void *key, size_t key_len, const void *first, size_t first_len,
                    const void *second, size_t second_len, uint8_t mac[16]);

void crypto_md5(const void *data, size_t len, uint8_t digest[16]);

struct rc4_state {
    uint8_t s[256];
    uint8_t i, j;
};
void crypto_rc4_init(struct rc4_state *state, const void *key, size_t key_len);
/* Encrypts or decrypts in place (the same operation). */
void crypto_rc4(struct rc4_state *state, void *data, size_t len);

/* Cryptographically strong random bytes; 0 on success, -1 on failure. */
int crypto_random(void *out, size_t len);

/* Constant-time comparison: 0 if equal. */
int crypto_memcmp(const void *a, const void *b, size_t len);

/* Overwrites secrets before their memory is freed. */
void crypto_wipe(void *data, size_t len);

/* The NT hash (NTOWFv1): MD4 of the UTF-16LE password. 0, or -1 if the password
 * is not valid UTF-8. */
int crypto_nt_hash(const char *password, uint8_t hash[16]);

#endif
