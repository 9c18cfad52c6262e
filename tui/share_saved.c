/* After a share is saved from the console: the same folder check as lwadmin's
 * share add and share set (provision/share_folder.h), shown on the status
 * line, since a grant the folder refuses shows up for users only as
 * ACCESS_DENIED on every write. */
#include <stdlib.h>

#include "provision/share_folder.h"
#include "tui/console.h"

void console_share_saved(const char *name, const char *done)
{
    struct share *share = NULL;
    char **warnings = NULL;
    size_t count = 0;
    if (NT_SUCCESS(share_db_get(app.reg, name, &share)))
        prov_share_folder_warnings(app.reg, share, &warnings, &count);
    if (count > 0)
        ui_status(UI_STATUS_INFO, "Share '%s' %s. Warning: %s", name, done, warnings[0]);
    else
        ui_status(UI_STATUS_OK, "Share '%s' %s.", name, done);
    registry_strv_free(warnings);
    share_free(share);
}
