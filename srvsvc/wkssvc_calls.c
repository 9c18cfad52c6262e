/* wkssvc ([MS-WKST] 3.2.4.1, 3.2.4.3): NetrWkstaGetInfo and
 * NetrWkstaUserEnum. On a file server the "logged-on users" are the users
 * with SMB sessions, each named once. */
#include <string.h>
#include <strings.h>

#include "srvsvc/srvsvc_private.h"

/* The distinct users of the live sessions, in session order. */
static NTSTATUS session_users(struct dcerpc_call *call, const char ***users, size_t *count)
{
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    *users = NULL;
    *count = 0;
    if (!be->session_enum)
        return STATUS_SUCCESS;
    struct srvsvc_session *s = NULL;
    size_t n = 0;
    NTSTATUS status = be->session_enum(be->ctx, dcerpc_call_arena(call), &s, &n);
    if (status != STATUS_SUCCESS)
        return status;
    const char **list = SRVSVC_NEW_ARRAY(call, n, const char *);
    if (!list)
        return STATUS_NO_MEMORY;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = !s[i].user;
        for (size_t j = 0; j < k && !seen; j++)
            seen = strcasecmp(list[j], s[i].user) == 0;
        if (!seen)
            list[k++] = s[i].user;
    }
    *users = list;
    *count = k;
    return STATUS_SUCCESS;
}

uint32_t wkssvc_NetrWkstaGetInfo(struct dcerpc_call *call, void *r)
{
    struct NetrWkstaGetInfo *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    memset(&c->WkstaInfo, 0, sizeof c->WkstaInfo);
    if (c->Level != 100 && c->Level != 101 && c->Level != 102) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (c->Level == 102 && !srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    struct srvsvc_server_info info;
    memset(&info, 0, sizeof info);
    NTSTATUS status = be->server_info_get ? be->server_info_get(be->ctx, dcerpc_call_arena(call), &info)
                                          : STATUS_NOT_SUPPORTED;
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    const char *domain = info.domain ? info.domain : "WORKGROUP";
    if (c->Level == 100) {
        struct WKSTA_INFO_100 *e = SRVSVC_NEW(call, struct WKSTA_INFO_100);
        if (!e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        e->wki100_platform_id = PLATFORM_ID_NT;
        e->wki100_computername = srvsvc_strdup(call, info.name);
        e->wki100_langroup = srvsvc_strdup(call, domain);
        e->wki100_ver_major = info.version_major;
        e->wki100_ver_minor = info.version_minor;
        c->WkstaInfo.WkstaInfo100 = e;
    } else if (c->Level == 101) {
        struct WKSTA_INFO_101 *e = SRVSVC_NEW(call, struct WKSTA_INFO_101);
        if (!e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        e->wki101_platform_id = PLATFORM_ID_NT;
        e->wki101_computername = srvsvc_strdup(call, info.name);
        e->wki101_langroup = srvsvc_strdup(call, domain);
        e->wki101_ver_major = info.version_major;
        e->wki101_ver_minor = info.version_minor;
        e->wki101_lanroot = srvsvc_strdup(call, "");
        c->WkstaInfo.WkstaInfo101 = e;
    } else {
        const char **users;
        size_t n;
        status = session_users(call, &users, &n);
        if (status != STATUS_SUCCESS) {
            c->Result = srvsvc_net_status(status);
            return 0;
        }
        struct WKSTA_INFO_102 *e = SRVSVC_NEW(call, struct WKSTA_INFO_102);
        if (!e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        e->wki102_platform_id = PLATFORM_ID_NT;
        e->wki102_computername = srvsvc_strdup(call, info.name);
        e->wki102_langroup = srvsvc_strdup(call, domain);
        e->wki102_ver_major = info.version_major;
        e->wki102_ver_minor = info.version_minor;
        e->wki102_lanroot = srvsvc_strdup(call, "");
        e->wki102_logged_on_users = (uint32_t)n;
        c->WkstaInfo.WkstaInfo102 = e;
    }
    c->Result = NERR_Success;
    return 0;
}

uint32_t wkssvc_NetrWkstaUserEnum(struct dcerpc_call *call, void *r)
{
    struct NetrWkstaUserEnum *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    uint32_t level = c->UserInfo.Level;
    c->TotalEntries = 0;
    memset(&c->UserInfo.WkstaUserInfo, 0, sizeof c->UserInfo.WkstaUserInfo);
    if (level != 0 && level != 1) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    const char **users;
    size_t n;
    NTSTATUS status = session_users(call, &users, &n);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    struct srvsvc_server_info info;
    memset(&info, 0, sizeof info);
    if (level == 1 && be->server_info_get)
        be->server_info_get(be->ctx, dcerpc_call_arena(call), &info);
    size_t *sizes = SRVSVC_NEW_ARRAY(call, n, size_t);
    if (!sizes)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (size_t i = 0; i < n; i++)
        sizes[i] = srvsvc_entry_size(level == 0 ? 4 : 16, &users[i], 1);
    struct srvsvc_page page;
    c->Result = srvsvc_paginate(n, sizes, c->PreferredMaximumLength, c->ResumeHandle, &c->TotalEntries, &page);
    if (level == 0) {
        struct WKSTA_USER_INFO_0_CONTAINER *ct = SRVSVC_NEW(call, struct WKSTA_USER_INFO_0_CONTAINER);
        struct WKSTA_USER_INFO_0 *e = SRVSVC_NEW_ARRAY(call, page.count, struct WKSTA_USER_INFO_0);
        if (!ct || !e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        for (size_t i = 0; i < page.count; i++)
            e[i].wkui0_username = srvsvc_strdup(call, users[page.first + i]);
        ct->EntriesRead = (uint32_t)page.count;
        ct->Buffer = page.count ? e : NULL;
        c->UserInfo.WkstaUserInfo.Level0 = ct;
        return 0;
    }
    struct WKSTA_USER_INFO_1_CONTAINER *ct = SRVSVC_NEW(call, struct WKSTA_USER_INFO_1_CONTAINER);
    struct WKSTA_USER_INFO_1 *e = SRVSVC_NEW_ARRAY(call, page.count, struct WKSTA_USER_INFO_1);
    if (!ct || !e)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (size_t i = 0; i < page.count; i++) {
        /* "DOMAIN\user" splits into its parts; a bare name is the server's. */
        const char *u = users[page.first + i];
        const char *slash = strchr(u, '\\');
        if (slash) {
            char *domain = ndr_arena_alloc(dcerpc_call_arena(call), (size_t)(slash - u) + 1);
            if (!domain)
                return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
            memcpy(domain, u, (size_t)(slash - u));
            e[i].wkui1_logon_domain = domain;
            e[i].wkui1_username = srvsvc_strdup(call, slash + 1);
        } else {
            e[i].wkui1_logon_domain = srvsvc_strdup(call, info.name ? info.name : "");
            e[i].wkui1_username = srvsvc_strdup(call, u);
        }
        e[i].wkui1_oth_domains = srvsvc_strdup(call, "");
        e[i].wkui1_logon_server = srvsvc_strdup(call, info.name ? info.name : "");
    }
    ct->EntriesRead = (uint32_t)page.count;
    ct->Buffer = page.count ? e : NULL;
    c->UserInfo.WkstaUserInfo.Level1 = ct;
    return 0;
}
