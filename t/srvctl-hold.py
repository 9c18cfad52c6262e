#!/usr/bin/python3
# A client that holds a session open while a test looks at the server's live
# state (t/srvctl-live.t, t/lwadmin-session.t). Not a test itself.
#
#   srvctl-hold.py PORT PASSWORD DIALECT DIR
#
# Logs on as alice (DIALECT: 2.0.2, 2.1, 3.0 or default), connects the share
# "test", creates the file hello-PID.txt on it and keeps it open, then writes
# "open ok" (or "open failed STATUS") and "ready" to DIR/out. After that, each
# time a file DIR/probe-N appears (N = 1, 2, ...), it makes a request on the
# session (a tree connect to IPC$ and its disconnect), one on the "test" tree
# connect (a CREATE and CLOSE of another file) and one on the open file (a
# WRITE), and appends "probe-N session|tree|file ok|failed STATUS" to DIR/out,
# file last. It exits when DIR/quit appears, or after 90 seconds.
import os
import sys
import time

from impacket import smb3structs
from impacket.smbconnection import SMBConnection

port, password, dialect, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
DIALECTS = {
    '2.0.2': smb3structs.SMB2_DIALECT_002,
    '2.1': smb3structs.SMB2_DIALECT_21,
    '3.0': smb3structs.SMB2_DIALECT_30,
    'default': None,
}


def say(line):
    with open(os.path.join(work, 'out'), 'a') as f:
        f.write(line + '\n')


def status_of(e):
    try:
        from impacket.nt_errors import ERROR_MESSAGES
        code = e.getErrorCode()
        return ERROR_MESSAGES.get(code, ('0x%08x' % code,))[0]
    except Exception:
        return type(e).__name__


try:
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, timeout=10,
                      preferredDialect=DIALECTS[dialect])
    c.login('alice', password)
    tid = c.connectTree('test')
except Exception as e:
    say('error ' + str(e))
    sys.exit(1)
fid = None
try:
    fid = c.createFile(tid, 'hello-%d.txt' % os.getpid())
    say('open ok')
except Exception as e:
    say('open failed ' + status_of(e))
say('ready')

deadline = time.time() + 90
n = 1
while time.time() < deadline and not os.path.exists(os.path.join(work, 'quit')):
    if not os.path.exists(os.path.join(work, 'probe-%d' % n)):
        time.sleep(0.05)
        continue
    try:
        # Connected and disconnected each time: impacket answers a second
        # connect of the same share from its cache, without a request.
        c.disconnectTree(c.connectTree('IPC$'))
        say('probe-%d session ok' % n)
    except Exception as e:
        say('probe-%d session failed %s' % (n, status_of(e)))
    try:
        c.closeFile(tid, c.createFile(tid, 'probe-%d-%d.txt' % (os.getpid(), n)))
        say('probe-%d tree ok' % n)
    except Exception as e:
        say('probe-%d tree failed %s' % (n, status_of(e)))
    try:
        if fid is None:
            raise Exception('no file')
        c.writeFile(tid, fid, b'probe', 0)
        say('probe-%d file ok' % n)
    except Exception as e:
        say('probe-%d file failed %s' % (n, status_of(e)))
    n += 1
