"""Boot tests for issue 16, phase 1: the loader finds the processors (OVMF's MP services), HV.CFG
cpus= chooses how many minihv takes, each AP started by INIT-SIPI-SIPI enters VMX root operation
and parks, and the default guest still runs on the boot processor. Bochs with several CPUs."""
from boot_tests import Case
from cases_vmx import DEFAULT_GUEST, END_OK, check_summary_counts

# The default guest's whole story, every field as on one CPU, then the usual end.
GUEST_OK = DEFAULT_GUEST + END_OK
NO_FAILURE = [r"^\[hv\] cpu \d+: .*left out", r"^\[hv\] FATAL"]


def cpus_line(count, use, want):
    ids = "0" if count == 1 else "0-%d" % (count - 1)
    return (r"^\[hv\] cpus: count=%d source=mp-services apic_ids=%s bsp=0 use=%d \(HV\.CFG cpus=%s\)$"
            % (count, ids, use, want))


def all_up(count, model):
    return Case("smp-%dcpu-all-%s" % (count, model), model=model, cpus=count, timeout=240,
                files={"HV.CFG": "cpus=all\n"},
                expect=[cpus_line(count, count, "all"), r"^\[hv\] vmxon: ok "] +
                [r"^\[hv\] cpu %d: apic_id=%d vmxon=ok$" % (i, i) for i in range(1, count)] +
                [r"^\[hv\] cpus: %d of %d in VMX root operation \(APs parked halted; tsc \d+ ticks/ms from pit\)$"
                 % (count, count)] + GUEST_OK,
                forbid=NO_FAILURE, check=check_summary_counts)


CASES = [
    all_up(2, "corei7_skylake_x"),
    all_up(4, "corei7_skylake_x"),
    all_up(4, "broadwell_ult"),
    # No cpus=: the default, the boot processor alone; no AP is started.
    Case("smp-2cpu-default", cpus=2, timeout=240,
         expect=[cpus_line(2, 1, r"1, the default")] + GUEST_OK, check=check_summary_counts,
         forbid=[r"^\[hv\] cpu \d+:", r"^\[hv\] cpus: \d+ of", r"^\[hv\] cpus: HV\.CFG"]),
    # More than the machine has: what exists, said in one line.
    Case("smp-2cpu-ask8", cpus=2, timeout=240, files={"HV.CFG": "cpus=8\n"},
         expect=[cpus_line(2, 2, "8"),
                 r"^\[hv\] cpus: HV\.CFG cpus=8 but the machine has 2: minihv takes the 2 there are$",
                 r"^\[hv\] cpu 1: apic_id=1 vmxon=ok$", r"^\[hv\] cpus: 2 of 2 in VMX root operation "] + GUEST_OK,
         forbid=NO_FAILURE),
]

# QEMU TCG (no VT-x, about 5 s): the processors found through MP services on another firmware
# build, with 4 CPUs; the run then ends at the VT-x check as on one CPU.
CASES.append(Case("smp-qemu-4cpu-discovery", emulator="qemu", qemu_args=["-smp", "4"], timeout=90,
                  files={"HV.CFG": "cpus=all\n"},
                  expect=[cpus_line(4, 4, "all"), r"^\[hv\] FATAL E_NO_VTX \(code 2\): ",
                          r"^\[hv\] end: status=E_NO_VTX code=2$"],
                  forbid=[r"^\[hv\] cpu \d+:"]))
