/* Live state from srv: the \srv device controls of srv_live.h, and parsers
 * for their answers. lwiod is trusted, but its answers are still read with
 * the bounds-checked readers, like any bytes from another process. */
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lwiod/client/lwio.h"
#include "srvsvc/srv_live.h"

/* Largest answer accepted: a busy server's open files, with room to spare. */
#define LIVE_MAX (16u << 20)

static char *read_string(struct buf_reader *r, struct ndr_arena *arena)
{
    uint16_t len = rd_u16(r);
    const uint8_t *p = rd_bytes(r, len);
    if (!p || memchr(p, 0, len))
        return NULL;
    char *s = ndr_arena_alloc(arena, (size_t)len + 1);
    if (s)
        memcpy(s, p, len);
    return s;
}

/* The count, checked against the least bytes each entry takes. */
static bool read_count(struct buf_reader *r, size_t min_entry, size_t *count)
{
    uint32_t n = rd_u32(r);
    if (!rd_ok(r) || n > rd_remaining(r) / min_entry)
        return false;
    *count = n;
    return true;
}

NTSTATUS srv_live_parse_sessions(const uint8_t *data, size_t len, struct ndr_arena *arena,
                                 struct srvsvc_session **out, size_t *count)
{
    struct buf_reader r;
    rd_init(&r, data, len);
    size_t n;
    if (!read_count(&r, 28, &n))
        return STATUS_DATA_ERROR;
    struct srvsvc_session *s = ndr_arena_array(arena, n ? n : 1, sizeof *s);
    if (!s)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        s[i].id = rd_u32(&r);
        s[i].num_opens = rd_u32(&r);
        s[i].time = rd_u32(&r);
        s[i].idle_time = rd_u32(&r);
        s[i].user_flags = rd_u32(&r);
        s[i].client = read_string(&r, arena);
        s[i].user = read_string(&r, arena);
        s[i].client_type = read_string(&r, arena);
        s[i].transport = read_string(&r, arena);
        if (!rd_ok(&r) || !s[i].client || !s[i].user || !s[i].client_type || !s[i].transport)
            return STATUS_DATA_ERROR;
    }
    *out = s;
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS srv_live_parse_trees(const uint8_t *data, size_t len, struct ndr_arena *arena,
                              struct srvsvc_connection **out, size_t *count)
{
    struct buf_reader r;
    rd_init(&r, data, len);
    size_t n;
    if (!read_count(&r, 22, &n))
        return STATUS_DATA_ERROR;
    struct srvsvc_connection *c = ndr_arena_array(arena, n ? n : 1, sizeof *c);
    if (!c)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        c[i].id = rd_u32(&r);
        c[i].share_type = rd_u32(&r);
        c[i].num_opens = rd_u32(&r);
        c[i].time = rd_u32(&r);
        c[i].share = read_string(&r, arena);
        c[i].client = read_string(&r, arena);
        c[i].user = read_string(&r, arena);
        if (!rd_ok(&r) || !c[i].share || !c[i].client || !c[i].user)
            return STATUS_DATA_ERROR;
    }
    *out = c;
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS srv_live_parse_files(const uint8_t *data, size_t len, struct ndr_arena *arena,
                              struct srvsvc_file **out, size_t *count)
{
    struct buf_reader r;
    rd_init(&r, data, len);
    size_t n;
    if (!read_count(&r, 18, &n))
        return STATUS_DATA_ERROR;
    struct srvsvc_file *f = ndr_arena_array(arena, n ? n : 1, sizeof *f);
    if (!f)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
        f[i].id = rd_u32(&r);
        f[i].permissions = rd_u32(&r);
        f[i].num_locks = rd_u32(&r);
        f[i].path = read_string(&r, arena);
        f[i].share = read_string(&r, arena);
        f[i].user = read_string(&r, arena);
        if (!rd_ok(&r) || !f[i].path || !f[i].share || !f[i].user)
            return STATUS_DATA_ERROR;
    }
    *out = f;
    *count = n;
    return STATUS_SUCCESS;
}

static NTSTATUS open_srv(struct lwio_context *lwio, struct lwio_file **file)
{
    struct lwio_create_params params = {
        .path = "\\srv",
        .desired_access = FILE_GENERIC_READ,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        .create_disposition = FILE_OPEN,
    };
    struct io_status_block sb;
    return LwNtCreateFile(lwio, file, NULL, &sb, &params);
}

/* srv without these controls (or without \srv at all): nothing to report. */
static bool not_there(NTSTATUS status)
{
    return status == STATUS_INVALID_DEVICE_REQUEST || status == STATUS_NOT_SUPPORTED ||
           status == STATUS_NOT_IMPLEMENTED || status == STATUS_OBJECT_NAME_NOT_FOUND ||
           status == STATUS_OBJECT_PATH_NOT_FOUND || status == STATUS_NO_SUCH_DEVICE ||
           status == STATUS_DEVICE_DOES_NOT_EXIST;
}

NTSTATUS srv_live_query(struct lwio_context *lwio, uint32_t control, struct ndr_arena *arena, uint8_t **data,
                        size_t *len)
{
    static const uint8_t empty[4] = { 0, 0, 0, 0 }; /* count 0 */
    *data = (uint8_t *)empty;
    *len = sizeof empty;
    if (!lwio)
        return STATUS_SUCCESS;
    struct lwio_file *file = NULL;
    NTSTATUS status = open_srv(lwio, &file);
    if (status != STATUS_SUCCESS)
        return not_there(status) ? STATUS_SUCCESS : status;
    uint32_t size = 64u << 10;
    for (int attempt = 0; attempt < 4; attempt++) {
        uint8_t *buffer = ndr_arena_alloc(arena, size);
        if (!buffer) {
            status = STATUS_NO_MEMORY;
            break;
        }
        struct io_status_block sb;
        status = LwNtDeviceIoControlFile(file, NULL, &sb, control, NULL, 0, buffer, size);
        if (status == STATUS_SUCCESS) {
            *data = buffer;
            *len = sb.information <= size ? (size_t)sb.information : 0;
            break;
        }
        if (status != STATUS_BUFFER_TOO_SMALL || sb.information <= size || sb.information > LIVE_MAX)
            break;
        size = (uint32_t)sb.information;
    }
    struct io_status_block sb;
    LwNtClose(file, NULL, &sb);
    return not_there(status) ? STATUS_SUCCESS : status;
}

NTSTATUS srv_live_close(struct lwio_context *lwio, uint32_t control, uint32_t id)
{
    if (!lwio)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    struct lwio_file *file = NULL;
    NTSTATUS status = open_srv(lwio, &file);
    if (status != STATUS_SUCCESS)
        return not_there(status) ? STATUS_OBJECT_NAME_NOT_FOUND : status;
    uint8_t in[4];
    le32_store(in, id);
    struct io_status_block sb;
    status = LwNtDeviceIoControlFile(file, NULL, &sb, control, in, sizeof in, NULL, 0);
    LwNtClose(file, NULL, &sb);
    if (status == STATUS_NOT_FOUND || not_there(status))
        return STATUS_OBJECT_NAME_NOT_FOUND;
    return status;
}
