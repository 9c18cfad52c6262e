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

command -v smbtorture >/dev/null || skip_all "smbtorture not installed (samba-testsuite)"

names=()
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    names+=("$line")
done < "$PASS_LIST"
[ ${#names[@]} -gt 0 ] || skip_all "t/srv-smbtorture.pass lists no subtest yet"

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
# Some subtests want a second user (smbtorture's torture:user2name), as the
# runner provides.
bob_password="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-8Bb"
printf '%s\n' "$bob_password" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" share set test --grant bob:full >/dev/null ||
    { echo "Bail out! cannot add the second user"; exit 1; }
appliance_available || skip_all "srv cannot start: $APPLIANCE_WHY"

plan $((${#names[@]} + 1))

# Suites in list order; a name's suite is its first two components
# (smb2.connect, smb2.session.two_logoff -> smb2.session).
suites=()
for n in "${names[@]}"; do
    s=$(printf '%s' "$n" | cut -d. -f1-2)
    case " ${suites[*]} " in *" $s "*) ;; *) suites+=("$s") ;; esac
done

lwiod_pid=$(cat "$APPLIANCE_RUN_DIR/lwiod.pid" 2>/dev/null)
for s in "${suites[@]}"; do
    args=()
    for n in "${names[@]}"; do
        [ "$(printf '%s' "$n" | cut -d. -f1-2)" = "$s" ] && args+=("$n")
    done
    find "$APPLIANCE_SHARE_DIR" "$T/torture" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
    APPLIANCE_CLIENT_TIMEOUT=$SUITE_TIMEOUT appliance_smbtorture \
        --format=subunit --fullname --basedir="$T/torture" \
        --option=torture:user2name=bob --option="torture:user2password=$bob_password" \
        --option=torture:user2domain=WORKGROUP \
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
done

now=$(cat "$APPLIANCE_RUN_DIR/lwiod.pid" 2>/dev/null)
ok "srv (lwiod pid $lwiod_pid) is still the same running process" \
    sh -c '[ -n "$1" ] && [ "$1" = "$2" ] && kill -0 "$1"' - "$lwiod_pid" "$now"
