#!/usr/bin/python3
# Share permissions are a ceiling on every open ([MS-SMB2] 3.3.5.9), and a
# read-only share changes nothing: impacket against a whole instance.
#
# alice has only `read` on share "rd", whose files are wide open on disk:
# MAXIMUM_ALLOWED grants her no write, append, attribute, EA, delete or DAC
# right (FileAccessInformation), a WRITE, a delete disposition and a rename
# on that open are refused, so are explicit write/delete opens,
# delete-on-close, overwrite, creating a file and a directory (impacket and
# smbclient's mkdir), and so is a hard link to it. On the read-only share "ro" (alice: full), a
# MAXIMUM_ALLOWED open gets no write rights, FSCTL_SET_ZERO_DATA,
# FSCTL_SET_SPARSE, FSCTL_SET_OBJECT_ID, SET_INFO (basic, end of file,
# disposition, rename, EAs) and a copychunk into it are refused, and the
# file's bytes on disk are unchanged. carol, with `change` on "rd", still
# writes and creates.
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
check = tap.check

from impacket import smb3  # noqa: E402
from impacket.smbconnection import SessionError as ConnError  # noqa: E402

SessionError = (ConnError, smb3.SessionError)

STATUS_ACCESS_DENIED = 0xC0000022
STATUS_MEDIA_WRITE_PROTECTED = 0xC00000A2
REFUSED = (STATUS_ACCESS_DENIED, STATUS_MEDIA_WRITE_PROTECTED)

FILE_READ_DATA = 0x1
FILE_WRITE_DATA = 0x2
FILE_APPEND_DATA = 0x4
FILE_WRITE_EA = 0x10
FILE_DELETE_CHILD = 0x40
FILE_READ_ATTRIBUTES = 0x80
FILE_WRITE_ATTRIBUTES = 0x100
DELETE = 0x10000
WRITE_DAC = 0x40000
WRITE_OWNER = 0x80000
MAXIMUM_ALLOWED = 0x02000000
WRITE_BITS = (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_DELETE_CHILD |
              FILE_WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER)
SHARE_ALL = 7
FILE_SUPERSEDE, FILE_OPEN, FILE_CREATE, FILE_OPEN_IF, FILE_OVERWRITE, FILE_OVERWRITE_IF = \
    0, 1, 2, 3, 4, 5
FILE_DIRECTORY_FILE = 0x1
FILE_NON_DIRECTORY_FILE = 0x40
FILE_DELETE_ON_CLOSE = 0x1000
FileBasicInformation, FileRenameInformation, FileDispositionInformation = 4, 10, 13
FileAccessInformation, FileFullEaInformation, FileEndOfFileInformation = 8, 15, 20
FileLinkInformation = 11
SMB2_0_INFO_FILE = 1
FSCTL_SRV_REQUEST_RESUME_KEY = 0x00140078
FSCTL_SRV_COPYCHUNK = 0x001440F2
FSCTL_SRV_COPYCHUNK_WRITE = 0x001480F2
FSCTL_SET_OBJECT_ID = 0x00090098
FSCTL_SET_SPARSE = 0x000900C4
FSCTL_SET_ZERO_DATA = 0x000980C8
SMB2_0_IOCTL_IS_FSCTL = 1


def status_of(fn):
    """The NTSTATUS an operation fails with, 0 if it succeeds."""
    try:
        fn()
        return 0
    except SessionError as e:
        code = e.getErrorCode() if hasattr(e, "getErrorCode") else e.get_error_code()
        return code & 0xFFFFFFFF


def name_of(status):
    return {0: "STATUS_SUCCESS", STATUS_ACCESS_DENIED: "STATUS_ACCESS_DENIED",
            STATUS_MEDIA_WRITE_PROTECTED: "STATUS_MEDIA_WRITE_PROTECTED"}.get(
                status, "0x%08x" % status)


class Client:
    """One user's SMB2 session on one share, through impacket's SMB3 object."""

    def __init__(self, appliance, user, password, share):
        self.conn = appliance.connect(user, password)
        self.smb = self.conn.getSMBServer()
        self.tid = self.conn.connectTree(share)

    def create(self, name, access, disposition=FILE_OPEN, options=FILE_NON_DIRECTORY_FILE):
        return self.smb.create(self.tid, name, access, SHARE_ALL, options, disposition, 0x80)

    def close(self, fid):
        self.smb.close(self.tid, fid)

    def granted(self, fid):
        data = self.smb.queryInfo(self.tid, fid, infoType=SMB2_0_INFO_FILE,
                                  fileInfoClass=FileAccessInformation)
        return struct.unpack("<I", data[:4])[0]

    def write(self, fid, data, offset=0):
        return self.smb.write(self.tid, fid, data, offset, len(data))

    def set_info(self, fid, cls, blob):
        return self.smb.setInfo(self.tid, fid, inputBlob=blob, infoType=SMB2_0_INFO_FILE,
                                fileInfoClass=cls)

    def fsctl(self, fid, code, data=b"", max_out=0):
        return self.smb.ioctl(self.tid, fid, ctlCode=code, flags=SMB2_0_IOCTL_IS_FSCTL,
                              inputBlob=data, maxInputResponse=0, maxOutputResponse=max_out)

    def refused(self, fn):
        """The status of fn, which should be a refusal."""
        return status_of(fn)


def rename_blob(new_name):
    name = new_name.encode("utf-16-le")
    return struct.pack("<B7xQI", 0, 0, len(name)) + name


def ea_blob(name, value):
    return struct.pack("<IBBH", 0, 0, len(name), len(value)) + name + b"\0" + value


def basic_blob():
    return struct.pack("<qqqqI4x", 0, 0, 0, 0, 0x02)  # FILE_ATTRIBUTE_HIDDEN


def smbclient(a, share, user, password, command):
    conf = os.path.join(a.tmp, "smb.conf")
    if not os.path.exists(conf):
        client = a.dir("client", 0o700)
        with open(conf, "w") as f:
            f.write("[global]\n    workgroup = WORKGROUP\n    client min protocol = SMB2_02\n"
                    "    client max protocol = SMB3\n    lock directory = %s\n"
                    "    state directory = %s\n    cache directory = %s\n"
                    "    private dir = %s\n    disable netbios = yes\n" % ((client,) * 4))
    auth = os.path.join(a.tmp, "auth-%s" % user)
    with open(auth, "w") as f:
        f.write("username = %s\npassword = %s\n" % (user, password))
    os.chmod(auth, 0o600)
    r = subprocess.run(["smbclient", "-s", conf, "-A", auth, "-p", str(a.port),
                        "//127.0.0.1/" + share, "-c", command],
                       capture_output=True, text=True, timeout=120)
    return r.stdout + r.stderr


def bytes_of(path):
    with open(path, "rb") as f:
        return f.read()


with Appliance("srv-share-ceiling") as a:
    a.lwadmin("user", "add", "carol", "--password-stdin", stdin="Carol-Pass1\n")
    rd = a.dir("rd")
    ro = a.dir("ro")
    full = a.dir("full")
    a.lwadmin("share", "add", "rd", rd, "--grant", "alice:read", "--grant", "carol:change")
    a.lwadmin("share", "add", "ro", ro, "--read-only", "--grant", "alice:full")
    a.lwadmin("share", "add", "full", full, "--grant", "alice:full")
    victim = os.path.join(rd, "victim.txt")
    original = b"the original bytes of victim.txt\n" * 64
    data_ro = os.path.join(ro, "data.bin")
    original_ro = os.urandom(256 * 1024)
    for path, content in ((victim, original), (data_ro, original_ro),
                          (os.path.join(full, "src.bin"), os.urandom(64 * 1024))):
        with open(path, "wb") as f:
            f.write(content)
        os.chmod(path, 0o666)
    a.start()

    # ---- a read grant: MAXIMUM_ALLOWED is cut down to it ----
    alice = Client(a, "alice", "Alice-Pass1", "rd")
    fid = alice.create("victim.txt", MAXIMUM_ALLOWED)
    granted = alice.granted(fid)
    check(granted & FILE_READ_DATA and not granted & WRITE_BITS,
          "read grant + MAXIMUM_ALLOWED: granted 0x%08x, no write/delete/DAC bit" % granted)
    st = alice.refused(lambda: alice.write(fid, b"PWNED"))
    check(st == STATUS_ACCESS_DENIED, "  WRITE on that open: STATUS_ACCESS_DENIED", name_of(st))
    st = alice.refused(lambda: alice.set_info(fid, FileDispositionInformation, b"\x01"))
    check(st == STATUS_ACCESS_DENIED, "  delete disposition: STATUS_ACCESS_DENIED", name_of(st))
    st = alice.refused(lambda: alice.set_info(fid, FileRenameInformation,
                                              rename_blob("moved.txt")))
    check(st == STATUS_ACCESS_DENIED, "  rename: STATUS_ACCESS_DENIED", name_of(st))
    st = alice.refused(lambda: alice.set_info(fid, FileEndOfFileInformation,
                                              struct.pack("<q", 0)))
    check(st == STATUS_ACCESS_DENIED, "  truncate: STATUS_ACCESS_DENIED", name_of(st))
    st = alice.refused(lambda: alice.set_info(fid, FileLinkInformation, rename_blob("link.txt")))
    check(st == STATUS_ACCESS_DENIED, "  a hard link (a new name in the share): "
          "STATUS_ACCESS_DENIED", name_of(st))
    alice.close(fid)

    for what, access, disposition, options in (
            ("explicit FILE_WRITE_DATA", FILE_WRITE_DATA, FILE_OPEN, FILE_NON_DIRECTORY_FILE),
            ("explicit DELETE", DELETE, FILE_OPEN, FILE_NON_DIRECTORY_FILE),
            ("MAXIMUM_ALLOWED + FILE_DELETE_ON_CLOSE", MAXIMUM_ALLOWED, FILE_OPEN,
             FILE_NON_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE),
            ("MAXIMUM_ALLOWED + FILE_OVERWRITE_IF", MAXIMUM_ALLOWED, FILE_OVERWRITE_IF,
             FILE_NON_DIRECTORY_FILE),
            ("MAXIMUM_ALLOWED + FILE_SUPERSEDE", MAXIMUM_ALLOWED, FILE_SUPERSEDE,
             FILE_NON_DIRECTORY_FILE)):
        st = status_of(lambda: alice.close(alice.create("victim.txt", access, disposition,
                                                        options)))
        check(st == STATUS_ACCESS_DENIED, "read grant: %s refused" % what, name_of(st))
    for what, name, disposition, options in (
            ("a new file (FILE_CREATE)", "new.txt", FILE_CREATE, FILE_NON_DIRECTORY_FILE),
            ("a new file (FILE_OPEN_IF)", "new2.txt", FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE),
            ("a new directory", "newdir", FILE_CREATE, FILE_DIRECTORY_FILE)):
        st = status_of(lambda: alice.close(alice.create(name, MAXIMUM_ALLOWED, disposition,
                                                        options)))
        check(st == STATUS_ACCESS_DENIED, "read grant: %s refused" % what, name_of(st))
    out = smbclient(a, "rd", "alice", "Alice-Pass1", "mkdir viaclient")
    check("NT_STATUS_ACCESS_DENIED" in out and not os.path.exists(os.path.join(rd, "viaclient")),
          "read grant: smbclient mkdir is refused", out)
    check(bytes_of(victim) == original, "read grant: victim.txt unchanged on disk")
    check(sorted(os.listdir(rd)) == ["victim.txt"], "read grant: nothing created or deleted",
          sorted(os.listdir(rd)))
    # Reading still works.
    fid = alice.create("victim.txt", FILE_READ_DATA)
    check(alice.smb.read(alice.tid, fid, 0, 32) == original[:32], "read grant: reading works")
    alice.close(fid)

    # ---- a read-only share: nothing changes ----
    ro_client = Client(a, "alice", "Alice-Pass1", "ro")
    fid = ro_client.create("data.bin", MAXIMUM_ALLOWED)
    granted = ro_client.granted(fid)
    check(granted & FILE_READ_DATA and not granted & (FILE_WRITE_DATA | FILE_APPEND_DATA |
                                                       FILE_WRITE_ATTRIBUTES | DELETE),
          "read-only share + MAXIMUM_ALLOWED: granted 0x%08x, no write bit" % granted)
    zero = struct.pack("<qq", 0, 4096)
    st = ro_client.refused(lambda: ro_client.fsctl(fid, FSCTL_SET_ZERO_DATA, zero))
    check(st in REFUSED, "read-only share: FSCTL_SET_ZERO_DATA refused", name_of(st))
    st = ro_client.refused(lambda: ro_client.fsctl(fid, FSCTL_SET_SPARSE, b"\x01"))
    check(st in REFUSED, "read-only share: FSCTL_SET_SPARSE refused (%s)" % name_of(st),
          name_of(st))
    st = ro_client.refused(lambda: ro_client.fsctl(fid, FSCTL_SET_OBJECT_ID, b"\x11" * 64))
    check(st in REFUSED, "read-only share: FSCTL_SET_OBJECT_ID refused", name_of(st))
    for what, cls, blob in (("basic info", FileBasicInformation, basic_blob()),
                            ("end of file", FileEndOfFileInformation, struct.pack("<q", 1)),
                            ("disposition", FileDispositionInformation, b"\x01"),
                            ("rename", FileRenameInformation, rename_blob("moved.bin")),
                            ("EAs", FileFullEaInformation, ea_blob(b"X", b"y"))):
        st = ro_client.refused(lambda: ro_client.set_info(fid, cls, blob))
        check(st in REFUSED, "read-only share: SET_INFO %s refused" % what, name_of(st))
    st = ro_client.refused(lambda: ro_client.write(fid, b"PWNED"))
    check(st in REFUSED, "read-only share: WRITE refused", name_of(st))

    # A copychunk from a share alice may write into the read-only one.
    src_client = Client(a, "alice", "Alice-Pass1", "full")
    src = src_client.create("src.bin", FILE_READ_DATA | FILE_READ_ATTRIBUTES)
    key = src_client.fsctl(src, FSCTL_SRV_REQUEST_RESUME_KEY, b"", 32)[:24]
    chunk = key + struct.pack("<II", 1, 0) + struct.pack("<QQII", 0, 0, 4096, 0)
    for code, name in ((FSCTL_SRV_COPYCHUNK, "FSCTL_SRV_COPYCHUNK"),
                       (FSCTL_SRV_COPYCHUNK_WRITE, "FSCTL_SRV_COPYCHUNK_WRITE")):
        st = ro_client.refused(lambda: ro_client.fsctl(fid, code, chunk, 12))
        check(st in REFUSED, "read-only share: %s into it refused" % name, name_of(st))
    src_client.close(src)
    ro_client.close(fid)
    for what, access, disposition, options in (
            ("overwrite", MAXIMUM_ALLOWED, FILE_OVERWRITE, FILE_NON_DIRECTORY_FILE),
            ("delete-on-close", MAXIMUM_ALLOWED, FILE_OPEN,
             FILE_NON_DIRECTORY_FILE | FILE_DELETE_ON_CLOSE),
            ("a new file", MAXIMUM_ALLOWED, FILE_CREATE, FILE_NON_DIRECTORY_FILE),
            ("a new file (FILE_OPEN_IF)", MAXIMUM_ALLOWED, FILE_OPEN_IF,
             FILE_NON_DIRECTORY_FILE),
            ("a new directory (FILE_OPEN_IF)", MAXIMUM_ALLOWED, FILE_OPEN_IF,
             FILE_DIRECTORY_FILE),
            ("a new directory", MAXIMUM_ALLOWED, FILE_CREATE, FILE_DIRECTORY_FILE)):
        name = "data.bin" if disposition in (FILE_OVERWRITE, FILE_OPEN) else "made"
        st = status_of(lambda: ro_client.close(ro_client.create(name, access, disposition,
                                                                options)))
        check(st in REFUSED, "read-only share: %s refused" % what, name_of(st))
    # FILE_OPEN_IF of an existing file opens it for reading, as on Windows.
    fid = ro_client.create("data.bin", FILE_READ_DATA, FILE_OPEN_IF)
    check(ro_client.smb.read(ro_client.tid, fid, 0, 16) == original_ro[:16],
          "read-only share: FILE_OPEN_IF of an existing file opens it for reading")
    ro_client.close(fid)
    check(bytes_of(data_ro) == original_ro, "read-only share: data.bin's bytes unchanged on disk")
    check(os.stat(data_ro).st_blocks * 512 >= len(original_ro),
          "read-only share: data.bin still fully allocated (no hole punched)")
    check(sorted(os.listdir(ro)) == ["data.bin"], "read-only share: nothing created or deleted",
          sorted(os.listdir(ro)))

    # ---- a change grant still writes and creates ----
    carol = Client(a, "carol", "Carol-Pass1", "rd")
    fid = carol.create("victim.txt", MAXIMUM_ALLOWED)
    granted = carol.granted(fid)
    check(granted & FILE_WRITE_DATA and granted & DELETE,
          "change grant + MAXIMUM_ALLOWED: granted 0x%08x has write and delete" % granted)
    check(status_of(lambda: carol.write(fid, b"CAROL")) == 0, "change grant: WRITE works")
    carol.close(fid)
    check(bytes_of(victim)[:5] == b"CAROL", "  and reaches the disk")
    fid = carol.create("carol.txt", MAXIMUM_ALLOWED, FILE_CREATE)
    check(status_of(lambda: carol.write(fid, b"new file")) == 0,
          "change grant: a new file is created and written")
    carol.close(fid)
    check(bytes_of(os.path.join(rd, "carol.txt")) == b"new file", "  and is on disk")
    out = smbclient(a, "rd", "carol", "Carol-Pass1", "mkdir carol-dir")
    check(os.path.isdir(os.path.join(rd, "carol-dir")), "change grant: smbclient mkdir works",
          out)
tap.finish()
