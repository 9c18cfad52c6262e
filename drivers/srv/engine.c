/* The engine: configuration, start and stop, shared counters. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "drivers/srv/bufpool.h"
#include "drivers/srv/server.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"

void srv_config_defaults(struct srv_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_address, sizeof c->listen_address, "0.0.0.0");
    c->port = 445;
    c->min_dialect = SMB2_DIALECT_202;
    c->max_dialect = SMB2_DIALECT_311;
    c->signing = SRV_SIGNING_ENABLED;
    c->encryption = SRV_ENCRYPTION_OFF;
    snprintf(c->server_name, sizeof c->server_name, "SAMEWISE");
    c->max_transact_size = 8 * 1024 * 1024;
    c->max_read_size = 8 * 1024 * 1024;
    c->max_write_size = 8 * 1024 * 1024;
    c->max_credits = 8192;
    c->ciphers[0] = SMB2_ENCRYPTION_AES128_GCM;
    c->ciphers[1] = SMB2_ENCRYPTION_AES128_CCM;
    c->ciphers[2] = SMB2_ENCRYPTION_AES256_GCM;
    c->ciphers[3] = SMB2_ENCRYPTION_AES256_CCM;
    c->signing_algorithms[0] = SMB2_SIGNING_AES_GMAC;
    c->signing_algorithms[1] = SMB2_SIGNING_AES_CMAC;
    c->signing_algorithms[2] = SMB2_SIGNING_HMAC_SHA256;
    c->signing_algorithm_count = 3;
    c->multichannel = true; /* as Windows */
    c->idle_timeout = 900; /* Windows' autodisconnect: 15 minutes */
    c->max_opens_per_session = 16384; /* Windows' per-session default is the same order */
    c->max_opens_per_user = 0;        /* a quarter of RLIMIT_NOFILE (open_quota.c) */
    /* Well under a descriptor limit of a few thousand, and far more than an
     * office of a few hundred clients (one or two connections each) uses. */
    c->max_connections = 2048;
    c->max_connections_per_address = 256; /* a NAT gateway, a terminal server */
    c->unauthenticated_timeout = 30;
    c->frame_timeout = 30;
    c->max_send_queue = 16u * 1024 * 1024; /* two 8 MiB READs */
    c->durable_max_timeout = 300; /* Windows' and Samba's bound on a v2 Timeout */
    c->network_threads = 0; /* one event loop per CPU (net.c) */
    c->worker_threads = 2;
}

uint16_t srv_dialect_parse(const char *text)
{
    static const struct { const char *name; uint16_t dialect; } names[] = {
        { "2.0.2", SMB2_DIALECT_202 }, { "2.02", SMB2_DIALECT_202 },
        { "SMB2_02", SMB2_DIALECT_202 }, { "0x0202", SMB2_DIALECT_202 },
        { "2.1", SMB2_DIALECT_210 }, { "2.10", SMB2_DIALECT_210 },
        { "SMB2_10", SMB2_DIALECT_210 }, { "0x0210", SMB2_DIALECT_210 },
        { "3.0", SMB2_DIALECT_300 }, { "3.00", SMB2_DIALECT_300 },
        { "SMB3_00", SMB2_DIALECT_300 }, { "0x0300", SMB2_DIALECT_300 },
        { "3.0.2", SMB2_DIALECT_302 }, { "3.02", SMB2_DIALECT_302 },
        { "SMB3_02", SMB2_DIALECT_302 }, { "0x0302", SMB2_DIALECT_302 },
        { "3.1.1", SMB2_DIALECT_311 }, { "3.11", SMB2_DIALECT_311 },
        { "SMB3_11", SMB2_DIALECT_311 }, { "0x0311", SMB2_DIALECT_311 },
    };
    for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(text, names[i].name) == 0)
            return names[i].dialect;
    return 0;
}

uint64_t srv_filetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* 11644473600 seconds from 1601-01-01 to 1970-01-01. */
    return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100;
}

uint64_t srv_monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

static bool dialect_known(uint16_t d)
{
    return d == SMB2_DIALECT_202 || d == SMB2_DIALECT_210 || d == SMB2_DIALECT_300 ||
           d == SMB2_DIALECT_302 || d == SMB2_DIALECT_311;
}

NTSTATUS srv_engine_create(const struct srv_config *config, struct srv_engine **out)
{
    *out = NULL;
    if (!dialect_known(config->min_dialect) || !dialect_known(config->max_dialect) ||
        config->min_dialect > config->max_dialect)
        return STATUS_INVALID_PARAMETER;
    if (!config->auth.begin || !config->auth.step || !config->shares.lookup)
        return STATUS_INVALID_PARAMETER;
    struct srv_engine *e = calloc(1, sizeof *e);
    if (!e)
        return STATUS_NO_MEMORY;
    e->config = *config;
    if (e->config.max_read_size < 65536)
        e->config.max_read_size = 65536;
    if (e->config.max_write_size < 65536)
        e->config.max_write_size = 65536;
    if (e->config.max_transact_size < 65536)
        e->config.max_transact_size = 65536;
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->settings_lock, NULL);
    e->settings = calloc(1, sizeof *e->settings);
    if (!e->settings) {
        pthread_mutex_destroy(&e->lock);
        pthread_mutex_destroy(&e->settings_lock);
        free(e);
        return STATUS_NO_MEMORY;
    }
    atomic_init(&e->settings->refs, 1);
    e->settings->config = e->config;
    pthread_mutex_init(&e->oplock_lock, NULL);
    pthread_mutex_init(&e->durable_lock, NULL);
    pthread_mutex_init(&e->quota_lock, NULL);
    pthread_cond_init(&e->conns_gone, NULL);
    pthread_cond_init(&e->rebind_cond, NULL);
    e->listen_fd = e->epoll_fd = e->wake_fd = -1;
    e->start_time = srv_filetime_now();
    srv_stats_init(&e->stats);
    /* Session ids: a random start keeps ids of a restarted server from
     * matching ones a client remembers from before. */
    uint32_t start = 0;
    RAND_bytes((unsigned char *)&start, sizeof start);
    atomic_init(&e->next_session_id, ((uint64_t)start << 16) | 1);
    atomic_init(&e->next_list_id, 0);
    if (!e->config.queue_work) {
        e->workers = srv_workers_start(e->config.worker_threads);
        if (!e->workers) {
            srv_engine_destroy(e);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    *out = e;
    return STATUS_SUCCESS;
}

const struct srv_config *srv_settings_hold(struct srv_engine *e)
{
    pthread_mutex_lock(&e->settings_lock);
    struct srv_settings *s = e->settings;
    atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&e->settings_lock);
    return &s->config;
}

void srv_settings_release(const struct srv_config *config)
{
    if (!config)
        return;
    struct srv_settings *s =
        (struct srv_settings *)((const char *)config - offsetof(struct srv_settings, config));
    if (atomic_fetch_sub(&s->refs, 1) == 1)
        free(s);
}

NTSTATUS srv_engine_queue_work(struct srv_engine *engine, srv_work_fn fn, void *context)
{
    if (engine->config.queue_work)
        return engine->config.queue_work(fn, context);
    return srv_workers_queue(engine->workers, fn, context);
}

void srv_engine_destroy(struct srv_engine *e)
{
    if (!e)
        return;
    atomic_store(&e->stopping, true);
    /* Before anyone is disconnected (which would end the durable opens that
     * lost their batch oplock): what a client may reclaim after the restart
     * (docs/srv.md, "Restart"). */
    srv_durable_save(e);
    /* Disconnect everyone: parked requests are asked to finish. */
    for (;;) {
        pthread_mutex_lock(&e->lock);
        struct srv_conn *conn = e->conns;
        if (conn)
            srv_conn_ref(conn);
        pthread_mutex_unlock(&e->lock);
        if (!conn)
            break;
        srv_conn_disconnect(conn, "server stopping");
        srv_conn_unref(conn);
    }
    /* The durable opens those connections left behind go too. */
    srv_durable_close_all(e);
    /* Our own workers finish what is queued (those requests see their
     * connection dead and only free themselves). */
    srv_workers_stop(e->workers);
    e->workers = NULL;
    /* Work lent to the host's pool may still hold connections, and closes of
     * opens may still be on their way through the I/O manager (an open holds
     * its tree): wait for both (bounded, so a stuck call cannot hang shutdown
     * forever). */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&e->lock);
    while (e->connections_live > 0 || atomic_load(&e->trees_open) > 0) {
        if (pthread_cond_timedwait(&e->conns_gone, &e->lock, &deadline) == ETIMEDOUT) {
            log_error("srv: %llu connection(s), %d tree connect(s) still referenced at shutdown",
                      (unsigned long long)e->connections_live, atomic_load(&e->trees_open));
            break;
        }
    }
    bool leaked = e->connections_live > 0 || atomic_load(&e->trees_open) > 0;
    pthread_mutex_unlock(&e->lock);
    if (leaked)
        return; /* freeing would let the stragglers touch freed memory */
    srv_net_release(e);
    pthread_cond_destroy(&e->conns_gone);
    pthread_cond_destroy(&e->rebind_cond);
    srv_settings_release(&e->settings->config);
    pthread_mutex_destroy(&e->settings_lock);
    pthread_mutex_destroy(&e->lock);
    pthread_mutex_destroy(&e->oplock_lock);
    token_free(atomic_load(&e->oplock_token));
    srv_open_quotas_free(e);
    pthread_mutex_destroy(&e->quota_lock);
    pthread_mutex_destroy(&e->durable_lock);
    srv_stats_destroy(&e->stats);
    free(e);
}

NTSTATUS srv_engine_start(const struct srv_config *config, struct srv_engine **out)
{
    struct srv_engine *e;
    NTSTATUS status = srv_engine_create(config, &e);
    if (status != STATUS_SUCCESS)
        return status;
    srv_durable_restore(e); /* before the first client can ask */
    status = srv_net_start(e);
    if (status != STATUS_SUCCESS) {
        srv_engine_destroy(e);
        return status;
    }
    *out = e;
    return STATUS_SUCCESS;
}

NTSTATUS srv_engine_reconfigure(struct srv_engine *e, const struct srv_config *fresh)
{
    if (!dialect_known(fresh->min_dialect) || !dialect_known(fresh->max_dialect) ||
        fresh->min_dialect > fresh->max_dialect) {
        log_error("srv: srv.min-dialect is above srv.max-dialect: the settings stay as they were");
        return STATUS_INVALID_PARAMETER;
    }
    struct srv_settings *next = calloc(1, sizeof *next);
    if (!next)
        return STATUS_NO_MEMORY;
    atomic_init(&next->refs, 1);
    next->config = *fresh;
    /* What is fixed at start stays (server.h: struct srv_engine). */
    struct srv_config *c = &next->config;
    c->auth = e->config.auth;
    c->shares = e->config.shares;
    c->queue_work = e->config.queue_work;
    c->max_transact_size = e->config.max_transact_size;
    c->max_read_size = e->config.max_read_size;
    c->max_write_size = e->config.max_write_size;
    c->max_credits = e->config.max_credits;
    memcpy(c->ciphers, e->config.ciphers, sizeof c->ciphers);
    memcpy(c->signing_algorithms, e->config.signing_algorithms, sizeof c->signing_algorithms);
    c->signing_algorithm_count = e->config.signing_algorithm_count;
    memcpy(c->server_guid, e->config.server_guid, sizeof c->server_guid);
    c->network_threads = e->config.network_threads;
    c->worker_threads = e->config.worker_threads;
    c->durable_state_path = e->config.durable_state_path;

    /* A new address or port: bound now, the old one closed; connections
     * stay. If it cannot be bound the old listener and its settings stay. */
    const struct srv_config *old = srv_settings_hold(e);
    if (e->net_running &&
        (strcmp(c->listen_address, old->listen_address) != 0 || c->port != old->port)) {
        if (srv_net_rebind(e, c->listen_address, c->port) != STATUS_SUCCESS) {
            snprintf(c->listen_address, sizeof c->listen_address, "%s", old->listen_address);
            c->port = old->port;
        }
    }
    if (c->min_dialect != old->min_dialect || c->max_dialect != old->max_dialect ||
        c->signing != old->signing || c->encryption != old->encryption ||
        c->multichannel != old->multichannel || c->max_connections != old->max_connections ||
        c->idle_timeout != old->idle_timeout)
        log_info("srv: new settings in force (dialects %x-%x, signing %d, encryption %d)",
                 c->min_dialect, c->max_dialect, (int)c->signing, (int)c->encryption);
    srv_settings_release(old);

    pthread_mutex_lock(&e->settings_lock);
    struct srv_settings *previous = e->settings;
    e->settings = next;
    pthread_mutex_unlock(&e->settings_lock);
    srv_settings_release(&previous->config);
    return STATUS_SUCCESS;
}

uint16_t srv_engine_port(const struct srv_engine *engine)
{
    return engine->port;
}

void srv_engine_stop(struct srv_engine *engine)
{
    if (!engine)
        return;
    srv_net_stop(engine);
    srv_engine_destroy(engine);
    /* Nothing of this server needs a buffer any more. */
    srv_bufpool_drain();
}

void srv_engine_get_stats(struct srv_engine *e, struct srv_engine_stats *stats)
{
    pthread_mutex_lock(&e->lock);
    uint64_t open = 0;
    for (struct srv_conn *c = e->conns; c; c = c->next)
        open++;
    stats->connections = open;
    stats->connections_total = e->connections_total;
    pthread_mutex_unlock(&e->lock);
    stats->sessions = (uint64_t)atomic_load(&e->sessions_valid);
    stats->trees = (uint64_t)atomic_load(&e->trees_open);
}
