#!/usr/bin/env bash
# tests/boot/run-bochs.sh MODEL DISK SERIAL_LOG [TIMEOUT_S] [EXTRA_BOCHSRC_LINE...]
# Boots DISK (a raw GPT or FAT image; the caller gives each run its own copy: Bochs locks it) under
# Bochs with OVMF on CPU model MODEL, COM1 into SERIAL_LOG, headless (rfb display, no client).
# The run ends when OVMF powers off (Bochs then exits with a PANIC about ACPI soft power off and
# status 1) or at the timeout (exit 124). Judge a run by its serial log, not by this exit status.
# BOCHS_MEGS: the machine's RAM in MiB (default 512; make bench's guest needs more).
# BOCHS_IPS: emulated instructions per second of emulated time (default 50 million). The TSC counts
# instructions whatever it is; a lower rate makes the firmware's timed waits (about 1 s of emulated
# time in OVMF) cost fewer instructions: a boot runs about 20 % faster at 50 million than at 200.
# make bench keeps 200 million, the rate its published figures were measured at.
# BOCHS_CPUS: the number of processors (default 1; Bochs 2.7 here is built with SMP).
set -u
model=$1; disk=$2; serial=$3; timeout_s=${4:-120}; shift $(( $# >= 4 ? 4 : $# ))
dir=$(dirname "$serial"); base=${serial%.*}
rc=$base.bochsrc; cmds=$base.bochscmd
OVMF=${OVMF_BOCHS:-/usr/share/ovmf/OVMF.fd}
{
  echo "megs: ${BOCHS_MEGS:-512}"
  echo "cpu: model=$model, count=${BOCHS_CPUS:-1}, ips=${BOCHS_IPS:-50000000}, reset_on_triple_fault=0"
  echo "romimage: file=$OVMF, address=0xffe00000"
  echo "vgaromimage: file=/usr/share/vgabios/vgabios.bin"
  echo "ata0-master: type=disk, path=$disk, mode=flat"
  echo "boot: disk"
  echo "com1: enabled=1, mode=file, dev=$serial"
  echo "pci: enabled=1, chipset=i440fx"
  echo "clock: sync=none, time0=1"
  echo "panic: action=fatal"
  echo "error: action=report"
  echo "log: $base.bochs.log"
  echo "speaker: enabled=0"
  echo "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy"   # ALSA aborts Bochs on a machine with no sound card
  echo "display_library: rfb, options=\"timeout=0\""
  for line in "$@"; do echo "$line"; done
} > "$rc"
echo c > "$cmds"
mkdir -p "$dir"
# At most BOCHS_SLOTS (default 2, one per core) Bochs instances machine-wide, whoever starts them
# (the test runner, make bench, a developer's loop): wait for a free slot lock. The lock is
# released when this script exits.
slots=${BOCHS_SLOTS:-2}
while :; do
  got=
  for ((i = 0; i < slots; i++)); do
    exec 9>"/tmp/minihv-bochs-slot$i.lock"
    if flock -n 9; then got=$i; break; fi
    exec 9>&-
  done
  [ -n "$got" ] && break
  sleep 1
done
# Bochs 2.7's rfb display gives up on every port when two instances start at the same instant
# (it keeps the socket whose listen() failed); such a run never started, so try again.
for attempt in 1 2 3 4 5 6; do
  : > "$serial"
  timeout -k 5 "$timeout_s" bochs -q -f "$rc" -rc "$cmds" < /dev/null > "$base.bochs.out" 2>&1
  status=$?
  grep -q 'RFB could not bind' "$base.bochs.log" 2>/dev/null || break
  sleep "$(( RANDOM % 3 + 1 )).$(( RANDOM % 10 ))"
done
echo $status
