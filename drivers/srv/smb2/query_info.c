/* SMB2 QUERY_INFO ([MS-SMB2] 2.2.37, 2.2.38, 3.3.5.20): file, file system
 * and security information from the open's driver. */
#include "drivers/srv/smb2/io.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

#define SMB2_0_INFO_FILE 0x01
#define SMB2_0_INFO_FILESYSTEM 0x02
#define SMB2_0_INFO_SECURITY 0x03
#define SMB2_0_INFO_QUOTA 0x04
#define SMB2_QUERY_INFO_RESPONSE_SIZE 9

struct query_state {
    uint8_t info_type;
    uint8_t info_class;
    uint32_t output_length;
};

/* FileFsVolumeInformation ([MS-FSCC] 2.5.9): VolumeLabelLength at 12, the
 * label at 18. Windows limits a label to 32 characters. */
#define VOLUME_LABEL_LENGTH_AT 12
#define VOLUME_LABEL_AT 18
#define VOLUME_LABEL_MAX_BYTES 64

/* The file system has no label of its own; like smbd (whose "volume"
 * defaults to the share name), the volume is labelled with the share's name.
 * smbclient's `volume` needs one: it fails on an empty label. The answer is
 * rebuilt in io->buffer; *n and *status follow [MS-FSCC] 2.5.9's rule for a
 * buffer too small for the label (as much as fits, STATUS_BUFFER_OVERFLOW). */
static void label_volume(struct smb2_io *io, const struct query_state *st, uint64_t *n,
                         NTSTATUS *status)
{
    if (*status != STATUS_SUCCESS || *n < VOLUME_LABEL_AT || !io->open || !io->open->tree)
        return;
    if (le32_load(io->buffer + VOLUME_LABEL_LENGTH_AT) != 0)
        return;
    const char *name = io->open->tree->share.name;
    uint8_t *label = NULL;
    size_t label_len = 0;
    if (utf8_to_utf16le(name, strlen(name), &label, &label_len) != STATUS_SUCCESS)
        return;
    if (label_len > VOLUME_LABEL_MAX_BYTES)
        label_len = VOLUME_LABEL_MAX_BYTES;
    size_t whole = VOLUME_LABEL_AT + label_len;
    size_t room = st->output_length < io->buffer_size ? st->output_length : io->buffer_size;
    size_t fits = whole <= room ? whole : room;
    if (fits > VOLUME_LABEL_AT) {
        le32_store(io->buffer + VOLUME_LABEL_LENGTH_AT, (uint32_t)label_len);
        memcpy(io->buffer + VOLUME_LABEL_AT, label, fits - VOLUME_LABEL_AT);
        /* The fixed part was padded to 24 bytes; a shorter label keeps it. */
        if (fits > *n)
            *n = fits;
        if (fits < whole)
            *status = STATUS_BUFFER_OVERFLOW;
    }
    free(label);
}

static void query_done(struct smb2_io *io)
{
    struct query_state *st = io->state;
    struct smb2_request *req = io->req;
    NTSTATUS status = io->iosb.status;
    uint64_t n = io->iosb.information;
    struct buf *out = &req->out;
    if (st->info_type == SMB2_0_INFO_FILESYSTEM && st->info_class == FileFsVolumeInformation)
        label_volume(io, st, &n, &status);
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        if (n > io->buffer_size)
            n = io->buffer_size;
        wr_u16(out, SMB2_QUERY_INFO_RESPONSE_SIZE);
        wr_u16(out, (uint16_t)(smb2_rsp_offset(req) + 6));
        wr_u32(out, (uint32_t)n);
        wr_bytes(out, io->buffer, (size_t)n);
        if (n == 0)
            wr_u8(out, 0);
    } else if (status == STATUS_BUFFER_TOO_SMALL && st->info_type == SMB2_0_INFO_SECURITY) {
        /* 3.3.5.20.3: the error data is the size the descriptor needs. */
        wr_u16(out, SMB2_ERROR_RESPONSE_SIZE);
        wr_u8(out, 0);
        wr_u8(out, 0);
        wr_u32(out, 4);
        wr_u32(out, (uint32_t)n);
        req->keep_body = true;
    }
    smb2_io_finish(io, status);
}

NTSTATUS smb2_query_info(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);
    uint8_t info_type = rd_u8(r);
    uint8_t info_class = rd_u8(r);
    uint32_t output_length = rd_u32(r);
    uint16_t input_offset = rd_u16(r);
    rd_skip(r, 2);                    /* Reserved */
    uint32_t input_length = rd_u32(r);
    uint32_t additional = rd_u32(r);
    uint32_t flags = rd_u32(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    /* The input buffer (checked by the dispatcher): for FileFullEaInformation
     * the FILE_GET_EA_INFORMATION list, else unused. */
    struct buf_reader input = smb2_req_area(req, input_offset, input_length);
    const uint8_t *ea_list = input_length ? rd_bytes(&input, input_length) : NULL;
    if (!rd_ok(r) || !rd_ok(&input))
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_transact = req->conn->max_transact_size;
    uint16_t dialect = req->conn->dialect;
    pthread_mutex_unlock(&req->conn->lock);
    if (output_length > max_transact)
        return STATUS_INVALID_PARAMETER;
    /* 3.3.5.20.1: the normalized name is a 3.1.1 feature. */
    if (info_type == SMB2_0_INFO_FILE && info_class == FileNormalizedNameInformation &&
        dialect < SMB2_DIALECT_311)
        return STATUS_NOT_SUPPORTED;
    if (info_type == SMB2_0_INFO_QUOTA)
        return STATUS_NOT_SUPPORTED;
    if (info_type < SMB2_0_INFO_FILE || info_type > SMB2_0_INFO_SECURITY)
        return STATUS_INVALID_PARAMETER;

    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct query_state *st = smb2_request_alloc(req, sizeof *st, NULL);
    struct smb2_io *io = NULL;
    status = st ? smb2_io_begin(req, open, query_done, output_length ? output_length : 1, &io)
                : STATUS_INSUFFICIENT_RESOURCES;
    if (status == STATUS_SUCCESS) {
        st->info_type = info_type;
        st->info_class = info_class;
        st->output_length = output_length;
        io->state = st;
        NTSTATUS call;
        if (info_type == SMB2_0_INFO_FILE && info_class == FileFullEaInformation)
            /* 3.3.5.20.1, 2.2.37: Flags carry SL_RESTART_SCAN,
             * SL_RETURN_SINGLE_ENTRY and SL_INDEX_SPECIFIED; the index is
             * AdditionalInformation. */
            call = IoQueryEaFile(open->file, &io->async, &io->iosb, io->token, io->buffer,
                                 output_length, (flags & SL_RETURN_SINGLE_ENTRY) != 0, ea_list,
                                 input_length,
                                 (flags & SL_INDEX_SPECIFIED) ? &additional : NULL,
                                 (flags & SL_RESTART_SCAN) != 0);
        else if (info_type == SMB2_0_INFO_FILE)
            call = IoQueryInformationFile(open->file, &io->async, &io->iosb, io->token,
                                          io->buffer, output_length, info_class);
        else if (info_type == SMB2_0_INFO_FILESYSTEM)
            call = IoQueryVolumeInformationFile(open->file, &io->async, &io->iosb, io->token,
                                                io->buffer, output_length, info_class);
        else
            call = IoQuerySecurityFile(open->file, &io->async, &io->iosb, io->token, additional,
                                       io->buffer, output_length);
        smb2_io_issued(io, call);
    }
    srv_open_unref(open);
    return status == STATUS_SUCCESS ? STATUS_PENDING : status;
}
