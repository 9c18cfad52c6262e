#!/usr/bin/python3
# lsassd's defences before and around a logon, through the real appliance
# (lwadmin start: lwiod with srv, lsassd) and real clients:
#
# - half-finished logons: one client address that opens many connections,
#   each sending a first NTLMSSP leg and never finishing, holds at most
#   lsass.max-pending-logons-per-address (its newest displace its oldest),
#   one connection at most lsass.max-pending-logons-per-connection (more are
#   refused); smbclient from another address still logs on, also when the
#   whole table (lsass.max-pending-logons) is full;
#   lsass.pending-logon-timeout frees the unfinished ones.
# - blank passwords are refused over the network (STATUS_ACCOUNT_RESTRICTION)
#   unless lsass.allow-blank-passwords is on.
# - the default failed-logon delay (2 s) is applied; lsass.max-delayed-logons
#   bounds how many failures wait at once; the default lockout policy locks
#   an account after 10 bad passwords.
#
# The flooding client binds its sockets to other loopback addresses
# (127.0.0.2 ...) and connects to srv on 127.0.0.1, so srv sees it as
# another address than smbclient (127.0.0.1).
import os
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Tap, Appliance  # noqa: E402

STATUS_MORE_PROCESSING_REQUIRED = 0xC0000016
STATUS_INSUFF_SERVER_RESOURCES = 0xC0000205
STATUS_INVALID_HANDLE = 0xC0000008

tap = Tap()
SMBConnection = tap.need_impacket()
Tap.need_program("smbclient", "smbclient")


def smb2_header(command, message_id, session_id=0):
    return struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 1, 0, command, 32, 0, 0, message_id, 0, 0,
                       session_id, b"\0" * 16)


def send(sock, msg):
    sock.sendall(struct.pack(">I", len(msg)) + msg)


def receive(sock):
    """One SMB2 message (a STATUS_PENDING interim answer is skipped)."""
    while True:
        head = b""
        while len(head) < 4:
            chunk = sock.recv(4 - len(head))
            if not chunk:
                raise ConnectionError("closed")
            head += chunk
        n = struct.unpack(">I", head)[0] & 0xFFFFFF
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        status = struct.unpack_from("<I", data, 8)[0]
        flags = struct.unpack_from("<I", data, 16)[0]
        if status == 0x103 and flags & 0x2:  # STATUS_PENDING, async
            continue
        return data


# A raw NTLMSSP NEGOTIATE_MESSAGE ([MS-NLMP] 2.2.1.1): UNICODE, REQUEST_TARGET,
# NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, 128, KEY_EXCH, 56.
NTLM_NEGOTIATE = b"NTLMSSP\0" + struct.pack("<II", 1, 0xE0088205) + b"\0" * 16


class Flooder:
    """One TCP connection from source address src: NEGOTIATE, then first
    legs that are never finished."""

    def __init__(self, port, src):
        self.sock = socket.socket()
        self.sock.settimeout(30)
        self.sock.bind((src, 0))
        self.sock.connect(("127.0.0.1", port))
        self.mid = 0
        self.sessions = []
        dialects = struct.pack("<H", 0x0210)
        body = struct.pack("<HHHHI16sQ", 36, 1, 1, 0, 0, b"F" * 16, 0) + dialects
        send(self.sock, smb2_header(0, self.mid) + body)
        self.mid += 1
        receive(self.sock)

    def first_leg(self):
        """A SESSION_SETUP for a new session with the NTLM NEGOTIATE: its status."""
        body = struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, len(NTLM_NEGOTIATE), 0) + NTLM_NEGOTIATE
        send(self.sock, smb2_header(1, self.mid) + body)
        self.mid += 1
        answer = receive(self.sock)
        status = struct.unpack_from("<I", answer, 8)[0]
        if status == STATUS_MORE_PROCESSING_REQUIRED:
            self.sessions.append(struct.unpack_from("<Q", answer, 40)[0])
        return status

    def second_leg(self, session_id):
        """A malformed AUTHENTICATE for session_id: lsassd answers
        STATUS_INVALID_HANDLE if the half-finished logon is gone, and
        another failure if it was still there."""
        token = b"NTLMSSP\0" + struct.pack("<I", 3) + b"\0" * 56
        body = struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, len(token), 0) + token
        send(self.sock, smb2_header(1, self.mid, session_id) + body)
        self.mid += 1
        return struct.unpack_from("<I", receive(self.sock), 8)[0]

    def close(self):
        self.sock.close()


def flood(port, src, connections, legs_each=1):
    """Opens connections from src, each sending legs_each first legs; returns
    (the open Flooders, the statuses)."""
    flooders, statuses = [], []
    for _ in range(connections):
        f = Flooder(port, src)
        flooders.append(f)
        for _ in range(legs_each):
            statuses.append(f.first_leg())
    return flooders, statuses


def close_all(flooders):
    for f in flooders:
        f.close()
    time.sleep(1)  # srv releases the contexts of a closed connection


with Appliance("lsass-hardening") as a:
    a.lwadmin("share", "add", "data", a.dir("data"), "--grant", "Everyone:full")
    a.lwadmin("config", "set", "lsass.max-pending-logons-per-address", "10")
    a.lwadmin("config", "set", "lsass.max-pending-logons-per-connection", "4")
    a.start()
    conf = os.path.join(a.tmp, "client.conf")
    cdir = a.dir("client", 0o700)
    with open(conf, "w") as f:
        f.write("[global]\n    workgroup = WORKGROUP\n    client min protocol = SMB2_02\n"
                "    client max protocol = SMB3\n    lock directory = %s\n    state directory = %s\n"
                "    cache directory = %s\n    private dir = %s\n    ncalrpc dir = %s/ncalrpc\n"
                "    disable netbios = yes\n" % (cdir, cdir, cdir, cdir, cdir))

    def smbclient(user, password, command="ls"):
        auth = os.path.join(a.tmp, "auth.txt")
        fd = os.open(auth, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, ("username = %s\npassword = %s\n" % (user, password)).encode())
        os.close(fd)
        start = time.monotonic()
        r = subprocess.run(["smbclient", "-s", conf, "-A", auth, "-p", str(a.port), "-m", "SMB3",
                            "//127.0.0.1/data", "-c", command], capture_output=True, text=True, timeout=120)
        return r.stdout + r.stderr, time.monotonic() - start

    def logs_on(out):
        return "NT_STATUS" not in out and "blocks of size" in out

    # ---- One address, many connections, never finishing. ----
    held, statuses = flood(a.port, "127.0.0.2", 14)
    tap.check(statuses == [STATUS_MORE_PROCESSING_REQUIRED] * 14,
              "14 connections from 127.0.0.2 each start a logon", ["0x%08x" % s for s in statuses])
    out, _ = smbclient("alice", "Alice-Pass1")
    tap.check(logs_on(out), "meanwhile smbclient from 127.0.0.1 logs on and lists the share", out)
    seconds = [f.second_leg(f.sessions[0]) for f in held]
    tap.check(seconds[:4] == [STATUS_INVALID_HANDLE] * 4 and STATUS_INVALID_HANDLE not in seconds[4:],
              "127.0.0.2 held at most 10 (lsass.max-pending-logons-per-address): its 4 oldest were "
              "displaced (their next leg: STATUS_INVALID_HANDLE), the 10 newest were kept",
              ["0x%08x" % s for s in seconds])

    more, statuses = flood(a.port, "127.0.0.3", 1, legs_each=6)
    held += more
    tap.check(statuses == [STATUS_MORE_PROCESSING_REQUIRED] * 4 + [STATUS_INSUFF_SERVER_RESOURCES] * 2,
              "6 first legs on one connection: 4 held, 2 refused (lsass.max-pending-logons-per-connection 4)",
              ["0x%08x" % s for s in statuses])
    close_all(held)

    # ---- The whole table full: the address holding the most makes room. ----
    a.lwadmin("config", "set", "lsass.max-pending-logons", "16")
    a.lwadmin("config", "set", "lsass.max-pending-logons-per-address", "64")
    held, statuses = flood(a.port, "127.0.0.4", 20)
    accepted = statuses.count(STATUS_MORE_PROCESSING_REQUIRED)
    tap.check(accepted == 16 and statuses.count(STATUS_INSUFF_SERVER_RESOURCES) == 4,
              "20 connections from 127.0.0.4 fill lsass.max-pending-logons (16); 4 refused",
              ["0x%08x" % s for s in statuses])
    out, _ = smbclient("alice", "Alice-Pass1")
    tap.check(logs_on(out), "with the table full, smbclient from 127.0.0.1 still logs on "
              "(127.0.0.4's oldest half-finished logon made room)", out)

    # ---- lsass.pending-logon-timeout frees unfinished logons. ----
    f = Flooder(a.port, "127.0.0.4")
    statuses = [f.first_leg(), f.first_leg()]
    tap.check(statuses == [STATUS_MORE_PROCESSING_REQUIRED, STATUS_INSUFF_SERVER_RESOURCES],
              "127.0.0.4 takes back the room smbclient's finished logon left, then gets no more "
              "while its half-finished logons live", ["0x%08x" % s for s in statuses])
    held.append(f)
    a.lwadmin("config", "set", "lsass.pending-logon-timeout", "2")
    time.sleep(5)  # 2 s of life, the once-a-second reaper, a loaded machine
    fresh, statuses = flood(a.port, "127.0.0.4", 4)
    tap.check(statuses == [STATUS_MORE_PROCESSING_REQUIRED] * 4,
              "after lsass.pending-logon-timeout (2 s) the unfinished ones are freed: new first legs are held",
              ["0x%08x" % s for s in statuses])
    old = [f.second_leg(f.sessions[0]) for f in held if f.sessions]
    tap.check(len(old) == 17 and old == [STATUS_INVALID_HANDLE] * len(old),
              "... and the 17 expired (or displaced) ones' next legs get STATUS_INVALID_HANDLE", ["0x%08x" % s for s in old])
    close_all(held + fresh)
    for key in ("lsass.max-pending-logons", "lsass.max-pending-logons-per-address",
                "lsass.max-pending-logons-per-connection", "lsass.pending-logon-timeout"):
        a.lwadmin("config", "unset", key)

    # ---- Blank passwords. ----
    a.lwadmin("user", "add", "blank", "--password-stdin", stdin="\n")
    out, _ = smbclient("blank", "")
    tap.check("NT_STATUS_ACCOUNT_RESTRICTION" in out,
              "a user with an empty password is refused by default: NT_STATUS_ACCOUNT_RESTRICTION", out)
    out, _ = smbclient("blank", "not-empty")
    tap.check("NT_STATUS_LOGON_FAILURE" in out, "... and a wrong password for it is a plain logon failure", out)
    a.lwadmin("config", "set", "lsass.allow-blank-passwords", "on")
    out, _ = smbclient("blank", "")
    tap.check(logs_on(out), "with lsass.allow-blank-passwords on it logs on", out)
    a.lwadmin("config", "set", "lsass.allow-blank-passwords", "off")
    out, _ = smbclient("blank", "")
    tap.check("NT_STATUS_ACCOUNT_RESTRICTION" in out, "... and off again it is refused", out)

    # ---- The default failed-logon delay (the fixture set 0). ----
    a.lwadmin("config", "unset", "lsass.failed-logon-delay")
    got = a.lwadmin("config", "get", "lsass.failed-logon-delay").stdout.strip()
    tap.check(got.startswith("2000"), "lsass.failed-logon-delay defaults to 2000 ms", got)
    out, elapsed = smbclient("alice", "wrong-password")
    tap.check("NT_STATUS_LOGON_FAILURE" in out and elapsed >= 1.5,
              "a wrong password is answered after the default delay (%.2f s >= 1.5 s)" % elapsed, out)

    # ---- lsass.max-delayed-logons: the excess is answered at once. ----
    a.lwadmin("config", "set", "lsass.failed-logon-delay", "6000")
    a.lwadmin("config", "set", "lsass.max-delayed-logons", "2")
    results = [None] * 8

    def wrong(i):
        try:
            c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=a.port, timeout=60)
        except Exception as e:
            results[i] = ("connect", repr(e), 0)
            return
        start = time.monotonic()
        try:
            c.login("nobody-%d" % i, "wrong")
            results[i] = ("logged on", "", time.monotonic() - start)
        except Exception as e:
            results[i] = ("refused", str(e), time.monotonic() - start)

    threads = [threading.Thread(target=wrong, args=(i,)) for i in range(len(results))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    refused = [r for r in results if r and r[0] == "refused" and "LOGON_FAILURE" in r[1]]
    quick = [r for r in refused if r[2] < 4.0]
    slow = [r for r in refused if r[2] >= 5.0]
    tap.check(len(refused) == len(results) and len(quick) >= 3 and 1 <= len(slow) <= 4,
              "8 parallel wrong passwords with lsass.max-delayed-logons 2: all refused, "
              "%d after the 6 s delay, %d at once" % (len(slow), len(quick)),
              [(r[0], r[1][:60], round(r[2], 2)) if r else None for r in results])
    a.lwadmin("config", "unset", "lsass.max-delayed-logons")

    # ---- Lockout on by default: 10 bad passwords. ----
    a.lwadmin("config", "set", "lsass.failed-logon-delay", "0")
    got = a.lwadmin("config", "get", "lsass.lockout-threshold").stdout.strip()
    tap.check(got.startswith("10"), "lsass.lockout-threshold defaults to 10", got)
    for i in range(10):
        smbclient("alice", "wrong-%d" % i)
    out, _ = smbclient("alice", "Alice-Pass1")
    tap.check("NT_STATUS_ACCOUNT_LOCKED_OUT" in out,
              "after 10 bad passwords the right one is refused: NT_STATUS_ACCOUNT_LOCKED_OUT", out)
    a.lwadmin("user", "set", "alice", "--unlock")
    out, _ = smbclient("alice", "Alice-Pass1")
    tap.check(logs_on(out), "an administrator's unlock lets alice in again", out)

tap.finish()
