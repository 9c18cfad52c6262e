#!/bin/bash
# lwio-fuse: a FUSE mount of an smbd share (bench/smbd.sh on loopback)
# through lwiod's rdr: cat, ls of 1500 entries, a 12 MiB cp in and out with
# checksums, cp -a, tar x and rsync -a of a source tree with diff -r, a git
# clone and git fsck, an fio verify job, mkdir/mv/rm/
# rmdir, truncate, timestamps, statfs, what does not map (chown, symlinks),
# two mounts seeing each other's changes, a dead lwiod giving EIO (never a
# hang), and fusermount3 -u.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/rdr-lib.sh"
. "$SW_SRC/bench/smbd.sh"
need_program smbd samba
need_program fusermount3 fuse3
need_program sha256sum coreutils
need_program git git
need_program rsync rsync
need_program fio fio
[ -c /dev/fuse ] || tap_missing "no /dev/fuse on this machine"
smbd_available || tap_missing "$SMBD_WHY"
[ -x "$BIN/lwio-fuse" ] || { _tap_record 1 "lwio-fuse is built"; exit 1; }
plan 29

chmod 755 "$T"
mkdir -p "$T/share/many"
chmod 777 "$T/share"
printf 'hello through fuse\n' > "$T/share/hello.txt"
for i in $(seq 1 1500); do : > "$T/share/many/entry-$i.dat"; done
head -c 12582912 /dev/urandom > "$T/big.bin"
want=$(sha256sum < "$T/big.bin")

smbd_setup "$T/smbd" "$T/share" alice 'Fuse-Passw0rd' || tap_missing "$SMBD_WHY"
smbd_start || { _tap_record 1 "smbd starts: $SMBD_WHY"; exit 1; }
tap_at_exit smbd_stop
rdr_creds "$T/creds" "*" 'nobody' 'unused'     # the mount brings its own
rdr_lwiod "$T/creds"
(umask 077; printf 'WORKGROUP\\alice Fuse-Passw0rd\n' > "$T/alice.cred")

mount_share() { # MOUNTPOINT: lwio-fuse in the foreground, in the background; sets MOUNT_PID
    mkdir -p "$1"
    "$BIN/lwio-fuse" -f -o "db=$RDR_DB" -o "credentials=$T/alice.cred" \
        "//127.0.0.1:$SMBD_PORT/test" "$1" 2>>"$T/fuse.log" &
    MOUNT_PID=$!
    tap_at_exit "fusermount3 -u $1; kill $MOUNT_PID"
    local i=0
    while [ $i -lt 100 ] && ! grep -q " $1 fuse" /proc/mounts; do sleep 0.1; i=$((i + 1)); done
}
M=$T/mnt
mount_share "$M"
mount_pid=$MOUNT_PID
ok "lwio-fuse mounts the share" grep -q " $M fuse" /proc/mounts

is "$(timeout 30 cat "$M/hello.txt")" "hello through fuse" "cat through the mount"
is "$(timeout 60 ls "$M/many" | wc -l)" 1500 "ls of 1500 entries"
timeout 60 cp "$T/big.bin" "$M/big.bin"
is "$(sha256sum < "$T/share/big.bin")" "$want" "cp of 12 MiB into the mount lands intact"
is "$(timeout 60 sha256sum < "$M/big.bin")" "$want" "and reads back the same"

mkdir -p "$T/tree"
cp -a "$SW_SRC/drivers/rdr" "$T/tree/rdr"
ok "cp -a of a source tree into the mount" timeout 60 cp -a "$T/tree/rdr" "$M/rdr-copy"
ok "diff -r: the copy matches" diff -r "$T/tree/rdr" "$M/rdr-copy"
tar cf "$T/tree.tar" -C "$T/tree" rdr
mkdir "$M/untar"
ok "tar x into the mount" timeout 60 tar xf "$T/tree.tar" -C "$M/untar"
ok "diff -r: the extracted tree matches" diff -r "$T/tree/rdr" "$M/untar/rdr"

ok "rsync -a of the tree into the mount" timeout 60 rsync -a "$T/tree/rdr/" "$M/rsynced/"
ok "diff -r: the rsync copy matches" diff -r "$T/tree/rdr" "$M/rsynced"
git init -q "$T/repo" && cp -r "$T/tree/rdr" "$T/repo/" && git -C "$T/repo" add -A &&
    git -C "$T/repo" -c user.email=t@example.invalid -c user.name=t commit -qm tree
ok "git clone of a local repository onto the mount" timeout 60 git clone -q "$T/repo" "$M/clone"
ok "git fsck of the clone" timeout 60 git -C "$M/clone" fsck --no-progress
ok "an fio verify job (write 8 MiB, read back, crc32c)" timeout 120 fio --name=verify \
    --directory="$M" --rw=write --bs=64k --size=8m --verify=crc32c --do_verify=1 \
    --ioengine=psync --verify_state_save=0 --output="$T/fio.out"

ok "mkdir" mkdir "$M/dir"
printf 'abcdefghij' > "$M/dir/file.txt"
ok "mv" mv "$M/dir/file.txt" "$M/dir/renamed.txt"
ok "the rename reached the server" test -f "$T/share/dir/renamed.txt" -a ! -e "$T/share/dir/file.txt"
ok "truncate" truncate -s 4 "$M/dir/renamed.txt"
is "$(cat "$T/share/dir/renamed.txt")" "abcd" "the server file is 4 bytes"
touch -d '2020-01-02 03:04:05 UTC' "$M/dir/renamed.txt"
is "$(stat -c %Y "$T/share/dir/renamed.txt")" 1577934245 "touch -d sets the server's modification time"
ok "rm and rmdir" sh -c "rm '$M/dir/renamed.txt' && rmdir '$M/dir'"
ok "gone on the server" test ! -e "$T/share/dir"
like "$(df -P "$M" | tail -1)" "^lwio-fuse +[0-9]+" "statfs (df) answers"
like "$(chown 4242 "$M/hello.txt" 2>&1)" "Operation not permitted" "chown to another user: EPERM"
like "$(ln -s hello.txt "$M/link" 2>&1)" "not implemented|not supported|not permitted" "symlinks are refused"
like "$(cat "$M/nothing.txt" 2>&1)" "No such file" "a missing file: ENOENT"

M2=$T/mnt2
mount_share "$M2"
echo "from the first mount" > "$M/shared.txt"
is "$(timeout 30 cat "$M2/shared.txt")" "from the first mount" "a second mount sees the first one's write"

kill "$RDR_LWIOD"
i=0
while kill -0 "$RDR_LWIOD" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
like "$(timeout 20 cat "$M/hello.txt" 2>&1; echo "rc=$?")" "Input/output error" \
    "lwiod gone: calls fail with EIO, not a hang"
fusermount3 -u "$M2"
fusermount3 -u "$M"
i=0
while kill -0 "$mount_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
nok "fusermount3 -u unmounts and lwio-fuse exits" grep -q " $M fuse" /proc/mounts
