/* The live state of the server: whether lwiod runs, and the sessions and
 * open files its srv driver reports.
 *
 * lwconsole never reads live state from the registry (it is not there): it
 * asks lwiod over its socket, sw_run_path(db, "lwiod.sock"). The session and
 * file lists come from srv through device controls on \srv (the calls srvsvc
 * uses for NetrSessionEnum and NetrFileEnum); until srv offers them, the
 * enumerations below answer STATUS_NOT_IMPLEMENTED and the screens say so.
 * Each is one small function: fill in live_sessions(), live_files() and the
 * two close calls with LwNtDeviceIoControlFile() on \srv when they land. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/paths.h"
#include "tui/console.h"

bool live_server_running(void)
{
    char *path = sw_run_path(app.db_path, "lwiod.sock");
    if (!path)
        return false;
    bool running = false;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) < sizeof addr.sun_path) {
        memcpy(addr.sun_path, path, strlen(path) + 1);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0) {
            running = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
            close(fd);
        }
    }
    free(path);
    return running;
}

NTSTATUS live_sessions(struct live_session **sessions, size_t *count)
{
    *sessions = NULL;
    *count = 0;
    if (!live_server_running())
        return STATUS_PORT_DISCONNECTED;
    /* srv's session enumeration device control goes here. */
    return STATUS_NOT_IMPLEMENTED;
}

NTSTATUS live_files(struct live_file **files, size_t *count)
{
    *files = NULL;
    *count = 0;
    if (!live_server_running())
        return STATUS_PORT_DISCONNECTED;
    /* srv's open file enumeration device control goes here. */
    return STATUS_NOT_IMPLEMENTED;
}

NTSTATUS live_session_close(uint64_t id)
{
    (void)id;
    if (!live_server_running())
        return STATUS_PORT_DISCONNECTED;
    return STATUS_NOT_IMPLEMENTED;
}

NTSTATUS live_file_close(uint64_t id)
{
    (void)id;
    if (!live_server_running())
        return STATUS_PORT_DISCONNECTED;
    return STATUS_NOT_IMPLEMENTED;
}

void live_sessions_free(struct live_session *sessions, size_t count)
{
    for (size_t i = 0; sessions && i < count; i++) {
        free(sessions[i].user);
        free(sessions[i].client);
        free(sessions[i].dialect);
    }
    free(sessions);
}

void live_files_free(struct live_file *files, size_t count)
{
    for (size_t i = 0; files && i < count; i++) {
        free(files[i].user);
        free(files[i].share);
        free(files[i].path);
        free(files[i].access);
    }
    free(files);
}
