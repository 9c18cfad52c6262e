#!/bin/sh
# lsarpc and dssetup (lsassd, \pipe\lsarpc) with Samba's rpcclient and
# `net rpc rights` against a running appliance over SMB, as an administrator
# (bob, in Administrators) and as a plain user (alice):
#   - lsaquery (primary and account domain, DNS), dsroledominfo, getusername;
#   - lookupnames / lookupsids both ways for users, BUILTIN aliases,
#     well-known SIDs and domains, unknown names and SIDs;
#   - enumprivs, getdispname, lsaenumsid, lsaenumprivsaccount,
#     lsaenumacctrights;
#   - net rpc rights list / grant / revoke: each change seen by the next
#     listing and in the audit log (via lsarpc, by bob);
#   - alice may look up and list but not grant or revoke (nothing changes);
#   - rights reach logons: SeDenyNetworkLogonRight granted to alice refuses
#     her next SMB logon, and revoking it lets her in again.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program rpcclient samba-common-bin
need_program net samba-common-bin
need_program smbclient smbclient

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
BOB_AUTH=$T/client/bob.txt
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$BOB_AUTH")
appliance_require

rpc() {
    auth=$1
    shift
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -A "$auth" \
        -p "$APPLIANCE_PORT" 127.0.0.1 "$@" 2>&1
}
bob() { rpc "$BOB_AUTH" -c "$1"; }
alice() { rpc "$APPLIANCE_AUTH" -c "$1"; }
net_as() {
    user=$1 password=$2
    shift 2
    timeout "$APPLIANCE_CLIENT_TIMEOUT" net -s "$APPLIANCE_CONF" -U "$user%$password" \
        -p "$APPLIANCE_PORT" -I 127.0.0.1 "$@" 2>&1
}
net_bob() { net_as bob "$BOB_PASSWORD" "$@"; }
net_alice() { net_as alice "$APPLIANCE_PASSWORD" "$@"; }
audit() { "$LWADMIN" log; }
ok "lsarpc answers" appliance_wait_lsass_pipes

DOMSID=$("$LWADMIN" --json user show alice | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sid"].rsplit("-", 1)[0])')
ALICE_SID=$DOMSID-1000
MACHINE=$(bob "lsaquery 5" | sed -n 's/^Domain Name: //p')

# ---- Policy information ----
out=$(bob lsaquery)
like "$out" "Domain Name: WORKGROUP" "lsaquery: the workgroup"
like "$out" "Domain Sid: \\(NULL SID\\)" "... no SID: a standalone server"
out=$(bob "lsaquery 5")
like "$out" "Domain Sid: $DOMSID\$" "lsaquery 5: the account domain's SID"
ok "... named after the machine ($MACHINE)" [ -n "$MACHINE" ]
like "$(bob "lsaquery 12")" "Domain NetBios Name: WORKGROUP" "lsaquery 12: DNS domain information"
like "$(alice lsaquery)" "Domain Name: WORKGROUP" "a plain user may query the policy too"
like "$(bob dsroledominfo)" "Machine Role = \\[2\\]" "dsroledominfo: standalone server (DsRole_RoleStandaloneServer)"
like "$(alice getusername)" "Account Name: alice, Authority Name: $MACHINE" "getusername: who the caller is"
like "$(bob getusername)" "Account Name: bob, Authority Name: $MACHINE" "... for bob too"

# ---- Lookups ----
out=$(alice "lookupnames alice Administrators Everyone BUILTIN $MACHINE nosuchname")
like "$out" "alice $ALICE_SID \\(User: 1\\)" "lookupnames: a user"
like "$out" "Administrators S-1-5-32-544 \\(Local Group: 4\\)" "... a BUILTIN alias"
like "$out" "Everyone S-1-1-0 \\(Well-known Group: 5\\)" "... a well-known group"
like "$out" "BUILTIN S-1-5-32 \\(Domain: 3\\)" "... the BUILTIN domain"
like "$out" "$MACHINE $DOMSID \\(Domain: 3\\)" "... the account domain"
like "$out" "nosuchname S-0-0 \\(UNKNOWN: 8\\)" "... an unknown name"
like "$(alice "lookupnames $MACHINE\\\\alice")" "$ALICE_SID \\(User: 1\\)" "lookupnames MACHINE\\alice"
like "$(alice "lookupnames 'NT AUTHORITY\\SYSTEM'")" "S-1-5-18 \\(Well-known Group: 5\\)" "lookupnames NT AUTHORITY\\SYSTEM"
out=$(alice "lookupsids $ALICE_SID S-1-5-32-544 S-1-1-0 S-1-5-18 $DOMSID-4242")
like "$out" "$ALICE_SID $MACHINE\\\\alice \\(1\\)" "lookupsids: a user, with its domain"
like "$out" "S-1-5-32-544 BUILTIN\\\\Administrators \\(4\\)" "... a BUILTIN alias"
like "$out" "S-1-5-18 NT AUTHORITY\\\\SYSTEM \\(5\\)" "... SYSTEM"
like "$out" "S-1-1-0 \\\\Everyone \\(5\\)" "... Everyone (no domain name)"
like "$out" "$DOMSID-4242 .*\\(8\\)$" "... an unknown RID: SidTypeUnknown, named by its SID string"
like "$(alice "lookupsids S-1-5-21-1-2-3-4")" "\\*unknown\\*" "... an unknown domain"

# ---- Privileges ----
out=$(alice enumprivs)
like "$out" "found 35 privileges" "enumprivs: the 35 privileges Windows defines"
like "$out" "SeBackupPrivilege[[:space:]]*0:17" "... with Windows' values"
like "$(alice "getdispname SeBackupPrivilege")" "Back up files and directories" "getdispname"
out=$(bob lsaenumsid)
like "$out" "S-1-5-32-544" "lsaenumsid: Administrators hold rights"
like "$out" "S-1-1-0" "... Everyone too"
like "$(bob "lsaenumprivsaccount S-1-5-32-544")" "found 4 privileges" "lsaenumprivsaccount: Administrators' four privileges"
like "$(bob "lsaenumacctrights S-1-5-32-544")" "SeBackupPrivilege" "lsaenumacctrights: the same by name"

# ---- net rpc rights ----
out=$(net_bob rpc rights list)
like "$out" "SeBackupPrivilege[[:space:]]*Back up files and directories" "net rpc rights list: privileges with their display names"
out=$(net_bob rpc rights list accounts)
like "$out" "BUILTIN.Administrators" "net rpc rights list accounts: Administrators"
like "$out" "Everyone" "... Everyone"
before=$(audit | grep -c "account.add")
like "$(net_bob rpc rights grant alice SeBackupPrivilege SeRestorePrivilege)" "Successfully granted" \
    "net rpc rights grant alice (as an administrator)"
out=$(net_bob rpc rights list alice)
like "$out" "SeBackupPrivilege" "... listed for alice"
like "$out" "SeRestorePrivilege" "... both rights"
like "$(net_bob rpc rights list privileges SeBackupPrivilege)" "$MACHINE.alice" \
    "net rpc rights list privileges SeBackupPrivilege: alice holds it"
like "$(audit | grep account.add)" "lsarpc[[:space:]]+bob[[:space:]]+account.add[[:space:]]+alice[[:space:]]+SeBackupPrivilege,SeRestorePrivilege" \
    "audited: via lsarpc, by bob, what changed (account.add: the Security log's 4704)"
is "$(audit | grep -c account.add)" "$((before + 1))" "... one record for one grant"
like "$(net_bob rpc rights revoke alice SeRestorePrivilege)" "Successfully revoked" "net rpc rights revoke"
out=$(net_bob rpc rights list alice)
like "$out" "SeBackupPrivilege" "... the other right stays"
unlike "$out" "SeRestorePrivilege" "... the revoked one is gone"
like "$(audit | grep account.del)" "lsarpc[[:space:]]+bob[[:space:]]+account.del[[:space:]]+alice[[:space:]]+SeRestorePrivilege" \
    "revoke audited (account.del: 4705)"
like "$(net_bob rpc rights grant alice SeNoSuchPrivilege)" "NO_SUCH_PRIVILEGE" "an unknown right is refused"

# ---- A plain user may read, not change ----
like "$(net_alice rpc rights list alice)" "SeBackupPrivilege" "alice may list her rights"
like "$(net_alice rpc rights grant alice SeRestorePrivilege)" "ACCESS_DENIED" "alice may not grant"
like "$(net_alice rpc rights revoke alice SeBackupPrivilege)" "ACCESS_DENIED" "... nor revoke"
out=$(net_bob rpc rights list alice)
like "$out" "SeBackupPrivilege" "... her refused revoke changed nothing"
unlike "$out" "SeRestorePrivilege" "... nor her refused grant"
like "$(alice "lsaaddacctrights $ALICE_SID SeTcbPrivilege")" "ACCESS_DENIED" "rpcclient lsaaddacctrights as alice: refused"

# ---- Rights reach logons ----
smb_alice() {
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
        -p "$APPLIANCE_PORT" "//127.0.0.1/$APPLIANCE_SHARE" -c ls 2>&1
}
like "$(smb_alice)" "blocks of size" "alice logs on"
net_bob rpc rights grant alice SeDenyNetworkLogonRight >/dev/null
like "$(smb_alice)" "LOGON_TYPE_NOT_GRANTED" "SeDenyNetworkLogonRight refuses her next logon"
net_bob rpc rights revoke alice SeDenyNetworkLogonRight >/dev/null
like "$(smb_alice)" "blocks of size" "revoked: she logs on again"
like "$(alice "lookupnames alice")" "User: 1" "her RPC works again too"
done_testing
