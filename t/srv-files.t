#!/bin/sh
# Files through the whole appliance path: smbclient and impacket -> srv.so
# -> lwiod's I/O manager -> pvfs on a scratch share, logons via lsassd.
. "$SW_SRC/t/tap/tap.sh"
need_program smbclient smbclient

. "$SW_SRC/t/srv-appliance.sh"
appliance_start
mkdir -p "$SHARE/sub"
printf 'hello\n' > "$SHARE/hello.txt"
mkdir -p "$T/ro"
"$LWADMIN" --db "$DB" share add ro "$T/ro" --read-only --grant Everyone:full >/dev/null

smb() { # dialect, extra options..., then the command string last
    d=$1; shift
    timeout 60 smbclient -s "$T/client.conf" -A "$T/alice.txt" -p "$PORT" \
        --option="client min protocol=$d" -m "$d" "$@" 2>&1
}

head -c 3000000 /dev/urandom > "$T/big.bin"
want=$(md5sum < "$T/big.bin")
for d in SMB2_02 SMB2_10 SMB3_00 SMB3_11; do
    rm -f "$T/got.bin" "$T/hello.out"
    out=$(smb "$d" //127.0.0.1/data -c "ls; get hello.txt $T/hello.out; put $T/big.bin big-$d.bin; get big-$d.bin $T/got.bin; mkdir dir-$d; rename big-$d.bin dir-$d\\moved.bin; ls dir-$d\\*; del dir-$d\\moved.bin; rmdir dir-$d")
    like "$out" "hello.txt +[A-Z]* +6 " "$d: ls lists the share"
    is "$(cat "$T/hello.out" 2>/dev/null)" "hello" "$d: get reads a file"
    is "$(md5sum < "$T/got.bin" 2>/dev/null)" "$want" "$d: a 3 MB file goes up and comes back intact"
    like "$out" "moved.bin" "$d: mkdir and rename into it"
    ok "$d: del and rmdir leave nothing behind" [ ! -e "$SHARE/dir-$d" ]
    unlike "$out" "NT_STATUS" "$d: no errors"
done

rm -f "$T/got.bin"
out=$(smb SMB3_11 --client-protection=encrypt //127.0.0.1/data -c "put $T/big.bin enc.bin; get enc.bin $T/got.bin; del enc.bin")
is "$(md5sum < "$T/got.bin" 2>/dev/null)" "$want" "encrypted (3.1.1, AES-128-GCM) transfer intact"
rm -f "$T/got.bin"
out=$(smb SMB3_11 --client-protection=sign --option='client smb3 signing algorithms=AES-128-GMAC' \
      //127.0.0.1/data -c "put $T/big.bin sig.bin; get sig.bin $T/got.bin; del sig.bin")
is "$(md5sum < "$T/got.bin" 2>/dev/null)" "$want" "signed (3.1.1, AES-GMAC) transfer intact"

out=$(smb SMB3_11 //127.0.0.1/data -c 'get nosuch.txt /dev/null')
like "$out" "NT_STATUS_OBJECT_NAME_NOT_FOUND" "a missing file"
out=$(smb SMB3_11 //127.0.0.1/ro -c "put $T/big.bin x.bin")
like "$out" "NT_STATUS_ACCESS_DENIED" "no writing on a read-only share"
ok "and nothing was written" [ ! -e "$T/ro/x.bin" ]
out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=int(sys.argv[1]), timeout=10)
c.login('alice', 'Alice-Pass1')
tid = c.connectTree('data')
for path in ('..\\..\\etc\\hostname', 'sub\\..\\..\\hostname', '\\etc\\hostname'):
    try:
        c.openFile(tid, path)
        print(path, "opened")
    except Exception as e:
        print(path, str(e).split('(')[0])
PY
)
unlike "$out" "opened" "no way out of the share with .. (impacket sends the names as they are)"
like "$out" "STATUS_OBJECT_NAME_INVALID" "a .. component is an invalid name"
ln -s /etc "$SHARE/etc-link"
out=$(smb SMB3_11 //127.0.0.1/data -c 'get etc-link\hostname /dev/null')
like "$out" "NT_STATUS_ACCESS_DENIED|NT_STATUS_OBJECT_PATH_NOT_FOUND|NT_STATUS_OBJECT_NAME_NOT_FOUND" \
    "nor through a symbolic link"

out=$(/usr/bin/python3 - "$PORT" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s
port = int(sys.argv[1])
for name, d in (("2.1", s.SMB2_DIALECT_21), ("3.0", s.SMB2_DIALECT_30)):
    try:
        c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, preferredDialect=d, timeout=10)
        c.login('alice', 'Alice-Pass1')
        tid = c.connectTree('data')
        fid = c.createFile(tid, 'imp-%s.txt' % name)
        c.writeFile(tid, fid, b'x' * 100000)
        c.closeFile(tid, fid)
        fid = c.openFile(tid, 'imp-%s.txt' % name)
        data = c.readFile(tid, fid, 0, 100000)
        c.closeFile(tid, fid)
        names = sorted(f.get_longname() for f in c.listPath('data', '*'))
        c.deleteFile('data', 'imp-%s.txt' % name)
        print(name, "ok" if data == b'x' * 100000 and 'imp-%s.txt' % name in names else "bad")
    except Exception as e:
        print(name, "error", e)
PY
)
like "$out" "2.1 ok" "impacket 2.1: create, write, read, list, delete"
like "$out" "3.0 ok" "impacket 3.0 (encrypted): create, write, read, list, delete"

kill "$LWIOD"
wait "$LWIOD" 2>/dev/null
is "$?" "0" "lwiod stops cleanly"
