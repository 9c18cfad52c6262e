#!/bin/sh
# The manual matches the program: every command and every option lwadmin's
# help names is in docs/lwadmin.8; the page renders without warnings; and no
# document or script puts a password on lwadmin's command line.
. "$SW_SRC/t/tap/tap.sh"

need_program groff groff-base
man="$SW_SRC/docs/lwadmin.8"
ok "docs/lwadmin.8 exists" [ -f "$man" ]
warnings=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$man" 2>&1)
is "$warnings" "" "the man page renders without groff warnings"
# The page with roff escapes removed, so "\-\-grant" reads "--grant".
plain=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man")

commands=$("$LWADMIN" help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ]; _tap_record $? "lwadmin help lists commands"
for c in $commands; do
    [ "$c" = help ] && continue
    printf '%s' "$plain" | grep -qE "lwadmin $c|^\.SS \"[^\"]*\b$c\b"
    _tap_record $? "the man page documents '$c'"
    subs=$("$LWADMIN" "$c" --help | sed -n "s/^  lwadmin $c \([a-z-]*\).*/\1/p")
    for s in "" $subs; do
        # shellcheck disable=SC2086
        options=$("$LWADMIN" $c $s --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
        for o in $options; do
            case "$o" in --db|--json|--help) continue ;; esac
            printf '%s' "$plain" | grep -qF -- "$o"
            _tap_record $? "the man page mentions '$c${s:+ $s} $o'"
        done
    done
done

# A password option on lwadmin's command line (anything but --password-stdin and
# the --password-*expires flags) must appear nowhere.
for f in "$SW_SRC/docs/lwadmin.8" "$SW_SRC/docs/lwadmin.md" "$SW_SRC/README.md" \
         "$SW_SRC/tools/run-demo.sh" "$SW_SRC/docs/provisioning.md"; do
    [ -f "$f" ] || continue
    bad=$(sed -e 's/\\-/-/g' "$f" | grep -nE -- 'lwadmin.*(--password([= ]|$)|--passwd|[[:space:]]-p[[:space:]])' |
          grep -vE -- '--password-(stdin|never-expires|expires)' || true)
    is "$bad" "" "no password on lwadmin's command line in $(basename "$f")"
done
