/* One bounded exchange with lsassd, and the modules' configuration
 * (lsass_call.h). */
#include "nss/lsass_call.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "lib/paths.h"
#include "lsass/client/protocol.h"

struct timespec lsass_call_clock_after(unsigned ms)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* ---- Configuration ------------------------------------------------------- */

static void set_db(struct sw_client_config *c, const char *db)
{
    char *path = sw_public_path(db, LSASS_PUBLIC_SOCKET_NAME);
    if (path && strlen(path) < sizeof c->public_socket && strlen(db) < sizeof c->db_path) {
        snprintf(c->public_socket, sizeof c->public_socket, "%s", path);
        snprintf(c->db_path, sizeof c->db_path, "%s", db);
    }
    free(path);
}

static bool parse_uint(const char *text, unsigned min, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

void sw_client_config_load(struct sw_client_config *c, const char *path)
{
    memset(c, 0, sizeof *c);
    c->timeout_ms = SW_CLIENT_DEFAULT_TIMEOUT_MS;
    c->cache_seconds = SW_CLIENT_DEFAULT_CACHE_SECONDS;
    set_db(c, SW_LOCALSTATEDIR "/registry.db");
    /* secure_getenv: nothing in a setuid or setgid program's environment. */
    const char *env = secure_getenv("SAMEWISE_NSS_CONF");
    if (!path)
        path = env && env[0] == '/' ? env : SW_CLIENT_CONF_PATH;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[1024];
    for (int lines = 0; lines < 1000 && fgets(line, sizeof line, f); lines++) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *key = line + strspn(line, " \t");
        size_t key_len = strcspn(key, " \t=\r\n");
        if (!key_len)
            continue;
        char *value = key + key_len;
        value += strspn(value, " \t=");
        value[strcspn(value, "\r\n")] = 0;
        for (size_t n = strlen(value); n && (value[n - 1] == ' ' || value[n - 1] == '\t'); n--)
            value[n - 1] = 0;
        key[key_len] = 0;
        if (strcmp(key, "db") == 0 && value[0] == '/')
            set_db(c, value);
        else if (strcmp(key, "socket") == 0 && value[0] == '/' && strlen(value) < sizeof c->public_socket)
            snprintf(c->public_socket, sizeof c->public_socket, "%s", value);
        else if (strcmp(key, "timeout-ms") == 0)
            parse_uint(value, 10, 5000, &c->timeout_ms);
        else if (strcmp(key, "cache-seconds") == 0)
            parse_uint(value, 0, 300, &c->cache_seconds);
    }
    fclose(f);
}

/* ---- One exchange ------------------------------------------------------------ */

static int ms_left(const struct timespec *deadline)
{
    struct timespec now = lsass_call_clock_after(0);
    int64_t ms = (int64_t)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

/* Waits for events on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int wait_for(int fd, short events, const struct timespec *deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, ms_left(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n;
        return (p.revents & (events | POLLHUP | POLLERR)) ? 1 : 0;
    }
}

enum io_result { IO_OK, IO_TIMEOUT, IO_ERROR };

static enum io_result send_all(int fd, const uint8_t *p, size_t len, const struct timespec *deadline)
{
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int w = wait_for(fd, POLLOUT, deadline);
            if (w <= 0)
                return w == 0 ? IO_TIMEOUT : IO_ERROR;
            continue;
        }
        return IO_ERROR;
    }
    return IO_OK;
}

static enum io_result recv_all(int fd, uint8_t *p, size_t len, const struct timespec *deadline)
{
    while (len) {
        ssize_t n = recv(fd, p, len, MSG_DONTWAIT);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n == 0)
            return IO_ERROR;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int w = wait_for(fd, POLLIN, deadline);
            if (w <= 0)
                return w == 0 ? IO_TIMEOUT : IO_ERROR;
            continue;
        }
        return IO_ERROR;
    }
    return IO_OK;
}

static enum io_result connect_bounded(int fd, const char *path, const struct timespec *deadline)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0)
        return IO_OK;
    /* A Unix socket whose listener's backlog is full answers EAGAIN to a
     * non-blocking connect: lsassd is alive but swamped, or hung. */
    if (errno == EAGAIN || errno == EINPROGRESS || errno == EINTR) {
        int w = wait_for(fd, POLLOUT, deadline);
        if (w <= 0)
            return w == 0 ? IO_TIMEOUT : IO_ERROR;
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
            return IO_OK;
        if (err == EAGAIN)
            return IO_TIMEOUT;
    }
    return IO_ERROR;
}

/* Names and ids decide who a process thinks a file's owner is, so the
 * answers must come from lsassd: the listener must run as root (lsassd
 * does), or as this process's own user (a developer's instance; whatever
 * such a server says, it can only mislead its own user's processes). */
static bool trusted_server(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || len != sizeof cred)
        return false;
    return cred.uid == 0 || cred.uid == geteuid();
}

/* The request id: any value works (one request per connection); a counter
 * makes a mixed-up answer visible. */
static uint32_t request_counter;

enum lsass_call_result lsass_call(const char *socket_path, unsigned timeout_ms, uint32_t opcode,
                                  const uint8_t *req, size_t req_len, uint32_t *status, struct buf *answer)
{
    struct timespec deadline = lsass_call_clock_after(timeout_ms);
    struct buf msg;
    enum lsass_call_result result = LSASS_CALL_ERROR;
    enum io_result io = IO_ERROR;
    bool connected = false;
    uint32_t id = __atomic_add_fetch(&request_counter, 1, __ATOMIC_RELAXED);

    buf_init(&msg);
    lsass_msg_begin(&msg, opcode, id);
    wr_bytes(&msg, req, req_len);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || !lsass_msg_end(&msg))
        goto out;
    io = connect_bounded(fd, socket_path, &deadline);
    if (io == IO_OK && !trusted_server(fd))
        io = IO_ERROR;
    else if (io == IO_OK)
        connected = true;
    if (io == IO_OK)
        io = send_all(fd, msg.data, msg.len, &deadline);
    uint8_t header[16];
    if (io == IO_OK)
        io = recv_all(fd, header, sizeof header, &deadline);
    if (io == IO_ERROR && connected) {
        /* Taken and closed before any answer: lsassd at a limit. */
        result = LSASS_CALL_DROPPED;
        goto out;
    }
    if (io != IO_OK)
        goto out;
    uint32_t len = le32_load(header), got_opcode = le32_load(header + 4), got_id = le32_load(header + 8);
    *status = le32_load(header + 12);
    /* An answer is at most one page of an enumeration (a few tens of KiB);
     * LSASS_MAX_MESSAGE is the protocol's own bound. */
    if (len < 12 || len > LSASS_MAX_MESSAGE || got_opcode != opcode || got_id != id)
        goto out;
    if (len > 12) {
        size_t at = wr_reserve(answer, len - 12);
        if (!wr_ok(answer))
            goto out;
        io = recv_all(fd, answer->data + at, len - 12, &deadline);
        if (io != IO_OK)
            goto out;
    }
    result = LSASS_CALL_OK;
out:
    if (io == IO_TIMEOUT)
        result = LSASS_CALL_TIMEOUT;
    if (fd >= 0)
        close(fd);
    buf_free(&msg);
    return result;
}

