/* External interrupts (exit reason 1). The hypervisor masks the 8259s and the local APIC's own
 * interrupts at take-over, so what still arrives comes from a device the firmware left enabled.
 * "External-interrupt exiting" makes it an exit instead of a vector in the guest's IDT, and
 * "acknowledge interrupt on exit" hands over its vector: end it with an EOI, count it, resume.
 * (SDM Vol. 3C §25.9.2 "Information for VM Exits Due to Vectored Events".) */
#include "arch/lib/log.h"
#include "arch/x86_64/lapic.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/exit/exit.h"

void handle_external_interrupt(struct vcpu *v, struct guest_regs *r)
{
	struct intr_info ii;

	(void)r;
	intr_info_decode((uint32_t)vmread64(VM_EXIT_INTR_INFO), &ii);
	lapic_eoi(&host_lapic);
	v->interrupts++;
	hv_log_tagged(LOG_TAG_INTERRUPT, "interrupt: vector 0x%x arrived during the guest (%llu so far): EOI sent, guest "
		      "resumed (a device the firmware left enabled)", ii.vector, (unsigned long long)v->interrupts);
}
