/* lsarpc's shared helpers: access, handles, the machine's names, strings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/auth/auth.h"
#include "lsass/lsarpc/lsarpc_private.h"

struct lsarpc_state *lsarpc_state_of(struct dcerpc_call *call) { return dcerpc_call_iface_ctx(call); }

const struct access_token *lsarpc_caller(struct dcerpc_call *call)
{
    const struct access_token *t = dcerpc_call_token(call);
    return t && !t->is_anonymous ? t : NULL;
}

/* Generic rights mapped to object rights ([MS-LSAD] 2.2.1.1.2 and 2.2.1.1.3). */
static uint32_t map_generic(uint32_t desired, bool account)
{
    uint32_t out = desired & ~(LSA_GENERIC_ALL | LSA_GENERIC_EXECUTE | LSA_GENERIC_WRITE | LSA_GENERIC_READ);
    if (!account) {
        if (desired & LSA_GENERIC_READ)
            out |= LSA_READ_CONTROL | POLICY_VIEW_AUDIT_INFORMATION | POLICY_GET_PRIVATE_INFORMATION;
        if (desired & LSA_GENERIC_WRITE)
            out |= LSA_READ_CONTROL | POLICY_TRUST_ADMIN | POLICY_CREATE_ACCOUNT | POLICY_CREATE_SECRET |
                   POLICY_CREATE_PRIVILEGE | POLICY_SET_DEFAULT_QUOTA_LIMITS | POLICY_SET_AUDIT_REQUIREMENTS |
                   POLICY_AUDIT_LOG_ADMIN | POLICY_SERVER_ADMIN;
        if (desired & LSA_GENERIC_EXECUTE)
            out |= LSA_READ_CONTROL | POLICY_VIEW_LOCAL_INFORMATION | POLICY_LOOKUP_NAMES;
        if (desired & LSA_GENERIC_ALL)
            out |= 0x000F0FFFu;
    } else {
        if (desired & LSA_GENERIC_READ)
            out |= LSA_READ_CONTROL | ACCOUNT_VIEW;
        if (desired & LSA_GENERIC_WRITE)
            out |= LSA_READ_CONTROL | ACCOUNT_ADJUST_PRIVILEGES | ACCOUNT_ADJUST_QUOTAS |
                   ACCOUNT_ADJUST_SYSTEM_ACCESS;
        if (desired & LSA_GENERIC_EXECUTE)
            out |= LSA_READ_CONTROL;
        if (desired & LSA_GENERIC_ALL)
            out |= 0x000F000Fu;
    }
    return out;
}

NTSTATUS lsarpc_access(struct dcerpc_call *call, uint32_t desired, bool account, uint32_t *granted)
{
    const struct access_token *t = dcerpc_call_token(call);
    uint32_t allowed;
    /* Windows' default descriptors: the policy object grants Administrators
     * everything, Everyone POLICY_EXECUTE (view local information, look up
     * names, read control) and anonymous look-ups alone; an account object
     * grants Administrators everything and Everyone its view. */
    if (token_is_administrator(t))
        allowed = account ? 0x000F000Fu : 0x000F0FFFu;
    else if (!t || t->is_anonymous)
        allowed = account ? 0 : POLICY_LOOKUP_NAMES;
    else
        allowed = account ? (ACCOUNT_VIEW | LSA_READ_CONTROL)
                          : (POLICY_VIEW_LOCAL_INFORMATION | POLICY_LOOKUP_NAMES | LSA_READ_CONTROL);
    uint32_t want = map_generic(desired, account);
    *granted = 0;
    if (want & LSA_MAXIMUM_ALLOWED) { /* whatever the descriptor allows */
        *granted = allowed;
        return STATUS_SUCCESS;
    }
    if (want & ~allowed)
        return STATUS_ACCESS_DENIED;
    *granted = want;
    return STATUS_SUCCESS;
}

struct lsa_object *lsarpc_object(struct dcerpc_call *call, const struct policy_handle *h, uint32_t kind,
                                 uint32_t *fault, uint32_t *status)
{
    uint32_t found_kind = 0;
    struct lsa_object *o = dcerpc_handle_find(call, h, &found_kind);
    if (!o) {
        *fault = DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
        return NULL;
    }
    if (found_kind != kind) {
        *status = STATUS_INVALID_HANDLE;
        return NULL;
    }
    return o;
}

void lsarpc_names_load(struct lsarpc_state *state, struct lsarpc_names *names)
{
    memset(names, 0, sizeof *names);
    struct lsa_settings settings;
    lsa_settings_load(state->ctx->reg, &settings);
    snprintf(names->account_domain, sizeof names->account_domain, "%s", settings.server_name);
    snprintf(names->dns_host, sizeof names->dns_host, "%s", settings.dns_computer_name);
    char *workgroup = NULL;
    if (registry_setting_get_string(state->ctx->reg, "srvsvc.workgroup", &workgroup) == STATUS_SUCCESS && workgroup)
        snprintf(names->workgroup, sizeof names->workgroup, "%s", workgroup);
    else
        snprintf(names->workgroup, sizeof names->workgroup, "WORKGROUP");
    free(workgroup);
    names->have_sid = sam_domain_sid(state->ctx->reg, &names->domain_sid) == STATUS_SUCCESS;
}

bool lsarpc_ustring(struct dcerpc_call *call, const char *text, struct RPC_UNICODE_STRING *out)
{
    return ndr_unicode_string_from_utf8(dcerpc_call_arena(call), text, out) == STATUS_SUCCESS;
}

char *lsarpc_text(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *in)
{
    return ndr_unicode_string_to_utf8(dcerpc_call_arena(call), in);
}

static void unregister(void *state) { free(state); }

NTSTATUS lsarpc_interface_register(struct dcerpc_server *server, struct lsa_rpc_context *ctx,
                                   lsa_rpc_unregister_fn *unregister_fn, void **state_out)
{
    struct lsarpc_state *state = calloc(1, sizeof *state);
    if (!state)
        return STATUS_NO_MEMORY;
    state->ctx = ctx;
    NTSTATUS status = dcerpc_server_register(server, &lsarpc_interface, state);
    if (status == STATUS_SUCCESS)
        status = dcerpc_server_register(server, &dssetup_interface, state);
    /* The server keeps the pointer even on failure: free at shutdown. */
    *unregister_fn = unregister;
    *state_out = state;
    return status;
}
