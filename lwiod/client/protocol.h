/* The lwiod socket protocol: the wire form of the LwNt* calls, shared by the
 * client library and the server in lwiod. docs/lwiod.md describes it for
 * people; this header and protocol.c are the definition.
 *
 * Every message is a frame: u32 length (of what follows, little-endian),
 * then a header and an opcode-specific body. Requests carry a request id
 * chosen by the client; the response to a request carries the same id, and
 * responses may arrive in any order. Decoding is strict: a field out of range,
 * a length past the frame, or a byte left over makes the whole message
 * malformed. */
#ifndef SW_LWIOD_CLIENT_PROTOCOL_H
#define SW_LWIOD_CLIENT_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

#define LWIO_PROTOCOL_VERSION 1u
#define LWIO_FRAME_LENGTH_SIZE 4u
/* Largest buffer a call can move (read, write, query, control). */
#define LWIO_MAX_DATA (16u * 1024u * 1024u)
/* Largest frame body: data plus headers and small fields. */
#define LWIO_MAX_MESSAGE (LWIO_MAX_DATA + 64u * 1024u)
#define LWIO_MAX_PATH 32767u     /* bytes of UTF-8 */
#define LWIO_MAX_ECPS 16u
#define LWIO_MAX_ECP_TYPE 128u
#define LWIO_MAX_ECP_DATA 65536u

enum lwio_opcode {
    LWIO_OP_HELLO = 1,
    LWIO_OP_CREATE = 2,
    LWIO_OP_CLOSE = 3,
    LWIO_OP_READ = 4,
    LWIO_OP_WRITE = 5,
    LWIO_OP_DEVICE_IO_CONTROL = 6,
    LWIO_OP_FS_CONTROL = 7,
    LWIO_OP_FLUSH = 8,
    LWIO_OP_QUERY_INFORMATION = 9,
    LWIO_OP_SET_INFORMATION = 10,
    LWIO_OP_QUERY_DIRECTORY = 11,
    LWIO_OP_QUERY_VOLUME_INFORMATION = 12,
    LWIO_OP_SET_VOLUME_INFORMATION = 13,
    LWIO_OP_LOCK = 14,
    LWIO_OP_UNLOCK = 15,
    LWIO_OP_QUERY_SECURITY = 16,
    LWIO_OP_SET_SECURITY = 17,
    LWIO_OP_CANCEL = 18,
    LWIO_OP_MAX = 18,
};
/* Set in a response's opcode. */
#define LWIO_RESPONSE_FLAG 0x8000u

struct lwio_wire_ecp {
    char *type;             /* owned, NUL-terminated */
    const uint8_t *data;    /* into the frame */
    uint32_t size;
};

/* A decoded request. Byte fields point into the frame it was decoded from;
 * strings are owned copies (free with lwio_request_clear). */
struct lwio_request {
    uint16_t opcode;
    uint32_t request_id;
    uint64_t handle;            /* every call on a file */
    uint32_t version;           /* HELLO */
    /* CREATE */
    char *path;
    uint32_t desired_access, share_access, create_disposition, create_options;
    uint32_t file_attributes;
    uint64_t allocation_size;
    const uint8_t *security_descriptor;
    uint32_t security_descriptor_size;
    const uint8_t *ea;
    uint32_t ea_size;
    uint32_t ecp_count;
    struct lwio_wire_ecp ecps[LWIO_MAX_ECPS];
    /* READ, WRITE, LOCK, UNLOCK */
    bool has_offset;
    uint64_t offset;
    uint64_t lock_length;
    uint32_t key;
    uint32_t flags;             /* LOCK: SL_*; QUERY_DIRECTORY: SL_RESTART_SCAN | SL_RETURN_SINGLE_ENTRY */
    /* the class, control code or security information of the call */
    uint32_t code;
    /* output length asked for (READ, QUERY_*, *_CONTROL) */
    uint32_t length;
    /* input bytes (WRITE, SET_*, *_CONTROL) */
    const uint8_t *data;
    uint32_t data_size;
    char *pattern;              /* QUERY_DIRECTORY, NULL if none */
    uint32_t target_request_id; /* CANCEL */
};

struct lwio_response {
    uint16_t opcode;            /* the request's, without LWIO_RESPONSE_FLAG */
    uint32_t request_id;
    uint32_t status;            /* NTSTATUS */
    uint64_t information;
    uint32_t version;           /* HELLO */
    uint64_t handle;            /* CREATE */
    const uint8_t *data;        /* calls with output; into the frame */
    uint32_t data_size;
};

/* Which calls carry output bytes in their response. */
bool lwio_opcode_has_output(uint16_t opcode);

/* Appends one whole frame (length prefix included). */
void lwio_request_encode(struct buf *b, const struct lwio_request *request);
void lwio_response_encode(struct buf *b, const struct lwio_response *response);

/* Decode a frame body (the bytes after the length prefix). On failure the
 * message is malformed: STATUS_INVALID_PARAMETER, and nothing to free. */
NTSTATUS lwio_request_decode(const uint8_t *body, size_t size, struct lwio_request *request);
void lwio_request_clear(struct lwio_request *request);
NTSTATUS lwio_response_decode(const uint8_t *body, size_t size, struct lwio_response *response);

/* The frame length in a 4-byte prefix, checked against LWIO_MAX_MESSAGE;
 * false if out of range (the stream is then unusable). */
bool lwio_frame_length(const uint8_t prefix[LWIO_FRAME_LENGTH_SIZE], uint32_t *length);

#endif
