/* SPNEGO ([RFC 4178], [MS-SPNG]) tokens: parsing what a client sends and
 * building what the acceptor answers.
 *
 *   InitialContextToken ::= [APPLICATION 0] { thisMech OID 1.3.6.1.5.5.2,
 *                                             NegotiationToken }
 *   NegotiationToken ::= CHOICE { negTokenInit [0], negTokenResp [1] }
 *
 * Parsed tokens point into the caller's input (no copies): keep the input alive
 * while the parsed form is used. Mechanism OIDs are carried as the contents of
 * their DER OID element (no tag, no length), e.g. SPNEGO_OID_NTLMSSP. */
#ifndef SW_LSASS_SPNEGO_H
#define SW_LSASS_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

struct spnego_bytes {
    const uint8_t *data;
    size_t len;
};

extern const struct spnego_bytes SPNEGO_OID_SPNEGO;   /* 1.3.6.1.5.5.2 */
extern const struct spnego_bytes SPNEGO_OID_NTLMSSP;  /* 1.3.6.1.4.1.311.2.2.10 */
extern const struct spnego_bytes SPNEGO_OID_KRB5;     /* 1.2.840.113554.1.2.2 */
extern const struct spnego_bytes SPNEGO_OID_MS_KRB5;  /* 1.2.840.48018.1.2.2 */
extern const struct spnego_bytes SPNEGO_OID_NEGOEX;   /* 1.3.6.1.4.1.311.2.2.30 */

bool spnego_oid_equal(struct spnego_bytes a, struct spnego_bytes b);

/* More mechanisms than any client offers; a longer list is refused. */
#define SPNEGO_MAX_MECHS 16

/* negState values ([RFC 4178] 4.2.2). */
enum spnego_neg_state {
    SPNEGO_ACCEPT_COMPLETED = 0,
    SPNEGO_ACCEPT_INCOMPLETE = 1,
    SPNEGO_REJECT = 2,
    SPNEGO_REQUEST_MIC = 3,
    SPNEGO_NEG_STATE_ABSENT = -1,
};

struct spnego_neg_token_init {
    size_t mech_count;
    struct spnego_bytes mechs[SPNEGO_MAX_MECHS];
    /* The whole DER MechTypeList (SEQUENCE OF OID) as received: the bytes
     * that mechListMIC protects. */
    struct spnego_bytes mech_types_der;
    bool has_mech_token;
    struct spnego_bytes mech_token;
    bool has_mech_list_mic;
    struct spnego_bytes mech_list_mic;
};

struct spnego_neg_token_resp {
    int neg_state; /* enum spnego_neg_state */
    bool has_supported_mech;
    struct spnego_bytes supported_mech;
    bool has_response_token;
    struct spnego_bytes response_token;
    bool has_mech_list_mic;
    struct spnego_bytes mech_list_mic;
};

enum spnego_token_type { SPNEGO_NEG_TOKEN_INIT, SPNEGO_NEG_TOKEN_RESP };

struct spnego_token {
    enum spnego_token_type type;
    struct spnego_neg_token_init init;
    struct spnego_neg_token_resp resp;
};

/* Parses an InitialContextToken carrying a negTokenInit, or a bare
 * negTokenInit/negTokenResp. STATUS_INVALID_PARAMETER on anything malformed
 * (truncated, indefinite or absurd lengths, wrong tags, trailing bytes, a
 * non-SPNEGO thisMech, too many mechanisms). */
NTSTATUS spnego_parse(const uint8_t *data, size_t len, struct spnego_token *token);

/* True if data starts like an SPNEGO token (so raw NTLMSSP can be told apart). */
bool spnego_looks_like(const uint8_t *data, size_t len);

/* The acceptor's first token ([MS-SPNG] NegTokenInit2, what an SMB2 NEGOTIATE
 * response carries): the mechanisms offered, and the customary negHints
 * hintName "not_defined_in_RFC4178@please_ignore". */
void spnego_write_neg_token_init2(struct buf *b, const struct spnego_bytes *mechs, size_t count);

/* An initiator's first token (InitialContextToken + negTokenInit), for clients
 * and tests. mech_token may be NULL. */
void spnego_write_neg_token_init(struct buf *b, const struct spnego_bytes *mechs, size_t count,
                                 const uint8_t *mech_token, size_t mech_token_len);

/* A negTokenResp; fields marked absent are left out. */
void spnego_write_neg_token_resp(struct buf *b, const struct spnego_neg_token_resp *resp);

/* The DER MechTypeList for mechs (what a mechListMIC covers when we built the list). */
void spnego_write_mech_type_list(struct buf *b, const struct spnego_bytes *mechs, size_t count);

#endif
