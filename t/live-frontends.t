#!/usr/bin/python3
# Every change reaches the running server, whoever makes it: lwiod notices the
# registry change itself and srv applies it to what is already connected.
# impacket clients hold sessions and tree connects while an administrator
# changes things with lwadmin share del, lwadmin apply --prune, srvsvc
# NetrShareDel (impacket RPC), lwadmin share set (permissions), lwadmin user
# set --disable, user del, a lockout by bad passwords and user passwd.
# (lwconsole: t/lwconsole-live-reach.t.)
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
from impacket.dcerpc.v5 import srvs, transport  # noqa: E402
check = tap.check


def error_of(fn):
    try:
        fn()
        return "no error"
    except Exception as e:
        return str(e)


def wait_error(fn, status, seconds=20):
    """fn() until it fails with status (bounded): lwiod looks at the registry
    once a second. Returns the last error text."""
    deadline = time.time() + seconds
    err = error_of(fn)
    while status not in err and time.time() < deadline:
        time.sleep(0.2)
        err = error_of(fn)
    return err


def lister(conn, share):
    return lambda: conn.listPath(share, "*")


with Appliance("live-frontends") as a:
    for share in ("deleted", "pruned", "rpcdel", "perms", "kept"):
        path = a.dir(share)
        with open(os.path.join(path, "f.txt"), "w") as f:
            f.write(share + "\n")
        os.chmod(os.path.join(path, "f.txt"), 0o666)
        a.lwadmin("share", "add", share, path, "--grant", "Everyone:change")
    for user, password in (("bob", "Bob-Pass1"), ("carol", "Carol-Pass1"),
                           ("dave", "Dave-Pass1"), ("erin", "Erin-Pass1"),
                           ("frank", "Frank-Pass1")):
        a.lwadmin("user", "add", user, "--password-stdin", stdin=password + "\n")
    a.lwadmin("group", "add-member", "Administrators", "bob")
    a.start()

    c = a.connect("alice", "Alice-Pass1")
    tids = {share: c.connectTree(share) for share in ("deleted", "pruned", "rpcdel", "perms", "kept")}
    for share in tids:
        c.listPath(share, "*")
    check(True, "alice holds tree connects to five shares")

    # ---- lwadmin share del --------------------------------------------------------
    a.lwadmin("share", "del", "deleted")
    err = wait_error(lister(c, "deleted"), "STATUS_NETWORK_NAME_DELETED")
    check("STATUS_NETWORK_NAME_DELETED" in err, "lwadmin share del: the held tree connect is gone", err)

    # ---- lwadmin apply --prune ----------------------------------------------------
    spec = os.path.join(a.tmp, "spec.yaml")
    a.lwadmin("export", "-o", spec)
    text = open(spec).read()
    pruned = re.sub(r'- name: "pruned"\n(  .*\n|    .*\n)*', "", text)
    check(pruned != text and '"pruned"' not in pruned, "the exported file without the share pruned")
    with open(spec, "w") as f:
        f.write(pruned)
    r = a.lwadmin("apply", "-f", spec, "--prune", "--yes", check_rc=False)
    if "--yes" in r.stderr:  # an lwadmin without the confirmation option
        r = a.lwadmin("apply", "-f", spec, "--prune", check_rc=False)
    check(r.returncode == 0, "lwadmin apply --prune removes it", r.stdout + r.stderr)
    err = wait_error(lister(c, "pruned"), "STATUS_NETWORK_NAME_DELETED")
    check("STATUS_NETWORK_NAME_DELETED" in err, "apply --prune: the held tree connect is gone", err)
    check(error_of(lister(c, "kept")) == "no error", "users kept by the file keep their sessions")

    # ---- srvsvc NetrShareDel ------------------------------------------------------
    admin = a.connect("bob", "Bob-Pass1")
    t = transport.SMBTransport("127.0.0.1", a.port, r"\srvsvc", smb_connection=admin)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)
    srvs.hNetrShareDel(dce, "rpcdel\x00")
    err = wait_error(lister(c, "rpcdel"), "STATUS_NETWORK_NAME_DELETED")
    check("STATUS_NETWORK_NAME_DELETED" in err, "NetrShareDel: the held tree connect is gone", err)
    dce.disconnect()

    # ---- permissions: change -> read ----------------------------------------------
    tid = tids["perms"]
    srv = c.getSMBServer()
    rw = dict(desiredAccess=0x12019F, creationDisposition=5)  # FILE_GENERIC_READ|WRITE, OVERWRITE_IF
    fid = c.createFile(tid, "w1.txt", **rw)
    c.writeFile(tid, fid, b"w")
    c.closeFile(tid, fid)
    check(True, "with Everyone:change alice writes on the held tree connect")
    a.lwadmin("share", "set", "perms", "--grant", "Everyone:read")
    err = wait_error(lambda: c.closeFile(tid, c.createFile(tid, "w2.txt", **rw)), "STATUS_ACCESS_DENIED")
    check("STATUS_ACCESS_DENIED" in err, "after Everyone:read, opening for writing on the held tree fails", err)
    err = error_of(lambda: c.closeFile(tid, c.openFile(tid, "f.txt", desiredAccess=0x80000000)))
    check(err == "no error", "and reading still works", err)
    del srv

    # ---- accounts -----------------------------------------------------------------
    sessions = {}
    for user, password in (("carol", "Carol-Pass1"), ("dave", "Dave-Pass1"), ("erin", "Erin-Pass1"),
                           ("frank", "Frank-Pass1")):
        s = a.connect(user, password)
        s.listPath("kept", "*")
        sessions[user] = s
    def users_listed():
        r = a.lwadmin("--json", "session", "list", check_rc=False)
        try:
            return [s["user"].split("\\")[-1] for s in json.loads(r.stdout)]
        except ValueError:
            return None

    def logged_off(user, seconds=20):
        """The user's session is gone from the server's list, and the client
        sees it: STATUS_USER_SESSION_DELETED, or (an encrypted session: its
        next frame names a session the server no longer has, 3.3.5.2.1) the
        connection dropped."""
        deadline = time.time() + seconds
        while user in (users_listed() or [user]) and time.time() < deadline:
            time.sleep(0.2)
        err = error_of(lister(sessions[user], "kept"))
        gone = user not in (users_listed() or [user])
        return gone and ("STATUS_USER_SESSION_DELETED" in err or "Broken pipe" in err or
                         "Error while reading" in err or "Connection" in err), err

    check("carol" in (users_listed() or []), "carol's session is listed before")
    a.lwadmin("user", "set", "carol", "--disable")
    gone, err = logged_off("carol")
    check(gone, "user set --disable: carol's session is logged off", err)
    a.lwadmin("user", "del", "dave")
    gone, err = logged_off("dave")
    check(gone, "user del: dave's session is logged off", err)
    # Locked out by bad passwords (lsass.lockout-threshold), from another client.
    a.lwadmin("config", "set", "lsass.lockout-threshold", "2")
    for attempt in range(2):
        err = error_of(lambda: a.connect("frank", "wrong-password"))
        check("STATUS_LOGON_FAILURE" in err, "a bad password for frank is refused", err)
    r = a.lwadmin("--json", "user", "show", "frank", check_rc=False)
    check(r.returncode == 0 and json.loads(r.stdout).get("locked_out") is True,
          "frank is locked out", r.stdout)
    gone, err = logged_off("frank")
    check(gone, "a locked-out user's session is logged off", err)
    a.lwadmin("config", "unset", "lsass.lockout-threshold")
    a.lwadmin("user", "passwd", "erin", "--password-stdin", stdin="Erin-Pass2\n")
    time.sleep(3)  # several of lwiod's looks at the registry
    err = error_of(lister(sessions["erin"], "kept"))
    check(err == "no error" and "erin" in (users_listed() or []),
          "user passwd: erin's session stays (as on Windows)", err)
    check(error_of(lister(c, "kept")) == "no error", "alice, untouched, keeps working throughout")
tap.finish()
