/* The network side: a TCP listener and one epoll thread that accepts,
 * reads direct-TCP frames ([MS-SMB2] 2.1) and writes what could not be sent
 * at once.
 *
 * The network thread never blocks: sockets are non-blocking, frames are
 * handed to the dispatcher, which parks anything slow. Any thread may send;
 * a send that would block is queued and finished here on EPOLLOUT. Only this
 * thread removes a socket from the epoll set and drops the epoll set's
 * reference on its connection, so an event in hand never points at freed
 * memory; other threads end a connection with shutdown(2), which this thread
 * then sees as end of file. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"

struct chunk {
    struct chunk *next;
    uint8_t *data;
    size_t len, sent;
};

struct sock {
    int fd;
    struct srv_engine *engine;
    bool registered;            /* in the epoll set (network thread only) */
    /* send side, under send_lock (a leaf lock) */
    pthread_mutex_t send_lock;
    struct chunk *head, *tail;
    bool want_out;
    bool closed;
    /* receive side, network thread only */
    uint8_t hdr[SMB2_TRANSPORT_HEADER_SIZE];
    size_t hdr_have;
    uint8_t *frame;
    size_t frame_len, frame_have;
};

/* Markers for the epoll data of the two non-connection descriptors. */
static int listen_marker, wake_marker;

static void free_chunks(struct sock *s)
{
    while (s->head) {
        struct chunk *c = s->head;
        s->head = c->next;
        free(c->data);
        free(c);
    }
    s->tail = NULL;
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
        if (c->sent < c->len)
            break;
        s->head = c->next;
        if (!s->head)
            s->tail = NULL;
        free(c->data);
        free(c);
    }
    return true;
}

static void set_out_interest(struct srv_conn *conn, struct sock *s, bool want)
{
    if (want == s->want_out)
        return;
    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | (want ? EPOLLOUT : 0u) };
    ev.data.ptr = conn;
    /* EPOLL_CTL_MOD is safe from any thread; it fails harmlessly once the
     * network thread has removed the socket. */
    if (epoll_ctl(s->engine->epoll_fd, EPOLL_CTL_MOD, s->fd, &ev) == 0)
        s->want_out = want;
}

static void sock_send(struct srv_conn *conn, uint8_t *data, size_t len)
{
    struct sock *s = conn->transport_state;
    bool failed = false;
    pthread_mutex_lock(&s->send_lock);
    if (s->closed) {
        free(data);
    } else {
        struct chunk *c = malloc(sizeof *c);
        if (!c) {
            free(data);
            failed = true;
        } else {
            *c = (struct chunk){ .data = data, .len = len };
            if (s->tail)
                s->tail->next = c;
            else
                s->head = c;
            s->tail = c;
            failed = !flush_locked(s);
            if (!failed)
                set_out_interest(conn, s, s->head != NULL);
        }
    }
    pthread_mutex_unlock(&s->send_lock);
    if (failed)
        srv_conn_disconnect(conn, "send failed");
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
    free_chunks(s);
    free(s->frame);
    if (s->fd >= 0)
        close(s->fd);
    pthread_mutex_destroy(&s->send_lock);
    free(s);
}

static const struct srv_transport sock_transport = {
    .send = sock_send,
    .shutdown = sock_shutdown,
    .release = sock_release,
};

/* ---- Network thread ----------------------------------------------------- */

static void close_conn(struct srv_engine *e, struct srv_conn *conn, const char *why)
{
    struct sock *s = conn->transport_state;
    srv_conn_disconnect(conn, why);
    if (s->registered) {
        epoll_ctl(e->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
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

/* Room for one more connection under srv.max-connections. */
static bool below_limit(struct srv_engine *e, uint32_t max_connections)
{
    if (max_connections == 0)
        return true;
    uint64_t open = 0;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *c = e->conns; c; c = c->next)
        open++;
    pthread_mutex_unlock(&e->lock);
    return open < max_connections;
}

static void accept_all(struct srv_engine *e)
{
    for (;;) {
        struct sockaddr_storage addr;
        socklen_t addr_len = sizeof addr;
        int fd = accept4(e->listen_fd, (struct sockaddr *)&addr, &addr_len,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                log_warning("srv: accept: %s", strerror(errno));
            return;
        }
        const struct srv_config *now = srv_settings_hold(e);
        uint32_t max_connections = now->max_connections;
        srv_settings_release(now);
        if (!below_limit(e, max_connections)) {
            log_warning("srv: srv.max-connections (%u) reached: refusing a connection",
                        max_connections);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char host[INET6_ADDRSTRLEN] = "?", serv[8] = "?", peer[64];
        getnameinfo((struct sockaddr *)&addr, addr_len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        snprintf(peer, sizeof peer, "%s:%s", host, serv);
        struct sock *s = calloc(1, sizeof *s);
        if (!s) {
            close(fd);
            continue;
        }
        s->fd = fd;
        s->engine = e;
        pthread_mutex_init(&s->send_lock, NULL);
        struct srv_conn *conn = srv_conn_new(e, &sock_transport, s, peer);
        if (!conn) {
            sock_release(&(struct srv_conn){ .transport_state = s });
            continue;
        }
        /* The caller's reference becomes the epoll set's. */
        struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = conn };
        if (epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            srv_conn_disconnect(conn, "epoll");
            srv_conn_unref(conn);
            continue;
        }
        s->registered = true;
        log_info("srv: %s: connected", peer);
    }
}

/* Reads what is available; false when the connection must close. Reads at
 * most a few frames per call so one busy client cannot starve the others. */
static bool read_frames(struct srv_conn *conn, const char **why)
{
    struct sock *s = conn->transport_state;
    for (int frames = 0; frames < 16;) {
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
            s->hdr_have += (size_t)n;
            if (s->hdr_have < SMB2_TRANSPORT_HEADER_SIZE)
                continue;
            /* Direct TCP: the first byte is zero (no NetBIOS session
             * service), then a 24-bit length. */
            size_t len = (size_t)s->hdr[1] << 16 | (size_t)s->hdr[2] << 8 | s->hdr[3];
            if (s->hdr[0] != 0 || len == 0 || len > srv_conn_max_frame(conn)) {
                *why = s->hdr[0] != 0 ? "not a direct TCP frame" : "frame length out of range";
                return false;
            }
            s->frame = malloc(len);
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
    struct srv_engine *e = arg;
    struct epoll_event events[64];
    uint64_t last_sweep = srv_monotonic_seconds();
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
        int n = epoll_wait(e->epoll_fd, events, 64,
                           sweep_ms < 0 || sweep_ms > 1000 ? 1000 : sweep_ms);
        srv_oplock_sweep(e);
        if (sweep_ms > 0 && srv_monotonic_seconds() - last_sweep >= (uint64_t)sweep_ms / 1000) {
            idle_sweep(e, idle_timeout);
            last_sweep = srv_monotonic_seconds();
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_error("srv: epoll_wait: %s", strerror(errno));
            break;
        }
        rebind_if_asked(e);
        for (int i = 0; i < n; i++) {
            void *p = events[i].data.ptr;
            if (p == &listen_marker) {
                accept_all(e);
                continue;
            }
            if (p == &wake_marker) {
                uint64_t v;
                if (read(e->wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                    log_warning("srv: wake: %s", strerror(errno));
                continue;
            }
            struct srv_conn *conn = p;
            struct sock *s = conn->transport_state;
            const char *why = NULL;
            bool ok = true;
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
                ok = read_frames(conn, &why);
            if (ok && (events[i].events & EPOLLOUT)) {
                pthread_mutex_lock(&s->send_lock);
                ok = flush_locked(s);
                if (ok)
                    set_out_interest(conn, s, s->head != NULL);
                pthread_mutex_unlock(&s->send_lock);
                if (!ok)
                    why = "send failed";
            }
            if (!ok)
                close_conn(e, conn, why);
        }
    }
    /* Stopping: drop every connection still in the epoll set. */
    for (;;) {
        struct srv_conn *conn = NULL;
        pthread_mutex_lock(&e->lock);
        for (struct srv_conn *c = e->conns; c && !conn; c = c->next)
            if (c->transport == &sock_transport &&
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

NTSTATUS srv_net_start(struct srv_engine *e)
{
    e->listen_fd = listen_socket(e->config.listen_address, e->config.port, &e->port);
    if (e->listen_fd < 0) {
        log_error("srv: cannot listen on %s port %u: %s", e->config.listen_address,
                  e->config.port, strerror(errno));
        return STATUS_INVALID_PARAMETER;
    }
    e->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    e->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event lev = { .events = EPOLLIN, .data.ptr = &listen_marker };
    struct epoll_event wev = { .events = EPOLLIN, .data.ptr = &wake_marker };
    if (e->epoll_fd < 0 || e->wake_fd < 0 ||
        epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->listen_fd, &lev) != 0 ||
        epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, e->wake_fd, &wev) != 0 ||
        pthread_create(&e->net_thread, NULL, net_main, e) != 0) {
        srv_net_stop(e);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    e->net_running = true;
    snprintf(e->listen_address, sizeof e->listen_address, "%s", e->config.listen_address);
    log_info("srv: listening on %s port %u", e->config.listen_address, e->port);
    return STATUS_SUCCESS;
}

void srv_net_stop(struct srv_engine *e)
{
    atomic_store(&e->stopping, true);
    if (e->net_running) {
        uint64_t one = 1;
        if (write(e->wake_fd, &one, sizeof one) < 0)
            log_warning("srv: wake: %s", strerror(errno));
        pthread_join(e->net_thread, NULL);
        e->net_running = false;
    }
    if (e->listen_fd >= 0)
        close(e->listen_fd);
    if (e->wake_fd >= 0)
        close(e->wake_fd);
    if (e->epoll_fd >= 0)
        close(e->epoll_fd);
    e->listen_fd = e->wake_fd = e->epoll_fd = -1;
}
