/* srv's counters for the metrics endpoint (docs/metrics.md).
 *
 * The request path only adds to relaxed atomics that live in the engine
 * (no lock, no allocation, no system call beyond the clock reads the
 * dispatcher already needs): operations and their latency by command, bytes
 * read and written by share, messages signed and encrypted, oplock and lease
 * breaks. What is a state rather than an event (open files, sessions and
 * connections by dialect, signing, encryption) is counted only when asked,
 * by walking the objects under their usual locks (srv_stats_write).
 *
 * Shares get a slot in a fixed table the first time a tree connect names
 * them (a mutex there, never on the request path); a tree keeps a pointer to
 * its slot. Slots are never freed while srv runs, so a counter survives its
 * share's last tree connect, as a Prometheus counter must. Past
 * SRV_STATS_MAX_SHARES names, the rest share one slot labelled "(other)". */
#ifndef SW_SRV_STATS_H
#define SW_SRV_STATS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define SRV_STATS_COMMANDS 19      /* SMB2 NEGOTIATE (0) .. OPLOCK_BREAK (18) */
#define SRV_STATS_BUCKETS 12       /* latency buckets, the last one +Inf */
#define SRV_STATS_MAX_SHARES 256

/* Each slot and each command on cache lines of its own: threads counting
 * different shares or commands do not contend. */
struct srv_share_stats {
    _Alignas(64) char name[81];
    atomic_uint_fast64_t bytes_read, bytes_written;
    atomic_uint_fast64_t reads, writes;
};

struct srv_command_stats {
    _Alignas(64) atomic_uint_fast64_t count;
    atomic_uint_fast64_t failed;   /* answered with an error status */
    atomic_uint_fast64_t micros;   /* sum of latencies */
    atomic_uint_fast64_t buckets[SRV_STATS_BUCKETS]; /* not cumulative */
};

enum srv_stats_event {
    SRV_STAT_MESSAGES_SIGNED,      /* responses signed */
    SRV_STAT_MESSAGES_ENCRYPTED,   /* responses encrypted */
    SRV_STAT_MESSAGES_DECRYPTED,   /* requests that arrived encrypted */
    SRV_STAT_OPLOCK_BREAKS,        /* OPLOCK_BREAK notifications sent */
    SRV_STAT_LEASE_BREAKS,         /* LEASE_BREAK notifications sent */
    SRV_STAT_EVENT_COUNT
};

struct srv_stats {
    struct srv_command_stats commands[SRV_STATS_COMMANDS];
    atomic_uint_fast64_t events[SRV_STAT_EVENT_COUNT];
    pthread_mutex_t shares_lock;   /* a leaf: inserting a share's slot */
    atomic_size_t share_count;
    struct srv_share_stats shares[SRV_STATS_MAX_SHARES];
};

struct srv_engine;

void srv_stats_init(struct srv_stats *stats);
void srv_stats_destroy(struct srv_stats *stats);
/* The slot of a share (found or made); never NULL. */
struct srv_share_stats *srv_stats_share(struct srv_stats *stats, const char *name);
/* One element answered: its command, status and time taken. */
void srv_stats_request(struct srv_stats *stats, uint16_t command, NTSTATUS status,
                       uint64_t micros);
static inline void srv_stats_event(struct srv_stats *stats, enum srv_stats_event event)
{
    atomic_fetch_add_explicit(&stats->events[event], 1, memory_order_relaxed);
}
static inline void srv_stats_bytes(struct srv_share_stats *share, bool write, uint64_t bytes)
{
    if (!share)
        return;
    atomic_fetch_add_explicit(write ? &share->bytes_written : &share->bytes_read, bytes,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(write ? &share->writes : &share->reads, 1, memory_order_relaxed);
}
/* Microseconds on the monotonic clock. */
uint64_t srv_stats_now_micros(void);

/* The \srv STATS control's answer: u32 version, then a sample list
 * (lib/samples.h): the counters above and the states walked now. */
NTSTATUS srv_stats_write(struct srv_engine *engine, struct buf *out);

#endif
