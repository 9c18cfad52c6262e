/* The \srv device: the running server's live state for administrators and
 * srvsvcd (devctl.h; docs/srvctl.md).
 *
 * Enumerations walk the objects under their locks in the documented order
 * (engine -> connection -> session -> tree -> open, server.h) and write the
 * answer while walking, so a listing is one consistent snapshot; nothing is
 * called out of srv meanwhile. Closing a session, a tree connect or an open
 * goes through the same calls LOGOFF, TREE_DISCONNECT and CLOSE use, after
 * the locks are dropped and with references held. A file close pends until
 * the I/O manager has closed the file (so the name can be opened again at
 * once); the share reload asks the share database, which may block, so it
 * runs on a worker and its IRP pends too.
 *
 * Who may ask: any caller lwiod let in may enumerate; closing and reloading
 * need SYSTEM or a member of Administrators (S-1-5-32-544), checked against
 * the IRP's token. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/srv/devctl.h"
#include "drivers/srv/server.h"
#include "drivers/srv/smb2/request.h"
#include "drivers/srv/smb2/smb2.h"
#include "lib/log.h"
#include "lwiod/driver.h"

/* ---- Reading the objects ------------------------------------------------------ */

/* "DOMAIN\user" (srv_auth_result.user_name) into its parts. */
static void split_user(const char *name, char *domain, size_t domain_size, char *user,
                       size_t user_size)
{
    const char *slash = strchr(name, '\\');
    if (slash) {
        snprintf(domain, domain_size, "%.*s", (int)(slash - name), name);
        snprintf(user, user_size, "%s", slash + 1);
    } else {
        snprintf(domain, domain_size, "%s", "");
        snprintf(user, user_size, "%s", name);
    }
}

/* conn->peer "127.0.0.1:51234" (or "::1:51234") into address and port. */
static void split_peer(const char *peer, char *address, size_t size, uint16_t *port)
{
    const char *colon = strrchr(peer, ':');
    *port = 0;
    if (!colon) {
        snprintf(address, size, "%s", peer);
        return;
    }
    snprintf(address, size, "%.*s", (int)(colon - peer), peer);
    char *end;
    unsigned long value = strtoul(colon + 1, &end, 10);
    if (*end == 0 && value <= UINT16_MAX)
        *port = (uint16_t)value;
}

/* The algorithm the session signs with ([MS-SMB2] 3.1.4.1): fixed by the
 * dialect before 3.1.1. */
static uint16_t signing_algorithm(const struct srv_session *s)
{
    if (!SMB2_DIALECT_IS_3(s->dialect))
        return SMB2_SIGNING_HMAC_SHA256;
    return s->dialect == SMB2_DIALECT_311 ? s->signing_algorithm : SMB2_SIGNING_AES_CMAC;
}

/* Who a session is and where from: filled under session->lock. */
struct who {
    char user[256];
    char domain[256];
    char client[64];
    uint16_t port;
};

static void who_of(const struct srv_conn *conn, const struct srv_session *s, struct who *w)
{
    split_user(s->user_name, w->domain, sizeof w->domain, w->user, sizeof w->user);
    split_peer(conn->peer, w->client, sizeof w->client, &w->port);
}

/* Sessions a listing shows: logged on and not torn down. */
static bool listed(const struct srv_session *s)
{
    return s->state == SRV_SESSION_VALID && !s->dead;
}

/* Calls visit(conn, session, context) for every listed session with
 * engine, connection and session locks held (in that order). */
static void for_each_session(struct srv_engine *e,
                             void (*visit)(struct srv_conn *, struct srv_session *, void *),
                             void *context)
{
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *conn = e->conns; conn; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        for (size_t i = 0; !conn->dead && i < conn->session_count; i++) {
            struct srv_session *s = conn->sessions[i];
            pthread_mutex_lock(&s->lock);
            if (listed(s) && srv_session_listed_on(s, conn->id))
                visit(conn, s, context);
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&e->lock);
}

struct listing {
    struct buf *out;
    uint32_t count;
    uint64_t monotonic_now;     /* srv keeps monotonic seconds ... */
    int64_t unix_now;           /* ... listings give Unix times */
};

/* A time srv took on the monotonic clock, as a Unix time (0: never). */
static int64_t unix_time(const struct listing *l, uint64_t monotonic)
{
    if (!monotonic || monotonic > l->monotonic_now)
        return 0;
    return l->unix_now - (int64_t)(l->monotonic_now - monotonic);
}

static void list_session(struct srv_conn *conn, struct srv_session *s, void *context)
{
    struct listing *l = context;
    struct who w;
    who_of(conn, s, &w);
    /* The session's last request, or its connection's last frame: srv
     * notes the latter on every frame (its idle timeout uses it). */
    uint64_t used = atomic_load(&s->last_used), frame = atomic_load(&conn->last_activity);
    struct srvctl_session record = {
        .id = s->id,
        .user = w.user,
        .domain = w.domain,
        .client = w.client,
        .client_port = w.port,
        .dialect = s->dialect,
        .cipher = s->cipher,
        .signing_algorithm = signing_algorithm(s),
        .flags = (s->is_guest ? SRVCTL_SESSION_GUEST : 0) |
                 (s->is_anonymous ? SRVCTL_SESSION_ANONYMOUS : 0) |
                 (s->signing_required ? SRVCTL_SESSION_SIGNING_REQUIRED : 0) |
                 (s->encrypt_data ? SRVCTL_SESSION_ENCRYPT_DATA : 0),
        .logon_time = unix_time(l, s->created),
        .last_active_time = unix_time(l, used > frame ? used : frame),
        .open_count = (uint32_t)s->open_count,
        .tree_count = (uint32_t)s->tree_count,
    };
    srv_devctl_write_session(l->out, &record);
    l->count++;
}

static uint32_t share_type(enum srv_share_type type)
{
    switch (type) {
    case SRV_SHARE_PIPE: return SRVCTL_SHARE_PIPE;
    case SRV_SHARE_PRINT: return SRVCTL_SHARE_PRINT;
    default: return SRVCTL_SHARE_DISK;
    }
}

static void list_connections(struct srv_conn *conn, struct srv_session *s, void *context)
{
    struct listing *l = context;
    struct who w;
    who_of(conn, s, &w);
    for (size_t i = 0; i < s->tree_count; i++) {
        const struct srv_tree *tree = s->trees[i];
        uint32_t opens = 0;
        for (size_t j = 0; j < s->open_count; j++)
            opens += s->opens[j]->tree == tree;
        struct srvctl_connection record = {
            .session_id = s->id,
            .tree_id = tree->id,
            .share_type = share_type(tree->share.type),
            .share = (char *)tree->share.name,
            .user = w.user,
            .domain = w.domain,
            .client = w.client,
            .open_count = opens,
            /* What the dispatcher encrypts ([MS-SMB2] 3.3.4.1.4):
             * Session.EncryptData or TreeConnect.Share.EncryptData. */
            .flags = s->encrypt_data || tree->share.encrypt_data ? SRVCTL_CONNECTION_ENCRYPTED : 0,
            .connect_time = unix_time(l, tree->created),
        };
        srv_devctl_write_connection(l->out, &record);
        l->count++;
    }
}

/* Where an open is on the server: a disk share's \\pvfs path becomes the POSIX
 * path pvfs serves ("\\pvfs\\srv\\data" + "dir\\a.txt" is "/srv/data/dir/a.txt");
 * pipes have none. */
static void local_path(const struct srv_tree *tree, const char *path, char *out, size_t size)
{
    static const char device[] = "\\pvfs";
    const size_t device_len = sizeof device - 1;
    const char *root = tree->share.path;
    out[0] = 0;
    if (tree->share.type != SRV_SHARE_DISK || strncmp(root, device, device_len) != 0 ||
        (root[device_len] && root[device_len] != '\\'))
        return;
    root += device_len; /* "\\srv\\data"; "" or "\\" for a share of "/" */
    size_t root_len = strlen(root);
    while (root_len > 0 && root[root_len - 1] == '\\')
        root_len--;
    int n = *path ? snprintf(out, size, "%.*s\\%s", (int)root_len, root, path)
                  : snprintf(out, size, "%.*s", (int)root_len, root);
    if (n < 0 || (size_t)n >= size) {
        out[0] = 0; /* better nothing than a wrong, cut path */
        return;
    }
    if (!out[0])
        snprintf(out, size, "\\");
    for (char *p = out; *p; p++)
        if (*p == '\\')
            *p = '/';
}

static void list_files(struct srv_conn *conn, struct srv_session *s, void *context)
{
    struct listing *l = context;
    struct who w;
    who_of(conn, s, &w);
    for (size_t i = 0; i < s->open_count; i++) {
        struct srv_open *o = s->opens[i];
        /* The path is written before the open enters the table and never
         * changes; the tree is the open's own reference. */
        char where[sizeof o->path + sizeof o->tree->share.path + 2];
        local_path(o->tree, o->path, where, sizeof where);
        struct srvctl_file record = {
            .id = o->list_id,
            .session_id = s->id,
            .tree_id = o->tree->id,
            .flags = o->is_pipe ? SRVCTL_FILE_PIPE : 0,
            .granted_access = o->access,
            .share = o->tree->share.name,
            .path = o->path,
            .local_path = where,
            .user = w.user,
            .domain = w.domain,
            .client = w.client,
        };
        srv_devctl_write_file(l->out, &record);
        l->count++;
    }
}

/* A durable open whose session is gone (durable.c): no session, tree
 * connect or client; the user is its owner's SID. */
static void list_disconnected(struct srv_open *o, void *context)
{
    struct listing *l = context;
    char where[sizeof o->path + sizeof o->tree->share.path + 2];
    local_path(o->tree, o->path, where, sizeof where);
    char owner[SID_STRING_MAX];
    sid_format(&o->owner, owner, sizeof owner);
    struct srvctl_file record = {
        .id = o->list_id,
        .granted_access = o->access,
        .share = o->tree->share.name,
        .path = o->path,
        .local_path = where,
        .user = owner,
        .domain = "",
        .client = "",
    };
    srv_devctl_write_file(l->out, &record);
    l->count++;
}

/* Writes a whole listing. */
static NTSTATUS enumerate(struct srv_engine *e, uint32_t control, struct buf *out)
{
    struct listing l = { .out = out,
                         .monotonic_now = srv_monotonic_seconds(),
                         .unix_now = (int64_t)time(NULL) };
    size_t begin = srv_devctl_list_begin(out);
    void (*visit)(struct srv_conn *, struct srv_session *, void *) =
        control == SRV_DEVCTL_ENUM_SESSIONS      ? list_session
        : control == SRV_DEVCTL_ENUM_CONNECTIONS ? list_connections
                                                 : list_files;
    for_each_session(e, visit, &l);
    if (control == SRV_DEVCTL_ENUM_FILES)
        srv_durable_for_each_disconnected(e, list_disconnected, &l);
    srv_devctl_list_end(out, begin, l.count);
    return wr_ok(out) ? STATUS_SUCCESS : STATUS_INSUFFICIENT_RESOURCES;
}

/* ---- Closing --------------------------------------------------------------------- */

/* Copies a result into the IRP's output buffer. */
static NTSTATUS answer(struct io_irp *irp, const struct buf *out)
{
    irp->status_block.information = out->len;
    if (!wr_ok(out))
        return STATUS_INSUFFICIENT_RESOURCES;
    if (out->len > irp->args.io_control.output_length || !irp->args.io_control.output_buffer)
        return STATUS_BUFFER_TOO_SMALL; /* information says how much is needed */
    memcpy(irp->args.io_control.output_buffer, out->data, out->len);
    return STATUS_SUCCESS;
}


static NTSTATUS close_session(struct srv_engine *e, uint64_t id, uint32_t *affected)
{
    struct srv_conn *conn;
    struct srv_session *s;
    NTSTATUS status = srv_engine_find_session(e, id, &conn, &s);
    if (status != STATUS_SUCCESS)
        return status;
    pthread_mutex_lock(&s->lock);
    char user[sizeof s->user_name];
    snprintf(user, sizeof user, "%s", s->user_name[0] ? s->user_name : "(anonymous)");
    pthread_mutex_unlock(&s->lock);
    log_info("srv: %s: session 0x%016" PRIx64 " (%s) closed by an administrator", conn->peer,
             id, user);
    /* What LOGOFF does: requests waiting on its files end, it leaves the
     * connection's table, dead, with its tree connects and opens; the
     * client's next request on it fails with STATUS_USER_SESSION_DELETED. */
    smb2_cancel_on(conn, s, NULL, NULL);
    srv_conn_remove_session(conn, s);
    srv_session_unref(s);
    srv_conn_unref(conn);
    *affected = 1;
    return STATUS_SUCCESS;
}

/* The open with this listing id (srv_open.list_id, unique on the server;
 * in this session, unless session_id is 0), with references on it, its
 * session and connection. STATUS_NOT_FOUND if none; (a collision,
 * STATUS_OBJECT_NAME_COLLISION, cannot happen any more with unique ids, but
 * stays guarded.) */
static NTSTATUS find_open(struct srv_engine *e, uint64_t session_id, uint64_t file_id,
                          struct srv_conn **conn_out, struct srv_session **session_out,
                          struct srv_open **open_out)
{
    size_t matches = 0;
    *conn_out = NULL;
    *session_out = NULL;
    *open_out = NULL;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *conn = e->conns; conn; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        for (size_t i = 0; !conn->dead && i < conn->session_count; i++) {
            struct srv_session *s = conn->sessions[i];
            if (session_id && s->id != session_id)
                continue;
            pthread_mutex_lock(&s->lock);
            bool here = srv_session_listed_on(s, conn->id); /* once per session */
            for (size_t j = 0; here && !s->dead && j < s->open_count; j++) {
                if (s->opens[j]->list_id != file_id || matches++)
                    continue;
                *open_out = s->opens[j];
                srv_open_ref(*open_out);
                *session_out = s;
                srv_session_ref(s);
                *conn_out = conn;
                srv_conn_ref(conn);
            }
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&e->lock);
    if (matches == 1)
        return STATUS_SUCCESS;
    if (*open_out) {
        srv_open_unref(*open_out);
        srv_session_unref(*session_out);
        srv_conn_unref(*conn_out);
        *open_out = NULL;
        *session_out = NULL;
        *conn_out = NULL;
    }
    return matches ? STATUS_OBJECT_NAME_COLLISION : STATUS_NOT_FOUND;
}

/* The I/O manager closed the file: the close control is answered. */
static void file_closed(void *context, NTSTATUS status)
{
    struct io_irp *irp = context;
    (void)status; /* a driver's close error is logged by the I/O manager */
    struct buf out;
    buf_init(&out);
    srv_devctl_write_result(&out, 1);
    NTSTATUS answered = answer(irp, &out);
    buf_free(&out);
    irp->status_block.status = answered;
    IoIrpComplete(irp);
}

/* What CLOSE does, for an administrator: the open leaves its session's table
 * at once (the client's handle then fails with STATUS_FILE_CLOSED), whatever
 * waits on it ends, and the IRP is completed once the file is closed. */
static NTSTATUS close_file(struct srv_engine *e, struct io_irp *irp, uint64_t session_id,
                           uint64_t file_id)
{
    struct srv_conn *conn;
    struct srv_session *s;
    struct srv_open *found;
    NTSTATUS status = find_open(e, session_id, file_id, &conn, &s, &found);
    if (status != STATUS_SUCCESS)
        return status;
    struct srv_open *o = srv_session_take_open(s, found->persistent_id, found->id);
    srv_open_unref(found);
    if (!o) {
        status = STATUS_NOT_FOUND; /* closed meanwhile (CLOSE, logoff) */
    } else {
        log_info("srv: %s: file %s\\%s (session 0x%016" PRIx64 ") closed by an administrator",
                 conn->peer, o->tree->share.name, o->path, s->id);
        smb2_cancel_on(conn, NULL, NULL, o);
        IoIrpMarkPending(irp, NULL, NULL); /* bounded: cancelled I/O ends */
        srv_open_close(o, file_closed, irp);
        srv_open_unref(o); /* the table's reference; the close holds its own */
        status = STATUS_PENDING;
    }
    srv_session_unref(s);
    srv_conn_unref(conn);
    return status;
}

/* ---- Reloading shares (reload.c) -------------------------------------------------- */

struct reload_work {
    struct srv_engine *engine;
    struct io_irp *irp;
};

static void reload_run(void *context)
{
    struct reload_work *w = context;
    uint32_t dropped = srv_engine_reload_shares(w->engine);
    struct buf out;
    buf_init(&out);
    srv_devctl_write_result(&out, dropped);
    NTSTATUS status = answer(w->irp, &out);
    buf_free(&out);
    if (status != STATUS_SUCCESS && status != STATUS_BUFFER_TOO_SMALL)
        w->irp->status_block.information = 0;
    w->irp->status_block.status = status;
    IoIrpComplete(w->irp);
    free(w);
}

/* ---- Dispatch ----------------------------------------------------------------------- */

static NTSTATUS control(struct srv_engine *e, struct io_irp *irp)
{
    uint32_t code = irp->args.io_control.control_code;
    struct srv_devctl_request request;
    NTSTATUS status = srv_devctl_request_read(code, irp->args.io_control.input_buffer,
                                              irp->args.io_control.input_length, &request);
    if (status == STATUS_INVALID_PARAMETER &&
        (code >> 16) != SRV_DEVCTL_DEVICE_TYPE)
        return STATUS_INVALID_DEVICE_REQUEST; /* not one of ours at all */
    if (status != STATUS_SUCCESS)
        return status;
    if (!e)
        return STATUS_NO_SUCH_DEVICE;
    if (!srv_devctl_allowed(code, irp->token))
        return STATUS_ACCESS_DENIED;

    if (code == SRV_DEVCTL_CLOSE_FILE)
        return close_file(e, irp, request.session_id, request.file_id);
    if (code == SRV_DEVCTL_RELOAD_SHARES) {
        struct reload_work *w = calloc(1, sizeof *w);
        if (!w)
            return STATUS_INSUFFICIENT_RESOURCES;
        w->engine = e;
        w->irp = irp;
        IoIrpMarkPending(irp, NULL, NULL); /* bounded: a few database reads */
        status = srv_engine_queue_work(e, reload_run, w);
        if (status != STATUS_SUCCESS) {
            free(w);
            irp->status_block.status = status;
            IoIrpComplete(irp);
        }
        return STATUS_PENDING;
    }

    struct buf out;
    buf_init_limit(&out, SRV_DEVCTL_MAX_ANSWER);
    uint32_t affected = 0;
    switch (code) {
    case SRV_DEVCTL_CLOSE_SESSION:
        status = close_session(e, request.session_id, &affected);
        srv_devctl_write_result(&out, affected);
        break;
    case SRV_DEVCTL_STATS:
        status = srv_stats_write(e, &out);
        break;
    default:
        status = enumerate(e, code, &out);
        break;
    }
    if (status == STATUS_SUCCESS)
        status = answer(irp, &out);
    buf_free(&out);
    return status;
}

NTSTATUS srv_devctl_dispatch(struct srv_engine *engine, struct io_irp *irp)
{
    NTSTATUS status;
    irp->status_block.information = 0;
    switch (irp->type) {
    case IRP_TYPE_CREATE:
        /* Only the device itself opens: \srv has no names below it. */
        status = irp->args.create.path[0] ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_SUCCESS;
        if (status == STATUS_SUCCESS)
            irp->status_block.information = FILE_OPENED;
        break;
    case IRP_TYPE_CLOSE:
        status = STATUS_SUCCESS;
        break;
    case IRP_TYPE_DEVICE_IO_CONTROL:
    case IRP_TYPE_FS_CONTROL:
        status = control(engine, irp);
        break;
    default:
        status = STATUS_INVALID_DEVICE_REQUEST;
        break;
    }
    if (status != STATUS_PENDING) {
        if (NT_ERROR(status) && status != STATUS_BUFFER_TOO_SMALL)
            irp->status_block.information = 0;
        irp->status_block.status = status;
    }
    return status;
}
