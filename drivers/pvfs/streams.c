/* Alternate data streams in xattrs, as Samba's vfs_streams_xattr keeps them:
 * "file:name:$DATA" is the xattr user.DosStream.name:$DATA holding the
 * stream's bytes plus one trailing 0 byte (an xattr cannot be empty).
 *
 * A stream is read and rewritten whole, so it is bounded by what one xattr
 * value holds (64 KiB on Linux; ext4 without ea_inode: about one block). A
 * write past that fails with STATUS_FILE_SYSTEM_LIMITATION rather than with a
 * misleading "disk full". Newer Samba spreads large streams over several
 * xattrs and marks that with a non-zero trailing byte: such streams are
 * refused, never misread. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include "drivers/pvfs/samba_xattr.h"
#include "lib/log.h"
#include "lib/utf16.h"

#define PREFIX_LEN (sizeof XATTR_DOSSTREAM_PREFIX - 1)
#define SUFFIX_LEN (sizeof XATTR_DOSSTREAM_SUFFIX - 1)

/* The stream name inside an xattr name, or NULL if it is not a stream. */
static const char *stream_of(const char *xname, size_t *len)
{
    size_t n = strlen(xname);
    if (n <= PREFIX_LEN + SUFFIX_LEN || memcmp(xname, XATTR_DOSSTREAM_PREFIX, PREFIX_LEN) != 0 ||
        memcmp(xname + n - SUFFIX_LEN, XATTR_DOSSTREAM_SUFFIX, SUFFIX_LEN) != 0)
        return NULL;
    *len = n - PREFIX_LEN - SUFFIX_LEN;
    return xname + PREFIX_LEN;
}

NTSTATUS pvfs_stream_find(int fd, const char *name, char **stored)
{
    char *names;
    size_t size;
    *stored = NULL;
    NTSTATUS status = pvfs_xattr_names(fd, &names, &size);
    if (status != STATUS_SUCCESS)
        return status;
    status = STATUS_OBJECT_NAME_NOT_FOUND;
    for (size_t off = 0; off < size;) {
        const char *x = names + off;
        size_t xl = strnlen(x, size - off);
        off += xl + 1;
        size_t sl;
        const char *s = stream_of(x, &sl);
        if (!s)
            continue;
        char *candidate = strndup(s, sl);
        if (!candidate) {
            status = STATUS_NO_MEMORY;
            break;
        }
        if (utf8_casecmp(candidate, name) == 0) {
            *stored = candidate;
            status = STATUS_SUCCESS;
            break;
        }
        free(candidate);
    }
    free(names);
    return status;
}

NTSTATUS pvfs_stream_create(int fd, const char *name)
{
    char *x = pvfs_stream_xattr_name(name);
    if (!x)
        return STATUS_NO_MEMORY;
    uint8_t marker = 0;
    NTSTATUS status = STATUS_SUCCESS;
    if (pvfs_private_xattr_set(fd, x, &marker, 1, XATTR_CREATE) != 0)
        status = errno == EEXIST ? STATUS_OBJECT_NAME_COLLISION : nt_status_from_errno(errno);
    free(x);
    return status;
}

NTSTATUS pvfs_stream_read_all(int fd, const char *stored, uint8_t **data, size_t *size)
{
    *data = NULL;
    *size = 0;
    char *x = pvfs_stream_xattr_name(stored);
    if (!x)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    uint8_t *value = NULL;
    for (int attempt = 0; attempt < 4; attempt++) {
        ssize_t n = fgetxattr(fd, x, NULL, 0);
        if (n < 0) {
            status = errno == ENODATA ? STATUS_OBJECT_NAME_NOT_FOUND : nt_status_from_errno(errno);
            break;
        }
        value = malloc(n ? (size_t)n : 1);
        if (!value) {
            status = STATUS_NO_MEMORY;
            break;
        }
        ssize_t got = fgetxattr(fd, x, value, (size_t)n);
        if (got >= 0) {
            if (got == 0 || value[got - 1] != 0) {
                log_warning("pvfs: stream %s is empty or spread over several xattrs "
                            "(a newer Samba's format): not supported", stored);
                status = STATUS_FILE_SYSTEM_LIMITATION;
            } else {
                *data = value;
                *size = (size_t)got - 1;
                value = NULL;
            }
            break;
        }
        free(value);
        value = NULL;
        if (errno != ERANGE) {
            status = nt_status_from_errno(errno);
            break;
        }
        status = STATUS_UNSUCCESSFUL;
    }
    free(value);
    free(x);
    return status;
}

NTSTATUS pvfs_stream_write_all(int fd, const char *stored, const uint8_t *data, size_t size)
{
    if (size >= PVFS_XATTR_MAX) {
        log_warning("pvfs: stream %s: %zu bytes exceed the %u a stream can hold", stored, size,
                    PVFS_XATTR_MAX - 1);
        return STATUS_FILE_SYSTEM_LIMITATION;
    }
    char *x = pvfs_stream_xattr_name(stored);
    uint8_t *value = malloc(size + 1);
    NTSTATUS status = STATUS_SUCCESS;
    if (!x || !value) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    if (size)
        memcpy(value, data, size);
    value[size] = 0;
    if (pvfs_private_xattr_set(fd, x, value, size + 1, 0) != 0) {
        if (errno == ENOSPC || errno == E2BIG) {
            log_warning("pvfs: stream %s: %zu bytes exceed what this file system stores in one "
                        "xattr", stored, size);
            status = STATUS_FILE_SYSTEM_LIMITATION;
        } else {
            status = nt_status_from_errno(errno);
        }
    }
out:
    free(x);
    free(value);
    return status;
}

NTSTATUS pvfs_stream_remove(int fd, const char *stored)
{
    char *x = pvfs_stream_xattr_name(stored);
    if (!x)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    if (fremovexattr(fd, x) != 0 && errno != ENODATA)
        status = nt_status_from_errno(errno);
    free(x);
    return status;
}

void pvfs_stream_list_free(struct pvfs_stream_info *streams, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(streams[i].name);
    free(streams);
}

NTSTATUS pvfs_stream_list(int fd, struct pvfs_stream_info **streams, size_t *count)
{
    char *names;
    size_t size;
    *streams = NULL;
    *count = 0;
    NTSTATUS status = pvfs_xattr_names(fd, &names, &size);
    if (status != STATUS_SUCCESS)
        return status;
    struct pvfs_stream_info *list = NULL;
    size_t n = 0;
    for (size_t off = 0; off < size;) {
        const char *x = names + off;
        size_t xl = strnlen(x, size - off);
        off += xl + 1;
        size_t sl;
        const char *s = stream_of(x, &sl);
        if (!s)
            continue;
        ssize_t vl = fgetxattr(fd, x, NULL, 0);
        if (vl < 1)
            continue; /* removed meanwhile, or not ours */
        struct pvfs_stream_info *grown = realloc(list, (n + 1) * sizeof *list);
        if (!grown) {
            status = STATUS_NO_MEMORY;
            break;
        }
        list = grown;
        list[n].name = strndup(s, sl);
        list[n].size = (uint64_t)vl - 1;
        if (!list[n].name) {
            status = STATUS_NO_MEMORY;
            break;
        }
        n++;
    }
    free(names);
    if (status != STATUS_SUCCESS) {
        pvfs_stream_list_free(list, n);
        return status;
    }
    *streams = list;
    *count = n;
    return STATUS_SUCCESS;
}
