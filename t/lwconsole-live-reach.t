#!/bin/sh
# A share deleted in lwconsole reaches the running server by itself (lwconsole
# never calls srv: lwiod notices the registry change): an impacket client
# holding a tree connect to it loses it (STATUS_NETWORK_NAME_DELETED), while
# its tree connect to another share keeps working.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/lwconsole-lib.sh"

appliance_init || exit 1
mkdir -p "$T/doomed"
chmod 0777 "$T/doomed"
"$LWADMIN" share add doomed "$T/doomed" --grant Everyone:full >/dev/null || exit 1
appliance_require

# Holds tree connects to doomed and to the test share; every 0.2 s lists
# both (at most 120 s) and writes what happened to the marker file.
cat > "$T/hold.py" <<'PY'
import sys, time
from impacket.smbconnection import SMBConnection
port, share, password, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, timeout=10)
c.login('alice', password)
held = [c.connectTree('doomed'), c.connectTree(share)]  # held: listPath reuses them
c.listPath('doomed', '*')
c.listPath(share, '*')
open(marker, 'w').write('connected\n')
deadline = time.time() + 120
while time.time() < deadline:
    time.sleep(0.2)
    try:
        c.listPath('doomed', '*')
    except Exception as e:
        try:
            c.listPath(share, '*')
            other = 'other ok'
        except Exception as e2:
            other = 'other failed: %s' % e2
        open(marker, 'w').write('doomed gone: %s; %s\n' % (e, other))
        break
PY
/usr/bin/python3 "$T/hold.py" "$APPLIANCE_PORT" "$APPLIANCE_SHARE" "$APPLIANCE_PASSWORD" \
    "$T/held" 2> "$T/hold.err" &
HOLDER=$!
tap_at_exit "kill $HOLDER"
i=0
while [ $i -lt 300 ] && ! grep -qs connected "$T/held"; do sleep 0.1; i=$((i + 1)); done
ok "a client holds tree connects to doomed and test" grep -qs connected "$T/held" ||
    diag "$(cat "$T/hold.err")"

console_start 100 24
wait_for 'Status:' >/dev/null || exit 1
keys 2
wait_for 'doomed' >/dev/null
select_row doomed
keys d
ok "the console asks before deleting doomed" wait_for "Delete the share 'doomed'\?"
keys y
ok "and deletes it" wait_for "Share 'doomed' deleted"
i=0
while [ $i -lt 200 ] && ! grep -qs gone "$T/held"; do sleep 0.1; i=$((i + 1)); done
like "$(cat "$T/held")" "doomed gone: .*STATUS_NETWORK_NAME_DELETED" \
    "the held tree connect to doomed is gone, within seconds"
like "$(cat "$T/held")" "; other ok" "the tree connect to the other share keeps working"
ok "lwconsole exits cleanly" console_stop
done_testing
