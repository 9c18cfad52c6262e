/* The one place every request element is checked before any handler runs
 * ([MS-SMB2] 3.3.5.2.5 and 3.3.5.2.6).
 *
 * Each command is described by a row: its StructureSize, the data areas its
 * fixed part points at (an Offset/Length pair counted from the header, or a
 * Count of fixed-size entries at a fixed place), and the fields that size its
 * payload for the credit charge. Every area must lie inside the element and
 * after the fixed part, checked with overflow-safe arithmetic; a handler can
 * then follow its own offsets knowing they were checked once here (and it
 * still reads them through rd_sub, which checks again). */
#include "drivers/srv/smb2/request.h"

enum area_kind { AREA_NONE, AREA_OFFSET_LENGTH, AREA_COUNTED_ARRAY };

/* Field positions are byte offsets in the request body (after the header). */
struct area {
    enum area_kind kind;
    uint8_t offset_at, offset_size;  /* OFFSET_LENGTH: Offset field */
    uint8_t length_at, length_size;  /* OFFSET_LENGTH: Length; ARRAY: Count */
    uint8_t array_at;                /* ARRAY: where entries start in the body */
    uint8_t entry_size;              /* ARRAY */
};

/* A u32 field holding a payload or expected-response size (0: unused). */
struct payload_field {
    uint8_t at;
    uint8_t size;
};

struct request_shape {
    uint16_t structure_size;
    uint16_t alt_structure_size;     /* OPLOCK_BREAK carries two forms */
    struct area areas[2];
    struct payload_field payload[2]; /* the credit charge covers their max */
};

#define OL(o, os, l, ls) { AREA_OFFSET_LENGTH, o, os, l, ls, 0, 0 }
#define ARRAY(count_at, at, size) { AREA_COUNTED_ARRAY, 0, 0, count_at, 2, at, size }
#define PAYLOAD(at) { at, 4 }

static const struct request_shape shapes[SMB2_COMMAND_COUNT] = {
    [SMB2_NEGOTIATE] = { .structure_size = SMB2_NEGOTIATE_REQUEST_SIZE,
                         .areas = { ARRAY(2, 36, 2) } },
    [SMB2_SESSION_SETUP] = { .structure_size = SMB2_SESSION_SETUP_REQUEST_SIZE,
                             .areas = { OL(12, 2, 14, 2) } },
    [SMB2_LOGOFF] = { .structure_size = SMB2_LOGOFF_SIZE },
    [SMB2_TREE_CONNECT] = { .structure_size = SMB2_TREE_CONNECT_REQUEST_SIZE,
                            .areas = { OL(4, 2, 6, 2) } },
    [SMB2_TREE_DISCONNECT] = { .structure_size = SMB2_TREE_DISCONNECT_SIZE },
    [SMB2_CREATE] = { .structure_size = SMB2_CREATE_REQUEST_SIZE,
                      .areas = { OL(44, 2, 46, 2), OL(48, 4, 52, 4) } },
    [SMB2_CLOSE] = { .structure_size = SMB2_CLOSE_REQUEST_SIZE },
    [SMB2_FLUSH] = { .structure_size = SMB2_FLUSH_REQUEST_SIZE },
    [SMB2_READ] = { .structure_size = SMB2_READ_REQUEST_SIZE,
                    .areas = { OL(44, 2, 46, 2) },
                    .payload = { PAYLOAD(4) } },
    [SMB2_WRITE] = { .structure_size = SMB2_WRITE_REQUEST_SIZE,
                     .areas = { OL(2, 2, 4, 4), OL(40, 2, 42, 2) },
                     .payload = { PAYLOAD(4) } },
    /* LockCount entries of 24 bytes at body offset 24; the first is part of
     * the fixed 48 bytes, so a count of zero is caught by the handler. */
    [SMB2_LOCK] = { .structure_size = SMB2_LOCK_REQUEST_SIZE,
                    .areas = { ARRAY(2, 24, 24) } },
    [SMB2_IOCTL] = { .structure_size = SMB2_IOCTL_REQUEST_SIZE,
                     .areas = { OL(24, 4, 28, 4), OL(36, 4, 40, 4) },
                     .payload = { PAYLOAD(28), PAYLOAD(44) } },
    [SMB2_CANCEL] = { .structure_size = SMB2_CANCEL_SIZE },
    [SMB2_ECHO] = { .structure_size = SMB2_ECHO_SIZE },
    [SMB2_QUERY_DIRECTORY] = { .structure_size = SMB2_QUERY_DIRECTORY_REQUEST_SIZE,
                               .areas = { OL(24, 2, 26, 2) },
                               .payload = { PAYLOAD(28) } },
    [SMB2_CHANGE_NOTIFY] = { .structure_size = SMB2_CHANGE_NOTIFY_REQUEST_SIZE,
                             .payload = { PAYLOAD(4) } },
    [SMB2_QUERY_INFO] = { .structure_size = SMB2_QUERY_INFO_REQUEST_SIZE,
                          .areas = { OL(8, 2, 12, 4) },
                          .payload = { PAYLOAD(4), PAYLOAD(12) } },
    [SMB2_SET_INFO] = { .structure_size = SMB2_SET_INFO_REQUEST_SIZE,
                        .areas = { OL(8, 2, 4, 4) },
                        .payload = { PAYLOAD(4) } },
    [SMB2_OPLOCK_BREAK] = { .structure_size = SMB2_OPLOCK_BREAK_ACK_SIZE,
                            .alt_structure_size = SMB2_LEASE_BREAK_ACK_SIZE },
};

static uint32_t read_field(const uint8_t *body, uint8_t at, uint8_t size)
{
    return size == 2 ? le16_load(body + at) : le32_load(body + at);
}

/* [offset, offset+length) must be inside the element and after the fixed
 * part. An empty area may point anywhere (clients send 0 for "none"). */
static bool area_ok(uint64_t offset, uint64_t length, size_t fixed_end, size_t elem_len)
{
    if (length == 0)
        return true;
    return offset >= fixed_end && offset <= elem_len && length <= elem_len - offset;
}

uint64_t smb2_request_payload(const uint8_t *elem, size_t len)
{
    if (len < SMB2_HEADER_SIZE)
        return 0;
    uint16_t command = le16_load(elem + SMB2_HDR_OFF_COMMAND);
    if (command >= SMB2_COMMAND_COUNT)
        return 0;
    const struct request_shape *shape = &shapes[command];
    const uint8_t *body = elem + SMB2_HEADER_SIZE;
    size_t body_len = len - SMB2_HEADER_SIZE;
    uint64_t payload = 0;
    for (int i = 0; i < 2; i++) {
        const struct payload_field *f = &shape->payload[i];
        if (f->size == 0 || body_len < (size_t)f->at + f->size)
            continue;
        uint32_t v = read_field(body, f->at, f->size);
        if (v > payload)
            payload = v;
    }
    return payload;
}

NTSTATUS smb2_validate_request(const uint8_t *elem, size_t len, bool multi_credit)
{
    if (len < SMB2_HEADER_SIZE + 2)
        return STATUS_INVALID_PARAMETER;
    uint16_t command = le16_load(elem + SMB2_HDR_OFF_COMMAND);
    uint16_t credit_charge = le16_load(elem + SMB2_HDR_OFF_CREDIT_CHARGE);
    if (command >= SMB2_COMMAND_COUNT)
        return STATUS_INVALID_PARAMETER;
    const struct request_shape *shape = &shapes[command];
    const uint8_t *body = elem + SMB2_HEADER_SIZE;
    size_t body_len = len - SMB2_HEADER_SIZE;
    uint16_t structure_size = le16_load(body);
    if (structure_size != shape->structure_size &&
        (shape->alt_structure_size == 0 || structure_size != shape->alt_structure_size))
        return STATUS_INVALID_PARAMETER;
    /* An odd StructureSize counts one byte of the variable buffer, which may
     * be absent when the buffer is empty: the fixed part is the even size. */
    size_t fixed = structure_size & ~1u;
    if (body_len < fixed)
        return STATUS_INVALID_PARAMETER;
    size_t fixed_end = SMB2_HEADER_SIZE + fixed;

    for (int i = 0; i < 2 && structure_size == shape->structure_size; i++) {
        const struct area *a = &shape->areas[i];
        if (a->kind == AREA_OFFSET_LENGTH) {
            uint32_t offset = read_field(body, a->offset_at, a->offset_size);
            uint32_t length = read_field(body, a->length_at, a->length_size);
            if (!area_ok(offset, length, fixed_end, len))
                return STATUS_INVALID_PARAMETER;
        } else if (a->kind == AREA_COUNTED_ARRAY) {
            uint64_t count = le16_load(body + a->length_at);
            uint64_t start = SMB2_HEADER_SIZE + (uint64_t)a->array_at;
            if (!range_ok(start, count * a->entry_size, len))
                return STATUS_INVALID_PARAMETER;
        }
    }

    /* 3.3.5.2.5: with multi-credit, the charge must cover the payload, one
     * credit per 64 KiB (without it, the handlers hold sizes to the 64 KiB
     * maximums the NEGOTIATE response announced). */
    if (!multi_credit)
        return STATUS_SUCCESS;
    uint64_t payload = 0;
    for (int i = 0; i < 2; i++) {
        if (shape->payload[i].size == 0)
            continue;
        uint32_t v = read_field(body, shape->payload[i].at, shape->payload[i].size);
        if (v > payload)
            payload = v;
    }
    uint64_t needed = payload == 0 ? 1 : (payload - 1) / SMB2_CREDIT_PAYLOAD + 1;
    if (credit_charge == 0 ? payload > SMB2_CREDIT_PAYLOAD : needed > credit_charge)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}
