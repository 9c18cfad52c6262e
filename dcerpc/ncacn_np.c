/* ncacn_np: serving an RPC server on npfs named pipes through the lwio
 * client library ([MS-RPCE] 2.1.1.2).
 *
 * Each pipe instance has its own thread: create the server end, listen,
 * serve the client that connects (one association, with the token, session
 * key and address npfs kept from the client's create), disconnect, listen
 * again. Every wait is asynchronous and cancelled when the listener stops,
 * so dcerpc_np_stop never waits on a client.
 *
 * Reply PDUs are written one message each: a client reading in message mode
 * (srv's SMB2 READ, a transceive) gets whole fragments, as from Windows. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dcerpc/pdu.h"
#include "lib/log.h"
#include "lwiod/client/lwio.h"

#define READ_SIZE (64u * 1024u)
#define PIPE_QUOTA (64u * 1024u)

struct dcerpc_np_listener {
    struct dcerpc_server *server;
    struct lwio_context *lwio;
    char *path;
    char *endpoint;
    unsigned instances;
    pthread_t *threads;
    unsigned started;
    atomic_bool stop;
    atomic_bool lost;
    atomic_uint ready;  /* instances created */
    atomic_uint failed; /* instances that could not be created */
};

/* One asynchronous call, waited for with cancellation on stop. */
struct pending {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    struct lwio_async async;
    struct io_status_block sb;
};

static void pending_done(void *context)
{
    struct pending *p = context;
    pthread_mutex_lock(&p->lock);
    p->done = true;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

static struct lwio_async *pending_start(struct pending *p)
{
    p->done = false;
    p->async.callback = pending_done;
    p->async.context = p;
    return &p->async;
}

static NTSTATUS pending_wait(struct dcerpc_np_listener *l, struct pending *p, NTSTATUS issued)
{
    if (issued != STATUS_PENDING)
        return issued;
    bool cancelled = false;
    pthread_mutex_lock(&p->lock);
    while (!p->done) {
        if (atomic_load(&l->stop) && !cancelled) {
            pthread_mutex_unlock(&p->lock);
            LwNtCancelAsync(&p->async);
            cancelled = true;
            pthread_mutex_lock(&p->lock);
            continue;
        }
        /* Wake now and then to notice a stop request. */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cond, &p->lock, &until);
    }
    pthread_mutex_unlock(&p->lock);
    return p->sb.status;
}

/* The statuses that mean the client end went away. */
static bool client_gone(NTSTATUS status)
{
    return status == STATUS_PIPE_BROKEN || status == STATUS_PIPE_DISCONNECTED ||
           status == STATUS_PIPE_CLOSING || status == STATUS_END_OF_FILE ||
           status == STATUS_PIPE_LISTENING;
}

/* Writes out, one PDU per message. */
static NTSTATUS write_pdus(struct lwio_file *pipe, const struct buf *out)
{
    size_t pos = 0;
    while (pos < out->len) {
        struct dcerpc_header h;
        size_t len = out->len - pos;
        /* Our own output: every PDU has a valid header; guard anyway. */
        if (dcerpc_header_read(out->data + pos, len, &h) == STATUS_SUCCESS && h.frag_length <= len)
            len = h.frag_length;
        struct io_status_block sb;
        NTSTATUS status = LwNtWriteFile(pipe, NULL, &sb, out->data + pos, (uint32_t)len, NULL, NULL);
        if (status != STATUS_SUCCESS)
            return status;
        pos += len;
    }
    return STATUS_SUCCESS;
}

/* Who the client is: what npfs kept from its create. */
static void peer_of(struct lwio_file *pipe, struct access_token **token, uint8_t **key, size_t *key_len,
                    char *address, size_t address_size)
{
    *token = NULL;
    *key = NULL;
    *key_len = 0;
    address[0] = 0;
    if (LwIoGetPeerAccessToken(pipe, token) != STATUS_SUCCESS)
        *token = NULL; /* served as anonymous */
    if (LwIoGetPeerSessionKey(pipe, key, key_len) != STATUS_SUCCESS) {
        *key = NULL;
        *key_len = 0;
    }
    struct io_status_block sb;
    if (LwNtFsControlFile(pipe, NULL, &sb, FSCTL_NPFS_GET_PEER_ADDRESS, NULL, 0, address,
                          (uint32_t)address_size - 1) == STATUS_SUCCESS &&
        sb.information < address_size)
        address[sb.information] = 0;
    else
        address[0] = 0;
}

/* Serves one connected client until it goes (or the listener stops). */
static NTSTATUS serve_client(struct dcerpc_np_listener *l, struct lwio_file *pipe, struct pending *p,
                             uint8_t *buffer)
{
    struct access_token *token;
    uint8_t *key;
    size_t key_len;
    char address[256];
    peer_of(pipe, &token, &key, &key_len, address, sizeof address);
    struct dcerpc_caller caller = { token, key, key_len, address[0] ? address : NULL, l->endpoint };
    struct dcerpc_association *assoc = dcerpc_association_new(l->server, &caller);
    token_free(token);
    if (key)
        memset(key, 0, key_len);
    free(key);
    if (!assoc)
        return STATUS_NO_MEMORY;
    struct buf out;
    buf_init(&out);
    NTSTATUS status;
    for (;;) {
        status = pending_wait(l, p, LwNtReadFile(pipe, pending_start(p), &p->sb, buffer, READ_SIZE, NULL, NULL));
        /* A message longer than the buffer arrives in parts: the
         * association takes bytes, so each part goes in as it comes. */
        if (status != STATUS_SUCCESS && status != STATUS_BUFFER_OVERFLOW)
            break;
        buf_reset(&out);
        NTSTATUS in = dcerpc_association_input(assoc, buffer, (size_t)p->sb.information, &out);
        NTSTATUS wr = write_pdus(pipe, &out);
        if (in != STATUS_SUCCESS) {
            status = in == STATUS_CONNECTION_DISCONNECTED ? STATUS_SUCCESS : in;
            break;
        }
        if (wr != STATUS_SUCCESS) {
            status = wr;
            break;
        }
    }
    buf_free(&out);
    dcerpc_association_free(assoc);
    return client_gone(status) || status == STATUS_CANCELLED ? STATUS_SUCCESS : status;
}

static void *instance_thread(void *arg)
{
    struct dcerpc_np_listener *l = arg;
    struct pending p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cond, NULL);
    struct lwio_file *pipe = NULL;
    struct io_status_block sb;
    uint8_t *buffer = malloc(READ_SIZE);
    NTSTATUS status = buffer ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    if (status == STATUS_SUCCESS)
        status = LwNtCreateNamedPipeFile(l->lwio, &pipe, NULL, &sb, l->path, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                         FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF, 0,
                                         FILE_PIPE_MESSAGE_TYPE, FILE_PIPE_MESSAGE_MODE,
                                         FILE_PIPE_QUEUE_OPERATION, FILE_PIPE_UNLIMITED_INSTANCES, PIPE_QUOTA,
                                         PIPE_QUOTA, NULL);
    if (status != STATUS_SUCCESS) {
        log_error("dcerpc: cannot create %s: %s", l->path, nt_status_name(status));
        if (status == STATUS_CONNECTION_DISCONNECTED)
            atomic_store(&l->lost, true);
        atomic_fetch_add(&l->failed, 1);
        goto out;
    }
    atomic_fetch_add(&l->ready, 1);
    while (!atomic_load(&l->stop)) {
        status = pending_wait(l, &p, LwNtFsControlFile(pipe, pending_start(&p), &p.sb, FSCTL_PIPE_LISTEN,
                                                      NULL, 0, NULL, 0));
        if (status == STATUS_CANCELLED && atomic_load(&l->stop))
            break;
        if (status == STATUS_CONNECTION_DISCONNECTED) {
            atomic_store(&l->lost, true);
            break;
        }
        if (status == STATUS_SUCCESS || status == STATUS_PIPE_CONNECTED) {
            status = serve_client(l, pipe, &p, buffer);
            if (status != STATUS_SUCCESS)
                log_warning("dcerpc: %s: %s", l->path, nt_status_name(status));
            if (status == STATUS_CONNECTION_DISCONNECTED) {
                atomic_store(&l->lost, true);
                break;
            }
        } else {
            log_warning("dcerpc: listen on %s: %s", l->path, nt_status_name(status));
            struct timespec pause = { 0, 100 * 1000000L }; /* do not spin on a failing listen */
            nanosleep(&pause, NULL);
        }
        LwNtFsControlFile(pipe, NULL, &sb, FSCTL_PIPE_DISCONNECT, NULL, 0, NULL, 0);
    }
out:
    if (pipe)
        LwNtClose(pipe, NULL, &sb);
    free(buffer);
    pthread_cond_destroy(&p.cond);
    pthread_mutex_destroy(&p.lock);
    return NULL;
}

NTSTATUS dcerpc_np_listen(struct dcerpc_server *server, struct lwio_context *lwio, const char *pipe_path,
                          const char *endpoint, unsigned instances, struct dcerpc_np_listener **out)
{
    *out = NULL;
    if (instances == 0 || instances > 1024)
        return STATUS_INVALID_PARAMETER;
    struct dcerpc_np_listener *l = calloc(1, sizeof *l);
    if (!l)
        return STATUS_NO_MEMORY;
    l->server = server;
    l->lwio = lwio;
    l->instances = instances;
    l->path = strdup(pipe_path);
    l->endpoint = strdup(endpoint ? endpoint : "");
    l->threads = calloc(instances, sizeof *l->threads);
    if (!l->path || !l->endpoint || !l->threads) {
        dcerpc_np_stop(l);
        return STATUS_NO_MEMORY;
    }
    for (unsigned i = 0; i < instances; i++) {
        if (pthread_create(&l->threads[i], NULL, instance_thread, l) != 0) {
            dcerpc_np_stop(l);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        l->started++;
    }
    /* Ready once every instance exists (or something failed). */
    for (int waited = 0; waited < 1000 && atomic_load(&l->ready) + atomic_load(&l->failed) < instances; waited++) {
        struct timespec pause = { 0, 10 * 1000000L };
        nanosleep(&pause, NULL);
    }
    if (atomic_load(&l->ready) < instances) {
        NTSTATUS status = atomic_load(&l->lost) ? STATUS_CONNECTION_DISCONNECTED : STATUS_PIPE_NOT_AVAILABLE;
        dcerpc_np_stop(l);
        return status;
    }
    *out = l;
    return STATUS_SUCCESS;
}

bool dcerpc_np_lost(const struct dcerpc_np_listener *l)
{
    return atomic_load(&l->lost);
}

void dcerpc_np_stop(struct dcerpc_np_listener *l)
{
    if (!l)
        return;
    atomic_store(&l->stop, true);
    for (unsigned i = 0; i < l->started; i++)
        pthread_join(l->threads[i], NULL);
    free(l->threads);
    free(l->path);
    free(l->endpoint);
    free(l);
}

/* ---- The client side: a dcerpc_client over an npfs pipe's client end ---- */

struct dcerpc_np_pipe {
    struct lwio_file *file;
};

static NTSTATUS np_send(void *ctx, const uint8_t *data, size_t len)
{
    struct dcerpc_np_pipe *p = ctx;
    if (len > UINT32_MAX)
        return STATUS_INVALID_PARAMETER;
    struct io_status_block sb;
    NTSTATUS status = LwNtWriteFile(p->file, NULL, &sb, data, (uint32_t)len, NULL, NULL);
    return client_gone(status) ? STATUS_PIPE_BROKEN : status;
}

static NTSTATUS np_recv(void *ctx, uint8_t *data, size_t cap, size_t *got)
{
    struct dcerpc_np_pipe *p = ctx;
    struct io_status_block sb;
    *got = 0;
    NTSTATUS status = LwNtReadFile(p->file, NULL, &sb, data, cap > READ_SIZE ? READ_SIZE : (uint32_t)cap, NULL,
                                   NULL);
    /* The rest of a longer message comes with the next read. */
    if (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW) {
        *got = (size_t)sb.information;
        return *got ? STATUS_SUCCESS : STATUS_END_OF_FILE;
    }
    return client_gone(status) ? STATUS_END_OF_FILE : status;
}

NTSTATUS dcerpc_np_open(struct lwio_context *lwio, const char *pipe_path, struct dcerpc_np_pipe **out,
                        struct dcerpc_client_transport *transport)
{
    *out = NULL;
    struct dcerpc_np_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return STATUS_NO_MEMORY;
    struct lwio_create_params params = {
        .path = pipe_path,
        .desired_access = FILE_GENERIC_READ | FILE_GENERIC_WRITE,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_NON_DIRECTORY_FILE,
    };
    struct io_status_block sb;
    NTSTATUS status = LwNtCreateFile(lwio, &p->file, NULL, &sb, &params);
    if (status != STATUS_SUCCESS) {
        free(p);
        return status;
    }
    transport->send = np_send;
    transport->recv = np_recv;
    transport->ctx = p;
    *out = p;
    return STATUS_SUCCESS;
}

void dcerpc_np_close(struct dcerpc_np_pipe *p)
{
    if (!p)
        return;
    struct io_status_block sb;
    LwNtClose(p->file, NULL, &sb);
    free(p);
}
