/* Read, write, flush ([MS-FSA] 2.1.5.2, 2.1.5.3, 2.1.5.6): rights of the
 * open, mandatory byte-range locks, the file position for calls without an
 * offset, append-only opens, and streams (read and rewritten whole, they are
 * small by construction). */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

/* Special write offsets ([MS-FSA] 2.1.5.3). */
#define FILE_WRITE_TO_END_OF_FILE 0xFFFFFFFFFFFFFFFFull
#define FILE_USE_FILE_POINTER_POSITION 0xFFFFFFFFFFFFFFFEull

static uint64_t take_offset(struct pvfs_file *file, const uint64_t *offset)
{
    if (offset && *offset != FILE_USE_FILE_POINTER_POSITION)
        return *offset;
    pthread_mutex_lock(&file->lock);
    uint64_t pos = file->position;
    pthread_mutex_unlock(&file->lock);
    return pos;
}

static void set_position(struct pvfs_file *file, uint64_t pos)
{
    pthread_mutex_lock(&file->lock);
    file->position = pos;
    pthread_mutex_unlock(&file->lock);
}

NTSTATUS pvfs_read(struct pvfs_file *file, void *buffer, uint32_t length, const uint64_t *offset,
                   uint32_t key, uint32_t *bytes_read)
{
    *bytes_read = 0;
    if (file->is_directory && !pvfs_file_stream(file))
        return STATUS_INVALID_DEVICE_REQUEST;
    /* SMB clients read executables they may only execute (smbd allows it too). */
    if (!(file->granted_access & (FILE_READ_DATA | FILE_EXECUTE)))
        return STATUS_ACCESS_DENIED;
    uint64_t off = take_offset(file, offset);
    if (off > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = pvfs_lock_check_io(file, off, length, key, false);
    if (status != STATUS_SUCCESS)
        return status;
    uint8_t *out = buffer;
    size_t got = 0;
    if (pvfs_file_stream(file)) {
        uint8_t *data;
        size_t size;
        status = pvfs_stream_read_all(file->fd, pvfs_file_stream(file), &data, &size);
        if (status != STATUS_SUCCESS)
            return status;
        if (off < size) {
            got = size - (size_t)off < length ? size - (size_t)off : length;
            memcpy(out, data + off, got);
        }
        free(data);
    } else {
        while (got < length) {
            ssize_t n = pread(file->fd, out + got, length - got, (off_t)(off + got));
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return nt_status_from_errno(errno);
            }
            if (n == 0)
                break;
            got += (size_t)n;
        }
    }
    if (got == 0 && length > 0)
        return STATUS_END_OF_FILE;
    *bytes_read = (uint32_t)got;
    set_position(file, off + got);
    return STATUS_SUCCESS;
}

static NTSTATUS stream_write(struct pvfs_file *file, const uint8_t *data, uint32_t length,
                             uint64_t off, bool at_end, uint64_t *written_at)
{
    struct pvfs_volume *volume = file->volume;
    uint8_t *old = NULL;
    size_t size = 0;
    NTSTATUS status;
    /* Read-modify-write under the volume lock: two writers to one stream
     * must not lose each other's bytes. */
    pthread_mutex_lock(&volume->lock);
    status = pvfs_stream_read_all(file->fd, pvfs_file_stream(file), &old, &size);
    if (status != STATUS_SUCCESS)
        goto out;
    if (at_end)
        off = size;
    if (off >= PVFS_XATTR_MAX || length >= PVFS_XATTR_MAX - off) {
        log_warning("pvfs: stream %s: writing past %u bytes, more than a stream can hold",
                    pvfs_file_stream(file), PVFS_XATTR_MAX - 1);
        status = STATUS_FILE_SYSTEM_LIMITATION;
        goto out;
    }
    size_t end = (size_t)off + length;
    size_t new_size = end > size ? end : size;
    uint8_t *grown = realloc(old, new_size ? new_size : 1);
    if (!grown) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    old = grown;
    if (off > size)
        memset(old + size, 0, (size_t)off - size);
    memcpy(old + off, data, length);
    status = pvfs_stream_write_all(file->fd, pvfs_file_stream(file), old, new_size);
    *written_at = off;
out:
    pthread_mutex_unlock(&volume->lock);
    free(old);
    return status;
}

NTSTATUS pvfs_write(struct pvfs_file *file, const void *buffer, uint32_t length,
                    const uint64_t *offset, uint32_t key, uint32_t *bytes_written)
{
    *bytes_written = 0;
    if (file->is_directory && !pvfs_file_stream(file))
        return STATUS_INVALID_DEVICE_REQUEST;
    uint32_t g = file->granted_access;
    if (!(g & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
        return STATUS_ACCESS_DENIED;
    pvfs_oplock_break_level2(file); /* [MS-FSA] 2.1.5.3: a write breaks level II */
    /* An append-only open writes at the end, whatever offset it names. */
    bool at_end = (offset && *offset == FILE_WRITE_TO_END_OF_FILE) ||
                  !(g & FILE_WRITE_DATA);
    uint64_t off = at_end ? 0 : take_offset(file, offset);
    NTSTATUS status;
    if (pvfs_file_stream(file)) {
        uint64_t at = off;
        if (!at_end) {
            status = pvfs_lock_check_io(file, off, length, key, true);
            if (status != STATUS_SUCCESS)
                return status;
        }
        status = stream_write(file, buffer, length, off, at_end, &at);
        if (status == STATUS_SUCCESS) {
            *bytes_written = length;
            set_position(file, at + length);
        }
        return status;
    }
    if (at_end) {
        struct stat st;
        if (fstat(file->fd, &st) != 0)
            return nt_status_from_errno(errno);
        off = (uint64_t)st.st_size;
    }
    if (off > (uint64_t)INT64_MAX || length > (uint64_t)INT64_MAX - off)
        return STATUS_INVALID_PARAMETER;
    status = pvfs_lock_check_io(file, off, length, key, true);
    if (status != STATUS_SUCCESS)
        return status;
    const uint8_t *in = buffer;
    size_t done = 0;
    while (done < length) {
        ssize_t n = pwrite(file->fd, in + done, length - done, (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return nt_status_from_errno(errno);
        }
        done += (size_t)n;
    }
    *bytes_written = (uint32_t)done;
    set_position(file, off + done);
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_flush(struct pvfs_file *file)
{
    if (!file->is_directory && !(file->granted_access & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
        return STATUS_ACCESS_DENIED;
    if (fsync(file->fd) != 0 && errno != EINVAL)
        return nt_status_from_errno(errno);
    return STATUS_SUCCESS;
}
