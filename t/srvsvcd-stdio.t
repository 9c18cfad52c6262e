#!/usr/bin/python3
# srvsvcd's own back end (share-db and the registry's settings) through
# impacket: `srvsvcd --db DB --stdio` serves one association on its standard
# input and output. Changes made in one process are seen by the next.
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile

from impacket.dcerpc.v5 import srvs, transport
from impacket.dcerpc.v5.dtypes import NULL
from impacket.dcerpc.v5.rpcrt import DCERPC_v5, DCERPCException

SRVSVCD = os.path.join(os.environ['SW_BUILD'], 'bin', 'srvsvcd')
signal.alarm(60)
scratch = tempfile.mkdtemp(prefix='sw-srvsvcd-stdio.')
DB = os.path.join(scratch, 'registry.db')
SHARE_DIR = os.path.join(scratch, 'data')
os.mkdir(SHARE_DIR)

n = 0
failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print(('ok' if cond else 'not ok') + ' %d - %s' % (n, name))
    if not cond:
        failed += 1
        if diag is not None:
            print('# ' + str(diag).replace('\n', '\n# '))


class Stdio(transport.DCERPCTransport):
    def __init__(self):
        transport.DCERPCTransport.__init__(self, 'stdio', 0)
        self.proc = None

    def connect(self):
        self.proc = subprocess.Popen([SRVSVCD, '--db', DB, '--stdio'], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        return 1

    def send(self, data, forceWriteAndx=0, forceRecv=0):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def read(self, count):
        out = b''
        while len(out) < count:
            ready, _, _ = select.select([self.proc.stdout], [], [], 10)
            if not ready:
                raise Exception('timeout waiting for srvsvcd')
            chunk = self.proc.stdout.read1(count - len(out))
            if not chunk:
                raise EOFError('srvsvcd closed the association')
            out += chunk
        return out

    def recv(self, forceRecv=0, count=0):
        if count:
            return self.read(count)
        header = self.read(16)
        return header + self.read(struct.unpack('<H', header[8:10])[0] - 16)

    def disconnect(self):
        self.proc.stdin.close()
        try:
            rc = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        return rc

    def get_socket(self):
        return None


def session():
    t = Stdio()
    dce = DCERPC_v5(t)
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)
    return dce, t


def s(value):
    return value[:-1] if isinstance(value, str) and value.endswith('\x00') else value


def code(fn):
    try:
        fn()
    except (srvs.DCERPCSessionError, DCERPCException) as e:
        return e.get_error_code()
    return 0


try:
    dce, t = session()
    r = srvs.hNetrShareEnum(dce, 2)
    shares = r['InfoStruct']['ShareInfo']['Level2']['Buffer']
    ok(len(shares) == 1 and s(shares[0]['shi2_netname']) == 'IPC$' and shares[0]['shi2_type'] == 0x80000003
       and s(shares[0]['shi2_path']) == '', 'a fresh registry has IPC$ only')
    r = srvs.hNetrServerGetInfo(dce, 101)
    ok(s(r['InfoStruct']['ServerInfo101']['sv101_comment']) == 'Samewise', 'the comment comes from srv.server-comment')

    info = srvs.SHARE_INFO_502()
    info['shi502_netname'] = 'Projects\x00'
    info['shi502_type'] = 0
    info['shi502_remark'] = 'team projects\x00'
    info['shi502_permissions'] = 0
    info['shi502_max_uses'] = 10
    info['shi502_current_uses'] = 0
    info['shi502_path'] = 'C:' + SHARE_DIR.replace('/', '\\') + '\x00'
    info['shi502_passwd'] = NULL
    info['shi502_reserved'] = 0
    info['shi502_security_descriptor'] = NULL
    ok(srvs.hNetrShareAdd(dce, 502, info)['ErrorCode'] == 0, 'NetrShareAdd 502 into share-db')
    info['shi502_netname'] = 'CON\x00'
    ok(code(lambda: srvs.hNetrShareAdd(dce, 502, info)) == 123, 'a reserved name (share-db rules): ERROR_INVALID_NAME')
    info['shi502_netname'] = 'other\x00'
    info['shi502_path'] = 'C:\\no\\such\\dir\x00'
    ok(code(lambda: srvs.hNetrShareAdd(dce, 502, info)) == 2116, 'a missing directory: NERR_UnknownDevDir')
    i1005 = srvs.SHARE_INFO_1005()
    i1005['shi1005_flags'] = 0x800
    ok(srvs.hNetrShareSetInfo(dce, 'projects', 1005, i1005)['ErrorCode'] == 0, 'NetrShareSetInfo 1005')
    ok(t.disconnect() == 0, 'srvsvcd --stdio exits 0 at end of input')

    dce, t = session()
    r = srvs.hNetrShareGetInfo(dce, 'PROJECTS', 502)
    e = r['InfoStruct']['ShareInfo502']
    ok(s(e['shi502_netname']) == 'Projects' and s(e['shi502_remark']) == 'team projects' and e['shi502_max_uses'] == 10
       and e['shi502_reserved'] > 20, 'the next process sees the share, with share-db\'s default descriptor')
    ok(srvs.hNetrShareGetInfo(dce, 'projects', 1005)['InfoStruct']['ShareInfo1005']['shi1005_flags'] == 0x800,
       'and its access-based enumeration flag')
    ok(code(lambda: srvs.hNetrShareDel(dce, 'IPC$')) == 5, 'IPC$ cannot be deleted')
    ok(srvs.hNetrShareDel(dce, 'projects')['ErrorCode'] == 0 and
       code(lambda: srvs.hNetrShareGetInfo(dce, 'projects', 0)) == 2310, 'NetrShareDel')
    t.disconnect()
finally:
    shutil.rmtree(scratch, ignore_errors=True)

print('1..%d' % n)
sys.exit(1 if failed else 0)
