/* A volume: the root directory of the device and the table of open files. */
#include "drivers/pvfs/pvfs_private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PVFS_BUCKETS 1024

NTSTATUS pvfs_volume_open(const char *root, struct pvfs_volume **out)
{
    NTSTATUS status = STATUS_NO_MEMORY;
    struct pvfs_volume *v = calloc(1, sizeof *v);
    if (!v)
        return STATUS_NO_MEMORY;
    v->root_fd = -1;
    v->root = realpath(root, NULL);
    if (!v->root) {
        status = nt_status_from_errno(errno);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND)
            status = STATUS_OBJECT_PATH_NOT_FOUND;
        goto fail;
    }
    v->root_fd = open(v->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (v->root_fd < 0) {
        status = nt_status_from_errno(errno);
        goto fail;
    }
    struct pvfs_stat st;
    status = pvfs_stat_fd(v->root_fd, NULL, &st);
    if (status != STATUS_SUCCESS)
        goto fail;
    v->root_dev = st.st.st_dev;
    /* A stable serial number: the same device gives the same number. */
    uint64_t d = (uint64_t)st.st.st_dev * 0x9E3779B97F4A7C15ull ^ (uint64_t)st.st.st_ino;
    v->serial = (uint32_t)(d ^ (d >> 32));
    v->created = st.creation_time;
    v->bucket_count = PVFS_BUCKETS;
    v->buckets = calloc(v->bucket_count, sizeof *v->buckets);
    if (!v->buckets) {
        status = STATUS_NO_MEMORY;
        goto fail;
    }
    if (pthread_mutex_init(&v->lock, NULL) != 0) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    if (pthread_mutex_init(&v->notify_lock, NULL) != 0) {
        pthread_mutex_destroy(&v->lock);
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    /* Waits for a creation in progress (creating.c) are timed on the
     * monotonic clock: a clock change must not stretch or cut them. */
    pthread_condattr_t ca;
    bool cond_ok = pthread_condattr_init(&ca) == 0;
    if (cond_ok) {
        cond_ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
                  pthread_cond_init(&v->creating_done, &ca) == 0;
        /* And so are oplock breaks (oplock.c). */
        if (cond_ok && pthread_cond_init(&v->oplock_cond, &ca) != 0) {
            pthread_cond_destroy(&v->creating_done);
            cond_ok = false;
        }
        pthread_condattr_destroy(&ca);
    }
    if (!cond_ok) {
        pthread_mutex_destroy(&v->notify_lock);
        pthread_mutex_destroy(&v->lock);
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    *out = v;
    return STATUS_SUCCESS;
fail:
    if (v->root_fd >= 0)
        close(v->root_fd);
    free(v->buckets);
    free(v->root);
    free(v);
    return status;
}

void pvfs_volume_close(struct pvfs_volume *v)
{
    if (!v)
        return;
    pvfs_notify_shutdown(v);
    pvfs_oplock_shutdown(v);
    pthread_cond_destroy(&v->oplock_cond);
    pthread_mutex_destroy(&v->notify_lock);
    pthread_cond_destroy(&v->creating_done);
    pthread_mutex_destroy(&v->lock);
    close(v->root_fd);
    free(v->buckets);
    free(v->root);
    free(v);
}
