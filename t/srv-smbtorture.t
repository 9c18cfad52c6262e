#!/bin/bash
# smbtorture subtests that pass against srv keep passing: runs exactly the
# subtests listed in t/srv-smbtorture.pass (kept by tools/torture-run.sh
# --update-pass), one smbtorture invocation per suite, against a whole
# instance started with the appliance harness. Any listed subtest that does
# not report success fails this test. Skips only when srv cannot start (or
# smbtorture is not installed).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

PASS_LIST=$SW_SRC/t/srv-smbtorture.pass
# One suite's invocation; under ASan on 2 cores the whole list takes a few
# minutes at most, so this only catches a hang.
SUITE_TIMEOUT=${SW_TORTURE_SUITE_TIMEOUT:-240}

need_program smbtorture samba-testsuite

names=()
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    names+=("$line")
done < "$PASS_LIST"
[ ${#names[@]} -gt 0 ] || skip_all "t/srv-smbtorture.pass lists no subtest yet"

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_torture_setup || { echo "Bail out! cannot set the appliance up for smbtorture"; exit 1; }
bob_password=$APPLIANCE_PASSWORD2
appliance_require

plan $((${#names[@]} + 2))

# Suites in list order; a name's suite is its first two components
# (smb2.connect, smb2.session.two_logoff -> smb2.session).
suites=()
for n in "${names[@]}"; do
    s=$(printf '%s' "$n" | cut -d. -f1-2)
    case " ${suites[*]} " in *" $s "*) ;; *) suites+=("$s") ;; esac
done

lwiod_pid=$(cat "$APPLIANCE_RUN_DIR/lwiod.pid" 2>/dev/null)
# The same lwiod, running (a dead daemon whose parent is init may stay a
# zombie for a while: kill -0 is not enough).
lwiod_alive() {
    local state
    [ -n "$lwiod_pid" ] && [ "$(cat "$APPLIANCE_RUN_DIR/lwiod.pid" 2>/dev/null)" = "$lwiod_pid" ] || return 1
    state=$(sed 's/.*) //' "/proc/$lwiod_pid/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}
died_reported=
for s in "${suites[@]}"; do
    # In the suite's own order: some subtests clean up what an earlier one
    # of the suite leaves behind (smbtorture --list gives SUITE.TCASE.TEST,
    # and every smb2 test sits in a test case of its own name).
    args=()
    while IFS= read -r n; do
        for m in "${names[@]}"; do
            [ "$m" = "$n" ] && args+=("$n") && break
        done
    done < <(smbtorture --list "$s" 2>/dev/null | awk '
        { n = split($0, part, "."); name = $0
          if (n >= 2 && part[n] == part[n - 1]) name = substr($0, 1, length($0) - length(part[n]) - 1)
          print name }')
    for n in "${names[@]}"; do # listed but unknown to smbtorture: still run (and fail)
        [ "$(printf '%s' "$n" | cut -d. -f1-2)" = "$s" ] || continue
        case " ${args[*]} " in *" $n "*) ;; *) args+=("$n") ;; esac
    done
    find "$APPLIANCE_SHARE_DIR" "$T/torture" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
    APPLIANCE_CLIENT_TIMEOUT=$SUITE_TIMEOUT appliance_smbtorture \
        --format=subunit --fullname --basedir="$T/torture" \
        --option=torture:user2name=bob --option="torture:user2password=$bob_password" \
        --option=torture:user2domain=WORKGROUP \
        --option=torture:acl_xattr_name=DOSATTRIB \
        //127.0.0.1/test "${args[@]}" > "$T/$s.subunit" 2>&1
    rc=$?
    for n in "${args[@]}"; do
        if grep -qxF "success: $n" "$T/$s.subunit"; then
            _tap_record 0 "$n"
        else
            _tap_record 1 "$n"
            # The result line and its bracketed reason, else the tail.
            why=$(awk -v n="$n" '
                { line = $0; sub(/ \[$/, "", line) }
                line ~ /^(failure|error|skip|xfail|uxsuccess): / && substr(line, index(line, ": ") + 2) == n { on = 1 }
                on { print; if ($0 == "]") exit }' "$T/$s.subunit" | head -20)
            [ -n "$why" ] || why="no result (smbtorture exit status $rc$([ "$rc" = 124 ] && echo ', timed out')): $(tail -5 "$T/$s.subunit")"
            diag "$why"
        fi
    done
    if [ -z "$died_reported" ] && ! lwiod_alive; then
        died_reported=1
        diag "srv (lwiod) died during $s; its log says:"
        diag "$(grep -m1 -A30 -E 'ERROR: AddressSanitizer|runtime error|ERROR: LeakSanitizer' \
                "$APPLIANCE_RUN_DIR/lwiod.log" 2>/dev/null || tail -20 "$APPLIANCE_RUN_DIR/lwiod.log")"
    fi
done

ok "srv (lwiod pid $lwiod_pid) is still the same running process" lwiod_alive

# The daemons stop cleanly, and (in an ASan build) left no sanitizer report:
# errors as they ran, leaks as they exited.
stop_and_check_logs() {
    appliance_stop >/dev/null 2>&1 || return 1
    ! grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log 2>/dev/null
}
check_stop_name="lwadmin stop stops the daemons; their logs have no sanitizer report"
ok "$check_stop_name" stop_and_check_logs ||
    diag "$(grep -h -m1 -A30 -E 'Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log)"
