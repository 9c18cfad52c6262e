/* lsassd: authentication for one Samewise instance.
 *
 *   lsassd [--db PATH] [--foreground] [--log-level LEVEL]
 *          [--context-timeout SECONDS] [--max-contexts N]
 *
 * Listens on sw_run_path(db, "lsassd.sock") (everything, peer credentials
 * decide) and sw_public_path(db, "lsassd.sock") (the NSS lookups, for any
 * local user); writes its pid to
 * sw_run_path(db, "lsassd.pid"). Without --foreground it detaches and logs to
 * sw_run_path(db, "lsassd.log"); it returns only once the socket accepts
 * connections (exit 0) or startup failed (exit 1, reason on stderr).
 *
 * It also serves the RPC pipes \pipe\lsarpc, \pipe\lsass and \pipe\samr
 * through lwiod's npfs (lsass/rpc/lsa_rpc.h): lwiod usually starts after
 * lsassd (it needs lsassd for logons), so a thread connects to it in the
 * background and again whenever it comes back. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lsass/client/protocol.h"
#include "lsass/daemon/lsassd.h"
#include "lsass/rpc/lsa_rpc.h"
#include "registry/registry.h"

/* libnss_samewise.so.2 looks for this symbol and answers nothing inside
 * lsassd: lsassd's own lookups of Unix accounts (idmap) must never come
 * back to lsassd through NSS. Exported: programs link with -rdynamic. */
extern const int samewise_lsassd_no_nss;
const int samewise_lsassd_no_nss = 1;

struct options {
    const char *db;
    bool foreground;
    const char *log_level;
    long context_timeout;   /* -1: lsass.pending-logon-timeout */
    long max_contexts;      /* -1: lsass.max-pending-logons */
};

static void usage(FILE *to)
{
    fprintf(to, "usage: lsassd [--db PATH] [--foreground] [--log-level error|warning|info|debug]\n"
                "              [--context-timeout SECONDS] [--max-contexts N]\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "foreground", no_argument, NULL, 'f' },
        { "log-level", required_argument, NULL, 'l' },
        { "context-timeout", required_argument, NULL, 't' },
        { "max-contexts", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    *o = (struct options){ .context_timeout = -1, .max_contexts = -1 };
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        char *end;
        unsigned long v;
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'f': o->foreground = true; break;
        case 'l':
            if (log_level_parse(optarg) < 0)
                return -1;
            o->log_level = optarg;
            break;
        case 't':
        case 'm':
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (errno || *end || end == optarg || v > 1000000 || (c == 'm' && v == 0))
                return -1;
            if (c == 't')
                o->context_timeout = (long)v;
            else
                o->max_contexts = (long)v;
            break;
        case 'h': usage(stdout); exit(0);
        default: return -1;
        }
    }
    return optind == argc ? 0 : -1;
}

/* The context table's limits from the settings, or from the command line
 * where given (settings_lock held). */
static void lsassd_apply_pending_limits(struct lsassd *d)
{
    if (!d->contexts)
        return;
    struct lsa_pending_limits limits = {
        .max_total = d->max_contexts_forced >= 0 ? (size_t)d->max_contexts_forced : d->settings.max_pending_logons,
        .max_per_address = d->settings.max_pending_per_address,
        .max_per_connection = d->settings.max_pending_per_connection,
        .timeout_seconds = d->context_timeout_forced >= 0 ? (unsigned)d->context_timeout_forced
                                                          : d->settings.pending_logon_timeout,
    };
    lsa_context_table_set_limits(d->contexts, &limits);
}

void lsassd_settings(struct lsassd *d, struct lsa_settings *out)
{
    pthread_mutex_lock(&d->settings_lock);
    uint64_t counter = registry_change_counter(d->reg);
    if (!d->settings_loaded || counter != d->settings_counter) {
        lsa_settings_load(d->reg, &d->settings);
        d->settings_counter = counter;
        d->settings_loaded = true;
        char *level = NULL;
        if (!d->log_level_forced && NT_SUCCESS(registry_setting_get_string(d->reg, "lsass.log-level", &level)) &&
            log_level_parse(level) >= 0)
            log_set_level((enum log_level)log_level_parse(level));
        free(level);
        lsassd_apply_pending_limits(d);
    }
    *out = d->settings;
    pthread_mutex_unlock(&d->settings_lock);
}

/* Binds the socket, refusing to steal it from a running lsassd. mode: the
 * socket file's permissions (connecting needs write permission). */
static int listen_socket(const char *path, mode_t mode)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "lsassd: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
        fprintf(stderr, "lsassd: another lsassd already serves %s\n", path);
        close(fd);
        return -1;
    }
    close(fd);
    unlink(path); /* a stale socket from a crashed lsassd */
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    /* The private socket: anyone who can reach the run directory (0700)
     * may connect, and peer credentials decide what each caller may do. The
     * public one: anyone, for lookups only. */
    mode_t old = umask(0);
    int rc = fd >= 0 ? bind(fd, (struct sockaddr *)&addr, sizeof addr) : -1;
    umask(old);
    if (rc == 0)
        rc = chmod(path, mode);
    if (rc != 0 || listen(fd, 64) != 0) {
        fprintf(stderr, "lsassd: cannot listen on %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void rpc_settings(void *arg, struct lsa_settings *out) { lsassd_settings(arg, out); }
static void rpc_logon_failed(void *arg, const char *account, const char *client, NTSTATUS status)
{
    struct lsassd *d = arg;
    lsassd_audit_logon_failure(d->events, account, client, status);
}

/* The RPC pipes. Failing to set them up (a registry that cannot be opened a
 * second time) leaves logons served: lsassd's first duty. */
static void start_rpc(struct lsassd *d)
{
    /* RPC-level authentication (an NTLMSSP bind) logs on through the same
     * providers and settings as an SMB session setup. */
    struct lsa_rpc_host_options options = { .instances = 8, .max_handles = 1024, .providers = d->providers,
                                            .provider_count = d->provider_count, .settings = rpc_settings,
                                            .logon_failed = rpc_logon_failed, .arg = d };
    uint32_t v;
    if (NT_SUCCESS(registry_setting_get_dword(d->reg, "lsass.rpc-pipe-instances", &v)))
        options.instances = v;
    if (NT_SUCCESS(registry_setting_get_dword(d->reg, "lsass.rpc-max-handles", &v)))
        options.max_handles = v;
    NTSTATUS status = lsa_rpc_host_start(d->db_path, &options, &d->rpc);
    if (!NT_SUCCESS(status))
        log_error("cannot serve the RPC pipes (lsarpc, samr): %s", nt_status_name(status));
}

int main(int argc, char **argv)
{
    struct options opt;
    struct lsassd d;
    char *socket_path = NULL, *public_path = NULL, *pid_path = NULL, *log_path = NULL;
    struct daemon_detach detach = { .ready_fd = -1, .log_fd = -1 };
    int listen_fd = -1, public_fd = -1, signal_fd = -1, rc = 1;
    bool all_stopped = true; /* no connection thread was ever started */
    NTSTATUS status;

    if (parse_options(argc, argv, &opt) != 0) {
        usage(stderr);
        return 2;
    }
    memset(&d, 0, sizeof d);
    pthread_mutex_init(&d.settings_lock, NULL);
    pthread_mutex_init(&d.lookup_lock, NULL);
    log_open("lsassd", opt.log_level ? (enum log_level)log_level_parse(opt.log_level) : LOG_LEVEL_WARNING, 0);
    d.log_level_forced = opt.log_level != NULL;
    d.trusted_uid = geteuid();

    d.db_path = sw_db_path(opt.db);
    if (!d.db_path || sw_run_dir_create(d.db_path) != 0) {
        fprintf(stderr, "lsassd: cannot create the run directory for %s\n", d.db_path ? d.db_path : "?");
        goto out;
    }
    if (sw_public_dir_create(d.db_path) != 0) {
        fprintf(stderr, "lsassd: cannot create the public directory for %s: %s\n", d.db_path, strerror(errno));
        goto out;
    }
    socket_path = sw_run_path(d.db_path, LSASS_SOCKET_NAME);
    public_path = sw_public_path(d.db_path, LSASS_PUBLIC_SOCKET_NAME);
    pid_path = sw_run_path(d.db_path, LSASS_PID_NAME);
    log_path = sw_run_path(d.db_path, "lsassd.log");
    if (!socket_path || !public_path || !pid_path || !log_path)
        goto out;

    if (daemon_already_running(pid_path)) {
        fprintf(stderr, "lsassd: already running for %s (see %s)\n", d.db_path, pid_path);
        goto out;
    }
    if (!opt.foreground && daemon_detach(log_path, &detach) != 0) {
        fprintf(stderr, "lsassd: cannot detach: %s\n", strerror(errno));
        goto out;
    }

    status = registry_open(d.db_path, &d.reg);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lsassd: cannot open the registry %s: %s\n", d.db_path, nt_status_name(status));
        goto out;
    }
    /* The lookups get a connection of their own: a flood of them must not
     * queue logons behind the settings lock. */
    status = registry_open(d.db_path, &d.lookup_reg);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lsassd: cannot open the registry %s: %s\n", d.db_path, nt_status_name(status));
        goto out;
    }
    struct lsa_settings settings;
    lsassd_settings(&d, &settings);
    status = lsassd_add_providers(&d);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lsassd: providers: %s\n", nt_status_name(status));
        goto out;
    }
    d.context_timeout_forced = opt.context_timeout;
    d.max_contexts_forced = opt.max_contexts;
    d.contexts = lsa_context_table_new(settings.max_pending_logons, settings.pending_logon_timeout);
    if (!d.contexts)
        goto out;
    pthread_mutex_lock(&d.settings_lock);
    lsassd_apply_pending_limits(&d);
    pthread_mutex_unlock(&d.settings_lock);
    if (!NT_SUCCESS(lsassd_add_kerberos(&d)))
        goto out;

    /* Signals arrive through a signalfd in the main loop; blocking them here,
     * before any thread exists, keeps them away from connection threads. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    sigprocmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
    listen_fd = listen_socket(socket_path, 0777);
    public_fd = listen_fd >= 0 ? listen_socket(public_path, 0666) : -1;
    if (signal_fd < 0 || listen_fd < 0 || public_fd < 0)
        goto out;
    if (daemon_write_pid_file(pid_path) != 0) {
        fprintf(stderr, "lsassd: cannot write %s: %s\n", pid_path, strerror(errno));
        goto out;
    }
    log_event(LOG_EVENT_STARTED, LOG_LEVEL_INFO, "lsassd serving %s (server name %s)",
              socket_path, settings.server_name);
    d.events = lsassd_events_open(d.db_path);
    start_rpc(&d);
    daemon_ready(&detach, true);
    registry_audit_daemon(d.db_path, "lsassd", "daemon.start", "serving logons");
    rc = lsassd_serve(&d, listen_fd, public_fd, signal_fd) == 0 ? 0 : 1;
    /* lsassd_serve returns on SIGTERM or SIGINT: what is left is shutting
     * down. */
    daemon_stopping();
    log_event(LOG_EVENT_STOPPING, LOG_LEVEL_INFO, "shutting down");
    /* The pipes first: their calls use the registry, not lsassd's state. */
    lsa_rpc_host_stop(d.rpc);
    d.rpc = NULL;
    registry_audit_daemon(d.db_path, "lsassd", "daemon.stop", rc == 0 ? "stopped" : "stopped after an error");
    unlink(socket_path);
    unlink(public_path);
    unlink(pid_path);
    /* Shared state is freed only when no connection thread can touch it. */
    all_stopped = lsassd_stop_connections(15000);
    if (rc == 0)
        log_event(LOG_EVENT_STOPPED, LOG_LEVEL_INFO, "stopped");
out:
    if (!detach.told)
        log_event(LOG_EVENT_START_FAILED, LOG_LEVEL_ERROR, "lsassd could not start for %s",
                  d.db_path ? d.db_path : "?");
    if (listen_fd >= 0)
        close(listen_fd);
    if (public_fd >= 0)
        close(public_fd);
    if (signal_fd >= 0)
        close(signal_fd);
    daemon_ready(&detach, false);
    if (all_stopped) {
        lsa_context_table_free(d.contexts);
        for (size_t i = 0; i < d.provider_count; i++)
            d.providers[i]->ops->free(d.providers[i]);
        registry_close(d.reg);
        lsassd_events_close(d.events);
        registry_close(d.lookup_reg);
        pthread_mutex_destroy(&d.settings_lock);
        pthread_mutex_destroy(&d.lookup_lock);
        free(d.db_path);
    }
    free(socket_path);
    free(public_path);
    free(pid_path);
    free(log_path);
    return rc;
}
