/* Security contexts between round trips (half-finished logons), behind
 * opaque handles.
 *
 * Handles are random 64-bit numbers (never 0), so one caller cannot guess
 * another's; each entry also remembers the uid that made it. An entry taken
 * out for a round trip is marked busy, so two requests can never drive one
 * context at once, and the reaper and the evictor leave it alone.
 *
 * Why the limits: a half-finished logon costs nothing to start (one NTLM
 * NEGOTIATE, before any password), so the table is what an unauthenticated
 * client can fill. Each entry remembers the client address and the SMB
 * connection it came from: one connection may hold only a few (more are
 * refused), one address only a few more (its newest displaces its oldest),
 * and when the whole table is full a newcomer takes the place of the oldest
 * idle entry of the address holding the most, so one address holding its
 * maximum, or many addresses of one attacker, never stop another address
 * from logging on. Unfinished logons also live only a short time. */
#include "lsass/auth/auth.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto.h"

#define ADDRESS_SIZE 64     /* an IPv6 literal with scope fits */
#define CONNECTION_SIZE 80  /* address and port */

struct table_entry {
    uint64_t handle;
    uid_t owner;
    struct lsa_context *ctx;
    struct timespec created;
    struct timespec last_used;
    bool busy;
    char address[ADDRESS_SIZE];
    char connection[CONNECTION_SIZE];
};

struct lsa_context_table {
    pthread_mutex_t lock;
    struct lsa_pending_limits limits;
    size_t count;
    size_t capacity;
    struct table_entry *entries; /* capacity slots; handle 0 = free */
    uint64_t evicted;            /* how many entries newcomers displaced */
    uint64_t refused;            /* how many adds found no room */
};

static struct timespec now_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts;
}

static bool earlier(struct timespec a, struct timespec b)
{
    return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

struct lsa_context_table *lsa_context_table_new(size_t max_contexts, unsigned timeout_seconds)
{
    struct lsa_context_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    /* Without per-client limits until the caller sets them (unit tests,
     * tools): only the total and the timeout. */
    t->limits = (struct lsa_pending_limits){ .max_total = max_contexts ? max_contexts : 1,
                                             .max_per_address = SIZE_MAX,
                                             .max_per_connection = SIZE_MAX,
                                             .timeout_seconds = timeout_seconds };
    return t;
}

void lsa_context_table_set_limits(struct lsa_context_table *t, const struct lsa_pending_limits *limits)
{
    pthread_mutex_lock(&t->lock);
    t->limits = *limits;
    if (t->limits.max_total == 0)
        t->limits.max_total = 1;
    pthread_mutex_unlock(&t->lock);
}

void lsa_context_table_free(struct lsa_context_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->capacity; i++)
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
    for (size_t i = 0; i < t->capacity; i++)
        if (t->entries[i].handle == handle)
            return &t->entries[i];
    return NULL;
}

static bool expired(const struct lsa_context_table *t, const struct table_entry *e, struct timespec now)
{
    return !e->busy && now.tv_sec - e->last_used.tv_sec >= (time_t)t->limits.timeout_seconds;
}

static void drop(struct lsa_context_table *t, struct table_entry *e)
{
    lsa_context_free(e->ctx);
    *e = (struct table_entry){ 0 };
    t->count--;
}

static size_t reap_locked(struct lsa_context_table *t)
{
    struct timespec now = now_monotonic();
    size_t reaped = 0;
    for (size_t i = 0; i < t->capacity; i++) {
        struct table_entry *e = &t->entries[i];
        if (e->handle && expired(t, e, now)) {
            drop(t, e);
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

/* FNV-1a: addresses are counted in a scratch hash table when evicting. */
static uint64_t hash_string(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    return h;
}

/* The bucket of address in a scratch open-addressing table of slots. */
struct bucket {
    const char *address;
    size_t count;
};

static struct bucket *bucket_of(struct bucket *buckets, size_t slots, const char *address)
{
    size_t b = (size_t)hash_string(address) & (slots - 1);
    while (buckets[b].address && strcmp(buckets[b].address, address) != 0)
        b = (b + 1) & (slots - 1);
    buckets[b].address = address;
    return &buckets[b];
}

/* Makes room for an entry of address (which holds own_count) when the table
 * is full: frees the oldest idle entry among the addresses holding the most,
 * if they hold more than address does. So addresses converge on equal
 * shares, and a newcomer is never refused because others hold everything
 * (with many addresses holding one each, the oldest of all makes room).
 * True if an entry was freed. */
static bool evict_for(struct lsa_context_table *t, size_t own_count)
{
    size_t slots = 1;
    while (slots < 2 * t->count + 2)
        slots *= 2;
    struct bucket *buckets = calloc(slots, sizeof *buckets);
    if (!buckets)
        return false;
    size_t top_count = 0;
    for (size_t i = 0; i < t->capacity; i++) {
        struct table_entry *e = &t->entries[i];
        if (!e->handle || e->busy)
            continue;
        struct bucket *b = bucket_of(buckets, slots, e->address);
        if (++b->count > top_count)
            top_count = b->count;
    }
    struct table_entry *victim = NULL;
    if (top_count > own_count) {
        for (size_t i = 0; i < t->capacity; i++) {
            struct table_entry *e = &t->entries[i];
            if (e->handle && !e->busy && bucket_of(buckets, slots, e->address)->count == top_count &&
                (!victim || earlier(e->created, victim->created)))
                victim = e;
        }
    }
    free(buckets);
    if (!victim)
        return false;
    drop(t, victim);
    t->evicted++;
    return true;
}

/* Frees the oldest idle entry of address; false if it has none. */
static bool evict_oldest_of(struct lsa_context_table *t, const char *address)
{
    struct table_entry *victim = NULL;
    for (size_t i = 0; i < t->capacity; i++) {
        struct table_entry *e = &t->entries[i];
        if (e->handle && !e->busy && strcmp(e->address, address) == 0 &&
            (!victim || earlier(e->created, victim->created)))
            victim = e;
    }
    if (!victim)
        return false;
    drop(t, victim);
    t->evicted++;
    return true;
}

/* The key a client address is counted under: the address itself, except
 * that an IPv6 address counts as its /64 (one host usually has a whole /64
 * to pick addresses from). */
static void address_key(const char *address, char *key, size_t size)
{
    struct in6_addr a6;
    char text[INET6_ADDRSTRLEN];
    if (strchr(address, ':') && inet_pton(AF_INET6, address, &a6) == 1 && !IN6_IS_ADDR_V4MAPPED(&a6)) {
        memset(a6.s6_addr + 8, 0, 8);
        if (inet_ntop(AF_INET6, &a6, text, sizeof text)) {
            snprintf(key, size, "%s/64", text);
            return;
        }
    }
    snprintf(key, size, "%s", address);
}

/* A free slot, growing the array up to the current maximum. */
static struct table_entry *free_slot(struct lsa_context_table *t)
{
    for (size_t i = 0; i < t->capacity; i++)
        if (!t->entries[i].handle)
            return &t->entries[i];
    if (t->capacity >= t->limits.max_total)
        return NULL;
    size_t grown = t->capacity ? t->capacity * 2 : 16;
    if (grown > t->limits.max_total)
        grown = t->limits.max_total;
    struct table_entry *entries = realloc(t->entries, grown * sizeof *entries);
    if (!entries)
        return NULL;
    memset(entries + t->capacity, 0, (grown - t->capacity) * sizeof *entries);
    struct table_entry *slot = &entries[t->capacity];
    t->entries = entries;
    t->capacity = grown;
    return slot;
}

NTSTATUS lsa_context_table_add(struct lsa_context_table *t, struct lsa_context *ctx, uid_t owner,
                               const char *address, const char *connection, uint64_t *handle)
{
    NTSTATUS status = STATUS_INSUFF_SERVER_RESOURCES;
    char key[ADDRESS_SIZE];
    address_key(address ? address : "", key, sizeof key);
    address = key;
    connection = connection ? connection : "";
    pthread_mutex_lock(&t->lock);
    reap_locked(t);
    size_t per_address = 0, per_connection = 0;
    for (size_t i = 0; i < t->capacity; i++) {
        const struct table_entry *e = &t->entries[i];
        if (!e->handle)
            continue;
        if (strncmp(e->address, address, ADDRESS_SIZE - 1) == 0) {
            per_address++;
            /* A connection without a name (an older client) is not limited
             * by connection: its address limit still applies. */
            if (connection[0] && strncmp(e->connection, connection, CONNECTION_SIZE - 1) == 0)
                per_connection++;
        }
    }
    if (per_connection >= t->limits.max_per_connection)
        goto out;
    /* An address at its limit makes room from its own oldest: several
     * clients may share one address (NAT), and a new one among them should
     * not wait for another's abandoned contexts to expire. A caller that
     * names no address (a local tool; srv always names one) is held only by
     * the total. */
    while (address[0] && per_address >= t->limits.max_per_address) {
        if (!evict_oldest_of(t, address))
            goto out;
        per_address--;
    }
    if (t->count >= t->limits.max_total && !evict_for(t, per_address))
        goto out;
    struct table_entry *e = t->count < t->limits.max_total ? free_slot(t) : NULL;
    if (!e)
        goto out;
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
    e->created = e->last_used = now_monotonic();
    snprintf(e->address, sizeof e->address, "%s", address);
    snprintf(e->connection, sizeof e->connection, "%s", connection);
    t->count++;
    *handle = h;
    status = STATUS_SUCCESS;
out:
    if (status == STATUS_INSUFF_SERVER_RESOURCES)
        t->refused++;
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
            drop(t, e);
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
        drop(t, e);
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

uint64_t lsa_context_table_evicted(struct lsa_context_table *t)
{
    pthread_mutex_lock(&t->lock);
    uint64_t evicted = t->evicted;
    pthread_mutex_unlock(&t->lock);
    return evicted;
}

uint64_t lsa_context_table_refused(struct lsa_context_table *t)
{
    pthread_mutex_lock(&t->lock);
    uint64_t refused = t->refused;
    pthread_mutex_unlock(&t->lock);
    return refused;
}
