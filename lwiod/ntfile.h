/* NT file constants shared by the I/O manager, its drivers (pvfs, npfs, srv),
 * the lwio client library and the tools: one definition for everyone.
 *
 * Values and names are those of [MS-FSCC], [MS-SMB2] 2.2.13 and [MS-DTYP]
 * 2.4.3; the spec is the glossary. Generic access rights and security
 * information bits may also be defined by lib/secdesc.h: they are guarded so
 * that both headers can be included in either order. */
#ifndef SW_LWIOD_NTFILE_H
#define SW_LWIOD_NTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/ntstatus.h"

/* ---- Access masks ([MS-SMB2] 2.2.13.1, [MS-DTYP] 2.4.3) ---- */
#define FILE_READ_DATA          0x00000001u /* file; FILE_LIST_DIRECTORY on a dir */
#define FILE_LIST_DIRECTORY     0x00000001u
#define FILE_WRITE_DATA         0x00000002u /* file; FILE_ADD_FILE on a dir */
#define FILE_ADD_FILE           0x00000002u
#define FILE_APPEND_DATA        0x00000004u /* file; FILE_ADD_SUBDIRECTORY on a dir */
#define FILE_ADD_SUBDIRECTORY   0x00000004u
#define FILE_READ_EA            0x00000008u
#define FILE_WRITE_EA           0x00000010u
#define FILE_EXECUTE            0x00000020u /* file; FILE_TRAVERSE on a dir */
#define FILE_TRAVERSE           0x00000020u
#define FILE_DELETE_CHILD       0x00000040u
#define FILE_READ_ATTRIBUTES    0x00000080u
#define FILE_WRITE_ATTRIBUTES   0x00000100u
#ifndef DELETE
#define DELETE                  0x00010000u
#define READ_CONTROL            0x00020000u
#define WRITE_DAC               0x00040000u
#define WRITE_OWNER             0x00080000u
#define SYNCHRONIZE             0x00100000u
#define ACCESS_SYSTEM_SECURITY  0x01000000u
#define MAXIMUM_ALLOWED         0x02000000u
#define GENERIC_ALL             0x10000000u
#define GENERIC_EXECUTE         0x20000000u
#define GENERIC_WRITE           0x40000000u
#define GENERIC_READ            0x80000000u
#endif
#define STANDARD_RIGHTS_REQUIRED 0x000F0000u
#define FILE_ALL_ACCESS         0x001F01FFu
#define FILE_GENERIC_READ       0x00120089u
#define FILE_GENERIC_WRITE      0x00120116u
#define FILE_GENERIC_EXECUTE    0x001200A0u

/* ---- Share access ---- */
#define FILE_SHARE_READ         0x00000001u
#define FILE_SHARE_WRITE        0x00000002u
#define FILE_SHARE_DELETE       0x00000004u
#define FILE_SHARE_VALID_FLAGS  0x00000007u

/* ---- Create disposition ---- */
#define FILE_SUPERSEDE          0u
#define FILE_OPEN               1u
#define FILE_CREATE             2u
#define FILE_OPEN_IF            3u
#define FILE_OVERWRITE          4u
#define FILE_OVERWRITE_IF       5u
#define FILE_MAXIMUM_DISPOSITION 5u

/* ---- Create options ---- */
#define FILE_DIRECTORY_FILE             0x00000001u
#define FILE_WRITE_THROUGH              0x00000002u
#define FILE_SEQUENTIAL_ONLY            0x00000004u
#define FILE_NO_INTERMEDIATE_BUFFERING  0x00000008u
#define FILE_SYNCHRONOUS_IO_ALERT       0x00000010u
#define FILE_SYNCHRONOUS_IO_NONALERT    0x00000020u
#define FILE_NON_DIRECTORY_FILE         0x00000040u
#define FILE_CREATE_TREE_CONNECTION     0x00000080u
#define FILE_COMPLETE_IF_OPLOCKED       0x00000100u
#define FILE_NO_EA_KNOWLEDGE            0x00000200u
#define FILE_OPEN_REMOTE_INSTANCE       0x00000400u
#define FILE_RANDOM_ACCESS              0x00000800u
#define FILE_DELETE_ON_CLOSE            0x00001000u
#define FILE_OPEN_BY_FILE_ID            0x00002000u
#define FILE_OPEN_FOR_BACKUP_INTENT     0x00004000u
#define FILE_NO_COMPRESSION             0x00008000u
#define FILE_OPEN_REQUIRING_OPLOCK      0x00010000u
#define FILE_RESERVE_OPFILTER           0x00100000u
#define FILE_OPEN_REPARSE_POINT         0x00200000u
#define FILE_OPEN_NO_RECALL             0x00400000u
#define FILE_OPEN_FOR_FREE_SPACE_QUERY  0x00800000u

/* ---- Create action, returned in io_status_block.information by a create ---- */
#define FILE_SUPERSEDED         0u
#define FILE_OPENED             1u
#define FILE_CREATED            2u
#define FILE_OVERWRITTEN        3u
#define FILE_EXISTS             4u
#define FILE_DOES_NOT_EXIST     5u

/* ---- File attributes ([MS-FSCC] 2.6) ---- */
#define FILE_ATTRIBUTE_READONLY             0x00000001u
#define FILE_ATTRIBUTE_HIDDEN               0x00000002u
#define FILE_ATTRIBUTE_SYSTEM               0x00000004u
#define FILE_ATTRIBUTE_DIRECTORY            0x00000010u
#define FILE_ATTRIBUTE_ARCHIVE              0x00000020u
#define FILE_ATTRIBUTE_NORMAL               0x00000080u
#define FILE_ATTRIBUTE_TEMPORARY            0x00000100u
#define FILE_ATTRIBUTE_SPARSE_FILE          0x00000200u
#define FILE_ATTRIBUTE_REPARSE_POINT        0x00000400u
#define FILE_ATTRIBUTE_COMPRESSED           0x00000800u
#define FILE_ATTRIBUTE_OFFLINE              0x00001000u
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED  0x00002000u
#define FILE_ATTRIBUTE_ENCRYPTED            0x00004000u
#define FILE_ATTRIBUTE_INTEGRITY_STREAM     0x00008000u
#define FILE_ATTRIBUTE_NO_SCRUB_DATA        0x00020000u

/* ---- File information classes ([MS-FSCC] 2.4) ---- */
enum file_information_class {
    FileDirectoryInformation = 1,
    FileFullDirectoryInformation = 2,
    FileBothDirectoryInformation = 3,
    FileBasicInformation = 4,
    FileStandardInformation = 5,
    FileInternalInformation = 6,
    FileEaInformation = 7,
    FileAccessInformation = 8,
    FileNameInformation = 9,
    FileRenameInformation = 10,
    FileLinkInformation = 11,
    FileNamesInformation = 12,
    FileDispositionInformation = 13,
    FilePositionInformation = 14,
    FileFullEaInformation = 15,
    FileModeInformation = 16,
    FileAlignmentInformation = 17,
    FileAllInformation = 18,
    FileAllocationInformation = 19,
    FileEndOfFileInformation = 20,
    FileAlternateNameInformation = 21,
    FileStreamInformation = 22,
    FilePipeInformation = 23,
    FilePipeLocalInformation = 24,
    FilePipeRemoteInformation = 25,
    FileMailslotQueryInformation = 26,
    FileMailslotSetInformation = 27,
    FileCompressionInformation = 28,
    FileObjectIdInformation = 29,
    FileMoveClusterInformation = 31,
    FileQuotaInformation = 32,
    FileReparsePointInformation = 33,
    FileNetworkOpenInformation = 34,
    FileAttributeTagInformation = 35,
    FileTrackingInformation = 36,
    FileIdBothDirectoryInformation = 37,
    FileIdFullDirectoryInformation = 38,
    FileValidDataLengthInformation = 39,
    FileShortNameInformation = 40,
    FileSfioReserveInformation = 44,
    FileSfioVolumeInformation = 45,
    FileHardLinkInformation = 46,
    FileNormalizedNameInformation = 48,
    FileIdGlobalTxDirectoryInformation = 50,
    FileStandardLinkInformation = 54,
    FileIdInformation = 59,
    FileIdExtdDirectoryInformation = 60,
    FileDispositionInformationEx = 64,
    FileRenameInformationEx = 65,
};

/* Conventions of this I/O manager for the classes that carry a name:
 *   FileRenameInformation / FileLinkInformation take the [MS-FSCC] 2.4.37
 *   FILE_RENAME_INFORMATION_TYPE_2 layout (ReplaceIfExists u8, 7 reserved
 *   bytes, RootDirectory u64 = 0, FileNameLength u32, FileName UTF-16LE), and
 *   FileName is the target's path relative to the same device, as a driver
 *   sees paths at create ("dir\new", no leading backslash). srv turns an SMB2
 *   share-relative name into that form.
 *   FileDispositionInformation is one byte, DeletePending. */

/* ---- File system (volume) information classes ([MS-FSCC] 2.5) ---- */
enum fs_information_class {
    FileFsVolumeInformation = 1,
    FileFsLabelInformation = 2,
    FileFsSizeInformation = 3,
    FileFsDeviceInformation = 4,
    FileFsAttributeInformation = 5,
    FileFsControlInformation = 6,
    FileFsFullSizeInformation = 7,
    FileFsObjectIdInformation = 8,
    FileFsDriverPathInformation = 9,
    FileFsVolumeFlagsInformation = 10,
    FileFsSectorSizeInformation = 11,
};

/* ---- Security information ([MS-DTYP] 2.4.7) ---- */
#ifndef OWNER_SECURITY_INFORMATION
#define OWNER_SECURITY_INFORMATION      0x00000001u
#define GROUP_SECURITY_INFORMATION      0x00000002u
#define DACL_SECURITY_INFORMATION       0x00000004u
#define SACL_SECURITY_INFORMATION       0x00000008u
#define LABEL_SECURITY_INFORMATION      0x00000010u
#define ATTRIBUTE_SECURITY_INFORMATION  0x00000020u
#define SCOPE_SECURITY_INFORMATION      0x00000040u
#define BACKUP_SECURITY_INFORMATION     0x00010000u
#endif

/* ---- Query directory flags ([MS-SMB2] 2.2.33, as NtQueryDirectoryFile takes them) ---- */
#define SL_RESTART_SCAN         0x00000001u
#define SL_RETURN_SINGLE_ENTRY  0x00000002u
#define SL_INDEX_SPECIFIED      0x00000004u

/* ---- Byte-range lock flags (NtLockFile's FailImmediately/ExclusiveLock) ---- */
/* NtNotifyChangeDirectoryFile CompletionFilter ([MS-FSCC] 2.7.1 / [MS-SMB2]
 * 2.2.35) and FILE_NOTIFY_INFORMATION.Action. */
#define FILE_NOTIFY_CHANGE_FILE_NAME    0x00000001u
#define FILE_NOTIFY_CHANGE_DIR_NAME     0x00000002u
#define FILE_NOTIFY_CHANGE_ATTRIBUTES   0x00000004u
#define FILE_NOTIFY_CHANGE_SIZE         0x00000008u
#define FILE_NOTIFY_CHANGE_LAST_WRITE   0x00000010u
#define FILE_NOTIFY_CHANGE_LAST_ACCESS  0x00000020u
#define FILE_NOTIFY_CHANGE_CREATION     0x00000040u
#define FILE_NOTIFY_CHANGE_EA           0x00000080u
#define FILE_NOTIFY_CHANGE_SECURITY     0x00000100u
#define FILE_NOTIFY_CHANGE_STREAM_NAME  0x00000200u
#define FILE_NOTIFY_CHANGE_STREAM_SIZE  0x00000400u
#define FILE_NOTIFY_CHANGE_STREAM_WRITE 0x00000800u
#define FILE_NOTIFY_VALID_MASK          0x00000fffu
#define FILE_ACTION_ADDED               0x00000001u
#define FILE_ACTION_REMOVED             0x00000002u
#define FILE_ACTION_MODIFIED            0x00000003u
#define FILE_ACTION_RENAMED_OLD_NAME    0x00000004u
#define FILE_ACTION_RENAMED_NEW_NAME    0x00000005u

#define SL_FAIL_IMMEDIATELY     0x00000001u
#define SL_EXCLUSIVE_LOCK       0x00000002u

/* ---- Control codes: CTL_CODE(device type, function, method, access) ---- */
#define CTL_CODE(device_type, function, method, access) \
    (((uint32_t)(device_type) << 16) | ((uint32_t)(access) << 14) | \
     ((uint32_t)(function) << 2) | (uint32_t)(method))
#define FILE_DEVICE_FILE_SYSTEM 0x00000009u
#define FILE_DEVICE_NAMED_PIPE  0x00000011u
#define FILE_DEVICE_NETWORK_FILE_SYSTEM 0x00000014u
#define METHOD_BUFFERED         0u
#define METHOD_IN_DIRECT        1u
#define METHOD_OUT_DIRECT       2u
#define METHOD_NEITHER          3u
#define FILE_ANY_ACCESS         0u
#define FILE_READ_ACCESS        1u
#define FILE_WRITE_ACCESS       2u

/* Named pipe FSCTLs ([MS-FSCC] 2.3). */
#define FSCTL_PIPE_DISCONNECT   0x00110004u
#define FSCTL_PIPE_LISTEN       0x00110008u
#define FSCTL_PIPE_PEEK         0x0011400Cu
#define FSCTL_PIPE_QUERY_EVENT  0x00110010u
#define FSCTL_PIPE_TRANSCEIVE   0x0011C017u
#define FSCTL_PIPE_WAIT         0x00110018u
#define FSCTL_PIPE_IMPERSONATE  0x0011001Cu
/* Server FSCTLs that SMB2 IOCTL carries ([MS-SMB2] 2.2.31). */
#define FSCTL_DFS_GET_REFERRALS             0x00060194u
#define FSCTL_DFS_GET_REFERRALS_EX          0x000601B0u
#define FSCTL_SRV_ENUMERATE_SNAPSHOTS       0x00144064u
#define FSCTL_SRV_REQUEST_RESUME_KEY        0x00140078u
#define FSCTL_SRV_READ_HASH                 0x001441BBu
#define FSCTL_SRV_COPYCHUNK                 0x001440F2u
#define FSCTL_SRV_COPYCHUNK_WRITE           0x001480F2u
#define FSCTL_LMR_REQUEST_RESILIENCY        0x001401D4u
#define FSCTL_QUERY_NETWORK_INTERFACE_INFO  0x001401FCu
#define FSCTL_VALIDATE_NEGOTIATE_INFO       0x00140204u
/* File system FSCTLs ([MS-FSCC] 2.3). */
#define FSCTL_IS_PATHNAME_VALID             0x0009002Cu
#define FSCTL_GET_COMPRESSION               0x0009003Cu
#define FSCTL_SET_COMPRESSION               0x0009C040u
#define FSCTL_FILESYSTEM_GET_STATISTICS     0x00090060u
#define FSCTL_GET_NTFS_VOLUME_DATA          0x00090064u
#define FSCTL_SET_OBJECT_ID                 0x00090098u
#define FSCTL_GET_OBJECT_ID                 0x0009009Cu
#define FSCTL_DELETE_OBJECT_ID              0x000900A0u
#define FSCTL_SET_OBJECT_ID_EXTENDED        0x000900BCu
#define FSCTL_SET_SHORT_NAME_BEHAVIOR       0x000901B4u
#define FSCTL_SET_REPARSE_POINT             0x000900A4u
#define FSCTL_GET_REPARSE_POINT             0x000900A8u
#define FSCTL_DELETE_REPARSE_POINT          0x000900ACu
#define FSCTL_CREATE_OR_GET_OBJECT_ID       0x000900C0u
#define FSCTL_SET_SPARSE                    0x000900C4u
#define FSCTL_SET_ZERO_DATA                 0x000980C8u
#define FSCTL_QUERY_ALLOCATED_RANGES        0x000940CFu
#define FSCTL_GET_INTEGRITY_INFORMATION     0x0009027Cu
#define FSCTL_SET_INTEGRITY_INFORMATION     0x0009C280u
#define FSCTL_FILE_LEVEL_TRIM               0x00098208u
#define FSCTL_OFFLOAD_READ                  0x00094264u
#define FSCTL_OFFLOAD_WRITE                 0x00098268u
#define FSCTL_DUPLICATE_EXTENTS_TO_FILE     0x00098344u

/* Samewise-private npfs FSCTLs (function numbers 0x800+, reserved for vendors).
 * On the server end of a connected pipe they return what the client end sent
 * at create: FSCTL_NPFS_GET_CLIENT_TOKEN the client's access token (token_write
 * form, lib/token.h); FSCTL_NPFS_GET_SESSION_KEY the bytes of its
 * IO_ECP_TYPE_SESSION_KEY ECP (STATUS_NOT_FOUND if none);
 * FSCTL_NPFS_GET_PEER_ADDRESS those of IO_ECP_TYPE_PEER_ADDRESS. */
#define FSCTL_NPFS_GET_CLIENT_TOKEN  CTL_CODE(FILE_DEVICE_NAMED_PIPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define FSCTL_NPFS_GET_SESSION_KEY   CTL_CODE(FILE_DEVICE_NAMED_PIPE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define FSCTL_NPFS_GET_PEER_ADDRESS  CTL_CODE(FILE_DEVICE_NAMED_PIPE, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* ---- Named pipes ([MS-FSCC] 2.4.30, 2.4.31) ---- */
#define FILE_PIPE_BYTE_STREAM_TYPE      0u /* NamedPipeType */
#define FILE_PIPE_MESSAGE_TYPE          1u
#define FILE_PIPE_BYTE_STREAM_MODE      0u /* ReadMode */
#define FILE_PIPE_MESSAGE_MODE          1u
#define FILE_PIPE_QUEUE_OPERATION       0u /* CompletionMode */
#define FILE_PIPE_COMPLETE_OPERATION    1u
#define FILE_PIPE_INBOUND               0u /* NamedPipeConfiguration */
#define FILE_PIPE_OUTBOUND              1u
#define FILE_PIPE_FULL_DUPLEX           2u
#define FILE_PIPE_DISCONNECTED_STATE    1u /* NamedPipeState */
#define FILE_PIPE_LISTENING_STATE       2u
#define FILE_PIPE_CONNECTED_STATE       3u
#define FILE_PIPE_CLOSING_STATE         4u
#define FILE_PIPE_CLIENT_END            0u /* NamedPipeEnd */
#define FILE_PIPE_SERVER_END            1u
#define FILE_PIPE_UNLIMITED_INSTANCES   0xFFFFFFFFu

/* ---- Extra create parameters (ECPs) ----
 * An ECP is a (type name, bytes) pair attached to a create. The bytes cross the
 * lwiod socket unchanged, so every ECP has a little-endian wire layout. */

/* The creator of a pipe's server end: IoCreateFile/LwNtCreateNamedPipeFile
 * attach it; npfs requires it to create an instance. Layout (40 bytes):
 *   u32 NamedPipeType, u32 ReadMode, u32 CompletionMode, u32 MaximumInstances,
 *   u32 InboundQuota, u32 OutboundQuota, u64 DefaultTimeout (100 ns units),
 *   u32 HaveDefaultTimeout, u32 reserved (0). */
#define IO_ECP_TYPE_NAMED_PIPE      "samewise.named-pipe"
#define IO_ECP_NAMED_PIPE_SIZE      40u
/* The SMB session key of the user opening a pipe's client end (srv attaches
 * it; the RPC services read it with FSCTL_NPFS_GET_SESSION_KEY). Raw bytes. */
#define IO_ECP_TYPE_SESSION_KEY     "samewise.session-key"
/* The network address of that user, as text ("127.0.0.1:50001"). */
#define IO_ECP_TYPE_PEER_ADDRESS    "samewise.peer-address"
/* Credentials for rdr to log on to the server of a \rdr\HOST\SHARE create
 * with, instead of rdr.credentials-file (docs/rdr.md): three UTF-8 strings,
 * each ended by a NUL: domain (may be empty), user, password. */
#define IO_ECP_TYPE_RDR_CREDENTIALS "samewise.rdr-credentials"

/* The decoded named pipe ECP. */
struct io_ecp_named_pipe {
    uint32_t named_pipe_type;
    uint32_t read_mode;
    uint32_t completion_mode;
    uint32_t maximum_instances;
    uint32_t inbound_quota;
    uint32_t outbound_quota;
    uint64_t default_timeout;
    uint32_t have_default_timeout;
};

/* Appends the 40-byte wire form of a named pipe ECP. */
void io_ecp_named_pipe_write(struct buf *b, const struct io_ecp_named_pipe *pipe);
/* Parses it (exactly IO_ECP_NAMED_PIPE_SIZE bytes), else STATUS_INVALID_PARAMETER. */
NTSTATUS io_ecp_named_pipe_read(const void *data, size_t size, struct io_ecp_named_pipe *pipe);

/* ---- Status of a finished call ---- */
struct io_status_block {
    uint32_t status;      /* NTSTATUS */
    uint64_t information; /* bytes transferred, or FILE_OPENED etc. for a create,
                             or the size needed with STATUS_BUFFER_TOO_SMALL */
};

#endif
