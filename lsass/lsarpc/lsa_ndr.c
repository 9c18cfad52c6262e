/* lsarpc and dssetup: the NDR descriptors of lsa_idl.h's types and the
 * operation tables. */
#include "lsass/lsarpc/lsarpc_private.h"

#define M NDR_MEMBER
#define IN NDR_IN
#define OUT NDR_OUT

static NDR_POINTER_TYPE(u16_unique, NDR_POINTER_UNIQUE, ndr_u16);
static NDR_POINTER_TYPE(u8_unique, NDR_POINTER_UNIQUE, ndr_u8);

/* ---- Common ---- */
static const struct ndr_type guid_data4 = { .kind = NDR_KIND_FIXED_ARRAY, .name = "Data4", .size = 8,
                                            .target = &ndr_u8, .fixed_count = 8 };
static const struct ndr_member guid_members[] = {
    M(struct LSA_GUID, Data1, ndr_u32),
    M(struct LSA_GUID, Data2, ndr_u16),
    M(struct LSA_GUID, Data3, ndr_u16),
    M(struct LSA_GUID, Data4, guid_data4),
};
static NDR_STRUCT_TYPE(struct LSA_GUID, guid_type, guid_members);
static const struct ndr_member luid_members[] = {
    M(struct LSA_LUID, LowPart, ndr_u32),
    M(struct LSA_LUID, HighPart, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSA_LUID, luid_type, luid_members);

/* ---- LSAPR_OBJECT_ATTRIBUTES ---- */
static const struct ndr_member qos_members[] = {
    M(struct LSAPR_SECURITY_QUALITY_OF_SERVICE, Length, ndr_u32),
    M(struct LSAPR_SECURITY_QUALITY_OF_SERVICE, ImpersonationLevel, ndr_u16),
    M(struct LSAPR_SECURITY_QUALITY_OF_SERVICE, ContextTrackingMode, ndr_u8),
    M(struct LSAPR_SECURITY_QUALITY_OF_SERVICE, EffectiveOnly, ndr_u8),
};
static NDR_STRUCT_TYPE(struct LSAPR_SECURITY_QUALITY_OF_SERVICE, qos_type, qos_members);
static NDR_POINTER_TYPE(qos_unique, NDR_POINTER_UNIQUE, qos_type);
static const struct ndr_member acl_members[] = {
    M(struct LSAPR_ACL, AclRevision, ndr_u8),
    M(struct LSAPR_ACL, Sbz1, ndr_u8),
    M(struct LSAPR_ACL, AclSize, ndr_u16),
    /* [size_is(AclSize - 4)] has no form in the engine's expressions; the
     * server ignores the descriptor anyway, so only an empty ACL is read. */
    M(struct LSAPR_ACL, Dummy1, ndr_u8_array, .size_is = NDR_CONST(0)),
};
static NDR_STRUCT_TYPE(struct LSAPR_ACL, acl_type, acl_members);
static NDR_POINTER_TYPE(acl_unique, NDR_POINTER_UNIQUE, acl_type);
static const struct ndr_member sd_members[] = {
    M(struct LSAPR_SECURITY_DESCRIPTOR, Revision, ndr_u8),
    M(struct LSAPR_SECURITY_DESCRIPTOR, Sbz1, ndr_u8),
    M(struct LSAPR_SECURITY_DESCRIPTOR, Control, ndr_u16),
    M(struct LSAPR_SECURITY_DESCRIPTOR, Owner, ndr_rpc_sid_unique),
    M(struct LSAPR_SECURITY_DESCRIPTOR, Group, ndr_rpc_sid_unique),
    M(struct LSAPR_SECURITY_DESCRIPTOR, Sacl, acl_unique),
    M(struct LSAPR_SECURITY_DESCRIPTOR, Dacl, acl_unique),
};
static NDR_STRUCT_TYPE(struct LSAPR_SECURITY_DESCRIPTOR, sd_type, sd_members);
static NDR_POINTER_TYPE(sd_unique, NDR_POINTER_UNIQUE, sd_type);
static const struct ndr_member object_attributes_members[] = {
    M(struct LSAPR_OBJECT_ATTRIBUTES, Length, ndr_u32),
    M(struct LSAPR_OBJECT_ATTRIBUTES, RootDirectory, u8_unique),
    M(struct LSAPR_OBJECT_ATTRIBUTES, ObjectName, ndr_wstring_unique),
    M(struct LSAPR_OBJECT_ATTRIBUTES, Attributes, ndr_u32),
    M(struct LSAPR_OBJECT_ATTRIBUTES, SecurityDescriptor, sd_unique),
    M(struct LSAPR_OBJECT_ATTRIBUTES, SecurityQualityOfService, qos_unique),
};
static NDR_STRUCT_TYPE(struct LSAPR_OBJECT_ATTRIBUTES, object_attributes_type, object_attributes_members);

/* ---- Policy information ---- */
static const struct ndr_member audit_log_members[] = {
    M(struct POLICY_AUDIT_LOG_INFO, AuditLogPercentFull, ndr_u32),
    M(struct POLICY_AUDIT_LOG_INFO, MaximumLogSize, ndr_u32),
    M(struct POLICY_AUDIT_LOG_INFO, AuditRetentionPeriod, ndr_u64),
    M(struct POLICY_AUDIT_LOG_INFO, AuditLogFullShutdownInProgress, ndr_u8),
    M(struct POLICY_AUDIT_LOG_INFO, TimeToShutdown, ndr_u64),
    M(struct POLICY_AUDIT_LOG_INFO, NextAuditRecordId, ndr_u32),
};
static NDR_STRUCT_TYPE(struct POLICY_AUDIT_LOG_INFO, audit_log_type, audit_log_members);
static NDR_ARRAY_TYPE(u32_array, ndr_u32);
static NDR_POINTER_TYPE(u32_array_unique, NDR_POINTER_UNIQUE, u32_array);
static const struct ndr_member audit_events_members[] = {
    M(struct LSAPR_POLICY_AUDIT_EVENTS_INFO, AuditingMode, ndr_u8),
    M(struct LSAPR_POLICY_AUDIT_EVENTS_INFO, EventAuditingOptions, u32_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_POLICY_AUDIT_EVENTS_INFO, MaximumAuditEventCount)),
    M(struct LSAPR_POLICY_AUDIT_EVENTS_INFO, MaximumAuditEventCount, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_POLICY_AUDIT_EVENTS_INFO, audit_events_type, audit_events_members);
static const struct ndr_member domain_info_members[] = {
    M(struct LSAPR_POLICY_DOMAIN_INFO, Name, ndr_rpc_unicode_string),
    M(struct LSAPR_POLICY_DOMAIN_INFO, Sid, ndr_rpc_sid_unique),
};
static NDR_STRUCT_TYPE(struct LSAPR_POLICY_DOMAIN_INFO, domain_info_type, domain_info_members);
static const struct ndr_member pd_account_members[] = {
    M(struct LSAPR_POLICY_PD_ACCOUNT_INFO, Name, ndr_rpc_unicode_string),
};
static NDR_STRUCT_TYPE(struct LSAPR_POLICY_PD_ACCOUNT_INFO, pd_account_type, pd_account_members);
static const struct ndr_member server_role_members[] = {
    M(struct POLICY_LSA_SERVER_ROLE_INFO, LsaServerRole, ndr_u32),
};
static NDR_STRUCT_TYPE(struct POLICY_LSA_SERVER_ROLE_INFO, server_role_type, server_role_members);
static const struct ndr_member replica_members[] = {
    M(struct LSAPR_POLICY_REPLICA_SRCE_INFO, ReplicaSource, ndr_rpc_unicode_string),
    M(struct LSAPR_POLICY_REPLICA_SRCE_INFO, ReplicaAccountName, ndr_rpc_unicode_string),
};
static NDR_STRUCT_TYPE(struct LSAPR_POLICY_REPLICA_SRCE_INFO, replica_type, replica_members);
static const struct ndr_member quota_members[] = {
    M(struct POLICY_DEFAULT_QUOTA_INFO, PagedPoolLimit, ndr_u32),
    M(struct POLICY_DEFAULT_QUOTA_INFO, NonPagedPoolLimit, ndr_u32),
    M(struct POLICY_DEFAULT_QUOTA_INFO, MinimumWorkingSetSize, ndr_u32),
    M(struct POLICY_DEFAULT_QUOTA_INFO, MaximumWorkingSetSize, ndr_u32),
    M(struct POLICY_DEFAULT_QUOTA_INFO, PagefileLimit, ndr_u32),
    M(struct POLICY_DEFAULT_QUOTA_INFO, TimeLimit, ndr_u64),
};
static NDR_STRUCT_TYPE(struct POLICY_DEFAULT_QUOTA_INFO, quota_type, quota_members);
static const struct ndr_member modification_members[] = {
    M(struct POLICY_MODIFICATION_INFO, ModifiedId, ndr_u64),
    M(struct POLICY_MODIFICATION_INFO, DatabaseCreationTime, ndr_u64),
};
static NDR_STRUCT_TYPE(struct POLICY_MODIFICATION_INFO, modification_type, modification_members);
static const struct ndr_member audit_full_query_members[] = {
    M(struct POLICY_AUDIT_FULL_QUERY_INFO, ShutDownOnFull, ndr_u8),
    M(struct POLICY_AUDIT_FULL_QUERY_INFO, LogIsFull, ndr_u8),
};
static NDR_STRUCT_TYPE(struct POLICY_AUDIT_FULL_QUERY_INFO, audit_full_query_type, audit_full_query_members);
static const struct ndr_member dns_domain_members[] = {
    M(struct LSAPR_POLICY_DNS_DOMAIN_INFO, Name, ndr_rpc_unicode_string),
    M(struct LSAPR_POLICY_DNS_DOMAIN_INFO, DnsDomainName, ndr_rpc_unicode_string),
    M(struct LSAPR_POLICY_DNS_DOMAIN_INFO, DnsForestName, ndr_rpc_unicode_string),
    M(struct LSAPR_POLICY_DNS_DOMAIN_INFO, DomainGuid, guid_type),
    M(struct LSAPR_POLICY_DNS_DOMAIN_INFO, Sid, ndr_rpc_sid_unique),
};
static NDR_STRUCT_TYPE(struct LSAPR_POLICY_DNS_DOMAIN_INFO, dns_domain_type, dns_domain_members);
static const struct ndr_arm policy_information_arms[] = {
    { PolicyAuditLogInformation, &audit_log_type },
    { PolicyAuditEventsInformation, &audit_events_type },
    { PolicyPrimaryDomainInformation, &domain_info_type },
    { PolicyPdAccountInformation, &pd_account_type },
    { PolicyAccountDomainInformation, &domain_info_type },
    { PolicyLsaServerRoleInformation, &server_role_type },
    { PolicyReplicaSourceInformation, &replica_type },
    { PolicyDefaultQuotaInformation, &quota_type },
    { PolicyModificationInformation, &modification_type },
    { PolicyAuditFullQueryInformation, &audit_full_query_type },
    { PolicyDnsDomainInformation, &dns_domain_type },
    { PolicyDnsDomainInformationInt, &dns_domain_type },
    { PolicyLocalAccountDomainInformation, &domain_info_type },
};
static const struct ndr_type policy_information_type = {
    .kind = NDR_KIND_UNION, .name = "LSAPR_POLICY_INFORMATION", .size = sizeof(union LSAPR_POLICY_INFORMATION),
    .arms = policy_information_arms, .arm_count = NDR_ARRAY_LEN(policy_information_arms), .switch_size = 2,
};
static NDR_POINTER_TYPE(policy_information_unique, NDR_POINTER_UNIQUE, policy_information_type);

/* ---- Accounts and privileges ---- */
static NDR_POINTER_TYPE(unicode_string_array_unique, NDR_POINTER_UNIQUE, ndr_rpc_unicode_string_array);
static const struct ndr_member user_right_set_members[] = {
    M(struct LSAPR_USER_RIGHT_SET, EntriesRead, ndr_u32, .range_max = 256),
    M(struct LSAPR_USER_RIGHT_SET, UserRights, unicode_string_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_USER_RIGHT_SET, EntriesRead)),
};
static NDR_STRUCT_TYPE(struct LSAPR_USER_RIGHT_SET, user_right_set_type, user_right_set_members);
static const struct ndr_member luid_and_attributes_members[] = {
    M(struct LSAPR_LUID_AND_ATTRIBUTES, Luid, luid_type),
    M(struct LSAPR_LUID_AND_ATTRIBUTES, Attributes, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_LUID_AND_ATTRIBUTES, luid_and_attributes_type, luid_and_attributes_members);
static NDR_ARRAY_TYPE(luid_and_attributes_array, luid_and_attributes_type);
static const struct ndr_member privilege_set_members[] = {
    M(struct LSAPR_PRIVILEGE_SET, PrivilegeCount, ndr_u32, .range_max = 1000),
    M(struct LSAPR_PRIVILEGE_SET, Control, ndr_u32),
    M(struct LSAPR_PRIVILEGE_SET, Privilege, luid_and_attributes_array,
      .size_is = NDR_FIELD(struct LSAPR_PRIVILEGE_SET, PrivilegeCount)),
};
static NDR_STRUCT_TYPE(struct LSAPR_PRIVILEGE_SET, privilege_set_type, privilege_set_members);
static NDR_POINTER_TYPE(privilege_set_unique, NDR_POINTER_UNIQUE, privilege_set_type);
static const struct ndr_member privilege_def_members[] = {
    M(struct LSAPR_POLICY_PRIVILEGE_DEF, Name, ndr_rpc_unicode_string),
    M(struct LSAPR_POLICY_PRIVILEGE_DEF, LocalValue, luid_type),
};
static NDR_STRUCT_TYPE(struct LSAPR_POLICY_PRIVILEGE_DEF, privilege_def_type, privilege_def_members);
static NDR_ARRAY_TYPE(privilege_def_array, privilege_def_type);
static NDR_POINTER_TYPE(privilege_def_array_unique, NDR_POINTER_UNIQUE, privilege_def_array);
static const struct ndr_member privilege_enum_members[] = {
    M(struct LSAPR_PRIVILEGE_ENUM_BUFFER, Entries, ndr_u32),
    M(struct LSAPR_PRIVILEGE_ENUM_BUFFER, Privileges, privilege_def_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_PRIVILEGE_ENUM_BUFFER, Entries)),
};
static NDR_STRUCT_TYPE(struct LSAPR_PRIVILEGE_ENUM_BUFFER, privilege_enum_type, privilege_enum_members);
static NDR_POINTER_TYPE(u8_array_unique, NDR_POINTER_UNIQUE, ndr_u8_array);
static const struct ndr_member sr_sd_members[] = {
    M(struct LSAPR_SR_SECURITY_DESCRIPTOR, Length, ndr_u32, .range_max = 262144),
    M(struct LSAPR_SR_SECURITY_DESCRIPTOR, SecurityDescriptor, u8_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_SR_SECURITY_DESCRIPTOR, Length)),
};
static NDR_STRUCT_TYPE(struct LSAPR_SR_SECURITY_DESCRIPTOR, sr_sd_type, sr_sd_members);
static NDR_POINTER_TYPE(sr_sd_unique, NDR_POINTER_UNIQUE, sr_sd_type);
static NDR_POINTER_TYPE(unicode_string_unique_unique, NDR_POINTER_UNIQUE, ndr_rpc_unicode_string_unique);

/* ---- Lookups ---- */
static const struct ndr_member trust_information_members[] = {
    M(struct LSAPR_TRUST_INFORMATION, Name, ndr_rpc_unicode_string),
    M(struct LSAPR_TRUST_INFORMATION, Sid, ndr_rpc_sid_unique),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRUST_INFORMATION, trust_information_type, trust_information_members);
static NDR_ARRAY_TYPE(trust_information_array, trust_information_type);
static NDR_POINTER_TYPE(trust_information_array_unique, NDR_POINTER_UNIQUE, trust_information_array);
static const struct ndr_member referenced_domains_members[] = {
    M(struct LSAPR_REFERENCED_DOMAIN_LIST, Entries, ndr_u32),
    M(struct LSAPR_REFERENCED_DOMAIN_LIST, Domains, trust_information_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_REFERENCED_DOMAIN_LIST, Entries)),
    M(struct LSAPR_REFERENCED_DOMAIN_LIST, MaxEntries, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_REFERENCED_DOMAIN_LIST, referenced_domains_type, referenced_domains_members);
static NDR_POINTER_TYPE(referenced_domains_unique, NDR_POINTER_UNIQUE, referenced_domains_type);
static const struct ndr_member trusted_enum_members[] = {
    M(struct LSAPR_TRUSTED_ENUM_BUFFER, EntriesRead, ndr_u32),
    M(struct LSAPR_TRUSTED_ENUM_BUFFER, Information, trust_information_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_TRUSTED_ENUM_BUFFER, EntriesRead)),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRUSTED_ENUM_BUFFER, trusted_enum_type, trusted_enum_members);

static const struct ndr_member translated_sid_members[] = {
    M(struct LSAPR_TRANSLATED_SID, Use, ndr_u16),
    M(struct LSAPR_TRANSLATED_SID, RelativeId, ndr_u32),
    M(struct LSAPR_TRANSLATED_SID, DomainIndex, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_SID, translated_sid_type, translated_sid_members);
static NDR_ARRAY_TYPE(translated_sid_array, translated_sid_type);
static NDR_POINTER_TYPE(translated_sid_array_unique, NDR_POINTER_UNIQUE, translated_sid_array);
static const struct ndr_member translated_sids_members[] = {
    M(struct LSAPR_TRANSLATED_SIDS, Entries, ndr_u32, .range_max = 1000),
    M(struct LSAPR_TRANSLATED_SIDS, Sids, translated_sid_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_TRANSLATED_SIDS, Entries)),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_SIDS, translated_sids_type, translated_sids_members);

static const struct ndr_member translated_sid_ex_members[] = {
    M(struct LSAPR_TRANSLATED_SID_EX, Use, ndr_u16),
    M(struct LSAPR_TRANSLATED_SID_EX, RelativeId, ndr_u32),
    M(struct LSAPR_TRANSLATED_SID_EX, DomainIndex, ndr_u32),
    M(struct LSAPR_TRANSLATED_SID_EX, Flags, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_SID_EX, translated_sid_ex_type, translated_sid_ex_members);
static NDR_ARRAY_TYPE(translated_sid_ex_array, translated_sid_ex_type);
static NDR_POINTER_TYPE(translated_sid_ex_array_unique, NDR_POINTER_UNIQUE, translated_sid_ex_array);
static const struct ndr_member translated_sids_ex_members[] = {
    M(struct LSAPR_TRANSLATED_SIDS_EX, Entries, ndr_u32, .range_max = 1000),
    M(struct LSAPR_TRANSLATED_SIDS_EX, Sids, translated_sid_ex_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_TRANSLATED_SIDS_EX, Entries)),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_SIDS_EX, translated_sids_ex_type, translated_sids_ex_members);

static const struct ndr_member translated_sid_ex2_members[] = {
    M(struct LSAPR_TRANSLATED_SID_EX2, Use, ndr_u16),
    M(struct LSAPR_TRANSLATED_SID_EX2, Sid, ndr_rpc_sid_unique),
    M(struct LSAPR_TRANSLATED_SID_EX2, DomainIndex, ndr_u32),
    M(struct LSAPR_TRANSLATED_SID_EX2, Flags, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_SID_EX2, translated_sid_ex2_type, translated_sid_ex2_members);
static NDR_ARRAY_TYPE(translated_sid_ex2_array, translated_sid_ex2_type);
static NDR_POINTER_TYPE(translated_sid_ex2_array_unique, NDR_POINTER_UNIQUE, translated_sid_ex2_array);
static const struct ndr_member translated_sids_ex2_members[] = {
    M(struct LSAPR_TRANSLATED_SIDS_EX2, Entries, ndr_u32, .range_max = 1000),
    M(struct LSAPR_TRANSLATED_SIDS_EX2, Sids, translated_sid_ex2_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_TRANSLATED_SIDS_EX2, Entries)),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_SIDS_EX2, translated_sids_ex2_type, translated_sids_ex2_members);

/* LSAPR_TRANSLATED_NAME: the _EX struct without Flags (same C struct). */
static const struct ndr_member translated_name_members[] = {
    M(struct LSAPR_TRANSLATED_NAME_EX, Use, ndr_u16),
    M(struct LSAPR_TRANSLATED_NAME_EX, Name, ndr_rpc_unicode_string),
    M(struct LSAPR_TRANSLATED_NAME_EX, DomainIndex, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_NAME_EX, translated_name_type, translated_name_members);
static NDR_ARRAY_TYPE(translated_name_array, translated_name_type);
static NDR_POINTER_TYPE(translated_name_array_unique, NDR_POINTER_UNIQUE, translated_name_array);
static const struct ndr_member translated_names_members[] = {
    M(struct LSAPR_TRANSLATED_NAMES_EX, Entries, ndr_u32, .range_max = 20480),
    M(struct LSAPR_TRANSLATED_NAMES_EX, Names, translated_name_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_TRANSLATED_NAMES_EX, Entries)),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_NAMES_EX, translated_names_type, translated_names_members);
static const struct ndr_member translated_name_ex_members[] = {
    M(struct LSAPR_TRANSLATED_NAME_EX, Use, ndr_u16),
    M(struct LSAPR_TRANSLATED_NAME_EX, Name, ndr_rpc_unicode_string),
    M(struct LSAPR_TRANSLATED_NAME_EX, DomainIndex, ndr_u32),
    M(struct LSAPR_TRANSLATED_NAME_EX, Flags, ndr_u32),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_NAME_EX, translated_name_ex_type, translated_name_ex_members);
static NDR_ARRAY_TYPE(translated_name_ex_array, translated_name_ex_type);
static NDR_POINTER_TYPE(translated_name_ex_array_unique, NDR_POINTER_UNIQUE, translated_name_ex_array);
static const struct ndr_member translated_names_ex_members[] = {
    M(struct LSAPR_TRANSLATED_NAMES_EX, Entries, ndr_u32, .range_max = 20480),
    M(struct LSAPR_TRANSLATED_NAMES_EX, Names, translated_name_ex_array_unique,
      .size_is = NDR_FIELD(struct LSAPR_TRANSLATED_NAMES_EX, Entries)),
};
static NDR_STRUCT_TYPE(struct LSAPR_TRANSLATED_NAMES_EX, translated_names_ex_type, translated_names_ex_members);

/* ---- Operations ---- */
#define PARAMS(T, name, ...)                                              \
    static const struct ndr_member name##_members[] = { __VA_ARGS__ };   \
    static NDR_PARAMS_TYPE(struct T, name##_params, name##_members)
#define RESULT(T) M(struct T, Result, ndr_u32, .direction = OUT)

PARAMS(LsarClose, Close,
       M(struct LsarClose, ObjectHandle, ndr_policy_handle, .direction = IN | OUT),
       RESULT(LsarClose));
PARAMS(LsarDelete, Delete,
       M(struct LsarDelete, ObjectHandle, ndr_policy_handle, .direction = IN),
       RESULT(LsarDelete));
PARAMS(LsarClose, DeleteObject,
       M(struct LsarClose, ObjectHandle, ndr_policy_handle, .direction = IN | OUT),
       RESULT(LsarClose));
PARAMS(LsarOpenPolicy, OpenPolicy,
       M(struct LsarOpenPolicy, SystemName, u16_unique, .direction = IN),
       M(struct LsarOpenPolicy, ObjectAttributes, object_attributes_type, .direction = IN),
       M(struct LsarOpenPolicy, DesiredAccess, ndr_u32, .direction = IN),
       M(struct LsarOpenPolicy, PolicyHandle, ndr_policy_handle, .direction = OUT),
       RESULT(LsarOpenPolicy));
PARAMS(LsarOpenPolicy, OpenPolicy2,
       M(struct LsarOpenPolicy, SystemName2, ndr_wstring_unique, .direction = IN),
       M(struct LsarOpenPolicy, ObjectAttributes, object_attributes_type, .direction = IN),
       M(struct LsarOpenPolicy, DesiredAccess, ndr_u32, .direction = IN),
       M(struct LsarOpenPolicy, PolicyHandle, ndr_policy_handle, .direction = OUT),
       RESULT(LsarOpenPolicy));
PARAMS(LsarQueryInformationPolicy, QueryInformationPolicy,
       M(struct LsarQueryInformationPolicy, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarQueryInformationPolicy, InformationClass, ndr_u16, .direction = IN),
       M(struct LsarQueryInformationPolicy, PolicyInformation, policy_information_unique, .direction = OUT,
         .switch_is = NDR_FIELD(struct LsarQueryInformationPolicy, InformationClass)),
       RESULT(LsarQueryInformationPolicy));
PARAMS(LsarQuerySecurityObject, QuerySecurityObject,
       M(struct LsarQuerySecurityObject, ObjectHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarQuerySecurityObject, SecurityInformation, ndr_u32, .direction = IN),
       M(struct LsarQuerySecurityObject, SecurityDescriptor, sr_sd_unique, .direction = OUT),
       RESULT(LsarQuerySecurityObject));
PARAMS(LsarEnumeratePrivileges, EnumeratePrivileges,
       M(struct LsarEnumeratePrivileges, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarEnumeratePrivileges, EnumerationContext, ndr_u32, .direction = IN | OUT),
       M(struct LsarEnumeratePrivileges, EnumerationBuffer, privilege_enum_type, .direction = OUT),
       M(struct LsarEnumeratePrivileges, PreferedMaximumLength, ndr_u32, .direction = IN),
       RESULT(LsarEnumeratePrivileges));
PARAMS(LsarLookupPrivilegeValue, LookupPrivilegeValue,
       M(struct LsarLookupPrivilegeValue, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarLookupPrivilegeValue, Name, ndr_rpc_unicode_string, .direction = IN),
       M(struct LsarLookupPrivilegeValue, Value, luid_type, .direction = OUT),
       RESULT(LsarLookupPrivilegeValue));
PARAMS(LsarLookupPrivilegeName, LookupPrivilegeName,
       M(struct LsarLookupPrivilegeName, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarLookupPrivilegeName, Value, luid_type, .direction = IN),
       M(struct LsarLookupPrivilegeName, Name, ndr_rpc_unicode_string_unique, .direction = OUT),
       RESULT(LsarLookupPrivilegeName));
PARAMS(LsarLookupPrivilegeDisplayName, LookupPrivilegeDisplayName,
       M(struct LsarLookupPrivilegeDisplayName, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarLookupPrivilegeDisplayName, Name, ndr_rpc_unicode_string, .direction = IN),
       M(struct LsarLookupPrivilegeDisplayName, ClientLanguage, ndr_u16, .direction = IN),
       M(struct LsarLookupPrivilegeDisplayName, ClientSystemDefaultLanguage, ndr_u16, .direction = IN),
       M(struct LsarLookupPrivilegeDisplayName, DisplayName, ndr_rpc_unicode_string_unique, .direction = OUT),
       M(struct LsarLookupPrivilegeDisplayName, LanguageReturned, ndr_u16, .direction = OUT),
       RESULT(LsarLookupPrivilegeDisplayName));
PARAMS(LsarEnumerateAccounts, EnumerateAccounts,
       M(struct LsarEnumerateAccounts, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarEnumerateAccounts, EnumerationContext, ndr_u32, .direction = IN | OUT),
       M(struct LsarEnumerateAccounts, EnumerationBuffer, ndr_sid_array_lsat, .direction = OUT),
       M(struct LsarEnumerateAccounts, PreferedMaximumLength, ndr_u32, .direction = IN),
       RESULT(LsarEnumerateAccounts));
PARAMS(LsarEnumerateTrustedDomains, EnumerateTrustedDomains,
       M(struct LsarEnumerateTrustedDomains, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarEnumerateTrustedDomains, EnumerationContext, ndr_u32, .direction = IN | OUT),
       M(struct LsarEnumerateTrustedDomains, EnumerationBuffer, trusted_enum_type, .direction = OUT),
       M(struct LsarEnumerateTrustedDomains, PreferedMaximumLength, ndr_u32, .direction = IN),
       RESULT(LsarEnumerateTrustedDomains));
PARAMS(LsarEnumerateAccounts, EnumerateAccountsWithUserRight,
       M(struct LsarEnumerateAccounts, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarEnumerateAccounts, UserRight, ndr_rpc_unicode_string_unique, .direction = IN),
       M(struct LsarEnumerateAccounts, EnumerationBuffer, ndr_sid_array_lsat, .direction = OUT),
       RESULT(LsarEnumerateAccounts));
PARAMS(LsarAccountRights, EnumerateAccountRights,
       M(struct LsarAccountRights, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarAccountRights, AccountSid, ndr_rpc_sid, .direction = IN),
       M(struct LsarAccountRights, UserRights, user_right_set_type, .direction = OUT),
       RESULT(LsarAccountRights));
PARAMS(LsarAccountRights, AddAccountRights,
       M(struct LsarAccountRights, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarAccountRights, AccountSid, ndr_rpc_sid, .direction = IN),
       M(struct LsarAccountRights, UserRights, user_right_set_type, .direction = IN),
       RESULT(LsarAccountRights));
PARAMS(LsarAccountRights, RemoveAccountRights,
       M(struct LsarAccountRights, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarAccountRights, AccountSid, ndr_rpc_sid, .direction = IN),
       M(struct LsarAccountRights, AllRights, ndr_u8, .direction = IN),
       M(struct LsarAccountRights, UserRights, user_right_set_type, .direction = IN),
       RESULT(LsarAccountRights));
PARAMS(LsarOpenAccount, CreateAccount,
       M(struct LsarOpenAccount, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarOpenAccount, AccountSid, ndr_rpc_sid, .direction = IN),
       M(struct LsarOpenAccount, DesiredAccess, ndr_u32, .direction = IN),
       M(struct LsarOpenAccount, AccountHandle, ndr_policy_handle, .direction = OUT),
       RESULT(LsarOpenAccount));
PARAMS(LsarOpenAccount, OpenAccount,
       M(struct LsarOpenAccount, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarOpenAccount, AccountSid, ndr_rpc_sid, .direction = IN),
       M(struct LsarOpenAccount, DesiredAccess, ndr_u32, .direction = IN),
       M(struct LsarOpenAccount, AccountHandle, ndr_policy_handle, .direction = OUT),
       RESULT(LsarOpenAccount));
PARAMS(LsarAccountPrivileges, EnumeratePrivilegesAccount,
       M(struct LsarAccountPrivileges, AccountHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarAccountPrivileges, Privileges, privilege_set_unique, .direction = OUT),
       RESULT(LsarAccountPrivileges));
/* Add's Privileges is [in] PLSAPR_PRIVILEGE_SET, a top-level [ref] pointer
 * (no referent ID on the wire), Remove's an [in, unique] one. */
static NDR_POINTER_TYPE(privilege_set_ref, NDR_POINTER_REF, privilege_set_type);
PARAMS(LsarAccountPrivileges, AddPrivilegesToAccount,
       M(struct LsarAccountPrivileges, AccountHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarAccountPrivileges, Privileges, privilege_set_ref, .direction = IN),
       RESULT(LsarAccountPrivileges));
PARAMS(LsarAccountPrivileges, RemovePrivilegesFromAccount,
       M(struct LsarAccountPrivileges, AccountHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarAccountPrivileges, AllPrivileges, ndr_u8, .direction = IN),
       M(struct LsarAccountPrivileges, Privileges, privilege_set_unique, .direction = IN),
       RESULT(LsarAccountPrivileges));
PARAMS(LsarSystemAccessAccount, GetSystemAccessAccount,
       M(struct LsarSystemAccessAccount, AccountHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarSystemAccessAccount, SystemAccess, ndr_u32, .direction = OUT),
       RESULT(LsarSystemAccessAccount));
PARAMS(LsarSystemAccessAccount, SetSystemAccessAccount,
       M(struct LsarSystemAccessAccount, AccountHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarSystemAccessAccount, SystemAccess, ndr_u32, .direction = IN),
       RESULT(LsarSystemAccessAccount));
PARAMS(LsarGetUserName, GetUserName,
       M(struct LsarGetUserName, SystemName, ndr_wstring_unique, .direction = IN),
       M(struct LsarGetUserName, UserName, ndr_rpc_unicode_string_unique, .direction = IN | OUT),
       M(struct LsarGetUserName, DomainName, unicode_string_unique_unique, .direction = IN | OUT),
       RESULT(LsarGetUserName));

#define LOOKUP_NAMES_HEAD()                                                                            \
    M(struct LsarLookupNames, Count, ndr_u32, .direction = IN, .range_max = 1000),                         \
    M(struct LsarLookupNames, Names, ndr_rpc_unicode_string_array, .direction = IN,                        \
      .size_is = NDR_FIELD(struct LsarLookupNames, Count)),                                                \
    M(struct LsarLookupNames, ReferencedDomains, referenced_domains_unique, .direction = OUT)
PARAMS(LsarLookupNames, LookupNames,
       M(struct LsarLookupNames, PolicyHandle, ndr_policy_handle, .direction = IN),
       LOOKUP_NAMES_HEAD(),
       M(struct LsarLookupNames, TranslatedSids, translated_sids_type, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupNames, MappedCount, ndr_u32, .direction = IN | OUT),
       RESULT(LsarLookupNames));
PARAMS(LsarLookupNames, LookupNames2,
       M(struct LsarLookupNames, PolicyHandle, ndr_policy_handle, .direction = IN),
       LOOKUP_NAMES_HEAD(),
       M(struct LsarLookupNames, TranslatedSidsEx, translated_sids_ex_type, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupNames, MappedCount, ndr_u32, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupOptions, ndr_u32, .direction = IN),
       M(struct LsarLookupNames, ClientRevision, ndr_u32, .direction = IN),
       RESULT(LsarLookupNames));
PARAMS(LsarLookupNames, LookupNames3,
       M(struct LsarLookupNames, PolicyHandle, ndr_policy_handle, .direction = IN),
       LOOKUP_NAMES_HEAD(),
       M(struct LsarLookupNames, TranslatedSidsEx2, translated_sids_ex2_type, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupNames, MappedCount, ndr_u32, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupOptions, ndr_u32, .direction = IN),
       M(struct LsarLookupNames, ClientRevision, ndr_u32, .direction = IN),
       RESULT(LsarLookupNames));
PARAMS(LsarLookupNames, LookupNames4,
       LOOKUP_NAMES_HEAD(),
       M(struct LsarLookupNames, TranslatedSidsEx2, translated_sids_ex2_type, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupNames, MappedCount, ndr_u32, .direction = IN | OUT),
       M(struct LsarLookupNames, LookupOptions, ndr_u32, .direction = IN),
       M(struct LsarLookupNames, ClientRevision, ndr_u32, .direction = IN),
       RESULT(LsarLookupNames));
PARAMS(LsarLookupSids, LookupSids,
       M(struct LsarLookupSids, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarLookupSids, SidEnumBuffer, ndr_sid_array_lsat, .direction = IN),
       M(struct LsarLookupSids, ReferencedDomains, referenced_domains_unique, .direction = OUT),
       M(struct LsarLookupSids, TranslatedNames, translated_names_type, .direction = IN | OUT),
       M(struct LsarLookupSids, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupSids, MappedCount, ndr_u32, .direction = IN | OUT),
       RESULT(LsarLookupSids));
PARAMS(LsarLookupSids, LookupSids2,
       M(struct LsarLookupSids, PolicyHandle, ndr_policy_handle, .direction = IN),
       M(struct LsarLookupSids, SidEnumBuffer, ndr_sid_array_lsat, .direction = IN),
       M(struct LsarLookupSids, ReferencedDomains, referenced_domains_unique, .direction = OUT),
       M(struct LsarLookupSids, TranslatedNames, translated_names_ex_type, .direction = IN | OUT),
       M(struct LsarLookupSids, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupSids, MappedCount, ndr_u32, .direction = IN | OUT),
       M(struct LsarLookupSids, LookupOptions, ndr_u32, .direction = IN),
       M(struct LsarLookupSids, ClientRevision, ndr_u32, .direction = IN),
       RESULT(LsarLookupSids));
PARAMS(LsarLookupSids, LookupSids3,
       M(struct LsarLookupSids, SidEnumBuffer, ndr_sid_array_lsat, .direction = IN),
       M(struct LsarLookupSids, ReferencedDomains, referenced_domains_unique, .direction = OUT),
       M(struct LsarLookupSids, TranslatedNames, translated_names_ex_type, .direction = IN | OUT),
       M(struct LsarLookupSids, LookupLevel, ndr_u16, .direction = IN),
       M(struct LsarLookupSids, MappedCount, ndr_u32, .direction = IN | OUT),
       M(struct LsarLookupSids, LookupOptions, ndr_u32, .direction = IN),
       M(struct LsarLookupSids, ClientRevision, ndr_u32, .direction = IN),
       RESULT(LsarLookupSids));

#define OP(name) [LSA_##name] = { #name, &name##_params, lsarpc_##name }
static const struct dcerpc_operation lsarpc_ops[LSA_OPNUM_COUNT] = {
    OP(Close),
    OP(Delete),
    OP(EnumeratePrivileges),
    OP(QuerySecurityObject),
    OP(OpenPolicy),
    OP(QueryInformationPolicy),
    OP(CreateAccount),
    OP(EnumerateAccounts),
    OP(EnumerateTrustedDomains),
    OP(LookupNames),
    OP(LookupSids),
    OP(OpenAccount),
    OP(EnumeratePrivilegesAccount),
    OP(AddPrivilegesToAccount),
    OP(RemovePrivilegesFromAccount),
    OP(GetSystemAccessAccount),
    OP(SetSystemAccessAccount),
    OP(LookupPrivilegeValue),
    OP(LookupPrivilegeName),
    OP(LookupPrivilegeDisplayName),
    OP(DeleteObject),
    OP(EnumerateAccountsWithUserRight),
    OP(EnumerateAccountRights),
    OP(AddAccountRights),
    OP(RemoveAccountRights),
    OP(OpenPolicy2),
    OP(GetUserName),
    /* QueryInformationPolicy2 has QueryInformationPolicy's parameters. */
    [LSA_QueryInformationPolicy2] = { "QueryInformationPolicy2", &QueryInformationPolicy_params,
                                      lsarpc_QueryInformationPolicy },
    OP(LookupSids2),
    OP(LookupNames2),
    OP(LookupNames3),
    OP(LookupSids3),
    OP(LookupNames4),
};

const struct dcerpc_interface lsarpc_interface = {
    "lsarpc",
    { { 0x12345778, 0x1234, 0xABCD, { 0xEF, 0x00 }, { 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB } }, 0, 0 },
    lsarpc_ops,
    LSA_OPNUM_COUNT,
};

/* ---- dssetup ---- */
static const struct ndr_member dsrole_basic_members[] = {
    M(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, MachineRole, ndr_u16),
    M(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, Flags, ndr_u32),
    M(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, DomainNameFlat, ndr_wstring_unique),
    M(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, DomainNameDns, ndr_wstring_unique),
    M(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, DomainForestName, ndr_wstring_unique),
    M(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, DomainGuid, guid_type),
};
static NDR_STRUCT_TYPE(struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC, dsrole_basic_type, dsrole_basic_members);
static const struct ndr_member dsrole_upgrade_members[] = {
    M(struct DSROLE_UPGRADE_STATUS_INFO, OperationState, ndr_u32),
    M(struct DSROLE_UPGRADE_STATUS_INFO, PreviousServerState, ndr_u16),
};
static NDR_STRUCT_TYPE(struct DSROLE_UPGRADE_STATUS_INFO, dsrole_upgrade_type, dsrole_upgrade_members);
static const struct ndr_member dsrole_operation_members[] = {
    M(struct DSROLE_OPERATION_STATE_INFO, OperationState, ndr_u16),
};
static NDR_STRUCT_TYPE(struct DSROLE_OPERATION_STATE_INFO, dsrole_operation_type, dsrole_operation_members);
static const struct ndr_arm dsrole_arms[] = {
    { DsRolePrimaryDomainInfoBasic, &dsrole_basic_type },
    { DsRoleUpgradeStatus, &dsrole_upgrade_type },
    { DsRoleOperationState, &dsrole_operation_type },
};
static const struct ndr_type dsrole_information_type = {
    .kind = NDR_KIND_UNION, .name = "DSROLER_PRIMARY_DOMAIN_INFORMATION",
    .size = sizeof(union DSROLER_PRIMARY_DOMAIN_INFORMATION), .arms = dsrole_arms,
    .arm_count = NDR_ARRAY_LEN(dsrole_arms), .switch_size = 2,
};
static NDR_POINTER_TYPE(dsrole_information_unique, NDR_POINTER_UNIQUE, dsrole_information_type);
PARAMS(DsRolerGetPrimaryDomainInformation, DsRolerGetPrimaryDomainInformation,
       M(struct DsRolerGetPrimaryDomainInformation, InfoLevel, ndr_u16, .direction = IN),
       M(struct DsRolerGetPrimaryDomainInformation, DomainInfo, dsrole_information_unique, .direction = OUT,
         .switch_is = NDR_FIELD(struct DsRolerGetPrimaryDomainInformation, InfoLevel)),
       RESULT(DsRolerGetPrimaryDomainInformation));

static const struct dcerpc_operation dssetup_ops[DSSETUP_OPNUM_COUNT] = {
    { "DsRolerGetPrimaryDomainInformation", &DsRolerGetPrimaryDomainInformation_params,
      dssetup_DsRolerGetPrimaryDomainInformation },
};

const struct dcerpc_interface dssetup_interface = {
    "dssetup",
    { { 0x3919286A, 0xB10C, 0x11D0, { 0x9B, 0xA8 }, { 0x00, 0xC0, 0x4F, 0xD9, 0x2E, 0xF5 } }, 0, 0 },
    dssetup_ops,
    DSSETUP_OPNUM_COUNT,
};
