/* lwconsole's widget layer: text drawing, colours, keys, a list, an edit line,
 * a form of fields with validators, dialogs, the status line and the key bar.
 *
 * Everything draws onto stdscr. The screen is redrawn whole after every key,
 * timer tick or resize: the app draws its chrome and the current screen, then
 * every open modal (form, dialog, editor) from the bottom of the stack up (see
 * console.h, app_push_modal). ncurses sends only what changed to the terminal,
 * so a full redraw costs little and a resize (SIGWINCH, KEY_RESIZE) needs no
 * special path: the next draw lays everything out for the new size.
 *
 * Text is UTF-8 everywhere outside this layer; it is decoded to wide
 * characters only to draw and edit, and measured in terminal columns
 * (wcwidth), so names in any script line up in columns. Ill-formed bytes and
 * control characters are drawn as '?', never sent to the terminal. */
#ifndef SW_TUI_UI_H
#define SW_TUI_UI_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "lib/ntstatus.h"

/* ---- keys ---------------------------------------------------------------- */

/* One int per key press: a character is its code point; a curses key code
 * (KEY_F(2), KEY_UP, ...) is moved above Unicode so the two never collide. */
#define UI_KEYCODE_BASE 0x110000
#define UI_K(code) (UI_KEYCODE_BASE + (code))
#define UI_KEY_UP UI_K(KEY_UP)
#define UI_KEY_DOWN UI_K(KEY_DOWN)
#define UI_KEY_LEFT UI_K(KEY_LEFT)
#define UI_KEY_RIGHT UI_K(KEY_RIGHT)
#define UI_KEY_HOME UI_K(KEY_HOME)
#define UI_KEY_END UI_K(KEY_END)
#define UI_KEY_PGUP UI_K(KEY_PPAGE)
#define UI_KEY_PGDN UI_K(KEY_NPAGE)
#define UI_KEY_BTAB UI_K(KEY_BTAB)
#define UI_KEY_DC UI_K(KEY_DC)
#define UI_KEY_BACKSPACE UI_K(KEY_BACKSPACE)
#define UI_KEY_ENTER_PAD UI_K(KEY_ENTER)
#define UI_KEY_RESIZE UI_K(KEY_RESIZE)
#define UI_KEY_F(n) UI_K(KEY_F(n))
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_ESC 27
#define UI_TAB 9

bool ui_key_is_enter(int key);
bool ui_key_is_backspace(int key);
/* Esc, F10 and ^X: leave a form or dialog without changes. */
bool ui_key_is_cancel(int key);
/* F2 and ^S: save a form. */
bool ui_key_is_save(int key);
/* F1 and ^G (and '?' where no text is typed): help. */
bool ui_key_is_help(int key);

/* ---- colours --------------------------------------------------------------- */

enum ui_role {
    UI_NORMAL,
    UI_BAR,          /* the tab bar on the first line */
    UI_TAB_ACTIVE,
    UI_HEADING,      /* column headings, section titles */
    UI_SELECTED,     /* the selected row of a list */
    UI_DIM,          /* secondary text: defaults, hints */
    UI_ERROR,        /* an error message or an invalid field */
    UI_GOOD,         /* "running" */
    UI_BAD,          /* "not running" */
    UI_KEY,          /* a key name in the key bar */
    UI_KEY_LABEL,    /* what the key does */
    UI_DIALOG,       /* the inside of a form or dialog */
    UI_DIALOG_TITLE,
    UI_FIELD,        /* an edit field */
    UI_FIELD_FOCUS,
    UI_FIELD_INVALID,
    UI_BUTTON,
    UI_BUTTON_FOCUS,
    UI_ROLE_COUNT
};

/* Colours when the terminal has them and monochrome=false; otherwise bold,
 * reverse and underline only, chosen so every role stays distinguishable. */
void ui_theme_init(bool monochrome);
bool ui_theme_monochrome(void);
attr_t ui_attr(enum ui_role role);

/* ---- text ---------------------------------------------------------------------- */

/* UTF-8 to a newly allocated wide string (*len characters, NUL-terminated);
 * ill-formed bytes become U+FFFD. NULL only on allocation failure. */
wchar_t *ui_wide(const char *utf8, size_t *len);
/* Wide characters to newly allocated UTF-8. */
char *ui_utf8(const wchar_t *text, size_t len);
/* Columns a character takes: 0 (combining), 1 or 2; a control or
 * unprintable character counts 1 (it is drawn as '?'). */
int ui_char_width(wchar_t c);
/* Columns a UTF-8 string takes. */
int ui_text_width(const char *utf8);
/* Draws text at (y, x) in exactly width columns with attr: cut with an
 * ellipsis if longer, padded with spaces if shorter. align: -1 left,
 * 0 centre, 1 right. */
void ui_draw_text(int y, int x, int width, const char *utf8, attr_t attr, int align);
void ui_draw_wide(int y, int x, int width, const wchar_t *text, size_t len, attr_t attr);
void ui_fill(int y, int x, int width, attr_t attr);
/* A box with a title on its top border (drawn with line-drawing characters,
 * which curses replaces with +-| on terminals that lack them), the inside
 * filled with attr. */
void ui_box(int y, int x, int height, int width, const char *title, attr_t attr);
/* Word-wraps text into lines of at most width columns; returns the number of
 * lines, and when draw is true draws lines skip .. skip+max_lines-1 (all
 * when max_lines is 0) from (y, x). */
int ui_wrap(int y, int x, int width, int skip, int max_lines, const char *utf8, attr_t attr,
            bool draw);
/* Case-insensitive substring test on UTF-8 (for list filters). */
bool ui_text_contains(const char *haystack, const wchar_t *needle_lower);

/* ---- the edit line ------------------------------------------------------------------ */

/* One line of text being edited: wide characters, a cursor, horizontal scroll.
 * masked shows '*' per character (passwords); the buffer is wiped when freed. */
struct ui_edit {
    wchar_t *text;
    size_t len, capacity;
    size_t cursor;       /* 0..len */
    size_t scroll;       /* first character shown */
    size_t max_chars;    /* 0: no limit */
    bool masked;
};

void ui_edit_init(struct ui_edit *edit, const char *utf8, size_t max_chars, bool masked);
void ui_edit_set(struct ui_edit *edit, const char *utf8);
/* The text as newly allocated UTF-8 (NULL only on allocation failure). */
char *ui_edit_text(const struct ui_edit *edit);
/* Handles an editing key (characters, arrows, Home/End, Backspace/Delete,
 * ^A ^E ^K ^U). Returns 1 if the text changed, 0 if the key was used without
 * changing it, -1 if the key is not an editing key. */
int ui_edit_key(struct ui_edit *edit, int key);
/* Draws in width columns; with focus, returns the cursor's column through
 * *cursor_x (else leaves it). */
void ui_edit_draw(struct ui_edit *edit, int y, int x, int width, attr_t attr, bool focus,
                  int *cursor_x);
void ui_edit_free(struct ui_edit *edit);

/* ---- the list ----------------------------------------------------------------------------- */

struct ui_column {
    const char *title;
    int width;  /* fixed columns; 0 for a flexible one */
    int flex;   /* share of the columns left over (flexible columns) */
    int min;    /* a flexible column's least width */
    int align;  /* -1 left, 1 right */
};

struct ui_row {
    char *key;     /* what identifies the row across reloads (a name) */
    char **cells;
    enum ui_role role; /* UI_NORMAL, or UI_DIM / UI_ERROR to set a row apart */
};

/* Rows with a selection, scrolling and a filter. A reload (ui_list_begin,
 * ui_list_add..., ui_list_end) keeps the selection on the same key. */
struct ui_list {
    const struct ui_column *columns;
    size_t column_count;
    struct ui_row *rows;
    size_t row_count, row_capacity;
    size_t *shown;          /* indexes of the rows that pass the filter */
    size_t shown_count;
    size_t selected;        /* index into shown */
    size_t top;             /* first shown row on screen */
    char *keep_key;         /* the selected key across a reload */
    struct ui_edit filter;  /* case-insensitive; matches any cell */
    int page;               /* rows on screen at the last draw */
    const char *empty_text; /* shown when there are no rows */
    bool no_cursor;         /* a summary: no row is highlighted */
};

void ui_list_init(struct ui_list *list, const struct ui_column *columns, size_t count);
void ui_list_begin(struct ui_list *list);
void ui_list_add(struct ui_list *list, const char *key, const char *const *cells,
                 enum ui_role role);
void ui_list_end(struct ui_list *list);
/* Applies the filter again (after the filter text changed). */
void ui_list_refilter(struct ui_list *list);
/* Draws the headings on line y and the rows below, in height lines. */
void ui_list_draw(struct ui_list *list, int y, int x, int height, int width);
/* Up/Down/PgUp/PgDn/Home/End; true if the key was used. */
bool ui_list_key(struct ui_list *list, int key);
/* The selected row's key, or NULL when the list shows nothing. */
const char *ui_list_selected(const struct ui_list *list);
const struct ui_row *ui_list_selected_row(const struct ui_list *list);
bool ui_list_select(struct ui_list *list, const char *key);
bool ui_list_filtered(const struct ui_list *list);
void ui_list_free(struct ui_list *list);
/* "3 of 10, filter: abc" or "10" (for headings). */
void ui_list_summary(const struct ui_list *list, char *out, size_t size);

/* ---- forms ----------------------------------------------------------------------------------- */

enum ui_field_kind {
    UI_FIELD_TEXT,
    UI_FIELD_PASSWORD,
    UI_FIELD_CHECK,    /* [x] toggled with Space */
    UI_FIELD_CHOICE,   /* < value > cycled with Space, Left, Right */
    UI_FIELD_BUTTON,   /* [ text ] runs activate on Enter or Space */
    UI_FIELD_LABEL,    /* read-only text */
};

struct ui_form;
struct ui_field;

/* Checks a field's value as it is typed: returns NULL if valid, else a
 * newly allocated one-line reason. Called after every change to any field of
 * the form, so a field may depend on another (a password's confirmation). */
typedef char *(*ui_validator)(struct ui_form *form, struct ui_field *field, void *context);

struct ui_field {
    enum ui_field_kind kind;
    const char *label;
    const char *hint;         /* shown when focused and valid */
    struct ui_edit edit;      /* TEXT, PASSWORD */
    bool checked;             /* CHECK */
    const char *const *choices; /* CHOICE */
    size_t choice_count, choice;
    char *text;               /* BUTTON, LABEL: what is shown */
    ui_validator validate;
    void (*activate)(struct ui_form *form, struct ui_field *field, void *context);
    char *error;              /* the last validation result */
    bool changed;             /* edited since the form opened */
};

/* Saves the form: one transaction through the libraries. On failure returns
 * the status and a malloc'd message (may be NULL); the form stays open and
 * nothing has changed. */
typedef NTSTATUS (*ui_form_save)(struct ui_form *form, void *context, char **message);

struct ui_form {
    const char *title;
    const char *help;         /* F1 */
    char *note;               /* text above the fields (may be NULL) */
    struct ui_field **fields;
    size_t field_count;
    size_t focus;             /* a field index, or field_count (Save) / +1 (Cancel) */
    ui_form_save save;
    void *context;
    const char *save_label;   /* "Save" unless set */
    int width;                /* 0: as wide as it fits, up to 78 columns */
    bool tried_save;          /* errors show on untouched fields too */
};

void ui_form_init(struct ui_form *form, const char *title, ui_form_save save, void *context);
struct ui_field *ui_form_text(struct ui_form *form, const char *label, const char *value,
                              size_t max_chars, ui_validator validate);
struct ui_field *ui_form_password(struct ui_form *form, const char *label,
                                  ui_validator validate);
struct ui_field *ui_form_check(struct ui_form *form, const char *label, bool checked);
struct ui_field *ui_form_choice(struct ui_form *form, const char *label,
                                const char *const *choices, size_t count, size_t selected);
struct ui_field *ui_form_button(struct ui_form *form, const char *label, const char *text,
                                void (*activate)(struct ui_form *, struct ui_field *, void *));
struct ui_field *ui_form_label(struct ui_form *form, const char *label, const char *text);
void ui_field_set_text(struct ui_field *field, const char *text); /* BUTTON, LABEL */
/* The value of a TEXT or PASSWORD field, newly allocated (wipe passwords with
 * ui_secret_free). */
char *ui_field_value(const struct ui_field *field);
void ui_secret_free(char *secret);
/* Runs the form until it is saved (true) or cancelled (false). Esc leaves
 * without changes. */
bool ui_form_run(struct ui_form *form);
void ui_form_free(struct ui_form *form);
/* Re-runs every validator (after a button changed the form's state). */
void ui_form_validate(struct ui_form *form);

/* ---- dialogs ------------------------------------------------------------------------------------ */

/* Asks a yes/no question; No is the default, Esc is No. */
bool ui_confirm(const char *title, const char *question);
/* Shows text (wrapped, scrollable) until Esc, Enter or q. */
void ui_message(const char *title, const char *text);

/* ---- the status line and the key bar ----------------------------------------------------------------- */

struct ui_keyhint {
    const char *keys;  /* "F2/^S" */
    const char *label; /* "Save" */
};

enum ui_status_kind { UI_STATUS_INFO, UI_STATUS_OK, UI_STATUS_ERROR };

/* The message on the status line (until the next key). Errors read
 * "Error: ..." so they stand out without colour too. */
void ui_status(enum ui_status_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ui_status_clear(void);
void ui_status_draw(int y, int width);
const char *ui_status_text(void);
void ui_keybar_draw(int y, int width, const struct ui_keyhint *hints, size_t count);

#endif
