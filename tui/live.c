/* The live state of the server: whether lwiod runs, and the sessions and
 * open files its srv driver reports.
 *
 * lwconsole never reads live state from the registry (it is not there): it
 * asks lwiod over its socket, sw_run_path(db, "lwiod.sock"). The session and
 * file lists come from srv through device controls on \srv (the calls srvsvc
 * uses for NetrSessionEnum and NetrFileEnum), through the srvctl library.
 * Each call opens srvctl afresh: the console refreshes every few seconds,
 * and a server that was restarted in between is simply found again. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lwiod/ntfile.h"
#include "srvctl/srvctl.h"
#include "tui/console.h"
#include "tui/ui.h"

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

/* Opens srvctl for this registry; every server-not-running status becomes
 * STATUS_PORT_DISCONNECTED, which the screens show as "server not running". */
static NTSTATUS open_srvctl(struct srvctl **ctl)
{
    NTSTATUS status = srvctl_open(app.db_path, ctl);
    if (srvctl_server_not_running(status))
        return STATUS_PORT_DISCONNECTED;
    return status;
}

static char *text_or_empty(const char *text)
{
    return strdup(text ? text : "");
}

/* "DOMAIN\\alice", "alice", or "(anonymous)"; malloc'd. */
static char *account_name(const struct srvctl_session *s)
{
    if (!s->user[0])
        return strdup("(anonymous)");
    if (!s->domain[0])
        return strdup(s->user);
    char *name;
    return asprintf(&name, "%s\\%s", s->domain, s->user) < 0 ? NULL : name;
}

NTSTATUS live_sessions(struct live_session **sessions, size_t *count)
{
    *sessions = NULL;
    *count = 0;
    struct srvctl *ctl;
    NTSTATUS status = open_srvctl(&ctl);
    if (status != STATUS_SUCCESS)
        return status;
    struct srvctl_session *in = NULL;
    size_t n = 0;
    struct srvctl_connection *conns = NULL;
    size_t conn_count = 0;
    status = srvctl_sessions(ctl, &in, &n);
    if (status == STATUS_SUCCESS)
        status = srvctl_connections(ctl, &conns, &conn_count);
    srvctl_close(ctl);
    if (status != STATUS_SUCCESS)
        srvctl_sessions_free(in, n);
    if (srvctl_server_not_running(status))
        return STATUS_PORT_DISCONNECTED;
    if (status != STATUS_SUCCESS)
        return status;
    struct live_session *out = calloc(n ? n : 1, sizeof *out);
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; out && i < n; i++) {
        char client[128];
        snprintf(client, sizeof client, "%s:%u", in[i].client, (unsigned)in[i].client_port);
        out[i].id = in[i].id;
        out[i].user = account_name(&in[i]);
        out[i].client = strdup(client);
        out[i].dialect = text_or_empty(srvctl_dialect_name(in[i].dialect));
        out[i].shares = srvctl_session_shares_text(conns, conn_count, in[i].id);
        out[i].open_files = in[i].open_count;
        out[i].connected_seconds = in[i].logon_time ? now - in[i].logon_time : 0;
        out[i].idle_seconds = in[i].last_active_time ? now - in[i].last_active_time : 0;
        if (!out[i].user || !out[i].client || !out[i].dialect || !out[i].shares) {
            live_sessions_free(out, i + 1);
            out = NULL;
        }
    }
    srvctl_sessions_free(in, n);
    srvctl_connections_free(conns, conn_count);
    if (!out)
        return STATUS_NO_MEMORY;
    *sessions = out;
    *count = n;
    return STATUS_SUCCESS;
}

/* "read", "read,write", "write", or "" from an open's granted access. */
static char *access_text(uint32_t access)
{
    bool read = access & (FILE_READ_DATA | FILE_EXECUTE);
    bool write = access & (FILE_WRITE_DATA | FILE_APPEND_DATA);
    return strdup(read && write ? "read,write" : read ? "read" : write ? "write" : "");
}

NTSTATUS live_files(struct live_file **files, size_t *count)
{
    *files = NULL;
    *count = 0;
    struct srvctl *ctl;
    NTSTATUS status = open_srvctl(&ctl);
    if (status != STATUS_SUCCESS)
        return status;
    struct srvctl_file *in = NULL;
    size_t n = 0;
    status = srvctl_files(ctl, &in, &n);
    srvctl_close(ctl);
    if (srvctl_server_not_running(status))
        return STATUS_PORT_DISCONNECTED;
    if (status != STATUS_SUCCESS)
        return status;
    struct live_file *out = calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        out[i].id = in[i].id;
        out[i].user = text_or_empty(in[i].user);
        out[i].share = text_or_empty(in[i].share);
        out[i].path = text_or_empty(in[i].path);
        out[i].locks = in[i].lock_count;
        out[i].access = access_text(in[i].granted_access);
        if (!out[i].user || !out[i].share || !out[i].path || !out[i].access) {
            live_files_free(out, i + 1);
            out = NULL;
        }
    }
    srvctl_files_free(in, n);
    if (!out)
        return STATUS_NO_MEMORY;
    *files = out;
    *count = n;
    return STATUS_SUCCESS;
}

NTSTATUS live_session_close(uint64_t id)
{
    struct srvctl *ctl;
    NTSTATUS status = open_srvctl(&ctl);
    if (status != STATUS_SUCCESS)
        return status;
    status = srvctl_close_session(ctl, id);
    srvctl_close(ctl);
    return srvctl_server_not_running(status) ? STATUS_PORT_DISCONNECTED : status;
}

NTSTATUS live_file_close(uint64_t id)
{
    struct srvctl *ctl;
    NTSTATUS status = open_srvctl(&ctl);
    if (status != STATUS_SUCCESS)
        return status;
    /* Session 0: whichever session holds the open (the list shows one id). */
    status = srvctl_close_file(ctl, 0, id);
    srvctl_close(ctl);
    return srvctl_server_not_running(status) ? STATUS_PORT_DISCONNECTED : status;
}

/* What a live screen shows when it has no list: the server is down, or it
 * does not report this yet. */
void live_draw_unavailable(int top, int height, NTSTATUS status, const char *what)
{
    int y = top + height / 3;
    if (status == STATUS_PORT_DISCONNECTED) {
        ui_draw_text(y, 0, COLS, "server not running", ui_attr(UI_BAD), 0);
        char *text = console_printf("%s appear here while the server runs. Start it with: "
                                    "lwadmin start", what);
        ui_draw_text(y + 2, 2, COLS - 4, text, A_NORMAL, 0);
        free(text);
    } else {
        ui_draw_text(y, 0, COLS, "The server is running.", ui_attr(UI_GOOD), 0);
        char *text = console_printf("It does not report %s yet (%s).", what,
                                    console_status_text(status));
        ui_draw_text(y + 2, 2, COLS - 4, text, A_NORMAL, 0);
        free(text);
    }
    ui_draw_text(y + 3, 2, COLS - 4, "This screen checks again every two seconds.",
                 ui_attr(UI_DIM), 0);
}

void live_screen_draw(struct ui_list *list, NTSTATUS state, const char *title, int top,
                      int height)
{
    char summary[160];
    ui_list_summary(list, summary, sizeof summary);
    char *text = NT_SUCCESS(state) ? console_printf("%s (%s, live)", title, summary)
                                   : strdup(title);
    ui_draw_text(top, 1, COLS - 2, text, A_BOLD, -1);
    free(text);
    if (!NT_SUCCESS(state))
        live_draw_unavailable(top + 1, height - 1, state, title);
    else
        ui_list_draw(list, top + 1, 0, height - 1, COLS);
}

bool live_screen_key(struct ui_list *list, NTSTATUS state, int k, const char *item,
                     const char *reported, const struct ui_row **to_close)
{
    *to_close = NULL;
    bool close_key = k == 'c' || k == UI_KEY_DC;
    if (!NT_SUCCESS(state)) {
        if (!close_key && k != '/')
            return false;
        if (state == STATUS_PORT_DISCONNECTED)
            ui_status(UI_STATUS_INFO, "The server is not running.");
        else
            ui_status(UI_STATUS_INFO, "The server does not report %s yet.", reported);
        return true;
    }
    if (ui_list_key(list, k))
        return true;
    if (k == '/') {
        app_edit_filter(list);
        return true;
    }
    if (!close_key)
        return false;
    const struct ui_row *row = ui_list_selected_row(list);
    if (!row)
        ui_status(UI_STATUS_INFO, "No %s selected.", item);
    else if (!app.administrator)
        ui_status(UI_STATUS_ERROR, "Only an administrator (root or the registry's owner) may "
                                   "close %ss.", item);
    else
        *to_close = row;
    return true;
}

void live_sessions_free(struct live_session *sessions, size_t count)
{
    for (size_t i = 0; sessions && i < count; i++) {
        free(sessions[i].user);
        free(sessions[i].client);
        free(sessions[i].dialect);
        free(sessions[i].shares);
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
