/* Who may use srvctl's \srv controls (srv_devctl_allowed, which srv runs on
 * the IRP's token): SYSTEM and members of Administrators, never a plain
 * user, a guest or an anonymous token. */
#include <stdlib.h>

#include "drivers/srv/devctl.h"
#include "lib/sid.h"
#include "lib/token.h"
#include "t/tap/tap.h"

int main(void)
{
    const uint32_t reload = SRV_DEVCTL_RELOAD_SHARES;
    struct sid domain, alice_sid, users;
    sid_parse("S-1-5-21-1-2-3", &domain);
    sid_append(&alice_sid, &domain, 1000);
    sid_parse("S-1-5-32-545", &users);

    struct access_token *system = token_new_system();
    ok(srv_devctl_allowed(reload, system), "SYSTEM may reload the shares");

    struct access_token *alice = token_new(&alice_sid, &alice_sid);
    token_add_group(alice, &users);
    ok(!srv_devctl_allowed(reload, alice), "a plain user may not");

    struct access_token *admin = token_copy(alice);
    token_add_group(admin, &SID_BUILTIN_ADMINISTRATORS);
    ok(srv_devctl_allowed(reload, admin), "a member of Administrators may");

    struct access_token *guest = token_copy(admin);
    guest->is_guest = true;
    ok(!srv_devctl_allowed(reload, guest), "a guest token may not, whatever its groups");
    struct access_token *anonymous = token_copy(admin);
    anonymous->is_anonymous = true;
    ok(!srv_devctl_allowed(reload, anonymous), "nor an anonymous one");
    ok(!srv_devctl_allowed(reload, NULL), "no token, nothing");

    token_free(system);
    token_free(alice);
    token_free(admin);
    token_free(guest);
    token_free(anonymous);
    return done_testing();
}
