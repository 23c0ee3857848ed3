"""Issue 3 boot tests: VMXON on every Bochs CPU model with VMX, the refusals on those without,
and the refusal under QEMU TCG (no VMX). Expected capability values per model come from
../shared/notes/test-bench.md (read by an independent probe on this bench)."""
from boot_tests import Case

BANNER = r"^\[hv\] banner: minihv \d+\.\d+\.\d+ commit=[0-9a-f]{7,} image_base=0x[0-9a-f]+ image_size=0x[0-9a-f]+ serial=0x3f8$"
TAKEOVER = [
    r"^\[hv\] takeover: exit_boot_services=ok attempts=\d+ mmap_entries=\d+ phys_top=0x[0-9a-f]+$",
    r"^\[hv\] takeover: gdt=0x[0-9a-f]+ tss=0x[0-9a-f]+ tr=0x18 idt=0x[0-9a-f]+ cr3=0x[0-9a-f]+ identity=0x[0-9a-f]+ page=(1G|2M) tables=\d+$",
]
END_OK = [r"^\[hv\] vmxoff: ok$", r"^\[hv\] end: status=OK code=0$", r"^\[hv\] poweroff: shutdown$"]

# model: (vmcs revision, 2M, 1G, A/D, unrestricted guest, INVEPT types)
VMX_MODELS = {
    "corei7_skylake_x":          ("0x2b", "yes", "yes", "yes", "yes"),
    "broadwell_ult":             ("0x2b", "yes", "yes", "yes", "yes"),
    "corei7_haswell_4770":       ("0x2b", "yes", "yes", "yes", "yes"),
    "corei7_sandy_bridge_2600k": ("0x2b", "yes", "no", "no", "yes"),
    "corei5_lynnfield_750":      ("0x2b", "yes", "no", "no", "no"),
    "corei7_icelake_u":          ("0x4", "yes", "yes", "yes", "yes"),
    "tigerlake":                 ("0x4", "yes", "yes", "yes", "yes"),
}


def vmx_case(model, rev, m2, g1, ad, ug):
    return Case(
        name="vmx-" + model,
        model=model,
        expect=[BANNER] + TAKEOVER + [
            r"^\[hv\] cpu: vendor=GenuineIntel family=0x6 model=0x[0-9a-f]+ stepping=\d+ maxphyaddr=\d+ vmx=yes$",
            r"^\[hv\] feature-control: was 0x0 \(unlocked\); wrote 0x5 \(VMX outside SMX, locked\)$",
            r"^\[hv\] cr: cr0=0x[0-9a-f]+ cr4=0x[0-9a-f]+ \(VMX fixed bits applied, CR4.VMXE set\)$",
            r"^\[hv\] vmxon: ok region=0x[0-9a-f]+ revision=%s$" % rev,
            r"^\[hv\] cap: vmcs_revision=%s vmcs_size=4096 true_controls=yes " % rev,
            r"^\[hv\] cap: ept=yes walk4=yes wb=yes 2m=%s 1g=%s ad=%s exec_only=yes " % (m2, g1, ad),
            r"^\[hv\] cap: vpid=yes unrestricted_guest=%s preemption_timer=yes invept=single,all " % ug,
        ] + END_OK,
        forbid=[r"FATAL"],
    )


CASES = [vmx_case(m, *v) for m, v in VMX_MODELS.items()]

CASES.append(Case(
    name="refuse-no-ept-core2_penryn_t9600",
    model="core2_penryn_t9600",
    expect=[BANNER] + TAKEOVER + [
        r"^\[hv\] cpu: vendor=GenuineIntel .* vmx=yes$",
        r"^\[hv\] cap: ept=no walk4=no wb=no 2m=no 1g=no ad=no exec_only=no ept_vpid_cap=0x0000000000000000$",
        r"^\[hv\] FATAL E_NO_EPT \(code 5\): secondary controls do not allow \"enable EPT\" \(IA32_VMX_PROCBASED_CTLS2\[33\] = 0\); this hypervisor needs EPT",
        r"^\[hv\] end: status=E_NO_EPT code=5$",
        r"^\[hv\] poweroff: shutdown$",
    ],
    forbid=[r"vmxon: ok"],
))

CASES.append(Case(
    name="refuse-no-vtx-ryzen",
    model="ryzen",
    expect=[BANNER] + TAKEOVER + [
        r"^\[hv\] cpu: vendor=AuthenticAMD .* vmx=no$",
        r"^\[hv\] FATAL E_NO_VTX \(code 2\): CPU vendor is AuthenticAMD, not GenuineIntel: no Intel VT-x; run on an Intel CPU with VT-x",
        r"^\[hv\] end: status=E_NO_VTX code=2$",
        r"^\[hv\] poweroff: shutdown$",
    ],
    forbid=[r"vmxon: ok", r"^\[hv\] cap:"],
))

CASES.append(Case(
    name="refuse-no-vtx-qemu-tcg",
    emulator="qemu",
    timeout=90,
    expect=[BANNER] + TAKEOVER + [
        r"^\[hv\] cpu: vendor=\w+ .* vmx=no$",
        r"^\[hv\] FATAL E_NO_VTX \(code 2\): .*no .*VT-x.*; run on an Intel CPU with VT-x",
        r"^\[hv\] end: status=E_NO_VTX code=2$",
        r"^\[hv\] poweroff: shutdown$",
    ],
    forbid=[r"vmxon: ok", r"^\[hv\] cap:"],
))
