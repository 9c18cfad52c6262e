/* lib/daemon: pid files, and the detach handshake that tells the starting
 * process whether the daemon came up (exit 0) or not (exit 1). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/daemon.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-daemon-XXXXXX";

/* Forks a child that detaches and reports ok; returns the child's exit
 * status as the starting process sees it. */
static int detach_and_report(const char *log, bool ok)
{
    pid_t child = fork();
    if (child == 0) {
        struct daemon_detach d;
        if (daemon_detach(log, &d) != 0)
            _exit(3);
        /* Now the grandchild: the daemon itself. */
        daemon_ready(&d, ok);
        /* After a failed start stderr is still the test's own: say nothing. */
        if (ok)
            fprintf(stderr, "after ready ok\n");
        _exit(0);
    }
    int status = -1;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool log_has(const char *log, const char *text)
{
    for (int i = 0; i < 200; i++) { /* up to 2 s for the daemon to write */
        char buf[512] = "";
        FILE *f = fopen(log, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = '\0';
            fclose(f);
            if (strstr(buf, text))
                return true;
        }
        struct timespec ts = { 0, 10 * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
    return false;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char pid_path[128], log[128];
    snprintf(pid_path, sizeof pid_path, "%s/d.pid", dir);
    snprintf(log, sizeof log, "%s/d.log", dir);

    ok(!daemon_already_running(pid_path), "no pid file: not running");
    ok(daemon_write_pid_file(pid_path) == 0, "pid file written");
    ok(!daemon_already_running(pid_path), "our own pid does not count");
    pid_t sleeper = fork();
    if (sleeper == 0) {
        pause();
        _exit(0);
    }
    FILE *f = fopen(pid_path, "w");
    fprintf(f, "%ld\n", (long)sleeper);
    fclose(f);
    ok(daemon_already_running(pid_path), "a live process in the pid file is running");
    kill(sleeper, SIGKILL);
    waitpid(sleeper, NULL, 0);
    ok(!daemon_already_running(pid_path), "a dead process is not");
    f = fopen(pid_path, "w");
    fprintf(f, "garbage\n");
    fclose(f);
    ok(!daemon_already_running(pid_path), "a garbled pid file is not");

    is_int(detach_and_report(log, true), 0, "the starter exits 0 when the daemon is ready");
    ok(log_has(log, "after ready ok"), "after ready, stderr goes to the log");
    is_int(detach_and_report(log, false), 1, "the starter exits 1 when startup fails");

    char command[160];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    if (system(command) != 0)
        diag("cleanup failed");
    return done_testing();
}
