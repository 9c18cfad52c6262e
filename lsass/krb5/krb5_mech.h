/* Kerberos: the GSS mechanism lsassd offers in SPNEGO, through MIT GSSAPI
 * with a keytab, and the keytab tools behind `lwadmin kerberos`.
 *
 * Kerberos is not an account provider but a mechanism (docs/lsass.md
 * "Kerberos"): it proves a client principal ("alice@EXAMPLE.COM") and hands
 * it to the providers' principal_logon in their order. The local provider
 * takes name@REALM when REALM is the machine's (kerberos.realm); another
 * provider (a directory) may take the rest; nobody taking it refuses the
 * logon. The mechanism is listed under both Kerberos OIDs (Microsoft's
 * legacy 1.2.840.48018.1.2.2 first, as Windows does, then 1.2.840.113554.1.2.2),
 * answers with the AP-REP (mutual authentication), and gives the SMB server
 * the GSS context's session key (the ticket's or the authenticator's
 * subkey; the SMB layer truncates it to 16 bytes, [MS-SMB2] 3.3.5.5.3).
 *
 * Settings (lsass/krb5/settings.schema; read when lsassd starts):
 *   kerberos.enabled     auto: on when the keytab exists
 *   kerberos.realm       "" = default_realm of krb5.conf
 *   kerberos.keytab      "" = krb5.keytab beside the registry
 *   kerberos.principals  "" = cifs/HOST and host/HOST (HOST: the host name)
 *
 * The errors a person can act on (clock skew, wrong key version, unknown
 * service principal, expired ticket, ...) are named in the log line of the
 * refused logon and by `lwadmin kerberos check` (krb5_explain). */
#ifndef SW_LSASS_KRB5_MECH_H
#define SW_LSASS_KRB5_MECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ntstatus.h"
#include "lsass/auth/auth.h"

struct registry;

#define KRB5_MAX_PRINCIPALS 16

struct krb5_settings {
    char mode[8];               /* auto, on, off */
    char realm[256];            /* resolved: never "" once loaded, unless krb5.conf has none */
    char keytab[1024];          /* resolved path */
    char principals[KRB5_MAX_PRINCIPALS][256]; /* "cifs/host" (no realm) */
    size_t principal_count;
};

/* Reads kerberos.* (unset: the schema's defaults) and resolves the empty
 * defaults against the host and db_path. */
NTSTATUS krb5_settings_load(struct registry *reg, const char *db_path, struct krb5_settings *settings);
/* Whether lsassd should offer Kerberos: on, or auto with the keytab present. */
bool krb5_settings_active(const struct krb5_settings *settings);

/* The mechanism for lsassd's provider list (its name is "krb5"). */
NTSTATUS krb5_mech_new(const struct krb5_settings *settings, struct lsa_provider **provider);

/* A Kerberos error (a GSS minor status of the krb5 mechanism) explained:
 * *status is what the logon answers, the result a sentence that names the
 * cause and what to do ("clock skew: ..."), static storage. NULL when the
 * code has no particular explanation. */
const char *krb5_explain(int32_t code, NTSTATUS *status);

/* ---- The keytab (lwadmin kerberos) ---------------------------------- */

struct krb5_keytab_entry {
    char principal[256];        /* with its realm */
    uint32_t kvno;
    int32_t enctype;
    char enctype_name[64];
};

/* The keytab's entries (never a key). err gets a reason on failure. */
NTSTATUS krb5_keytab_list(const char *path, struct krb5_keytab_entry **entries, size_t *count, char *err,
                          size_t err_size);
/* Copies every entry of src into dst (created 0600; made 0600 and root's
 * when it exists), replacing entries of the same principal, kvno and type. */
NTSTATUS krb5_keytab_import(const char *src, const char *dst, size_t *imported, char *err, size_t err_size);

/* One finding of krb5_check: ok false for a problem. */
typedef void (*krb5_check_report)(void *arg, bool ok, const char *what, const char *detail);
/* Checks the keytab is readable, owned by root and 0600, has a key for each
 * service principal, and (when the KDC answers) that the newest key works
 * and the clocks agree within the allowed skew. Returns the problem count. */
unsigned krb5_check(const struct krb5_settings *settings, krb5_check_report report, void *arg);

#endif
