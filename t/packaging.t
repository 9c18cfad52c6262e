#!/bin/bash
# The systemd units and the Debian package, checked without installing them
# (make deb-check installs and boots the package: t/deb/install.t).
#   - systemd-analyze verify finds nothing to say about the units, filled in
#     with this build's programs;
#   - debian/control builds with every library configure probes, and
#     debian/changelog has the version the programs report;
#   - `make deb` builds the package (dpkg-buildpackage; lintian finds no
#     error), with library dependencies from dpkg-shlibdeps, the programs,
#     drivers, units, journal catalog and man pages where Debian expects
#     them, the logrotate file as a conffile, and maintainer scripts that
#     never start or enable anything.
. "$SW_SRC/t/tap/tap.sh"

need_program systemd-analyze systemd
need_program dpkg-buildpackage dpkg-dev
need_program dh debhelper
need_program lintian lintian

# The units as make fills them in, with this build's programs and a scratch
# registry directory, so that verify can check the commands exist.
mkdir -p "$T/units" "$T/var/lib/samewise"
for unit in "$SW_SRC"/systemd/*.in; do
    sed -e "s|@bindir@|$BIN|g" -e "s|@localstatedir@|$T/var|g" "$unit" \
        > "$T/units/$(basename "${unit%.in}")"
done
ok "four units: three services and samewise.target" test "$(ls "$T/units" | wc -l)" -eq 4
verify=$(cd "$T/units" && systemd-analyze verify --man=no ./samewise.target ./samewise-*.service 2>&1)
is "$verify" "" "systemd-analyze verify has nothing to say about the units"
# The check can fail: a unit with an unknown setting is reported.
sed 's/^Type=notify$/Type=notify\nNoSuchSetting=yes/' "$T/units/samewise-lwiod.service" \
    > "$T/units/broken.service"
like "$(cd "$T/units" && systemd-analyze verify --man=no ./broken.service 2>&1)" "NoSuchSetting" \
    "and it does report a broken unit"
rm -f "$T/units/broken.service"
for unit in lsassd lwiod srvsvcd; do
    like "$(grep -E '^(Type|ExecStart|Restart)=' "$T/units/samewise-$unit.service" | tr '\n' ' ')" \
        "Type=notify.*ExecStart=$BIN/$unit --foreground --db $T/var/lib/samewise/registry.db.*Restart=on-failure" \
        "samewise-$unit.service: Type=notify, $unit --foreground on the registry, Restart=on-failure"
done

# debian/control and configure agree.
build_depends=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$SW_SRC/debian/control")
missing=""
for dev in $(sed -n '/^libs="/,/"$/p' "$SW_SRC/configure" | tr -d '"' | cut -d'|' -f2); do
    printf '%s' "$build_depends" | grep -Eq "(^|[ ,])$dev([ ,(]|$)" || missing="$missing $dev"
done
is "$missing" "" "debian/control's Build-Depends has every library package configure probes"
version=$(dpkg-parsechangelog -l "$SW_SRC/debian/changelog" -S Version)
is "$version" "$(sed -n 's/^#define SW_VERSION "\(.*\)"$/\1/p' "$SW_SRC/configure")" \
    "debian/changelog's version is the programs' (configure's SW_VERSION)"

# The package itself, built in a scratch directory (build-deb/ is left alone).
deb=$(SAMEWISE_DEB_DIR=$T/deb "$SW_SRC/tools/make-deb.sh" 2>"$T/make-deb.log" | tail -n 1)
ok "make deb builds the package and lintian finds no error" test -f "$deb" ||
    { tail -n 40 "$T/make-deb.log" | sed 's/^/# /'; exit 1; }
is "$(basename "$deb")" "samewise_${version}_$(dpkg --print-architecture).deb" \
    "it is samewise_VERSION_ARCH.deb"
warnings=$(grep -E '^W: ' "$T/make-deb.log")
[ -z "$warnings" ] || diag "lintian warnings:" "$warnings"

depends=$(dpkg-deb -f "$deb" Depends)
like "$depends" "libc6 \\(>= [0-9.]+\\)" "Depends comes from dpkg-shlibdeps (libc6 with a version)"
for lib in libsqlite3-0 libssl3 libsystemd0 libjansson4 libpam0g libmicrohttpd12; do
    like "$depends" "(^|, )$lib( |,|$)" "Depends has $lib"
done
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for path in ./usr/sbin/lwadmin ./usr/sbin/lwiod ./usr/sbin/lsassd ./usr/sbin/srvsvcd \
    ./usr/lib/samewise/drivers/srv.so ./lib/systemd/system/samewise.target \
    ./lib/systemd/system/samewise-lwiod.service ./usr/lib/systemd/catalog/samewise.catalog \
    ./usr/share/man/man8/lwadmin.8.gz ./usr/share/man/man8/lsassd.8.gz \
    ./usr/share/man/man8/srvsvcd.8.gz ./var/lib/samewise/ ./etc/logrotate.d/samewise \
    ./usr/lib/$MULTIARCH/libnss_samewise.so.2 ./usr/lib/$MULTIARCH/security/pam_samewise.so; do
    like "$contents" "^$(printf '%s' "$path" | sed 's/\./\\./g')$" "the package has $path"
done
is "$(grep -c "ExecStart=/usr/sbin/lwiod --foreground --db /var/lib/samewise/registry.db" \
    <(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/samewise-lwiod.service))" 1 \
    "the packaged lwiod unit runs /usr/sbin/lwiod on /var/lib/samewise/registry.db"

mkdir -p "$T/control"
dpkg-deb -e "$deb" "$T/control"
is "$(cat "$T/control/conffiles")" "/etc/logrotate.d/samewise" "the logrotate file is the conffile"
like "$(cat "$T/control/postinst")" "lwadmin --db /var/lib/samewise/registry.db init" \
    "postinst makes or upgrades the registry with lwadmin init"
starts=$(cat "$T/control/postinst" "$T/control/preinst" 2>/dev/null | grep -v '^[[:space:]]*#' |
    grep -E 'deb-systemd-invoke +(start|restart)|systemctl +(start|restart|enable)|lwadmin .*start')
is "$starts" "" "no maintainer script starts or enables anything"
# dh's snippets re-enable a unit on upgrade only where it was enabled.
enables=$(grep -c 'deb-systemd-helper enable' "$T/control/postinst")
guarded=$(grep -B2 'deb-systemd-helper enable' "$T/control/postinst" | grep -c 'was-enabled')
is "$guarded" "$enables" "postinst enables a unit only where the administrator had enabled it"
like "$(cat "$T/control/prerm")" "lwadmin --db /var/lib/samewise/registry.db stop" \
    "prerm stops the appliance on removal"
like "$(cat "$T/control/postrm")" "rm -f /var/lib/samewise/registry.db" "postrm purges the registry"
done_testing
