/* The share permission editor: principals (users, groups, Everyone, ...) and
 * their level, read / change / full control, as Windows' "Share Permissions"
 * tab shows them. share-db turns the list into the share's security
 * descriptor; the SAM resolves names to SIDs and back.
 *
 * Entries the three levels cannot express (deny entries, other masks, written
 * by a Windows client through srvsvc) are shown but make the list read-only:
 * rebuilding the descriptor would lose them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsass/ldap/ldap_provider.h"
#include "lsass/sam/sam.h"
#include "share-db/share_db.h"
#include "tui/console.h"

struct grant_row {
    char *principal;
    char *level;   /* "read", "change", "full", or the raw text of a special entry */
    bool editable;
};

struct editor {
    const char *share_name;
    const char *commit_share;
    struct grant_row *rows;
    size_t count;
    struct ui_list list;
};

static const char *const level_names[] = { "read", "change", "full" };
static const char *const level_titles[] = { "Read", "Change", "Full control" };

static const struct ui_column columns[] = {
    { "USER OR GROUP", 0, 1, 12, -1 },
    { "ACCESS", 20, 0, 0, -1 },
};

static const struct ui_keyhint hints[] = {
    { "F1/^G", "Help" }, { "a", "Add" },         { "Space", "Level" },
    { "d", "Remove" },   { "F2/^S", "OK" },      { "Esc", "Cancel" },
};

char *console_validate_principal(const char *text)
{
    if (!text || !*text)
        return strdup("type a user or group (alice, Administrators, Everyone, ...)");
    struct sid sid;
    NTSTATUS status = sam_principal_to_sid(app.reg, text, &sid, NULL);
    if (status == STATUS_NONE_MAPPED)
        return console_printf("no user or group called '%s'", text);
    if (!NT_SUCCESS(status))
        return strdup(console_status_text(status));
    return NULL;
}

NTSTATUS share_permissions_read(const uint8_t *sd, size_t sd_len, char ***grants)
{
    *grants = NULL;
    if (!sd || sd_len == 0) {
        *grants = calloc(1, sizeof **grants);
        return *grants ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    }
    return share_sd_to_grants(sd, sd_len, ldap_sam_principal_namer, app.reg, grants, NULL);
}

NTSTATUS share_permissions_build(char **grants, uint8_t **sd, size_t *sd_len, char **message)
{
    size_t count = 0;
    while (grants && grants[count])
        count++;
    if (count == 0) {
        if (message)
            *message = strdup("a share needs at least one permission (nobody could connect)");
        return STATUS_INVALID_PARAMETER;
    }
    return share_sd_from_grants((const char *const *)grants, count, ldap_sam_principal_resolver,
                                app.reg, sd, sd_len, message);
}

static int level_index(const char *level)
{
    for (int i = 0; i < 3; i++)
        if (strcasecmp(level, level_names[i]) == 0)
            return i;
    return -1;
}

static char *level_text(const struct grant_row *row)
{
    if (row->editable)
        return strdup(level_titles[level_index(row->level)]);
    return console_printf("special (%s)", row->level);
}

char *share_permissions_summary(char **grants)
{
    size_t size = 1;
    for (size_t i = 0; grants && grants[i]; i++)
        size += strlen(grants[i]) + 2;
    char *out = calloc(size, 1);
    if (!out)
        return NULL;
    for (size_t i = 0; grants && grants[i]; i++) {
        if (i)
            strcat(out, ", ");
        strcat(out, grants[i]);
    }
    if (!grants || !grants[0])
        free(out), out = strdup("(nobody)");
    return out;
}

static void rebuild(struct editor *e)
{
    ui_list_begin(&e->list);
    for (size_t i = 0; i < e->count; i++) {
        char *level = level_text(&e->rows[i]);
        const char *cells[] = { e->rows[i].principal, level ? level : "?" };
        ui_list_add(&e->list, e->rows[i].principal, cells,
                    e->rows[i].editable ? UI_NORMAL : UI_DIM);
        free(level);
    }
    ui_list_end(&e->list);
}

static bool add_row(struct editor *e, const char *principal, const char *level, bool editable)
{
    struct grant_row *rows = realloc(e->rows, (e->count + 1) * sizeof *rows);
    if (!rows)
        return false;
    e->rows = rows;
    rows[e->count].principal = strdup(principal);
    rows[e->count].level = strdup(level);
    rows[e->count].editable = editable;
    if (!rows[e->count].principal || !rows[e->count].level) {
        free(rows[e->count].principal);
        free(rows[e->count].level);
        return false;
    }
    e->count++;
    return true;
}

static void free_rows(struct editor *e)
{
    for (size_t i = 0; i < e->count; i++) {
        free(e->rows[i].principal);
        free(e->rows[i].level);
    }
    free(e->rows);
    e->rows = NULL;
    e->count = 0;
}

static struct grant_row *selected_row(struct editor *e)
{
    const char *key = ui_list_selected(&e->list);
    for (size_t i = 0; key && i < e->count; i++)
        if (strcmp(e->rows[i].principal, key) == 0)
            return &e->rows[i];
    return NULL;
}

static void draw(void *context)
{
    struct editor *e = context;
    int width = COLS - 4 < 72 ? COLS - 4 : 72;
    int height = app_content_height() - 2;
    if (height > (int)e->count + 8)
        height = (int)e->count + 8;
    if (height < 10)
        height = 10;
    int y = app_content_top() + (app_content_height() - height) / 2;
    int x = (COLS - width) / 2;
    char *title = console_printf("Permissions of %s", e->share_name);
    ui_box(y, x, height, width, title, ui_attr(UI_DIALOG));
    free(title);
    ui_draw_text(y + 1, x + 2, width - 4,
                 "Who may connect, and at what level (file permissions apply too).",
                 ui_attr(UI_DIALOG), -1);
    ui_list_draw(&e->list, y + 3, x + 1, height - 5, width - 2);
    bool special = false;
    for (size_t i = 0; i < e->count; i++)
        special |= !e->rows[i].editable;
    if (special)
        ui_draw_text(y + height - 2, x + 2, width - 4,
                     "Special entries (set from Windows) make this list read-only here.",
                     ui_attr(UI_ERROR), -1);
    app_set_cursor(-1, -1);
}

/* The add dialog: a principal (checked as typed) and a level. */
struct add_state {
    struct ui_field *principal, *level;
};

static char *validate_principal_field(struct ui_form *form, struct ui_field *field, void *ctx)
{
    (void)form;
    (void)ctx;
    char *text = ui_field_value(field);
    char *error = console_validate_principal(text);
    free(text);
    return error;
}

static void add_dialog(struct editor *e)
{
    struct add_state s;
    struct ui_form form;
    ui_form_init(&form, "Add a permission", NULL, &s);
    form.save_label = "Add";
    form.width = 64;
    s.principal = ui_form_text(&form, "User or group", "", 256, validate_principal_field);
    s.principal->hint = "a user, a group, Everyone, Authenticated Users, or a SID";
    s.level = ui_form_choice(&form, "Access", level_titles, 3, 0);
    if (ui_form_run(&form)) {
        char *principal = ui_field_value(s.principal);
        /* Show the account's own spelling ("alice" for "ALICE"). */
        struct sid sid;
        char *display = NULL;
        if (principal && NT_SUCCESS(sam_principal_to_sid(app.reg, principal, &sid, NULL)))
            display = sam_sid_display(app.reg, &sid);
        const char *name = display ? display : principal;
        bool replaced = false;
        for (size_t i = 0; name && i < e->count; i++)
            if (strcasecmp(e->rows[i].principal, name) == 0 && e->rows[i].editable) {
                free(e->rows[i].level);
                e->rows[i].level = strdup(level_names[s.level->choice]);
                replaced = true;
            }
        if (name && !replaced)
            add_row(e, name, level_names[s.level->choice], true);
        rebuild(e);
        if (name)
            ui_list_select(&e->list, name);
        ui_status(UI_STATUS_INFO, "Not saved yet: F2 keeps the permissions.");
        free(display);
        free(principal);
    }
    ui_form_free(&form);
}

static char **to_grants(struct editor *e)
{
    char **grants = calloc(e->count + 1, sizeof *grants);
    for (size_t i = 0; grants && i < e->count; i++) {
        grants[i] = console_printf("%s:%s", e->rows[i].principal, e->rows[i].level);
        if (!grants[i]) {
            registry_strv_free(grants);
            return NULL;
        }
    }
    return grants;
}

/* OK: checks, and saves when the editor owns the transaction. */
static bool finish(struct editor *e, char ***grants)
{
    for (size_t i = 0; i < e->count; i++)
        if (!e->rows[i].editable) {
            ui_status(UI_STATUS_ERROR, "This share has special permission entries the console "
                                       "cannot edit; change them from Windows.");
            return false;
        }
    if (e->count == 0) {
        ui_status(UI_STATUS_ERROR, "A share needs at least one permission (nobody could "
                                   "connect); add one first.");
        return false;
    }
    char **result = to_grants(e);
    if (!result) {
        ui_status(UI_STATUS_ERROR, "out of memory");
        return false;
    }
    if (e->commit_share) {
        uint8_t *sd = NULL;
        size_t sd_len = 0;
        char *message = NULL;
        struct share *share = NULL;
        NTSTATUS status = console_begin();
        if (NT_SUCCESS(status))
            status = share_db_get(app.reg, e->commit_share, &share);
        if (NT_SUCCESS(status))
            status = share_permissions_build(result, &sd, &sd_len, &message);
        if (NT_SUCCESS(status)) {
            free(share->sd);
            share->sd = sd;
            share->sd_len = sd_len;
            sd = NULL;
            status = share_db_set(app.reg, share, &app.actor, &message);
        }
        if (registry_transaction_depth(app.reg) > 0)
            status = console_end(status);
        free(sd);
        share_free(share);
        if (!NT_SUCCESS(status)) {
            console_error(status, message, "Cannot save the permissions (nothing changed)");
            registry_strv_free(result);
            return false;
        }
        ui_status(UI_STATUS_OK, "Permissions of '%s' saved.", e->commit_share);
    }
    registry_strv_free(*grants);
    *grants = result;
    return true;
}

bool share_permissions_edit(const char *share_name, char ***grants, const char *commit_share)
{
    struct editor e;
    memset(&e, 0, sizeof e);
    e.share_name = share_name;
    e.commit_share = commit_share;
    ui_list_init(&e.list, columns, sizeof columns / sizeof *columns);
    e.list.empty_text = "(nobody: press a to add a user or group)";
    for (size_t i = 0; *grants && (*grants)[i]; i++) {
        const char *grant = (*grants)[i];
        const char *deny = strstr(grant, ":deny:");
        const char *colon = deny ? deny : strrchr(grant, ':');
        if (!colon)
            continue;
        char *principal = strndup(grant, (size_t)(colon - grant));
        const char *level = colon + 1;
        if (principal)
            add_row(&e, principal, level, !deny && level_index(level) >= 0);
        free(principal);
    }
    rebuild(&e);
    struct modal modal = { draw, &e, hints, sizeof hints / sizeof *hints };
    app_push_modal(&modal);
    bool ok = false;
    for (;;) {
        int key = app_read_key();
        ui_status_clear();
        struct grant_row *row = selected_row(&e);
        if (ui_list_key(&e.list, key))
            continue;
        if (ui_key_is_help(key) || key == '?') {
            app_help("Share permissions",
                     "Each line gives a user or group a level on the share: Read (open and "
                     "list), Change (also write and delete), Full control (also change "
                     "permissions). a adds a line (type the name; the dialog checks it), "
                     "Space changes the selected level (or press r, c, f), d removes a "
                     "line. F2 keeps the result, Esc leaves without changes.");
        } else if (ui_key_is_cancel(key)) {
            ui_status(UI_STATUS_INFO, "Permissions left unchanged.");
            break;
        } else if (ui_key_is_save(key)) {
            if ((ok = finish(&e, grants)))
                break;
        } else if (key == 'a' || key == UI_K(KEY_IC)) {
            add_dialog(&e);
        } else if (!row) {
            continue;
        } else if (!row->editable) {
            if (key == 'd' || key == UI_KEY_DC || key == ' ' || ui_key_is_enter(key))
                ui_status(UI_STATUS_ERROR, "A special entry cannot be edited here.");
        } else if (key == ' ' || ui_key_is_enter(key) || key == 'r' || key == 'c' || key == 'f') {
            int level = (level_index(row->level) + 1) % 3;
            if (key == 'r' || key == 'c' || key == 'f')
                level = key == 'r' ? 0 : key == 'c' ? 1 : 2;
            free(row->level);
            row->level = strdup(level_names[level]);
            rebuild(&e);
        } else if (key == 'd' || key == UI_KEY_DC) {
            size_t index = (size_t)(row - e.rows);
            free(row->principal);
            free(row->level);
            memmove(&e.rows[index], &e.rows[index + 1], (e.count - index - 1) * sizeof *e.rows);
            e.count--;
            rebuild(&e);
            ui_status(UI_STATUS_INFO, "Removed (not saved yet: F2 keeps the permissions).");
        }
    }
    app_pop_modal();
    ui_list_free(&e.list);
    free_rows(&e);
    return ok;
}
