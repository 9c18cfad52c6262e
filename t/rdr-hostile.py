#!/usr/bin/python3
"""A hostile SMB2 server for t/rdr-hostile.t: one loopback listener per
misbehaviour ("mode"); prints "MODE PORT" lines, then "ready", and serves
until killed. Each mode answers rdr correctly up to one point and then sends
one malformed response (short, bad offsets, absurd lengths, wrong message
ids, ...). The "deep" modes get past authentication first: a guest logon
with an NTLM CHALLENGE the client cannot verify (nothing is signed), a tree
connect and a create, so the READ/QUERY_DIRECTORY parsers are reached too.

Every connection is bounded: a 30 s socket timeout, at most 64 requests."""
import socket
import struct
import sys
import threading
import time

NEGOTIATE, SESSION_SETUP, LOGOFF, TREE_CONNECT, TREE_DISCONNECT, CREATE, CLOSE, FLUSH, READ, WRITE = range(10)
QUERY_DIRECTORY, QUERY_INFO = 0x0E, 0x10
MORE_PROCESSING = 0xC0000016


def header(cmd, mid, status=0, credits=64, sid=0, tid=0, next_command=0):
    return b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ16s", 64, 0, status, cmd, credits, 1,
                                     next_command, mid, 0, tid, sid, b"\0" * 16)


def der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + length + content


def ntlm_challenge():
    def av(i, v):
        return struct.pack("<HH", i, len(v)) + v
    name = "HOSTILE".encode("utf-16-le")
    info = av(1, name) + av(2, name) + av(7, struct.pack("<Q", 133000000000000000)) + av(0, b"")
    flags = 0xE2898215
    fixed = 56
    body = b"NTLMSSP\0" + struct.pack("<I", 2)
    body += struct.pack("<HHI", len(name), len(name), fixed)
    body += struct.pack("<I", flags) + b"\x11" * 8 + b"\0" * 8
    body += struct.pack("<HHI", len(info), len(info), fixed + len(name))
    body += b"\x0a\x00\x63\x45\x00\x00\x00\x0f"
    return body + name + info


def spnego_challenge():
    ntlmssp_oid = der(0x06, bytes.fromhex("2b0601040182370202 0a".replace(" ", "")))
    inner = der(0xA0, der(0x0A, b"\x01")) + der(0xA1, ntlmssp_oid) + der(0xA2, der(0x04, ntlm_challenge()))
    return der(0xA1, der(0x30, inner))


def negotiate_body(dialect=0x0210, sec_offset=128, sec_len=0, ctx_count=0, ctx_offset=0, extra=b""):
    return struct.pack("<HHHH16sIIIIQQHHI", 65, 1, dialect, ctx_count, b"G" * 16, 0, 65536,
                       65536, 65536, 0, 0, sec_offset, sec_len, ctx_offset) + extra


def session_body(flags=0, offset=72, blob=b"", length=None):
    return struct.pack("<HHHH", 9, flags, offset, len(blob) if length is None else length) + blob


def tree_body():
    return struct.pack("<HBBIII", 16, 1, 0, 0, 0, 0x001F01FF)


def create_body():
    return struct.pack("<HBBIQQQQQQII16sII", 89, 0, 0, 1, 0, 0, 0, 0, 4096, 100, 0x80, 0,
                       b"F" * 16, 0, 0)


def close_body():
    return struct.pack("<HHI", 60, 0, 0) + b"\0" * 52


def read_body(offset=80, length=None, data=b""):
    return struct.pack("<HBBIII", 17, offset, 0, len(data) if length is None else length, 0, 0) + data


def output_body(data, length=None, offset=72):
    return struct.pack("<HHI", 9, offset, len(data) if length is None else length) + data


def frame(msg):
    return struct.pack(">I", len(msg)) + msg


def recv_exact(conn, n):
    out = b""
    while len(out) < n:
        chunk = conn.recv(n - len(out))
        if not chunk:
            raise EOFError
        out += chunk
    return out


def normal(cmd, mid):
    """A correct answer to everything a guest session needs."""
    if cmd == NEGOTIATE:
        return header(cmd, mid) + negotiate_body()
    if cmd == TREE_CONNECT:
        return header(cmd, mid, sid=0x77, tid=5) + tree_body()
    if cmd == CREATE:
        return header(cmd, mid, sid=0x77, tid=5) + create_body()
    if cmd == CLOSE:
        return header(cmd, mid, sid=0x77, tid=5) + close_body()
    if cmd == LOGOFF or cmd == TREE_DISCONNECT:
        return header(cmd, mid, sid=0x77) + struct.pack("<HH", 4, 0)
    return None


session_legs = {}


def session_answer(cmd, mid, conn_id):
    leg = session_legs.get(conn_id, 0)
    session_legs[conn_id] = leg + 1
    if leg == 0:
        return header(cmd, mid, MORE_PROCESSING, sid=0x77) + session_body(blob=spnego_challenge())
    return header(cmd, mid, sid=0x77) + session_body(flags=1)  # guest: nothing signed


# mode -> (command it misbehaves on, the bad answer given the request's message id)
BIG = b"Z" * 100000
MODES = {
    "neg-short": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid)[:20])),
    "neg-bad-secbuf": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid) + negotiate_body(sec_offset=200, sec_len=900))),
    "neg-absurd-frame": (NEGOTIATE, lambda mid: b"\x00\xff\xff\xff" + header(NEGOTIATE, mid)),
    "neg-wrong-mid": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid + 5) + negotiate_body())),
    "neg-bad-dialect": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid) + negotiate_body(dialect=0x02FF))),
    "neg-311-bad-contexts": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid) + negotiate_body(dialect=0x0311, ctx_count=3, ctx_offset=4000))),
    "neg-not-smb": (NEGOTIATE, lambda mid: frame(b"HTTP/1.1 400 Bad Request\r\n" + b"x" * 60)),
    "neg-transform-garbage": (NEGOTIATE, lambda mid: frame(b"\xfdSMB" + b"\x01" * 80)),
    "neg-compound": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid, next_command=64) + negotiate_body())),
    "neg-zero-credits": (NEGOTIATE, lambda mid: frame(header(NEGOTIATE, mid, credits=0) + negotiate_body())),
    "sess-bad-spnego": (SESSION_SETUP, lambda mid: frame(header(SESSION_SETUP, mid, MORE_PROCESSING, sid=0x77) + session_body(blob=b"\xa1\x84\xff\xff\xff\xff garbage"))),
    "sess-bad-offset": (SESSION_SETUP, lambda mid: frame(header(SESSION_SETUP, mid, MORE_PROCESSING, sid=0x77) + session_body(offset=60000, length=500))),
    "tree-short": (TREE_CONNECT, lambda mid: frame(header(TREE_CONNECT, mid, sid=0x77, tid=5) + b"\x10\x00\x01")),
    "create-short": (CREATE, lambda mid: frame(header(CREATE, mid, sid=0x77, tid=5) + create_body()[:40])),
    "create-wrong-command": (CREATE, lambda mid: frame(header(READ, mid, sid=0x77, tid=5) + read_body(data=b"abc"))),
    "create-silent": (CREATE, lambda mid: b""),
    "read-overlong": (READ, lambda mid: frame(header(READ, mid, sid=0x77, tid=5) + read_body(data=BIG))),
    "read-bad-offset": (READ, lambda mid: frame(header(READ, mid, sid=0x77, tid=5) + read_body(offset=250, length=100, data=b"x" * 10))),
    "read-absurd-length": (READ, lambda mid: frame(header(READ, mid, sid=0x77, tid=5) + read_body(length=0xFFFFFFF0, data=b"x" * 10))),
    "dir-overflow": (QUERY_DIRECTORY, lambda mid: frame(header(QUERY_DIRECTORY, mid, sid=0x77, tid=5) + output_body(BIG))),
    "dir-bad-offset": (QUERY_DIRECTORY, lambda mid: frame(header(QUERY_DIRECTORY, mid, sid=0x77, tid=5) + output_body(b"x" * 8, length=4000, offset=30))),
}


def serve(listener, mode):
    bad_cmd, bad = MODES[mode]
    while True:
        conn, _ = listener.accept()
        conn.settimeout(30)
        threading.Thread(target=serve_one, args=(conn, mode, bad_cmd, bad), daemon=True).start()


def serve_one(conn, mode, bad_cmd, bad):
    try:
        for _ in range(64):
            length = struct.unpack(">I", recv_exact(conn, 4))[0] & 0xFFFFFF
            msg = recv_exact(conn, length)
            cmd, = struct.unpack_from("<H", msg, 12)
            mid, = struct.unpack_from("<Q", msg, 24)
            if cmd == bad_cmd:
                answer = bad(mid)
                if answer:
                    conn.sendall(answer)
                    time.sleep(0.2)
                    break
                time.sleep(10)  # silent: say nothing, keep the connection open
                break
            if cmd == SESSION_SETUP:
                reply = session_answer(cmd, mid, id(conn))
            else:
                reply = normal(cmd, mid)
            if reply is None:
                break
            conn.sendall(frame(reply))
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def main():
    threads = []
    for mode in sorted(MODES):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        print(mode, listener.getsockname()[1])
        t = threading.Thread(target=serve, args=(listener, mode), daemon=True)
        t.start()
        threads.append(t)
    print("ready", flush=True)
    time.sleep(600)  # the test kills us long before


if __name__ == "__main__":
    main()
