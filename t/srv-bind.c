/* Multichannel session binding in process ([MS-SMB2] 3.3.5.5 step 4,
 * 3.3.5.2.4, 3.3.7.1): an engine without a network, connections whose
 * transport captures what srv sends, requests built here. Checks the
 * channel's signing key (3.1.1: from the binding connection's own
 * pre-authentication hash), what each key signs, the refusals, and that a
 * session lives until its last channel goes. The srv_auth is a test double
 * with a fixed session key per logon token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/crypto.h"
#include "drivers/srv/smb2/request.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"
#include "t/tap/tap.h"

#define MAX_FRAMES 8

struct capture {
    uint8_t *frames[MAX_FRAMES];
    size_t lens[MAX_FRAMES];
    size_t count;
};

static void cap_send(struct srv_conn *conn, uint8_t *data, size_t len)
{
    struct capture *c = conn->transport_state;
    if (c->count < MAX_FRAMES) {
        c->frames[c->count] = data;
        c->lens[c->count++] = len;
    } else {
        free(data);
    }
}

static void cap_shutdown(struct srv_conn *conn) { (void)conn; }

static void cap_clear(struct capture *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->frames[i]);
    c->count = 0;
}

static void cap_release(struct srv_conn *conn) { cap_clear(conn->transport_state); }

static const struct srv_transport capture_transport = { cap_send, cap_shutdown, cap_release, NULL, NULL };

/* ---- Test doubles ----------------------------------------------------------
 * Leg 1: any token -> "CHALLENGE". Leg 2: "GOOD" logs on alice, "BOB" logs
 * on another user, anything else fails. Each logon has its own key (as
 * NTLM's are): the binding's key must be the one the channel signs with. */

static uint8_t next_key = 0x40;
static uint8_t last_key[16];

static NTSTATUS auth_begin(void *ctx, const char *peer, void **x)
{
    (void)ctx, (void)peer;
    *x = calloc(1, 1);
    return STATUS_SUCCESS;
}

static NTSTATUS auth_step(void *ctx, void *x, const uint8_t *token, size_t len, struct buf *out,
                          struct srv_auth_result *result)
{
    (void)ctx;
    uint8_t *legs = x;
    if ((*legs)++ == 0) {
        wr_bytes(out, "CHALLENGE", 9);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    bool bob = len == 3 && memcmp(token, "BOB", 3) == 0;
    if (!bob && (len != 4 || memcmp(token, "GOOD", 4) != 0))
        return STATUS_LOGON_FAILURE;
    struct sid user = { 0 };
    user.revision = 1;
    user.sub_authority_count = 1;
    user.sub_authority[0] = bob ? 1001 : 1000;
    result->token = token_new(&user, &user);
    for (int i = 0; i < 16; i++)
        last_key[i] = (uint8_t)(next_key + i);
    next_key += 16;
    memcpy(result->session_key, last_key, 16);
    result->session_key_len = 16;
    snprintf(result->user_name, sizeof result->user_name, bob ? "TEST\\bob" : "TEST\\alice");
    return STATUS_SUCCESS;
}

static void auth_end(void *ctx, void *x)
{
    (void)ctx;
    free(x);
}

static NTSTATUS lookup(void *ctx, const char *name, struct srv_share_info *info)
{
    (void)ctx, (void)name, (void)info;
    return STATUS_BAD_NETWORK_NAME;
}

static NTSTATUS queue_work(srv_work_fn fn, void *ctx)
{
    fn(ctx);
    return STATUS_SUCCESS;
}

/* ---- A tiny client -------------------------------------------------------- */

struct client {
    struct srv_conn *conn;
    struct capture cap;
    uint64_t mid;
    uint16_t dialect;
    uint8_t preauth[64];       /* the connection's, after NEGOTIATE */
    uint32_t caps;             /* the server's */
};

static void hdr(struct buf *b, uint16_t command, uint64_t mid, uint64_t sid, uint32_t flags)
{
    wr_bytes(b, SMB2_PROTOCOL_ID, 4);
    wr_u16(b, 64);
    wr_u16(b, 1);
    wr_u32(b, 0);
    wr_u16(b, command);
    wr_u16(b, 8);
    wr_u32(b, flags);
    wr_u32(b, 0);
    wr_u64(b, mid);
    wr_u32(b, 0);
    wr_u32(b, 0);
    wr_u64(b, sid);
    wr_zeros(b, 16);
}

/* Feeds a message and returns the first response (or NULL). */
static const uint8_t *feed(struct client *c, struct buf *b, size_t *len)
{
    cap_clear(&c->cap);
    uint8_t *copy = malloc(b->len);
    memcpy(copy, b->data, b->len);
    srv_conn_receive(c->conn, copy, b->len);
    buf_reset(b);
    if (c->cap.count == 0)
        return NULL;
    *len = c->cap.lens[0] - 4;
    return c->cap.frames[0] + 4;
}

static NTSTATUS status_of(const uint8_t *m) { return m ? le32_load(m + SMB2_HDR_OFF_STATUS) : 0; }

/* NEGOTIATE of one dialect; 3.1.1 offers GMAC and AES-128-GCM. */
static void client_open(struct client *c, struct srv_engine *engine, uint16_t dialect)
{
    memset(c, 0, sizeof *c);
    c->conn = srv_conn_new(engine, &capture_transport, &c->cap, "127.0.0.1:1");
    c->dialect = dialect;
    struct buf b;
    buf_init(&b);
    hdr(&b, SMB2_NEGOTIATE, c->mid++, 0, 0);
    wr_u16(&b, 36);
    wr_u16(&b, 1);
    wr_u16(&b, SMB2_NEGOTIATE_SIGNING_ENABLED);
    wr_u16(&b, 0);
    wr_u32(&b, SMB2_GLOBAL_CAP_ENCRYPTION);
    wr_zeros(&b, 16);
    size_t ctx_off_at = wr_reserve(&b, 4);
    wr_u16(&b, dialect == SMB2_DIALECT_311 ? 3 : 0);
    wr_u16(&b, 0);
    wr_u16(&b, dialect);
    if (dialect == SMB2_DIALECT_311) {
        wr_align(&b, 8);
        wr_put_u32_at(&b, ctx_off_at, (uint32_t)b.len);
        wr_u16(&b, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
        wr_u16(&b, 38);
        wr_u32(&b, 0);
        wr_u16(&b, 1);
        wr_u16(&b, 32);
        wr_u16(&b, SMB2_PREAUTH_INTEGRITY_SHA512);
        wr_zeros(&b, 32);
        wr_align(&b, 8);
        wr_u16(&b, SMB2_ENCRYPTION_CAPABILITIES);
        wr_u16(&b, 4);
        wr_u32(&b, 0);
        wr_u16(&b, 1);
        wr_u16(&b, SMB2_ENCRYPTION_AES128_GCM);
        wr_align(&b, 8);
        wr_u16(&b, SMB2_SIGNING_CAPABILITIES);
        wr_u16(&b, 4);
        wr_u32(&b, 0);
        wr_u16(&b, 1);
        wr_u16(&b, SMB2_SIGNING_AES_GMAC);
    }
    smb2_preauth_update(c->preauth, b.data, b.len);
    size_t len = 0;
    const uint8_t *m = feed(c, &b, &len);
    if (m) {
        smb2_preauth_update(c->preauth, m, len);
        c->caps = le32_load(m + 64 + 24);
    }
    buf_free(&b);
}

static void client_close(struct client *c)
{
    srv_conn_disconnect(c->conn, "test done");
    srv_conn_unref(c->conn);
}

static void setup_request(struct buf *b, struct client *c, uint64_t sid, uint8_t flags,
                          const char *token)
{
    hdr(b, SMB2_SESSION_SETUP, c->mid++, sid, 0);
    wr_u16(b, 25);
    wr_u8(b, flags);
    wr_u8(b, SMB2_NEGOTIATE_SIGNING_ENABLED);
    wr_u32(b, 0);
    wr_u32(b, 0);
    wr_u16(b, 64 + 24);
    wr_u16(b, (uint16_t)strlen(token));
    wr_u64(b, 0);
    wr_bytes(b, token, strlen(token));
}

static void sign(struct buf *b, uint16_t alg, const uint8_t key[16])
{
    le32_store(b->data + SMB2_HDR_OFF_FLAGS, le32_load(b->data + SMB2_HDR_OFF_FLAGS) |
                                                  SMB2_FLAGS_SIGNED);
    smb2_sign(alg, key, b->data, b->len);
}

struct session {
    uint64_t id;
    uint16_t alg;
    uint8_t key[16];           /* Session.SigningKey */
};

/* A first logon on c (two legs). */
static NTSTATUS logon(struct client *c, struct session *s, const char *second)
{
    struct buf b;
    buf_init(&b);
    uint8_t hash[64];
    memcpy(hash, c->preauth, 64);
    setup_request(&b, c, 0, 0, "HELLO");
    smb2_preauth_update(hash, b.data, b.len);
    size_t len = 0;
    const uint8_t *m = feed(c, &b, &len);
    NTSTATUS status = status_of(m);
    if (status == STATUS_MORE_PROCESSING_REQUIRED) {
        smb2_preauth_update(hash, m, len);
        s->id = le64_load(m + SMB2_HDR_OFF_SESSION_ID);
        setup_request(&b, c, s->id, 0, second);
        smb2_preauth_update(hash, b.data, b.len);
        status = status_of(feed(c, &b, &len));
    }
    if (status == STATUS_SUCCESS) {
        struct smb2_keys keys;
        smb2_derive_keys(c->dialect, SMB2_ENCRYPTION_AES128_GCM, last_key, 16, hash, &keys);
        memcpy(s->key, keys.signing, 16);
        s->alg = c->dialect == SMB2_DIALECT_311 ? SMB2_SIGNING_AES_GMAC
                 : SMB2_DIALECT_IS_3(c->dialect) ? SMB2_SIGNING_AES_CMAC
                                                 : SMB2_SIGNING_HMAC_SHA256;
    }
    buf_free(&b);
    return status;
}

/* A binding of c to s (two legs signed with the session's key); on success
 * key gets the channel's signing key as the client derives it. *first is
 * the status of the first leg; the second's is returned. */
static NTSTATUS bind(struct client *c, const struct session *s, const char *second,
                     NTSTATUS *first, bool *first_signed_ok, uint8_t key[16],
                     bool *final_signed_ok)
{
    struct buf b;
    buf_init(&b);
    uint8_t hash[64];
    memcpy(hash, c->preauth, 64);
    setup_request(&b, c, s->id, SMB2_SESSION_FLAG_BINDING, "HELLO");
    sign(&b, s->alg, s->key);
    smb2_preauth_update(hash, b.data, b.len);
    size_t len = 0;
    const uint8_t *m = feed(c, &b, &len);
    *first = status_of(m);
    *first_signed_ok = m && smb2_verify(s->alg, s->key, m, len);
    NTSTATUS status = *first;
    if (status == STATUS_MORE_PROCESSING_REQUIRED) {
        smb2_preauth_update(hash, m, len);
        setup_request(&b, c, s->id, SMB2_SESSION_FLAG_BINDING, second);
        sign(&b, s->alg, s->key);
        smb2_preauth_update(hash, b.data, b.len);
        m = feed(c, &b, &len);
        status = status_of(m);
        if (status == STATUS_SUCCESS) {
            struct smb2_keys keys;
            smb2_derive_keys(c->dialect, SMB2_ENCRYPTION_AES128_GCM, last_key, 16, hash, &keys);
            memcpy(key, keys.signing, 16);
            *final_signed_ok = smb2_verify(s->alg, key, m, len);
        }
    }
    buf_free(&b);
    return status;
}

/* A signed ECHO naming the session; returns its status, and whether the
 * answer verifies with key. */
static NTSTATUS echo(struct client *c, uint64_t sid, uint16_t alg, const uint8_t key[16],
                     bool *answer_ok)
{
    struct buf b;
    buf_init(&b);
    hdr(&b, SMB2_ECHO, c->mid++, sid, 0);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    sign(&b, alg, key);
    size_t len = 0;
    const uint8_t *m = feed(c, &b, &len);
    *answer_ok = m && smb2_verify(alg, key, m, len);
    NTSTATUS status = status_of(m);
    buf_free(&b);
    return status;
}

static void test_bind_311(struct srv_engine *engine)
{
    struct client c1, c2, c3;
    struct session s;
    client_open(&c1, engine, SMB2_DIALECT_311);
    ok(c1.caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL, "3.1.1 NEGOTIATE announces MULTI_CHANNEL");
    is_int(logon(&c1, &s, "GOOD"), STATUS_SUCCESS, "logon on the first connection");
    client_open(&c2, engine, SMB2_DIALECT_311);

    /* Unsigned binding: STATUS_INVALID_PARAMETER (3.3.5.5). */
    struct buf b;
    buf_init(&b);
    setup_request(&b, &c2, s.id, SMB2_SESSION_FLAG_BINDING, "HELLO");
    size_t len = 0;
    is_int(status_of(feed(&c2, &b, &len)), STATUS_INVALID_PARAMETER, "unsigned binding refused");
    /* Signed with a wrong key: STATUS_ACCESS_DENIED (3.3.5.2.4). */
    setup_request(&b, &c2, s.id, SMB2_SESSION_FLAG_BINDING, "HELLO");
    uint8_t wrong[16] = { 1 };
    sign(&b, s.alg, wrong);
    is_int(status_of(feed(&c2, &b, &len)), STATUS_ACCESS_DENIED, "badly signed binding refused");
    /* A session that does not exist. */
    setup_request(&b, &c2, s.id + 1000, SMB2_SESSION_FLAG_BINDING, "HELLO");
    is_int(status_of(feed(&c2, &b, &len)), STATUS_USER_SESSION_DELETED,
           "binding to no session: USER_SESSION_DELETED");
    /* Not bound yet: the session is not usable here. */
    bool answer_ok = false;
    is_int(echo(&c2, s.id, s.alg, s.key, &answer_ok), STATUS_USER_SESSION_DELETED,
           "before binding, the second connection does not know the session");
    ok(answer_ok, "... answered signed with the session's key");

    /* The binding of another user: ACCESS_DENIED, nothing left behind. */
    NTSTATUS first;
    bool first_ok = false, final_ok = false;
    uint8_t channel_key[16];
    is_int(bind(&c2, &s, "BOB", &first, &first_ok, channel_key, &final_ok),
           STATUS_ACCESS_DENIED, "binding as another user: ACCESS_DENIED");
    is_int(bind(&c2, &s, "WRONG", &first, &first_ok, channel_key, &final_ok),
           STATUS_LOGON_FAILURE, "binding with bad credentials: LOGON_FAILURE");

    is_int(bind(&c2, &s, "GOOD", &first, &first_ok, channel_key, &final_ok), STATUS_SUCCESS,
           "binding the second connection");
    is_int(first, STATUS_MORE_PROCESSING_REQUIRED, "... first leg MORE_PROCESSING_REQUIRED");
    ok(first_ok, "... its answer signed with Session.SigningKey");
    ok(final_ok, "final answer signed with Channel.SigningKey from the binding's own preauth hash");
    ok(memcmp(channel_key, s.key, 16) != 0, "Channel.SigningKey differs from the session's");

    is_int(echo(&c2, s.id, s.alg, channel_key, &answer_ok), STATUS_SUCCESS,
           "the channel signs with its key");
    ok(answer_ok, "... and is answered with it");
    is_int(echo(&c2, s.id, s.alg, s.key, &answer_ok), STATUS_ACCESS_DENIED,
           "the session's key is not the channel's");
    is_int(echo(&c1, s.id, s.alg, s.key, &answer_ok), STATUS_SUCCESS,
           "the first connection still signs with Session.SigningKey");
    is_int(bind(&c2, &s, "GOOD", &first, &first_ok, channel_key, &final_ok), STATUS_ACCESS_DENIED,
           "binding again signed with the session's key: the channel's key is expected");

    /* 3.3.7.1: losing a channel leaves the session to the others. */
    client_open(&c3, engine, SMB2_DIALECT_311);
    uint8_t key3[16];
    is_int(bind(&c3, &s, "GOOD", &first, &first_ok, key3, &final_ok), STATUS_SUCCESS,
           "binding a third connection");
    client_close(&c1);
    is_int(echo(&c2, s.id, s.alg, channel_key, &answer_ok), STATUS_SUCCESS,
           "the first connection gone, the session lives on the second");
    client_close(&c2);
    is_int(echo(&c3, s.id, s.alg, key3, &answer_ok), STATUS_SUCCESS, "... and on the third");

    /* LOGOFF on one channel ends the session on all (3.3.5.6). */
    struct client c4;
    client_open(&c4, engine, SMB2_DIALECT_311);
    uint8_t key4[16];
    is_int(bind(&c4, &s, "GOOD", &first, &first_ok, key4, &final_ok), STATUS_SUCCESS,
           "binding a fourth connection");
    hdr(&b, SMB2_LOGOFF, c3.mid++, s.id, 0);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    sign(&b, s.alg, key3);
    is_int(status_of(feed(&c3, &b, &len)), STATUS_SUCCESS, "LOGOFF on the third");
    is_int(echo(&c4, s.id, s.alg, key4, &answer_ok), STATUS_USER_SESSION_DELETED,
           "the fourth connection lost the session too");
    client_close(&c3);
    client_close(&c4);
    buf_free(&b);
}

/* Dialect and signing algorithm mismatches, in the order Windows checks. */
static void test_mismatch(struct srv_engine *engine)
{
    struct client c1, c2, c3;
    struct session s;
    client_open(&c1, engine, SMB2_DIALECT_302);
    is_int(logon(&c1, &s, "GOOD"), STATUS_SUCCESS, "3.0.2 logon");
    client_open(&c2, engine, SMB2_DIALECT_300);
    NTSTATUS first;
    bool first_ok, final_ok;
    uint8_t key[16];
    bind(&c2, &s, "GOOD", &first, &first_ok, key, &final_ok);
    is_int(first, STATUS_INVALID_PARAMETER, "3.0 connection, 3.0.2 session: INVALID_PARAMETER");
    client_open(&c3, engine, SMB2_DIALECT_210);
    bind(&c3, &s, "GOOD", &first, &first_ok, key, &final_ok);
    is_int(first, STATUS_REQUEST_NOT_ACCEPTED, "2.1 connection: REQUEST_NOT_ACCEPTED");
    ok(!(c3.caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL), "2.1 NEGOTIATE has no MULTI_CHANNEL");
    client_close(&c3);
    client_open(&c3, engine, SMB2_DIALECT_311);
    bind(&c3, &s, "GOOD", &first, &first_ok, key, &final_ok);
    is_int(first, STATUS_NOT_SUPPORTED, "GMAC connection, CMAC session: NOT_SUPPORTED");
    client_close(&c1);
    client_close(&c2);
    client_close(&c3);
}

/* Session.ChannelList holds 32. */
static void test_channel_cap(struct srv_engine *engine)
{
    struct client c[SRV_MAX_CHANNELS + 1];
    struct session s;
    client_open(&c[0], engine, SMB2_DIALECT_311);
    is_int(logon(&c[0], &s, "GOOD"), STATUS_SUCCESS, "logon for the channel limit");
    int bound = 1;
    NTSTATUS first, last = STATUS_SUCCESS;
    bool first_ok, final_ok;
    uint8_t key[16];
    for (int i = 1; i <= SRV_MAX_CHANNELS; i++) {
        client_open(&c[i], engine, SMB2_DIALECT_311);
        last = bind(&c[i], &s, "GOOD", &first, &first_ok, key, &final_ok);
        if (last == STATUS_SUCCESS)
            bound++;
        else
            break;
    }
    is_int(bound, SRV_MAX_CHANNELS, "32 channels bind");
    is_int(last, STATUS_INSUFFICIENT_RESOURCES, "the 33rd is refused");
    for (int i = 0; i <= SRV_MAX_CHANNELS; i++)
        client_close(&c[i]);
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR);
    struct srv_config config;
    srv_config_defaults(&config);
    config.auth = (struct srv_auth){ .begin = auth_begin, .step = auth_step, .end = auth_end };
    config.shares = (struct srv_shares){ .lookup = lookup };
    config.queue_work = queue_work;
    struct srv_engine *engine = NULL;
    if (!ok(srv_engine_create(&config, &engine) == STATUS_SUCCESS, "engine"))
        return done_testing();
    test_bind_311(engine);
    test_mismatch(engine);
    test_channel_cap(engine);
    srv_engine_destroy(engine);

    config.multichannel = false;
    ok(srv_engine_create(&config, &engine) == STATUS_SUCCESS, "engine with multichannel off");
    struct client c1, c2;
    struct session s;
    client_open(&c1, engine, SMB2_DIALECT_311);
    ok(!(c1.caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL), "no MULTI_CHANNEL announced");
    logon(&c1, &s, "GOOD");
    client_open(&c2, engine, SMB2_DIALECT_311);
    NTSTATUS first;
    bool first_ok, final_ok;
    uint8_t key[16];
    bind(&c2, &s, "GOOD", &first, &first_ok, key, &final_ok);
    is_int(first, STATUS_REQUEST_NOT_ACCEPTED, "binding refused: REQUEST_NOT_ACCEPTED");
    client_close(&c1);
    client_close(&c2);
    srv_engine_destroy(engine);
    return done_testing();
}
