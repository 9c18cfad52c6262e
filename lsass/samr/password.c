/* A user changing his own password: SamrUnicodeChangePasswordUser2
 * (smbpasswd -r, Windows' "Change a password"), the AES
 * SamrUnicodeChangePasswordUser4, and SamrOemChangePasswordUser2 (refused,
 * as Windows refuses it: it proves the old password with the LM hash, which
 * the SAM never keeps). These need no handle: the caller proves who he is
 * with the old password. */
#include "lsass/samr/samr_private.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/log.h"
#include "lib/utf16.h"

SAMR_CALL(OemChangePasswordUser2, SamrOemChangePasswordUser2)
{
    (void)call;
    r->result = STATUS_NOT_SUPPORTED;
    return 0;
}

/* The change itself once the old password is proven: the SAM applies the
 * whole policy, the history and minimum age included. */
static NTSTATUS change(struct dcerpc_call *call, const struct sam_user *u, const char *password)
{
    struct lsa_rpc_actor who;
    const struct audit_actor *actor = samr_actor_of(call, &who);
    if (!dcerpc_call_token(call) || dcerpc_call_token(call)->is_anonymous)
        who.actor.user = u->name; /* proven by the old password */
    NTSTATUS status = sam_user_change_password(samr_reg(call), actor, u->rid, password, (int64_t)time(NULL));
    samr_actor_done(&who);
    return status;
}

/* The change a user proves with his old password: the new one encrypted
 * with the old NT hash, and the old hash encrypted with the new one
 * ([MS-SAMR] 3.1.5.10.3). *too_short says a policy refusal was for the
 * length. */
static NTSTATUS change_own(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *user_name,
                           const struct samr_encrypted_user_password *encrypted,
                           const struct encrypted_owf_password *verifier, bool *too_short)
{
    const char *name = samr_string(call, user_name);
    *too_short = false;
    if (!name || !encrypted || !verifier)
        return STATUS_INVALID_PARAMETER;
    struct sam_user u;
    if (!NT_SUCCESS(sam_user_by_name(samr_reg(call), name, &u)))
        return STATUS_WRONG_PASSWORD; /* do not tell which names exist */
    uint8_t old_hash[16], new_hash[16], check[16];
    char *password = NULL;
    NTSTATUS status = sam_user_get_nt_hash(samr_reg(call), u.rid, old_hash);
    if (NT_SUCCESS(status))
        status = samr_decrypt_password(encrypted->Buffer, 516, old_hash, 16, &password);
    if (NT_SUCCESS(status) && crypto_nt_hash(password, new_hash) != 0)
        status = STATUS_WRONG_PASSWORD;
    if (NT_SUCCESS(status)) {
        samr_owf_encrypt(old_hash, new_hash, check);
        if (crypto_memcmp(check, verifier->data, 16) != 0)
            status = STATUS_WRONG_PASSWORD;
    } else if (status != STATUS_NO_MEMORY) {
        status = STATUS_WRONG_PASSWORD;
    }
    if (NT_SUCCESS(status) && (u.flags & SAM_USER_LOCKED_OUT))
        status = STATUS_ACCOUNT_LOCKED_OUT;
    if (NT_SUCCESS(status)) {
        status = change(call, &u, password);
        struct sam_password_policy policy;
        if (status == STATUS_PASSWORD_RESTRICTION &&
            NT_SUCCESS(sam_password_policy_load(samr_reg(call), &policy)))
            *too_short = utf8_utf16_units(password, strlen(password)) < (long)policy.min_length;
    }
    if (!NT_SUCCESS(status))
        samr_audit_refused(call, "user.passwd", u.name, nt_status_name(status));
    crypto_wipe(old_hash, sizeof old_hash);
    crypto_wipe(new_hash, sizeof new_hash);
    crypto_wipe(check, sizeof check);
    if (password) {
        crypto_wipe(password, strlen(password));
        free(password);
    }
    sam_user_free(&u);
    return status;
}

/* [MS-SAMR] 3.1.5.10.1: the old NT hash proves the caller (the new one
 * encrypted with it, the old one encrypted with the new); the handle needs
 * USER_CHANGE_PASSWORD. The SAM keeps no LM hash, so the NT pair is
 * required, and a request that also carries the LM pair (LmPresent) is
 * STATUS_NOT_SUPPORTED: its LM and cross proofs cannot be checked, and
 * accepting it on the NT pair alone would tell such a client (smbtorture)
 * a change succeeded that it meant to fail. */
SAMR_CALL(ChangePasswordUser, SamrChangePasswordUser)
{
    uint32_t fault = 0;
    struct samr_object *obj = samr_handle_get(call, &r->UserHandle, SAMR_USER, &fault);
    if (!obj)
        return fault;
    r->result = samr_need(obj, USER_CHANGE_PASSWORD);
    if (r->result)
        return 0;
    if (!r->NtPresent || !r->OldNtEncryptedWithNewNt || !r->NewNtEncryptedWithOldNt) {
        r->result = STATUS_INVALID_PARAMETER;
        return 0;
    }
    if (r->LmPresent) {
        r->result = STATUS_NOT_SUPPORTED;
        return 0;
    }
    struct sam_user u;
    NTSTATUS status = sam_user_by_rid(samr_reg(call), obj->rid, &u);
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status);
        return 0;
    }
    uint8_t old_hash[16], new_hash[16], check[16];
    status = sam_user_get_nt_hash(samr_reg(call), u.rid, old_hash);
    if (NT_SUCCESS(status)) {
        samr_owf_decrypt(r->NewNtEncryptedWithOldNt->data, old_hash, new_hash);
        samr_owf_encrypt(old_hash, new_hash, check);
        if (crypto_memcmp(check, r->OldNtEncryptedWithNewNt->data, 16) != 0)
            status = STATUS_WRONG_PASSWORD;
    } else if (status != STATUS_NO_MEMORY) {
        status = STATUS_WRONG_PASSWORD; /* no password set: nothing proves the caller */
    }
    if (NT_SUCCESS(status) && (u.flags & SAM_USER_LOCKED_OUT))
        status = STATUS_ACCOUNT_LOCKED_OUT;
    if (NT_SUCCESS(status)) {
        struct lsa_rpc_actor who;
        const struct audit_actor *actor = samr_actor_of(call, &who);
        if (!dcerpc_call_token(call) || dcerpc_call_token(call)->is_anonymous)
            who.actor.user = u.name; /* proven by the old hash */
        status = sam_user_change_nt_hash(samr_reg(call), actor, u.rid, new_hash, (int64_t)time(NULL));
        samr_actor_done(&who);
    }
    if (!NT_SUCCESS(status))
        samr_audit_refused(call, "user.passwd", u.name, nt_status_name(status));
    crypto_wipe(old_hash, sizeof old_hash);
    crypto_wipe(new_hash, sizeof new_hash);
    crypto_wipe(check, sizeof check);
    sam_user_free(&u);
    r->result = samr_status(status);
    return 0;
}

SAMR_CALL(UnicodeChangePasswordUser2, SamrUnicodeChangePasswordUser2)
{
    bool too_short;
    r->result = samr_status(change_own(call, &r->UserName, r->NewPasswordEncryptedWithOldNt,
                                       r->OldNtOwfPasswordEncryptedWithNewNt, &too_short));
    return 0;
}

/* SAM_PWD_CHANGE_* ([MS-SAMR] 2.2.11.5). */
#define SAM_PWD_CHANGE_PASSWORD_TOO_SHORT 1
#define SAM_PWD_CHANGE_NOT_COMPLEX 5

SAMR_CALL(UnicodeChangePasswordUser3, SamrUnicodeChangePasswordUser3)
{
    bool too_short;
    NTSTATUS status = change_own(call, &r->UserName, r->NewPasswordEncryptedWithOldNt,
                                 r->OldNtOwfPasswordEncryptedWithNewNt, &too_short);
    if (status == STATUS_PASSWORD_RESTRICTION) {
        /* The policy that refused it, and why, so the client can say. */
        struct domain_password_information *p = SAMR_NEW(call, struct domain_password_information);
        struct user_pwd_change_failure_information *f = SAMR_NEW(call, struct user_pwd_change_failure_information);
        struct user_domain_password_information brief;
        if (!p || !f)
            return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
        if (NT_SUCCESS(samr_password_info(call, &brief))) {
            p->MinPasswordLength = brief.MinPasswordLength;
            p->PasswordProperties = brief.PasswordProperties;
        }
        p->PasswordHistoryLength = (uint16_t)samr_setting(call, "lsass.password-history");
        p->MaxPasswordAge.HighPart = 0x80000000u;
        f->ExtendedFailureReason = too_short ? SAM_PWD_CHANGE_PASSWORD_TOO_SHORT : SAM_PWD_CHANGE_NOT_COMPLEX;
        r->EffectivePasswordPolicy = p;
        r->PasswordChangeFailureInfo = f;
    }
    r->result = samr_status(status);
    return 0;
}

SAMR_CALL(TestPrivateFunctions, SamrTestPrivateFunctions)
{
    /* [MS-SAMR] 3.1.5.15.1-2: not implemented on any server. */
    if (!dcerpc_handle_find(call, &r->Handle, NULL))
        return DCERPC_NCA_S_FAULT_CONTEXT_MISMATCH;
    r->result = STATUS_NOT_IMPLEMENTED;
    return 0;
}

SAMR_CALL(UnicodeChangePasswordUser4, SamrUnicodeChangePasswordUser4)
{
    /* [MS-SAMR] 3.1.5.10.4: the new password AES-encrypted with a key
     * derived from the old NT hash; the authenticator proves the old
     * password. */
    const char *name = samr_string(call, &r->UserName);
    struct sam_user u;
    if (!name || !NT_SUCCESS(sam_user_by_name(samr_reg(call), name, &u))) {
        r->result = name ? STATUS_WRONG_PASSWORD : STATUS_INVALID_PARAMETER;
        return 0;
    }
    uint8_t old_hash[16], key[16];
    char *password = NULL;
    NTSTATUS status = sam_user_get_nt_hash(samr_reg(call), u.rid, old_hash);
    if (NT_SUCCESS(status))
        status = samr_change_key_aes(old_hash, &r->EncryptedPassword, key);
    else
        status = STATUS_WRONG_PASSWORD;
    if (NT_SUCCESS(status))
        status = samr_decrypt_password_aes(&r->EncryptedPassword, key, sizeof key, &password);
    if (NT_SUCCESS(status) && (u.flags & SAM_USER_LOCKED_OUT))
        status = STATUS_ACCOUNT_LOCKED_OUT;
    if (NT_SUCCESS(status))
        status = change(call, &u, password);
    if (!NT_SUCCESS(status))
        samr_audit_refused(call, "user.passwd", u.name, nt_status_name(status));
    crypto_wipe(old_hash, sizeof old_hash);
    crypto_wipe(key, sizeof key);
    if (password) {
        crypto_wipe(password, strlen(password));
        free(password);
    }
    sam_user_free(&u);
    r->result = samr_status(status);
    return 0;
}
