/* SMB2/SMB3 crypto against published test vectors:
 *  - Microsoft Open Specifications blog, "Encryption in SMB 3.0: a protocol
 *    perspective" (2012) and "SMB 3.1.1 Encryption in Windows 10" (2015):
 *    key derivation and whole TRANSFORM_HEADER messages, both directions;
 *  - "SMB 3.1.1 Pre-authentication integrity in Windows 10" (2015): the
 *    SHA-512 chain over NEGOTIATE and SESSION_SETUP, and the signing key;
 *  - captured SMB 2.x responses with their HMAC-SHA256 signatures;
 *  - RFC 4493 (AES-CMAC) and NIST CAVP gcmEncryptExtIV128 / the GCM spec
 *    (GMAC = GCM with no plaintext) for the raw primitives.
 * Where no published vector exists (AES-256 keys and transforms), the expected
 * bytes were computed once with an independent implementation (Python hmac
 * and PyCryptodome) and are recorded here. */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/smb2/crypto.h"
#include "drivers/srv/smb2/smb2.h"
#include "t/tap/tap.h"

static size_t hex(const char *s, uint8_t *out, size_t cap) { return tap_hex(s, out, cap); }

static void test_hmac_sha256_signing(void)
{
    /* Two STATUS_FILE_CLOSED IOCTL responses, signed with the session key. */
    static const char *keys[] = { "D38354CC374339F0524F789146789921",
                                  "04E707571F8E0353B77A94C3653B87B5" };
    static const char *msgs[] = {
        "fe534d4240000100280100c00b000700090000000000000004000000000000"
        "00fffe00000100000001000000000400" "00fbd284340324c62fbebb65dd1051f3ae"
        "0900000000000000ff",
        "fe534d4240000100280100c00b000700090000000000000004000000000000"
        "00fffe00000100000005000000000400" "00a164ffe53d6811981f386772e387e06f"
        "0900000000000000ff",
    };
    for (int i = 0; i < 2; i++) {
        uint8_t key[16], msg[128], sig[16];
        hex(keys[i], key, sizeof key);
        size_t len = hex(msgs[i], msg, sizeof msg);
        ok(smb2_verify(SMB2_SIGNING_HMAC_SHA256, key, msg, len),
           "HMAC-SHA256 signature of captured response %d verifies", i + 1);
        memcpy(sig, msg + 48, 16);
        memset(msg + 48, 0xAA, 16);
        smb2_sign(SMB2_SIGNING_HMAC_SHA256, key, msg, len);
        is_mem(msg + 48, 16, sig, 16, "smb2_sign writes the same signature %d", i + 1);
        msg[len - 1] ^= 1;
        ok(!smb2_verify(SMB2_SIGNING_HMAC_SHA256, key, msg, len),
           "a flipped body byte fails verification %d", i + 1);
    }
}

static void test_mac_primitives(void)
{
    uint8_t key[16], msg[64], out[16], want[16], nonce[12];
    /* RFC 4493 section 4, AES-CMAC examples 1-4. */
    hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
        "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710", msg, 64);
    static const struct { size_t len; const char *mac; } cmac[] = {
        { 0, "bb1d6929e95937287fa37d129b756746" },
        { 16, "070a16b46b4d4144f79bdd9dd04a287c" },
        { 40, "dfa66747de9ae63030ca32611497c827" },
        { 64, "51f0bebf7e3b9d92fc49741779363cfe" },
    };
    for (size_t i = 0; i < 4; i++) {
        hex(cmac[i].mac, want, 16);
        smb2_mac(SMB2_SIGNING_AES_CMAC, key, NULL, msg, cmac[i].len, out);
        is_mem(out, 16, want, 16, "AES-CMAC RFC 4493 example %zu", i + 1);
    }
    /* NIST CAVP gcmEncryptExtIV128, PTlen 0, AADlen 128, count 0. */
    hex("77be63708971c4e240d1cb79e8d77feb", key, 16);
    hex("e0e00f19fed7ba0136a797f3", nonce, 12);
    hex("7a43ec1d9c0a5a78a0b16533a6213cab", msg, 16);
    hex("209fcc8d3675ed938e9c7166709dd946", want, 16);
    smb2_mac(SMB2_SIGNING_AES_GMAC, key, nonce, msg, 16, out);
    is_mem(out, 16, want, 16, "AES-GMAC = GCM tag with empty plaintext (NIST CAVP)");

    /* The GMAC signing nonce ([MS-SMB2] 3.1.4.1): MessageId, then 1 for a
     * server message, 2 for a client CANCEL; computed over the zeroed field. */
    uint8_t m[80] = { 0xFE, 'S', 'M', 'B', 64 };
    m[SMB2_HDR_OFF_COMMAND] = SMB2_CANCEL;
    le64_store(m + SMB2_HDR_OFF_MESSAGE_ID, 0x0102030405060708ull);
    memset(m + 48, 0x55, 16);
    for (int i = 64; i < 80; i++)
        m[i] = (uint8_t)i;
    uint8_t zeroed[80];
    memcpy(zeroed, m, 80);
    memset(zeroed + 48, 0, 16);
    hex("0807060504030201" "02000000", nonce, 12);
    smb2_mac(SMB2_SIGNING_AES_GMAC, key, nonce, zeroed, 80, want);
    smb2_signature(SMB2_SIGNING_AES_GMAC, key, m, 80, out);
    is_mem(out, 16, want, 16, "GMAC signing nonce of a client CANCEL has bit 1 set");
    le32_store(m + SMB2_HDR_OFF_FLAGS, SMB2_FLAGS_SERVER_TO_REDIR);
    le32_store(zeroed + SMB2_HDR_OFF_FLAGS, SMB2_FLAGS_SERVER_TO_REDIR);
    hex("0807060504030201" "01000000", nonce, 12);
    smb2_mac(SMB2_SIGNING_AES_GMAC, key, nonce, zeroed, 80, want);
    smb2_signature(SMB2_SIGNING_AES_GMAC, key, m, 80, out);
    is_mem(out, 16, want, 16, "GMAC signing nonce of a server message has bit 0 set");
    smb2_sign(SMB2_SIGNING_AES_GMAC, key, m, 80);
    ok(smb2_verify(SMB2_SIGNING_AES_GMAC, key, m, 80), "GMAC-signed message verifies");
    ok(!smb2_verify(SMB2_SIGNING_AES_CMAC, key, m, 80), "and does not verify as CMAC");
}

static void test_smb30_encryption(void)
{
    uint8_t session_key[16], want[16], plain[256], frame[512], nonce[16];
    struct smb2_keys keys;
    hex("B4546771B515F766A86735532DD6C4F0", session_key, 16);
    ok(smb2_derive_keys(SMB2_DIALECT_300, SMB2_ENCRYPTION_AES128_CCM, session_key, 16, NULL,
                        &keys) == STATUS_SUCCESS, "3.0 key derivation");
    hex("261B72350558F2E9DCF613070383EDBF", want, 16);
    is_mem(keys.decryption, 16, want, 16, "3.0 server decryption key (client's ServerIn key)");
    hex("8FE2B57EC34D2DB5B1A9727F526BBDB5", want, 16);
    is_mem(keys.encryption, 16, want, 16, "3.0 server encryption key (ServerOut)");
    is_int(keys.cipher_key_len, 16, "3.0 cipher keys are 128-bit");

    /* The client's encrypted WRITE request. */
    size_t plain_len = hex("FE534D4240000100000000000900400008000000000000000400000000000000"
                           "FFFE0000010000001100001400E4080000000000000000000000000000000000"
                           "3100700017000000000000000000000015010000390000020100000039020000"
                           "00000000000000007000000000000000536D623320656E6372797074696F6E20"
                           "74657374696E67", plain, sizeof plain);
    size_t frame_len = hex("FD534D4281A286535415445DAE393921E44FA42E66E69A111892584FB5ED524A"
                           "744DA3EE87000000000001001100001400E4080025C8FEE16605A437832D1CD5"
                           "2DA9F4645333482A175FE5384563F45FCDAFAEF38BC62BA4D5C62897996625A4"
                           "4C29BE5658DE2E6117585779E7B59FFD971278D08580D7FA899E410E910EABF5"
                           "AA1DB43050B33B49182637759AC15D84BFCDF5B6B238993C0F4CF4D6012023F6"
                           "C627297075D84B7803912D0A9639634453595EF3E33FFE4E7AC2AB",
                           frame, sizeof frame);
    uint8_t *out = NULL;
    size_t out_len = 0;
    ok(smb2_decrypt(SMB2_ENCRYPTION_AES128_CCM, keys.decryption, frame, frame_len, &out,
                    &out_len) == STATUS_SUCCESS, "3.0 server decrypts the client's request");
    is_mem(out, out_len, plain, plain_len, "to the published plaintext");
    free(out);
    /* Encrypting the same plaintext with the same nonce must give the frame
     * byte for byte (the sample's nonce padding is not zero: keep it). */
    struct buf b;
    buf_init(&b);
    hex("66E69A111892584FB5ED524A744DA3EE", nonce, 16);
    smb2_encrypt(SMB2_ENCRYPTION_AES128_CCM, keys.decryption, nonce, 0x8E40014000011ull, plain,
                 plain_len, &b);
    is_mem(b.data, b.len, frame, frame_len, "AES-128-CCM encryption reproduces the sample");
    frame[frame_len - 1] ^= 0x80;
    ok(smb2_decrypt(SMB2_ENCRYPTION_AES128_CCM, keys.decryption, frame, frame_len, &out,
                    &out_len) == STATUS_ACCESS_DENIED && out == NULL,
       "a flipped ciphertext bit fails authentication");
    frame[frame_len - 1] ^= 0x80;
    frame[30] ^= 1; /* inside the nonce, part of the AAD */
    ok(smb2_decrypt(SMB2_ENCRYPTION_AES128_CCM, keys.decryption, frame, frame_len, &out,
                    &out_len) == STATUS_ACCESS_DENIED, "a changed AAD byte fails authentication");

    /* The server's encrypted WRITE response. */
    buf_reset(&b);
    plain_len = hex("FE534D4240000100000000000900210009000000000000000400000000000000"
                    "FFFE0000010000001100001400E4080000000000000000000000000000000000"
                    "11000000170000000000000000000000", plain, sizeof plain);
    frame_len = hex("FD534D42A6015530A18F6D9AFFE22AFAE8E66484860000000000000011000014"
                    "00E4080050000000000001001100001400E40800DBF46435C5F14169293CE079"
                    "E344479BF670227E49873F458672C3098DAC467DD5809F369D67409166515787"
                    "1483E01F7BECD02064EAC3E235F913668BBC2F097980D4B378F1993EFF6E60D1"
                    "77309E5B", frame, sizeof frame);
    hex("86000000000000001100001400E40800", nonce, 16);
    smb2_encrypt(SMB2_ENCRYPTION_AES128_CCM, keys.encryption, nonce, 0x8E40014000011ull, plain,
                 plain_len, &b);
    is_mem(b.data, b.len, frame, frame_len, "3.0 server encrypts the response as published");
    buf_free(&b);
}

static void test_smb311_encryption(void)
{
    uint8_t session_key[16], hash[64], want[16], plain[256], frame[512], nonce[16];
    struct smb2_keys keys;
    hex("419FDDF34C1E001909D362AE7FB6AF79", session_key, 16);
    hex("B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA9EDDDB"
        "A7DB256BA2EA30E977F11F9B113247578E0E915C6D2A513B8F2FCA5707DC8770", hash, 64);
    smb2_derive_keys(SMB2_DIALECT_311, SMB2_ENCRYPTION_AES128_GCM, session_key, 16, hash, &keys);
    hex("A2F5E80E5D59103034F32E52F698E5EC", want, 16);
    is_mem(keys.decryption, 16, want, 16, "3.1.1 server decryption key (SMBC2SCipherKey)");
    hex("748C50868C90F302962A5C35F5F9A8BF", want, 16);
    is_mem(keys.encryption, 16, want, 16, "3.1.1 server encryption key (SMBS2CCipherKey)");

    size_t plain_len = hex("FE534D4240000100000000000900010008000000000000000500000000000000"
                           "FFFE00000100000025000000001000000000000000000000000000000000000031"
                           "0070001700000000000000000000000600000004000000010000000400000000"
                           "000000000000007000000000000000536D623320656E6372797074696F6E2074"
                           "657374696E67", plain, sizeof plain);
    size_t frame_len = hex("FD534D42BD73D97D2BC9001BCAFAC0FDFF5FEEBCC7D6822D269CAF48904C664C"
                           "0000000087000000000001002500000000100000" "6ECDD2A7AFC7B4776305"
                           "7A041B8FD4DAFFE990B70C9E09D36C084E02D14EF247F8BDE38ACF6256F8B1D3"
                           "B56F77FBDEB312FEA5E92CBCC1ED8FB2EBBFAA75E49A4A394BB44576545567C2"
                           "4D4C014D47C9FBDFDAFD2C4F9B72F8D256452620A299F48E29E53D6B61D1C13A"
                           "19E91AF013F00D17E3ABC2FC3D36C8C1B6B93973253852DBD442E46EE8",
                           frame, sizeof frame);
    uint8_t *out = NULL;
    size_t out_len = 0;
    ok(smb2_decrypt(SMB2_ENCRYPTION_AES128_GCM, keys.decryption, frame, frame_len, &out,
                    &out_len) == STATUS_SUCCESS, "3.1.1 server decrypts the client's GCM request");
    is_mem(out, out_len, plain, plain_len, "to the published plaintext");
    free(out);

    struct buf b;
    buf_init(&b);
    plain_len = hex("FE534D4240000100000000000900010001000000000000000500000000000000"
                    "FFFE000001000000250000000010000000000000000000000000000000000000"
                    "11000000170000000000000000000000", plain, sizeof plain);
    frame_len = hex("FD534D42ACBE1CB7ED343ADF1725EF144D90D4B0E06831DD2E8EB7B400000000"
                    "00000000500000000000010025000000001000002" "6BBBF949983A6C1C79655"
                    "9D0F2C510CB651D1F7B6AC8DED32A2A0B8F2D793A815C6F6B848D69767A215841"
                    "A42D400AE6DDB5F0B44173A014973321FDD7950DA6179159B82E03C9E18A050FF"
                    "0EA1C967", frame, sizeof frame);
    hex("E06831DD2E8EB7B40000000000000000", nonce, 16);
    smb2_encrypt(SMB2_ENCRYPTION_AES128_GCM, keys.encryption, nonce, 0x100000000025ull, plain,
                 plain_len, &b);
    is_mem(b.data, b.len, frame, frame_len, "3.1.1 server encrypts the GCM response as published");
    buf_free(&b);
}

static void test_aes256(void)
{
    /* 32-byte full session key 00..1f, the 3.1.1 hash above; expected values
     * computed with Python hmac + PyCryptodome (no published SMB vector). */
    uint8_t session_key[32], hash[64], want[32], plain[128], frame[256], nonce[16];
    struct smb2_keys keys;
    for (int i = 0; i < 32; i++)
        session_key[i] = (uint8_t)i;
    hex("B23F3CBFD69487D9832B79B1594A367CDD950909B774C3A4C412B4FCEA9EDDDB"
        "A7DB256BA2EA30E977F11F9B113247578E0E915C6D2A513B8F2FCA5707DC8770", hash, 64);
    smb2_derive_keys(SMB2_DIALECT_311, SMB2_ENCRYPTION_AES256_GCM, session_key, 32, hash, &keys);
    is_int(keys.cipher_key_len, 32, "AES-256 ciphers get 256-bit keys");
    hex("0c9ff1d877ba6f6dc4913a2c42990c1e0daeb558b9ec7fb988f46fcee67fba10", want, 32);
    is_mem(keys.encryption, 32, want, 32, "256-bit S2C key from the full session key");
    hex("9473dc48638034ffcc9e6103272cd8731ecf45fc63fcbcd750b7c9f1e7c03faa", want, 32);
    is_mem(keys.decryption, 32, want, 32, "256-bit C2S key");
    hex("dffa812ee115ff8ea751c694914435e5", want, 16);
    is_mem(keys.signing, 16, want, 16, "signing key still from the first 16 bytes");

    size_t plain_len = hex("FE534D4240000100000000000900010001000000000000000500000000000000"
                           "FFFE000001000000250000000010000000000000000000000000000000000000"
                           "11000000170000000000000000000000", plain, sizeof plain);
    static const struct { uint16_t cipher; size_t nonce_len; const char *frame; } v[] = {
        { SMB2_ENCRYPTION_AES256_GCM, 12,
          "fd534d42761570669cd11a78a23e021b838d3d02303132333435363738393a3b00000000500000000000"
          "01002500000000100000f1fee6f22da5d759b30a07a598b3c796bb662539cc23445e973526db8c0d40bd"
          "9728721f230047e38f7a8f477acc5079d9ad5b9f50b3f4cdb9c7a3569acac3b2bd8ff70e39bde1b97bdd"
          "510307a18588" },
        { SMB2_ENCRYPTION_AES256_CCM, 11,
          "fd534d421f78a9768c3785d7bd0a12dbff72c8c6303132333435363738393a0000000000500000000000"
          "010025000000001000005c10a85af51c9c33f12193ef40c4a39542a22198b8220cd1cf29f13c48605b94"
          "e8444bfa38c62b6603575692582e613a970150cfc6154d1b5696ab8e2058c0115bb25824b91e30e89428"
          "004a362036a5" },
    };
    for (int i = 0; i < 2; i++) {
        size_t frame_len = hex(v[i].frame, frame, sizeof frame);
        memset(nonce, 0, 16);
        for (size_t j = 0; j < v[i].nonce_len; j++)
            nonce[j] = (uint8_t)(0x30 + j);
        struct buf b;
        buf_init(&b);
        smb2_encrypt(v[i].cipher, keys.encryption, nonce, 0x100000000025ull, plain, plain_len,
                     &b);
        is_mem(b.data, b.len, frame, frame_len, "%s encryption matches PyCryptodome",
               i == 0 ? "AES-256-GCM" : "AES-256-CCM");
        uint8_t *out = NULL;
        size_t out_len = 0;
        ok(smb2_decrypt(v[i].cipher, keys.encryption, frame, frame_len, &out, &out_len) ==
               STATUS_SUCCESS && out_len == plain_len && memcmp(out, plain, plain_len) == 0,
           "%s decryption round trip", i == 0 ? "AES-256-GCM" : "AES-256-CCM");
        free(out);
        buf_free(&b);
        /* In place (what srv does with a received frame): the plain message
         * lies right after the header; a changed byte fails the tag and
         * leaves no plaintext behind. */
        uint8_t copy[256];
        memcpy(copy, frame, frame_len);
        ok(smb2_decrypt_in_place(v[i].cipher, keys.encryption, copy, frame_len, &out,
                                 &out_len) == STATUS_SUCCESS &&
               out == copy + SMB2_TRANSFORM_HEADER_SIZE && out_len == plain_len &&
               memcmp(out, plain, plain_len) == 0,
           "%s decryption in place", i == 0 ? "AES-256-GCM" : "AES-256-CCM");
        memcpy(copy, frame, frame_len);
        copy[frame_len - 1] ^= 1;
        uint8_t zeros[256] = { 0 };
        ok(smb2_decrypt_in_place(v[i].cipher, keys.encryption, copy, frame_len, &out,
                                 &out_len) == STATUS_ACCESS_DENIED &&
               out == NULL && memcmp(copy + SMB2_TRANSFORM_HEADER_SIZE, zeros, plain_len) == 0,
           "%s in place: a bad tag is refused and the bytes wiped",
           i == 0 ? "AES-256-GCM" : "AES-256-CCM");
        /* Encryption in place gives the same frame as the copying call. */
        memcpy(copy + SMB2_TRANSFORM_HEADER_SIZE, plain, plain_len);
        ok(smb2_encrypt_in_place(v[i].cipher, keys.encryption, nonce, 0x100000000025ull, copy,
                                 plain_len) == STATUS_SUCCESS &&
               memcmp(copy, frame, frame_len) == 0,
           "%s encryption in place matches", i == 0 ? "AES-256-GCM" : "AES-256-CCM");
    }
}

static void test_preauth_chain(void)
{
    static const char *const messages[] = {
        /* NEGOTIATE request */
        "FE534D4240000100000000000000800000000000000000000100000000000000FFFE000000000000"
        "00000000000000000000000000000000000000000000000024000500000000003F000000ECD86F32"
        "6276024F9F7752B89BB33F3A70000000020000000202100200030203110300000100260000000000"
        "010020000100FA49E6578F1F3A9F4CD3E9CC14A67AA884B3D05844E0E5A118225C15887F32FF0000"
        "0200060000000000020002000100",
        /* NEGOTIATE response */
        "FE534D4240000100000000000000010001000000000000000100000000000000FFFE000000000000"
        "000000000000000000000000000000000000000000000000410001001103020039CBCAF329714942"
        "BDCE5D60F09AB3FB2F000000000080000000800000008000D8DAE5ADCBAED00109094AB095AED001"
        "80004001C00100006082013C06062B0601050502A08201303082012CA01A3018060A2B0601040182"
        "3702021E060A2B06010401823702020AA282010C048201084E45474F455854530100000000000000"
        "60000000700000007C7CC0FD06D6362D02DDE1CF343BFE292900F49750B4AA97934D9C4296B26E51"
        "FD370471B235E15A50DAE15BD5489C87000000000000000060000000010000000000000000000000"
        "5C33530DEAF90D4DB2EC4AE3786EC3084E45474F4558545303000000010000004000000098000000"
        "7C7CC0FD06D6362D02DDE1CF343BFE295C33530DEAF90D4DB2EC4AE3786EC3084000000058000000"
        "3056A05430523027802530233121301F06035504031318546F6B656E205369676E696E6720507562"
        "6C6963204B65793027802530233121301F06035504031318546F6B656E205369676E696E67205075"
        "626C6963204B6579010026000000000001002000010060A3C3B95C3C7CCD51EC536648D9B3AC74C4"
        "83CA5B65385A251117BEB30712E50000020004000000000001000200",
        /* SESSION_SETUP request 1 */
        "FE534D4240000100000000000100800000000000000000000200000000000000FFFE000000000000"
        "00000000000000000000000000000000000000000000000019000001010000000000000058004A00"
        "0000000000000000604806062B0601050502A03E303CA00E300C060A2B06010401823702020AA22A"
        "04284E544C4D5353500001000000978208E200000000000000000000000000000000060380250000"
        "000F",
        /* SESSION_SETUP response 1 (STATUS_MORE_PROCESSING_REQUIRED) */
        "FE534D4240000100160000C00100010001000000000000000200000000000000FFFE000000000000"
        "190000000010000000000000000000000000000000000000090000004800B300A181B03081ADA003"
        "0A0101A10C060A2B06010401823702020AA281970481944E544C4D53535000020000000C000C0038"
        "00000015828AE20D1D8BA31179D008000000000000000050005000440000000A0092270000000F53"
        "005500540033003100310002000C0053005500540033003100310001000C00530055005400330031"
        "00310004000C0053005500540033003100310003000C0053005500540033003100310007000800A1"
        "A1F5ADCBAED00100000000",
        /* SESSION_SETUP request 2 */
        "FE534D4240000100000000000100800000000000000000000300000000000000FFFE000000000000"
        "1900000000100000000000000000000000000000000000001900000101000000000000005800CF01"
        "0000000000000000A18201CB308201C7A0030A0101A28201AA048201A64E544C4D53535000030000"
        "001800180090000000EE00EE00A80000000C000C00580000001A001A0064000000120012007E0000"
        "001000100096010000158288E2060380250000000FECAC77A5F385A8BF9C38C706EEEDDCD3530055"
        "005400330031003100610064006D0069006E006900730074007200610074006F0072004400520049"
        "0056004500520033003100310000000000000000000000000000000000000000000000000063078E"
        "B639FE03E20A231C3AE3BF23080101000000000000A1A1F5ADCBAED001BC4AD05F223CC90F000000"
        "0002000C0053005500540033003100310001000C0053005500540033003100310004000C00530055"
        "00540033003100310003000C0053005500540033003100310007000800A1A1F5ADCBAED001060004"
        "00020000000800300030000000000000000000000000300000B61FEFCAA857EA57BF1EDCEBF8974B"
        "8E0EBA5A6DFD9D07A31D11B548F8C9D0CC0A00100000000000000000000000000000000000090016"
        "0063006900660073002F005300550054003300310031000000000000000000000000003B9BDFF38F"
        "5EE8F9663F11A0F4C03A78A31204100100000063775A9A5FD97F0600000000",
    };
    static const char *const hashes[] = {
        "DD94EFC5321BB618A2E208BA8920D2F422992526947A409B5037DE1E0FE8C7362B8C47122594CDE0"
        "CE26AA9DFC8BCDBDE0621957672623351A7540F1E54A0426",
        "324BFA92A4F3A190E466EBEA08D9C110DC88BFED758D9846ECC6F541CC1D02AE3C94A79F36011E99"
        "7E13F841B91B50957AD07B19C8E2539C0B23FDAE09D2C513",
        "AC0B0F2B9986257700365E416D142A6EDC96DF03594A19E52A15F6BD0D041CD5D432F8ED42C55E33"
        "197A50C9EC00F1462B50C592211B1471A04B56088FDFD5F9",
        "2729E3440DFDDD839E37193F6E8F20C20CEFB3469E453A70CD980EEC06B8835740A7376008563336"
        "4C8989895ECE81BF102DEEB14D4B7D48AFA76901A7A38387",
        "0DD13628CC3ED218EF9DF9772D436D0887AB9814BFAE63A80AA845F36909DB7928622DDDAD522D97"
        "51640A459762C5A9D6BB084CBB3CE6BDADEF5D5BCE3C6C01",
    };
    uint8_t hash[64] = { 0 }, want[64], msg[1024];
    for (int i = 0; i < 5; i++) {
        size_t len = hex(messages[i], msg, sizeof msg);
        smb2_preauth_update(hash, msg, len);
        hex(hashes[i], want, 64);
        is_mem(hash, 64, want, 64, "pre-authentication hash after message %d", i + 1);
    }
    uint8_t session_key[16], signing[16];
    struct smb2_keys keys;
    hex("270E1BA896585EEB7AF3472D3B4C75A7", session_key, 16);
    smb2_derive_keys(SMB2_DIALECT_311, SMB2_ENCRYPTION_AES128_GCM, session_key, 16, hash, &keys);
    hex("73FE7A9A77BEF0BDE49C650D8CCB5F76", signing, 16);
    is_mem(keys.signing, 16, signing, 16, "3.1.1 signing key from the session's hash");
}

static void test_transform_parse(void)
{
    uint8_t frame[60] = { 0xFD, 'S', 'M', 'B' };
    struct smb2_transform t;
    le32_store(frame + 36, 8);
    le16_store(frame + 42, SMB2_TRANSFORM_FLAG_ENCRYPTED);
    ok(smb2_transform_parse(frame, 60, &t) == STATUS_SUCCESS, "well-formed transform header");
    ok(smb2_transform_parse(frame, 59, &t) != STATUS_SUCCESS, "OriginalMessageSize past the end");
    le32_store(frame + 36, 0);
    ok(smb2_transform_parse(frame, 52, &t) != STATUS_SUCCESS, "empty message refused");
    le32_store(frame + 36, 8);
    le16_store(frame + 42, 2);
    ok(smb2_transform_parse(frame, 60, &t) != STATUS_SUCCESS, "unknown flags refused");
    ok(smb2_transform_parse(frame, 20, &t) != STATUS_SUCCESS, "truncated header refused");
    uint8_t *out = NULL;
    size_t out_len;
    uint8_t key[16] = { 0 };
    le16_store(frame + 42, 1);
    ok(smb2_decrypt(0x0009, key, frame, 60, &out, &out_len) == STATUS_INVALID_PARAMETER,
       "unknown cipher refused");
}

static void test_smb2x_keys(void)
{
    uint8_t key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    struct smb2_keys keys;
    smb2_derive_keys(SMB2_DIALECT_210, 0, key, sizeof key, NULL, &keys);
    uint8_t want[16] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    is_mem(keys.signing, 16, want, 16, "2.1 signs with the session key, zero padded to 16");
    is_int(keys.cipher_key_len, 0, "2.1 has no cipher keys");
}

int main(void)
{
    test_hmac_sha256_signing();
    test_mac_primitives();
    test_smb30_encryption();
    test_smb311_encryption();
    test_aes256();
    test_preauth_chain();
    test_transform_parse();
    test_smb2x_keys();
    return done_testing();
}
