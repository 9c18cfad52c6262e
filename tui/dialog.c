/* Dialogs: a yes/no question (every delete asks one) and a text viewer
 * (help, details). */
#include <stdlib.h>
#include <string.h>

#include "tui/console.h"
#include "tui/ui.h"

struct confirm {
    const char *title;
    const char *question;
    bool yes; /* the focused button */
};

static const struct ui_keyhint confirm_hints[] = {
    { "y", "Yes" }, { "n/Esc", "No" }, { "Tab", "Switch" }, { "Enter", "Choose" },
};

static void confirm_draw(void *context)
{
    struct confirm *c = context;
    int width = 60;
    int lines = ui_wrap(0, 0, width - 4, 0, 0, c->question, 0, false);
    if (lines > 8)
        lines = 8;
    int height = lines + 5;
    int y = app_content_top() + (app_content_height() - height) / 2;
    int x = (COLS - width) / 2;
    attr_t dialog = ui_attr(UI_DIALOG);
    ui_box(y, x, height, width, c->title, dialog);
    ui_wrap(y + 1, x + 2, width - 4, 0, lines, c->question, dialog, true);
    int by = y + lines + 2;
    const char *yes = "[ Yes ]", *no = "[ No ]";
    int bx = x + (width - 7 - 6 - 4) / 2;
    ui_draw_text(by, bx, 7, yes, c->yes ? ui_attr(UI_BUTTON_FOCUS) : ui_attr(UI_BUTTON), -1);
    ui_draw_text(by, bx + 11, 6, no, c->yes ? ui_attr(UI_BUTTON) : ui_attr(UI_BUTTON_FOCUS), -1);
    app_set_cursor(-1, -1);
}

bool ui_confirm(const char *title, const char *question)
{
    struct confirm c = { title, question, false };
    struct modal modal = { confirm_draw, &c, confirm_hints,
                           sizeof confirm_hints / sizeof *confirm_hints };
    app_push_modal(&modal);
    bool answer = false;
    for (;;) {
        int key = app_read_key();
        if (key == 'y' || key == 'Y') {
            answer = true;
            break;
        }
        if (key == 'n' || key == 'N' || ui_key_is_cancel(key))
            break;
        if (key == UI_TAB || key == UI_KEY_BTAB || key == UI_KEY_LEFT || key == UI_KEY_RIGHT)
            c.yes = !c.yes;
        if (ui_key_is_enter(key) || key == ' ') {
            answer = c.yes;
            break;
        }
    }
    app_pop_modal();
    return answer;
}

struct viewer {
    const char *title;
    const char *text;
    int first;     /* the first line shown */
    int lines;     /* at the last draw */
    int page;
};

static const struct ui_keyhint viewer_hints[] = {
    { "Up/Down", "Scroll" }, { "Esc/Enter", "Close" },
};

static void viewer_draw(void *context)
{
    struct viewer *v = context;
    int width = COLS - 2 < 78 ? COLS - 2 : 78;
    int lines = ui_wrap(0, 0, width - 4, 0, 0, v->text, 0, false);
    int room = app_content_height() - 2;
    int page = lines < room - 2 ? lines : room - 2;
    if (page < 1)
        page = 1;
    if (v->first > lines - page)
        v->first = lines - page;
    if (v->first < 0)
        v->first = 0;
    v->lines = lines;
    v->page = page;
    int height = page + 2;
    int y = app_content_top() + (app_content_height() - height) / 2;
    int x = (COLS - width) / 2;
    attr_t dialog = ui_attr(UI_DIALOG);
    ui_box(y, x, height, width, v->title, dialog);
    ui_wrap(y + 1, x + 2, width - 4, v->first, page, v->text, dialog, true);
    if (lines > page) {
        char more[32];
        snprintf(more, sizeof more, " %d/%d ", v->first + page, lines);
        ui_draw_text(y + height - 1, x + width - 2 - ui_text_width(more), ui_text_width(more), more,
                     dialog, -1);
    }
    app_set_cursor(-1, -1);
}

void ui_message(const char *title, const char *text)
{
    struct viewer v = { title, text ? text : "", 0, 0, 1 };
    struct modal modal = { viewer_draw, &v, viewer_hints,
                           sizeof viewer_hints / sizeof *viewer_hints };
    app_push_modal(&modal);
    for (;;) {
        int key = app_read_key();
        if (ui_key_is_cancel(key) || ui_key_is_enter(key) || key == 'q' || key == ' ' ||
            ui_key_is_help(key))
            break;
        if (key == UI_KEY_DOWN)
            v.first++;
        else if (key == UI_KEY_UP)
            v.first--;
        else if (key == UI_KEY_PGDN)
            v.first += v.page;
        else if (key == UI_KEY_PGUP)
            v.first -= v.page;
        else if (key == UI_KEY_HOME)
            v.first = 0;
        else if (key == UI_KEY_END)
            v.first = v.lines;
    }
    app_pop_modal();
}
