/* The lwiod socket server: accept, peer credentials, framing, output.
 * Connection lifetime and locks: lwiod/server_conn.h. */
#include "lwiod/server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "lwiod/server_conn.h"

struct lwiod_server {
    int listen_fd;
    int epoll_fd;
    int wake_fd;
    char *socket_path;
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;          /* dirty list and stopping */
    struct conn *dirty;
    bool stopping;
    struct conn *conns;            /* loop thread only */
};

/* A HELLO frame is 12 bytes; anything before it may be this long at most. */
#define LWIO_HELLO_MAX 64u

/* epoll data for the two non-connection descriptors. */
static char listen_tag, wake_tag;

void conn_ref(struct conn *conn) { atomic_fetch_add(&conn->refs, 1); }

void conn_unref(struct conn *conn)
{
    if (atomic_fetch_sub(&conn->refs, 1) != 1)
        return;
    /* Only a dead connection loses its last reference: its socket is closed
     * and its handles are gone. */
    free(conn->slots);
    free(conn->frame);
    buf_free(&conn->out);
    token_free(conn->token);
    pthread_mutex_destroy(&conn->lock);
    free(conn);
}

static void wake(struct lwiod_server *server)
{
    uint64_t one = 1;
    ssize_t n = write(server->wake_fd, &one, sizeof one);
    (void)n; /* EAGAIN: the counter is already non-zero, the loop will wake */
}

void conn_send(struct conn *conn, const struct lwio_response *response)
{
    pthread_mutex_lock(&conn->lock);
    if (!conn->dead) {
        lwio_response_encode(&conn->out, response);
        if (!wr_ok(&conn->out)) {
            /* Out of memory for the answer: the client cannot be kept in step. */
            log_error("client uid %lu: response lost (out of memory); dropping client",
                      conn->uid);
            buf_reset(&conn->out);
            conn->out_sent = 0;
            conn->close_when_flushed = true;
        }
        if (!conn->on_dirty_list) {
            struct lwiod_server *server = conn->server;
            conn->on_dirty_list = true;
            conn_ref(conn);
            pthread_mutex_lock(&server->lock);
            conn->dirty_next = server->dirty;
            server->dirty = conn;
            pthread_mutex_unlock(&server->lock);
            wake(server);
        }
    }
    pthread_mutex_unlock(&conn->lock);
}

/* ---- handles ---- */

static uint64_t handle_value(uint32_t slot, uint32_t generation)
{
    return ((uint64_t)generation << 32) | (uint64_t)(slot + 1);
}

static struct handle_slot *handle_slot(struct conn *conn, uint64_t handle)
{
    uint32_t index = (uint32_t)handle;
    if (index == 0 || index > conn->slot_count)
        return NULL;
    struct handle_slot *s = &conn->slots[index - 1];
    if (!s->file || s->generation != (uint32_t)(handle >> 32))
        return NULL;
    return s;
}

struct io_file *conn_handle_lookup(struct conn *conn, uint64_t handle)
{
    pthread_mutex_lock(&conn->lock);
    struct handle_slot *s = handle_slot(conn, handle);
    struct io_file *file = s ? s->file : NULL;
    pthread_mutex_unlock(&conn->lock);
    return file;
}

struct io_file *conn_handle_take(struct conn *conn, uint64_t handle)
{
    pthread_mutex_lock(&conn->lock);
    struct handle_slot *s = handle_slot(conn, handle);
    struct io_file *file = NULL;
    if (s) {
        file = s->file;
        s->file = NULL;
        conn->handles_used--;
    }
    pthread_mutex_unlock(&conn->lock);
    return file;
}

uint64_t conn_handle_add_locked(struct conn *conn, struct io_file *file)
{
    if (conn->handles_used >= CONN_MAX_HANDLES)
        return 0;
    uint32_t i;
    for (i = 0; i < conn->slot_count; i++)
        if (!conn->slots[i].file)
            break;
    if (i == conn->slot_count) {
        uint32_t count = conn->slot_count ? conn->slot_count * 2 : 16;
        struct handle_slot *grown = realloc(conn->slots, count * sizeof *grown);
        if (!grown)
            return 0;
        memset(grown + conn->slot_count, 0, (count - conn->slot_count) * sizeof *grown);
        conn->slots = grown;
        conn->slot_count = count;
    }
    struct handle_slot *s = &conn->slots[i];
    s->file = file;
    /* A new generation per use: a stale handle value never finds a new file. */
    s->generation++;
    conn->handles_used++;
    return handle_value(i, s->generation);
}

/* ---- connections ---- */

static void conn_set_events(struct conn *conn, uint32_t events)
{
    if (conn->epoll_events == events || conn->fd < 0)
        return;
    struct epoll_event ev = { .events = events, .data.ptr = conn };
    epoll_ctl(conn->server->epoll_fd, EPOLL_CTL_MOD, conn->fd, &ev);
    conn->epoll_events = events;
}

/* Drops a client: its socket, its requests in flight, its files. */
static void conn_kill(struct conn *conn, const char *why)
{
    struct lwiod_server *server = conn->server;
    pthread_mutex_lock(&conn->lock);
    if (conn->dead) {
        pthread_mutex_unlock(&conn->lock);
        return;
    }
    conn->dead = true;
    struct handle_slot *slots = conn->slots;
    uint32_t slot_count = conn->slot_count;
    conn->slots = NULL;
    conn->slot_count = 0;
    conn->handles_used = 0;
    pthread_mutex_unlock(&conn->lock);

    log_debug("client uid %lu: disconnected (%s)", conn->uid, why);
    epoll_ctl(server->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
    close(conn->fd);
    conn->fd = -1;
    if (conn->prev)
        conn->prev->next = conn->next;
    else
        server->conns = conn->next;
    if (conn->next)
        conn->next->prev = conn->prev;

    ops_cancel_all(conn);
    for (uint32_t i = 0; i < slot_count; i++)
        if (slots[i].file)
            ops_close_orphan(slots[i].file);
    free(slots);
    conn_unref(conn); /* the loop's */
}

/* Writes what is queued; false if the connection died. Loop thread. */
static bool conn_flush(struct conn *conn)
{
    bool kill = false, done = false;
    pthread_mutex_lock(&conn->lock);
    while (!conn->dead && conn->out_sent < conn->out.len) {
        ssize_t n = send(conn->fd, conn->out.data + conn->out_sent,
                         conn->out.len - conn->out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            conn->out_sent += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        kill = true;
        break;
    }
    if (conn->out_sent == conn->out.len) {
        buf_reset(&conn->out);
        conn->out_sent = 0;
        done = true;
    }
    size_t pending = conn->out.len - conn->out_sent;
    bool goodbye = done && conn->close_when_flushed;
    pthread_mutex_unlock(&conn->lock);
    if (kill || goodbye) {
        conn_kill(conn, kill ? "write failed" : "refused");
        return false;
    }
    uint32_t events = pending < CONN_OUTPUT_THROTTLE ? EPOLLIN : 0;
    if (pending)
        events |= EPOLLOUT;
    conn_set_events(conn, events);
    return true;
}

/* Peer credentials choose the token: root and lwiod's own user act as
 * SYSTEM; everyone else is refused until SAM mapping exists. */
static struct access_token *token_for_peer(int fd, unsigned long *uid_out)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return NULL;
    *uid_out = cred.uid;
    if (cred.uid == 0 || cred.uid == geteuid())
        return token_new_system();
    return NULL;
}

static void server_accept(struct lwiod_server *server)
{
    int fd = accept4(server->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct conn *conn = calloc(1, sizeof *conn);
    if (!conn) {
        close(fd);
        return;
    }
    conn->fd = fd;
    conn->server = server;
    pthread_mutex_init(&conn->lock, NULL);
    atomic_init(&conn->refs, 1);
    buf_init(&conn->out);
    conn->uid = (unsigned long)-1;
    conn->token = token_for_peer(fd, &conn->uid);
    conn->epoll_events = EPOLLIN;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = conn };
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        conn->dead = true;
        conn_unref(conn);
        return;
    }
    conn->next = server->conns;
    if (server->conns)
        server->conns->prev = conn;
    server->conns = conn;
    log_debug("client uid %lu: connected%s", conn->uid, conn->token ? "" : " (refused)");
}

/* One whole frame arrived. false: the client was dropped. */
static bool conn_frame(struct conn *conn)
{
    uint8_t *frame = conn->frame;
    uint32_t len = conn->frame_len;
    conn->frame = NULL;
    conn->frame_len = conn->frame_got = 0;
    conn->prefix_got = 0;

    struct lwio_request request;
    if (lwio_request_decode(frame, len, &request) != STATUS_SUCCESS) {
        free(frame);
        log_warning("client uid %lu: malformed message; dropping client", conn->uid);
        conn_kill(conn, "malformed message");
        return false;
    }
    if (!conn->hello_done) {
        if (request.opcode != LWIO_OP_HELLO) {
            lwio_request_clear(&request);
            free(frame);
            log_warning("client uid %lu: request before HELLO; dropping client", conn->uid);
            conn_kill(conn, "no HELLO");
            return false;
        }
        struct lwio_response response = { .opcode = LWIO_OP_HELLO,
                                          .request_id = request.request_id,
                                          .version = LWIO_PROTOCOL_VERSION };
        if (request.version != LWIO_PROTOCOL_VERSION)
            response.status = STATUS_REVISION_MISMATCH;
        else if (!conn->token)
            response.status = STATUS_ACCESS_DENIED;
        conn->hello_done = true;
        if (response.status) {
            log_info("client uid %lu refused: %s", conn->uid, nt_status_name(response.status));
            pthread_mutex_lock(&conn->lock);
            conn->close_when_flushed = true;
            pthread_mutex_unlock(&conn->lock);
        }
        lwio_request_clear(&request);
        free(frame);
        conn_send(conn, &response);
        return true;
    }
    if (request.opcode == LWIO_OP_HELLO) {
        lwio_request_clear(&request);
        free(frame);
        conn_kill(conn, "second HELLO");
        return false;
    }
    if (request.opcode == LWIO_OP_CANCEL) {
        ops_cancel(conn, request.target_request_id);
        lwio_request_clear(&request);
        free(frame);
        return true;
    }
    ops_submit(conn, frame, &request);
    return true;
}

/* Reads what is there and runs every complete frame. Loop thread. */
static void conn_read(struct conn *conn)
{
    uint8_t staging[65536];
    ssize_t n = recv(conn->fd, staging, sizeof staging, MSG_DONTWAIT);
    if (n == 0) {
        conn_kill(conn, "end of stream");
        return;
    }
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            conn_kill(conn, "read failed");
        return;
    }
    size_t pos = 0;
    while (pos < (size_t)n) {
        if (conn->close_when_flushed) {
            /* Refused: ignore whatever else it sends. */
            return;
        }
        if (!conn->frame) {
            size_t take = sizeof conn->prefix - conn->prefix_got;
            if (take > (size_t)n - pos)
                take = (size_t)n - pos;
            memcpy(conn->prefix + conn->prefix_got, staging + pos, take);
            conn->prefix_got += take;
            pos += take;
            if (conn->prefix_got < sizeof conn->prefix)
                break;
            uint32_t len;
            /* Until HELLO has been answered, any local user may be talking:
             * no big allocations for them. */
            if (!lwio_frame_length(conn->prefix, &len) ||
                (!conn->hello_done && len > LWIO_HELLO_MAX)) {
                log_warning("client uid %lu: bad frame length; dropping client", conn->uid);
                conn_kill(conn, "bad frame length");
                return;
            }
            conn->frame = malloc(len);
            if (!conn->frame) {
                conn_kill(conn, "out of memory");
                return;
            }
            conn->frame_len = len;
            conn->frame_got = 0;
        }
        size_t take = conn->frame_len - conn->frame_got;
        if (take > (size_t)n - pos)
            take = (size_t)n - pos;
        memcpy(conn->frame + conn->frame_got, staging + pos, take);
        conn->frame_got += (uint32_t)take;
        pos += take;
        if (conn->frame_got == conn->frame_len && !conn_frame(conn))
            return;
    }
}

static void server_flush_dirty(struct lwiod_server *server)
{
    pthread_mutex_lock(&server->lock);
    struct conn *list = server->dirty;
    server->dirty = NULL;
    pthread_mutex_unlock(&server->lock);
    while (list) {
        struct conn *conn = list;
        list = conn->dirty_next;
        pthread_mutex_lock(&conn->lock);
        conn->on_dirty_list = false;
        bool dead = conn->dead;
        pthread_mutex_unlock(&conn->lock);
        if (!dead)
            conn_flush(conn);
        conn_unref(conn);
    }
}

static void *server_main(void *arg)
{
    struct lwiod_server *server = arg;
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(server->epoll_fd, events, 64, -1);
        if (n < 0 && errno != EINTR) {
            log_error("epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == &listen_tag) {
                server_accept(server);
            } else if (tag == &wake_tag) {
                uint64_t count;
                ssize_t r = read(server->wake_fd, &count, sizeof count);
                (void)r;
            } else {
                struct conn *conn = tag;
                /* A connection killed earlier in this batch is not touched:
                 * its events came before it died, and it holds no fd now. */
                conn_ref(conn);
                if (conn->fd >= 0 && (events[i].events & EPOLLOUT))
                    conn_flush(conn);
                if (conn->fd >= 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    conn_read(conn);
                conn_unref(conn);
            }
        }
        server_flush_dirty(server);
        pthread_mutex_lock(&server->lock);
        bool stopping = server->stopping;
        pthread_mutex_unlock(&server->lock);
        if (stopping)
            break;
    }
    epoll_ctl(server->epoll_fd, EPOLL_CTL_DEL, server->listen_fd, NULL);
    close(server->listen_fd);
    server->listen_fd = -1;
    while (server->conns)
        conn_kill(server->conns, "lwiod stopping");
    server_flush_dirty(server);
    return NULL;
}

NTSTATUS server_start(const char *socket_path, struct lwiod_server **out)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(socket_path) >= sizeof addr.sun_path) {
        log_error("socket path too long: %s", socket_path);
        return STATUS_NAME_TOO_LONG;
    }
    strcpy(addr.sun_path, socket_path);
    struct lwiod_server *server = calloc(1, sizeof *server);
    if (!server || !(server->socket_path = strdup(socket_path))) {
        free(server);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    pthread_mutex_init(&server->lock, NULL);
    server->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    server->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    server->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    if (server->listen_fd < 0 || server->epoll_fd < 0 || server->wake_fd < 0)
        goto fail;
    unlink(socket_path); /* the caller made sure no other lwiod owns it */
    if (bind(server->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        log_error("bind %s: %s", socket_path, strerror(errno));
        goto fail;
    }
    /* Anyone who can reach the run directory may connect; peer credentials
     * decide what they may do. */
    chmod(socket_path, 0666);
    if (listen(server->listen_fd, 128) != 0)
        goto fail;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &listen_tag };
    struct epoll_event wev = { .events = EPOLLIN, .data.ptr = &wake_tag };
    if (epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, server->listen_fd, &ev) != 0 ||
        epoll_ctl(server->epoll_fd, EPOLL_CTL_ADD, server->wake_fd, &wev) != 0)
        goto fail;
    if (pthread_create(&server->thread, NULL, server_main, server) != 0)
        goto fail;
    server->thread_started = true;
    *out = server;
    return STATUS_SUCCESS;
fail:
    if (status == STATUS_UNSUCCESSFUL && errno)
        status = nt_status_from_errno(errno);
    server_free(server);
    return status;
}

void server_stop(struct lwiod_server *server)
{
    if (!server || !server->thread_started)
        return;
    pthread_mutex_lock(&server->lock);
    server->stopping = true;
    pthread_mutex_unlock(&server->lock);
    wake(server);
    pthread_join(server->thread, NULL);
    server->thread_started = false;
}

void server_free(struct lwiod_server *server)
{
    if (!server)
        return;
    server_stop(server);
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    if (server->epoll_fd >= 0)
        close(server->epoll_fd);
    if (server->wake_fd >= 0)
        close(server->wake_fd);
    if (server->socket_path)
        unlink(server->socket_path);
    free(server->socket_path);
    pthread_mutex_destroy(&server->lock);
    free(server);
}
