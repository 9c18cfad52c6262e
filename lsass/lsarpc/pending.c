/* Operations whose handlers are being written: answered as not served. */
#include "lsass/lsarpc/lsarpc_private.h"
LSARPC_HANDLER(DeleteObject) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(EnumeratePrivileges) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupPrivilegeValue) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupPrivilegeName) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupPrivilegeDisplayName) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(EnumerateAccounts) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(EnumerateAccountsWithUserRight) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(EnumerateAccountRights) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(AddAccountRights) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(RemoveAccountRights) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(CreateAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(OpenAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(EnumeratePrivilegesAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(AddPrivilegesToAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(RemovePrivilegesFromAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(GetSystemAccessAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(SetSystemAccessAccount) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(GetUserName) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupNames) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupNames2) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupNames3) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupNames4) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupSids) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupSids2) { return DCERPC_NCA_S_OP_RNG_ERROR; }
LSARPC_HANDLER(LookupSids3) { return DCERPC_NCA_S_OP_RNG_ERROR; }
