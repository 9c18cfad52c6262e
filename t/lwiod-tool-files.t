#!/bin/sh
# lwio-tool's file commands (cat, ls, stat, write, mkdir, mv, rm, getsd,
# setsd) through lwiod on pvfs. Skipped in a tree without the pvfs driver.
. "$SW_SRC/t/tap/tap.sh"
[ -f "$SW_BUILD/drivers/pvfs.so" ] || skip_all "no pvfs driver in this tree"
plan 15

TOOL=$BIN/lwio-tool
DB=$T/registry.db
mkdir -p "$T/root/sub"
printf 'hello world\n' > "$T/root/a.txt"

"$BIN/lwiod" --db "$DB" --foreground --drivers npfs,pvfs --required-drivers npfs,pvfs \
    --set "pvfs.root=$T/root" 2>"$T/lwiod.log" &
LWIOD=$!
tap_at_exit "kill $LWIOD"
i=0
while [ ! -S "$T/registry.run/lwiod.sock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
t() { "$TOOL" --db "$DB" "$@"; }

is "$(t cat /pvfs/a.txt)" "hello world" "cat"
out=$(t ls /pvfs)
like "$out" "^d .* sub$" "ls shows the directory" 
like "$out" "-  +12 .* a.txt" "and the file with its size"
is "$(t ls '/pvfs/*.txt' | grep -c .)" 1 "ls with a wildcard lists the matching entries only"
out=$(t stat /pvfs/a.txt)
like "$out" "size: 12" "stat: size"
like "$out" "type: file" "stat: type"
printf 'new content' | t write /pvfs/b.txt
is "$(cat "$T/root/b.txt")" "new content" "write from stdin"
ok "mkdir" t mkdir /pvfs/newdir
ok "the directory exists" test -d "$T/root/newdir"
t mv /pvfs/b.txt /pvfs/sub/c.txt
ok "mv into a subdirectory" test -f "$T/root/sub/c.txt" -a ! -e "$T/root/b.txt"
t rm /pvfs/sub/c.txt
ok "rm" test ! -e "$T/root/sub/c.txt"
ok "setsd" t setsd /pvfs/a.txt 'O:BAG:BAD:(A;;FA;;;BA)(A;;FR;;;WD)'
is "$(t getsd /pvfs/a.txt)" "O:BAG:BAD:(A;;FA;;;BA)(A;;FR;;;WD)" "getsd reads it back"
out=$(t cat /pvfs/nothing.txt 2>&1)
like "$out" "STATUS_OBJECT_NAME_NOT_FOUND" "cat of a missing file names the status"
t mv /pvfs/a.txt /npfs/a.txt 2>/dev/null
is "$?" 1 "mv across devices fails"
