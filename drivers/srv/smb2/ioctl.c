/* SMB2 IOCTL ([MS-SMB2] 2.2.31, 2.2.32, 3.3.5.15). Requests on the server
 * itself (FileId all ones) are answered here: FSCTL_VALIDATE_NEGOTIATE_INFO,
 * FSCTL_QUERY_NETWORK_INTERFACE_INFO, and DFS referrals (no DFS: STATUS_FS_DRIVER_REQUIRED, as Windows says
 * without the DFS service). FSCTLs on an open go to its driver
 * (ioctl_file.c). */
#include "drivers/srv/smb2/request.h"

void smb2_ioctl_response(struct smb2_request *req, uint32_t ctl_code, uint64_t persistent,
                         uint64_t volatile_id, const uint8_t *output, size_t output_len)
{
    struct buf *out = &req->out;
    size_t data_offset = smb2_rsp_offset(req) + (SMB2_IOCTL_RESPONSE_SIZE & ~1);
    wr_u16(out, SMB2_IOCTL_RESPONSE_SIZE);
    wr_u16(out, 0);
    wr_u32(out, ctl_code);
    wr_u64(out, persistent);
    wr_u64(out, volatile_id);
    wr_u32(out, (uint32_t)data_offset); /* InputOffset: no input echoed */
    wr_u32(out, 0);
    wr_u32(out, output_len ? (uint32_t)data_offset : 0);
    wr_u32(out, (uint32_t)output_len);
    wr_u32(out, 0); /* Flags */
    wr_u32(out, 0); /* Reserved2 */
    wr_bytes(out, output, output_len);
}

NTSTATUS smb2_ioctl(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2 + 2);                 /* StructureSize, Reserved */
    uint32_t ctl_code = rd_u32(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    uint32_t input_offset = rd_u32(r);
    uint32_t input_count = rd_u32(r);
    rd_skip(r, 4);                     /* MaxInputResponse */
    rd_skip(r, 4 + 4);                 /* OutputOffset, OutputCount */
    uint32_t max_output = rd_u32(r);
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_transact = req->conn->max_transact_size;
    pthread_mutex_unlock(&req->conn->lock);
    uint32_t flags = rd_u32(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    struct buf_reader input = smb2_req_area(req, input_offset, input_count);
    if (!rd_ok(&input))
        return STATUS_INVALID_PARAMETER;
    if (!(flags & SMB2_0_IOCTL_IS_FSCTL))
        return STATUS_NOT_SUPPORTED; /* 3.3.5.15: only FSCTLs travel over SMB2 */
    if (max_output > max_transact || input_count > max_transact)
        return STATUS_INVALID_PARAMETER;

    bool on_server = persistent == SMB2_FILE_ID_ANY && volatile_id == SMB2_FILE_ID_ANY &&
                     !(req->hdr.flags & SMB2_FLAGS_RELATED_OPERATIONS);
    NTSTATUS status;
    struct buf output;
    buf_init(&output);
    switch (ctl_code) {
    case FSCTL_VALIDATE_NEGOTIATE_INFO:
        if (!on_server) {
            status = STATUS_INVALID_PARAMETER;
            break;
        }
        status = smb2_validate_negotiate_info(req, &input, max_output, &output,
                                              &req->disconnect);
        break;
    case FSCTL_DFS_GET_REFERRALS:
    case FSCTL_DFS_GET_REFERRALS_EX:
        status = STATUS_FS_DRIVER_REQUIRED;
        break;
    case FSCTL_QUERY_NETWORK_INTERFACE_INFO:
        status = on_server ? smb2_network_interface_info(req, max_output, &output)
                           : STATUS_INVALID_PARAMETER;
        break;
    case FSCTL_SRV_ENUMERATE_SNAPSHOTS:
        status = smb2_enumerate_snapshots(req, persistent, volatile_id, max_output, &output);
        break;
    default:
        /* Everything else names a file, even with an all-ones FileId (which
         * in a related compound is the previous CREATE's). */
        buf_free(&output);
        return smb2_ioctl_file(req, ctl_code, persistent, volatile_id, &input, max_output);
    }
    if (status == STATUS_SUCCESS)
        smb2_ioctl_response(req, ctl_code, persistent, volatile_id, output.data, output.len);
    buf_free(&output);
    return status;
}
