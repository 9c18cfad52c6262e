"""A raw SMB 2.1 client for tests that misbehave on purpose (t/srv-flood.t,
t/srv-slow.t) or build what a library hides (t/srv-leases.py): every byte on the wire is the test's, with NTLMv2 from
impacket's ntlm module for the logon. Every wait is bounded by the socket
timeout."""
import os
import socket
import struct
import subprocess

NEGOTIATE, SESSION_SETUP, TREE_CONNECT, CREATE, READ, ECHO = 0, 1, 3, 5, 8, 13
SUCCESS, MORE, PENDING = 0, 0xC0000016, 0x103


def status(r):
    return None if r is None else struct.unpack_from("<I", r, 8)[0]


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def closed_within(s, seconds):
    """True if the server closes s within seconds (what it sends first is
    read and dropped)."""
    import time
    deadline = time.time() + seconds
    try:
        while time.time() < deadline:
            s.settimeout(max(0.05, deadline - time.time()))
            if s.recv(65536) == b"":
                return True
    except (ConnectionError, OSError):
        return True
    except socket.timeout:
        return False
    return False


def create_context(name, data):
    """One SMB2_CREATE_CONTEXT (2.2.13.2): name at 16, data at 24, padded
    to 8 bytes; context_chain links several."""
    c = struct.pack("<IHHHHI", 0, 16, 4, 0, 24, len(data)) + name + b"\0" * 4 + data
    return c + b"\0" * (-len(c) % 8)


def context_chain(contexts):
    out = b""
    for i, c in enumerate(contexts):
        if i + 1 < len(contexts):
            c = struct.pack("<I", len(c)) + c[4:]
        out += c
    return out


# ---- What the attack tests measure: lwiod's use, and a normal client ----

def cpu_seconds(pid):
    """utime + stime of process pid, fields 14 and 15 of /proc/PID/stat."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def smbclient_lists(conf, auth, port, share, name):
    """smbclient logs on and lists share, and name is in the listing:
    (whether it did, the end of smbclient's output)."""
    r = subprocess.run(["smbclient", "-s", conf, "-A", auth, "-p", str(port),
                        "//127.0.0.1/" + share, "-c", "ls"],
                       capture_output=True, text=True, timeout=120)
    return name in r.stdout, (r.stdout + r.stderr)[-400:]


class Client:
    def __init__(self, port, source="127.0.0.1", timeout=20):
        self.s = socket.socket()
        self.s.settimeout(timeout)
        self.s.bind((source, 0))
        self.s.connect(("127.0.0.1", port))
        self.mid = 0
        self.sid = 0
        self.tid = 0

    def header(self, cmd, credits=64, charge=0, sid=None, tid=None):
        h = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, charge, 0, cmd, credits, 0, 0,
                        self.mid, 0, self.tid if tid is None else tid,
                        self.sid if sid is None else sid, b"\0" * 16)
        self.mid += max(charge, 1)
        return h

    def send(self, payload):
        self.s.sendall(frame(payload))

    def recv(self):
        head = self._exactly(4)
        if head is None:
            return None
        return self._exactly(struct.unpack(">I", head)[0] & 0xFFFFFF)

    def _exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.s.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def recv_final(self):
        while True:
            r = self.recv()
            if r is None or status(r) != PENDING:
                return r

    def negotiate_msg(self, credits=64):
        body = struct.pack("<HHHHI16sIHH", 36, 1, 1, 0, 0, b"samewise-raw-tst", 0, 0, 0) + \
            struct.pack("<H", 0x0210)
        return self.header(NEGOTIATE, credits=credits, sid=0, tid=0) + body

    def negotiate(self, credits=64):
        self.send(self.negotiate_msg(credits))
        return status(self.recv())

    def session_setup_msg(self, token, credits=64, sid=None):
        body = struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, len(token), 0) + token
        return self.header(SESSION_SETUP, credits=credits, sid=sid) + body

    def logon(self, user, password, credits=64):
        from impacket import ntlm
        t1 = ntlm.getNTLMSSPType1('', '', signingRequired=False)
        self.send(self.session_setup_msg(t1.getData(), credits, sid=0))
        r = self.recv()
        if status(r) != MORE:
            return status(r)
        self.sid = struct.unpack_from("<Q", r, 40)[0]
        off, length = struct.unpack_from("<HH", r, 64 + 4)
        t3, _ = ntlm.getNTLMSSPType3(t1, r[off:off + length], user, password, '')
        self.send(self.session_setup_msg(t3.getData(), credits))
        return status(self.recv())

    def tree_connect(self, name, credits=64):
        path = ("\\\\127.0.0.1\\" + name).encode("utf-16-le")
        body = struct.pack("<HHHH", 9, 0, 64 + 8, len(path)) + path
        self.send(self.header(TREE_CONNECT, credits=credits, tid=0) + body)
        r = self.recv()
        self.tid = struct.unpack_from("<I", r, 36)[0] if r else 0
        return status(r)

    def open(self, name, credits=64):
        """CREATE for reading; the 16-byte FileId, or None."""
        n = name.encode("utf-16-le")
        body = struct.pack("<HBBIQQIIIIIHHII", 57, 0, 0, 2, 0, 0, 0x00120089, 0x80, 7, 1, 0x40,
                           64 + 56, len(n), 0, 0) + n
        self.send(self.header(CREATE, credits=credits) + body)
        r = self.recv_final()
        return r[64 + 64:64 + 80] if status(r) == SUCCESS else None

    def read_msg(self, fid, length, offset=0):
        """A READ of length bytes with the credit charge it needs."""
        charge = (length + 65535) // 65536
        body = struct.pack("<HBBIQ16sIIIHHB", 49, 0x50, 0, length, offset, fid, 0, 0, 0, 0, 0, 0)
        return self.header(READ, credits=charge, charge=charge) + body

    def echo(self):
        self.send(self.header(ECHO) + struct.pack("<HH", 4, 0))
        return status(self.recv())
