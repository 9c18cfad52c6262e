/* A group's members: users and well-known principals (Authenticated Users,
 * a domain account's SID); a adds one by name (checked as it is typed), d
 * removes one, F2 saves the additions and removals in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "lsass/sam/sam.h"
#include "tui/console.h"

struct member {
    struct sid sid;
    char *name;
    const char *type;
};

struct members {
    struct sam_group group;
    struct sid *before;
    size_t before_count;
    struct member *now;
    size_t count;
    struct ui_list list;
};

static const struct ui_column columns[] = {
    { "MEMBER", 0, 1, 12, -1 },
    { "TYPE", 14, 0, 0, -1 },
};

static const struct ui_keyhint hints[] = {
    { "F1/^G", "Help" }, { "a", "Add" }, { "d", "Remove" }, { "F2/^S", "Save" },
    { "Esc", "Cancel" },
};

static const char *type_text(enum sam_principal_type type)
{
    switch (type) {
    case SAM_PRINCIPAL_USER: return "user";
    case SAM_PRINCIPAL_GROUP: return "group";
    case SAM_PRINCIPAL_BUILTIN_GROUP: return "built-in group";
    case SAM_PRINCIPAL_WELL_KNOWN: return "well-known";
    case SAM_PRINCIPAL_UNKNOWN: break;
    }
    return "unknown SID";
}

static bool add_member(struct members *m, const struct sid *sid)
{
    struct member *grown = realloc(m->now, (m->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    m->now = grown;
    struct member *member = &m->now[m->count];
    member->sid = *sid;
    enum sam_principal_type type = SAM_PRINCIPAL_UNKNOWN;
    char *name = NULL;
    if (!NT_SUCCESS(sam_sid_to_principal(app.reg, sid, &name, &type)))
        name = sam_sid_display(app.reg, sid);
    member->name = name;
    member->type = type_text(type);
    if (!member->name)
        return false;
    m->count++;
    return true;
}

static void rebuild(struct members *m)
{
    ui_list_begin(&m->list);
    for (size_t i = 0; i < m->count; i++) {
        const char *cells[] = { m->now[i].name, m->now[i].type };
        ui_list_add(&m->list, m->now[i].name, cells, UI_NORMAL);
    }
    ui_list_end(&m->list);
}

static void draw(void *context)
{
    struct members *m = context;
    int width = COLS - 4 < 64 ? COLS - 4 : 64;
    int height = app_content_height() - 2;
    if (height > (int)m->count + 7)
        height = (int)m->count + 7;
    if (height < 9)
        height = 9;
    int y = app_content_top() + (app_content_height() - height) / 2;
    int x = (COLS - width) / 2;
    char *title = console_printf("Members of %s", m->group.name);
    ui_box(y, x, height, width, title, ui_attr(UI_DIALOG));
    free(title);
    ui_draw_text(y + 1, x + 2, width - 4, "a adds a member, d removes the selected one.",
                 ui_attr(UI_DIALOG), -1);
    ui_list_draw(&m->list, y + 3, x + 1, height - 4, width - 2);
    app_set_cursor(-1, -1);
}

static char *validate_member(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct members *m = context;
    char *text = ui_field_value(field);
    char *error = console_validate_principal(text);
    struct sid sid;
    enum sam_principal_type type;
    if (!error && NT_SUCCESS(sam_principal_to_sid(app.reg, text, &sid, &type))) {
        if (type == SAM_PRINCIPAL_GROUP || type == SAM_PRINCIPAL_BUILTIN_GROUP)
            error = strdup("local groups cannot contain groups (as on Windows)");
        for (size_t i = 0; !error && i < m->count; i++)
            if (sid_equal(&m->now[i].sid, &sid))
                error = strdup("already a member");
    }
    free(text);
    return error;
}

static void add_dialog(struct members *m)
{
    struct ui_form form;
    ui_form_init(&form, "Add a member", NULL, m);
    form.save_label = "Add";
    form.width = 64;
    struct ui_field *field = ui_form_text(&form, "User", "", 256, validate_member);
    field->hint = "a user name, Authenticated Users, Everyone, or a SID";
    if (ui_form_run(&form)) {
        char *text = ui_field_value(field);
        struct sid sid;
        if (text && NT_SUCCESS(sam_principal_to_sid(app.reg, text, &sid, NULL)) &&
            add_member(m, &sid)) {
            rebuild(m);
            ui_list_select(&m->list, m->now[m->count - 1].name);
            ui_status(UI_STATUS_INFO, "Not saved yet: F2 saves the members.");
        }
        free(text);
    }
    ui_form_free(&form);
}

static NTSTATUS save(struct members *m, size_t *changes)
{
    *changes = 0;
    NTSTATUS status = console_begin();
    for (size_t i = 0; NT_SUCCESS(status) && i < m->before_count; i++) {
        bool kept = false;
        for (size_t j = 0; j < m->count; j++)
            kept |= sid_equal(&m->before[i], &m->now[j].sid);
        if (!kept) {
            (*changes)++;
            status = sam_group_remove_member(app.reg, &app.actor, &m->group.sid, &m->before[i]);
        }
    }
    for (size_t j = 0; NT_SUCCESS(status) && j < m->count; j++) {
        bool existed = false;
        for (size_t i = 0; i < m->before_count; i++)
            existed |= sid_equal(&m->before[i], &m->now[j].sid);
        if (!existed) {
            (*changes)++;
            status = sam_group_add_member(app.reg, &app.actor, &m->group.sid, &m->now[j].sid);
        }
    }
    if (registry_transaction_depth(app.reg) > 0)
        status = console_end(status);
    return status;
}

void group_members_edit(const char *group_name)
{
    struct members m;
    memset(&m, 0, sizeof m);
    NTSTATUS status = sam_group_by_name(app.reg, group_name, &m.group);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read '%s'", group_name);
        return;
    }
    status = sam_group_members(app.reg, &m.group.sid, &m.before, &m.before_count);
    for (size_t i = 0; NT_SUCCESS(status) && i < m.before_count; i++)
        if (!add_member(&m, &m.before[i]))
            status = STATUS_NO_MEMORY;
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the members of '%s'", group_name);
        goto out;
    }
    ui_list_init(&m.list, columns, sizeof columns / sizeof *columns);
    m.list.empty_text = "(no members: press a to add one)";
    rebuild(&m);
    struct modal modal = { draw, &m, hints, sizeof hints / sizeof *hints };
    app_push_modal(&modal);
    for (;;) {
        int key = app_read_key();
        ui_status_clear();
        if (ui_list_key(&m.list, key))
            continue;
        if (ui_key_is_help(key) || key == '?') {
            app_help("Group members",
                     "The users and well-known principals in this group. a adds one (type "
                     "the name; the dialog checks it as you type), d removes the selected "
                     "one. F2 saves all the changes at once; Esc leaves without changes. "
                     "Local groups cannot contain other groups.");
        } else if (ui_key_is_cancel(key)) {
            ui_status(UI_STATUS_INFO, "Members left unchanged.");
            break;
        } else if (ui_key_is_save(key)) {
            size_t changes = 0;
            status = save(&m, &changes);
            if (NT_SUCCESS(status)) {
                ui_status(UI_STATUS_OK, "Members of '%s' saved (%zu change%s).", m.group.name,
                          changes, changes == 1 ? "" : "s");
                break;
            }
            console_error(status, NULL, "Cannot save the members (nothing changed)");
        } else if (key == 'a' || key == UI_K(KEY_IC)) {
            add_dialog(&m);
        } else if (key == 'd' || key == UI_KEY_DC) {
            const char *selected = ui_list_selected(&m.list);
            for (size_t i = 0; selected && i < m.count; i++)
                if (strcmp(m.now[i].name, selected) == 0) {
                    free(m.now[i].name);
                    memmove(&m.now[i], &m.now[i + 1], (m.count - i - 1) * sizeof *m.now);
                    m.count--;
                    ui_status(UI_STATUS_INFO, "Removed (not saved yet: F2 saves the members).");
                    break;
                }
            rebuild(&m);
        }
    }
    app_pop_modal();
    ui_list_free(&m.list);
out:
    for (size_t i = 0; i < m.count; i++)
        free(m.now[i].name);
    free(m.now);
    free(m.before);
    sam_group_free(&m.group);
}
