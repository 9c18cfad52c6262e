#!/bin/sh
# lwadmin user and group: passwords only through standard input or the
# terminal (never argv), the stored NT hash is right (checked in the database,
# never printed), names are validated like Windows, group membership works, a
# refused command changes nothing, and each change is in the audit log.
. "$SW_SRC/t/tap/tap.sh"

run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err"); }
json_ok() { /usr/bin/python3 -m json.tool "$1" >/dev/null 2>&1; }
# The stored NT hash of a user, compared in Python so that it is never printed.
hash_is() { # user expected-hex
    /usr/bin/python3 - "$SAMEWISE_DB" "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT nt_hash FROM sam_users WHERE name_key = upper(?)", (sys.argv[2],)).fetchone()
sys.exit(0 if row and row[0] is not None and row[0].hex() == sys.argv[3] else 1)
PY
}
hash_differs() { ! hash_is "$@"; }
audit_count() { "$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

"$LWADMIN" init >/dev/null || { echo "1..0 # SKIP lwadmin init failed"; exit 0; }

# ---- user add ------------------------------------------------------------------
run sh -c 'printf "Password\n" | "$0" user add alice --password-stdin --full-name "Alice Liddell" --description "test user"' "$LWADMIN"
is "$rc" 0 "user add --password-stdin"
is "$out$err" "" "  prints nothing"
ok "the stored NT hash is [MS-NLMP]'s NTOWFv1(\"Password\")" hash_is alice a4f49c406510bdcab6824ee7c30fd852
run sh -c 'printf "Password" | "$0" user add bob --password-stdin' "$LWADMIN"
is "$rc" 0 "a password without a final newline is read too"
ok "  same hash" hash_is bob a4f49c406510bdcab6824ee7c30fd852
run sh -c 'printf "Password\r\n" | "$0" user add carol --password-stdin' "$LWADMIN"
ok "a CRLF line end is not part of the password" hash_is carol a4f49c406510bdcab6824ee7c30fd852
run sh -c '"$0" user add dave --password-stdin </dev/null' "$LWADMIN"
is "$rc" 1 "--password-stdin with empty input fails"
like "$err" "no password on standard input" "  saying why"
run "$LWADMIN" user show dave
is "$rc" 1 "  and dave was not created"
run sh -c '"$0" user add erin </dev/null' "$LWADMIN"
is "$rc" 0 "user add without a password and without a terminal"
like "$err" "cannot log on" "  warns that the account cannot log on"
run "$LWADMIN" --json user show erin
like "$out" '"has_password": false' "  and it has no password"

run "$LWADMIN" user add mallory --password hunter2
is "$rc" 2 "a password option on the command line is a usage error"
run "$LWADMIN" user show mallory
is "$rc" 1 "  and creates nothing"
run sh -c 'printf "x\n" | "$0" user passwd alice -p x' "$LWADMIN"
is "$rc" 2 "user passwd -p is a usage error"

# ---- names -----------------------------------------------------------------------
before=$(audit_count)
for bad in 'a/b' 'a\b' 'a[b' 'a]b' 'a:b' 'a;b' 'a|b' 'a=b' 'a,b' 'a+b' 'a*b' 'a?b' 'a<b' \
           'a>b' 'a@b' 'a"b' '...' '. .' 'abcdefghijklmnopqrstu' "$(printf 'a\tb')"; do
    run "$LWADMIN" user add "$bad"
    is "$rc" 1 "user name '$bad' is refused"
done
like "$err" "control character" "  with the reason"
run "$LWADMIN" user add ALICE
is "$rc" 1 "ALICE is refused: alice exists (names are case-insensitive)"
run "$LWADMIN" user add Administrators
is "$rc" 1 "a user cannot take a group's name"
run "$LWADMIN" group add 'bad:group'
is "$rc" 1 "group name 'bad:group' is refused"
is "$(audit_count)" "$before" "refused adds change nothing and audit nothing"
run "$LWADMIN" user add abcdefghijklmnopqrst </dev/null
is "$rc" 0 "a 20-character name is fine"

# ---- password policy ------------------------------------------------------------------
"$LWADMIN" config set lsass.min-password-length 10
run sh -c 'printf "tiny7\n" | "$0" user add frank --password-stdin' "$LWADMIN"
is "$rc" 1 "a password under lsass.min-password-length is refused"
like "$err" "min-password-length" "  naming the setting"
unlike "$err" "tiny7" "  without echoing the password"
run "$LWADMIN" user show frank
is "$rc" 1 "  and frank was not created"
"$LWADMIN" config set lsass.password-complexity on
run sh -c 'printf "aaaaaaaaaaaa\n" | "$0" user passwd alice --password-stdin' "$LWADMIN"
is "$rc" 1 "complexity on: a simple new password is refused"
ok "  alice keeps her password" hash_is alice a4f49c406510bdcab6824ee7c30fd852
run sh -c 'printf "Tr0ub4dor&3x\n" | "$0" user passwd alice --password-stdin' "$LWADMIN"
is "$rc" 0 "user passwd with a complex password"
expected=$(/usr/bin/python3 -c '
import hashlib, sys
try:
    print(hashlib.new("md4", "Tr0ub4dor&3x".encode("utf-16-le")).hexdigest())
except ValueError:
    print("")')
if [ -n "$expected" ]; then
    ok "  the stored hash changed to the new password's" hash_is alice "$expected"
else
    ok "  the stored hash changed" hash_differs alice a4f49c406510bdcab6824ee7c30fd852
fi
"$LWADMIN" config unset lsass.password-complexity
"$LWADMIN" config unset lsass.min-password-length
run "$LWADMIN" user passwd alice </dev/null
is "$rc" 2 "user passwd without --password-stdin and without a terminal is a usage error"
run sh -c 'printf "x\n" | "$0" user passwd nobody --password-stdin' "$LWADMIN"
is "$rc" 1 "user passwd of an unknown user fails"

# ---- the terminal: asked twice, no echo ---------------------------------------------------
/usr/bin/python3 - "$LWADMIN" <<'PY' >"$T/pty.out"
import os, pty, select, signal, sys, time
def session(name, first, second):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[1], [sys.argv[1], "user", "add", name])
    seen = b""
    def wait_for(text, limit=5.0):
        nonlocal seen
        end = time.time() + limit
        while text not in seen and time.time() < end:
            if not select.select([fd], [], [], max(0.0, end - time.time()))[0]:
                break
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        return text in seen
    asked1 = wait_for(b"New password for " + name.encode())
    os.write(fd, first.encode() + b"\n")
    asked2 = wait_for(b"Retype")
    os.write(fd, second.encode() + b"\n")
    wait_for(b"\x00", 2.0)  # read until the child is done
    for _ in range(50):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return asked1, asked2, os.waitstatus_to_exitcode(status), seen
a1, a2, code, seen = session("gina", "Secret-Pw1", "Secret-Pw1")
print("asked-twice" if a1 and a2 else "not-asked", code, "echo" if b"Secret-Pw1" in seen else "no-echo")
a1, a2, code, seen = session("hank", "Secret-Pw1", "Other-Pw2")
print("asked-twice" if a1 and a2 else "not-asked", code, "echo" if b"Pw" in seen else "no-echo")
PY
is "$(sed -n 1p "$T/pty.out")" "asked-twice 0 no-echo" "on a terminal: asked twice without echo, user created"
is "$(sed -n 2p "$T/pty.out")" "asked-twice 1 no-echo" "two different entries: fails with 1"
run "$LWADMIN" user show hank
is "$rc" 1 "  and hank was not created"
run "$LWADMIN" --json user show gina
like "$out" '"has_password": true' "gina has a password"

# ---- user set / list / show / del ----------------------------------------------------------
run "$LWADMIN" user set bob --disable --full-name "Bob Builder" --password-never-expires
is "$rc" 0 "user set --disable --full-name --password-never-expires"
run "$LWADMIN" --json user show bob
ok "user show --json is valid JSON" json_ok "$T/out"
like "$out" '"enabled": false' "  bob is disabled"
like "$out" '"full_name": "Bob Builder"' "  with the full name"
like "$out" '"password_never_expires": true' "  and password never expires"
unlike "$out" "a4f49c40|nt_hash|A4F49C40" "  no hash in the output"
run "$LWADMIN" user set bob --enable --disable
is "$rc" 2 "contradictory options are a usage error"
run "$LWADMIN" user set bob --rename robert
is "$rc" 0 "user set --rename"
run "$LWADMIN" user show bob
is "$rc" 1 "  the old name is gone"
run "$LWADMIN" user list
is "$rc" 0 "user list"
like "$out" "^robert +1001 +disabled" "  shows robert with RID 1001, disabled"
run "$LWADMIN" --json user list
ok "user list --json is valid JSON" json_ok "$T/out"
unlike "$out" "a4f49c40" "  and holds no hash"
run "$LWADMIN" user show alice
like "$out" "Full name: +Alice Liddell" "user show prints the full name"

# ---- groups -------------------------------------------------------------------------------
run "$LWADMIN" group add Editors --description "people who edit"
is "$rc" 0 "group add"
run "$LWADMIN" group add editors
is "$rc" 1 "a second group of the same name (other case) fails"
run "$LWADMIN" group add-member Editors alice
is "$rc" 0 "group add-member"
run "$LWADMIN" group add-member editors ALICE
is "$rc" 1 "adding the same member again fails"
like "$err" "already a member" "  saying so"
run "$LWADMIN" group add-member Administrators robert
is "$rc" 0 "add robert to the built-in Administrators"
run "$LWADMIN" group add-member Editors "Authenticated Users"
is "$rc" 0 "a well-known principal can be a member"
run "$LWADMIN" group add-member Editors Users
is "$rc" 1 "a group cannot be a member of a group"
run "$LWADMIN" group add-member Editors nobody
is "$rc" 1 "an unknown member fails"
run "$LWADMIN" group add-member NoGroup alice
is "$rc" 1 "an unknown group fails"
run "$LWADMIN" group show editors
like "$out" "alice \(S-1-5-21-" "group show lists alice with her SID"
like "$out" "Authenticated Users \(S-1-5-11\)" "  and Authenticated Users"
run "$LWADMIN" --json group show Editors
ok "group show --json is valid JSON" json_ok "$T/out"
run "$LWADMIN" --json user show alice
like "$out" '"groups": \[' "user show lists groups"
like "$(printf '%s' "$out" | tr -d ' \n')" '"groups":\["Editors"\]' "  alice is in Editors"
run "$LWADMIN" group remove-member Editors alice
is "$rc" 0 "group remove-member"
run "$LWADMIN" group remove-member Editors alice
is "$rc" 1 "removing a non-member fails"
run "$LWADMIN" group list
like "$out" "^Editors +local +1 " "group list: Editors is local with one member"
like "$out" "^Administrators +builtin +1 " "  Administrators has robert"
run "$LWADMIN" --json group list
ok "group list --json is valid JSON" json_ok "$T/out"
run "$LWADMIN" group del Administrators
is "$rc" 1 "a built-in group cannot be deleted"
run "$LWADMIN" user del robert
is "$rc" 0 "user del"
run "$LWADMIN" --json group show Administrators
like "$out" '"members": \[\]' "  and robert left Administrators with it"
run "$LWADMIN" group set Editors --description "changed"
is "$rc" 0 "group set --description"
run "$LWADMIN" group del Editors
is "$rc" 0 "group del"
run "$LWADMIN" group show Editors
is "$rc" 1 "  it is gone"

# ---- text fields and concurrency -------------------------------------------------------------
run "$LWADMIN" user add ivan --full-name "$(printf 'bad\001name')" </dev/null
is "$rc" 1 "a control character in a full name is refused"
like "$err" "invalid full name" "  saying so"
run "$LWADMIN" user show ivan
is "$rc" 1 "  and ivan was not created"
# Eight writers at once: each gets its own RID, none is lost (BEGIN IMMEDIATE).
pids=""
for i in 1 2 3 4 5 6 7 8; do
    "$LWADMIN" user add "par$i" </dev/null 2>/dev/null &
    pids="$pids $!"
done
failed=0
for p in $pids; do wait "$p" || failed=$((failed + 1)); done
is "$failed" 0 "eight concurrent user adds all succeed"
rids=$("$LWADMIN" --json user list | /usr/bin/python3 -c '
import json, sys
users = [u for u in json.load(sys.stdin) if u["name"].startswith("par")]
print(len(users), len(set(u["rid"] for u in users)))')
is "$rids" "8 8" "  eight users with eight different RIDs"

# ---- deleting an account that share permissions name --------------------------------------
mkdir -p "$T/granted" "$T/granted2"
"$LWADMIN" user add gina </dev/null 2>/dev/null
"$LWADMIN" group add Crew 2>/dev/null
"$LWADMIN" share add granted "$T/granted" --grant gina:change --grant Crew:read --grant Everyone:read 2>/dev/null
"$LWADMIN" share add granted2 "$T/granted2" --grant gina:full 2>/dev/null
run "$LWADMIN" user del gina
is "$rc" 1 "user del refuses a user that share permissions name"
like "$err" "gina is named in the permissions of shares granted, granted2" "  naming the shares"
like "$err" "pass --force" "  and saying how to go on"
run "$LWADMIN" user show gina
is "$rc" 0 "  gina still exists"
run "$LWADMIN" --json log
like "$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["outcome"] == "refused":
        print(e["action"], e["object"], e["detail"])')" "^user.del gina gina is named in the permissions of shares granted, granted2" \
    "  the refused delete is in the audit log (outcome refused, with the reason)"
run "$LWADMIN" user del gina --force
is "$rc" 0 "user del --force deletes her"
like "$out" "Removed gina's grant from share granted\." "  and says which shares changed (granted)"
like "$out" "Removed gina's grant from share granted2\." "  (granted2)"
run "$LWADMIN" share show granted
unlike "$out" "gina|S-1-5-21" "  her grant is gone from granted, no raw SID left"
like "$out" "Crew:read" "  the other grants stay"
run "$LWADMIN" group del Crew
is "$rc" 1 "group del refuses a group that share permissions name"
like "$err" "Crew is named in the permissions of share granted" "  naming the share"
run "$LWADMIN" group del Crew --force
is "$rc" 0 "group del --force deletes it"
like "$out" "Removed Crew's grant from share granted\." "  and says which share changed"
run "$LWADMIN" share show granted
unlike "$out" "Crew|S-1-5-21" "  no raw SID left behind"
run "$LWADMIN" group del Administrators --force
is "$rc" 1 "a built-in group is never deleted, --force or not"
run "$LWADMIN" share show granted
like "$out" "Everyone:read" "  and no grant was removed for it"

# ---- the Unix account a user acts as (lsass/idmap) ------------------------------------------
"$LWADMIN" user add ida </dev/null >/dev/null 2>&1
run "$LWADMIN" --json user show ida
uid=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["uid"], d["unix_account"])')
like "$uid" "^10[0-9]{5} None$" "ida has his own uid from lsass.id-range, no Unix account ($uid)"
run "$LWADMIN" user show ida
like "$out" "Unix identity: +uid 10[0-9]{5} \(its own\)" "user show names it"
if id daemon >/dev/null 2>&1 && [ "$(id -u daemon)" != 0 ] && [ "$(id -g daemon)" != 0 ]; then
    run "$LWADMIN" user set ida --unix-account daemon
    is "$rc" 0 "user set --unix-account daemon"
    run "$LWADMIN" user show ida
    like "$out" "Unix identity: +Unix account daemon \(uid $(id -u daemon)\)" "  user show names daemon and its uid"
    run "$LWADMIN" user set alice --unix-account daemon
    is "$rc" 1 "a second user may not act as daemon"
    like "$err" "ida already acts as Unix account daemon" "  the refusal names ida"
    run "$LWADMIN" user set alice --full-name "Not Saved" --unix-account daemon
    is "$rc" 1 "a refused mapping with another change"
    run "$LWADMIN" user show alice
    unlike "$out" "Not Saved" "  changes nothing (one transaction)"
    run "$LWADMIN" user set ida --no-unix-account
    is "$rc" 0 "user set --no-unix-account"
    like "$("$LWADMIN" user show ida)" "Unix identity: +uid 10[0-9]{5} \(its own\)" "  ida is back on his own uid"
else
    skip_test "no unprivileged Unix account daemon"
fi
if id bin >/dev/null 2>&1 && [ "$(id -u bin)" != 0 ] && [ "$(id -g bin)" != 0 ]; then
    run sh -c '"$0" user add bin </dev/null' "$LWADMIN"
    is "$rc" 0 "user add bin (a Unix account bin exists)"
    like "$err" "'bin' acts on disk as the Unix account of the same name" "  says it is mapped to it"
    like "$("$LWADMIN" user show bin)" "Unix identity: +Unix account bin" "  and it is"
    "$LWADMIN" user del bin >/dev/null 2>&1
else
    skip_test "no unprivileged Unix account bin"
fi
run "$LWADMIN" user set ida --unix-account root
is "$rc" 1 "user set --unix-account root is refused"
like "$err" "privileged" "  saying why"
run "$LWADMIN" user set ida --unix-account no-such-unix-acct
is "$rc" 1 "a Unix account that does not exist is refused"
like "$err" "there is no Unix account no-such-unix-acct" "  saying so"
run "$LWADMIN" user set ida --unix-account daemon --no-unix-account
is "$rc" 2 "--unix-account with --no-unix-account is a usage error"
run "$LWADMIN" config set lsass.id-range 1000-2000
is "$rc" 1 "an lsass.id-range too small for the RIDs is refused"
like "$err" "too small" "  saying why"
run "$LWADMIN" config get lsass.id-range
is "$out" "1000000-1999999" "the default lsass.id-range"
run "$LWADMIN" group show Administrators
like "$out" "Unix gid: +1000544" "group show: Administrators' gid is FIRST + 544"

# ---- the audit log has each change ----------------------------------------------------------
run "$LWADMIN" log
for entry in "user.add +alice" "user.passwd +alice" "user.set +bob" "user.del +robert" \
             "group.add +Editors" "group.add-member +Editors" "group.remove-member +Editors" \
             "group.set +Editors" "group.del +Editors" "lsass.min-password-length" \
             "share.set +granted" "user.del +gina" "group.del +Crew"; do
    like "$out" "$entry" "log shows $entry"
done
unlike "$out" "Password|Tr0ub4dor|Secret-Pw1|a4f49c40" "the log holds no password or hash"
