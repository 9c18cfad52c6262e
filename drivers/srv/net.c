/* The network side: a TCP listener and event loops (epoll threads) that
 * accept, read direct-TCP frames ([MS-SMB2] 2.1) and write what could not be
 * sent at once.
 *
 * There are srv.network-threads loops (default: one per CPU lwiod may run
 * on). Loop 0 also owns the listener and the once-a-second sweeps; each
 * accepted connection is handed to one loop in turn and lives there: only
 * that loop's thread reads it, runs the dispatcher on its frames (so frames
 * of different connections are parsed, verified, decrypted and answered on
 * different cores) and removes it from the loop's epoll set.
 *
 * A loop never blocks: sockets are non-blocking, frames are handed to the
 * dispatcher, which parks anything slow. Any thread may send; a send that
 * would block is queued and finished by the connection's loop on EPOLLOUT.
 * Only that loop removes a socket from its epoll set and drops the epoll
 * set's reference on the connection, so an event in hand never points at
 * freed memory; other threads end a connection with shutdown(2), which the
 * loop then sees as end of file.
 *
 * What a client can make this side hold is bounded (docs/srv.md, "Limits"):
 * connections (srv.max-connections, srv.max-connections-per-address; when
 * descriptors run out anyway, accepting pauses instead of spinning on
 * EMFILE), time (srv.unauthenticated-timeout, srv.frame-timeout: a sweep
 * once a second), frame size (SRV_MAX_FRAME_BEFORE_LOGON until a logon) and
 * responses (srv.max-send-queue: queued bytes plus the reservations of
 * requests in flight; past it the socket leaves EPOLLIN until that drops to
 * half, so requests wait in the kernel, not in srv). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "drivers/srv/bufpool.h"
#include "drivers/srv/server.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"

/* A frame waiting to be sent: bytes [sent, len) of the block data (which
 * may have unused header room before the frame). */
struct chunk {
    struct chunk *next;
    uint8_t *data;
    size_t len, sent;
};

/* One event loop: its epoll set, its wake descriptor, its thread. */
struct srv_net_loop {
    struct srv_engine *engine;
    unsigned index;
    int epoll_fd, wake_fd;
    pthread_t thread;
    bool started;
};

struct sock {
    int fd;
    struct srv_engine *engine;
    struct srv_net_loop *loop;  /* the loop it lives on (set before it joins
                                   the loop's epoll set, never changed) */
    char host[INET6_ADDRSTRLEN]; /* the client's address, for the per-address cap */
    uint64_t accepted_at;       /* monotonic seconds */
    bool registered;            /* in the epoll set (network thread only) */
    atomic_bool logged_on;      /* a SESSION_SETUP succeeded (as the network
                                   thread last saw it) */
    /* send side, under send_lock (a leaf lock) */
    pthread_mutex_t send_lock;
    struct chunk *head, *tail;
    size_t queued;              /* bytes in the chunks not yet sent */
    uint32_t events;            /* the epoll interest now */
    bool reading_paused;        /* back-pressure: EPOLLIN dropped */
    bool closed;
    /* receive side, network thread only */
    uint8_t hdr[SMB2_TRANSPORT_HEADER_SIZE];
    size_t hdr_have;
    uint8_t *frame;
    size_t frame_len, frame_have;
    uint64_t frame_clock;       /* when the frame began (after a logon: last
                                   progress), for srv.frame-timeout */
};

/* Before a logon a connection can only have NEGOTIATE and SESSION_SETUP
 * answers to send, each well under 64 KiB: its send budget is this much
 * whatever srv.max-send-queue says. */
#define SEND_BUDGET_BEFORE_LOGON (1024 * 1024)
/* Connections accepted per listening-socket event, so a flood of connects
 * cannot keep the network thread from its clients. */
#define ACCEPTS_PER_EVENT 64
/* Descriptors kept for everything else lwiod opens (files, lsassd, the
 * registry) when comparing srv.max-connections with the descriptor limit. */
#define DESCRIPTOR_RESERVE 256

/* Markers for the epoll data of the two non-connection descriptors. */
static int listen_marker, wake_marker;

static void free_chunks(struct sock *s)
{
    while (s->head) {
        struct chunk *c = s->head;
        s->head = c->next;
        srv_bufpool_put(c->data);
        free(c);
    }
    s->tail = NULL;
    s->queued = 0;
}

/* Writes queued chunks; with send_lock held. False on a socket error. */
static bool flush_locked(struct sock *s)
{
    while (s->head) {
        struct chunk *c = s->head;
        ssize_t n = send(s->fd, c->data + c->sent, c->len - c->sent,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno == EINTR)
                continue;
            return false;
        }
        c->sent += (size_t)n;
        s->queued -= (size_t)n;
        if (c->sent < c->len)
            break;
        s->head = c->next;
        if (!s->head)
            s->tail = NULL;
        srv_bufpool_put(c->data);
        free(c);
    }
    return true;
}

/* The send budget (srv.max-send-queue, smaller before a logon). */
static size_t send_budget(const struct sock *s)
{
    /* The snapshot in force now (a leaf lock): a changed limit applies at once. */
    const struct srv_config *settings = srv_settings_hold(s->engine);
    size_t limit = settings->max_send_queue;
    srv_settings_release(settings);
    if (!atomic_load(&s->logged_on) && (limit == 0 || limit > SEND_BUDGET_BEFORE_LOGON))
        limit = SEND_BUDGET_BEFORE_LOGON;
    return limit;
}

/* Sets the epoll interest from the state: EPOLLOUT while chunks wait,
 * EPOLLIN unless what the connection holds (queued bytes and the
 * reservations of its requests in flight) reached the send budget; reading
 * resumes once that is down to half. With send_lock held; any thread. */
static void update_interest_locked(struct srv_conn *conn, struct sock *s)
{
    size_t limit = send_budget(s);
    size_t held = s->queued + atomic_load(&conn->inflight_bytes);
    if (!s->reading_paused && limit && held >= limit) {
        s->reading_paused = true;
        log_ratelimited(LOG_LEVEL_DEBUG, "srv: %s: %zu bytes queued or in flight: reading paused",
                        conn->peer, held);
    } else if (s->reading_paused && (!limit || held <= limit / 2)) {
        s->reading_paused = false;
        log_ratelimited(LOG_LEVEL_DEBUG, "srv: %s: %zu bytes queued or in flight: reading resumed",
                        conn->peer, held);
    }
    uint32_t events = (s->reading_paused ? 0u : (uint32_t)(EPOLLIN | EPOLLRDHUP)) |
                      (s->head ? (uint32_t)EPOLLOUT : 0u);
    if (events == s->events || s->closed)
        return;
    struct epoll_event ev = { .events = events, .data.ptr = conn };
    /* EPOLL_CTL_MOD is safe from any thread; it fails harmlessly once the
     * loop has removed the socket. */
    if (epoll_ctl(s->loop->epoll_fd, EPOLL_CTL_MOD, s->fd, &ev) == 0)
        s->events = events;
}

/* Whether reading is paused now (re-evaluated first). */
static bool reading_paused(struct srv_conn *conn, struct sock *s)
{
    pthread_mutex_lock(&s->send_lock);
    update_interest_locked(conn, s);
    bool paused = s->reading_paused;
    pthread_mutex_unlock(&s->send_lock);
    return paused;
}

/* Sends at once what the socket takes when nothing is queued before it (no
 * chunk allocated then: the usual case); queues the rest. */
static void sock_send_at(struct srv_conn *conn, uint8_t *block, size_t start, size_t len)
{
    struct sock *s = conn->transport_state;
    bool failed = false;
    pthread_mutex_lock(&s->send_lock);
    if (s->closed) {
        srv_bufpool_put(block);
        goto out;
    }
    size_t sent = start, end = start + len;
    while (!s->head && sent < end) {
        ssize_t n = send(s->fd, block + sent, end - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                failed = true;
            break;
        }
        sent += (size_t)n;
    }
    if (failed || sent == end) {
        srv_bufpool_put(block);
        if (!failed && s->reading_paused)
            update_interest_locked(conn, s);
        goto out;
    }
    struct chunk *c = malloc(sizeof *c);
    if (!c) {
        srv_bufpool_put(block);
        failed = true;
        goto out;
    }
    *c = (struct chunk){ .data = block, .len = end, .sent = sent };
    if (s->tail)
        s->tail->next = c;
    else
        s->head = c;
    s->tail = c;
    s->queued += end - sent;
    failed = !flush_locked(s);
    if (!failed)
        update_interest_locked(conn, s);
out:
    pthread_mutex_unlock(&s->send_lock);
    if (failed)
        srv_conn_disconnect(conn, "send failed");
}

static void sock_send(struct srv_conn *conn, uint8_t *data, size_t len)
{
    sock_send_at(conn, data, 0, len);
}

static void sock_shutdown(struct srv_conn *conn)
{
    struct sock *s = conn->transport_state;
    pthread_mutex_lock(&s->send_lock);
    if (!s->closed) {
        s->closed = true;
        /* Let queued responses go out if the peer reads them quickly; what
         * remains is dropped. */
        flush_locked(s);
        free_chunks(s);
        shutdown(s->fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&s->send_lock);
}

static void sock_release(struct srv_conn *conn)
{
    struct sock *s = conn->transport_state;
    struct srv_engine *e = s->engine;
    free_chunks(s);
    srv_bufpool_put(s->frame);
    if (s->fd >= 0) {
        close(s->fd);
        /* A descriptor is free: if accepting paused for want of one, the
         * network thread may try again now. (The wake descriptor lives as
         * long as the engine, longer than any connection.) */
        atomic_fetch_add(&e->descriptors_freed, 1);
        if (atomic_load(&e->accept_paused) && e->wake_fd >= 0) {
            uint64_t one = 1;
            if (write(e->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
                log_ratelimited(LOG_LEVEL_WARNING, "srv: wake: %s", strerror(errno));
        }
    }
    pthread_mutex_destroy(&s->send_lock);
    free(s);
}

static void sock_inflight_released(struct srv_conn *conn)
{
    struct sock *s = conn->transport_state;
    pthread_mutex_lock(&s->send_lock);
    if (s->reading_paused)
        update_interest_locked(conn, s);
    pthread_mutex_unlock(&s->send_lock);
}

static const struct srv_transport sock_transport = {
    .send = sock_send,
    .shutdown = sock_shutdown,
    .release = sock_release,
    .inflight_released = sock_inflight_released,
    .send_at = sock_send_at,
};

/* ---- Network thread ----------------------------------------------------- */

static void close_conn(struct srv_engine *e, struct srv_conn *conn, const char *why)
{
    struct sock *s = conn->transport_state;
    (void)e;
    srv_conn_disconnect(conn, why);
    if (s->registered) {
        epoll_ctl(s->loop->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
        s->registered = false;
        srv_conn_unref(conn); /* the epoll set's reference */
    }
}

/* Drops connections idle for srv.idle-timeout seconds with no open file and
 * no request waiting (Windows' autodisconnect; the client reconnects when it
 * needs to). Runs on the network thread between events. */
static void idle_sweep(struct srv_engine *e, uint32_t idle_timeout)
{
    uint64_t now = srv_monotonic_seconds();
    for (int rounds = 0; rounds < 1024; rounds++) {
        struct srv_conn *victim = NULL;
        pthread_mutex_lock(&e->lock);
        for (struct srv_conn *c = e->conns; c && !victim; c = c->next)
            if (now - atomic_load(&c->last_activity) >= idle_timeout) {
                srv_conn_ref(c);
                victim = c;
            }
        pthread_mutex_unlock(&e->lock);
        if (!victim)
            return;
        if (srv_conn_is_idle(victim))
            srv_conn_disconnect(victim, "idle");
        else
            atomic_store(&victim->last_activity, now); /* busy: look again later */
        srv_conn_unref(victim);
    }
}

/* Closes the loop's connections that overstayed srv.unauthenticated-timeout
 * (no SESSION_SETUP succeeded on them) or whose frame in progress is older
 * than srv.frame-timeout. Runs on each loop once a second, for the
 * connections that live there (their receive state is the loop's alone);
 * the disconnect shuts the socket, and the loop then drops it. */
static void limits_sweep(struct srv_net_loop *loop)
{
    struct srv_engine *e = loop->engine;
    const struct srv_config *settings = srv_settings_hold(e);
    uint32_t unauthenticated = settings->unauthenticated_timeout;
    uint32_t frame = settings->frame_timeout;
    srv_settings_release(settings);
    uint64_t now = srv_monotonic_seconds();
    enum { BATCH = 256 };
    struct srv_conn *victims[BATCH];
    const char *whys[BATCH];
    size_t n = 0;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *c = e->conns; c && n < BATCH; c = c->next) {
        if (c->transport != &sock_transport)
            continue;
        struct sock *s = c->transport_state;
        if (s->loop != loop)
            continue;
        pthread_mutex_lock(&c->lock);
        bool logged_on = c->has_valid_session, dead = c->dead;
        pthread_mutex_unlock(&c->lock);
        if (dead)
            continue;
        if (logged_on)
            atomic_store(&s->logged_on, true);
        const char *why = NULL;
        if (s->hdr_have > 0) {
            pthread_mutex_lock(&s->send_lock);
            bool paused = s->reading_paused;
            pthread_mutex_unlock(&s->send_lock);
            if (paused)
                s->frame_clock = now; /* srv, not the client, is waiting */
            else if (frame && now - s->frame_clock >= frame)
                why = "a frame took longer than srv.frame-timeout";
        }
        if (!why && !logged_on && unauthenticated && now - s->accepted_at >= unauthenticated)
            why = "no logon within srv.unauthenticated-timeout";
        if (why) {
            srv_conn_ref(c);
            victims[n] = c;
            whys[n++] = why;
        }
    }
    pthread_mutex_unlock(&e->lock);
    for (size_t i = 0; i < n; i++) {
        srv_conn_disconnect(victims[i], whys[i]);
        srv_conn_unref(victims[i]);
    }
}

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Descriptors (or kernel memory) ran out: stop polling the listening
 * socket, which would otherwise report the waiting connection again at once
 * and spin. Pending connections wait in the kernel's backlog. */
static void pause_accepting(struct srv_engine *e, int error)
{
    epoll_ctl(e->epoll_fd, EPOLL_CTL_DEL, e->listen_fd, NULL);
    e->accept_paused_ms = monotonic_ms();
    e->freed_at_pause = atomic_load(&e->descriptors_freed);
    atomic_store(&e->accept_paused, true);
    log_ratelimited(LOG_LEVEL_WARNING,
                    "srv: accept: %s: accepting paused until a descriptor is free",
                    strerror(error));
}

/* Resumes once a connection's descriptor was closed, or after a second
 * (descriptors closed elsewhere in lwiod do not tell srv). */
static void maybe_resume_accepting(struct srv_engine *e)
{
    if (!atomic_load(&e->accept_paused))
        return;
    if (atomic_load(&e->descriptors_freed) == e->freed_at_pause &&
        monotonic_ms() - e->accept_paused_ms < 1000)
        return;
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &listen_marker };
    if (epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->listen_fd, &lev) == 0 || errno == EEXIST)
        atomic_store(&e->accept_paused, false);
}

/* Whether one more connection from host fits srv.max-connections and
 * srv.max-connections-per-address; why not otherwise. */
static bool connection_allowed(struct srv_engine *e, const char *host, const char **why)
{
    const struct srv_config *settings = srv_settings_hold(e);
    uint32_t max_total = settings->max_connections;
    uint32_t max_from_host = settings->max_connections_per_address;
    srv_settings_release(settings);
    if (max_total == 0 && max_from_host == 0)
        return true;
    uint64_t total = 0, from_host = 0;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *c = e->conns; c; c = c->next) {
        total++;
        if (max_from_host && c->transport == &sock_transport &&
            strcmp(((struct sock *)c->transport_state)->host, host) == 0)
            from_host++;
    }
    pthread_mutex_unlock(&e->lock);
    if (max_total && total >= max_total) {
        *why = "srv.max-connections";
        return false;
    }
    if (max_from_host && from_host >= max_from_host) {
        *why = "srv.max-connections-per-address";
        return false;
    }
    return true;
}

static void accept_some(struct srv_engine *e)
{
    for (int accepted = 0; accepted < ACCEPTS_PER_EVENT; accepted++) {
        struct sockaddr_storage addr;
        socklen_t addr_len = sizeof addr;
        int fd = accept4(e->listen_fd, (struct sockaddr *)&addr, &addr_len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                pause_accepting(e, errno);
            return;
        }
        char host[INET6_ADDRSTRLEN] = "?", serv[8] = "?", peer[64];
        getnameinfo((struct sockaddr *)&addr, addr_len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        const char *why = NULL;
        if (!connection_allowed(e, host, &why)) {
            /* Refused at once: the client sees its connection closed. */
            log_ratelimited(LOG_LEVEL_WARNING, "srv: %s reached: refusing a connection from %s",
                            why, host);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        snprintf(peer, sizeof peer, "%s:%s", host, serv);
        struct sock *s = calloc(1, sizeof *s);
        if (!s) {
            close(fd);
            continue;
        }
        s->fd = fd;
        s->engine = e;
        snprintf(s->host, sizeof s->host, "%s", host);
        s->accepted_at = srv_monotonic_seconds();
        s->events = EPOLLIN | EPOLLRDHUP;
        atomic_init(&s->logged_on, false);
        pthread_mutex_init(&s->send_lock, NULL);
        /* The loops in turn (this thread is loop 0's: next_loop is its). */
        s->loop = &e->loops[e->next_loop++ % e->loop_count];
        struct srv_conn *conn = srv_conn_new(e, &sock_transport, s, peer);
        if (!conn) {
            sock_release(&(struct srv_conn){ .transport_state = s });
            continue;
        }
        /* The caller's reference becomes the epoll set's. Registered before
         * the socket joins the set: from then on the connection's loop may
         * see an event for it (and drop it) at any moment. */
        s->registered = true;
        struct epoll_event ev = { .events = s->events, .data.ptr = conn };
        if (epoll_ctl(s->loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            s->registered = false;
            srv_conn_disconnect(conn, "epoll");
            srv_conn_unref(conn);
            continue;
        }
        log_ratelimited(LOG_LEVEL_INFO, "srv: %s: connected", peer);
    }
}

/* Reads what is available; false when the connection must close. Reads at
 * most a few frames per call so one busy client cannot starve the others,
 * and none while the connection's send budget is spent (back-pressure). */
static bool read_frames(struct srv_conn *conn, const char **why)
{
    struct sock *s = conn->transport_state;
    for (int frames = 0; frames < 16;) {
        if (s->hdr_have == 0 && reading_paused(conn, s))
            return true;
        if (s->hdr_have < SMB2_TRANSPORT_HEADER_SIZE) {
            ssize_t n = recv(s->fd, s->hdr + s->hdr_have, SMB2_TRANSPORT_HEADER_SIZE - s->hdr_have,
                             MSG_DONTWAIT);
            if (n == 0) {
                *why = "closed by the client";
                return false;
            }
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    return true;
                *why = "receive error";
                return false;
            }
            /* After a logon a large WRITE may take long on a slow link:
             * srv.frame-timeout then bounds the time without progress. */
            if (s->hdr_have == 0 || atomic_load(&s->logged_on))
                s->frame_clock = srv_monotonic_seconds();
            s->hdr_have += (size_t)n;
            if (s->hdr_have < SMB2_TRANSPORT_HEADER_SIZE)
                continue;
            /* Direct TCP: the first byte is zero (no NetBIOS session
             * service), then a 24-bit length. Checked before anything is
             * allocated: before a logon a frame longer than a NEGOTIATE or
             * SESSION_SETUP needs closes the connection. */
            size_t len = (size_t)s->hdr[1] << 16 | (size_t)s->hdr[2] << 8 | s->hdr[3];
            size_t max = srv_conn_max_frame(conn);
            bool logged_on = max > SRV_MAX_FRAME_BEFORE_LOGON;
            if (logged_on)
                atomic_store(&s->logged_on, true);
            if (s->hdr[0] != 0 || len == 0 || len > max) {
                *why = s->hdr[0] != 0 ? "not a direct TCP frame" : "frame length out of range";
                return false;
            }
            /* A large WRITE lands in a cached block and is written to the
             * file from there (no copy on the way). */
            size_t usable;
            s->frame = srv_bufpool_get(len, &usable);
            if (!s->frame) {
                *why = "out of memory";
                return false;
            }
            s->frame_len = len;
            s->frame_have = 0;
        }
        ssize_t n = recv(s->fd, s->frame + s->frame_have, s->frame_len - s->frame_have,
                         MSG_DONTWAIT);
        if (n == 0) {
            *why = "closed by the client";
            return false;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return true;
            *why = "receive error";
            return false;
        }
        s->frame_have += (size_t)n;
        if (atomic_load(&s->logged_on))
            s->frame_clock = srv_monotonic_seconds();
        if (s->frame_have == s->frame_len) {
            uint8_t *frame = s->frame;
            size_t len = s->frame_len;
            s->frame = NULL;
            s->hdr_have = 0;
            frames++;
            srv_conn_receive(conn, frame, len);
            if (srv_conn_is_dead(conn)) {
                *why = "dropped";
                return false;
            }
        }
    }
    return true;
}

static int listen_socket(const char *address, uint16_t port, uint16_t *bound);

/* Network thread: replaces the listener (srv_net_rebind). Only this thread
 * touches listen_fd once the thread runs, so an accept never sees it closed
 * under it. */
static NTSTATUS rebind(struct srv_engine *e, const char *address, uint16_t port)
{
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &listen_marker };
    uint16_t bound = 0;
    int fd = listen_socket(address, port, &bound);
    bool old_closed = false;
    if (fd < 0 && errno == EADDRINUSE && port == e->port) {
        /* The same port on an overlapping address: the old socket holds it. */
        epoll_ctl(e->epoll_fd, EPOLL_CTL_DEL, e->listen_fd, NULL);
        close(e->listen_fd);
        e->listen_fd = -1;
        old_closed = true;
        fd = listen_socket(address, port, &bound);
    }
    if (fd < 0 || epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, fd, &lev) != 0) {
        log_error("srv: cannot listen on %s port %u: %s; still on %s port %u", address, port,
                  strerror(errno), e->listen_address, e->port);
        if (fd >= 0)
            close(fd);
        if (old_closed) {
            e->listen_fd = listen_socket(e->listen_address, e->port, &bound);
            if (e->listen_fd < 0 || epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->listen_fd, &lev) != 0)
                log_error("srv: and cannot listen on %s port %u again: %s", e->listen_address,
                          e->port, strerror(errno));
        }
        return STATUS_INVALID_PARAMETER;
    }
    if (!old_closed && e->listen_fd >= 0) {
        epoll_ctl(e->epoll_fd, EPOLL_CTL_DEL, e->listen_fd, NULL);
        close(e->listen_fd);
    }
    log_info("srv: now listening on %s port %u (was %s port %u)", address, bound,
             e->listen_address, e->port);
    e->listen_fd = fd;
    e->port = bound;
    snprintf(e->listen_address, sizeof e->listen_address, "%s", address);
    return STATUS_SUCCESS;
}

static void rebind_if_asked(struct srv_engine *e)
{
    pthread_mutex_lock(&e->lock);
    bool asked = e->rebind_asked;
    char address[64];
    uint16_t port = e->rebind_port;
    snprintf(address, sizeof address, "%s", e->rebind_address);
    e->rebind_asked = false;
    pthread_mutex_unlock(&e->lock);
    if (!asked)
        return;
    NTSTATUS status = rebind(e, address, port);
    pthread_mutex_lock(&e->lock);
    e->rebind_status = status;
    e->rebind_done = true;
    pthread_cond_broadcast(&e->rebind_cond);
    pthread_mutex_unlock(&e->lock);
}

NTSTATUS srv_net_rebind(struct srv_engine *e, const char *address, uint16_t port)
{
    if (!e->net_running)
        return STATUS_INVALID_DEVICE_STATE;
    pthread_mutex_lock(&e->lock);
    snprintf(e->rebind_address, sizeof e->rebind_address, "%s", address);
    e->rebind_port = port;
    e->rebind_asked = true;
    e->rebind_done = false;
    pthread_mutex_unlock(&e->lock);
    uint64_t one = 1;
    if (write(e->wake_fd, &one, sizeof one) < 0)
        log_warning("srv: wake: %s", strerror(errno));
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&e->lock);
    while (!e->rebind_done && !atomic_load(&e->stopping))
        if (pthread_cond_timedwait(&e->rebind_cond, &e->lock, &deadline) != 0)
            break;
    NTSTATUS status = e->rebind_done ? e->rebind_status : STATUS_IO_TIMEOUT;
    e->rebind_asked = false;
    pthread_mutex_unlock(&e->lock);
    return status;
}

static void *net_main(void *arg)
{
    struct srv_net_loop *loop = arg;
    struct srv_engine *e = loop->engine;
    bool first = loop->index == 0; /* the listener and the engine-wide sweeps */
    struct epoll_event events[64];
    uint64_t last_sweep = srv_monotonic_seconds(), last_limits_sweep = last_sweep;
    while (!atomic_load(&e->stopping)) {
        /* The idle sweep runs a few times per timeout period, at most once a
         * second and at least once a minute; the timeout is a live setting. */
        const struct srv_config *now = srv_settings_hold(e);
        uint32_t idle_timeout = now->idle_timeout;
        srv_settings_release(now);
        int sweep_ms = -1;
        if (idle_timeout) {
            uint32_t period = idle_timeout / 4;
            sweep_ms = (int)(period < 1 ? 1 : period > 60 ? 60 : period) * 1000;
        }
        /* Oplock breaks time out in seconds: look at least every second. */
        int n = epoll_wait(loop->epoll_fd, events, 64,
                           sweep_ms < 0 || sweep_ms > 1000 ? 1000 : sweep_ms);
        if (first) {
            srv_oplock_sweep(e);
            if (sweep_ms > 0 &&
                srv_monotonic_seconds() - last_sweep >= (uint64_t)sweep_ms / 1000) {
                idle_sweep(e, idle_timeout);
                last_sweep = srv_monotonic_seconds();
            }
        }
        if (srv_monotonic_seconds() != last_limits_sweep) {
            limits_sweep(loop);
            if (first)
                srv_bufpool_sweep();
            last_limits_sweep = srv_monotonic_seconds();
        }
        if (first)
            maybe_resume_accepting(e);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_error("srv: epoll_wait: %s", strerror(errno));
            break;
        }
        if (first)
            rebind_if_asked(e);
        for (int i = 0; i < n; i++) {
            void *p = events[i].data.ptr;
            if (p == &listen_marker) {
                if (!atomic_load(&e->accept_paused))
                    accept_some(e);
                continue;
            }
            if (p == &wake_marker) {
                uint64_t v;
                if (read(loop->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                    log_ratelimited(LOG_LEVEL_WARNING, "srv: wake: %s", strerror(errno));
                continue;
            }
            struct srv_conn *conn = p;
            struct sock *s = conn->transport_state;
            const char *why = NULL;
            bool ok = true;
            uint32_t ev = events[i].events;
            if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
                ok = read_frames(conn, &why);
            /* A hang-up is reported whatever the interest: one that
             * arrives while reading is paused ends the connection now
             * rather than being reported again and again. */
            if (ok && (ev & (EPOLLHUP | EPOLLERR)) && reading_paused(conn, s)) {
                ok = false;
                why = "closed by the client";
            }
            if (ok && (ev & EPOLLOUT)) {
                pthread_mutex_lock(&s->send_lock);
                ok = flush_locked(s);
                if (ok)
                    update_interest_locked(conn, s);
                pthread_mutex_unlock(&s->send_lock);
                if (!ok)
                    why = "send failed";
            }
            if (!ok)
                close_conn(e, conn, why);
        }
    }
    /* Stopping: drop every connection still in this loop's epoll set. */
    for (;;) {
        struct srv_conn *conn = NULL;
        pthread_mutex_lock(&e->lock);
        for (struct srv_conn *c = e->conns; c && !conn; c = c->next)
            if (c->transport == &sock_transport &&
                ((struct sock *)c->transport_state)->loop == loop &&
                ((struct sock *)c->transport_state)->registered)
                conn = c;
        if (conn)
            srv_conn_ref(conn);
        pthread_mutex_unlock(&e->lock);
        if (!conn)
            break;
        close_conn(e, conn, "server stopping");
        srv_conn_unref(conn);
    }
    return NULL;
}

static int listen_socket(const char *address, uint16_t port, uint16_t *bound)
{
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *ai = NULL;
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(address[0] ? address : NULL, service, &hints, &ai) != 0 || !ai)
        return -1;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
                    bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0)) {
        int saved = errno;
        close(fd);
        fd = -1;
        errno = saved;
    }
    freeaddrinfo(ai);
    if (fd >= 0) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof addr;
        getsockname(fd, (struct sockaddr *)&addr, &len);
        *bound = ntohs(addr.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                                                  : ((struct sockaddr_in *)&addr)->sin_port);
    }
    return fd;
}

/* srv.network-threads, or one loop per CPU this process may run on (so a
 * daemon pinned with taskset gets as many loops as CPUs it was given). */
static unsigned loops_wanted(const struct srv_config *c)
{
    long n = c->network_threads;
    if (n == 0) {
        cpu_set_t set;
        n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                        : sysconf(_SC_NPROCESSORS_ONLN);
    }
    return n < 1 ? 1u : n > 256 ? 256u : (unsigned)n;
}

NTSTATUS srv_net_start(struct srv_engine *e)
{
    srv_bufpool_init();
    e->listen_fd = listen_socket(e->config.listen_address, e->config.port, &e->port);
    if (e->listen_fd < 0) {
        log_error("srv: cannot listen on %s port %u: %s", e->config.listen_address,
                  e->config.port, strerror(errno));
        return STATUS_INVALID_PARAMETER;
    }
    unsigned count = loops_wanted(&e->config);
    e->loops = calloc(count, sizeof *e->loops);
    if (!e->loops) {
        srv_net_stop(e);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    e->loop_count = count;
    for (unsigned i = 0; i < count; i++)
        e->loops[i].epoll_fd = e->loops[i].wake_fd = -1;
    bool ok = true;
    for (unsigned i = 0; i < count && ok; i++) {
        struct srv_net_loop *l = &e->loops[i];
        l->engine = e;
        l->index = i;
        l->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        struct epoll_event wev = { .events = EPOLLIN, .data.ptr = &wake_marker };
        ok = l->epoll_fd >= 0 && l->wake_fd >= 0 &&
             epoll_ctl(l->epoll_fd, EPOLL_CTL_ADD, l->wake_fd, &wev) == 0;
    }
    /* Loop 0's descriptors are the engine's (the listener, rebinding, the
     * wake of a paused accept). */
    e->epoll_fd = e->loops[0].epoll_fd;
    e->wake_fd = e->loops[0].wake_fd;
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &listen_marker };
    ok = ok && epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->listen_fd, &lev) == 0;
    for (unsigned i = 0; i < count && ok; i++) {
        ok = pthread_create(&e->loops[i].thread, NULL, net_main, &e->loops[i]) == 0;
        e->loops[i].started = ok;
    }
    if (!ok) {
        srv_net_stop(e);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    e->net_thread = e->loops[0].thread;
    e->net_running = true;
    snprintf(e->listen_address, sizeof e->listen_address, "%s", e->config.listen_address);
    log_info("srv: listening on %s port %u with %u network thread%s", e->config.listen_address,
             e->port, count, count == 1 ? "" : "s");
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        (e->config.max_connections == 0 ||
         (rlim_t)e->config.max_connections + DESCRIPTOR_RESERVE > lim.rlim_cur))
        log_warning("srv: srv.max-connections (%u) is not below the descriptor limit (%llu) "
                    "less %u: when descriptors run out, accepting pauses",
                    e->config.max_connections, (unsigned long long)lim.rlim_cur,
                    DESCRIPTOR_RESERVE);
    return STATUS_SUCCESS;
}

void srv_net_stop(struct srv_engine *e)
{
    atomic_store(&e->stopping, true);
    for (unsigned i = 0; i < e->loop_count; i++) {
        struct srv_net_loop *l = &e->loops[i];
        if (!l->started)
            continue;
        uint64_t one = 1;
        if (write(l->wake_fd, &one, sizeof one) < 0)
            log_warning("srv: wake: %s", strerror(errno));
        pthread_join(l->thread, NULL);
        l->started = false;
    }
    e->net_running = false;
    atomic_store(&e->accept_paused, false);
    if (e->listen_fd >= 0)
        close(e->listen_fd);
    e->listen_fd = -1;
    /* The epoll and wake descriptors stay until srv_net_release: threads
     * finishing requests may still touch them (interest changes, the wake
     * of a paused accept), and a closed number could be reused meanwhile. */
}

void srv_net_release(struct srv_engine *e)
{
    for (unsigned i = 0; i < e->loop_count; i++) {
        if (e->loops[i].wake_fd >= 0)
            close(e->loops[i].wake_fd);
        if (e->loops[i].epoll_fd >= 0)
            close(e->loops[i].epoll_fd);
    }
    free(e->loops);
    e->loops = NULL;
    e->loop_count = 0;
    e->wake_fd = e->epoll_fd = -1;
}
