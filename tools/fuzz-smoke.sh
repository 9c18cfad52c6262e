#!/bin/sh
# `make fuzz-smoke`: runs every libFuzzer target in DIR (built by `make fuzz`)
# for $FUZZ_RUNS inputs (default 2000) grown from its seed corpus
# fuzz/corpus/NAME/, with inputs bounded by -max_len. New inputs go to a
# scratch corpus, never into fuzz/corpus/. Any crash, sanitizer report, leak,
# or an input slower than 30 s fails; the crashing input is kept in
# $FUZZ_ARTIFACTS (default build-fuzz/artifacts/) so it can be added to the
# seeds once fixed. Prints one line per target.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: fuzz-smoke.sh DIR-WITH-NAME-fuzzer-BINARIES}
runs=${FUZZ_RUNS:-2000}
artifacts=${FUZZ_ARTIFACTS:-$here/build-fuzz/artifacts}
mkdir -p "$artifacts"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sw-fuzz-smoke.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

# Largest input per target: enough for every seed and a little growth, small
# enough that $runs inputs stay quick on two cores.
max_len() {
    case "$1" in
        smb2_request|dcerpc_pdu|ndr_srvsvc|yaml_doc|lwio_ipc|lsass_request) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

failed=0
count=0
for src in "$here"/fuzz/*.c; do
    name=$(basename "$src" .c)
    bin=$dir/$name-fuzzer
    count=$((count + 1))
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: $bin is missing (make fuzz)"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$scratch/$name"
    log=$scratch/$name.log
    start=$(date +%s)
    # -seed fixed: the same inputs on every run, so a failure reproduces.
    "$bin" -runs="$runs" -max_len="$(max_len "$name")" -seed=1 -timeout=30 -rss_limit_mb=2048 \
        -print_final_stats=0 -artifact_prefix="$artifacts/$name-" \
        "$scratch/$name" "$here/fuzz/corpus/$name" > "$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    if [ "$rc" -eq 0 ]; then
        echo "ok   $name ($runs runs, ${secs}s)"
    else
        echo "FAIL $name (exit $rc, ${secs}s); the input is in $artifacts/$name-*:"
        grep -E 'ERROR|SUMMARY|#[0-9]+ |Test unit written|deadly signal|==[0-9]+==' "$log" | tail -n 25 | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done
echo "fuzz-smoke: $count targets, $failed failed"
[ "$failed" -eq 0 ]
