/* srvctl: the \srv device controls over the lwio client library (srvctl.h).
 * Each call is one synchronous device control; a listing that does not fit
 * the buffer is asked again with the size srv said it needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/devctl.h"
#include "lib/samples.h"
#include "lwiod/client/lwio.h"
#include "srvctl/srvctl.h"

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
        return "access denied (only root, SYSTEM or Administrators may do this)";
    case STATUS_NOT_FOUND:
        return "no such session or open file";
    case STATUS_OBJECT_NAME_COLLISION:
        return "that file id is open in several sessions; name the session";
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
        .desired_access = FILE_READ_DATA | FILE_WRITE_DATA,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
        .create_disposition = FILE_OPEN,
    };
    struct io_status_block iosb;
    status = LwNtCreateFile(ctl->lwio, &ctl->device, NULL, &iosb, &params);
    /* No \srv device: lwiod runs, but without the SMB server. */
    if (status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND)
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

/* One control: the request is written here, the answer is returned in a new
 * buffer (*answer, *size). */
static NTSTATUS call(struct srvctl *ctl, uint32_t control, const struct srv_devctl_request *req,
                     uint8_t **answer, size_t *size)
{
    *answer = NULL;
    *size = 0;
    if (!ctl)
        return STATUS_INVALID_PARAMETER;
    struct buf in;
    buf_init(&in);
    srv_devctl_request_write(&in, control, req);
    NTSTATUS status = wr_ok(&in) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    uint32_t length = 64 * 1024;
    /* Another session may log on between asking the size and asking again:
     * a few rounds, each with room to spare. */
    for (int attempt = 0; status == STATUS_SUCCESS && attempt < 4; attempt++) {
        uint8_t *buffer = malloc(length);
        if (!buffer) {
            status = STATUS_NO_MEMORY;
            break;
        }
        struct io_status_block iosb = { 0 };
        status = LwNtDeviceIoControlFile(ctl->device, NULL, &iosb, control, in.data,
                                         (uint32_t)in.len, buffer, length);
        if (status == STATUS_SUCCESS) {
            *answer = buffer;
            *size = iosb.information <= length ? (size_t)iosb.information : length;
            break;
        }
        free(buffer);
        if (status != STATUS_BUFFER_TOO_SMALL)
            break;
        if (iosb.information <= length || iosb.information > SRV_DEVCTL_MAX_ANSWER) {
            status = STATUS_INVALID_NETWORK_RESPONSE;
            break;
        }
        uint64_t wanted = iosb.information + iosb.information / 4;
        length = wanted > SRV_DEVCTL_MAX_ANSWER ? SRV_DEVCTL_MAX_ANSWER : (uint32_t)wanted;
    }
    buf_free(&in);
    /* lwiod stopped or srv went away meanwhile. */
    if (status == STATUS_FILE_CLOSED)
        status = STATUS_NO_SUCH_DEVICE;
    return status;
}

NTSTATUS srvctl_sessions(struct srvctl *ctl, struct srvctl_session **sessions, size_t *count)
{
    uint8_t *answer;
    size_t size;
    *sessions = NULL;
    *count = 0;
    struct srv_devctl_request req = { 0 };
    NTSTATUS status = call(ctl, SRV_DEVCTL_ENUM_SESSIONS, &req, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srv_devctl_read_sessions(answer, size, sessions, count);
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
    struct srv_devctl_request req = { 0 };
    NTSTATUS status = call(ctl, SRV_DEVCTL_ENUM_CONNECTIONS, &req, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srv_devctl_read_connections(answer, size, connections, count);
    free(answer);
    return status;
}

NTSTATUS srvctl_files(struct srvctl *ctl, struct srvctl_file **files, size_t *count)
{
    uint8_t *answer;
    size_t size;
    *files = NULL;
    *count = 0;
    struct srv_devctl_request req = { 0 };
    NTSTATUS status = call(ctl, SRV_DEVCTL_ENUM_FILES, &req, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srv_devctl_read_files(answer, size, files, count);
    free(answer);
    return status;
}

NTSTATUS srvctl_stats(struct srvctl *ctl, struct sample_list *samples)
{
    uint8_t *answer;
    size_t size;
    struct srv_devctl_request req = { 0 };
    NTSTATUS status = call(ctl, SRV_DEVCTL_STATS, &req, &answer, &size);
    if (status == STATUS_SUCCESS) {
        struct buf_reader r;
        rd_init(&r, answer, size);
        uint32_t version = rd_u32(&r);
        struct sample_list got;
        if (!rd_ok(&r))
            status = STATUS_INVALID_NETWORK_RESPONSE;
        else if (version != SRV_DEVCTL_VERSION)
            status = STATUS_REVISION_MISMATCH;
        else
            status = sample_list_read(answer + 4, size - 4, &got);
        if (status == STATUS_SUCCESS)
            sample_list_move(samples, &got);
    }
    free(answer);
    return status;
}

void srvctl_sessions_free(struct srvctl_session *sessions, size_t count)
{
    srv_devctl_free_sessions(sessions, count);
}

void srvctl_connections_free(struct srvctl_connection *connections, size_t count)
{
    srv_devctl_free_connections(connections, count);
}

void srvctl_files_free(struct srvctl_file *files, size_t count)
{
    srv_devctl_free_files(files, count);
}

/* A close or reload: the answer is the number of objects affected. */
static NTSTATUS change(struct srvctl *ctl, uint32_t control, const struct srv_devctl_request *req,
                       uint32_t *affected)
{
    uint8_t *answer;
    size_t size;
    uint32_t n = 0;
    NTSTATUS status = call(ctl, control, req, &answer, &size);
    if (status == STATUS_SUCCESS)
        status = srv_devctl_read_result(answer, size, &n);
    free(answer);
    if (affected)
        *affected = n;
    return status;
}

NTSTATUS srvctl_close_session(struct srvctl *ctl, uint64_t session_id)
{
    struct srv_devctl_request req = { .session_id = session_id };
    return change(ctl, SRV_DEVCTL_CLOSE_SESSION, &req, NULL);
}

NTSTATUS srvctl_close_file(struct srvctl *ctl, uint64_t session_id, uint64_t file_id)
{
    struct srv_devctl_request req = { .session_id = session_id, .file_id = file_id };
    return change(ctl, SRV_DEVCTL_CLOSE_FILE, &req, NULL);
}

NTSTATUS srvctl_reload_shares(struct srvctl *ctl, uint32_t *dropped)
{
    struct srv_devctl_request req = { 0 };
    return change(ctl, SRV_DEVCTL_RELOAD_SHARES, &req, dropped);
}

/* ---- Names ------------------------------------------------------------------- */

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

const char *srvctl_cipher_name(uint16_t cipher)
{
    switch (cipher) {
    case 0x0001: return "AES-128-CCM";
    case 0x0002: return "AES-128-GCM";
    case 0x0003: return "AES-256-CCM";
    case 0x0004: return "AES-256-GCM";
    default: return "";
    }
}

const char *srvctl_signing_name(uint16_t algorithm)
{
    switch (algorithm) {
    case 0x0000: return "HMAC-SHA256";
    case 0x0001: return "AES-CMAC";
    case 0x0002: return "AES-GMAC";
    default: return "?";
    }
}

char *srvctl_session_shares_text(const struct srvctl_connection *conns, size_t count,
                                 uint64_t session)
{
    size_t size = 1;
    for (size_t i = 0; i < count; i++)
        if (conns[i].session_id == session)
            size += strlen(conns[i].share) + sizeof ", (encrypted)";
    char *out = malloc(size);
    if (!out)
        return NULL;
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < count; i++) {
        if (conns[i].session_id != session)
            continue;
        int n = snprintf(out + used, size - used, "%s%s%s", used ? "," : "", conns[i].share,
                         (conns[i].flags & SRVCTL_CONNECTION_ENCRYPTED) ? " (encrypted)" : "");
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return out;
}
