/* NTLMv2 responses ([MS-NLMP] 3.3.2). */
#include "lsass/ntlm/ntlm.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

NTSTATUS ntlm_ntowfv2(const uint8_t nt_hash[16], const char *user, const char *domain,
                      uint8_t response_key[16])
{
    NTSTATUS status = STATUS_NO_MEMORY;
    char *upper = utf8_upper(user);
    char *joined = NULL;
    uint8_t *utf16 = NULL;
    size_t utf16_len = 0;
    if (!upper)
        goto out;
    size_t user_len = strlen(upper), domain_len = strlen(domain);
    joined = malloc(user_len + domain_len + 1);
    if (!joined)
        goto out;
    memcpy(joined, upper, user_len);
    memcpy(joined + user_len, domain, domain_len + 1);
    status = utf8_to_utf16le(joined, user_len + domain_len, &utf16, &utf16_len);
    if (!NT_SUCCESS(status))
        goto out;
    if (crypto_hmac_md5(nt_hash, 16, utf16, utf16_len, NULL, 0, response_key) != 0)
        status = STATUS_INTERNAL_ERROR;
out:
    free(upper);
    free(joined);
    free(utf16);
    return status;
}

NTSTATUS ntlm_v2_verify(const uint8_t response_key[16], const uint8_t server_challenge[8],
                        const uint8_t *nt_response, size_t nt_len, uint8_t session_base_key[16])
{
    uint8_t proof[16];
    if (nt_len < NTLMV2_RESPONSE_FIXED)
        return STATUS_INVALID_PARAMETER;
    /* NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp). */
    if (crypto_hmac_md5(response_key, 16, server_challenge, 8, nt_response + 16, nt_len - 16, proof))
        return STATUS_INTERNAL_ERROR;
    if (crypto_memcmp(proof, nt_response, 16) != 0) {
        crypto_wipe(proof, sizeof proof);
        return STATUS_WRONG_PASSWORD;
    }
    /* SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr). */
    int rc = crypto_hmac_md5(response_key, 16, proof, 16, NULL, 0, session_base_key);
    crypto_wipe(proof, sizeof proof);
    return rc ? STATUS_INTERNAL_ERROR : STATUS_SUCCESS;
}

void ntlm_v2_response(struct buf *b, const uint8_t response_key[16], const uint8_t server_challenge[8],
                      const uint8_t client_challenge[8], uint64_t timestamp,
                      const uint8_t *av_pairs, size_t av_len, uint8_t session_base_key[16])
{
    struct buf temp;
    uint8_t proof[16];
    buf_init(&temp);
    wr_u8(&temp, 1); /* RespType */
    wr_u8(&temp, 1); /* HiRespType */
    wr_zeros(&temp, 6);
    wr_u64(&temp, timestamp);
    wr_bytes(&temp, client_challenge, 8);
    wr_zeros(&temp, 4);
    wr_bytes(&temp, av_pairs, av_len);
    wr_zeros(&temp, 4);
    if (!wr_ok(&temp) ||
        crypto_hmac_md5(response_key, 16, server_challenge, 8, temp.data, temp.len, proof) ||
        crypto_hmac_md5(response_key, 16, proof, 16, NULL, 0, session_base_key)) {
        b->failed = true;
    } else {
        wr_bytes(b, proof, 16);
        wr_bytes(b, temp.data, temp.len);
    }
    buf_free(&temp);
}

void ntlm_lmv2_response(const uint8_t response_key[16], const uint8_t server_challenge[8],
                        const uint8_t client_challenge[8], uint8_t out[24])
{
    if (crypto_hmac_md5(response_key, 16, server_challenge, 8, client_challenge, 8, out))
        memset(out, 0, 16);
    memcpy(out + 16, client_challenge, 8);
}
