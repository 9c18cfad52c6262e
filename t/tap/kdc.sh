# A scratch MIT KDC on loopback for Kerberos tests. Source after tap.sh:
#
#   . "$SW_SRC/t/tap/kdc.sh"
#   kdc_need                      # need_program for krb5kdc, kdb5_util, kadmin.local, kinit, kvno
#   kdc_start || fail             # realm $KDC_REALM, KDC on 127.0.0.1:$KDC_PORT
#   kdc_admin addprinc -pw PASS alice
#   kdc_kinit alice PASS          # a TGT in $KRB5CCNAME
#
# kdc_start writes $T/kdc/krb5.conf and $T/kdc/kdc.conf and exports
# KRB5_CONFIG, KRB5_KDC_PROFILE and KRB5CCNAME (FILE:$T/kdc/ccache), so
# every Kerberos program the test starts afterwards (kinit, smbclient,
# lsassd through lwadmin start) uses this realm and nothing of the host's.
# Host names are used as typed (dns_canonicalize_hostname = false, rdns =
# false): a ticket for cifs/NAME is asked for //NAME (smbclient refuses Kerberos to
# "localhost"; use another name and -I 127.0.0.1, and list it in KDC_HOSTS). The KDC runs
# in the foreground (krb5kdc -n) and is stopped by its pid at exit.
KDC_REALM=${KDC_REALM:-SW.TEST}
KDC_DIR=$T/kdc
KDC_PORT=
KDC_PID=
KDC_HOSTS=${KDC_HOSTS:-}   # host names mapped to the realm in [domain_realm]
KDC_CLOCKSKEW=${KDC_CLOCKSKEW:-300} # krb5.conf clockskew (seconds), for the KDC and the appliance

kdc_need() {
    need_program krb5kdc krb5-kdc
    need_program kdb5_util krb5-kdc
    need_program kadmin.local krb5-admin-server
    need_program kinit krb5-user
    need_program kvno krb5-user
}

kdc_start() {
    mkdir -p "$KDC_DIR" || return 1
    KDC_PORT=$(tap_free_port) || return 1
    cat > "$KDC_DIR/krb5.conf" <<CONF
[libdefaults]
    default_realm = $KDC_REALM
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    noaddresses = true
    kdc_timesync = 1
    clockskew = ${KDC_CLOCKSKEW:-300}
    udp_preference_limit = 1
[realms]
    $KDC_REALM = {
        kdc = 127.0.0.1:$KDC_PORT
    }
[domain_realm]
    localhost = $KDC_REALM
CONF
    for h in $KDC_HOSTS; do printf '    %s = %s\n' "$h" "$KDC_REALM" >> "$KDC_DIR/krb5.conf"; done
    cat >> "$KDC_DIR/krb5.conf" <<CONF
CONF
    cat > "$KDC_DIR/kdc.conf" <<CONF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$KDC_PORT
    kdc_tcp_listen = 127.0.0.1:$KDC_PORT
[realms]
    $KDC_REALM = {
        database_name = $KDC_DIR/principal
        key_stash_file = $KDC_DIR/stash
        acl_file = $KDC_DIR/kadm5.acl
        max_life = 1h
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
[logging]
    kdc = FILE:$KDC_DIR/kdc.log
CONF
    : > "$KDC_DIR/kadm5.acl"
    export KRB5_CONFIG="$KDC_DIR/krb5.conf" KRB5_KDC_PROFILE="$KDC_DIR/kdc.conf"
    export KRB5CCNAME="FILE:$KDC_DIR/ccache"
    kdb5_util create -s -r "$KDC_REALM" -P "kdc-master-$$" > "$KDC_DIR/kdb5_util.log" 2>&1 || return 1
    krb5kdc -n -r "$KDC_REALM" > "$KDC_DIR/krb5kdc.out" 2>&1 &
    KDC_PID=$!
    tap_at_exit "kill $KDC_PID 2>/dev/null; wait $KDC_PID 2>/dev/null"
    # Up when it answers on TCP (bounded: 10 s).
    local i=0
    while [ $i -lt 100 ]; do
        kill -0 "$KDC_PID" 2>/dev/null || return 1
        /usr/bin/python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1',$KDC_PORT),1)" \
            2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

kdc_admin() { kadmin.local -r "$KDC_REALM" -q "$*" > "$KDC_DIR/kadmin.last" 2>&1; }

# kdc_kinit PRINCIPAL PASSWORD: a fresh ccache with its TGT.
kdc_kinit() {
    kdestroy -q 2>/dev/null
    printf '%s\n' "$2" | kinit "$1" > "$KDC_DIR/kinit.last" 2>&1
}
