/* srvctl's controls on the \srv device (devctl.h; docs/srvctl.md): today the
 * share reload. srvsvcd's listings and closes are live.c's.
 *
 * The reload compares every tree connect with the share database and
 * disconnects those whose share was deleted or now names another directory
 * or type, as TREE_DISCONNECT would. The tree connects are collected, with
 * references, under the locks in their documented order (engine ->
 * connection -> session, server.h); the database is asked with no srv lock
 * held, on a worker (it may block), and the IRP pends meanwhile. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/devctl.h"
#include "drivers/srv/server.h"
#include "drivers/srv/smb2/request.h"
#include "lib/log.h"
#include "lwiod/driver.h"

/* One tree connect to check, with references on its connection, session
 * and itself. */
struct tree_ref {
    struct srv_conn *conn;
    struct srv_session *session;
    struct srv_tree *tree;
};

struct tree_refs {
    struct tree_ref *items;
    size_t count, capacity;
    bool failed;
};

static bool add_ref(struct tree_refs *refs, struct srv_conn *conn, struct srv_session *s,
                    struct srv_tree *tree)
{
    if (refs->count == refs->capacity) {
        size_t cap = refs->capacity ? refs->capacity * 2 : 16;
        struct tree_ref *grown = realloc(refs->items, cap * sizeof *grown);
        if (!grown)
            return false;
        refs->items = grown;
        refs->capacity = cap;
    }
    struct tree_ref *r = &refs->items[refs->count++];
    srv_conn_ref(conn);
    srv_session_ref(s);
    srv_tree_ref(tree);
    *r = (struct tree_ref){ conn, s, tree };
    return true;
}

/* Every tree connect of every session, logged on or not. */
static void collect_trees(struct srv_engine *e, struct tree_refs *refs)
{
    pthread_mutex_lock(&e->lock);
    for (struct srv_conn *conn = e->conns; conn && !refs->failed; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        for (size_t i = 0; !conn->dead && i < conn->session_count && !refs->failed; i++) {
            struct srv_session *s = conn->sessions[i];
            pthread_mutex_lock(&s->lock);
            for (size_t t = 0; !s->dead && t < s->tree_count && !refs->failed; t++)
                refs->failed = !add_ref(refs, conn, s, s->trees[t]);
            pthread_mutex_unlock(&s->lock);
        }
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&e->lock);
}

/* Whether a tree connect still matches its share in the database. Any
 * lookup error but "no such share" keeps it: a busy database is no reason
 * to disconnect anyone. */
static bool share_still_valid(struct srv_engine *e, const struct srv_tree *tree)
{
    struct srv_share_info now;
    memset(&now, 0, sizeof now);
    NTSTATUS status = e->config.shares.lookup(e->config.shares.context, tree->share.name, &now);
    bool valid = true;
    if (status == STATUS_BAD_NETWORK_NAME)
        valid = false;
    else if (status == STATUS_SUCCESS)
        valid = now.type == tree->share.type && strcmp(now.path, tree->share.path) == 0;
    else
        log_warning("srv: reloading shares: %s: %s; its tree connects stay", tree->share.name,
                    nt_status_name(status));
    srv_share_info_clear(&now);
    return valid;
}

/* The number of tree connects dropped; STATUS_INSUFFICIENT_RESOURCES (and
 * nothing dropped) if they could not all be collected. */
static NTSTATUS reload_shares(struct srv_engine *e, uint32_t *dropped)
{
    struct tree_refs refs = { 0 };
    collect_trees(e, &refs);
    *dropped = 0;
    for (size_t i = 0; i < refs.count; i++) {
        struct tree_ref *r = &refs.items[i];
        if (!refs.failed && !share_still_valid(e, r->tree)) {
            log_info("srv: %s: share %s is gone or moved; disconnecting tree connect %" PRIu32,
                     r->conn->peer, r->tree->share.name, r->tree->id);
            /* What TREE_DISCONNECT does: what waits on the tree ends, its
             * opens close, and the client's next request on it fails with
             * STATUS_NETWORK_NAME_DELETED. */
            smb2_cancel_on(r->conn, NULL, r->tree, NULL);
            srv_session_remove_tree(r->session, r->tree);
            (*dropped)++;
        }
        srv_tree_unref(r->tree);
        srv_session_unref(r->session);
        srv_conn_unref(r->conn);
    }
    free(refs.items);
    return refs.failed ? STATUS_INSUFFICIENT_RESOURCES : STATUS_SUCCESS;
}

struct reload_work {
    struct srv_engine *engine;
    struct io_irp *irp;
};

static void reload_run(void *context)
{
    struct reload_work *w = context;
    struct io_irp *irp = w->irp;
    uint32_t dropped;
    NTSTATUS status = reload_shares(w->engine, &dropped);
    irp->status_block.information = 0;
    if (status == STATUS_SUCCESS) {
        struct buf out;
        buf_init(&out);
        srv_devctl_write_result(&out, dropped);
        if (!wr_ok(&out)) {
            status = STATUS_INSUFFICIENT_RESOURCES;
        } else if (out.len > irp->args.io_control.output_length ||
                   !irp->args.io_control.output_buffer) {
            status = STATUS_BUFFER_TOO_SMALL; /* information: the size needed */
            irp->status_block.information = out.len;
        } else {
            memcpy(irp->args.io_control.output_buffer, out.data, out.len);
            irp->status_block.information = out.len;
        }
        buf_free(&out);
    }
    irp->status_block.status = status;
    IoIrpComplete(irp);
    free(w);
}

bool srv_devctl_handles(const struct io_irp *irp)
{
    return (irp->type == IRP_TYPE_DEVICE_IO_CONTROL || irp->type == IRP_TYPE_FS_CONTROL) &&
           irp->args.io_control.control_code >> 16 == SRV_DEVCTL_DEVICE_TYPE;
}

static NTSTATUS control(struct srv_engine *e, struct io_irp *irp)
{
    uint32_t code = irp->args.io_control.control_code;
    if (code != SRV_DEVCTL_RELOAD_SHARES)
        return STATUS_INVALID_DEVICE_REQUEST;
    NTSTATUS status = srv_devctl_request_read(code, irp->args.io_control.input_buffer,
                                              irp->args.io_control.input_length);
    if (status != STATUS_SUCCESS)
        return status;
    if (!e)
        return STATUS_NO_SUCH_DEVICE;
    if (!srv_devctl_allowed(code, irp->token))
        return STATUS_ACCESS_DENIED;
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
        irp->status_block.information = 0;
        IoIrpComplete(irp);
    }
    return STATUS_PENDING;
}

NTSTATUS srv_devctl_dispatch(struct srv_engine *engine, struct io_irp *irp)
{
    NTSTATUS status = srv_devctl_handles(irp) ? control(engine, irp)
                                              : STATUS_INVALID_DEVICE_REQUEST;
    if (status != STATUS_PENDING) {
        irp->status_block.status = status;
        irp->status_block.information = 0;
    }
    return status;
}
