/* The eventlog back ends: the registry's audit table (srvsvcd) and a list
 * in memory (tests, fuzzing). */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eventlog/eventlog.h"

struct eventlog_store {
    struct registry *reg;
    pthread_mutex_t lock; /* one registry connection, many pipe threads */
};

NTSTATUS eventlog_store_open(const char *db_path, struct eventlog_store **out)
{
    *out = NULL;
    struct eventlog_store *s = calloc(1, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    NTSTATUS status = registry_open(db_path, &s->reg);
    if (!NT_SUCCESS(status)) {
        free(s);
        return status;
    }
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return STATUS_SUCCESS;
}

void eventlog_store_close(struct eventlog_store *s)
{
    if (!s)
        return;
    registry_close(s->reg);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static NTSTATUS store_bounds(void *ctx, enum audit_log log, int64_t *oldest, int64_t *newest, int64_t *count)
{
    struct eventlog_store *s = ctx;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = registry_audit_log_bounds(s->reg, log, oldest, newest, count);
    pthread_mutex_unlock(&s->lock);
    return status;
}

static NTSTATUS store_read(void *ctx, enum audit_log log, int64_t from, bool forwards, size_t limit,
                           struct audit_entry **entries, size_t *count)
{
    struct eventlog_store *s = ctx;
    pthread_mutex_lock(&s->lock);
    NTSTATUS status = registry_audit_log_read(s->reg, log, from, forwards, limit, entries, count);
    pthread_mutex_unlock(&s->lock);
    return status;
}

static void host_name(void *ctx, char *name, size_t size)
{
    (void)ctx;
    char host[256];
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "SAMEWISE");
    host[sizeof host - 1] = 0;
    host[strcspn(host, ".")] = 0;
    for (char *p = host; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    snprintf(name, size, "%s", host);
}

void eventlog_store_backend(struct eventlog_store *store, struct eventlog_backend *backend)
{
    memset(backend, 0, sizeof *backend);
    backend->ctx = store;
    backend->bounds = store_bounds;
    backend->read = store_read;
    backend->computer_name = host_name;
}

/* ---- Memory ---- */

static NTSTATUS memory_bounds(void *ctx, enum audit_log log, int64_t *oldest, int64_t *newest, int64_t *count)
{
    struct eventlog_memory *m = ctx;
    *oldest = *newest = *count = 0;
    for (size_t i = 0; i < m->count; i++) {
        if (m->entries[i].log != log)
            continue;
        if (*count == 0 || m->entries[i].record < *oldest)
            *oldest = m->entries[i].record;
        if (m->entries[i].record > *newest)
            *newest = m->entries[i].record;
        (*count)++;
    }
    return STATUS_SUCCESS;
}

static char *copy(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *c = strdup(s);
    if (!c)
        *failed = true;
    return c;
}

static NTSTATUS memory_read(void *ctx, enum audit_log log, int64_t from, bool forwards, size_t limit,
                            struct audit_entry **entries, size_t *count)
{
    struct eventlog_memory *m = ctx;
    *entries = NULL;
    *count = 0;
    struct audit_entry *list = calloc(m->count ? m->count : 1, sizeof *list);
    if (!list)
        return STATUS_NO_MEMORY;
    size_t n = 0;
    bool failed = false;
    for (size_t k = 0; k < m->count && (limit == 0 || n < limit); k++) {
        const struct audit_entry *e = &m->entries[forwards ? k : m->count - 1 - k];
        if (e->log != log || (forwards ? e->record < from : e->record > from))
            continue;
        struct audit_entry *c = &list[n++];
        *c = *e;
        c->user = copy(e->user, &failed);
        c->via = copy(e->via, &failed);
        c->source = copy(e->source, &failed);
        c->action = copy(e->action, &failed);
        c->object = copy(e->object, &failed);
        c->detail = copy(e->detail, &failed);
        c->outcome = copy(e->outcome, &failed);
    }
    if (failed) {
        registry_audit_list_free(list, n);
        return STATUS_NO_MEMORY;
    }
    *entries = list;
    *count = n;
    return STATUS_SUCCESS;
}

static void memory_name(void *ctx, char *name, size_t size)
{
    struct eventlog_memory *m = ctx;
    snprintf(name, size, "%s", m->computer_name ? m->computer_name : "SAMEWISE");
}

void eventlog_memory_backend(struct eventlog_memory *memory, struct eventlog_backend *backend)
{
    memset(backend, 0, sizeof *backend);
    backend->ctx = memory;
    backend->bounds = memory_bounds;
    backend->read = memory_read;
    backend->computer_name = memory_name;
    backend->computer_name_ctx = memory;
}
