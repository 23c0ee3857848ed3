#!/usr/bin/env python3
"""Exit-path benchmark (issue 6): boots the built-in guest "bench" (guest/bench.asm) in Bochs on a
few CPU models, once with HV.CFG exit_log=on (the default) and once with exit_log=off, reads its
"[guest] bench: ..." lines and prints one table: TSC ticks per VM exit for each exit kind, the
minimal reference path beside it and the ratio to it, then the issue's targets with met / NOT MET.

Nothing is asserted about the figures (they are measurements, not tests): the exit status is 0
unless a boot failed or a bench line is missing. docs/benchmarks.md explains the figures.

  tests/bench/exit_bench.py [--models M1,M2] [--jobs 2] [--timeout S] [--guest GUEST.BIN]
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EFI = os.path.join(ROOT, "build", "BOOTX64.EFI")
OUT = os.path.join(ROOT, "build", "bench-exit")
MKIMAGE = os.path.join(ROOT, "tools", "mkimage.sh")
RUN_BOCHS = os.path.join(ROOT, "tests", "boot", "run-bochs.sh")
# The bench guest protects up to 100,000 pages (ept_prot_many): 391 MiB of guest memory and more,
# from HV.CFG mem_mib (docs/guest-abi.md, "Memory"), in a Bochs machine with room for it.
BENCH_MEM_MIB = 448
BENCH_BOCHS_MEGS = 1024
# The emulated clock rate the figures were measured at (run-bochs.sh): the TSC counts instructions
# at any rate, but the UART's speed in instructions, which ept_logged includes, depends on it.
BENCH_BOCHS_IPS = 200000000
BENCH_MANY_PAGES = 100000

DEFAULT_MODELS = ["corei7_skylake_x", "corei5_lynnfield_750"]
LOG_SETTINGS = ["on", "off"]
# In the order guest/bench.asm measures and prints them.
KINDS = [
    ("cpuid_hv", "CPUID 0x40000000 (hypervisor's leaf)"),
    ("cpuid_0", "CPUID 0 (passthrough)"),
    ("vmcall_nop", "VMCALL HC_NOP"),
    ("out_0x80", "OUT to port 0x80"),
    ("ept_violation", "EPT violation, resumed"),
    ("ept_logged", "EPT violation, first 32 (logged)"),
    ("ept_prot_64", "EPT violation, 64 pages protected"),
    ("ept_prot_many", "EPT violation, many pages protected"),
    ("reference", "reference path (CPUID)"),
    ("protect_pair", "HC_PROTECT r, then rwx (per pair)"),
]
# Several vCPUs (issue 16): the bench guest starts the others in a loop without exits, so every
# Bochs CPU runs all the time and the TSC still counts one CPU's instructions. On SMP_MODEL with
# exit_log=off: the common exits must cost what they cost on one CPU (SMP_RATIO_MAX), and
# protect_pair shows what the shootdown to the other vCPUs adds.
SMP_MODEL = "corei7_skylake_x"
SMP_CPUS = [2, 4]
SMP_RATIO_MAX = 1.05
SMP_COMMON = ["cpuid_hv", "cpuid_0", "vmcall_nop", "out_0x80"]
KIND_NAMES = [k for k, _ in KINDS]

# Lines of vCPU 0 (tagged [guest:0]/[hv:0] when there are several CPUs: docs/log-format.md).
BENCH_RX = re.compile(r"^\[guest(?::0)?\] bench: kind=(\w+)((?: \w+=\d+)+) ticks_per_exit=\S+$")
BENCH_FIELDS = ("iters", "exit", "nop", "drain", "probes")
PROT_RX = re.compile(r"^\[guest(?::0)?\] bench: kind=(\w+) protected=(\d+)$")
BENCH_ERR_RX = re.compile(r"^\[guest(?::0)?\] bench: kind=(\w+) error=(-?\d+) \((.*)\)$")
DONE_RX = re.compile(r"^\[guest(?::0)?\] bench: done kinds=(\d+) failed=(\d+) min_ticks=(\d+) probe_ticks=(\d+) "
                     r"drain=(ok|timeout)$")
GUEST_END_RX = re.compile(r"^\[hv(?::0)?\] guest: (.*)$")
RUN_RX = re.compile(r"^\[hv:0\] run: vcpus=(\d+) started=(\d+) shootdowns=(\d+) status=(\w+)")
CONFIG_COMPLAINT_RX = re.compile(r"^\[hv(?::0)?\] config: .*line \d+: ")


class Boot:
    """One boot of the bench guest: its results, or why there are none."""

    def __init__(self, model, exit_log, cpus=1):
        self.model, self.exit_log, self.cpus = model, exit_log, cpus
        self.name = "%s-exit_log-%s" % (model, exit_log) + ("" if cpus == 1 else "-%dcpus" % cpus)
        self.workdir = os.path.join(OUT, self.name)
        self.serial = os.path.join(self.workdir, "serial.log")
        self.ticks = {}       # kind -> ticks per exit (float)
        self.raw = {}         # kind -> {field: value} as printed
        self.protected = {}   # EPT kind -> pages protected while it was measured
        self.errors = []      # what went wrong, for the report
        self.wait_s = self.boot_s = 0.0
        self.min_ticks = self.probe_ticks = None
        self.run = None       # (vcpus, started, shootdowns, status) of a run with several vCPUs

    def ok(self):
        return not self.errors


def clean_lines(raw):
    text = raw.decode("utf-8", "replace").replace("\r", "")
    text = re.sub(r"\x1b\[[0-9;=?]*[A-Za-z]", "", text)   # firmware console escape codes
    return text.split("\n")


def ticks_per_exit(f):
    """(T_exit - T_nop + drain) / N + 1: the +1 is the NOP's own tick (see guest/bench.asm)."""
    return (f["exit"] - f["nop"] + f["drain"]) / f["iters"] + 1


def parse(boot, lines):
    for line in lines:
        m = BENCH_RX.match(line)
        if m:
            fields = {k: int(v) for k, v in (kv.split("=") for kv in m.group(2).split())}
            if any(k not in fields for k in BENCH_FIELDS) or fields["iters"] < 1:
                boot.errors.append("malformed bench line: %s" % line)
                continue
            boot.raw[m.group(1)] = fields
            boot.ticks[m.group(1)] = ticks_per_exit(fields)
            continue
        m = PROT_RX.match(line)
        if m:
            boot.protected[m.group(1)] = int(m.group(2))
            continue
        m = BENCH_ERR_RX.match(line)
        if m:
            boot.errors.append("kind %s not measured: hypercall returned %s (%s)" % m.groups())
            continue
        m = DONE_RX.match(line)
        if m:
            boot.min_ticks, boot.probe_ticks = int(m.group(3)), int(m.group(4))
            if m.group(5) != "ok":
                boot.errors.append("the log did not drain (drain=timeout): figures after it are suspect")
            continue
        m = RUN_RX.match(line)
        if m:
            boot.run = tuple(int(x) for x in m.groups()[:3]) + (m.group(4),)
            continue
        if CONFIG_COMPLAINT_RX.match(line):
            boot.errors.append("HV.CFG refused: %s" % line)
    if boot.min_ticks is None:
        boot.errors.append("no bench: done line")
    for kind in KIND_NAMES:
        if kind not in boot.ticks and not any(e.startswith("kind %s " % kind) for e in boot.errors):
            boot.errors.append("no bench line for kind %s" % kind)
    ends = [m.group(1) for m in map(GUEST_END_RX.match, lines) if m]
    if "done exit_code=0" not in ends:
        boot.errors.append("the guest did not end with done exit_code=0 (%s)"
                           % (ends[-1] if ends else "no guest end line"))
    if boot.cpus > 1 and (boot.run is None or boot.run[:2] != (boot.cpus, boot.cpus) or boot.run[3] != "OK"):
        boot.errors.append("want run: vcpus=%d started=%d status=OK, got %r" % (boot.cpus, boot.cpus, boot.run))


def run_boot(boot, guest_bin, timeout):
    shutil.rmtree(boot.workdir, ignore_errors=True)
    os.makedirs(boot.workdir)
    try:
        cfg = os.path.join(boot.workdir, "hv.cfg")
        with open(cfg, "w") as f:
            f.write("guest=bench\nexit_log=%s\nmem_mib=%d\n" % (boot.exit_log, BENCH_MEM_MIB))
        disk = os.path.join(boot.workdir, "disk.img")
        files = ["HV.CFG=" + cfg] + (["GUEST.BIN=" + guest_bin] if guest_bin else [])
        subprocess.run([MKIMAGE, disk, EFI] + files, check=True)
        # run-bochs.sh first waits for one of the machine-wide Bochs slots; Bochs creates
        # serial.bochs.out when it starts, which separates the wait from the boot.
        started = time.time()
        bochs_out = os.path.join(boot.workdir, "serial.bochs.out")
        env = dict(os.environ, BOCHS_MEGS=str(BENCH_BOCHS_MEGS), BOCHS_IPS=str(BENCH_BOCHS_IPS),
                   BOCHS_CPUS=str(boot.cpus))
        proc = subprocess.Popen([RUN_BOCHS, boot.model, disk, boot.serial, str(timeout)],
                                stdout=subprocess.DEVNULL, env=env)
        boot_start = None
        while proc.poll() is None:
            if boot_start is None and os.path.exists(bochs_out):
                boot_start = time.time()
            time.sleep(0.1)
        end = time.time()
        boot_start = boot_start or started
        boot.wait_s, boot.boot_s = boot_start - started, end - boot_start
        os.remove(disk)
        raw = open(boot.serial, "rb").read() if os.path.exists(boot.serial) else b""
        parse(boot, clean_lines(raw))
    except Exception as e:  # a broken boot is reported, not a crashed benchmark
        boot.errors.append("harness error: %r" % (e,))
    return boot


def fmt(x, spec="%.2f"):
    return "-" if x is None else spec % x


def print_table(models, boots):
    by = {(b.model, b.exit_log): b for b in boots}
    kind_w, col_w = max(len("%s: %s" % k) for k in KINDS), 25
    print()
    print("minihv exit-path benchmark: TSC ticks per VM exit (Bochs: 1 tick = 1 instruction, so")
    print("ticks/exit = 1 + the instructions the hypervisor runs from the exit to VMRESUME)")
    print("x ref = ticks / the reference path's ticks (same boot): the dispatcher's overhead")
    print()
    head1 = "%-*s %-8s" % (kind_w, "exit kind", "exit_log")
    head2 = "%-*s %-8s" % (kind_w, "", "")
    for m in models:
        head1 += " | %-*s" % (col_w, m)
        head2 += " | %9s %7s %7s" % ("ticks", "ref", "x ref")
    print(head1)
    print(head2)
    print("-" * len(head2))
    for kind, label in KINDS:
        for log in LOG_SETTINGS:
            row = "%-*s %-8s" % (kind_w, "%s: %s" % (kind, label) if log == "on" else "", log)
            for m in models:
                b = by.get((m, log))
                t = b.ticks.get(kind) if b else None
                ref = b.ticks.get("reference") if b else None
                ratio = t / ref if t is not None and ref else None
                row += " | %9s %7s %7s" % (fmt(t), fmt(ref), fmt(ratio, "%.2fx"))
            print(row)


def print_smp(boots):
    """The common exits on SMP_CPUS vCPUs against one, and protect_pair with its shootdown."""
    one = next((b for b in boots if b.model == SMP_MODEL and b.exit_log == "off" and b.cpus == 1), None)
    smp = {b.cpus: b for b in boots if b.cpus > 1}
    if not one or not smp:
        return
    print()
    print("several vCPUs (%s, exit_log=off): ticks per exit with the other vCPUs running a loop without exits;"
          % SMP_MODEL)
    print("Bochs runs every CPU in turn and its TSC follows their instructions, so a tick is still one instruction")
    head = "  %-36s %9s" % ("exit kind", "1 vCPU")
    for n in sorted(smp):
        head += " %9s %8s" % ("%d vCPUs" % n, "ratio")
    print(head)
    for kind in SMP_COMMON + ["protect_pair"]:
        base = one.ticks.get(kind)
        row = "  %-36s %9s" % (kind, fmt(base))
        for n in sorted(smp):
            t = smp[n].ticks.get(kind)
            row += " %9s %8s" % (fmt(t), fmt(t / base if t is not None and base else None, "%.3fx"))
        print(row)
    for n in sorted(smp):
        b = smp[n]
        base, t = one.ticks.get("protect_pair"), b.ticks.get("protect_pair")
        extra = t - base if t is not None and base is not None else None
        print("  protect_pair on %d vCPUs: +%s ticks per pair for the shootdown to %d other vCPU(s) (run: %s)"
              % (n, fmt(extra), n - 1, b.run))


def print_smp_targets(boots):
    one = next((b for b in boots if b.model == SMP_MODEL and b.exit_log == "off" and b.cpus == 1), None)
    if not one:
        return
    for b in sorted((b for b in boots if b.cpus > 1), key=lambda b: b.cpus):
        for kind in SMP_COMMON:
            base, t = one.ticks.get(kind), b.ticks.get(kind)
            ratio = t / base if t is not None and base else None
            print("  %-66s %-22s %-26s %s" % ("%s on %d vCPUs <= %.2fx one vCPU (exit_log=off)" % (kind, b.cpus, SMP_RATIO_MAX),
                                              SMP_MODEL, "%s / %s = %s" % (fmt(t), fmt(base), fmt(ratio, "%.3fx")),
                                              verdict(ratio, SMP_RATIO_MAX)))


def verdict(value, limit):
    if value is None:
        return "-"
    return "met" if value <= limit else "NOT MET"


def print_targets(models, boots):
    by = {(b.model, b.exit_log): b for b in boots}

    def t(m, log, kind):
        b = by.get((m, log))
        return b.ticks.get(kind) if b else None

    print()
    print("targets (issue 6), exit_log=on (the default) unless said otherwise:")
    rows = []
    for m in models:
        for kind, what, limit in (("vmcall_nop", "VMCALL exit <= 100 ticks", 100),
                                  ("cpuid_hv", "CPUID exit <= 120 ticks (leaf 0x40000000)", 120),
                                  ("cpuid_0", "CPUID exit <= 120 ticks (leaf 0, passthrough)", 120)):
            v = t(m, "on", kind)
            rows.append((what, m, fmt(v), verdict(v, limit)))
        on, off = t(m, "on", "ept_violation"), t(m, "off", "ept_violation")
        ratio = on / off if on is not None and off else None
        rows.append(("EPT violation: exit_log=on <= 1.2x exit_log=off", m,
                     "%s / %s = %s" % (fmt(on), fmt(off), fmt(ratio, "%.3fx")), verdict(ratio, 1.2)))
        # issue 15: the violation costs the same with 1, 64 and many protected pages (within 2 %)
        for log in LOG_SETTINGS:
            b = by.get((m, log))
            vals = [t(m, log, k) for k in ("ept_violation", "ept_prot_64", "ept_prot_many")]
            many = b.protected.get("ept_prot_many") if b else None
            spread = (max(vals) - min(vals)) / min(vals) if all(v for v in vals) else None
            rows.append(("EPT violation flat: 1/64/%s pages within 2%% (exit_log=%s)" % (many, log), m,
                         "/".join(fmt(v) for v in vals), verdict(spread, 0.02)))
            rows.append(("EPT violation measured with %d pages protected (exit_log=%s)" % (BENCH_MANY_PAGES, log), m,
                         str(many), "met" if many == BENCH_MANY_PAGES else "NOT MET"))
    for what, m, value, v in sorted(rows, key=lambda r: r[0]):
        print("  %-66s %-22s %-26s %s" % (what, m, value, v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(DEFAULT_MODELS), help="Bochs CPU models, comma-separated")
    ap.add_argument("--jobs", type=int, default=2, help="boots at once (at most 2: run-bochs.sh's slots)")
    ap.add_argument("--timeout", type=int, default=240, help="seconds per boot")
    ap.add_argument("--guest", default=None, help="boot this GUEST.BIN instead of the built-in bench guest")
    args = ap.parse_args()
    models = [m for m in args.models.split(",") if m]
    if not os.path.exists(EFI):
        print("exit_bench: %s missing (run make)" % EFI)
        return 1
    boots = [Boot(m, log) for m in models for log in LOG_SETTINGS]
    if SMP_MODEL in models:
        boots += [Boot(SMP_MODEL, "off", n) for n in SMP_CPUS]
    print("exit_bench: %d boots of guest=bench in Bochs (%s; exit_log=on/off), %d at a time; logs in %s"
          % (len(boots), ", ".join(models), min(max(args.jobs, 1), 2), os.path.relpath(OUT, ROOT)), flush=True)
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(max(args.jobs, 1), 2)) as pool:
        done = list(pool.map(lambda b: run_boot(b, args.guest, args.timeout), boots))
    for b in done:
        print("  %-40s boot %5.1fs (waited %4.1fs for a Bochs slot)%s"
              % (b.name, b.boot_s, b.wait_s, "" if b.min_ticks is None else "  min_ticks=%d" % b.min_ticks))
    print_table(models, [b for b in done if b.cpus == 1])
    print_targets(models, [b for b in done if b.cpus == 1])
    print_smp_targets(done)
    print_smp(done)
    failed = [b for b in done if not b.ok()]
    for b in failed:
        print("\nexit_bench: %s FAILED (serial log: %s):" % (b.name, os.path.relpath(b.serial, ROOT)))
        for e in b.errors:
            print("  " + e)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
