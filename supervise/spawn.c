/* Starting a daemon and waiting for its word that it is ready; its log. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/paths.h"
#include "supervise/internal.h"
#include "supervise/supervise.h"

static char *log_path(const char *db_path, const char *name)
{
    char file[32];
    snprintf(file, sizeof file, "%s.log", name);
    return sw_run_path(db_path, file);
}

int64_t supervise_log_size(const char *db_path, const char *name)
{
    char *path = log_path(db_path, name);
    struct stat st;
    int64_t size = path && stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
    free(path);
    return size;
}

char *supervise_log_tail(const char *db_path, const char *name, int64_t offset,
                         unsigned max_lines)
{
    /* Enough for the lines that explain a failed start; a runaway log is cut. */
    enum { TAIL_BYTES = 8192 };
    char *path = log_path(db_path, name), *data = NULL, *tail = NULL;
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    size_t len = 0, size = 0;
    FILE *out = NULL;
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > offset) {
        int64_t start = st.st_size - offset > TAIL_BYTES ? st.st_size - TAIL_BYTES : offset;
        if ((data = malloc(TAIL_BYTES + 1))) {
            ssize_t n = pread(fd, data, TAIL_BYTES, (off_t)start);
            len = n > 0 ? (size_t)n : 0;
        }
    }
    if (fd >= 0)
        close(fd);
    if (!(out = open_memstream(&tail, &size)))
        goto out;
    /* Find where the last max_lines lines begin (a final newline ends the last
     * line, it does not start another). */
    size_t begin = len, lines = 0;
    if (begin && data[begin - 1] == '\n')
        begin--;
    while (begin > 0 && lines < max_lines) {
        if (data[begin - 1] == '\n' && ++lines == max_lines)
            break;
        begin--;
    }
    for (bool first = true; begin < len; first = false) {
        size_t end = begin;
        while (end < len && data[end] != '\n')
            end++;
        fprintf(out, "%s  %s.log: ", first ? "" : "\n", name);
        /* The log is ours, but shown on a terminal: no control characters. */
        for (size_t i = begin; i < end; i++)
            fputc((unsigned char)data[i] < 0x20 && data[i] != '\t' ? '?' : data[i], out);
        begin = end + 1;
    }
out:
    if (out)
        fclose(out);
    free(data);
    free(path);
    return tail;
}

/* In the child: a clean slate for the daemon (default signals, nothing
 * blocked, no descriptor of ours but the three standard ones), then exec.
 * Only async-signal-safe calls: the parent may have threads. */
static void exec_daemon(const char *program, char *const *argv, int null_fd, int log_fd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    static const int reset[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT };
    for (size_t i = 0; i < sizeof reset / sizeof *reset; i++)
        signal(reset[i], SIG_DFL);
    /* Its own session: a Ctrl-C meant for lwadmin --foreground is not the
     * daemon's (lwadmin stops it in order instead). */
    setsid();
    /* Every path it gets is absolute; it must not hold lwadmin's directory. */
    if (chdir("/") != 0)
        _exit(127);
    if (dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
        dup2(log_fd, STDERR_FILENO) < 0)
        _exit(127);
    supervise_close_from(3);
    execv(program, argv);
    static const char failed[] = "lwadmin: cannot execute the daemon\n";
    ssize_t n = write(STDERR_FILENO, failed, sizeof failed - 1);
    (void)n;
    _exit(127);
}

/* Waits up to timeout_ms for our child to exit; its wait status, or -1 if it
 * is still running at the deadline. */
static int wait_child(pid_t child, unsigned timeout_ms)
{
    int64_t deadline = supervise_now_ms() + timeout_ms;
    unsigned pause = 2;
    for (;;) {
        int wstatus;
        pid_t got = waitpid(child, &wstatus, WNOHANG);
        if (got == child)
            return wstatus;
        if (got < 0 && errno != EINTR)
            return -1;
        if (supervise_now_ms() >= deadline)
            return -1;
        supervise_sleep_ms(pause);
        if (pause < 50)
            pause *= 2;
    }
}

NTSTATUS supervise_start(const char *db_path, const char *name, unsigned timeout_ms,
                         struct supervise_process *out, char **error_message)
{
    NTSTATUS status = STATUS_SUCCESS;
    char *program = supervise_program_path(name), *logp = log_path(db_path, name);
    char *reason = NULL;
    int null_fd = -1, log_fd = -1;
    int64_t offset = supervise_log_size(db_path, name);
    memset(out, 0, sizeof *out);
    if (error_message)
        *error_message = NULL;

    char *const argv[] = { program, (char *)"--db", (char *)db_path, NULL };
    if (!program || !logp) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    if (access(program, X_OK) != 0) {
        status = STATUS_OBJECT_NAME_NOT_FOUND;
        supervise_message(&reason, "%s is not installed (no %s)", name, program);
        goto out;
    }
    if (sw_run_dir_create(db_path) != 0 ||
        (null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
        (log_fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
        status = nt_status_from_errno(errno);
        supervise_message(&reason, "cannot open %s: %s", logp, strerror(errno));
        goto out;
    }
    pid_t child = fork();
    if (child < 0) {
        status = nt_status_from_errno(errno);
        supervise_message(&reason, "cannot start %s: %s", name, strerror(errno));
        goto out;
    }
    if (child == 0)
        exec_daemon(program, argv, null_fd, log_fd);

    int wstatus = wait_child(child, timeout_ms);
    if (wstatus == -1) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        status = STATUS_IO_TIMEOUT;
        supervise_message(&reason, "%s did not report ready within %u s", name,
                          (timeout_ms + 999) / 1000);
    } else if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        status = STATUS_UNSUCCESSFUL;
        if (WIFEXITED(wstatus))
            supervise_message(&reason, "%s could not start (exit status %d)", name,
                              WEXITSTATUS(wstatus));
        else
            supervise_message(&reason, "%s could not start (killed by signal %d)", name,
                              WTERMSIG(wstatus));
    } else if (!NT_SUCCESS(status = supervise_find(db_path, name, out)) || !out->running) {
        if (NT_SUCCESS(status))
            status = STATUS_UNSUCCESSFUL;
        supervise_message(&reason, "%s said it was ready but no running %s has its pid file",
                          name, name);
    }
    if (!NT_SUCCESS(status) && status != STATUS_NO_MEMORY) {
        /* A detached daemon may be half up (its parent timed out): stop it. */
        enum supervise_stopped how;
        pid_t pid;
        supervise_stop(db_path, name, 2000, &how, &pid, NULL);
        memset(out, 0, sizeof *out);
    }
out:
    if (!NT_SUCCESS(status) && error_message) {
        char *tail = supervise_log_tail(db_path, name, offset, 20);
        if (!reason)
            supervise_message(&reason, "cannot start %s: %s", name, nt_status_name(status));
        if (reason)
            supervise_message(error_message, "%s%s%s", reason, tail && *tail ? "\n" : "",
                              tail ? tail : "");
        free(tail);
    }
    if (null_fd >= 0)
        close(null_fd);
    if (log_fd >= 0)
        close(log_fd);
    free(reason);
    free(logp);
    free(program);
    return status;
}
