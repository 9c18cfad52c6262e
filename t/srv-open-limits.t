#!/bin/sh
# srv.max-opens-per-session and srv.max-opens-per-user against a running
# appliance, set low (200 and 300): one user who opens past them gets
# STATUS_TOO_MANY_OPENED_FILES while another user keeps opening and reading;
# closing frees room; a logoff releases everything; 260 CREATEs pipelined in
# one go get no more than the limit. The checks are in
# t/srv-open-limits.py (impacket); this script starts the appliance and turns
# its PASS/FAIL lines into TAP.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
if ! /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    [ "${CI:-}" = true ] && { echo "Bail out! python3-impacket missing with CI=true"; exit 1; }
    skip_all "python3-impacket not installed"
fi

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" share set test --grant bob:full >/dev/null ||
    { echo "Bail out! cannot add bob"; exit 1; }
"$LWADMIN" config set srv.max-opens-per-session 200 >/dev/null &&
    "$LWADMIN" config set srv.max-opens-per-user 300 >/dev/null ||
    { echo "Bail out! cannot set the open limits"; exit 1; }
chmod 777 "$APPLIANCE_SHARE_DIR"  # pvfs acts as nobody for alice and bob
(cd "$APPLIANCE_SHARE_DIR" && seq -f 'f%g.txt' 0 999 | xargs touch)
echo bob > "$APPLIANCE_SHARE_DIR/bob.txt"
chmod 666 "$APPLIANCE_SHARE_DIR"/*.txt
appliance_require

FILES=1000 APPLIANCE_PORT=$APPLIANCE_PORT BOB_PASSWORD=$BOB_PASSWORD ALICE_PASSWORD=$APPLIANCE_PASSWORD \
    /usr/bin/python3 "$SW_SRC/t/srv-open-limits.py" > "$T/results" 2> "$T/errors"
rc=$?
while IFS= read -r line; do
    case $line in
    "PASS "*) ok "${line#PASS }" true ;;
    "FAIL "*) ok "${line#FAIL }" false ;;
    "#"*) printf '%s\n' "$line" ;;
    esac
done < "$T/results"
is "$rc" 0 "the impacket script ran to its end" || diag "$(tail -n 20 "$T/errors")"
done_testing
