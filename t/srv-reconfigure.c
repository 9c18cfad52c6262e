/* srv's settings snapshot (server.h): srv_engine_reconfigure swaps in new
 * settings for what comes next while a connection keeps the settings it was
 * accepted under; what is fixed at start stays; a bad dialect range changes
 * nothing. And the share maximal-access rule the live share reload reuses. */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "lwiod/ntfile.h"
#include "t/tap/tap.h"

static NTSTATUS auth_begin(void *context, const char *client, void **exchange)
{
    (void)context, (void)client;
    *exchange = NULL;
    return STATUS_NOT_SUPPORTED;
}

static NTSTATUS auth_step(void *context, void *exchange, const uint8_t *token, size_t len,
                          struct buf *out, struct srv_auth_result *result)
{
    (void)context, (void)exchange, (void)token, (void)len, (void)out, (void)result;
    return STATUS_LOGON_FAILURE;
}

static void auth_end(void *context, void *exchange)
{
    (void)context, (void)exchange;
}

static NTSTATUS lookup(void *context, const char *name, struct srv_share_info *info)
{
    (void)context, (void)name, (void)info;
    return STATUS_BAD_NETWORK_NAME;
}

static void drop_send(struct srv_conn *conn, uint8_t *data, size_t len)
{
    (void)conn, (void)len;
    free(data);
}

static const struct srv_transport transport = { .send = drop_send };

int main(void)
{
    struct srv_config config;
    srv_config_defaults(&config);
    config.auth = (struct srv_auth){ .begin = auth_begin, .step = auth_step, .end = auth_end };
    config.shares = (struct srv_shares){ .lookup = lookup };
    memset(config.server_guid, 0xA5, sizeof config.server_guid);
    struct srv_engine *e;
    if (!ok(srv_engine_create(&config, &e) == STATUS_SUCCESS, "an engine without network"))
        return tap_done();

    struct srv_conn *before = srv_conn_new(e, &transport, NULL, "before");
    is_int(before->settings->max_dialect, SMB2_DIALECT_311, "a connection holds 3.1.1 as max");

    struct srv_config fresh = config;
    fresh.max_dialect = SMB2_DIALECT_210;
    fresh.encryption = SRV_ENCRYPTION_REQUIRED;
    fresh.max_connections = 7;
    fresh.max_credits = 3;                      /* fixed at start: ignored */
    memset(fresh.server_guid, 0x11, sizeof fresh.server_guid);
    ok(srv_engine_reconfigure(e, &fresh) == STATUS_SUCCESS, "new settings are taken");
    const struct srv_config *now = srv_settings_hold(e);
    is_int(now->max_dialect, SMB2_DIALECT_210, "the snapshot in force has max 2.1");
    is_int(now->encryption, SRV_ENCRYPTION_REQUIRED, "and encryption required");
    is_int(now->max_connections, 7, "and the new connection limit");
    is_int(now->max_credits, config.max_credits, "credits stay as at start");
    ok(memcmp(now->server_guid, config.server_guid, 16) == 0, "the ServerGuid stays as at start");
    srv_settings_release(now);
    is_int(before->settings->max_dialect, SMB2_DIALECT_311,
           "the connection accepted before keeps the settings it negotiates under");
    struct srv_conn *after = srv_conn_new(e, &transport, NULL, "after");
    is_int(after->settings->max_dialect, SMB2_DIALECT_210, "a new connection gets the new ones");

    struct srv_config bad = fresh;
    bad.min_dialect = SMB2_DIALECT_311;
    bad.max_dialect = SMB2_DIALECT_202;
    ok(srv_engine_reconfigure(e, &bad) == STATUS_INVALID_PARAMETER,
       "min-dialect above max-dialect is refused");
    now = srv_settings_hold(e);
    is_int(now->max_dialect, SMB2_DIALECT_210, "and the settings stay as they were");
    srv_settings_release(now);

    /* Swaps while a holder keeps an old snapshot: each stays readable until
     * released (ASan checks the frees). */
    const struct srv_config *held = srv_settings_hold(e);
    for (int i = 0; i < 100; i++) {
        fresh.idle_timeout = (uint32_t)i;
        srv_engine_reconfigure(e, &fresh);
    }
    is_int(held->idle_timeout, config.idle_timeout, "a held snapshot never changes under its holder");
    srv_settings_release(held);

    srv_conn_disconnect(before, "test");
    srv_conn_disconnect(after, "test");
    srv_conn_unref(before);
    srv_conn_unref(after);
    srv_engine_destroy(e);

    /* The maximal-access rule (TREE_CONNECT, and the live share reload). */
    struct srv_share_info share;
    memset(&share, 0, sizeof share);
    is_int(srv_share_maximal_access(&share, NULL), FILE_ALL_ACCESS,
           "no share descriptor: everything");
    share.read_only = true;
    uint32_t ro = srv_share_maximal_access(&share, NULL);
    ok(!(ro & (FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE)) && (ro & FILE_READ_DATA),
       "a read-only share takes writing away");
    return tap_done();
}
