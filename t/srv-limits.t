#!/usr/bin/python3
# srv.idle-timeout and srv.max-connections on the stand-alone test server:
# an idle connection is dropped, a busy one is not; connections past the
# limit are closed at once and the ones inside it keep working.
import os, socket, struct, subprocess, sys, time

BUILD = os.environ["SW_BUILD"]
tests = []


def check(cond, name):
    tests.append(bool(cond))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(tests), name))


def start(*args):
    p = subprocess.Popen([BUILD + "/t/srv-test-server", "--port", "0"] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return p, int(p.stdout.readline().split()[1])


def negotiate(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    hdr = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 1, 0, 0, 10, 0, 0, 0, 0, 0, 0, b"\0" * 16)
    body = struct.pack("<HHHHI16sIHH", 36, 1, 1, 0, 0, b"C" * 16, 0, 0, 0) + struct.pack("<H", 0x0210)
    msg = hdr + body
    s.sendall(struct.pack(">I", len(msg)) + msg)
    return s


def answered(s):
    try:
        s.settimeout(3)
        head = s.recv(4)
        if len(head) < 4:
            return False
        n = struct.unpack(">I", head)[0]
        while n > 0:
            chunk = s.recv(n)
            if not chunk:
                return False
            n -= len(chunk)
        return True
    except (OSError, socket.timeout):
        return False


def closed_within(s, seconds):
    s.settimeout(seconds)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def echo(s, mid):
    hdr = struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, 1, 0, 13, 1, 0, 0, mid, 0, 0, 0, b"\0" * 16)
    msg = hdr + struct.pack("<HH", 4, 0)
    s.sendall(struct.pack(">I", len(msg)) + msg)
    return answered(s)


server, port = start("--idle-timeout", "2")
try:
    idle = negotiate(port)
    busy = negotiate(port)
    check(answered(idle) and answered(busy), "two clients negotiate")
    t0 = time.time()
    mid = 1
    while time.time() - t0 < 3.5:       # busy keeps talking, idle says nothing
        echo(busy, mid)
        mid += 1
        time.sleep(0.5)
    check(closed_within(idle, 3), "the idle connection is dropped after srv.idle-timeout")
    check(echo(busy, mid), "the busy one is still served")
finally:
    server.terminate()
    server.wait(timeout=10)

server, port = start("--max-connections", "2")
try:
    a, b = negotiate(port), negotiate(port)
    check(answered(a) and answered(b), "two connections within srv.max-connections 2")
    c = negotiate(port)
    check(closed_within(c, 3), "a third one is closed at once")
    check(echo(a, 1), "the first two keep working")
    a.close()
    time.sleep(0.3)
    d = negotiate(port)
    check(answered(d), "once one leaves, a new one is accepted")
finally:
    server.terminate()
    server.wait(timeout=10)
print("1..%d" % len(tests))
sys.exit(0 if all(tests) else 1)
