#!/usr/bin/python3
# Server-side copy through a real client: impacket against a whole instance
# asks FSCTL_SRV_REQUEST_RESUME_KEY for a multi-MiB source and copies it with
# FSCTL_SRV_COPYCHUNK (and _WRITE into a write-only open); the copy on disk
# has the source's sha256. Malformed chunk lists (lengths past the buffer,
# zero chunks, too many, empty or oversized chunks, too much data, a short
# buffer) get STATUS_INVALID_PARAMETER, a made-up key
# STATUS_OBJECT_NAME_NOT_FOUND, a range past the source's end
# STATUS_INVALID_VIEW_SIZE; a key works from another session of its user but
# names nothing for another user; the server keeps serving throughout.
import hashlib
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
check = tap.check

from impacket.smb3structs import FILE_OPEN, FILE_OVERWRITE_IF, FILE_SHARE_READ, \
    FILE_SHARE_WRITE  # noqa: E402
from impacket import smb3  # noqa: E402
from impacket.smbconnection import SessionError as ConnError  # noqa: E402

# impacket raises either, depending on the call
SessionError = (ConnError, smb3.SessionError)

FSCTL_SRV_REQUEST_RESUME_KEY = 0x00140078
FSCTL_SRV_COPYCHUNK = 0x001440F2
FSCTL_SRV_COPYCHUNK_WRITE = 0x001480F2
SMB2_0_IOCTL_IS_FSCTL = 1
STATUS_INVALID_PARAMETER = 0xC000000D
STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034
STATUS_INVALID_VIEW_SIZE = 0xC000001F
FILE_READ_DATA = 0x1
FILE_WRITE_DATA = 0x2
FILE_READ_ATTRIBUTES = 0x80
GENERIC_READ_WRITE = 0xC0000000
KIB = 1024
MIB = 1024 * KIB
SIZE = 5 * MIB + 12345


def fsctl(conn, tid, fid, code, data, max_out):
    return conn._SMBConnection.ioctl(tid, fid, ctlCode=code, flags=SMB2_0_IOCTL_IS_FSCTL,
                                     inputBlob=data, maxInputResponse=0,
                                     maxOutputResponse=max_out)


def status_of(fn):
    """The NTSTATUS an operation fails with, 0 if it succeeds."""
    try:
        fn()
        return 0
    except SessionError as e:
        code = e.getErrorCode() if hasattr(e, "getErrorCode") else e.get_error_code()
        return code & 0xFFFFFFFF


def copy_input(key, chunks, count=None):
    body = b"".join(struct.pack("<QQII", s, t, n, 0) for s, t, n in chunks)
    return key + struct.pack("<II", len(chunks) if count is None else count, 0) + body


def whole_file_chunks(size):
    return [(off, off, min(MIB, size - off)) for off in range(0, size, MIB)]


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


with Appliance("srv-copychunk") as a:
    share = a.dir("share")
    a.lwadmin("share", "add", "data", share, "--grant", "Everyone:full")
    a.lwadmin("user", "add", "bob", "--password-stdin", stdin="Bob-Pass1\n")
    src_path = os.path.join(share, "src.bin")
    with open(src_path, "wb") as f:
        f.write(os.urandom(SIZE))
    os.chmod(src_path, 0o666)
    a.start()
    conn = a.connect("alice", "Alice-Pass1")
    tid = conn.connectTree("data")
    share_rw = FILE_SHARE_READ | FILE_SHARE_WRITE
    src = conn.openFile(tid, "src.bin", desiredAccess=FILE_READ_DATA | FILE_READ_ATTRIBUTES,
                        shareMode=share_rw)
    key = fsctl(conn, tid, src, FSCTL_SRV_REQUEST_RESUME_KEY, b"", 32)
    check(len(key) == 32 and key[24:] == b"\0" * 8,
          "FSCTL_SRV_REQUEST_RESUME_KEY: a 24-byte key, ContextLength 0", key.hex())
    key = key[:24]
    check(fsctl(conn, tid, src, FSCTL_SRV_REQUEST_RESUME_KEY, b"", 32)[:24] == key,
          "  the same key for the same open again")
    check(status_of(lambda: fsctl(conn, tid, src, FSCTL_SRV_REQUEST_RESUME_KEY, b"", 16)) ==
          STATUS_INVALID_PARAMETER, "  MaxOutputResponse below 32: STATUS_INVALID_PARAMETER")

    # The whole file in one request: six chunks, the last a short one.
    dst = conn.createFile(tid, "dst.bin", desiredAccess=GENERIC_READ_WRITE,
                          shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
    chunks = whole_file_chunks(SIZE)
    try:
        out = fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, chunks), 12)
        check(struct.unpack("<III", out) == (len(chunks), 0, SIZE),
              "FSCTL_SRV_COPYCHUNK of %d bytes in %d chunks: all written" % (SIZE, len(chunks)),
              struct.unpack("<III", out))
    except SessionError as e:
        check(False, "FSCTL_SRV_COPYCHUNK of the whole file", e)
    conn.closeFile(tid, dst)
    check(sha256_of(os.path.join(share, "dst.bin")) == sha256_of(src_path),
          "  the copy on disk has the source's sha256")

    # 256 chunks (the most a request may hold) of 4 KiB, in reverse order.
    dst = conn.createFile(tid, "dst256.bin", desiredAccess=GENERIC_READ_WRITE,
                          shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
    chunks = [(i * 4096, (255 - i) * 4096, 4096) for i in range(256)]
    try:
        out = fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, chunks), 12)
        check(struct.unpack("<III", out) == (256, 0, MIB), "256 chunks in one request",
              struct.unpack("<III", out))
    except SessionError as e:
        check(False, "256 chunks in one request", e)
    conn.closeFile(tid, dst)
    with open(src_path, "rb") as f:
        head = f.read(MIB)
    with open(os.path.join(share, "dst256.bin"), "rb") as f:
        check(f.read() == b"".join(head[i * 4096:(i + 1) * 4096] for i in reversed(range(256))),
              "  each chunk where it says")

    # _WRITE into an open that may not read.
    dst = conn.createFile(tid, "dst2.bin", desiredAccess=FILE_WRITE_DATA,
                          shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
    chunks = [(MIB, 0, MIB), (0, MIB, 1000)]
    check(status_of(lambda: fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, chunks),
                                  12)) != 0,
          "FSCTL_SRV_COPYCHUNK into a write-only open is refused")
    try:
        out = fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK_WRITE, copy_input(key, chunks), 12)
        check(struct.unpack("<III", out) == (2, 0, MIB + 1000),
              "FSCTL_SRV_COPYCHUNK_WRITE into a write-only open", struct.unpack("<III", out))
    except SessionError as e:
        check(False, "FSCTL_SRV_COPYCHUNK_WRITE into a write-only open", e)
    conn.closeFile(tid, dst)
    with open(src_path, "rb") as f:
        data = f.read()
    with open(os.path.join(share, "dst2.bin"), "rb") as f:
        check(f.read() == data[MIB:2 * MIB] + data[:1000], "  chunks land where they say")

    # Malformed requests.
    dst = conn.createFile(tid, "dst3.bin", desiredAccess=GENERIC_READ_WRITE,
                          shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
    one = [(0, 0, 4096)]
    bad = [
        ("ChunkCount past the buffer", copy_input(key, one, count=2), STATUS_INVALID_PARAMETER),
        ("ChunkCount huge", copy_input(key, one, count=0xFFFFFFFF), STATUS_INVALID_PARAMETER),
        ("zero chunks", copy_input(key, []), STATUS_INVALID_PARAMETER),
        ("257 chunks", copy_input(key, [(0, 0, 16)] * 257), STATUS_INVALID_PARAMETER),
        ("a zero-length chunk", copy_input(key, [(0, 0, 0)]), STATUS_INVALID_PARAMETER),
        ("a chunk over 1 MiB", copy_input(key, [(0, 0, MIB + 1)]), STATUS_INVALID_PARAMETER),
        ("over 16 MiB in all", copy_input(key, [(0, 0, MIB)] * 17), STATUS_INVALID_PARAMETER),
        ("an offset past 2^63", copy_input(key, [(2**64 - 4096, 0, 4096)]),
         STATUS_INVALID_PARAMETER),
        ("a buffer shorter than the header", key[:20], STATUS_INVALID_PARAMETER),
        ("a chunk cut short", copy_input(key, one)[:-8], STATUS_INVALID_PARAMETER),
        ("a made-up key", copy_input(b"deadbeefdeadbeefdeadbeef", one),
         STATUS_OBJECT_NAME_NOT_FOUND),
        ("a key with one bit changed", copy_input(bytes([key[0] ^ 1]) + key[1:], one),
         STATUS_OBJECT_NAME_NOT_FOUND),
        ("a range past the source's end", copy_input(key, [(SIZE - 100, 0, 4096)]),
         STATUS_INVALID_VIEW_SIZE),
    ]
    for name, blob, want in bad:
        got = status_of(lambda: fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, blob, 12))
        check(got == want, "%s: 0x%08X" % (name, want), "got 0x%08X" % got)
    check(status_of(lambda: fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, one), 8))
          == STATUS_INVALID_PARAMETER, "MaxOutputResponse below 12: STATUS_INVALID_PARAMETER")
    check(os.path.getsize(os.path.join(share, "dst3.bin")) == 0,
          "  nothing was written by the refused requests")
    # Over 1 MiB goes async; its second chunk runs past the source's end.
    past = [(0, 0, MIB), (SIZE - MIB + 1, MIB, MIB)]
    got = status_of(lambda: fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, past), 12))
    check(got == STATUS_INVALID_VIEW_SIZE, "an asynchronous copy failing on its second chunk",
          "got 0x%08X" % got)
    check(os.path.getsize(os.path.join(share, "dst3.bin")) == MIB,
          "  its first chunk stays written")
    conn.closeFile(tid, dst)
    dst = conn.createFile(tid, "dst3.bin", desiredAccess=GENERIC_READ_WRITE,
                          shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
    try:
        out = fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, one), 12)
        check(struct.unpack("<III", out) == (1, 0, 4096) and
              conn.readFile(tid, dst, 0, 4096) == data[:4096],
              "after all that the same open still copies and reads")
    except SessionError as e:
        check(False, "a copy after the malformed requests", e)
    check(any(f.get_longname() == "dst3.bin" for f in conn.listPath("data", "*")),
          "  and the share still lists")
    conn.closeFile(tid, dst)

    # Another session of the same user may use the key; another user may not.
    for user, password, want, name in (
            ("alice", "Alice-Pass1", 0, "another session of the same user uses the key"),
            ("bob", "Bob-Pass1", STATUS_OBJECT_NAME_NOT_FOUND,
             "another user's session: the key names nothing")):
        other = a.connect(user, password)
        otid = other.connectTree("data")
        ofid = other.createFile(otid, user + "-copy.bin", desiredAccess=GENERIC_READ_WRITE,
                                shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
        got = status_of(lambda: fsctl(other, otid, ofid, FSCTL_SRV_COPYCHUNK,
                                      copy_input(key, one), 12))
        check(got == want, name, "got 0x%08X" % got)
        other.closeFile(otid, ofid)
        other.logoff()

    # A closed source's key names nothing any more.
    conn.closeFile(tid, src)
    dst = conn.createFile(tid, "dst4.bin", desiredAccess=GENERIC_READ_WRITE,
                          shareMode=share_rw, creationDisposition=FILE_OVERWRITE_IF)
    check(status_of(lambda: fsctl(conn, tid, dst, FSCTL_SRV_COPYCHUNK, copy_input(key, one), 12))
          == STATUS_OBJECT_NAME_NOT_FOUND, "the key of a closed open: STATUS_OBJECT_NAME_NOT_FOUND")
    conn.closeFile(tid, dst)
    conn.logoff()

tap.finish()
