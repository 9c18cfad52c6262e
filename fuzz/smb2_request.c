/* Fuzz target: srv's request path, from the bytes of a frame to the handlers.
 *
 * Input: one flags byte, then frames, each a 16-bit big-endian length and its
 * bytes, fed in order to one connection of an in-process engine (no
 * network). Every frame also goes through the stand-alone parsers (header,
 * validator, TRANSFORM_HEADER). Flags bit 0 first runs a canned 3.1.1
 * NEGOTIATE and logon, so the fuzzer starts past the handshake; the logon
 * uses a test srv_auth (this harness tests srv, not authentication) and gets
 * SessionId 0x1000. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/crypto.h"
#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cap_send(struct srv_conn *conn, uint8_t *frame, size_t len)
{
    free(frame);
}

static void cap_shutdown(struct srv_conn *conn) {}
static void cap_release(struct srv_conn *conn) {}

static const struct srv_transport transport = { cap_send, cap_shutdown, cap_release, NULL, NULL };

static NTSTATUS auth_begin(void *ctx, const char *peer, void **x)
{
    *x = calloc(1, 1);
    return *x ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS auth_step(void *ctx, void *x, const uint8_t *token, size_t len, struct buf *out,
                          struct srv_auth_result *result)
{
    if (len >= 4 && memcmp(token, "GOOD", 4) == 0) {
        struct sid user = { 0 };
        result->token = token_new(&user, &user);
        memset(result->session_key, 0x42, 16);
        result->session_key_len = 16;
        return STATUS_SUCCESS;
    }
    wr_bytes(out, token, len > 64 ? 64 : len);
    return len ? STATUS_MORE_PROCESSING_REQUIRED : STATUS_LOGON_FAILURE;
}

static void auth_end(void *ctx, void *x)
{
    free(x);
}

static NTSTATUS lookup(void *ctx, const char *name, struct srv_share_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", name);
    info->type = strcmp(name, "IPC$") == 0 ? SRV_SHARE_PIPE : SRV_SHARE_DISK;
    info->encrypt_data = strcmp(name, "secret") == 0;
    return strlen(name) < 2 ? STATUS_BAD_NETWORK_NAME : STATUS_SUCCESS;
}

static NTSTATUS run_now(srv_work_fn fn, void *ctx)
{
    fn(ctx);
    return STATUS_SUCCESS;
}

static struct srv_engine *engine(void)
{
    static struct srv_engine *e;
    if (!e) {
        log_set_level(LOG_LEVEL_ERROR);
        struct srv_config c;
        srv_config_defaults(&c);
        c.auth = (struct srv_auth){ .begin = auth_begin, .step = auth_step, .end = auth_end };
        c.shares = (struct srv_shares){ .lookup = lookup };
        c.queue_work = run_now;
        if (srv_engine_create(&c, &e) != STATUS_SUCCESS)
            abort();
    }
    return e;
}

static void feed(struct srv_conn *conn, const uint8_t *frame, size_t len)
{
    struct smb2_header h;
    struct smb2_transform t;
    (void)smb2_header_parse(frame, len, &h);
    (void)smb2_validate_request(frame, len, true);
    (void)smb2_validate_request(frame, len, false);
    (void)smb2_transform_parse(frame, len, &t);
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return;
    memcpy(copy, frame, len);
    srv_conn_receive(conn, copy, len);
}

static void hdr(struct buf *b, uint16_t command, uint64_t mid, uint64_t sid)
{
    wr_bytes(b, SMB2_PROTOCOL_ID, 4);
    wr_u16(b, 64);
    wr_u16(b, 1);
    wr_u32(b, 0);
    wr_u16(b, command);
    wr_u16(b, 64);
    wr_u32(b, 0);
    wr_u32(b, 0);
    wr_u64(b, mid);
    wr_u32(b, 0);
    wr_u32(b, 0);
    wr_u64(b, sid);
    wr_zeros(b, 16);
}

/* NEGOTIATE 3.1.1 (MessageId 0), then SESSION_SETUP "GOOD" (MessageId 1). */
static void handshake(struct srv_conn *conn)
{
    struct buf b;
    buf_init(&b);
    hdr(&b, SMB2_NEGOTIATE, 0, 0);
    wr_u16(&b, 36);
    wr_u16(&b, 1);
    wr_u16(&b, 1);
    wr_u16(&b, 0);
    wr_u32(&b, SMB2_GLOBAL_CAP_LARGE_MTU);
    wr_zeros(&b, 16);
    wr_u32(&b, 104);
    wr_u16(&b, 2);
    wr_u16(&b, 0);
    wr_u16(&b, 0x0311);
    wr_zeros(&b, 2);
    wr_u16(&b, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
    wr_u16(&b, 6);
    wr_u32(&b, 0);
    wr_u16(&b, 1);
    wr_u16(&b, 0);
    wr_u16(&b, SMB2_PREAUTH_INTEGRITY_SHA512);
    wr_zeros(&b, 2);
    wr_u16(&b, SMB2_ENCRYPTION_CAPABILITIES);
    wr_u16(&b, 4);
    wr_u32(&b, 0);
    wr_u16(&b, 1);
    wr_u16(&b, SMB2_ENCRYPTION_AES128_GCM);
    feed(conn, b.data, b.len);
    buf_reset(&b);
    hdr(&b, SMB2_SESSION_SETUP, 1, 0);
    wr_u16(&b, 25);
    wr_u8(&b, 0);
    wr_u8(&b, 1);
    wr_u32(&b, 0);
    wr_u32(&b, 0);
    wr_u16(&b, 88);
    wr_u16(&b, 4);
    wr_u64(&b, 0);
    wr_bytes(&b, "GOOD", 4);
    feed(conn, b.data, b.len);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    /* Fixed session ids, so inputs can name the session the handshake makes. */
    atomic_store(&engine()->next_session_id, 0x1000);
    struct srv_conn *conn = srv_conn_new(engine(), &transport, NULL, "fuzz");
    if (!conn)
        return 0;
    if (data[0] & 1)
        handshake(conn);
    size_t pos = 1;
    while (pos + 2 <= size && !srv_conn_is_dead(conn)) {
        size_t len = (size_t)data[pos] << 8 | data[pos + 1];
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        feed(conn, data + pos, len);
        pos += len;
    }
    srv_conn_disconnect(conn, "fuzz input done");
    srv_conn_unref(conn);
    return 0;
}
