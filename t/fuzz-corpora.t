#!/bin/sh
# Replays every fuzz target's seed corpus (fuzz/corpus/NAME/) through the target
# built with the replay driver: a crash, a sanitizer report or a leak fails it.
. "$SW_SRC/t/tap/tap.sh"
found=0
for src in "$SW_SRC"/fuzz/*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    found=1
    corpus="$SW_SRC/fuzz/corpus/$name"
    if [ ! -d "$corpus" ]; then
        _tap_record 1 "$name has a seed corpus in fuzz/corpus/$name"
        continue
    fi
    out=$("$SW_BUILD/fuzz/$name-replay" "$corpus" 2>&1)
    rc=$?
    ok "$name replays its corpus cleanly" [ "$rc" -eq 0 ] || diag "$out"
done
[ "$found" -eq 1 ] || skip_all "no fuzz targets yet"
