/* Encoding and strict decoding of lwiod socket messages (see protocol.h and
 * docs/lwiod.md). Every field is read with the lib/buf.h reader. */
#include "lwiod/client/protocol.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"
#include "lwiod/ntfile.h"

bool lwio_opcode_has_output(uint16_t opcode)
{
    switch (opcode) {
    case LWIO_OP_READ:
    case LWIO_OP_DEVICE_IO_CONTROL:
    case LWIO_OP_FS_CONTROL:
    case LWIO_OP_QUERY_INFORMATION:
    case LWIO_OP_QUERY_DIRECTORY:
    case LWIO_OP_QUERY_VOLUME_INFORMATION:
    case LWIO_OP_QUERY_SECURITY:
        return true;
    default:
        return false;
    }
}

bool lwio_frame_length(const uint8_t prefix[LWIO_FRAME_LENGTH_SIZE], uint32_t *length)
{
    *length = le32_load(prefix);
    /* The smallest message is a header: opcode, flags, request id. */
    return *length >= 8 && *length <= LWIO_MAX_MESSAGE;
}

/* ---- encoding ---- */

static void wr_string(struct buf *b, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    wr_u32(b, (uint32_t)len);
    wr_bytes(b, s, len);
}

static void wr_blob(struct buf *b, const void *data, uint32_t size)
{
    wr_u32(b, size);
    wr_bytes(b, data, size);
}

void lwio_request_encode(struct buf *b, const struct lwio_request *q)
{
    size_t start = wr_reserve(b, LWIO_FRAME_LENGTH_SIZE);
    wr_u16(b, q->opcode);
    wr_u16(b, 0);
    wr_u32(b, q->request_id);
    switch (q->opcode) {
    case LWIO_OP_HELLO:
        wr_u32(b, q->version);
        break;
    case LWIO_OP_CREATE:
        wr_string(b, q->path);
        wr_u32(b, q->desired_access);
        wr_u32(b, q->share_access);
        wr_u32(b, q->create_disposition);
        wr_u32(b, q->create_options);
        wr_u32(b, q->file_attributes);
        wr_u64(b, q->allocation_size);
        wr_blob(b, q->security_descriptor, q->security_descriptor_size);
        wr_blob(b, q->ea, q->ea_size);
        wr_u32(b, q->ecp_count);
        for (uint32_t i = 0; i < q->ecp_count && i < LWIO_MAX_ECPS; i++) {
            wr_string(b, q->ecps[i].type);
            wr_blob(b, q->ecps[i].data, q->ecps[i].size);
        }
        break;
    case LWIO_OP_CLOSE:
    case LWIO_OP_FLUSH:
        wr_u64(b, q->handle);
        break;
    case LWIO_OP_READ:
        wr_u64(b, q->handle);
        wr_u32(b, q->length);
        wr_u8(b, q->has_offset);
        wr_u64(b, q->offset);
        wr_u32(b, q->key);
        break;
    case LWIO_OP_WRITE:
        wr_u64(b, q->handle);
        wr_u8(b, q->has_offset);
        wr_u64(b, q->offset);
        wr_u32(b, q->key);
        wr_blob(b, q->data, q->data_size);
        break;
    case LWIO_OP_DEVICE_IO_CONTROL:
    case LWIO_OP_FS_CONTROL:
        wr_u64(b, q->handle);
        wr_u32(b, q->code);
        wr_u32(b, q->length);
        wr_blob(b, q->data, q->data_size);
        break;
    case LWIO_OP_QUERY_INFORMATION:
    case LWIO_OP_QUERY_VOLUME_INFORMATION:
    case LWIO_OP_QUERY_SECURITY:
        wr_u64(b, q->handle);
        wr_u32(b, q->code);
        wr_u32(b, q->length);
        break;
    case LWIO_OP_SET_INFORMATION:
    case LWIO_OP_SET_VOLUME_INFORMATION:
    case LWIO_OP_SET_SECURITY:
        wr_u64(b, q->handle);
        wr_u32(b, q->code);
        wr_blob(b, q->data, q->data_size);
        break;
    case LWIO_OP_QUERY_DIRECTORY:
        wr_u64(b, q->handle);
        wr_u32(b, q->code);
        wr_u32(b, q->length);
        wr_u32(b, q->flags);
        wr_u8(b, q->pattern != NULL);
        if (q->pattern)
            wr_string(b, q->pattern);
        break;
    case LWIO_OP_LOCK:
    case LWIO_OP_UNLOCK:
        wr_u64(b, q->handle);
        wr_u64(b, q->offset);
        wr_u64(b, q->lock_length);
        wr_u32(b, q->key);
        if (q->opcode == LWIO_OP_LOCK)
            wr_u32(b, q->flags);
        break;
    case LWIO_OP_CANCEL:
        wr_u32(b, q->target_request_id);
        break;
    default:
        break;
    }
    wr_put_u32_at(b, start, (uint32_t)(b->len - start - LWIO_FRAME_LENGTH_SIZE));
}

void lwio_response_encode(struct buf *b, const struct lwio_response *p)
{
    size_t start = wr_reserve(b, LWIO_FRAME_LENGTH_SIZE);
    wr_u16(b, (uint16_t)(p->opcode | LWIO_RESPONSE_FLAG));
    wr_u16(b, 0);
    wr_u32(b, p->request_id);
    wr_u32(b, p->status);
    wr_u64(b, p->information);
    if (p->opcode == LWIO_OP_HELLO)
        wr_u32(b, p->version);
    else if (p->opcode == LWIO_OP_CREATE)
        wr_u64(b, p->handle);
    else if (lwio_opcode_has_output(p->opcode))
        wr_blob(b, p->data, p->data_size);
    wr_put_u32_at(b, start, (uint32_t)(b->len - start - LWIO_FRAME_LENGTH_SIZE));
}

/* ---- decoding ---- */

/* A length-prefixed UTF-8 string: at most max bytes, no NUL, well-formed. */
static char *rd_string(struct buf_reader *r, uint32_t max)
{
    uint32_t len = rd_u32(r);
    if (len > max) {
        rd_fail(r);
        return NULL;
    }
    const uint8_t *bytes = rd_bytes(r, len);
    if (!bytes || memchr(bytes, 0, len)) {
        rd_fail(r);
        return NULL;
    }
    char *s = strndup((const char *)bytes, len);
    if (!s || !utf8_valid(s)) {
        free(s);
        rd_fail(r);
        return NULL;
    }
    return s;
}

static const uint8_t *rd_blob(struct buf_reader *r, uint32_t max, uint32_t *size)
{
    *size = rd_u32(r);
    if (*size > max) {
        rd_fail(r);
        *size = 0;
        return NULL;
    }
    const uint8_t *data = rd_bytes(r, *size);
    if (!data)
        *size = 0;
    return data;
}

static bool rd_bool(struct buf_reader *r)
{
    uint8_t v = rd_u8(r);
    if (v > 1)
        rd_fail(r);
    return v == 1;
}

static void decode_create(struct buf_reader *r, struct lwio_request *q)
{
    q->path = rd_string(r, LWIO_MAX_PATH);
    q->desired_access = rd_u32(r);
    q->share_access = rd_u32(r);
    q->create_disposition = rd_u32(r);
    q->create_options = rd_u32(r);
    q->file_attributes = rd_u32(r);
    q->allocation_size = rd_u64(r);
    q->security_descriptor = rd_blob(r, LWIO_MAX_DATA, &q->security_descriptor_size);
    q->ea = rd_blob(r, LWIO_MAX_DATA, &q->ea_size);
    uint32_t count = rd_u32(r);
    if (count > LWIO_MAX_ECPS) {
        rd_fail(r);
        return;
    }
    for (uint32_t i = 0; i < count && rd_ok(r); i++) {
        q->ecps[i].type = rd_string(r, LWIO_MAX_ECP_TYPE);
        q->ecp_count = i + 1; /* so that clear frees what was read */
        q->ecps[i].data = rd_blob(r, LWIO_MAX_ECP_DATA, &q->ecps[i].size);
        if (q->ecps[i].type && !q->ecps[i].type[0])
            rd_fail(r);
    }
}

NTSTATUS lwio_request_decode(const uint8_t *body, size_t size, struct lwio_request *q)
{
    struct buf_reader r;
    memset(q, 0, sizeof *q);
    rd_init(&r, body, size);
    q->opcode = rd_u16(&r);
    if (rd_u16(&r) != 0)
        rd_fail(&r);
    q->request_id = rd_u32(&r);
    switch (q->opcode) {
    case LWIO_OP_HELLO:
        q->version = rd_u32(&r);
        break;
    case LWIO_OP_CREATE:
        decode_create(&r, q);
        break;
    case LWIO_OP_CLOSE:
    case LWIO_OP_FLUSH:
        q->handle = rd_u64(&r);
        break;
    case LWIO_OP_READ:
        q->handle = rd_u64(&r);
        q->length = rd_u32(&r);
        q->has_offset = rd_bool(&r);
        q->offset = rd_u64(&r);
        q->key = rd_u32(&r);
        if (q->length > LWIO_MAX_DATA)
            rd_fail(&r);
        break;
    case LWIO_OP_WRITE:
        q->handle = rd_u64(&r);
        q->has_offset = rd_bool(&r);
        q->offset = rd_u64(&r);
        q->key = rd_u32(&r);
        q->data = rd_blob(&r, LWIO_MAX_DATA, &q->data_size);
        break;
    case LWIO_OP_DEVICE_IO_CONTROL:
    case LWIO_OP_FS_CONTROL:
        q->handle = rd_u64(&r);
        q->code = rd_u32(&r);
        q->length = rd_u32(&r);
        q->data = rd_blob(&r, LWIO_MAX_DATA, &q->data_size);
        if (q->length > LWIO_MAX_DATA)
            rd_fail(&r);
        break;
    case LWIO_OP_QUERY_INFORMATION:
    case LWIO_OP_QUERY_VOLUME_INFORMATION:
    case LWIO_OP_QUERY_SECURITY:
        q->handle = rd_u64(&r);
        q->code = rd_u32(&r);
        q->length = rd_u32(&r);
        if (q->length > LWIO_MAX_DATA)
            rd_fail(&r);
        break;
    case LWIO_OP_SET_INFORMATION:
    case LWIO_OP_SET_VOLUME_INFORMATION:
    case LWIO_OP_SET_SECURITY:
        q->handle = rd_u64(&r);
        q->code = rd_u32(&r);
        q->data = rd_blob(&r, LWIO_MAX_DATA, &q->data_size);
        break;
    case LWIO_OP_QUERY_DIRECTORY:
        q->handle = rd_u64(&r);
        q->code = rd_u32(&r);
        q->length = rd_u32(&r);
        q->flags = rd_u32(&r);
        if (q->length > LWIO_MAX_DATA || (q->flags & ~(SL_RESTART_SCAN | SL_RETURN_SINGLE_ENTRY)))
            rd_fail(&r);
        if (rd_bool(&r))
            q->pattern = rd_string(&r, LWIO_MAX_PATH);
        break;
    case LWIO_OP_LOCK:
    case LWIO_OP_UNLOCK:
        q->handle = rd_u64(&r);
        q->offset = rd_u64(&r);
        q->lock_length = rd_u64(&r);
        q->key = rd_u32(&r);
        if (q->opcode == LWIO_OP_LOCK) {
            q->flags = rd_u32(&r);
            if (q->flags & ~(SL_FAIL_IMMEDIATELY | SL_EXCLUSIVE_LOCK))
                rd_fail(&r);
        }
        break;
    case LWIO_OP_CANCEL:
        q->target_request_id = rd_u32(&r);
        break;
    default:
        rd_fail(&r);
        break;
    }
    if (!rd_ok(&r) || rd_remaining(&r) != 0) {
        lwio_request_clear(q);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

void lwio_request_clear(struct lwio_request *q)
{
    free(q->path);
    free(q->pattern);
    for (uint32_t i = 0; i < q->ecp_count && i < LWIO_MAX_ECPS; i++)
        free(q->ecps[i].type);
    memset(q, 0, sizeof *q);
}

NTSTATUS lwio_response_decode(const uint8_t *body, size_t size, struct lwio_response *p)
{
    struct buf_reader r;
    memset(p, 0, sizeof *p);
    rd_init(&r, body, size);
    uint16_t opcode = rd_u16(&r);
    if (!(opcode & LWIO_RESPONSE_FLAG))
        rd_fail(&r);
    p->opcode = (uint16_t)(opcode & ~LWIO_RESPONSE_FLAG);
    if (p->opcode == 0 || p->opcode > LWIO_OP_MAX || p->opcode == LWIO_OP_CANCEL)
        rd_fail(&r);
    if (rd_u16(&r) != 0)
        rd_fail(&r);
    p->request_id = rd_u32(&r);
    p->status = rd_u32(&r);
    p->information = rd_u64(&r);
    if (p->opcode == LWIO_OP_HELLO)
        p->version = rd_u32(&r);
    else if (p->opcode == LWIO_OP_CREATE)
        p->handle = rd_u64(&r);
    else if (lwio_opcode_has_output(p->opcode))
        p->data = rd_blob(&r, LWIO_MAX_DATA, &p->data_size);
    if (!rd_ok(&r) || rd_remaining(&r) != 0) {
        memset(p, 0, sizeof *p);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}
