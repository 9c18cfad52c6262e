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
    { "SHARES", 0, 1, 10, -1 }, { "OPEN", 5, 0, 0, 1 },     { "CONNECTED", 10, 0, 0, 1 },
    { "IDLE", 8, 0, 0, 1 },
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
        const char *cells[] = { sessions[i].user,   sessions[i].client, sessions[i].dialect,
                                sessions[i].shares, open,               connected,
                                idle };
        ui_list_add(&list, key, cells, UI_NORMAL);
    }
    ui_list_end(&list);
    live_sessions_free(sessions, count);
}

static void load(void)
{
    live();
}

static void draw(int top, int height)
{
    live_screen_draw(&list, state, "Sessions", top, height);
}

static bool key(int k)
{
    const struct ui_row *row;
    if (!live_screen_key(&list, state, k, "session", "sessions", &row))
        return false;
    if (!row)
        return true;
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
            "address, SMB dialect, the shares it is connected to (\"(encrypted)\" after "
            "a share whose traffic is encrypted), open files, how long connected and "
            "idle. The list "
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
