/* Decoding of set-information and FSCTL input buffers (see input.h). */
#include "drivers/pvfs/input.h"

#include "drivers/pvfs/pvfs.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/utf16.h"

/* FileDispositionInformationEx flags ([MS-FSCC] 2.4.12). */
#define FILE_DISPOSITION_DELETE 0x00000001u
#define FILE_DISPOSITION_POSIX_SEMANTICS 0x00000002u
#define FILE_DISPOSITION_ON_CLOSE 0x00000008u
/* FileRenameInformationEx flags ([MS-FSCC] 2.4.42). */
#define FILE_RENAME_REPLACE_IF_EXISTS 0x00000001u

/* FILE_RENAME_INFORMATION (the _TYPE_2 layout SMB2 uses, [MS-FSCC] 2.4.41),
 * its Ex form (Flags instead of ReplaceIfExists) and FILE_LINK_INFORMATION,
 * which has the same layout. */
static NTSTATUS decode_rename(struct buf_reader *r, bool ex, struct pvfs_set_info_input *in)
{
    if (ex) {
        in->replace = (rd_u32(r) & FILE_RENAME_REPLACE_IF_EXISTS) != 0;
        rd_skip(r, 4);
    } else {
        in->replace = rd_u8(r) != 0;
        rd_skip(r, 7);
    }
    uint64_t root = rd_u64(r);
    uint32_t len = rd_u32(r);
    const uint8_t *p = rd_bytes(r, len);
    if (!rd_ok(r))
        return STATUS_INFO_LENGTH_MISMATCH;
    if (root != 0)
        return STATUS_INVALID_PARAMETER; /* no handle-relative names here */
    if (len == 0 || len % 2)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = utf16le_to_utf8(p, len, &in->name);
    return status == STATUS_SUCCESS ? status : STATUS_OBJECT_NAME_INVALID;
}

NTSTATUS pvfs_set_info_decode(uint32_t info_class, const void *buffer, uint32_t length,
                              struct pvfs_set_info_input *in)
{
    struct buf_reader r;
    memset(in, 0, sizeof *in);
    in->info_class = info_class;
    rd_init(&r, buffer, length);
    switch (info_class) {
    case FileBasicInformation:
        for (int i = 0; i < 4; i++)
            in->times[i] = rd_u64(&r);
        in->attributes = rd_u32(&r);
        rd_u32(&r); /* Reserved: the structure is 40 bytes */
        return rd_ok(&r) ? STATUS_SUCCESS : STATUS_INFO_LENGTH_MISMATCH;
    case FileFullEaInformation:
        return STATUS_SUCCESS;
    case FileDispositionInformation:
        in->delete_file = rd_u8(&r) != 0;
        return rd_ok(&r) ? STATUS_SUCCESS : STATUS_INFO_LENGTH_MISMATCH;
    case FileDispositionInformationEx: {
        uint32_t flags = rd_u32(&r);
        if (!rd_ok(&r))
            return STATUS_INFO_LENGTH_MISMATCH;
        if (flags & FILE_DISPOSITION_POSIX_SEMANTICS)
            return STATUS_NOT_SUPPORTED;
        in->delete_file = (flags & FILE_DISPOSITION_DELETE) != 0;
        in->on_close = (flags & FILE_DISPOSITION_ON_CLOSE) != 0;
        return STATUS_SUCCESS;
    }
    case FileRenameInformation:
    case FileLinkInformation:
    case FileRenameInformationEx: {
        NTSTATUS status = decode_rename(&r, info_class == FileRenameInformationEx, in);
        if (status != STATUS_SUCCESS)
            pvfs_set_info_input_clear(in);
        return status;
    }
    case FilePositionInformation:
        in->value = rd_u64(&r);
        if (!rd_ok(&r))
            return STATUS_INFO_LENGTH_MISMATCH;
        return in->value > (uint64_t)INT64_MAX ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    case FileModeInformation:
        in->mode = rd_u32(&r);
        if (!rd_ok(&r))
            return STATUS_INFO_LENGTH_MISMATCH;
        return (in->mode & ~PVFS_SETTABLE_MODE) ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS;
    case FileAllocationInformation:
    case FileEndOfFileInformation:
        in->value = rd_u64(&r);
        return rd_ok(&r) ? STATUS_SUCCESS : STATUS_INFO_LENGTH_MISMATCH;
    default:
        return STATUS_INVALID_INFO_CLASS;
    }
}

void pvfs_set_info_input_clear(struct pvfs_set_info_input *in)
{
    free(in->name);
    in->name = NULL;
}

/* [MS-FSCC] 2.3.64: the 1-byte FILE_SET_SPARSE_BUFFER is optional (none:
 * set) and may come with trailing bytes, which Windows ignores. */
NTSTATUS pvfs_sparse_input_decode(const void *input, uint32_t length, bool *sparse)
{
    *sparse = !(length >= 1 && ((const uint8_t *)input)[0] == 0);
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_zero_data_input_decode(const void *input, uint32_t length, uint64_t *offset,
                                     uint64_t *beyond)
{
    struct buf_reader r;
    rd_init(&r, input, length);
    *offset = rd_u64(&r);
    *beyond = rd_u64(&r);
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    if (*offset > (uint64_t)INT64_MAX || *beyond > (uint64_t)INT64_MAX || *offset > *beyond)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_range_input_decode(const void *input, uint32_t length, uint64_t *offset,
                                 uint64_t *range_length)
{
    struct buf_reader r;
    rd_init(&r, input, length);
    *offset = rd_u64(&r);
    *range_length = rd_u64(&r);
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    if (*offset > (uint64_t)INT64_MAX || *range_length > (uint64_t)INT64_MAX - *offset)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_oplock_request_decode(const void *data, size_t size,
                                    struct pvfs_oplock_request *req)
{
    struct buf_reader r;
    if (size != PVFS_ECP_OPLOCK_SIZE)
        return STATUS_INVALID_PARAMETER;
    rd_init(&r, data, size);
    req->type = rd_u8(&r);
    uint8_t pad[3];
    rd_copy(&r, pad, sizeof pad);
    req->lease_state = rd_u32(&r);
    rd_copy(&r, req->lease_key, sizeof req->lease_key);
    if (!rd_ok(&r) || req->type > PVFS_OPLOCK_LEASE || pad[0] || pad[1] || pad[2] ||
        (req->lease_state & ~(uint32_t)(PVFS_LEASE_R | PVFS_LEASE_H | PVFS_LEASE_W)))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_oplock_ack_decode(const void *input, uint32_t length, uint8_t *what,
                                uint8_t *level, uint32_t *state)
{
    struct buf_reader r;
    if (length != PVFS_OPLOCK_ACK_SIZE)
        return STATUS_INVALID_PARAMETER;
    rd_init(&r, input, length);
    *what = rd_u8(&r);
    *level = rd_u8(&r);
    rd_skip(&r, 2);
    *state = rd_u32(&r);
    if (!rd_ok(&r) || *what > PVFS_OPLOCK_ACK_RELEASE || *level > PVFS_OPLOCK_BATCH)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}
