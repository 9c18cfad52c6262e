#!/bin/bash
# The descriptor of an lwiod that does not run as root lives in user.NTACL,
# the xattr an EA named NTACL would be: a whole instance runs as an
# unprivileged user (as root this test re-runs itself as nobody), and bob,
# who may only read a file of alice's and write its EAs, tries to replace
# its descriptor through an EA NTACL (impacket, t/srv-ea-unprivileged.py):
# refused, and the file stays closed to him.
if [ "$(id -u)" = 0 ]; then
    command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 || {
        echo "1..0 # SKIP setpriv or user nobody missing"
        [ "$CI" = true ] && exit 1
        exit 0
    }
    as_nobody() { setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups "$@"; }
    # nobody must reach the sources and the build (not so under a 0700 home).
    as_nobody test -r "$SW_SRC/t/tap/tap.sh" -a -r "$0" -a -x "$SW_BUILD/bin/lwadmin" || {
        echo "1..0 # SKIP nobody cannot read $SW_SRC or $SW_BUILD"
        exit 0
    }
    exec setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
        env HOME=/tmp TMPDIR=/tmp "$0" "$@"
fi
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_python_module impacket python3-impacket
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
SHARE=$APPLIANCE_SHARE_DIR
chmod 0777 "$SHARE"
/usr/bin/python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.probe", b"1")' "$SHARE" \
    2>/dev/null || skip_all "no user xattrs on $SHARE"
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-6Dd"
(umask 077 && printf '%s\n' "$BOB_PASSWORD" > "$T/bob.password")
"$LWADMIN" user add bob --password-stdin < "$T/bob.password" >/dev/null &&
    "$LWADMIN" share set "$APPLIANCE_SHARE" --grant bob:full >/dev/null ||
    { echo "Bail out! adding bob failed"; exit 1; }
appliance_require
ok "lwiod runs unprivileged (uid $(id -u))" test "$(id -u)" != 0

done_seen=
while IFS= read -r line; do
    case $line in
    DONE) done_seen=1 ;;
    PASS\ *) _tap_record 0 "${line#PASS }" ;;
    FAIL\ *) _tap_record 1 "${line#FAIL }" ;;
    *) diag "$line" ;;
    esac
done < <(/usr/bin/python3 "$SW_SRC/t/srv-ea-unprivileged.py" "$APPLIANCE_PORT" \
    "$T/alice.password" "$T/bob.password" "$SHARE" 2>&1)
ok "impacket ran to its end" [ -n "$done_seen" ]
done_testing
