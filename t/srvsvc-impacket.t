#!/usr/bin/python3
# srvsvc and wkssvc against a real client implementation: impacket builds the
# bind and request PDUs and parses every response, while the C server
# (t/srvsvc-stdio.t --serve ROLE: the dcerpc runtime over stdin/stdout with
# an in-memory back end) answers. Where impacket and [MS-SRVS]/[MS-WKST]
# disagree, the spec decides and the test says so (see FIXED_* below).
import os
import select
import signal
import struct
import subprocess
import sys

from impacket.dcerpc.v5 import srvs, transport, wkst
from impacket.dcerpc.v5.dtypes import LPBYTE, NULL, ULONG, LPULONG
from impacket.dcerpc.v5.ndr import NDRCALL, NDRPOINTER, NDRSTRUCT
from impacket.dcerpc.v5.rpcrt import DCERPC_v5, DCERPCException

SERVER = os.path.join(os.environ['SW_BUILD'], 't', 'srvsvc-stdio.t')
signal.alarm(60)  # the whole test, whatever hangs

n = 0
failed = 0


def ok(cond, name, diag=None):
    global n, failed
    n += 1
    print(('ok' if cond else 'not ok') + ' %d - %s' % (n, name))
    if not cond:
        failed += 1
        if diag is not None:
            for line in str(diag).splitlines():
                print('# ' + line)
    return cond


class Stdio(transport.DCERPCTransport):
    """ncacn over the server process's stdin/stdout (one association)."""

    def __init__(self, role):
        transport.DCERPCTransport.__init__(self, 'stdio', 0)
        self.role = role
        self.proc = None

    def connect(self):
        self.proc = subprocess.Popen([SERVER, '--serve', self.role], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        return 1

    def send(self, data, forceWriteAndx=0, forceRecv=0):
        if self._max_send_frag:  # deliberately split writes too
            for i in range(0, len(data), self._max_send_frag):
                self.proc.stdin.write(data[i:i + self._max_send_frag])
                self.proc.stdin.flush()
        else:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def read(self, count):
        out = b''
        while len(out) < count:
            ready, _, _ = select.select([self.proc.stdout], [], [], 10)
            if not ready:
                raise Exception('timeout waiting for the server')
            chunk = self.proc.stdout.read1(count - len(out))
            if not chunk:
                raise EOFError('server closed the association')
            out += chunk
        return out

    def recv(self, forceRecv=0, count=0):
        if count:
            return self.read(count)
        header = self.read(16)
        frag_len = struct.unpack('<H', header[8:10])[0]
        return header + self.read(frag_len - 16)

    def disconnect(self):
        if self.proc:
            self.proc.stdin.close()
            try:
                rc = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
            self.proc.stdout.close()
            self.proc = None
            return rc
        return 0

    def get_socket(self):
        return None


def connect(role='admin', iface=srvs.MSRPC_UUID_SRVS):
    t = Stdio(role)
    dce = DCERPC_v5(t)
    dce.connect()
    dce.bind(iface)
    return dce, t


def error_code(fn):
    try:
        fn()
    except srvs.DCERPCSessionError as e:
        return e.get_error_code()
    except wkst.DCERPCSessionError as e:
        return e.get_error_code()
    except DCERPCException as e:
        # impacket raises its generic exception for a result that is also an
        # RPC status value (ERROR_ACCESS_DENIED is rpc_s_access_denied).
        code = e.get_error_code()
        return code if code is not None else str(e)
    return 0


def s(value):
    """impacket strings carry their terminator."""
    return value[:-1] if isinstance(value, str) and value.endswith('\x00') else value


NERR_NetNameNotFound = 2310
NERR_DuplicateShare = 2118
NERR_UnknownDevDir = 2116
NERR_DeviceNotShared = 2311
NERR_ClientNameNotFound = 2312
NERR_FileIdNotFound = 2314
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_LEVEL = 124
ERROR_INVALID_NAME = 123
ERROR_MORE_DATA = 234

SD = bytes([0x01, 0x00, 0x00, 0x80, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0x01, 0x02, 0, 0, 0, 0, 0, 0x05, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0])


# [MS-SRVS] 2.2.4.31: shi1501_security_descriptor is a [size_is] pointer;
# impacket declares it an inline conformant array.
class FIXED_SHARE_INFO_1501(NDRSTRUCT):
    structure = (('shi1501_reserved', ULONG), ('shi1501_security_descriptor', LPBYTE))


class FIXED_LPSHARE_INFO_1501(NDRPOINTER):
    referent = (('Data', FIXED_SHARE_INFO_1501),)


# [MS-WKST] 3.2.4.3: ResumeHandle is [in, out, unique]; impacket's response
# reads it as a plain ULONG.
class FIXED_NetrWkstaUserEnumResponse(NDRCALL):
    structure = (('UserInfo', wkst.WKSTA_USER_ENUM_STRUCT), ('TotalEntries', ULONG),
                 ('ResumeHandle', LPULONG), ('ErrorCode', ULONG))


# [MS-SRVS] 3.1.4.18: the request ends with [in, out, unique] ParmErr;
# impacket's request leaves it out.
class FIXED_NetrServerSetInfo(NDRCALL):
    opnum = 22
    structure = (('ServerName', srvs.PSRVSVC_HANDLE), ('Level', srvs.DWORD), ('InfoStruct', srvs.SERVER_INFO),
                 ('ParmErr', LPULONG))


def share_names(resp, level):
    c = resp['InfoStruct']['ShareInfo']['Level%d' % level]
    key = 'shi%d_netname' % level
    return [s(e[key]) for e in c['Buffer']] if c['EntriesRead'] else []


# ---- Shares ----
dce, t = connect()
ok(True, 'impacket binds srvsvc')

for level in (0, 1, 2, 501, 502, 503):
    r = srvs.hNetrShareEnum(dce, level)
    names = share_names(r, level)
    ok(r['TotalEntries'] == 43 and len(names) == 43 and names[:3] == ['IPC$', 'data', 'C$'],
       'NetrShareEnum level %d: 43 shares, in order' % level, names[:4])

r = srvs.hNetrShareEnum(dce, 1)
ipc = r['InfoStruct']['ShareInfo']['Level1']['Buffer'][0]
ok(ipc['shi1_type'] == 0x80000003 and s(ipc['shi1_remark']) == 'Remote IPC', 'IPC$ is STYPE_IPC|STYPE_SPECIAL')
r = srvs.hNetrShareEnum(dce, 502)
data = r['InfoStruct']['ShareInfo']['Level502']['Buffer'][1]
ok(s(data['shi502_path']) == 'C:\\srv\\data' and data['shi502_reserved'] == len(SD) and
   b''.join(data['shi502_security_descriptor']) == SD, 'level 502 carries the path and security descriptor')
r = srvs.hNetrShareEnum(dce, 503)
ok(s(r['InfoStruct']['ShareInfo']['Level503']['Buffer'][1]['shi503_servername']) == '*', 'level 503 server name "*"')

# Paging: small preferred maximum length, resume handle honoured.
seen, resume, rounds, statuses = [], 0, 0, []
while rounds < 100:
    rounds += 1
    req = srvs.NetrShareEnum()
    req['ServerName'] = NULL
    req['PreferedMaximumLength'] = 300
    req['ResumeHandle'] = resume
    req['InfoStruct']['Level'] = 1
    req['InfoStruct']['ShareInfo']['tag'] = 1
    req['InfoStruct']['ShareInfo']['Level1']['Buffer'] = NULL
    r = dce.request(req, checkError=False)
    statuses.append(r['ErrorCode'])
    seen += share_names(r, 1)
    if r['ErrorCode'] != ERROR_MORE_DATA:
        break
    resume = r['ResumeHandle']
ok(statuses[-1] == 0 and all(x == ERROR_MORE_DATA for x in statuses[:-1]) and len(statuses) > 3,
   'paged enumeration: ERROR_MORE_DATA then success (%d rounds)' % len(statuses))
ok(len(seen) == 43 and len(set(seen)) == 43, 'every share exactly once across the pages')

r = srvs.hNetrShareEnumSticky(dce, 1)
names = share_names(r, 1)
ok('IPC$' not in names and 'C$' not in names and 'data' in names and len(names) == 41,
   'NetrShareEnumSticky leaves out the special shares')
ok(error_code(lambda: srvs.hNetrShareEnumSticky(dce, 501)) == ERROR_INVALID_LEVEL,
   'NetrShareEnumSticky refuses level 501')

for level in (0, 1, 2, 501, 502, 503, 1005):
    r = srvs.hNetrShareGetInfo(dce, 'DATA', level)
    info = r['InfoStruct']['ShareInfo%d' % level]
    if level == 1005:
        good = info['shi1005_flags'] == 0x800
    else:
        good = s(info['shi%d_netname' % level]) == 'data'
    ok(good and r['ErrorCode'] == 0, 'NetrShareGetInfo level %d (name case-insensitive)' % level)
ok(error_code(lambda: srvs.hNetrShareGetInfo(dce, 'nosuch', 1)) == NERR_NetNameNotFound,
   'NetrShareGetInfo of a missing share: NERR_NetNameNotFound')
ok(error_code(lambda: srvs.hNetrShareGetInfo(dce, 'data', 1004)) == ERROR_INVALID_LEVEL,
   'NetrShareGetInfo level 1004: ERROR_INVALID_LEVEL')

# Add, set, delete.
info = srvs.SHARE_INFO_2()
info['shi2_netname'] = 'newshare\x00'
info['shi2_type'] = 0
info['shi2_remark'] = 'made by impacket\x00'
info['shi2_permissions'] = 0
info['shi2_max_uses'] = 5
info['shi2_current_uses'] = 0
info['shi2_path'] = 'C:\\tmp\x00'
info['shi2_passwd'] = NULL
r = srvs.hNetrShareAdd(dce, 2, info)
ok(r['ErrorCode'] == 0, 'NetrShareAdd level 2')
r = srvs.hNetrShareGetInfo(dce, 'newshare', 2)
ok(s(r['InfoStruct']['ShareInfo2']['shi2_path']) == 'C:\\tmp' and r['InfoStruct']['ShareInfo2']['shi2_max_uses'] == 5,
   'the new share reads back')
ok(error_code(lambda: srvs.hNetrShareAdd(dce, 2, info)) == NERR_DuplicateShare, 'adding it again: NERR_DuplicateShare')
info['shi2_netname'] = 'other\x00'
info['shi2_path'] = 'C:\\does\\not\\exist\x00'
ok(error_code(lambda: srvs.hNetrShareAdd(dce, 2, info)) == NERR_UnknownDevDir, 'missing directory: NERR_UnknownDevDir')
info['shi2_netname'] = 'bad/name\x00'
info['shi2_path'] = 'C:\\tmp\x00'
ok(error_code(lambda: srvs.hNetrShareAdd(dce, 2, info)) == ERROR_INVALID_NAME, 'bad share name: ERROR_INVALID_NAME')

info502 = srvs.SHARE_INFO_502()
info502['shi502_netname'] = 'sdshare\x00'
info502['shi502_type'] = 0
info502['shi502_remark'] = '\x00'
info502['shi502_permissions'] = 0
info502['shi502_max_uses'] = 0xffffffff
info502['shi502_current_uses'] = 0
info502['shi502_path'] = 'C:\\tmp\x00'
info502['shi502_passwd'] = NULL
info502['shi502_reserved'] = len(SD)
info502['shi502_security_descriptor'] = list(SD)
r = srvs.hNetrShareAdd(dce, 502, info502)
r2 = srvs.hNetrShareGetInfo(dce, 'sdshare', 502)
ok(r['ErrorCode'] == 0 and b''.join(r2['InfoStruct']['ShareInfo502']['shi502_security_descriptor']) == SD,
   'NetrShareAdd level 502 keeps the security descriptor')

info503 = srvs.SHARE_INFO_503()
for k in ('netname', 'remark', 'path', 'servername'):
    info503['shi503_' + k] = {'netname': 'share503\x00', 'remark': 'x\x00', 'path': 'C:\\tmp\x00',
                              'servername': '*\x00'}[k]
info503['shi503_type'] = 0
info503['shi503_permissions'] = 0
info503['shi503_max_uses'] = 1
info503['shi503_current_uses'] = 0
info503['shi503_passwd'] = NULL
info503['shi503_reserved'] = 0
info503['shi503_security_descriptor'] = NULL
ok(srvs.hNetrShareAdd(dce, 503, info503)['ErrorCode'] == 0, 'NetrShareAdd level 503')

i1 = srvs.SHARE_INFO_1()
i1['shi1_netname'] = NULL
i1['shi1_type'] = 0
i1['shi1_remark'] = 'level one remark\x00'
srvs.hNetrShareSetInfo(dce, 'newshare', 1, i1)
r = srvs.hNetrShareGetInfo(dce, 'newshare', 1)
ok(s(r['InfoStruct']['ShareInfo1']['shi1_remark']) == 'level one remark', 'NetrShareSetInfo level 1 (remark)')
i1004 = srvs.SHARE_INFO_1004()
i1004['shi1004_remark'] = 'from 1004\x00'
srvs.hNetrShareSetInfo(dce, 'newshare', 1004, i1004)
i1005 = srvs.SHARE_INFO_1005()
i1005['shi1005_flags'] = 0x8000
srvs.hNetrShareSetInfo(dce, 'newshare', 1005, i1005)
i1006 = srvs.SHARE_INFO_1006()
i1006['shi1006_max_uses'] = 77
srvs.hNetrShareSetInfo(dce, 'newshare', 1006, i1006)
r = srvs.hNetrShareGetInfo(dce, 'newshare', 2)
r5 = srvs.hNetrShareGetInfo(dce, 'newshare', 1005)
ok(s(r['InfoStruct']['ShareInfo2']['shi2_remark']) == 'from 1004' and r['InfoStruct']['ShareInfo2']['shi2_max_uses'] == 77
   and r5['InfoStruct']['ShareInfo1005']['shi1005_flags'] == 0x8000, 'NetrShareSetInfo levels 1004, 1005, 1006')
info['shi2_netname'] = 'newshare\x00'
info['shi2_remark'] = 'level two\x00'
info['shi2_max_uses'] = 3
info['shi2_path'] = '::BLaH::\x00'  # ignored, as NetShareSetInfo ignores it (smbtorture sends this)
srvs.hNetrShareSetInfo(dce, 'newshare', 2, info)
r = srvs.hNetrShareGetInfo(dce, 'newshare', 2)
ok(s(r['InfoStruct']['ShareInfo2']['shi2_path']) == 'C:\\tmp' and r['InfoStruct']['ShareInfo2']['shi2_max_uses'] == 3
   and s(r['InfoStruct']['ShareInfo2']['shi2_remark']) == 'level two',
   'NetrShareSetInfo level 2: remark and max uses; the path is ignored')
info502['shi502_netname'] = 'newshare\x00'
srvs.hNetrShareSetInfo(dce, 'newshare', 502, info502)
r = srvs.hNetrShareGetInfo(dce, 'newshare', 502)
ok(b''.join(r['InfoStruct']['ShareInfo502']['shi502_security_descriptor']) == SD, 'NetrShareSetInfo level 502 (descriptor)')

# Level 1501 with the spec's layout (impacket's own class is inline).
req = srvs.NetrShareSetInfo()
req['ServerName'] = NULL
req['NetName'] = 'sdshare\x00'
req['Level'] = 1501
req['ShareInfo'].union[1501] = ('ShareInfo1501', FIXED_LPSHARE_INFO_1501)
req['ShareInfo']['tag'] = 1501
sd2 = SD[:-4] + bytes([0x21, 0x02, 0, 0])  # owner S-1-5-32-545
req['ShareInfo']['ShareInfo1501']['shi1501_reserved'] = len(sd2)
req['ShareInfo']['ShareInfo1501']['shi1501_security_descriptor'] = list(sd2)
req['ParmErr'] = NULL
r = dce.request(req, checkError=False)
r2 = srvs.hNetrShareGetInfo(dce, 'sdshare', 502)
ok(r['ErrorCode'] == 0 and b''.join(r2['InfoStruct']['ShareInfo502']['shi502_security_descriptor']) == sd2,
   'NetrShareSetInfo level 1501 replaces the descriptor')

ok(srvs.hNetrShareDel(dce, 'newshare')['ErrorCode'] == 0 and
   error_code(lambda: srvs.hNetrShareGetInfo(dce, 'newshare', 0)) == NERR_NetNameNotFound, 'NetrShareDel')
ok(srvs.hNetrShareDelSticky(dce, 'share503')['ErrorCode'] == 0, 'NetrShareDelSticky')
ok(error_code(lambda: srvs.hNetrShareDel(dce, 'newshare')) == NERR_NetNameNotFound, 'deleting twice: NERR_NetNameNotFound')

r = srvs.hNetrShareCheck(dce, 'C:')
ok(r['Type'] == 0, 'NetrShareCheck C: is a shared disk')
ok(error_code(lambda: srvs.hNetrShareCheck(dce, 'Q:')) == NERR_DeviceNotShared, 'NetrShareCheck Q: is not shared')

# ---- Server ----
r = srvs.hNetrServerGetInfo(dce, 100)
ok(s(r['InfoStruct']['ServerInfo100']['sv100_name']) == 'SAMEWISE', 'NetrServerGetInfo 100')
r = srvs.hNetrServerGetInfo(dce, 101)
ok(r['InfoStruct']['ServerInfo101']['sv101_version_major'] == 10 and r['InfoStruct']['ServerInfo101']['sv101_type'] & 2,
   'NetrServerGetInfo 101')
r = srvs.hNetrServerGetInfo(dce, 102)
ok(r['InfoStruct']['ServerInfo102']['sv102_disc'] == 15, 'NetrServerGetInfo 102')
req = FIXED_NetrServerSetInfo()
req['ServerName'] = NULL
req['ParmErr'] = NULL
req['Level'] = 1005
req['InfoStruct']['tag'] = 1005
req['InfoStruct']['ServerInfo1005']['sv1005_comment'] = 'renamed by rpc\x00'
dce.call(req.opnum, req)
r = srvs.NetrServerSetInfoResponse(dce.recv())
ok(r['ErrorCode'] == 0, 'NetrServerSetInfo 1005 (with the ParmErr pointer the spec has)')
r = srvs.hNetrServerGetInfo(dce, 101)
ok(s(r['InfoStruct']['ServerInfo101']['sv101_comment']) == 'renamed by rpc', 'NetrServerSetInfo 1005 (comment)')
r = srvs.hNetrRemoteTOD(dce)
tod = r['BufferPtr']
ok(tod['tod_year'] >= 2024 and 1 <= tod['tod_month'] <= 12 and tod['tod_elapsedt'] > 1700000000, 'NetrRemoteTOD')
ok(srvs.hNetprNameValidate(dce, 'goodshare\x00', srvs.NAMETYPE_SHARE)['ErrorCode'] == 0, 'NetprNameValidate: good share name')
ok(error_code(lambda: srvs.hNetprNameValidate(dce, 'bad*share\x00', srvs.NAMETYPE_SHARE)) == ERROR_INVALID_NAME,
   'NetprNameValidate: bad share name')

# ---- Sessions, connections, files ----
for level in (0, 1, 2, 10, 502):
    r = srvs.hNetrSessionEnum(dce, NULL, NULL, level)
    c = r['InfoStruct']['SessionInfo']['Level%d' % level]
    names = [s(e['sesi%d_cname' % level]) for e in c['Buffer']]
    ok(names == ['\\\\10.0.0.5', '\\\\10.0.0.6'], 'NetrSessionEnum level %d' % level, names)
r = srvs.hNetrSessionEnum(dce, '\\\\10.0.0.6\x00', NULL, 502)
e = r['InfoStruct']['SessionInfo']['Level502']['Buffer'][0]
ok(r['TotalEntries'] == 1 and s(e['sesi502_username']) == 'bob' and e['sesi502_user_flags'] == 1,
   'NetrSessionEnum filtered by client')
ok(error_code(lambda: srvs.hNetrSessionEnum(dce, '\\\\10.9.9.9\x00', NULL, 10)) == NERR_ClientNameNotFound,
   'NetrSessionEnum for an unknown client')
for level in (0, 1):
    r = srvs.hNetrConnectionEnum(dce, 'data\x00', level)
    c = r['InfoStruct']['ConnectInfo']['Level%d' % level]
    ok(c['EntriesRead'] == 1 and c['Buffer'][0]['coni%d_id' % level] == 11, 'NetrConnectionEnum level %d by share' % level)
r = srvs.hNetrConnectionEnum(dce, '\\\\10.0.0.5\x00', 1)
ok(s(r['InfoStruct']['ConnectInfo']['Level1']['Buffer'][0]['coni1_netname']) == 'data',
   'NetrConnectionEnum by client names the share')
for level in (2, 3):
    r = srvs.hNetrFileEnum(dce, NULL, NULL, level)
    c = r['InfoStruct']['FileInfo']['Level%d' % level]
    ok([e['fi%d_id' % level] for e in c['Buffer']] == [7, 9], 'NetrFileEnum level %d' % level)
r = srvs.hNetrFileEnum(dce, 'C:\\srv\\data\\rep\x00', NULL, 3)
ok(r['TotalEntries'] == 1, 'NetrFileEnum by base path')
r = srvs.hNetrFileGetInfo(dce, 7, 3)
ok(s(r['InfoStruct']['FileInfo3']['fi3_path_name']) == 'C:\\srv\\data\\report.txt' and
   r['InfoStruct']['FileInfo3']['fi3_num_locks'] == 1, 'NetrFileGetInfo level 3')
ok(srvs.hNetrFileClose(dce, 7)['ErrorCode'] == 0 and
   error_code(lambda: srvs.hNetrFileGetInfo(dce, 7, 2)) == NERR_FileIdNotFound, 'NetrFileClose')
ok(srvs.hNetrSessionDel(dce, '\\\\10.0.0.6\x00', NULL)['ErrorCode'] == 0 and
   srvs.hNetrSessionEnum(dce, NULL, NULL, 0)['TotalEntries'] == 1, 'NetrSessionDel')

# ---- Faults ----
class Opnum40(NDRCALL):
    opnum = 40
    structure = ()


ok('rng_error' in str(error_code(lambda: dce.request(Opnum40()))), 'an opnum not served: nca_s_op_rng_error')
ok(srvs.hNetrServerGetInfo(dce, 100)['ErrorCode'] == 0, 'the association goes on after a fault')

# Requests in small fragments, written in small pieces.
dce.set_max_fragment_size(64)
t.set_max_fragment_size(7)
r = srvs.hNetrShareGetInfo(dce, 'share07', 502)
ok(s(r['InfoStruct']['ShareInfo502']['shi502_netname']) == 'share07', 'a request in 64-byte fragments')
dce.set_max_fragment_size(0)
t.set_max_fragment_size(0)
ok(t.disconnect() == 0, 'the server exits cleanly at end of input')

# ---- Rights ----
dce, t = connect('user')
ok(len(share_names(srvs.hNetrShareEnum(dce, 1), 1)) == 43, 'a plain user lists shares at level 1')
ok(error_code(lambda: srvs.hNetrShareEnum(dce, 502)) == ERROR_ACCESS_DENIED, 'but not at level 502')
ok(error_code(lambda: srvs.hNetrShareDel(dce, 'data')) == ERROR_ACCESS_DENIED, 'nor delete a share')
ok(error_code(lambda: srvs.hNetrFileEnum(dce, NULL, NULL, 3)) == ERROR_ACCESS_DENIED, 'nor list open files')
t.disconnect()

# ---- NDR64 refused ----
t = Stdio('admin')
dce = DCERPC_v5(t)
dce.connect()
try:
    dce.bind(srvs.MSRPC_UUID_SRVS, transfer_syntax=('71710533-BEBA-4937-8319-B5DBEF9CCC36', '1.0'))
    ok(False, 'NDR64-only bind refused')
except DCERPCException as e:
    ok('transfer_syntaxes_not_supported' in str(e), 'NDR64-only bind refused', e)
t.disconnect()

# ---- wkssvc ----
dce, t = connect('admin', wkst.MSRPC_UUID_WKST)
r = wkst.hNetrWkstaGetInfo(dce, 100)
ok(s(r['WkstaInfo']['WkstaInfo100']['wki100_computername']) == 'SAMEWISE' and
   s(r['WkstaInfo']['WkstaInfo100']['wki100_langroup']) == 'WORKGROUP', 'NetrWkstaGetInfo 100')
r = wkst.hNetrWkstaGetInfo(dce, 101)
ok(r['WkstaInfo']['WkstaInfo101']['wki101_platform_id'] == 500, 'NetrWkstaGetInfo 101')
r = wkst.hNetrWkstaGetInfo(dce, 102)
ok(r['WkstaInfo']['WkstaInfo102']['wki102_logged_on_users'] == 2, 'NetrWkstaGetInfo 102')
for level in (0, 1):
    req = wkst.NetrWkstaUserEnum()
    req['ServerName'] = '\x00'
    req['UserInfo']['Level'] = level
    req['UserInfo']['WkstaUserInfo']['tag'] = level
    req['UserInfo']['WkstaUserInfo']['Level%d' % level]['Buffer'] = NULL
    req['PreferredMaximumLength'] = 0xffffffff
    req['ResumeHandle'] = 0
    dce.call(req.opnum, req)
    r = FIXED_NetrWkstaUserEnumResponse(dce.recv())
    c = r['UserInfo']['WkstaUserInfo']['Level%d' % level]
    names = [s(e['wkui%d_username' % level]) for e in c['Buffer']]
    want = ['SAMEWISE\\alice', 'bob'] if level == 0 else ['alice', 'bob']
    ok(r['ErrorCode'] == 0 and names == want, 'NetrWkstaUserEnum level %d' % level, names)
ok(t.disconnect() == 0, 'wkssvc server exits cleanly')

# ---- Malformed input: the process answers or closes, never crashes ----
def raw(data):
    p = subprocess.run([SERVER, '--serve', 'admin'], input=data, stdout=subprocess.PIPE, timeout=20)
    return p.returncode, p.stdout


def pdu(ptype, call_id, body, flags=3):
    return struct.pack('<BBBBIHHI', 5, 0, ptype, flags, 0x10, 16 + len(body), 0, call_id) + body


def pdus(data):
    out = []
    while len(data) >= 16:
        frag_len = struct.unpack('<H', data[8:10])[0]
        out.append(data[:frag_len])
        data = data[frag_len:]
    return out


srvsvc_syntax = bytes.fromhex('c84f324b7016d30112785a47bf6ee188') + struct.pack('<HH', 3, 0)
ndr20 = bytes.fromhex('045d888aeb1cc9119fe808002b104860') + struct.pack('<HH', 2, 0)
bind = pdu(11, 1, struct.pack('<HHIB3x', 4280, 4280, 0, 1) + struct.pack('<HBB', 0, 1, 0) + srvsvc_syntax + ndr20)
rc, out = raw(bind)
ok(rc == 0 and [p[2] for p in pdus(out)] == [12], 'hand-made bind gets a bind_ack')

# NetrShareEnum whose container claims 0x7fffffff entries, then ends.
stub = struct.pack('<IIIIIII', 0, 1, 1, 0x20000, 0x7fffffff, 0x20004, 0x7fffffff)
request = pdu(0, 2, struct.pack('<IHH', len(stub), 0, 15) + stub)
rc, out = raw(bind + request)
replies = pdus(out)
ok(rc == 0 and len(replies) == 2 and replies[1][2] == 3 and struct.unpack('<I', replies[1][24:28])[0] == 0x6f7,
   'a conformant array with a huge count: nca_s_fault_ndr', out.hex())

# Opnum 99 is beyond the interface.
rc, out = raw(bind + pdu(0, 3, struct.pack('<IHH', 0, 0, 99)))
replies = pdus(out)
ok(rc == 0 and len(replies) == 2 and replies[1][2] == 3 and struct.unpack('<I', replies[1][24:28])[0] == 0x1c010002,
   'an unknown opnum: nca_s_op_rng_error')

# A fragment whose length runs past the end of what is ever sent.
rc, out = raw(bind + request[:8] + struct.pack('<H', 1000) + request[10:])
ok(rc == 0 and [p[2] for p in pdus(out)] == [12], 'a fragment length beyond the data: no reply, clean exit')

rc, out = raw(b'\x05\x00\x0b\x03\x10\x00\x00\x00\xff\xff\x00\x00' + b'\x00' * 100)
ok(rc == 0 and out == b'', 'a bind longer than the server accepts: closed without reply')

print('1..%d' % n)
sys.exit(1 if failed else 0)
