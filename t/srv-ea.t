#!/bin/bash
# Extended attributes end to end against a whole instance: impacket
# (t/srv-ea.py) creates a file with an ExtA create context, queries the EAs
# (all, a named list, single entries, an index, small buffers), sets and
# deletes them, is refused Samba's own xattrs, and finds each EA as a user.*
# xattr on the share's disk; smbclient's setea/geteas round-trip an EA and
# read one that was put on the disk directly, as smbd would have stored it;
# smbclient's setea of NTACL, DOSATTRIB and the other private names (any
# case) is refused and leaves the descriptor and attributes as they were;
# smbtorture's smb2.ea.acl_xattr (DOSATTRIB and NTACL).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
need_python_module impacket python3-impacket
need_program smbtorture samba-testsuite
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_require
SHARE=$APPLIANCE_SHARE_DIR
chmod 0777 "$SHARE"
umask 000
setfattr_ok() { /usr/bin/python3 -c 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())' "$@"; }
getfattr_of() { /usr/bin/python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], sys.argv[2]).decode())' "$@" 2>/dev/null; }
setfattr_ok "$SHARE" user.probe 1 2>/dev/null || skip_all "no user xattrs on $SHARE"

# impacket: one TAP line per check it reports.
impacket_done=
while IFS= read -r line; do
    case $line in
    DONE) impacket_done=1 ;;
    PASS\ *) _tap_record 0 "${line#PASS }" ;;
    FAIL\ *) _tap_record 1 "${line#FAIL }" ;;
    *) diag "$line" ;;
    esac
done < <(/usr/bin/python3 "$SW_SRC/t/srv-ea.py" "$APPLIANCE_PORT" "$T/alice.password" "$SHARE" 2>&1)
ok "impacket ran to its end" [ -n "$impacket_done" ]

# smbclient: setea then geteas, and the xattr on disk.
echo hello > "$SHARE/sc.txt"
out=$(appliance_smbclient test -c 'setea sc.txt MyAttr hello-ea; geteas sc.txt' 2>&1)
like "$out" 'MYATTR.*hello-ea|hello-ea' "smbclient: setea then geteas shows the EA"
unlike "$out" 'NT_STATUS_' "  without an error"
is "$(getfattr_of "$SHARE/sc.txt" user.MyAttr)" "hello-ea" "  stored as user.MyAttr"
# An EA smbd stored (a user.* xattr) shows up; Samba's own do not.
setfattr_ok "$SHARE/sc.txt" user.FromSmbd "written-by-smbd"
out=$(appliance_smbclient test -c 'geteas sc.txt' 2>&1)
like "$out" 'FROMSMBD' "smbclient: a user.* xattr on disk is an EA"
unlike "$out" 'DOSATTRIB|DosStream' "  Samba's own xattrs are not"
out=$(appliance_smbclient test -c 'setea sc.txt MyAttr ""; geteas sc.txt' 2>&1)
ok "smbclient: an empty value deletes" test -z "$(getfattr_of "$SHARE/sc.txt" user.MyAttr)"

# No EA reaches an xattr the server keeps for itself, in any case: an EA
# NTACL would be the descriptor of an unprivileged lwiod (user.NTACL),
# DOSATTRIB the attributes. A file with a stored descriptor and attributes:
# smbclient tries to overwrite both as EAs; everything stays as it was.
xattr_hex() { /usr/bin/python3 -c 'import os,sys
try: print(os.getxattr(sys.argv[1], sys.argv[2]).hex())
except OSError: print("-")' "$@"; }
echo guarded > "$T/guarded.src"
out=$(appliance_smbclient test -c "put $T/guarded.src guarded.txt; setmode guarded.txt +h" 2>&1)
unlike "$out" 'NT_STATUS_' "smbclient: a file with a stored descriptor and attributes" || diag "$out"
disk_state() {
    printf '%s %s %s\n' "$(xattr_hex "$SHARE/guarded.txt" security.NTACL)" \
        "$(xattr_hex "$SHARE/guarded.txt" user.NTACL)" "$(xattr_hex "$SHARE/guarded.txt" user.DOSATTRIB)"
}
# The descriptor as a client reads it (impacket: QUERY_INFO, owner, group
# and DACL, as hex) and the attributes (smbclient allinfo).
client_state() {
    /usr/bin/python3 - "$APPLIANCE_PORT" "$T/alice.password" <<'PY' 2>&1
import sys
from impacket import smb3structs as s3
from impacket.smbconnection import SMBConnection
c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=int(sys.argv[1]), timeout=30)
c.login("alice", open(sys.argv[2]).read().strip())
tid = c.connectTree("test")
fid = c.openFile(tid, "guarded.txt", desiredAccess=0x00020000)  # READ_CONTROL
sd = c.getSMBServer().queryInfo(tid, fid, infoType=s3.SMB2_0_INFO_SECURITY, fileInfoClass=0,
                                additionalInformation=7, flags=0)
print("descriptor " + sd.hex())
c.closeFile(tid, fid)
c.logoff()
PY
    appliance_smbclient test -c 'allinfo guarded.txt' 2>&1 | grep -i '^attributes'
}
before_disk=$(disk_state)
before_client=$(client_state)
like "$before_client" 'descriptor 01000[0-9a-f]{20,}' "impacket reads its descriptor" ||
    diag "$before_client"
like "$before_client" 'attributes: HA' "  smbclient allinfo its attributes (hidden, archive)"
for ea in NTACL ntacl NtAcl DOSATTRIB dosattrib DosAttrib SAMBA_PAI samewise.ChangeTime; do
    out=$(appliance_smbclient test -c "setea guarded.txt $ea D:P(A;;FA;;;WD)" 2>&1)
    like "$out" 'NT_STATUS_ACCESS_DENIED' "smbclient setea $ea: refused (ACCESS_DENIED)" || diag "$out"
done
is "$(disk_state)" "$before_disk" "  security.NTACL, user.NTACL, user.DOSATTRIB unchanged on disk"
is "$(client_state)" "$before_client" "  a client reads the same descriptor and attributes"
out=$(appliance_smbclient test -c 'geteas guarded.txt' 2>&1)
unlike "$out" 'NTACL|DOSATTRIB|D:P' "  and no such EA appears" || diag "$out"

# smbtorture's smb2.ea.acl_xattr wants the name of an xattr the server keeps
# for itself (smbd's selftest names its ACL xattr): here Samba's DOSATTRIB.
out=$(appliance_smbtorture --format=subunit --option=torture:acl_xattr_name=DOSATTRIB \
    //127.0.0.1/test smb2.ea.acl_xattr 2>&1)
like "$out" '^success: acl_xattr' "smbtorture smb2.ea.acl_xattr (acl_xattr_name=DOSATTRIB)" ||
    diag "$out"
# The same with the name an unprivileged lwiod keeps descriptors under.
out=$(appliance_smbtorture --format=subunit --option=torture:acl_xattr_name=NTACL \
    //127.0.0.1/test smb2.ea.acl_xattr 2>&1)
like "$out" '^success: acl_xattr' "smbtorture smb2.ea.acl_xattr (acl_xattr_name=NTACL)" ||
    diag "$out"
done_testing
