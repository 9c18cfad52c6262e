/* Finding a daemon through its pid file and /proc, signalling and stopping it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/paths.h"
#include "supervise/internal.h"
#include "supervise/supervise.h"

/* Reads at most cap - 1 bytes of a (small, /proc or pid) file and ends them
 * with a NUL so that text parsing cannot run off the end; *len excludes it.
 * false if the file cannot be opened or read. */
bool supervise_read_file(const char *path, char *data, size_t cap, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t used = 0;
    bool ok = true;
    while (used + 1 < cap) {
        ssize_t n = read(fd, data + used, cap - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ok = false;
            break;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    data[used] = '\0';
    *len = used;
    return ok;
}

/* A pid file holds a decimal pid and a newline, nothing else. 0 if not. */
pid_t supervise_parse_pid(const char *text, size_t len)
{
    size_t i = 0;
    long long pid = 0;
    while (i < len && text[i] >= '0' && text[i] <= '9' && pid <= INT_MAX) {
        pid = pid * 10 + (text[i] - '0');
        i++;
    }
    if (i == 0 || pid <= 1 || pid > INT_MAX)
        return 0;
    while (i < len && (text[i] == '\n' || text[i] == ' ' || text[i] == '\r'))
        i++;
    return i == len ? (pid_t)pid : 0;
}

static void proc_path(char *out, size_t size, pid_t pid, const char *what)
{
    snprintf(out, size, "/proc/%ld/%s", (long)pid, what);
}

/* The state letter and start time (clock ticks after boot) from
 * /proc/PID/stat. The command name in parentheses may hold anything,
 * spaces and parentheses included: the fields start after the last ')'. */
static bool proc_stat(pid_t pid, char *state, unsigned long long *start_ticks)
{
    char path[64], text[1024];
    size_t len;
    proc_path(path, sizeof path, pid, "stat");
    if (!supervise_read_file(path, text, sizeof text, &len))
        return false;
    char *close_paren = strrchr(text, ')');
    if (!close_paren || close_paren[1] != ' ' || !close_paren[2])
        return false;
    *state = close_paren[2];
    /* Fields 4..21 to skip, then field 22 is starttime. */
    char *p = close_paren + 3;
    for (int field = 4; field <= 22; field++) {
        while (*p == ' ')
            p++;
        if (!*p)
            return false;
        char *end;
        errno = 0;
        unsigned long long value = strtoull(p, &end, 10);
        if (end == p || errno)
            return false;
        if (field == 22)
            *start_ticks = value;
        p = end;
    }
    return true;
}

bool supervise_pid_alive(pid_t pid)
{
    char state;
    unsigned long long ticks;
    if (pid <= 1 || !proc_stat(pid, &state, &ticks))
        return false;
    /* A zombie has exited: only its exit status is left for its parent. */
    return state != 'Z' && state != 'X' && state != 'x';
}

/* Unix seconds when pid started; 0 if unknown. */
static int64_t start_time(pid_t pid)
{
    char state;
    unsigned long long ticks;
    long hz = sysconf(_SC_CLK_TCK);
    if (hz <= 0 || !proc_stat(pid, &state, &ticks))
        return 0;
    /* /proc/stat: a line per CPU and per counter, then btime. */
    size_t cap = 256 * 1024, len;
    char *text = malloc(cap);
    unsigned long long boot = 0;
    if (text && supervise_read_file("/proc/stat", text, cap, &len)) {
        const char *line = strstr(text, "\nbtime ");
        if (line)
            boot = strtoull(line + 7, NULL, 10);
    }
    free(text);
    return boot ? (int64_t)(boot + ticks / (unsigned long long)hz) : 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Does exe (a readlink of /proc/PID/exe) name program NAME? A program
 * rebuilt or reinstalled while it runs shows as "PATH (deleted)". */
static bool exe_is(const char *exe, const char *name)
{
    const char *base = base_name(exe);
    size_t len = strlen(name);
    if (strncmp(base, name, len) != 0)
        return false;
    return base[len] == '\0' || strcmp(base + len, " (deleted)") == 0;
}

/* Checks the command line: argv[0] names NAME, and a --db argument, if any,
 * is db_path. The arguments are NUL-terminated strings back to back. */
static bool cmdline_is(const char *args, size_t len, const char *name, const char *db_path)
{
    if (len == 0 || args[len - 1] != '\0')
        return false;
    if (strcmp(base_name(args), name) != 0)
        return false;
    const char *end = args + len;
    const char *arg = args + strlen(args) + 1;
    while (arg < end) {
        const char *next = arg + strlen(arg) + 1;
        if (strcmp(arg, "--") == 0)
            break;
        if (strcmp(arg, "--db") == 0)
            return next < end && strcmp(next, db_path) == 0;
        if (strncmp(arg, "--db=", 5) == 0)
            return strcmp(arg + 5, db_path) == 0;
        arg = next;
    }
    return true;
}

bool supervise_pid_is(pid_t pid, const char *name, const char *db_path)
{
    if (!supervise_pid_alive(pid))
        return false;
    char path[64], exe[PATH_MAX];
    proc_path(path, sizeof path, pid, "exe");
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (!exe_is(exe, name))
            return false;
    } else if (errno != EACCES && errno != EPERM) {
        return false; /* gone, or a kernel thread */
    }
    /* Another user's process hides its exe; its command line is public. */
    size_t cap = 128 * 1024, len;
    char *args = malloc(cap);
    proc_path(path, sizeof path, pid, "cmdline");
    bool is = args && supervise_read_file(path, args, cap, &len) &&
              cmdline_is(args, len, name, db_path);
    free(args);
    return is;
}

NTSTATUS supervise_find(const char *db_path, const char *name, struct supervise_process *out)
{
    memset(out, 0, sizeof *out);
    char file[32];
    snprintf(file, sizeof file, "%s.pid", name);
    char *pid_path = sw_run_path(db_path, file);
    if (!pid_path)
        return STATUS_NO_MEMORY;
    char text[64];
    size_t len;
    if (supervise_read_file(pid_path, text, sizeof text, &len)) {
        out->pid = supervise_parse_pid(text, len);
        out->running = out->pid && supervise_pid_is(out->pid, name, db_path);
        out->stale = !out->running;
        if (out->running)
            out->started = start_time(out->pid);
    }
    free(pid_path);
    return STATUS_SUCCESS;
}

/* ---- signalling ---------------------------------------------------------- */

/* A pidfd pins the process: once it is open, a signal through it reaches that
 * process or fails, never a newcomer that reused the pid. -1 where the kernel
 * (or a seccomp filter) has no pidfd_open. */
static int pidfd_open_pid(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

static int send_signal(pid_t pid, int pidfd, int sig)
{
#ifdef SYS_pidfd_send_signal
    if (pidfd >= 0)
        return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#endif
    return kill(pid, sig);
}

/* Opens the pidfd, then checks the process again: if the pid changed hands
 * before the pidfd was opened, the check sees the newcomer and refuses. */
static NTSTATUS pin_daemon(pid_t pid, const char *name, const char *db_path, int *pidfd)
{
    *pidfd = pidfd_open_pid(pid);
    if (!supervise_pid_is(pid, name, db_path)) {
        if (*pidfd >= 0)
            close(*pidfd);
        *pidfd = -1;
        return STATUS_NOT_FOUND;
    }
    return STATUS_SUCCESS;
}

/* Waits up to timeout_ms for the daemon to be gone. */
static bool wait_gone(pid_t pid, int pidfd, const char *name, const char *db_path,
                      unsigned timeout_ms)
{
    int64_t deadline = supervise_now_ms() + timeout_ms;
    for (;;) {
        if (!supervise_pid_is(pid, name, db_path))
            return true;
        int64_t left = deadline - supervise_now_ms();
        if (left <= 0)
            return false;
        if (pidfd >= 0) {
            /* Readable once the process has exited. */
            struct pollfd p = { .fd = pidfd, .events = POLLIN };
            if (poll(&p, 1, (int)(left > 100 ? 100 : left)) > 0)
                return true;
        } else {
            supervise_sleep_ms(left > 20 ? 20 : (unsigned)left);
        }
    }
}

NTSTATUS supervise_signal(const char *db_path, const char *name, int sig)
{
    struct supervise_process process;
    NTSTATUS status = supervise_find(db_path, name, &process);
    if (!NT_SUCCESS(status))
        return status;
    if (!process.running)
        return STATUS_NOT_FOUND;
    int pidfd;
    status = pin_daemon(process.pid, name, db_path, &pidfd);
    if (NT_SUCCESS(status) && send_signal(process.pid, pidfd, sig) != 0)
        status = errno == ESRCH ? STATUS_NOT_FOUND : nt_status_from_errno(errno);
    if (pidfd >= 0)
        close(pidfd);
    return status;
}

/* Removes NAME.pid if it still holds pid (a daemon started meanwhile by hand
 * keeps its file). */
static void remove_pid_file(const char *db_path, const char *name, pid_t pid)
{
    char file[32], text[64];
    size_t len;
    snprintf(file, sizeof file, "%s.pid", name);
    char *pid_path = sw_run_path(db_path, file);
    if (pid_path && supervise_read_file(pid_path, text, sizeof text, &len) &&
        supervise_parse_pid(text, len) == pid)
        unlink(pid_path);
    free(pid_path);
}

NTSTATUS supervise_stop(const char *db_path, const char *name, unsigned timeout_ms,
                        enum supervise_stopped *how, pid_t *pid, char **error_message)
{
    struct supervise_process process;
    int pidfd = -1;
    *how = SUPERVISE_NOT_RUNNING;
    *pid = 0;
    if (error_message)
        *error_message = NULL;
    NTSTATUS status = supervise_find(db_path, name, &process);
    if (!NT_SUCCESS(status))
        return status;
    *pid = process.pid;
    if (process.running)
        status = pin_daemon(process.pid, name, db_path, &pidfd);
    if (!process.running || !NT_SUCCESS(status)) {
        if (process.stale || process.running) {
            /* Never signalled: the pid is dead or belongs to someone else. */
            remove_pid_file(db_path, name, process.pid);
            *how = SUPERVISE_STALE;
        }
        return STATUS_SUCCESS;
    }
    if (send_signal(process.pid, pidfd, SIGTERM) != 0 && errno != ESRCH) {
        status = nt_status_from_errno(errno);
        supervise_message(error_message, "cannot signal %s (pid %ld): %s", name,
                          (long)process.pid, strerror(errno));
        goto out;
    }
    *how = SUPERVISE_TERMINATED;
    if (!wait_gone(process.pid, pidfd, name, db_path, timeout_ms)) {
        send_signal(process.pid, pidfd, SIGKILL);
        *how = SUPERVISE_KILLED;
        if (!wait_gone(process.pid, pidfd, name, db_path, 5000)) {
            status = STATUS_IO_TIMEOUT;
            supervise_message(error_message, "%s (pid %ld) is still running after SIGKILL",
                              name, (long)process.pid);
            goto out;
        }
    }
    remove_pid_file(db_path, name, process.pid);
out:
    if (pidfd >= 0)
        close(pidfd);
    return status;
}
