#!/bin/sh
# Real clients against the stand-alone srv engine (build/t/srv-test-server):
# smbclient and impacket negotiate every dialect and reach SESSION_SETUP, which
# the test server's srv_auth refuses (it has no accounts: logons are lsass's).
. "$SW_SRC/t/tap/tap.sh"
SERVER=$SW_BUILD/t/srv-test-server
need_program smbclient smbclient
need_python_module impacket python3-impacket

start_server() { # extra arguments; sets PORT and PID
    # The previous server's PORT line must not be read as this one's: the
    # redirection below truncates the file only once the child runs.
    rm -f "$T/port"
    "$SERVER" "$@" > "$T/port" 2> "$T/server.log" &
    PID=$!
    tap_at_exit "kill $PID"
    i=0
    # Bounded at 30 s: an ASan build on a loaded machine starts slowly.
    while [ $i -lt 300 ] && ! grep -qs '^PORT' "$T/port"; do sleep 0.1; i=$((i + 1)); done
    PORT=$(awk '/^PORT/ {print $2}' "$T/port")
}

mkdir -p "$T/client"
cat > "$T/client.conf" <<CONF
[global]
    workgroup = WORKGROUP
    client min protocol = SMB2_02
    client max protocol = SMB3
    lock directory = $T/client
    state directory = $T/client
    cache directory = $T/client
    private dir = $T/client
    ncalrpc dir = $T/client/ncalrpc
    disable netbios = yes
CONF
printf 'username = alice\npassword = secret\n' > "$T/auth.txt"
chmod 600 "$T/auth.txt"

start_server
[ -n "$PORT" ] || { echo "1..0 # SKIP test server did not start"; exit 1; }

for d in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
    out=$(timeout 20 smbclient -s "$T/client.conf" -A "$T/auth.txt" -p "$PORT" \
          --option="client min protocol=$d" -m "$d" -L 127.0.0.1 -d 10 2>&1)
    like "$out" "negotiated dialect\[$d\]" "smbclient negotiates $d"
    like "$out" "NT_STATUS_LOGON_FAILURE" "smbclient $d reaches SESSION_SETUP (logon refused)"
done

out=$(timeout 20 smbclient -s "$T/client.conf" -A "$T/auth.txt" -p "$PORT" -m SMB3_11 \
      --option='client smb3 encryption algorithms=AES-256-GCM' -L 127.0.0.1 -d 10 2>&1)
like "$out" "negotiated dialect\[SMB3_11\]" "smbclient 3.1.1 offering only AES-256-GCM"

out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s
port = int(sys.argv[1])
for name, d in (("wildcard", None), ("2.0.2", s.SMB2_DIALECT_002), ("2.1", s.SMB2_DIALECT_21),
                ("3.0", s.SMB2_DIALECT_30), ("3.1.1", s.SMB2_DIALECT_311)):
    try:
        c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, preferredDialect=d, timeout=10)
        line = "%s dialect=0x%04x" % (name, c.getDialect())
        try:
            c.login('alice', 'secret')
            line += " login=ok"
        except Exception as e:
            line += " login=" + ("LOGON_FAILURE" if "LOGON_FAILURE" in str(e) else str(e))
        print(line)
        c.close()
    except Exception as e:
        print(name, "error", e)
PY
)
like "$out" "wildcard dialect=0x0300 login=LOGON_FAILURE" "impacket: SMB1 negotiate, wildcard, then 3.0"
like "$out" "2.0.2 dialect=0x0202 login=LOGON_FAILURE" "impacket negotiates 2.0.2"
like "$out" "2.1 dialect=0x0210 login=LOGON_FAILURE" "impacket negotiates 2.1"
like "$out" "3.0 dialect=0x0300 login=LOGON_FAILURE" "impacket negotiates 3.0"
like "$out" "3.1.1 dialect=0x0311 login=LOGON_FAILURE" "impacket negotiates 3.1.1"
kill "$PID"; wait "$PID" 2>/dev/null
is "$?" "0" "test server stops cleanly on SIGTERM"

# A configured dialect range is honoured.
start_server --min-dialect 3.0 --max-dialect 3.0.2
out=$(timeout 20 smbclient -s "$T/client.conf" -A "$T/auth.txt" -p "$PORT" -m SMB3_11 -L 127.0.0.1 -d 10 2>&1)
like "$out" "negotiated dialect\[SMB3_02\]" "max-dialect 3.0.2: a 3.1.1 client gets 3.0.2"
out=$(timeout 20 smbclient -s "$T/client.conf" -A "$T/auth.txt" -p "$PORT" -m SMB2_10 -L 127.0.0.1 -d 3 2>&1)
like "$out" "NT_STATUS_NOT_SUPPORTED|NT_STATUS_CONNECTION|protocol negotiation failed" \
    "min-dialect 3.0: a 2.1-only client is refused"

# Signing required is announced.
kill "$PID"; wait "$PID" 2>/dev/null
start_server --signing required
out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=int(sys.argv[1]), timeout=10)
print("signing-required" if c.isSigningRequired() else "signing-optional")
PY
)
is "$out" "signing-required" "signing required shows in NEGOTIATE"
