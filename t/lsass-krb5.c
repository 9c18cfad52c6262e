/* lsass/krb5 without a KDC: the settings' defaults and how they resolve,
 * whether Kerberos is offered, the errors a person can act on and their
 * statuses, the keytab tools on missing and empty files. (The mechanism
 * itself is driven by a real KDC and clients in t/krb5-smbclient.t.) */
#include <fcntl.h>
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsass/krb5/krb5_mech.h"
#include "t/tap/tap.h"

struct findings {
    unsigned principal_failures;
    unsigned total;
};

static void count_finding(void *arg, bool ok, const char *what, const char *detail)
{
    struct findings *f = arg;
    f->total++;
    if (!ok && strcmp(what, "principal") == 0 && strstr(detail, "no key"))
        f->principal_failures++;
}

int main(void)
{
    char dir[] = "/tmp/sw-krb5-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char db[256], keytab[300], host[256] = "", want[300];
    snprintf(db, sizeof db, "%s/registry.db", dir);
    snprintf(keytab, sizeof keytab, "%s/krb5.keytab", dir);
    gethostname(host, sizeof host - 1);

    struct krb5_settings s;
    is_int(krb5_settings_load(NULL, db, &s), STATUS_SUCCESS, "defaults load without a registry");
    is_str(s.mode, "auto", "kerberos.enabled defaults to auto");
    is_str(s.keytab, keytab, "the keytab defaults to krb5.keytab beside the registry");
    is_int((long long)s.principal_count, 2, "two default service principals");
    snprintf(want, sizeof want, "cifs/%s", host);
    is_str(s.principals[0], want, "cifs/HOST");
    snprintf(want, sizeof want, "host/%s", host);
    is_str(s.principals[1], want, "host/HOST");
    ok(!krb5_settings_active(&s), "auto without a keytab: Kerberos is not offered");
    snprintf(s.mode, sizeof s.mode, "on");
    ok(krb5_settings_active(&s), "on: offered even without a keytab (lsassd logs it)");
    snprintf(s.mode, sizeof s.mode, "auto");

    struct krb5_keytab_entry *entries = NULL;
    size_t count = 0;
    char err[512] = "";
    is_int(krb5_keytab_list(keytab, &entries, &count, err, sizeof err), STATUS_OBJECT_NAME_NOT_FOUND,
           "listing a missing keytab");
    ok(strstr(err, keytab) != NULL, "... names the file (%s)", err);

    /* A failed import leaves no keytab behind (it would switch Kerberos on). */
    size_t imported = 99;
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nothere.keytab", dir);
    ok(!NT_SUCCESS(krb5_keytab_import(missing, keytab, &imported, err, sizeof err)) && imported == 0,
       "importing a missing keytab fails");
    struct stat st;
    ok(stat(keytab, &st) != 0, "and creates nothing");
    /* An empty keytab (just its version) imported: a valid, empty, 0600 one. */
    int fd = open(missing, O_WRONLY | O_CREAT, 0644);
    ok(fd >= 0 && write(fd, "\x05\x02", 2) == 2, "an empty keytab to import");
    close(fd);
    err[0] = 0;
    is_int(krb5_keytab_import(missing, keytab, &imported, err, sizeof err), STATUS_SUCCESS, "imported (%s)", err);
    ok(stat(keytab, &st) == 0 && (st.st_mode & 0777) == 0600, "the keytab exists, mode 0600");
    is_int(krb5_keytab_list(keytab, &entries, &count, err, sizeof err), STATUS_SUCCESS,
           "and is a valid keytab");
    is_int((long long)count, 0, "with no entries");
    free(entries);
    ok(krb5_settings_active(&s), "auto with the keytab present: Kerberos is offered");

    /* check: a keytab with no key for either principal. */
    struct findings f = { 0, 0 };
    unsigned problems = krb5_check(&s, count_finding, &f);
    ok(problems >= 2 && f.principal_failures == 2, "check: both principals have no key (%u problems)", problems);

    NTSTATUS status;
    ok(krb5_explain(KRB5KRB_AP_ERR_SKEW, &status) && status == STATUS_TIME_DIFFERENCE_AT_DC &&
           strncmp(krb5_explain(KRB5KRB_AP_ERR_SKEW, &status), "clock skew", 10) == 0,
       "clock skew: STATUS_TIME_DIFFERENCE_AT_DC");
    ok(strncmp(krb5_explain(KRB5KRB_AP_ERR_BADKEYVER, &status), "wrong key version", 17) == 0 &&
           status == STATUS_LOGON_FAILURE,
       "wrong key version: STATUS_LOGON_FAILURE");
    ok(strncmp(krb5_explain(KRB5_KT_KVNONOTFOUND, &status), "wrong key version", 17) == 0,
       "a kvno the keytab lacks: wrong key version");
    ok(strncmp(krb5_explain(KRB5_KT_NOTFOUND, &status), "unknown service principal", 25) == 0,
       "no key for the ticket's principal: unknown service principal");
    ok(strncmp(krb5_explain(KRB5KRB_AP_ERR_TKT_EXPIRED, &status), "expired ticket", 14) == 0 &&
           status == STATUS_LOGON_FAILURE,
       "expired ticket: STATUS_LOGON_FAILURE");
    ok(krb5_explain(12345, &status) == NULL && status == STATUS_LOGON_FAILURE,
       "an unknown code: no explanation, STATUS_LOGON_FAILURE");

    unlink(keytab);
    unlink(missing);
    rmdir(dir);
    return done_testing();
}
