/* srv as an lwiod driver (srv.so): DriverEntry reads the srv.* settings from
 * the registry (an lwiod --set srv.NAME=VALUE overrides one), connects the
 * engine to lsassd for logons, to the share database for TREE_CONNECT and to
 * lwiod's worker pool for blocking work, creates the \srv device and starts
 * listening. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/srv/devctl.h"
#include "drivers/srv/srv.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/sid.h"
#include "lwiod/driver.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"
#include "share-db/share_db.h"

struct srv_driver {
    struct srv_engine *engine;
    struct srv_config config;
    pthread_mutex_t registry_lock; /* the handle is not thread-safe */
    struct registry *registry;
    char *durable_state_path;      /* run directory's srv-durable.state */
};

/* A setting: lwiod's --set srv.NAME=VALUE first, else the registry (which
 * gives the schema default when never set). malloc'd or NULL. */
static char *setting(struct io_driver *driver, struct registry *reg, const char *name)
{
    char *value = IoDriverGetSetting(driver, name);
    if (value)
        return value;
    char full[64];
    snprintf(full, sizeof full, "srv.%s", name);
    if (reg && registry_setting_get_text(reg, full, &value, NULL) == STATUS_SUCCESS)
        return value;
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "00112233-4455-6677-8899-aabbccddeeff" (braces optional) to the GUID's wire
 * form: the first three fields little-endian, the last eight bytes as they
 * are. */
static bool parse_guid(const char *text, uint8_t out[16])
{
    uint8_t raw[16];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == '{' || *p == '}')
            continue;
        int hi = hex_value(p[0]), lo = p[1] ? hex_value(p[1]) : -1;
        if (hi < 0 || lo < 0 || n == 16)
            return false;
        raw[n++] = (uint8_t)(hi << 4 | lo);
        p++;
    }
    if (n != 16)
        return false;
    static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
    for (int i = 0; i < 16; i++)
        out[i] = raw[order[i]];
    return true;
}

static NTSTATUS load_config(struct io_driver *driver, struct registry *reg, struct srv_config *c)
{
    srv_config_defaults(c);
    char *v;
    if ((v = setting(driver, reg, "listen")))
        snprintf(c->listen_address, sizeof c->listen_address, "%s", v);
    free(v);
    if ((v = setting(driver, reg, "port"))) {
        long port = strtol(v, NULL, 0);
        if (port < 0 || port > 65535) {
            log_error("srv: srv.port %s is not a port", v);
            free(v);
            return STATUS_INVALID_PARAMETER;
        }
        c->port = (uint16_t)port;
    }
    free(v);
    if ((v = setting(driver, reg, "signing")))
        c->signing = strcasecmp(v, "required") == 0   ? SRV_SIGNING_REQUIRED
                     : strcasecmp(v, "disabled") == 0 ? SRV_SIGNING_DISABLED
                                                      : SRV_SIGNING_ENABLED;
    free(v);
    if ((v = setting(driver, reg, "encryption")))
        c->encryption = strcasecmp(v, "required") == 0  ? SRV_ENCRYPTION_REQUIRED
                        : strcasecmp(v, "desired") == 0 ? SRV_ENCRYPTION_DESIRED
                                                        : SRV_ENCRYPTION_OFF;
    free(v);
    const char *names[2] = { "min-dialect", "max-dialect" };
    uint16_t *targets[2] = { &c->min_dialect, &c->max_dialect };
    for (int i = 0; i < 2; i++) {
        if ((v = setting(driver, reg, names[i]))) {
            uint16_t d = srv_dialect_parse(v);
            if (!d) {
                log_error("srv: srv.%s %s is not a dialect", names[i], v);
                free(v);
                return STATUS_INVALID_PARAMETER;
            }
            *targets[i] = d;
        }
        free(v);
    }
    if ((v = setting(driver, reg, "multichannel")))
        c->multichannel = strcasecmp(v, "off") != 0 && strcasecmp(v, "false") != 0 &&
                          strcmp(v, "0") != 0;
    free(v);
    /* The limits (docs/srv.md): numbers, 0 meaning "no limit". */
    static const struct {
        const char *name;
        size_t offset;
        uint32_t scale;
    } numbers[] = {
        { "max-connections", offsetof(struct srv_config, max_connections), 1 },
        { "max-connections-per-address",
          offsetof(struct srv_config, max_connections_per_address), 1 },
        { "idle-timeout", offsetof(struct srv_config, idle_timeout), 1 },
        { "unauthenticated-timeout", offsetof(struct srv_config, unauthenticated_timeout), 1 },
        { "frame-timeout", offsetof(struct srv_config, frame_timeout), 1 },
        { "max-send-queue", offsetof(struct srv_config, max_send_queue), 1024 * 1024 },
        { "network-threads", offsetof(struct srv_config, network_threads), 1 },
        { "max-opens-per-session", offsetof(struct srv_config, max_opens_per_session), 1 },
        { "max-opens-per-user", offsetof(struct srv_config, max_opens_per_user), 1 },
        { "durable-max-timeout", offsetof(struct srv_config, durable_max_timeout), 1 },
    };
    _Static_assert(sizeof c->network_threads == sizeof(uint32_t), "written as a uint32_t");
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        if ((v = setting(driver, reg, numbers[i].name))) {
            unsigned long n = strtoul(v, NULL, 0);
            if (n > UINT32_MAX / numbers[i].scale)
                n = UINT32_MAX / numbers[i].scale;
            *(uint32_t *)((char *)c + numbers[i].offset) = (uint32_t)n * numbers[i].scale;
        }
        free(v);
    }
    if ((v = setting(driver, reg, "server-guid")) && *v && !parse_guid(v, c->server_guid))
        log_warning("srv: srv.server-guid %s is not a GUID; using zeros", v);
    free(v);
    if ((v = setting(driver, reg, "server-name")) && *v)
        snprintf(c->server_name, sizeof c->server_name, "%s", v);
    free(v);
    return STATUS_SUCCESS;
}

/* srv_shares over the share database. */
static NTSTATUS lookup_share(void *context, const char *name, struct srv_share_info *info)
{
    struct srv_driver *d = context;
    struct share *share = NULL;
    pthread_mutex_lock(&d->registry_lock);
    NTSTATUS status = share_db_get(d->registry, name, &share);
    pthread_mutex_unlock(&d->registry_lock);
    if (status != STATUS_SUCCESS)
        return STATUS_BAD_NETWORK_NAME;
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", share->name);
    if (share->type == STYPE_IPC) {
        info->type = SRV_SHARE_PIPE;
        snprintf(info->path, sizeof info->path, "\\npfs");
    } else {
        /* A share's directory is an absolute POSIX path; pvfs names it
         * \pvfs\ followed by the path with backslashes. */
        info->type = SRV_SHARE_DISK;
        int n = snprintf(info->path, sizeof info->path, "\\pvfs%s", share->path);
        if (n < 0 || (size_t)n >= sizeof info->path)
            status = STATUS_BAD_NETWORK_NAME;
        for (char *p = info->path; *p; p++)
            if (*p == '/')
                *p = '\\';
    }
    info->read_only = share->flags & SHARE_FLAG_READ_ONLY;
    info->encrypt_data = share->flags & SHARE_FLAG_ENCRYPT_DATA;
    info->guest_ok = share->flags & SHARE_FLAG_GUEST_OK;
    info->max_uses = share->max_uses < 0 ? 0 : (uint32_t)share->max_uses;
    if (share->sd && share->sd_len) {
        info->sd = malloc(share->sd_len);
        if (info->sd) {
            memcpy(info->sd, share->sd, share->sd_len);
            info->sd_len = share->sd_len;
        } else {
            status = STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    share_free(share);
    if (status != STATUS_SUCCESS)
        srv_share_info_clear(info);
    return status;
}

static NTSTATUS queue_work(srv_work_fn fn, void *context)
{
    return IoWorkQueue(fn, context);
}

static NTSTATUS srv_dispatch(struct io_device *device, struct io_irp *irp)
{
    /* The \srv device answers the live questions of administrators and
     * srvsvcd (sessions, connections, open files) with device controls. */
    struct srv_driver *d = IoDeviceGetContext(device);
    return srv_devctl_dispatch(d->engine, irp);
}

/* Whether a session's user may stay logged on: not if its SAM account was
 * deleted, disabled or locked out since. Users of other domains (a directory,
 * AD) are their provider's business and stay; so does everyone when the
 * database cannot be read. A password change leaves sessions alone, as on
 * Windows. */
struct user_check {
    struct srv_driver *driver;
    bool have_domain;           /* false: no SAM yet, nobody is checked */
    struct sid domain;          /* the machine domain, read once per pass */
    /* The accounts read in this pass: a user with many sessions costs one
     * database read. */
    struct checked_user {
        uint32_t rid;
        bool valid;
    } *checked;
    size_t checked_count;
};

static bool user_still_valid(void *context, const struct access_token *token)
{
    struct user_check *check = context;
    struct srv_driver *d = check->driver;
    uint32_t rid;
    bool valid = true;
    if (!check->have_domain || !sid_split_rid(&token->user, &check->domain, &rid))
        return true;
    for (size_t i = 0; i < check->checked_count; i++)
        if (check->checked[i].rid == rid)
            return check->checked[i].valid;
    struct sam_user user;
    pthread_mutex_lock(&d->registry_lock);
    NTSTATUS status = sam_user_by_rid(d->registry, rid, &user);
    pthread_mutex_unlock(&d->registry_lock);
    if (status == STATUS_NO_SUCH_USER) {
        valid = false;
    } else if (status == STATUS_SUCCESS) {
        valid = !(user.flags & (SAM_USER_DISABLED | SAM_USER_LOCKED_OUT));
        sam_user_free(&user);
    }
    struct checked_user *grown =
        realloc(check->checked, (check->checked_count + 1) * sizeof *grown);
    if (grown) {
        check->checked = grown;
        check->checked[check->checked_count++] = (struct checked_user){ rid, valid };
    }
    return valid;
}

/* lwiod re-read its settings (the registry changed, or SIGHUP): whatever
 * changed, whoever changed it, reaches what runs. Runs on lwiod's main
 * thread, never a network thread, so the database reads are fine here. */
static void srv_reconfigure(struct io_driver *driver)
{
    struct srv_driver *d = IoDriverGetContext(driver);
    if (!d || !d->engine)
        return;
    struct srv_config fresh;
    pthread_mutex_lock(&d->registry_lock);
    NTSTATUS status = load_config(driver, d->registry, &fresh);
    pthread_mutex_unlock(&d->registry_lock);
    if (status == STATUS_SUCCESS)
        srv_engine_reconfigure(d->engine, &fresh);
    else
        log_error("srv: the new settings cannot be read: %s; they stay as they were",
                  nt_status_name(status));
    uint32_t trees = srv_engine_reload_shares(d->engine);
    struct user_check check = { .driver = d };
    pthread_mutex_lock(&d->registry_lock);
    check.have_domain = sam_domain_sid(d->registry, &check.domain) == STATUS_SUCCESS;
    pthread_mutex_unlock(&d->registry_lock);
    uint32_t sessions = srv_engine_logoff_users(d->engine, user_still_valid, &check);
    free(check.checked);
    if (trees || sessions)
        log_info("srv: registry changed: %u tree connect(s) and %u session(s) ended", trees,
                 sessions);
}

static void srv_driver_free(struct srv_driver *d)
{
    if (!d)
        return;
    srv_engine_stop(d->engine); /* writes the durable opens to durable_state_path */
    free(d->durable_state_path);
    srv_auth_lsass_close(&d->config.auth);
    if (d->registry)
        registry_close(d->registry);
    pthread_mutex_destroy(&d->registry_lock);
    free(d);
}

static void srv_shutdown(struct io_driver *driver)
{
    srv_driver_free(IoDriverGetContext(driver));
}

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version);

NTSTATUS DriverEntry(struct io_driver *driver, uint32_t interface_version)
{
    if (interface_version != IO_DRIVER_INTERFACE_VERSION)
        return STATUS_REVISION_MISMATCH;
    struct srv_driver *d = calloc(1, sizeof *d);
    if (!d)
        return STATUS_NO_MEMORY;
    pthread_mutex_init(&d->registry_lock, NULL);
    const char *db = IoGetDatabasePath();
    NTSTATUS status = registry_open(db, &d->registry);
    if (status != STATUS_SUCCESS) {
        log_error("srv: cannot open the registry %s: %s", db, nt_status_name(status));
        goto fail;
    }
    status = load_config(driver, d->registry, &d->config);
    if (status != STATUS_SUCCESS)
        goto fail;
    d->config.shares = (struct srv_shares){ .context = d, .lookup = lookup_share };
    d->config.queue_work = queue_work;
    /* Durable opens across `lwadmin restart` (docs/srv.md, "Restart"): the
     * run directory is the instance's own (mode 0700). */
    d->durable_state_path = sw_run_path(db, "srv-durable.state");
    d->config.durable_state_path = d->durable_state_path;
    status = srv_auth_lsass_open(db, &d->config.auth);
    if (status != STATUS_SUCCESS)
        goto fail;
    status = IoDriverInitialize(driver, d, srv_shutdown, srv_dispatch);
    if (status != STATUS_SUCCESS)
        goto fail;
    status = IoDeviceCreate(NULL, driver, "srv", d);
    if (status != STATUS_SUCCESS)
        goto fail;
    status = srv_engine_start(&d->config, &d->engine);
    if (status != STATUS_SUCCESS)
        goto fail;
    IoDriverSetReconfigure(driver, srv_reconfigure);
    log_info("srv: serving SMB on %s port %u", d->config.listen_address,
             srv_engine_port(d->engine));
    return STATUS_SUCCESS;
fail:
    /* lwiod does not call shutdown for a driver whose DriverEntry failed. */
    srv_driver_free(d);
    return status;
}
