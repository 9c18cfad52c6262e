#!/bin/sh
# srv.network-threads: lwiod runs that many event loops (net.c), one per CPU
# it may run on by default (taskset -c 0 gives one), and connections spread
# over them all answer. The setting is read at start: lwadmin says so.
. "$SW_SRC/t/tap/tap.sh"

need_program taskset util-linux
DB=$T/registry.db
"$LWADMIN" --db "$DB" init >/dev/null || skip_all "lwadmin init failed"

# negotiate PORT N: N connections at once, each an SMB 3.0 NEGOTIATE; prints
# how many got an SMB2 answer.
negotiate() {
    /usr/bin/python3 - "$1" "$2" <<'PY' 2>&1
import socket, struct, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
hdr = b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ16s", 64, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, b"")
body = struct.pack("<HHHHI16sIHH", 36, 1, 1, 0, 0, b"\x11" * 16, 0, 0, 0) + struct.pack("<H", 0x0300)
msg = hdr + body
socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
for s in socks:
    s.sendall(struct.pack(">I", len(msg)) + msg)
good = 0
for s in socks:
    data = b""
    while len(data) < 8:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    good += data[4:8] == b"\xfeSMB"
    s.close()
print("answered=%d" % good)
PY
}

# start NAME [taskset ARGS --] [--set ...]: lwiod with srv alone; sets PORT.
start() {
    name=$1
    shift
    pin=
    if [ "$1" = pin ]; then pin="taskset -c 0"; shift; fi
    PORT=$(tap_free_port)
    $pin "$BIN/lwiod" --db "$DB" --foreground --log-level info --drivers srv \
        --required-drivers srv --set srv.port="$PORT" --set srv.listen=127.0.0.1 "$@" \
        2> "$T/$name.log" &
    LWIOD=$!
    tap_at_exit "kill $LWIOD"
    i=0
    while [ $i -lt 100 ] && ! grep -qs 'ready on' "$T/$name.log"; do sleep 0.05; i=$((i + 1)); done
}
stop() { kill "$LWIOD"; wait "$LWIOD" 2>/dev/null; }

start three --set srv.network-threads=3
like "$(cat "$T/three.log")" "with 3 network threads" "srv.network-threads=3: three event loops"
is "$(negotiate "$PORT" 7)" "answered=7" "seven connections over three loops all answered"
stop

start pinned pin
like "$(cat "$T/pinned.log")" "with 1 network thread\b" "default on one CPU (taskset -c 0): one event loop"
is "$(negotiate "$PORT" 3)" "answered=3" "connections on the one loop answered"
stop

out=$("$LWADMIN" --db "$DB" config set srv.network-threads 2 2>&1)
like "$out" "srv.network-threads applies when the server next starts" \
    "lwadmin says the setting applies at the next start"
done_testing
