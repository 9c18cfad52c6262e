#!/bin/sh
# smbtorture's rpc.samr suites against a running appliance over SMB, as an
# administrator (bob). Most rpc.samr subtests join a domain as a BDC or a
# workstation first (a domain controller's job: they fail at setup here), and
# the two broad ones, samr and samr.users, run dozens of checks that only
# WARN and end in a skip (samr_Shutdown is "dangerous"); so this test is a
# ratchet on both:
#   - the subtests that pass stay passing (accessmask's OpenDomain,
#     LookupDomain, EnumDomains, Connect5; priv's caching and access);
#   - samr, samr.users and samr.passwords.default WARN only the ways listed
#     in t/samr-smbtorture.known (domain SIDs and source lines folded): a new
#     kind of warning fails, one that went away is reported so the list can
#     shrink. docs/CONFORMANCE.md says why each listed one remains.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbtorture samba-testsuite

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
# smbtorture looks the account domain up by the client's workgroup: a
# standalone server's account domain is named after the server.
"$LWADMIN" config set srv.server-name SAMEWISE >/dev/null
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Bb"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" group add-member Administrators bob >/dev/null ||
    { echo "Bail out! cannot make bob an administrator"; exit 1; }
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$T/client/bob.txt")
appliance_require
appliance_wait_samr || { echo "Bail out! pipe samr is not served"; exit 1; }
mkdir -p "$T/torture"

torture() { # SUITE: its subunit output
    (cd "$T/torture" && timeout "$APPLIANCE_CLIENT_TIMEOUT" smbtorture -s "$APPLIANCE_CONF" \
        -A "$T/client/bob.txt" -p "$APPLIANCE_PORT" -W SAMEWISE --format=subunit ncacn_np:127.0.0.1 "$1" 2>&1)
}
verdict() { # OUTPUT NAME: success, failure, error or skip
    printf '%s\n' "$1" | sed -n "s/^\\(success\\|failure\\|error\\|skip\\): $2\\( \\[\\)\\{0,1\\}\$/\\1/p" | head -n 1
}
# The warnings of an output, one kind a line: SIDs and line numbers folded.
warnings() {
    printf '%s\n' "$1" | grep '^WARNING!' |
        sed -E 's/S-1-5-21(-[0-9]+){3}/S-1-5-21-D/g; s/samr\.c:[0-9]+/samr.c:N/g' | sort -u
}

out=$(torture rpc.samr.accessmask)
for t in OpenDomain LookupDomain EnumDomains Connect5; do
    is "$(verdict "$out" "samr.$t")" success "smbtorture rpc.samr.accessmask samr.$t"
done
out=$(torture rpc.samr.priv)
for t in caching access; do
    is "$(verdict "$out" "samr.$t")" success "smbtorture rpc.samr.priv samr.$t"
done
all=
for suite in rpc.samr rpc.samr.users rpc.samr.passwords.default; do
    out=$(torture $suite)
    name=${suite#rpc.}
    case $suite in rpc.samr.passwords.default) want=failure ;; *) want=skip ;; esac
    # samr.passwords.default ends in a failure: its warnings (the known list) fail the suite.
    is "$(verdict "$out" "$name")" "$want" "smbtorture $suite ends as it should ($want)"
    all=$(printf '%s\n%s\n' "$all" "$(warnings "$out" | sed "s/^/$name: /")")
done
known=$(grep -v '^#' "$SW_SRC/t/samr-smbtorture.known" | sed '/^$/d' | sort -u)
new=$(printf '%s\n' "$all" | sed '/^$/d' | sort -u | comm -23 - "$(printf '%s\n' "$known" > "$T/known" && echo "$T/known")")
gone=$(printf '%s\n' "$all" | sed '/^$/d' | sort -u | comm -13 - "$T/known")
is "$new" "" "no warning beyond t/samr-smbtorture.known"
[ -z "$gone" ] || diag "these known warnings no longer appear (remove them from t/samr-smbtorture.known):" "$gone"
done_testing
