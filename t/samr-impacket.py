#!/usr/bin/python3
# impacket's samr client against the appliance (run by t/samr-rpcclient.t
# with: PORT ADMIN ADMIN_PASSWORD USER USER_PASSWORD): connect, domains,
# enumeration, lookups, a user created, given a password at level 25 (RC4
# with MD5(salt || session key)), enabled, then changing it himself with
# SamrUnicodeChangePasswordUser2; the level-18 NT hash; an ordinary user's
# refusals. Prints TAP lines without a plan (the shell test counts them).
# The new user eve is left for the shell test to log on with and delete.
import os
import signal
import sys

from impacket.dcerpc.v5 import samr
from impacket.dcerpc.v5.rpcrt import DCERPCException

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import samr_tap  # noqa: E402
from samr_tap import Tap, status_of  # noqa: E402

signal.alarm(120)
PORT, ADMIN, ADMIN_PW, USER, USER_PW = sys.argv[1:6]
EVE_PW1, EVE_PW2 = 'Eve-first-Pw-1', 'Eve-second-Pw-2'
tap = Tap('impacket')
ok = tap.ok


def connect(user, password):
    return samr_tap.connect(PORT, user, password)


def account_domain(dce):
    server = samr.hSamrConnect(dce)['ServerHandle']
    domains = samr.hSamrEnumerateDomainsInSamServer(dce, server)['Buffer']['Buffer']
    names = [d['Name'] for d in domains]
    name = [x for x in names if x != 'Builtin'][0]
    sid = samr.hSamrLookupDomainInSamServer(dce, server, name)['DomainId']
    return server, names, samr.hSamrOpenDomain(dce, server, domainId=sid)['DomainHandle']


dce = connect(ADMIN, ADMIN_PW)
server, names, domain = account_domain(dce)
ok('Builtin' in names and len(names) == 2, 'hSamrConnect, EnumerateDomains: account domain and Builtin', names)
users = samr.hSamrEnumerateUsersInDomain(dce, domain)['Buffer']['Buffer']
ok(sorted(u['Name'] for u in users) == sorted([ADMIN, USER]), 'hSamrEnumerateUsersInDomain', users)
r = samr.hSamrLookupNamesInDomain(dce, domain, [USER])
rid = r['RelativeIds']['Element'][0]['Data']
ok(rid == 1000 and r['Use']['Element'][0]['Data'] == 1, 'hSamrLookupNamesInDomain %s: rid 1000, a user' % USER)
info = samr.hSamrQueryInformationDomain2(dce, domain)['Buffer']['General2']
ok(info['I1']['UserCount'] == 2, 'hSamrQueryInformationDomain2 General2: two users')
user = samr.hSamrOpenUser(dce, domain, userId=rid)['UserHandle']
all_info = samr.hSamrQueryInformationUser2(dce, user, samr.USER_INFORMATION_CLASS.UserAllInformation)['Buffer']['All']
ok(all_info['UserName'] == USER and all_info['PrimaryGroupId'] == 513, 'hSamrQueryInformationUser2 level 21')
samr.hSamrCloseHandle(dce, user)

r = samr.hSamrCreateUser2InDomain(dce, domain, 'eve', desiredAccess=samr.MAXIMUM_ALLOWED)
eve = r['UserHandle']
ok(r['RelativeId'] > 1001, 'hSamrCreateUser2InDomain eve (rid %d)' % r['RelativeId'])
try:
    samr.hSamrSetPasswordInternal4New(dce, eve, EVE_PW1)
    ok(True, 'hSamrSetInformationUser2 level 25: a password, expired (must change)')
except DCERPCException as e:
    ok(False, 'hSamrSetInformationUser2 level 25', e)
buf = samr.SAMPR_USER_INFO_BUFFER()
buf['tag'] = samr.USER_INFORMATION_CLASS.UserControlInformation
buf['Control']['UserAccountControl'] = samr.USER_NORMAL_ACCOUNT
ok(status_of(lambda: samr.hSamrSetInformationUser2(dce, eve, buf)) == 0, 'hSamrSetInformationUser2 level 16: enabled')
control = samr.hSamrQueryInformationUser2(dce, eve, samr.USER_INFORMATION_CLASS.UserControlInformation)
ok(control['Buffer']['Control']['UserAccountControl'] & 0x20001 == 0x20000,
   '... enabled, and its password expired as asked', control['Buffer']['Control']['UserAccountControl'])
ok(status_of(lambda: samr.hSamrUnicodeChangePasswordUser2(dce, '\x00', 'eve', 'not-it', EVE_PW2))
   == 0xC000006A, 'hSamrUnicodeChangePasswordUser2 with a wrong old password: STATUS_WRONG_PASSWORD')
ok(status_of(lambda: samr.hSamrUnicodeChangePasswordUser2(dce, '\x00', 'eve', EVE_PW1, EVE_PW2)) == 0,
   'hSamrUnicodeChangePasswordUser2: eve changes her expired password')
ok(status_of(lambda: samr.hSamrSetNTInternal1(dce, eve, EVE_PW2)) == 0,
   'hSamrSetInformationUser level 18: the NT hash (same password) set again')

# A user disabled over samr is logged off: srv re-checks its sessions'
# accounts when the registry changes.
from impacket.smbconnection import SMBConnection
import time
smb = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=int(PORT))
smb.login('eve', EVE_PW2)
ok(len(smb.listShares()) > 0, 'eve holds an SMB session')
buf['Control']['UserAccountControl'] = samr.USER_NORMAL_ACCOUNT | samr.USER_ACCOUNT_DISABLED
ok(status_of(lambda: samr.hSamrSetInformationUser2(dce, eve, buf)) == 0, 'level 16: eve disabled')
gone = False
for _ in range(50):
    try:
        smb.listShares()
        time.sleep(0.2)
    except Exception:
        gone = True
        break
ok(gone, "... and her session is logged off")
buf['Control']['UserAccountControl'] = samr.USER_NORMAL_ACCOUNT
ok(status_of(lambda: samr.hSamrSetInformationUser2(dce, eve, buf)) == 0, 'level 16: eve enabled again')

# An expiry in the past (MMC's "Account expires") refuses her logon.
exp = samr.SAMPR_USER_INFO_BUFFER()
exp['tag'] = samr.USER_INFORMATION_CLASS.UserExpiresInformation
exp['Expires']['AccountExpires']['LowPart'] = 0x00000001
exp['Expires']['AccountExpires']['HighPart'] = 0x01D00000  # about 2015
ok(status_of(lambda: samr.hSamrSetInformationUser2(dce, eve, exp)) == 0, 'level 17: an expiry in the past')
try:
    SMBConnection('127.0.0.1', '127.0.0.1', sess_port=int(PORT)).login('eve', EVE_PW2)
    ok(False, '... and eve cannot log on')
except Exception as e:
    ok('STATUS_ACCOUNT_EXPIRED' in str(e), '... and eve cannot log on (STATUS_ACCOUNT_EXPIRED)', e)
exp['Expires']['AccountExpires']['LowPart'] = 0xFFFFFFFF
exp['Expires']['AccountExpires']['HighPart'] = 0x7FFFFFFF
ok(status_of(lambda: samr.hSamrSetInformationUser2(dce, eve, exp)) == 0, 'level 17: never expires again')
# Left for the shell test: a new password that must be changed at the next
# logon (smbpasswd -r then changes it on an anonymous pipe).
ok(status_of(lambda: samr.hSamrSetPasswordInternal4New(dce, eve, 'Eve-third-Pw-3')) == 0,
   'level 25: eve must change her password at the next logon')
samr.hSamrCloseHandle(dce, eve)

dce2 = connect(USER, USER_PW)
server2, _, domain2 = account_domain(dce2)
ok(status_of(lambda: samr.hSamrCreateUser2InDomain(dce2, domain2, 'mallory', desiredAccess=samr.MAXIMUM_ALLOWED))
   == 0xC0000022, 'an ordinary user: hSamrCreateUser2InDomain is STATUS_ACCESS_DENIED')
ok(status_of(lambda: samr.hSamrOpenUser(dce2, domain2, desiredAccess=samr.DELETE, userId=1001)) == 0xC0000022,
   '... and so is opening another user for DELETE')
ok(status_of(lambda: samr.hSamrCreateAliasInDomain(dce2, domain2, 'mallorys')) == 0xC0000022,
   '... and creating an alias')
dce2.disconnect()
dce.disconnect()
