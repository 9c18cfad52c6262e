/* rdr's transport: one TCP connection, its receiver thread, message ids and
 * credits ([MS-SMB2] 3.2.4.1, 3.2.5.1), signing and encryption of what is
 * sent and checking of what is received. See rdr.h for the lock order. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "drivers/rdr/rdr.h"
#include "lib/crypto.h"
#include "lib/log.h"

/* Credits asked for beyond a request's charge, so that several large
 * requests can be in flight (the server decides what it grants). */
#define RDR_CREDIT_EXTRA 32u
/* After a cancelled async call, how long to wait for the server's answer. */
#define RDR_CANCEL_GRACE_SECONDS 10
#define RDR_CONNECT_ATTEMPTS 5

void rdr_call_init(struct rdr_call *call, uint16_t command, uint32_t tree_id)
{
    memset(call, 0, sizeof *call);
    buf_init_limit(&call->req, RDR_MAX_FRAME);
    rdr_header_write(&call->req, command, tree_id);
}

void rdr_call_free(struct rdr_call *call)
{
    buf_free(&call->req);
    free(call->rsp);
    call->rsp = NULL;
}

static bool send_all(int fd, struct iovec *iov, int count)
{
    while (count > 0) {
        ssize_t n = writev(fd, iov, count);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        while (count > 0 && (size_t)n >= iov->iov_len) {
            n -= (ssize_t)iov->iov_len;
            iov++;
            count--;
        }
        if (count > 0) {
            iov->iov_base = (uint8_t *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
    return true;
}

static bool recv_all(int fd, void *data, size_t len)
{
    uint8_t *p = data;
    while (len > 0) {
        ssize_t n = recv(fd, p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Sends one message (already signed) or its encrypted form, with the
 * 4-byte Direct TCP header. Called with send_lock held. */
static bool send_frame(struct rdr_conn *conn, const uint8_t *msg, size_t len)
{
    uint8_t nbss[4] = { 0, (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len };
    struct iovec iov[2] = { { nbss, 4 }, { (void *)msg, len } };
    return len <= SMB2_TRANSPORT_MAX_LENGTH && send_all(conn->fd, iov, 2);
}

static NTSTATUS encrypt_message(struct rdr_conn *conn, const uint8_t *msg, size_t len,
                                struct buf *out)
{
    uint8_t nonce[SMB2_TRANSFORM_NONCE_FIELD_SIZE] = { 0 };
    /* A random nonce per message: with 11 or 12 random bytes a repeat under
     * one key is out of reach for any session's life. */
    if (crypto_random(nonce, smb2_cipher_nonce_size(conn->cipher)) != 0)
        return STATUS_INTERNAL_ERROR;
    /* Our key for client-to-server is what the server calls its decryption key. */
    return smb2_encrypt(conn->cipher, conn->keys.decryption, nonce, conn->session_id, msg, len,
                        out);
}

void rdr_conn_kill(struct rdr_conn *conn, NTSTATUS why)
{
    pthread_mutex_lock(&conn->lock);
    if (!conn->dead) {
        conn->dead = true;
        for (struct rdr_call *c = conn->pending; c; c = c->next) {
            c->done = true;
            c->transport = why;
        }
        conn->pending = NULL;
        pthread_cond_broadcast(&conn->cond);
    }
    pthread_mutex_unlock(&conn->lock);
    /* Wakes the receiver (its recv returns 0) and fails later sends. */
    shutdown(conn->fd, SHUT_RDWR);
}

bool rdr_conn_is_dead(struct rdr_conn *conn)
{
    pthread_mutex_lock(&conn->lock);
    bool dead = conn->dead;
    pthread_mutex_unlock(&conn->lock);
    return dead;
}

uint32_t rdr_conn_io_size(struct rdr_conn *conn, uint32_t server_max)
{
    uint32_t size = server_max < RDR_MAX_IO ? server_max : RDR_MAX_IO;
    if (conn->dialect == SMB2_DIALECT_202 || !(conn->capabilities & SMB2_GLOBAL_CAP_LARGE_MTU))
        return size < SMB2_CREDIT_PAYLOAD ? size : SMB2_CREDIT_PAYLOAD;
    pthread_mutex_lock(&conn->lock);
    uint64_t granted = (uint64_t)conn->credits + conn->in_flight;
    pthread_mutex_unlock(&conn->lock);
    /* Leave half the window for other requests of the connection. */
    uint64_t by_credits = (granted / 2 ? granted / 2 : 1) * SMB2_CREDIT_PAYLOAD;
    if (by_credits < size)
        size = (uint32_t)by_credits;
    return size ? size : 1;
}

/* Credits a request costs ([MS-SMB2] 3.2.4.1.5): one per 64 KiB of its
 * payload (request or expected response), at least one. */
static uint16_t credit_charge(struct rdr_conn *conn, const struct rdr_call *call)
{
    if (conn->dialect < SMB2_DIALECT_210)
        return 1;
    uint16_t command = le16_load(call->req.data + SMB2_HDR_OFF_COMMAND);
    size_t payload = call->req.len - SMB2_HEADER_SIZE;
    if (command == SMB2_READ && call->req.len >= SMB2_HEADER_SIZE + 8)
        payload = le32_load(call->req.data + SMB2_HEADER_SIZE + 4);
    else if (command == SMB2_QUERY_DIRECTORY || command == SMB2_IOCTL ||
             command == SMB2_QUERY_INFO) {
        /* The response's size is bounded by the output length asked for. */
        size_t at = command == SMB2_QUERY_DIRECTORY ? 28 : command == SMB2_IOCTL ? 44 : 4;
        if (call->req.len >= SMB2_HEADER_SIZE + at + 4) {
            size_t out = le32_load(call->req.data + SMB2_HEADER_SIZE + at);
            if (out > payload)
                payload = out;
        }
    }
    size_t charge = payload ? (payload - 1) / SMB2_CREDIT_PAYLOAD + 1 : 1;
    return (uint16_t)charge;
}

NTSTATUS rdr_call_send(struct rdr_conn *conn, struct rdr_call *call)
{
    if (!wr_ok(&call->req) || call->req.len < SMB2_HEADER_SIZE)
        return STATUS_INSUFFICIENT_RESOURCES;
    uint8_t *msg = call->req.data;
    uint16_t command = le16_load(msg + SMB2_HDR_OFF_COMMAND);
    call->charge = credit_charge(conn, call);
    call->done = false;
    call->transport = STATUS_SUCCESS;

    pthread_mutex_lock(&conn->send_lock);
    pthread_mutex_lock(&conn->lock);
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += conn->request_timeout;
    int rc = 0;
    /* Wait for credits that responses in flight will return. */
    while (!conn->dead && conn->credits < call->charge && conn->in_flight > 0 && rc == 0)
        rc = pthread_cond_timedwait(&conn->cond, &conn->lock, &deadline);
    if (conn->dead || conn->credits < call->charge) {
        NTSTATUS why = conn->dead ? STATUS_CONNECTION_DISCONNECTED : STATUS_IO_TIMEOUT;
        pthread_mutex_unlock(&conn->lock);
        pthread_mutex_unlock(&conn->send_lock);
        return why;
    }
    call->message_id = conn->next_message_id;
    conn->next_message_id += call->charge;
    conn->credits -= call->charge;
    conn->in_flight += call->charge;
    call->next = conn->pending;
    conn->pending = call;
    pthread_mutex_unlock(&conn->lock);

    le16_store(msg + SMB2_HDR_OFF_CREDIT_CHARGE,
               conn->dialect >= SMB2_DIALECT_210 ? call->charge : 0);
    le16_store(msg + SMB2_HDR_OFF_CREDIT, (uint16_t)(call->charge + RDR_CREDIT_EXTRA));
    le64_store(msg + SMB2_HDR_OFF_MESSAGE_ID, call->message_id);
    le64_store(msg + SMB2_HDR_OFF_SESSION_ID, conn->session_id);
    bool encrypt = (call->encrypt || conn->encrypt) && conn->session_id != 0 &&
                   command != SMB2_NEGOTIATE && command != SMB2_SESSION_SETUP;
    bool ok;
    if (encrypt) {
        struct buf out;
        buf_init(&out);
        ok = encrypt_message(conn, msg, call->req.len, &out) == STATUS_SUCCESS && wr_ok(&out) &&
             send_frame(conn, out.data, out.len);
        buf_free(&out);
    } else {
        if (conn->signing && command != SMB2_NEGOTIATE && command != SMB2_SESSION_SETUP) {
            uint32_t flags = le32_load(msg + SMB2_HDR_OFF_FLAGS);
            le32_store(msg + SMB2_HDR_OFF_FLAGS, flags | SMB2_FLAGS_SIGNED);
            smb2_sign(conn->signing_alg, conn->keys.signing, msg, call->req.len);
        }
        ok = send_frame(conn, msg, call->req.len);
    }
    pthread_mutex_unlock(&conn->send_lock);
    if (!ok) {
        rdr_conn_kill(conn, STATUS_CONNECTION_DISCONNECTED);
        /* kill completed it (it was pending); the waiter sees the failure. */
    }
    return STATUS_SUCCESS;
}

/* SMB2 CANCEL ([MS-SMB2] 3.2.4.24): no credits, the original message id,
 * and the async id once the server gave one (else the tree id, the
 * synchronous form); signed or encrypted like any request. */
static void send_cancel(struct rdr_conn *conn, const struct rdr_call *call)
{
    struct buf b;
    buf_init(&b);
    rdr_header_write(&b, SMB2_CANCEL, le32_load(call->req.data + SMB2_HDR_OFF_TREE_ID));
    rdr_empty_body_write(&b);
    if (!wr_ok(&b)) {
        buf_free(&b);
        return;
    }
    uint32_t flags = call->async ? SMB2_FLAGS_ASYNC_COMMAND : 0;
    log_debug("rdr: %s: sending CANCEL for message %llu", conn->host,
              (unsigned long long)call->message_id);
    le64_store(b.data + SMB2_HDR_OFF_MESSAGE_ID, call->message_id);
    if (call->async)
        le64_store(b.data + SMB2_HDR_OFF_ASYNC_ID, call->async_id);
    le64_store(b.data + SMB2_HDR_OFF_SESSION_ID, conn->session_id);
    pthread_mutex_lock(&conn->send_lock);
    bool ok;
    if ((conn->encrypt || call->encrypt) && conn->session_id != 0) {
        le32_store(b.data + SMB2_HDR_OFF_FLAGS, flags);
        struct buf out;
        buf_init(&out);
        ok = encrypt_message(conn, b.data, b.len, &out) == STATUS_SUCCESS && wr_ok(&out) &&
             send_frame(conn, out.data, out.len);
        buf_free(&out);
    } else {
        if (conn->signing)
            flags |= SMB2_FLAGS_SIGNED;
        le32_store(b.data + SMB2_HDR_OFF_FLAGS, flags);
        if (conn->signing)
            smb2_sign(conn->signing_alg, conn->keys.signing, b.data, b.len);
        ok = send_frame(conn, b.data, b.len);
    }
    pthread_mutex_unlock(&conn->send_lock);
    buf_free(&b);
    if (!ok)
        rdr_conn_kill(conn, STATUS_CONNECTION_DISCONNECTED);
}

static void unlink_pending(struct rdr_conn *conn, struct rdr_call *call)
{
    for (struct rdr_call **p = &conn->pending; *p; p = &(*p)->next) {
        if (*p == call) {
            *p = call->next;
            return;
        }
    }
}

NTSTATUS rdr_call_wait(struct rdr_conn *conn, struct rdr_call *call, struct io_irp *irp)
{
    pthread_mutex_lock(&conn->lock);
    time_t started = time(NULL);
    bool cancel_sent = false;
    time_t cancel_at = 0;
    while (!call->done) {
        struct timespec tick;
        clock_gettime(CLOCK_REALTIME, &tick);
        tick.tv_sec += 1;
        pthread_cond_timedwait(&conn->cond, &conn->lock, &tick);
        if (call->done)
            break;
        time_t now = time(NULL);
        /* A cancelled IRP sends CANCEL and then waits a bounded time for
         * the final answer. Otherwise an async request (the server said it
         * will answer later: a pipe read, a lock) has no deadline, and a
         * synchronous one has the request timeout. */
        if (irp && IoIrpIsCancelled(irp) && !cancel_sent) {
            cancel_sent = true;
            cancel_at = now;
            pthread_mutex_unlock(&conn->lock);
            send_cancel(conn, call);
            pthread_mutex_lock(&conn->lock);
        } else if (cancel_sent && now - cancel_at > RDR_CANCEL_GRACE_SECONDS) {
            break;
        } else if (!call->async && !cancel_sent && now - started > conn->request_timeout) {
            break;
        }
    }
    if (!call->done) {
        /* No answer in time: the server is gone or broken. As a Windows
         * client does, drop the connection (the next use reconnects). */
        unlink_pending(conn, call);
        conn->in_flight -= call->charge;
        call->done = true;
        call->transport = STATUS_IO_TIMEOUT;
        pthread_mutex_unlock(&conn->lock);
        log_ratelimited(LOG_LEVEL_WARNING,
                        "rdr: %s: no response in time; dropping the connection", conn->host);
        rdr_conn_kill(conn, STATUS_IO_TIMEOUT);
        return STATUS_IO_TIMEOUT;
    }
    pthread_mutex_unlock(&conn->lock);
    return call->transport;
}

NTSTATUS rdr_call_run(struct rdr_conn *conn, struct rdr_call *call, struct io_irp *irp)
{
    NTSTATUS status = rdr_call_send(conn, call);
    if (status)
        return status;
    return rdr_call_wait(conn, call, irp);
}

/* Checks a plaintext response's signature when the session signs. Interim
 * and error responses may come unsigned (the server cannot always sign
 * them); a successful one may not. */
static bool signature_ok(struct rdr_conn *conn, const uint8_t *msg, size_t len,
                         const struct rdr_header *h, bool was_encrypted)
{
    if (was_encrypted || !conn->signing || h->session_id == 0 || h->command == SMB2_NEGOTIATE)
        return true;
    if (h->flags & SMB2_FLAGS_SIGNED)
        return smb2_verify(conn->signing_alg, conn->keys.signing, msg, len);
    return h->status != STATUS_SUCCESS || h->command == SMB2_SESSION_SETUP;
}

/* Hands one response to its call. Returns false on a protocol error (the
 * connection is then dropped). msg is taken over. */
static bool deliver(struct rdr_conn *conn, uint8_t *msg, size_t len, bool was_encrypted)
{
    struct rdr_header h;
    if (rdr_header_parse(msg, len, &h) != STATUS_SUCCESS || h.next_command != 0) {
        free(msg);
        return false; /* we never send compounds, so none comes back */
    }
    if (h.message_id == UINT64_MAX && h.command == SMB2_OPLOCK_BREAK) {
        free(msg); /* rdr asks for no oplocks or leases; nothing to break */
        return true;
    }
    if (conn->encrypt && !was_encrypted && h.status == STATUS_SUCCESS &&
        h.command != SMB2_NEGOTIATE && h.command != SMB2_SESSION_SETUP) {
        free(msg);
        return false; /* [MS-SMB2] 3.2.5.1.1: an encrypted session's answers are encrypted */
    }
    if (!signature_ok(conn, msg, len, &h, was_encrypted)) {
        free(msg);
        return false;
    }
    pthread_mutex_lock(&conn->lock);
    struct rdr_call *call = conn->pending;
    while (call && call->message_id != h.message_id)
        call = call->next;
    if (!call || h.command != le16_load(call->req.data + SMB2_HDR_OFF_COMMAND)) {
        pthread_mutex_unlock(&conn->lock);
        free(msg);
        return false; /* a message id we are not waiting for */
    }
    /* Granted credits, bounded so a hostile server cannot overflow them. */
    if (conn->credits + h.credits <= 65535u)
        conn->credits += h.credits;
    if (h.status == STATUS_PENDING && (h.flags & SMB2_FLAGS_ASYNC_COMMAND)) {
        call->async = true;
        call->async_id = h.async_id;
        pthread_mutex_unlock(&conn->lock);
        free(msg);
        return true;
    }
    if (h.status != STATUS_SUCCESS)
        log_debug("rdr: %s: command %u: %s", conn->host, h.command, nt_status_name(h.status));
    /* The server logged the session off (an administrator closed it, it
     * expired) or removed the tree: the connection is no more use. Drop it
     * and report a disconnect, so the request is run again on a new one. */
    bool session_gone = h.command != SMB2_SESSION_SETUP && h.command != SMB2_LOGOFF &&
                        (h.status == STATUS_USER_SESSION_DELETED ||
                         h.status == STATUS_NETWORK_SESSION_EXPIRED ||
                         h.status == STATUS_NETWORK_NAME_DELETED);
    unlink_pending(conn, call);
    conn->in_flight -= call->charge;
    call->rsp = msg;
    call->rsp_len = len;
    call->hdr = h;
    call->done = true;
    if (session_gone)
        call->transport = STATUS_CONNECTION_DISCONNECTED;
    pthread_cond_broadcast(&conn->cond);
    pthread_mutex_unlock(&conn->lock);
    if (session_gone) {
        log_ratelimited(LOG_LEVEL_INFO,
                        "rdr: %s: %s; dropping the connection", conn->host,
                        nt_status_name(h.status));
        rdr_conn_kill(conn, STATUS_CONNECTION_DISCONNECTED);
        return false;
    }
    return true;
}

/* One frame: STATUS_SUCCESS, STATUS_CONNECTION_DISCONNECTED when the
 * transport ends, STATUS_INVALID_NETWORK_RESPONSE when the server broke the
 * protocol (then the pending calls fail with that, and are not retried). */
static NTSTATUS receive_one(struct rdr_conn *conn)
{
    uint8_t nbss[4];
    if (!recv_all(conn->fd, nbss, 4))
        return STATUS_CONNECTION_DISCONNECTED;
    size_t len = ((size_t)nbss[1] << 16) | ((size_t)nbss[2] << 8) | nbss[3];
    if (nbss[0] != 0 || len < SMB2_HEADER_SIZE || len > RDR_MAX_FRAME)
        return STATUS_INVALID_NETWORK_RESPONSE;
    uint8_t *frame = malloc(len);
    if (!frame)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (!recv_all(conn->fd, frame, len)) {
        free(frame);
        return STATUS_CONNECTION_DISCONNECTED;
    }
    if (memcmp(frame, SMB2_TRANSFORM_PROTOCOL_ID, 4) != 0)
        return deliver(conn, frame, len, false) ? STATUS_SUCCESS
                                                : STATUS_INVALID_NETWORK_RESPONSE;
    struct smb2_transform t;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    bool ok = conn->cipher != 0 && conn->session_id != 0 &&
              smb2_transform_parse(frame, len, &t) == STATUS_SUCCESS &&
              t.session_id == conn->session_id &&
              smb2_decrypt(conn->cipher, conn->keys.encryption, frame, len, &plain,
                           &plain_len) == STATUS_SUCCESS;
    free(frame);
    if (!ok)
        return STATUS_INVALID_NETWORK_RESPONSE;
    return deliver(conn, plain, plain_len, true) ? STATUS_SUCCESS
                                                 : STATUS_INVALID_NETWORK_RESPONSE;
}

static void *receiver_main(void *arg)
{
    struct rdr_conn *conn = arg;
    NTSTATUS status;
    while ((status = receive_one(conn)) == STATUS_SUCCESS) {
    }
    if (!rdr_conn_is_dead(conn)) {
        if (status == STATUS_CONNECTION_DISCONNECTED)
            log_ratelimited(LOG_LEVEL_INFO, "rdr: %s: connection lost", conn->host);
        else
            log_ratelimited(LOG_LEVEL_WARNING,
                            "rdr: %s: %s from the server; dropping the connection", conn->host,
                        nt_status_name(status));
    }
    rdr_conn_kill(conn, status);
    return NULL;
}

static int connect_bounded(const char *host, uint16_t port, int timeout_seconds)
{
    char service[8];
    snprintf(service, sizeof service, "%u", port);
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC };
    struct addrinfo *list;
    if (getaddrinfo(host, service, &hints, &list) != 0)
        return -1;
    int fd = -1;
    for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            int error = 0;
            socklen_t elen = sizeof error;
            rc = (poll(&p, 1, timeout_seconds * 1000) == 1 &&
                  getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &elen) == 0 && error == 0)
                     ? 0
                     : -1;
            if (rc != 0)
                errno = error ? error : ETIMEDOUT;
        }
        if (rc != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd < 0)
        return -1;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    /* A peer that stops reading must not hold a sender forever. */
    struct timeval tv = { .tv_sec = timeout_seconds > 0 ? timeout_seconds * 3 : 30 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

NTSTATUS rdr_conn_open(const char *host, uint16_t port, int timeout_seconds,
                       struct rdr_conn **out)
{
    struct rdr_conn *conn = calloc(1, sizeof *conn);
    if (!conn)
        return STATUS_INSUFFICIENT_RESOURCES;
    conn->host = strdup(host);
    conn->port = port;
    conn->fd = -1;
    conn->credits = 1; /* what every client starts with */
    conn->request_timeout = timeout_seconds;
    pthread_mutex_init(&conn->lock, NULL);
    pthread_mutex_init(&conn->send_lock, NULL);
    pthread_mutex_init(&conn->setup_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_cond_init(&conn->cond, &attr);
    pthread_condattr_destroy(&attr);
    if (!conn->host) {
        rdr_conn_free(conn);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    /* A server that is restarting refuses for a moment: try a few times
     * (about a second in all) before calling it unreachable. */
    for (int attempt = 0; attempt < RDR_CONNECT_ATTEMPTS; attempt++) {
        conn->fd = connect_bounded(host, port, timeout_seconds);
        if (conn->fd >= 0 || errno != ECONNREFUSED)
            break;
        usleep(200000);
    }
    if (conn->fd < 0) {
        log_ratelimited(LOG_LEVEL_INFO,
                        "rdr: cannot connect to %s port %u: %s", host, port, strerror(errno));
        rdr_conn_free(conn);
        return STATUS_BAD_NETWORK_PATH;
    }
    if (pthread_create(&conn->receiver, NULL, receiver_main, conn) != 0) {
        rdr_conn_free(conn);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    conn->receiver_started = true;
    *out = conn;
    return STATUS_SUCCESS;
}

void rdr_conn_free(struct rdr_conn *conn)
{
    if (!conn)
        return;
    if (conn->fd >= 0)
        rdr_conn_kill(conn, STATUS_CONNECTION_DISCONNECTED);
    if (conn->receiver_started)
        pthread_join(conn->receiver, NULL);
    if (conn->fd >= 0)
        close(conn->fd);
    while (conn->trees) {
        struct rdr_tree *t = conn->trees;
        conn->trees = t->next;
        free(t->share);
        free(t);
    }
    crypto_wipe(&conn->keys, sizeof conn->keys);
    pthread_mutex_destroy(&conn->lock);
    pthread_mutex_destroy(&conn->send_lock);
    pthread_mutex_destroy(&conn->setup_lock);
    pthread_cond_destroy(&conn->cond);
    free(conn->host);
    free(conn->key);
    free(conn);
}
