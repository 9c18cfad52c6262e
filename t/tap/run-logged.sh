#!/bin/bash
# prove runs every test through this (make check): the test's standard output
# and error go to prove as usual and are also kept in $SW_BUILD/test-logs/, so
# that when a test fails (in CI, say) its whole output can be shown, not only
# prove's summary. The test's exit status is passed through.
log_dir=$SW_BUILD/test-logs
mkdir -p "$log_dir"
log=$log_dir/$(printf '%s' "$1" | sed 's|^.*/t/||; s|/|_|g').log
: > "$log"
"$@" 2> >(tee -a "$log" >&2) | tee -a "$log"
status=${PIPESTATUS[0]}
# Wait for the stderr tee so the log is complete before prove moves on.
wait
echo "$status" > "$log.status"
exit "$status"
