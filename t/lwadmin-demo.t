#!/bin/sh
# `make run` (tools/run-demo.sh): builds a demo registry with a share and a
# user in a scratch directory, shows them, and can run again.
. "$SW_SRC/t/tap/tap.sh"

run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err"); }

run env TMPDIR="$T" sh "$SW_SRC/tools/run-demo.sh"
is "$rc" 0 "run-demo.sh succeeds"
[ "$rc" -eq 0 ] || diag "$err"
ok "  made its registry under \$TMPDIR/samewise-demo" [ -f "$T/samewise-demo/registry.db" ]
like "$out" "^demo +$T/samewise-demo/share +read-write" "  lists the demo share"
like "$out" "^demo +1000 +enabled" "  lists the demo user"
like "$out" "lwadmin start" "  says what starts the server"
pw1=$(printf '%s\n' "$out" | sed -n 's/^Demo user: demo *password: \([A-Za-z0-9]*\) .*/\1/p')
is "${#pw1}" 16 "  prints a 16-character password"
db="$T/samewise-demo/registry.db"
is "$("$LWADMIN" --db "$db" config get srv.listen)" 127.0.0.1 "  the demo listens on loopback only"

run env TMPDIR="$T" sh "$SW_SRC/tools/run-demo.sh"
is "$rc" 0 "a second run succeeds"
pw2=$(printf '%s\n' "$out" | sed -n 's/^Demo user: demo *password: \([A-Za-z0-9]*\) .*/\1/p')
ok "  with a new password" [ -n "$pw2" -a "$pw2" != "$pw1" ]
n=$("$LWADMIN" --db "$db" --json user list | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
is "$n" 1 "  still one user"
log=$("$LWADMIN" --db "$db" log)
unlike "$log" "$pw1|$pw2" "the audit log holds neither password"
