#!/bin/sh
# lwconsole's Shares screen, driven through tmux: add a share through the form
# and find it with lwadmin; an invalid path shows an error and changes
# nothing; Esc leaves a form without changes; edit and permissions; delete
# asks first; a share lwadmin adds or deletes shows in the open console
# without a restart; every change is audited as "console".
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/lwconsole-lib.sh"
plan 37

"$LWADMIN" init >/dev/null || exit 1
mkdir -p "$T/projects" "$T/other"
console_start 80 24
wait_for 'Status:' >/dev/null || exit 1
keys 2
ok "shares screen shows IPC\$" wait_for '^ IPC\$ +\(named pipes\)|^>IPC\$ +\(named pipes\)'

# ---- add through the form ----
keys a
ok "a opens the share form" wait_for 'Add a share'
type_text projects
keys Tab
type_text "$T/projects"
keys Tab
type_text "Team files"
keys F2
ok "F2 saves: the status line says so" wait_for "Share 'projects' added"
list=$("$LWADMIN" share list)
like "$list" "^projects +$T/projects +read-write +Team files" "lwadmin share list has it"
like "$(screen)" ">projects +/tmp/[^ ]+ +read-write +Team files" "the console lists and selects it"
like "$("$LWADMIN" log)" "console +[^ ]+ +share\.add +projects" "audited as made through the console"

# ---- an invalid path: an error as you type, nothing saved ----
keys a
wait_for 'Add a share' >/dev/null
type_text bad
keys Tab
type_text "$T/no-such-dir"
ok "a missing directory is an error as it is typed" wait_for "Path: .*no-such-dir.*No such file"
like "$(screen)" "Path! $T/no-such-dir" "the path field is marked"
keys F2
ok "F2 refuses: the error is on the status line" wait_for "Error: not saved: Path: .*no-such-dir"
like "$(screen)" "Add a share" "the form stays open"
keys Escape
ok "Esc leaves the form" wait_gone 'Add a share'
unlike "$("$LWADMIN" share list)" "^bad " "nothing was added"
is "$("$LWADMIN" log | grep -c 'share\.add')" 1 "nothing was audited"

# ---- a file is not a directory; a bad name ----
: > "$T/plain-file"
keys a
wait_for 'Add a share' >/dev/null
type_text 'bad/name'
ok "an invalid share name is an error as it is typed" wait_for 'Name: .*(invalid|not allowed|character)'
keys C-u
type_text files2
keys Tab
type_text "$T/plain-file"
ok "a file is refused as a path" wait_for 'Path: .*(not a directory|Not a directory)'
keys C-u
type_text "$T/other"
keys Escape
ok "Esc leaves a filled form without saving" wait_for 'Left without changes'
unlike "$("$LWADMIN" share list)" "^files2 " "nothing was added"

# ---- edit ----
select_row projects
keys Enter
ok "Enter opens the edit form" wait_for 'Edit share projects'
keys Tab            # Path -> Comment (the name is not editable)
keys C-u
type_text "Renamed comment"
keys Tab Space       # Read-only
keys F2
ok "the edit is saved" wait_for "Share 'projects' saved"
show=$("$LWADMIN" share show projects)
like "$show" "Comment: +Renamed comment" "lwadmin sees the new comment"
like "$show" "Read-only: +yes" "lwadmin sees the read-only flag"

# Guest access: Comment -> Read-only -> Encrypt -> Hidden -> ABE -> Guest access.
select_row projects
keys Enter
wait_for 'Edit share projects' >/dev/null
keys Tab Tab Tab Tab Tab Tab Space
keys F2
ok "the guest access box is saved" wait_for "Share 'projects' saved"
like "$("$LWADMIN" share show projects)" "Guest access: +yes" "lwadmin sees guest access"

# ---- permissions ----
keys p
ok "p opens the permission editor" wait_for 'Permissions of projects'
keys a
wait_for 'Add a permission' >/dev/null
type_text nosuchuser
ok "an unknown principal is an error as it is typed" wait_for "no user or group called 'nosuchuser'"
keys C-u
type_text Users
keys Tab Space       # Read -> Change
keys F2
wait_for '>Users +Change' >/dev/null
keys F2
ok "the permissions are saved" wait_for "Permissions of 'projects' saved"
like "$("$LWADMIN" share show projects)" "Users:change" "lwadmin sees the new permission"

# ---- another front end's changes appear without a restart ----
keys Escape        # clear the filter prompt state, if any
"$LWADMIN" share add fromcli "$T/other" --comment "added by lwadmin" >/dev/null
keys /
keys C-u Enter      # an empty filter: every share
# The new share sorts first: the cursor (">") may be on it or not.
ok "a share added by lwadmin appears in the open console" wait_for '^[ >]fromcli +.*added by lwadmin'
"$LWADMIN" share del fromcli >/dev/null
ok "and goes when lwadmin deletes it" wait_gone 'fromcli'

# ---- delete asks first ----
select_row projects
keys d
ok "d asks for confirmation" wait_for "Delete the share 'projects'\?"
keys n
ok "n keeps it" wait_for 'Nothing deleted'
like "$("$LWADMIN" share list)" "^projects " "still there after n"
keys d
wait_for "Delete the share 'projects'\?" >/dev/null
keys y
ok "y deletes it" wait_for "Share 'projects' deleted"
unlike "$("$LWADMIN" share list)" "^projects " "lwadmin no longer lists it"

# ---- a refused change: the library's error on the status line, nothing changed ----
select_row 'IPC$'
keys d
wait_for "Delete the share 'IPC\\\$'" >/dev/null
keys y
ok "deleting IPC\$ is refused on the status line" wait_for 'Error: Cannot delete .IPC\$.: IPC\$ cannot be deleted'
like "$("$LWADMIN" share list)" "^IPC\\$ " "IPC\$ is still there"
ok "lwconsole quits cleanly (F10, exit status 0)" console_stop
