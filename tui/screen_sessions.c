/* Sessions: who is connected, live from the server, refreshed every two
 * seconds; an administrator may close one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" }, { "c", "Close session" }, { "/", "Filter" }, { "Tab", "Next" },
    { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "USER", 0, 1, 10, -1 },   { "CLIENT", 0, 1, 10, -1 }, { "DIALECT", 7, 0, 0, -1 },
    { "OPEN", 5, 0, 0, 1 },     { "CONNECTED", 10, 0, 0, 1 }, { "IDLE", 8, 0, 0, 1 },
};

static struct ui_list list;
static bool initialised;
static NTSTATUS state = STATUS_PORT_DISCONNECTED;

void console_format_duration(int64_t seconds, char *out, size_t size)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds < 3600)
        snprintf(out, size, "%lld:%02lld", (long long)(seconds / 60), (long long)(seconds % 60));
    else if (seconds < 86400)
        snprintf(out, size, "%lldh%02lldm", (long long)(seconds / 3600),
                 (long long)(seconds % 3600 / 60));
    else
        snprintf(out, size, "%lldd%02lldh", (long long)(seconds / 86400),
                 (long long)(seconds % 86400 / 3600));
}

static void live(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        list.empty_text = "(nobody is connected)";
        initialised = true;
    }
    struct live_session *sessions = NULL;
    size_t count = 0;
    state = live_sessions(&sessions, &count);
    ui_list_begin(&list);
    for (size_t i = 0; NT_SUCCESS(state) && i < count; i++) {
        char key[24], open[16], connected[24], idle[24];
        snprintf(key, sizeof key, "%llu", (unsigned long long)sessions[i].id);
        snprintf(open, sizeof open, "%u", sessions[i].open_files);
        console_format_duration(sessions[i].connected_seconds, connected, sizeof connected);
        console_format_duration(sessions[i].idle_seconds, idle, sizeof idle);
        const char *cells[] = { sessions[i].user, sessions[i].client, sessions[i].dialect, open,
                                connected, idle };
        ui_list_add(&list, key, cells, UI_NORMAL);
    }
    ui_list_end(&list);
    live_sessions_free(sessions, count);
}

static void load(void)
{
    live();
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

static void draw(int top, int height)
{
    char summary[160];
    ui_list_summary(&list, summary, sizeof summary);
    char *title = NT_SUCCESS(state) ? console_printf("Sessions (%s, live)", summary)
                                    : strdup("Sessions");
    ui_draw_text(top, 1, COLS - 2, title, A_BOLD, -1);
    free(title);
    if (!NT_SUCCESS(state))
        live_draw_unavailable(top + 1, height - 1, state, "Sessions");
    else
        ui_list_draw(&list, top + 1, 0, height - 1, COLS);
}

static bool key(int k)
{
    if (!NT_SUCCESS(state)) {
        if (k == 'c' || k == UI_KEY_DC || k == '/') {
            ui_status(UI_STATUS_INFO, "%s", state == STATUS_PORT_DISCONNECTED
                                                ? "The server is not running."
                                                : "The server does not report sessions yet.");
            return true;
        }
        return false;
    }
    if (ui_list_key(&list, k))
        return true;
    if (k == '/') {
        app_edit_filter(&list);
        return true;
    }
    if (k != 'c' && k != UI_KEY_DC)
        return false;
    const struct ui_row *row = ui_list_selected_row(&list);
    if (!row) {
        ui_status(UI_STATUS_INFO, "No session selected.");
        return true;
    }
    if (!app.administrator) {
        ui_status(UI_STATUS_ERROR, "Only an administrator (root or the registry's owner) may "
                                   "close sessions.");
        return true;
    }
    char *question = console_printf("Close the session of %s from %s? Its open files close "
                                    "and unsaved work in them may be lost.",
                                    row->cells[0], row->cells[1]);
    uint64_t id = strtoull(row->key, NULL, 10);
    bool yes = ui_confirm("Close session", question ? question : "Close the session?");
    free(question);
    if (!yes) {
        ui_status(UI_STATUS_INFO, "Nothing closed.");
        return true;
    }
    NTSTATUS status = live_session_close(id);
    if (NT_SUCCESS(status))
        ui_status(UI_STATUS_OK, "Session closed.");
    else
        console_error(status, NULL, "Cannot close the session");
    live();
    return true;
}

const struct screen screen_sessions = {
    .tab = "Sessions",
    .help = "The clients connected now, as the running server reports them: user, client "
            "address, SMB dialect, open files, how long connected and idle. The list "
            "refreshes every two seconds. c closes the selected session after asking "
            "(administrators only: root or the registry's owner). When the server is not "
            "running the screen says so.",
    .load = load,
    .draw = draw,
    .key = key,
    .live = live,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
