#!/usr/bin/python3
# Lifetime races through the appliance (srv.so in lwiod, pvfs): clients
# working on files while others log off with files open, drop their
# connection with I/O in flight, or log on and off in a loop. Every loop is
# bounded; afterwards the server must still serve, and stop cleanly (the
# ASan build turns any use-after-free or leak into a failure here).
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

BUILD = os.environ.get("SW_BUILD")
if not BUILD:
    print("1..0 # SKIP run through make check")
    sys.exit(0)
try:
    from impacket.smbconnection import SMBConnection
    from impacket import smb3structs as s
except ImportError:
    sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
    from tap import Tap
    Tap.missing("Python module impacket is not installed (Debian package python3-impacket)")

tests = []


def check(cond, name, diag=None):
    tests.append(bool(cond))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(tests), name))
    if not cond and diag:
        for line in str(diag).splitlines()[-15:]:
            print("# " + line)


tmp = tempfile.mkdtemp(prefix="sw-srv-races.")
db = os.path.join(tmp, "registry.db")
share = os.path.join(tmp, "share")
os.mkdir(share)
os.chmod(share, 0o777)
procs = []


def lwadmin(*args, stdin=None):
    subprocess.run([os.path.join(BUILD, "bin", "lwadmin"), "--db", db] + list(args),
                   input=stdin, text=True, check=True, capture_output=True, timeout=30)


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


PORT = free_port()
try:
    lwadmin("init")
    lwadmin("user", "add", "alice", "--password-stdin", stdin="Alice-Pass1\n")
    lwadmin("share", "add", "data", share, "--grant", "Everyone:full")
    lsassd_log = open(os.path.join(tmp, "lsassd.log"), "w")
    procs.append(subprocess.Popen([os.path.join(BUILD, "bin", "lsassd"), "--db", db, "--foreground"],
                                  stderr=lsassd_log))
    lwiod_log_path = os.path.join(tmp, "lwiod.log")
    lwiod_log = open(lwiod_log_path, "w")
    lwiod = subprocess.Popen([os.path.join(BUILD, "bin", "lwiod"), "--db", db, "--foreground",
                              "--drivers", "npfs,pvfs,srv", "--required-drivers", "pvfs,srv",
                              "--set", "srv.port=%d" % PORT, "--set", "srv.listen=127.0.0.1"],
                             stderr=lwiod_log)
    procs.append(lwiod)
    deadline = time.time() + 10
    while time.time() < deadline and lwiod.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)

    def connect():
        c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=PORT, timeout=15,
                          preferredDialect=s.SMB2_DIALECT_21)
        c.login("alice", "Alice-Pass1")
        return c

    errors = []

    def guarded(fn, *args):
        def run():
            try:
                fn(*args)
            except Exception as e:  # recorded, reported by the check below
                errors.append("%s: %r" % (fn.__name__, e))
        return run

    def worker_io(n):
        c = connect()
        tid = c.connectTree("data")
        for i in range(15):
            name = "io-%d-%d.bin" % (n, i)
            data = os.urandom(70000)
            fid = c.createFile(tid, name)
            c.writeFile(tid, fid, data)
            back = c.readFile(tid, fid, 0, len(data))
            c.closeFile(tid, fid)
            c.deleteFile("data", name)
            if back != data:
                raise RuntimeError("data mismatch in " + name)
        c.logoff()
        c.close()

    def worker_logoff_with_open_files(n):
        for i in range(10):
            c = connect()
            tid = c.connectTree("data")
            for k in range(3):
                fid = c.createFile(tid, "held-%d-%d-%d" % (n, i, k))
                c.writeFile(tid, fid, b"x" * 1000)
            if i % 2:
                c.logoff()      # LOGOFF with three files open
            c.close()           # or just the connection going away

    def worker_abort_in_flight(n):
        for i in range(10):
            c = connect()
            tid = c.connectTree("data")
            fid = c.createFile(tid, "abort-%d-%d" % (n, i))
            c.writeFile(tid, fid, b"y" * 200000)
            smb = c._SMBConnection
            for k in range(4):  # requests sent, answers never read
                packet = smb.SMB_PACKET()
                packet["Command"] = s.SMB2_READ
                packet["TreeID"] = tid
                read = s.SMB2Read()
                read["Padding"] = 0x50
                read["FileID"] = fid
                read["Length"] = 65536
                read["Offset"] = k * 65536
                packet["Data"] = read
                smb.sendSMB(packet)
            smb._NetBIOSSession.get_socket().close()

    threads = [threading.Thread(target=guarded(worker_io, n)) for n in range(2)]
    threads += [threading.Thread(target=guarded(worker_logoff_with_open_files, n)) for n in range(2)]
    threads += [threading.Thread(target=guarded(worker_abort_in_flight, n)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    check(not any(t.is_alive() for t in threads), "every worker finished")
    check(not errors, "file I/O, logoffs with open files and aborted connections ran cleanly",
          "\n".join(errors))
    check(lwiod.poll() is None, "lwiod survived", open(lwiod_log_path).read())

    c = connect()
    tid = c.connectTree("data")
    fid = c.createFile(tid, "after.txt")
    c.writeFile(tid, fid, b"still here")
    ok_after = c.readFile(tid, fid, 0, 10) == b"still here"
    c.closeFile(tid, fid)
    # Files left open by dropped sessions were closed: they can be deleted.
    leftovers = [f for f in os.listdir(share) if f.startswith(("held-", "abort-"))]
    deletable = True
    for f in leftovers:
        try:
            c.deleteFile("data", f)
        except Exception:
            deletable = False
    c.logoff()
    c.close()
    check(ok_after, "a new client is served afterwards")
    # A client still holding files open while lwiod stops: srv closes them
    # through the I/O manager during its shutdown (checked by the exit status
    # below, and by ASan in the sanitizer build).
    holder = connect()
    htid = holder.connectTree("data")
    for k in range(5):
        holder.createFile(htid, "open-at-shutdown-%d" % k)
    check(deletable, "files held by dropped sessions were closed (all %d deletable)" % len(leftovers))
finally:
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
    if len(procs) > 1:
        check(procs[1].returncode == 0, "lwiod stops cleanly (exit %s)" % procs[1].returncode,
              open(os.path.join(tmp, "lwiod.log")).read())
    if os.environ.get("SRV_RACES_KEEP"):
        print("# kept " + tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
print("1..%d" % len(tests))
sys.exit(0 if tests and all(tests) else 1)
