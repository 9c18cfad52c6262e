/* srvsvcd: serves srvsvc and wkssvc on \pipe\srvsvc and \pipe\wkssvc (the
 * npfs pipes \npfs\srvsvc and \npfs\wkssvc of a running lwiod), from the
 * registry's shares and settings, and the few winreg calls that identify the
 * server on \pipe\winreg; and the audit log as the event log on
 * \pipe\eventlog (eventlog/eventlog.h).
 *
 *   srvsvcd [--db PATH] [--foreground] [--log-level LEVEL] [--instances N]
 *   srvsvcd [--db PATH] --stdio
 *
 * --stdio serves one association on standard input and output instead, as
 * the local user (root: SYSTEM), for tests and debugging. Without
 * --foreground the daemon detaches once the pipes listen; its pid file and
 * log are in the registry's run directory. If lwiod goes away, srvsvcd
 * reconnects when it comes back. SIGTERM or SIGINT stops it; SIGHUP re-reads
 * the log level (shares and settings are read on every call anyway). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dcerpc/dcerpc.h"
#include "eventlog/eventlog.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lsass/rpc/lsa_rpc.h"
#include "lwiod/client/lwio.h"
#include "registry/registry.h"
#include "srvsvc/srvsvc.h"
#include "srvsvc/srvsvc_store.h"

/* How long startup waits for lwiod, and how often a lost one is retried. */
#define START_WAIT_MS 10000
#define RETRY_MS 1000

struct options {
    char *db_path;
    bool foreground;
    bool stdio;
    int log_level; /* -1: from the registry */
    unsigned instances; /* 0: from the registry */
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: srvsvcd [--db PATH] [--foreground] [--log-level error|warning|info|debug]\n"
                 "               [--instances N]\n"
                 "       srvsvcd [--db PATH] --stdio\n");
}

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option long_options[] = {
        { "db", required_argument, NULL, 'd' },        { "foreground", no_argument, NULL, 'f' },
        { "stdio", no_argument, NULL, 's' },           { "log-level", required_argument, NULL, 'l' },
        { "instances", required_argument, NULL, 'i' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL;
    o->log_level = -1;
    int c;
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'f': o->foreground = true; break;
        case 's': o->stdio = true; break;
        case 'l':
            o->log_level = log_level_parse(optarg);
            if (o->log_level < 0) {
                fprintf(stderr, "srvsvcd: unknown log level '%s'\n", optarg);
                return 2;
            }
            break;
        case 'i': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);
            if (*end || n < 1 || n > 256) {
                fprintf(stderr, "srvsvcd: --instances wants 1..256\n");
                return 2;
            }
            o->instances = (unsigned)n;
            break;
        }
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    o->db_path = sw_db_path(db);
    return o->db_path ? 0 : 1;
}

/* Settings the options leave open, read once at start. */
static void settings(const char *db_path, struct options *o)
{
    struct registry *reg = NULL;
    if (registry_open(db_path, &reg) != STATUS_SUCCESS)
        return;
    char *level = NULL;
    if (o->log_level < 0 && registry_setting_get_string(reg, "srvsvc.log-level", &level) == STATUS_SUCCESS)
        o->log_level = log_level_parse(level);
    free(level);
    uint32_t instances = 0;
    if (!o->instances && registry_setting_get_dword(reg, "srvsvc.pipe-instances", &instances) == STATUS_SUCCESS)
        o->instances = instances;
    registry_close(reg);
}

/* winreg answers a console's one question at connect: two instances do. */
#define WINREG_INSTANCES 2u
/* Event Viewer holds a pipe per log it shows (Application, System,
 * Security) and one more while it refreshes. */
#define EVENTLOG_INSTANCES 4u

/* One connection to lwiod and the pipes served over it. */
struct service {
    struct lwio_context *lwio;
    struct dcerpc_np_listener *srvsvc, *wkssvc, *winreg, *eventlog;
};

static void service_stop(struct service *s)
{
    dcerpc_np_stop(s->srvsvc);
    dcerpc_np_stop(s->wkssvc);
    dcerpc_np_stop(s->winreg);
    dcerpc_np_stop(s->eventlog);
    if (s->lwio)
        LwIoDisconnect(s->lwio);
    memset(s, 0, sizeof *s);
}

static NTSTATUS service_start(struct service *s, struct dcerpc_server *server, const struct options *o)
{
    memset(s, 0, sizeof *s);
    NTSTATUS status = LwIoConnect(o->db_path, &s->lwio);
    if (status == STATUS_SUCCESS)
        status = dcerpc_np_listen(server, s->lwio, "\\npfs\\srvsvc", "\\PIPE\\srvsvc", o->instances, &s->srvsvc);
    if (status == STATUS_SUCCESS)
        status = dcerpc_np_listen(server, s->lwio, "\\npfs\\wkssvc", "\\PIPE\\wkssvc", o->instances, &s->wkssvc);
    if (status == STATUS_SUCCESS)
        status = dcerpc_np_listen(server, s->lwio, "\\npfs\\winreg", "\\PIPE\\winreg", WINREG_INSTANCES,
                                  &s->winreg);
    if (status == STATUS_SUCCESS)
        status = dcerpc_np_listen(server, s->lwio, "\\npfs\\eventlog", "\\PIPE\\eventlog", EVENTLOG_INSTANCES,
                                  &s->eventlog);
    if (status != STATUS_SUCCESS)
        service_stop(s);
    return status;
}

static bool service_lost(const struct service *s)
{
    return !s->lwio || dcerpc_np_lost(s->srvsvc) || dcerpc_np_lost(s->wkssvc) || dcerpc_np_lost(s->winreg) ||
           dcerpc_np_lost(s->eventlog);
}

/* The System log records each start and stop. */
static void audit_daemon(const char *db_path, const char *action, const char *detail)
{
    NTSTATUS status = registry_audit_daemon(db_path, "srvsvcd", action, detail);
    if (status != STATUS_SUCCESS)
        log_warning("cannot record %s in the audit log: %s", action, nt_status_name(status));
}

/* The event log's Computername: the server name srvsvc reports
 * (srv.server-name, or the host name), read at each read. */
static void eventlog_computer_name(void *ctx, char *name, size_t size)
{
    const struct srvsvc_backend *srvsvc = ctx;
    struct ndr_arena *arena = ndr_arena_new(4096);
    struct srvsvc_server_info info;
    memset(&info, 0, sizeof info);
    if (arena && srvsvc->server_info_get(srvsvc->ctx, arena, &info) == STATUS_SUCCESS && info.name)
        snprintf(name, size, "%s", info.name);
    else
        snprintf(name, size, "SAMEWISE");
    ndr_arena_free(arena);
}

static int serve_stdio(struct dcerpc_server *server)
{
    /* Whoever can run srvsvcd with this registry is its administrator. */
    struct access_token *token = token_new_system();
    struct dcerpc_caller caller = { .token = token, .client_address = "stdio", .endpoint = "\\PIPE\\srvsvc" };
    signal(SIGPIPE, SIG_IGN);
    NTSTATUS status = dcerpc_serve_fd(server, &caller, STDIN_FILENO, STDOUT_FILENO);
    token_free(token);
    return status == STATUS_SUCCESS ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct options o;
    memset(&o, 0, sizeof o);
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc;
    int command_line_level = o.log_level;
    settings(o.db_path, &o);
    if (!o.instances)
        o.instances = 8;
    log_open("srvsvcd", o.log_level < 0 ? LOG_LEVEL_WARNING : (enum log_level)o.log_level, 0);

    rc = 1;
    char *pid_path = NULL, *log_path = NULL;
    struct daemon_detach detach = { .ready_fd = -1, .log_fd = -1 };
    bool pid_written = false;
    struct srvsvc_store *store = NULL;
    struct eventlog_store *events = NULL;
    struct dcerpc_server *server = NULL;
    struct lsa_rpc_auth *auth = NULL;
    struct service service;
    memset(&service, 0, sizeof service);

    NTSTATUS status = srvsvc_store_open(o.db_path, &store);
    if (status != STATUS_SUCCESS) {
        log_error("cannot open the registry %s: %s", o.db_path, nt_status_name(status));
        goto out;
    }
    struct srvsvc_backend backend;
    srvsvc_store_backend(store, &backend);
    status = eventlog_store_open(o.db_path, &events);
    if (status != STATUS_SUCCESS) {
        log_error("cannot open the registry %s: %s", o.db_path, nt_status_name(status));
        goto out;
    }
    struct eventlog_backend event_backend;
    eventlog_store_backend(events, &event_backend);
    event_backend.computer_name = eventlog_computer_name;
    event_backend.computer_name_ctx = &backend;
    server = dcerpc_server_new(NULL);
    if (!server || srvsvc_register(server, &backend) != STATUS_SUCCESS ||
        eventlog_register(server, &event_backend) != STATUS_SUCCESS)
        goto out;
    /* RPC-level authentication (an NTLMSSP bind): a logon through lsassd,
     * as an SMB session setup is (docs/dcerpc.md). */
    if (!o.stdio) {
        if (!(auth = lsa_rpc_auth_new_client(o.db_path)))
            goto out;
        dcerpc_server_set_auth(server, &lsa_rpc_auth_ops, auth);
    }
    if (o.stdio) {
        rc = serve_stdio(server);
        goto out;
    }

    if (sw_run_dir_create(o.db_path) != 0) {
        log_error("cannot create the run directory for %s: %s", o.db_path, strerror(errno));
        goto out;
    }
    pid_path = sw_run_path(o.db_path, "srvsvcd.pid");
    log_path = sw_run_path(o.db_path, "srvsvcd.log");
    if (!pid_path || !log_path)
        goto out;
    if (daemon_already_running(pid_path)) {
        log_error("srvsvcd is already running for %s (see %s)", o.db_path, pid_path);
        goto out;
    }
    if (!o.foreground && daemon_detach(log_path, &detach) != 0) {
        log_error("cannot detach: %s", strerror(errno));
        goto out;
    }
    /* Signals go to sigtimedwait below: block them before any thread. */
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

    /* lwiod may be starting too: wait for it a while. */
    status = STATUS_CONNECTION_DISCONNECTED;
    for (int waited = 0; waited < START_WAIT_MS && status != STATUS_SUCCESS; waited += 200) {
        status = service_start(&service, server, &o);
        if (status != STATUS_SUCCESS) {
            struct timespec pause = { 0, 200 * 1000000L };
            nanosleep(&pause, NULL);
        }
    }
    if (status != STATUS_SUCCESS) {
        log_error("cannot serve the pipes (is lwiod running with npfs?): %s", nt_status_name(status));
        goto out;
    }
    log_event(LOG_EVENT_STARTED, LOG_LEVEL_INFO,
              "srvsvcd %s serving \\pipe\\srvsvc and \\pipe\\wkssvc (%u instances each), \\pipe\\winreg and "
              "\\pipe\\eventlog",
              SW_VERSION, o.instances);
    daemon_ready(&detach, true);
    audit_daemon(o.db_path, "daemon.start", "serving srvsvc, wkssvc, winreg and eventlog");

    for (;;) {
        struct timespec tick = { RETRY_MS / 1000, (RETRY_MS % 1000) * 1000000L };
        int sig = sigtimedwait(&signals, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT) {
            daemon_stopping();
            log_event(LOG_EVENT_STOPPING, LOG_LEVEL_INFO, "%s: shutting down",
                      sig == SIGTERM ? "SIGTERM" : "SIGINT");
            audit_daemon(o.db_path, "daemon.stop", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            break;
        }
        if (sig == SIGHUP) {
            /* Shares and server settings are read on every call; what is
             * left to re-read is the log level (unless given on the
             * command line). The instance count applies at the next start. */
            struct options fresh = { .db_path = o.db_path, .log_level = command_line_level, .instances = 1 };
            settings(o.db_path, &fresh);
            if (fresh.log_level >= 0)
                log_set_level((enum log_level)fresh.log_level);
            log_event(LOG_EVENT_RELOADED, LOG_LEVEL_INFO, "SIGHUP: settings re-read");
        }
        if (service_lost(&service)) {
            if (service.lwio)
                log_warning("lost lwiod; reconnecting");
            service_stop(&service);
            if (service_start(&service, server, &o) == STATUS_SUCCESS)
                log_info("serving the pipes again");
        }
    }
    log_event(LOG_EVENT_STOPPED, LOG_LEVEL_INFO, "stopped");
    rc = 0;
out:
    if (rc != 0 && !o.stdio && !detach.told)
        log_event(LOG_EVENT_START_FAILED, LOG_LEVEL_ERROR, "srvsvcd could not start for %s",
                  o.db_path);
    daemon_ready(&detach, false);
    if (store)
        service_stop(&service);
    if (pid_written)
        unlink(pid_path);
    dcerpc_server_free(server);
    lsa_rpc_auth_free(auth); /* after the server: no association uses it */
    srvsvc_store_close(store);
    eventlog_store_close(events);
    free(pid_path);
    free(log_path);
    free(o.db_path);
    return rc;
}
