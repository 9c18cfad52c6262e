#!/bin/sh
# impacket's srvs and wkst modules against a running appliance over SMB: the
# whole create-a-shared-folder sequence as an administrator (enumerate,
# validate the name, add at level 502 with a security descriptor, get info,
# change the comment), smbclient writing into the new share, `lwadmin share
# show` with the same principals and levels, a plain user's refusals that
# change nothing, the live sessions, tree connects and open files with
# NetrFileClose (ids unique across sessions: closing one session's file leaves
# another's open), the deletion (a new tree connect is refused at once), the
# audit log, and wkssvc. The checks are in t/rpc-impacket.py; this script
# starts the appliance and turns the script's PASS/FAIL lines into TAP.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_python_module impacket python3-impacket
need_program smbclient smbclient

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
mkdir -p "$T/impshare"
chmod 777 "$T/impshare"  # pvfs acts as nobody for alice
echo "uploaded by smbclient" > "$T/upload.txt"
echo one > "$APPLIANCE_SHARE_DIR/one.txt"
echo two > "$APPLIANCE_SHARE_DIR/two.txt"
chmod 644 "$APPLIANCE_SHARE_DIR/one.txt" "$APPLIANCE_SHARE_DIR/two.txt"
appliance_require

APPLIANCE_PORT=$APPLIANCE_PORT BOB_PASSWORD=$BOB_PASSWORD ALICE_PASSWORD=$APPLIANCE_PASSWORD \
    LWADMIN=$LWADMIN SMB_CONF=$APPLIANCE_CONF ALICE_AUTH=$APPLIANCE_AUTH SHARE_DIR=$T/impshare T=$T \
    /usr/bin/python3 "$SW_SRC/t/rpc-impacket.py" > "$T/results" 2> "$T/errors"
rc=$?
while IFS= read -r line; do
    case $line in
    "PASS "*) ok "${line#PASS }" true ;;
    "FAIL "*) ok "${line#FAIL }" false ;;
    "#"*) printf '%s\n' "$line" ;;
    esac
done < "$T/results"
is "$rc" 0 "the impacket script ran to its end" || diag "$(tail -n 20 "$T/errors")"
# The daemons stop cleanly, and (in an ASan build) left no sanitizer report:
# errors as they ran, leaks as they exited (srvsvcd's among them).
stop_and_check_logs() {
    appliance_stop >/dev/null 2>&1 || return 1
    ! grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log 2>/dev/null
}
ok "lwadmin stop stops the daemons; their logs have no sanitizer report" stop_and_check_logs ||
    diag "$(grep -h -m1 -A30 -E 'Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log)"
done_testing
