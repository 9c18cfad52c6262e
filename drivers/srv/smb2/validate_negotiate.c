/* FSCTL_VALIDATE_NEGOTIATE_INFO ([MS-SMB2] 2.2.31.4, 2.2.32.6, 3.3.5.15.12):
 * a 3.0/3.0.2 client repeats, signed, what it sent in NEGOTIATE; if anything
 * differs from what the server saw, a man in the middle changed it and the
 * connection is dropped without an answer. */
#include <string.h>

#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

#define VALIDATE_NEGOTIATE_RESPONSE_SIZE 24

NTSTATUS smb2_validate_negotiate_info(struct smb2_request *req, struct buf_reader *input,
                                      uint32_t max_output, struct buf *out, bool *disconnect)
{
    struct srv_conn *conn = req->conn;
    const struct srv_config *cfg = conn->settings; /* what NEGOTIATE used */
    uint32_t capabilities = rd_u32(input);
    uint8_t guid[16];
    rd_copy(input, guid, 16);
    uint16_t security_mode = rd_u16(input);
    uint16_t dialect_count = rd_u16(input);
    uint16_t dialects[64];
    if (!rd_ok(input) || dialect_count == 0 || dialect_count > 64) {
        *disconnect = true;
        return STATUS_INVALID_PARAMETER;
    }
    for (uint16_t i = 0; i < dialect_count; i++)
        dialects[i] = rd_u16(input);
    if (!rd_ok(input)) {
        *disconnect = true;
        return STATUS_INVALID_PARAMETER;
    }

    pthread_mutex_lock(&conn->lock);
    uint16_t dialect = conn->dialect;
    bool same = dialect != SMB2_DIALECT_311 && max_output >= VALIDATE_NEGOTIATE_RESPONSE_SIZE &&
                capabilities == conn->client_capabilities &&
                memcmp(guid, conn->client_guid, 16) == 0 &&
                security_mode == conn->client_security_mode &&
                dialect_count == conn->client_dialect_count &&
                memcmp(dialects, conn->client_dialects, dialect_count * 2) == 0 &&
                smb2_choose_dialect(cfg, dialects, dialect_count) == dialect;
    uint32_t server_caps = conn->server_capabilities;
    uint16_t server_mode = conn->server_security_mode;
    pthread_mutex_unlock(&conn->lock);
    if (!same) {
        log_ratelimited(LOG_LEVEL_WARNING,
                        "srv: %s: VALIDATE_NEGOTIATE_INFO does not match the NEGOTIATE",
                        conn->peer);
        *disconnect = true;
        return STATUS_ACCESS_DENIED;
    }
    wr_u32(out, server_caps);
    wr_bytes(out, cfg->server_guid, 16);
    wr_u16(out, server_mode);
    wr_u16(out, dialect);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}
