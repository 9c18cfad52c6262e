/* Connections of the lwiod socket server (private to server.c and
 * server_ops.c).
 *
 * Threads: one loop thread accepts, reads and decodes requests, issues them
 * to the I/O manager, and writes responses. Completions arrive on any thread:
 * they append the response to the connection's output and wake the loop.
 *
 * Lifetime: a connection has one reference for the loop (dropped when it is
 * killed), one per request in flight, and one while it sits on the server's
 * dirty list. A killed ("dead") connection has no socket; completions for it
 * are dropped, and files created for it are closed.
 *
 * Locks: conn->lock guards the output buffer, the handle table, the list of
 * requests in flight and the dead flag; server->lock (the dirty list) nests
 * inside it. No lock is held while calling into the I/O manager. */
#ifndef SW_LWIOD_SERVER_CONN_H
#define SW_LWIOD_SERVER_CONN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/token.h"
#include "lwiod/client/protocol.h"
#include "lwiod/driver.h"

#define CONN_MAX_IN_FLIGHT 4096u
#define CONN_MAX_HANDLES 65536u
/* Stop reading a client's requests while this much output waits for it. */
#define CONN_OUTPUT_THROTTLE (32u * 1024u * 1024u)

struct lwiod_server;
struct op;

struct handle_slot {
    struct io_file *file;   /* NULL: free */
    uint32_t generation;
};

struct conn {
    int fd;
    struct lwiod_server *server;
    pthread_mutex_t lock;
    atomic_uint refs;
    bool dead;
    bool hello_done;
    bool close_when_flushed;       /* refused at HELLO: goodbye after the answer */
    struct access_token *token;    /* NULL: this peer is refused */
    unsigned long uid;

    /* Input, loop thread only. */
    uint8_t prefix[4];
    size_t prefix_got;
    uint8_t *frame;
    uint32_t frame_len;
    uint32_t frame_got;

    /* Output, under lock. */
    struct buf out;
    size_t out_sent;
    bool on_dirty_list;
    struct conn *dirty_next;
    uint32_t epoll_events;         /* loop thread only */

    /* Handles: value = generation << 32 | (slot + 1). Under lock. */
    struct handle_slot *slots;
    uint32_t slot_count;
    uint32_t handles_used;

    struct op *ops;                /* in flight, under lock */
    unsigned op_count;
    struct conn *prev, *next;      /* server's list, loop thread only */
};

struct op {
    struct conn *conn;
    atomic_uint refs;              /* the submitter's and the completion's */
    struct op *prev, *next;        /* conn->ops */
    uint8_t *frame;                /* the request's bytes; req points into it */
    struct lwio_request req;
    struct io_status_block status;
    struct io_async_control async;
    struct io_file *new_file;      /* create */
    struct io_ecp_list *ecps;
    uint8_t *output;
    uint32_t output_length;
};

void conn_ref(struct conn *conn);
void conn_unref(struct conn *conn);
/* Queues a response frame (dropped if dead) and wakes the loop. */
void conn_send(struct conn *conn, const struct lwio_response *response);

struct io_file *conn_handle_lookup(struct conn *conn, uint64_t handle);
/* Under conn->lock: a new handle for file; 0 when the table is full. */
uint64_t conn_handle_add_locked(struct conn *conn, struct io_file *file);
/* Removes a handle, returning its file (NULL if unknown). */
struct io_file *conn_handle_take(struct conn *conn, uint64_t handle);

/* server_ops.c: runs one decoded request (takes ownership of frame). */
void ops_submit(struct conn *conn, uint8_t *frame, struct lwio_request *request);
/* Cancels every request in flight on a dead connection. */
void ops_cancel_all(struct conn *conn);
/* CANCEL: requests cancellation of the request with that id, if in flight. */
void ops_cancel(struct conn *conn, uint32_t request_id);
/* Closes a file nobody will use again (asynchronously). */
void ops_close_orphan(struct io_file *file);

#endif
