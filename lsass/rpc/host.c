/* lsassd's RPC host (lsa_rpc.h): the interface table, the pipes, and the
 * thread that keeps them served through lwiod. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "lsass/lsarpc/lsarpc.h"
#include "lsass/rpc/lsa_rpc.h"
#include "lsass/sam/sam.h"
#include "lsass/samr/samr.h"
#include "lwiod/client/lwio.h"

/* The interface modules lsassd serves: one line each. */
static const struct {
    const char *name;
    lsa_rpc_register_fn register_fn;
} modules[] = {
    { "lsarpc", lsarpc_interface_register }, /* lsarpc, dssetup */
    { "samr", samr_interface_register },
};
#define MODULE_COUNT (sizeof modules / sizeof modules[0])

/* The pipes, each served by the one server (any interface on any pipe). */
static const struct {
    const char *path;
    const char *endpoint; /* bind_ack secondary address */
} pipes[] = {
    { "\\npfs\\lsarpc", "\\PIPE\\lsarpc" },
    { "\\npfs\\lsass", "\\PIPE\\lsass" },
    { "\\npfs\\samr", "\\PIPE\\samr" },
};
#define PIPE_COUNT (sizeof pipes / sizeof pipes[0])

/* How often a missing or lost lwiod is tried again: often while the
 * appliance is starting (lwiod comes up just after lsassd), then every
 * second. */
#define FAST_RETRY_MS 100
#define FAST_RETRIES 100
#define RETRY_MS 1000

/* ---- Actors ---- */

const struct audit_actor *lsa_rpc_actor(struct lsa_rpc_context *ctx, const struct access_token *token,
                                        const char *via, struct lsa_rpc_actor *who)
{
    memset(who, 0, sizeof *who);
    if (token && !token->is_anonymous) {
        sid_format(&token->user, who->sid, sizeof who->sid);
        who->name = sam_sid_display(ctx->reg, &token->user);
    } else {
        snprintf(who->sid, sizeof who->sid, "anonymous");
    }
    who->actor.via = via;
    who->actor.uid = (uid_t)-1;
    who->actor.user = who->name ? who->name : who->sid;
    return &who->actor;
}

void lsa_rpc_actor_done(struct lsa_rpc_actor *who)
{
    free(who->name);
    who->name = NULL;
}

/* ---- The server with its interfaces ---- */

struct lsa_rpc_server {
    struct dcerpc_server *server;
    struct lsa_rpc_context ctx;
    char *db_path;
    lsa_rpc_unregister_fn unregister[MODULE_COUNT];
    void *state[MODULE_COUNT];
};

void lsa_rpc_server_free(struct lsa_rpc_server *s)
{
    if (!s)
        return;
    /* The server first: its groups' handle destructors may still use the
     * interfaces' state. */
    dcerpc_server_free(s->server);
    for (size_t i = MODULE_COUNT; i-- > 0;)
        if (s->unregister[i])
            s->unregister[i](s->state[i]);
    registry_close(s->ctx.reg);
    pthread_mutex_destroy(&s->ctx.reg_lock);
    free(s->db_path);
    free(s);
}

NTSTATUS lsa_rpc_server_new(const char *db_path, unsigned max_handles, struct lsa_rpc_server **out)
{
    *out = NULL;
    struct lsa_rpc_server *s = calloc(1, sizeof *s);
    if (!s || !(s->db_path = strdup(db_path))) {
        free(s);
        return STATUS_NO_MEMORY;
    }
    pthread_mutex_init(&s->ctx.reg_lock, NULL);
    s->ctx.db_path = s->db_path;
    NTSTATUS status = registry_open(db_path, &s->ctx.reg);
    struct dcerpc_server_config config = { .max_handles = max_handles };
    if (status == STATUS_SUCCESS && !(s->server = dcerpc_server_new(&config)))
        status = STATUS_NO_MEMORY;
    for (size_t i = 0; i < MODULE_COUNT && status == STATUS_SUCCESS; i++) {
        status = modules[i].register_fn(s->server, &s->ctx, &s->unregister[i], &s->state[i]);
        if (status != STATUS_SUCCESS)
            log_error("rpc: cannot register %s: %s", modules[i].name, nt_status_name(status));
    }
    if (status != STATUS_SUCCESS) {
        lsa_rpc_server_free(s);
        return status;
    }
    *out = s;
    return STATUS_SUCCESS;
}

struct dcerpc_server *lsa_rpc_server_dcerpc(struct lsa_rpc_server *s) { return s->server; }

/* ---- The host: pipes through lwiod ---- */

struct lsa_rpc_host {
    struct lsa_rpc_server *rpc;
    struct lsa_rpc_auth *auth;
    struct lsa_rpc_host_options options;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;     /* under lock */
    bool serving;  /* under lock */
    /* The connection and its listeners: the host thread's alone. */
    struct lwio_context *lwio;
    struct dcerpc_np_listener *listeners[PIPE_COUNT];
};

static void pipes_stop(struct lsa_rpc_host *h)
{
    for (size_t i = 0; i < PIPE_COUNT; i++) {
        dcerpc_np_stop(h->listeners[i]);
        h->listeners[i] = NULL;
    }
    if (h->lwio)
        LwIoDisconnect(h->lwio);
    h->lwio = NULL;
}

static NTSTATUS pipes_start(struct lsa_rpc_host *h)
{
    NTSTATUS status = LwIoConnect(h->rpc->db_path, &h->lwio);
    for (size_t i = 0; i < PIPE_COUNT && status == STATUS_SUCCESS; i++)
        status = dcerpc_np_listen(h->rpc->server, h->lwio, pipes[i].path, pipes[i].endpoint,
                                  h->options.instances, &h->listeners[i]);
    if (status != STATUS_SUCCESS)
        pipes_stop(h);
    return status;
}

static bool pipes_lost(const struct lsa_rpc_host *h)
{
    if (!h->lwio)
        return true;
    for (size_t i = 0; i < PIPE_COUNT; i++)
        if (dcerpc_np_lost(h->listeners[i]))
            return true;
    return false;
}

static void set_serving(struct lsa_rpc_host *h, bool serving)
{
    pthread_mutex_lock(&h->lock);
    h->serving = serving;
    pthread_mutex_unlock(&h->lock);
}

static void *host_thread(void *arg)
{
    struct lsa_rpc_host *h = arg;
    bool said_waiting = false;
    unsigned fast = FAST_RETRIES;
    for (;;) {
        if (pipes_lost(h)) {
            if (h->lwio) {
                log_warning("rpc: lost lwiod; serving the pipes again when it is back");
                set_serving(h, false);
            }
            pipes_stop(h);
            NTSTATUS status = pipes_start(h);
            if (status == STATUS_SUCCESS) {
                log_info("rpc: serving \\pipe\\lsarpc, \\pipe\\lsass and \\pipe\\samr (%u instances each)",
                         h->options.instances);
                set_serving(h, true);
                said_waiting = false;
                fast = FAST_RETRIES; /* a restarted lwiod is back as quickly */
            } else if (!said_waiting) {
                log_info("rpc: lwiod not reachable yet (%s); retrying", nt_status_name(status));
                said_waiting = true;
            }
        }
        /* Sleep until the retry or a stop. */
        long wait_ms = RETRY_MS;
        if (!h->lwio && fast > 0) {
            fast--;
            wait_ms = FAST_RETRY_MS;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (wait_ms % 1000) * 1000000L;
        until.tv_sec += wait_ms / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_mutex_lock(&h->lock);
        while (!h->stop && pthread_cond_timedwait(&h->wake, &h->lock, &until) != ETIMEDOUT)
            ;
        bool stop = h->stop;
        pthread_mutex_unlock(&h->lock);
        if (stop)
            break;
    }
    pipes_stop(h);
    return NULL;
}

NTSTATUS lsa_rpc_host_start(const char *db_path, const struct lsa_rpc_host_options *options,
                            struct lsa_rpc_host **out)
{
    *out = NULL;
    struct lsa_rpc_host *h = calloc(1, sizeof *h);
    if (!h)
        return STATUS_NO_MEMORY;
    h->options = *options;
    if (!h->options.instances)
        h->options.instances = 4;
    NTSTATUS status = lsa_rpc_server_new(db_path, options->max_handles, &h->rpc);
    if (status != STATUS_SUCCESS) {
        free(h);
        return status;
    }
    if (options->provider_count) {
        h->auth = lsa_rpc_auth_new(options->providers, options->provider_count, options->settings,
                                   options->logon_failed, options->arg);
        if (!h->auth) {
            lsa_rpc_server_free(h->rpc);
            free(h);
            return STATUS_NO_MEMORY;
        }
        dcerpc_server_set_auth(h->rpc->server, &lsa_rpc_auth_ops, h->auth);
    }
    pthread_mutex_init(&h->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_cond_init(&h->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (pthread_create(&h->thread, NULL, host_thread, h) != 0) {
        pthread_cond_destroy(&h->wake);
        pthread_mutex_destroy(&h->lock);
        lsa_rpc_server_free(h->rpc);
        lsa_rpc_auth_free(h->auth);
        free(h);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    *out = h;
    return STATUS_SUCCESS;
}

bool lsa_rpc_host_serving(struct lsa_rpc_host *h)
{
    pthread_mutex_lock(&h->lock);
    bool serving = h->serving;
    pthread_mutex_unlock(&h->lock);
    return serving;
}

void lsa_rpc_host_stop(struct lsa_rpc_host *h)
{
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stop = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    pthread_join(h->thread, NULL);
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    lsa_rpc_server_free(h->rpc);
    lsa_rpc_auth_free(h->auth); /* after the server: no association uses it */
    free(h);
}
