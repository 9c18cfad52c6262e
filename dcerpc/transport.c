/* Byte movers around the runtimes: serving an association over file
 * descriptors, and the two client transports (in memory, over an fd). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcerpc/dcerpc.h"

static NTSTATUS write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return STATUS_PIPE_BROKEN;
        data += n;
        len -= (size_t)n;
    }
    return STATUS_SUCCESS;
}

NTSTATUS dcerpc_serve_fd(struct dcerpc_server *server, const struct dcerpc_caller *caller,
                         int in_fd, int out_fd)
{
    struct dcerpc_association *assoc = dcerpc_association_new(server, caller);
    if (!assoc)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    uint8_t chunk[16384];
    struct buf out;
    buf_init(&out);
    for (;;) {
        ssize_t n = read(in_fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* the client went away */
        buf_reset(&out);
        NTSTATUS in_status = dcerpc_association_input(assoc, chunk, (size_t)n, &out);
        if (out.len) {
            status = write_all(out_fd, out.data, out.len);
            if (status != STATUS_SUCCESS)
                break;
        }
        if (in_status == STATUS_NO_MEMORY)
            status = in_status;
        if (in_status != STATUS_SUCCESS)
            break;
    }
    buf_free(&out);
    dcerpc_association_free(assoc);
    return status;
}

/* ---- In memory ---- */

struct dcerpc_loopback {
    struct dcerpc_association *assoc;
    struct buf pending; /* server output not yet received by the client */
    size_t pos;
};

static NTSTATUS loopback_send(void *ctx, const uint8_t *data, size_t len)
{
    struct dcerpc_loopback *loop = ctx;
    if (loop->pos == loop->pending.len) {
        buf_reset(&loop->pending);
        loop->pos = 0;
    }
    NTSTATUS status = dcerpc_association_input(loop->assoc, data, len, &loop->pending);
    /* A closed association still delivers what it wrote before closing. */
    return status == STATUS_NO_MEMORY ? status : STATUS_SUCCESS;
}

static NTSTATUS loopback_recv(void *ctx, uint8_t *data, size_t cap, size_t *got)
{
    struct dcerpc_loopback *loop = ctx;
    size_t left = loop->pending.len - loop->pos;
    if (left == 0) {
        *got = 0;
        /* Nothing was answered: with a real pipe the client would wait. */
        return dcerpc_association_closed(loop->assoc) ? STATUS_END_OF_FILE : STATUS_IO_TIMEOUT;
    }
    size_t n = left < cap ? left : cap;
    memcpy(data, loop->pending.data + loop->pos, n);
    loop->pos += n;
    *got = n;
    return STATUS_SUCCESS;
}

struct dcerpc_loopback *dcerpc_loopback_new(struct dcerpc_server *server,
                                            const struct dcerpc_caller *caller,
                                            struct dcerpc_client_transport *transport)
{
    struct dcerpc_loopback *loop = calloc(1, sizeof *loop);
    if (!loop)
        return NULL;
    loop->assoc = dcerpc_association_new(server, caller);
    if (!loop->assoc) {
        free(loop);
        return NULL;
    }
    buf_init(&loop->pending);
    transport->send = loopback_send;
    transport->recv = loopback_recv;
    transport->ctx = loop;
    return loop;
}

void dcerpc_loopback_free(struct dcerpc_loopback *loop)
{
    if (!loop)
        return;
    dcerpc_association_free(loop->assoc);
    buf_free(&loop->pending);
    free(loop);
}

/* ---- Over a file descriptor ---- */

static NTSTATUS fd_send(void *ctx, const uint8_t *data, size_t len)
{
    struct dcerpc_fd_transport *t = ctx;
    return write_all(t->fd, data, len);
}

static NTSTATUS fd_recv(void *ctx, uint8_t *data, size_t cap, size_t *got)
{
    struct dcerpc_fd_transport *t = ctx;
    *got = 0;
    for (;;) {
        struct pollfd p = { .fd = t->fd, .events = POLLIN };
        int r = poll(&p, 1, t->timeout_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return STATUS_IO_TIMEOUT;
        if (r < 0)
            return STATUS_PIPE_BROKEN;
        ssize_t n = read(t->fd, data, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return STATUS_PIPE_BROKEN;
        if (n == 0)
            return STATUS_END_OF_FILE;
        *got = (size_t)n;
        return STATUS_SUCCESS;
    }
}

void dcerpc_fd_transport_init(struct dcerpc_fd_transport *ctx, int fd, int timeout_ms,
                              struct dcerpc_client_transport *transport)
{
    ctx->fd = fd;
    ctx->timeout_ms = timeout_ms;
    transport->send = fd_send;
    transport->recv = fd_recv;
    transport->ctx = ctx;
}
