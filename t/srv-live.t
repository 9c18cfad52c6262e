#!/usr/bin/python3
# srv's live state as srvsvc reports it (NetrSessionEnum, NetrConnectionEnum,
# NetrFileEnum) and acts on it (NetrFileClose, NetrSessionDel): impacket
# against a whole instance (lwadmin start: lwiod with srv, lsassd, srvsvcd),
# which asks srv through the \srv device controls of srvsvc/srv_live.h.
import os
import sys

sys.path.insert(0, os.path.join(os.environ.get("SW_SRC", "."), "t", "tap"))
from tap import Appliance, Tap  # noqa: E402

tap = Tap()
tap.need_impacket()
from impacket.dcerpc.v5 import srvs, transport  # noqa: E402
check = tap.check

with Appliance("srv-live") as a:
    share = a.dir("share")
    with open(os.path.join(share, "held.txt"), "w") as f:
        f.write("held open\n")
    os.chmod(os.path.join(share, "held.txt"), 0o666)  # alice acts as nobody on disk
    a.lwadmin("user", "add", "bob", "--password-stdin", stdin="Bob-Pass1\n")
    a.lwadmin("group", "add-member", "Administrators", "bob")  # srvsvc's detailed levels
    a.lwadmin("share", "add", "data", share, "--grant", "Everyone:full")
    a.start()
    PORT = a.port

    holder = a.connect("alice", "Alice-Pass1")
    tid = holder.connectTree("data")
    fid = holder.openFile(tid, "held.txt")
    check(holder.readFile(tid, fid, 0, 9) == b"held open", "a client holds a file open")

    admin = a.connect("bob", "Bob-Pass1")
    t = transport.SMBTransport("127.0.0.1", PORT, r"\srvsvc", smb_connection=admin)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)

    sessions = srvs.hNetrSessionEnum(dce, "\x00", "\x00", 10)["InfoStruct"]["SessionInfo"]["Level10"]["Buffer"]
    names = [(s["sesi10_cname"].rstrip("\x00"), s["sesi10_username"].rstrip("\x00")) for s in sessions]
    check(len(sessions) == 2 and all(n[0] == "\\\\127.0.0.1" for n in names)
          and sorted(n[1].split("\\")[-1] for n in names) == ["alice", "bob"],
          "NetrSessionEnum: alice's and bob's sessions, from 127.0.0.1", names)

    conns = srvs.hNetrConnectionEnum(dce, "data", 1)["InfoStruct"]["ConnectInfo"]["Level1"]["Buffer"]
    check(len(conns) == 1 and conns[0]["coni1_num_opens"] == 1,
          "NetrConnectionEnum on data: one tree connect with one open file",
          [(c["coni1_netname"], c["coni1_num_opens"]) for c in conns])

    files = srvs.hNetrFileEnum(dce, "\x00", "\x00", 3)["InfoStruct"]["FileInfo"]["Level3"]["Buffer"]
    held = [f for f in files if f["fi3_path_name"].rstrip("\x00").endswith("held.txt")]
    check(len(held) == 1 and share.replace("/", "\\") in held[0]["fi3_path_name"],
          "NetrFileEnum: the held file, by its path on disk",
          [f["fi3_path_name"] for f in files])
    check(held and held[0]["fi3_username"].rstrip("\x00").split("\\")[-1] == "alice" and
          held[0]["fi3_permissions"] & 1, "with its user and read permission",
          [(f["fi3_username"], f["fi3_permissions"]) for f in held])

    if held:
        srvs.hNetrFileClose(dce, held[0]["fi3_id"])
    try:
        holder.readFile(tid, fid, 0, 9)
        closed = "still open"
    except Exception as e:
        closed = str(e)
    check("STATUS_FILE_CLOSED" in closed, "NetrFileClose closes it under the client", closed)
    try:
        srvs.hNetrFileClose(dce, 0x7FFFFFF0)
        unknown = "accepted"
    except Exception as e:
        unknown = str(e)
    check("NERR_FileIdNotFound" in unknown or "ERROR" in unknown.upper(),
          "an unknown file id is refused", unknown)

    srvs.hNetrSessionDel(dce, "\\\\127.0.0.1", "alice")
    after = srvs.hNetrSessionEnum(dce, "\x00", "\x00", 10)["InfoStruct"]["SessionInfo"]["Level10"]["Buffer"]
    check([s["sesi10_username"].rstrip("\x00").split("\\")[-1] for s in after] == ["bob"],
          "NetrSessionDel of alice leaves bob's session alone")
    try:
        holder.connectTree("IPC$")  # a request impacket cannot answer from its cache
        gone = "still logged on"
    except Exception as e:
        gone = str(e)
    # impacket encrypts its 3.0 session: a frame sealed for a session that is
    # gone cannot be decrypted, and the connection is dropped (3.3.5.2.1.1);
    # unencrypted, the answer would be STATUS_USER_SESSION_DELETED.
    check("STATUS_USER_SESSION_DELETED" in gone or "Error while reading" in gone,
          "NetrSessionDel logs the client off", gone)
tap.finish()
