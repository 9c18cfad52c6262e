/* [MS-SRVS] types and operations as NDR descriptor tables: each IDL type
 * once, beside its C struct in srvs_idl.h. */
#include "srvsvc/srvsvc_private.h"

#define M NDR_MEMBER
/* Every level union here gets an empty default arm (as Samba's IDL has):
 * the methods must answer an unknown level with ERROR_INVALID_LEVEL
 * ([MS-SRVS] 3.1.4, [MS-WKST] 3.2.4), which a union without one could not
 * carry - a request would end in an invalid-tag fault instead, and so would
 * the reply to a Get of a level the [out] union has no arm for. */
#define LEVEL_DEFAULT true
#define WSTR ndr_wstring_unique

/* A container { DWORD EntriesRead; [size_is(EntriesRead)] T *Buffer; } and a
 * unique pointer to it, for element type elem. */
#define CONTAINER(T, elem, ident)                                                            \
    static NDR_ARRAY_TYPE(ident##_array, elem);                                               \
    static NDR_POINTER_TYPE(ident##_array_ptr, NDR_POINTER_UNIQUE, ident##_array);            \
    static const struct ndr_member ident##_members[] = {                                      \
        M(struct T, EntriesRead, ndr_u32),                                                    \
        M(struct T, Buffer, ident##_array_ptr, .size_is = NDR_FIELD(struct T, EntriesRead)),  \
    };                                                                                        \
    static NDR_STRUCT_TYPE(struct T, ident, ident##_members);                                 \
    static __attribute__((unused)) NDR_POINTER_TYPE(ident##_ptr, NDR_POINTER_UNIQUE, ident)

#define STRUCT(T, ident, ...)                                           \
    static const struct ndr_member ident##_members[] = { __VA_ARGS__ }; \
    static NDR_STRUCT_TYPE(struct T, ident, ident##_members);           \
    static __attribute__((unused)) NDR_POINTER_TYPE(ident##_ptr, NDR_POINTER_UNIQUE, ident)

/* ---- Shares ---- */
STRUCT(SHARE_INFO_0, share_info_0, M(struct SHARE_INFO_0, shi0_netname, WSTR));
STRUCT(SHARE_INFO_1, share_info_1,
       M(struct SHARE_INFO_1, shi1_netname, WSTR),
       M(struct SHARE_INFO_1, shi1_type, ndr_u32),
       M(struct SHARE_INFO_1, shi1_remark, WSTR));
STRUCT(SHARE_INFO_2, share_info_2,
       M(struct SHARE_INFO_2, shi2_netname, WSTR),
       M(struct SHARE_INFO_2, shi2_type, ndr_u32),
       M(struct SHARE_INFO_2, shi2_remark, WSTR),
       M(struct SHARE_INFO_2, shi2_permissions, ndr_u32),
       M(struct SHARE_INFO_2, shi2_max_uses, ndr_u32),
       M(struct SHARE_INFO_2, shi2_current_uses, ndr_u32),
       M(struct SHARE_INFO_2, shi2_path, WSTR),
       M(struct SHARE_INFO_2, shi2_passwd, WSTR));
STRUCT(SHARE_INFO_501, share_info_501,
       M(struct SHARE_INFO_501, shi501_netname, WSTR),
       M(struct SHARE_INFO_501, shi501_type, ndr_u32),
       M(struct SHARE_INFO_501, shi501_remark, WSTR),
       M(struct SHARE_INFO_501, shi501_flags, ndr_u32));
STRUCT(SHARE_INFO_502_I, share_info_502,
       M(struct SHARE_INFO_502_I, shi502_netname, WSTR),
       M(struct SHARE_INFO_502_I, shi502_type, ndr_u32),
       M(struct SHARE_INFO_502_I, shi502_remark, WSTR),
       M(struct SHARE_INFO_502_I, shi502_permissions, ndr_u32),
       M(struct SHARE_INFO_502_I, shi502_max_uses, ndr_u32),
       M(struct SHARE_INFO_502_I, shi502_current_uses, ndr_u32),
       M(struct SHARE_INFO_502_I, shi502_path, WSTR),
       M(struct SHARE_INFO_502_I, shi502_passwd, WSTR),
       M(struct SHARE_INFO_502_I, shi502_reserved, ndr_u32),
       M(struct SHARE_INFO_502_I, shi502_security_descriptor, ndr_u8_array_unique,
         .size_is = NDR_FIELD(struct SHARE_INFO_502_I, shi502_reserved)));
STRUCT(SHARE_INFO_503_I, share_info_503,
       M(struct SHARE_INFO_503_I, shi503_netname, WSTR),
       M(struct SHARE_INFO_503_I, shi503_type, ndr_u32),
       M(struct SHARE_INFO_503_I, shi503_remark, WSTR),
       M(struct SHARE_INFO_503_I, shi503_permissions, ndr_u32),
       M(struct SHARE_INFO_503_I, shi503_max_uses, ndr_u32),
       M(struct SHARE_INFO_503_I, shi503_current_uses, ndr_u32),
       M(struct SHARE_INFO_503_I, shi503_path, WSTR),
       M(struct SHARE_INFO_503_I, shi503_passwd, WSTR),
       M(struct SHARE_INFO_503_I, shi503_servername, WSTR),
       M(struct SHARE_INFO_503_I, shi503_reserved, ndr_u32),
       M(struct SHARE_INFO_503_I, shi503_security_descriptor, ndr_u8_array_unique,
         .size_is = NDR_FIELD(struct SHARE_INFO_503_I, shi503_reserved)));
STRUCT(SHARE_INFO_1004, share_info_1004, M(struct SHARE_INFO_1004, shi1004_remark, WSTR));
STRUCT(SHARE_INFO_1005, share_info_1005, M(struct SHARE_INFO_1005, shi1005_flags, ndr_u32));
STRUCT(SHARE_INFO_1006, share_info_1006, M(struct SHARE_INFO_1006, shi1006_max_uses, ndr_u32));
/* [MS-SRVS] 2.2.4.31: the descriptor is a [size_is] pointer, not inline. */
STRUCT(SHARE_INFO_1501_I, share_info_1501,
       M(struct SHARE_INFO_1501_I, shi1501_reserved, ndr_u32),
       M(struct SHARE_INFO_1501_I, shi1501_security_descriptor, ndr_u8_array_unique,
         .size_is = NDR_FIELD(struct SHARE_INFO_1501_I, shi1501_reserved)));

CONTAINER(SHARE_INFO_0_CONTAINER, share_info_0, share_container_0);
CONTAINER(SHARE_INFO_1_CONTAINER, share_info_1, share_container_1);
CONTAINER(SHARE_INFO_2_CONTAINER, share_info_2, share_container_2);
CONTAINER(SHARE_INFO_501_CONTAINER, share_info_501, share_container_501);
CONTAINER(SHARE_INFO_502_CONTAINER, share_info_502, share_container_502);
CONTAINER(SHARE_INFO_503_CONTAINER, share_info_503, share_container_503);

static const struct ndr_arm share_enum_arms[] = {
    { 0, &share_container_0_ptr },     { 1, &share_container_1_ptr },
    { 2, &share_container_2_ptr },     { 501, &share_container_501_ptr },
    { 502, &share_container_502_ptr }, { 503, &share_container_503_ptr },
};
static NDR_UNION_TYPE(union SHARE_ENUM_UNION, share_enum_union, share_enum_arms, LEVEL_DEFAULT);
static const struct ndr_member share_enum_struct_members[] = {
    M(struct SHARE_ENUM_STRUCT, Level, ndr_u32),
    M(struct SHARE_ENUM_STRUCT, ShareInfo, share_enum_union,
      .switch_is = NDR_FIELD(struct SHARE_ENUM_STRUCT, Level)),
};
static NDR_STRUCT_TYPE(struct SHARE_ENUM_STRUCT, share_enum_struct, share_enum_struct_members);

/* [MS-SRVS] 2.2.3.6: the one share union whose [default] arm is in the spec. */
static const struct ndr_arm share_info_arms[] = {
    { 0, &share_info_0_ptr },       { 1, &share_info_1_ptr },       { 2, &share_info_2_ptr },
    { 502, &share_info_502_ptr },   { 1004, &share_info_1004_ptr }, { 1006, &share_info_1006_ptr },
    { 1501, &share_info_1501_ptr }, { 1005, &share_info_1005_ptr }, { 501, &share_info_501_ptr },
    { 503, &share_info_503_ptr },
};
static NDR_UNION_TYPE(union SHARE_INFO, share_info_union, share_info_arms, true);

/* ---- Sessions ---- */
STRUCT(SESSION_INFO_0, session_info_0, M(struct SESSION_INFO_0, sesi0_cname, WSTR));
STRUCT(SESSION_INFO_1, session_info_1,
       M(struct SESSION_INFO_1, sesi1_cname, WSTR),
       M(struct SESSION_INFO_1, sesi1_username, WSTR),
       M(struct SESSION_INFO_1, sesi1_num_opens, ndr_u32),
       M(struct SESSION_INFO_1, sesi1_time, ndr_u32),
       M(struct SESSION_INFO_1, sesi1_idle_time, ndr_u32),
       M(struct SESSION_INFO_1, sesi1_user_flags, ndr_u32));
STRUCT(SESSION_INFO_2, session_info_2,
       M(struct SESSION_INFO_2, sesi2_cname, WSTR),
       M(struct SESSION_INFO_2, sesi2_username, WSTR),
       M(struct SESSION_INFO_2, sesi2_num_opens, ndr_u32),
       M(struct SESSION_INFO_2, sesi2_time, ndr_u32),
       M(struct SESSION_INFO_2, sesi2_idle_time, ndr_u32),
       M(struct SESSION_INFO_2, sesi2_user_flags, ndr_u32),
       M(struct SESSION_INFO_2, sesi2_cltype_name, WSTR));
STRUCT(SESSION_INFO_10, session_info_10,
       M(struct SESSION_INFO_10, sesi10_cname, WSTR),
       M(struct SESSION_INFO_10, sesi10_username, WSTR),
       M(struct SESSION_INFO_10, sesi10_time, ndr_u32),
       M(struct SESSION_INFO_10, sesi10_idle_time, ndr_u32));
STRUCT(SESSION_INFO_502, session_info_502,
       M(struct SESSION_INFO_502, sesi502_cname, WSTR),
       M(struct SESSION_INFO_502, sesi502_username, WSTR),
       M(struct SESSION_INFO_502, sesi502_num_opens, ndr_u32),
       M(struct SESSION_INFO_502, sesi502_time, ndr_u32),
       M(struct SESSION_INFO_502, sesi502_idle_time, ndr_u32),
       M(struct SESSION_INFO_502, sesi502_user_flags, ndr_u32),
       M(struct SESSION_INFO_502, sesi502_cltype_name, WSTR),
       M(struct SESSION_INFO_502, sesi502_transport, WSTR));
CONTAINER(SESSION_INFO_0_CONTAINER, session_info_0, session_container_0);
CONTAINER(SESSION_INFO_1_CONTAINER, session_info_1, session_container_1);
CONTAINER(SESSION_INFO_2_CONTAINER, session_info_2, session_container_2);
CONTAINER(SESSION_INFO_10_CONTAINER, session_info_10, session_container_10);
CONTAINER(SESSION_INFO_502_CONTAINER, session_info_502, session_container_502);
static const struct ndr_arm session_enum_arms[] = {
    { 0, &session_container_0_ptr },   { 1, &session_container_1_ptr }, { 2, &session_container_2_ptr },
    { 10, &session_container_10_ptr }, { 502, &session_container_502_ptr },
};
static NDR_UNION_TYPE(union SESSION_ENUM_UNION, session_enum_union, session_enum_arms, LEVEL_DEFAULT);
static const struct ndr_member session_enum_struct_members[] = {
    M(struct SESSION_ENUM_STRUCT, Level, ndr_u32),
    M(struct SESSION_ENUM_STRUCT, SessionInfo, session_enum_union,
      .switch_is = NDR_FIELD(struct SESSION_ENUM_STRUCT, Level)),
};
static NDR_STRUCT_TYPE(struct SESSION_ENUM_STRUCT, session_enum_struct, session_enum_struct_members);

/* ---- Connections ---- */
STRUCT(CONNECTION_INFO_0, connection_info_0, M(struct CONNECTION_INFO_0, coni0_id, ndr_u32));
STRUCT(CONNECTION_INFO_1, connection_info_1,
       M(struct CONNECTION_INFO_1, coni1_id, ndr_u32),
       M(struct CONNECTION_INFO_1, coni1_type, ndr_u32),
       M(struct CONNECTION_INFO_1, coni1_num_opens, ndr_u32),
       M(struct CONNECTION_INFO_1, coni1_num_users, ndr_u32),
       M(struct CONNECTION_INFO_1, coni1_time, ndr_u32),
       M(struct CONNECTION_INFO_1, coni1_username, WSTR),
       M(struct CONNECTION_INFO_1, coni1_netname, WSTR));
CONTAINER(CONNECT_INFO_0_CONTAINER, connection_info_0, connect_container_0);
CONTAINER(CONNECT_INFO_1_CONTAINER, connection_info_1, connect_container_1);
static const struct ndr_arm connect_enum_arms[] = {
    { 0, &connect_container_0_ptr },
    { 1, &connect_container_1_ptr },
};
static NDR_UNION_TYPE(union CONNECT_ENUM_UNION, connect_enum_union, connect_enum_arms, LEVEL_DEFAULT);
static const struct ndr_member connect_enum_struct_members[] = {
    M(struct CONNECT_ENUM_STRUCT, Level, ndr_u32),
    M(struct CONNECT_ENUM_STRUCT, ConnectInfo, connect_enum_union,
      .switch_is = NDR_FIELD(struct CONNECT_ENUM_STRUCT, Level)),
};
static NDR_STRUCT_TYPE(struct CONNECT_ENUM_STRUCT, connect_enum_struct, connect_enum_struct_members);

/* ---- Files ---- */
STRUCT(FILE_INFO_2, file_info_2, M(struct FILE_INFO_2, fi2_id, ndr_u32));
STRUCT(FILE_INFO_3, file_info_3,
       M(struct FILE_INFO_3, fi3_id, ndr_u32),
       M(struct FILE_INFO_3, fi3_permissions, ndr_u32),
       M(struct FILE_INFO_3, fi3_num_locks, ndr_u32),
       M(struct FILE_INFO_3, fi3_path_name, WSTR),
       M(struct FILE_INFO_3, fi3_username, WSTR));
CONTAINER(FILE_INFO_2_CONTAINER, file_info_2, file_container_2);
CONTAINER(FILE_INFO_3_CONTAINER, file_info_3, file_container_3);
static const struct ndr_arm file_enum_arms[] = {
    { 2, &file_container_2_ptr },
    { 3, &file_container_3_ptr },
};
static NDR_UNION_TYPE(union FILE_ENUM_UNION, file_enum_union, file_enum_arms, LEVEL_DEFAULT);
static const struct ndr_member file_enum_struct_members[] = {
    M(struct FILE_ENUM_STRUCT, Level, ndr_u32),
    M(struct FILE_ENUM_STRUCT, FileInfo, file_enum_union, .switch_is = NDR_FIELD(struct FILE_ENUM_STRUCT, Level)),
};
static NDR_STRUCT_TYPE(struct FILE_ENUM_STRUCT, file_enum_struct, file_enum_struct_members);
static const struct ndr_arm file_info_arms[] = {
    { 2, &file_info_2_ptr },
    { 3, &file_info_3_ptr },
};
static NDR_UNION_TYPE(union FILE_INFO, file_info_union, file_info_arms, LEVEL_DEFAULT);

/* ---- Server ---- */
STRUCT(SERVER_INFO_100, server_info_100,
       M(struct SERVER_INFO_100, sv100_platform_id, ndr_u32),
       M(struct SERVER_INFO_100, sv100_name, WSTR));
STRUCT(SERVER_INFO_101, server_info_101,
       M(struct SERVER_INFO_101, sv101_platform_id, ndr_u32),
       M(struct SERVER_INFO_101, sv101_name, WSTR),
       M(struct SERVER_INFO_101, sv101_version_major, ndr_u32),
       M(struct SERVER_INFO_101, sv101_version_minor, ndr_u32),
       M(struct SERVER_INFO_101, sv101_type, ndr_u32),
       M(struct SERVER_INFO_101, sv101_comment, WSTR));
STRUCT(SERVER_INFO_102, server_info_102,
       M(struct SERVER_INFO_102, sv102_platform_id, ndr_u32),
       M(struct SERVER_INFO_102, sv102_name, WSTR),
       M(struct SERVER_INFO_102, sv102_version_major, ndr_u32),
       M(struct SERVER_INFO_102, sv102_version_minor, ndr_u32),
       M(struct SERVER_INFO_102, sv102_type, ndr_u32),
       M(struct SERVER_INFO_102, sv102_comment, WSTR),
       M(struct SERVER_INFO_102, sv102_users, ndr_u32),
       M(struct SERVER_INFO_102, sv102_disc, ndr_u32),
       M(struct SERVER_INFO_102, sv102_hidden, ndr_u32),
       M(struct SERVER_INFO_102, sv102_announce, ndr_u32),
       M(struct SERVER_INFO_102, sv102_anndelta, ndr_u32),
       M(struct SERVER_INFO_102, sv102_licenses, ndr_u32),
       M(struct SERVER_INFO_102, sv102_userpath, WSTR));
static const struct ndr_type u32_x18 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "DWORD[18]", .size = 18 * 4,
                                         .target = &ndr_u32, .fixed_count = 18 };
static const struct ndr_type u32_x23 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "DWORD[23]", .size = 23 * 4,
                                         .target = &ndr_u32, .fixed_count = 23 };
STRUCT(SERVER_INFO_502, server_info_502, M(struct SERVER_INFO_502, sv502_values, u32_x18));
STRUCT(SERVER_INFO_503, server_info_503,
       M(struct SERVER_INFO_503, sv503_head, u32_x18),
       M(struct SERVER_INFO_503, sv503_domain, WSTR),
       M(struct SERVER_INFO_503, sv503_tail, u32_x23));
STRUCT(SERVER_INFO_1005, server_info_1005, M(struct SERVER_INFO_1005, sv1005_comment, WSTR));
STRUCT(SERVER_INFO_DWORD, server_info_dword, M(struct SERVER_INFO_DWORD, value, ndr_u32));
/* [MS-SRVS] 2.2.3.7. Levels 502 and 503 have their arms (a client's
 * unmarshaller expects their pointer, NULL here) but are answered
 * ERROR_INVALID_LEVEL; 103 and 599 are not described: they fall to the
 * default arm and are answered ERROR_INVALID_LEVEL too. */
static const struct ndr_arm server_info_arms[] = {
    { 100, &server_info_100_ptr },    { 101, &server_info_101_ptr },    { 102, &server_info_102_ptr },
    { 502, &server_info_502_ptr },    { 503, &server_info_503_ptr },
    { 1005, &server_info_1005_ptr },  { 1107, &server_info_dword_ptr }, { 1010, &server_info_dword_ptr },
    { 1016, &server_info_dword_ptr }, { 1017, &server_info_dword_ptr }, { 1018, &server_info_dword_ptr },
    { 1501, &server_info_dword_ptr }, { 1502, &server_info_dword_ptr }, { 1503, &server_info_dword_ptr },
    { 1506, &server_info_dword_ptr }, { 1510, &server_info_dword_ptr }, { 1511, &server_info_dword_ptr },
    { 1512, &server_info_dword_ptr }, { 1513, &server_info_dword_ptr }, { 1514, &server_info_dword_ptr },
    { 1515, &server_info_dword_ptr }, { 1516, &server_info_dword_ptr }, { 1518, &server_info_dword_ptr },
    { 1523, &server_info_dword_ptr }, { 1528, &server_info_dword_ptr }, { 1529, &server_info_dword_ptr },
    { 1530, &server_info_dword_ptr }, { 1533, &server_info_dword_ptr }, { 1534, &server_info_dword_ptr },
    { 1535, &server_info_dword_ptr }, { 1536, &server_info_dword_ptr }, { 1538, &server_info_dword_ptr },
    { 1539, &server_info_dword_ptr }, { 1540, &server_info_dword_ptr }, { 1541, &server_info_dword_ptr },
    { 1542, &server_info_dword_ptr }, { 1543, &server_info_dword_ptr }, { 1544, &server_info_dword_ptr },
    { 1545, &server_info_dword_ptr }, { 1546, &server_info_dword_ptr }, { 1547, &server_info_dword_ptr },
    { 1548, &server_info_dword_ptr }, { 1549, &server_info_dword_ptr }, { 1550, &server_info_dword_ptr },
    { 1552, &server_info_dword_ptr }, { 1553, &server_info_dword_ptr }, { 1554, &server_info_dword_ptr },
    { 1555, &server_info_dword_ptr }, { 1556, &server_info_dword_ptr },
};
static NDR_UNION_TYPE(union SERVER_INFO, server_info_union, server_info_arms, LEVEL_DEFAULT);

STRUCT(TIME_OF_DAY_INFO, time_of_day_info,
       M(struct TIME_OF_DAY_INFO, tod_elapsedt, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_msecs, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_hours, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_mins, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_secs, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_hunds, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_timezone, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_tinterval, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_day, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_month, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_year, ndr_u32),
       M(struct TIME_OF_DAY_INFO, tod_weekday, ndr_u32));

/* ---- Disks ---- */
static const struct ndr_type disk_chars = { .kind = NDR_KIND_FIXED_ARRAY, .name = "WCHAR[3]",
                                            .size = 3 * 2, .target = &ndr_u16, .fixed_count = 3,
                                            .varying = true };
STRUCT(DISK_INFO, disk_info,
       M(struct DISK_INFO, Disk, disk_chars, .length_is = NDR_FIELD(struct DISK_INFO, Length)));
static const struct ndr_type disk_info_array = { .kind = NDR_KIND_ARRAY, .name = "DISK_INFO[]",
                                                 .size = sizeof(void *), .target = &disk_info,
                                                 .varying = true };
static NDR_POINTER_TYPE(disk_info_array_ptr, NDR_POINTER_UNIQUE, disk_info_array);
STRUCT(DISK_ENUM_CONTAINER, disk_enum_container,
       M(struct DISK_ENUM_CONTAINER, EntriesRead, ndr_u32),
       M(struct DISK_ENUM_CONTAINER, Buffer, disk_info_array_ptr,
         .size_is = NDR_FIELD(struct DISK_ENUM_CONTAINER, EntriesRead),
         .length_is = NDR_FIELD(struct DISK_ENUM_CONTAINER, EntriesRead)));

/* ---- Operations ---- */
#define IN NDR_IN
#define OUT NDR_OUT
#define SERVER_NAME(T) M(struct T, ServerName, WSTR, .direction = IN)
#define RESULT(T) M(struct T, Result, ndr_u32, .direction = OUT)
#define PARAMS(T, ...)                                                          \
    static const struct ndr_member T##_members[] = { __VA_ARGS__ };             \
    static NDR_PARAMS_TYPE(struct T, T##_params, T##_members)
#define ENUM_TAIL(T)                                                            \
    M(struct T, PreferedMaximumLength, ndr_u32, .direction = IN),               \
    M(struct T, TotalEntries, ndr_u32, .direction = OUT),                       \
    M(struct T, ResumeHandle, ndr_u32_unique, .direction = IN | OUT),           \
    RESULT(T)

PARAMS(NetrConnectionEnum, SERVER_NAME(NetrConnectionEnum),
       M(struct NetrConnectionEnum, Qualifier, WSTR, .direction = IN),
       M(struct NetrConnectionEnum, InfoStruct, connect_enum_struct, .direction = IN | OUT),
       ENUM_TAIL(NetrConnectionEnum));
PARAMS(NetrFileEnum, SERVER_NAME(NetrFileEnum),
       M(struct NetrFileEnum, BasePath, WSTR, .direction = IN),
       M(struct NetrFileEnum, UserName, WSTR, .direction = IN),
       M(struct NetrFileEnum, InfoStruct, file_enum_struct, .direction = IN | OUT),
       ENUM_TAIL(NetrFileEnum));
PARAMS(NetrFileGetInfo, SERVER_NAME(NetrFileGetInfo),
       M(struct NetrFileGetInfo, FileId, ndr_u32, .direction = IN),
       M(struct NetrFileGetInfo, Level, ndr_u32, .direction = IN),
       M(struct NetrFileGetInfo, InfoStruct, file_info_union, .direction = OUT,
         .switch_is = NDR_FIELD(struct NetrFileGetInfo, Level)),
       RESULT(NetrFileGetInfo));
PARAMS(NetrFileClose, SERVER_NAME(NetrFileClose),
       M(struct NetrFileClose, FileId, ndr_u32, .direction = IN),
       RESULT(NetrFileClose));
PARAMS(NetrSessionEnum, SERVER_NAME(NetrSessionEnum),
       M(struct NetrSessionEnum, ClientName, WSTR, .direction = IN),
       M(struct NetrSessionEnum, UserName, WSTR, .direction = IN),
       M(struct NetrSessionEnum, InfoStruct, session_enum_struct, .direction = IN | OUT),
       ENUM_TAIL(NetrSessionEnum));
PARAMS(NetrSessionDel, SERVER_NAME(NetrSessionDel),
       M(struct NetrSessionDel, ClientName, WSTR, .direction = IN),
       M(struct NetrSessionDel, UserName, WSTR, .direction = IN),
       RESULT(NetrSessionDel));
PARAMS(NetrShareAdd, SERVER_NAME(NetrShareAdd),
       M(struct NetrShareAdd, Level, ndr_u32, .direction = IN),
       M(struct NetrShareAdd, InfoStruct, share_info_union, .direction = IN,
         .switch_is = NDR_FIELD(struct NetrShareAdd, Level)),
       M(struct NetrShareAdd, ParmErr, ndr_u32_unique, .direction = IN | OUT),
       RESULT(NetrShareAdd));
PARAMS(NetrShareEnum, SERVER_NAME(NetrShareEnum),
       M(struct NetrShareEnum, InfoStruct, share_enum_struct, .direction = IN | OUT),
       ENUM_TAIL(NetrShareEnum));
PARAMS(NetrShareEnumSticky, SERVER_NAME(NetrShareEnumSticky),
       M(struct NetrShareEnumSticky, InfoStruct, share_enum_struct, .direction = IN | OUT),
       ENUM_TAIL(NetrShareEnumSticky));
PARAMS(NetrShareGetInfo, SERVER_NAME(NetrShareGetInfo),
       M(struct NetrShareGetInfo, NetName, ndr_wstring, .direction = IN),
       M(struct NetrShareGetInfo, Level, ndr_u32, .direction = IN),
       M(struct NetrShareGetInfo, InfoStruct, share_info_union, .direction = OUT,
         .switch_is = NDR_FIELD(struct NetrShareGetInfo, Level)),
       RESULT(NetrShareGetInfo));
PARAMS(NetrShareSetInfo, SERVER_NAME(NetrShareSetInfo),
       M(struct NetrShareSetInfo, NetName, ndr_wstring, .direction = IN),
       M(struct NetrShareSetInfo, Level, ndr_u32, .direction = IN),
       M(struct NetrShareSetInfo, ShareInfo, share_info_union, .direction = IN,
         .switch_is = NDR_FIELD(struct NetrShareSetInfo, Level)),
       M(struct NetrShareSetInfo, ParmErr, ndr_u32_unique, .direction = IN | OUT),
       RESULT(NetrShareSetInfo));
PARAMS(NetrShareDel, SERVER_NAME(NetrShareDel),
       M(struct NetrShareDel, NetName, ndr_wstring, .direction = IN),
       M(struct NetrShareDel, Reserved, ndr_u32, .direction = IN),
       RESULT(NetrShareDel));
PARAMS(NetrShareCheck, SERVER_NAME(NetrShareCheck),
       M(struct NetrShareCheck, Device, ndr_wstring, .direction = IN),
       M(struct NetrShareCheck, Type, ndr_u32, .direction = OUT),
       RESULT(NetrShareCheck));
PARAMS(NetrServerGetInfo, SERVER_NAME(NetrServerGetInfo),
       M(struct NetrServerGetInfo, Level, ndr_u32, .direction = IN),
       M(struct NetrServerGetInfo, InfoStruct, server_info_union, .direction = OUT,
         .switch_is = NDR_FIELD(struct NetrServerGetInfo, Level)),
       RESULT(NetrServerGetInfo));
PARAMS(NetrServerSetInfo, SERVER_NAME(NetrServerSetInfo),
       M(struct NetrServerSetInfo, Level, ndr_u32, .direction = IN),
       M(struct NetrServerSetInfo, ServerInfo, server_info_union, .direction = IN,
         .switch_is = NDR_FIELD(struct NetrServerSetInfo, Level)),
       M(struct NetrServerSetInfo, ParmErr, ndr_u32_unique, .direction = IN | OUT),
       RESULT(NetrServerSetInfo));
PARAMS(NetrRemoteTOD, SERVER_NAME(NetrRemoteTOD),
       M(struct NetrRemoteTOD, BufferPtr, time_of_day_info_ptr, .direction = OUT),
       RESULT(NetrRemoteTOD));
PARAMS(NetrServerDiskEnum, SERVER_NAME(NetrServerDiskEnum),
       M(struct NetrServerDiskEnum, Level, ndr_u32, .direction = IN),
       M(struct NetrServerDiskEnum, DiskInfoStruct, disk_enum_container, .direction = IN | OUT),
       ENUM_TAIL(NetrServerDiskEnum));
PARAMS(NetprNameValidate, SERVER_NAME(NetprNameValidate),
       M(struct NetprNameValidate, Name, ndr_wstring, .direction = IN),
       M(struct NetprNameValidate, NameType, ndr_u32, .direction = IN),
       M(struct NetprNameValidate, Flags, ndr_u32, .direction = IN),
       RESULT(NetprNameValidate));

#define OP(name) [SRVSVC_##name] = { #name, &name##_params, srvsvc_##name }
static const struct dcerpc_operation srvsvc_ops[SRVSVC_OPNUM_COUNT] = {
    OP(NetrConnectionEnum),
    OP(NetrFileEnum),
    OP(NetrFileGetInfo),
    OP(NetrFileClose),
    OP(NetrSessionEnum),
    OP(NetrSessionDel),
    OP(NetrShareAdd),
    OP(NetrShareEnum),
    OP(NetrShareGetInfo),
    OP(NetrShareSetInfo),
    OP(NetrShareDel),
    [SRVSVC_NetrShareDelSticky] = { "NetrShareDelSticky", &NetrShareDel_params, srvsvc_NetrShareDelSticky },
    OP(NetrShareCheck),
    OP(NetrServerGetInfo),
    OP(NetrServerSetInfo),
    OP(NetrServerDiskEnum),
    OP(NetrRemoteTOD),
    OP(NetprNameValidate),
    OP(NetrShareEnumSticky),
};

const struct dcerpc_interface srvsvc_interface = {
    "srvsvc",
    { { 0x4B324FC8, 0x1670, 0x01D3, { 0x12, 0x78 }, { 0x5A, 0x47, 0xBF, 0x6E, 0xE1, 0x88 } }, 3, 0 },
    srvsvc_ops,
    SRVSVC_OPNUM_COUNT,
};
