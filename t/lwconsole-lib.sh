# Driving lwconsole inside a private tmux server, for the t/lwconsole-*.t tests.
# Source it after t/tap/tap.sh. It gives:
#   console_start WIDTH HEIGHT [VAR=VALUE...]   run lwconsole in tmux session "c"
#   keys KEY...          tmux send-keys (Enter, Tab, F2, Escape, C-u, ...)
#   type_text TEXT       literal text
#   screen               the screen as text (capture-pane)
#   wait_for REGEX [N]   poll the screen until it matches (N tries, 0.1 s apart)
#   wait_gone REGEX [N]  poll until it no longer matches
#   console_stop         quit with F10; true if lwconsole exited with status 0
# The tmux server has its own socket under $T and is killed at exit.

need_program tmux tmux
LWCONSOLE=$BIN/lwconsole
[ -x "$LWCONSOLE" ] || skip_all "lwconsole is not built"
[ -x "$LWADMIN" ] || skip_all "lwadmin is not built"

unset TMUX TMUX_PANE
export TMUX_TMPDIR="$T"
TMUX_NAME="lwconsole-$$"
tm() { tmux -L "$TMUX_NAME" "$@"; }
PYTHON=/usr/bin/python3

# One tmux server for the whole test, kept alive between sessions (a server
# that exits with its last session races with the next one starting).
tm -f /dev/null start-server \; set-option -s exit-empty off || skip_all "tmux cannot start a server"
TMUX_PID=$(tm display-message -p '#{pid}')
tap_at_exit "tmux -L $TMUX_NAME kill-server"
[ -n "$TMUX_PID" ] && tap_at_exit "kill $TMUX_PID"

console_start() {
    _w=$1
    _h=$2
    shift 2
    # The pane waits on `read` after lwconsole exits, so its last words stay
    # on the screen; killing the tmux server ends it.
    tm new-session -d -x "$_w" -y "$_h" -s c \
        "env LC_ALL=C.UTF-8 TERM=screen $* '$LWCONSOLE' --db '$SAMEWISE_DB'; echo \"[lwconsole exited \$?]\"; read _"
}

# A skipped test point (tap.sh has skip_all only): "ok N # SKIP reason".
skip_test() { _tap_record 0 "# SKIP $*"; }

keys() { tm send-keys -t c "$@"; }
type_text() { tm send-keys -t c -l "$1"; }
screen() { tm capture-pane -p -t c; }

wait_for() {
    _n=${2:-50}
    while [ "$_n" -gt 0 ]; do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
        _n=$((_n - 1))
    done
    diag "timed out waiting for /$1/; the screen was:"
    diag "$(screen)"
    return 1
}

wait_gone() {
    _n=${2:-50}
    while [ "$_n" -gt 0 ]; do
        screen | grep -Eq -- "$1" || return 0
        sleep 0.1
        _n=$((_n - 1))
    done
    diag "timed out waiting for /$1/ to go; the screen was:"
    diag "$(screen)"
    return 1
}

# Quits with F10; true if lwconsole exited with status 0 (a sanitizer report
# or a crash makes it non-zero). Ends the tmux session either way.
console_stop() {
    keys F10
    wait_for '\[lwconsole exited [0-9]+\]'
    screen | grep -q '\[lwconsole exited 0\]'
    _rc=$?
    [ $_rc -eq 0 ] || diag "$(screen)"
    tm kill-session -t c
    return $_rc
}

# Selects the list row containing TEXT (literal): filters the list down to it.
select_row() {
    keys /
    wait_for 'Filter:' || return 1
    keys C-u
    type_text "$1"
    keys Enter
    wait_gone 'Filter:' || return 1
}

# layout_ok WIDTH HEIGHT [HEADING...]: the screen has the tab bar, the key
# bar, nothing wider than the terminal, no control or replacement characters,
# and (given headings) list rows whose cells start under their headings.
layout_ok() {
    screen | $PYTHON "$SW_SRC/t/lwconsole-layout.py" "$@"
}
