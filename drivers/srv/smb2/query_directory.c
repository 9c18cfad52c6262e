/* SMB2 QUERY_DIRECTORY ([MS-SMB2] 2.2.33, 2.2.34, 3.3.5.18): the driver
 * keeps the enumeration cursor on the open. */
#include <stdlib.h>

#include "drivers/srv/smb2/io.h"
#include "lib/utf16.h"

#define SMB2_RESTART_SCANS 0x01
#define SMB2_RETURN_SINGLE_ENTRY 0x02
#define SMB2_INDEX_SPECIFIED 0x04
#define SMB2_REOPEN 0x10
#define SMB2_QUERY_DIRECTORY_RESPONSE_SIZE 9

static void pattern_cleanup(void *data)
{
    free(*(char **)data);
}

static void list_done(struct smb2_io *io)
{
    struct smb2_request *req = io->req;
    NTSTATUS status = io->iosb.status;
    uint64_t n = io->iosb.information;
    if (status == STATUS_SUCCESS) {
        if (n > io->buffer_size)
            n = io->buffer_size;
        struct buf *out = &req->out;
        wr_u16(out, SMB2_QUERY_DIRECTORY_RESPONSE_SIZE);
        wr_u16(out, (uint16_t)(smb2_rsp_offset(req) + 6));
        wr_u32(out, (uint32_t)n);
        wr_bytes(out, io->buffer, (size_t)n);
        if (n == 0)
            wr_u8(out, 0);
    }
    smb2_io_finish(io, status);
}

NTSTATUS smb2_query_directory(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);
    uint8_t info_class = rd_u8(r);
    uint8_t flags = rd_u8(r);
    rd_skip(r, 4); /* FileIndex: no driver resumes by index */
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    uint16_t name_offset = rd_u16(r);
    uint16_t name_length = rd_u16(r);
    uint32_t output_length = rd_u32(r);
    struct buf_reader name = smb2_req_area(req, name_offset, name_length);
    if (!rd_ok(r) || !rd_ok(&name) || name_length % 2)
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_transact = req->conn->max_transact_size;
    pthread_mutex_unlock(&req->conn->lock);
    if (output_length == 0 || output_length > max_transact)
        return STATUS_INVALID_PARAMETER;

    char **pattern = smb2_request_alloc(req, sizeof *pattern, pattern_cleanup);
    if (!pattern)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (name_length &&
        utf16le_to_utf8(rd_bytes(&name, name_length), name_length, pattern) != STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;

    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct smb2_io *io;
    status = smb2_io_begin(req, open, list_done, output_length, &io);
    if (status == STATUS_SUCCESS)
        smb2_io_issued(io, IoQueryDirectoryFile(open->file, &io->async, &io->iosb, io->token,
                                                io->buffer, output_length, info_class,
                                                flags & SMB2_RETURN_SINGLE_ENTRY, *pattern,
                                                flags & (SMB2_RESTART_SCANS | SMB2_REOPEN)));
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
