/* The SMB2 packet header ([MS-SMB2] 2.2.1), read field by field. */
#include "drivers/srv/smb2/request.h"

#include <string.h>

bool smb2_header_parse(const uint8_t *data, size_t len, struct smb2_header *hdr)
{
    struct buf_reader r;
    rd_init(&r, data, len);
    const uint8_t *magic = rd_bytes(&r, 4);
    uint16_t structure_size = rd_u16(&r);
    hdr->credit_charge = rd_u16(&r);
    hdr->status = rd_u32(&r);
    hdr->command = rd_u16(&r);
    hdr->credit_request = rd_u16(&r);
    hdr->flags = rd_u32(&r);
    hdr->next_command = rd_u32(&r);
    hdr->message_id = rd_u64(&r);
    if (hdr->flags & SMB2_FLAGS_ASYNC_COMMAND) {
        hdr->async_id = rd_u64(&r);
        hdr->tree_id = 0;
    } else {
        rd_skip(&r, 4); /* Reserved (the ProcessId of SMB1 days) */
        hdr->tree_id = rd_u32(&r);
        hdr->async_id = 0;
    }
    hdr->session_id = rd_u64(&r);
    rd_copy(&r, hdr->signature, 16);
    return rd_ok(&r) && memcmp(magic, SMB2_PROTOCOL_ID, 4) == 0 &&
           structure_size == SMB2_HEADER_SIZE;
}
