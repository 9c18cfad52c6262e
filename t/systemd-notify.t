#!/bin/bash
# Readiness under systemd (Type=notify): each daemon run with --foreground and
# $NOTIFY_SOCKET (t/systemd-notify.py plays systemd) sends READY=1 with its
# own pid as MAINPID only when it really serves (at that moment lsassd's and
# lwiod's sockets accept connections, and the SMB port does), STOPPING=1 on
# SIGTERM, and exits 0; a daemon that detaches sends nothing, even when its
# starter had $NOTIFY_SOCKET.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
RUN=$APPLIANCE_RUN_DIR
notify() { timeout 180 /usr/bin/python3 "$SW_SRC/t/systemd-notify.py" "$T/notify" "$@"; }
# Whatever a failed check leaves running, by pid file.
tap_at_exit '"$LWADMIN" stop >/dev/null 2>&1'

out=$(notify --unix "$RUN/lsassd.sock" -- "$BIN/lsassd" --foreground --db "$SAMEWISE_DB")
like "$out" "READY mainpid=([0-9]+) child=\\1" "lsassd: READY=1 with its own pid as MAINPID"
like "$out" "SERVING unix=yes" "lsassd: its socket accepts connections when it says so"
like "$out" "STOPPING" "lsassd: STOPPING=1 on SIGTERM"
like "$out" "EXIT 0" "lsassd: then exits 0"

out=$(notify --unix "$RUN/lwiod.sock" --tcp "127.0.0.1:$APPLIANCE_PORT" -- \
    "$BIN/lwiod" --foreground --db "$SAMEWISE_DB")
like "$out" "READY mainpid=([0-9]+) child=\\1" "lwiod: READY=1 with its own pid as MAINPID"
like "$out" "SERVING unix=yes tcp=yes" \
    "lwiod: its socket and the SMB port accept connections when it says so"
like "$out" "STOPPING" "lwiod: STOPPING=1 on SIGTERM"
like "$out" "EXIT 0" "lwiod: then exits 0"

# srvsvcd serves its pipes in a running lwiod's npfs.
"$BIN/lwiod" --db "$SAMEWISE_DB" >/dev/null 2>&1
ok "lwiod started (detached) for srvsvcd" test -s "$RUN/lwiod.pid"
out=$(notify -- "$BIN/srvsvcd" --foreground --db "$SAMEWISE_DB")
like "$out" "READY mainpid=([0-9]+) child=\\1" "srvsvcd: READY=1 with its own pid as MAINPID"
like "$out" "STOPPING" "srvsvcd: STOPPING=1 on SIGTERM"
like "$out" "EXIT 0" "srvsvcd: then exits 0"

out=$(notify --detached -- "$BIN/lsassd" --db "$SAMEWISE_DB")
like "$out" "EXIT 0" "a detached lsassd starts (its starter exits 0)"
like "$out" "NONE" "and sends nothing to its starter's notify socket"
out=$("$LWADMIN" stop 2>&1)
like "$out" "Stopped lsassd" "lwadmin stop stops the detached daemons" || diag "$out"
done_testing
