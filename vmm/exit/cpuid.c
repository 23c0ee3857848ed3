/* CPUID (exit reason 10): the hypervisor's leaves answered here, the rest from the real CPUID
 * with the VMX bit hidden and the hypervisor bit set. A common exit: no logging. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "vmm/exit/exit.h"

void handle_cpuid(struct vm *vm, struct guest_regs *r)
{
	uint32_t leaf = (uint32_t)r->gpr[GPR_RAX];
	struct cpuid_regs c = { 0, 0, 0, 0 };

	(void)vm;
	if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_LAST) {
		/* Answered here, never by the real CPUID. */
		if (leaf == CPUID_HV_BASE)
			c = (struct cpuid_regs){ CPUID_HV_MAX_LEAF, HV_VENDOR_EBX, HV_VENDOR_ECX, HV_VENDOR_EDX };
		else if (leaf == CPUID_HV_MAX_LEAF)
			c.eax = HV_ABI_VERSION;
	} else {
		cpuid(leaf, (uint32_t)r->gpr[GPR_RCX], &c);
		if (leaf == 1)
			c.ecx = (c.ecx | CPUID_1_ECX_HYPERVISOR) & ~CPUID_1_ECX_VMX;
	}
	r->gpr[GPR_RAX] = c.eax;
	r->gpr[GPR_RBX] = c.ebx;
	r->gpr[GPR_RCX] = c.ecx;
	r->gpr[GPR_RDX] = c.edx;
	skip_instruction();
}
