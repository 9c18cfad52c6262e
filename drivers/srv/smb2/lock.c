/* SMB2 LOCK ([MS-SMB2] 2.2.26, 2.2.27, 3.3.5.14): the elements are applied
 * in order; if one fails, the locks this request already took are released
 * again before the error goes back. A single lock without FAIL_IMMEDIATELY
 * may wait: the client gets an interim response and may CANCEL it. */
#include "drivers/srv/smb2/io.h"

#define SMB2_LOCKFLAG_SHARED_LOCK 0x01
#define SMB2_LOCKFLAG_EXCLUSIVE_LOCK 0x02
#define SMB2_LOCKFLAG_UNLOCK 0x04
#define SMB2_LOCKFLAG_FAIL_IMMEDIATELY 0x10
#define SMB2_LOCK_ELEMENT_SIZE 24
/* Elements are applied one completion after another (on the stack when the
 * driver answers at once): a bound keeps that shallow. */
#define SMB2_LOCK_MAX_ELEMENTS 256

struct lock_element {
    uint64_t offset, length;
    uint32_t flags;
};

struct lock_state {
    const uint8_t *raw;            /* the elements, in the request */
    uint16_t count;
    uint16_t next;                 /* element being applied */
    uint16_t undo;                 /* while rolling back: elements left to undo */
    bool rolling_back;
    bool unlocking;                /* the first element is an unlock */
    NTSTATUS failure;
    unsigned sequence_index;       /* 1..64 when the lock sequence is checked, else 0 */
    uint8_t sequence_number;
};

static void element_at(const struct lock_state *st, uint16_t i, struct lock_element *e)
{
    const uint8_t *p = st->raw + (size_t)i * SMB2_LOCK_ELEMENT_SIZE;
    e->offset = le64_load(p);
    e->length = le64_load(p + 8);
    e->flags = le32_load(p + 16);
}

static void step(struct smb2_io *io);

/* 3.3.5.14.1/2: a request either unlocks or locks (as its first element
 * does); a lock is shared xor exclusive; in a request of several locks each
 * must fail immediately rather than wait. Checked as the elements are
 * reached, so the unlocks before a bad element stay done. */
static NTSTATUS check_element(const struct lock_state *st, const struct lock_element *e)
{
    uint32_t kind = e->flags & (SMB2_LOCKFLAG_SHARED_LOCK | SMB2_LOCKFLAG_EXCLUSIVE_LOCK);
    if (st->unlocking)
        return e->flags == SMB2_LOCKFLAG_UNLOCK ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
    if ((e->flags & SMB2_LOCKFLAG_UNLOCK) ||
        (kind != SMB2_LOCKFLAG_SHARED_LOCK && kind != SMB2_LOCKFLAG_EXCLUSIVE_LOCK) ||
        (e->flags & ~(kind | SMB2_LOCKFLAG_FAIL_IMMEDIATELY)) ||
        (st->count > 1 && !(e->flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY)))
        return STATUS_INVALID_PARAMETER;
    if (e->length && e->offset + (e->length - 1) < e->offset)
        return STATUS_INVALID_LOCK_RANGE;
    return STATUS_SUCCESS;
}

static void issue(struct smb2_io *io, const struct lock_element *e, bool unlock)
{
    struct srv_open *open = io->open;
    if (unlock)
        smb2_io_issued(io, IoUnlockFile(open->file, &io->async, &io->iosb, io->token, e->offset,
                                        e->length, 0));
    else
        smb2_io_issued(io, IoLockFile(open->file, &io->async, &io->iosb, io->token, e->offset,
                                      e->length, 0,
                                      ((e->flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY)
                                           ? SL_FAIL_IMMEDIATELY : 0) |
                                      ((e->flags & SMB2_LOCKFLAG_EXCLUSIVE_LOCK)
                                           ? SL_EXCLUSIVE_LOCK : 0)));
}

/* 3.3.5.14: a request that succeeded is remembered in its bucket, so that
 * the client's replay of it is not applied twice. */
static void remember_sequence(struct srv_open *open, const struct lock_state *st, bool valid)
{
    if (!st->sequence_index)
        return;
    uint64_t bit = (uint64_t)1 << (st->sequence_index - 1);
    pthread_mutex_lock(&open->lock);
    open->lock_sequence[st->sequence_index - 1] = st->sequence_number;
    if (valid)
        open->lock_sequence_valid |= bit;
    else
        open->lock_sequence_valid &= ~bit;
    pthread_mutex_unlock(&open->lock);
}

/* True if this LockSequence was the last one to succeed in its bucket. */
static bool is_replay(struct srv_open *open, const struct lock_state *st)
{
    if (!st->sequence_index)
        return false;
    pthread_mutex_lock(&open->lock);
    unsigned i = st->sequence_index - 1;
    bool replay = (open->lock_sequence_valid >> i & 1) &&
                  open->lock_sequence[i] == st->sequence_number;
    pthread_mutex_unlock(&open->lock);
    return replay;
}

static void finish(struct smb2_io *io, NTSTATUS status)
{
    remember_sequence(io->open, io->state, status == STATUS_SUCCESS);
    if (status == STATUS_SUCCESS) {
        wr_u16(&io->req->out, 4);
        wr_u16(&io->req->out, 0);
    }
    smb2_io_finish(io, status);
}

static void step_done(struct smb2_io *io)
{
    struct lock_state *st = io->state;
    NTSTATUS status = io->iosb.status;
    if (st->rolling_back) {
        /* Undoing is best effort: carry on whatever it says. */
        step(io);
        return;
    }
    if (status != STATUS_SUCCESS) {
        /* A waiting lock ended by the close of its handle (or a tree
         * disconnect or logoff) was never granted: RANGE_NOT_LOCKED, as
         * Windows says; by a CANCEL: CANCELLED. */
        if (status == STATUS_CANCELLED && io->req->cancelled_by_close)
            status = STATUS_RANGE_NOT_LOCKED;
        st->failure = status;
        st->rolling_back = true;
        st->undo = st->next; /* elements [0, next) were applied */
        step(io);
        return;
    }
    st->next++;
    step(io);
}

/* Applies (or undoes) the next element, or finishes. */
static void step(struct smb2_io *io)
{
    struct lock_state *st = io->state;
    struct lock_element e;
    if (st->rolling_back) {
        if (st->undo == 0) {
            finish(io, st->failure);
            return;
        }
        st->undo--;
        element_at(st, st->undo, &e);
        if (e.flags & SMB2_LOCKFLAG_UNLOCK) { /* cannot re-lock: leave it */
            step(io);
            return;
        }
        smb2_io_again(io, step_done);
        issue(io, &e, true);
        return;
    }
    if (st->next == st->count) {
        finish(io, STATUS_SUCCESS);
        return;
    }
    element_at(st, st->next, &e);
    NTSTATUS status = check_element(st, &e);
    if (status != STATUS_SUCCESS) {
        st->failure = status;
        st->rolling_back = true;
        st->undo = st->next;
        step(io);
        return;
    }
    smb2_io_again(io, step_done);
    issue(io, &e, e.flags & SMB2_LOCKFLAG_UNLOCK);
}

/* 3.3.5.14: lock sequences are checked on resilient and durable opens
 * (2.1 and later). The specification also allows every open of an SMB 3
 * multichannel connection; Windows (note <314>) does not, and neither does
 * srv: smbtorture's replay_broken_windows then still sees a plain open
 * apply a repeated lock. */
static bool lock_sequence_checked(struct smb2_request *req, struct srv_open *open)
{
    pthread_mutex_lock(&req->conn->lock);
    uint16_t dialect = req->conn->dialect;
    pthread_mutex_unlock(&req->conn->lock);
    return dialect != SMB2_DIALECT_202 && srv_durable_lock_sequence_applies(open);
}

NTSTATUS smb2_lock(struct smb2_request *req)
{
    struct buf_reader *r = &req->body;
    rd_skip(r, 2);
    uint16_t count = rd_u16(r);
    uint32_t lock_sequence = rd_u32(r); /* LockSequenceNumber (4 bits), Index (28) */
    uint64_t persistent = rd_u64(r);
    uint64_t volatile_id = rd_u64(r);
    const uint8_t *raw = rd_bytes(r, (size_t)count * SMB2_LOCK_ELEMENT_SIZE);
    if (!rd_ok(r) || count == 0 || count > SMB2_LOCK_MAX_ELEMENTS)
        return STATUS_INVALID_PARAMETER;

    struct srv_open *open;
    NTSTATUS status = smb2_lookup_open(req, persistent, volatile_id, &open);
    if (status != STATUS_SUCCESS)
        return status;
    struct lock_state *st = smb2_request_alloc(req, sizeof *st, NULL);
    if (st && lock_sequence >> 4 >= 1 && lock_sequence >> 4 <= 64 &&
        lock_sequence_checked(req, open)) {
        st->sequence_index = lock_sequence >> 4;
        st->sequence_number = lock_sequence & 0xF;
        if (is_replay(open, st)) {
            /* Done before: success, nothing applied again. */
            srv_open_unref(open);
            wr_u16(&req->out, 4);
            wr_u16(&req->out, 0);
            return STATUS_SUCCESS;
        }
        /* Invalid until this request succeeds (3.3.5.14). */
        remember_sequence(open, st, false);
    }
    struct smb2_io *io = NULL;
    status = st ? smb2_io_begin(req, open, step_done, 0, &io) : STATUS_INSUFFICIENT_RESOURCES;
    srv_open_unref(open);
    if (status != STATUS_SUCCESS)
        return status;
    st->raw = raw;
    st->count = count;
    io->state = st;
    struct lock_element first;
    element_at(st, 0, &first);
    st->unlocking = first.flags & SMB2_LOCKFLAG_UNLOCK;
    /* A lock that may wait gets its interim response now: the wait has no
     * bound (3.3.4.2). */
    if (!st->unlocking && count == 1 && check_element(st, &first) == STATUS_SUCCESS &&
        !(first.flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY))
        smb2_request_go_async(req);
    /* The first element goes through step() like the others; the call that
     * smb2_io_begin prepared for is then made by step's smb2_io_again. */
    smb2_io_detach(io);
    step(io);
    return STATUS_PENDING;
}
