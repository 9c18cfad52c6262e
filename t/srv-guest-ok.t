#!/bin/bash
# Guest access only on shares that opt in: with srv.guest on, smbclient as a
# null session (-N) and as an unknown user (mapped to Guest) reaches the
# share made with --guest-ok (within its permissions: Everyone read, so no
# upload) and is refused with NT_STATUS_ACCESS_DENIED on a share without it,
# although its default permissions grant Everyone read; IPC$ stays reachable
# anonymously; alice still reaches both; `share set --no-guest-ok` closes the
# share to the next guest connect; lwadmin shows and exports the flag.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
mkdir -p "$T/pub" "$T/priv" && chmod 0777 "$T/pub" "$T/priv"
echo "public words" > "$T/pub/hello.txt"
echo "private words" > "$T/priv/secret.txt"
chmod 0666 "$T/pub/hello.txt" "$T/priv/secret.txt"
"$LWADMIN" share add pub "$T/pub" --guest-ok >/dev/null || { echo "Bail out! share add pub"; exit 1; }
"$LWADMIN" share add priv "$T/priv" >/dev/null || { echo "Bail out! share add priv"; exit 1; }
"$LWADMIN" config set srv.guest on >/dev/null
appliance_require

# ---- the flag in lwadmin ----
is "$("$LWADMIN" --json share show pub | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["guest_ok"])')" \
    True "share show --json: pub has guest_ok true"
is "$("$LWADMIN" --json share show priv | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["guest_ok"])')" \
    False "  priv has guest_ok false"
like "$("$LWADMIN" share show pub)" "Guest access: +yes" "share show: Guest access yes"
like "$("$LWADMIN" share list)" "^pub .*guest-ok" "share list flags it"
export_out=$("$LWADMIN" export)
like "$export_out" "guest_ok: true" "export writes guest_ok: true"

# YAML provisioning sets it too.
printf 'shares:\n  - name: yamlpub\n    path: %s\n    guest_ok: true\n' "$T/pub" > "$T/guest.yaml"
"$LWADMIN" apply -f "$T/guest.yaml" >/dev/null 2>&1
is "$("$LWADMIN" --json share show yamlpub | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["guest_ok"])')" \
    True "apply: a share with guest_ok: true has the flag"

# A null session (-N) and an unknown user (Guest, srv.guest on).
null_client() { # SHARE COMMAND
    timeout 60 smbclient -s "$APPLIANCE_CONF" -N -p "$APPLIANCE_PORT" "//127.0.0.1/$1" \
        -c "$2" 2>&1
}
guest_client() { # SHARE COMMAND
    timeout 60 smbclient -s "$APPLIANCE_CONF" -U 'nosuchuser%whatever' -p "$APPLIANCE_PORT" \
        "//127.0.0.1/$1" -c "$2" 2>&1
}

out=$(null_client pub 'get hello.txt -')
like "$out" "public words" "null session: reads a file on the opted-in share"
out=$(guest_client pub 'get hello.txt -')
like "$out" "public words" "guest: reads a file on the opted-in share"
out=$(guest_client yamlpub 'get hello.txt -')
like "$out" "public words" "guest: reads through the share provisioned with guest_ok"
echo upload > "$T/upload.txt"
out=$(guest_client pub "put $T/upload.txt upload.txt")
like "$out" "NT_STATUS_ACCESS_DENIED" "guest: no upload (Everyone read is the ceiling)"
ok "  nothing was written" [ ! -e "$T/pub/upload.txt" ]

out=$(null_client priv 'get secret.txt -')
like "$out" "NT_STATUS_ACCESS_DENIED" "null session: refused on a share without guest_ok"
unlike "$out" "private words" "  and reads nothing"
out=$(guest_client priv 'ls')
like "$out" "NT_STATUS_ACCESS_DENIED" "guest: refused on a share without guest_ok"
out=$(guest_client test 'ls')
like "$out" "NT_STATUS_ACCESS_DENIED" "guest: refused on alice's share too"

out=$(null_client 'IPC$' 'exit')
unlike "$out" "NT_STATUS_" "null session: IPC\$ is still reachable"

out=$(appliance_smbclient priv -c 'get secret.txt -' 2>&1)
like "$out" "private words" "alice reaches the share without guest_ok"

"$LWADMIN" share set pub --no-guest-ok >/dev/null
out=$(guest_client pub 'ls')
like "$out" "NT_STATUS_ACCESS_DENIED" "share set --no-guest-ok: the next guest connect is refused"
like "$("$LWADMIN" share show pub)" "Guest access: +no" "  share show says no"
done_testing
