/* Open files ([MS-SRVS] 3.1.4.2 - 3.1.4.4): NetrFileEnum, NetrFileGetInfo,
 * NetrFileClose. */
#include <string.h>
#include <strings.h>

#include "srvsvc/srvsvc_private.h"

static void fill_3(struct dcerpc_call *call, struct FILE_INFO_3 *e, const struct srvsvc_file *f)
{
    e->fi3_id = f->id;
    e->fi3_permissions = f->permissions;
    e->fi3_num_locks = f->num_locks;
    e->fi3_path_name = srvsvc_path_to_windows(dcerpc_call_arena(call), f->path);
    e->fi3_username = srvsvc_strdup(call, f->user);
}

static NTSTATUS files(struct dcerpc_call *call, struct srvsvc_file **list, size_t *count)
{
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    if (!be->file_enum)
        return STATUS_NOT_SUPPORTED;
    return be->file_enum(be->ctx, dcerpc_call_arena(call), list, count);
}

uint32_t srvsvc_NetrFileEnum(struct dcerpc_call *call, void *r)
{
    struct NetrFileEnum *c = r;
    uint32_t level = c->InfoStruct.Level;
    c->TotalEntries = 0;
    memset(&c->InfoStruct.FileInfo, 0, sizeof c->InfoStruct.FileInfo);
    if (level != 2 && level != 3) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    struct srvsvc_file *all = NULL;
    size_t count = 0;
    NTSTATUS status = files(call, &all, &count);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    const struct srvsvc_file **list = SRVSVC_NEW_ARRAY(call, count, const struct srvsvc_file *);
    size_t *sizes = SRVSVC_NEW_ARRAY(call, count, size_t);
    if (!list || !sizes)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    /* BasePath selects files whose path begins with it, in the Windows form
     * the client sees. */
    size_t base_len = c->BasePath ? strlen(c->BasePath) : 0;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (base_len) {
            char *path = srvsvc_path_to_windows(dcerpc_call_arena(call), all[i].path);
            if (!path || strncasecmp(path, c->BasePath, base_len) != 0)
                continue;
        }
        if (c->UserName && c->UserName[0] && (!all[i].user || strcasecmp(c->UserName, all[i].user) != 0))
            continue;
        list[n] = &all[i];
        const char *strings[2] = { all[i].path, all[i].user };
        sizes[n] = level == 2 ? 4 : srvsvc_entry_size(20, strings, 2) + 4;
        n++;
    }
    struct srvsvc_page page;
    c->Result = srvsvc_paginate(n, sizes, c->PreferedMaximumLength, c->ResumeHandle, &c->TotalEntries, &page);
    if (level == 2) {
        struct FILE_INFO_2_CONTAINER *ct = SRVSVC_NEW(call, struct FILE_INFO_2_CONTAINER);
        struct FILE_INFO_2 *e = SRVSVC_NEW_ARRAY(call, page.count, struct FILE_INFO_2);
        if (!ct || !e)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        for (size_t i = 0; i < page.count; i++)
            e[i].fi2_id = list[page.first + i]->id;
        ct->EntriesRead = (uint32_t)page.count;
        ct->Buffer = page.count ? e : NULL;
        c->InfoStruct.FileInfo.Level2 = ct;
        return 0;
    }
    struct FILE_INFO_3_CONTAINER *ct = SRVSVC_NEW(call, struct FILE_INFO_3_CONTAINER);
    struct FILE_INFO_3 *e = SRVSVC_NEW_ARRAY(call, page.count, struct FILE_INFO_3);
    if (!ct || !e)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    for (size_t i = 0; i < page.count; i++)
        fill_3(call, &e[i], list[page.first + i]);
    ct->EntriesRead = (uint32_t)page.count;
    ct->Buffer = page.count ? e : NULL;
    c->InfoStruct.FileInfo.Level3 = ct;
    return 0;
}

uint32_t srvsvc_NetrFileGetInfo(struct dcerpc_call *call, void *r)
{
    struct NetrFileGetInfo *c = r;
    memset(&c->InfoStruct, 0, sizeof c->InfoStruct);
    if (c->Level != 2 && c->Level != 3) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    struct srvsvc_file *all = NULL;
    size_t count = 0;
    NTSTATUS status = files(call, &all, &count);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (all[i].id != c->FileId)
            continue;
        if (c->Level == 2) {
            c->InfoStruct.FileInfo2 = SRVSVC_NEW(call, struct FILE_INFO_2);
            if (!c->InfoStruct.FileInfo2)
                return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
            c->InfoStruct.FileInfo2->fi2_id = all[i].id;
        } else {
            c->InfoStruct.FileInfo3 = SRVSVC_NEW(call, struct FILE_INFO_3);
            if (!c->InfoStruct.FileInfo3)
                return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
            fill_3(call, c->InfoStruct.FileInfo3, &all[i]);
        }
        c->Result = NERR_Success;
        return 0;
    }
    c->Result = NERR_FileIdNotFound;
    return 0;
}

uint32_t srvsvc_NetrFileClose(struct dcerpc_call *call, void *r)
{
    struct NetrFileClose *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    if (!srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!be->file_close) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    NTSTATUS status = be->file_close(be->ctx, c->FileId, dcerpc_call_token(call));
    c->Result = status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_NOT_FOUND ? NERR_FileIdNotFound
                                                                                      : srvsvc_net_status(status);
    return 0;
}
