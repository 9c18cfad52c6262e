/* Sessions and tree connects ([MS-SRVS] 3.1.4.1, 3.1.4.5, 3.1.4.6):
 * NetrSessionEnum, NetrSessionDel, NetrConnectionEnum. The live state comes
 * from the back end (srv); this file filters, pages and formats it. */
#include <string.h>
#include <strings.h>

#include "srvsvc/srvsvc_private.h"

/* "\\client" and "client" name the same client. */
static const char *strip_unc(const char *name)
{
    return name && name[0] == '\\' && name[1] == '\\' ? name + 2 : name;
}

static bool name_matches(const char *filter, const char *value)
{
    return !filter || !filter[0] || (value && strcasecmp(filter, value) == 0);
}

/* A session's user as given, or its account part for "DOMAIN\user". */
static bool user_matches(const char *filter, const char *user)
{
    if (name_matches(filter, user))
        return true;
    const char *slash = user ? strchr(user, '\\') : NULL;
    return slash && name_matches(filter, slash + 1);
}

#define BUILD(CT, ET, arm, ...)                                                      \
    do {                                                                              \
        struct CT *ct = SRVSVC_NEW(call, struct CT);                                  \
        ET *e = SRVSVC_NEW_ARRAY(call, page.count, ET);                               \
        if (!ct || !e)                                                                \
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;                               \
        for (size_t i = 0; i < page.count; i++) {                                     \
            const struct srvsvc_session *s = list[page.first + i];                    \
            ET *x = &e[i];                                                            \
            __VA_ARGS__;                                                              \
        }                                                                             \
        ct->EntriesRead = (uint32_t)page.count;                                       \
        ct->Buffer = page.count ? e : NULL;                                           \
        c->InfoStruct.SessionInfo.arm = ct;                                           \
    } while (0)

uint32_t srvsvc_NetrSessionEnum(struct dcerpc_call *call, void *r)
{
    struct NetrSessionEnum *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    uint32_t level = c->InfoStruct.Level;
    c->TotalEntries = 0;
    memset(&c->InfoStruct.SessionInfo, 0, sizeof c->InfoStruct.SessionInfo);
    if (level != 0 && level != 1 && level != 2 && level != 10 && level != 502) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    /* Levels 0 and 10 name sessions; the others show what they do. */
    if ((level == 1 || level == 2 || level == 502) && !srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!be->session_enum) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    struct srvsvc_session *sessions = NULL;
    size_t count = 0;
    NTSTATUS status = be->session_enum(be->ctx, dcerpc_call_arena(call), &sessions, &count);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    const char *client = strip_unc(c->ClientName);
    const struct srvsvc_session **list = SRVSVC_NEW_ARRAY(call, count, const struct srvsvc_session *);
    size_t *sizes = SRVSVC_NEW_ARRAY(call, count, size_t);
    if (!list || !sizes)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    size_t n = 0;
    bool client_seen = false;
    for (size_t i = 0; i < count; i++) {
        if (!name_matches(client, sessions[i].client))
            continue;
        client_seen = true;
        if (!user_matches(c->UserName, sessions[i].user))
            continue;
        list[n] = &sessions[i];
        const char *strings[4] = { sessions[i].client, sessions[i].user, sessions[i].client_type,
                                   sessions[i].transport };
        sizes[n] = srvsvc_entry_size(32, strings, 4);
        n++;
    }
    if (n == 0 && client && client[0] && !client_seen) {
        c->Result = NERR_ClientNameNotFound;
        return 0;
    }
    if (n == 0 && c->UserName && c->UserName[0]) {
        c->Result = NERR_UserNotFound;
        return 0;
    }
    struct srvsvc_page page;
    c->Result = srvsvc_paginate(n, sizes, c->PreferedMaximumLength, c->ResumeHandle, &c->TotalEntries, &page);
    switch (level) {
    case 0:
        BUILD(SESSION_INFO_0_CONTAINER, struct SESSION_INFO_0, Level0,
              x->sesi0_cname = srvsvc_unc_name(call, s->client));
        break;
    case 1:
        BUILD(SESSION_INFO_1_CONTAINER, struct SESSION_INFO_1, Level1,
              x->sesi1_cname = srvsvc_unc_name(call, s->client);
              x->sesi1_username = srvsvc_strdup(call, s->user);
              x->sesi1_num_opens = s->num_opens; x->sesi1_time = s->time;
              x->sesi1_idle_time = s->idle_time; x->sesi1_user_flags = s->user_flags);
        break;
    case 2:
        BUILD(SESSION_INFO_2_CONTAINER, struct SESSION_INFO_2, Level2,
              x->sesi2_cname = srvsvc_unc_name(call, s->client);
              x->sesi2_username = srvsvc_strdup(call, s->user);
              x->sesi2_num_opens = s->num_opens; x->sesi2_time = s->time;
              x->sesi2_idle_time = s->idle_time; x->sesi2_user_flags = s->user_flags;
              x->sesi2_cltype_name = srvsvc_strdup(call, s->client_type ? s->client_type : ""));
        break;
    case 10:
        BUILD(SESSION_INFO_10_CONTAINER, struct SESSION_INFO_10, Level10,
              x->sesi10_cname = srvsvc_unc_name(call, s->client);
              x->sesi10_username = srvsvc_strdup(call, s->user);
              x->sesi10_time = s->time; x->sesi10_idle_time = s->idle_time);
        break;
    case 502:
        BUILD(SESSION_INFO_502_CONTAINER, struct SESSION_INFO_502, Level502,
              x->sesi502_cname = srvsvc_unc_name(call, s->client);
              x->sesi502_username = srvsvc_strdup(call, s->user);
              x->sesi502_num_opens = s->num_opens; x->sesi502_time = s->time;
              x->sesi502_idle_time = s->idle_time; x->sesi502_user_flags = s->user_flags;
              x->sesi502_cltype_name = srvsvc_strdup(call, s->client_type ? s->client_type : "");
              x->sesi502_transport = srvsvc_strdup(call, s->transport ? s->transport : ""));
        break;
    }
    return 0;
}

uint32_t srvsvc_NetrSessionDel(struct dcerpc_call *call, void *r)
{
    struct NetrSessionDel *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    const char *client = strip_unc(c->ClientName);
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if ((!client || !client[0]) && (!c->UserName || !c->UserName[0])) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (!be->session_enum || !be->session_close) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    struct srvsvc_session *sessions = NULL;
    size_t count = 0;
    NTSTATUS status = be->session_enum(be->ctx, dcerpc_call_arena(call), &sessions, &count);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    size_t closed = 0;
    for (size_t i = 0; i < count; i++) {
        if (!name_matches(client, sessions[i].client) || !user_matches(c->UserName, sessions[i].user))
            continue;
        status = be->session_close(be->ctx, sessions[i].id, dcerpc_call_token(call));
        if (status == STATUS_SUCCESS)
            closed++;
        else if (status != STATUS_OBJECT_NAME_NOT_FOUND) { /* gone meanwhile is fine */
            c->Result = srvsvc_net_status(status);
            return 0;
        }
    }
    if (closed)
        c->Result = NERR_Success;
    else
        c->Result = client && client[0] ? NERR_ClientNameNotFound : NERR_UserNotFound;
    return 0;
}

/* [MS-SRVS] 3.1.4.1: the qualifier is a share name or a client "\\name";
 * coni1_netname is then the other one. */
uint32_t srvsvc_NetrConnectionEnum(struct dcerpc_call *call, void *r)
{
    struct NetrConnectionEnum *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    uint32_t level = c->InfoStruct.Level;
    c->TotalEntries = 0;
    memset(&c->InfoStruct.ConnectInfo, 0, sizeof c->InfoStruct.ConnectInfo);
    if (level != 0 && level != 1) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!c->Qualifier || !c->Qualifier[0]) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (!be->connection_enum) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    bool by_client = c->Qualifier[0] == '\\' && c->Qualifier[1] == '\\';
    const char *qualifier = strip_unc(c->Qualifier);
    if (!by_client && be->share_get) {
        struct srvsvc_share share;
        memset(&share, 0, sizeof share);
        NTSTATUS st = be->share_get(be->ctx, dcerpc_call_arena(call), qualifier, &share);
        if (st != STATUS_SUCCESS) {
            c->Result = srvsvc_net_status(st);
            return 0;
        }
    }
    struct srvsvc_connection *conns = NULL;
    size_t count = 0;
    NTSTATUS status = be->connection_enum(be->ctx, dcerpc_call_arena(call), &conns, &count);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    const struct srvsvc_connection **list = SRVSVC_NEW_ARRAY(call, count, const struct srvsvc_connection *);
    size_t *sizes = SRVSVC_NEW_ARRAY(call, count, size_t);
    if (!list || !sizes)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!name_matches(qualifier, by_client ? conns[i].client : conns[i].share))
            continue;
        list[n] = &conns[i];
        const char *strings[2] = { conns[i].user, by_client ? conns[i].share : conns[i].client };
        sizes[n] = level == 0 ? 4 : srvsvc_entry_size(28, strings, 2);
        n++;
    }
    if (n == 0 && by_client) {
        c->Result = NERR_ClientNameNotFound;
        return 0;
    }
    struct srvsvc_page page;
    c->Result = srvsvc_paginate(n, sizes, c->PreferedMaximumLength, c->ResumeHandle, &c->TotalEntries, &page);
    if (level == 0) {
        struct CONNECT_INFO_0_CONTAINER *ct = SRVSVC_NEW(call, struct CONNECT_INFO_0_CONTAINER);
        struct CONNECTION_INFO_0 *e = SRVSVC_NEW_ARRAY(call, page.count, struct CONNECTION_INFO_0);
        if (!ct || !e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        for (size_t i = 0; i < page.count; i++)
            e[i].coni0_id = list[page.first + i]->id;
        ct->EntriesRead = (uint32_t)page.count;
        ct->Buffer = page.count ? e : NULL;
        c->InfoStruct.ConnectInfo.Level0 = ct;
        return 0;
    }
    struct CONNECT_INFO_1_CONTAINER *ct = SRVSVC_NEW(call, struct CONNECT_INFO_1_CONTAINER);
    struct CONNECTION_INFO_1 *e = SRVSVC_NEW_ARRAY(call, page.count, struct CONNECTION_INFO_1);
    if (!ct || !e)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (size_t i = 0; i < page.count; i++) {
        const struct srvsvc_connection *k = list[page.first + i];
        e[i].coni1_id = k->id;
        e[i].coni1_type = k->share_type;
        e[i].coni1_num_opens = k->num_opens;
        e[i].coni1_num_users = 1; /* a tree connect belongs to one session */
        e[i].coni1_time = k->time;
        e[i].coni1_username = srvsvc_strdup(call, k->user);
        e[i].coni1_netname = srvsvc_strdup(call, by_client ? k->share : k->client);
    }
    ct->EntriesRead = (uint32_t)page.count;
    ct->Buffer = page.count ? e : NULL;
    c->InfoStruct.ConnectInfo.Level1 = ct;
    return 0;
}
