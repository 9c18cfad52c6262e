#!/bin/sh
# Real logons through srv: lsassd checks the passwords (srv_auth_lsass), the
# stand-alone srv engine does the rest. smbclient and impacket log on with
# every dialect, sign with every algorithm and encrypt with every cipher.
. "$SW_SRC/t/tap/tap.sh"
need_program smbclient smbclient

DB=$T/registry.db
"$LWADMIN" --db "$DB" init >/dev/null || skip_all "lwadmin init failed"
# Not about the failed-logon delay (default 2 s; t/lsass-hardening.t is).
"$LWADMIN" --db "$DB" config set lsass.failed-logon-delay 0 >/dev/null
echo 'Alice-Pass1' | "$LWADMIN" --db "$DB" user add alice --password-stdin >/dev/null

"$BIN/lsassd" --db "$DB" --foreground --log-level info 2> "$T/lsassd.log" &
LSASSD=$!
tap_at_exit "kill $LSASSD"
i=0
while [ $i -lt 100 ] && [ ! -S "$T/registry.run/lsassd.sock" ]; do sleep 0.05; i=$((i + 1)); done

start_server() {
    # The previous server's PORT line must not be read as this one's: the
    # redirection below truncates the file only once the child runs.
    rm -f "$T/port"
    "$SW_BUILD/t/srv-test-server" --db "$DB" --log-level debug "$@" > "$T/port" 2> "$T/server.log" &
    PID=$!
    tap_at_exit "kill $PID"
    i=0
    # Bounded at 30 s: an ASan build on a loaded machine starts slowly.
    while [ $i -lt 300 ] && ! grep -qs '^PORT' "$T/port"; do sleep 0.1; i=$((i + 1)); done
    PORT=$(awk '/^PORT/ {print $2}' "$T/port")
}
stop_server() { kill "$PID"; wait "$PID" 2>/dev/null; }

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
printf 'username = alice\npassword = Alice-Pass1\n' > "$T/alice.txt"
printf 'username = alice\npassword = wrong\n' > "$T/wrong.txt"
chmod 600 "$T/alice.txt" "$T/wrong.txt"

# smbclient to IPC$ and straight out: SESSION_SETUP, TREE_CONNECT, then
# TREE_DISCONNECT and LOGOFF. Prints smbclient's output.
smb() {
    timeout 20 smbclient -s "$T/client.conf" -p "$PORT" "$@" '//127.0.0.1/IPC$' -c exit 2>&1
    echo "exit=$?"
}
decrypted() { grep -c 'decrypted a frame' "$T/server.log"; }

start_server
for d in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
    out=$(smb -A "$T/alice.txt" --option="client min protocol=$d" -m "$d")
    like "$out" "exit=0" "alice logs on and connects IPC\$ with $d"
done
unlike "$(grep -c 'logged on as' "$T/server.log")" "^0$" "the server saw the logons"
like "$(grep 'logged on as' "$T/server.log" | head -1)" "logged on as .*\\\\alice" \
    "the session carries lsassd's user name"
out=$(smb -A "$T/wrong.txt" -m SMB3_11)
like "$out" "NT_STATUS_LOGON_FAILURE" "a wrong password is refused"

for d in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
    out=$(smb -A "$T/alice.txt" --client-protection=sign --option="client min protocol=$d" -m "$d")
    like "$out" "exit=0" "signed session with $d (responses verified by smbclient)"
done
for a in AES-128-GMAC AES-128-CMAC HMAC-SHA256; do
    out=$(smb -A "$T/alice.txt" --client-protection=sign -m SMB3_11 \
          --option="client smb3 signing algorithms=$a")
    like "$out" "exit=0" "3.1.1 signing with $a"
done

before=$(decrypted)
for d in SMB3_00 SMB3_02; do
    out=$(smb -A "$T/alice.txt" --client-protection=encrypt --option="client min protocol=$d" -m "$d")
    like "$out" "exit=0" "encrypted session with $d (AES-128-CCM)"
done
for c in AES-128-CCM AES-128-GCM AES-256-CCM AES-256-GCM; do
    out=$(smb -A "$T/alice.txt" --client-protection=encrypt -m SMB3_11 \
          --option="client smb3 encryption algorithms=$c")
    like "$out" "exit=0" "3.1.1 encrypted session with $c"
done
after=$(decrypted)
ok "the server decrypted their requests ($before -> $after)" [ "$after" -ge $((before + 6)) ]

out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s
port = int(sys.argv[1])
for name, d in (("2.0.2", s.SMB2_DIALECT_002), ("2.1", s.SMB2_DIALECT_21),
                ("3.0", s.SMB2_DIALECT_30), ("3.1.1", s.SMB2_DIALECT_311)):
    try:
        c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, preferredDialect=d, timeout=10)
        c.login('alice', 'Alice-Pass1')
        tid = c.connectTree('IPC$')
        c.disconnectTree(tid)
        c.logoff()
        print(name, "ok")
    except Exception as e:
        print(name, "error", e)
PY
)
for d in 2.0.2 2.1 3.0; do
    like "$out" "$d ok" "impacket $d: login, tree connect, tree disconnect, logoff"
done
# impacket 0.10's NTLM login on 3.1.1 starts the session's pre-authentication
# hash from zero instead of the connection's ([MS-SMB2] 3.2.5.3.1), so its
# signing key is wrong: srv must refuse its first signed request.
like "$out" "3.1.1 error .*STATUS_ACCESS_DENIED" \
    "impacket 3.1.1 (wrong preauth hash, a client bug): its signature is refused"
like "$(cat "$T/server.log")" "bad signature on TREE_CONNECT" "and the server says why"
stop_server

start_server --signing required
out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=int(sys.argv[1]),
                  preferredDialect=s.SMB2_DIALECT_21, timeout=10)
c.login('alice', 'Alice-Pass1')
tid = c.connectTree('IPC$')
print("signed", c._SMBConnection._Session['SigningActivated'])
PY
)
like "$out" "signed True" "signing required: impacket 2.1 signs and is served"
stop_server

start_server --encryption required
out=$(smb -A "$T/alice.txt" -m SMB3_11)
like "$out" "exit=0" "encryption required: a 3.1.1 client is told to encrypt, and does"
out=$(smb -A "$T/alice.txt" --option="client min protocol=SMB2_10" -m SMB2_10)
like "$out" "NT_STATUS_ACCESS_DENIED" "encryption required: a 2.1 client is refused"
stop_server
