/* Share-level security descriptors from and to the grants administrators write
 * ("alice:change", "Everyone:read"), with the access masks of Windows' share
 * permission dialog. The binary form is lib/secdesc's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/secdesc.h"
#include "share-db/internal.h"

static const struct {
    const char *name;
    uint32_t mask;
} levels[] = {
    { "read", SHARE_ACCESS_READ },
    { "change", SHARE_ACCESS_CHANGE },
    { "full", SHARE_ACCESS_FULL },
};

/* Built-in principals; the prefixed spellings are what Windows shows. */
static const struct {
    const char *name;
    const char *prefixed;
    const struct sid *sid;
} builtins[] = {
    { "Everyone", "\\Everyone", &SID_EVERYONE },
    { "Administrators", "BUILTIN\\Administrators", &SID_BUILTIN_ADMINISTRATORS },
    { "Users", "BUILTIN\\Users", &SID_BUILTIN_USERS },
    { "Guests", "BUILTIN\\Guests", &SID_BUILTIN_GUESTS },
    { "Authenticated Users", "NT AUTHORITY\\Authenticated Users", &SID_AUTHENTICATED_USERS },
};

static NTSTATUS resolve_principal(const char *name, share_principal_resolver resolve,
                                  void *context, struct sid *sid)
{
    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
        if (strcasecmp(name, builtins[i].name) == 0 || strcasecmp(name, builtins[i].prefixed) == 0) {
            *sid = *builtins[i].sid;
            return STATUS_SUCCESS;
        }
    }
    if ((name[0] == 'S' || name[0] == 's') && name[1] == '-')
        return sid_parse(name, sid);
    if (!resolve)
        return STATUS_NONE_MAPPED;
    return resolve(context, name, sid);
}

NTSTATUS share_sd_from_grants(const char *const *grants, size_t count,
                              share_principal_resolver resolve, void *resolve_context,
                              uint8_t **sd, size_t *sd_len, char **error_message)
{
    static const char *const defaults[] = { "Administrators:full", "Everyone:read" };
    struct secdesc_entry *entries = NULL;
    struct security_descriptor built;
    size_t n = 0;
    char *principal = NULL;
    NTSTATUS status = STATUS_SUCCESS;

    *sd = NULL;
    *sd_len = 0;
    if (error_message)
        *error_message = NULL;
    secdesc_init(&built);
    if (count == 0) {
        grants = defaults;
        count = sizeof(defaults) / sizeof(defaults[0]);
        resolve = NULL;
    }
    if (count > ACL_MAX_ACES) {
        share_error(error_message, "too many grants (%zu)", count);
        return STATUS_INVALID_PARAMETER;
    }
    entries = calloc(count, sizeof(*entries));
    if (!entries)
        return STATUS_NO_MEMORY;
    for (size_t i = 0; i < count; i++) {
        const char *grant = grants[i] ? grants[i] : "";
        const char *colon = strrchr(grant, ':');
        uint32_t mask = 0;
        struct sid sid;
        size_t j;

        if (!colon || colon == grant) {
            share_error(error_message, "grant '%s' is not PRINCIPAL:read|change|full", grant);
            status = STATUS_INVALID_PARAMETER;
            goto out;
        }
        for (j = 0; j < sizeof(levels) / sizeof(levels[0]); j++)
            if (strcasecmp(colon + 1, levels[j].name) == 0)
                mask = levels[j].mask;
        if (!mask) {
            share_error(error_message, "grant '%s': the level must be read, change or full",
                        grant);
            status = STATUS_INVALID_PARAMETER;
            goto out;
        }
        free(principal);
        principal = strndup(grant, (size_t)(colon - grant));
        if (!principal) {
            status = STATUS_NO_MEMORY;
            goto out;
        }
        status = resolve_principal(principal, resolve, resolve_context, &sid);
        if (!NT_SUCCESS(status)) {
            share_error(error_message, "grant '%s': unknown principal '%s'", grant, principal);
            if (status != STATUS_NO_MEMORY)
                status = STATUS_NONE_MAPPED;
            goto out;
        }
        /* Several grants to one principal add up, as ticking more boxes does. */
        for (j = 0; j < n && !sid_equal(&entries[j].sid, &sid); j++)
            ;
        if (j == n) {
            entries[n].sid = sid;
            n++;
        }
        entries[j].mask |= mask;
    }
    status = secdesc_build_simple(&built, &SID_BUILTIN_ADMINISTRATORS, &SID_LOCAL_SYSTEM, entries, n);
    if (NT_SUCCESS(status))
        status = secdesc_to_bytes(&built, sd, sd_len);
    if (!NT_SUCCESS(status))
        share_error(error_message, "cannot build the security descriptor: %s",
                    nt_status_name(status));
out:
    secdesc_free(&built);
    free(entries);
    free(principal);
    return status;
}

NTSTATUS share_sd_default(uint8_t **sd, size_t *sd_len)
{
    return share_sd_from_grants(NULL, 0, NULL, NULL, sd, sd_len, NULL);
}

NTSTATUS share_sd_check(const uint8_t *sd, size_t sd_len)
{
    struct security_descriptor parsed;
    NTSTATUS status = secdesc_parse(sd, sd_len, &parsed);

    secdesc_free(&parsed);
    return status;
}

static char *principal_name(const struct sid *sid, share_sid_namer namer, void *context)
{
    char text[SID_STRING_MAX];
    char *name;

    for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
        if (sid_equal(sid, builtins[i].sid))
            return strdup(builtins[i].name);
    if (namer && (name = namer(context, sid)) != NULL)
        return name;
    sid_format(sid, text, sizeof(text));
    return strdup(text);
}

NTSTATUS share_sd_to_grants(const uint8_t *sd, size_t sd_len, share_sid_namer namer,
                            void *namer_context, char ***grants, size_t *count)
{
    struct security_descriptor parsed;
    char **list = NULL, *name = NULL;
    size_t n = 0;
    NTSTATUS status;

    *grants = NULL;
    if (count)
        *count = 0;
    status = secdesc_parse(sd, sd_len, &parsed);
    if (!NT_SUCCESS(status))
        return status;
    n = parsed.dacl ? parsed.dacl->count : 0;
    list = calloc(n + 1, sizeof(*list));
    if (!list) {
        status = STATUS_NO_MEMORY;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ace *ace = &parsed.dacl->aces[i];
        const char *level = NULL;
        int rc;

        for (size_t j = 0; j < sizeof(levels) / sizeof(levels[0]); j++)
            if (ace->mask == levels[j].mask)
                level = levels[j].name;
        name = principal_name(&ace->sid, namer, namer_context);
        if (!name) {
            status = STATUS_NO_MEMORY;
            goto out;
        }
        if (ace_is_deny(ace->type))
            rc = asprintf(&list[i], "%s:deny:0x%08x", name, (unsigned)ace->mask);
        else if (level)
            rc = asprintf(&list[i], "%s:%s", name, level);
        else
            rc = asprintf(&list[i], "%s:0x%08x", name, (unsigned)ace->mask);
        free(name);
        name = NULL;
        if (rc < 0) {
            list[i] = NULL;
            status = STATUS_NO_MEMORY;
            goto out;
        }
    }
    *grants = list;
    list = NULL;
    if (count)
        *count = n;
out:
    registry_strv_free(list);
    secdesc_free(&parsed);
    return status;
}

bool share_sd_names_sid(const uint8_t *sd, size_t sd_len, const struct sid *sid)
{
    struct security_descriptor parsed;
    bool named = false;

    if (!sd || !NT_SUCCESS(secdesc_parse(sd, sd_len, &parsed)))
        return false;
    for (size_t i = 0; parsed.dacl && i < parsed.dacl->count; i++)
        named |= sid_equal(&parsed.dacl->aces[i].sid, sid);
    secdesc_free(&parsed);
    return named;
}

NTSTATUS share_sd_without_sid(const uint8_t *sd, size_t sd_len, const struct sid *sid,
                              uint8_t **out, size_t *out_len)
{
    struct security_descriptor parsed;
    struct acl *kept = NULL;
    NTSTATUS status;

    *out = NULL;
    *out_len = 0;
    status = secdesc_parse(sd, sd_len, &parsed);
    if (!NT_SUCCESS(status))
        return status;
    if (parsed.dacl) {
        kept = acl_new();
        if (!kept)
            status = STATUS_NO_MEMORY;
        if (kept)
            kept->revision = parsed.dacl->revision;
        for (size_t i = 0; kept && NT_SUCCESS(status) && i < parsed.dacl->count; i++)
            if (!sid_equal(&parsed.dacl->aces[i].sid, sid))
                status = acl_add(kept, &parsed.dacl->aces[i]);
        if (NT_SUCCESS(status)) {
            secdesc_set_dacl(&parsed, kept); /* takes kept, frees the old DACL */
            kept = NULL;
        }
    }
    if (NT_SUCCESS(status))
        status = secdesc_to_bytes(&parsed, out, out_len);
    acl_free(kept);
    secdesc_free(&parsed);
    return status;
}
