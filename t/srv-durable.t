#!/bin/sh
# Durable handles through the whole appliance (srv.so in lwiod, pvfs, lsassd)
# with a real client library (impacket, create contexts built by hand):
# a client killed while holding a durable open reconnects and reads through
# the reclaimed handle; a disconnected durable open is closed after its
# (short, v2) timeout; another client's CREATE closes a disconnected durable
# open instead of waiting for a break nobody answers; a replayed DH2Q CREATE
# gets the open it made; another user cannot reclaim; a resilient open
# (FSCTL_LMR_REQUEST_RESILIENCY) is kept and reclaimed like a durable one;
# lwadmin file list shows a disconnected open.
. "$SW_SRC/t/tap/tap.sh"
need_python_module impacket python3-impacket

. "$SW_SRC/t/srv-appliance.sh"
# Disconnected v2 opens are kept 2 s at most, whatever Timeout they ask.
appliance_start --set srv.durable-max-timeout=2
echo 'Bob-Pass1' | "$LWADMIN" --db "$DB" user add bob --password-stdin >/dev/null
printf 'durable data\n' > "$SHARE/kept.txt"
printf 'short lived\n' > "$SHARE/short.txt"
printf 'contended\n' > "$SHARE/contended.txt"
printf 'resilient data\n' > "$SHARE/resilient.txt"
printf 'breaking\n' > "$SHARE/breaking.txt"
printf 'capped\n' > "$SHARE/capped.txt"
chmod 666 "$SHARE"/*.txt

# The client: one command a run, results on stdout as KEY=VALUE lines.
cat > "$T/client.py" <<'PY'
import copy, os, struct, sys, time, uuid
from impacket import smb3, smb3structs as s
from impacket.smbconnection import SMBConnection

port, cmd = int(sys.argv[1]), sys.argv[2]
args = sys.argv[3:]


def connect(user='alice', password='Alice-Pass1', dialect=s.SMB2_DIALECT_30):
    c = SMBConnection('127.0.0.1', '127.0.0.1', sess_port=port, preferredDialect=dialect, timeout=10)
    c.login(user, password)
    return c, c.getSMBServer(), c.connectTree('data')


def context(name, data):
    # SMB2_CREATE_CONTEXT (2.2.13.2): name at 16, data at 24
    return struct.pack('<IHHHHI', 0, 16, 4, 0, 24, len(data)) + name + b'\0' * 4 + data


def chain(contexts):
    out = b''
    for i, c in enumerate(contexts):
        c += b'\0' * (-len(c) % 8)
        if i + 1 < len(contexts):
            c = struct.pack('<I', len(c)) + c[4:]
        out += c
    return out


def create(srv, tid, name, contexts=(), oplock=s.SMB2_OPLOCK_LEVEL_BATCH, flags=0,
           disposition=s.FILE_OPEN, share=0):
    """A CREATE as built by hand: (status, oplock, FileId bytes, {context name: data})."""
    p = srv.SMB_PACKET()
    p['Command'] = s.SMB2_CREATE
    p['TreeID'] = tid
    p['Flags'] = flags
    c = s.SMB2Create()
    c['SecurityFlags'] = 0
    c['RequestedOplockLevel'] = oplock
    c['ImpersonationLevel'] = s.SMB2_IL_IMPERSONATION
    c['DesiredAccess'] = 0x0012019f  # read, write, attributes
    c['FileAttributes'] = 0
    c['ShareAccess'] = share
    c['CreateDisposition'] = disposition
    c['CreateOptions'] = 0
    c['NameLength'] = len(name) * 2
    c['Buffer'] = name.encode('utf-16le')
    blob = chain(list(contexts))
    if blob:
        offset = len(s.SMB2Packet()) + s.SMB2Create.SIZE + len(c['Buffer'])
        c['Buffer'] += b'\0' * (-offset % 8)
        c['CreateContextsOffset'] = len(s.SMB2Packet()) + s.SMB2Create.SIZE + len(c['Buffer'])
        c['CreateContextsLength'] = len(blob)
        c['Buffer'] += blob
    p['Data'] = c
    # impacket replaces Flags with SMB2_FLAGS_SIGNED when it signs: add ours
    # back just before the signature is computed.
    sign = srv.signSMB
    def sign_with_flags(packet):
        packet['Flags'] |= flags
        sign(packet)
    srv.signSMB = sign_with_flags
    try:
        ans = srv.recvSMB(srv.sendSMB(p))
    finally:
        srv.signSMB = sign
    status = ans['Status']
    if status != 0:
        return status, 0, None, {}
    r = s.SMB2Create_Response(ans['Data'])
    fid = r['FileID'].getData()
    o = copy.deepcopy(smb3.OPEN)
    o['FileID'] = r['FileID']
    o['TreeConnect'] = tid
    o['FileName'] = name
    srv.GlobalFileTable[name] = copy.deepcopy(smb3.FILE)
    srv._Session['OpenTable'][fid] = o
    found = {}
    raw = bytes(ans['Data'])
    at = r['CreateContextsOffset'] - 64
    left = r['CreateContextsLength']
    while left > 0:
        nxt, noff, nlen, _, doff, dlen = struct.unpack_from('<IHHHHI', raw, at)
        found[raw[at + noff:at + noff + nlen].decode()] = raw[at + doff:at + doff + dlen]
        if not nxt:
            break
        at += nxt
        left -= nxt
    return status, r['OplockLevel'], fid, found


def dh2q(timeout_ms, guid):
    return context(b'DH2Q', struct.pack('<II8s16s', timeout_ms, 0, b'\0' * 8, guid))


def hold(kind, name, timeout_ms=0):
    """Opens name durably (v1, v2) or resiliently, prints the FileId, then
    waits to be killed."""
    c, srv, tid = connect()
    guid = uuid.uuid4().bytes
    if kind == 'resilient':
        status, oplock, fid, found = create(srv, tid, name, oplock=0, share=7)
        # FSCTL_LMR_REQUEST_RESILIENCY: Timeout, Reserved
        srv.ioctl(tid, fid, 0x001401D4, s.SMB2_0_IOCTL_IS_FSCTL, struct.pack('<II', int(timeout_ms), 0),
                  maxOutputResponse=0)
        print('resilient=yes')
    else:
        ctx = dh2q(int(timeout_ms), guid) if kind == 'v2' else context(b'DHnQ', b'\0' * 16)
        status, oplock, fid, found = create(srv, tid, name, [ctx])
    print('status=0x%08x oplock=%d contexts=%s' % (status, oplock, ','.join(sorted(found))))
    if 'DH2Q' in found:
        print('timeout=%d' % struct.unpack('<I', found['DH2Q'][:4])[0])
    print('fileid=%s' % fid.hex(), flush=True)
    time.sleep(60)


def reclaim(name, fid_hex, user='alice', password='Alice-Pass1'):
    c, srv, tid = connect(user, password)
    status, oplock, fid, found = create(srv, tid, name, [context(b'DHnC', bytes.fromhex(fid_hex))],
                                        oplock=0)
    print('status=0x%08x oplock=%d contexts=%s' % (status, oplock, ','.join(sorted(found))))
    if status == 0:
        print('persistent_same=%s' % (fid[:8] == bytes.fromhex(fid_hex)[:8]))
        print('data=%r' % srv.read(tid, fid, 0, 100))
        srv.close(tid, fid)


def contend(name):
    c, srv, tid = connect()
    started = time.monotonic()
    status, oplock, fid, found = create(srv, tid, name, oplock=0, share=0)
    print('status=0x%08x seconds=%d' % (status, time.monotonic() - started))
    if status == 0:
        srv.close(tid, fid)


def replay(name):
    c, srv, tid = connect()
    guid = uuid.uuid4().bytes
    st1, _, fid1, _ = create(srv, tid, name, [dh2q(0, guid)], disposition=s.FILE_OPEN_IF)
    st2, ol2, fid2, found2 = create(srv, tid, name, [dh2q(0, guid)], disposition=s.FILE_OPEN_IF,
                                    flags=0x20000000)  # REPLAY_OPERATION (impacket's is wrong)
    st3, _, _, _ = create(srv, tid, name, [dh2q(0, guid)], disposition=s.FILE_OPEN_IF)
    print('first=0x%08x replay=0x%08x same=%s oplock=%d contexts=%s again=0x%08x' % (
        st1, st2, fid1 == fid2, ol2, ','.join(sorted(found2)), st3))
    srv.close(tid, fid1)


{'hold': hold, 'reclaim': reclaim, 'contend': contend, 'replay': replay}[cmd](*args)
PY

client() { timeout 60 /usr/bin/python3 "$T/client.py" "$PORT" "$@" 2>&1; }

# Starts a holder in the background and waits for its FileId (file $1.out).
hold() { # v1|v2 NAME [TIMEOUT_MS]
    # Not through timeout(1): the kill below must reach the client itself
    # (which sleeps 60 s at most).
    /usr/bin/python3 "$T/client.py" "$PORT" hold "$@" > "$T/$2.out" 2>&1 &
    HOLDER=$!
    tap_at_exit "kill $HOLDER 2>/dev/null"
    i=0
    while [ $i -lt 200 ] && ! grep -qs '^fileid=' "$T/$2.out"; do sleep 0.05; i=$((i + 1)); done
    FILEID=$(sed -n 's/^fileid=//p' "$T/$2.out")
}

# Is the file open in lwiod (pvfs holds a descriptor for every open)?
lwiod_has_open() {
    ls -l /proc/"$LWIOD"/fd 2>/dev/null | grep -q "$SHARE/$1"
}

# Kills a holder the hard way: no LOGOFF, no CLOSE, the socket just drops.
drop() {
    kill -9 "$HOLDER" 2>/dev/null
    wait "$HOLDER" 2>/dev/null
    sleep 0.3
}

plan 24

# 1. v1 durable open, killed client, reconnect, read.
hold v1 kept.txt
like "$(cat "$T/kept.txt.out")" "status=0x00000000 oplock=9 contexts=DHnQ" \
    "DHnQ with a batch oplock: durable (DHnQ response context)"
drop
ok "after the client is killed the file stays open in lwiod" lwiod_has_open kept.txt
"$LWADMIN" --db "$DB" file list > "$T/files.txt" 2>&1
is "$?" 0 "lwadmin file list copes with a disconnected durable open"
like "$(cat "$T/files.txt")" "kept.txt" "and lists it"
out=$(client reclaim kept.txt "$FILEID" bob Bob-Pass1)
like "$out" "status=0xc0000022" "another user cannot reclaim it (STATUS_ACCESS_DENIED)"
out=$(client reclaim kept.txt "$FILEID")
like "$out" "status=0x00000000 oplock=9 contexts=$" "DHnC from a new connection reclaims it, batch oplock kept"
like "$out" "persistent_same=True" "same persistent FileId"
like "$out" "data=b'durable data\\\\n'" "and reads the file through the reclaimed handle"
out=$(client reclaim kept.txt "$FILEID")
like "$out" "status=0xc0000034" "once closed it is gone (STATUS_OBJECT_NAME_NOT_FOUND)"
ok "and the file is closed in lwiod" sh -c "! ls -l /proc/$LWIOD/fd | grep -q '$SHARE/kept.txt'"

# 2. v2 durable open with a short timeout: closed by the scavenger.
hold v2 short.txt 1500
like "$(cat "$T/short.txt.out")" "status=0x00000000 oplock=9 contexts=DH2Q" "DH2Q: durable v2"
like "$(cat "$T/short.txt.out")" "timeout=1500" "the timeout asked is granted"
drop
ok "disconnected: still open" lwiod_has_open short.txt
i=0
while [ $i -lt 80 ] && lwiod_has_open short.txt; do sleep 0.1; i=$((i + 1)); done
ok "closed within a few seconds of its timeout" sh -c "! ls -l /proc/$LWIOD/fd | grep -q '$SHARE/short.txt'"
like "$(client reclaim short.txt "$FILEID")" "status=0xc0000034" "and no longer reclaimable"
hold v2 capped.txt 600000
like "$(cat "$T/capped.txt.out")" "timeout=2000" "a longer one is cut to srv.durable-max-timeout"
kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null

# 3. A CREATE that needs the batch oplock of a disconnected durable open.
hold v1 contended.txt
drop
out=$(client contend contended.txt)
like "$out" "status=0x00000000 seconds=[0-2]$" "another client's open succeeds at once (no 35 s break wait)"
like "$(client reclaim contended.txt "$FILEID")" "status=0xc0000034" "the durable open was closed for it"

# 4. Replay of a DH2Q CREATE (SMB2_FLAGS_REPLAY_OPERATION).
out=$(client replay replayed.txt)
like "$out" "first=0x00000000 replay=0x00000000 same=True oplock=9 contexts=DH2Q" \
    "a replayed CREATE gets the open the first one made"
like "$out" "again=0xc000022a" "the CreateGuid reused without the replay flag: STATUS_DUPLICATE_OBJECTID"

# 5. A resilient open (FSCTL_LMR_REQUEST_RESILIENCY), no oplock: kept, and
# reclaimed with DHnC too.
hold resilient resilient.txt 20000
like "$(cat "$T/resilient.txt.out")" "resilient=yes" "FSCTL_LMR_REQUEST_RESILIENCY accepted"
drop
ok "a resilient open outlives its connection" lwiod_has_open resilient.txt
like "$(client reclaim resilient.txt "$FILEID")" "data=b'resilient data\\\\n'" \
    "and is reclaimed and read from a new connection"

# 6. A durable open whose client dies while its oplock break is outstanding
# is not kept: it is closed, and the CREATE waiting for the break goes on
# once the file is closed (not earlier, into its share mode).
hold v1 breaking.txt
client contend breaking.txt > "$T/contend.out" &
CONTENDER=$!
sleep 1
drop
wait "$CONTENDER"
like "$(cat "$T/contend.out")" "status=0x00000000 seconds=[0-4]$" \
    "the waiting CREATE succeeds soon after the holder is gone"
