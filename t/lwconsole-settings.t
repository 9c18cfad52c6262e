#!/bin/sh
# lwconsole's Settings, Dashboard and Audit screens, driven through tmux: a
# value checked as it is typed, an invalid one refused without a change, a
# choice setting, back to the default after a confirmation, lwadmin's
# changes shown without a restart, the audit log filtered.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/lwconsole-lib.sh"
plan 24

"$LWADMIN" init >/dev/null || exit 1
console_start 80 24
wait_for 'Status:' >/dev/null || exit 1
keys 5
ok "settings screen lists every setting" wait_for 'Settings \([0-9]+;'
select_row lsass.allow-anonymous  # the list is longer than a screen
like "$(screen)" "lsass.allow-anonymous +off +off +REG_SZ" "value, default and type shown"
select_row srv.port
like "$(screen)" ">srv.port +445 +445 +REG_DWORD" "filtered down to srv.port"
like "$(screen)" "TCP port of the SMB server" "its documentation is shown"
like "$(screen)" ">srv.port +445 +445 +REG_DWORD +live" "srv.port applies live"
like "$(screen | tr "\n" " ")" "A new value applies at +once, without a restart" "and the detail says so"
select_row lwiod.drivers
like "$(screen)" ">lwiod.drivers .* +restart" "lwiod.drivers is marked as needing a restart"
select_row srv.port

# ---- an invalid value: an error as typed, nothing changes ----
keys Enter
ok "Enter opens the editor" wait_for '─ srv.port ─'
keys C-u
type_text 70000
ok "out of range is an error as it is typed" wait_for 'Value: .*(range|1\.\.65535)'
keys F2
ok "F2 refuses it on the status line" wait_for 'Error: not saved: Value'
keys Escape
wait_gone '─ srv.port ─' >/dev/null
is "$("$LWADMIN" config get srv.port)" 445 "srv.port unchanged"

# ---- a valid value ----
keys Enter
wait_for '─ srv.port ─' >/dev/null
keys C-u
type_text 8445
keys F2
ok "a valid value is saved" wait_for 'srv.port = 8445 saved'
is "$("$LWADMIN" config get srv.port)" 8445 "lwadmin sees 8445"
like "$("$LWADMIN" log)" "console +[^ ]+ +setting\.set +srv\.port" "audited as made through the console"

# ---- a choice ----
select_row srv.signing
keys Enter
wait_for '─ srv.signing ─' >/dev/null
keys Space            # enabled -> required
keys F2
ok "a choice is saved" wait_for 'srv.signing = required saved'
is "$("$LWADMIN" config get srv.signing)" required "lwadmin sees required"

# ---- back to the default, after asking ----
select_row srv.port
keys u
ok "u asks first" wait_for 'Set srv.port back to its default \(445\)\?'
keys y
ok "the default is back" wait_for 'srv.port is back to its default'
is "$("$LWADMIN" config get srv.port)" 445 "lwadmin sees 445"

# ---- another front end's change appears ----
"$LWADMIN" config set srv.port 9445 >/dev/null
ok "a value set by lwadmin appears in the open console" wait_for '>srv.port +9445 +445'
keys 1
ok "the dashboard shows it" wait_for 'Listen: +0\.0\.0\.0 port 9445'
like "$(screen)" "Signing: +required" "and the signing setting"

# ---- the audit log, filtered ----
keys 8
wait_for 'Audit log' >/dev/null
select_row console
ok "the filter keeps the console's entries" wait_for 'Audit log \(3 of [0-9]+, filter: console'
ok "lwconsole quits cleanly (F10, exit status 0)" console_stop
