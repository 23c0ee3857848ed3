/* XSETBV (exit reason 55): the guest's XCR0, checked against every rule of SDM Vol. 1 §13.3 "Enabling
 * the XSAVE Feature Set and XSAVE-Enabled Features" (arch/x86_64/xsave.c) before the hypervisor
 * executes it. A value XSETBV would fault on gets #GP(0) in the guest, as on bare metal: the
 * hypervisor never executes an XSETBV that can fault (in root mode that would halt the machine). */
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/xsave.h"
#include "vmm/exit/exit.h"

void handle_xsetbv(struct vcpu *vcpu, struct guest_regs *r)
{
	uint32_t index = (uint32_t)r->gpr[GPR_RCX];   /* RCX[63:32], RAX[63:32], RDX[63:32] are ignored */
	uint64_t xcr0 = (r->gpr[GPR_RDX] << 32) | (uint32_t)r->gpr[GPR_RAX];
	enum xcr0_verdict v;

	(void)vcpu;
	if (index != 0) {   /* only XCR0 is writable */
		hv_log_tagged(LOG_TAG_XSETBV, "xsetbv: guest XCR%u=0x%llx refused: no such XCR: #GP injected", index,
			      (unsigned long long)xcr0);
		inject_gp();
		return;
	}
	v = xcr0_check_host(xcr0);
	if (v != XCR0_OK) {
		hv_log_tagged(LOG_TAG_XSETBV, "xsetbv: guest XCR0=0x%llx refused: %s: #GP injected",
			      (unsigned long long)xcr0, xcr0_verdict_text(v));
		inject_gp();
		return;
	}
	xsetbv(0, xcr0);
	skip_instruction();
}
