#!/bin/sh
# The metrics endpoint against a running appliance (docs/metrics.md): off by
# default (lwiod listens on nothing but SMB), on at a loopback port with a
# live setting change, parsed by prometheus_client's Prometheus and
# OpenMetrics parsers, bytes counted while one smbclient session writes and
# reads, `lwadmin stats --json` agreeing, logon failures and lockouts from
# lsassd, basic authentication against a SAM user (refused without, with a
# wrong password, with a disabled account; accepted with the right one;
# never logged), a port change applied live, and bounds (idle connections
# and a huge request do not stop it).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbclient smbclient
need_python_module prometheus_client python3-prometheus-client
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
SCRAPE="/usr/bin/python3 $SW_SRC/t/metrics-scrape.py"
# Prints a Python expression over the JSON on stdin: d is the document, s
# its samples ("name{k=v,...}": value).
json_get() {
    /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); s=d.get('samples', {}); print($1)"
}
lwiod_pid() { cat "$T/registry.run/lwiod.pid"; }
# Waits (at most 10 s) until scraping URL answers with status $2.
wait_status() {
    i=0
    while [ $i -lt 100 ]; do
        [ "$($SCRAPE "$1" ${3:-} | json_get 'd["status"]')" = "$2" ] && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}
# Waits (at most 20 s) until the share's file $1 has $2 bytes.
wait_size() {
    i=0
    while [ $i -lt 200 ]; do
        [ "$(stat -c %s "$APPLIANCE_SHARE_DIR/$1" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

is "$("$LWADMIN" config get metrics.listen)" "off" "metrics.listen is off by default"
"$LWADMIN" config set metrics.listen 127.0.0.1:99999 >/dev/null 2>"$T/bad.err"
is "$?" 1 "a port out of range is refused when set"
"$LWADMIN" config set metrics.listen localhost:9922 >/dev/null 2>>"$T/bad.err"
is "$?" 1 "so is a host name (an address literal is needed)"
like "$(cat "$T/bad.err")" "not off, on, ADDRESS:PORT" "... saying what is wanted"

appliance_require
chmod 1777 "$APPLIANCE_SHARE_DIR"
is "$($SCRAPE --listening "$(lwiod_pid)" | tr '\n' ' ')" "$APPLIANCE_PORT " \
    "off: lwiod listens on the SMB port only"

MPORT=$(tap_free_port)
URL="http://127.0.0.1:$MPORT/metrics"
"$LWADMIN" config set metrics.listen "127.0.0.1:$MPORT" >/dev/null
ok "set live to 127.0.0.1:$MPORT: it answers within seconds, lwiod not restarted" \
    wait_status "$URL" 200
out=$($SCRAPE "$URL")
is "$(printf '%s' "$out" | json_get 'd["content_type"]')" "text/plain; version=0.0.4; charset=utf-8" \
    "Prometheus text format by default"
like "$(printf '%s' "$out" | json_get 'd["families"]')" "^[1-9][0-9]$" \
    "prometheus_client's parser reads every family"
is "$(printf '%s' "$out" | json_get 's["samewise_up{daemon=lwiod}"], s["samewise_up{daemon=lsassd}"], s["samewise_scrape_error{source=srv}"], s["samewise_scrape_error{source=lsass}"]')" \
    "1.0 1.0 0.0 0.0" "every daemon up, srv and lsassd answered"
like "$(printf '%s' "$out" | json_get 's["samewise_process_resident_memory_bytes{daemon=lwiod}"] > 1e6, s["samewise_process_cpu_seconds_total{daemon=lsassd}"] >= 0')" \
    "True True" "the daemons' memory and CPU"
om=$($SCRAPE "$URL" --openmetrics)
is "$(printf '%s' "$om" | json_get 'd["content_type"].split(";")[0], d["families"] > 10')" \
    "application/openmetrics-text True" "OpenMetrics when asked, and its parser reads it"

# ---- bytes moving during one smbclient session -----------------------------
SIZE=3000000
for i in 1 2 3; do head -c $SIZE /dev/urandom > "$T/chunk$i"; done
mkfifo "$T/smbclient.in"
appliance_smbclient test -m SMB3 < "$T/smbclient.in" > "$T/smbclient.out" 2>&1 &
SMBCLIENT=$!
tap_at_exit "kill $SMBCLIENT 2>/dev/null"
exec 3> "$T/smbclient.in"   # smbclient takes commands until this closes
written=""
for i in 1 2 3; do
    echo "put $T/chunk$i chunk$i" >&3
    wait_size "chunk$i" $SIZE || diag "chunk$i did not arrive"
    sleep 1.1    # the endpoint collects at most once a second
    written="$written $($SCRAPE "$URL" | json_get 'int(s.get("smb_share_written_bytes_total{share=test}", -1))')"
done
is "$written" " 3000000 6000000 9000000" "written bytes of share test grow with each put of the session"
echo "get chunk2 $T/back2" >&3
i=0; while [ $i -lt 200 ] && [ "$(stat -c %s "$T/back2" 2>/dev/null)" != $SIZE ]; do sleep 0.1; i=$((i+1)); done
sleep 1.1
out=$($SCRAPE "$URL")
is "$(printf '%s' "$out" | json_get 'int(s["smb_share_read_bytes_total{share=test}"]), s["smb_requests_total{command=WRITE}"] >= 3, s["smb_request_duration_seconds_count{command=WRITE}"] == s["smb_requests_total{command=WRITE}"], s["smb_request_duration_seconds_bucket{command=WRITE,le=+Inf}"] == s["smb_requests_total{command=WRITE}"]')" \
    "3000000 True True True" "read bytes, and WRITE's count and latency histogram agree"
is "$(printf '%s' "$out" | json_get 's["smb_connections{dialect=3.1.1}"], s["smb_sessions{dialect=3.1.1,encryption=no,signing=optional}"] + s["smb_sessions{dialect=3.1.1,encryption=no,signing=required}"], s["smb_open_files"], s["smb_tree_connects"]')" \
    "1.0 1.0 0.0 1.0" "the session's connection, session and tree connect, by dialect" ||
    diag "$(printf '%s' "$out" | tr ',' '\n' | grep -E 'smb_(conn|sess|open|tree)')"

# lwadmin stats --json: the same numbers (nothing moves now).
st=$("$LWADMIN" stats --json)
is "$(printf '%s' "$st" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); m=d["summary"]; print(int(m["bytes_written"]), int(m["bytes_read"]), m["sessions"], m["srv_up"], m["lsass_up"])')" \
    "9000000 3000000 1.0 True True" "lwadmin stats --json: the summary"
printf '%s' "$st" > "$T/stats.json"
printf '%s' "$out" > "$T/scrape.json"
agree=$(/usr/bin/python3 - "$T/stats.json" "$T/scrape.json" <<'PY'
import json, sys
stats, scrape = (json.load(open(path)) for path in sys.argv[1:3])
s = scrape["samples"]
def key(x):
    labels = sorted(x["labels"].items())
    return x["name"] + ("{" + ",".join("%s=%s" % kv for kv in labels) + "}" if labels else "")
names = ("smb_share_written_bytes_total", "smb_share_read_bytes_total", "smb_share_writes_total", "lsass_logons_total")
mine = {key(x): x["value"] for x in stats["samples"] if x["name"] in names}
print(len(mine) >= 4 and all(s.get(k) == v for k, v in mine.items()))
PY
)
is "$agree" "True" "lwadmin stats --json and the endpoint agree on traffic and logons"
text=$("$LWADMIN" stats)
like "$text" "written: +8.6 MiB" "lwadmin stats (text): the summary"
like "$text" "test +2.9 MiB +8.6 MiB +[0-9]+ +[0-9]+" "... bytes by share"
like "$text" "lwiod +running +[0-9.]+ +[0-9.]+ MiB +[0-9]+" "... the daemons"
exec 3>&-
wait $SMBCLIENT

# ---- signing and encryption -------------------------------------------------------
before=$($SCRAPE "$URL" | json_get 'int(s["smb_messages_signed_total"]), int(s["smb_messages_encrypted_total"]), int(s["smb_messages_decrypted_total"])')
appliance_smbclient test --client-protection=sign -c ls >/dev/null 2>&1
sleep 1.1
signed=$($SCRAPE "$URL" | json_get 'int(s["smb_messages_signed_total"]), int(s["smb_messages_encrypted_total"])')
appliance_smbclient test --client-protection=encrypt -c ls >/dev/null 2>&1
sleep 1.1
sealed=$($SCRAPE "$URL" | json_get 'int(s["smb_messages_encrypted_total"]), int(s["smb_messages_decrypted_total"])')
printf '%s\n%s\n%s\n' "$before" "$signed" "$sealed" > "$T/protection.txt"
is "$(/usr/bin/python3 -c '
import sys
b, s, e = (list(map(int, l.split())) for l in open(sys.argv[1]))
print(s[0] > b[0], s[1] == b[1], e[0] > s[1], e[1] > b[2])' "$T/protection.txt")" "True True True True" \
    "a signed session adds signed responses only; an encrypted one encrypted and decrypted messages"

# ---- logons from lsassd ------------------------------------------------------
"$LWADMIN" config set lsass.lockout-threshold 2 >/dev/null
before=$($SCRAPE "$URL" | json_get 'int(s.get("lsass_logon_failures_total{provider=local,reason=bad_credentials}", 0)), int(s.get("lsass_lockouts_total{provider=local}", 0)), int(s["lsass_logons_total{provider=local}"])')
printf 'username = %s\npassword = wrong\n' "$APPLIANCE_USER" > "$T/wrong.txt"
for i in 1 2 3; do
    smbclient -s "$APPLIANCE_CONF" -A "$T/wrong.txt" -p "$APPLIANCE_PORT" //127.0.0.1/test -c ls \
        >/dev/null 2>&1
done
sleep 1.1
after=$($SCRAPE "$URL" | json_get 'int(s.get("lsass_logon_failures_total{provider=local,reason=bad_credentials}", 0)), int(s.get("lsass_logons_total{provider=local}", 0)), int(s.get("lsass_lockouts_total{provider=local}", 0)), int(s.get("lsass_logon_failures_total{provider=local,reason=locked_out}", 0))')
is "$before" "0 0 3" "before: three logons (the sessions above), no failure"
is "$after" "2 3 1 1" "two bad passwords, the account locked by the second, the third refused as locked"
"$LWADMIN" user set "$APPLIANCE_USER" --unlock >/dev/null 2>&1

# ---- who may ask ---------------------------------------------------------------------
# lsassd's STATS opcode is for root and lsassd's own user; lwiod accepts only
# those too. Let nobody reach the sockets (the run directory is private).
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    chmod 711 "$T" "$T/registry.run"
    cat > "$T/op-stats.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(struct.pack("<III", 8, 100, 7))          # length, LSASS_OP_STATS, id
head = s.recv(16)
length, opcode, rid, status = struct.unpack("<IIII", head[:16])
print("%d %d 0x%08x" % (opcode, rid, status))
PY
    is "$(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
          /usr/bin/python3 "$T/op-stats.py" "$T/registry.run/lsassd.sock" 2>&1)" \
        "100 7 0xc0000022" "LSASS_OP_STATS from nobody: STATUS_ACCESS_DENIED"
    is "$(/usr/bin/python3 "$T/op-stats.py" "$T/registry.run/lsassd.sock" 2>&1)" \
        "100 7 0x00000000" "... from root: answered"
    out=$(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
          "$LWADMIN" stats 2>&1); rc=$?
    is "$rc" 1 "lwadmin stats as nobody fails"
    like "$out" "access denied|cannot (open|read)" "... saying why ($out)"
    chmod 700 "$T" "$T/registry.run"
else
    ok "# SKIP setpriv or user nobody missing" true
fi

# ---- basic authentication -----------------------------------------------------
PROM_PASSWORD="Pm-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')-7Zz"
printf '%s\n' "$PROM_PASSWORD" | "$LWADMIN" user add scraper --password-stdin >/dev/null
"$LWADMIN" config set metrics.user scraper >/dev/null
(umask 077; printf 'scraper:%s\n' "$PROM_PASSWORD" > "$T/good.auth"
 printf 'scraper:not-%s\n' "$PROM_PASSWORD" > "$T/bad.auth"
 printf '%s:%s\n' "$APPLIANCE_USER" "$APPLIANCE_PASSWORD" > "$T/other.auth")
ok "metrics.user set: a scrape without credentials is refused (401)" wait_status "$URL" 401
is "$($SCRAPE "$URL" | json_get 'd["www_authenticate"]')" 'Basic realm="Samewise metrics"' \
    "... with a basic challenge"
is "$($SCRAPE "$URL" --auth "$T/bad.auth" | json_get 'd["status"]')" 401 "a wrong password is refused"
is "$($SCRAPE "$URL" --auth "$T/other.auth" | json_get 'd["status"]')" 401 \
    "another user's right password is refused"
is "$($SCRAPE "$URL" --auth "$T/good.auth" | json_get 'd["status"], d["families"] > 10')" "200 True" \
    "the scraper's password is accepted"
"$LWADMIN" user set scraper --disable >/dev/null
is "$($SCRAPE "$URL" --auth "$T/good.auth" | json_get 'd["status"]')" 401 "a disabled account is refused"
"$LWADMIN" user set scraper --enable >/dev/null
nok "no password in lwiod's log" grep -qF "$PROM_PASSWORD" "$T/registry.run/lwiod.log"
"$LWADMIN" config set metrics.user "" >/dev/null
ok "metrics.user emptied: open again" wait_status "$URL" 200

# ---- bounds ----------------------------------------------------------------------
threads_before=$(ls /proc/"$(lwiod_pid)"/task | wc -l)
/usr/bin/python3 - "$MPORT" > "$T/hostile.out" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
idle = []
for _ in range(30):            # more than the connection limit, sending nothing
    try:
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        pass
big = socket.create_connection(("127.0.0.1", port), timeout=5)
try:                             # a request whose headers exceed the memory limit
    big.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n")
    answer = big.recv(100)
except OSError:
    answer = b"(closed)"
print("big:", answer.split(b"\r\n")[0].decode(errors="replace") or "(closed)")
time.sleep(12)                   # longer than the 10 s idle timeout
closed = 0
for s in idle:
    s.settimeout(1)
    try:
        closed += s.recv(1) == b""
    except OSError:
        closed += 1
print("closed:", closed, "of", len(idle))
PY
like "$(cat "$T/hostile.out")" "big: (HTTP/1.1 431|HTTP/1.1 413|\(closed\))" \
    "a request beyond the header limit is refused"
like "$(cat "$T/hostile.out")" "closed: ([0-9]+) of \1" "idle connections are closed after the timeout"
is "$($SCRAPE "$URL" | json_get 'd["status"]')" 200 "the endpoint still answers"
is "$(ls /proc/"$(lwiod_pid)"/task | wc -l)" "$threads_before" "lwiod started no thread for them"

# ---- a port someone else holds ---------------------------------------------------
BUSY=$(tap_free_port)
/usr/bin/python3 -c "
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', $BUSY)); s.listen(1)
open('$T/busy', 'w').write('ready')
time.sleep(30)" &
HOLDER=$!
tap_at_exit "kill $HOLDER 2>/dev/null"
i=0; while [ $i -lt 50 ] && [ ! -s "$T/busy" ]; do sleep 0.1; i=$((i + 1)); done
"$LWADMIN" config set metrics.listen "127.0.0.1:$BUSY" >/dev/null
i=0
while [ $i -lt 100 ] && ! grep -q "cannot listen on 127.0.0.1 port $BUSY" "$T/registry.run/lwiod.log"; do
    sleep 0.1; i=$((i + 1))
done
ok "a port another program holds: lwiod says it cannot listen (no shared port)" \
    grep -q "cannot listen on 127.0.0.1 port $BUSY" "$T/registry.run/lwiod.log"
is "$($SCRAPE "$URL" | json_get 'd["status"]')" 0 "... and its old port was closed"
kill $HOLDER 2>/dev/null

# ---- live port change, then off ---------------------------------------------------
MPORT2=$(tap_free_port)
"$LWADMIN" config set metrics.listen "127.0.0.1:$MPORT2" >/dev/null
ok "moved live to port $MPORT2" wait_status "http://127.0.0.1:$MPORT2/metrics" 200
is "$($SCRAPE "$URL" | json_get 'd["status"]')" 0 "the old port no longer answers"
"$LWADMIN" config set metrics.listen off >/dev/null
ok "off: the new port stops answering" wait_status "http://127.0.0.1:$MPORT2/metrics" 0
is "$($SCRAPE --listening "$(lwiod_pid)" | tr '\n' ' ')" "$APPLIANCE_PORT " \
    "off: lwiod listens on the SMB port only again"

"$LWADMIN" config set metrics.listen on >/dev/null
is "$("$LWADMIN" config get metrics.listen)" "on" "on is accepted (127.0.0.1:9922)"
if wait_status "http://127.0.0.1:9922/metrics" 200 &&
   $SCRAPE --listening "$(lwiod_pid)" | grep -qx 9922; then
    ok "on: listens on loopback 9922" true
else
    # Another program may hold 9922 on this machine: lwiod must then say so
    # (once it has seen the change: at most 10 s).
    i=0
    while [ $i -lt 100 ] && ! grep -q "cannot listen on 127.0.0.1 port 9922" "$T/registry.run/lwiod.log"; do
        sleep 0.1; i=$((i + 1))
    done
    ok "on: 9922 taken by someone else, and lwiod's log says it cannot listen" \
        grep -q "cannot listen on 127.0.0.1 port 9922" "$T/registry.run/lwiod.log" ||
        diag "$(tail -5 "$T/registry.run/lwiod.log")"
fi
"$LWADMIN" config set metrics.listen off >/dev/null
appliance_stop >/dev/null 2>&1
"$LWADMIN" stats >/dev/null 2>"$T/stats.err"
is "$?" 1 "lwadmin stats exits 1 when the server is not running"
like "$(cat "$T/stats.err")" "not running" "... and says so"
done_testing
