/* Shares: the list (name, path, flags, comment); add and edit through the
 * share form, the permission editor, delete after a confirmation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "share-db/share_db.h"
#include "tui/console.h"

static const struct ui_keyhint hints[] = {
    { "F1/?", "Help" },     { "a", "Add" },       { "Enter", "Edit" },
    { "p", "Perms" },       { "d", "Delete" },    { "/", "Filter" },
    { "Tab", "Next" },      { "F10/q", "Quit" },
};

static const struct ui_column columns[] = {
    { "NAME", 16, 0, 0, -1 },
    { "PATH", 0, 3, 10, -1 },
    { "FLAGS", 18, 0, 0, -1 },
    { "COMMENT", 0, 2, 8, -1 },
};

static struct ui_list list;
static bool initialised;

/* "read-only,encrypt,hidden,abe,guest-ok", as lwadmin share list shows them. */
void share_flags_text(const struct share *share, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s%s%s",
             (share->flags & SHARE_FLAG_READ_ONLY) ? "read-only" : "read-write",
             (share->flags & SHARE_FLAG_ENCRYPT_DATA) ? ",encrypt" : "",
             share_is_hidden(share) ? ",hidden" : "",
             (share->flags & SHARE_FLAG_ACCESS_BASED_ENUM) ? ",abe" : "",
             (share->flags & SHARE_FLAG_GUEST_OK) ? ",guest-ok" : "");
}

static void load(void)
{
    if (!initialised) {
        ui_list_init(&list, columns, sizeof columns / sizeof *columns);
        initialised = true;
    }
    struct share **shares = NULL;
    size_t count = 0;
    ui_list_begin(&list);
    NTSTATUS status = share_db_list(app.reg, &shares, &count);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the shares");
    } else {
        for (size_t i = 0; i < count; i++) {
            char flags[64];
            share_flags_text(shares[i], flags, sizeof flags);
            const char *cells[] = { shares[i]->name,
                                    shares[i]->type == STYPE_IPC ? "(named pipes)"
                                                                 : shares[i]->path,
                                    flags, shares[i]->comment };
            ui_list_add(&list, shares[i]->name, cells, UI_NORMAL);
        }
        share_list_free(shares, count);
    }
    ui_list_end(&list);
}

static void draw(int top, int height)
{
    char summary[160];
    ui_list_summary(&list, summary, sizeof summary);
    char *title = console_printf("Shares (%s)", summary);
    ui_draw_text(top, 1, COLS - 2, title, A_BOLD, -1);
    free(title);
    ui_list_draw(&list, top + 1, 0, height - 1, COLS);
}

static void delete_selected(const char *name)
{
    char *question = console_printf("Delete the share '%s'? Clients connected to it lose it; "
                                    "the directory and its files stay.",
                                    name);
    bool yes = ui_confirm("Delete share", question ? question : "Delete the share?");
    free(question);
    if (!yes) {
        ui_status(UI_STATUS_INFO, "Nothing deleted.");
        return;
    }
    char *message = NULL;
    NTSTATUS status = console_begin();
    if (NT_SUCCESS(status))
        status = console_end(share_db_delete(app.reg, name, &app.actor, &message));
    if (status == STATUS_ACCESS_DENIED && !message)
        message = console_printf("%s cannot be deleted (every server has it)", name);
    if (NT_SUCCESS(status))
        ui_status(UI_STATUS_OK, "Share '%s' deleted.", name);
    else
        console_error(status, message, "Cannot delete '%s'", name);
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
        char *added = share_form_run(NULL);
        app_reload();
        if (added)
            ui_list_select(&list, added);
        free(added);
    } else if (!name && (k == 'e' || ui_key_is_enter(k) || k == 'p' || k == 'd' ||
                         k == UI_KEY_DC)) {
        ui_status(UI_STATUS_INFO, "No share selected.");
    } else if (k == 'e' || ui_key_is_enter(k)) {
        free(share_form_run(name));
        app_reload();
    } else if (k == 'p') {
        char **grants = NULL;
        struct share *share = NULL;
        NTSTATUS status = share_db_get(app.reg, name, &share);
        if (NT_SUCCESS(status))
            status = share_permissions_read(share->sd, share->sd_len, &grants);
        if (!NT_SUCCESS(status))
            console_error(status, NULL, "Cannot read the permissions of '%s'", name);
        else if (share->type == STYPE_IPC || !share->sd)
            ui_status(UI_STATUS_INFO, "%s has no share permissions (anonymous access is a "
                                      "setting).", name);
        else
            share_permissions_edit(name, &grants, name);
        registry_strv_free(grants);
        share_free(share);
        app_reload();
    } else if (k == 'd' || k == UI_KEY_DC) {
        delete_selected(name);
    } else {
        used = false;
    }
    free(name);
    return used;
}

const struct screen screen_shares = {
    .tab = "Shares",
    .help = "The shares clients connect to (\\\\server\\NAME). a adds a share, Enter edits "
            "the selected one, p edits its permissions (who may read, change or have full "
            "control), d deletes it after asking (the directory stays). / filters the list "
            "as you type. The path must be an existing directory; the form says so as you "
            "type. IPC$ is the named-pipe share every server has: it cannot be deleted.",
    .load = load,
    .draw = draw,
    .key = key,
    .hints = hints,
    .hint_count = sizeof hints / sizeof *hints,
};
