/* The I/O manager's worker pool: where drivers run blocking system calls.
 *
 * Threads are added while every worker is busy and work is waiting (up to
 * max_threads), and threads beyond min_threads leave after an idle spell, so
 * one slow disk occupies a few workers without starving unrelated requests.
 * pool.lock is a leaf lock: work items run without it. */
#include <errno.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "lib/log.h"
#include "lwiod/internal.h"

#define WORKER_IDLE_SECONDS 30

struct work_item {
    io_work_fn fn;
    void *context;
    struct work_item *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work_cond;   /* work arrived, or stopping */
    pthread_cond_t exit_cond;   /* a thread left */
    struct work_item *head, *tail;
    unsigned queued, threads, idle, min_threads, max_threads;
    bool running;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER,
           .work_cond = PTHREAD_COND_INITIALIZER,
           .exit_cond = PTHREAD_COND_INITIALIZER };

static void *worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (!pool.head && pool.running) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += WORKER_IDLE_SECONDS;
            pool.idle++;
            int rc = pthread_cond_timedwait(&pool.work_cond, &pool.lock, &until);
            pool.idle--;
            if (rc == ETIMEDOUT && !pool.head && pool.threads > pool.min_threads)
                goto leave;
        }
        if (!pool.head)
            break; /* stopping, and nothing left to run */
        struct work_item *item = pool.head;
        pool.head = item->next;
        pool.queued--;
        if (!pool.head)
            pool.tail = NULL;
        pthread_mutex_unlock(&pool.lock);
        item->fn(item->context);
        free(item);
        pthread_mutex_lock(&pool.lock);
    }
leave:
    /* Drivers hash and encrypt on workers, so OpenSSL keeps per-thread state
     * here. Free it now: this thread is detached, and once pool.threads drops,
     * workpool_stop may let the process exit before the thread's own TLS
     * destructors run (LeakSanitizer saw that state lost at exit). */
    pthread_mutex_unlock(&pool.lock);
    OPENSSL_thread_stop();
    pthread_mutex_lock(&pool.lock);
    pool.threads--;
    pthread_cond_broadcast(&pool.exit_cond);
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* Under pool.lock. */
static int spawn_worker(void)
{
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&thread, &attr, worker_main, NULL);
    pthread_attr_destroy(&attr);
    if (rc == 0)
        pool.threads++;
    return rc;
}

int workpool_start(unsigned min_threads, unsigned max_threads)
{
    pthread_mutex_lock(&pool.lock);
    pool.min_threads = min_threads ? min_threads : 1;
    pool.max_threads = max_threads < pool.min_threads ? pool.min_threads : max_threads;
    pool.running = true;
    int rc = 0;
    while (pool.threads < pool.min_threads && rc == 0)
        rc = spawn_worker();
    pthread_mutex_unlock(&pool.lock);
    return rc;
}

void workpool_stop(void)
{
    pthread_mutex_lock(&pool.lock);
    pool.running = false;
    pthread_cond_broadcast(&pool.work_cond);
    /* Workers drain what is queued, then leave. */
    while (pool.threads > 0)
        pthread_cond_wait(&pool.exit_cond, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
}

NTSTATUS IoWorkQueue(io_work_fn fn, void *context)
{
    struct work_item *item = malloc(sizeof *item);
    if (!item)
        return STATUS_INSUFFICIENT_RESOURCES;
    item->fn = fn;
    item->context = context;
    item->next = NULL;
    pthread_mutex_lock(&pool.lock);
    if (!pool.running) {
        pthread_mutex_unlock(&pool.lock);
        free(item);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (pool.tail)
        pool.tail->next = item;
    else
        pool.head = item;
    pool.tail = item;
    pool.queued++;
    if (pool.queued > pool.idle && pool.threads < pool.max_threads && spawn_worker() != 0 &&
        pool.threads == 0) {
        /* No thread can ever run it (and nothing else is queued, or a thread
         * would exist). */
        pool.head = pool.tail = NULL;
        pool.queued = 0;
        pthread_mutex_unlock(&pool.lock);
        free(item);
        log_error("cannot start a worker thread");
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_cond_signal(&pool.work_cond);
    pthread_mutex_unlock(&pool.lock);
    return STATUS_SUCCESS;
}
