/* SMB2 NEGOTIATE ([MS-SMB2] 2.2.3, 2.2.4, 3.3.5.4): pick the dialect, the
 * capabilities and, for 3.1.1, the cipher and signing algorithm; start the
 * pre-authentication integrity hash. */
#include <string.h>

#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

static const uint16_t known_dialects[] = {
    SMB2_DIALECT_311, SMB2_DIALECT_302, SMB2_DIALECT_300, SMB2_DIALECT_210, SMB2_DIALECT_202,
};

/* The greatest dialect both sides implement, within the configured range. */
uint16_t smb2_choose_dialect(const struct srv_config *cfg, const uint16_t *offered, size_t n)
{
    for (size_t i = 0; i < sizeof known_dialects / sizeof known_dialects[0]; i++) {
        uint16_t d = known_dialects[i];
        if (d < cfg->min_dialect || d > cfg->max_dialect)
            continue;
        for (size_t j = 0; j < n; j++)
            if (offered[j] == d)
                return d;
    }
    return 0;
}

void smb2_set_negotiated(struct srv_conn *conn, uint16_t dialect, uint16_t cipher,
                           uint16_t signing_algorithm)
{
    const struct srv_config *cfg = conn->settings; /* in force when it connected */
    conn->dialect = dialect;
    conn->negotiated = dialect != SMB2_DIALECT_WILDCARD;
    conn->server_security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED;
    if (cfg->signing == SRV_SIGNING_REQUIRED)
        conn->server_security_mode |= SMB2_NEGOTIATE_SIGNING_REQUIRED;
    uint32_t caps = 0;
    if (dialect != SMB2_DIALECT_202)
        caps |= SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_LEASING; /* leases: 2.1 on */
    conn->cipher = SMB2_ENCRYPTION_NONE;
    conn->signing_algorithm = SMB2_SIGNING_HMAC_SHA256;
    if (dialect == SMB2_DIALECT_300 || dialect == SMB2_DIALECT_302) {
        /* 3.0.x: AES-128-CCM, announced by a capability bit if the client
         * announced it too. */
        conn->signing_algorithm = SMB2_SIGNING_AES_CMAC;
        if (conn->client_capabilities & SMB2_GLOBAL_CAP_ENCRYPTION) {
            caps |= SMB2_GLOBAL_CAP_ENCRYPTION;
            conn->cipher = SMB2_ENCRYPTION_AES128_CCM;
        }
    } else if (dialect == SMB2_DIALECT_311) {
        conn->cipher = cipher;
        conn->signing_algorithm = signing_algorithm;
    }
    /* 3.3.5.4: multichannel is a 3.x capability. */
    if (SMB2_DIALECT_IS_3(dialect) && cfg->multichannel)
        caps |= SMB2_GLOBAL_CAP_MULTI_CHANNEL;
    conn->server_capabilities = caps;
    conn->supports_multi_credit = (caps & SMB2_GLOBAL_CAP_LARGE_MTU) &&
                                  (conn->client_capabilities & SMB2_GLOBAL_CAP_LARGE_MTU);
    if (dialect == SMB2_DIALECT_202) {
        conn->max_transact_size = conn->max_read_size = conn->max_write_size = 65536;
    } else {
        conn->max_transact_size = cfg->max_transact_size;
        conn->max_read_size = cfg->max_read_size;
        conn->max_write_size = cfg->max_write_size;
    }
}

NTSTATUS smb2_negotiate_response_body(struct srv_conn *conn, uint16_t dialect,
                                      const struct buf *contexts, uint16_t context_count,
                                      struct buf *out)
{
    const struct srv_config *cfg = &conn->engine->config;
    size_t body = out->len;
    struct buf token;
    buf_init(&token);
    if (cfg->auth.negotiate_token) {
        NTSTATUS status = cfg->auth.negotiate_token(cfg->auth.context, &token);
        if (status != STATUS_SUCCESS || !wr_ok(&token) || token.len > 0xFFFF) {
            log_ratelimited(LOG_LEVEL_WARNING, "srv: no SPNEGO token for NEGOTIATE: %s",
                            nt_status_name(status));
            buf_reset(&token);
        }
    }
    pthread_mutex_lock(&conn->lock);
    uint16_t security_mode = conn->server_security_mode;
    uint32_t caps = conn->server_capabilities;
    uint32_t max_transact = conn->max_transact_size;
    uint32_t max_read = conn->max_read_size;
    uint32_t max_write = conn->max_write_size;
    pthread_mutex_unlock(&conn->lock);

    wr_u16(out, SMB2_NEGOTIATE_RESPONSE_SIZE);
    wr_u16(out, security_mode);
    wr_u16(out, dialect);
    wr_u16(out, context_count);
    wr_bytes(out, cfg->server_guid, 16);
    wr_u32(out, caps);
    wr_u32(out, max_transact);
    wr_u32(out, max_read);
    wr_u32(out, max_write);
    wr_u64(out, srv_filetime_now());
    wr_u64(out, 0); /* ServerStartTime: 0 (3.3.5.4) */
    size_t fixed = SMB2_HEADER_SIZE + (SMB2_NEGOTIATE_RESPONSE_SIZE & ~1);
    wr_u16(out, (uint16_t)fixed);
    wr_u16(out, (uint16_t)token.len);
    size_t context_offset_at = wr_reserve(out, 4);
    wr_bytes(out, token.data, token.len);
    if (context_count && contexts) {
        /* Contexts start 8-byte aligned, counted from the header, which is
         * itself 8-byte aligned in out. */
        wr_align(out, 8);
        size_t at = SMB2_HEADER_SIZE + (out->len - body);
        wr_put_u32_at(out, context_offset_at, (uint32_t)at);
        wr_bytes(out, contexts->data, contexts->len);
    } else if (token.len == 0) {
        wr_u8(out, 0); /* the buffer byte StructureSize 65 counts */
    }
    buf_free(&token);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS smb2_negotiate(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    const struct srv_config *cfg = conn->settings; /* in force when it connected */
    struct buf_reader *r = &req->body;
    uint16_t offered[64];

    rd_skip(r, 2); /* StructureSize */
    uint16_t dialect_count = rd_u16(r);
    uint16_t security_mode = rd_u16(r);
    rd_skip(r, 2);
    uint32_t capabilities = rd_u32(r);
    uint8_t client_guid[16];
    rd_copy(r, client_guid, 16);
    uint32_t context_offset = rd_u32(r);
    uint16_t context_count = rd_u16(r);
    rd_skip(r, 2);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    if (dialect_count == 0 || dialect_count > 64)
        return STATUS_INVALID_PARAMETER;
    for (uint16_t i = 0; i < dialect_count; i++)
        offered[i] = rd_u16(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;

    pthread_mutex_lock(&conn->lock);
    bool again = conn->negotiated;
    pthread_mutex_unlock(&conn->lock);
    if (again) {
        /* 3.3.5.4: a second NEGOTIATE on a connection ends it, no reply. */
        req->disconnect = true;
        return STATUS_INVALID_PARAMETER;
    }

    uint16_t dialect = smb2_choose_dialect(cfg, offered, dialect_count);
    if (dialect == 0)
        return STATUS_NOT_SUPPORTED;

    struct smb2_negotiate_contexts nc = { .signing_algorithm = SMB2_SIGNING_AES_CMAC };
    if (dialect == SMB2_DIALECT_311) {
        struct buf_reader elem;
        rd_init(&elem, req->msg + req->elem_offset, req->elem_len);
        NTSTATUS status = smb2_negotiate_contexts_parse(cfg, &elem, context_offset,
                                                        context_count, &nc);
        if (status != STATUS_SUCCESS)
            return status;
    }

    pthread_mutex_lock(&conn->lock);
    conn->client_capabilities = capabilities;
    conn->client_security_mode = security_mode;
    memcpy(conn->client_guid, client_guid, 16);
    memcpy(conn->client_dialects, offered, dialect_count * sizeof offered[0]);
    conn->client_dialect_count = dialect_count;
    smb2_set_negotiated(conn, dialect, nc.cipher, nc.signing_algorithm);
    if (dialect == SMB2_DIALECT_311) {
        /* The hash starts over the NEGOTIATE request as received; the
         * dispatcher adds the response as sent. */
        memset(conn->preauth_hash, 0, sizeof conn->preauth_hash);
        smb2_preauth_update(conn->preauth_hash, req->msg + req->elem_offset, req->elem_len);
    }
    pthread_mutex_unlock(&conn->lock);

    struct buf contexts;
    buf_init(&contexts);
    uint16_t out_count = 0;
    NTSTATUS status = STATUS_SUCCESS;
    if (dialect == SMB2_DIALECT_311) {
        status = smb2_negotiate_contexts_write(&nc, &contexts, &out_count);
        req->preauth_kind = SMB2_PREAUTH_CONNECTION;
    }
    if (status == STATUS_SUCCESS)
        status = smb2_negotiate_response_body(conn, dialect, &contexts, out_count, &req->out);
    buf_free(&contexts);
    log_ratelimited(LOG_LEVEL_INFO, "srv: %s: negotiated dialect %x.%x.%x", conn->peer,
                    dialect >> 8, (dialect >> 4) & 0xF, dialect & 0xF);
    return status;
}
