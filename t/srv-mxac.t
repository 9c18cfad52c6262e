#!/usr/bin/python3
# The MxAc create context ([MS-SMB2] 2.2.14.2.5, 3.3.5.9.5) reports the
# file's own maximal access for the session's user intersected with the
# share's, as Windows does: impacket against a whole instance.
#
# carol (full on share "full", change on "rd") makes files with a DACL of
# one ACE for Authenticated Users (FILE_GENERIC_READ on one, FILE_ALL_ACCESS
# on the other); alice (full on "full", read on "rd") opens them asking for
# MxAc:
#   - read-only DACL on a full share: the read rights, no write bit;
#   - full DACL on a read share: no write bit either (the share's ceiling);
#   - full DACL on a full share: FILE_ALL_ACCESS;
#   - the owner (carol) of the read-only file also gets READ_CONTROL and
#     WRITE_DAC, the owner's implicit rights, and still no write bit;
#   - a file with the READONLY attribute and a full DACL: MxAc is
#     FILE_ALL_ACCESS (the attribute limits the open, not the maximal
#     access: smbtorture 4.18's smb2.maximum_allowed.read_only_file), while
#     the MAXIMUM_ALLOWED open lacks write data, append and delete child
#     ([MS-FSA] 2.1.5.1.2.1).
# For a file without the READONLY attribute each MxAc answer equals what a
# MAXIMUM_ALLOWED open of the same file grants (FileAccessInformation), so
# the two can never drift apart.
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
check = tap.check

from impacket import smb3, smb3structs  # noqa: E402

FILE_READ_DATA = 0x1
FILE_WRITE_DATA = 0x2
FILE_APPEND_DATA = 0x4
FILE_WRITE_EA = 0x10
FILE_DELETE_CHILD = 0x40
FILE_ATTRIBUTE_READONLY = 0x1
FILE_WRITE_ATTRIBUTES = 0x100
DELETE = 0x10000
READ_CONTROL = 0x20000
WRITE_DAC = 0x40000
MAXIMUM_ALLOWED = 0x02000000
FILE_GENERIC_READ = 0x00120089
FILE_ALL_ACCESS = 0x001F01FF
WRITE_BITS = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES
SHARE_ALL = 7
FILE_OPEN, FILE_CREATE = 1, 2
FILE_NON_DIRECTORY_FILE = 0x40
FileAccessInformation = 8
SMB2_0_INFO_FILE = 1


def context(name, data):
    """One create context (2.2.13.2), padded to 8 bytes; Next set by chain()."""
    body = struct.pack("<IHHHHI", 0, 16, len(name), 0, 24 if data else 0, len(data))
    body += name + b"\0" * (8 - len(name) % 8 if len(name) % 8 else 0) + data
    return body + b"\0" * (-len(body) % 8)


def chain(contexts):
    out = b""
    for i, c in enumerate(contexts):
        if i + 1 < len(contexts):
            c = struct.pack("<I", len(c)) + c[4:]
        out += c
    return out


def dacl_sd(mask):
    """Self-relative SD: no owner/group (the creator's), a DACL with one ACE
    allowing mask to Authenticated Users (S-1-5-11)."""
    sid = struct.pack("<BB6sI", 1, 1, b"\0\0\0\0\0\x05", 11)
    ace = struct.pack("<BBHI", 0, 0, 8 + len(sid), mask) + sid
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(ace), 1, 0) + ace
    return struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 20) + acl


def parse_mxac(buf):
    """(QueryStatus, MaximalAccess) of the MxAc response context, or None."""
    at = 0
    for _ in range(16):
        if at + 16 > len(buf):
            return None
        nxt, name_off, name_len, _r, data_off, data_len = struct.unpack_from("<IHHHHI", buf, at)
        if buf[at + name_off:at + name_off + name_len] == b"MxAc" and data_len == 8:
            return struct.unpack_from("<II", buf, at + data_off)
        if not nxt:
            return None
        at += nxt
    return None


class Client:
    def __init__(self, appliance, user, password, share):
        self.conn = appliance.connect(user, password)
        self.smb = self.conn.getSMBServer()
        self.tid = self.conn.connectTree(share)

    def create(self, name, access, disposition=FILE_OPEN, sd=None, attributes=0x80):
        """CREATE with an MxAc context (and SecD when sd): (fid, MxAc answer)."""
        s = self.smb
        contexts = [context(b"MxAc", b"")]
        if sd:
            contexts.append(context(b"SecD", sd))
        buf = chain(contexts)
        packet = s.SMB_PACKET()
        packet["Command"] = smb3structs.SMB2_CREATE
        packet["TreeID"] = self.tid
        req = smb3structs.SMB2Create()
        req["ImpersonationLevel"] = smb3structs.SMB2_IL_IMPERSONATION
        req["DesiredAccess"] = access
        req["FileAttributes"] = attributes
        req["ShareAccess"] = SHARE_ALL
        req["CreateDisposition"] = disposition
        req["CreateOptions"] = FILE_NON_DIRECTORY_FILE
        req["NameLength"] = len(name) * 2
        req["Buffer"] = name.encode("utf-16-le")
        offset = len(smb3structs.SMB2Packet()) + smb3structs.SMB2Create.SIZE + len(req["Buffer"])
        if offset % 8:
            req["Buffer"] += b"\0" * (8 - offset % 8)
        req["CreateContextsOffset"] = (len(smb3structs.SMB2Packet()) +
                                       smb3structs.SMB2Create.SIZE + len(req["Buffer"]))
        req["CreateContextsLength"] = len(buf)
        req["Buffer"] += buf
        packet["Data"] = req
        ans = s.recvSMB(s.sendSMB(packet))
        if not ans.isValidAnswer(smb3.STATUS_SUCCESS):
            raise RuntimeError("create %s failed" % name)
        rsp = smb3structs.SMB2Create_Response(ans["Data"])
        fid = rsp["FileID"].getData()
        # impacket's own bookkeeping of the open, so that its close() works.
        s._Session["OpenTable"][fid] = {"FileID": rsp["FileID"], "TreeConnect": self.tid,
                                        "FileName": name}
        s.GlobalFileTable[name] = {}
        return fid, parse_mxac(rsp["Buffer"])

    def granted(self, fid):
        data = self.smb.queryInfo(self.tid, fid, infoType=SMB2_0_INFO_FILE,
                                  fileInfoClass=FileAccessInformation)
        return struct.unpack("<I", data[:4])[0]

    def close(self, fid):
        self.smb.close(self.tid, fid)


def mxac_of(client, name):
    """MxAc of an open for READ_CONTROL, and what MAXIMUM_ALLOWED grants."""
    fid, answer = client.create(name, READ_CONTROL)
    client.close(fid)
    fid, _ = client.create(name, MAXIMUM_ALLOWED)
    granted = client.granted(fid)
    client.close(fid)
    return answer, granted


with Appliance("srv-mxac") as a:
    a.lwadmin("user", "add", "carol", "--password-stdin", stdin="Carol-Pass1\n")
    full = a.dir("full")
    rd = a.dir("rd")
    a.lwadmin("share", "add", "full", full, "--grant", "alice:full", "--grant", "carol:full")
    a.lwadmin("share", "add", "rd", rd, "--grant", "alice:read", "--grant", "carol:change")
    a.start()

    carol_full = Client(a, "carol", "Carol-Pass1", "full")
    carol_rd = Client(a, "carol", "Carol-Pass1", "rd")
    for client, name, mask in ((carol_full, "readable.txt", FILE_GENERIC_READ),
                               (carol_full, "open.txt", FILE_ALL_ACCESS),
                               (carol_rd, "open.txt", FILE_ALL_ACCESS)):
        fid, answer = client.create(name, FILE_READ_DATA, FILE_CREATE, dacl_sd(mask))
        client.close(fid)
        check(answer is not None and answer[0] == 0,
              "carol made %s with a one-ACE DACL 0x%08x; MxAc answered" % (name, mask), answer)

    alice_full = Client(a, "alice", "Alice-Pass1", "full")
    alice_rd = Client(a, "alice", "Alice-Pass1", "rd")

    answer, granted = mxac_of(alice_full, "readable.txt")
    mxac = answer[1] if answer else None
    check(answer is not None and answer[0] == 0 and mxac & FILE_READ_DATA and
          not mxac & WRITE_BITS and not mxac & WRITE_DAC,
          "read DACL, full share: MxAc 0x%08x has read, no write bit, no WRITE_DAC"
          % (mxac or 0), answer)
    check(mxac is not None and mxac & ~DELETE == FILE_GENERIC_READ,
          "  it is FILE_GENERIC_READ (DELETE only through the folder's FILE_DELETE_CHILD)",
          "0x%08x" % (mxac or 0))
    check(mxac == granted, "  and what MAXIMUM_ALLOWED grants (0x%08x)" % granted)

    answer, granted = mxac_of(carol_full, "readable.txt")
    mxac = answer[1] if answer else None
    check(mxac is not None and mxac & (READ_CONTROL | WRITE_DAC) == READ_CONTROL | WRITE_DAC and
          not mxac & WRITE_BITS,
          "read DACL, the owner: MxAc 0x%08x adds READ_CONTROL and WRITE_DAC, no write bit"
          % (mxac or 0))
    check(mxac == granted, "  and is what MAXIMUM_ALLOWED grants (0x%08x)" % granted)

    answer, granted = mxac_of(alice_rd, "open.txt")
    mxac = answer[1] if answer else None
    check(mxac is not None and mxac & FILE_READ_DATA and
          not mxac & (WRITE_BITS | DELETE | WRITE_DAC),
          "full DACL, read share: MxAc 0x%08x has read, no write, delete or DAC bit"
          % (mxac or 0))
    check(mxac == granted, "  and is what MAXIMUM_ALLOWED grants (0x%08x)" % granted)

    answer, granted = mxac_of(alice_full, "open.txt")
    mxac = answer[1] if answer else None
    check(mxac == FILE_ALL_ACCESS, "full DACL, full share: MxAc is FILE_ALL_ACCESS",
          "0x%08x" % (mxac or 0))
    check(mxac == granted, "  and is what MAXIMUM_ALLOWED grants (0x%08x)" % granted)

    fid, answer = alice_full.create("readonly-attr.txt", FILE_ALL_ACCESS, FILE_CREATE,
                                    dacl_sd(FILE_ALL_ACCESS), FILE_ATTRIBUTE_READONLY)
    alice_full.close(fid)
    fid, answer = alice_full.create("readonly-attr.txt", MAXIMUM_ALLOWED)
    granted = alice_full.granted(fid)
    alice_full.close(fid)
    check(answer is not None and answer[1] == FILE_ALL_ACCESS,
          "READONLY attribute, full DACL: MxAc is still FILE_ALL_ACCESS",
          "0x%08x" % (answer[1] if answer else 0))
    want = FILE_ALL_ACCESS & ~(FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_DELETE_CHILD)
    check(granted == want, "  the MAXIMUM_ALLOWED open: 0x%08x (no write data, append, "
          "delete child)" % want, "0x%08x" % granted)
tap.finish()
