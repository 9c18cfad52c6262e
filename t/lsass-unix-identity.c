/* The unix identity a network logon acts as on disk: every account its own
 * (lsass/idmap), never uid 0 or gid 0. lsa_token_finish keeps the ids an id
 * map gives and puts a privileged or missing one on nobody, marked
 * unix_id_shared (pvfs then lets it own nothing). Through the local provider
 * on a real registry: Guest acts as its own ids (id base + 501, + 514), not
 * shared; anonymous as id base + 0; a SAM user as its own uid and None's
 * gid; a user mapped to a Unix account as that account; a mapping that
 * turned privileged behind the SAM's back is never acted on. The deprecated
 * lsass.unix-fallback-user is still accepted (and still refuses root). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsass/auth/auth.h"
#include "lsass/idmap/idmap.h"
#include "lsass/local/local_provider.h"
#include "lsass/sam/sam.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static char dir[] = "/tmp/sw-lsass-unix-id.XXXXXX";
static char db_path[256];
static struct audit_actor actor = { "cli", 0, "tester", NULL };

static struct access_token *finish(uid_t uid, gid_t gid)
{
    struct sid user;
    sid_parse("S-1-5-21-1-2-3-1000", &user);
    struct access_token *t = token_new(&user, &user);
    if (t && lsa_token_finish(t, uid, gid) != STATUS_SUCCESS) {
        token_free(t);
        t = NULL;
    }
    return t;
}

static void test_finish(void)
{
    struct access_token *t = finish(1001000, 1000513);
    ok(t && t->uid == 1001000 && t->gid == 1000513 && !t->unix_id_shared,
       "an account's own ids are kept, not marked shared");
    token_free(t);
    t = finish(0, 1000513);
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared,
       "uid 0 is never acted on: nobody, marked a stand-in");
    token_free(t);
    t = finish(1001000, 0);
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared, "  nor gid 0");
    token_free(t);
    t = finish((uid_t)-1, (gid_t)-1);
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared,
       "no identity (a mapped account gone): nobody, marked a stand-in");
    token_free(t);
    ok(lsa_unix_identity_privileged(0, 5) && lsa_unix_identity_privileged(5, 0) &&
           !lsa_unix_identity_privileged(5, 5),
       "privileged: uid 0 or gid 0");

    /* The flag travels with the token from lsassd to lwiod. */
    t = finish(0, 0);
    struct buf b;
    buf_init(&b);
    token_write(&b, t);
    struct buf_reader r;
    rd_init(&r, b.data, b.len);
    struct access_token *copy = token_read(&r);
    ok(copy && copy->unix_id_shared && copy->uid == t->uid, "unix_id_shared survives token_write/read");
    token_free(copy);
    buf_free(&b);
    token_free(t);
}

static void test_provider(struct registry *reg)
{
    struct lsa_settings settings;
    struct lsa_provider *provider = NULL;
    is_int(lsa_settings_load(reg, &settings), STATUS_SUCCESS, "settings load");
    ok(settings.anonymous_uid == IDMAP_DEFAULT_FIRST && settings.anonymous_gid == IDMAP_DEFAULT_FIRST,
       "anonymous's ids come from the SAM: id base + 0");
    struct access_token *t = lsa_token_anonymous(&settings);
    ok(t && t->uid == IDMAP_DEFAULT_FIRST && t->gid == IDMAP_DEFAULT_FIRST && !t->unix_id_shared,
       "the anonymous token acts as them, not shared");
    token_free(t);

    is_int(lsa_local_provider_new(db_path, &provider), STATUS_SUCCESS, "local provider");
    struct lsa_logon_result result;
    memset(&result, 0, sizeof result);
    is_int(provider->ops->guest_logon(provider, &settings, &result), STATUS_SUCCESS, "Guest logon");
    t = result.token;
    ok(t && t->uid == IDMAP_DEFAULT_FIRST + 501 && t->gid == IDMAP_DEFAULT_FIRST + 514 &&
           !t->unix_id_shared,
       "Guest acts as its own ids (id base + 501, + 514), shared with no user");
    lsa_logon_result_clear(&result);
    provider->ops->free(provider);
}

int main(void)
{
    struct passwd *daemon_pw = getpwnam("daemon");
    if (!daemon_pw) {
        printf("1..0 # SKIP this system lacks daemon\n");
        return 0;
    }
    uid_t daemon_uid = daemon_pw->pw_uid; /* before another getpwnam reuses it */
    gid_t daemon_gid = daemon_pw->pw_gid;
    test_finish();

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

    /* A SAM user's token ids, own and mapped, as lsassd computes them. */
    uint32_t rid;
    sam_user_add(reg, &actor, "erin", NULL, NULL, 0, NULL, &rid);
    struct sam_user erin;
    sam_user_by_rid(reg, rid, &erin);
    struct sid none;
    struct sid domain;
    sam_domain_sid(reg, &domain);
    sid_append(&none, &domain, 513);
    struct access_token *t = token_new(&erin.sid, &none);
    uid_t uid;
    gid_t gid;
    is_int(idmap_token_ids(reg, t, &uid, &gid), STATUS_SUCCESS, "erin's token ids");
    ok(uid == IDMAP_DEFAULT_FIRST + rid && gid == IDMAP_DEFAULT_FIRST + 513,
       "  her own uid, None's gid");
    if (daemon_uid != 0 && daemon_gid != 0) {
        char *why = NULL;
        NTSTATUS st = idmap_user_set_unix_account_why(reg, &actor, "erin", "daemon", &why);
        if (st != STATUS_SUCCESS)
            diag("%s: %s", nt_status_name(st), why ? why : "");
        free(why);
        idmap_token_ids(reg, t, &uid, &gid);
        ok(uid == daemon_uid && gid == daemon_gid, "mapped to daemon: daemon's uid and gid");
        /* The mapping made to an account that later became root's (here
         * written into the SAM directly, past every check). */
        sqlite3_exec(registry_sqlite(reg), "UPDATE sam_users SET unix_account = 'root' WHERE name = 'erin'",
                     NULL, NULL, NULL);
        is_int(idmap_token_ids(reg, t, &uid, &gid), STATUS_ACCESS_DENIED,
               "a mapping that turned privileged is refused at use time");
    } else {
        skip(2, "daemon is privileged here");
    }
    token_free(t);
    sam_user_free(&erin);

    /* The deprecated setting: still accepted, still never root. */
    const struct setting_def *def = registry_setting_find("lsass.unix-fallback-user");
    ok(def && registry_setting_validate(def, "nobody", NULL, NULL) == STATUS_SUCCESS,
       "lsass.unix-fallback-user is still accepted (deprecated, unused)");
    ok(def && registry_setting_validate(def, "root", NULL, NULL) == STATUS_INVALID_PARAMETER,
       "  and still refuses root");
    registry_close(reg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        diag("could not remove %s", dir);
    return done_testing();
}
