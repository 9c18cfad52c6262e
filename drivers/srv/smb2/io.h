/* One I/O manager call made for a request element (smb2/io.c).
 *
 * A handler prepares it with smb2_io_begin (the request is parked, the
 * session's token referenced, an I/O counted on the open), makes the Io* call with
 * &io->async and &io->iosb, and hands the call's return value to
 * smb2_io_issued. Then io->done(io) runs exactly once, on whatever thread
 * finished the call (possibly before smb2_io_issued returns); it writes the
 * response body and ends with smb2_io_finish, or issues a follow-up call
 * after smb2_io_again. A CANCEL of the request reaches the I/O manager
 * through IoCancel. Everything lives as long as the request. */
#ifndef SW_SRV_SMB2_IO_H
#define SW_SRV_SMB2_IO_H

#include <pthread.h>

#include "drivers/srv/smb2/request.h"
#include "lwiod/driver.h"

struct smb2_io;
typedef void (*smb2_io_done_fn)(struct smb2_io *io);

struct smb2_io {
    struct smb2_request *req;
    struct srv_open *open;          /* reference with a counted I/O; NULL for CREATE */
    struct access_token *token;     /* reference to the session's token */
    struct io_async_control async;
    struct io_status_block iosb;
    smb2_io_done_fn done;
    pthread_mutex_t lock;
    bool pending, finished, cancelling, cancel_requested;
    uint8_t *buffer;                /* output buffer of buffer_size bytes */
    size_t buffer_size;
    void *state;                    /* the command's own */
};

/* Prepares a call for req's current element. open may be NULL. buffer_size
 * bytes of output buffer are allocated. STATUS_FILE_CLOSED if the open is
 * closing; on failure the request is not parked. */
NTSTATUS smb2_io_begin(struct smb2_request *req, struct srv_open *open, smb2_io_done_fn done,
                       size_t buffer_size, struct smb2_io **io);
/* The Io* call's return value (STATUS_PENDING, or the final status). */
void smb2_io_issued(struct smb2_io *io, NTSTATUS status);
/* Instead of smb2_io_issued when the handler makes no call after all: it
 * ends the element itself (smb2_io_finish) later or now. */
void smb2_io_detach(struct smb2_io *io);
/* From done(): prepares a follow-up call on the same open. */
void smb2_io_again(struct smb2_io *io, smb2_io_done_fn done);
/* From done(): the element's final status; resumes the request. */
void smb2_io_finish(struct smb2_io *io, NTSTATUS status);

/* The open a FileId names for the current element: in a related compound
 * all-ones means the previous CREATE's. STATUS_FILE_CLOSED if unknown or on
 * another tree. A new reference. */
NTSTATUS smb2_lookup_open(struct smb2_request *req, uint64_t persistent, uint64_t volatile_id,
                          struct srv_open **open);

/* UTF-16LE name from the request to UTF-8 with the share's path prefixed:
 * "\pvfs\srv\data\dir\a.txt". An empty name is the share root. */
NTSTATUS smb2_share_path(const struct srv_tree *tree, struct buf_reader *name, char **path,
                         char **relative);

#endif
