/* SMB2 SET_INFO ([MS-SMB2] 2.2.39, 2.2.40, 3.3.5.21). Rename and link
 * targets are share-relative: the driver keeps them beneath the share. */
#include "drivers/srv/smb2/io.h"

#define SMB2_0_INFO_FILE 0x01
#define SMB2_0_INFO_FILESYSTEM 0x02
#define SMB2_0_INFO_SECURITY 0x03

static void set_done(struct smb2_io *io)
{
    if (io->iosb.status == STATUS_SUCCESS)
        wr_u16(&io->req->out, 2); /* StructureSize, nothing else */
    smb2_io_finish(io, io->iosb.status);
}

NTSTATUS smb2_set_info(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);
    uint8_t info_type = rd_u8(r);
    uint8_t info_class = rd_u8(r);
    uint32_t length = rd_u32(r);
    uint16_t offset = rd_u16(r);
    rd_skip(r, 2);
    uint32_t additional = rd_u32(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    struct buf_reader data = smb2_req_area(req, offset, length);
    if (!rd_ok(r) || !rd_ok(&data))
        return STATUS_INVALID_PARAMETER;
    if (info_type < SMB2_0_INFO_FILE || info_type > SMB2_0_INFO_SECURITY)
        return info_type == 4 ? STATUS_NOT_SUPPORTED : STATUS_INVALID_PARAMETER;
    /* A read-only share changes nothing: no class of any type is set,
     * whatever the open was granted (3.3.5.21; Samba refuses them too). */
    if (srv_tree_read_only(req->tree))
        return STATUS_ACCESS_DENIED;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct smb2_io *io;
    status = smb2_io_begin(req, open, set_done, 0, &io);
    if (status == STATUS_SUCCESS) {
        const uint8_t *buffer = rd_bytes(&data, length);
        NTSTATUS call;
        if (info_type == SMB2_0_INFO_FILE)
            call = IoSetInformationFile(open->file, &io->async, &io->iosb, io->token, buffer,
                                        length, info_class);
        else if (info_type == SMB2_0_INFO_FILESYSTEM)
            call = IoSetVolumeInformationFile(open->file, &io->async, &io->iosb, io->token,
                                              buffer, length, info_class);
        else
            call = IoSetSecurityFile(open->file, &io->async, &io->iosb, io->token, additional,
                                     buffer, length);
        smb2_io_issued(io, call);
    }
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
