#!/bin/sh
# Samba's smbtorture SMB2 suites against the appliance (srv.so in lwiod, pvfs
# share). Each subtest listed here passes today and must keep passing; the
# ones left out fail for reasons outside srv's protocol core (oplocks and
# leases, change notify, object ids, resilient handles, file system details
# pvfs owns) and are listed in docs/srv.md.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/srv-appliance.sh"
command -v smbtorture >/dev/null || skip_all "smbtorture (samba-testsuite) not installed"
appliance_start

expected="
smb2.connect: connect
smb2.tcon: tcon
smb2.read: eof position dir access
smb2.rw: rw1 rw2
smb2.credits: session_setup_credits_granted single_req_credits_granted skipped_mid
smb2.compound: related1 related2 related4 related5 related6 related7 related8 related9
  unrelated1 invalid1 invalid2 invalid3 invalid4 compound-break compound-padding
  create-write-close
smb2.lock: valid-request rw-shared rw-exclusive auto-unlock lock async cancel cancel-tdis
  cancel-logoff errorcode zerobytelength zerobyteread unlock multiple-unlock stacking
  contend context range overlap truncate
smb2.create: brlocked multi delete leading-slash impersonation
"
mkdir -p "$T/work"
suite=
printf '%s\n' "$expected" | while IFS= read -r line; do
    [ -z "$line" ] && continue
    case "$line" in
        smb2.*) suite=${line%%:*}; names=${line#*:} ;;
        *) names=$line ;;
    esac
    if [ ! -e "$T/$suite.out" ]; then
        (cd "$T/work" && timeout 120 smbtorture -s "$T/client.conf" -A "$T/alice.txt" \
            -p "$PORT" --format=subunit //127.0.0.1/data "$suite" > "$T/$suite.out" 2>&1)
    fi
    for name in $names; do
        if grep -qx "success: $name" "$T/$suite.out"; then
            echo "ok - $suite.$name"
        else
            echo "not ok - $suite.$name"
            grep -A3 "^failure: $name\b\|^error: $name\b" "$T/$suite.out" | sed 's/^/# /'
        fi
    done
done > "$T/results"
while IFS= read -r line; do
    case "$line" in
        "ok - "*) _tap_record 0 "${line#ok - }" ;;
        "not ok - "*) _tap_record 1 "${line#not ok - }" ;;
        *) echo "$line" ;;
    esac
done < "$T/results"
ok "lwiod still running after the suites" kill -0 "$LWIOD"
