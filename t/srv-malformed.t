#!/usr/bin/python3
# Malformed and hostile input against the stand-alone srv engine over TCP:
# each gets the error [MS-SMB2] asks for, or a closed connection, and the
# server keeps serving a well-behaved client connected all along.
import os, socket, struct, subprocess, sys, time

BUILD = os.environ["SW_BUILD"]
tests = []

def check(cond, name, diag=None):
    tests.append(cond)
    print("%s %d - %s" % ("ok" if cond else "not ok", len(tests), name))
    if not cond and diag is not None:
        print("# " + str(diag))

server = subprocess.Popen([BUILD + "/t/srv-test-server", "--port", "0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
try:
    line = server.stdout.readline().decode()
    PORT = int(line.split()[1])

    def connect():
        s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
        return s

    def send(s, msg):
        s.sendall(struct.pack(">I", len(msg)) + msg)

    def recv(s):
        """One response message, or None if the server closed the connection."""
        try:
            hdr = b""
            while len(hdr) < 4:
                chunk = s.recv(4 - len(hdr))
                if not chunk:
                    return None
                hdr += chunk
            n = struct.unpack(">I", hdr)[0]
            data = b""
            while len(data) < n:
                chunk = s.recv(n - len(data))
                if not chunk:
                    return None
                data += chunk
            return data
        except (ConnectionResetError, socket.timeout):
            return None

    def header(cmd, mid, sid=0, tid=0, flags=0, charge=1, credits=1, next_cmd=0):
        return struct.pack("<4sHHIHHIIQIIQ16s", b"\xfeSMB", 64, charge, 0, cmd, credits,
                           flags, next_cmd, mid, 0, tid, sid, b"\0" * 16)

    def negotiate(dialects=(0x0202, 0x0210), mid=0, credits=64):
        body = struct.pack("<HHHHI16sIHH", 36, len(dialects), 1, 0, 4, b"C" * 16, 0, 0, 0)
        body += b"".join(struct.pack("<H", d) for d in dialects)
        return header(0, mid, credits=credits) + body

    def echo(mid, **kw):
        return header(13, mid, **kw) + struct.pack("<HH", 4, 0)

    def status(msg):
        return struct.unpack_from("<I", msg, 8)[0] if msg else None

    def closed(s):
        try:
            s.settimeout(3)
            return s.recv(1) == b""
        except (ConnectionResetError, socket.timeout):
            return True

    STATUS_SUCCESS, STATUS_INVALID_PARAMETER = 0, 0xC000000D

    # A client that behaves, connected through everything below.
    good = connect()
    send(good, negotiate())
    check(status(recv(good)) == STATUS_SUCCESS, "well-behaved client negotiates")
    good_mid = 1

    s = connect()
    s.sendall(struct.pack(">I", 30) + b"\xfeSMB" + b"\0" * 26)
    check(closed(s), "truncated SMB2 header: connection closed")

    s = connect()
    s.sendall(b"\x81\0\0\x44" + b"\0" * 68)
    check(closed(s), "NetBIOS session request (first byte not zero): closed")

    s = connect()
    s.sendall(struct.pack(">I", 0x00F00000))
    check(closed(s), "15 MiB frame before logon: closed")

    s = connect()
    send(s, b"GET / HTTP/1.0\r\n\r\n")
    check(closed(s), "not an SMB frame: closed")

    s = connect()
    send(s, b"\xfdSMB" + b"\0" * 60)
    check(closed(s), "TRANSFORM_HEADER before NEGOTIATE: closed")

    s = connect()
    send(s, echo(0))
    check(closed(s), "ECHO before NEGOTIATE: closed")

    s = connect()
    send(s, negotiate(dialects=()))
    check(status(recv(s)) == STATUS_INVALID_PARAMETER, "NEGOTIATE with no dialects: INVALID_PARAMETER")

    s = connect()
    bad = bytearray(negotiate())
    struct.pack_into("<H", bad, 64 + 2, 0xFFFF)
    send(s, bytes(bad))
    check(status(recv(s)) == STATUS_INVALID_PARAMETER, "DialectCount past the end: INVALID_PARAMETER")

    s = connect()
    body = struct.pack("<HHHHI16sIHH", 36, 1, 1, 0, 0, b"C" * 16, 0x2000, 1, 0) + b"\x11\x03"
    send(s, header(0, 0) + body + b"\0" * 6)
    check(status(recv(s)) == STATUS_INVALID_PARAMETER,
          "3.1.1 NegotiateContextOffset past the end: INVALID_PARAMETER")

    # On a negotiated connection: element-level errors get answers.
    s = connect()
    send(s, negotiate())
    recv(s)
    mid = 1
    send(s, echo(mid, next_cmd=4096)); mid += 1
    check(status(recv(s)) == STATUS_INVALID_PARAMETER, "NextCommand past the end: INVALID_PARAMETER")
    send(s, echo(mid)); mid += 1
    check(status(recv(s)) == STATUS_SUCCESS, "the connection still serves after it")

    ss = header(1, mid) + struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 64 + 24, 500, 0) + b"x" * 8
    send(s, ss); mid += 1
    check(status(recv(s)) == STATUS_INVALID_PARAMETER,
          "SESSION_SETUP SecurityBuffer past the end: INVALID_PARAMETER")

    io = header(11, mid, sid=1, tid=1) + struct.pack("<HHI16sIIIIIIII", 57, 0, 0x140204,
                                                       b"\xff" * 16, 0xFFFFFFF0, 0x20, 0, 0, 0,
                                                       24, 1, 0) + b"\0" * 8
    send(s, io); mid += 1
    check(status(recv(s)) == STATUS_INVALID_PARAMETER,
          "IOCTL InputOffset+InputCount wrapping 2^32: INVALID_PARAMETER")

    send(s, header(0x99, mid) + b"\x04\x00\x00\x00"); mid += 1
    check(status(recv(s)) == STATUS_INVALID_PARAMETER, "unknown command: INVALID_PARAMETER")

    bad = bytearray(echo(mid)); mid += 1
    struct.pack_into("<H", bad, 64, 5)
    send(s, bytes(bad))
    check(status(recv(s)) == STATUS_INVALID_PARAMETER, "wrong StructureSize: INVALID_PARAMETER")

    send(s, echo(mid, sid=0x1234)); mid += 1
    check(status(recv(s)) == 0xC0000203, "unknown SessionId: USER_SESSION_DELETED")

    send(s, echo(mid, charge=65535)); mid += 1
    check(closed(s), "huge CreditCharge (beyond the granted window): closed")

    s = connect()
    send(s, negotiate())
    recv(s)
    send(s, echo(5000))
    check(closed(s), "MessageId never granted: closed")

    s = connect()
    send(s, negotiate())
    recv(s)
    send(s, echo(1))
    recv(s)
    send(s, echo(1))
    check(closed(s), "MessageId used twice: closed")

    s = connect()
    send(s, negotiate())
    recv(s)
    send(s, negotiate(mid=1))
    check(closed(s), "second NEGOTIATE: closed without reply")

    # Half a frame, then the client vanishes; many short connections.
    s = connect()
    s.sendall(struct.pack(">I", 100) + b"\xfeSMB")
    s.close()
    for i in range(40):
        c = connect()
        if i % 2:
            send(c, negotiate())
        c.close()

    send(good, echo(good_mid)); good_mid += 1
    check(status(recv(good)) == STATUS_SUCCESS, "the well-behaved client is still served")
    s = connect()
    send(s, negotiate(dialects=(0x0300,)))
    check(status(recv(s)) == STATUS_SUCCESS, "and new clients still negotiate")
    check(server.poll() is None, "the server is still running")
finally:
    server.terminate()
    try:
        rc = server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        rc = None
check(rc == 0, "the server stops cleanly", rc)
print("1..%d" % len(tests))
sys.exit(0 if all(tests) else 1)
