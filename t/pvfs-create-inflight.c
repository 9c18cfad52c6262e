/* Creations in progress (drivers/pvfs/creating.c), made deterministic: a
 * create is paused right after it made the name on disk, before its owner,
 * attributes and NT descriptor are stored (the volume's test hook), while
 * another user opens the same name with FILE_OPEN_IF (smbtorture
 * smb2.create.mkdir-dup does that from three connections at once).
 *
 * The second open must wait, then open what the creator made, under the
 * creator's descriptor: not be refused by the descriptor derived from the
 * POSIX owner and mode of a half-made file. Directories and files alike. A
 * creator that never finishes holds the open back for a bounded time only.
 * Bounded: every wait here has a deadline. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "drivers/pvfs/pvfs_private.h"
#include "t/pvfs-util.h"

static struct pvfs_volume *vol;
static struct access_token *alice, *bob;

/* The hook's state: armed for one name; paused once a create reached it. */
static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hook_cond = PTHREAD_COND_INITIALIZER;
static char hook_name[64];
static bool hook_paused, hook_release;

static void hook(void *arg, const char *name)
{
    (void)arg;
    pthread_mutex_lock(&hook_lock);
    if (strcmp(name, hook_name) == 0) {
        hook_name[0] = 0; /* pause one create only */
        hook_paused = true;
        pthread_cond_broadcast(&hook_cond);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 60;
        while (!hook_release)
            if (pthread_cond_timedwait(&hook_cond, &hook_lock, &deadline) == ETIMEDOUT)
                break;
    }
    pthread_mutex_unlock(&hook_lock);
}

struct opener {
    const struct access_token *token;
    char path[64];
    uint32_t access;
    uint32_t options;
    pthread_t thread;
    NTSTATUS status;
    uint32_t action;
    struct pvfs_file *file;
    int done; /* atomic */
};

static void *open_thread(void *arg)
{
    struct opener *o = arg;
    o->status = open_file(vol, o->token, o->path, o->access, SHARE_ALL, FILE_OPEN_IF,
                          o->options, &o->file, &o->action);
    __atomic_store_n(&o->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void start(struct opener *o, const struct access_token *t, const char *path,
                  uint32_t access, uint32_t options)
{
    memset(o, 0, sizeof *o);
    o->token = t;
    snprintf(o->path, sizeof o->path, "%s", path);
    o->access = access;
    o->options = options;
    if (pthread_create(&o->thread, NULL, open_thread, o) != 0) {
        perror("pthread_create");
        exit(1);
    }
}

static bool wait_paused(void)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 60;
    pthread_mutex_lock(&hook_lock);
    while (!hook_paused)
        if (pthread_cond_timedwait(&hook_cond, &hook_lock, &deadline) == ETIMEDOUT)
            break;
    bool paused = hook_paused;
    pthread_mutex_unlock(&hook_lock);
    return paused;
}

static void arm(const char *name)
{
    pthread_mutex_lock(&hook_lock);
    snprintf(hook_name, sizeof hook_name, "%s", name);
    hook_paused = hook_release = false;
    pthread_mutex_unlock(&hook_lock);
}

static void release(void)
{
    pthread_mutex_lock(&hook_lock);
    hook_release = true;
    pthread_cond_broadcast(&hook_cond);
    pthread_mutex_unlock(&hook_lock);
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* The descriptor of an open, owner/group/DACL, as bytes (NULL if unreadable). */
static uint8_t *sd_of(struct pvfs_file *f, uint32_t *len)
{
    static uint8_t buf[2][4096];
    static int which;
    uint8_t *b = buf[which++ % 2];
    *len = 0;
    if (!f || pvfs_query_security(f, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                                         DACL_SECURITY_INFORMATION,
                                  b, sizeof buf[0], len) != STATUS_SUCCESS)
        return NULL;
    return b;
}

/* alice creates name (paused after mkdirat/openat); bob opens it meanwhile
 * asking for a right that only the creator's descriptor grants him. */
static void one_case(const char *name, bool directory)
{
    const char *what = directory ? "directory" : "file";
    char path[64];
    snprintf(path, sizeof path, "share\\%s", name);
    uint32_t options = directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE;
    /* Mode 0755/0644 gives Everyone no write; the inherited descriptor
     * (the share is 0777: Everyone full, inheritable) does. */
    uint32_t want = READ_CONTROL | (directory ? FILE_ADD_FILE : FILE_WRITE_DATA);

    arm(name);
    struct opener creator, other;
    start(&creator, alice, path, want, options);
    ok(wait_paused(), "%s: alice's create paused after making the name", what);
    start(&other, bob, path, want, options);
    sleep_ms(500);
    ok(!__atomic_load_n(&other.done, __ATOMIC_SEQ_CST),
       "%s: bob's FILE_OPEN_IF of it waits while the creation is in progress", what);
    release();
    pthread_join(creator.thread, NULL);
    pthread_join(other.thread, NULL);
    is_int(creator.status, STATUS_SUCCESS, "%s: alice's create succeeds", what);
    is_int(creator.action, FILE_CREATED, "  and created it");
    is_int(other.status, STATUS_SUCCESS, "%s: bob's open succeeds (no ACCESS_DENIED)", what);
    is_int(other.action, FILE_OPENED, "  and opened the existing one");
    uint32_t la = 0, lb = 0;
    uint8_t *a = sd_of(creator.file, &la);
    uint8_t *b = sd_of(other.file, &lb);
    ok(a && b && la == lb && memcmp(a, b, la) == 0,
       "%s: bob's open sees the creator's descriptor", what);
    pvfs_close(creator.file);
    pvfs_close(other.file);
}

/* A creator stuck past the bound: the open goes ahead on its own. */
static void bounded(void)
{
    arm("stuck");
    struct opener creator, other;
    start(&creator, alice, "share\\stuck", READ_CONTROL, FILE_DIRECTORY_FILE);
    ok(wait_paused(), "stuck: alice's create paused");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    start(&other, bob, "share\\stuck", READ_CONTROL, FILE_DIRECTORY_FILE);
    /* The wait is bounded at 5 s; allow for a loaded machine. */
    for (int i = 0; i < 600 && !__atomic_load_n(&other.done, __ATOMIC_SEQ_CST); i++)
        sleep_ms(50);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ok(__atomic_load_n(&other.done, __ATOMIC_SEQ_CST),
       "stuck: bob's open returns while the creator is still stuck");
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ok(secs >= 4.0, "  after waiting for it (%.1f s)", secs);
    release();
    pthread_join(creator.thread, NULL);
    pthread_join(other.thread, NULL);
    is_int(creator.status, STATUS_SUCCESS, "stuck: alice's create completes once released");
    pvfs_close(creator.file);
    pvfs_close(other.file);
}

int main(void)
{
    umask(0);
    const char *root = scratch_dir();
    chmod(root, 0777);
    mkdir(on_disk("share"), 0777);
    alice = make_token(ALICE);
    bob = make_token(BOB);
    if (pvfs_volume_open(root, &vol) != STATUS_SUCCESS) {
        ok(0, "open the volume");
        return done_testing();
    }
    vol->test_created_hook = hook;
    one_case("newdir", true);
    one_case("NewFile.txt", false);
    bounded();
    vol->test_created_hook = NULL;
    pvfs_volume_close(vol);
    token_free(alice);
    token_free(bob);
    return done_testing();
}
