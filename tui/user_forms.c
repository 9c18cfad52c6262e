/* The user forms: add (password typed twice, masked, checked against the
 * password policy as it is typed), edit, and set a new password. */
#include <stdlib.h>
#include <string.h>

#include "lib/utf16.h"
#include "lsass/sam/sam.h"
#include "tui/console.h"

struct user_form {
    struct sam_user existing;
    bool editing;
    struct ui_field *name, *full_name, *description, *password, *confirm, *disabled,
        *never_expires, *locked, *must_change, *unix_account;
    char *saved_name;
};

/* A name is free if no other account (user or group) has it. */
static char *validate_name(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct user_form *f = context;
    char *name = ui_field_value(field);
    if (!name)
        return strdup("out of memory");
    if (!*name) {
        free(name);
        return strdup("type the name the user logs on with");
    }
    const char *why = NULL;
    char *error = NULL;
    if (!NT_SUCCESS(sam_name_check(name, SAM_USER_NAME_MAX, &why))) {
        error = strdup(why ? why : "that name is not allowed");
    } else {
        struct sam_user other;
        struct sam_group group;
        if (NT_SUCCESS(sam_user_by_name(app.reg, name, &other))) {
            if (!f->editing || other.rid != f->existing.rid)
                error = console_printf("there is already a user called %s", other.name);
            sam_user_free(&other);
        } else if (NT_SUCCESS(sam_group_by_name(app.reg, name, &group))) {
            error = console_printf("there is a group called %s", group.name);
            sam_group_free(&group);
        }
    }
    free(name);
    return error;
}

static char *validate_length(struct ui_field *field, size_t max)
{
    char *text = ui_field_value(field);
    long units = text ? utf8_utf16_units(text, strlen(text)) : -1;
    free(text);
    if (units < 0)
        return strdup("not valid text");
    if ((size_t)units > max)
        return console_printf("at most %zu characters", max);
    return NULL;
}

static char *validate_full_name(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    return validate_length(field, SAM_FULL_NAME_MAX);
}

static char *validate_description(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    (void)context;
    return validate_length(field, SAM_DESCRIPTION_MAX);
}

/* Empty (the user's own uid) or a Unix account it may act as, checked as
 * typed with the rules the SAM applies when it is saved. */
static char *validate_unix_account(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct user_form *f = context;
    char *account = ui_field_value(field);
    if (!account)
        return strdup("out of memory");
    char *why = NULL;
    if (*account && strcmp(account, f->existing.unix_account ? f->existing.unix_account : "") != 0 &&
        !NT_SUCCESS(sam_unix_account_check(app.reg, account, f->existing.rid, NULL, NULL, &why)) &&
        !why)
        why = strdup("that Unix account cannot be used");
    free(account);
    return why;
}

/* The password policy, as lsassd will apply it. An empty password is allowed
 * when adding (the account cannot log on until one is set). */
static char *validate_password(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct user_form *f = context;
    char *password = ui_field_value(field);
    /* The add form has name fields; the password form checks against the
     * account being changed. */
    char *name = f->name ? ui_field_value(f->name) : strdup(f->existing.name);
    char *full_name = f->full_name ? ui_field_value(f->full_name) : strdup(f->existing.full_name);
    char *error = NULL;
    if (!password || !name || !full_name) {
        error = strdup("out of memory");
    } else if (!*password) {
        if (f->editing)
            error = strdup("type the new password");
        /* else: adding an account without a password (it cannot log on) */
    } else {
        struct sam_password_policy policy;
        const char *why = NULL;
        NTSTATUS status = sam_password_policy_load(app.reg, &policy);
        if (!NT_SUCCESS(status))
            error = strdup(console_status_text(status));
        else if (!NT_SUCCESS(sam_password_check(&policy, name, full_name, password, &why)))
            error = strdup(why ? why : "the password does not meet the policy");
    }
    ui_secret_free(password);
    free(name);
    free(full_name);
    return error;
}

static char *validate_confirm(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct user_form *f = context;
    char *first = ui_field_value(f->password);
    char *second = ui_field_value(field);
    char *error = NULL;
    if (!first || !second)
        error = strdup("out of memory");
    else if (strcmp(first, second) != 0)
        error = strdup(*second ? "the two passwords differ" : "type the password again");
    ui_secret_free(first);
    ui_secret_free(second);
    return error;
}

static char *validate_locked(struct ui_form *form, struct ui_field *field, void *context)
{
    (void)form;
    struct user_form *f = context;
    if (field->checked && !(f->existing.flags & SAM_USER_LOCKED_OUT))
        return strdup("only bad passwords lock an account; clear this to unlock");
    return NULL;
}

static NTSTATUS save_add(struct ui_form *form, void *context, char **message)
{
    (void)form;
    (void)message;
    struct user_form *f = context;
    char *name = ui_field_value(f->name);
    char *full_name = ui_field_value(f->full_name);
    char *description = ui_field_value(f->description);
    char *password = ui_field_value(f->password);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (name && full_name && description && password) {
        uint32_t flags = 0;
        if (f->disabled->checked)
            flags |= SAM_USER_DISABLED;
        if (f->never_expires->checked)
            flags |= SAM_USER_PASSWORD_NEVER_EXPIRES;
        status = console_begin();
        if (NT_SUCCESS(status))
            status = console_end(sam_user_add(app.reg, &app.actor, name, full_name, description,
                                              flags, *password ? password : NULL, NULL));
        if (NT_SUCCESS(status)) {
            f->saved_name = strdup(name);
            ui_status(UI_STATUS_OK, "User '%s' added%s.", name,
                      *password ? "" : " without a password (it cannot log on yet)");
        }
    }
    free(name);
    free(full_name);
    free(description);
    ui_secret_free(password);
    return status;
}

char *user_add_form(void)
{
    struct user_form f;
    memset(&f, 0, sizeof f);
    struct ui_form form;
    ui_form_init(&form, "Add a user", save_add, &f);
    form.help = "User name: what the user types to log on (up to 20 characters, none of "
                "\" / \\ [ ] : ; | = , + * ? < > @). Password and Confirm: typed twice, shown "
                "as stars; the form checks the password policy as you type. Leave both "
                "empty to add an account that cannot log on until a password is set. F2 "
                "saves, Esc leaves without changes.";
    f.name = ui_form_text(&form, "User name", "", SAM_USER_NAME_MAX, validate_name);
    f.name->hint = "the name the user logs on with";
    f.full_name = ui_form_text(&form, "Full name", "", SAM_FULL_NAME_MAX, validate_full_name);
    f.description = ui_form_text(&form, "Description", "", SAM_DESCRIPTION_MAX,
                                 validate_description);
    f.password = ui_form_password(&form, "Password", validate_password);
    f.password->hint = "empty: the account cannot log on until a password is set";
    f.confirm = ui_form_password(&form, "Confirm password", validate_confirm);
    f.disabled = ui_form_check(&form, "Account disabled", false);
    f.never_expires = ui_form_check(&form, "Never expires", false);
    f.never_expires->hint = "the password never expires";
    ui_form_run(&form);
    ui_form_free(&form);
    return f.saved_name;
}

static NTSTATUS save_edit(struct ui_form *form, void *context, char **message)
{
    (void)form;
    (void)message;
    struct user_form *f = context;
    char *name = ui_field_value(f->name);
    char *full_name = ui_field_value(f->full_name);
    char *description = ui_field_value(f->description);
    char *account = ui_field_value(f->unix_account);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (name && full_name && description && account) {
        struct sam_user_change change = { 0 };
        if (strcmp(name, f->existing.name) != 0)
            change.new_name = name;
        change.full_name = full_name;
        change.description = description;
        const struct {
            struct ui_field *field;
            uint32_t flag;
        } flags[] = { { f->disabled, SAM_USER_DISABLED },
                      { f->never_expires, SAM_USER_PASSWORD_NEVER_EXPIRES },
                      { f->locked, SAM_USER_LOCKED_OUT },
                      { f->must_change, SAM_USER_PASSWORD_EXPIRED } };
        for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
            bool now = (f->existing.flags & flags[i].flag) != 0;
            if (flags[i].field->checked && !now)
                change.flags_set |= flags[i].flag;
            if (!flags[i].field->checked && now)
                change.flags_clear |= flags[i].flag;
        }
        status = console_begin();
        if (NT_SUCCESS(status)) {
            status = sam_user_update(app.reg, &app.actor, f->existing.rid, &change);
            /* The mapping in the same transaction: refused, nothing is saved. */
            const char *current = f->existing.unix_account ? f->existing.unix_account : "";
            if (NT_SUCCESS(status) && strcmp(current, account) != 0)
                status = sam_user_set_unix_account(app.reg, &app.actor, f->existing.rid,
                                                   *account ? account : NULL, message);
            status = console_end(status);
        }
        if (NT_SUCCESS(status)) {
            f->saved_name = strdup(name);
            ui_status(UI_STATUS_OK, "User '%s' saved.", name);
        }
    }
    free(name);
    free(full_name);
    free(description);
    free(account);
    return status;
}

char *user_edit_form(const char *user_name)
{
    struct user_form f;
    memset(&f, 0, sizeof f);
    NTSTATUS status = sam_user_by_name(app.reg, user_name, &f.existing);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot edit '%s'", user_name);
        return NULL;
    }
    f.editing = true;
    struct ui_form form;
    char *title = console_printf("Edit user %s", f.existing.name);
    ui_form_init(&form, title ? title : "Edit user", save_edit, &f);
    form.help = "Change the account's name, full name, description, flags and the Unix "
                "account it acts as on disk. Clearing "
                "\"Locked out\" unlocks an account that bad passwords locked. To set a new "
                "password, leave this form and press r. F2 saves, Esc leaves without changes.";
    char set[32], logon[32];
    console_format_time(f.existing.password_last_set, set, sizeof set);
    console_format_time(f.existing.last_logon, logon, sizeof logon);
    char sid[SID_STRING_MAX];
    sid_format(&f.existing.sid, sid, sizeof sid);
    form.note = console_printf("SID %s. Password %s%s; last logon %s.", sid,
                               f.existing.has_password ? "set " : "not set", 
                               f.existing.has_password ? set : "", logon);
    f.name = ui_form_text(&form, "User name", f.existing.name, SAM_USER_NAME_MAX, validate_name);
    f.name->hint = "renaming keeps the account's SID, groups and permissions";
    f.full_name = ui_form_text(&form, "Full name", f.existing.full_name, SAM_FULL_NAME_MAX,
                               validate_full_name);
    f.description = ui_form_text(&form, "Description", f.existing.description,
                                 SAM_DESCRIPTION_MAX, validate_description);
    f.disabled = ui_form_check(&form, "Account disabled", f.existing.flags & SAM_USER_DISABLED);
    f.never_expires = ui_form_check(&form, "Never expires",
                                    f.existing.flags & SAM_USER_PASSWORD_NEVER_EXPIRES);
    f.never_expires->hint = "the password never expires";
    f.locked = ui_form_check(&form, "Locked out", f.existing.flags & SAM_USER_LOCKED_OUT);
    f.locked->validate = validate_locked;
    f.locked->hint = "clear to unlock the account";
    f.must_change = ui_form_check(&form, "Must change password",
                                  f.existing.flags & SAM_USER_PASSWORD_EXPIRED);
    f.unix_account = ui_form_text(&form, "Unix account",
                                  f.existing.unix_account ? f.existing.unix_account : "", 32,
                                  validate_unix_account);
    char *own_uid = console_printf("empty: its own uid %u; else an existing Unix account it "
                                   "acts as on disk (never root)", f.existing.uid);
    f.unix_account->hint = own_uid ? own_uid : "empty: its own uid";
    ui_form_run(&form);
    free(own_uid);
    ui_form_free(&form);
    free(title);
    sam_user_free(&f.existing);
    return f.saved_name;
}

static NTSTATUS save_password(struct ui_form *form, void *context, char **message)
{
    (void)form;
    (void)message;
    struct user_form *f = context;
    char *password = ui_field_value(f->password);
    NTSTATUS status = STATUS_NO_MEMORY;
    if (password) {
        status = console_begin();
        if (NT_SUCCESS(status))
            status = console_end(
                sam_user_set_password(app.reg, &app.actor, f->existing.rid, password));
        if (NT_SUCCESS(status))
            ui_status(UI_STATUS_OK, "New password set for '%s'.", f->existing.name);
    }
    ui_secret_free(password);
    return status;
}

void user_password_form(const char *user_name)
{
    struct user_form f;
    memset(&f, 0, sizeof f);
    NTSTATUS status = sam_user_by_name(app.reg, user_name, &f.existing);
    if (!NT_SUCCESS(status)) {
        console_error(status, NULL, "Cannot change the password of '%s'", user_name);
        return;
    }
    f.editing = true;
    struct ui_form form;
    char *title = console_printf("New password for %s", f.existing.name);
    ui_form_init(&form, title ? title : "New password", save_password, &f);
    form.help = "Type the new password twice; it is shown as stars and checked against the "
                "password policy as you type. F2 sets it, Esc leaves the old one.";
    form.width = 64;
    f.password = ui_form_password(&form, "New password", validate_password);
    f.confirm = ui_form_password(&form, "Confirm password", validate_confirm);
    ui_form_run(&form);
    ui_form_free(&form);
    free(title);
    sam_user_free(&f.existing);
}
