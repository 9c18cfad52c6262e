# Fixtures shared by the rdr tests (source after t/tap/tap.sh):
#   rdr_lwiod CREDENTIALS_FILE [--set ...]   start lwiod with npfs and rdr; sets RDR_LWIOD
#   rdr_tool ARGS...                       lwio-tool on that lwiod
#   rdr_creds FILE SERVER USER PASSWORD    write a 0600 credentials file
#   rdr_bind_pdu                           a DCE/RPC bind to srvsvc on stdout
rdr_creds() {
    (umask 077; printf '%s %s %s\n' "$2" "$3" "$4" > "$1")
}

rdr_lwiod() {
    local creds=$1 i=0
    shift
    RDR_DB=$T/rdr-registry.db
    "$BIN/lwiod" --db "$RDR_DB" --foreground --drivers npfs,rdr --required-drivers npfs,rdr \
        --set "rdr.credentials-file=$creds" --log-level debug "$@" 2>"$T/lwiod.log" &
    RDR_LWIOD=$!
    tap_at_exit "kill $RDR_LWIOD"
    while [ ! -S "$T/rdr-registry.run/lwiod.sock" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# Every call bounded in time: a hung rdr must fail the test, not stall it.
rdr_tool() { timeout 60 "$BIN/lwio-tool" --db "$RDR_DB" "$@"; }

rdr_bind_pdu() {
    /usr/bin/python3 - <<'PY'
import struct, sys, uuid
srvsvc = uuid.UUID("4b324fc8-1670-01d3-1278-5a47bf6ee188").bytes_le + struct.pack("<HH", 3, 0)
ndr = uuid.UUID("8a885d04-1ceb-11c9-9fe8-08002b104860").bytes_le + struct.pack("<I", 2)
body = struct.pack("<HHI", 4280, 4280, 0) + struct.pack("<B3x", 1)
body += struct.pack("<HB", 0, 1) + b"\0" + srvsvc + ndr
hdr = struct.pack("<BBBB4sHHI", 5, 0, 11, 3, b"\x10\0\0\0", 16 + len(body), 0, 1)
sys.stdout.buffer.write(hdr + body)
PY
}
