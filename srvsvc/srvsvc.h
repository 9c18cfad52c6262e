/* srvsvcd's RPC services: srvsvc ([MS-SRVS]) and wkssvc ([MS-WKST]) on top of
 * the dcerpc runtime, written against a narrow back end so that the share
 * database (share-db), the live server state (srv, through the \srv device)
 * and the registry's settings plug in without the RPC code knowing them.
 *
 * The RPC layer owns the protocol: levels, access checks (Administrators for
 * every change and for the detailed levels), paging by preferred maximum
 * length and resume handle, NET_API_STATUS codes, path and name conventions
 * (a share path is "C:\dir\sub" on the wire and "/dir/sub" in the back end).
 * The back end owns the data and answers in NTSTATUS. */
#ifndef SW_SRVSVC_SRVSVC_H
#define SW_SRVSVC_SRVSVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dcerpc/dcerpc.h"
#include "lib/ntstatus.h"
#include "lib/token.h"
#include "srvsvc/srvs_idl.h"

/* A share as the back end keeps it. */
struct srvsvc_share {
    char *name;
    char *path;          /* POSIX path; NULL or "" for IPC$ */
    char *comment;
    uint32_t type;       /* STYPE_DISKTREE, STYPE_IPC, ... | STYPE_SPECIAL */
    uint32_t max_uses;   /* 0xFFFFFFFF: unlimited */
    uint32_t current_uses; /* live tree connects */
    uint32_t flags;      /* shi1005_flags (caching, ABE, encryption) */
    uint8_t *security_descriptor; /* self-relative, or NULL */
    size_t security_descriptor_len;
};

/* Which fields a share update changes. */
#define SRVSVC_SHARE_COMMENT  0x01u
#define SRVSVC_SHARE_MAX_USES 0x02u
#define SRVSVC_SHARE_PATH     0x04u
#define SRVSVC_SHARE_FLAGS    0x08u
#define SRVSVC_SHARE_SD       0x10u
#define SRVSVC_SHARE_TYPE     0x20u

struct srvsvc_session {
    uint32_t id;
    char *client;       /* the client's address or name, without "\\" */
    char *user;         /* DOMAIN\user or user */
    uint32_t num_opens;
    uint32_t time;      /* seconds since the session began */
    uint32_t idle_time; /* seconds since its last request */
    uint32_t user_flags; /* SESS_GUEST, SESS_NOENCRYPTION */
    char *client_type;  /* "SMB 3.1.1" */
    char *transport;
};

struct srvsvc_connection { /* a tree connect */
    uint32_t id;
    char *share;
    uint32_t share_type;
    char *client;
    char *user;
    uint32_t num_opens;
    uint32_t time;
};

struct srvsvc_file {
    uint32_t id;
    char *path;         /* the open file's POSIX path; "\PIPE\name" for a pipe */
    char *share;
    char *user;
    uint32_t permissions; /* PERM_FILE_READ | PERM_FILE_WRITE | PERM_FILE_CREATE */
    uint32_t num_locks;
};

struct srvsvc_server_info {
    char *name;         /* NetBIOS name */
    char *domain;       /* workgroup or domain */
    char *comment;
    uint32_t version_major, version_minor;
    uint32_t type;      /* SV_TYPE_* */
    uint32_t users;     /* maximum users, 0xFFFFFFFF: unlimited */
    int32_t disc;       /* autodisconnect minutes, -1: never */
    uint32_t hidden;    /* 1: not announced */
};

#define SRVSVC_SERVER_COMMENT 0x01u
#define SRVSVC_SERVER_USERS   0x02u
#define SRVSVC_SERVER_DISC    0x04u
#define SRVSVC_SERVER_HIDDEN  0x08u

/* The back end. Every routine returns STATUS_SUCCESS or the reason:
 * STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_NAME_COLLISION,
 * STATUS_OBJECT_PATH_NOT_FOUND (a share path that does not exist),
 * STATUS_ACCESS_DENIED, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED,
 * STATUS_NO_MEMORY. Strings and arrays handed back are allocated from the
 * arena given. actor is who asks (for the audit log). Any routine may be
 * NULL: the calls that need it answer ERROR_NOT_SUPPORTED. */
struct srvsvc_backend {
    void *ctx;
    NTSTATUS (*share_enum)(void *ctx, struct ndr_arena *arena, struct srvsvc_share **shares, size_t *count);
    NTSTATUS (*share_get)(void *ctx, struct ndr_arena *arena, const char *name, struct srvsvc_share *share);
    NTSTATUS (*share_add)(void *ctx, const struct srvsvc_share *share, const struct access_token *actor);
    NTSTATUS (*share_set)(void *ctx, const char *name, const struct srvsvc_share *share, uint32_t fields,
                          const struct access_token *actor);
    NTSTATUS (*share_del)(void *ctx, const char *name, const struct access_token *actor);
    NTSTATUS (*session_enum)(void *ctx, struct ndr_arena *arena, struct srvsvc_session **sessions, size_t *count);
    NTSTATUS (*session_close)(void *ctx, uint32_t id, const struct access_token *actor);
    NTSTATUS (*connection_enum)(void *ctx, struct ndr_arena *arena, struct srvsvc_connection **conns, size_t *count);
    NTSTATUS (*file_enum)(void *ctx, struct ndr_arena *arena, struct srvsvc_file **files, size_t *count);
    NTSTATUS (*file_close)(void *ctx, uint32_t id, const struct access_token *actor);
    NTSTATUS (*server_info_get)(void *ctx, struct ndr_arena *arena, struct srvsvc_server_info *info);
    NTSTATUS (*server_info_set)(void *ctx, const struct srvsvc_server_info *info, uint32_t fields,
                                const struct access_token *actor);
    /* Records a change the caller was refused (not an administrator) in the
     * audit log: action "share.add", object the share name (may be NULL). */
    void (*audit_refused)(void *ctx, const char *action, const char *object, const char *reason,
                          const struct access_token *actor);
};

/* Registers srvsvc and wkssvc on server, served from backend (which must
 * outlive server), and the minimal winreg (ProductType, winreg_calls.c). */
NTSTATUS srvsvc_register(struct dcerpc_server *server, const struct srvsvc_backend *backend);

/* An in-memory back end: for tests, `srvsvcd --stdio` and until the real
 * stores are wired in. Starts with IPC$ and whatever srvsvc_memory_add_*
 * puts in. Not thread-safe. */
struct srvsvc_memory;
struct srvsvc_memory *srvsvc_memory_new(const char *server_name);
void srvsvc_memory_backend(struct srvsvc_memory *mem, struct srvsvc_backend *backend);
NTSTATUS srvsvc_memory_add_share(struct srvsvc_memory *mem, const struct srvsvc_share *share);
NTSTATUS srvsvc_memory_add_session(struct srvsvc_memory *mem, const struct srvsvc_session *session);
NTSTATUS srvsvc_memory_add_connection(struct srvsvc_memory *mem, const struct srvsvc_connection *conn);
NTSTATUS srvsvc_memory_add_file(struct srvsvc_memory *mem, const struct srvsvc_file *file);
void srvsvc_memory_free(struct srvsvc_memory *mem);

/* Share path conventions: "/srv/data" <-> "C:\srv\data". The results are
 * allocated from arena; NULL for a path that cannot be mapped. A path that
 * begins with a backslash is already a Windows name ("\PIPE\srvsvc") and
 * goes out as it is. */
char *srvsvc_path_to_windows(struct ndr_arena *arena, const char *posix_path);
char *srvsvc_path_from_windows(struct ndr_arena *arena, const char *windows_path);
/* True if name is acceptable as a share name ([MS-SRVS] 3.1.4.7: at most
 * 80 characters, none of "\/[]:|<>+=;,?*" or control characters). */
bool srvsvc_share_name_valid(const char *name);

#endif
