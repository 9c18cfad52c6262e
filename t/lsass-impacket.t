#!/usr/bin/python3
# lsassd driven over its socket with tokens made by a real client library
# (impacket): SPNEGO and raw NTLMSSP logons, session keys, access tokens,
# mechListMIC and an NTLM MIC, guest/anonymous settings, NTLMv1 refused,
# malformed tokens, context handles and timeouts, peer credentials.
import hashlib
import hmac
import importlib.util
import os
import struct
import subprocess
import sys
import time

spec = importlib.util.spec_from_file_location("helper", os.path.join(os.environ.get("SW_SRC", "."), "t",
                                                                      "lsass-helper.py"))
h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(h)

from Cryptodome.Cipher import ARC4
from impacket import ntlm, spnego

t = h.Tap()
inst = h.Instance(context_timeout=2)
inst.add_user("alice", "Alice-Pass1")
inst.add_user("carol", "Carol-Pass1", "--disabled")
inst.add_user("dave", "Dave-Pass1")
inst.add_user("erin", "Erin-Pass1", "--password-never-expires")
inst.lwadmin("group", "add-member", "Administrators", "dave")
sid_line = [l for l in inst.lwadmin("user", "show", "alice").splitlines() if l.startswith("SID:")][0]
alice_sid = sid_line.split()[-1]
domain_sid = alice_sid.rsplit("-", 1)[0]
inst.start()
S = h.STATUS
c = h.Conn(inst.socket)

# ---- the basics ----
status, body = c.call(h.OP_HELLO)
t.ok(status == 0 and struct.unpack("<I", body)[0] == 3, "HELLO answers protocol version 3")
status, body = c.call(h.OP_NEGOTIATE_TOKEN)
init = spnego.SPNEGO_NegTokenInit(h.Reader(body).bytes())
t.ok(status == 0 and h.NTLMSSP_OID in init["MechTypes"], "NEGOTIATE_TOKEN: a NegTokenInit2 impacket parses, offering NTLMSSP")

# ---- a SPNEGO/NTLMv2 logon by impacket ----
r = h.logon(c, "alice", "Alice-Pass1")
t.status(r["status"], "SUCCESS", "alice logs on (SPNEGO, NTLMv2, KEY_EXCH)")
t.ok(r.get("session_key") == r.get("exported_key"), "the session key is impacket's ExportedSessionKey")
tok = r.get("token", {})
t.ok(tok.get("user") == alice_sid and tok.get("primary_group") == domain_sid + "-513",
     "token: alice's SID, primary group MACHINE\\None")
groups = set(tok.get("groups", []))
t.ok({"S-1-1-0", "S-1-5-2", "S-1-5-11", "S-1-5-32-545"} <= groups,
     "token: Everyone, Network, Authenticated Users, BUILTIN\\Users")
t.ok("S-1-5-32-544" not in groups and tok.get("privileges") == 0x10,
     "token: not an Administrator, only SeChangeNotifyPrivilege")
alice_rid = int(alice_sid.rsplit("-", 1)[1])
t.ok(tok.get("uid") == 1000000 + alice_rid and tok.get("gid") == 1000513 and r.get("user") == "alice"
     and r.get("flags") == 0,
     "alice acts as her own uid (lsass.id-range + RID) and None's gid; not guest or anonymous")
t.ok(tok.get("unix_id_shared") == 0, "  her own identity, not a stand-in: unix_id_shared clear")
fields = h.neg_token_resp_fields(r["out"])
t.ok(fields.get(0) == b"\x00" and 3 not in fields, "final negTokenResp: accept-completed, no mechListMIC asked")
t.ok("Last logon:             never" not in inst.lwadmin("user", "show", "alice"), "the last logon is recorded")

r = h.logon(c, "dave", "Dave-Pass1")
tok = r.get("token", {})
t.ok(r["status"] == 0 and "S-1-5-32-544" in tok.get("groups", []) and tok.get("privileges", 0) & 0x7 == 0x7,
     "an Administrator gets backup, restore and take-ownership")

# Account rights (what lsarpc's AddAccountRights stores: t/lsarpc-rpcclient.t
# grants them with net rpc rights) reach the next logon's token.
import sqlite3
def rights(sid, *names, remove=False):
    db = sqlite3.connect(inst.db, timeout=10)
    with db:
        db.execute("INSERT OR IGNORE INTO lsa_accounts(sid) VALUES (?)", (sid,))
        for n in names:
            if remove:
                db.execute("DELETE FROM lsa_account_rights WHERE sid = ? AND name = ?", (sid, n))
            else:
                db.execute("INSERT OR IGNORE INTO lsa_account_rights(sid, name) VALUES (?, ?)", (sid, n))
    db.close()
erin_sid = [l for l in inst.lwadmin("user", "show", "erin").splitlines() if l.startswith("SID:")][0].split()[-1]
tok = h.logon(c, "erin", "Erin-Pass1").get("token", {})
t.ok(tok.get("privileges") == 0x10, "erin holds no right of her own: SeChangeNotifyPrivilege only")
rights(erin_sid, "SeBackupPrivilege")
tok = h.logon(c, "erin", "Erin-Pass1").get("token", {})
t.ok(tok.get("privileges") == 0x11, "granted SeBackupPrivilege: her next token has it")
rights("S-1-5-32-545", "SeTakeOwnershipPrivilege")
tok = h.logon(c, "erin", "Erin-Pass1").get("token", {})
t.ok(tok.get("privileges") == 0x15, "a right granted to a group she is in (Users) reaches her token too")
rights("S-1-5-32-545", "SeTakeOwnershipPrivilege", remove=True)
rights(erin_sid, "SeDenyNetworkLogonRight")
r = h.logon(c, "erin", "Erin-Pass1")
t.ok(r["status"] == 0xC000015B, "SeDenyNetworkLogonRight: STATUS_LOGON_TYPE_NOT_GRANTED")
rights(erin_sid, "SeDenyNetworkLogonRight", "SeBackupPrivilege", remove=True)
tok = h.logon(c, "erin", "Erin-Pass1").get("token", {})
t.ok(tok.get("privileges") == 0x10, "revoked: back to SeChangeNotifyPrivilege alone")

r = h.logon(c, "alice", "Alice-Pass1", raw=True)
t.ok(r["status"] == 0 and r["session_key"] == r["exported_key"] and r["out"] == b"",
     "raw NTLMSSP (no SPNEGO) logon by impacket")
r = h.logon(c, "ALICE", "Alice-Pass1", domain="")
t.status(r["status"], "SUCCESS", "user names are case-insensitive; any domain name is the local one")

# ---- failures with the right status ----
t.status(h.logon(c, "alice", "wrong")["status"], "LOGON_FAILURE", "a wrong password")
t.status(h.logon(c, "nobody-here", "x")["status"], "LOGON_FAILURE", "an unknown user")
t.status(h.logon(c, "carol", "Carol-Pass1")["status"], "ACCOUNT_DISABLED", "a disabled account, right password")
t.status(h.logon(c, "carol", "wrong")["status"], "LOGON_FAILURE", "a disabled account, wrong password")
t.status(h.logon(c, "alice", "Alice-Pass1", use_ntlmv2=False)["status"], "LOGON_FAILURE",
         "NTLMv1 (impacket use_ntlmv2=False) is refused")

# Expired passwords: lsass.max-password-age, and a password set long ago.
inst.set("lsass.max-password-age", 1)
import sqlite3
db = sqlite3.connect(inst.db, timeout=10)
db.execute("UPDATE sam_users SET password_last_set = password_last_set - 200000")
db.commit()
db.close()
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "PASSWORD_EXPIRED", "a password older than lsass.max-password-age")
t.status(h.logon(c, "erin", "Erin-Pass1")["status"], "SUCCESS", "... unless it never expires")
inst.set("lsass.max-password-age", 0)
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "SUCCESS", "settings apply without a restart")

# ---- guest and anonymous ----
t.status(h.logon(c, "", "")["status"], "LOGON_FAILURE", "anonymous refused by default")
inst.set("lsass.allow-anonymous", "on")
r = h.logon(c, "", "")
t.ok(r["status"] == 0 and r.get("flags") == h.LOGON_ANONYMOUS and r["token"]["user"] == "S-1-5-7"
     and "S-1-5-11" not in r["token"]["groups"], "anonymous with lsass.allow-anonymous on: S-1-5-7, not Authenticated Users")
inst.set("lsass.allow-anonymous", "off")
inst.set("srv.guest", "on")
r = h.logon(c, "stranger", "whatever")
t.ok(r["status"] == 0 and r.get("flags") == h.LOGON_GUEST and r["session_key"] == b""
     and r["token"]["user"] == domain_sid + "-501" and "S-1-5-32-546" in r["token"]["groups"],
     "srv.guest on: an unknown user is Guest (RID 501, BUILTIN\\Guests), without a session key")
t.status(h.logon(c, "alice", "wrong")["status"], "LOGON_FAILURE", "... but a known user's wrong password is not")
inst.set("srv.guest", "off")

# ---- MICs: an AUTHENTICATE with an NTLM MIC and SPNEGO mechListMIC, built by hand with impacket ----
def mic_logon(corrupt_mic=False, corrupt_mech_list_mic=False, send_mech_list_mic=True):
    type1 = ntlm.getNTLMSSPType1("WS1", "", signingRequired=True)
    type1["os_version"] = b"\x0a\x00\x7c\x4f\x00\x00\x00\x0f"
    type1_bytes = type1.getData()
    init_token = h.spnego_init(type1_bytes)
    r = c.accept(0, init_token)
    type2 = h.challenge_of(r["out"], False)
    chal = ntlm.NTLMAuthChallenge(type2)
    flags = type1["flags"] & chal["flags"] | ntlm.NTLMSSP_NEGOTIATE_VERSION
    # The client's AV pairs: the server's, plus MsvAvFlags = MIC present.
    info, pos, av = chal["TargetInfoFields"], 0, b""
    while True:
        av_id, av_len = struct.unpack("<HH", info[pos:pos + 4])
        if av_id == 0:
            break
        av += info[pos:pos + 4 + av_len]
        if av_id == ntlm.NTLMSSP_AV_TIME:
            timestamp = info[pos + 4:pos + 12]
        pos += 4 + av_len
    av += struct.pack("<HHI", 6, 4, 2) + b"\x00\x00\x00\x00"
    key = ntlm.NTOWFv2("alice", "Alice-Pass1", "WORKGROUP")
    client_challenge = os.urandom(8)
    temp = b"\x01\x01" + b"\x00" * 6 + timestamp + client_challenge + b"\x00" * 4 + av + b"\x00" * 4
    proof = ntlm.hmac_md5(key, chal["challenge"] + temp)
    session_base_key = ntlm.hmac_md5(key, proof)
    exported = os.urandom(16)
    auth = ntlm.NTLMAuthChallengeResponse("", "", b"")
    auth["flags"] = flags
    auth["user_name"] = "alice".encode("utf-16le")
    auth["domain_name"] = "WORKGROUP".encode("utf-16le")
    auth["host_name"] = "WS1".encode("utf-16le")
    auth["lanman"] = b"\x00" * 24
    auth["ntlm"] = proof + temp
    auth["session_key"] = ARC4.new(session_base_key).encrypt(exported)
    auth["Version"] = b"\x0a\x00\x7c\x4f\x00\x00\x00\x0f"
    auth["MIC"] = b"\x00" * 16
    mic = ntlm.hmac_md5(exported, type1_bytes + type2 + auth.getData())
    auth["MIC"] = bytes([mic[0] ^ 1]) + mic[1:] if corrupt_mic else mic
    # SPNEGO mechListMIC over the MechTypeList, with the client's signing key.
    mech_types = h.mech_types_der(init_token)
    client_seal = ARC4.new(ntlm.SEALKEY(flags, exported, "Client"))
    sig = ntlm.MAC(flags, client_seal.encrypt, ntlm.SIGNKEY(flags, exported, "Client"), 0, mech_types).getData()
    if corrupt_mech_list_mic:
        sig = sig[:5] + bytes([sig[5] ^ 1]) + sig[6:]
    resp = h.spnego_resp(auth.getData())
    if send_mech_list_mic:
        # impacket's writer has no mechListMIC: append [3] OCTET STRING to the SEQUENCE.
        _, seq, _ = h.der_read(resp)
        _, body, _ = h.der_read(seq)
        mic_field = b"\xa3" + bytes([len(sig) + 2]) + b"\x04" + bytes([len(sig)]) + sig
        body += mic_field
        seq = b"\x30" + spnego.asn1encode(body)
        resp = b"\xa1" + spnego.asn1encode(seq)
    final = c.accept(r["handle"], resp)
    final["exported"] = exported
    final["flags_used"] = flags
    final["mech_types"] = mech_types
    return final

r = mic_logon()
t.status(r["status"], "SUCCESS", "AUTHENTICATE with an NTLM MIC and a SPNEGO mechListMIC")
fields = h.neg_token_resp_fields(r["out"]) if r["status"] == 0 else {}
server_seal = ARC4.new(ntlm.SEALKEY(r["flags_used"], r["exported"], "Server"))
want = ntlm.MAC(r["flags_used"], server_seal.encrypt, ntlm.SIGNKEY(r["flags_used"], r["exported"], "Server"), 0,
                r["mech_types"]).getData()
t.ok(fields.get(3) == want, "our mechListMIC is what impacket computes for the server")
t.status(mic_logon(corrupt_mic=True)["status"], "LOGON_FAILURE", "a wrong NTLM MIC is refused")
t.status(mic_logon(corrupt_mech_list_mic=True)["status"], "LOGON_FAILURE", "a wrong mechListMIC is refused")
t.status(mic_logon(send_mech_list_mic=False)["status"], "SUCCESS", "no mechListMIC is fine when NTLMSSP was preferred")

# ---- malformed tokens: a clean failure status, and lsassd stays up ----
type1 = ntlm.getNTLMSSPType1("WS1", "", signingRequired=True)
good_init = h.spnego_init(type1.getData())
for name, token in [
    ("a truncated negTokenInit", good_init[:-5]),
    ("a negTokenInit cut in its header", good_init[:3]),
    ("an indefinite length", b"\x60\x80" + good_init[2:]),
    ("an absurd length", b"\xa1\x84\xff\xff\xff\xff\x30\x00"),
    ("a five-byte length", b"\xa1\x85\x00\x00\x00\x00\x02\x30\x00"),
    ("garbage", bytes(range(1, 65))),
    ("a truncated NEGOTIATE", type1.getData()[:20]),
]:
    t.status(c.accept(0, token)["status"], "INVALID_PARAMETER", "refused: " + name)

def field(data, offset, length, where):
    return data[:offset] + struct.pack("<HHI", length, length, where) + data[offset + 8:]

def long_session_key(data):
    return field(data, 52, 17, len(data)) + b"\x00" * 17

def drop_av(av_id):
    def mutate(data):
        nt_len, _, nt_off = struct.unpack("<HHI", data[20:28])
        pos = nt_off + 44
        while pos < nt_off + nt_len:
            i, l = struct.unpack("<HH", data[pos:pos + 4])
            if i == av_id:
                return data[:pos] + struct.pack("<H", 0x77) + data[pos + 2:]
            if i == 0:
                break
            pos += 4 + l
        return data
    return mutate

for name, mutate, want in [
    ("a 17-byte EncryptedRandomSessionKey", long_session_key, "INVALID_PARAMETER"),
    ("an NT response offset past the end", lambda d: field(d, 20, 200, 0xFFFFFF00), "INVALID_PARAMETER"),
    ("a user name longer than the message", lambda d: field(d, 36, 0xFFFF, 64), "INVALID_PARAMETER"),
    ("a missing MsvAvNbComputerName", drop_av(1), "INVALID_PARAMETER"),
    ("a missing MsvAvNbDomainName", drop_av(2), "INVALID_PARAMETER"),
    ("a truncated AUTHENTICATE", lambda d: d[:40], "INVALID_PARAMETER"),
]:
    t.status(h.logon(c, "alice", "Alice-Pass1", mutate=mutate)["status"], want, "refused: " + name)

# Framing abuse: a length beyond the limit closes that connection only.
bad = h.Conn(inst.socket)
bad.send_raw(struct.pack("<I", 0x7FFFFFFF) + b"\x01\x00\x00\x00")
try:
    closed = bad.s.recv(1) == b""
except OSError:
    closed = True
t.ok(closed, "an oversized message length: the connection is closed")
bad.close()
status, _ = c.call(h.OP_ACCEPT, b"\x00\x01")
t.status(status, "INVALID_PARAMETER", "a short ACCEPT body")
status, _ = c.call(99)
t.ok(status == 0xC0000002, "an unknown opcode: STATUS_NOT_IMPLEMENTED")
t.ok(inst.alive() and c.call(h.OP_HELLO)[0] == 0, "lsassd is still serving")

# ---- context handles ----
r = c.accept(0, good_init)
handle = r["handle"]
t.ok(r["status"] == S["MORE_PROCESSING_REQUIRED"] and handle != 0, "a continuing context has a handle")
t.status(c.call(h.OP_DELETE, struct.pack("<Q", handle))[0], "SUCCESS", "DELETE_CONTEXT releases it")
t.status(c.call(h.OP_DELETE, struct.pack("<Q", handle))[0], "INVALID_HANDLE", "... once")
t.status(c.accept(handle, b"\xa1\x00")["status"], "INVALID_HANDLE", "a deleted handle is unknown")
t.status(c.accept(0x1234567890ABCDEF, b"\xa1\x00")["status"], "INVALID_HANDLE", "a made-up handle is unknown")
r = c.accept(0, good_init)
time.sleep(3.5)  # lsassd runs with --context-timeout 2
t.status(c.accept(r["handle"], b"\xa1\x00")["status"], "INVALID_HANDLE", "an abandoned context is reclaimed after the timeout")

# ---- peer credentials: another uid may say hello but not authenticate ----
os.chmod(inst.dir, 0o711)
os.chmod(inst.run_dir, 0o711)
probe = r"""
import os, socket, struct, sys
os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def call(op, body=b""):
    msg = struct.pack("<II", op, 1) + body
    s.sendall(struct.pack("<I", len(msg)) + msg)
    n = struct.unpack("<I", s.recv(4))[0]
    data = b""
    while len(data) < n: data += s.recv(n - len(data))
    return struct.unpack("<I", data[8:12])[0]
print(call(1), call(2), call(3, struct.pack("<QII", 0, 0, 0) + struct.pack("<I", 0)))
"""
if os.geteuid() == 0:
    out = subprocess.run(["/usr/bin/python3", "-c", probe, inst.socket], capture_output=True, text=True, timeout=30)
    codes = out.stdout.split()
    t.ok(codes == ["0", str(S["ACCESS_DENIED"]), str(S["ACCESS_DENIED"])],
         "uid 65534: HELLO answered, NEGOTIATE_TOKEN and ACCEPT denied")
    if out.returncode != 0:
        t.diag(out.stderr)
else:
    t.ok(True, "# SKIP not root: cannot test another uid")
os.chmod(inst.run_dir, 0o700)
os.chmod(inst.dir, 0o700)

c.close()
t.ok(inst.alive(), "lsassd survived everything")
inst.stop_cleanly(t)
t.done()
