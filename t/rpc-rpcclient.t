#!/bin/sh
# srvsvc and wkssvc with Samba's rpcclient against a running appliance, over
# SMB (\pipe\srvsvc on IPC$ through srv, npfs and srvsvcd), as an
# administrator (bob, in Administrators) and as a plain user (alice):
#   - srvinfo, netshareenum, netshareenumall, netsharegetinfo;
#   - the share life cycle: netshareadd, netsharesetinfo, netsharedel, each
#     seen by `lwadmin share show`, by smbclient (a deleted share refuses new
#     tree connects and drops the existing ones) and in the audit log (via
#     rpc, by bob);
#   - refusals: alice may enumerate (level 1) but not add, change or delete
#     a share, nor see the detailed levels, and her attempts change nothing;
#   - the live state of a client holding a session, a tree connect and an
#     open file: netsessenum, netconnenum, netfileenum, netsessdel;
#   - wkssvc_wkstagetinfo 100, 101, 102.
# rpcclient prints little of some answers; with -d10 it dumps every reply's
# NDR, which the checks read.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program rpcclient samba-common-bin
need_program smbclient smbclient
need_python_module impacket python3-impacket

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
BOB_AUTH=$T/client/bob.txt
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$BOB_AUTH")
mkdir -p "$T/rpcshare" "$T/hold"
chmod 777 "$APPLIANCE_SHARE_DIR"  # pvfs acts as nobody for alice
echo "read me" > "$T/rpcshare/readme.txt"
appliance_require

# rpc AUTHFILE ARGS...: rpcclient as that user, output and errors together.
rpc() {
    auth=$1
    shift
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -A "$auth" \
        -p "$APPLIANCE_PORT" 127.0.0.1 "$@" 2>&1
}
bob() { rpc "$BOB_AUTH" -c "$1"; }
alice() { rpc "$APPLIANCE_AUTH" -c "$1"; }
# The NDR dump of an answer (the "out:" part), for the fields rpcclient does
# not print.
bob_ndr() { rpc "$BOB_AUTH" -d10 -c "$1" | sed -n '/^ *out: struct/,/^ *result  /p'; }
smb_as() {
    auth=$1 share=$2
    shift 2
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$auth" \
        -p "$APPLIANCE_PORT" "//127.0.0.1/$share" "$@" 2>&1
}
audit_count() { "$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["outcome"] == "ok"]))'; }
share_exists() { "$LWADMIN" share show "$1" >/dev/null 2>&1; }
share_json() { "$LWADMIN" --json share show "$1" 2>/dev/null; }
json_field() { /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(",".join(sorted(v)) if isinstance(v, list) else v)' "$1"; }
SHARE_WIN=$(printf '%s' "$APPLIANCE_SHARE_DIR" | sed 's|/|\\|g; s|^|C:|')
RPCSHARE_WIN=$(printf '%s' "$T/rpcshare" | sed 's|/|\\|g; s|^|C:|')

# ---- Server information ----
out=$(bob srvinfo)
like "$out" "platform_id[[:space:]]*:[[:space:]]*500" "srvinfo: platform NT"
like "$out" "os version[[:space:]]*:[[:space:]]*10\\.0" "srvinfo: version 10.0"
like "$out" "server type[[:space:]]*:[[:space:]]*0x9003" "srvinfo: workstation, server, NT, server NT"
like "$(alice srvinfo)" "platform_id[[:space:]]*:[[:space:]]*500" "srvinfo works for a plain user too"

# ---- NetrServerDiskEnum (the share wizard's folder browser) ----
out=$(bob_ndr netdiskenum | tr -s ' ')
like "$out" "count : 0x00000002" "netdiskenum: two entries, C: and the empty terminator"
like "$(printf '%s\n' "$out" | grep "disk : " | tr '\n' '|')" "^ disk : 'C:'\| disk : ''\|$" \
    "... C: then the empty one"
like "$out" "totalentries : 0x00000001" "... of which one disk (TotalEntries)"
like "$out" "result : WERR_OK" "... WERR_OK"
like "$(alice netdiskenum)" "WERR_ACCESS_DENIED" "netdiskenum is for administrators"

# ---- Enumeration ----
out=$(bob netshareenum)
like "$out" "netname: test" "netshareenum (sticky, level 2) lists the test share"
like "$out" "path:[[:space:]]*C:.*share" "... with its path as C:\\..."
unlike "$out" "IPC\\$" "... and not IPC\$ (rpcclient's netshareenum is NetrShareEnumSticky)"
out=$(bob netshareenumall)
like "$out" "netname: IPC\\$" "netshareenumall lists IPC\$"
like "$out" "netname: test" "... and test"
out=$(bob "netshareenumall 502")
like "$out" "SID: $("$LWADMIN" --json user show alice | json_field sid)" \
    "netshareenumall 502 carries test's descriptor (alice's SID)"
out=$(alice "netshareenumall 1")
like "$out" "netname: test" "alice may enumerate at level 1"
like "$(alice netshareenum)" "WERR_ACCESS_DENIED" \
    "... but not at level 2 (paths are for administrators, [MS-SRVS] 3.1.4.8)"
out=$(bob "netsharegetinfo test 502")
like "$out" "remark:[[:space:]]*test share" "netsharegetinfo test 502: the remark"
like "$out" "Permissions: 0x1f01ff" "... and the full-control ACE"
like "$(alice 'netsharegetinfo test 1')" "netname: test" "alice may get level 1"
like "$(alice 'netsharegetinfo test 502')" "WERR_ACCESS_DENIED" "... not level 502"

# ---- Add, change, delete (bob) ----
before=$("$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
out=$(bob "netshareadd $T/rpcshare rpcshare 5 'made by rpcclient'")
is "$out" "" "netshareadd as bob succeeds"
out=$(bob "netsharegetinfo rpcshare 502")
like "$out" "remark:[[:space:]]*made by rpcclient" "netsharegetinfo: the new share's remark"
like "$out" "max_uses:[[:space:]]*5" "... its maximum uses"
ok "... its path" sh -c 'printf "%s\n" "$1" | grep -qF "path:	$2"' _ "$out" "$RPCSHARE_WIN"
like "$out" "SID: S-1-5-32-544" "... and the default descriptor: Administrators"
like "$out" "SID: S-1-1-0" "... and Everyone"
json=$(share_json rpcshare)
is "$(printf '%s' "$json" | json_field path)" "$T/rpcshare" "lwadmin share show: the same path"
is "$(printf '%s' "$json" | json_field comment)" "made by rpcclient" "... the same comment"
is "$(printf '%s' "$json" | json_field max_uses)" "5" "... the same maximum uses"
is "$(printf '%s' "$json" | json_field permissions)" "Administrators:full,Everyone:read" \
    "... the same permissions"

out=$(bob "netsharesetinfo rpcshare 'changed by rpcclient'")
unlike "$out" "WERR_" "netsharesetinfo as bob succeeds"
like "$(bob 'netsharegetinfo rpcshare 1')" "remark:[[:space:]]*changed by rpcclient" "netsharegetinfo sees the new remark"
is "$(share_json rpcshare | json_field comment)" "changed by rpcclient" "... and so does lwadmin"

out=$(smb_as "$APPLIANCE_AUTH" rpcshare -c ls)
like "$out" "readme.txt" "smbclient (alice, Everyone:read) lists the new share"

# shi2_max_uses 0, as Windows and smbd take it: no limit.
mkdir -p "$T/zero"
is "$(bob "netshareadd $T/zero zerouses 0 'max uses 0'")" "" "netshareadd with max_uses 0 succeeds"
like "$(bob "netsharegetinfo zerouses 502")" "max_uses:[[:space:]]*-1" \
    "... and reads back as unlimited (0xFFFFFFFF)"
is "$(share_json zerouses | json_field max_uses)" "None" "... as lwadmin shows it"
like "$(smb_as "$APPLIANCE_AUTH" zerouses -c ls)" "blocks available" "... and smbclient connects to it"
is "$(bob "netsharedel zerouses")" "" "... and it is deleted again"

# ---- Refusals (alice) ----
n=$(audit_count)
mkdir -p "$T/nope"
like "$(alice "netshareadd $T/nope nope 1 alices")" "WERR_ACCESS_DENIED" "alice's netshareadd: access denied"
nok "... no share was made" share_exists nope
unlike "$(bob netshareenumall)" "netname: nope" "... nor is one listed"
like "$(alice "netsharesetinfo rpcshare 'by alice'")" "WERR_ACCESS_DENIED" "alice's netsharesetinfo: access denied"
is "$(share_json rpcshare | json_field comment)" "changed by rpcclient" "... the comment is unchanged"
like "$(alice 'netsharedel rpcshare')" "WERR_ACCESS_DENIED" "alice's netsharedel: access denied"
ok "... the share is still there" share_exists rpcshare
is "$(audit_count)" "$n" "... and no change reached the audit log"
refused=$("$LWADMIN" --json log | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["outcome"] == "refused" and e["via"] == "rpc":
        print(e["user"], e["action"], e["object"])')
like "$refused" "alice share.add nope" "... but the refused attempts are, via rpc with alice's account: add"
like "$refused" "alice share.delete rpcshare" "... and delete"
refused_count() { "$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["outcome"] == "refused"]))'; }
"$LWADMIN" config set srvsvc.audit-refused-per-minute 0 >/dev/null
r=$(refused_count)
like "$(alice 'netsharedel rpcshare')" "WERR_ACCESS_DENIED" "with srvsvc.audit-refused-per-minute 0, still access denied"
is "$(refused_count)" "$r" "... and no more refused records"
"$LWADMIN" config unset srvsvc.audit-refused-per-minute >/dev/null

# ---- Live state: alice holds a session, two tree connects and a file ----
/usr/bin/python3 "$SW_SRC/t/rpc-hold.py" "$APPLIANCE_PORT" alice "$APPLIANCE_PASSWORD" "$T/hold" \
    test rpcshare 2>"$T/hold/err" &
HOLDER=$!
tap_at_exit "kill $HOLDER"
i=0
while [ $i -lt 200 ] && ! grep -qs '^ready' "$T/hold/out"; do sleep 0.05; i=$((i + 1)); done
ok "a client (impacket, alice) holds a session, tree connects and an open file" grep -qs '^ready' "$T/hold/out" ||
    diag "$(cat "$T/hold/out" "$T/hold/err" 2>/dev/null)"
probe() {
    touch "$T/hold/probe-$1"
    i=0
    while [ $i -lt 200 ] && ! grep -qs "^probe-$1 done" "$T/hold/out"; do sleep 0.05; i=$((i + 1)); done
    grep "^probe-$1 " "$T/hold/out" | grep -v done | cut -d' ' -f2- | tr '\n' ' '
}
is "$(probe 1)" "file ok share2 ok " "its file and both tree connects work"

out=$(bob_ndr netsessenum)
like "$out" "user +: 'alice'" "netsessenum shows alice's session"
like "$out" "client +: '\\\\\\\\127\\.0\\.0\\.1'" "... from \\\\127.0.0.1"
ok "... with her open file counted" sh -c 'printf "%s\n" "$1" | grep -A2 "user  *: .alice." | grep -q "num_open  *: 0x0000000[1-9]"' _ "$out"
like "$(alice netsessenum)" "WERR_ACCESS_DENIED" "alice may not see the sessions' details (level 1)"

out=$(bob_ndr "netconnenum 1 test")
like "$out" "user +: 'alice'" "netconnenum 1 test: alice's tree connect"
like "$out" "share +: '127\\.0\\.0\\.1'" "... named by its client (the qualifier is the share)"
out=$(bob_ndr "netconnenum 1 \\\\\\\\127.0.0.1")
like "$out" "share +: 'rpcshare'" "netconnenum by client: rpcshare"
like "$out" "share +: 'IPC\\$'" "... and IPC\$ (rpcclient's own)"

out=$(bob_ndr "netfileenum 3")
ok "netfileenum 3: alice's open file, as C:\\..." sh -c 'printf "%s\n" "$1" | grep -qF "$2"' _ "$out" \
    "path                     : '$SHARE_WIN\\held.txt'"
like "$out" "user +: 'alice'" "... opened by alice"
like "$out" "path +: '\\\\PIPE\\\\srvsvc'" "... and bob's own \\PIPE\\srvsvc"

# ---- Live at once: a deleted share ----
out=$(bob "netsharedel rpcshare")
is "$out" "" "netsharedel as bob succeeds"
unlike "$(bob netshareenumall)" "netname: rpcshare" "the share is no longer listed"
nok "... nor known to lwadmin" share_exists rpcshare
like "$(smb_as "$APPLIANCE_AUTH" rpcshare -c ls)" "NT_STATUS_BAD_NETWORK_NAME" \
    "a new tree connect to it: NT_STATUS_BAD_NETWORK_NAME"
is "$(probe 2)" "file ok share2 STATUS_NETWORK_NAME_DELETED " \
    "alice's tree connect to it is gone; her other one still works"

# ---- The audit log ----
log=$("$LWADMIN" --json log | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin)[int(sys.argv[1]):]:
    if e["outcome"] == "ok":
        print(e["via"], e["user"], e["action"], e["object"])' "$before")
like "$log" "^rpc bob share\\.add rpcshare$" "audit: share.add via rpc by bob"
like "$log" "rpc bob share\\.set rpcshare" "audit: share.set via rpc by bob"
like "$log" "rpc bob share\\.delete rpcshare" "audit: share.delete via rpc by bob"
unlike "$log" "alice" "audit: no change by alice"

# ---- Closing a session ----
like "$(alice 'netsessdel \\\\127.0.0.1 alice')" "WERR_ACCESS_DENIED" "alice may not close sessions"
is "$(probe 3)" "file ok share2 STATUS_NETWORK_NAME_DELETED " "... hers still works"
out=$(bob 'netsessdel \\\\127.0.0.1 alice')
unlike "$out" "WERR_" "netsessdel \\\\127.0.0.1 alice as bob"
unlike "$(probe 4)" "file ok" "alice's session is gone: her next request fails"
unlike "$(bob_ndr netsessenum)" "'alice'" "netsessenum no longer shows her"
like "$("$LWADMIN" log | tail -n 3)" "rpc +bob +session\\.close" "audit: session.close via rpc by bob"
touch "$T/hold/quit"

# ---- wkssvc ----
for level in 100 101 102; do
    out=$(rpc "$BOB_AUTH" -d10 -c "wkssvc_wkstagetinfo $level" | sed -n '/^ *out: struct/,/^ *result  /p')
    like "$out" "platform_id +: PLATFORM_ID_NT" "wkssvc_wkstagetinfo $level: platform NT"
    like "$out" "domain_name +: 'WORKGROUP'" "... in WORKGROUP"
    like "$out" "result +: WERR_OK" "... succeeds"
done
like "$(rpc "$APPLIANCE_AUTH" -c 'wkssvc_wkstagetinfo 102')" "WERR_ACCESS_DENIED" \
    "wkssvc_wkstagetinfo 102 needs an administrator"
# The daemons stop cleanly, and (in an ASan build) left no sanitizer report:
# errors as they ran, leaks as they exited (srvsvcd's among them).
stop_and_check_logs() {
    appliance_stop >/dev/null 2>&1 || return 1
    ! grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log 2>/dev/null
}
ok "lwadmin stop stops the daemons; their logs have no sanitizer report" stop_and_check_logs ||
    diag "$(grep -h -m1 -A30 -E 'Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log)"
done_testing
