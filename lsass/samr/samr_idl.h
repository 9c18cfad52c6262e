/* [MS-SAMR] wire types and operation parameters, as the C structs the NDR
 * descriptor tables in samr_ndr.c describe (docs/dcerpc.md: one struct per
 * IDL type, members in IDL order; an operation is one struct of all its
 * parameters, [ref] top-level pointers described as their pointees).
 *
 * Names keep the specification's spelling so that [MS-SAMR] 2.2 and 3.1.5 are
 * the glossary. Information classes are IDL enums: 16 bits on the wire.
 * RPC_UNICODE_STRING, RPC_SID, the SID array and the context handle are
 * dcerpc/ndr.h's, shared with lsarpc. */
#ifndef SW_SAMR_IDL_H
#define SW_SAMR_IDL_H

#include <stdint.h>

#include "dcerpc/ndr.h"

/* [MS-SAMR] 2.2.2.2 OLD_LARGE_INTEGER: 4-aligned, unlike a hyper. */
struct old_large_integer {
    uint32_t LowPart;
    uint32_t HighPart;
};

struct samr_short_blob { /* RPC_SHORT_BLOB */
    uint16_t Length;
    uint16_t MaximumLength;
    uint16_t *Buffer;
};

struct samr_sr_security_descriptor { /* SAMPR_SR_SECURITY_DESCRIPTOR */
    uint32_t Length;
    uint8_t *SecurityDescriptor;
};

struct samr_logon_hours { /* SAMPR_LOGON_HOURS */
    uint16_t UnitsPerWeek;
    uint8_t *LogonHours; /* [size_is(1260), length_is(UnitsPerWeek/8)] */
};

struct samr_ulong_array { /* SAMPR_ULONG_ARRAY */
    uint32_t Count;
    uint32_t *Element;
};

struct samr_returned_ustring_array { /* SAMPR_RETURNED_USTRING_ARRAY */
    uint32_t Count;
    struct RPC_UNICODE_STRING *Element;
};

struct samr_rid_enumeration { /* SAMPR_RID_ENUMERATION */
    uint32_t RelativeId;
    struct RPC_UNICODE_STRING Name;
};

struct samr_enumeration_buffer { /* SAMPR_ENUMERATION_BUFFER */
    uint32_t EntriesRead;
    struct samr_rid_enumeration *Buffer;
};

struct group_membership {
    uint32_t RelativeId;
    uint32_t Attributes;
};

struct samr_get_groups_buffer {
    uint32_t MembershipCount;
    struct group_membership *Groups;
};

struct samr_get_members_buffer {
    uint32_t MemberCount;
    uint32_t *Members;
    uint32_t *Attributes;
};

struct samr_revision_info_v1 {
    uint32_t Revision;
    uint32_t SupportedFeatures;
};

union samr_revision_info {
    struct samr_revision_info_v1 V1;
};

struct user_domain_password_information {
    uint16_t MinPasswordLength;
    uint32_t PasswordProperties;
};

/* ---- domain information ([MS-SAMR] 2.2.3) ---- */

struct domain_password_information {
    uint16_t MinPasswordLength;
    uint16_t PasswordHistoryLength;
    uint32_t PasswordProperties;
    struct old_large_integer MaxPasswordAge;
    struct old_large_integer MinPasswordAge;
};

struct samr_domain_general_information {
    struct old_large_integer ForceLogoff;
    struct RPC_UNICODE_STRING OemInformation;
    struct RPC_UNICODE_STRING DomainName;
    struct RPC_UNICODE_STRING ReplicaSourceNodeName;
    struct old_large_integer DomainModifiedCount;
    uint32_t DomainServerState;
    uint32_t DomainServerRole;
    uint8_t UasCompatibilityRequired;
    uint32_t UserCount;
    uint32_t GroupCount;
    uint32_t AliasCount;
};

struct samr_domain_lockout_information {
    uint64_t LockoutDuration;
    uint64_t LockoutObservationWindow;
    uint16_t LockoutThreshold;
};

struct samr_domain_general_information2 {
    struct samr_domain_general_information I1;
    uint64_t LockoutDuration;
    uint64_t LockoutObservationWindow;
    uint16_t LockoutThreshold;
};

struct domain_modified_information {
    struct old_large_integer DomainModifiedCount;
    struct old_large_integer CreationTime;
};

struct domain_modified_information2 {
    struct old_large_integer DomainModifiedCount;
    struct old_large_integer CreationTime;
    struct old_large_integer ModifiedCountAtLastPromotion;
};

union samr_domain_info_buffer {
    struct domain_password_information Password;       /* 1 */
    struct samr_domain_general_information General;    /* 2 */
    struct old_large_integer Logoff;                   /* 3 */
    struct RPC_UNICODE_STRING Oem;                           /* 4 */
    struct RPC_UNICODE_STRING Name;                          /* 5 */
    struct RPC_UNICODE_STRING Replication;                   /* 6 */
    uint32_t Role;                                     /* 7 */
    struct domain_modified_information Modified;       /* 8 */
    uint32_t State;                                    /* 9 */
    struct samr_domain_general_information2 General2;  /* 11 */
    struct samr_domain_lockout_information Lockout;    /* 12 */
    struct domain_modified_information2 Modified2;     /* 13 */
};

/* ---- group and alias information ---- */

struct samr_group_general_information {
    struct RPC_UNICODE_STRING Name;
    uint32_t Attributes;
    uint32_t MemberCount;
    struct RPC_UNICODE_STRING AdminComment;
};

union samr_group_info_buffer {
    struct samr_group_general_information General; /* 1, 5 */
    struct RPC_UNICODE_STRING Name;                      /* 2 */
    uint32_t Attributes;                           /* 3 */
    struct RPC_UNICODE_STRING AdminComment;              /* 4 */
};

struct samr_alias_general_information {
    struct RPC_UNICODE_STRING Name;
    uint32_t MemberCount;
    struct RPC_UNICODE_STRING AdminComment;
};

union samr_alias_info_buffer {
    struct samr_alias_general_information General; /* 1 */
    struct RPC_UNICODE_STRING Name;                      /* 2 */
    struct RPC_UNICODE_STRING AdminComment;              /* 3 */
};

/* ---- user information ([MS-SAMR] 2.2.6, 2.2.7) ---- */

struct samr_user_all_information { /* 21 */
    struct old_large_integer LastLogon;
    struct old_large_integer LastLogoff;
    struct old_large_integer PasswordLastSet;
    struct old_large_integer AccountExpires;
    struct old_large_integer PasswordCanChange;
    struct old_large_integer PasswordMustChange;
    struct RPC_UNICODE_STRING UserName;
    struct RPC_UNICODE_STRING FullName;
    struct RPC_UNICODE_STRING HomeDirectory;
    struct RPC_UNICODE_STRING HomeDirectoryDrive;
    struct RPC_UNICODE_STRING ScriptPath;
    struct RPC_UNICODE_STRING ProfilePath;
    struct RPC_UNICODE_STRING AdminComment;
    struct RPC_UNICODE_STRING WorkStations;
    struct RPC_UNICODE_STRING UserComment;
    struct RPC_UNICODE_STRING Parameters;
    struct samr_short_blob LmOwfPassword;
    struct samr_short_blob NtOwfPassword;
    struct RPC_UNICODE_STRING PrivateData;
    struct samr_sr_security_descriptor SecurityDescriptor;
    uint32_t UserId;
    uint32_t PrimaryGroupId;
    uint32_t UserAccountControl;
    uint32_t WhichFields;
    struct samr_logon_hours LogonHours;
    uint16_t BadPasswordCount;
    uint16_t LogonCount;
    uint16_t CountryCode;
    uint16_t CodePage;
    uint8_t LmPasswordPresent;
    uint8_t NtPasswordPresent;
    uint8_t PasswordExpired;
    uint8_t PrivateDataSensitive;
};

struct samr_user_general_information { /* 1 */
    struct RPC_UNICODE_STRING UserName;
    struct RPC_UNICODE_STRING FullName;
    uint32_t PrimaryGroupId;
    struct RPC_UNICODE_STRING AdminComment;
    struct RPC_UNICODE_STRING UserComment;
};

struct samr_user_preferences_information { /* 2 */
    struct RPC_UNICODE_STRING UserComment;
    struct RPC_UNICODE_STRING Reserved1;
    uint16_t CountryCode;
    uint16_t CodePage;
};

struct samr_user_logon_information { /* 3 */
    struct RPC_UNICODE_STRING UserName;
    struct RPC_UNICODE_STRING FullName;
    uint32_t UserId;
    uint32_t PrimaryGroupId;
    struct RPC_UNICODE_STRING HomeDirectory;
    struct RPC_UNICODE_STRING HomeDirectoryDrive;
    struct RPC_UNICODE_STRING ScriptPath;
    struct RPC_UNICODE_STRING ProfilePath;
    struct RPC_UNICODE_STRING WorkStations;
    struct old_large_integer LastLogon;
    struct old_large_integer LastLogoff;
    struct old_large_integer PasswordLastSet;
    struct old_large_integer PasswordCanChange;
    struct old_large_integer PasswordMustChange;
    struct samr_logon_hours LogonHours;
    uint16_t BadPasswordCount;
    uint16_t LogonCount;
    uint32_t UserAccountControl;
};

struct samr_user_account_information { /* 5 */
    struct RPC_UNICODE_STRING UserName;
    struct RPC_UNICODE_STRING FullName;
    uint32_t UserId;
    uint32_t PrimaryGroupId;
    struct RPC_UNICODE_STRING HomeDirectory;
    struct RPC_UNICODE_STRING HomeDirectoryDrive;
    struct RPC_UNICODE_STRING ScriptPath;
    struct RPC_UNICODE_STRING ProfilePath;
    struct RPC_UNICODE_STRING AdminComment;
    struct RPC_UNICODE_STRING WorkStations;
    struct old_large_integer LastLogon;
    struct old_large_integer LastLogoff;
    struct samr_logon_hours LogonHours;
    uint16_t BadPasswordCount;
    uint16_t LogonCount;
    struct old_large_integer PasswordLastSet;
    struct old_large_integer AccountExpires;
    uint32_t UserAccountControl;
};

struct samr_user_name_information { /* 6 */
    struct RPC_UNICODE_STRING UserName;
    struct RPC_UNICODE_STRING FullName;
};

struct samr_user_home_information { /* 10 */
    struct RPC_UNICODE_STRING HomeDirectory;
    struct RPC_UNICODE_STRING HomeDirectoryDrive;
};

/* SAMPR_ENCRYPTED_USER_PASSWORD (516 bytes) and _NEW (532: 16 more bytes of
 * salt for the key), both byte arrays on the wire. */
#define SAMR_ENCRYPTED_PASSWORD_LENGTH 516
#define SAMR_ENCRYPTED_PASSWORD_NEW_LENGTH 532
struct samr_encrypted_user_password {
    uint8_t Buffer[SAMR_ENCRYPTED_PASSWORD_LENGTH];
};
struct samr_encrypted_user_password_new {
    uint8_t Buffer[SAMR_ENCRYPTED_PASSWORD_NEW_LENGTH];
};

struct samr_user_internal1_information { /* 18 */
    uint8_t EncryptedNtOwfPassword[16];
    uint8_t EncryptedLmOwfPassword[16];
    uint8_t NtPasswordPresent;
    uint8_t LmPasswordPresent;
    uint8_t PasswordExpired;
};

struct samr_user_internal4_information { /* 23 */
    struct samr_user_all_information I1;
    struct samr_encrypted_user_password UserPassword;
};

struct samr_user_internal5_information { /* 24 */
    struct samr_encrypted_user_password UserPassword;
    uint8_t PasswordExpired;
};

struct samr_user_internal4_information_new { /* 25 */
    struct samr_user_all_information I1;
    struct samr_encrypted_user_password_new UserPassword;
};

struct samr_user_internal5_information_new { /* 26 */
    struct samr_encrypted_user_password_new UserPassword;
    uint8_t PasswordExpired;
};

/* [MS-SAMR] 2.2.6.32 SAMPR_ENCRYPTED_PASSWORD_AES (levels 31 and 32). */
struct samr_encrypted_password_aes {
    uint8_t AuthData[64];
    uint8_t Salt[16];
    uint32_t cbCipher;
    uint8_t *Cipher;
    uint64_t PBKDF2Iterations;
};

struct samr_user_internal7_information { /* 31 */
    struct samr_encrypted_password_aes UserPassword;
    uint8_t PasswordExpired;
};

struct samr_user_internal8_information { /* 32 */
    struct samr_user_all_information I1;
    struct samr_encrypted_password_aes UserPassword;
};

union samr_user_info_buffer {
    struct samr_user_general_information General;          /* 1 */
    struct samr_user_preferences_information Preferences;  /* 2 */
    struct samr_user_logon_information Logon;              /* 3 */
    struct samr_logon_hours LogonHours;                    /* 4 */
    struct samr_user_account_information Account;          /* 5 */
    struct samr_user_name_information Name;                /* 6 */
    struct RPC_UNICODE_STRING AccountName;                       /* 7 */
    struct RPC_UNICODE_STRING FullName;                          /* 8 */
    uint32_t PrimaryGroupId;                               /* 9 */
    struct samr_user_home_information Home;                /* 10 */
    struct RPC_UNICODE_STRING Script;                            /* 11 */
    struct RPC_UNICODE_STRING Profile;                           /* 12 */
    struct RPC_UNICODE_STRING AdminComment;                      /* 13 */
    struct RPC_UNICODE_STRING WorkStations;                      /* 14 */
    uint32_t UserAccountControl;                           /* 16 */
    struct old_large_integer AccountExpires;               /* 17 */
    struct samr_user_internal1_information Internal1;      /* 18 */
    struct RPC_UNICODE_STRING Parameters;                        /* 20 */
    struct samr_user_all_information All;                  /* 21 */
    struct samr_user_internal4_information Internal4;      /* 23 */
    struct samr_user_internal5_information Internal5;      /* 24 */
    struct samr_user_internal4_information_new Internal4New; /* 25 */
    struct samr_user_internal5_information_new Internal5New; /* 26 */
    struct samr_user_internal7_information Internal7;      /* 31 */
    struct samr_user_internal8_information Internal8;      /* 32 */
};

/* ---- display information ---- */

struct samr_domain_display_user {
    uint32_t Index;
    uint32_t Rid;
    uint32_t AccountControl;
    struct RPC_UNICODE_STRING AccountName;
    struct RPC_UNICODE_STRING AdminComment;
    struct RPC_UNICODE_STRING FullName;
};

struct samr_domain_display_group { /* also DomainDisplayMachine's layout */
    uint32_t Index;
    uint32_t Rid;
    uint32_t AccountControl;
    struct RPC_UNICODE_STRING AccountName;
    struct RPC_UNICODE_STRING AdminComment;
};

/* RPC_STRING: counted 8-bit string (OEM display levels). */
struct samr_rpc_string {
    uint16_t Length;
    uint16_t MaximumLength;
    uint8_t *Buffer;
};

struct samr_domain_display_oem {
    uint32_t Index;
    struct samr_rpc_string OemAccountName;
};

struct samr_display_user_buffer {
    uint32_t EntriesRead;
    struct samr_domain_display_user *Buffer;
};
struct samr_display_group_buffer {
    uint32_t EntriesRead;
    struct samr_domain_display_group *Buffer;
};
struct samr_display_oem_buffer {
    uint32_t EntriesRead;
    struct samr_domain_display_oem *Buffer;
};

union samr_display_info_buffer {
    struct samr_display_user_buffer UserInformation;     /* 1 */
    struct samr_display_group_buffer MachineInformation; /* 2 */
    struct samr_display_group_buffer GroupInformation;   /* 3 */
    struct samr_display_oem_buffer OemUserInformation;   /* 4 */
    struct samr_display_oem_buffer OemGroupInformation;  /* 5 */
};

/* ---- operations ([MS-SAMR] 3.1.5), in opnum order ---- */

struct SamrConnect { /* 0: a pointer to one WCHAR */
    uint16_t *ServerName;
    uint32_t DesiredAccess;
    struct policy_handle ServerHandle;
    uint32_t result;
};

struct SamrConnect2 {
    char *ServerName;
    uint32_t DesiredAccess;
    struct policy_handle ServerHandle;
    uint32_t result;
};

struct SamrCloseHandle { /* 1 */
    struct policy_handle SamHandle;
    uint32_t result;
};

struct SamrSetSecurityObject { /* 2 */
    struct policy_handle ObjectHandle;
    uint32_t SecurityInformation;
    struct samr_sr_security_descriptor SecurityDescriptor;
    uint32_t result;
};

struct SamrQuerySecurityObject { /* 3 */
    struct policy_handle ObjectHandle;
    uint32_t SecurityInformation;
    struct samr_sr_security_descriptor *SecurityDescriptor;
    uint32_t result;
};

struct SamrLookupDomainInSamServer { /* 5 */
    struct policy_handle ServerHandle;
    struct RPC_UNICODE_STRING Name;
    struct RPC_SID *DomainId;
    uint32_t result;
};

struct SamrEnumerate { /* 6, 11, 15 (13 has UserAccountControl) */
    struct policy_handle Handle;
    uint32_t EnumerationContext;
    uint32_t PreferedMaximumLength;
    struct samr_enumeration_buffer *Buffer;
    uint32_t CountReturned;
    uint32_t result;
};

struct SamrEnumerateUsersInDomain { /* 13 */
    struct policy_handle DomainHandle;
    uint32_t EnumerationContext;
    uint32_t UserAccountControl;
    uint32_t PreferedMaximumLength;
    struct samr_enumeration_buffer *Buffer;
    uint32_t CountReturned;
    uint32_t result;
};

struct SamrOpenDomain { /* 7 */
    struct policy_handle ServerHandle;
    uint32_t DesiredAccess;
    struct RPC_SID DomainId;
    struct policy_handle DomainHandle;
    uint32_t result;
};

struct SamrQueryInformationDomain { /* 8, 46 */
    struct policy_handle DomainHandle;
    uint16_t DomainInformationClass; /* a USHORT enum: 2 bytes on the wire */
    union samr_domain_info_buffer *Buffer;
    uint32_t result;
};

struct SamrSetInformationDomain { /* 9 */
    struct policy_handle DomainHandle;
    uint16_t DomainInformationClass;
    union samr_domain_info_buffer DomainInformation;
    uint32_t result;
};

struct SamrCreateInDomain { /* 10, 12, 14 */
    struct policy_handle DomainHandle;
    struct RPC_UNICODE_STRING Name;
    uint32_t DesiredAccess;
    struct policy_handle Handle;
    uint32_t RelativeId;
    uint32_t result;
};

struct SamrGetAliasMembership { /* 16 */
    struct policy_handle DomainHandle;
    struct RPC_SID_ARRAY SidArray;
    struct samr_ulong_array Membership;
    uint32_t result;
};

struct SamrLookupNamesInDomain { /* 17 */
    struct policy_handle DomainHandle;
    uint32_t Count;
    struct RPC_UNICODE_STRING *Names; /* [size_is(1000), length_is(Count)] */
    struct samr_ulong_array RelativeIds;
    struct samr_ulong_array Use;
    uint32_t result;
};

struct SamrLookupIdsInDomain { /* 18 */
    struct policy_handle DomainHandle;
    uint32_t Count;
    uint32_t *RelativeIds; /* [size_is(1000), length_is(Count)] */
    struct samr_returned_ustring_array Names;
    struct samr_ulong_array Use;
    uint32_t result;
};

struct SamrOpenAccount { /* 19, 27, 34 */
    struct policy_handle DomainHandle;
    uint32_t DesiredAccess;
    uint32_t Id;
    struct policy_handle Handle;
    uint32_t result;
};

struct SamrQueryInformationGroup { /* 20 */
    struct policy_handle GroupHandle;
    uint16_t GroupInformationClass;
    union samr_group_info_buffer *Buffer;
    uint32_t result;
};

struct SamrSetInformationGroup { /* 21 */
    struct policy_handle GroupHandle;
    uint16_t GroupInformationClass;
    union samr_group_info_buffer Buffer;
    uint32_t result;
};

struct SamrAddMemberToGroup { /* 22 */
    struct policy_handle GroupHandle;
    uint32_t MemberId;
    uint32_t Attributes;
    uint32_t result;
};

struct SamrDeleteAccount { /* 23, 30, 35: the handle comes back zeroed */
    struct policy_handle Handle;
    uint32_t result;
};

struct SamrRemoveMemberFromGroup { /* 24 */
    struct policy_handle GroupHandle;
    uint32_t MemberId;
    uint32_t result;
};

struct SamrGetMembersInGroup { /* 25 */
    struct policy_handle GroupHandle;
    struct samr_get_members_buffer *Members;
    uint32_t result;
};

struct SamrQueryInformationAlias { /* 28 */
    struct policy_handle AliasHandle;
    uint16_t AliasInformationClass;
    union samr_alias_info_buffer *Buffer;
    uint32_t result;
};

struct SamrSetInformationAlias { /* 29 */
    struct policy_handle AliasHandle;
    uint16_t AliasInformationClass;
    union samr_alias_info_buffer Buffer;
    uint32_t result;
};

struct SamrAliasMember { /* 31, 32 */
    struct policy_handle AliasHandle;
    struct RPC_SID MemberId;
    uint32_t result;
};

struct SamrGetMembersInAlias { /* 33 */
    struct policy_handle AliasHandle;
    struct RPC_SID_ARRAY Members;
    uint32_t result;
};

struct SamrRemoveMemberFromForeignDomain { /* 45 */
    struct policy_handle DomainHandle;
    struct RPC_SID MemberSid;
    uint32_t result;
};

struct SamrQueryInformationUser { /* 36, 47 */
    struct policy_handle UserHandle;
    uint16_t UserInformationClass;
    union samr_user_info_buffer *Buffer;
    uint32_t result;
};

struct SamrSetInformationUser { /* 37, 58 */
    struct policy_handle UserHandle;
    uint16_t UserInformationClass;
    union samr_user_info_buffer Buffer;
    uint32_t result;
};

struct SamrGetGroupsForUser { /* 39 */
    struct policy_handle UserHandle;
    struct samr_get_groups_buffer *Groups;
    uint32_t result;
};

struct SamrQueryDisplayInformation { /* 40, 48, 51 */
    struct policy_handle DomainHandle;
    uint16_t DisplayInformationClass;
    uint32_t Index;
    uint32_t EntryCount;
    uint32_t PreferredMaximumLength;
    uint32_t TotalAvailable;
    uint32_t TotalReturned;
    union samr_display_info_buffer Buffer;
    uint32_t result;
};

struct SamrGetDisplayEnumerationIndex { /* 41, 49 */
    struct policy_handle DomainHandle;
    uint16_t DisplayInformationClass;
    struct RPC_UNICODE_STRING Prefix;
    uint32_t Index;
    uint32_t result;
};

struct SamrGetUserDomainPasswordInformation { /* 44 */
    struct policy_handle UserHandle;
    struct user_domain_password_information PasswordInformation;
    uint32_t result;
};

struct SamrCreateUser2InDomain { /* 50 */
    struct policy_handle DomainHandle;
    struct RPC_UNICODE_STRING Name;
    uint32_t AccountType;
    uint32_t DesiredAccess;
    struct policy_handle UserHandle;
    uint32_t GrantedAccess;
    uint32_t RelativeId;
    uint32_t result;
};

struct SamrAliasMembers { /* 52, 53 */
    struct policy_handle AliasHandle;
    struct RPC_SID_ARRAY MembersBuffer;
    uint32_t result;
};

struct SamrOemChangePasswordUser2 { /* 54 */
    struct samr_rpc_string *ServerName;
    struct samr_rpc_string UserName;
    struct samr_encrypted_user_password *NewPasswordEncryptedWithOldLm;
    uint8_t *OldLmOwfPasswordEncryptedWithNewLm; /* 16 bytes */
    uint32_t result;
};

struct encrypted_owf_password {
    uint8_t data[16];
};

struct SamrChangePasswordUser { /* 38: [MS-SAMR] 3.1.5.10.1 */
    struct policy_handle UserHandle;
    uint8_t LmPresent;
    struct encrypted_owf_password *OldLmEncryptedWithNewLm;
    struct encrypted_owf_password *NewLmEncryptedWithOldLm;
    uint8_t NtPresent;
    struct encrypted_owf_password *OldNtEncryptedWithNewNt;
    struct encrypted_owf_password *NewNtEncryptedWithOldNt;
    uint8_t NtCrossEncryptionPresent;
    struct encrypted_owf_password *NewNtEncryptedWithNewLm;
    uint8_t LmCrossEncryptionPresent;
    struct encrypted_owf_password *NewLmEncryptedWithNewNt;
    uint32_t result;
};

struct SamrUnicodeChangePasswordUser2 { /* 55 */
    struct RPC_UNICODE_STRING *ServerName;
    struct RPC_UNICODE_STRING UserName;
    struct samr_encrypted_user_password *NewPasswordEncryptedWithOldNt;
    struct encrypted_owf_password *OldNtOwfPasswordEncryptedWithNewNt;
    uint8_t LmPresent;
    struct samr_encrypted_user_password *NewPasswordEncryptedWithOldLm;
    struct encrypted_owf_password *OldLmOwfPasswordEncryptedWithNewNt;
    uint32_t result;
};

struct user_pwd_change_failure_information {
    uint32_t ExtendedFailureReason;
    struct RPC_UNICODE_STRING FilterModuleName;
};

struct SamrUnicodeChangePasswordUser3 { /* 63 */
    struct RPC_UNICODE_STRING *ServerName;
    struct RPC_UNICODE_STRING UserName;
    struct samr_encrypted_user_password *NewPasswordEncryptedWithOldNt;
    struct encrypted_owf_password *OldNtOwfPasswordEncryptedWithNewNt;
    uint8_t LmPresent;
    struct samr_encrypted_user_password *NewPasswordEncryptedWithOldLm;
    struct encrypted_owf_password *OldLmOwfPasswordEncryptedWithNewNt;
    struct samr_encrypted_user_password *AdditionalData;
    struct domain_password_information *EffectivePasswordPolicy;
    struct user_pwd_change_failure_information *PasswordChangeFailureInfo;
    uint32_t result;
};

struct SamrTestPrivateFunctions { /* 42, 43 */
    struct policy_handle Handle;
    uint32_t result;
};

struct SamrGetDomainPasswordInformation { /* 56 */
    struct RPC_UNICODE_STRING *Unused;
    struct user_domain_password_information PasswordInformation;
    uint32_t result;
};

struct SamrConnect3 { /* 61 */
    char *ServerName;
    uint32_t ClientRevision;
    uint32_t DesiredAccess;
    struct policy_handle ServerHandle;
    uint32_t result;
};

struct SamrConnect4 { /* 62 */
    char *ServerName;
    uint32_t ClientRevision;
    uint32_t DesiredAccess;
    struct policy_handle ServerHandle;
    uint32_t result;
};

struct SamrConnect5 { /* 64 */
    char *ServerName;
    uint32_t DesiredAccess;
    uint32_t InVersion;
    union samr_revision_info InRevisionInfo;
    uint32_t OutVersion;
    union samr_revision_info OutRevisionInfo;
    struct policy_handle ServerHandle;
    uint32_t result;
};

struct SamrRidToSid { /* 65 */
    struct policy_handle ObjectHandle;
    uint32_t Rid;
    struct RPC_SID *Sid;
    uint32_t result;
};

struct SamrUnicodeChangePasswordUser4 { /* 73 */
    struct RPC_UNICODE_STRING *ServerName;
    struct RPC_UNICODE_STRING UserName;
    struct samr_encrypted_password_aes EncryptedPassword;
    uint32_t result;
};

#endif
