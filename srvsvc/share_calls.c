/* The share calls of [MS-SRVS] 3.1.4.7 - 3.1.4.16: NetrShareEnum,
 * NetrShareEnumSticky, NetrShareGetInfo, NetrShareAdd, NetrShareSetInfo,
 * NetrShareDel, NetrShareDelSticky, NetrShareCheck. */
#include <string.h>
#include <strings.h>

#include "lib/secdesc.h"
#include "srvsvc/srvsvc_private.h"

/* ---- From back-end shares to wire entries ---- */

static char *remark_of(struct dcerpc_call *call, const struct srvsvc_share *s)
{
    return srvsvc_strdup(call, s->comment ? s->comment : "");
}

static char *path_of(struct dcerpc_call *call, const struct srvsvc_share *s)
{
    return srvsvc_path_to_windows(dcerpc_call_arena(call), s->path);
}

/* A share's security descriptor as (length, bytes) for the 502/503/1501 forms. */
static uint8_t *sd_of(struct dcerpc_call *call, const struct srvsvc_share *s, uint32_t *len)
{
    *len = 0;
    if (!s->security_descriptor || !s->security_descriptor_len || s->security_descriptor_len > UINT32_MAX)
        return NULL;
    uint8_t *copy = ndr_arena_alloc(dcerpc_call_arena(call), s->security_descriptor_len);
    if (copy) {
        memcpy(copy, s->security_descriptor, s->security_descriptor_len);
        *len = (uint32_t)s->security_descriptor_len;
    }
    return copy;
}

static void fill_0(struct dcerpc_call *call, struct SHARE_INFO_0 *e, const struct srvsvc_share *s)
{
    e->shi0_netname = srvsvc_strdup(call, s->name);
}

static void fill_1(struct dcerpc_call *call, struct SHARE_INFO_1 *e, const struct srvsvc_share *s)
{
    e->shi1_netname = srvsvc_strdup(call, s->name);
    e->shi1_type = s->type;
    e->shi1_remark = remark_of(call, s);
}

static void fill_2(struct dcerpc_call *call, struct SHARE_INFO_2 *e, const struct srvsvc_share *s)
{
    e->shi2_netname = srvsvc_strdup(call, s->name);
    e->shi2_type = s->type;
    e->shi2_remark = remark_of(call, s);
    e->shi2_permissions = 0; /* share-level permissions: not used in user-level security */
    e->shi2_max_uses = s->max_uses;
    e->shi2_current_uses = s->current_uses;
    e->shi2_path = path_of(call, s);
    e->shi2_passwd = NULL;
}

static void fill_501(struct dcerpc_call *call, struct SHARE_INFO_501 *e, const struct srvsvc_share *s)
{
    e->shi501_netname = srvsvc_strdup(call, s->name);
    e->shi501_type = s->type;
    e->shi501_remark = remark_of(call, s);
    e->shi501_flags = s->flags;
}

static void fill_502(struct dcerpc_call *call, struct SHARE_INFO_502_I *e, const struct srvsvc_share *s)
{
    e->shi502_netname = srvsvc_strdup(call, s->name);
    e->shi502_type = s->type;
    e->shi502_remark = remark_of(call, s);
    e->shi502_max_uses = s->max_uses;
    e->shi502_current_uses = s->current_uses;
    e->shi502_path = path_of(call, s);
    e->shi502_security_descriptor = sd_of(call, s, &e->shi502_reserved);
}

static void fill_503(struct dcerpc_call *call, struct SHARE_INFO_503_I *e, const struct srvsvc_share *s)
{
    e->shi503_netname = srvsvc_strdup(call, s->name);
    e->shi503_type = s->type;
    e->shi503_remark = remark_of(call, s);
    e->shi503_max_uses = s->max_uses;
    e->shi503_current_uses = s->current_uses;
    e->shi503_path = path_of(call, s);
    e->shi503_servername = srvsvc_strdup(call, "*"); /* not scoped to one server name */
    e->shi503_security_descriptor = sd_of(call, s, &e->shi503_reserved);
}

/* Fixed wire bytes of one entry per level (4 per DWORD or pointer), for the
 * preferred-maximum-length estimate. */
static size_t share_entry_size(uint32_t level, const struct srvsvc_share *s)
{
    const char *strings[3] = { s->name, s->comment, s->path };
    switch (level) {
    case 0: return srvsvc_entry_size(4, strings, 1);
    case 1: return srvsvc_entry_size(12, strings, 2);
    case 501: return srvsvc_entry_size(16, strings, 2);
    case 2: return srvsvc_entry_size(32, strings, 3) + 4;
    default: return srvsvc_entry_size(40, strings, 3) + 4 + s->security_descriptor_len;
    }
}

static bool level_needs_admin(uint32_t level)
{
    return level == 2 || level == 502 || level == 503 || level == 1501;
}

/* ---- Enumeration ---- */

/* Sticky shares are the persistent ones: every share in the store except
 * the special shares the server makes for itself (IPC$, administrative $). */
static bool is_sticky(const struct srvsvc_share *s)
{
    return !(s->type & STYPE_SPECIAL) && (s->type & STYPE_MASK) != STYPE_IPC;
}

#define BUILD_CONTAINER(CT, ET, fill, arm)                                               \
    do {                                                                                  \
        struct CT *c = SRVSVC_NEW(call, struct CT);                                       \
        ET *e = SRVSVC_NEW_ARRAY(call, page.count, ET);                                   \
        if (!c || !e)                                                                     \
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;                                   \
        for (size_t i = 0; i < page.count; i++)                                           \
            fill(call, &e[i], list[page.first + i]);                                      \
        c->EntriesRead = (uint32_t)page.count;                                            \
        c->Buffer = page.count ? e : NULL;                                                \
        info->ShareInfo.arm = c;                                                          \
    } while (0)

static uint32_t share_enum(struct dcerpc_call *call, struct SHARE_ENUM_STRUCT *info, uint32_t prefmaxlen,
                           uint32_t *total, uint32_t *resume, bool sticky, uint32_t *result)
{
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    uint32_t level = info->Level;
    *total = 0;
    /* Whatever container the client sent is replaced, or answered empty. */
    memset(&info->ShareInfo, 0, sizeof info->ShareInfo);
    bool level_ok = level == 0 || level == 1 || level == 2 || level == 502 || level == 503 ||
                    (level == 501 && !sticky);
    if (!level_ok) {
        *result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (level_needs_admin(level) && !srvsvc_caller_is_admin(call)) {
        *result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!be->share_enum) {
        *result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    struct srvsvc_share *shares = NULL;
    size_t count = 0;
    NTSTATUS status = be->share_enum(be->ctx, dcerpc_call_arena(call), &shares, &count);
    if (status != STATUS_SUCCESS) {
        *result = srvsvc_net_status(status);
        return 0;
    }
    const struct srvsvc_share **list = SRVSVC_NEW_ARRAY(call, count, const struct srvsvc_share *);
    size_t *sizes = SRVSVC_NEW_ARRAY(call, count, size_t);
    if (!list || !sizes)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    size_t n = 0;
    for (size_t i = 0; i < count; i++) {
        if (sticky && !is_sticky(&shares[i]))
            continue;
        list[n] = &shares[i];
        sizes[n] = share_entry_size(level, &shares[i]);
        n++;
    }
    struct srvsvc_page page;
    *result = srvsvc_paginate(n, sizes, prefmaxlen, resume, total, &page);
    switch (level) {
    case 0: BUILD_CONTAINER(SHARE_INFO_0_CONTAINER, struct SHARE_INFO_0, fill_0, Level0); break;
    case 1: BUILD_CONTAINER(SHARE_INFO_1_CONTAINER, struct SHARE_INFO_1, fill_1, Level1); break;
    case 2: BUILD_CONTAINER(SHARE_INFO_2_CONTAINER, struct SHARE_INFO_2, fill_2, Level2); break;
    case 501: BUILD_CONTAINER(SHARE_INFO_501_CONTAINER, struct SHARE_INFO_501, fill_501, Level501); break;
    case 502: BUILD_CONTAINER(SHARE_INFO_502_CONTAINER, struct SHARE_INFO_502_I, fill_502, Level502); break;
    case 503: BUILD_CONTAINER(SHARE_INFO_503_CONTAINER, struct SHARE_INFO_503_I, fill_503, Level503); break;
    }
    return 0;
}

uint32_t srvsvc_NetrShareEnum(struct dcerpc_call *call, void *r)
{
    struct NetrShareEnum *c = r;
    return share_enum(call, &c->InfoStruct, c->PreferedMaximumLength, &c->TotalEntries, c->ResumeHandle,
                      false, &c->Result);
}

uint32_t srvsvc_NetrShareEnumSticky(struct dcerpc_call *call, void *r)
{
    struct NetrShareEnumSticky *c = r;
    return share_enum(call, &c->InfoStruct, c->PreferedMaximumLength, &c->TotalEntries, c->ResumeHandle,
                      true, &c->Result);
}

/* ---- One share ---- */

uint32_t srvsvc_NetrShareGetInfo(struct dcerpc_call *call, void *r)
{
    struct NetrShareGetInfo *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    memset(&c->InfoStruct, 0, sizeof c->InfoStruct);
    uint32_t level = c->Level;
    if (level != 0 && level != 1 && level != 2 && level != 501 && level != 502 && level != 503 && level != 1005) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (level_needs_admin(level) && !srvsvc_caller_is_admin(call)) {
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!be->share_get) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    struct srvsvc_share s;
    memset(&s, 0, sizeof s);
    NTSTATUS status = be->share_get(be->ctx, dcerpc_call_arena(call), c->NetName, &s);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    void *e = NULL;
    switch (level) {
    case 0: e = c->InfoStruct.ShareInfo0 = SRVSVC_NEW(call, struct SHARE_INFO_0); if (e) fill_0(call, e, &s); break;
    case 1: e = c->InfoStruct.ShareInfo1 = SRVSVC_NEW(call, struct SHARE_INFO_1); if (e) fill_1(call, e, &s); break;
    case 2: e = c->InfoStruct.ShareInfo2 = SRVSVC_NEW(call, struct SHARE_INFO_2); if (e) fill_2(call, e, &s); break;
    case 501: e = c->InfoStruct.ShareInfo501 = SRVSVC_NEW(call, struct SHARE_INFO_501); if (e) fill_501(call, e, &s); break;
    case 502: e = c->InfoStruct.ShareInfo502 = SRVSVC_NEW(call, struct SHARE_INFO_502_I); if (e) fill_502(call, e, &s); break;
    case 503: e = c->InfoStruct.ShareInfo503 = SRVSVC_NEW(call, struct SHARE_INFO_503_I); if (e) fill_503(call, e, &s); break;
    case 1005:
        e = c->InfoStruct.ShareInfo1005 = SRVSVC_NEW(call, struct SHARE_INFO_1005);
        if (e)
            c->InfoStruct.ShareInfo1005->shi1005_flags = s.flags;
        break;
    }
    if (!e)
        return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
    c->Result = NERR_Success;
    return 0;
}

/* Largest descriptor accepted: what the share store keeps. */
#define SHARE_SD_MAX 65536u

/* A descriptor that arrives over RPC is validated whole before it goes
 * anywhere, as Windows does with RtlValidRelativeSecurityDescriptor: a
 * self-relative descriptor of revision 1 whose owner, group and ACLs are
 * well formed, inside the buffer and not overlapping (lib/secdesc.h's
 * parser). The store checks again; srv's access check at tree connect then
 * reads only descriptors that parsed. */
static bool sd_valid(const uint8_t *sd, uint32_t len)
{
    if (!sd || len < 20 || len > SHARE_SD_MAX)
        return false;
    struct buf_reader r;
    rd_init(&r, sd, len);
    rd_skip(&r, 2);
    if (!(rd_u16(&r) & SE_SELF_RELATIVE))
        return false;
    struct security_descriptor parsed;
    NTSTATUS status = secdesc_parse(sd, len, &parsed);
    if (status == STATUS_SUCCESS)
        secdesc_free(&parsed);
    return status == STATUS_SUCCESS;
}

static void set_parm_err(uint32_t *parm_err, uint32_t value)
{
    if (parm_err)
        *parm_err = value;
}

/* The fields of an add or set request, checked; on error *result and the
 * parameter number are set. */
struct share_fields {
    const char *name;
    uint32_t type;
    const char *remark;
    uint32_t max_uses;
    const char *path; /* as given (Windows form) */
    const uint8_t *sd;
    uint32_t sd_len;
    const char *servername;
};

static bool fields_from_level(uint32_t level, const union SHARE_INFO *u, struct share_fields *f)
{
    memset(f, 0, sizeof *f);
    switch (level) {
    case 1:
        if (!u->ShareInfo1) return false;
        f->name = u->ShareInfo1->shi1_netname;
        f->type = u->ShareInfo1->shi1_type;
        f->remark = u->ShareInfo1->shi1_remark;
        return true;
    case 2:
        if (!u->ShareInfo2) return false;
        f->name = u->ShareInfo2->shi2_netname;
        f->type = u->ShareInfo2->shi2_type;
        f->remark = u->ShareInfo2->shi2_remark;
        f->max_uses = u->ShareInfo2->shi2_max_uses;
        f->path = u->ShareInfo2->shi2_path;
        return true;
    case 502:
        if (!u->ShareInfo502) return false;
        f->name = u->ShareInfo502->shi502_netname;
        f->type = u->ShareInfo502->shi502_type;
        f->remark = u->ShareInfo502->shi502_remark;
        f->max_uses = u->ShareInfo502->shi502_max_uses;
        f->path = u->ShareInfo502->shi502_path;
        f->sd = u->ShareInfo502->shi502_security_descriptor;
        f->sd_len = f->sd ? u->ShareInfo502->shi502_reserved : 0;
        return true;
    case 503:
        if (!u->ShareInfo503) return false;
        f->name = u->ShareInfo503->shi503_netname;
        f->type = u->ShareInfo503->shi503_type;
        f->remark = u->ShareInfo503->shi503_remark;
        f->max_uses = u->ShareInfo503->shi503_max_uses;
        f->path = u->ShareInfo503->shi503_path;
        f->servername = u->ShareInfo503->shi503_servername;
        f->sd = u->ShareInfo503->shi503_security_descriptor;
        f->sd_len = f->sd ? u->ShareInfo503->shi503_reserved : 0;
        return true;
    case 1004:
        if (!u->ShareInfo1004) return false;
        f->remark = u->ShareInfo1004->shi1004_remark;
        return true;
    case 1005:
        return u->ShareInfo1005 != NULL;
    case 1006:
        if (!u->ShareInfo1006) return false;
        f->max_uses = u->ShareInfo1006->shi1006_max_uses;
        return true;
    case 1501:
        if (!u->ShareInfo1501) return false;
        f->sd = u->ShareInfo1501->shi1501_security_descriptor;
        f->sd_len = f->sd ? u->ShareInfo1501->shi1501_reserved : 0;
        return true;
    }
    return false;
}

/* 503's scoped server name: this server ("*", empty, or its own name). */
static bool servername_ok(struct dcerpc_call *call, const char *name)
{
    if (!name || !name[0] || strcmp(name, "*") == 0)
        return true;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    struct srvsvc_server_info info;
    memset(&info, 0, sizeof info);
    if (!be->server_info_get || be->server_info_get(be->ctx, dcerpc_call_arena(call), &info) != STATUS_SUCCESS)
        return false;
    const char *n = name[0] == '\\' && name[1] == '\\' ? name + 2 : name;
    return info.name && strcasecmp(n, info.name) == 0;
}

/* A change refused because the caller is not an administrator goes to the
 * audit log with the caller's account (backend_store.c bounds how many). */
static void audit_denied(struct dcerpc_call *call, const char *action, const char *object)
{
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    if (be->audit_refused)
        be->audit_refused(be->ctx, action, object, "access denied: not an administrator",
                          dcerpc_call_token(call));
}

uint32_t srvsvc_NetrShareAdd(struct dcerpc_call *call, void *r)
{
    struct NetrShareAdd *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    struct share_fields f;
    if (c->Level != 2 && c->Level != 502 && c->Level != 503) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        struct share_fields named;
        audit_denied(call, "share.add",
                     fields_from_level(c->Level, &c->InfoStruct, &named) ? named.name : NULL);
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!be->share_add) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    if (!fields_from_level(c->Level, &c->InfoStruct, &f)) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (!srvsvc_share_name_valid(f.name)) {
        set_parm_err(c->ParmErr, SHARE_NETNAME_PARMNUM);
        c->Result = ERROR_INVALID_NAME;
        return 0;
    }
    /* Disk shares only: there are no print queues or devices to share. */
    if ((f.type & STYPE_MASK) != STYPE_DISKTREE) {
        set_parm_err(c->ParmErr, SHARE_TYPE_PARMNUM);
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    char *path = srvsvc_path_from_windows(dcerpc_call_arena(call), f.path);
    if (!path) {
        set_parm_err(c->ParmErr, SHARE_PATH_PARMNUM);
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (f.sd && !sd_valid(f.sd, f.sd_len)) {
        set_parm_err(c->ParmErr, SHARE_FILE_SD_PARMNUM);
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (c->Level == 503 && !servername_ok(call, f.servername)) {
        c->Result = NERR_NetNameNotFound;
        return 0;
    }
    struct srvsvc_share s = {
        .name = (char *)f.name,
        .path = path,
        .comment = (char *)(f.remark ? f.remark : ""),
        .type = f.type & (STYPE_MASK | STYPE_SPECIAL | STYPE_TEMPORARY),
        .max_uses = f.max_uses,
        .security_descriptor = (uint8_t *)f.sd,
        .security_descriptor_len = f.sd ? f.sd_len : 0,
    };
    c->Result = srvsvc_net_status(be->share_add(be->ctx, &s, dcerpc_call_token(call)));
    return 0;
}

uint32_t srvsvc_NetrShareSetInfo(struct dcerpc_call *call, void *r)
{
    struct NetrShareSetInfo *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    uint32_t level = c->Level;
    struct share_fields f;
    if (level != 1 && level != 2 && level != 502 && level != 1004 && level != 1005 && level != 1006 &&
        level != 1501) {
        c->Result = ERROR_INVALID_LEVEL;
        return 0;
    }
    if (!srvsvc_caller_is_admin(call)) {
        audit_denied(call, "share.set", c->NetName);
        c->Result = ERROR_ACCESS_DENIED;
        return 0;
    }
    if (!be->share_set || !be->share_get) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    if (!fields_from_level(level, &c->ShareInfo, &f)) {
        c->Result = ERROR_INVALID_PARAMETER;
        return 0;
    }
    struct srvsvc_share s;
    memset(&s, 0, sizeof s);
    NTSTATUS status = be->share_get(be->ctx, dcerpc_call_arena(call), c->NetName, &s);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    uint32_t fields = 0;
    if (level == 1 || level == 2 || level == 502 || level == 1004) {
        s.comment = (char *)(f.remark ? f.remark : "");
        fields |= SRVSVC_SHARE_COMMENT;
    }
    if (level == 2 || level == 502 || level == 1006) {
        s.max_uses = f.max_uses;
        fields |= SRVSVC_SHARE_MAX_USES;
    }
    /* The path (shi2_path, shi502_path) is not settable: NetShareSetInfo
     * ignores it, as it ignores the name and type (smbtorture's
     * NetShareAddSetDel sends "::BLaH::" and expects success and the old
     * path); a share moves by delete and add. */
    if (level == 1005) {
        s.flags = c->ShareInfo.ShareInfo1005->shi1005_flags;
        fields |= SRVSVC_SHARE_FLAGS;
    }
    if ((level == 502 && f.sd) || level == 1501) {
        if (!sd_valid(f.sd, f.sd_len)) {
            set_parm_err(c->ParmErr, SHARE_FILE_SD_PARMNUM);
            c->Result = ERROR_INVALID_PARAMETER;
            return 0;
        }
        s.security_descriptor = (uint8_t *)f.sd;
        s.security_descriptor_len = f.sd_len;
        fields |= SRVSVC_SHARE_SD;
    }
    c->Result = srvsvc_net_status(be->share_set(be->ctx, c->NetName, &s, fields, dcerpc_call_token(call)));
    return 0;
}

static uint32_t share_del(struct dcerpc_call *call, const char *name)
{
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    if (!srvsvc_caller_is_admin(call)) {
        audit_denied(call, "share.delete", name);
        return ERROR_ACCESS_DENIED;
    }
    if (!be->share_del)
        return ERROR_NOT_SUPPORTED;
    return srvsvc_net_status(be->share_del(be->ctx, name, dcerpc_call_token(call)));
}

uint32_t srvsvc_NetrShareDel(struct dcerpc_call *call, void *r)
{
    struct NetrShareDel *c = r;
    c->Result = share_del(call, c->NetName);
    return 0;
}

/* [MS-SRVS] 3.1.4.13: stop the share persisting. The store is the only
 * copy of a share here, so that is the same as deleting it. */
uint32_t srvsvc_NetrShareDelSticky(struct dcerpc_call *call, void *r)
{
    struct NetrShareDel *c = r;
    c->Result = share_del(call, c->NetName);
    return 0;
}

/* [MS-SRVS] 3.1.4.16: is some share on this device ("C:")? */
uint32_t srvsvc_NetrShareCheck(struct dcerpc_call *call, void *r)
{
    struct NetrShareCheck *c = r;
    const struct srvsvc_backend *be = srvsvc_backend_of(call);
    c->Type = 0;
    if (!be->share_enum) {
        c->Result = ERROR_NOT_SUPPORTED;
        return 0;
    }
    struct srvsvc_share *shares = NULL;
    size_t count = 0;
    NTSTATUS status = be->share_enum(be->ctx, dcerpc_call_arena(call), &shares, &count);
    if (status != STATUS_SUCCESS) {
        c->Result = srvsvc_net_status(status);
        return 0;
    }
    /* [MS-SRVS] 3.1.4.16: a share whose path begins with Device (an empty
     * Device begins every path; smbtorture asks it for IPC$'s ""). */
    size_t dev_len = strlen(c->Device);
    c->Result = NERR_DeviceNotShared;
    for (size_t i = 0; i < count; i++) {
        char *path = srvsvc_path_to_windows(dcerpc_call_arena(call), shares[i].path);
        if (path && strncasecmp(path, c->Device, dev_len) == 0) {
            c->Type = shares[i].type;
            c->Result = NERR_Success;
            break;
        }
    }
    return 0;
}
