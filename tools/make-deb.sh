#!/bin/bash
# `make deb`: the Debian package, samewise_VERSION_ARCH.deb, in build-deb/.
#
# dpkg-buildpackage (debian/: dh with debhelper 13) runs on a copy of the
# tree in build-deb/samewise-VERSION/: the files git knows, committed or not,
# and new ones it does not ignore (never build/, config.mk or config.h), so
# the developer's own configuration and build stay as they are. The package's
# library dependencies come from dpkg-shlibdeps (dh_shlibdeps). Then lintian
# checks the package: any error fails `make deb` (warnings are printed).
#
# Output: build-deb/samewise_VERSION_ARCH.deb (its path is the last line on
# standard output). Needs dpkg-dev, debhelper and lintian
# (./configure --install-deps installs them).
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=${SAMEWISE_DEB_DIR:-$src/build-deb}
say() { echo "make-deb: $*" >&2; }
die() { say "$*"; exit 1; }

for program in dpkg-buildpackage dpkg-parsechangelog dh lintian; do
    command -v "$program" >/dev/null 2>&1 ||
        die "$program is missing: ./configure --install-deps (dpkg-dev, debhelper, lintian)"
done

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
# The programs say their version (SW_VERSION, from configure); the package
# must say the same one.
configured=$(sed -n 's/^#define SW_VERSION "\(.*\)"$/\1/p' "$src/configure")
[ "$configured" = "$version" ] ||
    die "debian/changelog says $version but configure's SW_VERSION is $configured: make them agree"

tree=$out/samewise-$version
rm -rf "$out"
mkdir -p "$tree"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
    # Files deleted in the work tree but still in the index are skipped.
    (cd "$src" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
        tar --null -T - -cf -) | tar -C "$tree" -xf -
else
    (cd "$src" && tar --exclude=./build --exclude='./build-*' --exclude=./config.mk \
        --exclude=./config.h -cf - .) | tar -C "$tree" -xf -
fi

jobs=$(nproc 2>/dev/null || echo 2)
say "dpkg-buildpackage in $tree"
(cd "$tree" &&
    DEB_BUILD_OPTIONS="noautodbgsym nocheck parallel=$jobs" \
        dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1) || {
    tail -n 40 "$out/build.log" >&2
    die "dpkg-buildpackage failed (the whole log: $out/build.log)"
}
deb=$out/samewise_${version}_${arch}.deb
[ -f "$deb" ] || die "dpkg-buildpackage made no $deb"

say "lintian $deb"
lintian --fail-on error --display-level '>=warning' "$deb" >&2 ||
    die "lintian found errors in $deb"
echo "$deb"
