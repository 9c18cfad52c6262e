/* Query information ([MS-FSCC] 2.4, [MS-FSA] 2.1.5.11): the file classes
 * SMB2 carries, built with the buffer writer and cut to the caller's
 * length by one rule (pvfs_return_info). */
#include "drivers/pvfs/pvfs_private.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"

long pvfs_put_utf16(struct buf *b, const char *utf8)
{
    uint8_t *u;
    size_t n;
    if (utf8_to_utf16le(utf8, strlen(utf8), &u, &n) != STATUS_SUCCESS)
        return -1;
    wr_bytes(b, u, n);
    free(u);
    return (long)n;
}

NTSTATUS pvfs_return_info(const struct buf *b, size_t fixed, void *buffer, uint32_t length,
                          uint32_t *written)
{
    *written = 0;
    if (!wr_ok(b))
        return STATUS_NO_MEMORY;
    if (length < fixed)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (b->len <= length) {
        if (b->len) /* an empty answer (a directory's streams) has no data at all */
            memcpy(buffer, b->data, b->len);
        *written = (uint32_t)b->len;
        return STATUS_SUCCESS;
    }
    memcpy(buffer, b->data, length);
    *written = length;
    return STATUS_BUFFER_OVERFLOW;
}

/* Size, allocation and link data of the open's stream. */
struct stream_view {
    struct pvfs_stat st;
    uint64_t end_of_file;
    uint64_t allocation_size;
    uint32_t links;
    bool delete_pending;
};

static NTSTATUS view(struct pvfs_file *file, struct stream_view *v)
{
    NTSTATUS status = pvfs_stat_fd(file->fd, pvfs_path_basename(pvfs_file_path(file)), &v->st);
    if (status != STATUS_SUCCESS)
        return status;
    if (pvfs_file_stream(file)) {
        uint8_t *data;
        size_t size;
        status = pvfs_stream_read_all(file->fd, pvfs_file_stream(file), &data, &size);
        if (status != STATUS_SUCCESS)
            return status;
        free(data);
        v->end_of_file = size;
        v->allocation_size = (size + 4095) & ~(uint64_t)4095;
        v->st.attributes &= ~(uint32_t)FILE_ATTRIBUTE_DIRECTORY;
        if (v->st.attributes == 0)
            v->st.attributes = FILE_ATTRIBUTE_NORMAL;
    } else if (file->is_directory) {
        v->end_of_file = 0;
        v->allocation_size = 0;
    } else {
        v->end_of_file = (uint64_t)v->st.st.st_size;
        v->allocation_size = v->st.allocation_size;
        if (file->allocation_size > v->allocation_size)
            v->allocation_size = file->allocation_size;
    }
    pthread_mutex_lock(&file->volume->lock);
    const struct pvfs_node *node = file->node;
    v->delete_pending = node->delete_pending || (node->base && node->base->delete_pending);
    pthread_mutex_unlock(&file->volume->lock);
    v->links = (uint32_t)v->st.st.st_nlink;
    /* NTFS counts a link whose delete is pending as gone already. */
    if (v->delete_pending && v->links > 0)
        v->links--;
    return STATUS_SUCCESS;
}

static void put_basic(struct buf *b, const struct stream_view *v)
{
    wr_u64(b, v->st.creation_time);
    wr_u64(b, v->st.last_access_time);
    wr_u64(b, v->st.last_write_time);
    wr_u64(b, v->st.change_time);
    wr_u32(b, v->st.attributes);
    wr_u32(b, 0);
}

static void put_standard(struct buf *b, const struct pvfs_file *file, const struct stream_view *v)
{
    wr_u64(b, v->allocation_size);
    wr_u64(b, v->end_of_file);
    wr_u32(b, v->links);
    wr_u8(b, v->delete_pending);
    wr_u8(b, file->is_directory && !pvfs_file_stream(file));
    wr_u16(b, 0);
}

static uint64_t current_position(struct pvfs_file *file)
{
    pthread_mutex_lock(&file->lock);
    uint64_t pos = file->position;
    pthread_mutex_unlock(&file->lock);
    return pos;
}

/* FileNameInformation's body: length and UTF-16 name (relative to the
 * open's confinement directory, with a leading backslash). */
/* relative: FileNormalizedNameInformation's form, the path below the share
 * without a leading backslash (so the share's root is the empty name), as
 * Windows answers it (smb2.getinfo.normalized). */
static NTSTATUS put_name(struct buf *b, const struct pvfs_file *file, bool with_stream,
                         bool relative)
{
    char *name = pvfs_nt_name(pvfs_file_path(file), file->beneath, with_stream ? pvfs_file_stream(file) : NULL);
    if (!name)
        return STATUS_NO_MEMORY;
    size_t at = wr_reserve(b, 4);
    long n = pvfs_put_utf16(b, relative ? name + 1 : name);
    free(name);
    if (n < 0)
        return STATUS_OBJECT_NAME_INVALID;
    wr_put_u32_at(b, at, (uint32_t)n);
    return STATUS_SUCCESS;
}

static NTSTATUS put_streams(struct buf *b, struct pvfs_file *file, const struct stream_view *v)
{
    struct pvfs_stream_info *streams;
    size_t count;
    NTSTATUS status = pvfs_stream_list(file->fd, &streams, &count);
    if (status != STATUS_SUCCESS)
        return status;
    size_t prev = SIZE_MAX;
    bool is_dir = file->is_directory;
    for (size_t i = 0; i <= count; i++) {
        const char *name;
        uint64_t size;
        char *owned = NULL;
        if (i == 0) {
            if (is_dir)
                continue; /* a directory has no unnamed data stream */
            name = "::$DATA";
            size = is_dir ? 0 : (uint64_t)v->st.st.st_size;
        } else {
            size_t l = strlen(streams[i - 1].name);
            owned = malloc(l + 8);
            if (!owned) {
                status = STATUS_NO_MEMORY;
                break;
            }
            owned[0] = ':';
            memcpy(owned + 1, streams[i - 1].name, l);
            memcpy(owned + 1 + l, ":$DATA", 7);
            name = owned;
            size = streams[i - 1].size;
        }
        wr_align(b, 8);
        size_t at = b->len;
        if (prev != SIZE_MAX)
            wr_put_u32_at(b, prev, (uint32_t)(at - prev));
        wr_u32(b, 0);
        size_t len_at = wr_reserve(b, 4);
        wr_u64(b, size);
        wr_u64(b, (size + 4095) & ~(uint64_t)4095);
        long n = pvfs_put_utf16(b, name);
        free(owned);
        if (n < 0) {
            status = STATUS_OBJECT_NAME_INVALID;
            break;
        }
        wr_put_u32_at(b, len_at, (uint32_t)n);
        prev = at;
    }
    pvfs_stream_list_free(streams, count);
    return status;
}

/* Rights a class needs ([MS-SMB2] 3.3.5.20.1; Compression needs none, as
 * smb2.getinfo.getinfo_access finds on Windows). */
static uint32_t rights_for(uint32_t info_class)
{
    switch (info_class) {
    case FileBasicInformation:
    case FileAllInformation:
    case FileNetworkOpenInformation:
    case FileAttributeTagInformation:
        return FILE_READ_ATTRIBUTES;
    case FileEaInformation:
        return 0;
    case FileFullEaInformation:
        return FILE_READ_EA;
    default:
        return 0;
    }
}

NTSTATUS pvfs_query_information(struct pvfs_file *file, uint32_t info_class, void *buffer,
                                uint32_t length, uint32_t *written)
{
    *written = 0;
    uint32_t need = rights_for(info_class);
    if ((file->granted_access & need) != need)
        return STATUS_ACCESS_DENIED;
    if (info_class == FileFullEaInformation) /* a scan on from the open's place */
        return pvfs_query_ea(file, buffer, length, false, NULL, 0, NULL, false, written);
    struct stream_view v;
    NTSTATUS status = view(file, &v);
    if (status != STATUS_SUCCESS)
        return status;
    struct buf b;
    buf_init(&b);
    size_t fixed = 0;
    switch (info_class) {
    case FileBasicInformation:
        put_basic(&b, &v);
        fixed = 40;
        break;
    case FileStandardInformation:
        put_standard(&b, file, &v);
        fixed = 24;
        break;
    case FileInternalInformation:
        wr_u64(&b, (uint64_t)v.st.st.st_ino);
        fixed = 8;
        break;
    case FileEaInformation:
        wr_u32(&b, pvfs_ea_size(file->fd));
        fixed = 4;
        break;
    case FileAccessInformation:
        wr_u32(&b, file->granted_access);
        fixed = 4;
        break;
    case FileNameInformation:
    case FileNormalizedNameInformation:
        status = put_name(&b, file, true, info_class == FileNormalizedNameInformation);
        fixed = 4;
        break;
    case FilePositionInformation:
        wr_u64(&b, current_position(file));
        fixed = 8;
        break;
    case FileModeInformation:
        wr_u32(&b, file->mode);
        fixed = 4;
        break;
    case FileAlignmentInformation:
        wr_u32(&b, 0); /* FILE_BYTE_ALIGNMENT */
        fixed = 4;
        break;
    case FileAllInformation:
        put_basic(&b, &v);
        put_standard(&b, file, &v);
        wr_u64(&b, (uint64_t)v.st.st.st_ino);
        wr_u32(&b, pvfs_ea_size(file->fd));
        wr_u32(&b, file->granted_access);
        wr_u64(&b, current_position(file));
        wr_u32(&b, file->mode);
        wr_u32(&b, 0);
        status = put_name(&b, file, true, false);
        /* Windows' minimum: the structure with one name character, padded
         * to its 8-byte alignment (smb2.getinfo.qfile_buffercheck). */
        fixed = 104;
        break;
    case FileAlternateNameInformation: {
        const char *base = pvfs_path_basename(pvfs_file_path(file));
        /* [MS-FSA] 2.1.5.11.2: the link's short name, or
         * STATUS_OBJECT_NAME_NOT_FOUND when it has none. A valid 8.3 name
         * is its own, as spelled (smbd answers the same); the root has no
         * name at all. */
        char short_name[PVFS_SHORT_NAME_SIZE];
        const char *alt = NULL;
        if (!pvfs_file_stream(file) && *pvfs_file_path(file)) {
            if (pvfs_name_is_8dot3(base))
                alt = base;
            else if (file->short_names && pvfs_short_name(base, short_name))
                alt = short_name;
        }
        if (!alt) {
            status = STATUS_OBJECT_NAME_NOT_FOUND;
            break;
        }
        size_t at = wr_reserve(&b, 4);
        long n = pvfs_put_utf16(&b, alt);
        wr_put_u32_at(&b, at, (uint32_t)(n < 0 ? 0 : n));
        fixed = 8; /* sizeof(FILE_NAME_INFORMATION): one character, aligned */
        break;
    }
    case FileStreamInformation:
        status = put_streams(&b, file, &v);
        fixed = 32; /* one entry with one name character, aligned (as Windows) */
        break;
    case FileCompressionInformation:
        wr_u64(&b, v.end_of_file);
        wr_u16(&b, 0); /* COMPRESSION_FORMAT_NONE */
        wr_u8(&b, 0);
        wr_u8(&b, 0);
        wr_u8(&b, 0);
        wr_zeros(&b, 3);
        fixed = 16;
        break;
    case FileNetworkOpenInformation:
        wr_u64(&b, v.st.creation_time);
        wr_u64(&b, v.st.last_access_time);
        wr_u64(&b, v.st.last_write_time);
        wr_u64(&b, v.st.change_time);
        wr_u64(&b, v.allocation_size);
        wr_u64(&b, v.end_of_file);
        wr_u32(&b, v.st.attributes);
        wr_u32(&b, 0);
        fixed = 56;
        break;
    case FileAttributeTagInformation:
        wr_u32(&b, v.st.attributes);
        wr_u32(&b, 0); /* no reparse tag */
        fixed = 8;
        break;
    case FileIdInformation:
        wr_u64(&b, file->volume->serial);
        wr_u64(&b, (uint64_t)v.st.st.st_ino);
        wr_u64(&b, 0);
        fixed = 24;
        break;
    default:
        status = STATUS_INVALID_INFO_CLASS;
        break;
    }
    if (status == STATUS_SUCCESS)
        status = pvfs_return_info(&b, fixed, buffer, length, written);
    buf_free(&b);
    return status;
}
