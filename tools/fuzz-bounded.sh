#!/usr/bin/env bash
# tools/fuzz-bounded.sh FUZZER SECONDS: run a libFuzzer target for a bounded time from its seed corpus
# (tests/fuzz/corpus/<name>/ if present) and report one TAP line.
set -u
fz=$1; secs=$2; name=$(basename "$fz")
corpus=build/fuzz-corpus/$name; mkdir -p "$corpus"
seeds=tests/fuzz/corpus/$name
[ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null
"$fz" -max_total_time="$secs" -print_final_stats=1 "$corpus" > "build/test-logs/fuzz-$name.out" 2>&1
rc=$?
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "build/test-logs/fuzz-$name.out" | grep -o '[0-9]*$')
if [ $rc -eq 0 ]; then echo "ok 1 - $name: ${runs:-?} inputs in ${secs}s, no crash"; else
  echo "not ok 1 - $name: crash or sanitizer report (exit $rc)"; tail -30 "build/test-logs/fuzz-$name.out"; fi
exit $rc
