# Shared by the srv script tests: a scratch registry with user alice, lsassd,
# and lwiod serving SMB with npfs, pvfs and srv on a free loopback port.
# Source after t/tap/tap.sh. Sets DB, SHARE, PORT, LWIOD, and writes a
# private smbclient configuration ($T/client.conf) and credentials
# ($T/alice.txt).

appliance_start() { # extra lwiod arguments...
    DB=$T/registry.db
    SHARE=$T/share
    mkdir -p "$SHARE"
    chmod 777 "$SHARE"   # alice acts as her own uid (lsass.id-range), which owns nothing here
    "$LWADMIN" --db "$DB" init >/dev/null || skip_all "lwadmin init failed"
    # Not about the failed-logon delay (default 2 s): wrong passwords answer at once.
    "$LWADMIN" --db "$DB" config set lsass.failed-logon-delay 0 >/dev/null
    echo 'Alice-Pass1' | "$LWADMIN" --db "$DB" user add alice --password-stdin >/dev/null
    "$LWADMIN" --db "$DB" share add data "$SHARE" --grant Everyone:full >/dev/null

    "$BIN/lsassd" --db "$DB" --foreground 2> "$T/lsassd.log" &
    tap_at_exit "kill $!"
    PORT=$(tap_free_port)
    "$BIN/lwiod" --db "$DB" --foreground --log-level info --drivers npfs,pvfs,srv \
        --required-drivers pvfs,srv --set srv.port="$PORT" --set srv.listen=127.0.0.1 \
        "$@" 2> "$T/lwiod.log" &
    LWIOD=$!
    tap_at_exit "kill $LWIOD"
    i=0
    while [ $i -lt 100 ] && ! grep -qs 'ready on' "$T/lwiod.log"; do sleep 0.05; i=$((i + 1)); done

    mkdir -p "$T/client"
    cat > "$T/client.conf" <<CONF
[global]
    client min protocol = SMB2_02
    client max protocol = SMB3
    lock directory = $T/client
    state directory = $T/client
    cache directory = $T/client
    private dir = $T/client
    ncalrpc dir = $T/client/ncalrpc
    disable netbios = yes
CONF
    printf 'username = alice\npassword = Alice-Pass1\n' > "$T/alice.txt"
    chmod 600 "$T/alice.txt"
}
