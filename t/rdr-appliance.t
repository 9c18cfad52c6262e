#!/bin/bash
# rdr against a Samewise appliance (t/tap/appliance.sh): a second lwiod, the
# client, loads rdr and reaches the appliance's srv through
# /rdr/127.0.0.1:PORT/test: cat, ls of a large directory, a multi-MiB write
# and read back with matching checksums, cp, then the appliance with
# srv.signing=required and with srv.encryption=required, and an appliance
# restart under the client (rdr reconnects on its own).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/rdr-lib.sh"
need_program sha256sum coreutils
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_require
plan 30

chmod 0777 "$APPLIANCE_SHARE_DIR"   # alice writes there as her own uid
printf 'hello from samewise\n' > "$APPLIANCE_SHARE_DIR/hello.txt"
mkdir -p "$APPLIANCE_SHARE_DIR/many"
i=1
while [ $i -le 1200 ]; do : > "$APPLIANCE_SHARE_DIR/many/entry-$i.dat"; i=$((i + 1)); done
head -c 10485760 /dev/urandom > "$T/big.bin"   # 10 MiB
want=$(sha256sum < "$T/big.bin")
S=/rdr/127.0.0.1:$APPLIANCE_PORT/$APPLIANCE_SHARE

rdr_creds "$T/rdr-creds" "127.0.0.1:$APPLIANCE_PORT" "alice" "$APPLIANCE_PASSWORD"
rdr_lwiod "$T/rdr-creds"

is "$(rdr_tool cat "$S/hello.txt" 2>&1)" "hello from samewise" "cat of a file through /rdr"
is "$(rdr_tool ls "$S/many" | grep -c 'entry-')" 1200 "ls of a directory with 1200 entries"
rdr_tool write "$S/big.bin" < "$T/big.bin"
is "$(sha256sum < "$APPLIANCE_SHARE_DIR/big.bin")" "$want" "write of 10 MiB lands intact"
is "$(rdr_tool cat "$S/big.bin" | sha256sum)" "$want" "and reads back with the same checksum"
ok "cp within the share" rdr_tool cp "$S/big.bin" "$S/copy.bin"
is "$(sha256sum < "$APPLIANCE_SHARE_DIR/copy.bin")" "$want" "the copy matches"
like "$(rdr_tool stat "$S/copy.bin")" "size: 10485760" "stat through /rdr"
like "$(rdr_tool getsd "$S/hello.txt" 2>&1)" "^O:S-1-[0-9-]+G:S-1-[0-9-]+D:\\(A;" "getsd: the descriptor through QUERY_INFO (security)"
ok "setsd: a new DACL through SET_INFO (security)" rdr_tool setsd "$S/copy.bin" 'D:(A;;FA;;;WD)'
like "$(rdr_tool getsd "$S/copy.bin" 2>&1)" "D:.*\(A;;FA;;;WD\)" "and it reads back"
out=$(timeout 60 "$SW_BUILD/t/rdr-shares" "$RDR_DB" "/rdr/127.0.0.1:$APPLIANCE_PORT/IPC\$/srvsvc" 2>&1)
like "$out" "$APPLIANCE_SHARE 0x00000000" "the DCE/RPC client runtime over rdr: NetrShareEnum lists the share"
like "$out" "IPC\\$ 0x80000003" "and IPC$"
reply=$(rdr_bind_pdu | rdr_tool pipe-transceive "/rdr/127.0.0.1:$APPLIANCE_PORT/IPC\$/srvsvc" | od -An -tx1 -N3 | tr -d ' \n')
is "$reply" "05000c" "a DCE/RPC bind over \\IPC\$\\srvsvc gets a bind_ack (srvsvcd through srv and npfs)"

restart_client() { # [--set ...]
    kill "$RDR_LWIOD"
    i=0
    while kill -0 "$RDR_LWIOD" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    rdr_lwiod "$T/rdr-creds" "$@"
}

"$LWADMIN" config set srv.signing required >/dev/null
restart_client
is "$(rdr_tool cat "$S/hello.txt" 2>&1)" "hello from samewise" "signing required: cat"
rdr_tool write "$S/signed.bin" < "$T/big.bin"
is "$(rdr_tool cat "$S/signed.bin" | sha256sum)" "$want" "signing required: 10 MiB round trip"
"$LWADMIN" config set srv.signing enabled >/dev/null

"$LWADMIN" config set srv.encryption required >/dev/null
restart_client
is "$(rdr_tool cat "$S/hello.txt" 2>&1)" "hello from samewise" "encryption required: cat"
rdr_tool write "$S/sealed.bin" < "$T/big.bin"
is "$(sha256sum < "$APPLIANCE_SHARE_DIR/sealed.bin")" "$want" "encryption required: write"
is "$(rdr_tool cat "$S/sealed.bin" | sha256sum)" "$want" "encryption required: read back"
is "$(rdr_tool ls "$S/many" | grep -c 'entry-')" 1200 "encryption required: large listing"

"$LWADMIN" stop >/dev/null
like "$(rdr_tool cat "$S/hello.txt" 2>&1)" "STATUS_" "appliance stopped: an error status, not a hang"
appliance_start >/dev/null
is "$(rdr_tool cat "$S/hello.txt" 2>&1)" "hello from samewise" "appliance restarted: rdr reconnects"
ok "the client lwiod is still running" kill -0 "$RDR_LWIOD"
like "$(grep -a 'rdr:' "$T/lwiod.log")" "connection lost" "rdr noticed the dropped connection"

# An administrator logs the session off under an open file: rdr makes a new
# session and reopens the file.
printf 'held-content\n' > "$APPLIANCE_SHARE_DIR/held.txt"
chmod 666 "$APPLIANCE_SHARE_DIR/held.txt"
mkfifo "$T/hold.in" "$T/hold.out"
"$SW_BUILD/t/rdr-hold" "$RDR_DB" "$S/held.txt" < "$T/hold.in" > "$T/hold.out" 2>"$T/hold.err" &
hold_pid=$!
tap_at_exit "kill $hold_pid"
exec 7>"$T/hold.in" 8<"$T/hold.out"
hold() { echo "$1" >&7; answer=; read -t 60 -r answer <&8; printf "%s" "$answer"; }
read -t 60 -r line <&8
is "$line $(hold 'read 0 4')" "opened ok held" "a file held open on the appliance reads"
id=$("$LWADMIN" --json session list | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
ok "lwadmin session close logs rdr's session off" "$LWADMIN" session close "$id"
is "$(hold 'read 5 7')" "ok content" "the open file still reads (new session, reopened)"
hold quit >/dev/null
exec 7>&- 8<&-

# Idle close: with rdr.idle-timeout=1 the session is logged off soon after use.
restart_client --set rdr.idle-timeout=1
is "$(rdr_tool cat "$S/hello.txt" 2>&1)" "hello from samewise" "idle timeout 1 s: cat"
i=0
while [ $i -lt 100 ] && "$LWADMIN" --json session list | grep -q '"user"'; do sleep 0.1; i=$((i + 1)); done
is "$("$LWADMIN" --json session list)" "[]" "the server sees the idle session logged off"
like "$(grep -a 'rdr: closing' "$T/lwiod.log")" "closing the connection to 127.0.0.1" "rdr closed it"
is "$(rdr_tool cat "$S/hello.txt" 2>&1)" "hello from samewise" "the next use connects again"
