/* Creations in progress: a new file or directory is visible on disk from
 * mkdirat()/openat(O_EXCL) on, but its owner, DOS attributes and NT
 * descriptor are stored a moment later. Another CREATE that resolves the
 * name in between would access-check it against a descriptor synthesized
 * from the POSIX owner and mode and be refused (smbtorture
 * smb2.create.mkdir-dup: three FILE_OPEN_IF of one new directory at once).
 *
 * So create_new registers (parent st_dev, st_ino, name) here under the
 * volume lock before making the name, and pvfs_create ends the entry once
 * the file is complete (or removed again). An open that resolves an
 * existing name that is still registered waits on the volume's condition
 * variable, bounded by PVFS_CREATING_WAIT_MS, then looks the name up again.
 *
 * Lock order: only volume->lock, never held across file system calls; a
 * waiter gives it up inside pthread_cond_timedwait. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/utf16.h"

/* How long an open waits for a creation of its name to finish before it
 * goes ahead with what is on disk: far longer than storing a descriptor
 * takes, short enough that a stuck creator does not hang the open. */
#define PVFS_CREATING_WAIT_MS 5000

struct pvfs_creating {
    struct pvfs_creating *next;
    dev_t dev;
    ino_t ino;
    char *name;
};

static bool parent_id(int parent_fd, dev_t *dev, ino_t *ino)
{
    struct stat st;
    if (parent_fd < 0 || fstat(parent_fd, &st) != 0)
        return false;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return true;
}

NTSTATUS pvfs_creating_begin(struct pvfs_volume *volume, int parent_fd, const char *name,
                             struct pvfs_creating **out)
{
    *out = NULL;
    struct pvfs_creating *c = calloc(1, sizeof *c);
    if (!c)
        return STATUS_NO_MEMORY;
    c->name = strdup(name);
    if (!c->name || !parent_id(parent_fd, &c->dev, &c->ino)) {
        NTSTATUS status = c->name ? nt_status_from_errno(errno) : STATUS_NO_MEMORY;
        free(c->name);
        free(c);
        return status;
    }
    pthread_mutex_lock(&volume->lock);
    c->next = volume->creating;
    volume->creating = c;
    pthread_mutex_unlock(&volume->lock);
    *out = c;
    return STATUS_SUCCESS;
}

void pvfs_creating_end(struct pvfs_volume *volume, struct pvfs_creating *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&volume->lock);
    for (struct pvfs_creating **p = &volume->creating; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    pthread_cond_broadcast(&volume->creating_done);
    pthread_mutex_unlock(&volume->lock);
    free(c->name);
    free(c);
}

/* Called with volume->lock held. */
static bool registered(const struct pvfs_volume *volume, dev_t dev, ino_t ino, const char *name)
{
    for (const struct pvfs_creating *c = volume->creating; c; c = c->next)
        if (c->dev == dev && c->ino == ino && utf8_casecmp(c->name, name) == 0)
            return true;
    return false;
}

bool pvfs_creating_wait(struct pvfs_volume *volume, int parent_fd, const char *name)
{
    dev_t dev;
    ino_t ino;
    if (!name || !parent_id(parent_fd, &dev, &ino))
        return false;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += PVFS_CREATING_WAIT_MS / 1000;
    deadline.tv_nsec += (long)(PVFS_CREATING_WAIT_MS % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    bool waited = false;
    pthread_mutex_lock(&volume->lock);
    while (registered(volume, dev, ino, name)) {
        waited = true;
        if (pthread_cond_timedwait(&volume->creating_done, &volume->lock, &deadline) ==
            ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&volume->lock);
    return waited;
}
