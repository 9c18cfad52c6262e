/* Directory enumeration ([MS-FSA] 2.1.5.6.3): FileDirectory, FullDirectory,
 * BothDirectory, IdBothDirectory, IdFullDirectory and Names information,
 * with the wildcards of wildcard.c, restart and single-entry.
 *
 * The first query after an open (or a restart) reads the directory's names
 * once and keeps those that match, "." and ".." first as Windows lists
 * them; later queries continue through that list, so an enumeration is
 * stable while files come and go (an entry gone by the time it is reached
 * is skipped). Each entry is looked at when it is returned, through an
 * O_PATH open: a symlink that leads outside the open's confinement, a name
 * NT cannot express, and anything but files and directories are left out.
 *
 * With 8.3 names on (file->short_names), a pattern matches an entry by its
 * long or its short name, as Windows and smbd match ("*.TXT" lists
 * "notes.txt1", whose short name ends in .TXT), and the Both classes carry
 * the short name of every entry that has one (short_name.c). */
#include "drivers/pvfs/pvfs_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void pvfs_dir_cursor_free(struct pvfs_dir_cursor *dir)
{
    for (size_t i = 0; i < dir->count; i++)
        free(dir->entries[i].name);
    free(dir->entries);
    free(dir->pattern);
    memset(dir, 0, sizeof *dir);
}

static NTSTATUS add_entry(struct pvfs_dir_cursor *dir, size_t *cap, const char *name,
                          unsigned char d_type)
{
    if (dir->count == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        struct pvfs_dir_entry *grown = realloc(dir->entries, n * sizeof *grown);
        if (!grown)
            return STATUS_NO_MEMORY;
        dir->entries = grown;
        *cap = n;
    }
    char *copy = strdup(name);
    if (!copy)
        return STATUS_NO_MEMORY;
    dir->entries[dir->count].name = copy;
    dir->entries[dir->count].d_type = d_type;
    dir->count++;
    return STATUS_SUCCESS;
}

static bool entry_matches(const struct pvfs_file *file, const char *pattern, const char *name)
{
    if (pvfs_name_matches(pattern, name))
        return true;
    char short_name[PVFS_SHORT_NAME_SIZE];
    return file->short_names && pvfs_short_name(name, short_name) &&
           pvfs_name_matches(pattern, short_name);
}

static NTSTATUS load(struct pvfs_file *file, const char *pattern)
{
    struct pvfs_dir_cursor *dir = &file->dir;
    char *copy = strdup(pattern ? pattern : "*"); /* pattern may be dir->pattern */
    if (!copy)
        return STATUS_NO_MEMORY;
    pvfs_dir_cursor_free(dir);
    dir->pattern = copy;
    size_t cap = 0;
    NTSTATUS status = STATUS_SUCCESS;
    static const char *const dots[] = { ".", ".." };
    for (int i = 0; i < 2 && status == STATUS_SUCCESS; i++)
        if (pvfs_name_matches(dir->pattern, dots[i]))
            status = add_entry(dir, &cap, dots[i], DT_DIR);
    int fd = openat(file->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nt_status_from_errno(errno);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return STATUS_NO_MEMORY;
    }
    struct dirent *e;
    while (status == STATUS_SUCCESS && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        if (pvfs_name_valid(n, strlen(n)) != STATUS_SUCCESS)
            continue; /* no NT spelling: invisible, as it cannot be opened */
        if (entry_matches(file, dir->pattern, n))
            status = add_entry(dir, &cap, n, e->d_type);
    }
    closedir(d);
    dir->started = true;
    dir->matched_any = dir->count > 0;
    dir->next = 0;
    return status;
}

/* Opens (O_PATH) what an entry shows: the directory itself for "." (and for
 * ".." at the top of the confinement), else the entry, following a symlink
 * only while it stays inside. -1 if the entry is to be skipped. */
static int open_entry(struct pvfs_file *file, const struct pvfs_dir_entry *e)
{
    if (strcmp(e->name, ".") == 0)
        return openat(file->fd, ".", O_PATH | O_CLOEXEC);
    if (strcmp(e->name, "..") == 0) {
        if (!*pvfs_file_path(file) || strcmp(pvfs_file_path(file), file->beneath) == 0)
            return openat(file->fd, ".", O_PATH | O_CLOEXEC);
        return openat(file->fd, "..", O_PATH | O_CLOEXEC);
    }
    int fd = openat(file->fd, e->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        close(fd);
        fd = openat(file->fd, e->name, O_PATH | O_CLOEXEC);
        if (fd < 0)
            return -1;
        char *target = NULL;
        if (pvfs_fd_path(file->volume, fd, &target) != STATUS_SUCCESS ||
            !pvfs_path_is_beneath(target, file->beneath)) {
            free(target);
            close(fd);
            return -1;
        }
        free(target);
        if (fstat(fd, &st) != 0) {
            close(fd);
            return -1;
        }
    }
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Size of the fixed part of each class (up to FileName). */
static size_t fixed_size(uint32_t info_class)
{
    switch (info_class) {
    case FileDirectoryInformation:
        return 64;
    case FileFullDirectoryInformation:
        return 68;
    case FileBothDirectoryInformation:
        return 94;
    case FileIdBothDirectoryInformation:
        return 104;
    case FileIdFullDirectoryInformation:
        return 80;
    case FileNamesInformation:
        return 12;
    default:
        return 0;
    }
}

/* ShortNameLength, Reserved1 and the 24-byte ShortName: the generated
 * short name, none (length 0) for a name that is its own 8.3 name, as
 * NTFS and smbd list them. */
static void put_short_name(struct buf *b, bool short_names, const char *name)
{
    char short_name[PVFS_SHORT_NAME_SIZE];
    size_t len = short_names && pvfs_short_name(name, short_name) ? strlen(short_name) : 0;
    wr_u8(b, (uint8_t)(len * 2));
    wr_u8(b, 0);
    for (size_t i = 0; i < 12; i++)
        wr_u16(b, i < len ? (uint16_t)(unsigned char)short_name[i] : 0); /* ASCII only */
}

/* One entry, NextEntryOffset 0, into b (empty). */
static NTSTATUS put_entry(struct buf *b, uint32_t info_class, const char *name,
                          bool short_names, const struct pvfs_stat *st, uint32_t ea_size)
{
    bool dir = S_ISDIR(st->st.st_mode);
    uint64_t eof = dir ? 0 : (uint64_t)st->st.st_size;
    uint64_t alloc = dir ? 0 : st->allocation_size;
    wr_u32(b, 0); /* NextEntryOffset */
    wr_u32(b, 0); /* FileIndex: meaningless on this file system */
    if (info_class != FileNamesInformation) {
        wr_u64(b, st->creation_time);
        wr_u64(b, st->last_access_time);
        wr_u64(b, st->last_write_time);
        wr_u64(b, st->change_time);
        wr_u64(b, eof);
        wr_u64(b, alloc);
        wr_u32(b, st->attributes);
    }
    size_t len_at = wr_reserve(b, 4);
    switch (info_class) {
    case FileFullDirectoryInformation:
        wr_u32(b, ea_size);
        break;
    case FileIdFullDirectoryInformation:
        wr_u32(b, ea_size);
        wr_u32(b, 0); /* Reserved */
        wr_u64(b, (uint64_t)st->st.st_ino);
        break;
    case FileBothDirectoryInformation:
    case FileIdBothDirectoryInformation:
        wr_u32(b, ea_size);
        put_short_name(b, short_names, name);
        if (info_class == FileIdBothDirectoryInformation) {
            wr_u16(b, 0);
            wr_u64(b, (uint64_t)st->st.st_ino);
        }
        break;
    default:
        break;
    }
    long n = pvfs_put_utf16(b, name);
    if (n < 0)
        return STATUS_OBJECT_NAME_INVALID;
    wr_put_u32_at(b, len_at, (uint32_t)n);
    return wr_ok(b) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

NTSTATUS pvfs_query_directory(struct pvfs_file *file, uint32_t info_class, const char *pattern,
                              uint32_t flags, void *buffer, uint32_t length, uint32_t *written)
{
    *written = 0;
    if (!file->is_directory || pvfs_file_stream(file))
        return STATUS_INVALID_PARAMETER;
    size_t fixed = fixed_size(info_class);
    if (fixed == 0)
        return STATUS_INVALID_INFO_CLASS;
    if (!(file->granted_access & FILE_LIST_DIRECTORY))
        return STATUS_ACCESS_DENIED;
    if (length < fixed)
        return STATUS_INFO_LENGTH_MISMATCH;
    if (pattern && *pattern) {
        if (strlen(pattern) > 1024 || strchr(pattern, '\\') || strchr(pattern, '/'))
            return STATUS_OBJECT_NAME_INVALID;
    } else {
        pattern = NULL;
    }

    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&file->lock);
    struct pvfs_dir_cursor *dir = &file->dir;
    if (!dir->started || (flags & SL_RESTART_SCAN)) {
        /* A restart without a pattern keeps the one it had. */
        status = load(file, pattern ? pattern : dir->pattern);
        if (status != STATUS_SUCCESS)
            goto out;
    }
    uint8_t *out = buffer;
    size_t used = 0, prev = SIZE_MAX;
    bool any = false;
    struct buf e;
    buf_init(&e);
    while (dir->next < dir->count) {
        const struct pvfs_dir_entry *entry = &dir->entries[dir->next];
        int fd = open_entry(file, entry);
        if (fd < 0) {
            dir->next++;
            continue;
        }
        struct pvfs_stat st;
        NTSTATUS s = pvfs_stat_fd(fd, entry->name, &st);
        /* EaSize as FileEaInformation gives it (only the classes with one). */
        uint32_t ea_size = info_class == FileDirectoryInformation ||
                           info_class == FileNamesInformation ? 0 : pvfs_ea_size(fd);
        close(fd);
        if (s != STATUS_SUCCESS) {
            dir->next++;
            continue;
        }
        buf_reset(&e);
        status = put_entry(&e, info_class, entry->name, file->short_names, &st, ea_size);
        if (status != STATUS_SUCCESS)
            break;
        size_t at = any ? (used + 7) & ~(size_t)7 : 0;
        if (!any && e.len > length) {
            /* Not even the first entry fits: what fits of it, and it counts
             * as returned ([MS-FSA] 2.1.5.6.3). */
            memcpy(out, e.data, length);
            used = length;
            dir->next++;
            any = true;
            status = STATUS_BUFFER_OVERFLOW;
            break;
        }
        if (at > length || e.len > length - at)
            break; /* left for the next query */
        if (prev != SIZE_MAX)
            le32_store(out + prev, (uint32_t)(at - prev));
        memset(out + used, 0, at - used);
        memcpy(out + at, e.data, e.len);
        prev = at;
        used = at + e.len;
        any = true;
        dir->next++;
        if (flags & SL_RETURN_SINGLE_ENTRY)
            break;
    }
    buf_free(&e);
    if (status == STATUS_SUCCESS && !any)
        status = dir->matched_any ? STATUS_NO_MORE_FILES : STATUS_NO_SUCH_FILE;
    if (status == STATUS_NO_SUCH_FILE)
        dir->matched_any = true; /* said once; afterwards the listing is just over */
    *written = (uint32_t)used;
out:
    pthread_mutex_unlock(&file->lock);
    return status;
}
