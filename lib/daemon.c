#include "lib/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

bool daemon_already_running(const char *pid_path)
{
    FILE *f = fopen(pid_path, "r");
    if (!f)
        return false;
    long pid = 0;
    bool live = fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != (long)getpid() &&
                (kill((pid_t)pid, 0) == 0 || errno == EPERM);
    fclose(f);
    return live;
}

int daemon_write_pid_file(const char *pid_path)
{
    size_t len = strlen(pid_path) + 5;
    char *tmp = malloc(len);
    if (!tmp)
        return -1;
    snprintf(tmp, len, "%s.tmp", pid_path);
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        fprintf(f, "%ld\n", (long)getpid());
        rc = fclose(f) == 0 && rename(tmp, pid_path) == 0 ? 0 : -1;
        if (rc != 0) {
            int saved = errno;
            unlink(tmp);
            errno = saved;
        }
    }
    free(tmp);
    return rc;
}

int daemon_detach(const char *log_path, struct daemon_detach *detach)
{
    detach->ready_fd = detach->log_fd = -1;
    detach->told = false; /* the caller's struct may be uninitialised */
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid > 0) {
        close(fds[1]);
        char verdict = 1;
        ssize_t n;
        do
            n = read(fds[0], &verdict, 1);
        while (n < 0 && errno == EINTR);
        _exit(n == 1 && verdict == 0 ? 0 : 1);
    }
    close(fds[0]);
    /* A detached daemon is nobody's main process: if whoever started it
     * runs under systemd, its readiness is not this daemon's to report. */
    unsetenv("NOTIFY_SOCKET");
    setsid();
    if (chdir("/") != 0) {
        /* "/" always exists; carry on from wherever we are. */
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    detach->ready_fd = fds[1];
    detach->log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    return 0;
}

void daemon_ready(struct daemon_detach *detach, bool ok)
{
    if (!detach->told) {
        /* sd_notify does nothing when systemd did not start us. */
        if (ok)
            sd_notifyf(0, "READY=1\nSTATUS=serving\nMAINPID=%ld", (long)getpid());
        else
            sd_notify(0, "STATUS=could not start (the reason is in the log)");
        detach->told = true;
    }
    if (ok && detach->log_fd >= 0)
        dup2(detach->log_fd, STDERR_FILENO);
    if (detach->log_fd >= 0) {
        close(detach->log_fd);
        detach->log_fd = -1;
    }
    if (detach->ready_fd >= 0) {
        char verdict = ok ? 0 : 1;
        ssize_t n = write(detach->ready_fd, &verdict, 1);
        (void)n; /* the parent may be gone; nothing to do then */
        close(detach->ready_fd);
        detach->ready_fd = -1;
    }
}

void daemon_stopping(void)
{
    sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}
