#include "lib/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/utf16.h"

/* MD4 (RFC 1320). */
#define MD4_F(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define MD4_G(x, y, z) (((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define MD4_H(x, y, z) ((x) ^ (y) ^ (z))
#define ROTL32(v, s) (((v) << (s)) | ((v) >> (32 - (s))))

static void md4_block(uint32_t state[4], const uint8_t block[64])
{
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = le32_load(block + 4 * i);
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    static const int r1[4] = { 3, 7, 11, 19 }, r2[4] = { 3, 5, 9, 13 }, r3[4] = { 3, 9, 11, 15 };
    static const int order3[16] = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 };
    for (int i = 0; i < 16; i++) {
        uint32_t t = a + MD4_F(b, c, d) + x[i];
        a = d; d = c; c = b; b = ROTL32(t, r1[i % 4]);
    }
    for (int i = 0; i < 16; i++) {
        int k = (i % 4) * 4 + i / 4;
        uint32_t t = a + MD4_G(b, c, d) + x[k] + 0x5A827999u;
        a = d; d = c; c = b; b = ROTL32(t, r2[i % 4]);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t t = a + MD4_H(b, c, d) + x[order3[i]] + 0x6ED9EBA1u;
        a = d; d = c; c = b; b = ROTL32(t, r3[i % 4]);
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
}

void crypto_md4(const void *data, size_t len, uint8_t digest[16])
{
    uint32_t state[4] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u };
    const uint8_t *p = data;
    size_t left = len;
    while (left >= 64) {
        md4_block(state, p);
        p += 64;
        left -= 64;
    }
    uint8_t tail[128] = { 0 };
    if (left)
        memcpy(tail, p, left);
    tail[left] = 0x80;
    size_t tail_len = left < 56 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    le64_store(tail + tail_len - 8, bits);
    md4_block(state, tail);
    if (tail_len == 128)
        md4_block(state, tail + 64);
    for (int i = 0; i < 4; i++)
        le32_store(digest + 4 * i, state[i]);
}

void crypto_rc4_init(struct rc4_state *st, const void *key, size_t key_len)
{
    const uint8_t *k = key;
    for (int i = 0; i < 256; i++)
        st->s[i] = (uint8_t)i;
    uint8_t j = 0;
    for (int i = 0; i < 256; i++) {
        j = (uint8_t)(j + st->s[i] + k[i % key_len]);
        uint8_t t = st->s[i];
        st->s[i] = st->s[j];
        st->s[j] = t;
    }
    st->i = st->j = 0;
}

void crypto_rc4(struct rc4_state *st, void *data, size_t len)
{
    uint8_t *p = data;
    for (size_t n = 0; n < len; n++) {
        st->i = (uint8_t)(st->i + 1);
        st->j = (uint8_t)(st->j + st->s[st->i]);
        uint8_t t = st->s[st->i];
        st->s[st->i] = st->s[st->j];
        st->s[st->j] = t;
        p[n] ^= st->s[(uint8_t)(st->s[st->i] + st->s[st->j])];
    }
}

int crypto_hmac_md5(const void *key, size_t key_len, const void *first, size_t first_len,
                    const void *second, size_t second_len, uint8_t mac[16])
{
    int rc = -1;
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", (char *)"MD5", 0),
        OSSL_PARAM_construct_end(),
    };
    size_t out_len = 0;
    if (ctx && EVP_MAC_init(ctx, key, key_len, params) &&
        EVP_MAC_update(ctx, first, first_len) &&
        (second_len == 0 || EVP_MAC_update(ctx, second, second_len)) &&
        EVP_MAC_final(ctx, mac, &out_len, 16) && out_len == 16)
        rc = 0;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    return rc;
}

void crypto_md5(const void *data, size_t len, uint8_t digest[16])
{
    unsigned int out_len = 16;
    if (!EVP_Digest(data, len, digest, &out_len, EVP_md5(), NULL))
        memset(digest, 0, 16);
}

int crypto_random(void *out, size_t len)
{
    return RAND_bytes(out, (int)len) == 1 ? 0 : -1;
}

int crypto_memcmp(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len);
}

void crypto_wipe(void *data, size_t len)
{
    OPENSSL_cleanse(data, len);
}

int crypto_nt_hash(const char *password, uint8_t hash[16])
{
    uint8_t *u16 = NULL;
    size_t len = 0;
    if (utf8_to_utf16le(password, strlen(password), &u16, &len) != STATUS_SUCCESS)
        return -1;
    crypto_md4(u16, len, hash);
    crypto_wipe(u16, len);
    free(u16);
    return 0;
}
