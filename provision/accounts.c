/* Deleting accounts together with the share grants that name them (the rule
 * is described in accounts.h). */
#include "provision/accounts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/sam/sam.h"
#include "share-db/share_db.h"

static NTSTATUS append_name(char ***names, size_t *count, const char *name)
{
    char **grown = realloc(*names, (*count + 2) * sizeof *grown);
    if (!grown)
        return STATUS_NO_MEMORY;
    *names = grown;
    grown[*count] = strdup(name);
    grown[*count + 1] = NULL;
    if (!grown[*count])
        return STATUS_NO_MEMORY;
    (*count)++;
    return STATUS_SUCCESS;
}

NTSTATUS prov_shares_naming(struct registry *reg, const struct sid *sid, char ***shares,
                            size_t *count)
{
    struct share **list = NULL;
    size_t list_count = 0, n = 0;
    char **names = calloc(1, sizeof *names);
    NTSTATUS status = names ? share_db_list(reg, &list, &list_count) : STATUS_NO_MEMORY;

    for (size_t i = 0; NT_SUCCESS(status) && i < list_count; i++)
        if (share_sd_names_sid(list[i]->sd, list[i]->sd_len, sid))
            status = append_name(&names, &n, list[i]->name);
    share_list_free(list, list_count);
    if (!NT_SUCCESS(status)) {
        registry_strv_free(names);
        names = NULL;
        n = 0;
    }
    *shares = names;
    if (count)
        *count = n;
    return status;
}

/* "data, projects" */
static char *joined(char *const *names, size_t count)
{
    size_t len = 1;
    for (size_t i = 0; i < count; i++)
        len += strlen(names[i]) + 2;
    char *text = calloc(1, len);
    for (size_t i = 0; text && i < count; i++) {
        if (i)
            strcat(text, ", ");
        strcat(text, names[i]);
    }
    return text;
}

/* Removes sid's ACEs from each named share's descriptor. */
static NTSTATUS revoke(struct registry *reg, const struct audit_actor *actor,
                       const struct sid *sid, char *const *names, size_t count,
                       char **error_message)
{
    NTSTATUS status = STATUS_SUCCESS;
    for (size_t i = 0; NT_SUCCESS(status) && i < count; i++) {
        struct share *share = NULL;
        uint8_t *sd = NULL;
        size_t sd_len = 0;
        status = share_db_get(reg, names[i], &share);
        if (NT_SUCCESS(status))
            status = share_sd_without_sid(share->sd, share->sd_len, sid, &sd, &sd_len);
        if (NT_SUCCESS(status)) {
            free(share->sd);
            share->sd = sd;
            share->sd_len = sd_len;
            status = share_db_set(reg, share, actor, error_message);
        }
        share_free(share);
    }
    return status;
}

NTSTATUS prov_account_delete(struct registry *reg, const struct audit_actor *actor,
                             const struct sid *sid, bool force, char ***changed,
                             size_t *changed_count, char **error_message)
{
    char **names = NULL, *display = NULL;
    size_t count = 0;
    struct sam_user user;
    struct sam_group group;
    bool is_user = false;
    uint32_t rid = 0;
    NTSTATUS status;

    if (changed)
        *changed = NULL;
    if (changed_count)
        *changed_count = 0;
    if (error_message)
        *error_message = NULL;
    status = sam_user_by_sid(reg, sid, &user);
    if (NT_SUCCESS(status)) {
        is_user = true;
        rid = user.rid;
        display = strdup(user.name);
        sam_user_free(&user);
    } else if (status == STATUS_NO_SUCH_USER) {
        status = sam_group_by_sid(reg, sid, &group);
        if (NT_SUCCESS(status)) {
            /* Built-ins are never deleted: say so before looking at shares. */
            status = group.builtin ? STATUS_SPECIAL_ACCOUNT : STATUS_SUCCESS;
            display = strdup(group.name);
            sam_group_free(&group);
        } else if (status == STATUS_NO_SUCH_ALIAS) {
            status = STATUS_NO_SUCH_USER;
        }
    }
    if (NT_SUCCESS(status) && !display)
        status = STATUS_NO_MEMORY;
    if (!NT_SUCCESS(status))
        goto out;
    status = registry_begin(reg);
    if (!NT_SUCCESS(status))
        goto out;
    status = prov_shares_naming(reg, sid, &names, &count);
    if (NT_SUCCESS(status) && count > 0 && !force) {
        char *list = joined(names, count);
        if (error_message &&
            asprintf(error_message, "%s is named in the permissions of share%s %s", display,
                     count == 1 ? "" : "s", list ? list : "?") < 0)
            *error_message = NULL;
        free(list);
        status = STATUS_CANNOT_DELETE;
    }
    if (NT_SUCCESS(status) && count > 0)
        status = revoke(reg, actor, sid, names, count, error_message);
    if (NT_SUCCESS(status))
        status = is_user ? sam_user_delete(reg, actor, rid) : sam_group_delete(reg, actor, sid);
    if (NT_SUCCESS(status))
        status = registry_commit(reg);
    else
        registry_rollback(reg);
    if (NT_SUCCESS(status) && changed) {
        *changed = names;
        names = NULL;
        if (changed_count)
            *changed_count = count;
    }
out:
    registry_strv_free(names);
    free(display);
    return status;
}
