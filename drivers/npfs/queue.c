/* Message queues, parked IRPs and deferred completion. */
#include <stdlib.h>
#include <string.h>

#include "drivers/npfs/npfs.h"

bool npfs_queue_push(struct npfs_queue *queue, const void *data, size_t size)
{
    struct npfs_message *m = malloc(sizeof *m + size);
    if (!m)
        return false;
    m->next = NULL;
    m->size = size;
    m->consumed = 0;
    if (size)
        memcpy(m->data, data, size);
    if (queue->tail)
        queue->tail->next = m;
    else
        queue->head = m;
    queue->tail = m;
    queue->bytes += size;
    queue->messages++;
    return true;
}

static void pop_head(struct npfs_queue *queue)
{
    struct npfs_message *m = queue->head;
    queue->head = m->next;
    if (!queue->head)
        queue->tail = NULL;
    queue->messages--;
    free(m);
}

NTSTATUS npfs_queue_read(struct npfs_queue *queue, uint32_t read_mode, void *buffer,
                         uint32_t length, uint32_t *read)
{
    uint8_t *out = buffer;
    size_t done = 0;
    NTSTATUS status = STATUS_SUCCESS;

    if (read_mode == FILE_PIPE_MESSAGE_MODE) {
        /* One message per read; what does not fit stays for the next read. */
        struct npfs_message *m = queue->head;
        size_t left = m->size - m->consumed;
        done = left < length ? left : length;
        if (done)
            memcpy(out, m->data + m->consumed, done);
        m->consumed += done;
        if (m->consumed == m->size)
            pop_head(queue);
        else
            status = STATUS_BUFFER_OVERFLOW;
    } else {
        while (queue->head && done < length) {
            struct npfs_message *m = queue->head;
            size_t left = m->size - m->consumed;
            size_t n = left < length - done ? left : length - done;
            if (n)
                memcpy(out + done, m->data + m->consumed, n);
            m->consumed += n;
            done += n;
            if (m->consumed == m->size)
                pop_head(queue);
        }
    }
    queue->bytes -= done;
    *read = (uint32_t)done;
    return status;
}

void npfs_queue_clear(struct npfs_queue *queue)
{
    while (queue->head)
        pop_head(queue);
    queue->bytes = 0;
}

void npfs_wait_push(struct npfs_wait_list *list, struct npfs_waiter *waiter)
{
    waiter->next = NULL;
    if (list->tail)
        list->tail->next = waiter;
    else
        list->head = waiter;
    list->tail = waiter;
}

struct npfs_waiter *npfs_wait_pop(struct npfs_wait_list *list)
{
    struct npfs_waiter *w = list->head;
    if (w) {
        list->head = w->next;
        if (!list->head)
            list->tail = NULL;
        w->next = NULL;
    }
    return w;
}

bool npfs_wait_remove(struct npfs_wait_list *list, struct io_irp *irp, struct npfs_waiter **out)
{
    struct npfs_waiter *prev = NULL;
    for (struct npfs_waiter *w = list->head; w; prev = w, w = w->next) {
        if (w->irp != irp)
            continue;
        if (prev)
            prev->next = w->next;
        else
            list->head = w->next;
        if (list->tail == w)
            list->tail = prev;
        w->next = NULL;
        *out = w;
        return true;
    }
    return false;
}

void npfs_wait_fail_all(struct npfs_wait_list *list, struct npfs_done *done, NTSTATUS status)
{
    struct npfs_waiter *w;
    while ((w = npfs_wait_pop(list)) != NULL)
        npfs_done_add(done, w, status, 0);
}

/* Where a parked reader's data goes: a read's buffer or a transceive's output. */
static void reader_target(struct io_irp *irp, void **buffer, uint32_t *length)
{
    if (irp->type == IRP_TYPE_READ) {
        *buffer = irp->args.read.buffer;
        *length = irp->args.read.length;
    } else {
        *buffer = irp->args.io_control.output_buffer;
        *length = irp->args.io_control.output_length;
    }
}

void npfs_feed_readers(struct npfs_queue *queue, struct npfs_wait_list *readers,
                       uint32_t read_mode, struct npfs_done *done)
{
    while (queue->head && readers->head) {
        struct npfs_waiter *w = npfs_wait_pop(readers);
        void *buffer;
        uint32_t length, got;
        reader_target(w->irp, &buffer, &length);
        NTSTATUS status = npfs_queue_read(queue, read_mode, buffer, length, &got);
        npfs_done_add(done, w, status, got);
    }
}

/* Cancel routine of every parked IRP. The IRP is valid during the call (the
 * I/O manager holds it), but its CCB may be gone: look the IRP up in the
 * instances' lists, under the lock, and complete it only if still parked. */
static void npfs_cancel(struct io_irp *irp, void *context)
{
    (void)context;
    struct npfs_waiter *w = NULL;
    pthread_mutex_lock(&npfs.lock);
    for (struct npfs_pipe *p = npfs.pipes; p && !w; p = p->next)
        for (struct npfs_instance *i = p->instances; i && !w; i = i->next)
            if (!npfs_wait_remove(&i->listeners, irp, &w) &&
                !npfs_wait_remove(&i->server_reads, irp, &w))
                npfs_wait_remove(&i->client_reads, irp, &w);
    pthread_mutex_unlock(&npfs.lock);
    if (w) {
        irp->status_block.status = STATUS_CANCELLED;
        irp->status_block.information = 0;
        IoIrpComplete(irp);
        free(w);
    }
}

NTSTATUS npfs_park(struct npfs_wait_list *list, struct io_irp *irp)
{
    struct npfs_waiter *w = calloc(1, sizeof *w);
    if (!w)
        return STATUS_INSUFFICIENT_RESOURCES;
    w->irp = irp;
    IoIrpMarkPending(irp, npfs_cancel, NULL);
    npfs_wait_push(list, w);
    return STATUS_PENDING;
}

void npfs_done_add(struct npfs_done *done, struct npfs_waiter *waiter, NTSTATUS status,
                   uint64_t information)
{
    waiter->irp->status_block.status = status;
    waiter->irp->status_block.information = information;
    waiter->next = done->head;
    done->head = waiter;
}

void npfs_done_complete(struct npfs_done *done)
{
    /* Collected newest first; complete in arrival order so that two reads
     * parked on one end finish in the order they were issued. */
    struct npfs_waiter *reversed = NULL;
    while (done->head) {
        struct npfs_waiter *w = done->head;
        done->head = w->next;
        w->next = reversed;
        reversed = w;
    }
    while (reversed) {
        struct npfs_waiter *w = reversed;
        reversed = w->next;
        IoIrpComplete(w->irp);
        free(w);
    }
}

struct npfs_queue *npfs_inbound(struct npfs_instance *instance, enum npfs_end end)
{
    return end == NPFS_END_SERVER ? &instance->to_server : &instance->to_client;
}

struct npfs_queue *npfs_outbound(struct npfs_instance *instance, enum npfs_end end)
{
    return end == NPFS_END_SERVER ? &instance->to_client : &instance->to_server;
}

struct npfs_wait_list *npfs_readers(struct npfs_instance *instance, enum npfs_end end)
{
    return end == NPFS_END_SERVER ? &instance->server_reads : &instance->client_reads;
}
