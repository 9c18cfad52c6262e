"""Leases and oplocks that live on the file (t/srv-leases.t): a raw SMB 2.1
client (t/srv_raw.py) builds every CREATE, lease context and acknowledgment
itself and reads the break notifications off the wire. One command a run,
results on stdout as KEY=VALUE lines. Every wait is bounded by the socket
timeout or an explicit deadline."""
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srv_raw  # noqa: E402

CREATE, CLOSE, READ, OPLOCK_BREAK = 5, 6, 8, 18
RWH, RH, R = 7, 3, 1
LEASE_LEVEL, BATCH = 0xFF, 9


context, chain = srv_raw.create_context, srv_raw.context_chain


def lease(key, state):
    # SMB2_CREATE_REQUEST_LEASE (v1): LeaseKey, LeaseState, Flags, Duration
    return context(b'RqLs', struct.pack('<16sIIQ', key, state, 0, 0))


class Client(srv_raw.Client):
    def connect(self, port):
        assert self.negotiate() == 0
        assert self.logon('alice', 'Alice-Pass1') == 0
        assert self.tree_connect('data') == 0
        return self

    def create_send(self, name, contexts=(), oplock=0, access=0x0012019f, share=7,
                    disposition=1):
        n = name.encode('utf-16-le')
        blob = chain(list(contexts))
        name_at = 64 + 56
        ctx_at = name_at + len(n) + (-(name_at + len(n)) % 8) if blob else 0
        body = struct.pack('<HBBIQQIIIIIHHII', 57, 0, oplock, 2, 0, 0, access, 0x80, share,
                           disposition, 0x40, name_at, len(n), ctx_at, len(blob)) + n
        if blob:
            body += b'\0' * (ctx_at - name_at - len(n)) + blob
        self.send(self.header(CREATE) + body)

    def create_reply(self):
        """(status, oplock, fid, {context: data}) of the next CREATE answer."""
        r = self.recv_final()
        st = srv_raw.status(r)
        if st != 0:
            return st, 0, None, {}
        oplock = r[64 + 2]
        fid = r[64 + 64:64 + 80]
        off, length = struct.unpack_from('<II', r, 64 + 80)
        found = {}
        at, left = off, length
        while left > 0:
            nxt, noff, nlen, _, doff, dlen = struct.unpack_from('<IHHHHI', r, at)
            found[r[at + noff:at + noff + nlen].decode()] = r[at + doff:at + doff + dlen]
            if not nxt:
                break
            at += nxt
            left -= nxt
        return st, oplock, fid, found

    def create(self, *args, **kw):
        self.create_send(*args, **kw)
        return self.create_reply()

    def read(self, fid, length=100):
        self.send(self.read_msg(fid, length))
        r = self.recv_final()
        if srv_raw.status(r) != 0:
            return None
        off, n = struct.unpack_from('<BxI', r, 64 + 2)
        return r[off:off + n]

    def close(self, fid):
        self.send(self.header(CLOSE) + struct.pack('<HHI16s', 24, 0, 0, fid))
        return srv_raw.status(self.recv_final())

    def next_break(self, seconds):
        """The next OPLOCK_BREAK notification within seconds, or None."""
        self.s.settimeout(seconds)
        try:
            r = self.recv()
        except OSError:
            return None
        finally:
            self.s.settimeout(20)
        if r is None or struct.unpack_from('<H', r, 12)[0] != OPLOCK_BREAK:
            return None
        return r

    def lease_ack(self, key, state):
        body = struct.pack('<HHI16sIQ', 36, 0, 0, key, state, 0)
        self.send(self.header(OPLOCK_BREAK) + body)
        return srv_raw.status(self.recv_final())

    def oplock_ack(self, fid, level):
        body = struct.pack('<HBBI16s', 24, level, 0, 0, fid)
        self.send(self.header(OPLOCK_BREAK) + body)
        return srv_raw.status(self.recv_final())


def lease_state(found):
    data = found.get('RqLs')
    return None if data is None else struct.unpack_from('<I', data, 16)[0]


def durable(port):
    key = b'durable-lease-k1'
    a = Client(port).connect(port)
    st, oplock, fid, found = a.create('durable.txt', [lease(key, RWH), context(b'DHnQ', b'\0' * 16)],
                                      oplock=LEASE_LEVEL)
    print('open=0x%08x oplock=0x%02x lease=%s durable=%s' % (
        st, oplock, lease_state(found), 'DHnQ' in found))
    a.s.close()  # the connection drops: no CLOSE, no LOGOFF
    time.sleep(0.5)
    b = Client(port).connect(port)  # same ClientGuid (srv_raw's)
    st, oplock, fid2, found = b.create('durable.txt', [lease(key, RWH), context(b'DHnC', fid)],
                                       oplock=LEASE_LEVEL)
    print('reconnect=0x%08x oplock=0x%02x lease=%s same=%s' % (
        st, oplock, lease_state(found), fid2 is not None and fid2[:8] == fid[:8]))
    if st == 0:
        print('data=%r' % b.read(fid2))
        # The lease is still the file's: another key's open breaks it.
        c = Client(port).connect(port)
        c.create_send('durable.txt', [lease(b'another-key-0001', RH)], oplock=LEASE_LEVEL)
        brk = b.next_break(10)
        if brk:
            cur, new = struct.unpack_from('<II', brk, 64 + 24)
            print('break=%d->%d' % (cur, new))
            b.lease_ack(key, new)
        print('other=0x%08x' % c.create_reply()[0])


def rename(port, share):
    key = b'rename-lease-key'
    a = Client(port).connect(port)
    st, oplock, fid, found = a.create('old-name.txt', [lease(key, RWH)], oplock=LEASE_LEVEL)
    print('open=0x%08x lease=%s' % (st, lease_state(found)))
    # Renamed by a local process, behind srv's back.
    os.rename(os.path.join(share, 'old-name.txt'), os.path.join(share, 'new-name.txt'))
    b = Client(port).connect(port)
    started = time.monotonic()
    b.create_send('new-name.txt', [lease(b'other-client-key', RWH)], oplock=LEASE_LEVEL)
    brk = a.next_break(10)
    if brk is None:
        print('break=none')
    else:
        flags = struct.unpack_from('<I', brk, 64 + 4)[0]
        bkey = brk[64 + 8:64 + 24]
        cur, new = struct.unpack_from('<II', brk, 64 + 24)
        print('break=%d->%d key_ok=%s ack=%d' % (cur, new, bkey == key, flags & 1))
        print('ack=0x%08x' % a.lease_ack(key, new))
    st, oplock, fid2, found = b.create_reply()
    print('new_open=0x%08x lease=%s seconds=%d' % (st, lease_state(found),
                                                  time.monotonic() - started))


def local_open(port, tool, db, path):
    a = Client(port).connect(port)
    st, oplock, fid, found = a.create('batch.txt', oplock=BATCH, share=7)
    print('open=0x%08x oplock=%d' % (st, oplock))
    started = time.monotonic()
    p = subprocess.Popen([tool, '--db', db, 'cat', path], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    brk = a.next_break(10)
    if brk is None:
        print('break=none')
    else:
        level = brk[64 + 2]
        print('break=%d fid_ok=%s' % (level, brk[64 + 8:64 + 24] == fid))
        print('ack=0x%08x' % a.oplock_ack(fid, level))
    try:
        out, _ = p.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    print('tool=%d seconds=%d output=%r' % (p.returncode, time.monotonic() - started, out))
    a.close(fid)


if __name__ == '__main__':
    port, cmd = int(sys.argv[1]), sys.argv[2]
    {'durable': durable, 'rename': rename, 'local_open': local_open}[cmd](port, *sys.argv[3:])
