#!/usr/bin/python3
# The event log against a running appliance, read as Event Viewer reads it
# ([MS-EVEN] on \pipe\eventlog over SMB) by impacket's even module and by
# rpcclient: a share added with lwadmin shows up in Security (5142), failed
# logons too (4625, audit failure) and a lockout (4740); the daemons' starts
# in System (7036) and their stops once stopped; counts and oldest numbers
# agree with what a read returns; the buffer-too-small answer carries the
# size needed; a plain user is refused; clearing and backups are refused;
# malformed NDR gets a fault; failed logons are recorded at most
# audit.logon-failures-per-minute a minute; `lwadmin log --follow` shows a
# new failed logon as it happens.
import glob
import json
import os
import re
import select
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
tap.need_program("rpcclient", "samba-common-bin")
from impacket.dcerpc.v5 import even, transport  # noqa: E402
from impacket.dcerpc.v5.rpcrt import DCERPCException  # noqa: E402
check = tap.check

STATUS_ACCESS_DENIED = 0xC0000022
STATUS_BUFFER_TOO_SMALL = 0xC0000023
STATUS_END_OF_FILE = 0xC0000011
STATUS_NOT_SUPPORTED = 0xC00000BB
FAULT_NDR = 0x6F7
FLOOD_BOUND = 6


def connect(a, user, password):
    t = transport.DCERPCTransportFactory(r"ncacn_np:127.0.0.1[\pipe\eventlog]")
    t.set_dport(a.port)
    t.set_credentials(user, password)
    t.set_connect_timeout(15)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(even.MSRPC_UUID_EVEN)
    return dce


def error_of(fn):
    try:
        fn()
        return 0
    except DCERPCException as e:
        return e.get_error_code()


def records(buf, size):
    """The EVENTLOGRECORDs of a read, by their offsets: (number, event id,
    type, source, strings)."""
    out, pos = [], 0
    while pos + 56 <= size:
        (length, sig, number, _, _, event_id, event_type, nstrings, _, _, _, string_offset, _, sid_offset,
         _, data_offset) = struct.unpack_from("<6I4H6I", buf, pos)
        if sig != 0x654C664C or struct.unpack_from("<I", buf, pos + length - 4)[0] != length:
            raise ValueError("a malformed record at %d" % pos)
        names = buf[pos + 56:pos + sid_offset].decode("utf-16le").split("\0")
        strings = buf[pos + string_offset:pos + data_offset].decode("utf-16le").split("\0")[:nstrings]
        out.append((number, event_id, event_type, names[0], strings))
        pos += length
    return out


def read_all(dce, log):
    """Every record of a log, oldest first, by sequential forwards reads."""
    h = even.hElfrOpenELW(dce, log + "\0", "\0")["LogHandle"]
    got = []
    for _ in range(100):
        try:
            r = even.hElfrReadELW(dce, h, even.EVENTLOG_SEQUENTIAL_READ | even.EVENTLOG_FORWARDS_READ, 0, 0x10000)
        except DCERPCException as e:
            if e.get_error_code() == STATUS_END_OF_FILE:
                break
            raise
        got += records(b"".join(r["Buffer"]) if isinstance(r["Buffer"], list) else r["Buffer"],
                       r["NumberOfBytesRead"])
    n = even.hElfrNumberOfRecords(dce, h)["NumberOfRecords"]
    oldest = even.hElfrOldestRecordNumber(dce, h)["OldestRecordNumber"]
    even.hElfrCloseEL(dce, h)
    return got, n, oldest


def fail_logon(a, user, times):
    for _ in range(times):
        try:
            a.connect(user, "not-the-password")
        except Exception:
            pass


with Appliance("eventlog") as a:
    a.lwadmin("user", "add", "bob", "--password-stdin", stdin="Bob-Pass1\n")
    a.lwadmin("group", "add-member", "Administrators", "bob")
    a.lwadmin("user", "add", "carol", "--password-stdin", stdin="Carol-Pass1\n")
    a.lwadmin("config", "set", "lsass.lockout-threshold", "3")
    a.lwadmin("config", "set", "audit.logon-failures-per-minute", str(FLOOD_BOUND))
    a.start()

    # ---- lwadmin log --follow sees a failed logon as it happens. ----
    follow = subprocess.Popen([os.path.join(a.build, "bin", "lwadmin"), "--db", a.db, "log", "--follow",
                               "--kind", "logon", "--json"], stdout=subprocess.PIPE)
    try:
        time.sleep(1)
        fail_logon(a, "alice", 1)
        seen, deadline = "", time.monotonic() + 10
        while '"logon.failure"' not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([follow.stdout], [], [], 0.5)
            if ready:
                chunk = os.read(follow.stdout.fileno(), 65536)
                if not chunk:
                    break
                seen += chunk.decode()
    finally:
        follow.terminate()
        follow.wait(timeout=10)
    lines = [json.loads(x) for x in seen.splitlines() if x.strip()]
    check(any(e["action"] == "logon.failure" and e["object"] == "alice" and e["outcome"] == "refused" and
              e["log"] == "Security" for e in lines),
          "lwadmin log --follow --kind logon shows alice's failed logon as it happens", seen)
    check(all(e["action"].startswith("logon.") for e in lines), "... and nothing but logons", seen)

    a.lwadmin("share", "add", "evshare", a.dir("evshare"))
    fail_logon(a, "carol", 3)  # locks carol out

    # ---- Security, as an administrator. ----
    dce = connect(a, "bob", "Bob-Pass1")
    sec, n, oldest = read_all(dce, "Security")
    check(len(sec) == n and n > 0 and oldest == 1 and [r[0] for r in sec] == list(range(1, n + 1)),
          "Security: ElfrNumberOfRecords and ElfrOldestRecord agree with the records read (1..%d)" % n,
          [r[0] for r in sec])
    share = [r for r in sec if r[4][1:3] == ["share.add", "evshare"]]
    check(len(share) == 1 and share[0][1] == 5142 and share[0][2] == even.EVENTLOG_AUDIT_SUCCESS and
          share[0][3] == "lwadmin" and "evshare" in share[0][4][0],
          "the share added with lwadmin is in Security: 5142, audit success, source lwadmin", share)
    failures = [r for r in sec if r[4][1] == "logon.failure"]
    check(any(r[4][2] == "alice" and r[1] == 4625 and r[2] == even.EVENTLOG_AUDIT_FAILURE and r[3] == "lsassd"
              for r in failures),
          "alice's failed logon is in Security: 4625, audit failure, source lsassd", failures)
    lockout = [r for r in sec if r[4][1:3] == ["user.lockout", "carol"]]
    check(len(lockout) == 1 and lockout[0][1] == 4740, "carol's lockout is in Security: 4740", lockout)

    # Backwards from the newest, and the buffer-too-small answer.
    h = even.hElfrOpenELW(dce, "Security\0", "\0")["LogHandle"]
    try:
        even.hElfrReadELW(dce, h, even.EVENTLOG_SEQUENTIAL_READ | even.EVENTLOG_BACKWARDS_READ, 0, 16)
        needed, code = 0, 0
    except DCERPCException as e:
        code = e.get_error_code()
        needed = e.get_packet()["MinNumberOfBytesNeeded"] if e.get_packet() else 0
    check(code == STATUS_BUFFER_TOO_SMALL and needed > 56,
          "a 16-byte read: STATUS_BUFFER_TOO_SMALL with the size needed (%d)" % needed, hex(code))
    r = even.hElfrReadELW(dce, h, even.EVENTLOG_SEQUENTIAL_READ | even.EVENTLOG_BACKWARDS_READ, 0, needed)
    newest = records(b"".join(r["Buffer"]) if isinstance(r["Buffer"], list) else r["Buffer"], r["NumberOfBytesRead"])
    check(r["NumberOfBytesRead"] == needed and len(newest) == 1 and newest[0][0] == n,
          "that size reads the newest record, backwards", newest)
    r = even.hElfrReadELW(dce, h, even.EVENTLOG_SEEK_READ | even.EVENTLOG_FORWARDS_READ, 2, 0x10000)
    seek = records(b"".join(r["Buffer"]) if isinstance(r["Buffer"], list) else r["Buffer"], r["NumberOfBytesRead"])
    check([x[0] for x in seek] == list(range(2, n + 1)), "a seek read from record 2 forwards", [x[0] for x in seek])
    check(error_of(lambda: even.hElfrClearELFW(dce, h)) == STATUS_ACCESS_DENIED,
          "ElfrClearELFW: STATUS_ACCESS_DENIED (the audit trail is not erased remotely)")
    check(error_of(lambda: even.hElfrBackupELFW(dce, h, "C:\\x.evt\0")) == STATUS_NOT_SUPPORTED,
          "ElfrBackupELFW: STATUS_NOT_SUPPORTED")
    check(error_of(lambda: even.hElfrOpenBELW(dce, "C:\\x.evt\0")) == STATUS_NOT_SUPPORTED,
          "ElfrOpenBELW: STATUS_NOT_SUPPORTED")
    check(even.hElfrNumberOfRecords(dce, h)["NumberOfRecords"] >= n, "nothing was cleared")
    # Malformed NDR: a ReadELW stub cut short.
    dce.call(10, bytes(h.getData() if hasattr(h, "getData") else h)[:20] + b"\x05\x00")
    try:
        dce.recv()
        fault = "no fault"
    except DCERPCException as e:
        fault = "%s (code %s)" % (e, e.get_error_code())
    # impacket names 0x6F7 (nca_s_fault_ndr) rpc_x_bad_stub_data.
    check("rpc_x_bad_stub_data" in fault or "nca_s_fault_ndr" in fault,
          "a truncated ElfrReadELW stub gets a fault (nca_s_fault_ndr)", fault)
    even.hElfrCloseEL(dce, h)

    # ---- System: the daemons' starts. ----
    system, _, _ = read_all(dce, "System")
    starts = sorted(r[3] for r in system if r[4][1] == "daemon.start")
    check(starts == ["lsassd", "lwiod", "srvsvcd"] and all(r[1] == 7036 for r in system),
          "System holds the three daemons' starts (7036)", system)

    # ---- The failed-logon bound. ----
    fail_logon(a, "mallory", 10)  # no such account: refused all the same
    sec2, _, _ = read_all(dce, "Security")
    recorded = [r for r in sec2 if r[4][1] == "logon.failure"]
    check(any(r[4][2] == "mallory" for r in recorded), "an unknown account's failed logon is recorded too")
    check(len(recorded) == FLOOD_BOUND,
          "14 failed logons in a minute: %d recorded (audit.logon-failures-per-minute)" % len(recorded),
          len(recorded))

    # ---- A plain user. ----
    alice = connect(a, "alice", "Alice-Pass1")
    check(error_of(lambda: even.hElfrOpenELW(alice, "Security\0", "\0")) == STATUS_ACCESS_DENIED,
          "alice (not an administrator) is refused the Security log")
    check(error_of(lambda: even.hElfrOpenELW(alice, "Application\0", "\0")) == STATUS_ACCESS_DENIED,
          "... and Application, as Windows refuses remote readers outside Event Log Readers")

    # ---- rpcclient. ----
    conf = os.path.join(a.tmp, "client.conf")
    cdir = a.dir("client", 0o700)
    with open(conf, "w") as f:
        f.write("[global]\n    workgroup = WORKGROUP\n    client min protocol = SMB2_02\n"
                "    client max protocol = SMB3\n    lock directory = %s\n    state directory = %s\n"
                "    cache directory = %s\n    private dir = %s\n    ncalrpc dir = %s/ncalrpc\n"
                "    disable netbios = yes\n" % (cdir, cdir, cdir, cdir, cdir))

    def rpcclient(user, password, command, debug="0"):
        auth = os.path.join(a.tmp, "auth.txt")
        fd = os.open(auth, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, ("username = %s\npassword = %s\n" % (user, password)).encode())
        os.close(fd)
        r = subprocess.run(["rpcclient", "-s", conf, "-A", auth, "-p", str(a.port), "-d", debug, "127.0.0.1",
                            "-c", command], capture_output=True, text=True, timeout=120)
        return r.returncode, r.stdout + r.stderr

    rc, out = rpcclient("bob", "Bob-Pass1", "eventlog_numrecord Security")
    total = len(sec2)
    check(rc == 0 and ("number of records: %d" % total) in out,
          "rpcclient eventlog_numrecord Security: %d" % total, out)
    rc, out = rpcclient("bob", "Bob-Pass1", "eventlog_oldestrecord System")
    check(rc == 0 and "oldest entry: 1" in out, "rpcclient eventlog_oldestrecord System: 1", out)
    # readlog prints each record it parsed (Samba's EVENTLOGRECORD) at debug
    # level 1; it prints the last one twice (it parses its old buffer again
    # after STATUS_END_OF_FILE), so the numbers are compared as a set.
    rc, out = rpcclient("bob", "Bob-Pass1", "eventlog_readlog Security", "1")
    numbers = set(int(m) for m in re.findall(r"^\s+RecordNumber\s+: 0x[0-9a-f]+ \((\d+)\)", out, re.M))
    check(rc == 0 and numbers == set(range(1, total + 1)) and "'share.add evshare" in out and
          "'logon.failure alice" in out,
          "rpcclient eventlog_readlog Security parses all %d records" % total,
          "records %s; share %s, logon %s" % (sorted(numbers), "'share.add evshare" in out,
                                               "'logon.failure alice" in out))
    rc, out = rpcclient("bob", "Bob-Pass1", "eventlog_loginfo Security")
    check(rc == 0 and "NT_STATUS" not in out, "rpcclient eventlog_loginfo Security (ElfrGetLogInformation)", out)
    rc, out = rpcclient("bob", "Bob-Pass1", "eventlog_reportevent Application")
    check(rc != 0 and "NT_STATUS_ACCESS_DENIED" in out, "rpcclient eventlog_reportevent: NT_STATUS_ACCESS_DENIED", out)
    rc, out = rpcclient("bob", "Bob-Pass1", "eventlog_backuplog Security backup.evt")
    check(rc != 0 and "NT_STATUS_NOT_SUPPORTED" in out, "rpcclient eventlog_backuplog: NT_STATUS_NOT_SUPPORTED", out)
    rc, out = rpcclient("alice", "Alice-Pass1", "eventlog_numrecord Security")
    check(rc != 0 and "NT_STATUS_ACCESS_DENIED" in out, "rpcclient as alice: NT_STATUS_ACCESS_DENIED", out)

    # ---- The stops, once stopped. ----
    a.stop()
    r = a.lwadmin("log", "--kind", "daemon.stop", "--json")
    stops = sorted(e["object"] for e in json.loads(r.stdout))
    check(stops == ["lsassd", "lwiod", "srvsvcd"] and
          all(e["log"] == "System" for e in json.loads(r.stdout)),
          "lwadmin stop: each daemon records its stop in System", r.stdout)
    # In an ASan build, the daemons' logs hold any sanitizer report (errors
    # as they ran, leaks as they exited).
    reports = []
    for log in glob.glob(a.db[:-3] + ".run/*.log"):
        with open(log, errors="replace") as f:
            reports += [line for line in f if re.search(r"ERROR: (Address|Leak|Thread)Sanitizer|runtime error:", line)]
    check(not reports, "the daemons' logs hold no sanitizer report", "".join(reports[:12]))
tap.finish()
