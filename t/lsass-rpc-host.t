#!/bin/sh
# lsassd hosts RPC over npfs (lsass/rpc/lsa_rpc.h): with a running appliance
# rpcclient reaches lsarpc on \pipe\lsarpc through srv, npfs and lsassd
# (lsaquery: the workgroup and the account domain with the SAM's SID),
# dssetup's dsroledominfo on the same pipe, and the alias \pipe\lsass and
# \pipe\samr exist. lsassd starts before lwiod and keeps serving logons
# while lwiod is away; when lwiod comes back the pipes are served again.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program rpcclient samba-common-bin
need_program smbclient smbclient

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
"$LWADMIN" config set lsass.log-level info >/dev/null
appliance_require

rpc() {
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
        -p "$APPLIANCE_PORT" 127.0.0.1 "$@" 2>&1
}
ok "lsarpc answers once the appliance runs" appliance_wait_lsass_pipes
out=$(rpc -c lsaquery)
like "$out" "Domain Name: WORKGROUP" "lsaquery: the primary domain is the workgroup"
like "$out" "Domain Sid: \\(NULL SID\\)" "... without a SID (a standalone server)"
SID=$("$LWADMIN" --json user show alice | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["sid"].rsplit("-", 1)[0])')
out=$(rpc -c "lsaquery 5")
like "$out" "Domain Sid: $SID\$" "lsaquery 5: the account domain's SID is the SAM's ($SID)"
like "$(rpc -c dsroledominfo)" "Machine Role = \\[2\\]" "dsroledominfo: a standalone server"
# Other pipe names: rpcclient's -c with a pipe binding.
like "$(timeout 60 rpcclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" \
        'ncacn_np:127.0.0.1[\pipe\lsass]' -c lsaquery 2>&1)" "Domain Name: WORKGROUP" "\\pipe\\lsass serves lsarpc"
unlike "$(timeout 60 rpcclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" \
        'ncacn_np:127.0.0.1[\pipe\samr]' -c lsaquery 2>&1)" "OBJECT_NAME_NOT_FOUND" "\\pipe\\samr exists"
like "$(cat "$APPLIANCE_RUN_DIR/lsassd.log")" "serving .pipe.lsarpc" "lsassd logged that it serves the pipes"

# lwiod goes away: lsassd stays, answers logons again once lwiod is back,
# and serves the pipes again.
LWIOD_PID=$(cat "$APPLIANCE_RUN_DIR/lwiod.pid")
LSASSD_PID=$(cat "$APPLIANCE_RUN_DIR/lsassd.pid")
kill "$LWIOD_PID"
i=0
while kill -0 "$LWIOD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok "lsassd runs on without lwiod" kill -0 "$LSASSD_PID"
appliance_start >/dev/null 2>&1
ok "lwiod back: lsarpc is served again" appliance_wait_lsass_pipes
like "$(timeout 60 smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" \
        "//127.0.0.1/$APPLIANCE_SHARE" -c ls 2>&1)" "blocks of size" "... and logons work"
is "$(cat "$APPLIANCE_RUN_DIR/lsassd.pid")" "$LSASSD_PID" "the same lsassd throughout"
like "$(cat "$APPLIANCE_RUN_DIR/lsassd.log")" "lost lwiod" "lsassd logged the loss"
done_testing
