/* [MS-WKST] types and the operations served, as NDR descriptor tables. */
#include "srvsvc/srvsvc_private.h"

#define M NDR_MEMBER
/* Every level union here gets an empty default arm (as Samba's IDL has):
 * the methods must answer an unknown level with ERROR_INVALID_LEVEL
 * ([MS-SRVS] 3.1.4, [MS-WKST] 3.2.4), which a union without one could not
 * carry - a request would end in an invalid-tag fault instead, and so would
 * the reply to a Get of a level the [out] union has no arm for. */
#define LEVEL_DEFAULT true
#define WSTR ndr_wstring_unique

#define STRUCT(T, ident, ...)                                           \
    static const struct ndr_member ident##_members[] = { __VA_ARGS__ }; \
    static NDR_STRUCT_TYPE(struct T, ident, ident##_members);           \
    static __attribute__((unused)) NDR_POINTER_TYPE(ident##_ptr, NDR_POINTER_UNIQUE, ident)

STRUCT(WKSTA_INFO_100, wksta_info_100,
       M(struct WKSTA_INFO_100, wki100_platform_id, ndr_u32),
       M(struct WKSTA_INFO_100, wki100_computername, WSTR),
       M(struct WKSTA_INFO_100, wki100_langroup, WSTR),
       M(struct WKSTA_INFO_100, wki100_ver_major, ndr_u32),
       M(struct WKSTA_INFO_100, wki100_ver_minor, ndr_u32));
STRUCT(WKSTA_INFO_101, wksta_info_101,
       M(struct WKSTA_INFO_101, wki101_platform_id, ndr_u32),
       M(struct WKSTA_INFO_101, wki101_computername, WSTR),
       M(struct WKSTA_INFO_101, wki101_langroup, WSTR),
       M(struct WKSTA_INFO_101, wki101_ver_major, ndr_u32),
       M(struct WKSTA_INFO_101, wki101_ver_minor, ndr_u32),
       M(struct WKSTA_INFO_101, wki101_lanroot, WSTR));
STRUCT(WKSTA_INFO_102, wksta_info_102,
       M(struct WKSTA_INFO_102, wki102_platform_id, ndr_u32),
       M(struct WKSTA_INFO_102, wki102_computername, WSTR),
       M(struct WKSTA_INFO_102, wki102_langroup, WSTR),
       M(struct WKSTA_INFO_102, wki102_ver_major, ndr_u32),
       M(struct WKSTA_INFO_102, wki102_ver_minor, ndr_u32),
       M(struct WKSTA_INFO_102, wki102_lanroot, WSTR),
       M(struct WKSTA_INFO_102, wki102_logged_on_users, ndr_u32));
static const struct ndr_type u32_x35 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "DWORD[35]", .size = 35 * 4,
                                         .target = &ndr_u32, .fixed_count = 35 };
STRUCT(WKSTA_INFO_502, wksta_info_502, M(struct WKSTA_INFO_502, wki502_values, u32_x35));
STRUCT(WKSTA_INFO_DWORD, wksta_info_dword, M(struct WKSTA_INFO_DWORD, value, ndr_u32));
/* [MS-WKST] 2.2.4.1; level 502 (a long list of redirector tunables) has its
 * arm, so that a client reads the NULL pointer it expects, but is answered
 * ERROR_INVALID_LEVEL. */
static const struct ndr_arm wksta_info_arms[] = {
    { 100, &wksta_info_100_ptr },   { 101, &wksta_info_101_ptr },   { 102, &wksta_info_102_ptr },
    { 502, &wksta_info_502_ptr },
    { 1013, &wksta_info_dword_ptr }, { 1018, &wksta_info_dword_ptr }, { 1046, &wksta_info_dword_ptr },
};
static NDR_UNION_TYPE(union WKSTA_INFO, wksta_info_union, wksta_info_arms, LEVEL_DEFAULT);

STRUCT(WKSTA_USER_INFO_0, wksta_user_info_0, M(struct WKSTA_USER_INFO_0, wkui0_username, WSTR));
STRUCT(WKSTA_USER_INFO_1, wksta_user_info_1,
       M(struct WKSTA_USER_INFO_1, wkui1_username, WSTR),
       M(struct WKSTA_USER_INFO_1, wkui1_logon_domain, WSTR),
       M(struct WKSTA_USER_INFO_1, wkui1_oth_domains, WSTR),
       M(struct WKSTA_USER_INFO_1, wkui1_logon_server, WSTR));
#define CONTAINER(T, elem, ident)                                                            \
    static NDR_ARRAY_TYPE(ident##_array, elem);                                               \
    static NDR_POINTER_TYPE(ident##_array_ptr, NDR_POINTER_UNIQUE, ident##_array);            \
    static const struct ndr_member ident##_members[] = {                                      \
        M(struct T, EntriesRead, ndr_u32),                                                    \
        M(struct T, Buffer, ident##_array_ptr, .size_is = NDR_FIELD(struct T, EntriesRead)),  \
    };                                                                                        \
    static NDR_STRUCT_TYPE(struct T, ident, ident##_members);                                 \
    static NDR_POINTER_TYPE(ident##_ptr, NDR_POINTER_UNIQUE, ident)
CONTAINER(WKSTA_USER_INFO_0_CONTAINER, wksta_user_info_0, wksta_user_container_0);
CONTAINER(WKSTA_USER_INFO_1_CONTAINER, wksta_user_info_1, wksta_user_container_1);
static const struct ndr_arm wksta_user_enum_arms[] = {
    { 0, &wksta_user_container_0_ptr },
    { 1, &wksta_user_container_1_ptr },
};
static NDR_UNION_TYPE(union WKSTA_USER_ENUM_UNION, wksta_user_enum_union, wksta_user_enum_arms, LEVEL_DEFAULT);
static const struct ndr_member wksta_user_enum_struct_members[] = {
    M(struct WKSTA_USER_ENUM_STRUCT, Level, ndr_u32),
    M(struct WKSTA_USER_ENUM_STRUCT, WkstaUserInfo, wksta_user_enum_union,
      .switch_is = NDR_FIELD(struct WKSTA_USER_ENUM_STRUCT, Level)),
};
static NDR_STRUCT_TYPE(struct WKSTA_USER_ENUM_STRUCT, wksta_user_enum_struct, wksta_user_enum_struct_members);

static const struct ndr_member NetrWkstaGetInfo_members[] = {
    M(struct NetrWkstaGetInfo, ServerName, WSTR, .direction = NDR_IN),
    M(struct NetrWkstaGetInfo, Level, ndr_u32, .direction = NDR_IN),
    M(struct NetrWkstaGetInfo, WkstaInfo, wksta_info_union, .direction = NDR_OUT,
      .switch_is = NDR_FIELD(struct NetrWkstaGetInfo, Level)),
    M(struct NetrWkstaGetInfo, Result, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct NetrWkstaGetInfo, NetrWkstaGetInfo_params, NetrWkstaGetInfo_members);
static const struct ndr_member NetrWkstaUserEnum_members[] = {
    M(struct NetrWkstaUserEnum, ServerName, WSTR, .direction = NDR_IN),
    M(struct NetrWkstaUserEnum, UserInfo, wksta_user_enum_struct, .direction = NDR_IN | NDR_OUT),
    M(struct NetrWkstaUserEnum, PreferredMaximumLength, ndr_u32, .direction = NDR_IN),
    M(struct NetrWkstaUserEnum, TotalEntries, ndr_u32, .direction = NDR_OUT),
    M(struct NetrWkstaUserEnum, ResumeHandle, ndr_u32_unique, .direction = NDR_IN | NDR_OUT),
    M(struct NetrWkstaUserEnum, Result, ndr_u32, .direction = NDR_OUT),
};
static NDR_PARAMS_TYPE(struct NetrWkstaUserEnum, NetrWkstaUserEnum_params, NetrWkstaUserEnum_members);

static const struct dcerpc_operation wkssvc_ops[WKSSVC_OPNUM_COUNT] = {
    [WKSSVC_NetrWkstaGetInfo] = { "NetrWkstaGetInfo", &NetrWkstaGetInfo_params, wkssvc_NetrWkstaGetInfo },
    [WKSSVC_NetrWkstaUserEnum] = { "NetrWkstaUserEnum", &NetrWkstaUserEnum_params, wkssvc_NetrWkstaUserEnum },
};

const struct dcerpc_interface wkssvc_interface = {
    "wkssvc",
    { { 0x6BFFD098, 0xA112, 0x3610, { 0x98, 0x33 }, { 0x46, 0xC3, 0xF8, 0x7E, 0x34, 0x5A } }, 1, 0 },
    wkssvc_ops,
    WKSSVC_OPNUM_COUNT,
};
