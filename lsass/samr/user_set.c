/* SetInformationUser and SetInformationUser2: account fields, flags and
 * password resets (levels 23, 24, 25, 26 with RC4 and the session key; 31
 * and 32 with AES). All of one call is one transaction. */
#include "lsass/samr/samr_private.h"

#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/log.h"

#define USER_ALL_USERNAME 0x00000001u
#define USER_ALL_FULLNAME 0x00000002u
#define USER_ALL_ADMINCOMMENT 0x00000010u
#define USER_ALL_USERACCOUNTCONTROL 0x00100000u
#define USER_ALL_NTPASSWORDPRESENT 0x01000000u
#define USER_ALL_LMPASSWORDPRESENT 0x02000000u
#define USER_ALL_PASSWORDEXPIRED 0x08000000u
/* Level 21's profile fields, kept by the SAM's user details (migration
 * 003); the ids, counters and times the server keeps are ignored on set, as
 * Windows ignores them. */
#define USER_ALL_HOMEDIRECTORY 0x00000040u
#define USER_ALL_HOMEDIRECTORYDRIVE 0x00000080u
#define USER_ALL_SCRIPTPATH 0x00000100u
#define USER_ALL_PROFILEPATH 0x00000200u
#define USER_ALL_WORKSTATIONS 0x00000400u
#define USER_ALL_USERCOMMENT 0x00000020u
#define USER_ALL_PARAMETERS 0x00200000u
#define USER_ALL_ACCOUNTEXPIRES 0x00080000u
#define USER_ALL_LOGONHOURS 0x00002000u
#define USER_ALL_COUNTRYCODE 0x00400000u
#define USER_ALL_CODEPAGE 0x00800000u

/* Bits of UserAccountControl the SAM keeps; the rest of a normal account's
 * bits are accepted as Windows' clients send them (PASSWORD_NOT_REQUIRED
 * on a new account, NORMAL_ACCOUNT itself). */
#define UAC_NORMAL_ACCOUNT 0x00000010u
#define UAC_PASSWORD_NOT_REQUIRED 0x00000004u
#define UAC_ACCEPTED (SAM_USER_DISABLED | SAM_USER_PASSWORD_NEVER_EXPIRES | SAM_USER_LOCKED_OUT | \
                      UAC_NORMAL_ACCOUNT | UAC_PASSWORD_NOT_REQUIRED | SAM_USER_PASSWORD_EXPIRED)

struct user_change {
    struct sam_user_change fields;
    bool have_fields;
    char *password; /* malloc'd, wiped */
    bool have_hash; /* an NT hash sent instead of a password (levels 18, 21) */
    struct sam_user_details_change details; /* home folder, script, profile, ... */
    bool have_details;
    uint8_t nt_hash[16];
    int expire;     /* -1 leave, 0 clear, 1 set PASSWORD_EXPIRED */
    bool have_hours;
    uint8_t hours[SAM_LOGON_HOURS_BYTES];
};

static NTSTATUS read_text(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *in, const char **out)
{
    *out = samr_string(call, in);
    return *out ? STATUS_SUCCESS : STATUS_INVALID_PARAMETER;
}

static NTSTATUS control_change(uint32_t uac, const struct sam_user *u, struct user_change *c)
{
    if (!(uac & UAC_NORMAL_ACCOUNT) || (uac & ~UAC_ACCEPTED))
        return STATUS_INVALID_PARAMETER;
    uint32_t keep = SAM_USER_DISABLED | SAM_USER_PASSWORD_NEVER_EXPIRES;
    c->fields.flags_set = uac & keep & ~u->flags;
    c->fields.flags_clear = ~uac & keep & u->flags;
    /* Clearing the lockout bit unlocks; it cannot be set (only bad
     * passwords lock). */
    if ((u->flags & SAM_USER_LOCKED_OUT) && !(uac & SAM_USER_LOCKED_OUT))
        c->fields.flags_clear |= SAM_USER_LOCKED_OUT;
    c->have_fields = c->have_fields || c->fields.flags_set || c->fields.flags_clear;
    return STATUS_SUCCESS;
}

/* A profile field into the change (from arena text). */
static NTSTATUS detail(struct dcerpc_call *call, const struct RPC_UNICODE_STRING *in, const char **out,
                       struct user_change *c)
{
    c->have_details = true;
    return read_text(call, in, out);
}

/* An NT time as the SAM's expiry (NT time too, kept exactly as sent);
 * the largest value means never, as 0 does. */
static void expiry(const struct old_large_integer *t, struct user_change *c)
{
    uint64_t nt = (uint64_t)t->HighPart << 32 | t->LowPart;
    c->details.set_account_expires = true;
    c->have_details = true;
    c->details.account_expires = nt >= 0x7FFFFFFFFFFFFFFFull ? 0 : (int64_t)nt;
}

/* Logon hours (MMC's "Logon Hours...", net user /times): kept at 168 units
 * a week, as Windows keeps them; no array (or no units) leaves them alone.
 * A restriction in other units (minutes, days) is refused rather than
 * rounded. */
static NTSTATUS hours_change(const struct samr_logon_hours *h, struct user_change *c)
{
    if (!h->LogonHours || !h->UnitsPerWeek)
        return STATUS_SUCCESS;
    unsigned bytes = (h->UnitsPerWeek + 7u) / 8u;
    if (h->UnitsPerWeek != SAM_LOGON_HOURS_BYTES * 8) {
        for (unsigned i = 0; i < bytes && i < 1260; i++)
            if (h->LogonHours[i] != 0xFF)
                return STATUS_INVALID_PARAMETER;
        memset(c->hours, 0xFF, sizeof c->hours); /* every unit allowed: no restriction */
    } else {
        memcpy(c->hours, h->LogonHours, sizeof c->hours);
    }
    c->have_hours = true;
    return STATUS_SUCCESS;
}

/* An NT hash encrypted with the session key, as levels 18 and 21 send it. */
static NTSTATUS session_hash(struct dcerpc_call *call, const uint8_t encrypted[16], struct user_change *c)
{
    size_t key_len = 0;
    const uint8_t *key = dcerpc_call_session_key(call, &key_len);
    if (!key || key_len < 16)
        return STATUS_ACCESS_DENIED;
    uint8_t wire[16];
    memcpy(wire, encrypted, 16); /* the short blob's buffer is uint16_t: bytes in wire order */
    samr_owf_decrypt(wire, key, c->nt_hash);
    c->have_hash = true;
    return STATUS_SUCCESS;
}

/* The fields of a SAMPR_USER_ALL_INFORMATION that WhichFields selects. */
static NTSTATUS all_change(struct dcerpc_call *call, const struct samr_user_all_information *a,
                           const struct sam_user *u, bool password_given, struct user_change *c)
{
    uint32_t w = a->WhichFields;
    NTSTATUS status = STATUS_SUCCESS;
    if ((w & USER_ALL_USERNAME) && NT_SUCCESS(status = read_text(call, &a->UserName, &c->fields.new_name)))
        c->have_fields = true;
    if (NT_SUCCESS(status) && (w & USER_ALL_FULLNAME) &&
        NT_SUCCESS(status = read_text(call, &a->FullName, &c->fields.full_name)))
        c->have_fields = true;
    if (NT_SUCCESS(status) && (w & USER_ALL_ADMINCOMMENT) &&
        NT_SUCCESS(status = read_text(call, &a->AdminComment, &c->fields.description)))
        c->have_fields = true;
    if (NT_SUCCESS(status) && (w & USER_ALL_USERACCOUNTCONTROL))
        status = control_change(a->UserAccountControl, u, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_PASSWORDEXPIRED))
        c->expire = a->PasswordExpired ? 1 : 0;
    /* At level 21 the NT hash itself may come, encrypted with the session
     * key (NtOwfPassword); an LM hash alone cannot set anything. */
    if (NT_SUCCESS(status) && (w & USER_ALL_NTPASSWORDPRESENT) && !password_given) {
        if (a->NtOwfPassword.Length != 16 || !a->NtOwfPassword.Buffer || !a->NtPasswordPresent)
            status = STATUS_INVALID_PARAMETER;
        else
            status = session_hash(call, (const uint8_t *)a->NtOwfPassword.Buffer, c);
    } else if (NT_SUCCESS(status) && (w & USER_ALL_LMPASSWORDPRESENT) && !password_given) {
        status = STATUS_INVALID_PARAMETER;
    }
    if (NT_SUCCESS(status) && (w & USER_ALL_HOMEDIRECTORY))
        status = detail(call, &a->HomeDirectory, &c->details.home_directory, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_HOMEDIRECTORYDRIVE))
        status = detail(call, &a->HomeDirectoryDrive, &c->details.home_drive, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_SCRIPTPATH))
        status = detail(call, &a->ScriptPath, &c->details.script_path, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_PROFILEPATH))
        status = detail(call, &a->ProfilePath, &c->details.profile_path, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_WORKSTATIONS))
        status = detail(call, &a->WorkStations, &c->details.workstations, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_USERCOMMENT))
        status = detail(call, &a->UserComment, &c->details.user_comment, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_ACCOUNTEXPIRES))
        expiry(&a->AccountExpires, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_LOGONHOURS))
        status = hours_change(&a->LogonHours, c);
    if (NT_SUCCESS(status) && (w & USER_ALL_PARAMETERS))
        status = detail(call, &a->Parameters, &c->details.parameters, c);
    if (NT_SUCCESS(status) && (w & (USER_ALL_COUNTRYCODE | USER_ALL_CODEPAGE))) {
        struct sam_user_details now;
        if (NT_SUCCESS(status = sam_user_details_get(samr_reg(call), u->rid, &now))) {
            c->details.set_codes = c->have_details = true;
            c->details.country_code = (w & USER_ALL_COUNTRYCODE) ? a->CountryCode : now.country_code;
            c->details.code_page = (w & USER_ALL_CODEPAGE) ? a->CodePage : now.code_page;
            sam_user_details_free(&now);
        }
    }
    return status;
}

#define PASSWORD_FIELDS (USER_ALL_NTPASSWORDPRESENT | USER_ALL_LMPASSWORDPRESENT | USER_ALL_PASSWORDEXPIRED)

/* The access the fields of a SAMPR_USER_ALL_INFORMATION need: the account
 * fields WRITE_ACCOUNT, the password ones FORCE_PASSWORD_CHANGE
 * ([MS-SAMR] 3.1.5.6.4.1), so that a handle opened only to set a password
 * (libnetapi's NetUserSetInfo 1003) may send level 25. */
static uint32_t fields_access(uint32_t which, bool password)
{
    uint32_t need = password ? USER_FORCE_PASSWORD_CHANGE : 0;
    if (which & ~PASSWORD_FIELDS)
        need |= USER_WRITE_ACCOUNT;
    if (which & PASSWORD_FIELDS)
        need |= USER_FORCE_PASSWORD_CHANGE;
    return need ? need : USER_WRITE_ACCOUNT;
}

/* The access a set level needs ([MS-SAMR] 3.1.5.6.5). */
static uint32_t set_access(uint16_t level, const union samr_user_info_buffer *b)
{
    switch (level) {
    case 2: return USER_WRITE_PREFERENCES;
    case 6: case 7: case 8: case 13: case 16: case 17: case 10: case 11: case 12: case 14:
    case 20: case 4: return USER_WRITE_ACCOUNT;
    case 21: return fields_access(b->All.WhichFields, false);
    case 23: return fields_access(b->Internal4.I1.WhichFields, true);
    case 25: return fields_access(b->Internal4New.I1.WhichFields, true);
    case 32: return fields_access(b->Internal8.I1.WhichFields, true);
    case 18: case 24: case 26: case 31: return USER_FORCE_PASSWORD_CHANGE;
    default: return 0;
    }
}

static NTSTATUS decrypt(struct dcerpc_call *call, uint16_t level, const union samr_user_info_buffer *b,
                        char **password)
{
    size_t key_len = 0;
    const uint8_t *key = dcerpc_call_session_key(call, &key_len);
    if (!key || !key_len)
        return STATUS_ACCESS_DENIED; /* no session key: the password cannot be read */
    switch (level) {
    case 23: return samr_decrypt_password(b->Internal4.UserPassword.Buffer, 516, key, key_len, password);
    case 24: return samr_decrypt_password(b->Internal5.UserPassword.Buffer, 516, key, key_len, password);
    case 25: return samr_decrypt_password(b->Internal4New.UserPassword.Buffer, 532, key, key_len, password);
    case 26: return samr_decrypt_password(b->Internal5New.UserPassword.Buffer, 532, key, key_len, password);
    case 31: return samr_decrypt_password_aes(&b->Internal7.UserPassword, key, key_len, password);
    case 32: return samr_decrypt_password_aes(&b->Internal8.UserPassword, key, key_len, password);
    }
    return STATUS_INVALID_INFO_CLASS;
}

static NTSTATUS build_change(struct dcerpc_call *call, uint16_t level, const union samr_user_info_buffer *b,
                             const struct sam_user *u, struct user_change *c)
{
    NTSTATUS status = STATUS_SUCCESS;
    bool password = level == 23 || level == 24 || level == 25 || level == 26 || level == 31 || level == 32;
    if (password && !NT_SUCCESS(status = decrypt(call, level, b, &c->password)))
        return status;
    switch (level) {
    case 2:
        c->details.set_codes = true;
        c->details.country_code = b->Preferences.CountryCode;
        c->details.code_page = b->Preferences.CodePage;
        return detail(call, &b->Preferences.UserComment, &c->details.user_comment, c);
    case 6:
        status = read_text(call, &b->Name.UserName, &c->fields.new_name);
        if (NT_SUCCESS(status))
            status = read_text(call, &b->Name.FullName, &c->fields.full_name);
        c->have_fields = true;
        return status;
    case 7: c->have_fields = true; return read_text(call, &b->AccountName, &c->fields.new_name);
    case 8: c->have_fields = true; return read_text(call, &b->FullName, &c->fields.full_name);
    case 13: c->have_fields = true; return read_text(call, &b->AdminComment, &c->fields.description);
    case 16: return control_change(b->UserAccountControl, u, c);
    case 17: expiry(&b->AccountExpires, c); return STATUS_SUCCESS;
    case 10:
        status = detail(call, &b->Home.HomeDirectory, &c->details.home_directory, c);
        return NT_SUCCESS(status) ? detail(call, &b->Home.HomeDirectoryDrive, &c->details.home_drive, c) : status;
    case 11: return detail(call, &b->Script, &c->details.script_path, c);
    case 12: return detail(call, &b->Profile, &c->details.profile_path, c);
    case 14: return detail(call, &b->WorkStations, &c->details.workstations, c);
    case 20: return detail(call, &b->Parameters, &c->details.parameters, c);
    case 4: return hours_change(&b->LogonHours, c);
    case 21: return all_change(call, &b->All, u, false, c);
    case 23: return all_change(call, &b->Internal4.I1, u, true, c);
    case 25: return all_change(call, &b->Internal4New.I1, u, true, c);
    case 32: return all_change(call, &b->Internal8.I1, u, true, c);
    case 18:
        if (!b->Internal1.NtPasswordPresent)
            return STATUS_INVALID_PARAMETER; /* an LM hash alone: never kept */
        c->expire = b->Internal1.PasswordExpired ? 1 : 0;
        return session_hash(call, b->Internal1.EncryptedNtOwfPassword, c);
    case 24: c->expire = b->Internal5.PasswordExpired ? 1 : 0; return STATUS_SUCCESS;
    case 26: c->expire = b->Internal5New.PasswordExpired ? 1 : 0; return STATUS_SUCCESS;
    case 31: c->expire = b->Internal7.PasswordExpired ? 1 : 0; return STATUS_SUCCESS;
    }
    return STATUS_INVALID_INFO_CLASS;
}

static NTSTATUS apply(struct dcerpc_call *call, uint32_t rid, struct user_change *c)
{
    struct registry *reg = samr_reg(call);
    struct lsa_rpc_actor who;
    const struct audit_actor *actor = samr_actor_of(call, &who);
    NTSTATUS status = registry_begin(reg);
    if (NT_SUCCESS(status) && c->password)
        status = sam_user_set_password(reg, actor, rid, c->password);
    else if (NT_SUCCESS(status) && c->have_hash)
        status = sam_user_set_nt_hash(reg, actor, rid, c->nt_hash); /* no policy check is possible */
    if (NT_SUCCESS(status) && c->expire == 1)
        c->fields.flags_set |= SAM_USER_PASSWORD_EXPIRED, c->have_fields = true;
    else if (NT_SUCCESS(status) && c->expire == 0 && !c->password && !c->have_hash)
        c->fields.flags_clear |= SAM_USER_PASSWORD_EXPIRED, c->have_fields = true;
    if (NT_SUCCESS(status) && c->have_fields)
        status = sam_user_update(reg, actor, rid, &c->fields);
    if (NT_SUCCESS(status) && c->have_details)
        status = sam_user_details_set(reg, actor, rid, &c->details);
    if (NT_SUCCESS(status) && c->have_hours)
        status = sam_user_set_logon_hours(reg, actor, rid, c->hours);
    if (NT_SUCCESS(status))
        status = registry_commit(reg);
    else
        registry_rollback(reg);
    samr_actor_done(&who);
    return status;
}

SAMR_CALL(SetInformationUser, SamrSetInformationUser)
{
    uint32_t fault = 0;
    struct samr_object *obj = samr_handle_get(call, &r->UserHandle, SAMR_USER, &fault);
    if (!obj)
        return fault;
    uint16_t level = r->UserInformationClass;
    uint32_t need = set_access(level, &r->Buffer);
    if (!need) {
        r->result = STATUS_INVALID_INFO_CLASS;
        return 0;
    }
    struct sam_user u;
    NTSTATUS status = sam_user_by_rid(samr_reg(call), obj->rid, &u);
    if (!NT_SUCCESS(status)) {
        r->result = samr_status(status);
        return 0;
    }
    status = samr_need(obj, need);
    if (!NT_SUCCESS(status)) {
        samr_audit_refused(call, level >= 18 ? "user.passwd" : "user.set", u.name, "access denied");
        sam_user_free(&u);
        r->result = status;
        return 0;
    }
    struct user_change c = { .expire = -1 };
    status = build_change(call, level, &r->Buffer, &u, &c);
    if (NT_SUCCESS(status))
        status = apply(call, obj->rid, &c);
    if (!NT_SUCCESS(status) && status != STATUS_INVALID_INFO_CLASS)
        samr_audit_refused(call, c.password || c.have_hash ? "user.passwd" : "user.set", u.name,
                           nt_status_name(status));
    if (c.password) {
        crypto_wipe(c.password, strlen(c.password));
        free(c.password);
    }
    crypto_wipe(c.nt_hash, sizeof c.nt_hash);
    sam_user_free(&u);
    r->result = samr_status(status);
    return 0;
}
