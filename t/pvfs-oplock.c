/* Oplocks and leases on the pvfs node (drivers/pvfs/oplock.c): what a create
 * is granted, which later creates break it (through a hard link and after a
 * rename too, since the state is the file's), the break told to the
 * holder's wait, the acknowledgment that lets the waiting create go on,
 * level II breaks on writes, stat opens, a lease key on two files, and a
 * create with no callback that waits in place. Bounded: every wait has a
 * deadline. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "t/pvfs-util.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

/* What the callbacks saw. */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static int breaks_seen, ready_seen;
static struct pvfs_oplock_break last_break;
static NTSTATUS last_break_status;

static void on_break(void *context, NTSTATUS status, const struct pvfs_oplock_break *brk)
{
    (void)context;
    pthread_mutex_lock(&seen_lock);
    breaks_seen++;
    last_break_status = status;
    if (brk)
        last_break = *brk;
    pthread_mutex_unlock(&seen_lock);
}

static void on_ready(void *context)
{
    (void)context;
    pthread_mutex_lock(&seen_lock);
    ready_seen++;
    pthread_mutex_unlock(&seen_lock);
}

static void reset_seen(void)
{
    pthread_mutex_lock(&seen_lock);
    breaks_seen = ready_seen = 0;
    memset(&last_break, 0, sizeof last_break);
    last_break_status = STATUS_SUCCESS;
    pthread_mutex_unlock(&seen_lock);
}

static NTSTATUS open_with(const char *path, uint32_t access, uint32_t share, uint32_t disposition,
                          const struct pvfs_oplock_request *req, struct pvfs_oplock_granted *got,
                          bool with_ready, struct pvfs_file **file)
{
    struct pvfs_create_args a = args_of(path, access, share, disposition, 0);
    a.oplock = req;
    a.oplock_granted = got;
    if (with_ready)
        a.oplock_ready = on_ready;
    uint32_t action;
    *file = NULL;
    return pvfs_create(vol, alice, &a, file, &action);
}

static struct pvfs_oplock_request oplock_of(uint8_t type)
{
    struct pvfs_oplock_request r;
    memset(&r, 0, sizeof r);
    r.type = type;
    return r;
}

static struct pvfs_oplock_request lease_of(uint8_t key_byte, uint32_t state)
{
    struct pvfs_oplock_request r = oplock_of(PVFS_OPLOCK_LEASE);
    memset(r.lease_key, key_byte, sizeof r.lease_key);
    r.lease_state = state;
    return r;
}

static void batch_through_a_hard_link(void)
{
    write_disk_file("b.txt", "batch");
    char target[600];
    snprintf(target, sizeof target, "%s", on_disk("b.txt"));
    ok(link(target, on_disk("b-link.txt")) == 0, "hard link made");
    reset_seen();
    struct pvfs_oplock_request batch = oplock_of(PVFS_OPLOCK_BATCH);
    struct pvfs_oplock_granted got;
    struct pvfs_file *holder, *other;
    NTSTATUS st = open_with("b.txt", FILE_GENERIC_READ | FILE_GENERIC_WRITE, SHARE_ALL, FILE_OPEN,
                            &batch, &got, true, &holder);
    ok(st == STATUS_SUCCESS && got.type == PVFS_OPLOCK_BATCH, "alone: batch granted (%s, %u)",
       nt_status_name(st), got.type);
    struct pvfs_oplock_break brk;
    ok(pvfs_oplock_break_wait(holder, on_break, NULL, &brk) == STATUS_PENDING,
       "the holder waits for a break");
    st = open_with("b-link.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, NULL, NULL, true, &other);
    ok(st == STATUS_PENDING && !other, "an open through the hard link waits for the break (%s)",
       nt_status_name(st));
    ok(breaks_seen == 1 && !last_break.lease && last_break.level == PVFS_OPLOCK_LEVEL_II &&
           last_break.ack_required,
       "the holder is told: to level II, acknowledgment required");
    ok(ready_seen == 0, "the waiting create is not ready yet");
    uint8_t kept = 0xff;
    ok(pvfs_oplock_ack(holder, PVFS_OPLOCK_ACK_OPLOCK, PVFS_OPLOCK_LEVEL_II, 0, &kept) ==
               STATUS_SUCCESS &&
           kept == PVFS_OPLOCK_LEVEL_II,
       "acknowledged to level II");
    ok(ready_seen == 1, "the waiting create is ready");
    st = open_with("b-link.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, NULL, NULL, true, &other);
    ok(st == STATUS_SUCCESS, "tried again, it opens (%s)", nt_status_name(st));
    ok(pvfs_oplock_ack(holder, PVFS_OPLOCK_ACK_OPLOCK, PVFS_OPLOCK_NONE, 0, NULL) ==
           STATUS_INVALID_OPLOCK_PROTOCOL,
       "an acknowledgment without a break is a protocol error");

    /* A write through the other open breaks level II, with nothing to wait for. */
    reset_seen();
    ok(pvfs_oplock_break_wait(holder, on_break, NULL, &brk) == STATUS_PENDING, "waits again");
    pvfs_close(other);
    st = open_with("b.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_OPEN, NULL, NULL, true, &other);
    ok(st == STATUS_SUCCESS, "a writer opens beside level II (%s)", nt_status_name(st));
    uint32_t n;
    uint64_t at = 0;
    ok(other && pvfs_write(other, "x", 1, &at, 0, &n) == STATUS_SUCCESS, "it writes");
    ok(breaks_seen == 1 && last_break.level == PVFS_OPLOCK_NONE && !last_break.ack_required,
       "level II broken to none by the write, no acknowledgment");
    struct pvfs_oplock_granted now;
    pvfs_oplock_query(holder, &now);
    ok(now.type == PVFS_OPLOCK_NONE, "the holder has no oplock left");
    pvfs_close(other);
    pvfs_close(holder);
}

static void stat_open_and_exclusive(void)
{
    write_disk_file("e.txt", "exclusive");
    reset_seen();
    struct pvfs_oplock_request excl = oplock_of(PVFS_OPLOCK_EXCLUSIVE);
    struct pvfs_oplock_granted got;
    struct pvfs_file *holder, *other;
    NTSTATUS st = open_with("e.txt", FILE_GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, &excl, &got,
                            true, &holder);
    ok(st == STATUS_SUCCESS && got.type == PVFS_OPLOCK_EXCLUSIVE, "exclusive granted");
    st = open_with("e.txt", FILE_READ_ATTRIBUTES, SHARE_ALL, FILE_OPEN, NULL, NULL, true, &other);
    ok(st == STATUS_SUCCESS && breaks_seen == 0, "a stat open breaks nothing (%s)",
       nt_status_name(st));
    pvfs_close(other);
    /* Its share mode refuses a writer: no break, a sharing violation. */
    st = open_with("e.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_OPEN, NULL, NULL, true, &other);
    ok(st == STATUS_SUCCESS ? (pvfs_close(other), 0) : st == STATUS_SHARING_VIOLATION,
       "a writer the share mode refuses: sharing violation, no wait (%s)", nt_status_name(st));
    struct pvfs_oplock_break brk;
    ok(pvfs_oplock_break_wait(holder, on_break, NULL, &brk) == STATUS_PENDING,
       "and no break was told");
    pvfs_close(holder);
    ok(breaks_seen == 1 && last_break_status == STATUS_FILE_CLOSED,
       "the close ends the holder's wait");
}

static void leases_and_rename(void)
{
    write_disk_file("old.txt", "leased");
    reset_seen();
    struct pvfs_oplock_request a = lease_of(0xA1, PVFS_LEASE_R | PVFS_LEASE_W | PVFS_LEASE_H);
    struct pvfs_oplock_request b = lease_of(0xB2, PVFS_LEASE_R | PVFS_LEASE_H);
    struct pvfs_oplock_granted got;
    struct pvfs_file *holder, *same_key, *other;
    NTSTATUS st = open_with("old.txt", FILE_GENERIC_READ | FILE_GENERIC_WRITE, SHARE_ALL,
                            FILE_OPEN, &a, &got, true, &holder);
    ok(st == STATUS_SUCCESS && got.type == PVFS_OPLOCK_LEASE &&
           got.lease_state == (PVFS_LEASE_R | PVFS_LEASE_W | PVFS_LEASE_H),
       "RWH lease granted");
    st = open_with("old.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, &a, &got, true, &same_key);
    ok(st == STATUS_SUCCESS && got.lease_state == (PVFS_LEASE_R | PVFS_LEASE_W | PVFS_LEASE_H) &&
           breaks_seen == 0,
       "a second open with the same key shares the lease, breaks nothing");
    write_disk_file("elsewhere.txt", "x");
    st = open_with("elsewhere.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, &a, &got, true,
                   &other);
    ok(st == STATUS_INVALID_PARAMETER, "the key on another file: invalid parameter (%s)",
       nt_status_name(st));
    /* Renamed by a local process: the lease is the file's, not the name's. */
    char from[600];
    snprintf(from, sizeof from, "%s", on_disk("old.txt"));
    ok(rename(from, on_disk("new.txt")) == 0, "renamed underneath");
    struct pvfs_oplock_break brk;
    ok(pvfs_oplock_break_wait(same_key, on_break, NULL, &brk) == STATUS_PENDING,
       "the lease's second open waits for a break");
    st = open_with("new.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, &b, &got, true, &other);
    ok(st == STATUS_PENDING, "another key's open of the new name waits (%s)", nt_status_name(st));
    ok(breaks_seen == 1 && last_break.lease &&
           last_break.lease_from == (PVFS_LEASE_R | PVFS_LEASE_W | PVFS_LEASE_H) &&
           last_break.lease_to == (PVFS_LEASE_R | PVFS_LEASE_H) && last_break.ack_required,
       "the lease breaks RWH to RH, acknowledgment required (told through an open of it)");
    ok(pvfs_oplock_ack(holder, PVFS_OPLOCK_ACK_LEASE, 0, PVFS_LEASE_R | PVFS_LEASE_W, NULL) ==
           STATUS_REQUEST_NOT_ACCEPTED,
       "acknowledging more than the break leaves: not accepted");
    ok(pvfs_oplock_ack(holder, PVFS_OPLOCK_ACK_LEASE, 0, PVFS_LEASE_R | PVFS_LEASE_H, NULL) ==
           STATUS_SUCCESS && ready_seen == 1,
       "acknowledged to RH: the create is ready");
    st = open_with("new.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, &b, &got, true, &other);
    ok(st == STATUS_SUCCESS && got.type == PVFS_OPLOCK_LEASE &&
           got.lease_state == (PVFS_LEASE_R | PVFS_LEASE_H),
       "the other key gets RH beside it (%s, 0x%x)", nt_status_name(st), got.lease_state);
    ok(pvfs_oplock_ack(holder, PVFS_OPLOCK_ACK_LEASE, 0, PVFS_LEASE_R, NULL) ==
           STATUS_UNSUCCESSFUL,
       "an acknowledgment with no break outstanding: unsuccessful");
    pvfs_close(other);
    pvfs_close(same_key);
    pvfs_close(holder);
}

/* Acknowledges the holder's break from another thread, after a while. */
static void *late_ack(void *arg)
{
    struct pvfs_file *holder = arg;
    struct timespec pause = { 0, 100 * 1000 * 1000 };
    nanosleep(&pause, NULL);
    (void)pvfs_oplock_ack(holder, PVFS_OPLOCK_ACK_OPLOCK, PVFS_OPLOCK_NONE, 0, NULL);
    return NULL;
}

static void waiting_in_place(void)
{
    write_disk_file("w.txt", "wait");
    reset_seen();
    struct pvfs_oplock_request batch = oplock_of(PVFS_OPLOCK_BATCH);
    struct pvfs_oplock_granted got;
    struct pvfs_file *holder, *other;
    NTSTATUS st = open_with("w.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, &batch, &got, true,
                            &holder);
    ok(st == STATUS_SUCCESS && got.type == PVFS_OPLOCK_BATCH, "batch granted");
    /* Asked not to wait: the break starts, the create says so. */
    struct pvfs_create_args a = args_of("w.txt", FILE_GENERIC_READ, SHARE_ALL, FILE_OPEN, 0);
    a.oplock_no_wait = true;
    uint32_t action;
    other = NULL;
    st = pvfs_create(vol, alice, &a, &other, &action);
    ok(st == STATUS_MORE_PROCESSING_REQUIRED && !other,
       "asked not to wait, a create that must wait says so (%s)", nt_status_name(st));
    struct pvfs_oplock_granted now;
    pvfs_oplock_query(holder, &now);
    ok(now.breaking, "and the holder's break has started");
    pthread_t t;
    pthread_create(&t, NULL, late_ack, holder);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = open_with("w.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_OVERWRITE, NULL, NULL, false,
                   &other);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pthread_join(t, NULL);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ok(st == STATUS_SUCCESS && waited >= 0.05 && waited < 10,
       "an overwrite with no callback waits in place for the acknowledgment (%s, %.2f s)",
       nt_status_name(st), waited);
    struct pvfs_oplock_break brk;
    ok(pvfs_oplock_break_wait(holder, on_break, NULL, &brk) == STATUS_SUCCESS && !brk.lease &&
           brk.level == PVFS_OPLOCK_LEVEL_II && brk.ack_required,
       "the break not heard yet is told at the next wait (to level II, the first target)");
    pvfs_close(other);
    pvfs_close(holder);
}

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
    batch_through_a_hard_link();
    stat_open_and_exclusive();
    leases_and_rename();
    waiting_in_place();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
