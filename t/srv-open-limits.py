#!/usr/bin/python3
# The body of t/srv-open-limits.t (which starts the appliance with
# srv.max-opens-per-session 200 and srv.max-opens-per-user 300): impacket
# sessions of alice open one file again and again until the server refuses
# with STATUS_TOO_MANY_OPENED_FILES, while bob (another user) opens and
# reads a file at the same time; closing some of alice's opens makes room.
# Prints "PASS name", "FAIL name" and "# diagnostics".
#
# Environment: APPLIANCE_PORT, ALICE_PASSWORD, BOB_PASSWORD, FILES (f0.txt ...
# f<FILES-1>.txt exist in the share).
import os
import signal

from impacket import smb3structs as smb2
from impacket.smbconnection import SMBConnection, SessionError

signal.alarm(600)
env = os.environ
PORT = int(env['APPLIANCE_PORT'])
PER_SESSION, PER_USER = 200, 300
FILES = int(env['FILES'])
STATUS_TOO_MANY_OPENED_FILES = 0xC000011F
FILE_READ_DATA, FILE_SHARE_ALL, FILE_OPEN, FILE_NON_DIRECTORY_FILE = 0x1, 0x7, 0x1, 0x40


def check(cond, name, diag=None):
    print(('PASS ' if cond else 'FAIL ') + name)
    if not cond and diag is not None:
        print('# %r' % (diag,))


def session(user, password):
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=PORT)
    c.login(user, password)
    return c, c.connectTree('test')


counter = [0]


def open_one(conn, tid, name=None):
    """The FileId, or the NTSTATUS of the refusal. Each open is of another
    file (impacket keeps one entry per name)."""
    if name is None:
        name = 'f%d.txt' % (counter[0] % FILES)
        counter[0] += 1
    try:
        return True, conn.openFile(tid, name, desiredAccess=FILE_READ_DATA, shareMode=FILE_SHARE_ALL,
                                   creationOption=FILE_NON_DIRECTORY_FILE, creationDisposition=FILE_OPEN)
    except SessionError as e:
        return False, e.getErrorCode()


def open_until_refused(conn, tid, most):
    """Opens until refused (at most `most` tries): (fids, status of the refusal or None)."""
    fids = []
    for _ in range(most):
        ok, v = open_one(conn, tid)
        if not ok:
            return fids, v
        fids.append(v)
    return fids, None


def bob_reads():
    ok, fid = open_one(bob, bob_tid, 'bob.txt')
    if not ok:
        return 'open: 0x%08x' % fid
    data = bob.readFile(bob_tid, fid)
    bob.closeFile(bob_tid, fid)
    return data


alice1, tid1 = session('alice', env['ALICE_PASSWORD'])
bob, bob_tid = session('bob', env['BOB_PASSWORD'])

fids1, refusal = open_until_refused(alice1, tid1, PER_SESSION + 50)
check(len(fids1) == PER_SESSION, 'alice opens %d files in one session' % PER_SESSION, len(fids1))
check(refusal == STATUS_TOO_MANY_OPENED_FILES,
      '... the next CREATE gets STATUS_TOO_MANY_OPENED_FILES (srv.max-opens-per-session)',
      refusal if refusal is None else hex(refusal))
check(bob_reads() == b'bob\n', 'meanwhile bob (another user) opens and reads a file')

alice2, tid2 = session('alice', env['ALICE_PASSWORD'])
fids2, refusal = open_until_refused(alice2, tid2, PER_USER)
check(len(fids2) == PER_USER - PER_SESSION,
      "alice's second session gets only the rest of her %d (srv.max-opens-per-user)" % PER_USER, len(fids2))
check(refusal == STATUS_TOO_MANY_OPENED_FILES, '... then STATUS_TOO_MANY_OPENED_FILES',
      refusal if refusal is None else hex(refusal))
check(bob_reads() == b'bob\n', 'bob still opens and reads a file')
bob2, bob2_tid = session('bob', env['BOB_PASSWORD'])
bob_fids, refusal = open_until_refused(bob2, bob2_tid, 20)
check(len(bob_fids) == 20 and refusal is None, 'bob holds 20 opens of his own while alice is at her limit',
      (len(bob_fids), refusal))

for fid in fids1[:10]:
    alice1.closeFile(tid1, fid)
more, refusal = open_until_refused(alice1, tid1, 50)
check(len(more) == 10 and refusal == STATUS_TOO_MANY_OPENED_FILES,
      'closing 10 of her opens lets alice open 10 more, and no more', (len(more), refusal))
for fid in fids2:
    alice2.closeFile(tid2, fid)
alice2.logoff()
more2, refusal = open_until_refused(alice1, tid1, 50)
check(len(more2) == 0 and refusal == STATUS_TOO_MANY_OPENED_FILES,
      "her other session's opens closed, the first is still at its own limit", (len(more2), refusal))
alice1.logoff()
alice3, tid3 = session('alice', env['ALICE_PASSWORD'])
fids3, refusal = open_until_refused(alice3, tid3, 5)
check(len(fids3) == 5, 'after a logoff her opens are released: a new session opens again', (len(fids3), refusal))
alice3.logoff()

# The attack: CREATEs pipelined, all sent before any answer is read.
# Each is charged when it arrives, before its file is opened, so no more than
# the limit succeed however many are in flight.
alice4, tid4 = session('alice', env['ALICE_PASSWORD'])
raw = alice4.getSMBServer()
for _ in range(4):
    raw.echo()  # each answer grants credits: enough for the burst below
BURST = PER_SESSION + 60
ids = []
for i in range(BURST):
    packet = raw.SMB_PACKET()
    packet['Command'] = smb2.SMB2_CREATE
    packet['TreeID'] = tid4
    req = smb2.SMB2Create()
    req['RequestedOplockLevel'] = smb2.SMB2_OPLOCK_LEVEL_NONE
    req['ImpersonationLevel'] = smb2.SMB2_IL_IMPERSONATION
    req['DesiredAccess'] = FILE_READ_DATA
    req['ShareAccess'] = FILE_SHARE_ALL
    req['CreateDisposition'] = FILE_OPEN
    req['CreateOptions'] = FILE_NON_DIRECTORY_FILE
    name = 'f%d.txt' % (i % FILES)
    req['NameLength'] = len(name) * 2
    req['Buffer'] = name.encode('utf-16le')
    req['CreateContextsOffset'] = 0
    req['CreateContextsLength'] = 0
    packet['Data'] = req
    ids.append(raw.sendSMB(packet))
statuses = [raw.recvSMB(i)['Status'] for i in ids]
opened = statuses.count(0)
refused = statuses.count(STATUS_TOO_MANY_OPENED_FILES)
check(opened == PER_SESSION and refused == BURST - PER_SESSION,
      '%d pipelined CREATEs: %d succeed, the rest get STATUS_TOO_MANY_OPENED_FILES' % (BURST, PER_SESSION),
      (opened, refused, sorted(set(statuses))))
check(bob_reads() == b'bob\n', 'bob opens and reads a file right after the burst')
alice4.logoff()
print('# done')
