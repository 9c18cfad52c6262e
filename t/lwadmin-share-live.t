#!/usr/bin/python3
# lwadmin share del and share set --path reach the running server: a client
# connected to the share loses its tree connect at once
# (STATUS_NETWORK_NAME_DELETED), a new tree connect sees the share as it now
# is, and a client on another share keeps working. impacket against a whole
# instance (lwadmin start).
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

BUILD = os.environ.get("SW_BUILD")
if not BUILD:
    print("1..0 # SKIP run through make check")
    sys.exit(0)
try:
    from impacket.smbconnection import SMBConnection
except ImportError:
    print("1..0 # SKIP python3-impacket not installed")
    sys.exit(0)

tests = []


def check(cond, name, diag=None):
    tests.append(bool(cond))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(tests), name))
    if not cond and diag is not None:
        for line in str(diag).splitlines()[-12:]:
            print("# " + line)


tmp = tempfile.mkdtemp(prefix="sw-share-live.")
db = os.path.join(tmp, "registry.db")
dirs = {}
for name in ("old", "new", "other"):
    dirs[name] = os.path.join(tmp, name)
    os.mkdir(dirs[name])
    with open(os.path.join(dirs[name], name + ".txt"), "w") as f:
        f.write(name + "\n")
    os.chmod(os.path.join(dirs[name], name + ".txt"), 0o666)  # alice acts as nobody on disk


def lwadmin(*args, stdin=None, check_rc=True):
    r = subprocess.run([os.path.join(BUILD, "bin", "lwadmin"), "--db", db] + list(args),
                       input=stdin, text=True, capture_output=True, timeout=60)
    if check_rc and r.returncode != 0:
        raise RuntimeError("lwadmin %s: %s" % (" ".join(args), r.stderr.strip()))
    return r


def names(conn, share):
    return sorted(f.get_longname() for f in conn.listPath(share, "*")
                  if f.get_longname() not in (".", ".."))


def error_of(fn):
    try:
        fn()
        return "no error"
    except Exception as e:
        return str(e)


def stop_instance():
    lwadmin("stop", "--timeout", "5", check_rc=False)
    for pidfile in glob.glob(db[:-3] + ".run/*.pid"):
        try:
            pid = int(open(pidfile).read().strip())
            if db in open("/proc/%d/cmdline" % pid).read().split("\0"):
                os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass


sock = socket.socket()
sock.bind(("127.0.0.1", 0))
PORT = sock.getsockname()[1]
sock.close()
started = False
try:
    lwadmin("init")
    lwadmin("user", "add", "alice", "--password-stdin", stdin="Alice-Pass1\n")
    lwadmin("share", "add", "data", dirs["old"], "--grant", "Everyone:full")
    lwadmin("share", "add", "other", dirs["other"], "--grant", "Everyone:full")
    lwadmin("share", "add", "doomed", dirs["other"], "--grant", "Everyone:full")
    lwadmin("config", "set", "srv.port", str(PORT))
    lwadmin("config", "set", "srv.listen", "127.0.0.1")
    r = lwadmin("start", check_rc=False)
    started = True
    if r.returncode != 0:
        print("1..0 # SKIP the instance did not start: " + r.stderr.strip().replace("\n", " "))
        sys.exit(0)

    c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=PORT, timeout=15)
    c.login("alice", "Alice-Pass1")
    tid_data = c.connectTree("data")
    tid_other = c.connectTree("other")
    tid_doomed = c.connectTree("doomed")
    check(names(c, "other") == ["other.txt"], "alice is connected to three shares")
    check(names(c, "data") == ["old.txt"], "data shows the old directory")

    r = lwadmin("share", "set", "data", "--path", dirs["new"], check_rc=False)
    check(r.returncode == 0 and r.stderr == "", "lwadmin share set --path succeeds quietly", r.stderr)
    err = error_of(lambda: c.getSMBServer().queryInfo(tid_data, c.getSMBServer().create(
        tid_data, "", 0x80, 7, 1, 1, 0)))
    check("STATUS_NETWORK_NAME_DELETED" in err,
          "the old tree connect to data is gone at once", err)
    c2 = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=PORT, timeout=15)
    c2.login("alice", "Alice-Pass1")
    check(names(c2, "data") == ["new.txt"], "a new tree connect to data sees the new directory")

    r = lwadmin("share", "del", "doomed", check_rc=False)
    check(r.returncode == 0 and r.stderr == "", "lwadmin share del succeeds quietly", r.stderr)
    err = error_of(lambda: c.getSMBServer().create(tid_doomed, "other.txt", 0x80, 7, 0x40, 1, 0))
    check("STATUS_NETWORK_NAME_DELETED" in err, "the tree connect to the deleted share is gone", err)
    err = error_of(lambda: c2.connectTree("doomed"))
    check("STATUS_BAD_NETWORK_NAME" in err, "and it cannot be connected again", err)

    f = c.getSMBServer().create(tid_other, "other.txt", 0x80 | 1, 7, 0x40, 1, 0)
    data = c.getSMBServer().read(tid_other, f, 0, 6)
    c.getSMBServer().close(tid_other, f)
    check(data == b"other\n", "the tree connect to an untouched share keeps working")

    # With the server stopped, the change is made and nothing is said.
    stop_instance()
    started = False
    r = lwadmin("share", "del", "other", check_rc=False)
    check(r.returncode == 0 and r.stderr == "",
          "share del with no server running succeeds without a warning", r.stderr)
finally:
    if started:
        stop_instance()
    shutil.rmtree(tmp, ignore_errors=True)
print("1..%d" % len(tests))
sys.exit(0 if tests and all(tests) else 1)
