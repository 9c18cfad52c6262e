#!/bin/sh
# `make run`: a demo appliance on loopback, from the build tree.
#
# Makes a fresh scratch registry in ${TMPDIR:-/tmp}/samewise-demo (or
# $SAMEWISE_DEMO_DIR), a share "demo" on a scratch directory beside it (its
# files are kept from run to run), a user "demo" with a new random password on
# every run (printed once, here, and written to demo.auth for smbclient -A; it
# reaches lwadmin on standard input only), listens on 127.0.0.1 and port 4455
# or another free high port ($SAMEWISE_DEMO_PORT to choose one), starts the
# appliance with `lwadmin start`, and prints how to connect and how to stop. A
# demo left running by an earlier `make run` is stopped first.
#
# Until the SMB server driver (drivers/srv) is built, `lwadmin start` refuses;
# this script then says so plainly and still exits 0: everything else is set up.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
build=${SW_BUILD:-$here/build}
lwadmin=$build/bin/lwadmin
demo=${SAMEWISE_DEMO_DIR:-${TMPDIR:-/tmp}/samewise-demo}
db=$demo/registry.db
share_dir=$demo/share
user=demo

fail() { echo "make run: $*" >&2; exit 1; }
lw() { "$lwadmin" --db "$db" "$@"; }

[ -x "$lwadmin" ] || fail "$lwadmin is missing: run 'make' first"
umask 077
mkdir -p "$demo" || fail "cannot create $demo"
# In a shared /tmp, someone else's directory of that name is not ours to use.
[ -O "$demo" ] || fail "$demo belongs to another user: set SAMEWISE_DEMO_DIR"
mkdir -p "$share_dir" || fail "cannot create $share_dir"

lw stop >/dev/null 2>&1
rm -f "$db" "$db-wal" "$db-shm"

port=${SAMEWISE_DEMO_PORT:-}
if [ -z "$port" ]; then
    for py in /usr/bin/python3 python3; do
        # 4455 when it is free (easy to remember), else any free port.
        port=$("$py" -c '
import socket
for p in (4455, 0):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(s.getsockname()[1])
    break' 2>/dev/null) && [ -n "$port" ] && break
    done
fi
[ -n "$port" ] || port=4455

password=$(LC_ALL=C tr -dc 'A-Za-z0-9' < /dev/urandom | dd bs=16 count=1 2>/dev/null)
[ ${#password} -eq 16 ] || fail "cannot make a password"

lw init >/dev/null || fail "lwadmin init failed"
# Loopback and an unprivileged port: the demo exposes nothing and needs no root.
lw config set srv.listen 127.0.0.1 >/dev/null &&
    lw config set srv.port "$port" >/dev/null || fail "cannot set the listen address and port"
printf '%s\n' "$password" | lw user add "$user" --password-stdin --full-name "Demo User" \
    --description "made by make run" >/dev/null || fail "cannot create the demo user"
[ -e "$share_dir/README.txt" ] ||
    echo "Hello from Samewise. This file lives in $share_dir." > "$share_dir/README.txt"
# pvfs gives a file without a stored NT descriptor one made from its mode, the
# "other" bits becoming Everyone's ACE: open the share's root and README to the
# demo user that way (only demo may connect to the share, and the 0700
# directory around it keeps other local Unix users out).
chmod 0777 "$share_dir" && chmod 0666 "$share_dir/README.txt" ||
    fail "cannot open $share_dir to the demo user"
# After the chmod: share add checks that the folder lets the grant write.
lw share add demo "$share_dir" --comment "Samewise demo share" --grant "$user:full" \
    >/dev/null || fail "cannot create the demo share"
# smbclient reads the credentials from this file (-A), not from its command line.
printf 'username = %s\npassword = %s\n' "$user" "$password" > "$demo/demo.auth"

echo "== lwadmin share list"
lw share list
echo
echo "== lwadmin user list"
lw user list
echo
cat <<EOF
Demo user: $user   password: $password   (new on every 'make run')
Registry:  $db
Listens:   127.0.0.1 port $port

== lwadmin start
EOF

if lw start 2> "$demo/start.err"; then
    cat <<EOF

It is serving. Connect with:
  smbclient -A $demo/demo.auth -p $port -m SMB3 //127.0.0.1/demo -c 'ls'
  smbclient -A $demo/demo.auth -p $port -m SMB3 //127.0.0.1/demo     (interactive)
Status:  $lwadmin --db $db status
Stop:    $lwadmin --db $db stop
Logs:    $demo/registry.run/*.log
EOF
    exit 0
fi

if grep -q "SMB server driver is not available yet" "$demo/start.err"; then
    cat <<EOF
The SMB server driver is not available yet, so nothing is serving: lwadmin start
refused and left no daemon running. The registry, share and user above are
ready; run 'make run' again once drivers/srv is built. What lwadmin start said:
EOF
    sed 's/^/  /' "$demo/start.err"
    exit 0
fi
cat "$demo/start.err" >&2
fail "lwadmin start failed (see above)"
