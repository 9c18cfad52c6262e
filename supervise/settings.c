/* The SMB server's settings, as start and status need them. */
#include <stdlib.h>
#include <string.h>

#include "registry/registry.h"
#include "supervise/supervise.h"

NTSTATUS supervise_smb_settings(struct registry *reg, struct supervise_smb *smb)
{
    char **drivers = NULL;
    memset(smb, 0, sizeof *smb);
    NTSTATUS status = registry_setting_get_string(reg, "srv.listen", &smb->listen);
    if (NT_SUCCESS(status))
        status = registry_setting_get_dword(reg, "srv.port", &smb->port);
    if (NT_SUCCESS(status))
        status = registry_setting_get_multi(reg, "lwiod.drivers", &drivers, NULL);
    for (size_t i = 0; NT_SUCCESS(status) && drivers[i]; i++)
        if (strcmp(drivers[i], "srv") == 0)
            smb->enabled = true;
    registry_strv_free(drivers);
    if (!NT_SUCCESS(status))
        supervise_smb_free(smb);
    return status;
}

void supervise_smb_free(struct supervise_smb *smb)
{
    free(smb->listen);
    memset(smb, 0, sizeof *smb);
}
