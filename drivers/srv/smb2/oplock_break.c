/* SMB2 OPLOCK_BREAK acknowledgment ([MS-SMB2] 2.2.24.1, 2.2.25.1,
 * 3.3.5.22.1): the client has given up the oplock srv asked it to break; the
 * CREATE waiting for it goes on. Lease acknowledgments (36 bytes) do not get
 * this far: srv grants no leases. */
#include "drivers/srv/smb2/io.h"

NTSTATUS smb2_oplock_break(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
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
