#!/usr/bin/python3
# srv.* settings apply to the running server, no restart (lwadmin config set
# against a whole instance): a new port is bound and the old one closed while
# a connected client keeps working; srv.max-dialect applies to the next
# NEGOTIATE (smbclient), srv.encryption to the next SESSION_SETUP (smbclient,
# impacket); a setting that needs a restart says so when it is set.
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap, free_port  # noqa: E402

tap = Tap()
tap.need_impacket()
check = tap.check
Tap.need_program("smbclient", "smbclient")


def accepts(port):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def wait_for(what, seconds=20):
    """Polls what() (bounded): lwiod looks at the registry once a second."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if what():
            return True
        time.sleep(0.2)
    return what()


def names(conn, share):
    return sorted(f.get_longname() for f in conn.listPath(share, "*")
                  if f.get_longname() not in (".", ".."))


with Appliance("live-settings") as a:
    data = a.dir("data")
    with open(os.path.join(data, "x.txt"), "w") as f:
        f.write("x\n")
    a.lwadmin("share", "add", "data", data, "--grant", "Everyone:full")
    a.start()
    client = os.path.join(a.tmp, "client")
    os.makedirs(client)
    conf = os.path.join(a.tmp, "client.conf")
    with open(conf, "w") as f:
        f.write("[global]\n workgroup = WORKGROUP\n client min protocol = SMB2_02\n"
                " client max protocol = SMB3\n lock directory = %s\n state directory = %s\n"
                " cache directory = %s\n private dir = %s\n ncalrpc dir = %s/ncalrpc\n"
                " disable netbios = yes\n" % (client, client, client, client, client))
    auth = os.path.join(a.tmp, "auth.txt")
    with open(auth, "w") as f:
        f.write("username = alice\npassword = Alice-Pass1\n")
    os.chmod(auth, 0o600)

    def smbclient(port, *args):
        r = subprocess.run(["smbclient", "-s", conf, "-A", auth, "-p", str(port),
                            "//127.0.0.1/data", "-c", "ls", "-d", "10"] + list(args),
                           capture_output=True, text=True, timeout=60)
        out = r.stdout + r.stderr
        dialect = [line.split("[")[1].split("]")[0] for line in out.splitlines()
                   if "negotiated dialect[" in line]
        return ("x.txt" in r.stdout, dialect[0] if dialect else None, out)

    held = a.connect("alice", "Alice-Pass1")
    check(names(held, "data") == ["x.txt"], "a client is connected and lists the share")

    # ---- srv.port -------------------------------------------------------------------
    old_port, new_port = a.port, free_port()
    r = a.lwadmin("config", "set", "srv.port", str(new_port), check_rc=False)
    check(r.returncode == 0 and "restart" not in r.stdout + r.stderr,
          "config set srv.port succeeds without a restart note", r.stdout + r.stderr)
    check(wait_for(lambda: accepts(new_port)), "the new port accepts connections")
    check(wait_for(lambda: not accepts(old_port)), "the old port refuses them")
    check(names(held, "data") == ["x.txt"], "the client connected before keeps working")
    a.port = new_port
    c = a.connect("alice", "Alice-Pass1")
    check(names(c, "data") == ["x.txt"], "a new client logs on through the new port")
    r = a.lwadmin("status", check_rc=False)
    check("not accepting" not in r.stdout + r.stderr, "lwadmin status sees the server accepting",
          r.stdout + r.stderr)

    # ---- srv.max-dialect ------------------------------------------------------------
    ok, dialect, out = smbclient(new_port, "-m", "SMB3")
    check(ok and dialect == "SMB3_11", "smbclient negotiates 3.1.1 at first", dialect)
    a.lwadmin("config", "set", "srv.max-dialect", "2.1")
    check(wait_for(lambda: smbclient(new_port, "-m", "SMB3")[1] == "SMB2_10"),
          "after srv.max-dialect 2.1 the next smbclient negotiates 2.1")
    check(names(held, "data") == ["x.txt"], "the client on 3.x keeps working meanwhile")
    a.lwadmin("config", "set", "srv.max-dialect", "3.1.1")
    check(wait_for(lambda: smbclient(new_port, "-m", "SMB3")[1] == "SMB3_11"),
          "and back to 3.1.1")

    # ---- srv.encryption -------------------------------------------------------------
    ok, dialect, out = smbclient(new_port, "-m", "SMB2")
    check(ok and dialect == "SMB2_10", "with encryption off an SMB 2.1 client lists the share")
    a.lwadmin("config", "set", "srv.encryption", "required")
    check(wait_for(lambda: not smbclient(new_port, "-m", "SMB2")[0]),
          "after srv.encryption required the next 2.1 session (cannot encrypt) is refused")
    ok, dialect, out = smbclient(new_port, "-m", "SMB3")
    check(ok, "an SMB3 client still lists the share", out[-600:])
    check(names(held, "data") == ["x.txt"], "the session made before is left alone")

    def sessions():
        r = a.lwadmin("--json", "session", "list", check_rc=False)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return []

    a.lwadmin("config", "set", "srv.encryption", "desired")
    check(wait_for(lambda: smbclient(new_port, "-m", "SMB2")[0]),
          "srv.encryption desired lets the 2.1 client on again")
    before = {s["id"] for s in sessions()}
    fresh = a.connect("alice", "Alice-Pass1")
    names(fresh, "data")
    new = [s for s in sessions() if s["id"] not in before]
    check(len(new) == 1 and new[0]["encrypted"],
          "a new SMB3 session is encrypted under srv.encryption desired", new)
    a.lwadmin("config", "set", "srv.encryption", "off")

    # ---- limits apply at once ---------------------------------------------------------
    def can_log_on():
        try:
            names(a.connect("alice", "Alice-Pass1"), "data")
            return True
        except Exception:
            return False

    open_now = len(sessions())
    a.lwadmin("config", "set", "srv.max-connections", str(open_now))
    check(wait_for(lambda: not can_log_on()),
          "srv.max-connections at the number open: the next client is refused")
    check(names(held, "data") == ["x.txt"], "while the clients connected keep working")
    a.lwadmin("config", "unset", "srv.max-connections")
    check(wait_for(can_log_on), "unset again: clients are let in")

    # ---- a setting that needs a restart says so -------------------------------------
    r = a.lwadmin("config", "set", "srv.server-guid", "00112233-4455-6677-8899-aabbccddeeff",
                  check_rc=False)
    check(r.returncode == 0 and "restart" in r.stderr,
          "config set of a restart-only setting succeeds and notes it needs a restart",
          r.stdout + r.stderr)
    r = a.lwadmin("config", "list", "srv.", check_rc=False)
    line = [x for x in r.stdout.splitlines() if x.startswith("srv.server-guid")]
    check(line and "(needs restart)" in line[0], "config list marks it", line)
    line = [x for x in r.stdout.splitlines() if x.startswith("srv.port")]
    check(line and "restart" not in line[0], "and not srv.port, which applies live", line)
    r = a.lwadmin("--json", "config", "get", "srv.server-guid", check_rc=False)
    check(json.loads(r.stdout).get("applies") == "restart", "--json says applies: restart", r.stdout)

    # ---- lwadmin restart makes it apply ---------------------------------------------
    def server_guid(conn):
        return conn.getSMBServer()._Connection["ServerGuid"]

    before_guid = server_guid(a.connect("alice", "Alice-Pass1"))
    r = a.lwadmin("restart", check_rc=False)
    check(r.returncode == 0 and "accepts connections" in r.stdout,
          "lwadmin restart stops and starts the instance", r.stdout + r.stderr)
    after = a.connect("alice", "Alice-Pass1")
    guid = server_guid(after)
    check(guid != before_guid and guid[:4] == bytes([0x33, 0x22, 0x11, 0x00]),
          "after the restart the new ServerGuid is in force", (before_guid, guid))
    check(names(after, "data") == ["x.txt"], "shares and files are all still there")
    r = a.lwadmin("restart", "--timeout", "0", check_rc=False)
    check(r.returncode == 2, "restart --timeout 0 is a usage error", r.stderr)

tap.finish()
