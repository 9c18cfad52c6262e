#!/bin/sh
# lwconsole's screens at 80x24 and 200x60: every screen drawn cleanly (tab bar,
# key bar, aligned columns, UTF-8 names), resize to a too-small terminal and
# back, TERM=dumb and no terminal refused with a message, monochrome terminals.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/lwconsole-lib.sh"
plan 34

"$LWADMIN" init >/dev/null || exit 1
mkdir -p "$T/données/日本語"
"$LWADMIN" share add Données "$T/données/日本語" --comment "Équipe 日本語 files" >/dev/null || exit 1
printf 'Passw0rd!x\n' | "$LWADMIN" user add zoë --full-name 'Zoë Ünal' --password-stdin >/dev/null || exit 1

# ---- refusals before the screen starts ----
out=$("$LWCONSOLE" </dev/null 2>&1)
rc=$?
is "$rc" 1 "not a terminal: exit 1"
like "$out" "must be a terminal" "not a terminal: says so"
out=$("$LWCONSOLE" --db "$T/missing.db" 2>&1)
like "$out" "no registry at .*missing.db.*lwadmin init" "no registry: says how to make one"

tm new-session -d -x 80 -y 24 -s dumb \
    "env TERM=dumb '$LWCONSOLE'; echo \"[lwconsole exited \$?]\"; read _"
n=50
while [ $n -gt 0 ] && ! tm capture-pane -p -t dumb | grep -q 'exited'; do sleep 0.1; n=$((n - 1)); done
dumb=$(tm capture-pane -p -t dumb)
like "$dumb" "TERM=dumb: this terminal cannot move the cursor" "TERM=dumb: a clear message"
like "$dumb" "lwconsole exited 1" "TERM=dumb: exit 1, no screen drawn"
tm kill-session -t dumb

# ---- 80x24 ----
console_start 80 24
ok "80x24: the dashboard comes up" wait_for 'Status: +server not running'
ok "80x24: dashboard layout" layout_ok 80 24 TIME USER VIA ACTION OBJECT
like "$(screen)" "Shares: +2( |\$)" "dashboard: share count"
like "$(screen)" "Listen: +0\.0\.0\.0 port 445" "dashboard: listen address and port"
like "$(screen)" "Signing: +enabled" "dashboard: signing"

keys 2
ok "80x24: shares screen" wait_for 'Shares \(2\)'
ok "80x24: shares layout (UTF-8 names aligned)" layout_ok 80 24 NAME PATH FLAGS COMMENT
like "$(screen)" ">Données +/[^ ]*/don… +read-write +Équipe 日本語 fi…" "80x24: UTF-8 name and comment shown, long cells cut with …"
keys 3
ok "80x24: users screen" wait_for 'Users \(1\)'
ok "80x24: users layout" layout_ok 80 24 NAME "FULL NAME" STATE "LAST LOGON"
like "$(screen)" "zoë +Zoë Ünal +enabled" "UTF-8 user shown"
keys 4
wait_for 'Groups \(3\)' >/dev/null
ok "80x24: groups layout" layout_ok 80 24 NAME MEMBERS TYPE DESCRIPTION
keys 5
wait_for 'Settings \(' >/dev/null
ok "80x24: settings layout" layout_ok 80 24 SETTING VALUE DEFAULT TYPE
keys 6
ok "80x24: sessions say the server is not running" wait_for 'server not running'
ok "80x24: sessions layout" layout_ok 80 24
keys 7
ok "80x24: open files say the server is not running" wait_for 'Open files'
like "$(screen)" "server not running" "open files: server not running"
keys 8
wait_for 'Audit log' >/dev/null
ok "80x24: audit layout" layout_ok 80 24 TIME USER VIA ACTION OBJECT DETAIL

# ---- resize: too small, then back ----
tm resize-window -t c -x 70 -y 20
ok "70x20: a clear message instead of a garbled screen" wait_for 'this terminal is 70x20; the console needs at least 80x24'
tm resize-window -t c -x 80 -y 24
ok "back to 80x24: redrawn" wait_for 'Audit log'
ok "back to 80x24: clean layout" layout_ok 80 24 TIME USER VIA ACTION OBJECT DETAIL
ok "F10 quits with status 0" console_stop

# ---- 200x60 ----
console_start 200 60
wait_for 'Status:' >/dev/null
keys 2
ok "200x60: shares screen" wait_for 'Shares \(2\)'
ok "200x60: shares layout" layout_ok 200 60 NAME PATH FLAGS COMMENT
like "$(screen)" "lwconsole $SAMEWISE_DB" "200x60: the registry path on the tab bar"
like "$(screen)" ">Données +$T/données/日本語 +read-write +Équipe 日本語 files" "200x60: the whole UTF-8 path and comment"
keys 8
wait_for 'Audit log' >/dev/null
ok "200x60: audit layout" layout_ok 200 60 TIME USER VIA ACTION OBJECT DETAIL
tm kill-session -t c

# ---- monochrome: a vt100 has no colours and no F10 ----
tm new-session -d -x 80 -y 24 -s c \
    "env LC_ALL=C.UTF-8 TERM=vt100 '$LWCONSOLE'; echo \"[lwconsole exited \$?]\"; read _"
wait_for 'Status:' >/dev/null
keys 2
ok "vt100: shares drawn without colours, the selection marked" wait_for '^>Données'
keys q
ok "vt100: q quits (letter alternative to F10)" wait_for 'lwconsole exited 0'
