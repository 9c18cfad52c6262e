/* Edits: one registry transaction each, and what a failure means in words.
 *
 * The libraries (share-db, the SAM, the settings) validate, audit and join the
 * caller's transaction; the console opens that transaction around each edit
 * so that an edit of several steps (a share and its permissions, a user and
 * their groups) lands whole or not at all. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/console.h"

static const struct {
    NTSTATUS status;
    const char *text;
} status_texts[] = {
    { STATUS_OBJECT_NAME_COLLISION, "that name is already in use" },
    { STATUS_OBJECT_NAME_INVALID, "that name is not allowed" },
    { STATUS_OBJECT_PATH_NOT_FOUND, "no such directory" },
    { STATUS_NOT_A_DIRECTORY, "not a directory" },
    { STATUS_BAD_NETWORK_NAME, "no such share (another front end may have deleted it)" },
    { STATUS_ACCESS_DENIED, "not allowed" },
    { STATUS_NO_SUCH_USER, "no such user (another front end may have deleted it)" },
    { STATUS_NO_SUCH_ALIAS, "no such group (another front end may have deleted it)" },
    { STATUS_USER_EXISTS, "a user of that name exists" },
    { STATUS_ALIAS_EXISTS, "a group of that name exists" },
    { STATUS_GROUP_EXISTS, "a group of that name exists" },
    { STATUS_INVALID_ACCOUNT_NAME, "that account name is not allowed" },
    { STATUS_PASSWORD_RESTRICTION, "the password does not meet the password policy" },
    { STATUS_SPECIAL_ACCOUNT, "built-in groups cannot be deleted or renamed" },
    { STATUS_MEMBER_IN_ALIAS, "already a member" },
    { STATUS_MEMBER_NOT_IN_ALIAS, "not a member" },
    { STATUS_NONE_MAPPED, "no user or group of that name" },
    { STATUS_INVALID_DEVICE_STATE, "the registry is not initialised (run lwadmin init)" },
    { STATUS_NO_MEMORY, "out of memory" },
    { STATUS_INTERNAL_ERROR, "the database failed (see the system log)" },
    { STATUS_IO_TIMEOUT, "the registry is busy (another program holds a write lock)" },
    { STATUS_OBJECT_NAME_NOT_FOUND, "no such setting" },
    { STATUS_INVALID_PARAMETER, "invalid value" },
    { STATUS_NOT_IMPLEMENTED, "the server does not offer this yet" },
    { STATUS_PORT_DISCONNECTED, "the server is not running" },
};

const char *console_status_text(NTSTATUS status)
{
    for (size_t i = 0; i < sizeof status_texts / sizeof *status_texts; i++)
        if (status_texts[i].status == status)
            return status_texts[i].text;
    return nt_status_name(status);
}

NTSTATUS console_begin(void)
{
    return registry_begin(app.reg);
}

NTSTATUS console_end(NTSTATUS status)
{
    if (NT_SUCCESS(status)) {
        NTSTATUS commit = registry_commit(app.reg);
        if (!NT_SUCCESS(commit)) {
            registry_rollback(app.reg);
            return commit;
        }
        return status;
    }
    registry_rollback(app.reg);
    return status;
}

char *console_message(NTSTATUS status, char *message)
{
    char *text = console_printf("%s", message && *message ? message : console_status_text(status));
    free(message);
    return text;
}

void console_error(NTSTATUS status, char *message, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    char *text = console_message(status, message);
    ui_status(UI_STATUS_ERROR, "%s: %s", what, text ? text : "failed");
    free(text);
}

void console_format_time(int64_t seconds, char *out, size_t size)
{
    if (seconds == 0) {
        snprintf(out, size, "never");
        return;
    }
    time_t t = (time_t)seconds;
    struct tm tm;
    if (!localtime_r(&t, &tm) || strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(out, size, "@%lld", (long long)seconds);
}

char *console_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *out = NULL;
    int n = vasprintf(&out, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : out;
}
