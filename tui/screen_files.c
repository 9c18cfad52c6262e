/* Open files: what clients have open now, live from the server, refreshed
 * every two seconds; an administrator may close one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" }, { "c", "Close file" }, { "/", "Filter" }, { "Tab", "Next" },
    { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "USER", 14, 0, 0, -1 },  { "SHARE", 12, 0, 0, -1 }, { "PATH", 0, 1, 10, -1 },
    { "ACCESS", 12, 0, 0, -1 }, { "LOCKS", 5, 0, 0, 1 },
};

static struct ui_list list;
static bool initialised;
static NTSTATUS state = STATUS_PORT_DISCONNECTED;

static void live(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        list.empty_text = "(no open files)";
        initialised = true;
    }
    struct live_file *files = NULL;
    size_t count = 0;
    state = live_files(&files, &count);
    ui_list_begin(&list);
    for (size_t i = 0; NT_SUCCESS(state) && i < count; i++) {
        char key[24], locks[16];
        snprintf(key, sizeof key, "%llu", (unsigned long long)files[i].id);
        snprintf(locks, sizeof locks, "%u", files[i].locks);
        const char *cells[] = { files[i].user, files[i].share, files[i].path, files[i].access,
                                locks };
        ui_list_add(&list, key, cells, UI_NORMAL);
    }
    ui_list_end(&list);
    live_files_free(files, count);
}

static void load(void)
{
    live();
}

static void draw(int top, int height)
{
    live_screen_draw(&list, state, "Open files", top, height);
}

static bool key(int k)
{
    const struct ui_row *row;
    if (!live_screen_key(&list, state, k, "file", "open files", &row))
        return false;
    if (!row)
        return true;
    char *question = console_printf("Close %s, open by %s? Unsaved changes in it may be lost.",
                                    row->cells[2], row->cells[0]);
    uint64_t id = strtoull(row->key, NULL, 10);
    bool yes = ui_confirm("Close file", question ? question : "Close the file?");
    free(question);
    if (!yes) {
        ui_status(UI_STATUS_INFO, "Nothing closed.");
        return true;
    }
    NTSTATUS status = live_file_close(id);
    if (NT_SUCCESS(status))
        ui_status(UI_STATUS_OK, "File closed.");
    else
        console_error(status, NULL, "Cannot close the file");
    live();
    return true;
}

const struct screen screen_files = {
    .tab = "Files",
    .help = "The files clients have open now, as the running server reports them: user, "
            "share, path, access and byte-range locks. The list refreshes every two "
            "seconds. c closes the selected file after asking (administrators only: root "
            "or the registry's owner). When the server is not running the screen says so.",
    .load = load,
    .draw = draw,
    .key = key,
    .live = live,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
