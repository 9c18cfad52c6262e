#!/bin/bash
# Users without a unix account of their own, Guest and anonymous share one
# unix identity on disk (lsass.unix-fallback-user, nobody): files they
# create are owned by nobody. That shared uid must never make any of them
# the owner of a file. Two SAM users without unix accounts (alice, bob) and
# Guest, against a real instance with smbclient: alice's 0600 file that has
# no stored NT descriptor (owned by nobody on disk) is readable by neither
# bob nor Guest; a 0644 file of nobody's is (the mode gives everyone read),
# so the refusal is the owner rule, not a failed logon. lwadmin refuses a
# fallback account of root, and lsassd one written into the registry
# directly (alice's files then belong to 65534, not root).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
id nobody >/dev/null 2>&1 || skip_all "no unix account nobody"
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
SHARE=$APPLIANCE_SHARE_DIR
chmod 0777 "$SHARE"
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Cc"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    "$LWADMIN" share set "$APPLIANCE_SHARE" --grant bob:full --grant Everyone:full --guest-ok >/dev/null &&
    "$LWADMIN" config set srv.guest on >/dev/null ||
    { echo "Bail out! setting up bob and guest failed"; exit 1; }
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$T/bob.auth")
(umask 077 && printf 'username = no-such-user\npassword = x\n' > "$T/guest.auth")
appliance_require

as() { # as AUTHFILE COMMANDS
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$1" \
        -p "$APPLIANCE_PORT" "//127.0.0.1/$APPLIANCE_SHARE" -c "$2" 2>&1
}
strip_ntacl() { /usr/bin/python3 -c 'import os,sys
for n in ("security.NTACL", "user.NTACL"):
    try: os.removexattr(sys.argv[1], n)
    except OSError: pass' "$1"; }

# alice makes two files; on disk they belong to nobody, her fallback identity.
echo "alice's secret" > "$T/secret.src"
echo "alice's notice" > "$T/notice.src"
out=$(as "$APPLIANCE_AUTH" "put $T/secret.src secret.txt; put $T/notice.src notice.txt")
unlike "$out" 'NT_STATUS_' "alice (no unix account) writes two files" || diag "$out"
nobody_uid=$(id -u nobody)
is "$(stat -c %u "$SHARE/secret.txt" 2>&1)" "$nobody_uid" "  owned by nobody on disk"
# Their NT descriptors go (as for a file made on the disk, or a tree from
# elsewhere): the descriptor is derived from owner and mode.
strip_ntacl "$SHARE/secret.txt"
strip_ntacl "$SHARE/notice.txt"
chmod 0600 "$SHARE/secret.txt"
chmod 0644 "$SHARE/notice.txt"

out=$(as "$T/bob.auth" "get notice.txt $T/bob-notice.out")
unlike "$out" 'NT_STATUS_' "bob reads nobody's 0644 file (its mode gives everyone read)" ||
    diag "$out"
out=$(as "$T/bob.auth" "get secret.txt $T/bob-secret.out")
like "$out" 'NT_STATUS_ACCESS_DENIED' "bob (also nobody on disk) cannot read alice's 0600 file" ||
    diag "$out"
ok "  and got none of it" test ! -s "$T/bob-secret.out"

out=$(as "$T/guest.auth" "get notice.txt $T/guest-notice.out")
unlike "$out" 'NT_STATUS_' "Guest reads nobody's 0644 file" || diag "$out"
out=$(as "$T/guest.auth" "get secret.txt $T/guest-secret.out")
like "$out" 'NT_STATUS_ACCESS_DENIED' "Guest (nobody on disk) cannot read alice's 0600 file" ||
    diag "$out"
ok "  and got none of it" test ! -s "$T/guest-secret.out"

# Nor can either take it over: the owner's implicit WRITE_DAC is not theirs.
out=$(as "$T/bob.auth" "setmode secret.txt +h; allinfo secret.txt")
unlike "$out" 'attributes: .*H' "bob cannot change its attributes either" || diag "$out"

# A file bob creates stays his (a stored descriptor names his SID): the
# shared uid changes nothing there.
echo "bob's" > "$T/bob.src"
as "$T/bob.auth" "put $T/bob.src bobs.txt" >/dev/null
out=$(as "$T/bob.auth" "get bobs.txt $T/bobs.out")
unlike "$out" 'NT_STATUS_' "bob reads the file he created (stored descriptor)" || diag "$out"
# The fallback identity is never root's: lwadmin refuses to set it, and
# the running instance stays on nobody.
out=$("$LWADMIN" config set lsass.unix-fallback-user root 2>&1)
rc=$?
ok "lwadmin config set lsass.unix-fallback-user root is refused (exit $rc)" test "$rc" -ne 0
like "$out" 'privileged' "  saying why" || diag "$out"
is "$("$LWADMIN" config get lsass.unix-fallback-user 2>&1)" "nobody" "  the setting stays nobody"

# At use time, whatever the registry holds: a fallback that is a valid
# account when set applies to the next logon (daemon, uid 1: alice's new
# file is daemon's)...
if id daemon >/dev/null 2>&1 && [ "$(id -u daemon)" != 0 ] && [ "$(id -g daemon)" != 0 ]; then
    "$LWADMIN" config set lsass.unix-fallback-user daemon >/dev/null
    echo one > "$T/one.src"
    out=$(as "$APPLIANCE_AUTH" "put $T/one.src as-daemon.txt")
    unlike "$out" 'NT_STATUS_' "fallback daemon: alice writes a file" || diag "$out"
    is "$(stat -c %u:%g "$SHARE/as-daemon.txt" 2>&1)" "$(id -u daemon):$(id -g daemon)" \
        "  owned by daemon on disk (the setting reached lsassd)"
    # ... and one that became root's behind the schema's back (here: written
    # into the registry directly) is refused: the files stay off root.
    /usr/bin/python3 - "$SAMEWISE_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE reg_values SET data = 'root' WHERE name = 'unix-fallback-user'")
db.commit()
PY
    is "$("$LWADMIN" config get lsass.unix-fallback-user 2>&1)" "root" \
        "the registry now says root (bypassing lwadmin)"
    out=$(as "$APPLIANCE_AUTH" "put $T/one.src as-root.txt")
    unlike "$out" 'NT_STATUS_' "fallback root: alice still writes a file" || diag "$out"
    owner=$(stat -c %u:%g "$SHARE/as-root.txt" 2>&1)
    is "$owner" "65534:65534" "  owned by 65534:65534, not root"
    like "$(cat "$APPLIANCE_RUN_DIR"/lsassd.log 2>/dev/null)" \
        'privileged account is never the fallback' "  lsassd says so in its log"
else
    ok "# SKIP no unprivileged account daemon" true
fi
done_testing
