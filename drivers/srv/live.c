/* The \srv device controls (contract: srvsvc/srv_live.h): srvsvcd asks
 * what is connected right now (NetrSessionEnum, NetrConnectionEnum,
 * NetrFileEnum) and closes sessions and files (NetrSessionDel,
 * NetrFileClose). Everything is in memory, so every control completes at
 * once; the walk takes the locks in their documented order (engine ->
 * connection -> session) and calls nothing outside srv while holding them. */
#include <stdio.h>
#include <string.h>

#include "drivers/srv/server.h"
#include "drivers/srv/smb2/request.h"
#include "srvsvc/srv_live.h"

static void wr_str(struct buf *b, const char *s)
{
    size_t len = strnlen(s, 1024);
    wr_u16(b, (uint16_t)len);
    wr_bytes(b, s, len);
}

static const char *dialect_name(uint16_t d)
{
    switch (d) {
    case SMB2_DIALECT_202: return "SMB 2.0.2";
    case SMB2_DIALECT_210: return "SMB 2.1";
    case SMB2_DIALECT_300: return "SMB 3.0";
    case SMB2_DIALECT_302: return "SMB 3.0.2";
    case SMB2_DIALECT_311: return "SMB 3.1.1";
    default: return "SMB 2";
    }
}

static uint32_t opens_of(const struct srv_session *s, const struct srv_tree *tree)
{
    uint32_t n = 0;
    for (size_t i = 0; i < s->open_count; i++)
        if (!tree || s->opens[i]->tree == tree)
            n++;
    return n;
}

/* The POSIX path of an open, for NetrFileEnum: the share's directory (its
 * \pvfs path with slashes) joined with the share-relative name; pipes as
 * Windows shows them, \PIPE\name. */
static void posix_path(const struct srv_open *o, char *out, size_t size)
{
    if (o->is_pipe) {
        snprintf(out, size, "\\PIPE\\%s", o->path);
        return;
    }
    const char *dir = o->tree->share.path;
    if (strncmp(dir, "\\pvfs", 5) == 0)
        dir += 5;
    snprintf(out, size, "%s%s%s", dir, o->path[0] ? "/" : "", o->path);
    for (char *p = out; *p; p++)
        if (*p == '\\')
            *p = '/';
    if (!out[0])
        snprintf(out, size, "/");
}

enum listing { LIST_SESSIONS, LIST_TREES, LIST_FILES };

static void list(struct srv_engine *e, enum listing what, struct buf *b)
{
    uint64_t now = srv_monotonic_seconds();
    size_t count_at = wr_reserve(b, 4);
    uint32_t count = 0;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *c = e->conns; c; c = c->next) {
        pthread_mutex_lock(&c->lock);
        for (size_t i = 0; i < c->session_count; i++) {
            struct srv_session *s = c->sessions[i];
            pthread_mutex_lock(&s->lock);
            if (s->state != SRV_SESSION_VALID || s->dead) {
                pthread_mutex_unlock(&s->lock);
                continue;
            }
            if (what == LIST_SESSIONS) {
                wr_u32(b, s->live_id);
                wr_u32(b, opens_of(s, NULL));
                wr_u32(b, (uint32_t)(now - s->created));
                wr_u32(b, (uint32_t)(now - atomic_load(&s->last_used)));
                wr_u32(b, (s->is_guest ? SESS_GUEST : 0) | (s->encrypt_data ? 0 : SESS_NOENCRYPTION));
                wr_str(b, s->client);
                wr_str(b, s->user_name);
                wr_str(b, dialect_name(s->dialect));
                wr_str(b, "TCP");
                count++;
            } else if (what == LIST_TREES) {
                for (size_t t = 0; t < s->tree_count; t++) {
                    struct srv_tree *tree = s->trees[t];
                    wr_u32(b, tree->live_id);
                    wr_u32(b, tree->share.type == SRV_SHARE_PIPE ? STYPE_IPC : STYPE_DISKTREE);
                    wr_u32(b, opens_of(s, tree));
                    wr_u32(b, (uint32_t)(now - tree->created));
                    wr_str(b, tree->share.name);
                    wr_str(b, s->client);
                    wr_str(b, s->user_name);
                    count++;
                }
            } else {
                for (size_t f = 0; f < s->open_count; f++) {
                    struct srv_open *o = s->opens[f];
                    char path[1600];
                    posix_path(o, path, sizeof path);
                    uint32_t perms = 0;
                    if (o->access & FILE_READ_DATA)
                        perms |= PERM_FILE_READ;
                    if (o->access & (FILE_WRITE_DATA | FILE_APPEND_DATA))
                        perms |= PERM_FILE_WRITE;
                    if (o->created)
                        perms |= PERM_FILE_CREATE;
                    wr_u32(b, o->live_id);
                    wr_u32(b, perms);
                    wr_u32(b, 0); /* byte-range locks are pvfs's; not counted here */
                    wr_str(b, path);
                    wr_str(b, o->tree->share.name);
                    wr_str(b, s->user_name);
                    count++;
                }
            }
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&e->lock);
    wr_put_u32_at(b, count_at, count);
}

/* Finds the session (and its connection) with a live id; new references. */
static bool find_session(struct srv_engine *e, uint32_t live_id, struct srv_conn **conn,
                         struct srv_session **session)
{
    bool found = false;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *c = e->conns; c && !found; c = c->next) {
        pthread_mutex_lock(&c->lock);
        for (size_t i = 0; i < c->session_count && !found; i++) {
            if (c->sessions[i]->live_id == live_id) {
                srv_conn_ref(c);
                srv_session_ref(c->sessions[i]);
                *conn = c;
                *session = c->sessions[i];
                found = true;
            }
        }
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&e->lock);
    return found;
}

/* Finds the open with a live id; new references on it and its owners. */
static bool find_open(struct srv_engine *e, uint32_t live_id, struct srv_conn **conn,
                      struct srv_session **session, struct srv_open **open)
{
    bool found = false;
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *c = e->conns; c && !found; c = c->next) {
        pthread_mutex_lock(&c->lock);
        for (size_t i = 0; i < c->session_count && !found; i++) {
            struct srv_session *s = c->sessions[i];
            pthread_mutex_lock(&s->lock);
            for (size_t f = 0; f < s->open_count && !found; f++) {
                if (s->opens[f]->live_id == live_id) {
                    srv_conn_ref(c);
                    srv_session_ref(s);
                    srv_open_ref(s->opens[f]);
                    *conn = c;
                    *session = s;
                    *open = s->opens[f];
                    found = true;
                }
            }
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&e->lock);
    return found;
}

NTSTATUS srv_live_control(struct srv_engine *engine, uint32_t control, const void *input,
                          uint32_t input_length, void *output, uint32_t output_length,
                          uint64_t *information)
{
    *information = 0;
    if (control == SRV_IOCTL_CLOSE_SESSION || control == SRV_IOCTL_CLOSE_FILE) {
        struct buf_reader r;
        rd_init(&r, input, input_length);
        uint32_t id = rd_u32(&r);
        if (!rd_ok(&r))
            return STATUS_INVALID_PARAMETER;
        struct srv_conn *conn;
        struct srv_session *session;
        if (control == SRV_IOCTL_CLOSE_SESSION) {
            if (!find_session(engine, id, &conn, &session))
                return STATUS_NOT_FOUND;
            /* As a LOGOFF: what waits on the session ends, then it goes. */
            smb2_cancel_on(conn, session, NULL, NULL);
            srv_conn_remove_session(conn, session);
        } else {
            struct srv_open *open;
            if (!find_open(engine, id, &conn, &session, &open))
                return STATUS_NOT_FOUND;
            struct srv_open *taken = srv_session_take_open(session, open->id, open->id);
            if (taken) {
                smb2_cancel_on(conn, NULL, NULL, taken);
                srv_open_close(taken, NULL, NULL);
                srv_open_unref(taken);
            }
            srv_open_unref(open);
        }
        srv_session_unref(session);
        srv_conn_unref(conn);
        return STATUS_SUCCESS;
    }
    enum listing what;
    if (control == SRV_IOCTL_ENUM_SESSIONS)
        what = LIST_SESSIONS;
    else if (control == SRV_IOCTL_ENUM_TREES)
        what = LIST_TREES;
    else if (control == SRV_IOCTL_ENUM_FILES)
        what = LIST_FILES;
    else
        return STATUS_INVALID_DEVICE_REQUEST;
    struct buf b;
    buf_init(&b);
    list(engine, what, &b);
    NTSTATUS status;
    if (!wr_ok(&b)) {
        status = STATUS_INSUFFICIENT_RESOURCES;
    } else if (b.len > output_length) {
        *information = b.len; /* the size that would do */
        status = STATUS_BUFFER_TOO_SMALL;
    } else {
        memcpy(output, b.data, b.len);
        *information = b.len;
        status = STATUS_SUCCESS;
    }
    buf_free(&b);
    return status;
}
