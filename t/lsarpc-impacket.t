#!/bin/sh
# impacket's lsat, lsad and mgmt modules against a running appliance over
# SMB (\pipe\lsarpc, served by lsassd): the account and primary domains,
# LookupNames 1-3 and LookupSids 1-2 as a plain user (LookupNames4 refused on
# a pipe), privileges, account rights added, listed and removed by an
# administrator and audited, a plain user's refusals that change nothing,
# context handles (another association's handle, the wrong kind, a double
# close), mgmt on the same pipe and lsarpc added to it by alter context.
# The checks are in t/lsarpc-impacket.py;
# this script starts the appliance and turns its PASS/FAIL lines into TAP.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_python_module impacket python3-impacket
need_program rpcclient samba-common-bin

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
appliance_require
appliance_wait_lsass_pipes || diag "lsassd does not serve its pipes yet"

APPLIANCE_PORT=$APPLIANCE_PORT BOB_PASSWORD=$BOB_PASSWORD ALICE_PASSWORD=$APPLIANCE_PASSWORD \
    LWADMIN=$LWADMIN /usr/bin/python3 "$SW_SRC/t/lsarpc-impacket.py" > "$T/results" 2> "$T/errors"
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
