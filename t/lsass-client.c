/* lsass_client (the library srv links) against a real lsassd: negotiate
 * token, SPNEGO logons driven by our NTLM initiator with both MICs, many
 * threads sharing one client, context deletion, lsassd going away and
 * coming back, and lsassd's own start-up (detaching, refusing a second copy). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lsass/client/lsass_client.h"
#include "lsass/ntlm/ntlm.h"
#include "lsass/spnego/spnego.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-lsass-client.XXXXXX";
static char db[256];
static const char *build;
static pid_t daemon_pid = -1;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Starts lsassd in the foreground as our child; waits (bounded) until it answers. */
static struct lsass_client *start_daemon(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/bin/lsassd", build);
    daemon_pid = fork();
    if (daemon_pid == 0) {
        execl(path, "lsassd", "--db", db, "--foreground", "--log-level", "error", (char *)NULL);
        _exit(127);
    }
    struct lsass_client *client = NULL;
    for (int i = 0; i < 200 && !client; i++) {
        if (lsass_client_open(db, &client) != STATUS_SUCCESS)
            sleep_ms(25);
    }
    return client;
}

/* Stops our lsassd by its PID; its exit status (-1 if none ran). */
static int stop_daemon(void)
{
    int status = -1;
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        if (waitpid(daemon_pid, &status, 0) == daemon_pid)
            status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        daemon_pid = -1;
    }
    return status;
}

static void cleanup(void)
{
    stop_daemon();
    run("rm -rf '%s'", dir);
}

/* One SPNEGO logon through the client; returns the final status. */
struct logon_run {
    struct lsass_client *client;
    const char *user, *password;
    bool mech_list_mic;
    struct lsass_logon logon;
    bool key_match, server_mic_ok;
    uint64_t context_after;
};

static NTSTATUS do_logon(struct logon_run *r)
{
    uint8_t hash[16];
    crypto_nt_hash(r->password, hash);
    struct ntlm_client_config cc = { .user = r->user, .domain = "WORKGROUP", .workstation = "WS",
                                     .nt_hash = hash, .send_mic = true };
    struct ntlm_client *nc = ntlm_client_new(&cc);
    struct buf neg, auth, token, mechs;
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint64_t context = 0;
    struct spnego_token parsed;
    NTSTATUS status;
    buf_init(&neg);
    buf_init(&auth);
    buf_init(&token);
    buf_init(&mechs);
    memset(&r->logon, 0, sizeof r->logon);
    r->key_match = r->server_mic_ok = false;

    ntlm_client_negotiate(nc, &neg);
    spnego_write_mech_type_list(&mechs, &SPNEGO_OID_NTLMSSP, 1);
    spnego_write_neg_token_init(&token, &SPNEGO_OID_NTLMSSP, 1, neg.data, neg.len);
    status = lsass_accept_security_context(r->client, &context, token.data, token.len, "127.0.0.1", &out,
                                           &out_len, &r->logon);
    if (status != STATUS_MORE_PROCESSING_REQUIRED)
        goto out;
    if (spnego_parse(out, out_len, &parsed) != STATUS_SUCCESS || !parsed.resp.has_response_token ||
        ntlm_client_authenticate(nc, parsed.resp.response_token.data, parsed.resp.response_token.len, &auth) !=
            STATUS_SUCCESS) {
        status = STATUS_UNSUCCESSFUL;
        goto out;
    }
    uint8_t mic[16];
    struct spnego_neg_token_resp resp = { .neg_state = SPNEGO_NEG_STATE_ABSENT, .has_response_token = true,
                                          .response_token = { auth.data, auth.len } };
    if (r->mech_list_mic) {
        ntlm_sign(ntlm_client_keys(nc), false, mechs.data, mechs.len, mic);
        resp.has_mech_list_mic = true;
        resp.mech_list_mic.data = mic;
        resp.mech_list_mic.len = 16;
    }
    buf_reset(&token);
    spnego_write_neg_token_resp(&token, &resp);
    free(out);
    out = NULL;
    status = lsass_accept_security_context(r->client, &context, token.data, token.len, "127.0.0.1", &out,
                                           &out_len, &r->logon);
    r->context_after = context;
    if (status == STATUS_SUCCESS) {
        struct ntlm_keys *keys = ntlm_client_keys(nc);
        r->key_match = r->logon.session_key_len == 16 &&
                       memcmp(r->logon.session_key, keys->exported_session_key, 16) == 0;
        if (r->mech_list_mic && spnego_parse(out, out_len, &parsed) == STATUS_SUCCESS &&
            parsed.resp.has_mech_list_mic && parsed.resp.mech_list_mic.len == 16)
            r->server_mic_ok = ntlm_verify(keys, false, mechs.data, mechs.len, parsed.resp.mech_list_mic.data) ==
                               STATUS_SUCCESS;
    }
out:
    free(out);
    buf_free(&neg);
    buf_free(&auth);
    buf_free(&token);
    buf_free(&mechs);
    ntlm_client_free(nc);
    return status;
}

static void *logon_thread(void *arg)
{
    struct lsass_client *client = arg;
    long good = 0;
    for (int i = 0; i < 5; i++) {
        struct logon_run r = { .client = client, .user = "alice", .password = "Alice-Pass1" };
        if (do_logon(&r) == STATUS_SUCCESS && r.key_match)
            good++;
        lsass_logon_clear(&r.logon);
    }
    return (void *)good;
}

int main(void)
{
    build = getenv("SW_BUILD");
    if (!build) {
        printf("1..0 # SKIP run through make check (SW_BUILD unset)\n");
        return 0;
    }
    if (!mkdtemp(dir))
        return 1;
    atexit(cleanup);
    snprintf(db, sizeof db, "%s/registry.db", dir);
    int rc = run("'%s/bin/lwadmin' --db '%s' init >/dev/null && "
                 "echo 'Alice-Pass1' | '%s/bin/lwadmin' --db '%s' user add alice --password-stdin",
                 build, db, build, db);
    if (!ok(rc == 0, "provisioned a registry with lwadmin"))
        return done_testing();

    struct lsass_client *client = NULL;
    is_int(lsass_client_open(db, &client), STATUS_NO_LOGON_SERVERS, "no lsassd: STATUS_NO_LOGON_SERVERS");
    client = start_daemon();
    if (!ok(client != NULL, "lsassd started; the client connects"))
        return done_testing();

    uint8_t *token = NULL;
    size_t len = 0;
    struct spnego_token parsed;
    ok(lsass_negotiate_token(client, &token, &len) == STATUS_SUCCESS &&
       spnego_parse(token, len, &parsed) == STATUS_SUCCESS && parsed.type == SPNEGO_NEG_TOKEN_INIT &&
       spnego_oid_equal(parsed.init.mechs[parsed.init.mech_count - 1], SPNEGO_OID_NTLMSSP),
       "lsass_negotiate_token: a NegTokenInit2 offering NTLMSSP");
    free(token);

    struct logon_run r = { .client = client, .user = "alice", .password = "Alice-Pass1", .mech_list_mic = true };
    is_int(do_logon(&r), STATUS_SUCCESS, "a SPNEGO logon with NTLM MIC and mechListMIC");
    ok(r.key_match, "the session key matches the initiator's");
    ok(r.server_mic_ok, "lsassd's mechListMIC verifies");
    ok(r.logon.token && r.logon.token->user.sub_authority[4] == 1000 && !r.logon.is_guest &&
       r.logon.user && strcmp(r.logon.user, "alice") == 0, "the access token and names arrive");
    ok(r.context_after == 0, "a finished logon leaves no context handle");
    lsass_logon_clear(&r.logon);

    r = (struct logon_run){ .client = client, .user = "alice", .password = "nope" };
    is_int(do_logon(&r), STATUS_LOGON_FAILURE, "a wrong password: STATUS_LOGON_FAILURE");
    ok(r.context_after == 0 && r.logon.token == NULL, "... with no context and no logon left over");

    /* Eight threads, five logons each, one client. */
    pthread_t threads[8];
    long good = 0;
    for (int i = 0; i < 8; i++)
        pthread_create(&threads[i], NULL, logon_thread, client);
    for (int i = 0; i < 8; i++) {
        void *n;
        pthread_join(threads[i], &n);
        good += (long)n;
    }
    is_int(good, 40, "40 logons from 8 threads sharing one client all succeed");

    /* Contexts: start one, delete it, try to continue it. */
    struct buf neg, init;
    buf_init(&neg);
    buf_init(&init);
    ntlm_negotiate_write(&neg, NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM);
    spnego_write_neg_token_init(&init, &SPNEGO_OID_NTLMSSP, 1, neg.data, neg.len);
    uint64_t context = 0;
    uint8_t *out = NULL;
    size_t out_len = 0;
    struct lsass_logon logon;
    is_int(lsass_accept_security_context(client, &context, init.data, init.len, NULL, &out, &out_len, &logon),
           STATUS_MORE_PROCESSING_REQUIRED, "a first round trip continues");
    free(out);
    ok(context != 0, "... with a context handle");
    is_int(lsass_delete_security_context(client, context), STATUS_SUCCESS, "the context is deleted");
    uint64_t stale = context;
    is_int(lsass_accept_security_context(client, &context, init.data, init.len, NULL, &out, &out_len, &logon),
           STATUS_INVALID_HANDLE, "a deleted context cannot continue");
    ok(context == 0 && out == NULL, "... and the caller's handle is reset");
    is_int(lsass_delete_security_context(client, stale), STATUS_INVALID_HANDLE, "deleting twice: STATUS_INVALID_HANDLE");

    /* lsassd goes away and comes back: the same client recovers. */
    is_int(stop_daemon(), 0, "lsassd exits 0 on SIGTERM (with clients connected)");
    r = (struct logon_run){ .client = client, .user = "alice", .password = "Alice-Pass1" };
    is_int(do_logon(&r), STATUS_NO_LOGON_SERVERS, "lsassd stopped: STATUS_NO_LOGON_SERVERS");
    struct lsass_client *second = start_daemon();
    ok(second != NULL, "lsassd restarted");
    lsass_client_close(second);
    r = (struct logon_run){ .client = client, .user = "alice", .password = "Alice-Pass1" };
    is_int(do_logon(&r), STATUS_SUCCESS, "the old client works again after the restart");
    lsass_logon_clear(&r.logon);

    /* A second lsassd for the same registry refuses to start. */
    is_int(run("'%s/bin/lsassd' --db '%s' --foreground 2>/dev/null", build, db), 1,
           "a second lsassd for the same registry exits 1");
    stop_daemon();

    /* Without --foreground: returns once serving, pid file written. */
    is_int(run("'%s/bin/lsassd' --db '%s'", build, db), 0, "lsassd detaches and exits 0 once it serves");
    char pid_path[300];
    snprintf(pid_path, sizeof pid_path, "%s/registry.run/lsassd.pid", dir);
    FILE *f = fopen(pid_path, "r");
    long pid = 0;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    struct lsass_client *detached = NULL;
    ok(pid > 0 && lsass_client_open(db, &detached) == STATUS_SUCCESS, "the detached lsassd answers; pid file written");
    lsass_client_close(detached);
    if (pid > 0) {
        kill((pid_t)pid, SIGTERM);
        /* It is not our child: wait (bounded) for its pid file to go. */
        struct stat st;
        for (int i = 0; i < 200 && stat(pid_path, &st) == 0; i++)
            sleep_ms(25);
        ok(stat(pid_path, &st) != 0, "SIGTERM stops it and removes the pid file");
    }
    buf_free(&neg);
    buf_free(&init);
    lsass_client_close(client);
    return done_testing();
}
