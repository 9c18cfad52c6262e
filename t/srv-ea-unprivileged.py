#!/usr/bin/python3
# Helper of t/srv-ea-unprivileged.t (not a test by itself): against an
# instance whose lwiod is not root (descriptors in user.NTACL), bob, who
# may read a file of alice's and write its EAs but not change it, sets an
# EA named NTACL holding a descriptor that grants Everyone full control.
# Prints "PASS name" / "FAIL name: why" lines.
#
#   srv-ea-unprivileged.py PORT ALICE_PASSWORD_FILE BOB_PASSWORD_FILE SHARE_DIR
import os
import signal
import struct
import sys

from impacket import smb3structs as s3
from impacket.smb3 import SessionError as Smb3Error
from impacket.smbconnection import SessionError, SMBConnection

signal.alarm(90)
port = int(sys.argv[1])
alice_pw = open(sys.argv[2]).read().strip()
bob_pw = open(sys.argv[3]).read().strip()
share_dir = sys.argv[4]

FILE_READ_DATA, FILE_WRITE_DATA, FILE_READ_EA, FILE_WRITE_EA = 0x1, 0x2, 0x8, 0x10
FILE_READ_ATTRIBUTES, READ_CONTROL, WRITE_DAC, SYNCHRONIZE = 0x80, 0x20000, 0x40000, 0x100000
FILE_ALL_ACCESS = 0x1F01FF
OWNER_SECURITY_INFORMATION, DACL_SECURITY_INFORMATION = 1, 4
FileFullEaInformation = 15


def check(cond, name, why=''):
    print(('PASS %s' % name) if cond else ('FAIL %s: %s' % (name, why)), flush=True)


def connect(user, password):
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, timeout=30)
    c.login(user, password)
    return c, c.connectTree('test')


def sid_bytes(text):
    parts = text.split('-')
    subs = [int(p) for p in parts[3:]]
    return struct.pack('<BB', int(parts[1]), len(subs)) + int(parts[2]).to_bytes(6, 'big') + \
        b''.join(struct.pack('<I', s) for s in subs)


def sid_text(data, at):
    rev, count = data[at], data[at + 1]
    auth = int.from_bytes(data[at + 2:at + 8], 'big')
    subs = struct.unpack('<%dI' % count, data[at + 8:at + 8 + 4 * count])
    return 'S-%d-%d%s' % (rev, auth, ''.join('-%d' % s for s in subs))


def dacl_only(aces):
    """A self-relative descriptor with a protected DACL of allow ACEs."""
    body = b''
    for sid, mask in aces:
        s = sid_bytes(sid)
        body += struct.pack('<BBHI', 0, 0, 8 + len(s), mask) + s
    acl = struct.pack('<BBHHH', 2, 0, 8 + len(body), len(aces), 0) + body
    return struct.pack('<BBHIIII', 1, 0, 0x8000 | 0x1000 | 0x0004, 0, 0, 0, 20) + acl


def full_ea(name, value):
    return struct.pack('<IBBH', 0, 0, len(name), len(value)) + name + b'\0' + value


def status_of(fn):
    try:
        fn()
        return 0
    except (SessionError, Smb3Error) as e:
        return e.get_error_code() if hasattr(e, "get_error_code") else e.getErrorCode()


alice, atid = connect('alice', alice_pw)
# The forged value: the user.NTACL of a file that grants Everyone full
# control (a new file in the share inherits that from its 0777 root).
fid = alice.createFile(atid, 'open.txt')
alice.closeFile(atid, fid)
forged = os.getxattr(os.path.join(share_dir, 'open.txt'), 'user.NTACL')
check(len(forged) > 20, 'the share keeps descriptors in user.NTACL (lwiod is not root)')

fid = alice.createFile(atid, 'guarded.txt')
alice.writeFile(atid, fid, b'alice only')
sd = alice.getSMBServer().queryInfo(atid, fid, infoType=s3.SMB2_0_INFO_SECURITY, fileInfoClass=0,
                                    additionalInformation=OWNER_SECURITY_INFORMATION, flags=0)
alice_sid = sid_text(sd, struct.unpack('<I', sd[4:8])[0])
alice.closeFile(atid, fid)

bob, btid = connect('bob', bob_pw)
# bob's SID: the owner of a file bob creates.
fid = bob.createFile(btid, 'bobs.txt')
sd = bob.getSMBServer().queryInfo(btid, fid, infoType=s3.SMB2_0_INFO_SECURITY, fileInfoClass=0,
                                  additionalInformation=OWNER_SECURITY_INFORMATION, flags=0)
bob_sid = sid_text(sd, struct.unpack('<I', sd[4:8])[0])
bob.closeFile(btid, fid)

# alice: full control for herself; bob may read and write EAs, nothing else.
fid = alice.openFile(atid, 'guarded.txt', desiredAccess=READ_CONTROL | WRITE_DAC)
alice.getSMBServer().setInfo(atid, fid, dacl_only([
    (alice_sid, FILE_ALL_ACCESS),
    (bob_sid, FILE_READ_DATA | FILE_READ_EA | FILE_WRITE_EA | FILE_READ_ATTRIBUTES | READ_CONTROL |
     SYNCHRONIZE)]), infoType=s3.SMB2_0_INFO_SECURITY, fileInfoClass=0,
    additionalInformation=DACL_SECURITY_INFORMATION)
alice.closeFile(atid, fid)
before = os.getxattr(os.path.join(share_dir, 'guarded.txt'), 'user.NTACL')
check(status_of(lambda: bob.closeFile(btid, bob.openFile(btid, 'guarded.txt',
                                                         desiredAccess=FILE_WRITE_DATA)))
      == 0xC0000022, 'bob may not write guarded.txt')

# The attack: FILE_WRITE_EA, an EA NTACL (and its other spellings).
fid = bob.openFile(btid, 'guarded.txt', desiredAccess=FILE_WRITE_EA)
for name in (b'NTACL', b'ntacl', b'NtAcl'):
    st = status_of(lambda: bob.getSMBServer().setInfo(
        btid, fid, full_ea(name, forged), infoType=s3.SMB2_0_INFO_FILE,
        fileInfoClass=FileFullEaInformation))
    check(st == 0xC0000022, 'bob sets EA %s = a descriptor granting Everyone full control: '
          'ACCESS_DENIED' % name.decode(), '0x%08x' % st)
bob.closeFile(btid, fid)
check(os.getxattr(os.path.join(share_dir, 'guarded.txt'), 'user.NTACL') == before,
      "guarded.txt's user.NTACL is unchanged")
for access, what in ((FILE_WRITE_DATA, 'write'), (WRITE_DAC, 'WRITE_DAC')):
    st = status_of(lambda: bob.closeFile(btid, bob.openFile(btid, 'guarded.txt',
                                                            desiredAccess=access)))
    check(st == 0xC0000022, 'bob still may not open it for %s' % what, '0x%08x' % st)
bob.logoff()
alice.logoff()
print('DONE', flush=True)
