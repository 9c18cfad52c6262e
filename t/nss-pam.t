#!/bin/bash
# The machine knows the SAM's users (docs/nss-pam.md): libnss_samewise.so.2
# and pam_samewise.so against a running appliance, driven by the real
# clients: getent, id, ls -l, and pamtester; and the whole chain for a
# user made over samr (rpcclient, impacket): smbclient, getent, ls -l, pamtester.
#
# The machine's own configuration is never touched: every client runs in a
# private mount namespace (unshare -m) where a test nsswitch.conf and a test
# /etc/pam.d are bind-mounted over the real ones, glibc finds the module
# through LD_LIBRARY_PATH, and the module finds this instance through a
# test nss.conf ($SAMEWISE_NSS_CONF). Needs root (mount namespaces).
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root: private mount namespaces (unshare -m)"
need_program pamtester pamtester
need_program unshare util-linux
need_program setpriv util-linux
need_program rpcclient samba-common-bin
need_python_module impacket python3-impacket
NSS_LIB=$SW_BUILD/nss/libnss_samewise.so.2
PAM_LIB=$SW_BUILD/pam/pam_samewise.so
[ -f "$NSS_LIB" ] && [ -f "$PAM_LIB" ] || { echo "Bail out! $NSS_LIB or $PAM_LIB not built"; exit 1; }

appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
# nobody must reach the public socket (the lookups of unprivileged processes).
chmod 0711 "$T"
pw() { echo "Sw-$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')-$1"; }
DAVE_PW=$(pw 1Dd); ERIN_PW=$(pw 2Ee); FRANK_PW=$(pw 3Ff); GINA_PW=$(pw 4Gg)
for u in dave erin frank gina; do
    var=$(echo "$u" | tr a-z A-Z)_PW
    printf '%s\n' "${!var}" | "$LWADMIN" user add "$u" --password-stdin --full-name "User ${u^}" >/dev/null ||
        { echo "Bail out! user add $u failed"; exit 1; }
done
"$LWADMIN" share set "$APPLIANCE_SHARE" --grant frank:full >/dev/null 2>&1 ||
    { echo "Bail out! share set failed"; exit 1; }
"$LWADMIN" group add Sales >/dev/null && "$LWADMIN" group add-member Sales dave >/dev/null ||
    { echo "Bail out! group Sales failed"; exit 1; }
# Enough members that a group entry outgrows glibc's first buffer (1 KiB):
# the module must answer ERANGE and glibc ask again with a bigger one; and
# enough users that enumeration takes more than one page (256 entries).
"$LWADMIN" group add Crowd >/dev/null || { echo "Bail out! group Crowd failed"; exit 1; }
{
    echo "users:"
    for i in $(seq 1 300); do echo "  - name: member-$i"; done
    echo "groups:"
    echo "  - name: Crowd"
    echo "    members:"
    for i in $(seq 1 150); do echo "      - member-$i"; done
} > "$T/crowd.yaml"
"$LWADMIN" apply -f "$T/crowd.yaml" > "$T/apply.out" 2>&1 || { cat "$T/apply.out" >&2; echo "Bail out! apply failed"; exit 1; }
appliance_require

printf 'db %s\n' "$SAMEWISE_DB" > "$T/nss.conf"
printf 'passwd: files samewise\ngroup: files samewise\nshadow: files\nhosts: files\n' > "$T/nsswitch.conf"
mkdir -p "$T/pam.d"
for stack in auth account password session; do
    printf '%-9s required %s db=%s\n' "$stack" "$PAM_LIB" "$SAMEWISE_DB"
done > "$T/pam.d/samewise-test"
chmod -R go+rX "$T/pam.d" "$T/nss.conf" "$T/nsswitch.conf"

# The machine's view, in a private mount namespace; at most 20 s a command.
machine() {
    SAMEWISE_NSS_CONF=$T/nss.conf LD_LIBRARY_PATH=$SW_BUILD/nss timeout 20 unshare -m sh -c '
        mount --bind "$1" /etc/nsswitch.conf && mount --bind "$2" /etc/pam.d || exit 99
        shift 2
        exec "$@"' sh "$T/nsswitch.conf" "$T/pam.d" "$@"
}
# The same as the unprivileged user nobody.
as_nobody() {
    machine setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
ms_now() { date +%s%3N; }

# ---- NSS --------------------------------------------------------------------
line=$(machine getent passwd dave)
like "$line" '^dave:x:[0-9]+:[0-9]+:User Dave:' "getent passwd dave" || diag "$line"
DAVE_UID=$(echo "$line" | cut -d: -f3)
DAVE_GID=$(echo "$line" | cut -d: -f4)
ok "  dave's uid comes from lsass.id-range (1000000-1999999)" \
    test "${DAVE_UID:-0}" -ge 1000000 -a "${DAVE_UID:-0}" -le 1999999
is "$(machine getent passwd "$DAVE_UID" | cut -d: -f1)" dave "getent passwd $DAVE_UID names dave"
is "$(machine getent passwd DAVE | cut -d: -f1)" dave "  names are case-insensitive, the answer is the SAM's spelling"
line=$(machine getent group Sales)
like "$line" "^Sales:x:[0-9]+:dave\$" "getent group Sales lists dave" || diag "$line"
SALES_GID=$(echo "$line" | cut -d: -f3)
is "$(machine getent group "$SALES_GID" | cut -d: -f1)" Sales "getent group $SALES_GID names Sales"
line=$(machine getent group "$DAVE_GID")
like "$line" '^None:' "  dave's primary group is None" || diag "$line"
out=$(machine getent group)
ok "getent group (enumeration) lists Sales" grep -qx "Sales:x:$SALES_GID:dave" <<< "$out"
ok "  and the Builtin aliases" grep -q "^Administrators:x:" <<< "$out"
like "$(echo "$out" | head -1)" '^root:x:0:' "  after the files entries"
crowd=$(machine getent group Crowd)
is "$(echo "$crowd" | cut -d: -f4 | tr , '\n' | grep -c '^member-')" 150 \
    "getent group Crowd: all 150 members (an entry bigger than glibc's first buffer: ERANGE, then again)"
is "$(echo "$out" | grep '^Crowd:' | cut -d: -f4 | tr , '\n' | grep -c '^member-')" 150 \
    "  the same through enumeration (the entry is returned again after ERANGE)"
out=$(machine getent passwd)
is "$(echo "$out" | grep -c '^member-')" 300 "getent passwd (enumeration) lists 300 users: more than one page"
is "$(echo "$out" | grep -c '^dave:')" 1 "  dave exactly once"
like "$(echo "$out" | head -1)" '^root:' "  files first" || diag "$(echo "$out" | head -3)"
out=$(machine id dave)
like "$out" "^uid=$DAVE_UID\\(dave\\) gid=$DAVE_GID\\(None\\) groups=.*$SALES_GID\\(Sales\\)" \
    "id dave: uid, primary group and Sales (initgroups)" || diag "$out"
touch "$T/owned"
chown "$DAVE_UID:$SALES_GID" "$T/owned"
out=$(machine ls -l "$T/owned")
like "$out" ' dave Sales ' "ls -l shows the owner and group of a file by their SAM names" || diag "$out"
touch "$T/owned2"
machine chown dave:Sales "$T/owned2"
is "$(stat -c %u:%g "$T/owned2")" "$DAVE_UID:$SALES_GID" "chown dave:Sales takes the SAM names"
out=$(machine getent initgroups dave)
like "$out" "^dave +.*$SALES_GID" "getent initgroups dave lists Sales" || diag "$out"
out=$(as_nobody getent passwd dave)
is "$(echo "$out" | cut -d: -f3)" "$DAVE_UID" "an unprivileged process (nobody) looks up dave too" || diag "$out"
out=$(as_nobody id dave)
like "$out" "$SALES_GID\\(Sales\\)" "  and his groups" || diag "$out"
# Many lookups of one user at once: more than lsassd's 8 public connections
# per uid, so some are refused at first and try again.
par=$(as_nobody sh -c 'for i in $(seq 1 60); do (getent passwd dave >/dev/null || echo miss) & done; wait')
is "$(echo "$par" | grep -c miss)" 0 "60 lookups at once by one unprivileged user all answer"
machine getent passwd no-such-user >/dev/null
is "$?" 2 "an unknown name: getent answers not found (2)"
machine getent passwd 1999998 >/dev/null
is "$?" 2 "an unknown uid: not found"
"$LWADMIN" user set dave --full-name "David D" >/dev/null
like "$(machine getent passwd dave)" ':David D:' "a change shows in a new process at once (the cache is per process)"

# ---- the sockets ----------------------------------------------------------------
PUB_SOCK=${SAMEWISE_DB%.db}.pub/lsassd.sock
RUN_SOCK=${SAMEWISE_DB%.db}.run/lsassd.sock
is "$(stat -c %a "${SAMEWISE_DB%.db}.pub")" 755 "the public directory is 0755"
is "$(stat -c %a "$PUB_SOCK")" 666 "  its socket 0666"
is "$(stat -c %a "${SAMEWISE_DB%.db}.run")" 700 "the run directory stays 0700"
cat > "$T/sock.py" <<'PY'
import os, socket, struct, sys, time
path, what = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
def ask(s, opcode, body=b""):
    s.sendall(struct.pack("<III", 8 + len(body), opcode, 7) + body)
    hdr = b""
    while len(hdr) < 16:
        c = s.recv(16 - len(hdr))
        if not c: return None
        hdr += c
    n, op, rid, status = struct.unpack("<IIII", hdr)
    rest = b""
    while len(rest) < n - 12:
        c = s.recv(n - 12 - len(rest))
        if not c: return None
        rest += c
    return status
def string(t): b = t.encode(); return struct.pack("<I", len(b)) + b
def conn():
    s = socket.socket(socket.AF_UNIX); s.settimeout(15); s.connect(path); return s
if what == "pam-on-public":
    st = ask(conn(), 12, string("dave") + string("x") + string("t") + string(""))
    print("%08x" % st)
elif what == "lookup":
    print("%08x" % ask(conn(), 5, string("dave")))
elif what == "many":
    # Connections one uid keeps open: the ones beyond the limit are closed.
    held, alive = [], 0
    for i in range(20):
        s = conn(); held.append(s)
    time.sleep(0.5)
    for s in held:
        try:
            alive += ask(s, 1) is not None
        except OSError:
            pass
    print(alive)
elif what == "oversize":
    s = conn()
    s.sendall(struct.pack("<III", 64 * 1024, 5, 7))
    try:
        print("closed" if s.recv(16) == b"" else "answered")
    except OSError:
        print("closed")
elif what == "flood":
    # 1200 lookups back to back on one connection.
    s = conn(); t0 = time.time(); answered = 0
    for i in range(1200):
        answered += ask(s, 5, string("dave")) == 0
    print("%d %.1f" % (answered, time.time() - t0))
elif what == "idle":
    s = conn(); t0 = time.time()
    try:
        r = s.recv(16)
    except OSError:
        r = b""
    print("closed after %d s" % round(time.time() - t0) if r == b"" else "answered")
PY
is "$(/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" pam-on-public)" c0000022 \
    "the public socket refuses PAM requests, even root's (STATUS_ACCESS_DENIED)"
is "$(/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" lookup nobody)" 00000000 "  and answers nobody's lookups"
is "$(/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" many nobody)" 8 \
    "one uid holds at most 8 connections to the public socket"
is "$(/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" oversize nobody)" closed \
    "  a request longer than 4 KiB closes the connection"
/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" flood nobody > "$T/flood.out" &
FLOOD=$!
tap_at_exit "kill $FLOOD"
sleep 0.5
t0=$(ms_now)
machine getent passwd dave >/dev/null
took=$(( $(ms_now) - t0 ))
ok "while nobody floods the public socket, root's lookups answer at once ($took ms)" test "$took" -lt 1000
i=0
while [ $i -lt 200 ] && kill -0 "$FLOOD" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
read -r answered secs < "$T/flood.out"
is "$answered" 1200 "  the flood's 1200 lookups are all answered"
# 400 a second: the third 400 cannot start before a whole second has passed
# after the first window (which may have begun before the flood).
ok "  but at most 400 a second (took $secs s)" awk -v s="$secs" 'BEGIN { exit !(s >= 1.0) }'
is "$(/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" idle nobody)" "closed after 10 s" \
    "  an idle connection is closed after 10 s"
is "$(/usr/bin/python3 "$T/sock.py" "$PUB_SOCK" lookup nobody)" 00000000 "  and lookups go on"

# ---- PAM -----------------------------------------------------------------------
pam() { # pam USER OPERATION [INPUT]: pamtester's output (stdout and stderr)
    printf '%b' "${3:-}" | machine pamtester -v samewise-test "$1" "$2" 2>&1
}
out=$(pam dave authenticate "$DAVE_PW\n")
like "$out" 'successfully authenticated' "pamtester: dave authenticates with his SAM password" || diag "$out"
out=$(pam dave acct_mgmt)
like "$out" 'account management done' "  acct_mgmt: dave's account is fine" || diag "$out"
out=$(pam dave authenticate "wrong-password\n")
like "$out" 'Authentication failure' "a wrong password: PAM_AUTH_ERR" || diag "$out"
out=$(pam no-such-user authenticate "x\n")
like "$out" 'User not known' "an unknown user: PAM_USER_UNKNOWN" || diag "$out"

"$LWADMIN" user set dave --disable >/dev/null
out=$(pam dave acct_mgmt)
like "$out" 'disabled.*Permission denied|Permission denied' "a disabled account: acct_mgmt PAM_PERM_DENIED" || diag "$out"
like "$out" 'The account is disabled' "  saying why" || diag "$out"
out=$(pam dave authenticate "$DAVE_PW\n")
like "$out" 'Authentication failure' "  and the right password does not log it on" || diag "$out"
"$LWADMIN" user set dave --enable >/dev/null

"$LWADMIN" config set lsass.lockout-threshold 3 >/dev/null
for i in 1 2 3; do pam erin authenticate "bad-$i\n" >/dev/null; done
out=$(pam erin authenticate "$ERIN_PW\n")
like "$out" 'locked out' "three bad passwords lock erin out (lsass.lockout-threshold 3), as over SMB" || diag "$out"
like "$out" 'maximum number of retries' "  authenticate: PAM_MAXTRIES" || diag "$out"
out=$(pam erin acct_mgmt)
like "$out" 'Permission denied' "  acct_mgmt: PAM_PERM_DENIED" || diag "$out"
like "$("$LWADMIN" user show erin)" '[Ll]ocked' "  lwadmin shows the lockout the PAM logons caused"
out=$(appliance_smbclient test -U "erin%$ERIN_PW" -c ls 2>&1)
like "$out" 'NT_STATUS_ACCOUNT_LOCKED_OUT' "  and SMB refuses erin too: one policy" || diag "$out"
"$LWADMIN" user set erin --unlock >/dev/null
"$LWADMIN" config set lsass.lockout-threshold 0 >/dev/null

# frank must change his password at next logon (USER_PASSWORD_EXPIRED, as
# samr sets it; lwadmin has no switch for it yet).
/usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE sam_users SET flags = flags | 131072 WHERE name = ?", ("frank",)); c.commit()' "$SAMEWISE_DB"
out=$(pam frank authenticate "$FRANK_PW\n")
like "$out" 'successfully authenticated' "an expired password: authenticate succeeds (the password is right)" || diag "$out"
out=$(pam frank acct_mgmt)
like "$out" 'Authentication token is no longer valid; new one required|new one required' \
    "  acct_mgmt: PAM_NEW_AUTHTOK_REQD" || diag "$out"
NEW_FRANK=$(pw 5Hh)
out=$(printf '%s\n%s\n%s\n' "$FRANK_PW" "$NEW_FRANK" "$NEW_FRANK" |
      machine pamtester -v samewise-test frank 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' 2>&1)
like "$out" 'authentication token altered successfully' "chauthtok: frank changes his expired password (old, new, new)" ||
    diag "$out"
out=$(pam frank acct_mgmt)
like "$out" 'account management done' "  after which his account is fine" || diag "$out"
out=$(appliance_smbclient test -U "frank%$NEW_FRANK" -c ls 2>&1)
unlike "$out" 'NT_STATUS_' "  and SMB takes the new password: it is the SAM's" || diag "$out"

out=$(printf '%s\n%s\n%s\n' "wrong-old" "$(pw 6Ii)" "$(pw 6Ii)" |
      machine pamtester -v samewise-test gina 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' 2>&1)
like "$out" 'Authentication failure|failure' "chauthtok with a wrong old password fails" || diag "$out"
"$LWADMIN" config set lsass.min-password-length 14 >/dev/null
out=$(printf '%s\n%s\n%s\n' "$GINA_PW" "Sh-1a" "Sh-1a" |
      machine pamtester -v samewise-test gina 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' 2>&1)
like "$out" 'password policy' "a password the policy refuses: the reason is shown" || diag "$out"
unlike "$out" 'altered successfully' "  and nothing changes" || diag "$out"
"$LWADMIN" config unset lsass.min-password-length >/dev/null
RESET_PW=$(pw 7Jj)
out=$(printf '%s\n%s\n' "$RESET_PW" "$RESET_PW" | machine pamtester -v samewise-test gina chauthtok 2>&1)
like "$out" 'altered successfully' "root resets gina's password without the old one (passwd gina)" || diag "$out"
out=$(pam gina authenticate "$RESET_PW\n")
like "$out" 'successfully authenticated' "  the new one works" || diag "$out"
# Her own change is bound by the history as samr's is (root's reset is not).
"$LWADMIN" config set lsass.password-history 5 >/dev/null
out=$(printf '%s\n%s\n%s\n' "$RESET_PW" "$RESET_PW" "$RESET_PW" |
      machine pamtester -v samewise-test gina 'chauthtok(PAM_CHANGE_EXPIRED_AUTHTOK)' 2>&1)
unlike "$out" 'altered successfully' "chauthtok to one of her last passwords is refused (lsass.password-history)" ||
    diag "$out"
like "$out" 'password-history' "  saying why" || diag "$out"
"$LWADMIN" config unset lsass.password-history >/dev/null
like "$("$LWADMIN" log | grep user.passwd | tail -2)" 'pam' "the changes are in the audit log, via pam"

# A password older than lsass.max-password-age: expired the same way.
"$LWADMIN" config set lsass.max-password-age 1 >/dev/null
/usr/bin/python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE sam_users SET password_last_set = password_last_set - 3 * 86400 WHERE name = ?", ("dave",)); c.commit()' "$SAMEWISE_DB"
out=$(pam dave acct_mgmt)
like "$out" 'new one required' "a password older than lsass.max-password-age: PAM_NEW_AUTHTOK_REQD" || diag "$out"
"$LWADMIN" config set lsass.max-password-age 0 >/dev/null
out=$(pam dave acct_mgmt)
like "$out" 'account management done' "  and fine again without the maximum age" || diag "$out"

"$LWADMIN" config set lsass.failed-logon-delay 1500 >/dev/null
t0=$(ms_now)
pam dave authenticate "wrong\n" >/dev/null
took=$(( $(ms_now) - t0 ))
ok "a wrong password waits lsass.failed-logon-delay (1500 ms) as over SMB (took $took ms)" test "$took" -ge 1400
"$LWADMIN" config set lsass.failed-logon-delay 0 >/dev/null

out=$(printf '%s\n' "$DAVE_PW" | machine setpriv --reuid=65534 --regid=65534 --clear-groups \
      pamtester samewise-test dave authenticate 2>&1)
unlike "$out" 'successfully authenticated' "an unprivileged caller cannot use the PAM module to check passwords" || diag "$out"

# ---- A user made over samr is a user of the machine ------------------------------
# The whole chain of issue 14: zoe is made and given a password over samr
# (rpcclient, as gina, an administrator) and enabled over samr (impacket,
# level 16); she logs on with smbclient and writes a file; getent names her,
# ls -l shows her as the file's owner, pamtester authenticates her.
"$LWADMIN" group add-member Administrators gina >/dev/null
appliance_wait_samr || diag "\pipe\samr is not served yet"
ZOE_PW=$(pw 8Zz)
gina_rpc() {
    timeout "$APPLIANCE_CLIENT_TIMEOUT" rpcclient -s "$APPLIANCE_CONF" -U "gina%$RESET_PW" \
        -p "$APPLIANCE_PORT" 127.0.0.1 -c "$1" 2>&1
}
out=$(gina_rpc "createdomuser zoe")
unlike "$out" 'NT_STATUS' "samr: rpcclient createdomuser zoe (gina, an administrator)" || diag "$out"
out=$(gina_rpc "setuserinfo2 zoe 25 $ZOE_PW")
unlike "$out" 'NT_STATUS' "  setuserinfo2 zoe 25: her password" || diag "$out"
out=$(/usr/bin/python3 - "$APPLIANCE_PORT" gina "$RESET_PW" zoe 2>&1 <<'PY'
import signal, sys
from impacket.dcerpc.v5 import samr, transport
signal.alarm(60)
port, admin, password, name = sys.argv[1:5]
t = transport.DCERPCTransportFactory(r'ncacn_np:127.0.0.1[\pipe\samr]')
t.set_dport(int(port))
t.set_credentials(admin, password)
dce = t.get_dce_rpc()
dce.connect()
dce.bind(samr.MSRPC_UUID_SAMR)
server = samr.hSamrConnect(dce)['ServerHandle']
names = [d['Name'] for d in samr.hSamrEnumerateDomainsInSamServer(dce, server)['Buffer']['Buffer']]
sid = samr.hSamrLookupDomainInSamServer(dce, server, [n for n in names if n != 'Builtin'][0])['DomainId']
domain = samr.hSamrOpenDomain(dce, server, domainId=sid)['DomainHandle']
rid = samr.hSamrLookupNamesInDomain(dce, domain, [name])['RelativeIds']['Element'][0]['Data']
user = samr.hSamrOpenUser(dce, domain, userId=rid)['UserHandle']
buf = samr.SAMPR_USER_INFO_BUFFER()
buf['tag'] = samr.USER_INFORMATION_CLASS.UserControlInformation
buf['Control']['UserAccountControl'] = samr.USER_NORMAL_ACCOUNT
samr.hSamrSetInformationUser2(dce, user, buf)
print('enabled')
PY
)
is "$out" enabled "  impacket hSamrSetInformationUser2 level 16: zoe enabled" || diag "$out"
chmod 0777 "$APPLIANCE_SHARE_DIR"
"$LWADMIN" share set "$APPLIANCE_SHARE" --grant zoe:change >/dev/null
echo "zoe's notes" > "$T/zoe.src"
out=$(appliance_smbclient "$APPLIANCE_SHARE" -U "zoe%$ZOE_PW" -c "put $T/zoe.src zoe.txt" 2>&1)
unlike "$out" 'NT_STATUS_' "zoe logs on with smbclient and writes zoe.txt" || diag "$out"
line=$(machine getent passwd zoe)
like "$line" '^zoe:x:[0-9]+:[0-9]+:' "getent passwd zoe" || diag "$line"
ZOE_UID=$(echo "$line" | cut -d: -f3)
is "$(stat -c %u "$APPLIANCE_SHARE_DIR/zoe.txt" 2>&1)" "$ZOE_UID" "  zoe.txt is owned by her uid on disk"
out=$(machine ls -l "$APPLIANCE_SHARE_DIR/zoe.txt")
like "$out" ' zoe None ' "  ls -l shows zoe (and None) as its owner" || diag "$out"
out=$(pam zoe authenticate "$ZOE_PW\n")
like "$out" 'successfully authenticated' "pamtester authenticates zoe with the password samr set" || diag "$out"

# ---- lsassd hung, then down ---------------------------------------------------------
LSASS_PID=$(cat "${SAMEWISE_DB%.db}.run/lsassd.pid")
# What the namespace, getent and a files answer cost by themselves (tens of
# milliseconds; more on a loaded machine or under a sanitizer): the module's
# own wait is what is over that.
t0=$(ms_now)
machine getent passwd root >/dev/null
base=$(( $(ms_now) - t0 ))
kill -STOP "$LSASS_PID"
t0=$(ms_now)
machine getent passwd dave >/dev/null
rc=$?
took=$(( $(ms_now) - t0 ))
kill -CONT "$LSASS_PID"
is "$rc" 2 "lsassd hung (SIGSTOP): getent answers not found"
ok "  within a second ($took ms, of which $base ms are getent's own)" test $((took - base)) -lt 1000
t0=$(ms_now)
machine id dave >/dev/null 2>&1
took=$(( $(ms_now) - t0 ))
ok "lsassd answering again: id dave works (took $took ms)" machine id dave
kill -TERM "$LSASS_PID"
for i in $(seq 1 50); do kill -0 "$LSASS_PID" 2>/dev/null || break; sleep 0.1; done
t0=$(ms_now)
out=$(machine getent passwd dave)
rc=$?
took=$(( $(ms_now) - t0 ))
is "$rc" 2 "lsassd stopped: getent passwd dave answers not found"
ok "  at once ($took ms)" test "$took" -lt 1000
is "$(machine getent passwd root | cut -d: -f1)" root "  and files still answer"
out=$(pam dave authenticate "$DAVE_PW\n")
like "$out" 'Authentication service cannot retrieve authentication info|cannot retrieve' \
    "  pamtester: PAM_AUTHINFO_UNAVAIL" || diag "$out"

done_testing
