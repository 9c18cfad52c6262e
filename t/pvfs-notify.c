/* pvfs change notify against a real directory: changes made on disk by this
 * process's plain system calls (not through pvfs) are reported with their
 * action and name; buffering between requests; a tree watch (and a
 * subdirectory made after arming); overflow into STATUS_NOTIFY_ENUM_DIR;
 * cancel and close of a waiting request. Every wait is bounded. */
#include <pthread.h>
#include <time.h>

#include "lib/buf.h"
#include "lib/utf16.h"
#include "t/pvfs-util.h"

static struct pvfs_volume *vol;
static struct access_token *alice;

struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int calls;
    NTSTATUS status;
    uint32_t written;
};

static void waiter_init(struct waiter *w)
{
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->calls = 0;
    w->status = 0;
    w->written = 0;
}

static void done(void *context, NTSTATUS status, uint32_t written)
{
    struct waiter *w = context;
    pthread_mutex_lock(&w->lock);
    w->calls++;
    w->status = status;
    w->written = written;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

/* Waits up to 5 s for the completion; the number of calls seen. */
static int wait_done(struct waiter *w)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&w->lock);
    while (w->calls == 0 && pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
        ;
    int calls = w->calls;
    pthread_mutex_unlock(&w->lock);
    return calls;
}

/* The records as "ACTION:name;..." (parsed with the bounds-checked reader). */
static void records(const uint8_t *buf, uint32_t len, char *out, size_t size)
{
    out[0] = '\0';
    size_t at = 0;
    for (int i = 0; i < 100; i++) {
        struct buf_reader r;
        rd_init(&r, buf, len);
        rd_seek(&r, at);
        uint32_t next = rd_u32(&r);
        uint32_t action = rd_u32(&r);
        uint32_t name_len = rd_u32(&r);
        const uint8_t *name = rd_bytes(&r, name_len);
        if (!rd_ok(&r)) {
            snprintf(out + strlen(out), size - strlen(out), "BAD");
            return;
        }
        char *utf8 = NULL;
        utf16le_to_utf8(name, name_len, &utf8);
        snprintf(out + strlen(out), size - strlen(out), "%s%u:%s", i ? ";" : "", action,
                 utf8 ? utf8 : "?");
        free(utf8);
        if (next == 0)
            return;
        at += next;
    }
}

static struct pvfs_file *open_dir(const char *path)
{
    struct pvfs_file *f = NULL;
    open_file(vol, alice, path, FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN, FILE_DIRECTORY_FILE,
              &f, NULL);
    return f;
}

/* text contains want. */
static void contains(const char *text, const char *want, const char *what)
{
    if (!ok(strstr(text, want) != NULL, "%s", what))
        diag("got %s", text);
}

#define ALL_NAMES (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME)

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
    mkdir(on_disk("d"), 0777);
    struct pvfs_file *d = open_dir("d");
    ok(d != NULL, "open directory d");
    if (!d)
        return done_testing();
    uint8_t buf[4096];
    char text[1024];
    uint32_t n = 0;
    struct waiter w;

    /* A file made by a plain open(2): FILE_ACTION_ADDED with its name. */
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
           STATUS_PENDING, "the first request waits");
    write_disk_file("d/local.txt", "x");
    is_int(wait_done(&w), 1, "completed once the file appears");
    is_int(w.status, STATUS_SUCCESS, "with success");
    records(buf, w.written, text, sizeof text);
    is_str(text, "1:local.txt", "ADDED local.txt");

    /* Changes between requests are kept for the next one. */
    char from[600];
    snprintf(from, sizeof from, "%s", on_disk("d/local.txt"));
    rename(from, on_disk("d/renamed.txt"));
    unlink(on_disk("d/renamed.txt"));
    waiter_init(&w);
    /* Give the event thread a moment to see them; a bounded retry. */
    NTSTATUS st = STATUS_PENDING;
    for (int i = 0; i < 50 && st == STATUS_PENDING; i++) {
        usleep(20000);
        st = pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n);
        if (st == STATUS_PENDING) {
            is_int(wait_done(&w), 1, "the buffered changes complete the request");
            st = w.status;
            n = w.written;
        }
    }
    is_int(st, STATUS_SUCCESS, "buffered changes answered");
    records(buf, n, text, sizeof text);
    contains(text, "4:local.txt;5:renamed.txt", "renamed old then new name");

    /* Not in the filter: a write; then a directory's attribute filter. */
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
           STATUS_PENDING, "waiting again");
    mkdir(on_disk("d/sub"), 0777);
    is_int(wait_done(&w), 1, "a new subdirectory completes it");
    records(buf, w.written, text, sizeof text);
    is_str(text, "1:sub", "ADDED sub");

    /* Cancel. */
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
           STATUS_PENDING, "waiting to be cancelled");
    ok(pvfs_notify_cancel(d, &w, STATUS_CANCELLED), "cancel finds it");
    is_int(w.calls, 1, "cancel completed it");
    is_int(w.status, STATUS_CANCELLED, "with STATUS_CANCELLED");
    ok(!pvfs_notify_cancel(d, &w, STATUS_CANCELLED), "a second cancel finds nothing");

    /* A non-recursive watch does not see inside sub: a change there alone
     * leaves the request waiting; a later one in d completes it. */
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
           STATUS_PENDING, "waiting (not recursive)");
    write_disk_file("d/sub/deep.txt", "x");
    write_disk_file("d/top.txt", "x");
    is_int(wait_done(&w), 1, "completed");
    records(buf, w.written, text, sizeof text);
    is_str(text, "1:top.txt", "only the change in d itself");

    /* Close ends a waiting request with STATUS_NOTIFY_CLEANUP. */
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
           STATUS_PENDING, "waiting when closed");
    pvfs_close(d);
    is_int(w.calls, 1, "close completed it");
    is_int(w.status, STATUS_NOTIFY_CLEANUP, "with STATUS_NOTIFY_CLEANUP");

    /* A tree watch: changes beneath, named relative to the watched directory,
     * also in a subdirectory made after arming. */
    d = open_dir("d");
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES | FILE_NOTIFY_CHANGE_LAST_WRITE, true, buf,
                              sizeof buf, done, &w, &n),
           STATUS_PENDING, "tree watch waits");
    unlink(on_disk("d/sub/deep.txt"));
    is_int(wait_done(&w), 1, "a removal beneath completes it");
    records(buf, w.written, text, sizeof text);
    is_str(text, "2:sub\\deep.txt", "REMOVED sub\\deep.txt");
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, true, buf, sizeof buf, done, &w, &n),
           STATUS_PENDING, "tree watch waits again");
    mkdir(on_disk("d/sub/new"), 0777);
    is_int(wait_done(&w), 1, "a new directory beneath");
    records(buf, w.written, text, sizeof text);
    is_str(text, "1:sub\\new", "ADDED sub\\new");
    /* Let the thread watch sub/new, then change something inside it. */
    waiter_init(&w);
    st = pvfs_notify_change(d, ALL_NAMES, true, buf, sizeof buf, done, &w, &n);
    usleep(100000);
    write_disk_file("d/sub/new/inner.txt", "x");
    if (st == STATUS_PENDING) {
        is_int(wait_done(&w), 1, "a file in the new directory");
        n = w.written;
        st = w.status;
    } else {
        ok(1, "answered at once");
    }
    records(buf, n, text, sizeof text);
    contains(text, "1:sub\\new\\inner.txt", "ADDED sub\\new\\inner.txt");
    pvfs_close(d);

    /* Overflow: a small arming buffer and many changes between requests. */
    d = open_dir("d");
    uint8_t small[64];
    waiter_init(&w);
    is_int(pvfs_notify_change(d, ALL_NAMES, false, small, sizeof small, done, &w, &n),
           STATUS_PENDING, "small buffer waits");
    write_disk_file("d/first.txt", "x");
    is_int(wait_done(&w), 1, "first change");
    for (int i = 0; i < 20; i++) {
        char name[64];
        snprintf(name, sizeof name, "d/many-%02d.txt", i);
        write_disk_file(name, "x");
    }
    usleep(200000);
    waiter_init(&w);
    st = pvfs_notify_change(d, ALL_NAMES, false, small, sizeof small, done, &w, &n);
    if (st == STATUS_PENDING && wait_done(&w) == 1)
        st = w.status;
    is_int(st, STATUS_NOTIFY_ENUM_DIR, "too many changes: STATUS_NOTIFY_ENUM_DIR");
    pvfs_close(d);

    /* A watched directory deleted through another open (delete on close):
     * the waiting request ends with STATUS_DELETE_PENDING. */
    mkdir(on_disk("dp"), 0777);
    d = open_dir("dp");
    struct pvfs_file *del = NULL;
    open_file(vol, alice, "dp", DELETE | FILE_LIST_DIRECTORY, SHARE_ALL, FILE_OPEN,
              FILE_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE, &del, NULL);
    ok(d && del, "two opens of dp, one delete-on-close");
    if (d && del) {
        waiter_init(&w);
        is_int(pvfs_notify_change(d, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
               STATUS_PENDING, "watching dp");
        pvfs_close(del);
        is_int(w.calls, 1, "the delete-on-close close completed it");
        is_int(w.status, STATUS_DELETE_PENDING, "with STATUS_DELETE_PENDING");
    }
    if (d)
        pvfs_close(d);

    /* Not a directory. */
    struct pvfs_file *f = NULL;
    is_int(open_file(vol, alice, "d\\top.txt", FILE_READ_DATA, SHARE_ALL, FILE_OPEN, 0, &f,
                     NULL),
           STATUS_SUCCESS, "open a file");
    if (f) {
        is_int(pvfs_notify_change(f, ALL_NAMES, false, buf, sizeof buf, done, &w, &n),
               STATUS_INVALID_PARAMETER, "a file cannot be watched");
        pvfs_close(f);
    }
    pvfs_volume_close(vol);
    token_free(alice);
    return done_testing();
}
