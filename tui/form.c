/* Forms: labelled fields in a box, validated as they are typed, saved with F2
 * (or ^S, or the Save button) and left without changes with Esc.
 *
 * A field's validator runs after every change to any field, so the form
 * always shows what is wrong before anything is saved; saving re-checks
 * everything and then calls the form's save function, which makes the change
 * in one transaction. If that fails, the form stays open with what was typed,
 * the reason is on the status line, and nothing has changed. */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "tui/console.h"
#include "tui/ui.h"

static const struct ui_keyhint form_hints[] = {
    { "F1/^G", "Help" },   { "Tab", "Next" },     { "Space", "Toggle" },
    { "F2/^S", "Save" },   { "Esc", "Cancel" },
};

void ui_form_init(struct ui_form *form, const char *title, ui_form_save save, void *context)
{
    memset(form, 0, sizeof *form);
    form->title = title;
    form->save = save;
    form->context = context;
}

static struct ui_field *add_field(struct ui_form *form, enum ui_field_kind kind,
                                  const char *label)
{
    struct ui_field **fields = realloc(form->fields, (form->field_count + 1) * sizeof *fields);
    if (!fields)
        return NULL;
    form->fields = fields;
    struct ui_field *field = calloc(1, sizeof *field);
    if (!field)
        return NULL;
    field->kind = kind;
    field->label = label;
    form->fields[form->field_count++] = field;
    return field;
}

struct ui_field *ui_form_text(struct ui_form *form, const char *label, const char *value,
                              size_t max_chars, ui_validator validate)
{
    struct ui_field *field = add_field(form, UI_FIELD_TEXT, label);
    if (field) {
        ui_edit_init(&field->edit, value, max_chars, false);
        field->validate = validate;
    }
    return field;
}

struct ui_field *ui_form_password(struct ui_form *form, const char *label, ui_validator validate)
{
    struct ui_field *field = add_field(form, UI_FIELD_PASSWORD, label);
    if (field) {
        ui_edit_init(&field->edit, "", 256, true);
        field->validate = validate;
    }
    return field;
}

struct ui_field *ui_form_check(struct ui_form *form, const char *label, bool checked)
{
    struct ui_field *field = add_field(form, UI_FIELD_CHECK, label);
    if (field)
        field->checked = checked;
    return field;
}

struct ui_field *ui_form_choice(struct ui_form *form, const char *label,
                                const char *const *choices, size_t count, size_t selected)
{
    struct ui_field *field = add_field(form, UI_FIELD_CHOICE, label);
    if (field) {
        field->choices = choices;
        field->choice_count = count;
        field->choice = selected < count ? selected : 0;
    }
    return field;
}

struct ui_field *ui_form_button(struct ui_form *form, const char *label, const char *text,
                                void (*activate)(struct ui_form *, struct ui_field *, void *))
{
    struct ui_field *field = add_field(form, UI_FIELD_BUTTON, label);
    if (field) {
        field->activate = activate;
        ui_field_set_text(field, text);
    }
    return field;
}

struct ui_field *ui_form_label(struct ui_form *form, const char *label, const char *text)
{
    struct ui_field *field = add_field(form, UI_FIELD_LABEL, label);
    if (field)
        ui_field_set_text(field, text);
    return field;
}

void ui_field_set_text(struct ui_field *field, const char *text)
{
    char *copy = strdup(text ? text : "");
    if (!copy)
        return;
    free(field->text);
    field->text = copy;
}

char *ui_field_value(const struct ui_field *field)
{
    return ui_edit_text(&field->edit);
}

void ui_secret_free(char *secret)
{
    if (!secret)
        return;
    crypto_wipe(secret, strlen(secret));
    free(secret);
}

void ui_form_validate(struct ui_form *form)
{
    for (size_t i = 0; i < form->field_count; i++) {
        struct ui_field *field = form->fields[i];
        free(field->error);
        field->error = field->validate ? field->validate(form, field, form->context) : NULL;
    }
}

void ui_form_free(struct ui_form *form)
{
    for (size_t i = 0; i < form->field_count; i++) {
        ui_edit_free(&form->fields[i]->edit);
        free(form->fields[i]->text);
        free(form->fields[i]->error);
        free(form->fields[i]);
    }
    free(form->fields);
    free(form->note);
    memset(form, 0, sizeof *form);
}

/* ---- drawing ----------------------------------------------------------------------- */

static bool focusable(const struct ui_field *field)
{
    return field->kind != UI_FIELD_LABEL;
}

/* A field not yet touched is not called wrong (an empty form would be all
 * errors); its problem reads as a hint until it is edited or saved. */
static bool shows_error(const struct ui_form *form, const struct ui_field *field)
{
    return field->error && (field->changed || form->tried_save);
}

/* The message under the fields: what is wrong (the focused field first),
 * else the focused field's hint. */
static void form_message(const struct ui_form *form, const char **label, const char **text,
                         bool *error)
{
    *label = NULL;
    *text = NULL;
    *error = false;
    const struct ui_field *focused = form->focus < form->field_count ? form->fields[form->focus]
                                                                       : NULL;
    if (focused && shows_error(form, focused)) {
        *label = focused->label;
        *text = focused->error;
        *error = true;
        return;
    }
    for (size_t i = 0; i < form->field_count; i++)
        if (shows_error(form, form->fields[i])) {
            *label = form->fields[i]->label;
            *text = form->fields[i]->error;
            *error = true;
            return;
        }
    if (focused && focused->error)
        *text = focused->error;
    else if (focused && focused->hint)
        *text = focused->hint;
}

static void form_draw(void *context)
{
    struct ui_form *form = context;
    /* At 80 columns a form covers the list under it but for the selection
     * marker: nothing of the list shows beside it. */
    int width = form->width ? form->width : 78;
    if (width > COLS - 2)
        width = COLS - 2;
    int label_width = 0;
    for (size_t i = 0; i < form->field_count; i++) {
        int w = ui_text_width(form->fields[i]->label);
        if (w > label_width)
            label_width = w;
    }
    if (label_width > width / 3)
        label_width = width / 3;
    int inner = width - 4;
    int note_lines = form->note ? ui_wrap(0, 0, inner, 0, 0, form->note, 0, false) : 0;
    if (note_lines > 5)
        note_lines = 5;
    int height = (int)form->field_count + 5 + (note_lines ? note_lines + 1 : 0);
    int top = app_content_top(), room = app_content_height();
    int y = top + (room - height) / 2;
    if (y < top)
        y = top;
    int x = (COLS - width) / 2;
    attr_t dialog = ui_attr(UI_DIALOG);
    ui_box(y, x, height, width, form->title, dialog);
    int row = y + 1;
    if (note_lines) {
        ui_wrap(row, x + 2, inner, 0, note_lines, form->note, dialog, true);
        row += note_lines + 1;
    }
    int field_x = x + 2 + label_width + 2;
    int field_width = x + width - 2 - field_x;
    app_set_cursor(-1, -1);
    for (size_t i = 0; i < form->field_count; i++, row++) {
        struct ui_field *field = form->fields[i];
        bool focus = i == form->focus;
        ui_draw_text(row, x + 2, label_width, field->label,
                     focus ? dialog | A_BOLD : dialog, 1);
        bool wrong = shows_error(form, field);
        ui_draw_text(row, x + 2 + label_width, 1, wrong ? "!" : ":",
                     wrong ? ui_attr(UI_FIELD_INVALID) : dialog, -1);
        attr_t attr = wrong ? ui_attr(UI_FIELD_INVALID)
                            : focus ? ui_attr(UI_FIELD_FOCUS) : ui_attr(UI_FIELD);
        switch (field->kind) {
        case UI_FIELD_TEXT:
        case UI_FIELD_PASSWORD: {
            int cursor_x = -1;
            ui_edit_draw(&field->edit, row, field_x, field_width, attr, focus, &cursor_x);
            if (focus && cursor_x >= 0)
                app_set_cursor(row, cursor_x);
            break;
        }
        case UI_FIELD_CHECK:
            ui_draw_text(row, field_x, 3, field->checked ? "[x]" : "[ ]",
                         focus ? ui_attr(UI_FIELD_FOCUS) : dialog, -1);
            ui_draw_text(row, field_x + 3, field_width - 3, field->checked ? " yes" : " no",
                         dialog, -1);
            break;
        case UI_FIELD_CHOICE: {
            char text[128];
            snprintf(text, sizeof text, "< %s >", field->choices[field->choice]);
            int w = ui_text_width(text);
            ui_draw_text(row, field_x, w < field_width ? w : field_width, text, attr, -1);
            break;
        }
        case UI_FIELD_BUTTON: {
            char *text = console_printf("[ %s ]", field->text ? field->text : "");
            int w = text ? ui_text_width(text) : 0;
            ui_draw_text(row, field_x, w < field_width ? w : field_width, text,
                         focus ? ui_attr(UI_BUTTON_FOCUS) : ui_attr(UI_BUTTON), -1);
            free(text);
            break;
        }
        case UI_FIELD_LABEL:
            ui_draw_text(row, field_x, field_width, field->text, dialog, -1);
            break;
        }
    }
    row++;
    const char *label, *text;
    bool error;
    form_message(form, &label, &text, &error);
    if (text) {
        char *line = label && error ? console_printf("%s: %s", label, text) : strdup(text);
        ui_draw_text(row, x + 2, inner, line, error ? ui_attr(UI_FIELD_INVALID) : dialog, -1);
        free(line);
    }
    row++;
    const char *save = form->save_label ? form->save_label : "Save";
    char *save_text = console_printf("[ %s (F2) ]", save);
    const char *cancel_text = "[ Cancel (Esc) ]";
    int save_w = save_text ? ui_text_width(save_text) : 0;
    int cancel_w = ui_text_width(cancel_text);
    int bx = x + (width - save_w - cancel_w - 3) / 2;
    ui_draw_text(row, bx, save_w, save_text,
                 form->focus == form->field_count ? ui_attr(UI_BUTTON_FOCUS) : ui_attr(UI_BUTTON),
                 -1);
    ui_draw_text(row, bx + save_w + 3, cancel_w, cancel_text,
                 form->focus == form->field_count + 1 ? ui_attr(UI_BUTTON_FOCUS)
                                                      : ui_attr(UI_BUTTON),
                 -1);
    free(save_text);
}

/* ---- running ----------------------------------------------------------------------- */

static void move_focus(struct ui_form *form, int step)
{
    size_t stops = form->field_count + 2;
    size_t focus = form->focus;
    for (size_t tries = 0; tries < stops; tries++) {
        focus = (focus + stops + (size_t)(step > 0 ? 1 : stops - 1)) % stops;
        if (focus >= form->field_count || focusable(form->fields[focus]))
            break;
    }
    form->focus = focus;
}

/* Saves if everything is valid; true when the form may close. */
static bool try_save(struct ui_form *form)
{
    form->tried_save = true;
    ui_form_validate(form);
    for (size_t i = 0; i < form->field_count; i++)
        if (form->fields[i]->error) {
            form->focus = i;
            ui_status(UI_STATUS_ERROR, "not saved: %s: %s", form->fields[i]->label,
                      form->fields[i]->error);
            return false;
        }
    char *message = NULL;
    NTSTATUS status = form->save ? form->save(form, form->context, &message) : STATUS_SUCCESS;
    if (NT_SUCCESS(status)) {
        free(message);
        return true;
    }
    char *text = console_message(status, message);
    ui_status(UI_STATUS_ERROR, "not saved: %s", text ? text : "the change failed");
    free(text);
    return false;
}

static void changed(struct ui_form *form, struct ui_field *field)
{
    field->changed = true;
    ui_form_validate(form);
}

bool ui_form_run(struct ui_form *form)
{
    struct modal modal = { form_draw, form, form_hints, sizeof form_hints / sizeof *form_hints };
    app_push_modal(&modal);
    ui_form_validate(form);
    if (form->focus < form->field_count && !focusable(form->fields[form->focus]))
        move_focus(form, 1);
    bool saved = false;
    for (;;) {
        int key = app_read_key();
        if (key != UI_KEY_RESIZE)
            ui_status_clear();
        struct ui_field *field = form->focus < form->field_count ? form->fields[form->focus]
                                                                   : NULL;
        if (ui_key_is_help(key)) {
            app_help(form->title, form->help ? form->help
                                             : "Tab and Shift-Tab (or the arrows) move between "
                                               "fields; Space toggles a check box or changes a "
                                               "choice. F2 or Ctrl-S saves; Esc leaves without "
                                               "changing anything.");
            continue;
        }
        if (ui_key_is_cancel(key)) {
            ui_status(UI_STATUS_INFO, "Left without changes.");
            break;
        }
        if (ui_key_is_save(key)) {
            if ((saved = try_save(form)))
                break;
            continue;
        }
        if (key == UI_TAB || key == UI_KEY_DOWN) {
            move_focus(form, 1);
            continue;
        }
        if (key == UI_KEY_BTAB || key == UI_KEY_UP) {
            move_focus(form, -1);
            continue;
        }
        if (!field) { /* the Save and Cancel buttons */
            if (key == UI_KEY_LEFT || key == UI_KEY_RIGHT) {
                form->focus = form->focus == form->field_count ? form->field_count + 1
                                                               : form->field_count;
            } else if (ui_key_is_enter(key) || key == ' ') {
                if (form->focus == form->field_count) {
                    if ((saved = try_save(form)))
                        break;
                } else {
                    ui_status(UI_STATUS_INFO, "Left without changes.");
                    break;
                }
            }
            continue;
        }
        switch (field->kind) {
        case UI_FIELD_TEXT:
        case UI_FIELD_PASSWORD:
            if (ui_key_is_enter(key)) {
                move_focus(form, 1);
            } else if (ui_edit_key(&field->edit, key) > 0) {
                changed(form, field);
            }
            break;
        case UI_FIELD_CHECK:
            if (key == ' ' || key == 'x' || key == 'X') {
                field->checked = !field->checked;
                changed(form, field);
            } else if (ui_key_is_enter(key)) {
                move_focus(form, 1);
            }
            break;
        case UI_FIELD_CHOICE:
            if (key == ' ' || key == UI_KEY_RIGHT || key == '+') {
                field->choice = (field->choice + 1) % field->choice_count;
                changed(form, field);
            } else if (key == UI_KEY_LEFT || key == '-') {
                field->choice = (field->choice + field->choice_count - 1) % field->choice_count;
                changed(form, field);
            } else if (ui_key_is_enter(key)) {
                move_focus(form, 1);
            }
            break;
        case UI_FIELD_BUTTON:
            if ((ui_key_is_enter(key) || key == ' ') && field->activate) {
                field->activate(form, field, form->context);
                changed(form, field);
            }
            break;
        case UI_FIELD_LABEL:
            break;
        }
    }
    app_pop_modal();
    return saved;
}
