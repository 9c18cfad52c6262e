/* Small helpers: clock, sleeping, messages, program paths and the lock. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/paths.h"
#include "supervise/internal.h"
#include "supervise/supervise.h"

const char *const supervise_daemon_names[SUPERVISE_DAEMON_COUNT] = {
    [SUPERVISE_LSASSD] = "lsassd",
    [SUPERVISE_LWIOD] = "lwiod",
    [SUPERVISE_SRVSVCD] = "srvsvcd",
};

int64_t supervise_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void supervise_sleep_ms(unsigned ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

void supervise_message(char **message, const char *fmt, ...)
{
    if (!message)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(message, fmt, ap) < 0)
        *message = NULL;
    va_end(ap);
}

char *supervise_program_path(const char *name)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    char *path;
    if (asprintf(&path, "%s/%s", exe, name) < 0)
        return NULL;
    return path;
}

bool supervise_program_exists(const char *name)
{
    char *path = supervise_program_path(name);
    bool exists = path && access(path, X_OK) == 0;
    free(path);
    return exists;
}

NTSTATUS supervise_lock(const char *db_path, unsigned timeout_ms, int *fd,
                        char **error_message)
{
    NTSTATUS status = STATUS_SUCCESS;
    char *path = NULL;
    *fd = -1;
    if (error_message)
        *error_message = NULL;
    if (sw_run_dir_create(db_path) != 0) {
        status = nt_status_from_errno(errno);
        char *dir = sw_run_dir(db_path);
        supervise_message(error_message, "cannot create the run directory %s: %s",
                          dir ? dir : db_path, strerror(errno));
        free(dir);
        goto out;
    }
    if (!(path = sw_run_path(db_path, "supervise.lock"))) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*fd < 0) {
        status = nt_status_from_errno(errno);
        supervise_message(error_message, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    int64_t deadline = supervise_now_ms() + timeout_ms;
    while (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || supervise_now_ms() >= deadline) {
            status = errno == EWOULDBLOCK ? STATUS_IO_TIMEOUT : nt_status_from_errno(errno);
            supervise_message(error_message,
                              "another lwadmin is starting or stopping this instance (%s)",
                              path);
            close(*fd);
            *fd = -1;
            goto out;
        }
        supervise_sleep_ms(50);
    }
out:
    free(path);
    return status;
}

void supervise_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing drops the flock */
}

void supervise_close_from(int first)
{
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0U) == 0)
        return;
#endif
    for (int fd = first; fd < 65536; fd++)
        close(fd);
}
