/* Inside lsass/lsarpc/: the handlers the tables in lsa_ndr.c point at, the
 * handle objects, and the helpers they share. */
#ifndef SW_LSASS_LSARPC_PRIVATE_H
#define SW_LSASS_LSARPC_PRIVATE_H

#include <stdbool.h>

#include "lsass/lsarpc/lsarpc.h"
#include "lsass/sam/sam.h"

/* Policy object access rights ([MS-LSAD] 2.2.1.1.2). */
#define POLICY_VIEW_LOCAL_INFORMATION   0x00000001u
#define POLICY_VIEW_AUDIT_INFORMATION   0x00000002u
#define POLICY_GET_PRIVATE_INFORMATION  0x00000004u
#define POLICY_TRUST_ADMIN              0x00000008u
#define POLICY_CREATE_ACCOUNT           0x00000010u
#define POLICY_CREATE_SECRET            0x00000020u
#define POLICY_CREATE_PRIVILEGE         0x00000040u
#define POLICY_SET_DEFAULT_QUOTA_LIMITS 0x00000080u
#define POLICY_SET_AUDIT_REQUIREMENTS   0x00000100u
#define POLICY_AUDIT_LOG_ADMIN          0x00000200u
#define POLICY_SERVER_ADMIN             0x00000400u
#define POLICY_LOOKUP_NAMES             0x00000800u
#define POLICY_NOTIFICATION             0x00001000u
/* Account object access rights ([MS-LSAD] 2.2.1.1.3). */
#define ACCOUNT_VIEW                    0x00000001u
#define ACCOUNT_ADJUST_PRIVILEGES       0x00000002u
#define ACCOUNT_ADJUST_QUOTAS           0x00000004u
#define ACCOUNT_ADJUST_SYSTEM_ACCESS    0x00000008u
/* Standard and generic bits. */
#define LSA_DELETE                      0x00010000u
#define LSA_READ_CONTROL                0x00020000u
#define LSA_WRITE_DAC                   0x00040000u
#define LSA_WRITE_OWNER                 0x00080000u
#define LSA_MAXIMUM_ALLOWED             0x02000000u
#define LSA_GENERIC_ALL                 0x10000000u
#define LSA_GENERIC_EXECUTE             0x20000000u
#define LSA_GENERIC_WRITE               0x40000000u
#define LSA_GENERIC_READ                0x80000000u

/* Handle kinds (dcerpc_handle_create). */
enum { LSA_HANDLE_POLICY = 1, LSA_HANDLE_ACCOUNT = 2 };

/* What a handle names. */
struct lsa_object {
    uint32_t granted;  /* access granted at open */
    struct sid sid;    /* an account handle's account */
};

/* The interfaces' context. */
struct lsarpc_state {
    struct lsa_rpc_context *ctx;
};

/* ---- helpers (common.c) ---- */
struct lsarpc_state *lsarpc_state_of(struct dcerpc_call *call);
/* The caller's token, or NULL when anonymous. */
const struct access_token *lsarpc_caller(struct dcerpc_call *call);
/* Maps a request for access to what the caller gets on the policy or an
 * account object (Windows' default descriptors: Administrators all,
 * everyone else view and look up; anonymous look up only). *granted is
 * what is granted; STATUS_ACCESS_DENIED if a bit asked for is not. */
NTSTATUS lsarpc_access(struct dcerpc_call *call, uint32_t desired, bool account, uint32_t *granted);
/* The object of a handle of kind, or a fault (DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH
 * in *fault) when it is not a live handle, or STATUS_INVALID_HANDLE in
 * *status when it is one of another kind; then NULL. */
struct lsa_object *lsarpc_object(struct dcerpc_call *call, const struct policy_handle *h, uint32_t kind,
                                 uint32_t *fault, uint32_t *status);
/* The machine's names and SID (reg_lock held by the caller). */
struct lsarpc_names {
    char account_domain[64]; /* the NetBIOS computer name: the account domain */
    char workgroup[64];      /* srvsvc.workgroup: the primary domain of a standalone server */
    char dns_host[256];
    bool have_sid;
    struct sid domain_sid;
};
void lsarpc_names_load(struct lsarpc_state *state, struct lsarpc_names *names);
/* Copies text into a counted string from the call's arena. */
bool lsarpc_ustring(struct dcerpc_call *call, const char *text, struct RPC_UNICODE_STRING *out);
/* Arena-allocated UTF-8 of a counted string (NULL: bad UTF-16). */
char *lsarpc_text(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *in);

/* ---- privileges and rights (privileges.c, rights.c) ---- */
struct lsa_privilege {
    const char *name;
    uint32_t luid;
    const char *display;
    uint32_t token_bit; /* SE_PRIV_* it gives a token (0: none) */
};
/* Privileges and the account rights (logon rights) Windows knows. */
const struct lsa_privilege *lsarpc_privilege_by_name(const char *name);
const struct lsa_privilege *lsarpc_privilege_by_luid(uint32_t luid);
size_t lsarpc_privilege_count(void);
const struct lsa_privilege *lsarpc_privilege_at(size_t i);
/* A logon right's name and its SystemAccess bit (0: not a logon right). */
uint32_t lsarpc_logon_right_bit(const char *name);
const char *lsarpc_logon_right_name(uint32_t bit);

/* ---- handlers ---- */
#define LSARPC_HANDLER(name) uint32_t lsarpc_##name(struct dcerpc_call *call, void *r)
LSARPC_HANDLER(Close);
LSARPC_HANDLER(Delete);
LSARPC_HANDLER(DeleteObject);
LSARPC_HANDLER(OpenPolicy);
LSARPC_HANDLER(OpenPolicy2);
LSARPC_HANDLER(QueryInformationPolicy);
LSARPC_HANDLER(QuerySecurityObject);
LSARPC_HANDLER(EnumeratePrivileges);
LSARPC_HANDLER(LookupPrivilegeValue);
LSARPC_HANDLER(LookupPrivilegeName);
LSARPC_HANDLER(LookupPrivilegeDisplayName);
LSARPC_HANDLER(EnumerateAccounts);
LSARPC_HANDLER(EnumerateTrustedDomains);
LSARPC_HANDLER(EnumerateAccountsWithUserRight);
LSARPC_HANDLER(EnumerateAccountRights);
LSARPC_HANDLER(AddAccountRights);
LSARPC_HANDLER(RemoveAccountRights);
LSARPC_HANDLER(CreateAccount);
LSARPC_HANDLER(OpenAccount);
LSARPC_HANDLER(EnumeratePrivilegesAccount);
LSARPC_HANDLER(AddPrivilegesToAccount);
LSARPC_HANDLER(RemovePrivilegesFromAccount);
LSARPC_HANDLER(GetSystemAccessAccount);
LSARPC_HANDLER(SetSystemAccessAccount);
LSARPC_HANDLER(GetUserName);
LSARPC_HANDLER(LookupNames);
LSARPC_HANDLER(LookupNames2);
LSARPC_HANDLER(LookupNames3);
LSARPC_HANDLER(LookupNames4);
LSARPC_HANDLER(LookupSids);
LSARPC_HANDLER(LookupSids2);
LSARPC_HANDLER(LookupSids3);
uint32_t dssetup_DsRolerGetPrimaryDomainInformation(struct dcerpc_call *call, void *r);

#endif
