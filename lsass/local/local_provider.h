/* The local provider: accounts from the SAM in the registry (lsass/sam).
 *
 * NTLM logons are checked against the account's NT hash and the account
 * policy, in this order (the order Windows uses, so a wrong password never
 * reveals whether an account is disabled):
 *
 *   unknown name                          STATUS_NO_SUCH_USER (next provider,
 *                                          then Guest or STATUS_LOGON_FAILURE)
 *   locked out (lsass.lockout-*)          STATUS_ACCOUNT_LOCKED_OUT, password unchecked
 *   no password set, or a wrong one       STATUS_LOGON_FAILURE; a wrong one counts
 *                                          towards the lockout threshold
 *   disabled                              STATUS_ACCOUNT_DISABLED
 *   password expired (flag, or older than
 *     lsass.max-password-age)             STATUS_PASSWORD_EXPIRED
 *   otherwise                             success: last logon recorded, the
 *                                          bad-password count reset
 *
 * The same order applies to a logon with a clear-text password (PAM, through
 * lsassd: password_logon), the password's NT hash compared with the stored
 * one. account_check reports the state without a password: locked out,
 * disabled, password expired. change_password (PAM's chauthtok) checks the
 * old password like a logon (locked out first; a wrong one counted), refuses
 * a disabled account, allows an expired password, and applies the password
 * policy to the new one.
 *
 * Tokens: the user's SID, primary group MACHINE\None (RID 513), Everyone,
 * Network, Authenticated Users, and every alias the SAM puts those in
 * (BUILTIN\Users holds Authenticated Users; Administrators, local groups);
 * and the user's own Unix identity (lsass/idmap/idmap.h: its uid from
 * lsass.id-range and None's gid, or the Unix account it is mapped to). A
 * Guest logon gets RID 501, MACHINE\Domain Guests (514), BUILTIN\Guests,
 * Everyone and Network, and Guest's own Unix identity (id base + 501, + 514).
 *
 * The provider keeps its own registry connection, used under a lock, so it
 * may be called from several threads. */
#ifndef SW_LSASS_LOCAL_PROVIDER_H
#define SW_LSASS_LOCAL_PROVIDER_H

#include "lib/ntstatus.h"
#include "lsass/auth/auth.h"

/* Opens the registry at db_path for the provider. Free with provider->ops->free. */
NTSTATUS lsa_local_provider_new(const char *db_path, struct lsa_provider **provider);

#endif
