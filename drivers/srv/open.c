/* Opens: one I/O manager file per successful CREATE, kept in the session's
 * open table, closed once no I/O on it is in flight. */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "lib/log.h"
#include "lwiod/driver.h"

struct srv_open *srv_open_new(struct srv_engine *engine, struct srv_tree *tree,
                              struct io_file *file)
{
    struct srv_open *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    atomic_init(&o->refs, 1);
    o->engine = engine;
    srv_tree_ref(tree);
    o->tree = tree;
    o->file = file;
    o->is_pipe = tree->share.type == SRV_SHARE_PIPE;
    pthread_mutex_init(&o->lock, NULL);
    return o;
}

void srv_open_ref(struct srv_open *open)
{
    atomic_fetch_add(&open->refs, 1);
}

struct closing {
    struct srv_open *open; /* reference */
    struct io_async_control async;
    struct io_status_block iosb;
    srv_open_closed_fn fn;
    void *context;
};

static void close_done(void *context)
{
    struct closing *c = context;
    if (c->async.cancel)
        IoCancelRefRelease(c->async.cancel);
    /* The file is closed: a CREATE waiting on its oplock may go on. */
    if (c->open)
        srv_oplock_leave(c->open);
    if (c->fn)
        c->fn(c->context, c->iosb.status);
    if (c->open)
        srv_open_unref(c->open);
    free(c);
}

/* Issues the I/O manager close (open->lock not held); o is referenced until
 * it completes unless o is NULL (the file alone is closed). */
static void issue_file_close(struct srv_open *o, struct io_file *file, srv_open_closed_fn fn,
                             void *context)
{
    struct closing *c = calloc(1, sizeof *c);
    if (!c) {
        /* Without memory for the asynchronous form, close synchronously:
         * rare, and a close never waits on a client. */
        struct io_status_block iosb;
        IoCloseFile(file, NULL, &iosb);
        if (fn)
            fn(context, STATUS_SUCCESS);
        return;
    }
    if (o)
        srv_open_ref(o);
    c->open = o;
    c->fn = fn;
    c->context = context;
    c->async.callback = close_done;
    c->async.context = c;
    NTSTATUS status = IoCloseFile(file, &c->async, &c->iosb);
    if (status != STATUS_PENDING) {
        c->iosb.status = status;
        close_done(c);
    }
}

static void issue_close(struct srv_open *o, srv_open_closed_fn fn, void *context)
{
    issue_file_close(o, o->file, fn, context);
}

void srv_open_unref(struct srv_open *o)
{
    if (atomic_fetch_sub(&o->refs, 1) != 1)
        return;
    /* Every path closes before the last reference goes; this is the safety
     * net for one that did not (the close needs no reference of ours). */
    if (!o->close_issued && o->file)
        issue_file_close(NULL, o->file, NULL, NULL);
    srv_oplock_leave(o);
    srv_open_uncharge(o);
    srv_tree_unref(o->tree);
    pthread_mutex_destroy(&o->lock);
    free(o);
}

bool srv_open_begin_io(struct srv_open *o)
{
    pthread_mutex_lock(&o->lock);
    bool ok = !o->closed;
    if (ok)
        o->inflight++;
    pthread_mutex_unlock(&o->lock);
    return ok;
}

void srv_open_end_io(struct srv_open *o)
{
    pthread_mutex_lock(&o->lock);
    o->inflight--;
    bool go = o->closed && o->inflight == 0 && !o->close_issued;
    if (go)
        o->close_issued = true;
    srv_open_closed_fn fn = o->closed_fn;
    void *context = o->closed_context;
    pthread_mutex_unlock(&o->lock);
    if (go)
        issue_close(o, fn, context);
}

void srv_open_close(struct srv_open *o, srv_open_closed_fn fn, void *context)
{
    pthread_mutex_lock(&o->lock);
    if (o->closed) {
        pthread_mutex_unlock(&o->lock);
        if (fn)
            fn(context, STATUS_FILE_CLOSED);
        return;
    }
    o->closed = true;
    o->closed_fn = fn;
    o->closed_context = context;
    bool go = o->inflight == 0;
    if (go)
        o->close_issued = true;
    pthread_mutex_unlock(&o->lock);
    /* No reconnect or replay finds it any more (the caller's reference
     * keeps it while the table's goes). */
    srv_durable_unregister(o);
    if (go)
        issue_close(o, fn, context);
}

/* ---- The session's open table ------------------------------------------- */

NTSTATUS srv_session_add_open(struct srv_session *s, struct srv_open *open)
{
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&s->lock);
    if (s->dead) {
        status = STATUS_USER_SESSION_DELETED;
    } else if (s->open_count == s->open_capacity) {
        size_t cap = s->open_capacity ? s->open_capacity * 2 : 8;
        struct srv_open **grown = cap > 65536 ? NULL : realloc(s->opens, cap * sizeof *grown);
        if (!grown) {
            status = STATUS_TOO_MANY_OPENED_FILES;
        } else {
            s->opens = grown;
            s->open_capacity = cap;
        }
    }
    if (status == STATUS_SUCCESS) {
        /* FileId halves of all ones mean "the previous one" in compounds. */
        if (s->next_open_id == 0 || s->next_open_id == UINT64_MAX)
            s->next_open_id = 1;
        open->id = s->next_open_id++;
        /* The volatile FileId is per session (two sessions' first opens are
         * both 1); listings and closes by an administrator need one id for
         * the whole server. Kept across a durable reconnect. */
        if (!open->list_id)
            open->list_id = atomic_fetch_add(&open->engine->next_list_id, 1) + 1;
        pthread_mutex_lock(&open->engine->durable_lock);
        open->session_id = s->id;
        pthread_mutex_unlock(&open->engine->durable_lock);
        srv_open_ref(open);
        s->opens[s->open_count++] = open;
    }
    pthread_mutex_unlock(&s->lock);
    return status;
}

static struct srv_open *find_locked(struct srv_session *s, uint64_t persistent,
                                    uint64_t volatile_id, size_t *index)
{
    for (size_t i = 0; i < s->open_count; i++) {
        if (s->opens[i]->id == volatile_id && s->opens[i]->persistent_id == persistent) {
            *index = i;
            return s->opens[i];
        }
    }
    return NULL;
}

struct srv_open *srv_session_find_open(struct srv_session *s, uint64_t persistent,
                                       uint64_t volatile_id)
{
    size_t i;
    pthread_mutex_lock(&s->lock);
    struct srv_open *o = find_locked(s, persistent, volatile_id, &i);
    if (o)
        srv_open_ref(o);
    pthread_mutex_unlock(&s->lock);
    return o;
}

struct srv_open *srv_session_take_open(struct srv_session *s, uint64_t persistent,
                                       uint64_t volatile_id)
{
    size_t i;
    pthread_mutex_lock(&s->lock);
    struct srv_open *o = find_locked(s, persistent, volatile_id, &i);
    if (o)
        s->opens[i] = s->opens[--s->open_count]; /* the table's reference is now ours */
    pthread_mutex_unlock(&s->lock);
    return o;
}

void srv_session_close_tree_opens(struct srv_session *s, struct srv_tree *tree)
{
    for (;;) {
        struct srv_open *o = NULL;
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < s->open_count; i++) {
            if (!tree || s->opens[i]->tree == tree) {
                o = s->opens[i];
                s->opens[i] = s->opens[--s->open_count];
                break;
            }
        }
        pthread_mutex_unlock(&s->lock);
        if (!o)
            return;
        /* The session ends (not a tree disconnect): durable and resilient
         * opens stay, for a reconnect (3.3.7.1; Windows keeps them across
         * a logoff too). */
        if (tree || !srv_durable_detach(o))
            srv_open_close(o, NULL, NULL);
        srv_open_unref(o);
    }
}

void srv_open_set_tree(struct srv_open *o, struct srv_tree *tree)
{
    /* Only for a reclaimed open no request can reach yet: open->tree is
     * read without a lock everywhere else. */
    srv_tree_ref(tree);
    struct srv_tree *old = o->tree;
    o->tree = tree;
    srv_tree_unref(old);
}
