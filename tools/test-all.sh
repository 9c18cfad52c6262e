#!/bin/sh
# The README's test command: install what is missing, build, and run every test,
# first in the normal build and then under AddressSanitizer/UBSan.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
./configure --install-deps
make -j"$jobs"
make check
./configure --enable-asan
make clean
make -j"$jobs"
make check
