/* DCE/RPC over connection-oriented transports ([C706] chapter 12, [MS-RPCE]):
 * interface tables, the server runtime and a client runtime.
 *
 * The runtimes move bytes, not sockets. A server association takes the bytes a
 * client wrote (any split: half a PDU, several PDUs) and appends the bytes to
 * send back, so the same code serves an npfs pipe instance, a socketpair in a
 * test or a fuzz input. The client takes a send/receive pair of callbacks.
 *
 * Thread safety: a dcerpc_server may be shared by threads once its interfaces
 * are registered (association groups are looked up under its lock); one
 * association is used by one thread at a time. */
#ifndef SW_DCERPC_DCERPC_H
#define SW_DCERPC_DCERPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcerpc/ndr.h"
#include "lib/buf.h"
#include "lib/ntstatus.h"
#include "lib/token.h"

/* A UUID in its fields ([C706] appendix A); on the wire the first three are
 * little-endian and the last eight bytes go as they are. */
struct dcerpc_uuid {
    uint32_t time_low;
    uint16_t time_mid;
    uint16_t time_hi_and_version;
    uint8_t clock_seq[2];
    uint8_t node[6];
};

/* An interface or transfer syntax: UUID and version (major.minor). */
struct dcerpc_syntax_id {
    struct dcerpc_uuid uuid;
    uint16_t major;
    uint16_t minor;
};

extern const struct dcerpc_syntax_id dcerpc_ndr20_syntax; /* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2 */
extern const struct dcerpc_syntax_id dcerpc_ndr64_syntax; /* 71710533-beba-4937-8319-b5dbef9ccc36 v1 */

/* "4B324FC8-1670-01D3-1278-5A47BF6EE188" to fields; 0 on success, -1 if malformed. */
int dcerpc_uuid_parse(const char *text, struct dcerpc_uuid *uuid);
bool dcerpc_uuid_equal(const struct dcerpc_uuid *a, const struct dcerpc_uuid *b);

/* Fault status codes ([C706] appendix E, [MS-RPCE] 2.2.2.11). */
#define DCERPC_NCA_S_OP_RNG_ERROR        0x1C010002u /* no such opnum */
#define DCERPC_NCA_S_UNK_IF              0x1C010003u /* no such interface/context */
#define DCERPC_NCA_S_PROTO_ERROR         0x1C01000Bu
#define DCERPC_NCA_S_FAULT_INVALID_TAG   0x1C000006u /* union discriminant without arm */
#define DCERPC_NCA_S_FAULT_INVALID_BOUND 0x1C000007u
#define DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH 0x1C00001Au /* bad context handle */
#define DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY 0x1C00001Bu
#define DCERPC_FAULT_ACCESS_DENIED       0x00000005u
#define DCERPC_FAULT_CANT_PERFORM        0x000006D8u
#define DCERPC_FAULT_NDR                 0x000006F7u /* the stub received bad data */
#define DCERPC_FAULT_SEC_PKG_ERROR       0x00000721u /* a verifier did not check */

/* ---- Interfaces ---- */

struct dcerpc_call;

/* An operation's server routine: r is the operation's PARAMS value with the
 * [in] members filled; it fills the [out] members (allocating from
 * dcerpc_call_arena) and returns 0, or a fault status to send instead of a
 * response. Protocol-level errors (NET_API_STATUS, NTSTATUS results) are [out]
 * members, not faults. */
typedef uint32_t (*dcerpc_handler)(struct dcerpc_call *call, void *r);

struct dcerpc_operation {
    const char *name;
    const struct ndr_type *params; /* NULL: opnum not served (fault op_rng_error) */
    dcerpc_handler handler;
};

struct dcerpc_interface {
    const char *name;
    struct dcerpc_syntax_id syntax;
    const struct dcerpc_operation *ops; /* indexed by opnum */
    size_t op_count;
};

/* ---- RPC-level authentication ([MS-RPCE] 2.2.1.1.7, 2.2.1.1.8, 2.2.2.11) ---- */

#define DCERPC_AUTH_TYPE_SPNEGO  9  /* RPC_C_AUTHN_GSS_NEGOTIATE */
#define DCERPC_AUTH_TYPE_NTLMSSP 10 /* RPC_C_AUTHN_WINNT */
#define DCERPC_AUTH_LEVEL_CONNECT   2
#define DCERPC_AUTH_LEVEL_CALL      3 /* served as PKT, as Windows does */
#define DCERPC_AUTH_LEVEL_PKT       4
#define DCERPC_AUTH_LEVEL_INTEGRITY 5
#define DCERPC_AUTH_LEVEL_PRIVACY   6
/* The verifier of a request or response: an NTLMSSP signature. */
#define DCERPC_AUTH_SIG_SIZE 16

/* The security package the transport host plugs in, so the runtime needs
 * no knowledge of accounts or of NTLM: lsassd gives its own acceptor
 * (lsass/rpc/auth.c). One context per association; its calls are made by
 * the association's thread only. */
struct dcerpc_auth_ops {
    /* A new context for auth_type (DCERPC_AUTH_TYPE_*), for a client at
     * client_address (may be NULL); NULL if the type is not served. */
    void *(*start)(void *arg, uint8_t auth_type, const char *client_address);
    /* One leg: the client's token in, ours appended to out. Returns
     * STATUS_MORE_PROCESSING_REQUIRED, STATUS_SUCCESS with *token the
     * authenticated identity (the caller owns it), or an error. */
    NTSTATUS (*accept)(void *ctx, const uint8_t *in, size_t len, struct buf *out,
                       struct access_token **token);
    /* After success, whether the context can sign and seal (an anonymous
     * or Guest logon has no key: connect level only). */
    bool (*can_protect)(void *ctx);
    /* After success, the context's session key (NTLMSSP: the 16-byte
     * ExportedSessionKey) into key (32 bytes), its length; 0 for none. A
     * client of an authenticated pipe encrypts with it, not the SMB
     * session's (samr's passwords at levels 23-26). NULL: none. */
    size_t (*session_key)(void *ctx, uint8_t key[32]);
    /* Integrity: the signature of pdu (the PDU up to its verifier). */
    void (*sign)(void *ctx, const uint8_t *pdu, size_t len, uint8_t sig[DCERPC_AUTH_SIG_SIZE]);
    NTSTATUS (*verify)(void *ctx, const uint8_t *pdu, size_t len, const uint8_t sig[DCERPC_AUTH_SIG_SIZE]);
    /* Privacy: encrypts pdu[off, off+n) in place and signs the whole of pdu
     * as it was before (plaintext); unseal decrypts, then verifies. */
    void (*seal)(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n, uint8_t sig[DCERPC_AUTH_SIG_SIZE]);
    NTSTATUS (*unseal)(void *ctx, uint8_t *pdu, size_t len, size_t off, size_t n,
                       const uint8_t sig[DCERPC_AUTH_SIG_SIZE]);
    void (*free)(void *ctx);
};

/* ---- Server ---- */

struct dcerpc_server_config {
    uint16_t max_frag;        /* largest fragment sent or accepted (default 5840) */
    size_t max_request;       /* largest reassembled request stub (default 4 MiB) */
    size_t call_memory;       /* per-call arena cap: [in] data plus the reply's (default 16 MiB) */
    unsigned max_handles;     /* context handles one association group may hold (default 1024;
                                 lsassd: setting lsass.rpc-max-handles) */
    /* RPC-level authentication (NULL: a bind with a verifier gets bind_nak
     * authentication_type_not_recognized). auth_arg goes to auth->start. */
    const struct dcerpc_auth_ops *auth;
    void *auth_arg;
};

struct dcerpc_server;
struct dcerpc_server *dcerpc_server_new(const struct dcerpc_server_config *config);
/* Serves iface; iface_ctx is handed to its handlers (dcerpc_call_iface_ctx). */
NTSTATUS dcerpc_server_register(struct dcerpc_server *server, const struct dcerpc_interface *iface,
                                void *iface_ctx);
void dcerpc_server_free(struct dcerpc_server *server);
/* Sets the security package after creation (before any association). */
void dcerpc_server_set_auth(struct dcerpc_server *server, const struct dcerpc_auth_ops *auth, void *auth_arg);

/* Who is at the other end of an association: from the transport (for
 * ncacn_np, the SMB session behind the pipe open). Copied at creation. */
struct dcerpc_caller {
    const struct access_token *token; /* NULL: anonymous */
    const uint8_t *session_key;       /* the SMB session key, for samr/lsarpc */
    size_t session_key_len;
    const char *client_address;       /* "127.0.0.1", or NULL */
    const char *endpoint;             /* bind_ack secondary address, "\\PIPE\\srvsvc" */
};

struct dcerpc_association;
struct dcerpc_association *dcerpc_association_new(struct dcerpc_server *server,
                                                  const struct dcerpc_caller *caller);
/* Feeds received bytes; appends whatever must be sent to out. Returns
 * STATUS_SUCCESS, or STATUS_CONNECTION_DISCONNECTED once the association is
 * over (a protocol violation or a shutdown): send out, then close the
 * transport. STATUS_NO_MEMORY if out could not grow. */
NTSTATUS dcerpc_association_input(struct dcerpc_association *assoc, const uint8_t *data, size_t len,
                                  struct buf *out);
bool dcerpc_association_closed(const struct dcerpc_association *assoc);
void dcerpc_association_free(struct dcerpc_association *assoc);

/* Serves one association over a pair of file descriptors (a pipe, a socket)
 * until end of input or close: for tests and `--stdio` modes. */
NTSTATUS dcerpc_serve_fd(struct dcerpc_server *server, const struct dcerpc_caller *caller,
                         int in_fd, int out_fd);

/* Inside a handler. */
void *dcerpc_call_iface_ctx(const struct dcerpc_call *call);
struct ndr_arena *dcerpc_call_arena(struct dcerpc_call *call);
/* The caller: the identity the association authenticated at the RPC level
 * if it did (as Windows' RpcImpersonateClient impersonates it), else the
 * transport's (the SMB session's). NULL: anonymous. */
const struct access_token *dcerpc_call_token(const struct dcerpc_call *call);
/* The RPC authentication level of the call's association (0: none). */
uint8_t dcerpc_call_auth_level(const struct dcerpc_call *call);
/* The session key: the RPC security context's if the association
 * authenticated with one that has a key, else the transport's (SMB). */
const uint8_t *dcerpc_call_session_key(const struct dcerpc_call *call, size_t *len);
const char *dcerpc_call_client_address(const struct dcerpc_call *call); /* may be NULL */
uint16_t dcerpc_call_opnum(const struct dcerpc_call *call);

/* ---- Context handles ([MS-RPCE] 3.3.1.5.2.2) ----
 * What a handle names (a policy, a domain, an account) is kept by the
 * association group of the association that created it: with the usual
 * bind (a new group) that is this association alone; an association that
 * joined the group (same assoc_group_id) shares them, as on Windows. A
 * handle belongs to the interface that created it (a samr handle sent to
 * lsarpc is not found) and carries the creator's kind (a domain, a user...)
 * for the handler to check. All of a group's handles are closed, each
 * through its destructor, when its last association ends. Calls of one
 * group run one at a time (the group is locked for the whole call), so a
 * handler may use the data it found until it returns.
 *
 * On the wire a handle is 20 bytes: attributes 0 and 16 random bytes, so
 * handles cannot be guessed. Handlers answer a handle that is not found
 * with the fault DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH, as Windows' runtime
 * does (a client sees RPC_SS_CONTEXT_MISMATCH). */
typedef void (*dcerpc_handle_destructor)(void *data);
/* Creates a handle naming data (of kind, the interface's own numbering)
 * into *handle. STATUS_INSUFFICIENT_RESOURCES when the group holds
 * max_handles already (destroy is not called: the caller still owns data). */
NTSTATUS dcerpc_handle_create(struct dcerpc_call *call, uint32_t kind, void *data,
                              dcerpc_handle_destructor destroy, struct policy_handle *handle);
/* The data of a live handle of this interface and group; *kind (may be
 * NULL) gets its kind. NULL for anything else: unknown, closed, all zeros,
 * another group's, another interface's. */
void *dcerpc_handle_find(struct dcerpc_call *call, const struct policy_handle *handle, uint32_t *kind);
/* Same as find, and the handle must be of kind (NULL otherwise). */
void *dcerpc_handle_find_kind(struct dcerpc_call *call, const struct policy_handle *handle, uint32_t kind);
/* Closes a live handle of this interface and group (its destructor runs
 * now); false if find would not find it. */
bool dcerpc_handle_close(struct dcerpc_call *call, const struct policy_handle *handle);
/* How many handles this call's group holds (for tests and limits). */
size_t dcerpc_handle_count(const struct dcerpc_call *call);

/* ---- Client ---- */

struct dcerpc_client_transport {
    /* Sends all len bytes. */
    NTSTATUS (*send)(void *ctx, const uint8_t *data, size_t len);
    /* Receives between 1 and cap bytes into data (*got); an error or
     * STATUS_END_OF_FILE when nothing more will come. */
    NTSTATUS (*recv)(void *ctx, uint8_t *data, size_t cap, size_t *got);
    void *ctx;
};

struct dcerpc_client_options {
    uint16_t max_xmit_frag;  /* proposed (default 4280) */
    uint16_t max_recv_frag;  /* proposed (default 4280) */
    uint32_t assoc_group_id; /* 0: a new group */
    bool feature_negotiation; /* add the bind time feature negotiation context */
    bool offer_ndr64;         /* offer NDR64 as well as NDR 2.0 */
    size_t max_response;      /* reassembly cap (default 16 MiB) */
};

struct dcerpc_client;
struct dcerpc_client *dcerpc_client_new(const struct dcerpc_client_transport *transport,
                                        const struct dcerpc_client_options *options);
/* Binds (first call) or alters context (later calls) to iface; *context_id
 * names it in dcerpc_client_call. STATUS_RPC_PROTOCOL_ERROR with *reject set
 * (result << 16 | reason, or the bind_nak reason) if refused. */
NTSTATUS dcerpc_client_bind(struct dcerpc_client *client, const struct dcerpc_interface *iface,
                            uint16_t *context_id, uint32_t *reject);
/* Calls opnum with r (the operation's PARAMS value, [in] members filled); on
 * success the [out] members are replaced by values allocated from arena. A
 * fault gives STATUS_RPC_PROTOCOL_ERROR with *fault set. */
NTSTATUS dcerpc_client_call(struct dcerpc_client *client, uint16_t context_id,
                            const struct dcerpc_interface *iface, uint16_t opnum, void *r,
                            struct ndr_arena *arena, uint32_t *fault);
/* Sends raw bytes and reads one whole reply (all fragments of one PDU
 * sequence): for tests of malformed input. */
NTSTATUS dcerpc_client_raw(struct dcerpc_client *client, const uint8_t *data, size_t len,
                           struct buf *reply);
/* Negotiated values after bind. */
uint16_t dcerpc_client_max_xmit(const struct dcerpc_client *client);
uint32_t dcerpc_client_assoc_group(const struct dcerpc_client *client);
uint8_t dcerpc_client_features(const struct dcerpc_client *client);
void dcerpc_client_free(struct dcerpc_client *client);

/* A client transport that talks to a server association in memory. */
struct dcerpc_loopback;
struct dcerpc_loopback *dcerpc_loopback_new(struct dcerpc_server *server,
                                            const struct dcerpc_caller *caller,
                                            struct dcerpc_client_transport *transport);
void dcerpc_loopback_free(struct dcerpc_loopback *loop);
/* A client transport over a connected fd (send with write, receive with poll
 * and read; timeout_ms bounds each wait). ctx must outlive the client. */
struct dcerpc_fd_transport {
    int fd;
    int timeout_ms;
};
void dcerpc_fd_transport_init(struct dcerpc_fd_transport *ctx, int fd, int timeout_ms,
                              struct dcerpc_client_transport *transport);

/* ---- ncacn_np (over lwiod's npfs) ---- */

/* ncacn_np: serves server on the npfs pipe pipe_path (\npfs\srvsvc)
 * through a connection to lwiod: `instances` server ends, each in its own
 * thread (listen, serve one client with the token, session key and address
 * npfs recorded at the client's open, disconnect, listen again). endpoint is
 * the bind_ack secondary address (\PIPE\srvsvc). Returns once every
 * instance exists. dcerpc_np_lost says lwiod went away (the listener is then
 * idle: stop it and listen again on a new connection); dcerpc_np_stop
 * cancels what is pending, waits for the threads and frees. */
struct lwio_context;
struct dcerpc_np_listener;
NTSTATUS dcerpc_np_listen(struct dcerpc_server *server, struct lwio_context *lwio, const char *pipe_path,
                          const char *endpoint, unsigned instances, struct dcerpc_np_listener **listener);
bool dcerpc_np_lost(const struct dcerpc_np_listener *listener);
void dcerpc_np_stop(struct dcerpc_np_listener *listener);
/* A client transport over the client end of an npfs pipe (what srv opens
 * for \pipe\NAME), for tests and local tools. Reads block until the server
 * answers. */
struct dcerpc_np_pipe;
NTSTATUS dcerpc_np_open(struct lwio_context *lwio, const char *pipe_path, struct dcerpc_np_pipe **pipe,
                        struct dcerpc_client_transport *transport);
void dcerpc_np_close(struct dcerpc_np_pipe *pipe);

#endif
