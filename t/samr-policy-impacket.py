#!/usr/bin/python3
# impacket's hSamrSetInformationDomain against the appliance (run by
# t/samr-rpcclient.t with: PORT ADMIN ADMIN_PASSWORD USER USER_PASSWORD MODE).
# MODE set: the administrator sets the password policy (level 1: 12
# characters, history 4, maximum age 30 days, minimum 2, complexity) and the
# lockout policy (level 12: 45 minutes, window 20, threshold 7) and reads
# them back; the ordinary user is refused. MODE reset: back to no policy
# (lsass.* defaults but the lockout ones). MODE cannot-change: the
# administrator sets on the user the DACL MMC's "User cannot change
# password" writes (hSamrSetSecurityObject), the user's own change
# (hSamrUnicodeChangePasswordUser2) is refused with STATUS_ACCESS_DENIED;
# the deny taken out, it is accepted (and changed back). MODE hours-deny /
# hours-allow: the user's logon hours (level 4, 168 units) become every hour
# but the present one (UTC) / every hour, read back at level 4.
# MODE workstations LIST: his workstations list (level 14). Prints TAP
# lines without a plan.
import os
import signal
import struct
import sys
import time

from impacket.dcerpc.v5 import samr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import samr_tap  # noqa: E402
from samr_tap import Tap, status_of  # noqa: E402

signal.alarm(120)
PORT, ADMIN, ADMIN_PW, USER, USER_PW, MODE = sys.argv[1:7]
ARG = sys.argv[7] if len(sys.argv) > 7 else ''

DAY = 86400 * 10000000
MINUTE = 60 * 10000000
NEVER = -0x8000000000000000
tap = Tap('impacket policy')
ok = tap.ok


def connect(user, password):
    dce = samr_tap.connect(PORT, user, password)
    server = samr.hSamrConnect(dce)['ServerHandle']
    domains = samr.hSamrEnumerateDomainsInSamServer(dce, server)['Buffer']['Buffer']
    name = [d['Name'] for d in domains if d['Name'] != 'Builtin'][0]
    sid = samr.hSamrLookupDomainInSamServer(dce, server, name)['DomainId']
    return dce, samr.hSamrOpenDomain(dce, server, domainId=sid)['DomainHandle']


def split(value):
    # impacket's OLD_LARGE_INTEGER has a signed HighPart (LONG)
    return value & 0xFFFFFFFF, value >> 32


def password_buffer(length, history, props, max_age, min_age):
    b = samr.SAMPR_DOMAIN_INFO_BUFFER()
    b['tag'] = samr.DOMAIN_INFORMATION_CLASS.DomainPasswordInformation
    p = b['Password']
    p['MinPasswordLength'] = length
    p['PasswordHistoryLength'] = history
    p['PasswordProperties'] = props
    p['MaxPasswordAge']['LowPart'], p['MaxPasswordAge']['HighPart'] = split(max_age)
    p['MinPasswordAge']['LowPart'], p['MinPasswordAge']['HighPart'] = split(min_age)
    return b


def lockout_buffer(duration, window, threshold):
    b = samr.SAMPR_DOMAIN_INFO_BUFFER()
    b['tag'] = samr.DOMAIN_INFORMATION_CLASS.DomainLockoutInformation
    b['Lockout']['LockoutDuration'] = duration
    b['Lockout']['LockoutObservationWindow'] = window
    b['Lockout']['LockoutThreshold'] = threshold
    return b


def as_int(old_large):
    return (old_large['HighPart'] << 32) | old_large['LowPart']


def sid_bytes(text):
    parts = text.split('-')
    subs = [int(x) for x in parts[3:]]
    return struct.pack('<BB', 1, len(subs)) + int(parts[2]).to_bytes(6, 'big') + \
        b''.join(struct.pack('<I', x) for x in subs)


def ace(kind, mask, sid):
    body = struct.pack('<I', mask) + sid_bytes(sid)
    return struct.pack('<BBH', kind, 0, 4 + len(body)) + body


def dacl_descriptor(user_sid, deny):
    """A self-relative descriptor with a DACL only, as MMC writes it."""
    aces = []
    if deny:  # USER_CHANGE_PASSWORD denied to Everyone and SELF, first
        aces += [ace(1, 0x40, 'S-1-1-0'), ace(1, 0x40, 'S-1-5-10')]
    aces += [ace(0, 0x0002035B, 'S-1-1-0'), ace(0, 0x000F07FF, 'S-1-5-32-544'), ace(0, 0x00020044, user_sid)]
    body = b''.join(aces)
    acl = struct.pack('<BBHHH', 2, 0, 8 + len(body), len(aces), 0) + body
    sd = struct.pack('<BBHIIII', 1, 0, 0x8004, 0, 0, 0, 20) + acl
    b = samr.SAMPR_SR_SECURITY_DESCRIPTOR()
    b['Length'] = len(sd)
    b['SecurityDescriptor'] = sd
    return b


def own_change(old, new):
    d = samr_tap.connect(PORT, USER, old)  # logged on with the password he has
    st = status_of(lambda: samr.hSamrUnicodeChangePasswordUser2(d, '\x00', USER, old, new))
    d.disconnect()
    return st


def open_user(dce, domain):
    r = samr.hSamrLookupNamesInDomain(dce, domain, [USER])
    rid = r['RelativeIds']['Element'][0]['Data']
    return samr.hSamrOpenUser(dce, domain, userId=rid)['UserHandle']


dce, domain = connect(ADMIN, ADMIN_PW)
if MODE in ('hours-deny', 'hours-allow'):
    user = open_user(dce, domain)
    hours = bytearray(b'\xff' * 21)
    if MODE == 'hours-deny':
        # hour of the week in UTC from Sunday 00:00 (1970-01-01 was a Thursday)
        h = (int(time.time()) // 3600 + 4 * 24) % 168
        hours[h // 8] &= ~(1 << (h % 8)) & 0xFF
    b = samr.SAMPR_USER_INFO_BUFFER()
    b['tag'] = samr.USER_INFORMATION_CLASS.UserLogonHoursInformation
    b['LogonHours']['LogonHours']['UnitsPerWeek'] = 168
    b['LogonHours']['LogonHours']['LogonHours'] = list(hours)
    # The IDL's [size_is(1260)]: the conformance on the wire is 1260 (impacket
    # would send the data's length, which the server's NDR refuses).
    b['LogonHours']['LogonHours'].fields['LogonHours'].fields['Data'].fields['MaximumCount'] = 1260
    st = status_of(lambda: samr.hSamrSetInformationUser2(dce, user, b))
    ok(st == 0, 'hSamrSetInformationUser2 level 4: %s' % ('every hour but this one' if MODE == 'hours-deny'
                                                           else 'every hour'), st if isinstance(st, str) else hex(st))
    got = samr.hSamrQueryInformationUser2(dce, user, samr.USER_INFORMATION_CLASS.UserLogonHoursInformation)
    got = got['Buffer']['LogonHours']['LogonHours']
    got_hours = b''.join(got['LogonHours'])
    ok(got['UnitsPerWeek'] == 168 and got_hours == bytes(hours),
       'hSamrQueryInformationUser2 level 4 gives them back', got_hours.hex())
elif MODE == 'workstations':
    user = open_user(dce, domain)
    b = samr.SAMPR_USER_INFO_BUFFER()
    b['tag'] = samr.USER_INFORMATION_CLASS.UserWorkStationsInformation
    b['WorkStations']['WorkStations'] = ARG
    st = status_of(lambda: samr.hSamrSetInformationUser2(dce, user, b))
    ok(st == 0, "hSamrSetInformationUser2 level 14: workstations '%s'" % ARG, st if isinstance(st, str) else hex(st))
elif MODE == 'change-hash':
    # SamrChangePasswordUser (opnum 38) as the user himself: the NT hash pair
    dce2, domain2 = connect(USER, USER_PW)
    me = open_user(dce2, domain2)
    st = status_of(lambda: samr.hSamrChangePasswordUser(dce2, me, USER_PW + 'x', USER_PW + 'y'))
    ok(st == 0xC000006A, 'hSamrChangePasswordUser with a wrong old password: STATUS_WRONG_PASSWORD', st)
    st = status_of(lambda: samr.hSamrChangePasswordUser(dce2, me, USER_PW, USER_PW + 'y'))
    ok(st == 0, 'hSamrChangePasswordUser: %s changes his own password with the hashes' % USER, st)
    st = status_of(lambda: samr.hSamrChangePasswordUser(dce2, me, USER_PW + 'y', USER_PW))
    ok(st == 0, '... and back', st)
    dce2.disconnect()
elif MODE == 'cannot-change':
    r = samr.hSamrLookupNamesInDomain(dce, domain, [USER])
    rid = r['RelativeIds']['Element'][0]['Data']
    user = samr.hSamrOpenUser(dce, domain, userId=rid)['UserHandle']
    sid = samr.hSamrRidToSid(dce, domain, rid)['Sid'].formatCanonical()
    st = status_of(lambda: samr.hSamrSetSecurityObject(dce, user, 4, dacl_descriptor(sid, True)))
    ok(st == 0, 'hSamrSetSecurityObject: %s cannot change password (deny Everyone and SELF)' % USER, st if isinstance(st, str) else hex(st))
    sd = b''.join(samr.hSamrQuerySecurityObject(dce, user, 4)['SecurityDescriptor']['SecurityDescriptor'])
    ok(sid_bytes('S-1-5-10') in sd and sd[20 + 8] == 1, 'hSamrQuerySecurityObject: the deny ACEs are kept')
    st = own_change(USER_PW, USER_PW + 'x')
    ok(st == 0xC0000022, "%s's own change (hSamrUnicodeChangePasswordUser2): STATUS_ACCESS_DENIED" % USER, st if isinstance(st, str) else hex(st))
    st = status_of(lambda: samr.hSamrSetSecurityObject(dce, user, 4, dacl_descriptor(sid, False)))
    ok(st == 0, 'hSamrSetSecurityObject: the deny taken out', st if isinstance(st, str) else hex(st))
    st = own_change(USER_PW, USER_PW + 'x')
    ok(st == 0, "%s's own change is accepted" % USER, st if isinstance(st, str) else hex(st))
    ok(own_change(USER_PW + 'x', USER_PW) == 0, '... and back')
elif MODE == 'set':
    st = status_of(lambda: samr.hSamrSetInformationDomain(dce, domain, password_buffer(12, 4, 1, -30 * DAY, -2 * DAY)))
    ok(st == 0, 'hSamrSetInformationDomain 1: 12 characters, history 4, ages 30/2 days, complex', st if isinstance(st, str) else hex(st))
    st = status_of(lambda: samr.hSamrSetInformationDomain(dce, domain, lockout_buffer(-45 * MINUTE, -20 * MINUTE, 7)))
    ok(st == 0, 'hSamrSetInformationDomain 12: 45 minutes, window 20, threshold 7', st if isinstance(st, str) else hex(st))
    p = samr.hSamrQueryInformationDomain(dce, domain, samr.DOMAIN_INFORMATION_CLASS.DomainPasswordInformation)
    p = p['Buffer']['Password']
    ok(p['MinPasswordLength'] == 12 and p['PasswordHistoryLength'] == 4 and p['PasswordProperties'] == 1 and
       as_int(p['MaxPasswordAge']) == -30 * DAY and as_int(p['MinPasswordAge']) == -2 * DAY,
       'hSamrQueryInformationDomain 1 gives them back',
       [p['MinPasswordLength'], p['PasswordHistoryLength'], p['PasswordProperties'],
        as_int(p['MaxPasswordAge']), as_int(p['MinPasswordAge'])])
    lo = samr.hSamrQueryInformationDomain(dce, domain, samr.DOMAIN_INFORMATION_CLASS.DomainLockoutInformation)
    lo = lo['Buffer']['Lockout']
    ok(lo['LockoutDuration'] == -45 * MINUTE and lo['LockoutObservationWindow'] == -20 * MINUTE and
       lo['LockoutThreshold'] == 7, 'hSamrQueryInformationDomain 12 gives them back',
       [lo['LockoutDuration'], lo['LockoutObservationWindow'], lo['LockoutThreshold']])
    st = status_of(lambda: samr.hSamrSetInformationDomain(dce, domain, lockout_buffer(-5 * MINUTE, -20 * MINUTE, 7)))
    ok(st == 0xC000000D, 'a lockout shorter than its window: STATUS_INVALID_PARAMETER', st if isinstance(st, str) else hex(st))
    dce2, domain2 = connect(USER, USER_PW)
    st = status_of(lambda: samr.hSamrSetInformationDomain(dce2, domain2, lockout_buffer(0, -1 * MINUTE, 0)))
    ok(st == 0xC0000022, 'an ordinary user: hSamrSetInformationDomain is STATUS_ACCESS_DENIED', st if isinstance(st, str) else hex(st))
    dce2.disconnect()
else:
    st = status_of(lambda: samr.hSamrSetInformationDomain(dce, domain, password_buffer(0, 0, 0, NEVER, 0)))
    ok(st == 0, 'hSamrSetInformationDomain 1: no policy again (maximum age never)', st if isinstance(st, str) else hex(st))
    st = status_of(lambda: samr.hSamrSetInformationDomain(dce, domain, lockout_buffer(-10 * MINUTE, -10 * MINUTE, 10)))
    ok(st == 0, 'hSamrSetInformationDomain 12: the default lockout again', st if isinstance(st, str) else hex(st))
dce.disconnect()
