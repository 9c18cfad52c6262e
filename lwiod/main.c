/* lwiod: the I/O manager daemon.
 *
 *   lwiod [--db PATH] [--foreground] [--log-level LEVEL] [--drivers A,B]
 *         [--required-drivers A,B] [--driver-dir DIR] [--set DRIVER.NAME=VALUE]...
 *         [--workers MIN:MAX]
 *
 * Loads its drivers, serves lwio clients on sw_run_path(db, "lwiod.sock"),
 * writes its pid to lwiod.pid in the run directory. SIGTERM (or SIGINT) shuts
 * down cleanly: the socket stops, pending IRPs are cancelled, files closed,
 * drivers unloaded. SIGHUP re-reads the settings. Without --foreground it
 * detaches, logs to lwiod.log in the run directory, and its parent exits
 * once the socket is ready (0) or startup failed (1). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lwiod/iomgr.h"
#include "lwiod/server.h"
#include "lwiod/metrics_http.h"
#include "registry/registry.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: lwiod [--db PATH] [--foreground] [--log-level error|warning|info|debug]\n"
            "             [--drivers LIST] [--required-drivers LIST] [--driver-dir DIR]\n"
            "             [--set DRIVER.NAME=VALUE]... [--workers MIN:MAX]\n");
}

/* Builds the settings: defaults, then the registry, then the command line.
 * 0; 1 if the registry cannot be read; 2 for bad usage. */
static int load_config(struct lwiod_config *config, int argc, char **argv, bool *foreground)
{
    static const struct option options[] = {
        { "db", required_argument, NULL, 'd' },
        { "foreground", no_argument, NULL, 'f' },
        { "log-level", required_argument, NULL, 'l' },
        { "drivers", required_argument, NULL, 'D' },
        { "required-drivers", required_argument, NULL, 'R' },
        { "driver-dir", required_argument, NULL, 'P' },
        { "set", required_argument, NULL, 's' },
        { "workers", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL;
    int c, level;
    unsigned lo, hi;

    /* First pass for --db: the defaults depend on it. */
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1)
        if (c == 'd')
            db = optarg;
    char *db_path = sw_db_path(db);
    if (!db_path || lwiod_config_init(config, db_path)) {
        free(db_path);
        fprintf(stderr, "lwiod: out of memory\n");
        return 1;
    }
    free(db_path);
    struct registry *reg = NULL;
    NTSTATUS status = registry_open(config->db_path, &reg);
    if (status == STATUS_SUCCESS)
        status = lwiod_config_load_registry(config, reg);
    registry_close(reg);
    if (status) {
        log_error("cannot read settings from %s: %s", config->db_path, nt_status_name(status));
        return 1;
    }

    optind = 1;
    opterr = 1;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            break;
        case 'f':
            *foreground = true;
            break;
        case 'l':
            if ((level = log_level_parse(optarg)) < 0) {
                fprintf(stderr, "lwiod: unknown log level '%s'\n", optarg);
                return 2;
            }
            config->log_level = (enum log_level)level;
            break;
        case 'D':
            if (lwiod_config_set_list(&config->drivers, &config->driver_count, optarg))
                return 1;
            break;
        case 'R':
            if (lwiod_config_set_list(&config->required_drivers, &config->required_count,
                                      optarg))
                return 1;
            break;
        case 'P':
            free(config->driver_dir);
            if (!(config->driver_dir = strdup(optarg)))
                return 1;
            break;
        case 's':
            if (lwiod_config_add_setting(config, optarg)) {
                fprintf(stderr, "lwiod: --set wants DRIVER.NAME=VALUE, not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'w':
            if (sscanf(optarg, "%u:%u", &lo, &hi) != 2 || lo == 0 || hi < lo || hi > 1024) {
                fprintf(stderr, "lwiod: --workers wants MIN:MAX (1 <= MIN <= MAX <= 1024)\n");
                return 2;
            }
            config->worker_min = lo;
            config->worker_max = hi;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    return 0;
}

/* SIGHUP, or the registry changed: take the settings that apply live, and
 * let the drivers apply what changed (iomgr_reconfigure). False if the
 * settings could not be read (a busy database): the caller tries again. */
static bool reload(int argc, char **argv)
{
    struct lwiod_config fresh;
    bool ignored = false, done = false;
    memset(&fresh, 0, sizeof fresh);
    if (load_config(&fresh, argc, argv, &ignored) == 0 &&
        iomgr_reconfigure(&fresh) == STATUS_SUCCESS) {
        log_event(LOG_EVENT_RELOADED, LOG_LEVEL_INFO, "settings reloaded");
        done = true;
    } else {
        log_error("settings not reloaded");
    }
    lwiod_config_free(&fresh);
    return done;
}

/* Every SMB connection and open file is a descriptor: take all the hard
 * limit allows (the soft limit is often 1024), so srv.max-connections, not
 * the descriptor table, is what bounds clients (docs/srv.md). */
static void raise_descriptor_limit(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max)
        return;
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
        log_warning("cannot raise the descriptor limit: %s", strerror(errno));
}

int main(int argc, char **argv)
{
    struct lwiod_config config;
    bool foreground = false;
    struct lwiod_server *server = NULL;
    char *sock_path = NULL, *pid_path = NULL, *log_path = NULL;
    struct daemon_detach detach = { .ready_fd = -1, .log_fd = -1 };
    int rc = 1;
    bool pid_written = false;

    memset(&config, 0, sizeof config);
    int usage_rc = load_config(&config, argc, argv, &foreground);
    if (usage_rc) {
        lwiod_config_free(&config);
        return usage_rc;
    }
    log_open("lwiod", config.log_level, 0);
    raise_descriptor_limit();
    if (sw_run_dir_create(config.db_path) != 0) {
        log_error("cannot create the run directory for %s: %s", config.db_path,
                  strerror(errno));
        goto out;
    }
    sock_path = sw_run_path(config.db_path, "lwiod.sock");
    pid_path = sw_run_path(config.db_path, "lwiod.pid");
    log_path = sw_run_path(config.db_path, "lwiod.log");
    if (!sock_path || !pid_path || !log_path)
        goto out;
    if (daemon_already_running(pid_path)) {
        log_error("lwiod is already running for %s (see %s)", config.db_path, pid_path);
        goto out;
    }
    if (!foreground && daemon_detach(log_path, &detach) != 0) {
        log_error("cannot detach: %s", strerror(errno));
        goto out;
    }

    /* Signals are taken by sigwait in this thread only: block them before
     * any thread starts, so every thread inherits the mask. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (daemon_write_pid_file(pid_path) != 0) {
        log_error("cannot write %s: %s", pid_path, strerror(errno));
        goto out;
    }
    pid_written = true;
    NTSTATUS status = iomgr_init(&config);
    if (status == STATUS_SUCCESS)
        status = iomgr_load_drivers();
    if (status == STATUS_SUCCESS)
        status = server_start(sock_path, &server);
    if (status != STATUS_SUCCESS) {
        log_error("startup failed: %s", nt_status_name(status));
        server_free(server);
        server = NULL;
        iomgr_shutdown();
        goto out;
    }
    log_event(LOG_EVENT_STARTED, LOG_LEVEL_INFO, "lwiod %s ready on %s", SW_VERSION, sock_path);
    daemon_ready(&detach, true);
    /* The System event log shows each start and stop (docs/eventlog.md). */
    if (registry_audit_daemon(config.db_path, "lwiod", "daemon.start", "serving SMB") != STATUS_SUCCESS)
        log_warning("cannot record the start in the audit log");

    /* The registry changes under us (lwadmin config set): look once a second. */
    struct registry *reg = NULL;
    if (registry_open(config.db_path, &reg) != STATUS_SUCCESS)
        log_warning("cannot watch %s for changes; use SIGHUP", config.db_path);
    uint64_t seen = reg ? registry_change_counter(reg) : 0;
    /* The metrics endpoint follows metrics.listen and metrics.user live. */
    struct metrics_http *metrics = metrics_http_new(config.db_path);
    if (metrics && reg)
        metrics_http_apply(metrics, reg);
    for (;;) {
        struct timespec second = { 1, 0 };
        int sig = sigtimedwait(&signals, NULL, &second);
        if (sig < 0) {
            uint64_t now = reg ? registry_change_counter(reg) : seen;
            /* A reload that failed is tried again the next second, so no
             * change is missed. */
            if (now != seen && reload(argc, argv)) {
                seen = now;
                if (metrics)
                    metrics_http_apply(metrics, reg);
            }
            continue;
        }
        if (sig == SIGHUP) {
            reload(argc, argv);
            if (metrics && reg)
                metrics_http_apply(metrics, reg);
            continue;
        }
        daemon_stopping();
        log_event(LOG_EVENT_STOPPING, LOG_LEVEL_INFO, "%s: shutting down",
                  sig == SIGTERM ? "SIGTERM" : "SIGINT");
        registry_audit_daemon(config.db_path, "lwiod", "daemon.stop", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    metrics_http_free(metrics);
    registry_close(reg);
    server_stop(server);
    iomgr_shutdown();
    server_free(server);
    log_event(LOG_EVENT_STOPPED, LOG_LEVEL_INFO, "stopped");
    rc = 0;
out:
    if (rc != 0 && !detach.told)
        log_event(LOG_EVENT_START_FAILED, LOG_LEVEL_ERROR, "lwiod could not start for %s",
                  config.db_path ? config.db_path : "?");
    daemon_ready(&detach, false);
    if (pid_written)
        unlink(pid_path);
    free(sock_path);
    free(pid_path);
    free(log_path);
    lwiod_config_free(&config);
    return rc;
}
