/* Named pipe commands: pipe-transceive (one RPC-style round trip) and
 * pipe-echo-server (a small server for tests: every message comes back). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lwiod/tool/tool.h"

#define MESSAGE_MAX (1024u * 1024u)
#define READ_CHUNK (64u * 1024u)

/* Reads the rest of a message after STATUS_BUFFER_OVERFLOW. */
static NTSTATUS read_rest(struct lwio_file *file, uint8_t *buffer, size_t *have)
{
    NTSTATUS status = STATUS_BUFFER_OVERFLOW;
    while (status == STATUS_BUFFER_OVERFLOW && *have < MESSAGE_MAX) {
        struct io_status_block sb;
        uint32_t room = MESSAGE_MAX - (uint32_t)*have;
        status = LwNtReadFile(file, NULL, &sb, buffer + *have, room < READ_CHUNK ? room : READ_CHUNK,
                              NULL, NULL);
        if (NT_ERROR(status))
            return status;
        *have += (size_t)sb.information;
    }
    return status == STATUS_BUFFER_OVERFLOW ? STATUS_BUFFER_TOO_SMALL : status;
}

int cmd_pipe_transceive(struct lwio_context *lwio, int argc, char **argv)
{
    uint8_t *input = malloc(MESSAGE_MAX), *reply = malloc(MESSAGE_MAX);
    size_t input_len = 0, have = 0;
    int rc = TOOL_OK;
    struct lwio_file *pipe = NULL;
    if (!input || !reply) {
        rc = tool_fail("pipe-transceive", STATUS_NO_MEMORY);
        goto out;
    }
    if (argc > 2) {
        input_len = strlen(argv[2]);
        if (input_len > MESSAGE_MAX) {
            rc = tool_fail("pipe-transceive", STATUS_BUFFER_OVERFLOW);
            goto out;
        }
        memcpy(input, argv[2], input_len);
    } else {
        ssize_t n;
        while (input_len < MESSAGE_MAX &&
               (n = read(STDIN_FILENO, input + input_len, MESSAGE_MAX - input_len)) > 0)
            input_len += (size_t)n;
    }
    NTSTATUS status = tool_open(lwio, argv[1], FILE_GENERIC_READ | FILE_GENERIC_WRITE, FILE_OPEN,
                                FILE_NON_DIRECTORY_FILE, &pipe);
    if (status) {
        rc = tool_fail(argv[1], status);
        goto out;
    }
    struct io_status_block sb;
    status = LwNtFsControlFile(pipe, NULL, &sb, FSCTL_PIPE_TRANSCEIVE, input,
                               (uint32_t)input_len, reply, READ_CHUNK);
    if (!NT_ERROR(status))
        have = (size_t)sb.information;
    if (status == STATUS_BUFFER_OVERFLOW)
        status = read_rest(pipe, reply, &have);
    if (status)
        rc = tool_fail("pipe-transceive", status);
    else if (fwrite(reply, 1, have, stdout) != have)
        rc = TOOL_FAILED;
out:
    tool_close(pipe);
    free(input);
    free(reply);
    return rc;
}

/* ---- pipe-echo-server ---- */

static struct {
    struct lwio_context *lwio;
    char *path;
    unsigned instances;
    long connections_wanted;   /* 0: forever */
    atomic_long connections_served;
    atomic_bool stop;
    atomic_uint created;
    atomic_int failures;
    atomic_bool lost;          /* lwiod went away: said once, not per instance */
} echo;

static void echo_failed(const char *what, NTSTATUS status)
{
    atomic_fetch_add(&echo.failures, 1);
    if (status == STATUS_CONNECTION_DISCONNECTED && atomic_exchange(&echo.lost, true))
        return;
    tool_fail(what, status);
}

/* Waits for an asynchronous call, cancelling it if the server stops. */
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

static NTSTATUS pending_wait(struct pending *p, NTSTATUS issued)
{
    if (issued != STATUS_PENDING)
        return issued;
    bool cancelled = false;
    pthread_mutex_lock(&p->lock);
    while (!p->done) {
        if (atomic_load(&echo.stop) && !cancelled) {
            pthread_mutex_unlock(&p->lock);
            LwNtCancelAsync(&p->async);
            cancelled = true;
            pthread_mutex_lock(&p->lock);
            continue;
        }
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

/* Echoes messages on one connected instance until the client goes. */
static NTSTATUS serve_client(struct lwio_file *pipe, struct pending *p, uint8_t *buffer)
{
    for (;;) {
        NTSTATUS status = pending_wait(
            p, LwNtReadFile(pipe, pending_start(p), &p->sb, buffer, READ_CHUNK, NULL, NULL));
        size_t have = NT_ERROR(status) ? 0 : (size_t)p->sb.information;
        if (status == STATUS_BUFFER_OVERFLOW)
            status = read_rest(pipe, buffer, &have);
        if (status == STATUS_PIPE_BROKEN || status == STATUS_PIPE_DISCONNECTED)
            return STATUS_SUCCESS; /* the client closed */
        if (status)
            return status;
        struct io_status_block sb;
        status = LwNtWriteFile(pipe, NULL, &sb, buffer, (uint32_t)have, NULL, NULL);
        if (status == STATUS_PIPE_CLOSING || status == STATUS_PIPE_DISCONNECTED)
            return STATUS_SUCCESS;
        if (status)
            return status;
    }
}

static void *echo_instance(void *arg)
{
    (void)arg;
    struct pending p = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };
    struct lwio_file *pipe = NULL;
    struct io_status_block sb;
    uint8_t *buffer = malloc(MESSAGE_MAX);
    NTSTATUS status = buffer ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    if (status == STATUS_SUCCESS)
        status = LwNtCreateNamedPipeFile(
            echo.lwio, &pipe, NULL, &sb, echo.path, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF, 0, FILE_PIPE_MESSAGE_TYPE,
            FILE_PIPE_MESSAGE_MODE, FILE_PIPE_QUEUE_OPERATION, echo.instances, 65536, 65536, NULL);
    atomic_fetch_add(&echo.created, 1);
    if (status) {
        echo_failed(echo.path, status);
        atomic_store(&echo.stop, true);
        free(buffer);
        return NULL;
    }
    while (!atomic_load(&echo.stop)) {
        status = pending_wait(&p, LwNtFsControlFile(pipe, pending_start(&p), &p.sb,
                                                    FSCTL_PIPE_LISTEN, NULL, 0, NULL, 0));
        if (status == STATUS_CANCELLED && atomic_load(&echo.stop))
            break;
        if (status != STATUS_SUCCESS && status != STATUS_PIPE_CONNECTED) {
            echo_failed("listen", status);
            atomic_store(&echo.stop, true);
            break;
        }
        status = serve_client(pipe, &p, buffer);
        if (status == STATUS_CONNECTION_DISCONNECTED)
            atomic_store(&echo.stop, true);
        if (status && !(status == STATUS_CANCELLED && atomic_load(&echo.stop)))
            echo_failed("echo", status);
        LwNtFsControlFile(pipe, NULL, &sb, FSCTL_PIPE_DISCONNECT, NULL, 0, NULL, 0);
        long served = atomic_fetch_add(&echo.connections_served, 1) + 1;
        if (echo.connections_wanted && served >= echo.connections_wanted)
            atomic_store(&echo.stop, true);
    }
    tool_close(pipe);
    free(buffer);
    return NULL;
}

int cmd_pipe_echo_server(struct lwio_context *lwio, int argc, char **argv)
{
    echo.lwio = lwio;
    echo.instances = 4;
    for (int i = 2; i < argc; i++) {
        long v = i + 1 < argc ? strtol(argv[i + 1], NULL, 10) : 0;
        if (strcmp(argv[i], "--instances") == 0 && v > 0 && v <= 1024)
            echo.instances = (unsigned)v;
        else if (strcmp(argv[i], "--connections") == 0 && v > 0)
            echo.connections_wanted = v;
        else {
            fprintf(stderr, "Usage: lwio-tool pipe-echo-server NAME [--instances N] "
                            "[--connections N]\n");
            return TOOL_USAGE;
        }
        i++;
    }
    const char *name = argv[1];
    if (name[0] == '/' || name[0] == '\\')
        name = strncasecmp(name + 1, "npfs", 4) == 0 && (name[5] == '/' || name[5] == '\\')
                   ? name + 6
                   : name + 1;
    if (asprintf(&echo.path, "\\npfs\\%s", name) < 0)
        return tool_fail("pipe-echo-server", STATUS_NO_MEMORY);

    pthread_t *threads = calloc(echo.instances, sizeof *threads);
    unsigned started = 0;
    for (; threads && started < echo.instances; started++)
        if (pthread_create(&threads[started], NULL, echo_instance, NULL) != 0)
            break;
    while (atomic_load(&echo.created) < started)
        usleep(1000);
    if (!atomic_load(&echo.failures)) {
        printf("ready\n");
        fflush(stdout);
    }
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    free(echo.path);
    return atomic_load(&echo.failures) ? TOOL_FAILED : TOOL_OK;
}
