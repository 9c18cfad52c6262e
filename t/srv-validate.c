/* The request validator: StructureSize, data areas inside the element and
 * outside the fixed part (overflow-safe), counted arrays, credit charge. */
#include <string.h>

#include "drivers/srv/smb2/request.h"
#include "t/tap/tap.h"

static uint8_t msg[70000];

static size_t request(uint16_t command, uint16_t structure_size, size_t body_len)
{
    memset(msg, 0, sizeof msg);
    memcpy(msg, SMB2_PROTOCOL_ID, 4);
    le16_store(msg + 4, 64);
    le16_store(msg + SMB2_HDR_OFF_COMMAND, command);
    le16_store(msg + 64, structure_size);
    return 64 + body_len;
}

#define BODY (msg + 64)

int main(void)
{
    size_t len;
    len = request(SMB2_ECHO, 4, 4);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "ECHO");
    len = request(SMB2_ECHO, 5, 4);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "wrong StructureSize");
    len = request(SMB2_ECHO, 4, 2);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "body shorter than the fixed part");
    len = request(0x0013, 4, 4);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER, "unknown command");
    ok(smb2_validate_request(msg, 40, true) == STATUS_INVALID_PARAMETER, "no room for a body");

    /* SESSION_SETUP: a 25-byte structure whose last byte is the buffer. */
    len = request(SMB2_SESSION_SETUP, 25, 24);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "empty security buffer");
    len = request(SMB2_SESSION_SETUP, 25, 24 + 10);
    le16_store(BODY + 12, 88);
    le16_store(BODY + 14, 10);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "buffer right after the fixed part");
    le16_store(BODY + 14, 11);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER, "buffer one byte past the end");
    le16_store(BODY + 12, 80);
    le16_store(BODY + 14, 4);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "buffer overlapping the fixed part");
    le16_store(BODY + 12, 0xFFFF);
    le16_store(BODY + 14, 0);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "an empty buffer may point anywhere");

    /* IOCTL: 32-bit offsets, where a sum could overflow. */
    len = request(SMB2_IOCTL, 57, 56 + 8);
    le32_store(BODY + 24, 120);
    le32_store(BODY + 28, 8);
    le32_store(BODY + 44, 100);
    le16_store(msg + SMB2_HDR_OFF_CREDIT_CHARGE, 1);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "IOCTL input in range");
    le32_store(BODY + 24, 0xFFFFFFF8);
    le32_store(BODY + 28, 0x10);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "offset + length wrapping around 2^32 is refused");
    le32_store(BODY + 24, 120);
    le32_store(BODY + 28, 8);
    le32_store(BODY + 36, 120);
    le32_store(BODY + 40, 0xFFFFFFFF);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER, "huge OutputCount");
    le32_store(BODY + 40, 0);

    /* Credit charge (3.3.5.2.5). */
    le32_store(BODY + 44, 65536);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "64 KiB response, charge 1");
    le32_store(BODY + 44, 65537);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "64 KiB + 1 needs a charge of 2");
    le16_store(msg + SMB2_HDR_OFF_CREDIT_CHARGE, 2);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "charge 2 covers it");
    le16_store(msg + SMB2_HDR_OFF_CREDIT_CHARGE, 0);
    le32_store(BODY + 44, 65536);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "charge 0 allows 64 KiB");
    le32_store(BODY + 44, 65537);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "charge 0 with more than 64 KiB");
    is_int(smb2_validate_request(msg, len, false), STATUS_SUCCESS,
           "without multi-credit the charge is not checked");
    /* What back-pressure reserves for the response: the payload named,
     * whatever the charge. */
    is_int((long long)smb2_request_payload(msg, len), 65537,
           "the payload an IOCTL names: its MaxOutputResponse");
    len = request(SMB2_READ, 49, 48);
    le32_store(BODY + 4, 1u << 20);
    is_int((long long)smb2_request_payload(msg, len), 1 << 20, "a READ's Length");
    is_int((long long)smb2_request_payload(msg, 64 + 6), 0,
           "a READ cut before its Length names none (nothing read past the end)");
    len = request(SMB2_ECHO, 4, 4);
    is_int((long long)smb2_request_payload(msg, len), 0, "an ECHO names none");
    is_int((long long)smb2_request_payload(msg, 10), 0, "nor does a runt");

    /* NEGOTIATE: DialectCount entries of 2 bytes at body offset 36. */
    len = request(SMB2_NEGOTIATE, 36, 36 + 4);
    le16_store(BODY + 2, 2);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "two dialects");
    le16_store(BODY + 2, 3);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER,
           "DialectCount past the end");
    le16_store(BODY + 2, 0xFFFF);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER, "DialectCount 65535");

    /* LOCK: LockCount entries of 24 bytes at body offset 24. */
    len = request(SMB2_LOCK, 48, 48);
    le16_store(BODY + 2, 1);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "one lock");
    le16_store(BODY + 2, 2);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER, "two locks, one sent");

    /* WRITE: data and channel info areas; payload is Length. */
    len = request(SMB2_WRITE, 49, 48 + 16);
    le16_store(BODY + 2, 112);
    le32_store(BODY + 4, 16);
    le16_store(msg + SMB2_HDR_OFF_CREDIT_CHARGE, 1);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "WRITE of 16 bytes");
    le32_store(BODY + 4, 17);
    is_int(smb2_validate_request(msg, len, true), STATUS_INVALID_PARAMETER, "WRITE data past the end");

    /* OPLOCK_BREAK: two structure sizes (oplock and lease acknowledgment). */
    len = request(SMB2_OPLOCK_BREAK, 24, 24);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "oplock break ack");
    len = request(SMB2_OPLOCK_BREAK, 36, 36);
    is_int(smb2_validate_request(msg, len, true), STATUS_SUCCESS, "lease break ack");

    /* Header parsing. */
    struct smb2_header h;
    len = request(SMB2_ECHO, 4, 4);
    ok(smb2_header_parse(msg, len, &h), "header parses");
    ok(!smb2_header_parse(msg, 63, &h), "63 bytes are not a header");
    le16_store(msg + 4, 65);
    ok(!smb2_header_parse(msg, len, &h), "header StructureSize must be 64");
    le16_store(msg + 4, 64);
    msg[0] = 0xFF;
    ok(!smb2_header_parse(msg, len, &h), "protocol id checked");
    return done_testing();
}
