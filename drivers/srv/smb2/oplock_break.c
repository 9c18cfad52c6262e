/* SMB2 OPLOCK_BREAK acknowledgment ([MS-SMB2] 2.2.24.1, 2.2.25.1,
 * 3.3.5.22.1) and lease break acknowledgment (2.2.24.2, 2.2.25.2,
 * 3.3.5.22.2): the client has given up what srv asked it to break; the
 * CREATE waiting for it goes on. */
#include <string.h>

#include "drivers/srv/smb2/io.h"

/* 2.2.24.2: StructureSize, Reserved, Flags, LeaseKey, LeaseState,
 * LeaseDuration; the response (2.2.25.2) has the same layout. */
static NTSTATUS lease_break_ack(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2 + 2 + 4);
    uint8_t key[16];
    const uint8_t *raw = rd_bytes(r, 16);
    uint32_t state = rd_u32(r);
    if (!rd_ok(r) || !raw)
        return STATUS_INVALID_PARAMETER;
    memcpy(key, raw, 16);
    uint8_t client_guid[16];
    pthread_mutex_lock(&req->conn->lock);
    memcpy(client_guid, req->conn->client_guid, 16);
    pthread_mutex_unlock(&req->conn->lock);
    NTSTATUS status = srv_lease_ack(req->conn->engine, client_guid, key, state);
    if (status != STATUS_SUCCESS)
        return status;
    struct buf *out = &req->out;
    wr_u16(out, SMB2_LEASE_BREAK_ACK_SIZE);
    wr_u16(out, 0);
    wr_u32(out, 0);
    wr_bytes(out, key, 16);
    wr_u32(out, state);
    wr_u64(out, 0);
    return STATUS_SUCCESS;
}

NTSTATUS smb2_oplock_break(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    struct buf_reader peek = *r;
    if (rd_u16(&peek) == SMB2_LEASE_BREAK_ACK_SIZE)
        return lease_break_ack(req);
    rd_skip(r, 2);                        /* StructureSize */
    uint8_t level = rd_u8(r);
    rd_skip(r, 1 + 4);                    /* Reserved, Reserved2 */
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    if (level == SMB2_OPLOCK_LEVEL_LEASE)
        return STATUS_INVALID_PARAMETER;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    uint8_t new_level;
    status = srv_oplock_ack(open, level, &new_level);
    srv_open_unref(open);
    if (status != STATUS_SUCCESS)
        return status;
    struct buf *out = &req->out;
    wr_u16(out, SMB2_OPLOCK_BREAK_ACK_SIZE);
    wr_u8(out, new_level);
    wr_u8(out, 0);
    wr_u32(out, 0);
    wr_u64(out, persistent);
    wr_u64(out, volatile_id);
    return STATUS_SUCCESS;
}
