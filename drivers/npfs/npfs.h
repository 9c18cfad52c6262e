/* npfs: in-memory named pipes, the \npfs device.
 *
 * A pipe is a name with creation parameters and a set of instances. Each
 * instance pairs one server end (made by a create carrying the
 * IO_ECP_TYPE_NAMED_PIPE ECP) with at most one client end (a plain create of
 * \npfs\NAME), and holds one message queue per direction. A file's context is
 * a CCB ("context control block", the NT name): which end of which instance.
 *
 * Instance states ([MS-FSCC] 2.4.31 NamedPipeState):
 *   LISTENING     created or re-listened; a client may connect
 *   CONNECTED     a client end is attached
 *   CLOSING       the client end closed; the server may read what is left,
 *                 then must FSCTL_PIPE_DISCONNECT
 *   DISCONNECTED  after FSCTL_PIPE_DISCONNECT, until FSCTL_PIPE_LISTEN
 *
 * Locking: one mutex (npfs.lock) guards every pipe, instance, CCB and queue.
 * IRPs are never completed under it: a routine collects the IRPs it finished
 * in a struct npfs_done and completes them after unlocking (driver.h rule). */
#ifndef SW_DRIVERS_NPFS_H
#define SW_DRIVERS_NPFS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwiod/driver.h"

/* Bytes a direction may hold before writes fail: a reader that never reads
 * must not make lwiod grow without bound. */
#define NPFS_MAX_QUEUED (16u * 1024u * 1024u)

struct npfs_message {
    struct npfs_message *next;
    size_t size;
    size_t consumed;      /* bytes already read (byte mode, or a partial message read) */
    uint8_t data[];
};

struct npfs_queue {
    struct npfs_message *head, *tail;
    size_t bytes;         /* unread bytes */
    size_t messages;
};

/* A pending IRP (listen, read or transceive) parked on an instance. */
struct npfs_waiter {
    struct io_irp *irp;
    struct npfs_waiter *next;
};

struct npfs_wait_list {
    struct npfs_waiter *head, *tail;
};

enum npfs_end { NPFS_END_CLIENT = 0, NPFS_END_SERVER = 1 }; /* FILE_PIPE_*_END */

struct npfs_pipe;
struct npfs_instance;

struct npfs_ccb {
    bool is_root;                  /* \npfs itself */
    enum npfs_end end;
    struct npfs_instance *instance; /* NULL: a client end cut off from its server */
    NTSTATUS detached_status;       /* what a cut-off client end answers */
    uint32_t read_mode;
    uint32_t completion_mode;
};

struct npfs_instance {
    struct npfs_pipe *pipe;
    uint32_t state;                /* FILE_PIPE_*_STATE */
    struct npfs_ccb *server;
    struct npfs_ccb *client;
    struct npfs_queue to_server, to_client;
    struct npfs_wait_list listeners;
    struct npfs_wait_list server_reads, client_reads; /* reads and transceives */
    /* What the client end sent at create, for the server (the RPC services). */
    struct access_token *client_token;
    uint8_t *session_key;
    size_t session_key_size;
    char *peer_address;
    struct npfs_instance *next;
};

struct npfs_pipe {
    char *name;
    uint32_t named_pipe_type;
    uint32_t read_mode;
    uint32_t completion_mode;
    uint32_t maximum_instances;
    uint32_t inbound_quota, outbound_quota;
    unsigned instance_count;
    struct npfs_instance *instances;
    struct npfs_pipe *next;
};

struct npfs {
    pthread_mutex_t lock;
    struct npfs_pipe *pipes;
};

extern struct npfs npfs;

/* IRPs finished under the lock, completed after it. */
struct npfs_done {
    struct npfs_waiter *head;
};
void npfs_done_add(struct npfs_done *done, struct npfs_waiter *waiter, NTSTATUS status,
                   uint64_t information);
/* Completes and frees everything collected; call without npfs.lock. */
void npfs_done_complete(struct npfs_done *done);

/* queue.c */
bool npfs_queue_push(struct npfs_queue *queue, const void *data, size_t size);
/* Reads into buffer by the read mode; sets *read. STATUS_BUFFER_OVERFLOW when
 * a message did not fit (the rest stays queued). Queue must not be empty. */
NTSTATUS npfs_queue_read(struct npfs_queue *queue, uint32_t read_mode, void *buffer,
                         uint32_t length, uint32_t *read);
void npfs_queue_clear(struct npfs_queue *queue);
void npfs_wait_push(struct npfs_wait_list *list, struct npfs_waiter *waiter);
struct npfs_waiter *npfs_wait_pop(struct npfs_wait_list *list);
bool npfs_wait_remove(struct npfs_wait_list *list, struct io_irp *irp, struct npfs_waiter **out);
/* Moves every waiter of list to done with the status. */
void npfs_wait_fail_all(struct npfs_wait_list *list, struct npfs_done *done, NTSTATUS status);
/* Parks an IRP (reads, transceives, listens) with npfs_cancel as its cancel
 * routine; STATUS_PENDING or STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS npfs_park(struct npfs_wait_list *list, struct io_irp *irp);
/* Hands queued data to the parked readers of that queue while both last. */
void npfs_feed_readers(struct npfs_queue *queue, struct npfs_wait_list *readers,
                       uint32_t read_mode, struct npfs_done *done);

/* The queue an end reads from, its parked readers, and the peer's. */
struct npfs_queue *npfs_inbound(struct npfs_instance *instance, enum npfs_end end);
struct npfs_queue *npfs_outbound(struct npfs_instance *instance, enum npfs_end end);
struct npfs_wait_list *npfs_readers(struct npfs_instance *instance, enum npfs_end end);

/* Queues a write from an end to its peer and feeds the peer's parked readers. */
NTSTATUS npfs_send(struct npfs_ccb *ccb, const void *data, uint32_t length,
                   struct npfs_done *done);
/* Why an end cannot transfer data now, or STATUS_SUCCESS (lock held). */
NTSTATUS npfs_check_connected(struct npfs_ccb *ccb, bool for_write);

/* Handlers, each called with the IRP and its CCB, without the lock. */
NTSTATUS npfs_create(struct io_irp *irp);
NTSTATUS npfs_close(struct io_irp *irp, struct npfs_ccb *ccb);
NTSTATUS npfs_read(struct io_irp *irp, struct npfs_ccb *ccb);
NTSTATUS npfs_write(struct io_irp *irp, struct npfs_ccb *ccb);
NTSTATUS npfs_fs_control(struct io_irp *irp, struct npfs_ccb *ccb);
NTSTATUS npfs_query_information(struct io_irp *irp, struct npfs_ccb *ccb);
NTSTATUS npfs_set_information(struct io_irp *irp, struct npfs_ccb *ccb);
NTSTATUS npfs_query_volume_information(struct io_irp *irp, struct npfs_ccb *ccb);

/* Frees an instance's client-side data (token, key, address). */
void npfs_instance_forget_client(struct npfs_instance *instance);

#endif
