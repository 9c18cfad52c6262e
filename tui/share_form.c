/* The share form: name, path (checked as it is typed), comment, flags,
 * caching, maximum connections and permissions; saved in one transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"
#include "share-db/share_db.h"
#include "tui/console.h"

static const char *const caching_names[] = { "manual", "documents", "programs", "none" };
static const uint32_t caching_values[] = { SHARE_CACHING_MANUAL, SHARE_CACHING_DOCUMENTS,
                                           SHARE_CACHING_PROGRAMS, SHARE_CACHING_NONE };

struct share_form {
    struct share *existing;   /* NULL when adding */
    char **grants;            /* the permissions being edited */
    bool grants_changed;
    struct ui_field *name, *path, *comment, *read_only, *encrypt, *hidden, *abe, *guest_ok, *caching,
        *max_uses, *permissions;
    char *saved_name;
};

static char *validate_name(struct ui_form *form, struct ui_field *field, void *context)
{
    struct share_form *f = context;
    (void)form;
    char *name = ui_field_value(field);
    char *message = NULL;
    if (!name)
        return strdup("out of memory");
    if (!*name) {
        free(name);
        return strdup("type the name clients will use (\\\\server\\NAME)");
    }
    NTSTATUS status = share_validate_name(name, &message);
    if (!NT_SUCCESS(status)) {
        free(name);
        return message ? message : strdup(console_status_text(status));
    }
    struct share *other = NULL;
    if (NT_SUCCESS(share_db_get(app.reg, name, &other)) &&
        (!f->existing || utf8_casecmp(other->name, f->existing->name) != 0))
        message = console_printf("there is already a share called %s", other->name);
    share_free(other);
    free(name);
    return message;
}

static char *validate_path(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    char *path = ui_field_value(field);
    if (!path)
        return strdup("out of memory");
    if (!*path) {
        free(path);
        return strdup("type the directory to share (an absolute path)");
    }
    char *message = NULL;
    NTSTATUS status = share_validate_path(path, NULL, &message);
    free(path);
    if (NT_SUCCESS(status))
        return NULL;
    return message ? message : strdup(console_status_text(status));
}

static char *validate_comment(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    char *comment = ui_field_value(field);
    long units = comment ? utf8_utf16_units(comment, strlen(comment)) : -1;
    free(comment);
    if (units < 0)
        return strdup("not valid text");
    if (units > SHARE_COMMENT_MAX)
        return console_printf("at most %d characters", SHARE_COMMENT_MAX);
    return NULL;
}

/* "" or "unlimited" (no limit), or 1..2147483647. */
static bool parse_max_uses(const char *text, int32_t *value)
{
    if (!*text || strcmp(text, "unlimited") == 0) {
        *value = SHARE_MAX_USES_UNLIMITED;
        return true;
    }
    char *end;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    if (errno || *end || end == text || n < 1 || n > INT32_MAX || text[0] == '+' ||
        text[0] == ' ')
        return false;
    *value = (int32_t)n;
    return true;
}

static char *validate_max_uses(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    char *text = ui_field_value(field);
    int32_t value;
    bool ok = text && parse_max_uses(text, &value);
    free(text);
    return ok ? NULL : strdup("a number from 1, or empty for no limit");
}

static void edit_permissions(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct share_form *f = context;
    char *name = f->existing ? strdup(f->existing->name) : ui_field_value(f->name);
    if (share_permissions_edit(name && *name ? name : "(new share)", &f->grants, NULL)) {
        f->grants_changed = true;
        char *summary = share_permissions_summary(f->grants);
        ui_field_set_text(field, summary);
        free(summary);
    }
    free(name);
}

static NTSTATUS save(struct ui_form *form, void *context, char **message)
{
    (void)form;
    struct share_form *f = context;
    struct share share;
    memset(&share, 0, sizeof share);
    char *name = f->existing ? strdup(f->existing->name) : ui_field_value(f->name);
    char *path = f->path ? ui_field_value(f->path) : NULL;
    char *comment = ui_field_value(f->comment);
    char *max_uses = ui_field_value(f->max_uses);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (!name || (f->path && !path) || !comment || !max_uses)
        goto out;
    share.name = name;
    share.path = path;
    share.comment = comment;
    share.type = f->existing ? f->existing->type : STYPE_DISKTREE;
    uint32_t flags = f->existing ? f->existing->flags : 0;
    flags &= ~(SHARE_FLAG_READ_ONLY | SHARE_FLAG_ENCRYPT_DATA | SHARE_FLAG_HIDDEN |
               SHARE_FLAG_ACCESS_BASED_ENUM | SHARE_FLAG_GUEST_OK | SHARE_CACHING_MASK);
    if (f->read_only->checked)
        flags |= SHARE_FLAG_READ_ONLY;
    if (f->encrypt->checked)
        flags |= SHARE_FLAG_ENCRYPT_DATA;
    /* A name ending in '$' is hidden by its name: do not store the flag. */
    if (f->hidden->checked && !(name[0] && name[strlen(name) - 1] == '$'))
        flags |= SHARE_FLAG_HIDDEN;
    if (f->abe->checked)
        flags |= SHARE_FLAG_ACCESS_BASED_ENUM;
    if (f->guest_ok->checked)
        flags |= SHARE_FLAG_GUEST_OK;
    flags |= caching_values[f->caching->choice];
    share.flags = flags;
    if (!parse_max_uses(max_uses, &share.max_uses)) {
        status = STATUS_INVALID_PARAMETER;
        *message = strdup("Max connections: a number from 1, or empty for no limit");
        goto out;
    }
    status = console_begin();
    if (!NT_SUCCESS(status))
        goto out;
    if (f->permissions && (f->grants_changed || !f->existing))
        status = share_permissions_build(f->grants, &share.sd, &share.sd_len, message);
    if (NT_SUCCESS(status))
        status = f->existing ? share_db_set(app.reg, &share, &app.actor, message)
                             : share_db_add(app.reg, &share, &app.actor, message);
    status = console_end(status);
    if (NT_SUCCESS(status)) {
        f->saved_name = strdup(name);
        console_share_saved(name, f->existing ? "saved" : "added");
    }
out:
    free(share.sd);
    free(name);
    free(path);
    free(comment);
    free(max_uses);
    return status;
}

char *share_form_run(const char *name)
{
    struct share_form f;
    memset(&f, 0, sizeof f);
    NTSTATUS status;
    if (name) {
        status = share_db_get(app.reg, name, &f.existing);
        if (!NT_SUCCESS(status)) {
            console_error(status, NULL, "Cannot edit '%s'", name);
            return NULL;
        }
    }
    bool ipc = f.existing && f.existing->type == STYPE_IPC;
    if (f.existing && f.existing->sd)
        status = share_permissions_read(f.existing->sd, f.existing->sd_len, &f.grants);
    else if (!f.existing) {
        uint8_t *sd = NULL;
        size_t len = 0;
        status = share_sd_default(&sd, &len);
        if (NT_SUCCESS(status))
            status = share_permissions_read(sd, len, &f.grants);
        free(sd);
    } else
        status = STATUS_SUCCESS;
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot read the share's permissions");
        share_free(f.existing);
        return NULL;
    }

    struct ui_form form;
    char *title = f.existing ? console_printf("Edit share %s", f.existing->name) : NULL;
    ui_form_init(&form, title ? title : "Add a share", save, &f);
    form.help = "Name: what clients connect to (\\\\server\\NAME); a name ending in $ is "
                "hidden from share lists. Path: an existing directory; the form checks it "
                "as you type. Read-only refuses writes through this share; Encrypt requires "
                "SMB3 encryption; Access-based enumeration lists only what a user may open; "
                "Guest access lets guest and anonymous sessions in (srv.guest on); "
                "Caching is the offline files mode. Permissions: Enter opens the editor of "
                "who may read, change or have full control. F2 saves, Esc leaves without "
                "changes.";
    uint32_t flags = f.existing ? f.existing->flags : 0;
    if (f.existing)
        f.name = ui_form_label(&form, "Name", f.existing->name);
    else {
        f.name = ui_form_text(&form, "Name", "", SHARE_NAME_MAX, validate_name);
        f.name->hint = "what clients connect to: \\\\server\\NAME";
    }
    if (ipc) {
        ui_form_label(&form, "Path", "(named pipes)");
    } else {
        f.path = ui_form_text(&form, "Path", f.existing ? f.existing->path : "", 4096,
                              validate_path);
        f.path->hint = "an existing directory, e.g. /srv/data";
    }
    f.comment = ui_form_text(&form, "Comment", f.existing ? f.existing->comment : "",
                             SHARE_COMMENT_MAX, validate_comment);
    f.read_only = ui_form_check(&form, "Read-only", flags & SHARE_FLAG_READ_ONLY);
    f.encrypt = ui_form_check(&form, "Encrypt data", flags & SHARE_FLAG_ENCRYPT_DATA);
    f.hidden = ui_form_check(&form, "Hidden", f.existing ? share_is_hidden(f.existing) : false);
    f.abe = ui_form_check(&form, "Access-based enum.", flags & SHARE_FLAG_ACCESS_BASED_ENUM);
    f.guest_ok = ui_form_check(&form, "Guest access", flags & SHARE_FLAG_GUEST_OK);
    size_t caching = 0;
    for (size_t i = 0; i < 4; i++)
        if ((flags & SHARE_CACHING_MASK) == caching_values[i])
            caching = i;
    f.caching = ui_form_choice(&form, "Offline caching", caching_names, 4, caching);
    char max_uses[16] = "";
    if (f.existing && f.existing->max_uses > 0)
        snprintf(max_uses, sizeof max_uses, "%d", f.existing->max_uses);
    f.max_uses = ui_form_text(&form, "Max connections", max_uses, 10, validate_max_uses);
    f.max_uses->hint = "empty for no limit";
    if (!ipc) {
        char *summary = share_permissions_summary(f.grants);
        f.permissions = ui_form_button(&form, "Permissions", summary, edit_permissions);
        f.permissions->hint = "Enter: who may read, change or have full control";
        free(summary);
    }
    ui_form_run(&form);
    ui_form_free(&form);
    free(title);
    registry_strv_free(f.grants);
    share_free(f.existing);
    return f.saved_name;
}
