#!/bin/bash
# The LDAP directory provider (docs/ldap.md) against a real slapd on
# loopback with a scratch database (core, cosine, nis, inetorgperson and
# Samba's schema): NTLM logons of directory users through smbclient, an LDAP
# group's share grant, getent through the NSS module, `lwadmin provider
# test`, and slapd stopped and started again mid-test.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

. "$SW_SRC/t/tap/slapd.sh"

slapd_need
need_program openssl openssl
need_program smbclient smbclient
need_python_module impacket python3-impacket

# ---- slapd (t/tap/slapd.sh) -------------------------------------------------
slapd_init || { echo "Bail out! slapd_init failed"; exit 1; }
SUFFIX=$LDAP_SUFFIX
ROOT_DN=$LDAP_ROOT_DN
ROOT_PW=$LDAP_ROOT_PW
# TLS: a scratch CA and a certificate for 127.0.0.1 (StartTLS and ldaps).
LDAPS_PORT=$(tap_free_port)
LDAPS_URI=ldaps://127.0.0.1:$LDAPS_PORT/
mkdir -p "$T/tls"
have_tls=
if command -v openssl >/dev/null &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Samewise test CA" \
        -keyout "$T/tls/ca.key" -out "$T/tls/ca.pem" >/dev/null 2>&1 &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$T/tls/server.key" \
        -out "$T/tls/server.csr" >/dev/null 2>&1 &&
    printf 'subjectAltName=IP:127.0.0.1\n' > "$T/tls/ext.cnf" &&
    openssl x509 -req -in "$T/tls/server.csr" -CA "$T/tls/ca.pem" -CAkey "$T/tls/ca.key" \
        -CAcreateserial -days 2 -extfile "$T/tls/ext.cnf" -out "$T/tls/server.pem" >/dev/null 2>&1; then
    have_tls=1
    SLAPD_EXTRA_URIS=$LDAPS_URI
    slapd_conf_prepend "TLSCACertificateFile $T/tls/ca.pem" "TLSCertificateFile $T/tls/server.pem" \
        "TLSCertificateKeyFile $T/tls/server.key"
fi
slapd_start || { cat "$SLAPD_DIR/slapd.err" >&2; echo "Bail out! slapd did not start"; exit 1; }

pw() { echo "Ld-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')-$1"; }
nthash() { /usr/bin/python3 -c 'import sys; from impacket.ntlm import compute_nthash; print(compute_nthash(sys.argv[1]).hex().upper())' "$1"; }
CAROL_PW=$(pw 1Cc); DAN_PW=$(pw 2Dd); ERIK_PW=$(pw 3Ee)
user_ldif() { # name uid gid password|"" [sid]
    cat <<EOF
dn: uid=$1,ou=people,$SUFFIX
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: sambaSamAccount
uid: $1
cn: ${1^} Directory
sn: Directory
uidNumber: $2
gidNumber: $3
homeDirectory: /home/$1
loginShell: /bin/bash
gecos: ${1^} from LDAP
sambaSID: ${5:-S-1-5-21-1111-2222-3333-$(( $2 * 2 + 1000 ))}
EOF
    [ -n "$4" ] && echo "sambaNTPassword: $(nthash "$4")"
    echo
}
{
    printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n' "$SUFFIX"
    printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$SUFFIX"
    printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$SUFFIX"
    user_ldif carol 5001 5100 "$CAROL_PW"
    user_ldif dan 5002 5100 "$DAN_PW"
    user_ldif erik 5003 5100 ""
    # A system account's uid (www-data) and a SAM account's (inside
    # lsass.id-range): refused, whatever their password.
    user_ldif sneaky 33 5100 "$DAN_PW"
    user_ldif shadow 1000005 5100 "$DAN_PW"
    # Enough users for several pages of a paged search (ldap.page-size 10).
    for i in $(seq 1 25); do
        printf 'dn: uid=bulk%s,ou=people,%s\nobjectClass: account\nobjectClass: posixAccount\nuid: bulk%s\ncn: bulk%s\nuidNumber: %s\ngidNumber: 5100\nhomeDirectory: /home/bulk%s\n\n' \
            "$i" "$SUFFIX" "$i" "$i" "$((6000 + i))" "$i"
    done
    # No sambaSID: engineers gets an algorithmic SID.
    printf 'dn: cn=engineers,ou=groups,%s\nobjectClass: posixGroup\ncn: engineers\ngidNumber: 5200\nmemberUid: carol\n\n' "$SUFFIX"
    printf 'dn: cn=staff,ou=groups,%s\nobjectClass: posixGroup\ncn: staff\ngidNumber: 5100\nmemberUid: carol\nmemberUid: dan\n\n' "$SUFFIX"
    # Hostile values: a name with a filter metacharacter, uid 0: never used.
    printf 'dn: uid=evil,ou=people,%s\nobjectClass: account\nobjectClass: posixAccount\nuid: evil\ncn: evil\nuidNumber: 0\ngidNumber: 0\nhomeDirectory: /root\n\n' "$SUFFIX"
    # A gecos with a newline and a forged passwd line (base64 in LDIF): the
    # field is refused and cn used instead.
    printf 'dn: uid=mallory,ou=people,%s\nobjectClass: account\nobjectClass: posixAccount\nuid: mallory\ncn: Mallory\nuidNumber: 5004\ngidNumber: 5100\nhomeDirectory: /home/mallory\ngecos:: %s\n\n' \
        "$SUFFIX" "$(printf 'M\nroot2:x:0:0::/:/bin/sh' | base64 -w0)"
} > "$T/directory.ldif"
slapd_load "$T/directory.ldif" || { cat "$SLAPD_DIR/ldapadd.out" >&2; echo "Bail out! ldapadd failed"; exit 1; }

# ---- the appliance ----------------------------------------------------------
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
lw() { "$LWADMIN" "$@"; }
lw provider set ldap uri "$LDAP_URI" &&
    lw provider set ldap user-base "ou=people,$SUFFIX" &&
    lw provider set ldap group-base "ou=groups,$SUFFIX" &&
    lw provider set ldap bind-dn "$ROOT_DN" &&
    lw provider set ldap timeout 3 &&
    lw provider set ldap cache-ttl 1 &&
    lw provider set ldap page-size 10 &&
    lw provider set ldap enabled on 2>/dev/null ||
    { echo "Bail out! provider set failed"; exit 1; }

# A wrong bind password: `provider test` says so.
printf 'wrong-password\n' | lw provider set ldap bind-password - || { echo "Bail out! bind-password"; exit 1; }
out=$(lw provider test ldap 2>&1)
rc=$?
ok "provider test with a wrong bind password fails" test "$rc" -eq 1
like "$out" "bind as \"$ROOT_DN\" refused: wrong ldap.bind-dn or bind password" "  and says the bind was refused" ||
    diag "$out"
# The right one through YAML (providers.ldap.bind_password from a file).
(umask 077 && printf '%s\n' "$ROOT_PW" > "$T/bind.pw")
printf 'settings:\n  ldap.timeout: 3\nproviders:\n  ldap:\n    bind_password: {file: %s}\n' "$T/bind.pw" > "$T/ldap.yaml"
out=$(lw apply -f "$T/ldap.yaml" --dry-run 2>&1)
like "$out" "provider ldap" "apply --dry-run: the plan changes the ldap bind password" || diag "$out"
unlike "$out" "$ROOT_PW" "  without showing it"
out=$(lw apply -f "$T/ldap.yaml" 2>&1)
ok "apply sets it" test $? -eq 0 || diag "$out"
out=$(lw apply -f "$T/ldap.yaml" --dry-run --detailed-exitcode 2>&1)
ok "  applying it again changes nothing" test $? -eq 0 || diag "$out"
out=$(lw provider test ldap --user carol 2>&1)
ok "provider test with the right password succeeds" test $? -eq 0
like "$out" "found carol \\(uid 5001, gid 5100\\)" "  and finds carol" || diag "$out"
like "$out" "NT hash: present" "  with her NT hash" || diag "$out"
out=$(lw provider test ldap --user 'no*body)(uid=*' 2>&1)
like "$out" "no posixAccount \"no\\*body\\)\\(uid=\\*\" found" "a name with filter metacharacters is escaped (finds nobody)" ||
    diag "$out"
out=$(lw provider show ldap)
like "$out" "bind-password: +\\(set\\)" "provider show says the bind password is set" || diag "$out"
unlike "$out" "$ROOT_PW" "  and never shows it"
unlike "$(lw export 2>/dev/null)" "$ROOT_PW" "export never carries the bind password"
out=$(lw log 2>/dev/null)
like "$out" "provider\.secret +ldap\.bind-password +set" "the audit log records that the bind password was set" ||
    diag "$(echo "$out" | tail -5)"
unlike "$out" "$ROOT_PW" "  never what it is"
out=$(lw provider list)
like "$out" "ldap +yes +2" "provider list: ldap enabled, asked second" || diag "$out"

# TLS: StartTLS and ldaps verify the directory's certificate against ldap.ca-file.
if [ -n "$have_tls" ]; then
    lw provider set ldap tls starttls
    out=$(lw provider test ldap --user carol 2>&1)
    like "$out" "StartTLS with .* failed" "StartTLS without our CA: the certificate is refused" || diag "$out"
    lw provider set ldap ca-file "$T/tls/ca.pem"
    out=$(lw provider test ldap --user carol 2>&1)
    like "$out" "StartTLS\\)" "StartTLS with ldap.ca-file: the certificate verifies" || diag "$out"
    like "$out" "found carol" "  and carol is found" || diag "$out"
    lw provider set ldap tls off
    lw provider set ldap uri "$LDAPS_URI"
    out=$(lw provider test ldap --user carol 2>&1)
    like "$out" "found carol" "ldaps:// with ldap.ca-file works" || diag "$out"
    lw provider set ldap ca-file ""
    out=$(lw provider test ldap --user carol 2>&1)
    unlike "$out" "found carol" "ldaps:// without our CA: refused" || diag "$out"
    lw provider set ldap ca-file "$T/tls/ca.pem"
else
    ok "openssl makes the test certificates" false
fi

# A share granted to the LDAP group engineers (carol is a member, dan is not).
mkdir -p "$T/eng" && chmod 0777 "$T/eng"
out=$(lw share add eng "$T/eng" --grant 'engineers:change' 2>&1)
ok "share add --grant engineers:change (an LDAP group)" test $? -eq 0 || diag "$out"
out=$(lw share show eng 2>&1)
like "$out" "engineers" "share show names the LDAP group" || diag "$out"

# A directory user in a local group (as Windows puts domain accounts into
# local groups): the group's grant lets dan in.
mkdir -p "$T/rd" && chmod 0777 "$T/rd"
lw group add Readers >/dev/null && out=$(lw group add-member Readers dan 2>&1)
ok "group add-member Readers dan (a directory user)" test $? -eq 0 || diag "$out"
like "$(lw group show Readers)" "dan \(S-1-5-21-1111-2222-3333-11004\)" "group show names him" ||
    diag "$(lw group show Readers)"
lw share add rd "$T/rd" --grant 'Readers:read' >/dev/null 2>&1
# A directory group in a local group: its members get the local group's grant.
mkdir -p "$T/bd" && chmod 0777 "$T/bd"
lw group add Builders >/dev/null && out=$(lw group add-member Builders engineers 2>&1)
ok "group add-member Builders engineers (a directory group)" test $? -eq 0 || diag "$out"
lw share add bd "$T/bd" --grant 'Builders:read' >/dev/null 2>&1

appliance_require

auth_for() { (umask 077 && printf 'username = %s\npassword = %s\n' "$1" "$2" > "$T/client/$1.auth"); }
auth_for carol "$CAROL_PW"; auth_for dan "$DAN_PW"; auth_for erik "$ERIK_PW"
smb_as() { # user share commands
    timeout 60 smbclient -s "$APPLIANCE_CONF" -A "$T/client/$1.auth" -p "$APPLIANCE_PORT" -m SMB3 \
        "//127.0.0.1/$2" -c "$3" 2>&1
}

echo "hello from carol" > "$T/carol.txt"
out=$(cd "$T" && smb_as carol eng 'put carol.txt; ls')
like "$out" "carol.txt" "carol (LDAP, NTLM against sambaNTPassword) writes to eng" || diag "$out"
out=$(cd "$T" && smb_as carol eng 'get carol.txt carol-back.txt')
is "$(cat "$T/carol-back.txt" 2>/dev/null)" "hello from carol" "  and reads it back"
is "$(stat -c %u:%g "$T/eng/carol.txt" 2>/dev/null)" "5001:5100" "  the file belongs to her directory uid and gid"
out=$(smb_as dan eng 'ls')
like "$out" "NT_STATUS_ACCESS_DENIED" "dan (LDAP, not in engineers) is refused on eng" || diag "$out"
out=$(smb_as dan IPC\$ 'ls' ; smb_as dan "$APPLIANCE_SHARE" 'ls')
unlike "$out" "NT_STATUS_LOGON_FAILURE" "  but his logon itself works" || diag "$out"
out=$(smb_as dan rd 'ls')
unlike "$out" "NT_STATUS_" "dan reads rd through the local group Readers" || diag "$out"
out=$(smb_as carol rd 'ls')
like "$out" "NT_STATUS_ACCESS_DENIED" "  carol (not in Readers) is refused" || diag "$out"
out=$(smb_as carol bd 'ls')
unlike "$out" "NT_STATUS_" "carol reads bd: engineers is in the local group Builders" || diag "$out"
out=$(smb_as dan bd 'ls')
like "$out" "NT_STATUS_ACCESS_DENIED" "  dan (not in engineers) is refused" || diag "$out"
out=$(smb_as erik eng 'ls')
like "$out" "NT_STATUS_LOGON_FAILURE" "erik (no NT hash in the directory) cannot log on with NTLM" || diag "$out"
for u in sneaky shadow; do
    auth_for $u "$DAN_PW"
    out=$(smb_as $u IPC\$ 'ls')
    like "$out" "NT_STATUS_LOGON_FAILURE" "$u (a uid below ldap.min-id or inside lsass.id-range) cannot log on" || diag "$out"
done
(umask 077 && printf 'username = carol\npassword = wrong\n' > "$T/client/bad.auth")
out=$(timeout 60 smbclient -s "$APPLIANCE_CONF" -A "$T/client/bad.auth" -p "$APPLIANCE_PORT" //127.0.0.1/eng -c ls 2>&1)
like "$out" "NT_STATUS_LOGON_FAILURE" "carol with a wrong password is refused" || diag "$out"
out=$(appliance_smbclient "$APPLIANCE_SHARE" -c 'ls')
unlike "$out" "NT_STATUS_" "alice (local) still logs on" || diag "$out"

# A session of carol's, held open: `lwadmin session list` names her.
mkfifo "$T/carol.in"
timeout 60 smbclient -s "$APPLIANCE_CONF" -A "$T/client/carol.auth" -p "$APPLIANCE_PORT" -m SMB3 \
    //127.0.0.1/eng < "$T/carol.in" > "$T/carol.out" 2>&1 &
CAROL_CLIENT=$!
tap_at_exit "kill $CAROL_CLIENT"
exec 3> "$T/carol.in"
i=0
while [ $i -lt 100 ] && ! lw --json session list | grep -q '"carol"'; do sleep 0.05; i=$((i + 1)); done
json=$(lw --json session list)
is "$(printf '%s' "$json" | /usr/bin/python3 -c 'import json, sys
print(" ".join(sorted(x["domain"] + "\\" + x["user"] for x in json.load(sys.stdin) if x["user"] == "carol")))')" \
    'LDAP\carol' "session list shows carol's session in the LDAP domain" || diag "$json"
exec 3>&-
wait "$CAROL_CLIENT" 2>/dev/null

# ---- lsarpc name lookups (rpcclient, as alice) -------------------------------
if appliance_wait_lsass_pipes; then
    out=$(appliance_rpcclient -c 'lookupnames carol engineers' 2>&1)
    like "$out" "carol S-1-5-21-1111-2222-3333-11002 \(User: 1\)" "lsarpc LookupNames: carol, her sambaSID" || diag "$out"
    like "$out" "engineers S-1-5-21-[0-9]+-[0-9]+-[0-9]+-11401 \(Domain Group: 2\)" \
        "  engineers: an algorithmic SID (gid 5200 * 2 + 1001)" || diag "$out"
    out=$(appliance_rpcclient -c 'lookupsids S-1-5-21-1111-2222-3333-11002' 2>&1)
    like "$out" "LDAP\\\\carol \(1\)" "lsarpc LookupSids names carol in the LDAP domain" || diag "$out"
else
    ok "lsassd serves its pipes" false
fi

# ---- NSS (getent in a private mount namespace, as t/nss-pam.t) --------------
NSS_LIB=$SW_BUILD/nss/libnss_samewise.so.2
have_nss=
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && [ -f "$NSS_LIB" ]; then
    have_nss=1
    chmod 0711 "$T"
    printf 'db %s\n' "$SAMEWISE_DB" > "$T/nss.conf"
    printf 'passwd: files samewise\ngroup: files samewise\nshadow: files\nhosts: files\n' > "$T/nsswitch.conf"
    chmod go+r "$T/nss.conf" "$T/nsswitch.conf"
    machine() {
        SAMEWISE_NSS_CONF=$T/nss.conf LD_LIBRARY_PATH=$SW_BUILD/nss timeout 20 unshare -m sh -c '
            mount --bind "$1" /etc/nsswitch.conf || exit 99
            shift
            exec "$@"' sh "$T/nsswitch.conf" "$@"
    }
    is "$(machine getent passwd carol)" "carol:x:5001:5100:Carol from LDAP:/home/carol:/bin/bash" \
        "getent passwd carol: the directory's entry"
    is "$(machine getent passwd 5002 | cut -d: -f1)" dan "getent passwd 5002 names dan"
    like "$(machine getent group engineers)" '^engineers:x:5200:carol$' "getent group engineers lists carol"
    like "$(machine id carol)" 'uid=5001\(carol\) gid=5100\(staff\) groups=.*5200\(engineers\)' \
        "id carol: her directory groups (initgroups)"
    # PAM (pam_samewise.so through lsassd's password_logon): carol's
    # password compared with her sambaNTPassword.
    PAM_LIB=$SW_BUILD/pam/pam_samewise.so
    if command -v pamtester >/dev/null && [ -f "$PAM_LIB" ]; then
        mkdir -p "$T/pam.d"
        for stack in auth account password session; do
            printf '%-9s required %s db=%s\n' "$stack" "$PAM_LIB" "$SAMEWISE_DB"
        done > "$T/pam.d/samewise-test"
        chmod -R go+rX "$T/pam.d"
        pam() {
            printf '%s\n' "$3" | SAMEWISE_NSS_CONF=$T/nss.conf LD_LIBRARY_PATH=$SW_BUILD/nss timeout 20 unshare -m sh -c '
                mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/pam.d || exit 99
                shift 2
                exec "$@"' sh "$T/nsswitch.conf" "$T/pam.d" pamtester -v samewise-test "$1" "$2" 2>&1
        }
        like "$(pam carol authenticate "$CAROL_PW")" 'successfully authenticated' \
            "pamtester: carol authenticates with her directory password"
        unlike "$(pam carol authenticate wrong)" 'successfully authenticated' "  not with a wrong one"
    else
        ok "# SKIP pamtester or pam_samewise.so missing" true
        ok "# SKIP pamtester or pam_samewise.so missing" true
    fi
    out=$(machine getent passwd)
    ok "getent passwd (enumeration, paged search) lists the directory users" grep -q '^dan:x:5002:' <<< "$out"
    unlike "$out" '^evil:' "  never a uid-0 entry from the directory"
    is "$(printf '%s\n' "$out" | grep -c '^bulk[0-9]*:')" 25 "  all 25 bulk users: three pages of 10 (RFC 2696 paging)"
    is "$(machine getent passwd evil)" "" "getent passwd evil (uidNumber 0): nothing"
    is "$(machine getent passwd sneaky)$(machine getent passwd shadow)" "" \
        "getent passwd: nothing for uids below ldap.min-id or inside lsass.id-range"
    is "$(machine getent passwd mallory)" "mallory:x:5004:5100:Mallory:/home/mallory:/usr/sbin/nologin" \
        "a gecos with a newline is refused (cn instead): no forged passwd line"
else
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do ok "# SKIP getent needs root, unshare and the NSS module" true; done
fi

# ---- the directory goes away ------------------------------------------------
slapd_stop
out=$(appliance_smbclient "$APPLIANCE_SHARE" -c 'ls')
unlike "$out" "NT_STATUS_" "slapd stopped: alice (local) still logs on" || diag "$out"
start=$(date +%s%3N)
out=$(smb_as carol eng 'ls')
elapsed=$(( $(date +%s%3N) - start ))
like "$out" "NT_STATUS_NO_LOGON_SERVERS" "  carol's logon fails with NT_STATUS_NO_LOGON_SERVERS" || diag "$out"
ok "  within the timeout (3 s; took ${elapsed} ms)" test "$elapsed" -lt 8000
if [ -n "$have_nss" ]; then
    sleep 1.2 # past ldap.cache-ttl: the cached entry is stale, the directory away
    is "$(machine getent passwd carol | cut -d: -f3)" 5001 "  getent passwd carol still resolves (cached)"
else
    ok "# SKIP getent needs root, unshare and the NSS module" true
fi
out=$(lw log 2>/dev/null | grep -i carol | tail -3)
like "$out" "NO_LOGON_SERVERS|logon" "  the audit log records carol's failed logon" || diag "$out"

slapd_start || { echo "Bail out! slapd did not restart"; exit 1; }
back=
for i in $(seq 1 40); do
    out=$(smb_as carol eng 'ls')
    if printf '%s' "$out" | grep -q carol.txt; then back=1; break; fi
    sleep 0.25
done
ok "slapd back: carol logs on again (the provider reconnected)" test -n "$back" || diag "$out"
if [ -n "$have_nss" ]; then
    sleep 1.1 # past ldap.cache-ttl: the enumeration searches again
    out=$(machine getent passwd)
    ok "  and getent passwd lists the directory's users again" grep -q '^dan:x:5002:' <<< "$out" || diag "$out"
else
    ok "# SKIP getent needs root, unshare and the NSS module" true
fi

# Failover: a dead server first in ldap.uri, the live one second.
DEAD_PORT=$(tap_free_port)
lw provider set ldap uri "ldap://127.0.0.1:$DEAD_PORT/,$LDAP_URI"
sleep 2.2 # past the back-off of a refused connection, if any
out=$(smb_as carol eng 'ls')
like "$out" "carol.txt" "ldap.uri lists a dead server first: carol logs on through the second" || diag "$out"

# A server that accepts connections and never answers: the logon gives up
# within ldap.timeout (3 s) instead of hanging.
SILENT_PORT=$(tap_free_port)
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
conns = []
end = time.time() + 60
while time.time() < end:
    s.settimeout(1)
    try: conns.append(s.accept()[0])
    except socket.timeout: pass
' "$SILENT_PORT" &
SILENT_PID=$!
tap_at_exit "kill $SILENT_PID"
sleep 0.3
lw provider set ldap uri "ldap://127.0.0.1:$SILENT_PORT/"
start=$(date +%s%3N)
out=$(smb_as carol eng 'ls')
elapsed=$(( $(date +%s%3N) - start ))
like "$out" "NT_STATUS_NO_LOGON_SERVERS" "a directory that never answers: NT_STATUS_NO_LOGON_SERVERS" || diag "$out"
ok "  after about ldap.timeout (3 s; took ${elapsed} ms)" test "$elapsed" -ge 2500 -a "$elapsed" -lt 9000
kill "$SILENT_PID" 2>/dev/null

done_testing
