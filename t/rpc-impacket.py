#!/usr/bin/python3
# The body of t/rpc-impacket.t (which starts the appliance and turns these
# lines into TAP): impacket's srvs and wkst modules over SMB against the
# running appliance. Prints "PASS name", "FAIL name" and "# diagnostics".
#
# Environment: APPLIANCE_PORT, BOB_PASSWORD, ALICE_PASSWORD, LWADMIN,
# SAMEWISE_DB, SMB_CONF, ALICE_AUTH, SHARE_DIR (a directory to share), T.
#
# The create-a-shared-folder sequence as Windows' "Shared Folders" does it:
# enumerate, validate the name, check it is free, add at level 502 with a
# security descriptor, read it back, change the comment; then smbclient in
# the new share and `lwadmin share show` with the same permissions; then the
# live state (sessions, tree connects, open files, NetrFileClose), a plain
# user's refusals, the deletion and the audit log; wkssvc; and the winreg
# answer that identifies the server (ProductType).
import json
import os
import signal
import struct
import subprocess
import sys

from impacket.dcerpc.v5 import rrp, srvs, transport, wkst
from impacket.dcerpc.v5.dtypes import LPULONG, NULL, ULONG
from impacket.dcerpc.v5.ndr import NDRCALL
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.smbconnection import SMBConnection

signal.alarm(60)
env = os.environ
PORT = int(env['APPLIANCE_PORT'])
LWADMIN = env['LWADMIN']

ERROR_ACCESS_DENIED = 5
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_NAME = 123
ERROR_INVALID_LEVEL = 124
NERR_NetNameNotFound = 2310
NERR_FileIdNotFound = 2314
SHARE_FILE_SD_PARMNUM = 501


def check(cond, name, diag=None):
    print(('PASS ' if cond else 'FAIL ') + name)
    if not cond and diag is not None:
        for line in str(diag).splitlines():
            print('# ' + line)
    sys.stdout.flush()
    return cond


def s(value):
    """impacket strings carry their terminator."""
    return value[:-1] if isinstance(value, str) and value.endswith('\x00') else value


def error_code(fn):
    try:
        fn()
    except DCERPCException as e:
        # impacket raises its generic exception for a result that is also an
        # RPC status (ERROR_ACCESS_DENIED is rpc_s_access_denied).
        code = e.get_error_code()
        return code if code is not None else str(e)
    return 0


def connect(user, password, pipe='srvsvc', iface=srvs.MSRPC_UUID_SRVS):
    t = transport.DCERPCTransportFactory(r'ncacn_np:127.0.0.1[\pipe\%s]' % pipe)
    t.set_dport(PORT)
    t.set_credentials(user, password)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(iface)
    return dce


def lwadmin(*args):
    p = subprocess.run([LWADMIN, '--json'] + list(args), capture_output=True, text=True, timeout=30)
    return json.loads(p.stdout) if p.returncode == 0 else None


def smbclient(auth, share, command):
    p = subprocess.run(['smbclient', '-s', env['SMB_CONF'], '-A', auth, '-p', str(PORT), '//127.0.0.1/' + share,
                        '-c', command], capture_output=True, text=True, timeout=60)
    return p.stdout + p.stderr


# ---- Security descriptors, built by hand ([MS-DTYP] 2.4.6) ----
def sid_bytes(text):
    parts = text.split('-')
    auth, subs = int(parts[2]), [int(x) for x in parts[3:]]
    return struct.pack('<BB', 1, len(subs)) + auth.to_bytes(6, 'big') + b''.join(struct.pack('<I', x) for x in subs)


def sid_text(data):
    count = data[1]
    auth = int.from_bytes(data[2:8], 'big')
    subs = struct.unpack('<%dI' % count, data[8:8 + 4 * count])
    return 'S-1-%d' % auth + ''.join('-%d' % x for x in subs), 8 + 4 * count


def make_sd(owner, group, aces):
    """aces: (type, sid, mask). Header, owner, group, then the DACL."""
    body = b''
    for ace_type, sid, mask in aces:
        sid_b = sid_bytes(sid)
        body += struct.pack('<BBHI', ace_type, 0, 8 + len(sid_b), mask) + sid_b
    dacl = struct.pack('<BBHHH', 2, 0, 8 + len(body), len(aces), 0) + body
    owner_b, group_b = sid_bytes(owner), sid_bytes(group)
    off_owner = 20
    off_group = off_owner + len(owner_b)
    off_dacl = off_group + len(group_b)
    header = struct.pack('<BBHIIII', 1, 0, 0x8004, off_owner, off_group, 0, off_dacl)
    return header + owner_b + group_b + dacl


def dacl_of(sd):
    """The (type, sid, mask) of a self-relative descriptor's DACL."""
    off_dacl = struct.unpack('<I', sd[16:20])[0]
    _, _, _, count, _ = struct.unpack('<BBHHH', sd[off_dacl:off_dacl + 8])
    pos, aces = off_dacl + 8, []
    for _ in range(count):
        ace_type, _, size, mask = struct.unpack('<BBHI', sd[pos:pos + 8])
        aces.append((ace_type, sid_text(sd[pos + 8:pos + size])[0], mask))
        pos += size
    return aces


alice_sid = lwadmin('user', 'show', 'alice')['sid']
bob_sid = lwadmin('user', 'show', 'bob')['sid']
EVERYONE, ADMINISTRATORS, SYSTEM = 'S-1-1-0', 'S-1-5-32-544', 'S-1-5-18'
READ, CHANGE, FULL = 0x001200a9, 0x001301bf, 0x001f01ff
NAME_TO_SID = {'alice': alice_sid, 'bob': bob_sid, 'Everyone': EVERYONE, 'Administrators': ADMINISTRATORS}
LEVEL_TO_MASK = {'read': READ, 'change': CHANGE, 'full': FULL}
SD = make_sd(ADMINISTRATORS, SYSTEM, [(0, alice_sid, CHANGE), (0, bob_sid, FULL), (0, EVERYONE, READ)])
share_dir = env['SHARE_DIR']
share_path = 'C:' + share_dir.replace('/', '\\')
audit_before = len(lwadmin('log'))

# ---- 1. Enumerate (bob, an administrator) ----
bob = connect('bob', env['BOB_PASSWORD'])
r = srvs.hNetrShareEnum(bob, 1)
names = [s(e['shi1_netname']) for e in r['InfoStruct']['ShareInfo']['Level1']['Buffer']]
check('IPC$' in names and 'test' in names and 'impshare' not in names, 'NetrShareEnum 1: IPC$ and test', names)
r = srvs.hNetrShareEnum(bob, 502)
test502 = [e for e in r['InfoStruct']['ShareInfo']['Level502']['Buffer'] if s(e['shi502_netname']) == 'test'][0]
check((0, alice_sid, FULL) in dacl_of(b''.join(test502['shi502_security_descriptor'])),
      "NetrShareEnum 502: test's descriptor grants alice full control")

# NetrServerDiskEnum ([MS-SRVS] 3.1.4.26): C:, then Windows' empty entry.
r = srvs.hNetrServerDiskEnum(bob, 0)
disks = [e['Disk'] for e in r['DiskInfoStruct']['Buffer']]
check(r['DiskInfoStruct']['EntriesRead'] == 2 and disks == ['C:\x00', '\x00'] and r['TotalEntries'] == 1,
      'NetrServerDiskEnum 0: C: and the empty terminating entry', (disks, r['TotalEntries']))
r = srvs.hNetrServerDiskEnum(bob, 0, resumeHandle=5, preferedMaximumLength=1)
check(r['DiskInfoStruct']['EntriesRead'] == 2, 'NetrServerDiskEnum ignores ResumeHandle and PreferedMaximumLength')
check(error_code(lambda: srvs.hNetrServerDiskEnum(bob, 1)) == ERROR_INVALID_LEVEL,
      'NetrServerDiskEnum 1: ERROR_INVALID_LEVEL')

# ---- 2. Validate the name, and check it is free ----
check(srvs.hNetprNameValidate(bob, 'impshare\x00', srvs.NAMETYPE_SHARE)['ErrorCode'] == 0,
      'NetprNameValidate: "impshare" is a good share name')
check(error_code(lambda: srvs.hNetprNameValidate(bob, 'imp:share\x00', srvs.NAMETYPE_SHARE)) == ERROR_INVALID_NAME,
      'NetprNameValidate: "imp:share" is not')
check(error_code(lambda: srvs.hNetrShareGetInfo(bob, 'impshare\x00', 0)) == NERR_NetNameNotFound,
      'NetrShareGetInfo: "impshare" is free')


# ---- 3. Add at level 502 with a security descriptor ----
def info502(name, sd, path=share_path):
    i = srvs.SHARE_INFO_502()
    i['shi502_netname'] = name + '\x00'
    i['shi502_type'] = srvs.STYPE_DISKTREE
    i['shi502_remark'] = 'made by impacket\x00'
    i['shi502_permissions'] = 0
    i['shi502_max_uses'] = 0xFFFFFFFF
    i['shi502_current_uses'] = 0
    i['shi502_path'] = path + '\x00'
    i['shi502_passwd'] = NULL
    i['shi502_reserved'] = len(sd)
    i['shi502_security_descriptor'] = list(sd)
    return i


# A descriptor that does not parse (its DACL claims more ACEs than it holds)
# is refused with ParmErr naming the descriptor, and stores nothing.
bad_sd = bytearray(SD)
bad_sd[struct.unpack('<I', SD[16:20])[0] + 4] = 9
req = srvs.NetrShareAdd()
req['ServerName'] = NULL
req['Level'] = 502
req['InfoStruct']['tag'] = 502
req['InfoStruct']['ShareInfo502'] = info502('badsd', bytes(bad_sd))
req['ParmErr'] = 0
r = bob.request(req, checkError=False)
check(r['ErrorCode'] == ERROR_INVALID_PARAMETER and r['ParmErr'] == SHARE_FILE_SD_PARMNUM,
      'NetrShareAdd 502 with a malformed descriptor: ERROR_INVALID_PARAMETER, ParmErr 501',
      (r['ErrorCode'], r['ParmErr']))
check(lwadmin('share', 'show', 'badsd') is None, '... and no share was made')

r = srvs.hNetrShareAdd(bob, 502, info502('impshare', SD))
check(r['ErrorCode'] == 0, 'NetrShareAdd 502 with a descriptor (alice change, bob full, Everyone read)')

# ---- 4. Get info ----
r = srvs.hNetrShareGetInfo(bob, 'impshare\x00', 502)['InfoStruct']['ShareInfo502']
got_sd = b''.join(r['shi502_security_descriptor'])
check(s(r['shi502_netname']) == 'impshare' and s(r['shi502_path']) == share_path and
      s(r['shi502_remark']) == 'made by impacket' and r['shi502_type'] == 0 and r['shi502_max_uses'] == 0xFFFFFFFF,
      'NetrShareGetInfo 502: name, path, remark, type, max uses', r)
check(got_sd == SD and r['shi502_reserved'] == len(SD), 'NetrShareGetInfo 502 returns the descriptor stored, byte for byte',
      got_sd.hex())

# ---- 5. Change the comment ----
i1004 = srvs.SHARE_INFO_1004()
i1004['shi1004_remark'] = 'changed by impacket\x00'
check(srvs.hNetrShareSetInfo(bob, 'impshare\x00', 1004, i1004)['ErrorCode'] == 0, 'NetrShareSetInfo 1004 (comment)')
r = srvs.hNetrShareGetInfo(bob, 'impshare\x00', 2)['InfoStruct']['ShareInfo2']
check(s(r['shi2_remark']) == 'changed by impacket', '... reads back')
r = srvs.hNetrShareGetInfo(bob, 'impshare\x00', 502)['InfoStruct']['ShareInfo502']
check(b''.join(r['shi502_security_descriptor']) == SD, '... and the descriptor is unchanged')

# ---- 6. smbclient in the new share, and lwadmin's view ----
out = smbclient(env['ALICE_AUTH'], 'impshare', 'put %s/upload.txt upload.txt; ls' % env['T'])
check('upload.txt' in out and 'NT_STATUS' not in out, 'smbclient: alice (change) writes into the new share', out)
check(os.path.exists(os.path.join(share_dir, 'upload.txt')), '... and the file is in the shared directory')
shown = lwadmin('share', 'show', 'impshare')
check(shown is not None and shown['path'] == share_dir and shown['comment'] == 'changed by impacket',
      'lwadmin share show: the same path and comment', shown)
grants = sorted(shown['permissions']) if shown else []
check(grants == ['Everyone:read', 'alice:change', 'bob:full'], 'lwadmin share show: the same principals and levels',
      grants)
as_aces = sorted((0, NAME_TO_SID[g.split(':')[0]], LEVEL_TO_MASK[g.split(':')[1]]) for g in grants
                 if g.split(':')[0] in NAME_TO_SID and g.split(':')[1] in LEVEL_TO_MASK)
check(as_aces == sorted(dacl_of(got_sd)), "... which are the RPC descriptor's ACEs", as_aces)

# ---- 7. A plain user: may enumerate, may not change anything ----
alice = connect('alice', env['ALICE_PASSWORD'])
r = srvs.hNetrShareEnum(alice, 1)
check('impshare' in [s(e['shi1_netname']) for e in r['InfoStruct']['ShareInfo']['Level1']['Buffer']],
      'alice may enumerate shares (level 1)')
audit_now = len(lwadmin('log'))
ok_rows = lambda rows: [e for e in rows if e.get('outcome', 'ok') == 'ok']
os.makedirs(os.path.join(env['T'], 'alices'), exist_ok=True)
check(error_code(lambda: srvs.hNetrShareAdd(alice, 502, info502('alices', SD, 'C:' + env['T'].replace('/', '\\') +
                                                                 '\\alices'))) == ERROR_ACCESS_DENIED,
      "alice's NetrShareAdd: ERROR_ACCESS_DENIED")
check(lwadmin('share', 'show', 'alices') is None and
      'alices' not in [s(e['shi1_netname']) for e in srvs.hNetrShareEnum(bob, 1)['InfoStruct']['ShareInfo']['Level1']['Buffer']],
      '... no share was made')
check(error_code(lambda: srvs.hNetrShareSetInfo(alice, 'impshare\x00', 1004, i1004)) == ERROR_ACCESS_DENIED,
      "alice's NetrShareSetInfo: ERROR_ACCESS_DENIED")
check(error_code(lambda: srvs.hNetrShareDel(alice, 'impshare\x00')) == ERROR_ACCESS_DENIED,
      "alice's NetrShareDel: ERROR_ACCESS_DENIED")
check(error_code(lambda: srvs.hNetrShareGetInfo(alice, 'impshare\x00', 502)) == ERROR_ACCESS_DENIED,
      "alice's NetrShareGetInfo 502: ERROR_ACCESS_DENIED")
check(error_code(lambda: srvs.hNetrServerDiskEnum(alice, 0)) == ERROR_ACCESS_DENIED,
      'alice may not enumerate disks')
check(error_code(lambda: srvs.hNetrFileEnum(alice, NULL, NULL, 3)) == ERROR_ACCESS_DENIED,
      "alice's NetrFileEnum: ERROR_ACCESS_DENIED")
refused = lwadmin('log')[audit_now:]
check(lwadmin('share', 'show', 'impshare')['comment'] == 'changed by impacket' and not ok_rows(refused),
      '... nothing changed, no change audited', refused)
check(any(e['user'] == 'alice' and e['via'] == 'rpc' and e['outcome'] == 'refused' and
          e['action'] == 'share.add' for e in refused),
      "... alice's refused NetrShareAdd is audited as refused", refused)

# ---- 8. Live state: sessions, tree connects, open files ----
r = srvs.hNetrSessionEnum(bob, NULL, NULL, 502)
sessions = [(s(e['sesi502_username']), s(e['sesi502_cname'])) for e in r['InfoStruct']['SessionInfo']['Level502']['Buffer']]
check(('alice', '\\\\127.0.0.1') in sessions and ('bob', '\\\\127.0.0.1') in sessions,
      'NetrSessionEnum 502: alice and bob from \\\\127.0.0.1', sessions)
r = srvs.hNetrSessionEnum(alice, NULL, NULL, 10)
check(len(r['InfoStruct']['SessionInfo']['Level10']['Buffer']) >= 2, 'alice may list sessions at level 10')
r = srvs.hNetrConnectionEnum(bob, 'IPC$\x00', 1)
users = sorted(s(e['coni1_username']) for e in r['InfoStruct']['ConnectInfo']['Level1']['Buffer'])
check('alice' in users and 'bob' in users, 'NetrConnectionEnum IPC$: both tree connects', users)
r = srvs.hNetrFileEnum(bob, NULL, 'alice\x00', 3)
files = r['InfoStruct']['FileInfo']['Level3']['Buffer']
pipes = [e for e in files if s(e['fi3_path_name']) == '\\PIPE\\srvsvc']
check(len(pipes) == 1 and s(pipes[0]['fi3_username']) == 'alice', "NetrFileEnum 3 (user alice): her \\PIPE\\srvsvc",
      [(e['fi3_id'], s(e['fi3_path_name'])) for e in files])
fid = pipes[0]['fi3_id'] if pipes else 0
r = srvs.hNetrFileGetInfo(bob, fid, 3)['InfoStruct']['FileInfo3']
check(s(r['fi3_path_name']) == '\\PIPE\\srvsvc' and s(r['fi3_username']) == 'alice', 'NetrFileGetInfo 3 of that id')
check(srvs.hNetrFileClose(bob, fid)['ErrorCode'] == 0, 'NetrFileClose of alice\'s pipe')
try:
    srvs.hNetrShareEnum(alice, 1)
    closed = False
except Exception:
    closed = True
check(closed, '... her next call on it fails')
check(error_code(lambda: srvs.hNetrFileGetInfo(bob, fid, 3)) == NERR_FileIdNotFound, '... and the id is gone')
check(error_code(lambda: srvs.hNetrFileClose(bob, fid)) == NERR_FileIdNotFound, 'closing it again: NERR_FileIdNotFound')

# Two SMB sessions of alice, each holding one file: each session's first
# FileId is the same small number, but NetrFileEnum's ids (and lwadmin's) are
# distinct, and NetrFileClose of one closes that open and not the other.
holders = []
for name in ('one.txt', 'two.txt'):
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=PORT)
    c.login('alice', env['ALICE_PASSWORD'])
    tid = c.connectTree('test')
    holders.append((name, c, tid, c.openFile(tid, name, desiredAccess=0x1)))  # FILE_READ_DATA
files = srvs.hNetrFileEnum(bob, NULL, 'alice\x00', 3)['InfoStruct']['FileInfo']['Level3']['Buffer']
ids = {s(e['fi3_path_name']).rsplit('\\', 1)[-1]: e['fi3_id'] for e in files}
check('one.txt' in ids and 'two.txt' in ids and ids['one.txt'] != ids['two.txt'],
      'NetrFileEnum: the files of two sessions have distinct ids', ids)
listed = [f['id'] for f in lwadmin('file', 'list') or [] if f['path'] in ('one.txt', 'two.txt')]
check(len(listed) == 2 and len(set(listed)) == 2, 'lwadmin file list: distinct ids too', listed)
check(srvs.hNetrFileClose(bob, ids.get('one.txt', 0))['ErrorCode'] == 0, 'NetrFileClose of one.txt')
results = []
for name, c, tid, fid in holders:
    try:
        results.append(c.readFile(tid, fid))
    except Exception as e:
        results.append('STATUS_FILE_CLOSED' if 'STATUS_FILE_CLOSED' in str(e) else str(e))
check(results == ['STATUS_FILE_CLOSED', b'two\n'],
      '... closes one.txt in its session; two.txt in the other session still reads', results)
for name, c, tid, fid in holders:
    c.logoff()

# ---- 9. Delete: live at once ----
check(srvs.hNetrShareDel(bob, 'impshare\x00')['ErrorCode'] == 0, 'NetrShareDel')
check(error_code(lambda: srvs.hNetrShareGetInfo(bob, 'impshare\x00', 0)) == NERR_NetNameNotFound,
      '... NetrShareGetInfo: NERR_NetNameNotFound')
check(lwadmin('share', 'show', 'impshare') is None, '... lwadmin no longer shows it')
out = smbclient(env['ALICE_AUTH'], 'impshare', 'ls')
check('NT_STATUS_BAD_NETWORK_NAME' in out, '... and a new tree connect gets NT_STATUS_BAD_NETWORK_NAME', out)

# ---- 10. The audit log ----
log = [(e['via'], e['user'], e['action'], e['object']) for e in ok_rows(lwadmin('log')[audit_before:])]
for action in ('share.add', 'share.set', 'share.delete'):
    check(('rpc', 'bob', action, 'impshare') in log, 'audit: %s impshare via rpc by bob' % action, log)
check(any(e[:3] == ('rpc', 'bob', 'file.close') for e in log), 'audit: file.close via rpc by bob')
check(not any(e[1] == 'alice' for e in log), 'audit: no change by alice')


# ---- 11. wkssvc ----
# [MS-WKST] 3.2.4.3: ResumeHandle is [in, out, unique]; impacket's response
# reads it as a plain ULONG.
class FixedNetrWkstaUserEnumResponse(NDRCALL):
    structure = (('UserInfo', wkst.WKSTA_USER_ENUM_STRUCT), ('TotalEntries', ULONG),
                 ('ResumeHandle', LPULONG), ('ErrorCode', ULONG))


wks = connect('bob', env['BOB_PASSWORD'], 'wkssvc', wkst.MSRPC_UUID_WKST)
for level in (100, 101, 102):
    r = wkst.hNetrWkstaGetInfo(wks, level)['WkstaInfo']['WkstaInfo%d' % level]
    check(r['wki%d_platform_id' % level] == 500 and s(r['wki%d_langroup' % level]) == 'WORKGROUP' and
          r['wki%d_ver_major' % level] == 10, 'NetrWkstaGetInfo %d' % level)
req = wkst.NetrWkstaUserEnum()
req['ServerName'] = NULL
req['UserInfo']['Level'] = 1
req['UserInfo']['WkstaUserInfo']['tag'] = 1
req['UserInfo']['WkstaUserInfo']['Level1']['Buffer'] = NULL
req['PreferredMaximumLength'] = 0xFFFFFFFF
req['ResumeHandle'] = NULL
wks.call(req.opnum, req)
r = FixedNetrWkstaUserEnumResponse(wks.recv())
users = [(s(e['wkui1_username']), s(e['wkui1_logon_domain'])) for e in r['UserInfo']['WkstaUserInfo']['Level1']['Buffer']]
check(r['ErrorCode'] == 0 and 'bob' in [u for u, _ in users], 'NetrWkstaUserEnum 1: bob is logged on', users)
alice_wks = connect('alice', env['ALICE_PASSWORD'], 'wkssvc', wkst.MSRPC_UUID_WKST)
check(error_code(lambda: wkst.hNetrWkstaGetInfo(alice_wks, 102)) == ERROR_ACCESS_DENIED,
      'NetrWkstaGetInfo 102 needs an administrator')
check(wkst.hNetrWkstaGetInfo(alice_wks, 100)['ErrorCode'] == 0, '... 100 does not')


# ---- 12. winreg: what identifies the server ----
reg = connect('bob', env['BOB_PASSWORD'], 'winreg', rrp.MSRPC_UUID_RRP)
hklm = rrp.hOpenLocalMachine(reg)['phKey']
key = rrp.hBaseRegOpenKey(reg, hklm, 'SYSTEM\\CurrentControlSet\\Control\\ProductOptions')['phkResult']
value_type, value = rrp.hBaseRegQueryValue(reg, key, 'ProductType')
check(value_type == rrp.REG_SZ and s(value) == 'ServerNT', 'winreg: ProductType is REG_SZ "ServerNT"', (value_type, value))
value_type, value = rrp.hBaseRegQueryValue(reg, key, 'ProductType', 4)
check(s(value) == 'ServerNT', '... also after ERROR_MORE_DATA with a 4-byte buffer')
check(rrp.hBaseRegGetVersion(reg, hklm)['lpdwVersion'] == 5, 'winreg: BaseRegGetVersion')
check(error_code(lambda: rrp.hBaseRegOpenKey(reg, hklm, 'SOFTWARE\\Microsoft')) == 2,
      'winreg: any other key is ERROR_FILE_NOT_FOUND')
check(rrp.hBaseRegCloseKey(reg, key)['ErrorCode'] == 0, 'winreg: BaseRegCloseKey')
alice_reg = connect('alice', env['ALICE_PASSWORD'], 'winreg', rrp.MSRPC_UUID_RRP)
check(error_code(lambda: rrp.hOpenLocalMachine(alice_reg)) == ERROR_ACCESS_DENIED,
      'winreg: a plain user is refused (ERROR_ACCESS_DENIED)')
