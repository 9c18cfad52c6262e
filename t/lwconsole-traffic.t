#!/bin/sh
# lwconsole's dashboard shows the metrics endpoint's numbers live: no numbers
# while the server is stopped; with it running, while one smbclient session
# writes a file after another, the throughput and operations lines show a
# rate and a sparkline that rises, and the totals match `lwadmin stats`.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/lwconsole-lib.sh"
need_program smbclient smbclient
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }

console_start 100 30
ok "stopped: the dashboard says there are no numbers" \
    wait_for 'no numbers: the server is not running'
ok "the layout still holds the audit list" layout_ok 100 30 TIME USER VIA ACTION OBJECT
console_stop

appliance_require
chmod 1777 "$APPLIANCE_SHARE_DIR"
console_start 120 30
ok "running: the traffic panel" wait_for 'Throughput: .*/s  read ' 60
head -c 4000000 /dev/urandom > "$T/chunk"
mkfifo "$T/smbclient.in"
appliance_smbclient test < "$T/smbclient.in" > "$T/smbclient.out" 2>&1 &
SMBCLIENT=$!
tap_at_exit "kill $SMBCLIENT 2>/dev/null"
exec 3> "$T/smbclient.in"
# One put a second for eight seconds: four live refreshes see bytes move.
for i in 1 2 3 4 5 6 7 8; do echo "put $T/chunk c$i" >&3; sleep 1; done
exec 3>&-
wait $SMBCLIENT
ok "the throughput line shows MiB/s with a sparkline" \
    wait_for 'Throughput: +[▁▂▃▄▅▆▇█]+ +[0-9.]+ (KiB|MiB)/s' 60
ok "the operations line shows requests per second" \
    wait_for 'Operations: +[▁▂▃▄▅▆▇█]+ +[0-9]+/s  \([0-9]+ requests' 10
spark=$(screen | sed -n 's/.*Throughput: *\([▁▂▃▄▅▆▇█]*\).*/\1/p')
like "$spark" "[▂▃▄▅▆▇█]" "the sparkline rose above the floor during the puts" || diag "$(screen)"
# After the puts (a refresh later) the totals equal lwadmin stats'.
sleep 2.5
want=$("$LWADMIN" stats | sed -n 's/^written: *//p')
like "$(screen)" "written $want( |$)" "the dashboard's total written is lwadmin stats' ($want)"
screen > "$T/dashboard.txt"
like "$(screen)" "Logons 1 ok, 0 failed, 0 lockouts" "logons from lsassd"
console_stop
done_testing
