#!/bin/sh
# A share whose grants promise more than its folder allows: a `change` grant on
# a root-owned 0755 folder with no stored NT descriptor, where every write is
# ACCESS_DENIED. share add, share set and apply warn about it, and
# `lwadmin share fix-permissions` stores on the folder (the way pvfs stores
# it) an inheritable descriptor that matches the grants: then smbclient, as
# the user with the change grant, writes where before he was refused.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
need_program smbclient smbclient
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }

TEAM=$T/team
mkdir -p "$TEAM"
chmod 0755 "$TEAM"
echo "existing" > "$TEAM/readme.txt"
chmod 0644 "$TEAM/readme.txt"

# ---- the warning --------------------------------------------------------------------------
"$LWADMIN" share add team "$TEAM" --grant alice:change --grant Everyone:read >"$T/out" 2>"$T/err"
is "$?" 0 "share add succeeds (the warning does not stop it)"
like "$(cat "$T/err")" "warning: share team: the grant to alice allows writing, but its folder $TEAM" \
    "share add warns that the folder does not allow alice's writes"
like "$(cat "$T/err")" "lwadmin share fix-permissions team" "  and names the command that fixes it"
unlike "$(cat "$T/err")" "Everyone" "  a read grant is no promise of writes: no warning for it"
"$LWADMIN" share set team --comment "Team files" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "warning: share team: the grant to alice" "share set warns too"
cat > "$T/site.yaml" <<YAML
users:
  - name: alice
shares:
  - name: team
    path: $TEAM
    comment: Team files 2
    permissions: {alice: change, Everyone: read}
YAML
"$LWADMIN" apply -f "$T/site.yaml" >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "warning: share team: the grant to alice" "apply warns too"
mkdir -p "$T/team2" && chmod 0755 "$T/team2"
printf 'shares:\n  - name: team2\n    path: %s\n    permissions: {alice: full}\n' "$T/team2" > "$T/new.yaml"
"$LWADMIN" apply -f "$T/new.yaml" --dry-run >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "warning: share team2: the grant to alice" "apply --dry-run warns about a share it would add"
"$LWADMIN" share show team2 >/dev/null 2>&1
is "$?" 1 "  and adds nothing"
"$LWADMIN" share add ro "$TEAM" --read-only --grant alice:change >/dev/null 2>"$T/err"
unlike "$(cat "$T/err")" "warning" "a read-only share promises no writes: no warning"
"$LWADMIN" share del ro >/dev/null

# ---- before: smbclient as alice is refused ------------------------------------------------
appliance_require
echo "written by alice" > "$T/upload.txt"
out=$(cd "$T" && appliance_smbclient team -c 'put upload.txt new.txt' 2>&1)
like "$out" "NT_STATUS_ACCESS_DENIED" "before: smbclient put as alice (change grant) is ACCESS_DENIED"
ok "before: nothing was written" [ ! -e "$TEAM/new.txt" ]
out=$(cd "$T" && appliance_smbclient team -c 'get readme.txt got.txt' 2>&1)
ok "before: alice can read" cmp -s "$TEAM/readme.txt" "$T/got.txt"

# ---- the fix --------------------------------------------------------------------------------
out=$("$LWADMIN" share fix-permissions team 2>&1); rc=$?
is "$rc" 0 "share fix-permissions exits 0" || diag "$out"
like "$out" "folder $TEAM now grants SYSTEM:full, Administrators:full, alice:change, Everyone:read" \
    "  and says what the folder now grants"
like "$("$LWADMIN" log)" "share.fix-permissions +team" "  it is in the audit log"
"$LWADMIN" share set team --comment "Team files" >/dev/null 2>"$T/err"
unlike "$(cat "$T/err")" "warning" "share set no longer warns"

# ---- after: the same smbclient put succeeds --------------------------------------------------
out=$(cd "$T" && appliance_smbclient team -c 'put upload.txt new.txt' 2>&1)
unlike "$out" "NT_STATUS_" "after: smbclient put as alice succeeds" || diag "$out"
ok "after: the file is on disk with alice's bytes" cmp -s "$T/upload.txt" "$TEAM/new.txt"
out=$(cd "$T" && appliance_smbclient team -c 'mkdir sub; cd sub; put upload.txt inner.txt' 2>&1)
ok "after: a new folder inherits the grant (alice writes inside it)" \
    cmp -s "$T/upload.txt" "$TEAM/sub/inner.txt"
out=$(cd "$T" && appliance_smbclient team -c 'del new.txt' 2>&1)
ok "after: change lets alice delete what is there" [ ! -e "$TEAM/new.txt" ]

# ---- errors --------------------------------------------------------------------------------
out=$("$LWADMIN" share fix-permissions nosuch 2>&1); rc=$?
is "$rc" 1 "fix-permissions of an unknown share exits 1"
out=$("$LWADMIN" share fix-permissions 'IPC$' 2>&1); rc=$?
is "$rc" 1 "IPC\$ has no folder to fix"
out=$("$LWADMIN" share fix-permissions 2>&1); rc=$?
is "$rc" 2 "a missing name is a usage error"
