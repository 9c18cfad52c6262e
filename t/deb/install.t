#!/bin/bash
# make deb-check: the Debian package in a freshly installed Debian 12.
#
# A fresh bookworm root (tools/fresh-root.sh) installs build-deb's
# samewise_*.deb with apt (its dependencies from the mirror), without the
# policy-rc.d that would hide a package starting something by itself. Then it
# is booted with systemd as PID 1 (systemd-nspawn -b, sharing this machine's
# network, so its loopback is ours) and, inside it:
#   - nothing runs and nothing is enabled before the administrator asks;
#   - `lwadmin start` starts samewise.target through systemd (Type=notify:
#     the units are active when it returns) and smbclient, from this machine,
#     reads a file from a share;
#   - `journalctl -u` shows the daemons' lines, with a MESSAGE_ID for each
#     daemon's start;
#   - a killed lwiod is restarted by systemd (Restart=on-failure);
#   - `lwadmin stop` stops them, and the package removes and purges cleanly.
# Where the machine cannot boot a container (systemd-nspawn -b fails), the
# booted checks are skipped with the reason, and the units are checked with
# `systemd-analyze verify` in the root and the daemons started there with
# lwadmin start instead; the test says which it did.
#
# Root only; slow (a few minutes: apt, a boot): not part of make check.
. "$SW_SRC/t/tap/tap.sh"

[ "$(id -u)" -eq 0 ] || tap_missing "make deb-check needs root (debootstrap, systemd-nspawn)"
need_program systemd-nspawn systemd-container
need_program nsenter util-linux
need_program smbclient smbclient
need_program debootstrap debootstrap

deb=${SW_DEB:-$(ls "$SW_SRC"/build-deb/samewise_*.deb 2>/dev/null | head -n 1)}
[ -n "$deb" ] && [ -f "$deb" ] || { _tap_record 1 "a package to test (run make deb first)"; exit 1; }
diag "package: $deb"

root=$(mktemp -d /var/tmp/samewise-deb.XXXXXX)
chroot_mounts=""
nspawn_pid=
init_pid=
# Stops the booted container: SIGTERM asks nspawn for a clean halt (up to 30
# s: early in the boot the container's systemd may not act on it yet), then
# SIGKILL of its init, which ends every process of its pid namespace, and of
# nspawn.
stop_container() {
    [ -n "$nspawn_pid" ] || return 0
    if kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null
        for _ in $(seq 1 60); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
        [ -z "$init_pid" ] || kill -KILL "$init_pid" 2>/dev/null
        kill -KILL "$nspawn_pid" 2>/dev/null
    fi
    wait "$nspawn_pid" 2>/dev/null
    nspawn_pid=
}
# Cleanup: the container, anything left running in the root, by PID, then the
# root itself.
cleanup_root() {
    stop_container
    for link in /proc/[0-9]*/root; do
        pid=${link#/proc/}; pid=${pid%/root}
        [ "$(readlink "$link" 2>/dev/null)" = "$root" ] && kill -KILL "$pid" 2>/dev/null
    done
    for m in $chroot_mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    grep -q " $root/" /proc/self/mounts || rm -rf "$root"
}
tap_at_exit cleanup_root

ok "a fresh Debian 12 root" "$SW_SRC/tools/fresh-root.sh" "$root" 2>"$T/fresh-root.log" ||
    { cat "$T/fresh-root.log"; exit 1; }
# The package's own maintainer scripts decide what starts: no policy-rc.d.
rm -f "$root/usr/sbin/policy-rc.d"
# (Not /tmp: nspawn mounts a fresh tmpfs there.)
cp "$deb" "$root/var/tmp/"
deb_in_root=/var/tmp/$(basename "$deb")

# A command in the root without booting it (nspawn as a better chroot: it
# mounts /proc, /sys and /dev and cleans up after itself).
# Where nspawn cannot run at all (no container support), a chroot with
# /proc, /sys and /dev bind-mounted does instead (unmounted at exit).
chroot_mounts=""
# (SW_DEB_CHECK_NO_NSPAWN=1 takes that way on purpose.)
if [ "${SW_DEB_CHECK_NO_NSPAWN:-}" = 1 ] ||
    ! timeout 120 systemd-nspawn -q -D "$root" --register=no --keep-unit --pipe /bin/true \
        >/dev/null 2>&1; then
    diag "systemd-nspawn cannot run here: the root is entered with chroot"
    for m in proc sys dev; do
        mount --bind "/$m" "$root/$m" && chroot_mounts="$root/$m $chroot_mounts"
    done
fi
in_root() {
    if [ -n "$chroot_mounts" ]; then
        timeout 600 chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
            DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 /bin/sh -c "$1"
    else
        timeout 600 systemd-nspawn -q -D "$root" --register=no --keep-unit --pipe \
            -E DEBIAN_FRONTEND=noninteractive -E LANG=C.UTF-8 /bin/sh -c "$1"
    fi
}

in_root "apt-get update -qq && apt-get install -y -qq --no-install-recommends $deb_in_root" \
    >"$T/apt.log" 2>&1
ok "apt-get installs the package and its dependencies" test $? -eq 0 || tail -n 30 "$T/apt.log"
ok "the package installed lwadmin in /usr/sbin" test -x "$root/usr/sbin/lwadmin"
ok "postinst made the registry with lwadmin init" test -s "$root/var/lib/samewise/registry.db"
is "$(stat -c %a "$root/var/lib/samewise/registry.db")" 600 "the registry is private (0600)"
ok "the units are installed" test -f "$root/lib/systemd/system/samewise.target"
nok "samewise.target is not enabled by the installation" \
    test -e "$root/etc/systemd/system/multi-user.target.wants/samewise.target"
ok "the logrotate configuration is a conffile" \
    grep -qx /etc/logrotate.d/samewise "$root/var/lib/dpkg/info/samewise.conffiles"

# The appliance's configuration, made as an administrator would, before boot.
port=$(tap_free_port)
password="deb-check-$RANDOM-pw"
printf '%s\n' "$password" > "$root/root/password.txt"
in_root "set -e
    lwadmin config set srv.listen 127.0.0.1
    lwadmin config set srv.port $port
    lwadmin user add alice --password-stdin < /root/password.txt
    mkdir -p /srv/data
    echo 'served from the Debian package' > /srv/data/hello.txt
    lwadmin share add data /srv/data --grant alice:read" >"$T/config.log" 2>&1
ok "lwadmin configures the installed registry (port $port, user, share)" test $? -eq 0 ||
    cat "$T/config.log"

# The clients on this machine, through the helpers of every other test.
. "$SW_SRC/t/tap/appliance.sh"
APPLIANCE_PORT=$port
APPLIANCE_PASSWORD=$password
appliance_client_files
read_share() { APPLIANCE_CLIENT_TIMEOUT=60 appliance_smbclient data -m SMB3 -c 'get hello.txt -' 2>&1; }

# Boot it. Its init is nspawn's child whose pid in its own namespace is 1.
: > "$T/boot.log"
if [ -z "$chroot_mounts" ]; then
    systemd-nspawn -q -D "$root" -b -M "samewise-deb-$$" --register=no --keep-unit \
        >"$T/boot.log" 2>&1 </dev/null &
    nspawn_pid=$!
fi
for _ in $(seq 1 100); do
    [ -n "$nspawn_pid" ] || break
    for pid in $(pgrep -P "$nspawn_pid"); do
        if awk '$1 == "NSpid:" && $NF == 1 { found = 1 } END { exit !found }' \
            "/proc/$pid/status" 2>/dev/null; then
            init_pid=$pid
            break 2
        fi
    done
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.2
done
in_machine() {
    timeout 180 nsenter -t "$init_pid" -m -u -i -p -r -w \
        /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 /bin/sh -c "$1"
}
booted=no
if [ -n "$init_pid" ]; then
    # --wait waits for the boot to finish once the container's systemd
    # listens on its bus. At most three minutes.
    state=offline
    deadline=$((SECONDS + 180))
    while [ "$SECONDS" -lt "$deadline" ] && kill -0 "$nspawn_pid" 2>/dev/null; do
        state=$(timeout $((deadline - SECONDS)) nsenter -t "$init_pid" -m -u -i -p -r -w \
            /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin systemctl is-system-running --wait 2>&1)
        # Until its bus is up systemctl says "offline" or cannot connect.
        case "$state" in running|degraded|maintenance|stopping) break ;; *) sleep 0.5 ;; esac
    done
    case "$state" in running|degraded) booted=yes ;; esac
    diag "the container's systemd says: $state"
    [ "$state" = degraded ] && in_machine "systemctl --failed --no-legend" | sed 's/^/#   failed: /'
fi

# SW_DEB_CHECK_NO_BOOT=1 takes the other way, to test it on a machine that
# can boot.
[ "${SW_DEB_CHECK_NO_BOOT:-}" = 1 ] && booted=no
if [ "$booted" = yes ]; then
    diag "booted with systemd as PID 1 (systemd-nspawn -b)"
    _tap_record 0 "the root boots with systemd as PID 1 (systemd-nspawn -b)"
    is "$(in_machine 'systemctl is-active samewise.target samewise-lwiod.service' | tr '\n' ' ')" \
        "inactive inactive " "nothing of Samewise runs after boot: the package started nothing"
    is "$(in_machine 'systemctl is-enabled samewise.target')" disabled \
        "samewise.target is not enabled: the administrator decides"
    nok "lwadmin status says nothing runs (exit 1)" in_machine "lwadmin status >/dev/null"

    out=$(in_machine "lwadmin start" 2>&1)
    ok "lwadmin start succeeds under systemd" test $? -eq 0 || diag "$out"
    like "$out" "lwiod +running, pid [0-9]+" "it prints what runs, as without systemd"
    like "$out" "SMB server accepts connections on 127.0.0.1 port $port" "and where SMB listens"
    is "$(in_machine 'systemctl is-active samewise-lsassd.service samewise-lwiod.service samewise-srvsvcd.service samewise.target' | tr '\n' ' ')" \
        "active active active active " "lwadmin start went through systemd: the units are active"
    # The hardening is in force: lsassd has no capability at all, lwiod
    # only a file server's.
    lsassd_pid=$(in_machine "systemctl show -p MainPID --value samewise-lsassd.service")
    is "$(in_machine "awk '/^CapBnd:/ { print \$2 }' /proc/$lsassd_pid/status")" 0000000000000000 \
        "lsassd runs with an empty capability bounding set"
    lwiod_caps=$(in_machine "systemctl show -p CapabilityBoundingSet --value samewise-lwiod.service")
    unlike "$lwiod_caps" "cap_sys_module|cap_net_admin|cap_setuid|cap_sys_ptrace" \
        "lwiod's capabilities are a file server's only ($lwiod_caps)"
    status=$(in_machine "lwadmin status" 2>&1)
    like "$status" "systemd: +samewise.target active, not started at boot" \
        "lwadmin status says systemd runs them"

    got=$(read_share)
    like "$got" "served from the Debian package" "smbclient reads a file from the share" ||
        diag "$got"

    journal=$(in_machine "journalctl --no-pager -o cat -u samewise-lwiod.service")
    like "$journal" "lwiod 0\\.[0-9.]+ ready on /var/lib/samewise/registry.run/lwiod.sock" \
        "journalctl -u samewise-lwiod shows lwiod's lines"
    started=$(in_machine "journalctl --no-pager -o cat MESSAGE_ID=8b823ae4c3d94d8a82fcd3a70c119cbd")
    for daemon in lsassd lwiod srvsvcd; do
        like "$started" "$daemon" "the journal has $daemon's start under its MESSAGE_ID"
    done
    fields=$(in_machine "journalctl --no-pager -o verbose -u samewise-lwiod.service MESSAGE_ID=8b823ae4c3d94d8a82fcd3a70c119cbd")
    like "$fields" "PRIORITY=6" "with its priority (info)"
    like "$fields" "SYSLOG_IDENTIFIER=lwiod" "and its identifier"
    explained=$(in_machine "journalctl --no-pager -x -u samewise-lwiod.service MESSAGE_ID=8b823ae4c3d94d8a82fcd3a70c119cbd")
    like "$explained" "Samewise daemon started" "the catalog explains it (journalctl -x)"

    old=$(in_machine "systemctl show -p MainPID --value samewise-lwiod.service")
    in_machine "systemctl kill -s KILL samewise-lwiod.service"
    new=$old
    for _ in $(seq 1 75); do
        new=$(in_machine "systemctl show -p MainPID --value samewise-lwiod.service")
        [ "$new" != "$old" ] && [ "$new" != 0 ] &&
            [ "$(in_machine 'systemctl is-active samewise-lwiod.service')" = active ] && break
        sleep 0.2
    done
    ok "a killed lwiod is restarted by systemd (pid $old -> $new)" test "$new" != "$old" -a "$new" != 0
    got=$(for _ in $(seq 1 50); do r=$(read_share); case "$r" in *"served from"*) echo "$r"; break ;; esac; sleep 0.2; done)
    like "$got" "served from the Debian package" "and serves the share again"

    out=$(in_machine "lwadmin stop" 2>&1)
    like "$out" "Stopped srvsvcd \\(pid [0-9]+\\)\\." "lwadmin stop stops them through systemd" ||
        diag "$out"
    is "$(in_machine 'systemctl is-active samewise-lwiod.service')" inactive "lwiod's unit is inactive"
    stopped=$(in_machine "journalctl --no-pager -o cat -u samewise-lwiod.service MESSAGE_ID=851d9a2e14114db08895500995fd158a")
    like "$stopped" "stopped" "the journal has lwiod's clean stop under its MESSAGE_ID"

    # A unit that cannot start: lsassd, with no capability, cannot open a
    # registry whose owner has no access (lwadmin, root with its
    # capabilities, still can).
    in_machine "chmod 000 /var/lib/samewise/registry.db"
    out=$(in_machine "lwadmin start" 2>&1)
    rc=$?
    ok "lwadmin start fails when a unit cannot start" test "$rc" -ne 0
    like "$out" "lsassd could not start: systemd says samewise-lsassd.service is" \
        "it names the unit and its state" || diag "$out"
    like "$out" "lsassd: .*cannot open the registry" "with the end of the unit's journal"
    is "$(in_machine 'systemctl is-active samewise-lwiod.service samewise-srvsvcd.service' | tr '\n' ' ')" \
        "inactive inactive " "and stops the units it started (no restarts behind the admin's back)"
    in_machine "chmod 600 /var/lib/samewise/registry.db"

    out=$(in_machine "systemctl start samewise.target && lwadmin status" 2>&1)
    like "$out" "srvsvcd: +running" "systemctl start samewise.target starts them too (lwadmin status sees them)"
    in_machine "DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq samewise" >"$T/purge.log" 2>&1
    ok "apt-get purge removes the package while it runs" test $? -eq 0 || cat "$T/purge.log"
    is "$(in_machine 'systemctl is-active samewise-lwiod.service')" inactive \
        "the removal stopped the daemons"
    nok "the purge removed the registry" test -e "$root/var/lib/samewise/registry.db"
    ok "and never the share's files" test -f "$root/srv/data/hello.txt"
else
    diag "systemd-nspawn -b could not boot the root here: the units are checked with"
    diag "systemd-analyze verify and the daemons started with lwadmin start instead"
    sed -n '1,20p' "$T/boot.log" | sed 's/^/#   nspawn: /'
    _tap_record 0 "# SKIP booting with systemd-nspawn -b is not possible on this machine"
    stop_container
    # (nspawn's own notes on its standard error are not the verdict.)
    verify=$(in_root "systemd-analyze verify --man=no /lib/systemd/system/samewise.target /lib/systemd/system/samewise-*.service 2>&1" 2>/dev/null)
    is "$verify" "" "systemd-analyze verify finds nothing wrong in the installed units"
    # One nspawn for the whole run: its processes end with it. The host
    # reads the share while it waits for the word to stop.
    in_root "lwadmin start > /root/start.log 2>&1; echo \$? > /root/started
        for i in \$(seq 1 600); do [ -e /root/done ] && break; sleep 0.2; done
        lwadmin stop > /root/stop.log 2>&1" &
    runner=$!
    for _ in $(seq 1 300); do [ -e "$root/root/started" ] && break; sleep 0.2; done
    is "$(cat "$root/root/started" 2>/dev/null)" 0 "lwadmin start runs the daemons directly in the root" ||
        cat "$root/root/start.log" 2>/dev/null | sed 's/^/#   /'
    got=$(read_share)
    like "$got" "served from the Debian package" "smbclient reads a file from the share" ||
        diag "$got"
    touch "$root/root/done"
    wait "$runner"
    like "$(cat "$root/root/stop.log" 2>/dev/null)" "Stopped lwiod" "lwadmin stop stops them"
fi
done_testing
