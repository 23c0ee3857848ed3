#!/usr/bin/env bash
# run-qemu.sh without booting: the KVM decision (faked /dev/kvm, /proc/cpuinfo, kvm_intel's nested
# parameter) through --dry-run and --check-kvm, the OVMF search, the QEMU command line, and the exit
# codes, with a fake QEMU that prints a serial log. Prints TAP lines; exits non-zero on a failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RQ=$ROOT/run-qemu.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/test_run_qemu.XXXXXX")
trap 'rm -rf "$T"' EXIT
chmod 755 "$T"
failures=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# Fake host files.
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: fpu vme de pse msr vmx smx est\n' > "$T/cpuinfo.intel"
printf 'processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nflags\t\t: fpu vme de pse msr hypervisor\n' > "$T/cpuinfo.novmx"
printf 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n' > "$T/cpuinfo.amd"
: > "$T/kvm"; chmod 666 "$T/kvm"
echo Y > "$T/nested.Y"; echo 1 > "$T/nested.1"; echo N > "$T/nested.N"; echo 0 > "$T/nested.0"
: > "$T/code.fd"; : > "$T/vars.fd"; : > "$T/disk.img"
chmod 644 "$T"/*

NESTED_CMD='echo "options kvm_intel nested=1" | sudo tee /etc/modprobe.d/kvm-nested.conf && sudo modprobe -r kvm_intel && sudo modprobe kvm_intel'
MSG_AMD="run-qemu: AMD host (vendor_id AuthenticAMD): minihv needs Intel VT-x and cannot run under AMD nested SVM; use an Intel machine, or --tcg to see the refusal"
MSG_NO_KVM="run-qemu: no $T/nokvm: load the module (sudo modprobe kvm_intel) and enable VT-x (Intel Virtualization Technology) in the firmware setup"
MSG_NESTED_OFF="run-qemu: nested VT-x is off (kvm_intel nested=N): turn it on with: $NESTED_CMD"
MSG_CANNOT="run-qemu: cannot use KVM; add --tcg to boot without it (minihv then refuses: no VT-x), or use 'make run' (Bochs)"
MSG_KVM_OK="run-qemu: using KVM: Intel host, $T/kvm accessible, nested VT-x on"
MSG_TCG="run-qemu: using TCG (--tcg): the guest CPU has no VT-x, so minihv will refuse with E_NO_VTX"

# rq CPUINFO KVM NESTED ARGS...: run run-qemu.sh with the fakes; sets OUT (stdout), ERR (stderr), RC.
rq() {
	local cpu=$1 kvm=$2 nested=$3; shift 3
	RC=0
	MINIHV_CPUINFO=$cpu MINIHV_KVM_DEV=$kvm MINIHV_NESTED_PARAM=$nested \
		"$RQ" --ovmf-code "$T/code.fd" --ovmf-vars "$T/vars.fd" "$@" > "$T/out" 2> "$T/err" || RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}

# expect NAME WANT_RC [LINE...]: RC must be WANT_RC and stderr must hold each LINE exactly.
expect() {
	local name=$1 want=$2 line; shift 2
	if [ "$RC" != "$want" ]; then not_ok "$name" "exit $RC, want $want" "stderr: $ERR"; return; fi
	for line in "$@"; do
		if ! grep -Fxq -- "$line" "$T/err"; then not_ok "$name" "missing line: $line" "stderr: $ERR"; return; fi
	done
	ok "$name"
}

has() { [[ " $OUT " == *" $1 "* ]]; }

# ---- the decisions
rq "$T/cpuinfo.intel" "$T/kvm" "$T/nested.Y" --dry-run --image "$T/disk.img"
expect "intel + /dev/kvm + nested=Y: KVM (exit 0)" 0 "$MSG_KVM_OK"
if has "-enable-kvm" && has "-cpu host" && has "-net none" && has "-no-reboot" && has "-serial stdio" \
   && has "format=raw,file=$T/disk.img,snapshot=on" && has "if=pflash,format=raw,unit=0,readonly=on,file=$T/code.fd" \
   && ! has "-accel tcg" && [[ $OUT != *"file=$T/vars.fd"* ]] && [[ $OUT == *"unit=1,file="*"/OVMF_VARS.fd"* ]]; then
	ok "KVM command line: -enable-kvm -cpu host, pflash code read-only, a copy of VARS, -net none, -no-reboot"
else
	not_ok "KVM command line" "got: $OUT"
fi

rq "$T/cpuinfo.intel" "$T/kvm" "$T/nested.1" --check-kvm
expect "nested=1 counts as on (--check-kvm exit 0)" 0 "run-qemu: KVM usable: Intel host, $T/kvm accessible, nested VT-x on"

rq "$T/cpuinfo.intel" "$T/nokvm" "$T/nested.Y" --dry-run --image "$T/disk.img"
expect "no /dev/kvm: says load kvm_intel / enable VT-x, exit 4" 4 "$MSG_NO_KVM" "$MSG_CANNOT"
[ -z "$OUT" ] && ok "no /dev/kvm: no command line printed" || not_ok "no /dev/kvm: no command line printed" "got: $OUT"

# /dev/kvm without access: as root every file is accessible, so run that case as nobody.
: > "$T/kvm.noaccess"; chmod 600 "$T/kvm.noaccess"
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null \
	   && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$RQ"; then
		RC=0
		setpriv --reuid=65534 --regid=65534 --clear-groups env MINIHV_CPUINFO="$T/cpuinfo.intel" \
			MINIHV_KVM_DEV="$T/kvm.noaccess" MINIHV_NESTED_PARAM="$T/nested.Y" TMPDIR="$T" \
			"$RQ" --ovmf-code "$T/code.fd" --ovmf-vars "$T/vars.fd" --dry-run --image "$T/disk.img" \
			> "$T/out" 2> "$T/err" || RC=$?
		ERR=$(cat "$T/err"); user=$(setpriv --reuid=65534 --regid=65534 --clear-groups id -un)
		expect "/dev/kvm not accessible: says add user to kvm group, exit 4" 4 \
			"run-qemu: $T/kvm.noaccess is not readable and writable by $user: add yourself to the kvm group (sudo usermod -aG kvm $user), then log in again" \
			"$MSG_CANNOT"
	else
		ok "# SKIP /dev/kvm not accessible: root without setpriv to drop privileges"
	fi
else
	chmod 000 "$T/kvm.noaccess"
	rq "$T/cpuinfo.intel" "$T/kvm.noaccess" "$T/nested.Y" --dry-run --image "$T/disk.img"
	expect "/dev/kvm not accessible: says add user to kvm group, exit 4" 4 \
		"run-qemu: $T/kvm.noaccess is not readable and writable by $(id -un): add yourself to the kvm group (sudo usermod -aG kvm $(id -un)), then log in again" \
		"$MSG_CANNOT"
fi

rq "$T/cpuinfo.amd" "$T/kvm" "$T/nested.Y" --dry-run --image "$T/disk.img"
expect "AMD host: says AMD nested SVM cannot run it, exit 4" 4 "$MSG_AMD" "$MSG_CANNOT"
[ "$(grep -c '^run-qemu: ' "$T/err")" = 2 ] && ok "AMD host: one reason line (no kvm_intel advice)" \
	|| not_ok "AMD host: one reason line" "stderr: $ERR"

rq "$T/cpuinfo.novmx" "$T/kvm" "$T/nomodule" --dry-run --image "$T/disk.img"
expect "Intel host without the vmx flag: says enable VT-x / nested for this VM, exit 4" 4 \
	"run-qemu: Intel host without VT-x (no vmx flag in $T/cpuinfo.novmx): enable Intel Virtualization Technology in the firmware setup; if this host is itself a VM, turn on nested virtualization for it" "$MSG_CANNOT"

rq "$T/cpuinfo.intel" "$T/kvm" "$T/nested.N" --dry-run --image "$T/disk.img"
expect "nested=N: prints the exact modprobe command, exit 4" 4 "$MSG_NESTED_OFF" "$MSG_CANNOT"
rq "$T/cpuinfo.intel" "$T/kvm" "$T/nested.0" --check-kvm
expect "nested=0 counts as off (--check-kvm exit 4)" 4 \
	"run-qemu: nested VT-x is off (kvm_intel nested=0): turn it on with: $NESTED_CMD"

rq "$T/cpuinfo.intel" "$T/nokvm" "$T/nomodule" --check-kvm
expect "no /dev/kvm and kvm_intel not loaded: one line" 4 "$MSG_NO_KVM"

rq "$T/cpuinfo.amd" "$T/nokvm" "$T/nomodule" --tcg --dry-run --image "$T/disk.img"
expect "--tcg on an AMD host without /dev/kvm: boots with TCG (exit 0)" 0 "$MSG_TCG"
if has "-accel tcg" && has "-cpu max" && ! has "-enable-kvm"; then ok "--tcg command line: -accel tcg -cpu max, no -enable-kvm"
else not_ok "--tcg command line" "got: $OUT"; fi

rq "$T/cpuinfo.intel" "$T/kvm" "$T/nested.Y" --tcg --dry-run --image "$T/disk.img"
has "-accel tcg" && ! has "-enable-kvm" && ok "--tcg wins over a usable KVM" || not_ok "--tcg wins over a usable KVM" "got: $OUT"

# ---- gdb and options
rq "$T/cpuinfo.amd" "$T/kvm" "$T/nested.Y" --tcg --gdb --dry-run --image "$T/disk.img"
has "-s" && has "-S" && ok "--gdb: -s -S" || not_ok "--gdb: -s -S" "got: $OUT"
[[ $ERR == *"timeout 0s"* ]] && ok "--gdb: no timeout unless given" || not_ok "--gdb: no timeout unless given" "stderr: $ERR"
rq "$T/cpuinfo.amd" "$T/kvm" "$T/nested.Y" --tcg --gdb-port 4321 --dry-run --image "$T/disk.img"
has "-gdb tcp::4321" && has "-S" && ok "--gdb-port 4321: -gdb tcp::4321 -S" || not_ok "--gdb-port" "got: $OUT"
rq "$T/cpuinfo.amd" "$T/kvm" "$T/nested.Y" --tcg --dry-run --image "$T/disk.img" -- -d int
[[ $OUT == *" -d int" ]] && ok "arguments after -- go to QEMU" || not_ok "arguments after -- go to QEMU" "got: $OUT"
rq "$T/cpuinfo.amd" "$T/kvm" "$T/nested.Y" --tcg --bogus
expect "unknown option: exit 4" 4 "run-qemu: unknown option '--bogus' (see ./run-qemu.sh --help)"

RC=0; "$RQ" --help > "$T/help" 2>&1 || RC=$?
missing=
for opt in $(grep -o -- '^\s*--[a-z-]*)' "$RQ" | tr -d ' \t)'); do
	grep -q -- "^  $opt\b" "$T/help" || missing+=" $opt"
done
for code in 0 1 2 3 4; do grep -q "^  $code  " "$T/help" || missing+=" exit-$code"; done
[ "$RC" = 0 ] && [ -z "$missing" ] && ok "--help lists every option and exit code" \
	|| not_ok "--help lists every option and exit code" "rc=$RC missing:$missing"

# ---- OVMF search (MINIHV_OVMF_ROOT prefixes the standard locations)
ovmf() {
	RC=0
	env -u OVMF_CODE -u OVMF_VARS MINIHV_OVMF_ROOT="$1" MINIHV_CPUINFO="$T/cpuinfo.amd" \
		"$RQ" --tcg --dry-run --image "$T/disk.img" > "$T/out" 2> "$T/err" || RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}
mkdir -p "$T/fedora/usr/share/edk2/ovmf" "$T/ubuntu/usr/share/ovmf" "$T/deb4m/usr/share/OVMF" "$T/none"
: > "$T/fedora/usr/share/edk2/ovmf/OVMF_CODE.fd"; : > "$T/fedora/usr/share/edk2/ovmf/OVMF_VARS.fd"
: > "$T/ubuntu/usr/share/ovmf/OVMF.fd"
: > "$T/deb4m/usr/share/OVMF/OVMF_CODE_4M.fd"; : > "$T/deb4m/usr/share/OVMF/OVMF_VARS_4M.fd"
ovmf "$T/fedora"
[ "$RC" = 0 ] && has "if=pflash,format=raw,unit=0,readonly=on,file=$T/fedora/usr/share/edk2/ovmf/OVMF_CODE.fd" \
	&& ok "OVMF: Fedora's /usr/share/edk2/ovmf pair" || not_ok "OVMF: Fedora pair" "rc=$RC $OUT $ERR"
ovmf "$T/deb4m"
[ "$RC" = 0 ] && has "if=pflash,format=raw,unit=0,readonly=on,file=$T/deb4m/usr/share/OVMF/OVMF_CODE_4M.fd" \
	&& ok "OVMF: Debian's _4M pair" || not_ok "OVMF: Debian 4M pair" "rc=$RC $OUT $ERR"
ovmf "$T/ubuntu"
[ "$RC" = 0 ] && has "-bios $T/ubuntu/usr/share/ovmf/OVMF.fd" && ok "OVMF: a single OVMF.fd goes to -bios" \
	|| not_ok "OVMF: single OVMF.fd" "rc=$RC $OUT $ERR"
ovmf "$T/none"
expect "OVMF missing: exit 4 with the install command" 4 \
	"run-qemu: no OVMF firmware found: install it (Debian/Ubuntu: sudo apt install ovmf; Fedora: sudo dnf install edk2-ovmf) or give --ovmf-code FILE --ovmf-vars FILE"

# ---- exit codes of a run, with a fake QEMU printing a serial log on stdout
cat > "$T/fakeqemu" <<'EOF'
#!/usr/bin/env bash
printf '%b' "${FAKE_LOG:-}"
[ -n "${FAKE_SLEEP:-}" ] && exec sleep "$FAKE_SLEEP"
exit "${FAKE_RC:-0}"
EOF
chmod 755 "$T/fakeqemu"
run_fake() {
	RC=0
	MINIHV_QEMU="$T/fakeqemu" MINIHV_CPUINFO="$T/cpuinfo.amd" FAKE_LOG=$1 FAKE_SLEEP=${2:-} \
		"$RQ" --tcg --ovmf-code "$T/code.fd" --ovmf-vars "$T/vars.fd" --image "$T/disk.img" \
		--log "$T/serial.log" --timeout "${3:-20}" > "$T/out" 2> "$T/err" || RC=$?
	OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
}
run_fake '\e[2J[hv] banner: x\r\n[hv] end: status=OK code=0\r\n[hv] poweroff: shutdown\r\n'
expect "end OK: exit 0" 0 "run-qemu: run ended OK (exit 0)"
grep -q 'end: status=OK code=0' "$T/serial.log" && [[ $OUT == *"status=OK"* ]] \
	&& ok "serial log on stdout and in --log FILE" || not_ok "serial log on stdout and in --log FILE" "out: $OUT"
run_fake '[hv] FATAL E_NO_VTX (code 2): x\r\n[hv] end: status=E_NO_VTX code=2\r\n[hv] poweroff: shutdown\r\n'
expect "refusal E_NO_VTX: exit 2" 2 "run-qemu: minihv refused to run (see the FATAL line above) (exit 2)"
run_fake '[hv] end: status=E_NO_EPT code=5\r\n'
expect "refusal E_NO_EPT: exit 2" 2
run_fake '[hv] EXCEPTION #GP\r\n[hv] end: status=EXCEPTION code=-1\r\n'
expect "status=EXCEPTION: exit 1" 1
run_fake '[hv] banner: x\r\n'
expect "no end line: exit 1" 1
run_fake '[hv] banner: x\r\n' 30 1
expect "timeout: exit 3" 3 "run-qemu: timeout after 1s (exit 3)"

echo "1..$n"
[ "$failures" = 0 ]
