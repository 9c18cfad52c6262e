# A scratch OpenLDAP slapd on loopback for directory tests. Source after tap.sh:
#
#   . "$SW_SRC/t/tap/slapd.sh"
#   slapd_need                    # need_program slapd, ldapadd; Samba's schema file
#   slapd_init || fail            # $SLAPD_DIR/slapd.conf, LDAP_URI, LDAP_SUFFIX, LDAP_ROOT_DN/PW
#   (optional: add global directives, such as TLS, with slapd_conf_prepend)
#   slapd_start || fail           # serves $LDAP_URI (and $SLAPD_EXTRA_URIS)
#   slapd_load FILE.ldif || fail  # ldapadd as the root DN
#   slapd_stop                    # by pid; slapd_start again brings it back
#
# The database is an mdb under $SLAPD_DIR with the core, cosine, nis,
# inetorgperson and Samba schemas (samba.schema from the samba package, for
# sambaSamAccount: sambaNTPassword and sambaSID). The suffix is
# dc=example,dc=test, the root DN cn=admin under it with a random password.
# slapd detaches itself; its pid comes from the pid file, and it is stopped
# by that pid at exit (tap_at_exit).
SLAPD_DIR=$T/slapd
SLAPD_SCHEMA_SAMBA=/usr/share/doc/samba/examples/LDAP/samba.schema
SLAPD_EXTRA_URIS=${SLAPD_EXTRA_URIS:-} # more -h listeners (ldaps://127.0.0.1:PORT/)
SLAPD_PID=
LDAP_PORT=
LDAP_URI=
LDAP_SUFFIX=dc=example,dc=test
LDAP_ROOT_DN=cn=admin,$LDAP_SUFFIX
LDAP_ROOT_PW=

slapd_need() {
    need_program slapd slapd
    need_program ldapadd ldap-utils
    need_program ldapsearch ldap-utils
    [ -f "$SLAPD_SCHEMA_SAMBA" ] || tap_missing "$SLAPD_SCHEMA_SAMBA is missing (Debian package samba)"
}

# The configuration and the empty database; registers the stop at exit.
slapd_init() {
    mkdir -p "$SLAPD_DIR/db" || return 1
    LDAP_PORT=$(tap_free_port) || return 1
    LDAP_URI=ldap://127.0.0.1:$LDAP_PORT/
    export LDAP_URI
    LDAP_ROOT_PW="root-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
    cat > "$SLAPD_DIR/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
include $SLAPD_SCHEMA_SAMBA
pidfile $SLAPD_DIR/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "$LDAP_SUFFIX"
rootdn "$LDAP_ROOT_DN"
rootpw $LDAP_ROOT_PW
directory $SLAPD_DIR/db
EOF
    tap_at_exit slapd_stop
}

# Global directives (TLS*) must come before "database": put them first.
slapd_conf_prepend() {
    { printf '%s\n' "$@"; cat "$SLAPD_DIR/slapd.conf"; } > "$SLAPD_DIR/slapd.conf.new" &&
        mv "$SLAPD_DIR/slapd.conf.new" "$SLAPD_DIR/slapd.conf"
}

# Up when it answers a root DSE search (bounded: 10 s).
slapd_start() {
    rm -f "$SLAPD_DIR/slapd.pid"
    slapd -f "$SLAPD_DIR/slapd.conf" -h "$LDAP_URI${SLAPD_EXTRA_URIS:+ $SLAPD_EXTRA_URIS}" \
        2>> "$SLAPD_DIR/slapd.err" || return 1
    local i=0
    while [ $i -lt 100 ]; do
        if [ -s "$SLAPD_DIR/slapd.pid" ] &&
            ldapsearch -x -H "$LDAP_URI" -b "" -s base namingContexts >/dev/null 2>&1; then
            SLAPD_PID=$(cat "$SLAPD_DIR/slapd.pid")
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    # Not answering: stop what did start, so nothing outlives the test.
    [ -s "$SLAPD_DIR/slapd.pid" ] && SLAPD_PID=$(cat "$SLAPD_DIR/slapd.pid") && slapd_stop
    return 1
}

slapd_stop() {
    [ -n "$SLAPD_PID" ] || return 0
    kill "$SLAPD_PID" 2>/dev/null
    local i=0
    while [ $i -lt 100 ] && kill -0 "$SLAPD_PID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$SLAPD_PID" 2>/dev/null
    SLAPD_PID=
}

# slapd_load FILE: its entries added as the root DN (ldapadd's output in
# $SLAPD_DIR/ldapadd.out).
slapd_load() {
    ldapadd -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" -f "$1" > "$SLAPD_DIR/ldapadd.out" 2>&1
}
