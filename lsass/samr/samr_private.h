/* Inside lsass/samr/: the objects handles name, access masks, the handlers
 * the interface table points at, and the helpers they share. */
#ifndef SW_SAMR_PRIVATE_H
#define SW_SAMR_PRIVATE_H

#include <pthread.h>
#include <stdbool.h>

#include "lib/sid.h"
#include "lsass/sam/sam.h"
#include "lsass/samr/samr.h"
#include "registry/registry.h"

/* Bounds a client can make us hold ([MS-SAMR] ranges; SAMPR_PSID_ARRAY's
 * 1024 is dcerpc/ndr.h's ndr_sid_array_samr). */
#define SAMR_MAX_LOOKUP 1000      /* LookupNames/Ids Count [range(0, 1000)] */
#define SAMR_MAX_AES_CIPHER 1024  /* a 256-character password, padded */

/* Well-known RIDs. */
#define SAMR_RID_DOMAIN_USERS 513 /* "None" on a standalone server */

/* Access masks ([MS-SAMR] 2.2.1). */
#define SAMR_DELETE 0x00010000u
#define SAMR_READ_CONTROL 0x00020000u
#define SAMR_WRITE_DAC 0x00040000u
#define SAMR_WRITE_OWNER 0x00080000u
#define SAMR_ACCESS_SYSTEM_SECURITY 0x01000000u
#define SAMR_MAXIMUM_ALLOWED 0x02000000u
#define SAMR_GENERIC_ALL 0x10000000u
#define SAMR_GENERIC_EXECUTE 0x20000000u
#define SAMR_GENERIC_WRITE 0x40000000u
#define SAMR_GENERIC_READ 0x80000000u

#define SAM_SERVER_CONNECT 0x0001u
#define SAM_SERVER_ENUMERATE_DOMAINS 0x0010u
#define SAM_SERVER_LOOKUP_DOMAIN 0x0020u
#define DOMAIN_READ_PASSWORD_PARAMETERS 0x0001u
#define DOMAIN_WRITE_PASSWORD_PARAMS 0x0002u
#define DOMAIN_READ_OTHER_PARAMETERS 0x0004u
#define DOMAIN_WRITE_OTHER_PARAMETERS 0x0008u
#define DOMAIN_CREATE_USER 0x0010u
#define DOMAIN_CREATE_GROUP 0x0020u
#define DOMAIN_CREATE_ALIAS 0x0040u
#define DOMAIN_GET_ALIAS_MEMBERSHIP 0x0080u
#define DOMAIN_LIST_ACCOUNTS 0x0100u
#define DOMAIN_LOOKUP 0x0200u
#define DOMAIN_ADMINISTER_SERVER 0x0400u
#define USER_READ_GENERAL 0x0001u
#define USER_READ_PREFERENCES 0x0002u
#define USER_WRITE_PREFERENCES 0x0004u
#define USER_READ_LOGON 0x0008u
#define USER_READ_ACCOUNT 0x0010u
#define USER_WRITE_ACCOUNT 0x0020u
#define USER_CHANGE_PASSWORD 0x0040u
#define USER_FORCE_PASSWORD_CHANGE 0x0080u
#define USER_LIST_GROUPS 0x0100u
#define USER_READ_GROUP_INFORMATION 0x0200u
#define USER_WRITE_GROUP_INFORMATION 0x0400u
#define GROUP_READ_INFORMATION 0x0001u
#define GROUP_WRITE_ACCOUNT 0x0002u
#define GROUP_ADD_MEMBER 0x0004u
#define GROUP_REMOVE_MEMBER 0x0008u
#define GROUP_LIST_MEMBERS 0x0010u
#define ALIAS_ADD_MEMBER 0x0001u
#define ALIAS_REMOVE_MEMBER 0x0002u
#define ALIAS_LIST_MEMBERS 0x0004u
#define ALIAS_READ_INFORMATION 0x0008u
#define ALIAS_WRITE_ACCOUNT 0x0010u

/* NTSTATUS values samr answers that lib/ntstatus.h may not name. */
#define SAMR_STATUS_MORE_ENTRIES 0x00000105u

/* What a handle names: its kind is the dcerpc handle kind. */
enum samr_kind { SAMR_SERVER = 1, SAMR_DOMAIN, SAMR_USER, SAMR_GROUP, SAMR_ALIAS };

struct samr_object {
    enum samr_kind kind;
    uint32_t granted;   /* the access the handle was opened with, after mapping */
    bool builtin;       /* a domain handle on Builtin (S-1-5-32) */
    struct sid domain;  /* the domain (domain, user, group, alias handles) */
    uint32_t rid;       /* user, group, alias */
};

struct samr_service {
    struct lsa_rpc_context *ctx; /* reg, under reg_lock */
    /* Refused changes are audited at most lsass.samr-audit-refused-per-minute
     * a minute, so that a client repeating one cannot grow the log without
     * end (under reg_lock, as every call runs). */
    int64_t refused_window;
    uint32_t refused_in_window;
};

/* ---- helpers (common.c) ---- */
struct samr_service *samr_service_of(struct dcerpc_call *call);
struct registry *samr_reg(struct dcerpc_call *call);
/* Administrators or SYSTEM: may do everything. */
bool samr_caller_is_admin(struct dcerpc_call *call);
/* The caller's own SID is this one. */
bool samr_caller_is(struct dcerpc_call *call, const struct sid *sid);
/* The access a caller gets for desired on an object of kind: generic bits
 * mapped, MAXIMUM_ALLOWED expanded; STATUS_ACCESS_DENIED if it asks for
 * more than it may have. self: the object is the caller's own account. */
NTSTATUS samr_grant(struct dcerpc_call *call, enum samr_kind kind, bool self, uint32_t desired,
                    uint32_t *granted);
/* Creates a handle for a copy of obj into *wire. */
NTSTATUS samr_handle_new(struct dcerpc_call *call, const struct samr_object *obj,
                         struct policy_handle *wire);
/* The object behind a handle of kind; NULL (and *fault set to the context
 * mismatch fault) if there is none. */
struct samr_object *samr_handle_get(struct dcerpc_call *call, const struct policy_handle *wire,
                                    enum samr_kind kind, uint32_t *fault);
/* The descriptor of obj as samr enforces it (the parts secinfo selects),
 * self-relative, from the call's arena. */
struct security_descriptor;
/* The whole descriptor of obj: a user's stored one or the default. */
NTSTATUS samr_object_descriptor_full(struct dcerpc_call *call, const struct samr_object *obj,
                                     struct security_descriptor *full);
NTSTATUS samr_object_descriptor(struct dcerpc_call *call, const struct samr_object *obj,
                                uint32_t secinfo, uint8_t **bytes, size_t *len);
/* STATUS_ACCESS_DENIED unless the handle was granted every bit of need. */
NTSTATUS samr_need(const struct samr_object *obj, uint32_t need);

/* A DWORD setting (lsass.password-history, lsass.lockout-threshold, ...);
 * 0 if it cannot be read. */
uint32_t samr_setting(struct dcerpc_call *call, const char *name);
/* The machine's account domain name (srv.server-name, else the host name's
 * first label, upper-cased, at most 15 characters). */
void samr_domain_name(struct registry *reg, char *out, size_t size);
/* Arena strings and conversions. */
char *samr_string(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *in);
NTSTATUS samr_set_string(struct dcerpc_call *call, const char *text, struct RPC_UNICODE_STRING *out);
/* Unix seconds as an NT time (0 stays 0: "never"). */
void samr_nt_time(int64_t unix_seconds, struct old_large_integer *out);
void samr_nt_time_never(struct old_large_integer *out); /* 0x7FFFFFFFFFFFFFFF */
/* The domain's password policy as GetDomainPasswordInformation gives it. */
NTSTATUS samr_password_info(struct dcerpc_call *call, struct user_domain_password_information *out);
/* A SAM status as the status a samr client expects. */
uint32_t samr_status(NTSTATUS status);
/* The audit actor for the caller (via=samr, its account name):
 * lsa_rpc_actor's. */
const struct audit_actor *samr_actor_of(struct dcerpc_call *call, struct lsa_rpc_actor *who);
#define samr_actor_done lsa_rpc_actor_done
/* A refused change in the audit log (outcome refused), with the caller;
 * rate-limited per minute. */
void samr_audit_refused(struct dcerpc_call *call, const char *action, const char *object,
                        const char *reason);
#define SAMR_NEW(call, T) ((T *)ndr_arena_alloc(dcerpc_call_arena(call), sizeof(T)))
#define SAMR_NEW_ARRAY(call, n, T) ((T *)ndr_arena_array(dcerpc_call_arena(call), (n) ? (n) : 1, sizeof(T)))

/* ---- password crypto (password_crypto.c) ---- */
/* Decrypts a SAMPR_ENCRYPTED_USER_PASSWORD with key (RC4), or the _NEW form
 * (RC4 with MD5(salt || key)); the password as UTF-8 in *out (malloc'd, the
 * caller wipes and frees). STATUS_WRONG_PASSWORD if the length is bad. */
NTSTATUS samr_decrypt_password(const uint8_t *buffer, size_t buffer_len, const uint8_t *key,
                               size_t key_len, char **out);
/* Decrypts a SAMPR_ENCRYPTED_PASSWORD_AES with key: the derived keys,
 * the HMAC-SHA512 check, AES-256-CBC. */
NTSTATUS samr_decrypt_password_aes(const struct samr_encrypted_password_aes *in,
                                   const uint8_t *key, size_t key_len, char **out);
/* SamrUnicodeChangePasswordUser4's content key from the old NT hash. */
NTSTATUS samr_change_key_aes(const uint8_t old_hash[16], const struct samr_encrypted_password_aes *in,
                             uint8_t key[16]);
/* The OWF check of SamrUnicodeChangePasswordUser2: the old hash encrypted
 * with the new one. */
void samr_owf_encrypt(const uint8_t owf[16], const uint8_t key[16], uint8_t out[16]);
/* The inverse: an OWF sent encrypted with the session key ([MS-SAMR]
 * 2.2.11.1.4; levels 18 and 21). */
void samr_owf_decrypt(const uint8_t encrypted[16], const uint8_t key[16], uint8_t out[16]);

/* A handler body run under the service's lock (reg is one connection):
 *     SAMR_CALL(OpenUser, SamrOpenAccount) { ... r->... ; return 0; } */
#define SAMR_CALL(name, T)                                                  \
    static uint32_t name##_locked(struct dcerpc_call *call, struct T *r);   \
    uint32_t samr_##name(struct dcerpc_call *call, void *r)                 \
    {                                                                       \
        struct samr_service *service = samr_service_of(call);               \
        pthread_mutex_lock(&service->ctx->reg_lock);                        \
        uint32_t fault = name##_locked(call, r);                            \
        pthread_mutex_unlock(&service->ctx->reg_lock);                      \
        return fault;                                                       \
    }                                                                       \
    static uint32_t name##_locked(struct dcerpc_call *call, struct T *r)

/* ---- handlers ---- */
#define SAMR_HANDLER(name) uint32_t samr_##name(struct dcerpc_call *call, void *r)
SAMR_HANDLER(Connect);
SAMR_HANDLER(Connect2);
SAMR_HANDLER(Connect3);
SAMR_HANDLER(Connect4);
SAMR_HANDLER(Connect5);
SAMR_HANDLER(CloseHandle);
SAMR_HANDLER(SetSecurityObject);
SAMR_HANDLER(QuerySecurityObject);
SAMR_HANDLER(LookupDomainInSamServer);
SAMR_HANDLER(EnumerateDomainsInSamServer);
SAMR_HANDLER(OpenDomain);
SAMR_HANDLER(QueryInformationDomain);
SAMR_HANDLER(SetInformationDomain);
SAMR_HANDLER(CreateGroupInDomain);
SAMR_HANDLER(EnumerateGroupsInDomain);
SAMR_HANDLER(CreateUserInDomain);
SAMR_HANDLER(EnumerateUsersInDomain);
SAMR_HANDLER(CreateAliasInDomain);
SAMR_HANDLER(EnumerateAliasesInDomain);
SAMR_HANDLER(GetAliasMembership);
SAMR_HANDLER(LookupNamesInDomain);
SAMR_HANDLER(LookupIdsInDomain);
SAMR_HANDLER(OpenGroup);
SAMR_HANDLER(QueryInformationGroup);
SAMR_HANDLER(SetInformationGroup);
SAMR_HANDLER(AddMemberToGroup);
SAMR_HANDLER(DeleteGroup);
SAMR_HANDLER(RemoveMemberFromGroup);
SAMR_HANDLER(GetMembersInGroup);
SAMR_HANDLER(OpenAlias);
SAMR_HANDLER(QueryInformationAlias);
SAMR_HANDLER(SetInformationAlias);
SAMR_HANDLER(DeleteAlias);
SAMR_HANDLER(AddMemberToAlias);
SAMR_HANDLER(RemoveMemberFromAlias);
SAMR_HANDLER(GetMembersInAlias);
SAMR_HANDLER(OpenUser);
SAMR_HANDLER(DeleteUser);
SAMR_HANDLER(QueryInformationUser);
SAMR_HANDLER(SetInformationUser);
SAMR_HANDLER(GetGroupsForUser);
SAMR_HANDLER(QueryDisplayInformation);
SAMR_HANDLER(GetDisplayEnumerationIndex);
SAMR_HANDLER(GetUserDomainPasswordInformation);
SAMR_HANDLER(RemoveMemberFromForeignDomain);
SAMR_HANDLER(CreateUser2InDomain);
SAMR_HANDLER(AddMultipleMembersToAlias);
SAMR_HANDLER(RemoveMultipleMembersFromAlias);
SAMR_HANDLER(OemChangePasswordUser2);
SAMR_HANDLER(ChangePasswordUser);
SAMR_HANDLER(UnicodeChangePasswordUser2);
SAMR_HANDLER(GetDomainPasswordInformation);
SAMR_HANDLER(RidToSid);
SAMR_HANDLER(UnicodeChangePasswordUser4);
SAMR_HANDLER(UnicodeChangePasswordUser3);
SAMR_HANDLER(TestPrivateFunctions);

#endif
