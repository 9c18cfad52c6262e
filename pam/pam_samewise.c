/* pam_samewise.so: SAM users log on to the machine (su, ssh, login, ...)
 * with their SAM password, and `passwd` changes it (docs/nss-pam.md).
 *
 * Every decision is lsassd's, through its private socket (root only: PAM
 * modules run in root or setuid-root programs): the same account policy as
 * an SMB logon — lockout, bad-password counting, the failed-logon delay,
 * disabled, expired, blank passwords — and the same password policy as
 * lwadmin. This file only translates between PAM and lsassd's statuses:
 *
 *   lsassd says                   auth              account            password
 *   STATUS_SUCCESS                PAM_SUCCESS       PAM_SUCCESS        PAM_SUCCESS
 *   STATUS_NO_SUCH_USER           PAM_USER_UNKNOWN  PAM_USER_UNKNOWN   PAM_USER_UNKNOWN
 *   STATUS_LOGON_FAILURE,
 *     STATUS_WRONG_PASSWORD       PAM_AUTH_ERR      -                  PAM_AUTH_ERR
 *   STATUS_ACCOUNT_RESTRICTION    PAM_AUTH_ERR      -                  -
 *     (blank password)
 *   STATUS_ACCOUNT_LOCKED_OUT     PAM_MAXTRIES      PAM_PERM_DENIED    PAM_PERM_DENIED
 *   STATUS_ACCOUNT_DISABLED       PAM_AUTH_ERR      PAM_PERM_DENIED    PAM_PERM_DENIED
 *   STATUS_ACCOUNT_EXPIRED        PAM_AUTH_ERR      PAM_ACCT_EXPIRED   PAM_PERM_DENIED
 *   STATUS_INVALID_LOGON_HOURS    PAM_AUTH_ERR      PAM_PERM_DENIED    PAM_PERM_DENIED
 *   STATUS_ACCESS_DENIED          -                 -                  PAM_PERM_DENIED
 *     ("User cannot change password")
 *   STATUS_PASSWORD_EXPIRED,
 *     STATUS_PASSWORD_MUST_CHANGE PAM_SUCCESS (*)   PAM_NEW_AUTHTOK_REQD -
 *   STATUS_PASSWORD_RESTRICTION   -                 -                  PAM_AUTHTOK_ERR (reason shown)
 *   lsassd down or too slow       PAM_AUTHINFO_UNAVAIL  PAM_AUTHINFO_UNAVAIL  PAM_TRY_AGAIN
 *
 * (*) The password was right: as with pam_unix, the account step then
 * answers PAM_NEW_AUTHTOK_REQD and the application has the user change it.
 *
 * Arguments: db=PATH (the instance's registry; default: the `db` of
 * /etc/samewise/nss.conf, else the installed instance), timeout=SECONDS
 * (how long to wait for lsassd, default 30: a failed logon is delayed by
 * lsass.failed-logon-delay and queued behind others of the same account),
 * and Linux-PAM's own use_first_pass, try_first_pass, use_authtok (read by
 * pam_get_authtok). */
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lsass/client/protocol.h"
#include "nss/lsass_call.h"

#define EXPORT __attribute__((visibility("default")))
#define DEFAULT_TIMEOUT_S 30

struct options {
    struct sw_client_config config;
    char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    unsigned timeout_ms;
    bool silent;
};

static void parse_options(pam_handle_t *pamh, int flags, int argc, const char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    sw_client_config_load(&o->config, NULL);
    o->timeout_ms = DEFAULT_TIMEOUT_S * 1000;
    o->silent = (flags & PAM_SILENT) != 0;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "db=", 3) == 0 && argv[i][3] == '/' &&
            strlen(argv[i] + 3) < sizeof o->config.db_path)
            snprintf(o->config.db_path, sizeof o->config.db_path, "%s", argv[i] + 3);
        else if (strncmp(argv[i], "timeout=", 8) == 0) {
            unsigned long s = strtoul(argv[i] + 8, NULL, 10);
            if (s >= 1 && s <= 600)
                o->timeout_ms = (unsigned)s * 1000;
        } else if (strcmp(argv[i], "use_first_pass") != 0 && strcmp(argv[i], "try_first_pass") != 0 &&
                   strcmp(argv[i], "use_authtok") != 0) {
            pam_syslog(pamh, LOG_WARNING, "unknown option: %s", argv[i]);
        }
    }
    char *path = sw_run_path(o->config.db_path, LSASS_SOCKET_NAME);
    if (path && strlen(path) < sizeof o->socket_path)
        snprintf(o->socket_path, sizeof o->socket_path, "%s", path);
    free(path);
}

static void say(pam_handle_t *pamh, const struct options *o, const char *text)
{
    if (!o->silent)
        pam_error(pamh, "%s", text);
}

/* Tells the user why, for the account states worth telling. */
static void explain(pam_handle_t *pamh, const struct options *o, uint32_t status)
{
    const char *why = NULL;
    switch (status) {
    case STATUS_ACCOUNT_LOCKED_OUT: why = "The account is locked out after too many bad passwords."; break;
    case STATUS_ACCOUNT_DISABLED: why = "The account is disabled."; break;
    case STATUS_ACCOUNT_EXPIRED: why = "The account has expired."; break;
    case STATUS_INVALID_LOGON_HOURS: why = "The account may not log on at this time of the week."; break;
    case STATUS_ACCESS_DENIED: why = "The user may not change this account's password."; break;
    case STATUS_PASSWORD_EXPIRED:
    case STATUS_PASSWORD_MUST_CHANGE: why = "The password has expired: change it now."; break;
    }
    if (why)
        say(pamh, o, why);
}

/* Asks lsassd; *reason (may be NULL) gets PAM_CHANGE_PASSWORD's reason.
 * false: no answer (logged). */
static bool ask(pam_handle_t *pamh, const struct options *o, uint32_t opcode, const struct buf *req,
                uint32_t *status, char *reason, size_t reason_size)
{
    struct buf answer;
    buf_init(&answer);
    if (reason_size)
        reason[0] = 0;
    enum lsass_call_result r =
        o->socket_path[0] && wr_ok(req)
            ? lsass_call(o->socket_path, o->timeout_ms, opcode, req->data, req->len, status, &answer)
            : LSASS_CALL_ERROR;
    if (r != LSASS_CALL_OK) {
        pam_syslog(pamh, LOG_ERR, "lsassd at %s: %s", o->socket_path[0] ? o->socket_path : "?",
                   r == LSASS_CALL_TIMEOUT ? "no answer in time" : "not reachable");
        buf_free(&answer);
        return false;
    }
    if (reason_size && answer.len) {
        struct buf_reader rd;
        rd_init(&rd, answer.data, answer.len);
        char *text = lsass_get_string(&rd);
        if (text)
            snprintf(reason, reason_size, "%s", text);
        free(text);
    }
    buf_free(&answer);
    return true;
}

static const char *item_string(pam_handle_t *pamh, int item)
{
    const void *value = NULL;
    return pam_get_item(pamh, item, &value) == PAM_SUCCESS && value ? value : "";
}

/* The user's name, if PAM has one that fits the protocol. */
static int get_user(pam_handle_t *pamh, const char **user)
{
    int rc = pam_get_user(pamh, user, NULL);
    if (rc != PAM_SUCCESS)
        return rc;
    if (!*user || !(*user)[0] || strlen(*user) > LSASS_MAX_STRING)
        return PAM_USER_UNKNOWN;
    return PAM_SUCCESS;
}

/* PAM_ACCOUNT: the account's state in *status; false if lsassd did not answer. */
static bool ask_account(pam_handle_t *pamh, const struct options *o, const char *user, uint32_t *status)
{
    struct buf req;
    buf_init(&req);
    lsass_put_string(&req, user);
    bool answered = ask(pamh, o, LSASS_OP_PAM_ACCOUNT, &req, status, NULL, 0);
    buf_free(&req);
    return answered;
}

EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct options o;
    const char *user = NULL, *password = NULL;
    parse_options(pamh, flags, argc, argv, &o);
    int rc = get_user(pamh, &user);
    if (rc != PAM_SUCCESS)
        return rc;
    rc = pam_get_authtok(pamh, PAM_AUTHTOK, &password, NULL);
    if (rc != PAM_SUCCESS)
        return rc;
    if (!password || strlen(password) > LSASS_MAX_STRING)
        return PAM_AUTH_ERR;

    struct buf req;
    uint32_t status = 0;
    buf_init(&req);
    lsass_put_string(&req, user);
    lsass_put_string(&req, password);
    lsass_put_string(&req, item_string(pamh, PAM_SERVICE));
    lsass_put_string(&req, item_string(pamh, PAM_RHOST));
    bool answered = ask(pamh, &o, LSASS_OP_PAM_AUTHENTICATE, &req, &status, NULL, 0);
    explicit_bzero(req.data, req.len);
    buf_free(&req);
    if (!answered)
        return PAM_AUTHINFO_UNAVAIL;
    switch (status) {
    case STATUS_SUCCESS:
    case STATUS_PASSWORD_EXPIRED:
    case STATUS_PASSWORD_MUST_CHANGE:
        return PAM_SUCCESS; /* expired: the account step asks for a new password */
    case STATUS_NO_SUCH_USER:
        return PAM_USER_UNKNOWN;
    case STATUS_ACCOUNT_LOCKED_OUT:
        explain(pamh, &o, status);
        return PAM_MAXTRIES;
    case STATUS_ACCOUNT_DISABLED:
    case STATUS_ACCOUNT_EXPIRED:
    case STATUS_INVALID_LOGON_HOURS:
        explain(pamh, &o, status);
        return PAM_AUTH_ERR;
    case STATUS_LOGON_FAILURE:
    case STATUS_WRONG_PASSWORD:
    case STATUS_ACCOUNT_RESTRICTION:
        return PAM_AUTH_ERR;
    default:
        pam_syslog(pamh, LOG_ERR, "lsassd refused the logon of %s: status 0x%08x", user, status);
        return PAM_AUTHINFO_UNAVAIL;
    }
}

EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return PAM_SUCCESS; /* no credentials beyond the Unix ids NSS gives */
}

EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct options o;
    const char *user = NULL;
    parse_options(pamh, flags, argc, argv, &o);
    int rc = get_user(pamh, &user);
    if (rc != PAM_SUCCESS)
        return rc;
    uint32_t status = 0;
    if (!ask_account(pamh, &o, user, &status))
        return PAM_AUTHINFO_UNAVAIL;
    explain(pamh, &o, status);
    switch (status) {
    case STATUS_SUCCESS:
        return PAM_SUCCESS;
    case STATUS_NO_SUCH_USER:
        return PAM_USER_UNKNOWN;
    case STATUS_ACCOUNT_LOCKED_OUT:
    case STATUS_ACCOUNT_DISABLED:
    case STATUS_INVALID_LOGON_HOURS:
        return PAM_PERM_DENIED;
    case STATUS_ACCOUNT_EXPIRED:
        return PAM_ACCT_EXPIRED;
    case STATUS_PASSWORD_EXPIRED:
    case STATUS_PASSWORD_MUST_CHANGE:
        return PAM_NEW_AUTHTOK_REQD;
    default:
        pam_syslog(pamh, LOG_ERR, "lsassd refused the account check of %s: status 0x%08x", user, status);
        return PAM_AUTHINFO_UNAVAIL;
    }
}

/* The status of a password change (or of checking the old password). */
static int change_result(pam_handle_t *pamh, const struct options *o, uint32_t status, const char *reason)
{
    char text[1100];
    explain(pamh, o, status);
    switch (status) {
    case STATUS_SUCCESS:
        return PAM_SUCCESS;
    case STATUS_NO_SUCH_USER:
        return PAM_USER_UNKNOWN;
    case STATUS_WRONG_PASSWORD:
    case STATUS_LOGON_FAILURE:
        return PAM_AUTH_ERR;
    case STATUS_ACCOUNT_LOCKED_OUT:
    case STATUS_ACCOUNT_DISABLED:
    case STATUS_ACCOUNT_EXPIRED:
    case STATUS_INVALID_LOGON_HOURS:
    case STATUS_ACCESS_DENIED:
        return PAM_PERM_DENIED;
    case STATUS_PASSWORD_RESTRICTION:
        snprintf(text, sizeof text, "The new password does not meet the password policy%s%s.",
                 reason[0] ? ": " : "", reason);
        say(pamh, o, text);
        return PAM_AUTHTOK_ERR;
    default:
        pam_syslog(pamh, LOG_ERR, "lsassd refused the password change: status 0x%08x", status);
        return PAM_AUTHTOK_ERR;
    }
}

EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct options o;
    const char *user = NULL, *old_password = NULL, *new_password = NULL;
    parse_options(pamh, flags, argc, argv, &o);
    int rc = get_user(pamh, &user);
    if (rc != PAM_SUCCESS)
        return rc;
    /* root (the real uid: passwd is setuid, so the effective one is always
     * root) resets without the old password, as pam_unix lets it; an
     * expired password being changed at logon always needs the old one. */
    bool reset = getuid() == 0 && !(flags & PAM_CHANGE_EXPIRED_AUTHTOK);
    uint32_t request_flags = reset ? LSASS_PASSWORD_RESET : 0;
    if (flags & PAM_PRELIM_CHECK) {
        if (reset) {
            /* Nothing to check for a reset but that lsassd knows the user. */
            uint32_t status = 0;
            if (!ask_account(pamh, &o, user, &status))
                return PAM_TRY_AGAIN;
            return status == STATUS_NO_SUCH_USER ? PAM_USER_UNKNOWN : PAM_SUCCESS;
        }
        /* Check the old password before the user types a new one twice. */
        request_flags = LSASS_PASSWORD_CHECK_ONLY;
    } else if (!(flags & PAM_UPDATE_AUTHTOK)) {
        return PAM_SERVICE_ERR;
    }
    if (!reset) {
        rc = pam_get_authtok(pamh, PAM_OLDAUTHTOK, &old_password, NULL);
        if (rc != PAM_SUCCESS)
            return rc;
    }
    if (flags & PAM_UPDATE_AUTHTOK) {
        rc = pam_get_authtok(pamh, PAM_AUTHTOK, &new_password, NULL);
        if (rc != PAM_SUCCESS)
            return rc;
    }
    if ((old_password && strlen(old_password) > LSASS_MAX_STRING) ||
        (new_password && strlen(new_password) > LSASS_MAX_STRING))
        return PAM_AUTHTOK_ERR;

    struct buf req;
    uint32_t status = 0;
    char reason[1024];
    buf_init(&req);
    wr_u32(&req, request_flags);
    lsass_put_string(&req, user);
    lsass_put_string(&req, old_password ? old_password : "");
    lsass_put_string(&req, new_password ? new_password : "");
    lsass_put_string(&req, item_string(pamh, PAM_SERVICE));
    bool answered = ask(pamh, &o, LSASS_OP_PAM_CHANGE_PASSWORD, &req, &status, reason, sizeof reason);
    explicit_bzero(req.data, req.len);
    buf_free(&req);
    if (!answered)
        return PAM_TRY_AGAIN;
    rc = change_result(pamh, &o, status, reason);
    if (rc == PAM_SUCCESS && (flags & PAM_UPDATE_AUTHTOK))
        pam_syslog(pamh, LOG_NOTICE, "password changed for %s", user);
    return rc;
}

EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return PAM_SUCCESS; /* nothing to set up: the session is the application's */
}

EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return PAM_SUCCESS;
}
