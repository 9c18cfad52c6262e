/* The unix identity a network logon acts as on disk (lsa_token_finish):
 * the user's own unix account, else the shared fallback, never uid 0 or
 * gid 0 (a SAM account called root, an account in group root, or
 * lsass.unix-fallback-user set to one of those), and unix_id_shared set
 * exactly when the identity is the shared fallback. Uses the accounts every
 * Debian system has: root (0:0), daemon (1:1), nobody (65534:65534). */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsass/auth/auth.h"
#include "registry/registry.h"
#include "t/tap/tap.h"

static struct access_token *finish(const char *unix_name, const char *fallback)
{
    struct lsa_settings settings;
    lsa_settings_default(&settings);
    snprintf(settings.unix_fallback_user, sizeof settings.unix_fallback_user, "%s", fallback);
    struct sid user;
    sid_parse("S-1-5-21-1-2-3-1000", &user);
    struct access_token *t = token_new(&user, &user);
    if (t && lsa_token_finish(t, unix_name, &settings) != STATUS_SUCCESS) {
        token_free(t);
        t = NULL;
    }
    return t;
}

/* A unix account of the system whose primary group is 0 and uid is not, if
 * there is one (Debian has none by default). */
static const char *account_in_group_root(void)
{
    static char name[64];
    struct passwd *pw;
    setpwent();
    while ((pw = getpwent()) != NULL)
        if (pw->pw_uid != 0 && pw->pw_gid == 0 && strlen(pw->pw_name) < sizeof name) {
            strcpy(name, pw->pw_name);
            endpwent();
            return name;
        }
    endpwent();
    return NULL;
}

int main(void)
{
    uid_t uid;
    gid_t gid;
    if (lsa_unix_identity("root", &uid, &gid) != 0 || lsa_unix_identity("daemon", &uid, &gid) != 0 ||
        lsa_unix_identity("nobody", &uid, &gid) != 0) {
        printf("1..0 # SKIP this system lacks root, daemon or nobody\n");
        return 0;
    }
    struct access_token *t = finish("no-such-unix-user", "nobody");
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared,
       "no unix account: the fallback (nobody), marked shared");
    token_free(t);

    t = finish("daemon", "nobody");
    ok(t && t->uid == 1 && t->gid == 1 && !t->unix_id_shared,
       "a unix account of the same name: its own identity, not shared");
    token_free(t);

    t = finish("root", "nobody");
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared,
       "a SAM user called root acts as the fallback, never as root");
    token_free(t);

    t = finish("no-such-unix-user", "root");
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared,
       "lsass.unix-fallback-user root is refused at use time: 65534:65534");
    token_free(t);

    t = finish("root", "root");
    ok(t && t->uid != 0 && t->gid != 0, "  and a SAM root with a root fallback is not root either");
    token_free(t);

    t = finish(NULL, "daemon");
    ok(t && t->uid == 1 && t->gid == 1 && t->unix_id_shared,
       "Guest/anonymous (no name): an unprivileged fallback is used, marked shared");
    token_free(t);

    t = finish(NULL, "no-such-fallback");
    ok(t && t->uid == 65534 && t->gid == 65534 && t->unix_id_shared,
       "a missing fallback account: 65534:65534");
    token_free(t);

    ok(lsa_unix_identity_privileged(0, 5) && lsa_unix_identity_privileged(5, 0) &&
       !lsa_unix_identity_privileged(5, 5), "privileged: uid 0 or gid 0");

    const char *group_root = account_in_group_root();
    if (group_root) {
        t = finish(NULL, group_root);
        ok(t && t->gid != 0, "a fallback account in group root (%s) is refused", group_root);
        token_free(t);
        t = finish(group_root, "nobody");
        ok(t && t->gid != 0, "  and so is one's own account in group root");
        token_free(t);
    }

    /* Setting time: the schema refuses a privileged fallback account. */
    const struct setting_def *def = registry_setting_find("lsass.unix-fallback-user");
    char *error = NULL;
    ok(def && registry_setting_validate(def, "root", NULL, &error) == STATUS_INVALID_PARAMETER &&
       error && strstr(error, "uid 0"), "setting lsass.unix-fallback-user root is refused");
    if (error)
        diag("%s", error);
    free(error);
    error = NULL;
    ok(def && registry_setting_validate(def, "nobody", NULL, &error) == STATUS_SUCCESS &&
       registry_setting_validate(def, "daemon", NULL, NULL) == STATUS_SUCCESS &&
       registry_setting_validate(def, "not-yet-created", NULL, NULL) == STATUS_SUCCESS,
       "  nobody, daemon and an account not made yet are accepted");
    free(error);
    ok(def && registry_setting_validate(def, "", NULL, NULL) == STATUS_INVALID_PARAMETER,
       "  an empty name is not");
    if (group_root) {
        ok(def && registry_setting_validate(def, group_root, NULL, NULL) ==
                      STATUS_INVALID_PARAMETER,
           "  nor an account in group root (%s)", group_root);
    }

    /* The flag travels with the token from lsassd to lwiod. */
    t = finish(NULL, "nobody");
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
    return done_testing();
}
