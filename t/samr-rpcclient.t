#!/bin/sh
# samr with Samba's clients against a running appliance, over SMB
# (\pipe\samr on IPC$ through srv, npfs and lsassd), as an administrator
# (bob) and as a plain user (alice):
#   - rpcclient: enumdomusers, queryuser, samlookupnames, getdompwinfo,
#     enumdomains, querydominfo, enumalsgroups, queryaliasmem, querygroup,
#     querydispinfo, createdomuser, setuserinfo2 23/24/25, deletedomuser;
#   - net rpc user (list, add, info, password, delete) and net rpc group
#     (add with and without -L, addmem, members, list, delete; lsarpc
#     looks the names up);
#   - smbpasswd -r: alice changes her valid password (an NTLMSSP bind at
#     packet privacy), then logs on with it; a wrong old one is refused;
#   - a user made over samr logs on with smbclient; every change is in the
#     SAM (lwadmin user show) and in the audit log (via samr, by bob);
#   - alice's refusals (create, delete, reset) change nothing.
# net's libnetapi calls and smbpasswd connect to port 445 only, so the test
# runs in a network namespace of its own (unshare -n, loopback up) with the
# appliance on 127.0.0.1:445 there: no port of the machine is touched.
if [ -z "${SAMR_NETNS:-}" ]; then
    # Never a skip (under CI=true a missing program fails): configure
    # --install-deps installs util-linux and iproute2.
    for p in unshare ip; do
        command -v $p >/dev/null 2>&1 || { echo "1..1"; echo "not ok 1 - $p is missing (util-linux, iproute2)"; exit 1; }
    done
    # Not root: a user namespace of its own too (-r), whose root may own
    # the new network namespace.
    if [ "$(id -u)" = 0 ]; then ns=-n; else ns=-rn; fi
    exec unshare $ns env SAMR_NETNS=1 sh -c 'ip link set lo up && exec sh "$0"' "$0"
fi
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program rpcclient samba-common-bin
need_program net samba-common-bin
need_program smbpasswd samba-common-bin
need_program smbclient smbclient
need_python_module impacket python3-impacket

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
APPLIANCE_PORT=445
"$LWADMIN" config set srv.port 445 >/dev/null
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
BOB_AUTH=$T/client/bob.txt
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$BOB_AUTH")
chmod 777 "$APPLIANCE_SHARE_DIR"
appliance_require
appliance_wait_samr || { echo "Bail out! pipe samr is not served"; exit 1; }

rpc() {
    auth=$1
    shift
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -A "$auth" 127.0.0.1 "$@" 2>&1
}
bob() { rpc "$BOB_AUTH" -c "$1"; }
alice() { rpc "$APPLIANCE_AUTH" -c "$1"; }
bob_net() {
    timeout "$APPLIANCE_CLIENT_TIMEOUT" net -s "$APPLIANCE_CONF" -S 127.0.0.1 -U "bob%$BOB_PASSWORD" "$@" 2>&1
}
smb_login() { # USER PASSWORD: smbclient logs on as that user and lists the shares
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -U "$1%$2" -p 445 \
        -L 127.0.0.1 2>&1
}
in_sam() { "$LWADMIN" user show "$1" >/dev/null 2>&1; }
in_group_list() { "$LWADMIN" group show "$1" >/dev/null 2>&1; }
last_audit() { "$LWADMIN" log | tail -n "${1:-1}"; }

# ---- Reading ----
out=$(bob enumdomusers)
like "$out" "user:\\[alice\\] rid:\\[0x3e8\\]" "enumdomusers lists alice (rid 1000)"
like "$out" "user:\\[bob\\] rid:\\[0x3e9\\]" "... and bob"
out=$(bob "queryuser alice")
like "$out" "User Name   :.alice" "queryuser alice: her name"
like "$out" "user_rid :.0x3e8" "... her rid"
like "$out" "group_rid:.0x201" "... primary group None (513)"
like "$out" "acb_info :.0x00000010" "... a normal, enabled account"
out=$(bob 'samlookupnames domain alice bob')
like "$out" "name alice: 0x3e8 \\(1\\)" "samlookupnames: alice is user 1000"
like "$out" "name bob: 0x3e9 \\(1\\)" "... bob user 1001"
like "$(bob 'samlookuprids domain 0x3e8')" "rid 0x3e8: alice \\(1\\)" "samlookuprids 1000: alice"
out=$(bob getdompwinfo)
like "$out" "min_password_length: 0" "getdompwinfo: the minimum length (lsass.min-password-length)"
like "$(bob enumdomains)" "name:\\[Builtin\\]" "enumdomains: the account domain and Builtin"
out=$(bob querydominfo)
like "$out" "Total Users:.2" "querydominfo: two users"
like "$out" "Total Groups:.1" "... one group (None)"
out=$(bob "enumalsgroups builtin")
like "$out" "group:\\[Administrators\\] rid:\\[0x220\\]" "enumalsgroups builtin: Administrators"
like "$out" "group:\\[Users\\] rid:\\[0x221\\]" "... Users"
BOB_SID=$("$LWADMIN" --json user show bob | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sid"])')
like "$(bob 'queryaliasmem builtin 544')" "sid:\\[$BOB_SID\\]" "queryaliasmem builtin 544: bob"
like "$(bob 'querygroup 513')" "Group Name:.None" "querygroup 513: None"
like "$(bob querydispinfo)" "Account: alice" "querydispinfo lists the users"
like "$(bob enumdomgroups)" "group:\\[None\\] rid:\\[0x201\\]" "enumdomgroups: None"
like "$(alice enumdomusers)" "user:\\[bob\\]" "alice may enumerate the users too"

# ---- rpcclient: create, passwords, delete ----
out=$(bob "createdomuser carol")
unlike "$out" "NT_STATUS" "createdomuser carol"
ok "... carol is in the SAM" in_sam carol
like "$("$LWADMIN" user show carol)" "disabled" "... disabled until enabled, as Windows creates her"
like "$(last_audit)" "samr +bob +user.add +carol" "... audited via samr by bob"
for level in 23 24 25; do
    out=$(bob "setuserinfo2 carol $level Carol-Pw-$level")
    unlike "$out" "NT_STATUS" "setuserinfo2 carol $level"
    like "$(last_audit)" "samr +bob +user.passwd +carol" "... audited"
done
"$LWADMIN" user set carol --enable >/dev/null
like "$(smb_login carol Carol-Pw-25)" "IPC\\$" "carol logs on with the password set at level 25"
"$LWADMIN" config set lsass.min-password-length 12 >/dev/null
like "$(bob 'setuserinfo2 carol 23 short')" "NT_STATUS_PASSWORD_RESTRICTION" \
    "a password shorter than the policy: NT_STATUS_PASSWORD_RESTRICTION"
"$LWADMIN" config set lsass.min-password-length 0 >/dev/null
like "$(smb_login carol Carol-Pw-25)" "IPC\\$" "... and the old one still works"
like "$(alice 'createdomuser mallory')" "NT_STATUS_ACCESS_DENIED" "alice may not create a user"
nok "... and mallory does not exist" in_sam mallory
like "$(last_audit)" "samr +alice +user.add +\\[refused\\] +mallory" "... her attempt is audited as refused"
like "$(alice 'setuserinfo2 carol 23 Alice-Sets-1')" "NT_STATUS_ACCESS_DENIED" "alice may not reset carol's password"
like "$(alice 'deletedomuser carol')" "NT_STATUS_ACCESS_DENIED" "alice may not delete carol"
out=$(bob "deletedomuser carol")
unlike "$out" "NT_STATUS" "deletedomuser carol"
nok "... carol is gone" in_sam carol
like "$(smb_login carol Carol-Pw-25)" "NT_STATUS_LOGON_FAILURE" "... and cannot log on"

# ---- net rpc user / group ----
like "$(bob_net rpc user)" "alice" "net rpc user lists alice"
out=$(bob_net rpc user add dave Dave-Pw-1234)
like "$out" "Added user 'dave'" "net rpc user add dave"
like "$("$LWADMIN" user show dave)" "enabled" "... dave is enabled"
like "$(smb_login dave Dave-Pw-1234)" "IPC\\$" "dave logs on with smbclient"
like "$(bob_net rpc user info dave)" "None" "net rpc user info dave: None"
bob_net rpc user password dave Dave-Pw-5678 >/dev/null
like "$(smb_login dave Dave-Pw-5678)" "IPC\\$" "net rpc user password: the new password works"
like "$(smb_login dave Dave-Pw-1234)" "NT_STATUS_LOGON_FAILURE" "... and the old one does not"
like "$(bob_net rpc group add -L devs)" "Added alias 'devs'" "net rpc group add -L devs"
ok "... devs is a local group in the SAM" in_group_list devs
# net rpc group addmem and members find the group and the member with
# lsarpc's LookupNames before they call samr.
bob_net rpc group addmem devs dave >/dev/null
like "$(bob_net rpc group members devs)" "dave" "net rpc group addmem / members: dave is in devs"
like "$("$LWADMIN" group show devs)" "dave" "... as lwadmin shows"
like "$(bob_net rpc group list)" "devs" "net rpc group list: devs"
# Without -L net creates a (global) group: a standalone server makes it a
# local group, which addmem and members then reach as an alias.
like "$(bob_net rpc group add ops)" "Added group 'ops'" "net rpc group add ops (no -L)"
bob_net rpc group addmem ops dave >/dev/null
like "$(bob_net rpc group members ops)" "dave" "net rpc group addmem / members ops: dave"
unlike "$(bob_net rpc group delete ops)" "NT_STATUS|[Ff]ailed" "net rpc group delete ops"
nok "... ops is gone" in_group_list ops
like "$(bob_net rpc user delete dave)" "Deleted user 'dave'" "net rpc user delete dave"
nok "... dave is gone" in_sam dave

# ---- alice's own change: SamrUnicodeChangePasswordUser2 ----
# (rpcclient's chgpasswd2 makes it on an SMB-authenticated pipe; smbpasswd
# -r below binds \pipe\samr with NTLMSSP at packet privacy.)
NEW_PASSWORD="Sw-New-$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')-1Aa"
out=$(alice "chgpasswd2 alice $APPLIANCE_PASSWORD $NEW_PASSWORD")
unlike "$out" "NT_STATUS" "chgpasswd2: alice changes her own password"
like "$(last_audit)" "samr +alice +user.passwd +alice" "... audited"
like "$(smb_login alice "$NEW_PASSWORD")" "IPC\\$" "... and logs on with the new one"
like "$(smb_login alice "$APPLIANCE_PASSWORD")" "NT_STATUS_LOGON_FAILURE" "... not with the old one"
(umask 077 && printf 'username = alice\npassword = %s\n' "$NEW_PASSWORD" > "$APPLIANCE_AUTH")
like "$(alice "chgpasswd2 alice wrong-old Another-Pw-1")" "NT_STATUS_WRONG_PASSWORD" \
    "chgpasswd2 with a wrong old password: NT_STATUS_WRONG_PASSWORD"
like "$(alice "chgpasswd2 bob wrong-old Another-Pw-1")" "NT_STATUS_WRONG_PASSWORD" \
    "... and for another user's account"
AES_PASSWORD="Sw-Aes-$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')-2Bb"
out=$(alice "chgpasswd4 alice $NEW_PASSWORD $AES_PASSWORD")
unlike "$out" "NT_STATUS" "chgpasswd4: SamrUnicodeChangePasswordUser4 (AES, PBKDF2 of the old hash)"
like "$(smb_login alice "$AES_PASSWORD")" "IPC\\$" "... and alice logs on with that password"
NEW_PASSWORD=$AES_PASSWORD
(umask 077 && printf 'username = alice\npassword = %s\n' "$NEW_PASSWORD" > "$APPLIANCE_AUTH")
like "$(alice "chgpasswd4 alice wrong-old Another-Pw-1")" "NT_STATUS_WRONG_PASSWORD" \
    "chgpasswd4 with a wrong old password: NT_STATUS_WRONG_PASSWORD"

# ---- smbpasswd -r with a valid password ----
# An anonymous SMB session, then \pipe\samr bound with NTLMSSP at packet
# privacy as alice (RPC-level authentication: docs/dcerpc.md), and her own
# change over the sealed pipe.
smbpasswd_r() { # USER OLD NEW
    printf '%s\n%s\n%s\n' "$2" "$3" "$3" |
        timeout "$APPLIANCE_CLIENT_TIMEOUT" smbpasswd -s -r 127.0.0.1 -U "$1" -c "$APPLIANCE_CONF" 2>&1
}
SMBPW_PASSWORD="Sw-Smbpw-$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')-3Cc"
out=$(smbpasswd_r alice "$NEW_PASSWORD" "$SMBPW_PASSWORD")
like "$out" "Password changed for user alice" "smbpasswd -r: alice changes her valid password"
like "$(last_audit 4)" "samr +alice +user.passwd +alice" "... audited via samr, by alice (the bind's identity)"
like "$(smb_login alice "$SMBPW_PASSWORD")" "IPC\\$" "... and logs on with the new one"
like "$(smb_login alice "$NEW_PASSWORD")" "NT_STATUS_LOGON_FAILURE" "... not with the old one"
NEW_PASSWORD=$SMBPW_PASSWORD
(umask 077 && printf 'username = alice\npassword = %s\n' "$NEW_PASSWORD" > "$APPLIANCE_AUTH")
out=$(smbpasswd_r alice wrong-old-Pw-1 Another-Pw-1a)
unlike "$out" "Password changed" "smbpasswd -r with a wrong old password: refused"
like "$(smb_login alice "$NEW_PASSWORD")" "IPC\\$" "... and alice's password is unchanged"
"$LWADMIN" config set lsass.password-complexity on >/dev/null
like "$(alice "chgpasswd2 alice $NEW_PASSWORD simple")" "NT_STATUS_PASSWORD_RESTRICTION" \
    "a change that breaks the complexity rule: NT_STATUS_PASSWORD_RESTRICTION"
"$LWADMIN" config set lsass.password-complexity off >/dev/null

# ---- impacket ----
/usr/bin/python3 "$SW_SRC/t/samr-impacket.py" 445 bob "$BOB_PASSWORD" alice "$NEW_PASSWORD" > "$T/impacket.tap" 2>&1
while IFS= read -r line; do
    case $line in
    "ok "*) _tap_record 0 "${line#ok [0-9]* - }" ;;
    "not ok "*) _tap_record 1 "${line#not ok [0-9]* - }" ;;
    *) diag "$line" ;;
    esac
done < "$T/impacket.tap"
like "$(cat "$T/impacket.tap")" "impacket: \\.\\.\\. and creating an alias" "impacket's checks all ran"
like "$(smb_login eve Eve-third-Pw-3)" "NT_STATUS_PASSWORD_MUST_CHANGE" \
    "eve's password must change: smbclient is refused with NT_STATUS_PASSWORD_MUST_CHANGE"
# smbpasswd -r: with a password that must change, smbpasswd opens \pipe\samr
# on a null session (Windows and smbd allow those: lsass.allow-anonymous)
# and calls SamrUnicodeChangePasswordUser3. (With a valid password it binds
# with NTLMSSP at packet privacy: above.)
"$LWADMIN" config set lsass.allow-anonymous on >/dev/null
out=$(printf '%s\n%s\n%s\n' Eve-third-Pw-3 Eve-fourth-Pw-4 Eve-fourth-Pw-4 |
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbpasswd -s -r 127.0.0.1 -U eve -c "$APPLIANCE_CONF" 2>&1)
like "$out" "Password changed for user eve" "smbpasswd -r: eve changes the password she must change"
"$LWADMIN" config set lsass.allow-anonymous off >/dev/null
like "$(smb_login eve Eve-fourth-Pw-4)" "IPC\\$" "eve, made over samr by impacket, logs on with smbclient"
like "$(last_audit 16)" "samr +bob +user.passwd +eve" "impacket's changes are audited via samr"
# ---- the domain policy over samr (SetInformationDomain 1 and 12) ----
impacket_tap() { # SCRIPT ARGS...: its TAP lines into this test's, and that it ran to its end
    /usr/bin/python3 "$@" > "$T/impacket-policy.tap" 2>&1
    rc=$?
    while IFS= read -r line; do
        case $line in
        "ok "*) _tap_record 0 "${line#ok [0-9]* - }" ;;
        "not ok "*) _tap_record 1 "${line#not ok [0-9]* - }" ;;
        *) diag "$line" ;;
        esac
    done < "$T/impacket-policy.tap"
    is "$rc" 0 "impacket $(shift 5; echo "$*"): the script ran to its end"
}
impacket_tap "$SW_SRC/t/samr-policy-impacket.py" 445 bob "$BOB_PASSWORD" alice "$NEW_PASSWORD" set
got=""
for s in min-password-length password-history max-password-age min-password-age password-complexity \
    lockout-duration lockout-reset lockout-threshold; do
    got="$got $("$LWADMIN" config get lsass.$s 2>&1)"
done
is "$got" " 12 4 30 2 on 45 20 7" "lwadmin config get agrees with what impacket set over samr"
like "$(last_audit 12)" "samr +bob +setting.set +lsass.min-password-length" "the changes are setting.set records via samr by bob"
like "$(bob getdompwinfo)" "min_password_length: 12" "rpcclient getdompwinfo: 12 at once (live)"
like "$(alice "chgpasswd2 alice $NEW_PASSWORD Sh0rt-pw1")" "NT_STATUS_PASSWORD_RESTRICTION" \
    "a 9-character change is refused at once: NT_STATUS_PASSWORD_RESTRICTION"
impacket_tap "$SW_SRC/t/samr-policy-impacket.py" 445 bob "$BOB_PASSWORD" alice "$NEW_PASSWORD" reset
is "$("$LWADMIN" config get lsass.min-password-length 2>&1) $("$LWADMIN" config get lsass.max-password-age 2>&1)" \
    "0 0" "back to no minimum length and no maximum age"
# MMC's "User cannot change password" (a deny in alice's descriptor)
impacket_tap "$SW_SRC/t/samr-policy-impacket.py" 445 bob "$BOB_PASSWORD" alice "$NEW_PASSWORD" cannot-change
like "$(last_audit 12)" "samr +bob +user.set +alice .*security descriptor \\(cannot change password\\)" \
    "the descriptor change is audited via samr by bob"
like "$(smb_login alice "$NEW_PASSWORD")" "IPC\\$" "alice's password is what it was"
# SamrChangePasswordUser (opnum 38, NT hashes only)
policy_tool() { impacket_tap "$SW_SRC/t/samr-policy-impacket.py" 445 bob "$BOB_PASSWORD" alice "$NEW_PASSWORD" "$@"; }
policy_tool change-hash
like "$(smb_login alice "$NEW_PASSWORD")" "IPC\\$" "alice's password is hers again"
# Logon hours (MMC's "Logon Hours...") and the workstations list ("Log On
# To..."), enforced at logon
policy_tool hours-deny
like "$(smb_login alice "$NEW_PASSWORD")" "NT_STATUS_INVALID_LOGON_HOURS" \
    "outside her logon hours (UTC): smbclient is refused with NT_STATUS_INVALID_LOGON_HOURS"
like "$(smb_login alice wrong-password)" "NT_STATUS_LOGON_FAILURE" "  a wrong password still says so first"
policy_tool hours-allow
like "$(smb_login alice "$NEW_PASSWORD")" "IPC\\$" "every hour again: smbclient logs on"
policy_tool workstations "PC1,FILER2"
smb_login_from() { # WORKSTATION USER PASSWORD
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" --netbiosname "$1" -U "$2%$3" -p 445 \
        -L 127.0.0.1 2>&1
}
like "$(smb_login_from OTHERPC alice "$NEW_PASSWORD")" "NT_STATUS_INVALID_WORKSTATION" \
    "from a workstation not in her list: NT_STATUS_INVALID_WORKSTATION"
like "$(smb_login_from pc1 alice "$NEW_PASSWORD")" "IPC\\$" "from one in it (any case): she logs on"
policy_tool workstations ""
like "$(smb_login_from OTHERPC alice "$NEW_PASSWORD")" "IPC\\$" "an empty list: from anywhere"
out=$(bob "deletedomuser eve")
unlike "$out" "NT_STATUS" "deletedomuser eve"

done_testing
