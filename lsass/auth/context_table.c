/* Security contexts between round trips, behind opaque handles.
 *
 * Handles are random 64-bit numbers (never 0), so one caller cannot guess
 * another's; each entry also remembers the uid that made it. An entry taken
 * out for a round trip is marked busy, so two requests can never drive one
 * context at once, and the reaper leaves it alone. */
#include "lsass/auth/auth.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "lib/crypto.h"

struct table_entry {
    uint64_t handle;
    uid_t owner;
    struct lsa_context *ctx;
    struct timespec last_used;
    bool busy;
};

struct lsa_context_table {
    pthread_mutex_t lock;
    size_t max;
    unsigned timeout_seconds;
    size_t count;
    struct table_entry *entries; /* max slots; handle 0 = free */
};

static struct timespec now_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

struct lsa_context_table *lsa_context_table_new(size_t max_contexts, unsigned timeout_seconds)
{
    struct lsa_context_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->entries = calloc(max_contexts ? max_contexts : 1, sizeof *t->entries);
    if (!t->entries) {
        free(t);
        return NULL;
    }
    pthread_mutex_init(&t->lock, NULL);
    t->max = max_contexts ? max_contexts : 1;
    t->timeout_seconds = timeout_seconds;
    return t;
}

void lsa_context_table_free(struct lsa_context_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->max; i++)
        if (t->entries[i].handle && !t->entries[i].busy)
            lsa_context_free(t->entries[i].ctx);
    pthread_mutex_destroy(&t->lock);
    free(t->entries);
    free(t);
}

static struct table_entry *find(struct lsa_context_table *t, uint64_t handle)
{
    if (handle == 0)
        return NULL;
    for (size_t i = 0; i < t->max; i++)
        if (t->entries[i].handle == handle)
            return &t->entries[i];
    return NULL;
}

static bool expired(const struct lsa_context_table *t, const struct table_entry *e, struct timespec now)
{
    return !e->busy && now.tv_sec - e->last_used.tv_sec >= (time_t)t->timeout_seconds;
}

static size_t reap_locked(struct lsa_context_table *t)
{
    struct timespec now = now_monotonic();
    size_t reaped = 0;
    for (size_t i = 0; i < t->max; i++) {
        struct table_entry *e = &t->entries[i];
        if (e->handle && expired(t, e, now)) {
            lsa_context_free(e->ctx);
            *e = (struct table_entry){ 0 };
            t->count--;
            reaped++;
        }
    }
    return reaped;
}

size_t lsa_context_table_reap(struct lsa_context_table *t)
{
    pthread_mutex_lock(&t->lock);
    size_t reaped = reap_locked(t);
    pthread_mutex_unlock(&t->lock);
    return reaped;
}

NTSTATUS lsa_context_table_add(struct lsa_context_table *t, struct lsa_context *ctx, uid_t owner,
                               uint64_t *handle)
{
    NTSTATUS status = STATUS_INSUFF_SERVER_RESOURCES;
    pthread_mutex_lock(&t->lock);
    if (t->count == t->max)
        reap_locked(t);
    for (size_t i = 0; i < t->max; i++) {
        struct table_entry *e = &t->entries[i];
        if (e->handle)
            continue;
        uint64_t h = 0;
        /* A fresh random handle, unique in the table. */
        do {
            if (crypto_random(&h, sizeof h) != 0) {
                status = STATUS_INTERNAL_ERROR;
                goto out;
            }
        } while (h == 0 || find(t, h));
        e->handle = h;
        e->owner = owner;
        e->ctx = ctx;
        e->busy = false;
        e->last_used = now_monotonic();
        t->count++;
        *handle = h;
        status = STATUS_SUCCESS;
        break;
    }
out:
    pthread_mutex_unlock(&t->lock);
    return status;
}

struct lsa_context *lsa_context_table_take(struct lsa_context_table *t, uint64_t handle, uid_t owner)
{
    struct lsa_context *ctx = NULL;
    pthread_mutex_lock(&t->lock);
    struct table_entry *e = find(t, handle);
    if (e && !e->busy && e->owner == owner) {
        if (expired(t, e, now_monotonic())) {
            lsa_context_free(e->ctx);
            *e = (struct table_entry){ 0 };
            t->count--;
        } else {
            e->busy = true;
            ctx = e->ctx;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return ctx;
}

void lsa_context_table_put(struct lsa_context_table *t, uint64_t handle)
{
    pthread_mutex_lock(&t->lock);
    struct table_entry *e = find(t, handle);
    if (e) {
        e->busy = false;
        e->last_used = now_monotonic();
    }
    pthread_mutex_unlock(&t->lock);
}

void lsa_context_table_forget(struct lsa_context_table *t, uint64_t handle)
{
    pthread_mutex_lock(&t->lock);
    struct table_entry *e = find(t, handle);
    if (e) {
        *e = (struct table_entry){ 0 };
        t->count--;
    }
    pthread_mutex_unlock(&t->lock);
}

NTSTATUS lsa_context_table_delete(struct lsa_context_table *t, uint64_t handle, uid_t owner)
{
    NTSTATUS status = STATUS_INVALID_HANDLE;
    pthread_mutex_lock(&t->lock);
    struct table_entry *e = find(t, handle);
    if (e && !e->busy && e->owner == owner) {
        lsa_context_free(e->ctx);
        *e = (struct table_entry){ 0 };
        t->count--;
        status = STATUS_SUCCESS;
    }
    pthread_mutex_unlock(&t->lock);
    return status;
}

size_t lsa_context_table_count(struct lsa_context_table *t)
{
    pthread_mutex_lock(&t->lock);
    size_t count = t->count;
    pthread_mutex_unlock(&t->lock);
    return count;
}
