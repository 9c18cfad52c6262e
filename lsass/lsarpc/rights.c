/* Privileges and account rights ([MS-LSAD] 3.1.4.5, 3.1.4.8): the
 * privilege names and values, and the account objects of "User Rights
 * Assignment" kept in the SAM's rights tables (sam.h). Anyone who may view
 * the policy may read them; changing them needs an administrator's handle
 * (POLICY_CREATE_ACCOUNT on the policy, ACCOUNT_ADJUST_* on an account),
 * as Windows' default descriptors allow. Each change is one transaction,
 * audited with via=lsarpc and the caller. */
#include <stdlib.h>
#include <string.h>

#include "lsass/lsarpc/lsarpc_private.h"

/* A right's canonical name ("SeBackupPrivilege", "SeNetworkLogonRight"), or
 * NULL for a name Windows does not define. */
static const char *right_name(const char *name)
{
    const struct lsa_privilege *p = lsarpc_privilege_by_name(name);
    if (p)
        return p->name;
    uint32_t bit = lsarpc_logon_right_bit(name);
    return bit ? lsarpc_logon_right_name(bit) : NULL;
}

/* Locks the registry and makes the audit actor of the caller. */
struct change {
    struct lsarpc_state *state;
    struct lsa_rpc_actor who;
    const struct audit_actor *actor;
};

static void change_begin(struct dcerpc_call *call, struct change *c)
{
    c->state = lsarpc_state_of(call);
    pthread_mutex_lock(&c->state->ctx->reg_lock);
    c->actor = lsa_rpc_actor(c->state->ctx, dcerpc_call_token(call), "lsarpc", &c->who);
}

static void change_end(struct change *c)
{
    lsa_rpc_actor_done(&c->who);
    pthread_mutex_unlock(&c->state->ctx->reg_lock);
}

static struct registry *reg_of(struct dcerpc_call *call) { return lsarpc_state_of(call)->ctx->reg; }

/* A policy handle granting need: NULL and a fault or status otherwise. */
static struct lsa_object *policy(struct dcerpc_call *call, const struct policy_handle *h, uint32_t need,
                                 uint32_t *fault, uint32_t *status)
{
    struct lsa_object *o = lsarpc_object(call, h, LSA_HANDLE_POLICY, fault, status);
    if (o && (o->granted & need) != need) {
        *status = STATUS_ACCESS_DENIED;
        return NULL;
    }
    return o;
}

static struct lsa_object *account(struct dcerpc_call *call, const struct policy_handle *h, uint32_t need,
                                  uint32_t *fault, uint32_t *status)
{
    struct lsa_object *o = lsarpc_object(call, h, LSA_HANDLE_ACCOUNT, fault, status);
    if (o && (o->granted & need) != need) {
        *status = STATUS_ACCESS_DENIED;
        return NULL;
    }
    return o;
}

/* ---- Privilege names and values ---- */

LSARPC_HANDLER(EnumeratePrivileges)
{
    struct LsarEnumeratePrivileges *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->EnumerationBuffer, 0, sizeof c->EnumerationBuffer);
    if (!policy(call, &c->PolicyHandle, POLICY_VIEW_LOCAL_INFORMATION, &fault, &c->Result))
        return fault;
    size_t total = lsarpc_privilege_count();
    if (c->EnumerationContext >= total) {
        c->Result = STATUS_NO_MORE_ENTRIES;
        return 0;
    }
    /* At least one entry, then as many as the preferred length holds by an
     * estimate of each entry's wire size (name, LUID, headers). */
    size_t start = c->EnumerationContext, n = 0, bytes = 0;
    while (start + n < total && (n == 0 || bytes < c->PreferedMaximumLength)) {
        bytes += 24 + 2 * strlen(lsarpc_privilege_at(start + n)->name);
        n++;
    }
    struct LSAPR_POLICY_PRIVILEGE_DEF *defs = ndr_arena_array(dcerpc_call_arena(call), n, sizeof *defs);
    if (!defs) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const struct lsa_privilege *p = lsarpc_privilege_at(start + i);
        if (!lsarpc_ustring(call, p->name, &defs[i].Name)) {
            c->Result = STATUS_NO_MEMORY;
            return 0;
        }
        defs[i].LocalValue.LowPart = p->luid;
    }
    c->EnumerationBuffer.Entries = (uint32_t)n;
    c->EnumerationBuffer.Privileges = defs;
    c->EnumerationContext = (uint32_t)(start + n);
    return 0;
}

LSARPC_HANDLER(LookupPrivilegeValue)
{
    struct LsarLookupPrivilegeValue *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->Value, 0, sizeof c->Value);
    if (!policy(call, &c->PolicyHandle, POLICY_LOOKUP_NAMES, &fault, &c->Result))
        return fault;
    const struct lsa_privilege *p = lsarpc_privilege_by_name(lsarpc_text(call, &c->Name));
    if (!p) {
        c->Result = STATUS_NO_SUCH_PRIVILEGE;
        return 0;
    }
    c->Value.LowPart = p->luid;
    return 0;
}

LSARPC_HANDLER(LookupPrivilegeName)
{
    struct LsarLookupPrivilegeName *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    c->Name = NULL;
    if (!policy(call, &c->PolicyHandle, POLICY_LOOKUP_NAMES, &fault, &c->Result))
        return fault;
    const struct lsa_privilege *p = c->Value.HighPart ? NULL : lsarpc_privilege_by_luid(c->Value.LowPart);
    if (!p) {
        c->Result = STATUS_NO_SUCH_PRIVILEGE;
        return 0;
    }
    struct RPC_UNICODE_STRING *name = ndr_arena_alloc(dcerpc_call_arena(call), sizeof *name);
    if (!name || !lsarpc_ustring(call, p->name, name)) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    c->Name = name;
    return 0;
}

LSARPC_HANDLER(LookupPrivilegeDisplayName)
{
    struct LsarLookupPrivilegeDisplayName *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    c->DisplayName = NULL;
    c->LanguageReturned = 0;
    if (!policy(call, &c->PolicyHandle, POLICY_LOOKUP_NAMES, &fault, &c->Result))
        return fault;
    const struct lsa_privilege *p = lsarpc_privilege_by_name(lsarpc_text(call, &c->Name));
    if (!p) {
        c->Result = STATUS_NO_SUCH_PRIVILEGE;
        return 0;
    }
    struct RPC_UNICODE_STRING *name = ndr_arena_alloc(dcerpc_call_arena(call), sizeof *name);
    if (!name || !lsarpc_ustring(call, p->display, name)) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    c->DisplayName = name;
    c->LanguageReturned = 0x0409; /* the only language: English (United States) */
    return 0;
}

/* ---- Account lists ---- */

/* Fills an LSAPR_ACCOUNT_ENUM_BUFFER with sids[from, from + n). */
static bool fill_sids(struct dcerpc_call *call, const struct sid *sids, size_t from, size_t n,
                      struct RPC_SID_ARRAY *out)
{
    struct ndr_arena *arena = dcerpc_call_arena(call);
    out->Count = (uint32_t)n;
    out->Sids = ndr_arena_array(arena, n ? n : 1, sizeof *out->Sids);
    if (!out->Sids)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(out->Sids[i].Sid = ndr_sid_to_rpc(arena, &sids[from + i])))
            return false;
    return true;
}

LSARPC_HANDLER(EnumerateAccounts)
{
    struct LsarEnumerateAccounts *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->EnumerationBuffer, 0, sizeof c->EnumerationBuffer);
    if (!policy(call, &c->PolicyHandle, POLICY_VIEW_LOCAL_INFORMATION, &fault, &c->Result))
        return fault;
    struct lsarpc_state *state = lsarpc_state_of(call);
    struct sid *sids = NULL;
    size_t total = 0;
    pthread_mutex_lock(&state->ctx->reg_lock);
    c->Result = sam_account_list(state->ctx->reg, NULL, &sids, &total);
    pthread_mutex_unlock(&state->ctx->reg_lock);
    if (c->Result != STATUS_SUCCESS)
        return 0;
    if (c->EnumerationContext >= total) {
        c->Result = STATUS_NO_MORE_ENTRIES;
    } else {
        /* At least one; then what the preferred length holds at ~32
         * bytes a SID. */
        size_t n = total - c->EnumerationContext;
        size_t fit = c->PreferedMaximumLength / 32 ? c->PreferedMaximumLength / 32 : 1;
        if (n > fit)
            n = fit;
        if (!fill_sids(call, sids, c->EnumerationContext, n, &c->EnumerationBuffer))
            c->Result = STATUS_NO_MEMORY;
        else
            c->EnumerationContext += (uint32_t)n;
    }
    free(sids);
    return 0;
}

LSARPC_HANDLER(EnumerateAccountsWithUserRight)
{
    struct LsarEnumerateAccounts *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->EnumerationBuffer, 0, sizeof c->EnumerationBuffer);
    if (!policy(call, &c->PolicyHandle, POLICY_LOOKUP_NAMES | POLICY_VIEW_LOCAL_INFORMATION, &fault, &c->Result))
        return fault;
    const char *right = NULL;
    if (c->UserRight && !(right = right_name(lsarpc_text(call, c->UserRight)))) {
        c->Result = STATUS_NO_SUCH_PRIVILEGE;
        return 0;
    }
    struct lsarpc_state *state = lsarpc_state_of(call);
    struct sid *sids = NULL;
    size_t total = 0;
    pthread_mutex_lock(&state->ctx->reg_lock);
    c->Result = sam_account_list(state->ctx->reg, right, &sids, &total);
    pthread_mutex_unlock(&state->ctx->reg_lock);
    if (c->Result == STATUS_SUCCESS && total == 0)
        c->Result = STATUS_NO_MORE_ENTRIES; /* what Windows answers for a right nobody holds */
    else if (c->Result == STATUS_SUCCESS && !fill_sids(call, sids, 0, total, &c->EnumerationBuffer))
        c->Result = STATUS_NO_MEMORY;
    free(sids);
    return 0;
}

/* ---- Rights by SID (EnumerateAccountRights, Add, Remove) ---- */

static bool rights_to_set(struct dcerpc_call *call, char **rights, size_t count, struct LSAPR_USER_RIGHT_SET *out)
{
    out->EntriesRead = (uint32_t)count;
    out->UserRights = ndr_arena_array(dcerpc_call_arena(call), count ? count : 1, sizeof *out->UserRights);
    if (!out->UserRights)
        return false;
    for (size_t i = 0; i < count; i++)
        if (!lsarpc_ustring(call, rights[i], &out->UserRights[i]))
            return false;
    return true;
}

LSARPC_HANDLER(EnumerateAccountRights)
{
    struct LsarAccountRights *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->UserRights, 0, sizeof c->UserRights);
    if (!policy(call, &c->PolicyHandle, POLICY_VIEW_LOCAL_INFORMATION, &fault, &c->Result))
        return fault;
    struct sid sid;
    if (!ndr_sid_from_rpc(&c->AccountSid, &sid)) {
        c->Result = STATUS_INVALID_SID;
        return 0;
    }
    struct lsarpc_state *state = lsarpc_state_of(call);
    char **rights = NULL;
    size_t count = 0;
    pthread_mutex_lock(&state->ctx->reg_lock);
    c->Result = sam_account_rights(state->ctx->reg, &sid, &rights, &count);
    pthread_mutex_unlock(&state->ctx->reg_lock);
    if (c->Result == STATUS_SUCCESS && !rights_to_set(call, rights, count, &c->UserRights))
        c->Result = STATUS_NO_MEMORY;
    sam_strings_free(rights, count);
    return 0;
}

/* The canonical names of a right set (arena); STATUS_NO_SUCH_PRIVILEGE
 * for a name Windows does not define. */
static uint32_t names_of(struct dcerpc_call *call, const struct LSAPR_USER_RIGHT_SET *set, const char ***out)
{
    if (set->EntriesRead && !set->UserRights)
        return STATUS_INVALID_PARAMETER;
    const char **names = ndr_arena_array(dcerpc_call_arena(call), set->EntriesRead ? set->EntriesRead : 1,
                                         sizeof *names);
    if (!names)
        return STATUS_NO_MEMORY;
    for (uint32_t i = 0; i < set->EntriesRead; i++)
        if (!(names[i] = right_name(lsarpc_text(call, &set->UserRights[i]))))
            return STATUS_NO_SUCH_PRIVILEGE;
    *out = names;
    return STATUS_SUCCESS;
}

LSARPC_HANDLER(AddAccountRights)
{
    struct LsarAccountRights *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    /* Creating the account and adjusting it: an administrator's handle. */
    if (!policy(call, &c->PolicyHandle, POLICY_CREATE_ACCOUNT, &fault, &c->Result))
        return fault;
    struct sid sid;
    const char **names = NULL;
    if (!ndr_sid_from_rpc(&c->AccountSid, &sid)) {
        c->Result = STATUS_INVALID_SID;
        return 0;
    }
    if ((c->Result = names_of(call, &c->UserRights, &names)) != STATUS_SUCCESS)
        return 0;
    struct change ch;
    change_begin(call, &ch);
    c->Result = sam_account_grant(reg_of(call), ch.actor, &sid, names, c->UserRights.EntriesRead);
    change_end(&ch);
    return 0;
}

LSARPC_HANDLER(RemoveAccountRights)
{
    struct LsarAccountRights *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    if (!policy(call, &c->PolicyHandle, POLICY_CREATE_ACCOUNT, &fault, &c->Result))
        return fault;
    struct sid sid;
    const char **names = NULL;
    if (!ndr_sid_from_rpc(&c->AccountSid, &sid)) {
        c->Result = STATUS_INVALID_SID;
        return 0;
    }
    /* AllRights removes the account; then the list must be empty. */
    if (c->AllRights && c->UserRights.EntriesRead) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (!c->AllRights && (c->Result = names_of(call, &c->UserRights, &names)) != STATUS_SUCCESS)
        return 0;
    struct change ch;
    change_begin(call, &ch);
    if (c->AllRights)
        c->Result = sam_account_delete(reg_of(call), ch.actor, &sid);
    else
        c->Result = sam_account_revoke(reg_of(call), ch.actor, &sid, names, c->UserRights.EntriesRead);
    change_end(&ch);
    return 0;
}

/* ---- Account objects ---- */

static uint32_t open_account(struct dcerpc_call *call, struct LsarOpenAccount *c, bool create)
{
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    memset(&c->AccountHandle, 0, sizeof c->AccountHandle);
    if (!policy(call, &c->PolicyHandle, create ? POLICY_CREATE_ACCOUNT : 0, &fault, &c->Result))
        return fault;
    struct lsa_object *o = calloc(1, sizeof *o);
    if (!o) {
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    if (!ndr_sid_from_rpc(&c->AccountSid, &o->sid)) {
        free(o);
        c->Result = STATUS_INVALID_SID;
        return 0;
    }
    c->Result = lsarpc_access(call, c->DesiredAccess, true, &o->granted);
    if (c->Result == STATUS_SUCCESS) {
        struct change ch;
        change_begin(call, &ch);
        if (create) {
            c->Result = sam_account_add(reg_of(call), ch.actor, &o->sid);
        } else {
            char **rights = NULL;
            size_t count = 0;
            c->Result = sam_account_rights(reg_of(call), &o->sid, &rights, &count);
            sam_strings_free(rights, count);
        }
        change_end(&ch);
    }
    if (c->Result == STATUS_SUCCESS)
        c->Result = dcerpc_handle_create(call, LSA_HANDLE_ACCOUNT, o, free, &c->AccountHandle);
    if (c->Result != STATUS_SUCCESS)
        free(o);
    return 0;
}

LSARPC_HANDLER(CreateAccount) { return open_account(call, r, true); }
LSARPC_HANDLER(OpenAccount) { return open_account(call, r, false); }

/* The account's rights split: privileges, and logon rights as bits. */
static uint32_t account_rights(struct dcerpc_call *call, const struct sid *sid, char ***rights, size_t *count)
{
    struct lsarpc_state *state = lsarpc_state_of(call);
    pthread_mutex_lock(&state->ctx->reg_lock);
    uint32_t status = sam_account_rights(state->ctx->reg, sid, rights, count);
    pthread_mutex_unlock(&state->ctx->reg_lock);
    return status;
}

LSARPC_HANDLER(EnumeratePrivilegesAccount)
{
    struct LsarAccountPrivileges *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    c->Privileges = NULL;
    struct lsa_object *o = account(call, &c->AccountHandle, ACCOUNT_VIEW, &fault, &c->Result);
    if (!o)
        return fault;
    char **rights = NULL;
    size_t count = 0;
    if ((c->Result = account_rights(call, &o->sid, &rights, &count)) != STATUS_SUCCESS)
        return 0;
    struct ndr_arena *arena = dcerpc_call_arena(call);
    struct LSAPR_PRIVILEGE_SET *set = ndr_arena_alloc(arena, sizeof *set);
    if (set)
        set->Privilege = ndr_arena_array(arena, count ? count : 1, sizeof *set->Privilege);
    if (!set || !set->Privilege) {
        sam_strings_free(rights, count);
        c->Result = STATUS_NO_MEMORY;
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        const struct lsa_privilege *p = lsarpc_privilege_by_name(rights[i]);
        if (p)
            set->Privilege[set->PrivilegeCount++].Luid.LowPart = p->luid;
    }
    sam_strings_free(rights, count);
    c->Privileges = set;
    return 0;
}

/* The names of a privilege set's LUIDs (arena); STATUS_NO_SUCH_PRIVILEGE. */
static uint32_t privilege_names(struct dcerpc_call *call, const struct LSAPR_PRIVILEGE_SET *set, const char ***out)
{
    const char **names = ndr_arena_array(dcerpc_call_arena(call), set->PrivilegeCount ? set->PrivilegeCount : 1,
                                         sizeof *names);
    if (!names)
        return STATUS_NO_MEMORY;
    for (uint32_t i = 0; i < set->PrivilegeCount; i++) {
        const struct lsa_privilege *p =
            set->Privilege[i].Luid.HighPart ? NULL : lsarpc_privilege_by_luid(set->Privilege[i].Luid.LowPart);
        if (!p)
            return STATUS_NO_SUCH_PRIVILEGE;
        names[i] = p->name;
    }
    *out = names;
    return STATUS_SUCCESS;
}

LSARPC_HANDLER(AddPrivilegesToAccount)
{
    struct LsarAccountPrivileges *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    struct lsa_object *o = account(call, &c->AccountHandle, ACCOUNT_ADJUST_PRIVILEGES, &fault, &c->Result);
    if (!o)
        return fault;
    const char **names = NULL;
    if (!c->Privileges || (c->Result = privilege_names(call, c->Privileges, &names)) != STATUS_SUCCESS) {
        if (!c->Privileges)
            c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    struct change ch;
    change_begin(call, &ch);
    c->Result = sam_account_grant(reg_of(call), ch.actor, &o->sid, names, c->Privileges->PrivilegeCount);
    change_end(&ch);
    return 0;
}

LSARPC_HANDLER(RemovePrivilegesFromAccount)
{
    struct LsarAccountPrivileges *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    struct lsa_object *o = account(call, &c->AccountHandle, ACCOUNT_ADJUST_PRIVILEGES, &fault, &c->Result);
    if (!o)
        return fault;
    /* Either all privileges, or a list: not both, not neither. */
    if ((c->AllPrivileges != 0) == (c->Privileges != NULL)) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    const char **names = NULL;
    size_t count = 0;
    char **held = NULL;
    size_t held_count = 0;
    if (c->Privileges) {
        if ((c->Result = privilege_names(call, c->Privileges, &names)) != STATUS_SUCCESS)
            return 0;
        count = c->Privileges->PrivilegeCount;
    } else {
        /* Every privilege the account holds (its logon rights stay). */
        if ((c->Result = account_rights(call, &o->sid, &held, &held_count)) != STATUS_SUCCESS)
            return 0;
        names = ndr_arena_array(dcerpc_call_arena(call), held_count ? held_count : 1, sizeof *names);
        for (size_t i = 0; names && i < held_count; i++)
            if (lsarpc_privilege_by_name(held[i]))
                names[count++] = ndr_arena_strdup(dcerpc_call_arena(call), held[i]);
        sam_strings_free(held, held_count);
        if (!names) {
            c->Result = STATUS_NO_MEMORY;
            return 0;
        }
    }
    struct change ch;
    change_begin(call, &ch);
    c->Result = sam_account_revoke(reg_of(call), ch.actor, &o->sid, names, count);
    change_end(&ch);
    return 0;
}

LSARPC_HANDLER(GetSystemAccessAccount)
{
    struct LsarSystemAccessAccount *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    c->SystemAccess = 0;
    struct lsa_object *o = account(call, &c->AccountHandle, ACCOUNT_VIEW, &fault, &c->Result);
    if (!o)
        return fault;
    char **rights = NULL;
    size_t count = 0;
    if ((c->Result = account_rights(call, &o->sid, &rights, &count)) != STATUS_SUCCESS)
        return 0;
    for (size_t i = 0; i < count; i++)
        c->SystemAccess |= lsarpc_logon_right_bit(rights[i]);
    sam_strings_free(rights, count);
    return 0;
}

LSARPC_HANDLER(SetSystemAccessAccount)
{
    struct LsarSystemAccessAccount *c = r;
    uint32_t fault = 0;
    c->Result = STATUS_SUCCESS;
    struct lsa_object *o = account(call, &c->AccountHandle, ACCOUNT_ADJUST_SYSTEM_ACCESS, &fault, &c->Result);
    if (!o)
        return fault;
    /* The logon rights become exactly the bits given. */
    const char *grant[16], *revoke[16];
    size_t ng = 0, nr = 0;
    uint32_t known = 0;
    for (uint32_t bit = 1; bit && bit <= 0x800; bit <<= 1) {
        const char *name = lsarpc_logon_right_name(bit);
        if (!name)
            continue;
        known |= bit;
        if (c->SystemAccess & bit)
            grant[ng++] = name;
        else
            revoke[nr++] = name;
    }
    if (c->SystemAccess & ~known) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    struct change ch;
    change_begin(call, &ch);
    struct registry *reg = reg_of(call);
    c->Result = registry_begin(reg);
    if (c->Result == STATUS_SUCCESS) {
        c->Result = sam_account_revoke(reg, ch.actor, &o->sid, revoke, nr);
        if (c->Result == STATUS_SUCCESS && ng)
            c->Result = sam_account_grant(reg, ch.actor, &o->sid, grant, ng);
        if (c->Result == STATUS_SUCCESS)
            c->Result = registry_commit(reg);
        else
            registry_rollback(reg);
    }
    change_end(&ch);
    return 0;
}

/* LsarDeleteObject: an account handle with DELETE removes the account and
 * is closed; the policy cannot be deleted. */
LSARPC_HANDLER(DeleteObject)
{
    struct LsarClose *c = r;
    uint32_t kind = 0;
    struct lsa_object *o = dcerpc_handle_find(call, &c->ObjectHandle, &kind);
    if (!o)
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    if (kind != LSA_HANDLE_ACCOUNT) {
        c->Result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (!(o->granted & LSA_DELETE)) {
        c->Result = STATUS_ACCESS_DENIED;
        return 0;
    }
    struct change ch;
    change_begin(call, &ch);
    c->Result = sam_account_delete(reg_of(call), ch.actor, &o->sid);
    change_end(&ch);
    if (c->Result == STATUS_SUCCESS) {
        dcerpc_handle_close(call, &c->ObjectHandle);
        memset(&c->ObjectHandle, 0, sizeof c->ObjectHandle);
    }
    return 0;
}
