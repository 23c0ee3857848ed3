"""Boot tests for issue 16: the loader finds the processors (OVMF's MP services), HV.CFG cpus=
chooses how many minihv takes, each AP enters VMX root operation, and the guest gets one vCPU per
processor (docs/guest-abi.md "vCPUs"). Bochs with several CPUs.

With more than one CPU in use, every line after `[hv] cpus: <n> of <m> in VMX root operation ...`
carries its CPU, `[hv:<cpu>] ` and `[guest:<cpu>] ` (vCPU i runs on CPU i), and the lines of
different CPUs interleave in any order. So the multi-CPU cases split the log by tag and check each
vCPU's own lines exactly, in order (smp_check):
  - vCPU 0: from `[hv:0] vmlaunch: guest=<name> rip=0x8010020`; a started vCPU i: from
    `[hv:i] vcpu i: vmlaunch rip=0x<rip> rsp=0x<rsp> (started by vcpu 0)`;
  - then its guest lines and exits, its end `[hv:i] guest: <what>` and
    `[hv:i] summary: guest=<name> vcpu=i exits=<n> <REASON>=<n> ...` (exits = the sum; the reasons
    exact, IO_INSTRUCTION = the bytes of its serial lines; EXCEPTION_NMI and EXTERNAL_INTERRUPT may
    come on top: the shootdown IPI may be one);
  - and nothing after that on CPU i, but on CPU 0, after every vCPU ended: `run: ...`, the summed
    `summary: guest=<name> vcpus=<n> ...` (each reason the sum of the vCPUs'), `log:`,
    `ept-audit:`, `vmxoff: ok`, `end:`, `poweroff: shutdown`.
With one CPU nothing changes: `[hv] `, `[guest] ` (smp-2cpu-cpus1).
"""
import re

from boot_tests import Case
from cases_hostile import asm_defines
from cases_vmx import DEFAULT_GUEST, END_OK, VMX_MODELS, check_summary_counts

LOAD, ENTRY, MEM_END = 0x8010000, 0x8010020, 0x8400000
REGION = "region=0x8000000-0x83fffff"
TIMEOUT = 300
NO_FAILURE = [r"^\[hv(:\d+)?\] cpu \d+: .*left out", r"^\[hv(:\d+)?\] FATAL", r"^\[guest(:\d+)?\] FAILED"]
EXTRA_EXITS = ("EXCEPTION_NMI", "EXTERNAL_INTERRUPT")   # a shootdown IPI may show as one
HEX = r"0x[0-9a-f]+"


DEF = asm_defines("default")
SHOOT = asm_defines("smpshoot")
CALLS = asm_defines("smpcalls")
END = asm_defines("smpend")


def cpus_line(count, use, want):
    ids = "0" if count == 1 else "0-%d" % (count - 1)
    return (r"^\[hv\] cpus: count=%d source=mp-services apic_ids=%s bsp=0 use=%d \(HV\.CFG cpus=%s\)$"
            % (count, ids, use, want))


def up_lines(count, use):
    """The APs entering VMX root operation (untagged), then the line after which every line is tagged."""
    return [r"^\[hv\] cpu %d: apic_id=%d vmxon=ok$" % (i, i) for i in range(1, use)] + [
        r"^\[hv\] cpus: %d of %d in VMX root operation, one vCPU each \(tsc \d+ ticks/ms from pit\)$" % (use, count)]


def launch0(guest):
    return r"^\[hv:0\] vmlaunch: guest=%s rip=0x%x$" % (guest, ENTRY)


def launch(i, rip, rsp):
    """A started vCPU's first line; rip None: any (the guest's label)."""
    return (r"^\[hv:%d\] vcpu %d: vmlaunch rip=%s rsp=0x%x \(started by vcpu 0\)$"
            % (i, i, HEX if rip is None else "0x%x" % rip, rsp))


def end_lines(guest, count, run, audit, status="OK", code=0, suppressed="0"):
    """CPU 0's lines after every vCPU ended (the summed summary is checked by smp_check)."""
    return [r"^\[hv:0\] run: vcpus=%d started=%d shootdowns=\d+ status=%s$" % (count, count, status)
            if run is None else run,
            r"^\[hv:0\] summary: guest=%s vcpus=%d exits=\d+( \w+=\d+)*$" % (guest, count),
            r"^\[hv:0\] log: lines=\d+ suppressed=%s dropped=0$" % suppressed,
            r"^\[hv:0\] ept-audit: %s outside=0 %s$" % (audit, REGION),
            r"^\[hv:0\] vmxoff: ok$", r"^\[hv:0\] end: status=%s code=%d$" % (status, code),
            r"^\[hv:0\] poweroff: shutdown$"]


CPUS_DONE = re.compile(r"^\[hv\] cpus: \d+ of \d+ in VMX root operation, one vCPU each ")
TAGGED = re.compile(r"^\[(hv|guest):(\d+)\] ")
UNTAGGED = re.compile(r"^\[(hv|guest)\] ")
COUNTS = re.compile(r"^exits=(\d+)((?: \w+=\d+)*)$")


def parse_counts(text):
    """'exits=5 CPUID=2 VMCALL=3' -> (5, {'CPUID': 2, 'VMCALL': 3}) or None."""
    m = COUNTS.match(text)
    if not m:
        return None
    return int(m.group(1)), {k: int(v) for k, v in (kv.split("=") for kv in m.group(2).split())}


def serial_bytes(guest_lines, tag, skip=()):
    """IO_INSTRUCTION exits for the [guest:i] lines that came byte by byte through COM1."""
    return sum(len(l) - len(tag) + 1 for l in guest_lines if l[len(tag):] not in skip)


def smp_check(guest, count, vcpus, end, started=None, skip_io=(), extra=None):
    """A check= function for a multi-CPU boot (module docstring).
    vcpus: for each started vCPU i, (regexes from its launch line through its `guest:` end line,
    {REASON: count} for its summary without IO_INSTRUCTION, which is computed). end: CPU 0's
    regexes after vCPU 0's summary (end_lines). extra(per_cpu_lines) -> error or None."""
    started = len(vcpus) if started is None else started

    def check(lines):
        starts = [n for n, l in enumerate(lines) if CPUS_DONE.search(l)]
        if len(starts) != 1:
            return "expected one `[hv] cpus: <n> of <m> in VMX root operation` line, got %d" % len(starts)
        per = {}
        for n in range(starts[0] + 1, len(lines)):
            l = lines[n]
            if UNTAGGED.match(l):
                return "untagged line after the cpus: line: %r" % l
            m = TAGGED.match(l)
            if m:
                per.setdefault(int(m.group(2)), []).append((n, l))
        if any(c >= started for c in per):
            return "lines from CPU(s) %s, but only vCPUs 0-%d were started" % (
                sorted(c for c in per if c >= started), started - 1)
        totals, total_exits, ends = {}, 0, []
        for i, (want, reasons) in enumerate(vcpus):
            seq = per.get(i, [])
            first = [k for k, (_, l) in enumerate(seq) if re.search(want[0], l)]
            if not first:
                return "vCPU %d: no line matches %s" % (i, want[0])
            got = [l for _, l in seq[first[0]:]]
            tail = end if i == 0 else []
            if len(got) != len(want) + 1 + len(tail):
                return "vCPU %d: expected %d lines from its launch on, got %d:\n    %s" % (
                    i, len(want) + 1 + len(tail), len(got), "\n    ".join(got))
            for rx, l in zip(want + [None] + tail, got):
                if rx is not None and not re.search(rx, l):
                    return "vCPU %d: expected %s, got %r" % (i, rx, l)
            ends.append(seq[first[0] + len(want)][0])
            # Its summary: exits = the sum, the reasons exact (IO from its serial lines).
            prefix = "[hv:%d] summary: guest=%s vcpu=%d " % (i, guest, i)
            s = got[len(want)]
            parsed = parse_counts(s[len(prefix):]) if s.startswith(prefix) else None
            if parsed is None:
                return "vCPU %d: expected its summary line (%s...), got %r" % (i, prefix, s)
            exits, counts = parsed
            tag = "[guest:%d] " % i
            want_counts = dict(reasons)
            io = serial_bytes([l for l in got if l.startswith(tag)], tag, skip_io)
            if io:
                want_counts["IO_INSTRUCTION"] = io
            if sum(counts.values()) != exits:
                return "vCPU %d: exits=%d but its reasons add up to %d: %r" % (i, exits, sum(counts.values()), s)
            for k in set(counts) | set(want_counts):
                if k in EXTRA_EXITS and k not in want_counts:
                    continue
                if counts.get(k, 0) != want_counts.get(k, 0):
                    return "vCPU %d: %s=%d, expected %d: %r" % (i, k, counts.get(k, 0), want_counts.get(k, 0), s)
            for k, v in counts.items():
                totals[k] = totals.get(k, 0) + v
            total_exits += exits
        # The run's lines come after every vCPU ended.
        run_at = per[0][[k for k, (_, l) in enumerate(per[0]) if l.startswith("[hv:0] run: ")][0]][0]
        if any(e > run_at for e in ends):
            return "the run: line came before every vCPU's summary"
        prefix = "[hv:0] summary: guest=%s vcpus=%d " % (guest, started)
        s = [l for _, l in per[0] if l.startswith(prefix)][0]
        exits, counts = parse_counts(s[len(prefix):])
        if exits != total_exits or counts != totals:
            return "the run's summary %r is not the sum of the vCPUs' (exits=%d %r)" % (s, total_exits, totals)
        return extra(per) if extra else None
    return check


# ---------------------------------------------------------------- the default guest on every vCPU
VCPU_PAGES, VCPU_STACK, GVA_STRIDE = DEF["VCPU_PAGES"], DEF["VCPU_STACK"], DEF["GVA_STRIDE"]
_hello = DEFAULT_GUEST.index(r"^\[guest\] hello from the default guest$")
_done = DEFAULT_GUEST.index(r"^\[hv\] guest: done exit_code=0$")
STORY = DEFAULT_GUEST[_hello:_done + 1]             # hello .. `guest: done exit_code=0`
PRE_LAUNCH = DEFAULT_GUEST[:_hello - 1]            # loaded, ept, budget, vmcs
LOW_PAGE, HIGH_PAGE = 0x8000000 + DEF["PAGE_A"], 0x8000000 + DEF["PAGE_F"] + 0x1000


def retag(rx, i):
    return rx.replace(r"^\[hv\] ", r"^\[hv:%d\] " % i).replace(r"^\[guest\] ", r"^\[guest:%d\] " % i)


def shift(rx, i):
    """The one-CPU story line for vCPU i: its pages i * VCPU_PAGES up, its window i * 2 MiB up."""
    def one(m):
        s, v = m.group(0), int(m.group(0), 16)
        if LOW_PAGE <= v < HIGH_PAGE:
            v += i * VCPU_PAGES
        elif v == DEF["GVA_WINDOW"]:
            v += i * GVA_STRIDE
        else:
            return s
        return "0x%0*x" % (len(s) - 2, v)
    return retag(re.sub(r"0x[0-9a-f]{7,16}", one, rx), i)


def default_vcpus(count):
    out = []
    for i in range(count):
        want = [launch0("default") if i == 0 else launch(i, ENTRY, MEM_END - i * VCPU_STACK)]
        for rx in STORY:
            want.append(shift(rx, i))
            if i == 0 and "hello through HC_PRINT" in rx:
                want += [r"^\[guest:0\] started vcpu %d$" % j for j in range(1, count)]
        out.append((want, {"CPUID": 2, "VMCALL": 7 + (count - 1 if i == 0 else 0),
                           "EPT_VIOLATION": 4, "EPT_MISCONFIG": 1}))
    return out


def default_smp(name, model, count, cfg, cpus_rx, ask_line=()):
    """The default guest's story on each of count vCPUs, every line exact."""
    vcpus = default_vcpus(count)
    end = end_lines("default", count, None, "leaves=2 mapped=0x400000")
    files = {"HV.CFG": cfg} if cfg else None
    return Case(name, model=model, cpus=count, timeout=TIMEOUT, files=files,
                expect=[cpus_rx] + list(ask_line) + up_lines(count, count) + [retag(rx, 0) for rx in PRE_LAUNCH]
                + [launch0("default"), r"^\[guest:0\] all cases done$"] + end,
                forbid=NO_FAILURE, check=smp_check("default", count, vcpus, end,
                                                    skip_io=("hello through HC_PRINT",)))


# Two CPUs with cpus=all is the default's boot (smp-2cpu-default); HV.CFG's parsing of all is
# host-tested (test_config).
CASES = [
    default_smp("smp-4cpu-all-corei7_skylake_x", "corei7_skylake_x", 4, "cpus=all\n", cpus_line(4, 4, "all")),
    default_smp("smp-4cpu-all-broadwell_ult", "broadwell_ult", 4, "cpus=all\n", cpus_line(4, 4, "all")),
    # No cpus=: the default, every processor (was the boot processor alone before vCPUs).
    default_smp("smp-2cpu-default", "corei7_skylake_x", 2, None, cpus_line(2, 2, r"all, the default")),
    # More than the machine has: what exists, said in one line.
    default_smp("smp-2cpu-ask8", "corei7_skylake_x", 2, "cpus=8\n", cpus_line(2, 2, "8"), ask_line=[
        r"^\[hv\] cpus: HV\.CFG cpus=8 but the machine has 2: minihv takes the 2 there are$"]),
    # cpus=1 on a 2-CPU machine: exactly the one-CPU story, no tag, no AP started.
    Case("smp-2cpu-cpus1", cpus=2, timeout=TIMEOUT, files={"HV.CFG": "cpus=1\n"},
         expect=[cpus_line(2, 1, "1")] + DEFAULT_GUEST + END_OK, check=check_summary_counts,
         forbid=NO_FAILURE + [r"^\[(hv|guest):", r"^\[hv\] cpu \d+:", r"^\[hv\] cpus: \d+ of", r"^\[hv\] run: ",
                              r"vcpu \d+: vmlaunch"]),
]


# ---------------------------------------------------------------- smpshoot: the TLB shootdown proof
SHARED = 0x8000000 + SHOOT["SHARED_PAGE"]


def shoot_extra(count):
    """Every reader started at the same label, took its violation at the same read, resumed at the
    same address, all inside the image; the run counted at least one shootdown."""
    def extra(per):
        seen = {}
        for i in range(1, count):
            for _, l in per[i]:
                for what, rx in (("start", r"vmlaunch rip=(%s)" % HEX), ("read", r"ept-violation rip=(%s)" % HEX),
                                 ("resume", r"resumed at (%s)$" % HEX)):
                    m = re.search(rx, l)
                    if m:
                        seen.setdefault(what, set()).add(int(m.group(1), 16))
        for what, addrs in sorted(seen.items()):
            if len(addrs) != 1 or not LOAD <= min(addrs) < LOAD + 0x10000:
                return "readers' %s addresses %s: expected one, inside the image" % (what, sorted(map(hex, addrs)))
        run = [l for _, l in per[0] if l.startswith("[hv:0] run: ")][0]
        if int(re.search(r"shootdowns=(\d+)", run).group(1)) < 1:
            return "no shootdown counted: %r" % run
        return None
    return extra


def smpshoot(model, count):
    vcpus = [([launch0("smpshoot"),
               r"^\[guest:0\] smpshoot: %d vcpus read the page at offset 0x%x in a loop$" % (count, SHOOT["SHARED_PAGE"])]
              + [r"^\[guest:0\] vcpu %d: shootdown ok$" % i for i in range(1, count)]
              + [r"^\[guest:0\] smpshoot done$", r"^\[hv:0\] guest: done exit_code=0$"],
              {"CPUID": 1, "VMCALL": count + 2})]     # HC_SET_RESUME, the starts, HC_PROTECT, HC_DONE
    for i in range(1, count):
        vcpus.append(([launch(i, None, MEM_END - i * SHOOT["VCPU_STACK"]),
                       r"^\[hv:%d\] ept-violation rip=%s gpa=0x%016x gla=0x%016x access=r-- ept=--- translated qual=0x181$"
                       % (i, HEX, SHARED, SHARED),
                       r"^\[hv:%d\] ept-policy: gpa=0x%x protected by the guest: kept, resumed at %s$" % (i, SHARED, HEX),
                       r"^\[hv:%d\] guest: done exit_code=0$" % i],
                      {"EPT_VIOLATION": 1, "VMCALL": 1}))
    # P stays protected (no permissions): one page less mapped.
    end = end_lines("smpshoot", count, None, r"leaves=\d+ mapped=0x3ff000")
    return Case("smp-%dcpu-smpshoot-%s" % (count, model), model=model, cpus=count, timeout=TIMEOUT,
                files={"HV.CFG": "cpus=all\nguest=smpshoot\n"},
                expect=up_lines(count, count) + [launch0("smpshoot")]
                + [r"^\[guest:0\] vcpu %d: shootdown ok$" % i for i in range(1, count)] + end,
                forbid=NO_FAILURE + [r"STALE", r"never faulted", r"reads before the wait ended"],
                check=smp_check("smpshoot", count, vcpus, end, extra=shoot_extra(count)))


CASES += [smpshoot(m, 2) for m in VMX_MODELS] + [smpshoot("corei7_skylake_x", 4)]


# ---------------------------------------------------------------- smpcalls: hostile vCPU starts
def smpcalls_case():
    g0 = [("vcpus", 2), ("start vcpu 0", -10), ("start own index 0", -10), ("start vcpu 2 (the count)", -10),
          ("start vcpu 0xffffffffffffffff", -10), ("start vcpu 1 rip past memory", -2),
          ("start vcpu 1 rsp past memory", -2), ("start vcpu 1 rsp at memory base", -2), ("start vcpu 1", 0),
          ("start vcpu 1 again", -11), ("start vcpu 1 after it finished", -11)]
    g1 = [("rbx at start", 1), ("rdi rsi rdx unlike vcpu 0's at entry", 0), ("HC_VCPU_INDEX", 1),
          ("cpuid 0x40000001 ecx (index)", 1), ("cpuid 0x40000001 ebx (count)", 2), ("start own index 1", -10),
          ("start vcpu 0", -10)]
    line = lambda i, what, v: r"^\[guest:%d\] %s: %d$" % (i, re.escape(what), v)
    vcpus = [([launch0("smpcalls")] + [line(0, w, v) for w, v in g0] + [r"^\[hv:0\] guest: done exit_code=0$"],
              {"CPUID": 1, "VMCALL": 12}),    # 10 starts, HC_VCPU_INDEX, HC_DONE
             ([launch(1, None, MEM_END - CALLS["VCPU_STACK"])] + [line(1, w, v) for w, v in g1]
              + [r"^\[hv:1\] guest: done exit_code=0$"],
              {"CPUID": 1, "VMCALL": 4})]     # HC_VCPU_INDEX, 2 starts, HC_DONE
    end = end_lines("smpcalls", 2, r"^\[hv:0\] run: vcpus=2 started=2 shootdowns=0 status=OK$",
                    "leaves=2 mapped=0x400000")
    return Case("smp-2cpu-smpcalls", cpus=2, timeout=TIMEOUT, files={"HV.CFG": "cpus=all\nguest=smpcalls\n"},
                expect=up_lines(2, 2) + [launch0("smpcalls"), line(0, "start vcpu 1", 0),
                                         line(0, "start vcpu 1 after it finished", -11)] + end,
                forbid=NO_FAILURE + [r"never finished"], check=smp_check("smpcalls", 2, vcpus, end))


CASES.append(smpcalls_case())


# ---------------------------------------------------------------- smpend: an ending per vCPU
SMPEND_BUDGET_MTSC = 100       # 10^8 TSC ticks: vCPU 2's spin ends in seconds of Bochs time


def smpend_case():
    fault = LOAD + END["FAULT_OFFSET"]
    triple = r"ended: triple fault \(shutdown\) at rip=0x%x" % fault
    budget = r"ended: time budget used up \(VMX-preemption timer\)"
    stack = lambda i: MEM_END - i * END["VCPU_STACK"]
    # A started vCPU's registers are vCPU 0's entry state (RDI, RSI, RDX), RBX = its index, every
    # other one 0, unless its code changed it (RAX, RSI: puts; the guest touches no other).
    regs = lambda i: [r"^\[hv:%d\] guest-regs rax=%s rbx=0x%x rcx=0x0 rdx=0x%x rsi=%s rdi=0x8000000 rbp=0x0 rsp=0x%x$"
                      % (i, HEX, i, LOAD, HEX, stack(i)),
                      r"^\[hv:%d\] guest-regs r8=0x0 r9=0x0 r10=0x0 r11=0x0 r12=0x0 r13=0x0 r14=0x0 r15=0x0$" % i]
    vcpus = [([launch0("smpend"), r"^\[guest:0\] smpend vcpu 0 done$", r"^\[hv:0\] guest: done exit_code=0$"],
              {"CPUID": 1, "VMCALL": 4}),
             ([launch(1, None, stack(1)), r"^\[guest:1\] smpend vcpu 1: ud2 with no IDT$"] + regs(1)
              + [r"^\[hv:1\] guest: %s$" % triple], {"TRIPLE_FAULT": 1}),
             ([launch(2, None, stack(2)), r"^\[guest:2\] smpend vcpu 2: cli, then a tight loop$"] + regs(2)
              + [r"^\[hv:2\] guest: %s$" % budget], {"PREEMPTION_TIMER": 1}),
             ([launch(3, None, stack(3)), r"^\[guest:3\] smpend vcpu 3: HC_DONE 0$",
               r"^\[hv:3\] guest: done exit_code=0$"], {"VMCALL": 1})]
    end = end_lines("smpend", 4, r"^\[hv:0\] run: vcpus=4 started=4 shootdowns=0 status=E_GUEST first=vcpu1: %s$"
                    % triple, "leaves=2 mapped=0x400000", status="E_GUEST", code=12, suppressed=r"\d+")
    return Case("smp-4cpu-smpend", cpus=4, timeout=TIMEOUT,
                files={"HV.CFG": "cpus=all\nguest=smpend\nbudget_mtsc=%d\n" % SMPEND_BUDGET_MTSC},
                expect=up_lines(4, 4) + [r"^\[hv:0\] budget: %d million TSC ticks " % SMPEND_BUDGET_MTSC,
                                         launch0("smpend")] + end,
                forbid=NO_FAILURE, check=smp_check("smpend", 4, vcpus, end))


CASES.append(smpend_case())

# QEMU TCG (no VT-x, about 5 s): the processors found through MP services on another firmware
# build, with 4 CPUs; the run then ends at the VT-x check as on one CPU.
CASES.append(Case("smp-qemu-4cpu-discovery", emulator="qemu", qemu_args=["-smp", "4"], timeout=90,
                  files={"HV.CFG": "cpus=all\n"},
                  expect=[cpus_line(4, 4, "all"), r"^\[hv\] FATAL E_NO_VTX \(code 2\): ",
                          r"^\[hv\] end: status=E_NO_VTX code=2$"],
                  forbid=[r"^\[hv\] cpu \d+:"]))
