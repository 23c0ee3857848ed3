"""Issue 14: the VM-entry checker against Bochs' VMX, one VMCS field at a time (HV.CFG
entry_probe=on, vmm/vm/entry_probe.c; docs/vm-entry-checks.md "Checking the checker").

Each probe changes one field of the VMCS minihv builds, runs the checker, VMLAUNCHes and reads the
CPU's verdict (VM-instruction error 7 or 8, exit reason 33 with its qualification, or an entry),
then restores the VMCS. The case checks, for every probe, that the CPU's verdict is the one the SDM
gives (the third column below, worked out from the SDM, not from either program) and that the
checker agrees; the run must end with `entry-probe: done ... disagree=0`.

The whole matrix runs on Skylake-X; one probe per check family runs on every model with EPT.
Field encodings come from vmm/vmx/vmcs_fields.h. Base values on Bochs' Skylake-X (the `vmcs:`
line): pin=0x7f proc=0xb61865f2 proc2=0x106a exit=0x7fefff entry=0xd3ff; guest CR0=0x80000033,
CR4=0x2020, EFER=0xd00, RFLAGS=0x2, CS AR=0xa09b, SS/DS AR=0xc093, TR AR=0x8b.
"""
import os
import re

from boot_tests import Case
from cases_vmx import BANNER, VMX_MODELS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NONCANON = 0x0000800000000000   # bit 47 set, 63:48 clear: not canonical with 48 linear bits
BEYOND_40 = 1 << 40             # above MAXPHYADDR 40 (Skylake-X and the other Bochs models here)


def field_encodings():
    enc = {}
    with open(os.path.join(ROOT, "vmm", "vmx", "vmcs_fields.h")) as f:
        for line in f:
            m = re.match(r"#define (\w+)\s+(0x[0-9A-Fa-f]+)\s*$", line)
            if m:
                enc[m.group(1)] = int(m.group(2), 16)
    return enc


ENC = field_encodings()

# (field, value, the SDM's verdict, why[, Bochs 2.7's verdict where it deviates from the SDM]) --
# the deviations are listed, with the SDM's text, in docs/vm-entry-checks.md "Where Bochs differs".
MATRIX = [
    # ---- VM-execution, VM-exit and VM-entry controls (27.2.1): error 7
    ("PIN_BASED_VM_EXEC_CONTROL", 0x7e, "entry", "external-interrupt exiting may be 0 (legal)"),
    ("PIN_BASED_VM_EXEC_CONTROL", 0x7b, "error 7", "bit 2 is a default1 bit: must be 1"),
    ("PIN_BASED_VM_EXEC_CONTROL", 0x77, "error 7", "virtual NMIs without NMI exiting"),
    ("PIN_BASED_VM_EXEC_CONTROL", 0x8000007f, "error 7", "bit 31 not allowed to be 1"),
    ("CPU_BASED_VM_EXEC_CONTROL", 0xb61865f0, "error 7", "bit 1 is a default1 bit: must be 1"),
    ("CPU_BASED_VM_EXEC_CONTROL", 0xa61865f2, "entry", "MSR bitmaps off (legal)"),
    ("CPU_BASED_VM_EXEC_CONTROL", 0xb65865f2, "entry", "NMI-window exiting with virtual NMIs (legal)"),
    ("CR3_TARGET_COUNT", 4, "entry", "at most 4 (legal edge)"),
    ("CR3_TARGET_COUNT", 5, "error 7", "more than IA32_VMX_MISC[24:16] = 4"),
    ("SECONDARY_VM_EXEC_CONTROL", 0x10e8, "error 7", "unrestricted guest without EPT"),
    ("SECONDARY_VM_EXEC_CONTROL", 0x8000106a, "error 7", "bit 31 not allowed to be 1"),
    ("SECONDARY_VM_EXEC_CONTROL", 0x107a, "error 7", "virtualize x2APIC mode without the TPR shadow"),
    ("SECONDARY_VM_EXEC_CONTROL", 0x104a, "entry", "VPID off (legal)"),
    ("VIRTUAL_PROCESSOR_ID", 0, "error 7", "VPID 0 with enable VPID"),
    ("EPT_POINTER", 0x1e, "entry", "any page-aligned EPTP within MAXPHYADDR, WB, 4 levels"),
    ("EPT_POINTER", 0x18, "entry", "UC memory type (IA32_VMX_EPT_VPID_CAP[8] = 1)"),
    ("EPT_POINTER", 0x19, "error 7", "memory type 1 is reserved"),
    ("EPT_POINTER", 0x26, "error 7", "5-level walk (bits 5:3 = 4) not supported"),
    ("EPT_POINTER", 0x5e, "entry", "accessed/dirty flags (IA32_VMX_EPT_VPID_CAP[21] = 1)"),
    ("EPT_POINTER", 0x9e, "error 7", "bit 7 reserved"),
    ("EPT_POINTER", BEYOND_40 | 0x1e, "error 7", "address beyond MAXPHYADDR"),
    ("VM_EXIT_CONTROLS", 0x3fefff, "entry", "do not save the timer value (legal)"),
    ("VM_EXIT_CONTROLS", 0x807fefff, "error 7", "bit 31 not allowed to be 1"),
    ("VM_EXIT_MSR_STORE_ADDR", 0x8, "entry", "not 16-byte aligned, but the count is 0 (legal)"),
    ("VM_ENTRY_CONTROLS", 0xd7ff, "error 7", "entry to SMM outside SMM", "exit 33"),
    ("VM_ENTRY_CONTROLS", 0x8000d3ff, "error 7", "bit 31 not allowed to be 1"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x8000010d, "error 7", "interruption type 1 is reserved"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x80000320, "error 7", "hardware exception with vector 32"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x80000b06, "error 7", "#UD with an error code"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x80000308, "error 7", "#DF without an error code (CR0.PE = 1)"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x80000203, "error 7", "NMI type with vector 3"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x80000b0d, "entry", "#GP(0) injected (legal; the guest then triple-faults)"),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x80000020, "exit 33", "external interrupt with RFLAGS.IF = 0"),
    ("VM_ENTRY_EXCEPTION_ERROR_CODE", 0xffff0000, "entry", "bits 31:16 set, but no event is injected (legal)"),
    ("TPR_THRESHOLD", 0x10, "entry", "bits 31:4 set, but no TPR shadow (legal)"),
    # ---- host state (27.2.2, 27.2.3): error 8
    ("HOST_CR0", 0, "error 8", "CR0 fixed bits (PE, NE, PG)"),
    ("HOST_CR4", 0, "error 8", "CR4 fixed bits (VMXE)"),
    ("HOST_CR3", BEYOND_40, "error 8", "CR3 beyond MAXPHYADDR"),
    ("HOST_CS_SELECTOR", 0, "error 8", "CS null"),
    ("HOST_TR_SELECTOR", 0, "error 8", "TR null"),
    ("HOST_SS_SELECTOR", 0x13, "error 8", "SS RPL not 0"),
    ("HOST_DS_SELECTOR", 0x14, "error 8", "DS TI set"),
    ("HOST_FS_BASE", NONCANON, "error 8", "FS base not canonical"),
    ("HOST_FS_BASE", 0x00007ffffffff000, "entry", "FS base canonical (legal edge)"),
    ("HOST_GS_BASE", NONCANON, "error 8", "GS base not canonical"),
    ("HOST_TR_BASE", NONCANON, "error 8", "TR base not canonical"),
    ("HOST_GDTR_BASE", NONCANON, "error 8", "GDTR base not canonical"),
    ("HOST_IDTR_BASE", NONCANON, "error 8", "IDTR base not canonical"),
    ("HOST_IA32_SYSENTER_ESP", NONCANON, "error 8", "SYSENTER_ESP not canonical"),
    ("HOST_IA32_SYSENTER_CS", 0x10, "entry", "any SYSENTER_CS (legal)"),
    ("HOST_IA32_EFER", 0xd04, "error 8", "EFER reserved bit 2"),
    ("HOST_IA32_EFER", 0x100, "error 8", "EFER.LMA != host address-space size"),
    ("HOST_IA32_PAT", 0x0007040600070402, "error 8", "PAT entry 0 is type 2 (reserved)"),
    ("HOST_IA32_PAT", 0x0606060606060606, "entry", "PAT all WB (legal)"),
    ("VM_EXIT_CONTROLS", 0x7fedff, "error 8", "host address-space size 0 while the host is in IA-32e mode"),
    # ---- guest state (27.3.1): exit 33
    ("GUEST_CR0", 0x80000032, "exit 33", "CR0.PE clear (fixed bit, no unrestricted guest)"),
    ("GUEST_CR0", 0x80000013, "exit 33", "CR0.NE clear (fixed bit)"),
    ("GUEST_CR0", 0xc0000033, "entry", "CR0.CD set (not checked)"),
    ("GUEST_CR0", 0x80010033, "entry", "CR0.WP set (legal)"),
    ("GUEST_CR4", 0x2000, "exit 33", "CR4.PAE clear in an IA-32e mode guest"),
    ("GUEST_CR4", 0x20, "exit 33", "CR4.VMXE clear (fixed bit)"),
    ("GUEST_CR3", BEYOND_40 | 0x8000000, "exit 33", "CR3 beyond MAXPHYADDR"),
    ("GUEST_DR7", 0x100000400, "exit 33", "DR7 bits 63:32 set"),
    ("GUEST_IA32_DEBUGCTL", 0x8, "exit 33", "DEBUGCTL reserved bit 3", "entry"),
    ("GUEST_IA32_DEBUGCTL", 0x2, "entry", "DEBUGCTL.BTF (legal)"),
    ("GUEST_IA32_EFER", 0x900, "exit 33", "EFER.LMA clear with IA-32e mode guest"),
    ("GUEST_IA32_EFER", 0xd02, "exit 33", "EFER reserved bit 1"),
    ("GUEST_IA32_EFER", 0xc00, "exit 33", "EFER.LME clear, LMA set, CR0.PG set"),
    ("GUEST_IA32_PAT", 0x0007040600070403, "exit 33", "PAT entry 0 is type 3 (reserved)"),
    ("GUEST_IA32_PAT", 0, "entry", "PAT all UC (legal)"),
    ("GUEST_RIP", NONCANON, "exit 33", "RIP not canonical in 64-bit code", "entry"),
    ("GUEST_RFLAGS", 0x20002, "exit 33", "RFLAGS.VM in IA-32e mode"),
    ("GUEST_RFLAGS", 0xa, "exit 33", "RFLAGS reserved bit 3"),
    ("GUEST_RFLAGS", 0x202, "entry", "RFLAGS.IF (legal)"),
    ("GUEST_RFLAGS", 0x102, "entry", "RFLAGS.TF (legal without blocking)"),
    ("GUEST_CS_AR_BYTES", 0xe09b, "exit 33", "CS.L and CS.D both set"),
    ("GUEST_CS_AR_BYTES", 0xa093, "exit 33", "CS a data segment"),
    ("GUEST_CS_AR_BYTES", 0xa0fb, "exit 33", "CS.DPL 3 != SS.DPL 0"),
    ("GUEST_SS_SELECTOR", 0x13, "exit 33", "SS.RPL != CS.RPL"),
    ("GUEST_SS_AR_BYTES", 0x1c093, "entry", "SS unusable in 64-bit mode (legal)"),
    ("GUEST_DS_AR_BYTES", 0xc098, "exit 33", "DS an execute-only code segment"),
    ("GUEST_DS_AR_BYTES", 0xc013, "exit 33", "DS usable but not present"),
    ("GUEST_FS_BASE", NONCANON, "exit 33", "FS base not canonical"),
    ("GUEST_ES_BASE", 0x100000000, "exit 33", "ES base bits 63:32 set"),
    ("GUEST_TR_AR_BYTES", 0x83, "exit 33", "TR a 16-bit busy TSS in IA-32e mode"),
    ("GUEST_TR_AR_BYTES", 0x1008b, "exit 33", "TR unusable"),
    ("GUEST_TR_AR_BYTES", 0x808b, "exit 33", "TR.G set with limit 0x67"),
    ("GUEST_TR_SELECTOR", 0x1c, "exit 33", "TR selector TI set"),
    ("GUEST_GDTR_LIMIT", 0x10000, "exit 33", "GDTR limit bits 31:16 set"),
    ("GUEST_IDTR_BASE", NONCANON, "exit 33", "IDTR base not canonical"),
    ("GUEST_ACTIVITY_STATE", 1, "entry", "HLT (IA32_VMX_MISC[6] = 1, SS.DPL 0)"),
    ("GUEST_ACTIVITY_STATE", 4, "exit 33", "activity state 4 is reserved"),
    ("GUEST_INTERRUPTIBILITY_INFO", 0x3, "exit 33", "blocking by STI and by MOV SS"),
    ("GUEST_INTERRUPTIBILITY_INFO", 0x1, "exit 33", "blocking by STI with RFLAGS.IF = 0"),
    ("GUEST_INTERRUPTIBILITY_INFO", 0x2, "entry", "blocking by MOV SS (legal)"),
    ("GUEST_INTERRUPTIBILITY_INFO", 0x20, "exit 33", "reserved bit 5"),
    ("GUEST_INTERRUPTIBILITY_INFO", 0x8, "entry", "NMI blocking with virtual NMIs (legal)"),
    ("GUEST_PENDING_DBG_EXCEPTIONS", 0x10, "exit 33", "reserved bit 4"),
    ("GUEST_PENDING_DBG_EXCEPTIONS", 0x1, "entry", "B0 pending (legal)"),
    ("VMCS_LINK_POINTER", 0x123, "exit 33 qual 4", "not all ones, not 4 KiB aligned"),
    ("VMCS_LINK_POINTER", BEYOND_40, "exit 33 qual 4", "beyond MAXPHYADDR"),
    ("GUEST_SYSENTER_ESP", NONCANON, "exit 33", "SYSENTER_ESP not canonical"),
    ("VMX_PREEMPTION_TIMER_VALUE", 0xffffffff, "entry", "the largest timer value (legal)"),
]

# One probe per family, on every model: a control (error 7), host state (error 8), guest register
# state (exit 33), guest non-register state (exit 33 qual 4), an injected event, and legal entries.
FAMILIES = [
    ("CR3_TARGET_COUNT", 5, "error 7", ""),
    ("VIRTUAL_PROCESSOR_ID", 0, "error 7", ""),
    ("HOST_TR_SELECTOR", 0, "error 8", ""),
    ("HOST_FS_BASE", NONCANON, "error 8", ""),
    ("GUEST_RFLAGS", 0x0, "exit 33", ""),
    ("GUEST_CS_AR_BYTES", 0xe09b, "exit 33", ""),
    ("VMCS_LINK_POINTER", 0x123, "exit 33 qual 4", ""),
    ("VM_ENTRY_INTR_INFO_FIELD", 0x8000010d, "error 7", ""),
    ("GUEST_RFLAGS", 0x202, "entry", ""),
    ("CR3_TARGET_COUNT", 4, "entry", ""),
]


def probe_case(name, model, probes):
    cfg = "entry_probe=on\n" + "".join("vmwrite=0x%x:0x%x\n" % (ENC[p[0]], p[1]) for p in probes)
    n, deviations = len(probes), 0
    expect = [BANNER, r"^\[hv\] entry-probe: %d probes; \d+ VMCS fields saved; the guest " % n]
    for i, p in enumerate(probes, 1):
        f, v, sdm = p[0], p[1], p[2]
        cpu = p[4] if len(p) > 4 else sdm
        what = r"%d/%d %s=0x%x" % (i, n, f, v)
        if cpu == sdm:
            tail = r"agree( \(first exit: reason \d+\))?"
        else:
            deviations += 1
            tail = r"disagree( \(first exit: reason \d+\))?"
        expect.append(r"^\[hv\] entry-probe: %s: cpu=\"%s\" checker=\"%s\": %s$" % (re.escape(what), cpu, sdm, tail))
    expect += [r"^\[hv\] entry-probe: done probes=%d agree=%d disagree=%d skipped=0$" % (n, n - deviations, deviations),
               r"^\[hv\] end: status=%s$" % ("E_VMLAUNCH code=11" if deviations else "OK code=0")]
    return Case(name, model=model, files={"HV.CFG": cfg}, expect=expect,
                forbid=[r"skipped:", r"^\[guest\] "], timeout=240)


HALF = (len(MATRIX) + 1) // 2
CASES = [probe_case("entry-probe-matrix-1", "corei7_skylake_x", MATRIX[:HALF]),
         probe_case("entry-probe-matrix-2", "corei7_skylake_x", MATRIX[HALF:])]
CASES += [probe_case("entry-probe-families-%s" % m, m, FAMILIES) for m in VMX_MODELS]
