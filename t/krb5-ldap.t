#!/bin/bash
# Directory users logging on with Kerberos: a scratch MIT KDC (t/tap/kdc.sh)
# and a scratch slapd (t/tap/slapd.sh) side by side, lsass.providers =
# local,ldap, the appliance's keytab for cifs/$SRV imported with lwadmin
# kerberos import. frank is a posixAccount without sambaNTPassword (Kerberos
# only) and has a principal: kinit and smbclient --use-kerberos=required
# read and write a share his LDAP group is granted, and what he writes
# belongs on disk to his uidNumber and gidNumber. gina, a directory user with
# a principal outside that group, is refused on it; NTLM for frank is
# refused (no NT hash) with a log line that says Kerberos only; a principal
# nobody knows is refused. alice is both a SAM user and a directory user: her
# principal of the machine's realm is the SAM user (local comes first).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/tap/kdc.sh"
. "$SW_SRC/t/tap/slapd.sh"
need_program smbclient smbclient
kdc_need
slapd_need
need_program ldapmodify ldap-utils
# smbclient refuses Kerberos to "localhost": it names the server $SRV and
# reaches it with -I 127.0.0.1; the ticket is for cifs/$SRV (t/tap/kdc.sh).
SRV=swkrbldap
KDC_HOSTS=$SRV

kdc_start || { cat "$KDC_DIR"/*.log "$KDC_DIR/krb5kdc.out" >&2; echo "Bail out! the KDC did not start"; exit 1; }
slapd_init && slapd_start || { cat "$SLAPD_DIR/slapd.err" >&2; echo "Bail out! slapd did not start"; exit 1; }
ok "krb5kdc ($KDC_REALM) and slapd ($LDAP_URI) on loopback" true

# ---- the directory: users without NT hashes, two groups ---------------------
user_ldif() { # name uidNumber gidNumber
    printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n' "$1" "$LDAP_SUFFIX"
    printf 'uid: %s\ncn: %s Directory\nsn: Directory\nuidNumber: %s\ngidNumber: %s\n' "$1" "${1^}" "$2" "$3"
    printf 'homeDirectory: /home/%s\nloginShell: /bin/bash\n\n' "$1"
}
{
    printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n' "$LDAP_SUFFIX"
    printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$LDAP_SUFFIX"
    printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$LDAP_SUFFIX"
    user_ldif frank 5101 5100
    user_ldif gina 5102 5100
    # The SAM has an alice too (appliance_init): the same name in both.
    user_ldif alice 5110 5100
    # hank: Samba's account class (a SID, flags) without an NT hash.
    user_ldif hank 5103 5100 | sed '/^$/d'
    printf 'objectClass: sambaSamAccount\nsambaSID: S-1-5-21-1111-2222-3333-11206\nsambaAcctFlags: [U          ]\n\n'
    printf 'dn: cn=engineers,ou=groups,%s\nobjectClass: posixGroup\ncn: engineers\ngidNumber: 5200\nmemberUid: frank\nmemberUid: alice\n\n' \
        "$LDAP_SUFFIX"
    printf 'dn: cn=staff,ou=groups,%s\nobjectClass: posixGroup\ncn: staff\ngidNumber: 5100\nmemberUid: frank\nmemberUid: gina\n\n' \
        "$LDAP_SUFFIX"
} > "$T/directory.ldif"
slapd_load "$T/directory.ldif" || { cat "$SLAPD_DIR/ldapadd.out" >&2; echo "Bail out! ldapadd failed"; exit 1; }

# ---- the KDC: principals and the service keytab -----------------------------
KPASS="Krb-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
for p in frank gina alice ghost hank; do kdc_admin addprinc -pw "$KPASS" "$p" || break; done &&
    kdc_admin addprinc -randkey "cifs/$SRV" &&
    kdc_admin ktadd -k "$KDC_DIR/service.keytab" "cifs/$SRV"
ok "kadmin.local: frank, gina, alice, ghost and the keytab of cifs/$SRV" [ $? -eq 0 ]

# ---- the appliance ----------------------------------------------------------
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
lw() { "$LWADMIN" "$@"; }
lw config set lsass.log-level info > /dev/null
lw provider set ldap uri "$LDAP_URI" &&
    lw provider set ldap user-base "ou=people,$LDAP_SUFFIX" &&
    lw provider set ldap group-base "ou=groups,$LDAP_SUFFIX" &&
    lw provider set ldap bind-dn "$LDAP_ROOT_DN" &&
    lw provider set ldap timeout 3 &&
    printf '%s\n' "$LDAP_ROOT_PW" | lw provider set ldap bind-password - &&
    lw provider set ldap enabled on 2>/dev/null ||
    { echo "Bail out! provider set failed"; exit 1; }
is "$(lw config get lsass.providers 2>/dev/null | tr -s ' \n,' ',' | sed 's/,$//')" "local,ldap" \
    "lsass.providers = local,ldap"
out=$(lw provider test ldap --user frank 2>&1)
like "$out" "found frank \\(uid 5101, gid 5100\\)" "provider test finds frank" || diag "$out"
like "$out" "NT hash: absent .*Kerberos only" "  without an NT hash: Kerberos only" || diag "$out"
lw config set kerberos.principals "cifs/$SRV" > /dev/null 2>&1 &&
    lw kerberos import "$KDC_DIR/service.keytab" > "$T/import.out" 2>&1
ok "lwadmin kerberos import: the keytab of cifs/$SRV" [ $? -eq 0 ] || diag "$(cat "$T/import.out")"

mkdir -p "$T/eng" && chmod 0777 "$T/eng"
out=$(lw share add eng "$T/eng" --grant 'engineers:change' 2>&1)
ok "share eng granted to the LDAP group engineers (frank and alice are members)" [ $? -eq 0 ] || diag "$out"
chmod 0777 "$APPLIANCE_SHARE_DIR"

appliance_require
LOG=$APPLIANCE_RUN_DIR/lsassd.log

# smbclient with the ticket only, no password anywhere.
ksmb() { # share, then smbclient's arguments
    local share=$1
    shift
    timeout 60 smbclient -s "$APPLIANCE_CONF" -p "$APPLIANCE_PORT" -I 127.0.0.1 --use-kerberos=required \
        --use-krb5-ccache="${KRB5CCNAME#FILE:}" -m SMB3_11 "//$SRV/$share" "$@" 2>&1
}

# ---- frank: a directory user, Kerberos only ---------------------------------
kdc_kinit frank "$KPASS"
ok "kinit frank@$KDC_REALM" [ $? -eq 0 ]
echo "frank's file $$" > "$T/frank.txt"
out=$(ksmb eng -c "put $T/frank.txt frank.txt; get frank.txt $T/frank-back.txt")
cmp -s "$T/frank.txt" "$T/frank-back.txt"
ok "frank (LDAP, Kerberos) writes to eng and reads it back" [ $? -eq 0 ] || diag "$out"
is "$(stat -c %u:%g "$T/eng/frank.txt" 2>/dev/null)" "5101:5100" \
    "  the file belongs to his directory uidNumber and gidNumber"
grep -q "logon frank@$KDC_REALM (krb5): STATUS_SUCCESS" "$LOG"
ok "  lsassd logged the Kerberos logon of frank@$KDC_REALM" [ $? -eq 0 ] || tail -5 "$LOG" | sed 's/^/# /'
out=$(ksmb eng --client-protection=encrypt -c "get frank.txt $T/frank-enc.txt")
cmp -s "$T/frank.txt" "$T/frank-enc.txt"
ok "  and over an encrypted session" [ $? -eq 0 ] || diag "$out"

# NTLM for frank: the directory has no NT hash to check it against.
out=$(timeout 60 smbclient -s "$APPLIANCE_CONF" -p "$APPLIANCE_PORT" --use-kerberos=disabled \
    -U "frank%$KPASS" -m SMB3 //127.0.0.1/eng -c ls 2>&1)
like "$out" "NT_STATUS_LOGON_FAILURE" "NTLM for frank (no sambaNTPassword): STATUS_LOGON_FAILURE" || diag "$out"
grep -q "ldap: frank has no sambaNTPassword: only a Kerberos logon can work" "$LOG"
ok "  the log says only Kerberos can work for him" [ $? -eq 0 ] || grep frank "$LOG" | tail -3 | sed 's/^/# /'

# ---- gina: a directory user outside engineers -------------------------------
kdc_kinit gina "$KPASS"
echo "gina's file" > "$T/gina.txt"
out=$(ksmb eng -c "put $T/gina.txt gina.txt")
like "$out" "NT_STATUS_ACCESS_DENIED" "gina (LDAP, Kerberos, not in engineers) is refused on eng" || diag "$out"
grep -q "logon gina@$KDC_REALM (krb5): STATUS_SUCCESS" "$LOG"
ok "  though her Kerberos logon itself works" [ $? -eq 0 ] || grep gina "$LOG" | tail -3 | sed 's/^/# /'
[ ! -e "$T/eng/gina.txt" ]
ok "  and nothing of hers is on eng" [ $? -eq 0 ]

# ---- hank: disabled in the directory -----------------------------------------
kdc_kinit hank "$KPASS"
out=$(ksmb "$APPLIANCE_SHARE" -c ls)
unlike "$out" "NT_STATUS_LOGON_FAILURE|NT_STATUS_ACCOUNT_DISABLED" "hank (LDAP, Kerberos) logs on" || diag "$out"
printf 'dn: uid=hank,ou=people,%s\nchangetype: modify\nreplace: sambaAcctFlags\nsambaAcctFlags: [UD         ]\n' \
    "$LDAP_SUFFIX" > "$T/disable.ldif"
ldapmodify -x -H "$LDAP_URI" -D "$LDAP_ROOT_DN" -w "$LDAP_ROOT_PW" -f "$T/disable.ldif" > /dev/null 2>&1
ok "ldapmodify: hank's sambaAcctFlags get a D" [ $? -eq 0 ]
out=$(ksmb "$APPLIANCE_SHARE" -c ls)
like "$out" "NT_STATUS_ACCOUNT_DISABLED" "  his next Kerberos logon: STATUS_ACCOUNT_DISABLED (at once, not after ldap.cache-ttl)" ||
    diag "$out"
grep -q "ldap: hank is disabled (sambaAcctFlags): Kerberos logon refused" "$LOG"
ok "  the log says why" [ $? -eq 0 ] || grep hank "$LOG" | tail -3 | sed 's/^/# /'

# ---- ghost: a principal nobody knows ----------------------------------------
kdc_kinit ghost "$KPASS"
out=$(ksmb eng -c ls)
like "$out" "NT_STATUS_LOGON_FAILURE" "ghost (a principal with no SAM or directory user): STATUS_LOGON_FAILURE" ||
    diag "$out"
grep -q "logon ghost@$KDC_REALM (krb5) refused: no user for this principal" "$LOG"
ok "  the log names the principal and why" [ $? -eq 0 ] || grep ghost "$LOG" | tail -3 | sed 's/^/# /'

# ---- alice: a SAM user and a directory user of the same name -----------------
# Her principal is of the machine's realm: the local provider, first in
# lsass.providers, takes it as the SAM user. The share test is granted to
# the SAM alice only, and what she writes belongs to her SAM uid (in
# lsass.id-range), not to the directory's 5110.
kdc_kinit alice "$KPASS"
echo "alice's file $$" > "$T/alice.txt"
out=$(ksmb "$APPLIANCE_SHARE" -c "put $T/alice.txt alice.txt; get alice.txt $T/alice-back.txt")
cmp -s "$T/alice.txt" "$T/alice-back.txt"
ok "alice@$KDC_REALM writes to $APPLIANCE_SHARE (granted to the SAM alice)" [ $? -eq 0 ] || diag "$out"
owner=$(stat -c %u "$APPLIANCE_SHARE_DIR/alice.txt" 2>/dev/null)
ok "  the file belongs to the SAM alice's uid ($owner, in lsass.id-range), not the directory's 5110" \
    [ "${owner:-0}" -ge 1000000 -a "${owner:-0}" -le 1999999 ]
out=$(ksmb eng -c ls)
like "$out" "NT_STATUS_ACCESS_DENIED" "  she is the SAM alice on eng too: the directory group engineers does not apply" ||
    diag "$out"

# The other order (ldap before local): the directory's alice wins.
lw config set lsass.providers ldap,local > /dev/null 2>&1
lw restart > "$T/restart.out" 2>&1 || appliance_start > /dev/null 2>&1
i=0
while [ $i -lt 100 ] && ! ksmb eng -c ls > /dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
out=$(ksmb eng -c "put $T/alice.txt alice-dir.txt")
is "$(stat -c %u:%g "$T/eng/alice-dir.txt" 2>/dev/null)" "5110:5100" \
    "lsass.providers = ldap,local: alice@$KDC_REALM is the directory's alice (writes eng as 5110)" || diag "$out"

# ---- slapd stopped: a known directory user keeps logging on ----------------
# The cache is lsassd's memory (the restart above emptied it): frank logs
# on once while the directory is there.
kdc_kinit frank "$KPASS"
out=$(ksmb eng -c ls)
like "$out" "frank.txt" "frank logs on again after the restart" || diag "$out"
slapd_stop
out=$(ksmb eng -c "get frank.txt $T/frank-away.txt")
cmp -s "$T/frank.txt" "$T/frank-away.txt"
ok "slapd stopped: frank (cached) still logs on with Kerberos and reads eng" [ $? -eq 0 ] || diag "$out"
kdc_kinit ghost "$KPASS"
out=$(ksmb eng -c ls)
like "$out" "NT_STATUS_NO_LOGON_SERVERS" "  ghost (never seen): STATUS_NO_LOGON_SERVERS, not a guess" || diag "$out"

done_testing
