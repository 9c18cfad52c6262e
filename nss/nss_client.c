/* libnss_samewise: configuration, one bounded exchange with lsassd, and the
 * cache (nss_client.h says the rules). */
#include "nss/nss_client.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "lib/paths.h"
#include "lsass/client/protocol.h"

struct nss_config {
    char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    unsigned timeout_ms;
    unsigned cache_seconds;
};

/* ---- Configuration ------------------------------------------------------- */

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static bool config_loaded;
static struct nss_config config;
static struct timespec down_until; /* lsassd timed out: do not ask before this */

static void set_socket_from_db(struct nss_config *c, const char *db)
{
    char *path = sw_public_path(db, LSASS_PUBLIC_SOCKET_NAME);
    if (path && strlen(path) < sizeof c->socket_path)
        snprintf(c->socket_path, sizeof c->socket_path, "%s", path);
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

/* Lines "key value" or "key = value"; '#' starts a comment. Unknown keys
 * and bad values are ignored (the module must work whatever the file says). */
static void load_config(struct nss_config *c)
{
    c->timeout_ms = NSS_DEFAULT_TIMEOUT_MS;
    c->cache_seconds = NSS_DEFAULT_CACHE_SECONDS;
    set_socket_from_db(c, SW_LOCALSTATEDIR "/registry.db");
    /* secure_getenv: nothing in a setuid or setgid program's environment. */
    const char *path = secure_getenv("SAMEWISE_NSS_CONF");
    FILE *f = fopen(path && path[0] == '/' ? path : NSS_CONF_PATH, "re");
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
            set_socket_from_db(c, value);
        else if (strcmp(key, "socket") == 0 && value[0] == '/' && strlen(value) < sizeof c->socket_path)
            snprintf(c->socket_path, sizeof c->socket_path, "%s", value);
        else if (strcmp(key, "timeout-ms") == 0)
            parse_uint(value, 10, 5000, &c->timeout_ms);
        else if (strcmp(key, "cache-seconds") == 0)
            parse_uint(value, 0, 300, &c->cache_seconds);
    }
    fclose(f);
}

/* ---- The cache -------------------------------------------------------------- */

/* A few dozen recent answers (found and not found), each for
 * config.cache_seconds: `ls -l` of a folder asks for the same few owners
 * over and over. Keyed by the request itself (opcode and body). */
#define CACHE_SLOTS 64

struct cache_slot {
    uint32_t opcode;
    uint8_t *request;
    size_t request_len;
    enum nss_answer answer;
    uint8_t *body;
    size_t body_len;
    struct timespec expires;
};

static struct cache_slot cache[CACHE_SLOTS];
static unsigned cache_next; /* the slot the next new answer replaces */

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static struct timespec now_plus_ms(unsigned ms)
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

/* state_lock held. */
static struct cache_slot *cache_find(uint32_t opcode, const uint8_t *req, size_t req_len)
{
    struct timespec now = now_plus_ms(0);
    for (unsigned i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *s = &cache[i];
        if (s->request && s->opcode == opcode && s->request_len == req_len && memcmp(s->request, req, req_len) == 0)
            return before(&now, &s->expires) ? s : NULL;
    }
    return NULL;
}

/* state_lock held. Allocation failures just leave the answer uncached. */
static void cache_store(uint32_t opcode, const uint8_t *req, size_t req_len, enum nss_answer answer,
                        const uint8_t *body, size_t body_len)
{
    if (!config.cache_seconds || answer == NSS_ANSWER_UNAVAILABLE)
        return;
    struct cache_slot *s = NULL;
    for (unsigned i = 0; i < CACHE_SLOTS && !s; i++)
        if (cache[i].request && cache[i].opcode == opcode && cache[i].request_len == req_len &&
            memcmp(cache[i].request, req, req_len) == 0)
            s = &cache[i];
    if (!s) {
        s = &cache[cache_next];
        cache_next = (cache_next + 1) % CACHE_SLOTS;
    }
    free(s->request);
    free(s->body);
    memset(s, 0, sizeof *s);
    s->request = malloc(req_len ? req_len : 1);
    s->body = malloc(body_len ? body_len : 1);
    if (!s->request || !s->body) {
        free(s->request);
        free(s->body);
        memset(s, 0, sizeof *s);
        return;
    }
    memcpy(s->request, req, req_len);
    if (body_len)
        memcpy(s->body, body, body_len);
    s->opcode = opcode;
    s->request_len = req_len;
    s->answer = answer;
    s->body_len = body_len;
    s->expires = now_plus_ms(config.cache_seconds * 1000);
}

/* ---- One exchange ------------------------------------------------------------ */

static int ms_left(const struct timespec *deadline)
{
    struct timespec now = now_plus_ms(0);
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

static enum nss_answer exchange(const struct nss_config *c, uint32_t opcode, const uint8_t *req, size_t req_len,
                                struct buf *answer, bool *timed_out)
{
    struct timespec deadline = now_plus_ms(c->timeout_ms);
    struct buf msg;
    enum nss_answer result = NSS_ANSWER_UNAVAILABLE;
    enum io_result io = IO_ERROR;
    uint32_t id = __atomic_add_fetch(&request_counter, 1, __ATOMIC_RELAXED);
    *timed_out = false;

    buf_init(&msg);
    lsass_msg_begin(&msg, opcode, id);
    wr_bytes(&msg, req, req_len);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || !lsass_msg_end(&msg))
        goto out;
    io = connect_bounded(fd, c->socket_path, &deadline);
    if (io == IO_OK && !trusted_server(fd))
        io = IO_ERROR;
    if (io == IO_OK)
        io = send_all(fd, msg.data, msg.len, &deadline);
    uint8_t header[16];
    if (io == IO_OK)
        io = recv_all(fd, header, sizeof header, &deadline);
    if (io != IO_OK)
        goto out;
    uint32_t len = le32_load(header), got_opcode = le32_load(header + 4), got_id = le32_load(header + 8);
    uint32_t status = le32_load(header + 12);
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
    if (status == STATUS_SUCCESS)
        result = NSS_ANSWER_FOUND;
    else if (status == STATUS_NO_SUCH_USER || status == STATUS_NO_SUCH_GROUP)
        result = NSS_ANSWER_NOT_FOUND;
out:
    *timed_out = io == IO_TIMEOUT;
    if (fd >= 0)
        close(fd);
    buf_free(&msg);
    return result;
}

/* Inside lsassd (whose Unix account lookups go through NSS) asking lsassd
 * would only wait for itself. lsassd exports the symbol looked for. */
static bool inside_lsassd(void)
{
    static int known; /* 0 not yet asked, 1 no, 2 yes */
    int k = __atomic_load_n(&known, __ATOMIC_ACQUIRE);
    if (!k) {
        k = dlsym(RTLD_DEFAULT, "samewise_lsassd_no_nss") ? 2 : 1;
        __atomic_store_n(&known, k, __ATOMIC_RELEASE);
    }
    return k == 2;
}

enum nss_answer nss_ask(uint32_t opcode, const uint8_t *req, size_t req_len, bool cacheable, uint8_t **body,
                        size_t *body_len)
{
    struct nss_config c;
    *body = NULL;
    *body_len = 0;
    if (inside_lsassd())
        return NSS_ANSWER_UNAVAILABLE;

    pthread_mutex_lock(&state_lock);
    if (!config_loaded) {
        load_config(&config);
        config_loaded = true;
    }
    c = config;
    struct timespec now = now_plus_ms(0);
    if (before(&now, &down_until)) {
        pthread_mutex_unlock(&state_lock);
        return NSS_ANSWER_UNAVAILABLE;
    }
    struct cache_slot *hit = cacheable ? cache_find(opcode, req, req_len) : NULL;
    if (hit) {
        enum nss_answer answer = hit->answer;
        if (answer == NSS_ANSWER_FOUND) {
            *body = malloc(hit->body_len ? hit->body_len : 1);
            if (*body) {
                memcpy(*body, hit->body, hit->body_len);
                *body_len = hit->body_len;
            } else {
                answer = NSS_ANSWER_UNAVAILABLE;
            }
        }
        pthread_mutex_unlock(&state_lock);
        return answer;
    }
    pthread_mutex_unlock(&state_lock);

    struct buf answer_body;
    bool timed_out = false;
    buf_init(&answer_body);
    enum nss_answer answer = exchange(&c, opcode, req, req_len, &answer_body, &timed_out);

    pthread_mutex_lock(&state_lock);
    if (timed_out)
        down_until = now_plus_ms(NSS_DOWN_SECONDS * 1000);
    if (cacheable)
        cache_store(opcode, req, req_len, answer, answer_body.data, answer_body.len);
    pthread_mutex_unlock(&state_lock);

    if (answer == NSS_ANSWER_FOUND) {
        *body = answer_body.len ? buf_steal(&answer_body, body_len) : malloc(1);
        if (!*body) {
            *body_len = 0;
            answer = NSS_ANSWER_UNAVAILABLE;
        }
    }
    buf_free(&answer_body);
    return answer;
}
