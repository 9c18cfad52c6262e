/* Kerberos errors a person can act on (see krb5_explain in krb5_mech.h).
 * The statuses follow Windows: a clock problem is
 * STATUS_TIME_DIFFERENCE_AT_DC, a ticket this server cannot use is
 * STATUS_LOGON_FAILURE. */
#include "lsass/krb5/krb5_mech.h"

#include <errno.h>
#include <krb5.h>

const char *krb5_explain(int32_t code, NTSTATUS *status)
{
    *status = STATUS_LOGON_FAILURE;
    switch (code) {
    case KRB5KRB_AP_ERR_SKEW:
        *status = STATUS_TIME_DIFFERENCE_AT_DC;
        return "clock skew: the client's clock and this server's differ by more than the allowed skew "
               "(krb5.conf clockskew, 5 minutes by default); synchronise both with NTP";
    case KRB5KRB_AP_ERR_TKT_NYV:
        *status = STATUS_TIME_DIFFERENCE_AT_DC;
        return "clock skew: the ticket is not valid yet by this server's clock (the KDC's clock is ahead); "
               "synchronise the KDC and this server with NTP";
    case KRB5KRB_AP_ERR_TKT_EXPIRED:
        return "expired ticket: the client's service ticket has expired; it must get a new one (kinit)";
    case KRB5KRB_AP_ERR_BADKEYVER:
    case KRB5_KT_KVNONOTFOUND:
        return "wrong key version: the KDC encrypted the ticket with a key version the keytab does not hold; "
               "the keytab is out of date: export a current one and run lwadmin kerberos import";
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
    case KRB5KRB_AP_ERR_MODIFIED:
        return "wrong key: the ticket does not decrypt with the keytab's key of that version (the service "
               "principal's password was changed without a new kvno?); import a current keytab";
    case KRB5_KT_NOTFOUND:
    case KRB5KRB_AP_WRONG_PRINC:
    case KRB5KRB_AP_ERR_NOT_US:
        return "unknown service principal: the keytab has no key for the principal the client's ticket names; "
               "add it to the keytab (lwadmin kerberos import) and to kerberos.principals";
    case KRB5KRB_AP_ERR_NOKEY:
    case KRB5_BAD_ENCTYPE:
        return "no key of the ticket's encryption type in the keytab; export the keytab with that type";
    case KRB5KRB_AP_ERR_REPEAT:
        return "replayed authenticator: the same AP-REQ was sent twice";
    case KRB5KRB_AP_ERR_BADADDR:
        return "the ticket is bound to other addresses (request address-less tickets: noaddresses = true)";
    case KRB5_KT_NAME_TOOLONG:
    case KRB5_KT_BADNAME:
    case KRB5_KT_END:
    case ENOENT:
    case EACCES:
        return "the keytab cannot be read (kerberos.keytab; lwadmin kerberos check)";
    default:
        return NULL;
    }
}
