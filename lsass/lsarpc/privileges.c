/* The privileges and logon rights Windows defines ([MS-LSAD] 3.1.1.2.1,
 * the LUIDs and display names a Windows server reports), and which of them
 * a Samewise token carries (lib/token.h). */
#include <string.h>
#include <strings.h>

#include "lsass/lsarpc/lsarpc_private.h"

static const struct lsa_privilege privileges[] = {
    { "SeCreateTokenPrivilege", 2, "Create a token object", 0 },
    { "SeAssignPrimaryTokenPrivilege", 3, "Replace a process level token", 0 },
    { "SeLockMemoryPrivilege", 4, "Lock pages in memory", 0 },
    { "SeIncreaseQuotaPrivilege", 5, "Adjust memory quotas for a process", 0 },
    { "SeMachineAccountPrivilege", 6, "Add workstations to domain", 0 },
    { "SeTcbPrivilege", 7, "Act as part of the operating system", 0 },
    { "SeSecurityPrivilege", 8, "Manage auditing and security log", SE_PRIV_SECURITY },
    { "SeTakeOwnershipPrivilege", 9, "Take ownership of files or other objects", SE_PRIV_TAKE_OWNERSHIP },
    { "SeLoadDriverPrivilege", 10, "Load and unload device drivers", 0 },
    { "SeSystemProfilePrivilege", 11, "Profile system performance", 0 },
    { "SeSystemtimePrivilege", 12, "Change the system time", 0 },
    { "SeProfileSingleProcessPrivilege", 13, "Profile single process", 0 },
    { "SeIncreaseBasePriorityPrivilege", 14, "Increase scheduling priority", 0 },
    { "SeCreatePagefilePrivilege", 15, "Create a pagefile", 0 },
    { "SeCreatePermanentPrivilege", 16, "Create permanent shared objects", 0 },
    { "SeBackupPrivilege", 17, "Back up files and directories", SE_PRIV_BACKUP },
    { "SeRestorePrivilege", 18, "Restore files and directories", SE_PRIV_RESTORE },
    { "SeShutdownPrivilege", 19, "Shut down the system", 0 },
    { "SeDebugPrivilege", 20, "Debug programs", 0 },
    { "SeAuditPrivilege", 21, "Generate security audits", 0 },
    { "SeSystemEnvironmentPrivilege", 22, "Modify firmware environment values", 0 },
    { "SeChangeNotifyPrivilege", 23, "Bypass traverse checking", SE_PRIV_CHANGE_NOTIFY },
    { "SeRemoteShutdownPrivilege", 24, "Force shutdown from a remote system", 0 },
    { "SeUndockPrivilege", 25, "Remove computer from docking station", 0 },
    { "SeSyncAgentPrivilege", 26, "Synchronize directory service data", 0 },
    { "SeEnableDelegationPrivilege", 27, "Enable computer and user accounts to be trusted for delegation", 0 },
    { "SeManageVolumePrivilege", 28, "Perform volume maintenance tasks", 0 },
    { "SeImpersonatePrivilege", 29, "Impersonate a client after authentication", 0 },
    { "SeCreateGlobalPrivilege", 30, "Create global objects", 0 },
    { "SeTrustedCredManAccessPrivilege", 31, "Access Credential Manager as a trusted caller", 0 },
    { "SeRelabelPrivilege", 32, "Modify an object label", 0 },
    { "SeIncreaseWorkingSetPrivilege", 33, "Increase a process working set", 0 },
    { "SeTimeZonePrivilege", 34, "Change the time zone", 0 },
    { "SeCreateSymbolicLinkPrivilege", 35, "Create symbolic links", 0 },
    { "SeDelegateSessionUserImpersonatePrivilege", 36,
      "Obtain an impersonation token for another user in the same session", 0 },
};
#define PRIVILEGE_COUNT (sizeof privileges / sizeof privileges[0])

/* Logon rights: not privileges (no LUID); GetSystemAccessAccount reports
 * them as bits ([MS-LSAD] 2.2.1.1.5). */
static const struct {
    const char *name;
    uint32_t bit;
} logon_rights[] = {
    { "SeInteractiveLogonRight", 0x001 },
    { "SeNetworkLogonRight", 0x002 },
    { "SeBatchLogonRight", 0x004 },
    { "SeServiceLogonRight", 0x010 },
    { "SeDenyInteractiveLogonRight", 0x040 },
    { "SeDenyNetworkLogonRight", 0x080 },
    { "SeDenyBatchLogonRight", 0x100 },
    { "SeDenyServiceLogonRight", 0x200 },
    { "SeRemoteInteractiveLogonRight", 0x400 },
    { "SeDenyRemoteInteractiveLogonRight", 0x800 },
};
#define LOGON_RIGHT_COUNT (sizeof logon_rights / sizeof logon_rights[0])

/* Names are matched without regard to case, as Windows' LSA matches them. */
const struct lsa_privilege *lsarpc_privilege_by_name(const char *name)
{
    for (size_t i = 0; name && i < PRIVILEGE_COUNT; i++)
        if (strcasecmp(privileges[i].name, name) == 0)
            return &privileges[i];
    return NULL;
}

const struct lsa_privilege *lsarpc_privilege_by_luid(uint32_t luid)
{
    for (size_t i = 0; i < PRIVILEGE_COUNT; i++)
        if (privileges[i].luid == luid)
            return &privileges[i];
    return NULL;
}

size_t lsarpc_privilege_count(void) { return PRIVILEGE_COUNT; }
const struct lsa_privilege *lsarpc_privilege_at(size_t i) { return i < PRIVILEGE_COUNT ? &privileges[i] : NULL; }

uint32_t lsarpc_logon_right_bit(const char *name)
{
    for (size_t i = 0; name && i < LOGON_RIGHT_COUNT; i++)
        if (strcasecmp(logon_rights[i].name, name) == 0)
            return logon_rights[i].bit;
    return 0;
}

const char *lsarpc_logon_right_name(uint32_t bit)
{
    for (size_t i = 0; i < LOGON_RIGHT_COUNT; i++)
        if (logon_rights[i].bit == bit)
            return logon_rights[i].name;
    return NULL;
}
