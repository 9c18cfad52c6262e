#!/bin/sh
# tools/run-demo.sh (`make run`, the README's first command) in a scratch
# directory: it sets up registry, share, user (a new random password on every
# run, never in the audit log) and a loopback port, and either serves (then
# smbclient logs on with the printed credentials file) or says plainly that
# the SMB server driver is not available yet and exits 0. It never claims to
# serve when nothing listens. A second run replaces the first.
. "$SW_SRC/t/tap/tap.sh"

demo=$T/demo
db=$demo/registry.db
export SAMEWISE_DEMO_DIR=$demo
SAMEWISE_DEMO_PORT=$(tap_free_port)
export SAMEWISE_DEMO_PORT
tap_at_exit "'$LWADMIN' --db '$db' stop --timeout 5"
# By pid too, should stop fail: every daemon of the demo registry.
tap_at_exit "for f in '$demo'/registry.run/*.pid; do p=\$(cat \"\$f\"); tr '\\0' '\\n' < /proc/\$p/cmdline | grep -qxF '$db' && kill -9 \$p; done"

password_in() { printf '%s\n' "$1" | sed -n 's/^Demo user: demo *password: \([A-Za-z0-9]*\) .*/\1/p'; }

out=$(sh "$SW_SRC/tools/run-demo.sh" 2>&1); rc=$?
is "$rc" 0 "run-demo.sh exits 0"
[ "$rc" -eq 0 ] || diag "$out"
like "$out" "Listens: +127.0.0.1 port $SAMEWISE_DEMO_PORT" "it prints the loopback address and port"
is "$("$LWADMIN" --db "$db" config get srv.listen 2>&1)" "127.0.0.1" "srv.listen is loopback"
like "$out" "^demo +$demo/share +read-write" "it lists the demo share"
like "$out" "^demo +1000 +enabled" "it lists the demo user"
pw1=$(password_in "$out")
is "${#pw1}" 16 "it prints a 16-character password"
is "$(stat -c %a "$demo/demo.auth")" "600" "the credentials file is 0600"
like "$(cat "$demo/demo.auth")" "password = $pw1" "... and holds that password"
like "$out" "== lwadmin start" "it says it runs lwadmin start"

"$LWADMIN" --db "$db" status >/dev/null 2>&1; running=$?
if printf '%s' "$out" | grep -q "It is serving"; then
    is "$running" 0 "it says it serves, and the daemons run"
    like "$out" "smbclient -A $demo/demo.auth -p $SAMEWISE_DEMO_PORT" "it prints the smbclient command"
    # The printed command, as printed: the demo user sees the share's files.
    like "$(timeout 60 smbclient -A "$demo/demo.auth" -p "$SAMEWISE_DEMO_PORT" -m SMB3 \
        //127.0.0.1/demo -c ls 2>&1)" "README.txt +[A-Z]* +[0-9]+" \
        "smbclient lists the demo share as the demo user"
    like "$out" "Stop: +$LWADMIN --db $db stop" "it prints how to stop"
else
    like "$out" "The SMB server driver is not available yet, so nothing is serving" \
        "without srv it says so plainly"
    is "$running" 1 "... and nothing runs (status exits 1)"
    unlike "$out" "It is serving" "... and never claims to serve"
    unlike "$out" "smbclient" "... nor prints a command that cannot work"
fi

# A second run replaces the first (same directory, a fresh registry): the
# first run's lwiod, if one ran, is stopped.
first=$(cat "$demo/registry.run/lwiod.pid" 2>/dev/null)
out=$(sh "$SW_SRC/tools/run-demo.sh" 2>&1); rc=$?
is "$rc" 0 "a second run exits 0 too"
if [ -n "$first" ]; then
    is "$(cat "$demo/registry.run/lwiod.pid" 2>/dev/null | grep -cx "$first")" 0 \
        "... with another lwiod than the first run's"
else
    nok "... and still nothing runs" sh -c "'$LWADMIN' --db '$db' status >/dev/null 2>&1"
fi
pw2=$(password_in "$out")
ok "... with a new password" [ -n "$pw2" -a "$pw2" != "$pw1" ]
is "$("$LWADMIN" --db "$db" --json user list | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    1 "... and still one user"
unlike "$("$LWADMIN" --db "$db" log)" "$pw1|$pw2" "the audit log holds neither password"
