/* Share grants against folder permissions (see share_folder.h). */
#include "provision/share_folder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/pvfs/pvfs_private.h"
#include "lib/access.h"
#include "lib/secdesc.h"
#include "lsass/ldap/ldap_provider.h"
#include "lsass/sam/sam.h"

static NTSTATUS append(char ***list, size_t *count, char *line)
{
    if (!line)
        return STATUS_NO_MEMORY;
    char **grown = realloc(*list, (*count + 2) * sizeof *grown);
    if (!grown) {
        free(line);
        return STATUS_NO_MEMORY;
    }
    grown[(*count)++] = line;
    grown[*count] = NULL;
    *list = grown;
    return STATUS_SUCCESS;
}

static char *printf_new(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *printf_new(const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    return text;
}

/* A token that stands for whoever a grant names: the principal as user (an
 * account) or as a group, with the groups every logged-on user has. */
static struct access_token *grant_token(const struct sid *principal)
{
    struct access_token *token = token_new(principal, &SID_EVERYONE);
    if (!token)
        return NULL;
    if (token_add_group(token, principal) != 0 || token_add_group(token, &SID_EVERYONE) != 0 ||
        token_add_group(token, &SID_AUTHENTICATED_USERS) != 0) {
        token_free(token);
        return NULL;
    }
    return token;
}

/* The folder's owner, mode and whether it has a stored descriptor, in words. */
static char *folder_words(int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return printf_new("%s", path);
    return printf_new("%s (owner uid %lu, mode %04o)", path, (unsigned long)st.st_uid,
                      (unsigned)(st.st_mode & 07777));
}

NTSTATUS prov_share_folder_warnings(struct registry *reg, const struct share *share,
                                    char ***warnings, size_t *count)
{
    char **list = calloc(1, sizeof *list);
    size_t n = 0;
    NTSTATUS status = list ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    struct security_descriptor sd;
    bool parsed = false;

    *warnings = NULL;
    if (count)
        *count = 0;
    if (!NT_SUCCESS(status))
        return status;
    if (share->type != STYPE_DISKTREE || (share->flags & SHARE_FLAG_READ_ONLY) || !share->sd ||
        !share->path || !*share->path) {
        *warnings = list;
        return STATUS_SUCCESS;
    }
    int fd = open(share->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        status = append(&list, &n,
                        printf_new("share %s: cannot read its folder %s: %s", share->name,
                                   share->path, strerror(errno)));
        goto out;
    }
    status = secdesc_parse(share->sd, share->sd_len, &sd);
    parsed = NT_SUCCESS(status);
    for (size_t i = 0; parsed && NT_SUCCESS(status) && sd.dacl && i < sd.dacl->count; i++) {
        const struct ace *ace = &sd.dacl->aces[i];
        if (!ace_is_allow(ace->type) || !(ace->mask & FILE_WRITE_DATA))
            continue;
        struct access_token *token = grant_token(&ace->sid);
        if (!token) {
            status = STATUS_NO_MEMORY;
            break;
        }
        NTSTATUS can = pvfs_access_check_parent(fd, token, false);
        token_free(token);
        if (can != STATUS_ACCESS_DENIED)
            continue;
        char *who = ldap_sam_principal_namer(reg, &ace->sid);
        char sid_text[SID_STRING_MAX];
        sid_format(&ace->sid, sid_text, sizeof sid_text);
        char *where = folder_words(fd, share->path);
        status = append(&list, &n,
                        printf_new("share %s: the grant to %s allows writing, but its folder "
                                   "%s does not let %s create files (every write is "
                                   "ACCESS_DENIED); 'lwadmin share fix-permissions %s' stores "
                                   "a folder descriptor that matches the grants",
                                   share->name, who ? who : sid_text, where ? where : share->path,
                                   who ? who : sid_text, share->name));
        free(who);
        free(where);
    }
    close(fd);
out:
    if (parsed)
        secdesc_free(&sd);
    if (!NT_SUCCESS(status)) {
        registry_strv_free(list);
        return status;
    }
    *warnings = list;
    if (count)
        *count = n;
    return STATUS_SUCCESS;
}

/* The folder descriptor for the share's grants (share_folder.h). */
static NTSTATUS folder_sd(const struct security_descriptor *share_sd,
                          struct security_descriptor *out)
{
    const uint8_t inherit = OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE;
    struct acl *dacl = acl_new();
    NTSTATUS status = dacl ? STATUS_SUCCESS : STATUS_NO_MEMORY;
    const struct acl *grants = share_sd->dacl;

    secdesc_init(out);
    secdesc_set_owner(out, &SID_BUILTIN_ADMINISTRATORS);
    secdesc_set_group(out, &SID_LOCAL_SYSTEM);
    /* Deny first (canonical order), as the share has them. */
    for (size_t i = 0; NT_SUCCESS(status) && grants && i < grants->count; i++)
        if (ace_is_deny(grants->aces[i].type))
            status = acl_add_simple(dacl, ACCESS_DENIED_ACE_TYPE, inherit, grants->aces[i].mask,
                                    &grants->aces[i].sid);
    if (NT_SUCCESS(status))
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, FILE_ALL_ACCESS,
                                &SID_LOCAL_SYSTEM);
    if (NT_SUCCESS(status))
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, FILE_ALL_ACCESS,
                                &SID_BUILTIN_ADMINISTRATORS);
    if (NT_SUCCESS(status))
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit | INHERIT_ONLY_ACE,
                                FILE_ALL_ACCESS, &SID_CREATOR_OWNER);
    /* The share masks are file rights already (read = read and execute,
     * change = modify, full = full control), as on Windows. */
    for (size_t i = 0; NT_SUCCESS(status) && grants && i < grants->count; i++) {
        const struct ace *ace = &grants->aces[i];
        if (!ace_is_allow(ace->type) || sid_equal(&ace->sid, &SID_LOCAL_SYSTEM) ||
            (sid_equal(&ace->sid, &SID_BUILTIN_ADMINISTRATORS) && ace->mask == FILE_ALL_ACCESS))
            continue;
        status = acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, inherit, ace->mask, &ace->sid);
    }
    if (NT_SUCCESS(status)) {
        secdesc_set_dacl(out, dacl);
        dacl = NULL;
    }
    acl_free(dacl);
    if (!NT_SUCCESS(status))
        secdesc_free(out);
    return status;
}

NTSTATUS prov_share_fix_permissions(struct registry *reg, const struct share *share,
                                    const struct audit_actor *actor, char **summary,
                                    char **error_message)
{
    struct security_descriptor parsed, built;
    uint8_t *bytes = NULL;
    size_t size = 0;
    char **grants = NULL, *list = NULL;
    NTSTATUS status;
    int fd = -1;

    if (summary)
        *summary = NULL;
    if (error_message)
        *error_message = NULL;
    if (share->type != STYPE_DISKTREE || !share->sd || !share->path || !*share->path) {
        if (error_message)
            *error_message = printf_new("share %s has no folder to fix", share->name);
        return STATUS_INVALID_PARAMETER;
    }
    status = secdesc_parse(share->sd, share->sd_len, &parsed);
    if (!NT_SUCCESS(status))
        return status;
    status = folder_sd(&parsed, &built);
    secdesc_free(&parsed);
    if (!NT_SUCCESS(status))
        return status;
    status = secdesc_to_bytes(&built, &bytes, &size);
    secdesc_free(&built);
    if (NT_SUCCESS(status)) {
        fd = open(share->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            status = nt_status_from_errno(errno);
            if (error_message)
                *error_message = printf_new("cannot open the folder %s of share %s: %s",
                                            share->path, share->name, strerror(errno));
        }
    }
    /* pvfs's own writer: the same xattr and format it reads on every open. */
    if (NT_SUCCESS(status)) {
        status = pvfs_security_write(fd, bytes, size);
        if (!NT_SUCCESS(status) && error_message)
            *error_message = printf_new("cannot store the descriptor on %s: %s", share->path,
                                        nt_status_name(status));
    }
    if (fd >= 0)
        close(fd);
    free(bytes);
    if (NT_SUCCESS(status) &&
        NT_SUCCESS(share_sd_to_grants(share->sd, share->sd_len, ldap_sam_principal_namer, reg,
                                      &grants, NULL))) {
        for (size_t i = 0; grants[i]; i++) {
            char *longer = printf_new("%s%s%s", list ? list : "", i ? ", " : "", grants[i]);
            free(list);
            list = longer;
            if (!list)
                break;
        }
        registry_strv_free(grants);
    }
    if (NT_SUCCESS(status)) {
        char *detail = printf_new("folder %s: SYSTEM:full, Administrators:full, %s", share->path,
                                  list ? list : "?");
        status = registry_audit(reg, actor, "share.fix-permissions", share->name, detail);
        free(detail);
    }
    if (NT_SUCCESS(status) && summary) {
        *summary = list;
        list = NULL;
    }
    free(list);
    return status;
}
