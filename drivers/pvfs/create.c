/* NtCreateFile on a POSIX tree ([MS-FSA] 2.1.5.1), and close.
 *
 * Steps of a create, each a function below:
 *   1. check_arguments: option/disposition combinations NT refuses up front;
 *   2. resolve: the path beneath the confinement directory (lookup.c);
 *   3. open_existing or create_new, by disposition;
 *   4. attach: under the volume lock, refuse if delete is pending, check the
 *      share modes against every open of the same file and stream, and join
 *      the node; only then truncate (an overwrite must not destroy data for
 *      an open that is refused).
 * The order of the checks follows NTFS where smbtorture pins it down. */
#include "drivers/pvfs/pvfs_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/access.h"
#include "lib/log.h"
#include "lib/utf16.h"

#define FILE_ATTRIBUTE_VALID_FLAGS 0x00007FB7u
#define PVFS_MODE_OPTIONS (FILE_WRITE_THROUGH | FILE_SEQUENTIAL_ONLY | \
    FILE_NO_INTERMEDIATE_BUFFERING | FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT | \
    FILE_DELETE_ON_CLOSE)
/* Permission bits of new files and directories: access is decided by the
 * NT descriptor; these keep local users and smbd's view reasonable. */
#define PVFS_FILE_MODE 0644
#define PVFS_DIR_MODE 0755

struct create_state {
    struct pvfs_volume *volume;
    const struct pvfs_create_args *args;
    struct access_token *token;  /* the open's token (pvfs_token_for_open) */
    struct pvfs_path path;
    char *beneath;               /* root-relative confinement */
    int beneath_fd;
    struct pvfs_resolved r;
    uint32_t desired;            /* generic rights mapped */
    /* The result being built: */
    int fd;
    bool is_directory;
    bool created;                /* we made the file (undo on failure) */
    struct pvfs_creating *creating; /* our creation in progress (creating.c) */
    bool created_stream;
    char *stream;                /* stored stream name */
    uint32_t granted;
    uint32_t action;
    bool truncate;               /* overwrite the data once attached */
    uint32_t new_attributes;     /* for overwrite/supersede */
    struct pvfs_ea_list eas;     /* the caller's EA buffer, validated */
};

static NTSTATUS check_arguments(const struct pvfs_create_args *a)
{
    uint32_t o = a->create_options;
    if (a->create_disposition > FILE_MAXIMUM_DISPOSITION)
        return STATUS_INVALID_PARAMETER;
    if ((o & FILE_DIRECTORY_FILE) && (o & FILE_NON_DIRECTORY_FILE))
        return STATUS_INVALID_PARAMETER;
    if ((o & FILE_DIRECTORY_FILE) && a->create_disposition != FILE_CREATE &&
        a->create_disposition != FILE_OPEN && a->create_disposition != FILE_OPEN_IF)
        return STATUS_INVALID_PARAMETER;
    if (a->share_access & ~FILE_SHARE_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    if (a->file_attributes & ~FILE_ATTRIBUTE_VALID_FLAGS)
        return STATUS_INVALID_PARAMETER;
    uint32_t mapped = access_map_generic(a->desired_access, &file_generic_mapping);
    if ((o & FILE_DELETE_ON_CLOSE) && !(mapped & (DELETE | MAXIMUM_ALLOWED)))
        return STATUS_INVALID_PARAMETER;
    if (o & FILE_OPEN_BY_FILE_ID)
        return STATUS_NOT_SUPPORTED;
    return STATUS_SUCCESS;
}

/* The confinement directory: the PVFS_ECP_BENEATH path, resolved like any
 * path (so case and links inside the volume are fine), and the components of
 * the open's path below it. */
static NTSTATUS resolve_beneath(struct create_state *s)
{
    NTSTATUS status;
    size_t skip = 0;
    if (s->args->beneath && *s->args->beneath) {
        struct pvfs_path bp;
        status = pvfs_path_parse(s->args->beneath, &bp);
        if (status != STATUS_SUCCESS)
            return status;
        if (bp.stream) {
            pvfs_path_free(&bp);
            return STATUS_OBJECT_NAME_INVALID;
        }
        /* The open's path must start with the confinement's components. */
        if (bp.count > s->path.count) {
            pvfs_path_free(&bp);
            return STATUS_ACCESS_DENIED;
        }
        for (size_t i = 0; i < bp.count; i++) {
            if (utf8_casecmp(bp.components[i], s->path.components[i]) != 0) {
                pvfs_path_free(&bp);
                return STATUS_ACCESS_DENIED;
            }
        }
        if (bp.count == s->path.count && s->path.stream) {
            pvfs_path_free(&bp);
            return STATUS_ACCESS_DENIED; /* a stream of the share root itself */
        }
        struct pvfs_resolved br;
        int root = s->volume->root_fd;
        skip = bp.count;
        status = pvfs_resolve(s->volume, "", root, bp.components, bp.count, false, &br);
        pvfs_path_free(&bp);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND)
            status = STATUS_OBJECT_PATH_NOT_FOUND;
        if (status != STATUS_SUCCESS)
            return status;
        if (!br.exists) {
            pvfs_resolved_free(&br);
            return STATUS_OBJECT_PATH_NOT_FOUND;
        }
        s->beneath = br.path;
        br.path = NULL;
        pvfs_resolved_free(&br);
    } else {
        s->beneath = strdup("");
        if (!s->beneath)
            return STATUS_NO_MEMORY;
    }
    status = pvfs_open_beneath(s->volume, s->beneath, &s->beneath_fd);
    if (status != STATUS_SUCCESS)
        return status;
    return pvfs_resolve(s->volume, s->beneath, s->beneath_fd, s->path.components + skip,
                        s->path.count - skip, s->args->short_names, &s->r);
}

/* Opens the resolved O_PATH fd for real, through its /proc link (which
 * reaches exactly that inode, never another one swapped in since). */
static NTSTATUS reopen(int path_fd, bool directory, bool write, bool write_through, int *fd)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", path_fd);
    int flags = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    if (directory)
        flags |= O_RDONLY | O_DIRECTORY;
    else
        flags |= write ? O_RDWR : O_RDONLY;
    if (write_through && !directory)
        flags |= O_DSYNC;
    *fd = open(proc, flags);
    if (*fd < 0)
        return nt_status_from_errno(errno);
    /* O_NONBLOCK only guarded the open (a FIFO never gets this far). */
    int fl = fcntl(*fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(*fd, F_SETFL, fl & ~O_NONBLOCK);
    return STATUS_SUCCESS;
}

static bool wants_write_fd(uint32_t granted)
{
    return (granted & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
}

static NTSTATUS open_existing(struct create_state *s)
{
    const struct pvfs_create_args *a = s->args;
    uint32_t disp = a->create_disposition;
    uint32_t opts = a->create_options;
    struct pvfs_stat st;
    NTSTATUS status = pvfs_stat_fd(s->r.fd, s->r.name, &st);
    if (status != STATUS_SUCCESS)
        return status;
    if (!S_ISREG(st.st.st_mode) && !S_ISDIR(st.st.st_mode))
        return STATUS_ACCESS_DENIED; /* devices, FIFOs, sockets: not ours to open */
    s->is_directory = S_ISDIR(st.st.st_mode);
    bool stream = s->path.stream != NULL;

    if (!stream) {
        if (disp == FILE_CREATE)
            return STATUS_OBJECT_NAME_COLLISION;
        if (s->is_directory && (opts & FILE_NON_DIRECTORY_FILE))
            return STATUS_FILE_IS_A_DIRECTORY;
        if (!s->is_directory && (opts & FILE_DIRECTORY_FILE))
            return STATUS_NOT_A_DIRECTORY;
        if (!s->is_directory && s->path.trailing_backslash)
            return STATUS_OBJECT_NAME_INVALID;
        if (s->is_directory && (disp == FILE_SUPERSEDE || disp == FILE_OVERWRITE ||
                                disp == FILE_OVERWRITE_IF))
            return STATUS_INVALID_PARAMETER;
    } else if (opts & FILE_DIRECTORY_FILE) {
        return STATUS_NOT_A_DIRECTORY; /* a stream is never a directory */
    }

    bool overwrite = disp == FILE_SUPERSEDE || disp == FILE_OVERWRITE || disp == FILE_OVERWRITE_IF;
    bool new_stream = false;
    if (stream) {
        /* Streams live in xattrs, which a read-only fd may change too. */
        status = reopen(s->r.fd, s->is_directory, false, false, &s->fd);
        if (status != STATUS_SUCCESS)
            return status;
        status = pvfs_stream_find(s->fd, s->path.stream, &s->stream);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND) {
            if (disp == FILE_OPEN || disp == FILE_OVERWRITE)
                return STATUS_OBJECT_NAME_NOT_FOUND;
            new_stream = true;
            overwrite = false;
        } else if (status != STATUS_SUCCESS) {
            return status;
        } else if (disp == FILE_CREATE) {
            return STATUS_OBJECT_NAME_COLLISION;
        }
    }

    /* Access: what was asked, plus what the disposition implies (checked,
     * not granted): writing for an overwrite or a new stream, DELETE for a
     * supersede. */
    uint32_t check = s->desired;
    if (overwrite || new_stream)
        check |= FILE_WRITE_DATA;
    if (disp == FILE_SUPERSEDE && !new_stream)
        check |= DELETE;
    if (check == 0) {
        /* An open for no access at all (to see that the file is there)
         * succeeds with nothing granted, as on NTFS. */
        s->granted = 0;
    } else {
        status = pvfs_access_check(s->r.fd, s->r.parent_fd, s->token, check, opts, &s->granted);
        if (status != STATUS_SUCCESS)
            return status;
    }
    if (!(s->desired & MAXIMUM_ALLOWED))
        s->granted &= s->desired; /* exactly what was asked, as Windows reports it */
    if (a->has_access_ceiling) {
        /* The share's permissions: nothing beyond them, asked or implied. */
        if (check & ~(uint32_t)MAXIMUM_ALLOWED & ~a->access_ceiling)
            return STATUS_ACCESS_DENIED;
        s->granted &= a->access_ceiling;
    }
    if ((opts & FILE_DELETE_ON_CLOSE) && !(s->granted & DELETE))
        return STATUS_ACCESS_DENIED;
    /* The volume root and the confinement directory (a share's root) stay. */
    if ((opts & FILE_DELETE_ON_CLOSE) && !stream && strcmp(s->r.path, s->beneath) == 0)
        return STATUS_CANNOT_DELETE;

    if (st.attributes & FILE_ATTRIBUTE_READONLY && !s->is_directory) {
        if (opts & FILE_DELETE_ON_CLOSE)
            return STATUS_CANNOT_DELETE;
        /* [MS-FSA] 2.1.5.1.2.1 (FILE_ADD_SUBDIRECTORY is FILE_APPEND_DATA). */
        if (s->desired & MAXIMUM_ALLOWED)
            s->granted &= ~(uint32_t)(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_DELETE_CHILD);
        else if (s->granted & (FILE_WRITE_DATA | FILE_APPEND_DATA) || overwrite || new_stream)
            return STATUS_ACCESS_DENIED;
    }

    if (new_stream) {
        s->stream = strdup(s->path.stream);
        if (!s->stream)
            return STATUS_NO_MEMORY;
        status = pvfs_stream_create(s->fd, s->stream);
        if (status != STATUS_SUCCESS)
            return status;
        s->created_stream = true;
        s->action = FILE_CREATED;
        return STATUS_SUCCESS;
    }
    if (!stream) {
        if (overwrite && !s->is_directory) {
            /* Hidden and system files are overwritten only by a caller who
             * names those attributes ([MS-FSA] 2.1.5.1.2.1); a dot file's
             * derived "hidden" does not count. */
            uint32_t want = a->file_attributes;
            uint32_t have = st.stored_attributes;
            if (((have & FILE_ATTRIBUTE_HIDDEN) && !(want & FILE_ATTRIBUTE_HIDDEN)) ||
                ((have & FILE_ATTRIBUTE_SYSTEM) && !(want & FILE_ATTRIBUTE_SYSTEM)))
                return STATUS_ACCESS_DENIED;
        }
        bool write = !s->is_directory && (wants_write_fd(s->granted) || overwrite);
        status = reopen(s->r.fd, s->is_directory, write, (opts & FILE_WRITE_THROUGH) != 0, &s->fd);
        if (status != STATUS_SUCCESS)
            return status;
    }

    if (overwrite) {
        s->truncate = true;
        s->new_attributes =
            (a->file_attributes & PVFS_SETTABLE_ATTRIBUTES) | FILE_ATTRIBUTE_ARCHIVE;
        s->action = disp == FILE_SUPERSEDE ? FILE_SUPERSEDED : FILE_OVERWRITTEN;
    } else {
        s->action = FILE_OPENED;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS parent_delete_pending(struct create_state *s)
{
    if (s->r.parent_fd < 0)
        return STATUS_SUCCESS;
    struct stat st;
    if (fstat(s->r.parent_fd, &st) != 0)
        return nt_status_from_errno(errno);
    NTSTATUS status = STATUS_SUCCESS;
    struct pvfs_node *node = NULL;
    pthread_mutex_lock(&s->volume->lock);
    if (pvfs_node_get(s->volume, st.st_dev, st.st_ino, NULL, &node) == STATUS_SUCCESS) {
        if (node->delete_pending)
            status = STATUS_DELETE_PENDING;
        pvfs_node_put(s->volume, node);
    }
    pthread_mutex_unlock(&s->volume->lock);
    return status;
}

static NTSTATUS create_new(struct create_state *s)
{
    const struct pvfs_create_args *a = s->args;
    uint32_t disp = a->create_disposition;
    uint32_t opts = a->create_options;
    bool stream = s->path.stream != NULL;
    if (disp == FILE_OPEN || disp == FILE_OVERWRITE)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (s->path.count == 0)
        return STATUS_OBJECT_NAME_COLLISION; /* the root always exists */
    bool directory = !stream && ((opts & FILE_DIRECTORY_FILE) || s->path.trailing_backslash);
    if (s->path.trailing_backslash && !(opts & FILE_DIRECTORY_FILE))
        return STATUS_OBJECT_NAME_INVALID;
    if (stream && (opts & FILE_DIRECTORY_FILE))
        return STATUS_NOT_A_DIRECTORY;
    if ((a->file_attributes & FILE_ATTRIBUTE_READONLY) && (opts & FILE_DELETE_ON_CLOSE))
        return STATUS_CANNOT_DELETE;
    NTSTATUS status = parent_delete_pending(s);
    if (status != STATUS_SUCCESS)
        return status;
    /* Making a name in the directory is writing to it: the share's
     * permissions must allow that, and whatever the creator asks for. */
    if (a->has_access_ceiling &&
        (!(a->access_ceiling & (directory ? FILE_ADD_SUBDIRECTORY : FILE_ADD_FILE)) ||
         (s->desired & ~(uint32_t)MAXIMUM_ALLOWED & ~a->access_ceiling)))
        return STATUS_ACCESS_DENIED;
    status = pvfs_access_check_parent(s->r.parent_fd, s->token, directory);
    if (status != STATUS_SUCCESS)
        return status;

    s->is_directory = directory;
    /* Opens of the name wait until its descriptor is stored (creating.c). */
    status = pvfs_creating_begin(s->volume, s->r.parent_fd, s->r.name, &s->creating);
    if (status != STATUS_SUCCESS)
        return status;
    if (directory) {
        if (mkdirat(s->r.parent_fd, s->r.name, PVFS_DIR_MODE) != 0) {
            status = errno == EEXIST ? STATUS_OBJECT_NAME_COLLISION : nt_status_from_errno(errno);
            pvfs_creating_end(s->volume, s->creating);
            s->creating = NULL;
            return status;
        }
        s->created = true;
        s->fd = openat(s->r.parent_fd, s->r.name,
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    } else {
        int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
        if ((opts & FILE_WRITE_THROUGH) && !stream)
            flags |= O_DSYNC;
        s->fd = openat(s->r.parent_fd, s->r.name, flags, PVFS_FILE_MODE);
        if (s->fd < 0) {
            status = errno == EEXIST ? STATUS_OBJECT_NAME_COLLISION : nt_status_from_errno(errno);
            pvfs_creating_end(s->volume, s->creating);
            s->creating = NULL;
            return status;
        }
        s->created = true;
    }
    if (s->fd < 0)
        return nt_status_from_errno(errno);
    if (s->volume->test_created_hook)
        s->volume->test_created_hook(s->volume->test_created_arg, s->r.name);

    /* The creating user owns the file on disk too. */
    if (s->args && (s->token->uid != (uid_t)-1 || s->token->gid != (gid_t)-1))
        if (fchown(s->fd, s->token->uid, s->token->gid) != 0)
            log_debug("pvfs: chown %s: %s", s->r.name, strerror(errno));

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint32_t attributes = a->file_attributes & PVFS_SETTABLE_ATTRIBUTES;
    if (!directory)
        attributes |= FILE_ATTRIBUTE_ARCHIVE;
    status = pvfs_dosattrib_store(s->fd, directory, attributes, pvfs_nt_time(&now));
    if (status != STATUS_SUCCESS)
        return status;
    status = pvfs_security_new_file(s->fd, s->r.parent_fd, s->token, directory,
                                    a->security_descriptor, a->security_descriptor_size);
    if (status != STATUS_SUCCESS)
        return status;
    if (s->eas.count) {
        status = pvfs_ea_write(s->fd, &s->eas, false);
        if (status != STATUS_SUCCESS)
            return status;
    }
    if (a->allocation_size && !directory && !stream)
        (void)fallocate(s->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)a->allocation_size);

    /* The creator holds what it asked for, no more (smbtorture's
     * smb2.getinfo.granted: FILE_EXECUTE | FILE_READ_ATTRIBUTES on a new
     * directory is granted as 0xa0). */
    if (s->desired & MAXIMUM_ALLOWED)
        s->granted = FILE_ALL_ACCESS;
    else
        s->granted = s->desired;
    if (a->has_access_ceiling)
        s->granted &= a->access_ceiling;
    if (s->granted & ACCESS_SYSTEM_SECURITY && !(s->token->privileges & SE_PRIV_SECURITY))
        return STATUS_PRIVILEGE_NOT_HELD;

    if (stream) {
        s->stream = strdup(s->path.stream);
        if (!s->stream)
            return STATUS_NO_MEMORY;
        status = pvfs_stream_create(s->fd, s->stream);
        if (status != STATUS_SUCCESS)
            return status;
        s->created_stream = true;
    }
    s->action = FILE_CREATED;
    return STATUS_SUCCESS;
}

/* Removes what a failed create made. */
static void undo_create(struct create_state *s)
{
    if (s->created && s->r.parent_fd >= 0)
        (void)unlinkat(s->r.parent_fd, s->r.name, s->is_directory ? AT_REMOVEDIR : 0);
    else if (s->created_stream && s->fd >= 0)
        (void)pvfs_stream_remove(s->fd, s->stream);
}

/* The open joins its node: delete pending, the oplocks and leases that must
 * break first (STATUS_PENDING: the create waits for that and starts again,
 * having done nothing), the share modes, then what it is granted. */
static NTSTATUS attach(struct create_state *s, struct pvfs_file *file)
{
    struct stat st;
    if (fstat(file->fd, &st) != 0)
        return nt_status_from_errno(errno);
    struct pvfs_volume *volume = s->volume;
    const struct pvfs_create_args *a = s->args;
    struct pvfs_oplock_opener opener = {
        .granted = s->granted,
        .share = a->share_access,
        .stat_open = !(s->desired & ~(uint32_t)(SYNCHRONIZE | FILE_READ_ATTRIBUTES |
                                                 FILE_WRITE_ATTRIBUTES)),
        .overwrite = s->truncate,
        .delete_on_close = (a->create_options & FILE_DELETE_ON_CLOSE) != 0,
        .request = a->oplock,
    };
    struct pvfs_oplock_work work = { 0 };
    struct pvfs_oplock_granted granted = { 0 };
    NTSTATUS status;
    pthread_mutex_lock(&volume->lock);
    struct pvfs_node *node;
    status = pvfs_node_get(volume, st.st_dev, st.st_ino, file->stream, &node);
    if (status == STATUS_SUCCESS) {
        for (;;) {
            if (node->delete_pending || (node->base && node->base->delete_pending))
                status = STATUS_DELETE_PENDING;
            else
                status = pvfs_oplock_open_check(volume, node, &opener, &work);
            if (status != STATUS_PENDING)
                break;
            if (a->oplock_no_wait) {
                status = STATUS_MORE_PROCESSING_REQUIRED;
                break;
            }
            if (a->oplock_ready) {
                status = pvfs_oplock_wait_register(volume, node, a->oplock_ready,
                                                   a->oplock_ready_context);
                if (status == STATUS_SUCCESS)
                    status = STATUS_PENDING;
                break;
            }
            /* No one to call back: wait here, then look again. The
             * breaks found are told first. */
            if (work.events) {
                pthread_mutex_unlock(&volume->lock);
                pvfs_oplock_run(&work);
                pthread_mutex_lock(&volume->lock);
            }
            pvfs_oplock_wait_here(volume, node);
            if (volume->oplock_stopping) {
                status = STATUS_CANCELLED;
                break;
            }
        }
        if (status == STATUS_SUCCESS)
            status = pvfs_share_check(volume, node, s->granted, a->share_access);
        if (status == STATUS_SUCCESS) {
            file->node = node;
            pvfs_node_add_open(node, file);
            pvfs_oplock_grant(volume, file, &opener, &granted);
        } else {
            pvfs_node_put(volume, node);
        }
    }
    pthread_mutex_unlock(&volume->lock);
    pvfs_oplock_run(&work);
    if (status == STATUS_SUCCESS && a->oplock_granted)
        *a->oplock_granted = granted;
    return status;
}

static void detach(struct pvfs_file *file)
{
    struct pvfs_volume *volume = file->volume;
    struct pvfs_oplock_work work = { 0 };
    pthread_mutex_lock(&volume->lock);
    pvfs_oplock_close(volume, file, &work);
    pvfs_node_remove_open(file->node, file);
    pvfs_node_put(volume, file->node);
    pthread_mutex_unlock(&volume->lock);
    pvfs_oplock_run(&work);
    file->node = NULL;
}

static NTSTATUS retire_and_set(struct pvfs_file *file, char **field, const char *value)
{
    char *copy = strdup(value);
    struct pvfs_retired *r = malloc(sizeof *r);
    if (!copy || !r) {
        free(copy);
        free(r);
        return STATUS_NO_MEMORY;
    }
    r->string = *field;
    r->next = file->retired;
    file->retired = r;
    __atomic_store_n(field, copy, __ATOMIC_RELEASE);
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_file_set_path(struct pvfs_file *file, const char *path)
{
    return retire_and_set(file, &file->path, path);
}

NTSTATUS pvfs_file_set_stream(struct pvfs_file *file, const char *stream)
{
    return retire_and_set(file, &file->stream, stream);
}

static void file_free(struct pvfs_file *file)
{
    if (!file)
        return;
    while (file->retired) {
        struct pvfs_retired *r = file->retired;
        file->retired = r->next;
        free(r->string);
        free(r);
    }
    if (file->fd >= 0)
        close(file->fd);
    token_free(file->token);
    free(file->path);
    free(file->beneath);
    free(file->stream);
    pvfs_dir_cursor_free(&file->dir);
    pthread_mutex_destroy(&file->lock);
    free(file);
}

/* The overwrite part of FILE_OVERWRITE(_IF) and FILE_SUPERSEDE. */
static NTSTATUS overwrite(const struct create_state *s, struct pvfs_file *file)
{
    if (file->stream)
        return pvfs_stream_write_all(file->fd, file->stream, NULL, 0);
    if (ftruncate(file->fd, 0) != 0)
        return nt_status_from_errno(errno);
    /* The overwritten file gets the allocation asked for, as a new one. */
    if (s->args->allocation_size)
        (void)fallocate(file->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)s->args->allocation_size);
    struct pvfs_stat st;
    NTSTATUS status = pvfs_stat_fd(file->fd, NULL, &st);
    if (status == STATUS_SUCCESS)
        status = pvfs_dosattrib_store(file->fd, false, s->new_attributes, st.creation_time);
    /* The caller's EAs replace the file's, as on NTFS; without any the
     * file keeps its own (as smbd does). */
    if (status == STATUS_SUCCESS && s->eas.count)
        status = pvfs_ea_write(file->fd, &s->eas, true);
    return status;
}

/* PVFS_ECP_MAXIMAL_ACCESS for the file being opened: what the file's
 * descriptor as it is now (a new file: its inherited or given one) grants
 * for MAXIMUM_ALLOWED, DELETE through the parent included. The READONLY
 * attribute is not applied: it limits what an open is granted ([MS-FSA]
 * 2.1.5.1.2.1), not the maximal access Windows reports (smbtorture's
 * smb2.maximum_allowed.read_only_file, from Samba 4.18, wants
 * FILE_ALL_ACCESS in MxAc for the creator of a read-only file). Computed
 * before the open is attached, so a failure here undoes nothing but the
 * create. */
static NTSTATUS maximal_access(const struct create_state *s, uint32_t *mask)
{
    uint32_t granted = 0;
    NTSTATUS status = pvfs_access_check(s->fd, s->r.parent_fd, s->token, MAXIMUM_ALLOWED,
                                        s->args->create_options, &granted);
    if (status == STATUS_ACCESS_DENIED) {
        granted = 0;
        status = STATUS_SUCCESS;
    }
    if (status != STATUS_SUCCESS)
        return status;
    granted &= ~(uint32_t)ACCESS_SYSTEM_SECURITY;
    if (s->args->has_access_ceiling)
        granted &= s->args->access_ceiling;
    *mask = granted;
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_create(struct pvfs_volume *volume, const struct access_token *token,
                     const struct pvfs_create_args *args, struct pvfs_file **out,
                     uint32_t *create_action)
{
    struct create_state s;
    struct pvfs_file *file = NULL;
    memset(&s, 0, sizeof s);
    s.volume = volume;
    s.args = args;
    s.beneath_fd = -1;
    s.fd = -1;
    s.r.fd = s.r.parent_fd = -1;
    *out = NULL;
    *create_action = 0;

    NTSTATUS status = check_arguments(args);
    if (status != STATUS_SUCCESS)
        return status;
    s.desired = access_map_generic(args->desired_access, &file_generic_mapping);
    s.token = pvfs_token_for_open(token);
    if (!s.token)
        return STATUS_NO_MEMORY;
    status = pvfs_path_parse(args->path ? args->path : "", &s.path);
    if (status != STATUS_SUCCESS)
        goto out;
    /* A bad EA buffer fails the create before anything happens. */
    if (args->ea_buffer && args->ea_size) {
        status = pvfs_ea_parse_full(args->ea_buffer, args->ea_size, &s.eas, NULL);
        if (status != STATUS_SUCCESS)
            goto out;
    }
    if (s.path.trailing_backslash && (args->create_options & FILE_NON_DIRECTORY_FILE)) {
        status = STATUS_OBJECT_NAME_INVALID;
        goto out;
    }
    /* A create can race with another one for the same new name: retry the
     * lookup when the name appeared (or vanished) meanwhile. A name that
     * exists but whose creation is still in progress (its descriptor not
     * stored yet) is waited for once, then looked up again. */
    bool waited = false;
    for (int attempt = 0; attempt < 3;) {
        status = resolve_beneath(&s);
        if (status != STATUS_SUCCESS)
            goto out;
        if (s.r.exists && !waited && s.path.count > 0 &&
            pvfs_creating_wait(volume, s.r.parent_fd, s.r.name)) {
            waited = true;
        } else {
            status = s.r.exists ? open_existing(&s) : create_new(&s);
            bool raced = (!s.r.exists && status == STATUS_OBJECT_NAME_COLLISION &&
                          args->create_disposition != FILE_CREATE && !s.created);
            if (!raced || ++attempt == 3)
                break;
        }
        pvfs_resolved_free(&s.r);
        close(s.beneath_fd);
        s.beneath_fd = -1;
        free(s.beneath);
        s.beneath = NULL;
    }
    if (status != STATUS_SUCCESS)
        goto out;
    if (args->maximal_access) {
        status = maximal_access(&s, args->maximal_access);
        if (status != STATUS_SUCCESS)
            goto out;
    }

    file = calloc(1, sizeof *file);
    if (!file || pthread_mutex_init(&file->lock, NULL) != 0) {
        free(file);
        file = NULL;
        status = STATUS_NO_MEMORY;
        goto out;
    }
    file->volume = volume;
    file->fd = s.fd;
    s.fd = -1;
    file->is_directory = s.is_directory;
    file->writable_fd = (fcntl(file->fd, F_GETFL) & O_ACCMODE) == O_RDWR;
    file->short_names = args->short_names;
    file->path = s.r.exists ? s.r.path : pvfs_path_join(s.r.parent, s.r.name);
    if (s.r.exists)
        s.r.path = NULL;
    file->beneath = s.beneath;
    s.beneath = NULL;
    file->stream = s.stream;
    s.stream = NULL;
    file->token = s.token;
    s.token = NULL;
    file->granted_access = s.granted;
    file->access_ceiling = args->has_access_ceiling ? args->access_ceiling : UINT32_MAX;
    file->share_access = args->share_access;
    file->mode = args->create_options & PVFS_MODE_OPTIONS;
    file->delete_on_close = (args->create_options & FILE_DELETE_ON_CLOSE) != 0;
    if (!file->path) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    status = attach(&s, file);
    if (status != STATUS_SUCCESS)
        goto out;
    if (s.truncate) {
        status = overwrite(&s, file);
        if (status != STATUS_SUCCESS) {
            detach(file);
            goto out;
        }
    }
    *out = file;
    *create_action = s.action;
    file = NULL;
out:
    if (status != STATUS_SUCCESS) {
        if (file) {
            s.fd = file->fd; /* undo_create may need it for a stream */
            file->fd = -1;
            if (!s.stream) {
                s.stream = file->stream;
                file->stream = NULL;
            }
        }
        undo_create(&s);
    }
    /* Complete or removed again: opens waiting for the name go on. */
    pvfs_creating_end(volume, s.creating);
    file_free(file);
    if (s.fd >= 0)
        close(s.fd);
    if (s.beneath_fd >= 0)
        close(s.beneath_fd);
    pvfs_resolved_free(&s.r);
    pvfs_path_free(&s.path);
    free(s.beneath);
    free(s.stream);
    token_free(s.token);
    pvfs_ea_list_free(&s.eas);
    return status;
}

NTSTATUS pvfs_directory_is_empty(int dir_fd, bool *empty)
{
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nt_status_from_errno(errno);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return STATUS_NO_MEMORY;
    }
    *empty = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            *empty = false;
            break;
        }
    }
    closedir(d);
    return STATUS_SUCCESS;
}

void pvfs_delete_now(struct pvfs_volume *volume, struct pvfs_node *node, int fd)
{
    if (node->stream) {
        NTSTATUS st = pvfs_stream_remove(fd, node->stream);
        if (st != STATUS_SUCCESS)
            log_warning("pvfs: removing stream %s: %s", node->stream, nt_status_name(st));
        return;
    }
    const char *path = node->delete_path;
    if (!path || !*path)
        return; /* never the volume root */
    /* The name is removed through its parent directory, opened beneath the
     * open's share without following any symlink, and only while it still
     * is this file: a local process that renamed or swapped something at
     * that name (or above it) meanwhile makes the delete a no-op rather
     * than a delete of whatever now answers to the name. */
    int parent;
    NTSTATUS status = pvfs_open_parent_beneath(volume, node->delete_beneath, path, &parent);
    if (status != STATUS_SUCCESS) {
        log_debug("pvfs: delete on close of %s: its directory: %s", path, nt_status_name(status));
        return;
    }
    const char *name = pvfs_path_basename(path);
    struct stat st;
    if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        log_debug("pvfs: delete on close of %s: %s", path, strerror(errno));
    } else if (st.st_dev != node->dev || st.st_ino != node->ino) {
        log_debug("pvfs: delete on close of %s: the name is another file now; left alone", path);
    } else if (unlinkat(parent, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0) {
        log_info("pvfs: delete on close of %s: %s", path, strerror(errno));
    }
    close(parent);
}

void pvfs_close(struct pvfs_file *file)
{
    if (!file)
        return;
    struct pvfs_volume *volume = file->volume;
    struct pvfs_lock_waiter *done = NULL;
    struct pvfs_notify_request *notify_done = NULL;
    pvfs_notify_close(file);
    struct pvfs_oplock_work work = { 0 };
    pthread_mutex_lock(&volume->lock);
    struct pvfs_node *node = file->node;
    pvfs_oplock_close(volume, file, &work);
    pvfs_lock_release_file(file, &done);
    pvfs_node_remove_open(node, file);
    if (file->delete_on_close && !node->delete_pending &&
        pvfs_node_set_delete_pending(node, file->path, file->beneath) == STATUS_SUCCESS)
        notify_done = pvfs_notify_delete_pending(volume, node);
    /* The last open of a file to be deleted deletes it, still under the
     * lock, so no new open can slip in between. */
    if (!node->opens && node->delete_pending)
        pvfs_delete_now(volume, node, file->fd);
    pvfs_node_put(volume, node);
    file->node = NULL;
    pthread_mutex_unlock(&volume->lock);
    pvfs_oplock_run(&work);
    pvfs_lock_complete(done);
    pvfs_notify_complete(notify_done);
    file_free(file);
}
