/* The lsassd socket protocol, shared by the daemon and lsass_client (the
 * message layouts are documented in docs/lsass.md).
 *
 * Every message, both ways, is
 *
 *     u32 length      bytes that follow (at most LSASS_MAX_MESSAGE)
 *     u32 opcode      LSASS_OP_*
 *     u32 request_id  chosen by the caller, echoed in the response
 *     [u32 status]    responses only: NTSTATUS
 *     body            opcode-specific
 *
 * little-endian; byte strings are u32 length + bytes; strings are UTF-8
 * byte strings without a terminator. A peer that sends a length beyond
 * LSASS_MAX_MESSAGE is disconnected; a malformed body gets
 * STATUS_INVALID_PARAMETER. One request is answered before the next is read. */
#ifndef SW_LSASS_PROTOCOL_H
#define SW_LSASS_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define LSASS_SOCKET_NAME "lsassd.sock"
#define LSASS_PID_NAME "lsassd.pid"
/* Version 2 added the ACCEPT flag LSASS_ACCEPT_CONNECTION. A version-2
 * lsassd still takes version-1 requests (flags 0); the client library
 * insists on the version it was built for (lsassd and srv ship together). */
#define LSASS_PROTOCOL_VERSION 2
#define LSASS_MAX_MESSAGE (1024u * 1024u)
/* Security tokens: SMB2 carries at most 64 KiB; Kerberos tickets with a big
 * PAC stay far below this. */
#define LSASS_MAX_TOKEN (256u * 1024u)
#define LSASS_MAX_STRING 1024u

enum lsass_opcode {
    LSASS_OP_HELLO = 1,            /* anyone: -> u32 protocol version */
    LSASS_OP_NEGOTIATE_TOKEN = 2,  /* -> bytes NegTokenInit2 */
    LSASS_OP_ACCEPT = 3,           /* u64 handle, u32 flags, bytes token, string client address,
                                      [flags & LSASS_ACCEPT_CONNECTION: string connection]
                                      -> u64 handle, bytes token,
                                         [on success: bytes session key, u32 logon flags,
                                          string user, string domain, bytes access token] */
    LSASS_OP_DELETE_CONTEXT = 4,   /* u64 handle -> (status only) */

    /* 100..119: monitoring (the metrics endpoint), kept apart from the
     * identity opcodes so both blocks grow without colliding. */
    LSASS_OP_STATS = 100,          /* root and lsassd's uid: -> sample list (lib/samples.h) */
};

/* ACCEPT request flags. */
#define LSASS_ACCEPT_CONNECTION 0x1u /* a string naming the SMB connection follows
                                        (limits half-finished logons per connection) */
#define LSASS_ACCEPT_FLAGS_KNOWN LSASS_ACCEPT_CONNECTION

/* Logon flags in an ACCEPT success. */
#define LSASS_LOGON_GUEST     0x1u
#define LSASS_LOGON_ANONYMOUS 0x2u

/* Starts a message in b (reset first): length placeholder, opcode, id. */
void lsass_msg_begin(struct buf *b, uint32_t opcode, uint32_t request_id);
/* Patches the length; false if the writer failed or the message is too big. */
bool lsass_msg_end(struct buf *b);
void lsass_put_bytes(struct buf *b, const void *data, size_t len);
void lsass_put_string(struct buf *b, const char *s);
/* Reads bytes (pointer into the message) of at most max bytes. */
const uint8_t *lsass_get_bytes(struct buf_reader *r, size_t max, size_t *len);
/* Reads a string into a new NUL-terminated copy (NULL on failure or an
 * embedded NUL). */
char *lsass_get_string(struct buf_reader *r);

/* An ACCEPT request body (the part after the opcode and id). */
struct lsass_accept_request {
    uint64_t handle;          /* 0: a new context */
    uint32_t flags;           /* LSASS_ACCEPT_* */
    const uint8_t *token;     /* points into the message */
    size_t token_len;         /* at most LSASS_MAX_TOKEN */
    char *client;             /* the client's address ("" if not named) */
    char *connection;         /* the SMB connection, NULL without LSASS_ACCEPT_CONNECTION */
};
/* Writes the body; LSASS_ACCEPT_CONNECTION is set when connection is not
 * NULL or empty (a version-1 request otherwise). */
void lsass_write_accept_request(struct buf *b, uint64_t handle, const uint8_t *token, size_t token_len,
                                const char *client, const char *connection);
/* Reads the body, all of r: STATUS_INVALID_PARAMETER if malformed (short,
 * too long a token or string, unknown flags, bytes left over). req's strings
 * are malloc'd: lsass_accept_request_clear() frees them, on every outcome. */
NTSTATUS lsass_read_accept_request(struct buf_reader *r, struct lsass_accept_request *req);
void lsass_accept_request_clear(struct lsass_accept_request *req);

/* Blocking I/O on a connected socket: the whole buffer or -1. */
int lsass_write_all(int fd, const void *data, size_t len);
/* Reads one message (everything after the length field) into b (reset
 * first). 0 on success; -1 on EOF, error, or a length over LSASS_MAX_MESSAGE. */
int lsass_read_message(int fd, struct buf *b);

#endif
