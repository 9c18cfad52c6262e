# End-to-end test helpers: a whole Samewise instance in the test's scratch
# directory, and the real clients pointed at it. Source after tap.sh:
#
#   . "$SW_SRC/t/tap/tap.sh"
#   . "$SW_SRC/t/tap/appliance.sh"
#   appliance_init                       # registry, port, share, user, client config
#   appliance_available || skip_all "$APPLIANCE_WHY"
#   out=$(appliance_smbclient test -c 'ls')
#
# appliance_init
#     A scratch registry at $SAMEWISE_DB ($T/registry.db), srv.listen
#     127.0.0.1 and a free port ($APPLIANCE_PORT), the share "test" on
#     $APPLIANCE_SHARE_DIR ($T/share) with alice:full, and the user alice with
#     a random password ($APPLIANCE_PASSWORD, also in $T/alice.password, 0600).
#     Writes the private client configuration $APPLIANCE_CONF
#     ($T/client/smb.conf, see /work/shared/TESTING.md) and the credentials
#     file $APPLIANCE_AUTH ($T/client/auth.txt, 0600). Settings may be changed
#     with "$LWADMIN" config set ... before appliance_start.
# appliance_client_files
#     Only the client configuration and credentials (for a server this file
#     did not set up: set APPLIANCE_PORT and APPLIANCE_PASSWORD first).
# appliance_start
#     `lwadmin start`; its error output is left in $T/appliance-start.err.
#     Registers, before starting, an exit action that runs `lwadmin stop` and
#     then kills by pid any daemon of this registry still alive, so no daemon
#     outlives the test whatever happens.
# appliance_available
#     True once the appliance serves SMB: it starts it (if not started yet)
#     and succeeds only when the srv driver is built and start succeeds (the
#     SMB port accepts connections). Otherwise false, with a one-line reason
#     in $APPLIANCE_WHY for skip_all.
# appliance_wait_lsass_pipes
#     Waits (at most 20 s) until lsassd serves its RPC pipes (\pipe\lsarpc,
#     \pipe\samr: lsassd connects to lwiod a moment after lwiod is up):
#     true once rpcclient's lsaquery answers as alice.
# appliance_stop
#     `lwadmin stop`.
# appliance_pids
#     The pids in the instance's pid files, one a line.
# appliance_smbclient SHARE [ARGS...], appliance_rpcclient [ARGS...],
# appliance_smbtorture ARGS...
#     The clients with the private configuration, the credentials and the
#     port; bounded by $APPLIANCE_CLIENT_TIMEOUT seconds (default 120).
#     smbtorture runs in $T/torture (it leaves files behind in its directory).
# appliance_torture_setup
#     After appliance_init, before start: what smbtorture's smb2 suites need
#     (tools/torture-run.sh and t/srv-smbtorture.t): the share open to
#     everyone on disk, a second user bob ($APPLIANCE_PASSWORD2) with full
#     access to it (torture:user2name), and anonymous logons allowed
#     (lsass.allow-anonymous on, as Windows and smbd allow null sessions by
#     default), which smb2.session.reauth2-5 re-authenticate as.

APPLIANCE_DB=$SAMEWISE_DB
APPLIANCE_RUN_DIR=${APPLIANCE_DB%.db}.run
APPLIANCE_USER=alice
APPLIANCE_SHARE=test
APPLIANCE_SHARE_DIR=$T/share
APPLIANCE_CONF=$T/client/smb.conf
APPLIANCE_AUTH=$T/client/auth.txt
APPLIANCE_CLIENT_TIMEOUT=${APPLIANCE_CLIENT_TIMEOUT:-120}
APPLIANCE_PORT=
APPLIANCE_PASSWORD=
APPLIANCE_WHY=
_appliance_started=
_appliance_cleanup_registered=

appliance_init() {
    "$LWADMIN" init >/dev/null || return 1
    APPLIANCE_PORT=$(tap_free_port) || return 1
    "$LWADMIN" config set srv.listen 127.0.0.1 >/dev/null &&
        "$LWADMIN" config set srv.port "$APPLIANCE_PORT" >/dev/null || return 1
    # Tests about the failed-logon delay (default 2 s) set it themselves.
    "$LWADMIN" config set lsass.failed-logon-delay 0 >/dev/null || return 1

    # Random each run; the fixed parts satisfy a complexity policy if a test
    # turns one on.
    APPLIANCE_PASSWORD="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-9Aa"
    (umask 077 && printf '%s\n' "$APPLIANCE_PASSWORD" > "$T/alice.password") || return 1
    "$LWADMIN" user add "$APPLIANCE_USER" --password-stdin < "$T/alice.password" \
        >/dev/null || return 1

    # The folder is root's 0755 until a test opens it, so share add warns that
    # the grant cannot write there; that warning is kept in $T, not printed in
    # every test's output.
    mkdir -p "$APPLIANCE_SHARE_DIR" &&
        "$LWADMIN" share add "$APPLIANCE_SHARE" "$APPLIANCE_SHARE_DIR" \
            --comment "test share" --grant "$APPLIANCE_USER:full" >/dev/null \
            2> "$T/share-add.err" || { cat "$T/share-add.err" >&2; return 1; }

    appliance_client_files
}

# The client configuration $APPLIANCE_CONF and the credentials file
# $APPLIANCE_AUTH for $APPLIANCE_USER and $APPLIANCE_PASSWORD (appliance_init
# calls it; a test whose server is not this instance's sets the password, the
# port and calls it itself).
appliance_client_files() {
    mkdir -p "$T/client/ncalrpc" "$T/torture" || return 1
    cat > "$APPLIANCE_CONF" <<EOF
[global]
    workgroup = WORKGROUP
    client min protocol = SMB2_02
    client max protocol = SMB3
    lock directory = $T/client
    state directory = $T/client
    cache directory = $T/client
    private dir = $T/client
    ncalrpc dir = $T/client/ncalrpc
    disable netbios = yes
EOF
    (umask 077 && printf 'username = %s\npassword = %s\n' "$APPLIANCE_USER" \
        "$APPLIANCE_PASSWORD" > "$APPLIANCE_AUTH")
}

appliance_pids() {
    local f
    for f in "$APPLIANCE_RUN_DIR"/*.pid; do
        [ -f "$f" ] && cat "$f"
    done
    return 0
}

# Exit action: stop through lwadmin, then kill by pid whatever of this
# registry survived (a pid counts only if its command line names the registry).
_appliance_cleanup() {
    local pid
    "$LWADMIN" --db "$APPLIANCE_DB" stop --timeout 5 >/dev/null 2>&1
    for pid in $(cat "$T/.appliance-pids" 2>/dev/null) $(appliance_pids); do
        if tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF "$APPLIANCE_DB"; then
            kill -9 "$pid" 2>/dev/null
        fi
    done
    return 0
}

appliance_start() {
    if [ -z "$_appliance_cleanup_registered" ]; then
        tap_at_exit _appliance_cleanup
        _appliance_cleanup_registered=1
    fi
    local rc
    "$LWADMIN" start 2> "$T/appliance-start.err"
    rc=$?
    appliance_pids >> "$T/.appliance-pids"
    [ "$rc" -eq 0 ] && _appliance_started=1
    return "$rc"
}

appliance_wait_lsass_pipes() {
    local i=0
    while [ $i -lt 100 ]; do
        timeout 30 rpcclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" 127.0.0.1 \
            -c lsaquery 2>/dev/null | grep -q "Domain Name" && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}

appliance_stop() {
    local rc
    "$LWADMIN" stop
    rc=$?
    _appliance_started=
    return "$rc"
}

# For a test that needs the running instance: the test fails (Bail out!)
# when it cannot start; a daemon that dies at start is never a skip.
# appliance_wait_samr: waits (at most 20 s) until \pipe\samr answers an
# rpcclient enumdomains as alice; lsassd serves its RPC pipes a moment after
# lwiod is up, so `lwadmin start` returning does not mean they exist yet.
appliance_wait_samr() {
    _i=0
    while [ $_i -lt 100 ]; do
        timeout 10 rpcclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" \
            127.0.0.1 -c enumdomains 2>&1 | grep -q "name:\[Builtin\]" && return 0
        sleep 0.2
        _i=$((_i + 1))
    done
    return 1
}

appliance_require() {
    appliance_available && return 0
    echo "Bail out! the appliance did not start: $APPLIANCE_WHY"
    exit 1
}

appliance_available() {
    [ -n "$_appliance_started" ] && return 0
    if [ -z "$APPLIANCE_PORT" ]; then
        APPLIANCE_WHY="appliance_init was not run"
        return 1
    fi
    if appliance_start >/dev/null; then
        return 0
    fi
    APPLIANCE_WHY=$(sed -n '1s/^lwadmin: start: //p' "$T/appliance-start.err")
    [ -n "$APPLIANCE_WHY" ] || APPLIANCE_WHY="lwadmin start failed"
    return 1
}

appliance_smbclient() {
    local share=$1
    shift
    timeout "$APPLIANCE_CLIENT_TIMEOUT" smbclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
        -p "$APPLIANCE_PORT" "//127.0.0.1/$share" "$@"
}

appliance_rpcclient() {
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -A "$APPLIANCE_AUTH" \
        -p "$APPLIANCE_PORT" 127.0.0.1 "$@"
}

appliance_smbtorture() {
    (cd "$T/torture" && timeout "$APPLIANCE_CLIENT_TIMEOUT" smbtorture -s "$APPLIANCE_CONF" \
        -A "$APPLIANCE_AUTH" -p "$APPLIANCE_PORT" "$@")
}

appliance_torture_setup() {
    # alice and bob act on disk as their own uids from lsass.id-range, which
    # own nothing here: the scratch share is open to everyone.
    chmod 0777 "$APPLIANCE_SHARE_DIR" || return 1
    APPLIANCE_PASSWORD2="Sw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')-8Bb"
    printf '%s\n' "$APPLIANCE_PASSWORD2" | "$LWADMIN" user add bob --password-stdin >/dev/null &&
        "$LWADMIN" share set "$APPLIANCE_SHARE" --grant bob:full >/dev/null &&
        "$LWADMIN" config set lsass.allow-anonymous on >/dev/null
}
