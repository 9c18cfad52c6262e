/* Drivers and devices: loading (dlopen + DriverEntry, or a static table),
 * the device namespace, and the driver-facing accessors. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lwiod/internal.h"

#define STATIC_DRIVER_MAX 16

static struct {
    char name[32];
    io_driver_entry_fn entry;
} static_drivers[STATIC_DRIVER_MAX];
static pthread_mutex_t static_lock = PTHREAD_MUTEX_INITIALIZER;

NTSTATUS iomgr_register_static_driver(const char *name, io_driver_entry_fn entry)
{
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    if (!name || strlen(name) >= sizeof static_drivers[0].name || !entry)
        return STATUS_INVALID_PARAMETER;
    pthread_mutex_lock(&static_lock);
    for (size_t i = 0; i < STATIC_DRIVER_MAX; i++) {
        if (!static_drivers[i].entry || strcmp(static_drivers[i].name, name) == 0) {
            snprintf(static_drivers[i].name, sizeof static_drivers[i].name, "%s", name);
            static_drivers[i].entry = entry;
            status = STATUS_SUCCESS;
            break;
        }
    }
    pthread_mutex_unlock(&static_lock);
    return status;
}

static io_driver_entry_fn static_driver(const char *name)
{
    io_driver_entry_fn entry = NULL;
    pthread_mutex_lock(&static_lock);
    for (size_t i = 0; i < STATIC_DRIVER_MAX && static_drivers[i].entry; i++)
        if (strcmp(static_drivers[i].name, name) == 0)
            entry = static_drivers[i].entry;
    pthread_mutex_unlock(&static_lock);
    return entry;
}

/* Driver names become file names: keep them plain. */
static bool driver_name_ok(const char *name)
{
    if (!*name || strlen(name) > 31)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    return true;
}

static bool is_required(const char *name)
{
    for (size_t i = 0; i < iomgr.config.required_count; i++)
        if (strcmp(iomgr.config.required_drivers[i], name) == 0)
            return true;
    return false;
}

/* Removes the devices of a driver from the namespace and frees them. */
static void remove_devices(struct io_driver *driver)
{
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    struct io_device **link = &iomgr.devices;
    while (*link) {
        struct io_device *device = *link;
        if (device->driver == driver) {
            *link = device->next;
            free(device->name);
            free(device);
        } else {
            link = &device->next;
        }
    }
    pthread_rwlock_unlock(&iomgr.namespace_lock);
}

static void unlink_driver(struct io_driver *driver)
{
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    for (struct io_driver **link = &iomgr.drivers; *link; link = &(*link)->next) {
        if (*link == driver) {
            *link = driver->next;
            break;
        }
    }
    pthread_rwlock_unlock(&iomgr.namespace_lock);
}

static NTSTATUS load_driver(const char *name)
{
    NTSTATUS status;
    char *path = NULL;
    struct io_driver *driver = NULL;
    io_driver_entry_fn entry = static_driver(name);
    void *handle = NULL;

    if (!driver_name_ok(name)) {
        log_error("driver name '%s' is not valid", name);
        return STATUS_OBJECT_NAME_INVALID;
    }
    if (!entry) {
        const char *dir = iomgr.config.driver_dir;
        char *default_dir = dir ? NULL : sw_driver_dir();
        if (!dir)
            dir = default_dir;
        if (dir && asprintf(&path, "%s/%s.so", dir, name) < 0)
            path = NULL;
        free(default_dir);
        if (!path)
            return STATUS_INSUFFICIENT_RESOURCES;
        handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            log_error("driver %s: cannot load %s: %s", name, path, dlerror());
            status = STATUS_DEVICE_DOES_NOT_EXIST;
            goto fail;
        }
        entry = (io_driver_entry_fn)(uintptr_t)dlsym(handle, IO_DRIVER_ENTRY_NAME);
        if (!entry) {
            log_error("driver %s: %s has no %s", name, path, IO_DRIVER_ENTRY_NAME);
            status = STATUS_INVALID_DEVICE_REQUEST;
            goto fail;
        }
    }
    driver = calloc(1, sizeof *driver);
    if (!driver || !(driver->name = strdup(name))) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto fail;
    }
    driver->dl_handle = handle;
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    driver->next = iomgr.drivers;
    iomgr.drivers = driver;
    pthread_rwlock_unlock(&iomgr.namespace_lock);

    status = entry(driver, IO_DRIVER_INTERFACE_VERSION);
    if (status == STATUS_SUCCESS && !driver->dispatch) {
        log_error("driver %s: DriverEntry did not call IoDriverInitialize", name);
        status = STATUS_INVALID_DEVICE_REQUEST;
    }
    if (status != STATUS_SUCCESS) {
        log_error("driver %s: DriverEntry failed: %s", name, nt_status_name(status));
        remove_devices(driver);
        unlink_driver(driver);
        goto fail;
    }
    log_info("driver %s loaded%s%s", name, path ? " from " : " (built in)", path ? path : "");
    free(path);
    return STATUS_SUCCESS;

fail:
    if (driver) {
        free(driver->name);
        free(driver);
    }
    if (handle)
        dlclose(handle);
    free(path);
    return status;
}

NTSTATUS iomgr_load_drivers(void)
{
    for (size_t i = 0; i < iomgr.config.driver_count; i++) {
        const char *name = iomgr.config.drivers[i];
        NTSTATUS status = load_driver(name);
        if (status != STATUS_SUCCESS && is_required(name)) {
            log_error("required driver %s failed to load", name);
            return status;
        }
    }
    /* A required driver that is not in the list at all is a failure too. */
    for (size_t i = 0; i < iomgr.config.required_count; i++) {
        bool loaded = false;
        for (struct io_driver *d = iomgr.drivers; d; d = d->next)
            loaded |= strcmp(d->name, iomgr.config.required_drivers[i]) == 0;
        if (!loaded) {
            log_error("required driver %s is not loaded", iomgr.config.required_drivers[i]);
            return STATUS_DEVICE_DOES_NOT_EXIST;
        }
    }
    return STATUS_SUCCESS;
}

/* Newest first, i.e. in reverse load order: shut down and unload everything.
 * Called by iomgr_shutdown once no file is open (or after a timeout, with
 * leaked set: then nothing is unloaded, as a driver's code may still run). */
void driver_unload_all(bool leaked)
{
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    struct io_driver *drivers = iomgr.drivers;
    struct io_device *devices = iomgr.devices;
    iomgr.drivers = NULL;
    iomgr.devices = NULL;
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    while (devices) {
        struct io_device *next = devices->next;
        free(devices->name);
        free(devices);
        devices = next;
    }
    while (drivers) {
        struct io_driver *next = drivers->next;
        if (drivers->dl_handle && !leaked)
            dlclose(drivers->dl_handle);
        free(drivers->name);
        free(drivers);
        drivers = next;
    }
}

struct io_device *device_lookup(const char *name, size_t name_len)
{
    struct io_device *found = NULL;
    pthread_rwlock_rdlock(&iomgr.namespace_lock);
    for (struct io_device *d = iomgr.devices; d; d = d->next) {
        if (strlen(d->name) == name_len && strncasecmp(d->name, name, name_len) == 0) {
            found = d;
            break;
        }
    }
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    return found;
}

/* ---- The driver's side ---- */

NTSTATUS IoDriverInitialize(struct io_driver *driver, void *driver_context,
                            io_driver_shutdown_fn shutdown, io_driver_dispatch_fn dispatch)
{
    if (!driver || !dispatch)
        return STATUS_INVALID_PARAMETER;
    driver->context = driver_context;
    driver->shutdown = shutdown;
    driver->dispatch = dispatch;
    return STATUS_SUCCESS;
}

void IoDriverSetReconfigure(struct io_driver *driver, io_driver_reconfigure_fn reconfigure)
{
    if (driver)
        driver->reconfigure = reconfigure;
}

void *IoDriverGetContext(struct io_driver *driver) { return driver->context; }
const char *IoDriverGetName(struct io_driver *driver) { return driver->name; }

char *IoDriverGetSetting(struct io_driver *driver, const char *name)
{
    char *value = NULL;
    size_t driver_len = strlen(driver->name), name_len = strlen(name);
    pthread_rwlock_rdlock(&iomgr.namespace_lock);
    for (size_t i = 0; i < iomgr.config.setting_count; i++) {
        const char *s = iomgr.config.settings[i];
        if (strncmp(s, driver->name, driver_len) == 0 && s[driver_len] == '.' &&
            strncmp(s + driver_len + 1, name, name_len) == 0 &&
            s[driver_len + 1 + name_len] == '=')
            value = strdup(s + driver_len + 2 + name_len);
    }
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    return value;
}

const char *IoGetDatabasePath(void) { return iomgr.config.db_path ? iomgr.config.db_path : ""; }

NTSTATUS IoDeviceCreate(struct io_device **device_out, struct io_driver *driver, const char *name,
                        void *device_context)
{
    if (!driver || !name || !*name || strchr(name, '\\') || strchr(name, '/') ||
        strlen(name) > 64)
        return STATUS_OBJECT_NAME_INVALID;
    struct io_device *device = calloc(1, sizeof *device);
    if (!device || !(device->name = strdup(name))) {
        free(device);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    device->driver = driver;
    device->context = device_context;
    pthread_rwlock_wrlock(&iomgr.namespace_lock);
    for (struct io_device *d = iomgr.devices; d; d = d->next) {
        if (strcasecmp(d->name, name) == 0) {
            pthread_rwlock_unlock(&iomgr.namespace_lock);
            free(device->name);
            free(device);
            return STATUS_OBJECT_NAME_COLLISION;
        }
    }
    device->next = iomgr.devices;
    iomgr.devices = device;
    pthread_rwlock_unlock(&iomgr.namespace_lock);
    if (device_out)
        *device_out = device;
    log_debug("device \\%s created by driver %s", name, driver->name);
    return STATUS_SUCCESS;
}

void *IoDeviceGetContext(struct io_device *device) { return device->context; }
const char *IoDeviceGetName(struct io_device *device) { return device->name; }
