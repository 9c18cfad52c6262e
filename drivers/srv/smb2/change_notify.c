/* SMB2 CHANGE_NOTIFY ([MS-SMB2] 2.2.35, 2.2.36, 3.3.5.19) on what srv itself
 * changes; see server.h for the model. The request goes async at once (it
 * may wait indefinitely, 3.3.4.2) and ends with STATUS_NOTIFY_ENUM_DIR when
 * a change touches the directory, STATUS_CANCELLED on CANCEL (or logoff,
 * teardown), STATUS_NOTIFY_CLEANUP when its directory is closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/srv/smb2/io.h"

#define SMB2_WATCH_TREE 0x0001
#define SMB2_CHANGE_NOTIFY_RESPONSE_SIZE 9

/* Lives as long as its request (smb2_request_alloc), so a CANCEL racing
 * with the completion finds it still there. */
struct srv_notify_watch {
    struct srv_notify_watch *next;
    struct smb2_request *req;
    struct srv_open *open;        /* reference: the directory */
    char *dir;                    /* its I/O manager path */
    bool recursive;
    bool armed;                   /* parked and gone async: may complete */
    bool cancel_seen;             /* a CANCEL came before it was armed */
};

static void watch_cleanup(void *data)
{
    struct srv_notify_watch *w = data;
    free(w->dir);
}

static char *open_full_path(const struct srv_open *o)
{
    const char *share = o->tree->share.path;
    size_t n = strlen(share) + 1 + strlen(o->path) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s%s", share, o->path[0] ? "\\" : "", o->path);
    return p;
}

/* Takes w off the list (notify_lock held); false if someone else did. */
static bool take(struct srv_engine *e, struct srv_notify_watch *w)
{
    for (struct srv_notify_watch **pp = &e->notify_watches; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            atomic_fetch_sub(&e->notify_count, 1);
            return true;
        }
    }
    return false;
}

static void finish(struct srv_notify_watch *w, NTSTATUS status)
{
    struct smb2_request *req = w->req;
    req->io_open = NULL;
    srv_open_unref(w->open);
    w->open = NULL;
    if (status == STATUS_NOTIFY_ENUM_DIR) {
        /* 2.2.36: no FILE_NOTIFY_INFORMATION, just "look again". */
        struct buf *out = &req->out;
        wr_u16(out, SMB2_CHANGE_NOTIFY_RESPONSE_SIZE);
        wr_u16(out, (uint16_t)(smb2_rsp_offset(req) + 6));
        wr_u32(out, 0);
        wr_u8(out, 0);
    }
    smb2_request_resume(req, status);
}

static void notify_cancel(struct smb2_request *req, void *context)
{
    struct srv_notify_watch *w = context;
    struct srv_engine *e = req->conn->engine;
    pthread_mutex_lock(&e->notify_lock);
    bool mine = false;
    if (!w->armed)
        w->cancel_seen = true; /* smb2_change_notify ends it once armed */
    else
        mine = take(e, w);
    pthread_mutex_unlock(&e->notify_lock);
    if (mine)
        finish(w, req->cancelled_by_close ? STATUS_NOTIFY_CLEANUP : STATUS_CANCELLED);
}

/* Does a change of path concern a watch of dir? Its parent is dir, or, for
 * a recursive watch, it lies beneath dir. */
static bool concerns(const struct srv_notify_watch *w, const char *path)
{
    size_t n = strlen(w->dir);
    if (strncasecmp(path, w->dir, n) != 0 || path[n] != '\\')
        return false;
    return w->recursive || !strchr(path + n + 1, '\\');
}

void srv_notify_changed(struct srv_engine *e, const char *path)
{
    if (atomic_load(&e->notify_count) == 0 || !path)
        return;
    for (;;) {
        pthread_mutex_lock(&e->notify_lock);
        struct srv_notify_watch *w = e->notify_watches;
        while (w && !(w->armed && concerns(w, path)))
            w = w->next;
        if (w)
            take(e, w);
        pthread_mutex_unlock(&e->notify_lock);
        if (!w)
            return;
        finish(w, STATUS_NOTIFY_ENUM_DIR);
    }
}

void srv_notify_open_changed(struct srv_open *o)
{
    if (atomic_load(&o->engine->notify_count) == 0 || o->is_pipe)
        return;
    char *p = open_full_path(o);
    srv_notify_changed(o->engine, p);
    free(p);
}

NTSTATUS smb2_change_notify(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);                        /* StructureSize */
    uint16_t flags = rd_u16(r);
    uint32_t output_length = rd_u32(r);
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    uint32_t filter = rd_u32(r);
    if (!rd_ok(r))
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&req->conn->lock);
    uint32_t max_transact = req->conn->max_transact_size;
    pthread_mutex_unlock(&req->conn->lock);
    if (output_length > max_transact)
        return STATUS_INVALID_PARAMETER;
    /* A request that may wait forever cannot hold up the rest of a compound
     * (the dispatcher runs its elements in order): like Windows ([MS-SMB2]
     * <159>), only the last element of a compound may watch. */
    if (req->hdr.next_command != 0)
        return STATUS_INTERNAL_ERROR;
    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct srv_notify_watch *w = NULL;
    if (!open->is_directory || open->is_pipe || filter == 0) {
        status = STATUS_INVALID_PARAMETER; /* 3.3.5.19: a directory, something to watch */
    } else if (!(w = smb2_request_alloc(req, sizeof *w, watch_cleanup)) ||
               !(w->dir = open_full_path(open))) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (status != STATUS_SUCCESS) {
        srv_open_unref(open);
        return status;
    }
    w->open = open;
    w->recursive = flags & SMB2_WATCH_TREE;
    w->req = req;
    struct srv_engine *e = req->conn->engine;
    pthread_mutex_lock(&e->notify_lock);
    w->next = e->notify_watches;
    e->notify_watches = w;
    atomic_fetch_add(&e->notify_count, 1);
    pthread_mutex_unlock(&e->notify_lock);
    req->io_open = open; /* its CLOSE ends the watch */
    smb2_request_park(req, notify_cancel, w);
    smb2_request_go_async(req);
    pthread_mutex_lock(&e->notify_lock);
    w->armed = true;
    bool cancelled = w->cancel_seen && take(e, w);
    pthread_mutex_unlock(&e->notify_lock);
    if (cancelled)
        finish(w, req->cancelled_by_close ? STATUS_NOTIFY_CLEANUP : STATUS_CANCELLED);
    return STATUS_PENDING;
}
