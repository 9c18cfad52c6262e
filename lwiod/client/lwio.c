/* The lwio client library: requests go out under send_lock, responses are
 * read by one receiver thread per connection and matched to their call by
 * request id. Lock order: send_lock and lock are never held together; the
 * receiver runs callbacks with no lock held. */
#include "lwiod/client/lwio.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/paths.h"
#include "lwiod/client/protocol.h"

struct call {
    uint32_t id;
    uint16_t opcode;
    struct io_status_block *status;
    void *output;
    uint32_t output_length;
    struct lwio_file **file_out;
    struct lwio_async *async;      /* NULL: a synchronous caller waits */
    bool done;
    pthread_cond_t cond;
    struct call *next;
};

struct lwio_file {
    struct lwio_context *context;
    uint64_t handle;
    struct lwio_file *prev, *next;
};

struct lwio_context {
    int fd;
    pthread_t receiver;
    pthread_mutex_t send_lock;
    pthread_mutex_t lock;          /* calls, files, next_id, dead */
    struct call *calls;
    struct lwio_file *files;
    uint32_t next_id;
    bool dead;
};

/* ---- socket I/O ---- */

static bool write_all(int fd, const uint8_t *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static bool read_all(int fd, uint8_t *data, size_t len)
{
    while (len) {
        ssize_t n = recv(fd, data, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* ---- calls ---- */

static void call_deliver(struct call *call)
{
    if (call->async) {
        struct lwio_async *async = call->async;
        free(call);
        async->callback(async->context);
    } else {
        /* The waiter owns the call (on its stack); signal under the lock it
         * waits with. */
        call->done = true;
        pthread_cond_broadcast(&call->cond);
    }
}

static struct call *take_call(struct lwio_context *context, uint32_t id)
{
    for (struct call **link = &context->calls; *link; link = &(*link)->next) {
        if ((*link)->id == id) {
            struct call *call = *link;
            *link = call->next;
            return call;
        }
    }
    return NULL;
}

/* Fills a call's outputs from its response; under context->lock. */
static void call_fill(struct lwio_context *context, struct call *call,
                      const struct lwio_response *response)
{
    call->status->status = response->status;
    call->status->information = response->information;
    if (call->output && response->data_size) {
        uint32_t n = response->data_size < call->output_length ? response->data_size
                                                               : call->output_length;
        memcpy(call->output, response->data, n);
    }
    if (call->file_out) {
        *call->file_out = NULL;
        if (NT_SUCCESS(response->status)) {
            struct lwio_file *file = calloc(1, sizeof *file);
            if (!file) {
                /* The file is open in lwiod but unreachable; it closes when
                 * this connection does. */
                call->status->status = STATUS_INSUFFICIENT_RESOURCES;
            } else {
                file->context = context;
                file->handle = response->handle;
                file->next = context->files;
                if (context->files)
                    context->files->prev = file;
                context->files = file;
                *call->file_out = file;
            }
        }
    }
}

/* Every call still waiting fails: the connection is gone. */
static void fail_all(struct lwio_context *context)
{
    pthread_mutex_lock(&context->lock);
    context->dead = true;
    struct call *calls = context->calls;
    context->calls = NULL;
    for (struct call *c = calls; c; c = c->next) {
        c->status->status = STATUS_CONNECTION_DISCONNECTED;
        c->status->information = 0;
        if (c->file_out)
            *c->file_out = NULL;
    }
    /* Synchronous waiters are signalled under the lock; callbacks run after. */
    struct call *async_calls = NULL;
    while (calls) {
        struct call *c = calls;
        calls = c->next;
        if (c->async) {
            c->next = async_calls;
            async_calls = c;
        } else {
            call_deliver(c);
        }
    }
    pthread_mutex_unlock(&context->lock);
    while (async_calls) {
        struct call *c = async_calls;
        async_calls = c->next;
        call_deliver(c);
    }
}

static void *receiver_main(void *arg)
{
    struct lwio_context *context = arg;
    for (;;) {
        uint8_t prefix[LWIO_FRAME_LENGTH_SIZE];
        uint32_t len;
        if (!read_all(context->fd, prefix, sizeof prefix) || !lwio_frame_length(prefix, &len))
            break;
        uint8_t *frame = malloc(len);
        if (!frame || !read_all(context->fd, frame, len)) {
            free(frame);
            break;
        }
        struct lwio_response response;
        if (lwio_response_decode(frame, len, &response) != STATUS_SUCCESS) {
            free(frame);
            break;
        }
        pthread_mutex_lock(&context->lock);
        struct call *call = take_call(context, response.request_id);
        if (call && call->opcode != response.opcode) {
            /* Out of step with lwiod: give up on the connection. */
            call->next = context->calls;
            context->calls = call;
            pthread_mutex_unlock(&context->lock);
            free(frame);
            break;
        }
        /* A synchronous caller may return (and its call vanish) as soon as
         * the lock is dropped: decide now. */
        bool call_back = call && call->async;
        if (call) {
            call_fill(context, call, &response);
            if (!call_back)
                call_deliver(call);
        }
        pthread_mutex_unlock(&context->lock);
        if (call_back)
            call_deliver(call);
        free(frame);
    }
    shutdown(context->fd, SHUT_RDWR);
    fail_all(context);
    return NULL;
}

/* Sends a request and, for a synchronous caller, waits for its answer. */
static NTSTATUS call_run(struct lwio_context *context, struct lwio_request *request,
                         struct lwio_async *async, struct io_status_block *status,
                         void *output, uint32_t output_length, struct lwio_file **file_out)
{
    struct call local = { 0 };
    struct call *call = async ? calloc(1, sizeof *call) : &local;
    struct buf b;
    if (!call)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (!async)
        pthread_cond_init(&local.cond, NULL);
    call->opcode = request->opcode;
    call->status = status;
    call->output = output;
    call->output_length = output_length;
    call->file_out = file_out;
    call->async = async;

    pthread_mutex_lock(&context->lock);
    if (context->dead) {
        pthread_mutex_unlock(&context->lock);
        if (async)
            free(call);
        else
            pthread_cond_destroy(&local.cond);
        status->status = STATUS_CONNECTION_DISCONNECTED;
        status->information = 0;
        return STATUS_CONNECTION_DISCONNECTED;
    }
    call->id = request->request_id = ++context->next_id;
    if (async) {
        async->connection = context;
        async->request_id = call->id;
    }
    call->next = context->calls;
    context->calls = call;
    pthread_mutex_unlock(&context->lock);

    buf_init_limit(&b, LWIO_MAX_MESSAGE + LWIO_FRAME_LENGTH_SIZE);
    lwio_request_encode(&b, request);
    bool sent = false;
    if (wr_ok(&b)) {
        pthread_mutex_lock(&context->send_lock);
        sent = write_all(context->fd, b.data, b.len);
        pthread_mutex_unlock(&context->send_lock);
    }
    buf_free(&b);
    if (!sent) {
        /* The receiver notices too and fails every call, this one included. */
        shutdown(context->fd, SHUT_RDWR);
    }
    if (async)
        return STATUS_PENDING;
    pthread_mutex_lock(&context->lock);
    while (!local.done)
        pthread_cond_wait(&local.cond, &context->lock);
    pthread_mutex_unlock(&context->lock);
    pthread_cond_destroy(&local.cond);
    return status->status;
}

/* ---- connections ---- */

NTSTATUS LwIoConnectSocket(const char *socket_path, struct lwio_context **out)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    *out = NULL;
    if (strlen(socket_path) >= sizeof addr.sun_path)
        return STATUS_NAME_TOO_LONG;
    strcpy(addr.sun_path, socket_path);
    struct lwio_context *context = calloc(1, sizeof *context);
    if (!context)
        return STATUS_INSUFFICIENT_RESOURCES;
    context->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (context->fd < 0) {
        free(context);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (connect(context->fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        NTSTATUS status = errno == ENOENT || errno == ECONNREFUSED ? STATUS_PORT_DISCONNECTED
                                                                    : nt_status_from_errno(errno);
        close(context->fd);
        free(context);
        return status;
    }
    pthread_mutex_init(&context->lock, NULL);
    pthread_mutex_init(&context->send_lock, NULL);
    if (pthread_create(&context->receiver, NULL, receiver_main, context) != 0) {
        close(context->fd);
        pthread_mutex_destroy(&context->lock);
        pthread_mutex_destroy(&context->send_lock);
        free(context);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    struct lwio_request hello = { .opcode = LWIO_OP_HELLO, .version = LWIO_PROTOCOL_VERSION };
    struct io_status_block status;
    NTSTATUS rc = call_run(context, &hello, NULL, &status, NULL, 0, NULL);
    if (rc != STATUS_SUCCESS) {
        LwIoDisconnect(context);
        return rc;
    }
    *out = context;
    return STATUS_SUCCESS;
}

NTSTATUS LwIoConnect(const char *db_path, struct lwio_context **context)
{
    char *db = sw_db_path(db_path);
    char *sock = db ? sw_run_path(db, "lwiod.sock") : NULL;
    NTSTATUS status = sock ? LwIoConnectSocket(sock, context) : STATUS_INSUFFICIENT_RESOURCES;
    free(sock);
    free(db);
    return status;
}

void LwIoDisconnect(struct lwio_context *context)
{
    if (!context)
        return;
    shutdown(context->fd, SHUT_RDWR);
    pthread_join(context->receiver, NULL);
    close(context->fd);
    while (context->files) {
        struct lwio_file *f = context->files;
        context->files = f->next;
        free(f);
    }
    pthread_mutex_destroy(&context->lock);
    pthread_mutex_destroy(&context->send_lock);
    free(context);
}

/* ---- the calls ---- */

static void path_to_nt(char *path)
{
    for (char *p = path; *p; p++)
        if (*p == '/')
            *p = '\\';
}

NTSTATUS LwNtCreateFile(struct lwio_context *context, struct lwio_file **file,
                        struct lwio_async *async, struct io_status_block *status,
                        const struct lwio_create_params *params)
{
    struct lwio_request q = { .opcode = LWIO_OP_CREATE };
    *file = NULL;
    if (!params->path || params->ecp_count > LWIO_MAX_ECPS ||
        params->security_descriptor_size > LWIO_MAX_DATA || params->ea_size > LWIO_MAX_DATA ||
        strlen(params->path) > LWIO_MAX_PATH) {
        status->status = STATUS_INVALID_PARAMETER;
        status->information = 0;
        return STATUS_INVALID_PARAMETER;
    }
    for (size_t i = 0; i < params->ecp_count; i++) {
        if (!params->ecps[i].type || params->ecps[i].size > LWIO_MAX_ECP_DATA) {
            status->status = STATUS_INVALID_PARAMETER;
            status->information = 0;
            return STATUS_INVALID_PARAMETER;
        }
        q.ecps[i].type = (char *)params->ecps[i].type;
        q.ecps[i].data = params->ecps[i].data;
        q.ecps[i].size = (uint32_t)params->ecps[i].size;
    }
    q.path = strdup(params->path);
    if (!q.path) {
        status->status = STATUS_INSUFFICIENT_RESOURCES;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    path_to_nt(q.path);
    q.desired_access = params->desired_access;
    q.share_access = params->share_access;
    q.create_disposition = params->create_disposition;
    q.create_options = params->create_options;
    q.file_attributes = params->file_attributes;
    q.allocation_size = params->allocation_size;
    q.security_descriptor = params->security_descriptor;
    q.security_descriptor_size = (uint32_t)params->security_descriptor_size;
    q.ea = params->ea_buffer;
    q.ea_size = (uint32_t)params->ea_size;
    q.ecp_count = (uint32_t)params->ecp_count;
    NTSTATUS rc = call_run(context, &q, async, status, NULL, 0, file);
    free(q.path);
    return rc;
}

NTSTATUS LwNtCreateNamedPipeFile(struct lwio_context *context, struct lwio_file **file,
                                 struct lwio_async *async, struct io_status_block *status,
                                 const char *path, uint32_t desired_access,
                                 uint32_t share_access, uint32_t create_disposition,
                                 uint32_t create_options, uint32_t named_pipe_type,
                                 uint32_t read_mode, uint32_t completion_mode,
                                 uint32_t maximum_instances, uint32_t inbound_quota,
                                 uint32_t outbound_quota, const uint64_t *default_timeout)
{
    struct io_ecp_named_pipe pipe = {
        .named_pipe_type = named_pipe_type,
        .read_mode = read_mode,
        .completion_mode = completion_mode,
        .maximum_instances = maximum_instances,
        .inbound_quota = inbound_quota,
        .outbound_quota = outbound_quota,
        .default_timeout = default_timeout ? *default_timeout : 0,
        .have_default_timeout = default_timeout != NULL,
    };
    struct buf b;
    buf_init(&b);
    io_ecp_named_pipe_write(&b, &pipe);
    if (!wr_ok(&b)) {
        buf_free(&b);
        status->status = STATUS_INSUFFICIENT_RESOURCES;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    struct lwio_ecp ecp = { IO_ECP_TYPE_NAMED_PIPE, b.data, b.len };
    struct lwio_create_params params = {
        .path = path,
        .desired_access = desired_access,
        .share_access = share_access,
        .create_disposition = create_disposition,
        .create_options = create_options,
        .ecps = &ecp,
        .ecp_count = 1,
    };
    /* The ECP bytes are copied into the request before this returns. */
    NTSTATUS rc = LwNtCreateFile(context, file, async, status, &params);
    buf_free(&b);
    return rc;
}

static NTSTATUS bad_call(struct io_status_block *status, NTSTATUS rc)
{
    status->status = rc;
    status->information = 0;
    return rc;
}

NTSTATUS LwNtClose(struct lwio_file *file, struct lwio_async *async,
                   struct io_status_block *status)
{
    if (!file)
        return bad_call(status, STATUS_INVALID_HANDLE);
    struct lwio_context *context = file->context;
    struct lwio_request q = { .opcode = LWIO_OP_CLOSE, .handle = file->handle };
    pthread_mutex_lock(&context->lock);
    if (file->prev)
        file->prev->next = file->next;
    else
        context->files = file->next;
    if (file->next)
        file->next->prev = file->prev;
    pthread_mutex_unlock(&context->lock);
    free(file);
    return call_run(context, &q, async, status, NULL, 0, NULL);
}

static NTSTATUS file_call(struct lwio_file *file, struct lwio_request *q,
                          struct lwio_async *async, struct io_status_block *status,
                          void *output, uint32_t output_length)
{
    if (!file)
        return bad_call(status, STATUS_INVALID_HANDLE);
    if (q->length > LWIO_MAX_DATA || q->data_size > LWIO_MAX_DATA)
        return bad_call(status, STATUS_INVALID_PARAMETER);
    q->handle = file->handle;
    return call_run(file->context, q, async, status, output, output_length, NULL);
}

NTSTATUS LwNtReadFile(struct lwio_file *file, struct lwio_async *async,
                      struct io_status_block *status, void *buffer, uint32_t length,
                      const uint64_t *offset, const uint32_t *key)
{
    struct lwio_request q = { .opcode = LWIO_OP_READ, .length = length,
                              .has_offset = offset != NULL, .offset = offset ? *offset : 0,
                              .key = key ? *key : 0 };
    return file_call(file, &q, async, status, buffer, length);
}

NTSTATUS LwNtWriteFile(struct lwio_file *file, struct lwio_async *async,
                       struct io_status_block *status, const void *buffer, uint32_t length,
                       const uint64_t *offset, const uint32_t *key)
{
    struct lwio_request q = { .opcode = LWIO_OP_WRITE, .data = buffer, .data_size = length,
                              .has_offset = offset != NULL, .offset = offset ? *offset : 0,
                              .key = key ? *key : 0 };
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtDeviceIoControlFile(struct lwio_file *file, struct lwio_async *async,
                                 struct io_status_block *status, uint32_t control_code,
                                 const void *input, uint32_t input_length, void *output,
                                 uint32_t output_length)
{
    struct lwio_request q = { .opcode = LWIO_OP_DEVICE_IO_CONTROL, .code = control_code,
                              .data = input, .data_size = input_length,
                              .length = output_length };
    return file_call(file, &q, async, status, output, output_length);
}

NTSTATUS LwNtFsControlFile(struct lwio_file *file, struct lwio_async *async,
                           struct io_status_block *status, uint32_t control_code,
                           const void *input, uint32_t input_length, void *output,
                           uint32_t output_length)
{
    struct lwio_request q = { .opcode = LWIO_OP_FS_CONTROL, .code = control_code, .data = input,
                              .data_size = input_length, .length = output_length };
    return file_call(file, &q, async, status, output, output_length);
}

NTSTATUS LwNtFlushBuffersFile(struct lwio_file *file, struct lwio_async *async,
                              struct io_status_block *status)
{
    struct lwio_request q = { .opcode = LWIO_OP_FLUSH };
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtQueryInformationFile(struct lwio_file *file, struct lwio_async *async,
                                  struct io_status_block *status, void *buffer, uint32_t length,
                                  uint32_t info_class)
{
    struct lwio_request q = { .opcode = LWIO_OP_QUERY_INFORMATION, .code = info_class,
                              .length = length };
    return file_call(file, &q, async, status, buffer, length);
}

NTSTATUS LwNtSetInformationFile(struct lwio_file *file, struct lwio_async *async,
                                struct io_status_block *status, const void *buffer,
                                uint32_t length, uint32_t info_class)
{
    struct lwio_request q = { .opcode = LWIO_OP_SET_INFORMATION, .code = info_class,
                              .data = buffer, .data_size = length };
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtQueryDirectoryFile(struct lwio_file *file, struct lwio_async *async,
                                struct io_status_block *status, void *buffer, uint32_t length,
                                uint32_t info_class, bool return_single_entry,
                                const char *pattern, bool restart_scan)
{
    if (pattern && strlen(pattern) > LWIO_MAX_PATH)
        return bad_call(status, STATUS_INVALID_PARAMETER);
    struct lwio_request q = { .opcode = LWIO_OP_QUERY_DIRECTORY, .code = info_class,
                              .length = length, .pattern = (char *)pattern };
    q.flags = (return_single_entry ? SL_RETURN_SINGLE_ENTRY : 0) |
              (restart_scan ? SL_RESTART_SCAN : 0);
    return file_call(file, &q, async, status, buffer, length);
}

NTSTATUS LwNtQueryVolumeInformationFile(struct lwio_file *file, struct lwio_async *async,
                                        struct io_status_block *status, void *buffer,
                                        uint32_t length, uint32_t info_class)
{
    struct lwio_request q = { .opcode = LWIO_OP_QUERY_VOLUME_INFORMATION, .code = info_class,
                              .length = length };
    return file_call(file, &q, async, status, buffer, length);
}

NTSTATUS LwNtSetVolumeInformationFile(struct lwio_file *file, struct lwio_async *async,
                                      struct io_status_block *status, const void *buffer,
                                      uint32_t length, uint32_t info_class)
{
    struct lwio_request q = { .opcode = LWIO_OP_SET_VOLUME_INFORMATION, .code = info_class,
                              .data = buffer, .data_size = length };
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtLockFile(struct lwio_file *file, struct lwio_async *async,
                      struct io_status_block *status, uint64_t offset, uint64_t length,
                      uint32_t key, bool fail_immediately, bool exclusive)
{
    struct lwio_request q = { .opcode = LWIO_OP_LOCK, .offset = offset, .lock_length = length,
                              .key = key };
    q.flags = (fail_immediately ? SL_FAIL_IMMEDIATELY : 0) | (exclusive ? SL_EXCLUSIVE_LOCK : 0);
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtUnlockFile(struct lwio_file *file, struct lwio_async *async,
                        struct io_status_block *status, uint64_t offset, uint64_t length,
                        uint32_t key)
{
    struct lwio_request q = { .opcode = LWIO_OP_UNLOCK, .offset = offset, .lock_length = length,
                              .key = key };
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtQuerySecurityFile(struct lwio_file *file, struct lwio_async *async,
                               struct io_status_block *status, uint32_t security_information,
                               void *buffer, uint32_t length)
{
    struct lwio_request q = { .opcode = LWIO_OP_QUERY_SECURITY, .code = security_information,
                              .length = length };
    return file_call(file, &q, async, status, buffer, length);
}

NTSTATUS LwNtSetSecurityFile(struct lwio_file *file, struct lwio_async *async,
                             struct io_status_block *status, uint32_t security_information,
                             const void *buffer, uint32_t length)
{
    struct lwio_request q = { .opcode = LWIO_OP_SET_SECURITY, .code = security_information,
                              .data = buffer, .data_size = length };
    return file_call(file, &q, async, status, NULL, 0);
}

NTSTATUS LwNtCancelAsync(struct lwio_async *async)
{
    struct lwio_context *context = async ? async->connection : NULL;
    if (!context)
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&context->lock);
    bool pending = false;
    for (struct call *c = context->calls; c; c = c->next)
        pending |= c->id == async->request_id;
    pthread_mutex_unlock(&context->lock);
    if (!pending)
        return STATUS_NOT_FOUND;
    struct lwio_request q = { .opcode = LWIO_OP_CANCEL, .target_request_id = async->request_id };
    struct buf b;
    buf_init(&b);
    lwio_request_encode(&b, &q);
    bool sent = false;
    if (wr_ok(&b)) {
        pthread_mutex_lock(&context->send_lock);
        sent = write_all(context->fd, b.data, b.len);
        pthread_mutex_unlock(&context->send_lock);
    }
    buf_free(&b);
    return sent ? STATUS_SUCCESS : STATUS_CONNECTION_DISCONNECTED;
}

/* ---- for pipe servers ---- */

static NTSTATUS fsctl_alloc(struct lwio_file *file, uint32_t code, uint8_t **out, size_t *size)
{
    struct io_status_block status;
    uint32_t length = 1024;
    for (int attempt = 0; attempt < 4; attempt++) {
        uint8_t *buffer = malloc(length);
        if (!buffer)
            return STATUS_INSUFFICIENT_RESOURCES;
        NTSTATUS rc = LwNtFsControlFile(file, NULL, &status, code, NULL, 0, buffer, length);
        if (rc == STATUS_SUCCESS) {
            *out = buffer;
            *size = (size_t)status.information;
            return STATUS_SUCCESS;
        }
        free(buffer);
        if (rc != STATUS_BUFFER_TOO_SMALL || status.information <= length ||
            status.information > LWIO_MAX_DATA)
            return rc;
        length = (uint32_t)status.information;
    }
    return STATUS_BUFFER_TOO_SMALL;
}

NTSTATUS LwIoGetPeerAccessToken(struct lwio_file *file, struct access_token **token)
{
    uint8_t *data;
    size_t size;
    *token = NULL;
    NTSTATUS rc = fsctl_alloc(file, FSCTL_NPFS_GET_CLIENT_TOKEN, &data, &size);
    if (rc)
        return rc;
    struct buf_reader r;
    rd_init(&r, data, size);
    *token = token_read(&r);
    free(data);
    return *token ? STATUS_SUCCESS : STATUS_INVALID_NETWORK_RESPONSE;
}

NTSTATUS LwIoGetPeerSessionKey(struct lwio_file *file, uint8_t **key, size_t *key_size)
{
    return fsctl_alloc(file, FSCTL_NPFS_GET_SESSION_KEY, key, key_size);
}
