/* libnss_samewise.so.2 as glibc loads it (dlopen of the built module),
 * against a fake lsassd on a scratch socket that answers what each check
 * needs: well-formed entries, entries that do not fit the caller's buffer
 * (ERANGE, and the same entry again in an enumeration), pages, nonsense
 * (malformed entries, a mixed-up answer, a page that does not move
 * forward), initgroups' limits, and last an lsassd that never answers (the
 * caller waits at most the configured timeout, then not at all for a
 * while). t/nss-pam.t drives the same module with getent and id against
 * the real lsassd. */
#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lsass/client/protocol.h"
#include "t/tap/tap.h"

/* ---- The fake lsassd ---------------------------------------------------- */

enum mode {
    MODE_NORMAL,
    MODE_MALFORMED,   /* a passwd entry cut short */
    MODE_WRONG_ID,    /* answers with another request id */
    MODE_STUCK_PAGES, /* enumeration pages that never move forward */
    MODE_SILENT,      /* reads the request, never answers */
};

static volatile enum mode mode = MODE_NORMAL;
static volatile int requests;
static int listen_fd = -1;

static void put_alice(struct buf *b)
{
    lsass_put_passwd(b, "alice", 1001000, 1000513, "Alice A", "/nonexistent", "/usr/sbin/nologin");
}

/* Users: uids 1001000 + i for i < 300, in pages of 100 (from the start uid). */
static void put_user_page(struct buf *b, uint32_t start)
{
    uint32_t first = start < 1001000 ? 0 : start - 1001000, n = 0;
    size_t count_at;
    bool more = first + 100 < 300;
    wr_u32(b, mode == MODE_STUCK_PAGES ? 1 : more);
    wr_u32(b, mode == MODE_STUCK_PAGES ? start : more ? 1001000 + first + 100 : 0);
    count_at = wr_reserve(b, 4);
    for (uint32_t i = first; i < 300 && i < first + 100; i++, n++) {
        char name[32];
        snprintf(name, sizeof name, "user-%03u", i);
        lsass_put_passwd(b, name, 1001000 + i, 1000513, "", "/nonexistent", "/usr/sbin/nologin");
    }
    wr_put_u32_at(b, count_at, n);
}

static void put_big_group(struct buf *b)
{
    lsass_put_group_header(b, "Crowd", 1002000, 200);
    for (int i = 0; i < 200; i++) {
        char name[32];
        snprintf(name, sizeof name, "member-%03d", i);
        lsass_put_string(b, name);
    }
}

static uint32_t answer(uint32_t opcode, struct buf_reader *r, struct buf *body)
{
    char *name = NULL;
    uint32_t status = STATUS_SUCCESS;
    switch (opcode) {
    case LSASS_OP_GETPWNAM:
        name = lsass_get_string(r);
        if (name && strcmp(name, "alice") == 0) {
            if (mode == MODE_MALFORMED) {
                lsass_put_string(body, "alice");
                wr_u32(body, 1001000); /* and nothing more */
            } else {
                put_alice(body);
            }
        } else {
            status = STATUS_NO_SUCH_USER;
        }
        break;
    case LSASS_OP_GETPWUID:
        if (rd_u32(r) == 1001000)
            put_alice(body);
        else
            status = STATUS_NO_SUCH_USER;
        break;
    case LSASS_OP_GETGRNAM:
        name = lsass_get_string(r);
        if (name && strcmp(name, "Crowd") == 0)
            put_big_group(body);
        else
            status = STATUS_NO_SUCH_GROUP;
        break;
    case LSASS_OP_ENUM_PASSWD:
        put_user_page(body, rd_u32(r));
        break;
    case LSASS_OP_ENUM_GROUP:
        wr_u32(body, 0);
        wr_u32(body, 0);
        wr_u32(body, 1);
        put_big_group(body);
        break;
    case LSASS_OP_INITGROUPS:
        name = lsass_get_string(r);
        /* The primary group, a duplicate, and three more. */
        wr_u32(body, 5);
        wr_u32(body, 1000513);
        wr_u32(body, 1002000);
        wr_u32(body, 1002000);
        wr_u32(body, 1002001);
        wr_u32(body, 1002002);
        break;
    default:
        status = STATUS_NOT_IMPLEMENTED;
    }
    free(name);
    return status;
}

static void *serve(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        struct buf request, response, body;
        buf_init(&request);
        buf_init(&response);
        buf_init(&body);
        if (lsass_read_message(fd, &request) == 0) {
            __atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
            struct buf_reader r;
            rd_init(&r, request.data, request.len);
            uint32_t opcode = rd_u32(&r), id = rd_u32(&r);
            if (mode == MODE_SILENT) {
                struct timespec ts = { 2, 0 };
                nanosleep(&ts, NULL);
            } else {
                uint32_t status = answer(opcode, &r, &body);
                lsass_msg_begin(&response, opcode, mode == MODE_WRONG_ID ? id + 1 : id);
                wr_u32(&response, status);
                wr_bytes(&response, body.data, body.len);
                if (lsass_msg_end(&response))
                    lsass_write_all(fd, response.data, response.len);
            }
        }
        buf_free(&request);
        buf_free(&response);
        buf_free(&body);
        close(fd);
    }
}

/* ---- The module ------------------------------------------------------------ */

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getpwuid_fn)(uid_t, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getgrnam_fn)(const char *, struct group *, char *, size_t, int *);
typedef enum nss_status (*setent_fn)(int);
typedef enum nss_status (*endent_fn)(void);
typedef enum nss_status (*getpwent_fn)(struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getgrent_fn)(struct group *, char *, size_t, int *);
typedef enum nss_status (*initgroups_fn)(const char *, gid_t, long int *, long int *, gid_t **, long int, int *);

static void *module;

static void *entry(const char *name)
{
    void *f = dlsym(module, name);
    if (!f) {
        printf("Bail out! %s missing from the module\n", name);
        exit(1);
    }
    return f;
}

static setent_fn module_setpwent;
static endent_fn module_endpwent;
static getpwent_fn module_getpwent_r;
static getpwnam_fn module_getpwnam_r;

/* A thread that sits in the middle of an enumeration. */
static void *enumerate_busy(void *arg)
{
    (void)arg;
    char buf[1024];
    struct passwd p;
    int e;
    module_setpwent(0);
    module_getpwent_r(&p, buf, sizeof buf, &e);
    return NULL;
}

static long long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
    char scratch[] = "/tmp/sw-nss.XXXXXX", sock_path[64], conf_path[64], module_path[4096];
    if (!mkdtemp(scratch)) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }
    snprintf(sock_path, sizeof sock_path, "%s/lsassd.sock", scratch);
    snprintf(conf_path, sizeof conf_path, "%s/nss.conf", scratch);
    FILE *conf = fopen(conf_path, "w");
    /* A bogus line and an out-of-range value are ignored. */
    fprintf(conf, "# test\nsocket = %s\ntimeout-ms 300\ncache-seconds 2\nbogus line here\ntimeout-ms 999999\n",
            sock_path);
    fclose(conf);
    setenv("SAMEWISE_NSS_CONF", conf_path, 1);

    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path);
    listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listen_fd, 16) != 0) {
        printf("Bail out! fake lsassd: %s\n", strerror(errno));
        return 1;
    }
    pthread_t thread;
    pthread_create(&thread, NULL, serve, NULL);

    /* The module beside the test programs: build/t/.. /nss/. */
    ssize_t n = readlink("/proc/self/exe", module_path, sizeof module_path - 64);
    if (n <= 0) {
        printf("Bail out! /proc/self/exe\n");
        return 1;
    }
    module_path[n] = 0;
    char *slash = strrchr(module_path, '/');
    snprintf(slash, sizeof module_path - (size_t)(slash - module_path), "/../nss/libnss_samewise.so.2");
    module = dlopen(module_path, RTLD_NOW | RTLD_LOCAL);
    if (!ok(module != NULL, "dlopen %s", module_path)) {
        diag("%s", dlerror());
        return done_testing();
    }
    ok(dlsym(module, "lsass_get_string") == NULL && dlsym(module, "rd_u32") == NULL,
       "the module exports its entry points only, none of its private code");
    module_getpwnam_r = (getpwnam_fn)entry("_nss_samewise_getpwnam_r");
    getpwuid_fn getpwuid_r = (getpwuid_fn)entry("_nss_samewise_getpwuid_r");
    getgrnam_fn getgrnam_r = (getgrnam_fn)entry("_nss_samewise_getgrnam_r");
    module_setpwent = (setent_fn)entry("_nss_samewise_setpwent");
    module_endpwent = (endent_fn)entry("_nss_samewise_endpwent");
    module_getpwent_r = (getpwent_fn)entry("_nss_samewise_getpwent_r");
    setent_fn setgrent = (setent_fn)entry("_nss_samewise_setgrent");
    endent_fn endgrent = (endent_fn)entry("_nss_samewise_endgrent");
    getgrent_fn getgrent_r = (getgrent_fn)entry("_nss_samewise_getgrent_r");
    initgroups_fn initgroups_dyn = (initgroups_fn)entry("_nss_samewise_initgroups_dyn");

    struct passwd pw;
    struct group gr;
    char buffer[8192];
    int err = 0;

    /* Single lookups, and what ERANGE looks like exactly. */
    is_int(module_getpwnam_r("alice", &pw, buffer, sizeof buffer, &err), NSS_STATUS_SUCCESS, "getpwnam_r alice");
    ok(strcmp(pw.pw_name, "alice") == 0 && pw.pw_uid == 1001000 && pw.pw_gid == 1000513 &&
           strcmp(pw.pw_gecos, "Alice A") == 0 && strcmp(pw.pw_dir, "/nonexistent") == 0 &&
           strcmp(pw.pw_shell, "/usr/sbin/nologin") == 0 && strcmp(pw.pw_passwd, "x") == 0,
       "  every field");
    size_t need = strlen("alice") + strlen("x") + strlen("Alice A") + strlen("/nonexistent") +
                  strlen("/usr/sbin/nologin") + 5;
    err = 0;
    is_int(module_getpwnam_r("alice", &pw, buffer, need - 1, &err), NSS_STATUS_TRYAGAIN, "one byte short: TRYAGAIN");
    is_int(err, ERANGE, "  with ERANGE");
    is_int(module_getpwnam_r("alice", &pw, buffer, need, &err), NSS_STATUS_SUCCESS, "exactly enough: SUCCESS");
    is_int(module_getpwnam_r("nobody-here", &pw, buffer, sizeof buffer, &err), NSS_STATUS_NOTFOUND, "an unknown name: NOTFOUND");
    is_int(err, ENOENT, "  with ENOENT");
    is_int(module_getpwnam_r("", &pw, buffer, sizeof buffer, &err), NSS_STATUS_NOTFOUND, "an empty name: NOTFOUND");
    is_int(getpwuid_r(1001000, &pw, buffer, sizeof buffer, &err), NSS_STATUS_SUCCESS, "getpwuid_r 1001000");
    is_str(pw.pw_name, "alice", "  is alice");

    int before = requests;
    module_getpwnam_r("alice", &pw, buffer, sizeof buffer, &err);
    module_getpwnam_r("nobody-here", &pw, buffer, sizeof buffer, &err);
    is_int(requests - before, 0, "answers found and not found come from the cache for a while");

    /* A group bigger than a small buffer, members aligned for char **. */
    is_int(getgrnam_r("Crowd", &gr, buffer, 1024, &err), NSS_STATUS_TRYAGAIN, "getgrnam_r Crowd in 1 KiB: TRYAGAIN");
    is_int(err, ERANGE, "  ERANGE");
    is_int(getgrnam_r("Crowd", &gr, buffer + 1, sizeof buffer - 1, &err), NSS_STATUS_SUCCESS,
           "in 8 KiB (misaligned start): SUCCESS");
    int members = 0;
    while (gr.gr_mem && gr.gr_mem[members])
        members++;
    is_int(members, 200, "  200 members");
    ok(((uintptr_t)gr.gr_mem % sizeof(char *)) == 0 && strcmp(gr.gr_mem[199], "member-199") == 0 &&
           gr.gr_gid == 1002000,
       "  aligned, in order, with the gid");
    is_int(getgrnam_r("Nope", &gr, buffer, sizeof buffer, &err), NSS_STATUS_NOTFOUND, "an unknown group: NOTFOUND");

    /* Enumeration over three pages; ERANGE returns the same entry again. */
    module_setpwent(0);
    int seen = 0, eranges = 0, in_order = 1;
    for (int i = 0; i < 1000; i++) {
        size_t size = (i % 50 == 7) ? 8 : sizeof buffer;
        enum nss_status s = module_getpwent_r(&pw, buffer, size, &err);
        if (s == NSS_STATUS_TRYAGAIN && err == ERANGE) {
            eranges++;
            continue;
        }
        if (s != NSS_STATUS_SUCCESS)
            break;
        in_order = in_order && pw.pw_uid == (uid_t)(1001000 + seen);
        seen++;
    }
    module_endpwent();
    is_int(seen, 300, "getpwent_r: 300 users over three pages");
    ok(eranges > 0 && in_order, "  small buffers got ERANGE and then the same entry, none lost or doubled");
    setgrent(0);
    is_int(getgrent_r(&gr, buffer, 100, &err), NSS_STATUS_TRYAGAIN, "getgrent_r in a small buffer: TRYAGAIN");
    is_int(getgrent_r(&gr, buffer, sizeof buffer, &err), NSS_STATUS_SUCCESS, "  then the same group");
    is_str(gr.gr_name, "Crowd", "  Crowd");
    is_int(getgrent_r(&gr, buffer, sizeof buffer, &err), NSS_STATUS_NOTFOUND, "  then the end");
    endgrent();

    /* initgroups: the primary group and duplicates skipped, the limit kept. */
    long int start = 1, size = 1;
    gid_t *groups = malloc(sizeof(gid_t));
    groups[0] = 1000513;
    is_int(initgroups_dyn("alice", 1000513, &start, &size, &groups, 0, &err), NSS_STATUS_SUCCESS, "initgroups_dyn");
    ok(start == 4 && groups[1] == 1002000 && groups[2] == 1002001 && groups[3] == 1002002,
       "  adds the three other groups once each (start %ld)", start);
    start = 1;
    is_int(initgroups_dyn("alice", 1000513, &start, &size, &groups, 2, &err), NSS_STATUS_SUCCESS,
           "initgroups_dyn with limit 2");
    is_int(start, 2, "  stops at the limit");
    free(groups);

    /* Nonsense from lsassd is "unavailable", never a crash. */
    mode = MODE_MALFORMED;
    is_int(module_getpwnam_r("alice", &pw, buffer, sizeof buffer, &err), NSS_STATUS_SUCCESS,
           "(the cache still answers alice for its 2 seconds)");
    struct timespec wait = { 2, 200000000 };
    nanosleep(&wait, NULL);
    is_int(module_getpwnam_r("alice", &pw, buffer, sizeof buffer, &err), NSS_STATUS_UNAVAIL,
           "a truncated entry: UNAVAIL");
    mode = MODE_WRONG_ID;
    is_int(getpwuid_r(1001001, &pw, buffer, sizeof buffer, &err), NSS_STATUS_UNAVAIL,
           "an answer to another request: UNAVAIL");
    mode = MODE_STUCK_PAGES;
    module_setpwent(0);
    seen = 0;
    enum nss_status last = NSS_STATUS_SUCCESS;
    for (int i = 0; i < 1000 && last == NSS_STATUS_SUCCESS; i++)
        if ((last = module_getpwent_r(&pw, buffer, sizeof buffer, &err)) == NSS_STATUS_SUCCESS)
            seen++;
    module_endpwent();
    ok(seen == 100 && last == NSS_STATUS_UNAVAIL, "pages that do not move forward end the enumeration (%d seen)", seen);

    /* fork while another thread is inside the module (holding its locks,
     * waiting for a silent lsassd): the child's lookups must not wait for
     * a lock nobody will release. Run in a helper process, so that this
     * process's own state (the "lsassd is down" memory) stays untouched. */
    mode = MODE_SILENT;
    pid_t helper = fork();
    if (helper == 0) {
        alarm(8);
        pthread_t busy;
        pthread_create(&busy, NULL, enumerate_busy, NULL);
        struct timespec settle = { 0, 100000000 };
        nanosleep(&settle, NULL);
        pid_t child = fork();
        if (child == 0) {
            alarm(3); /* a deadlock ends here, as a signal */
            char buf[1024];
            struct passwd p;
            int e;
            module_setpwent(0);
            module_getpwent_r(&p, buf, sizeof buf, &e);
            module_endpwent();
            module_getpwnam_r("alice", &p, buf, sizeof buf, &e);
            _exit(0);
        }
        int child_status = 0;
        waitpid(child, &child_status, 0);
        _exit(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0 ? 0 : 1);
    }
    int helper_status = 0;
    waitpid(helper, &helper_status, 0);
    ok(WIFEXITED(helper_status) && WEXITSTATUS(helper_status) == 0,
       "a child forked while another thread was inside the module looks up without deadlock");

    /* lsassd hung: at most the timeout (300 ms), then nothing for a while. */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    is_int(getpwuid_r(4242, &pw, buffer, sizeof buffer, &err), NSS_STATUS_UNAVAIL, "lsassd silent: UNAVAIL");
    long long took = ms_since(&t0);
    ok(took >= 250 && took < 1000, "  after the 300 ms timeout (%lld ms)", took);
    before = requests;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    is_int(module_getpwnam_r("bob", &pw, buffer, sizeof buffer, &err), NSS_STATUS_UNAVAIL, "the next lookup: UNAVAIL");
    took = ms_since(&t0);
    ok(took < 50 && requests == before, "  at once, without asking (%lld ms)", took);

    close(listen_fd);
    unlink(sock_path);
    unlink(conf_path);
    rmdir(scratch);
    return done_testing();
}
