/* The dispatcher end to end, in process: an engine without a network, a
 * connection whose transport captures what srv sends, and requests built
 * byte by byte here. Covers NEGOTIATE (SMB1 wildcard and SMB2, 3.1.1
 * contexts), SESSION_SETUP with the pre-authentication hash and signing,
 * compounds (related and unrelated), errors, credits, CANCEL of a parked
 * request, and encryption.
 *
 * The srv_auth used here is a test double with a fixed session key: what is
 * under test is srv's handling of a logon, not authentication itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/crypto.h"
#include "drivers/srv/smb2/request.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"
#include "t/tap/tap.h"

/* ---- Capture transport --------------------------------------------------- */

#define MAX_FRAMES 64

struct capture {
    uint8_t *frames[MAX_FRAMES];
    size_t lens[MAX_FRAMES];
    size_t count;
    bool shut;
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

static void cap_shutdown(struct srv_conn *conn)
{
    ((struct capture *)conn->transport_state)->shut = true;
}

static void cap_clear(struct capture *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->frames[i]);
    c->count = 0;
}

static void cap_release(struct srv_conn *conn)
{
    cap_clear(conn->transport_state);
}

static const struct srv_transport capture_transport = { cap_send, cap_shutdown, cap_release, NULL, NULL };

/* ---- Test doubles: auth, shares, a deferred work queue ------------------- */

static const uint8_t session_key[16] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                         0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f };

static NTSTATUS auth_begin(void *ctx, const char *peer, void **x)
{
    *x = calloc(1, 1);
    return STATUS_SUCCESS;
}

/* Leg 1: any token -> "CHALLENGE"; leg 2: "GOOD" -> logon, else failure. */
static NTSTATUS auth_step(void *ctx, void *x, const uint8_t *token, size_t len, struct buf *out,
                          struct srv_auth_result *result)
{
    uint8_t *legs = x;
    if ((*legs)++ == 0) {
        wr_bytes(out, "CHALLENGE", 9);
        return STATUS_MORE_PROCESSING_REQUIRED;
    }
    if (len != 4 || memcmp(token, "GOOD", 4) != 0)
        return STATUS_LOGON_FAILURE;
    struct sid user = { 0 };
    result->token = token_new(&user, &user);
    memcpy(result->session_key, session_key, 16);
    result->session_key_len = 16;
    snprintf(result->user_name, sizeof result->user_name, "TEST\\alice");
    return STATUS_SUCCESS;
}

static void auth_end(void *ctx, void *x)
{
    free(x);
}

static NTSTATUS negotiate_token(void *ctx, struct buf *out)
{
    wr_bytes(out, "SPNEGO-INIT", 11);
    return STATUS_SUCCESS;
}

static NTSTATUS lookup(void *ctx, const char *name, struct srv_share_info *info)
{
    if (strcmp(name, "IPC$") != 0 && strcmp(name, "data") != 0 && strcmp(name, "secret") != 0)
        return STATUS_BAD_NETWORK_NAME;
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", name);
    info->type = name[0] == 'I' ? SRV_SHARE_PIPE : SRV_SHARE_DISK;
    info->encrypt_data = strcmp(name, "secret") == 0;
    return STATUS_SUCCESS;
}

/* Work runs when the test says so (to hold a request parked), or at once. */
static bool defer_work;
static srv_work_fn deferred_fn;
static void *deferred_ctx;

static NTSTATUS queue_work(srv_work_fn fn, void *ctx)
{
    if (defer_work) {
        deferred_fn = fn;
        deferred_ctx = ctx;
    } else {
        fn(ctx);
    }
    return STATUS_SUCCESS;
}

static void run_deferred(void)
{
    srv_work_fn fn = deferred_fn;
    deferred_fn = NULL;
    if (fn)
        fn(deferred_ctx);
}

/* ---- A tiny client -------------------------------------------------------- */

struct client {
    struct srv_engine *engine;
    struct srv_conn *conn;
    struct capture cap;
    uint64_t mid;
    uint64_t session_id;
    uint16_t dialect;
    uint8_t preauth[64];
    struct smb2_keys keys;
    uint16_t sign_alg;
    uint16_t cipher;
};

static void client_open(struct client *c, struct srv_engine *engine)
{
    memset(c, 0, sizeof *c);
    c->engine = engine;
    c->conn = srv_conn_new(engine, &capture_transport, &c->cap, "test");
}

static void client_close(struct client *c)
{
    srv_conn_disconnect(c->conn, "test done");
    srv_conn_unref(c->conn);
}

/* Appends a sync header. */
static void hdr(struct buf *b, uint16_t command, uint64_t mid, uint64_t sid, uint32_t tid,
                uint32_t flags, uint16_t charge, uint16_t credits)
{
    wr_bytes(b, SMB2_PROTOCOL_ID, 4);
    wr_u16(b, 64);
    wr_u16(b, charge);
    wr_u32(b, 0);
    wr_u16(b, command);
    wr_u16(b, credits);
    wr_u32(b, flags);
    wr_u32(b, 0);
    wr_u64(b, mid);
    wr_u32(b, 0);
    wr_u32(b, tid);
    wr_u64(b, sid);
    wr_zeros(b, 16);
}

/* Feeds a message (copied) and returns how many frames came back. */
static size_t feed(struct client *c, const uint8_t *msg, size_t len)
{
    cap_clear(&c->cap);
    uint8_t *copy = malloc(len);
    memcpy(copy, msg, len);
    srv_conn_receive(c->conn, copy, len);
    return c->cap.count;
}

static size_t feed_buf(struct client *c, struct buf *b)
{
    size_t n = feed(c, b->data, b->len);
    buf_free(b);
    return n;
}

/* The SMB2 message of captured frame i (the 4-byte length checked). */
static const uint8_t *frame(struct client *c, size_t i, size_t *len)
{
    if (i >= c->cap.count)
        return NULL;
    const uint8_t *f = c->cap.frames[i];
    size_t l = (size_t)f[1] << 16 | (size_t)f[2] << 8 | f[3];
    if (f[0] != 0 || l + 4 != c->cap.lens[i])
        return NULL;
    *len = l;
    return f + 4;
}

static NTSTATUS status_of(const uint8_t *m) { return le32_load(m + SMB2_HDR_OFF_STATUS); }

static void negotiate_request(struct buf *b, uint64_t mid, const uint16_t *dialects, int n,
                              bool contexts)
{
    hdr(b, SMB2_NEGOTIATE, mid, 0, 0, 0, 1, 31);
    wr_u16(b, 36);
    wr_u16(b, (uint16_t)n);
    wr_u16(b, SMB2_NEGOTIATE_SIGNING_ENABLED);
    wr_u16(b, 0);
    wr_u32(b, SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_ENCRYPTION);
    for (int i = 0; i < 16; i++)
        wr_u8(b, (uint8_t)(0xC0 + i));
    size_t ctx_off_at = wr_reserve(b, 4);
    wr_u16(b, contexts ? 3 : 0);
    wr_u16(b, 0);
    for (int i = 0; i < n; i++)
        wr_u16(b, dialects[i]);
    if (!contexts)
        return;
    wr_align(b, 8);
    wr_put_u32_at(b, ctx_off_at, (uint32_t)b->len);
    wr_u16(b, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
    wr_u16(b, 38);
    wr_u32(b, 0);
    wr_u16(b, 1);
    wr_u16(b, 32);
    wr_u16(b, SMB2_PREAUTH_INTEGRITY_SHA512);
    wr_zeros(b, 32);
    wr_align(b, 8);
    wr_u16(b, SMB2_ENCRYPTION_CAPABILITIES);
    wr_u16(b, 6);
    wr_u32(b, 0);
    wr_u16(b, 2);
    wr_u16(b, SMB2_ENCRYPTION_AES128_CCM);
    wr_u16(b, SMB2_ENCRYPTION_AES128_GCM);
    wr_align(b, 8);
    wr_u16(b, SMB2_SIGNING_CAPABILITIES);
    wr_u16(b, 6);
    wr_u32(b, 0);
    wr_u16(b, 2);
    wr_u16(b, SMB2_SIGNING_AES_CMAC);
    wr_u16(b, SMB2_SIGNING_AES_GMAC);
}

/* Finds a negotiate context in a NEGOTIATE response; returns its data. */
static const uint8_t *find_context(const uint8_t *m, size_t len, uint16_t type)
{
    uint16_t count = le16_load(m + 64 + 6);
    uint32_t off = le32_load(m + 64 + 60);
    struct buf_reader r;
    rd_init(&r, m, len);
    rd_seek(&r, off);
    for (uint16_t i = 0; i < count && rd_ok(&r); i++) {
        rd_align(&r, 8);
        uint16_t t = rd_u16(&r);
        uint16_t l = rd_u16(&r);
        rd_skip(&r, 4);
        const uint8_t *d = rd_bytes(&r, l);
        if (d && t == type)
            return d;
    }
    return NULL;
}

static void test_negotiate_311(struct srv_engine *engine, struct client *c)
{
    static const uint16_t dialects[] = { 0x0202, 0x0210, 0x0300, 0x0302, 0x0311 };
    struct buf b;
    buf_init(&b);
    negotiate_request(&b, c->mid++, dialects, 5, true);
    smb2_preauth_update(c->preauth, b.data, b.len);
    is_int(feed_buf(c, &b), 1, "NEGOTIATE 3.1.1: one response");
    size_t len = 0;
    const uint8_t *m = frame(c, 0, &len);
    ok(m && status_of(m) == STATUS_SUCCESS, "NEGOTIATE succeeds");
    is_int(le16_load(m + 64 + 4), 0x0311, "dialect 3.1.1 chosen");
    is_int(le16_load(m + 64 + 2), SMB2_NEGOTIATE_SIGNING_ENABLED, "signing enabled, not required");
    is_int(le16_load(m + SMB2_HDR_OFF_CREDIT), 31, "credits granted as asked");
    uint16_t sec_off = le16_load(m + 64 + 56), sec_len = le16_load(m + 64 + 58);
    ok(sec_len == 11 && memcmp(m + sec_off, "SPNEGO-INIT", 11) == 0,
       "security buffer carries srv_auth's token");
    uint8_t guid[16];
    for (int i = 0; i < 16; i++)
        guid[i] = (uint8_t)(0xA0 + i);
    is_mem(m + 64 + 8, 16, guid, 16, "ServerGuid from the configuration");
    ok(le32_load(m + 64 + 60) % 8 == 0, "NegotiateContextOffset 8-byte aligned");
    const uint8_t *pre = find_context(m, len, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
    ok(pre && le16_load(pre) == 1 && le16_load(pre + 2) == 32 &&
           le16_load(pre + 4) == SMB2_PREAUTH_INTEGRITY_SHA512,
       "preauth context: SHA-512 and a 32-byte salt");
    const uint8_t *enc = find_context(m, len, SMB2_ENCRYPTION_CAPABILITIES);
    ok(enc && le16_load(enc) == 1 && le16_load(enc + 2) == SMB2_ENCRYPTION_AES128_GCM,
       "encryption context: AES-128-GCM (server's preference among the client's)");
    const uint8_t *sig = find_context(m, len, SMB2_SIGNING_CAPABILITIES);
    ok(sig && le16_load(sig + 2) == SMB2_SIGNING_AES_GMAC, "signing context: AES-GMAC");
    smb2_preauth_update(c->preauth, m, len);
    is_mem(c->conn->preauth_hash, 64, c->preauth, 64,
           "server's connection preauth hash = H(H(0|request)|response)");
    c->dialect = 0x0311;
    c->cipher = SMB2_ENCRYPTION_AES128_GCM;
    c->sign_alg = SMB2_SIGNING_AES_GMAC;
}

static void session_setup_request(struct buf *b, uint64_t mid, uint64_t sid, const char *token)
{
    hdr(b, SMB2_SESSION_SETUP, mid, sid, 0, 0, 1, 32);
    wr_u16(b, 25);
    wr_u8(b, 0);
    wr_u8(b, SMB2_NEGOTIATE_SIGNING_ENABLED);
    wr_u32(b, 0);
    wr_u32(b, 0);
    wr_u16(b, 64 + 24);
    wr_u16(b, (uint16_t)strlen(token));
    wr_u64(b, 0);
    wr_bytes(b, token, strlen(token));
}

/* Two legs; returns the final status. */
static NTSTATUS logon(struct client *c, const char *second)
{
    struct buf b;
    buf_init(&b);
    uint8_t hash[64];
    memcpy(hash, c->preauth, 64);
    session_setup_request(&b, c->mid++, 0, "HELLO");
    smb2_preauth_update(hash, b.data, b.len);
    feed_buf(c, &b);
    size_t len = 0;
    const uint8_t *m = frame(c, 0, &len);
    if (!m || status_of(m) != STATUS_MORE_PROCESSING_REQUIRED)
        return m ? status_of(m) : STATUS_UNSUCCESSFUL;
    smb2_preauth_update(hash, m, len);
    c->session_id = le64_load(m + SMB2_HDR_OFF_SESSION_ID);
    buf_init(&b);
    session_setup_request(&b, c->mid++, c->session_id, second);
    smb2_preauth_update(hash, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    if (!m)
        return STATUS_UNSUCCESSFUL;
    if (status_of(m) == STATUS_SUCCESS) {
        smb2_derive_keys(c->dialect, c->cipher, session_key, 16, hash, &c->keys);
        if (c->dialect < 0x0300)
            c->sign_alg = SMB2_SIGNING_HMAC_SHA256;
        else if (c->dialect < 0x0311)
            c->sign_alg = SMB2_SIGNING_AES_CMAC;
    }
    return status_of(m);
}

static void echo_request(struct buf *b, uint64_t mid, uint64_t sid, uint32_t flags)
{
    hdr(b, SMB2_ECHO, mid, sid, 0, flags, 1, 1);
    wr_u16(b, 4);
    wr_u16(b, 0);
}

static void tree_connect_request(struct buf *b, uint64_t mid, uint64_t sid, const char *share,
                                 uint32_t flags)
{
    size_t start = b->len;
    hdr(b, SMB2_TREE_CONNECT, mid, sid, 0, flags, 1, 1);
    char path[128];
    snprintf(path, sizeof path, "\\\\srv\\%s", share);
    wr_u16(b, 9);
    wr_u16(b, 0);
    wr_u16(b, 64 + 8);
    wr_u16(b, (uint16_t)(strlen(path) * 2));
    for (const char *p = path; *p; p++)
        wr_u16(b, (uint8_t)*p);
    (void)start;
}

static void test_session(struct client *c)
{
    is_int(logon(c, "GOOD"), STATUS_SUCCESS, "SESSION_SETUP: two legs, then success");
    size_t len = 0;
    const uint8_t *m = frame(c, 0, &len);
    ok(le32_load(m + SMB2_HDR_OFF_FLAGS) & SMB2_FLAGS_SIGNED, "final SESSION_SETUP response signed");
    ok(smb2_verify(c->sign_alg, c->keys.signing, m, len),
       "its GMAC signature verifies with the key from the client's own preauth hash");
    is_int(le16_load(m + 64 + 2), 0, "no guest, null or encryption flags");

    /* A signed ECHO gets a signed answer; a bad signature gets ACCESS_DENIED. */
    struct buf b;
    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    ok(m && status_of(m) == STATUS_SUCCESS && smb2_verify(c->sign_alg, c->keys.signing, m, len),
       "signed ECHO: success, response signed");
    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    b.data[b.len - 1] ^= 1;
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    ok(m && status_of(m) == STATUS_ACCESS_DENIED, "tampered signed request: ACCESS_DENIED");
    ok(m && !(le32_load(m + SMB2_HDR_OFF_FLAGS) & SMB2_FLAGS_SIGNED), "and its answer is unsigned");

    /* Tree connects. */
    buf_init(&b);
    tree_connect_request(&b, c->mid++, c->session_id, "nosuch", SMB2_FLAGS_SIGNED);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_BAD_NETWORK_NAME, "TREE_CONNECT to a missing share");
    buf_init(&b);
    tree_connect_request(&b, c->mid++, c->session_id, "IPC$", SMB2_FLAGS_SIGNED);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    ok(m && status_of(m) == STATUS_SUCCESS && m[64 + 2] == SMB2_SHARE_TYPE_PIPE,
       "TREE_CONNECT IPC$: a pipe share");
    ok(m && le32_load(m + SMB2_HDR_OFF_TREE_ID) != 0, "a TreeId is given");
}

/* Builds a compound of n elements, 8-byte aligned, each signed if asked. */
static void compound_finish(struct buf *b, const size_t *starts, int n, struct client *c, bool sign)
{
    for (int i = 0; i < n; i++) {
        size_t end = i + 1 < n ? starts[i + 1] : b->len;
        if (i + 1 < n)
            wr_put_u32_at(b, starts[i] + SMB2_HDR_OFF_NEXT_COMMAND, (uint32_t)(end - starts[i]));
        if (sign)
            smb2_sign(c->sign_alg, c->keys.signing, b->data + starts[i], end - starts[i]);
    }
}

/* Splits a compound response into elements. */
static int split(const uint8_t *m, size_t len, const uint8_t **elems, size_t *lens, int max)
{
    int n = 0;
    size_t off = 0;
    while (n < max && off + 64 <= len) {
        uint32_t next = le32_load(m + off + SMB2_HDR_OFF_NEXT_COMMAND);
        elems[n] = m + off;
        lens[n] = next ? next : len - off;
        n++;
        if (!next)
            break;
        off += next;
    }
    return n;
}

static void test_compounds(struct client *c)
{
    struct buf b;
    size_t starts[4];
    const uint8_t *e[4];
    size_t el[4], len = 0;

    /* Related: TREE_CONNECT, then TREE_DISCONNECT of the tree it made. */
    buf_init(&b);
    starts[0] = b.len;
    tree_connect_request(&b, c->mid++, c->session_id, "data", SMB2_FLAGS_SIGNED);
    wr_align(&b, 8);
    starts[1] = b.len;
    hdr(&b, SMB2_TREE_DISCONNECT, c->mid++, UINT64_MAX, UINT32_MAX,
        SMB2_FLAGS_SIGNED | SMB2_FLAGS_RELATED_OPERATIONS, 1, 1);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    compound_finish(&b, starts, 2, c, true);
    feed_buf(c, &b);
    const uint8_t *m = frame(c, 0, &len);
    int n = m ? split(m, len, e, el, 4) : 0;
    is_int(n, 2, "related compound: two responses in one frame");
    ok(n == 2 && status_of(e[0]) == STATUS_SUCCESS && status_of(e[1]) == STATUS_SUCCESS,
       "TREE_CONNECT + related TREE_DISCONNECT both succeed");
    ok(n == 2 && le32_load(e[1] + SMB2_HDR_OFF_TREE_ID) == le32_load(e[0] + SMB2_HDR_OFF_TREE_ID),
       "the related element used the TreeId the first one created");
    ok(n == 2 && el[0] % 8 == 0, "response elements 8-byte aligned");
    ok(n == 2 && smb2_verify(c->sign_alg, c->keys.signing, e[0], el[0]) &&
           smb2_verify(c->sign_alg, c->keys.signing, e[1], el[1]),
       "each element signed on its own (padding included)");
    ok(n == 2 && (le32_load(e[1] + SMB2_HDR_OFF_FLAGS) & SMB2_FLAGS_RELATED_OPERATIONS),
       "the related flag is echoed");

    /* The tree is gone: a further use of its id fails. */
    uint32_t tid = n == 2 ? le32_load(e[0] + SMB2_HDR_OFF_TREE_ID) : 0;
    buf_init(&b);
    hdr(&b, SMB2_TREE_DISCONNECT, c->mid++, c->session_id, tid, SMB2_FLAGS_SIGNED, 1, 1);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_NETWORK_NAME_DELETED, "disconnected TreeId: NAME_DELETED");

    /* Unrelated compound: each element stands alone; the first may not be
     * related; a bad element does not stop the others. */
    buf_init(&b);
    starts[0] = b.len;
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED);
    wr_align(&b, 8);
    starts[1] = b.len;
    hdr(&b, SMB2_TREE_DISCONNECT, c->mid++, c->session_id, 0x777, SMB2_FLAGS_SIGNED, 1, 1);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    wr_align(&b, 8);
    starts[2] = b.len;
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED);
    compound_finish(&b, starts, 3, c, true);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    n = m ? split(m, len, e, el, 4) : 0;
    ok(n == 3 && status_of(e[0]) == STATUS_SUCCESS &&
           status_of(e[1]) == STATUS_NETWORK_NAME_DELETED && status_of(e[2]) == STATUS_SUCCESS,
       "unrelated compound: ECHO ok, bad tree fails alone, ECHO ok");

    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED | SMB2_FLAGS_RELATED_OPERATIONS);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_INVALID_PARAMETER, "first element marked related");

    /* NextCommand beyond the end: that element fails, the chain ends. */
    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED);
    wr_put_u32_at(&b, SMB2_HDR_OFF_NEXT_COMMAND, 4096);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_INVALID_PARAMETER, "NextCommand past the end");
    ok(!srv_conn_is_dead(c->conn), "the connection survives it");
    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id, SMB2_FLAGS_SIGNED);
    wr_put_u32_at(&b, SMB2_HDR_OFF_NEXT_COMMAND, 20);
    smb2_sign(c->sign_alg, c->keys.signing, b.data, b.len);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_INVALID_PARAMETER, "misaligned NextCommand");
}

static void test_errors(struct client *c)
{
    struct buf b;
    size_t len;
    /* Unsigned request on a session whose client asked for signing... the
     * default here is not required: an unsigned ECHO passes. */
    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id, 0);
    feed_buf(c, &b);
    const uint8_t *m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_SUCCESS, "unsigned ECHO on a non-required session");
    buf_init(&b);
    echo_request(&b, c->mid++, c->session_id + 99, 0);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_USER_SESSION_DELETED, "unknown SessionId");
    buf_init(&b);
    hdr(&b, 0x0042, c->mid++, c->session_id, 0, 0, 1, 1);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_INVALID_PARAMETER, "unknown command");
    ok(m && len == 64 + 9 && le16_load(m + 64) == 9, "error body is the 9-byte ERROR response");
    buf_init(&b);
    hdr(&b, SMB2_CREATE, c->mid++, c->session_id, 1, 0, 1, 1);
    wr_u16(&b, 57);
    wr_zeros(&b, 30);
    feed_buf(c, &b);
    m = frame(c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_INVALID_PARAMETER, "truncated CREATE body");

    /* Credits: a reused MessageId ends the connection. */
    ok(!srv_conn_is_dead(c->conn), "still connected");
    buf_init(&b);
    echo_request(&b, c->mid - 1, c->session_id, 0);
    feed_buf(c, &b);
    ok(srv_conn_is_dead(c->conn) && c->cap.shut, "a reused MessageId drops the connection");
}

static void test_cancel_parked(struct srv_engine *engine)
{
    struct client c;
    client_open(&c, engine);
    static const uint16_t d[] = { 0x0210 };
    struct buf b;
    buf_init(&b);
    negotiate_request(&b, c.mid++, d, 1, false);
    feed_buf(&c, &b);
    c.dialect = 0x0210;
    /* SESSION_SETUP whose logon work is held back: the request is parked. */
    defer_work = true;
    buf_init(&b);
    session_setup_request(&b, c.mid++, 0, "HELLO");
    is_int(feed_buf(&c, &b), 0, "parked SESSION_SETUP: no answer yet");
    ok(c.conn->pending != NULL, "the request waits in the pending list");
    is_int((long long)atomic_load(&c.conn->inflight_bytes), SMB2_CREDIT_PAYLOAD,
           "it holds 64 KiB of the connection's send budget");
    /* Another request is answered meanwhile (responses may be out of order). */
    buf_init(&b);
    echo_request(&b, c.mid++, 0, 0);
    is_int(feed_buf(&c, &b), 1, "an ECHO is answered while SESSION_SETUP waits");
    /* CANCEL of the parked one: no sequence number, no response. */
    buf_init(&b);
    hdr(&b, SMB2_CANCEL, 1, 0, 0, 0, 0, 0);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    is_int(feed_buf(&c, &b), 0, "CANCEL gets no response");
    ok(c.conn->pending && c.conn->pending->cancelled, "the parked request saw the cancel");
    defer_work = false;
    cap_clear(&c.cap);
    run_deferred();
    size_t len;
    const uint8_t *m = frame(&c, 0, &len);
    ok(m && status_of(m) == STATUS_MORE_PROCESSING_REQUIRED &&
           le64_load(m + SMB2_HDR_OFF_MESSAGE_ID) == 1,
       "the parked request completes later with its MessageId");
    ok(c.conn->pending == NULL, "and leaves the pending list");
    is_int((long long)atomic_load(&c.conn->inflight_bytes), 0, "and gives its reservation back");
    /* A request parked when the connection goes away is freed cleanly. */
    defer_work = true;
    buf_init(&b);
    session_setup_request(&b, c.mid++, 0, "HELLO");
    feed_buf(&c, &b);
    client_close(&c);
    defer_work = false;
    run_deferred();
    ok(1, "a parked request outlives its connection's teardown");
}

static void test_smb1_wildcard(struct srv_engine *engine)
{
    struct client c;
    client_open(&c, engine);
    /* SMB1 NEGOTIATE: header, WordCount 0, ByteCount, dialect strings. */
    static const char dialects[] = "\x02NT LM 0.12\0\x02SMB 2.002\0\x02SMB 2.???";
    struct buf b;
    buf_init(&b);
    wr_bytes(&b, SMB1_PROTOCOL_ID, 4);
    wr_u8(&b, SMB1_COM_NEGOTIATE);
    wr_zeros(&b, 27);
    wr_u8(&b, 0);
    wr_u16(&b, sizeof dialects);
    wr_bytes(&b, dialects, sizeof dialects);
    feed_buf(&c, &b);
    size_t len;
    const uint8_t *m = frame(&c, 0, &len);
    ok(m && memcmp(m, SMB2_PROTOCOL_ID, 4) == 0, "SMB1 NEGOTIATE answered in SMB2");
    is_int(m ? le16_load(m + 64 + 4) : 0, SMB2_DIALECT_WILDCARD, "with dialect 0x02FF");
    is_int(m ? (long long)le64_load(m + SMB2_HDR_OFF_MESSAGE_ID) : -1, 0, "as MessageId 0");
    static const uint16_t d[] = { 0x0202, 0x0210, 0x0300 };
    buf_init(&b);
    negotiate_request(&b, 1, d, 3, false);
    feed_buf(&c, &b);
    m = frame(&c, 0, &len);
    ok(m && status_of(m) == STATUS_SUCCESS && le16_load(m + 64 + 4) == 0x0300,
       "then SMB2 NEGOTIATE with MessageId 1 picks 3.0");
    ok(m && (le32_load(m + 64 + 24) & SMB2_GLOBAL_CAP_ENCRYPTION),
       "3.0 announces encryption to a client that can");
    buf_init(&b);
    negotiate_request(&b, 2, d, 3, false);
    feed_buf(&c, &b);
    ok(srv_conn_is_dead(&*c.conn) && c.cap.count == 0, "a second NEGOTIATE drops the connection");
    client_close(&c);

    client_open(&c, engine);
    buf_init(&b);
    echo_request(&b, 0, 0, 0);
    feed_buf(&c, &b);
    ok(srv_conn_is_dead(c.conn), "a request before NEGOTIATE drops the connection");
    client_close(&c);

    client_open(&c, engine);
    buf_init(&b);
    wr_bytes(&b, SMB1_PROTOCOL_ID, 4);
    wr_u8(&b, SMB1_COM_NEGOTIATE);
    wr_zeros(&b, 27);
    wr_u8(&b, 0);
    wr_u16(&b, 12);
    wr_bytes(&b, "\x02NT LM 0.12", 12);
    feed_buf(&c, &b);
    ok(srv_conn_is_dead(c.conn) && c.cap.count == 0, "an SMB1-only client is not served");
    client_close(&c);

    client_open(&c, engine);
    static const uint16_t none[] = { 0x0100, 0x0222 };
    buf_init(&b);
    negotiate_request(&b, 0, none, 2, false);
    feed_buf(&c, &b);
    m = frame(&c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_NOT_SUPPORTED, "no common dialect: NOT_SUPPORTED");
    client_close(&c);

    client_open(&c, engine);
    static const uint16_t only311[] = { 0x0311 };
    buf_init(&b);
    negotiate_request(&b, 0, only311, 1, false);
    feed_buf(&c, &b);
    m = frame(&c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_INVALID_PARAMETER, "3.1.1 without a preauth context");
    client_close(&c);
}

static void test_encryption(struct srv_engine *engine)
{
    struct client c;
    client_open(&c, engine);
    test_negotiate_311(engine, &c);
    is_int(logon(&c, "GOOD"), STATUS_SUCCESS, "3.1.1 logon with encryption desired");
    size_t len;
    const uint8_t *m = frame(&c, 0, &len);
    ok(m && (le16_load(m + 64 + 2) & SMB2_SESSION_FLAG_ENCRYPT_DATA), "session flag ENCRYPT_DATA");
    struct buf b;
    buf_init(&b);
    tree_connect_request(&b, c.mid++, c.session_id, "IPC$", SMB2_FLAGS_SIGNED);
    smb2_sign(c.sign_alg, c.keys.signing, b.data, b.len);
    feed_buf(&c, &b);
    m = frame(&c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_ACCESS_DENIED, "unencrypted request on such a session");

    buf_init(&b);
    tree_connect_request(&b, c.mid++, c.session_id, "secret", 0);
    struct buf enc;
    buf_init(&enc);
    uint8_t nonce[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
    smb2_encrypt(c.cipher, c.keys.decryption, nonce, c.session_id, b.data, b.len, &enc);
    buf_free(&b);
    feed_buf(&c, &enc);
    m = frame(&c, 0, &len);
    ok(m && memcmp(m, SMB2_TRANSFORM_PROTOCOL_ID, 4) == 0, "the answer to an encrypted request is encrypted");
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    ok(m && smb2_decrypt(c.cipher, c.keys.encryption, m, len, &plain, &plain_len) == STATUS_SUCCESS,
       "and decrypts with the client's S2C key");
    ok(plain && status_of(plain) == STATUS_SUCCESS &&
           (le32_load(plain + 64 + 4) & SMB2_SHAREFLAG_ENCRYPT_DATA),
       "TREE_CONNECT to an encrypted share, flag set");
    free(plain);

    /* A frame that fails authentication ends the connection. */
    buf_init(&b);
    echo_request(&b, c.mid++, c.session_id, 0);
    buf_init(&enc);
    smb2_encrypt(c.cipher, c.keys.encryption /* wrong direction */, nonce, c.session_id, b.data,
                 b.len, &enc);
    buf_free(&b);
    feed_buf(&c, &enc);
    ok(srv_conn_is_dead(c.conn), "a frame that does not decrypt drops the connection");
    client_close(&c);
}

static void test_logoff(struct srv_engine *engine)
{
    struct client c;
    client_open(&c, engine);
    static const uint16_t d[] = { 0x0302 };
    struct buf b;
    buf_init(&b);
    negotiate_request(&b, c.mid++, d, 1, false);
    feed_buf(&c, &b);
    c.dialect = 0x0302;
    is_int(logon(&c, "BAD"), STATUS_LOGON_FAILURE, "a failed logon is reported");
    buf_init(&b);
    echo_request(&b, c.mid++, c.session_id, 0);
    hdr(&b, SMB2_LOGOFF, c.mid++, c.session_id, 0, 0, 1, 1);
    b.len = 0;
    hdr(&b, SMB2_LOGOFF, c.mid++, c.session_id, 0, 0, 1, 1);
    wr_u16(&b, 4);
    wr_u16(&b, 0);
    feed_buf(&c, &b);
    size_t len;
    const uint8_t *m = frame(&c, 0, &len);
    is_int(m ? status_of(m) : 0, STATUS_USER_SESSION_DELETED, "and its session is gone");
    is_int(logon(&c, "GOOD"), STATUS_SUCCESS, "3.0.2 logon");
    m = frame(&c, 0, &len);
    ok(m && smb2_verify(SMB2_SIGNING_AES_CMAC, c.keys.signing, m, len),
       "3.0.2 final SESSION_SETUP signed with AES-CMAC");
    struct srv_engine_stats st;
    srv_engine_get_stats(engine, &st);
    ok(st.sessions >= 1, "a valid session is counted");
    /* VALIDATE_NEGOTIATE_INFO needs a tree (IPC$). */
    buf_init(&b);
    tree_connect_request(&b, c.mid++, c.session_id, "IPC$", SMB2_FLAGS_SIGNED);
    smb2_sign(c.sign_alg, c.keys.signing, b.data, b.len);
    feed_buf(&c, &b);
    m = frame(&c, 0, &len);
    uint32_t tid = m ? le32_load(m + SMB2_HDR_OFF_TREE_ID) : 0;
    for (int tamper = 0; tamper < 2; tamper++) {
        buf_init(&b);
        hdr(&b, SMB2_IOCTL, c.mid++, c.session_id, tid, SMB2_FLAGS_SIGNED, 1, 1);
        wr_u16(&b, 57);
        wr_u16(&b, 0);
        wr_u32(&b, FSCTL_VALIDATE_NEGOTIATE_INFO);
        wr_u64(&b, UINT64_MAX);
        wr_u64(&b, UINT64_MAX);
        wr_u32(&b, 64 + 56);
        wr_u32(&b, 26);
        wr_u32(&b, 0);
        wr_u32(&b, 0);
        wr_u32(&b, 0);
        wr_u32(&b, 24);
        wr_u32(&b, SMB2_0_IOCTL_IS_FSCTL);
        wr_u32(&b, 0);
        wr_u32(&b, SMB2_GLOBAL_CAP_LARGE_MTU | SMB2_GLOBAL_CAP_ENCRYPTION);
        for (int i = 0; i < 16; i++)
            wr_u8(&b, (uint8_t)(0xC0 + i));
        wr_u16(&b, tamper ? 0 : SMB2_NEGOTIATE_SIGNING_ENABLED);
        wr_u16(&b, 1);
        wr_u16(&b, 0x0302);
        smb2_sign(c.sign_alg, c.keys.signing, b.data, b.len);
        feed_buf(&c, &b);
        m = frame(&c, 0, &len);
        if (!tamper) {
            ok(m && status_of(m) == STATUS_SUCCESS && le32_load(m + 64 + 36) == 24 &&
                   le16_load(m + 64 + 48 + 22) == 0x0302,
               "VALIDATE_NEGOTIATE_INFO confirms 3.0.2");
            ok(m && smb2_verify(SMB2_SIGNING_AES_CMAC, c.keys.signing, m, len), "signed");
        } else {
            ok(!m && srv_conn_is_dead(c.conn), "a mismatch drops the connection unanswered");
        }
    }
    client_close(&c);
}

int main(void)
{
    log_set_level(LOG_LEVEL_ERROR); /* the warnings these tests provoke are expected */
    struct srv_config config;
    srv_config_defaults(&config);
    for (int i = 0; i < 16; i++)
        config.server_guid[i] = (uint8_t)(0xA0 + i);
    config.auth = (struct srv_auth){ .negotiate_token = negotiate_token, .begin = auth_begin,
                                     .step = auth_step, .end = auth_end };
    config.shares = (struct srv_shares){ .lookup = lookup };
    config.queue_work = queue_work;
    struct srv_engine *engine = NULL;
    if (!ok(srv_engine_create(&config, &engine) == STATUS_SUCCESS, "engine without network"))
        return done_testing();

    struct client c;
    client_open(&c, engine);
    test_negotiate_311(engine, &c);
    test_session(&c);
    test_compounds(&c);
    test_errors(&c);
    is_int((long long)atomic_load(&c.conn->inflight_bytes), 0,
           "every request answered: no send budget reserved");
    client_close(&c);
    test_smb1_wildcard(engine);
    test_cancel_parked(engine);
    test_logoff(engine);
    srv_engine_destroy(engine);

    config.encryption = SRV_ENCRYPTION_DESIRED;
    ok(srv_engine_create(&config, &engine) == STATUS_SUCCESS, "engine with encryption desired");
    test_encryption(engine);
    srv_engine_destroy(engine);
    return done_testing();
}
