/* Change notification on directories ([MS-FSA] 2.1.5.11 "Server Requests
 * Change Notifications for a Directory"), from Linux inotify, so changes
 * made by anything on the disk are seen, not only those made through pvfs.
 *
 * Model (NT's): the first request on a directory open arms the watch with
 * its completion filter and watch-tree flag; from then on every matching
 * change is buffered on the open, and each request takes what is buffered
 * (or waits for the next change). The buffer holds at most as many bytes of
 * FILE_NOTIFY_INFORMATION as the arming request's output buffer; past that
 * the buffered changes are dropped and the next request completes with
 * STATUS_NOTIFY_ENUM_DIR ("enumerate the directory again"), as does a
 * request whose buffer cannot hold the records. Close completes waiting
 * requests with STATUS_NOTIFY_CLEANUP.
 *
 * Per volume: one inotify instance and one event thread, started by the
 * first request. inotify watches single directories, so a tree watch also
 * watches every subdirectory (bounded, PVFS_NOTIFY_MAX_WATCHES), and adds
 * watches for directories created or moved in later. A watch is dropped
 * once no armed open covers it.
 *
 * Locking: volume->notify_lock guards everything here; done callbacks run
 * without it. */
#include "drivers/pvfs/pvfs_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

/* Bounds: watches per volume, tree depth, bytes kept per open. */
#define PVFS_NOTIFY_MAX_WATCHES 8192u
#define PVFS_NOTIFY_MAX_DEPTH 32
#define PVFS_NOTIFY_MAX_BUFFER 65536u

/* No IN_DONT_FOLLOW: watches are added through /proc/self/fd links,
 * which must be followed (to the directory opened, never a name's). */
#define WATCH_MASK (IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | \
                    IN_MOVED_TO | IN_ONLYDIR | IN_EXCL_UNLINK)

struct notify_record {
    struct notify_record *next;
    uint32_t action;
    char *name; /* relative to the watched directory, backslashes */
};

struct pvfs_notify_request {
    struct pvfs_notify_request *next;
    void *buffer;
    uint32_t length;
    pvfs_notify_done_fn done;
    void *context;
    NTSTATUS status;  /* when taken off the queue */
    uint32_t written;
};

struct pvfs_notify_open {
    struct pvfs_notify_open *next;
    struct pvfs_file *file;
    char *dir;          /* root-relative, at arming */
    uint32_t filter;
    bool tree;
    struct notify_record *records, **records_tail, *last;
    size_t bytes;       /* the records' size as FILE_NOTIFY_INFORMATION */
    size_t limit;
    bool overflow;
    struct pvfs_notify_request *requests, **requests_tail;
};

struct notify_watch {
    struct notify_watch *next;
    int wd;
    char *path;         /* root-relative */
};

struct pvfs_notify {
    int ifd;
    int wake_fd;
    pthread_t thread;
    struct notify_watch *watches;
    size_t watch_count;
    struct pvfs_notify_open *opens;
    /* The entry created last and when (CLOCK_MONOTONIC, ns): see
     * handle_batch. */
    int created_wd;
    char created_name[256];
    uint64_t created_at;
};

/* ---- Watches (notify_lock held) ---- */

static struct notify_watch *watch_by_wd(struct pvfs_notify *n, int wd)
{
    for (struct notify_watch *w = n->watches; w; w = w->next)
        if (w->wd == wd)
            return w;
    return NULL;
}

/* Watches the directory open as dir_fd, whose root-relative path is path.
 * inotify takes a path, and one resolved by name would follow a symlink
 * swapped in for any component but the last; the fd's /proc link names
 * exactly the directory that was opened, however it is reached. */
static void watch_add_fd(struct pvfs_volume *v, const char *path, int dir_fd)
{
    struct pvfs_notify *n = v->notify;
    if (n->watch_count >= PVFS_NOTIFY_MAX_WATCHES)
        return;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", dir_fd);
    int wd = inotify_add_watch(n->ifd, proc, WATCH_MASK);
    if (wd < 0)
        return; /* the system's limit: seen as no change */
    struct notify_watch *w = watch_by_wd(n, wd);
    if (w) {
        /* The same directory (inotify keys by inode): keep its newest name. */
        char *p = strdup(path);
        if (p) {
            free(w->path);
            w->path = p;
        }
        return;
    }
    w = calloc(1, sizeof *w);
    if (w && !(w->path = strdup(path))) {
        free(w);
        w = NULL;
    }
    if (!w) {
        inotify_rm_watch(n->ifd, wd);
        return;
    }
    w->wd = wd;
    w->next = n->watches;
    n->watches = w;
    n->watch_count++;
}

/* Opens rel beneath dir_fd for watching: no "..", no symlink on any
 * component (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), a directory. */
static int open_watched(int dir_fd, const char *rel)
{
    return pvfs_openat_no_symlinks(dir_fd, rel, O_RDONLY | O_DIRECTORY);
}

/* Watches the directory rel beneath dir_fd (root-relative path: path) and,
 * for a tree, the directories beneath it, each opened beneath its parent. */
static void watch_tree_at(struct pvfs_volume *v, const char *path, int dir_fd, const char *rel,
                          bool tree, int depth)
{
    int fd = open_watched(dir_fd, rel);
    if (fd < 0)
        return; /* gone meanwhile, or reached through a symlink: not watched */
    watch_add_fd(v, path, fd);
    if (!tree || depth >= PVFS_NOTIFY_MAX_DEPTH ||
        v->notify->watch_count >= PVFS_NOTIFY_MAX_WATCHES) {
        close(fd);
        return;
    }
    int list_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = list_fd >= 0 ? fdopendir(list_fd) : NULL;
    if (!d) {
        if (list_fd >= 0)
            close(list_fd);
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = pvfs_path_join(path, e->d_name);
        if (child)
            watch_tree_at(v, child, fd, e->d_name, true, depth + 1);
        free(child);
    }
    closedir(d);
    close(fd);
}

/* Watches the root-relative path (and, for a tree, what lies beneath it),
 * resolved from the volume root without following any symlink: paths kept
 * here are canonical, so a symlink on the way is one swapped in since. */
static void watch_tree(struct pvfs_volume *v, const char *path, int depth)
{
    watch_tree_at(v, path, v->root_fd, path, true, depth);
}

static bool open_covers(const struct pvfs_notify_open *o, const char *path)
{
    return strcmp(o->dir, path) == 0 || (o->tree && pvfs_path_is_beneath(path, o->dir));
}

static void watch_free(struct pvfs_notify *n, struct notify_watch **pp, bool remove)
{
    struct notify_watch *w = *pp;
    *pp = w->next;
    if (remove)
        inotify_rm_watch(n->ifd, w->wd);
    free(w->path);
    free(w);
    n->watch_count--;
}

/* Drops the watches no open needs; only_beneath (may be NULL): only those
 * at or beneath that path, whatever the opens (a directory moved away). */
static void watch_collect(struct pvfs_notify *n, const char *only_beneath)
{
    struct notify_watch **pp = &n->watches;
    while (*pp) {
        bool drop;
        if (only_beneath) {
            drop = pvfs_path_is_beneath((*pp)->path, only_beneath);
        } else {
            drop = true;
            for (struct pvfs_notify_open *o = n->opens; o && drop; o = o->next)
                drop = !open_covers(o, (*pp)->path);
        }
        if (drop)
            watch_free(n, pp, true);
        else
            pp = &(*pp)->next;
    }
}

/* ---- Records and requests (notify_lock held) ---- */

static size_t record_size(const char *name)
{
    /* UTF-16 units never outnumber UTF-8 bytes; 4-byte alignment. */
    return (12 + 2 * strlen(name) + 3) & ~(size_t)3;
}

static void records_clear(struct pvfs_notify_open *o)
{
    while (o->records) {
        struct notify_record *r = o->records;
        o->records = r->next;
        free(r->name);
        free(r);
    }
    o->records_tail = &o->records;
    o->last = NULL;
    o->bytes = 0;
}

static void record_add(struct pvfs_notify_open *o, uint32_t action, const char *name)
{
    if (o->overflow)
        return;
    /* A burst of writes to one file is one change to report. */
    struct notify_record *last = o->last;
    if (last && last->action == action && action == FILE_ACTION_MODIFIED &&
        strcmp(last->name, name) == 0)
        return;
    size_t size = record_size(name);
    struct notify_record *r = NULL;
    if (o->bytes + size > o->limit || !(r = calloc(1, sizeof *r)) ||
        !(r->name = strdup(name))) {
        free(r);
        records_clear(o);
        o->overflow = true;
        return;
    }
    for (char *p = r->name; *p; p++)
        if (*p == '/')
            *p = '\\';
    r->action = action;
    *o->records_tail = r;
    o->records_tail = &r->next;
    o->last = r;
    o->bytes += size;
}

/* Fills req from what o has buffered, and empties the buffer. */
static void request_fill(struct pvfs_notify_open *o, struct pvfs_notify_request *req)
{
    req->written = 0;
    req->status = STATUS_NOTIFY_ENUM_DIR;
    if (!o->overflow) {
        struct buf b;
        buf_init(&b);
        size_t last = 0;
        for (struct notify_record *r = o->records; r; r = r->next) {
            wr_align(&b, 4);
            if (r != o->records)
                wr_put_u32_at(&b, last, (uint32_t)(b.len - last));
            last = b.len;
            wr_u32(&b, 0);          /* NextEntryOffset */
            wr_u32(&b, r->action);
            size_t at = wr_reserve(&b, 4);
            long n = pvfs_put_utf16(&b, r->name);
            wr_put_u32_at(&b, at, n < 0 ? 0 : (uint32_t)n);
        }
        if (wr_ok(&b) && b.len <= req->length) {
            if (b.len)
                memcpy(req->buffer, b.data, b.len);
            req->written = (uint32_t)b.len;
            req->status = STATUS_SUCCESS;
        }
        buf_free(&b);
    }
    records_clear(o);
    o->overflow = false;
}

/* Takes the first waiting request of o if there is something for it; it goes
 * on *done for completion without the lock. */
static void deliver(struct pvfs_notify_open *o, struct pvfs_notify_request **done)
{
    if (!o->requests || (!o->records && !o->overflow))
        return;
    struct pvfs_notify_request *req = o->requests;
    o->requests = req->next;
    if (!o->requests)
        o->requests_tail = &o->requests;
    request_fill(o, req);
    req->next = *done;
    *done = req;
}

static void complete_all(struct pvfs_notify_request *done)
{
    while (done) {
        struct pvfs_notify_request *req = done;
        done = req->next;
        req->done(req->context, req->status, req->written);
        free(req);
    }
}

/* ---- The event thread ---- */

/* One change: full is the root-relative path of the entry. */
static void dispatch_change(struct pvfs_notify *n, const char *full, uint32_t action,
                            uint32_t changes)
{
    char *parent = pvfs_path_dirname(full);
    if (!parent)
        return;
    for (struct pvfs_notify_open *o = n->opens; o; o = o->next) {
        if (!(o->filter & changes))
            continue;
        const char *name;
        if (strcmp(parent, o->dir) == 0)
            name = pvfs_path_basename(full);
        else if (o->tree && pvfs_path_is_beneath(parent, o->dir))
            name = full + strlen(o->dir) + (o->dir[0] ? 1 : 0);
        else
            continue;
        record_add(o, action, name);
    }
    free(parent);
}

static bool tree_covers(struct pvfs_notify *n, const char *path)
{
    for (struct pvfs_notify_open *o = n->opens; o; o = o->next)
        if (o->tree && pvfs_path_is_beneath(path, o->dir))
            return true;
    return false;
}

/* The next event of a batch, or NULL. */
static const struct inotify_event *next_event(const char *buf, size_t len, size_t *off)
{
    if (*off + sizeof(struct inotify_event) > len)
        return NULL;
    const struct inotify_event *e = (const struct inotify_event *)(buf + *off);
    if (e->len > len - *off - sizeof *e)
        return NULL;
    *off += sizeof *e + e->len;
    return e;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* pvfs itself stores a new file's descriptor and DOS attributes right after
 * creating it (xattrs: IN_ATTRIB); NT reports a creation alone. Within 2 ms
 * of its creation an inode change of the entry is taken for those (a
 * client's own change comes after a round trip). */
#define CREATION_SETTLE_NS 2000000u

static bool just_created(struct pvfs_notify *n, const struct inotify_event *e)
{
    return n->created_wd == e->wd && strcmp(n->created_name, e->name) == 0 &&
           now_ns() - n->created_at < CREATION_SETTLE_NS;
}

static void handle_batch(struct pvfs_volume *v, const char *buf, size_t len)
{
    struct pvfs_notify *n = v->notify;
    const struct inotify_event *prev = NULL, *e;
    size_t off = 0;
    while ((e = next_event(buf, len, &off)) != NULL) {
        if (e->mask & IN_Q_OVERFLOW) {
            for (struct pvfs_notify_open *o = n->opens; o; o = o->next) {
                records_clear(o);
                o->overflow = true;
            }
            prev = e;
            continue;
        }
        struct notify_watch **pp = &n->watches;
        while (*pp && (*pp)->wd != e->wd)
            pp = &(*pp)->next;
        if (!*pp) {
            prev = e;
            continue;
        }
        if (e->mask & IN_IGNORED) {
            watch_free(n, pp, false); /* the directory is gone */
            prev = e;
            continue;
        }
        if (!e->len || !e->name[0]) {
            prev = e;
            continue;
        }
        char *full = pvfs_path_join((*pp)->path, e->name);
        if (!full)
            break;
        bool dir = e->mask & IN_ISDIR;
        uint32_t names = dir ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME;
        if (e->mask & IN_CREATE) {
            if (strlen(e->name) < sizeof n->created_name) {
                n->created_wd = e->wd;
                strcpy(n->created_name, e->name);
                n->created_at = now_ns();
            }
            dispatch_change(n, full, FILE_ACTION_ADDED, names);
            if (dir && tree_covers(n, full))
                watch_tree(v, full, 0);
        } else if (e->mask & IN_DELETE) {
            dispatch_change(n, full, FILE_ACTION_REMOVED, names);
        } else if (e->mask & IN_MOVED_FROM) {
            /* A rename comes as FROM then TO with one cookie. NT reports
             * old and new name for a rename within one directory; a move
             * to another directory (or out of the watches) is a removal
             * here and an addition there. */
            size_t peek = off;
            const struct inotify_event *to = next_event(buf, len, &peek);
            bool paired = to && (to->mask & IN_MOVED_TO) && to->cookie == e->cookie &&
                          to->wd == e->wd;
            dispatch_change(n, full, paired ? FILE_ACTION_RENAMED_OLD_NAME : FILE_ACTION_REMOVED,
                            names);
            if (dir)
                watch_collect(n, full);
        } else if (e->mask & IN_MOVED_TO) {
            bool paired = prev && (prev->mask & IN_MOVED_FROM) && prev->cookie == e->cookie &&
                          prev->wd == e->wd;
            dispatch_change(n, full, paired ? FILE_ACTION_RENAMED_NEW_NAME : FILE_ACTION_ADDED,
                            names);
            if (dir && tree_covers(n, full))
                watch_tree(v, full, 0);
        } else if (e->mask & IN_MODIFY) {
            dispatch_change(n, full, FILE_ACTION_MODIFIED,
                            FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE |
                                FILE_NOTIFY_CHANGE_STREAM_WRITE);
        } else if (e->mask & IN_ATTRIB) {
            /* Mode, owner, times and every xattr (DOS attributes, ACL, EAs,
             * streams) change the inode alike; inotify cannot tell which.
             * An unlink drops the link count (IN_ATTRIB) just before its
             * IN_DELETE: that is no attribute change of its own. */
            size_t peek = off;
            const struct inotify_event *next = next_event(buf, len, &peek);
            if ((next && (next->mask & IN_DELETE) && next->wd == e->wd &&
                 strcmp(next->name, e->name) == 0) ||
                just_created(n, e)) {
                free(full);
                prev = e;
                continue;
            }
            dispatch_change(n, full, FILE_ACTION_MODIFIED,
                            FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_LAST_WRITE |
                                FILE_NOTIFY_CHANGE_LAST_ACCESS | FILE_NOTIFY_CHANGE_CREATION |
                                FILE_NOTIFY_CHANGE_EA | FILE_NOTIFY_CHANGE_SECURITY |
                                FILE_NOTIFY_CHANGE_STREAM_NAME |
                                FILE_NOTIFY_CHANGE_STREAM_SIZE);
        }
        free(full);
        prev = e;
    }
}

static void *event_thread(void *arg)
{
    struct pvfs_volume *v = arg;
    struct pvfs_notify *n = v->notify;
    /* Aligned for struct inotify_event; room for many events per read. */
    static _Thread_local union {
        struct inotify_event e;
        char bytes[65536];
    } buf;
    for (;;) {
        struct pollfd fds[2] = { { .fd = n->ifd, .events = POLLIN },
                                 { .fd = n->wake_fd, .events = POLLIN } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_error("pvfs: notify poll: %s", strerror(errno));
            break;
        }
        if (fds[1].revents)
            break;
        ssize_t got = read(n->ifd, buf.bytes, sizeof buf.bytes);
        if (got <= 0)
            continue;
        struct pvfs_notify_request *done = NULL;
        pthread_mutex_lock(&v->notify_lock);
        handle_batch(v, buf.bytes, (size_t)got);
        for (struct pvfs_notify_open *o = n->opens; o; o = o->next)
            deliver(o, &done);
        pthread_mutex_unlock(&v->notify_lock);
        complete_all(done);
    }
    return NULL;
}

/* Starts the volume's inotify instance and thread (notify_lock held). */
static NTSTATUS notify_start(struct pvfs_volume *v)
{
    if (v->notify)
        return STATUS_SUCCESS;
    struct pvfs_notify *n = calloc(1, sizeof *n);
    if (!n)
        return STATUS_NO_MEMORY;
    n->ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    n->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    NTSTATUS status = STATUS_SUCCESS;
    if (n->ifd < 0 || n->wake_fd < 0)
        status = STATUS_INSUFFICIENT_RESOURCES;
    v->notify = n;
    if (status == STATUS_SUCCESS && pthread_create(&n->thread, NULL, event_thread, v) != 0)
        status = STATUS_INSUFFICIENT_RESOURCES;
    if (status != STATUS_SUCCESS) {
        if (n->ifd >= 0)
            close(n->ifd);
        if (n->wake_fd >= 0)
            close(n->wake_fd);
        free(n);
        v->notify = NULL;
    }
    return status;
}

void pvfs_notify_shutdown(struct pvfs_volume *v)
{
    struct pvfs_notify *n = v->notify;
    if (!n)
        return;
    uint64_t one = 1;
    if (write(n->wake_fd, &one, sizeof one) != sizeof one)
        log_error("pvfs: cannot stop the notify thread");
    pthread_join(n->thread, NULL);
    while (n->watches)
        watch_free(n, &n->watches, true);
    close(n->ifd);
    close(n->wake_fd);
    free(n);
    v->notify = NULL;
}

/* ---- The API ---- */

NTSTATUS pvfs_notify_change(struct pvfs_file *file, uint32_t filter, bool tree, void *buffer,
                            uint32_t length, pvfs_notify_done_fn done, void *context,
                            uint32_t *written)
{
    *written = 0;
    if (!file->is_directory || file->stream)
        return STATUS_INVALID_PARAMETER;
    /* Watching lists the directory's names (Windows, smbtorture's
     * notify.handle-permissions). */
    if (!(file->granted_access & FILE_LIST_DIRECTORY))
        return STATUS_ACCESS_DENIED;
    struct pvfs_volume *v = file->volume;
    struct pvfs_notify_request *req = calloc(1, sizeof *req);
    if (!req)
        return STATUS_NO_MEMORY;
    req->buffer = buffer;
    req->length = length;
    req->done = done;
    req->context = context;
    pthread_mutex_lock(&v->notify_lock);
    NTSTATUS status = notify_start(v);
    struct pvfs_notify_open *o = file->notify;
    if (status == STATUS_SUCCESS && !o) {
        o = calloc(1, sizeof *o);
        if (o && !(o->dir = strdup(pvfs_file_path(file)))) {
            free(o);
            o = NULL;
        }
        if (o) {
            o->file = file;
            o->filter = filter;
            o->tree = tree;
            o->records_tail = &o->records;
            o->requests_tail = &o->requests;
            o->limit = length < PVFS_NOTIFY_MAX_BUFFER ? length : PVFS_NOTIFY_MAX_BUFFER;
            o->next = v->notify->opens;
            v->notify->opens = o;
            file->notify = o;
            /* From the open's own directory: no name is resolved again. */
            watch_tree_at(v, o->dir, file->fd, "", tree, 0);
        } else {
            status = STATUS_NO_MEMORY;
        }
    }
    if (status == STATUS_SUCCESS) {
        if (o->records || o->overflow) {
            /* Changes since the last request: answered at once. */
            request_fill(o, req);
            status = req->status;
            *written = req->written;
        } else {
            *o->requests_tail = req;
            o->requests_tail = &req->next;
            req = NULL;
            status = STATUS_PENDING;
        }
    }
    pthread_mutex_unlock(&v->notify_lock);
    free(req);
    return status;
}

bool pvfs_notify_cancel(struct pvfs_file *file, void *context, NTSTATUS status)
{
    struct pvfs_volume *v = file->volume;
    struct pvfs_notify_request *found = NULL;
    pthread_mutex_lock(&v->notify_lock);
    struct pvfs_notify_open *o = file->notify;
    for (struct pvfs_notify_request **pp = o ? &o->requests : NULL; pp && *pp; pp = &(*pp)->next) {
        if ((*pp)->context == context) {
            found = *pp;
            *pp = found->next;
            if (!o->requests)
                o->requests_tail = &o->requests;
            else if (o->requests_tail == &found->next)
                o->requests_tail = pp;
            found->next = NULL;
            found->status = status;
            found->written = 0;
            break;
        }
    }
    pthread_mutex_unlock(&v->notify_lock);
    complete_all(found);
    return found != NULL;
}

void pvfs_notify_close(struct pvfs_file *file)
{
    struct pvfs_volume *v = file->volume;
    struct pvfs_notify_request *done = NULL;
    pthread_mutex_lock(&v->notify_lock);
    struct pvfs_notify_open *o = file->notify;
    if (o) {
        file->notify = NULL;
        for (struct pvfs_notify_open **pp = &v->notify->opens; *pp; pp = &(*pp)->next) {
            if (*pp == o) {
                *pp = o->next;
                break;
            }
        }
        watch_collect(v->notify, NULL);
        done = o->requests;
        for (struct pvfs_notify_request *r = done; r; r = r->next) {
            r->status = STATUS_NOTIFY_CLEANUP;
            r->written = 0;
        }
        records_clear(o);
        free(o->dir);
        free(o);
    }
    pthread_mutex_unlock(&v->notify_lock);
    complete_all(done);
}

struct pvfs_notify_request *pvfs_notify_delete_pending(struct pvfs_volume *v,
                                                       struct pvfs_node *node)
{
    struct pvfs_notify_request *done = NULL;
    pthread_mutex_lock(&v->notify_lock);
    for (struct pvfs_file *f = node->opens; f; f = f->node_next) {
        struct pvfs_notify_open *o = f->notify;
        if (!o)
            continue;
        while (o->requests) {
            struct pvfs_notify_request *r = o->requests;
            o->requests = r->next;
            r->status = STATUS_DELETE_PENDING;
            r->written = 0;
            r->next = done;
            done = r;
        }
        o->requests_tail = &o->requests;
    }
    pthread_mutex_unlock(&v->notify_lock);
    return done;
}

void pvfs_notify_complete(struct pvfs_notify_request *done)
{
    complete_all(done);
}
