#!/usr/bin/python3
# Helper of t/srv-ea.t (not a test by itself): extended attributes over SMB2
# with impacket against a running appliance. Prints one "PASS name" or
# "FAIL name: why" line per check; t/srv-ea.t turns them into TAP.
#
#   srv-ea.py PORT PASSWORD_FILE SHARE_DIR
import os
import signal
import struct
import sys

from impacket import smb3structs as s3
from impacket.smb3 import SessionError
from impacket.smbconnection import SMBConnection

signal.alarm(60)
port, password_file, share_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
password = open(password_file).read().strip()

STATUS = {
    0: 'STATUS_SUCCESS', 0x80000005: 'STATUS_BUFFER_OVERFLOW',
    0x80000012: 'STATUS_NO_MORE_EAS', 0x80000013: 'STATUS_INVALID_EA_NAME',
    0x80000014: 'STATUS_EA_LIST_INCONSISTENT', 0xC0000022: 'STATUS_ACCESS_DENIED',
    0xC0000023: 'STATUS_BUFFER_TOO_SMALL', 0xC0000004: 'STATUS_INFO_LENGTH_MISMATCH',
    0xC0000051: 'STATUS_NONEXISTENT_EA_ENTRY', 0xC0000052: 'STATUS_NO_EAS_ON_FILE',
}
SL_RESTART_SCAN, SL_RETURN_SINGLE_ENTRY, SL_INDEX_SPECIFIED = 1, 2, 4
FileEaInformation, FileFullEaInformation, FileAllInformation = 7, 15, 18


def name_of(status):
    return STATUS.get(status, '0x%08x' % status)


def check(cond, name, why=''):
    print(('PASS %s' % name) if cond else ('FAIL %s: %s' % (name, why)), flush=True)


def full_chain(eas):
    """FILE_FULL_EA_INFORMATION entries, 4-aligned between entries."""
    out = b''
    for i, (name, value) in enumerate(eas):
        e = struct.pack('<IBBH', 0, 0, len(name), len(value)) + name + b'\0' + value
        if i + 1 < len(eas):
            e += b'\0' * (-len(e) % 4)
            e = struct.pack('<I', len(e)) + e[4:]
        out += e
    return out


def get_chain(names):
    out = b''
    for i, name in enumerate(names):
        e = struct.pack('<IB', 0, len(name)) + name + b'\0'
        if i + 1 < len(names):
            e += b'\0' * (-len(e) % 4)
            e = struct.pack('<I', len(e)) + e[4:]
        out += e
    return out


def parse_full(data):
    eas, at = [], 0
    while at < len(data):
        nxt, _flags, nl, vl = struct.unpack_from('<IBBH', data, at)
        eas.append((data[at + 8:at + 8 + nl], data[at + 9 + nl:at + 9 + nl + vl]))
        if nxt == 0:
            break
        at += nxt
    return eas


conn = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port)
conn.login('alice', password)
smb = conn.getSMBServer()
tid = conn.connectTree('test')


def query(fid, cls, length=65535, flags=0, blob=b'', additional=0, info_type=1):
    """(status, data) of a QUERY_INFO with any output length."""
    packet = smb.SMB_PACKET()
    packet['Command'] = s3.SMB2_QUERY_INFO
    packet['TreeID'] = tid
    q = s3.SMB2QueryInfo()
    q['FileID'] = fid
    q['InfoType'] = info_type
    q['FileInfoClass'] = cls
    q['OutputBufferLength'] = length
    q['AdditionalInformation'] = additional
    q['Flags'] = flags
    if blob:
        q['InputBufferLength'] = len(blob)
        q['Buffer'] = blob
    else:
        q['InputBufferOffset'] = 0
        q['Buffer'] = b'\0'
    packet['Data'] = q
    ans = smb.recvSMB(smb.sendSMB(packet))
    status = ans['Status']
    if status in (0, 0x80000005):
        return status, s3.SMB2QueryInfo_Response(ans['Data'])['Buffer']
    return status, b''


def set_eas(fid, blob):
    packet = smb.SMB_PACKET()
    packet['Command'] = s3.SMB2_SET_INFO
    packet['TreeID'] = tid
    si = s3.SMB2SetInfo()
    si['InfoType'] = 1
    si['FileInfoClass'] = FileFullEaInformation
    si['BufferLength'] = len(blob)
    si['FileID'] = fid
    si['Buffer'] = blob
    packet['Data'] = si
    return smb.recvSMB(smb.sendSMB(packet))['Status']


def close(fid):
    try:
        conn.closeFile(tid, fid)
    except KeyError:
        pass  # impacket's table of open names, confused by two opens of one name


def ext_a(chain):
    c = s3.SMB2CreateContext()
    c['NameOffset'] = 16
    c['NameLength'] = 4
    c['DataOffset'] = 24
    c['DataLength'] = len(chain)
    c['Buffer'] = b'ExtA' + b'\0' * 4 + chain
    return c


def create(name, contexts=None, access=0x12019f | 0x10000, disposition=s3.FILE_OVERWRITE_IF,
           options=0x40):
    try:
        return 0, smb.create(tid, name, access, 7, options, disposition, 0x80,
                             createContexts=contexts)
    except SessionError as e:
        return e.get_error_code(), None


# CREATE with an EA buffer stores the EAs as user.NAME xattrs.
st, fid = create('ea1.txt', [ext_a(full_chain([(b'EaOne', b'VALUE1'), (b'SecondEA', b'ValueTwo')]))])
check(st == 0 and fid is not None, 'create with an ExtA context', name_of(st))
path = os.path.join(share_dir, 'ea1.txt')
try:
    check(os.getxattr(path, 'user.EaOne') == b'VALUE1' and
          os.getxattr(path, 'user.SecondEA') == b'ValueTwo', 'EAs are user.* xattrs on disk')
except OSError as e:
    check(False, 'EAs are user.* xattrs on disk', str(e))

st, data = query(fid, FileFullEaInformation, flags=SL_RESTART_SCAN)
check(st == 0 and parse_full(data) == [(b'EAONE', b'VALUE1'), (b'SECONDEA', b'ValueTwo')],
      'query all: names upper-cased, Samba xattrs hidden', '%s %r' % (name_of(st), data))
st, data = query(fid, FileEaInformation)
check(st == 0 and struct.unpack('<I', data)[0] == 41, 'FileEaInformation: EaSize 41', repr(data))
st, data = query(fid, FileAllInformation)
check(st == 0 and struct.unpack_from('<I', data, 72)[0] == 41, 'FileAllInformation: the same EaSize')

# SET_INFO: add one, delete one (empty value).
st = set_eas(fid, full_chain([(b'Third', b'3'), (b'secondea', b'')]))
check(st == 0, 'set_info FileFullEaInformation', name_of(st))
st, data = query(fid, FileFullEaInformation, flags=SL_RESTART_SCAN)
check(parse_full(data) == [(b'EAONE', b'VALUE1'), (b'THIRD', b'3')],
      'the set took effect (case-insensitive delete)', repr(parse_full(data)))
check(os.getxattr(path, 'user.Third') == b'3' and 'user.SecondEA' not in os.listxattr(path),
      'and on disk')

# Named list, single entries, index, small buffers.
st, data = query(fid, FileFullEaInformation, blob=get_chain([b'third', b'nosuch']))
check(st == 0 and parse_full(data) == [(b'THIRD', b'3'), (b'NOSUCH', b'')],
      'query a named list', '%s %r' % (name_of(st), data))
st, data = query(fid, FileFullEaInformation, flags=SL_RESTART_SCAN | SL_RETURN_SINGLE_ENTRY)
st2, data2 = query(fid, FileFullEaInformation, flags=SL_RETURN_SINGLE_ENTRY)
st3, _ = query(fid, FileFullEaInformation, flags=SL_RETURN_SINGLE_ENTRY)
check(parse_full(data) == [(b'EAONE', b'VALUE1')] and parse_full(data2) == [(b'THIRD', b'3')] and
      st3 == 0x80000012, 'single entries walk the list, then STATUS_NO_MORE_EAS', name_of(st3))
st, data = query(fid, FileFullEaInformation, flags=SL_INDEX_SPECIFIED, additional=2)
check(st == 0 and parse_full(data) == [(b'THIRD', b'3')], 'SL_INDEX_SPECIFIED 2', name_of(st))
st, data = query(fid, FileFullEaInformation, flags=SL_INDEX_SPECIFIED, additional=9)
check(st == 0xC0000051, 'an index past the end: STATUS_NONEXISTENT_EA_ENTRY', name_of(st))
st, data = query(fid, FileFullEaInformation, length=10, flags=SL_RESTART_SCAN)
check(st == 0xC0000023, 'no room for one entry: STATUS_BUFFER_TOO_SMALL', name_of(st))
st, data = query(fid, FileFullEaInformation, length=20, flags=SL_RESTART_SCAN)
check(st == 0x80000005 and parse_full(data) == [(b'EAONE', b'VALUE1')],
      'room for one of two: STATUS_BUFFER_OVERFLOW with the first', name_of(st))

# Samba's own xattrs are not EAs.
st = set_eas(fid, full_chain([(b'DOSATTRIB', b'x')]))
check(st == 0xC0000022, 'setting DOSATTRIB: STATUS_ACCESS_DENIED', name_of(st))
st = set_eas(fid, full_chain([(b'bad*name', b'x')]))
check(st == 0x80000013, 'a name with *: STATUS_INVALID_EA_NAME', name_of(st))
st = set_eas(fid, full_chain([(b'EaOne', b'VALUE1')])[:-3])
check(st == 0x80000014, 'a cut chain: STATUS_EA_LIST_INCONSISTENT', name_of(st))

# smb2.getinfo.qfile_buffercheck's rule for the classes it tries.
levels = [(4, 40), (5, 24), (6, 8), (7, 4), (8, 4), (16, 4), (17, 4), (18, 104), (22, 32),
          (28, 16), (34, 56), (35, 8)]
for cls, fixed in levels:
    st, full = query(fid, cls)
    bad = None
    for length in range(len(full) + 1):
        st, _ = query(fid, cls, length=length)
        want = 0xC0000004 if length < fixed else 0x80000005 if length < len(full) else 0
        if st != want:
            bad = 'length %d: %s' % (length, name_of(st))
            break
    check(bad is None, 'class %d: buffer sizes as Windows' % cls, bad)

close(fid)

# A file without EAs; a handle without FILE_READ_EA.
st, fid = create('noea.txt')
st, _ = query(fid, FileFullEaInformation, flags=SL_RESTART_SCAN)
check(st == 0xC0000052, 'no EAs: STATUS_NO_EAS_ON_FILE', name_of(st))
close(fid)
st, fid = create('ea1.txt', access=0x80 | 0x100000, disposition=s3.FILE_OPEN)
st, _ = query(fid, FileFullEaInformation, flags=SL_RESTART_SCAN)
check(st == 0xC0000022, 'without FILE_READ_EA: STATUS_ACCESS_DENIED', name_of(st))
close(fid)

# A hostile EA buffer fails the CREATE before any file is made.
for label, chain in (('cut', full_chain([(b'a', b'b')])[:-1]),
                     ('looping offset', struct.pack('<IBBH', 0xFFFFFFFC, 0, 1, 1) + b'a\0b'),
                     ('bad name', full_chain([(b'a:b', b'c')]))):
    st, fid = create('hostile.txt', [ext_a(chain)])
    check(st in (0x80000013, 0x80000014) and not os.path.exists(os.path.join(share_dir, 'hostile.txt')),
          'create with a %s EA buffer: %s, no file' % (label, name_of(st)), name_of(st))
    if fid is not None:
        close(fid)

# The file system says it has EAs; a listing reports each file's EaSize.
st, fid = create('', access=0x80 | 0x1 | 0x100000, disposition=s3.FILE_OPEN, options=1)
st, efid = create('ea1.txt', access=0x80 | 0x100000, disposition=s3.FILE_OPEN)
_, data = query(efid, FileEaInformation)
close(efid)
want = struct.unpack('<I', data)[0]
for cls in (2, 3, 37, 38):  # Full, Both, IdBoth, IdFull DirectoryInformation
    # (impacket sends no SL_RESTART_SCAN: a new open for each listing)
    _, dfid = create('', access=0x80 | 0x1 | 0x100000, disposition=s3.FILE_OPEN, options=1)
    listing = smb.queryDirectory(tid, dfid, 'ea1.txt', informationClass=cls)
    close(dfid)
    got = struct.unpack_from('<I', listing, 64)[0]
    check(want > 0 and got == want, 'directory class %d: EaSize as FileEaInformation' % cls,
          'got %d, want %d' % (got, want))
st, data = query(fid, 5, info_type=2)  # FileFsAttributeInformation
check(st == 0 and struct.unpack_from('<I', data)[0] & 0x00800000,
      'FILE_SUPPORTS_EXTENDED_ATTRIBUTES', name_of(st))
close(fid)
conn.logoff()
print('DONE', flush=True)
