"""Issue 13: the real-machine guest (guest/realhw.asm) on every Bochs CPU model with EPT. Each check
in the guest prints "[guest] realhw: <check>: ok" or "... FAIL <why>"; the guest ends with HC_DONE
and the number of failed checks. The expected checks per model are listed below, in order."""
from boot_tests import Case
from cases_vmx import BANNER, VMX_MODELS

END_OK = [r"^\[hv\] guest: done exit_code=0$", r"^\[hv\] vmxoff: ok$", r"^\[hv\] end: status=OK code=0$"]


def checks(model):
    """The guest's check lines on this model, in order."""
    events = [r"interrupts with IF=1 and an IDT: no host vector arrived",
              r"cr8 is the guest's own, a reserved bit takes #GP"]
    return events


# HV.CFG test_nmi=on: the hypervisor sends itself an NMI in root mode just before VMLAUNCH; it is
# counted and the run goes on (arch/x86_64/nmi.h). The guest never sees it.
NMI = [r"^\[hv\] test: test_nmi=on: sending this CPU an NMI in root mode$",
       r"^\[hv\] vmlaunch: guest=realhw "]
END_NMI = [r"^\[hv\] summary: guest=realhw exits=\d+ ",
           r"^\[hv\] interrupts: nmi_root=1 nmi_guest=0 external=0$"]

CASES = [
    Case("realhw-" + model, model=model, files={"HV.CFG": "guest=realhw\ntest_nmi=on\n"},
         expect=[BANNER] + NMI + [r"^\[guest\] realhw: %s: ok$" % c for c in checks(model)]
         + [END_OK[0]] + END_NMI + END_OK[1:],
         forbid=[r"^\[guest\] realhw: .*FAIL", r"^\[guest\] realhw: unexpected"])
    for model in VMX_MODELS
]
