#!/usr/bin/env bash
# The Multiboot guest kernels (guest/kernels/, built by mk/guest_c.mk): builds them (make check does
# not), checks each is an ELF32 Multiboot v1 kernel linked at 1 MiB, then runs them under QEMU, the
# reference Multiboot loader, and judges their COM1 lines and exit status (isa-debug-exit:
# status = (code << 1) | 1):
#   mbinfo    every check "ok", exit code 0 (with 64 MiB and with 128 MiB)
#   realmode  the real-mode lines in order, every check "ok", exit code 0
#   longmode  reaches 64-bit mode and stops before its first VMCALL: its hypercall part runs only
#             under minihv (without it, VMCALL is #UD or another hypervisor's call), so under QEMU
#             it ends with EXIT_NOT_MINIHV (0x10, status 33)
# Also: guest/lib/guest.h's hypercall numbers equal guest/abi.inc's. QEMU runs TCG unless
# GUEST_KERNELS_ACCEL says otherwise (e.g. kvm: some KVMs, like kvm_pvm, cannot emulate LAR, which
# mbinfo and longmode use). Without qemu-system-x86_64 the runs are "ok N # SKIP". Prints TAP lines;
# exits non-zero on a failure.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
K=build/guest/kernels
ACCEL=${GUEST_KERNELS_ACCEL:-tcg}
T=$(mktemp -d "${TMPDIR:-/tmp}/test_guest_kernels.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$ROOT" || exit 1
failures=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; shift
	printf '%s\n' "$@" | sed 's/^/#   /'
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# check NAME CONDITION-STATUS [DETAIL...]: ok when the status is 0.
check() { local name=$1 st=$2; shift 2; if [ "$st" = 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi; }

KERNELS=(mbinfo realmode longmode)
ELFS=()
for k in "${KERNELS[@]}"; do ELFS+=("$K/$k.elf"); done

# ---- build (a make of its own: not a part of the make that runs this test)
if out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory "${ELFS[@]}" 2>&1); then
	ok "make builds ${KERNELS[*]}"
else
	not_ok "make builds ${KERNELS[*]}" "$out"
	echo "1..$n"
	exit 1
fi

# ---- the files
# mb_header FILE: "OFFSET FLAGS SUM" of the first Multiboot header in the first 8 KiB (32-bit
# aligned words; SUM = magic + flags + checksum mod 2^32, 0 when valid), or nothing.
mb_header() {
	od -A d -t u4 -v -N 8192 -w4 "$1" | awk 'NF == 2 { o[n] = $1; w[n++] = $2 }
		END { for (i = 0; i + 2 < n; i++) if (w[i] == 464367618) {   # 0x1BADB002
			print o[i], w[i + 1], (w[i] + w[i + 1] + w[i + 2]) % 4294967296; exit } }'
}

for k in "${KERNELS[@]}"; do
	f=$K/$k.elf
	hdr=$(readelf -h "$f" 2>&1)
	grep -q 'Class: *ELF32$' <<< "$hdr" && grep -q 'Machine: *Intel 80386$' <<< "$hdr" \
		&& grep -q 'Type: *EXEC ' <<< "$hdr"
	check "$k.elf is an ELF32 i386 executable" $? "$hdr"

	# Every load segment at its physical address, from 1 MiB; the entry point in the first.
	loads=$(readelf -lW "$f" | awk '$1 == "LOAD" { print $3, $4, $6 }')
	entry=$(readelf -h "$f" | awk '/Entry point/ { print $4 }')
	good=1
	while read -r vaddr paddr memsz; do
		[ -n "$vaddr" ] && [ "$vaddr" = "$paddr" ] && [ $((vaddr)) -ge $((0x100000)) ] || good=0
	done <<< "$loads"
	read -r base _ memsz <<< "$loads"    # the first segment: the code
	[ -n "$loads" ] && [ "$good" = 1 ] && [ $((base)) = $((0x100000)) ] \
		&& [ $((entry)) -ge $((base)) ] && [ $((entry)) -lt $((base + memsz)) ]
	check "$k.elf: loads at 1 MiB (virtual = physical), entry $entry in its code" $? "$loads" "entry $entry"

	read -r off flags sum <<< "$(mb_header "$f")"
	[ -n "${off:-}" ] && off=$((10#$off))
	[ -n "${off:-}" ] && [ "$sum" = 0 ] && [ $((flags & 3)) = 3 ] && [ $((flags & 0x10000)) = 0 ]
	check "$k.elf: Multiboot header at file offset ${off:-none} (< 8 KiB), flags ${flags:-?}, checksum valid" $? \
		"offset ${off:-none} flags ${flags:-?} sum ${sum:-?} (want bits 0 and 1, not 16; sum 0)"
done

# longmode.elf is longmode.elf64 in an ELF32 container: the same bytes at the same addresses.
readelf -h $K/longmode.elf64 | grep -q 'Machine: *Advanced Micro Devices X86-64' \
	&& objcopy -O binary $K/longmode.elf "$T/l32.bin" && objcopy -O binary $K/longmode.elf64 "$T/l64.bin" \
	&& cmp -s "$T/l32.bin" "$T/l64.bin" \
	&& [ "$(readelf -h $K/longmode.elf | awk '/Entry/ { print $4 }')" = "$(readelf -h $K/longmode.elf64 | awk '/Entry/ { print $4 }')" ]
check "longmode.elf holds longmode.elf64's x86-64 image byte for byte, same entry" $?

# One home per fact: the hypercall numbers of guest/lib/guest.h are guest/abi.inc's.
abi=$(sed -n 's/^%define \(HC_[A-Z_]*\) *\(-\{0,1\}[0-9]*\).*/\1 \2/p' guest/abi.inc | sort)
lib=$(sed -n 's/^#define \(HC_[A-Z_]*\) *\(-\{0,1\}[0-9]*\).*/\1 \2/p' guest/lib/guest.h | sort)
[ -n "$abi" ] && [ "$abi" = "$lib" ]
check "guest/lib/guest.h defines the $(wc -l <<< "$abi") HC_* numbers of guest/abi.inc" $? \
	"differences (< abi.inc, > guest.h): $(diff <(echo "$abi") <(echo "$lib") | grep '^[<>]' | tr '\n' ' ')"

# ---- under QEMU
# run NAME QEMU-ARGS...: boots $K/NAME.elf; sets RC and OUT (the kernel's lines, "NAME: ...").
run() {
	local k=$1; shift
	RC=0
	timeout 60 qemu-system-x86_64 -nodefaults -nographic -serial stdio -no-reboot -accel "$ACCEL" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x4 "$@" -kernel "$K/$k.elf" < /dev/null \
		> "$T/$k.out" 2>&1 || RC=$?
	OUT=$(tr -d '\r' < "$T/$k.out" | grep -ao "$k: .*")
}
# lines NAME LINE...: OUT holds each LINE (a grep -E pattern, whole line), in this order.
lines() {
	local name=$1 rest=$OUT line at; shift
	for line in "$@"; do
		at=$(grep -Enx -m1 -- "$line" <<< "$rest" | cut -d: -f1)
		if [ -z "$at" ]; then not_ok "$name" "missing line: $line" "output:" "$OUT"; return; fi
		rest=$(tail -n "+$((at + 1))" <<< "$rest")
	done
	ok "$name"
}
# status NAME WANT: the exit status.
status() { check "$1: exit status $RC (want $2)" "$([ "$RC" = "$2" ]; echo $?)" "output:" "$OUT"; }

if ! command -v qemu-system-x86_64 > /dev/null; then
	for t in "mbinfo (64 MiB)" "mbinfo (128 MiB)" realmode longmode; do
		skip "$t under QEMU: qemu-system-x86_64 is not installed (make deps installs it)"
	done
else
	run mbinfo -m 64 -append "hello minihv"
	status "mbinfo, 64 MiB" 1
	fails=$(grep -v ': ok$' <<< "$OUT" | grep -vx 'mbinfo: [0-9]* checks, 0 failed')
	[ -n "$OUT" ] && [ -z "$fails" ]
	check "mbinfo, 64 MiB: every check ok" $? "not ok:" "$fails"
	lines "mbinfo, 64 MiB: each check ran" \
		'mbinfo: EAX 0x2badb002 \(Multiboot magic\): ok' \
		'mbinfo: CS 0x[0-9a-f]+ flat 32-bit code, readable, DPL 0: ok' \
		'mbinfo: DS 0x[0-9a-f]+ flat 32-bit data, writable, DPL 0: ok' \
		'mbinfo: ES .*: ok' 'mbinfo: FS .*: ok' 'mbinfo: GS .*: ok' 'mbinfo: SS .*: ok' \
		'mbinfo: CR0 0x[0-9a-f]+: PE on, PG off: ok' \
		'mbinfo: EFLAGS 0x[0-9a-f]+: IF off, VM off: ok' \
		'mbinfo: A20 on .*: ok' \
		'mbinfo: EBX 0x[0-9a-f]+: information structure, .*: ok' \
		'mbinfo: flags bit 6: memory map .*: ok' \
		'mbinfo: mmap\[0\] 0x0-0x[0-9a-f]+ RAM \(1\): ok' \
		'mbinfo: mmap: [0-9]+ entries, .* none overlapping: ok' \
		'mbinfo: mmap: RAM from 0 to 0x[0-9a-f]+, none in 640 KiB-1 MiB: ok' \
		'mbinfo: mmap: RAM from 1 MiB to 0x[0-9a-f]+ \([0-9]+ KiB\): ok' \
		'mbinfo: flags bit 0: mem_lower 6[34][0-9] KiB, mem_upper [0-9]+ KiB: ok' \
		'mbinfo: mem_lower = .*: ok' 'mbinfo: mem_upper = .*: ok' \
		'mbinfo: flags bit 2: cmdline .*: ok' \
		'mbinfo: cmdline ".*hello minihv": ok' \
		'mbinfo: flags bit 9: boot loader name .*: ok' \
		'mbinfo: boot loader name "qemu": ok' \
		'mbinfo: [0-9]+ checks, 0 failed'

	# mem_upper follows -m: 127 MiB above 1 MiB, less what the firmware reserves at the top (< 1 MiB).
	run mbinfo -m 128
	upper=$(sed -n 's/^mbinfo: flags bit 0: .*mem_upper \([0-9]*\) KiB: ok$/\1/p' <<< "$OUT")
	[ "$RC" = 1 ] && [ -n "$upper" ] && [ "$upper" -le $((127 * 1024)) ] && [ "$upper" -gt $((126 * 1024)) ]
	check "mbinfo, 128 MiB: exit status 1, mem_upper ${upper:-?} KiB (127 MiB less the firmware's top)" $? \
		"exit status $RC" "output:" "$OUT"

	run realmode -m 64
	status realmode 1
	lines "realmode: into real mode, INT 0x66 through its own IVT entry, back" \
		'realmode: protected mode, CR0 0x[0-9a-f]*1, EAX 0x2badb002' \
		'realmode: in real mode, CS 0x0800' \
		'realmode: in the INT 0x66 handler' \
		'realmode: INT 0x66 returned, back to protected mode' \
		'realmode: CR0 in real mode .*' \
		'realmode: CR0.PE was 0 in real mode: ok' \
		'realmode: INT 0x66 went through our IVT entry \(CS 0x0800\): ok' \
		"realmode: the handler's result came back \(AX = NOT 0x1234\): ok" \
		'realmode: protected mode again, CR0.PE = 1: ok' \
		'realmode: 0 failed'

	run longmode -m 64
	status longmode 33
	lines "longmode: 64-bit mode reached, stops before VMCALL without minihv" \
		'longmode: 64-bit mode, EAX was 0x2badb002, .*' \
		'longmode: paging on with PAE: ok' \
		'longmode: CS is a 64-bit code segment \(L = 1\): ok' \
		'longmode: the kernel runs in the identity map: ok' \
		'longmode: hypervisor ".*" is not minihv: the hypercall part runs only under minihv'
fi

echo "1..$n"
[ "$failures" = 0 ]
