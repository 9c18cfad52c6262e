#!/bin/sh
# srv over IPv6: srv.listen ::1 (the IPv6 loopback; tests listen on loopback
# only). smbclient lists, puts and gets through [::1], lwadmin start waits for
# the IPv6 port, lwadmin session list names the IPv6 client, and the IPv4
# loopback is not served (the listener is bound to ::1 alone).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

if ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
    skip_all "no IPv6 loopback on this machine"
fi
plan 7

appliance_init || { nok "appliance_init"; exit 1; }
chmod 0777 "$APPLIANCE_SHARE_DIR"
"$LWADMIN" config set srv.listen ::1 >/dev/null
is "$("$LWADMIN" config get srv.listen)" "::1" "srv.listen takes an IPv6 address"

appliance_available || { nok "appliance starts on ::1: $APPLIANCE_WHY"; exit 1; }
ok "lwadmin start returns once [::1]:$APPLIANCE_PORT accepts connections"

smb6() {
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
        -p "$APPLIANCE_PORT" -m SMB3_11 "//::1/test" "$@"
}

head -c 300000 /dev/urandom > "$T/up.bin"
out=$(smb6 -c "put $T/up.bin up.bin; get up.bin $T/down.bin" 2>&1)
if cmp -s "$T/up.bin" "$T/down.bin"; then
    ok "put and get over IPv6 round-trip 300 kB"
else
    nok "put and get over IPv6 round-trip 300 kB"
    diag "$out"
fi

out=$(smb6 -c "ls" 2>&1)
like "$out" "up.bin" "a listing over IPv6 shows the file"

# A client that stays connected while lwadmin looks.
fifo="$T/hold"
mkfifo "$fifo"
( sleep 30 > "$fifo" & echo $! > "$T/sleeper.pid"; wait ) &
smb6 < "$fifo" > /dev/null 2>&1 &
holder=$!
tap_at_exit "kill $holder 2>/dev/null; kill \$(cat '$T/sleeper.pid' 2>/dev/null) 2>/dev/null"
i=0
while [ $i -lt 100 ] && ! "$LWADMIN" session list 2>/dev/null | grep -q "::1"; do
    sleep 0.1
    i=$((i + 1))
done
like "$("$LWADMIN" session list 2>&1)" "::1" "lwadmin session list names the client by its IPv6 address"
kill "$holder" 2>/dev/null
kill "$(cat "$T/sleeper.pid")" 2>/dev/null

# Bound to ::1 alone: the IPv4 loopback must not answer.
if python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET)
s.settimeout(3)
sys.exit(0 if s.connect_ex(('127.0.0.1', $APPLIANCE_PORT)) != 0 else 1)
"; then
    ok "127.0.0.1 is not served when srv.listen is ::1"
else
    nok "127.0.0.1 is not served when srv.listen is ::1"
fi

appliance_stop >/dev/null
ok "lwadmin stop"
