/* Is a driver there for lwiod to load? */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lwiod/driver.h"
#include "supervise/internal.h"
#include "supervise/supervise.h"

bool supervise_driver_available(const char *name, char **why)
{
    char *dir = sw_driver_dir(), *path = NULL;
    bool available = false;
    if (why)
        *why = NULL;
    if (!dir || asprintf(&path, "%s/%s.so", dir, name) < 0) {
        path = NULL;
        goto out;
    }
    if (access(path, R_OK) != 0) {
        supervise_message(why, "%s is missing", path);
        goto out;
    }
    /* RTLD_LAZY: only the entry point is looked up, nothing of the driver
     * runs but its constructors (the same ones lwiod runs). */
    void *handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!handle) {
        available = true;
        goto out;
    }
    available = dlsym(handle, IO_DRIVER_ENTRY_NAME) != NULL;
    if (!available)
        supervise_message(why, "%s has no %s", path, IO_DRIVER_ENTRY_NAME);
    dlclose(handle);
out:
    free(path);
    free(dir);
    return available;
}
