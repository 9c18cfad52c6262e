/* pvfs byte-range locks across two opens: conflicts, stacking, zero-length
 * ranges, mandatory checks on reads and writes, waiting locks granted by an
 * unlock or a close and ended by a cancel, and a completion that issues the
 * next request (no pvfs lock may be held while it runs). */
#include "t/pvfs-util.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

struct waiter {
    int calls;
    NTSTATUS status;
    struct pvfs_file *file; /* for the chained unlock */
    bool unlock_in_callback;
    NTSTATUS chained;
};

static void done(void *context, NTSTATUS status)
{
    struct waiter *w = context;
    w->calls++;
    w->status = status;
    if (w->unlock_in_callback)
        w->chained = pvfs_unlock(w->file, 300, 10, 0);
}

#define LOCK(f, o, l, flags) pvfs_lock(f, o, l, 0, flags, NULL, NULL)
#define EXCL (SL_EXCLUSIVE_LOCK | SL_FAIL_IMMEDIATELY)
#define SHRD SL_FAIL_IMMEDIATELY

int main(void)
{
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    alice = make_token(ALICE);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    struct pvfs_file *a = NULL, *b = NULL, *c = NULL;
    uint32_t rw = FILE_READ_DATA | FILE_WRITE_DATA;
    open_file(vol, alice, "l.dat", rw, SHARE_ALL, FILE_CREATE, 0, &a, NULL);
    open_file(vol, alice, "l.dat", rw, SHARE_ALL, FILE_OPEN, 0, &b, NULL);
    if (!a || !b) {
        ok(0, "open two handles");
        return done_testing();
    }
    char data[512];
    memset(data, 'x', sizeof data);
    uint32_t n;
    pvfs_write(a, data, sizeof data, NULL, 0, &n);

    /* Conflicts between the two opens. */
    is_int(LOCK(a, 0, 10, EXCL), STATUS_SUCCESS, "A: exclusive [0,10)");
    is_int(LOCK(b, 5, 10, EXCL), STATUS_LOCK_NOT_GRANTED, "B: overlapping exclusive refused");
    is_int(LOCK(b, 9, 1, SHRD), STATUS_LOCK_NOT_GRANTED, "B: overlapping shared refused");
    is_int(LOCK(b, 10, 5, EXCL), STATUS_SUCCESS, "B: the adjacent range is free");
    is_int(LOCK(a, 0, 10, EXCL), STATUS_LOCK_NOT_GRANTED, "A: the same exclusive range twice");
    is_int(LOCK(a, 2, 2, SHRD), STATUS_SUCCESS, "A: shared on its own exclusive range stacks");
    is_int(LOCK(b, 5, 0, EXCL), STATUS_LOCK_NOT_GRANTED,
           "B: a zero-length lock inside A's range conflicts");
    is_int(LOCK(b, 0, 0, EXCL), STATUS_SUCCESS, "B: a zero-length lock at its start does not");
    is_int(LOCK(a, 20, 10, SHRD), STATUS_SUCCESS, "A: shared [20,30)");
    is_int(LOCK(b, 25, 10, SHRD), STATUS_SUCCESS, "B: overlapping shared is fine");
    is_int(LOCK(b, 25, 1, EXCL), STATUS_LOCK_NOT_GRANTED, "B: exclusive over shared refused");
    is_int(LOCK(a, UINT64_MAX, 2, EXCL), (NTSTATUS)0xC00001A1,
           "a range past 2^64 is STATUS_INVALID_LOCK_RANGE");
    is_int(LOCK(a, UINT64_MAX, 1, EXCL), STATUS_SUCCESS, "the last byte of the 64-bit space");

    /* Reads and writes honour the locks of other opens. */
    is_int(pvfs_read(b, data, 5, &(uint64_t){ 0 }, 0, &n), STATUS_FILE_LOCK_CONFLICT,
           "B cannot read A's exclusive range");
    is_int(pvfs_read(a, data, 5, &(uint64_t){ 0 }, 0, &n), STATUS_SUCCESS, "A can");
    is_int(pvfs_write(a, data, 1, &(uint64_t){ 0 }, 0, &n), STATUS_SUCCESS,
           "A can write its exclusive range");
    is_int(pvfs_read(b, data, 5, &(uint64_t){ 20 }, 0, &n), STATUS_SUCCESS,
           "B can read a shared range");
    is_int(pvfs_write(b, data, 1, &(uint64_t){ 21 }, 0, &n), STATUS_FILE_LOCK_CONFLICT,
           "nobody writes a shared range (B)");
    is_int(pvfs_write(a, data, 1, &(uint64_t){ 21 }, 0, &n), STATUS_FILE_LOCK_CONFLICT,
           "nobody writes a shared range (A, who holds it)");
    is_int(pvfs_write(b, data, 1, &(uint64_t){ 100 }, 0, &n), STATUS_SUCCESS,
           "an unlocked range is free");

    /* Unlock exactly. */
    is_int(pvfs_unlock(a, 0, 5, 0), STATUS_RANGE_NOT_LOCKED, "unlock must name the exact range");
    is_int(pvfs_unlock(b, 0, 10, 0), STATUS_RANGE_NOT_LOCKED, "B cannot unlock A's lock");
    is_int(pvfs_unlock(a, 0, 10, 0), STATUS_SUCCESS, "A unlocks [0,10)");
    is_int(pvfs_read(b, data, 5, &(uint64_t){ 0 }, 0, &n), STATUS_SUCCESS,
           "B reads [0,5) again: A's stacked shared lock allows reads");
    is_int(pvfs_write(b, data, 1, &(uint64_t){ 2 }, 0, &n), STATUS_FILE_LOCK_CONFLICT,
           "  but not writes");
    is_int(pvfs_unlock(a, 2, 2, 0), STATUS_SUCCESS, "A unlocks its shared [2,4)");
    is_int(pvfs_write(b, data, 1, &(uint64_t){ 2 }, 0, &n), STATUS_SUCCESS, "  and B may write");

    /* A waiting lock granted by unlock. */
    struct waiter w1 = { 0 };
    is_int(LOCK(a, 200, 10, EXCL), STATUS_SUCCESS, "A: exclusive [200,210)");
    is_int(pvfs_lock(b, 200, 10, 0, SL_EXCLUSIVE_LOCK, done, &w1), STATUS_PENDING,
           "B waits for it");
    is_int(w1.calls, 0, "  not completed yet");
    is_int(LOCK(a, 205, 1, EXCL), STATUS_LOCK_NOT_GRANTED,
           "  A cannot lock its own range exclusively twice");
    is_int(pvfs_unlock(a, 200, 10, 0), STATUS_SUCCESS, "A unlocks");
    ok(w1.calls == 1 && w1.status == STATUS_SUCCESS, "B's waiting lock completes with success");
    is_int(pvfs_read(a, data, 5, &(uint64_t){ 200 }, 0, &n), STATUS_FILE_LOCK_CONFLICT,
           "  and B now holds the range");
    is_int(pvfs_unlock(b, 200, 10, 0), STATUS_SUCCESS, "  which B can unlock");

    /* A waiting lock ended by cancel. */
    struct waiter w2 = { 0 };
    LOCK(a, 300, 10, EXCL);
    is_int(pvfs_lock(b, 300, 10, 0, SL_EXCLUSIVE_LOCK, done, &w2), STATUS_PENDING,
           "B waits again");
    ok(pvfs_lock_cancel(b, &w2), "cancel finds it");
    ok(w2.calls == 1 && w2.status == STATUS_CANCELLED, "  completed with STATUS_CANCELLED");
    ok(!pvfs_lock_cancel(b, &w2), "a second cancel finds nothing");
    pvfs_unlock(a, 300, 10, 0);
    is_int(w2.calls, 1, "  and the unlock does not complete it again");

    /* A waiting lock granted by the holder's close. */
    struct waiter w3 = { 0 };
    open_file(vol, alice, "l.dat", rw, SHARE_ALL, FILE_OPEN, 0, &c, NULL);
    is_int(LOCK(c, 400, 10, EXCL), STATUS_SUCCESS, "C: exclusive [400,410)");
    is_int(pvfs_lock(b, 400, 10, 0, SL_EXCLUSIVE_LOCK, done, &w3), STATUS_PENDING,
           "B waits on C");
    pvfs_close(c);
    ok(w3.calls == 1 && w3.status == STATUS_SUCCESS, "C's close grants B's lock");
    pvfs_unlock(b, 400, 10, 0);

    /* A completion may issue the next request: it runs with no pvfs lock held. */
    struct waiter w4 = { 0, 0, NULL, true, 0 };
    w4.file = b;
    LOCK(a, 300, 10, EXCL);
    is_int(pvfs_lock(b, 300, 10, 0, SL_EXCLUSIVE_LOCK, done, &w4), STATUS_PENDING,
           "B waits once more");
    pvfs_unlock(a, 300, 10, 0);
    ok(w4.calls == 1 && w4.chained == STATUS_SUCCESS,
       "its completion unlocks from inside the callback without deadlock");

    /* A waiter whose own handle closes is cancelled. */
    struct waiter w5 = { 0 };
    LOCK(a, 500, 10, EXCL);
    is_int(pvfs_lock(b, 500, 10, 0, SL_EXCLUSIVE_LOCK, done, &w5), STATUS_PENDING, "B waits");
    pvfs_close(b);
    b = NULL;
    ok(w5.calls == 1 && w5.status == STATUS_RANGE_NOT_LOCKED,
       "closing B ends its waiting lock with STATUS_RANGE_NOT_LOCKED");

    /* Locks need data access. */
    struct pvfs_file *d = NULL;
    open_file(vol, alice, "l.dat", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
    is_int(LOCK(d, 0, 1, EXCL), STATUS_ACCESS_DENIED, "an attributes-only open cannot lock");
    pvfs_close(d);
    pvfs_close(a);
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
