#!/bin/sh
# Durable handles across `lwadmin restart` (docs/srv.md, "Restart") with a
# real client library (impacket, create contexts built by hand): a client
# holding a durable v2 open (DH2Q) and a durable v1 open (DHnQ, batch
# oplock) writes, the instance restarts, the client reclaims both from a new
# connection (DH2C, DHnC), reads what it wrote through the reclaimed handles
# and writes more; another user's reclaim with the same ids is refused; a
# wrong CreateGuid names nothing; a resilient open is reclaimed too; a
# conflicting open made since makes the reclaim fail; an open nobody
# reclaims is gone after its (short, v2) timeout, counted from the shutdown;
# a stop leaves the records in a 0600 file of the run directory, and a
# damaged file is refused without keeping srv from starting.
. "$SW_SRC/t/tap/tap.sh"
need_python_module impacket python3-impacket
. "$SW_SRC/t/tap/appliance.sh"

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_torture_setup || { echo "Bail out! appliance_torture_setup failed"; exit 1; }
appliance_require
SHARE=$APPLIANCE_SHARE_DIR
PORT=$APPLIANCE_PORT
for f in v2.txt v1.txt short.txt conflict.txt resilient.txt; do : > "$SHARE/$f"; chmod 666 "$SHARE/$f"; done

cat > "$T/client.py" <<'PY'
import copy, struct, sys, time, uuid
from impacket import smb3, smb3structs as s
from impacket.smbconnection import SMBConnection

port, share, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3]
args = sys.argv[4:]


def connect(user, password):
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port,
                      preferredDialect=s.SMB2_DIALECT_30, timeout=20)
    c.login(user, password)
    return c, c.getSMBServer(), c.connectTree(share)


def context(name, data):
    # SMB2_CREATE_CONTEXT (2.2.13.2): name at 16, data at 24
    return struct.pack('<IHHHHI', 0, 16, 4, 0, 24, len(data)) + name + b'\0' * 4 + data


def create(srv, tid, name, ctx, oplock):
    """(status, oplock, FileId bytes, context names) of a hand-built CREATE."""
    p = srv.SMB_PACKET()
    p['Command'] = s.SMB2_CREATE
    p['TreeID'] = tid
    c = s.SMB2Create()
    c['SecurityFlags'] = 0
    c['RequestedOplockLevel'] = oplock
    c['ImpersonationLevel'] = s.SMB2_IL_IMPERSONATION
    c['DesiredAccess'] = 0x0012019f  # read, write, attributes
    c['FileAttributes'] = 0
    c['ShareAccess'] = 0
    c['CreateDisposition'] = s.FILE_OPEN
    c['CreateOptions'] = 0
    c['NameLength'] = len(name) * 2
    c['Buffer'] = name.encode('utf-16le')
    offset = len(s.SMB2Packet()) + s.SMB2Create.SIZE + len(c['Buffer'])
    c['Buffer'] += b'\0' * (-offset % 8)
    c['CreateContextsOffset'] = len(s.SMB2Packet()) + s.SMB2Create.SIZE + len(c['Buffer'])
    c['CreateContextsLength'] = len(ctx)
    c['Buffer'] += ctx
    p['Data'] = c
    ans = srv.recvSMB(srv.sendSMB(p))
    if ans['Status'] != 0:
        return ans['Status'], 0, None, ''
    r = s.SMB2Create_Response(ans['Data'])
    fid = r['FileID'].getData()
    o = copy.deepcopy(smb3.OPEN)
    o['FileID'] = r['FileID']
    o['TreeConnect'] = tid
    o['FileName'] = name
    srv.GlobalFileTable[name] = copy.deepcopy(smb3.FILE)
    srv._Session['OpenTable'][fid] = o
    names, raw = [], bytes(ans['Data'])
    at, left = r['CreateContextsOffset'] - 64, r['CreateContextsLength']
    while left > 0:
        nxt, noff, nlen = struct.unpack_from('<IHH', raw, at)
        names.append(raw[at + noff:at + noff + nlen].decode())
        if not nxt:
            break
        at, left = at + nxt, left - nxt
    return ans['Status'], r['OplockLevel'], fid, ','.join(names)


def hold(kind, name, timeout_ms, user, password):
    """Opens name durably, writes a line, prints the ids, stays connected."""
    c, srv, tid = connect(user, password)
    guid = uuid.uuid4().bytes
    oplock = s.SMB2_OPLOCK_LEVEL_BATCH
    if kind == 'v2':
        ctx = context(b'DH2Q', struct.pack('<II8s16s', int(timeout_ms), 0, b'\0' * 8, guid))
    elif kind == 'v1':
        ctx = context(b'DHnQ', b'\0' * 16)
    else:  # plain or resilient: no oplock, no durability, share mode none
        ctx, oplock = b'', 0
    status, oplock, fid, found = create(srv, tid, name, ctx, oplock)
    if kind == 'resilient':
        # FSCTL_LMR_REQUEST_RESILIENCY: Timeout, Reserved
        srv.ioctl(tid, fid, 0x001401D4, s.SMB2_0_IOCTL_IS_FSCTL,
                  struct.pack('<II', int(timeout_ms), 0), maxOutputResponse=0)
    print('status=0x%08x oplock=%d contexts=%s' % (status, oplock, found))
    srv.write(tid, fid, b'before restart\n', 0, 15)
    print('fileid=%s guid=%s' % (fid.hex(), guid.hex()), flush=True)
    time.sleep(120)


def reclaim(kind, name, fid_hex, guid_hex, user, password, more=''):
    c, srv, tid = connect(user, password)
    fid = bytes.fromhex(fid_hex)
    if kind == 'v2':
        ctx = context(b'DH2C', fid + bytes.fromhex(guid_hex) + b'\0' * 4)
    else:
        ctx = context(b'DHnC', fid)
    status, oplock, got, found = create(srv, tid, name, ctx, 0)
    print('status=0x%08x oplock=%d contexts=%s' % (status, oplock, found))
    if status == 0:
        print('persistent_same=%s' % (got[:8] == fid[:8]))
        print('data=%r' % srv.read(tid, got, 0, 100))
        if more:
            srv.write(tid, got, more.encode() + b'\n', 15, len(more) + 1)
            print('now=%r' % srv.read(tid, got, 0, 100))
        srv.close(tid, got)


{'hold': hold, 'reclaim': reclaim}[cmd](*args)
PY

client() { timeout 90 /usr/bin/python3 "$T/client.py" "$PORT" "$APPLIANCE_SHARE" "$@" 2>&1; }
alice() { echo "$APPLIANCE_USER $APPLIANCE_PASSWORD"; }
bob() { echo "bob $APPLIANCE_PASSWORD2"; }

# Starts a holder in the background; waits for its ids ($T/NAME.out).
HOLDERS=
hold() { # v1|v2|plain|resilient NAME TIMEOUT_MS
    /usr/bin/python3 "$T/client.py" "$PORT" "$APPLIANCE_SHARE" hold "$1" "$2" "$3" $(alice) \
        > "$T/$2.$1.out" 2>&1 &
    HOLDERS="$HOLDERS $!"
    tap_at_exit "kill $! 2>/dev/null"
    i=0
    while [ $i -lt 400 ] && ! grep -qs '^fileid=' "$T/$2.$1.out"; do sleep 0.05; i=$((i + 1)); done
    cp "$T/$2.$1.out" "$T/$2.out"
}
fileid() { sed -n 's/^fileid=\([0-9a-f]*\).*/\1/p' "$T/$1.out"; }
guid() { sed -n 's/.* guid=//p' "$T/$1.out"; }

plan 27

hold v2 v2.txt 120000
hold v1 v1.txt 0
hold v2 short.txt 40000
hold v1 conflict.txt 0
hold resilient resilient.txt 120000
like "$(cat "$T/v2.txt.out")" "status=0x00000000 oplock=9 contexts=DH2Q" "DH2Q with a batch oplock: durable v2"
like "$(cat "$T/v1.txt.out")" "status=0x00000000 oplock=9 contexts=DHnQ" "DHnQ with a batch oplock: durable v1"
like "$(cat "$T/short.txt.out")" "contexts=DH2Q" "a second v2 open, 40 s timeout"

started=$(date +%s)
out=$("$LWADMIN" restart 2>&1); rc=$?
is "$rc" 0 "lwadmin restart succeeds while the durable opens are held" || diag "$out"
appliance_pids >> "$T/.appliance-pids"
for p in $HOLDERS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
ok "the state file was consumed at start" sh -c "! ls '$APPLIANCE_RUN_DIR'/srv-durable.state* 2>/dev/null | grep -q ."

out=$(client reclaim v2 v2.txt "$(fileid v2.txt)" "$(guid v2.txt)" $(bob))
like "$out" "status=0xc0000022" "another user's DH2C with the same ids is refused (STATUS_ACCESS_DENIED)"
out=$(client reclaim v2 v2.txt "$(fileid v2.txt)" "$(guid short.txt)" $(alice))
like "$out" "status=0xc0000034" "a DH2C with another CreateGuid names nothing (STATUS_OBJECT_NAME_NOT_FOUND)"
out=$(client reclaim v2 v2.txt "$(fileid v2.txt)" "$(guid v2.txt)" $(alice) "after restart")
like "$out" "status=0x00000000 oplock=9 contexts=$" "DH2C after the restart reclaims the v2 open, batch oplock kept"
like "$out" "persistent_same=True" "the same persistent FileId"
like "$out" "data=b'before restart\\\\n'" "reads what was written before the restart"
like "$out" "now=b'before restart\\\\nafter restart\\\\n'" "and writes more through the reclaimed handle"
is "$(cat "$SHARE/v2.txt")" "before restart
after restart" "both writes are in the file"

out=$(client reclaim v1 v1.txt "$(fileid v1.txt)" - $(bob))
like "$out" "status=0xc0000022" "another user's DHnC is refused"
out=$(client reclaim v1 v1.txt "$(fileid v1.txt)" - $(alice) "v1 again")
like "$out" "status=0x00000000 oplock=9 contexts=$" "DHnC after the restart reclaims the v1 open, batch oplock kept"
like "$out" "data=b'before restart\\\\n'" "reads what was written before the restart"
like "$out" "now=b'before restart\\\\nv1 again\\\\n'" "and writes more"

out=$(client reclaim v2 v2.txt "$(fileid v2.txt)" "$(guid v2.txt)" $(alice))
like "$out" "status=0xc0000034" "once reclaimed and closed, the ids name nothing"

out=$(client reclaim v1 resilient.txt "$(fileid resilient.txt)" - $(alice) "resilient")
like "$out" "status=0x00000000 oplock=0 contexts=$" "a resilient open (no oplock) is reclaimed with DHnC after the restart"
like "$out" "now=b'before restart\\\\nresilient\\\\n'" "read and written through the reclaimed handle"

# Nothing held the file while srv was down: another open in a conflicting
# share mode since then makes the reclaim fail, as if it was never durable.
conflict_id=$(fileid conflict.txt)
hold plain conflict.txt 0
like "$(cat "$T/conflict.txt.out")" "status=0x00000000 oplock=0" "another open of a reclaimable file, share mode none"
out=$(client reclaim v1 conflict.txt "$conflict_id" - $(alice))
like "$out" "status=0xc0000034" "then the DHnC fails (STATUS_OBJECT_NAME_NOT_FOUND)"

# The short one: there (bob is refused, not told it is unknown) until 40 s
# after the shutdown, then gone.
out=$(client reclaim v2 short.txt "$(fileid short.txt)" "$(guid short.txt)" $(bob))
like "$out" "status=0xc0000022" "an unreclaimed open is kept within its timeout" ||
    diag "$(($(date +%s) - started)) s since the restart began (timeout 40 s)"
i=0
while [ $i -lt 120 ] && [ $(($(date +%s) - started)) -lt 44 ]; do sleep 0.5; i=$((i + 1)); done
out=$(client reclaim v2 short.txt "$(fileid short.txt)" "$(guid short.txt)" $(alice))
like "$out" "status=0xc0000034" "after its timeout (counted from the shutdown) it is gone"

# What a stop leaves for the next start: the run directory's file, 0600.
printf 'x\n' > "$SHARE/last.txt"; chmod 666 "$SHARE/last.txt"
hold v1 last.txt 0
"$LWADMIN" stop >/dev/null 2>&1
is "$(stat -c %a "$APPLIANCE_RUN_DIR/srv-durable.state" 2>&1)" 600 \
    "a stop with a durable open held writes srv-durable.state, mode 0600"

# A damaged file (here cut short) is refused whole: srv starts, the file
# goes, its opens are not reclaimable.
truncate -s -5 "$APPLIANCE_RUN_DIR/srv-durable.state"
appliance_start; rc=$?
is "$rc" 0 "a truncated srv-durable.state does not keep srv from starting"
ok "and it is removed" test ! -e "$APPLIANCE_RUN_DIR/srv-durable.state"
like "$(client reclaim v1 last.txt "$(fileid last.txt)" - $(alice))" "status=0xc0000034" \
    "its opens are not reclaimable"
