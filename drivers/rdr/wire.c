/* rdr's SMB2 requests and response parsers ([MS-SMB2] 2.2). See wire.h. */
#include <stdlib.h>
#include <string.h>

#include "drivers/rdr/wire.h"
#include "lib/utf16.h"

#define BAD STATUS_INVALID_NETWORK_RESPONSE

NTSTATUS rdr_header_parse(const uint8_t *msg, size_t len, struct rdr_header *h)
{
    struct buf_reader r;
    rd_init(&r, msg, len);
    const uint8_t *protocol = rd_bytes(&r, 4);
    uint16_t structure_size = rd_u16(&r);
    h->credit_charge = rd_u16(&r);
    h->status = rd_u32(&r);
    h->command = rd_u16(&r);
    h->credits = rd_u16(&r);
    h->flags = rd_u32(&r);
    h->next_command = rd_u32(&r);
    h->message_id = rd_u64(&r);
    if (h->flags & SMB2_FLAGS_ASYNC_COMMAND) {
        h->async_id = rd_u64(&r);
        h->tree_id = 0;
    } else {
        rd_skip(&r, 4); /* Reserved (process id) */
        h->tree_id = rd_u32(&r);
        h->async_id = 0;
    }
    h->session_id = rd_u64(&r);
    rd_skip(&r, SMB2_SIGNATURE_SIZE);
    if (!rd_ok(&r) || memcmp(protocol, SMB2_PROTOCOL_ID, 4) != 0 ||
        structure_size != SMB2_HEADER_SIZE || !(h->flags & SMB2_FLAGS_SERVER_TO_REDIR) ||
        h->command >= SMB2_COMMAND_COUNT)
        return BAD;
    return STATUS_SUCCESS;
}

void rdr_header_write(struct buf *b, uint16_t command, uint32_t tree_id)
{
    wr_bytes(b, SMB2_PROTOCOL_ID, 4);
    wr_u16(b, SMB2_HEADER_SIZE);
    wr_u16(b, 0);       /* CreditCharge: set when sent */
    wr_u32(b, 0);       /* ChannelSequence/Reserved */
    wr_u16(b, command);
    wr_u16(b, 0);       /* CreditRequest: set when sent */
    wr_u32(b, 0);       /* Flags */
    wr_u32(b, 0);       /* NextCommand */
    wr_u64(b, 0);       /* MessageId: set when sent */
    wr_u32(b, 0);       /* Reserved */
    wr_u32(b, tree_id);
    wr_u64(b, 0);       /* SessionId: set when sent */
    wr_zeros(b, SMB2_SIGNATURE_SIZE);
}

/* A reader over the body of a response whose fixed part is
 * `structure_size` (the odd sizes count one byte of buffer, which a server
 * may leave out when the buffer is empty). */
static struct buf_reader body_reader(const uint8_t *msg, size_t len, uint16_t structure_size)
{
    struct buf_reader r;
    rd_init(&r, msg, len);
    rd_seek(&r, SMB2_HEADER_SIZE);
    if (rd_u16(&r) != structure_size)
        rd_fail(&r);
    return r;
}

/* An offset/length pair (offsets from the header's start) checked against the
 * message; an empty buffer may have any offset. */
static bool message_range(const uint8_t *msg, size_t len, size_t offset, size_t length,
                          struct rdr_bytes *out)
{
    if (length == 0) {
        out->data = msg;
        out->len = 0;
        return true;
    }
    if (offset < SMB2_HEADER_SIZE || !range_ok(offset, length, len))
        return false;
    out->data = msg + offset;
    out->len = length;
    return true;
}

/* ---- NEGOTIATE ---- */

static void context_begin(struct buf *b, uint16_t type, size_t *length_at)
{
    wr_align(b, 8);
    wr_u16(b, type);
    *length_at = wr_reserve(b, 2);
    wr_u32(b, 0);
}

static void context_end(struct buf *b, size_t length_at)
{
    wr_put_u16_at(b, length_at, (uint16_t)(b->len - (length_at + 6)));
}

void rdr_negotiate_write(struct buf *b, const struct rdr_negotiate_request *req)
{
    bool offers_311 = false;
    for (size_t i = 0; i < req->dialect_count; i++)
        offers_311 |= req->dialects[i] == SMB2_DIALECT_311;
    wr_u16(b, SMB2_NEGOTIATE_REQUEST_SIZE);
    wr_u16(b, (uint16_t)req->dialect_count);
    wr_u16(b, req->security_mode);
    wr_u16(b, 0);
    wr_u32(b, req->capabilities);
    wr_bytes(b, req->client_guid, 16);
    size_t context_offset_at = wr_reserve(b, 4);
    size_t context_count_at = wr_reserve(b, 2);
    wr_u16(b, 0);
    for (size_t i = 0; i < req->dialect_count; i++)
        wr_u16(b, req->dialects[i]);
    if (!offers_311)
        return;
    /* The contexts start 8-aligned from the header ([MS-SMB2] 2.2.3). */
    wr_align(b, 8);
    wr_put_u32_at(b, context_offset_at, (uint32_t)b->len);
    uint16_t count = 0;
    size_t at;
    context_begin(b, SMB2_PREAUTH_INTEGRITY_CAPABILITIES, &at);
    wr_u16(b, 1);
    wr_u16(b, SMB2_PREAUTH_SALT_SIZE);
    wr_u16(b, SMB2_PREAUTH_INTEGRITY_SHA512);
    wr_bytes(b, req->salt, SMB2_PREAUTH_SALT_SIZE);
    context_end(b, at);
    count++;
    if (req->cipher_count) {
        context_begin(b, SMB2_ENCRYPTION_CAPABILITIES, &at);
        wr_u16(b, (uint16_t)req->cipher_count);
        for (size_t i = 0; i < req->cipher_count; i++)
            wr_u16(b, req->ciphers[i]);
        context_end(b, at);
        count++;
    }
    if (req->signing_count) {
        context_begin(b, SMB2_SIGNING_CAPABILITIES, &at);
        wr_u16(b, (uint16_t)req->signing_count);
        for (size_t i = 0; i < req->signing_count; i++)
            wr_u16(b, req->signing_algorithms[i]);
        context_end(b, at);
        count++;
    }
    wr_put_u16_at(b, context_count_at, count);
}

/* One negotiate context of a response; unknown types are skipped. */
static bool negotiate_context_parse(uint16_t type, struct buf_reader *data,
                                    struct rdr_negotiate_response *out)
{
    switch (type) {
    case SMB2_PREAUTH_INTEGRITY_CAPABILITIES: {
        uint16_t count = rd_u16(data);
        uint16_t salt_length = rd_u16(data);
        uint16_t alg = rd_u16(data);
        rd_skip(data, salt_length);
        if (!rd_ok(data) || count != 1 || out->has_preauth)
            return false;
        out->has_preauth = true;
        out->preauth_hash = alg;
        return true;
    }
    case SMB2_ENCRYPTION_CAPABILITIES: {
        uint16_t count = rd_u16(data);
        uint16_t cipher = rd_u16(data);
        if (!rd_ok(data) || count != 1)
            return false;
        out->cipher = cipher;
        return true;
    }
    case SMB2_SIGNING_CAPABILITIES: {
        uint16_t count = rd_u16(data);
        uint16_t alg = rd_u16(data);
        if (!rd_ok(data) || count != 1)
            return false;
        out->has_signing = true;
        out->signing_algorithm = alg;
        return true;
    }
    default:
        return true;
    }
}

NTSTATUS rdr_negotiate_parse(const uint8_t *msg, size_t len, struct rdr_negotiate_response *out)
{
    memset(out, 0, sizeof *out);
    struct buf_reader r = body_reader(msg, len, SMB2_NEGOTIATE_RESPONSE_SIZE);
    out->security_mode = rd_u16(&r);
    out->dialect = rd_u16(&r);
    uint16_t context_count = rd_u16(&r);
    rd_skip(&r, 16); /* ServerGuid */
    out->capabilities = rd_u32(&r);
    out->max_transact_size = rd_u32(&r);
    out->max_read_size = rd_u32(&r);
    out->max_write_size = rd_u32(&r);
    rd_skip(&r, 16); /* SystemTime, ServerStartTime */
    uint16_t sec_offset = rd_u16(&r);
    uint16_t sec_length = rd_u16(&r);
    uint32_t context_offset = rd_u32(&r);
    if (!rd_ok(&r) || !message_range(msg, len, sec_offset, sec_length, &out->security_buffer))
        return BAD;
    switch (out->dialect) {
    case SMB2_DIALECT_202: case SMB2_DIALECT_210: case SMB2_DIALECT_300:
    case SMB2_DIALECT_302: case SMB2_DIALECT_311:
        break;
    default:
        return BAD; /* we never offered it (also the 0x02FF wildcard) */
    }
    if (out->dialect != SMB2_DIALECT_311)
        return STATUS_SUCCESS;
    /* Contexts: each 8-aligned, each checked against the message. */
    if (context_count == 0 || context_count > 64)
        return BAD;
    struct buf_reader all;
    rd_init(&all, msg, len);
    size_t at = context_offset;
    for (uint16_t i = 0; i < context_count; i++) {
        at = (at + 7u) & ~(size_t)7u;
        struct buf_reader head = rd_sub(&all, at, SMB2_NEGOTIATE_CONTEXT_HEADER_SIZE);
        uint16_t type = rd_u16(&head);
        uint16_t data_length = rd_u16(&head);
        if (!rd_ok(&head))
            return BAD;
        struct buf_reader data =
            rd_sub(&all, at + SMB2_NEGOTIATE_CONTEXT_HEADER_SIZE, data_length);
        if (!rd_ok(&data) || !negotiate_context_parse(type, &data, out))
            return BAD;
        at += SMB2_NEGOTIATE_CONTEXT_HEADER_SIZE + data_length;
    }
    if (!out->has_preauth || out->preauth_hash != SMB2_PREAUTH_INTEGRITY_SHA512)
        return BAD;
    return STATUS_SUCCESS;
}

/* ---- SESSION_SETUP ---- */

void rdr_session_setup_write(struct buf *b, uint8_t security_mode, const void *token,
                             size_t token_len)
{
    wr_u16(b, SMB2_SESSION_SETUP_REQUEST_SIZE);
    wr_u8(b, 0);            /* Flags: no binding */
    wr_u8(b, security_mode);
    wr_u32(b, 0);           /* Capabilities */
    wr_u32(b, 0);           /* Channel */
    wr_u16(b, SMB2_HEADER_SIZE + 24);
    wr_u16(b, (uint16_t)token_len);
    wr_u64(b, 0);           /* PreviousSessionId */
    wr_bytes(b, token, token_len);
    if (token_len == 0)
        wr_u8(b, 0);
}

NTSTATUS rdr_session_setup_parse(const uint8_t *msg, size_t len,
                                 struct rdr_session_setup_response *out)
{
    struct buf_reader r = body_reader(msg, len, SMB2_SESSION_SETUP_RESPONSE_SIZE);
    out->session_flags = rd_u16(&r);
    uint16_t offset = rd_u16(&r);
    uint16_t length = rd_u16(&r);
    if (!rd_ok(&r) || !message_range(msg, len, offset, length, &out->security_buffer))
        return BAD;
    return STATUS_SUCCESS;
}

void rdr_empty_body_write(struct buf *b)
{
    wr_u16(b, 4);
    wr_u16(b, 0);
}

/* ---- TREE_CONNECT ---- */

NTSTATUS rdr_tree_connect_write(struct buf *b, const char *unc)
{
    uint8_t *name16;
    size_t name_len;
    NTSTATUS status = utf8_to_utf16le(unc, strlen(unc), &name16, &name_len);
    if (status)
        return status;
    if (name_len > UINT16_MAX) {
        free(name16);
        return STATUS_OBJECT_NAME_INVALID;
    }
    wr_u16(b, SMB2_TREE_CONNECT_REQUEST_SIZE);
    wr_u16(b, 0);
    wr_u16(b, SMB2_HEADER_SIZE + 8);
    wr_u16(b, (uint16_t)name_len);
    wr_bytes(b, name16, name_len);
    free(name16);
    return STATUS_SUCCESS;
}

NTSTATUS rdr_tree_connect_parse(const uint8_t *msg, size_t len,
                                struct rdr_tree_connect_response *out)
{
    struct buf_reader r = body_reader(msg, len, SMB2_TREE_CONNECT_RESPONSE_SIZE);
    out->share_type = rd_u8(&r);
    rd_skip(&r, 1);
    out->share_flags = rd_u32(&r);
    out->capabilities = rd_u32(&r);
    out->maximal_access = rd_u32(&r);
    return rd_ok(&r) ? STATUS_SUCCESS : BAD;
}

/* ---- CREATE ---- */

NTSTATUS rdr_create_write(struct buf *b, const struct rdr_create_request *req)
{
    uint8_t *name16 = NULL;
    size_t name_len = 0;
    NTSTATUS status = utf8_to_utf16le(req->name, strlen(req->name), &name16, &name_len);
    if (status)
        return status;
    if (name_len > UINT16_MAX) {
        free(name16);
        return STATUS_OBJECT_NAME_INVALID;
    }
    wr_u16(b, SMB2_CREATE_REQUEST_SIZE);
    wr_u8(b, 0);            /* SecurityFlags */
    wr_u8(b, SMB2_OPLOCK_LEVEL_NONE);
    wr_u32(b, 2);           /* ImpersonationLevel: Impersonation */
    wr_u64(b, 0);           /* SmbCreateFlags */
    wr_u64(b, 0);           /* Reserved */
    wr_u32(b, req->desired_access);
    wr_u32(b, req->file_attributes);
    wr_u32(b, req->share_access);
    wr_u32(b, req->create_disposition);
    wr_u32(b, req->create_options);
    wr_u16(b, SMB2_HEADER_SIZE + 56);
    wr_u16(b, (uint16_t)name_len);
    wr_u32(b, 0);           /* CreateContextsOffset */
    wr_u32(b, 0);           /* CreateContextsLength */
    wr_bytes(b, name16, name_len);
    if (name_len == 0)
        wr_u8(b, 0);        /* the buffer is at least one byte */
    free(name16);
    return STATUS_SUCCESS;
}

NTSTATUS rdr_create_parse(const uint8_t *msg, size_t len, struct rdr_create_response *out)
{
    struct buf_reader r = body_reader(msg, len, 89);
    out->oplock_level = rd_u8(&r);
    rd_skip(&r, 1);
    out->create_action = rd_u32(&r);
    out->creation_time = rd_u64(&r);
    out->last_access_time = rd_u64(&r);
    out->last_write_time = rd_u64(&r);
    out->change_time = rd_u64(&r);
    out->allocation_size = rd_u64(&r);
    out->end_of_file = rd_u64(&r);
    out->file_attributes = rd_u32(&r);
    rd_skip(&r, 4);
    rd_copy(&r, out->file_id, 16);
    uint32_t contexts_offset = rd_u32(&r);
    uint32_t contexts_length = rd_u32(&r);
    struct rdr_bytes contexts;
    if (!rd_ok(&r) || !message_range(msg, len, contexts_offset, contexts_length, &contexts))
        return BAD;
    return STATUS_SUCCESS;
}

/* ---- CLOSE, FLUSH ---- */

void rdr_close_write(struct buf *b, const uint8_t file_id[16])
{
    wr_u16(b, SMB2_CLOSE_REQUEST_SIZE);
    wr_u16(b, 0);           /* Flags: no attributes wanted */
    wr_u32(b, 0);
    wr_bytes(b, file_id, 16);
}

void rdr_flush_write(struct buf *b, const uint8_t file_id[16])
{
    wr_u16(b, SMB2_FLUSH_REQUEST_SIZE);
    wr_u16(b, 0);
    wr_u32(b, 0);
    wr_bytes(b, file_id, 16);
}

/* ---- READ, WRITE ---- */

void rdr_read_write(struct buf *b, const uint8_t file_id[16], uint64_t offset, uint32_t length)
{
    wr_u16(b, SMB2_READ_REQUEST_SIZE);
    wr_u8(b, 0x50);         /* Padding: where we want the data (header + 16) */
    wr_u8(b, 0);            /* Flags */
    wr_u32(b, length);
    wr_u64(b, offset);
    wr_bytes(b, file_id, 16);
    wr_u32(b, 0);           /* MinimumCount */
    wr_u32(b, 0);           /* Channel */
    wr_u32(b, 0);           /* RemainingBytes */
    wr_u16(b, 0);           /* ReadChannelInfoOffset */
    wr_u16(b, 0);           /* ReadChannelInfoLength */
    wr_u8(b, 0);            /* Buffer */
}

NTSTATUS rdr_read_parse(const uint8_t *msg, size_t len, struct rdr_bytes *data)
{
    struct buf_reader r = body_reader(msg, len, 17);
    uint8_t offset = rd_u8(&r);
    rd_skip(&r, 1);
    uint32_t length = rd_u32(&r);
    rd_skip(&r, 8);         /* DataRemaining, Reserved2 */
    if (!rd_ok(&r) || !message_range(msg, len, offset, length, data))
        return BAD;
    return STATUS_SUCCESS;
}

void rdr_write_write(struct buf *b, const uint8_t file_id[16], uint64_t offset, const void *data,
                     uint32_t length)
{
    wr_u16(b, SMB2_WRITE_REQUEST_SIZE);
    wr_u16(b, SMB2_HEADER_SIZE + 48); /* DataOffset */
    wr_u32(b, length);
    wr_u64(b, offset);
    wr_bytes(b, file_id, 16);
    wr_u32(b, 0);           /* Channel */
    wr_u32(b, 0);           /* RemainingBytes */
    wr_u16(b, 0);           /* WriteChannelInfoOffset */
    wr_u16(b, 0);           /* WriteChannelInfoLength */
    wr_u32(b, 0);           /* Flags */
    wr_bytes(b, data, length);
    if (length == 0)
        wr_u8(b, 0);
}

NTSTATUS rdr_write_parse(const uint8_t *msg, size_t len, uint32_t *count)
{
    struct buf_reader r = body_reader(msg, len, 17);
    rd_skip(&r, 2);
    *count = rd_u32(&r);
    rd_skip(&r, 4 + 2 + 2); /* Remaining, WriteChannelInfoOffset/Length */
    return rd_ok(&r) ? STATUS_SUCCESS : BAD;
}

/* ---- LOCK ---- */

void rdr_lock_write(struct buf *b, const uint8_t file_id[16], uint64_t offset, uint64_t length,
                    uint32_t flags)
{
    wr_u16(b, SMB2_LOCK_REQUEST_SIZE);
    wr_u16(b, 1);           /* LockCount */
    wr_u32(b, 0);           /* LockSequenceNumber/Index: not resilient */
    wr_bytes(b, file_id, 16);
    wr_u64(b, offset);
    wr_u64(b, length);
    wr_u32(b, flags);
    wr_u32(b, 0);
}

/* ---- QUERY_INFO, SET_INFO, QUERY_DIRECTORY ---- */

void rdr_query_info_input_write(struct buf *b, const uint8_t file_id[16], uint8_t info_type,
                                uint8_t info_class, uint32_t output_length,
                                uint32_t additional_information, uint32_t flags,
                                const void *input, uint32_t input_length)
{
    wr_u16(b, SMB2_QUERY_INFO_REQUEST_SIZE);
    wr_u8(b, info_type);
    wr_u8(b, info_class);
    wr_u32(b, output_length);
    wr_u16(b, input_length ? SMB2_HEADER_SIZE + 40 : 0); /* InputBufferOffset */
    wr_u16(b, 0);
    wr_u32(b, input_length);
    wr_u32(b, additional_information);
    wr_u32(b, flags);
    wr_bytes(b, file_id, 16);
    wr_bytes(b, input, input_length);
    if (input_length == 0)
        wr_u8(b, 0);
}

void rdr_query_info_write(struct buf *b, const uint8_t file_id[16], uint8_t info_type,
                          uint8_t info_class, uint32_t output_length,
                          uint32_t additional_information)
{
    rdr_query_info_input_write(b, file_id, info_type, info_class, output_length,
                               additional_information, 0, NULL, 0);
}

void rdr_set_info_write(struct buf *b, const uint8_t file_id[16], uint8_t info_type,
                        uint8_t info_class, uint32_t additional_information, const void *data,
                        uint32_t length)
{
    wr_u16(b, SMB2_SET_INFO_REQUEST_SIZE);
    wr_u8(b, info_type);
    wr_u8(b, info_class);
    wr_u32(b, length);
    wr_u16(b, SMB2_HEADER_SIZE + 32);
    wr_u16(b, 0);
    wr_u32(b, additional_information);
    wr_bytes(b, file_id, 16);
    wr_bytes(b, data, length);
    if (length == 0)
        wr_u8(b, 0);
}

NTSTATUS rdr_query_directory_write(struct buf *b, const uint8_t file_id[16], uint8_t info_class,
                                   uint8_t flags, const char *pattern, uint32_t output_length)
{
    if (!pattern || !*pattern)
        pattern = "*";
    uint8_t *name16;
    size_t name_len;
    NTSTATUS status = utf8_to_utf16le(pattern, strlen(pattern), &name16, &name_len);
    if (status)
        return status;
    if (name_len > UINT16_MAX) {
        free(name16);
        return STATUS_OBJECT_NAME_INVALID;
    }
    wr_u16(b, SMB2_QUERY_DIRECTORY_REQUEST_SIZE);
    wr_u8(b, info_class);
    wr_u8(b, flags);
    wr_u32(b, 0);           /* FileIndex */
    wr_bytes(b, file_id, 16);
    wr_u16(b, SMB2_HEADER_SIZE + 32);
    wr_u16(b, (uint16_t)name_len);
    wr_u32(b, output_length);
    wr_bytes(b, name16, name_len);
    free(name16);
    return STATUS_SUCCESS;
}

NTSTATUS rdr_output_buffer_parse(const uint8_t *msg, size_t len, uint32_t limit,
                                 struct rdr_bytes *out)
{
    struct buf_reader r = body_reader(msg, len, 9);
    uint16_t offset = rd_u16(&r);
    uint32_t length = rd_u32(&r);
    if (!rd_ok(&r) || length > limit || !message_range(msg, len, offset, length, out))
        return BAD;
    return STATUS_SUCCESS;
}

/* ---- IOCTL ---- */

void rdr_ioctl_write(struct buf *b, const uint8_t file_id[16], uint32_t ctl_code,
                     const void *input, uint32_t input_length, uint32_t max_output)
{
    wr_u16(b, SMB2_IOCTL_REQUEST_SIZE);
    wr_u16(b, 0);
    wr_u32(b, ctl_code);
    wr_bytes(b, file_id, 16);
    wr_u32(b, input_length ? SMB2_HEADER_SIZE + 56 : 0); /* InputOffset */
    wr_u32(b, input_length);
    wr_u32(b, 0);           /* MaxInputResponse */
    wr_u32(b, 0);           /* OutputOffset */
    wr_u32(b, 0);           /* OutputCount */
    wr_u32(b, max_output);
    wr_u32(b, SMB2_0_IOCTL_IS_FSCTL);
    wr_u32(b, 0);
    wr_bytes(b, input, input_length);
    if (input_length == 0)
        wr_u8(b, 0);
}

NTSTATUS rdr_ioctl_parse(const uint8_t *msg, size_t len, uint32_t limit, struct rdr_bytes *out)
{
    struct buf_reader r = body_reader(msg, len, SMB2_IOCTL_RESPONSE_SIZE);
    rd_skip(&r, 2 + 4 + 16); /* Reserved, CtlCode, FileId */
    uint32_t input_offset = rd_u32(&r);
    uint32_t input_count = rd_u32(&r);
    uint32_t output_offset = rd_u32(&r);
    uint32_t output_count = rd_u32(&r);
    struct rdr_bytes input;
    if (!rd_ok(&r) || output_count > limit ||
        !message_range(msg, len, input_offset, input_count, &input) ||
        !message_range(msg, len, output_offset, output_count, out))
        return BAD;
    return STATUS_SUCCESS;
}

NTSTATUS rdr_error_parse(const uint8_t *msg, size_t len, struct rdr_bytes *error_data)
{
    struct buf_reader r = body_reader(msg, len, SMB2_ERROR_RESPONSE_SIZE);
    rd_skip(&r, 2);
    uint32_t byte_count = rd_u32(&r);
    if (!rd_ok(&r) || byte_count > rd_remaining(&r))
        return BAD;
    error_data->data = msg + r.pos;
    error_data->len = byte_count;
    return STATUS_SUCCESS;
}

NTSTATUS rdr_response_parse_any(const uint8_t *msg, size_t len)
{
    struct rdr_header h;
    NTSTATUS status = rdr_header_parse(msg, len, &h);
    if (status)
        return status;
    if (h.status != STATUS_SUCCESS && h.status != STATUS_MORE_PROCESSING_REQUIRED &&
        h.status != STATUS_BUFFER_OVERFLOW) {
        struct rdr_bytes data;
        return rdr_error_parse(msg, len, &data);
    }
    struct rdr_bytes bytes;
    uint32_t count;
    switch (h.command) {
    case SMB2_NEGOTIATE: {
        struct rdr_negotiate_response n;
        return rdr_negotiate_parse(msg, len, &n);
    }
    case SMB2_SESSION_SETUP: {
        struct rdr_session_setup_response s;
        return rdr_session_setup_parse(msg, len, &s);
    }
    case SMB2_TREE_CONNECT: {
        struct rdr_tree_connect_response t;
        return rdr_tree_connect_parse(msg, len, &t);
    }
    case SMB2_CREATE: {
        struct rdr_create_response c;
        return rdr_create_parse(msg, len, &c);
    }
    case SMB2_READ:
        return rdr_read_parse(msg, len, &bytes);
    case SMB2_WRITE:
        return rdr_write_parse(msg, len, &count);
    case SMB2_QUERY_INFO:
    case SMB2_QUERY_DIRECTORY:
        return rdr_output_buffer_parse(msg, len, RDR_MAX_IO, &bytes);
    case SMB2_IOCTL:
        return rdr_ioctl_parse(msg, len, RDR_MAX_IO, &bytes);
    default:
        return STATUS_SUCCESS;
    }
}
