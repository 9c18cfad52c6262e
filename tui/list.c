/* The list: rows of cells under column headings, one selected, scrolled to
 * keep the selection visible, filtered by a text typed after '/'.
 *
 * Columns are laid out for the width at each draw: fixed columns keep their
 * width, flexible ones share what is left by weight, so the same list reads
 * well at 80 and at 200 columns. Cells are padded by display width, so
 * columns stay aligned whatever script a name is written in. */
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "tui/ui.h"

void ui_list_init(struct ui_list *list, const struct ui_column *columns, size_t count)
{
    memset(list, 0, sizeof *list);
    list->columns = columns;
    list->column_count = count;
    ui_edit_init(&list->filter, "", 64, false);
}

static void free_rows(struct ui_list *list)
{
    for (size_t i = 0; i < list->row_count; i++) {
        free(list->rows[i].key);
        for (size_t c = 0; c < list->column_count; c++)
            free(list->rows[i].cells[c]);
        free(list->rows[i].cells);
    }
    list->row_count = 0;
}

void ui_list_begin(struct ui_list *list)
{
    const char *key = ui_list_selected(list);
    char *keep = key ? strdup(key) : NULL;
    free(list->keep_key);
    list->keep_key = keep;
    free_rows(list);
}

void ui_list_add(struct ui_list *list, const char *key, const char *const *cells,
                 enum ui_role role)
{
    if (list->row_count == list->row_capacity) {
        size_t capacity = list->row_capacity ? list->row_capacity * 2 : 32;
        struct ui_row *rows = realloc(list->rows, capacity * sizeof *rows);
        if (!rows)
            return;
        list->rows = rows;
        list->row_capacity = capacity;
    }
    struct ui_row *row = &list->rows[list->row_count];
    row->key = strdup(key ? key : "");
    row->cells = calloc(list->column_count, sizeof *row->cells);
    row->role = role;
    if (!row->key || !row->cells) {
        free(row->key);
        free(row->cells);
        return;
    }
    for (size_t c = 0; c < list->column_count; c++)
        row->cells[c] = strdup(cells[c] ? cells[c] : "");
    list->row_count++;
}

void ui_list_refilter(struct ui_list *list)
{
    free(list->shown);
    list->shown = calloc(list->row_count ? list->row_count : 1, sizeof *list->shown);
    list->shown_count = 0;
    if (!list->shown)
        return;
    wchar_t *needle = calloc(list->filter.len + 1, sizeof *needle);
    if (!needle)
        return;
    for (size_t i = 0; i < list->filter.len; i++)
        needle[i] = (wchar_t)towlower((wint_t)list->filter.text[i]);
    for (size_t r = 0; r < list->row_count; r++) {
        bool match = list->filter.len == 0;
        for (size_t c = 0; !match && c < list->column_count; c++)
            match = ui_text_contains(list->rows[r].cells[c], needle);
        if (match)
            list->shown[list->shown_count++] = r;
    }
    free(needle);
    if (list->selected >= list->shown_count)
        list->selected = list->shown_count ? list->shown_count - 1 : 0;
}

void ui_list_end(struct ui_list *list)
{
    ui_list_refilter(list);
    if (list->keep_key)
        ui_list_select(list, list->keep_key);
    free(list->keep_key);
    list->keep_key = NULL;
}

bool ui_list_select(struct ui_list *list, const char *key)
{
    for (size_t i = 0; i < list->shown_count; i++)
        if (strcmp(list->rows[list->shown[i]].key, key) == 0) {
            list->selected = i;
            return true;
        }
    return false;
}

const struct ui_row *ui_list_selected_row(const struct ui_list *list)
{
    if (!list->shown || list->selected >= list->shown_count)
        return NULL;
    return &list->rows[list->shown[list->selected]];
}

const char *ui_list_selected(const struct ui_list *list)
{
    const struct ui_row *row = ui_list_selected_row(list);
    return row ? row->key : NULL;
}

bool ui_list_filtered(const struct ui_list *list)
{
    return list->filter.len > 0;
}

void ui_list_summary(const struct ui_list *list, char *out, size_t size)
{
    if (ui_list_filtered(list)) {
        char *filter = ui_edit_text(&list->filter);
        snprintf(out, size, "%zu of %zu, filter: %s", list->shown_count, list->row_count,
                 filter ? filter : "");
        free(filter);
    } else {
        snprintf(out, size, "%zu", list->row_count);
    }
}

/* Column widths for the total width; the x of each column in *xs. */
static void layout(const struct ui_list *list, int width, int *widths, int *xs)
{
    int fixed = 0, weights = 0, gaps = (int)list->column_count - 1;
    for (size_t c = 0; c < list->column_count; c++) {
        if (list->columns[c].width > 0)
            fixed += list->columns[c].width;
        else
            weights += list->columns[c].flex > 0 ? list->columns[c].flex : 1;
    }
    int left = width - 2 - fixed - gaps; /* a column of margin on each side */
    int given = 0, flexible_seen = 0, flexible = 0;
    for (size_t c = 0; c < list->column_count; c++)
        if (list->columns[c].width <= 0)
            flexible++;
    for (size_t c = 0; c < list->column_count; c++) {
        const struct ui_column *col = &list->columns[c];
        if (col->width > 0) {
            widths[c] = col->width;
            continue;
        }
        int weight = col->flex > 0 ? col->flex : 1;
        int w = weights ? left * weight / weights : 0;
        if (++flexible_seen == flexible)
            w = left - given; /* the last one takes the rounding */
        given += w;
        widths[c] = w < col->min ? col->min : w;
    }
    int x = 1;
    for (size_t c = 0; c < list->column_count; c++) {
        xs[c] = x;
        x += widths[c] + 1;
    }
}

void ui_list_draw(struct ui_list *list, int y, int x, int height, int width)
{
    if (height < 2 || list->column_count == 0)
        return;
    int widths[16], xs[16];
    if (list->column_count > 16)
        return;
    layout(list, width, widths, xs);
    attr_t heading = ui_attr(UI_HEADING);
    ui_fill(y, x, width, heading);
    for (size_t c = 0; c < list->column_count; c++) {
        int w = widths[c];
        if (xs[c] + w > width - 1)
            w = width - 1 - xs[c];
        if (w > 0)
            ui_draw_text(y, x + xs[c], w, list->columns[c].title, heading, list->columns[c].align);
    }
    int page = height - 1;
    list->page = page;
    if (list->shown_count == 0) {
        const char *text = ui_list_filtered(list) ? "Nothing matches the filter (press / then Esc to clear it)."
                                                  : (list->empty_text ? list->empty_text : "(none)");
        ui_draw_text(y + 1, x + 1, width - 2, text, ui_attr(UI_DIM), -1);
        return;
    }
    if (list->selected < list->top)
        list->top = list->selected;
    if (list->selected >= list->top + (size_t)page)
        list->top = list->selected - (size_t)page + 1;
    if (list->top + (size_t)page > list->shown_count)
        list->top = list->shown_count > (size_t)page ? list->shown_count - (size_t)page : 0;
    for (int line = 0; line < page; line++) {
        size_t index = list->top + (size_t)line;
        if (index >= list->shown_count)
            break;
        const struct ui_row *row = &list->rows[list->shown[index]];
        bool selected = !list->no_cursor && index == list->selected;
        attr_t attr = selected ? ui_attr(UI_SELECTED) : ui_attr(row->role);
        ui_fill(y + 1 + line, x, width, attr);
        if (selected) /* the selection, visible without colours too */
            ui_draw_text(y + 1 + line, x, 1, ">", attr, -1);
        for (size_t c = 0; c < list->column_count; c++) {
            int w = widths[c];
            if (xs[c] + w > width - 1)
                w = width - 1 - xs[c];
            if (w > 0)
                ui_draw_text(y + 1 + line, x + xs[c], w, row->cells[c], attr,
                             list->columns[c].align);
        }
    }
    /* More rows than fit: say so at the right end of the heading. */
    if (list->shown_count > (size_t)page) {
        char more[48];
        snprintf(more, sizeof more, " %zu-%zu/%zu ", list->top + 1,
                 list->top + (size_t)page < list->shown_count ? list->top + (size_t)page
                                                              : list->shown_count,
                 list->shown_count);
        int w = ui_text_width(more);
        ui_draw_text(y, x + width - w, w, more, heading, 1);
    }
}

bool ui_list_key(struct ui_list *list, int key)
{
    size_t page = list->page > 1 ? (size_t)list->page : 1;
    if (list->shown_count == 0)
        return key == UI_KEY_UP || key == UI_KEY_DOWN || key == UI_KEY_PGUP ||
               key == UI_KEY_PGDN || key == UI_KEY_HOME || key == UI_KEY_END;
    size_t last = list->shown_count - 1;
    if (key == UI_KEY_UP) {
        if (list->selected > 0)
            list->selected--;
    } else if (key == UI_KEY_DOWN) {
        if (list->selected < last)
            list->selected++;
    } else if (key == UI_KEY_PGUP) {
        list->selected = list->selected > page ? list->selected - page : 0;
    } else if (key == UI_KEY_PGDN) {
        list->selected = list->selected + page < last ? list->selected + page : last;
    } else if (key == UI_KEY_HOME) {
        list->selected = 0;
    } else if (key == UI_KEY_END) {
        list->selected = last;
    } else {
        return false;
    }
    return true;
}

void ui_list_free(struct ui_list *list)
{
    free_rows(list);
    free(list->rows);
    free(list->shown);
    free(list->keep_key);
    ui_edit_free(&list->filter);
    memset(list, 0, sizeof *list);
}
