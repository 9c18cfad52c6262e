/* The I/O manager's life cycle, for the lwiod daemon and for tests that host
 * the I/O manager in-process. Drivers use lwiod/driver.h only. */
#ifndef SW_LWIOD_IOMGR_H
#define SW_LWIOD_IOMGR_H

#include <stddef.h>

#include "lib/log.h"
#include "lib/ntstatus.h"
#include "lwiod/driver.h"

/* Everything lwiod reads from its settings: defaults, then the registry
 * (lwiod_config_load_registry), then the command line. */
struct lwiod_config {
    char *db_path;            /* absolute registry path */
    char *driver_dir;         /* where NAME.so live; NULL: sw_driver_dir() */
    char **drivers;           /* driver names to load, in order */
    size_t driver_count;
    char **required_drivers;  /* startup fails if one of these fails to load */
    size_t required_count;
    char **settings;          /* "driver.name=value" pairs for IoDriverGetSetting */
    size_t setting_count;
    enum log_level log_level;
    unsigned worker_min;      /* worker pool: threads kept alive */
    unsigned worker_max;      /* ... and the most it grows to */
};

/* Defaults: drivers "npfs" (required), log level warning, workers 2..32. */
int lwiod_config_init(struct lwiod_config *config, const char *db_path);
void lwiod_config_free(struct lwiod_config *config);
/* Replaces a list (drivers, required drivers) by a comma-separated one. */
int lwiod_config_set_list(char ***list, size_t *count, const char *comma_separated);
/* A deep copy; 0 or -1. */
int lwiod_config_copy(struct lwiod_config *dst, const struct lwiod_config *src);
/* Adds a "driver.name=value" setting (a later one with the same key wins). */
int lwiod_config_add_setting(struct lwiod_config *config, const char *assignment);

struct registry;
/* Takes lwiod.drivers, lwiod.required-drivers, lwiod.log-level and every
 * setting (as "name=value" for IoDriverGetSetting) from an open registry. */
NTSTATUS lwiod_config_load_registry(struct lwiod_config *config, struct registry *reg);

/* Starts the I/O manager (worker pool, namespace) with a copy of config. */
NTSTATUS iomgr_init(const struct lwiod_config *config);
/* Makes a driver available without a .so (tests, built-in drivers): a name
 * in config->drivers is looked up here before the driver directory. */
NTSTATUS iomgr_register_static_driver(const char *name, io_driver_entry_fn entry);
/* Loads config->drivers; a driver that fails is logged and skipped, unless it
 * is required: then the status of its failure is returned. */
NTSTATUS iomgr_load_drivers(void);
/* Applies new settings (SIGHUP, or the registry changed): log level, driver
 * settings, then each driver's reconfigure routine (IoDriverSetReconfigure).
 * Drivers are not reloaded (lwiod.drivers needs a restart). Main thread. */
NTSTATUS iomgr_reconfigure(const struct lwiod_config *config);
/* Stops: new requests fail with STATUS_INVALID_DEVICE_STATE, every pending IRP
 * is cancelled, open files are closed (bounded wait), drivers' shutdown
 * routines run in reverse load order, drivers are unloaded, the pool stops. */
void iomgr_shutdown(void);

#endif
