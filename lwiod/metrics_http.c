/* The metrics endpoint (metrics_http.h). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/sam/sam.h"
#include "lwiod/metrics_http.h"
#include "metrics/metrics.h"
#include "registry/registry.h"

/* How long one collection serves scrapes: however often scrapers come,
 * srv and lsassd are asked at most once a second. */
#define CACHE_MS 1000

struct metrics_http {
    char *db_path;
    struct MHD_Daemon *daemon;
    char address[46];
    uint16_t port;
    /* Touched by libmicrohttpd's thread while the daemon runs, and by
     * metrics_http_apply only while it is stopped: no lock needed for these
     * but the user name, which apply changes live (under lock). */
    pthread_mutex_t lock;
    char user[65];              /* "" : no authentication */
    struct registry *reg;       /* the SAM, for the password check */
    struct sample_list cached;
    int64_t cached_at_ms;
    bool have_cache;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct metrics_http *metrics_http_new(const char *db_path)
{
    struct metrics_http *h = calloc(1, sizeof *h);
    if (!h || !(h->db_path = strdup(db_path))) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    sample_list_init(&h->cached);
    return h;
}

/* Is user:password the configured account's? The password is checked
 * against the account's NT hash in the SAM (the only place Samewise keeps
 * a password's secret), in constant time. A disabled or locked-out account,
 * or one without a password, never passes. Nothing here is logged. */
static bool credentials_ok(struct metrics_http *h, const char *want, const char *user,
                           const char *password)
{
    if (!user || !password || strcasecmp(user, want) != 0)
        return false;
    if (!h->reg && registry_open(h->db_path, &h->reg) != STATUS_SUCCESS) {
        h->reg = NULL;
        return false;
    }
    struct sam_user account;
    memset(&account, 0, sizeof account);
    if (sam_user_by_name(h->reg, user, &account) != STATUS_SUCCESS)
        return false;
    bool usable = account.has_password &&
                  !(account.flags & (SAM_USER_DISABLED | SAM_USER_LOCKED_OUT));
    uint32_t rid = account.rid;
    sam_user_free(&account);
    uint8_t stored[SAM_NT_HASH_LENGTH], given[16];
    bool ok = usable && sam_user_get_nt_hash(h->reg, rid, stored) == STATUS_SUCCESS &&
              crypto_nt_hash(password, given) == 0 && crypto_memcmp(stored, given, 16) == 0;
    crypto_wipe(stored, sizeof stored);
    crypto_wipe(given, sizeof given);
    return ok;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type,
                             const char *text, bool ask_auth)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    enum MHD_Result ret = ask_auth ? MHD_queue_basic_auth_fail_response(c, "Samewise metrics", r)
                                   : MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ret;
}

static bool wants_openmetrics(struct MHD_Connection *c)
{
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    return accept && strstr(accept, "application/openmetrics-text") != NULL;
}

static enum MHD_Result serve_metrics(struct metrics_http *h, struct MHD_Connection *c)
{
    int64_t now = now_ms();
    if (!h->have_cache || now - h->cached_at_ms >= CACHE_MS) {
        struct sample_list fresh;
        sample_list_init(&fresh);
        if (metrics_collect(h->db_path, &fresh) != STATUS_SUCCESS) {
            sample_list_free(&fresh);
            return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n", false);
        }
        sample_list_free(&h->cached);
        h->cached = fresh;
        h->cached_at_ms = now;
        h->have_cache = true;
    }
    bool om = wants_openmetrics(c);
    char *text = metrics_render_text(&h->cached, om);
    if (!text)
        return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", "out of memory\n", false);
    enum MHD_Result ret = reply(c, MHD_HTTP_OK,
                                om ? METRICS_CONTENT_TYPE_OPENMETRICS : METRICS_CONTENT_TYPE_TEXT,
                                text, false);
    free(text);
    return ret;
}

static enum MHD_Result handle(void *context, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    struct metrics_http *h = context;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET /metrics\n", false);
    /* A GET with a body: refuse it rather than read it. */
    if (*upload_size)
        return MHD_NO;
    (void)state;

    char want[sizeof h->user];
    pthread_mutex_lock(&h->lock);
    memcpy(want, h->user, sizeof want);
    pthread_mutex_unlock(&h->lock);
    if (want[0]) {
        char *password = NULL;
        char *user = MHD_basic_auth_get_username_password(c, &password);
        bool ok = credentials_ok(h, want, user, password);
        if (password) {
            crypto_wipe(password, strlen(password));
            MHD_free(password);
        }
        if (user)
            MHD_free(user);
        if (!ok) {
            const union MHD_ConnectionInfo *info =
                MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
            char from[INET6_ADDRSTRLEN] = "?";
            if (info && info->client_addr) {
                const struct sockaddr *sa = info->client_addr;
                if (sa->sa_family == AF_INET)
                    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, from, sizeof from);
                else if (sa->sa_family == AF_INET6)
                    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, from, sizeof from);
            }
            log_ratelimited(LOG_LEVEL_WARNING, "metrics: refused a request from %s "
                            "(no or wrong credentials)", from);
            return reply(c, MHD_HTTP_UNAUTHORIZED, "text/plain", "authentication required\n", true);
        }
    }
    if (strcmp(url, "/metrics") == 0)
        return serve_metrics(h, c);
    if (strcmp(url, "/") == 0)
        return reply(c, MHD_HTTP_OK, "text/plain", "Samewise metrics: GET /metrics\n", false);
    return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", "not found; GET /metrics\n", false);
}

static void stop(struct metrics_http *h)
{
    if (!h->daemon)
        return;
    MHD_stop_daemon(h->daemon); /* joins its thread */
    h->daemon = NULL;
    log_info("metrics: stopped listening on %s port %u", h->address, (unsigned)h->port);
    h->address[0] = 0;
    h->port = 0;
}

static bool start(struct metrics_http *h, const char *address, uint16_t port)
{
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET, address, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        sa = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, address, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        sa = (const struct sockaddr *)&v6;
        flags |= MHD_USE_IPv6;
    } else {
        return false;
    }
    h->daemon = MHD_start_daemon(
        flags, port, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, sa,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_MAX_PER_ADDRESS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_HTTP_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)16, MHD_OPTION_END);
    /* Not MHD_OPTION_LISTENING_ADDRESS_REUSE: that is SO_REUSEPORT, which
     * would let a second instance (or anything) share the port silently. */
    if (!h->daemon)
        return false;
    snprintf(h->address, sizeof h->address, "%s", address);
    h->port = port;
    log_info("metrics: listening on %s port %u", address, (unsigned)port);
    return true;
}

void metrics_http_apply(struct metrics_http *h, struct registry *reg)
{
    char *listen = NULL, *user = NULL;
    bool is_default;
    if (registry_setting_get_text(reg, "metrics.listen", &listen, &is_default) != STATUS_SUCCESS ||
        registry_setting_get_text(reg, "metrics.user", &user, &is_default) != STATUS_SUCCESS) {
        free(listen);
        free(user);
        return; /* a busy database: the next change tries again */
    }
    pthread_mutex_lock(&h->lock);
    snprintf(h->user, sizeof h->user, "%s", user);
    pthread_mutex_unlock(&h->lock);

    bool enabled;
    char address[46];
    uint16_t port;
    if (!registry_parse_endpoint(listen, METRICS_HTTP_DEFAULT, &enabled, address, &port)) {
        log_error("metrics: metrics.listen '%s' is not off, on, ADDRESS:PORT or [IPV6]:PORT",
                  listen);
        enabled = false;
    }
    bool same = enabled && h->daemon && h->port == port && strcmp(h->address, address) == 0;
    if (!same) {
        stop(h);
        if (enabled && !start(h, address, port))
            log_error("metrics: cannot listen on %s port %u (in use, or not an address of "
                      "this machine); not serving metrics", address, (unsigned)port);
    }
    free(listen);
    free(user);
}

void metrics_http_free(struct metrics_http *h)
{
    if (!h)
        return;
    stop(h);
    sample_list_free(&h->cached);
    registry_close(h->reg);
    pthread_mutex_destroy(&h->lock);
    free(h->db_path);
    free(h);
}
