/* The durable parts of SMB2 CREATE ([MS-SMB2] 3.3.5.9.6, 3.3.5.9.7,
 * 3.3.5.9.10, 3.3.5.9.12, 3.3.5.9.13): the DHnQ, DHnC, DH2Q, DH2C and
 * AppInstanceId contexts, reclaiming a disconnected durable open, and
 * answering a replayed CREATE. The opens themselves are durable.c's. */
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/smb2/create.h"
#include "lib/log.h"
#include "lib/utf16.h"

#define STATUS_DUPLICATE_OBJECTID ((NTSTATUS)0xC000022Au)

/* SMB2_CREATE_APP_INSTANCE_ID's name (2.2.13.2.13), a GUID as bytes. */
static const uint8_t app_instance_tag[16] = { 0x45, 0xBC, 0xA6, 0x6A, 0xEF, 0xA7, 0xF7, 0x4A,
                                              0x90, 0x08, 0xFA, 0x46, 0x2E, 0x14, 0x4D, 0x74 };

NTSTATUS smb2_create_app_instance_context(const uint8_t *name, struct buf_reader data,
                                          uint32_t data_length, struct create_state *st)
{
    if (!name || memcmp(name, app_instance_tag, 16) != 0)
        return STATUS_SUCCESS; /* another GUID-named context: not srv's */
    /* StructureSize (20), Reserved, AppInstanceId */
    if (data_length != 20 || rd_u16(&data) != 20)
        return STATUS_INVALID_PARAMETER;
    rd_skip(&data, 2);
    memcpy(st->app_instance_id, rd_bytes(&data, 16), 16);
    st->has_app_instance = true;
    return STATUS_SUCCESS;
}

NTSTATUS smb2_create_durable_context(const uint8_t *tag, struct buf_reader data,
                                     uint32_t data_length, struct create_state *st)
{
    /* 2.2.13.2.3, .4, .11, .12: fixed sizes. */
    if (memcmp(tag, "DHnQ", 4) == 0) {
        if (data_length != 16)
            return STATUS_INVALID_PARAMETER;
        st->dhnq = true;
    } else if (memcmp(tag, "DHnC", 4) == 0) {
        if (data_length != 16)
            return STATUS_INVALID_PARAMETER;
        st->reclaim_persistent = rd_u64(&data);
        st->dhnc = true;
    } else if (memcmp(tag, "DH2Q", 4) == 0) {
        if (data_length != 32)
            return STATUS_INVALID_PARAMETER;
        st->dh2q_timeout = rd_u32(&data);
        rd_skip(&data, 4 + 8); /* Flags (no persistent handles), Reserved */
        memcpy(st->create_guid, rd_bytes(&data, 16), 16);
        st->dh2q = true;
    } else if (memcmp(tag, "DH2C", 4) == 0) {
        if (data_length != 36)
            return STATUS_INVALID_PARAMETER;
        st->reclaim_persistent = rd_u64(&data);
        rd_skip(&data, 8);
        memcpy(st->create_guid, rd_bytes(&data, 16), 16);
        st->dh2c = true;
    }
    return STATUS_SUCCESS;
}

/* Which durable contexts count (3.3.5.9.6, .7, .10, .12): the v2 ones only
 * from SMB 3.0 on; combinations a client may not send are refused. Also
 * notes who asks (Open.DurableOwner, Open.ClientGuid). */
NTSTATUS smb2_create_durable_contexts(struct smb2_request *req, struct create_state *st)
{
    struct srv_session *s = req->session;
    pthread_mutex_lock(&s->lock);
    uint16_t dialect = s->dialect;
    if (s->token) {
        st->user = s->token->user;
        st->have_user = !s->is_anonymous && !s->is_guest;
    }
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_lock(&req->conn->lock);
    memcpy(st->client_guid, req->conn->client_guid, 16);
    pthread_mutex_unlock(&req->conn->lock);
    if (!SMB2_DIALECT_IS_3(dialect))
        st->dh2q = st->dh2c = false;
    if (st->dh2q && (st->dhnq || st->dhnc))
        return STATUS_INVALID_PARAMETER;
    if (st->dh2c && (st->dhnq || st->dhnc || st->dh2q))
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

/* The response for an open that exists already (reclaimed or replayed):
 * its attributes, as FILE_OPENED. */
static NTSTATUS answer_existing(struct smb2_request *req, struct create_state *st,
                                struct srv_open *open)
{
    struct smb2_io *io;
    req->related_has_file = true;
    req->related_file_persistent = open->persistent_id;
    req->related_file_volatile = open->id;
    NTSTATUS status = smb2_io_begin(req, open, smb2_create_info_done, NETWORK_OPEN_INFO_SIZE, &io);
    if (status != STATUS_SUCCESS)
        return status;
    io->state = st;
    st->io = io;
    smb2_io_issued(io, IoQueryInformationFile(open->file, &io->async, &io->iosb, io->token,
                                              io->buffer, NETWORK_OPEN_INFO_SIZE,
                                              FileNetworkOpenInformation));
    return STATUS_PENDING;
}

/* DHnC / DH2C naming a durable open of the previous run (the record
 * durable.c kept across the restart): the CREATE goes on as the original
 * one, with its access, share access and options, FILE_OPEN, the oplock it
 * held and its durability, under this session's token and this tree's
 * checks; every field and context of the request itself is ignored, as
 * for any reconnect. */
static NTSTATUS reclaim_restored(struct smb2_request *req, struct create_state *st,
                                 const struct srv_durable_reclaim *r)
{
    struct srv_durable_record *rec = &st->restored_record;
    NTSTATUS status = srv_durable_take_restored(req->conn->engine, r, rec);
    if (status != STATUS_SUCCESS)
        return status;
    /* Only files are durable: a record of the share's root is not one. */
    if (!rec->path[0] || utf8_to_utf16le(rec->path, strlen(rec->path), &st->restored_name,
                                         &st->restored_name_len) != STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    bool durable = rec->flags & SRV_DURABLE_RECORD_DURABLE;
    st->restored = true;
    st->dhnc = st->dh2c = false;
    st->dh2q = durable && (rec->flags & SRV_DURABLE_RECORD_V2);
    st->dhnq = durable && !st->dh2q;
    st->dh2q_timeout = rec->timeout_ms;
    memcpy(st->create_guid, rec->create_guid, 16);
    st->want_maximal_access = false;
    st->lease.present = false;
    st->has_app_instance = false;
    st->params.security_descriptor = NULL;
    st->params.security_descriptor_size = 0;
    st->params.ea_buffer = NULL;
    st->params.ea_size = 0;
    st->params.allocation_size = 0;
    log_debug("srv: %s: reclaiming %s, durable before the restart", req->conn->peer, rec->path);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

/* DHnC / DH2C: a disconnected durable open joins this session and tree
 * connect (3.3.5.9.7, 3.3.5.9.12); nothing is opened. */
NTSTATUS smb2_create_reclaim(struct smb2_request *req, struct create_state *st)
{
    if (req->tree->share.type != SRV_SHARE_DISK || !st->have_user)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    struct srv_durable_reclaim r = {
        .persistent = st->reclaim_persistent,
        .v2 = st->dh2c,
        .user = &st->user,
        .share_name = req->tree->share.name,
        .session_id = req->session->id,
    };
    memcpy(r.create_guid, st->create_guid, 16);
    memcpy(r.client_guid, st->client_guid, 16);
    /* The name as srv keeps it (share-relative), for a lease open's check. */
    char *path = NULL, *relative = NULL;
    struct buf_reader name = st->reclaim_name;
    if (st->lease.present) {
        r.lease_key = st->lease.key;
        if (smb2_share_path(req->tree, &name, &path, &relative) == STATUS_SUCCESS)
            r.name = relative;
    }
    struct srv_open *open;
    NTSTATUS status = srv_durable_reclaim(req->conn->engine, &r, &open);
    free(path);
    free(relative);
    if (status == STATUS_OBJECT_NAME_NOT_FOUND)
        return reclaim_restored(req, st, &r);
    if (status != STATUS_SUCCESS)
        return status;
    srv_open_set_tree(open, req->tree);
    status = srv_session_add_open(req->session, open);
    if (status != STATUS_SUCCESS) {
        srv_open_close(open, NULL, NULL);
        srv_open_unref(open);
        return status;
    }
    log_debug("srv: %s: durable open %s reclaimed", req->conn->peer, open->path);
    st->reused = true;
    st->reused_oplock = srv_oplock_reattach(open, req->conn, req->session);
    st->action = FILE_OPENED;
    status = answer_existing(req, st, open);
    srv_open_unref(open);
    return status;
}

/* DH2Q with a CreateGuid this client used before (3.3.5.9.10): a replayed
 * CREATE gets the open the first one made; a new one with a used
 * CreateGuid is refused. STATUS_NOT_FOUND: no such open, go on. */
NTSTATUS smb2_create_replay(struct smb2_request *req, struct create_state *st)
{
    struct srv_open *open = srv_durable_find_create_guid(req->conn->engine, st->create_guid,
                                                         st->client_guid);
    if (!open)
        return STATUS_NOT_FOUND;
    NTSTATUS status = STATUS_DUPLICATE_OBJECTID;
    if (req->hdr.flags & SMB2_FLAGS_REPLAY_OPERATION) {
        struct srv_open *mine = srv_session_find_open(req->session, open->persistent_id, open->id);
        if (mine && mine->tree == req->tree) {
            st->reused = true;
            st->reused_oplock = srv_oplock_reattach(mine, req->conn, req->session);
            st->action = open->create_action;
            st->durable_granted = true;
            pthread_mutex_lock(&req->conn->engine->durable_lock);
            st->durable_timeout = open->durable_timeout_ms;
            pthread_mutex_unlock(&req->conn->engine->durable_lock);
            status = answer_existing(req, st, mine);
        }
        if (mine)
            srv_open_unref(mine);
    }
    srv_open_unref(open);
    return status;
}

void smb2_create_app_instance_closed(void *context, NTSTATUS status)
{
    (void)status;
    smb2_create_issue(context);
}
