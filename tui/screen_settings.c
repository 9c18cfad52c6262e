/* Settings: every registry setting with its value, default, type and
 * documentation; edited with the schema's validation as you type, or reset
 * to the default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsass/ldap/ldap_provider.h"
#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" },  { "Enter", "Edit" },   { "u", "Use default" }, { "/", "Filter" },
    { "Tab", "Next" },   { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "SETTING", 26, 0, 0, -1 },
    { "VALUE", 0, 2, 8, -1 },
    { "DEFAULT", 0, 1, 8, -1 },
    { "TYPE", 12, 0, 0, -1 },
    { "APPLIES", 8, 0, 0, -1 }, /* live, or at the next start (needs_restart) */
};

/* Rows of settings that differ from their default stand out. */
#define DETAIL_LINES 4

static struct ui_list list;
static bool initialised;

static void load(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        initialised = true;
    }
    ui_list_begin(&list);
    for (size_t i = 0; i < registry_setting_count(); i++) {
        const struct setting_def *def = registry_setting_at(i);
        char *value = NULL;
        bool is_default = true;
        if (!NT_SUCCESS(registry_setting_get_text(app.reg, def->name, &value, &is_default)))
            value = strdup("?");
        const char *cells[] = { def->name, value, def->default_text, reg_type_name(def->type),
                                def->needs_restart ? "restart" : "live" };
        ui_list_add(&list, def->name, cells, is_default ? UI_NORMAL : UI_HEADING);
        free(value);
    }
    ui_list_end(&list);
}

static void draw(int top, int height)
{
    char summary[160];
    ui_list_summary(&list, summary, sizeof summary);
    char *title = console_printf("Settings (%s; changed ones are highlighted)", summary);
    ui_draw_text(top, 1, COLS - 2, title, A_BOLD, -1);
    free(title);
    int list_height = height - 1 - DETAIL_LINES - 1;
    ui_list_draw(&list, top + 1, 0, list_height, COLS);
    /* The selected setting in full. */
    int y = top + 1 + list_height;
    attr_t line = ui_attr(UI_HEADING);
    ui_fill(y, 0, COLS, A_NORMAL);
    const char *name = ui_list_selected(&list);
    const struct setting_def *def = name ? registry_setting_find(name) : NULL;
    if (!def)
        return;
    const struct ui_row *row = ui_list_selected_row(&list);
    char *head = console_printf("%s  (%s, default %s%s%s)", def->name, reg_type_name(def->type),
                                def->default_text[0] ? def->default_text : "empty",
                                def->constraint != SETTING_ANY ? ", allowed: " : "",
                                def->constraint != SETTING_ANY ? def->constraint_text : "");
    ui_draw_text(y + 1, 1, COLS - 2, head, line, -1);
    free(head);
    char *text = console_printf("%s. Now: %s%s. %s", def->doc,
                                row && row->cells[1][0] ? row->cells[1] : "(empty)",
                                row && row->role == UI_NORMAL ? " (the default)" : "",
                                def->needs_restart
                                    ? "A new value applies when the server next starts "
                                      "(lwadmin restart)."
                                    : "A new value applies at once, without a restart.");
    ui_wrap(y + 2, 1, COLS - 2, 0, DETAIL_LINES - 1, text, A_NORMAL, true);
    free(text);
}

/* ---- editing ------------------------------------------------------------------------ */

struct setting_form {
    const struct setting_def *def;
    struct ui_field *value;
    bool saved;
};

static char *validate_value(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct setting_form *f = context;
    char *text = ui_field_value(field);
    char *message = NULL;
    if (!text)
        return strdup("out of memory");
    NTSTATUS status = registry_setting_validate(f->def, text, NULL, &message);
    free(text);
    if (NT_SUCCESS(status)) {
        free(message);
        return NULL;
    }
    return message ? message : strdup(console_status_text(status));
}

static char *form_value(struct setting_form *f)
{
    if (f->value->kind == UI_FIELD_CHOICE)
        return strdup(f->value->choices[f->value->choice]);
    return ui_field_value(f->value);
}

static NTSTATUS save(struct ui_form *form, void *context, char **message)
{
    (void)form;
    struct setting_form *f = context;
    char *value = form_value(f);
    if (!value)
        return STATUS_NO_MEMORY;
    NTSTATUS status = console_begin();
    if (NT_SUCCESS(status))
        status = console_end(registry_setting_set(app.reg, f->def->name, value, &app.actor,
                                                  message));
    if (NT_SUCCESS(status)) {
        f->saved = true;
        if (f->def->needs_restart)
            ui_status(UI_STATUS_OK, "%s = %s saved; it applies when the server next starts "
                      "(lwadmin restart).", f->def->name, value);
        else
            ui_status(UI_STATUS_OK, "%s = %s saved.", f->def->name, value);
    }
    free(value);
    return status;
}

static void edit(const char *name)
{
    struct setting_form f;
    memset(&f, 0, sizeof f);
    f.def = registry_setting_find(name);
    if (!f.def)
        return;
    char *current = NULL;
    bool is_default;
    NTSTATUS status = registry_setting_get_text(app.reg, name, &current, &is_default);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read %s", name);
        return;
    }
    struct ui_form form;
    ui_form_init(&form, name, save, &f);
    form.help = "Type the new value; the form checks it against the setting's type and "
                "allowed values as you type (a choice is changed with Space or the arrows). "
                "F2 saves it at once; the running daemons pick it up without a restart "
                "(except the few marked restart in the APPLIES column). Esc "
                "leaves without changes. To go back to the default, press u on the list.";
    form.note = console_printf("%s. Type %s, default %s%s%s.", f.def->doc,
                               reg_type_name(f.def->type),
                               f.def->default_text[0] ? f.def->default_text : "empty",
                               f.def->constraint != SETTING_ANY ? ", allowed: " : "",
                               f.def->constraint != SETTING_ANY ? f.def->constraint_text : "");
    if (f.def->constraint == SETTING_ENUM && f.def->enum_count > 0) {
        size_t selected = 0;
        for (size_t i = 0; i < f.def->enum_count; i++)
            if (strcasecmp(f.def->enum_values[i], current) == 0)
                selected = i;
        f.value = ui_form_choice(&form, "Value", f.def->enum_values, f.def->enum_count,
                                 selected);
    } else {
        f.value = ui_form_text(&form, "Value", current, 4096, validate_value);
        if (f.def->type == REG_MULTI_SZ)
            f.value->hint = "several values separated by commas";
    }
    ui_form_run(&form);
    ui_form_free(&form);
    free(current);
    if (f.saved)
        app_reload();
}

static void use_default(const char *name)
{
    const struct setting_def *def = registry_setting_find(name);
    if (!def)
        return;
    char *question = console_printf("Set %s back to its default (%s)?", name,
                                    def->default_text[0] ? def->default_text : "empty");
    bool yes = ui_confirm("Use the default", question ? question : "Use the default?");
    free(question);
    if (!yes) {
        ui_status(UI_STATUS_INFO, "Nothing changed.");
        return;
    }
    char *message = NULL;
    NTSTATUS status = console_begin();
    if (NT_SUCCESS(status))
        status = console_end(registry_setting_unset(app.reg, name, &app.actor, &message));
    if (NT_SUCCESS(status))
        ui_status(UI_STATUS_OK, "%s is back to its default.", name);
    else
        console_error(status, message, "Cannot reset %s", name);
    app_reload();
}

/* ---- the LDAP provider (docs/ldap.md): test it, set its bind password ----------- */

static void test_ldap(void)
{
    char report[4096];
    ui_status(UI_STATUS_INFO, "Testing the LDAP provider (at most ldap.timeout seconds)...");
    NTSTATUS status = ldap_provider_test(app.reg, NULL, report, sizeof report);
    ui_message(NT_SUCCESS(status) ? "LDAP provider: working" : "LDAP provider: something is wrong", report);
    ui_status(NT_SUCCESS(status) ? UI_STATUS_OK : UI_STATUS_INFO, "LDAP provider test %s.",
              NT_SUCCESS(status) ? "passed" : "failed (see the report)");
}

struct bind_form {
    struct ui_field *password;
    bool saved;
};

static NTSTATUS save_bind_password(struct ui_form *form, void *context, char **message)
{
    (void)form;
    (void)message;
    struct bind_form *f = context;
    char *password = ui_field_value(f->password);
    if (!password)
        return STATUS_NO_MEMORY;
    NTSTATUS status = console_begin();
    if (NT_SUCCESS(status))
        status = console_end(ldap_secret_set(app.reg, &app.actor, "ldap", "bind-password",
                                             *password ? password : NULL));
    if (NT_SUCCESS(status)) {
        f->saved = true;
        ui_status(UI_STATUS_OK, "The LDAP bind password was %s.", *password ? "saved" : "removed");
    }
    ui_secret_free(password);
    return status;
}

static void edit_bind_password(void)
{
    struct bind_form f = { 0 };
    struct ui_form form;
    ui_form_init(&form, "LDAP bind password", save_bind_password, &f);
    form.help = "The password of ldap.bind-dn, kept in the registry like the SAM's hashes and never "
                "shown or exported. F2 saves it (empty: removes it); Esc leaves it as it is.";
    f.password = ui_form_password(&form, "Password", NULL);
    ui_form_run(&form);
    ui_form_free(&form);
    if (f.saved)
        app_reload();
}

static bool key(int k)
{
    const char *selected = ui_list_selected(&list);
    char *name = selected ? strdup(selected) : NULL;
    bool used = true;
    if (ui_list_key(&list, k)) {
    } else if (k == '/') {
        app_edit_filter(&list);
    } else if (!name && (k == 'e' || ui_key_is_enter(k) || k == 'u' || k == 'd' ||
                         k == UI_KEY_DC)) {
        ui_status(UI_STATUS_INFO, "No setting selected.");
    } else if (k == 'e' || ui_key_is_enter(k)) {
        edit(name);
    } else if (k == 'u' || k == 'd' || k == UI_KEY_DC) {
        use_default(name);
    } else if ((k == 't' || k == 'p') && strncmp(name, "ldap.", 5) == 0) {
        if (k == 't')
            test_ldap();
        else
            edit_bind_password();
    } else {
        used = false;
    }
    free(name);
    return used;
}

const struct screen screen_settings = {
    .tab = "Settings",
    .help = "Every setting of the appliance, with its current value, its default and its "
            "type; the lines under the list describe the selected one. Enter edits it (the "
            "value is checked as you type), u sets it back to its default after asking. "
            "/ filters the list (for example 'srv.' or 'password'). Changes apply without a "
            "restart. On an ldap.* setting, t tests the LDAP provider (connect, bind, find "
            "a user) and p sets its bind password.",
    .load = load,
    .draw = draw,
    .key = key,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
