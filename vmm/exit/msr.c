/* RDMSR (31) and WRMSR (32): every MSR access exits (the MSR bitmap is all ones) and is refused
 * with #GP(0), one rate-limited line each. */
#include "arch/lib/log.h"
#include "vmm/exit/exit.h"

void handle_msr(struct vm *vm, struct guest_regs *r)
{
	uint32_t reason = (uint32_t)vmread64(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK;

	(void)vm;
	hv_log_tagged(LOG_TAG_MSR, "msr: guest %s 0x%llx refused: #GP injected (rip=0x%llx)",
		      reason == EXIT_REASON_RDMSR ? "RDMSR" : "WRMSR", (unsigned long long)(uint32_t)r->gpr[GPR_RCX],
		      (unsigned long long)vmread64(GUEST_RIP));
	inject_gp();
}
