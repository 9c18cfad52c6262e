/* The keytab behind `lwadmin kerberos`: list (never a key), import, check
 * (see krb5_mech.h). */
#include "lsass/krb5/krb5_mech.h"

#include <errno.h>
#include <fcntl.h>
#include <krb5.h>
#include <profile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_KEYTAB_ENTRIES 4096 /* a keytab is a handful of entries; bound a hostile one */
#define DEFAULT_SKEW       300  /* krb5.conf's clockskew default, seconds */

static void set_error(krb5_context kc, krb5_error_code code, const char *what, char *err, size_t size)
{
    const char *msg = kc ? krb5_get_error_message(kc, code) : NULL;
    snprintf(err, size, "%s: %s", what, msg ? msg : strerror(errno));
    if (msg)
        krb5_free_error_message(kc, msg);
}

/* "FILE:path" for libkrb5 (a path with a ':' must not read as a type). */
static void keytab_name(const char *path, char *out, size_t size) { snprintf(out, size, "FILE:%s", path); }

NTSTATUS krb5_keytab_list(const char *path, struct krb5_keytab_entry **entries, size_t *count, char *err,
                          size_t err_size)
{
    krb5_context kc = NULL;
    krb5_keytab kt = NULL;
    krb5_kt_cursor cursor;
    krb5_keytab_entry entry;
    krb5_error_code code;
    struct krb5_keytab_entry *list = NULL;
    size_t n = 0;
    char name[1100];
    NTSTATUS status = STATUS_UNSUCCESSFUL;

    *entries = NULL;
    *count = 0;
    if (access(path, R_OK) != 0) {
        snprintf(err, err_size, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_ACCESS_DENIED;
    }
    if ((code = krb5_init_context(&kc)) != 0) {
        snprintf(err, err_size, "cannot start Kerberos (krb5.conf?)");
        return STATUS_UNSUCCESSFUL;
    }
    keytab_name(path, name, sizeof name);
    if ((code = krb5_kt_resolve(kc, name, &kt)) != 0 || (code = krb5_kt_start_seq_get(kc, kt, &cursor)) != 0) {
        set_error(kc, code, path, err, err_size);
        goto out;
    }
    while ((code = krb5_kt_next_entry(kc, kt, &entry, &cursor)) == 0) {
        if (n == MAX_KEYTAB_ENTRIES) {
            krb5_free_keytab_entry_contents(kc, &entry);
            snprintf(err, err_size, "%s: more than %d entries", path, MAX_KEYTAB_ENTRIES);
            krb5_kt_end_seq_get(kc, kt, &cursor);
            goto out;
        }
        struct krb5_keytab_entry *grown = realloc(list, (n + 1) * sizeof *grown);
        if (!grown) {
            krb5_free_keytab_entry_contents(kc, &entry);
            krb5_kt_end_seq_get(kc, kt, &cursor);
            status = STATUS_NO_MEMORY;
            goto out;
        }
        list = grown;
        struct krb5_keytab_entry *e = &list[n++];
        memset(e, 0, sizeof *e);
        char *principal = NULL;
        if (krb5_unparse_name(kc, entry.principal, &principal) == 0) {
            snprintf(e->principal, sizeof e->principal, "%s", principal);
            krb5_free_unparsed_name(kc, principal);
        }
        e->kvno = entry.vno;
        e->enctype = entry.key.enctype;
        if (krb5_enctype_to_name(entry.key.enctype, FALSE, e->enctype_name, sizeof e->enctype_name) != 0)
            snprintf(e->enctype_name, sizeof e->enctype_name, "enctype-%d", (int)entry.key.enctype);
        krb5_free_keytab_entry_contents(kc, &entry);
    }
    krb5_kt_end_seq_get(kc, kt, &cursor);
    if (code != KRB5_KT_END) {
        set_error(kc, code, path, err, err_size);
        goto out;
    }
    *entries = list;
    *count = n;
    list = NULL;
    status = STATUS_SUCCESS;
out:
    free(list);
    if (kt)
        krb5_kt_close(kc, kt);
    krb5_free_context(kc);
    return status;
}

/* The destination keytab, created 0600 (root's when we are root) before a
 * key is written to it. An empty file is no keytab to libkrb5: a new one
 * gets its format version (0x0502, the one MIT writes) first. */
static NTSTATUS prepare_destination(const char *dst, char *err, size_t err_size)
{
    int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(err, err_size, "%s: %s", dst, strerror(errno));
        return STATUS_ACCESS_DENIED;
    }
    struct stat st;
    static const uint8_t version[2] = { 0x05, 0x02 };
    NTSTATUS status = STATUS_SUCCESS;
    if (fstat(fd, &st) == 0 && st.st_size == 0 && write(fd, version, sizeof version) != (ssize_t)sizeof version) {
        snprintf(err, err_size, "%s: %s", dst, strerror(errno));
        status = STATUS_ACCESS_DENIED;
    } else if (fchmod(fd, 0600) != 0 || (geteuid() == 0 && fchown(fd, 0, 0) != 0)) {
        snprintf(err, err_size, "%s: cannot make it 0600 root's: %s", dst, strerror(errno));
        status = STATUS_ACCESS_DENIED;
    }
    close(fd);
    return status;
}

NTSTATUS krb5_keytab_import(const char *src, const char *dst, size_t *imported, char *err, size_t err_size)
{
    krb5_context kc = NULL;
    krb5_keytab in = NULL, out = NULL;
    krb5_kt_cursor cursor;
    krb5_keytab_entry entry;
    krb5_error_code code;
    char name[1100];
    NTSTATUS status = STATUS_UNSUCCESSFUL;
    *imported = 0;

    if (krb5_init_context(&kc) != 0) {
        snprintf(err, err_size, "cannot start Kerberos (krb5.conf?)");
        return STATUS_UNSUCCESSFUL;
    }
    keytab_name(src, name, sizeof name);
    if ((code = krb5_kt_resolve(kc, name, &in)) != 0 || (code = krb5_kt_start_seq_get(kc, in, &cursor)) != 0) {
        set_error(kc, code, src, err, err_size);
        goto done;
    }
    /* The source reads: only now is the destination made (a failed import
     * must not leave an empty keytab that switches Kerberos on). */
    if (!NT_SUCCESS(status = prepare_destination(dst, err, err_size))) {
        krb5_kt_end_seq_get(kc, in, &cursor);
        goto done;
    }
    status = STATUS_UNSUCCESSFUL;
    keytab_name(dst, name, sizeof name);
    if ((code = krb5_kt_resolve(kc, name, &out)) != 0) {
        krb5_kt_end_seq_get(kc, in, &cursor);
        set_error(kc, code, dst, err, err_size);
        goto done;
    }
    size_t seen = 0;
    while ((code = krb5_kt_next_entry(kc, in, &entry, &cursor)) == 0) {
        if (++seen > MAX_KEYTAB_ENTRIES) {
            krb5_free_keytab_entry_contents(kc, &entry);
            code = KRB5_KT_IOERR;
            break;
        }
        /* The same principal, kvno and type: the new key replaces the old. */
        krb5_keytab_entry old;
        if (krb5_kt_get_entry(kc, out, entry.principal, entry.vno, entry.key.enctype, &old) == 0) {
            krb5_kt_remove_entry(kc, out, &old);
            krb5_free_keytab_entry_contents(kc, &old);
        }
        code = krb5_kt_add_entry(kc, out, &entry);
        krb5_free_keytab_entry_contents(kc, &entry);
        if (code != 0)
            break;
        (*imported)++;
    }
    krb5_kt_end_seq_get(kc, in, &cursor);
    if (code != KRB5_KT_END) {
        set_error(kc, code, src, err, err_size);
        goto done;
    }
    status = STATUS_SUCCESS;
done:
    if (in)
        krb5_kt_close(kc, in);
    if (out)
        krb5_kt_close(kc, out);
    krb5_free_context(kc);
    return status;
}

/* The skew libkrb5 allows here: krb5.conf [libdefaults] clockskew. */
static long allowed_skew(krb5_context kc)
{
    profile_t profile = NULL;
    int seconds = DEFAULT_SKEW;
    if (krb5_get_profile(kc, &profile) == 0) {
        profile_get_integer(profile, "libdefaults", "clockskew", NULL, DEFAULT_SKEW, &seconds);
        profile_release(profile);
    }
    return seconds;
}

/* The KDC's view: a TGT for principal from the keytab proves the keytab's
 * key is the KDC's current one, and the ticket's authtime is the KDC's
 * clock. Unreachable KDC: reported, not counted as a problem. */
static unsigned check_kdc(krb5_context kc, krb5_keytab kt, const char *principal_text, krb5_check_report report,
                          void *arg)
{
    krb5_principal principal = NULL;
    krb5_get_init_creds_opt *opts = NULL;
    krb5_creds creds;
    char detail[1400];
    unsigned problems = 0;
    memset(&creds, 0, sizeof creds);
    if (krb5_parse_name(kc, principal_text, &principal) != 0 || krb5_get_init_creds_opt_alloc(kc, &opts) != 0) {
        report(arg, false, "kdc", "cannot parse the principal");
        goto out;
    }
    krb5_get_init_creds_opt_set_tkt_life(opts, 300);
    krb5_get_init_creds_opt_set_forwardable(opts, 0);
    krb5_get_init_creds_opt_set_proxiable(opts, 0);
    krb5_error_code code = krb5_get_init_creds_keytab(kc, &creds, principal, kt, 0, NULL, opts);
    if (code == 0) {
        long skew = (long)creds.times.authtime - (long)time(NULL);
        long allowed = allowed_skew(kc);
        snprintf(detail, sizeof detail, "the KDC accepts the keytab's key for %s", principal_text);
        report(arg, true, "key", detail);
        bool bad = skew > allowed || skew < -allowed;
        snprintf(detail, sizeof detail, "%s: the KDC's clock is %ld seconds %s this server's (%ld allowed)%s",
                 bad ? "clock skew" : "clocks agree", labs(skew), skew >= 0 ? "ahead of" : "behind", allowed,
                 bad ? ": synchronise both with NTP" : "");
        report(arg, !bad, "clock", detail);
        problems += bad;
        krb5_free_cred_contents(kc, &creds);
    } else if (code == KRB5_KDC_UNREACH || code == KRB5_REALM_CANT_RESOLVE || code == KRB5_REALM_UNKNOWN) {
        const char *msg = krb5_get_error_message(kc, code);
        snprintf(detail, sizeof detail, "KDC not reachable (%s): key and clock skew not checked", msg);
        krb5_free_error_message(kc, msg);
        report(arg, true, "kdc", detail);
    } else {
        const char *msg = krb5_get_error_message(kc, code);
        NTSTATUS ignored;
        const char *why = NULL;
        if (code == KRB5KDC_ERR_PREAUTH_FAILED || code == KRB5KRB_AP_ERR_BAD_INTEGRITY)
            why = "wrong key version: the keytab's key is not the KDC's current key for this principal; "
                  "import a current keytab";
        else if (code == KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN)
            why = "unknown service principal: the KDC does not know it";
        else
            why = krb5_explain(code, &ignored);
        snprintf(detail, sizeof detail, "%s: %s (%s)", principal_text, why ? why : "the KDC refused the key", msg);
        krb5_free_error_message(kc, msg);
        report(arg, false, "key", detail);
        problems++;
    }
out:
    krb5_get_init_creds_opt_free(kc, opts);
    krb5_free_principal(kc, principal);
    return problems;
}

unsigned krb5_check(const struct krb5_settings *s, krb5_check_report report, void *arg)
{
    unsigned problems = 0;
    char detail[1400];
    struct stat st;
    if (stat(s->keytab, &st) != 0) {
        snprintf(detail, sizeof detail, "%s: %s (lwadmin kerberos import KEYTAB)", s->keytab, strerror(errno));
        report(arg, false, "keytab", detail);
        return 1;
    }
    if ((st.st_mode & 077) || st.st_uid != 0) {
        snprintf(detail, sizeof detail, "%s is mode %04o owned by uid %u: make it 0600 and root's", s->keytab,
                 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
        report(arg, false, "keytab", detail);
        problems++;
    }
    struct krb5_keytab_entry *entries = NULL;
    size_t count = 0;
    char err[1200];
    if (!NT_SUCCESS(krb5_keytab_list(s->keytab, &entries, &count, err, sizeof err))) {
        report(arg, false, "keytab", err);
        return problems + 1;
    }
    snprintf(detail, sizeof detail, "%s readable, %zu entries", s->keytab, count);
    report(arg, true, "keytab", detail);
    if (!s->realm[0]) {
        report(arg, false, "realm", "no realm: set kerberos.realm or default_realm in krb5.conf");
        problems++;
    }
    const char *first_found = NULL;
    char first[600];
    for (size_t i = 0; i < s->principal_count; i++) {
        char full[600];
        snprintf(full, sizeof full, "%s@%s", s->principals[i], s->realm);
        uint32_t kvno = 0;
        bool found = false;
        for (size_t j = 0; j < count; j++)
            if (strcasecmp(entries[j].principal, full) == 0) {
                found = true;
                if (entries[j].kvno > kvno)
                    kvno = entries[j].kvno;
            }
        if (found) {
            snprintf(detail, sizeof detail, "%s: kvno %u", full, kvno);
            if (!first_found) {
                snprintf(first, sizeof first, "%s", full);
                first_found = first;
            }
        } else {
            snprintf(detail, sizeof detail, "%s: no key in the keytab (unknown service principal for clients)",
                     full);
            problems++;
        }
        report(arg, found, "principal", detail);
    }
    free(entries);
    if (first_found) {
        krb5_context kc;
        krb5_keytab kt;
        char name[1100];
        keytab_name(s->keytab, name, sizeof name);
        if (krb5_init_context(&kc) == 0) {
            if (krb5_kt_resolve(kc, name, &kt) == 0) {
                problems += check_kdc(kc, kt, first_found, report, arg);
                krb5_kt_close(kc, kt);
            }
            krb5_free_context(kc);
        }
    }
    return problems;
}
