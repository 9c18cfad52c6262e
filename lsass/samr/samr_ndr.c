/* [MS-SAMR] types and operations as NDR descriptor tables: each IDL type
 * once, beside its C struct in samr_idl.h, in the order of [MS-SAMR] 2.2. */
#include "lsass/samr/samr_private.h"

#define M NDR_MEMBER

#define STRUCT(T, ident, ...)                                           \
    static const struct ndr_member ident##_members[] = { __VA_ARGS__ }; \
    static NDR_STRUCT_TYPE(struct T, ident, ident##_members);           \
    static __attribute__((unused)) NDR_POINTER_TYPE(ident##_ptr, NDR_POINTER_UNIQUE, ident)
#define PARAMS(T, ...)                                                 \
    static const struct ndr_member T##_members[] = { __VA_ARGS__ };    \
    static NDR_PARAMS_TYPE(struct T, T##_params, T##_members)
#define IN .direction = NDR_IN
#define OUT .direction = NDR_OUT
#define INOUT .direction = NDR_IN | NDR_OUT

/* Information classes are IDL enums (16 bits), and so are the unions'
 * discriminants switched by them. */
#define UNION16(U, ident, arm_table)                                                        \
    static const struct ndr_type ident = { .kind = NDR_KIND_UNION, .name = #U, .size = sizeof(U), \
                                           .arms = arm_table, .arm_count = NDR_ARRAY_LEN(arm_table), \
                                           .switch_size = 2 };                              \
    static NDR_POINTER_TYPE(ident##_ptr, NDR_POINTER_UNIQUE, ident)

static const struct ndr_type u16_varying = { .kind = NDR_KIND_ARRAY, .name = "WCHAR[]",
                                             .size = sizeof(void *), .target = &ndr_u16,
                                             .varying = true };
static NDR_POINTER_TYPE(u16_varying_ptr, NDR_POINTER_UNIQUE, u16_varying);
static const struct ndr_type u8_varying = { .kind = NDR_KIND_ARRAY, .name = "CHAR[]",
                                            .size = sizeof(void *), .target = &ndr_u8,
                                            .varying = true };
static NDR_POINTER_TYPE(u8_varying_ptr, NDR_POINTER_UNIQUE, u8_varying);
static NDR_ARRAY_TYPE(u32_array, ndr_u32);
static NDR_POINTER_TYPE(u32_array_ptr, NDR_POINTER_UNIQUE, u32_array);
static const struct ndr_type u32_varying = { .kind = NDR_KIND_ARRAY, .name = "ULONG[]",
                                             .size = sizeof(void *), .target = &ndr_u32,
                                             .varying = true };

STRUCT(old_large_integer, old_large_integer_type,
       M(struct old_large_integer, LowPart, ndr_u32),
       M(struct old_large_integer, HighPart, ndr_u32));

STRUCT(samr_short_blob, short_blob_type,
       M(struct samr_short_blob, Length, ndr_u16),
       M(struct samr_short_blob, MaximumLength, ndr_u16),
       M(struct samr_short_blob, Buffer, u16_varying_ptr,
         .size_is = NDR_FIELD_DIV(struct samr_short_blob, MaximumLength, 2),
         .length_is = NDR_FIELD_DIV(struct samr_short_blob, Length, 2)));

STRUCT(samr_sr_security_descriptor, sr_sd_type,
       M(struct samr_sr_security_descriptor, Length, ndr_u32, .range_max = 256 * 1024),
       M(struct samr_sr_security_descriptor, SecurityDescriptor, ndr_u8_array_unique,
         .size_is = NDR_FIELD(struct samr_sr_security_descriptor, Length)));

/* [size_is(1260), length_is((UnitsPerWeek+7)/8)]: every client sends a
 * multiple of 8 units (168, hours of a week), so UnitsPerWeek/8. */
STRUCT(samr_logon_hours, logon_hours_type,
       M(struct samr_logon_hours, UnitsPerWeek, ndr_u16),
       M(struct samr_logon_hours, LogonHours, u8_varying_ptr, .size_is = NDR_CONST(1260),
         .length_is = NDR_FIELD_DIV(struct samr_logon_hours, UnitsPerWeek, 8)));

STRUCT(samr_ulong_array, ulong_array_type,
       M(struct samr_ulong_array, Count, ndr_u32),
       M(struct samr_ulong_array, Element, u32_array_ptr,
         .size_is = NDR_FIELD(struct samr_ulong_array, Count)));

static NDR_POINTER_TYPE(ustring_array_ptr, NDR_POINTER_UNIQUE, ndr_rpc_unicode_string_array);
STRUCT(samr_returned_ustring_array, returned_ustring_array_type,
       M(struct samr_returned_ustring_array, Count, ndr_u32),
       M(struct samr_returned_ustring_array, Element, ustring_array_ptr,
         .size_is = NDR_FIELD(struct samr_returned_ustring_array, Count)));

STRUCT(samr_rid_enumeration, rid_enumeration_type,
       M(struct samr_rid_enumeration, RelativeId, ndr_u32),
       M(struct samr_rid_enumeration, Name, ndr_rpc_unicode_string));
static NDR_ARRAY_TYPE(rid_enumeration_array, rid_enumeration_type);
static NDR_POINTER_TYPE(rid_enumeration_array_ptr, NDR_POINTER_UNIQUE, rid_enumeration_array);
STRUCT(samr_enumeration_buffer, enumeration_buffer_type,
       M(struct samr_enumeration_buffer, EntriesRead, ndr_u32),
       M(struct samr_enumeration_buffer, Buffer, rid_enumeration_array_ptr,
         .size_is = NDR_FIELD(struct samr_enumeration_buffer, EntriesRead)));

STRUCT(group_membership, group_membership_type,
       M(struct group_membership, RelativeId, ndr_u32),
       M(struct group_membership, Attributes, ndr_u32));
static NDR_ARRAY_TYPE(group_membership_array, group_membership_type);
static NDR_POINTER_TYPE(group_membership_array_ptr, NDR_POINTER_UNIQUE, group_membership_array);
STRUCT(samr_get_groups_buffer, get_groups_buffer_type,
       M(struct samr_get_groups_buffer, MembershipCount, ndr_u32),
       M(struct samr_get_groups_buffer, Groups, group_membership_array_ptr,
         .size_is = NDR_FIELD(struct samr_get_groups_buffer, MembershipCount)));

STRUCT(samr_get_members_buffer, get_members_buffer_type,
       M(struct samr_get_members_buffer, MemberCount, ndr_u32),
       M(struct samr_get_members_buffer, Members, u32_array_ptr,
         .size_is = NDR_FIELD(struct samr_get_members_buffer, MemberCount)),
       M(struct samr_get_members_buffer, Attributes, u32_array_ptr,
         .size_is = NDR_FIELD(struct samr_get_members_buffer, MemberCount)));

STRUCT(samr_revision_info_v1, revision_info_v1_type,
       M(struct samr_revision_info_v1, Revision, ndr_u32),
       M(struct samr_revision_info_v1, SupportedFeatures, ndr_u32));
static const struct ndr_arm revision_info_arms[] = { { 1, &revision_info_v1_type } };
static NDR_UNION_TYPE(union samr_revision_info, revision_info_type, revision_info_arms, false);

STRUCT(user_domain_password_information, user_domain_password_information_type,
       M(struct user_domain_password_information, MinPasswordLength, ndr_u16),
       M(struct user_domain_password_information, PasswordProperties, ndr_u32));

/* ---- domain information ---- */
STRUCT(domain_password_information, domain_password_information_type,
       M(struct domain_password_information, MinPasswordLength, ndr_u16),
       M(struct domain_password_information, PasswordHistoryLength, ndr_u16),
       M(struct domain_password_information, PasswordProperties, ndr_u32),
       M(struct domain_password_information, MaxPasswordAge, old_large_integer_type),
       M(struct domain_password_information, MinPasswordAge, old_large_integer_type));
#define GENERAL_MEMBERS(T, p)                                                          \
    M(T, p ForceLogoff, old_large_integer_type),                                       \
    M(T, p OemInformation, ndr_rpc_unicode_string),                                         \
    M(T, p DomainName, ndr_rpc_unicode_string),                                             \
    M(T, p ReplicaSourceNodeName, ndr_rpc_unicode_string),                                  \
    M(T, p DomainModifiedCount, old_large_integer_type),                               \
    M(T, p DomainServerState, ndr_u32),                                                \
    M(T, p DomainServerRole, ndr_u32),                                                 \
    M(T, p UasCompatibilityRequired, ndr_u8),                                          \
    M(T, p UserCount, ndr_u32),                                                        \
    M(T, p GroupCount, ndr_u32),                                                       \
    M(T, p AliasCount, ndr_u32)
STRUCT(samr_domain_general_information, domain_general_type,
       GENERAL_MEMBERS(struct samr_domain_general_information, ));
STRUCT(samr_domain_general_information2, domain_general2_type,
       M(struct samr_domain_general_information2, I1, domain_general_type),
       M(struct samr_domain_general_information2, LockoutDuration, ndr_u64),
       M(struct samr_domain_general_information2, LockoutObservationWindow, ndr_u64),
       M(struct samr_domain_general_information2, LockoutThreshold, ndr_u16));
STRUCT(samr_domain_lockout_information, domain_lockout_type,
       M(struct samr_domain_lockout_information, LockoutDuration, ndr_u64),
       M(struct samr_domain_lockout_information, LockoutObservationWindow, ndr_u64),
       M(struct samr_domain_lockout_information, LockoutThreshold, ndr_u16));
STRUCT(domain_modified_information, domain_modified_type,
       M(struct domain_modified_information, DomainModifiedCount, old_large_integer_type),
       M(struct domain_modified_information, CreationTime, old_large_integer_type));
STRUCT(domain_modified_information2, domain_modified2_type,
       M(struct domain_modified_information2, DomainModifiedCount, old_large_integer_type),
       M(struct domain_modified_information2, CreationTime, old_large_integer_type),
       M(struct domain_modified_information2, ModifiedCountAtLastPromotion, old_large_integer_type));
static const struct ndr_arm domain_info_arms[] = {
    { 1, &domain_password_information_type }, { 2, &domain_general_type },
    { 3, &old_large_integer_type },           { 4, &ndr_rpc_unicode_string },
    { 5, &ndr_rpc_unicode_string },                { 6, &ndr_rpc_unicode_string },
    { 7, &ndr_u32 },                          { 8, &domain_modified_type },
    { 9, &ndr_u32 },                          { 11, &domain_general2_type },
    { 12, &domain_lockout_type },             { 13, &domain_modified2_type },
};
UNION16(union samr_domain_info_buffer, domain_info_type, domain_info_arms);

/* ---- group and alias information ---- */
STRUCT(samr_group_general_information, group_general_type,
       M(struct samr_group_general_information, Name, ndr_rpc_unicode_string),
       M(struct samr_group_general_information, Attributes, ndr_u32),
       M(struct samr_group_general_information, MemberCount, ndr_u32),
       M(struct samr_group_general_information, AdminComment, ndr_rpc_unicode_string));
static const struct ndr_arm group_info_arms[] = {
    { 1, &group_general_type }, { 2, &ndr_rpc_unicode_string }, { 3, &ndr_u32 },
    { 4, &ndr_rpc_unicode_string },  { 5, &group_general_type },
};
UNION16(union samr_group_info_buffer, group_info_type, group_info_arms);

STRUCT(samr_alias_general_information, alias_general_type,
       M(struct samr_alias_general_information, Name, ndr_rpc_unicode_string),
       M(struct samr_alias_general_information, MemberCount, ndr_u32),
       M(struct samr_alias_general_information, AdminComment, ndr_rpc_unicode_string));
static const struct ndr_arm alias_info_arms[] = {
    { 1, &alias_general_type }, { 2, &ndr_rpc_unicode_string }, { 3, &ndr_rpc_unicode_string },
};
UNION16(union samr_alias_info_buffer, alias_info_type, alias_info_arms);

/* ---- user information ---- */
#define U(f) M(struct samr_user_all_information, f, ndr_rpc_unicode_string)
#define L(f) M(struct samr_user_all_information, f, old_large_integer_type)
STRUCT(samr_user_all_information, user_all_type,
       L(LastLogon), L(LastLogoff), L(PasswordLastSet), L(AccountExpires), L(PasswordCanChange),
       L(PasswordMustChange), U(UserName), U(FullName), U(HomeDirectory), U(HomeDirectoryDrive),
       U(ScriptPath), U(ProfilePath), U(AdminComment), U(WorkStations), U(UserComment),
       U(Parameters),
       M(struct samr_user_all_information, LmOwfPassword, short_blob_type),
       M(struct samr_user_all_information, NtOwfPassword, short_blob_type),
       U(PrivateData),
       M(struct samr_user_all_information, SecurityDescriptor, sr_sd_type),
       M(struct samr_user_all_information, UserId, ndr_u32),
       M(struct samr_user_all_information, PrimaryGroupId, ndr_u32),
       M(struct samr_user_all_information, UserAccountControl, ndr_u32),
       M(struct samr_user_all_information, WhichFields, ndr_u32),
       M(struct samr_user_all_information, LogonHours, logon_hours_type),
       M(struct samr_user_all_information, BadPasswordCount, ndr_u16),
       M(struct samr_user_all_information, LogonCount, ndr_u16),
       M(struct samr_user_all_information, CountryCode, ndr_u16),
       M(struct samr_user_all_information, CodePage, ndr_u16),
       M(struct samr_user_all_information, LmPasswordPresent, ndr_u8),
       M(struct samr_user_all_information, NtPasswordPresent, ndr_u8),
       M(struct samr_user_all_information, PasswordExpired, ndr_u8),
       M(struct samr_user_all_information, PrivateDataSensitive, ndr_u8));
#undef U
#undef L

STRUCT(samr_user_general_information, user_general_type,
       M(struct samr_user_general_information, UserName, ndr_rpc_unicode_string),
       M(struct samr_user_general_information, FullName, ndr_rpc_unicode_string),
       M(struct samr_user_general_information, PrimaryGroupId, ndr_u32),
       M(struct samr_user_general_information, AdminComment, ndr_rpc_unicode_string),
       M(struct samr_user_general_information, UserComment, ndr_rpc_unicode_string));
STRUCT(samr_user_preferences_information, user_preferences_type,
       M(struct samr_user_preferences_information, UserComment, ndr_rpc_unicode_string),
       M(struct samr_user_preferences_information, Reserved1, ndr_rpc_unicode_string),
       M(struct samr_user_preferences_information, CountryCode, ndr_u16),
       M(struct samr_user_preferences_information, CodePage, ndr_u16));
#define U(f) M(struct samr_user_logon_information, f, ndr_rpc_unicode_string)
#define L(f) M(struct samr_user_logon_information, f, old_large_integer_type)
STRUCT(samr_user_logon_information, user_logon_type,
       U(UserName), U(FullName),
       M(struct samr_user_logon_information, UserId, ndr_u32),
       M(struct samr_user_logon_information, PrimaryGroupId, ndr_u32),
       U(HomeDirectory), U(HomeDirectoryDrive), U(ScriptPath), U(ProfilePath), U(WorkStations),
       L(LastLogon), L(LastLogoff), L(PasswordLastSet), L(PasswordCanChange), L(PasswordMustChange),
       M(struct samr_user_logon_information, LogonHours, logon_hours_type),
       M(struct samr_user_logon_information, BadPasswordCount, ndr_u16),
       M(struct samr_user_logon_information, LogonCount, ndr_u16),
       M(struct samr_user_logon_information, UserAccountControl, ndr_u32));
#undef U
#undef L
#define U(f) M(struct samr_user_account_information, f, ndr_rpc_unicode_string)
#define L(f) M(struct samr_user_account_information, f, old_large_integer_type)
STRUCT(samr_user_account_information, user_account_type,
       U(UserName), U(FullName),
       M(struct samr_user_account_information, UserId, ndr_u32),
       M(struct samr_user_account_information, PrimaryGroupId, ndr_u32),
       U(HomeDirectory), U(HomeDirectoryDrive), U(ScriptPath), U(ProfilePath), U(AdminComment),
       U(WorkStations), L(LastLogon), L(LastLogoff),
       M(struct samr_user_account_information, LogonHours, logon_hours_type),
       M(struct samr_user_account_information, BadPasswordCount, ndr_u16),
       M(struct samr_user_account_information, LogonCount, ndr_u16),
       L(PasswordLastSet), L(AccountExpires),
       M(struct samr_user_account_information, UserAccountControl, ndr_u32));
#undef U
#undef L
STRUCT(samr_user_name_information, user_name_type,
       M(struct samr_user_name_information, UserName, ndr_rpc_unicode_string),
       M(struct samr_user_name_information, FullName, ndr_rpc_unicode_string));
STRUCT(samr_user_home_information, user_home_type,
       M(struct samr_user_home_information, HomeDirectory, ndr_rpc_unicode_string),
       M(struct samr_user_home_information, HomeDirectoryDrive, ndr_rpc_unicode_string));

static const struct ndr_type bytes_16 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "BYTE[16]",
                                          .size = 16, .target = &ndr_u8, .fixed_count = 16 };
static const struct ndr_type bytes_64 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "BYTE[64]",
                                          .size = 64, .target = &ndr_u8, .fixed_count = 64 };
static const struct ndr_type bytes_516 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "BYTE[516]",
                                           .size = 516, .target = &ndr_u8, .fixed_count = 516 };
static const struct ndr_type bytes_532 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "BYTE[532]",
                                           .size = 532, .target = &ndr_u8, .fixed_count = 532 };
STRUCT(samr_encrypted_user_password, encrypted_password_type,
       M(struct samr_encrypted_user_password, Buffer, bytes_516));
STRUCT(samr_encrypted_user_password_new, encrypted_password_new_type,
       M(struct samr_encrypted_user_password_new, Buffer, bytes_532));
STRUCT(encrypted_owf_password, encrypted_owf_type,
       M(struct encrypted_owf_password, data, bytes_16));
STRUCT(samr_user_internal1_information, user_internal1_type,
       M(struct samr_user_internal1_information, EncryptedNtOwfPassword, bytes_16),
       M(struct samr_user_internal1_information, EncryptedLmOwfPassword, bytes_16),
       M(struct samr_user_internal1_information, NtPasswordPresent, ndr_u8),
       M(struct samr_user_internal1_information, LmPasswordPresent, ndr_u8),
       M(struct samr_user_internal1_information, PasswordExpired, ndr_u8));
STRUCT(samr_user_internal4_information, user_internal4_type,
       M(struct samr_user_internal4_information, I1, user_all_type),
       M(struct samr_user_internal4_information, UserPassword, encrypted_password_type));
STRUCT(samr_user_internal5_information, user_internal5_type,
       M(struct samr_user_internal5_information, UserPassword, encrypted_password_type),
       M(struct samr_user_internal5_information, PasswordExpired, ndr_u8));
STRUCT(samr_user_internal4_information_new, user_internal4_new_type,
       M(struct samr_user_internal4_information_new, I1, user_all_type),
       M(struct samr_user_internal4_information_new, UserPassword, encrypted_password_new_type));
STRUCT(samr_user_internal5_information_new, user_internal5_new_type,
       M(struct samr_user_internal5_information_new, UserPassword, encrypted_password_new_type),
       M(struct samr_user_internal5_information_new, PasswordExpired, ndr_u8));
STRUCT(samr_encrypted_password_aes, encrypted_password_aes_type,
       M(struct samr_encrypted_password_aes, AuthData, bytes_64),
       M(struct samr_encrypted_password_aes, Salt, bytes_16),
       M(struct samr_encrypted_password_aes, cbCipher, ndr_u32, .range_max = SAMR_MAX_AES_CIPHER),
       M(struct samr_encrypted_password_aes, Cipher, ndr_u8_array_unique,
         .size_is = NDR_FIELD(struct samr_encrypted_password_aes, cbCipher)),
       M(struct samr_encrypted_password_aes, PBKDF2Iterations, ndr_u64));
STRUCT(samr_user_internal7_information, user_internal7_type,
       M(struct samr_user_internal7_information, UserPassword, encrypted_password_aes_type),
       M(struct samr_user_internal7_information, PasswordExpired, ndr_u8));
STRUCT(samr_user_internal8_information, user_internal8_type,
       M(struct samr_user_internal8_information, I1, user_all_type),
       M(struct samr_user_internal8_information, UserPassword, encrypted_password_aes_type));

static const struct ndr_arm user_info_arms[] = {
    { 1, &user_general_type },      { 2, &user_preferences_type },  { 3, &user_logon_type },
    { 4, &logon_hours_type },       { 5, &user_account_type },      { 6, &user_name_type },
    { 7, &ndr_rpc_unicode_string },      { 8, &ndr_rpc_unicode_string },      { 9, &ndr_u32 },
    { 10, &user_home_type },        { 11, &ndr_rpc_unicode_string },     { 12, &ndr_rpc_unicode_string },
    { 13, &ndr_rpc_unicode_string },     { 14, &ndr_rpc_unicode_string },     { 16, &ndr_u32 },
    { 17, &old_large_integer_type }, { 18, &user_internal1_type },  { 20, &ndr_rpc_unicode_string },
    { 21, &user_all_type },         { 23, &user_internal4_type },   { 24, &user_internal5_type },
    { 25, &user_internal4_new_type }, { 26, &user_internal5_new_type },
    { 31, &user_internal7_type },   { 32, &user_internal8_type },
};
UNION16(union samr_user_info_buffer, user_info_type, user_info_arms);

/* ---- display information ---- */
STRUCT(samr_domain_display_user, display_user_type,
       M(struct samr_domain_display_user, Index, ndr_u32),
       M(struct samr_domain_display_user, Rid, ndr_u32),
       M(struct samr_domain_display_user, AccountControl, ndr_u32),
       M(struct samr_domain_display_user, AccountName, ndr_rpc_unicode_string),
       M(struct samr_domain_display_user, AdminComment, ndr_rpc_unicode_string),
       M(struct samr_domain_display_user, FullName, ndr_rpc_unicode_string));
STRUCT(samr_domain_display_group, display_group_type,
       M(struct samr_domain_display_group, Index, ndr_u32),
       M(struct samr_domain_display_group, Rid, ndr_u32),
       M(struct samr_domain_display_group, AccountControl, ndr_u32),
       M(struct samr_domain_display_group, AccountName, ndr_rpc_unicode_string),
       M(struct samr_domain_display_group, AdminComment, ndr_rpc_unicode_string));
STRUCT(samr_rpc_string, rpc_string_type,
       M(struct samr_rpc_string, Length, ndr_u16),
       M(struct samr_rpc_string, MaximumLength, ndr_u16),
       M(struct samr_rpc_string, Buffer, u8_varying_ptr,
         .size_is = NDR_FIELD(struct samr_rpc_string, MaximumLength),
         .length_is = NDR_FIELD(struct samr_rpc_string, Length)));
STRUCT(samr_domain_display_oem, display_oem_type,
       M(struct samr_domain_display_oem, Index, ndr_u32),
       M(struct samr_domain_display_oem, OemAccountName, rpc_string_type));
#define DISPLAY_BUFFER(T, elem, ident)                                                      \
    static NDR_ARRAY_TYPE(ident##_array, elem);                                             \
    static NDR_POINTER_TYPE(ident##_array_ptr, NDR_POINTER_UNIQUE, ident##_array);          \
    STRUCT(T, ident, M(struct T, EntriesRead, ndr_u32),                                     \
           M(struct T, Buffer, ident##_array_ptr, .size_is = NDR_FIELD(struct T, EntriesRead)))
DISPLAY_BUFFER(samr_display_user_buffer, display_user_type, display_user_buffer_type);
DISPLAY_BUFFER(samr_display_group_buffer, display_group_type, display_group_buffer_type);
DISPLAY_BUFFER(samr_display_oem_buffer, display_oem_type, display_oem_buffer_type);
static const struct ndr_arm display_info_arms[] = {
    { 1, &display_user_buffer_type }, { 2, &display_group_buffer_type },
    { 3, &display_group_buffer_type }, { 4, &display_oem_buffer_type },
    { 5, &display_oem_buffer_type },
};
/* With an empty default arm: the reply to an unknown class must still
 * marshal, carrying STATUS_INVALID_INFO_CLASS. */
static const struct ndr_type display_info_type = {
    .kind = NDR_KIND_UNION, .name = "SAMPR_DISPLAY_INFO_BUFFER", .size = sizeof(union samr_display_info_buffer),
    .arms = display_info_arms, .arm_count = NDR_ARRAY_LEN(display_info_arms), .switch_size = 2,
    .has_default = true };

/* ---- operations ---- */
static NDR_POINTER_TYPE(u16_unique, NDR_POINTER_UNIQUE, ndr_u16);
static NDR_POINTER_TYPE(rpc_string_unique, NDR_POINTER_UNIQUE, rpc_string_type);
static NDR_POINTER_TYPE(encrypted_password_unique, NDR_POINTER_UNIQUE, encrypted_password_type);
static NDR_POINTER_TYPE(encrypted_owf_unique, NDR_POINTER_UNIQUE, encrypted_owf_type);
static NDR_POINTER_TYPE(u8_16_unique, NDR_POINTER_UNIQUE, bytes_16);

PARAMS(SamrConnect,
       M(struct SamrConnect, ServerName, u16_unique, IN),
       M(struct SamrConnect, DesiredAccess, ndr_u32, IN),
       M(struct SamrConnect, ServerHandle, ndr_policy_handle, OUT),
       M(struct SamrConnect, result, ndr_u32, OUT));
PARAMS(SamrConnect2,
       M(struct SamrConnect2, ServerName, ndr_wstring_unique, IN),
       M(struct SamrConnect2, DesiredAccess, ndr_u32, IN),
       M(struct SamrConnect2, ServerHandle, ndr_policy_handle, OUT),
       M(struct SamrConnect2, result, ndr_u32, OUT));
PARAMS(SamrConnect3,
       M(struct SamrConnect3, ServerName, ndr_wstring_unique, IN),
       M(struct SamrConnect3, ClientRevision, ndr_u32, IN),
       M(struct SamrConnect3, DesiredAccess, ndr_u32, IN),
       M(struct SamrConnect3, ServerHandle, ndr_policy_handle, OUT),
       M(struct SamrConnect3, result, ndr_u32, OUT));
PARAMS(SamrConnect4,
       M(struct SamrConnect4, ServerName, ndr_wstring_unique, IN),
       M(struct SamrConnect4, ClientRevision, ndr_u32, IN),
       M(struct SamrConnect4, DesiredAccess, ndr_u32, IN),
       M(struct SamrConnect4, ServerHandle, ndr_policy_handle, OUT),
       M(struct SamrConnect4, result, ndr_u32, OUT));
PARAMS(SamrConnect5,
       M(struct SamrConnect5, ServerName, ndr_wstring_unique, IN),
       M(struct SamrConnect5, DesiredAccess, ndr_u32, IN),
       M(struct SamrConnect5, InVersion, ndr_u32, IN),
       M(struct SamrConnect5, InRevisionInfo, revision_info_type, IN,
         .switch_is = NDR_FIELD(struct SamrConnect5, InVersion)),
       M(struct SamrConnect5, OutVersion, ndr_u32, OUT),
       M(struct SamrConnect5, OutRevisionInfo, revision_info_type, OUT,
         .switch_is = NDR_FIELD(struct SamrConnect5, OutVersion)),
       M(struct SamrConnect5, ServerHandle, ndr_policy_handle, OUT),
       M(struct SamrConnect5, result, ndr_u32, OUT));
PARAMS(SamrCloseHandle,
       M(struct SamrCloseHandle, SamHandle, ndr_policy_handle, INOUT),
       M(struct SamrCloseHandle, result, ndr_u32, OUT));
PARAMS(SamrSetSecurityObject,
       M(struct SamrSetSecurityObject, ObjectHandle, ndr_policy_handle, IN),
       M(struct SamrSetSecurityObject, SecurityInformation, ndr_u32, IN),
       M(struct SamrSetSecurityObject, SecurityDescriptor, sr_sd_type, IN),
       M(struct SamrSetSecurityObject, result, ndr_u32, OUT));
PARAMS(SamrQuerySecurityObject,
       M(struct SamrQuerySecurityObject, ObjectHandle, ndr_policy_handle, IN),
       M(struct SamrQuerySecurityObject, SecurityInformation, ndr_u32, IN),
       M(struct SamrQuerySecurityObject, SecurityDescriptor, sr_sd_type_ptr, OUT),
       M(struct SamrQuerySecurityObject, result, ndr_u32, OUT));
PARAMS(SamrLookupDomainInSamServer,
       M(struct SamrLookupDomainInSamServer, ServerHandle, ndr_policy_handle, IN),
       M(struct SamrLookupDomainInSamServer, Name, ndr_rpc_unicode_string, IN),
       M(struct SamrLookupDomainInSamServer, DomainId, ndr_rpc_sid_unique, OUT),
       M(struct SamrLookupDomainInSamServer, result, ndr_u32, OUT));
PARAMS(SamrEnumerate,
       M(struct SamrEnumerate, Handle, ndr_policy_handle, IN),
       M(struct SamrEnumerate, EnumerationContext, ndr_u32, INOUT),
       M(struct SamrEnumerate, PreferedMaximumLength, ndr_u32, IN),
       M(struct SamrEnumerate, Buffer, enumeration_buffer_type_ptr, OUT),
       M(struct SamrEnumerate, CountReturned, ndr_u32, OUT),
       M(struct SamrEnumerate, result, ndr_u32, OUT));
PARAMS(SamrEnumerateUsersInDomain,
       M(struct SamrEnumerateUsersInDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrEnumerateUsersInDomain, EnumerationContext, ndr_u32, INOUT),
       M(struct SamrEnumerateUsersInDomain, UserAccountControl, ndr_u32, IN),
       M(struct SamrEnumerateUsersInDomain, PreferedMaximumLength, ndr_u32, IN),
       M(struct SamrEnumerateUsersInDomain, Buffer, enumeration_buffer_type_ptr, OUT),
       M(struct SamrEnumerateUsersInDomain, CountReturned, ndr_u32, OUT),
       M(struct SamrEnumerateUsersInDomain, result, ndr_u32, OUT));
PARAMS(SamrOpenDomain,
       M(struct SamrOpenDomain, ServerHandle, ndr_policy_handle, IN),
       M(struct SamrOpenDomain, DesiredAccess, ndr_u32, IN),
       M(struct SamrOpenDomain, DomainId, ndr_rpc_sid, IN),
       M(struct SamrOpenDomain, DomainHandle, ndr_policy_handle, OUT),
       M(struct SamrOpenDomain, result, ndr_u32, OUT));
PARAMS(SamrQueryInformationDomain,
       M(struct SamrQueryInformationDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrQueryInformationDomain, DomainInformationClass, ndr_u16, IN),
       M(struct SamrQueryInformationDomain, Buffer, domain_info_type_ptr, OUT,
         .switch_is = NDR_FIELD(struct SamrQueryInformationDomain, DomainInformationClass)),
       M(struct SamrQueryInformationDomain, result, ndr_u32, OUT));
PARAMS(SamrSetInformationDomain,
       M(struct SamrSetInformationDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrSetInformationDomain, DomainInformationClass, ndr_u16, IN),
       M(struct SamrSetInformationDomain, DomainInformation, domain_info_type, IN,
         .switch_is = NDR_FIELD(struct SamrSetInformationDomain, DomainInformationClass)),
       M(struct SamrSetInformationDomain, result, ndr_u32, OUT));
PARAMS(SamrCreateInDomain,
       M(struct SamrCreateInDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrCreateInDomain, Name, ndr_rpc_unicode_string, IN),
       M(struct SamrCreateInDomain, DesiredAccess, ndr_u32, IN),
       M(struct SamrCreateInDomain, Handle, ndr_policy_handle, OUT),
       M(struct SamrCreateInDomain, RelativeId, ndr_u32, OUT),
       M(struct SamrCreateInDomain, result, ndr_u32, OUT));
PARAMS(SamrGetAliasMembership,
       M(struct SamrGetAliasMembership, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrGetAliasMembership, SidArray, ndr_sid_array_samr, IN),
       M(struct SamrGetAliasMembership, Membership, ulong_array_type, OUT),
       M(struct SamrGetAliasMembership, result, ndr_u32, OUT));
static const struct ndr_type ustring_varying = { .kind = NDR_KIND_ARRAY, .name = "RPC_UNICODE_STRING[]",
                                                 .size = sizeof(void *), .target = &ndr_rpc_unicode_string,
                                                 .varying = true };
PARAMS(SamrLookupNamesInDomain,
       M(struct SamrLookupNamesInDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrLookupNamesInDomain, Count, ndr_u32, IN, .range_max = SAMR_MAX_LOOKUP),
       M(struct SamrLookupNamesInDomain, Names, ustring_varying, IN, .size_is = NDR_CONST(1000),
         .length_is = NDR_FIELD(struct SamrLookupNamesInDomain, Count)),
       M(struct SamrLookupNamesInDomain, RelativeIds, ulong_array_type, OUT),
       M(struct SamrLookupNamesInDomain, Use, ulong_array_type, OUT),
       M(struct SamrLookupNamesInDomain, result, ndr_u32, OUT));
PARAMS(SamrLookupIdsInDomain,
       M(struct SamrLookupIdsInDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrLookupIdsInDomain, Count, ndr_u32, IN, .range_max = SAMR_MAX_LOOKUP),
       M(struct SamrLookupIdsInDomain, RelativeIds, u32_varying, IN, .size_is = NDR_CONST(1000),
         .length_is = NDR_FIELD(struct SamrLookupIdsInDomain, Count)),
       M(struct SamrLookupIdsInDomain, Names, returned_ustring_array_type, OUT),
       M(struct SamrLookupIdsInDomain, Use, ulong_array_type, OUT),
       M(struct SamrLookupIdsInDomain, result, ndr_u32, OUT));
PARAMS(SamrOpenAccount,
       M(struct SamrOpenAccount, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrOpenAccount, DesiredAccess, ndr_u32, IN),
       M(struct SamrOpenAccount, Id, ndr_u32, IN),
       M(struct SamrOpenAccount, Handle, ndr_policy_handle, OUT),
       M(struct SamrOpenAccount, result, ndr_u32, OUT));
PARAMS(SamrQueryInformationGroup,
       M(struct SamrQueryInformationGroup, GroupHandle, ndr_policy_handle, IN),
       M(struct SamrQueryInformationGroup, GroupInformationClass, ndr_u16, IN),
       M(struct SamrQueryInformationGroup, Buffer, group_info_type_ptr, OUT,
         .switch_is = NDR_FIELD(struct SamrQueryInformationGroup, GroupInformationClass)),
       M(struct SamrQueryInformationGroup, result, ndr_u32, OUT));
PARAMS(SamrSetInformationGroup,
       M(struct SamrSetInformationGroup, GroupHandle, ndr_policy_handle, IN),
       M(struct SamrSetInformationGroup, GroupInformationClass, ndr_u16, IN),
       M(struct SamrSetInformationGroup, Buffer, group_info_type, IN,
         .switch_is = NDR_FIELD(struct SamrSetInformationGroup, GroupInformationClass)),
       M(struct SamrSetInformationGroup, result, ndr_u32, OUT));
PARAMS(SamrAddMemberToGroup,
       M(struct SamrAddMemberToGroup, GroupHandle, ndr_policy_handle, IN),
       M(struct SamrAddMemberToGroup, MemberId, ndr_u32, IN),
       M(struct SamrAddMemberToGroup, Attributes, ndr_u32, IN),
       M(struct SamrAddMemberToGroup, result, ndr_u32, OUT));
PARAMS(SamrDeleteAccount,
       M(struct SamrDeleteAccount, Handle, ndr_policy_handle, INOUT),
       M(struct SamrDeleteAccount, result, ndr_u32, OUT));
PARAMS(SamrRemoveMemberFromGroup,
       M(struct SamrRemoveMemberFromGroup, GroupHandle, ndr_policy_handle, IN),
       M(struct SamrRemoveMemberFromGroup, MemberId, ndr_u32, IN),
       M(struct SamrRemoveMemberFromGroup, result, ndr_u32, OUT));
PARAMS(SamrGetMembersInGroup,
       M(struct SamrGetMembersInGroup, GroupHandle, ndr_policy_handle, IN),
       M(struct SamrGetMembersInGroup, Members, get_members_buffer_type_ptr, OUT),
       M(struct SamrGetMembersInGroup, result, ndr_u32, OUT));
PARAMS(SamrQueryInformationAlias,
       M(struct SamrQueryInformationAlias, AliasHandle, ndr_policy_handle, IN),
       M(struct SamrQueryInformationAlias, AliasInformationClass, ndr_u16, IN),
       M(struct SamrQueryInformationAlias, Buffer, alias_info_type_ptr, OUT,
         .switch_is = NDR_FIELD(struct SamrQueryInformationAlias, AliasInformationClass)),
       M(struct SamrQueryInformationAlias, result, ndr_u32, OUT));
PARAMS(SamrSetInformationAlias,
       M(struct SamrSetInformationAlias, AliasHandle, ndr_policy_handle, IN),
       M(struct SamrSetInformationAlias, AliasInformationClass, ndr_u16, IN),
       M(struct SamrSetInformationAlias, Buffer, alias_info_type, IN,
         .switch_is = NDR_FIELD(struct SamrSetInformationAlias, AliasInformationClass)),
       M(struct SamrSetInformationAlias, result, ndr_u32, OUT));
PARAMS(SamrAliasMember,
       M(struct SamrAliasMember, AliasHandle, ndr_policy_handle, IN),
       M(struct SamrAliasMember, MemberId, ndr_rpc_sid, IN),
       M(struct SamrAliasMember, result, ndr_u32, OUT));
PARAMS(SamrGetMembersInAlias,
       M(struct SamrGetMembersInAlias, AliasHandle, ndr_policy_handle, IN),
       M(struct SamrGetMembersInAlias, Members, ndr_sid_array_samr, OUT),
       M(struct SamrGetMembersInAlias, result, ndr_u32, OUT));
PARAMS(SamrRemoveMemberFromForeignDomain,
       M(struct SamrRemoveMemberFromForeignDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrRemoveMemberFromForeignDomain, MemberSid, ndr_rpc_sid, IN),
       M(struct SamrRemoveMemberFromForeignDomain, result, ndr_u32, OUT));
PARAMS(SamrQueryInformationUser,
       M(struct SamrQueryInformationUser, UserHandle, ndr_policy_handle, IN),
       M(struct SamrQueryInformationUser, UserInformationClass, ndr_u16, IN),
       M(struct SamrQueryInformationUser, Buffer, user_info_type_ptr, OUT,
         .switch_is = NDR_FIELD(struct SamrQueryInformationUser, UserInformationClass)),
       M(struct SamrQueryInformationUser, result, ndr_u32, OUT));
PARAMS(SamrSetInformationUser,
       M(struct SamrSetInformationUser, UserHandle, ndr_policy_handle, IN),
       M(struct SamrSetInformationUser, UserInformationClass, ndr_u16, IN),
       M(struct SamrSetInformationUser, Buffer, user_info_type, IN,
         .switch_is = NDR_FIELD(struct SamrSetInformationUser, UserInformationClass)),
       M(struct SamrSetInformationUser, result, ndr_u32, OUT));
PARAMS(SamrGetGroupsForUser,
       M(struct SamrGetGroupsForUser, UserHandle, ndr_policy_handle, IN),
       M(struct SamrGetGroupsForUser, Groups, get_groups_buffer_type_ptr, OUT),
       M(struct SamrGetGroupsForUser, result, ndr_u32, OUT));
PARAMS(SamrQueryDisplayInformation,
       M(struct SamrQueryDisplayInformation, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrQueryDisplayInformation, DisplayInformationClass, ndr_u16, IN),
       M(struct SamrQueryDisplayInformation, Index, ndr_u32, IN),
       M(struct SamrQueryDisplayInformation, EntryCount, ndr_u32, IN),
       M(struct SamrQueryDisplayInformation, PreferredMaximumLength, ndr_u32, IN),
       M(struct SamrQueryDisplayInformation, TotalAvailable, ndr_u32, OUT),
       M(struct SamrQueryDisplayInformation, TotalReturned, ndr_u32, OUT),
       M(struct SamrQueryDisplayInformation, Buffer, display_info_type, OUT,
         .switch_is = NDR_FIELD(struct SamrQueryDisplayInformation, DisplayInformationClass)),
       M(struct SamrQueryDisplayInformation, result, ndr_u32, OUT));
PARAMS(SamrGetDisplayEnumerationIndex,
       M(struct SamrGetDisplayEnumerationIndex, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrGetDisplayEnumerationIndex, DisplayInformationClass, ndr_u16, IN),
       M(struct SamrGetDisplayEnumerationIndex, Prefix, ndr_rpc_unicode_string, IN),
       M(struct SamrGetDisplayEnumerationIndex, Index, ndr_u32, OUT),
       M(struct SamrGetDisplayEnumerationIndex, result, ndr_u32, OUT));
PARAMS(SamrGetUserDomainPasswordInformation,
       M(struct SamrGetUserDomainPasswordInformation, UserHandle, ndr_policy_handle, IN),
       M(struct SamrGetUserDomainPasswordInformation, PasswordInformation,
         user_domain_password_information_type, OUT),
       M(struct SamrGetUserDomainPasswordInformation, result, ndr_u32, OUT));
PARAMS(SamrCreateUser2InDomain,
       M(struct SamrCreateUser2InDomain, DomainHandle, ndr_policy_handle, IN),
       M(struct SamrCreateUser2InDomain, Name, ndr_rpc_unicode_string, IN),
       M(struct SamrCreateUser2InDomain, AccountType, ndr_u32, IN),
       M(struct SamrCreateUser2InDomain, DesiredAccess, ndr_u32, IN),
       M(struct SamrCreateUser2InDomain, UserHandle, ndr_policy_handle, OUT),
       M(struct SamrCreateUser2InDomain, GrantedAccess, ndr_u32, OUT),
       M(struct SamrCreateUser2InDomain, RelativeId, ndr_u32, OUT),
       M(struct SamrCreateUser2InDomain, result, ndr_u32, OUT));
PARAMS(SamrAliasMembers,
       M(struct SamrAliasMembers, AliasHandle, ndr_policy_handle, IN),
       M(struct SamrAliasMembers, MembersBuffer, ndr_sid_array_samr, IN),
       M(struct SamrAliasMembers, result, ndr_u32, OUT));
PARAMS(SamrOemChangePasswordUser2,
       M(struct SamrOemChangePasswordUser2, ServerName, rpc_string_unique, IN),
       M(struct SamrOemChangePasswordUser2, UserName, rpc_string_type, IN),
       M(struct SamrOemChangePasswordUser2, NewPasswordEncryptedWithOldLm, encrypted_password_unique, IN),
       M(struct SamrOemChangePasswordUser2, OldLmOwfPasswordEncryptedWithNewLm, u8_16_unique, IN),
       M(struct SamrOemChangePasswordUser2, result, ndr_u32, OUT));
PARAMS(SamrChangePasswordUser,
       M(struct SamrChangePasswordUser, UserHandle, ndr_policy_handle, IN),
       M(struct SamrChangePasswordUser, LmPresent, ndr_u8, IN),
       M(struct SamrChangePasswordUser, OldLmEncryptedWithNewLm, encrypted_owf_unique, IN),
       M(struct SamrChangePasswordUser, NewLmEncryptedWithOldLm, encrypted_owf_unique, IN),
       M(struct SamrChangePasswordUser, NtPresent, ndr_u8, IN),
       M(struct SamrChangePasswordUser, OldNtEncryptedWithNewNt, encrypted_owf_unique, IN),
       M(struct SamrChangePasswordUser, NewNtEncryptedWithOldNt, encrypted_owf_unique, IN),
       M(struct SamrChangePasswordUser, NtCrossEncryptionPresent, ndr_u8, IN),
       M(struct SamrChangePasswordUser, NewNtEncryptedWithNewLm, encrypted_owf_unique, IN),
       M(struct SamrChangePasswordUser, LmCrossEncryptionPresent, ndr_u8, IN),
       M(struct SamrChangePasswordUser, NewLmEncryptedWithNewNt, encrypted_owf_unique, IN),
       M(struct SamrChangePasswordUser, result, ndr_u32, OUT));
PARAMS(SamrUnicodeChangePasswordUser2,
       M(struct SamrUnicodeChangePasswordUser2, ServerName, ndr_rpc_unicode_string_unique, IN),
       M(struct SamrUnicodeChangePasswordUser2, UserName, ndr_rpc_unicode_string, IN),
       M(struct SamrUnicodeChangePasswordUser2, NewPasswordEncryptedWithOldNt, encrypted_password_unique, IN),
       M(struct SamrUnicodeChangePasswordUser2, OldNtOwfPasswordEncryptedWithNewNt, encrypted_owf_unique, IN),
       M(struct SamrUnicodeChangePasswordUser2, LmPresent, ndr_u8, IN),
       M(struct SamrUnicodeChangePasswordUser2, NewPasswordEncryptedWithOldLm, encrypted_password_unique, IN),
       M(struct SamrUnicodeChangePasswordUser2, OldLmOwfPasswordEncryptedWithNewNt, encrypted_owf_unique, IN),
       M(struct SamrUnicodeChangePasswordUser2, result, ndr_u32, OUT));
STRUCT(user_pwd_change_failure_information, change_failure_type,
       M(struct user_pwd_change_failure_information, ExtendedFailureReason, ndr_u32),
       M(struct user_pwd_change_failure_information, FilterModuleName, ndr_rpc_unicode_string));
PARAMS(SamrUnicodeChangePasswordUser3,
       M(struct SamrUnicodeChangePasswordUser3, ServerName, ndr_rpc_unicode_string_unique, IN),
       M(struct SamrUnicodeChangePasswordUser3, UserName, ndr_rpc_unicode_string, IN),
       M(struct SamrUnicodeChangePasswordUser3, NewPasswordEncryptedWithOldNt, encrypted_password_unique, IN),
       M(struct SamrUnicodeChangePasswordUser3, OldNtOwfPasswordEncryptedWithNewNt, encrypted_owf_unique, IN),
       M(struct SamrUnicodeChangePasswordUser3, LmPresent, ndr_u8, IN),
       M(struct SamrUnicodeChangePasswordUser3, NewPasswordEncryptedWithOldLm, encrypted_password_unique, IN),
       M(struct SamrUnicodeChangePasswordUser3, OldLmOwfPasswordEncryptedWithNewNt, encrypted_owf_unique, IN),
       M(struct SamrUnicodeChangePasswordUser3, AdditionalData, encrypted_password_unique, IN),
       M(struct SamrUnicodeChangePasswordUser3, EffectivePasswordPolicy, domain_password_information_type_ptr, OUT),
       M(struct SamrUnicodeChangePasswordUser3, PasswordChangeFailureInfo, change_failure_type_ptr, OUT),
       M(struct SamrUnicodeChangePasswordUser3, result, ndr_u32, OUT));
PARAMS(SamrTestPrivateFunctions,
       M(struct SamrTestPrivateFunctions, Handle, ndr_policy_handle, IN),
       M(struct SamrTestPrivateFunctions, result, ndr_u32, OUT));
PARAMS(SamrGetDomainPasswordInformation,
       M(struct SamrGetDomainPasswordInformation, Unused, ndr_rpc_unicode_string_unique, IN),
       M(struct SamrGetDomainPasswordInformation, PasswordInformation,
         user_domain_password_information_type, OUT),
       M(struct SamrGetDomainPasswordInformation, result, ndr_u32, OUT));
PARAMS(SamrRidToSid,
       M(struct SamrRidToSid, ObjectHandle, ndr_policy_handle, IN),
       M(struct SamrRidToSid, Rid, ndr_u32, IN),
       M(struct SamrRidToSid, Sid, ndr_rpc_sid_unique, OUT),
       M(struct SamrRidToSid, result, ndr_u32, OUT));
PARAMS(SamrUnicodeChangePasswordUser4,
       M(struct SamrUnicodeChangePasswordUser4, ServerName, ndr_rpc_unicode_string_unique, IN),
       M(struct SamrUnicodeChangePasswordUser4, UserName, ndr_rpc_unicode_string, IN),
       M(struct SamrUnicodeChangePasswordUser4, EncryptedPassword, encrypted_password_aes_type, IN),
       M(struct SamrUnicodeChangePasswordUser4, result, ndr_u32, OUT));

#define OP(n, name, params, handler) [n] = { #name, &params##_params, handler }
static const struct dcerpc_operation samr_ops[] = {
    OP(0, SamrConnect, SamrConnect, samr_Connect),
    OP(1, SamrCloseHandle, SamrCloseHandle, samr_CloseHandle),
    OP(2, SamrSetSecurityObject, SamrSetSecurityObject, samr_SetSecurityObject),
    OP(3, SamrQuerySecurityObject, SamrQuerySecurityObject, samr_QuerySecurityObject),
    OP(5, SamrLookupDomainInSamServer, SamrLookupDomainInSamServer, samr_LookupDomainInSamServer),
    OP(6, SamrEnumerateDomainsInSamServer, SamrEnumerate, samr_EnumerateDomainsInSamServer),
    OP(7, SamrOpenDomain, SamrOpenDomain, samr_OpenDomain),
    OP(8, SamrQueryInformationDomain, SamrQueryInformationDomain, samr_QueryInformationDomain),
    OP(9, SamrSetInformationDomain, SamrSetInformationDomain, samr_SetInformationDomain),
    OP(10, SamrCreateGroupInDomain, SamrCreateInDomain, samr_CreateGroupInDomain),
    OP(11, SamrEnumerateGroupsInDomain, SamrEnumerate, samr_EnumerateGroupsInDomain),
    OP(12, SamrCreateUserInDomain, SamrCreateInDomain, samr_CreateUserInDomain),
    OP(13, SamrEnumerateUsersInDomain, SamrEnumerateUsersInDomain, samr_EnumerateUsersInDomain),
    OP(14, SamrCreateAliasInDomain, SamrCreateInDomain, samr_CreateAliasInDomain),
    OP(15, SamrEnumerateAliasesInDomain, SamrEnumerate, samr_EnumerateAliasesInDomain),
    OP(16, SamrGetAliasMembership, SamrGetAliasMembership, samr_GetAliasMembership),
    OP(17, SamrLookupNamesInDomain, SamrLookupNamesInDomain, samr_LookupNamesInDomain),
    OP(18, SamrLookupIdsInDomain, SamrLookupIdsInDomain, samr_LookupIdsInDomain),
    OP(19, SamrOpenGroup, SamrOpenAccount, samr_OpenGroup),
    OP(20, SamrQueryInformationGroup, SamrQueryInformationGroup, samr_QueryInformationGroup),
    OP(21, SamrSetInformationGroup, SamrSetInformationGroup, samr_SetInformationGroup),
    OP(22, SamrAddMemberToGroup, SamrAddMemberToGroup, samr_AddMemberToGroup),
    OP(23, SamrDeleteGroup, SamrDeleteAccount, samr_DeleteGroup),
    OP(24, SamrRemoveMemberFromGroup, SamrRemoveMemberFromGroup, samr_RemoveMemberFromGroup),
    OP(25, SamrGetMembersInGroup, SamrGetMembersInGroup, samr_GetMembersInGroup),
    OP(27, SamrOpenAlias, SamrOpenAccount, samr_OpenAlias),
    OP(28, SamrQueryInformationAlias, SamrQueryInformationAlias, samr_QueryInformationAlias),
    OP(29, SamrSetInformationAlias, SamrSetInformationAlias, samr_SetInformationAlias),
    OP(30, SamrDeleteAlias, SamrDeleteAccount, samr_DeleteAlias),
    OP(31, SamrAddMemberToAlias, SamrAliasMember, samr_AddMemberToAlias),
    OP(32, SamrRemoveMemberFromAlias, SamrAliasMember, samr_RemoveMemberFromAlias),
    OP(33, SamrGetMembersInAlias, SamrGetMembersInAlias, samr_GetMembersInAlias),
    OP(34, SamrOpenUser, SamrOpenAccount, samr_OpenUser),
    OP(35, SamrDeleteUser, SamrDeleteAccount, samr_DeleteUser),
    OP(36, SamrQueryInformationUser, SamrQueryInformationUser, samr_QueryInformationUser),
    OP(37, SamrSetInformationUser, SamrSetInformationUser, samr_SetInformationUser),
    OP(38, SamrChangePasswordUser, SamrChangePasswordUser, samr_ChangePasswordUser),
    OP(39, SamrGetGroupsForUser, SamrGetGroupsForUser, samr_GetGroupsForUser),
    OP(40, SamrQueryDisplayInformation, SamrQueryDisplayInformation, samr_QueryDisplayInformation),
    OP(41, SamrGetDisplayEnumerationIndex, SamrGetDisplayEnumerationIndex, samr_GetDisplayEnumerationIndex),
    OP(42, SamrTestPrivateFunctionsDomain, SamrTestPrivateFunctions, samr_TestPrivateFunctions),
    OP(43, SamrTestPrivateFunctionsUser, SamrTestPrivateFunctions, samr_TestPrivateFunctions),
    OP(44, SamrGetUserDomainPasswordInformation, SamrGetUserDomainPasswordInformation,
       samr_GetUserDomainPasswordInformation),
    OP(45, SamrRemoveMemberFromForeignDomain, SamrRemoveMemberFromForeignDomain,
       samr_RemoveMemberFromForeignDomain),
    OP(46, SamrQueryInformationDomain2, SamrQueryInformationDomain, samr_QueryInformationDomain),
    OP(47, SamrQueryInformationUser2, SamrQueryInformationUser, samr_QueryInformationUser),
    OP(48, SamrQueryDisplayInformation2, SamrQueryDisplayInformation, samr_QueryDisplayInformation),
    OP(49, SamrGetDisplayEnumerationIndex2, SamrGetDisplayEnumerationIndex, samr_GetDisplayEnumerationIndex),
    OP(50, SamrCreateUser2InDomain, SamrCreateUser2InDomain, samr_CreateUser2InDomain),
    OP(51, SamrQueryDisplayInformation3, SamrQueryDisplayInformation, samr_QueryDisplayInformation),
    OP(52, SamrAddMultipleMembersToAlias, SamrAliasMembers, samr_AddMultipleMembersToAlias),
    OP(53, SamrRemoveMultipleMembersFromAlias, SamrAliasMembers, samr_RemoveMultipleMembersFromAlias),
    OP(54, SamrOemChangePasswordUser2, SamrOemChangePasswordUser2, samr_OemChangePasswordUser2),
    OP(55, SamrUnicodeChangePasswordUser2, SamrUnicodeChangePasswordUser2, samr_UnicodeChangePasswordUser2),
    OP(56, SamrGetDomainPasswordInformation, SamrGetDomainPasswordInformation,
       samr_GetDomainPasswordInformation),
    OP(57, SamrConnect2, SamrConnect2, samr_Connect2),
    OP(58, SamrSetInformationUser2, SamrSetInformationUser, samr_SetInformationUser),
    OP(61, SamrConnect3, SamrConnect3, samr_Connect3),
    OP(62, SamrConnect4, SamrConnect4, samr_Connect4),
    OP(63, SamrUnicodeChangePasswordUser3, SamrUnicodeChangePasswordUser3, samr_UnicodeChangePasswordUser3),
    OP(64, SamrConnect5, SamrConnect5, samr_Connect5),
    OP(65, SamrRidToSid, SamrRidToSid, samr_RidToSid),
    OP(73, SamrUnicodeChangePasswordUser4, SamrUnicodeChangePasswordUser4, samr_UnicodeChangePasswordUser4),
};

/* 12345778-1234-ABCD-EF00-0123456789AC v1.0 ([MS-SAMR] 1.9). */
const struct dcerpc_interface samr_interface = {
    .name = "samr",
    .syntax = { .uuid = { 0x12345778, 0x1234, 0xABCD, { 0xEF, 0x00 },
                          { 0x01, 0x23, 0x45, 0x67, 0x89, 0xAC } },
                .major = 1, .minor = 0 },
    .ops = samr_ops,
    .op_count = NDR_ARRAY_LEN(samr_ops),
};
