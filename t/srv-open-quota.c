/* srv.max-opens-per-session and srv.max-opens-per-user (open_quota.c): the
 * limits in force (the automatic user limit from RLIMIT_NOFILE), and the
 * counting: per session, per user across sessions, released with the open
 * object, a session's count outliving the session for its opens. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "drivers/srv/server.h"
#include "lib/sid.h"
#include "lib/token.h"
#include "t/tap/tap.h"

static void no_send(struct srv_conn *conn, uint8_t *data, size_t len)
{
    (void)conn;
    (void)len;
    free(data);
}
static void no_shutdown(struct srv_conn *conn) { (void)conn; }
static void no_release(struct srv_conn *conn) { (void)conn; }
static const struct srv_transport transport = { no_send, no_shutdown, no_release, NULL, NULL };

/* The engine wants an authenticator and a share lookup; nothing calls them. */
static NTSTATUS auth_begin(void *ctx, const char *peer, void **x)
{
    (void)ctx;
    (void)peer;
    *x = NULL;
    return STATUS_ACCESS_DENIED;
}
static NTSTATUS auth_step(void *ctx, void *x, const uint8_t *in, size_t in_len, struct buf *out,
                          struct srv_auth_result *result)
{
    (void)ctx, (void)x, (void)in, (void)in_len, (void)out, (void)result;
    return STATUS_ACCESS_DENIED;
}
static NTSTATUS lookup(void *ctx, const char *name, struct srv_share_info *info)
{
    (void)ctx, (void)name, (void)info;
    return STATUS_BAD_NETWORK_NAME;
}

static void test_limits(void)
{
    /* A soft limit of 4000 (or the hard one, if lower). */
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rlim_t hard = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 4000 ? rl.rlim_max : 4000;
    rl.rlim_cur = hard;
    ok(setrlimit(RLIMIT_NOFILE, &rl) == 0, "RLIMIT_NOFILE soft limit set to %lu",
       (unsigned long)hard);
    is_int(srv_open_limit_nofile(), hard, "lwiod's limit is its RLIMIT_NOFILE soft limit");
    struct srv_config c;
    srv_config_defaults(&c);
    uint32_t session, user;
    srv_open_limits_resolve(&c, &session, &user);
    is_int(user, hard / 4, "by default a user may hold a quarter of it");
    is_int(session, hard / 4, "and a session no more than its user (16384 is cut)");
    ok(session + user < hard, "the defaults together stay below the process's limit");
    c.max_opens_per_session = 200;
    c.max_opens_per_user = 300;
    srv_open_limits_resolve(&c, &session, &user);
    ok(session == 200 && user == 300, "set limits are used as set");
    c.max_opens_per_session = 500;
    srv_open_limits_resolve(&c, &session, &user);
    ok(session == 300 && user == 300, "a session limit above the user limit is cut to it");
    c.max_opens_per_session = 0;
    srv_open_limits_resolve(&c, &session, &user);
    ok(session == 300, "session limit 0 means the user limit");
}

static struct srv_session *logged_on(struct srv_engine *e, struct srv_conn *conn, const char *sid)
{
    struct srv_session *s = srv_session_new(e, conn);
    struct sid user;
    sid_parse(sid, &user);
    s->token = token_new(&user, &user);
    return s;
}

static void test_counting(void)
{
    struct srv_config c;
    srv_config_defaults(&c);
    c.max_opens_per_session = 3;
    c.max_opens_per_user = 5;
    c.auth = (struct srv_auth){ .begin = auth_begin, .step = auth_step };
    c.shares = (struct srv_shares){ .lookup = lookup };
    struct srv_engine *e = NULL;
    if (!ok(srv_engine_create(&c, &e) == STATUS_SUCCESS, "engine"))
        return;
    struct srv_conn *conn = srv_conn_new(e, &transport, NULL, "127.0.0.1:1");
    struct srv_share_info share = { .name = "data", .path = "\\pvfs\\tmp", .type = SRV_SHARE_DISK };
    struct srv_tree *tree = srv_tree_new(e, &share);
    struct srv_session *a1 = logged_on(e, conn, "S-1-5-21-1-2-3-1001");
    struct srv_session *a2 = logged_on(e, conn, "S-1-5-21-1-2-3-1001");
    struct srv_session *b = logged_on(e, conn, "S-1-5-21-1-2-3-1002");
    struct srv_open *opens[16] = { 0 };
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        opens[n] = srv_open_new(e, tree, NULL);
        ok(srv_open_charge(opens[n++], a1) == STATUS_SUCCESS, "alice's open %d in session 1", i + 1);
    }
    struct srv_open *extra = srv_open_new(e, tree, NULL);
    is_int(srv_open_charge(extra, a1), STATUS_TOO_MANY_OPENED_FILES,
           "a fourth in that session is refused (per session)");
    is_int(srv_open_charge(extra, a2), STATUS_SUCCESS, "her second session may open");
    opens[n++] = extra;
    opens[n] = srv_open_new(e, tree, NULL);
    is_int(srv_open_charge(opens[n++], a2), STATUS_SUCCESS, "... twice");
    extra = srv_open_new(e, tree, NULL);
    is_int(srv_open_charge(extra, a2), STATUS_TOO_MANY_OPENED_FILES,
           "a sixth of hers is refused (per user), in a session below its own limit");
    is_int(srv_open_charge(extra, b), STATUS_SUCCESS, "bob, another user, opens meanwhile");
    srv_open_unref(extra);
    /* Freeing an open releases its charges. */
    srv_open_unref(opens[0]);
    opens[0] = NULL;
    extra = srv_open_new(e, tree, NULL);
    is_int(srv_open_charge(extra, a2), STATUS_SUCCESS, "one of hers freed: room for one more");
    srv_open_unref(extra);
    /* A session freed before its opens (a durable open outliving it). */
    srv_session_unref(a1);
    a1 = NULL;
    for (size_t i = 0; i < n; i++)
        if (opens[i])
            srv_open_unref(opens[i]);
    extra = srv_open_new(e, tree, NULL);
    is_int(srv_open_charge(extra, a2), STATUS_SUCCESS, "all freed: she opens again");
    srv_open_unref(extra);
    ok(e->user_quotas == NULL, "no user count is left once no open is charged");
    srv_session_unref(a2);
    srv_session_unref(b);
    srv_tree_unref(tree);
    srv_conn_disconnect(conn, "done");
    srv_conn_unref(conn);
    srv_engine_destroy(e);
}

int main(void)
{
    test_counting();
    test_limits();
    return done_testing();
}
