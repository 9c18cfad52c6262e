#!/bin/sh
# RPC-level authentication (docs/dcerpc.md) against a running appliance:
# lsassd's \pipe\samr and \pipe\lsarpc bound with NTLMSSP (and SPNEGO) at
# packet integrity and privacy by real clients:
#   - rpcclient's ncacn_np:127.0.0.1[connect] / [sign] / [seal] bindings, raw
#     NTLMSSP ([ntlm]) and SPNEGO ([spnego], its mechListMIC): samr and lsarpc calls answer;
#   - a password set at level 25 over a sealed pipe (encrypted with the
#     RPC session key) is the one a logon then takes;
#   - srvsvcd's srvsvc and wkssvc the same (the bind a logon through
#     lsassd);
#   - impacket (t/rpc-auth-impacket.py): set_auth_level integrity and
#     privacy on samr and lsarpc, the RPC identity being the call's (an
#     SMB session as alice, an RPC bind as bob: bob's rights), and a
#     request whose signature was changed gets a fault and the end of the
#     association; a wrong password in the bind is refused and audited.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program rpcclient samba-common-bin
need_python_module impacket python3-impacket

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
BOB_AUTH=$T/client/bob.txt
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$BOB_AUTH")
appliance_require
appliance_wait_samr || { echo "Bail out! pipe samr is not served"; exit 1; }

rpc() { # BINDING AUTHFILE COMMAND [rpcclient options]
    binding=$1 auth=$2 cmd=$3
    shift 3
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -A "$auth" \
        -p "$APPLIANCE_PORT" "$@" "$binding" -c "$cmd" 2>&1
}

for opts in sign seal 'sign,spnego' 'seal,spnego' 'sign,ntlm' 'seal,ntlm'; do
    out=$(rpc "ncacn_np:127.0.0.1[$opts]" "$BOB_AUTH" enumdomusers)
    like "$out" "user:\\[alice\\] rid:\\[0x3e8\\]" "rpcclient ncacn_np:127.0.0.1[$opts] enumdomusers (samr)"
    out=$(rpc "ncacn_np:127.0.0.1[$opts]" "$BOB_AUTH" "lookupnames alice")
    like "$out" "alice S-1-5-21-" "rpcclient ncacn_np:127.0.0.1[$opts] lookupnames (lsarpc)"
done
like "$(rpc "ncacn_np:127.0.0.1[seal]" "$BOB_AUTH" "queryuser alice")" "User Name   :.alice" "rpcclient [seal] queryuser"
# Connect level: the legs, then calls without verifiers.
for opts in connect 'connect,spnego'; do
    like "$(rpc "ncacn_np:127.0.0.1[$opts]" "$BOB_AUTH" enumdomusers)" "user:\\[alice\\]" \
        "rpcclient ncacn_np:127.0.0.1[$opts] enumdomusers"
done
# A large reply crosses fragments, each signed and sealed.
out=$(rpc "ncacn_np:127.0.0.1[seal]" "$BOB_AUTH" "enumprivs")
like "$out" "SeTakeOwnershipPrivilege" "rpcclient [seal] enumprivs: a reply of several fragments"
# A password set at level 25 over a sealed pipe: encrypted with the session
# key the client takes for an authenticated pipe.
for opts in seal 'seal,spnego'; do
    name=carol$(printf '%s' "$opts" | tr -dc a-z | cut -c1-6)
    rpc "ncacn_np:127.0.0.1[$opts]" "$BOB_AUTH" "createdomuser $name" >/dev/null
    out=$(rpc "ncacn_np:127.0.0.1[$opts]" "$BOB_AUTH" "setuserinfo2 $name 25 Carol-Pw-25x")
    unlike "$out" "NT_STATUS" "rpcclient [$opts] setuserinfo2 $name 25"
    "$LWADMIN" user set "$name" --enable >/dev/null
    like "$(timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -U "$name%Carol-Pw-25x" \
        -p "$APPLIANCE_PORT" -L 127.0.0.1 2>&1)" "IPC\\$" "... $name logs on with the password set"
done
# srvsvcd's pipes: a bind there is a logon through lsassd.
for opts in sign seal 'seal,spnego'; do
    like "$(rpc "ncacn_np:127.0.0.1[$opts]" "$BOB_AUTH" netshareenum)" "netname: test" \
        "rpcclient ncacn_np:127.0.0.1[$opts] netshareenum (srvsvc, srvsvcd)"
done
out=$(rpc "ncacn_np:127.0.0.1[seal]" "$BOB_AUTH" "wkssvc_wkstagetinfo 100" -d10 | sed -n '/^ *out: struct/,/^ *result  /p')
like "$out" "platform_id +: PLATFORM_ID_NT" "rpcclient ncacn_np:127.0.0.1[seal] wkssvc_wkstagetinfo (wkssvc)"
/usr/bin/python3 "$SW_SRC/t/rpc-auth-impacket.py" "$APPLIANCE_PORT" bob "$BOB_PASSWORD" alice \
    "$APPLIANCE_PASSWORD" > "$T/impacket.tap" 2>&1
while IFS= read -r line; do
    case $line in
    "ok "*) _tap_record 0 "${line#ok [0-9]* - }" ;;
    "not ok "*) _tap_record 1 "${line#not ok [0-9]* - }" ;;
    *) diag "$line" ;;
    esac
done < "$T/impacket.tap"
like "$(cat "$T/impacket.tap")" "impacket: the last check" "impacket's checks all ran"
# Only impacket's bind with a wrong password (its SMB session was bob's
# with the right one) fails a logon of bob's in this test.
like "$("$LWADMIN" log | grep 'logon\.failure')" "bob" "the wrong password in an RPC bind is audited as a failed logon"

stop_and_check_logs() {
    appliance_stop >/dev/null 2>&1 || return 1
    ! grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log 2>/dev/null
}
ok "lwadmin stop stops the daemons; their logs have no sanitizer report" stop_and_check_logs
done_testing
