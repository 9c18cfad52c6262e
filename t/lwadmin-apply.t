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

# --prune removes exactly what the file omits.
printf 'users:\n  - name: alice\n    full_name: Alice Example\n' > "$T/only-alice.yaml"
out=$("$LWADMIN" apply -f "$T/only-alice.yaml" --prune 2>&1); rc=$?
is "$rc" 0 "prune applies"
like "$out" "- share data" "prune removes the share the file omits"
like "$out" "- group engineers" "prune removes the group the file omits"
unlike "$out" "Administrators|IPC" "prune never touches built-ins"
like "$("$LWADMIN" share list 2>&1)" "IPC\\$" "IPC\$ kept"
