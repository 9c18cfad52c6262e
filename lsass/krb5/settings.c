/* kerberos.* settings (see krb5_mech.h). */
#include "lsass/krb5/krb5_mech.h"

#include <limits.h>
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "registry/registry.h"

static void load_string(struct registry *reg, const char *name, char *out, size_t size)
{
    char *value = NULL;
    if (NT_SUCCESS(registry_setting_get_string(reg, name, &value)) && value)
        snprintf(out, size, "%s", value);
    free(value);
}

/* The registry's directory + krb5.keytab. */
static void default_keytab(const char *db_path, char *out, size_t size)
{
    const char *slash = db_path ? strrchr(db_path, '/') : NULL;
    if (!slash)
        snprintf(out, size, "krb5.keytab");
    else
        snprintf(out, size, "%.*s/krb5.keytab", (int)(slash - db_path), db_path);
}

static void default_realm(char *out, size_t size)
{
    krb5_context kc;
    char *realm = NULL;
    if (krb5_init_context(&kc) != 0)
        return;
    if (krb5_get_default_realm(kc, &realm) == 0 && realm)
        snprintf(out, size, "%s", realm);
    krb5_free_default_realm(kc, realm);
    krb5_free_context(kc);
}

NTSTATUS krb5_settings_load(struct registry *reg, const char *db_path, struct krb5_settings *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->mode, sizeof s->mode, "auto");
    if (reg) {
        load_string(reg, "kerberos.enabled", s->mode, sizeof s->mode);
        load_string(reg, "kerberos.realm", s->realm, sizeof s->realm);
        load_string(reg, "kerberos.keytab", s->keytab, sizeof s->keytab);
        char **items = NULL;
        size_t count = 0;
        if (NT_SUCCESS(registry_setting_get_multi(reg, "kerberos.principals", &items, &count)) && items)
            for (size_t i = 0; i < count && s->principal_count < KRB5_MAX_PRINCIPALS; i++)
                if (items[i][0])
                    snprintf(s->principals[s->principal_count++], sizeof s->principals[0], "%s", items[i]);
        registry_strv_free(items);
    }
    if (!s->realm[0])
        default_realm(s->realm, sizeof s->realm);
    if (!s->keytab[0])
        default_keytab(db_path, s->keytab, sizeof s->keytab);
    if (s->principal_count == 0) {
        char host[HOST_NAME_MAX + 1] = ""; /* so "cifs/" + host fits a principal */
        if (gethostname(host, sizeof host - 1) != 0 || !host[0])
            snprintf(host, sizeof host, "localhost");
        snprintf(s->principals[0], sizeof s->principals[0], "cifs/%s", host);
        snprintf(s->principals[1], sizeof s->principals[1], "host/%s", host);
        s->principal_count = 2;
    }
    return STATUS_SUCCESS;
}

bool krb5_settings_active(const struct krb5_settings *s)
{
    if (strcmp(s->mode, "off") == 0)
        return false;
    if (strcmp(s->mode, "on") == 0)
        return true;
    struct stat st;
    return stat(s->keytab, &st) == 0;
}
