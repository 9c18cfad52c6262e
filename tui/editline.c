/* The edit line: one line of text with a cursor, scrolled sideways when it is
 * longer than its field. Kept as wide characters so the cursor moves by
 * character, not by byte; widths come from wcwidth so double-width
 * characters scroll correctly. */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "tui/ui.h"

static bool reserve(struct ui_edit *edit, size_t len)
{
    if (len + 1 <= edit->capacity)
        return true;
    size_t capacity = edit->capacity ? edit->capacity : 32;
    while (capacity < len + 1)
        capacity *= 2;
    wchar_t *grown = calloc(capacity, sizeof *grown);
    if (!grown)
        return false;
    if (edit->text) {
        memcpy(grown, edit->text, edit->len * sizeof *grown);
        /* A password must not linger in freed memory. */
        crypto_wipe(edit->text, edit->capacity * sizeof *edit->text);
        free(edit->text);
    }
    edit->text = grown;
    edit->capacity = capacity;
    return true;
}

void ui_edit_init(struct ui_edit *edit, const char *utf8, size_t max_chars, bool masked)
{
    memset(edit, 0, sizeof *edit);
    edit->max_chars = max_chars;
    edit->masked = masked;
    ui_edit_set(edit, utf8);
}

void ui_edit_set(struct ui_edit *edit, const char *utf8)
{
    size_t len = 0;
    wchar_t *w = ui_wide(utf8 ? utf8 : "", &len);
    edit->len = 0;
    if (w && reserve(edit, len)) {
        memcpy(edit->text, w, len * sizeof *w);
        edit->len = len;
    }
    if (edit->text)
        edit->text[edit->len] = 0;
    if (w) {
        crypto_wipe(w, len * sizeof *w);
        free(w);
    }
    edit->cursor = edit->len;
    edit->scroll = 0;
}

char *ui_edit_text(const struct ui_edit *edit)
{
    return ui_utf8(edit->text ? edit->text : L"", edit->len);
}

static void delete_range(struct ui_edit *edit, size_t from, size_t to)
{
    if (to <= from)
        return;
    memmove(edit->text + from, edit->text + to, (edit->len - to) * sizeof *edit->text);
    edit->len -= to - from;
    edit->text[edit->len] = 0;
    edit->cursor = from;
}

int ui_edit_key(struct ui_edit *edit, int key)
{
    if (key >= 0x20 && key != 0x7f && key < UI_KEYCODE_BASE &&
        !(key >= 0x80 && key < 0xa0)) {
        if (edit->max_chars && edit->len >= edit->max_chars) {
            beep();
            return 0;
        }
        if (!reserve(edit, edit->len + 1))
            return 0;
        memmove(edit->text + edit->cursor + 1, edit->text + edit->cursor,
                (edit->len - edit->cursor) * sizeof *edit->text);
        edit->text[edit->cursor++] = (wchar_t)key;
        edit->len++;
        edit->text[edit->len] = 0;
        return 1;
    }
    if (key == UI_KEY_LEFT || key == UI_CTRL('b')) {
        if (edit->cursor > 0)
            edit->cursor--;
        return 0;
    }
    if (key == UI_KEY_RIGHT || key == UI_CTRL('f')) {
        if (edit->cursor < edit->len)
            edit->cursor++;
        return 0;
    }
    if (key == UI_KEY_HOME || key == UI_CTRL('a')) {
        edit->cursor = 0;
        return 0;
    }
    if (key == UI_KEY_END || key == UI_CTRL('e')) {
        edit->cursor = edit->len;
        return 0;
    }
    if (ui_key_is_backspace(key)) {
        if (edit->cursor == 0)
            return 0;
        delete_range(edit, edit->cursor - 1, edit->cursor);
        return 1;
    }
    if (key == UI_KEY_DC || key == UI_CTRL('d')) {
        if (edit->cursor == edit->len)
            return 0;
        delete_range(edit, edit->cursor, edit->cursor + 1);
        return 1;
    }
    if (key == UI_CTRL('k')) {
        size_t len = edit->len;
        delete_range(edit, edit->cursor, edit->len);
        return len != edit->len;
    }
    if (key == UI_CTRL('u')) {
        size_t len = edit->len;
        delete_range(edit, 0, edit->cursor);
        return len != edit->len;
    }
    if (key == UI_CTRL('w')) {
        size_t from = edit->cursor;
        while (from > 0 && edit->text[from - 1] == L' ')
            from--;
        while (from > 0 && edit->text[from - 1] != L' ')
            from--;
        size_t len = edit->len;
        delete_range(edit, from, edit->cursor);
        return len != edit->len;
    }
    return -1;
}

static int shown_width(const struct ui_edit *edit, size_t i)
{
    return edit->masked ? 1 : ui_char_width(edit->text[i]);
}

void ui_edit_draw(struct ui_edit *edit, int y, int x, int width, attr_t attr, bool focus,
                  int *cursor_x)
{
    if (width <= 0)
        return;
    /* Scroll so that the cursor (and one free column after it) is visible. */
    if (edit->cursor < edit->scroll)
        edit->scroll = edit->cursor;
    for (;;) {
        int used = 0;
        for (size_t i = edit->scroll; i < edit->cursor; i++)
            used += shown_width(edit, i);
        if (used < width || edit->scroll >= edit->cursor)
            break;
        edit->scroll++;
    }
    /* Monochrome terminals may not underline: show the field's extent. */
    wchar_t pad = ui_theme_monochrome() ? L'_' : L' ';
    wchar_t *shown = malloc(((size_t)width + 1) * sizeof *shown);
    if (!shown)
        return;
    int used = 0, cursor_at = 0;
    size_t n = 0;
    for (size_t i = edit->scroll; i < edit->len; i++) {
        int w = shown_width(edit, i);
        if (used + w > width)
            break;
        if (i == edit->cursor)
            cursor_at = used;
        shown[n++] = edit->masked ? L'*' : edit->text[i];
        used += w;
    }
    if (edit->cursor >= edit->scroll + n)
        cursor_at = used;
    while (used < width) {
        shown[n++] = pad;
        used++;
    }
    ui_draw_wide(y, x, width, shown, n, attr);
    crypto_wipe(shown, ((size_t)width + 1) * sizeof *shown);
    free(shown);
    if (focus && cursor_x)
        *cursor_x = x + (cursor_at < width ? cursor_at : width - 1);
}

void ui_edit_free(struct ui_edit *edit)
{
    if (edit->text) {
        crypto_wipe(edit->text, edit->capacity * sizeof *edit->text);
        free(edit->text);
    }
    memset(edit, 0, sizeof *edit);
}
