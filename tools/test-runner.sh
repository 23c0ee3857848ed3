#!/usr/bin/env bash
# Runs minihv's tests and prints one closing line "N passed, N failed".
#   tools/test-runner.sh host   host unit tests (plain and under ASan+UBSan) and shell tests
#   tools/test-runner.sh all    the above, bounded fuzzing, and the boot tests in Bochs and QEMU
# Every test reports TAP lines ("ok ..." / "not ok ..."); this script counts them.
# Environment: HOST_TESTS, TSAN_TESTS, FUZZ_TARGETS (from make), LINT=1 (also tools/lint.sh),
#              FUZZ_SECONDS (default 10 per target; make fuzz-long runs each for 10 minutes),
#              BOOT_JOBS (default 2), BOOT_FILTER (a regex on boot-test names).
set -u
mode=${1:-all}
B=build
LOGS=$B/test-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"
RESULTS=$LOGS/results.tap
: > "$RESULTS"

# run_tap NAME CMD...: run a TAP-speaking command, keep its lines, and add one line for its exit status.
run_tap() {
  local name=$1; shift
  local out=$LOGS/$name.log
  mkdir -p "$(dirname "$out")"
  "$@" > "$out" 2>&1
  local rc=$?
  grep -E "^(not )?ok\b" "$out" | sed -E "s#^(not ok|ok)( [0-9]+)?( -)?#\1 $name:#" >> "$RESULTS"
  if [ $rc -eq 0 ]; then
    echo "ok $name: exit status 0" >> "$RESULTS"
  else
    echo "not ok $name: exit status $rc (see $out)" >> "$RESULTS"
    echo "FAIL $name (exit $rc), last lines of $out:"; tail -15 "$out" | sed 's/^/    /'
  fi
  printf '%-40s %s\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAILED)"
}

export CMOCKA_MESSAGE_OUTPUT=TAP
for t in ${HOST_TESTS:-}; do
  run_tap "host/$t" "$B/host/$t"
  run_tap "san/$t" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 "$B/host-san/$t"
done
for t in ${TSAN_TESTS:-}; do
  run_tap "tsan/$t" env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$B/host-tsan/$t"
done
for s in tests/shell/*.sh; do
  [ -e "$s" ] || continue
  run_tap "shell/$(basename "$s" .sh)" bash "$s"
done

if [ "${LINT:-0}" = 1 ]; then
  run_tap "lint" tools/lint.sh
fi
if [ "$mode" = all ]; then
  for f in ${FUZZ_TARGETS:-}; do
    run_tap "fuzz/$f" tools/fuzz-bounded.sh "$B/fuzz/$f" "${FUZZ_SECONDS:-10}"
  done
  run_tap "boot" python3 tests/boot/boot_tests.py --jobs "${BOOT_JOBS:-2}" ${BOOT_FILTER:+--filter "$BOOT_FILTER"}
fi

passed=$(grep -c '^ok ' "$RESULTS")
failed=$(grep -c '^not ok ' "$RESULTS")
if [ "$failed" -gt 0 ]; then echo "Failed tests:"; grep '^not ok ' "$RESULTS" | sed 's/^/  /'; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
