#!/bin/sh
# Per-share encryption in the session listings: a share made with --encrypt
# and a plain one, with encryption off for the server. An impacket client
# (SMB 3.0) holds tree connects to both and smbclient (3.1.1) one to the
# encrypted share; `lwadmin session list` (text and --json) shows which tree
# connects are encrypted, and the sessions themselves are not.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbclient smbclient
need_python_module impacket python3-impacket
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
mkdir -p "$T/secret"
"$LWADMIN" share add secret "$T/secret" --encrypt --grant alice:full >/dev/null ||
    { echo "Bail out! cannot add the encrypted share"; exit 1; }
appliance_require

# An impacket client holding tree connects to test and secret until $T/quit
# appears (at most 60 s).
mkdir -p "$T/hold"
/usr/bin/python3 - "$APPLIANCE_PORT" "$APPLIANCE_PASSWORD" "$T/hold" <<'PY' 2>"$T/hold/err" &
import os, sys, time
from impacket import smb3structs
from impacket.smbconnection import SMBConnection
port, password, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port,
                  preferredDialect=smb3structs.SMB2_DIALECT_30)
c.login('alice', password)
c.connectTree('test')
c.connectTree('secret')
with open(os.path.join(work, 'out'), 'w') as f:
    f.write('ready\n')
deadline = time.time() + 60
while time.time() < deadline and not os.path.exists(os.path.join(work, 'quit')):
    time.sleep(0.1)
PY
tap_at_exit "kill $!"
tap_at_exit "touch $T/hold/quit"
mkfifo "$T/smbclient.in"
appliance_smbclient secret -m SMB3_11 < "$T/smbclient.in" > "$T/smbclient.out" 2>&1 &
tap_at_exit "kill $!"
exec 3> "$T/smbclient.in"   # smbclient waits for commands until this closes
i=0
while [ $i -lt 200 ] && { ! grep -qs '^ready' "$T/hold/out" ||
      [ "$("$LWADMIN" --json session list | grep -c '"tree_id"')" -lt 3 ]; }; do
    sleep 0.05; i=$((i + 1))
done
ok "impacket holds test and secret, smbclient holds secret" grep -qs '^ready' "$T/hold/out" ||
    diag "$(cat "$T/hold/err")"

json=$("$LWADMIN" --json session list)
trees=$(printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
for s in sorted(json.load(sys.stdin), key=lambda s: s["dialect"]):
    print(s["dialect"], s["encrypted"], " ".join("%s=%s" % (t["share"], t["encrypted"])
                                               for t in sorted(s["trees"], key=lambda t: t["share"])))
')
is "$trees" "3.0 False secret=True test=False
3.1.1 False secret=True" "session list --json: secret encrypted, test not, neither session as a whole"
text=$("$LWADMIN" session list)
diag "$text"
like "$text" "3\\.0 .*(secret \\(encrypted\\),test|test,secret \\(encrypted\\))( |\$)" \
    "the text listing marks secret (encrypted) and not test (impacket's session)"
like "$text" "3\\.1\\.1 .* secret \\(encrypted\\) " "... and smbclient's"
unlike "$text" "test \\(encrypted\\)" "test is never marked"
exec 3>&-
done_testing
