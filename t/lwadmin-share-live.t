#!/usr/bin/python3
# lwadmin share del and share set --path reach the running server: a client
# connected to the share loses its tree connect at once
# (STATUS_NETWORK_NAME_DELETED), a new tree connect sees the share as it now
# is, and a client on another share keeps working. impacket against a whole
# instance (lwadmin start).
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
check = tap.check


def names(conn, share):
    return sorted(f.get_longname() for f in conn.listPath(share, "*")
                  if f.get_longname() not in (".", ".."))


def error_of(fn):
    try:
        fn()
        return "no error"
    except Exception as e:
        return str(e)


with Appliance("share-live") as a:
    dirs = {}
    for name in ("old", "new", "other"):
        dirs[name] = a.dir(name)
        with open(os.path.join(dirs[name], name + ".txt"), "w") as f:
            f.write(name + "\n")
        os.chmod(os.path.join(dirs[name], name + ".txt"), 0o666)
    a.lwadmin("share", "add", "data", dirs["old"], "--grant", "Everyone:full")
    a.lwadmin("share", "add", "other", dirs["other"], "--grant", "Everyone:full")
    a.lwadmin("share", "add", "doomed", dirs["other"], "--grant", "Everyone:full")
    a.start()
    lwadmin = a.lwadmin

    c = a.connect("alice", "Alice-Pass1")
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
    c2 = a.connect("alice", "Alice-Pass1")
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
    a.stop()
    r = lwadmin("share", "del", "other", check_rc=False)
    check(r.returncode == 0 and r.stderr == "",
          "share del with no server running succeeds without a warning", r.stderr)
tap.finish()
