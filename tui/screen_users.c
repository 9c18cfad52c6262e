/* Users: the local accounts; add (password typed twice, masked), edit,
 * enable and disable, reset the password, group membership, delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/sam/sam.h"
#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" },  { "a", "Add" },      { "e", "Edit" },    { "t", "On/Off" },
    { "r", "Passwd" },   { "g", "Groups" },   { "d", "Delete" },  { "/", "Filter" },
    { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "NAME", 20, 0, 0, -1 },
    { "FULL NAME", 0, 1, 8, -1 },
    { "STATE", 11, 0, 0, -1 },
    { "LAST LOGON", 19, 0, 0, -1 },
};

static struct ui_list list;
static bool initialised;

const char *user_state_text(const struct sam_user *user)
{
    if (user->flags & SAM_USER_DISABLED)
        return "disabled";
    if (user->flags & SAM_USER_LOCKED_OUT)
        return "locked-out";
    if (!user->has_password)
        return "no-password";
    return "enabled";
}

static void load(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        list.empty_text = "(no users yet: press a to add one)";
        initialised = true;
    }
    struct sam_user_list users;
    ui_list_begin(&list);
    NTSTATUS status = sam_user_list(app.reg, &users);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the users");
    } else {
        for (size_t i = 0; i < users.count; i++) {
            const struct sam_user *u = &users.users[i];
            char logon[32];
            console_format_time(u->last_logon, logon, sizeof logon);
            const char *cells[] = { u->name, u->full_name, user_state_text(u), logon };
            ui_list_add(&list, u->name, cells,
                        (u->flags & SAM_USER_DISABLED) ? UI_DIM : UI_NORMAL);
        }
        sam_user_list_free(&users);
    }
    ui_list_end(&list);
}

static void draw(int top, int height)
{
    char summary[160];
    ui_list_summary(&list, summary, sizeof summary);
    char *title = console_printf("Users (%s)", summary);
    ui_draw_text(top, 1, COLS - 2, title, A_BOLD, -1);
    free(title);
    ui_list_draw(&list, top + 1, 0, height - 1, COLS);
}

static void toggle(const char *name)
{
    struct sam_user user;
    NTSTATUS status = sam_user_by_name(app.reg, name, &user);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot change '%s'", name);
        return;
    }
    bool disable = !(user.flags & SAM_USER_DISABLED);
    struct sam_user_change change = { 0 };
    if (disable)
        change.flags_set = SAM_USER_DISABLED;
    else
        change.flags_clear = SAM_USER_DISABLED;
    status = console_begin();
    if (NT_SUCCESS(status))
        status = console_end(sam_user_update(app.reg, &app.actor, user.rid, &change));
    if (NT_SUCCESS(status))
        ui_status(UI_STATUS_OK, "User '%s' %s.", user.name, disable ? "disabled" : "enabled");
    else
        console_error(status, NULL, "Cannot %s '%s'", disable ? "disable" : "enable", name);
    sam_user_free(&user);
    app_reload();
}

static void delete_selected(const char *name)
{
    char *question = console_printf("Delete the user '%s'? The account and its group "
                                    "memberships go; files it owns keep its SID.", name);
    bool yes = ui_confirm("Delete user", question ? question : "Delete the user?");
    free(question);
    if (!yes) {
        ui_status(UI_STATUS_INFO, "Nothing deleted.");
        return;
    }
    struct sam_user user;
    NTSTATUS status = sam_user_by_name(app.reg, name, &user);
    if (NT_SUCCESS(status)) {
        console_delete_account(&user.sid, name, "User", "Delete user");
        sam_user_free(&user);
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
        char *added = user_add_form();
        app_reload();
        if (added)
            ui_list_select(&list, added);
        free(added);
    } else if (!name && (k == 'e' || ui_key_is_enter(k) || k == 't' || k == 'r' || k == 'g' ||
                         k == 'd' || k == UI_KEY_DC)) {
        ui_status(UI_STATUS_INFO, "No user selected.");
    } else if (k == 'e' || ui_key_is_enter(k)) {
        char *saved = user_edit_form(name);
        app_reload();
        if (saved)
            ui_list_select(&list, saved);
        free(saved);
    } else if (k == 't') {
        toggle(name);
    } else if (k == 'r') {
        user_password_form(name);
        app_reload();
    } else if (k == 'g') {
        user_groups_edit(name);
        app_reload();
    } else if (k == 'd' || k == UI_KEY_DC) {
        delete_selected(name);
    } else {
        used = false;
    }
    free(name);
    return used;
}

const struct screen screen_users = {
    .tab = "Users",
    .help = "The local user accounts clients log on with. a adds a user (the password is "
            "typed twice and never shown), e or Enter edits one, t turns it on or off "
            "(enable/disable), r sets a new password, g chooses its groups, d deletes it "
            "after asking. / filters the list. Passwords follow the policy in Settings "
            "(lsass.min-password-length, lsass.password-complexity); the form says what is "
            "missing as you type.",
    .load = load,
    .draw = draw,
    .key = key,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
