#!/bin/sh
# lwadmin share: listing as valid JSON, every option of add/set, permissions
# shown as PRINCIPAL:LEVEL, refusals (missing path, bad name, unknown principal)
# exit 1 and change nothing, IPC$ stays, and each change is in the audit log.
. "$SW_SRC/t/tap/tap.sh"

run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err"); }
json_ok() { /usr/bin/python3 -m json.tool "$1" >/dev/null 2>&1; }
# A field of `lwadmin --json share show NAME`, as Python prints it.
field() { "$LWADMIN" --json share show "$1" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"; }
snapshot() { "$LWADMIN" --json share list >"$T/shares.json"; "$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["outcome"] == "ok"]))' >"$T/audit.count"; }
unchanged() { # what
    "$LWADMIN" --json share list >"$T/shares.now"
    cmp -s "$T/shares.json" "$T/shares.now"; _tap_record $? "  $1: the shares did not change"
    is "$("$LWADMIN" --json log | /usr/bin/python3 -c 'import json,sys; print(len([e for e in json.load(sys.stdin) if e["outcome"] == "ok"]))')" \
       "$(cat "$T/audit.count")" "  $1: no change was audited"
}

"$LWADMIN" init >/dev/null || { echo "1..0 # SKIP lwadmin init failed"; exit 0; }
mkdir -p "$T/data" "$T/other"
: >"$T/plainfile"
printf 'Passw0rd!\n' | "$LWADMIN" user add alice --password-stdin
"$LWADMIN" group add Editors

run "$LWADMIN" --json share list
is "$rc" 0 "share list --json"
ok "  is valid JSON" json_ok "$T/out"
like "$out" '"name": "IPC\$"' "  and includes IPC\$ after init"
run "$LWADMIN" share list
like "$out" '^IPC\$ ' "share list shows IPC\$"

# ---- refusals change nothing ----------------------------------------------------------
snapshot
run "$LWADMIN" share add data "$T/missing"
is "$rc" 1 "a share on a missing path is refused with 1"
like "$err" "missing" "  the message names the path"
unchanged "missing path"
run "$LWADMIN" share add data "$T/plainfile"
is "$rc" 1 "a share on a file (not a directory) is refused"
run "$LWADMIN" share add data relative/path
is "$rc" 1 "a relative path is refused"
for bad in 'a/b' 'a\b' 'a:b' 'a*b' 'a?b' 'a<b' 'a|b' '..' 'IPC$' 'CON'; do
    run "$LWADMIN" share add "$bad" "$T/data"
    is "$rc" 1 "share name '$bad' is refused"
done
run "$LWADMIN" share add data "$T/data" --grant nobody:read
is "$rc" 1 "a grant to an unknown principal is refused with 1"
like "$err" "nobody" "  naming it"
unchanged "bad names and principals"
run "$LWADMIN" share add data "$T/data" --grant alice:write
is "$rc" 2 "an unknown permission level is a usage error"
run "$LWADMIN" share add data "$T/data" --max-uses 0
is "$rc" 2 "--max-uses 0 is a usage error"
run "$LWADMIN" share add data "$T/data" --revoke alice
is "$rc" 2 "--revoke is for share set"
unchanged "usage errors"

# ---- add and show -------------------------------------------------------------------------
run "$LWADMIN" share add Data "$T/data" --comment "Team data" --max-uses 10 --encrypt \
    --grant alice:full --grant Editors:change --grant Everyone:read --access-based-enumeration \
    --caching documents
is "$rc" 0 "share add with options"
is "$out" "" "  prints nothing on standard output"
# $T/data is root's 0755: the folder refuses the writes the grants promise.
like "$err" "warning: share Data: the grant to alice allows writing" "  warns that the folder refuses alice's writes"
like "$err" "warning: share Data: the grant to Editors allows writing" "  and Editors'"
run "$LWADMIN" share show data
is "$rc" 0 "share show (any case)"
like "$out" "Path: +$T/data" "  the canonical path"
like "$out" "Comment: +Team data" "  the comment"
like "$out" "Encrypt: +yes" "  encrypt"
like "$out" "Max uses: +10" "  max uses"
like "$out" "Caching: +documents" "  caching"
like "$out" "^  alice:full$" "  alice:full"
like "$out" "^  Editors:change$" "  Editors:change"
like "$out" "^  Everyone:read$" "  Everyone:read"
run "$LWADMIN" --json share show Data
ok "share show --json is valid JSON" json_ok "$T/out"
is "$(field Data read_only)" False "  read_only false"
is "$(field Data access_based_enumeration)" True "  access_based_enumeration true"
is "$(field Data max_uses)" 10 "  max_uses 10"
run "$LWADMIN" share add DATA "$T/other"
is "$rc" 1 "a second share of the same name (other case) is refused"
run "$LWADMIN" share add plain "$T/other"
is "$rc" 0 "share add without grants"
like "$("$LWADMIN" share show plain)" "Administrators:full" "  gets the default Administrators:full"
like "$("$LWADMIN" share show plain)" "Everyone:read" "  and Everyone:read"
run "$LWADMIN" share add secret\$ "$T/other" --hidden --read-only
is "$rc" 0 "share add secret\$ --hidden --read-only"
is "$(field 'secret$' hidden)" True "  hidden"
is "$(field 'secret$' read_only)" True "  read-only"
run "$LWADMIN" --json share list
ok "share list --json with several shares is valid JSON" json_ok "$T/out"
n=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
is "$n" 4 "  four shares (IPC\$, Data, plain, secret\$)"

# ---- set --------------------------------------------------------------------------------------
run "$LWADMIN" share set Data
is "$rc" 2 "share set without options is a usage error"
run "$LWADMIN" share set Data --encrypt --no-encrypt
is "$rc" 2 "contradictory options are a usage error"
run "$LWADMIN" share set Data --read-only --no-encrypt --max-uses unlimited --comment "New" \
    --grant alice:read --revoke Everyone --caching none
is "$rc" 0 "share set with several changes"
run "$LWADMIN" share show Data
like "$out" "Read-only: +yes" "  read-only now"
like "$out" "Encrypt: +no" "  not encrypted"
like "$out" "Max uses: +unlimited" "  unlimited"
like "$out" "Comment: +New" "  new comment"
like "$out" "^  alice:read$" "  alice's level replaced by read"
unlike "$out" "alice:full" "  alice:full gone"
unlike "$out" "Everyone" "  Everyone revoked"
like "$out" "^  Editors:change$" "  Editors kept"
snapshot
run "$LWADMIN" share set Data --path "$T/missing"
is "$rc" 1 "share set --path to a missing directory fails"
run "$LWADMIN" share set Data --revoke alice --revoke Editors
is "$rc" 1 "revoking every permission is refused"
run "$LWADMIN" share set Data --revoke Guests
is "$rc" 1 "revoking a principal without a permission fails"
run "$LWADMIN" share set Data --grant nobody:full
is "$rc" 1 "granting an unknown principal fails"
run "$LWADMIN" share set nosuch --comment x
is "$rc" 1 "share set of an unknown share fails"
unchanged "failed set"
run "$LWADMIN" share set Data --path "$T/other" --read-write
is "$rc" 0 "share set --path --read-write"
like "$("$LWADMIN" share show Data)" "Path: +$T/other" "  the new path"

# ---- del ---------------------------------------------------------------------------------------
run "$LWADMIN" share del 'IPC$'
is "$rc" 1 "IPC\$ cannot be deleted"
like "$err" "cannot be deleted" "  saying so"
run "$LWADMIN" share del nosuch
is "$rc" 1 "deleting an unknown share fails"
run "$LWADMIN" share del plain
is "$rc" 0 "share del"
run "$LWADMIN" share show plain
is "$rc" 1 "  it is gone"
ok "  the directory stays" [ -d "$T/other" ]

# ---- the audit log ------------------------------------------------------------------------------
run "$LWADMIN" log
like "$out" "share\.add +Data" "log shows share.add"
like "$out" "share\.set +Data" "log shows share.set"
like "$out" "share\.del(ete)? +plain" "log shows the share deletion"
