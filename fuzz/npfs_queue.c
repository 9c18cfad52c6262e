/* Fuzz target: named-pipe message framing (drivers/npfs/queue.c). Every write
 * to a pipe end is queued as one message; a read takes one message in message
 * mode (what does not fit stays, STATUS_BUFFER_OVERFLOW) or any run of bytes
 * across messages in byte mode. The input is a script of writes and reads
 * of sizes it chooses; a model (the messages as written, each with its read
 * offset) says what every read must return, byte for byte, and what the queue's
 * counters must be after each step.
 *
 * Script: op byte, then for a write a u16 size and that many bytes (cut at the
 * end of the input), for a read a u16 buffer length. op % 4: 0 write, 1 read in
 * message mode, 2 read in byte mode, 3 clear. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/npfs/npfs.h"
#include "lib/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The driver's state lives in driver.c, beside DriverEntry, which the fuzzer
 * does not link; queue.c names it only to cancel parked IRPs. */
struct npfs npfs = { PTHREAD_MUTEX_INITIALIZER, NULL };

#define MAX_MESSAGES 512

struct model {
    const uint8_t *data[MAX_MESSAGES];
    size_t size[MAX_MESSAGES], consumed[MAX_MESSAGES];
    size_t head, count, bytes;
};

static void check_counters(const struct npfs_queue *q, const struct model *m)
{
    if (q->bytes != m->bytes || q->messages != m->count || (m->count == 0) != (q->head == NULL))
        abort();
}

static void model_pop(struct model *m)
{
    m->head = (m->head + 1) % MAX_MESSAGES;
    m->count--;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct npfs_queue q = { NULL, NULL, 0, 0 };
    struct model m = { .head = 0 };
    static uint8_t out[65536];
    struct buf_reader r;
    rd_init(&r, data, size);
    while (rd_remaining(&r) > 0) {
        uint8_t op = rd_u8(&r) % 4;
        if (op == 3) {
            npfs_queue_clear(&q);
            m.head = m.count = m.bytes = 0;
            check_counters(&q, &m);
            continue;
        }
        uint16_t n = rd_u16(&r);
        if (!rd_ok(&r))
            break;
        if (op == 0) {
            size_t len = n < rd_remaining(&r) ? n : rd_remaining(&r);
            const uint8_t *p = rd_bytes(&r, len);
            if (m.count == MAX_MESSAGES)
                continue;
            /* A private copy: the queue must copy it, and reads past it are caught. */
            uint8_t *copy = malloc(len ? len : 1);
            if (!copy)
                abort();
            memcpy(copy, p, len);
            if (!npfs_queue_push(&q, copy, len))
                abort();
            memset(copy, 0xEE, len);
            free(copy);
            size_t tail = (m.head + m.count) % MAX_MESSAGES;
            m.data[tail] = p;
            m.size[tail] = len;
            m.consumed[tail] = 0;
            m.count++;
            m.bytes += len;
            check_counters(&q, &m);
            continue;
        }
        if (m.count == 0)
            continue; /* npfs never reads an empty queue: readers park instead */
        uint32_t got = UINT32_MAX;
        memset(out, 0xA5, n);
        uint32_t mode = op == 1 ? FILE_PIPE_MESSAGE_MODE : FILE_PIPE_BYTE_STREAM_MODE;
        NTSTATUS status = npfs_queue_read(&q, mode, out, n, &got);
        if (got > n)
            abort();
        size_t at = 0;
        NTSTATUS want = STATUS_SUCCESS;
        if (op == 1) {
            size_t h = m.head, left = m.size[h] - m.consumed[h];
            size_t take = left < n ? left : n;
            if (got != take || memcmp(out, m.data[h] + m.consumed[h], take) != 0)
                abort();
            m.consumed[h] += take;
            m.bytes -= take;
            if (m.consumed[h] == m.size[h])
                model_pop(&m);
            else
                want = STATUS_BUFFER_OVERFLOW;
        } else {
            while (m.count && at < n) {
                size_t h = m.head, left = m.size[h] - m.consumed[h];
                size_t take = left < n - at ? left : n - at;
                if (memcmp(out + at, m.data[h] + m.consumed[h], take) != 0)
                    abort();
                m.consumed[h] += take;
                m.bytes -= take;
                at += take;
                if (m.consumed[h] == m.size[h])
                    model_pop(&m);
            }
            if (got != at)
                abort();
        }
        if (status != want)
            abort();
        check_counters(&q, &m);
    }
    npfs_queue_clear(&q);
    return 0;
}
