#!/bin/bash
# lwio-fuse on a Samewise appliance's share (t/tap/appliance.sh), through a
# second lwiod (the client) with rdr: cat, a 10 MiB cp with checksums, cp -a
# and tar x of a source tree with diff -r, git clone + git fsck, mkdir/mv/rm,
# and fusermount3 -u.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"
. "$SW_SRC/t/rdr-lib.sh"
need_program fusermount3 fuse3
need_program sha256sum coreutils
need_program git git
[ -c /dev/fuse ] || tap_missing "no /dev/fuse on this machine"
[ -x "$BIN/lwio-fuse" ] || { _tap_record 1 "lwio-fuse is built"; exit 1; }
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
appliance_require
plan 11

chmod 0777 "$APPLIANCE_SHARE_DIR"
printf 'hello from samewise\n' > "$APPLIANCE_SHARE_DIR/hello.txt"
head -c 10485760 /dev/urandom > "$T/big.bin"
want=$(sha256sum < "$T/big.bin")
rdr_creds "$T/rdr-creds" "*" nobody unused
rdr_lwiod "$T/rdr-creds"
(umask 077; printf 'alice %s\n' "$APPLIANCE_PASSWORD" > "$T/alice.cred")

M=$T/mnt
mkdir -p "$M"
"$BIN/lwio-fuse" -f -o "db=$RDR_DB" -o "credentials=$T/alice.cred" \
    "//127.0.0.1:$APPLIANCE_PORT/$APPLIANCE_SHARE" "$M" 2>"$T/fuse.log" &
fuse_pid=$!
tap_at_exit "fusermount3 -u $M; kill $fuse_pid"
i=0
while [ $i -lt 100 ] && ! grep -q " $M fuse" /proc/mounts; do sleep 0.1; i=$((i + 1)); done

is "$(timeout 30 cat "$M/hello.txt")" "hello from samewise" "cat through the mount"
timeout 60 cp "$T/big.bin" "$M/big.bin"
is "$(sha256sum < "$APPLIANCE_SHARE_DIR/big.bin")" "$want" "cp of 10 MiB lands intact on the appliance"
is "$(timeout 60 sha256sum < "$M/big.bin")" "$want" "and reads back the same"
mkdir -p "$T/tree"
cp -a "$SW_SRC/drivers/rdr" "$T/tree/rdr"
ok "cp -a of a source tree" timeout 60 cp -a "$T/tree/rdr" "$M/copy"
ok "diff -r: it matches" diff -r "$T/tree/rdr" "$M/copy"
tar cf "$T/tree.tar" -C "$T/tree" rdr
mkdir "$M/untar"
ok "tar x onto the mount" timeout 60 tar xf "$T/tree.tar" -C "$M/untar"
git init -q "$T/repo" && cp -r "$T/tree/rdr" "$T/repo/" && git -C "$T/repo" add -A &&
    git -C "$T/repo" -c user.email=t@example.invalid -c user.name=t commit -qm tree
ok "git clone onto the mount" timeout 60 git clone -q "$T/repo" "$M/clone"
ok "git fsck of the clone" timeout 60 git -C "$M/clone" fsck --no-progress
ok "mkdir, mv, rm, rmdir" sh -c "mkdir '$M/d' && echo x > '$M/d/a' && mv '$M/d/a' '$M/d/b' &&
    test -f '$APPLIANCE_SHARE_DIR/d/b' && rm '$M/d/b' && rmdir '$M/d' && test ! -e '$APPLIANCE_SHARE_DIR/d'"
fusermount3 -u "$M"
i=0
while kill -0 "$fuse_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
nok "fusermount3 -u unmounts" grep -q " $M fuse" /proc/mounts
nok "and lwio-fuse exits" sh -c "kill -0 $fuse_pid 2>/dev/null"
