"""TAP output and a whole Samewise instance for Python script tests.

    import os, sys
    sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
    from tap import Tap, Appliance
    tap = Tap()                                   # skips unless run by make check
    SMBConnection = tap.need_impacket()           # skips (fails when CI=true) without impacket
    with Appliance("share-live") as a:            # scratch registry, free port
        a.lwadmin("share", "add", "data", a.dir("data"), "--grant", "Everyone:full")
        a.start()                                 # skips if the instance cannot start
        tap.check(a.connect("alice", "Alice-Pass1").listPath("data", "*"), "lists")
    tap.finish()

The shell twin is t/tap/tap.sh + t/tap/appliance.sh. Every daemon an
Appliance starts is stopped when the with-block ends: `lwadmin stop`, then a
kill of any pid in the instance's pid files whose command line names its
registry.
"""
import glob
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile


class Tap:
    """ok/not ok lines, the plan at the end, and the exit status."""

    def __init__(self):
        self.results = []
        self.build = os.environ.get("SW_BUILD")
        if not self.build:
            self.skip_all("run through make check")

    @staticmethod
    def skip_all(why):
        print("1..0 # SKIP " + why)
        sys.exit(0)

    @staticmethod
    def missing(why):
        """A program or package the test needs is not installed: skip the
        whole test, except under CI=true, where it fails (CI installs every
        package of ./configure --install-deps; the shell twin is tap_missing)."""
        if os.environ.get("CI") == "true":
            print("not ok 1 - %s (CI=true: a missing package fails the test; "
                  "./configure --install-deps installs it)" % why)
            print("1..1")
            sys.exit(1)
        Tap.skip_all(why)

    @staticmethod
    def need_program(program, package):
        if shutil.which(program) is None:
            Tap.missing("%s is not installed (Debian package %s)" % (program, package))

    @staticmethod
    def need_module(module, package):
        """Imports and returns MODULE, or Tap.missing()."""
        try:
            return importlib.import_module(module)
        except ImportError:
            Tap.missing("Python module %s is not installed (Debian package %s)" % (module, package))

    def need_impacket(self):
        """impacket's SMBConnection, or Tap.missing()."""
        return self.need_module("impacket.smbconnection", "python3-impacket").SMBConnection

    def check(self, cond, name, diag=None, diag_lines=12):
        self.results.append(bool(cond))
        print("%s %d - %s" % ("ok" if cond else "not ok", len(self.results), name))
        if not cond and diag is not None:
            for line in str(diag).splitlines()[-diag_lines:]:
                print("# " + line)
        return bool(cond)

    def finish(self):
        print("1..%d" % len(self.results))
        sys.exit(0 if self.results and all(self.results) else 1)


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


class Appliance:
    """A scratch instance: registry, srv on 127.0.0.1 and a free port, and
    the user alice (password Alice-Pass1)."""

    def __init__(self, name, user=("alice", "Alice-Pass1")):
        self.build = os.environ["SW_BUILD"]
        self.tmp = tempfile.mkdtemp(prefix="sw-%s." % name)
        self.db = os.path.join(self.tmp, "registry.db")
        self.port = free_port()
        self.started = False
        self.lwadmin("init")
        self.lwadmin("config", "set", "srv.port", str(self.port))
        self.lwadmin("config", "set", "srv.listen", "127.0.0.1")
        # Tests about the failed-logon delay (default 2 s) set it themselves.
        self.lwadmin("config", "set", "lsass.failed-logon-delay", "0")
        if user:
            self.lwadmin("user", "add", user[0], "--password-stdin", stdin=user[1] + "\n")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return False

    def dir(self, name, mode=0o777):
        """A directory in the scratch space (open to everyone by default:
        users without a Unix account act as nobody on disk)."""
        path = os.path.join(self.tmp, name)
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        return path

    def lwadmin(self, *args, stdin=None, check_rc=True):
        r = subprocess.run([os.path.join(self.build, "bin", "lwadmin"), "--db", self.db] +
                           list(args), input=stdin, text=True, capture_output=True, timeout=60)
        if check_rc and r.returncode != 0:
            raise RuntimeError("lwadmin %s: %s" % (" ".join(args), r.stderr.strip()))
        return r

    def start(self):
        """lwadmin start; the whole test fails (Bail out!) if the instance
        cannot start: a daemon that dies at start is a failure, never a skip."""
        self.started = True  # a half-started instance is stopped too
        r = self.lwadmin("start", check_rc=False)
        if r.returncode != 0:
            self.stop()
            print("Bail out! the instance did not start: " +
                  r.stderr.strip().replace("\n", " "), flush=True)
            sys.exit(1)

    def stop(self):
        if not self.started:
            return
        self.started = False
        self.lwadmin("stop", "--timeout", "5", check_rc=False)
        for pidfile in glob.glob(self.db[:-3] + ".run/*.pid"):
            try:
                pid = int(open(pidfile).read().strip())
                if self.db in open("/proc/%d/cmdline" % pid).read().split("\0"):
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def connect(self, user, password):
        from impacket.smbconnection import SMBConnection
        c = SMBConnection("127.0.0.1", "127.0.0.1", sess_port=self.port, timeout=15)
        c.login(user, password)
        return c
