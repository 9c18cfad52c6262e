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

/* Connections served at once on the private socket; more are closed on
 * arrival. Each holds a thread, and only root and lwiod may do anything
 * useful there. */
#define MAX_CONNECTIONS 256

/* The public socket (lookups for the NSS module) is open to every local
 * user, so what one user can make lsassd hold is bounded: threads (at most
 * MAX_PUBLIC_CONNECTIONS, of which one uid holds at most
 * MAX_PUBLIC_PER_UID, root MAX_PUBLIC_PER_ROOT since system daemons look
 * names up in parallel), memory (requests of at most
 * LSASS_PUBLIC_MAX_REQUEST bytes, answers bounded by protocol.h's page
 * sizes), time (a connection idle or stalled for PUBLIC_IO_TIMEOUT_S is
 * closed, and a peer that does not read its answers is dropped as well),
 * and work: each uid spends at most PUBLIC_BUDGET (root PUBLIC_BUDGET_ROOT)
 * units a second over all its connections, a lookup costing 1 and a page
 * of an enumeration (which lists every account) PUBLIC_ENUM_COST; a
 * request beyond waits for the next second, holding only that uid's own
 * connection. */
#define MAX_PUBLIC_CONNECTIONS 64
#define MAX_PUBLIC_PER_UID 8
#define MAX_PUBLIC_PER_ROOT 32
#define PUBLIC_IO_TIMEOUT_S 10
#define PUBLIC_BUDGET 400
#define PUBLIC_BUDGET_ROOT 4000
#define PUBLIC_ENUM_COST 8

static atomic_int connection_count;
static atomic_int public_count;

struct connection {
    struct connection *next;
    struct lsassd *daemon;
    int fd;
    uid_t uid;
    bool public;
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
    for (unsigned waited = 0; atomic_load(&connection_count) + atomic_load(&public_count) > 0 && waited < timeout_ms;
         waited += 10) {
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return atomic_load(&connection_count) + atomic_load(&public_count) == 0;
}

/* Public connections of uid (connections_lock held). */
static int public_connections_of(uid_t uid)
{
    int n = 0;
    for (struct connection *c = connections; c; c = c->next)
        n += c->public && c->uid == uid;
    return n;
}

/* The work budgets of the uids with public connections (connections_lock):
 * one slot per uid, at most as many uids as public connections. */
struct uid_budget {
    bool used;
    uid_t uid;
    struct timespec window; /* start of the current second */
    unsigned spent;
};
static struct uid_budget budgets[MAX_PUBLIC_CONNECTIONS];

/* uid's slot: its own, a free one, or one of a uid with no public
 * connection left (there is one: live uids are at most
 * MAX_PUBLIC_CONNECTIONS, and uid is among them). connections_lock held. */
static struct uid_budget *budget_of(uid_t uid)
{
    struct uid_budget *spare = NULL;
    for (size_t i = 0; i < MAX_PUBLIC_CONNECTIONS; i++) {
        if (budgets[i].used && budgets[i].uid == uid)
            return &budgets[i];
        if (!spare && (!budgets[i].used || public_connections_of(budgets[i].uid) == 0))
            spare = &budgets[i];
    }
    if (spare)
        *spare = (struct uid_budget){ .used = true, .uid = uid };
    return spare;
}

/* Spends cost from uid's budget, first sleeping out the rest of the second
 * while it is used up. */
static void public_budget_wait(uid_t uid, unsigned cost)
{
    unsigned limit = uid == 0 ? PUBLIC_BUDGET_ROOT : PUBLIC_BUDGET;
    for (int rounds = 0; rounds < 100; rounds++) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&connections_lock);
        struct uid_budget *b = budget_of(uid);
        if (!b) {
            pthread_mutex_unlock(&connections_lock);
            return;
        }
        int64_t elapsed_ns = (int64_t)(now.tv_sec - b->window.tv_sec) * 1000000000 + (now.tv_nsec - b->window.tv_nsec);
        if (elapsed_ns >= 1000000000 || elapsed_ns < 0) {
            b->window = now;
            b->spent = 0;
            elapsed_ns = 0;
        }
        if (b->spent + cost <= limit || b->spent == 0) {
            b->spent += cost;
            pthread_mutex_unlock(&connections_lock);
            return;
        }
        pthread_mutex_unlock(&connections_lock);
        struct timespec rest = { 0, (long)(1000000000 - elapsed_ns) };
        nanosleep(&rest, NULL);
    }
}

static void *connection_thread(void *arg)
{
    struct connection *conn = arg;
    struct buf request, response;
    size_t max_request = conn->public ? LSASS_PUBLIC_MAX_REQUEST : LSASS_MAX_MESSAGE;
    buf_init(&request);
    buf_init(&response);
    while (lsass_read_message_max(conn->fd, &request, max_request) == 0) {
        if (conn->public) {
            uint32_t opcode = request.len >= 4 ? le32_load(request.data) : 0;
            public_budget_wait(conn->uid, opcode == LSASS_OP_ENUM_PASSWD || opcode == LSASS_OP_ENUM_GROUP
                                              ? PUBLIC_ENUM_COST
                                              : 1);
            lsassd_handle_public(conn->daemon, conn->uid, request.data, request.len, &response);
        } else {
            lsassd_handle(conn->daemon, conn->uid, request.data, request.len, &response);
        }
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
    atomic_fetch_sub(conn->public ? &public_count : &connection_count, 1);
    free(conn);
    return NULL;
}

/* Counts a new public connection of uid against the limits: true if it
 * may stay (and is then tracked). */
static bool admit_public(struct connection *conn)
{
    bool ok;
    pthread_mutex_lock(&connections_lock);
    int limit = conn->uid == 0 ? MAX_PUBLIC_PER_ROOT : MAX_PUBLIC_PER_UID;
    ok = atomic_load(&public_count) < MAX_PUBLIC_CONNECTIONS && public_connections_of(conn->uid) < limit;
    if (ok) {
        atomic_fetch_add(&public_count, 1);
        conn->next = connections;
        connections = conn;
    }
    pthread_mutex_unlock(&connections_lock);
    return ok;
}

static void start_connection(struct lsassd *d, int fd, bool public)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    /* The kernel's word on who is calling: the only identity lsassd trusts. */
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred) {
        close(fd);
        return;
    }
    struct connection *conn = malloc(sizeof *conn);
    pthread_attr_t attr;
    pthread_t thread;
    if (!conn) {
        close(fd);
        return;
    }
    conn->daemon = d;
    conn->fd = fd;
    conn->uid = cred.uid;
    conn->public = public;
    if (public) {
        if (!admit_public(conn)) {
            /* Said at debug level only: any local user can make this happen. */
            log_debug("public socket: too many connections, refusing one from uid %u", (unsigned)cred.uid);
            close(fd);
            free(conn);
            return;
        }
        struct timeval timeout = { PUBLIC_IO_TIMEOUT_S, 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    } else {
        if (atomic_fetch_add(&connection_count, 1) >= MAX_CONNECTIONS) {
            atomic_fetch_sub(&connection_count, 1);
            log_warning("too many connections: refusing one from uid %u", (unsigned)cred.uid);
            close(fd);
            free(conn);
            return;
        }
        track(conn);
    }
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, connection_thread, conn) != 0) {
        untrack(conn);
        atomic_fetch_sub(public ? &public_count : &connection_count, 1);
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

int lsassd_serve(struct lsassd *d, int listen_fd, int public_fd, int signal_fd)
{
    struct pollfd fds[3] = { { .fd = listen_fd, .events = POLLIN },
                             { .fd = signal_fd, .events = POLLIN },
                             { .fd = public_fd, .events = POLLIN } };
    uint64_t evicted_seen = 0, refused_seen = 0;
    struct timespec last_report = { 0, 0 };
    for (;;) {
        /* Wake at least once a second to reclaim abandoned contexts. */
        int n = poll(fds, public_fd >= 0 ? 3 : 2, 1000);
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
        for (int i = 0; i < 3; i += 2) {
            if (i == 2 && public_fd < 0)
                break;
            if (!(fds[i].revents & POLLIN))
                continue;
            int fd = accept4(fds[i].fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0)
                start_connection(d, fd, i == 2);
            else if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
                log_warning("accept: %s", strerror(errno));
        }
    }
}
