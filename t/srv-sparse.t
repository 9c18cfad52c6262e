#!/usr/bin/python3
# Sparse files through a real client: impacket against a whole instance sends
# FSCTL_SET_SPARSE and FSCTL_SET_ZERO_DATA, and the hole shows on disk (the
# file's st_blocks shrink), in FSCTL_QUERY_ALLOCATED_RANGES, in the file's
# attributes and in a directory listing.
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
check = tap.check

FSCTL_SET_SPARSE = 0x000900C4
FSCTL_SET_ZERO_DATA = 0x000980C8
FSCTL_QUERY_ALLOCATED_RANGES = 0x000940CF
SMB2_0_IOCTL_IS_FSCTL = 1
FILE_BASIC_INFORMATION = 4
FILE_ATTRIBUTE_SPARSE_FILE = 0x200
KIB = 1024
MIB = 1024 * KIB


def fsctl(conn, tid, fid, code, data, max_out=0):
    return conn._SMBConnection.ioctl(tid, fid, ctlCode=code, flags=SMB2_0_IOCTL_IS_FSCTL,
                                     inputBlob=data, maxInputResponse=0,
                                     maxOutputResponse=max_out)


def attributes(conn, tid, fid):
    basic = conn._SMBConnection.queryInfo(tid, fid, fileInfoClass=FILE_BASIC_INFORMATION)
    return struct.unpack_from("<I", basic, 32)[0]


with Appliance("srv-sparse") as a:
    share = a.dir("share")
    a.lwadmin("share", "add", "data", share, "--grant", "Everyone:full")
    a.start()
    conn = a.connect("alice", "Alice-Pass1")
    tid = conn.connectTree("data")
    fid = conn.createFile(tid, "big.bin")
    chunk = b"x" * (64 * KIB)
    for off in range(0, MIB, len(chunk)):
        conn.writeFile(tid, fid, chunk, off)
    conn._SMBConnection.flush(tid, fid)
    on_disk = os.path.join(share, "big.bin")
    before = os.stat(on_disk)
    check(before.st_size == MIB and before.st_blocks * 512 >= MIB,
          "a 1 MiB file, allocated on disk", (before.st_size, before.st_blocks))

    try:
        fsctl(conn, tid, fid, FSCTL_SET_SPARSE, b"\x01")
        check(attributes(conn, tid, fid) & FILE_ATTRIBUTE_SPARSE_FILE,
              "FSCTL_SET_SPARSE: the file is sparse")
    except Exception as e:
        check(False, "FSCTL_SET_SPARSE", e)

    try:
        fsctl(conn, tid, fid, FSCTL_SET_ZERO_DATA, struct.pack("<qq", 0, 512 * KIB))
        after = os.stat(on_disk)
        check(after.st_size == MIB and after.st_blocks * 512 <= before.st_blocks * 512 - 512 * KIB,
              "FSCTL_SET_ZERO_DATA of the first half: a hole on disk, same size",
              (before.st_blocks, after.st_blocks, after.st_size))
    except Exception as e:
        check(False, "FSCTL_SET_ZERO_DATA", e)

    check(conn.readFile(tid, fid, 0, 4096) == b"\0" * 4096 and
          conn.readFile(tid, fid, 512 * KIB, 4096) == b"x" * 4096,
          "the hole reads zeros, the rest its data")

    try:
        out = fsctl(conn, tid, fid, FSCTL_QUERY_ALLOCATED_RANGES, struct.pack("<qq", 0, MIB),
                    max_out=1024)
        ranges = [struct.unpack_from("<qq", out, i) for i in range(0, len(out), 16)]
        check(ranges == [(512 * KIB, 512 * KIB)],
              "FSCTL_QUERY_ALLOCATED_RANGES: the second half only", ranges)
    except Exception as e:
        check(False, "FSCTL_QUERY_ALLOCATED_RANGES", e)

    listed = [f for f in conn.listPath("data", "*") if f.get_longname() == "big.bin"]
    check(listed and listed[0].get_attributes() & FILE_ATTRIBUTE_SPARSE_FILE,
          "a directory listing shows FILE_ATTRIBUTE_SPARSE_FILE")

    conn.closeFile(tid, fid)
    conn.logoff()

tap.finish()
