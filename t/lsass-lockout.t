#!/usr/bin/python3
# Account lockout through the running lsassd, with impacket's NTLM: 50 wrong
# passwords in parallel lock the account at lsass.lockout-threshold (the
# count never loses an update and the failed-logon delay cannot be bypassed
# by parallelism); the right password is then refused until the lockout
# expires or an administrator unlocks the account.
import importlib.util
import os
import sqlite3
import threading
import time

spec = importlib.util.spec_from_file_location("helper", os.path.join(os.environ.get("SW_SRC", "."), "t",
                                                                      "lsass-helper.py"))
h = importlib.util.module_from_spec(spec)
spec.loader.exec_module(h)

THRESHOLD = 5
DELAY_MS = 100
ATTEMPTS = 50

t = h.Tap()
inst = h.Instance()
inst.add_user("alice", "Alice-Pass1")
inst.add_user("bob", "Bob-Pass1")
inst.set("lsass.lockout-threshold", THRESHOLD)
inst.set("lsass.lockout-duration", 30)
inst.set("lsass.lockout-reset", 30)
inst.set("lsass.failed-logon-delay", DELAY_MS)
# All 50 may queue on alice's gate at once (the default bound, 16, would
# refuse some at once: t/lsass-hardening.t shows that).
inst.set("lsass.max-delayed-logons", 64)
# ... and all 50 come from one address (lsass.max-pending-logons-per-address).
inst.set("lsass.max-pending-logons-per-address", 64)
inst.start()

def user_show(name):
    return inst.lwadmin("user", "show", name)

def attempt(results, index, password):
    try:
        c = h.Conn(inst.socket)
        results[index] = h.logon(c, "alice", password)["status"]
        c.close()
    except Exception as e:  # recorded, so the test fails rather than hangs
        results[index] = repr(e)

results = [None] * ATTEMPTS
threads = [threading.Thread(target=attempt, args=(results, i, "wrong-%d" % i)) for i in range(ATTEMPTS)]
start = time.monotonic()
for th in threads:
    th.start()
for th in threads:
    th.join(timeout=60)
elapsed = time.monotonic() - start
failures = results.count(h.STATUS["LOGON_FAILURE"])
locked = results.count(h.STATUS["ACCOUNT_LOCKED_OUT"])
t.ok(failures + locked == ATTEMPTS, "50 parallel wrong passwords: each refused (%d failures, %d locked out)"
     % (failures, locked))
if failures + locked != ATTEMPTS:
    t.diag(set(map(str, results)))
t.ok(failures == THRESHOLD, "exactly lsass.lockout-threshold (%d) passwords were checked before the lockout" % THRESHOLD)
t.ok(elapsed >= THRESHOLD * DELAY_MS / 1000.0,
     "the checked ones paid the failed-logon delay one after another (%.2f s >= %.2f s)"
     % (elapsed, THRESHOLD * DELAY_MS / 1000.0))
shown = user_show("alice")
t.ok("Bad passwords:          %d" % THRESHOLD in shown and "not locked" not in shown,
     "the SAM shows the account locked with %d bad passwords" % THRESHOLD)

c = h.Conn(inst.socket)
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "ACCOUNT_LOCKED_OUT", "the right password is refused while locked")
t.status(h.logon(c, "bob", "Bob-Pass1")["status"], "SUCCESS", "another account is unaffected")

# The lockout expires lsass.lockout-duration (30 minutes) after it began:
# move its start back in time rather than wait.
db = sqlite3.connect(inst.db, timeout=10)
db.execute("UPDATE sam_users SET lockout_time = lockout_time - 29 * 60 WHERE name = 'alice'")
db.commit()
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "ACCOUNT_LOCKED_OUT", "still locked one minute before it expires")
db.execute("UPDATE sam_users SET lockout_time = lockout_time - 2 * 60 WHERE name = 'alice'")
db.commit()
db.close()
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "SUCCESS", "the right password works once the lockout expired")
shown = user_show("alice")
t.ok("Bad passwords:          0" in shown and "not locked" in shown, "a good logon resets the count and the lockout")

# Below the threshold nothing locks; a good logon resets the count.
for i in range(THRESHOLD - 1):
    h.logon(c, "alice", "wrong")
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "SUCCESS", "threshold - 1 bad passwords do not lock")
for i in range(THRESHOLD - 1):
    h.logon(c, "alice", "wrong")
t.status(h.logon(c, "alice", "wrong")["status"], "LOGON_FAILURE", "after the good logon the count starts again: %d more bad passwords" % THRESHOLD)
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "ACCOUNT_LOCKED_OUT", "... lock the account again")
inst.lwadmin("user", "set", "alice", "--unlock")
t.status(h.logon(c, "alice", "Alice-Pass1")["status"], "SUCCESS", "an administrator's unlock lets the user in")

# lsass.lockout-threshold 0 never locks.
inst.set("lsass.lockout-threshold", 0)
inst.set("lsass.failed-logon-delay", 0)
for i in range(THRESHOLD + 2):
    h.logon(c, "bob", "wrong")
t.status(h.logon(c, "bob", "Bob-Pass1")["status"], "SUCCESS", "lsass.lockout-threshold 0 never locks")
c.close()
t.ok(inst.alive(), "lsassd is still running")
inst.stop_cleanly(t)
t.done()
