/* The SMB2 dispatcher ([MS-SMB2] 3.3.5.2): one received frame in, one (or,
 * with an interim response, two) frames out.
 *
 * Per frame: decrypt a TRANSFORM_HEADER, answer an SMB1 NEGOTIATE, or take
 * the SMB2 compound as it is. Per compound element, in the spec's order:
 * header, MessageId against the credit window (3.3.5.2.3), the validator
 * (3.3.5.2.5/6), related-operation inheritance (3.3.5.2.7), session and
 * signature (3.3.5.2.4, 3.3.5.2.9), tree (3.3.5.2.11), then the handler.
 * Nothing but the related SessionId/TreeId/FileId carries from one element
 * to the next: sessions and trees are looked up again, by id, every time. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "drivers/srv/bufpool.h"
#include "drivers/srv/smb2/request.h"
#include "lib/log.h"

enum step { STEP_NEXT, STEP_LAST, STEP_PARKED, STEP_DISCONNECT };

static void run_chain(struct smb2_request *req);

/* ---- Request objects ---------------------------------------------------- */

/* Empties req->out down to its header room. */
static void out_reset(struct smb2_request *req)
{
    buf_reset(&req->out);
    wr_reserve(&req->out, SMB2_RSP_HEADROOM);
}

static struct smb2_request *request_new(struct srv_conn *conn, uint8_t *block, uint8_t *msg,
                                        size_t len)
{
    struct smb2_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;
    atomic_init(&req->refs, 1);
    srv_conn_ref(conn);
    req->conn = conn;
    req->msg_block = block;
    req->msg = msg;
    req->msg_len = len;
    req->related_status = STATUS_SUCCESS;
    buf_init(&req->out);
    out_reset(req);
    return req;
}

static void element_release(struct smb2_request *req)
{
    if (req->session)
        srv_session_unref(req->session);
    if (req->tree)
        srv_tree_unref(req->tree);
    req->session = NULL;
    req->tree = NULL;
}

void smb2_request_ref(struct smb2_request *req)
{
    atomic_fetch_add(&req->refs, 1);
}

void smb2_request_unref(struct smb2_request *req)
{
    if (atomic_fetch_sub(&req->refs, 1) != 1)
        return;
    element_release(req);
    srv_conn_release_inflight(req->conn, req->inflight_reserved);
    while (req->allocations) {
        struct smb2_allocation *a = req->allocations;
        req->allocations = a->next;
        if (a->cleanup)
            a->cleanup(a->data);
        free(a);
    }
    if (req->encrypt_session)
        srv_session_unref(req->encrypt_session);
    for (size_t i = 0; i < req->elem_count; i++)
        if (req->elems[i].preauth_session)
            srv_session_unref(req->elems[i].preauth_session);
    OPENSSL_cleanse(req->elems, sizeof req->elems);
    OPENSSL_cleanse(req->elsewhere_key, sizeof req->elsewhere_key);
    srv_conn_unref(req->conn);
    srv_bufpool_put(req->msg_block);
    srv_bufpool_put(buf_steal(&req->out, NULL));
    free(req);
}

void *smb2_request_alloc(struct smb2_request *req, size_t size, void (*cleanup)(void *))
{
    struct smb2_allocation *a = calloc(1, sizeof *a + size);
    if (!a)
        return NULL;
    a->cleanup = cleanup;
    a->next = req->allocations;
    req->allocations = a;
    return a->data;
}

uint8_t *smb2_rsp_room(struct smb2_request *req, size_t len)
{
    struct buf *out = &req->out;
    if (!wr_ok(out) || len > SIZE_MAX - out->len)
        return NULL;
    size_t need = out->len + len;
    if (need > out->cap) {
        /* Exactly what is needed (no doubling of a megabyte), from the
         * cache; the few bytes built so far move into it. */
        size_t usable;
        uint8_t *block = srv_bufpool_get(need, &usable);
        if (!block)
            return NULL;
        if (out->len)
            memcpy(block, out->data, out->len);
        srv_bufpool_put(out->data);
        out->data = block;
        out->cap = usable;
    }
    return out->data + out->len;
}

size_t smb2_rsp_offset(const struct smb2_request *req)
{
    return req->out.len - req->rsp_offset;
}

struct buf_reader smb2_req_area(const struct smb2_request *req, size_t offset, size_t len)
{
    struct buf_reader elem;
    rd_init(&elem, req->msg + req->elem_offset, req->elem_len);
    return rd_sub(&elem, offset, len);
}

/* ---- Parking, async, cancel --------------------------------------------- */

void smb2_request_park(struct smb2_request *req, smb2_cancel_fn cancel, void *context)
{
    struct srv_conn *conn = req->conn;
    pthread_mutex_lock(&conn->lock);
    req->parked = true;
    req->cancel = cancel;
    req->cancel_context = context;
    req->pending_prev = NULL;
    req->pending_next = conn->pending;
    if (conn->pending)
        conn->pending->pending_prev = req;
    conn->pending = req;
    pthread_mutex_unlock(&conn->lock);
}

static void unpark(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    pthread_mutex_lock(&conn->lock);
    if (req->parked) {
        if (req->pending_prev)
            req->pending_prev->pending_next = req->pending_next;
        else
            conn->pending = req->pending_next;
        if (req->pending_next)
            req->pending_next->pending_prev = req->pending_prev;
        req->parked = false;
    }
    pthread_mutex_unlock(&conn->lock);
}

/* Asks a parked request to finish early (CANCEL, or the connection going
 * away). Called with conn->lock held: takes a reference, and the caller
 * invokes the callback after dropping the lock. */
static struct smb2_request *take_for_cancel(struct smb2_request *req)
{
    if (!req->parked || req->cancelled)
        return NULL;
    req->cancelled = true;
    atomic_fetch_add(&req->refs, 1);
    return req;
}

static void deliver_cancel(struct smb2_request *req)
{
    if (req->cancel)
        req->cancel(req, req->cancel_context);
    smb2_request_unref(req);
}

NTSTATUS smb2_cancel(struct smb2_request *req)
{
    /* 3.3.5.16: find the request by AsyncId if the CANCEL is async, else by
     * MessageId (also one gone async: a client that cancels at once has not
     * seen the interim response yet); no response either way. */
    struct srv_conn *conn = req->conn;
    struct smb2_request *found = NULL;
    pthread_mutex_lock(&conn->lock);
    for (struct smb2_request *p = conn->pending; p; p = p->pending_next) {
        bool match = (req->hdr.flags & SMB2_FLAGS_ASYNC_COMMAND)
                         ? p->async_id != 0 && p->async_id == req->hdr.async_id
                         : p->hdr.message_id == req->hdr.message_id;
        if (match) {
            found = take_for_cancel(p);
            break;
        }
    }
    pthread_mutex_unlock(&conn->lock);
    if (found)
        deliver_cancel(found);
    req->no_response = true;
    return STATUS_SUCCESS;
}

/* The connection is going away: every parked request is asked to finish. */
void smb2_cancel_all(struct srv_conn *conn)
{
    for (;;) {
        struct smb2_request *found = NULL;
        pthread_mutex_lock(&conn->lock);
        for (struct smb2_request *p = conn->pending; p && !found; p = p->pending_next)
            found = take_for_cancel(p);
        pthread_mutex_unlock(&conn->lock);
        if (!found)
            return;
        deliver_cancel(found);
    }
}

void smb2_cancel_on(struct srv_conn *conn, struct srv_session *session, struct srv_tree *tree,
                    struct srv_open *open)
{
    for (;;) {
        struct smb2_request *found = NULL;
        pthread_mutex_lock(&conn->lock);
        for (struct smb2_request *p = conn->pending; p && !found; p = p->pending_next) {
            bool match = (session && p->session == session) || (tree && p->tree == tree) ||
                         (open && p->io_open == open);
            if (match && (found = take_for_cancel(p)))
                found->cancelled_by_close = true;
        }
        pthread_mutex_unlock(&conn->lock);
        if (!found)
            return;
        deliver_cancel(found);
    }
}

/* ---- Building response elements ----------------------------------------- */

static void write_error_body(struct buf *out)
{
    /* 2.2.2: StructureSize 9, ErrorContextCount 0, Reserved, ByteCount 0,
     * and one byte of ErrorData that must be present even when empty. */
    wr_u16(out, SMB2_ERROR_RESPONSE_SIZE);
    wr_u8(out, 0);
    wr_u8(out, 0);
    wr_u32(out, 0);
    wr_u8(out, 0);
}

/* Starts a response element: pads the previous one to 8 bytes (3.3.4.1.3)
 * and reserves the header. */
static void begin_element(struct smb2_request *req)
{
    if (req->elem_count > 0)
        wr_align(&req->out, 8);
    req->rsp_offset = wr_reserve(&req->out, SMB2_HEADER_SIZE);
    req->rsp_session_id = req->hdr.session_id;
    req->rsp_tree_id = req->hdr.tree_id;
    req->keep_body = false;
    req->sign_response = false;
    req->preauth_kind = SMB2_PREAUTH_NONE;
    req->sig_failed = false;
    req->session_elsewhere = false;
    req->sign_elsewhere = false;
    OPENSSL_cleanse(req->elsewhere_key, sizeof req->elsewhere_key);
    req->signed_ok = false;
    req->elem_session_ok = false;
    req->elem_tree_ok = false;
}

/* Writes the header of the current element (3.3.4.3/3.3.4.4). */
static void write_header(struct smb2_request *req, NTSTATUS status, uint16_t credits,
                         bool interim, bool sign)
{
    uint8_t h[SMB2_HEADER_SIZE] = { 0 };
    uint32_t flags = SMB2_FLAGS_SERVER_TO_REDIR | (req->hdr.flags & SMB2_FLAGS_RELATED_OPERATIONS);
    if (req->async_id)
        flags |= SMB2_FLAGS_ASYNC_COMMAND;
    if (sign)
        flags |= SMB2_FLAGS_SIGNED;
    memcpy(h, SMB2_PROTOCOL_ID, 4);
    le16_store(h + 4, SMB2_HEADER_SIZE);
    le16_store(h + SMB2_HDR_OFF_CREDIT_CHARGE, req->hdr.credit_charge);
    le32_store(h + SMB2_HDR_OFF_STATUS, interim ? STATUS_PENDING : status);
    le16_store(h + SMB2_HDR_OFF_COMMAND, req->hdr.command);
    le16_store(h + SMB2_HDR_OFF_CREDIT, credits);
    le32_store(h + SMB2_HDR_OFF_FLAGS, flags);
    le64_store(h + SMB2_HDR_OFF_MESSAGE_ID, req->hdr.message_id);
    if (req->async_id) {
        le64_store(h + SMB2_HDR_OFF_ASYNC_ID, req->async_id);
    } else {
        /* Reserved: echo the request's (the SMB1 ProcessId, 3.3.4.1). */
        memcpy(h + 32, req->msg + req->elem_offset + 32, 4);
        le32_store(h + SMB2_HDR_OFF_TREE_ID, req->rsp_tree_id);
    }
    le64_store(h + SMB2_HDR_OFF_SESSION_ID, req->rsp_session_id);
    wr_put_bytes_at(&req->out, req->rsp_offset, h, sizeof h);
}

static uint16_t grant_credits(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    pthread_mutex_lock(&conn->lock);
    uint16_t credits = smb2_credits_grant(&conn->credits, req->hdr.credit_request);
    pthread_mutex_unlock(&conn->lock);
    return credits;
}

/* Decides whether the element's response is signed (3.3.4.1.1) and with
 * which key; copies the key so the session may go away meanwhile. */
static bool choose_signing(struct smb2_request *req, NTSTATUS status,
                           struct smb2_response_element *e)
{
    struct srv_session *s = req->session;
    if (!s && req->sign_elsewhere && !req->encrypt_session) {
        e->sign_alg = req->elsewhere_alg;
        memcpy(e->sign_key, req->elsewhere_key, sizeof e->sign_key);
        return true;
    }
    /* A bad signature is answered unsigned, except on SESSION_SETUP, whose
     * signed errors a client skips checking but expects (as Windows and
     * Samba send them). */
    if (!s || req->encrypt_session ||
        (req->sig_failed && req->hdr.command != SMB2_SESSION_SETUP))
        return false;
    bool want = req->sign_response || (req->hdr.flags & SMB2_FLAGS_SIGNED);
    pthread_mutex_lock(&s->lock);
    want = want || s->signing_required;
    pthread_mutex_unlock(&s->lock);
    (void)status;
    if (!want)
        return false;
    return srv_session_signing_key(s, req->conn, &e->sign_alg, e->sign_key);
}

/* The element's numbers for the metrics endpoint (stats.h): its command and
 * latency, and the bytes a READ or WRITE moved, as its response body (built
 * just before) says: DataLength and Count are both at offset 4. */
static void count_element(struct smb2_request *req, NTSTATUS status)
{
    struct srv_stats *stats = &req->conn->engine->stats;
    srv_stats_request(stats, req->hdr.command, status,
                      srv_stats_now_micros() - req->elem_start_micros);
    bool read = req->hdr.command == SMB2_READ &&
                (status == STATUS_SUCCESS || status == STATUS_BUFFER_OVERFLOW);
    bool write = req->hdr.command == SMB2_WRITE && status == STATUS_SUCCESS;
    size_t at = req->rsp_offset + SMB2_HEADER_SIZE + 4;
    if ((read || write) && req->tree && range_ok(at, 4, req->out.len))
        srv_stats_bytes(req->tree->share_stats, write, le32_load(req->out.data + at));
}

/* Completes the current element with its status. */
static void finish_element(struct smb2_request *req, NTSTATUS status)
{
    struct smb2_response_element *e = &req->elems[req->elem_count];
    memset(e, 0, sizeof *e);
    count_element(req, status);
    if (NT_ERROR(status) && !req->keep_body) {
        req->out.len = req->rsp_offset + SMB2_HEADER_SIZE;
        write_error_body(&req->out);
    } else if (req->out.len == req->rsp_offset + SMB2_HEADER_SIZE) {
        /* A handler that wrote no body (it should not happen): error body. */
        write_error_body(&req->out);
    }
    /* An element that went async got its credits in the interim response. */
    uint16_t credits = req->async_id ? 0 : grant_credits(req);
    e->offset = req->rsp_offset;
    e->sign = choose_signing(req, status, e);
    write_header(req, status, credits, false, e->sign);
    e->preauth_kind = req->preauth_kind;
    if ((req->preauth_kind == SMB2_PREAUTH_SESSION || req->preauth_kind == SMB2_PREAUTH_CHANNEL) &&
        req->session) {
        srv_session_ref(req->session);
        e->preauth_session = req->session;
    }
    req->elem_count++;

    /* What a following related element inherits (3.3.5.2.7.2): the ids this
     * element verified; none if it failed before verifying them. */
    req->related_session_id = req->rsp_session_id;
    req->related_tree_id = req->rsp_tree_id;
    req->related_session_valid = req->elem_session_ok || (req->session && NT_SUCCESS(status));
    req->related_tree_valid = req->elem_tree_ok || (req->tree && NT_SUCCESS(status));
    /* A failed CREATE leaves no FileId: related elements after it that use
     * "the previous FileId" fail with its status (3.3.5.2.7.2). */
    if (req->hdr.command == SMB2_CREATE && NT_ERROR(status)) {
        req->related_status = status;
        req->related_has_file = false;
    }
    element_release(req);
    req->async_id = 0;
}

/* Signs, hashes and sends what req->out holds; empties it. */
static void send_out(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    struct buf *out = &req->out;
    if (req->elem_count == 0 || !wr_ok(out))
        goto done;
    /* In a compound every element is padded to 8 bytes, the last one too
     * (as Windows does); a lone response is not. */
    if (req->elem_count > 1)
        wr_align(out, 8);
    for (size_t i = 0; i < req->elem_count; i++) {
        struct smb2_response_element *e = &req->elems[i];
        size_t end = i + 1 < req->elem_count ? req->elems[i + 1].offset : out->len;
        if (i + 1 < req->elem_count)
            le32_store(out->data + e->offset + SMB2_HDR_OFF_NEXT_COMMAND,
                       (uint32_t)(end - e->offset));
        if (e->sign) {
            smb2_sign(e->sign_alg, e->sign_key, out->data + e->offset, end - e->offset);
            srv_stats_event(&conn->engine->stats, SRV_STAT_MESSAGES_SIGNED);
        }
        /* 3.1.1 pre-authentication hash over the response as sent. */
        if (e->preauth_kind == SMB2_PREAUTH_CONNECTION) {
            pthread_mutex_lock(&conn->lock);
            smb2_preauth_update(conn->preauth_hash, out->data + e->offset, end - e->offset);
            pthread_mutex_unlock(&conn->lock);
        } else if (e->preauth_kind == SMB2_PREAUTH_SESSION && e->preauth_session) {
            pthread_mutex_lock(&e->preauth_session->lock);
            smb2_preauth_update(e->preauth_session->preauth_hash, out->data + e->offset,
                                end - e->offset);
            pthread_mutex_unlock(&e->preauth_session->lock);
        } else if (e->preauth_kind == SMB2_PREAUTH_CHANNEL && e->preauth_session) {
            pthread_mutex_lock(&e->preauth_session->lock);
            struct srv_channel *c = srv_session_find_channel(e->preauth_session, conn->id);
            if (c)
                smb2_preauth_update(c->preauth_hash, out->data + e->offset, end - e->offset);
            pthread_mutex_unlock(&e->preauth_session->lock);
        }
    }
    /* Framed (and encrypted) where it was built: the room in front of the
     * message takes the TRANSFORM_HEADER and the transport length, and the
     * block itself goes to the socket. */
    size_t msg_len = out->len - SMB2_RSP_HEADROOM;
    if (req->encrypt_session) {
        uint8_t *frame = out->data + SMB2_TRANSPORT_HEADER_SIZE;
        if (srv_session_encrypt_in_place(req->encrypt_session, frame, msg_len) ==
            STATUS_SUCCESS) {
            srv_stats_event(&conn->engine->stats, SRV_STAT_MESSAGES_ENCRYPTED);
            srv_conn_send_block(conn, buf_steal(out, NULL), SMB2_TRANSPORT_HEADER_SIZE,
                                SMB2_TRANSFORM_HEADER_SIZE + msg_len);
        } else
            srv_conn_disconnect(conn, "cannot encrypt a response");
    } else {
        srv_conn_send_block(conn, buf_steal(out, NULL), SMB2_RSP_HEADROOM, msg_len);
    }
done:
    for (size_t i = 0; i < req->elem_count; i++)
        if (req->elems[i].preauth_session)
            srv_session_unref(req->elems[i].preauth_session);
    OPENSSL_cleanse(req->elems, sizeof req->elems);
    req->elem_count = 0;
    out_reset(req);
}

void smb2_request_go_async(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    /* An async request may wait indefinitely (CHANGE_NOTIFY, a blocking
     * LOCK): holding its reservation could stop the connection's reads for
     * good, the CANCEL meant for it included. Its final response, when it
     * comes, is counted in the send queue. */
    size_t reserved = req->inflight_reserved;
    req->inflight_reserved = 0;
    srv_conn_release_inflight(conn, reserved);
    pthread_mutex_lock(&conn->lock);
    req->async_id = ++conn->next_async_id;
    pthread_mutex_unlock(&conn->lock);
    /* The interim element: STATUS_PENDING with an error body, credits granted
     * now, never signed (3.3.4.2). It goes out with the elements before it. */
    struct smb2_response_element *e = &req->elems[req->elem_count];
    memset(e, 0, sizeof *e);
    req->out.len = req->rsp_offset + SMB2_HEADER_SIZE;
    write_error_body(&req->out);
    e->offset = req->rsp_offset;
    write_header(req, STATUS_PENDING, grant_credits(req), true, false);
    req->elem_count++;
    send_out(req);
    /* The final response of this element starts a new frame. */
    req->rsp_offset = wr_reserve(&req->out, SMB2_HEADER_SIZE);
}

/* ---- Per-element checks ------------------------------------------------- */

static NTSTATUS resolve_session(struct smb2_request *req, const struct smb2_command_info *info,
                                const uint8_t *elem)
{
    struct srv_conn *conn = req->conn;
    uint64_t sid = req->hdr.session_id;
    if ((sid == 0 && !info->needs_session) || req->hdr.command == SMB2_NEGOTIATE)
        return STATUS_SUCCESS;
    struct srv_session *s = srv_conn_find_session(conn, sid);
    bool elsewhere = false;
    if (!s && (req->hdr.command == SMB2_SESSION_SETUP || (req->hdr.flags & SMB2_FLAGS_SIGNED))) {
        /* A session of another connection (3.3.5.2.4 looks in the
         * GlobalSessionTable): a binding's, or one this connection is not
         * a channel of, which is answered STATUS_USER_SESSION_DELETED but
         * signed with the session's key, as Windows does (a client that
         * signs wants its answers signed). */
        struct srv_conn *owner;
        if (srv_engine_find_session(conn->engine, sid, &owner, &s) == STATUS_SUCCESS) {
            srv_conn_unref(owner);
            elsewhere = true;
        }
    }
    if (!s) {
        /* SESSION_SETUP with an unknown id, or any command that names a
         * session that is not there (3.3.5.2.9). */
        return STATUS_USER_SESSION_DELETED;
    }
    uint16_t alg;
    uint8_t key[16];
    bool has_key = srv_session_signing_key(s, conn, &alg, key);
    if (elsewhere && req->hdr.command != SMB2_SESSION_SETUP) {
        if (has_key && !req->encrypted && smb2_verify(alg, key, elem, req->elem_len)) {
            req->sign_elsewhere = true;
            req->elsewhere_alg = alg;
            memcpy(req->elsewhere_key, key, sizeof key);
        }
        OPENSSL_cleanse(key, sizeof key);
        srv_session_unref(s);
        return STATUS_USER_SESSION_DELETED;
    }
    req->session = s;
    req->session_elsewhere = elsewhere;

    /* 3.3.5.2.4: verify a signature when the session has keys; require one
     * when the session requires signing (unless the request is encrypted).
     * For a session of another connection, SESSION_SETUP decides. */
    pthread_mutex_lock(&s->lock);
    bool signing_required = s->signing_required;
    bool encrypt_data = s->encrypt_data;
    enum srv_session_state state = s->state;
    bool dead = s->dead;
    pthread_mutex_unlock(&s->lock);
    NTSTATUS status = STATUS_SUCCESS;
    if (req->hdr.flags & SMB2_FLAGS_SIGNED) {
        if (has_key && !req->encrypted) {
            if (smb2_verify(alg, key, elem, req->elem_len)) {
                req->signed_ok = true;
            } else {
                log_ratelimited(LOG_LEVEL_WARNING, "srv: %s: bad signature on %s (message %llu)",
                                conn->peer, info->name, (unsigned long long)req->hdr.message_id);
                req->sig_failed = true;
                if (!elsewhere)
                    status = STATUS_ACCESS_DENIED;
            }
        }
    } else if (has_key && signing_required && !req->encrypted && !elsewhere &&
               (!info->allowed_unsigned ||
                (req->hdr.command == SMB2_SESSION_SETUP && state != SRV_SESSION_IN_PROGRESS))) {
        /* Signing required: only a first logon's legs (no keys yet) and
         * what never carries a signature may come unsigned. */
        status = STATUS_ACCESS_DENIED;
    }
    OPENSSL_cleanse(key, sizeof key);
    if (status != STATUS_SUCCESS)
        return status;
    if (req->encrypted && req->transform_session_id != sid)
        return STATUS_ACCESS_DENIED;
    atomic_store(&s->last_used, srv_monotonic_seconds());
    if (info->needs_session) {
        if (dead || state == SRV_SESSION_IN_PROGRESS)
            return STATUS_USER_SESSION_DELETED;
        if (state == SRV_SESSION_EXPIRED)
            return STATUS_NETWORK_SESSION_EXPIRED;
        if (encrypt_data && !req->encrypted)
            return STATUS_ACCESS_DENIED;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS resolve_tree(struct smb2_request *req)
{
    struct srv_tree *t = srv_session_find_tree(req->session, req->hdr.tree_id);
    if (!t)
        return STATUS_NETWORK_NAME_DELETED;
    req->tree = t;
    if (t->share.encrypt_data && !req->encrypted)
        return STATUS_ACCESS_DENIED;
    return STATUS_SUCCESS;
}

static NTSTATUS check_and_dispatch(struct smb2_request *req, const uint8_t *elem, bool bad_next,
                                   bool first)
{
    struct srv_conn *conn = req->conn;
    const struct smb2_command_info *info = smb2_command_lookup(req->hdr.command);
    if (!info)
        return STATUS_INVALID_PARAMETER;
    if (bad_next)
        return STATUS_INVALID_PARAMETER;
    if (req->hdr.flags & SMB2_FLAGS_ASYNC_COMMAND)
        return STATUS_INVALID_PARAMETER; /* only CANCEL may be async */
    if (req->hdr.flags & SMB2_FLAGS_RELATED_OPERATIONS) {
        /* The first element has nothing to be related to; a related one
         * after an element that never verified its session (or tree) has
         * nothing to inherit. */
        if (first || (info->needs_session && !req->related_session_valid) ||
            (info->needs_tree && !req->related_tree_valid))
            return STATUS_INVALID_PARAMETER;
        req->hdr.session_id = req->related_session_id;
        req->hdr.tree_id = req->related_tree_id;
        req->rsp_session_id = req->hdr.session_id;
        req->rsp_tree_id = req->hdr.tree_id;
    } else {
        /* An unrelated element starts afresh: no FileId to inherit. */
        req->related_has_file = false;
        req->related_status = STATUS_SUCCESS;
    }

    pthread_mutex_lock(&conn->lock);
    bool negotiated = conn->negotiated;
    bool multi_credit = conn->supports_multi_credit;
    pthread_mutex_unlock(&conn->lock);
    if (!negotiated && req->hdr.command != SMB2_NEGOTIATE) {
        /* 3.3.5.2: anything before a finished NEGOTIATE ends the connection. */
        req->disconnect = true;
        return STATUS_INVALID_PARAMETER;
    }

    NTSTATUS status = smb2_validate_request(elem, req->elem_len, multi_credit);
    if (status != STATUS_SUCCESS)
        return status;
    rd_init(&req->body, elem + SMB2_HEADER_SIZE, req->elem_len - SMB2_HEADER_SIZE);

    status = resolve_session(req, info, elem);
    if (status != STATUS_SUCCESS && !(req->hdr.command == SMB2_SESSION_SETUP &&
                                      status == STATUS_USER_SESSION_DELETED && !req->session))
        return status;
    req->elem_session_ok = req->session != NULL && status == STATUS_SUCCESS;
    if (info->needs_tree) {
        status = resolve_tree(req);
        if (status != STATUS_SUCCESS)
            return status;
        req->elem_tree_ok = true;
    }
    /* "The previous FileId" after a CREATE that failed: that CREATE's status
     * (3.3.5.2.7.2), whatever the command. */
    if ((req->hdr.flags & SMB2_FLAGS_RELATED_OPERATIONS) && info->file_id_offset &&
        !req->related_has_file && req->related_status != STATUS_SUCCESS) {
        struct buf_reader id = rd_sub(&req->body, info->file_id_offset, 16);
        if (rd_u64(&id) == SMB2_FILE_ID_ANY && rd_u64(&id) == SMB2_FILE_ID_ANY && rd_ok(&id))
            return req->related_status;
    }
    if (!info->handler)
        return STATUS_NOT_SUPPORTED;
    return info->handler(req);
}

/* Processes the element at req->elem_offset. */
static enum step process_element(struct smb2_request *req)
{
    struct srv_conn *conn = req->conn;
    const uint8_t *elem = req->msg + req->elem_offset;
    size_t remaining = req->msg_len - req->elem_offset;
    bool first = req->elem_offset == 0;

    if (!smb2_header_parse(elem, remaining, &req->hdr))
        return STEP_DISCONNECT;
    if (req->hdr.flags & SMB2_FLAGS_SERVER_TO_REDIR)
        return STEP_DISCONNECT; /* a response sent to the server */
    uint32_t next = req->hdr.next_command;
    bool last = next == 0;
    /* NextCommand must be 8-byte aligned and leave room for another header
     * (3.3.5.2.7); a bad one ends the chain with an error for this element. */
    bool bad_next = !last && (next % 8 != 0 || next < SMB2_HEADER_SIZE ||
                              remaining < SMB2_HEADER_SIZE ||
                              next > remaining - SMB2_HEADER_SIZE);
    if (bad_next)
        last = true;
    req->elem_len = last ? remaining : next;

    if (req->hdr.command == SMB2_CANCEL) {
        /* No sequence number, no response (3.3.5.2.3, 3.3.5.16). */
        if (!bad_next && smb2_validate_request(elem, req->elem_len, false) == STATUS_SUCCESS)
            smb2_cancel(req);
        return last ? STEP_LAST : STEP_NEXT;
    }

    pthread_mutex_lock(&conn->lock);
    uint32_t charge = conn->supports_multi_credit && req->hdr.credit_charge > 1
                          ? req->hdr.credit_charge : 1;
    bool in_window = smb2_credits_consume(&conn->credits, req->hdr.message_id, charge);
    pthread_mutex_unlock(&conn->lock);
    if (!in_window) {
        log_ratelimited(LOG_LEVEL_WARNING,
                        "srv: %s: MessageId %llu (charge %u) outside the command window",
                        conn->peer, (unsigned long long)req->hdr.message_id, charge);
        return STEP_DISCONNECT;
    }
    /* Reserve what the response may carry (the payload the request names,
     * at least charge x 64 KiB) of the connection's send budget until the
     * request is done. Not the charge alone: a connection without
     * multi-credit sends charge 1 whatever it asks for. */
    uint64_t payload = smb2_request_payload(elem, req->elem_len);
    uint64_t units = payload ? (payload - 1) / SMB2_CREDIT_PAYLOAD + 1 : 1;
    if (units < charge)
        units = charge;
    size_t reserve = units * SMB2_CREDIT_PAYLOAD > SMB2_TRANSPORT_MAX_LENGTH
                         ? SMB2_TRANSPORT_MAX_LENGTH
                         : (size_t)(units * SMB2_CREDIT_PAYLOAD);
    req->inflight_reserved += reserve;
    srv_conn_reserve_inflight(conn, reserve);

    begin_element(req);
    req->elem_start_micros = srv_stats_now_micros();
    NTSTATUS status = check_and_dispatch(req, elem, bad_next, first);
    if (status == STATUS_PENDING)
        return STEP_PARKED;
    if (req->disconnect)
        return STEP_DISCONNECT;
    finish_element(req, status);
    return last ? STEP_LAST : STEP_NEXT;
}

static void advance(struct smb2_request *req)
{
    req->elem_offset += req->elem_len;
}

static void run_chain(struct smb2_request *req)
{
    for (;;) {
        if (srv_conn_is_dead(req->conn))
            break;
        enum step step = process_element(req);
        if (step == STEP_PARKED)
            return; /* smb2_request_resume continues */
        if (step == STEP_DISCONNECT) {
            srv_conn_disconnect(req->conn, "protocol violation");
            break;
        }
        advance(req);
        if (step == STEP_LAST || req->elem_offset >= req->msg_len) {
            send_out(req);
            break;
        }
        if (req->elem_count >= SMB2_MAX_COMPOUND) {
            srv_conn_disconnect(req->conn, "compound too long");
            break;
        }
    }
    smb2_request_unref(req);
}

void smb2_request_resume(struct smb2_request *req, NTSTATUS status)
{
    unpark(req);
    if (req->disconnect) {
        srv_conn_disconnect(req->conn, "protocol violation");
        smb2_request_unref(req);
        return;
    }
    bool last = req->hdr.next_command == 0 ||
                req->elem_offset + req->elem_len >= req->msg_len;
    finish_element(req, status);
    advance(req);
    if (last) {
        send_out(req);
        smb2_request_unref(req);
        return;
    }
    run_chain(req);
}

/* ---- Frames ------------------------------------------------------------- */

/* Decrypts a TRANSFORM_HEADER frame (3.3.5.2.1) where it lies: *msg and
 * *len become the plain message inside data. NULL session on failure. */
static struct srv_session *decrypt_frame(struct srv_conn *conn, uint8_t *data, uint8_t **msg,
                                         size_t *len)
{
    struct smb2_transform t;
    if (smb2_transform_parse(data, *len, &t) != STATUS_SUCCESS)
        return NULL;
    pthread_mutex_lock(&conn->lock);
    bool can = conn->negotiated && SMB2_DIALECT_IS_3(conn->dialect) && conn->cipher != 0;
    pthread_mutex_unlock(&conn->lock);
    if (!can)
        return NULL;
    struct srv_session *s = srv_conn_find_session(conn, t.session_id);
    if (!s)
        return NULL;
    uint8_t key[SMB2_CIPHER_KEY_MAX];
    pthread_mutex_lock(&s->lock);
    bool ok = s->has_keys && s->keys.cipher_key_len > 0 && !s->dead;
    uint16_t cipher = s->cipher;
    memcpy(key, s->keys.decryption, sizeof key);
    pthread_mutex_unlock(&s->lock);
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    if (ok && smb2_decrypt_in_place(cipher, key, data, *len, &plain, &plain_len) ==
                  STATUS_SUCCESS &&
        plain_len >= 4 && memcmp(plain, SMB2_PROTOCOL_ID, 4) == 0) {
        log_debug("srv: %s: decrypted a frame of session 0x%llx (cipher %u)", conn->peer,
                  (unsigned long long)s->id, cipher);
        *msg = plain;
        *len = plain_len;
    } else {
        srv_session_unref(s);
        s = NULL;
    }
    OPENSSL_cleanse(key, sizeof key);
    return s;
}

void srv_conn_receive(struct srv_conn *conn, uint8_t *data, size_t len)
{
    struct srv_session *encrypt_session = NULL;
    uint8_t *msg = data;
    atomic_store(&conn->last_activity, srv_monotonic_seconds());
    if (srv_conn_is_dead(conn) || len < 4) {
        srv_bufpool_put(data);
        if (len < 4)
            srv_conn_disconnect(conn, "runt frame");
        return;
    }
    if (memcmp(data, SMB2_TRANSFORM_PROTOCOL_ID, 4) == 0) {
        encrypt_session = decrypt_frame(conn, data, &msg, &len);
        if (!encrypt_session) {
            srv_bufpool_put(data);
            srv_conn_disconnect(conn, "cannot decrypt a frame");
            return;
        }
    } else if (memcmp(data, SMB1_PROTOCOL_ID, 4) == 0) {
        bool ok = smb1_negotiate(conn, data, len);
        srv_bufpool_put(data);
        if (!ok)
            srv_conn_disconnect(conn, "SMB1 request other than a first NEGOTIATE");
        return;
    } else if (memcmp(data, SMB2_PROTOCOL_ID, 4) != 0) {
        srv_bufpool_put(data);
        srv_conn_disconnect(conn, "not an SMB2 frame");
        return;
    }
    struct smb2_request *req = request_new(conn, data, msg, len);
    if (!req) {
        srv_bufpool_put(data);
        if (encrypt_session)
            srv_session_unref(encrypt_session);
        srv_conn_disconnect(conn, "out of memory");
        return;
    }
    if (encrypt_session) {
        srv_stats_event(&conn->engine->stats, SRV_STAT_MESSAGES_DECRYPTED);
        req->encrypted = true;
        req->encrypt_session = encrypt_session;
        req->transform_session_id = encrypt_session->id;
    }
    run_chain(req);
}
