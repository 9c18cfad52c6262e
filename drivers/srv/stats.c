/* srv's counters (stats.h) and the STATS control's answer. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "drivers/srv/devctl.h"
#include "drivers/srv/server.h"
#include "drivers/srv/stats.h"
#include "lib/samples.h"

/* Upper bounds of the latency buckets, in microseconds; the last is +Inf.
 * From 100 us (a cached READ on loopback) to 5 s (a slow disk, a held lock). */
static const uint64_t bucket_micros[SRV_STATS_BUCKETS - 1] = {
    100, 500, 1000, 2500, 5000, 10000, 25000, 100000, 250000, 1000000, 5000000,
};

/* The command names as [MS-SMB2] 2.2.1 spells them. */
static const char *const command_names[SRV_STATS_COMMANDS] = {
    "NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT", "TREE_DISCONNECT",
    "CREATE", "CLOSE", "FLUSH", "READ", "WRITE", "LOCK", "IOCTL", "CANCEL", "ECHO",
    "QUERY_DIRECTORY", "CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK",
};

static const char *const event_names[SRV_STAT_EVENT_COUNT] = {
    [SRV_STAT_MESSAGES_SIGNED] = "smb_messages_signed_total",
    [SRV_STAT_MESSAGES_ENCRYPTED] = "smb_messages_encrypted_total",
    [SRV_STAT_MESSAGES_DECRYPTED] = "smb_messages_decrypted_total",
    [SRV_STAT_OPLOCK_BREAKS] = "smb_oplock_breaks_total",
    [SRV_STAT_LEASE_BREAKS] = "smb_lease_breaks_total",
};

void srv_stats_init(struct srv_stats *stats)
{
    pthread_mutex_init(&stats->shares_lock, NULL);
    atomic_init(&stats->share_count, 0);
}

void srv_stats_destroy(struct srv_stats *stats)
{
    pthread_mutex_destroy(&stats->shares_lock);
}

uint64_t srv_stats_now_micros(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct srv_share_stats *srv_stats_share(struct srv_stats *stats, const char *name)
{
    pthread_mutex_lock(&stats->shares_lock);
    size_t n = atomic_load(&stats->share_count);
    struct srv_share_stats *slot = NULL;
    for (size_t i = 0; i < n && !slot; i++)
        if (strcasecmp(stats->shares[i].name, name) == 0) /* share names are case-blind */
            slot = &stats->shares[i];
    if (!slot && n < SRV_STATS_MAX_SHARES - 1) {
        slot = &stats->shares[n];
        snprintf(slot->name, sizeof slot->name, "%s", name);
        atomic_store(&stats->share_count, n + 1); /* the name is written first */
    }
    if (!slot) {
        /* The table is full: the last slot stands for every other share. */
        slot = &stats->shares[SRV_STATS_MAX_SHARES - 1];
        if (!slot->name[0]) {
            snprintf(slot->name, sizeof slot->name, "(other)");
            atomic_store(&stats->share_count, SRV_STATS_MAX_SHARES);
        }
    }
    pthread_mutex_unlock(&stats->shares_lock);
    return slot;
}

void srv_stats_request(struct srv_stats *stats, uint16_t command, NTSTATUS status,
                       uint64_t micros)
{
    if (command >= SRV_STATS_COMMANDS)
        return;
    struct srv_command_stats *c = &stats->commands[command];
    size_t b = 0;
    while (b < SRV_STATS_BUCKETS - 1 && micros > bucket_micros[b])
        b++;
    atomic_fetch_add_explicit(&c->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->micros, micros, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->buckets[b], 1, memory_order_relaxed);
    /* SESSION_SETUP's "more processing required" is a step, not a failure. */
    if (NT_ERROR(status) && status != STATUS_MORE_PROCESSING_REQUIRED)
        atomic_fetch_add_explicit(&c->failed, 1, memory_order_relaxed);
}

/* ---- The answer ---------------------------------------------------------- */

static uint64_t load(atomic_uint_fast64_t *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

enum { DIALECTS = 6 }; /* 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1, none yet */
static const char *const dialect_names[DIALECTS] = { "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1", "none" };

static size_t dialect_index(uint16_t dialect)
{
    switch (dialect) {
    case SMB2_DIALECT_202: return 0;
    case SMB2_DIALECT_210: return 1;
    case SMB2_DIALECT_300: return 2;
    case SMB2_DIALECT_302: return 3;
    case SMB2_DIALECT_311: return 4;
    default: return 5;
    }
}

struct census {
    uint64_t connections[DIALECTS];
    uint64_t sessions[DIALECTS][2][2]; /* dialect, signing required, encrypted */
    uint64_t open_files;
    uint64_t connections_total;
};

/* Counts what exists now, under the documented lock order (engine ->
 * connection -> session), reading only plain fields. */
static void take_census(struct srv_engine *e, struct census *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_lock(&e->lock);
    c->connections_total = e->connections_total;
    for (struct srv_conn *conn = e->conns; conn; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        if (!conn->dead) {
            c->connections[dialect_index(conn->negotiated ? conn->dialect : 0)]++;
            for (size_t i = 0; i < conn->session_count; i++) {
                struct srv_session *s = conn->sessions[i];
                pthread_mutex_lock(&s->lock);
                if (s->state == SRV_SESSION_VALID && !s->dead &&
                    srv_session_listed_on(s, conn->id)) {
                    c->sessions[dialect_index(s->dialect)][s->signing_required][s->encrypt_data]++;
                    c->open_files += s->open_count;
                }
                pthread_mutex_unlock(&s->lock);
            }
        }
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&e->lock);
}

static void add_commands(struct srv_stats *stats, struct sample_list *l)
{
    for (size_t i = 0; i < SRV_STATS_COMMANDS; i++) {
        struct srv_command_stats *c = &stats->commands[i];
        const char *name = command_names[i];
        uint64_t count = load(&c->count);
        sample_add(l, "smb_requests_total", (double)count, "command", name, NULL);
        sample_add(l, "smb_requests_failed_total", (double)load(&c->failed), "command", name, NULL);
        /* Cumulative buckets, as the exposition format wants them; read
         * without a lock, so a request counted meanwhile may show in the
         * count and not yet in a bucket: +Inf is the count itself. */
        uint64_t cumulative = 0;
        for (size_t b = 0; b < SRV_STATS_BUCKETS - 1; b++) {
            cumulative += load(&c->buckets[b]);
            char le[32];
            snprintf(le, sizeof le, "%g", (double)bucket_micros[b] / 1e6);
            sample_add(l, "smb_request_duration_seconds_bucket", (double)cumulative, "command",
                       name, "le", le, NULL);
        }
        if (count < cumulative)
            count = cumulative;
        sample_add(l, "smb_request_duration_seconds_bucket", (double)count, "command", name,
                   "le", "+Inf", NULL);
        sample_add(l, "smb_request_duration_seconds_count", (double)count, "command", name, NULL);
        sample_add(l, "smb_request_duration_seconds_sum", (double)load(&c->micros) / 1e6,
                   "command", name, NULL);
    }
}

static void add_shares(struct srv_stats *stats, struct sample_list *l)
{
    size_t n = atomic_load(&stats->share_count);
    for (size_t i = 0; i < n && i < SRV_STATS_MAX_SHARES; i++) {
        struct srv_share_stats *s = &stats->shares[i];
        sample_add(l, "smb_share_read_bytes_total", (double)load(&s->bytes_read), "share", s->name, NULL);
        sample_add(l, "smb_share_written_bytes_total", (double)load(&s->bytes_written), "share",
                   s->name, NULL);
        sample_add(l, "smb_share_reads_total", (double)load(&s->reads), "share", s->name, NULL);
        sample_add(l, "smb_share_writes_total", (double)load(&s->writes), "share", s->name, NULL);
    }
}

static void add_census(struct srv_engine *e, struct sample_list *l)
{
    struct census c;
    take_census(e, &c);
    for (size_t d = 0; d < DIALECTS; d++) {
        sample_add(l, "smb_connections", (double)c.connections[d], "dialect", dialect_names[d], NULL);
        if (d == DIALECTS - 1)
            continue; /* a session always has a dialect */
        for (int sign = 0; sign < 2; sign++)
            for (int enc = 0; enc < 2; enc++)
                sample_add(l, "smb_sessions", (double)c.sessions[d][sign][enc], "dialect",
                           dialect_names[d], "signing", sign ? "required" : "optional",
                           "encryption", enc ? "yes" : "no", NULL);
    }
    sample_add(l, "smb_connections_accepted_total", (double)c.connections_total, NULL);
    sample_add(l, "smb_open_files", (double)c.open_files, NULL);
    sample_add(l, "smb_tree_connects", (double)atomic_load(&e->trees_open), NULL);
    pthread_mutex_lock(&e->durable_lock);
    unsigned durable = e->durable_disconnected;
    pthread_mutex_unlock(&e->durable_lock);
    sample_add(l, "smb_durable_handles_disconnected", (double)durable, NULL);
}

NTSTATUS srv_stats_write(struct srv_engine *e, struct buf *out)
{
    struct sample_list l;
    sample_list_init(&l);
    add_commands(&e->stats, &l);
    add_shares(&e->stats, &l);
    for (size_t i = 0; i < SRV_STAT_EVENT_COUNT; i++)
        sample_add(&l, event_names[i], (double)load(&e->stats.events[i]), NULL);
    add_census(e, &l);
    NTSTATUS status = l.failed ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
    if (status == STATUS_SUCCESS) {
        wr_u32(out, SRV_DEVCTL_VERSION);
        sample_list_write(out, &l);
        status = wr_ok(out) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
    }
    sample_list_free(&l);
    return status;
}
