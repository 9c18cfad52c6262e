/* The wire types of lsarpc ([MS-LSAD], [MS-LSAT]) and dssetup ([MS-DSSP]) as
 * C structs, described for the NDR engine in lsass/lsarpc/lsa_ndr.c. One
 * struct per operation holds all its parameters (dcerpc/ndr.h). A top-level
 * [ref] pointer has no wire form, so such a parameter is its pointee here.
 * Enumerations are 16 bits on the wire (MIDL's default), so
 * POLICY_INFORMATION_CLASS, SID_NAME_USE, LSAP_LOOKUP_LEVEL and the dssetup
 * levels and roles are uint16_t; POLICY_LSA_SERVER_ROLE is the exception. */
#ifndef SW_LSASS_LSARPC_LSA_IDL_H
#define SW_LSASS_LSARPC_LSA_IDL_H

#include <stdint.h>

#include "dcerpc/dcerpc.h"

/* ---- Common ---- */
struct LSA_GUID {
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
};
struct LSA_LUID {
    uint32_t LowPart;
    uint32_t HighPart; /* LONG */
};

/* LSAPR_OBJECT_ATTRIBUTES (2.2.2.4): every member is ignored by the server;
 * only what is needed to read them is described. */
struct LSAPR_SECURITY_QUALITY_OF_SERVICE {
    uint32_t Length;
    uint16_t ImpersonationLevel;
    uint8_t ContextTrackingMode;
    uint8_t EffectiveOnly;
};
struct LSAPR_ACL {
    uint8_t AclRevision;
    uint8_t Sbz1;
    uint16_t AclSize;
    uint8_t *Dummy1; /* [size_is(AclSize - 4)]: only an empty ACL is read (docs/lsass.md) */
};
struct LSAPR_SECURITY_DESCRIPTOR {
    uint8_t Revision;
    uint8_t Sbz1;
    uint16_t Control;
    struct RPC_SID *Owner;
    struct RPC_SID *Group;
    struct LSAPR_ACL *Sacl;
    struct LSAPR_ACL *Dacl;
};
struct LSAPR_OBJECT_ATTRIBUTES {
    uint32_t Length;
    uint8_t *RootDirectory;
    char *ObjectName;
    uint32_t Attributes;
    struct LSAPR_SECURITY_DESCRIPTOR *SecurityDescriptor;
    struct LSAPR_SECURITY_QUALITY_OF_SERVICE *SecurityQualityOfService;
};

/* ---- Policy information (2.2.4) ---- */
enum {
    PolicyAuditLogInformation = 1,
    PolicyAuditEventsInformation = 2,
    PolicyPrimaryDomainInformation = 3,
    PolicyPdAccountInformation = 4,
    PolicyAccountDomainInformation = 5,
    PolicyLsaServerRoleInformation = 6,
    PolicyReplicaSourceInformation = 7,
    PolicyDefaultQuotaInformation = 8,
    PolicyModificationInformation = 9,
    PolicyAuditFullSetInformation = 10,
    PolicyAuditFullQueryInformation = 11,
    PolicyDnsDomainInformation = 12,
    PolicyDnsDomainInformationInt = 13,
    PolicyLocalAccountDomainInformation = 14,
};
struct POLICY_AUDIT_LOG_INFO {
    uint32_t AuditLogPercentFull;
    uint32_t MaximumLogSize;
    uint64_t AuditRetentionPeriod;
    uint8_t AuditLogFullShutdownInProgress;
    uint64_t TimeToShutdown;
    uint32_t NextAuditRecordId;
};
struct LSAPR_POLICY_AUDIT_EVENTS_INFO {
    uint8_t AuditingMode;
    uint32_t *EventAuditingOptions; /* [size_is(MaximumAuditEventCount)] */
    uint32_t MaximumAuditEventCount;
};
struct LSAPR_POLICY_DOMAIN_INFO { /* PRIMARY_DOM_INFO and ACCOUNT_DOM_INFO: the same shape */
    struct RPC_UNICODE_STRING Name;
    struct RPC_SID *Sid;
};
struct LSAPR_POLICY_PD_ACCOUNT_INFO {
    struct RPC_UNICODE_STRING Name;
};
/* The role is 32 bits on the wire, as Windows sends it ([v1_enum] in
 * Samba's IDL, which clients parse it with), unlike the other enums. */
struct POLICY_LSA_SERVER_ROLE_INFO {
    uint32_t LsaServerRole; /* PolicyServerRolePrimary = 3 */
};
struct LSAPR_POLICY_REPLICA_SRCE_INFO {
    struct RPC_UNICODE_STRING ReplicaSource;
    struct RPC_UNICODE_STRING ReplicaAccountName;
};
/* Level 8: "not used on wire" in [MS-LSAD], yet Windows answers it with
 * the default quotas (smbtorture's rpc.lsa QueryInfoPolicy expects success). */
struct POLICY_DEFAULT_QUOTA_INFO {
    uint32_t PagedPoolLimit;
    uint32_t NonPagedPoolLimit;
    uint32_t MinimumWorkingSetSize;
    uint32_t MaximumWorkingSetSize;
    uint32_t PagefileLimit;
    uint64_t TimeLimit;
};
struct POLICY_MODIFICATION_INFO {
    uint64_t ModifiedId;
    uint64_t DatabaseCreationTime;
};
struct POLICY_AUDIT_FULL_QUERY_INFO {
    uint8_t ShutDownOnFull;
    uint8_t LogIsFull;
};
struct LSAPR_POLICY_DNS_DOMAIN_INFO {
    struct RPC_UNICODE_STRING Name;
    struct RPC_UNICODE_STRING DnsDomainName;
    struct RPC_UNICODE_STRING DnsForestName;
    struct LSA_GUID DomainGuid;
    struct RPC_SID *Sid;
};
union LSAPR_POLICY_INFORMATION {
    struct POLICY_AUDIT_LOG_INFO PolicyAuditLogInfo;
    struct LSAPR_POLICY_AUDIT_EVENTS_INFO PolicyAuditEventsInfo;
    struct LSAPR_POLICY_DOMAIN_INFO PolicyPrimaryDomainInfo;
    struct LSAPR_POLICY_DOMAIN_INFO PolicyAccountDomainInfo;
    struct LSAPR_POLICY_PD_ACCOUNT_INFO PolicyPdAccountInfo;
    struct POLICY_LSA_SERVER_ROLE_INFO PolicyServerRoleInfo;
    struct LSAPR_POLICY_REPLICA_SRCE_INFO PolicyReplicaSourceInfo;
    struct POLICY_DEFAULT_QUOTA_INFO PolicyDefaultQuotaInfo;
    struct POLICY_MODIFICATION_INFO PolicyModificationInfo;
    struct POLICY_AUDIT_FULL_QUERY_INFO PolicyAuditFullQueryInfo;
    struct LSAPR_POLICY_DNS_DOMAIN_INFO PolicyDnsDomainInfo;
};

/* ---- Accounts and privileges (2.2.5, 2.2.8) ---- */
struct LSAPR_USER_RIGHT_SET {
    uint32_t EntriesRead; /* [range(0, 256)] */
    struct RPC_UNICODE_STRING *UserRights; /* [size_is(EntriesRead)] */
};
struct LSAPR_LUID_AND_ATTRIBUTES {
    struct LSA_LUID Luid;
    uint32_t Attributes;
};
struct LSAPR_PRIVILEGE_SET {
    uint32_t PrivilegeCount; /* [range(0, 1000)] */
    uint32_t Control;
    struct LSAPR_LUID_AND_ATTRIBUTES *Privilege; /* [size_is(PrivilegeCount)] inline */
};
struct LSAPR_POLICY_PRIVILEGE_DEF {
    struct RPC_UNICODE_STRING Name;
    struct LSA_LUID LocalValue;
};
struct LSAPR_PRIVILEGE_ENUM_BUFFER {
    uint32_t Entries;
    struct LSAPR_POLICY_PRIVILEGE_DEF *Privileges; /* [size_is(Entries)] */
};
struct LSAPR_SR_SECURITY_DESCRIPTOR {
    uint32_t Length; /* [range(0, 262144)] */
    uint8_t *SecurityDescriptor; /* [size_is(Length)] */
};

/* ---- Lookups ([MS-LSAT] 2.2) ---- */
enum {
    SidTypeUser = 1,
    SidTypeGroup = 2,
    SidTypeDomain = 3,
    SidTypeAlias = 4,
    SidTypeWellKnownGroup = 5,
    SidTypeDeletedAccount = 6,
    SidTypeInvalid = 7,
    SidTypeUnknown = 8,
    SidTypeComputer = 9,
    SidTypeLabel = 10,
};
struct LSAPR_TRUST_INFORMATION {
    struct RPC_UNICODE_STRING Name;
    struct RPC_SID *Sid;
};
struct LSAPR_REFERENCED_DOMAIN_LIST {
    uint32_t Entries;
    struct LSAPR_TRUST_INFORMATION *Domains; /* [size_is(Entries)] */
    uint32_t MaxEntries;
};
struct LSAPR_TRANSLATED_SID {
    uint16_t Use;
    uint32_t RelativeId;
    int32_t DomainIndex;
};
struct LSAPR_TRANSLATED_SIDS {
    uint32_t Entries; /* [range(0, 1000)] */
    struct LSAPR_TRANSLATED_SID *Sids;
};
struct LSAPR_TRANSLATED_SID_EX {
    uint16_t Use;
    uint32_t RelativeId;
    int32_t DomainIndex;
    uint32_t Flags;
};
struct LSAPR_TRANSLATED_SIDS_EX {
    uint32_t Entries;
    struct LSAPR_TRANSLATED_SID_EX *Sids;
};
struct LSAPR_TRANSLATED_SID_EX2 {
    uint16_t Use;
    struct RPC_SID *Sid;
    int32_t DomainIndex;
    uint32_t Flags;
};
struct LSAPR_TRANSLATED_SIDS_EX2 {
    uint32_t Entries;
    struct LSAPR_TRANSLATED_SID_EX2 *Sids;
};
struct LSAPR_TRANSLATED_NAME_EX { /* LSAPR_TRANSLATED_NAME is this without Flags */
    uint16_t Use;
    struct RPC_UNICODE_STRING Name;
    int32_t DomainIndex;
    uint32_t Flags;
};
struct LSAPR_TRANSLATED_NAMES_EX { /* also LSAPR_TRANSLATED_NAMES, with the other element type */
    uint32_t Entries; /* [range(0, 20480)] */
    struct LSAPR_TRANSLATED_NAME_EX *Names;
};

/* ---- Operations ---- */
struct LsarDelete {
    struct policy_handle ObjectHandle; /* [in] */
    uint32_t Result;
};
struct LsarClose {
    struct policy_handle ObjectHandle; /* [in, out] */
    uint32_t Result;
};
struct LsarOpenPolicy {
    uint16_t *SystemName; /* [in, unique] one WCHAR (OpenPolicy); a [string] (OpenPolicy2) */
    char *SystemName2;
    struct LSAPR_OBJECT_ATTRIBUTES ObjectAttributes;
    uint32_t DesiredAccess;
    struct policy_handle PolicyHandle; /* [out] */
    uint32_t Result;
};
struct LsarQueryInformationPolicy {
    struct policy_handle PolicyHandle;
    uint16_t InformationClass;
    union LSAPR_POLICY_INFORMATION *PolicyInformation; /* [out, switch_is(InformationClass)] */
    uint32_t Result;
};
struct LsarQuerySecurityObject {
    struct policy_handle ObjectHandle;
    uint32_t SecurityInformation;
    struct LSAPR_SR_SECURITY_DESCRIPTOR *SecurityDescriptor; /* [out] */
    uint32_t Result;
};
struct LsarEnumeratePrivileges {
    struct policy_handle PolicyHandle;
    uint32_t EnumerationContext; /* [in, out] */
    struct LSAPR_PRIVILEGE_ENUM_BUFFER EnumerationBuffer; /* [out] */
    uint32_t PreferedMaximumLength;
    uint32_t Result;
};
struct LsarLookupPrivilegeValue {
    struct policy_handle PolicyHandle;
    struct RPC_UNICODE_STRING Name;
    struct LSA_LUID Value; /* [out] */
    uint32_t Result;
};
struct LsarLookupPrivilegeName {
    struct policy_handle PolicyHandle;
    struct LSA_LUID Value;
    struct RPC_UNICODE_STRING *Name; /* [out] */
    uint32_t Result;
};
struct LsarLookupPrivilegeDisplayName {
    struct policy_handle PolicyHandle;
    struct RPC_UNICODE_STRING Name;
    uint16_t ClientLanguage;
    uint16_t ClientSystemDefaultLanguage;
    struct RPC_UNICODE_STRING *DisplayName; /* [out] */
    uint16_t LanguageReturned;              /* [out] */
    uint32_t Result;
};
struct LsarEnumerateAccounts { /* and EnumerateAccountsWithUserRight */
    struct policy_handle PolicyHandle;
    struct RPC_UNICODE_STRING *UserRight; /* [in, unique] (WithUserRight only) */
    uint32_t EnumerationContext;          /* [in, out] (EnumerateAccounts only) */
    struct RPC_SID_ARRAY EnumerationBuffer; /* [out] LSAPR_ACCOUNT_ENUM_BUFFER */
    uint32_t PreferedMaximumLength;
    uint32_t Result;
};
struct LsarAccountRights { /* EnumerateAccountRights, AddAccountRights, RemoveAccountRights */
    struct policy_handle PolicyHandle;
    struct RPC_SID AccountSid;
    uint8_t AllRights;                       /* [in] (Remove only) */
    struct LSAPR_USER_RIGHT_SET UserRights;  /* [out] (Enum), [in] (Add, Remove) */
    uint32_t Result;
};
struct LsarOpenAccount { /* and CreateAccount */
    struct policy_handle PolicyHandle;
    struct RPC_SID AccountSid;
    uint32_t DesiredAccess;
    struct policy_handle AccountHandle; /* [out] */
    uint32_t Result;
};
struct LsarAccountPrivileges { /* EnumeratePrivilegesAccount, Add..., RemovePrivilegesFromAccount */
    struct policy_handle AccountHandle;
    uint8_t AllPrivileges;                       /* [in] (Remove only) */
    struct LSAPR_PRIVILEGE_SET *Privileges;      /* [out] (Enum), [in, ref] (Add), [in, unique] (Remove) */
    uint32_t Result;
};
struct LsarSystemAccessAccount { /* GetSystemAccessAccount, SetSystemAccessAccount */
    struct policy_handle AccountHandle;
    uint32_t SystemAccess;
    uint32_t Result;
};
struct LsarGetUserName {
    char *SystemName;                          /* [in, unique, string] */
    struct RPC_UNICODE_STRING *UserName;       /* [in, out] PRPC_UNICODE_STRING* */
    struct RPC_UNICODE_STRING **DomainName;    /* [in, out, unique] PRPC_UNICODE_STRING* */
    uint32_t Result;
};
struct LSAPR_TRUSTED_ENUM_BUFFER {
    uint32_t EntriesRead;
    struct LSAPR_TRUST_INFORMATION *Information; /* [size_is(EntriesRead)] */
};
struct LsarEnumerateTrustedDomains {
    struct policy_handle PolicyHandle;
    uint32_t EnumerationContext; /* [in, out] */
    struct LSAPR_TRUSTED_ENUM_BUFFER EnumerationBuffer; /* [out] */
    uint32_t PreferedMaximumLength;
    uint32_t Result;
};
/* LookupNames, 2, 3, 4: one struct; the TranslatedSids member used
 * depends on the version. */
struct LsarLookupNames {
    struct policy_handle PolicyHandle;         /* absent in LookupNames4 */
    uint32_t Count;                            /* [range(0, 1000)] */
    struct RPC_UNICODE_STRING *Names;          /* [size_is(Count)] */
    struct LSAPR_REFERENCED_DOMAIN_LIST *ReferencedDomains; /* [out] */
    struct LSAPR_TRANSLATED_SIDS TranslatedSids;         /* v1 */
    struct LSAPR_TRANSLATED_SIDS_EX TranslatedSidsEx;    /* v2 */
    struct LSAPR_TRANSLATED_SIDS_EX2 TranslatedSidsEx2;  /* v3, v4 */
    uint16_t LookupLevel;
    uint32_t MappedCount;                      /* [in, out] */
    uint32_t LookupOptions;                    /* v2+ */
    uint32_t ClientRevision;                   /* v2+ */
    uint32_t Result;
};
/* LookupSids, 2, 3: TranslatedNames is LSAPR_TRANSLATED_NAMES (v1: elements
 * without Flags) or _EX (v2, v3); the C elements are always _EX. */
struct LsarLookupSids {
    struct policy_handle PolicyHandle;         /* absent in LookupSids3 */
    struct RPC_SID_ARRAY SidEnumBuffer;
    struct LSAPR_REFERENCED_DOMAIN_LIST *ReferencedDomains; /* [out] */
    struct LSAPR_TRANSLATED_NAMES_EX TranslatedNames;      /* [in, out] */
    uint16_t LookupLevel;
    uint32_t MappedCount;
    uint32_t LookupOptions;
    uint32_t ClientRevision;
    uint32_t Result;
};

enum lsarpc_opnum {
    LSA_Close = 0,
    LSA_Delete = 1,
    LSA_EnumeratePrivileges = 2,
    LSA_QuerySecurityObject = 3,
    LSA_OpenPolicy = 6,
    LSA_QueryInformationPolicy = 7,
    LSA_CreateAccount = 10,
    LSA_EnumerateAccounts = 11,
    LSA_EnumerateTrustedDomains = 13,
    LSA_LookupNames = 14,
    LSA_LookupSids = 15,
    LSA_OpenAccount = 17,
    LSA_EnumeratePrivilegesAccount = 18,
    LSA_AddPrivilegesToAccount = 19,
    LSA_RemovePrivilegesFromAccount = 20,
    LSA_GetSystemAccessAccount = 23,
    LSA_SetSystemAccessAccount = 24,
    LSA_LookupPrivilegeValue = 31,
    LSA_LookupPrivilegeName = 32,
    LSA_LookupPrivilegeDisplayName = 33,
    LSA_DeleteObject = 34,
    LSA_EnumerateAccountsWithUserRight = 35,
    LSA_EnumerateAccountRights = 36,
    LSA_AddAccountRights = 37,
    LSA_RemoveAccountRights = 38,
    LSA_OpenPolicy2 = 44,
    LSA_GetUserName = 45,
    LSA_QueryInformationPolicy2 = 46,
    LSA_LookupSids2 = 57,
    LSA_LookupNames2 = 58,
    LSA_LookupNames3 = 68,
    LSA_LookupSids3 = 76,
    LSA_LookupNames4 = 77,
    LSA_OPNUM_COUNT = 131, /* OpenPolicy3 (130) is not served: clients fall back to OpenPolicy2 */
};

/* ---- dssetup ([MS-DSSP]) ---- */
enum {
    DsRolePrimaryDomainInfoBasic = 1,
    DsRoleUpgradeStatus = 2,
    DsRoleOperationState = 3,
};
#define DSROLE_ROLE_STANDALONE_SERVER 2u
struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC {
    uint16_t MachineRole;
    uint32_t Flags;
    char *DomainNameFlat;
    char *DomainNameDns;
    char *DomainForestName;
    struct LSA_GUID DomainGuid;
};
struct DSROLE_UPGRADE_STATUS_INFO {
    uint32_t OperationState;
    uint16_t PreviousServerState;
};
struct DSROLE_OPERATION_STATE_INFO {
    uint16_t OperationState;
};
union DSROLER_PRIMARY_DOMAIN_INFORMATION {
    struct DSROLER_PRIMARY_DOMAIN_INFO_BASIC DomainInfoBasic;
    struct DSROLE_UPGRADE_STATUS_INFO UpgradStatusInfo;
    struct DSROLE_OPERATION_STATE_INFO OperationStateInfo;
};
struct DsRolerGetPrimaryDomainInformation {
    uint16_t InfoLevel;
    union DSROLER_PRIMARY_DOMAIN_INFORMATION *DomainInfo; /* [out, switch_is(InfoLevel)] */
    uint32_t Result;
};
#define DSSETUP_OPNUM_COUNT 1

extern const struct dcerpc_interface lsarpc_interface; /* 12345778-1234-ABCD-EF00-0123456789AB v0.0 */
extern const struct dcerpc_interface dssetup_interface; /* 3919286A-B10C-11D0-9BA8-00C04FD92EF5 v0.0 */

#endif
