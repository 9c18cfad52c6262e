/* Set information ([MS-FSCC] 2.4, [MS-FSA] 2.1.5.14): basic information
 * (times, DOS attributes), disposition, rename, hard link, end of file,
 * allocation size, position and mode. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/pvfs/input.h"
#include "lib/access.h"
#include "lib/utf16.h"

static NTSTATUS set_basic(struct pvfs_file *file, const struct pvfs_set_info_input *in)
{
    const uint64_t *times = in->times;
    uint32_t attributes = in->attributes;
    if (!(file->granted_access & FILE_WRITE_ATTRIBUTES))
        return STATUS_ACCESS_DENIED;
    bool dir = file->is_directory;
    if (attributes & ~(PVFS_SETTABLE_ATTRIBUTES | FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY))
        return STATUS_INVALID_PARAMETER;
    if ((attributes & FILE_ATTRIBUTE_DIRECTORY) && !dir)
        return STATUS_INVALID_PARAMETER;
    if ((attributes & FILE_ATTRIBUTE_TEMPORARY) && dir)
        return STATUS_INVALID_PARAMETER;
    /* 0: leave as is; -1 and -2: stop/resume automatic updates, which we
     * do not do anyway ([MS-FSCC] 2.4.7). */
    struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
    bool touch = false;
    for (int i = 1; i <= 2; i++) {
        uint64_t t = times[i];
        if (t != 0 && t != UINT64_MAX && t != UINT64_MAX - 1) {
            ts[i - 1] = pvfs_timespec(t);
            touch = true;
        }
    }
    if (touch && futimens(file->fd, ts) != 0)
        return nt_status_from_errno(errno);
    uint64_t ctime = times[0];
    bool set_ctime = ctime != 0 && ctime != UINT64_MAX && ctime != UINT64_MAX - 1;
    uint64_t change = times[3];
    bool set_change = change != 0 && change != UINT64_MAX && change != UINT64_MAX - 1;
    NTSTATUS status = STATUS_SUCCESS;
    if (attributes != 0 || set_ctime) {
        struct pvfs_stat st;
        status = pvfs_stat_fd(file->fd, NULL, &st);
        if (status != STATUS_SUCCESS)
            return status;
        uint32_t keep = st.stored_attributes ? st.stored_attributes
                                             : st.attributes & PVFS_SETTABLE_ATTRIBUTES;
        /* FSCTL_SET_SPARSE's bit outlives attribute changes (as smbd's). */
        uint32_t new_attributes = (attributes ? attributes & PVFS_SETTABLE_ATTRIBUTES : keep) |
                                  (st.stored_attributes & FILE_ATTRIBUTE_SPARSE_FILE);
        status = pvfs_dosattrib_store(file->fd, dir, new_attributes,
                                      set_ctime ? ctime : st.creation_time);
    }
    /* Last: every change above moved the inode's ctime. */
    if (status == STATUS_SUCCESS && set_change)
        status = pvfs_change_time_store(file->fd, change);
    return status;
}

static NTSTATUS check_deletable(struct pvfs_file *file)
{
    if (!(file->granted_access & DELETE))
        return STATUS_ACCESS_DENIED;
    if (!pvfs_file_stream(file) && strcmp(pvfs_file_path(file), file->beneath) == 0)
        return STATUS_CANNOT_DELETE; /* the volume root, or a share's root */
    struct pvfs_stat st;
    NTSTATUS status = pvfs_stat_fd(file->fd, NULL, &st);
    if (status != STATUS_SUCCESS)
        return status;
    if (!pvfs_file_stream(file) && (st.attributes & FILE_ATTRIBUTE_READONLY))
        return STATUS_CANNOT_DELETE;
    if (file->is_directory && !pvfs_file_stream(file)) {
        bool empty;
        status = pvfs_directory_is_empty(file->fd, &empty);
        if (status != STATUS_SUCCESS)
            return status;
        if (!empty)
            return STATUS_DIRECTORY_NOT_EMPTY;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS set_disposition(struct pvfs_file *file, bool delete, bool on_close)
{
    if (delete) {
        NTSTATUS status = check_deletable(file);
        if (status != STATUS_SUCCESS)
            return status;
        pvfs_oplock_break_handles(file);
    } else if (!(file->granted_access & DELETE)) {
        return STATUS_ACCESS_DENIED;
    }
    struct pvfs_volume *volume = file->volume;
    NTSTATUS status = STATUS_SUCCESS;
    struct pvfs_notify_request *notify_done = NULL;
    pthread_mutex_lock(&volume->lock);
    struct pvfs_node *node = file->node;
    if (on_close) {
        file->delete_on_close = delete;
    } else if (delete) {
        status = pvfs_node_set_delete_pending(node, pvfs_file_path(file), file->beneath);
        if (status == STATUS_SUCCESS)
            notify_done = pvfs_notify_delete_pending(volume, node);
    } else {
        node->delete_pending = false;
        file->delete_on_close = false;
    }
    pthread_mutex_unlock(&volume->lock);
    pvfs_notify_complete(notify_done);
    return status;
}

/* The target of a rename or link: FILE_RENAME_INFORMATION's name, read the
 * way pvfs.h documents: relative to the open's confinement directory if it
 * has one, else device-relative when it holds a backslash, else a new name
 * in the same directory. */
static NTSTATUS target_path(const struct pvfs_file *file, const char *name, char **nt_path)
{
    bool confined = file->beneath[0] != '\0';
    const char *n = name[0] == '\\' ? name + 1 : name;
    char *base;
    if (confined) {
        base = strdup(file->beneath);
    } else if (strchr(name, '\\')) {
        base = strdup("");
    } else {
        base = pvfs_path_dirname(pvfs_file_path(file));
    }
    if (!base)
        return STATUS_NO_MEMORY;
    /* base is root-relative with '/': make it an NT path prefix. */
    size_t bl = strlen(base), nl = strlen(n);
    char *out = malloc(bl + 1 + nl + 1);
    if (!out) {
        free(base);
        return STATUS_NO_MEMORY;
    }
    for (size_t i = 0; i < bl; i++)
        out[i] = base[i] == '/' ? '\\' : base[i];
    size_t o = bl;
    if (bl && nl)
        out[o++] = '\\';
    memcpy(out + o, n, nl + 1);
    free(base);
    *nt_path = out;
    return STATUS_SUCCESS;
}

/* Renames a named stream within its file (":new[:$DATA]"). */
static NTSTATUS rename_stream(struct pvfs_file *file, const struct pvfs_set_info_input *a)
{
    if (!pvfs_file_stream(file))
        return STATUS_INVALID_PARAMETER; /* renaming the default stream away */
    struct pvfs_path p;
    char *fake = malloc(strlen(a->name) + 2);
    if (!fake)
        return STATUS_NO_MEMORY;
    fake[0] = 'x';
    strcpy(fake + 1, a->name);
    NTSTATUS status = pvfs_path_parse(fake, &p);
    free(fake);
    if (status != STATUS_SUCCESS)
        return status;
    if (!p.stream) {
        pvfs_path_free(&p);
        return STATUS_INVALID_PARAMETER;
    }
    struct pvfs_volume *volume = file->volume;
    pthread_mutex_lock(&volume->lock);
    char *existing = NULL;
    status = pvfs_stream_find(file->fd, p.stream, &existing);
    if (status == STATUS_SUCCESS && utf8_casecmp(existing, pvfs_file_stream(file)) != 0 && !a->replace)
        status = STATUS_OBJECT_NAME_COLLISION;
    else if (status == STATUS_SUCCESS || status == STATUS_OBJECT_NAME_NOT_FOUND)
        status = STATUS_SUCCESS;
    uint8_t *data = NULL;
    size_t size = 0;
    if (status == STATUS_SUCCESS)
        status = pvfs_stream_read_all(file->fd, pvfs_file_stream(file), &data, &size);
    if (status == STATUS_SUCCESS && existing)
        status = pvfs_stream_remove(file->fd, existing);
    if (status == STATUS_SUCCESS)
        status = pvfs_stream_write_all(file->fd, p.stream, data, size);
    if (status == STATUS_SUCCESS && utf8_casecmp(p.stream, pvfs_file_stream(file)) != 0)
        status = pvfs_stream_remove(file->fd, pvfs_file_stream(file));
    if (status == STATUS_SUCCESS) {
        /* The node and every open of it now go by the new name. */
        struct pvfs_node *node = file->node;
        char *n = strdup(p.stream);
        if (n) {
            free(node->stream);
            node->stream = n;
        }
        for (struct pvfs_file *f = node->opens; f; f = f->node_next)
            if (pvfs_file_set_stream(f, p.stream) != STATUS_SUCCESS)
                status = STATUS_NO_MEMORY;
    }
    pthread_mutex_unlock(&volume->lock);
    free(data);
    free(existing);
    pvfs_path_free(&p);
    return status;
}

struct path_update {
    const char *old_path;
    const char *new_path;
    NTSTATUS status;
};

static void update_open_path(struct pvfs_file *f, void *ctx)
{
    struct path_update *u = ctx;
    if (strcmp(f->path, u->old_path) != 0)
        return;
    if (pvfs_file_set_path(f, u->new_path) != STATUS_SUCCESS)
        u->status = STATUS_NO_MEMORY;
}

struct open_probe {
    bool any;
};

static void note_open(struct pvfs_file *f, void *ctx)
{
    (void)f;
    ((struct open_probe *)ctx)->any = true;
}

/* Rename (link == false) or hard link (link == true). Takes over in->name
 * (freed on every path). */
static NTSTATUS rename_or_link(struct pvfs_file *file, struct pvfs_set_info_input *in, bool link)
{
    struct pvfs_set_info_input a = *in;
    NTSTATUS status;
    in->name = NULL;
    if (a.name[0] == ':') {
        status = link ? STATUS_NOT_SUPPORTED : rename_stream(file, &a);
        free(a.name);
        return status;
    }
    if (!link && !(file->granted_access & DELETE)) {
        free(a.name);
        return STATUS_ACCESS_DENIED;
    }
    if (pvfs_file_stream(file) || !*pvfs_file_path(file)) {
        free(a.name);
        return STATUS_INVALID_PARAMETER;
    }
    if (!link && strcmp(pvfs_file_path(file), file->beneath) == 0) {
        free(a.name);
        return STATUS_ACCESS_DENIED; /* a share's root keeps its name */
    }
    if (!link)
        pvfs_oplock_break_handles(file);
    if (link && file->is_directory) {
        free(a.name);
        return STATUS_FILE_IS_A_DIRECTORY;
    }
    struct pvfs_volume *volume = file->volume;
    char *nt_target = NULL;
    struct pvfs_path tp = { 0 };
    struct pvfs_resolved t = { .fd = -1, .parent_fd = -1 };
    int beneath_fd = -1, src_parent = -1;
    char *new_path = NULL;
    bool locked = false;

    status = target_path(file, a.name, &nt_target);
    if (status != STATUS_SUCCESS)
        goto out;
    status = pvfs_path_parse(nt_target, &tp);
    if (status != STATUS_SUCCESS)
        goto out;
    if (tp.stream || tp.count == 0) {
        status = STATUS_OBJECT_NAME_INVALID;
        goto out;
    }
    status = pvfs_open_beneath(volume, file->beneath, &beneath_fd);
    if (status != STATUS_SUCCESS)
        goto out;
    /* Components of nt_target below the confinement directory. */
    size_t skip = 0;
    if (*file->beneath) {
        skip = 1;
        for (const char *c = file->beneath; *c; c++)
            if (*c == '/')
                skip++;
    }
    if (skip >= tp.count) {
        status = STATUS_OBJECT_NAME_INVALID;
        goto out;
    }
    status = pvfs_resolve(volume, file->beneath, beneath_fd, tp.components + skip,
                          tp.count - skip, file->short_names, &t);
    if (status != STATUS_SUCCESS)
        goto out;
    /* A new directory entry needs the right to add one, from the directory
     * and from the share (a hard link needs no right on the open itself). */
    status = pvfs_access_check_parent(t.parent_fd, file->token, file->is_directory);
    if (status == STATUS_SUCCESS &&
        !(file->access_ceiling & (file->is_directory ? FILE_ADD_SUBDIRECTORY : FILE_ADD_FILE)))
        status = STATUS_ACCESS_DENIED;
    if (status != STATUS_SUCCESS)
        goto out;
    status = pvfs_open_parent(volume, pvfs_file_path(file), &src_parent);
    if (status != STATUS_SUCCESS)
        goto out;
    const char *src_name = pvfs_path_basename(pvfs_file_path(file));
    /* The new name as the client spelled it (the resolver may have found an
     * existing entry under another case). */
    const char *dst_name = tp.components[tp.count - 1];
    new_path = pvfs_path_join(t.parent, dst_name);
    if (!new_path) {
        status = STATUS_NO_MEMORY;
        goto out;
    }

    pthread_mutex_lock(&volume->lock);
    locked = true;
    struct stat sst;
    if (fstatat(src_parent, src_name, &sst, AT_SYMLINK_NOFOLLOW) != 0 ||
        sst.st_ino != file->node->ino || sst.st_dev != file->node->dev) {
        status = STATUS_FILE_RENAMED; /* moved under us by someone else */
        goto out;
    }
    /* Windows renames by opening the target's directory for adding an entry
     * (FILE_ADD_FILE | SYNCHRONIZE, sharing read and write), so an open of
     * that directory which holds DELETE, or does not share writing, refuses
     * the rename (smb2.rename.*_delete_*). */
    struct stat dst;
    if (fstat(t.parent_fd, &dst) != 0) {
        status = nt_status_from_errno(errno);
        goto out;
    }
    struct pvfs_node *dir_node;
    status = pvfs_node_get(volume, dst.st_dev, dst.st_ino, NULL, &dir_node);
    if (status != STATUS_SUCCESS)
        goto out;
    status = pvfs_share_check(volume, dir_node, FILE_ADD_FILE | SYNCHRONIZE,
                              FILE_SHARE_READ | FILE_SHARE_WRITE);
    pvfs_node_put(volume, dir_node);
    if (status != STATUS_SUCCESS)
        goto out;
    bool replacing = false;
    if (t.exists) {
        struct stat tst;
        if (fstat(t.fd, &tst) != 0) {
            status = nt_status_from_errno(errno);
            goto out;
        }
        bool same = tst.st_ino == sst.st_ino && tst.st_dev == sst.st_dev;
        if (same && strcmp(t.path, pvfs_file_path(file)) == 0 && strcmp(t.name, dst_name) == 0) {
            status = STATUS_SUCCESS; /* renamed to itself */
            goto out;
        }
        if (!same || strcmp(t.path, pvfs_file_path(file)) != 0) {
            /* Another file (or another link of this one) is in the way. */
            if (!a.replace) {
                status = STATUS_OBJECT_NAME_COLLISION;
                goto out;
            }
            if (S_ISDIR(tst.st_mode)) {
                status = STATUS_ACCESS_DENIED;
                goto out;
            }
            struct open_probe probe = { false };
            pvfs_volume_for_each_open(volume, tst.st_dev, tst.st_ino, note_open, &probe);
            if (probe.any && !same) {
                status = STATUS_ACCESS_DENIED; /* NTFS refuses to replace an open file */
                goto out;
            }
            uint32_t granted;
            status = pvfs_access_check(t.fd, t.parent_fd, file->token, DELETE, 0, &granted);
            if (status == STATUS_SUCCESS && !(file->access_ceiling & DELETE))
                status = STATUS_ACCESS_DENIED; /* the share does not let it delete */
            if (status != STATUS_SUCCESS)
                goto out;
            struct pvfs_stat tps;
            if (pvfs_stat_fd(t.fd, NULL, &tps) == STATUS_SUCCESS &&
                (tps.attributes & FILE_ATTRIBUTE_READONLY)) {
                status = STATUS_ACCESS_DENIED;
                goto out;
            }
            replacing = true;
            /* Remove the target under its own spelling first when it differs
             * from ours only in case, so no stale twin is left. */
            if (strcmp(t.name, dst_name) != 0 && unlinkat(t.parent_fd, t.name, 0) != 0) {
                status = nt_status_from_errno(errno);
                goto out;
            }
        }
    }
    if (!link && file->is_directory &&
        pvfs_volume_has_open_beneath(volume, pvfs_file_path(file), file->node)) {
        status = STATUS_ACCESS_DENIED; /* open files below a directory pin its name */
        goto out;
    }
    if (link) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", file->fd);
        if (replacing)
            (void)unlinkat(t.parent_fd, dst_name, 0);
        if (linkat(AT_FDCWD, proc, t.parent_fd, dst_name, AT_SYMLINK_FOLLOW) != 0) {
            status = errno == EEXIST ? STATUS_OBJECT_NAME_COLLISION : nt_status_from_errno(errno);
            goto out;
        }
        status = STATUS_SUCCESS;
        goto out;
    }
    unsigned int flags = replacing ? 0 : RENAME_NOREPLACE;
    if (renameat2(src_parent, src_name, t.parent_fd, dst_name, flags) != 0) {
        status = errno == EEXIST ? STATUS_OBJECT_NAME_COLLISION
               : errno == EXDEV  ? STATUS_NOT_SAME_DEVICE
                                 : nt_status_from_errno(errno);
        goto out;
    }
    /* Every open that came through this name now sees the new one. */
    struct path_update u = { pvfs_file_path(file), new_path, STATUS_SUCCESS };
    char *old_path = strdup(pvfs_file_path(file));
    if (old_path) {
        u.old_path = old_path;
        pvfs_volume_for_each_open(volume, sst.st_dev, sst.st_ino, update_open_path, &u);
        struct pvfs_node *node = file->node;
        if (node->delete_path && strcmp(node->delete_path, old_path) == 0) {
            char *p = strdup(new_path);
            if (p) {
                free(node->delete_path);
                node->delete_path = p;
            }
        }
        free(old_path);
    }
    status = u.status;
out:
    if (locked)
        pthread_mutex_unlock(&volume->lock);
    if (src_parent >= 0)
        close(src_parent);
    if (beneath_fd >= 0)
        close(beneath_fd);
    pvfs_resolved_free(&t);
    pvfs_path_free(&tp);
    free(nt_target);
    free(new_path);
    free(a.name);
    return status;
}

static NTSTATUS set_size(struct pvfs_file *file, uint64_t size, bool allocation)
{
    if (!(file->granted_access & (FILE_WRITE_DATA | (allocation ? 0 : FILE_APPEND_DATA))))
        return STATUS_ACCESS_DENIED;
    if (file->is_directory && !pvfs_file_stream(file))
        return STATUS_INVALID_PARAMETER;
    if (size > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;
    if (pvfs_file_stream(file)) {
        uint8_t *data;
        size_t old;
        struct pvfs_volume *volume = file->volume;
        pthread_mutex_lock(&volume->lock);
        NTSTATUS status = pvfs_stream_read_all(file->fd, pvfs_file_stream(file), &data, &old);
        if (status == STATUS_SUCCESS) {
            if (allocation && size >= old) {
                free(data);
                pthread_mutex_unlock(&volume->lock);
                return STATUS_SUCCESS;
            }
            if (size >= PVFS_XATTR_MAX) {
                status = STATUS_FILE_SYSTEM_LIMITATION;
            } else {
                uint8_t *grown = realloc(data, size ? (size_t)size : 1);
                if (!grown) {
                    status = STATUS_NO_MEMORY;
                } else {
                    data = grown;
                    if (size > old)
                        memset(data + old, 0, (size_t)size - old);
                    status = pvfs_stream_write_all(file->fd, pvfs_file_stream(file), data, (size_t)size);
                }
            }
            free(data);
        }
        pthread_mutex_unlock(&volume->lock);
        return status;
    }
    struct stat st;
    if (fstat(file->fd, &st) != 0)
        return nt_status_from_errno(errno);
    if (allocation) {
        /* The allocation size is a hint; it truncates only when smaller
         * than the data ([MS-FSA] 2.1.5.14.1). */
        file->allocation_size = size;
        if (size >= (uint64_t)st.st_size)
            return STATUS_SUCCESS;
    }
    if (!file->writable_fd)
        return STATUS_ACCESS_DENIED;
    if (ftruncate(file->fd, (off_t)size) != 0)
        return nt_status_from_errno(errno);
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_set_information(struct pvfs_file *file, uint32_t info_class, const void *buffer,
                              uint32_t length)
{
    struct pvfs_set_info_input in;
    NTSTATUS status = pvfs_set_info_decode(info_class, buffer, length, &in);
    if (status != STATUS_SUCCESS)
        return status;
    switch (info_class) {
    case FileBasicInformation:
        return set_basic(file, &in);
    case FileFullEaInformation:
        return pvfs_ea_set(file, buffer, length);
    case FileDispositionInformation:
    case FileDispositionInformationEx:
        return set_disposition(file, in.delete_file, in.on_close);
    case FileRenameInformation:
    case FileRenameInformationEx:
        return rename_or_link(file, &in, false);
    case FileLinkInformation:
        return rename_or_link(file, &in, true);
    case FilePositionInformation:
        pthread_mutex_lock(&file->lock);
        file->position = in.value;
        pthread_mutex_unlock(&file->lock);
        return STATUS_SUCCESS;
    case FileModeInformation:
        pthread_mutex_lock(&file->lock);
        file->mode = (file->mode & ~PVFS_SETTABLE_MODE) | in.mode;
        pthread_mutex_unlock(&file->lock);
        return STATUS_SUCCESS;
    /* A size change breaks level II oplocks ([MS-FSA] 2.1.5.14.1, .2). */
    case FileAllocationInformation:
        pvfs_oplock_break_level2(file);
        return set_size(file, in.value, true);
    case FileEndOfFileInformation:
        pvfs_oplock_break_level2(file);
        return set_size(file, in.value, false);
    default:
        pvfs_set_info_input_clear(&in);
        return STATUS_INVALID_INFO_CLASS;
    }
}
