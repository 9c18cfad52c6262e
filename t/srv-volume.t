#!/bin/bash
# smbclient's `volume` against a whole instance in every dialect: it opens
# the share root and asks for FileFsVolumeInformation, and fails
# ("NT_STATUS_OBJECT_NAME_NOT_FOUND getting volume info") on an empty volume
# label. The label is the share's name (as smbd answers), cut to Windows'
# 32 characters; the serial number is the same in every dialect.
. "$SW_SRC/t/tap/tap.sh"
. "$SW_SRC/t/tap/appliance.sh"

need_program smbclient smbclient
appliance_init || { echo "Bail out! appliance_init failed"; exit 1; }
long=share-with-a-name-longer-than-thirty-two-characters
mkdir -p "$T/long"
"$LWADMIN" share add "$long" "$T/long" --grant alice:full >/dev/null
appliance_require
plan 6

serials=
for d in SMB2_02 SMB2_10 SMB3_00 SMB3_11; do
    out=$(appliance_smbclient test --option="client min protocol=$d" -m "$d" -c volume 2>&1)
    line=$(printf '%s\n' "$out" | grep '^Volume: ')
    like "$line" '^Volume: \|test\| serial number 0x[0-9a-f]+$' "volume with $d names the share"
    serials="$serials ${line##* }"
done
is "$(printf '%s\n' $serials | sort -u | wc -l)" 1 "the serial number is the same in every dialect"

out=$(appliance_smbclient "$long" -m SMB3 -c volume 2>&1)
like "$(printf '%s\n' "$out" | grep '^Volume: ')" "^Volume: \\|${long:0:32}\\| serial" \
    "a long share name is cut to 32 characters"
