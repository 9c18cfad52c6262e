#!/bin/sh
# lwadmin's contract: init is idempotent and keeps the registry private; help
# and --help work; exit status 2 for bad usage and 1 (with a reason on stderr)
# for failures; --db, $SAMEWISE_DB; settings are validated and a refused value
# changes nothing; every change lands in `lwadmin log`.
. "$SW_SRC/t/tap/tap.sh"

run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err"); }
json_ok() { /usr/bin/python3 -m json.tool "$1" >/dev/null 2>&1; }

# ---- before init ------------------------------------------------------------
run "$LWADMIN" user list
is "$rc" 1 "a command before init fails with 1"
like "$err" "no registry at .*lwadmin init" "  saying where and what to do"
ok "  and creates no registry file" [ ! -e "$SAMEWISE_DB" ]

# ---- init -----------------------------------------------------------------------
run "$LWADMIN" init
is "$rc" 0 "init succeeds"
like "$out" "Machine SID: S-1-5-21-[0-9]+-[0-9]+-[0-9]+$" "  and reports the machine SID"
sid1=$(printf '%s\n' "$out" | sed -n 's/^Machine SID: //p')
mode=$(stat -c %a "$SAMEWISE_DB")
is "$mode" 600 "the registry file is 0600"
chmod 0644 "$SAMEWISE_DB"
run "$LWADMIN" init
is "$rc" 0 "init again succeeds"
like "$out" "up to date" "  and says the registry was up to date"
sid2=$(printf '%s\n' "$out" | sed -n 's/^Machine SID: //p')
is "$sid2" "$sid1" "  the machine SID does not change"
is "$(stat -c %a "$SAMEWISE_DB")" 600 "  a widened mode is put back to 0600"
run "$LWADMIN" --json init
ok "init --json is valid JSON" json_ok "$T/out"
like "$out" '"created": false' "  and says nothing was created"
run "$LWADMIN" --json group list
count=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
is "$count" 3 "after three inits there are exactly three built-in groups"

# ---- --db and $SAMEWISE_DB -----------------------------------------------------
run "$LWADMIN" --db "$T/other.db" init
is "$rc" 0 "--db PATH initialises another registry"
ok "  at that path" [ -f "$T/other.db" ]
other=$(printf '%s\n' "$out" | sed -n 's/^Machine SID: //p')
ok "  with its own machine SID" [ "$other" != "$sid1" ]
run "$LWADMIN" user list --db "$T/missing.db"
is "$rc" 1 "--db after the command is honoured (missing registry: 1)"

run "$LWADMIN" --db "$T/no/such/dir/r.db" init
is "$rc" 1 "init in a missing directory fails with 1"
like "$err" "directory does not exist" "  saying why"
printf 'not a database, just text\n' >"$T/garbage.db"
run "$LWADMIN" --db "$T/garbage.db" user list
is "$rc" 1 "a file that is not a registry fails with 1"
like "$err" "not a Samewise registry" "  saying so"
is "$(cat "$T/garbage.db")" "not a database, just text" "  and is left untouched"

# ---- help and usage ----------------------------------------------------------------
run "$LWADMIN" help
is "$rc" 0 "lwadmin help exits 0"
for c in init config share user group log; do
    like "$out" "^  $c " "  lists $c"
done
run "$LWADMIN" --help
is "$rc" 0 "lwadmin --help exits 0"
run "$LWADMIN" share --help
is "$rc" 0 "lwadmin share --help exits 0"
like "$out" "--grant PRINCIPAL:read\|change\|full" "  and documents --grant"
run "$LWADMIN" user add --help
is "$rc" 0 "lwadmin user add --help exits 0"
like "$out" "--password-stdin" "  and documents --password-stdin"
run "$LWADMIN" help group add-member
is "$rc" 0 "lwadmin help group add-member"
run "$LWADMIN" --version
like "$out" "^lwadmin \(Samewise\) [0-9]" "--version"

for args in "" "frobnicate" "--frobnicate user list" "user" "user frobnicate" \
            "user add" "user add a b" "user list --frobnicate" "config get" \
            "config set srv.port" "share add onlyname" "group add-member Users" \
            "log --since yesterday-ish" "log --limit x" "user set bob" \
            "share add s /tmp --grant Everyone" "share add s /tmp --grant Everyone:write" \
            "share add s /tmp --max-uses -1" "--db"; do
    # shellcheck disable=SC2086
    run "$LWADMIN" $args
    is "$rc" 2 "bad usage exits 2: lwadmin $args"
    [ -n "$err" ]; _tap_record $? "  with a message on stderr"
done
ok "usage errors print nothing on stdout" [ -z "$out" ]

# ---- config --------------------------------------------------------------------------
run "$LWADMIN" config list
is "$rc" 0 "config list"
like "$out" "^srv\.port +445 +445 +dword" "  shows srv.port, its value, default and type"
run "$LWADMIN" --json config list srv
ok "config list --json is valid JSON" json_ok "$T/out"
names=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(s["name"] for s in json.load(sys.stdin))))')
like "$names" "srv\.port" "  PREFIX srv lists srv.port"
unlike "$names" "lsass\." "  and nothing outside srv."
run "$LWADMIN" config list nosuchprefix
is "$rc" 1 "config list of an unknown prefix fails"
run "$LWADMIN" config get srv.port
is "$out" 445 "config get srv.port is the default 445"
before=$("$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["outcome"] == "ok"]))')
run "$LWADMIN" config set srv.port 70000
is "$rc" 1 "a port outside 1..65535 is refused with 1"
like "$err" "70000" "  the message says which value"
is "$("$LWADMIN" config get srv.port)" 445 "  and the setting did not change"
run "$LWADMIN" config set srv.signing sometimes
is "$rc" 1 "a value outside an enum is refused"
run "$LWADMIN" config set no.such.key 1
is "$rc" 1 "an unknown setting is refused with 1"
like "$err" "unknown setting" "  saying so"
after=$("$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["outcome"] == "ok"]))')
is "$after" "$before" "refused changes leave no record of a change"
# ... but each refused attempt is recorded, with its outcome and why.
refused=$("$LWADMIN" --json log | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["outcome"] == "refused" and e["action"] == "setting.set":
        print(e["object"], "|", e["detail"])')
like "$refused" "srv.port \| .*70000" "a refused config set is in the log (--json outcome refused), with the reason"
like "$refused" "srv.signing \| " "  so is the refused enum value"
like "$refused" "no.such.key \| .*unknown setting" "  and the unknown setting"
like "$("$LWADMIN" log)" "setting.set \[refused\] +srv.port" "lwadmin log marks the refused attempt"
run "$LWADMIN" config set srv.port 4455
is "$rc" 0 "config set srv.port 4455"
is "$("$LWADMIN" config get srv.port)" 4455 "  takes effect"
run "$LWADMIN" --json config get srv.port
ok "config get --json is valid JSON" json_ok "$T/out"
like "$out" '"is_default": false' "  and says it is not the default"
run "$LWADMIN" config unset srv.port
is "$("$LWADMIN" config get srv.port)" 445 "config unset returns to the default"

# ---- the audit log names the person: SUDO_USER under sudo ------------------------------------
# Believed only for root (anyone can set SUDO_USER); as another user it is ignored.
me=$(id -un)
if [ "$(id -u)" = 0 ]; then expect_user="alice (via sudo as $me)"; else expect_user="$me"; fi
SUDO_USER=alice "$LWADMIN" config set srv.port 4456 >/dev/null 2>&1
SUDO_USER=alice "$LWADMIN" config set srv.port 99999 >/dev/null 2>&1
sudo_rows=$("$LWADMIN" --json log | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["detail"] and ("4456" in e["detail"] or "99999" in e["detail"]):
        print(e["user"] + "|" + e["outcome"])')
is "$sudo_rows" "$expect_user|ok
$expect_user|refused" "the audit actor under sudo is the person (SUDO_USER), for a change and a refused attempt"
expect_re=$(printf '%s' "$expect_user" | sed 's/[()]/\\&/g')
like "$("$LWADMIN" log)" "$expect_re +setting.set \[refused\]" "  lwadmin log shows it"
"$LWADMIN" config unset srv.port >/dev/null

# ---- the audit log -----------------------------------------------------------------------
run "$LWADMIN" log
is "$rc" 0 "log"
like "$out" "sam\.init" "  shows the machine SID creation"
like "$out" "srv\.port.*4455" "  shows config set with the value"
run "$LWADMIN" --json log
ok "log --json is valid JSON" json_ok "$T/out"
like "$out" '"via": "cli"' "  records the front end"
run "$LWADMIN" log --since 1h
like "$out" "srv\.port" "log --since 1h includes the recent change"
run "$LWADMIN" log --since @4102444800
is "$(printf '%s\n' "$out" | wc -l)" 1 "log --since a future time shows only the heading"
run "$LWADMIN" --json log --limit 1
n=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
is "$n" 1 "log --limit 1 gives one record"
