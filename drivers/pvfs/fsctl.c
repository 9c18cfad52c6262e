/* The file system controls a Windows client sends to ordinary files
 * ([MS-FSCC] 2.3) that have an honest answer here; the rest are
 * STATUS_INVALID_DEVICE_REQUEST (no reparse points on this file system).
 *
 * Sparse files ([MS-FSA] 2.1.1.5 IsSparse): the sparse state is
 * FILE_ATTRIBUTE_SPARSE_FILE in user.DOSATTRIB, as smbd keeps it. The
 * holes themselves are the POSIX file's: FSCTL_SET_ZERO_DATA punches them
 * (fallocate) in a sparse file, FSCTL_QUERY_ALLOCATED_RANGES finds the data
 * between them with lseek SEEK_DATA/SEEK_HOLE. A file that is not sparse
 * is allocated up to its end: clearing the flag allocates its holes. Named
 * streams live in xattrs and are never sparse. */
#include "drivers/pvfs/pvfs_private.h"
#include "drivers/pvfs/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Is the file (its default stream) marked sparse? */
static NTSTATUS is_sparse(struct pvfs_file *file, struct pvfs_stat *st, bool *sparse)
{
    NTSTATUS status = pvfs_stat_fd(file->fd, NULL, st);
    *sparse = status == STATUS_SUCCESS && (st->attributes & FILE_ATTRIBUTE_SPARSE_FILE);
    return status;
}

/* Allocates the holes of a file that stops being sparse ([MS-FSA]: "fully
 * allocate" each unallocated extent, STATUS_DISK_FULL if that fails), so
 * that its allocation is what QUERY_ALLOCATED_RANGES then reports. An open
 * without write data has a read-only fd: the allocation goes through a
 * write open of the same inode. A file system that cannot preallocate
 * keeps its holes (they read as zeros all the same). */
static NTSTATUS fill_holes(struct pvfs_file *file, uint64_t size)
{
    if (size == 0)
        return STATUS_SUCCESS;
    int fd = file->fd;
    if (!file->writable_fd) {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", file->fd);
        fd = open(link, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            return nt_status_from_errno(errno);
    }
    NTSTATUS status = STATUS_SUCCESS;
    if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)size) != 0 && errno != EOPNOTSUPP)
        status = nt_status_from_errno(errno);
    if (fd != file->fd)
        close(fd);
    return status;
}

/* FSCTL_SET_SPARSE ([MS-FSCC] 2.3.64, [MS-FSA] 2.1.5.9.36). The 1-byte
 * FILE_SET_SPARSE_BUFFER is optional (none: set) and may come with trailing
 * bytes, which Windows ignores. Any of write data, append data or write
 * attributes allows it. */
static NTSTATUS set_sparse(struct pvfs_file *file, const void *input, uint32_t input_length)
{
    if (!(file->granted_access & (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES)))
        return STATUS_ACCESS_DENIED;
    if (file->is_directory)
        return STATUS_INVALID_PARAMETER;
    bool want;
    pvfs_sparse_input_decode(input, input_length, &want);
    /* A stream's sparse state is its own on NTFS; ours live in xattrs, have
     * no holes, and take the request as done (as smbd does). */
    if (pvfs_file_stream(file))
        return STATUS_SUCCESS;
    struct pvfs_stat st;
    bool sparse;
    NTSTATUS status = is_sparse(file, &st, &sparse);
    if (status != STATUS_SUCCESS || sparse == want)
        return status;
    if (!want) {
        status = fill_holes(file, (uint64_t)st.st.st_size);
        if (status != STATUS_SUCCESS)
            return status;
    }
    uint32_t keep = st.stored_attributes ? st.stored_attributes
                                         : st.attributes & PVFS_SETTABLE_ATTRIBUTES;
    keep &= ~FILE_ATTRIBUTE_SPARSE_FILE;
    return pvfs_dosattrib_store(file->fd, false, keep | (want ? FILE_ATTRIBUTE_SPARSE_FILE : 0),
                                st.creation_time);
}

/* Zeroes [offset, end) of a named stream (read, change, write back). */
static NTSTATUS zero_stream(struct pvfs_file *file, uint64_t offset, uint64_t end)
{
    uint8_t *data = NULL;
    size_t size = 0;
    const char *stream = pvfs_file_stream(file);
    NTSTATUS status = pvfs_stream_read_all(file->fd, stream, &data, &size);
    if (status == STATUS_SUCCESS && offset < size) {
        if (end > size)
            end = size;
        memset(data + offset, 0, (size_t)(end - offset));
        status = pvfs_stream_write_all(file->fd, stream, data, size);
    }
    free(data);
    return status;
}

/* Writes zeros over [offset, end): for a file system without fallocate's
 * zeroing modes. */
static NTSTATUS write_zeros(int fd, uint64_t offset, uint64_t end)
{
    static const uint8_t zeros[65536];
    while (offset < end) {
        size_t n = end - offset < sizeof zeros ? (size_t)(end - offset) : sizeof zeros;
        ssize_t w = pwrite(fd, zeros, n, (off_t)offset);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return w < 0 ? nt_status_from_errno(errno) : STATUS_DISK_FULL;
        offset += (uint64_t)w;
    }
    return STATUS_SUCCESS;
}

/* FSCTL_SET_ZERO_DATA ([MS-FSCC] 2.3.67, [MS-FSA] 2.1.5.9.39):
 * FILE_ZERO_DATA_INFORMATION is FileOffset and BeyondFinalZero. The range
 * is zeroed without changing the file's size (the part past the end of
 * file is ignored); in a sparse file it becomes a hole, in another one it
 * stays allocated. A byte-range lock of another open over the range makes
 * it STATUS_FILE_LOCK_CONFLICT, as a write would. */
static NTSTATUS zero_data(struct pvfs_file *file, const void *input, uint32_t input_length)
{
    uint64_t offset, beyond;
    NTSTATUS status = pvfs_zero_data_input_decode(input, input_length, &offset, &beyond);
    if (status != STATUS_SUCCESS)
        return status;
    if (!(file->granted_access & FILE_WRITE_DATA))
        return STATUS_ACCESS_DENIED;
    if (file->is_directory && !pvfs_file_stream(file))
        return STATUS_INVALID_PARAMETER;
    if (offset == beyond)
        return STATUS_SUCCESS;
    status = pvfs_lock_check_io(file, offset, beyond - offset, 0, true);
    if (status != STATUS_SUCCESS)
        return status;
    if (pvfs_file_stream(file))
        return zero_stream(file, offset, beyond);
    struct pvfs_stat st;
    bool sparse;
    status = is_sparse(file, &st, &sparse);
    if (status != STATUS_SUCCESS)
        return status;
    uint64_t size = (uint64_t)st.st.st_size;
    uint64_t end = beyond < size ? beyond : size;
    if (offset >= end)
        return STATUS_SUCCESS;
    int mode = FALLOC_FL_KEEP_SIZE | (sparse ? FALLOC_FL_PUNCH_HOLE : FALLOC_FL_ZERO_RANGE);
    if (fallocate(file->fd, mode, (off_t)offset, (off_t)(end - offset)) == 0)
        return STATUS_SUCCESS;
    if (errno != EOPNOTSUPP)
        return nt_status_from_errno(errno);
    return write_zeros(file->fd, offset, end);
}

/* Appends one FILE_ALLOCATED_RANGE_BUFFER, or says the output is full. */
static NTSTATUS put_range(void *output, uint32_t output_length, uint32_t *written,
                          uint64_t offset, uint64_t length)
{
    if (output_length - *written < 16)
        return STATUS_BUFFER_OVERFLOW;
    uint8_t *out = (uint8_t *)output + *written;
    le64_store(out, offset);
    le64_store(out + 8, length);
    *written += 16;
    return STATUS_SUCCESS;
}

/* The data ranges of a sparse file within [offset, end), end <= EOF. */
static NTSTATUS data_ranges(int fd, uint64_t offset, uint64_t end, void *output,
                            uint32_t output_length, uint32_t *written)
{
    uint64_t at = offset;
    while (at < end) {
        off_t data = lseek(fd, (off_t)at, SEEK_DATA);
        if (data < 0)
            return errno == ENXIO ? STATUS_SUCCESS : nt_status_from_errno(errno);
        if ((uint64_t)data >= end)
            break;
        off_t hole = lseek(fd, data, SEEK_HOLE);
        if (hole < 0)
            return nt_status_from_errno(errno);
        if (hole <= data)
            return STATUS_INTERNAL_ERROR;
        uint64_t stop = (uint64_t)hole < end ? (uint64_t)hole : end;
        NTSTATUS status = put_range(output, output_length, written, (uint64_t)data,
                                    stop - (uint64_t)data);
        if (status != STATUS_SUCCESS)
            return status;
        at = (uint64_t)hole;
    }
    return STATUS_SUCCESS;
}

/* FSCTL_QUERY_ALLOCATED_RANGES ([MS-FSCC] 2.3.51, [MS-FSA] 2.1.5.9.22):
 * the allocated ranges within FileOffset/Length, clipped to the end of
 * file. No room for a single range: STATUS_BUFFER_TOO_SMALL (unless there
 * is nothing to report); room for only some: those, and
 * STATUS_BUFFER_OVERFLOW. Byte-range locks do not matter (as on Windows). */
static NTSTATUS allocated_ranges(struct pvfs_file *file, const void *input, uint32_t input_length,
                                 void *output, uint32_t output_length, uint32_t *written)
{
    uint64_t offset, length;
    NTSTATUS status = pvfs_range_input_decode(input, input_length, &offset, &length);
    if (status != STATUS_SUCCESS)
        return status;
    if (!(file->granted_access & FILE_READ_DATA))
        return STATUS_ACCESS_DENIED;
    if (file->is_directory || pvfs_file_stream(file))
        return STATUS_INVALID_PARAMETER;
    struct pvfs_stat st;
    bool sparse;
    status = is_sparse(file, &st, &sparse);
    if (status != STATUS_SUCCESS)
        return status;
    uint64_t size = (uint64_t)st.st.st_size;
    if (offset >= size || length == 0)
        return STATUS_SUCCESS;
    uint64_t end = offset + length < size ? offset + length : size;
    if (output_length < 16)
        return STATUS_BUFFER_TOO_SMALL;
    if (!sparse)
        return put_range(output, output_length, written, offset, end - offset);
    return data_ranges(file->fd, offset, end, output, output_length, written);
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
    case FSCTL_SET_SPARSE:
        return set_sparse(file, input, input_length);
    case FSCTL_SET_ZERO_DATA:
        return zero_data(file, input, input_length);
    case FSCTL_QUERY_ALLOCATED_RANGES:
        return allocated_ranges(file, input, input_length, output, output_length, written);
    default:
        return STATUS_INVALID_DEVICE_REQUEST;
    }
}
