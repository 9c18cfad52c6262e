/* rdr's SMB2 messages: building the requests a client sends and parsing the
 * responses a server returns ([MS-SMB2] 2.2). Pure functions over bytes (no
 * connection state), so the fuzz target (fuzz/rdr_response.c) and the unit
 * test reach every parser directly.
 *
 * Constants (commands, dialects, flags) are the server's, from
 * drivers/srv/smb2/smb2.h: one description of the protocol for both halves.
 * Every response field is read with lib/buf.h; an offset/length pair is
 * checked against the message before the bytes it names are used, and a
 * parsed response points into the caller's message (no copies). */
#ifndef SW_RDR_WIRE_H
#define SW_RDR_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/srv/smb2/smb2.h"
#include "lib/buf.h"
#include "lib/ntstatus.h"

/* The largest frame rdr accepts from a server: 8 MiB of payload (the most
 * rdr ever asks for in one READ) plus headers. Larger frames are a protocol
 * error, so a hostile server cannot make the client allocate more. */
#define RDR_MAX_IO 8388608u
#define RDR_MAX_FRAME (RDR_MAX_IO + 4096u)

/* Fields of a request header the caller chooses; the connection fills the
 * message id, credits, session id and signature when it sends. */
struct rdr_header {
    uint16_t credit_charge;
    uint32_t status;
    uint16_t command;
    uint16_t credits;
    uint32_t flags;
    uint32_t next_command;
    uint64_t message_id;
    uint64_t async_id;   /* with SMB2_FLAGS_ASYNC_COMMAND */
    uint32_t tree_id;    /* without it */
    uint64_t session_id;
};

/* Parses the 64-byte header of a response (the flags must say server to
 * redirector). STATUS_INVALID_NETWORK_RESPONSE if short or not SMB2. */
NTSTATUS rdr_header_parse(const uint8_t *msg, size_t len, struct rdr_header *h);
/* Starts a request: the 64-byte header (ids and credits zero) in b. */
void rdr_header_write(struct buf *b, uint16_t command, uint32_t tree_id);

/* A sub-buffer of a response: points into the message. */
struct rdr_bytes {
    const uint8_t *data;
    size_t len;
};

/* ---- NEGOTIATE ---- */
struct rdr_negotiate_request {
    uint16_t security_mode;
    uint32_t capabilities;
    uint8_t client_guid[16];
    const uint16_t *dialects;
    size_t dialect_count;
    uint8_t salt[32];          /* preauth salt (3.1.1 offered) */
    const uint16_t *ciphers;   /* encryption context (3.1.1) */
    size_t cipher_count;
    const uint16_t *signing_algorithms; /* signing capabilities context (3.1.1) */
    size_t signing_count;
};
void rdr_negotiate_write(struct buf *b, const struct rdr_negotiate_request *req);

struct rdr_negotiate_response {
    uint16_t security_mode;
    uint16_t dialect;
    uint32_t capabilities;
    uint32_t max_transact_size;
    uint32_t max_read_size;
    uint32_t max_write_size;
    struct rdr_bytes security_buffer;
    /* 3.1.1 contexts */
    bool has_preauth;
    uint16_t preauth_hash;
    uint16_t cipher;           /* 0: none chosen */
    bool has_signing;
    uint16_t signing_algorithm;
};
NTSTATUS rdr_negotiate_parse(const uint8_t *msg, size_t len, struct rdr_negotiate_response *out);

/* ---- SESSION_SETUP ---- */
void rdr_session_setup_write(struct buf *b, uint8_t security_mode, const void *token,
                             size_t token_len);
struct rdr_session_setup_response {
    uint16_t session_flags;
    struct rdr_bytes security_buffer;
};
NTSTATUS rdr_session_setup_parse(const uint8_t *msg, size_t len,
                                 struct rdr_session_setup_response *out);

/* ---- LOGOFF, TREE_DISCONNECT, ECHO (a 4-byte body) ---- */
void rdr_empty_body_write(struct buf *b);

/* ---- TREE_CONNECT ---- */
/* unc: "\\HOST\SHARE" in UTF-8. */
NTSTATUS rdr_tree_connect_write(struct buf *b, const char *unc);
struct rdr_tree_connect_response {
    uint8_t share_type;
    uint32_t share_flags;
    uint32_t capabilities;
    uint32_t maximal_access;
};
NTSTATUS rdr_tree_connect_parse(const uint8_t *msg, size_t len,
                                struct rdr_tree_connect_response *out);

/* ---- CREATE ---- */
struct rdr_create_request {
    uint32_t desired_access;
    uint32_t file_attributes;
    uint32_t share_access;
    uint32_t create_disposition;
    uint32_t create_options;
    const char *name;          /* UTF-8, relative to the share, backslashes */
};
NTSTATUS rdr_create_write(struct buf *b, const struct rdr_create_request *req);
struct rdr_create_response {
    uint8_t oplock_level;
    uint32_t create_action;
    uint64_t creation_time, last_access_time, last_write_time, change_time;
    uint64_t allocation_size, end_of_file;
    uint32_t file_attributes;
    uint8_t file_id[16];
};
NTSTATUS rdr_create_parse(const uint8_t *msg, size_t len, struct rdr_create_response *out);

/* ---- CLOSE, FLUSH ---- */
void rdr_close_write(struct buf *b, const uint8_t file_id[16]);
void rdr_flush_write(struct buf *b, const uint8_t file_id[16]);

/* ---- READ, WRITE ---- */
void rdr_read_write(struct buf *b, const uint8_t file_id[16], uint64_t offset, uint32_t length);
/* The data of a READ response. */
NTSTATUS rdr_read_parse(const uint8_t *msg, size_t len, struct rdr_bytes *data);
void rdr_write_write(struct buf *b, const uint8_t file_id[16], uint64_t offset, const void *data,
                     uint32_t length);
NTSTATUS rdr_write_parse(const uint8_t *msg, size_t len, uint32_t *count);

/* ---- LOCK (one range per request) ---- */
#define SMB2_LOCKFLAG_SHARED_LOCK 0x01u
#define SMB2_LOCKFLAG_EXCLUSIVE_LOCK 0x02u
#define SMB2_LOCKFLAG_UNLOCK 0x04u
#define SMB2_LOCKFLAG_FAIL_IMMEDIATELY 0x10u
void rdr_lock_write(struct buf *b, const uint8_t file_id[16], uint64_t offset, uint64_t length,
                    uint32_t flags);

/* ---- QUERY_INFO, SET_INFO, QUERY_DIRECTORY ---- */
#define SMB2_0_INFO_FILE 0x01
#define SMB2_0_INFO_FILESYSTEM 0x02
#define SMB2_0_INFO_SECURITY 0x03
#define SMB2_RESTART_SCANS 0x01
#define SMB2_RETURN_SINGLE_ENTRY 0x02

void rdr_query_info_write(struct buf *b, const uint8_t file_id[16], uint8_t info_type,
                          uint8_t info_class, uint32_t output_length,
                          uint32_t additional_information);
/* With an input buffer (FileFullEaInformation's EA name list) and Flags
 * (SL_RESTART_SCAN, SL_RETURN_SINGLE_ENTRY, SL_INDEX_SPECIFIED). */
void rdr_query_info_input_write(struct buf *b, const uint8_t file_id[16], uint8_t info_type,
                                uint8_t info_class, uint32_t output_length,
                                uint32_t additional_information, uint32_t flags,
                                const void *input, uint32_t input_length);
void rdr_set_info_write(struct buf *b, const uint8_t file_id[16], uint8_t info_type,
                        uint8_t info_class, uint32_t additional_information, const void *data,
                        uint32_t length);
/* pattern: UTF-8, NULL for "*". */
NTSTATUS rdr_query_directory_write(struct buf *b, const uint8_t file_id[16], uint8_t info_class,
                                   uint8_t flags, const char *pattern, uint32_t output_length);
/* The output buffer of a QUERY_INFO or QUERY_DIRECTORY response (the same
 * layout, [MS-SMB2] 2.2.38 and 2.2.34); at most `limit` bytes are accepted. */
NTSTATUS rdr_output_buffer_parse(const uint8_t *msg, size_t len, uint32_t limit,
                                 struct rdr_bytes *out);

/* ---- IOCTL (FSCTLs, pipe transceive) ---- */
void rdr_ioctl_write(struct buf *b, const uint8_t file_id[16], uint32_t ctl_code,
                     const void *input, uint32_t input_length, uint32_t max_output);
NTSTATUS rdr_ioctl_parse(const uint8_t *msg, size_t len, uint32_t limit, struct rdr_bytes *out);

/* ---- ERROR (2.2.2) ---- */
/* ErrorData of an error response (STATUS_BUFFER_TOO_SMALL carries the size
 * needed as a 4-byte value there). */
NTSTATUS rdr_error_parse(const uint8_t *msg, size_t len, struct rdr_bytes *error_data);

/* Parses any response by its command (for the fuzz target and the receive
 * path's sanity check); STATUS_SUCCESS if it decodes. */
NTSTATUS rdr_response_parse_any(const uint8_t *msg, size_t len);

#endif
