#!/bin/bash
# Every account acts on disk as a Unix identity of its own (lsass/idmap),
# against a real instance with smbclient: two SAM users without Unix
# accounts (alice, bob) create files and a folder that stat shows with their
# own distinct uids from lsass.id-range and their primary group's gid (None,
# id base + 513); Guest's files are Guest's own id (id base + 501, + 514); a
# user mapped with `lwadmin user set --unix-account daemon` creates files
# owned by daemon. The owner rule still holds with real uids: alice's 0600
# file without a stored NT descriptor is readable by alice (the owner on
# disk) and by neither bob nor Guest, while a 0644 file is readable by both
# (so the refusal is the owner rule, not a failed logon). Nobody acts as
# root: lwadmin refuses a mapping to root, and a mapping that became root's
# behind lwadmin's back makes lsassd act as 65534:65534 and say so.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
id daemon >/dev/null 2>&1 && [ "$(id -u daemon)" != 0 ] && [ "$(id -g daemon)" != 0 ] ||
    skip_all "no unprivileged Unix account daemon"
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
SHARE=$APPLIANCE_SHARE_DIR
chmod 0777 "$SHARE"
BOB_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-7Cc"
CAROL_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-8Dd"
printf '%s\n' "$BOB_PASSWORD" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
    printf '%s\n' "$CAROL_PASSWORD" | "$LWADMIN" user add carol --password-stdin >/dev/null &&
    "$LWADMIN" share set "$APPLIANCE_SHARE" --grant alice:full --grant bob:full --grant carol:full \
        --grant Everyone:full --guest-ok >/dev/null &&
    "$LWADMIN" config set srv.guest on >/dev/null ||
    { echo "Bail out! setting up bob, carol and guest failed"; exit 1; }
# Whatever accounts this machine has: alice and bob act as their own uids.
"$LWADMIN" user set alice --no-unix-account >/dev/null &&
    "$LWADMIN" user set bob --no-unix-account >/dev/null ||
    { echo "Bail out! lwadmin user set --no-unix-account failed"; exit 1; }
(umask 077 && printf 'username = bob\npassword = %s\n' "$BOB_PASSWORD" > "$T/bob.auth" &&
    printf 'username = carol\npassword = %s\n' "$CAROL_PASSWORD" > "$T/carol.auth" &&
    printf 'username = no-such-user\npassword = x\n' > "$T/guest.auth")

# ---- the mapping, refused and made, through lwadmin -------------------------------
out=$("$LWADMIN" user set carol --unix-account root 2>&1)
rc=$?
ok "lwadmin refuses to map a SAM user to root (exit $rc)" test "$rc" = 1
like "$out" 'privileged' "  saying why" || diag "$out"
is "$("$LWADMIN" user set carol --unix-account daemon 2>&1)" "" "carol is mapped to Unix account daemon"
out=$("$LWADMIN" user set bob --unix-account daemon 2>&1)
rc=$?
ok "bob may not be mapped to daemon too (exit $rc)" test "$rc" = 1
like "$out" 'carol already acts as Unix account daemon' "  the refusal names carol" || diag "$out"
out=$("$LWADMIN" config set lsass.unix-fallback-user nobody 2>&1; echo "exit=$?")
like "$out" 'exit=0' "the deprecated lsass.unix-fallback-user is still accepted"
like "$out" 'note: lsass.unix-fallback-user is deprecated' "  with a note that it changes nothing"

uid_of() { "$LWADMIN" --json user show "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])'; }
ALICE_UID=$(uid_of alice)
BOB_UID=$(uid_of bob)
BASE=1000000   # the default lsass.id-range's first id, the id base of a new SAM
NONE_GID=$((BASE + 513))
ok "alice and bob have distinct uids in lsass.id-range ($ALICE_UID, $BOB_UID)" \
    test "$ALICE_UID" -gt "$BASE" -a "$BOB_UID" -gt "$BASE" -a "$ALICE_UID" != "$BOB_UID"
appliance_require

as() { # as AUTHFILE COMMANDS
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$1" \
        -p "$APPLIANCE_PORT" "//127.0.0.1/$APPLIANCE_SHARE" -c "$2" 2>&1
}
strip_ntacl() { /usr/bin/python3 -c 'import os,sys
for n in ("security.NTACL", "user.NTACL"):
    try: os.removexattr(sys.argv[1], n)
    except OSError: pass' "$1"; }

# ---- who owns what is created ------------------------------------------------------
echo "alice's secret" > "$T/secret.src"
echo "alice's notice" > "$T/notice.src"
out=$(as "$APPLIANCE_AUTH" "put $T/secret.src secret.txt; put $T/notice.src notice.txt; mkdir alice-dir")
unlike "$out" 'NT_STATUS_' "alice (no Unix account) writes two files and a folder" || diag "$out"
is "$(stat -c %u:%g "$SHARE/secret.txt" 2>&1)" "$ALICE_UID:$NONE_GID" \
    "  her file is her uid and None's gid on disk"
is "$(stat -c %u:%g "$SHARE/alice-dir" 2>&1)" "$ALICE_UID:$NONE_GID" "  and so is her folder"
echo "bob's" > "$T/bob.src"
out=$(as "$T/bob.auth" "put $T/bob.src bobs.txt")
unlike "$out" 'NT_STATUS_' "bob writes a file" || diag "$out"
is "$(stat -c %u:%g "$SHARE/bobs.txt" 2>&1)" "$BOB_UID:$NONE_GID" "  owned by bob's own uid, not alice's"
echo "guest's" > "$T/guest.src"
out=$(as "$T/guest.auth" "put $T/guest.src guests.txt")
unlike "$out" 'NT_STATUS_' "Guest writes a file" || diag "$out"
is "$(stat -c %u:%g "$SHARE/guests.txt" 2>&1)" "$((BASE + 501)):$((BASE + 514))" \
    "  owned by Guest's own identity (id base + 501, Domain Guests' gid)"
echo "carol's" > "$T/carol.src"
out=$(as "$T/carol.auth" "put $T/carol.src carols.txt")
unlike "$out" 'NT_STATUS_' "carol (mapped to daemon) writes a file" || diag "$out"
is "$(stat -c %u:%g "$SHARE/carols.txt" 2>&1)" "$(id -u daemon):$(id -g daemon)" \
    "  owned by daemon, the Unix account she is mapped to"

# ---- the owner rule with real uids -------------------------------------------------
# The descriptors go (as for a file made on the disk): the descriptor is
# derived from owner and mode.
strip_ntacl "$SHARE/secret.txt"
strip_ntacl "$SHARE/notice.txt"
chmod 0600 "$SHARE/secret.txt"
chmod 0644 "$SHARE/notice.txt"
out=$(as "$APPLIANCE_AUTH" "get secret.txt $T/alice-secret.out")
unlike "$out" 'NT_STATUS_' "alice reads her own 0600 file (the owner on disk is her uid alone)" ||
    diag "$out"
out=$(as "$T/bob.auth" "get notice.txt $T/bob-notice.out")
unlike "$out" 'NT_STATUS_' "bob reads alice's 0644 file (its mode gives everyone read)" || diag "$out"
out=$(as "$T/bob.auth" "get secret.txt $T/bob-secret.out")
like "$out" 'NT_STATUS_ACCESS_DENIED' "bob cannot read alice's 0600 file" || diag "$out"
ok "  and got none of it" test ! -s "$T/bob-secret.out"
out=$(as "$T/guest.auth" "get notice.txt $T/guest-notice.out")
unlike "$out" 'NT_STATUS_' "Guest reads the 0644 file" || diag "$out"
out=$(as "$T/guest.auth" "get secret.txt $T/guest-secret.out")
like "$out" 'NT_STATUS_ACCESS_DENIED' "Guest cannot read alice's 0600 file" || diag "$out"
ok "  and got none of it" test ! -s "$T/guest-secret.out"
# Nor can bob take it over: the owner's implicit WRITE_DAC is not his.
out=$(as "$T/bob.auth" "setmode secret.txt +h; allinfo secret.txt")
unlike "$out" 'attributes: .*H' "bob cannot change its attributes either" || diag "$out"
out=$(as "$T/bob.auth" "get bobs.txt $T/bobs.out")
unlike "$out" 'NT_STATUS_' "bob reads the file he created (stored descriptor)" || diag "$out"

# ---- never root --------------------------------------------------------------------
# A mapping that became root's behind lwadmin's back (here: written into the
# SAM directly) is never acted on: carol's next file is 65534's.
/usr/bin/python3 - "$SAMEWISE_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE sam_users SET unix_account = 'root' WHERE name = 'carol'")
db.commit()
PY
like "$("$LWADMIN" user show carol 2>&1)" 'Unix account root' "the SAM now says root (bypassing lwadmin)"
out=$(as "$T/carol.auth" "put $T/carol.src as-root.txt")
unlike "$out" 'NT_STATUS_' "carol still writes a file" || diag "$out"
is "$(stat -c %u:%g "$SHARE/as-root.txt" 2>&1)" "65534:65534" "  owned by 65534:65534, not root"
like "$(cat "$APPLIANCE_RUN_DIR"/lsassd.log 2>/dev/null)" 'is privileged; acting as 65534:65534' \
    "  lsassd says so in its log"
done_testing
