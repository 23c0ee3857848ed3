/* XSETBV (exit reason 55): the guest's XCR0, checked before the hypervisor executes it. */
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cr.h"
#include "vmm/exit/exit.h"

void handle_xsetbv(struct vm *vm, struct guest_regs *r)
{
	struct cpuid_regs c;
	uint64_t xcr0 = (r->gpr[GPR_RDX] << 32) | (uint32_t)r->gpr[GPR_RAX];

	(void)vm;
	cpuid(CPUID_XSAVE_LEAF, 0, &c);
	/* SDM Vol. 1 §13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features": ECX must be 0,
	 * x87 (bit 0) always on, AVX (bit 2) needs SSE (bit 1), nothing unsupported. */
	if ((uint32_t)r->gpr[GPR_RCX] != 0 || !(xcr0 & XCR0_X87) || ((xcr0 & XCR0_AVX) && !(xcr0 & XCR0_SSE)) ||
	    (xcr0 & ~(((uint64_t)c.edx << 32) | c.eax)) || !(read_cr4() & CR4_OSXSAVE)) {
		hv_log_tagged(LOG_TAG_XSETBV, "xsetbv: guest XCR%u=0x%llx refused: #GP injected",
			      (unsigned)r->gpr[GPR_RCX], (unsigned long long)xcr0);
		inject_gp();
		return;
	}
	xsetbv(0, xcr0);
	skip_instruction();
}
