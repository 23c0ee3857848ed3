#!/usr/bin/env bash
# tools/mkimage.sh OUT.img EFI_FILE [NAME=PATH ...]
# Builds a raw disk image without root or loop devices: a GPT partition table with one FAT32
# EFI system partition holding \EFI\BOOT\BOOTX64.EFI and each NAME=PATH as \EFI\BOOT\NAME
# (for example GUEST.BIN=build/guest/hostile_loop.bin, HV.CFG=some.cfg).
set -euo pipefail
out=$1; efi=$2; shift 2
[ -f "$efi" ] || { echo "mkimage: $efi not found: run make first" >&2; exit 1; }
ESP_MIB=40                       # FAT32 needs >= 65525 clusters: 40 MiB with 512-byte clusters
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fat=$tmp/esp.fat
truncate -s ${ESP_MIB}M "$fat"
mkfs.fat -F 32 -S 512 -s 1 -n MINIHV "$fat" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$fat" ::/EFI ::/EFI/BOOT
mcopy -i "$fat" "$efi" ::/EFI/BOOT/BOOTX64.EFI
for kv in "$@"; do
  name=${kv%%=*}; path=${kv#*=}
  [ -f "$path" ] || { echo "mkimage: $path not found" >&2; exit 1; }
  mcopy -i "$fat" "$path" "::/EFI/BOOT/$name"
done
# Disk: 1 MiB for the primary GPT, the ESP, 1 MiB for the backup GPT.
rm -f "$out"; truncate -s $((ESP_MIB + 2))M "$out"
printf 'label: gpt\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system partition"\n' \
  $((ESP_MIB * 2048)) | sfdisk -q "$out" >/dev/null
dd if="$fat" of="$out" bs=1M seek=1 conv=notrunc status=none
