#!/bin/sh
# lwadmin apply and export through the real binary: plans, idempotency, exit
# statuses, --json, standard input, errors that name the line, hostile YAML,
# and the export/apply/export round trip between two registries.
. "$SW_SRC/t/tap/tap.sh"

mkdir -p "$T/data" "$T/other"
"$LWADMIN" init >/dev/null || exit 1
cat > "$T/site.yaml" <<EOF
settings:
  srv.signing: required
groups:
  - name: engineers
    members: [alice]
users:
  - name: alice
    full_name: Alice Example
    password: {env: SW_TEST_ALICE}
shares:
  - name: data
    path: $T/data
    comment: Team data
    permissions: {engineers: change, Everyone: read}
EOF
export SW_TEST_ALICE='Correct-Horse-9'

out=$("$LWADMIN" apply -f "$T/site.yaml" --dry-run 2>&1); rc=$?
is "$rc" 0 "dry run exits 0"
like "$out" "\\+ share data" "dry run prints the plan"
out=$("$LWADMIN" share list 2>&1)
unlike "$out" "data" "dry run changed nothing"

out=$("$LWADMIN" apply -f "$T/site.yaml" 2>&1); rc=$?
is "$rc" 0 "apply exits 0"
like "$out" "Applied: [0-9]+ changes" "apply reports its changes"
like "$("$LWADMIN" share show data 2>&1)" "Team data" "share exists after apply"

out=$("$LWADMIN" apply -f "$T/site.yaml" 2>&1); rc=$?
is "$rc" 0 "second apply exits 0"
like "$out" "^Nothing to do" "second apply changes nothing and says so"

like "$("$LWADMIN" --json log 2>&1)" "\"source\": \"$T/site.yaml\"" "audited via yaml with the file name"
like "$("$LWADMIN" log 2>&1)" "yaml +[a-z]+ +share.add +data" "audit shows via yaml"

sed 's/Team data/Team files/' "$T/site.yaml" | "$LWADMIN" --json apply -f - --dry-run > "$T/plan.json"
ok "--json plan is valid JSON" /usr/bin/python3 -m json.tool "$T/plan.json"
like "$(cat "$T/plan.json")" "\"op\": \"~\"" "-f - reads standard input; the change shows"
like "$(/usr/bin/python3 -c 'import json,sys; c=[x for x in json.load(open(sys.argv[1])) if x["op"]=="~"][0]["changes"][0]; print(c["field"], c["old"], c["new"], sep="|")' "$T/plan.json")" \
    "^comment\|Team data\|Team files$" "--json plan carries the field with its old and new value"

# The plan shows old -> new for every field; a password only as changed.
sed -e 's/Team data/Team files/' -e 's/Alice Example/Alice Q. Example/' \
    -e 's/engineers: change/engineers: full/' "$T/site.yaml" > "$T/site2.yaml"
export SW_TEST_ALICE2='Other-Horse-77'
sed -i 's/SW_TEST_ALICE}/SW_TEST_ALICE2}/' "$T/site2.yaml"
out=$("$LWADMIN" apply -f "$T/site2.yaml" --dry-run 2>&1)
like "$out" 'comment: "Team data" -> "Team files"' "plan: share comment old -> new"
like "$out" 'permissions: "engineers:change, Everyone:read" -> "engineers:full, Everyone:read"' \
    "plan: permissions old -> new"
like "$out" 'full_name: "Alice Example" -> "Alice Q. Example"' "plan: full name old -> new"
like "$out" 'password \(changed\)' "plan: a password change shows as (changed)"
unlike "$out" 'Horse' "plan: never a password"
out=$("$LWADMIN" --json apply -f "$T/site2.yaml" --dry-run 2>&1)
like "$(printf '%s' "$out" | tr -d ' \n')" '"field":"password","secret":true' "--json: the password is a secret field"
unlike "$out" 'Horse' "--json plan: never a password"

# --detailed-exitcode: 0 nothing to do, 2 changes pending, 1 an error.
"$LWADMIN" apply -f "$T/site.yaml" --dry-run --detailed-exitcode >/dev/null 2>&1
is "$?" 0 "--detailed-exitcode: 0 when nothing would change"
"$LWADMIN" apply -f "$T/site2.yaml" --dry-run --detailed-exitcode >/dev/null 2>&1
is "$?" 2 "--detailed-exitcode: 2 when changes are pending"
printf 'shares:\n  - name: broken\n    path: /no/such/dir\n' > "$T/broken.yaml"
"$LWADMIN" apply -f "$T/broken.yaml" --dry-run --detailed-exitcode >/dev/null 2>&1
is "$?" 1 "--detailed-exitcode: 1 on an error"
"$LWADMIN" apply -f "$T/site.yaml" --detailed-exitcode >/dev/null 2>&1
is "$?" 2 "--detailed-exitcode without --dry-run is a usage error"
like "$("$LWADMIN" share show data 2>&1)" "Team data" "dry runs changed nothing"

# An error on line 6 names line 6 and changes nothing made before it.
cat > "$T/bad.yaml" <<EOF
shares:
  - name: other
    path: $T/other
  - name: also
    path: $T/other
  - name: broken
    path: /no/such/directory
EOF
out=$("$LWADMIN" apply -f "$T/bad.yaml" 2>&1); rc=$?
is "$rc" 1 "a bad file exits 1"
like "$out" "bad.yaml:6:5: shares.broken" "the error names the file, line and field"
like "$out" "Nothing was changed" "and says nothing changed"
unlike "$("$LWADMIN" share list 2>&1)" "other" "nothing of it was applied"

printf 'shares:\n  - name: x\n    path: /tmp\n    colour: red\n' > "$T/typo.yaml"
out=$("$LWADMIN" apply -f "$T/typo.yaml" 2>&1)
like "$out" "typo.yaml:4:5: shares\\[0\\]: unknown field 'colour'" "unknown field at its line"

out=$("$LWADMIN" apply 2>&1); rc=$?
is "$rc" 2 "no -f is a usage error"
out=$("$LWADMIN" apply -f "$T/site.yaml" --bogus 2>&1); rc=$?
is "$rc" 2 "an unknown option is a usage error"

# Hostile input: refused quickly, with a clear message.
{
    echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
    i=1
    while [ $i -le 9 ]; do
        p=$((i - 1))
        echo "a$i: &a$i [*a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p]"
        i=$((i + 1))
    done
} > "$T/bomb.yaml"
start=$(date +%s)
out=$(timeout 20 "$LWADMIN" apply -f "$T/bomb.yaml" 2>&1); rc=$?
is "$rc" 1 "alias bomb refused"
like "$out" "alias-expansion" "alias bomb named"
/usr/bin/python3 -c 'print("[" * 10000 + "]" * 10000)' > "$T/deep.yaml"
out=$(timeout 20 "$LWADMIN" apply -f "$T/deep.yaml" 2>&1); rc=$?
is "$rc" 1 "10,000-deep nesting refused"
like "$out" "nesting deeper than 64" "nesting named"
truncate -s 100M "$T/huge.yaml"
out=$(timeout 20 "$LWADMIN" apply -f "$T/huge.yaml" 2>&1); rc=$?
is "$rc" 1 "100 MB file refused"
like "$out" "more than the limit" "size named"
ok "hostile files refused within seconds" [ $(( $(date +%s) - start )) -lt 15 ]
rm -f "$T/huge.yaml"

# The Unix account a user acts as (users[].unix_account): applied, refused
# with the reason, left out means its own uid, and exported for the round
# trip below.
if id daemon >/dev/null 2>&1 && [ "$(id -u daemon)" != 0 ] && [ "$(id -g daemon)" != 0 ]; then
    printf 'users:\n  - name: mapped-sw\n    unix_account: daemon\n' > "$T/mapped.yaml"
    out=$("$LWADMIN" apply -f "$T/mapped.yaml" 2>&1); rc=$?
    is "$rc" 0 "apply maps a user to Unix account daemon" || diag "$out"
    like "$("$LWADMIN" user show mapped-sw 2>&1)" "Unix identity: +Unix account daemon" "  lwadmin shows it"
    out=$("$LWADMIN" apply -f "$T/mapped.yaml" --dry-run --detailed-exitcode 2>&1); rc=$?
    is "$rc" 0 "  applying it again changes nothing"
    like "$("$LWADMIN" export)" 'unix_account: "daemon"' "  export carries unix_account"
    printf 'users:\n  - name: mapped-sw\n    unix_account: root\n' > "$T/root.yaml"
    out=$("$LWADMIN" apply -f "$T/root.yaml" 2>&1); rc=$?
    is "$rc" 1 "unix_account: root is refused"
    like "$out" "users.mapped-sw.unix_account: .*privileged" "  naming the field and the reason"
    printf 'users:\n  - name: other-sw\n    unix_account: daemon\n' > "$T/taken.yaml"
    out=$("$LWADMIN" apply -f "$T/taken.yaml" 2>&1); rc=$?
    is "$rc" 1 "a second user mapped to daemon is refused"
    like "$out" "mapped-sw already acts as Unix account daemon" "  naming the user that has it"
    unlike "$("$LWADMIN" user list)" "other-sw" "  and nothing was applied"
    printf 'users:\n  - name: mapped-sw\n' > "$T/unmapped.yaml"
    out=$("$LWADMIN" apply -f "$T/unmapped.yaml" --dry-run 2>&1)
    like "$out" 'unix_account: "?daemon"? -> ""' "left out: the plan shows the mapping going"
    "$LWADMIN" apply -f "$T/mapped.yaml" >/dev/null 2>&1
else
    skip_test "no unprivileged Unix account daemon"
fi
# A share folder created for a SAM user and group: their own ids.
printf 'groups:\n  - name: crew-sw\nusers:\n  - name: owner-sw\nshares:\n  - name: owned\n    path: %s/owned\n    create: {owner: owner-sw, group: crew-sw, mode: "0770"}\n' "$T" > "$T/owned.yaml"
out=$("$LWADMIN" apply -f "$T/owned.yaml" 2>&1); rc=$?
is "$rc" 0 "a share folder created for SAM user owner-sw and group crew-sw" || diag "$out"
uid=$("$LWADMIN" --json user show owner-sw | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])')
gid=$("$LWADMIN" --json group show crew-sw | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["gid"])')
is "$(stat -c %u:%g "$T/owned" 2>&1)" "$uid:$gid" "  owned by their uid and gid ($uid:$gid)"

# Round trip between two registries.
"$LWADMIN" export -o "$T/one.yaml" --with-secrets
ok "export with secrets is mode 0600" [ "$(stat -c %a "$T/one.yaml")" = 600 ]
"$LWADMIN" --db "$T/second.db" init >/dev/null
out=$("$LWADMIN" --db "$T/second.db" apply -f "$T/one.yaml" 2>&1); rc=$?
is "$rc" 0 "export applies to an empty registry" || diag "$out"
"$LWADMIN" --db "$T/second.db" export -o "$T/two.yaml" --with-secrets
ok "export, apply, export: identical" cmp -s "$T/one.yaml" "$T/two.yaml"
plain=$("$LWADMIN" export)
unlike "$plain" "nt_hash" "no secrets without --with-secrets"

# --prune removes exactly what the file omits; it asks first, and without a
# terminal it wants --yes.
printf 'users:\n  - name: alice\n    full_name: Alice Example\n' > "$T/only-alice.yaml"
out=$("$LWADMIN" apply -f "$T/only-alice.yaml" --prune </dev/null 2>&1); rc=$?
is "$rc" 2 "prune without a terminal and without --yes exits 2"
like "$out" "pass --yes" "and says to pass --yes"
like "$("$LWADMIN" share list 2>&1)" "data" "and removes nothing"
# On a terminal (a pty): the plan, a question; "n" changes nothing.
cat > "$T/on-terminal.py" <<'PYEOF'
import os, pty, sys, select, time
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
deadline = time.time() + 60
answered = False
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 1)
    if not r:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not answered and b"[y/N]" in out:
        os.write(fd, answer + b"\n")
        answered = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PYEOF
out=$(/usr/bin/python3 "$T/on-terminal.py" n "$LWADMIN" apply -f "$T/only-alice.yaml" --prune 2>&1); rc=$?
is "$rc" 1 "prune on a terminal, answered no: exits 1"
like "$out" "- share data" "the question shows what would be removed"
like "$out" "removing [0-9]+ objects\\? \\[y/N\\]" "and asks"
like "$("$LWADMIN" share list 2>&1)" "data" "no: nothing removed"
out=$(/usr/bin/python3 "$T/on-terminal.py" y "$LWADMIN" apply -f "$T/site.yaml" --prune 2>&1); rc=$?
is "$rc" 0 "prune on a terminal, answered yes: applies" || diag "$out"
out=$("$LWADMIN" apply -f "$T/only-alice.yaml" --prune --yes 2>&1); rc=$?
is "$rc" 0 "prune applies"
like "$out" "- share data" "prune removes the share the file omits"
like "$out" "- group engineers" "prune removes the group the file omits"
unlike "$out" "Administrators|IPC" "prune never touches built-ins"
like "$("$LWADMIN" share list 2>&1)" "IPC\\$" "IPC\$ kept"

# --prune never leaves a raw SID: a kept share that grants an account the file
# prunes is refused, and nothing changes.
mkdir -p "$T/kept"
"$LWADMIN" user add zed </dev/null 2>/dev/null
"$LWADMIN" share add kept "$T/kept" --grant zed:change 2>/dev/null
printf 'users:\n  - name: alice\n    full_name: Alice Example\nshares:\n  - name: kept\n    path: %s\n    permissions: {zed: change}\n' "$T/kept" > "$T/keep-share.yaml"
out=$("$LWADMIN" apply -f "$T/keep-share.yaml" --prune --yes 2>&1); rc=$?
is "$rc" 1 "prune of a user a kept share grants is refused"
like "$out" "cannot prune zed: zed is named in the permissions of share kept" "  saying why"
like "$("$LWADMIN" user show zed 2>&1)" "zed" "  zed still exists"
like "$("$LWADMIN" --json log | /usr/bin/python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["outcome"] == "refused":
        print(e["via"], e["action"], e["source"], e["detail"])')" "^yaml apply $T/keep-share.yaml .*cannot prune zed" \
    "  the refused apply is in the audit log, with the file and the reason"

# --json with --prune on a terminal: the question goes to stderr, stdout stays JSON.
out=$(/usr/bin/python3 "$T/on-terminal.py" n "$LWADMIN" --json apply -f "$T/only-alice.yaml" --prune 2>/dev/null); rc=$?
is "$rc" 1 "--json prune answered no exits 1"
