#!/bin/sh
# Oplock and lease breaks in the metrics (docs/metrics.md): smbtorture's
# smb2.oplock.batch1 (a second open breaks a batch oplock) and smb2.lease.break
# (a lease broken by another open) against the running appliance; the
# endpoint's smb_oplock_breaks_total and smb_lease_breaks_total count them,
# and lwadmin stats agrees.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbtorture samba-testsuite
need_python_module prometheus_client python3-prometheus-client
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_torture_setup
MPORT=$(tap_free_port)
"$LWADMIN" config set metrics.listen "127.0.0.1:$MPORT" >/dev/null
appliance_require
URL="http://127.0.0.1:$MPORT/metrics"
breaks() {
    /usr/bin/python3 "$SW_SRC/t/metrics-scrape.py" "$URL" | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)["samples"]
print(int(s["smb_oplock_breaks_total"]), int(s["smb_lease_breaks_total"]))'
}
is "$(breaks)" "0 0" "no break yet"
out=$(appliance_smbtorture --format=subunit //127.0.0.1/test smb2.oplock.batch1 2>&1)
like "$out" "success: batch1" "smbtorture smb2.oplock.batch1 passes"
sleep 1.1   # the endpoint collects at most once a second
set -- $(breaks)
ok "an oplock break counted ($1), no lease break" [ "$1" -ge 1 ] && [ "$2" -eq 0 ]
oplocks=$1
out=$(appliance_smbtorture --format=subunit //127.0.0.1/test smb2.lease.break 2>&1)
like "$out" "success: break" "smbtorture smb2.lease.break passes"
sleep 1.1
set -- $(breaks)
ok "lease breaks counted ($2), oplock breaks unchanged" [ "$2" -ge 1 ] && [ "$1" -eq "$oplocks" ]
like "$("$LWADMIN" stats)" "breaks: +$1 oplock, $2 lease" "lwadmin stats shows the same"
done_testing
