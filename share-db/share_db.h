/* share-db: the shares, stored in the registry (table `shares`).
 *
 * A share is a name clients connect to (\\server\NAME), what it maps to (a
 * directory for a disk share; the named pipe namespace for IPC$), and the
 * share-level security descriptor checked at tree connect, like Windows'
 * LanmanServer\Shares keys.
 *
 * Every mutating call validates first, audits, and is atomic: it joins the
 * caller's registry transaction if one is open, else makes its own. IPC$
 * exists in every registry (the share-db migration creates it) and cannot be
 * deleted. Names compare case-insensitively (NTFS-style case folding) and
 * keep the case they were created with.
 *
 * Errors: NTSTATUS, plus a one-line malloc'd message through error_message
 * (may be NULL) as in registry.h. */
#ifndef SW_SHARE_DB_H
#define SW_SHARE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/sid.h"
#include "registry/registry.h"

/* Share types ([MS-SRVS] 2.2.2.4). STYPE_SPECIAL is added by srvsvc for
 * reporting ($ names); it is not stored. */
#define STYPE_DISKTREE 0x00000000u
#define STYPE_IPC 0x00000003u
#define STYPE_SPECIAL 0x80000000u

/* Flags. The low 16 bits are the SHI1005 flags of [MS-SRVS] 2.2.4.29, so
 * srvsvc can pass them through; the high bits are Samewise's own. */
#define SHARE_FLAG_ACCESS_BASED_ENUM 0x00000800u /* SHI1005_FLAGS_ACCESS_BASED_DIRECTORY_ENUM */
#define SHARE_FLAG_ENCRYPT_DATA 0x00008000u      /* SHI1005_FLAGS_ENCRYPT_DATA */
#define SHARE_FLAG_GUEST_OK 0x20000000u          /* guest and anonymous sessions may connect */
#define SHARE_FLAG_HIDDEN 0x40000000u            /* left out of share enumeration */
#define SHARE_FLAG_READ_ONLY 0x80000000u         /* no writes through this share */
/* Offline caching mode (SHI1005_FLAGS_CSC_*), one of four values. */
#define SHARE_CACHING_MASK 0x00000030u
#define SHARE_CACHING_MANUAL 0x00000000u    /* CSC_CACHE_MANUAL_REINT (Windows default) */
#define SHARE_CACHING_DOCUMENTS 0x00000010u /* CSC_CACHE_AUTO_REINT */
#define SHARE_CACHING_PROGRAMS 0x00000020u  /* CSC_CACHE_VDO */
#define SHARE_CACHING_NONE 0x00000030u      /* CSC_CACHE_NONE */
#define SHARE_FLAGS_VALID                                                              \
    (SHARE_FLAG_ACCESS_BASED_ENUM | SHARE_FLAG_ENCRYPT_DATA | SHARE_FLAG_HIDDEN |      \
     SHARE_FLAG_READ_ONLY | SHARE_FLAG_GUEST_OK | SHARE_CACHING_MASK)

#define SHARE_NAME_MAX 80 /* NNLEN, in UTF-16 code units */
#define SHARE_COMMENT_MAX 256 /* MAXCOMMENTSZ */
#define SHARE_MAX_USES_UNLIMITED (-1)

/* Access masks of Windows' share permissions. */
#define SHARE_ACCESS_READ 0x001200a9u
#define SHARE_ACCESS_CHANGE 0x001301bfu
#define SHARE_ACCESS_FULL 0x001f01ffu

struct share {
    char *name;
    char *path;       /* canonical absolute directory; "" for IPC$ */
    char *comment;    /* never NULL in results; NULL means "" on input */
    uint32_t type;    /* STYPE_DISKTREE or STYPE_IPC */
    uint32_t flags;   /* SHARE_FLAG_*, SHARE_CACHING_*; results include
                         SHARE_FLAG_HIDDEN when the name ends in '$' */
    int32_t max_uses; /* -1 = unlimited */
    uint8_t *sd;      /* self-relative security descriptor; NULL on input =
                         the default (Administrators full, Everyone read).
                         NULL in results only for IPC$: no share-level check
                         (anonymous access is governed by settings) */
    size_t sd_len;
};

/* Adds a disk share (type STYPE_DISKTREE). The path must be an existing
 * directory; it is stored canonicalised (realpath). STATUS_OBJECT_NAME_COLLISION
 * if the name exists (any case), STATUS_OBJECT_NAME_INVALID for a bad name,
 * STATUS_OBJECT_PATH_NOT_FOUND / STATUS_NOT_A_DIRECTORY for a bad path,
 * STATUS_INVALID_PARAMETER for bad flags, max_uses, comment or sd. */
NTSTATUS share_db_add(struct registry *reg, const struct share *share,
                      const struct audit_actor *actor, char **error_message);
/* Replaces the fields of the existing share named share->name (found
 * case-insensitively; the stored name takes share->name's case): flags and
 * max_uses always; path, comment and sd unless NULL (NULL keeps the current
 * one). Same checks as add. IPC$ keeps its type and path. The usual pattern is
 * share_db_get, change fields, share_db_set. STATUS_BAD_NETWORK_NAME if absent. */
NTSTATUS share_db_set(struct registry *reg, const struct share *share,
                      const struct audit_actor *actor, char **error_message);
/* STATUS_BAD_NETWORK_NAME if absent; STATUS_ACCESS_DENIED for IPC$. */
NTSTATUS share_db_delete(struct registry *reg, const char *name,
                         const struct audit_actor *actor, char **error_message);
/* STATUS_BAD_NETWORK_NAME if absent. */
NTSTATUS share_db_get(struct registry *reg, const char *name, struct share **out);
/* All shares, sorted by name (case-insensitively). */
NTSTATUS share_db_list(struct registry *reg, struct share ***out, size_t *count);
void share_free(struct share *share);
void share_list_free(struct share **shares, size_t count);
/* True for SHARE_FLAG_HIDDEN or a name ending in '$'. */
bool share_is_hidden(const struct share *share);
/* "read-only,hidden,encrypt-data,access-based-enumeration,guest-ok,caching=manual":
 * the flags in words, for listings and the audit log (malloc'd). */
char *share_flags_describe(uint32_t flags);
/* Parses one caching mode word (manual, documents, programs, none) into its
 * SHARE_CACHING_* value; false if unknown. */
bool share_caching_parse(const char *word, uint32_t *caching);

/* Windows' share name rules: 1..80 UTF-16 units of well-formed UTF-8, none of
 * " / \ [ ] : | < > + = ; , * ? or control characters, not "." or "..", not a
 * reserved name (IPC$, ADMIN$, PRINT$, the DOS devices CON, PRN, AUX, NUL,
 * COM1-9, LPT1-9). STATUS_OBJECT_NAME_INVALID. */
NTSTATUS share_validate_name(const char *name, char **error_message);
/* Absolute, existing, a directory; *canonical (may be NULL) gets realpath(). */
NTSTATUS share_validate_path(const char *path, char **canonical, char **error_message);

/* Turns a principal name into a SID, for names that are not built in (SAM
 * users and groups). Return STATUS_NONE_MAPPED if unknown. */
typedef NTSTATUS (*share_principal_resolver)(void *context, const char *name,
                                              struct sid *sid);

/* Builds a self-relative security descriptor (owner BUILTIN\Administrators,
 * group SYSTEM, a DACL of one ACCESS_ALLOWED ACE per principal) from grants
 * "PRINCIPAL:read|change|full". Principals: Everyone, Administrators, Users,
 * Guests, Authenticated Users (also with a BUILTIN\ or NT AUTHORITY\
 * prefix, any case), a SID string "S-1-...", or any name resolve knows (resolve
 * may be NULL). Several grants for one principal add up. count 0 gives the
 * default: Administrators full, Everyone read. *sd is malloc'd. */
NTSTATUS share_sd_from_grants(const char *const *grants, size_t count,
                              share_principal_resolver resolve, void *resolve_context,
                              uint8_t **sd, size_t *sd_len, char **error_message);
/* The default share descriptor (Administrators full, Everyone read). */
NTSTATUS share_sd_default(uint8_t **sd, size_t *sd_len);

/* Turns a SID into a display name for share_sd_to_grants (NULL: built-in
 * names, else the SID string). Return a malloc'd name or NULL if unknown. */
typedef char *(*share_sid_namer)(void *context, const struct sid *sid);

/* The other direction, for `share show` and export: one "PRINCIPAL:LEVEL"
 * string per ACCESS_ALLOWED ACE whose mask is exactly read, change or full
 * ("PRINCIPAL:0xMASK" otherwise; deny ACEs as "PRINCIPAL:deny:0xMASK").
 * *grants is a malloc'd array of malloc'd strings (registry_strv_free). */
NTSTATUS share_sd_to_grants(const uint8_t *sd, size_t sd_len, share_sid_namer namer,
                            void *namer_context, char ***grants, size_t *count);

/* Whether any ACE of the descriptor's DACL names sid (a grant or a deny). */
bool share_sd_names_sid(const uint8_t *sd, size_t sd_len, const struct sid *sid);
/* A copy of the descriptor without the ACEs that name sid (what is left of
 * the grants when that account is deleted). *out is malloc'd. */
NTSTATUS share_sd_without_sid(const uint8_t *sd, size_t sd_len, const struct sid *sid,
                              uint8_t **out, size_t *out_len);

#endif
