#!/bin/sh
# `make fuzz-smoke` in `make check`: every fuzz target built with clang's
# libFuzzer (as `make fuzz` does, into build-fuzz/) runs for FUZZ_RUNS inputs
# (default 2000) grown from its seed corpus; a crash, a sanitizer report, a
# leak or a timeout fails. Without clang or the libFuzzer runtime the test
# skips, except under CI=true, where it fails (./configure --install-deps
# installs clang and libclang-rt-14-dev).
. "$SW_SRC/t/tap/tap.sh"
need_program clang clang
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
    > "$T/probe.c"
clang -fsanitize=fuzzer -o "$T/probe" "$T/probe.c" > "$T/probe.log" 2>&1 ||
    tap_missing "clang cannot link -fsanitize=fuzzer: $(head -n 1 "$T/probe.log") (Debian package libclang-rt-14-dev)"

targets=$(ls "$SW_SRC"/fuzz/*.c | wc -l)
# The make of `make check` is not ours to share: a fresh one, two jobs.
out=$(cd "$SW_SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL timeout 1800 make -s -j2 fuzz-smoke 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(ok|FAIL) ' | while IFS= read -r line; do diag "$line"; done
is "$rc" 0 "make fuzz-smoke exits 0" || diag "$(printf '%s\n' "$out" | tail -n 40)"
like "$out" "fuzz-smoke: $targets targets, 0 failed" "every fuzz target ($targets) ran its inputs without a crash"
