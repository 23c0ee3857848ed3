/* CPUID (exit reason 10): the hypervisor's leaves answered here, the rest from the real CPUID with
 * what the guest cannot use hidden: VMX; MONITOR/MWAIT (they exit and do nothing); every feature
 * whose instruction #UDs in VMX non-root operation because its enabling control is off (SDM Vol. 3C
 * §26.3 "Changes to Instruction Behavior in VMX Non-Root Operation"); and OSXSAVE as the guest's own
 * CR4.OSXSAVE, not the host's. The hypervisor bit is set. A common exit: no logging. The masks are
 * computed once, from the controls written to the VMCS (cpuid_masks_init). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cr.h"
#include "vmm/exit/exit.h"
#include "vmm/vmx/controls.h"

/* Bits kept of the passthrough leaves; until cpuid_masks_init, as with every control off. */
static struct cpuid_masks masks = {
	.leaf7_ebx = ~CPUID_7_EBX_INVPCID,
	.leaf7_ecx = ~(CPUID_7_ECX_WAITPKG | CPUID_7_ECX_RDPID),
	.leaf7_edx = ~CPUID_7_EDX_PCONFIG,
	.leafd1_eax = ~CPUID_D1_EAX_XSAVES,
	.ext1_edx = ~CPUID_80000001_EDX_RDTSCP,
};

void cpuid_masks_compute(uint32_t proc_ctls, uint32_t proc2_ctls, struct cpuid_masks *m)
{
	/* The secondary controls count only while activated (§25.6.2). */
	uint32_t p2 = (proc_ctls & PROC_ACTIVATE_SECONDARY_CONTROLS) ? proc2_ctls : 0;

	*m = (struct cpuid_masks){ ~0u, ~0u, ~0u, ~0u, ~0u };
	if (!(p2 & PROC2_ENABLE_INVPCID))
		m->leaf7_ebx &= ~CPUID_7_EBX_INVPCID;
	if (!(p2 & PROC2_ENABLE_USER_WAIT_PAUSE))
		m->leaf7_ecx &= ~CPUID_7_ECX_WAITPKG;
	if (!(p2 & PROC2_ENABLE_RDTSCP)) {   /* RDTSCP and RDPID */
		m->ext1_edx &= ~CPUID_80000001_EDX_RDTSCP;
		m->leaf7_ecx &= ~CPUID_7_ECX_RDPID;
	}
	if (!(p2 & PROC2_ENABLE_PCONFIG))
		m->leaf7_edx &= ~CPUID_7_EDX_PCONFIG;
	if (!(p2 & PROC2_ENABLE_XSAVES))
		m->leafd1_eax &= ~CPUID_D1_EAX_XSAVES;
}

void cpuid_masks_init(uint32_t proc_ctls, uint32_t proc2_ctls)
{
	cpuid_masks_compute(proc_ctls, proc2_ctls, &masks);
}

/* The leaves with bits to change (1, 7, 0xd, 0x80000001) lie in 1-0xd and 0x80000001-0x8000000d: one
 * test in handle_cpuid, (leaf - 1) with bit 31 dropped below 0xd, sends these two ranges here, out of
 * line, so that every other leaf (0 and the hypervisor's included) takes a path no longer than before.
 * Runs the real CPUID, changes what it must, resumes the guest. */
static __attribute__((noinline)) void cpuid_adjusted(struct guest_regs *r)
{
	uint32_t leaf = (uint32_t)r->gpr[GPR_RAX], subleaf = (uint32_t)r->gpr[GPR_RCX];
	struct cpuid_regs64 c;

	cpuid64(leaf, subleaf, &c);
	switch (leaf) {
	case CPUID_FEATURES:
		/* CPUID.1:ECX.OSXSAVE reflects CR4.OSXSAVE (§13.3): the guest's, from GUEST_CR4. */
		c.rcx = (c.rcx & ~(uint64_t)(CPUID_1_ECX_VMX | CPUID_1_ECX_MONITOR | CPUID_1_ECX_OSXSAVE)) |
			CPUID_1_ECX_HYPERVISOR | ((vmread_hot(GUEST_CR4) & CR4_OSXSAVE) ? CPUID_1_ECX_OSXSAVE : 0);
		break;
	case CPUID_STRUCT_EXT:
		if (subleaf == 0) {
			c.rbx &= masks.leaf7_ebx;
			c.rcx &= masks.leaf7_ecx;
			c.rdx &= masks.leaf7_edx;
		}
		break;
	case CPUID_XSAVE_LEAF:
		if (subleaf == 1)
			c.rax &= masks.leafd1_eax;
		break;
	case CPUID_EXT_FEATURES:
		c.rdx &= masks.ext1_edx;
		break;
	default:
		break;
	}
	r->gpr[GPR_RAX] = c.rax;
	r->gpr[GPR_RBX] = c.rbx;
	r->gpr[GPR_RCX] = c.rcx;
	r->gpr[GPR_RDX] = c.rdx;
	skip_instruction();
}

void handle_cpuid(struct vcpu *v, struct guest_regs *r)
{
	uint32_t leaf = (uint32_t)r->gpr[GPR_RAX];
	struct cpuid_regs64 c = { 0, 0, 0, 0 };

	if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_LAST) {
		/* Answered here, never by the real CPUID. */
		if (leaf == CPUID_HV_BASE)
			c = (struct cpuid_regs64){ CPUID_HV_MAX_LEAF, HV_VENDOR_EBX, HV_VENDOR_ECX, HV_VENDOR_EDX };
		else if (leaf == CPUID_HV_MAX_LEAF)
			c = (struct cpuid_regs64){ HV_ABI_VERSION, v->vm->nvcpus, v->index, 0 };
	} else if (((leaf - 1) & 0x7fffffffu) < CPUID_XSAVE_LEAF) {
		cpuid_adjusted(r);
		return;
	} else {
		cpuid64(leaf, (uint32_t)r->gpr[GPR_RCX], &c);
	}
	r->gpr[GPR_RAX] = c.rax;
	r->gpr[GPR_RBX] = c.rbx;
	r->gpr[GPR_RCX] = c.rcx;
	r->gpr[GPR_RDX] = c.rdx;
	skip_instruction();
}
