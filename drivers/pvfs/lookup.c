/* Name resolution that never leaves the volume and ignores case.
 *
 * Every lookup goes through openat2(2) with RESOLVE_BENEATH relative to the
 * confinement directory's fd: the kernel refuses ".." and absolute symlinks
 * and any symlink whose target lies outside (EXDEV), atomically, so there is
 * no window between a check and a use. Names are first tried as given (the
 * common case, one syscall); only when a component is missing is its
 * directory read and the name matched without regard to case, NTFS-style,
 * and (when the open wants 8.3 names) against the entries' short names.
 * A file's canonical path (no symlinks, on-disk spelling) is then taken from
 * /proc/self/fd and stored in its open. */
#include "drivers/pvfs/pvfs_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/utf16.h"

static int openat2_beneath(int dirfd, const char *path, int flags, uint64_t resolve)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(unsigned)flags | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | resolve;
    return (int)syscall(SYS_openat2, dirfd, *path ? path : ".", &how, sizeof how);
}

static NTSTATUS status_from_lookup_errno(int error, bool last)
{
    switch (error) {
    case ENOENT:
        return last ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND;
    case ENOTDIR:
        return STATUS_OBJECT_PATH_NOT_FOUND;
    case EXDEV: /* a symlink or ".." leading outside the confinement */
    case ELOOP:
        return STATUS_ACCESS_DENIED;
    case ENAMETOOLONG:
        return STATUS_OBJECT_NAME_INVALID;
    default:
        return nt_status_from_errno(error);
    }
}

NTSTATUS pvfs_open_beneath(struct pvfs_volume *volume, const char *beneath, int *fd)
{
    *fd = openat2_beneath(volume->root_fd, beneath, O_PATH | O_DIRECTORY, 0);
    if (*fd < 0)
        return errno == ENOTDIR ? STATUS_OBJECT_PATH_NOT_FOUND
                                : status_from_lookup_errno(errno, false);
    return STATUS_SUCCESS;
}

NTSTATUS pvfs_fd_path(struct pvfs_volume *volume, int fd, char **path)
{
    char link[64], target[PATH_MAX + 1];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 0)
        return nt_status_from_errno(errno);
    if ((size_t)n >= sizeof target - 1)
        return STATUS_NAME_TOO_LONG;
    target[n] = '\0';
    size_t rl = strlen(volume->root);
    const char *rel;
    if (strcmp(volume->root, "/") == 0) {
        if (target[0] != '/')
            return STATUS_ACCESS_DENIED;
        rel = target + 1;
    } else {
        if (strncmp(target, volume->root, rl) != 0 || (target[rl] != '\0' && target[rl] != '/'))
            return STATUS_ACCESS_DENIED;
        rel = target[rl] == '/' ? target + rl + 1 : target + rl;
    }
    *path = strdup(rel);
    return *path ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

int pvfs_openat_no_symlinks(int dirfd, const char *path, int flags)
{
    return openat2_beneath(dirfd, path, flags, RESOLVE_NO_SYMLINKS);
}

NTSTATUS pvfs_open_parent_beneath(struct pvfs_volume *volume, const char *beneath,
                                  const char *path, int *fd)
{
    *fd = -1;
    if (!beneath)
        beneath = "";
    size_t bl = strlen(beneath);
    if (!pvfs_path_is_beneath(path, beneath) || strlen(path) == bl)
        return STATUS_ACCESS_DENIED; /* outside the share, or the share itself */
    const char *rel = bl ? path + bl + 1 : path;
    char *dir = pvfs_path_dirname(rel);
    if (!dir)
        return STATUS_NO_MEMORY;
    int beneath_fd;
    NTSTATUS status = pvfs_open_beneath(volume, beneath, &beneath_fd);
    if (status == STATUS_SUCCESS) {
        *fd = openat2_beneath(beneath_fd, dir, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
        if (*fd < 0)
            status = status_from_lookup_errno(errno, false);
        close(beneath_fd);
    }
    free(dir);
    return status;
}

NTSTATUS pvfs_open_parent(struct pvfs_volume *volume, const char *path, int *fd)
{
    char *dir = pvfs_path_dirname(path);
    if (!dir)
        return STATUS_NO_MEMORY;
    *fd = openat2_beneath(volume->root_fd, dir, O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
    free(dir);
    return *fd < 0 ? status_from_lookup_errno(errno, false) : STATUS_SUCCESS;
}

/* Finds an entry of the directory dir_fd (O_PATH) whose name equals name
 * without regard to case, or else (short_names) whose 8.3 short name it is.
 * *found: newly allocated on-disk name, or NULL. */
static NTSTATUS find_entry(int dir_fd, const char *name, bool short_names, char **found)
{
    *found = NULL;
    /* Only a name of the generated shape can be a short name; the common
     * miss (a new file's name) costs no hashing. */
    bool by_short_name = short_names && pvfs_short_name_shaped(name);
    char *by_short = NULL;
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return nt_status_from_errno(errno);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return STATUS_NO_MEMORY;
    }
    NTSTATUS status = STATUS_SUCCESS;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (utf8_casecmp(e->d_name, name) == 0) {
            *found = strdup(e->d_name);
            if (!*found)
                status = STATUS_NO_MEMORY;
            break;
        }
        /* A long name wins over a short name: keep looking. A name NT
         * cannot spell stays unreachable (listings leave it out too). */
        if (by_short_name && !by_short && pvfs_short_name_is(e->d_name, name) &&
            pvfs_name_valid(e->d_name, strlen(e->d_name)) == STATUS_SUCCESS) {
            by_short = strdup(e->d_name);
            if (!by_short) {
                status = STATUS_NO_MEMORY;
                break;
            }
        }
    }
    closedir(d);
    if (status == STATUS_SUCCESS && !*found) {
        *found = by_short;
        by_short = NULL;
    }
    free(by_short);
    return status;
}

void pvfs_resolved_free(struct pvfs_resolved *r)
{
    free(r->parent);
    free(r->name);
    free(r->path);
    if (r->fd >= 0)
        close(r->fd);
    if (r->parent_fd >= 0)
        close(r->parent_fd);
    r->parent = r->name = r->path = NULL;
    r->fd = r->parent_fd = -1;
}

/* Joins components [0, n) with '/' (they are validated: no '/' inside). */
static char *join_components(char *const *c, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(c[i]) + 1;
    char *out = malloc(len);
    if (!out)
        return NULL;
    char *p = out;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(c[i]);
        if (i)
            *p++ = '/';
        memcpy(p, c[i], l);
        p += l;
    }
    *p = '\0';
    return out;
}

NTSTATUS pvfs_resolve(struct pvfs_volume *volume, const char *beneath, int beneath_fd,
                      char *const *components, size_t count, bool short_names,
                      struct pvfs_resolved *out)
{
    NTSTATUS status;
    memset(out, 0, sizeof *out);
    out->fd = out->parent_fd = -1;
    char **spelled = NULL; /* the components as found on disk */
    char *rel = NULL;

    if (count == 0) {
        /* The confinement directory itself. */
        out->fd = openat2_beneath(beneath_fd, "", O_PATH, 0);
        if (out->fd < 0)
            return nt_status_from_errno(errno);
        out->exists = true;
        status = pvfs_fd_path(volume, out->fd, &out->path);
        if (status == STATUS_SUCCESS) {
            out->name = strdup(pvfs_path_basename(out->path));
            out->parent = pvfs_path_dirname(out->path);
            if (!out->name || !out->parent)
                status = STATUS_NO_MEMORY;
        }
        if (status == STATUS_SUCCESS && *out->path) {
            status = pvfs_open_parent(volume, out->path, &out->parent_fd);
        }
        goto done;
    }

    /* Fast path: the name as given. */
    rel = join_components(components, count);
    if (!rel) {
        status = STATUS_NO_MEMORY;
        goto done;
    }
    out->fd = openat2_beneath(beneath_fd, rel, O_PATH, 0);
    if (out->fd < 0 && errno != ENOENT) {
        status = status_from_lookup_errno(errno, false);
        goto done;
    }
    spelled = calloc(count, sizeof *spelled);
    if (!spelled) {
        status = STATUS_NO_MEMORY;
        goto done;
    }
    if (out->fd < 0) {
        /* Slow path: component by component from the confinement root (so a
         * symlink may lead to a sibling directory but never outside),
         * matching case-insensitively where the exact spelling is missing. */
        int dir_fd = openat2_beneath(beneath_fd, "", O_PATH | O_DIRECTORY, 0);
        if (dir_fd < 0) {
            status = nt_status_from_errno(errno);
            goto done;
        }
        for (size_t i = 0; i < count; i++) {
            bool last = i + 1 == count;
            spelled[i] = strdup(components[i]);
            char *candidate = spelled[i] ? join_components(spelled, i + 1) : NULL;
            if (!candidate) {
                close(dir_fd);
                status = STATUS_NO_MEMORY;
                goto done;
            }
            int kind = last ? O_PATH : O_PATH | O_DIRECTORY;
            int fd = openat2_beneath(beneath_fd, candidate, kind, 0);
            int err = errno;
            free(candidate);
            if (fd < 0 && err == ENOENT) {
                char *found = NULL;
                status = find_entry(dir_fd, components[i], short_names, &found);
                if (status != STATUS_SUCCESS) {
                    close(dir_fd);
                    goto done;
                }
                if (found) {
                    free(spelled[i]);
                    spelled[i] = found;
                    candidate = join_components(spelled, i + 1);
                    if (!candidate) {
                        close(dir_fd);
                        status = STATUS_NO_MEMORY;
                        goto done;
                    }
                    fd = openat2_beneath(beneath_fd, candidate, kind, 0);
                    err = errno;
                    free(candidate);
                }
                if (fd < 0 && last && err == ENOENT) {
                    /* The final component is missing (or a dangling link): the
                     * caller may create it in dir_fd, the parent. */
                    free(spelled[i]);
                    spelled[i] = strdup(components[i]);
                    out->parent_fd = dir_fd;
                    dir_fd = -1;
                    if (!spelled[i]) {
                        status = STATUS_NO_MEMORY;
                        goto done;
                    }
                    break;
                }
            }
            if (fd < 0) {
                close(dir_fd);
                status = err == ENOENT || err == ENOTDIR ? (last ? STATUS_OBJECT_NAME_NOT_FOUND
                                                                 : STATUS_OBJECT_PATH_NOT_FOUND)
                                                         : status_from_lookup_errno(err, last);
                if (err == ENOTDIR)
                    status = STATUS_OBJECT_PATH_NOT_FOUND;
                goto done;
            }
            if (last) {
                out->fd = fd;
                out->parent_fd = dir_fd;
                dir_fd = -1;
            } else {
                close(dir_fd);
                dir_fd = fd;
            }
        }
        if (dir_fd >= 0)
            close(dir_fd);
    } else {
        for (size_t i = 0; i < count; i++) {
            spelled[i] = strdup(components[i]);
            if (!spelled[i]) {
                status = STATUS_NO_MEMORY;
                goto done;
            }
        }
    }

    if (out->fd >= 0) {
        out->exists = true;
        status = pvfs_fd_path(volume, out->fd, &out->path);
        if (status != STATUS_SUCCESS)
            goto done;
        if (!pvfs_path_is_beneath(out->path, beneath)) {
            status = STATUS_ACCESS_DENIED;
            goto done;
        }
        out->name = strdup(pvfs_path_basename(out->path));
        out->parent = pvfs_path_dirname(out->path);
        if (!out->name || !out->parent) {
            status = STATUS_NO_MEMORY;
            goto done;
        }
        if (out->parent_fd < 0 && *out->path) {
            status = pvfs_open_parent(volume, out->path, &out->parent_fd);
            if (status != STATUS_SUCCESS)
                goto done;
        }
    } else {
        /* Missing: the parent is the resolved prefix. */
        if (out->parent_fd < 0) {
            char *prefix = join_components(spelled, count - 1);
            if (!prefix) {
                status = STATUS_NO_MEMORY;
                goto done;
            }
            out->parent_fd = openat2_beneath(beneath_fd, prefix, O_PATH | O_DIRECTORY, 0);
            int err = errno;
            free(prefix);
            if (out->parent_fd < 0) {
                status = err == ENOENT || err == ENOTDIR ? STATUS_OBJECT_PATH_NOT_FOUND
                                                          : status_from_lookup_errno(err, false);
                goto done;
            }
        }
        status = pvfs_fd_path(volume, out->parent_fd, &out->parent);
        if (status != STATUS_SUCCESS)
            goto done;
        if (!pvfs_path_is_beneath(out->parent, beneath)) {
            status = STATUS_ACCESS_DENIED;
            goto done;
        }
        out->name = strdup(components[count - 1]);
        out->path = out->name ? pvfs_path_join(out->parent, out->name) : NULL;
        if (!out->path) {
            status = STATUS_NO_MEMORY;
            goto done;
        }
    }
    status = STATUS_SUCCESS;
done:
    if (spelled) {
        for (size_t i = 0; i < count; i++)
            free(spelled[i]);
        free(spelled);
    }
    free(rel);
    if (status != STATUS_SUCCESS)
        pvfs_resolved_free(out);
    return status;
}
