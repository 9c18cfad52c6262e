#include "lib/ntstatus.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct status_name {
    NTSTATUS value;
    const char *name;
};

static const struct status_name status_names[] = {
#define SW_NT_STATUS_NAME(name, value) { (NTSTATUS)(value), #name },
    NT_STATUS_TABLE(SW_NT_STATUS_NAME)
#undef SW_NT_STATUS_NAME
};

const char *nt_status_name(NTSTATUS status)
{
    static _Thread_local char unknown[32];
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
        if (status_names[i].value == status)
            return status_names[i].name;
    snprintf(unknown, sizeof unknown, "NTSTATUS 0x%08X", (unsigned)status);
    return unknown;
}

int nt_status_from_name(const char *name, NTSTATUS *status)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
        const char *n = status_names[i].name;
        if (strcmp(n, name) == 0 || strcmp(n + strlen("STATUS_"), name) == 0) {
            *status = status_names[i].value;
            return 0;
        }
    }
    return -1;
}

NTSTATUS nt_status_from_errno(int error)
{
    switch (error) {
    case 0: return STATUS_SUCCESS;
    case EPERM:
    case EACCES: return STATUS_ACCESS_DENIED;
    case ENOENT: return STATUS_OBJECT_NAME_NOT_FOUND;
    case ENOTDIR: return STATUS_OBJECT_PATH_NOT_FOUND;
    case EISDIR: return STATUS_FILE_IS_A_DIRECTORY;
    case EEXIST: return STATUS_OBJECT_NAME_COLLISION;
    case ENOTEMPTY: return STATUS_DIRECTORY_NOT_EMPTY;
    case ENOMEM: return STATUS_NO_MEMORY;
    case ENOSPC:
    case EDQUOT: return STATUS_DISK_FULL;
    case EROFS: return STATUS_MEDIA_WRITE_PROTECTED;
    case ENAMETOOLONG: return STATUS_NAME_TOO_LONG;
    case EINVAL: return STATUS_INVALID_PARAMETER;
    case EBADF: return STATUS_INVALID_HANDLE;
    case EMFILE:
    case ENFILE: return STATUS_TOO_MANY_OPENED_FILES;
    case EXDEV: return STATUS_NOT_SAME_DEVICE;
    case ELOOP: return STATUS_OBJECT_PATH_NOT_FOUND;
    case EBUSY: return STATUS_SHARING_VIOLATION;
    case ENOTSUP: return STATUS_NOT_SUPPORTED;
    case ENODATA: return STATUS_NOT_FOUND;
    case E2BIG:
    case ERANGE: return STATUS_BUFFER_OVERFLOW;
    case EFBIG: return STATUS_DISK_FULL;
    case ETIMEDOUT: return STATUS_IO_TIMEOUT;
    case ECONNRESET: return STATUS_CONNECTION_RESET;
    case EPIPE: return STATUS_PIPE_BROKEN;
    case EAGAIN: return STATUS_PENDING;
    case ECANCELED: return STATUS_CANCELLED;
    case EIO: return STATUS_UNEXPECTED_IO_ERROR;
    default: return STATUS_UNSUCCESSFUL;
    }
}

int nt_status_to_errno(NTSTATUS status)
{
    switch (status) {
    case STATUS_SUCCESS: return 0;
    case STATUS_ACCESS_DENIED:
    case STATUS_NETWORK_ACCESS_DENIED:
    case STATUS_PRIVILEGE_NOT_HELD: return EACCES;
    case STATUS_OBJECT_NAME_NOT_FOUND:
    case STATUS_NO_SUCH_FILE:
    case STATUS_NOT_FOUND: return ENOENT;
    case STATUS_OBJECT_PATH_NOT_FOUND:
    case STATUS_NOT_A_DIRECTORY: return ENOTDIR;
    case STATUS_FILE_IS_A_DIRECTORY: return EISDIR;
    case STATUS_OBJECT_NAME_COLLISION:
    case STATUS_USER_EXISTS:
    case STATUS_GROUP_EXISTS:
    case STATUS_ALIAS_EXISTS: return EEXIST;
    case STATUS_DIRECTORY_NOT_EMPTY: return ENOTEMPTY;
    case STATUS_NO_MEMORY:
    case STATUS_INSUFFICIENT_RESOURCES: return ENOMEM;
    case STATUS_DISK_FULL: return ENOSPC;
    case STATUS_MEDIA_WRITE_PROTECTED: return EROFS;
    case STATUS_NAME_TOO_LONG: return ENAMETOOLONG;
    case STATUS_INVALID_HANDLE: return EBADF;
    case STATUS_SHARING_VIOLATION: return EBUSY;
    case STATUS_NOT_SUPPORTED:
    case STATUS_NOT_IMPLEMENTED: return ENOTSUP;
    case STATUS_CANCELLED: return ECANCELED;
    case STATUS_PENDING: return EAGAIN;
    default: return EIO;
    }
}
