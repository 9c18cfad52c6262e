#!/usr/bin/python3
# A client that holds a session while an RPC test looks at the server's live
# state (t/rpc-rpcclient.t, t/rpc-impacket.t). Not a test itself.
#
#   rpc-hold.py PORT USER PASSWORD DIR SHARE [SHARE2]
#
# Logs on, connects SHARE (and SHARE2 if given), creates held.txt on SHARE
# and keeps it open, then writes "ready" to DIR/out (or "error WHY"). Each
# time a file DIR/probe-N appears (N = 1, 2, ...), it reads the open file and
# opens SHARE2's readme.txt through its existing tree connect, and appends
# "probe-N file ok|STATUS" and "probe-N share2 ok|STATUS" to DIR/out. It
# exits when DIR/quit appears, or after 60 seconds.
import os
import sys
import time

from impacket.nt_errors import ERROR_MESSAGES
from impacket.smb3structs import FILE_READ_DATA
from impacket.smbconnection import SMBConnection

port, user, password, work, share = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
share2 = sys.argv[6] if len(sys.argv) > 6 else None


def say(line):
    with open(os.path.join(work, 'out'), 'a') as f:
        f.write(line + '\n')


def status_of(e):
    try:
        code = e.getErrorCode()
        return ERROR_MESSAGES.get(code, ('0x%08x' % code,))[0]
    except Exception:
        return type(e).__name__


try:
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, timeout=10)
    c.login(user, password)
    tid = c.connectTree(share)
    tid2 = c.connectTree(share2) if share2 else None
    fid = c.createFile(tid, 'held.txt')
    c.writeFile(tid, fid, b'held open by rpc-hold.py\n', 0)
except Exception as e:
    say('error %s' % status_of(e))
    sys.exit(1)
say('ready')


def attempt(fn):
    try:
        fn()
        return 'ok'
    except Exception as e:
        return status_of(e)


def probe_share2():
    c.closeFile(tid2, c.openFile(tid2, 'readme.txt', desiredAccess=FILE_READ_DATA))


deadline = time.time() + 60
n = 1
while time.time() < deadline and not os.path.exists(os.path.join(work, 'quit')):
    if not os.path.exists(os.path.join(work, 'probe-%d' % n)):
        time.sleep(0.05)
        continue
    say('probe-%d file %s' % (n, attempt(lambda: c.readFile(tid, fid, 0, 10))))
    if tid2 is not None:
        say('probe-%d share2 %s' % (n, attempt(probe_share2)))
    say('probe-%d done' % n)
    n += 1
