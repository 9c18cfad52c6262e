#!/bin/sh
# Kerberos logons end to end: a scratch MIT KDC on loopback (t/tap/kdc.sh),
# the appliance's keytab imported with lwadmin kerberos import, then kinit and
# smbclient --use-kerberos=required read and write the share as the KDC
# principal alice@SW.TEST (the SAM user alice) at every dialect, with signing
# required and with encryption required. Refused, each with its status and a
# log line naming the cause: a principal with no user, a keytab whose key
# version the KDC moved past, and a client clock 10 minutes ahead.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/tap/kdc.sh"
need_program smbclient smbclient
kdc_need
# The name the client uses for the server (smbclient refuses Kerberos to
# "localhost" and to addresses): -I 127.0.0.1 takes it there, and krb5.conf
# uses it as typed (t/tap/kdc.sh), so the ticket is for cifs/$SRV.
SRV=swkrb5test
OTHER=swkrb5other # a service the KDC knows but the appliance's keytab does not
KDC_HOSTS="$SRV $OTHER"
# A short allowed skew (KDC and appliance): lets a ticket expire for good
# within seconds for the expired-ticket case below.
KDC_CLOCKSKEW=5



kdc_start || { cat "$KDC_DIR"/*.log "$KDC_DIR/krb5kdc.out" >&2; echo "Bail out! the KDC did not start"; exit 1; }
ok "krb5kdc serves $KDC_REALM on 127.0.0.1:$KDC_PORT" true

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
KPASS="Krb-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
kdc_admin addprinc -pw "$KPASS" alice
kdc_admin addprinc -pw "$KPASS" nosuchsamuser
kdc_admin addprinc -randkey cifs/$SRV
kdc_admin addprinc -randkey cifs/$OTHER
kdc_admin ktadd -k "$KDC_DIR/service.keytab" cifs/$SRV
ok "kadmin.local: principals and the service keytab" [ $? -eq 0 ]

"$LWADMIN" config set lsass.log-level info > /dev/null
# The server requires signing too: every session must prove the key it
# derived from the GSS context (impacket signs only when required).
"$LWADMIN" config set srv.signing required > /dev/null
"$LWADMIN" config set kerberos.principals cifs/$SRV > /dev/null 2>&1
ok "kerberos.principals = cifs/$SRV" [ $? -eq 0 ]
"$LWADMIN" kerberos import "$KDC_DIR/service.keytab" > "$T/import.out" 2>&1
ok "lwadmin kerberos import" [ $? -eq 0 ]
KEYTAB=$T/krb5.keytab
"$LWADMIN" log 2>&1 | grep -q "kerberos.import"
ok "the import is in the audit log" [ $? -eq 0 ]
is "$(stat -c '%a %u' "$KEYTAB" 2>/dev/null)" "600 $(id -u)" "the keytab is 0600 and the importer's (root's when run as root)"

out=$("$LWADMIN" kerberos show 2>&1)
like "$out" "cifs/$SRV@$KDC_REALM +2 +aes256" "kerberos show: the principal, its kvno and types"
like "$out" "realm: +$KDC_REALM" "kerberos show: the realm (krb5.conf's default)"
# The key itself must never appear: compare with klist -K's hex of it.
key=$(klist -K -k "$KDC_DIR/service.keytab" 2>/dev/null | sed -n 's/.*(0x\([0-9a-f]*\)).*/\1/p' | head -1)
[ -n "$key" ] && ! printf '%s' "$out" | grep -qi "$key"
ok "kerberos show prints no key" [ $? -eq 0 ]

kvno=$("$LWADMIN" --json kerberos show | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["active"], d["keytab_readable"], [(p["principal"], p["kvno"]) for p in d["principals"]])')
like "$kvno" "^True True \[\('cifs/$SRV@$KDC_REALM', 2\)\]" "kerberos show --json"

# A service principal without a key is named by check (the setting is read
# by check at once; lsassd would take it at its next start).
"$LWADMIN" config set kerberos.principals "cifs/$SRV,host/$SRV" > /dev/null 2>&1
out=$("$LWADMIN" kerberos check 2>&1)
like "$out" "FAIL +principal +host/$SRV@$KDC_REALM: no key" "check: a service principal with no key"
"$LWADMIN" config set kerberos.principals "cifs/$SRV" > /dev/null 2>&1

out=$("$LWADMIN" kerberos check 2>&1)
rc=$?
[ "$(id -u)" = 0 ] && { is "$rc" 0 "kerberos check passes"; } || ok "# SKIP check's ownership finding needs root" true
like "$out" "ok +key .*accepts the keytab" "check: the KDC accepts the keytab's key"
like "$out" "ok +clock +clocks agree" "check: clock skew measured against the KDC"

appliance_require
LOG=$APPLIANCE_RUN_DIR/lsassd.log
kdc_kinit alice "$KPASS"
ok "kinit alice@$KDC_REALM" [ $? -eq 0 ]

# smbclient with the ticket only: no password anywhere.
ksmb() {
    timeout 60 smbclient -s "$APPLIANCE_CONF" -p "$APPLIANCE_PORT" -I 127.0.0.1 --use-kerberos=required \
        --use-krb5-ccache="${KRB5CCNAME#FILE:}" \
        "//$SRV/$APPLIANCE_SHARE" "$@" 2>&1
}
chmod 0777 "$APPLIANCE_SHARE_DIR"
for mode in sign encrypt; do
    for d in SMB2_02 SMB2_10 SMB3_00 SMB3_11; do
        # SMB2 has no encryption: only the SMB3 dialects are tried with it.
        case "$mode.$d" in encrypt.SMB2_*) continue ;; esac
        name="k-$mode-$d.txt"
        echo "payload $mode $d $$" > "$T/$name"
        out=$(ksmb -m "$d" --client-protection=$mode -c "put $T/$name $name; get $name $T/back-$name")
        cmp -s "$T/$name" "$T/back-$name"
        ok "kerberos $d $mode: write and read back" [ $? -eq 0 ] || diag "$out"
    done
done
# AES-256: its keys come from the whole GSS session key (an aes256 ticket's
# 32 bytes, [MS-SMB2] Session.FullSessionKey), not the first 16.
echo "payload aes256 $$" > "$T/k-aes256.txt"
out=$(ksmb -m SMB3_11 --client-protection=encrypt --option='client smb3 encryption algorithms=AES-256-GCM' \
    -c "put $T/k-aes256.txt k-aes256.txt; get k-aes256.txt $T/back-k-aes256.txt")
cmp -s "$T/k-aes256.txt" "$T/back-k-aes256.txt"
ok "kerberos SMB3_11 encrypted with AES-256-GCM: write and read back" [ $? -eq 0 ] || diag "$out"
[ -f "$APPLIANCE_SHARE_DIR/k-sign-SMB3_11.txt" ]
ok "the file is on the share" [ $? -eq 0 ]
grep -q "logon alice@$KDC_REALM (krb5): STATUS_SUCCESS" "$LOG"
ok "lsassd logged the Kerberos logon of alice@$KDC_REALM" [ $? -eq 0 ] || tail -5 "$LOG" | sed 's/^/# /'

# impacket's Kerberos (SMBConnection.kerberosLogin): its AP-REQ from the
# service ticket in the ccache (impacket reaches a KDC on port 88 only, so
# kvno fetches the ticket), under Microsoft's legacy OID, without mutual
# authentication; then it signs (srv.signing required) with the ticket's
# session key truncated to 16 bytes, and checks
# the NEGOTIATE response's mechanism list.
if /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    kvno "cifs/$SRV" > /dev/null 2>&1
    out=$(KRB5CCNAME="${KRB5CCNAME#FILE:}" timeout 60 /usr/bin/python3 - "$SRV" "$APPLIANCE_PORT" "$KDC_REALM" \
        "$APPLIANCE_SHARE" <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
from impacket.smb3structs import SMB2_DIALECT_311
host, port, realm, share = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = SMBConnection(host, "127.0.0.1", sess_port=port, preferredDialect=SMB2_DIALECT_311)
blob = conn.getSMBServer()._Connection["GSSNegotiateToken"]
oids = [bytes.fromhex("2a864882f712010202"), bytes.fromhex("2a864886f712010202"),
        bytes.fromhex("2b0601040182370202" "0a")]
where = [blob.find(o) for o in oids]
print("order", "ok" if -1 not in where and where == sorted(where) else "bad %r" % where)
conn.kerberosLogin("alice", "", realm, useCache=True)
tid = conn.connectTree(share)
print("guest", conn.isGuestSession())
print("files", sorted(f.get_longname() for f in conn.listPath(share, "*") if f.get_longname().startswith("k-")))
conn.logoff()
PY
)
    like "$out" "order ok" "NegTokenInit2: MS KRB5, KRB5, then NTLMSSP" || diag "$out"
    like "$out" "guest (0|False)" "impacket kerberosLogin (legacy OID, no mutual auth): a signed session as alice"
    like "$out" "k-sign-SMB3_11.txt" "... that lists the share"
elif [ "${CI:-}" = true ]; then
    ok "impacket is installed (python3-impacket; CI=true)" false
else
    for i in 1 2 3; do ok "# SKIP impacket is not installed (python3-impacket)" true; done
fi

# Malformed Kerberos tokens under the krb5 OID (raw SESSION_SETUPs): each
# answered with an error, lsassd alive afterwards (later logons use it).
if /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    out=$(timeout 60 /usr/bin/python3 - "$SRV" "$APPLIANCE_PORT" <<'PY' 2>&1
import os, sys
from impacket import smb3structs as s3
from impacket.smbconnection import SMBConnection
from impacket.spnego import SPNEGO_NegTokenInit, TypesMech
host, port = sys.argv[1], int(sys.argv[2])
oid = bytes.fromhex("06092a864886f712010202")
def gss(body):
    inner = oid + body
    return bytes([0x60, len(inner)]) + inner if len(inner) < 128 else bytes([0x60, 0x82]) + len(inner).to_bytes(2, "big") + inner
tokens = [b"\x00", gss(b"\x01\x00"), gss(b"\x01\x00\x6e\x84\xff\xff\xff\xff"), gss(b"\x01\x00" + os.urandom(200)),
          os.urandom(300), gss(b"\x01\x00\x6e\x03\x30\x01\x00")]
for mech in ["KRB5 - Kerberos 5", "MS KRB5 - Microsoft Kerberos 5"]:
    for token in tokens:
        conn = SMBConnection(host, "127.0.0.1", sess_port=port, preferredDialect=s3.SMB2_DIALECT_30)
        c = conn.getSMBServer()
        blob = SPNEGO_NegTokenInit()
        blob["MechTypes"] = [TypesMech[mech]]
        blob["MechToken"] = token
        setup = s3.SMB2SessionSetup()
        setup["Flags"] = 0
        setup["SecurityMode"] = s3.SMB2_NEGOTIATE_SIGNING_ENABLED
        setup["SecurityBufferLength"] = len(blob.getData())
        setup["Buffer"] = blob.getData()
        packet = c.SMB_PACKET()
        packet["Command"] = s3.SMB2_SESSION_SETUP
        packet["Data"] = setup
        answer = c.recvSMB(c.sendSMB(packet))
        print("status %08x" % answer["Status"])
        conn.close()
PY
)
    n=$(printf '%s\n' "$out" | grep -c '^status c0')
    is "$n" 12 "12 malformed Kerberos tokens, 12 error statuses" || diag "$out"
    ok "lsassd is alive" kill -0 "$(cat "$APPLIANCE_RUN_DIR/lsassd.pid")"
else
    for i in 1 2; do ok "# SKIP impacket is not installed (python3-impacket)" true; done
fi

# An expired ticket. MIT clients will not use one (they fetch a new one), but
# impacket takes the service ticket from the ccache as it is: a 4-second
# ticket, 11 seconds later, is past its end by more than the 5-second skew.
if /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    kdestroy -q 2>/dev/null
    printf '%s\n' "$KPASS" | kinit -l 4s alice > /dev/null 2>&1 && kvno "cifs/$SRV" > /dev/null 2>&1
    ok "a 4-second service ticket" [ $? -eq 0 ]
    sleep 11
    out=$(KRB5CCNAME="${KRB5CCNAME#FILE:}" timeout 60 /usr/bin/python3 - "$SRV" "$APPLIANCE_PORT" "$KDC_REALM" \
        <<'PY' 2>&1
import sys
from impacket.smbconnection import SMBConnection
host, port, realm = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = SMBConnection(host, "127.0.0.1", sess_port=port)
try:
    conn.kerberosLogin("alice", "", realm, useCache=True)
    print("logged on")
except Exception as e:
    print("refused", e)
PY
)
    like "$out" "refused.*STATUS_LOGON_FAILURE" "an expired ticket: STATUS_LOGON_FAILURE" || diag "$out"
    grep -q "kerberos logon refused: expired ticket" "$LOG"
    ok "the log says expired ticket" [ $? -eq 0 ]
else
    for i in 1 2 3; do ok "# SKIP impacket is not installed (python3-impacket)" true; done
fi

# A ticket for a service whose key the appliance does not hold.
kdc_kinit alice "$KPASS"
out=$(timeout 60 smbclient -s "$APPLIANCE_CONF" -p "$APPLIANCE_PORT" -I 127.0.0.1 --use-kerberos=required \
    --use-krb5-ccache="${KRB5CCNAME#FILE:}" "//$OTHER/$APPLIANCE_SHARE" -m SMB3_11 -c ls 2>&1)
like "$out" "NT_STATUS_LOGON_FAILURE" "a ticket for an unknown service principal: STATUS_LOGON_FAILURE"
grep -q "kerberos logon refused: unknown service principal" "$LOG"
ok "the log says unknown service principal" [ $? -eq 0 ] || grep kerberos "$LOG" | tail -2 | sed "s/^/# /"

# A principal of the realm with no SAM user: refused, never Guest.
kdc_kinit nosuchsamuser "$KPASS"
out=$(ksmb -m SMB3_11 -c ls)
like "$out" "NT_STATUS_LOGON_FAILURE" "no user for the principal: STATUS_LOGON_FAILURE"
grep -q "nosuchsamuser@$KDC_REALM (krb5) refused: no user for this principal" "$LOG"
ok "the log names the principal and why" [ $? -eq 0 ]

# A client clock 10 minutes ahead. MIT libkrb5 keeps the KDC's time offset in
# the ccache header (file format 4, tag 1 "DeltaTime") and, with
# kdc_timesync = 1, applies it to every request made from that ccache. The
# service ticket is fetched first (kvno), with the true time; then the
# header is given a +600 s offset, so only the authenticator smbclient
# builds for the server is 10 minutes ahead: the server sees the skew.
kdc_kinit alice "$KPASS" && kvno cifs/$SRV > /dev/null 2>&1
ok "kvno cifs/$SRV: the service ticket is in the ccache" [ $? -eq 0 ]
/usr/bin/python3 - "$KDC_DIR/ccache" <<'PY'
import struct, sys
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:2] == b"\x05\x04", "not a version 4 ccache"
hlen = struct.unpack(">H", data[2:4])[0]
header = struct.pack(">HHii", 1, 8, 600, 0)
open(path, "wb").write(b"\x05\x04" + struct.pack(">H", len(header)) + header + data[4 + hlen:])
PY
ok "the ccache's time offset is +600 s" [ $? -eq 0 ]
out=$(ksmb -m SMB3_11 -c ls)
like "$out" "NT_STATUS_TIME_DIFFERENCE_AT_DC" "a 10-minute skew: STATUS_TIME_DIFFERENCE_AT_DC"
grep -q "kerberos logon refused: clock skew" "$LOG"
ok "the log says clock skew" [ $? -eq 0 ]

# The service principal gets a new key (kvno 3) the appliance's keytab lacks.
kdc_admin cpw -randkey cifs/$SRV
kdc_kinit alice "$KPASS"
out=$(ksmb -m SMB3_11 -c ls)
like "$out" "NT_STATUS_LOGON_FAILURE" "a keytab behind the KDC: STATUS_LOGON_FAILURE"
grep -q "kerberos logon refused: wrong key version" "$LOG"
ok "the log says wrong key version" [ $? -eq 0 ] || grep "kerberos" "$LOG" | tail -3 | sed 's/^/# /'
out=$("$LWADMIN" kerberos check 2>&1)
like "$out" "FAIL +key .*wrong key version" "kerberos check names the wrong key version"

# A current keytab imported: logons work again, without a restart.
kdc_admin ktadd -k "$KDC_DIR/service3.keytab" cifs/$SRV
"$LWADMIN" kerberos import "$KDC_DIR/service3.keytab" > /dev/null 2>&1
kdc_kinit alice "$KPASS"
out=$(ksmb -m SMB3_11 --client-protection=encrypt -c "get k-sign-SMB3_11.txt $T/again.txt")
cmp -s "$T/k-sign-SMB3_11.txt" "$T/again.txt"
ok "after importing the new key, Kerberos logons work again" [ $? -eq 0 ] || diag "$out"
# A key in the keytab for a service SMB does not accept: host/$SRV is
# imported, but kerberosLogin offers the host/ ticket (impacket sends
# whatever ticket it is given) and kerberos.principals names cifs/$SRV only.
kdc_admin addprinc -randkey "host/$SRV"
kdc_admin ktadd -k "$KDC_DIR/host.keytab" "host/$SRV"
"$LWADMIN" kerberos import "$KDC_DIR/host.keytab" > /dev/null 2>&1
kdc_kinit alice "$KPASS" && kvno "host/$SRV" > /dev/null 2>&1
ok "a ticket for host/$SRV" [ $? -eq 0 ]
if /usr/bin/python3 -c 'import impacket' 2>/dev/null; then
    out=$(timeout 60 /usr/bin/python3 - "$SRV" "$APPLIANCE_PORT" "$KDC_REALM" "${KRB5CCNAME#FILE:}" <<'PY' 2>&1
import sys
from impacket.krb5.ccache import CCache
from impacket.smbconnection import SMBConnection
host, port, realm, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
creds = CCache.loadFile(path).getCredential("host/%s@%s" % (host, realm), anySPN=False)
conn = SMBConnection(host, "127.0.0.1", sess_port=port)
try:
    conn.kerberosLogin("alice", "", realm, TGS=creds.toTGS())
    print("logged on")
except Exception as e:
    print("refused", e)
PY
)
    like "$out" "refused.*STATUS_LOGON_FAILURE" "a ticket for a service outside kerberos.principals: refused" || diag "$out"
    grep -q "unknown service principal: the ticket is for host/$SRV@$KDC_REALM, which is not in kerberos.principals" "$LOG"
    ok "the log names the principal and the setting" [ $? -eq 0 ] || grep kerberos "$LOG" | tail -2 | sed 's/^/# /'
else
    for i in 1 2; do ok "# SKIP impacket is not installed (python3-impacket)" true; done
fi
done_testing
