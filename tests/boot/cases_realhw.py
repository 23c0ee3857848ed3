"""Issue 13: the real-machine guest (guest/realhw.asm) on every Bochs CPU model with EPT. Each check
in the guest prints "[guest] realhw: <check>: ok" or "... FAIL <why>"; the guest ends with HC_DONE
and the number of failed checks. The expected checks per model are listed below, in order."""
from boot_tests import Case
from cases_vmx import BANNER, VMX_MODELS

END_OK = [r"^\[hv\] guest: done exit_code=0$", r"^\[hv\] vmxoff: ok$", r"^\[hv\] end: status=OK code=0$"]


def checks(model):
    """The guest's check lines on this model, in order."""
    names = []
    # ---- guest/realhw/state.inc: DR7 across an exit, the guest's MSRs, WBINVD, GDT/IDT and LTR.
    # The same on every model: all seven have the debug and PAT controls and WBINVD exiting.
    names += ["debug-breakpoint", "msr-efer", "msr-entry", "msr-round-trip", "msr-fs-base", "msr-non-canonical",
              "msr-unknown", "wbinvd", "gdt-idt", "ltr"]
    return names


def summary(model):
    """Lines the end-of-guest summary must match (after "guest: done", before "vmxoff"), in order."""
    lines = []
    # ---- guest/realhw/state.inc: the WBINVD check's one WBINVD exit (the hypervisor skipped it).
    lines += [r"^\[hv\] summary: .*\bWBINVD=1\b"]
    return lines


CASES = [
    Case("realhw-" + model, model=model, files={"HV.CFG": "guest=realhw\n"},
         expect=[BANNER, r"^\[hv\] vmlaunch: guest=realhw "] + [r"^\[guest\] realhw: %s: ok$" % c for c in checks(model)]
         + END_OK[:1] + summary(model) + END_OK[1:],
         forbid=[r"^\[guest\] realhw: .*FAIL", r"^\[guest\] realhw: unexpected"])
    for model in VMX_MODELS
]
