/* I/O manager calls on behalf of request elements: parking, completion,
 * cancellation (see io.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/srv/smb2/io.h"
#include "lib/utf16.h"

static void io_cleanup(void *data)
{
    struct smb2_io *io = data;
    if (io->token)
        token_free(io->token);
    if (io->open)
        srv_open_unref(io->open);
    free(io->buffer);
    pthread_mutex_destroy(&io->lock);
}

static void io_completed(struct smb2_io *io)
{
    pthread_mutex_lock(&io->lock);
    io->finished = true;
    struct io_cancel_ref *ref = NULL;
    if (!io->cancelling) {
        /* A canceller using the reference releases it when it is done. */
        ref = io->async.cancel;
        io->async.cancel = NULL;
    }
    pthread_mutex_unlock(&io->lock);
    if (ref)
        IoCancelRefRelease(ref);
    io->done(io);
}

static void io_callback(void *context)
{
    io_completed(context);
}

static void io_cancel(struct smb2_request *req, void *context)
{
    struct smb2_io *io = context;
    struct io_cancel_ref *ref = NULL;
    pthread_mutex_lock(&io->lock);
    if (!io->finished) {
        if (!io->pending)
            io->cancel_requested = true; /* smb2_io_issued delivers it */
        else if (io->async.cancel) {
            io->cancelling = true;
            ref = io->async.cancel;
        }
    }
    pthread_mutex_unlock(&io->lock);
    if (!ref)
        return;
    IoCancel(ref); /* may complete the call on this very thread */
    pthread_mutex_lock(&io->lock);
    io->cancelling = false;
    bool release = io->finished;
    if (release)
        io->async.cancel = NULL;
    pthread_mutex_unlock(&io->lock);
    if (release)
        IoCancelRefRelease(ref);
}

NTSTATUS smb2_io_begin(struct smb2_request *req, struct srv_open *open, smb2_io_done_fn done,
                       size_t buffer_size, struct smb2_io **out)
{
    struct smb2_io *io = smb2_request_alloc(req, sizeof *io, io_cleanup);
    if (!io)
        return STATUS_INSUFFICIENT_RESOURCES;
    pthread_mutex_init(&io->lock, NULL);
    io->req = req;
    io->done = done;
    struct srv_session *s = req->session;
    pthread_mutex_lock(&s->lock);
    /* A reference: a re-authentication replaces s->token but the one in
     * use stays valid until this call drops it. */
    io->token = token_ref(s->token);
    pthread_mutex_unlock(&s->lock);
    if (!io->token)
        return STATUS_ACCESS_DENIED;
    if (buffer_size) {
        io->buffer = malloc(buffer_size);
        if (!io->buffer)
            return STATUS_INSUFFICIENT_RESOURCES;
        io->buffer_size = buffer_size;
    }
    if (open) {
        if (!srv_open_begin_io(open))
            return STATUS_FILE_CLOSED;
        srv_open_ref(open);
        io->open = open;
    }
    io->async.callback = io_callback;
    io->async.context = io;
    req->handler_state = io;
    req->io_open = open;
    smb2_request_park(req, io_cancel, io);
    /* Keeps req (and io with it) alive until smb2_io_issued returns, even if
     * the call completes and the request finishes on another thread first. */
    smb2_request_ref(req);
    *out = io;
    return STATUS_SUCCESS;
}

void smb2_io_issued(struct smb2_io *io, NTSTATUS status)
{
    struct smb2_request *req = io->req;
    if (status != STATUS_PENDING) {
        /* Finished at once: the callback is not called. */
        io->iosb.status = status;
        io_completed(io);
    } else {
        pthread_mutex_lock(&io->lock);
        io->pending = true;
        bool cancel = io->cancel_requested && !io->finished;
        pthread_mutex_unlock(&io->lock);
        if (cancel)
            io_cancel(req, io);
    }
    smb2_request_unref(req);
}

void smb2_io_detach(struct smb2_io *io)
{
    smb2_request_unref(io->req);
}

void smb2_io_again(struct smb2_io *io, smb2_io_done_fn done)
{
    pthread_mutex_lock(&io->lock);
    io->pending = io->finished = false;
    io->async.cancel = NULL;
    memset(&io->iosb, 0, sizeof io->iosb);
    io->done = done;
    pthread_mutex_unlock(&io->lock);
    smb2_request_ref(io->req); /* dropped by the next smb2_io_issued */
}

void smb2_io_finish(struct smb2_io *io, NTSTATUS status)
{
    io->req->io_open = NULL;
    if (io->open) {
        struct srv_open *open = io->open;
        io->open = NULL;
        srv_open_end_io(open);
        srv_open_unref(open);
    }
    smb2_request_resume(io->req, status);
}

NTSTATUS smb2_lookup_open(struct smb2_request *req, uint64_t persistent, uint64_t volatile_id,
                          struct srv_open **out)
{
    *out = NULL;
    if ((req->hdr.flags & SMB2_FLAGS_RELATED_OPERATIONS) && persistent == SMB2_FILE_ID_ANY &&
        volatile_id == SMB2_FILE_ID_ANY) {
        if (!req->related_has_file)
            return req->related_status != STATUS_SUCCESS ? req->related_status
                                                         : STATUS_FILE_CLOSED;
        persistent = req->related_file_persistent;
        volatile_id = req->related_file_volatile;
    }
    struct srv_open *open = srv_session_find_open(req->session, persistent, volatile_id);
    if (!open)
        return STATUS_FILE_CLOSED;
    if (open->tree != req->tree) {
        srv_open_unref(open);
        return STATUS_FILE_CLOSED;
    }
    /* Used: a CREATE with its CreateGuid is no longer a replay of the one
     * that made it (3.3.5.9.10; Windows makes a new open then). */
    if (atomic_load(&open->replay_eligible))
        atomic_store(&open->replay_eligible, false);
    *out = open;
    return STATUS_SUCCESS;
}

NTSTATUS smb2_share_path(const struct srv_tree *tree, struct buf_reader *name, char **path,
                         char **relative)
{
    *path = NULL;
    if (relative)
        *relative = NULL;
    size_t len = rd_remaining(name);
    if (len % 2)
        return STATUS_OBJECT_NAME_INVALID;
    char *rel = NULL;
    if (len == 0) {
        rel = strdup("");
    } else {
        NTSTATUS status = utf16le_to_utf8(rd_bytes(name, len), len, &rel);
        if (status != STATUS_SUCCESS)
            return status == STATUS_NO_MEMORY ? status : STATUS_OBJECT_NAME_INVALID;
    }
    if (!rel)
        return STATUS_NO_MEMORY;
    /* 3.3.5.9: a name starting with a separator is refused. */
    if (rel[0] == '\\' || rel[0] == '/') {
        free(rel);
        return STATUS_INVALID_PARAMETER;
    }
    size_t n = strlen(tree->share.path) + 1 + strlen(rel) + 1;
    char *full = malloc(n);
    if (!full) {
        free(rel);
        return STATUS_NO_MEMORY;
    }
    snprintf(full, n, "%s%s%s", tree->share.path, rel[0] ? "\\" : "", rel);
    *path = full;
    if (relative)
        *relative = rel;
    else
        free(rel);
    return STATUS_SUCCESS;
}
