#!/bin/bash
# rdr against a hostile server (t/rdr-hostile.py, raw sockets on loopback):
# short frames, offsets and lengths out of range, absurd frame sizes, wrong
# message ids and commands, compounds, zero credits, garbage SPNEGO, silence.
# Each time lwio-tool must get an error status in bounded time (never a hang:
# rdr.request-timeout is 3 s here) and lwiod must stay up.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/rdr-lib.sh"
need_program python3 python3
modes_file=$T/modes
/usr/bin/python3 "$SW_SRC/t/rdr-hostile.py" > "$modes_file" 2>"$T/hostile.log" &
HOSTILE=$!
tap_at_exit "kill $HOSTILE"
i=0
while ! grep -q '^ready' "$modes_file" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
count=$(grep -vc '^ready' "$modes_file")
[ "$count" -gt 10 ] || { _tap_record 1 "the hostile server starts: $(cat "$T/hostile.log")"; exit 1; }
plan $((count * 2 + 1))

rdr_creds "$T/creds" "*" 'WORKGROUP\nobody' 'irrelevant'
rdr_lwiod "$T/creds" --set rdr.request-timeout=3

while read -r mode port; do
    [ "$mode" = ready ] && continue
    case $mode in
        dir-*) out=$(rdr_tool ls "/rdr/127.0.0.1:$port/share" 2>&1); rc=$? ;;
        *) out=$(rdr_tool cat "/rdr/127.0.0.1:$port/share/file.txt" 2>&1); rc=$? ;;
    esac
    is "$rc" 1 "$mode: lwio-tool fails (not a hang, not a crash)"
    like "$out" "STATUS_" "$mode: with a status ($(printf '%s' "$out" | grep -o 'STATUS_[A-Z_]*' | head -1))"
done < "$modes_file"
ok "lwiod survived every one" kill -0 "$RDR_LWIOD"
