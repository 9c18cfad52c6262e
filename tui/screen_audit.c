/* The audit log: every change, whoever made it and through which front end,
 * newest first; / filters it (by user, front end, action, object or detail),
 * Enter shows one entry in full. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/console.h"

/* The newest entries read; older ones are in `lwadmin log`. */
#define AUDIT_SHOWN 2000

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" }, { "Enter", "Details" }, { "/", "Filter" }, { "Tab", "Next" },
    { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "TIME", 19, 0, 0, -1 },   { "USER", 9, 0, 0, -1 },    { "VIA", 7, 0, 0, -1 },
    { "ACTION", 15, 0, 0, -1 }, { "OBJECT", 0, 1, 8, -1 }, { "DETAIL", 0, 2, 8, -1 },
};

static struct ui_list list;
static bool initialised;

static void load(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        list.empty_text = "(no changes recorded yet)";
        initialised = true;
    }
    struct audit_entry *entries = NULL;
    size_t count = 0;
    ui_list_begin(&list);
    NTSTATUS status = registry_audit_list(app.reg, 0, AUDIT_SHOWN, &entries, &count);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the audit log");
    } else {
        for (size_t i = count; i-- > 0;) {
            char when[32], key[32];
            console_format_time(entries[i].at_ms / 1000, when, sizeof when);
            snprintf(key, sizeof key, "%lld", (long long)entries[i].id);
            bool refused = entries[i].outcome && strcmp(entries[i].outcome, "ok") != 0;
            char *action = console_printf("%s%s", entries[i].action,
                                          refused ? " [refused]" : "");
            const char *cells[] = { when, entries[i].user, entries[i].via,
                                    action ? action : entries[i].action, entries[i].object,
                                    entries[i].detail };
            ui_list_add(&list, key, cells, UI_NORMAL);
            free(action);
        }
        registry_audit_list_free(entries, count);
    }
    ui_list_end(&list);
}

static void draw(int top, int height)
{
    char summary[160];
    ui_list_summary(&list, summary, sizeof summary);
    char *title = console_printf("Audit log (%s, newest first)", summary);
    ui_draw_text(top, 1, COLS - 2, title, A_BOLD, -1);
    free(title);
    ui_list_draw(&list, top + 1, 0, height - 1, COLS);
}

static void details(void)
{
    const struct ui_row *row = ui_list_selected_row(&list);
    if (!row) {
        ui_status(UI_STATUS_INFO, "No entry selected.");
        return;
    }
    struct audit_entry *entries = NULL;
    size_t count = 0;
    long long id = strtoll(row->key, NULL, 10);
    if (!NT_SUCCESS(registry_audit_list(app.reg, 0, AUDIT_SHOWN, &entries, &count)))
        return;
    for (size_t i = 0; i < count; i++) {
        if (entries[i].id != id)
            continue;
        char when[32];
        console_format_time(entries[i].at_ms / 1000, when, sizeof when);
        char *text = console_printf(
            "Entry %lld\nTime: %s\nUser: %s (uid %lld)\nThrough: %s%s%s\nAction: %s\n"
            "Object: %s\nDetail: %s\nOutcome: %s",
            (long long)entries[i].id, when, entries[i].user, (long long)entries[i].uid,
            entries[i].via, entries[i].source ? ", from " : "",
            entries[i].source ? entries[i].source : "", entries[i].action,
            entries[i].object ? entries[i].object : "-",
            entries[i].detail ? entries[i].detail : "-",
            entries[i].outcome ? entries[i].outcome : "ok");
        if (text)
            ui_message("Audit entry", text);
        free(text);
        break;
    }
    registry_audit_list_free(entries, count);
}

static bool key(int k)
{
    if (ui_list_key(&list, k))
        return true;
    if (k == '/') {
        app_edit_filter(&list);
        return true;
    }
    if (ui_key_is_enter(k)) {
        details();
        return true;
    }
    return false;
}

const struct screen screen_audit = {
    .tab = "Audit",
    .help = "Every change to shares, users, groups and settings, newest first: when, who, "
            "through which front end (cli for lwadmin, yaml, console, rpc for Windows "
            "tools), what and on what. / filters as you type (try 'console' or a share "
            "name); Enter shows the selected entry in full. The list follows new changes "
            "as they happen.",
    .load = load,
    .draw = draw,
    .key = key,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
