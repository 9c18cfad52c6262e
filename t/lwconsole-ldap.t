#!/bin/sh
# lwconsole and the LDAP provider (docs/ldap.md), through tmux: on an ldap.*
# setting, t tests the provider and shows what is wrong, p sets the bind
# password (never shown, audited, removed when saved empty).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/lwconsole-lib.sh"
plan 8

"$LWADMIN" init >/dev/null || exit 1
console_start 80 24
wait_for 'Status:' >/dev/null || exit 1
keys 5
wait_for 'Settings \([0-9]+;' >/dev/null
select_row ldap.uri
keys t
ok "t on ldap.uri tests the provider: not configured" wait_for 'not configured: set ldap.uri'
keys Escape
wait_gone 'not configured' >/dev/null
select_row ldap.bind-dn
keys p
ok "p opens the bind password form" wait_for 'LDAP bind password'
type_text 'console-secret-9'
unlike "$(screen)" 'console-secret-9' "the password is not shown as typed"
keys F2
ok "F2 saves it" wait_for 'The LDAP bind password was saved'
like "$("$LWADMIN" provider show ldap)" 'bind-password: +\(set\)' "lwadmin sees it set"
like "$("$LWADMIN" log)" 'console +[^ ]+ +provider\.secret +ldap\.bind-password +set' "audited as made through the console"
keys p
wait_for 'LDAP bind password' >/dev/null
keys F2
ok "saved empty, it is removed" wait_for 'The LDAP bind password was removed'
like "$("$LWADMIN" provider show ldap)" 'bind-password: +\(not set\)' "lwadmin sees it removed"
console_stop
