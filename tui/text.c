/* UTF-8 text on a terminal: decoding to wide characters, measuring in
 * columns, drawing cut or padded to a width, boxes and word wrapping.
 *
 * Names come from the registry, which other programs (and Windows clients
 * through srvsvc) write: a name may hold anything. Nothing is sent to the
 * terminal as is: control characters and characters the locale cannot
 * print become '?', so a name cannot move the cursor or change colours. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "lib/utf16.h"
#include "tui/ui.h"

wchar_t *ui_wide(const char *utf8, size_t *len)
{
    size_t bytes = utf8 ? strlen(utf8) : 0;
    wchar_t *out = malloc((bytes + 1) * sizeof *out);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < bytes;) {
        uint32_t cp;
        size_t step = utf8_decode(utf8 + i, bytes - i, &cp);
        if (step == 0) {
            cp = 0xfffd; /* one replacement per ill-formed byte */
            step = 1;
        }
        out[n++] = (wchar_t)cp;
        i += step;
    }
    out[n] = 0;
    if (len)
        *len = n;
    return out;
}

char *ui_utf8(const wchar_t *text, size_t len)
{
    char *out = malloc(len * 4 + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t c = (uint32_t)text[i];
        if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
            c = 0xfffd;
        if (c < 0x80) {
            out[n++] = (char)c;
        } else if (c < 0x800) {
            out[n++] = (char)(0xc0 | (c >> 6));
            out[n++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out[n++] = (char)(0xe0 | (c >> 12));
            out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[n++] = (char)(0xf0 | (c >> 18));
            out[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
            out[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[n++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[n] = '\0';
    return out;
}

/* What is drawn for c, and how wide it is. */
static wchar_t shown_char(wchar_t c, int *width)
{
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        *width = 1;
        return L'?';
    }
    int w = wcwidth(c);
    if (w < 0) {
        *width = 1;
        return L'?';
    }
    *width = w;
    return c;
}

int ui_char_width(wchar_t c)
{
    int width;
    shown_char(c, &width);
    return width;
}

int ui_text_width(const char *utf8)
{
    size_t len;
    wchar_t *w = ui_wide(utf8, &len);
    int total = 0;
    for (size_t i = 0; w && i < len; i++)
        total += ui_char_width(w[i]);
    free(w);
    return total;
}

/* The ellipsis marks cut text; a terminal in another charset gets '~'. */
static wchar_t ellipsis(void)
{
    static int utf8 = -1;
    if (utf8 < 0)
        utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    return utf8 ? L'\x2026' : L'~';
}

void ui_fill(int y, int x, int width, attr_t attr)
{
    if (y < 0 || y >= LINES || x >= COLS || width <= 0)
        return;
    if (x + width > COLS)
        width = COLS - x;
    attrset(attr);
    mvhline(y, x, ' ', width);
    attrset(A_NORMAL);
}

void ui_draw_wide(int y, int x, int width, const wchar_t *text, size_t len, attr_t attr)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
        return;
    if (x + width > COLS)
        width = COLS - x;
    int total = 0;
    for (size_t i = 0; i < len; i++)
        total += ui_char_width(text[i]);
    bool cut = total > width;
    int room = cut ? width - 1 : width;
    wchar_t *shown = malloc((len + 2) * sizeof *shown);
    if (!shown)
        return;
    size_t n = 0;
    int used = 0;
    for (size_t i = 0; i < len; i++) {
        int w;
        wchar_t c = shown_char(text[i], &w);
        if (w == 0 && n == 0)
            continue; /* a combining mark with nothing to combine with */
        if (used + w > room)
            break;
        shown[n++] = c;
        used += w;
    }
    if (cut) {
        shown[n++] = ellipsis();
        used++;
    }
    shown[n] = 0;
    ui_fill(y, x, width, attr);
    attrset(attr);
    if (n)
        mvaddnwstr(y, x, shown, (int)n);
    attrset(A_NORMAL);
    free(shown);
}

void ui_draw_text(int y, int x, int width, const char *utf8, attr_t attr, int align)
{
    size_t len;
    wchar_t *w = ui_wide(utf8 ? utf8 : "", &len);
    if (!w)
        return;
    int text_width = 0;
    for (size_t i = 0; i < len; i++)
        text_width += ui_char_width(w[i]);
    int pad = 0;
    if (text_width < width && align > 0)
        pad = width - text_width;
    else if (text_width < width && align == 0)
        pad = (width - text_width) / 2;
    if (pad)
        ui_fill(y, x, pad, attr);
    ui_draw_wide(y, x + pad, width - pad, w, len, attr);
    free(w);
}

void ui_box(int y, int x, int height, int width, const char *title, attr_t attr)
{
    if (height < 2 || width < 2)
        return;
    for (int row = y; row < y + height; row++)
        ui_fill(row, x, width, attr);
    attrset(attr);
    mvadd_wch(y, x, WACS_ULCORNER);
    mvadd_wch(y, x + width - 1, WACS_URCORNER);
    mvadd_wch(y + height - 1, x, WACS_LLCORNER);
    mvadd_wch(y + height - 1, x + width - 1, WACS_LRCORNER);
    mvhline_set(y, x + 1, WACS_HLINE, width - 2);
    mvhline_set(y + height - 1, x + 1, WACS_HLINE, width - 2);
    mvvline_set(y + 1, x, WACS_VLINE, height - 2);
    mvvline_set(y + 1, x + width - 1, WACS_VLINE, height - 2);
    attrset(A_NORMAL);
    if (title && *title && width > 6) {
        char *padded = malloc(strlen(title) + 3);
        if (padded) {
            padded[0] = ' ';
            strcpy(padded + 1, title);
            strcat(padded, " ");
            int w = ui_text_width(padded);
            if (w > width - 4)
                w = width - 4;
            ui_draw_text(y, x + 2, w, padded, attr | A_BOLD, -1);
            free(padded);
        }
    }
}

int ui_wrap(int y, int x, int width, int skip, int max_lines, const char *utf8, attr_t attr,
            bool draw)
{
    size_t len;
    wchar_t *w = ui_wide(utf8 ? utf8 : "", &len);
    if (!w || width <= 0) {
        free(w);
        return 0;
    }
    int lines = 0;
    size_t start = 0;
    for (;;) {
        /* The longest run from start that fits; break at the last space. */
        size_t end = start, last_space = (size_t)-1;
        int used = 0;
        while (end < len && w[end] != L'\n') {
            int cw = ui_char_width(w[end]);
            if (used + cw > width)
                break;
            if (w[end] == L' ')
                last_space = end;
            used += cw;
            end++;
        }
        size_t next;
        if (end < len && w[end] == L'\n') {
            next = end + 1;
        } else if (end < len && last_space != (size_t)-1 && last_space > start) {
            end = last_space;
            next = last_space + 1;
        } else {
            if (end == start && end < len)
                end++; /* a character wider than the line: show it cut */
            next = end;
        }
        if (draw && lines >= skip && (max_lines <= 0 || lines - skip < max_lines))
            ui_draw_wide(y + lines - skip, x, width, w + start, end - start, attr);
        lines++;
        if (next >= len)
            break;
        start = next;
    }
    free(w);
    return lines;
}

bool ui_text_contains(const char *haystack, const wchar_t *needle_lower)
{
    if (!needle_lower || !*needle_lower)
        return true;
    size_t len;
    wchar_t *w = ui_wide(haystack ? haystack : "", &len);
    if (!w)
        return false;
    for (size_t i = 0; i < len; i++)
        w[i] = (wchar_t)towlower((wint_t)w[i]);
    bool found = wcsstr(w, needle_lower) != NULL;
    free(w);
    return found;
}
