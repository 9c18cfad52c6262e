/* lsass_client: a pool of connections to lsassd, one request at a time on each. */
#include "lsass/client/lsass_client.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/paths.h"
#include "lib/samples.h"
#include "lsass/client/protocol.h"

/* Idle connections kept for reuse; more concurrent callers simply open more. */
#define POOL_MAX 16

struct lsass_client {
    pthread_mutex_t lock;
    char *socket_path;
    unsigned timeout_seconds;
    uint32_t next_id;
    int idle[POOL_MAX];
    size_t idle_count;
};

static int connect_socket(struct lsass_client *c)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(c->socket_path) >= sizeof addr.sun_path)
        return -1;
    strcpy(addr.sun_path, c->socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = { .tv_sec = c->timeout_seconds };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (errno == EINTR)
            continue;
        close(fd);
        return -1;
    }
    return fd;
}

/* One connection for one call: an idle one (*reused = true) or a new one. */
static int take_connection(struct lsass_client *c, bool *reused)
{
    int fd = -1;
    pthread_mutex_lock(&c->lock);
    if (c->idle_count)
        fd = c->idle[--c->idle_count];
    pthread_mutex_unlock(&c->lock);
    *reused = fd >= 0;
    return fd >= 0 ? fd : connect_socket(c);
}

static void drain_pool(struct lsass_client *c)
{
    pthread_mutex_lock(&c->lock);
    while (c->idle_count)
        close(c->idle[--c->idle_count]);
    pthread_mutex_unlock(&c->lock);
}

static void give_back(struct lsass_client *c, int fd)
{
    pthread_mutex_lock(&c->lock);
    if (c->idle_count < POOL_MAX) {
        c->idle[c->idle_count++] = fd;
        fd = -1;
    }
    pthread_mutex_unlock(&c->lock);
    if (fd >= 0)
        close(fd);
}

/* Sends request (begun with lsass_msg_begin) and reads the response into
 * response; *reader is positioned after the status, which is returned.
 * STATUS_NO_LOGON_SERVERS if lsassd cannot be reached or broke off. */
static NTSTATUS call(struct lsass_client *c, struct buf *request, struct buf *response,
                     struct buf_reader *reader)
{
    if (!lsass_msg_end(request))
        return STATUS_INVALID_PARAMETER;
    uint32_t opcode = le32_load(request->data + 4), id = le32_load(request->data + 8);
    for (int attempt = 0; attempt < 2; attempt++) {
        bool reused;
        int fd = take_connection(c, &reused);
        if (fd < 0)
            return STATUS_NO_LOGON_SERVERS;
        if (lsass_write_all(fd, request->data, request->len) == 0 && lsass_read_message(fd, response) == 0) {
            rd_init(reader, response->data, response->len);
            uint32_t got_opcode = rd_u32(reader), got_id = rd_u32(reader);
            NTSTATUS status = rd_u32(reader);
            if (rd_ok(reader) && got_opcode == opcode && got_id == id) {
                give_back(c, fd);
                return status;
            }
            close(fd);
            return STATUS_INVALID_NETWORK_RESPONSE;
        }
        bool timed_out = errno == EAGAIN || errno == EWOULDBLOCK;
        close(fd);
        /* A pooled connection may have outlived an lsassd restart, and then
         * so have all the others: drop them and try once more afresh. Not
         * after a timeout: lsassd may still be working on the request. */
        if (!reused || timed_out)
            break;
        drain_pool(c);
    }
    return STATUS_NO_LOGON_SERVERS;
}

static uint32_t next_id(struct lsass_client *c)
{
    pthread_mutex_lock(&c->lock);
    uint32_t id = ++c->next_id;
    pthread_mutex_unlock(&c->lock);
    return id;
}

NTSTATUS lsass_client_open_socket(const char *socket_path, struct lsass_client **out)
{
    *out = NULL;
    struct lsass_client *c = calloc(1, sizeof *c);
    if (!c || !(c->socket_path = strdup(socket_path))) {
        free(c);
        return STATUS_NO_MEMORY;
    }
    pthread_mutex_init(&c->lock, NULL);
    c->timeout_seconds = 120;
    /* Say hello: lsassd must be there and speak our protocol. */
    struct buf req, resp;
    struct buf_reader r;
    buf_init(&req);
    buf_init(&resp);
    lsass_msg_begin(&req, LSASS_OP_HELLO, next_id(c));
    NTSTATUS status = call(c, &req, &resp, &r);
    if (NT_SUCCESS(status) && (rd_u32(&r) != LSASS_PROTOCOL_VERSION || !rd_ok(&r)))
        status = STATUS_REVISION_MISMATCH;
    buf_free(&req);
    buf_free(&resp);
    if (!NT_SUCCESS(status)) {
        lsass_client_close(c);
        return status;
    }
    *out = c;
    return STATUS_SUCCESS;
}

NTSTATUS lsass_client_open(const char *db_path, struct lsass_client **out)
{
    char *path = sw_run_path(db_path, LSASS_SOCKET_NAME);
    if (!path)
        return STATUS_NO_MEMORY;
    NTSTATUS status = lsass_client_open_socket(path, out);
    free(path);
    return status;
}

void lsass_client_close(struct lsass_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->idle_count; i++)
        close(c->idle[i]);
    pthread_mutex_destroy(&c->lock);
    free(c->socket_path);
    free(c);
}

void lsass_client_set_timeout(struct lsass_client *c, unsigned seconds)
{
    pthread_mutex_lock(&c->lock);
    c->timeout_seconds = seconds;
    pthread_mutex_unlock(&c->lock);
    /* Pooled connections keep their old timeout: start afresh. */
    drain_pool(c);
}

static NTSTATUS copy_out(const uint8_t *data, size_t len, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (!len)
        return STATUS_SUCCESS;
    *out = malloc(len);
    if (!*out)
        return STATUS_NO_MEMORY;
    memcpy(*out, data, len);
    *out_len = len;
    return STATUS_SUCCESS;
}

NTSTATUS lsass_negotiate_token(struct lsass_client *c, uint8_t **token, size_t *len)
{
    struct buf req, resp;
    struct buf_reader r;
    *token = NULL;
    *len = 0;
    buf_init(&req);
    buf_init(&resp);
    lsass_msg_begin(&req, LSASS_OP_NEGOTIATE_TOKEN, next_id(c));
    NTSTATUS status = call(c, &req, &resp, &r);
    if (NT_SUCCESS(status)) {
        size_t n;
        const uint8_t *p = lsass_get_bytes(&r, LSASS_MAX_TOKEN, &n);
        status = p && rd_remaining(&r) == 0 ? copy_out(p, n, token, len) : STATUS_INVALID_NETWORK_RESPONSE;
    }
    buf_free(&req);
    buf_free(&resp);
    return status;
}

void lsass_logon_clear(struct lsass_logon *logon)
{
    token_free(logon->token);
    free(logon->user);
    free(logon->domain);
    crypto_wipe(logon, sizeof *logon);
}

static NTSTATUS read_logon(struct buf_reader *r, struct lsass_logon *logon)
{
    size_t key_len, token_len;
    const uint8_t *key = lsass_get_bytes(r, sizeof logon->session_key, &key_len);
    uint32_t flags = rd_u32(r);
    logon->user = lsass_get_string(r);
    logon->domain = lsass_get_string(r);
    const uint8_t *token = lsass_get_bytes(r, LSASS_MAX_MESSAGE, &token_len);
    if (!key || !logon->user || !logon->domain || !token || rd_remaining(r) != 0)
        return STATUS_INVALID_NETWORK_RESPONSE;
    memcpy(logon->session_key, key, key_len);
    logon->session_key_len = key_len;
    logon->is_guest = flags & LSASS_LOGON_GUEST;
    logon->is_anonymous = flags & LSASS_LOGON_ANONYMOUS;
    struct buf_reader tr;
    rd_init(&tr, token, token_len);
    logon->token = token_read(&tr);
    if (!logon->token || !rd_ok(&tr) || rd_remaining(&tr) != 0)
        return STATUS_INVALID_NETWORK_RESPONSE;
    return STATUS_SUCCESS;
}

NTSTATUS lsass_accept_security_context(struct lsass_client *c, uint64_t *context, const uint8_t *in,
                                       size_t in_len, const char *client_address, uint8_t **out,
                                       size_t *out_len, struct lsass_logon *logon)
{
    return lsass_accept_from_connection(c, context, in, in_len, client_address, NULL, out, out_len, logon);
}

NTSTATUS lsass_accept_from_connection(struct lsass_client *c, uint64_t *context, const uint8_t *in,
                                      size_t in_len, const char *client_address, const char *connection,
                                      uint8_t **out, size_t *out_len, struct lsass_logon *logon)
{
    struct buf req, resp;
    struct buf_reader r;
    *out = NULL;
    *out_len = 0;
    memset(logon, 0, sizeof *logon);
    if (in_len > LSASS_MAX_TOKEN)
        return STATUS_INVALID_PARAMETER;
    buf_init(&req);
    buf_init(&resp);
    lsass_msg_begin(&req, LSASS_OP_ACCEPT, next_id(c));
    lsass_write_accept_request(&req, *context, in, in_len, client_address, connection);
    NTSTATUS status = call(c, &req, &resp, &r);
    if (status != STATUS_SUCCESS && status != STATUS_MORE_PROCESSING_REQUIRED) {
        /* The logon failed (or lsassd is gone): the context is over. */
        *context = 0;
        goto out;
    }
    uint64_t handle = rd_u64(&r);
    size_t n;
    const uint8_t *token = lsass_get_bytes(&r, LSASS_MAX_TOKEN, &n);
    if (!token)
        status = STATUS_INVALID_NETWORK_RESPONSE;
    else if (status == STATUS_SUCCESS)
        status = read_logon(&r, logon);
    else if (handle == 0 || rd_remaining(&r) != 0)
        status = STATUS_INVALID_NETWORK_RESPONSE;
    if (status == STATUS_SUCCESS || status == STATUS_MORE_PROCESSING_REQUIRED) {
        NTSTATUS copied = copy_out(token, n, out, out_len);
        if (!NT_SUCCESS(copied))
            status = copied;
    }
    *context = status == STATUS_MORE_PROCESSING_REQUIRED ? handle : 0;
    if (status != STATUS_SUCCESS)
        lsass_logon_clear(logon);
out:
    crypto_wipe(resp.data, resp.len);
    buf_free(&req);
    buf_free(&resp);
    return status;
}

NTSTATUS lsass_delete_security_context(struct lsass_client *c, uint64_t context)
{
    struct buf req, resp;
    struct buf_reader r;
    buf_init(&req);
    buf_init(&resp);
    lsass_msg_begin(&req, LSASS_OP_DELETE_CONTEXT, next_id(c));
    wr_u64(&req, context);
    NTSTATUS status = call(c, &req, &resp, &r);
    buf_free(&req);
    buf_free(&resp);
    return status;
}

NTSTATUS lsass_client_stats(struct lsass_client *c, struct sample_list *samples)
{
    struct buf req, resp;
    struct buf_reader r;
    buf_init(&req);
    buf_init(&resp);
    lsass_msg_begin(&req, LSASS_OP_STATS, next_id(c));
    NTSTATUS status = call(c, &req, &resp, &r);
    if (status == STATUS_SUCCESS) {
        struct sample_list got;
        size_t left = rd_remaining(&r);
        const uint8_t *body = rd_bytes(&r, left);
        status = sample_list_read(body ? body : (const uint8_t *)"", left, &got);
        if (status == STATUS_SUCCESS)
            sample_list_move(samples, &got);
    }
    buf_free(&req);
    buf_free(&resp);
    return status;
}
