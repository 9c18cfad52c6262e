/* MD4 against RFC 1320's test suite, RC4 against RFC 6229, HMAC-MD5 against
 * RFC 2202, and the NT hash against [MS-NLMP] 4.2.2.1.2 ("Password"). */
#include <string.h>

#include "lib/crypto.h"
#include "t/tap/tap.h"

static void md4_vector(const char *input, const char *hex)
{
    uint8_t got[16], want[16];
    crypto_md4(input, strlen(input), got);
    tap_hex(hex, want, sizeof want);
    is_mem(got, 16, want, 16, "MD4(\"%.20s%s\")", input, strlen(input) > 20 ? "..." : "");
}

int main(void)
{
    md4_vector("", "31d6cfe0d16ae931b73c59d7e0c089c0");
    md4_vector("a", "bde52cb31de33e46245e05fbdbd6fb24");
    md4_vector("abc", "a448017aaf21d8525fc10ae87aa6729d");
    md4_vector("message digest", "d9130a8164549fe818874806e1c7014b");
    md4_vector("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9");
    md4_vector("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
               "043f8582f241db351ce627e153e7f0e4");
    md4_vector("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
               "e33b4ddc9c38f2199c3e7b164fcc0536");

    /* RFC 6229, key 0x0102030405, keystream at offset 0. */
    uint8_t key[5] = { 1, 2, 3, 4, 5 }, stream[16] = { 0 }, want[16];
    struct rc4_state rc4;
    crypto_rc4_init(&rc4, key, sizeof key);
    crypto_rc4(&rc4, stream, sizeof stream);
    tap_hex("b2396305f03dc027ccc3524a0a1118a8", want, sizeof want);
    is_mem(stream, 16, want, 16, "RC4 RFC 6229 40-bit key, offset 0");

    /* RFC 2202 test case 2. */
    uint8_t mac[16];
    ok(crypto_hmac_md5("Jefe", 4, "what do ya want ", 16, "for nothing?", 12, mac) == 0,
       "HMAC-MD5 runs (split input)");
    tap_hex("750c783e6ab0b503eaa86e310a5db738", want, sizeof want);
    is_mem(mac, 16, want, 16, "HMAC-MD5 RFC 2202 case 2");

    uint8_t hash[16];
    ok(crypto_nt_hash("Password", hash) == 0, "NT hash of a valid password");
    tap_hex("a4f49c406510bdcab6824ee7c30fd852", want, sizeof want);
    is_mem(hash, 16, want, 16, "NTOWFv1(\"Password\") per [MS-NLMP] 4.2.2.1.2");
    ok(crypto_nt_hash("\xC3", hash) == -1, "NT hash refuses ill-formed UTF-8");

    uint8_t r1[16] = { 0 }, r2[16] = { 0 };
    ok(crypto_random(r1, 16) == 0 && crypto_random(r2, 16) == 0 && memcmp(r1, r2, 16) != 0,
       "random bytes differ");
    ok(crypto_memcmp("abc", "abc", 3) == 0 && crypto_memcmp("abc", "abd", 3) != 0, "memcmp");
    return done_testing();
}
