#!/usr/bin/env bash
# The SDM reference tables the host tests read live in the project (tests/reference/vmx/), so a
# plain clone tests itself. Checks: every table is there, each has its header row, and, where the
# team's shared folder sits beside the project (as in CI), the project's copy equals it.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
ref=$root/tests/reference/vmx
shared=$(dirname "$root")/shared/reference/vmx
n=0
t() { n=$((n + 1)); if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=1; fi; }
fail=0
for f in README.md ept_entry_format.tsv ept_violation_qualification.tsv exit_reasons.tsv \
         io_and_cr_qualifications.tsv vm_instruction_errors.tsv vmcs_fields.tsv vmx_controls.tsv vmx_msrs.tsv; do
  t "tests/reference/vmx/$f exists" "[ -s '$ref/$f' ]"
done
for f in "$ref"/*.tsv; do
  t "$(basename "$f") has a header row after its comments" "grep -v '^#' '$f' | head -1 | grep -q \$'\\t'"
done
if [ -d "$shared" ]; then
  t "tests/reference/vmx equals the shared reference tables beside the project" "diff -r '$shared' '$ref' >/dev/null"
else
  n=$((n + 1)); echo "ok $n - # SKIP no shared reference tables beside the project to compare with"
fi
echo "1..$n"
exit $fail
