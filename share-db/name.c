/* What a share name, path and comment may be: Windows' NetShareAdd rules for
 * names, and an existing directory (canonicalised) for paths. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lib/utf16.h"
#include "share-db/internal.h"

void share_error(char **error_message, const char *fmt, ...)
{
    va_list ap;

    if (!error_message)
        return;
    free(*error_message);
    *error_message = NULL;
    va_start(ap, fmt);
    if (vasprintf(error_message, fmt, ap) < 0)
        *error_message = NULL;
    va_end(ap);
}

bool share_name_is_ipc(const char *name)
{
    return name && strcasecmp(name, "IPC$") == 0;
}

/* Names a Windows server keeps for itself (administrative shares) or that
 * clients treat as DOS devices. */
static bool reserved_name(const char *name)
{
    static const char *const reserved[] = { "IPC$", "ADMIN$", "PRINT$", "CON", "PRN", "AUX", "NUL" };

    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (strcasecmp(name, reserved[i]) == 0)
            return true;
    if ((strncasecmp(name, "COM", 3) == 0 || strncasecmp(name, "LPT", 3) == 0) &&
        name[3] >= '1' && name[3] <= '9' && name[4] == '\0')
        return true;
    return false;
}

NTSTATUS share_check_name(const char *name, bool allow_reserved, char **error_message)
{
    static const char forbidden[] = "\"/\\[]:|<>+=;,*?";
    long units;
    bool only_dots_and_spaces = true;

    if (!name || !*name) {
        share_error(error_message, "a share name cannot be empty");
        return STATUS_OBJECT_NAME_INVALID;
    }
    if (!utf8_valid(name)) {
        share_error(error_message, "share name is not valid UTF-8");
        return STATUS_OBJECT_NAME_INVALID;
    }
    units = utf8_utf16_units(name, strlen(name));
    if (units < 0 || units > SHARE_NAME_MAX) {
        share_error(error_message, "share name '%s' is longer than %d characters", name,
                    SHARE_NAME_MAX);
        return STATUS_OBJECT_NAME_INVALID;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20) {
            share_error(error_message, "share name contains a control character");
            return STATUS_OBJECT_NAME_INVALID;
        }
        if (strchr(forbidden, *p)) {
            share_error(error_message,
                        "share name '%s' contains '%c' (not allowed: \" / \\ [ ] : | < > + = ; , * ?)",
                        name, *p);
            return STATUS_OBJECT_NAME_INVALID;
        }
        if (*p != '.' && *p != ' ')
            only_dots_and_spaces = false;
    }
    if (only_dots_and_spaces) {
        share_error(error_message, "share name '%s' is only dots and spaces", name);
        return STATUS_OBJECT_NAME_INVALID;
    }
    if (!allow_reserved && reserved_name(name)) {
        share_error(error_message, "share name '%s' is reserved", name);
        return STATUS_OBJECT_NAME_INVALID;
    }
    return STATUS_SUCCESS;
}

NTSTATUS share_validate_name(const char *name, char **error_message)
{
    if (error_message)
        *error_message = NULL;
    return share_check_name(name, false, error_message);
}

NTSTATUS share_validate_path(const char *path, char **canonical, char **error_message)
{
    char *real = NULL;
    struct stat st;
    NTSTATUS status;

    if (canonical)
        *canonical = NULL;
    if (error_message)
        *error_message = NULL;
    if (!path || path[0] != '/') {
        share_error(error_message, "share path '%s' is not absolute", path ? path : "");
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    }
    real = realpath(path, NULL);
    if (!real) {
        status = errno == ENOMEM ? STATUS_NO_MEMORY : nt_status_from_errno(errno);
        if (status == STATUS_OBJECT_NAME_NOT_FOUND)
            status = STATUS_OBJECT_PATH_NOT_FOUND;
        share_error(error_message, "share path '%s': %s", path, strerror(errno));
        return status;
    }
    if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        share_error(error_message, "share path '%s' is not a directory", path);
        status = STATUS_NOT_A_DIRECTORY;
        goto out;
    }
    if (!utf8_valid(real)) {
        share_error(error_message, "share path '%s' is not valid UTF-8", path);
        status = STATUS_OBJECT_PATH_SYNTAX_BAD;
        goto out;
    }
    for (const unsigned char *p = (const unsigned char *)real; *p; p++) {
        if (*p < 0x20) {
            share_error(error_message, "share path contains a control character");
            status = STATUS_OBJECT_PATH_SYNTAX_BAD;
            goto out;
        }
    }
    status = STATUS_SUCCESS;
    if (canonical) {
        *canonical = real;
        real = NULL;
    }
out:
    free(real);
    return status;
}
