/* SMB2 CREATE ([MS-SMB2] 2.2.13, 2.2.14, 3.3.5.9): IoCreateFile on the
 * share's path, then FileNetworkOpenInformation for the response; the new
 * open joins the session's open table. Level II, exclusive and batch
 * oplocks (no leases); a batch open asked to be durable (DHnQ, DH2Q) becomes so; DHnC
 * and DH2C reclaim a disconnected durable open instead of opening, and a
 * DH2Q replayed with its CreateGuid answers with the open it made
 * (create_durable.c, durable.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "drivers/srv/smb2/create.h"
#include "drivers/pvfs/pvfs.h"
#include "lib/access.h"
#include "lib/log.h"

#define SMB2_CREATE_RESPONSE_SIZE 89
#define SMB2_IMPERSONATION_DELEGATE 3
/* CreateOptions bits no file system defines. */
#define CREATE_OPTIONS_RESERVED 0xFF000000u
/* Options a server does not support over SMB2 (3.3.5.9). */
#define CREATE_OPTIONS_NOT_SUPPORTED \
    (FILE_CREATE_TREE_CONNECTION | FILE_OPEN_BY_FILE_ID | FILE_RESERVE_OPFILTER)
/* Attribute bits a client may not set: volume label, device, integrity,
 * and everything above the defined ones. */
#define FILE_ATTRIBUTES_INVALID 0xFFFF8048u
/* Access mask bits that are neither defined rights nor generic rights. */
#define ACCESS_MASK_RESERVED 0x0CE0FE00u
/* PVFS_ECP_MAXIMAL_ACCESS (drivers/pvfs/pvfs.h; srv names the ECPs it
 * attaches by their strings, as it does the other two). */
#define MAXIMAL_ACCESS_ECP "samewise.pvfs.maximal-access"



static void state_cleanup(void *data)
{
    struct create_state *st = data;
    if (st->open) {
        srv_oplock_leave(st->open); /* the CREATE failed: no longer an open of the file */
        srv_open_unref(st->open);
    }
    IoEcpListFree(st->ecps);
    free(st->path);
    free(st->relative);
    free(st->restored_name);
}

/* Walks the create contexts (2.2.13.2): checks the chain and picks out what
 * srv acts on. */
static NTSTATUS parse_contexts(struct buf_reader contexts, struct create_state *st)
{
    size_t start = 0;
    for (int n = 0; rd_remaining(&contexts) > 0 && n < 64; n++) {
        struct buf_reader r = rd_sub(&contexts, start, contexts.size - start);
        uint32_t next = rd_u32(&r);
        uint16_t name_offset = rd_u16(&r);
        uint16_t name_length = rd_u16(&r);
        rd_skip(&r, 2);
        uint16_t data_offset = rd_u16(&r);
        uint32_t data_length = rd_u32(&r);
        size_t len = next ? next : contexts.size - start;
        struct buf_reader self = rd_sub(&contexts, start, len);
        struct buf_reader name = rd_sub(&self, name_offset, name_length);
        struct buf_reader data = rd_sub(&self, data_offset, data_length);
        /* A context name is at least four bytes ("MxAc"); shorter ones are
         * malformed, longer ones are GUIDs or vendor tags. */
        if (name_length < 4)
            return STATUS_INVALID_PARAMETER;
        if (!rd_ok(&r) || !rd_ok(&self) || !rd_ok(&name) || !rd_ok(&data) ||
            (next && next % 8) || (data_length && data_offset < name_offset + name_length))
            return STATUS_INVALID_PARAMETER;
        const uint8_t *tag = name_length == 4 ? rd_bytes(&name, 4) : NULL;
        if (name_length == 16) {
            NTSTATUS status = smb2_create_app_instance_context(rd_bytes(&name, 16), data,
                                                               data_length, st);
            if (status != STATUS_SUCCESS)
                return status;
        }
        if (tag && memcmp(tag, "SecD", 4) == 0) {
            st->params.security_descriptor = rd_bytes(&data, data_length);
            st->params.security_descriptor_size = data_length;
        } else if (tag && memcmp(tag, "ExtA", 4) == 0) {
            st->params.ea_buffer = rd_bytes(&data, data_length);
            st->params.ea_size = data_length;
        } else if (tag && memcmp(tag, "MxAc", 4) == 0) {
            st->want_maximal_access = true;
        } else if (tag && memcmp(tag, "TWrp", 4) == 0) {
            /* 3.3.5.9.5: a previous version at that time. None is kept
             * (FSCTL_SRV_ENUMERATE_SNAPSHOTS lists none), so there is no
             * such file, as Windows answers for a time without a snapshot. */
            if (data_length != 8)
                return STATUS_INVALID_PARAMETER;
            return STATUS_OBJECT_NAME_NOT_FOUND;
        } else if (tag && (memcmp(tag, "DHnQ", 4) == 0 || memcmp(tag, "DHnC", 4) == 0 ||
                           memcmp(tag, "DH2Q", 4) == 0 || memcmp(tag, "DH2C", 4) == 0)) {
            NTSTATUS status = smb2_create_durable_context(tag, data, data_length, st);
            if (status != STATUS_SUCCESS)
                return status;
        } else if (tag && memcmp(tag, "RqLs", 4) == 0) {
            /* 2.2.13.2.8 (32 bytes) and 2.2.13.2.10 (52): LeaseKey,
             * LeaseState, Flags, LeaseDuration, then ParentLeaseKey and
             * Epoch; which one counts is for the dialect to say. */
            if (data_length != 32 && data_length != 52)
                return STATUS_INVALID_PARAMETER;
            struct srv_lease_request *lr = &st->lease;
            memcpy(lr->key, rd_bytes(&data, 16), 16);
            lr->state = rd_u32(&data);
            uint32_t flags = rd_u32(&data);
            rd_skip(&data, 8);
            lr->version = 1;
            if (data_length == 52) {
                lr->version = 2;
                lr->has_parent = flags & 0x04u; /* SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET */
                memcpy(lr->parent_key, rd_bytes(&data, 16), 16);
                lr->epoch = rd_u16(&data);
            }
            lr->present = true;
        } else if (tag && memcmp(tag, "AlSi", 4) == 0) {
            if (data_length != 8)
                return STATUS_INVALID_PARAMETER;
            st->params.allocation_size = rd_u64(&data);
        }
        if (!next)
            break;
        start += next;
        if (start >= contexts.size)
            return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

/* The response's create contexts, chained as they are added. */
struct response_contexts {
    struct smb2_request *req;
    size_t start;       /* offset from the header of the first one */
    size_t last;        /* buffer position of the last one's Next; SIZE_MAX: none */
};

static void add_context(struct response_contexts *rc, const char *name, const uint8_t *data,
                        uint32_t len)
{
    struct buf *out = &rc->req->out;
    wr_align(out, 8);
    size_t offset = smb2_rsp_offset(rc->req);
    if (rc->last == SIZE_MAX)
        rc->start = offset;
    else
        wr_put_u32_at(out, rc->last, (uint32_t)(out->len - rc->last));
    rc->last = out->len;
    wr_u32(out, 0);      /* Next */
    wr_u16(out, 16);     /* NameOffset */
    wr_u16(out, 4);
    wr_u16(out, 0);
    wr_u16(out, 24);     /* DataOffset */
    wr_u32(out, len);
    wr_bytes(out, name, 4);
    wr_zeros(out, 4);
    wr_bytes(out, data, len);
}

/* The MxAc answer (3.3.5.9.5): on a disk share the file's own maximal
 * access for the session's token intersected with the tree's, as the file
 * system computed it (PVFS_ECP_MAXIMAL_ACCESS, drivers/pvfs/pvfs.h);
 * elsewhere (pipes) the tree's maximal access. */
static void maximal_access_answer(const struct srv_tree *tree, const struct create_state *st,
                                  uint32_t *query_status, uint32_t *maximal)
{
    const void *data;
    size_t size;
    *query_status = STATUS_SUCCESS;
    *maximal = 0;
    if (tree->share.type != SRV_SHARE_DISK) {
        *maximal = st->access_ceiling & ~(uint32_t)ACCESS_SYSTEM_SECURITY;
        return;
    }
    if (!IoEcpIsAcknowledged(st->ecps, MAXIMAL_ACCESS_ECP) ||
        IoEcpListFind(st->ecps, MAXIMAL_ACCESS_ECP, &data, &size) != STATUS_SUCCESS ||
        size != 4) {
        /* Never more than is known: the query failed, the open stands. */
        *query_status = STATUS_INSUFFICIENT_RESOURCES;
        return;
    }
    *maximal = le32_load(data) & st->access_ceiling & ~(uint32_t)ACCESS_SYSTEM_SECURITY;
}

/* A reconnected open's lease, answered as it stands. */
static bool reused_lease(struct srv_open *open, uint32_t *state, uint16_t *epoch, uint32_t *flags)
{
    struct srv_engine *e = open->engine;
    pthread_mutex_lock(&e->oplock_lock);
    const struct srv_lease *l = open->lease;
    if (l) {
        *state = l->state;
        *epoch = l->version == 2 ? l->epoch : 0;
        *flags = l->has_parent && l->version == 2 ? 0x04u : 0;
    }
    pthread_mutex_unlock(&e->oplock_lock);
    return l != NULL;
}

/* False (nothing written) when a record of the previous run cannot get
 * its oplock back: another open of the file got in between. */
static bool write_response(struct smb2_io *io, struct srv_open *open, const uint8_t *info,
                           bool have_info)
{
    struct smb2_request *req = io->req;
    struct create_state *st = io->state;
    struct buf *out = &req->out;
    uint8_t oplock = SMB2_OPLOCK_LEVEL_NONE;
    if (have_info)
        open->is_directory = le32_load(info + 48) & FILE_ATTRIBUTE_DIRECTORY;
    bool lease_answer = false;
    uint32_t lease_state = 0, lease_flags = 0;
    uint16_t lease_epoch = 0;
    if (st->reused) {
        oplock = st->reused_oplock;
        if (oplock == SMB2_OPLOCK_LEVEL_LEASE)
            lease_answer = reused_lease(open, &lease_state, &lease_epoch, &lease_flags);
    } else {
        /* pvfs's answer (none for a directory or an open it refused an
         * oplock); a lease context on a file is answered anyway (3.3.5.9.8,
         * 3.3.5.9.11: state none when no lease is granted). */
        const void *answer = NULL;
        size_t answer_size = 0;
        if (!st->ecps || !IoEcpIsAcknowledged(st->ecps, PVFS_ECP_OPLOCK) ||
            IoEcpListFind(st->ecps, PVFS_ECP_OPLOCK, &answer, &answer_size) != STATUS_SUCCESS)
            answer = NULL;
        oplock = open->tree->share.type == SRV_SHARE_DISK
                     ? srv_oplock_granted(open, answer, answer_size, req->conn, req->session,
                                          &lease_state, &lease_epoch, &lease_flags)
                     : SMB2_OPLOCK_LEVEL_NONE;
        /* Not for a directory (no directory leases): no context, no
         * oplock, as Windows without directory leasing answers. */
        if (st->requested_oplock == SMB2_OPLOCK_LEVEL_LEASE && open->lease_req.present &&
            !(have_info && (le32_load(info + 48) & FILE_ATTRIBUTE_DIRECTORY))) {
            lease_answer = true;
            oplock = SMB2_OPLOCK_LEVEL_LEASE;
        }
    }
    if (st->restored && oplock != st->restored_record.oplock_level)
        return false;
    /* 3.3.5.9.6, 3.3.5.9.10: durable with a batch oplock, or with a lease
     * that caches the handle (as Windows grants it with DH2Q and RWH). */
    bool durable_oplock = oplock == SMB2_OPLOCK_LEVEL_BATCH ||
                          (oplock == SMB2_OPLOCK_LEVEL_LEASE && (lease_state & SRV_LEASE_H));
    if (!st->reused && durable_oplock && (st->dhnq || st->dh2q) && st->have_user) {
        st->durable_granted = true;
        st->durable_timeout = srv_durable_grant(open, st->dh2q, st->dh2q_timeout,
                                                st->dh2q ? st->create_guid : NULL,
                                                st->client_guid, &st->user);
        if (st->has_app_instance && st->dh2q)
            srv_durable_set_app_instance(open, st->app_instance_id);
    }
    if (st->restored && (st->restored_record.flags & SRV_DURABLE_RECORD_RESILIENT))
        srv_durable_set_resilient(open, st->restored_record.timeout_ms, &st->user);
    if (!st->reused)
        open->create_action = st->action;
    wr_u16(out, SMB2_CREATE_RESPONSE_SIZE);
    wr_u8(out, oplock);
    wr_u8(out, 0);
    wr_u32(out, st->action);
    if (have_info) {
        wr_bytes(out, info, 48);             /* four times, AllocationSize, EndofFile */
        wr_u32(out, le32_load(info + 48));   /* FileAttributes */
    } else {
        wr_zeros(out, 48);
        wr_u32(out, FILE_ATTRIBUTE_NORMAL);
    }
    wr_u32(out, 0);
    wr_u64(out, open->persistent_id);
    wr_u64(out, open->id);
    size_t contexts_at = wr_reserve(out, 8);
    struct response_contexts rc = { .req = req, .start = 0, .last = SIZE_MAX };
    if (st->want_maximal_access && !st->reused) {
        /* MxAc response (2.2.14.2.5): QueryStatus, MaximalAccess. */
        uint8_t data[8];
        uint32_t query_status = STATUS_SUCCESS, maximal = 0;
        maximal_access_answer(open->tree, st, &query_status, &maximal);
        le32_store(data, query_status);
        le32_store(data + 4, maximal);
        add_context(&rc, "MxAc", data, sizeof data);
    }
    if (lease_answer) {
        /* 2.2.14.2.10 / 2.2.14.2.11: the request's key and version. */
        const struct srv_lease_request *lr = &open->lease_req;
        uint8_t data[52] = { 0 };
        memcpy(data, lr->key, 16);
        le32_store(data + 16, lease_state);
        /* v1 knows BREAK_IN_PROGRESS too; only v2 has a parent key. */
        le32_store(data + 20, lr->version == 2 ? lease_flags : lease_flags & 0x02u);
        if (lr->version == 2) {
            if (lr->has_parent)
                memcpy(data + 32, lr->parent_key, 16);
            le16_store(data + 48, lease_epoch);
        }
        add_context(&rc, "RqLs", data, lr->version == 2 ? 52 : 32);
    }
    if (st->restored) {
        /* A reconnect: no context answered (3.3.5.9.7). */
    } else if (st->durable_granted && st->dh2q) {
        /* 2.2.14.2.12: Timeout, Flags (never persistent). */
        uint8_t data[8];
        le32_store(data, st->durable_timeout);
        le32_store(data + 4, 0);
        add_context(&rc, "DH2Q", data, sizeof data);
    } else if (st->durable_granted) {
        uint8_t data[8] = { 0 }; /* 2.2.14.2.3: Reserved */
        add_context(&rc, "DHnQ", data, sizeof data);
    }
    if (rc.last != SIZE_MAX) {
        wr_put_u32_at(out, contexts_at, (uint32_t)rc.start);
        wr_put_u32_at(out, contexts_at + 4, (uint32_t)(smb2_rsp_offset(req) - rc.start));
    } else {
        wr_u8(out, 0); /* the buffer byte StructureSize 89 counts */
    }
    return true;
}

/* A reclaim of the previous run's open that failed once the file was open
 * again: the open goes, the client hears there is no such open. */
static void restored_refused(struct smb2_io *io, struct srv_open *open)
{
    log_debug("srv: %s: %s changed hands during the restart: not reclaimed", io->req->conn->peer,
              open->path);
    struct srv_open *taken = srv_session_take_open(io->req->session, open->persistent_id, open->id);
    srv_open_close(open, NULL, NULL);
    if (taken)
        srv_open_unref(taken);
    smb2_io_finish(io, STATUS_OBJECT_NAME_NOT_FOUND);
}

void smb2_create_info_done(struct smb2_io *io)
{
    bool have_info = io->iosb.status == STATUS_SUCCESS &&
                     io->iosb.information >= NETWORK_OPEN_INFO_SIZE;
    if (!write_response(io, io->open, io->buffer, have_info)) {
        restored_refused(io, io->open);
        return;
    }
    smb2_io_finish(io, STATUS_SUCCESS);
}

static void create_done(struct smb2_io *io)
{
    struct smb2_request *req = io->req;
    struct create_state *st = io->state;
    NTSTATUS status = io->iosb.status;
    if (status == STATUS_MORE_PROCESSING_REQUIRED && st->ecps &&
        IoEcpIsAcknowledged(st->ecps, PVFS_ECP_OPLOCK_NO_WAIT)) {
        /* Another open's oplock or lease is breaking: the client hears
         * that its CREATE waits (an interim response, with credits, so it
         * may cancel it and does not time out), then pvfs waits. */
        const uint8_t wait = 0;
        if (IoEcpListAdd(st->ecps, PVFS_ECP_OPLOCK_NO_WAIT, &wait, 1) == STATUS_SUCCESS) {
            if (!req->async_id)
                smb2_request_go_async(req);
            smb2_io_again(io, create_done);
            smb2_create_issue(st);
            return;
        }
        status = STATUS_INSUFFICIENT_RESOURCES;
    }
    if (status != STATUS_SUCCESS) {
        /* No longer an open of the file before the client hears so: the
         * request (and its cleanup) may outlive the response, and the
         * client's next CREATE of the name must not meet this one (it
         * would get no oplock). */
        srv_oplock_leave(st->open);
        if (st->restored) {
            /* Gone, moved, or opened by someone else in a conflicting
             * share mode while srv was stopped: as if never durable. */
            log_debug("srv: %s: reopening %s for its reclaim: %s", req->conn->peer,
                      st->relative ? st->relative : "", nt_status_name(status));
            status = STATUS_OBJECT_NAME_NOT_FOUND;
        }
        smb2_io_finish(io, status);
        return;
    }
    st->action = (uint32_t)io->iosb.information;
    struct srv_open *open = st->open;
    st->open = NULL;
    open->file = st->file;
    open->created = st->action == FILE_CREATED;
    if (st->restored)
        srv_durable_register_as(open, st->restored_record.persistent_id);
    else
        srv_durable_register(open);
    status = srv_session_add_open(req->session, open);
    if (status != STATUS_SUCCESS) {
        /* The file is open in the I/O manager but nobody may use it. */
        srv_open_close(open, NULL, NULL);
        srv_open_unref(open);
        smb2_io_finish(io, status);
        return;
    }
    req->related_has_file = true;
    req->related_file_persistent = open->persistent_id;
    req->related_file_volatile = open->id;
    /* Count the query on the new open, like any I/O on it. */
    if (!srv_open_begin_io(open)) {
        if (!write_response(io, open, NULL, false)) {
            restored_refused(io, open);
            srv_open_unref(open);
            return;
        }
        srv_open_unref(open);
        smb2_io_finish(io, STATUS_SUCCESS);
        return;
    }
    io->open = open; /* the reference from srv_open_new */
    smb2_io_again(io, smb2_create_info_done);
    smb2_io_issued(io, IoQueryInformationFile(open->file, &io->async, &io->iosb, io->token,
                                              io->buffer, NETWORK_OPEN_INFO_SIZE,
                                              FileNetworkOpenInformation));
}

/* The device-relative directory the open must stay beneath: the share's
 * path without "\pvfs\" ("srv\data"); NULL for a share at the device root. */
static const char *beneath_of(const struct srv_tree *tree)
{
    const char *p = tree->share.path;
    if (p[0] == '\\')
        p++;
    const char *sep = strchr(p, '\\');
    return sep && sep[1] ? sep + 1 : NULL;
}

/* What confines an open on a disk share: the share's directory
 * (samewise.pvfs.beneath) and its permissions (samewise.pvfs.access-ceiling,
 * drivers/pvfs/pvfs.h); and, for an MxAc context, the question for the
 * file's maximal access (samewise.pvfs.maximal-access, answered in place);
 * and the oplock or lease asked for (samewise.pvfs.oplock, answered in
 * place: pvfs arbitrates them on the file). */
static NTSTATUS add_disk_ecps(const struct srv_tree *tree, struct create_state *st)
{
    const char *beneath = beneath_of(tree);
    uint8_t ceiling[4];
    le32_store(ceiling, st->access_ceiling);
    if (IoEcpListCreate(&st->ecps) != STATUS_SUCCESS ||
        (beneath && IoEcpListAdd(st->ecps, "samewise.pvfs.beneath", beneath, strlen(beneath)) !=
                        STATUS_SUCCESS) ||
        IoEcpListAdd(st->ecps, "samewise.pvfs.access-ceiling", ceiling, sizeof ceiling) !=
            STATUS_SUCCESS ||
        (st->want_maximal_access &&
         IoEcpListAdd(st->ecps, MAXIMAL_ACCESS_ECP, ceiling, sizeof ceiling) != STATUS_SUCCESS))
        return STATUS_INSUFFICIENT_RESOURCES;
    uint8_t oplock[PVFS_ECP_OPLOCK_SIZE];
    if (srv_oplock_ecp(st->open, st->requested_oplock, oplock) &&
        IoEcpListAdd(st->ecps, PVFS_ECP_OPLOCK, oplock, sizeof oplock) != STATUS_SUCCESS)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* A CREATE that must wait for a break is told so first (create_done
     * answers it with an interim response and asks again, waiting). */
    const uint8_t no_wait = 1;
    if (IoEcpListAdd(st->ecps, PVFS_ECP_OPLOCK_NO_WAIT, &no_wait, 1) != STATUS_SUCCESS)
        return STATUS_INSUFFICIENT_RESOURCES;
    return STATUS_SUCCESS;
}

/* What an RPC service behind a pipe learns about its client: the key of
 * the SMB session (Session.ApplicationKey from 3.0 on, the session key
 * before, [MS-SMB2] 3.3.5.5.3) and the client's address. */
static NTSTATUS add_pipe_ecps(struct smb2_request *req, struct create_state *st)
{
    struct srv_session *s = req->session;
    uint8_t key[SMB2_KEY_SIZE];
    pthread_mutex_lock(&s->lock);
    bool have_key = s->has_keys;
    memcpy(key, SMB2_DIALECT_IS_3(s->dialect) ? s->keys.application : s->keys.signing, sizeof key);
    pthread_mutex_unlock(&s->lock);
    NTSTATUS status = IoEcpListCreate(&st->ecps);
    if (status == STATUS_SUCCESS && have_key)
        status = IoEcpListAdd(st->ecps, IO_ECP_TYPE_SESSION_KEY, key, sizeof key);
    if (status == STATUS_SUCCESS)
        status = IoEcpListAdd(st->ecps, IO_ECP_TYPE_PEER_ADDRESS, req->conn->peer,
                              strlen(req->conn->peer));
    OPENSSL_cleanse(key, sizeof key);
    return status == STATUS_SUCCESS ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* Opens the file (pvfs waits, the IRP pending, while another open's oplock
 * or lease breaks first). */
void smb2_create_issue(void *context)
{
    struct create_state *st = context;
    struct smb2_io *io = st->io;
    smb2_io_issued(io, IoCreateFile(&st->file, &io->async, &io->iosb, io->token, &st->params));
}

NTSTATUS smb2_create(struct smb2_request *req)
{
    struct srv_tree *tree = req->tree;
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);                        /* StructureSize */
    rd_skip(r, 1);                        /* SecurityFlags */
    uint8_t requested_oplock = rd_u8(r);
    uint32_t impersonation = rd_u32(r);
    rd_skip(r, 8 + 8);                    /* SmbCreateFlags, Reserved */
    uint32_t desired_access = rd_u32(r);
    uint32_t file_attributes = rd_u32(r);
    uint32_t share_access = rd_u32(r);
    uint32_t disposition = rd_u32(r);
    uint32_t options = rd_u32(r);
    uint16_t name_offset = rd_u16(r);
    uint16_t name_length = rd_u16(r);
    uint32_t contexts_offset = rd_u32(r);
    uint32_t contexts_length = rd_u32(r);
    struct buf_reader name = smb2_req_area(req, name_offset, name_length);
    struct buf_reader contexts = smb2_req_area(req, contexts_offset, contexts_length);
    if (!rd_ok(r) || !rd_ok(&name) || !rd_ok(&contexts))
        return STATUS_INVALID_PARAMETER;
    struct create_state *st = smb2_request_alloc(req, sizeof *st, state_cleanup);
    if (!st)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* The contexts first: a reconnect ignores every other field (3.3.5.9.7),
     * but a malformed context is reported where it always was. */
    NTSTATUS contexts_status = contexts_length ? parse_contexts(contexts, st) : STATUS_SUCCESS;
    if (contexts_status == STATUS_SUCCESS) {
        contexts_status = smb2_create_durable_contexts(req, st);
        if (contexts_status == STATUS_SUCCESS && (st->dhnc || st->dh2c)) {
            st->reclaim_name = name;
            NTSTATUS status = smb2_create_reclaim(req, st);
            if (status != STATUS_MORE_PROCESSING_REQUIRED)
                return status;
            /* A durable open of the previous run: the CREATE that made it,
             * once more, through every check below (create_durable.c). */
            const struct srv_durable_record *rec = &st->restored_record;
            requested_oplock = rec->oplock_level;
            desired_access = rec->desired_access;
            file_attributes = 0;
            share_access = rec->share_access;
            disposition = FILE_OPEN;
            options = rec->create_options;
            rd_init(&name, st->restored_name, st->restored_name_len);
        }
    }
    if (impersonation > SMB2_IMPERSONATION_DELEGATE)
        return STATUS_BAD_IMPERSONATION_LEVEL;
    /* In Windows' order: undefined access bits first, then bad values. */
    if (desired_access & ACCESS_MASK_RESERVED)
        return STATUS_ACCESS_DENIED;
    if (disposition > FILE_MAXIMUM_DISPOSITION || (share_access & ~FILE_SHARE_VALID_FLAGS) ||
        (options & CREATE_OPTIONS_RESERVED) || (file_attributes & FILE_ATTRIBUTES_INVALID))
        return STATUS_INVALID_PARAMETER;
    if (options & CREATE_OPTIONS_NOT_SUPPORTED)
        return STATUS_NOT_SUPPORTED;

    /* The share's permissions are a ceiling on every open (3.3.5.9): asking
     * for more is refused here, MAXIMUM_ALLOWED is cut down to them by the
     * file system (PVFS_ECP_ACCESS_CEILING), which also refuses to make a
     * new file or directory without FILE_ADD_FILE / FILE_ADD_SUBDIRECTORY.
     * Read now: the share's permissions may have changed since the tree
     * connect. */
    st->access_ceiling = srv_tree_maximal_access(tree) | SYNCHRONIZE | ACCESS_SYSTEM_SECURITY;
    uint32_t wanted = access_map_generic(desired_access & ~MAXIMUM_ALLOWED, &file_generic_mapping);
    if (wanted & ~st->access_ceiling)
        return STATUS_ACCESS_DENIED;
    if ((options & FILE_DELETE_ON_CLOSE) && !(st->access_ceiling & DELETE))
        return STATUS_ACCESS_DENIED;
    if ((disposition == FILE_SUPERSEDE || disposition == FILE_OVERWRITE ||
         disposition == FILE_OVERWRITE_IF) &&
        !(st->access_ceiling & FILE_WRITE_DATA))
        return STATUS_ACCESS_DENIED;
    /* A read-only share: no disposition that overwrites or supersedes,
     * whatever the file system would say. FILE_OPEN_IF opens an existing
     * file as Windows and smbd do (clients open with it for reading); making
     * a new one is refused by the file system, since the ceiling of a
     * read-only tree has no FILE_ADD_FILE / FILE_ADD_SUBDIRECTORY. */
    if (srv_tree_read_only(tree) &&
        ((disposition != FILE_OPEN && disposition != FILE_OPEN_IF) ||
         (options & FILE_DELETE_ON_CLOSE)))
        return STATUS_ACCESS_DENIED;

    st->open = srv_open_new(req->conn->engine, tree, NULL);
    if (!st->open)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = smb2_share_path(tree, &name, &st->path, &st->relative);
    if (status != STATUS_SUCCESS)
        return status;
    snprintf(st->open->path, sizeof st->open->path, "%s", st->relative);
    st->requested_oplock = requested_oplock;
    /* Leases from SMB 2.1 on, v2 contexts from 3.0 on (a v2 context on 2.1
     * is read as v1, 3.3.5.9.11). */
    if (st->lease.present && requested_oplock == SMB2_OPLOCK_LEVEL_LEASE &&
        tree->share.type == SRV_SHARE_DISK) {
        pthread_mutex_lock(&req->session->lock);
        uint16_t dialect = req->session->dialect;
        pthread_mutex_unlock(&req->session->lock);
        if (dialect >= SMB2_DIALECT_210 && dialect != SMB2_DIALECT_WILDCARD) {
            st->open->lease_req = st->lease;
            if (!SMB2_DIALECT_IS_3(dialect)) {
                st->open->lease_req.version = 1;
                st->open->lease_req.has_parent = false;
            }
            /* A key that leases another file: pvfs refuses the open
             * (STATUS_INVALID_PARAMETER, 3.3.5.9.8). */
            memcpy(st->open->lease_req.client_guid, st->client_guid, 16);
        }
    }
    st->open->access = access_map_generic(desired_access, &file_generic_mapping);
    st->open->create_options = options;
    st->open->share_access = share_access;
    if (contexts_status != STATUS_SUCCESS)
        return contexts_status;
    if (st->dh2q && !st->restored && tree->share.type == SRV_SHARE_DISK) {
        status = smb2_create_replay(req, st);
        if (status != STATUS_NOT_FOUND)
            return status;
    }
    if (tree->share.type == SRV_SHARE_DISK) {
        status = add_disk_ecps(tree, st);
        if (status != STATUS_SUCCESS)
            return status;
    } else if (tree->share.type == SRV_SHARE_PIPE) {
        status = add_pipe_ecps(req, st);
        if (status != STATUS_SUCCESS)
            return status;
    }
    /* srv.max-opens-per-session/-per-user, before the file is opened (a
     * replayed CREATE above names an open already counted; open_quota.c). */
    status = srv_open_charge(st->open, req->session);
    if (status != STATUS_SUCCESS)
        return status;
    st->params.path = st->path;
    st->params.desired_access = desired_access;
    st->params.share_access = share_access;
    st->params.create_disposition = disposition;
    st->params.create_options = options;
    st->params.file_attributes = file_attributes;
    st->params.ecps = st->ecps;

    struct smb2_io *io;
    status = smb2_io_begin(req, NULL, create_done, NETWORK_OPEN_INFO_SIZE, &io);
    if (status != STATUS_SUCCESS)
        return status;
    io->state = st;
    st->io = io;
    /* 3.3.5.9.13: another instance of this application (same user, same
     * AppInstanceId, with DH2Q) loses its durable open first. */
    if (st->has_app_instance && st->dh2q && st->have_user && tree->share.type == SRV_SHARE_DISK &&
        srv_durable_close_app_instance(req->conn->engine, st->app_instance_id, &st->user,
                                       smb2_create_app_instance_closed, st))
        return STATUS_PENDING;
    smb2_create_issue(st);
    return STATUS_PENDING;
}
