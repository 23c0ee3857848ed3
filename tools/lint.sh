#!/usr/bin/env bash
# make lint (and make test): the static checks, one TAP line each, zero findings expected.
#   cppcheck      warnings, style, performance, portability over boot/ arch/ vmm/ ept/
#   clang-tidy    the checks of .clang-tidy over every product C file (image flags; boot/ with GNU-EFI's)
#   layers        tools/check-layers.py: layering, GNU-EFI only in boot/, no include circle, file size
# The compiler adds -Wall -Wextra -Wmissing-prototypes -Werror to every image build (Makefile).
set -u
cd "$(dirname "$0")/.."
out=build/lint; mkdir -p "$out"
n=0; failed=0
report() {   # report NAME LOGFILE STATUS
  n=$((n + 1))
  if [ "$3" -eq 0 ]; then echo "ok $n - $1"; else
    failed=$((failed + 1)); echo "not ok $n - $1 (see $2)"; sed 's/^/#   /' "$2" | head -40; fi
}
for tool in cppcheck clang-tidy; do
  command -v "$tool" >/dev/null || { echo "not ok - lint: $tool is not installed (make deps installs it)"; exit 1; }
done

srcs=$(find arch vmm ept -name '*.c' | sort)
efi_srcs=$(find boot -name '*.c' | sort)
defs=(-DHV_SERIAL_PORT=0x3F8 -DHV_VERSION='"lint"' -DHV_COMMIT='"lint"')

cppcheck -q --std=c11 --enable=warning,style,performance,portability --inline-suppr \
         --suppress=missingIncludeSystem --error-exitcode=1 -I. "${defs[@]}" \
         $srcs $efi_srcs > "$out/cppcheck.log" 2>&1
rc=$?; [ -s "$out/cppcheck.log" ] && rc=1
report "cppcheck: boot/ arch/ vmm/ ept/ ($(echo $srcs $efi_srcs | wc -w) files)" "$out/cppcheck.log" $rc

echo "$srcs" | xargs -P "$(nproc)" -n 4 sh -c 'clang-tidy --quiet "$@" -- -std=c11 -I. -ffreestanding \
  -DHV_SERIAL_PORT=0x3F8 -DHV_VERSION="\"lint\"" -DHV_COMMIT="\"lint\"" 2>/dev/null' sh > "$out/clang-tidy.log"
grep -E 'warning:|error:' "$out/clang-tidy.log" > "$out/clang-tidy.findings"
report "clang-tidy: arch/ vmm/ ept/ ($(echo $srcs | wc -w) files)" "$out/clang-tidy.findings" $([ -s "$out/clang-tidy.findings" ] && echo 1 || echo 0)

echo "$efi_srcs" | xargs -P "$(nproc)" -n 4 sh -c 'clang-tidy --quiet "$@" -- -std=gnu11 -I. -I/usr/include/efi \
  -I/usr/include/efi/x86_64 -ffreestanding -fshort-wchar -DGNU_EFI_USE_MS_ABI -DHV_SERIAL_PORT=0x3F8 \
  -DHV_VERSION="\"lint\"" -DHV_COMMIT="\"lint\"" 2>/dev/null' sh > "$out/clang-tidy-boot.log"
grep -E 'warning:|error:' "$out/clang-tidy-boot.log" > "$out/clang-tidy-boot.findings"
report "clang-tidy: boot/ with GNU-EFI ($(echo $efi_srcs | wc -w) files)" "$out/clang-tidy-boot.findings" $([ -s "$out/clang-tidy-boot.findings" ] && echo 1 || echo 0)

tools/check-layers.py > "$out/layers.log" 2>&1
rc=$?   # before the command substitutions below, whose grep would set $? instead
report "layers: $(grep -c '^ok' "$out/layers.log") of $(grep -c '^\(not \)\?ok' "$out/layers.log") rules hold (tools/check-layers.py)" "$out/layers.log" $rc

echo "1..$n"
[ "$failed" -eq 0 ]
