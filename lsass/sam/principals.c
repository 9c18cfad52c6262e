/* Principal names <-> SIDs, in the order Windows' LsaLookupNames searches:
 * well-known names, then the BUILTIN domain, then the machine's accounts. */
#include "lsass/sam/sam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/utf16.h"

struct well_known {
    const char *domain; /* "" for names Windows shows without a domain */
    const char *name;
    const struct sid *sid;
};

static const struct well_known well_known_names[] = {
    { "", "Everyone", &SID_EVERYONE },
    { "", "CREATOR OWNER", &SID_CREATOR_OWNER },
    { "", "CREATOR GROUP", &SID_CREATOR_GROUP },
    { "", "OWNER RIGHTS", &SID_OWNER_RIGHTS },
    { "NT AUTHORITY", "Authenticated Users", &SID_AUTHENTICATED_USERS },
    { "NT AUTHORITY", "NETWORK", &SID_NETWORK },
    { "NT AUTHORITY", "ANONYMOUS LOGON", &SID_ANONYMOUS },
    { "NT AUTHORITY", "SYSTEM", &SID_LOCAL_SYSTEM },
};
#define WELL_KNOWN_COUNT (sizeof well_known_names / sizeof *well_known_names)

enum domain_scope { SCOPE_ANY, SCOPE_NT_AUTHORITY, SCOPE_BUILTIN, SCOPE_MACHINE };

/* "." and the server's name name the machine domain: srv.server-name, or
 * when that is empty the host name's first label (as the server itself
 * chooses its name), in any case. */
static bool is_machine_name(struct registry *reg, const char *domain, size_t len)
{
    if (len == 1 && domain[0] == '.')
        return true;
    char host[256] = "";
    char *configured = NULL;
    if (NT_SUCCESS(registry_setting_get_string(reg, "srv.server-name", &configured)) &&
        configured && *configured)
        snprintf(host, sizeof host, "%s", configured);
    else if (gethostname(host, sizeof host) != 0)
        host[0] = '\0';
    free(configured);
    host[sizeof host - 1] = '\0';
    size_t host_len = strcspn(host, ".");
    return host_len > 0 && host_len == len && strncasecmp(host, domain, len) == 0;
}

static NTSTATUS lookup_well_known(const char *name, enum domain_scope scope, struct sid *sid)
{
    for (size_t i = 0; i < WELL_KNOWN_COUNT; i++) {
        const struct well_known *w = &well_known_names[i];
        if (scope == SCOPE_NT_AUTHORITY && strcmp(w->domain, "NT AUTHORITY") != 0)
            continue;
        if (utf8_casecmp(w->name, name) == 0) {
            *sid = *w->sid;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_NONE_MAPPED;
}

static void set_type(enum sam_principal_type *type, enum sam_principal_type value)
{
    if (type)
        *type = value;
}

NTSTATUS sam_principal_to_sid(struct registry *reg, const char *principal, struct sid *sid,
                              enum sam_principal_type *type)
{
    memset(sid, 0, sizeof *sid);
    if (!principal || !*principal)
        return STATUS_NONE_MAPPED;
    if ((principal[0] == 'S' || principal[0] == 's') && principal[1] == '-') {
        if (!NT_SUCCESS(sid_parse(principal, sid)))
            return STATUS_NONE_MAPPED;
        if (type) {
            char *name = NULL;
            if (!NT_SUCCESS(sam_sid_to_principal(reg, sid, &name, type)))
                *type = SAM_PRINCIPAL_UNKNOWN;
            free(name);
        }
        return STATUS_SUCCESS;
    }
    enum domain_scope scope = SCOPE_ANY;
    const char *name = principal;
    const char *slash = strchr(principal, '\\');
    if (slash) {
        size_t len = (size_t)(slash - principal);
        name = slash + 1;
        if (len == 7 && strncasecmp(principal, "BUILTIN", 7) == 0)
            scope = SCOPE_BUILTIN;
        else if (len == 12 && strncasecmp(principal, "NT AUTHORITY", 12) == 0)
            scope = SCOPE_NT_AUTHORITY;
        else if (is_machine_name(reg, principal, len))
            scope = SCOPE_MACHINE;
        else
            return STATUS_NONE_MAPPED;
    }
    if (scope == SCOPE_ANY || scope == SCOPE_NT_AUTHORITY) {
        if (NT_SUCCESS(lookup_well_known(name, scope, sid))) {
            set_type(type, SAM_PRINCIPAL_WELL_KNOWN);
            return STATUS_SUCCESS;
        }
        if (scope == SCOPE_NT_AUTHORITY)
            return STATUS_NONE_MAPPED;
    }
    struct sam_group group;
    NTSTATUS status = sam_group_by_name(reg, name, &group);
    if (NT_SUCCESS(status)) {
        bool wanted = scope == SCOPE_ANY || (scope == SCOPE_BUILTIN) == group.builtin;
        if (wanted) {
            *sid = group.sid;
            set_type(type, group.builtin ? SAM_PRINCIPAL_BUILTIN_GROUP : SAM_PRINCIPAL_GROUP);
        }
        sam_group_free(&group);
        return wanted ? STATUS_SUCCESS : STATUS_NONE_MAPPED;
    }
    if (status != STATUS_NO_SUCH_ALIAS)
        return status;
    if (scope == SCOPE_BUILTIN)
        return STATUS_NONE_MAPPED;
    struct sam_user user;
    status = sam_user_by_name(reg, name, &user);
    if (NT_SUCCESS(status)) {
        *sid = user.sid;
        set_type(type, SAM_PRINCIPAL_USER);
        sam_user_free(&user);
        return STATUS_SUCCESS;
    }
    return status == STATUS_NO_SUCH_USER ? STATUS_NONE_MAPPED : status;
}

NTSTATUS sam_sid_to_principal(struct registry *reg, const struct sid *sid, char **name,
                              enum sam_principal_type *type)
{
    *name = NULL;
    for (size_t i = 0; i < WELL_KNOWN_COUNT; i++) {
        if (sid_equal(well_known_names[i].sid, sid)) {
            *name = strdup(well_known_names[i].name);
            set_type(type, SAM_PRINCIPAL_WELL_KNOWN);
            return *name ? STATUS_SUCCESS : STATUS_NO_MEMORY;
        }
    }
    struct sam_group group;
    NTSTATUS status = sam_group_by_sid(reg, sid, &group);
    if (NT_SUCCESS(status)) {
        *name = group.name;
        group.name = NULL;
        set_type(type, group.builtin ? SAM_PRINCIPAL_BUILTIN_GROUP : SAM_PRINCIPAL_GROUP);
        sam_group_free(&group);
        return STATUS_SUCCESS;
    }
    if (status != STATUS_NO_SUCH_ALIAS)
        return status;
    struct sam_user user;
    status = sam_user_by_sid(reg, sid, &user);
    if (NT_SUCCESS(status)) {
        *name = user.name;
        user.name = NULL;
        set_type(type, SAM_PRINCIPAL_USER);
        sam_user_free(&user);
        return STATUS_SUCCESS;
    }
    return status == STATUS_NO_SUCH_USER ? STATUS_NONE_MAPPED : status;
}

char *sam_sid_display(struct registry *reg, const struct sid *sid)
{
    char *name = NULL;
    if (NT_SUCCESS(sam_sid_to_principal(reg, sid, &name, NULL)))
        return name;
    char text[SID_STRING_MAX];
    sid_format(sid, text, sizeof text);
    return strdup(text);
}

NTSTATUS sam_principal_resolver(void *registry, const char *name, struct sid *sid)
{
    return sam_principal_to_sid(registry, name, sid, NULL);
}

char *sam_principal_namer(void *registry, const struct sid *sid)
{
    char *name = NULL;
    if (NT_SUCCESS(sam_sid_to_principal(registry, sid, &name, NULL)))
        return name;
    return NULL;
}
