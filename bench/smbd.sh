# Samba's smbd as a private reference server, for bench/run.sh and
# tools/torture-run.sh --reference. Source it (bash), then:
#
#   smbd_setup DIR SHARE_DIR USER PASSWORD   # config, passdb; sets SMBD_PORT, SMBD_CONF
#   smbd_start                               # sets SMBD_PID; false (SMBD_WHY) if it fails
#   smbd_pids                                # smbd, its children, samba-dcerpcd and workers
#   smbd_stop                                # by pid, all of them
#
# The configuration keeps everything under DIR: `smb ports` a free port,
# `interfaces = 127.0.0.1/8`, `bind interfaces only = yes`, `disable netbios =
# yes`, lock, state, cache, private, pid, ncalrpc and log directories, a tdbsam
# passdb with USER and PASSWORD (`smbpasswd -c CONF -a -s`), printing off, the
# share "test" on SHARE_DIR. nss_wrapper gives smbd the Unix account USER
# (uid 65534: what a Samewise user without a Unix account acts as) without
# touching /etc/passwd. Needs the Debian packages samba and libnss-wrapper.
# SMBD_SHARE_EXTRA, if set before smbd_setup, is added to the share section
# (one option a line). One instance at a time: bench/perf.sh keeps two by
# saving and restoring the SMBD_* variables.

SMBD_DIR=
SMBD_CONF=
SMBD_PORT=
SMBD_PID=
SMBD_WHY=
SMBD_NSS_WRAPPER=
# Extra lines for the share section (bench/perf.sh: smbd at its best).
SMBD_SHARE_EXTRA=

smbd_available() {
    SMBD_NSS_WRAPPER=$(ls /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so 2>/dev/null | head -1)
    if ! command -v smbd >/dev/null || ! command -v smbpasswd >/dev/null; then
        SMBD_WHY="smbd is not installed (Debian: samba)"
        return 1
    fi
    if [ -z "$SMBD_NSS_WRAPPER" ]; then
        SMBD_WHY="libnss_wrapper.so is not installed (Debian: libnss-wrapper)"
        return 1
    fi
    return 0
}

_smbd_env() {
    env LD_PRELOAD="$SMBD_NSS_WRAPPER" NSS_WRAPPER_PASSWD="$SMBD_DIR/passwd" \
        NSS_WRAPPER_GROUP="$SMBD_DIR/group" "$@"
}

smbd_setup() { # DIR SHARE_DIR USER PASSWORD
    local dir=$1 share=$2 user=$3 password=$4 port
    smbd_available || return 1
    SMBD_DIR=$dir
    SMBD_CONF=$dir/smb.conf
    mkdir -p "$dir"/lock "$dir"/state "$dir"/cache "$dir"/private "$dir"/pid \
        "$dir"/log "$dir"/ncalrpc || return 1
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()') ||
        return 1
    SMBD_PORT=$port
    cat > "$SMBD_CONF" <<EOF
[global]
    workgroup = WORKGROUP
    server role = standalone server
    smb ports = $port
    interfaces = 127.0.0.1/8
    bind interfaces only = yes
    disable netbios = yes
    lock directory = $dir/lock
    state directory = $dir/state
    cache directory = $dir/cache
    private dir = $dir/private
    pid directory = $dir/pid
    ncalrpc dir = $dir/ncalrpc
    log file = $dir/log/log.%m
    passdb backend = tdbsam:$dir/private/passdb.tdb
    map to guest = never
    server min protocol = SMB2_02
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
[test]
    path = $share
    read only = no
    comment = test share
$SMBD_SHARE_EXTRA
EOF
    {
        getent passwd root
        echo "$user:x:65534:65534:$user:/nonexistent:/bin/false"
        getent passwd nobody
    } > "$dir/passwd"
    { getent group root; echo "nogroup:x:65534:"; } > "$dir/group"
    printf '%s\n%s\n' "$password" "$password" |
        _smbd_env smbpasswd -c "$SMBD_CONF" -a -s "$user" >/dev/null
}

# Another user in the same passdb (smbtorture's second user).
smbd_add_user() { # USER PASSWORD UID
    echo "$1:x:$3:65534:$1:/nonexistent:/bin/false" >> "$SMBD_DIR/passwd"
    printf '%s\n%s\n' "$2" "$2" | _smbd_env smbpasswd -c "$SMBD_CONF" -a -s "$1" >/dev/null
}

smbd_start() {
    local i=0
    # Its own session (smbd --foreground calls setsid unless told
    # --no-process-group): at exit smbd signals its whole process group.
    _smbd_env smbd --foreground -s "$SMBD_CONF" > "$SMBD_DIR/log/stdout" 2>&1 &
    SMBD_PID=$!
    while [ $i -lt 100 ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$SMBD_PORT") 2>/dev/null; do
        kill -0 "$SMBD_PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$SMBD_PORT") 2>/dev/null; then
        SMBD_WHY="smbd did not start: $(tail -3 "$SMBD_DIR/log/stdout" | tr '\n' ' ')"
        return 1
    fi
    return 0
}

# Every process whose command line names our private configuration: smbd,
# its children, and samba-dcerpcd with its workers (started on demand and
# reparented to init).
smbd_pids() {
    [ -n "$SMBD_CONF" ] || return 0
    ps -eo pid=,args= | awk -v t="$SMBD_CONF" 'index($0, t) && $2 != "awk" {print $1}'
}

smbd_stop() {
    local p i=0
    [ -n "$SMBD_PID" ] && kill -TERM "$SMBD_PID" 2>/dev/null
    while [ $i -lt 50 ] && [ -n "$SMBD_PID" ] && kill -0 "$SMBD_PID" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    for p in $(smbd_pids); do kill -9 "$p" 2>/dev/null; done
    SMBD_PID=
    return 0
}
