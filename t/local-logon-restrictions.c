/* The local provider's account restrictions set over samr: logon hours
 * (STATUS_INVALID_LOGON_HOURS on the password, Kerberos-principal and PAM
 * account paths, computed in UTC from Sunday 00:00) and "User cannot change
 * password" (a descriptor denying USER_CHANGE_PASSWORD: the own change of
 * PAM's chauthtok is STATUS_ACCESS_DENIED, an administrator's reset is not
 * affected). NTLM's workstation list is tested with smbclient in
 * t/samr-rpcclient.t. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/secdesc.h"
#include "lsass/auth/auth.h"
#include "lsass/local/local_provider.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-local-restrict.XXXXXX";
static char db_path[256];
static struct audit_actor actor = { "cli", 0, "tester", NULL };

static void test_hour_arithmetic(void)
{
    uint8_t hours[SAM_LOGON_HOURS_BYTES];
    memset(hours, 0, sizeof hours);
    hours[0] = 0x01; /* Sunday 00:00-00:59 UTC only */
    int64_t sunday = 3 * 86400; /* 1970-01-04, a Sunday */
    ok(sam_logon_hours_allow(hours, sunday) && sam_logon_hours_allow(hours, sunday + 3599),
       "bit 0 is Sunday 00:00-00:59 UTC");
    ok(!sam_logon_hours_allow(hours, sunday + 3600) && !sam_logon_hours_allow(hours, sunday - 1),
       "  not 01:00, nor Saturday 23:59");
    memset(hours, 0, sizeof hours);
    hours[20] = 0x80; /* hour 167: Saturday 23:00-23:59 */
    ok(sam_logon_hours_allow(hours, sunday - 1) && sam_logon_hours_allow(hours, sunday + 7 * 86400 - 1),
       "bit 167 is Saturday 23:00-23:59 UTC, every week");
    memset(hours, 0, sizeof hours);
    hours[3] = 0x02; /* hour 25: Monday 01:00 */
    ok(sam_logon_hours_allow(hours, 1765155600 /* 2025-12-08 01:00 UTC, a Monday */),
       "2025-12-08 01:00 UTC (Monday) is hour 25");
}

/* The hours of the week with only the current hour (allow) or all but it. */
static void hours_around_now(uint8_t hours[SAM_LOGON_HOURS_BYTES], bool only_now)
{
    memset(hours, only_now ? 0x00 : 0xFF, SAM_LOGON_HOURS_BYTES);
    int64_t h = ((int64_t)time(NULL) / 3600 + 4 * 24) % 168;
    if (only_now)
        hours[h / 8] |= (uint8_t)(1u << (h % 8));
    else
        hours[h / 8] &= (uint8_t)~(1u << (h % 8));
}

static void test_provider(struct registry *reg)
{
    struct lsa_settings settings;
    struct lsa_provider *p = NULL;
    struct lsa_logon_result result;
    uint32_t rid;
    is_int(lsa_settings_load(reg, &settings), STATUS_SUCCESS, "settings load");
    is_int(sam_user_add(reg, &actor, "hank", NULL, NULL, 0, "Hank-pass1", &rid), STATUS_SUCCESS, "hank added");
    is_int(lsa_local_provider_new(db_path, &p), STATUS_SUCCESS, "local provider");
    memset(&result, 0, sizeof result);
    is_int(p->ops->password_logon(p, &settings, "hank", "Hank-pass1", &result), STATUS_SUCCESS,
           "hank logs on (every hour allowed)");
    lsa_logon_result_clear(&result);

    uint8_t hours[SAM_LOGON_HOURS_BYTES], got[SAM_LOGON_HOURS_BYTES];
    bool restricted = true;
    ok(sam_user_get_logon_hours(reg, rid, got, &restricted) == 0 && !restricted && got[0] == 0xFF,
       "no restriction kept: every hour");
    hours_around_now(hours, false);
    is_int(sam_user_set_logon_hours(reg, &actor, rid, hours), STATUS_SUCCESS, "hours set: all but this one");
    ok(sam_user_get_logon_hours(reg, rid, got, &restricted) == 0 && restricted &&
           memcmp(got, hours, sizeof got) == 0,
       "  kept as set");
    memset(&result, 0, sizeof result);
    is_int(p->ops->password_logon(p, &settings, "hank", "Hank-pass1", &result), STATUS_INVALID_LOGON_HOURS,
           "password logon now: STATUS_INVALID_LOGON_HOURS");
    lsa_logon_result_clear(&result);
    memset(&result, 0, sizeof result);
    is_int(p->ops->password_logon(p, &settings, "hank", "wrong", &result), STATUS_LOGON_FAILURE,
           "  a wrong password still says so first (the hours come after the password)");
    lsa_logon_result_clear(&result);
    is_int(p->ops->account_check(p, &settings, "hank"), STATUS_INVALID_LOGON_HOURS,
           "PAM account check: STATUS_INVALID_LOGON_HOURS");
    struct lsa_mech_result mech = { .account = (char *)"hank", .own_realm = true };
    memset(&result, 0, sizeof result);
    is_int(p->ops->principal_logon(p, &settings, &mech, &result), STATUS_INVALID_LOGON_HOURS,
           "Kerberos principal logon: STATUS_INVALID_LOGON_HOURS");
    lsa_logon_result_clear(&result);
    hours_around_now(hours, true);
    sam_user_set_logon_hours(reg, &actor, rid, hours);
    memset(&result, 0, sizeof result);
    is_int(p->ops->password_logon(p, &settings, "hank", "Hank-pass1", &result), STATUS_SUCCESS,
           "only this hour allowed: the logon succeeds");
    lsa_logon_result_clear(&result);
    memset(hours, 0xFF, sizeof hours);
    sam_user_set_logon_hours(reg, &actor, rid, hours);
    ok(sam_user_get_logon_hours(reg, rid, got, &restricted) == 0 && !restricted,
       "every hour again: no restriction kept");

    /* "User cannot change password". */
    struct sam_user hank;
    sam_user_by_rid(reg, rid, &hank);
    static const struct sid self = { 1, 1, { 0, 0, 0, 0, 0, 5 }, { 10 } };
    struct security_descriptor sd;
    secdesc_init(&sd);
    struct acl *dacl = acl_new();
    acl_add_simple(dacl, ACCESS_DENIED_ACE_TYPE, 0, 0x40, &SID_EVERYONE);
    acl_add_simple(dacl, ACCESS_DENIED_ACE_TYPE, 0, 0x40, &self);
    acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, 0, 0x0002035B, &SID_EVERYONE);
    secdesc_set_dacl(&sd, dacl);
    uint8_t *bytes = NULL;
    size_t len = 0;
    secdesc_to_bytes(&sd, &bytes, &len);
    is_int(sam_user_set_descriptor(reg, &actor, rid, bytes, len), STATUS_SUCCESS, "descriptor denying the change");
    bool denied = false;
    ok(sam_user_may_change_password(reg, rid, &hank.sid, &denied) == 0 && denied, "  read as denied");
    const char *why = NULL;
    is_int(p->ops->change_password(p, &settings, "hank", "Hank-pass1", "Hank-pass2", &actor, &why),
           STATUS_ACCESS_DENIED, "PAM chauthtok (own change): STATUS_ACCESS_DENIED");
    is_int(p->ops->change_password(p, &settings, "hank", "Hank-pass1", NULL, &actor, &why), STATUS_ACCESS_DENIED,
           "  already at the old-password check");
    is_int(sam_user_change_password(reg, &actor, rid, "Hank-pass2", (int64_t)time(NULL)), STATUS_ACCESS_DENIED,
           "sam_user_change_password (samr's path): STATUS_ACCESS_DENIED");
    is_int(p->ops->change_password(p, &settings, "hank", NULL, "Hank-pass3", &actor, &why), STATUS_SUCCESS,
           "an administrator's reset is not affected");
    free(bytes);
    /* The deny after a grant does not decide: the first ACE naming the right does. */
    secdesc_free(&sd);
    secdesc_init(&sd);
    dacl = acl_new();
    acl_add_simple(dacl, ACCESS_ALLOWED_ACE_TYPE, 0, 0x20000000 /* GENERIC_EXECUTE */, &SID_EVERYONE);
    acl_add_simple(dacl, ACCESS_DENIED_ACE_TYPE, 0, 0x40, &self);
    secdesc_set_dacl(&sd, dacl);
    secdesc_to_bytes(&sd, &bytes, &len);
    sam_user_set_descriptor(reg, &actor, rid, bytes, len);
    is_int(p->ops->change_password(p, &settings, "hank", "Hank-pass3", "Hank-pass4", &actor, &why), STATUS_SUCCESS,
           "a grant (generic execute) ahead of the deny: the change is allowed");
    free(bytes);
    secdesc_free(&sd);
    secdesc_init(&sd);
    secdesc_set_dacl(&sd, acl_new());
    secdesc_to_bytes(&sd, &bytes, &len);
    sam_user_set_descriptor(reg, &actor, rid, bytes, len);
    ok(sam_user_may_change_password(reg, rid, &hank.sid, &denied) == 0 && denied, "an empty DACL grants nothing");
    free(bytes);
    secdesc_free(&sd);
    is_int(sam_user_set_descriptor(reg, &actor, rid, (const uint8_t *)"junk", 4), STATUS_INVALID_PARAMETER,
           "a descriptor that does not parse is not stored");
    is_int(sam_user_set_descriptor(reg, &actor, rid, NULL, 0), STATUS_SUCCESS, "back to the default");
    ok(sam_user_may_change_password(reg, rid, &hank.sid, &denied) == 0 && !denied, "  which allows the change");
    sam_user_free(&hank);
    p->ops->free(p);
}

int main(void)
{
    test_hour_arithmetic();
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db_path, sizeof db_path, "%s/registry.db", dir);
    struct registry *reg = NULL;
    if (!ok(registry_open(db_path, &reg) == STATUS_SUCCESS && sam_init(reg, &actor, NULL) == STATUS_SUCCESS,
            "a new registry with a SAM"))
        return done_testing();
    test_provider(reg);
    registry_close(reg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
