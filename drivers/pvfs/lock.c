/* Byte-range locks ([MS-FSA] 2.1.5.7, 2.1.5.8), mandatory as on NTFS: held
 * per open (and key) on a file's node, checked by every read and write
 * through another open, and waited for without a thread: a lock that must
 * wait is queued with its caller's completion, and whoever releases a range
 * (unlock, close) grants what now fits and completes it, after dropping the
 * volume lock.
 *
 * Conflict rules (NTFS's, as smbtorture checks them and smbd implements
 * them): two shared locks never conflict; a shared lock may stack on an
 * exclusive lock of the same open and key; anything else that overlaps
 * conflicts. Ranges are [offset, offset+length): a zero-length range
 * overlaps nothing but a range strictly containing its offset. */
#include "drivers/pvfs/pvfs_private.h"

#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return (u128)a < (u128)b + blen && (u128)b < (u128)a + alen;
}

static bool lock_conflict(const struct pvfs_lock_range *want, const struct pvfs_lock_range *held)
{
    if (!want->exclusive && !held->exclusive)
        return false;
    if (!want->exclusive && held->exclusive && held->owner == want->owner &&
        held->key == want->key)
        return false;
    return overlap(want->offset, want->length, held->offset, held->length);
}

static bool node_conflicts(const struct pvfs_node *node, const struct pvfs_lock_range *want)
{
    for (size_t i = 0; i < node->lock_count; i++)
        if (lock_conflict(want, &node->locks[i]))
            return true;
    return false;
}

static NTSTATUS node_add_lock(struct pvfs_node *node, const struct pvfs_lock_range *range)
{
    if (node->lock_count == node->lock_capacity) {
        size_t cap = node->lock_capacity ? node->lock_capacity * 2 : 4;
        struct pvfs_lock_range *grown = realloc(node->locks, cap * sizeof *grown);
        if (!grown)
            return STATUS_NO_MEMORY;
        node->locks = grown;
        node->lock_capacity = cap;
    }
    node->locks[node->lock_count++] = *range;
    return STATUS_SUCCESS;
}

/* Grants the waiters that now fit, moving them to *done_list. */
static void grant_waiters(struct pvfs_node *node, struct pvfs_lock_waiter **done_list)
{
    struct pvfs_lock_waiter **p = &node->waiters;
    while (*p) {
        struct pvfs_lock_waiter *w = *p;
        if (node_conflicts(node, &w->range)) {
            p = &w->next;
            continue;
        }
        w->status = node_add_lock(node, &w->range);
        *p = w->next;
        w->next = *done_list;
        *done_list = w;
    }
}

void pvfs_lock_complete(struct pvfs_lock_waiter *done_list)
{
    /* done_list was built newest first; complete in queue order. */
    struct pvfs_lock_waiter *ordered = NULL;
    while (done_list) {
        struct pvfs_lock_waiter *w = done_list;
        done_list = w->next;
        w->next = ordered;
        ordered = w;
    }
    while (ordered) {
        struct pvfs_lock_waiter *w = ordered;
        ordered = w->next;
        w->done(w->context, w->status);
        free(w);
    }
}

NTSTATUS pvfs_lock(struct pvfs_file *file, uint64_t offset, uint64_t length, uint32_t key,
                   uint32_t flags, pvfs_lock_done_fn done, void *context)
{
    if (file->is_directory && !pvfs_file_stream(file))
        return STATUS_INVALID_DEVICE_REQUEST;
    if (!(file->granted_access & (FILE_READ_DATA | FILE_WRITE_DATA)))
        return STATUS_ACCESS_DENIED;
    if (length > 0 && offset + (length - 1) < offset)
        return STATUS_INVALID_LOCK_RANGE;
    pvfs_oplock_break_level2(file); /* [MS-FSA] 2.1.5.7: a lock breaks level II */
    struct pvfs_lock_range want = { offset, length, key, (flags & SL_EXCLUSIVE_LOCK) != 0, file };
    struct pvfs_volume *volume = file->volume;
    struct pvfs_node *node = file->node;
    NTSTATUS status;
    pthread_mutex_lock(&volume->lock);
    if (!node_conflicts(node, &want)) {
        status = node_add_lock(node, &want);
    } else if ((flags & SL_FAIL_IMMEDIATELY) || !done) {
        status = STATUS_LOCK_NOT_GRANTED;
    } else {
        struct pvfs_lock_waiter *w = calloc(1, sizeof *w);
        if (!w) {
            status = STATUS_NO_MEMORY;
        } else {
            w->file = file;
            w->range = want;
            w->done = done;
            w->context = context;
            struct pvfs_lock_waiter **tail = &node->waiters;
            while (*tail)
                tail = &(*tail)->next;
            *tail = w;
            status = STATUS_PENDING;
        }
    }
    pthread_mutex_unlock(&volume->lock);
    return status;
}

bool pvfs_lock_cancel(struct pvfs_file *file, void *context)
{
    struct pvfs_volume *volume = file->volume;
    struct pvfs_lock_waiter *found = NULL;
    pthread_mutex_lock(&volume->lock);
    for (struct pvfs_lock_waiter **p = &file->node->waiters; *p; p = &(*p)->next) {
        if ((*p)->file == file && (*p)->context == context) {
            found = *p;
            *p = found->next;
            found->next = NULL;
            found->status = STATUS_CANCELLED;
            break;
        }
    }
    pthread_mutex_unlock(&volume->lock);
    if (found)
        pvfs_lock_complete(found);
    return found != NULL;
}

NTSTATUS pvfs_unlock(struct pvfs_file *file, uint64_t offset, uint64_t length, uint32_t key)
{
    struct pvfs_volume *volume = file->volume;
    struct pvfs_node *node = file->node;
    struct pvfs_lock_waiter *done_list = NULL;
    NTSTATUS status = STATUS_RANGE_NOT_LOCKED;
    pthread_mutex_lock(&volume->lock);
    for (size_t i = 0; i < node->lock_count; i++) {
        struct pvfs_lock_range *l = &node->locks[i];
        if (l->owner == file && l->offset == offset && l->length == length && l->key == key) {
            memmove(l, l + 1, (node->lock_count - i - 1) * sizeof *l);
            node->lock_count--;
            status = STATUS_SUCCESS;
            break;
        }
    }
    if (status == STATUS_SUCCESS)
        grant_waiters(node, &done_list);
    pthread_mutex_unlock(&volume->lock);
    pvfs_lock_complete(done_list);
    return status;
}

void pvfs_lock_release_file(struct pvfs_file *file, struct pvfs_lock_waiter **done_list)
{
    struct pvfs_node *node = file->node;
    size_t kept = 0;
    bool released = false;
    for (size_t i = 0; i < node->lock_count; i++) {
        if (node->locks[i].owner == file)
            released = true;
        else
            node->locks[kept++] = node->locks[i];
    }
    node->lock_count = kept;
    for (struct pvfs_lock_waiter **p = &node->waiters; *p;) {
        struct pvfs_lock_waiter *w = *p;
        if (w->file != file) {
            p = &w->next;
            continue;
        }
        *p = w->next;
        /* Windows ends a waiting lock whose handle closes (CLOSE, tree
         * disconnect, logoff) with STATUS_RANGE_NOT_LOCKED, not as a
         * cancel (smb2.lock.cancel). */
        w->status = STATUS_RANGE_NOT_LOCKED;
        w->next = *done_list;
        *done_list = w;
    }
    if (released)
        grant_waiters(node, done_list);
}

NTSTATUS pvfs_lock_check_io(struct pvfs_file *file, uint64_t offset, uint64_t length,
                            uint32_t key, bool write)
{
    if (length == 0)
        return STATUS_SUCCESS;
    struct pvfs_volume *volume = file->volume;
    const struct pvfs_node *node = file->node;
    NTSTATUS status = STATUS_SUCCESS;
    pthread_mutex_lock(&volume->lock);
    for (size_t i = 0; i < node->lock_count; i++) {
        const struct pvfs_lock_range *l = &node->locks[i];
        if (!overlap(offset, length, l->offset, l->length))
            continue;
        bool mine = l->owner == file;
        /* An exclusive lock stops every other open; a shared one stops
         * every write, its owner's too. */
        if ((!mine && l->exclusive) || (write && !l->exclusive)) {
            status = STATUS_FILE_LOCK_CONFLICT;
            break;
        }
    }
    pthread_mutex_unlock(&volume->lock);
    (void)key;
    return status;
}
