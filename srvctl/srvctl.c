/* srvctl: the \srv device controls over the lwio client library (srvctl.h).
 * Each call is one synchronous device control; a listing that does not fit
 * the buffer is asked again with the size srv said it needs. The listings'
 * format is srvsvcd's (srvsvc/srv_live.h) and is read with srvsvc's parsers,
 * so one reader serves both; this file turns the result into srvctl's
 * structures (user and domain apart, the dialect as a number). */
#include <stdlib.h>
#include <string.h>

#include "dcerpc/ndr.h"
#include "drivers/srv/devctl.h"
#include "lwiod/client/lwio.h"
#include "srvctl/srvctl.h"
#include "srvsvc/srv_live.h"

/* The largest answer accepted: a busy server's open files, with room. */
#define ANSWER_MAX (16u << 20)

struct srvctl {
    struct lwio_context *lwio;
    struct lwio_file *device;   /* \srv */
};

bool srvctl_server_not_running(NTSTATUS status)
{
    return status == STATUS_PORT_DISCONNECTED || status == STATUS_NO_SUCH_DEVICE;
}

const char *srvctl_status_message(NTSTATUS status)
{
    switch (status) {
    case STATUS_PORT_DISCONNECTED:
        return "the SMB server is not running (no lwiod for this registry)";
    case STATUS_NO_SUCH_DEVICE:
        return "the SMB server is not running (lwiod runs without the srv driver)";
    case STATUS_CONNECTION_DISCONNECTED:
        return "lwiod went away during the call";
    case STATUS_ACCESS_DENIED:
        return "access denied (only root may see and change the server's live state)";
    case STATUS_NOT_FOUND:
        return "no such session or open file";
    case STATUS_INVALID_NETWORK_RESPONSE:
        return "the server answered something malformed";
    case STATUS_REVISION_MISMATCH:
        return "the server speaks another version of the control format";
    default:
        return NULL;
    }
}

NTSTATUS srvctl_open(const char *db_path, struct srvctl **out)
{
    *out = NULL;
    struct srvctl *ctl = calloc(1, sizeof *ctl);
    if (!ctl)
        return STATUS_NO_MEMORY;
    NTSTATUS status = LwIoConnect(db_path, &ctl->lwio);
    if (status != STATUS_SUCCESS)
        goto fail;
    struct lwio_create_params params = {
        .path = "\\srv",
        .desired_access = FILE_GENERIC_READ,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        .create_disposition = FILE_OPEN,
    };
    struct io_status_block iosb;
    status = LwNtCreateFile(ctl->lwio, &ctl->device, NULL, &iosb, &params);
    /* No \srv device: lwiod runs, but without the SMB server. */
    if (status == STATUS_OBJECT_PATH_NOT_FOUND || status == STATUS_OBJECT_NAME_NOT_FOUND)
        status = STATUS_NO_SUCH_DEVICE;
    if (status != STATUS_SUCCESS)
        goto fail;
    *out = ctl;
    return STATUS_SUCCESS;
fail:
    srvctl_close(ctl);
    return status;
}

void srvctl_close(struct srvctl *ctl)
{
    if (!ctl)
        return;
    if (ctl->device) {
        struct io_status_block iosb;
        LwNtClose(ctl->device, NULL, &iosb);
    }
    if (ctl->lwio)
        LwIoDisconnect(ctl->lwio);
    free(ctl);
}

/* One control with its input; the answer (if any is wanted) in a new buffer. */
static NTSTATUS call(struct srvctl *ctl, uint32_t control, const void *input, size_t input_len,
                     uint8_t **answer, size_t *size)
{
    *answer = NULL;
    *size = 0;
    if (!ctl)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = STATUS_SUCCESS;
    uint32_t length = 64 * 1024;
    /* Another session may log on between asking the size and asking again:
     * a few rounds, each with room to spare. */
    for (int attempt = 0; attempt < 4; attempt++) {
        uint8_t *buffer = malloc(length);
        if (!buffer) {
            status = STATUS_NO_MEMORY;
            break;
        }
        struct io_status_block iosb = { 0 };
        status = LwNtDeviceIoControlFile(ctl->device, NULL, &iosb, control, input,
                                         (uint32_t)input_len, buffer, length);
        if (status == STATUS_SUCCESS) {
            *answer = buffer;
            *size = iosb.information <= length ? (size_t)iosb.information : length;
            break;
        }
        free(buffer);
        if (status != STATUS_BUFFER_TOO_SMALL)
            break;
        if (iosb.information <= length || iosb.information > ANSWER_MAX) {
            status = STATUS_INVALID_NETWORK_RESPONSE;
            break;
        }
        uint64_t wanted = iosb.information + iosb.information / 4;
        length = wanted > ANSWER_MAX ? ANSWER_MAX : (uint32_t)wanted;
    }
    /* lwiod shut srv down meanwhile. */
    if (status == STATUS_FILE_CLOSED || status == STATUS_INVALID_DEVICE_STATE)
        status = STATUS_NO_SUCH_DEVICE;
    return status;
}

/* ---- Reading the listings ------------------------------------------------------ */

static char *copy(const char *text)
{
    return strdup(text ? text : "");
}

/* srv's "DOMAIN\user" into its parts (new strings; false without memory). */
static bool split_user(const char *name, char **domain, char **user)
{
    const char *slash = name ? strchr(name, '\\') : NULL;
    *domain = slash ? strndup(name, (size_t)(slash - name)) : strdup("");
    *user = copy(slash ? slash + 1 : name);
    return *domain && *user;
}

/* "SMB 3.1.1" (srvsvc's client type) to 0x0311; 0 if it is none of ours. */
static uint16_t dialect_from_text(const char *text)
{
    static const struct { const char *name; uint16_t dialect; } names[] = {
        { "SMB 2.0.2", 0x0202 }, { "SMB 2.1", 0x0210 }, { "SMB 3.0", 0x0300 },
        { "SMB 3.0.2", 0x0302 }, { "SMB 3.1.1", 0x0311 },
    };
    for (size_t i = 0; text && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(text, names[i].name) == 0)
            return names[i].dialect;
    return 0;
}

/* An arena for srvsvc's parser: what an answer of this size can need (its
 * array, at most one entry per minimal record, and copies of its strings). */
static struct ndr_arena *arena_for(size_t size)
{
    return ndr_arena_new(size * 8 + 64 * 1024);
}

NTSTATUS srvctl_parse_sessions(const void *data, size_t size, struct srvctl_session **out,
                               size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct ndr_arena *arena = size <= ANSWER_MAX ? arena_for(size) : NULL;
    struct srvsvc_session *in = NULL;
    size_t count = 0;
    NTSTATUS status = !arena ? (size <= ANSWER_MAX ? STATUS_NO_MEMORY
                                                   : STATUS_INVALID_NETWORK_RESPONSE)
                             : srv_live_parse_sessions(data, size, arena, &in, &count);
    if (status == STATUS_DATA_ERROR)
        status = STATUS_INVALID_NETWORK_RESPONSE;
    struct srvctl_session *s = NULL;
    if (status == STATUS_SUCCESS && !(s = calloc(count ? count : 1, sizeof *s)))
        status = STATUS_NO_MEMORY;
    size_t done = 0;
    for (; status == STATUS_SUCCESS && done < count; done++) {
        struct srvctl_session *o = &s[done];
        o->id = in[done].id;
        o->client = copy(in[done].client);
        if (!split_user(in[done].user, &o->domain, &o->user) || !o->client) {
            done++; /* free this one too */
            status = STATUS_NO_MEMORY;
            break;
        }
        o->dialect = dialect_from_text(in[done].client_type);
        o->flags = (in[done].user_flags & SESS_GUEST ? SRVCTL_SESSION_GUEST : 0) |
                   (in[done].user_flags & SESS_NOENCRYPTION ? 0 : SRVCTL_SESSION_ENCRYPTED) |
                   (!o->user[0] ? SRVCTL_SESSION_ANONYMOUS : 0);
        o->open_count = in[done].num_opens;
        o->connected_seconds = in[done].time;
        o->idle_seconds = in[done].idle_time;
    }
    ndr_arena_free(arena);
    if (status != STATUS_SUCCESS) {
        srvctl_sessions_free(s, done);
        return status;
    }
    *out = s;
    *out_count = count;
    return STATUS_SUCCESS;
}

NTSTATUS srvctl_parse_connections(const void *data, size_t size, struct srvctl_connection **out,
                                  size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct ndr_arena *arena = size <= ANSWER_MAX ? arena_for(size) : NULL;
    struct srvsvc_connection *in = NULL;
    size_t count = 0;
    NTSTATUS status = !arena ? (size <= ANSWER_MAX ? STATUS_NO_MEMORY
                                                   : STATUS_INVALID_NETWORK_RESPONSE)
                             : srv_live_parse_trees(data, size, arena, &in, &count);
    if (status == STATUS_DATA_ERROR)
        status = STATUS_INVALID_NETWORK_RESPONSE;
    struct srvctl_connection *c = NULL;
    if (status == STATUS_SUCCESS && !(c = calloc(count ? count : 1, sizeof *c)))
        status = STATUS_NO_MEMORY;
    size_t done = 0;
    for (; status == STATUS_SUCCESS && done < count; done++) {
        struct srvctl_connection *o = &c[done];
        o->id = in[done].id;
        o->share_type = (in[done].share_type & 0xFF) == STYPE_IPC ? SRVCTL_SHARE_PIPE
                                                                  : SRVCTL_SHARE_DISK;
        o->share = copy(in[done].share);
        o->client = copy(in[done].client);
        if (!split_user(in[done].user, &o->domain, &o->user) || !o->share || !o->client) {
            done++;
            status = STATUS_NO_MEMORY;
            break;
        }
        o->open_count = in[done].num_opens;
        o->connected_seconds = in[done].time;
    }
    ndr_arena_free(arena);
    if (status != STATUS_SUCCESS) {
        srvctl_connections_free(c, done);
        return status;
    }
    *out = c;
    *out_count = count;
    return STATUS_SUCCESS;
}

NTSTATUS srvctl_parse_files(const void *data, size_t size, struct srvctl_file **out,
                            size_t *out_count)
{
    *out = NULL;
    *out_count = 0;
    struct ndr_arena *arena = size <= ANSWER_MAX ? arena_for(size) : NULL;
    struct srvsvc_file *in = NULL;
    size_t count = 0;
    NTSTATUS status = !arena ? (size <= ANSWER_MAX ? STATUS_NO_MEMORY
                                                   : STATUS_INVALID_NETWORK_RESPONSE)
                             : srv_live_parse_files(data, size, arena, &in, &count);
    if (status == STATUS_DATA_ERROR)
        status = STATUS_INVALID_NETWORK_RESPONSE;
    struct srvctl_file *f = NULL;
    if (status == STATUS_SUCCESS && !(f = calloc(count ? count : 1, sizeof *f)))
        status = STATUS_NO_MEMORY;
    size_t done = 0;
    for (; status == STATUS_SUCCESS && done < count; done++) {
        struct srvctl_file *o = &f[done];
        o->id = in[done].id;
        o->path = copy(in[done].path);
        o->share = copy(in[done].share);
        if (!split_user(in[done].user, &o->domain, &o->user) || !o->path || !o->share) {
            done++;
            status = STATUS_NO_MEMORY;
            break;
        }
        /* srv names a pipe's open as Windows does, \PIPE\name. */
        o->flags = (in[done].permissions &
                    (SRVCTL_FILE_READ | SRVCTL_FILE_WRITE | SRVCTL_FILE_CREATE)) |
                   (strncmp(o->path, "\\PIPE\\", 6) == 0 ? SRVCTL_FILE_PIPE : 0);
        o->lock_count = in[done].num_locks;
    }
    ndr_arena_free(arena);
    if (status != STATUS_SUCCESS) {
        srvctl_files_free(f, done);
        return status;
    }
    *out = f;
    *out_count = count;
    return STATUS_SUCCESS;
}

void srvctl_sessions_free(struct srvctl_session *sessions, size_t count)
{
    for (size_t i = 0; sessions && i < count; i++) {
        free(sessions[i].user);
        free(sessions[i].domain);
        free(sessions[i].client);
    }
    free(sessions);
}

void srvctl_connections_free(struct srvctl_connection *connections, size_t count)
{
    for (size_t i = 0; connections && i < count; i++) {
        free(connections[i].share);
        free(connections[i].user);
        free(connections[i].domain);
        free(connections[i].client);
    }
    free(connections);
}

void srvctl_files_free(struct srvctl_file *files, size_t count)
{
    for (size_t i = 0; files && i < count; i++) {
        free(files[i].path);
        free(files[i].share);
        free(files[i].user);
        free(files[i].domain);
    }
    free(files);
}

/* ---- The calls ------------------------------------------------------------------- */

NTSTATUS srvctl_sessions(struct srvctl *ctl, struct srvctl_session **sessions, size_t *count)
{
    uint8_t *answer;
    size_t size;
    *sessions = NULL;
    *count = 0;
    NTSTATUS status = call(ctl, SRV_IOCTL_ENUM_SESSIONS, NULL, 0, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srvctl_parse_sessions(answer, size, sessions, count);
    free(answer);
    return status;
}

NTSTATUS srvctl_connections(struct srvctl *ctl, struct srvctl_connection **connections,
                            size_t *count)
{
    uint8_t *answer;
    size_t size;
    *connections = NULL;
    *count = 0;
    NTSTATUS status = call(ctl, SRV_IOCTL_ENUM_TREES, NULL, 0, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srvctl_parse_connections(answer, size, connections, count);
    free(answer);
    return status;
}

NTSTATUS srvctl_files(struct srvctl *ctl, struct srvctl_file **files, size_t *count)
{
    uint8_t *answer;
    size_t size;
    *files = NULL;
    *count = 0;
    NTSTATUS status = call(ctl, SRV_IOCTL_ENUM_FILES, NULL, 0, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srvctl_parse_files(answer, size, files, count);
    free(answer);
    return status;
}

/* A close of srv_live.h: the id in, nothing out. */
static NTSTATUS close_one(struct srvctl *ctl, uint32_t control, uint32_t id)
{
    uint8_t in[4], *answer;
    size_t size;
    le32_store(in, id);
    NTSTATUS status = call(ctl, control, in, sizeof in, &answer, &size);
    free(answer);
    return status;
}

NTSTATUS srvctl_close_session(struct srvctl *ctl, uint32_t session_id)
{
    return close_one(ctl, SRV_IOCTL_CLOSE_SESSION, session_id);
}

NTSTATUS srvctl_close_file(struct srvctl *ctl, uint32_t file_id)
{
    return close_one(ctl, SRV_IOCTL_CLOSE_FILE, file_id);
}

NTSTATUS srvctl_reload_shares(struct srvctl *ctl, uint32_t *dropped)
{
    struct buf in;
    buf_init(&in);
    srv_devctl_request_write(&in, SRV_DEVCTL_RELOAD_SHARES);
    uint8_t *answer = NULL;
    size_t size = 0;
    uint32_t n = 0;
    NTSTATUS status = wr_ok(&in) ? call(ctl, SRV_DEVCTL_RELOAD_SHARES, in.data, in.len, &answer,
                                        &size)
                                 : STATUS_NO_MEMORY;
    if (status == STATUS_SUCCESS)
        status = srv_devctl_read_result(answer, size, &n);
    free(answer);
    buf_free(&in);
    if (dropped)
        *dropped = n;
    return status;
}

const char *srvctl_dialect_name(uint16_t dialect)
{
    switch (dialect) {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0311: return "3.1.1";
    default: return "?";
    }
}
