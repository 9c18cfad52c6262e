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
# what it needs on the disk directly, so one broken command fails only the
# checks that use it.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
"$LWADMIN" config set lwiod.log-level debug >/dev/null # counts decrypted frames
appliance_require
SHARE=$APPLIANCE_SHARE_DIR
# alice acts on disk as her own uid from lsass.id-range, which owns nothing
# here, so the share and what the test puts there are open to everyone, as
# files a user made with umask 000 would be.
chmod 0777 "$SHARE"
umask 000

# check NAME CMD...: one TAP line for CMD's exit status.
check() { local name=$1; shift; "$@"; _tap_record $? "$name"; }

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
# log; encryption: 2 x (session, put/get pair), the log, 2 refusals; the stop.
plan $((4 * 11 + 2 + 4 + 4 + 1 + 6 + 1 + 2 + 1))

# put then get SIZE with dialect D (names carry TAG); two checks.
put_get() { # D SIZE TAG [smbclient args...]
    local d=$1 size=$2 tag=$3 out
    shift 3
    out=$(smb "$d" "put $T/big.$size put-$tag.bin" "$@")
    check "$tag: put $size, the server's copy has the same sha256" \
        sh -c '[ "$1" = "$2" ]' - "$(sha "$T/big.$size")" "$(sha "$SHARE/put-$tag.bin")" || show "$out"
    rm -f "$SHARE/put-$tag.bin"
    cp "$T/big.$size" "$SHARE/get-$tag.bin"
    out=$(smb "$d" "get get-$tag.bin $T/back-$tag.bin" "$@")
    check "$tag: get $size back with the same sha256" \
        sh -c '[ "$1" = "$2" ]' - "$(sha "$T/big.$size")" "$(sha "$T/back-$tag.bin")" || show "$out"
    rm -f "$SHARE/get-$tag.bin" "$T/back-$tag.bin"
}

# Checks over the last smbclient output ($out); functions, not sh -c, as a
# 5,000-line listing is too long for one argument.
has() { printf '%s\n' "$out" | grep -q -- "$1"; }
no_status() { ! printf '%s\n' "$out" | grep -v "$1" | grep -q 'NT_STATUS_'; }
lists_share() { printf '%s\n' "$out" | grep -qx 'Disk|test|test share'; }
made_dir() { [ -d "$SHARE/newdir-$d" ] && no_status '^$'; }
removed() { [ ! -e "$1" ] && no_status '^$'; }
renamed() { [ ! -e "$SHARE/old-$d.txt" ] && [ "$(cat "$SHARE/new-$d.txt" 2>/dev/null)" = "rename me" ]; }
lists_all() {
    n=$(printf '%s\n' "$out" | grep -cE '^  f[0-9]{4}\.txt +[A-Z]* +0 ')
    [ "$n" -eq 5000 ] && has '^  \.\. ' && no_status '^$'
}
lists_matching() {
    n=$(printf '%s\n' "$out" | grep -cE '^  f1[0-9]{3}\.txt ')
    others=$(printf '%s\n' "$out" | grep -E '^  [^ ]' | grep -cvE '^  f1[0-9]{3}\.txt ')
    [ "$n" -eq 1000 ] && [ "$others" -eq 0 ] && no_status '^$'
}
shows_info() {
    has '^altname: ' && has '^create_time:' && has '^write_time:' && has '^attributes: ' &&
        has 'stream: \[::\$DATA\], 1234 bytes' && no_status '^$'
}

for d in $dialects; do
    # 1. list shares (srvsvc NetShareEnumAll over IPC$)
    out=$(timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
          -p "$APPLIANCE_PORT" --option="client min protocol=$d" -m "$d" -g -L 127.0.0.1 2>&1)
    check "$d: smbclient -L lists the share test" lists_share || show "$out"

    # 2-3. a large file each way
    case $d in SMB2_02|SMB3_11) size=100M ;; *) size=16M ;; esac
    put_get "$d" "$size" "$d"

    # 4. mkdir
    out=$(smb "$d" "mkdir newdir-$d")
    check "$d: mkdir makes the directory" made_dir || show "$out"

    # 5. rmdir
    mkdir "$SHARE/olddir-$d"
    out=$(smb "$d" "rmdir olddir-$d")
    check "$d: rmdir removes the directory" removed "$SHARE/olddir-$d" || show "$out"

    # 6. rename
    echo "rename me" > "$SHARE/old-$d.txt"
    out=$(smb "$d" "rename old-$d.txt new-$d.txt")
    check "$d: rename moves the file" renamed || show "$out"

    # 7. delete
    echo "delete me" > "$SHARE/del-$d.txt"
    out=$(smb "$d" "del del-$d.txt")
    check "$d: del removes the file" removed "$SHARE/del-$d.txt" || show "$out"

    # 8-9. wildcard listings of the 5,000 files: all, and a pattern
    out=$(smb "$d" 'ls many\*')
    check "$d: ls many\\* lists all 5000 files" lists_all ||
        { diag "listed $n"; show "$out"; }
    out=$(smb "$d" 'ls many\f1*.txt')
    check "$d: ls many\\f1*.txt lists exactly the 1000 matching files" lists_matching ||
        { diag "matching $n, others $others"; show "$out"; }

    # 10. allinfo: times, attributes and the data stream's size. An 8.3
    # name: a name without a short name gets STATUS_OBJECT_NAME_NOT_FOUND for
    # FileAlternateNameInformation ([MS-FSA] 2.1.5.11.2, as Windows with 8.3
    # names off), and smbclient's allinfo stops there.
    info=info${d#SMB}.bin
    head -c 1234 "$T/big.4M" > "$SHARE/$info"
    out=$(smb "$d" "allinfo $info")
    check "$d: allinfo shows the times, attributes and the 1234-byte data stream" \
        shows_info || show "$out"

    # 11. a session, a tree connect and a clean exit with this dialect
    out=$(smb "$d" "exit")
    check "$d: logon and tree connect" no_error "$out" || show "$out"
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
    check "signing required, $d: a signed session and tree connect" no_error "$out" || show "$out"
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
    check "encryption required, $d: the session works" no_error "$out" || show "$out"
    put_get "$d" 4M "sealed-$d"
done
after=$(grep -c 'decrypted a frame' "$APPLIANCE_RUN_DIR/lwiod.log")
ok "encryption required: srv decrypted the requests ($before -> $after frames)" \
    [ "$after" -ge $((before + 4)) ]
for d in SMB2_02 SMB2_10; do
    out=$(smb "$d" "ls")
    like "$out" "NT_STATUS_ACCESS_DENIED" "encryption required: a $d client is refused"
done

# The daemons stop cleanly, and (in an ASan build) left no sanitizer report:
# errors as they ran, leaks as they exited.
stop_and_check_logs() {
    appliance_stop >/dev/null 2>&1 || return 1
    ! grep -q -E 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log 2>/dev/null
}
check_stop_name="lwadmin stop stops the daemons; their logs have no sanitizer report"
ok "$check_stop_name" stop_and_check_logs ||
    diag "$(grep -h -m1 -A30 -E 'Sanitizer|runtime error:' "$APPLIANCE_RUN_DIR"/*.log)"
