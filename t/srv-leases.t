#!/bin/sh
# Oplocks and leases live on the file, in pvfs (docs/pvfs.md "Oplocks and
# leases"), through the whole appliance with a raw SMB 2.1 client
# (t/srv-leases.py over t/srv_raw.py, impacket's NTLM): a client holding an
# RWH lease and a durable handle loses its connection and reconnects with
# the handle and its lease; a file renamed by a local process under a lease
# breaks that lease when another client opens the new name; and a local
# lwio-tool open (another I/O manager client) breaks a client's batch oplock.
. "$SW_SRC/t/tap/tap.sh"
need_python_module impacket python3-impacket

. "$SW_SRC/t/srv-appliance.sh"
appliance_start
printf 'durable data\n' > "$SHARE/durable.txt"
printf 'renamed\n' > "$SHARE/old-name.txt"
printf 'batch data\n' > "$SHARE/batch.txt"
chmod 666 "$SHARE"/*.txt

client() { timeout 90 /usr/bin/python3 "$SW_SRC/t/srv-leases.py" "$PORT" "$@" 2>&1; }

plan 14

# 1. RWH lease + DHnQ, dropped connection, DHnC with the lease.
out=$(client durable)
like "$out" "open=0x00000000 oplock=0xff lease=7 durable=True" \
    "DHnQ with an RWH lease: the lease is granted and the handle is durable"
like "$out" "reconnect=0x00000000 oplock=0xff lease=7 same=True" \
    "after the connection dropped, DHnC reclaims the handle with its RWH lease"
like "$out" "data=b'durable data\\\\n'" "and reads through it"
like "$out" "break=7->3" "the reclaimed lease is still the file's: another key's open breaks RWH to RH"
like "$out" "other=0x00000000" "and that open goes on once the break is acknowledged"

# 2. Rename underneath a lease, open of the new name by another client.
out=$(client rename "$SHARE")
like "$out" "open=0x00000000 lease=7" "RWH lease on old-name.txt"
like "$out" "break=7->3 key_ok=True ack=1" \
    "the other client's open of the new name breaks it (to RH, acknowledgment required)"
like "$out" "ack=0x00000000" "the lease break acknowledgment is accepted"
like "$out" "new_open=0x00000000 lease=3 seconds=[0-2]$" \
    "the new-name open goes on at once with RH beside it"

# 3. lwio-tool, a local I/O manager client, against a client's batch oplock.
out=$(client local_open "$BIN/lwio-tool" "$DB" "/pvfs$SHARE/batch.txt")
like "$out" "open=0x00000000 oplock=9" "batch oplock granted"
like "$out" "break=1 fid_ok=True" "a local lwio-tool open breaks it to level II"
like "$out" "ack=0x00000000" "the acknowledgment is accepted"
like "$out" "tool=0 seconds=[0-3] output=b'batch data\\\\n'" \
    "and lwio-tool reads the file once the break is acknowledged"
ok "lwiod is still running" kill -0 "$LWIOD"
