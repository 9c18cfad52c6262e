/* Groups: the built-in aliases and the local groups; add, edit the
 * description, manage members, delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"
#include "lsass/sam/sam.h"
#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" },  { "a", "Add" },       { "e", "Edit" },   { "m", "Members" },
    { "d", "Delete" },   { "/", "Filter" },    { "Tab", "Next" }, { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "NAME", 24, 0, 0, -1 },
    { "MEMBERS", 7, 0, 0, 1 },
    { "TYPE", 8, 0, 0, -1 },
    { "DESCRIPTION", 0, 1, 8, -1 },
};

static struct ui_list list;
static bool initialised;

static void load(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        initialised = true;
    }
    struct sam_group_list groups;
    ui_list_begin(&list);
    NTSTATUS status = sam_group_list(app.reg, &groups);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the groups");
    } else {
        for (size_t i = 0; i < groups.count; i++) {
            const struct sam_group *g = &groups.groups[i];
            char members[16];
            snprintf(members, sizeof members, "%zu", g->member_count);
            const char *cells[] = { g->name, members, g->builtin ? "built-in" : "local",
                                    g->description };
            ui_list_add(&list, g->name, cells, UI_NORMAL);
        }
        sam_group_list_free(&groups);
    }
    ui_list_end(&list);
}

static void draw(int top, int height)
{
    char summary[160];
    ui_list_summary(&list, summary, sizeof summary);
    char *title = console_printf("Groups (%s)", summary);
    ui_draw_text(top, 1, COLS - 2, title, A_BOLD, -1);
    free(title);
    ui_list_draw(&list, top + 1, 0, height - 1, COLS);
}

/* ---- the group form ------------------------------------------------------------- */

struct group_form {
    struct sam_group existing;
    bool editing;
    struct ui_field *name, *description;
    char *saved_name;
};

static char *validate_name(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    char *name = ui_field_value(field);
    if (!name)
        return strdup("out of memory");
    const char *why = NULL;
    char *error = NULL;
    struct sam_user user;
    struct sam_group group;
    if (!*name)
        error = strdup("type the group's name");
    else if (!NT_SUCCESS(sam_name_check(name, SAM_GROUP_NAME_MAX, &why)))
        error = strdup(why ? why : "that name is not allowed");
    else if (NT_SUCCESS(sam_group_by_name(app.reg, name, &group))) {
        error = console_printf("there is already a group called %s", group.name);
        sam_group_free(&group);
    } else if (NT_SUCCESS(sam_user_by_name(app.reg, name, &user))) {
        error = console_printf("there is a user called %s", user.name);
        sam_user_free(&user);
    }
    free(name);
    return error;
}

static char *validate_description(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    char *text = ui_field_value(field);
    long units = text ? utf8_utf16_units(text, strlen(text)) : -1;
    free(text);
    if (units < 0)
        return strdup("not valid text");
    if (units > SAM_DESCRIPTION_MAX)
        return console_printf("at most %d characters", SAM_DESCRIPTION_MAX);
    return NULL;
}

static NTSTATUS save(struct ui_form *form, void *context, char **message)
{
    (void)form;
    (void)message;
    struct group_form *f = context;
    char *name = f->editing ? strdup(f->existing.name) : ui_field_value(f->name);
    char *description = ui_field_value(f->description);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (name && description) {
        status = console_begin();
        if (NT_SUCCESS(status))
            status = console_end(
                f->editing
                    ? sam_group_set_description(app.reg, &app.actor, &f->existing.sid, description)
                    : sam_group_add(app.reg, &app.actor, name, description, NULL));
        if (NT_SUCCESS(status)) {
            f->saved_name = strdup(name);
            ui_status(UI_STATUS_OK, "Group '%s' %s.", name, f->editing ? "saved" : "added");
        }
    }
    free(name);
    free(description);
    return status;
}

static char *group_form(const char *name)
{
    struct group_form f;
    memset(&f, 0, sizeof f);
    if (name) {
        NTSTATUS status = sam_group_by_name(app.reg, name, &f.existing);
        if (!NT_SUCCESS(status)) {
            console_error(status, NULL, "Cannot edit '%s'", name);
            return NULL;
        }
        f.editing = true;
    }
    struct ui_form form;
    char *title = f.editing ? console_printf("Edit group %s", f.existing.name) : NULL;
    ui_form_init(&form, title ? title : "Add a group", save, &f);
    form.help = "A local group collects users so that share and file permissions can name "
                "the group instead of each user. Members are managed with m on the list. F2 "
                "saves, Esc leaves without changes.";
    form.width = 70;
    if (f.editing) {
        f.name = ui_form_label(&form, "Name", f.existing.name);
    } else {
        f.name = ui_form_text(&form, "Name", "", SAM_GROUP_NAME_MAX, validate_name);
        f.name->hint = "a name no user or group has";
    }
    f.description = ui_form_text(&form, "Description", f.editing ? f.existing.description : "",
                                 SAM_DESCRIPTION_MAX, validate_description);
    ui_form_run(&form);
    ui_form_free(&form);
    free(title);
    if (f.editing)
        sam_group_free(&f.existing);
    return f.saved_name;
}

static void delete_selected(const char *name)
{
    char *question = console_printf("Delete the group '%s'? Its members stay; if share "
                                    "permissions name it, you are asked next.", name);
    bool yes = ui_confirm("Delete group", question ? question : "Delete the group?");
    free(question);
    if (!yes) {
        ui_status(UI_STATUS_INFO, "Nothing deleted.");
        return;
    }
    struct sam_group group;
    NTSTATUS status = sam_group_by_name(app.reg, name, &group);
    if (NT_SUCCESS(status)) {
        console_delete_account(&group.sid, name, "Group", "Delete group");
        sam_group_free(&group);
    } else {
        console_error(status, NULL, "Cannot delete '%s'", name);
    }
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
    } else if (k == 'a' || k == UI_K(KEY_IC)) {
        char *added = group_form(NULL);
        app_reload();
        if (added)
            ui_list_select(&list, added);
        free(added);
    } else if (!name && (k == 'e' || ui_key_is_enter(k) || k == 'm' || k == 'd' ||
                         k == UI_KEY_DC)) {
        ui_status(UI_STATUS_INFO, "No group selected.");
    } else if (k == 'e') {
        free(group_form(name));
        app_reload();
    } else if (k == 'm' || ui_key_is_enter(k)) {
        group_members_edit(name);
        app_reload();
    } else if (k == 'd' || k == UI_KEY_DC) {
        delete_selected(name);
    } else {
        used = false;
    }
    free(name);
    return used;
}

const struct screen screen_groups = {
    .tab = "Groups",
    .help = "The built-in groups (Administrators, Users, Guests) and the local groups. a "
            "adds a group, e edits its description, m or Enter manages its members (add "
            "and remove users), d deletes a local group after asking (built-in ones stay). "
            "/ filters the list.",
    .load = load,
    .draw = draw,
    .key = key,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
