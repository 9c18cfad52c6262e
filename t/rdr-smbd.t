#!/bin/bash
# rdr against Samba's smbd (private configuration on loopback, bench/smbd.sh):
# lwio-tool cat, ls of a large directory, stat, write and read back a
# multi-MiB file, cp, mkdir/mv/rm, a DCE/RPC bind over \IPC$\srvsvc, a wrong
# password, then smbd restarted with signing required and with encryption
# required (rdr reconnects on its own and keeps working).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/rdr-lib.sh"
. "$SW_SRC/bench/smbd.sh"
need_program smbd samba
need_program smbpasswd samba
need_program sha256sum coreutils
smbd_available || tap_missing "$SMBD_WHY"
plan 56

mkdir -p "$T/share/many"
chmod 755 "$T"   # smbd serves the share as alice (uid 65534)
chmod 777 "$T/share"
printf 'hello through rdr\n' > "$T/share/hello.txt"
for i in $(seq 1 1500); do : > "$T/share/many/entry-$i.dat"; done
head -c 12582912 /dev/urandom > "$T/big.bin"   # 12 MiB: several multi-credit requests
want=$(sha256sum < "$T/big.bin")

smbd_setup "$T/smbd" "$T/share" alice 'Rdr-Passw0rd' || tap_missing "$SMBD_WHY"
# 1 MiB I/O (smbd's default is 8 MiB), so that a 4 MiB read must be split.
sed -i '/^\[test\]/i\    smb2 max read = 1048576\n    smb2 max write = 1048576' "$SMBD_CONF"
smbd_start || { _tap_record 1 "smbd starts: $SMBD_WHY"; exit 1; }
tap_at_exit smbd_stop
S=/rdr/127.0.0.1:$SMBD_PORT/test

rdr_creds "$T/creds" "127.0.0.1:$SMBD_PORT" 'WORKGROUP\alice' 'Rdr-Passw0rd'
rdr_lwiod "$T/creds"

is "$(rdr_tool cat $S/hello.txt)" "hello through rdr" "cat of a file through /rdr"
out=$(rdr_tool ls $S)
like "$out" "^d .* many$" "ls of the share root shows the directory"
like "$out" "-  +18 .* hello.txt" "and the file with its size"
is "$(rdr_tool ls $S/many | grep -c 'entry-')" 1500 "ls of a directory with 1500 entries lists them all"
like "$(rdr_tool stat $S/hello.txt)" "size: 18" "stat: size"
is "$(rdr_tool ls "$S/many/entry-1?.dat" | grep -c 'entry-1[0-9]\.dat$')" 10 \
    "ls with a wildcard: the server matches the pattern (entry-10 to entry-19)"
is "$(rdr_tool ls "$S/many/*.zzz" 2>&1)" "" "a pattern that matches nothing lists nothing"

rdr_tool write $S/big.bin < "$T/big.bin"
is "$(sha256sum < "$T/share/big.bin")" "$want" "write of 12 MiB lands intact on the server"
is "$(rdr_tool cat $S/big.bin | sha256sum)" "$want" "and reads back with the same checksum"
ok "cp from /rdr to /rdr" rdr_tool cp $S/big.bin $S/copy.bin
is "$(sha256sum < "$T/share/copy.bin")" "$want" "the copy matches"
like "$(grep -a 'rdr: read of 4194304 bytes' "$T/lwiod.log")" "[2-9][0-9]* requests of up to [0-9]+ in flight" \
    "a 4 MiB read goes out as several requests in flight"
ok "mkdir" rdr_tool mkdir $S/newdir
ok "mv (rename within the share)" rdr_tool mv $S/copy.bin $S/newdir/moved.bin
ok "the file moved on the server" test -f "$T/share/newdir/moved.bin" -a ! -e "$T/share/copy.bin"
ok "rm" rdr_tool rm $S/newdir/moved.bin
ok "the file is gone" test ! -e "$T/share/newdir/moved.bin"
like "$(rdr_tool cat $S/missing.txt 2>&1)" "STATUS_OBJECT_NAME_NOT_FOUND" "a missing file: the server's status"

out=$(timeout 60 "$SW_BUILD/t/rdr-shares" "$RDR_DB" "/rdr/127.0.0.1:$SMBD_PORT/IPC\$/srvsvc" 2>&1)
like "$out" "test 0x00000000" "the DCE/RPC client runtime over rdr: NetrShareEnum lists the share"
like "$out" "IPC\\$ 0x80000003" "and IPC$"
reply=$(rdr_bind_pdu | rdr_tool pipe-transceive "/rdr/127.0.0.1:$SMBD_PORT/IPC\$/srvsvc" | od -An -tx1 -N3 | tr -d ' \n')
is "$reply" "05000c" "a DCE/RPC bind over \\IPC\$\\srvsvc gets a bind_ack"

# Another server name (the same smbd by another address), a wrong password.
rdr_creds "$T/creds" "localhost:$SMBD_PORT" 'WORKGROUP\alice' 'wrong'
like "$(rdr_tool cat /rdr/localhost:$SMBD_PORT/test/hello.txt 2>&1)" "STATUS_LOGON_FAILURE" \
    "a wrong password is refused"
# The caller's own credentials (an ECP on each create: lwio-tool --credentials)
# win over the credentials file.
(umask 077; printf 'WORKGROUP\\alice Rdr-Passw0rd\n' > "$T/mine")
is "$(rdr_tool --credentials "$T/mine" cat /rdr/localhost:$SMBD_PORT/test/hello.txt 2>&1)" \
    "hello through rdr" "lwio-tool --credentials: the caller's credentials log on"
(umask 077; printf 'alice not-her-password\n' > "$T/mine")
like "$(rdr_tool --credentials "$T/mine" cat /rdr/localhost:$SMBD_PORT/test/hello.txt 2>&1)" \
    "STATUS_LOGON_FAILURE" "and wrong ones are refused (not served by the earlier session)"
rdr_creds "$T/creds" "*" 'WORKGROUP\alice' 'Rdr-Passw0rd'

restart_smbd_with() { # smb.conf [global] lines
    smbd_stop
    sed -i '/^\[test\]/i\'"$1" "$SMBD_CONF"
    smbd_start || diag "$SMBD_WHY"
}

# A file held open (build/t/rdr-hold) while smbd restarts under it.
printf 'held-content\n' > "$T/share/held.txt"
chmod 666 "$T/share/held.txt"
coproc HOLD { exec "$SW_BUILD/t/rdr-hold" "$RDR_DB" "$S/held.txt" 2>"$T/hold.err"; }
hold_pid=$HOLD_PID
tap_at_exit "kill $hold_pid"
ask() { # COPROC COMMAND: one line to a helper, its one-line answer on stdout
    local -n fds=$1
    echo "$2" >&"${fds[1]}"
    local answer=
    read -t 60 -r answer <&"${fds[0]}"
    printf '%s' "$answer"
}
hold() { ask HOLD "$1"; }
read -t 60 -r line <&"${HOLD[0]}"
is "$line $(hold 'read 0 12')" "opened ok held-content" "a file held open reads"

restart_smbd_with '    server signing = mandatory'
is "$(hold 'read 5 7')" "ok content" "smbd restarted (now signing): the open file still reads (reopened)"
is "$(hold 'write 0 HELD')" "ok 4" "and writes"
is "$(head -c 12 "$T/share/held.txt")" "HELD-content" "the write reached the server"
# Byte-range locks between two opens of the file.
coproc HOLD2 { exec "$SW_BUILD/t/rdr-hold" "$RDR_DB" "$S/held.txt" 2>>"$T/hold.err"; }
hold2_pid=$HOLD2_PID
tap_at_exit "kill $hold2_pid"
hold2() { ask HOLD2 "$1"; }
read -t 60 -r line <&"${HOLD2[0]}"
is "$(hold 'lock 0 4')" "ok" "an exclusive byte-range lock"
like "$(hold2 'lock 2 4')" "error STATUS_(LOCK_NOT_GRANTED|FILE_LOCK_CONFLICT)" \
    "another open's overlapping lock is refused"
like "$(hold2 'read 0 4')" "error STATUS_FILE_LOCK_CONFLICT" "and its read of the locked range"
# A lock that waits (STATUS_PENDING from smbd), its client gone: lwiod
# cancels the IRP and rdr sends SMB2 CANCEL.
echo 'lockwait 0 4' >&"${HOLD2[1]}"
sleep 1
kill "$hold2_pid"
i=0
while [ $i -lt 100 ] && ! grep -aq 'sending CANCEL' "$T/lwiod.log"; do sleep 0.1; i=$((i + 1)); done
i=0
while [ $i -lt 100 ] && ! grep -aq "command 10: STATUS_CANCELLED" "$T/lwiod.log"; do sleep 0.1; i=$((i + 1)); done
like "$(grep -a "sending CANCEL\|command 10: STATUS_CANCELLED" "$T/lwiod.log")" "command 10: STATUS_CANCELLED" "a waiting lock whose caller left is cancelled on the server (SMB2 CANCEL, then STATUS_CANCELLED)"
is "$(hold 'unlock 0 4')" "ok" "unlock"
is "$(hold 'lock 0 4')" "ok" "the cancelled wait took nothing: the range locks again"
is "$(hold 'easet RdrTag from-rdr')" "ok" "an extended attribute set through SET_INFO"
is "$(/usr/bin/python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.RdrTag").decode())' "$T/share/held.txt" 2>&1)" \
    "from-rdr" "smbd stored it (user.RdrTag)"
hold quit >/dev/null
is "$(rdr_tool cat $S/hello.txt 2>&1)" "hello through rdr" "signing required: cat (after a reconnect)"
rdr_tool write $S/signed.bin < "$T/big.bin"
is "$(rdr_tool cat $S/signed.bin | sha256sum)" "$want" "signing required: 12 MiB round trip"
like "$(grep -a "rdr:" "$T/lwiod.log")" "connection lost" "rdr noticed the dropped connection"

restart_smbd_with '    server smb encrypt = required'
is "$(rdr_tool cat $S/hello.txt)" "hello through rdr" "encryption required: cat"
rdr_tool write $S/sealed.bin < "$T/big.bin"
is "$(sha256sum < "$T/share/sealed.bin")" "$want" "encryption required: write"
is "$(rdr_tool cat $S/sealed.bin | sha256sum)" "$want" "encryption required: read back"
is "$(rdr_tool ls $S/many | grep -c 'entry-')" 1500 "encryption required: large listing"

# Every dialect rdr offers, with the integrity each one has: 2.x signing
# (HMAC-SHA256), 3.0 and 3.0.2 encryption (AES-128-CCM, fixed-label keys),
# 3.0.2 signing (AES-CMAC; the 3.1.1 tests above sign with what smbd picks
# from rdr's signing capabilities, AES-GMAC).
head -c 3145728 /dev/urandom > "$T/mid.bin"
mid=$(sha256sum < "$T/mid.bin")
for phase in "SMB2_02 server signing = mandatory" "SMB2_10 server signing = mandatory" \
             "SMB3_00 server smb encrypt = required" "SMB3_02 server smb encrypt = required" \
             "SMB3_02 server signing = mandatory"; do
    proto=${phase%% *}
    smbd_stop
    sed -i '/server max protocol/d; /server smb encrypt/d' "$SMBD_CONF"
    sed -i '/^\[test\]/i\    server max protocol = '"$proto"'\n    '"${phase#* }" "$SMBD_CONF"
    smbd_start || diag "$SMBD_WHY"
    is "$(rdr_tool cat $S/hello.txt 2>&1)" "hello through rdr" "$proto, ${phase#* }: cat" ||
        diag "$(grep -a 'rdr:' "$T/lwiod.log" | tail -12)"
    rdr_tool write "$S/$proto.bin" < "$T/mid.bin"
    is "$(rdr_tool cat "$S/$proto.bin" | sha256sum)" "$mid" "$proto: 3 MiB written and read back"
done

like "$(grep -a 'dialect 0x0311' "$T/lwiod.log" | head -1)" "signing algorithm 2, cipher 2" \
    "3.1.1 with smbd: AES-GMAC signing and AES-128-GCM negotiated"
ok "lwiod is still running" kill -0 "$RDR_LWIOD"
kill "$RDR_LWIOD"
i=0
while kill -0 "$RDR_LWIOD" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
nok "lwiod stops on SIGTERM with rdr connections open" sh -c "kill -0 $RDR_LWIOD 2>/dev/null"
