#!/bin/sh
# The README's test command: install what is missing, build, and run every test,
# first in the normal build and then under AddressSanitizer/UBSan.
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
./configure --install-deps
make -j"$jobs"
make check
# The Debian package installed and booted in a fresh Debian 12 root (about a
# minute; root only: debootstrap and systemd-nspawn).
if [ "$(id -u)" -eq 0 ]; then
    make deb-check
else
    echo "test-all: make deb-check needs root; not run" >&2
fi
./configure --enable-asan
make clean
make -j"$jobs"
make check
