#!/usr/bin/env bash
# tools/write-usb.sh against fake devices: a fake /sys, /proc/mounts and /dev (regular files as
# "disks"). Checks every refusal (message and exit code), the prompt, and one write to a fake
# removable stick, compared byte for byte. Prints TAP lines; exits non-zero on a failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WU=$ROOT/tools/write-usb.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/test_write_usb.XXXXXX")
trap 'rm -rf "$T"' EXIT
failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

S=$T/sys; D=$T/dev; M=$T/mounts
mkdir -p "$S/block" "$D"

# disk NAME REMOVABLE SECTORS [PARTITION...]: a fake disk in $S and $D.
disk() {
	local name=$1 rm=$2 sectors=$3 p; shift 3
	mkdir -p "$S/block/$name/device" "$S/block/$name/holders"
	echo "$rm" > "$S/block/$name/removable"
	echo "$sectors" > "$S/block/$name/size"
	echo "SanDisk " > "$S/block/$name/device/vendor"
	echo "Cruzer Blade    " > "$S/block/$name/device/model"
	truncate -s $((sectors * 512)) "$D/$name"
	for p in "$@"; do
		mkdir -p "$S/block/$name/$p/holders"
		echo 1 > "$S/block/$name/$p/partition"
		echo 2048 > "$S/block/$name/$p/size"
		: > "$D/$p"
	done
}
disk sda 0 200000000 sda1 sda2          # the system disk
disk sdb 1 31260672 sdb1                 # a stick with a mounted partition
disk sdc 0 31260672                      # a fixed disk
disk sdd 1 31260672 sdd1 sdd2            # the stick to write (15 GiB)
disk sde 1 2048                          # a stick too small for the image
disk sdf 1 31260672 sdf1                 # a stick whose partition is held by device-mapper
: > "$S/block/sdf/sdf1/holders/dm-0"
disk nvme0n1 0 1000000000 nvme0n1p1 nvme0n1p2
cat > "$M" <<EOF
sysfs /sys sysfs rw 0 0
$D/sda2 / ext4 rw,relatime 0 0
$D/nvme0n1p1 /boot/efi vfat rw 0 0
$D/sdb1 /media/user/STICK vfat rw 0 0
tmpfs /run tmpfs rw 0 0
EOF
# The image: 3 MiB of recognisable bytes.
head -c $((3 * 1024 * 1024)) /dev/urandom > "$T/img"

# wu ANSWER ARGS...: run write-usb.sh on the fakes with ANSWER on stdin; sets RC, OUT (stdout+stderr).
wu() {
	local answer=$1; shift
	RC=0
	OUT=$(printf '%s\n' "$answer" | MINIHV_SYS_ROOT=$S MINIHV_MOUNTS=$M MINIHV_DEV_ROOT=$D "$WU" "$@" 2>&1) || RC=$?
}
# expect NAME WANT_RC LINE: exit code and one exact output line.
expect() {
	if [ "$RC" = "$2" ] && grep -Fxq -- "$3" <<< "$OUT"; then ok "$1"
	else not_ok "$1" "exit $RC (want $2)" "want line: $3" "output: $OUT"; fi
}
untouched() { [ "$(head -c 4096 "$D/$1" | tr -d '\0' | wc -c)" = 0 ]; }

wu "" ; expect "no device: usage error, exit 2" 2 "write-usb: no DEVICE given"
wu "" --yes "$D/sdd" "$T/img"; expect "--yes is not offered, exit 2" 2 "write-usb: there is no --yes: type yes at the prompt"
wu "" "$D/sdd" "$T/missing.img"; expect "missing image: exit 2" 2 "write-usb: image $T/missing.img not found: run 'make usb'"
wu "yes" "$D/sdz" "$T/img"; expect "no such device: exit 3" 3 \
	"write-usb: refusing $D/sdz: no such device (list disks with lsblk -d -o NAME,SIZE,RM,MODEL,TRAN)"
wu "yes" "$D/sda" "$T/img"; expect "system disk (holds /): exit 3" 3 "write-usb: refusing $D/sda: it holds /: this is the system disk"
wu "yes" "nvme0n1" "$T/img"; expect "system disk (holds /boot/efi), name without /dev: exit 3" 3 \
	"write-usb: refusing nvme0n1: it holds /boot/efi: this is the system disk"
wu "yes" "$D/sdd1" "$T/img"; expect "a partition: asks for the whole disk, exit 3" 3 \
	"write-usb: refusing $D/sdd1: sdd1 is a partition: give the whole disk, $D/sdd"
wu "yes" "$D/sdb" "$T/img"; expect "mounted partition: exit 3" 3 \
	"write-usb: refusing $D/sdb: $D/sdb1 is mounted on /media/user/STICK: unmount it first (sudo umount $D/sdb1)"
wu "yes" "$D/sdf" "$T/img"; expect "partition held by device-mapper: exit 3" 3 \
	"write-usb: refusing $D/sdf: $D/sdf1 is in use by dm-0 (device-mapper, LVM or RAID): release it first"
wu "yes" "$D/sdc" "$T/img"; expect "not removable: exit 3" 3 \
	"write-usb: refusing $D/sdc: not a removable disk ($S/block/sdc/removable = 0); write-usb only writes USB sticks"
wu "yes" "$D/sde" "$T/img"; expect "too small: exit 3" 3 "write-usb: refusing $D/sde: it holds 1.0 MB, the image needs 3.1 MB"
if untouched sda && untouched sdb && untouched sdc && untouched sde && untouched sdf; then ok "refused devices are untouched"
else not_ok "refused devices are untouched"; fi

wu "no" "$D/sdd" "$T/img"
expect "answer other than yes: nothing written, exit 4" 4 "write-usb: not confirmed (got 'no'); nothing written"
untouched sdd && ok "not confirmed: the device is untouched" || not_ok "not confirmed: the device is untouched"
wu "YES" "$D/sdd" "$T/img"
expect "only the exact word yes confirms, exit 4" 4 "write-usb: not confirmed (got 'YES'); nothing written"
wu "" "$D/sdd" "$T/img" < /dev/null
expect "empty answer: exit 4" 4 "write-usb: not confirmed (got ''); nothing written"

wu "yes" "$D/sdd" "$T/img"
expect "write to a removable stick after yes: exit 0" 0 "About to overwrite $D/sdd: SanDisk Cruzer Blade, 16.0 GB"
missing=
for line in "  partition $D/sdd1: 1.0 MB" "  partition $D/sdd2: 1.0 MB" "Type yes to continue: " \
            "Done: $D/sdd holds minihv. Eject it (sudo eject $D/sdd), plug it into the target and pick it in the firmware boot menu."; do
	grep -Fxq -- "$line" <<< "$OUT" || missing+=" [$line]"
done
[ -z "$missing" ] && ok "the prompt shows model, size and partitions" \
	|| not_ok "the prompt shows model, size and partitions" "missing:$missing" "output: $OUT"
if cmp -n "$(stat -c %s "$T/img")" "$T/img" "$D/sdd" >/dev/null; then ok "the stick holds the image, byte for byte"
else not_ok "the stick holds the image, byte for byte"; fi

# The real image, if built: the default IMAGE argument.
if [ -f "$ROOT/build/minihv-usb.img" ]; then
	wu "yes" "sdd"
	if [ "$RC" = 0 ] && cmp -n "$(stat -c %s "$ROOT/build/minihv-usb.img")" "$ROOT/build/minihv-usb.img" "$D/sdd" >/dev/null; then
		ok "default image build/minihv-usb.img written byte for byte"
	else
		not_ok "default image build/minihv-usb.img written byte for byte" "exit $RC" "output: $OUT"
	fi
else
	ok "# SKIP default image: build/minihv-usb.img not built"
fi

echo "1..$n"
[ "$failures" = 0 ]
