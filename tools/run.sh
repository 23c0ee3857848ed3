#!/usr/bin/env bash
# tools/run.sh: what `make run` calls once the build is done. Boots build/minihv-usb.img with
# QEMU + KVM when this host can run minihv there (Intel CPU, usable /dev/kvm, nested VT-x on: see
# ./run-qemu.sh), otherwise in Bochs (emulated VT-x; MINIHV_BOCHS_MODEL, default corei7_skylake_x).
# Streams the serial log as it arrives and exits like run-qemu.sh:
#   0 end OK, 1 no "[hv] end:" line (or an exception), 2 refusal (status=E_...), 3 timeout, 4 could not start.
# Environment: MINIHV_BOCHS_MODEL, MINIHV_RUN_TIMEOUT (seconds, default 120), MINIHV_RUN_EMULATOR
# (qemu-kvm | bochs | qemu-tcg: skip the choice), plus run-qemu.sh's variables.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=$ROOT/build/minihv-usb.img
MODEL=${MINIHV_BOCHS_MODEL:-corei7_skylake_x}
TIMEOUT=${MINIHV_RUN_TIMEOUT:-120}
RUNDIR=$ROOT/build/run

say() { echo "run: $*" >&2; }
die() { say "$*"; exit 4; }

# verdict LOG: the exit code for a finished run, from its serial log (as run-qemu.sh).
verdict() {
	local line
	line=$(tr -d '\r' < "$1" | grep -a -o '\[hv\] end: status=[A-Za-z0-9_]* code=-\?[0-9]*' | tail -n 1 || true)
	case $line in
	*"status=OK code=0") echo 0 ;;
	*"status=E_"*) echo 2 ;;
	*) echo 1 ;;
	esac
}

run_qemu() {
	mkdir -p "$RUNDIR"
	exec "$ROOT/run-qemu.sh" "$@" --image "$IMAGE" --timeout "$TIMEOUT" --log "$RUNDIR/serial.log"
}

# stop_bochs PID: stop run-bochs.sh (its own process group) and its `timeout bochs` child, which
# `timeout` puts in a process group of its own.
# shellcheck disable=SC2317  # called from a trap
stop_bochs() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		kill -TERM -- "-$c" 2>/dev/null || kill -TERM "$c" 2>/dev/null || true
	done
	kill -TERM -- "-$1" 2>/dev/null || true
}

run_bochs() {
	local disk=$RUNDIR/disk.img serial=$RUNDIR/serial.log pid tailpid status rc
	command -v bochs >/dev/null || die "bochs not found: run 'make deps' (Debian: sudo apt install bochs bochsbios vgabios)"
	mkdir -p "$RUNDIR"
	cp "$IMAGE" "$disk"            # Bochs locks its disk: boot a copy
	: > "$serial"
	# Own process group, so that Ctrl-C here can stop Bochs and its timeout wrapper together.
	setsid "$ROOT/tests/boot/run-bochs.sh" "$MODEL" "$disk" "$serial" "$TIMEOUT" > "$RUNDIR/bochs.status" 2>&1 &
	pid=$!
	trap 'stop_bochs '"$pid"'; say "interrupted"; exit 130' INT TERM
	tail -n +1 -F --pid="$pid" "$serial" 2>/dev/null &
	tailpid=$!
	wait "$pid" || true
	wait "$tailpid" 2>/dev/null || true
	trap - INT TERM
	status=$(tail -n 1 "$RUNDIR/bochs.status" 2>/dev/null || true)
	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		rc=3
	else
		rc=$(verdict "$serial")
	fi
	case $rc in
	0) say "run ended OK (exit 0); serial log: $serial" ;;
	1) say "Bochs ended without an '[hv] end:' line (exit 1); serial log: $serial, Bochs log: $RUNDIR/serial.bochs.log" ;;
	2) say "minihv refused to run (see the FATAL line above) (exit 2)" ;;
	3) say "timeout after ${TIMEOUT}s (exit 3); MINIHV_RUN_TIMEOUT=S for longer" ;;
	esac
	exit "$rc"
}

main() {
	[ -f "$IMAGE" ] || die "$IMAGE not found: run 'make' (or 'make usb') first"
	[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "MINIHV_RUN_TIMEOUT wants whole seconds, got '$TIMEOUT'"
	local why
	case ${MINIHV_RUN_EMULATOR:-} in
	qemu-kvm) say "QEMU + KVM (MINIHV_RUN_EMULATOR=qemu-kvm)"; run_qemu ;;
	qemu-tcg) say "QEMU TCG (MINIHV_RUN_EMULATOR=qemu-tcg): no VT-x there, minihv will refuse"; run_qemu --tcg ;;
	bochs) say "Bochs, CPU model $MODEL (MINIHV_RUN_EMULATOR=bochs)"; run_bochs ;;
	"") ;;
	*) die "MINIHV_RUN_EMULATOR must be qemu-kvm, qemu-tcg or bochs, not '$MINIHV_RUN_EMULATOR'" ;;
	esac
	if why=$("$ROOT/run-qemu.sh" --check-kvm 2>&1); then
		if command -v "${MINIHV_QEMU:-qemu-system-x86_64}" >/dev/null; then
			say "QEMU + KVM, because this host can run minihv there (Intel CPU, /dev/kvm usable, nested VT-x on)"
			run_qemu
		fi
		why="run-qemu: QEMU is not installed (make deps)"
	fi
	# One line: the first reason, without its "run-qemu: " prefix.
	why=$(printf '%s\n' "$why" | head -n 1)
	say "Bochs (emulated VT-x, CPU model $MODEL), because QEMU + KVM cannot run minihv here: ${why#run-qemu: }"
	run_bochs
}

main "$@"
