/* The application: the tab bar, the screen shown, the modal stack, the key
 * loop with its timer, and what happens on a resize.
 *
 * Everything is redrawn before each key is read (see ui.h). The key loop
 * wakes every APP_TICK_MS without a key to poll the registry's change counter
 * and, every CONSOLE_LIVE_INTERVAL_MS, the live views; a modal (form, dialog)
 * reads its keys through the same loop, so the lists under it stay current. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/console.h"

#define APP_TICK_MS 200
#define APP_MODAL_MAX 8

struct app app;

static const struct screen *const screens[] = {
    &screen_dashboard, &screen_shares, &screen_users, &screen_groups,
    &screen_settings,  &screen_sessions, &screen_files, &screen_audit,
};
#define SCREEN_COUNT (sizeof screens / sizeof *screens)

static struct modal modals[APP_MODAL_MAX];
static size_t modal_depth;
static int cursor_y = -1, cursor_x = -1;

int64_t app_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const struct screen *app_screen(void)
{
    return screens[app.current];
}

int app_content_top(void)
{
    return 1;
}

int app_content_height(void)
{
    return LINES - 3;
}

void app_set_cursor(int y, int x)
{
    cursor_y = y;
    cursor_x = x;
}

void app_push_modal(const struct modal *modal)
{
    if (modal_depth < APP_MODAL_MAX)
        modals[modal_depth] = *modal;
    modal_depth++;
}

void app_pop_modal(void)
{
    if (modal_depth > 0)
        modal_depth--;
}

static bool too_small(void)
{
    return COLS < CONSOLE_MIN_COLS || LINES < CONSOLE_MIN_LINES;
}

/* A clear message instead of a garbled screen. */
static void draw_too_small(void)
{
    erase();
    char text[400];
    snprintf(text, sizeof text,
             "lwconsole: this terminal is %dx%d; the console needs at least %dx%d. "
             "Make the window larger (on a serial line: stty rows %d cols %d), "
             "or press q to quit.",
             COLS, LINES, CONSOLE_MIN_COLS, CONSOLE_MIN_LINES, CONSOLE_MIN_LINES,
             CONSOLE_MIN_COLS);
    ui_wrap(0, 0, COLS, 0, LINES, text, A_BOLD, true);
    curs_set(0);
    refresh();
}

static void draw_tabs(void)
{
    attr_t bar = ui_attr(UI_BAR);
    ui_fill(0, 0, COLS, bar);
    int x = 0;
    for (size_t i = 0; i < SCREEN_COUNT; i++) {
        char tab[32];
        snprintf(tab, sizeof tab, "%zu %s", i + 1, screens[i]->tab);
        int w = ui_text_width(tab);
        if (x + 1 + w > COLS)
            break;
        ui_draw_text(0, x + 1, w, tab, i == app.current ? ui_attr(UI_TAB_ACTIVE) : bar, -1);
        x += 1 + w;
    }
    /* On a wide terminal, which registry this is. */
    char *where = console_printf("lwconsole %s ", app.db_path);
    int w = where ? ui_text_width(where) : 0;
    if (where && x + 4 + w <= COLS)
        ui_draw_text(0, COLS - w, w, where, bar, -1);
    free(where);
}

void app_draw(void)
{
    if (too_small()) {
        draw_too_small();
        return;
    }
    erase();
    cursor_y = cursor_x = -1;
    draw_tabs();
    const struct screen *screen = app_screen();
    screen->draw(app_content_top(), app_content_height());
    ui_status_draw(LINES - 2, COLS);
    size_t shown = modal_depth < APP_MODAL_MAX ? modal_depth : APP_MODAL_MAX;
    for (size_t i = 0; i < shown; i++)
        modals[i].draw(modals[i].context);
    if (shown)
        ui_keybar_draw(LINES - 1, COLS, modals[shown - 1].hints, modals[shown - 1].hint_count);
    else
        ui_keybar_draw(LINES - 1, COLS, screen->hints, screen->hint_count);
    if (cursor_y >= 0) {
        curs_set(1);
        move(cursor_y, cursor_x);
    } else {
        curs_set(0);
        move(LINES - 1, COLS - 1);
    }
    refresh();
}

static void load_screen(size_t index)
{
    if (index >= SCREEN_COUNT)
        return;
    screens[index]->load();
    if (index < sizeof app.loaded / sizeof *app.loaded)
        app.loaded[index] = true;
}

void app_reload(void)
{
    app.change_counter = registry_change_counter(app.reg);
    memset(app.loaded, 0, sizeof app.loaded);
    load_screen(app.current);
}

static void show_screen(size_t index)
{
    app.current = index % SCREEN_COUNT;
    if (!app.loaded[app.current])
        load_screen(app.current);
    if (app_screen()->live) {
        app_screen()->live();
        app.last_live_ms = app_now_ms();
    }
}

/* Timer work: another front end's change, live views. */
static void tick(void)
{
    uint64_t counter = registry_change_counter(app.reg);
    if (counter != app.change_counter) {
        app.change_counter = counter;
        memset(app.loaded, 0, sizeof app.loaded);
        load_screen(app.current);
    }
    int64_t now = app_now_ms();
    if (now - app.last_live_ms >= CONSOLE_LIVE_INTERVAL_MS) {
        app.last_live_ms = now;
        if (app_screen()->live)
            app_screen()->live();
    }
}

static void quit_now(void)
{
    app.quit = true;
    endwin();
    registry_close(app.reg);
    app.reg = NULL;
    free(app.db_path);
    exit_curses(0);
}

int app_read_key(void)
{
    for (;;) {
        app_draw();
        wint_t ch;
        int r = get_wch(&ch);
        if (r == ERR) {
            tick();
            continue;
        }
        int key = r == KEY_CODE_YES ? UI_K((int)ch) : (int)ch;
        if (key == UI_KEY_RESIZE)
            continue; /* curses has the new size; the next draw uses it */
        if (too_small()) {
            if (key == 'q' || key == 'Q' || key == UI_KEY_F(10) || key == UI_CTRL('c'))
                quit_now();
            continue;
        }
        return key;
    }
}

void app_help(const char *title, const char *text)
{
    char *full = console_printf(
        "%s\n\nEverywhere: Tab and Shift-Tab (or Left and Right) change screens, 1-8 "
        "jump to one; F1 or ? shows help; F10 or q quits. In forms: Tab moves, F2 or "
        "Ctrl-S saves, Esc leaves without changes. Every change is saved at once in "
        "one transaction and recorded in the audit log as made through the console.",
        text);
    ui_message(title, full ? full : text);
    free(full);
}

/* ---- the filter prompt ------------------------------------------------------------ */

struct filter_prompt {
    struct ui_list *list;
};

static const struct ui_keyhint filter_hints[] = {
    { "Enter", "Keep filter" }, { "Esc", "Clear filter" },
};

static void filter_draw(void *context)
{
    struct filter_prompt *prompt = context;
    int y = LINES - 2;
    ui_fill(y, 0, COLS, A_NORMAL);
    ui_draw_text(y, 1, 8, "Filter:", A_BOLD, -1);
    int cursor = -1;
    ui_edit_draw(&prompt->list->filter, y, 9, COLS - 10, ui_attr(UI_FIELD_FOCUS), true, &cursor);
    app_set_cursor(y, cursor);
}

void app_edit_filter(struct ui_list *list)
{
    struct filter_prompt prompt = { list };
    struct modal modal = { filter_draw, &prompt, filter_hints,
                           sizeof filter_hints / sizeof *filter_hints };
    app_push_modal(&modal);
    list->filter.cursor = list->filter.len;
    for (;;) {
        int key = app_read_key();
        if (ui_key_is_enter(key))
            break;
        if (ui_key_is_cancel(key)) {
            ui_edit_set(&list->filter, "");
            ui_list_refilter(list);
            break;
        }
        if (key == UI_KEY_UP || key == UI_KEY_DOWN || key == UI_KEY_PGUP ||
            key == UI_KEY_PGDN) {
            ui_list_key(list, key);
            continue;
        }
        if (ui_edit_key(&list->filter, key) > 0)
            ui_list_refilter(list);
    }
    app_pop_modal();
}

/* ---- the main loop ------------------------------------------------------------------ */

void app_run(void)
{
    app.change_counter = registry_change_counter(app.reg);
    app.last_live_ms = app_now_ms();
    show_screen(0);
    while (!app.quit) {
        int key = app_read_key();
        ui_status_clear();
        if (key == UI_KEY_F(10) || key == 'q' || key == 'Q' || key == UI_CTRL('c')) {
            app.quit = true;
        } else if (ui_key_is_help(key) || key == '?') {
            app_help(app_screen()->tab, app_screen()->help);
        } else if (key == UI_TAB || key == UI_KEY_RIGHT) {
            show_screen(app.current + 1);
        } else if (key == UI_KEY_BTAB || key == UI_KEY_LEFT) {
            show_screen(app.current + SCREEN_COUNT - 1);
        } else if (key >= '1' && key < '1' + (int)SCREEN_COUNT) {
            show_screen((size_t)(key - '1'));
        } else if (!app_screen()->key(key)) {
            if (key == UI_ESC)
                continue;
            /* Say what the keys are rather than ignore one silently. */
            ui_status(UI_STATUS_INFO, "That key does nothing here; F1 or ? shows help.");
        }
    }
}
