/* Helpers every srvsvc and wkssvc handler shares: the caller's rights,
 * status mapping, enumeration paging, names and paths. */
#include <string.h>
#include <strings.h>

#include "lib/sid.h"
#include "lib/utf16.h"
#include "srvsvc/srvsvc_private.h"

NTSTATUS srvsvc_register(struct dcerpc_server *server, const struct srvsvc_backend *backend)
{
    /* The handlers only read the back end; the cast drops const for the
     * runtime's generic context pointer. */
    NTSTATUS status = dcerpc_server_register(server, &srvsvc_interface, (void *)backend);
    if (status == STATUS_SUCCESS)
        status = dcerpc_server_register(server, &wkssvc_interface, (void *)backend);
    if (status == STATUS_SUCCESS)
        status = dcerpc_server_register(server, &winreg_interface, NULL);
    return status;
}

const struct srvsvc_backend *srvsvc_backend_of(struct dcerpc_call *call)
{
    return dcerpc_call_iface_ctx(call);
}

bool srvsvc_caller_is_admin(struct dcerpc_call *call)
{
    return token_is_administrator(dcerpc_call_token(call));
}

uint32_t srvsvc_net_status(NTSTATUS status)
{
    switch (status) {
    case STATUS_SUCCESS: return NERR_Success;
    case STATUS_OBJECT_NAME_NOT_FOUND:
    case STATUS_NOT_FOUND: return NERR_NetNameNotFound;
    case STATUS_OBJECT_NAME_COLLISION: return NERR_DuplicateShare;
    case STATUS_OBJECT_PATH_NOT_FOUND:
    case STATUS_NOT_A_DIRECTORY: return NERR_UnknownDevDir;
    case STATUS_ACCESS_DENIED: return ERROR_ACCESS_DENIED;
    case STATUS_INVALID_PARAMETER: return ERROR_INVALID_PARAMETER;
    case STATUS_OBJECT_NAME_INVALID: return ERROR_INVALID_NAME;
    case STATUS_NOT_SUPPORTED:
    case STATUS_NOT_IMPLEMENTED: return ERROR_NOT_SUPPORTED;
    case STATUS_NO_MEMORY:
    case STATUS_INSUFFICIENT_RESOURCES: return ERROR_NOT_ENOUGH_MEMORY;
    default: return ERROR_INTERNAL_ERROR;
    }
}

size_t srvsvc_entry_size(size_t fixed, const char *const *strings, size_t n)
{
    size_t total = fixed;
    for (size_t i = 0; i < n; i++) {
        if (!strings[i])
            continue;
        long units = utf8_utf16_units(strings[i], strlen(strings[i]));
        total += units < 0 ? 2 : ((size_t)units + 1) * 2;
    }
    return total;
}

uint32_t srvsvc_paginate(size_t entries, const size_t *entry_sizes, uint32_t prefmaxlen,
                         uint32_t *resume_handle, uint32_t *total, struct srvsvc_page *page)
{
    /* The resume handle is the index of the next entry: zero starts over. */
    size_t start = resume_handle ? *resume_handle : 0;
    if (start > entries)
        start = entries;
    size_t used = 0, n = 0;
    for (size_t i = start; i < entries; i++) {
        size_t next = entry_sizes[i] > SIZE_MAX - used ? SIZE_MAX : used + entry_sizes[i];
        /* Always at least one entry, so that a client paging with a small
         * preferred length still makes progress. */
        if (prefmaxlen != MAX_PREFERRED_LENGTH && n > 0 && next > prefmaxlen)
            break;
        used = next;
        n++;
    }
    page->first = start;
    page->count = n;
    /* [MS-SRVS] 4.1: TotalEntries counts what remains from the resume point. */
    *total = (uint32_t)(entries - start);
    bool more = start + n < entries;
    if (resume_handle)
        *resume_handle = more ? (uint32_t)(start + n) : 0;
    return more ? ERROR_MORE_DATA : NERR_Success;
}

char *srvsvc_strdup(struct dcerpc_call *call, const char *s)
{
    return s ? ndr_arena_strdup(dcerpc_call_arena(call), s) : NULL;
}

char *srvsvc_unc_name(struct dcerpc_call *call, const char *name)
{
    if (!name)
        return NULL;
    size_t len = strlen(name);
    char *s = ndr_arena_alloc(dcerpc_call_arena(call), len + 3);
    if (s) {
        s[0] = s[1] = '\\';
        memcpy(s + 2, name, len + 1);
    }
    return s;
}

char *srvsvc_path_to_windows(struct ndr_arena *arena, const char *posix_path)
{
    if (!posix_path || !posix_path[0])
        return ndr_arena_strdup(arena, "");
    /* Already a Windows name (a pipe's "\PIPE\srvsvc"). */
    if (posix_path[0] == '\\')
        return ndr_arena_strdup(arena, posix_path);
    size_t len = strlen(posix_path);
    char *s = ndr_arena_alloc(arena, len + 3);
    if (!s)
        return NULL;
    s[0] = 'C';
    s[1] = ':';
    for (size_t i = 0; i <= len; i++)
        s[i + 2] = posix_path[i] == '/' ? '\\' : posix_path[i];
    return s;
}

char *srvsvc_path_from_windows(struct ndr_arena *arena, const char *windows_path)
{
    if (!windows_path || !windows_path[0])
        return NULL;
    const char *p = windows_path;
    /* Only the one drive there is: "C:" is the root of the file system. */
    if (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':') {
        if ((p[0] | 0x20) != 'c')
            return NULL;
        p += 2;
    }
    if (p[0] == 0)
        return ndr_arena_strdup(arena, "/");
    if (p[0] != '\\' && p[0] != '/')
        return NULL; /* relative paths mean nothing to the server */
    size_t len = strlen(p);
    char *s = ndr_arena_alloc(arena, len + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        s[i] = p[i] == '\\' ? '/' : p[i];
    return s;
}

bool srvsvc_share_name_valid(const char *name)
{
    if (!name || !name[0])
        return false;
    long units = utf8_utf16_units(name, strlen(name));
    if (units < 1 || units > 80)
        return false;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || strchr("\\/[]:|<>+=;,?*\"", *p))
            return false;
    return true;
}
