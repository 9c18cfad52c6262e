/* The SAM's pure checks: account names (Windows' rules) and password policy. */
#include <string.h>

#include "lsass/sam/sam.h"
#include "t/tap/tap.h"

static void name_ok(const char *name, size_t max, const char *why)
{
    is_int(sam_name_check(name, max, NULL), STATUS_SUCCESS, "name accepted: %s", why);
}

static void name_bad(const char *name, size_t max, const char *why)
{
    const char *reason = NULL;
    is_int(sam_name_check(name, max, &reason), STATUS_INVALID_ACCOUNT_NAME,
           "name refused: %s", why);
    ok(reason != NULL, "  with a reason (%s)", reason ? reason : "none");
}

int main(void)
{
    name_ok("alice", SAM_USER_NAME_MAX, "plain");
    name_ok("Alice.Smith-2_x", SAM_USER_NAME_MAX, "dots, dash, underscore");
    name_ok("12345678901234567890", SAM_USER_NAME_MAX, "exactly 20 characters");
    name_ok("J\xC3\xBCrgen", SAM_USER_NAME_MAX, "non-ASCII letter");
    name_ok("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
            "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9",
            SAM_USER_NAME_MAX, "20 two-byte characters count as 20");
    name_ok("Domain Admins of x", SAM_GROUP_NAME_MAX, "group with spaces");
    name_bad("", SAM_USER_NAME_MAX, "empty");
    name_bad("123456789012345678901", SAM_USER_NAME_MAX, "21 characters");
    name_bad("...", SAM_USER_NAME_MAX, "only dots");
    name_bad(" . ", SAM_USER_NAME_MAX, "only dots and spaces");
    name_bad(" bob", SAM_USER_NAME_MAX, "leading space");
    name_bad("bob ", SAM_USER_NAME_MAX, "trailing space");
    const char *forbidden = "\"/\\[]:;|=,+*?<>@";
    for (const char *p = forbidden; *p; p++) {
        char name[8] = "ab?cd";
        name[2] = *p;
        name_bad(name, SAM_USER_NAME_MAX, name);
    }
    name_bad("a\tb", SAM_USER_NAME_MAX, "tab");
    name_bad("a\x7f" "b", SAM_USER_NAME_MAX, "DEL");
    name_bad("a\xC2\x85" "b", SAM_USER_NAME_MAX, "C1 control (NEL)");
    name_bad("a\xC3", SAM_USER_NAME_MAX, "ill-formed UTF-8");

    struct sam_password_policy policy = { .min_length = 8, .complexity = false };
    const char *why = NULL;
    is_int(sam_password_check(&policy, "alice", NULL, "Password", &why), STATUS_SUCCESS,
           "8 characters meet a minimum of 8");
    is_int(sam_password_check(&policy, "alice", NULL, "Passwor", &why),
           STATUS_PASSWORD_RESTRICTION, "7 characters do not");
    ok(why && strstr(why, "min-password-length") && !strstr(why, "Passwor"),
       "the reason names the setting, not the password");
    is_int(sam_password_check(&policy, "alice", NULL, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                                      "\xC3\xA9\xC3\xA9\xC3\xA9", &why),
           STATUS_SUCCESS, "length counts characters, not bytes");
    policy.min_length = 0;
    is_int(sam_password_check(&policy, "alice", NULL, "", &why), STATUS_SUCCESS,
           "empty password allowed at minimum 0");
    char long_password[300];
    memset(long_password, 'x', 257);
    long_password[257] = '\0';
    is_int(sam_password_check(&policy, "alice", NULL, long_password, &why),
           STATUS_PASSWORD_RESTRICTION, "257 characters are too many");

    policy.complexity = true;
    is_int(sam_password_check(&policy, "alice", NULL, "password1", &why),
           STATUS_PASSWORD_RESTRICTION, "complexity: two classes refused");
    is_int(sam_password_check(&policy, "alice", NULL, "Password1", &why), STATUS_SUCCESS,
           "complexity: upper, lower, digit accepted");
    is_int(sam_password_check(&policy, "alice", NULL, "xALICEx1!", &why),
           STATUS_PASSWORD_RESTRICTION, "complexity: contains the account name (any case)");
    is_int(sam_password_check(&policy, "al", NULL, "xalx1!A", &why), STATUS_SUCCESS,
           "complexity: names under 3 characters are not checked");
    is_int(sam_password_check(&policy, "bob", "Alice Smith-Jones", "jones#Ab1", &why),
           STATUS_PASSWORD_RESTRICTION, "complexity: contains a part of the full name");
    is_int(sam_password_check(&policy, "bob", "Al B Smith", "al#b#X1y", &why), STATUS_SUCCESS,
           "complexity: full-name parts under 3 characters are ignored");

    struct sam_user user = { .flags = SAM_USER_LOCKED_OUT, .lockout_time = 1000 };
    struct sam_lockout_policy lockout = { .threshold = 3, .duration = 600 };
    ok(sam_user_is_locked_out(&user, &lockout, 1599), "locked out within the duration");
    ok(!sam_user_is_locked_out(&user, &lockout, 1600), "lockout expired after the duration");
    lockout.duration = 0;
    ok(sam_user_is_locked_out(&user, &lockout, 99999), "duration 0: locked until unlocked");
    user.flags = 0;
    ok(!sam_user_is_locked_out(&user, &lockout, 1000), "not locked without the flag");
    return done_testing();
}
