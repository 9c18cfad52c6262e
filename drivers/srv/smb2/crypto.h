/* SMB2/SMB3 cryptography ([MS-SMB2] 3.1.4): message signing, the SP800-108
 * key derivation, the 3.1.1 pre-authentication integrity hash and the
 * TRANSFORM_HEADER encryption. All primitives come from OpenSSL 3.
 *
 * Every function here is pure (no connection or session state), so the unit
 * tests can feed it the published test vectors directly. */
#ifndef SW_SRV_SMB2_CRYPTO_H
#define SW_SRV_SMB2_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define SMB2_KEY_SIZE 16           /* signing and application keys */
#define SMB2_CIPHER_KEY_MAX 32     /* AES-256 */

/* The keys of one session (or channel), derived once at authentication. */
struct smb2_keys {
    uint8_t signing[SMB2_KEY_SIZE];
    uint8_t application[SMB2_KEY_SIZE];
    uint8_t encryption[SMB2_CIPHER_KEY_MAX]; /* server -> client */
    uint8_t decryption[SMB2_CIPHER_KEY_MAX]; /* client -> server */
    size_t cipher_key_len;                   /* 16 or 32, 0 if no cipher */
};

/* SP800-108 KDF in counter mode with HMAC-SHA256 (r = 32, L = out_len * 8),
 * label and context passed with their terminating NUL as the spec writes
 * them ("SMBSigningKey\0"). */
NTSTATUS smb2_kdf(const uint8_t *key, size_t key_len, const void *label, size_t label_len,
                  const void *context, size_t context_len, uint8_t *out, size_t out_len);

/* Derives every key of a session for the dialect (3.3.5.5.3): 2.x signs with
 * the session key itself; 3.0/3.0.2 use the fixed labels; 3.1.1 uses the
 * session's pre-authentication hash as context. cipher selects the length of
 * the cipher keys (AES-256 ciphers take 32 bytes, derived from the full
 * session key). session_key may be shorter than 16 bytes (zero padded) or
 * longer (Kerberos full session key). */
NTSTATUS smb2_derive_keys(uint16_t dialect, uint16_t cipher, const uint8_t *session_key,
                          size_t session_key_len, const uint8_t preauth_hash[64],
                          struct smb2_keys *keys);

/* The 16-byte signature of one message (a compound element with its padding),
 * computed as if its Signature field were zero. alg is SMB2_SIGNING_*;
 * HMAC-SHA256 takes the session key, the others the derived signing key. The
 * GMAC nonce comes from the message's own MessageId, direction flag and
 * command (3.1.4.1). */
NTSTATUS smb2_signature(uint16_t alg, const uint8_t key[16], const uint8_t *msg, size_t len,
                        uint8_t signature[16]);
/* The raw MAC primitive (for tests against published vectors): HMAC-SHA256
 * (first 16 bytes), AES-128-CMAC, or AES-128-GMAC with the 12-byte nonce. */
NTSTATUS smb2_mac(uint16_t alg, const uint8_t key[16], const uint8_t nonce[12],
                  const uint8_t *data, size_t len, uint8_t out[16]);
/* Computes the signature and writes it into the message's header. */
NTSTATUS smb2_sign(uint16_t alg, const uint8_t key[16], uint8_t *msg, size_t len);
/* True if the message's Signature field is right (constant-time compare). */
bool smb2_verify(uint16_t alg, const uint8_t key[16], const uint8_t *msg, size_t len);

/* hash = SHA-512(hash || msg), the 3.1.1 pre-authentication chain (3.3.5.4). */
NTSTATUS smb2_preauth_update(uint8_t hash[64], const uint8_t *msg, size_t len);

/* Bytes of the Nonce field that carry the nonce: 11 for CCM, 12 for GCM. */
size_t smb2_cipher_nonce_size(uint16_t cipher);
size_t smb2_cipher_key_size(uint16_t cipher);

/* Appends a TRANSFORM_HEADER and the encrypted message to out. nonce_field is
 * the 16-byte Nonce field as sent (the unused tail should be zero). */
NTSTATUS smb2_encrypt(uint16_t cipher, const uint8_t *key, const uint8_t nonce_field[16],
                      uint64_t session_id, const uint8_t *plain, size_t plain_len,
                      struct buf *out);

/* The same in place: frame holds SMB2_TRANSFORM_HEADER_SIZE bytes of room
 * and then the plain message of plain_len bytes; the header is written into
 * the room and the message encrypted where it is (no copy of a large READ
 * response). */
NTSTATUS smb2_encrypt_in_place(uint16_t cipher, const uint8_t *key, const uint8_t nonce_field[16],
                               uint64_t session_id, uint8_t *frame, size_t plain_len);

/* The fields of a received TRANSFORM_HEADER. */
struct smb2_transform {
    uint8_t signature[16];
    uint8_t nonce[16];
    uint32_t original_size;
    uint16_t flags;
    uint64_t session_id;
};

/* Parses the 52-byte header; STATUS_INVALID_PARAMETER if the frame is short,
 * the flags are not "encrypted" or the sizes disagree. */
NTSTATUS smb2_transform_parse(const uint8_t *frame, size_t len, struct smb2_transform *t);

/* Decrypts and authenticates a whole transformed frame; on success *plain is a
 * newly allocated buffer of t->original_size bytes. STATUS_ACCESS_DENIED if the
 * authentication tag does not match. */
NTSTATUS smb2_decrypt(uint16_t cipher, const uint8_t *key, const uint8_t *frame, size_t len,
                      uint8_t **plain, size_t *plain_len);
/* The same in place: the message is decrypted where it lies and *plain
 * points into frame, right after the header (nothing allocated). On a bad
 * tag the decrypted bytes are wiped. */
NTSTATUS smb2_decrypt_in_place(uint16_t cipher, const uint8_t *key, uint8_t *frame, size_t len,
                               uint8_t **plain, size_t *plain_len);

#endif
