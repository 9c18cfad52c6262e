/* Access masks and the access check ([MS-DTYP] 2.4.3, 2.5.3.2).
 *
 * This header owns every access-mask constant in Samewise (standard rights,
 * generic rights, the file and directory specific rights): other modules
 * (lwiod/ntfile.h, pvfs, srv, share-db) include it instead of defining their own.
 *
 * The access check evaluates a security descriptor (lib/secdesc.h) against an
 * access token (lib/token.h) the way Windows does:
 *   - generic bits in the request and in ACE masks are mapped to specific rights;
 *   - ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege (or backup/restore with
 *     backup intent), else STATUS_PRIVILEGE_NOT_HELD;
 *   - SeTakeOwnershipPrivilege grants WRITE_OWNER; with ACCESS_CHECK_BACKUP_INTENT
 *     (the FILE_OPEN_FOR_BACKUP_INTENT create option) SeBackupPrivilege grants
 *     BACKUP_PRIVILEGE_ACCESS and SeRestorePrivilege RESTORE_PRIVILEGE_ACCESS;
 *   - the owner is granted READ_CONTROL|WRITE_DAC unless the DACL holds an
 *     effective OWNER RIGHTS (S-1-3-4) ACE, which then says what the owner gets;
 *   - no DACL (absent, or present and NULL) grants everything; an empty DACL
 *     grants nothing beyond the owner's and the privileges' rights;
 *   - ACEs are evaluated in order: a deny ACE refuses only bits not yet granted
 *     by an earlier allow ACE (so canonical order, denies first, makes deny win);
 *     inherit-only ACEs are skipped; callback (conditional) ACEs are treated as
 *     having an UNKNOWN condition: an allow-callback never grants, a
 *     deny-callback always denies ([MS-DTYP] 2.5.3.2); object ACEs apply only
 *     when they name no object type (files have no object types);
 *   - MAXIMUM_ALLOWED returns every right the caller could get.
 */
#ifndef SW_ACCESS_H
#define SW_ACCESS_H

#include <stdint.h>

#include "lib/ntstatus.h"
#include "lib/token.h"

/* Standard rights ([MS-DTYP] 2.4.3). */
#define DELETE                     0x00010000u
#define READ_CONTROL               0x00020000u
#define WRITE_DAC                  0x00040000u
#define WRITE_OWNER                0x00080000u
#define SYNCHRONIZE                0x00100000u
#define STANDARD_RIGHTS_REQUIRED   0x000F0000u
#define STANDARD_RIGHTS_READ       READ_CONTROL
#define STANDARD_RIGHTS_WRITE      READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE    READ_CONTROL
#define STANDARD_RIGHTS_ALL        0x001F0000u
#define SPECIFIC_RIGHTS_ALL        0x0000FFFFu
#define ACCESS_SYSTEM_SECURITY     0x01000000u
#define MAXIMUM_ALLOWED            0x02000000u
#define GENERIC_ALL                0x10000000u
#define GENERIC_EXECUTE            0x20000000u
#define GENERIC_WRITE              0x40000000u
#define GENERIC_READ               0x80000000u
#define GENERIC_RIGHTS_MASK        0xF0000000u

/* File and directory specific rights ([MS-SMB2] 2.2.13.1.1 and 2.2.13.1.2). */
#define FILE_READ_DATA             0x00000001u /* file */
#define FILE_LIST_DIRECTORY        0x00000001u /* directory */
#define FILE_WRITE_DATA            0x00000002u /* file */
#define FILE_ADD_FILE              0x00000002u /* directory */
#define FILE_APPEND_DATA           0x00000004u /* file */
#define FILE_ADD_SUBDIRECTORY      0x00000004u /* directory */
#define FILE_CREATE_PIPE_INSTANCE  0x00000004u /* named pipe */
#define FILE_READ_EA               0x00000008u
#define FILE_WRITE_EA              0x00000010u
#define FILE_EXECUTE               0x00000020u /* file */
#define FILE_TRAVERSE              0x00000020u /* directory */
#define FILE_DELETE_CHILD          0x00000040u /* directory */
#define FILE_READ_ATTRIBUTES       0x00000080u
#define FILE_WRITE_ATTRIBUTES      0x00000100u

/* Written as literals, token for token as lwiod/ntfile.h has them, so both
 * headers may be included in either order. */
#define FILE_ALL_ACCESS            0x001F01FFu /* STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF */
#define FILE_GENERIC_READ          0x00120089u /* READ_CONTROL | FILE_READ_DATA |
                                                  FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE */
#define FILE_GENERIC_WRITE         0x00120116u /* READ_CONTROL | FILE_WRITE_DATA |
                                                  FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA |
                                                  FILE_APPEND_DATA | SYNCHRONIZE */
#define FILE_GENERIC_EXECUTE       0x001200A0u /* READ_CONTROL | FILE_READ_ATTRIBUTES |
                                                  FILE_EXECUTE | SYNCHRONIZE */

/* What SeBackupPrivilege and SeRestorePrivilege grant on a file opened with
 * backup intent (the Windows "Privilege Constants" documentation). */
#define BACKUP_PRIVILEGE_ACCESS  (READ_CONTROL | ACCESS_SYSTEM_SECURITY | FILE_GENERIC_READ | \
                                  FILE_TRAVERSE)
#define RESTORE_PRIVILEGE_ACCESS (WRITE_DAC | WRITE_OWNER | ACCESS_SYSTEM_SECURITY | \
                                  FILE_GENERIC_WRITE | FILE_ADD_FILE | FILE_ADD_SUBDIRECTORY | \
                                  DELETE)

/* GENERIC_MAPPING: what each generic right means for one kind of object. */
struct generic_mapping {
    uint32_t generic_read;
    uint32_t generic_write;
    uint32_t generic_execute;
    uint32_t generic_all;
};

/* Files and directories: FILE_GENERIC_READ/WRITE/EXECUTE, FILE_ALL_ACCESS. */
extern const struct generic_mapping file_generic_mapping;

/* mask with its GENERIC_* bits replaced by the specific rights they map to. */
uint32_t access_map_generic(uint32_t mask, const struct generic_mapping *mapping);

/* access_check flags */
#define ACCESS_CHECK_BACKUP_INTENT 0x1u /* FILE_OPEN_FOR_BACKUP_INTENT: backup/restore privileges apply */

struct security_descriptor;

/* Checks desired (which may hold GENERIC_* bits and MAXIMUM_ALLOWED) against sd
 * for token. On success *granted is the mapped access granted (with
 * MAXIMUM_ALLOWED: everything the caller may have) and STATUS_SUCCESS is
 * returned; otherwise *granted is 0 and the result is STATUS_ACCESS_DENIED, or
 * STATUS_PRIVILEGE_NOT_HELD for ACCESS_SYSTEM_SECURITY without the privilege.
 * A NULL mapping means file_generic_mapping. */
NTSTATUS access_check(const struct security_descriptor *sd, const struct access_token *token,
                      uint32_t desired, const struct generic_mapping *mapping, uint32_t flags,
                      uint32_t *granted);

#endif
