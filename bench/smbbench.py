#!/usr/bin/python3
"""One benchmark against one SMB server; prints one JSON object per metric.

    smbbench.py BENCH --port P --user U --password-file F --share S
                [--share-dir DIR] [--client-conf C] [--runs N] [--count N]

BENCH is one of:
  connect     NEGOTIATE + SESSION_SETUP + TREE_CONNECT + disconnect, in one
              process (impacket, SMB 2.1: no encryption, no signing unless
              the server requires it), --count times; median and p90 in ms.
  smallfiles  --count files: create+close, then open+QUERY_INFO+close, then
              delete, each phase timed; operations per second (impacket 2.1).
  listing     a wildcard listing of the 5,000 files of DIR/many (made on the
              server's disk if missing), --runs times; median ms (impacket 2.1).
  transfer    smbclient (SMB3_11) put and get of a --size MiB file, --runs
              times each; MB/s from the median wall time less the median time
              of a session that only connects ("-c exit"), and a check that
              the file came back whole (sha256).
A metric that cannot be measured (the server refused an operation) is printed
with "error" instead of a value. Every loop is bounded by its count and by
--deadline seconds.
"""
import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time

from impacket import smb3structs
from impacket.smbconnection import SMBConnection, SessionError

FILE_READ_ATTRIBUTES = 0x80
FILE_WRITE_DATA = 0x2
FILE_READ_DATA = 0x1
FILE_OPEN = 1
FILE_OVERWRITE_IF = 5
FILE_NON_DIRECTORY_FILE = 0x40
SHARE_ALL = 7


def emit(metric, unit, value=None, better="lower", error=None, **extra):
    rec = {"metric": metric, "unit": unit, "better": better}
    if error is not None:
        rec["error"] = error
    else:
        rec["value"] = value
    rec.update(extra)
    print(json.dumps(rec), flush=True)


def short_error(e):
    text = str(e)
    for word in text.replace("(", " ").replace(")", " ").replace(",", " ").split():
        if word.startswith("STATUS_"):
            return word
    return text.splitlines()[0][:120] if text else type(e).__name__


def connect(a):
    c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=a.port,
                      preferredDialect=smb3structs.SMB2_DIALECT_21, timeout=30)
    c.login(a.user, a.password)
    tid = c.connectTree(a.share)
    return c, tid


def p90(values):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]


def bench_connect(a, deadline):
    times = []
    try:
        for _ in range(a.count):
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            c, tid = connect(a)
            c.disconnectTree(tid)
            c.logoff()
            c.close()
            times.append((time.perf_counter() - t0) * 1000)
    except Exception as e:  # noqa: BLE001 - reported, not hidden
        for m in ("median", "p90"):
            emit("connect+logon+tree connect (%s)" % m, "ms", error=short_error(e))
        return
    emit("connect+logon+tree connect (median)", "ms", statistics.median(times), n=len(times))
    emit("connect+logon+tree connect (p90)", "ms", p90(times), n=len(times))


def bench_smallfiles(a, deadline):
    try:
        c, tid = connect(a)
    except Exception as e:  # noqa: BLE001
        for m in ("create", "stat", "delete"):
            emit("small files: %s" % m, "ops/s", better="higher", error=short_error(e))
        return
    base = "small"
    names = ["%s\\f%05d.txt" % (base, i) for i in range(a.count)]
    try:
        c.createDirectory(a.share, base)
    except Exception:  # noqa: BLE001 - it may exist from an earlier run
        pass

    def phase(label, op):
        t0 = time.perf_counter()
        done = 0
        try:
            for n in names:
                if time.monotonic() > deadline:
                    break
                op(n)
                done += 1
        except Exception as e:  # noqa: BLE001
            emit("small files: %s" % label, "ops/s", better="higher", error=short_error(e))
            return False
        dt = time.perf_counter() - t0
        emit("small files: %s" % label, "ops/s", done / dt if dt > 0 else 0, better="higher", n=done)
        return True

    def create(n):
        fid = c.createFile(tid, n, desiredAccess=FILE_WRITE_DATA | FILE_READ_ATTRIBUTES,
                           shareMode=SHARE_ALL, creationOption=FILE_NON_DIRECTORY_FILE,
                           creationDisposition=FILE_OVERWRITE_IF)
        c.closeFile(tid, fid)

    def stat(n):
        fid = c.openFile(tid, n, desiredAccess=FILE_READ_ATTRIBUTES, shareMode=SHARE_ALL,
                         creationOption=FILE_NON_DIRECTORY_FILE, creationDisposition=FILE_OPEN)
        c.queryInfo(tid, fid)
        c.closeFile(tid, fid)

    def delete(n):
        c.deleteFile(a.share, n)

    phases = (("create", create), ("stat", stat), ("delete", delete))
    for i, (label, op) in enumerate(phases):
        if not phase(label, op):
            for later, _ in phases[i + 1:]:
                emit("small files: %s" % later, "ops/s", better="higher", error="not reached")
            break
    try:
        c.deleteDirectory(a.share, base)
        c.close()
    except Exception:  # noqa: BLE001
        pass


def bench_listing(a, deadline):
    many = os.path.join(a.share_dir, "many")
    if not os.path.isdir(many):
        os.mkdir(many)
        for i in range(5000):
            open(os.path.join(many, "f%04d.txt" % i), "w").close()
    try:
        c, tid = connect(a)
        times = []
        for _ in range(a.runs):
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            entries = c.listPath(a.share, "many\\*")
            times.append((time.perf_counter() - t0) * 1000)
            got = sum(1 for e in entries if e.get_longname().startswith("f"))
            if got != 5000:
                raise RuntimeError("listed %d of 5000 files" % got)
        c.close()
    except Exception as e:  # noqa: BLE001
        emit("listing 5,000 files (median)", "ms", error=short_error(e))
        return
    emit("listing 5,000 files (median)", "ms", statistics.median(times), n=len(times))


def smbclient(a, command, timeout):
    args = ["smbclient", "-s", a.client_conf, "-A", a.auth_file, "-p", str(a.port),
            "-m", "SMB3_11", "//127.0.0.1/" + a.share, "-c", command]
    t0 = time.perf_counter()
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    dt = time.perf_counter() - t0
    out = p.stdout + p.stderr
    err = None
    for word in out.split():
        if word.startswith("NT_STATUS_"):
            err = word[3:]
            break
    if p.returncode != 0 and err is None:
        err = "smbclient exit %d" % p.returncode
    return dt, err


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def bench_transfer(a, deadline):
    size = a.size * 1024 * 1024
    src = os.path.join(a.scratch, "transfer.src")
    back = os.path.join(a.scratch, "transfer.back")
    if not os.path.exists(src) or os.path.getsize(src) != size:
        with open(src, "wb") as f:
            left = size
            while left:
                n = min(left, 1 << 20)
                f.write(os.urandom(n))
                left -= n
    want = sha256(src)
    base = []
    for _ in range(a.runs):
        dt, err = smbclient(a, "exit", 60)
        if err:
            for m in ("write", "read"):
                emit("sequential %s %d MiB" % (m, a.size), "MB/s", better="higher", error=err)
            return
        base.append(dt)
    b = statistics.median(base)
    results = {"write": [], "read": []}
    error = {}
    for _ in range(a.runs):
        if time.monotonic() > deadline:
            break
        dt, err = smbclient(a, "put %s transfer.bin" % src, 600)
        if err:
            error["write"] = err
            break
        results["write"].append(dt)
    server_copy = os.path.join(a.share_dir, "transfer.bin")
    if "write" not in error and (not os.path.exists(server_copy) or sha256(server_copy) != want):
        error["write"] = "the server's copy differs"
    # reading needs the file on the server whatever put did
    if not os.path.exists(server_copy) or os.path.getsize(server_copy) != size:
        with open(src, "rb") as s, open(server_copy, "wb") as d:
            d.write(s.read())
    for _ in range(a.runs):
        if time.monotonic() > deadline:
            break
        if os.path.exists(back):
            os.unlink(back)
        dt, err = smbclient(a, "get transfer.bin %s" % back, 600)
        if err:
            error["read"] = err
            break
        results["read"].append(dt)
    if "read" not in error and (not os.path.exists(back) or sha256(back) != want):
        error["read"] = "the file read back differs"
    for m in ("write", "read"):
        label = "sequential %s %d MiB (smbclient 3.1.1)" % (m, a.size)
        if m in error or not results[m]:
            emit(label, "MB/s", better="higher", error=error.get(m, "no run"))
            continue
        t = max(statistics.median(results[m]) - b, 1e-6)
        emit(label, "MB/s", size / 1e6 / t, better="higher", n=len(results[m]))
    for p in (back, server_copy):
        if os.path.exists(p):
            os.unlink(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench", choices=["connect", "smallfiles", "listing", "transfer"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--share", default="test")
    ap.add_argument("--share-dir", default="")
    ap.add_argument("--client-conf", default="")
    ap.add_argument("--auth-file", default="")
    ap.add_argument("--scratch", default="/tmp")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--size", type=int, default=100, help="MiB for transfer")
    ap.add_argument("--deadline", type=float, default=300, help="seconds for this benchmark")
    a = ap.parse_args()
    with open(a.password_file) as f:
        a.password = f.readline().rstrip("\n")
    deadline = time.monotonic() + a.deadline
    {"connect": bench_connect, "smallfiles": bench_smallfiles,
     "listing": bench_listing, "transfer": bench_transfer}[a.bench](a, deadline)


if __name__ == "__main__":
    sys.exit(main())
