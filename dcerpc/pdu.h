/* Connection-oriented PDUs ([C706] 12.6, [MS-RPCE] 2.2.2): parsing and
 * building, shared by the server and client runtimes (and the fuzz target).
 * Not part of the module interface: other modules use dcerpc/dcerpc.h. */
#ifndef SW_DCERPC_PDU_H
#define SW_DCERPC_PDU_H

#include "dcerpc/dcerpc.h"

#define DCERPC_HEADER_LEN 16
#define DCERPC_RPC_VERS 5
/* [C706] 12.6.3.1: every implementation accepts fragments this large. */
#define DCERPC_MUST_RECV_FRAG_SIZE 1432

enum dcerpc_ptype {
    DCERPC_PKT_REQUEST = 0,
    DCERPC_PKT_PING = 1,
    DCERPC_PKT_RESPONSE = 2,
    DCERPC_PKT_FAULT = 3,
    DCERPC_PKT_BIND = 11,
    DCERPC_PKT_BIND_ACK = 12,
    DCERPC_PKT_BIND_NAK = 13,
    DCERPC_PKT_ALTER = 14,
    DCERPC_PKT_ALTER_RESP = 15,
    DCERPC_PKT_AUTH3 = 16,
    DCERPC_PKT_SHUTDOWN = 17,
    DCERPC_PKT_CO_CANCEL = 18,
    DCERPC_PKT_ORPHANED = 19,
};

#define DCERPC_PFC_FIRST_FRAG 0x01
#define DCERPC_PFC_LAST_FRAG 0x02
#define DCERPC_PFC_PENDING_CANCEL 0x04 /* request; SUPPORT_HEADER_SIGN in bind */
#define DCERPC_PFC_CONC_MPX 0x10
#define DCERPC_PFC_DID_NOT_EXECUTE 0x20
#define DCERPC_PFC_MAYBE 0x40
#define DCERPC_PFC_OBJECT_UUID 0x80

/* p_cont_def_result_t and p_provider_reason_t ([C706] 12.6.3.1, [MS-RPCE]
 * 2.2.2.4 adds negotiate_ack). */
#define DCERPC_RESULT_ACCEPTANCE 0
#define DCERPC_RESULT_USER_REJECTION 1
#define DCERPC_RESULT_PROVIDER_REJECTION 2
#define DCERPC_RESULT_NEGOTIATE_ACK 3
#define DCERPC_REASON_NOT_SPECIFIED 0
#define DCERPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED 1
#define DCERPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED 2
#define DCERPC_REASON_LOCAL_LIMIT_EXCEEDED 3

/* bind_nak reject reasons ([C706] 12.6.3.1 p_reject_reason_t, [MS-RPCE]). */
#define DCERPC_NAK_REASON_NOT_SPECIFIED 0
#define DCERPC_NAK_TEMPORARY_CONGESTION 1
#define DCERPC_NAK_LOCAL_LIMIT_EXCEEDED 2
#define DCERPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED 4
#define DCERPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED 8

/* Bind time feature negotiation ([MS-RPCE] 2.2.2.14, 3.3.1.5.3). */
#define DCERPC_BTFN_TIME_LOW 0x6CB71C2Cu
#define DCERPC_BTFN_TIME_MID 0x9812u
#define DCERPC_BTFN_TIME_HI 0x4540u
#define DCERPC_BTFN_SECURITY_CONTEXT_MULTIPLEXING 0x01
#define DCERPC_BTFN_KEEP_CONNECTION_ON_ORPHAN 0x02

struct dcerpc_header {
    uint8_t rpc_vers;
    uint8_t rpc_vers_minor;
    uint8_t ptype;
    uint8_t pfc_flags;
    uint8_t drep[4];
    uint16_t frag_length;
    uint16_t auth_length;
    uint32_t call_id;
};

struct dcerpc_context_elem {
    uint16_t context_id;
    struct dcerpc_syntax_id abstract;
    uint8_t transfer_count;
    struct dcerpc_syntax_id *transfer;
};

/* bind and alter_context. */
struct dcerpc_bind {
    uint16_t max_xmit_frag;
    uint16_t max_recv_frag;
    uint32_t assoc_group_id;
    uint8_t context_count;
    struct dcerpc_context_elem *contexts;
};

struct dcerpc_result {
    uint16_t result;
    uint16_t reason;
    struct dcerpc_syntax_id transfer;
};

/* bind_ack and alter_context_resp. */
struct dcerpc_bind_ack {
    uint16_t max_xmit_frag;
    uint16_t max_recv_frag;
    uint32_t assoc_group_id;
    char secondary_address[256];
    uint8_t result_count;
    struct dcerpc_result results[256];
};

struct dcerpc_request {
    uint32_t alloc_hint;
    uint16_t context_id;
    uint16_t opnum;
    bool has_object;
    struct dcerpc_uuid object;
    const uint8_t *stub;
    size_t stub_len;
};

struct dcerpc_response {
    uint32_t alloc_hint;
    uint16_t context_id;
    uint8_t cancel_count;
    const uint8_t *stub;
    size_t stub_len;
};

struct dcerpc_fault {
    uint32_t alloc_hint;
    uint16_t context_id;
    uint8_t cancel_count;
    uint32_t status;
};

/* Reads the 16-byte common header: version 5.0 or 5.1, little-endian
 * integers (the only data representation served), frag_length at least the
 * header and auth_length within it. STATUS_DATA_ERROR otherwise. */
NTSTATUS dcerpc_header_read(const uint8_t *data, size_t len, struct dcerpc_header *header);

/* Body parsers; data/len is the whole PDU (header included, len ==
 * frag_length). The auth verifier, if any, is excluded from the body. */
NTSTATUS dcerpc_bind_read(const uint8_t *data, size_t len, struct ndr_arena *arena,
                          struct dcerpc_bind *bind);
NTSTATUS dcerpc_bind_ack_read(const uint8_t *data, size_t len, struct dcerpc_bind_ack *ack);
NTSTATUS dcerpc_bind_nak_read(const uint8_t *data, size_t len, uint16_t *reason);
NTSTATUS dcerpc_request_read(const uint8_t *data, size_t len, struct dcerpc_request *request);
NTSTATUS dcerpc_response_read(const uint8_t *data, size_t len, struct dcerpc_response *response);
NTSTATUS dcerpc_fault_read(const uint8_t *data, size_t len, struct dcerpc_fault *fault);

/* The sec_trailer ([MS-RPCE] 2.2.2.11) and the auth_length bytes after it,
 * which end the PDU. */
#define DCERPC_SEC_TRAILER_LEN 8
struct dcerpc_auth {
    uint8_t auth_type;
    uint8_t auth_level;
    uint8_t auth_pad_length;
    uint32_t auth_context_id;
    size_t trailer_offset; /* where the sec_trailer starts in the PDU */
    const uint8_t *token;
    size_t token_len;
};
/* The PDU must have auth_length != 0 (STATUS_DATA_ERROR otherwise). */
NTSTATUS dcerpc_auth_read(const uint8_t *data, size_t len, struct dcerpc_auth *auth);
/* Appends to the PDU begun at start: pad to 4 (counted in the trailer's
 * auth_pad_length with pad_before bytes already written), the sec_trailer,
 * token; patches auth_length and frag_length. */
void dcerpc_auth_append(struct buf *b, size_t start, uint8_t pad_before, uint8_t auth_type,
                        uint8_t auth_level, uint32_t auth_context_id, const uint8_t *token, size_t len);

/* Builders: begin writes a header (rpc_vers 5.minor, little-endian drep) and
 * returns the PDU's start offset in b; end patches frag_length (and fails the
 * writer past 65535 bytes). */
size_t dcerpc_pdu_begin(struct buf *b, uint8_t ptype, uint8_t minor, uint8_t flags, uint32_t call_id);
void dcerpc_pdu_end(struct buf *b, size_t start);
void dcerpc_syntax_write(struct buf *b, const struct dcerpc_syntax_id *syntax);
void dcerpc_uuid_write(struct buf *b, const struct dcerpc_uuid *uuid);
void dcerpc_syntax_read(struct buf_reader *r, struct dcerpc_syntax_id *syntax);
bool dcerpc_syntax_equal(const struct dcerpc_syntax_id *a, const struct dcerpc_syntax_id *b);
/* The bind time feature negotiation transfer syntax; *bitmask gets its flags. */
bool dcerpc_syntax_is_btfn(const struct dcerpc_syntax_id *syntax, uint8_t *bitmask);

void dcerpc_bind_write(struct buf *b, uint8_t ptype, uint32_t call_id, const struct dcerpc_bind *bind);
void dcerpc_bind_ack_write(struct buf *b, uint8_t ptype, uint8_t minor, uint32_t call_id,
                           const struct dcerpc_bind_ack *ack);
void dcerpc_bind_nak_write(struct buf *b, uint8_t minor, uint32_t call_id, uint16_t reason);
void dcerpc_fault_write(struct buf *b, uint8_t minor, uint32_t call_id, uint16_t context_id,
                        uint8_t extra_flags, uint32_t status);
/* Splits a stub into request (ptype REQUEST) or response fragments of at most
 * max_frag bytes each. */
void dcerpc_fragments_write(struct buf *b, uint8_t ptype, uint8_t minor, uint32_t call_id,
                            uint16_t context_id, uint16_t opnum, const uint8_t *stub,
                            size_t stub_len, uint16_t max_frag);
/* The same with a verifier on each fragment: the stub padded to 16, a
 * sec_trailer, and the signature protect writes (into sig) over the
 * len bytes before it, having sealed pdu[stub_off, +stub_n) if it seals. */
struct dcerpc_fragment_auth {
    uint8_t auth_type;
    uint8_t auth_level;
    uint32_t auth_context_id;
    void (*protect)(void *arg, uint8_t *pdu, size_t len, size_t stub_off, size_t stub_n, uint8_t *sig);
    void *arg;
};
void dcerpc_fragments_write_auth(struct buf *b, uint8_t ptype, uint8_t minor, uint32_t call_id,
                                 uint16_t context_id, uint16_t opnum, const uint8_t *stub, size_t stub_len,
                                 uint16_t max_frag, const struct dcerpc_fragment_auth *auth);

#endif
