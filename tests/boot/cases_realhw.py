"""Issue 13: the real-machine guest (guest/realhw.asm) on every Bochs CPU model with EPT. Each check
in the guest prints "[guest] realhw: <check>: ok" or "... FAIL <why>"; the guest ends with HC_DONE
and the number of failed checks. The expected checks per model are listed below, in order. A check
that does not apply to a model still prints its line, with a note: "<check>: ok (<note>)"."""
import re

from boot_tests import Case
from cases_vmx import BANNER, VMX_MODELS

END_OK = [r"^\[hv\] guest: done exit_code=0$", r"^\[hv\] vmxoff: ok$", r"^\[hv\] end: status=OK code=0$"]


# ---------------------------------------------------------------- XSAVE, XSETBV, MONITOR (guest/realhw/xsave.inc)
# What each Bochs model offers the guest, as its CPUID says (CPUID.1:ECX.XSAVE and .AVX, the XCR0 bits
# of leaf 0xd): Bochs 2.7 has no MPX on any model.
XSAVE_FEATURES = {
    "corei7_skylake_x":          {"xsave", "avx", "avx512"},
    "broadwell_ult":             {"xsave", "avx"},
    "corei7_haswell_4770":       {"xsave", "avx"},
    "corei7_sandy_bridge_2600k": {"xsave", "avx"},
    "corei5_lynnfield_750":      set(),
    "corei7_icelake_u":          {"xsave", "avx", "avx512"},
    "tigerlake":                 {"xsave", "avx", "avx512"},
}


def xsave_checks(model):
    """The XSAVE checks' lines on this model, in order (guest/realhw/xsave.inc)."""
    f = XSAVE_FEATURES[model]

    def when(feature, name, note):
        return name if feature in f else "%s: ok (no %s on this model)" % (name, note)

    out = ["cpuid monitor", when("xsave", "cpuid osxsave", "XSAVE"), when("xsave", "xsetbv x87 sse", "XSAVE")]
    out.append(when("avx", "xsetbv avx", "AVX") if "xsave" in f else "xsetbv avx: ok (no AVX on this model)")
    out += [when("xsave", n, "XSAVE") for n in ("xsetbv invalid xcr1", "xsetbv invalid x87 clear",
                                                "xsetbv invalid avx without sse", "xsetbv invalid unsupported")]
    out.append(when("avx512", "xsetbv avx512", "AVX-512"))
    out.append(when("mpx", "xsetbv invalid mpx partial", "MPX"))
    return out


def checks(model):
    """The guest's check lines on this model, in order: a name (the line is "<name>: ok") or a
    whole "<name>: ok (<note>)"."""
    events = ["interrupts with IF=1 and an IDT: no host vector arrived",
              "cr8 is the guest's own, a reserved bit takes #GP"]
    # guest/realhw/state.inc: DR7 across an exit, the guest's MSRs, WBINVD, GDT/IDT and LTR. The same
    # on every model: all seven have the debug and PAT controls and WBINVD exiting.
    state = ["debug-breakpoint", "msr-efer", "msr-entry", "msr-round-trip", "msr-fs-base", "msr-non-canonical",
             "msr-unknown", "wbinvd", "gdt-idt", "ltr"]
    return events + xsave_checks(model) + state


def line(check):
    return check if ": ok" in check else check + ": ok"


# HV.CFG test_nmi=on: the hypervisor sends itself an NMI in root mode just before VMLAUNCH; it is
# counted and the run goes on (arch/x86_64/nmi.h). The guest never sees it.
NMI = [r"^\[hv\] test: test_nmi=on: sending this CPU an NMI in root mode$",
       r"^\[hv\] vmlaunch: guest=realhw "]
# The WBINVD check's one WBINVD exit (skipped by the hypervisor) shows in the summary.
END_NMI = [r"^\[hv\] summary: guest=realhw exits=\d+ .*\bWBINVD=1\b",
           r"^\[hv\] interrupts: nmi_root=1 nmi_guest=0 external=0$"]

CASES = [
    Case("realhw-" + model, model=model, files={"HV.CFG": "guest=realhw\ntest_nmi=on\n"},
         expect=[BANNER] + NMI + [r"^\[guest\] realhw: %s$" % re.escape(line(c)) for c in checks(model)]
         + [END_OK[0]] + END_NMI + END_OK[1:],
         forbid=[r"^\[guest\] realhw: .*FAIL", r"^\[guest\] realhw: unexpected"])
    for model in VMX_MODELS
]
