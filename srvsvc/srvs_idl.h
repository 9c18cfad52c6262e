/* The [MS-SRVS] and [MS-WKST] types and operations that srvsvcd serves (and
 * the few of [MS-RRP] that identify the server), as C
 * structs in the NDR engine's representation (dcerpc/ndr.h): a [string]
 * wchar_t * is a UTF-8 `char *`, a [size_is(n)] T * is a `T *`, and a
 * non-encapsulated union's discriminant is the member named by its
 * switch_is. Names are the specifications' own, so the spec is the glossary.
 *
 * Each operation's parameters are one struct (both directions); its
 * descriptor is in srvsvc_interface.ops[opnum].params. Top-level [ref]
 * pointers are described as their pointees: `[out] DWORD *TotalEntries` is a
 * plain uint32_t member. */
#ifndef SW_SRVSVC_SRVS_IDL_H
#define SW_SRVSVC_SRVS_IDL_H

#include <stdint.h>

#include "dcerpc/dcerpc.h"

/* ---- Constants ([MS-SRVS] 2.2.2) ---- */
#define MAX_PREFERRED_LENGTH 0xFFFFFFFFu
#define STYPE_DISKTREE 0x00000000u
#define STYPE_PRINTQ 0x00000001u
#define STYPE_DEVICE 0x00000002u
#define STYPE_IPC 0x00000003u
#define STYPE_MASK 0x000000FFu
#define STYPE_TEMPORARY 0x40000000u
#define STYPE_SPECIAL 0x80000000u
#define SESS_GUEST 0x00000001u
#define SESS_NOENCRYPTION 0x00000002u
#define PLATFORM_ID_NT 500u
#define SV_TYPE_WORKSTATION 0x00000001u
#define SV_TYPE_SERVER 0x00000002u
#define SV_TYPE_NT 0x00001000u
#define SV_TYPE_SERVER_NT 0x00008000u
#define PERM_FILE_READ 0x00000001u
#define PERM_FILE_WRITE 0x00000002u
#define PERM_FILE_CREATE 0x00000004u
#define SHI1005_FLAGS_ACCESS_BASED_DIRECTORY_ENUM 0x00000800u
#define SHI1005_FLAGS_ENCRYPT_DATA 0x00008000u
#define CSC_MASK 0x00000030u
/* Name types for NetprNameValidate ([MS-SRVS] 2.2.2.8). */
#define NAMETYPE_USER 1u
#define NAMETYPE_PASSWORD 2u
#define NAMETYPE_GROUP 3u
#define NAMETYPE_COMPUTER 4u
#define NAMETYPE_EVENT 5u
#define NAMETYPE_DOMAIN 6u
#define NAMETYPE_SERVICE 7u
#define NAMETYPE_NET 8u
#define NAMETYPE_SHARE 9u
#define NAMETYPE_MESSAGE 10u
#define NAMETYPE_MESSAGEDEST 11u
#define NAMETYPE_SHAREPASSWORD 12u
#define NAMETYPE_WORKGROUP 13u
/* parm_err values ([MS-SRVS] 2.2.2.11). */
#define SHARE_NETNAME_PARMNUM 1u
#define SHARE_TYPE_PARMNUM 3u
#define SHARE_REMARK_PARMNUM 4u
#define SHARE_PERMISSIONS_PARMNUM 5u
#define SHARE_MAX_USES_PARMNUM 6u
#define SHARE_PATH_PARMNUM 8u
#define SHARE_PASSWD_PARMNUM 9u
#define SHARE_FILE_SD_PARMNUM 501u
#define SV_COMMENT_PARMNUM 5u
#define SV_DISC_PARMNUM 10u
#define SV_HIDDEN_PARMNUM 16u
#define SV_USERS_PARMNUM 107u

/* NET_API_STATUS values ([MS-ERREF] 2.2, lmerr.h). */
#define NERR_Success 0u
#define ERROR_ACCESS_DENIED 5u
#define ERROR_NOT_ENOUGH_MEMORY 8u
#define ERROR_INVALID_DATA 13u
#define ERROR_NOT_SUPPORTED 50u
#define ERROR_INVALID_PARAMETER 87u
#define ERROR_INVALID_NAME 123u
#define ERROR_INVALID_LEVEL 124u
#define ERROR_MORE_DATA 234u
#define ERROR_INTERNAL_ERROR 1359u
#define NERR_UnknownDevDir 2116u
#define NERR_DuplicateShare 2118u
#define NERR_BufTooSmall 2123u
#define NERR_UserNotFound 2221u
#define NERR_NetNameNotFound 2310u
#define NERR_DeviceNotShared 2311u
#define NERR_ClientNameNotFound 2312u
#define NERR_FileIdNotFound 2314u
#define NERR_InvalidComputer 2351u

/* ---- Shares ([MS-SRVS] 2.2.4.22 - 2.2.4.38) ---- */
struct SHARE_INFO_0 { char *shi0_netname; };
struct SHARE_INFO_1 { char *shi1_netname; uint32_t shi1_type; char *shi1_remark; };
struct SHARE_INFO_2 {
    char *shi2_netname;
    uint32_t shi2_type;
    char *shi2_remark;
    uint32_t shi2_permissions;
    uint32_t shi2_max_uses;
    uint32_t shi2_current_uses;
    char *shi2_path;
    char *shi2_passwd;
};
struct SHARE_INFO_501 { char *shi501_netname; uint32_t shi501_type; char *shi501_remark; uint32_t shi501_flags; };
struct SHARE_INFO_502_I {
    char *shi502_netname;
    uint32_t shi502_type;
    char *shi502_remark;
    uint32_t shi502_permissions;
    uint32_t shi502_max_uses;
    uint32_t shi502_current_uses;
    char *shi502_path;
    char *shi502_passwd;
    uint32_t shi502_reserved; /* the security descriptor's length */
    uint8_t *shi502_security_descriptor;
};
struct SHARE_INFO_503_I {
    char *shi503_netname;
    uint32_t shi503_type;
    char *shi503_remark;
    uint32_t shi503_permissions;
    uint32_t shi503_max_uses;
    uint32_t shi503_current_uses;
    char *shi503_path;
    char *shi503_passwd;
    char *shi503_servername;
    uint32_t shi503_reserved;
    uint8_t *shi503_security_descriptor;
};
struct SHARE_INFO_1004 { char *shi1004_remark; };
struct SHARE_INFO_1005 { uint32_t shi1005_flags; };
struct SHARE_INFO_1006 { uint32_t shi1006_max_uses; };
struct SHARE_INFO_1501_I { uint32_t shi1501_reserved; uint8_t *shi1501_security_descriptor; };

#define SW_CONTAINER(T) { uint32_t EntriesRead; struct T *Buffer; }
struct SHARE_INFO_0_CONTAINER SW_CONTAINER(SHARE_INFO_0);
struct SHARE_INFO_1_CONTAINER SW_CONTAINER(SHARE_INFO_1);
struct SHARE_INFO_2_CONTAINER SW_CONTAINER(SHARE_INFO_2);
struct SHARE_INFO_501_CONTAINER SW_CONTAINER(SHARE_INFO_501);
struct SHARE_INFO_502_CONTAINER SW_CONTAINER(SHARE_INFO_502_I);
struct SHARE_INFO_503_CONTAINER SW_CONTAINER(SHARE_INFO_503_I);

union SHARE_ENUM_UNION {
    struct SHARE_INFO_0_CONTAINER *Level0;
    struct SHARE_INFO_1_CONTAINER *Level1;
    struct SHARE_INFO_2_CONTAINER *Level2;
    struct SHARE_INFO_501_CONTAINER *Level501;
    struct SHARE_INFO_502_CONTAINER *Level502;
    struct SHARE_INFO_503_CONTAINER *Level503;
};
struct SHARE_ENUM_STRUCT {
    uint32_t Level;
    union SHARE_ENUM_UNION ShareInfo;
};

union SHARE_INFO {
    struct SHARE_INFO_0 *ShareInfo0;
    struct SHARE_INFO_1 *ShareInfo1;
    struct SHARE_INFO_2 *ShareInfo2;
    struct SHARE_INFO_502_I *ShareInfo502;
    struct SHARE_INFO_1004 *ShareInfo1004;
    struct SHARE_INFO_1006 *ShareInfo1006;
    struct SHARE_INFO_1501_I *ShareInfo1501;
    struct SHARE_INFO_1005 *ShareInfo1005;
    struct SHARE_INFO_501 *ShareInfo501;
    struct SHARE_INFO_503_I *ShareInfo503;
};

/* ---- Sessions, connections, files ---- */
struct SESSION_INFO_0 { char *sesi0_cname; };
struct SESSION_INFO_1 {
    char *sesi1_cname;
    char *sesi1_username;
    uint32_t sesi1_num_opens;
    uint32_t sesi1_time;
    uint32_t sesi1_idle_time;
    uint32_t sesi1_user_flags;
};
struct SESSION_INFO_2 {
    char *sesi2_cname;
    char *sesi2_username;
    uint32_t sesi2_num_opens;
    uint32_t sesi2_time;
    uint32_t sesi2_idle_time;
    uint32_t sesi2_user_flags;
    char *sesi2_cltype_name;
};
struct SESSION_INFO_10 { char *sesi10_cname; char *sesi10_username; uint32_t sesi10_time; uint32_t sesi10_idle_time; };
struct SESSION_INFO_502 {
    char *sesi502_cname;
    char *sesi502_username;
    uint32_t sesi502_num_opens;
    uint32_t sesi502_time;
    uint32_t sesi502_idle_time;
    uint32_t sesi502_user_flags;
    char *sesi502_cltype_name;
    char *sesi502_transport;
};
struct SESSION_INFO_0_CONTAINER SW_CONTAINER(SESSION_INFO_0);
struct SESSION_INFO_1_CONTAINER SW_CONTAINER(SESSION_INFO_1);
struct SESSION_INFO_2_CONTAINER SW_CONTAINER(SESSION_INFO_2);
struct SESSION_INFO_10_CONTAINER SW_CONTAINER(SESSION_INFO_10);
struct SESSION_INFO_502_CONTAINER SW_CONTAINER(SESSION_INFO_502);
union SESSION_ENUM_UNION {
    struct SESSION_INFO_0_CONTAINER *Level0;
    struct SESSION_INFO_1_CONTAINER *Level1;
    struct SESSION_INFO_2_CONTAINER *Level2;
    struct SESSION_INFO_10_CONTAINER *Level10;
    struct SESSION_INFO_502_CONTAINER *Level502;
};
struct SESSION_ENUM_STRUCT {
    uint32_t Level;
    union SESSION_ENUM_UNION SessionInfo;
};

struct CONNECTION_INFO_0 { uint32_t coni0_id; };
struct CONNECTION_INFO_1 {
    uint32_t coni1_id;
    uint32_t coni1_type;
    uint32_t coni1_num_opens;
    uint32_t coni1_num_users;
    uint32_t coni1_time;
    char *coni1_username;
    char *coni1_netname;
};
struct CONNECT_INFO_0_CONTAINER SW_CONTAINER(CONNECTION_INFO_0);
struct CONNECT_INFO_1_CONTAINER SW_CONTAINER(CONNECTION_INFO_1);
union CONNECT_ENUM_UNION {
    struct CONNECT_INFO_0_CONTAINER *Level0;
    struct CONNECT_INFO_1_CONTAINER *Level1;
};
struct CONNECT_ENUM_STRUCT {
    uint32_t Level;
    union CONNECT_ENUM_UNION ConnectInfo;
};

struct FILE_INFO_2 { uint32_t fi2_id; };
struct FILE_INFO_3 {
    uint32_t fi3_id;
    uint32_t fi3_permissions;
    uint32_t fi3_num_locks;
    char *fi3_path_name;
    char *fi3_username;
};
struct FILE_INFO_2_CONTAINER SW_CONTAINER(FILE_INFO_2);
struct FILE_INFO_3_CONTAINER SW_CONTAINER(FILE_INFO_3);
union FILE_ENUM_UNION {
    struct FILE_INFO_2_CONTAINER *Level2;
    struct FILE_INFO_3_CONTAINER *Level3;
};
struct FILE_ENUM_STRUCT {
    uint32_t Level;
    union FILE_ENUM_UNION FileInfo;
};
union FILE_INFO {
    struct FILE_INFO_2 *FileInfo2;
    struct FILE_INFO_3 *FileInfo3;
};

/* ---- Server ---- */
struct SERVER_INFO_100 { uint32_t sv100_platform_id; char *sv100_name; };
struct SERVER_INFO_101 {
    uint32_t sv101_platform_id;
    char *sv101_name;
    uint32_t sv101_version_major;
    uint32_t sv101_version_minor;
    uint32_t sv101_type;
    char *sv101_comment;
};
struct SERVER_INFO_102 {
    uint32_t sv102_platform_id;
    char *sv102_name;
    uint32_t sv102_version_major;
    uint32_t sv102_version_minor;
    uint32_t sv102_type;
    char *sv102_comment;
    uint32_t sv102_users;
    int32_t sv102_disc;
    uint32_t sv102_hidden;
    uint32_t sv102_announce;
    uint32_t sv102_anndelta;
    uint32_t sv102_licenses;
    char *sv102_userpath;
};
/* Levels 502 and 503 (obsolete tuning values, [MS-SRVS] 2.2.4.44-45) are
 * described only so that their arms have the wire form the spec's union
 * gives them (a pointer): srvsvcd answers them ERROR_INVALID_LEVEL with
 * that pointer NULL. 502 is 18 DWORDs; 503 the same 18, sv503_domain and
 * 23 more. */
struct SERVER_INFO_502 { uint32_t sv502_values[18]; };
struct SERVER_INFO_503 {
    uint32_t sv503_head[18];
    char *sv503_domain;
    uint32_t sv503_tail[23];
};
struct SERVER_INFO_1005 { char *sv1005_comment; };
/* The many one-DWORD levels (1010 disc, 1016 hidden, 1107 users, 15xx
 * tuning values) share this form. */
struct SERVER_INFO_DWORD { uint32_t value; };
union SERVER_INFO {
    struct SERVER_INFO_100 *ServerInfo100;
    struct SERVER_INFO_101 *ServerInfo101;
    struct SERVER_INFO_102 *ServerInfo102;
    struct SERVER_INFO_502 *ServerInfo502;
    struct SERVER_INFO_503 *ServerInfo503;
    struct SERVER_INFO_1005 *ServerInfo1005;
    struct SERVER_INFO_DWORD *ServerInfoDword;
};

struct TIME_OF_DAY_INFO {
    uint32_t tod_elapsedt;
    uint32_t tod_msecs;
    uint32_t tod_hours;
    uint32_t tod_mins;
    uint32_t tod_secs;
    uint32_t tod_hunds;
    int32_t tod_timezone;
    uint32_t tod_tinterval;
    uint32_t tod_day;
    uint32_t tod_month;
    uint32_t tod_year;
    uint32_t tod_weekday;
};

/* ---- Disks ([MS-SRVS] 2.2.4.91, 2.2.4.92) ---- */
/* DISK_INFO: [string] WCHAR Disk[3], a varying array on the wire (offset,
 * length, the characters with their terminator). Length is that wire
 * length, not a field of its own. */
struct DISK_INFO {
    uint32_t Length;
    uint16_t Disk[3];
};
struct DISK_ENUM_CONTAINER {
    uint32_t EntriesRead;
    struct DISK_INFO *Buffer; /* [size_is(EntriesRead), length_is(EntriesRead)] */
};

/* ---- srvsvc operations ([MS-SRVS] 3.1.4) ---- */
#define SW_ENUM_CALL(name, T)                                                      \
    struct name {                                                                   \
        char *ServerName;             /* [in, string, unique] */                   \
        T InfoStruct;                 /* [in, out] */                              \
        uint32_t PreferedMaximumLength; /* [in] */                                 \
        uint32_t TotalEntries;        /* [out] */                                  \
        uint32_t *ResumeHandle;       /* [in, out, unique] */                      \
        uint32_t Result;                                                            \
    }

struct NetrConnectionEnum {
    char *ServerName;
    char *Qualifier; /* [in, string, unique] */
    struct CONNECT_ENUM_STRUCT InfoStruct;
    uint32_t PreferedMaximumLength;
    uint32_t TotalEntries;
    uint32_t *ResumeHandle;
    uint32_t Result;
};
struct NetrFileEnum {
    char *ServerName;
    char *BasePath; /* [in, string, unique] */
    char *UserName; /* [in, string, unique] */
    struct FILE_ENUM_STRUCT InfoStruct;
    uint32_t PreferedMaximumLength;
    uint32_t TotalEntries;
    uint32_t *ResumeHandle;
    uint32_t Result;
};
struct NetrFileGetInfo {
    char *ServerName;
    uint32_t FileId;
    uint32_t Level;
    union FILE_INFO InfoStruct; /* [out, switch_is(Level)] */
    uint32_t Result;
};
struct NetrFileClose {
    char *ServerName;
    uint32_t FileId;
    uint32_t Result;
};
struct NetrSessionEnum {
    char *ServerName;
    char *ClientName; /* [in, string, unique] */
    char *UserName;   /* [in, string, unique] */
    struct SESSION_ENUM_STRUCT InfoStruct;
    uint32_t PreferedMaximumLength;
    uint32_t TotalEntries;
    uint32_t *ResumeHandle;
    uint32_t Result;
};
struct NetrSessionDel {
    char *ServerName;
    char *ClientName; /* [in, string, unique] */
    char *UserName;   /* [in, string, unique] */
    uint32_t Result;
};
struct NetrShareAdd {
    char *ServerName;
    uint32_t Level;
    union SHARE_INFO InfoStruct; /* [in, switch_is(Level)] */
    uint32_t *ParmErr;           /* [in, out, unique] */
    uint32_t Result;
};
SW_ENUM_CALL(NetrShareEnum, struct SHARE_ENUM_STRUCT);
SW_ENUM_CALL(NetrShareEnumSticky, struct SHARE_ENUM_STRUCT);
struct NetrShareGetInfo {
    char *ServerName;
    char *NetName; /* [in, string] */
    uint32_t Level;
    union SHARE_INFO InfoStruct; /* [out, switch_is(Level)] */
    uint32_t Result;
};
struct NetrShareSetInfo {
    char *ServerName;
    char *NetName;
    uint32_t Level;
    union SHARE_INFO ShareInfo; /* [in, switch_is(Level)] */
    uint32_t *ParmErr;
    uint32_t Result;
};
struct NetrShareDel {
    char *ServerName;
    char *NetName;
    uint32_t Reserved;
    uint32_t Result;
};
struct NetrShareCheck {
    char *ServerName;
    char *Device; /* [in, string] */
    uint32_t Type; /* [out] */
    uint32_t Result;
};
struct NetrServerGetInfo {
    char *ServerName;
    uint32_t Level;
    union SERVER_INFO InfoStruct; /* [out, switch_is(Level)] */
    uint32_t Result;
};
struct NetrServerSetInfo {
    char *ServerName;
    uint32_t Level;
    union SERVER_INFO ServerInfo; /* [in, switch_is(Level)] */
    uint32_t *ParmErr;
    uint32_t Result;
};
struct NetrRemoteTOD {
    char *ServerName;
    struct TIME_OF_DAY_INFO *BufferPtr; /* [out] (a unique pointer behind a ref one) */
    uint32_t Result;
};
struct NetrServerDiskEnum {
    char *ServerName;
    uint32_t Level;
    struct DISK_ENUM_CONTAINER DiskInfoStruct; /* [in, out] */
    uint32_t PreferedMaximumLength;
    uint32_t TotalEntries;
    uint32_t *ResumeHandle;
    uint32_t Result;
};
struct NetprNameValidate {
    char *ServerName;
    char *Name; /* [in, string] */
    uint32_t NameType;
    uint32_t Flags;
    uint32_t Result;
};

enum srvsvc_opnum {
    SRVSVC_NetrConnectionEnum = 8,
    SRVSVC_NetrFileEnum = 9,
    SRVSVC_NetrFileGetInfo = 10,
    SRVSVC_NetrFileClose = 11,
    SRVSVC_NetrSessionEnum = 12,
    SRVSVC_NetrSessionDel = 13,
    SRVSVC_NetrShareAdd = 14,
    SRVSVC_NetrShareEnum = 15,
    SRVSVC_NetrShareGetInfo = 16,
    SRVSVC_NetrShareSetInfo = 17,
    SRVSVC_NetrShareDel = 18,
    SRVSVC_NetrShareDelSticky = 19,
    SRVSVC_NetrShareCheck = 20,
    SRVSVC_NetrServerGetInfo = 21,
    SRVSVC_NetrServerSetInfo = 22,
    SRVSVC_NetrServerDiskEnum = 23,
    SRVSVC_NetrRemoteTOD = 28,
    SRVSVC_NetprNameValidate = 33,
    SRVSVC_NetrShareEnumSticky = 36,
    SRVSVC_OPNUM_COUNT = 58, /* opnums 0..57 exist in [MS-SRVS] */
};

/* ---- wkssvc ([MS-WKST]) ---- */
struct WKSTA_INFO_100 {
    uint32_t wki100_platform_id;
    char *wki100_computername;
    char *wki100_langroup;
    uint32_t wki100_ver_major;
    uint32_t wki100_ver_minor;
};
struct WKSTA_INFO_101 {
    uint32_t wki101_platform_id;
    char *wki101_computername;
    char *wki101_langroup;
    uint32_t wki101_ver_major;
    uint32_t wki101_ver_minor;
    char *wki101_lanroot;
};
struct WKSTA_INFO_102 {
    uint32_t wki102_platform_id;
    char *wki102_computername;
    char *wki102_langroup;
    uint32_t wki102_ver_major;
    uint32_t wki102_ver_minor;
    char *wki102_lanroot;
    uint32_t wki102_logged_on_users;
};
/* Level 502 (35 obsolete redirector tunables, [MS-WKST] 2.2.5.4) is
 * described only for its arm's wire form; it is answered
 * ERROR_INVALID_LEVEL with the pointer NULL. */
struct WKSTA_INFO_502 { uint32_t wki502_values[35]; };
struct WKSTA_INFO_DWORD { uint32_t value; }; /* 1013, 1018, 1046 */
union WKSTA_INFO {
    struct WKSTA_INFO_100 *WkstaInfo100;
    struct WKSTA_INFO_101 *WkstaInfo101;
    struct WKSTA_INFO_102 *WkstaInfo102;
    struct WKSTA_INFO_502 *WkstaInfo502;
    struct WKSTA_INFO_DWORD *WkstaInfoDword;
};
struct WKSTA_USER_INFO_0 { char *wkui0_username; };
struct WKSTA_USER_INFO_1 {
    char *wkui1_username;
    char *wkui1_logon_domain;
    char *wkui1_oth_domains;
    char *wkui1_logon_server;
};
struct WKSTA_USER_INFO_0_CONTAINER SW_CONTAINER(WKSTA_USER_INFO_0);
struct WKSTA_USER_INFO_1_CONTAINER SW_CONTAINER(WKSTA_USER_INFO_1);
union WKSTA_USER_ENUM_UNION {
    struct WKSTA_USER_INFO_0_CONTAINER *Level0;
    struct WKSTA_USER_INFO_1_CONTAINER *Level1;
};
struct WKSTA_USER_ENUM_STRUCT {
    uint32_t Level;
    union WKSTA_USER_ENUM_UNION WkstaUserInfo;
};
struct NetrWkstaGetInfo {
    char *ServerName;
    uint32_t Level;
    union WKSTA_INFO WkstaInfo; /* [out, switch_is(Level)] */
    uint32_t Result;
};
struct NetrWkstaUserEnum {
    char *ServerName;
    struct WKSTA_USER_ENUM_STRUCT UserInfo;
    uint32_t PreferredMaximumLength;
    uint32_t TotalEntries;
    uint32_t *ResumeHandle;
    uint32_t Result;
};
enum wkssvc_opnum {
    WKSSVC_NetrWkstaGetInfo = 0,
    WKSSVC_NetrWkstaUserEnum = 2,
    WKSSVC_OPNUM_COUNT = 31,
};

/* ---- winreg ([MS-RRP]): the few calls that identify the server ---- */
#define REG_SZ 1u
#define ERROR_FILE_NOT_FOUND 2u
#define KEY_QUERY_VALUE 0x0001u
#define KEY_SET_VALUE 0x0002u
#define KEY_CREATE_SUB_KEY 0x0004u
#define KEY_CREATE_LINK 0x0020u
/* RPC_HKEY is a context handle (struct policy_handle, dcerpc/ndr.h);
 * RRP_UNICODE_STRING ([MS-RRP] 2.2.4) is [MS-DTYP]'s RPC_UNICODE_STRING
 * (Length usually counts the terminating NUL). */
struct OpenLocalMachine {
    uint16_t *ServerName; /* [in, unique] PREGISTRY_SERVER_NAME: one WCHAR */
    uint32_t samDesired;
    struct policy_handle phKey; /* [out] */
    uint32_t Result;
};
struct BaseRegCloseKey {
    struct policy_handle hKey; /* [in, out] */
    uint32_t Result;
};
struct BaseRegOpenKey {
    struct policy_handle hKey;
    struct RPC_UNICODE_STRING lpSubKey;
    uint32_t dwOptions;
    uint32_t samDesired;
    struct policy_handle phkResult; /* [out] */
    uint32_t Result;
};
struct BaseRegQueryValue {
    struct policy_handle hKey;
    struct RPC_UNICODE_STRING lpValueName;
    uint32_t *lpType;  /* [in, out, unique] */
    uint8_t *lpData;   /* [in, out, unique, size_is(*lpcbData), length_is(*lpcbLen)] */
    uint32_t *lpcbData; /* [in, out, unique] */
    uint32_t *lpcbLen;  /* [in, out, unique] */
    uint32_t Result;
};
struct BaseRegGetVersion {
    struct policy_handle hKey;
    uint32_t lpdwVersion; /* [out] */
    uint32_t Result;
};
enum winreg_opnum {
    WINREG_OpenLocalMachine = 2,
    WINREG_BaseRegCloseKey = 5,
    WINREG_BaseRegOpenKey = 15,
    WINREG_BaseRegQueryValue = 17,
    WINREG_BaseRegGetVersion = 26,
    WINREG_OPNUM_COUNT = 36, /* opnums 0..35 exist in [MS-RRP] */
};

/* The interfaces (4B324FC8-1670-01D3-1278-5A47BF6EE188 v3.0,
 * 6BFFD098-A112-3610-9833-46C3F87E345A v1.0 and
 * 338CD001-2244-31F1-AAAA-900038001003 v1.0); srvsvc's and wkssvc's
 * handlers expect the struct srvsvc_backend (srvsvc/srvsvc.h) as iface_ctx:
 * srvsvc_register() sets that up. NetrShareDelSticky takes a struct
 * NetrShareDel. winreg needs no context. */
extern const struct dcerpc_interface srvsvc_interface;
extern const struct dcerpc_interface wkssvc_interface;
extern const struct dcerpc_interface winreg_interface;

#endif
