#!/bin/bash
# 8.3 short names through real clients (the appliance harness): smbclient's
# allinfo shows a long name's short name; get, ls and a path component by
# short name reach the long-named file and directory; the names are the
# same after a restart (computed, not stored); an 8.3 name is its own short
# name. impacket sees the same short name in FileBothDirectoryInformation
# and FileAlternateNameInformation. With pvfs.short-names off, no short
# name opens anything.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
need_python_module impacket python3-impacket
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_require
SHARE=$APPLIANCE_SHARE_DIR
# alice acts as nobody on disk (lsass.unix-fallback-user): open the share.
chmod 0777 "$SHARE"
umask 000
plan 15

LONG="Quarterly Report 2026.xlsx"
LONGDIR="Long Directory Name"
echo "the report" > "$SHARE/$LONG"
mkdir "$SHARE/$LONGDIR"
echo "inside" > "$SHARE/$LONGDIR/inner file name.txt"
echo "short" > "$SHARE/info.txt"

smb() { appliance_smbclient test -c "$1" 2>&1; }
# altname NAME: the altname line of smbclient's allinfo.
altname() { smb "allinfo \"$1\"" | sed -n 's/^altname: //p'; }

short=$(altname "$LONG")
like "$short" '^QU[0-9A-Z]{4}~[0-9A-Z]\.XLS$' "allinfo: the long name's short name ($short)"
shortdir=$(altname "$LONGDIR")
like "$shortdir" '^LO[0-9A-Z]{4}~[0-9A-Z]$' "allinfo: the directory's short name ($shortdir)"
is "$(altname info.txt)" "info.txt" "allinfo: an 8.3 name is its own short name"

rm -f "$T/got"
smb "get $short $T/got" >/dev/null
is "$(cat "$T/got" 2>/dev/null)" "the report" "get by the short name reads the long-named file"
rm -f "$T/got"
lower=$(printf '%s' "$short" | tr 'A-Z' 'a-z')
smb "get $lower $T/got" >/dev/null
is "$(cat "$T/got" 2>/dev/null)" "the report" "  in lower case too"
out=$(smb "ls $short")
like "$out" "  $LONG  " "ls by the short name lists the long name"
out=$(smb "ls $shortdir\\*")
like "$out" "  inner file name.txt  " "ls SHORTDIR\\* lists the directory's files"
rm -f "$T/got"
smb "get \"$shortdir\\inner file name.txt\" $T/got" >/dev/null
is "$(cat "$T/got" 2>/dev/null)" "inside" "a short name as a directory in a path"
out=$(smb "ls QU*.XLS")
like "$out" "  $LONG  " "a pattern matches the short name (QU*.XLS lists the .xlsx)"

cat > "$T/shortnames.py" <<'PY'
import struct, sys
from impacket.smbconnection import SMBConnection
from impacket import smb3structs as s3
port, password_file, long_name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
password = open(password_file).read().strip()
conn = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port)
conn.login('alice', password)
tid = conn.connectTree('test')
smb = conn.getSMBServer()
# FileBothDirectoryInformation ([MS-FSCC] 2.4.8): ShortNameLength at 68,
# ShortName at 70.
d = smb.create(tid, '', s3.FILE_LIST_DIRECTORY | s3.SYNCHRONIZE,
               s3.FILE_SHARE_READ | s3.FILE_SHARE_WRITE, s3.FILE_DIRECTORY_FILE, s3.FILE_OPEN, 0)
data = smb.queryDirectory(tid, d, long_name, informationClass=s3.FILE_BOTH_DIRECTORY_INFORMATION)
smb.close(tid, d)
print('listed=%s' % data[70:70 + data[68]].decode('utf-16-le'))
f = smb.create(tid, long_name, s3.FILE_READ_ATTRIBUTES | s3.SYNCHRONIZE,
               s3.FILE_SHARE_READ, s3.FILE_NON_DIRECTORY_FILE, s3.FILE_OPEN, 0)
info = smb.queryInfo(tid, f, fileInfoClass=s3.SMB2_FILE_ALTERNATE_NAME_INFO)
smb.close(tid, f)
n = struct.unpack('<I', info[:4])[0]
print('alt=%s' % info[4:4 + n].decode('utf-16-le'))
conn.logoff()
PY
out=$(timeout 60 /usr/bin/python3 "$T/shortnames.py" "$APPLIANCE_PORT" "$T/alice.password" \
      "$LONG" 2>&1)
[ -n "$out" ] && printf "%s\n" "$out" | grep -v "^listed=\|^alt=" | head -5 | sed "s/^/# /"
is "$(printf '%s\n' "$out" | sed -n 's/^listed=//p')" "$short" \
    "impacket: FileBothDirectoryInformation carries the short name"
is "$(printf '%s\n' "$out" | sed -n 's/^alt=//p')" "$short" \
    "impacket: FileAlternateNameInformation is the same name"

restart_with() { # KEY VALUE ...
    appliance_stop >/dev/null 2>&1
    while [ $# -ge 2 ]; do "$LWADMIN" config set "$1" "$2" >/dev/null; shift 2; done
    appliance_start >/dev/null || { echo "Bail out! restart: $(cat "$T/appliance-start.err")"; exit 1; }
}
restart_with pvfs.short-names on
is "$(altname "$LONG")" "$short" "after a restart: the same short name"

restart_with pvfs.short-names off
out=$(smb "get $short $T/off")
like "$out" "NT_STATUS_OBJECT_NAME_NOT_FOUND" "short names off: the short name opens nothing"
out=$(smb "allinfo \"$LONG\"")
unlike "$out" "altname: $short" "  and allinfo shows none"
is "$(altname info.txt)" "info.txt" "  an 8.3 name is still its own"
