#!/bin/sh
# srv.multichannel through lwiod: on by default (NEGOTIATE 3.x announces
# SMB2_GLOBAL_CAP_MULTI_CHANNEL), off with `lwiod --set srv.multichannel=off`
# (no capability). Binding itself is covered by t/srv-bind.c in process and
# by smbtorture's smb2.session.bind* in t/srv-smbtorture.pass.
. "$SW_SRC/t/tap/tap.sh"

DB=$T/registry.db
"$LWADMIN" --db "$DB" init >/dev/null || skip_all "lwadmin init failed"

# caps PORT: the server's Capabilities in its answer to an SMB 3.0 NEGOTIATE.
caps() {
    /usr/bin/python3 - "$1" <<'PY' 2>&1
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
hdr = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ16s", 64, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, b"")
body = struct.pack("<HHHHI16sIHH", 36, 1, 1, 0, 0, b"\x11" * 16, 0, 0, 0) + struct.pack("<H", 0x0300)
msg = hdr + body
s.sendall(struct.pack(">I", len(msg)) + msg)
data = b""
while len(data) < 4 or len(data) < 4 + struct.unpack(">I", data[:4])[0]:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
m = data[4:]
caps = struct.unpack_from("<I", m, 64 + 24)[0]
print("dialect=0x%04x multichannel=%d" % (struct.unpack_from("<H", m, 64 + 4)[0], caps & 8 != 0))
PY
}

# start NAME [--set ...]: lwiod with srv alone on a free port; sets PORT.
start() {
    name=$1
    shift
    PORT=$(tap_free_port)
    "$BIN/lwiod" --db "$DB" --foreground --log-level info --drivers srv \
        --required-drivers srv --set srv.port="$PORT" --set srv.listen=127.0.0.1 "$@" \
        2> "$T/$name.log" &
    LWIOD=$!
    tap_at_exit "kill $LWIOD"
    i=0
    while [ $i -lt 100 ] && ! grep -qs 'ready on' "$T/$name.log"; do sleep 0.05; i=$((i + 1)); done
}

start on
out=$(caps "$PORT")
like "$out" "^dialect=0x0300 multichannel=1\$" "multichannel on by default: MULTI_CHANNEL (0x8) announced"
kill "$LWIOD"
wait "$LWIOD" 2>/dev/null
start off --set srv.multichannel=off
out=$(caps "$PORT")
like "$out" "^dialect=0x0300 multichannel=0\$" "srv.multichannel=off: no MULTI_CHANNEL"
done_testing
