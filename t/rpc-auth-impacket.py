#!/usr/bin/python3
# impacket against the appliance with RPC-level authentication (run by
# t/rpc-auth.t with: PORT ADMIN ADMIN_PASSWORD USER USER_PASSWORD): samr and
# lsarpc bound with NTLMSSP at packet integrity and privacy; the RPC
# identity is the call's (an SMB session as the user, a bind as the
# administrator); a changed signature gets a fault and the association
# ends; a wrong password in the bind is refused. Prints TAP lines without a
# plan (the shell test counts them).
import signal
import sys

from impacket.dcerpc.v5 import lsad, lsat, samr, transport
from impacket.dcerpc.v5.rpcrt import (DCERPCException, RPC_C_AUTHN_LEVEL_PKT_INTEGRITY,
                                      RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_AUTHN_WINNT)

signal.alarm(120)
PORT, ADMIN, ADMIN_PW, USER, USER_PW = sys.argv[1:6]
n = 0


def ok(cond, name, diag=None):
    global n
    n += 1
    print(('ok' if cond else 'not ok') + ' %d - impacket: %s' % (n, name))
    if not cond and diag is not None:
        for line in str(diag).splitlines():
            print('# ' + line)
    sys.stdout.flush()
    return cond


def connect(pipe, uuid, level, smb_user, smb_pw, rpc_user, rpc_pw):
    """SMB session as smb_user; the RPC bind authenticated as rpc_user."""
    t = transport.DCERPCTransportFactory(r'ncacn_np:127.0.0.1[\pipe\%s]' % pipe)
    t.set_dport(int(PORT))
    t.set_credentials(smb_user, smb_pw)
    dce = t.get_dce_rpc()
    dce.set_credentials(rpc_user, rpc_pw)
    dce.set_auth_type(RPC_C_AUTHN_WINNT)
    dce.set_auth_level(level)
    dce.connect()
    dce.bind(uuid)
    return dce


LEVELS = ((RPC_C_AUTHN_LEVEL_PKT_INTEGRITY, 'integrity'), (RPC_C_AUTHN_LEVEL_PKT_PRIVACY, 'privacy'))
for level, name in LEVELS:
    try:
        dce = connect('samr', samr.MSRPC_UUID_SAMR, level, ADMIN, ADMIN_PW, ADMIN, ADMIN_PW)
        h = samr.hSamrConnect(dce)['ServerHandle']
        doms = samr.hSamrEnumerateDomainsInSamServer(dce, h)['Buffer']['Buffer']
        ok(any(d['Name'] == 'Builtin' for d in doms), 'samr at %s: domains listed' % name)
        sid = samr.hSamrLookupDomainInSamServer(dce, h, doms[0]['Name'])['DomainId']
        d = samr.hSamrOpenDomain(dce, h, domainId=sid)['DomainHandle']
        users = samr.hSamrEnumerateUsersInDomain(dce, d)['Buffer']['Buffer']
        ok(any(u['Name'] == USER for u in users), 'samr at %s: users listed' % name)
        dce.disconnect()
    except Exception as e:
        ok(False, 'samr at %s' % name, e)
    try:
        dce = connect('lsarpc', lsat.MSRPC_UUID_LSAT, level, ADMIN, ADMIN_PW, ADMIN, ADMIN_PW)
        p = lsad.hLsarOpenPolicy2(dce, lsad.POLICY_LOOKUP_NAMES)['PolicyHandle']
        r = lsat.hLsarLookupNames(dce, p, (USER,))
        ok(r['TranslatedSids']['Sids'][0]['Use'] == 1, 'lsarpc at %s: LookupNames' % name)
        dce.disconnect()
    except Exception as e:
        ok(False, 'lsarpc at %s' % name, e)

# The RPC identity is the call's: an SMB session as the user, the bind as
# the administrator, and the administrator's right to create users holds.
try:
    dce = connect('samr', samr.MSRPC_UUID_SAMR, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, USER, USER_PW, ADMIN, ADMIN_PW)
    h = samr.hSamrConnect(dce)['ServerHandle']
    sid = samr.hSamrLookupDomainInSamServer(dce, h, 'Builtin')['DomainId']
    d = samr.hSamrOpenDomain(dce, h, domainId=sid,
                             desiredAccess=samr.DOMAIN_LOOKUP | samr.DOMAIN_CREATE_ALIAS)['DomainHandle']
    ok(True, 'an SMB session as %s, a bind as %s: the bind\'s identity opens Builtin for create' % (USER, ADMIN))
    dce.disconnect()
except Exception as e:
    ok(False, 'the bind\'s identity is the call\'s', e)
try:
    dce = connect('samr', samr.MSRPC_UUID_SAMR, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, ADMIN, ADMIN_PW, USER, USER_PW)
    h = samr.hSamrConnect(dce)['ServerHandle']
    sid = samr.hSamrLookupDomainInSamServer(dce, h, 'Builtin')['DomainId']
    samr.hSamrOpenDomain(dce, h, domainId=sid, desiredAccess=samr.DOMAIN_LOOKUP | samr.DOMAIN_CREATE_ALIAS)
    ok(False, 'an SMB session as %s, a bind as %s: refused' % (ADMIN, USER))
except DCERPCException as e:
    ok('ACCESS_DENIED' in str(e), 'an SMB session as %s, a bind as %s: access denied' % (ADMIN, USER), e)

# A wrong password in the bind.
try:
    dce = connect('samr', samr.MSRPC_UUID_SAMR, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, ADMIN, ADMIN_PW, ADMIN, 'wrong')
    samr.hSamrConnect(dce)
    ok(False, 'a wrong password in the bind is refused')
except Exception as e:
    # A fault (access denied) and the end of the association: the pipe
    # may be gone before the fault is read.
    ok(any(w in str(e).lower() for w in ('access_denied', 'pipe_disconnected', 'pipe_closing')),
       'a wrong password in the bind is refused', e)

# A changed signature: the request is refused and the association ends.
for level, name in LEVELS:
    try:
        dce = connect('samr', samr.MSRPC_UUID_SAMR, level, ADMIN, ADMIN_PW, ADMIN, ADMIN_PW)
        h = samr.hSamrConnect(dce)['ServerHandle']
        real_send = dce._transport.send

        def tampered(data, forceWriteAndx=0, forceRecv=0, real_send=real_send):
            data = bytearray(data)
            data[-5] ^= 0x01  # inside the checksum of the verifier
            return real_send(bytes(data), forceWriteAndx=forceWriteAndx, forceRecv=forceRecv)
        dce._transport.send = tampered
        try:
            samr.hSamrEnumerateDomainsInSamServer(dce, h)
            ok(False, 'a changed signature at %s is refused' % name)
        except Exception as e:
            ok(any(w in str(e).lower() for w in ('sec_pkg_error', '00000721', 'pipe_disconnected', 'pipe_closing')),
               'a changed signature at %s is refused' % name, e)
        dce._transport.send = real_send
        try:
            samr.hSamrEnumerateDomainsInSamServer(dce, h)
            ok(False, '... and the association is over at %s' % name)
        except Exception as e:
            ok(True, '... and the association is over at %s' % name)
    except Exception as e:
        ok(False, 'tampering at %s' % name, e)

ok(True, 'the last check')
