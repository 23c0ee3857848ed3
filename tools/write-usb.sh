#!/usr/bin/env bash
# tools/write-usb.sh DEVICE [IMAGE]: write the minihv disk image (default build/minihv-usb.img,
# from `make usb`) to a USB stick, e.g. sudo tools/write-usb.sh /dev/sdb
#
# Safety: DEVICE must be given explicitly and must be a whole, removable disk
# (/sys/block/X/removable = 1) that is not the system disk (holding /, /boot or /boot/efi), has no
# mounted partition and is not in use by device-mapper/RAID. It shows the model, size and
# partitions it will overwrite and writes only after you type "yes". There is no --yes.
#
# Exit status: 0 written; 1 the write failed; 2 usage error (bad arguments, image missing);
# 3 refused (not a disk, partition, system disk, mounted, in use, not removable, too small);
# 4 not confirmed (nothing written).
#
# For tests, the roots it reads are overridable: MINIHV_SYS_ROOT (/sys), MINIHV_MOUNTS
# (/proc/mounts), MINIHV_DEV_ROOT (/dev; when set, the "device" may be a regular file).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYS=${MINIHV_SYS_ROOT:-/sys}
MOUNTS=${MINIHV_MOUNTS:-/proc/mounts}
DEV=${MINIHV_DEV_ROOT:-/dev}
FAKE=0; [ -n "${MINIHV_DEV_ROOT:-}" ] && FAKE=1

say() { echo "write-usb: $*" >&2; }
usage_error() { say "$*"; say "usage: tools/write-usb.sh DEVICE [IMAGE]   (e.g. sudo tools/write-usb.sh /dev/sdb; list disks with lsblk -d -o NAME,SIZE,RM,MODEL,TRAN)"; exit 2; }
refuse() { say "refusing $DEVICE: $*"; exit 3; }

# human BYTES: 16.0 GB style size.
human() { awk -v b="$1" 'BEGIN { split("B KB MB GB TB", u); i = 1; while (b >= 1000 && i < 5) { b /= 1000; i++ } printf (i == 1 ? "%d %s" : "%.1f %s"), b, u[i] }'; }

sysval() { [ -r "$1" ] && tr -d '\n' < "$1" | sed 's/[[:space:]]*$//' || true; }

# partitions NAME: the kernel's partitions of disk NAME (sdb1 sdb2, nvme0n1p1 ...).
partitions() {
	local p
	for p in "$SYS/block/$1"/"$1"*; do
		[ -e "$p/partition" ] && basename "$p"
	done
	return 0
}

# disk_of NAME: the whole disk(s) under block device NAME (a partition, a disk, or a dm/md device).
disk_of() {
	local name=$1 s parent
	if [ -d "$SYS/block/$name" ]; then
		if [ -d "$SYS/block/$name/slaves" ] && [ -n "$(ls -A "$SYS/block/$name/slaves" 2>/dev/null)" ]; then
			for s in "$SYS/block/$name/slaves"/*; do disk_of "$(basename "$s")"; done
		else
			echo "$name"
		fi
		return
	fi
	for parent in "$SYS/block"/*; do
		if [ -e "$parent/$name/partition" ]; then
			disk_of "$(basename "$parent")"
			return
		fi
	done
}

# Mount points of the system: "/", "/boot", "/boot/efi" -> the disks under them.
system_disks() {
	local src mnt rest real
	while read -r src mnt rest; do
		case $mnt in /|/boot|/boot/efi) ;; *) continue ;; esac
		case $src in "$DEV"/*|/dev/*) ;; *) continue ;; esac
		real=$src
		[ "$FAKE" = 1 ] || real=$(readlink -f "$src")
		disk_of "$(basename "$real")" | sed "s|\$| $mnt|"
	done < "$MOUNTS"
	return 0
}

# mounted_at NAME: mount points of the block device NAME, one per line.
mounted_at() {
	local src mnt rest real
	while read -r src mnt rest; do
		case $src in "$DEV"/*|/dev/*) ;; *) continue ;; esac
		real=$src
		[ "$FAKE" = 1 ] || real=$(readlink -f "$src")
		[ "$(basename "$real")" = "$1" ] && printf '%b\n' "$mnt"
	done < "$MOUNTS"
	return 0
}

main() {
	[ $# -ge 1 ] || usage_error "no DEVICE given"
	case $1 in
	-h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--yes|-y) usage_error "there is no --yes: type yes at the prompt" ;;
	-*) usage_error "unknown option '$1'" ;;
	esac
	[ $# -le 2 ] || usage_error "too many arguments"
	DEVICE=$1
	local image=${2:-$ROOT/build/minihv-usb.img}
	[ -f "$image" ] || usage_error "image $image not found: run 'make usb'"

	# Which kernel block device.
	local path=$DEVICE name
	case $path in /*) ;; *) path=$DEV/$path ;; esac
	[ -e "$path" ] || refuse "no such device (list disks with lsblk -d -o NAME,SIZE,RM,MODEL,TRAN)"
	if [ "$FAKE" = 0 ]; then
		path=$(readlink -f "$path")
		[ -b "$path" ] || refuse "not a block device"
	fi
	name=$(basename "$path")
	if [ ! -d "$SYS/block/$name" ]; then
		local d; d=$(disk_of "$name")
		[ -n "$d" ] && refuse "$name is a partition: give the whole disk, $DEV/$d"
		refuse "$name is not a disk the kernel lists in $SYS/block"
	fi

	# The system disk.
	local line mnt
	while read -r line mnt; do
		[ "$line" = "$name" ] && refuse "it holds $mnt: this is the system disk"
	done < <(system_disks)

	# Mounted partitions (or the disk itself), device-mapper/RAID holders.
	local p parts=() m
	mapfile -t parts < <(partitions "$name")
	for p in "$name" "${parts[@]}"; do
		m=$(mounted_at "$p" | head -n 1)
		[ -z "$m" ] || refuse "$DEV/$p is mounted on $m: unmount it first (sudo umount $DEV/$p)"
		if [ -d "$SYS/block/$name/$p/holders" ] || [ -d "$SYS/block/$p/holders" ]; then
			local h=$SYS/block/$p/holders
			[ "$p" = "$name" ] || h=$SYS/block/$name/$p/holders
			if [ -n "$(ls -A "$h" 2>/dev/null)" ]; then
				refuse "$DEV/$p is in use by $(ls "$h" | tr '\n' ' ' | sed 's/ $//') (device-mapper, LVM or RAID): release it first"
			fi
		fi
	done

	# Removable.
	local removable
	removable=$(sysval "$SYS/block/$name/removable")
	[ "$removable" = 1 ] || refuse "not a removable disk ($SYS/block/$name/removable = ${removable:-missing}); write-usb only writes USB sticks"

	# Size.
	local sectors bytes isize model
	sectors=$(sysval "$SYS/block/$name/size"); sectors=${sectors:-0}
	bytes=$((sectors * 512))
	isize=$(stat -c %s "$image")
	[ "$bytes" -ge "$isize" ] || refuse "it holds $(human "$bytes"), the image needs $(human "$isize")"
	model="$(sysval "$SYS/block/$name/device/vendor") $(sysval "$SYS/block/$name/device/model")"
	model=$(echo "$model" | sed 's/^ *//; s/ *$//'); model=${model:-unknown model}

	# What will be overwritten.
	echo "About to overwrite $DEV/$name: $model, $(human "$bytes")"
	if [ ${#parts[@]} -eq 0 ]; then
		echo "  partitions: none"
	else
		for p in "${parts[@]}"; do
			local ps; ps=$(sysval "$SYS/block/$name/$p/size"); echo "  partition $DEV/$p: $(human $(( ${ps:-0} * 512 )))"
		done
	fi
	if [ "$FAKE" = 0 ] && command -v lsblk >/dev/null; then
		lsblk -o NAME,SIZE,FSTYPE,LABEL,MOUNTPOINT "$DEV/$name" 2>/dev/null | sed 's/^/  /' || true
	fi
	echo "with $image ($(human "$isize")). Everything on $DEV/$name will be lost."
	printf 'Type yes to continue: '
	local answer=
	read -r answer || true
	[ -t 0 ] || echo          # the answer came from a pipe: end the prompt line
	if [ "$answer" != yes ]; then
		say "not confirmed (got '${answer}'); nothing written"
		exit 4
	fi
	[ -w "$DEV/$name" ] || { say "cannot write $DEV/$name: run it with sudo"; exit 1; }

	if ! dd if="$image" of="$DEV/$name" bs=4M conv=fsync status=progress; then
		say "dd failed writing $DEV/$name"
		exit 1
	fi
	sync
	echo "Done: $DEV/$name holds minihv. Eject it (sudo eject $DEV/$name), plug it into the target and pick it in the firmware boot menu."
}

main "$@"
