/* Names that change under pvfs, made deterministic: a local process swaps
 * what a name means between an open and its use, and pvfs must act on the
 * file it opened or on nothing.
 *
 * Delete-on-close: the name of a file opened with FILE_DELETE_ON_CLOSE is
 * taken over by another file (rename over it), its directory is replaced by
 * a symlink (to a directory inside the share, or outside it), or the file
 * moves away, all before the close: the other file survives, nothing
 * outside the share is touched. Change notify: a directory on the watched
 * path is swapped for a symlink to a directory outside the share before
 * the watch is armed (or before a tree watch adds a new subdirectory):
 * changes out there are never reported. */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "t/pvfs-util.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

static bool exists(const char *rel)
{
    struct stat st;
    return lstat(on_disk(rel), &st) == 0;
}

static char *content(const char *rel)
{
    static char buf[64];
    buf[0] = 0;
    FILE *f = fopen(on_disk(rel), "r");
    if (!f)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void disk_rename(const char *from, const char *to)
{
    char a[600];
    snprintf(a, sizeof a, "%s", on_disk(from));
    if (rename(a, on_disk(to)) != 0)
        diag("rename %s %s: %s", from, to, strerror(errno));
}

static void disk_symlink(const char *target, const char *rel)
{
    if (symlink(target, on_disk(rel)) != 0)
        diag("symlink %s: %s", rel, strerror(errno));
}

/* Opens share\path (confined to "share") with delete-on-close. */
static struct pvfs_file *open_doc(const char *path, bool directory)
{
    char full[256];
    snprintf(full, sizeof full, "share\\%s", path);
    struct pvfs_create_args a = args_of(full, DELETE | FILE_READ_ATTRIBUTES, SHARE_ALL,
                                        FILE_OPEN, FILE_DELETE_ON_CLOSE |
                                                       (directory ? FILE_DIRECTORY_FILE : 0));
    a.beneath = "share";
    struct pvfs_file *f = NULL;
    uint32_t action;
    NTSTATUS st = pvfs_create(vol, alice, &a, &f, &action);
    if (st != STATUS_SUCCESS)
        diag("open %s: 0x%08x", full, st);
    return f;
}

static void delete_on_close(void)
{
    mkdir(on_disk("share"), 0777);
    mkdir(on_disk("outside"), 0777);

    /* The plain case still deletes. */
    write_disk_file("share/plain.txt", "plain");
    struct pvfs_file *f = open_doc("plain.txt", false);
    ok(f != NULL, "open share\\plain.txt with delete-on-close");
    pvfs_close(f);
    ok(!exists("share/plain.txt"), "  its close deletes it");

    /* Another file renamed over the name before the close. */
    write_disk_file("share/victim.txt", "victim");
    write_disk_file("share/other.txt", "other");
    f = open_doc("victim.txt", false);
    ok(f != NULL, "open share\\victim.txt with delete-on-close");
    disk_rename("share/other.txt", "share/victim.txt");
    pvfs_close(f);
    ok(exists("share/victim.txt"), "another file renamed over the name survives the close");
    is_str(content("share/victim.txt"), "other", "  untouched");

    /* The file's directory swapped for a symlink to a directory (inside
     * the share) holding a file of the same name. */
    mkdir(on_disk("share/sub"), 0777);
    mkdir(on_disk("share/decoy"), 0777);
    write_disk_file("share/sub/f.txt", "mine");
    write_disk_file("share/decoy/f.txt", "decoy");
    f = open_doc("sub\\f.txt", false);
    ok(f != NULL, "open share\\sub\\f.txt with delete-on-close");
    disk_rename("share/sub", "share/sub.moved");
    disk_symlink("decoy", "share/sub");
    pvfs_close(f);
    ok(exists("share/decoy/f.txt"), "its directory swapped for a symlink: the file there survives");
    ok(exists("share/sub.moved/f.txt"), "  and the moved one is left alone (its name is gone)");

    /* The same with a symlink leading out of the share, to a hard link of
     * the very file: the inode matches, the place does not. */
    mkdir(on_disk("share/sub2"), 0777);
    write_disk_file("share/sub2/g.txt", "linked");
    mkdir(on_disk("outside/sub2"), 0777);
    char from[600];
    snprintf(from, sizeof from, "%s", on_disk("share/sub2/g.txt"));
    ok(link(from, on_disk("outside/sub2/g.txt")) == 0, "a hard link of share/sub2/g.txt outside");
    f = open_doc("sub2\\g.txt", false);
    ok(f != NULL, "open share\\sub2\\g.txt with delete-on-close");
    disk_rename("share/sub2", "share/sub2.moved");
    char target[600];
    snprintf(target, sizeof target, "%s", on_disk("outside/sub2"));
    disk_symlink(target, "share/sub2");
    pvfs_close(f);
    ok(exists("outside/sub2/g.txt"), "a symlink out of the share: the name outside survives");

    /* A directory with delete-on-close, swapped for another (empty) one. */
    mkdir(on_disk("share/d1"), 0777);
    mkdir(on_disk("share/d2"), 0777);
    f = open_doc("d1", true);
    ok(f != NULL, "open directory share\\d1 with delete-on-close");
    disk_rename("share/d1", "share/d1.moved");
    disk_rename("share/d2", "share/d1");
    pvfs_close(f);
    ok(exists("share/d1"), "another directory renamed to its name survives");
}

/* ---- change notify ---- */

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls;
    NTSTATUS status;
};

static void done(void *context, NTSTATUS status, uint32_t written)
{
    (void)written;
    struct waiter *w = context;
    pthread_mutex_lock(&w->lock);
    w->calls++;
    w->status = status;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

/* Waits up to seconds for a completion; the number of calls seen. */
static int wait_done(struct waiter *w, int seconds)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&w->lock);
    while (w->calls == 0 && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
        ;
    int calls = w->calls;
    pthread_mutex_unlock(&w->lock);
    return calls;
}

static struct pvfs_file *open_dir(const char *path)
{
    struct pvfs_create_args a = args_of(path, FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN,
                                        FILE_DIRECTORY_FILE);
    a.beneath = "share";
    struct pvfs_file *f = NULL;
    uint32_t action;
    pvfs_create(vol, alice, &a, &f, &action);
    return f;
}

#define NAMES (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME)

static void notify(void)
{
    /* share/w/inner is watched (tree) through its open; before arming, w
     * is swapped for a symlink to outside/w, which has an inner too. */
    mkdir(on_disk("share/w"), 0777);
    mkdir(on_disk("share/w/inner"), 0777);
    mkdir(on_disk("outside/w"), 0777);
    mkdir(on_disk("outside/w/inner"), 0777);
    struct pvfs_file *d = open_dir("share\\w\\inner");
    ok(d != NULL, "open share\\w\\inner");
    if (!d)
        return;
    disk_rename("share/w", "share/w.moved");
    char target[600];
    snprintf(target, sizeof target, "%s", on_disk("outside/w"));
    disk_symlink(target, "share/w");
    uint8_t buf[1024];
    uint32_t n = 0;
    struct waiter w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
    is_int(pvfs_notify_change(d, NAMES, true, buf, sizeof buf, done, &w, &n), STATUS_PENDING,
           "arm a tree watch after a directory above it became a symlink out of the share");
    write_disk_file("outside/w/inner/leak.txt", "x");
    is_int(wait_done(&w, 2), 0, "  a file made outside the share is not reported");
    /* The directory the open has (now share/w.moved/inner) is the one
     * watched. */
    write_disk_file("share/w.moved/inner/seen.txt", "x");
    is_int(wait_done(&w, 10), 1, "  a file made in the opened directory is");
    is_int(w.status, STATUS_SUCCESS, "  with success");
    pvfs_close(d);

    /* A tree watch adds a new subdirectory by name: one swapped for a
     * symlink before it is added is not watched. Made deterministic by
     * creating the symlink itself (never a directory): inotify reports it
     * as a file, and a symlink to a directory outside is never followed. */
    mkdir(on_disk("share/t"), 0777);
    d = open_dir("share\\t");
    ok(d != NULL, "open share\\t");
    if (!d)
        return;
    struct waiter w2 = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
    is_int(pvfs_notify_change(d, NAMES, true, buf, sizeof buf, done, &w2, &n), STATUS_PENDING,
           "arm a tree watch on share\\t");
    disk_symlink(target, "share/t/link");
    is_int(wait_done(&w2, 10), 1, "  the new symlink is reported");
    struct waiter w3 = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
    NTSTATUS st = pvfs_notify_change(d, NAMES, true, buf, sizeof buf, done, &w3, &n);
    is_int(st, STATUS_PENDING, "  waiting again");
    write_disk_file("outside/w/inner/leak2.txt", "x");
    write_disk_file("outside/w/leak3.txt", "x");
    is_int(wait_done(&w3, 2), 0, "  nothing made beyond the symlink is reported");
    pvfs_close(d);
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
    delete_on_close();
    notify();
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
