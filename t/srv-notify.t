#!/bin/bash
# CHANGE_NOTIFY end to end: smbclient's `notify DIR` watches a directory of
# the share while this test changes the share's disk directly (not through
# SMB): the client is told each change with its action and name (pvfs reads
# them from inotify). Every wait is bounded.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_require
SHARE=$APPLIANCE_SHARE_DIR
chmod 0777 "$SHARE"
umask 000
mkdir -p "$SHARE/watched/sub"

# smbclient prints one line per change ("0001 name" style) until killed.
stdbuf -oL smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" \
    //127.0.0.1/test -c 'notify watched' >"$T/notify.out" 2>&1 &
pid=$!
tap_at_exit "kill $pid 2>/dev/null"

# Wait (bounded) for the watch to be armed: a first change is reported.
wait_for() {
    local pattern=$1
    for _ in $(seq 1 50); do
        grep -qs -- "$pattern" "$T/notify.out" && return 0
        sleep 0.1
    done
    return 1
}
armed=
for i in $(seq 1 30); do
    : >"$SHARE/watched/probe-$i"
    if grep -qs "probe-" "$T/notify.out"; then armed=1; break; fi
    sleep 0.2
done
ok "smbclient notify reports a file made on disk" [ -n "$armed" ]
echo data >"$SHARE/watched/local-file.txt"
ok "  a new file: ADDED with its name" wait_for "^0001 local-file.txt"
mv "$SHARE/watched/local-file.txt" "$SHARE/watched/moved.txt"
ok "  a rename: old name" wait_for "^0004 local-file.txt"
ok "  and new name" wait_for "^0005 moved.txt"
rm -f "$SHARE/watched/moved.txt"
ok "  a removal" wait_for "^0002 moved.txt"
echo x >"$SHARE/watched/sub/deep.txt"
ok "  beneath (smbclient watches the tree): sub\\deep.txt" wait_for '^0001 sub\\deep.txt'
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
diag "$(head -20 "$T/notify.out")"
done_testing
