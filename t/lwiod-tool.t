#!/bin/sh
# lwio-tool against a running lwiod: exit statuses, pipe-transceive through
# its own echo server, getsd/setsd argument checking, and the file commands'
# errors on a device that is not loaded.
. "$SW_SRC/t/tap/tap.sh"
plan 12

TOOL=$BIN/lwio-tool
DB=$T/registry.db

"$TOOL" >/dev/null 2>&1
is "$?" 2 "no command: usage, exit 2"
"$TOOL" --db "$DB" frobnicate >/dev/null 2>&1
is "$?" 2 "unknown command: exit 2"
"$TOOL" --db "$DB" cat >/dev/null 2>&1
is "$?" 2 "missing argument: exit 2"
out=$("$TOOL" --db "$DB" cat /npfs/x 2>&1)
is "$?" 1 "no lwiod running: exit 1"
like "$out" "cannot reach lwiod" "and says so"

"$BIN/lwiod" --db "$DB" --foreground --drivers npfs --required-drivers npfs 2>"$T/lwiod.log" &
LWIOD=$!
tap_at_exit "kill $LWIOD"
i=0
while [ ! -S "$T/registry.run/lwiod.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done

"$TOOL" --db "$DB" pipe-echo-server echo --instances 2 --connections 3 >"$T/echo.out" 2>"$T/echo.err" &
ECHO=$!
tap_at_exit "kill $ECHO"
i=0
while ! grep -q ready "$T/echo.out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done

is "$("$TOOL" --db "$DB" pipe-transceive /npfs/echo 'hello, pipe')" "hello, pipe" \
   "pipe-transceive gets its message back"
is "$(printf 'from stdin' | "$TOOL" --db "$DB" pipe-transceive '\npfs\echo')" "from stdin" \
   "data from standard input, backslash path"
big=$(head -c 200000 /dev/zero | tr '\0' 'x')
got=$(printf '%s' "$big" | "$TOOL" --db "$DB" pipe-transceive /npfs/echo | wc -c)
is "$got" 200000 "a 200000-byte message comes back whole (read past BUFFER_OVERFLOW)"
i=0
while kill -0 "$ECHO" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
wait "$ECHO"
is "$?" 0 "the echo server exits 0 after --connections 3"

out=$("$TOOL" --db "$DB" pipe-transceive /npfs/echo x 2>&1)
like "$out" "STATUS_OBJECT_NAME_NOT_FOUND" "its pipe is gone with it"
out=$("$TOOL" --db "$DB" cat /pvfs/etc/hosts 2>&1)
like "$out" "STATUS_OBJECT_PATH_NOT_FOUND" "cat on a device that is not loaded"
"$TOOL" --db "$DB" setsd /npfs/x 'not sddl' >/dev/null 2>&1
is "$?" 2 "setsd with bad SDDL: exit 2"
