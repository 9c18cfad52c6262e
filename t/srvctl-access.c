/* Who may use the \srv device controls (srv_devctl_allowed, which srv runs on
 * every control's IRP token): enumerations for any token, closes and the
 * share reload for SYSTEM and members of Administrators only. */
#include <stdlib.h>

#include "drivers/srv/devctl.h"
#include "lib/sid.h"
#include "lib/token.h"
#include "t/tap/tap.h"

static const uint32_t changes[] = { SRV_DEVCTL_CLOSE_SESSION, SRV_DEVCTL_CLOSE_FILE,
                                    SRV_DEVCTL_RELOAD_SHARES };
static const uint32_t listings[] = { SRV_DEVCTL_ENUM_SESSIONS, SRV_DEVCTL_ENUM_CONNECTIONS,
                                     SRV_DEVCTL_ENUM_FILES, SRV_DEVCTL_STATS };

static bool may_change(const struct access_token *t)
{
    bool all = true, none = true;
    for (size_t i = 0; i < 3; i++) {
        bool allowed = srv_devctl_allowed(changes[i], t);
        all = all && allowed;
        none = none && !allowed;
    }
    return all ? true : none ? false : (abort(), false); /* the three go together */
}

static bool may_list(const struct access_token *t)
{
    for (size_t i = 0; i < sizeof listings / sizeof *listings; i++)
        if (!srv_devctl_allowed(listings[i], t))
            return false;
    return true;
}

int main(void)
{
    struct sid domain, alice_sid, users;
    sid_parse("S-1-5-21-1-2-3", &domain);
    sid_append(&alice_sid, &domain, 1000);
    sid_parse("S-1-5-32-545", &users);

    struct access_token *system = token_new_system();
    ok(may_list(system) && may_change(system), "SYSTEM may list and change");

    struct access_token *alice = token_new(&alice_sid, &alice_sid);
    token_add_group(alice, &users);
    ok(may_list(alice), "a plain user may list");
    ok(!may_change(alice), "a plain user may not close or reload");

    struct access_token *admin = token_copy(alice);
    token_add_group(admin, &SID_BUILTIN_ADMINISTRATORS);
    ok(may_change(admin), "a member of Administrators may close and reload");

    struct access_token *guest = token_copy(admin);
    guest->is_guest = true;
    ok(!may_change(guest), "a guest token may not, whatever its groups");
    struct access_token *anonymous = token_copy(admin);
    anonymous->is_anonymous = true;
    ok(!may_change(anonymous), "nor an anonymous one");

    ok(!srv_devctl_allowed(SRV_DEVCTL_ENUM_SESSIONS, NULL), "no token, nothing");
    token_free(system);
    token_free(alice);
    token_free(admin);
    token_free(guest);
    token_free(anonymous);
    return done_testing();
}
