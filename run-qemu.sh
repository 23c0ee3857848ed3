#!/usr/bin/env bash
# run-qemu.sh: boot minihv under QEMU + OVMF, with KVM when the host can run it (Intel CPU, usable
# /dev/kvm, nested VT-x on), serial log on stdout. `./run-qemu.sh --help` lists every option.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ME=run-qemu

# Exit codes (also in --help).
EXIT_OK=0          # the log shows "[hv] end: status=OK code=0"
EXIT_NO_VERDICT=1  # QEMU ended without an "[hv] end:" line, or the run ended with status=EXCEPTION
EXIT_REFUSED=2     # "[hv] end: status=E_..." (a refusal: no VT-x, no EPT, VMX locked off, ...)
EXIT_TIMEOUT=3     # the timeout expired first
EXIT_NOSTART=4     # could not start: bad option, no QEMU, no OVMF, no image, no usable KVM (without --tcg)

# Paths the KVM decision reads; overridable for tests.
KVM_DEV=${MINIHV_KVM_DEV:-/dev/kvm}
CPUINFO=${MINIHV_CPUINFO:-/proc/cpuinfo}
NESTED_PARAM=${MINIHV_NESTED_PARAM:-/sys/module/kvm_intel/parameters/nested}
OVMF_ROOT=${MINIHV_OVMF_ROOT:-}          # prefix for the OVMF search paths (tests)
QEMU=${MINIHV_QEMU:-qemu-system-x86_64}
NESTED_CMD='echo "options kvm_intel nested=1" | sudo tee /etc/modprobe.d/kvm-nested.conf && sudo modprobe -r kvm_intel && sudo modprobe kvm_intel'

usage() {
	cat <<EOF
Usage: ./run-qemu.sh [OPTIONS] [-- EXTRA_QEMU_ARGS...]

Boots minihv under QEMU with OVMF. The serial log (COM1) streams to stdout.
KVM (-enable-kvm -cpu host) is used when the host can run minihv: an Intel CPU with VT-x, /dev/kvm
readable and writable, and nested VT-x on (/sys/module/kvm_intel/parameters/nested = Y or 1).
Otherwise it prints why, one line per reason, and exits 4, unless --tcg is given.

Options:
  --image FILE       disk image to boot (default: build/minihv-usb.img, from 'make usb')
  --efi FILE         build a temporary disk image holding FILE as \\EFI\\BOOT\\BOOTX64.EFI and boot it
  --file NAME=PATH   with --efi: also put PATH on the ESP as \\EFI\\BOOT\\NAME (repeatable)
  --ovmf-code FILE   OVMF code image (or env OVMF_CODE); default: searched in the Debian, Ubuntu,
                     Fedora and Arch locations
  --ovmf-vars FILE   OVMF variable store template (or env OVMF_VARS); copied for every run
  --tcg              boot without KVM (TCG, no VT-x in the guest): shows minihv's clean refusal
  --memory MIB       guest RAM in MiB (default 512)
  --timeout S        stop QEMU after S seconds (default 120; with --gdb: none unless given)
  --log FILE         also write the serial log to FILE
  --gdb              start QEMU halted with its gdb stub on tcp::1234 (-s -S) and print the gdb
                     command to attach (tools/gdb/minihv.gdb); --gdb-port N to use another port
  --gdb-port N       gdb stub port (implies --gdb)
  --dry-run          print the decision and the QEMU command line, boot nothing
  --check-kvm        only decide whether KVM can be used: exit 0 if yes, 4 if not
  -h, --help         this text

Exit status:
  0  the run ended OK ("[hv] end: status=OK code=0")
  1  QEMU ended without an "[hv] end:" line (or with status=EXCEPTION)
  2  minihv refused to run ("[hv] end: status=E_<NAME> code=<N>", e.g. E_NO_VTX under --tcg)
  3  timeout
  4  could not start (bad option, QEMU/OVMF/image missing, or no usable KVM without --tcg)

Environment: OVMF_CODE, OVMF_VARS; MINIHV_QEMU (QEMU binary); for tests: MINIHV_KVM_DEV,
MINIHV_CPUINFO, MINIHV_NESTED_PARAM, MINIHV_OVMF_ROOT.
EOF
}

say() { echo "$ME: $*" >&2; }
die() { say "$*"; exit "$EXIT_NOSTART"; }

# ---------------------------------------------------------------- the KVM decision
KVM_REASONS=()

cpu_vendor() {
	[ -r "$CPUINFO" ] || { echo unknown; return; }
	awk -F': *' '/^vendor_id/ { print $2; exit }' "$CPUINFO" | tr -d '[:space:]'
}

# kvm_decide: fills KVM_REASONS with one line per reason KVM cannot run minihv; empty when it can.
kvm_decide() {
	local vendor nested
	KVM_REASONS=()
	vendor=$(cpu_vendor)
	case $vendor in
	GenuineIntel)
		if ! grep -m1 '^flags' "$CPUINFO" | grep -qw vmx; then
			KVM_REASONS+=("Intel host without VT-x (no vmx flag in $CPUINFO): enable Intel Virtualization Technology in the firmware setup; if this host is itself a VM, turn on nested virtualization for it")
			return
		fi ;;
	AuthenticAMD)
		KVM_REASONS+=("AMD host (vendor_id AuthenticAMD): minihv needs Intel VT-x and cannot run under AMD nested SVM; use an Intel machine, or --tcg to see the refusal")
		return ;;
	*)
		KVM_REASONS+=("host CPU vendor is '${vendor:-unknown}', not GenuineIntel: minihv needs Intel VT-x; use an Intel machine, or --tcg to see the refusal")
		return ;;
	esac
	if [ ! -e "$KVM_DEV" ]; then
		KVM_REASONS+=("no $KVM_DEV: load the module (sudo modprobe kvm_intel) and enable VT-x (Intel Virtualization Technology) in the firmware setup")
	elif [ ! -r "$KVM_DEV" ] || [ ! -w "$KVM_DEV" ]; then
		KVM_REASONS+=("$KVM_DEV is not readable and writable by $(id -un): add yourself to the kvm group (sudo usermod -aG kvm $(id -un)), then log in again")
	fi
	if [ ! -r "$NESTED_PARAM" ]; then
		[ -e "$KVM_DEV" ] && KVM_REASONS+=("kvm_intel is not loaded ($NESTED_PARAM missing): sudo modprobe kvm_intel")
		return 0
	fi
	nested=$(tr -d '[:space:]' < "$NESTED_PARAM")
	case $nested in
	Y|y|1) ;;
	*) KVM_REASONS+=("nested VT-x is off (kvm_intel nested=$nested): turn it on with: $NESTED_CMD") ;;
	esac
}

# ---------------------------------------------------------------- OVMF
find_ovmf() {
	local code vars pair c v
	code=${OPT_OVMF_CODE:-${OVMF_CODE:-}}
	vars=${OPT_OVMF_VARS:-${OVMF_VARS:-}}
	if [ -n "$code" ]; then
		[ -f "$code" ] || die "OVMF code image $code not found: check --ovmf-code / OVMF_CODE"
		if [ -n "$vars" ]; then
			[ -f "$vars" ] || die "OVMF vars image $vars not found: check --ovmf-vars / OVMF_VARS"
		fi
		OVMF_CODE_FILE=$code; OVMF_VARS_FILE=$vars
		return
	fi
	# Split code/vars pairs (Debian, Ubuntu, Fedora, Arch), then Ubuntu's single OVMF.fd.
	# Never the .secboot/.ms builds: they enforce Secure Boot and refuse an unsigned BOOTX64.EFI.
	for pair in /usr/share/OVMF/OVMF_CODE.fd:/usr/share/OVMF/OVMF_VARS.fd \
	            /usr/share/OVMF/OVMF_CODE_4M.fd:/usr/share/OVMF/OVMF_VARS_4M.fd \
	            /usr/share/edk2/ovmf/OVMF_CODE.fd:/usr/share/edk2/ovmf/OVMF_VARS.fd \
	            /usr/share/edk2/x64/OVMF_CODE.fd:/usr/share/edk2/x64/OVMF_VARS.fd \
	            /usr/share/edk2-ovmf/x64/OVMF_CODE.fd:/usr/share/edk2-ovmf/x64/OVMF_VARS.fd; do
		c=$OVMF_ROOT${pair%%:*}; v=$OVMF_ROOT${pair#*:}
		if [ -f "$c" ] && [ -f "$v" ]; then
			OVMF_CODE_FILE=$c; OVMF_VARS_FILE=$v
			return
		fi
	done
	for c in /usr/share/ovmf/OVMF.fd /usr/share/qemu/OVMF.fd; do
		if [ -f "$OVMF_ROOT$c" ]; then
			OVMF_CODE_FILE=$OVMF_ROOT$c; OVMF_VARS_FILE=
			return
		fi
	done
	die "no OVMF firmware found: install it (Debian/Ubuntu: sudo apt install ovmf; Fedora: sudo dnf install edk2-ovmf) or give --ovmf-code FILE --ovmf-vars FILE"
}

# ---------------------------------------------------------------- the verdict
# verdict LOG: exit code for a finished run, from its serial log.
verdict() {
	local line
	line=$(tr -d '\r' < "$1" | grep -a -o '\[hv\] end: status=[A-Za-z0-9_]* code=-\?[0-9]*' | tail -n 1 || true)
	case $line in
	*"status=OK code=0") echo "$EXIT_OK" ;;
	*"status=E_"*) echo "$EXIT_REFUSED" ;;
	*) echo "$EXIT_NO_VERDICT" ;;
	esac
}

verdict_text() {
	case $1 in
	0) echo "run ended OK" ;;
	1) echo "QEMU ended without an '[hv] end:' line (or with an exception); see the log" ;;
	2) echo "minihv refused to run (see the FATAL line above)" ;;
	3) echo "timeout after ${TIMEOUT}s" ;;
	esac
}

quote_cmd() {
	local out='' a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./,:=+@%-]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
	done
	echo "${out# }"
}

# ---------------------------------------------------------------- main
main() {
	local image='' efi='' tcg=0 dry=0 check=0 gdb=0 gdb_port=1234 log='' memory=512 timeout_set=0
	local -a files=() extra=()
	OPT_OVMF_CODE=; OPT_OVMF_VARS=; TIMEOUT=120
	while [ $# -gt 0 ]; do
		case $1 in
		--image) [ $# -ge 2 ] || die "--image needs a FILE"; image=$2; shift ;;
		--efi) [ $# -ge 2 ] || die "--efi needs a FILE"; efi=$2; shift ;;
		--file) [ $# -ge 2 ] || die "--file needs NAME=PATH"; files+=("$2"); shift ;;
		--ovmf-code) [ $# -ge 2 ] || die "--ovmf-code needs a FILE"; OPT_OVMF_CODE=$2; shift ;;
		--ovmf-vars) [ $# -ge 2 ] || die "--ovmf-vars needs a FILE"; OPT_OVMF_VARS=$2; shift ;;
		--tcg) tcg=1 ;;
		--memory) [ $# -ge 2 ] || die "--memory needs MIB"; memory=$2; shift ;;
		--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; TIMEOUT=$2; timeout_set=1; shift ;;
		--log) [ $# -ge 2 ] || die "--log needs a FILE"; log=$2; shift ;;
		--gdb) gdb=1 ;;
		--gdb-port) [ $# -ge 2 ] || die "--gdb-port needs a port"; gdb=1; gdb_port=$2; shift ;;
		--dry-run) dry=1 ;;
		--check-kvm) check=1 ;;
		-h|--help) usage; exit 0 ;;
		--) shift; extra=("$@"); break ;;
		*) die "unknown option '$1' (see ./run-qemu.sh --help)" ;;
		esac
		shift
	done
	[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "--timeout wants whole seconds, got '$TIMEOUT'"
	[[ $memory =~ ^[0-9]+$ ]] || die "--memory wants MiB, got '$memory'"
	[[ $gdb_port =~ ^[0-9]+$ ]] || die "--gdb-port wants a number, got '$gdb_port'"
	[ -n "$image" ] && [ -n "$efi" ] && die "give --image or --efi, not both"
	[ ${#files[@]} -gt 0 ] && [ -z "$efi" ] && die "--file only goes with --efi"
	[ "$gdb" = 1 ] && [ "$timeout_set" = 0 ] && TIMEOUT=0

	# Which accelerator.
	local -a accel
	kvm_decide
	if [ "$check" = 1 ]; then
		if [ ${#KVM_REASONS[@]} -eq 0 ]; then
			say "KVM usable: Intel host, $KVM_DEV accessible, nested VT-x on"
			exit 0
		fi
		local r; for r in "${KVM_REASONS[@]}"; do say "$r"; done
		exit "$EXIT_NOSTART"
	fi
	if [ "$tcg" = 1 ]; then
		say "using TCG (--tcg): the guest CPU has no VT-x, so minihv will refuse with E_NO_VTX"
		accel=(-accel tcg -cpu max)
	elif [ ${#KVM_REASONS[@]} -eq 0 ]; then
		say "using KVM: Intel host, $KVM_DEV accessible, nested VT-x on"
		accel=(-enable-kvm -cpu host)
	else
		local r; for r in "${KVM_REASONS[@]}"; do say "$r"; done
		die "cannot use KVM; add --tcg to boot without it (minihv then refuses: no VT-x), or use 'make run' (Bochs)"
	fi

	# What to boot.
	if [ -z "$efi" ] && [ -z "$image" ]; then
		image=$ROOT/build/minihv-usb.img
		[ -f "$image" ] || [ "$dry" = 1 ] || die "$image not found: run 'make usb' (or give --image FILE / --efi FILE)"
	fi
	[ -z "$image" ] || [ -f "$image" ] || [ "$dry" = 1 ] || die "image $image not found"
	[ -z "$efi" ] || [ -f "$efi" ] || die "EFI file $efi not found: run make"
	if ! command -v "$QEMU" >/dev/null 2>&1 && [ "$dry" = 0 ]; then
		die "$QEMU not found: install QEMU (Debian/Ubuntu: sudo apt install qemu-system-x86; Fedora: sudo dnf install qemu-system-x86)"
	fi
	find_ovmf

	local tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/minihv-qemu.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	if [ -n "$efi" ]; then
		image=$tmp/disk.img
		if [ "$dry" = 0 ]; then
			"$ROOT/tools/mkimage.sh" "$image" "$efi" "${files[@]}" || die "building a disk image for $efi failed"
		fi
	fi

	local -a fw cmd
	if [ -n "$OVMF_VARS_FILE" ]; then
		[ "$dry" = 1 ] || cp "$OVMF_VARS_FILE" "$tmp/OVMF_VARS.fd"
		fw=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE_FILE"
		    -drive "if=pflash,format=raw,unit=1,file=$tmp/OVMF_VARS.fd")
	else
		fw=(-bios "$OVMF_CODE_FILE")
	fi
	cmd=("$QEMU" -machine q35 "${accel[@]}" -m "$memory" -smp 1 "${fw[@]}"
	     -drive "format=raw,file=$image,snapshot=on"
	     -net none -display none -monitor none -serial stdio -no-reboot)
	if [ "$gdb" = 1 ]; then
		if [ "$gdb_port" = 1234 ]; then cmd+=(-s -S); else cmd+=(-gdb "tcp::$gdb_port" -S); fi
	fi
	cmd+=("${extra[@]}")

	if [ "$dry" = 1 ]; then
		say "dry run: would boot $image (timeout ${TIMEOUT}s)"
		quote_cmd "${cmd[@]}"
		exit 0
	fi
	if [ "$gdb" = 1 ]; then
		local attach="gdb -q -x tools/gdb/minihv.gdb"
		[ "$gdb_port" = 1234 ] || attach+=" -ex 'minihv-connect :$gdb_port'"
		say "QEMU is halted, waiting for gdb on :$gdb_port. In another terminal, from $ROOT:"
		if [ -n "$log" ]; then
			say "  $attach -ex 'minihv-wait $log'        (symbols once the banner appears)"
		fi
		say "  $attach -ex 'minihv-load IMAGE_BASE'   (IMAGE_BASE from the banner of an earlier run: the same build, firmware and --memory load at the same address)"
	fi

	local serial=${log:-$tmp/serial.log} rc st
	: > "$serial" || die "cannot write the log file $serial"
	set +e
	if [ "$TIMEOUT" -gt 0 ]; then
		timeout --foreground -k 5 "$TIMEOUT" "${cmd[@]}" | tee "$serial"
	else
		"${cmd[@]}" | tee "$serial"
	fi
	st=("${PIPESTATUS[@]}")
	set -e
	if [ "${st[0]}" = 124 ] || [ "${st[0]}" = 137 ]; then
		rc=$EXIT_TIMEOUT
	else
		rc=$(verdict "$serial")
		if [ "$rc" = "$EXIT_NO_VERDICT" ] && [ "${st[0]}" != 0 ]; then
			say "QEMU exited with status ${st[0]}"
		fi
	fi
	say "$(verdict_text "$rc") (exit $rc)"
	exit "$rc"
}

main "$@"
