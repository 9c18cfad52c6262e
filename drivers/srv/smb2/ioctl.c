/* SMB2 IOCTL ([MS-SMB2] 2.2.31, 2.2.32, 3.3.5.15). Requests on the server
 * itself (FileId all ones) are answered here: FSCTL_VALIDATE_NEGOTIATE_INFO,
 * FSCTL_QUERY_NETWORK_INTERFACE_INFO, and DFS referrals (no DFS: STATUS_FS_DRIVER_REQUIRED, as Windows says
 * without the DFS service). FSCTLs on an open go to its driver
 * (ioctl_file.c), but FSCTL_LMR_REQUEST_RESILIENCY and server-side copy
 * (ioctl_copychunk.c), which are srv's own. */
#include "drivers/srv/smb2/io.h"

#define FSCTL_LMR_REQUEST_RESILIENCY 0x001401D4u
/* The longest resiliency a client may ask for, and what 0 means (Windows:
 * [MS-SMB2] 3.3.5.15.9 notes). */
#define RESILIENCY_MAX_MS 300000u
#define RESILIENCY_DEFAULT_MS 120000u

/* 3.3.5.15.9: the open outlives a connection loss for Timeout ms. */
static NTSTATUS request_resiliency(struct smb2_request *req, uint64_t persistent,
                                   uint64_t volatile_id, struct buf_reader *input)
{
    pthread_mutex_lock(&req->conn->lock);
    uint16_t dialect = req->conn->dialect;
    pthread_mutex_unlock(&req->conn->lock);
    if (dialect == SMB2_DIALECT_202)
        return STATUS_INVALID_DEVICE_REQUEST;
    uint32_t timeout = rd_u32(input);
    rd_skip(input, 4); /* Reserved */
    if (!rd_ok(input))
        return STATUS_INVALID_PARAMETER;
    if (timeout > RESILIENCY_MAX_MS)
        return STATUS_INVALID_PARAMETER;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct srv_session *s = req->session;
    struct sid user = { 0 };
    pthread_mutex_lock(&s->lock);
    bool have_user = s->token && !s->is_anonymous && !s->is_guest;
    if (s->token)
        user = s->token->user;
    pthread_mutex_unlock(&s->lock);
    if (!have_user || open->is_pipe) {
        status = STATUS_INVALID_PARAMETER;
    } else {
        srv_durable_set_resilient(open, timeout ? timeout : RESILIENCY_DEFAULT_MS, &user);
        uint8_t none = 0;
        smb2_ioctl_response(req, FSCTL_LMR_REQUEST_RESILIENCY, open->persistent_id, open->id,
                            &none, 0);
    }
    srv_open_unref(open);
    return status;
}

/* FSCTLs that change a file's data or metadata, which a read-only share
 * refuses whatever the open was granted: those whose code asks for write
 * access (CTL_CODE's Access FILE_WRITE_ACCESS: SET_ZERO_DATA,
 * SET_COMPRESSION, FILE_LEVEL_TRIM, OFFLOAD_WRITE, DUPLICATE_EXTENTS, ...)
 * and the FILE_SPECIAL_ACCESS ones that set something.
 * FSCTL_CREATE_OR_GET_OBJECT_ID is not one: pvfs derives object ids and
 * stores nothing, and Windows clients ask for them on any share. */
static bool fsctl_modifies(uint32_t ctl_code)
{
    if (((ctl_code >> 14) & 3u) & FILE_WRITE_ACCESS)
        return true;
    switch (ctl_code) {
    case FSCTL_SET_SPARSE:
    case FSCTL_SET_REPARSE_POINT:
    case FSCTL_DELETE_REPARSE_POINT:
    case FSCTL_SET_OBJECT_ID:
    case FSCTL_SET_OBJECT_ID_EXTENDED:
    case FSCTL_DELETE_OBJECT_ID:
    case FSCTL_SET_SHORT_NAME_BEHAVIOR:
    case FSCTL_SET_INTEGRITY_INFORMATION:
    case FSCTL_SRV_COPYCHUNK:
    case FSCTL_SRV_COPYCHUNK_WRITE:
        return true;
    default:
        return false;
    }
}

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
    /* A read-only share: Samba answers a sparse flag with
     * STATUS_MEDIA_WRITE_PROTECTED (file_set_sparse), every other change
     * with STATUS_ACCESS_DENIED. */
    if (req->tree && srv_tree_read_only(req->tree) && fsctl_modifies(ctl_code))
        return ctl_code == FSCTL_SET_SPARSE ? STATUS_MEDIA_WRITE_PROTECTED : STATUS_ACCESS_DENIED;
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
    case FSCTL_LMR_REQUEST_RESILIENCY:
        buf_free(&output);
        return request_resiliency(req, persistent, volatile_id, &input);
    case FSCTL_DFS_GET_REFERRALS:
    case FSCTL_DFS_GET_REFERRALS_EX:
        status = STATUS_FS_DRIVER_REQUIRED;
        break;
    case FSCTL_QUERY_NETWORK_INTERFACE_INFO:
        status = on_server ? smb2_network_interface_info(req, max_output, &output)
                           : STATUS_INVALID_PARAMETER;
        break;
    case FSCTL_SRV_REQUEST_RESUME_KEY:
        buf_free(&output);
        return smb2_request_resume_key(req, persistent, volatile_id, max_output);
    case FSCTL_SRV_COPYCHUNK:
    case FSCTL_SRV_COPYCHUNK_WRITE:
        buf_free(&output);
        return smb2_copychunk(req, ctl_code, persistent, volatile_id, &input, max_output);
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
