/* supervise: starting, finding and stopping the daemons of one instance.
 *
 * An instance is one registry (lib/paths.h); its daemons (lwiod, lsassd,
 * srvsvcd) each keep NAME.pid and NAME.log in the instance's run directory,
 * so instances with different registries never see each other's processes.
 * `lwadmin start|stop|status` are built from these calls (docs/appliance.md).
 *
 * What a daemon promises (the contract lwiod keeps; lsassd and srvsvcd must
 * keep it too):
 *   - `NAME --db PATH` detaches; the process started exits 0 once the daemon
 *     is ready to serve, non-zero if its startup failed;
 *   - the detached process writes its pid to NAME.pid in the run directory
 *     before it says it is ready and removes the file when it exits;
 *   - SIGTERM (or SIGINT) shuts it down cleanly; SIGHUP re-reads settings.
 *
 * A pid file is never trusted alone: a pid counts as the daemon only when
 * /proc says the process runs that program (exe and argv[0] both named NAME)
 * and, if its command line names a registry with --db, that registry. A pid
 * that fails the check is "stale" and is never signalled. Signals go through
 * a pidfd where the kernel has them, so a pid reused between the check and
 * the signal is not hit either. */
#ifndef SW_SUPERVISE_H
#define SW_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/ntstatus.h"

/* The daemons of an instance in start order; stop goes in reverse. lsassd
 * comes first because srv, inside lwiod, asks it to authenticate every
 * session (and looks for it as it starts); srvsvcd last because it serves its
 * RPC pipes through lwiod's npfs driver. All are needed. */
enum { SUPERVISE_LSASSD, SUPERVISE_LWIOD, SUPERVISE_SRVSVCD, SUPERVISE_DAEMON_COUNT };
extern const char *const supervise_daemon_names[SUPERVISE_DAEMON_COUNT];

/* A daemon as its pid file shows it. */
struct supervise_process {
    pid_t pid;       /* the pid the file names; 0 if no (readable) pid file */
    bool running;    /* pid is alive and is that daemon of that registry */
    bool stale;      /* a pid file exists but does not name a running daemon */
    int64_t started; /* Unix seconds the process started (running only; 0 if unknown) */
};

/* The file NAME in the directory of the running program (/proc/self/exe), so
 * that lwadmin finds its daemons in a build tree and after install alike.
 * Newly allocated; NULL if that directory cannot be known or memory fails. */
char *supervise_program_path(const char *name);

/* Is the program NAME beside the running one, and executable? */
bool supervise_program_exists(const char *name);

/* Reads NAME.pid of the instance and checks the pid it names (see above).
 * STATUS_SUCCESS whatever it finds; STATUS_NO_MEMORY otherwise. */
NTSTATUS supervise_find(const char *db_path, const char *name, struct supervise_process *out);

/* Is pid alive (not a zombie) and running program NAME for registry
 * db_path (an absolute path)? */
bool supervise_pid_is(pid_t pid, const char *name, const char *db_path);

/* Is pid alive (exists and is not a zombie)? */
bool supervise_pid_alive(pid_t pid);

/* Starts program NAME (from supervise_program_path) as `NAME --db DB_PATH`
 * (the daemon reads its settings from the registry) with standard output and
 * error appended to
 * NAME.log, and waits up to timeout_ms for it to say it is ready. On success
 * *out describes the running daemon. On failure nothing of it is left running
 * and *error_message (malloc'd) says why, followed by the lines the attempt
 * added to NAME.log. */
NTSTATUS supervise_start(const char *db_path, const char *name, unsigned timeout_ms,
                         struct supervise_process *out, char **error_message);

/* How supervise_stop ended. */
enum supervise_stopped {
    SUPERVISE_NOT_RUNNING, /* no pid file */
    SUPERVISE_STALE,       /* a stale pid file, removed; nothing signalled */
    SUPERVISE_TERMINATED,  /* it exited after SIGTERM */
    SUPERVISE_KILLED,      /* it ignored SIGTERM for timeout_ms and got SIGKILL */
};

/* Stops daemon NAME of the instance: SIGTERM, up to timeout_ms for it to exit,
 * then SIGKILL (and up to 5 s more); removes its pid file. *pid is the pid it
 * stopped or found stale (0 if none). STATUS_IO_TIMEOUT (with a message) if
 * even SIGKILL did not end it, STATUS_ACCESS_DENIED if it may not be
 * signalled. */
NTSTATUS supervise_stop(const char *db_path, const char *name, unsigned timeout_ms,
                        enum supervise_stopped *how, pid_t *pid, char **error_message);

/* Sends signal sig to daemon NAME if it runs (checked as above). */
NTSTATUS supervise_signal(const char *db_path, const char *name, int sig);

/* The size of NAME.log now (0 if missing): an offset for supervise_log_tail. */
int64_t supervise_log_size(const char *db_path, const char *name);

/* The last max_lines lines written to NAME.log at or after offset, each
 * prefixed with "  NAME.log: ", joined by newlines (none at the end); "" if
 * none. Newly allocated or NULL. */
char *supervise_log_tail(const char *db_path, const char *name, int64_t offset,
                         unsigned max_lines);

/* The SMB server's settings: where it listens, and whether it runs at all. */
struct registry;
struct supervise_smb {
    char *listen;  /* srv.listen */
    uint32_t port; /* srv.port */
    bool enabled;  /* lwiod.drivers lists srv */
};
NTSTATUS supervise_smb_settings(struct registry *reg, struct supervise_smb *smb);
void supervise_smb_free(struct supervise_smb *smb);

/* Can lwiod load driver NAME: does NAME.so exist in its driver directory
 * (sw_driver_dir(), the same directory lwiod uses) and export DriverEntry?
 * When false, *why (malloc'd, may be NULL) says what is missing. A file that
 * cannot be loaded here for another reason counts as available: lwiod, which
 * exports more symbols than lwadmin, has the last word. */
bool supervise_driver_available(const char *name, char **why);

/* The address a local client uses to reach a server listening on address:
 * 0.0.0.0 -> 127.0.0.1, :: -> ::1, anything else as is. */
const char *supervise_connect_address(const char *listen_address);

/* Does address (an IPv4 or IPv6 literal; wildcards as above) accept a TCP
 * connection on port within timeout_ms? */
bool supervise_port_accepts(const char *address, uint16_t port, unsigned timeout_ms);

/* Waits up to timeout_ms for address:port to accept a connection while the
 * process server (the one that should open it) is alive. */
bool supervise_wait_port(const char *address, uint16_t port, pid_t server, unsigned timeout_ms);

/* Takes the instance's supervision lock (run_dir/supervise.lock, creating the
 * run directory), waiting up to timeout_ms, so that two start/stop commands on
 * one instance do not interleave. *fd is the lock; release with
 * supervise_unlock. STATUS_IO_TIMEOUT if another holder kept it. */
NTSTATUS supervise_lock(const char *db_path, unsigned timeout_ms, int *fd,
                        char **error_message);
void supervise_unlock(int fd);

/* systemd. When systemd runs the machine (sd_booted), the units are
 * installed (samewise.target loads) and db_path is the registry they serve
 * (the installed default), the daemons are systemd's: lwadmin start, stop,
 * restart and status go through systemctl, and the daemons log to the
 * journal. Otherwise lwadmin runs them itself, as above. The daemons keep
 * their pid files either way, so supervise_find sees them in both cases. */
#define SUPERVISE_SYSTEMD_TARGET "samewise.target"
bool supervise_systemd_manages(const char *db_path);

/* "samewise-NAME.service" for daemon index SUPERVISE_LSASSD... */
const char *supervise_systemd_unit(size_t daemon);

/* Runs `TOOL ARGS...` (tool "systemctl" or "journalctl", from /usr/bin or
 * /bin) with standard output and error captured into *output (malloc'd, at
 * most 64 KiB, trailing newlines removed; NULL if not wanted), for up to
 * timeout_ms. Its exit status; -2 if it was killed at the deadline; -1 if
 * it could not run. */
int supervise_run_tool(const char *tool, const char *const *args, unsigned timeout_ms,
                       char **output);

/* `systemctl VERB UNIT` (is-active, is-enabled)'s one-word answer,
 * malloc'd ("" or NULL if none). */
char *supervise_systemd_state(const char *verb, const char *unit);

/* The last max_lines journal lines of a daemon's unit, each prefixed with
 * "  NAME: " as supervise_log_tail does; malloc'd ("" if none). */
char *supervise_journal_tail(size_t daemon, unsigned max_lines);

/* Sleeps up to ms milliseconds (less if a signal arrives). */
void supervise_sleep_ms(unsigned ms);

#endif
