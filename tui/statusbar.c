/* The two bottom lines: the status line (what just happened, or what went
 * wrong) and the key bar (what the keys do here). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tui/ui.h"

static char status_text[512];
static enum ui_status_kind status_kind;

void ui_status(enum ui_status_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(status_text, sizeof status_text, fmt, ap);
    va_end(ap);
    /* One line: a library message must not break the layout. */
    for (char *p = status_text; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    status_kind = kind;
}

void ui_status_clear(void)
{
    status_text[0] = '\0';
}

const char *ui_status_text(void)
{
    return status_text;
}

void ui_status_draw(int y, int width)
{
    ui_fill(y, 0, width, A_NORMAL);
    if (!status_text[0])
        return;
    if (status_kind == UI_STATUS_ERROR) {
        ui_draw_text(y, 1, 7, "Error:", ui_attr(UI_ERROR), -1);
        ui_draw_text(y, 8, width - 9, status_text, ui_attr(UI_ERROR), -1);
    } else {
        ui_draw_text(y, 1, width - 2, status_text,
                     status_kind == UI_STATUS_OK ? ui_attr(UI_GOOD) : A_NORMAL, -1);
    }
}

void ui_keybar_draw(int y, int width, const struct ui_keyhint *hints, size_t count)
{
    ui_fill(y, 0, width, A_NORMAL);
    int x = 0;
    for (size_t i = 0; i < count; i++) {
        int keys = ui_text_width(hints[i].keys);
        int label = ui_text_width(hints[i].label);
        if (x + keys + label + 1 > width)
            break;
        ui_draw_text(y, x, keys, hints[i].keys, ui_attr(UI_KEY), -1);
        x += keys;
        ui_draw_text(y, x, label + 1, "", ui_attr(UI_KEY_LABEL), -1);
        ui_draw_text(y, x + 1, label, hints[i].label, ui_attr(UI_KEY_LABEL), -1);
        x += label + 1;
        if (x < width)
            x++; /* a gap between hints */
    }
}
