/* Oplocks and leases on the node ([MS-FSA] 2.1.4.12 and 2.1.5.17; [MS-SMB2]
 * 3.3.1.4 for leases): level II, exclusive and batch oplocks on an open,
 * leases shared by the opens that gave one key. Which opens break which is
 * decided here, beside the share modes (node.c's one sharing rule), so a
 * rename, a hard link or an open through any I/O manager client meets the
 * same state. The holder hears of a break through its break wait and
 * answers with pvfs_oplock_ack; a create that must wait for the answer is
 * retried once the break is over, or after PVFS_OPLOCK_BREAK_TIMEOUT_MS,
 * when the break counts as acknowledged (the timer thread).
 *
 * Every function named _locked or taking a pvfs_oplock_work runs under
 * volume->lock; callbacks run from pvfs_oplock_run, unlocked. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"

/* The rights that take part in sharing (node.c's rule applies to them). */
#define SHARING_RIGHTS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE | DELETE)

/* Something to run unlocked: a break to tell, or a create to wake. */
struct pvfs_oplock_event {
    struct pvfs_oplock_event *next;
    pvfs_oplock_break_fn break_fn;
    pvfs_oplock_ready_fn ready_fn;
    void *context;
    NTSTATUS status;
    bool has_break;
    struct pvfs_oplock_break brk;
};

/* A create waiting for the breaks on node to end (holds a node reference). */
struct pvfs_oplock_waiter {
    struct pvfs_oplock_waiter *next;
    struct pvfs_node *node;
    pvfs_oplock_ready_fn fn;
    void *context;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void add_event(struct pvfs_oplock_work *work, struct pvfs_oplock_event *e)
{
    e->next = work->events;
    work->events = e;
}

void pvfs_oplock_run(struct pvfs_oplock_work *work)
{
    /* In the order they were found. */
    struct pvfs_oplock_event *list = NULL;
    while (work->events) {
        struct pvfs_oplock_event *e = work->events;
        work->events = e->next;
        e->next = list;
        list = e;
    }
    while (list) {
        struct pvfs_oplock_event *e = list;
        list = e->next;
        if (e->break_fn)
            e->break_fn(e->context, e->status, e->has_break ? &e->brk : NULL);
        else if (e->ready_fn)
            e->ready_fn(e->context);
        free(e);
    }
}

/* Whether an open for access/share and the open other refuse each other. */
static bool share_conflict(uint32_t access, uint32_t share, const struct pvfs_file *other)
{
    return (access & SHARING_RIGHTS) && pvfs_share_conflicts(access, share, other);
}

/* ---- Telling a holder ---- */

/* Ends file's break wait with status (and brk): queued onto work; false,
 * the wait still armed, without memory for it. */
static bool end_wait(struct pvfs_file *file, NTSTATUS status, const struct pvfs_oplock_break *brk,
                     struct pvfs_oplock_work *work)
{
    struct pvfs_oplock_event *e = calloc(1, sizeof *e);
    if (!e)
        return false;
    e->break_fn = file->break_fn;
    e->context = file->break_context;
    e->status = status;
    e->has_break = brk != NULL;
    if (brk)
        e->brk = *brk;
    add_event(work, e);
    file->break_fn = NULL;
    file->break_context = NULL;
    return true;
}

/* The break goes to whoever waits on file, or waits for the next wait. A
 * break not heard yet is merged: from the first state, to the last one. */
static void tell_file(struct pvfs_file *file, const struct pvfs_oplock_break *brk,
                      struct pvfs_oplock_work *work)
{
    if (file->break_fn) {
        if (end_wait(file, STATUS_SUCCESS, brk, work))
            return;
        log_ratelimited(LOG_LEVEL_ERROR, "pvfs: no memory to tell of an oplock break");
    }
    struct pvfs_oplock_break merged = *brk;
    if (file->untold) {
        merged.lease_from = file->untold_break.lease_from;
        merged.ack_required = merged.ack_required || file->untold_break.ack_required;
    }
    file->untold = true;
    file->untold_break = merged;
}

static void tell_lease(struct pvfs_lease *l, const struct pvfs_oplock_break *brk,
                       struct pvfs_oplock_work *work)
{
    for (struct pvfs_file *f = l->node->opens; f; f = f->node_next)
        if (f->lease == l && f->break_fn) {
            tell_file(f, brk, work);
            return;
        }
    struct pvfs_oplock_break merged = *brk;
    if (l->untold) {
        merged.lease_from = l->untold_break.lease_from;
        merged.ack_required = merged.ack_required || l->untold_break.ack_required;
    }
    l->untold = true;
    l->untold_break = merged;
}

/* ---- Breaks outstanding ---- */

static void timer_kick(struct pvfs_volume *volume);

static void oplock_breaking(struct pvfs_volume *volume, struct pvfs_file *f, uint8_t to)
{
    f->oplock_breaking = true;
    f->oplock_break_to = to;
    f->oplock_deadline_ms = now_ms() + PVFS_OPLOCK_BREAK_TIMEOUT_MS;
    volume->oplock_breaks++;
    timer_kick(volume);
}

static void oplock_break_over(struct pvfs_volume *volume, struct pvfs_file *f)
{
    if (f->oplock_breaking)
        volume->oplock_breaks--;
    f->oplock_breaking = false;
}

static void lease_break_over(struct pvfs_volume *volume, struct pvfs_lease *l)
{
    if (l->breaking)
        volume->oplock_breaks--;
    l->breaking = false;
}

/* Creates waiting on node may go on (they check again). */
static void wake_waiters(struct pvfs_volume *volume, struct pvfs_node *node,
                         struct pvfs_oplock_work *work)
{
    struct pvfs_oplock_waiter **pp = &volume->oplock_waiters;
    while (*pp) {
        struct pvfs_oplock_waiter *w = *pp;
        if (w->node != node) {
            pp = &w->next;
            continue;
        }
        *pp = w->next;
        struct pvfs_oplock_event *e = calloc(1, sizeof *e);
        if (e) {
            e->ready_fn = w->fn;
            e->context = w->context;
            add_event(work, e);
        } else {
            /* Cannot happen in practice; the waiter would hang without its
             * wake, so it is called here, still locked, only if it has to. */
            log_ratelimited(LOG_LEVEL_ERROR, "pvfs: no memory to wake a create");
            w->fn(w->context);
        }
        pvfs_node_put(volume, w->node);
        free(w);
    }
    pthread_cond_broadcast(&volume->oplock_cond);
}

/* Starts a break of lease l to state to; true if an acknowledgment is
 * awaited (now or from before). A lease already breaking only lowers the
 * state it breaks to. */
static bool break_lease(struct pvfs_volume *volume, struct pvfs_lease *l, uint32_t to,
                        struct pvfs_oplock_work *work)
{
    if (l->breaking) {
        l->break_to &= to;
        return true;
    }
    if ((l->state & to) == l->state)
        return false;
    to &= l->state;
    bool ack = (l->state & (PVFS_LEASE_W | PVFS_LEASE_H)) != 0;
    struct pvfs_oplock_break brk = {
        .lease = true,
        .lease_from = l->state,
        .lease_to = to,
        .ack_required = ack,
    };
    tell_lease(l, &brk, work);
    if (!ack) {
        l->state = to; /* nothing to wait for */
        return false;
    }
    l->breaking = true;
    l->break_to = to;
    l->told_to = to;
    l->deadline_ms = now_ms() + PVFS_OPLOCK_BREAK_TIMEOUT_MS;
    volume->oplock_breaks++;
    timer_kick(volume);
    return true;
}

/* Every level II oplock of node breaks to none (the writer's own too, as
 * Windows breaks it), and with leases every read lease but the writer's. */
static void break_level2(struct pvfs_volume *volume, struct pvfs_node *node,
                         const struct pvfs_file *writer, bool leases,
                         struct pvfs_oplock_work *work)
{
    for (struct pvfs_file *h = node->opens; h; h = h->node_next) {
        if (leases && h->lease && (!writer || h->lease != writer->lease) &&
            (h->lease->state & PVFS_LEASE_R)) {
            break_lease(volume, h->lease, 0, work);
            continue;
        }
        if (h->oplock != PVFS_OPLOCK_LEVEL_II || h->oplock_breaking)
            continue;
        h->oplock = PVFS_OPLOCK_NONE;
        struct pvfs_oplock_break brk = { .level = PVFS_OPLOCK_NONE };
        tell_file(h, &brk, work);
    }
}

void pvfs_oplock_break_level2_locked(struct pvfs_volume *volume, struct pvfs_file *file,
                                     struct pvfs_oplock_work *work)
{
    if (file->node)
        break_level2(volume, file->node, file, true, work);
}

void pvfs_oplock_break_level2(struct pvfs_file *file)
{
    struct pvfs_volume *volume = file->volume;
    struct pvfs_oplock_work work = { 0 };
    pthread_mutex_lock(&volume->lock);
    pvfs_oplock_break_level2_locked(volume, file, &work);
    pthread_mutex_unlock(&volume->lock);
    pvfs_oplock_run(&work);
}

/* [MS-FSA] 2.1.4.12 for a rename or a delete disposition through file:
 * other opens' exclusive and batch oplocks break to none, other keys'
 * leases lose H (their holders may keep a handle open that would stop the
 * name going). Waits in place for the acknowledgments (the caller is a
 * worker; at most the break timeout). */
void pvfs_oplock_break_handles(struct pvfs_file *file)
{
    struct pvfs_volume *volume = file->volume;
    struct pvfs_oplock_work work = { 0 };
    pthread_mutex_lock(&volume->lock);
    struct pvfs_node *node = file->node;
    bool wait = false;
    for (struct pvfs_file *h = node->opens; h; h = h->node_next) {
        if (h == file || (h->oplock != PVFS_OPLOCK_EXCLUSIVE && h->oplock != PVFS_OPLOCK_BATCH))
            continue;
        wait = true;
        if (!h->oplock_breaking) {
            oplock_breaking(volume, h, PVFS_OPLOCK_NONE);
            struct pvfs_oplock_break brk = { .level = PVFS_OPLOCK_NONE, .ack_required = true };
            tell_file(h, &brk, &work);
        }
    }
    for (struct pvfs_lease *l = node->leases; l; l = l->next)
        if (l != file->lease && (l->state & PVFS_LEASE_H) &&
            break_lease(volume, l, l->state & ~PVFS_LEASE_H, &work))
            wait = true;
    if (wait && work.events) {
        pthread_mutex_unlock(&volume->lock);
        pvfs_oplock_run(&work);
        pthread_mutex_lock(&volume->lock);
    }
    if (wait)
        pvfs_oplock_wait_here(volume, node);
    pthread_mutex_unlock(&volume->lock);
    pvfs_oplock_run(&work);
}

/* ---- A create meets the node ---- */

static struct pvfs_lease *find_lease(struct pvfs_volume *volume, const uint8_t *key)
{
    for (struct pvfs_lease *l = volume->leases; l; l = l->volume_next)
        if (memcmp(l->key, key, PVFS_LEASE_KEY_SIZE) == 0)
            return l;
    return NULL;
}

static bool wants_lease(const struct pvfs_oplock_opener *o)
{
    return o->request && o->request->type == PVFS_OPLOCK_LEASE;
}

NTSTATUS pvfs_oplock_open_check(struct pvfs_volume *volume, struct pvfs_node *node,
                                const struct pvfs_oplock_opener *o, struct pvfs_oplock_work *work)
{
    if (wants_lease(o)) {
        /* A key names one file (a stream is a file of its own here too). */
        struct pvfs_lease *l = find_lease(volume, o->request->lease_key);
        if (l && l->node != node)
            return STATUS_INVALID_PARAMETER;
    }
    bool breaks_nothing = o->stat_open && !o->overwrite;
    /* At most one open holds exclusive or batch. */
    struct pvfs_file *holder = NULL;
    for (struct pvfs_file *h = node->opens; h && !holder; h = h->node_next)
        if (h->oplock == PVFS_OPLOCK_EXCLUSIVE || h->oplock == PVFS_OPLOCK_BATCH)
            holder = h;
    /* [MS-FSA] 2.1.4.12: a stat open breaks nothing; an exclusive oplock is
     * not broken for an open its share mode refuses anyway (a batch one
     * is: its holder may close the handle it keeps for caching). */
    if (holder && breaks_nothing)
        holder = NULL;
    if (holder && holder->oplock == PVFS_OPLOCK_EXCLUSIVE && !holder->oplock_breaking &&
        share_conflict(o->granted, o->share, holder))
        holder = NULL;
    if (o->overwrite)
        break_level2(volume, node, NULL, false, work);
    /* Leases of other keys: W goes for any open, H too for one their share
     * mode refuses, everything for an overwrite. */
    bool wait = false;
    for (struct pvfs_lease *l = node->leases; l && !breaks_nothing; l = l->next) {
        if (wants_lease(o) && memcmp(l->key, o->request->lease_key, PVFS_LEASE_KEY_SIZE) == 0)
            continue;
        uint32_t to = l->state & ~PVFS_LEASE_W;
        for (struct pvfs_file *h = node->opens; h; h = h->node_next)
            if (h->lease == l && share_conflict(o->granted, o->share, h))
                to &= ~PVFS_LEASE_H;
        /* The name is to go when this open closes: cached handles would
         * keep it (as a rename or delete disposition breaks H). */
        if (o->delete_on_close)
            to &= ~PVFS_LEASE_H;
        if (o->overwrite)
            to = 0;
        if (break_lease(volume, l, to, work))
            wait = true;
    }
    if (holder) {
        wait = true;
        if (!holder->oplock_breaking) {
            uint8_t to = o->overwrite ? PVFS_OPLOCK_NONE : PVFS_OPLOCK_LEVEL_II;
            oplock_breaking(volume, holder, to);
            struct pvfs_oplock_break brk = { .level = to, .ack_required = true };
            tell_file(holder, &brk, work);
        }
    }
    return wait ? STATUS_PENDING : STATUS_SUCCESS;
}

NTSTATUS pvfs_oplock_wait_register(struct pvfs_volume *volume, struct pvfs_node *node,
                                   pvfs_oplock_ready_fn fn, void *context)
{
    struct pvfs_oplock_waiter *w = calloc(1, sizeof *w);
    if (!w)
        return STATUS_NO_MEMORY;
    node->refs++;
    w->node = node;
    w->fn = fn;
    w->context = context;
    w->next = volume->oplock_waiters;
    volume->oplock_waiters = w;
    return STATUS_SUCCESS;
}

static bool node_breaking(const struct pvfs_node *node)
{
    for (const struct pvfs_file *f = node->opens; f; f = f->node_next)
        if (f->oplock_breaking)
            return true;
    for (const struct pvfs_lease *l = node->leases; l; l = l->next)
        if (l->breaking)
            return true;
    return false;
}

void pvfs_oplock_wait_here(struct pvfs_volume *volume, struct pvfs_node *node)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += PVFS_OPLOCK_BREAK_TIMEOUT_MS / 1000 + 2;
    node->refs++;
    while (node_breaking(node) && !volume->oplock_stopping)
        if (pthread_cond_timedwait(&volume->oplock_cond, &volume->lock, &until) == ETIMEDOUT)
            break;
    pvfs_node_put(volume, node);
}

void pvfs_oplock_grant(struct pvfs_volume *volume, struct pvfs_file *file,
                       const struct pvfs_oplock_opener *o, struct pvfs_oplock_granted *out)
{
    struct pvfs_node *node = file->node;
    memset(out, 0, sizeof *out);
    file->stat_open = o->stat_open;
    const struct pvfs_oplock_request *req = o->request;
    if (!req || file->is_directory)
        return; /* no directory oplocks or leases */
    if (req->type == PVFS_OPLOCK_LEVEL_II || req->type == PVFS_OPLOCK_EXCLUSIVE ||
        req->type == PVFS_OPLOCK_BATCH) {
        /* The level asked if nobody else has the file open, else level II
         * if nobody caches more. */
        bool alone = true, exclusive_held = false;
        for (struct pvfs_file *h = node->opens; h; h = h->node_next) {
            if (h == file)
                continue;
            alone = false;
            /* A lease caching handles leaves no room for an oplock (as
             * Windows: smbtorture's smb2.lease.oplock). */
            if (h->oplock == PVFS_OPLOCK_EXCLUSIVE || h->oplock == PVFS_OPLOCK_BATCH ||
                (h->lease && (h->lease->state & (PVFS_LEASE_W | PVFS_LEASE_H))))
                exclusive_held = true;
        }
        uint8_t granted = alone ? req->type : !exclusive_held ? PVFS_OPLOCK_LEVEL_II
                                                              : PVFS_OPLOCK_NONE;
        file->oplock = granted;
        out->type = granted;
        return;
    }
    if (req->type != PVFS_OPLOCK_LEASE)
        return;
    /* Only R, RH, RW and RWH are leases. */
    uint32_t requested = req->lease_state & (PVFS_LEASE_R | PVFS_LEASE_W | PVFS_LEASE_H);
    if (!(requested & PVFS_LEASE_R))
        return;
    struct pvfs_lease *l = find_lease(volume, req->lease_key);
    if (l && l->node != node)
        return;
    /* Other opens that are not this lease's: no W beside them, nothing
     * beside an exclusive or batch oplock or another W lease. Stat opens
     * do not count. */
    bool others = false, blocked = false, oplocked = false;
    for (struct pvfs_file *h = node->opens; h; h = h->node_next) {
        if (h == file || (l && h->lease == l) || h->stat_open)
            continue;
        others = true;
        if (h->oplock != PVFS_OPLOCK_NONE)
            oplocked = true; /* beside an oplock a lease caches reads only */
        if (h->oplock == PVFS_OPLOCK_EXCLUSIVE || h->oplock == PVFS_OPLOCK_BATCH ||
            (h->lease && h->lease != l && (h->lease->state & PVFS_LEASE_W)))
            blocked = true;
    }
    if (blocked)
        return;
    if (!l) {
        l = calloc(1, sizeof *l);
        if (!l)
            return;
        memcpy(l->key, req->lease_key, PVFS_LEASE_KEY_SIZE);
        l->node = node;
        l->next = node->leases;
        node->leases = l;
        l->volume_next = volume->leases;
        volume->leases = l;
    }
    /* A new lease (no W beside other opens), or an upgrade to a superset
     * of its state while it is the file's only user and no break is
     * outstanding (never a sidegrade or a downgrade). */
    if (!l->opens)
        l->state = (others ? requested & ~PVFS_LEASE_W : requested) &
                   ~(oplocked ? PVFS_LEASE_H : 0u);
    else if (!others && !l->breaking && (requested & l->state) == l->state)
        l->state = requested;
    l->opens++;
    file->lease = l;
    out->type = PVFS_OPLOCK_LEASE;
    out->lease_state = l->state;
    out->breaking = l->breaking;
}

static void lease_leave(struct pvfs_volume *volume, struct pvfs_file *file,
                        struct pvfs_oplock_work *work)
{
    struct pvfs_lease *l = file->lease;
    file->lease = NULL;
    if (!l || --l->opens > 0) {
        /* A break told through this open and not heard yet goes to the
         * lease's other opens. */
        if (l && file->untold && file->untold_break.lease)
            tell_lease(l, &file->untold_break, work);
        file->untold = false;
        return;
    }
    file->untold = false;
    lease_break_over(volume, l);
    for (struct pvfs_lease **pp = &l->node->leases; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    for (struct pvfs_lease **pp = &volume->leases; *pp; pp = &(*pp)->volume_next)
        if (*pp == l) {
            *pp = l->volume_next;
            break;
        }
    free(l);
}

void pvfs_oplock_close(struct pvfs_volume *volume, struct pvfs_file *file,
                       struct pvfs_oplock_work *work)
{
    if (file->break_fn && !end_wait(file, STATUS_FILE_CLOSED, NULL, work))
        file->break_fn = NULL; /* no memory: nobody is left to tell anyway */
    oplock_break_over(volume, file);
    file->oplock = PVFS_OPLOCK_NONE;
    lease_leave(volume, file, work);
    /* Whatever waited for this open's break, or its share mode, tries again. */
    if (file->node)
        wake_waiters(volume, file->node, work);
}

/* ---- The holder's side ---- */

NTSTATUS pvfs_oplock_break_wait(struct pvfs_file *file, pvfs_oplock_break_fn fn, void *context,
                                struct pvfs_oplock_break *brk)
{
    struct pvfs_volume *volume = file->volume;
    NTSTATUS status = STATUS_PENDING;
    pthread_mutex_lock(&volume->lock);
    if (file->untold) {
        *brk = file->untold_break;
        file->untold = false;
        status = STATUS_SUCCESS;
    } else if (file->lease && file->lease->untold) {
        *brk = file->lease->untold_break;
        file->lease->untold = false;
        status = STATUS_SUCCESS;
    } else if (file->oplock == PVFS_OPLOCK_NONE && !file->lease) {
        status = STATUS_INVALID_OPLOCK_PROTOCOL;
    } else if (file->break_fn) {
        status = STATUS_INVALID_DEVICE_STATE;
    } else {
        file->break_fn = fn;
        file->break_context = context;
    }
    pthread_mutex_unlock(&volume->lock);
    return status;
}

bool pvfs_oplock_break_cancel(struct pvfs_file *file, void *context)
{
    struct pvfs_volume *volume = file->volume;
    pthread_mutex_lock(&volume->lock);
    pvfs_oplock_break_fn fn = NULL;
    if (file->break_fn && file->break_context == context) {
        fn = file->break_fn;
        file->break_fn = NULL;
        file->break_context = NULL;
    }
    pthread_mutex_unlock(&volume->lock);
    if (fn)
        fn(context, STATUS_CANCELLED, NULL);
    return fn != NULL;
}

NTSTATUS pvfs_oplock_ack(struct pvfs_file *file, uint8_t what, uint8_t level, uint32_t state,
                         uint8_t *kept)
{
    struct pvfs_volume *volume = file->volume;
    struct pvfs_oplock_work work = { 0 };
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&volume->lock);
    struct pvfs_lease *l = file->lease;
    if (what == PVFS_OPLOCK_ACK_RELEASE) {
        oplock_break_over(volume, file);
        file->oplock = PVFS_OPLOCK_NONE;
        lease_leave(volume, file, &work);
        wake_waiters(volume, file->node, &work);
    } else if (what == PVFS_OPLOCK_ACK_LEASE) {
        if (!l)
            status = STATUS_OBJECT_NAME_NOT_FOUND;
        else if (!l->breaking)
            status = STATUS_UNSUCCESSFUL;
        else if (state & ~l->told_to)
            status = STATUS_REQUEST_NOT_ACCEPTED;
        else {
            /* Within what the holder was told; a later break that lowered
             * the target while this one was outstanding is told now
             * (breaking again, as Windows does). */
            uint32_t target = l->break_to;
            l->state = state;
            lease_break_over(volume, l);
            if (!break_lease(volume, l, target, &work))
                wake_waiters(volume, file->node, &work);
        }
    } else if (what != PVFS_OPLOCK_ACK_OPLOCK) {
        status = STATUS_INVALID_PARAMETER;
    } else if (!file->oplock_breaking) {
        status = STATUS_INVALID_OPLOCK_PROTOCOL; /* no break outstanding */
    } else if (level == PVFS_OPLOCK_LEVEL_II && file->oplock_break_to == PVFS_OPLOCK_LEVEL_II) {
        oplock_break_over(volume, file);
        file->oplock = PVFS_OPLOCK_LEVEL_II;
        wake_waiters(volume, file->node, &work);
    } else {
        /* Anything above the level broken to is a protocol error, and the
         * oplock is gone either way. */
        if (level != PVFS_OPLOCK_NONE)
            status = STATUS_INVALID_OPLOCK_PROTOCOL;
        oplock_break_over(volume, file);
        file->oplock = PVFS_OPLOCK_NONE;
        wake_waiters(volume, file->node, &work);
    }
    if (kept)
        *kept = file->oplock;
    pthread_mutex_unlock(&volume->lock);
    pvfs_oplock_run(&work);
    return status;
}

void pvfs_oplock_query(struct pvfs_file *file, struct pvfs_oplock_granted *out)
{
    pthread_mutex_lock(&file->volume->lock);
    memset(out, 0, sizeof *out);
    if (file->lease) {
        out->type = PVFS_OPLOCK_LEASE;
        out->lease_state = file->lease->state;
        out->breaking = file->lease->breaking;
    } else {
        out->type = file->oplock;
        out->breaking = file->oplock_breaking;
    }
    pthread_mutex_unlock(&file->volume->lock);
}

/* ---- Breaks nobody acknowledged ---- */

/* Ends the breaks whose time is up (volume->lock held). */
static void expire(struct pvfs_volume *volume, struct pvfs_oplock_work *work)
{
    uint64_t now = now_ms();
    for (size_t b = 0; volume->oplock_breaks && b < volume->bucket_count; b++)
        for (struct pvfs_node *n = volume->buckets[b]; n; n = n->hash_next) {
            bool ended = false;
            for (struct pvfs_file *f = n->opens; f; f = f->node_next)
                if (f->oplock_breaking && now >= f->oplock_deadline_ms) {
                    oplock_break_over(volume, f);
                    f->oplock = PVFS_OPLOCK_NONE;
                    ended = true;
                }
            for (struct pvfs_lease *l = n->leases; l; l = l->next)
                if (l->breaking && now >= l->deadline_ms) {
                    /* As if acknowledged ([MS-SMB2] 3.3.6.5). */
                    l->state = l->break_to;
                    lease_break_over(volume, l);
                    ended = true;
                }
            if (ended)
                wake_waiters(volume, n, work);
        }
}

static void *timer_main(void *arg)
{
    struct pvfs_volume *volume = arg;
    pthread_mutex_lock(&volume->lock);
    while (!volume->oplock_stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&volume->oplock_cond, &volume->lock, &until);
        if (!volume->oplock_breaks)
            continue;
        struct pvfs_oplock_work work = { 0 };
        expire(volume, &work);
        if (work.events) {
            pthread_mutex_unlock(&volume->lock);
            pvfs_oplock_run(&work);
            pthread_mutex_lock(&volume->lock);
        }
    }
    pthread_mutex_unlock(&volume->lock);
    return NULL;
}

/* The timer thread runs from the first break on (volume->lock held). */
static void timer_kick(struct pvfs_volume *volume)
{
    if (volume->oplock_timer_started || volume->oplock_stopping)
        return;
    if (pthread_create(&volume->oplock_timer, NULL, timer_main, volume) == 0)
        volume->oplock_timer_started = true;
    else
        log_ratelimited(LOG_LEVEL_ERROR, "pvfs: cannot start the oplock break timer");
}

void pvfs_oplock_shutdown(struct pvfs_volume *volume)
{
    pthread_mutex_lock(&volume->lock);
    volume->oplock_stopping = true;
    bool started = volume->oplock_timer_started;
    pthread_cond_broadcast(&volume->oplock_cond);
    pthread_mutex_unlock(&volume->lock);
    if (started)
        pthread_join(volume->oplock_timer, NULL);
}
