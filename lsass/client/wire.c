/* Framing of lsassd messages (protocol.h). */
#include "lsass/client/protocol.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void lsass_msg_begin(struct buf *b, uint32_t opcode, uint32_t request_id)
{
    buf_reset(b);
    wr_u32(b, 0);
    wr_u32(b, opcode);
    wr_u32(b, request_id);
}

bool lsass_msg_end(struct buf *b)
{
    if (!wr_ok(b) || b->len < 4 || b->len - 4 > LSASS_MAX_MESSAGE)
        return false;
    wr_put_u32_at(b, 0, (uint32_t)(b->len - 4));
    return wr_ok(b);
}

void lsass_put_bytes(struct buf *b, const void *data, size_t len)
{
    if (len > UINT32_MAX) {
        b->failed = true;
        return;
    }
    wr_u32(b, (uint32_t)len);
    wr_bytes(b, data, len);
}

void lsass_put_string(struct buf *b, const char *s)
{
    lsass_put_bytes(b, s ? s : "", s ? strlen(s) : 0);
}

const uint8_t *lsass_get_bytes(struct buf_reader *r, size_t max, size_t *len)
{
    uint32_t n = rd_u32(r);
    if (!rd_ok(r) || n > max) {
        rd_fail(r);
        *len = 0;
        return NULL;
    }
    *len = n;
    return rd_bytes(r, n);
}

char *lsass_get_string(struct buf_reader *r)
{
    size_t len;
    const uint8_t *p = lsass_get_bytes(r, LSASS_MAX_STRING, &len);
    if (!p || memchr(p, 0, len))
        return NULL;
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    memcpy(s, p, len);
    s[len] = 0;
    return s;
}

void lsass_write_accept_request(struct buf *b, uint64_t handle, const uint8_t *token, size_t token_len,
                                const char *client, const char *connection)
{
    bool named = connection && connection[0];
    wr_u64(b, handle);
    wr_u32(b, named ? LSASS_ACCEPT_CONNECTION : 0);
    lsass_put_bytes(b, token, token_len);
    lsass_put_string(b, client);
    if (named)
        lsass_put_string(b, connection);
}

NTSTATUS lsass_read_accept_request(struct buf_reader *r, struct lsass_accept_request *req)
{
    memset(req, 0, sizeof *req);
    req->handle = rd_u64(r);
    req->flags = rd_u32(r);
    req->token = lsass_get_bytes(r, LSASS_MAX_TOKEN, &req->token_len);
    if (!req->token || (req->flags & ~LSASS_ACCEPT_FLAGS_KNOWN))
        return STATUS_INVALID_PARAMETER;
    req->client = lsass_get_string(r);
    if (!req->client)
        return STATUS_INVALID_PARAMETER;
    if (req->flags & LSASS_ACCEPT_CONNECTION) {
        req->connection = lsass_get_string(r);
        if (!req->connection)
            return STATUS_INVALID_PARAMETER;
    }
    return rd_ok(r) && rd_remaining(r) == 0 ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

void lsass_accept_request_clear(struct lsass_accept_request *req)
{
    free(req->client);
    free(req->connection);
    req->client = req->connection = NULL;
}

int lsass_write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len) {
        /* MSG_NOSIGNAL: a vanished peer is an error, not a SIGPIPE. */
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t len)
{
    uint8_t *p = data;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = ECONNRESET; /* the peer closed: not a timeout */
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int lsass_read_message(int fd, struct buf *b)
{
    return lsass_read_message_max(fd, b, LSASS_MAX_MESSAGE);
}

int lsass_read_message_max(int fd, struct buf *b, size_t max)
{
    uint8_t header[4];
    buf_reset(b);
    if (read_all(fd, header, 4) != 0)
        return -1;
    uint32_t len = le32_load(header);
    if (len > max || len > LSASS_MAX_MESSAGE || len < 8)
        return -1;
    size_t at = wr_reserve(b, len);
    if (!wr_ok(b))
        return -1;
    return read_all(fd, b->data + at, len);
}
