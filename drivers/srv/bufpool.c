/* The large-buffer cache (bufpool.h). One mutex-protected list: at the rates
 * that matter (a few thousand 1 MiB requests a second) the lock is not
 * contended enough to be worth per-thread lists. */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "drivers/srv/bufpool.h"

/* Bounds of the cache: blocks and bytes. Sixteen 1 MiB reads in flight per
 * second of idle keep their buffers; more are freed at once. */
#define POOL_MAX_BLOCKS 16
#define POOL_MAX_BYTES (32u * 1024u * 1024u)
/* Sizes are rounded up to this, so a 1 MiB read and a 1 MiB write share
 * blocks whatever their few bytes of header. */
#define POOL_GRAIN (64u * 1024u)

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static void *blocks[POOL_MAX_BLOCKS];
static size_t sizes[POOL_MAX_BLOCKS];
static size_t count, cached;
static bool asked;       /* a get since the last sweep */
static bool trimmed = true; /* the arenas were trimmed since the last get */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void)
{
    /* A fixed threshold also stops glibc from raising it after the first
     * free of a mapped block (its dynamic threshold), which is what moved
     * megabyte buffers into the heap. */
    mallopt(M_MMAP_THRESHOLD, SRV_BUFPOOL_MIN);
}

void srv_bufpool_init(void)
{
    pthread_once(&init_once, init);
}

uint8_t *srv_bufpool_get(size_t size, size_t *usable)
{
    srv_bufpool_init();
    if (size >= SRV_BUFPOOL_MIN) {
        pthread_mutex_lock(&pool_lock);
        asked = true;
        trimmed = false;
        /* The smallest cached block that fits. */
        size_t best = count;
        for (size_t i = 0; i < count; i++)
            if (sizes[i] >= size && (best == count || sizes[i] < sizes[best]))
                best = i;
        if (best < count) {
            void *b = blocks[best];
            size_t n = sizes[best];
            blocks[best] = blocks[count - 1];
            sizes[best] = sizes[count - 1];
            count--;
            cached -= n;
            pthread_mutex_unlock(&pool_lock);
            *usable = n;
            return b;
        }
        pthread_mutex_unlock(&pool_lock);
        if (size <= SIZE_MAX - POOL_GRAIN)
            size = (size + POOL_GRAIN - 1) / POOL_GRAIN * POOL_GRAIN;
    }
    uint8_t *b = malloc(size);
    if (b)
        *usable = malloc_usable_size(b);
    return b;
}

void srv_bufpool_put(void *block)
{
    if (!block)
        return;
    size_t n = malloc_usable_size(block);
    if (n >= SRV_BUFPOOL_MIN) {
        pthread_mutex_lock(&pool_lock);
        if (count < POOL_MAX_BLOCKS && cached + n <= POOL_MAX_BYTES) {
            blocks[count] = block;
            sizes[count++] = n;
            cached += n;
            block = NULL;
        }
        pthread_mutex_unlock(&pool_lock);
    }
    free(block);
}

void srv_bufpool_sweep(void)
{
    void *drop[POOL_MAX_BLOCKS];
    size_t n = 0;
    bool trim = false;
    pthread_mutex_lock(&pool_lock);
    if (!asked) {
        for (size_t i = 0; i < count; i++)
            drop[n++] = blocks[i];
        count = cached = 0;
        trim = !trimmed;
        trimmed = true;
    }
    asked = false;
    pthread_mutex_unlock(&pool_lock);
    for (size_t i = 0; i < n; i++)
        free(drop[i]);
    /* The small blocks a burst of requests left in the worker threads'
     * arenas: handed back once, when the burst is over. */
    if (trim)
        malloc_trim(0);
}

void srv_bufpool_drain(void)
{
    void *drop[POOL_MAX_BLOCKS];
    pthread_mutex_lock(&pool_lock);
    size_t n = count;
    for (size_t i = 0; i < n; i++)
        drop[i] = blocks[i];
    count = cached = 0;
    pthread_mutex_unlock(&pool_lock);
    for (size_t i = 0; i < n; i++)
        free(drop[i]);
}

size_t srv_bufpool_cached_bytes(void)
{
    pthread_mutex_lock(&pool_lock);
    size_t n = cached;
    pthread_mutex_unlock(&pool_lock);
    return n;
}
