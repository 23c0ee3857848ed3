#!/usr/bin/env python3
"""Fill the "Bochs agrees" column of docs/vm-entry-checks.md from the serial logs of the entry-probe
boot tests (tests/boot/cases_entry_probe.py, after `make test` or
`python3 tests/boot/boot_tests.py --filter entry-probe`).

For each check id: `yes` if some probe failed that check alone and Bochs gave the checker's verdict;
`yes, with <ids>` if it failed only together with others and Bochs agreed; `no` if a probe where it
was the checker's first-stage failure disagreed (the section "Where Bochs differs" says why);
`not probed` otherwise. The probe that shows it is named in backquotes.

  tools/entry-probe-table.py [--check]   (--check: exit 1 if the doc is not up to date)
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "vm-entry-checks.md")
LOGS = os.path.join(ROOT, "build", "boot-tests", "entry-probe-*", "serial.log")


def probes():
    """(probe 'FIELD=value', [failed ids], agree) for every probe of every log."""
    out = []
    for path in sorted(glob.glob(LOGS)):
        cur, fails = None, []
        for line in open(path, errors="replace"):
            line = line.rstrip("\r\n")
            m = re.match(r"^\[hv\] entry-probe: \d+/\d+ (\S+)$", line)
            if m:
                cur, fails = m.group(1), []
                continue
            m = re.match(r"^\[hv\] vm-entry-check: FAIL (\S+) ", line)
            if m and cur:
                fails.append(m.group(1))
                continue
            m = re.match(r"^\[hv\] entry-probe: \d+/\d+ (\S+): cpu=\"[^\"]*\" checker=\"[^\"]*\": (agree|disagree)", line)
            if m and cur:
                out.append((cur, fails, m.group(2) == "agree"))
                cur = None
    return out


def verdicts(doc_ids, runs):
    stage = {}   # id -> "error 7" ... from the doc's verdict column
    best = {}
    for probe, fails, agree in runs:
        for f in fails:
            if agree and len(fails) == 1:
                best[f] = "yes (`%s`)" % probe
            elif agree and not best.get(f, "").startswith("yes ("):
                best.setdefault(f, "yes, with %s (`%s`)" % (", ".join("`%s`" % o for o in fails if o != f), probe))
            elif not agree and fails and f == fails[0]:
                best[f] = "**no** (`%s`; below)" % probe
    return {i: best.get(i, "not probed") for i in doc_ids}


def main():
    runs = probes()
    if not runs:
        sys.exit("no entry-probe logs under build/boot-tests: run the entry-probe boot tests first")
    text = open(DOC).read().split("\n")
    row = re.compile(r"^\| `([a-z0-9.-]+)` \|")
    ids = [row.match(l).group(1) for l in text if row.match(l)]
    col = verdicts(ids, runs)
    out = []
    for l in text:
        m = row.match(l)
        if m:
            cells = l.split(" | ")
            cells[-1] = col[m.group(1)] + " |"
            l = " | ".join(cells)
        out.append(l)
    new = "\n".join(out)
    if "--check" in sys.argv:
        sys.exit(0 if new == "\n".join(text) else "docs/vm-entry-checks.md: the Bochs column is out of date")
    open(DOC, "w").write(new)
    n = sum(1 for v in col.values() if v != "not probed")
    print("%d checks, %d probed by %d probes, %d where Bochs differs" %
          (len(ids), n, len(runs), sum(1 for v in col.values() if v.startswith("**no"))))


main()
