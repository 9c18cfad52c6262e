#!/bin/sh
# srvctl against a running appliance, through the small tool in
# t/srvctl-client.c: sessions and tree connects of a real client, closing a
# session, the share reload (a deleted share and a moved one lose their tree
# connects, the client notices, other tree connects stay), controls refused
# to a caller that is not an administrator, and "not running" both without
# lwiod and with an lwiod that has no srv driver.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_python_module impacket python3-impacket
TOOL=$SW_BUILD/t/srvctl-client.t
appliance_init || skip_all "appliance_init failed"
DB=$APPLIANCE_DB

out=$("$TOOL" sessions "$DB" 2>&1); rc=$?
is "$rc" 1 "no lwiod: the call fails"
is "$out" "STATUS_PORT_DISCONNECTED" "with STATUS_PORT_DISCONNECTED"

# A second share on its own directory, to move it later.
mkdir -p "$T/other" "$T/moved"
"$LWADMIN" share add other "$T/other" --grant alice:full >/dev/null
chmod 777 "$APPLIANCE_SHARE_DIR" "$T/other" "$T/moved"  # pvfs acts as nobody for alice
appliance_require

is "$("$TOOL" sessions "$DB")" "" "no sessions before any client"
is "$("$TOOL" connections "$DB")" "" "no tree connects either"

# A pipe for the client to open on IPC$ (srvsvcd may not be built).
"$TOOL" pipe-server "$DB" srvctltest 90 > "$T/pipe.out" 2>&1 &
tap_at_exit "kill $!"
i=0
while [ $i -lt 200 ] && ! grep -qs listening "$T/pipe.out"; do sleep 0.05; i=$((i + 1)); done

mkdir -p "$T/c"
/usr/bin/python3 - "$APPLIANCE_PORT" "$APPLIANCE_PASSWORD" "$T/c" <<'PY' 2>"$T/c/err" &
# Connects test, other and IPC$, holds test\held.txt and the pipe srvctltest
# open, then answers
# probes of the two disk trees (a CREATE and CLOSE on each: refused with
# NETWORK_NAME_DELETED once the tree is gone).
import os, sys, time
from impacket.smbconnection import SMBConnection
from impacket.nt_errors import ERROR_MESSAGES
port, password, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def say(line):
    with open(os.path.join(work, 'out'), 'a') as f:
        f.write(line + '\n')
def attempt(tid, name):
    try:
        c.closeFile(tid, c.createFile(tid, name))
        return 'ok'
    except Exception as e:
        try:
            return ERROR_MESSAGES.get(e.getErrorCode(), ('?',))[0]
        except Exception:
            return type(e).__name__
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, timeout=10)
c.login('alice', password)
trees = {'test': c.connectTree('test'), 'other': c.connectTree('other')}
ipc = c.connectTree('IPC$')
held = c.createFile(trees['test'], 'held.txt')
pipe = c.openFile(ipc, 'srvctltest', creationOption=0)
say('ready')
deadline, n = time.time() + 90, 1
while time.time() < deadline and not os.path.exists(os.path.join(work, 'quit')):
    if os.path.exists(os.path.join(work, 'probe-%d' % n)):
        for share in ('test', 'other'):
            say('probe-%d %s %s' % (n, share, attempt(trees[share], 'p%d.txt' % n)))
        n += 1
    time.sleep(0.05)
PY
CLIENT=$!
tap_at_exit "kill $CLIENT"
i=0
while [ $i -lt 200 ] && ! grep -qs '^ready' "$T/c/out"; do sleep 0.05; i=$((i + 1)); done
ok "an impacket client connects test, other and IPC\$ and opens a file and a pipe" grep -qs '^ready' "$T/c/out"
probe() {
    touch "$T/c/probe-$1"
    i=0
    while [ $i -lt 200 ] && ! grep -qs "^probe-$1 other" "$T/c/out"; do sleep 0.05; i=$((i + 1)); done
    grep "^probe-$1 " "$T/c/out"
}

sessions=$("$TOOL" sessions "$DB")
is "$(printf '%s\n' "$sessions" | grep -c '^id=')" 1 "one session"
like "$sessions" "user=alice domain=[^ ]+ client=127\\.0\\.0\\.1 port=[0-9]+ dialect=3\\.0 " \
    "alice from 127.0.0.1 at SMB 3.0"
like "$sessions" "trees=3" "with three tree connects"
sid=$(printf '%s\n' "$sessions" | sed -n 's/^id=\([0-9]*\) .*/\1/p')
conns=$("$TOOL" connections "$DB")
is "$(printf '%s\n' "$conns" | sed -n 's/.* share=\([^ ]*\) type=\([0-9]\).*/\1:\2/p' | sort | tr '\n' ' ')" \
    "IPC\$:2 other:1 test:1 " "connections: IPC\$ (a pipe share), other and test (disk shares)"
is "$(printf '%s\n' "$conns" | grep -c "^session=$sid tree=[0-9]* .* user=alice client=127\\.0\\.0\\.1")" 3 \
    "each of the session, alice, from 127.0.0.1"

out=$("$TOOL" files "$DB"); rc=$?
is "$rc" 0 "files enumerate"
like "$out" "^id=[0-9]+ session=$sid share=test path=held\\.txt local=$APPLIANCE_SHARE_DIR/held\\.txt user=alice flags=0 " \
    "the file the client holds open: session, share, path, path on the server, user"
like "$out" "^id=[0-9]+ session=$sid share=IPC\\\$ path=srvctltest local= user=alice flags=1 " \
    "and the pipe, flagged as one, with no path on the server"
is "$(printf '%s\n' "$out" | grep -c '^id=')" 2 "and nothing else"
like "$("$TOOL" connections "$DB")" "share=test type=1 user=alice client=127\\.0\\.0\\.1 opens=1" \
    "its tree connect counts it"
like "$("$TOOL" sessions "$DB")" "opens=2 trees=3" "its session counts both"
out=$("$TOOL" close-file "$DB" "$sid" 999 2>&1); rc=$?
is "$out" "STATUS_NOT_FOUND" "closing a file that is not open: STATUS_NOT_FOUND"
out=$("$TOOL" close-file "$DB" 12345 1 2>&1); rc=$?
is "$out" "STATUS_NOT_FOUND" "closing a file of a session that does not exist: STATUS_NOT_FOUND"

# ---- reloading shares ---------------------------------------------------------------
before=$(probe 1)
unlike "$before" "NETWORK_NAME_DELETED" "before any reload both tree connects work"
is "$("$TOOL" reload "$DB")" "affected=0" "a reload with the database unchanged drops nothing"
is "$("$TOOL" connections "$DB" | grep -c share=)" 3 "and the three tree connects stay"
# lwadmin share del and share set --path ask srv for the reload themselves
# (t/lwadmin-share-live.t), so the one after them has nothing left to drop.
"$LWADMIN" share del test >/dev/null
"$LWADMIN" share set other --path "$T/moved" >/dev/null
is "$("$TOOL" reload "$DB")" "affected=0" "after lwadmin deleted test and moved other, a reload has nothing left to drop"
is "$("$TOOL" connections "$DB" | sed -n 's/.* share=\([^ ]*\) .*/\1/p')" "IPC\$" \
    "only the IPC\$ tree connect is left"
after=$(probe 2)
like "$after" "probe-2 test STATUS_NETWORK_NAME_DELETED" "the client's next request on test fails"
like "$after" "probe-2 other STATUS_NETWORK_NAME_DELETED" "and on other"
like "$("$TOOL" sessions "$DB")" "id=$sid .* opens=1 trees=1" \
    "the session itself stays, without the file that was open on test"
files=$("$TOOL" files "$DB")
is "$(printf '%s\n' "$files" | grep -c '^id=')" 1 "one open is left"
like "$files" "share=IPC\\\$ path=srvctltest " "the pipe"

# ---- callers that are not administrators ----------------------------------------------
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    chmod 711 "$T" "$APPLIANCE_RUN_DIR"
    as_nobody() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$@"; }
    out=$(as_nobody "$TOOL" close-session "$DB" "$sid" 2>&1)
    is "$out" "STATUS_ACCESS_DENIED" "nobody cannot close a session"
    out=$(as_nobody "$TOOL" reload "$DB" 2>&1)
    is "$out" "STATUS_ACCESS_DENIED" "nobody cannot reload shares"
    out=$(as_nobody "$TOOL" sessions "$DB" 2>&1); rc=$?
    if [ "$rc" -eq 0 ]; then
        ok "lwiod accepts nobody: enumeration works" true
    else
        is "$out" "STATUS_ACCESS_DENIED" "lwiod refuses nobody altogether"
    fi
    chmod 700 "$T" "$APPLIANCE_RUN_DIR"
    like "$("$TOOL" sessions "$DB")" "id=$sid " "the session survived the attempts"
else
    ok "# SKIP setpriv or user nobody missing" true
fi

# ---- closing the session -----------------------------------------------------------------
is "$("$TOOL" close-session "$DB" "$sid")" "affected=1" "an administrator closes the session"
is "$("$TOOL" sessions "$DB")" "" "no session left"
is "$("$TOOL" connections "$DB")" "" "and no tree connect"
out=$("$TOOL" close-session "$DB" "$sid" 2>&1)
is "$out" "STATUS_NOT_FOUND" "closing it again: STATUS_NOT_FOUND"

# ---- not running ----------------------------------------------------------------------------
touch "$T/c/quit"
appliance_stop >/dev/null 2>&1
out=$("$TOOL" sessions "$DB" 2>&1)
is "$out" "STATUS_PORT_DISCONNECTED" "after lwadmin stop: STATUS_PORT_DISCONNECTED"
"$BIN/lwiod" --db "$DB" --foreground --log-level info --drivers npfs --required-drivers npfs \
    2> "$T/lwiod.log" &
LWIOD=$!
tap_at_exit "kill $LWIOD"
i=0
while [ $i -lt 200 ] && ! grep -qs 'ready on' "$T/lwiod.log"; do sleep 0.05; i=$((i + 1)); done
out=$("$TOOL" sessions "$DB" 2>&1)
is "$out" "STATUS_NO_SUCH_DEVICE" "lwiod without srv: STATUS_NO_SUCH_DEVICE"
like "$("$LWADMIN" session list 2>&1)" "not running \\(lwiod runs without the srv driver\\)" \
    "which lwadmin reports as the server not running"
kill "$LWIOD"
wait "$LWIOD" 2>/dev/null
