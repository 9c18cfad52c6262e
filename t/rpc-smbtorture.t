#!/bin/sh
# smbtorture's rpc.srvsvc against a running appliance over SMB, as an
# administrator: every subtest of what srvsvcd serves passes (it caught the
# NetShareCheck of IPC$'s empty path and the wire form of the level-502/503
# server info arms). The subtests of opnums srvsvcd does not serve are TODO;
# the anonymous ones need a null session (srv.guest is off) and are not run;
# NetShareAddSetDel ("dangerous") expects level 501 to be refused and then to
# have set the comment, which no server can do, so it is not run either.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbtorture samba-testsuite

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$T/client/bob.txt")
appliance_require

out=$(cd "$T/torture" && timeout "$APPLIANCE_CLIENT_TIMEOUT" smbtorture -s "$APPLIANCE_CONF" \
    -A "$T/client/bob.txt" -p "$APPLIANCE_PORT" --format=subunit ncacn_np:127.0.0.1 rpc.srvsvc 2>&1)

result() { # the subunit verdict of one "srvsvc (admin access)" subtest
    printf '%s\n' "$out" | sed -n "s/^\\(success\\|failure\\|error\\|skip\\): srvsvc (admin access)\\.$1\\( \\[\\)\\{0,1\\}\$/\\1/p" | head -n 1
}
for t in NetConnEnum NetFileEnum NetSessEnum NetShareEnumAll NetSrvGetInfo NetRemoteTOD NetShareEnum \
    NetShareGetInfo NetNameValidate NetDiskEnum; do
    is "$(result "$t")" success "smbtorture rpc.srvsvc $t" ||
        diag "$(printf '%s\n' "$out" | grep -A3 "^failure: srvsvc (admin access).$t")"
done
todo "opnum not served by srvsvcd"
for t in NetCharDevEnum NetCharDevQEnum NetTransportEnum; do
    is "$(result "$t")" success "smbtorture rpc.srvsvc $t"
done
todo_end
# The daemons stop cleanly, and (in an ASan build) left no sanitizer report:
# errors as they ran, leaks as they exited (srvsvcd's among them).
stop_and_check_logs() {
    appliance_stop >/dev/null 2>&1 || return 1
    ! grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log 2>/dev/null
}
ok "lwadmin stop stops the daemons; their logs have no sanitizer report" stop_and_check_logs ||
    diag "$(grep -h -m1 -A30 -E 'Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log)"
done_testing
