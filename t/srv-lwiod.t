#!/bin/sh
# srv.so loaded by lwiod: settings from the registry (srv.*) with lwiod --set
# overrides, shares from the share database, logons through lsassd.
. "$SW_SRC/t/tap/tap.sh"
need_program smbclient smbclient

DB=$T/registry.db
"$LWADMIN" --db "$DB" init >/dev/null || skip_all "lwadmin init failed"
echo 'Alice-Pass1' | "$LWADMIN" --db "$DB" user add alice --password-stdin >/dev/null
"$LWADMIN" --db "$DB" config set srv.max-dialect 3.0.2 >/dev/null
"$LWADMIN" --db "$DB" config set srv.signing required >/dev/null
"$LWADMIN" --db "$DB" config set srv.server-guid 00112233-4455-6677-8899-aabbccddeeff >/dev/null

"$BIN/lsassd" --db "$DB" --foreground 2> "$T/lsassd.log" &
LSASSD=$!
tap_at_exit "kill $LSASSD"
PORT=$(tap_free_port)
"$BIN/lwiod" --db "$DB" --foreground --log-level info --drivers npfs,srv \
    --required-drivers srv --set srv.port="$PORT" --set srv.listen=127.0.0.1 2> "$T/lwiod.log" &
LWIOD=$!
tap_at_exit "kill $LWIOD"
i=0
while [ $i -lt 100 ] && ! grep -qs 'ready on' "$T/lwiod.log"; do sleep 0.05; i=$((i + 1)); done
like "$(cat "$T/lwiod.log")" "driver srv loaded" "lwiod loads srv.so"
like "$(cat "$T/lwiod.log")" "serving SMB on 127.0.0.1 port $PORT" "srv listens where --set says"

mkdir -p "$T/client"
cat > "$T/client.conf" <<CONF
[global]
    client min protocol = SMB2_02
    client max protocol = SMB3
    lock directory = $T/client
    state directory = $T/client
    cache directory = $T/client
    private dir = $T/client
    ncalrpc dir = $T/client/ncalrpc
    disable netbios = yes
CONF
printf 'username = alice\npassword = Alice-Pass1\n' > "$T/alice.txt"
chmod 600 "$T/alice.txt"

out=$(timeout 20 smbclient -s "$T/client.conf" -A "$T/alice.txt" -p "$PORT" -m SMB3 \
      '//127.0.0.1/IPC$' -c exit -d 10 2>&1; echo "exit=$?")
like "$out" "exit=0" "alice logs on through lsassd and connects IPC\$ (from the share database)"
like "$out" "negotiated dialect\[SMB3_02\]" "srv.max-dialect from the registry"
out=$(timeout 20 smbclient -s "$T/client.conf" -A "$T/alice.txt" -p "$PORT" -m SMB3 \
      '//127.0.0.1/nosuch' -c exit 2>&1)
like "$out" "NT_STATUS_BAD_NETWORK_NAME" "an unknown share"

out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys, uuid
from impacket.smbconnection import SMBConnection
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=int(sys.argv[1]), timeout=10)
print("required" if c.isSigningRequired() else "optional")
print(str(uuid.UUID(bytes_le=c._SMBConnection._Connection['ServerGuid'])))
PY
)
like "$out" "required" "srv.signing required from the registry"
like "$out" "00112233-4455-6677-8899-aabbccddeeff" "srv.server-guid from the registry"

kill "$LWIOD"
wait "$LWIOD" 2>/dev/null
is "$?" "0" "lwiod stops cleanly with srv loaded"
like "$(cat "$T/lwiod.log")" "stopped" "lwiod says so"
