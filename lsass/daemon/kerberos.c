/* lsassd's Kerberos mechanism (see lsassd.h and lsass/krb5/krb5_mech.h). */
#include <stdio.h>

#include "lib/log.h"
#include "lsass/daemon/lsassd.h"
#include "lsass/krb5/krb5_mech.h"

/* Kerberos (kerberos.*, read once: apply:restart): a mechanism after the
 * account providers, offered first in SPNEGO. */
NTSTATUS lsassd_add_kerberos(struct lsassd *d)
{
    struct krb5_settings ks;
    krb5_settings_load(d->reg, d->db_path, &ks);
    if (!krb5_settings_active(&ks))
        return STATUS_SUCCESS;
    if (d->provider_count >= LSASSD_MAX_PROVIDERS) {
        fprintf(stderr, "lsassd: kerberos: no room among the providers\n");
        return STATUS_INSUFF_SERVER_RESOURCES;
    }
    NTSTATUS status = krb5_mech_new(&ks, &d->providers[d->provider_count]);
    if (!NT_SUCCESS(status)) {
        fprintf(stderr, "lsassd: kerberos: %s\n", nt_status_name(status));
        return status;
    }
    d->provider_count++;
    log_info("kerberos: realm %s, keytab %s", ks.realm[0] ? ks.realm : "(none)", ks.keytab);
    return STATUS_SUCCESS;
}
