#!/usr/bin/env python3
"""The layering rules of the source tree (HACKING.md, "Where each concern lives"), checked from the
#include lines of every product file:

  boot/ -> vmm/ -> ept/, arch/x86_64/ -> arch/lib/

A file may include only its own layer or the layers below; ept/ and arch/x86_64/ do not include
each other (the EPT library is CPU-independent, the CPU layer knows nothing of EPT); only boot/
includes GNU-EFI. A unit is a .c file with its header (x.c + x.h); no two units may depend on each
other through includes, directly or around a longer circle. No product file is over 500 lines.

Prints one TAP line per rule and exits 1 if any is broken, naming each offending include.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRODUCT = ["boot", "arch", "vmm", "ept"]
MAX_LINES = 500
# What each layer may include (besides itself).
ALLOWED = {
    "boot": {"boot", "vmm", "ept", "arch/x86_64", "arch/lib"},
    "vmm": {"vmm", "ept", "arch/x86_64", "arch/lib"},
    "ept": {"ept", "arch/lib"},
    "arch/x86_64": {"arch/x86_64", "arch/lib"},
    "arch/lib": {"arch/lib"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer(path):
    for name in ("arch/lib", "arch/x86_64", "boot", "vmm", "ept"):
        if path == name or path.startswith(name + "/"):
            return name
    return None


def product_files():
    for top in PRODUCT:
        for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h", ".asm")):
                    yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def includes(path):
    out = []
    for i, line in enumerate(open(os.path.join(ROOT, path), errors="replace"), 1):
        m = INCLUDE.match(line)
        if m:
            out.append((i, m.group(1), m.group(2)))
    return out


def find_cycles(graph):
    """Strongly connected components with more than one unit (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    files = list(product_files())
    layer_errors, efi_errors, size_errors = [], [], []
    graph = {}
    for f in files:
        lay = layer(f)
        nlines = sum(1 for _ in open(os.path.join(ROOT, f), errors="replace"))
        if nlines > MAX_LINES:
            size_errors.append("%s: %d lines (at most %d)" % (f, nlines, MAX_LINES))
        unit = os.path.splitext(f)[0]
        for lineno, kind, inc in includes(f):
            if kind == "<":
                if (inc.startswith("efi") or inc.startswith("efilib")) and lay != "boot":
                    efi_errors.append("%s:%d includes <%s>: only boot/ may use GNU-EFI" % (f, lineno, inc))
                continue
            target = layer(inc)
            if target is None:
                continue
            if target not in ALLOWED[lay]:
                layer_errors.append("%s:%d includes \"%s\": %s/ may not depend on %s/" % (f, lineno, inc, lay, target))
            dep = os.path.splitext(inc)[0]
            if dep != unit:
                graph.setdefault(unit, set()).add(dep)
    cycles = find_cycles(graph)
    results = [
        ("layers run one way: boot -> vmm -> (ept, arch/x86_64) -> arch/lib", layer_errors),
        ("only boot/ includes GNU-EFI", efi_errors),
        ("no include circle between units (x.c + x.h)", ["circle: " + " <-> ".join(c) for c in cycles]),
        ("no product file over %d lines" % MAX_LINES, size_errors),
    ]
    failed = 0
    for n, (what, errors) in enumerate(results, 1):
        print("%s %d - %s (%d files)" % ("not ok" if errors else "ok", n, what, len(files)))
        for e in errors:
            print("#   " + e)
        failed += bool(errors)
    print("1..%d" % len(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
