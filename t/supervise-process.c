/* supervise: pid files judged against /proc, stopping (SIGTERM, then SIGKILL),
 * stale and foreign pids left alone, log tails, the port probe, the lock.
 *
 * The "daemons" here are children of this test: forks (same program, same
 * command line) and re-executions of this program with a --db argument and
 * --child, which sleep until signalled. Every child is killed and reaped by
 * pid at the end, whatever happened. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/paths.h"
#include "supervise/internal.h"
#include "supervise/supervise.h"
#include "t/tap/tap.h"

#define NAME "supervise-process.t"

static char scratch[] = "/tmp/sw-supervise.XXXXXX";
static char db[256], other_db[256];
static pid_t children[8];
static size_t child_count;

static void track(pid_t pid)
{
    if (pid > 0 && child_count < sizeof children / sizeof *children)
        children[child_count++] = pid;
}

/* Waits for a child and forgets it, so that the final sweep never signals a
 * pid that may have been reused. */
static pid_t reap(pid_t pid, int *wstatus)
{
    pid_t got = waitpid(pid, wstatus, 0);
    for (size_t i = 0; i < child_count; i++)
        if (children[i] == pid)
            children[i] = 0;
    return got;
}

/* --child: sleep (at most 30 s) until a signal ends us. */
static int child_main(void)
{
    for (int i = 0; i < 300; i++)
        supervise_sleep_ms(100);
    return 0;
}

/* A fork of this test: /proc shows the same program and command line. The
 * pipe says when its signal disposition is set. */
static pid_t fork_child(bool ignore_term)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (ignore_term)
            signal(SIGTERM, SIG_IGN);
        else
            signal(SIGTERM, SIG_DFL);
        close(fds[1]);
        _exit(child_main());
    }
    close(fds[1]);
    char c;
    while (read(fds[0], &c, 1) < 0 && errno == EINTR)
        ;
    close(fds[0]);
    track(pid);
    return pid;
}

/* This program again, as `NAME --db DB --child`. */
static pid_t exec_child(const char *self, const char *with_db)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl(self, self, "--db", with_db, "--child", (char *)NULL);
        _exit(127);
    }
    track(pid);
    /* Until the exec is done /proc still shows the fork (no --db). */
    for (int i = 0; i < 200; i++) {
        char path[64], args[512];
        size_t len;
        snprintf(path, sizeof path, "/proc/%ld/cmdline", (long)pid);
        if (supervise_read_file(path, args, sizeof args, &len) && len > strlen(args) + 1)
            break;
        supervise_sleep_ms(10);
    }
    return pid;
}

static void write_pid_file(const char *name, const char *text)
{
    char file[64];
    snprintf(file, sizeof file, "%s.pid", name);
    char *path = sw_run_path(db, file);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(path);
}

static void write_pid(const char *name, pid_t pid)
{
    char text[32];
    snprintf(text, sizeof text, "%ld\n", (long)pid);
    write_pid_file(name, text);
}

static bool pid_file_exists(const char *name)
{
    char file[64];
    snprintf(file, sizeof file, "%s.pid", name);
    char *path = sw_run_path(db, file);
    bool exists = access(path, F_OK) == 0;
    free(path);
    return exists;
}

static void test_parse_pid(void)
{
    static const struct {
        const char *text;
        pid_t pid;
    } cases[] = {
        { "1234\n", 1234 }, { "1234", 1234 }, { "77 \n", 77 },   { "", 0 },
        { "\n", 0 },        { "-5\n", 0 },    { "1\n", 0 },      { "0\n", 0 },
        { "12a\n", 0 },     { "12\n13\n", 0 }, { "99999999999999999999\n", 0 },
        { "2147483648\n", 0 }, { " 12\n", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char shown[64];
        size_t k = 0;
        for (const char *c = cases[i].text; *c && k + 3 < sizeof shown; c++) {
            if (*c == '\n') {
                shown[k++] = '\\';
                shown[k++] = 'n';
            } else {
                shown[k++] = *c;
            }
        }
        shown[k] = '\0';
        is_int(supervise_parse_pid(cases[i].text, strlen(cases[i].text)), cases[i].pid,
               "pid file text '%s'", shown);
    }
    is_int(supervise_parse_pid("12\0" "3", 4), 0, "a NUL inside is not a pid");
}

static void test_find(void)
{
    struct supervise_process p;
    supervise_find(db, NAME, &p);
    ok(!p.pid && !p.running && !p.stale, "no pid file: nothing runs, nothing stale");

    write_pid_file(NAME, "garbage\n");
    supervise_find(db, NAME, &p);
    ok(!p.pid && !p.running && p.stale, "an unreadable pid file is stale");

    write_pid(NAME, getpid());
    supervise_find(db, NAME, &p);
    ok(p.running && p.pid == getpid(), "our own pid runs " NAME);
    ok(p.started > time(NULL) - 600 && p.started <= time(NULL) + 1,
       "its start time is recent (%lld)", (long long)p.started);

    write_pid("lwiod", getpid());
    supervise_find(db, "lwiod", &p);
    ok(!p.running && p.stale && p.pid == getpid(), "a pid running another program is stale");

    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    write_pid(NAME, dead);
    supervise_find(db, NAME, &p);
    ok(!p.running && p.stale, "a dead pid is stale");

    pid_t zombie = fork_child(false);
    kill(zombie, SIGKILL);
    for (int i = 0; i < 200 && supervise_pid_alive(zombie); i++)
        supervise_sleep_ms(10);
    write_pid(NAME, zombie);
    supervise_find(db, NAME, &p);
    ok(!p.running && p.stale, "a zombie (not reaped yet) is not running");
    reap(zombie, NULL);
}

static void test_db_check(const char *self)
{
    pid_t ours = exec_child(self, db), theirs = exec_child(self, other_db);
    ok(supervise_pid_is(ours, NAME, db), "a process started with --db THIS is ours");
    ok(!supervise_pid_is(theirs, NAME, db), "a process of another registry is not");
    ok(supervise_pid_is(theirs, NAME, other_db), "... it is the other registry's");

    /* Another instance's daemon in our pid file: stop must not touch it. */
    write_pid(NAME, theirs);
    enum supervise_stopped how;
    pid_t pid;
    NTSTATUS status = supervise_stop(db, NAME, 1000, &how, &pid, NULL);
    ok(NT_SUCCESS(status) && how == SUPERVISE_STALE && pid == theirs,
       "stop calls the other instance's pid stale");
    ok(supervise_pid_alive(theirs), "... and does not signal it");
    ok(!pid_file_exists(NAME), "... and removes the stale pid file");

    write_pid(NAME, ours);
    status = supervise_stop(db, NAME, 5000, &how, &pid, NULL);
    ok(NT_SUCCESS(status) && how == SUPERVISE_TERMINATED && pid == ours,
       "stop terminates our own daemon");
    int wstatus = 0;
    ok(reap(ours, &wstatus) == ours && WIFSIGNALED(wstatus) &&
           WTERMSIG(wstatus) == SIGTERM,
       "... with SIGTERM");
    ok(!pid_file_exists(NAME), "... and removes its pid file");
}

static void test_stop(void)
{
    enum supervise_stopped how;
    pid_t pid;
    char *error = NULL;
    NTSTATUS status = supervise_stop(db, NAME, 1000, &how, &pid, &error);
    ok(NT_SUCCESS(status) && how == SUPERVISE_NOT_RUNNING && pid == 0 && !error,
       "stop with no pid file: not running");

    pid_t stubborn = fork_child(true);
    write_pid(NAME, stubborn);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    status = supervise_stop(db, NAME, 300, &how, &pid, &error);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    ok(NT_SUCCESS(status) && how == SUPERVISE_KILLED && pid == stubborn,
       "a daemon that ignores SIGTERM is killed");
    ok(ms >= 250 && ms < 5000, "... after the SIGTERM timeout (%ld ms)", ms);
    int wstatus = 0;
    ok(reap(stubborn, &wstatus) == stubborn && WIFSIGNALED(wstatus) &&
           WTERMSIG(wstatus) == SIGKILL,
       "... by SIGKILL");
    free(error);
}

static void test_log_tail(void)
{
    char *path = sw_run_path(db, "demo.log");
    FILE *f = fopen(path, "w");
    fputs("old line\n", f);
    fclose(f);
    int64_t offset = supervise_log_size(db, "demo");
    is_int(offset, 9, "log size");
    f = fopen(path, "a");
    for (int i = 1; i <= 30; i++)
        fprintf(f, "line %d%s\n", i, i == 30 ? " \033[31mred" : "");
    fclose(f);
    char *tail = supervise_log_tail(db, "demo", offset, 3);
    is_str(tail, "  demo.log: line 28\n  demo.log: line 29\n  demo.log: line 30 ?[31mred",
           "the last three lines, prefixed, control characters replaced");
    free(tail);
    tail = supervise_log_tail(db, "demo", offset + 9 * 7, 50);
    ok(tail && strncmp(tail, "  demo.log: line 10\n", 20) == 0 && !strstr(tail, "old line"),
       "only lines after the offset");
    free(tail);
    tail = supervise_log_tail(db, "missing", 0, 5);
    is_str(tail, "", "no log: empty tail");
    free(tail);
    free(path);
}

static void test_port(void)
{
    is_str(supervise_connect_address("0.0.0.0"), "127.0.0.1", "0.0.0.0 is reached on loopback");
    is_str(supervise_connect_address("::"), "::1", ":: is reached on ::1");
    is_str(supervise_connect_address("10.1.2.3"), "10.1.2.3", "an address as is");

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    bool bound = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
                 getsockname(fd, (struct sockaddr *)&sa, &len) == 0;
    uint16_t port = ntohs(sa.sin_port);
    ok(bound && !supervise_port_accepts("127.0.0.1", port, 500), "bound, not listening: refused");
    ok(listen(fd, 4) == 0 && supervise_port_accepts("127.0.0.1", port, 500),
       "listening: accepts");
    ok(supervise_port_accepts("0.0.0.0", port, 500), "... also through the 0.0.0.0 wildcard");
    ok(supervise_wait_port("127.0.0.1", port, getpid(), 1000), "wait_port sees it at once");
    close(fd);
    ok(!supervise_port_accepts("127.0.0.1", port, 500), "closed: refused");
    ok(!supervise_port_accepts("not-an-address", port, 500), "a name is not an address");
    ok(!supervise_wait_port("127.0.0.1", port, 999999999, 5000),
       "wait_port gives up at once when the server is gone");
}

static void test_lock(void)
{
    int first = -1, second = -1;
    char *error = NULL;
    ok(NT_SUCCESS(supervise_lock(db, 1000, &first, &error)) && first >= 0, "lock taken");
    NTSTATUS status = supervise_lock(db, 150, &second, &error);
    ok(status == STATUS_IO_TIMEOUT && second == -1 && error, "a second taker times out");
    free(error);
    supervise_unlock(first);
    ok(NT_SUCCESS(supervise_lock(db, 1000, &second, NULL)), "free again once released");
    supervise_unlock(second);
}

static void test_program_path(void)
{
    char *path = supervise_program_path(NAME);
    ok(path && strstr(path, "/t/" NAME) && access(path, X_OK) == 0,
       "programs are found beside the running one (%s)", path ? path : "NULL");
    free(path);
    ok(supervise_program_exists(NAME), NAME " exists");
    ok(!supervise_program_exists("no-such-daemon"), "no-such-daemon does not");
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[3], "--child") == 0)
        return child_main();
    if (!mkdtemp(scratch)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db, sizeof db, "%s/registry.db", scratch);
    snprintf(other_db, sizeof other_db, "%s/other.db", scratch);
    sw_run_dir_create(db);
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';

    test_parse_pid();
    test_find();
    test_db_check(self);
    test_stop();
    test_log_tail();
    test_port();
    test_lock();
    test_program_path();

    for (size_t i = 0; i < child_count; i++) {
        if (children[i] > 0) {
            kill(children[i], SIGKILL);
            waitpid(children[i], NULL, 0);
        }
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0)
        diag("could not remove %s", scratch);
    return done_testing();
}
