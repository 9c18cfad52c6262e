#!/bin/sh
# lwadmin session and file against a running appliance: what they say when the
# server is not running, the sessions of real clients (impacket at 2.1 and
# 3.0, smbclient at 3.1.1) with user, address and dialect, the files they hold
# open, a forced file close and a forced logoff that the client notices while
# the others go on, the audit records, usage errors, and a caller lwiod does
# not accept.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbclient smbclient
need_python_module impacket python3-impacket
appliance_init || skip_all "appliance_init failed"

# ---- the server is not running -------------------------------------------------
for cmd in "session list" "file list" "--json session list"; do
    # shellcheck disable=SC2086
    out=$("$LWADMIN" $cmd 2>"$T/err"); rc=$?
    is "$rc" 1 "lwadmin $cmd exits 1 when the server is not running"
    like "$(cat "$T/err")" "SMB server is not running" "and says so"
    is "$out" "" "and prints nothing on standard output"
done
out=$("$LWADMIN" session close 12 2>&1); rc=$?
is "$rc" 1 "session close exits 1 when the server is not running"
like "$out" "not running" "and says so"

chmod 777 "$APPLIANCE_SHARE_DIR"   # alice has no unix account: pvfs acts as nobody
appliance_require

is "$("$LWADMIN" --json session list)" "[]" "no sessions before any client"
like "$("$LWADMIN" session list)" "^ID +USER +CLIENT +DIALECT" "the text listing has its heading"

# ---- clients that stay connected ------------------------------------------------
# hold NAME DIALECT: an impacket client in the background (t/srvctl-hold.py),
# stopped by pid at exit; waits (at most 10 s) until it is connected.
hold() {
    mkdir -p "$T/$1"
    /usr/bin/python3 "$SW_SRC/t/srvctl-hold.py" "$APPLIANCE_PORT" "$APPLIANCE_PASSWORD" "$2" \
        "$T/$1" 2>"$T/$1/err" &
    tap_at_exit "kill $!"
    i=0
    while [ $i -lt 200 ] && ! grep -qsE '^(ready|error)' "$T/$1/out"; do
        sleep 0.05; i=$((i + 1))
    done
    grep -qs '^ready' "$T/$1/out"
}
# probe NAME N: the client makes requests on its session, its tree connect
# and its open file; waits for the answers and prints them.
probe() {
    touch "$T/$1/probe-$2"
    i=0
    while [ $i -lt 200 ] && ! grep -qs "^probe-$2 file" "$T/$1/out"; do
        sleep 0.05; i=$((i + 1))
    done
    grep "^probe-$2 " "$T/$1/out"
}

ok "an impacket client logs on at SMB 2.1" hold a21 2.1
ok "an impacket client logs on at SMB 3.0" hold a30 3.0
mkfifo "$T/smbclient.in"
appliance_smbclient test -m SMB3_11 < "$T/smbclient.in" > "$T/smbclient.out" 2>&1 &
SMBCLIENT=$!
tap_at_exit "kill $SMBCLIENT"
exec 3> "$T/smbclient.in"   # smbclient waits for commands until this closes
i=0
while [ $i -lt 200 ] && [ "$("$LWADMIN" --json session list | grep -c '"id"')" -lt 3 ]; do
    sleep 0.05; i=$((i + 1))
done

json=$("$LWADMIN" --json session list)
check=$(printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
s = json.load(sys.stdin)
print(len(s))
print(" ".join(sorted(x["dialect"] for x in s)))
print(all(x["user"] == "alice" and x["client"] == "127.0.0.1" and x["domain"] != "" and
          x["client_port"] > 0 and not x["guest"] and not x["anonymous"] for x in s))
print(all("test" in x["shares"] and x["tree_connects"] >= 1 for x in s))
print(len(set(x["id"] for x in s)))
print(all(x["logon_time"] and 0 <= x["idle_seconds"] < 60 for x in s))
for x in s:
    print("id", x["dialect"], x["id"])
')
is "$(printf '%s\n' "$check" | sed -n 1p)" 3 "session list --json shows the three sessions"
is "$(printf '%s\n' "$check" | sed -n 2p)" "2.1 3.0 3.1.1" "with the dialect each client negotiated"
is "$(printf '%s\n' "$check" | sed -n 3p)" True "each is alice from 127.0.0.1, neither guest nor anonymous"
is "$(printf '%s\n' "$check" | sed -n 4p)" True "each is connected to the share test"
is "$(printf '%s\n' "$check" | sed -n 5p)" 3 "with distinct ids"
is "$(printf '%s\n' "$check" | sed -n 6p)" True "each with its logon time and idle time"
id21=$(printf '%s\n' "$check" | sed -n 's/^id 2\.1 //p')
id30=$(printf '%s\n' "$check" | sed -n 's/^id 3\.0 //p')

text=$("$LWADMIN" session list)
like "$text" "[0-9]+ +[^ ]+\\\\alice +127\\.0\\.0\\.1 +3\\.1\\.1 " "the text listing shows DOMAIN-backslash-alice, the address and the dialect"
is "$(printf '%s\n' "$text" | grep -c alice)" 3 "one line per session"

out=$("$LWADMIN" --json file list); rc=$?
is "$rc" 0 "file list --json succeeds while clients are connected"
like "$(grep -h '^open' "$T/a21/out" "$T/a30/out")" "^open ok" "the clients opened files"
files=$(printf '%s' "$out" | /usr/bin/python3 -c '
import json, sys
f = json.load(sys.stdin)
for x in sorted(f, key=lambda x: x["path"]):
    print(x["session_id"], x["id"], x["user"], x["client"], x["share"], x["path"],
          x["local_path"], x["pipe"], x["locks"])
')
is "$(printf '%s\n' "$files" | grep -c ' alice 127\.0\.0\.1 test hello-[0-9]*\.txt ')" 2 \
    "file list shows the file each impacket client holds open, with user, client and share"
like "$files" "^$id21 [0-9]+ alice .* $APPLIANCE_SHARE_DIR/hello-[0-9]+\.txt False 0" \
    "with the session, the path on the server, not a pipe, no locks"
like "$("$LWADMIN" file list)" "alice +127\.0\.0\.1 +test +hello-[0-9]+\.txt" "the text listing too"
like "$("$LWADMIN" --json session list)" "\"open_files\": 1," "a session counts its open file"

# ---- idle time ---------------------------------------------------------------------
idle_of() { # session id -> its idle seconds
    "$LWADMIN" --json session list | /usr/bin/python3 -c '
import json, sys
print([x["idle_seconds"] for x in json.load(sys.stdin) if x["id"] == int(sys.argv[1])][0])
' "$1"
}
sleep 2
quiet=$(idle_of "$id21")
ok "a quiet session's idle time grows (now ${quiet}s)" [ "$quiet" -ge 2 ]
probe a21 1 >/dev/null
busy=$(idle_of "$id21")
ok "and drops when its client makes a request (now ${busy}s)" [ "$busy" -lt "$quiet" ]

# ---- a forced file close -------------------------------------------------------------
fid21=$(printf '%s\n' "$files" | awk -v s="$id21" '$1 == s && $6 ~ /^hello-/ { print $2 }')
fid30=$(printf '%s\n' "$files" | awk -v s="$id30" '$1 == s && $6 ~ /^hello-/ { print $2 }')
# File ids are unique on the server (each session's FileIds start at 1, the
# listing's do not), so an id alone names one open.
ok "the two clients' files have different ids ($fid21, $fid30)" \
    [ -n "$fid21" ] && [ -n "$fid30" ] && [ "$fid21" != "$fid30" ]
is "$(printf '%s\n' "$files" | awk '{ print $2 }' | sort | uniq -d)" "" "no id is listed twice"
like "$(probe a21 2)" "probe-2 file ok" "before the close the 2.1 client writes to its file"
ok "file close ID (no --session) closes the 2.1 client's file" "$LWADMIN" file close "$fid21"
unlike "$("$LWADMIN" --json file list)" "\"session_id\": $id21," "the file is gone from the listing"
out=$(probe a21 3)
like "$out" "probe-3 file failed STATUS_FILE_CLOSED" "the client's next write on it fails: STATUS_FILE_CLOSED"
like "$out" "probe-3 tree ok" "its tree connect goes on working"
like "$(probe a30 1)" "probe-1 file ok" "the 3.0 client's file, in the other session, is still open"
like "$("$LWADMIN" --json file list)" "\"id\": $fid30," "... and listed with its id"
like "$("$LWADMIN" log)" "file\.close +file $fid21 +test.hello-[0-9]+\.txt, opened by [^ ]*alice from 127\.0\.0\.1" \
    "the close is in the audit log, with what and whose"

# ---- a forced logoff --------------------------------------------------------------
like "$(probe a30 2)" "probe-2 session ok" "before the logoff the 3.0 client's session works"
ok "session close logs the 3.0 session off" "$LWADMIN" session close "$id30"
unlike "$("$LWADMIN" --json session list)" "\"id\": $id30," "it is gone from the listing"
like "$("$LWADMIN" --json session list)" "\"id\": $id21," "the 2.1 session is still listed"
unlike "$("$LWADMIN" --json file list)" "\"session_id\": $id30," "the 3.0 session's open file went with it"
like "$(probe a30 3)" "probe-3 session failed" "the 3.0 client's next request fails"
like "$(probe a21 4)" "probe-4 session ok" "the 2.1 client goes on working"
like "$("$LWADMIN" log)" "session\\.close +session $id30 +[^ ]*alice from 127\\.0\\.0\\.1" \
    "the close is in the audit log, with who it was"

# ---- errors ---------------------------------------------------------------------------
out=$("$LWADMIN" session close 1 2>&1); rc=$?
is "$rc" 1 "closing a session that does not exist exits 1"
like "$out" "no session 1" "and says so"
out=$("$LWADMIN" session close "$id30" 2>&1); rc=$?
is "$rc" 1 "closing it twice exits 1"
"$LWADMIN" session close abc 2>/dev/null; is "$?" 2 "a session id that is not a number is a usage error"
"$LWADMIN" session close 2>/dev/null; is "$?" 2 "a missing session id is a usage error"
"$LWADMIN" session list extra 2>/dev/null; is "$?" 2 "session list takes no argument"
out=$("$LWADMIN" file close 77 2>&1); rc=$?
is "$rc" 1 "closing a file that is not open exits 1"
like "$out" "no open file 77" "and says so"
"$LWADMIN" file close 77 --session x 2>/dev/null; is "$?" 2 "--session needs a number"

# ---- a caller lwiod does not accept ------------------------------------------------------
# Let other users reach the socket (the run directory is private); lwiod itself
# decides. Today it accepts root and its own user only; should it one day
# accept others, listing may work, but closing must still be refused.
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    chmod 711 "$T" "$APPLIANCE_RUN_DIR"
    out=$(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
          "$LWADMIN" session list 2>&1); rc=$?
    if [ "$rc" -eq 0 ]; then
        ok "lwiod accepts nobody: the listing works" true
    else
        like "$out" "access denied" "nobody is refused with 'access denied' (exit $rc)"
    fi
    chmod 700 "$T" "$APPLIANCE_RUN_DIR"
else
    ok "# SKIP setpriv or user nobody missing" true
fi

exec 3>&-
touch "$T/a21/quit" "$T/a30/quit"
