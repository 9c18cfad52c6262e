#!/bin/sh
# lwconsole's live screens against a running appliance: the Sessions and Open
# files screens list what srv reports through srvctl (a client held open by
# impacket, connected to a plain share and to one made with --encrypt, which
# the Sessions screen marks "(encrypted)"), and closing a session from the
# console logs that client off.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/lwconsole-lib.sh"

appliance_init || exit 1
mkdir -p "$T/secret"
"$LWADMIN" share add secret "$T/secret" --encrypt --grant alice:full >/dev/null || exit 1
appliance_require
printf 'held open by the test\n' > "$APPLIANCE_SHARE_DIR/held.txt"
chmod 0644 "$APPLIANCE_SHARE_DIR/held.txt"

# A client that logs on, opens held.txt and keeps it open until killed (at
# most 120 s); after the session is closed its next request fails.
cat > "$T/hold.py" <<'PY'
import sys, time
from impacket.smbconnection import SMBConnection
port, share, password, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, timeout=10)
c.login('alice', password)
tid = c.connectTree(share)
fid = c.openFile(tid, 'held.txt', desiredAccess=0x80000000)
c.connectTree('secret')
open(marker, 'w').write('open\n')
deadline = time.time() + 120
while time.time() < deadline:
    time.sleep(0.5)
    try:
        c.getSMBServer().echo()
    except Exception as e:
        open(marker, 'w').write('gone: %s\n' % e)
        break
PY
/usr/bin/python3 "$T/hold.py" "$APPLIANCE_PORT" "$APPLIANCE_SHARE" "$APPLIANCE_PASSWORD" \
    "$T/held" 2> "$T/hold.err" &
HOLDER=$!
tap_at_exit "kill $HOLDER"
i=0
while [ $i -lt 300 ] && ! grep -qs open "$T/held"; do sleep 0.1; i=$((i + 1)); done
ok "a client holds held.txt open" grep -qs open "$T/held" || diag "$(cat "$T/hold.err")"

console_start 120 30
wait_for 'Status:' >/dev/null || exit 1
keys 6
ok "the Sessions screen lists alice's session, live" wait_for 'Sessions \(.*live\)' &&
    wait_for 'alice +127\.0\.0\.1:[0-9]+ +3\.'
ok "... with its shares, the encrypted one marked" wait_for ' test,secret \(encrypted\) '
keys 7
ok "the Open files screen lists held.txt with read access" wait_for 'held\.txt.* read'
keys 6
wait_for 'alice' >/dev/null
select_row alice
keys c
ok "closing asks first" wait_for 'Close session'
keys y
ok "the console says the session is closed" wait_for 'Session closed'
i=0
while [ $i -lt 100 ] && ! grep -qs gone "$T/held"; do sleep 0.1; i=$((i + 1)); done
ok "the client was logged off" grep -qs gone "$T/held"
unlike "$("$LWADMIN" session list 2>&1)" "alice" "lwadmin no longer lists alice's session"
ok "lwconsole exits cleanly" console_stop
