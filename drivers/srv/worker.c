/* srv's own worker pool, used when the host (lwiod) does not lend its own:
 * a fixed number of threads taking blocking calls from one queue. */
#include <pthread.h>
#include <stdlib.h>

#include "drivers/srv/server.h"

struct job {
    srv_work_fn fn;
    void *context;
    struct job *next;
};

struct srv_workers {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct job *head, *tail;
    bool stopping;
    unsigned count;
    pthread_t threads[];
};

static void *worker_main(void *arg)
{
    struct srv_workers *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->wake, &w->lock);
        struct job *job = w->head;
        if (!job)
            break; /* stopping and drained */
        w->head = job->next;
        if (!w->head)
            w->tail = NULL;
        pthread_mutex_unlock(&w->lock);
        job->fn(job->context);
        free(job);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

struct srv_workers *srv_workers_start(unsigned threads)
{
    if (threads == 0)
        threads = 1;
    struct srv_workers *w = calloc(1, sizeof *w + threads * sizeof(pthread_t));
    if (!w)
        return NULL;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    for (unsigned i = 0; i < threads; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0)
            break;
        w->count++;
    }
    if (w->count == 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

NTSTATUS srv_workers_queue(struct srv_workers *w, srv_work_fn fn, void *context)
{
    struct job *job = malloc(sizeof *job);
    if (!job)
        return STATUS_INSUFFICIENT_RESOURCES;
    job->fn = fn;
    job->context = context;
    job->next = NULL;
    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        pthread_mutex_unlock(&w->lock);
        free(job);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    return STATUS_SUCCESS;
}

void srv_workers_stop(struct srv_workers *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_broadcast(&w->wake);
    pthread_mutex_unlock(&w->lock);
    for (unsigned i = 0; i < w->count; i++)
        pthread_join(w->threads[i], NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
