#!/bin/sh
# Clients that never log on or trickle their bytes, against the whole
# appliance (issue 12, items 3 and 6), then smbclient logs on and works:
#  - before a logon, a frame longer than NEGOTIATE or SESSION_SETUP need is
#    refused from its length alone: 100 connections announcing 1 MiB frames
#    and sending half of them are closed at once and lwiod's RSS hardly moves;
#  - srv.frame-timeout: a frame trickled in byte by byte closes its
#    connection; after a logon, a frame that keeps making progress is fine and
#    one that stalls is not;
#  - srv.unauthenticated-timeout: connections that never complete a
#    SESSION_SETUP are closed, even busy ones; logged-on ones stay.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
appliance_init || exit 1
"$LWADMIN" config set srv.unauthenticated-timeout 12 >/dev/null &&
    "$LWADMIN" config set srv.frame-timeout 3 >/dev/null || exit 1
echo hello > "$APPLIANCE_SHARE_DIR/hello.txt" && chmod 0644 "$APPLIANCE_SHARE_DIR/hello.txt"
appliance_require
# Not exec: the shell must live on so its exit actions stop the appliance.
/usr/bin/python3 - "$APPLIANCE_PORT" "$APPLIANCE_PASSWORD" "$APPLIANCE_SHARE" "$APPLIANCE_RUN_DIR" \
    "$APPLIANCE_CONF" "$APPLIANCE_AUTH" <<'PY'
import os, select, socket, struct, sys, time
sys.path.insert(0, os.path.join(os.environ["SW_SRC"], "t"))
from srv_raw import Client, SUCCESS, ECHO, closed_within, rss_kib, smbclient_lists

port, password, share, run_dir, conf, auth = int(sys.argv[1]), *sys.argv[2:]
pid = int(open(os.path.join(run_dir, "lwiod.pid")).read())
tests = []


def secs(t):
    return "never" if t is None else "%.1f s" % t


def check(cond, name, diag=None):
    tests.append(bool(cond))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(tests), name))
    if not cond and diag is not None:
        print("# " + str(diag))


def smbclient_works(when):
    listed, output = smbclient_lists(conf, auth, port, share, "hello.txt")
    check(listed, "smbclient logs on and lists the share " + when, output)


def is_closed(s):
    """Closed by the server (now), without waiting."""
    if not select.select([s], [], [], 0)[0]:
        return False
    try:
        return s.recv(65536, socket.MSG_PEEK) == b""
    except OSError:
        return True


# ---- Frame size before a logon ---------------------------------------------
rss0 = rss_kib(pid)
big = []
for i in range(100):
    c = Client(port, "127.0.0.%d" % (2 + i % 2))
    try:
        c.s.sendall(struct.pack(">I", 1 << 20) + b"\xfeSMB" + b"\0" * (512 * 1024 - 4))
    except OSError:
        pass  # closed while we were still sending: as intended
    big.append(c)
closed = sum(closed_within(c.s, 5) for c in big)
growth = (rss_kib(pid) - rss0) / 1024
check(closed == 100, "100 connections announcing 1 MiB frames before a logon are closed (%d)" % closed)
check(growth < 8, "sending 512 KiB each did not make lwiod hold them: RSS grew %.1f MiB" % growth)
for c in big:
    c.s.close()
c = Client(port)
t0 = time.time()
c.s.sendall(struct.pack(">I", 16 << 20))
check(closed_within(c.s, 2.5) and time.time() - t0 < 2.5,
      "a 16 MiB frame length closes the connection at once, before srv.frame-timeout")
c.s.close()

# ---- Timeouts, all running at once -----------------------------------------
start = time.time()
# A NEGOTIATE (100 bytes) trickled one byte every 0.5 s: 50 s if allowed.
trickle = Client(port)
negotiate = trickle.negotiate_msg()
trickle.s.sendall(struct.pack(">I", len(negotiate)))
# Silent after its NEGOTIATE; and one that keeps sending ECHOs without a logon.
silent, chatty = Client(port), Client(port)
check(silent.negotiate() == SUCCESS and chatty.negotiate() == SUCCESS,
      "two clients negotiate and do not log on")
# Logged-on clients: one trickles an ECHO slowly but steadily, one stalls.
steady, stalled = Client(port), Client(port)
check(all(x.negotiate() == SUCCESS and x.logon("alice", password) == SUCCESS
          for x in (steady, stalled)), "two clients log on as alice")
echo = steady.header(ECHO) + struct.pack("<HH", 4, 0)
steady_frame = struct.pack(">I", len(echo)) + echo
stalled_frame = stalled.header(ECHO) + struct.pack("<HH", 4, 0)
stalled.s.sendall(struct.pack(">I", len(stalled_frame)) + stalled_frame[:10])

closed_at = {}
sent = steady_sent = 0
chatty_ok = True
while time.time() - start < 40 and len(closed_at) < 4:
    time.sleep(0.5)
    now = time.time() - start
    if "trickle" not in closed_at and sent < len(negotiate):
        try:
            trickle.s.sendall(negotiate[sent:sent + 1])
            sent += 1
        except OSError:
            pass
    # One byte a second: 68 bytes take longer than srv.frame-timeout, but
    # every second brings progress.
    if steady_sent < len(steady_frame) and int(now * 2) % 2 == 0:
        steady.s.sendall(steady_frame[steady_sent:steady_sent + 1])
        steady_sent += 1
    if "chatty" not in closed_at and chatty_ok:
        try:
            chatty_ok = chatty.echo() == SUCCESS
        except OSError:
            chatty_ok = False
    for name, x in (("trickle", trickle), ("silent", silent), ("chatty", chatty),
                    ("stalled", stalled)):
        if name not in closed_at and is_closed(x.s):
            closed_at[name] = now
print("# closed after (s): %s; steady client sent %d bytes"
      % ({k: round(v, 1) for k, v in closed_at.items()}, steady_sent))
t = closed_at.get("trickle")
check(t is not None and 1.5 < t < 9,
      "a frame trickled in is cut off by srv.frame-timeout 3 (after %s)" % secs(t))
t = closed_at.get("stalled")
check(t is not None and t < 9, "after a logon, a frame that stalls is cut off too (after %s)" % secs(t))
check(not is_closed(steady.s) and steady_sent >= 8,
      "after a logon, a frame trickled in for %.0f s, one byte a second, is not"
      % (time.time() - start))
for name in ("silent", "chatty"):
    t = closed_at.get(name)
    check(t is not None and 9 < t < 25,
          "the %s client without a logon is closed by srv.unauthenticated-timeout 12 (after %s)"
          % (name, secs(t)))
# The steady client finishes its ECHO and is answered.
steady.s.sendall(steady_frame[steady_sent:])
r = steady.recv()
check(r is not None and struct.unpack_from("<I", r, 8)[0] == SUCCESS,
      "the logged-on client finishes its slow ECHO and is answered, %d s after connecting"
      % (time.time() - start))
for x in (trickle, silent, chatty, steady, stalled):
    x.s.close()
smbclient_works("after the slow clients")
print("1..%d" % len(tests))
sys.exit(0 if all(tests) else 1)
PY
rc=$?
# The script printed the plan and every result itself.
_tap_planned=skip
exit $rc
