/* srv-test-server: runs the srv protocol engine alone on a loopback port, for
 * tests with real clients (smbclient, impacket, smbtorture) before and apart
 * from lwiod.
 *
 *   srv-test-server [--listen ADDR] [--port N] [--min-dialect D] [--max-dialect D]
 *                   [--signing disabled|enabled|required]
 *                   [--encryption off|desired|required]
 *                   [--share NAME=PATH]... [--db REGISTRY] [--log-level LEVEL]
 *                   [--idle-timeout SECONDS] [--max-connections N]
 *
 * Prints "PORT <n>" on stdout once it listens (port 0 picks a free one) and
 * serves until SIGTERM or SIGINT.
 *
 * Authentication: with --db, logons go to the lsassd serving that registry
 * (srv_auth_lsass_open, what lwiod uses). Without it there is no account
 * database, so every logon is refused (STATUS_LOGON_FAILURE) once the
 * client's first token reached the srv_auth interface. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/srv/srv.h"
#include "lib/log.h"

#define MAX_SHARES 16

static struct srv_share_info shares[MAX_SHARES];
static size_t share_count;

static NTSTATUS lookup_share(void *context, const char *name, struct srv_share_info *info)
{
    for (size_t i = 0; i < share_count; i++) {
        if (strcasecmp(shares[i].name, name) == 0) {
            *info = shares[i];
            return STATUS_SUCCESS;
        }
    }
    return STATUS_BAD_NETWORK_NAME;
}

struct exchange {
    unsigned legs;
};

static NTSTATUS deny_begin(void *context, const char *peer, void **exchange)
{
    *exchange = calloc(1, sizeof(struct exchange));
    return *exchange ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS deny_step(void *context, void *exchange, const uint8_t *token, size_t len,
                          struct buf *out, struct srv_auth_result *result)
{
    struct exchange *x = exchange;
    x->legs++;
    log_info("srv-test-server: refusing a logon (%zu-byte token)", len);
    return STATUS_LOGON_FAILURE;
}

static void deny_end(void *context, void *exchange)
{
    free(exchange);
}

static int add_share(const char *spec, enum srv_share_type type)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || share_count == MAX_SHARES)
        return -1;
    struct srv_share_info *s = &shares[share_count++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%.*s", (int)(eq - spec), spec);
    snprintf(s->path, sizeof s->path, "%s", eq + 1);
    s->type = type;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: srv-test-server [--listen ADDR] [--port N] [--min-dialect D] "
                    "[--max-dialect D] [--signing P] [--encryption P] [--share NAME=PATH]... "
                    "[--log-level L]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct srv_config config;
    srv_config_defaults(&config);
    snprintf(config.listen_address, sizeof config.listen_address, "127.0.0.1");
    config.port = 0;
    for (int i = 0; i < 16; i++)
        config.server_guid[i] = (uint8_t)(0x50 + i);
    enum log_level level = LOG_LEVEL_WARNING;
    const char *db = NULL;
    add_share("IPC$=\\npfs", SRV_SHARE_PIPE);

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val)
            return usage();
        i++;
        if (strcmp(arg, "--listen") == 0) {
            snprintf(config.listen_address, sizeof config.listen_address, "%s", val);
        } else if (strcmp(arg, "--port") == 0) {
            config.port = (uint16_t)atoi(val);
        } else if (strcmp(arg, "--min-dialect") == 0 || strcmp(arg, "--max-dialect") == 0) {
            uint16_t d = srv_dialect_parse(val);
            if (!d)
                return usage();
            if (arg[2] == 'm' && arg[3] == 'i')
                config.min_dialect = d;
            else
                config.max_dialect = d;
        } else if (strcmp(arg, "--signing") == 0) {
            config.signing = strcmp(val, "required") == 0   ? SRV_SIGNING_REQUIRED
                             : strcmp(val, "disabled") == 0 ? SRV_SIGNING_DISABLED
                                                            : SRV_SIGNING_ENABLED;
        } else if (strcmp(arg, "--encryption") == 0) {
            config.encryption = strcmp(val, "required") == 0  ? SRV_ENCRYPTION_REQUIRED
                                : strcmp(val, "desired") == 0 ? SRV_ENCRYPTION_DESIRED
                                                              : SRV_ENCRYPTION_OFF;
        } else if (strcmp(arg, "--share") == 0) {
            if (add_share(val, SRV_SHARE_DISK) != 0)
                return usage();
        } else if (strcmp(arg, "--idle-timeout") == 0) {
            config.idle_timeout = (uint32_t)atoi(val);
        } else if (strcmp(arg, "--max-connections") == 0) {
            config.max_connections = (uint32_t)atoi(val);
        } else if (strcmp(arg, "--db") == 0) {
            db = val;
        } else if (strcmp(arg, "--log-level") == 0) {
            int l = log_level_parse(val);
            if (l < 0)
                return usage();
            level = (enum log_level)l;
        } else {
            return usage();
        }
    }
    log_open("srv-test-server", level, 0);

    if (db) {
        if (srv_auth_lsass_open(db, &config.auth) != STATUS_SUCCESS)
            return 1;
    } else {
        config.auth = (struct srv_auth){ .begin = deny_begin, .step = deny_step, .end = deny_end };
    }
    config.shares = (struct srv_shares){ .lookup = lookup_share };

    /* Signals are taken with sigwait below, never by a handler. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    struct srv_engine *engine = NULL;
    NTSTATUS status = srv_engine_start(&config, &engine);
    if (status != STATUS_SUCCESS) {
        fprintf(stderr, "srv-test-server: cannot start: %s\n", nt_status_name(status));
        return 1;
    }
    printf("PORT %u\n", srv_engine_port(engine));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    srv_engine_stop(engine);
    if (db)
        srv_auth_lsass_close(&config.auth);
    return 0;
}
