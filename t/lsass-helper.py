# Shared by the Python lsassd tests (t/lsass-*.t; not a test itself): TAP
# output, a scratch instance (registry provisioned with lwadmin, lsassd
# started in the foreground and stopped by PID), the socket protocol of
# docs/lsass.md, and NTLM/SPNEGO exchanges built by impacket.
import atexit
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

from impacket import ntlm, spnego

BUILD = os.environ.get("SW_BUILD")
SRC = os.environ.get("SW_SRC")

STATUS = {
    "SUCCESS": 0x00000000,
    "MORE_PROCESSING_REQUIRED": 0xC0000016,
    "INVALID_PARAMETER": 0xC000000D,
    "INVALID_HANDLE": 0xC0000008,
    "ACCESS_DENIED": 0xC0000022,
    "LOGON_FAILURE": 0xC000006D,
    "ACCOUNT_DISABLED": 0xC0000072,
    "ACCOUNT_LOCKED_OUT": 0xC0000234,
    "PASSWORD_EXPIRED": 0xC0000071,
    "NOT_SUPPORTED": 0xC00000BB,
}
NAMES = {v: k for k, v in STATUS.items()}

OP_HELLO, OP_NEGOTIATE_TOKEN, OP_ACCEPT, OP_DELETE = 1, 2, 3, 4
LOGON_GUEST, LOGON_ANONYMOUS = 1, 2
NTLMSSP_OID = spnego.TypesMech["NTLMSSP - Microsoft NTLM Security Support Provider"]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, name), flush=True)
        if not cond:
            self.failed += 1
        return cond

    def status(self, got, want, name):
        good = self.ok(got == STATUS[want], name)
        if not good:
            self.diag("got %s, expected %s" % (NAMES.get(got, hex(got)), want))
        return good

    def diag(self, text):
        for line in str(text).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


def skip_all(reason):
    print("1..0 # SKIP " + reason)
    sys.exit(0)


class Instance:
    """A scratch registry and the lsassd serving it."""

    def __init__(self, context_timeout=None):
        if not BUILD:
            skip_all("run through make check (SW_BUILD unset)")
        self.dir = tempfile.mkdtemp(prefix="sw-lsass.")
        atexit.register(self.cleanup)
        self.db = os.path.join(self.dir, "registry.db")
        self.run_dir = os.path.join(self.dir, "registry.run")
        self.socket = os.path.join(self.run_dir, "lsassd.sock")
        self.proc = None
        self.context_timeout = context_timeout
        self.lwadmin("init")
        # Tests that are not about the failed-logon delay (default 2 s) do
        # not wait for it; those that are set it themselves.
        self.set("lsass.failed-logon-delay", 0)

    def lwadmin(self, *args, stdin=None):
        result = subprocess.run([os.path.join(BUILD, "bin", "lwadmin"), "--db", self.db] + list(args),
                                input=stdin, capture_output=True, text=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError("lwadmin %s: %s" % (" ".join(args), result.stderr.strip()))
        return result.stdout

    def add_user(self, name, password, *options):
        self.lwadmin("user", "add", name, "--password-stdin", *options, stdin=password + "\n")

    def set(self, key, value):
        self.lwadmin("config", "set", key, str(value))

    def start(self):
        cmd = [os.path.join(BUILD, "bin", "lsassd"), "--db", self.db, "--foreground", "--log-level", "info"]
        if self.context_timeout is not None:
            cmd += ["--context-timeout", str(self.context_timeout)]
        self.log = open(os.path.join(self.dir, "lsassd.stderr"), "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                Conn(self.socket).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError("lsassd did not start: " + self.stderr())

    def stderr(self):
        with open(os.path.join(self.dir, "lsassd.stderr")) as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        """Stops lsassd (SIGTERM to the PID we started); its exit status."""
        rc = None
        if self.proc:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            rc = self.proc.returncode
        self.proc = None
        return rc

    def stop_cleanly(self, tap):
        """Stops lsassd and checks it exited 0 without a sanitizer report."""
        rc = self.stop()
        err = self.stderr()
        bad = [l for l in err.splitlines() if "Sanitizer" in l or "runtime error" in l]
        if not tap.ok(rc == 0 and not bad, "lsassd stops on SIGTERM with status 0 and no sanitizer report"):
            tap.diag("exit status %s" % rc)
            tap.diag("\n".join(err.splitlines()[-40:]))

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(60)
        self.s.connect(path)
        self.next_id = 1

    def close(self):
        self.s.close()

    def recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.s.recv(n - len(data))
            if not chunk:
                raise EOFError("lsassd closed the connection")
            data += chunk
        return data

    def send_raw(self, data):
        self.s.sendall(data)

    def call(self, opcode, body=b""):
        rid = self.next_id
        self.next_id += 1
        msg = struct.pack("<II", opcode, rid) + body
        self.s.sendall(struct.pack("<I", len(msg)) + msg)
        n = struct.unpack("<I", self.recv_exact(4))[0]
        resp = self.recv_exact(n)
        op, got_id, status = struct.unpack("<III", resp[:12])
        assert op == opcode and got_id == rid, "response does not match the request"
        return status, resp[12:]

    def accept(self, handle, token, client="127.0.0.1"):
        body = struct.pack("<QI", handle, 0) + lp(token) + lp(client.encode())
        status, resp = self.call(OP_ACCEPT, body)
        result = {"status": status, "handle": 0, "out": b""}
        if status in (STATUS["SUCCESS"], STATUS["MORE_PROCESSING_REQUIRED"]):
            r = Reader(resp)
            result["handle"] = r.u64()
            result["out"] = r.bytes()
            if status == STATUS["SUCCESS"]:
                result["session_key"] = r.bytes()
                result["flags"] = r.u32()
                result["user"] = r.bytes().decode()
                result["domain"] = r.bytes().decode()
                result["token"] = parse_token(r.bytes())
        return result


def lp(data):
    return struct.pack("<I", len(data)) + data


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        assert self.pos + n <= len(self.data), "short message"
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def bytes(self):
        return self.take(self.u32())

    def sid(self):
        rev, count = self.take(2)
        auth = int.from_bytes(self.take(6), "big")
        subs = struct.unpack("<%dI" % count, self.take(4 * count))
        return "S-%d-%d%s" % (rev, auth, "".join("-%d" % s for s in subs))


def parse_token(data):
    """lib/token.h token_write(): user, primary group, privileges, uid, gid,
    anonymous, guest, unix_id_shared, groups."""
    r = Reader(data)
    t = {"user": r.sid(), "primary_group": r.sid(), "privileges": r.u32(), "uid": r.u32(), "gid": r.u32(),
         "anonymous": r.u8(), "guest": r.u8(), "unix_id_shared": r.u8()}
    t["groups"] = [r.sid() for _ in range(r.u32())]
    return t


# ---- DER, just enough to find fields in the acceptor's answers ----

def der_read(data, pos=0):
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    return tag, data[pos:pos + length], pos + length


def neg_token_resp_fields(data):
    """{tag number: value TLV content} of a negTokenResp (a1 { 30 { [n] ... } })."""
    tag, seq, _ = der_read(data)
    assert tag == 0xA1
    tag, body, _ = der_read(seq)
    assert tag == 0x30
    fields, pos = {}, 0
    while pos < len(body):
        tag, value, pos = der_read(body, pos)
        _, inner, _ = der_read(value)
        fields[tag & 0x1F] = inner
    return fields


def mech_types_der(init_token):
    """The MechTypeList inside an impacket InitialContextToken."""
    tag, app, _ = der_read(init_token)          # 60
    _, _, pos = der_read(app)                   # thisMech OID
    _, choice, _ = der_read(app, pos)           # a0
    _, seq, _ = der_read(choice)                # 30
    _, field, _ = der_read(seq)                 # a0 mechTypes
    tag, _, end = der_read(field)               # 30 MechTypeList
    return field[:end]


# ---- NTLM exchanges with impacket as the client ----

def spnego_init(type1_bytes):
    init = spnego.SPNEGO_NegTokenInit()
    init["MechTypes"] = [NTLMSSP_OID]
    init["MechToken"] = type1_bytes
    return init.getData()


def spnego_resp(token):
    resp = spnego.SPNEGO_NegTokenResp()
    resp["ResponseToken"] = token
    return resp.getData()


def challenge_of(out, raw):
    if raw:
        return out
    return spnego.SPNEGO_NegTokenResp(out)["ResponseToken"]


def logon(conn, user, password, domain="WORKGROUP", raw=False, use_ntlmv2=True, mutate=None):
    """A whole logon with impacket's NTLM; mutate(type3_bytes) may corrupt the
    AUTHENTICATE. Returns the final accept() result plus 'exported_key'."""
    type1 = ntlm.getNTLMSSPType1("WS1", "", signingRequired=True, use_ntlmv2=use_ntlmv2)
    first = type1.getData() if raw else spnego_init(type1.getData())
    r = conn.accept(0, first)
    if r["status"] != STATUS["MORE_PROCESSING_REQUIRED"]:
        return r
    type2 = challenge_of(r["out"], raw)
    type3, exported = ntlm.getNTLMSSPType3(type1, type2, user, password, domain, use_ntlmv2=use_ntlmv2)
    data = type3.getData()
    if mutate:
        data = mutate(data)
    final = conn.accept(r["handle"], data if raw else spnego_resp(data))
    final["exported_key"] = exported
    return final
