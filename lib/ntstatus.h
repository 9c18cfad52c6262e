/* NTSTATUS: the one error type inside Samewise ([MS-ERREF] 2.3).
 *
 * Values and names are listed once, in NT_STATUS_TABLE; the enum constants and
 * nt_status_name() are both generated from it. */
#ifndef SW_NTSTATUS_H
#define SW_NTSTATUS_H

#include <stdint.h>

typedef uint32_t NTSTATUS;

/* Severity is the top two bits: 00 success, 01 informational, 10 warning, 11 error. */
#define NT_SUCCESS(s) ((uint32_t)(s) < 0x80000000u)
#define NT_ERROR(s) (((uint32_t)(s) >> 30) == 3u)

#define NT_STATUS_TABLE(X) \
    X(STATUS_SUCCESS,                        0x00000000) \
    X(STATUS_PENDING,                        0x00000103) \
    X(STATUS_NOTIFY_CLEANUP,                 0x0000010B) \
    X(STATUS_NOTIFY_ENUM_DIR,                0x0000010C) \
    X(STATUS_SOME_NOT_MAPPED,                0x00000107) \
    X(STATUS_BUFFER_OVERFLOW,                0x80000005) \
    X(STATUS_NO_MORE_FILES,                  0x80000006) \
    X(STATUS_NO_MORE_EAS,                    0x80000012) \
    X(STATUS_EA_LIST_INCONSISTENT,           0x80000014) \
    X(STATUS_NO_MORE_ENTRIES,                0x8000001A) \
    X(STATUS_STOPPED_ON_SYMLINK,             0x8000002D) \
    X(STATUS_UNSUCCESSFUL,                   0xC0000001) \
    X(STATUS_NOT_IMPLEMENTED,                0xC0000002) \
    X(STATUS_INVALID_INFO_CLASS,             0xC0000003) \
    X(STATUS_INFO_LENGTH_MISMATCH,           0xC0000004) \
    X(STATUS_ACCESS_VIOLATION,               0xC0000005) \
    X(STATUS_INVALID_HANDLE,                 0xC0000008) \
    X(STATUS_INVALID_PARAMETER,              0xC000000D) \
    X(STATUS_NO_SUCH_DEVICE,                 0xC000000E) \
    X(STATUS_NO_SUCH_FILE,                   0xC000000F) \
    X(STATUS_INVALID_DEVICE_REQUEST,         0xC0000010) \
    X(STATUS_END_OF_FILE,                    0xC0000011) \
    X(STATUS_MORE_PROCESSING_REQUIRED,       0xC0000016) \
    X(STATUS_INVALID_VIEW_SIZE,              0xC000001F) \
    X(STATUS_NO_MEMORY,                      0xC0000017) \
    X(STATUS_ACCESS_DENIED,                  0xC0000022) \
    X(STATUS_BUFFER_TOO_SMALL,               0xC0000023) \
    X(STATUS_OBJECT_TYPE_MISMATCH,           0xC0000024) \
    X(STATUS_OBJECT_NAME_INVALID,            0xC0000033) \
    X(STATUS_OBJECT_NAME_NOT_FOUND,          0xC0000034) \
    X(STATUS_OBJECT_NAME_COLLISION,          0xC0000035) \
    X(STATUS_PORT_DISCONNECTED,              0xC0000037) \
    X(STATUS_OBJECT_PATH_INVALID,            0xC0000039) \
    X(STATUS_OBJECT_PATH_NOT_FOUND,          0xC000003A) \
    X(STATUS_OBJECT_PATH_SYNTAX_BAD,         0xC000003B) \
    X(STATUS_DATA_ERROR,                     0xC000003E) \
    X(STATUS_SHARING_VIOLATION,              0xC0000043) \
    X(STATUS_EA_TOO_LARGE,                   0xC0000050) \
    X(STATUS_NONEXISTENT_EA_ENTRY,           0xC0000051) \
    X(STATUS_NO_EAS_ON_FILE,                 0xC0000052) \
    X(STATUS_DELETE_PENDING,                 0xC0000056) \
    X(STATUS_PRIVILEGE_NOT_HELD,             0xC0000061) \
    X(STATUS_INVALID_ACCOUNT_NAME,           0xC0000062) \
    X(STATUS_USER_EXISTS,                    0xC0000063) \
    X(STATUS_NO_SUCH_USER,                   0xC0000064) \
    X(STATUS_GROUP_EXISTS,                   0xC0000065) \
    X(STATUS_NO_SUCH_GROUP,                  0xC0000066) \
    X(STATUS_MEMBER_IN_GROUP,                0xC0000067) \
    X(STATUS_MEMBER_NOT_IN_GROUP,            0xC0000068) \
    X(STATUS_WRONG_PASSWORD,                 0xC000006A) \
    X(STATUS_PASSWORD_RESTRICTION,           0xC000006C) \
    X(STATUS_LOGON_FAILURE,                  0xC000006D) \
    X(STATUS_ACCOUNT_RESTRICTION,            0xC000006E) \
    X(STATUS_INVALID_LOGON_HOURS,            0xC000006F) \
    X(STATUS_INVALID_WORKSTATION,            0xC0000070) \
    X(STATUS_PASSWORD_EXPIRED,               0xC0000071) \
    X(STATUS_ACCOUNT_DISABLED,               0xC0000072) \
    X(STATUS_NONE_MAPPED,                    0xC0000073) \
    X(STATUS_INVALID_SID,                    0xC0000078) \
    X(STATUS_INVALID_SECURITY_DESCR,         0xC0000079) \
    X(STATUS_RANGE_NOT_LOCKED,               0xC000007E) \
    X(STATUS_DISK_FULL,                      0xC000007F) \
    X(STATUS_INSUFFICIENT_RESOURCES,         0xC000009A) \
    X(STATUS_MEDIA_WRITE_PROTECTED,          0xC00000A2) \
    X(STATUS_FILE_IS_A_DIRECTORY,            0xC00000BA) \
    X(STATUS_NOT_SUPPORTED,                  0xC00000BB) \
    X(STATUS_NETWORK_NAME_DELETED,           0xC00000C9) \
    X(STATUS_NETWORK_ACCESS_DENIED,          0xC00000CA) \
    X(STATUS_BAD_NETWORK_NAME,               0xC00000CC) \
    X(STATUS_REQUEST_NOT_ACCEPTED,           0xC00000D0) \
    X(STATUS_INSTANCE_NOT_AVAILABLE,         0xC00000AB) \
    X(STATUS_PIPE_NOT_AVAILABLE,             0xC00000AC) \
    X(STATUS_INVALID_PIPE_STATE,             0xC00000AD) \
    X(STATUS_PIPE_BUSY,                      0xC00000AE) \
    X(STATUS_PIPE_DISCONNECTED,              0xC00000B0) \
    X(STATUS_PIPE_CLOSING,                   0xC00000B1) \
    X(STATUS_PIPE_CONNECTED,                 0xC00000B2) \
    X(STATUS_PIPE_LISTENING,                 0xC00000B3) \
    X(STATUS_INVALID_READ_MODE,              0xC00000B4) \
    X(STATUS_IO_TIMEOUT,                     0xC00000B5) \
    X(STATUS_FILE_FORCED_CLOSED,             0xC00000B6) \
    X(STATUS_NOT_SAME_DEVICE,                0xC00000D4) \
    X(STATUS_PIPE_EMPTY,                     0xC00000D9) \
    X(STATUS_FILE_RENAMED,                   0xC00000D5) \
    X(STATUS_INTERNAL_ERROR,                 0xC00000E5) \
    X(STATUS_DIRECTORY_NOT_EMPTY,            0xC0000101) \
    X(STATUS_FILE_CORRUPT_ERROR,             0xC0000102) \
    X(STATUS_NOT_A_DIRECTORY,                0xC0000103) \
    X(STATUS_NAME_TOO_LONG,                  0xC0000106) \
    X(STATUS_FILES_OPEN,                     0xC0000107) \
    X(STATUS_CANCELLED,                      0xC0000120) \
    X(STATUS_CANNOT_DELETE,                  0xC0000121) \
    X(STATUS_INVALID_COMPUTER_NAME,          0xC0000122) \
    X(STATUS_FILE_DELETED,                   0xC0000123) \
    X(STATUS_SPECIAL_ACCOUNT,                0xC0000124) \
    X(STATUS_FILE_CLOSED,                    0xC0000128) \
    X(STATUS_TIME_DIFFERENCE_AT_DC,          0xC0000133) \
    X(STATUS_INVALID_LEVEL,                  0xC0000148) \
    X(STATUS_PIPE_BROKEN,                    0xC000014B) \
    X(STATUS_NO_SUCH_ALIAS,                  0xC0000151) \
    X(STATUS_MEMBER_NOT_IN_ALIAS,            0xC0000152) \
    X(STATUS_MEMBER_IN_ALIAS,                0xC0000153) \
    X(STATUS_ALIAS_EXISTS,                   0xC0000154) \
    X(STATUS_LOGON_TYPE_NOT_GRANTED,         0xC000015B) \
    X(STATUS_TOO_MANY_OPENED_FILES,          0xC000011F) \
    X(STATUS_INVALID_DEVICE_STATE,           0xC0000184) \
    X(STATUS_CONNECTION_DISCONNECTED,        0xC000020C) \
    X(STATUS_CONNECTION_RESET,               0xC000020D) \
    X(STATUS_NOT_FOUND,                      0xC0000225) \
    X(STATUS_LOCK_NOT_GRANTED,               0xC0000055) \
    X(STATUS_FILE_LOCK_CONFLICT,             0xC0000054) \
    X(STATUS_ACCOUNT_EXPIRED,                0xC0000193) \
    X(STATUS_USER_SESSION_DELETED,           0xC0000203) \
    X(STATUS_INSUFF_SERVER_RESOURCES,        0xC0000205) \
    X(STATUS_REQUEST_ABORTED,                0xC0000240) \
    X(STATUS_ACCOUNT_LOCKED_OUT,             0xC0000234) \
    X(STATUS_PASSWORD_MUST_CHANGE,           0xC0000224) \
    X(STATUS_NOT_A_REPARSE_POINT,            0xC0000275) \
    X(STATUS_OBJECTID_NOT_FOUND,             0xC00002F0) \
    X(STATUS_DUPLICATE_NAME,                 0xC00000BD) \
    X(STATUS_NETWORK_SESSION_EXPIRED,        0xC000035C) \
    X(STATUS_INVALID_BUFFER_SIZE,            0xC0000206) \
    X(STATUS_INVALID_NETWORK_RESPONSE,       0xC00000C3) \
    X(STATUS_INVALID_OPLOCK_PROTOCOL,        0xC00000E3) \
    X(STATUS_INVALID_USER_BUFFER,            0xC00000E8) \
    X(STATUS_STREAM_MINIVERSION_NOT_FOUND,   0xC0000413) \
    X(STATUS_FS_DRIVER_REQUIRED,             0xC000019C) \
    X(STATUS_DEVICE_DOES_NOT_EXIST,          0xC00000C0) \
    X(STATUS_UNEXPECTED_IO_ERROR,            0xC00000E9) \
    X(STATUS_ILLEGAL_CHARACTER,              0xC0000161) \
    X(STATUS_UNMAPPABLE_CHARACTER,           0xC0000162) \
    X(STATUS_INVALID_LOCK_SEQUENCE,          0xC000001E) \
    X(STATUS_INVALID_LOCK_RANGE,             0xC00001A1) \
    X(STATUS_ILLEGAL_FUNCTION,               0xC00000AF) \
    X(STATUS_FILE_INVALID,                   0xC0000098) \
    X(STATUS_FILE_SYSTEM_LIMITATION,         0xC0000427) \
    X(STATUS_REQUEST_OUT_OF_SEQUENCE,        0xC000042A) \
    X(STATUS_WRONG_VOLUME,                   0xC0000012) \
    X(STATUS_ENCRYPTION_FAILED,              0xC000028A) \
    X(STATUS_DECRYPTION_FAILED,              0xC000028B) \
    X(STATUS_NO_USER_SESSION_KEY,            0xC0000202) \
    X(STATUS_REVISION_MISMATCH,              0xC0000059) \
    X(STATUS_NO_SUCH_DOMAIN,                 0xC00000DF) \
    X(STATUS_INVALID_SERVER_STATE,           0xC00000DC) \
    X(STATUS_NO_SUCH_PRIVILEGE,              0xC0000060) \
    X(STATUS_OBJECT_NAME_EXISTS,             0x40000000) \
    X(STATUS_BUFFER_ALL_ZEROS,               0x00000117) \
    X(STATUS_NO_LOGON_SERVERS,               0xC000005E) \
    X(STATUS_TIMEOUT,                        0x00000102) \
    X(STATUS_NOT_LOCKED,                     0xC000002A) \
    X(STATUS_DATA_OVERRUN,                   0xC000003C) \
    X(STATUS_HASH_NOT_PRESENT,               0xC000A100) \
    X(STATUS_BAD_IMPERSONATION_LEVEL,        0xC00000A5) \
    X(STATUS_BAD_NETWORK_PATH,               0xC00000BE) \
    X(STATUS_USER_MAPPED_FILE,               0xC0000243) \
    X(STATUS_INVALID_EA_NAME,                0x80000013) \
    X(STATUS_EAS_NOT_SUPPORTED,              0xC000004F) \
    X(STATUS_SMB_BAD_COMMAND,                0x00160002) \
    X(STATUS_BAD_DEVICE_TYPE,                0xC00000CB) \
    X(STATUS_FILE_NOT_AVAILABLE,             0xC0000467) \
    X(STATUS_SMB_NO_PREAUTH_INTEGRITY_HASH_OVERLAP, 0xC05D0000) \
    X(STATUS_RPC_PROTOCOL_ERROR,             0xC002001D)

enum {
#define SW_NT_STATUS_ENUM(name, value) name = (NTSTATUS)(value),
    NT_STATUS_TABLE(SW_NT_STATUS_ENUM)
#undef SW_NT_STATUS_ENUM
};

/* "STATUS_ACCESS_DENIED", or "NTSTATUS 0x........" (in a static per-thread buffer)
 * for a value not in the table. Never NULL. */
const char *nt_status_name(NTSTATUS status);

/* An errno from a POSIX call, as the NTSTATUS a Windows file system would give. */
NTSTATUS nt_status_from_errno(int error);

/* The closest errno for a status (for tools that speak POSIX); 0 for success. */
int nt_status_to_errno(NTSTATUS status);

/* The status behind a spec name ("STATUS_ACCESS_DENIED" or "ACCESS_DENIED");
 * returns 0 on success, -1 for an unknown name. */
int nt_status_from_name(const char *name, NTSTATUS *status);

#endif
