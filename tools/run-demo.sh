#!/bin/sh
# `make run`: a demo appliance in a scratch registry, from the build tree.
#
# Makes (or refreshes) ${TMPDIR:-/tmp}/samewise-demo/: a registry, a demo share
# on a scratch directory and a demo user with a freshly generated password
# (printed once, here; it never appears on a command line), then shows them.
# The server listens on 127.0.0.1:4445, so no root is needed to run it. Once
# `lwadmin start` exists, the demo also starts the appliance.
#
# Environment: SW_BUILD (the build directory; set by make), TMPDIR.
set -eu

: "${SW_BUILD:?run through 'make run' (SW_BUILD unset)}"
LWADMIN="$SW_BUILD/bin/lwadmin"
DEMO="${TMPDIR:-/tmp}/samewise-demo"
DB="$DEMO/registry.db"
SHARE_DIR="$DEMO/share"
PORT=4445

lw() { "$LWADMIN" --db "$DB" "$@"; }

mkdir -p "$SHARE_DIR"
chmod 0700 "$DEMO"
[ -e "$SHARE_DIR/README.txt" ] ||
    printf 'Hello from the Samewise demo share.\n' >"$SHARE_DIR/README.txt"

echo "== lwadmin --db $DB init"
lw init

# Loopback and an unprivileged port: the demo must not expose anything.
lw config set srv.listen 127.0.0.1
lw config set srv.port "$PORT"

# A new random password on every run: printed below, given to lwadmin on its
# standard input only.
password=$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | dd bs=16 count=1 2>/dev/null)
if lw user show demo >/dev/null 2>&1; then
    printf '%s\n' "$password" | lw user passwd demo --password-stdin
else
    printf '%s\n' "$password" |
        lw user add demo --password-stdin --full-name "Demo User" --description "made by make run"
fi
lw share show demo >/dev/null 2>&1 ||
    lw share add demo "$SHARE_DIR" --comment "Samewise demo share" \
        --grant demo:full --grant Everyone:read

echo
echo "== lwadmin share list"
lw share list
echo
echo "== lwadmin user list"
lw user list
echo
echo "== lwadmin share show demo"
lw share show demo
echo
echo "Demo user: demo   password: $password   (new on every 'make run')"
echo "Registry:  $DB"
echo "Try:       $LWADMIN --db $DB help"
echo

if lw help start >/dev/null 2>&1; then
    echo "== lwadmin start"
    lw start
    echo
    echo "The appliance is listening on 127.0.0.1:$PORT. Connect with:"
    echo "  smbclient //127.0.0.1/demo -p $PORT -U demo"
    echo "Stop it with: $LWADMIN --db $DB stop"
else
    echo "The SMB server is not built yet: 'lwadmin start' will come with it and serve"
    echo "this share on 127.0.0.1:$PORT (then: smbclient //127.0.0.1/demo -p $PORT -U demo)."
fi
