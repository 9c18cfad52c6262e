/* The I/O manager's life cycle: init, reconfigure, shutdown.
 * Objects and the lock order are described in lwiod/internal.h. */
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lwiod/internal.h"

struct iomgr iomgr = {
    .namespace_lock = PTHREAD_RWLOCK_INITIALIZER,
    .files_lock = PTHREAD_MUTEX_INITIALIZER,
    .files_cond = PTHREAD_COND_INITIALIZER,
};

/* How long shutdown waits for the files of one driver to close. */
#define SHUTDOWN_CLOSE_TIMEOUT_MS 10000

NTSTATUS iomgr_init(const struct lwiod_config *config)
{
    if (iomgr.running)
        return STATUS_INVALID_DEVICE_STATE;
    struct lwiod_config copy;
    if (lwiod_config_copy(&copy, config))
        return STATUS_INSUFFICIENT_RESOURCES;
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    iomgr.config = copy;
    iomgr.shutting_down = false;
    iomgr.running = true;
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    log_set_level(config->log_level);
    if (workpool_start(config->worker_min, config->worker_max)) {
        log_error("cannot start the worker pool");
        iomgr_shutdown();
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    return STATUS_SUCCESS;
}

NTSTATUS iomgr_reconfigure(const struct lwiod_config *config)
{
    struct lwiod_config copy;
    if (lwiod_config_copy(&copy, config))
        return STATUS_INSUFFICIENT_RESOURCES;
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    /* Drivers stay loaded: only what can change live is taken. */
    char **settings = iomgr.config.settings;
    size_t setting_count = iomgr.config.setting_count;
    iomgr.config.settings = copy.settings;
    iomgr.config.setting_count = copy.setting_count;
    iomgr.config.log_level = copy.log_level;
    copy.settings = settings;
    copy.setting_count = setting_count;
    struct io_driver *drivers = iomgr.shutting_down ? NULL : iomgr.drivers;
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    log_set_level(config->log_level);
    lwiod_config_free(&copy);
    /* Then each driver applies what changed, with no lock of ours held. The
     * list is stable here: drivers are loaded before the first reconfigure
     * and unloaded only by iomgr_shutdown, which runs on the same (main)
     * thread as this call. */
    for (struct io_driver *driver = drivers; driver; driver = driver->next)
        if (driver->reconfigure)
            driver->reconfigure(driver);
    return STATUS_SUCCESS;
}

void iomgr_shutdown(void)
{
    if (!iomgr.running)
        return;
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    iomgr.shutting_down = true;
    struct io_driver *drivers = iomgr.drivers;
    pthread_rwlock_unlock(&iomgr.namespace_lock);

    file_cancel_all();
    bool leaked = false;
    /* Newest first: a driver loaded later (srv) may hold files on one loaded
     * earlier (pvfs), and closes them in its shutdown routine. */
    for (struct io_driver *driver = drivers; driver; driver = driver->next) {
        if (!file_close_all(driver, SHUTDOWN_CLOSE_TIMEOUT_MS)) {
            log_error("shutdown: files on driver %s did not close", driver->name);
            leaked = true;
            continue;
        }
        if (driver->shutdown)
            driver->shutdown(driver);
    }
    workpool_stop();
    driver_unload_all(leaked);

    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    lwiod_config_free(&iomgr.config);
    iomgr.running = false;
    pthread_rwlock_unlock(&iomgr.namespace_lock);
}
