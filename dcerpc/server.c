/* The connection-oriented server runtime ([C706] 12.6, [MS-RPCE] 3.3.3):
 * bind and alter_context negotiation, request reassembly, dispatch through
 * the interface tables, response fragmentation and faults.
 *
 * Objects: the server (interfaces, association groups, under server->lock),
 * an association (one connection: its presentation contexts and the request
 * being reassembled; used by one thread at a time), an association group
 * (shared by the associations a client binds into it; reference counted under
 * server->lock). A call lives only inside dispatch().
 *
 * Policy on errors: a malformed header, a PDU that may not come in the
 * current state, or a fragment beyond the negotiated size ends the
 * association (after a fault or bind_nak where the PDU can be answered); a
 * well-formed request that cannot be served gets a fault and the association
 * goes on. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dcerpc/pdu.h"
#include "dcerpc/server_private.h"
#include "lib/crypto.h"
#include "lib/log.h"

#define DEFAULT_MAX_FRAG 5840
#define DEFAULT_MAX_REQUEST (4u << 20)
#define DEFAULT_CALL_MEMORY (16u << 20)
#define DEFAULT_MAX_HANDLES 1024u
#define MAX_CONTEXTS 64
/* Authentication legs one association may take (NTLMSSP needs three,
 * SPNEGO's mechListMIC a fourth): a package that never finishes cannot keep
 * an association in legs for ever. */
#define MAX_AUTH_LEGS 6
/* What one bind PDU may make the parser allocate (its contexts). */
#define BIND_PARSE_MEMORY (256u << 10)
/* Feature bits this server grants: it never closes a connection because of
 * an orphaned PDU; it has one security context per association, so nothing
 * to multiplex. */
#define SUPPORTED_FEATURES DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN

struct registered_iface {
    const struct dcerpc_interface *iface;
    void *ctx;
};

/* A context handle's server side: the 16 bytes that name it, who made it,
 * and what it names. */
struct context_handle {
    uint8_t uuid[16];
    const struct registered_iface *iface;
    uint32_t kind;
    void *data;
    dcerpc_handle_destructor destroy;
};

struct assoc_group {
    uint32_t id;
    unsigned refs; /* under server->lock */
    struct assoc_group *next;
    /* Held for the whole of each call of the group's associations: the
     * handles, and the data they name, are used by one call at a time. */
    pthread_mutex_t call_lock;
    struct context_handle *handles;
    size_t handle_count;
    size_t handle_cap;
};

struct dcerpc_server {
    struct dcerpc_server_config config;
    struct registered_iface *ifaces;
    size_t iface_count;
    pthread_mutex_t lock; /* groups, next_group_id */
    struct assoc_group *groups;
    uint32_t next_group_id;
    /* rpc_mgmt_inq_stats: requests served, PDUs read, replies written. */
    atomic_uint calls_in, pkts_in, pkts_out;
};

/* RPC-level authentication of an association ([MS-RPCE] 3.3.1.5.2): none;
 * legs under way (bind done, AUTH3 or alter_context legs expected); done;
 * failed (every request is refused). */
enum auth_state { AUTH_NONE, AUTH_LEGS, AUTH_DONE, AUTH_FAILED };

struct presentation_context {
    uint16_t id;
    const struct registered_iface *iface;
};

struct dcerpc_association {
    struct dcerpc_server *server;
    struct assoc_group *group;
    struct access_token *token;
    uint8_t *session_key;
    size_t session_key_len;
    char *client_address;
    char *endpoint;
    bool bound;
    bool closed;
    bool features_negotiated;
    uint8_t features;
    uint8_t minor; /* rpc_vers_minor of the bind, echoed in replies */
    uint16_t max_xmit;
    uint16_t max_recv;
    struct presentation_context contexts[MAX_CONTEXTS];
    size_t context_count;
    /* The one security context (auth_ctx from config.auth), its type,
     * level and id as the bind set them, and who it authenticated. */
    enum auth_state auth_state;
    void *auth_ctx;
    uint8_t auth_type;
    uint8_t auth_level;
    uint32_t auth_context_id;
    unsigned auth_legs;
    struct access_token *auth_token;
    uint8_t auth_session_key[32];
    size_t auth_session_key_len;
    struct buf in; /* bytes received, not yet a whole PDU */
    /* The request being reassembled (no concurrent multiplexing). */
    bool in_call;
    bool discard; /* already answered with a fault: drop its fragments */
    uint32_t call_id;
    uint16_t call_context;
    uint16_t call_opnum;
    const struct registered_iface *call_iface;
    struct buf stub;
};

struct dcerpc_call {
    struct dcerpc_association *assoc;
    struct ndr_arena *arena;
    void *iface_ctx;
    uint16_t opnum;
};

struct dcerpc_server *dcerpc_server_new(const struct dcerpc_server_config *config)
{
    struct dcerpc_server *server = calloc(1, sizeof *server);
    if (!server)
        return NULL;
    if (config)
        server->config = *config;
    if (server->config.max_frag < DCERPC_MUST_RECV_FRAG_SIZE)
        server->config.max_frag = DEFAULT_MAX_FRAG;
    if (!server->config.max_request)
        server->config.max_request = DEFAULT_MAX_REQUEST;
    if (!server->config.call_memory)
        server->config.call_memory = DEFAULT_CALL_MEMORY;
    if (!server->config.max_handles)
        server->config.max_handles = DEFAULT_MAX_HANDLES;
    pthread_mutex_init(&server->lock, NULL);
    server->next_group_id = 0x1000;
    /* Every endpoint answers the management interface. */
    if (dcerpc_server_register(server, &dcerpc_mgmt_interface, NULL) != STATUS_SUCCESS) {
        dcerpc_server_free(server);
        return NULL;
    }
    return server;
}

NTSTATUS dcerpc_server_register(struct dcerpc_server *server, const struct dcerpc_interface *iface,
                                void *iface_ctx)
{
    struct registered_iface *grown = realloc(server->ifaces, (server->iface_count + 1) * sizeof *grown);
    if (!grown)
        return STATUS_NO_MEMORY;
    server->ifaces = grown;
    server->ifaces[server->iface_count].iface = iface;
    server->ifaces[server->iface_count].ctx = iface_ctx;
    server->iface_count++;
    return STATUS_SUCCESS;
}

static void group_free(struct assoc_group *group)
{
    /* Last first: a handle made later may refer to one made earlier (a samr
     * user handle to its domain). */
    for (size_t i = group->handle_count; i-- > 0;)
        if (group->handles[i].destroy)
            group->handles[i].destroy(group->handles[i].data);
    free(group->handles);
    pthread_mutex_destroy(&group->call_lock);
    free(group);
}

void dcerpc_server_set_auth(struct dcerpc_server *server, const struct dcerpc_auth_ops *auth, void *auth_arg)
{
    server->config.auth = auth;
    server->config.auth_arg = auth_arg;
}

void dcerpc_server_free(struct dcerpc_server *server)
{
    if (!server)
        return;
    struct assoc_group *g = server->groups;
    while (g) {
        struct assoc_group *next = g->next;
        group_free(g);
        g = next;
    }
    pthread_mutex_destroy(&server->lock);
    free(server->ifaces);
    free(server);
}

/* ---- Association groups ([MS-RPCE] 3.3.1.5.2.2) ---- */

static struct assoc_group *group_join(struct dcerpc_server *server, uint32_t id)
{
    struct assoc_group *found = NULL;
    pthread_mutex_lock(&server->lock);
    if (id == 0) {
        found = calloc(1, sizeof *found);
        if (found) {
            pthread_mutex_init(&found->call_lock, NULL);
            /* Never hand out 0 (it asks for a new group) on wrap-around. */
            if (++server->next_group_id == 0)
                server->next_group_id = 1;
            found->id = server->next_group_id;
            found->next = server->groups;
            server->groups = found;
        }
    } else {
        for (struct assoc_group *g = server->groups; g; g = g->next)
            if (g->id == id)
                found = g;
    }
    if (found)
        found->refs++;
    pthread_mutex_unlock(&server->lock);
    return found;
}

static void group_leave(struct dcerpc_server *server, struct assoc_group *group)
{
    if (!group)
        return;
    bool last = false;
    pthread_mutex_lock(&server->lock);
    if (--group->refs == 0) {
        for (struct assoc_group **p = &server->groups; *p; p = &(*p)->next) {
            if (*p == group) {
                *p = group->next;
                break;
            }
        }
        last = true;
    }
    pthread_mutex_unlock(&server->lock);
    /* Unlinked: no association can join it any more, so its handles'
     * destructors run outside the server's lock. */
    if (last)
        group_free(group);
}

/* ---- Associations ---- */

struct dcerpc_association *dcerpc_association_new(struct dcerpc_server *server,
                                                  const struct dcerpc_caller *caller)
{
    struct dcerpc_association *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->server = server;
    buf_init(&a->in);
    buf_init(&a->stub);
    bool ok = true;
    if (caller && caller->token)
        ok = ok && (a->token = token_copy(caller->token)) != NULL;
    if (caller && caller->session_key_len) {
        a->session_key = malloc(caller->session_key_len);
        ok = ok && a->session_key;
        if (a->session_key) {
            memcpy(a->session_key, caller->session_key, caller->session_key_len);
            a->session_key_len = caller->session_key_len;
        }
    }
    if (caller && caller->client_address)
        ok = ok && (a->client_address = strdup(caller->client_address)) != NULL;
    a->endpoint = strdup(caller && caller->endpoint ? caller->endpoint : "");
    ok = ok && a->endpoint;
    if (!ok) {
        dcerpc_association_free(a);
        return NULL;
    }
    return a;
}

void dcerpc_association_free(struct dcerpc_association *a)
{
    if (!a)
        return;
    group_leave(a->server, a->group);
    if (a->auth_ctx)
        a->server->config.auth->free(a->auth_ctx);
    token_free(a->auth_token);
    memset(a->auth_session_key, 0, sizeof a->auth_session_key);
    token_free(a->token);
    if (a->session_key)
        memset(a->session_key, 0, a->session_key_len);
    free(a->session_key);
    free(a->client_address);
    free(a->endpoint);
    buf_free(&a->in);
    buf_free(&a->stub);
    free(a);
}

bool dcerpc_association_closed(const struct dcerpc_association *a) { return a->closed; }

static void end_call(struct dcerpc_association *a)
{
    a->in_call = false;
    a->discard = false;
    a->call_iface = NULL;
    buf_reset(&a->stub);
}

/* Answers what can be answered, then ends the association. */
static void protocol_error(struct dcerpc_association *a, uint32_t call_id, struct buf *out)
{
    if (a->bound)
        dcerpc_fault_write(out, a->minor, call_id, 0, DCERPC_PFC_DID_NOT_EXECUTE, DCERPC_NCA_S_PROTO_ERROR);
    a->closed = true;
    end_call(a);
}

/* ---- bind and alter_context ---- */

static const struct registered_iface *find_iface(const struct dcerpc_server *server,
                                                 const struct dcerpc_syntax_id *abstract)
{
    for (size_t i = 0; i < server->iface_count; i++) {
        const struct dcerpc_syntax_id *s = &server->ifaces[i].iface->syntax;
        /* Same UUID and major version; a client may ask for an older minor. */
        if (dcerpc_uuid_equal(&s->uuid, &abstract->uuid) && s->major == abstract->major &&
            abstract->minor <= s->minor)
            return &server->ifaces[i];
    }
    return NULL;
}

static struct presentation_context *find_context(struct dcerpc_association *a, uint16_t id)
{
    for (size_t i = 0; i < a->context_count; i++)
        if (a->contexts[i].id == id)
            return &a->contexts[i];
    return NULL;
}

static bool offers_ndr20(const struct dcerpc_context_elem *e)
{
    for (unsigned k = 0; k < e->transfer_count; k++)
        if (dcerpc_syntax_equal(&e->transfer[k], &dcerpc_ndr20_syntax))
            return true;
    return false;
}

/* One p_result_t per offered context, in order ([C706] 12.6.3.1). */
static void negotiate_context(struct dcerpc_association *a, const struct dcerpc_context_elem *e,
                              struct dcerpc_result *r)
{
    memset(r, 0, sizeof *r);
    uint8_t bits;
    if (e->transfer_count == 1 && dcerpc_syntax_is_btfn(&e->transfer[0], &bits)) {
        if (a->features_negotiated) {
            r->result = DCERPC_RESULT_PROVIDER_REJECTION;
            r->reason = DCERPC_REASON_NOT_SPECIFIED;
            return;
        }
        /* The reason field carries the features the server grants. */
        a->features_negotiated = true;
        a->features = bits & SUPPORTED_FEATURES;
        r->result = DCERPC_RESULT_NEGOTIATE_ACK;
        r->reason = a->features;
        return;
    }
    const struct registered_iface *iface = find_iface(a->server, &e->abstract);
    r->result = DCERPC_RESULT_PROVIDER_REJECTION;
    if (!iface) {
        r->reason = DCERPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED;
        return;
    }
    /* NDR 2.0 is the one transfer syntax served: NDR64 alone is refused. */
    if (!offers_ndr20(e)) {
        r->reason = DCERPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
        return;
    }
    struct presentation_context *existing = find_context(a, e->context_id);
    if (existing && existing->iface != iface) {
        r->reason = DCERPC_REASON_NOT_SPECIFIED; /* an id may not change its syntax */
        return;
    }
    if (!existing) {
        if (a->context_count == MAX_CONTEXTS) {
            r->reason = DCERPC_REASON_LOCAL_LIMIT_EXCEEDED;
            return;
        }
        a->contexts[a->context_count].id = e->context_id;
        a->contexts[a->context_count].iface = iface;
        a->context_count++;
    }
    r->result = DCERPC_RESULT_ACCEPTANCE;
    r->reason = 0;
    r->transfer = dcerpc_ndr20_syntax;
}

/* ---- RPC-level authentication ([MS-RPCE] 3.3.1.5.2) ----
 * The bind's verifier starts the association's one security context (its
 * answer rides in the bind_ack); the client finishes it with AUTH3 (raw
 * NTLMSSP: no answer) or with alter_context legs (SPNEGO, whose last answer
 * carries the mechListMIC). Until it is done, requests are refused; once
 * done, every request and response at level call, packet, integrity or
 * privacy carries a signature over the whole PDU up to the signature (with
 * the stub sealed at privacy), in sequence: a verifier that does not check
 * gets a fault and ends the association, as the sequence is lost. */

static bool auth_protects(const struct dcerpc_association *a)
{
    return a->auth_state == AUTH_DONE && a->auth_level >= DCERPC_AUTH_LEVEL_CALL;
}

/* A later verifier must name the context the bind set up: there is one per
 * association (no security context multiplexing). */
static bool auth_matches(const struct dcerpc_association *a, const struct dcerpc_auth *auth)
{
    return auth->auth_type == a->auth_type && auth->auth_level == a->auth_level &&
           auth->auth_context_id == a->auth_context_id;
}

/* Records a leg's outcome: legs still to come, done (the identity kept), or
 * failed. Returns status, or an error if the context cannot give the level
 * asked for. */
static NTSTATUS auth_leg_done(struct dcerpc_association *a, NTSTATUS status, struct access_token *token)
{
    const struct dcerpc_auth_ops *ops = a->server->config.auth;
    if (status == STATUS_MORE_PROCESSING_REQUIRED && ++a->auth_legs >= MAX_AUTH_LEGS)
        status = STATUS_LOGON_FAILURE;
    if (status == STATUS_MORE_PROCESSING_REQUIRED) {
        token_free(token);
        a->auth_state = AUTH_LEGS;
        return status;
    }
    if (status == STATUS_SUCCESS && (!token || (a->auth_level > DCERPC_AUTH_LEVEL_CONNECT &&
                                                !(ops->can_protect && ops->can_protect(a->auth_ctx)))))
        status = STATUS_ACCESS_DENIED; /* nothing to sign with: connect level only */
    if (status == STATUS_SUCCESS) {
        a->auth_token = token;
        a->auth_state = AUTH_DONE;
        if (ops->session_key) {
            size_t len = ops->session_key(a->auth_ctx, a->auth_session_key);
            a->auth_session_key_len = len <= sizeof a->auth_session_key ? len : 0;
        }
        return status;
    }
    log_debug("dcerpc: %s: RPC authentication failed: %s", a->endpoint, nt_status_name(status));
    token_free(token);
    a->auth_state = AUTH_FAILED;
    return status;
}

/* The bind's leg. *nak says why when it fails. */
static NTSTATUS auth_first_leg(struct dcerpc_association *a, const uint8_t *pdu, size_t len, struct buf *answer,
                               uint16_t *nak)
{
    const struct dcerpc_auth_ops *ops = a->server->config.auth;
    struct dcerpc_auth auth;
    *nak = DCERPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED;
    if (!ops || dcerpc_auth_read(pdu, len, &auth) != STATUS_SUCCESS)
        return STATUS_NOT_SUPPORTED;
    if (auth.auth_level < DCERPC_AUTH_LEVEL_CONNECT || auth.auth_level > DCERPC_AUTH_LEVEL_PRIVACY) {
        *nak = DCERPC_NAK_REASON_NOT_SPECIFIED;
        return STATUS_INVALID_PARAMETER;
    }
    a->auth_ctx = ops->start(a->server->config.auth_arg, auth.auth_type, a->client_address);
    if (!a->auth_ctx)
        return STATUS_NOT_SUPPORTED;
    a->auth_type = auth.auth_type;
    a->auth_level = auth.auth_level;
    a->auth_context_id = auth.auth_context_id;
    struct access_token *token = NULL;
    NTSTATUS status = ops->accept(a->auth_ctx, auth.token, auth.token_len, answer, &token);
    status = auth_leg_done(a, status, token);
    if (!NT_SUCCESS(status) && status != STATUS_MORE_PROCESSING_REQUIRED)
        *nak = DCERPC_NAK_REASON_NOT_SPECIFIED;
    return status;
}

/* AUTH3 ([MS-RPCE] 2.2.2.10): the last leg, never answered. A failure
 * shows at the next request (fault access denied). */
static void handle_auth3(struct dcerpc_association *a, const struct dcerpc_header *h, const uint8_t *pdu,
                         struct buf *out)
{
    struct dcerpc_auth auth;
    if (a->auth_state != AUTH_LEGS || !h->auth_length ||
        dcerpc_auth_read(pdu, h->frag_length, &auth) != STATUS_SUCCESS) {
        protocol_error(a, h->call_id, out);
        return;
    }
    struct access_token *token = NULL;
    NTSTATUS status = STATUS_ACCESS_DENIED;
    struct buf ignored;
    buf_init(&ignored);
    if (auth_matches(a, &auth))
        status = a->server->config.auth->accept(a->auth_ctx, auth.token, auth.token_len, &ignored, &token);
    buf_free(&ignored);
    if (status == STATUS_MORE_PROCESSING_REQUIRED)
        status = STATUS_LOGON_FAILURE; /* no leg can follow an AUTH3 */
    auth_leg_done(a, status, token);
}

static void handle_bind(struct dcerpc_association *a, const struct dcerpc_header *h,
                        const uint8_t *pdu, struct buf *out)
{
    struct ndr_arena *arena = ndr_arena_new(BIND_PARSE_MEMORY);
    struct dcerpc_bind_ack *ack = calloc(1, sizeof *ack);
    struct dcerpc_bind bind;
    struct buf answer;
    buf_init(&answer);
    uint16_t nak = DCERPC_NAK_REASON_NOT_SPECIFIED;
    bool ok = false;
    if (!arena || !ack)
        goto done;
    if (dcerpc_bind_read(pdu, h->frag_length, arena, &bind) != STATUS_SUCCESS)
        goto done;
    if (h->auth_length) {
        NTSTATUS status = auth_first_leg(a, pdu, h->frag_length, &answer, &nak);
        if (!NT_SUCCESS(status) && status != STATUS_MORE_PROCESSING_REQUIRED)
            goto done;
    }
    if (bind.max_xmit_frag < DCERPC_MUST_RECV_FRAG_SIZE || bind.max_recv_frag < DCERPC_MUST_RECV_FRAG_SIZE) {
        nak = DCERPC_NAK_LOCAL_LIMIT_EXCEEDED;
        goto done;
    }
    a->group = group_join(a->server, bind.assoc_group_id);
    if (!a->group)
        goto done; /* an unknown group: reason not specified */
    uint16_t limit = a->server->config.max_frag;
    a->max_xmit = bind.max_recv_frag < limit ? bind.max_recv_frag : limit;
    a->max_recv = bind.max_xmit_frag < limit ? bind.max_xmit_frag : limit;
    a->minor = h->rpc_vers_minor;
    a->bound = true;
    ack->max_xmit_frag = a->max_xmit;
    ack->max_recv_frag = a->max_recv;
    ack->assoc_group_id = a->group->id;
    snprintf(ack->secondary_address, sizeof ack->secondary_address, "%s", a->endpoint);
    ack->result_count = bind.context_count;
    for (unsigned i = 0; i < bind.context_count; i++)
        negotiate_context(a, &bind.contexts[i], &ack->results[i]);
    size_t start = out->len;
    dcerpc_bind_ack_write(out, DCERPC_PKT_BIND_ACK, a->minor, h->call_id, ack);
    if (h->auth_length && wr_ok(out)) {
        /* NTLMSSP signs the whole PDU anyway: header signing is granted
         * whenever asked for ([MS-RPCE] 3.3.1.5.2.1). */
        if (h->pfc_flags & DCERPC_PFC_PENDING_CANCEL)
            out->data[start + 3] |= DCERPC_PFC_PENDING_CANCEL;
        dcerpc_auth_append(out, start, 0, a->auth_type, a->auth_level, a->auth_context_id, answer.data,
                           answer.len);
    }
    ok = true;
done:
    if (!ok) {
        dcerpc_bind_nak_write(out, h->rpc_vers_minor, h->call_id, nak);
        a->closed = true;
    }
    buf_free(&answer);
    free(ack);
    ndr_arena_free(arena);
}

static void handle_alter(struct dcerpc_association *a, const struct dcerpc_header *h,
                         const uint8_t *pdu, struct buf *out)
{
    struct ndr_arena *arena = ndr_arena_new(BIND_PARSE_MEMORY);
    struct dcerpc_bind_ack *ack = calloc(1, sizeof *ack);
    struct dcerpc_bind bind;
    struct dcerpc_auth auth;
    struct buf answer;
    buf_init(&answer);
    bool with_auth = false;
    if (!arena || !ack || dcerpc_bind_read(pdu, h->frag_length, arena, &bind) != STATUS_SUCCESS ||
        (h->auth_length && dcerpc_auth_read(pdu, h->frag_length, &auth) != STATUS_SUCCESS)) {
        protocol_error(a, h->call_id, out);
        goto done;
    }
    if (h->auth_length) {
        /* A leg of the bind's context (SPNEGO's third), or the finished
         * context named again; nothing else (no second context). */
        if (a->auth_state == AUTH_LEGS) {
            struct access_token *token = NULL;
            NTSTATUS status = STATUS_ACCESS_DENIED;
            if (auth_matches(a, &auth))
                status = a->server->config.auth->accept(a->auth_ctx, auth.token, auth.token_len, &answer, &token);
            status = auth_leg_done(a, status, token);
            if (!NT_SUCCESS(status) && status != STATUS_MORE_PROCESSING_REQUIRED) {
                dcerpc_fault_write(out, a->minor, h->call_id, 0, DCERPC_PFC_DID_NOT_EXECUTE,
                                   DCERPC_FAULT_ACCESS_DENIED);
                a->closed = true;
                goto done;
            }
            with_auth = true;
        } else if (a->auth_state != AUTH_DONE || !auth_matches(a, &auth)) {
            protocol_error(a, h->call_id, out);
            goto done;
        }
    }
    /* Sizes and group were settled by the bind; the response repeats them
     * and has no secondary address. */
    ack->max_xmit_frag = a->max_xmit;
    ack->max_recv_frag = a->max_recv;
    ack->assoc_group_id = a->group->id;
    ack->result_count = bind.context_count;
    for (unsigned i = 0; i < bind.context_count; i++)
        negotiate_context(a, &bind.contexts[i], &ack->results[i]);
    size_t start = out->len;
    dcerpc_bind_ack_write(out, DCERPC_PKT_ALTER_RESP, a->minor, h->call_id, ack);
    if (with_auth && wr_ok(out))
        dcerpc_auth_append(out, start, 0, a->auth_type, a->auth_level, a->auth_context_id, answer.data,
                           answer.len);
done:
    buf_free(&answer);
    free(ack);
    ndr_arena_free(arena);
}

/* ---- Requests ---- */

static uint32_t fault_for(NTSTATUS status)
{
    switch (status) {
    case STATUS_INVALID_LEVEL: return DCERPC_NCA_S_FAULT_INVALID_TAG;
    case STATUS_INSUFFICIENT_RESOURCES:
    case STATUS_NO_MEMORY: return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    default: return DCERPC_FAULT_NDR;
    }
}

/* A response fragment's verifier: signed, and sealed at privacy. */
static void protect_response(void *arg, uint8_t *pdu, size_t len, size_t stub_off, size_t stub_n, uint8_t *sig)
{
    struct dcerpc_association *a = arg;
    const struct dcerpc_auth_ops *ops = a->server->config.auth;
    if (a->auth_level == DCERPC_AUTH_LEVEL_PRIVACY)
        ops->seal(a->auth_ctx, pdu, len, stub_off, stub_n, sig);
    else
        ops->sign(a->auth_ctx, pdu, len, sig);
}

/* A response, with verifiers at level call and above. */
static void write_response(struct dcerpc_association *a, struct buf *out, const uint8_t *stub, size_t stub_len)
{
    struct dcerpc_fragment_auth auth = { a->auth_type, a->auth_level, a->auth_context_id, protect_response, a };
    dcerpc_fragments_write_auth(out, DCERPC_PKT_RESPONSE, a->minor, a->call_id, a->call_context, 0, stub, stub_len,
                                a->max_xmit, auth_protects(a) ? &auth : NULL);
}

static void dispatch(struct dcerpc_association *a, struct buf *out)
{
    const struct dcerpc_interface *iface = a->call_iface->iface;
    const struct dcerpc_operation *op = a->call_opnum < iface->op_count ? &iface->ops[a->call_opnum] : NULL;
    struct ndr_arena *arena = NULL;
    struct buf reply;
    buf_init(&reply);
    if (!op || !op->params || !op->handler) {
        dcerpc_fault_write(out, a->minor, a->call_id, a->call_context, DCERPC_PFC_DID_NOT_EXECUTE,
                           DCERPC_NCA_S_OP_RNG_ERROR);
        goto done;
    }
    arena = ndr_arena_new(a->server->config.call_memory);
    void *r = arena ? ndr_arena_alloc(arena, op->params->size) : NULL;
    if (!r) {
        dcerpc_fault_write(out, a->minor, a->call_id, a->call_context, DCERPC_PFC_DID_NOT_EXECUTE,
                           DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY);
        goto done;
    }
    NTSTATUS status = ndr_pull(arena, a->stub.data, a->stub.len, op->params, r, NDR_IN);
    if (status != STATUS_SUCCESS) {
        log_debug("dcerpc: %s.%s: bad request stub: %s", iface->name, op->name, nt_status_name(status));
        dcerpc_fault_write(out, a->minor, a->call_id, a->call_context, DCERPC_PFC_DID_NOT_EXECUTE,
                           fault_for(status));
        goto done;
    }
    atomic_fetch_add(&a->server->calls_in, 1);
    struct dcerpc_call call = { a, arena, a->call_iface->ctx, a->call_opnum };
    pthread_mutex_lock(&a->group->call_lock);
    uint32_t fault = op->handler(&call, r);
    pthread_mutex_unlock(&a->group->call_lock);
    if (fault) {
        dcerpc_fault_write(out, a->minor, a->call_id, a->call_context, 0, fault);
        goto done;
    }
    status = ndr_push(&reply, op->params, r, NDR_OUT);
    if (status != STATUS_SUCCESS) {
        log_warning("dcerpc: %s.%s: cannot marshal the reply: %s", iface->name, op->name,
                    nt_status_name(status));
        dcerpc_fault_write(out, a->minor, a->call_id, a->call_context, 0,
                           status == STATUS_INVALID_LEVEL ? DCERPC_NCA_S_FAULT_INVALID_TAG
                                                          : DCERPC_FAULT_CANT_PERFORM);
        goto done;
    }
    write_response(a, out, reply.data, reply.len);
done:
    buf_free(&reply);
    ndr_arena_free(arena);
    end_call(a);
}

/* Checks a request fragment's verifier (and unseals its stub in place);
 * req->stub_len loses the padding. */
static NTSTATUS check_request(struct dcerpc_association *a, const struct dcerpc_header *h, uint8_t *pdu,
                              struct dcerpc_request *req)
{
    const struct dcerpc_auth_ops *ops = a->server->config.auth;
    struct dcerpc_auth auth;
    if (!h->auth_length || dcerpc_auth_read(pdu, h->frag_length, &auth) != STATUS_SUCCESS ||
        !auth_matches(a, &auth) || auth.token_len != DCERPC_AUTH_SIG_SIZE ||
        auth.auth_pad_length > req->stub_len)
        return STATUS_ACCESS_DENIED;
    size_t signed_len = auth.trailer_offset + DCERPC_SEC_TRAILER_LEN;
    size_t stub_off = (size_t)(req->stub - pdu);
    NTSTATUS status;
    if (a->auth_level == DCERPC_AUTH_LEVEL_PRIVACY)
        status = ops->unseal(a->auth_ctx, pdu, signed_len, stub_off, req->stub_len, auth.token);
    else
        status = ops->verify(a->auth_ctx, pdu, signed_len, auth.token);
    if (status != STATUS_SUCCESS)
        return status;
    req->stub_len -= auth.auth_pad_length;
    return STATUS_SUCCESS;
}

static void handle_request(struct dcerpc_association *a, const struct dcerpc_header *h, uint8_t *pdu,
                           struct buf *out)
{
    struct dcerpc_request req;
    if (dcerpc_request_read(pdu, h->frag_length, &req) != STATUS_SUCCESS) {
        protocol_error(a, h->call_id, out);
        return;
    }
    if (a->auth_state == AUTH_LEGS || a->auth_state == AUTH_FAILED) {
        /* Authentication was asked for and did not succeed. */
        dcerpc_fault_write(out, a->minor, h->call_id, req.context_id, DCERPC_PFC_DID_NOT_EXECUTE,
                           DCERPC_FAULT_ACCESS_DENIED);
        a->closed = true;
        end_call(a);
        return;
    }
    if (auth_protects(a)) {
        NTSTATUS status = check_request(a, h, pdu, &req);
        if (status != STATUS_SUCCESS) {
            log_info("dcerpc: %s: a request's verifier does not check (%s): ending the association",
                     a->endpoint, nt_status_name(status));
            dcerpc_fault_write(out, a->minor, h->call_id, req.context_id, DCERPC_PFC_DID_NOT_EXECUTE,
                               DCERPC_FAULT_SEC_PKG_ERROR);
            a->closed = true;
            end_call(a);
            return;
        }
    } else if (h->auth_length) {
        protocol_error(a, h->call_id, out); /* a verifier nothing negotiated */
        return;
    }
    if (h->pfc_flags & DCERPC_PFC_FIRST_FRAG) {
        if (a->in_call) { /* a new call before the last one was whole */
            protocol_error(a, h->call_id, out);
            return;
        }
        a->in_call = true;
        a->call_id = h->call_id;
        a->call_context = req.context_id;
        a->call_opnum = req.opnum;
        struct presentation_context *pc = find_context(a, req.context_id);
        if (!pc) {
            dcerpc_fault_write(out, a->minor, h->call_id, req.context_id, DCERPC_PFC_DID_NOT_EXECUTE,
                               DCERPC_NCA_S_UNK_IF);
            a->discard = true;
        } else {
            a->call_iface = pc->iface;
        }
    } else if (!a->in_call || h->call_id != a->call_id || req.context_id != a->call_context) {
        protocol_error(a, h->call_id, out);
        return;
    }
    if (!a->discard) {
        if (req.stub_len > a->server->config.max_request - a->stub.len) {
            protocol_error(a, h->call_id, out);
            return;
        }
        /* (No zero-length append: an empty buffer has no data pointer.) */
        if (req.stub_len)
            wr_bytes(&a->stub, req.stub, req.stub_len);
        if (!wr_ok(&a->stub)) {
            protocol_error(a, h->call_id, out);
            return;
        }
    }
    if (h->pfc_flags & DCERPC_PFC_LAST_FRAG) {
        if (a->discard)
            end_call(a);
        else
            dispatch(a, out);
    }
}

static void process_pdu(struct dcerpc_association *a, const struct dcerpc_header *h, uint8_t *pdu,
                        struct buf *out)
{
    switch (h->ptype) {
    case DCERPC_PKT_BIND:
        if (a->bound) { /* one bind per association */
            dcerpc_bind_nak_write(out, h->rpc_vers_minor, h->call_id, DCERPC_NAK_REASON_NOT_SPECIFIED);
            a->closed = true;
        } else {
            handle_bind(a, h, pdu, out);
        }
        return;
    case DCERPC_PKT_ALTER:
        if (a->bound)
            handle_alter(a, h, pdu, out);
        else
            protocol_error(a, h->call_id, out);
        return;
    case DCERPC_PKT_REQUEST:
        if (a->bound)
            handle_request(a, h, pdu, out);
        else
            protocol_error(a, h->call_id, out);
        return;
    case DCERPC_PKT_ORPHANED:
        /* The client abandoned the call it was sending. */
        if (a->in_call && a->call_id == h->call_id)
            end_call(a);
        return;
    case DCERPC_PKT_CO_CANCEL:
        /* Calls run to completion at once: nothing to cancel. */
        if (!a->bound)
            protocol_error(a, h->call_id, out);
        return;
    case DCERPC_PKT_AUTH3:
        if (a->bound)
            handle_auth3(a, h, pdu, out);
        else
            protocol_error(a, h->call_id, out);
        return;
    default:
        /* Server-to-client PDUs, and connectionless ones. */
        protocol_error(a, h->call_id, out);
        return;
    }
}

NTSTATUS dcerpc_association_input(struct dcerpc_association *a, const uint8_t *data, size_t len,
                                  struct buf *out)
{
    if (a->closed)
        return STATUS_CONNECTION_DISCONNECTED;
    if (len)
        wr_bytes(&a->in, data, len);
    if (!wr_ok(&a->in))
        return STATUS_NO_MEMORY;
    size_t pos = 0;
    while (!a->closed && a->in.len - pos >= DCERPC_HEADER_LEN) {
        struct dcerpc_header h;
        uint8_t *pdu = a->in.data + pos;
        if (dcerpc_header_read(pdu, a->in.len - pos, &h) != STATUS_SUCCESS) {
            a->closed = true; /* cannot even tell where the PDU ends */
            break;
        }
        uint16_t limit = a->bound ? a->max_recv : a->server->config.max_frag;
        if (h.frag_length > limit) {
            protocol_error(a, h.call_id, out);
            break;
        }
        if (a->in.len - pos < h.frag_length)
            break; /* wait for the rest */
        size_t out_before = out->len;
        process_pdu(a, &h, pdu, out);
        atomic_fetch_add(&a->server->pkts_in, 1);
        if (out->len > out_before)
            atomic_fetch_add(&a->server->pkts_out, 1);
        pos += h.frag_length;
    }
    /* Keep only the partial PDU. */
    if (pos) {
        memmove(a->in.data, a->in.data + pos, a->in.len - pos);
        a->in.len -= pos;
    }
    if (!wr_ok(out))
        return STATUS_NO_MEMORY;
    return a->closed ? STATUS_CONNECTION_DISCONNECTED : STATUS_SUCCESS;
}

/* ---- Call accessors ---- */

void *dcerpc_call_iface_ctx(const struct dcerpc_call *call) { return call->iface_ctx; }
struct ndr_arena *dcerpc_call_arena(struct dcerpc_call *call) { return call->arena; }
const struct access_token *dcerpc_call_token(const struct dcerpc_call *call)
{
    return call->assoc->auth_token ? call->assoc->auth_token : call->assoc->token;
}
uint8_t dcerpc_call_auth_level(const struct dcerpc_call *call)
{
    return call->assoc->auth_state == AUTH_DONE ? call->assoc->auth_level : 0;
}
const char *dcerpc_call_client_address(const struct dcerpc_call *call) { return call->assoc->client_address; }
uint16_t dcerpc_call_opnum(const struct dcerpc_call *call) { return call->opnum; }

const uint8_t *dcerpc_call_session_key(const struct dcerpc_call *call, size_t *len)
{
    if (call->assoc->auth_session_key_len) {
        *len = call->assoc->auth_session_key_len;
        return call->assoc->auth_session_key;
    }
    *len = call->assoc->session_key_len;
    return call->assoc->session_key;
}

/* ---- Context handles ---- */

static struct context_handle *handle_lookup(struct dcerpc_call *call, const struct policy_handle *h)
{
    struct assoc_group *g = call->assoc->group;
    /* Every handle handed out has attributes 0; the nil handle is no handle. */
    if (!h || h->attributes != 0)
        return NULL;
    for (size_t i = 0; i < g->handle_count; i++) {
        struct context_handle *c = &g->handles[i];
        if (c->iface == call->assoc->call_iface && crypto_memcmp(c->uuid, h->uuid, sizeof c->uuid) == 0)
            return c;
    }
    return NULL;
}

NTSTATUS dcerpc_handle_create(struct dcerpc_call *call, uint32_t kind, void *data,
                              dcerpc_handle_destructor destroy, struct policy_handle *handle)
{
    struct assoc_group *g = call->assoc->group;
    memset(handle, 0, sizeof *handle);
    if (g->handle_count >= call->assoc->server->config.max_handles) {
        log_info("dcerpc: association group 0x%x holds %zu context handles: refusing another", g->id,
                 g->handle_count);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (g->handle_count == g->handle_cap) {
        size_t cap = g->handle_cap ? g->handle_cap * 2 : 8;
        struct context_handle *grown = realloc(g->handles, cap * sizeof *grown);
        if (!grown)
            return STATUS_NO_MEMORY;
        g->handles = grown;
        g->handle_cap = cap;
    }
    struct context_handle *c = &g->handles[g->handle_count];
    memset(c, 0, sizeof *c);
    /* Random, so a handle cannot be guessed; all zeros is the nil handle and
     * a repeat would alias, so draw again (bounded: 2^-128 odds). */
    for (int tries = 0;; tries++) {
        static const uint8_t zero[16];
        if (tries == 4 || crypto_random(c->uuid, sizeof c->uuid) != 0)
            return STATUS_INTERNAL_ERROR;
        memcpy(handle->uuid, c->uuid, sizeof c->uuid);
        if (memcmp(c->uuid, zero, sizeof zero) != 0 && !handle_lookup(call, handle))
            break;
    }
    c->iface = call->assoc->call_iface;
    c->kind = kind;
    c->data = data;
    c->destroy = destroy;
    g->handle_count++;
    return STATUS_SUCCESS;
}

void *dcerpc_handle_find(struct dcerpc_call *call, const struct policy_handle *handle, uint32_t *kind)
{
    struct context_handle *c = handle_lookup(call, handle);
    if (c && kind)
        *kind = c->kind;
    return c ? c->data : NULL;
}

void *dcerpc_handle_find_kind(struct dcerpc_call *call, const struct policy_handle *handle, uint32_t kind)
{
    struct context_handle *c = handle_lookup(call, handle);
    return c && c->kind == kind ? c->data : NULL;
}

bool dcerpc_handle_close(struct dcerpc_call *call, const struct policy_handle *handle)
{
    struct assoc_group *g = call->assoc->group;
    struct context_handle *c = handle_lookup(call, handle);
    if (!c)
        return false;
    struct context_handle gone = *c;
    /* Keep creation order (group_free destroys newest first). */
    size_t i = (size_t)(c - g->handles);
    memmove(&g->handles[i], &g->handles[i + 1], (g->handle_count - i - 1) * sizeof *c);
    g->handle_count--;
    if (gone.destroy)
        gone.destroy(gone.data);
    return true;
}

size_t dcerpc_handle_count(const struct dcerpc_call *call) { return call->assoc->group->handle_count; }

/* ---- For the management interface ---- */

size_t dcerpc_call_server_ifaces(const struct dcerpc_call *call, struct dcerpc_syntax_id *out, size_t cap)
{
    const struct dcerpc_server *server = call->assoc->server;
    for (size_t i = 0; i < server->iface_count && i < cap; i++)
        out[i] = server->ifaces[i].iface->syntax;
    return server->iface_count;
}

void dcerpc_call_server_stats(const struct dcerpc_call *call, uint32_t stats[DCERPC_STATS_COUNT])
{
    struct dcerpc_server *server = call->assoc->server;
    stats[DCERPC_STATS_CALLS_IN] = atomic_load(&server->calls_in);
    stats[DCERPC_STATS_CALLS_OUT] = 0; /* a server makes no calls */
    stats[DCERPC_STATS_PKTS_IN] = atomic_load(&server->pkts_in);
    stats[DCERPC_STATS_PKTS_OUT] = atomic_load(&server->pkts_out);
}
