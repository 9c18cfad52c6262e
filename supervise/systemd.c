/* The daemons under systemd: lwadmin start, stop, restart and status act on
 * the installed units through systemctl when systemd runs the machine and
 * the registry is the one the units serve (docs/packaging.md). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "config.h"
#include "supervise/internal.h"
#include "supervise/supervise.h"

/* What a command may print before the rest is dropped: a journal tail or a
 * systemctl error, never more. */
#define OUTPUT_CAP (64 * 1024)

const char *supervise_systemd_unit(size_t daemon)
{
    static const char *const units[SUPERVISE_DAEMON_COUNT] = {
        [SUPERVISE_LSASSD] = "samewise-lsassd.service",
        [SUPERVISE_LWIOD] = "samewise-lwiod.service",
        [SUPERVISE_SRVSVCD] = "samewise-srvsvcd.service",
    };
    return daemon < SUPERVISE_DAEMON_COUNT ? units[daemon] : NULL;
}

/* In the child: stdin /dev/null, stdout and stderr to the pipe, nothing
 * else open; then the first of the program's usual places that exists. */
static void exec_tool(const char *const *paths, char *const *argv, int out_fd)
{
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
        dup2(out_fd, STDERR_FILENO) < 0)
        _exit(127);
    supervise_close_from(3);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; paths[i]; i++)
        execv(paths[i], argv);
    _exit(127);
}

int supervise_run_tool(const char *tool, const char *const *args, unsigned timeout_ms,
                       char **output)
{
    const char *const systemctl[] = { "/usr/bin/systemctl", "/bin/systemctl", NULL };
    const char *const journalctl[] = { "/usr/bin/journalctl", "/bin/journalctl", NULL };
    const char *const *paths = strcmp(tool, "journalctl") == 0 ? journalctl : systemctl;
    char *argv[16];
    size_t argc = 0;
    argv[argc++] = (char *)tool;
    for (size_t i = 0; args[i] && argc < sizeof argv / sizeof *argv - 1; i++)
        argv[argc++] = (char *)args[i];
    argv[argc] = NULL;

    if (output)
        *output = NULL;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (child == 0)
        exec_tool(paths, argv, fds[1]);
    close(fds[1]);

    /* Read until the tool closes its end or the deadline; keep OUTPUT_CAP. */
    char *text = malloc(OUTPUT_CAP + 1);
    size_t len = 0;
    int64_t deadline = supervise_now_ms() + timeout_ms;
    bool timed_out = false;
    for (;;) {
        int64_t left = deadline - supervise_now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd p = { .fd = fds[0], .events = POLLIN };
        int n = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            continue;
        char chunk[4096];
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t keep = text && len < OUTPUT_CAP ? (size_t)got : 0;
        if (keep > OUTPUT_CAP - len)
            keep = OUTPUT_CAP - len;
        if (keep)
            memcpy(text + len, chunk, keep);
        len += keep;
    }
    close(fds[0]);
    if (timed_out)
        kill(child, SIGKILL);
    int wstatus = 0;
    while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (text) {
        /* Trailing newlines are the caller's to add. */
        while (len > 0 && text[len - 1] == '\n')
            len--;
        text[len] = '\0';
    }
    if (output)
        *output = text;
    else
        free(text);
    if (timed_out)
        return -2;
    return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

bool supervise_systemd_manages(const char *db_path)
{
    /* The units run the daemons with the installed registry only; any other
     * registry (a test's, a second instance) is lwadmin's to run. */
    if (sd_booted() <= 0 || strcmp(db_path, SW_LOCALSTATEDIR "/registry.db") != 0)
        return false;
    const char *const args[] = { "show", "--property=LoadState", "--value",
                                 SUPERVISE_SYSTEMD_TARGET, NULL };
    char *state = NULL;
    bool loaded = supervise_run_tool("systemctl", args, 10000, &state) == 0 && state &&
                  strcmp(state, "loaded") == 0;
    free(state);
    return loaded;
}

char *supervise_systemd_state(const char *verb, const char *unit)
{
    const char *const args[] = { verb, unit, NULL };
    char *state = NULL;
    supervise_run_tool("systemctl", args, 10000, &state);
    return state;
}

char *supervise_journal_tail(size_t daemon, unsigned max_lines)
{
    char lines[16];
    snprintf(lines, sizeof lines, "%u", max_lines);
    const char *const args[] = { "--no-pager", "--quiet", "--output=cat", "--lines", lines,
                                 "--unit", supervise_systemd_unit(daemon), NULL };
    /* A daemon that failed at once wrote its reason to its stdout stream,
     * which journald may not have read yet when systemd's own "Failed to
     * start" is already in: --sync returns once everything written before
     * it is stored, so the tail holds the daemon's last words. */
    const char *const sync_args[] = { "--sync", NULL };
    supervise_run_tool("journalctl", sync_args, 5000, NULL);
    char *text = NULL;
    if (supervise_run_tool("journalctl", args, 10000, &text) != 0 || !text) {
        free(text);
        return strdup("");
    }
    /* Each line prefixed as supervise_log_tail does, control characters
     * shown as '?'. */
    char *tail = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&tail, &size);
    if (out) {
        bool start = true;
        for (const char *c = text; *c; c++) {
            if (start)
                fprintf(out, "  %s: ", supervise_daemon_names[daemon]);
            start = *c == '\n';
            fputc(start || (unsigned char)*c >= 0x20 || *c == '\t' ? *c : '?', out);
        }
        fclose(out);
    }
    free(text);
    return tail;
}
