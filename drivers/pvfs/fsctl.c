/* The few file system controls a Windows client sends to ordinary files
 * ([MS-FSCC] 2.3) that have an honest answer here; the rest are
 * STATUS_INVALID_DEVICE_REQUEST (no reparse points or sparse files on this
 * file system). */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static NTSTATUS allocated_ranges(struct pvfs_file *file, const void *input, uint32_t input_length,
                                 void *output, uint32_t output_length, uint32_t *written)
{
    struct buf_reader r;
    rd_init(&r, input, input_length);
    uint64_t offset = rd_u64(&r);
    uint64_t length = rd_u64(&r);
    if (!rd_ok(&r))
        return STATUS_INVALID_PARAMETER;
    if ((int64_t)offset < 0 || (int64_t)length < 0 || offset + length < offset)
        return STATUS_INVALID_PARAMETER;
    if (!(file->granted_access & FILE_READ_DATA))
        return STATUS_ACCESS_DENIED;
    if (file->is_directory || pvfs_file_stream(file))
        return STATUS_INVALID_PARAMETER;
    struct stat st;
    if (fstat(file->fd, &st) != 0)
        return nt_status_from_errno(errno);
    /* Not sparse: everything up to the end of file is allocated. */
    uint64_t size = (uint64_t)st.st_size;
    if (offset >= size || length == 0)
        return STATUS_SUCCESS;
    uint64_t end = offset + length < size ? offset + length : size;
    if (output_length < 16)
        return STATUS_BUFFER_TOO_SMALL;
    le64_store(output, offset);
    le64_store((uint8_t *)output + 8, end - offset);
    *written = 16;
    return STATUS_SUCCESS;
}

/* FSCTL_GET_OBJECT_ID and FSCTL_CREATE_OR_GET_OBJECT_ID ([MS-FSCC] 2.3.23,
 * 2.3.7; FILE_OBJECTID_BUFFER 2.1.3.1). Every file has an object id here,
 * derived rather than stored (as smbd does): its inode and device, unique on
 * the volume and stable while the file lives, so "create" never has to write
 * anything. BirthVolumeId is the volume's id, BirthObjectId the object id,
 * DomainId zero. */
static NTSTATUS object_id(struct pvfs_file *file, void *output, uint32_t output_length,
                          uint32_t *written)
{
    if (output_length < 64)
        return STATUS_BUFFER_TOO_SMALL;
    struct stat st;
    if (fstat(file->fd, &st) != 0)
        return nt_status_from_errno(errno);
    uint8_t *out = output;
    memset(out, 0, 64);
    le64_store(out, (uint64_t)st.st_ino);
    le64_store(out + 8, (uint64_t)st.st_dev);
    pvfs_volume_object_id(file->volume, out + 16);
    memcpy(out + 32, out, 16);
    *written = 64;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_fs_control(struct pvfs_file *file, uint32_t code, const void *input,
                         uint32_t input_length, void *output, uint32_t output_length,
                         uint32_t *written)
{
    *written = 0;
    switch (code) {
    case FSCTL_GET_REPARSE_POINT:
        return STATUS_NOT_A_REPARSE_POINT;
    case FSCTL_IS_PATHNAME_VALID:
        return STATUS_SUCCESS;
    case FSCTL_GET_OBJECT_ID:
    case FSCTL_CREATE_OR_GET_OBJECT_ID:
        return object_id(file, output, output_length, written);
    case FSCTL_QUERY_ALLOCATED_RANGES:
        return allocated_ranges(file, input, input_length, output, output_length, written);
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}
