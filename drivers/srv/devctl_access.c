/* Who may use which \srv device control (devctl.h): a rule both sides know,
 * srv to enforce it and srvctl's tests to check it. */
#include "drivers/srv/devctl.h"
#include "lib/sid.h"
#include "lib/token.h"

bool srv_devctl_allowed(uint32_t control, const struct access_token *token)
{
    if (!token)
        return false;
    /* Reading the live state is for any caller lwiod let in: lwiod decides
     * who that is (peer credentials on its socket). */
    if (control == SRV_DEVCTL_ENUM_SESSIONS || control == SRV_DEVCTL_ENUM_CONNECTIONS ||
        control == SRV_DEVCTL_ENUM_FILES || control == SRV_DEVCTL_STATS)
        return true;
    /* Changing it (logging users off, closing their files, dropping tree
     * connects) is an administrator's act, as NetrSessionDel and
     * NetrFileClose are on Windows. Guest and anonymous tokens never are,
     * whatever groups they carry. */
    if (token->is_guest || token->is_anonymous)
        return false;
    return sid_equal(&token->user, &SID_LOCAL_SYSTEM) ||
           token_has_sid(token, &SID_BUILTIN_ADMINISTRATORS);
}
