/* A user's groups: every group with a check box; Space toggles, F2 saves
 * the additions and removals in one transaction. */
#include <stdlib.h>
#include <string.h>

#include "lsass/sam/sam.h"
#include "tui/console.h"

struct membership {
    struct sam_user user;
    struct sam_group_list groups;
    bool *member, *was_member;
    struct ui_list list;
};

static const struct ui_column columns[] = {
    { "", 3, 0, 0, -1 },
    { "GROUP", 24, 0, 0, -1 },
    { "DESCRIPTION", 0, 1, 8, -1 },
};

static const struct ui_keyhint hints[] = {
    { "F1/^G", "Help" }, { "Space", "Member/not" }, { "F2/^S", "Save" }, { "Esc", "Cancel" },
};

static void rebuild(struct membership *m)
{
    ui_list_begin(&m->list);
    for (size_t i = 0; i < m->groups.count; i++) {
        const struct sam_group *g = &m->groups.groups[i];
        const char *cells[] = { m->member[i] ? "[x]" : "[ ]", g->name, g->description };
        ui_list_add(&m->list, g->name, cells, UI_NORMAL);
    }
    ui_list_end(&m->list);
}

static void draw(void *context)
{
    struct membership *m = context;
    int width = COLS - 4 < 76 ? COLS - 4 : 76;
    int height = app_content_height() - 2;
    if (height > (int)m->groups.count + 6)
        height = (int)m->groups.count + 6;
    if (height < 8)
        height = 8;
    int y = app_content_top() + (app_content_height() - height) / 2;
    int x = (COLS - width) / 2;
    char *title = console_printf("Groups of %s", m->user.name);
    ui_box(y, x, height, width, title, ui_attr(UI_DIALOG));
    free(title);
    ui_draw_text(y + 1, x + 2, width - 4, "[x]: a member. Space changes the selected group.",
                 ui_attr(UI_DIALOG), -1);
    ui_list_draw(&m->list, y + 2, x + 1, height - 3, width - 2);
    app_set_cursor(-1, -1);
}

static NTSTATUS save(struct membership *m, size_t *changes)
{
    *changes = 0;
    NTSTATUS status = console_begin();
    for (size_t i = 0; NT_SUCCESS(status) && i < m->groups.count; i++) {
        if (m->member[i] == m->was_member[i])
            continue;
        (*changes)++;
        status = m->member[i] ? sam_group_add_member(app.reg, &app.actor,
                                                     &m->groups.groups[i].sid, &m->user.sid)
                              : sam_group_remove_member(app.reg, &app.actor,
                                                        &m->groups.groups[i].sid, &m->user.sid);
    }
    if (registry_transaction_depth(app.reg) > 0)
        status = console_end(status);
    return status;
}

void user_groups_edit(const char *user_name)
{
    struct membership m;
    memset(&m, 0, sizeof m);
    struct sid *aliases = NULL;
    size_t alias_count = 0;
    NTSTATUS status = sam_user_by_name(app.reg, user_name, &m.user);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read '%s'", user_name);
        return;
    }
    status = sam_group_list(app.reg, &m.groups);
    if (NT_SUCCESS(status))
        status = sam_alias_membership(app.reg, &m.user.sid, 1, &aliases, &alias_count);
    m.member = calloc(m.groups.count + 1, sizeof *m.member);
    m.was_member = calloc(m.groups.count + 1, sizeof *m.was_member);
    if (NT_SUCCESS(status) && (!m.member || !m.was_member))
        status = STATUS_NO_MEMORY;
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the groups of '%s'", user_name);
        goto out;
    }
    for (size_t i = 0; i < m.groups.count; i++)
        for (size_t a = 0; a < alias_count; a++)
            if (sid_equal(&m.groups.groups[i].sid, &aliases[a]))
                m.member[i] = m.was_member[i] = true;
    ui_list_init(&m.list, columns, sizeof columns / sizeof *columns);
    rebuild(&m);
    struct modal modal = { draw, &m, hints, sizeof hints / sizeof *hints };
    app_push_modal(&modal);
    for (;;) {
        int key = app_read_key();
        ui_status_clear();
        if (ui_list_key(&m.list, key))
            continue;
        if (ui_key_is_help(key) || key == '?') {
            app_help("Group membership",
                     "Every group is listed; [x] marks those the user belongs to. Space (or "
                     "Enter) adds the user to the selected group or takes it out. F2 saves "
                     "all the changes at once; Esc leaves without changes. Administrators "
                     "may administer the server from Windows; Users is every ordinary "
                     "account.");
        } else if (ui_key_is_cancel(key)) {
            ui_status(UI_STATUS_INFO, "Group membership left unchanged.");
            break;
        } else if (ui_key_is_save(key)) {
            size_t changes = 0;
            status = save(&m, &changes);
            if (NT_SUCCESS(status)) {
                ui_status(UI_STATUS_OK, "Groups of '%s' saved (%zu change%s).", m.user.name,
                          changes, changes == 1 ? "" : "s");
                break;
            }
            console_error(status, NULL, "Cannot save the groups (nothing changed)");
        } else if (key == ' ' || ui_key_is_enter(key) || key == 'x') {
            const char *selected = ui_list_selected(&m.list);
            for (size_t i = 0; selected && i < m.groups.count; i++)
                if (strcmp(m.groups.groups[i].name, selected) == 0)
                    m.member[i] = !m.member[i];
            rebuild(&m);
        }
    }
    app_pop_modal();
    ui_list_free(&m.list);
out:
    free(aliases);
    free(m.member);
    free(m.was_member);
    sam_group_list_free(&m.groups);
    sam_user_free(&m.user);
}
