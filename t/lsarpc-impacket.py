#!/usr/bin/python3
# The body of t/lsarpc-impacket.t (which starts the appliance and turns these
# lines into TAP): impacket's lsat, lsad and mgmt modules over SMB against
# the running appliance (\pipe\lsarpc, served by lsassd). Prints "PASS
# name", "FAIL name" and "# diagnostics".
#
# Environment: APPLIANCE_PORT, BOB_PASSWORD (an administrator),
# ALICE_PASSWORD (a plain user), LWADMIN, SAMEWISE_DB.
import json
import os
import signal
import subprocess
import sys

from impacket.dcerpc.v5 import lsad, lsat, mgmt, transport
from impacket.dcerpc.v5.dtypes import LUID, NULL
from impacket.dcerpc.v5.rpcrt import DCERPCException

signal.alarm(90)
env = os.environ
PORT = int(env['APPLIANCE_PORT'])
LWADMIN = env['LWADMIN']

STATUS_SOME_NOT_MAPPED = 0x00000107
STATUS_NONE_MAPPED = 0xC0000073
STATUS_ACCESS_DENIED = 0xC0000022
STATUS_NO_SUCH_PRIVILEGE = 0xC0000060
STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034
STATUS_INVALID_HANDLE = 0xC0000008
NCA_S_FAULT_CONTEXT_MISMATCH = 0x1C00001A


def check(cond, name, diag=None):
    print(('PASS ' if cond else 'FAIL ') + name)
    if not cond and diag is not None:
        for line in str(diag).splitlines():
            print('# ' + line)
    sys.stdout.flush()
    return cond


def error_code(fn):
    try:
        fn()
    except DCERPCException as e:
        code = e.get_error_code()
        return code if code is not None else str(e)
    return 0


def connect(user, password, pipe='lsarpc', iface=lsat.MSRPC_UUID_LSAT):
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


def s(value):
    return value[:-1] if isinstance(value, str) and value.endswith('\x00') else value


alice_sid = lwadmin('user', 'show', 'alice')['sid']
domain_sid = alice_sid.rsplit('-', 1)[0]

bob = connect('bob', env['BOB_PASSWORD'])
alice = connect('alice', env['ALICE_PASSWORD'])

# ---- Policy ----
policy = lsad.hLsarOpenPolicy2(bob, lsad.POLICY_LOOKUP_NAMES | lsad.POLICY_VIEW_LOCAL_INFORMATION |
                               lsad.POLICY_CREATE_ACCOUNT)['PolicyHandle']
r = lsad.hLsarQueryInformationPolicy2(bob, policy, lsad.POLICY_INFORMATION_CLASS.PolicyAccountDomainInformation)
info = r['PolicyInformation']['PolicyAccountDomainInfo']
check(info['DomainSid'].formatCanonical() == domain_sid, 'QueryInformationPolicy2 account domain: the SAM\'s SID',
      info['DomainSid'].formatCanonical())
machine = info['DomainName']
r = lsad.hLsarQueryInformationPolicy(bob, policy, lsad.POLICY_INFORMATION_CLASS.PolicyPrimaryDomainInformation)
check(r['PolicyInformation']['PolicyPrimaryDomainInfo']['Name'] == 'WORKGROUP', 'QueryInformationPolicy primary domain: the workgroup')

# ---- Lookups (as alice: any authenticated user may look up names) ----
apolicy = lsad.hLsarOpenPolicy2(alice, lsad.POLICY_LOOKUP_NAMES)['PolicyHandle']
r = lsat.hLsarLookupNames(alice, apolicy, ['alice', 'Administrators', 'Everyone'])
sids = r['TranslatedSids']['Sids']
doms = r['ReferencedDomains']['Domains']
check(r['MappedCount'] == 3 and sids[0]['Use'] == 1 and sids[0]['RelativeId'] == int(alice_sid.rsplit('-', 1)[1])
      and doms[sids[0]['DomainIndex']]['Sid'].formatCanonical() == domain_sid,
      'LookupNames: alice is a user of the account domain')
check(sids[1]['Use'] == 4 and doms[sids[1]['DomainIndex']]['Name'] == 'BUILTIN', '... Administrators an alias in BUILTIN')
check(sids[2]['Use'] == 5 and sids[2]['RelativeId'] == 0, '... Everyone a well-known group')
r = lsat.hLsarLookupNames2(alice, apolicy, ['%s\\alice' % machine])
check(r['TranslatedSids']['Sids'][0]['RelativeId'] == int(alice_sid.rsplit('-', 1)[1]), 'LookupNames2: MACHINE\\alice')
r = lsat.hLsarLookupNames3(alice, apolicy, ['NT AUTHORITY\\SYSTEM', 'alice'])
s3 = r['TranslatedSids']['Sids']
check(s3[0]['Sid'].formatCanonical() == 'S-1-5-18' and s3[1]['Sid'].formatCanonical() == alice_sid,
      'LookupNames3: full SIDs')
code = error_code(lambda: lsat.hLsarLookupNames(alice, apolicy, ['alice', 'nobody-by-that-name']))
check(code == STATUS_SOME_NOT_MAPPED, 'LookupNames: some not mapped', hex(code) if isinstance(code, int) else code)
code = error_code(lambda: lsat.hLsarLookupNames(alice, apolicy, ['nobody-by-that-name']))
check(code == STATUS_NONE_MAPPED, 'LookupNames: none mapped', hex(code) if isinstance(code, int) else code)
code = error_code(lambda: lsat.hLsarLookupNames4(alice, ['alice']))
check(code == STATUS_ACCESS_DENIED, 'LookupNames4 on a pipe: access denied (no secure channel), as Windows')

r = lsat.hLsarLookupSids(alice, apolicy, [alice_sid, 'S-1-5-32-544', 'S-1-5-18'])
names = r['TranslatedNames']['Names']
doms = r['ReferencedDomains']['Domains']
check(names[0]['Name'] == 'alice' and doms[names[0]['DomainIndex']]['Name'] == machine,
      'LookupSids: alice in the account domain')
check(names[1]['Name'] == 'Administrators' and doms[names[1]['DomainIndex']]['Name'] == 'BUILTIN',
      '... BUILTIN\\Administrators')
check(names[2]['Name'] == 'SYSTEM' and doms[names[2]['DomainIndex']]['Name'] == 'NT AUTHORITY', '... NT AUTHORITY\\SYSTEM')
r = lsat.hLsarLookupSids2(alice, apolicy, [domain_sid])
check(r['TranslatedNames']['Names'][0]['Use'] == 3, 'LookupSids2: the domain SID is a domain')
code = error_code(lambda: lsat.hLsarLookupSids(alice, apolicy, ['S-1-5-21-1-2-3-4']))
check(code == STATUS_NONE_MAPPED, 'LookupSids: an unknown SID is not mapped')
r = lsat.hLsarGetUserName(alice)
check(r['UserName'] == 'alice', 'GetUserName: alice')

# ---- Privileges ----
r = lsad.hLsarEnumeratePrivileges(bob, policy)
privs = {s(p['Name']): p['LocalValue']['LowPart'] for p in r['EnumerationBuffer']['Privileges']}
check(privs.get('SeBackupPrivilege') == 17 and len(privs) == 35, 'EnumeratePrivileges: Windows\' 35, SeBackupPrivilege = 17')
r = lsad.hLsarLookupPrivilegeValue(bob, policy, 'SeRestorePrivilege')
check(r['Value']['LowPart'] == 18, 'LookupPrivilegeValue')
luid = LUID()
luid['LowPart'] = 17
luid['HighPart'] = 0
r = lsad.hLsarLookupPrivilegeName(bob, policy, luid)
check(r['Name'] == 'SeBackupPrivilege', 'LookupPrivilegeName')
code = error_code(lambda: lsad.hLsarLookupPrivilegeValue(bob, policy, 'SeNoSuchPrivilege'))
check(code == STATUS_NO_SUCH_PRIVILEGE, 'LookupPrivilegeValue of an unknown name: no such privilege')

# ---- Account rights ----
r = lsad.hLsarEnumerateAccounts(bob, policy)
accounts = [i['Sid'].formatCanonical() for i in r['EnumerationBuffer']['Information']]
check('S-1-5-32-544' in accounts and 'S-1-1-0' in accounts, 'EnumerateAccounts: Administrators and Everyone')
lsad.hLsarAddAccountRights(bob, policy, alice_sid, ['SeBackupPrivilege', 'SeBatchLogonRight'])
r = lsad.hLsarEnumerateAccountRights(bob, policy, alice_sid)
rights = sorted(s(x['Data']) for x in r['UserRights']['UserRights'])
check(rights == ['SeBackupPrivilege', 'SeBatchLogonRight'], 'AddAccountRights, EnumerateAccountRights', rights)
r = lsad.hLsarEnumerateAccountsWithUserRight(bob, policy, 'SeBatchLogonRight')
who = [i['Sid'].formatCanonical() for i in r['EnumerationBuffer']['Information']]
check(who == [alice_sid], 'EnumerateAccountsWithUserRight: alice alone holds SeBatchLogonRight', who)
account = lsad.hLsarOpenAccount(bob, policy, alice_sid)['AccountHandle']
r = lsad.hLsarEnumeratePrivilegesAccount(bob, account)
check([p['Luid']['LowPart'] for p in r['Privileges']['Privilege']] == [17], 'OpenAccount, EnumeratePrivilegesAccount')
r = lsad.hLsarGetSystemAccessAccount(bob, account)
check(r['SystemAccess'] == 0x4, 'GetSystemAccessAccount: POLICY_MODE_BATCH')
lsad.hLsarRemoveAccountRights(bob, policy, alice_sid, ['SeBatchLogonRight'])
r = lsad.hLsarEnumerateAccountRights(bob, policy, alice_sid)
check([s(x['Data']) for x in r['UserRights']['UserRights']] == ['SeBackupPrivilege'], 'RemoveAccountRights')
log = lwadmin('log')
changes = [e for e in log if e.get('via') == 'lsarpc' and e.get('object') == 'alice']
check(len(changes) == 2 and all(e.get('user') == 'bob' for e in changes), 'two changes audited, via lsarpc, by bob',
      json.dumps(changes))

# The same through account handles: create, privileges by LUID, system access, delete.
foreign = 'S-1-5-21-7-7-7-1234'
acc = lsad.hLsarCreateAccount(bob, policy, foreign)['AccountHandle']
code = error_code(lambda: lsad.hLsarCreateAccount(bob, policy, foreign))
check(code == 0xC0000035, 'CreateAccount twice: STATUS_OBJECT_NAME_COLLISION', code)
priv = lsad.LSAPR_LUID_AND_ATTRIBUTES()
priv['Luid']['LowPart'] = 9  # SeTakeOwnershipPrivilege
priv['Luid']['HighPart'] = 0
priv['Attributes'] = 0
lsad.hLsarAddPrivilegesToAccount(bob, acc, [priv])
lsad.hLsarSetSystemAccessAccount(bob, acc, 0x2 | 0x4)
r = lsad.hLsarEnumerateAccountRights(bob, policy, foreign)
rights = sorted(s(x['Data']) for x in r['UserRights']['UserRights'])
check(rights == ['SeBatchLogonRight', 'SeNetworkLogonRight', 'SeTakeOwnershipPrivilege'],
      'AddPrivilegesToAccount and SetSystemAccessAccount, seen by EnumerateAccountRights', rights)
lsad.hLsarSetSystemAccessAccount(bob, acc, 0x2)
check(lsad.hLsarGetSystemAccessAccount(bob, acc)['SystemAccess'] == 0x2, 'SetSystemAccessAccount replaces the logon rights')
lsad.hLsarRemovePrivilegesFromAccount(bob, acc, NULL, True)
r = lsad.hLsarEnumeratePrivilegesAccount(bob, acc)
check(r['Privileges']['PrivilegeCount'] == 0, 'RemovePrivilegesFromAccount(AllPrivileges): no privilege left')
lsad.hLsarDeleteObject(bob, acc)
code = error_code(lambda: lsad.hLsarEnumerateAccountRights(bob, policy, foreign))
check(code == STATUS_OBJECT_NAME_NOT_FOUND, 'DeleteObject removed the account', code)
code = error_code(lambda: lsad.hLsarGetSystemAccessAccount(bob, acc))
check(code == NCA_S_FAULT_CONTEXT_MISMATCH or 'context_mismatch' in str(code).lower(), '... and closed its handle', code)

# A plain user may look but not touch.
apolicy2 = lsad.hLsarOpenPolicy2(alice, lsad.MAXIMUM_ALLOWED)['PolicyHandle']
code = error_code(lambda: lsad.hLsarAddAccountRights(alice, apolicy2, alice_sid, ['SeTcbPrivilege']))
check(code == STATUS_ACCESS_DENIED, 'AddAccountRights as alice: access denied')
code = error_code(lambda: lsad.hLsarOpenPolicy2(alice, lsad.POLICY_CREATE_ACCOUNT))
check(code == STATUS_ACCESS_DENIED, 'OpenPolicy2 asking POLICY_CREATE_ACCOUNT as alice: access denied')
r = lsad.hLsarEnumerateAccountRights(bob, policy, alice_sid)
check([s(x['Data']) for x in r['UserRights']['UserRights']] == ['SeBackupPrivilege'], '... nothing changed')
lsad.hLsarRemoveAccountRights(bob, policy, alice_sid, ['SeBackupPrivilege'])

# ---- Handles ----
code = error_code(lambda: lsad.hLsarQueryInformationPolicy2(alice, policy,
                                                            lsad.POLICY_INFORMATION_CLASS.PolicyAccountDomainInformation))
check(code == NCA_S_FAULT_CONTEXT_MISMATCH or 'context_mismatch' in str(code).lower(),
      'bob\'s handle on alice\'s association: context mismatch', code)
code = error_code(lambda: lsad.hLsarQueryInformationPolicy2(bob, account,
                                                            lsad.POLICY_INFORMATION_CLASS.PolicyAccountDomainInformation))
check(code == STATUS_INVALID_HANDLE, 'an account handle where a policy handle goes: invalid handle', code)
lsad.hLsarClose(bob, policy)
code = error_code(lambda: lsad.hLsarClose(bob, policy))
check(code == NCA_S_FAULT_CONTEXT_MISMATCH or 'context_mismatch' in str(code).lower(), 'closing twice: context mismatch', code)

# ---- mgmt on the same pipe ----
m = connect('bob', env['BOB_PASSWORD'], iface=mgmt.MSRPC_UUID_MGMT)
r = mgmt.hinq_if_ids(m)
ids = r['if_id_vector']['count']
check(ids >= 3, 'mgmt inq_if_ids on \\pipe\\lsarpc: lsarpc, dssetup, mgmt', ids)
r = mgmt.his_server_listening(m)
check(r['status'] == 0, 'mgmt is_server_listening: status 0 (impacket reads no result word)')
r = mgmt.hinq_stats(m)
check(r['count'] == 4 and r['statistics'][0] > 0, 'mgmt inq_stats: four counters, calls counted', r['count'])
# Alter context: the mgmt association also binds lsarpc, and both answer.
lsa2 = m.alter_ctx(lsat.MSRPC_UUID_LSAT)
h2 = lsad.hLsarOpenPolicy2(lsa2, lsad.POLICY_LOOKUP_NAMES)['PolicyHandle']
check(lsat.hLsarLookupNames(lsa2, h2, ['alice'])['MappedCount'] == 1, 'alter context to lsarpc on the mgmt association')
check(mgmt.his_server_listening(m)['status'] == 0, '... mgmt still answers on its context')
print('DONE')
