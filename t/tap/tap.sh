# TAP helpers for shell tests. Source it: . "$SW_SRC/t/tap/tap.sh"
#
# Gives: plan N, ok COND-EXIT NAME, is GOT EXPECTED NAME, like GOT REGEX NAME,
# diag, skip_all, need_program/need_python_module/tap_missing, todo/todo_end, done_testing, and a scratch directory $T
# removed at exit.
# Also: tap_free_port, and $LWADMIN etc. pointing into the build tree.

set -u
: "${SW_BUILD:?run through make check (SW_BUILD unset)}"
: "${SW_SRC:?run through make check (SW_SRC unset)}"

_tap_n=0
_tap_failed=0
_tap_planned=
T=$(mktemp -d "${TMPDIR:-/tmp}/sw-test.XXXXXX")
_tap_cleanups=""

# Registers a shell command to run at exit (before $T is removed), e.g. stopping
# a daemon by its PID. Runs in reverse order of registration.
tap_at_exit() { _tap_cleanups="$1
$_tap_cleanups"; }

_tap_exit() {
    rc=$?
    printf '%s\n' "$_tap_cleanups" | while IFS= read -r c; do
        [ -n "$c" ] && eval "$c" >/dev/null 2>&1
    done
    rm -rf "$T"
    if [ -z "$_tap_planned" ]; then
        echo "1..$_tap_n"
    elif [ "$_tap_planned" != "$_tap_n" ] && [ "$_tap_planned" != skip ]; then
        _tap_failed=$((_tap_failed + 1))
    fi
    [ "$_tap_failed" -eq 0 ] && exit "$rc"
    exit 1
}
trap _tap_exit EXIT
trap 'exit 130' INT TERM

plan() { _tap_planned=$1; echo "1..$1"; }
skip_all() { _tap_planned=skip; echo "1..0 # SKIP $*"; exit 0; }

# A test needs a program or package that is not installed: it skips the whole
# test, except under CI=true, where it fails instead (CI installs every package
# of ./configure --install-deps, so a missing one there is a bug to see, not a
# test to drop quietly). Use need_program / need_python_module, or tap_missing
# REASON for another kind of missing package.
tap_missing() {
    if [ "${CI:-}" = true ]; then
        _tap_record 1 "$* (CI=true: a missing package fails the test; ./configure --install-deps installs it)"
        exit 1
    fi
    skip_all "$*"
}
# need_program PROGRAM PACKAGE
need_program() {
    command -v "$1" >/dev/null 2>&1 || tap_missing "$1 is not installed (Debian package $2)"
}
# need_python_module MODULE PACKAGE: importable by /usr/bin/python3.
need_python_module() {
    /usr/bin/python3 -c "import $1" >/dev/null 2>&1 ||
        tap_missing "Python module $1 is not installed (Debian package $2)"
}
diag() { printf '%s\n' "$*" | sed 's/^/# /'; }
done_testing() { :; }

# todo REASON ... todo_end: the checks between are TAP TODO items: they are
# reported (prove shows a TODO that passes as "unexpectedly succeeded") but a
# failure does not fail the test. For features known to be missing, with the
# reason; never for flaky checks.
_tap_todo=
todo() { _tap_todo=$*; }
todo_end() { _tap_todo=; }

_tap_record() { # status name
    _tap_n=$((_tap_n + 1))
    _tap_directive=
    [ -n "$_tap_todo" ] && _tap_directive=" # TODO $_tap_todo"
    if [ "$1" -eq 0 ]; then
        echo "ok $_tap_n - $2$_tap_directive"
    else
        echo "not ok $_tap_n - $2$_tap_directive"
        [ -n "$_tap_todo" ] || _tap_failed=$((_tap_failed + 1))
    fi
    return "$1"
}

# ok NAME CMD...: runs CMD; passes if it exits 0.
ok() { name=$1; shift; "$@"; _tap_record $? "$name"; }
# nok NAME CMD...: passes if CMD exits non-zero.
nok() { name=$1; shift; if "$@"; then _tap_record 1 "$name"; else _tap_record 0 "$name"; fi; }
is() {
    if [ "$1" = "$2" ]; then _tap_record 0 "$3"; else
        _tap_record 1 "$3"; diag "got:      '$1'" "expected: '$2'"; return 1; fi
}
like() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then _tap_record 0 "$3"; else
        _tap_record 1 "$3"; diag "got: '$1'" "expected to match: /$2/"; return 1; fi
}
unlike() {
    if printf '%s' "$1" | grep -Eq -- "$2"; then
        _tap_record 1 "$3"; diag "got: '$1'" "expected not to match: /$2/"; return 1
    else _tap_record 0 "$3"; fi
}

# A TCP port on 127.0.0.1 that nothing listens on now (the kernel picks it).
tap_free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

BIN=$SW_BUILD/bin
LWADMIN=$BIN/lwadmin
export SAMEWISE_DB="$T/registry.db"
