/* The logon settings snapshot (lsass.*, srv.guest, srv.server-name). */
#include "lsass/auth/auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsass/idmap/idmap.h"
#include "registry/registry.h"

static void copy_string(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* NetBIOS names are at most 15 characters and upper case. */
static void netbios_name(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    for (; src[n] && src[n] != '.' && n < 15 && n + 1 < size; n++)
        dst[n] = (char)toupper((unsigned char)src[n]);
    dst[n] = 0;
}

void lsa_settings_default(struct lsa_settings *s)
{
    char host[256] = "";
    memset(s, 0, sizeof *s);
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        copy_string(host, sizeof host, "samewise");
    netbios_name(s->server_name, sizeof s->server_name, host);
    copy_string(s->dns_computer_name, sizeof s->dns_computer_name, host);
    const char *dot = strchr(host, '.');
    copy_string(s->dns_domain_name, sizeof s->dns_domain_name, dot ? dot + 1 : "");
    s->allow_anonymous = false;
    s->guest = false;
    /* The shipped schema's defaults (registry/settings.schema,
     * lsass/auth/settings.schema): Windows 11 / Server 2025's. */
    s->lockout_threshold = 10;
    s->lockout_duration = 10 * 60;
    s->lockout_reset = 10 * 60;
    s->failed_logon_delay_ms = 2000;
    s->max_delayed_logons = 16;
    s->allow_blank_passwords = false;
    s->max_pending_logons = 4096;
    s->max_pending_per_address = 32;
    s->max_pending_per_connection = 8;
    s->pending_logon_timeout = 20;
    s->max_password_age_days = 0;
    s->anonymous_uid = IDMAP_DEFAULT_FIRST + IDMAP_ANONYMOUS_OFFSET;
    s->anonymous_gid = IDMAP_DEFAULT_FIRST + IDMAP_ANONYMOUS_OFFSET;
}

/* Each getter leaves the default in place when the setting is unknown to this
 * build's schema: lsassd must start against a registry from another version. */
static void get_dword(struct registry *reg, const char *name, uint32_t *value)
{
    uint32_t v;
    if (NT_SUCCESS(registry_setting_get_dword(reg, name, &v)))
        *value = v;
}

static void get_minutes(struct registry *reg, const char *name, int64_t *seconds)
{
    uint32_t v;
    if (NT_SUCCESS(registry_setting_get_dword(reg, name, &v)))
        *seconds = (int64_t)v * 60;
}

static void get_bool(struct registry *reg, const char *name, bool *value)
{
    bool v;
    if (NT_SUCCESS(registry_setting_get_bool(reg, name, &v)))
        *value = v;
}

NTSTATUS lsa_settings_load(struct registry *reg, struct lsa_settings *s)
{
    char *text = NULL;
    lsa_settings_default(s);
    if (NT_SUCCESS(registry_setting_get_string(reg, "srv.server-name", &text)) && text[0])
        netbios_name(s->server_name, sizeof s->server_name, text);
    free(text);
    text = NULL;
    /* Anonymous's ids; before lwadmin init (no SAM) the range's first. */
    uid_t uid;
    gid_t gid;
    struct idmap_range range;
    if (NT_SUCCESS(idmap_sid_to_uid(reg, &SID_ANONYMOUS, &uid)) &&
        NT_SUCCESS(idmap_sid_to_gid(reg, &SID_ANONYMOUS, &gid))) {
        s->anonymous_uid = uid;
        s->anonymous_gid = gid;
    } else if (NT_SUCCESS(idmap_range_get(reg, &range))) {
        s->anonymous_uid = range.first + IDMAP_ANONYMOUS_OFFSET;
        s->anonymous_gid = range.first + IDMAP_ANONYMOUS_OFFSET;
    }
    get_bool(reg, "lsass.allow-anonymous", &s->allow_anonymous);
    get_bool(reg, "srv.guest", &s->guest);
    get_dword(reg, "lsass.lockout-threshold", &s->lockout_threshold);
    get_minutes(reg, "lsass.lockout-duration", &s->lockout_duration);
    get_minutes(reg, "lsass.lockout-reset", &s->lockout_reset);
    get_dword(reg, "lsass.failed-logon-delay", &s->failed_logon_delay_ms);
    get_dword(reg, "lsass.max-password-age", &s->max_password_age_days);
    get_dword(reg, "lsass.max-delayed-logons", &s->max_delayed_logons);
    get_bool(reg, "lsass.allow-blank-passwords", &s->allow_blank_passwords);
    get_dword(reg, "lsass.max-pending-logons", &s->max_pending_logons);
    get_dword(reg, "lsass.max-pending-logons-per-address", &s->max_pending_per_address);
    get_dword(reg, "lsass.max-pending-logons-per-connection", &s->max_pending_per_connection);
    get_dword(reg, "lsass.pending-logon-timeout", &s->pending_logon_timeout);
    return STATUS_SUCCESS;
}
