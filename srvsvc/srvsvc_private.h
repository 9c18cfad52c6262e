/* Inside srvsvc/: the handlers the interface tables point at, and the
 * helpers they share. */
#ifndef SW_SRVSVC_PRIVATE_H
#define SW_SRVSVC_PRIVATE_H

#include "srvsvc/srvsvc.h"

uint32_t srvsvc_NetrConnectionEnum(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrFileEnum(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrFileGetInfo(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrFileClose(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrSessionEnum(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrSessionDel(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareAdd(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareEnum(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareEnumSticky(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareGetInfo(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareSetInfo(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareDel(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareDelSticky(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrShareCheck(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrServerGetInfo(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrServerSetInfo(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrRemoteTOD(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetrServerDiskEnum(struct dcerpc_call *call, void *r);
uint32_t srvsvc_NetprNameValidate(struct dcerpc_call *call, void *r);
uint32_t wkssvc_NetrWkstaGetInfo(struct dcerpc_call *call, void *r);
uint32_t wkssvc_NetrWkstaUserEnum(struct dcerpc_call *call, void *r);
uint32_t winreg_OpenLocalMachine(struct dcerpc_call *call, void *r);
uint32_t winreg_BaseRegCloseKey(struct dcerpc_call *call, void *r);
uint32_t winreg_BaseRegOpenKey(struct dcerpc_call *call, void *r);
uint32_t winreg_BaseRegQueryValue(struct dcerpc_call *call, void *r);
uint32_t winreg_BaseRegGetVersion(struct dcerpc_call *call, void *r);

/* The back end registered as both interfaces' iface_ctx. */
const struct srvsvc_backend *srvsvc_backend_of(struct dcerpc_call *call);
/* Administrators (or SYSTEM): who may change shares and see the details. */
bool srvsvc_caller_is_admin(struct dcerpc_call *call);
/* A back end's NTSTATUS as the NET_API_STATUS the caller expects. */
uint32_t srvsvc_net_status(NTSTATUS status);

/* Paging an enumeration: which of count entries [first, first+n) go into
 * this reply given the preferred maximum length, the resume handle (in and
 * out) and the per-entry size estimate; sets *total and returns
 * NERR_Success or ERROR_MORE_DATA. */
struct srvsvc_page {
    size_t first;
    size_t count;
};
uint32_t srvsvc_paginate(size_t entries, const size_t *entry_sizes, uint32_t prefmaxlen,
                         uint32_t *resume_handle, uint32_t *total, struct srvsvc_page *page);
/* Wire size estimate of an entry: fixed bytes plus each string's UTF-16. */
size_t srvsvc_entry_size(size_t fixed, const char *const *strings, size_t n);

/* Arena helpers: a zeroed array of n T, or NULL (and the call faults with
 * remote_no_memory). */
#define SRVSVC_NEW_ARRAY(call, n, T) ((T *)ndr_arena_array(dcerpc_call_arena(call), (n) ? (n) : 1, sizeof(T)))
#define SRVSVC_NEW(call, T) ((T *)ndr_arena_alloc(dcerpc_call_arena(call), sizeof(T)))
char *srvsvc_strdup(struct dcerpc_call *call, const char *s);
/* "\\name" for a client name (the cname and qualifier conventions). */
char *srvsvc_unc_name(struct dcerpc_call *call, const char *name);

#endif
