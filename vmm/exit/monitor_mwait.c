/* MWAIT (36), MONITOR (39): skipped, like HLT. An MWAIT with interrupts masked and a deep C-state
 * hint could sleep for good: the VMX-preemption timer does not count in C-states deeper than C2
 * (SDM Vol. 3C §26.5.1 "VMX-Preemption Timer") and masked interrupts do not wake it, so the guest's
 * time budget would never end it. MWAIT may return at any time for any reason, so a guest has to
 * loop on its condition anyway; MONITOR only arms what MWAIT would wait for. CPUID does not
 * advertise either (cpuid.c). */
#include "vmm/exit/exit.h"

void handle_monitor_mwait(struct vcpu *v, struct guest_regs *r)
{
	(void)v;
	(void)r;
	skip_instruction();
}
