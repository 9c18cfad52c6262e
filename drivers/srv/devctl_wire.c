/* The wire format of the \srv device controls (devctl.h, docs/srvctl.md):
 * one codec for both sides. srv writes answers and reads requests; srvctl
 * writes requests and reads answers, which come from another process and
 * are read like anything else from outside: through the bounds-checked
 * reader, with every count checked against the bytes that could hold it
 * before anything is allocated. */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/devctl.h"

/* The fixed part of each record (before its strings), and its strings. */
#define SESSION_FIXED 48u
#define SESSION_STRINGS 3u
#define CONNECTION_FIXED 32u
#define CONNECTION_STRINGS 4u
#define FILE_FIXED 32u
#define FILE_STRINGS 6u

/* ---- Strings ---------------------------------------------------------------- */

/* A string: 16-bit byte length, UTF-8 bytes. Longer text is cut at a
 * character boundary (nothing srv lists comes near 64 KiB). */
static void write_string(struct buf *b, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    if (len > SRV_DEVCTL_MAX_STRING) {
        len = SRV_DEVCTL_MAX_STRING;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    wr_u16(b, (uint16_t)len);
    wr_bytes(b, text, len);
}

/* A new NUL-terminated copy, or NULL (reader failed) for a string that is
 * truncated or holds a NUL (which would silently shorten it). */
static char *read_string(struct buf_reader *r)
{
    uint16_t len = rd_u16(r);
    const uint8_t *bytes = rd_bytes(r, len);
    if (!bytes || memchr(bytes, 0, len)) {
        rd_fail(r);
        return NULL;
    }
    char *text = malloc((size_t)len + 1);
    if (!text) {
        rd_fail(r);
        return NULL;
    }
    memcpy(text, bytes, len);
    text[len] = 0;
    return text;
}

/* ---- Requests ----------------------------------------------------------------- */

/* Which arguments each control carries. */
static bool control_known(uint32_t control, bool *has_session, bool *has_file)
{
    *has_session = *has_file = false;
    switch (control) {
    case SRV_DEVCTL_ENUM_SESSIONS:
    case SRV_DEVCTL_ENUM_CONNECTIONS:
    case SRV_DEVCTL_ENUM_FILES:
    case SRV_DEVCTL_STATS:
    case SRV_DEVCTL_RELOAD_SHARES:
        return true;
    case SRV_DEVCTL_CLOSE_SESSION:
        *has_session = true;
        return true;
    case SRV_DEVCTL_CLOSE_FILE:
        *has_session = *has_file = true;
        return true;
    default:
        return false;
    }
}

void srv_devctl_request_write(struct buf *b, uint32_t control,
                              const struct srv_devctl_request *request)
{
    bool has_session, has_file;
    control_known(control, &has_session, &has_file);
    wr_u32(b, SRV_DEVCTL_VERSION);
    wr_u32(b, 0); /* reserved */
    if (has_session)
        wr_u64(b, request->session_id);
    if (has_file)
        wr_u64(b, request->file_id);
}

NTSTATUS srv_devctl_request_read(uint32_t control, const void *data, size_t size,
                                 struct srv_devctl_request *request)
{
    memset(request, 0, sizeof *request);
    bool has_session, has_file;
    if (!control_known(control, &has_session, &has_file))
        return STATUS_INVALID_PARAMETER;
    struct buf_reader r;
    rd_init(&r, data, size);
    uint32_t version = rd_u32(&r);
    rd_u32(&r); /* reserved */
    if (rd_ok(&r) && version != SRV_DEVCTL_VERSION)
        return STATUS_REVISION_MISMATCH;
    if (has_session)
        request->session_id = rd_u64(&r);
    if (has_file)
        request->file_id = rd_u64(&r);
    if (!rd_ok(&r)) {
        memset(request, 0, sizeof *request);
        return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* ---- Writing answers ------------------------------------------------------------ */

size_t srv_devctl_list_begin(struct buf *b)
{
    size_t begin = b->len;
    wr_u32(b, SRV_DEVCTL_VERSION);
    wr_u32(b, 0); /* the count, patched by srv_devctl_list_end */
    return begin;
}

void srv_devctl_list_end(struct buf *b, size_t begin, uint32_t count)
{
    wr_put_u32_at(b, begin + 4, count);
}

/* A record is its length, then its fields: records_begin reserves the length,
 * record_end patches it. */
static size_t record_begin(struct buf *b)
{
    return wr_reserve(b, 4);
}

static void record_end(struct buf *b, size_t at)
{
    if (wr_ok(b))
        wr_put_u32_at(b, at, (uint32_t)(b->len - at - 4));
}

void srv_devctl_write_session(struct buf *b, const struct srvctl_session *s)
{
    size_t at = record_begin(b);
    wr_u64(b, s->id);
    wr_u16(b, s->dialect);
    wr_u16(b, s->cipher);
    wr_u16(b, s->signing_algorithm);
    wr_u16(b, s->client_port);
    wr_u32(b, s->flags);
    wr_u32(b, s->open_count);
    wr_u32(b, s->tree_count);
    wr_u32(b, 0); /* reserved */
    wr_u64(b, (uint64_t)s->logon_time);
    wr_u64(b, (uint64_t)s->last_active_time);
    write_string(b, s->user);
    write_string(b, s->domain);
    write_string(b, s->client);
    record_end(b, at);
}

void srv_devctl_write_connection(struct buf *b, const struct srvctl_connection *c)
{
    size_t at = record_begin(b);
    wr_u64(b, c->session_id);
    wr_u32(b, c->tree_id);
    wr_u32(b, c->share_type);
    wr_u32(b, c->open_count);
    wr_u32(b, c->flags); /* was reserved (0) before SRVCTL_CONNECTION_ENCRYPTED */
    wr_u64(b, (uint64_t)c->connect_time);
    write_string(b, c->share);
    write_string(b, c->user);
    write_string(b, c->domain);
    write_string(b, c->client);
    record_end(b, at);
}

void srv_devctl_write_file(struct buf *b, const struct srvctl_file *f)
{
    size_t at = record_begin(b);
    wr_u64(b, f->id);
    wr_u64(b, f->session_id);
    wr_u32(b, f->tree_id);
    wr_u32(b, f->flags);
    wr_u32(b, f->granted_access);
    wr_u32(b, f->lock_count);
    write_string(b, f->share);
    write_string(b, f->path);
    write_string(b, f->local_path);
    write_string(b, f->user);
    write_string(b, f->domain);
    write_string(b, f->client);
    record_end(b, at);
}

void srv_devctl_write_result(struct buf *b, uint32_t affected)
{
    wr_u32(b, SRV_DEVCTL_VERSION);
    wr_u32(b, affected);
}

/* ---- Reading answers ------------------------------------------------------------- */

static bool read_session(struct buf_reader *r, void *item)
{
    struct srvctl_session *s = item;
    s->id = rd_u64(r);
    s->dialect = rd_u16(r);
    s->cipher = rd_u16(r);
    s->signing_algorithm = rd_u16(r);
    s->client_port = rd_u16(r);
    s->flags = rd_u32(r);
    s->open_count = rd_u32(r);
    s->tree_count = rd_u32(r);
    rd_u32(r);
    s->logon_time = (int64_t)rd_u64(r);
    s->last_active_time = (int64_t)rd_u64(r);
    s->user = read_string(r);
    s->domain = read_string(r);
    s->client = read_string(r);
    return rd_ok(r);
}

static void free_session(void *item)
{
    struct srvctl_session *s = item;
    free(s->user);
    free(s->domain);
    free(s->client);
}

static bool read_connection(struct buf_reader *r, void *item)
{
    struct srvctl_connection *c = item;
    c->session_id = rd_u64(r);
    c->tree_id = rd_u32(r);
    c->share_type = rd_u32(r);
    c->open_count = rd_u32(r);
    c->flags = rd_u32(r);
    c->connect_time = (int64_t)rd_u64(r);
    c->share = read_string(r);
    c->user = read_string(r);
    c->domain = read_string(r);
    c->client = read_string(r);
    return rd_ok(r);
}

static void free_connection(void *item)
{
    struct srvctl_connection *c = item;
    free(c->share);
    free(c->user);
    free(c->domain);
    free(c->client);
}

static bool read_file(struct buf_reader *r, void *item)
{
    struct srvctl_file *f = item;
    f->id = rd_u64(r);
    f->session_id = rd_u64(r);
    f->tree_id = rd_u32(r);
    f->flags = rd_u32(r);
    f->granted_access = rd_u32(r);
    f->lock_count = rd_u32(r);
    f->share = read_string(r);
    f->path = read_string(r);
    f->local_path = read_string(r);
    f->user = read_string(r);
    f->domain = read_string(r);
    f->client = read_string(r);
    return rd_ok(r);
}

static void free_file(void *item)
{
    struct srvctl_file *f = item;
    free(f->share);
    free(f->path);
    free(f->local_path);
    free(f->user);
    free(f->domain);
    free(f->client);
}

struct record_kind {
    size_t item_size;
    size_t min_record;          /* fixed part + an empty string each */
    bool (*read)(struct buf_reader *r, void *item);
    void (*free)(void *item);
};

static const struct record_kind session_kind = {
    sizeof(struct srvctl_session), SESSION_FIXED + 2 * SESSION_STRINGS, read_session,
    free_session,
};
static const struct record_kind connection_kind = {
    sizeof(struct srvctl_connection), CONNECTION_FIXED + 2 * CONNECTION_STRINGS,
    read_connection, free_connection,
};
static const struct record_kind file_kind = {
    sizeof(struct srvctl_file), FILE_FIXED + 2 * FILE_STRINGS, read_file, free_file,
};

static void free_items(const struct record_kind *kind, void *items, size_t count)
{
    for (size_t i = 0; items && i < count; i++)
        kind->free((uint8_t *)items + i * kind->item_size);
    free(items);
}

static NTSTATUS read_list(const struct record_kind *kind, const void *data, size_t size,
                          void **out, size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct buf_reader r;
    rd_init(&r, data, size);
    uint32_t version = rd_u32(&r);
    uint32_t count = rd_u32(&r);
    if (!rd_ok(&r))
        return STATUS_INVALID_NETWORK_RESPONSE;
    if (version != SRV_DEVCTL_VERSION)
        return STATUS_REVISION_MISMATCH;
    /* Every record takes at least its length and its fixed part: a count the
     * bytes cannot hold is refused before anything is allocated. */
    if (size > SRV_DEVCTL_MAX_ANSWER || count > SRV_DEVCTL_MAX_RECORDS ||
        count > rd_remaining(&r) / (4 + kind->min_record))
        return STATUS_INVALID_NETWORK_RESPONSE;
    uint8_t *items = calloc(count ? count : 1, kind->item_size);
    if (!items)
        return STATUS_NO_MEMORY;
    NTSTATUS status = STATUS_SUCCESS;
    size_t done = 0;
    for (; done < count; done++) {
        uint32_t len = rd_u32(&r);
        struct buf_reader record = rd_sub(&r, r.pos, len);
        rd_skip(&r, len);
        void *item = items + done * kind->item_size;
        bool ok = rd_ok(&r) && len >= kind->min_record && kind->read(&record, item);
        if (!ok) {
            kind->free(item);
            status = STATUS_INVALID_NETWORK_RESPONSE;
            break;
        }
        /* Bytes after the known fields belong to a newer server: skipped. */
    }
    if (status == STATUS_SUCCESS && rd_remaining(&r) != 0)
        status = STATUS_INVALID_NETWORK_RESPONSE;
    if (status != STATUS_SUCCESS) {
        free_items(kind, items, done);
        return status;
    }
    *out = items;
    *out_count = count;
    return STATUS_SUCCESS;
}

NTSTATUS srv_devctl_read_sessions(const void *data, size_t size,
                                  struct srvctl_session **sessions, size_t *count)
{
    void *items;
    NTSTATUS status = read_list(&session_kind, data, size, &items, count);
    *sessions = items;
    return status;
}

NTSTATUS srv_devctl_read_connections(const void *data, size_t size,
                                     struct srvctl_connection **connections, size_t *count)
{
    void *items;
    NTSTATUS status = read_list(&connection_kind, data, size, &items, count);
    *connections = items;
    return status;
}

NTSTATUS srv_devctl_read_files(const void *data, size_t size, struct srvctl_file **files,
                               size_t *count)
{
    void *items;
    NTSTATUS status = read_list(&file_kind, data, size, &items, count);
    *files = items;
    return status;
}

NTSTATUS srv_devctl_read_result(const void *data, size_t size, uint32_t *affected)
{
    struct buf_reader r;
    rd_init(&r, data, size);
    uint32_t version = rd_u32(&r);
    *affected = rd_u32(&r);
    if (!rd_ok(&r)) {
        *affected = 0;
        return STATUS_INVALID_NETWORK_RESPONSE;
    }
    if (version != SRV_DEVCTL_VERSION) {
        *affected = 0;
        return STATUS_REVISION_MISMATCH;
    }
    return STATUS_SUCCESS;
}

void srv_devctl_free_sessions(struct srvctl_session *sessions, size_t count)
{
    free_items(&session_kind, sessions, count);
}

void srv_devctl_free_connections(struct srvctl_connection *connections, size_t count)
{
    free_items(&connection_kind, connections, count);
}

void srv_devctl_free_files(struct srvctl_file *files, size_t count)
{
    free_items(&file_kind, files, count);
}
