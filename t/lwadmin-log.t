#!/usr/bin/python3
# lwadmin log's event-log side: a registry written before the event log
# (schema 4) gets its audit rows sorted into the three logs and numbered in
# order when it is opened (migration 005); new records go on from there;
# --kind and --log filter, a bad --log is a usage error; --follow prints a
# record as it is written and stops on SIGTERM.
import json
import os
import select
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Tap  # noqa: E402

tap = Tap()
check = tap.check
SRC = os.environ.get("SW_SRC", ".")
LWADMIN = os.path.join(os.environ["SW_BUILD"], "bin", "lwadmin")
tmp = tempfile.mkdtemp(prefix="sw-lwadmin-log.")
db = os.path.join(tmp, "registry.db")


def lwadmin(*args):
    return subprocess.run([LWADMIN, "--db", db] + list(args), capture_output=True, text=True, timeout=60)


def entries(*args):
    r = lwadmin("log", "--json", *args)
    return json.loads(r.stdout) if r.returncode == 0 else r.stderr


# A schema-4 registry, as an older Samewise left it, with three records.
con = sqlite3.connect(db)
for step in ("001-settings-tree", "002-audit", "003-schema-versions", "004-audit-outcome"):
    with open(os.path.join(SRC, "registry", "migrations", step + ".sql")) as f:
        con.executescript(f.read())
con.execute("PRAGMA user_version = 4")
for action, obj in (("share.add", "old1"), ("setting.set", "srv.port"), ("share.add", "old2"),
                    ("user.add", "olduser")):
    con.execute("INSERT INTO audit (at, uid, user, via, action, object) VALUES (1700000000000, 0, 'root', 'cli', ?, ?)",
                (action, obj))
con.commit()
con.close()

check(lwadmin("init").returncode == 0, "lwadmin init upgrades it")
got = entries()
check(isinstance(got, list) and [(e["object"], e["log"], e["record"]) for e in got[:4]] ==
      [("old1", "Security", 1), ("srv.port", "Application", 1), ("old2", "Security", 2), ("olduser", "Security", 3)],
      "its old records are sorted into the logs and numbered in order", got)
share_dir = os.path.join(tmp, "share")
os.mkdir(share_dir)
lwadmin("share", "add", "fresh", share_dir)
fresh = [e for e in entries("--kind", "share.add") if e["object"] == "fresh"]
check(len(fresh) == 1 and fresh[0]["log"] == "Security" and fresh[0]["record"] > 3,
      "a new share goes on numbering Security after the old records", fresh)
kinds = entries("--kind", "share")
check(isinstance(kinds, list) and kinds and all(e["action"].startswith("share.") for e in kinds),
      "--kind share: only share records", kinds)
logs = entries("--log", "application")
check(isinstance(logs, list) and logs and all(e["log"] == "Application" for e in logs),
      "--log application (any case): only what the Application log shows", logs)
check(lwadmin("log", "--log", "Setup").returncode == 2, "--log with another name: a usage error (exit 2)")
check(lwadmin("log", *sum([["--kind", "k%d" % i] for i in range(17)], [])).returncode == 2,
      "more than 16 --kind: a usage error")

follow = subprocess.Popen([LWADMIN, "--db", db, "log", "--follow", "--kind", "setting"], stdout=subprocess.PIPE)
seen = ""
try:
    time.sleep(1)
    lwadmin("config", "set", "srv.server-comment", "followed")
    lwadmin("share", "add", "notshown", share_dir)
    deadline = time.monotonic() + 10
    while "followed" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([follow.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(follow.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk.decode()
    time.sleep(1)  # a record that should not show has had its chance
    ready, _, _ = select.select([follow.stdout], [], [], 0)
    if ready:
        seen += os.read(follow.stdout.fileno(), 65536).decode()
finally:
    follow.terminate()
    rc = follow.wait(timeout=10)
check("setting.set  srv.server-comment" in seen and "followed" in seen,
      "--follow prints the new setting as it is written", seen)
check("notshown" not in seen, "... and not the share (--kind setting)", seen)
check(rc == 0, "... and stops on SIGTERM with status 0", rc)

for name in os.listdir(tmp):
    path = os.path.join(tmp, name)
    if os.path.isdir(path):
        os.rmdir(path)
    else:
        os.unlink(path)
os.rmdir(tmp)
tap.finish()
