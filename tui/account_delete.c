/* Deleting a user or group from the console: the same library call as
 * lwadmin's user del and group del (provision/accounts.h), so the rule about
 * share grants that name the account lives in one place. The console asks a
 * second question where lwadmin wants --force. */
#include <stdlib.h>

#include "provision/accounts.h"
#include "tui/console.h"

void console_delete_account(const struct sid *sid, const char *name, const char *noun,
                            const char *title)
{
    char **changed = NULL, *message = NULL;
    size_t changed_count = 0;
    NTSTATUS status = console_begin();
    if (NT_SUCCESS(status))
        status = console_end(prov_account_delete(app.reg, &app.actor, sid, false, &changed,
                                                 &changed_count, &message));
    if (status == STATUS_CANNOT_DELETE) {
        char *question = console_printf("%s. Remove those grants and delete '%s'?",
                                        message ? message : "Share permissions name it", name);
        bool yes = ui_confirm(title, question ? question : "Remove the grants and delete?");
        free(question);
        free(message);
        message = NULL;
        if (!yes) {
            ui_status(UI_STATUS_INFO, "Nothing deleted.");
            return;
        }
        status = console_begin();
        if (NT_SUCCESS(status))
            status = console_end(prov_account_delete(app.reg, &app.actor, sid, true, &changed,
                                                     &changed_count, &message));
    }
    if (!NT_SUCCESS(status)) {
        /* Refused (a built-in group, a database error): on the record too. */
        registry_audit_refused(app.reg, &app.actor,
                               noun[0] == 'U' ? "user.del" : "group.del", name,
                               message && *message ? message : console_status_text(status));
        console_error(status, message, "Cannot delete '%s'", name);
    } else if (changed_count > 0) {
        char *list = NULL;
        for (size_t i = 0; i < changed_count; i++) {
            char *longer = console_printf("%s%s%s", list ? list : "", i ? ", " : "", changed[i]);
            free(list);
            list = longer;
            if (!list)
                break;
        }
        ui_status(UI_STATUS_OK, "%s '%s' deleted; its grants were removed from: %s.", noun, name,
                  list ? list : "some shares");
        free(list);
    } else {
        ui_status(UI_STATUS_OK, "%s '%s' deleted.", noun, name);
    }
    registry_strv_free(changed);
}
