#!/bin/bash
# tools/fresh-root.sh DIR: a freshly installed Debian 12 (bookworm) in DIR
# (an empty or new directory), for make fresh-check (tools/fresh-check.sh)
# and make deb-check (t/deb/*.t).
#
# The base is debootstrap's default variant (required + important packages,
# systemd among them) from the Debian mirror this machine's apt sources name;
# it is built once and cached in $SAMEWISE_FRESH_CACHE (default
# /var/cache/samewise-fresh) as bookworm-base.tar, keyed by release; each call
# unpacks a new copy, so what is installed into a root is never cached.
# Delete the tarball to rebuild it. The root gets apt sources like a fresh
# installation's (the release, its updates and security suites, from this
# machine's mirrors), this machine's resolv.conf, and a policy-rc.d that
# keeps package installations from starting daemons (remove it to test a
# package's own behaviour).
#
# Needs root. Installs debootstrap on this machine if missing.
set -euo pipefail

release=bookworm
cache=${SAMEWISE_FRESH_CACHE:-/var/cache/samewise-fresh}
root=${1:?usage: tools/fresh-root.sh DIR}

say() { echo "fresh-root: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap needs it)"
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$root"

# The Debian mirror this machine already uses (deb822 .sources or one-line
# lists): the first URI serving $release itself, and the one serving
# $release-security if any. Never another host: that one is known reachable.
mirror_for() { # suite
    local suite=$1 f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        case "$f" in
            *.sources)
                awk -v suite="$suite" '
                    function flush() { if (uri != "" && hit && deb) print uri; uri = ""; hit = 0; deb = 0 }
                    /^[ \t]*$/ { flush(); next }
                    /^[ \t]*#/ { next }
                    tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
                    tolower($1) == "uris:" { uri = $2 }
                    tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
                    tolower($1) == "enabled:" && tolower($2) == "no" { deb = 0 }
                    END { flush() }' "$f"
                ;;
            *)
                awk -v suite="$suite" '
                    $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                                  if ($(i + 1) == suite) print $i }' "$f"
                ;;
        esac
    done | grep -E '^(https?|file)://' | head -n 1
}
mirror=$(mirror_for "$release")
[ -n "$mirror" ] || die "no apt source on this machine serves Debian $release (looked in /etc/apt/sources.list*)"
security=$(mirror_for "$release-security")
updates=$(mirror_for "$release-updates")

if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap on this machine"
    apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends debootstrap >&2 ||
        die "cannot install debootstrap"
fi

# The base root: what a fresh Debian 12 installation has (debootstrap's default
# variant: required + important packages), before anything the README installs.
base=$cache/$release-base.tar
if [ ! -s "$base" ]; then
    say "building the base $release root from $mirror (cached in $base)"
    mkdir -p "$cache"
    staging=$(mktemp -d "$cache/.build.XXXXXX")
    if ! debootstrap --arch="$(dpkg --print-architecture)" "$release" "$staging" "$mirror" >&2; then
        rm -rf "$staging"
        die "debootstrap failed (log in the output above)"
    fi
    chmod 0755 "$staging"
    tar -C "$staging" -cf "$base.tmp" . && mv "$base.tmp" "$base" || { rm -rf "$staging" "$base.tmp"; die "cannot write $base"; }
    rm -rf "$staging"
fi

tar -C "$root" -xf "$base"
# mktemp made it 0700: as the root directory of the chroot it must let every
# user through, as / does (tests run programs as nobody).
chmod 0755 "$root"

# Apt sources like a fresh installation's: the release, its updates and its
# security suite, from this machine's mirrors.
{
    echo "deb $mirror $release main"
    [ -z "$updates" ] || echo "deb $updates $release-updates main"
    [ -z "$security" ] || echo "deb $security $release-security main"
} > "$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# No daemon a package installs may start inside the root during apt-get install.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"

