#!/bin/bash
# End-to-end file operations with smbclient against a whole instance (the
# appliance harness: lwadmin start, lwiod with srv and pvfs, lsassd), for the
# dialects 2.0.2, 2.1, 3.0 and 3.1.1: list shares; put and get a large file
# (100 MiB with 2.0.2 and 3.1.1, 16 MiB with the others) with matching
# sha256; mkdir, rmdir, rename, delete; a wildcard listing of 5,000 files;
# allinfo. Then with signing required and with encryption required, a wrong
# password, and guest (refused by default).
#
# Every operation is checked on the server's disk too, and each check sets up
# what it needs on the disk directly, so one missing command fails only the
# checks that use it. Checks that need a command srv does not have yet are
# TODO (reported by prove, not failed): remove the TODO once they pass.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

command -v smbclient >/dev/null || skip_all "smbclient not installed"
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
"$LWADMIN" config set lwiod.log-level debug >/dev/null # counts decrypted frames
appliance_available || skip_all "srv cannot start: $APPLIANCE_WHY"
SHARE=$APPLIANCE_SHARE_DIR

# What each group of checks needs from srv, while srv lacks it ("" = nothing
# missing: a failure is a failure).
TODO_LIST="needs CREATE on IPC\$ (srvsvc pipe), READ, WRITE"
TODO_PUT="needs CREATE, WRITE, CLOSE"
TODO_GET="needs CREATE, QUERY_INFO, READ, CLOSE"
TODO_MKDIR="needs CREATE"
TODO_RMDIR="needs CREATE, SET_INFO (delete on close)"
TODO_RENAME="needs CREATE, SET_INFO (FileRenameInformation)"
TODO_DEL="needs CREATE, SET_INFO (delete on close)"
TODO_LS="needs CREATE, QUERY_DIRECTORY"
TODO_ALLINFO="needs CREATE, QUERY_INFO"

# record STATUS NAME TODO: a TAP line; with a TODO reason a failure is not
# counted (prove reports the TODO, and an unexpected pass).
record() {
    if [ -z "$3" ]; then
        _tap_record "$1" "$2"
        return
    fi
    _tap_n=$((_tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $_tap_n - $2 # TODO $3"
    else echo "not ok $_tap_n - $2 # TODO $3"; fi
    return "$1"
}
# check NAME TODO CMD...
check() { local name=$1 todo=$2; shift 2; "$@"; record $? "$name" "$todo"; }

# smb DIALECT COMMANDS [ARGS...]: smbclient on the share pinned to one
# dialect; output and then "exit=N" (its status reflects only the last command).
smb() {
    local d=$1 cmds=$2
    shift 2
    appliance_smbclient test --option="client min protocol=$d" -m "$d" "$@" -c "$cmds" 2>&1
    echo "exit=$?"
}
# no_error OUTPUT: smbclient printed no NT_STATUS error and exited 0.
no_error() {
    ! printf '%s\n' "$1" | grep -q 'NT_STATUS_' && printf '%s\n' "$1" | grep -qx 'exit=0'
}
show() { printf '%s\n' "$1" | grep -v '^exit=0$' | head -5 | sed 's/^/# /'; }
sha() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }

# The large file, made once; smaller ones are its head.
head -c $((100 * 1024 * 1024)) /dev/urandom > "$T/big.100M"
head -c $((16 * 1024 * 1024)) "$T/big.100M" > "$T/big.16M"
head -c $((4 * 1024 * 1024)) "$T/big.100M" > "$T/big.4M"
# 5,000 files for the wildcard listing, made on the server's disk.
mkdir "$SHARE/many"
(cd "$SHARE/many" && seq -f 'f%04g.txt' 0 4999 | xargs touch)
dialects="SMB2_02 SMB2_10 SMB3_00 SMB3_11"
# 11 checks a dialect; 2 refusals; signing: 4 sessions, 2 put/get pairs, the
# log; encryption: 2 x (session, put/get pair), the log, 2 refusals.
plan $((4 * 11 + 2 + 4 + 4 + 1 + 6 + 1 + 2))

# put then get SIZE with dialect D (names carry TAG); two checks.
put_get() { # D SIZE TAG [smbclient args...]
    local d=$1 size=$2 tag=$3 out
    shift 3
    out=$(smb "$d" "put $T/big.$size put-$tag.bin" "$@")
    check "$tag: put $size, the server's copy has the same sha256" "$TODO_PUT" \
        sh -c '[ "$1" = "$2" ]' - "$(sha "$T/big.$size")" "$(sha "$SHARE/put-$tag.bin")" || show "$out"
    rm -f "$SHARE/put-$tag.bin"
    cp "$T/big.$size" "$SHARE/get-$tag.bin"
    out=$(smb "$d" "get get-$tag.bin $T/back-$tag.bin" "$@")
    check "$tag: get $size back with the same sha256" "$TODO_GET" \
        sh -c '[ "$1" = "$2" ]' - "$(sha "$T/big.$size")" "$(sha "$T/back-$tag.bin")" || show "$out"
    rm -f "$SHARE/get-$tag.bin" "$T/back-$tag.bin"
}

for d in $dialects; do
    # 1. list shares (srvsvc NetShareEnumAll over IPC$)
    out=$(timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
          -p "$APPLIANCE_PORT" --option="client min protocol=$d" -m "$d" -g -L 127.0.0.1 2>&1)
    check "$d: smbclient -L lists the share test" "$TODO_LIST" \
        sh -c 'printf "%s\n" "$1" | grep -q "^Disk|test|test share$"' - "$out" || show "$out"

    # 2-3. a large file each way
    case $d in SMB2_02|SMB3_11) size=100M ;; *) size=16M ;; esac
    put_get "$d" "$size" "$d"

    # 4. mkdir
    out=$(smb "$d" "mkdir newdir-$d")
    check "$d: mkdir makes the directory" "$TODO_MKDIR" \
        sh -c '[ -d "$1" ] && ! printf "%s\n" "$2" | grep -q NT_STATUS_' - "$SHARE/newdir-$d" "$out" ||
        show "$out"

    # 5. rmdir
    mkdir "$SHARE/olddir-$d"
    out=$(smb "$d" "rmdir olddir-$d")
    check "$d: rmdir removes the directory" "$TODO_RMDIR" \
        sh -c '[ ! -e "$1" ] && ! printf "%s\n" "$2" | grep -q NT_STATUS_' - "$SHARE/olddir-$d" "$out" ||
        show "$out"

    # 6. rename
    echo "rename me" > "$SHARE/old-$d.txt"
    out=$(smb "$d" "rename old-$d.txt new-$d.txt")
    check "$d: rename moves the file" "$TODO_RENAME" \
        sh -c '[ ! -e "$1" ] && [ "$(cat "$2" 2>/dev/null)" = "rename me" ]' - \
        "$SHARE/old-$d.txt" "$SHARE/new-$d.txt" || show "$out"

    # 7. delete
    echo "delete me" > "$SHARE/del-$d.txt"
    out=$(smb "$d" "del del-$d.txt")
    check "$d: del removes the file" "$TODO_DEL" \
        sh -c '[ ! -e "$1" ] && ! printf "%s\n" "$2" | grep -q NT_STATUS_' - "$SHARE/del-$d.txt" "$out" ||
        show "$out"

    # 8-9. wildcard listings of the 5,000 files: all, and a pattern
    out=$(smb "$d" 'ls many\*')
    n=$(printf '%s\n' "$out" | grep -cE '^  f[0-9]{4}\.txt +[A-Z]* +0 ')
    check "$d: ls many\\* lists all 5000 files" "$TODO_LS" \
        sh -c '[ "$1" -eq 5000 ] && printf "%s\n" "$2" | grep -q "^  \.\. "' - "$n" "$out" ||
        { diag "listed $n"; show "$out"; }
    out=$(smb "$d" 'ls many\f1*.txt')
    n=$(printf '%s\n' "$out" | grep -cE '^  f1[0-9]{3}\.txt ')
    others=$(printf '%s\n' "$out" | grep -E '^  [^ ]' | grep -cvE '^  f1[0-9]{3}\.txt ')
    check "$d: ls many\\f1*.txt lists exactly the 1000 matching files" "$TODO_LS" \
        sh -c '[ "$1" -eq 1000 ] && [ "$2" -eq 0 ]' - "$n" "$others" ||
        { diag "matching $n, others $others"; show "$out"; }

    # 10. allinfo: times, attributes and the data stream's size
    head -c 1234 "$T/big.4M" > "$SHARE/info-$d.bin"
    out=$(smb "$d" "allinfo info-$d.bin")
    check "$d: allinfo shows the times, attributes and the 1234-byte data stream" "$TODO_ALLINFO" \
        sh -c 'for p in "^create_time:" "^write_time:" "^attributes: " "stream: \[::\\\$DATA\], 1234 bytes"; do
                   printf "%s\n" "$1" | grep -q "$p" || exit 1; done
               ! printf "%s\n" "$1" | grep -q NT_STATUS_' - "$out" || show "$out"

    # 11. a session, a tree connect and a clean exit with this dialect, now
    out=$(smb "$d" "exit")
    check "$d: logon and tree connect" "" no_error "$out" || show "$out"
done

# Refusals, by default settings.
printf 'username = alice\npassword = not-%s\n' "$APPLIANCE_PASSWORD" > "$T/wrong.txt"
chmod 600 "$T/wrong.txt"
out=$(timeout 60 smbclient -s "$APPLIANCE_CONF" -A "$T/wrong.txt" -p "$APPLIANCE_PORT" -m SMB3 \
      //127.0.0.1/test -c ls 2>&1; echo "exit=$?")
like "$out" "NT_STATUS_LOGON_FAILURE" "a wrong password is refused"
out=$(timeout 60 smbclient -s "$APPLIANCE_CONF" -U 'guest%' -p "$APPLIANCE_PORT" -m SMB3 \
      //127.0.0.1/test -c ls 2>&1; echo "exit=$?")
like "$out" "NT_STATUS_(LOGON_FAILURE|ACCESS_DENIED)" "guest is refused by default (srv.guest off)"

# Signing required: every dialect signs, and file operations still work.
restart_with() { # KEY VALUE ...
    appliance_stop >/dev/null 2>&1
    while [ $# -ge 2 ]; do "$LWADMIN" config set "$1" "$2" >/dev/null; shift 2; done
    appliance_start >/dev/null || { echo "Bail out! restart: $(cat "$T/appliance-start.err")"; exit 1; }
}
restart_with srv.signing required
for d in $dialects; do
    out=$(smb "$d" "exit" --client-protection=sign)
    check "signing required, $d: a signed session and tree connect" "" no_error "$out" || show "$out"
done
for d in SMB2_02 SMB3_11; do
    put_get "$d" 4M "signed-$d"
done
unlike "$(cat "$APPLIANCE_RUN_DIR/lwiod.log")" "bad signature" "no request had a bad signature"

# Encryption required: 3.x clients are told to encrypt and do; 2.x are refused.
restart_with srv.signing enabled srv.encryption required
before=$(grep -c 'decrypted a frame' "$APPLIANCE_RUN_DIR/lwiod.log")
for d in SMB3_00 SMB3_11; do
    out=$(smb "$d" "exit")
    check "encryption required, $d: the session works" "" no_error "$out" || show "$out"
    put_get "$d" 4M "sealed-$d"
done
after=$(grep -c 'decrypted a frame' "$APPLIANCE_RUN_DIR/lwiod.log")
ok "encryption required: srv decrypted the requests ($before -> $after frames)" \
    [ "$after" -ge $((before + 4)) ]
for d in SMB2_02 SMB2_10; do
    out=$(smb "$d" "ls")
    like "$out" "NT_STATUS_ACCESS_DENIED" "encryption required: a $d client is refused"
done
