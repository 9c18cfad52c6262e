#!/bin/sh
# lwadmin start/status/stop with the real daemons (lsassd, lwiod, srvsvcd):
# start refuses cleanly when the SMB server driver is missing and stops what
# it started when the SMB port never opens; stop ends every pid; instances with different registries run side by side; status
# exits 1 when nothing runs; a stale pid file (dead pid, a foreign process,
# another instance's daemon) is never signalled; --foreground stops all on
# SIGTERM. The SMB server itself is not needed here: the instances run lwiod
# with npfs only (lwiod.drivers without srv).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

# The drivers that exist, without srv.
no_srv() {
    "$LWADMIN" --db "$1" config set lwiod.drivers npfs >/dev/null &&
        "$LWADMIN" --db "$1" config set lwiod.required-drivers npfs >/dev/null
}
# Alive and not a zombie.
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
gone() { [ -n "$1" ] && ! alive "$1"; }
pid_of() { cat "${1%.db}.run/$2.pid" 2>/dev/null; }
# Every pid this test sees is killed at exit if it is still a daemon of one
# of its registries (appliance.sh does the same for instance A).
reap_later() { tap_at_exit "tr '\\0' '\\n' < /proc/$1/cmdline | grep -qxF '$2' && kill -9 $1"; }
# The pids in an instance's pid files.
pids_of() { cat "${1%.db}.run/"*.pid 2>/dev/null; }
all_gone() { for p in $1; do gone "$p" || return 1; done; }
# Prints a Python expression over the JSON on stdin: d is the document, and
# lwiod its entry in d["daemons"].
json_get() {
    /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); lwiod=[x for x in d['daemons'] if x['name']=='lwiod'][0]; print($1)"
}

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
A=$APPLIANCE_DB
no_srv "$A"

# ---- nothing runs ----------------------------------------------------------
out=$("$LWADMIN" status 2>&1); rc=$?
is "$rc" 1 "status exits 1 when nothing runs"
like "$out" "lwiod: +stopped" "... and says lwiod is stopped"
out=$("$LWADMIN" --json status); rc=$?
is "$rc" 1 "status --json exits 1 too"
is "$(printf '%s' "$out" | json_get 'd["running"], lwiod["state"]')" "False stopped" \
    "--json: not running, lwiod stopped"

# ---- start, status ---------------------------------------------------------
appliance_start > "$T/start.out"; rc=$?
is "$rc" 0 "start without srv configured exits 0"
like "$(cat "$T/start.out")" "lwiod +running, pid [0-9]+" "start says lwiod runs"
like "$(cat "$T/start.out")" "SMB server not started: lwiod.drivers does not list srv" \
    "start says the SMB server is not configured"
pa=$(pid_of "$A" lwiod)
ok "lwiod.pid names a live process" alive "$pa"
like "$(tr '\0' ' ' < "/proc/$pa/cmdline")" "lwiod --db $A " "lwiod runs for this registry"
ok "lwiod.log is in the run directory" test -f "$APPLIANCE_RUN_DIR/lwiod.log"
out=$("$LWADMIN" status); rc=$?
is "$rc" 0 "status exits 0 while lwiod runs"
like "$out" "lwiod: +running \\(pid $pa, since [0-9-]+ [0-9:]+\\)" "status shows pid and start time"
is "$("$LWADMIN" --json status | json_get 'd["running"], lwiod["pid"], lwiod["since"] is not None, d["smb"]["listen"], d["smb"]["port"]')" \
    "True $pa True 127.0.0.1 $APPLIANCE_PORT" "--json status: pid, since, listen address and port"
"$LWADMIN" start >/dev/null 2>&1; rc=$?
is "$rc" 0 "a second start is a no-op"
is "$(pid_of "$A" lwiod)" "$pa" "... and keeps the same lwiod"
all_a=$(pids_of "$A")
for d in lsassd srvsvcd; do
    pd=$(pid_of "$A" "$d")
    ok "$d runs too" alive "$pd"
    like "$(tr '\0' ' ' < "/proc/$pd/cmdline" 2>/dev/null)" "$d --db $A" "... for this registry"
    like "$("$LWADMIN" status)" "$d: +running \\(pid $pd," "status shows $d"
done

# ---- a second instance side by side -----------------------------------------
B=$T/b/registry.db
mkdir -p "$T/b"
"$LWADMIN" --db "$B" init >/dev/null && no_srv "$B"
tap_at_exit "'$LWADMIN' --db '$B' stop --timeout 5"
"$LWADMIN" --db "$B" start >/dev/null 2>&1; rc=$?
is "$rc" 0 "a second instance with another registry starts"
pb=$(pid_of "$B" lwiod)
all_b=$(pids_of "$B")
for p in $all_b; do reap_later "$p" "$B"; done
ok "... with its own lwiod" test -n "$pb" -a "$pb" != "$pa"
ok "both lwiods run" alive "$pa"
ok "... B's too" alive "$pb"
like "$("$LWADMIN" --db "$B" status)" "lwiod: +running \\(pid $pb," "status of B shows B's lwiod"

out=$("$LWADMIN" stop); rc=$?
is "$rc" 0 "stop exits 0"
like "$out" "Stopped lwiod \\(pid $pa\\)" "stop says what it stopped"
ok "A's lwiod is gone (/proc)" gone "$pa"
nok "its pid file is removed" test -e "$APPLIANCE_RUN_DIR/lwiod.pid"
ok "every daemon A ran is gone ($(echo $all_a))" all_gone "$all_a"
nok "... and no pid file is left" sh -c "ls '$APPLIANCE_RUN_DIR' | grep -q '[.]pid\$'"
ok "B's lwiod still runs" alive "$pb"
"$LWADMIN" status >/dev/null; rc=$?
is "$rc" 1 "status of A exits 1 again"
like "$("$LWADMIN" stop)" "Nothing was running" "stop when nothing runs says so"

# ---- stale pid files are never signalled ------------------------------------
sh -c 'exit 0' & dead=$!
wait "$dead"
echo "$dead" > "$APPLIANCE_RUN_DIR/lwiod.pid"
out=$("$LWADMIN" status); rc=$?
is "$rc" 1 "a dead pid in the pid file: status exits 1"
like "$out" "stopped \\(stale pid file naming pid $dead\\)" "... and calls the pid file stale"
err=$("$LWADMIN" stop 2>&1 >/dev/null); rc=$?
is "$rc" 0 "stop over a dead pid exits 0"
like "$err" "stale pid file of lwiod \\(pid $dead" "... says the pid file was stale"
nok "... and removes it" test -e "$APPLIANCE_RUN_DIR/lwiod.pid"

sleep 60 & foreign=$!
tap_at_exit "kill $foreign"
echo "$foreign" > "$APPLIANCE_RUN_DIR/lwiod.pid"
"$LWADMIN" stop >/dev/null 2>&1; rc=$?
is "$rc" 0 "stop over a foreign pid exits 0"
ok "... the foreign process is not signalled" alive "$foreign"

echo "$pb" > "$APPLIANCE_RUN_DIR/lwiod.pid"
"$LWADMIN" stop >/dev/null 2>&1
ok "another instance's lwiod in our pid file is not signalled" alive "$pb"

echo "$foreign" > "$APPLIANCE_RUN_DIR/lwiod.pid"
err=$("$LWADMIN" start 2>&1 >/dev/null); rc=$?
is "$rc" 0 "start over a stale pid file succeeds"
like "$err" "removed a stale pid file of lwiod \\(pid $foreign" "... after removing it"
pa2=$(pid_of "$A" lwiod)
all_a=$(pids_of "$A")
for p in $all_a; do reap_later "$p" "$A"; done
ok "... with a new lwiod" alive "$pa2"
ok "... and the foreign process untouched" alive "$foreign"
"$LWADMIN" stop >/dev/null
ok "stop ends it" gone "$pa2"
ok "... and every daemon of A" all_gone "$all_a"

"$LWADMIN" --db "$B" stop >/dev/null
ok "stop of B ends B's lwiod" gone "$pb"
ok "... and all of B's daemons" all_gone "$all_b"

# ---- --foreground ------------------------------------------------------------
"$LWADMIN" start --foreground > "$T/fg.out" 2> "$T/fg.err" &
fg=$!
tap_at_exit "kill $fg"
# It prints what runs once everything is up.
for _ in $(seq 100); do
    grep -q "^lwiod " "$T/fg.out" && break
    sleep 0.1
done
pf=$(pid_of "$A" lwiod)
all_f=$(pids_of "$A")
for p in $all_f; do reap_later "$p" "$A"; done
ok "start --foreground starts lwiod" alive "$pf"
ok "... and stays" alive "$fg"
kill -TERM "$fg"
wait "$fg"; rc=$?
is "$rc" 0 "on SIGTERM it exits 0"
ok "... having stopped lwiod" gone "$pf"
ok "... and every daemon" all_gone "$all_f"
like "$(cat "$T/fg.out")" "Stopped lwiod \\(pid $pf\\)" "... and says so"

# ---- no SMB server driver ------------------------------------------------------
# An installed layout (bin/ and drivers/ side by side) holding lwadmin, the
# daemons and npfs.so only: what `lwadmin start` finds is what lies beside it.
inst=$T/inst
mkdir -p "$inst/bin" "$inst/drivers" "$T/c"
for d in lwadmin lwiod lsassd srvsvcd; do
    [ -x "$SW_BUILD/bin/$d" ] && cp "$SW_BUILD/bin/$d" "$inst/bin/"
done
cp "$SW_BUILD/drivers/npfs.so" "$inst/drivers/"
C=$T/c/registry.db
IL=$inst/bin/lwadmin
"$IL" --db "$C" init >/dev/null
"$IL" --db "$C" config set srv.listen 127.0.0.1 >/dev/null
"$IL" --db "$C" config set srv.port "$(tap_free_port)" >/dev/null
tap_at_exit "'$IL' --db '$C' stop --timeout 5"
out=$("$IL" --db "$C" start 2>&1); rc=$?
is "$rc" 1 "start with srv configured but no srv.so exits 1"
like "$out" "the SMB server driver is not available yet \\($inst/bin/../drivers/srv.so is missing\\); nothing was started" \
    "... saying the SMB server driver is not available yet"
nok "... and nothing runs" test -e "$T/c/registry.run/lwiod.pid"

jansson=$(ldd "$IL" | awk '/libjansson/ { print $3; exit }')
if [ -r "$jansson" ]; then
    cp "$jansson" "$inst/drivers/srv.so"
    out=$("$IL" --db "$C" start 2>&1); rc=$?
    is "$rc" 1 "a srv.so without DriverEntry is refused too"
    like "$out" "not available yet \\(.*srv.so has no DriverEntry\\)" "... and says why"
else
    skip_one() { _tap_record 0 "# SKIP $1"; }
    skip_one "no library to stand in for a srv.so without DriverEntry"
    skip_one "no library to stand in for a srv.so without DriverEntry"
fi

# A srv.so that loads but never listens (npfs under another name: its device
# name collides, lwiod goes on without it): start waits, gives up, stops lwiod.
cp "$inst/drivers/npfs.so" "$inst/drivers/srv.so"
"$IL" --db "$C" config set lwiod.drivers npfs,srv >/dev/null
"$IL" --db "$C" config set lwiod.required-drivers npfs >/dev/null
out=$("$IL" --db "$C" start --timeout 2 2>&1); rc=$?
is "$rc" 1 "start exits 1 when the SMB port never opens"
like "$out" "nothing accepts connections on 127.0.0.1 port [0-9]+: the SMB server driver is not available yet" \
    "... and says so"
like "$out" "lwiod.log: .*driver srv" "... with the end of lwiod's log"
like "$out" "Stopped lwiod \\(pid [0-9]+\\)" "... and stops the lwiod it started"
pc=$(printf '%s' "$out" | sed -n 's/.*Stopped lwiod (pid \([0-9]*\)).*/\1/p')
ok "... which is gone" gone "$pc"
"$IL" --db "$C" status >/dev/null 2>&1; rc=$?
is "$rc" 1 "... so nothing runs"

no_srv "$C"
"$IL" --db "$C" start >/dev/null 2>&1; rc=$?
is "$rc" 0 "without srv in lwiod.drivers the installed copy starts"
pc=$(pid_of "$C" lwiod)
[ -n "$pc" ] && reap_later "$pc" "$C"
is "$(readlink "/proc/$pc/exe")" "$inst/bin/lwiod" "... the lwiod beside that lwadmin"
"$IL" --db "$C" stop >/dev/null
ok "... and stops it" gone "$pc"
