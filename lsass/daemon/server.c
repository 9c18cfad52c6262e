/* lsassd's connections: accept, peer credentials, one thread per connection. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/client/protocol.h"
#include "lsass/daemon/lsassd.h"

/* Connections served at once; more are closed on arrival. Each holds a
 * thread, and only root and lwiod may do anything useful. */
#define MAX_CONNECTIONS 256

static atomic_int connection_count;

struct connection {
    struct connection *next;
    struct lsassd *daemon;
    int fd;
    uid_t uid;
};

/* Live connections, so that shutdown can break them off. */
static pthread_mutex_t connections_lock = PTHREAD_MUTEX_INITIALIZER;
static struct connection *connections;

static void track(struct connection *conn)
{
    pthread_mutex_lock(&connections_lock);
    conn->next = connections;
    connections = conn;
    pthread_mutex_unlock(&connections_lock);
}

static void untrack(struct connection *conn)
{
    pthread_mutex_lock(&connections_lock);
    struct connection **p = &connections;
    while (*p && *p != conn)
        p = &(*p)->next;
    if (*p)
        *p = conn->next;
    pthread_mutex_unlock(&connections_lock);
}

bool lsassd_stop_connections(unsigned timeout_ms)
{
    pthread_mutex_lock(&connections_lock);
    for (struct connection *c = connections; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    pthread_mutex_unlock(&connections_lock);
    /* A thread may be inside a logon (at most the failed-logon delay); give
     * them the time to notice, bounded. */
    for (unsigned waited = 0; atomic_load(&connection_count) > 0 && waited < timeout_ms; waited += 10) {
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return atomic_load(&connection_count) == 0;
}

static void *connection_thread(void *arg)
{
    struct connection *conn = arg;
    struct buf request, response;
    buf_init(&request);
    buf_init(&response);
    while (lsass_read_message(conn->fd, &request) == 0) {
        lsassd_handle(conn->daemon, conn->uid, request.data, request.len, &response);
        crypto_wipe(request.data, request.len);
        if (!lsass_msg_end(&response) || lsass_write_all(conn->fd, response.data, response.len) != 0)
            break;
        crypto_wipe(response.data, response.len);
    }
    crypto_wipe(request.data, request.len);
    crypto_wipe(response.data, response.len);
    buf_free(&request);
    buf_free(&response);
    untrack(conn);
    close(conn->fd);
    free(conn);
    atomic_fetch_sub(&connection_count, 1);
    return NULL;
}

static void start_connection(struct lsassd *d, int fd)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    /* The kernel's word on who is calling: the only identity lsassd trusts. */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
        close(fd);
        return;
    }
    if (atomic_fetch_add(&connection_count, 1) >= MAX_CONNECTIONS) {
        atomic_fetch_sub(&connection_count, 1);
        log_warning("too many connections: refusing one from uid %u", (unsigned)cred.uid);
        close(fd);
        return;
    }
    struct connection *conn = malloc(sizeof *conn);
    pthread_attr_t attr;
    pthread_t thread;
    if (!conn) {
        atomic_fetch_sub(&connection_count, 1);
        close(fd);
        return;
    }
    conn->daemon = d;
    conn->fd = fd;
    conn->uid = cred.uid;
    track(conn);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, connection_thread, conn) != 0) {
        untrack(conn);
        atomic_fetch_sub(&connection_count, 1);
        close(fd);
        free(conn);
    }
    pthread_attr_destroy(&attr);
}

/* Says, at most once a second (this runs from the main loop), that clients
 * hit the half-finished-logon limits: the sign of a flood, which clients
 * trigger, so never more often than that. */
static void report_pending_limits(struct lsassd *d, uint64_t *evicted_seen, uint64_t *refused_seen)
{
    uint64_t evicted = lsa_context_table_evicted(d->contexts);
    uint64_t refused = lsa_context_table_refused(d->contexts);
    if (evicted != *evicted_seen || refused != *refused_seen)
        log_warning("half-finished logons at their limits (lsass.max-pending-logons*): "
                    "%llu displaced, %llu refused in the last second",
                    (unsigned long long)(evicted - *evicted_seen), (unsigned long long)(refused - *refused_seen));
    *evicted_seen = evicted;
    *refused_seen = refused;
}

int lsassd_serve(struct lsassd *d, int listen_fd, int signal_fd)
{
    struct pollfd fds[2] = { { .fd = listen_fd, .events = POLLIN }, { .fd = signal_fd, .events = POLLIN } };
    uint64_t evicted_seen = 0, refused_seen = 0;
    struct timespec last_report = { 0, 0 };
    for (;;) {
        /* Wake at least once a second to reclaim abandoned contexts. */
        int n = poll(fds, 2, 1000);
        if (n < 0 && errno != EINTR) {
            log_error("poll: %s", strerror(errno));
            return -1;
        }
        size_t reaped = lsa_context_table_reap(d->contexts);
        if (reaped)
            log_info("reclaimed %zu abandoned security contexts", reaped);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec != last_report.tv_sec) {
            report_pending_limits(d, &evicted_seen, &refused_seen);
            last_report = now;
        }
        if (n <= 0)
            continue;
        if (fds[1].revents & POLLIN) {
            struct signalfd_siginfo info;
            if (read(signal_fd, &info, sizeof info) == (ssize_t)sizeof info)
                log_info("signal %u: stopping", info.ssi_signo);
            return 0;
        }
        if (fds[0].revents & POLLIN) {
            int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0)
                start_connection(d, fd);
            else if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
                log_warning("accept: %s", strerror(errno));
        }
    }
}
