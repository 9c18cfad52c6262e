#!/bin/bash
# `make fresh-check` (and .ci/run): the README's two commands on a freshly
# installed Debian 12, for real.
#
# Builds a clean Debian 12 (bookworm) root with debootstrap from the same Debian
# mirror this machine's apt sources name, puts a clean clone of the repository's
# HEAD in it (git clone, never the work tree: uncommitted files and build/ stay
# out), and inside it, as root with CI=true, runs exactly what the README says:
#
#   1. ./configure --install-deps && make -j2 && make run
#      then checks that make run printed how to connect, that smbclient lists the
#      demo share with the printed command, and stops the demo (lwadmin stop, then
#      a kill by PID of anything still running in the root);
#   2. ./tools/test-all.sh
#
# The base root (debootstrap's output, before any package the README installs)
# is cached in $SAMEWISE_FRESH_CACHE (default /var/cache/samewise-fresh) as
# bookworm-base.tar, keyed by release; every run unpacks a new copy of it, so the
# packages configure installs are never cached. Delete the tarball to rebuild it.
#
# Options:
#   --tests-only   skip step 1 (configure still runs inside test-all.sh)
#   --demo-only    skip step 2
#   --keep         leave the root in place afterwards (its path is printed)
# Exit status: step 2's (the test command's) if it failed, else step 1's.
# Output: the test command's output goes to standard output and is the last
# thing printed there, so prove's summary lines close it; this script's own
# progress lines go to standard error.
#
# Needs root (debootstrap, chroot, mounts). Installs debootstrap if missing.
set -euo pipefail

release=bookworm
cache=${SAMEWISE_FRESH_CACHE:-/var/cache/samewise-fresh}
work_parent=${SAMEWISE_FRESH_WORK:-/var/tmp}
src=$(cd "$(dirname "$0")/.." && pwd)
run_demo=yes
run_tests=yes
keep=no
for arg in "$@"; do
    case "$arg" in
        --tests-only) run_demo=no ;;
        --demo-only) run_tests=no ;;
        --keep) keep=yes ;;
        -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "fresh-check: unknown option $arg" >&2; exit 2 ;;
    esac
done

say() { echo "fresh-check: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot and mounts need it)"
export DEBIAN_FRONTEND=noninteractive

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

root=$(mktemp -d "$work_parent/samewise-fresh.XXXXXX")
mounted=""
cleanup() {
    local rc=$? pid link m
    # Anything still running inside the root (daemons a test left behind): by
    # PID, only processes whose root directory is this one.
    for link in /proc/[0-9]*/root; do
        pid=${link#/proc/}; pid=${pid%/root}
        [ "$(readlink "$link" 2>/dev/null)" = "$root" ] && kill -KILL "$pid" 2>/dev/null
    done
    for m in $mounted; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "cannot unmount $m"
    done
    if [ "$keep" = yes ]; then
        say "the root is kept in $root"
    elif ! grep -q " $root/" /proc/self/mounts; then
        rm -rf "$root"
    else
        say "something is still mounted under $root: not removing it"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "unpacking a fresh copy of the base root into $root"
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

# A clean clone of HEAD: committed files only. In /usr/src, not /root: some
# tests run the built programs as nobody, who cannot pass /root (0700). (The checkout may belong to
# another user than root, as on CI: git must not refuse it for that.)
git_() { git -c safe.directory='*' "$@"; }
head=$(git_ -C "$src" rev-parse HEAD) || die "$src is not a git checkout: nothing to clone"
git_ clone -q --no-checkout "$src" "$root/usr/src/samewise" >&2
git_ -C "$root/usr/src/samewise" fetch -q "$src" "$head" >&2
git_ -C "$root/usr/src/samewise" checkout -q --detach "$head" >&2
say "testing commit $(git_ -C "$src" log -1 --format='%h %s' "$head")"

# Reverse order of mounting is the order of unmounting: prepend.
for m in proc sys dev dev/pts dev/shm; do
    [ -d "/$m" ] || continue
    mkdir -p "$root/$m"
    mount --bind "/$m" "$root/$m"
    mounted="$root/$m $mounted"
done

# In the background and waited for, so that a signal to this script runs its
# cleanup at once (bash defers traps while a foreground command runs).
in_root() { # command, run by bash -c inside the root
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM=dumb CI=true DEBIAN_FRONTEND=noninteractive /bin/bash -c "cd /usr/src/samewise && $1" &
    wait "$!"
}

demo_rc=0
if [ "$run_demo" = yes ]; then
    say "1. ./configure --install-deps && make -j2 && make run"
    demo_log=$root/root/make-run.log
    if ! in_root 'timeout 3600 sh -c "./configure --install-deps && make -j2 && make run"' > "$demo_log" 2>&1; then
        tail -n 40 "$demo_log" >&2
        say "step 1 failed: ./configure --install-deps && make -j2 && make run"
        demo_rc=1
    else
        grep -A8 '^It is serving' "$demo_log" | sed 's/^/  | /' >&2
        connect=$(sed -n 's/^  \(smbclient -A .* -c .ls.\)$/\1/p' "$demo_log" | head -n 1)
        stop=$(sed -n 's/^Stop: *//p' "$demo_log" | head -n 1)
        if [ -z "$connect" ] || [ -z "$stop" ]; then
            tail -n 40 "$demo_log" >&2
            say "step 1 failed: make run did not print how to connect and how to stop"
            demo_rc=1
        else
            # The connect line as printed, bounded in time.
            if in_root "timeout 60 $connect" > "$root/root/smbclient.log" 2>&1 &&
                grep -q 'README.txt' "$root/root/smbclient.log"; then
                say "smbclient lists the demo share with the printed command"
            else
                cat "$root/root/smbclient.log" >&2
                say "step 1 failed: the printed smbclient command did not list README.txt"
                demo_rc=1
            fi
            in_root "timeout 60 $stop" >&2 || { say "the printed stop command failed"; demo_rc=1; }
        fi
    fi
    # Whatever the demo left running inside the root, by PID.
    for link in /proc/[0-9]*/root; do
        pid=${link#/proc/}; pid=${pid%/root}
        if [ "$(readlink "$link" 2>/dev/null)" = "$root" ]; then
            say "the demo left pid $pid ($(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)) running: stopping it"
            kill -TERM "$pid" 2>/dev/null
            demo_rc=1
        fi
    done
    [ "$demo_rc" -eq 0 ] && say "step 1 passed"
fi

test_rc=0
if [ "$run_tests" = yes ]; then
    say "2. ./tools/test-all.sh (CI=true)"
    # Nothing is printed after it: prove's summary closes the output.
    in_root './tools/test-all.sh' 2>&1 || test_rc=$?
fi

[ "$test_rc" -ne 0 ] && exit "$test_rc"
exit "$demo_rc"
