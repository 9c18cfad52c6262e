/* The dispatcher and the command handlers' side of it.
 *
 * The dispatcher (dispatch.c) owns the envelope: it decrypts, splits a
 * compound, checks each element's MessageId against the credit window,
 * validates it (validate.c), verifies its signature, resolves its session and
 * tree by id, calls the command's handler, then writes the response header,
 * credits, padding, NextCommand, signature and encryption.
 *
 * A handler only parses its request body (req->body, a reader over the
 * element after the header) and appends its response body to req->out. Its
 * return value is the response status. On an error status the dispatcher
 * discards whatever the handler appended and writes the error body, unless
 * the handler set req->keep_body (SESSION_SETUP's
 * STATUS_MORE_PROCESSING_REQUIRED, READ's STATUS_BUFFER_OVERFLOW ...).
 *
 * A handler that must wait returns STATUS_PENDING after calling
 * smb2_request_park(); whoever finishes the work appends the body and calls
 * smb2_request_resume(req, status) exactly once, on any thread. After
 * returning STATUS_PENDING a handler must not touch req again (the resume
 * may already have run and freed it). */
#ifndef SW_SRV_SMB2_REQUEST_H
#define SW_SRV_SMB2_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/buf.h"

/* A parsed SMB2 header (2.2.1). */
struct smb2_header {
    uint16_t credit_charge;
    uint32_t status;          /* ChannelSequence/Reserved in a request */
    uint16_t command;
    uint16_t credit_request;
    uint32_t flags;
    uint32_t next_command;
    uint64_t message_id;
    uint64_t async_id;        /* SMB2_FLAGS_ASYNC_COMMAND */
    uint32_t tree_id;         /* sync header */
    uint64_t session_id;
    uint8_t signature[16];
};

/* Reads a 64-byte header; false if too short, not 0xFE 'SMB' or its
 * StructureSize is not 64. */
bool smb2_header_parse(const uint8_t *data, size_t len, struct smb2_header *hdr);

/* Which 3.1.1 pre-authentication hash a response element extends. */
enum smb2_preauth_kind {
    SMB2_PREAUTH_NONE,
    SMB2_PREAUTH_CONNECTION,
    SMB2_PREAUTH_SESSION,
    SMB2_PREAUTH_CHANNEL,     /* a binding's: the session's channel of this connection */
};

/* One response element already built, waiting for the compound to be sent. */
struct smb2_response_element {
    size_t offset;            /* in req->out */
    bool sign;
    uint16_t sign_alg;
    uint8_t sign_key[16];
    enum smb2_preauth_kind preauth_kind;
    struct srv_session *preauth_session; /* reference, for SESSION and CHANNEL */
};

#define SMB2_MAX_COMPOUND 64

typedef void (*smb2_cancel_fn)(struct smb2_request *req, void *context);

/* Memory that lives as long as the request (smb2_request_alloc). */
struct smb2_allocation {
    struct smb2_allocation *next;
    void (*cleanup)(void *data);
    _Alignas(16) uint8_t data[];
};

/* req->out starts with this much room for the 4-byte transport length and a
 * TRANSFORM_HEADER, so a response is framed and encrypted where it was
 * built (a multiple of 8: the elements' alignment is kept). */
#define SMB2_RSP_HEADROOM (SMB2_TRANSPORT_HEADER_SIZE + SMB2_TRANSFORM_HEADER_SIZE)

struct smb2_request {
    atomic_int refs;
    struct srv_conn *conn;              /* reference */
    uint8_t *msg_block;                 /* the received block msg lies in (owned) */
    uint8_t *msg;                       /* the whole (decrypted) compound */
    size_t msg_len;
    bool encrypted;                     /* arrived in a TRANSFORM_HEADER */
    uint64_t transform_session_id;

    /* The element being processed. */
    size_t elem_offset, elem_len;
    uint64_t elem_start_micros;         /* when it began (stats.h: its latency) */
    struct smb2_header hdr;
    struct buf_reader body;             /* element bytes after the header */
    struct srv_session *session;        /* reference, resolved for this element */
    struct srv_tree *tree;              /* reference */
    bool signed_ok;                     /* request carried a valid signature */
    bool sig_failed;                    /* ... or a bad one: answer unsigned */
    bool session_elsewhere;             /* SESSION_SETUP: the session was found on
                                           another connection (a binding's) */
    bool sign_elsewhere;                /* answer signed with the key below: a   */
    uint16_t elsewhere_alg;             /* session of another connection named */
    uint8_t elsewhere_key[16];          /* in a well-signed request */

    /* Related operations (3.3.5.2.7.2): what the next element inherits. */
    uint64_t related_session_id;
    uint32_t related_tree_id;
    bool related_session_valid;         /* the previous element verified them */
    bool related_tree_valid;
    bool elem_session_ok, elem_tree_ok; /* ... this element did */
    uint64_t related_file_persistent, related_file_volatile;
    bool related_has_file;
    NTSTATUS related_status;

    /* The response being built, after SMB2_RSP_HEADROOM bytes of room. */
    struct buf out;
    size_t rsp_offset;                  /* current element's header in out */
    struct smb2_response_element elems[SMB2_MAX_COMPOUND];
    size_t elem_count;
    uint64_t rsp_session_id;            /* SessionId/TreeId of the response */
    uint32_t rsp_tree_id;
    bool keep_body;                     /* keep the handler's body on an error */
    bool sign_response;                 /* force signing (final SESSION_SETUP) */
    bool no_response;                   /* CANCEL */
    bool disconnect;                    /* handler: drop the connection, no reply */
    enum smb2_preauth_kind preauth_kind; /* handler: hash the response into ... */
    /* The session to encrypt the response with (3.x), reference. */
    struct srv_session *encrypt_session;

    /* Parked state (under conn->lock). */
    bool parked;
    uint64_t async_id;                  /* nonzero once an interim was sent */
    smb2_cancel_fn cancel;
    void *cancel_context;
    bool cancelled;
    bool cancelled_by_close;            /* ... by a close, logoff or disconnect */
    struct smb2_request *pending_prev, *pending_next;

    /* Bytes reserved in conn->inflight_bytes for the responses of this
     * request's elements (back-pressure); released when the request is
     * freed or goes async. */
    size_t inflight_reserved;

    /* Handler scratch space for work that outlives the handler call. */
    void *handler_state;
    struct srv_open *io_open;           /* the open a parked I/O call is on */
    struct smb2_allocation *allocations;
};

void smb2_request_ref(struct smb2_request *req);
void smb2_request_unref(struct smb2_request *req);
/* Zeroed memory freed (after cleanup(data), if given) with the request: what
 * an I/O call in flight points into stays valid even if the request is
 * cancelled meanwhile. */
void *smb2_request_alloc(struct smb2_request *req, size_t size, void (*cleanup)(void *));

/* ---- Handlers ----------------------------------------------------------- */

typedef NTSTATUS (*smb2_handler_fn)(struct smb2_request *req);

struct smb2_command_info {
    const char *name;
    uint16_t structure_size;           /* request StructureSize */
    smb2_handler_fn handler;           /* NULL: STATUS_NOT_SUPPORTED */
    bool needs_session;
    bool needs_tree;
    bool allowed_unsigned;             /* may arrive unsigned on a signing session */
    uint8_t file_id_offset;            /* where the FileId is in the body; 0: none */
};

/* The command table (commands.c), indexed by command; NULL past the end. */
const struct smb2_command_info *smb2_command_lookup(uint16_t command);

/* The request validator (validate.c): checks the element's StructureSize,
 * that every data area (offset/length pairs, counted arrays) lies inside the
 * element and outside the fixed part, and the credit charge against the
 * payload size. Returns STATUS_SUCCESS or STATUS_INVALID_PARAMETER. */
NTSTATUS smb2_validate_request(const uint8_t *elem, size_t len, bool multi_credit);
/* The largest payload or expected-response size the element's fields name
 * (READ's Length, IOCTL's MaxOutputResponse, ...; what the credit charge
 * covers), 0 if none. Reads only inside elem[0..len). */
uint64_t smb2_request_payload(const uint8_t *elem, size_t len);

/* ---- For handlers ------------------------------------------------------- */

/* The current offset in the response element, counted from its header: what
 * a handler writes into a *Offset field before appending the data. */
size_t smb2_rsp_offset(const struct smb2_request *req);
/* Makes room in req->out for len more bytes without changing its length
 * (a large READ response: from the cached large blocks, bufpool.h) and
 * returns where they start, or NULL when memory is short. Until the bytes
 * are appended nothing else may be written to req->out. */
uint8_t *smb2_rsp_room(struct smb2_request *req, size_t len);
/* A sub-reader over an offset/length area of the request element (offset
 * counted from the element's header, as the wire fields are). */
struct buf_reader smb2_req_area(const struct smb2_request *req, size_t offset, size_t len);

/* Parks the request: it stays in conn->pending (so CANCEL finds it) until
 * smb2_request_resume. cancel may be NULL. */
void smb2_request_park(struct smb2_request *req, smb2_cancel_fn cancel, void *context);
/* Sends an interim STATUS_PENDING response now (3.3.4.2) with the responses
 * built so far; the final response will carry SMB2_FLAGS_ASYNC_COMMAND. */
void smb2_request_go_async(struct smb2_request *req);
/* Finishes a parked element with status and continues the compound. */
void smb2_request_resume(struct smb2_request *req, NTSTATUS status);
/* Asks every parked request of a dying connection to finish. */
void smb2_cancel_all(struct srv_conn *conn);
/* Asks the parked requests working on a session, a tree connect or an open
 * (whichever is not NULL) to finish: logoff, tree disconnect, close. */
void smb2_cancel_on(struct srv_conn *conn, struct srv_session *session, struct srv_tree *tree,
                    struct srv_open *open);

/* The handlers (one file each in drivers/srv/smb2/). */
NTSTATUS smb2_negotiate(struct smb2_request *req);
NTSTATUS smb2_session_setup(struct smb2_request *req);
/* session_bind.c: SESSION_SETUP with SMB2_SESSION_FLAG_BINDING. */
NTSTATUS smb2_session_bind(struct smb2_request *req, struct buf_reader token);
/* The SESSION_SETUP response body (StructureSize 9, flags, token). */
/* One SESSION_SETUP leg through srv_auth (session_setup.c; a worker only):
 * begins the exchange when *exchange is NULL, steps it with token. A token
 * too long for a response fails the leg (STATUS_INSUFFICIENT_RESOURCES). */
NTSTATUS smb2_auth_leg(struct srv_conn *conn, void **exchange, struct buf_reader *token,
                       struct buf *token_out, struct srv_auth_result *result);
void smb2_session_setup_write_body(struct smb2_request *req, uint16_t session_flags,
                                   const struct buf *token);
NTSTATUS smb2_logoff(struct smb2_request *req);
NTSTATUS smb2_tree_connect(struct smb2_request *req);
NTSTATUS smb2_tree_disconnect(struct smb2_request *req);
NTSTATUS smb2_echo(struct smb2_request *req);
NTSTATUS smb2_cancel(struct smb2_request *req);
NTSTATUS smb2_ioctl(struct smb2_request *req);
NTSTATUS smb2_create(struct smb2_request *req);
NTSTATUS smb2_close(struct smb2_request *req);
NTSTATUS smb2_flush(struct smb2_request *req);
NTSTATUS smb2_read(struct smb2_request *req);
NTSTATUS smb2_write(struct smb2_request *req);
NTSTATUS smb2_lock(struct smb2_request *req);
NTSTATUS smb2_oplock_break(struct smb2_request *req);
NTSTATUS smb2_change_notify(struct smb2_request *req);
NTSTATUS smb2_query_directory(struct smb2_request *req);
NTSTATUS smb2_query_info(struct smb2_request *req);
NTSTATUS smb2_set_info(struct smb2_request *req);
/* IOCTL on an open (ioctl_file.c). */
NTSTATUS smb2_ioctl_file(struct smb2_request *req, uint32_t ctl_code, uint64_t persistent,
                         uint64_t volatile_id, struct buf_reader *input, uint32_t max_output);
/* FSCTLs srv answers itself (ioctl_srv.c): the output is appended to out.
 * FSCTL_QUERY_NETWORK_INTERFACE_INFO for this connection, and the encoding
 * alone (for tests): NETWORK_INTERFACE_INFO entries for the addresses of
 * list that srv.listen serves. */
struct ifaddrs;
NTSTATUS smb2_network_interface_info(struct smb2_request *req, uint32_t max_output,
                                     struct buf *out);
NTSTATUS smb2_network_interfaces_encode(const struct ifaddrs *list, const char *listen,
                                        struct buf *out);
/* FSCTL_SRV_ENUMERATE_SNAPSHOTS on an open of a disk share (none kept). */
NTSTATUS smb2_enumerate_snapshots(struct smb2_request *req, uint64_t persistent,
                                  uint64_t volatile_id, uint32_t max_output, struct buf *out);
/* Server-side copy (ioctl_copychunk.c): FSCTL_SRV_REQUEST_RESUME_KEY on an
 * open, and FSCTL_SRV_COPYCHUNK / FSCTL_SRV_COPYCHUNK_WRITE on the
 * destination open (asynchronous: STATUS_PENDING, the request parked). */
NTSTATUS smb2_request_resume_key(struct smb2_request *req, uint64_t persistent,
                                 uint64_t volatile_id, uint32_t max_output);
NTSTATUS smb2_copychunk(struct smb2_request *req, uint32_t ctl_code, uint64_t persistent,
                        uint64_t volatile_id, struct buf_reader *input, uint32_t max_output);
/* Writes an IOCTL response body (ioctl.c). */
void smb2_ioctl_response(struct smb2_request *req, uint32_t ctl_code, uint64_t persistent,
                         uint64_t volatile_id, const uint8_t *output, size_t output_len);

/* FSCTL_VALIDATE_NEGOTIATE_INFO (validate_negotiate.c): input in, output
 * appended to out. Sets *disconnect when the spec says to drop the
 * connection. */
NTSTATUS smb2_validate_negotiate_info(struct smb2_request *req, struct buf_reader *input,
                                      uint32_t max_output, struct buf *out, bool *disconnect);

/* The SMB1 multi-protocol NEGOTIATE (negotiate_smb1.c): answers a frame
 * starting with 0xFF 'SMB' with an SMB2 NEGOTIATE response, or returns false
 * if the connection must be dropped. */
bool smb1_negotiate(struct srv_conn *conn, const uint8_t *msg, size_t len);

/* Builds the NEGOTIATE response body for the chosen dialect (negotiate.c),
 * for both negotiate paths; the body starts at out->len, right after an
 * 8-byte aligned header. contexts: the 3.1.1 negotiate contexts, or NULL. */
NTSTATUS smb2_negotiate_response_body(struct srv_conn *conn, uint16_t dialect,
                                      const struct buf *contexts, uint16_t context_count,
                                      struct buf *out);
/* The greatest dialect of offered[] the configuration allows; 0 if none. */
uint16_t smb2_choose_dialect(const struct srv_config *cfg, const uint16_t *offered, size_t n);

/* 3.1.1 negotiate contexts (negotiate_context.c). */
struct smb2_negotiate_contexts {
    bool has_preauth, has_encryption, has_signing;
    uint16_t cipher;             /* chosen, SMB2_ENCRYPTION_NONE if none common */
    uint16_t signing_algorithm;  /* chosen, AES-CMAC by default */
};
/* Reads count contexts from the element (offsets from its header). */
NTSTATUS smb2_negotiate_contexts_parse(const struct srv_config *cfg, struct buf_reader *elem,
                                       uint32_t offset, uint16_t count,
                                       struct smb2_negotiate_contexts *nc);
/* Writes the response contexts, each 8-byte aligned from out's start. */
NTSTATUS smb2_negotiate_contexts_write(const struct smb2_negotiate_contexts *nc, struct buf *out,
                                       uint16_t *count);
/* Sets the connection's negotiated state (negotiate.c; conn->lock held). */
void smb2_set_negotiated(struct srv_conn *conn, uint16_t dialect, uint16_t cipher,
                         uint16_t signing_algorithm);

#endif
