/* Process plumbing shared by the daemons (lwiod, lsassd, srvsvcd): pid files
 * and detaching with a readiness handshake, so that the process that started a
 * daemon learns whether it came up: its parent (lwadmin start) through a pipe,
 * or systemd (Type=notify units, --foreground) through sd_notify. */
#ifndef SW_DAEMON_H
#define SW_DAEMON_H

#include <stdbool.h>

/* True if pid_path names another process that is alive (this process's own
 * pid does not count). */
bool daemon_already_running(const char *pid_path);

/* Writes this process's pid, atomically (a temporary file and a rename), so a
 * reader never sees a half-written file. 0, or -1 with errno. */
int daemon_write_pid_file(const char *pid_path);

struct daemon_detach {
    int ready_fd; /* the child's end of the handshake; -1 when not detached */
    int log_fd;   /* the log, put on stderr by daemon_ready(); -1 if none */
    bool told;    /* the verdict was given (zero-initialised: not yet) */
};

/* Forks. The parent waits for the child's verdict and exits with status 0 (it
 * serves) or 1 (it failed, or died first); it never returns. The child gets a
 * new session, "/" as its directory and /dev/null as stdin and stdout; stderr
 * stays where it was until daemon_ready(), so a startup failure is seen by
 * whoever started the daemon, and goes to log_path after that. Returns 0 in
 * the child, -1 if it cannot fork. A foreground daemon skips this and calls
 * daemon_ready() on a zeroed struct with ready_fd = log_fd = -1. */
int daemon_detach(const char *log_path, struct daemon_detach *detach);

/* Tells the parent the verdict (once) and, when ok, moves stderr to the log.
 * Under systemd ($NOTIFY_SOCKET, kept only by a daemon that did not detach)
 * an ok verdict is also READY=1 with this process as MAINPID, so call it
 * only once the daemon really serves; a failure before that sends STATUS=
 * with the reason systemd shows. */
void daemon_ready(struct daemon_detach *detach, bool ok);

/* Tells systemd (if it started us) that the daemon is shutting down. */
void daemon_stopping(void);

#endif
