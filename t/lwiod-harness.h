/* Starting and stopping a real lwiod (and helpers) from C tests. Header-only:
 * t/lwiod-*.c include it. Every process started here is stopped by PID. */
#ifndef SW_T_LWIOD_HARNESS_H
#define SW_T_LWIOD_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lwiod/client/lwio.h"

struct lwiod_instance {
    pid_t pid;
    char dir[64];
    char db[128];
    char run[128];
    char sock[160];
    char pidfile[160];
};

static inline const char *harness_build(void)
{
    const char *b = getenv("SW_BUILD");
    return b ? b : "build";
}

static inline void harness_sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* Spawns argv with stdout to out_fd (or inherited if -1) and stderr to a
 * file; returns the pid. */
static inline pid_t harness_spawn(char *const argv[], int out_fd, const char *stderr_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (out_fd >= 0)
            dup2(out_fd, STDOUT_FILENO);
        if (stderr_path) {
            int fd = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
            if (fd >= 0)
                dup2(fd, STDERR_FILENO);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to timeout_ms for pid; its wait status, or -1 on timeout. */
static inline int harness_wait(pid_t pid, long timeout_ms)
{
    for (long waited = 0; waited <= timeout_ms; waited += 10) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0)
            return -1;
        harness_sleep_ms(10);
    }
    return -1;
}

static inline void harness_kill(pid_t pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* A scratch directory and a foreground lwiod serving npfs in it. extra may
 * add one argument. Returns 0 once a client can connect. */
static inline int lwiod_start(struct lwiod_instance *d, const char *extra)
{
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "/tmp/sw-lwiod.XXXXXX");
    if (!mkdtemp(d->dir))
        return -1;
    snprintf(d->db, sizeof d->db, "%s/registry.db", d->dir);
    snprintf(d->run, sizeof d->run, "%s/registry.run", d->dir);
    snprintf(d->sock, sizeof d->sock, "%s/lwiod.sock", d->run);
    snprintf(d->pidfile, sizeof d->pidfile, "%s/lwiod.pid", d->run);
    char bin[512], log[128];
    snprintf(bin, sizeof bin, "%s/bin/lwiod", harness_build());
    snprintf(log, sizeof log, "%s/lwiod.stderr", d->dir);
    char *argv[] = { bin, "--db", d->db, "--foreground", "--drivers", "npfs",
                     "--required-drivers", "npfs", (char *)extra, NULL };
    d->pid = harness_spawn(argv, -1, log);
    for (int i = 0; i < 500; i++) {
        struct lwio_context *c;
        if (LwIoConnectSocket(d->sock, &c) == STATUS_SUCCESS) {
            LwIoDisconnect(c);
            return 0;
        }
        if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
            d->pid = 0;
            return -1;
        }
        harness_sleep_ms(10);
    }
    return -1;
}

/* SIGTERM, then the exit status (-1: had to be killed). */
static inline int lwiod_stop(struct lwiod_instance *d)
{
    if (d->pid <= 0)
        return -1;
    kill(d->pid, SIGTERM);
    int status = harness_wait(d->pid, 20000);
    if (status == -1)
        harness_kill(d->pid);
    d->pid = 0;
    return status;
}

/* Shows lwiod's stderr as TAP diagnostics (for a failing test). */
static inline void lwiod_show_log(const struct lwiod_instance *d)
{
    char path[128], line[512];
    snprintf(path, sizeof path, "%s/lwiod.stderr", d->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f))
        printf("# lwiod: %s", line);
    fclose(f);
}

static inline void lwiod_cleanup(struct lwiod_instance *d)
{
    if (d->pid > 0)
        harness_kill(d->pid);
    if (d->dir[0] && strncmp(d->dir, "/tmp/sw-lwiod.", 14) == 0) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cleanup of %s failed\n", d->dir);
    }
}

/* An asynchronous call a test can wait for. */
struct harness_async {
    struct lwio_async async;
    struct io_status_block status;
    volatile int done;
};

static inline void harness_async_done(void *context)
{
    struct harness_async *h = context;
    __atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
}

static inline struct lwio_async *harness_async(struct harness_async *h)
{
    memset(h, 0, sizeof *h);
    h->async.callback = harness_async_done;
    h->async.context = h;
    return &h->async;
}

/* 1 once the callback ran (waits up to timeout_ms). */
static inline int harness_async_wait(struct harness_async *h, long timeout_ms)
{
    for (long waited = 0; waited <= timeout_ms; waited += 2) {
        if (__atomic_load_n(&h->done, __ATOMIC_ACQUIRE))
            return 1;
        harness_sleep_ms(2);
    }
    return 0;
}

#endif
