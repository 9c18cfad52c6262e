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
# The root comes from tools/fresh-root.sh (shared with make deb-check).
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
        umount "$m" 2>/dev/null || umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
            say "cannot unmount $m"
    done
    if [ "$keep" = yes ]; then
        say "the root is kept in $root"
    elif ! grep -q " $root[/ ]" /proc/self/mounts; then
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
SAMEWISE_FRESH_CACHE=$cache "$src/tools/fresh-root.sh" "$root" || die "cannot make the fresh root"

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
# The root is a mount point of its own (first, so the others show inside
# it), and sees the cgroup hierarchy: systemd-nspawn needs both to boot a
# container inside it (make deb-check, which tools/test-all.sh runs). The
# base root cache is there read-only, so make deb-check's root does not
# debootstrap again.
mount --bind "$root" "$root"
mounted="$root"
for m in proc sys dev dev/pts dev/shm; do
    [ -d "/$m" ] || continue
    mkdir -p "$root/$m"
    mount --bind "/$m" "$root/$m"
    mounted="$root/$m $mounted"
done
if [ -d /sys/fs/cgroup ]; then
    mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
    mounted="$root/sys/fs/cgroup $mounted"
fi
if [ -s "$cache/bookworm-base.tar" ]; then
    mkdir -p "$root/var/cache/samewise-fresh"
    mount --bind "$cache" "$root/var/cache/samewise-fresh"
    mount -o remount,bind,ro "$root/var/cache/samewise-fresh"
    mounted="$root/var/cache/samewise-fresh $mounted"
fi

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
