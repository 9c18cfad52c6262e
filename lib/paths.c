#include "lib/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static char *join(const char *a, const char *sep, const char *b)
{
    size_t len = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *s = malloc(len);
    if (s)
        snprintf(s, len, "%s%s%s", a, sep, b);
    return s;
}

char *sw_db_path(const char *db_argument)
{
    const char *path = db_argument;
    if (!path || !*path)
        path = getenv("SAMEWISE_DB");
    if (!path || !*path)
        path = SW_LOCALSTATEDIR "/registry.db";
    if (path[0] == '/')
        return strdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    return join(cwd, "/", path);
}

/* db_path with a trailing ".db" replaced by suffix (or suffix appended). */
static char *sibling_dir(const char *db_path, const char *suffix)
{
    size_t len = strlen(db_path);
    if (len > 3 && strcmp(db_path + len - 3, ".db") == 0) {
        char *base = strndup(db_path, len - 3);
        if (!base)
            return NULL;
        char *dir = join(base, "", suffix);
        free(base);
        return dir;
    }
    return join(db_path, "", suffix);
}

static char *dir_path(char *dir, const char *name)
{
    if (!dir)
        return NULL;
    char *path = join(dir, "/", name);
    free(dir);
    return path;
}

static int dir_create(char *dir, mode_t mode)
{
    if (!dir)
        return -1;
    int rc = mkdir(dir, mode);
    if (rc && errno == EEXIST)
        rc = 0;
    int saved = errno;
    free(dir);
    errno = saved;
    return rc;
}

char *sw_run_dir(const char *db_path)
{
    return sibling_dir(db_path, ".run");
}

char *sw_run_path(const char *db_path, const char *name)
{
    return dir_path(sw_run_dir(db_path), name);
}

int sw_run_dir_create(const char *db_path)
{
    return dir_create(sw_run_dir(db_path), 0700);
}

char *sw_public_dir(const char *db_path)
{
    return sibling_dir(db_path, ".pub");
}

char *sw_public_path(const char *db_path, const char *name)
{
    return dir_path(sw_public_dir(db_path), name);
}

int sw_public_dir_create(const char *db_path)
{
    /* mkdir's mode goes through the umask; the directory must be
     * searchable by everyone whatever the umask was. */
    char *dir = sw_public_dir(db_path);
    if (!dir)
        return -1;
    int rc = mkdir(dir, 0755);
    if (rc && errno == EEXIST)
        rc = 0;
    if (rc == 0)
        rc = chmod(dir, 0755);
    int saved = errno;
    free(dir);
    errno = saved;
    return rc;
}

char *sw_driver_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *candidate = join(exe, "/", "../drivers");
            struct stat st;
            if (candidate && stat(candidate, &st) == 0 && S_ISDIR(st.st_mode))
                return candidate;
            free(candidate);
        }
    }
    return strdup(SW_LIBDIR "/drivers");
}
