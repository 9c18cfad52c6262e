/* pvfs under concurrency: threads open and close one file with clashing
 * share modes, lock and unlock overlapping ranges (waiting locks included),
 * query its name while another thread renames it back and forth, and list
 * its directory. Afterwards every lock waiter has completed exactly once and
 * the open-file table is empty. Bounded: a fixed number of rounds. */
#include <pthread.h>

#include "drivers/pvfs/pvfs_private.h"
#include "t/pvfs-util.h"

#define THREADS 4
#define ROUNDS 1500

static struct pvfs_volume *vol;
static struct access_token *alice;
static int waits_started, waits_done, opens, locks_granted, renames;
static int errors;

static void count_done(void *context, NTSTATUS status)
{
    (void)context;
    /* Granted, cancelled, or ended by the close of its own handle. */
    if (status != STATUS_SUCCESS && status != STATUS_CANCELLED &&
        status != STATUS_RANGE_NOT_LOCKED)
        __atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&waits_done, 1, __ATOMIC_RELAXED);
}

/* Opens whichever name the file has now. */
static struct pvfs_file *open_any(uint32_t access, uint32_t share)
{
    static const char *const names[] = { "dir\\a.txt", "dir\\b.txt" };
    for (int attempt = 0; attempt < 4; attempt++) {
        struct pvfs_file *f = NULL;
        NTSTATUS st = open_file(vol, alice, names[attempt % 2], access, share, FILE_OPEN, 0, &f,
                                NULL);
        if (st == STATUS_SUCCESS) {
            __atomic_add_fetch(&opens, 1, __ATOMIC_RELAXED);
            return f;
        }
        if (st != STATUS_OBJECT_NAME_NOT_FOUND && st != STATUS_SHARING_VIOLATION)
            __atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void *worker(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    uint8_t buf[512];
    for (int i = 0; i < ROUNDS; i++) {
        uint32_t share = (i + id) % 3 == 0 ? FILE_SHARE_READ : SHARE_ALL;
        struct pvfs_file *f = open_any(FILE_READ_DATA | FILE_WRITE_DATA, share);
        if (!f)
            continue;
        uint64_t off = (uint64_t)((i * 7 + id) % 16) * 8;
        uint32_t flags = SL_EXCLUSIVE_LOCK | (i % 2 ? SL_FAIL_IMMEDIATELY : 0);
        NTSTATUS st = pvfs_lock(f, off, 16, 0, flags, count_done, f);
        if (st == STATUS_PENDING) {
            __atomic_add_fetch(&waits_started, 1, __ATOMIC_RELAXED);
            if (i % 8 == 0)
                pvfs_lock_cancel(f, f);
        }
        uint32_t n = 0;
        pvfs_query_information(f, FileAllInformation, buf, sizeof buf, &n);
        if (st == STATUS_SUCCESS) {
            /* Hold the range for a while, so that others wait for it. */
            __atomic_add_fetch(&locks_granted, 1, __ATOMIC_RELAXED);
            pvfs_write(f, "x", 1, &off, 0, &n);
            pvfs_read(f, buf, 16, &off, 0, &n);
            pvfs_unlock(f, off, 16, 0);
        }
        pvfs_close(f); /* cancels a lock still waiting */
    }
    return NULL;
}

static void *renamer(void *arg)
{
    (void)arg;
    uint8_t info[64];
    for (int i = 0; i < ROUNDS; i++) {
        struct pvfs_file *f = open_any(DELETE | FILE_READ_ATTRIBUTES, SHARE_ALL);
        if (!f)
            continue;
        const char *to = i % 2 ? "a.txt" : "b.txt";
        memset(info, 0, 20);
        le32_store(info + 16, (uint32_t)(strlen(to) * 2));
        for (size_t k = 0; k < strlen(to); k++)
            le16_store(info + 20 + 2 * k, (uint16_t)to[k]);
        NTSTATUS st = pvfs_set_information(f, FileRenameInformation, info,
                                           (uint32_t)(20 + 2 * strlen(to)));
        if (st == STATUS_SUCCESS)
            __atomic_add_fetch(&renames, 1, __ATOMIC_RELAXED);
        else if (st != STATUS_OBJECT_NAME_COLLISION)
            __atomic_add_fetch(&errors, 1, __ATOMIC_RELAXED);
        pvfs_close(f);
    }
    return NULL;
}

static void *lister(void *arg)
{
    (void)arg;
    uint8_t buf[4096];
    for (int i = 0; i < ROUNDS; i++) {
        struct pvfs_file *d = NULL;
        open_file(vol, alice, "dir", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, 0, &d, NULL);
        if (!d)
            continue;
        uint32_t n;
        while (pvfs_query_directory(d, FileIdBothDirectoryInformation, "*", 0, buf, sizeof buf,
                                    &n) == STATUS_SUCCESS)
            ;
        pvfs_close(d);
    }
    return NULL;
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
    struct pvfs_file *f = NULL;
    open_file(vol, alice, "dir", FILE_LIST_DIRECTORY, SHARE_ALL, FILE_CREATE, FILE_DIRECTORY_FILE,
              &f, NULL);
    pvfs_close(f);
    f = NULL;
    open_file(vol, alice, "dir\\a.txt", FILE_GENERIC_WRITE, SHARE_ALL, FILE_CREATE, 0, &f, NULL);
    pvfs_close(f);

    pthread_t t[THREADS + 2];
    for (unsigned i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
    pthread_create(&t[THREADS], NULL, renamer, NULL);
    pthread_create(&t[THREADS + 1], NULL, lister, NULL);
    for (unsigned i = 0; i < THREADS + 2; i++)
        pthread_join(t[i], NULL);

    diag("%d opens, %d locks granted, %d waited, %d renames", opens, locks_granted,
         waits_started, renames);
    ok(opens > ROUNDS && locks_granted > ROUNDS / 2 && renames > ROUNDS / 8,
       "the threads got work done");
    is_int(errors, 0, "no unexpected status from %d threads", THREADS + 2);
    ok(waits_done == waits_started, "every waiting lock completed exactly once (%d)",
       waits_started);
    is_int((long long)vol->node_count, 0, "the open-file table is empty afterwards");
    ok(access(on_disk("dir/a.txt"), F_OK) == 0 || access(on_disk("dir/b.txt"), F_OK) == 0,
       "the file survived under one of its names");
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
