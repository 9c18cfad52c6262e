#!/bin/bash
# Extended attributes end to end against a whole instance: impacket
# (t/srv-ea.py) creates a file with an ExtA create context, queries the EAs
# (all, a named list, single entries, an index, small buffers), sets and
# deletes them, is refused Samba's own xattrs, and finds each EA as a user.*
# xattr on the share's disk; smbclient's setea/geteas round-trip an EA and
# read one that was put on the disk directly, as smbd would have stored it;
# smbtorture's smb2.ea.acl_xattr.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
need_python_module impacket python3-impacket
need_program smbtorture samba-testsuite
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_available || skip_all "srv cannot start: $APPLIANCE_WHY"
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

# smbtorture's smb2.ea.acl_xattr wants the name of an xattr the server keeps
# for itself (smbd's selftest names its ACL xattr): here Samba's DOSATTRIB.
out=$(appliance_smbtorture --format=subunit --option=torture:acl_xattr_name=DOSATTRIB \
    //127.0.0.1/test smb2.ea.acl_xattr 2>&1)
like "$out" '^success: acl_xattr' "smbtorture smb2.ea.acl_xattr (acl_xattr_name=DOSATTRIB)" ||
    diag "$out"
done_testing
