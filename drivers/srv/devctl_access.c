/* Who may use srvctl's \srv controls (devctl.h): a rule both sides know, srv
 * to enforce it and srvctl's tests to check it. */
#include "drivers/srv/devctl.h"
#include "lib/sid.h"
#include "lib/token.h"

bool srv_devctl_allowed(uint32_t control, const struct access_token *token)
{
    (void)control; /* every control changes server state today */
    /* Dropping users' tree connects is an administrator's act, as
     * NetrShareDel is on Windows. Guest and anonymous tokens never are,
     * whatever groups they carry. */
    if (!token || token->is_guest || token->is_anonymous)
        return false;
    return sid_equal(&token->user, &SID_LOCAL_SYSTEM) ||
           token_has_sid(token, &SID_BUILTIN_ADMINISTRATORS);
}
