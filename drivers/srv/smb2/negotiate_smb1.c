/* The SMB1 multi-protocol NEGOTIATE ([MS-SMB2] 3.3.5.3): a client that does
 * not yet know the server speaks SMB2 sends an SMB1 NEGOTIATE listing dialect
 * strings; srv answers with an SMB2 NEGOTIATE response (2.0.2, or the 0x02FF
 * wildcard that asks for an SMB2 NEGOTIATE next) and serves no other SMB1. */
#include <string.h>

#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

/* Looks for a dialect string in the SMB1 request's dialect list. */
static bool offers(struct buf_reader list, const char *name, bool *malformed)
{
    size_t want = strlen(name) + 1;
    while (rd_remaining(&list) > 0) {
        if (rd_u8(&list) != 0x02) { /* BufferFormat: dialect string */
            *malformed = true;
            return false;
        }
        const uint8_t *start = list.data + list.pos;
        size_t left = rd_remaining(&list);
        const uint8_t *nul = memchr(start, 0, left);
        if (!nul) {
            *malformed = true;
            return false;
        }
        size_t len = (size_t)(nul - start) + 1;
        if (len == want && memcmp(start, name, want) == 0)
            return true;
        rd_skip(&list, len);
    }
    return false;
}

bool smb1_negotiate(struct srv_conn *conn, const uint8_t *msg, size_t len)
{
    const struct srv_config *cfg = conn->settings;
    struct buf_reader r;
    rd_init(&r, msg, len);
    rd_skip(&r, 4);
    uint8_t command = rd_u8(&r);
    rd_seek(&r, SMB1_HEADER_SIZE);
    uint8_t word_count = rd_u8(&r);
    uint16_t byte_count = rd_u16(&r);
    struct buf_reader list = rd_sub(&r, r.pos, byte_count);
    if (!rd_ok(&r) || !rd_ok(&list) || command != SMB1_COM_NEGOTIATE || word_count != 0)
        return false;

    pthread_mutex_lock(&conn->lock);
    bool fresh = conn->dialect == 0 && !conn->negotiated;
    /* The SMB1 request counts as MessageId 0 (3.3.5.2.3). */
    bool in_window = fresh && smb2_credits_consume(&conn->credits, 0, 1);
    pthread_mutex_unlock(&conn->lock);
    if (!in_window)
        return false;

    bool malformed = false;
    bool wildcard = offers(list, "SMB 2.???", &malformed);
    bool smb202 = offers(list, "SMB 2.002", &malformed);
    if (malformed)
        return false;
    uint16_t dialect;
    if (wildcard && cfg->max_dialect >= SMB2_DIALECT_210)
        dialect = SMB2_DIALECT_WILDCARD;
    else if (smb202 && cfg->min_dialect <= SMB2_DIALECT_202)
        dialect = SMB2_DIALECT_202;
    else
        return false; /* SMB1 only: not served */

    pthread_mutex_lock(&conn->lock);
    smb2_set_negotiated(conn, dialect, 0, SMB2_SIGNING_HMAC_SHA256);
    uint16_t credits = smb2_credits_grant(&conn->credits, 1);
    pthread_mutex_unlock(&conn->lock);

    struct buf out;
    buf_init(&out);
    wr_bytes(&out, SMB2_PROTOCOL_ID, 4);
    wr_u16(&out, SMB2_HEADER_SIZE);
    wr_u16(&out, 0);                              /* CreditCharge */
    wr_u32(&out, STATUS_SUCCESS);
    wr_u16(&out, SMB2_NEGOTIATE);
    wr_u16(&out, credits);
    wr_u32(&out, SMB2_FLAGS_SERVER_TO_REDIR);
    wr_u32(&out, 0);                              /* NextCommand */
    wr_u64(&out, 0);                              /* MessageId */
    wr_zeros(&out, 4 + 4 + 8 + 16);               /* Reserved, TreeId, SessionId, Signature */
    NTSTATUS status = smb2_negotiate_response_body(conn, dialect, NULL, 0, &out);
    if (status == STATUS_SUCCESS)
        srv_conn_send_message(conn, out.data, out.len);
    buf_free(&out);
    log_ratelimited(LOG_LEVEL_INFO, "srv: %s: SMB1 NEGOTIATE answered with dialect 0x%04x",
                    conn->peer, dialect);
    return status == STATUS_SUCCESS;
}
