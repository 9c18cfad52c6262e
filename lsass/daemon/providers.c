/* The account providers lsassd asks, in the order lsass.providers lists
 * them (apply:restart): "local" (the SAM) and "ldap" (the directory,
 * lsass/ldap). The local provider is always present: without it in the list
 * it is still added first, since the SAM's built-in accounts (Guest,
 * anonymous) and the RPC servers depend on it. */
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lsass/daemon/lsassd.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/local/local_provider.h"
#include "registry/registry.h"

static NTSTATUS add_provider(struct lsassd *d, const char *name)
{
    for (size_t i = 0; i < d->provider_count; i++)
        if (strcmp(d->providers[i]->ops->name, name) == 0)
            return STATUS_SUCCESS; /* listed twice: once is enough */
    if (d->provider_count == LSASSD_MAX_PROVIDERS)
        return STATUS_INSUFFICIENT_RESOURCES;
    NTSTATUS status = strcmp(name, "ldap") == 0 ? lsa_ldap_provider_new(d->db_path, &d->providers[d->provider_count])
                                                : lsa_local_provider_new(d->db_path, &d->providers[d->provider_count]);
    if (NT_SUCCESS(status))
        d->provider_count++;
    return status;
}

NTSTATUS lsassd_add_providers(struct lsassd *d)
{
    char **names = NULL;
    size_t count = 0;
    NTSTATUS status = registry_setting_get_multi(d->reg, "lsass.providers", &names, &count);
    if (!NT_SUCCESS(status) || !names)
        return add_provider(d, "local");
    bool local_listed = false;
    for (size_t i = 0; i < count; i++)
        local_listed = local_listed || strcmp(names[i], "local") == 0;
    if (!local_listed)
        status = add_provider(d, "local");
    for (size_t i = 0; NT_SUCCESS(status) && i < count; i++) {
        if (strcmp(names[i], "local") && strcmp(names[i], "ldap")) {
            log_warning("lsass.providers: unknown provider %s ignored", names[i]);
            continue;
        }
        status = add_provider(d, names[i]);
        if (!NT_SUCCESS(status))
            fprintf(stderr, "lsassd: %s provider: %s\n", names[i], nt_status_name(status));
    }
    registry_strv_free(names);
    return status;
}

struct lsa_provider *lsassd_ldap_provider(struct lsassd *d)
{
    for (size_t i = 0; i < d->provider_count; i++)
        if (lsa_is_ldap_provider(d->providers[i]))
            return d->providers[i];
    return NULL;
}
