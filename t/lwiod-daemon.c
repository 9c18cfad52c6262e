/* The lwiod daemon: pid file, one instance per registry, malformed messages
 * close only their client, peer credentials, SIGHUP, SIGTERM during I/O, and
 * detaching (the parent returns once the socket is ready). */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "lib/buf.h"
#include "lwiod/client/protocol.h"
#include "t/lwiod-harness.h"
#include "t/tap/tap.h"

static struct lwiod_instance d;

static int raw_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path)
        return -1;
    memcpy(addr.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        fd = -1;
    }
    struct timeval tv = { 5, 0 };
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void send_bytes(int fd, const void *data, size_t len)
{
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    (void)n;
}

static void send_hello(int fd)
{
    struct buf b;
    buf_init(&b);
    struct lwio_request hello = { .opcode = LWIO_OP_HELLO, .request_id = 1,
                                  .version = LWIO_PROTOCOL_VERSION };
    lwio_request_encode(&b, &hello);
    send_bytes(fd, b.data, b.len);
    buf_free(&b);
}

/* A frame with this body (length prefix added). */
static void send_frame(int fd, const void *body, uint32_t len)
{
    uint8_t prefix[4];
    le32_store(prefix, len);
    send_bytes(fd, prefix, 4);
    send_bytes(fd, body, len);
}

/* Reads until the server closes (1), or a timeout/error (0). */
static int closed_by_server(int fd)
{
    uint8_t sink[4096];
    for (int i = 0; i < 100; i++) {
        ssize_t n = recv(fd, sink, sizeof sink, 0);
        if (n == 0)
            return 1;
        if (n < 0)
            return 0;
    }
    return 0;
}

struct malformed {
    const char *name;
    bool hello_first;
    uint8_t body[64];
    uint32_t body_len;
    int raw_prefix; /* send only this length prefix */
    uint32_t prefix;
};

static void malformed_messages(void)
{
    struct lwio_context *good;
    struct lwio_file *server_end, *client_end;
    struct io_status_block sb;
    struct harness_async h;
    char buf[32] = { 0 };

    /* A well-behaved client with a read pending across all the abuse. */
    if (!ok(LwIoConnectSocket(d.sock, &good) == STATUS_SUCCESS, "a good client connects"))
        return;
    LwNtCreateNamedPipeFile(good, &server_end, NULL, &sb, "\\npfs\\steady",
                            FILE_GENERIC_READ | FILE_GENERIC_WRITE, 0, FILE_OPEN_IF, 0,
                            FILE_PIPE_MESSAGE_TYPE, FILE_PIPE_MESSAGE_MODE,
                            FILE_PIPE_QUEUE_OPERATION, 1, 4096, 4096, NULL);
    struct lwio_create_params p = { .path = "\\npfs\\steady",
                                    .desired_access = FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                    .create_disposition = FILE_OPEN };
    ok(LwNtCreateFile(good, &client_end, NULL, &sb, &p) == STATUS_SUCCESS,
       "it opens a pipe to itself");
    ok(LwNtReadFile(client_end, harness_async(&h), &h.status, buf, sizeof buf, NULL, NULL) ==
           STATUS_PENDING, "and leaves a read pending");

    static const struct malformed cases[] = {
        { "unknown opcode", true, { 0x63, 0x00, 0, 0, 2, 0, 0, 0 }, 8, 0, 0 },
        { "non-zero flags", true, { 0x03, 0x00, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, 16, 0,
          0 },
        { "trailing byte after CLOSE", true,
          { 0x03, 0x00, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff }, 17, 0, 0 },
        { "CREATE path longer than the frame", true,
          { 0x02, 0x00, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0, 0, '\\', 'x' }, 14, 0, 0 },
        { "CREATE path not UTF-8", true,
          { 0x02, 0x00, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0xc0, 0x80 }, 14, 0, 0 },
        { "READ longer than the limit", true,
          { 0x04, 0x00, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0 }, 29, 0, 0 },
        { "boolean that is 2", true,
          { 0x04, 0x00, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0 }, 33, 0, 0 },
        { "request before HELLO", false, { 0x08, 0x00, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 },
          16, 0, 0 },
        { "a response sent as a request", true,
          { 0x01, 0x80, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }, 24, 0,
          0 },
        { "a second HELLO", true, { 0x01, 0x00, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0 }, 12, 0, 0 },
        { "frame length 3", false, { 0 }, 0, 1, 3 },
        { "frame length 2^31", true, { 0 }, 0, 1, 0x80000000u },
        { "a 1 MiB frame before HELLO", false, { 0 }, 0, 1, 1u << 20 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct malformed *m = &cases[i];
        int fd = raw_connect(d.sock);
        if (fd < 0) {
            ok(0, "connect for '%s'", m->name);
            continue;
        }
        if (m->hello_first)
            send_hello(fd);
        if (m->raw_prefix) {
            uint8_t prefix[4];
            le32_store(prefix, m->prefix);
            send_bytes(fd, prefix, 4);
        } else {
            send_frame(fd, m->body, m->body_len);
        }
        ok(closed_by_server(fd), "malformed (%s): lwiod closes that client", m->name);
        close(fd);
    }

    /* A client that vanishes mid-frame. */
    int fd = raw_connect(d.sock);
    send_hello(fd);
    send_bytes(fd, "\x40\x00\x00\x00\x04\x00", 6);
    close(fd);

    ok(!h.done, "the good client's read is still pending");
    ok(LwNtWriteFile(server_end, NULL, &sb, "still here", 10, NULL, NULL) == STATUS_SUCCESS,
       "the good client still works");
    ok(harness_async_wait(&h, 2000) && h.status.status == STATUS_SUCCESS &&
           memcmp(buf, "still here", 10) == 0,
       "and its pending read completes");
    is_int(LwNtClose(server_end, NULL, &sb), STATUS_SUCCESS, "close");
    LwNtClose(client_end, NULL, &sb);
    LwIoDisconnect(good);
}

static void stale_handle(void)
{
    /* Send a FLUSH for a handle that was never issued, by hand. */
    int fd = raw_connect(d.sock);
    send_hello(fd);
    struct buf b;
    buf_init(&b);
    struct lwio_request flush = { .opcode = LWIO_OP_FLUSH, .request_id = 7, .handle = 0x1234 };
    lwio_request_encode(&b, &flush);
    send_bytes(fd, b.data, b.len);
    buf_free(&b);
    /* Two responses: HELLO and FLUSH. */
    uint8_t frame[256];
    int got_invalid = 0;
    for (int i = 0; i < 2; i++) {
        uint8_t prefix[4];
        uint32_t len;
        if (recv(fd, prefix, 4, MSG_WAITALL) != 4 || !lwio_frame_length(prefix, &len) ||
            len > sizeof frame || recv(fd, frame, len, MSG_WAITALL) != (ssize_t)len)
            break;
        struct lwio_response r;
        if (lwio_response_decode(frame, len, &r) == STATUS_SUCCESS &&
            r.opcode == LWIO_OP_FLUSH && r.request_id == 7 && r.status == STATUS_INVALID_HANDLE)
            got_invalid = 1;
    }
    ok(got_invalid, "an unknown handle is answered STATUS_INVALID_HANDLE (not a disconnect)");
    close(fd);
}

static void refused_user(void)
{
    if (geteuid() != 0) {
        skip(1, "needs root to try another uid");
        return;
    }
    /* Let uid 65534 reach the socket: the credentials must refuse it. */
    chmod(d.dir, 0755);
    chmod(d.run, 0755);
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        struct lwio_context *c;
        NTSTATUS status = LwIoConnectSocket(d.sock, &c);
        _exit(status == STATUS_ACCESS_DENIED ? 0 : status == STATUS_SUCCESS ? 1 : 2);
    }
    int status = harness_wait(pid, 5000);
    ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "a non-root caller is refused with STATUS_ACCESS_DENIED");
    chmod(d.run, 0700);
}

static void second_instance(void)
{
    char bin[512], log[128];
    snprintf(bin, sizeof bin, "%s/bin/lwiod", harness_build());
    snprintf(log, sizeof log, "%s/second.stderr", d.dir);
    char *argv[] = { bin, "--db", d.db, "--foreground", "--drivers", "npfs", NULL };
    pid_t pid = harness_spawn(argv, -1, log);
    int status = harness_wait(pid, 5000);
    if (status == -1)
        harness_kill(pid);
    ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 1,
       "a second lwiod on the same registry refuses to start");
    FILE *f = fopen(d.pidfile, "r");
    long pid_in_file = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid_in_file) != 1)
            pid_in_file = 0;
        fclose(f);
    }
    is_int(pid_in_file, d.pid, "the pid file still names the first");
}

static void sighup(void)
{
    kill(d.pid, SIGHUP);
    harness_sleep_ms(100);
    struct lwio_context *c;
    ok(LwIoConnectSocket(d.sock, &c) == STATUS_SUCCESS, "after SIGHUP lwiod still serves");
    if (c)
        LwIoDisconnect(c);
}

/* ---- SIGTERM during I/O ---- */

#define BUSY_CLIENTS 20

static atomic_int busy_done, busy_worked, busy_ended_well;

static void *busy_client(void *arg)
{
    (void)arg;
    struct lwio_context *c;
    struct lwio_file *f = NULL;
    struct io_status_block sb;
    NTSTATUS status = LwIoConnectSocket(d.sock, &c);
    if (status == STATUS_SUCCESS) {
        struct lwio_create_params p = { .path = "\\npfs\\busy",
                                        .desired_access = FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                        .create_disposition = FILE_OPEN };
        for (int i = 0; i < 300; i++) {
            status = LwNtCreateFile(c, &f, NULL, &sb, &p);
            if (status != STATUS_PIPE_NOT_AVAILABLE)
                break;
            harness_sleep_ms(5);
        }
        /* Round trips until lwiod goes away (bounded by the count). */
        int round_trips = 0;
        for (int i = 0; status == STATUS_SUCCESS && i < 100000; i++) {
            char reply[64];
            status = LwNtFsControlFile(f, NULL, &sb, FSCTL_PIPE_TRANSCEIVE, "busy", 4, reply,
                                       sizeof reply);
            round_trips += status == STATUS_SUCCESS;
        }
        if (round_trips > 0)
            atomic_fetch_add(&busy_worked, 1);
        /* The connection drops; or the echo server's was dropped first and
         * its pipe broke under us. Either is a clean end. */
        if (status == STATUS_CONNECTION_DISCONNECTED || status == STATUS_PIPE_BROKEN ||
            status == STATUS_PIPE_DISCONNECTED)
            atomic_fetch_add(&busy_ended_well, 1);
        else
            diag("busy client ended with %s", nt_status_name(status));
        LwIoDisconnect(c);
    }
    atomic_fetch_add(&busy_done, 1);
    return NULL;
}

static void sigterm_during_io(void)
{
    char tool[512];
    snprintf(tool, sizeof tool, "%s/bin/lwio-tool", harness_build());
    char *argv[] = { tool, "--db", d.db, "pipe-echo-server", "busy", "--instances", "25", NULL };
    int out[2];
    if (pipe(out) != 0)
        return;
    char log[160];
    snprintf(log, sizeof log, "%s/echo.stderr", d.dir);
    pid_t server = harness_spawn(argv, out[1], log);
    close(out[1]);
    char ready[16] = { 0 };
    ssize_t n = read(out[0], ready, sizeof ready - 1);
    close(out[0]);
    ok(n > 0 && strncmp(ready, "ready", 5) == 0, "echo server for the busy clients");

    /* Also a pending listen-free read: a pipe with no writer. */
    struct lwio_context *idle;
    struct lwio_file *srv_end = NULL, *cl_end = NULL;
    struct io_status_block sb;
    struct harness_async h;
    char buf[16];
    LwIoConnectSocket(d.sock, &idle);
    LwNtCreateNamedPipeFile(idle, &srv_end, NULL, &sb, "\\npfs\\idle",
                            FILE_GENERIC_READ | FILE_GENERIC_WRITE, 0, FILE_OPEN_IF, 0,
                            FILE_PIPE_MESSAGE_TYPE, FILE_PIPE_MESSAGE_MODE,
                            FILE_PIPE_QUEUE_OPERATION, 1, 0, 0, NULL);
    struct lwio_create_params p = { .path = "\\npfs\\idle",
                                    .desired_access = FILE_GENERIC_READ | FILE_GENERIC_WRITE,
                                    .create_disposition = FILE_OPEN };
    LwNtCreateFile(idle, &cl_end, NULL, &sb, &p);
    ok(LwNtReadFile(cl_end, harness_async(&h), &h.status, buf, sizeof buf, NULL, NULL) ==
           STATUS_PENDING, "a read is pending when SIGTERM comes");

    pthread_t threads[BUSY_CLIENTS];
    for (int i = 0; i < BUSY_CLIENTS; i++)
        pthread_create(&threads[i], NULL, busy_client, NULL);
    harness_sleep_ms(300);
    pid_t pid = d.pid;
    int status = lwiod_stop(&d);
    ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "SIGTERM during I/O: lwiod exits 0 (no sanitizer report, no hang)");
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        lwiod_show_log(&d);
    for (int i = 0; i < BUSY_CLIENTS; i++)
        pthread_join(threads[i], NULL);
    is_int(atomic_load(&busy_done), BUSY_CLIENTS, "every busy client returned");
    is_int(atomic_load(&busy_worked), BUSY_CLIENTS, "each had round trips going");
    is_int(atomic_load(&busy_ended_well), BUSY_CLIENTS,
           "each ended with a disconnect status, mid-stream");
    ok(harness_async_wait(&h, 2000) && h.status.status == STATUS_CONNECTION_DISCONNECTED,
       "the pending read finished with STATUS_CONNECTION_DISCONNECTED");
    ok(access(d.pidfile, F_OK) != 0 && access(d.sock, F_OK) != 0,
       "the pid file and the socket are gone (pid was %d)", (int)pid);
    LwIoDisconnect(idle);
    int server_status = harness_wait(server, 5000);
    if (server_status == -1)
        harness_kill(server);
    ok(server_status != -1, "the echo server noticed and exited");
}

/* Gone, or a zombie nobody reaps yet. */
static int process_gone(pid_t pid)
{
    if (kill(pid, 0) != 0)
        return 1;
    char path[64], stat[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    size_t n = fread(stat, 1, sizeof stat - 1, f);
    fclose(f);
    stat[n] = '\0';
    const char *close_paren = strrchr(stat, ')');
    return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

static void detached(void)
{
    struct lwiod_instance bg;
    memset(&bg, 0, sizeof bg);
    snprintf(bg.dir, sizeof bg.dir, "/tmp/sw-lwiod.XXXXXX");
    if (!mkdtemp(bg.dir))
        return;
    snprintf(bg.db, sizeof bg.db, "%s/registry.db", bg.dir);
    snprintf(bg.sock, sizeof bg.sock, "%s/registry.run/lwiod.sock", bg.dir);
    snprintf(bg.pidfile, sizeof bg.pidfile, "%s/registry.run/lwiod.pid", bg.dir);
    char bin[512];
    snprintf(bin, sizeof bin, "%s/bin/lwiod", harness_build());
    char *argv[] = { bin, "--db", bg.db, "--drivers", "npfs", "--required-drivers", "npfs", NULL };
    pid_t parent = harness_spawn(argv, -1, NULL);
    int status = harness_wait(parent, 10000);
    ok(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "without --foreground lwiod returns 0 once ready");
    struct lwio_context *c = NULL;
    ok(LwIoConnectSocket(bg.sock, &c) == STATUS_SUCCESS, "and the socket answers at once");
    LwIoDisconnect(c);
    long daemon_pid = 0;
    FILE *f = fopen(bg.pidfile, "r");
    if (f) {
        if (fscanf(f, "%ld", &daemon_pid) != 1)
            daemon_pid = 0;
        fclose(f);
    }
    ok(daemon_pid > 0 && daemon_pid != parent, "the pid file names the detached daemon");
    if (daemon_pid > 0) {
        kill((pid_t)daemon_pid, SIGTERM);
        int gone = 0;
        for (int i = 0; i < 1000 && !gone; i++) {
            gone = process_gone((pid_t)daemon_pid);
            harness_sleep_ms(10);
        }
        ok(gone, "SIGTERM stops it");
        if (!gone)
            kill((pid_t)daemon_pid, SIGKILL);
    }
    char log[160], line[256];
    snprintf(log, sizeof log, "%s/registry.run/lwiod.log", bg.dir);
    f = fopen(log, "r");
    ok(f != NULL, "it logs to lwiod.log in the run directory");
    int sanitizer_reports = 0;
    if (f) {
        while (fgets(line, sizeof line, f)) {
            if (strstr(line, "ERROR: ") || strstr(line, "runtime error")) {
                diag("lwiod.log: %s", line);
                sanitizer_reports++;
            }
        }
        fclose(f);
    }
    is_int(sanitizer_reports, 0, "and nothing in it from a sanitizer");
    bg.pid = 0;
    lwiod_cleanup(&bg);
}

int main(void)
{
    if (!ok(lwiod_start(&d, "--log-level=info") == 0, "lwiod starts")) {
        lwiod_show_log(&d);
        lwiod_cleanup(&d);
        return done_testing();
    }
    second_instance();
    malformed_messages();
    stale_handle();
    refused_user();
    sighup();
    sigterm_during_io();
    detached();
    lwiod_cleanup(&d);
    return done_testing();
}
