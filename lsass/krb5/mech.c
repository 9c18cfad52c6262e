/* The Kerberos mechanism over MIT GSSAPI (see krb5_mech.h). */
#include "lsass/krb5/krb5_mech.h"

#include <errno.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lsass/pac/pac.h"

/* SPNEGO names the mechanism by either OID; Windows lists the legacy one first. */
static struct spnego_bytes krb5_oids[2]; /* set by krb5_mech_new (extern constants) */

struct krb5_mech {
    struct lsa_provider provider;
    struct krb5_settings settings;
};

struct mech_state {
    gss_cred_id_t cred;
    gss_ctx_id_t ctx;
};

static struct krb5_mech *mech_of(struct lsa_provider *p) { return p->data; }

/* One GSS status code in words, appended to out. */
static void append_status(OM_uint32 code, int type, char *out, size_t size)
{
    OM_uint32 ctx = 0, m;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    size_t used = strlen(out);
    if (gss_display_status(&m, code, type, GSS_C_NO_OID, &ctx, &text) == GSS_S_COMPLETE) {
        snprintf(out + used, size - used, "%s%.*s", used ? ": " : "", (int)text.length, (const char *)text.value);
        gss_release_buffer(&m, &text);
    }
}

/* GSS's own words for a failure: the mechanism's (minor) message when it
 * has one (libkrb5's names the principal and kvno), else the GSS (major)
 * one. Control characters never reach the log. */
static void status_text(OM_uint32 major, OM_uint32 minor, char *out, size_t size)
{
    out[0] = 0;
    if (minor && krb5_explain((int32_t)minor, &(NTSTATUS){ 0 }))
        append_status(minor, GSS_C_MECH_CODE, out, size);
    else
        append_status(GSS_ROUTINE_ERROR(major), GSS_C_GSS_CODE, out, size);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = '?';
}

/* A failed accept: the status for the client and a log line naming the cause. */
static NTSTATUS accept_failure(OM_uint32 major, OM_uint32 minor)
{
    char detail[256];
    NTSTATUS status;
    status_text(major, minor, detail, sizeof detail);
    const char *cause = krb5_explain((int32_t)minor, &status);
    if (!cause && GSS_ROUTINE_ERROR(major) == GSS_S_DEFECTIVE_TOKEN) {
        status = STATUS_INVALID_PARAMETER;
        cause = "malformed Kerberos token";
    }
    log_warning("kerberos logon refused: %s (%s; GSS major 0x%x, minor %ld)", cause ? cause : "Kerberos error",
                detail[0] ? detail : "no detail", (unsigned)major, (long)(int32_t)minor);
    return status;
}

static NTSTATUS acquire(struct krb5_mech *km, struct mech_state *st)
{
    gss_key_value_element_desc element = { "keytab", km->settings.keytab };
    gss_key_value_set_desc store = { 1, &element };
    OM_uint32 minor;
    OM_uint32 major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET,
                                            GSS_C_ACCEPT, &store, &st->cred, NULL, NULL);
    if (GSS_ERROR(major)) {
        char detail[256];
        status_text(major, minor, detail, sizeof detail);
        log_warning("kerberos: cannot use the keytab %s: %s", km->settings.keytab, detail);
        return STATUS_LOGON_FAILURE;
    }
    return STATUS_SUCCESS;
}

/* A gss_name_t as text (malloc'd), NULL on failure. */
static char *name_text(gss_name_t name)
{
    OM_uint32 minor;
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (gss_display_name(&minor, name, &text, NULL) != GSS_S_COMPLETE)
        return NULL;
    char *s = strndup(text.value, text.length);
    gss_release_buffer(&minor, &text);
    return s;
}

/* The ticket must be for one of kerberos.principals: the keytab may hold
 * keys of other services of this host that SMB has no business accepting. */
static bool target_allowed(struct krb5_mech *km, const char *target)
{
    for (size_t i = 0; i < km->settings.principal_count; i++) {
        char full[600];
        snprintf(full, sizeof full, "%s@%s", km->settings.principals[i], km->settings.realm);
        if (strcasecmp(full, target) == 0 || strcasecmp(km->settings.principals[i], target) == 0)
            return true;
    }
    return false;
}

/* The PAC's group SIDs, when the ticket has a PAC GSSAPI could verify. */
static NTSTATUS pac_groups(gss_name_t source, struct lsa_mech_result *mech)
{
    static char attr_name[] = "urn:mspac:logon-info";
    gss_buffer_desc attr = { sizeof attr_name - 1, attr_name };
    gss_buffer_desc value = GSS_C_EMPTY_BUFFER, display = GSS_C_EMPTY_BUFFER;
    int authenticated = 0, complete = 0, more = -1;
    OM_uint32 minor;
    OM_uint32 major = gss_get_name_attribute(&minor, source, &attr, &authenticated, &complete, &value, &display,
                                             &more);
    if (GSS_ERROR(major))
        return STATUS_SUCCESS; /* no PAC (an MIT KDC's tickets): the token is the user's own */
    NTSTATUS status = STATUS_SUCCESS;
    if (!authenticated) {
        log_warning("kerberos: the ticket's PAC is not signed by the KDC: its groups are ignored");
    } else {
        struct pac_logon_info info;
        status = pac_parse_logon_info(value.value, value.length, &info);
        if (NT_SUCCESS(status)) {
            mech->pac_groups = info.groups;
            mech->pac_group_count = info.group_count;
            info.groups = NULL;
            pac_logon_info_clear(&info);
        } else {
            log_warning("kerberos: the ticket's PAC does not parse: logon refused");
            status = STATUS_LOGON_FAILURE;
        }
    }
    gss_release_buffer(&minor, &value);
    gss_release_buffer(&minor, &display);
    return status;
}

/* Everything a complete context yields. */
static NTSTATUS complete(struct krb5_mech *km, struct mech_state *st, gss_name_t source,
                         struct lsa_mech_result *mech)
{
    OM_uint32 minor;
    gss_name_t target = GSS_C_NO_NAME;
    NTSTATUS status = STATUS_LOGON_FAILURE;
    if (gss_inquire_context(&minor, st->ctx, NULL, &target, NULL, NULL, NULL, NULL, NULL) != GSS_S_COMPLETE)
        return STATUS_LOGON_FAILURE;
    char *target_name = name_text(target);
    gss_release_name(&minor, &target);
    if (!target_name)
        return STATUS_NO_MEMORY;
    if (!target_allowed(km, target_name)) {
        char safe[256];
        log_warning("kerberos logon refused: unknown service principal: the ticket is for %s, which is not in "
                    "kerberos.principals",
                    lsa_log_safe(target_name, safe, sizeof safe));
        free(target_name);
        return STATUS_LOGON_FAILURE;
    }
    free(target_name);

    mech->principal = name_text(source);
    if (!mech->principal)
        return STATUS_NO_MEMORY;
    /* name@REALM: the realm follows the last unescaped '@'. */
    char *at = strrchr(mech->principal, '@');
    if (at) {
        mech->account = strndup(mech->principal, (size_t)(at - mech->principal));
        mech->own_realm = strcmp(at + 1, km->settings.realm) == 0;
    } else {
        mech->account = strdup(mech->principal);
    }
    if (!mech->account)
        return STATUS_NO_MEMORY;

    gss_buffer_set_t keys = GSS_C_NO_BUFFER_SET;
    if (gss_inquire_sec_context_by_oid(&minor, st->ctx, GSS_C_INQ_SSPI_SESSION_KEY, &keys) != GSS_S_COMPLETE ||
        !keys || keys->count < 1 || keys->elements[0].length == 0 ||
        keys->elements[0].length > sizeof mech->session_key) {
        log_warning("kerberos: no usable session key in the security context");
        goto out;
    }
    memcpy(mech->session_key, keys->elements[0].value, keys->elements[0].length);
    mech->session_key_len = keys->elements[0].length;
    status = pac_groups(source, mech);
out:
    if (keys != GSS_C_NO_BUFFER_SET) {
        if (keys->count >= 1)
            crypto_wipe(keys->elements[0].value, keys->elements[0].length);
        gss_release_buffer_set(&minor, &keys);
    }
    return status;
}

static NTSTATUS krb5_accept(struct lsa_provider *p, void **state, const uint8_t *in, size_t len, struct buf *out,
                            struct lsa_mech_result *mech)
{
    struct krb5_mech *km = mech_of(p);
    struct mech_state *st = *state;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return STATUS_NO_MEMORY;
        st->cred = GSS_C_NO_CREDENTIAL;
        st->ctx = GSS_C_NO_CONTEXT;
        *state = st;
        NTSTATUS status = acquire(km, st);
        if (!NT_SUCCESS(status))
            return status;
    }
    if (len == 0)
        return STATUS_INVALID_PARAMETER;
    gss_buffer_desc input = { len, (void *)in };
    gss_buffer_desc output = GSS_C_EMPTY_BUFFER;
    gss_name_t source = GSS_C_NO_NAME;
    OM_uint32 minor = 0, flags = 0;
    OM_uint32 major = gss_accept_sec_context(&minor, &st->ctx, st->cred, &input, GSS_C_NO_CHANNEL_BINDINGS,
                                             &source, NULL, &output, &flags, NULL, NULL);
    OM_uint32 m;
    if (output.length)
        wr_bytes(out, output.value, output.length); /* the AP-REP (mutual authentication) */
    gss_release_buffer(&m, &output);
    NTSTATUS status;
    if (GSS_ERROR(major))
        status = accept_failure(major, minor);
    else if (major & GSS_S_CONTINUE_NEEDED)
        status = STATUS_MORE_PROCESSING_REQUIRED;
    else
        status = complete(km, st, source, mech);
    gss_release_name(&m, &source);
    if (NT_SUCCESS(status) && !wr_ok(out))
        status = STATUS_NO_MEMORY;
    return status;
}

static NTSTATUS krb5_get_mic(struct lsa_provider *p, void *state, const uint8_t *msg, size_t len, struct buf *mic)
{
    (void)p;
    struct mech_state *st = state;
    gss_buffer_desc message = { len, (void *)msg }, token = GSS_C_EMPTY_BUFFER;
    OM_uint32 minor;
    if (!st || gss_get_mic(&minor, st->ctx, GSS_C_QOP_DEFAULT, &message, &token) != GSS_S_COMPLETE)
        return STATUS_LOGON_FAILURE;
    wr_bytes(mic, token.value, token.length);
    gss_release_buffer(&minor, &token);
    return wr_ok(mic) ? STATUS_SUCCESS : STATUS_NO_MEMORY;
}

static NTSTATUS krb5_verify_mic(struct lsa_provider *p, void *state, const uint8_t *msg, size_t len,
                                const uint8_t *mic, size_t mic_len)
{
    (void)p;
    struct mech_state *st = state;
    gss_buffer_desc message = { len, (void *)msg }, token = { mic_len, (void *)mic };
    OM_uint32 minor;
    if (!st || gss_verify_mic(&minor, st->ctx, &message, &token, NULL) != GSS_S_COMPLETE) {
        log_warning("kerberos logon refused: the SPNEGO mechListMIC does not verify (a downgrade attempt?)");
        return STATUS_LOGON_FAILURE;
    }
    return STATUS_SUCCESS;
}

static void krb5_mech_free_state(struct lsa_provider *p, void *state)
{
    (void)p;
    struct mech_state *st = state;
    OM_uint32 minor;
    if (!st)
        return;
    if (st->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&minor, &st->ctx, GSS_C_NO_BUFFER);
    if (st->cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&minor, &st->cred);
    free(st);
}

static void krb5_free(struct lsa_provider *p) { free(mech_of(p)); }

static const struct lsa_provider_ops krb5_ops = {
    .name = "krb5",
    .mech_oids = krb5_oids,
    .mech_oid_count = 2,
    .mech_accept = krb5_accept,
    .mech_get_mic = krb5_get_mic,
    .mech_verify_mic = krb5_verify_mic,
    .mech_free = krb5_mech_free_state,
    .free = krb5_free,
};

/* What a keytab that cannot work, or that others can read, deserves: a line
 * in the log when lsassd starts (lwadmin kerberos check says the same). */
static void keytab_warnings(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0 || access(path, R_OK) != 0)
        log_warning("kerberos: the keytab %s cannot be read (%s): Kerberos logons will fail; "
                    "lwadmin kerberos import KEYTAB",
                    path, strerror(errno));
    else if ((st.st_mode & 077) || st.st_uid != 0)
        log_warning("kerberos: the keytab %s is mode %04o, uid %u: it holds the service's keys and must be "
                    "0600 and root's",
                    path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
}

NTSTATUS krb5_mech_new(const struct krb5_settings *settings, struct lsa_provider **provider)
{
    keytab_warnings(settings->keytab);
    struct krb5_mech *km = calloc(1, sizeof *km);
    *provider = NULL;
    if (!km)
        return STATUS_NO_MEMORY;
    krb5_oids[0] = SPNEGO_OID_MS_KRB5;
    krb5_oids[1] = SPNEGO_OID_KRB5;
    km->settings = *settings;
    km->provider.ops = &krb5_ops;
    km->provider.data = km;
    *provider = &km->provider;
    return STATUS_SUCCESS;
}
